"""The review's embedded store: one SQLite file that owns every harvested record.

`Store` owns the connection, applies named migrations (recorded in `migrations`), offers
`with store.atomic():` (one transaction, savepoints when nested), and upserts source hits on their
natural keys. Each hit keeps its raw payload beside its parsed fields, so a better parser can
re-read it without a new download. Deduplication (`corpus.dedup`) decides which stored study
record a hit belongs to; the merged study record is recomputed from its hits, so it does not
depend on the order in which sources were harvested.

The extractor's output is kept per record as JSON text beside the extractor version that made it
(the store never imports the extractor). A record whose merged fields or full text change loses
its extraction, so the next `trialsynth extract` reads it again.

Reviewer screening decisions (`set_decision`, `clear_decision`) live in their own table, apart
from the extractor's output, so no extraction ever overwrites them; every decision is also
appended to `screening_log`, which is never deleted from. When deduplication merges two records,
a decision on the absorbed record moves to the surviving one.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from corpus import dedup
from corpus.records import FullText, Hit, Record
from corpus.errors import StoreError

#: Named migrations, applied in order, each once. Append; never edit one that has shipped.
MIGRATIONS: list[tuple[str, str]] = [
    ("0001_records", """
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            merged TEXT NOT NULL,            -- JSON of the merged Record (Record.to_dict())
            title_norm TEXT NOT NULL,
            year INTEGER,
            first_author TEXT,
            created_run INTEGER,
            updated_run INTEGER
        );
        CREATE INDEX records_author_year ON records(first_author, year);
        CREATE INDEX records_year ON records(year);
        CREATE TABLE hits (
            source TEXT NOT NULL,
            source_id TEXT NOT NULL,
            record_id TEXT NOT NULL REFERENCES records(id),
            parsed TEXT NOT NULL,            -- JSON of the parsed Record
            fingerprint TEXT NOT NULL,
            raw_format TEXT NOT NULL,
            raw TEXT NOT NULL,               -- the payload exactly as received
            entry_date TEXT,
            first_run INTEGER,
            last_run INTEGER,
            PRIMARY KEY (source, source_id)
        );
        CREATE INDEX hits_record ON hits(record_id);
        CREATE TABLE identifiers (
            scheme TEXT NOT NULL,            -- pmid | doi | pmcid | nct
            value TEXT NOT NULL,
            record_id TEXT NOT NULL REFERENCES records(id),
            PRIMARY KEY (scheme, value, record_id)
        );
        CREATE INDEX identifiers_record ON identifiers(record_id);
        CREATE TABLE fulltexts (
            pmcid TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            xml TEXT NOT NULL,
            fetched_run INTEGER
        );
        CREATE TABLE marks (
            source TEXT NOT NULL,
            query TEXT NOT NULL,
            mark TEXT NOT NULL,              -- ISO date: harvest from here next time
            updated_at TEXT NOT NULL,
            PRIMARY KEY (source, query)
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,            -- running | ok | failed (a killed run stays 'running')
            summary TEXT
        );
    """),
    ("0002_extractions", """
        CREATE TABLE extractions (
            record_id TEXT PRIMARY KEY REFERENCES records(id),
            extractor_version TEXT NOT NULL,
            extracted_at TEXT NOT NULL,
            evidence_json TEXT NOT NULL      -- JSON of the extractor's Evidence (its to_prediction())
        );
        CREATE INDEX extractions_version ON extractions(extractor_version);
    """),
    ("0003_screening_decisions", """
        CREATE TABLE screening_decisions (
            record_id TEXT PRIMARY KEY REFERENCES records(id),
            include INTEGER NOT NULL,        -- 1 include, 0 exclude
            reason TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            decided_at TEXT NOT NULL
        );
        CREATE TABLE screening_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            record_id TEXT NOT NULL,         -- no foreign key: the history outlives merged-away records
            action TEXT NOT NULL,            -- include | exclude | clear | merge
            include INTEGER,                 -- the decision in force after this entry (NULL after a clear)
            reason TEXT,
            reviewer TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            note TEXT
        );
        CREATE INDEX screening_log_record ON screening_log(record_id);
    """),
    ("0010_review_bookkeeping", """
        ALTER TABLE extractions ADD COLUMN input_fingerprint TEXT;  -- of the record as the extractor read it
        CREATE TABLE IF NOT EXISTS extraction_failures (
            record_id TEXT PRIMARY KEY,      -- no foreign key: a merged-away record's failure is ignored
            extractor_version TEXT NOT NULL,
            input_fingerprint TEXT NOT NULL, -- retried only when the record or the extractor changes
            reason TEXT NOT NULL,
            failed_at TEXT NOT NULL
        );
        ALTER TABLE runs ADD COLUMN pid INTEGER;  -- the process of a running command (who holds the review)
        CREATE TABLE IF NOT EXISTS results_cache (
            key TEXT PRIMARY KEY,            -- "<kind>:<fingerprint of the inputs>"
            value TEXT NOT NULL,             -- JSON
            used_run INTEGER                 -- the last run that used it (older entries may be pruned)
        );
    """),
]


@dataclass(frozen=True)
class StoredRecord:
    """A study record as stored: its id, merged fields and the sources that found it."""

    id: str
    record: Record
    sources: tuple[str, ...]
    hit_ids: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the tool's JSONL record format: id, sources, then the merged fields."""
        return {"id": self.id, "sources": list(self.sources),
                "hits": [f"{s}:{i}" for s, i in self.hit_ids], **self.record.to_dict()}


@dataclass(frozen=True)
class ExtractionOutcome:
    """What the extractor made of one record: its evidence JSON, or the reason it failed.

    `input_fingerprint` is `Store.input_fingerprint` of the record as it was read for extraction.
    """

    record_id: str
    extractor_version: str
    input_fingerprint: str
    evidence_json: str | None = None
    failure: str | None = None


@dataclass(frozen=True)
class SaveResult:
    """What `save_extractions` did: how many were stored (evidence or failure), and the stale record ids
    (changed since they were read: nothing was stored for them)."""

    stored: int
    failed: int
    stale: tuple[str, ...]


@dataclass(frozen=True)
class AddResult:
    """What storing one hit did: 'new' record, 'merged' into an existing one, 'updated' or 'unchanged'."""

    status: str
    record_id: str


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _plain(value: Any) -> Any:
    """JSON for numpy scalars and arrays (their Python values); anything else as text."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _alive(pid: int) -> bool:
    """True when a process `pid` exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


class Store:
    """The SQLite store of one review. Use as a context manager or call `close()`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store {self.path}: {exc}. "
                             "Is it a trialsynth review.sqlite? Restore it from a backup or "
                             "run `trialsynth init` in a new folder.") from exc
        self._depth = 0
        self.run_id: int | None = None

    @classmethod
    def open_readonly(cls, path: str | Path) -> "Store":
        """Open an existing store for reading only: a read-only file, or a store in a read-only folder.

        Nothing is migrated or written (a write raises StoreError). Raises StoreError when the file is
        missing or cannot be read as a store.
        """
        self = cls.__new__(cls)
        self.path = Path(path)
        self._depth = 0
        self.run_id = None
        if not self.path.is_file():
            raise StoreError(f"cannot open the store {self.path}: no such file.")
        # in a folder it cannot write, SQLite cannot make the WAL index: read the file as it is
        immutable = "" if os.access(self.path.parent, os.W_OK) else "&immutable=1"
        try:
            self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro{immutable}", uri=True,
                                        isolation_level=None, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("SELECT name FROM migrations").fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read the store {self.path}: {exc}. Is it a trialsynth review.sqlite? "
                             "Restore it from a backup.") from exc
        return self

    # --- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def _migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {row[0] for row in self.conn.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in sql.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def atomic(self) -> Iterator["Store"]:
        """One transaction (a savepoint when nested): all of the block is stored, or none of it."""
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                self.conn.execute(f"RELEASE sp{self._depth}")
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute(f"RELEASE sp{self._depth}")

    # --- runs and high-water marks ---------------------------------------------------------

    def start_run(self, command: str) -> int:
        """Record the start of a command run; returns its id (kept in `run_id`)."""
        with self.atomic():
            cur = self.conn.execute("INSERT INTO runs (command, started_at, status, pid) VALUES (?, ?, 'running', ?)",
                                    (command, _now(), os.getpid()))
        self.run_id = int(cur.lastrowid)
        return self.run_id

    def finish_run(self, status: str, summary: dict[str, Any] | None = None) -> None:
        """Record how the current run ended ('ok' or 'failed') and its summary."""
        if self.run_id is None:
            return
        with self.atomic():
            self.conn.execute("UPDATE runs SET finished_at=?, status=?, summary=? WHERE id=?",
                              (_now(), status, json.dumps(summary or {}, sort_keys=True), self.run_id))

    def runs(self) -> list[dict[str, Any]]:
        """Return every recorded run, oldest first."""
        return [dict(row) for row in self.conn.execute("SELECT * FROM runs ORDER BY id")]

    def running(self) -> list[dict[str, Any]]:
        """Return the runs recorded as running whose process is alive (on this machine), newest first.

        A run killed with kill -9 stays 'running' in the log; its process is gone, so it is not listed.
        """
        out = []
        for row in self.conn.execute("SELECT * FROM runs WHERE status='running' ORDER BY id DESC"):
            pid = row["pid"] if "pid" in row.keys() else None
            if pid and pid != os.getpid() and _alive(pid):
                out.append(dict(row))
        return out

    def last_run(self, prefix: str, status: str = "ok") -> dict[str, Any] | None:
        """Return the newest run whose command starts with `prefix` and that ended with `status`, or None."""
        row = self.conn.execute("SELECT * FROM runs WHERE status=? AND (command=? OR command LIKE ?) "
                                "ORDER BY id DESC LIMIT 1", (status, prefix, prefix + " %")).fetchone()
        return dict(row) if row else None

    def records_created_after(self, run_id: int) -> list[tuple[str, int, str, str | None]]:
        """Return (record_id, created_run, first source, that run's command) of the records created after
        `run_id`, by id: what was added since that run, whatever ran (or was killed) in between."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT r.id, r.created_run, COALESCE((SELECT h.source FROM hits h WHERE h.record_id = r.id AND "
            "h.first_run = r.created_run ORDER BY h.rowid LIMIT 1), (SELECT h.source FROM hits h WHERE "
            "h.record_id = r.id ORDER BY h.rowid LIMIT 1)), u.command "
            "FROM records r LEFT JOIN runs u ON u.id = r.created_run WHERE r.created_run > ? ORDER BY r.id",
            (run_id,))]

    def hits_changed_after(self, run_id: int) -> list[tuple[str, str, int, str | None, str]]:
        """Return (source, record_id, run, that run's command, "merged" | "updated") of the hits stored or
        changed after `run_id` in records created earlier: a new hit merged into a known record, or a
        known hit whose content changed."""
        return [tuple(r) for r in self.conn.execute(
            "SELECT h.source, h.record_id, h.last_run, u.command, "
            "CASE WHEN h.first_run > ? THEN 'merged' ELSE 'updated' END "
            "FROM hits h JOIN records r ON r.id = h.record_id LEFT JOIN runs u ON u.id = h.last_run "
            "WHERE h.last_run > ? AND (r.created_run IS NULL OR r.created_run <= ?) ORDER BY h.rowid",
            (run_id, run_id, run_id))]

    def state_digest(self) -> str:
        """Return a digest of what a review's results are computed from: the records (id, last change),
        the hits per source, the full texts, the extractions and failures, the reviewer decisions. Any
        change made through the store changes it; runs and cached results do not."""
        digest = hashlib.sha256()
        queries = (
            "SELECT id, updated_run, length(merged) FROM records ORDER BY id",
            "SELECT source, COUNT(*), MAX(last_run) FROM hits GROUP BY source ORDER BY source",
            "SELECT COUNT(*), SUM(length(xml)), MAX(fetched_run) FROM fulltexts",
            "SELECT record_id, extractor_version, extracted_at, input_fingerprint, length(evidence_json) "
            "FROM extractions ORDER BY record_id",
            "SELECT record_id, extractor_version, input_fingerprint, reason FROM extraction_failures ORDER BY record_id",
            "SELECT record_id, include, reason, reviewer, decided_at FROM screening_decisions ORDER BY record_id",
        )
        for sql in queries:
            digest.update(sql.encode())
            for row in self.conn.execute(sql):
                digest.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    # --- cached results (keyed by the fingerprint of their inputs) ---------------------------

    def cached_prefix(self, prefix: str) -> dict[str, Any]:
        """Return {key: value} of every cached result whose key starts with `prefix`."""
        rows = self.conn.execute("SELECT key, value FROM results_cache WHERE key LIKE ?", (prefix + "%",))
        return {key: json.loads(value) for key, value in rows}

    def cached(self, keys: Iterable[str]) -> dict[str, Any]:
        """Return {key: value} of the cached results among `keys` (JSON values)."""
        keys = list(keys)
        out: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, value in self.conn.execute(f"SELECT key, value FROM results_cache WHERE key IN ({marks})", chunk):
                out[key] = json.loads(value)
        return out

    def put_cached(self, items: Iterable[tuple[str, Any]], *, prune_prefix: str | None = None) -> None:
        """Store (key, JSON-ready value) results in one transaction, marked as used by this run.

        With `prune_prefix`, entries of that prefix this run neither stored nor read again are dropped
        (`touch_cached` marks the ones read), so the cache holds what the latest run used.
        """
        with self.atomic():
            self.conn.executemany(
                "INSERT INTO results_cache VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value, "
                "used_run=excluded.used_run",
                [(key, json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain), self.run_id)
                 for key, value in items])
            if prune_prefix is not None:
                self.conn.execute("DELETE FROM results_cache WHERE key LIKE ? AND used_run IS NOT ?",
                                  (prune_prefix + "%", self.run_id))

    def touch_cached(self, keys: Iterable[str]) -> None:
        """Mark cached results as used by this run (see `put_cached`'s pruning)."""
        with self.atomic():
            self.conn.executemany("UPDATE results_cache SET used_run=? WHERE key=?",
                                  [(self.run_id, key) for key in keys])

    def get_mark(self, source: str, query: str) -> str | None:
        """Return the high-water mark (ISO date) of a source and query, or None before the first harvest."""
        row = self.conn.execute("SELECT mark FROM marks WHERE source=? AND query=?", (source, query)).fetchone()
        return row[0] if row else None

    def set_mark(self, source: str, query: str, mark: str) -> None:
        """Set the high-water mark of a source and query (call only after a complete harvest)."""
        with self.atomic():
            self.conn.execute(
                "INSERT INTO marks VALUES (?, ?, ?, ?) ON CONFLICT(source, query) DO UPDATE "
                "SET mark=excluded.mark, updated_at=excluded.updated_at", (source, query, mark, _now()))

    # --- hits and records ------------------------------------------------------------------

    def known_source_ids(self, source: str) -> frozenset[str]:
        """Return the ids of every stored hit of `source`."""
        return frozenset(r[0] for r in self.conn.execute("SELECT source_id FROM hits WHERE source=?", (source,)))

    def has_fulltext(self, pmcid: str) -> bool:
        """Return True when a full text is stored for `pmcid` (or recorded as unavailable: xml '')."""
        return self.conn.execute("SELECT 1 FROM fulltexts WHERE pmcid=?", (pmcid,)).fetchone() is not None

    def add_hits(self, hits: Iterable[Hit], fulltexts: Iterable[FullText] = ()) -> list[AddResult]:
        """Store a batch of hits (and full texts) in one transaction; returns what happened to each."""
        with self.atomic():
            results = [self._add_hit(hit) for hit in hits]
            for text in fulltexts:
                self._forget_extraction_if_changed(text)
                self.conn.execute(
                    "INSERT INTO fulltexts VALUES (?, ?, ?, ?) ON CONFLICT(pmcid) DO UPDATE "
                    "SET xml=excluded.xml, source=excluded.source", (text.pmcid, text.source, text.xml, self.run_id))
        return results

    def _forget_extraction_if_changed(self, text: FullText) -> None:
        """Drop the extractions of the records of `text.pmcid` when their full text changes."""
        row = self.conn.execute("SELECT xml = ? FROM fulltexts WHERE pmcid=?", (text.xml, text.pmcid)).fetchone()
        if row is None or not row[0]:
            self.conn.execute("DELETE FROM extractions WHERE record_id IN "
                              "(SELECT record_id FROM identifiers WHERE scheme='pmcid' AND value=?)", (text.pmcid,))

    def _add_hit(self, hit: Hit) -> AddResult:
        rec = hit.record
        fingerprint = rec.fingerprint()
        row = self.conn.execute("SELECT record_id, fingerprint FROM hits WHERE source=? AND source_id=?",
                                (rec.source, rec.source_id)).fetchone()
        if row is not None and row["fingerprint"] == fingerprint:
            return AddResult("unchanged", row["record_id"])
        parsed = json.dumps(rec.to_dict(), sort_keys=True, ensure_ascii=False)
        if row is not None:
            self.conn.execute(
                "UPDATE hits SET parsed=?, fingerprint=?, raw_format=?, raw=?, entry_date=?, last_run=? "
                "WHERE source=? AND source_id=?",
                (parsed, fingerprint, hit.raw_format, hit.raw, rec.entry_date, self.run_id, rec.source, rec.source_id))
            # The new content may carry identifiers that join other records (say, an NCT link).
            target = row["record_id"]
            self._absorb_matches(target, rec, [m for m in dedup.find_matches(self, rec) if m != target])
            self._refresh_record(target)
            return AddResult("updated", target)
        matches = dedup.find_matches(self, rec)
        if matches:
            target = self._absorb_matches(matches[0], rec, matches[1:])
            status = "merged"
        else:
            target = self._new_record_id(rec)
            self.conn.execute(
                "INSERT INTO records (id, merged, title_norm, created_run, updated_run) VALUES (?, '{}', '', ?, ?)",
                (target, self.run_id, self.run_id))
            status = "new"
        self.conn.execute(
            "INSERT INTO hits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rec.source, rec.source_id, target, parsed, fingerprint, hit.raw_format, hit.raw, rec.entry_date,
             self.run_id, self.run_id))
        self._refresh_record(target)
        return AddResult(status, target)

    def _absorb_matches(self, target: str, rec: Record, others: Iterable[str] = ()) -> str:
        """Merge the records in `others` into `target` (a hit bridged them); returns target."""
        for other in others:
            if other == target:
                continue
            self.conn.execute("UPDATE hits SET record_id=? WHERE record_id=?", (target, other))
            self.conn.execute("DELETE FROM identifiers WHERE record_id=?", (other,))
            self.conn.execute("DELETE FROM extractions WHERE record_id=?", (other,))
            self._move_decision(other, target)
            self.conn.execute("DELETE FROM records WHERE id=?", (other,))
        return target

    def _move_decision(self, absorbed: str, target: str) -> None:
        """Carry a reviewer decision of `absorbed` over to `target` (a reviewer's decision is never lost).

        When both records carry one, the later decision stays in force (the surviving record's
        on a tie); the other is kept in the log, where a 'merge' entry records what happened.
        """
        moving = self.conn.execute("SELECT * FROM screening_decisions WHERE record_id=?", (absorbed,)).fetchone()
        if moving is None:
            return
        kept = self.conn.execute("SELECT * FROM screening_decisions WHERE record_id=?", (target,)).fetchone()
        self.conn.execute("DELETE FROM screening_decisions WHERE record_id=?", (absorbed,))
        if kept is None or moving["decided_at"] > kept["decided_at"]:
            self.conn.execute(
                "INSERT INTO screening_decisions VALUES (?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET "
                "include=excluded.include, reason=excluded.reason, reviewer=excluded.reviewer, "
                "decided_at=excluded.decided_at",
                (target, moving["include"], moving["reason"], moving["reviewer"], moving["decided_at"]))
            note = f"record {absorbed} was merged into {target}; its decision moved here"
            if kept is not None:
                note += (f" and replaced the earlier decision of {kept['reviewer']} "
                         f"({'include' if kept['include'] else 'exclude'}: {kept['reason']})")
            winner = moving
        else:
            note = (f"record {absorbed} was merged into {target}; its earlier decision of {moving['reviewer']} "
                    f"({'include' if moving['include'] else 'exclude'}: {moving['reason']}) gave way to this "
                    "record's later one")
            winner = kept
        self.conn.execute(
            "INSERT INTO screening_log (record_id, action, include, reason, reviewer, decided_at, note) "
            "VALUES (?, 'merge', ?, ?, ?, ?, ?)",
            (target, winner["include"], winner["reason"], winner["reviewer"], _now(), note))

    def _new_record_id(self, rec: Record) -> str:
        base = dedup.preferred_record_id(rec)
        candidate, n = base, 1
        while self.conn.execute("SELECT 1 FROM records WHERE id=?", (candidate,)).fetchone():
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def hits_of(self, record_id: str) -> list[Record]:
        """Return the parsed hits of a stored record, in merge-priority order."""
        rows = self.conn.execute("SELECT parsed FROM hits WHERE record_id=?", (record_id,)).fetchall()
        return dedup.sort_by_priority([Record.from_dict(json.loads(r[0])) for r in rows])

    def _refresh_record(self, record_id: str) -> None:
        merged = dedup.merge_hits(self.hits_of(record_id))
        merged_json = json.dumps(merged.to_dict(), sort_keys=True, ensure_ascii=False)
        # An extraction read the old fields: drop it so the record is extracted again.
        self.conn.execute("DELETE FROM extractions WHERE record_id=? AND "
                          "(SELECT merged FROM records WHERE id=?) IS NOT ?", (record_id, record_id, merged_json))
        self.conn.execute(
            "UPDATE records SET merged=?, title_norm=?, year=?, first_author=?, updated_run=? WHERE id=?",
            (merged_json, dedup.title_key(merged), merged.year, merged.first_author, self.run_id, record_id))
        self.conn.execute("DELETE FROM identifiers WHERE record_id=?", (record_id,))
        self.conn.executemany("INSERT OR IGNORE INTO identifiers VALUES (?, ?, ?)",
                              [(scheme, value, record_id) for scheme, value in merged.ids.pairs()])

    # --- reading ---------------------------------------------------------------------------

    def records_with(self, scheme: str, value: str) -> list[str]:
        """Return the ids of stored records carrying identifier `scheme`:`value`."""
        return [r[0] for r in self.conn.execute(
            "SELECT record_id FROM identifiers WHERE scheme=? AND value=? ORDER BY record_id", (scheme, value))]

    def record_ids_near(self, first_author: str | None, year: int | None) -> list[sqlite3.Row]:
        """Return (id, title_norm, year, first_author) of records that could fuzzy-match."""
        if year is None:
            return []
        if first_author:
            sql = "SELECT id, title_norm, year, first_author FROM records WHERE first_author=? AND year BETWEEN ? AND ?"
            return self.conn.execute(sql, (first_author, year - 1, year + 1)).fetchall()
        sql = "SELECT id, title_norm, year, first_author FROM records WHERE year=?"
        return self.conn.execute(sql, (year,)).fetchall()

    def identifiers_of(self, record_id: str) -> dict[str, set[str]]:
        """Return a stored record's identifiers grouped by scheme."""
        out: dict[str, set[str]] = {}
        for scheme, value in self.conn.execute("SELECT scheme, value FROM identifiers WHERE record_id=?", (record_id,)):
            out.setdefault(scheme, set()).add(value)
        return out

    def get(self, record_id: str) -> StoredRecord | None:
        """Return one stored record, or None."""
        row = self.conn.execute("SELECT id, merged FROM records WHERE id=?", (record_id,)).fetchone()
        return self._stored(row) if row else None

    def records(self) -> Iterator[StoredRecord]:
        """Yield every stored record, by id."""
        for row in self.conn.execute("SELECT id, merged FROM records ORDER BY id").fetchall():
            yield self._stored(row)

    def _stored(self, row: sqlite3.Row) -> StoredRecord:
        hits = self.conn.execute("SELECT source, source_id FROM hits WHERE record_id=? ORDER BY source, source_id",
                                 (row["id"],)).fetchall()
        return StoredRecord(id=row["id"], record=Record.from_dict(json.loads(row["merged"])),
                            sources=tuple(sorted({h[0] for h in hits})),
                            hit_ids=tuple((h[0], h[1]) for h in hits))

    def raw_payloads(self, source: str | None = None) -> Iterator[tuple[str, str, str, str]]:
        """Yield (source, source_id, raw_format, raw) of stored hits, for re-parsing without download."""
        sql = "SELECT source, source_id, raw_format, raw FROM hits"
        rows = self.conn.execute(sql + " WHERE source=?", (source,)) if source else self.conn.execute(sql)
        yield from (tuple(r) for r in rows.fetchall())

    def fulltext(self, pmcid: str) -> str | None:
        """Return the stored JATS XML of `pmcid`, or None."""
        row = self.conn.execute("SELECT xml FROM fulltexts WHERE pmcid=?", (pmcid,)).fetchone()
        return row[0] if row and row[0] else None

    # --- extractions -----------------------------------------------------------------------

    def put_extractions(self, items: Iterable[tuple[str, str, str]]) -> int:
        """Store (record_id, extractor_version, evidence_json) triples in one transaction; returns the count.

        An existing extraction of a record is replaced, unchecked (`save_extractions` checks that each
        record is unchanged since it was read). Raises StoreError, storing none of the batch, when a
        record id is not stored or `evidence_json` is not a JSON object.
        """
        count = 0
        with self.atomic():
            for record_id, version, evidence_json in items:
                self._put_extraction(record_id, version, evidence_json, None)
                count += 1
        return count

    def _put_extraction(self, record_id: str, version: str, evidence_json: str, fingerprint: str | None) -> None:
        try:
            ok = isinstance(json.loads(evidence_json), dict)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise StoreError(f"the extraction of record {record_id!r} is not a JSON object "
                             f"({str(evidence_json)[:60]!r}); nothing of this batch was stored. "
                             "Pass the JSON text of Evidence.to_prediction().")
        try:
            self.conn.execute(
                "INSERT INTO extractions (record_id, extractor_version, extracted_at, evidence_json, "
                "input_fingerprint) VALUES (?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE "
                "SET extractor_version=excluded.extractor_version, extracted_at=excluded.extracted_at, "
                "evidence_json=excluded.evidence_json, input_fingerprint=excluded.input_fingerprint",
                (record_id, version, _now(), evidence_json, fingerprint))
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"cannot store an extraction of record {record_id!r}: no such record "
                             f"in {self.path} ({exc}); nothing of this batch was stored. "
                             "Extract only records listed by `trialsynth records`.") from exc
        self.conn.execute("DELETE FROM extraction_failures WHERE record_id=?", (record_id,))

    @staticmethod
    def input_fingerprint(merged_json: str, fulltext_xml: str | None) -> str:
        """Return the fingerprint of what the extractor reads of a record: its merged fields (as stored) and
        full text."""
        digest = hashlib.sha256(merged_json.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update((fulltext_xml or "").encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    def _input_row(self, record_id: str) -> sqlite3.Row | None:
        """(id, merged, xml) of a record: its merged fields as stored and the full text of its PMCID."""
        return self.conn.execute(
            "SELECT r.id, r.merged, (SELECT f.xml FROM identifiers i JOIN fulltexts f ON f.pmcid = i.value "
            "WHERE i.record_id = r.id AND i.scheme = 'pmcid' AND f.xml != '' ORDER BY i.value LIMIT 1) AS xml "
            "FROM records r WHERE r.id = ?", (record_id,)).fetchone()

    def extraction_inputs(self, record_ids: Iterable[str]) -> Iterator[tuple[StoredRecord, str | None, str]]:
        """Yield (stored record, its full text XML or None, input fingerprint) of each id still stored.

        Each record and its full text are read by one statement (one consistent state of the record);
        `save_extractions` checks the fingerprint again before storing.
        """
        for record_id in record_ids:
            row = self._input_row(record_id)
            if row is None:  # merged into another record since the list was made
                continue
            yield self._stored(row), row["xml"], self.input_fingerprint(row["merged"], row["xml"])

    def _current_fingerprint(self, record_id: str) -> str | None:
        row = self._input_row(record_id)
        return None if row is None else self.input_fingerprint(row["merged"], row["xml"])

    def save_extractions(self, outcomes: Iterable[ExtractionOutcome]) -> SaveResult:
        """Store extractions and failures in one transaction, each only if its record is unchanged since it
        was read (its input fingerprint is checked again inside the write transaction).

        A record that changed (or was merged away) meanwhile gets nothing: its id is returned in `stale`,
        to be read and extracted again. A failure is kept with its reason and not retried until the
        record or the extractor version changes (`record_ids_needing_extraction`); a later success
        replaces it. Raises StoreError, storing none of the batch, for evidence that is not a JSON object.
        """
        stored = failed = 0
        stale: list[str] = []
        with self.atomic():
            for o in outcomes:
                if self._current_fingerprint(o.record_id) != o.input_fingerprint:
                    stale.append(o.record_id)
                    continue
                if o.evidence_json is not None:
                    self._put_extraction(o.record_id, o.extractor_version, o.evidence_json, o.input_fingerprint)
                    stored += 1
                else:  # an extraction of another version, if any, is kept beside the failure
                    self.conn.execute(
                        "INSERT INTO extraction_failures VALUES (?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET "
                        "extractor_version=excluded.extractor_version, input_fingerprint=excluded.input_fingerprint, "
                        "reason=excluded.reason, failed_at=excluded.failed_at",
                        (o.record_id, o.extractor_version, o.input_fingerprint, o.failure or "unknown error", _now()))
                    failed += 1
        return SaveResult(stored, failed, tuple(stale))

    def extraction_failures(self) -> list[dict[str, Any]]:
        """Return the stored records the extractor last failed on, by record id: each {"record_id",
        "extractor_version", "reason", "failed_at", "current", "kept_version"}. `current`: the record is
        unchanged since it failed (so it is not retried with that extractor version); `kept_version`:
        the version of an older extraction kept beside the failure, or None."""
        rows = self.conn.execute(
            "SELECT f.*, e.extractor_version AS kept FROM extraction_failures f JOIN records r ON r.id = f.record_id "
            "LEFT JOIN extractions e ON e.record_id = f.record_id "
            "WHERE e.record_id IS NULL OR e.extractor_version != f.extractor_version ORDER BY f.record_id").fetchall()
        return [{"record_id": r["record_id"], "extractor_version": r["extractor_version"], "reason": r["reason"],
                 "failed_at": r["failed_at"], "kept_version": r["kept"],
                 "current": self._current_fingerprint(r["record_id"]) == r["input_fingerprint"]} for r in rows]

    def extraction(self, record_id: str) -> dict[str, Any] | None:
        """Return a record's stored extraction (its JSON, with "extractor_version" as stored), or None."""
        row = self.conn.execute("SELECT extractor_version, evidence_json FROM extractions WHERE record_id=?",
                                (record_id,)).fetchone()
        return {**json.loads(row[1]), "extractor_version": row[0]} if row else None

    def extractions(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Yield (record_id, extractor_version, evidence dict) of every stored extraction, by record id.

        Read in pages by record id (each page one statement), so a large review is never held twice,
        as JSON text and as dicts."""
        after = ""
        while True:
            rows = self.conn.execute(
                "SELECT record_id, extractor_version, evidence_json FROM extractions WHERE record_id > ? "
                "ORDER BY record_id LIMIT 1000", (after,)).fetchall()
            if not rows:
                return
            for record_id, version, evidence_json in rows:
                yield record_id, version, json.loads(evidence_json)
            after = rows[-1][0]

    def record_ids(self) -> list[str]:
        """Return the ids of every stored record, by id (no record is parsed)."""
        return [r[0] for r in self.conn.execute("SELECT id FROM records ORDER BY id")]

    def count_included(self, version: str) -> int:
        """Return how many extractions of `version` include their record."""
        return self.conn.execute("SELECT COUNT(*) FROM extractions WHERE extractor_version=? AND "
                                 "json_extract(evidence_json, '$.include')", (version,)).fetchone()[0]

    def extraction_versions(self) -> dict[str, str]:
        """Return {record_id: extractor_version} of every stored extraction (no JSON is parsed)."""
        return dict(self.conn.execute("SELECT record_id, extractor_version FROM extractions").fetchall())

    def record_ids_needing_extraction(self, version: str) -> list[str]:
        """Return the ids of records with no extraction or one made by another extractor version, by id.

        A record the extractor failed on with `version` is left out while it is unchanged since then.
        """
        ids = [r[0] for r in self.conn.execute(
            "SELECT r.id FROM records r LEFT JOIN extractions e ON e.record_id = r.id "
            "WHERE e.record_id IS NULL OR e.extractor_version != ? ORDER BY r.id", (version,))]
        failed = dict(self.conn.execute("SELECT record_id, input_fingerprint FROM extraction_failures "
                                        "WHERE extractor_version=?", (version,)).fetchall())
        if not failed:
            return ids
        return [rid for rid in ids if rid not in failed or self._current_fingerprint(rid) != failed[rid]]

    # --- reviewer screening decisions ----------------------------------------------------------

    def set_decision(self, record_id: str, include: bool, reason: str, reviewer: str) -> None:
        """Record a reviewer's decision to include or exclude a record, in one transaction.

        Replaces the record's earlier decision (the log keeps every one). Raises StoreError when the
        record is not stored or the reason or reviewer is empty.
        """
        reason, reviewer = (reason or "").strip(), (reviewer or "").strip()
        if not reason:
            raise StoreError(f"a screening decision on record {record_id!r} needs a reason; got none. "
                             "Say why, e.g. 'population: osteoarthritis, not RA'.")
        if not reviewer:
            raise StoreError(f"a screening decision on record {record_id!r} needs the reviewer's name; got none.")
        now = _now()
        with self.atomic():
            self._require_record(record_id)
            self.conn.execute(
                "INSERT INTO screening_decisions VALUES (?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET "
                "include=excluded.include, reason=excluded.reason, reviewer=excluded.reviewer, "
                "decided_at=excluded.decided_at", (record_id, int(bool(include)), reason, reviewer, now))
            self.conn.execute(
                "INSERT INTO screening_log (record_id, action, include, reason, reviewer, decided_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (record_id, "include" if include else "exclude", int(bool(include)), reason, reviewer, now))

    def clear_decision(self, record_id: str, reviewer: str) -> bool:
        """Withdraw a reviewer's decision on a record (the extractor's screening applies again).

        Returns False, logging nothing, when the record has no decision. Raises StoreError when the
        record is not stored or the reviewer is empty.
        """
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise StoreError(f"clearing the decision on record {record_id!r} needs the reviewer's name; got none.")
        with self.atomic():
            self._require_record(record_id)
            gone = self.conn.execute("DELETE FROM screening_decisions WHERE record_id=?", (record_id,)).rowcount
            if gone:
                self.conn.execute(
                    "INSERT INTO screening_log (record_id, action, include, reason, reviewer, decided_at) "
                    "VALUES (?, 'clear', NULL, NULL, ?, ?)", (record_id, reviewer, _now()))
        return bool(gone)

    def _require_record(self, record_id: str) -> None:
        if self.conn.execute("SELECT 1 FROM records WHERE id=?", (record_id,)).fetchone() is None:
            raise StoreError(f"no record {record_id!r} in {self.path}; decisions are made on stored records. "
                             "List them with `trialsynth records` (a PMID, DOI or NCT id also works on the CLI).")

    def decisions(self) -> dict[str, dict[str, Any]]:
        """Return {record_id: {"include", "reason", "reviewer", "decided_at"}} of every reviewer decision in force."""
        rows = self.conn.execute("SELECT * FROM screening_decisions ORDER BY record_id").fetchall()
        return {r["record_id"]: {"include": bool(r["include"]), "reason": r["reason"], "reviewer": r["reviewer"],
                                 "decided_at": r["decided_at"]} for r in rows}

    def decision_log(self, record_id: str | None = None) -> list[dict[str, Any]]:
        """Return the screening history (every decision, clear and merge), oldest first; one record's if given.

        Each entry: id, record_id, action (include | exclude | clear | merge), include (bool, or None
        after a clear), reason, reviewer, decided_at, note.
        """
        sql = "SELECT * FROM screening_log" + (" WHERE record_id=?" if record_id is not None else "") + " ORDER BY id"
        rows = self.conn.execute(sql, (record_id,) if record_id is not None else ()).fetchall()
        return [{**dict(r), "include": None if r["include"] is None else bool(r["include"])} for r in rows]

    def counts(self) -> dict[str, Any]:
        """Return PRISMA-style counts: hits identified per source, distinct records, duplicates removed."""
        per_source = {s: n for s, n in self.conn.execute("SELECT source, COUNT(*) FROM hits GROUP BY source")}
        records = self.conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        total = sum(per_source.values())
        fulltexts = self.conn.execute("SELECT COUNT(*) FROM fulltexts WHERE xml != ''").fetchone()[0]
        return {"identified": per_source, "identified_total": total, "records": records,
                "duplicates_removed": total - records, "fulltexts": fulltexts}

    def dump(self) -> dict[str, Any]:
        """Return the stored content without run bookkeeping (for comparing two stores)."""
        def rows(sql: str) -> list[tuple]:
            return [tuple(r) for r in self.conn.execute(sql)]
        return {
            "records": rows("SELECT id, merged FROM records ORDER BY id"),
            "hits": rows("SELECT source, source_id, record_id, fingerprint, raw_format, raw FROM hits "
                         "ORDER BY source, source_id"),
            "identifiers": rows("SELECT scheme, value, record_id FROM identifiers ORDER BY 1, 2, 3"),
            "fulltexts": rows("SELECT pmcid, source, xml FROM fulltexts ORDER BY pmcid"),
            "marks": rows("SELECT source, query, mark FROM marks ORDER BY 1, 2"),
        }
