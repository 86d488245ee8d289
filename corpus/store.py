"""The review's embedded store: one SQLite file that owns every harvested record.

`Store` owns the connection, applies named migrations (recorded in `migrations`), offers
`with store.atomic():` (one transaction, savepoints when nested), and upserts source hits on their
natural keys. Each hit keeps its raw payload beside its parsed fields, so a better parser can
re-read it without a new download. Deduplication (`corpus.dedup`, pure functions) decides which
stored study record a hit belongs to, from the candidates the store looks up (records sharing an
identifier; records of the year window sharing a title key, or the first author's when they are
few); the merged study record is recomputed from its hits by dedup's merge rule, so it
does not depend on the order in which sources were harvested, and identifiers are only ever added.

Each text is stored once. A hit's `parsed` column holds its fields without the abstract and the
registry fields; its abstract is a span of its raw payload when the payload holds it verbatim
(`abstract_at`, `abstract_len`: RIS, most JSONL), else a row of `texts` (content-addressed by
hash, shared by every hit with the same abstract); its registry fields are a row of `texts`. A
record's `merged` column holds the merged fields without abstract and registry, and names the hits
that give them (`abstract_source`/`abstract_source_id`, `registry_source`/`registry_source_id`);
`merged` carries the hash of the whole merged record (`content_hash`), so it changes whenever any
merged field does.

Concurrency: every write is a `BEGIN IMMEDIATE` transaction; a locked store is waited for
`busy_timeout` seconds, then `StoreBusyError`. Migrations run inside the write lock and re-read
which ones are applied, so two processes opening a new store at once both succeed. Every SQLite
error is translated into a `StoreError` saying what to do (busy, disk full, read-only, not a
store); a store that cannot be written (a read-only file or folder) opens read-only by itself, and
`Store(path, create=False)` opens only an existing, non-empty store.

The extractor's output is kept per record as JSON text beside the extractor version that made it
(the store never imports the extractor), and its summary (`extraction_summary`: the few fields a
review's listing of every record reads), so that a large review decodes the full JSON only of the
records it needs. A record whose merged fields or full text change loses its extraction, so the
next `trialsynth extract` reads it again.

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
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from corpus import dedup
from corpus.records import (REGISTER_SOURCES, REGISTRY, FullText, Hit, Record, source_family,
                            source_label)
from corpus.errors import StoreBusyError, StoreError

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
    ("0004_each_text_once_and_a_title_index", """
        CREATE TABLE IF NOT EXISTS texts (
            hash TEXT PRIMARY KEY,           -- sha256 of body, 32 hex digits
            body TEXT NOT NULL               -- JSON: an abstract with its sections, or a record's registry fields
        );
        ALTER TABLE hits ADD COLUMN abstract_at INTEGER;   -- the abstract is raw[abstract_at : abstract_at + abstract_len]
        ALTER TABLE hits ADD COLUMN abstract_len INTEGER;
        ALTER TABLE hits ADD COLUMN abstract_hash TEXT;    -- or the texts row of its abstract and sections
        ALTER TABLE hits ADD COLUMN registry_hash TEXT;    -- the texts row of its registry fields
        ALTER TABLE hits ADD COLUMN record_type TEXT NOT NULL DEFAULT 'publication';
        CREATE INDEX IF NOT EXISTS hits_abstract_hash ON hits(abstract_hash);
        CREATE INDEX IF NOT EXISTS hits_registry_hash ON hits(registry_hash);
        ALTER TABLE records ADD COLUMN abstract_source TEXT;      -- the hit whose abstract the record carries
        ALTER TABLE records ADD COLUMN abstract_source_id TEXT;
        ALTER TABLE records ADD COLUMN registry_source TEXT;      -- the hit whose registry fields it carries
        ALTER TABLE records ADD COLUMN registry_source_id TEXT;
        ALTER TABLE records ADD COLUMN record_type TEXT NOT NULL DEFAULT 'publication';
        CREATE TABLE IF NOT EXISTS title_keys (  -- the blocking index of fuzzy title matching (dedup.title_keys)
            key TEXT NOT NULL,
            year INTEGER NOT NULL,
            record_id TEXT NOT NULL,
            PRIMARY KEY (key, year, record_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS records_author_block ON records(first_author, year, title_norm, id);
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
    ("0011_extraction_summaries", """
        -- what a review's listing of every record reads of its extraction (extraction_summary), so the
        -- full evidence JSON is decoded only for the records that need it; NULL: not known, read evidence_json
        ALTER TABLE extractions ADD COLUMN summary_json TEXT;
        -- a writer that replaces the evidence and not the summary (an older trialsynth) leaves no stale summary
        CREATE TRIGGER IF NOT EXISTS extractions_summary_stale AFTER UPDATE OF evidence_json ON extractions
            WHEN NEW.summary_json IS NOT NULL AND NEW.summary_json IS OLD.summary_json
                 AND NEW.evidence_json IS NOT OLD.evidence_json
        BEGIN
            UPDATE extractions SET summary_json = NULL WHERE record_id = NEW.record_id;
        END;
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
    # the JSON text of extraction_summary(the evidence) when the caller has it (else the store makes it)
    summary_json: str | None = None


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


@dataclass(frozen=True)
class SourceCount:
    """What one source gave: `identified` hits (records identified, in PRISMA's words), of them `registry_records`.

    `source` is the hit source ("pubmed", "ris:Embase"), `label` its readable name ("PubMed",
    "Embase"), `kind` "database" or "register" (PRISMA 2020 counts them in separate boxes).
    """

    source: str
    label: str
    kind: str
    identified: int
    registry_records: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as a JSON-ready dict."""
        return {"source": self.source, "label": self.label, "kind": self.kind, "identified": self.identified,
                "registry_records": self.registry_records}


@dataclass(frozen=True)
class Identification:
    """PRISMA 2020's identification box, from the store.

    `sources`: records identified per source; `identified`: their sum; `duplicates_removed`:
    identified minus `records` (the distinct studies left after deduplication, which go on to
    screening); `registry_records`: of those, the ones that are register entries only (no
    publication among their hits).
    """

    sources: tuple[SourceCount, ...]
    identified: int
    duplicates_removed: int
    records: int
    registry_records: int

    @property
    def databases(self) -> tuple[SourceCount, ...]:
        """The sources PRISMA counts as databases (PubMed, Europe PMC, each RIS database, JSONL imports)."""
        return tuple(s for s in self.sources if s.kind == "database")

    @property
    def registers(self) -> tuple[SourceCount, ...]:
        """The sources PRISMA counts as registers (ClinicalTrials.gov)."""
        return tuple(s for s in self.sources if s.kind == "register")

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as a JSON-ready dict."""
        return {"sources": [s.to_dict() for s in self.sources], "identified": self.identified,
                "duplicates_removed": self.duplicates_removed, "records": self.records,
                "registry_records": self.registry_records}


#: The page size of a new store. A hit row (raw RIS or XML with its parsed fields) is 1-3 KB: on
#: SQLite's default 4 KB pages one such row leaves a page half empty; 16 KB pages waste about 10%.
PAGE_SIZE = 16384

#: The Record fields stored apart from a hit's `parsed` and a record's `merged` (each text once).
_TEXT_FIELDS = frozenset({"abstract", "abstract_sections", "registry"})

_HIT_SELECT = ("SELECT h.source, h.source_id, h.parsed, "
               "CASE WHEN h.abstract_at IS NOT NULL THEN substr(h.raw, h.abstract_at + 1, h.abstract_len) END, "
               "ta.body, tr.body FROM hits h LEFT JOIN texts ta ON ta.hash = h.abstract_hash "
               "LEFT JOIN texts tr ON tr.hash = h.registry_hash")

_RECORD_SELECT = (
    "SELECT r.id, r.merged, "
    "CASE WHEN ah.abstract_at IS NOT NULL THEN substr(ah.raw, ah.abstract_at + 1, ah.abstract_len) END, "
    "ta.body, tr.body FROM records r "
    "LEFT JOIN hits ah ON ah.source = r.abstract_source AND ah.source_id = r.abstract_source_id "
    "LEFT JOIN texts ta ON ta.hash = ah.abstract_hash "
    "LEFT JOIN hits rh ON rh.source = r.registry_source AND rh.source_id = r.registry_source_id "
    "LEFT JOIN texts tr ON tr.hash = rh.registry_hash")


@dataclass(frozen=True)
class _StoredForm:
    """A hit as the store writes it, and its fingerprint (a hash of exactly what is written)."""

    head_json: str
    abstract_at: int | None
    abstract_len: int | None
    abstract_body: str | None
    registry_body: str | None
    record_type: str
    fingerprint: str


def _stored_form(data: dict[str, Any], raw: str) -> _StoredForm:
    """Serialise a parsed record (its to_dict()) for the hits table: one JSON encoding of each part.

    The abstract is a span of `raw` when the payload holds it verbatim (RIS, most JSONL) and it has
    no sections, else a texts body; the registry fields are a texts body. The fingerprint hashes the
    head, the abstract with its sections and the registry fields, so it changes with any field.
    """
    head_json = json.dumps(_head(data, keep_key=False), sort_keys=True, ensure_ascii=False)
    abstract, sections = data["abstract"], data["abstract_sections"]
    at = abstract_len = body = None
    sections_json = json.dumps(sections, ensure_ascii=False) if sections else ""
    if abstract or sections:
        found = raw.find(abstract) if abstract and not sections and len(raw) <= 4 * len(abstract) + 4096 else -1
        if found >= 0:
            at, abstract_len = found, len(abstract)
        elif sections and _composed(sections) == abstract:
            body = '{"sections": ' + sections_json + "}"
        else:
            body = json.dumps({"abstract": abstract, "sections": sections}, sort_keys=True, ensure_ascii=False)
    registry = (json.dumps(data["registry"], sort_keys=True, ensure_ascii=False, check_circular=False)
                if data["registry"] else None)
    digest = hashlib.sha256("\x1e".join((head_json, abstract, sections_json, registry or "")).encode("utf-8"))
    return _StoredForm(head_json, at, abstract_len, body, registry, data["record_type"], digest.hexdigest()[:16])


def _head(data: dict[str, Any], *, keep_key: bool) -> dict[str, Any]:
    """A record's stored fields: without abstract and registry, and without empty values (Record.from_dict
    reads a missing key as empty). A hit's head leaves out its source and source id too (its key has them)."""
    head = {k: v for k, v in data.items() if k not in _TEXT_FIELDS and v not in (None, "", [], {}, False)}
    head["ids"] = {k: v for k, v in data["ids"].items() if v}
    if not keep_key:
        head.pop("source", None)
        head.pop("source_id", None)
    return head


def _composed(sections: list[dict[str, str]]) -> str:
    """The abstract the parsers compose from labelled sections ("Label\ntext" joined by newlines)."""
    return "\n".join(f"{s['label']}\n{s['text']}" if s["label"] else s["text"] for s in sections)


def _unpack(head_json: str, span: str | None, abstract_body: str | None, registry_body: str | None) -> dict[str, Any]:
    """A Record's to_dict() from a stored head (parsed or merged) and its texts."""
    data = json.loads(head_json)
    if "abstract" not in data:
        if span is not None:
            data["abstract"], data["abstract_sections"] = span, []
        elif abstract_body:
            body = json.loads(abstract_body)
            data["abstract_sections"] = body["sections"]
            data["abstract"] = body["abstract"] if "abstract" in body else _composed(body["sections"])
        else:
            data["abstract"], data["abstract_sections"] = "", []
    if "registry" not in data:
        data["registry"] = json.loads(registry_body) if registry_body else {}
    return data


def _migrate_0004(store: "Store") -> None:
    """Store each text once (hits and records of an older store re-packed) and index every title.

    The merged records are recomputed by the current merge rule; an extraction is dropped only when
    the title or abstract it read changed.
    """
    rows = store.conn.execute("SELECT source, source_id, parsed, raw FROM hits").fetchall()
    for source, source_id, parsed, raw in rows:
        data = json.loads(parsed)
        if source_family(source) == "ctgov" and "record_type" not in data:
            data["record_type"] = REGISTRY
        cols = store._pack_hit(Record.from_dict(data).to_dict(), raw)
        store.conn.execute("UPDATE hits SET parsed=?, abstract_at=?, abstract_len=?, abstract_hash=?, registry_hash=?, "
                           "record_type=? WHERE source=? AND source_id=?",
                           (cols["parsed"], cols["abstract_at"], cols["abstract_len"], cols["abstract_hash"],
                            cols["registry_hash"], cols["record_type"], source, source_id))
    for record_id, merged in store.conn.execute("SELECT id, merged FROM records").fetchall():
        before = json.loads(merged) if merged else {}
        store.conn.execute("UPDATE records SET title_norm='', year=NULL WHERE id=?", (record_id,))  # index afresh
        store._refresh_record(record_id, keep_extraction=True)
        after = store.get(record_id)
        if after is None or (before.get("title"), before.get("abstract")) != (after.record.title, after.record.abstract):
            store.conn.execute("DELETE FROM extractions WHERE record_id=?", (record_id,))


def _migrate_0011(store: "Store") -> None:
    """Fill the summary of every stored extraction (each evidence JSON decoded once, a page at a time)."""
    after = ""
    while True:
        rows = store.conn.execute("SELECT record_id, evidence_json FROM extractions WHERE record_id > ? "
                                  "ORDER BY record_id LIMIT 1000", (after,)).fetchall()
        if not rows:
            return
        store.conn.executemany("UPDATE extractions SET summary_json=? WHERE record_id=?",
                               [(summary_json(evidence_json), record_id) for record_id, evidence_json in rows])
        after = rows[-1][0]


#: Python steps of migrations, run after the migration's SQL in the same transaction.
MIGRATION_STEPS: dict[str, Callable[["Store"], None]] = {"0004_each_text_once_and_a_title_index": _migrate_0004,
                                                         "0011_extraction_summaries": _migrate_0011}


#: the keys of an extraction that a review's listing of every record reads (its screening, PRISMA, the
#: studies table: trialsynth.view), kept apart as its summary; of "provenance", its "include" entry only
SUMMARY_KEYS = ("include", "exclusion_reason", "n_enrolled", "cell_source", "route", "doses", "arms")


def extraction_summary(evidence: Any) -> dict[str, Any]:
    """The summary of an extraction (a dict of evidence JSON): its SUMMARY_KEYS that it has, and of its
    provenance the "include" entry only. The same values as the evidence's, or {} when it is no dict."""
    if not isinstance(evidence, dict):
        return {}
    out = {key: evidence[key] for key in SUMMARY_KEYS if key in evidence}
    provenance = evidence.get("provenance")
    if isinstance(provenance, dict) and "include" in provenance:
        out["provenance"] = {"include": provenance["include"]}
    elif "provenance" in evidence and not isinstance(provenance, dict):
        out["provenance"] = provenance
    return out


def summary_text(evidence: Any) -> str:
    """The JSON text of `extraction_summary` of an extraction (a dict of evidence JSON), as the store keeps it."""
    return json.dumps(extraction_summary(evidence), ensure_ascii=False, sort_keys=True)


def summary_json(evidence_json: str) -> str | None:
    """The JSON text of `extraction_summary` of an evidence JSON text (None when it is not valid JSON)."""
    try:
        evidence = json.loads(evidence_json)
    except (TypeError, ValueError):
        return None
    return summary_text(evidence)


IMPORT_CACHE_KIB = 32 * 1024  # SQLite's page cache while a batch of hits is added (Store.add_hits)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _plain(value: Any) -> Any:
    """JSON for numpy scalars and arrays (their Python values); anything else as text."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def pid_alive(pid: int) -> bool:
    """True when a process `pid` exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


_TRANSLATED = (sqlite3.OperationalError, sqlite3.InternalError)


def _is_plain_database_error(exc: BaseException) -> bool:
    # "file is not a database", "database disk image is malformed" (IntegrityError and friends pass through)
    return type(exc) is sqlite3.DatabaseError


class _Cursor:
    """A cursor whose SQLite errors become StoreErrors (rows are fetched lazily, so they can fail too)."""

    __slots__ = ("_cursor", "_conn")

    def __init__(self, cursor: sqlite3.Cursor, conn: "_Connection"):
        self._cursor, self._conn = cursor, conn

    def __iter__(self):
        while True:
            rows = self.fetchmany(256)
            if not rows:
                return
            yield from rows

    def fetchone(self):
        with self._conn.translated():
            return self._cursor.fetchone()

    def fetchall(self):
        with self._conn.translated():
            return self._cursor.fetchall()

    def fetchmany(self, size: int = 256):
        with self._conn.translated():
            return self._cursor.fetchmany(size)

    def __getattr__(self, name: str):  # lastrowid, rowcount, description
        return getattr(self._cursor, name)


class _Connection:
    """The store's SQLite connection: `execute` and `executemany` raise StoreError, never sqlite3 errors."""

    def __init__(self, conn: sqlite3.Connection, store: "Store"):
        self._conn, self._store = conn, store

    @contextlib.contextmanager
    def translated(self) -> Iterator[None]:
        try:
            yield
        except _TRANSLATED as exc:
            raise self._store._error(exc) from exc
        except sqlite3.DatabaseError as exc:
            if _is_plain_database_error(exc):
                raise self._store._error(exc) from exc
            raise

    def execute(self, sql: str, params: Sequence | dict = ()) -> _Cursor:
        with self.translated():
            return _Cursor(self._conn.execute(sql, params), self)

    def executemany(self, sql: str, rows: Iterable) -> _Cursor:
        with self.translated():
            return _Cursor(self._conn.executemany(sql, rows), self)

    def close(self) -> None:
        self._conn.close()

    def __getattr__(self, name: str):  # in_transaction, total_changes, row_factory
        return getattr(self._conn, name)


def _statements(sql: str) -> list[str]:
    """Split a migration's SQL into complete statements (a trigger body holds ';' of its own)."""
    out, buffer = [], ""
    for piece in sql.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n\t;"):
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \n\t;"):
        out.append(buffer.strip())
    return out


class Store:
    """The SQLite store of one review. Use as a context manager or call `close()`.

    `create=False` opens only an existing, non-empty store (StoreError naming the file and how to
    restore it otherwise). `readonly=True` opens it for reading only; `None` (the default) opens it
    read-only by itself when the file or its folder cannot be written, and writing then raises
    StoreError. `busy_timeout` is how long (seconds) a write waits for another process's lock
    before StoreBusyError.
    """

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool | None = None,
                 busy_timeout: float = 30.0):
        self.path = Path(path)
        self.busy_timeout = float(busy_timeout)
        self._depth = 0
        self.run_id: int | None = None
        if not create:
            self._require_existing()
        if readonly is None:
            readonly = self.path.exists() and not self._writable()
        self.readonly = bool(readonly)
        if not self.readonly and not self.path.parent.is_dir():
            raise StoreError(f"cannot create the store {self.path}: the folder {self.path.parent} does not exist. "
                             "Create it first, or run `trialsynth init` there.")
        try:
            raw = self._connect()
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        self.conn = _Connection(raw, self)
        try:
            if not self.readonly:
                if self.conn.execute("PRAGMA page_count").fetchone()[0] == 0:  # a new store: pages that fit its rows
                    self.conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
                self._use_wal(raw)
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except BaseException:
            raw.close()
            raise

    def _use_wal(self, raw: sqlite3.Connection) -> None:
        """Switch a store to WAL. SQLite answers "locked" at once (no busy wait) while another process
        is switching it: try again until `busy_timeout`."""
        deadline = time.monotonic() + self.busy_timeout
        pause = 0.005
        while True:
            try:
                if raw.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    raw.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.DatabaseError as exc:
                if not ("locked" in str(exc) or "busy" in str(exc)) or time.monotonic() > deadline:
                    raise self._error(exc) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.1)

    def _require_existing(self) -> None:
        restore = ("Restore review.sqlite from a backup (or a copy of the review folder); "
                   "`trialsynth init --force` starts an empty store, losing every harvested record.")
        if not self.path.exists():
            raise StoreError(f"the store {self.path} is missing. {restore}")
        if self.path.is_dir():
            raise StoreError(f"the store {self.path} is a folder, not a file. {restore}")
        if self.path.stat().st_size == 0:
            raise StoreError(f"the store {self.path} is empty (0 bytes): its records are gone. {restore}")

    def _writable(self) -> bool:
        folder = self.path.parent
        return os.access(self.path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)

    def _connect(self) -> sqlite3.Connection:
        if not self.readonly:
            conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=self.busy_timeout)
        else:
            uri = "file:" + urllib.parse.quote(str(self.path.resolve())) + "?mode=ro"
            conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=self.busy_timeout)
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL store in a folder nobody may write: its -shm cannot be made; read it as immutable.
                conn.close()
                conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None,
                                       timeout=self.busy_timeout)
        conn.row_factory = sqlite3.Row
        return conn

    def _error(self, exc: BaseException) -> StoreError:
        """The StoreError that says what a SQLite error means for the user, and what to do."""
        text = str(exc)
        lowered = text.lower()
        if "locked" in lowered or "busy" in lowered:
            return StoreBusyError(
                f"the review's store {self.path} is busy: another trialsynth command has held its write lock "
                f"for more than {self.busy_timeout:g} s. Wait until it finishes, then run this command again "
                "(nothing of this step was stored).")
        if "full" in lowered:
            return StoreError(f"the disk holding {self.path} is full ({text}); nothing of this step was stored. "
                              "Free some space, then run the command again.")
        cannot_write = "unable to open" in lowered and self.path.exists() and not self._writable()
        if "readonly" in lowered or "read-only" in lowered or (self.readonly and "write" in lowered) or cannot_write:
            return StoreError(f"the store {self.path} is read-only ({text}), so this command cannot change it. "
                              "Make the file and its folder writable (chmod u+w), or copy the review folder to "
                              "a place you can write; commands that only read (records, table, export) work as "
                              "they are.")
        if "not a database" in lowered or "malformed" in lowered or "no such table" in lowered:
            return StoreError(f"cannot open the store {self.path}: {text}. Is it a trialsynth review.sqlite? "
                              "Restore it from a backup or run `trialsynth init` in a new folder.")
        if "unable to open" in lowered or "i/o error" in lowered:
            return StoreError(f"cannot open the store {self.path}: {text}. Check that the folder exists and "
                              "that you may read (and, to change the review, write) it and review.sqlite.")
        return StoreError(f"the store {self.path} could not be read or written: {text}. "
                          "Run the command again; if it fails the same way, restore review.sqlite from a backup.")

    # --- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def _applied_migrations(self) -> set[str]:
        exists = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'").fetchone()
        return {row[0] for row in self.conn.execute("SELECT name FROM migrations")} if exists else set()

    def _migrate(self) -> None:
        """Apply the migrations not yet applied, inside the write lock (safe when processes race)."""
        if all(name in self._applied_migrations() for name, _ in MIGRATIONS):
            return
        if self.readonly:
            raise StoreError(f"the store {self.path} was made by an older trialsynth and must be upgraded, "
                             "but it is read-only. Make it and its folder writable (chmod u+w) and run the "
                             "command again.")
        with self.atomic():
            self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
            done = self._applied_migrations()  # again: another process may have migrated meanwhile
            for name, sql in MIGRATIONS:
                if name in done:
                    continue
                for statement in _statements(sql):
                    self.conn.execute(statement)
                step = MIGRATION_STEPS.get(name)
                if step is not None:
                    step(self)
                self.conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))

    @contextlib.contextmanager
    def atomic(self) -> Iterator["Store"]:
        """One transaction (a savepoint when nested): all of the block is stored, or none of it."""
        if self.readonly:
            raise self._error(sqlite3.OperationalError("attempt to write a readonly database"))
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            self.conn.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            self._rollback()
            raise
        else:
            self._depth -= 1
            if self._depth == 0:
                try:
                    self.conn.execute("COMMIT")
                except StoreError:
                    self._rollback()
                    raise
            else:
                self.conn.execute(f"RELEASE sp{self._depth}")

    def _rollback(self) -> None:
        # SQLite may already have rolled the transaction back (a full disk): never mask the first error.
        if not self.conn.in_transaction:
            return
        try:
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                self.conn.execute(f"RELEASE sp{self._depth}")
        except StoreError:
            pass

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
            if pid and pid != os.getpid() and pid_alive(pid):
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

    def cached_keys(self, prefix: str) -> set[str]:
        """Return the keys of the cached results whose key starts with `prefix` (no value is read)."""
        return {key for key, in self.conn.execute("SELECT key FROM results_cache WHERE key LIKE ?", (prefix + "%",))}

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
        (`touch_cached` marks the ones read), so the cache holds what the latest run used. A value's
        mappings keep their order (a result read back is written out as one computed afresh).
        """
        with self.atomic():
            self.conn.executemany(
                "INSERT INTO results_cache VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value, "
                "used_run=excluded.used_run",
                [(key, json.dumps(value, ensure_ascii=False, default=_plain), self.run_id)
                 for key, value in items])
            if prune_prefix is not None:
                self.conn.execute("DELETE FROM results_cache WHERE key LIKE ? AND used_run IS NOT ?",
                                  (prune_prefix + "%", self.run_id))

    def keep_only_cached(self, prefix: str, keys: Iterable[str]) -> None:
        """Drop the cached results whose key starts with `prefix` but for those among `keys` (none is rewritten:
        the cache of a large report holds thousands of pieces, tens of megabytes)."""
        with self.atomic():
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS kept_cache (key TEXT PRIMARY KEY)")
            self.conn.execute("DELETE FROM kept_cache")
            self.conn.executemany("INSERT OR IGNORE INTO kept_cache VALUES (?)", ((key,) for key in keys))
            self.conn.execute("DELETE FROM results_cache WHERE key LIKE ? AND key NOT IN (SELECT key FROM kept_cache)",
                              (prefix + "%",))
            self.conn.execute("DELETE FROM kept_cache")

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
        """Store a batch of hits (and full texts) in one transaction; returns what happened to each.

        Each hit looks its duplicates up in the identifier and title-key indexes: the batch reads with a
        page cache of IMPORT_CACHE_KIB (SQLite's default, 2 MiB, held a fifth of a 20,000-record import's
        time in re-reading index pages), given back after it."""
        self.conn.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        try:
            with self.atomic():
                results = [self._add_hit(hit) for hit in hits]
                for text in fulltexts:
                    self._forget_extraction_if_changed(text)
                    self.conn.execute(
                        "INSERT INTO fulltexts VALUES (?, ?, ?, ?) ON CONFLICT(pmcid) DO UPDATE "
                        "SET xml=excluded.xml, source=excluded.source", (text.pmcid, text.source, text.xml,
                                                                         self.run_id))
        finally:
            self.conn.execute("PRAGMA cache_size=-2000")
        return results

    def _forget_extraction_if_changed(self, text: FullText) -> None:
        """Drop the extractions of the records of `text.pmcid` when their full text changes."""
        row = self.conn.execute("SELECT xml = ? FROM fulltexts WHERE pmcid=?", (text.xml, text.pmcid)).fetchone()
        if row is None or not row[0]:
            self.conn.execute("DELETE FROM extractions WHERE record_id IN "
                              "(SELECT record_id FROM identifiers WHERE scheme='pmcid' AND value=?)", (text.pmcid,))

    def _add_hit(self, hit: Hit) -> AddResult:
        rec = hit.record
        data = rec.to_dict()
        form = _stored_form(data, hit.raw)
        fingerprint = form.fingerprint
        row = self.conn.execute("SELECT record_id, fingerprint FROM hits WHERE source=? AND source_id=?",
                                (rec.source, rec.source_id)).fetchone()
        if row is not None and row["fingerprint"] == fingerprint:
            return AddResult("unchanged", row["record_id"])
        cols = self._write_texts(form)
        if row is not None:
            old_texts = self.conn.execute("SELECT abstract_hash, registry_hash FROM hits WHERE source=? AND source_id=?",
                                          (rec.source, rec.source_id)).fetchone()
            self.conn.execute(
                "UPDATE hits SET parsed=?, fingerprint=?, raw_format=?, raw=?, entry_date=?, last_run=?, abstract_at=?, "
                "abstract_len=?, abstract_hash=?, registry_hash=?, record_type=? WHERE source=? AND source_id=?",
                (cols["parsed"], fingerprint, hit.raw_format, hit.raw, rec.entry_date, self.run_id, cols["abstract_at"],
                 cols["abstract_len"], cols["abstract_hash"], cols["registry_hash"], cols["record_type"],
                 rec.source, rec.source_id))
            self._drop_unused_texts(tuple(old_texts))
            # The new content may carry identifiers that join other records (say, an NCT link).
            target = row["record_id"]
            self._absorb_matches(target, rec, [m for m in self._matches(rec) if m != target])
            self._refresh_record(target)
            return AddResult("updated", target)
        matches = self._matches(rec)
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
            "INSERT INTO hits (source, source_id, record_id, parsed, fingerprint, raw_format, raw, entry_date, first_run, "
            "last_run, abstract_at, abstract_len, abstract_hash, registry_hash, record_type) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rec.source, rec.source_id, target, cols["parsed"], fingerprint, hit.raw_format, hit.raw, rec.entry_date,
             self.run_id, self.run_id, cols["abstract_at"], cols["abstract_len"], cols["abstract_hash"],
             cols["registry_hash"], cols["record_type"]))
        if status == "new":
            self._refresh_record(target, only=rec, only_data=data, only_fingerprint=fingerprint)
        else:
            self._refresh_record(target)
        return AddResult(status, target)

    # --- each text once ----------------------------------------------------------------------

    def _put_text(self, body: str) -> str:
        key = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
        self.conn.execute("INSERT OR IGNORE INTO texts VALUES (?, ?)", (key, body))
        return key

    def _drop_unused_texts(self, hashes: Iterable[str | None]) -> None:
        for key in {h for h in hashes if h}:
            self.conn.execute("DELETE FROM texts WHERE hash=? AND NOT EXISTS (SELECT 1 FROM hits WHERE abstract_hash=?) "
                              "AND NOT EXISTS (SELECT 1 FROM hits WHERE registry_hash=?)", (key, key, key))

    def _write_texts(self, form: "_StoredForm") -> dict[str, Any]:
        """Store a hit's texts (each once) and return its hits columns."""
        return {"parsed": form.head_json, "abstract_at": form.abstract_at, "abstract_len": form.abstract_len,
                "abstract_hash": self._put_text(form.abstract_body) if form.abstract_body is not None else None,
                "registry_hash": self._put_text(form.registry_body) if form.registry_body is not None else None,
                "record_type": form.record_type}

    def _pack_hit(self, data: dict[str, Any], raw: str) -> dict[str, Any]:
        """The hits columns of a parsed record: its fields without abstract and registry, and where those are."""
        return self._write_texts(_stored_form(data, raw))

    # --- matching ----------------------------------------------------------------------------

    def _matches(self, rec: Record) -> list[str]:
        """The stored records `rec` duplicates (dedup's rules on the candidates the indexes give)."""
        pairs = rec.ids.pairs()
        if pairs:
            where = " OR ".join("(scheme=? AND value=?)" for _ in pairs)
            rows = self.conn.execute(f"SELECT scheme, value, record_id FROM identifiers WHERE {where}",
                                     [x for pair in pairs for x in pair]).fetchall()
            by_pair: dict[tuple[str, str], list[str]] = {}
            for scheme, value, record_id in rows:
                by_pair.setdefault((scheme, value), []).append(record_id)
            found = [(scheme, record_id) for scheme, value in pairs for record_id in sorted(by_pair.get((scheme, value), ()))]
            if found:
                candidates = self._candidates({record_id for _, record_id in found})
                matches = dedup.match_by_ids(rec, [(scheme, candidates[rid]) for scheme, rid in found if rid in candidates])
                if matches:
                    return matches
        scored = dedup.title_matches(rec, self._title_candidates(rec))
        if not scored:
            return []
        with_ids = self._candidates({c.id for _, c in scored})
        return dedup.match_by_title(rec, [with_ids[c.id] for _, c in scored if c.id in with_ids])

    def _candidates(self, record_ids: set[str]) -> dict[str, dedup.Candidate]:
        """Candidates with their identifiers, by record id."""
        out: dict[str, dedup.Candidate] = {}
        ids = sorted(record_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found: dict[str, dict[str, set[str]]] = {rid: {} for rid in chunk}
            for record_id, scheme, value in self.conn.execute(
                    f"SELECT record_id, scheme, value FROM identifiers WHERE record_id IN ({marks})", chunk):
                found[record_id].setdefault(scheme, set()).add(value)
            for row in self.conn.execute(
                    f"SELECT id, title_norm, year, first_author FROM records WHERE id IN ({marks})", chunk):
                out[row[0]] = dedup.Candidate(row[0], row[1], row[2], row[3],
                                              {k: frozenset(v) for k, v in found[row[0]].items()})
        return out

    def _title_candidates(self, rec: Record) -> list[dedup.Candidate]:
        """Records of the year window sharing a title key (dedup.title_keys), or the first author's when few."""
        window = dedup.fuzzy_year_window(rec)
        if window is None:
            return []
        rows: dict[str, tuple] = {}
        found: set[str] = set()
        for key in dedup.title_keys(dedup.title_key(rec)):
            ids = [r[0] for r in self.conn.execute(
                "SELECT record_id FROM title_keys WHERE key=? AND year BETWEEN ? AND ? LIMIT ?",
                (key, *window, dedup.KEY_BLOCK_LIMIT + 1))]
            if len(ids) <= dedup.KEY_BLOCK_LIMIT:  # a key this common tells no titles apart (a series of abstracts)
                found.update(ids)
        ids = sorted(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for row in self.conn.execute("SELECT id, title_norm, year, first_author FROM records WHERE id IN "
                                         f"({','.join('?' * len(chunk))})", chunk):
                rows[row[0]] = tuple(row)
        if rec.first_author:  # a first author with few records in the window: compare them all (a covering index)
            block = self.conn.execute(
                "SELECT id, title_norm, year, first_author FROM records INDEXED BY records_author_block "
                "WHERE first_author=? AND year BETWEEN ? AND ? LIMIT ?",
                (rec.first_author, *window, dedup.AUTHOR_BLOCK_LIMIT + 1)).fetchall()
            if len(block) <= dedup.AUTHOR_BLOCK_LIMIT:
                rows.update((row[0], tuple(row)) for row in block)
        return [dedup.Candidate(*row) for row in rows.values()]

    def _index_title(self, record_id: str, old: tuple[str | None, int | None], new: tuple[str | None, int | None]) -> None:
        """Move a record's title keys from its old (title_norm, year) to its new one (None: no keys)."""
        before = {(k, old[1]) for k in dedup.title_keys(old[0] or "")} if old[1] is not None else set()
        after = {(k, new[1]) for k in dedup.title_keys(new[0] or "")} if new[1] is not None else set()
        if before - after:
            self.conn.executemany("DELETE FROM title_keys WHERE key=? AND year=? AND record_id=?",
                                  [(k, y, record_id) for k, y in sorted(before - after)])
        if after - before:
            self.conn.executemany("INSERT OR IGNORE INTO title_keys VALUES (?, ?, ?)",
                                  [(k, y, record_id) for k, y in sorted(after - before)])

    def _absorb_matches(self, target: str, rec: Record, others: Iterable[str] = ()) -> str:
        """Merge the records in `others` into `target` (a hit bridged them); returns target.

        Their hits and identifiers move to `target` (no identifier is dropped), a decision moves
        with them, their extractions are dropped.
        """
        for other in others:
            if other == target:
                continue
            title = self.conn.execute("SELECT title_norm, year FROM records WHERE id=?", (other,)).fetchone()
            self.conn.execute("UPDATE hits SET record_id=? WHERE record_id=?", (target, other))
            self.conn.execute("UPDATE OR IGNORE identifiers SET record_id=? WHERE record_id=?", (target, other))
            self.conn.execute("DELETE FROM identifiers WHERE record_id=?", (other,))
            self._index_title(other, (title[0], title[1]) if title else (None, None), (None, None))
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
        rows = self.conn.execute(_HIT_SELECT + " WHERE h.record_id=?", (record_id,)).fetchall()
        # a hit is who its key says (an older parser may have named its source otherwise)
        return dedup.sort_by_priority([Record.from_dict({**_unpack(r[2], r[3], r[4], r[5]), "source": r[0],
                                                         "source_id": r[1]}) for r in rows])

    def _refresh_record(self, record_id: str, only: Record | None = None, *, keep_extraction: bool = False,
                        only_data: dict[str, Any] | None = None, only_fingerprint: str | None = None) -> bool:
        """Recompute a record's merged fields from its hits (`only`: its one hit, already in hand, with
        its to_dict() and fingerprint when known).

        Every identifier of every hit is indexed (never dropped); the title index follows the
        merged title. An extraction of the old fields is dropped (unless `keep_extraction`).
        Returns True when the merged record changed.
        """
        hits = [only] if only is not None else self.hits_of(record_id)
        merged = dedup.merge(hits)
        data = merged.record.to_dict()
        head = _head(data, keep_key=True)
        head["content_hash"] = (only_fingerprint if only_fingerprint and data == only_data
                                else _stored_form(data, "").fingerprint)
        merged_json = json.dumps(head, sort_keys=True, ensure_ascii=False)
        title_norm = dedup.title_key(merged.record)
        a, g = merged.abstract_from, merged.registry_from
        refs = (a.source if a else None, a.source_id if a else None, g.source if g else None, g.source_id if g else None)
        old = self.conn.execute("SELECT merged, title_norm, year, abstract_source, abstract_source_id, registry_source, "
                                "registry_source_id FROM records WHERE id=?", (record_id,)).fetchone()
        changed = old is None or old["merged"] != merged_json
        if changed or tuple(old)[3:] != refs:
            if changed and not keep_extraction:  # an extraction read the old fields: read the record again
                self.conn.execute("DELETE FROM extractions WHERE record_id=?", (record_id,))
            self.conn.execute(
                "UPDATE records SET merged=?, title_norm=?, year=?, first_author=?, record_type=?, abstract_source=?, "
                "abstract_source_id=?, registry_source=?, registry_source_id=?, updated_run=? WHERE id=?",
                (merged_json, title_norm, merged.record.year, merged.record.first_author, merged.record.record_type,
                 *refs, self.run_id, record_id))
        if old is None or (old["title_norm"], old["year"]) != (title_norm, merged.record.year):
            self._index_title(record_id, (old["title_norm"], old["year"]) if old else (None, None),
                              (title_norm, merged.record.year))
        pairs = dict.fromkeys(pair for hit in hits for pair in hit.ids.pairs())
        self.conn.executemany("INSERT OR IGNORE INTO identifiers VALUES (?, ?, ?)",
                              [(scheme, value, record_id) for scheme, value in pairs])
        return changed

    def refresh_records(self, batch_size: int = 500) -> int:
        """Recompute every record's merged fields from all its hits (after new merge rules, a reparse).

        Restores identifiers an older store lost (every hit's are indexed again). One transaction
        per `batch_size` records; returns how many records changed.
        """
        changed, last = 0, ""
        while True:
            ids = [r[0] for r in self.conn.execute("SELECT id FROM records WHERE id > ? ORDER BY id LIMIT ?",
                                                   (last, batch_size))]
            if not ids:
                return changed
            with self.atomic():
                changed += sum(self._refresh_record(record_id) for record_id in ids)
            last = ids[-1]

    def rekey_hit(self, source: str, source_id: str, hit: Hit) -> AddResult:
        """Store `hit` in place of the stored hit (`source`, `source_id`), which a newer parser names differently.

        (A RIS hit stored as source "ris" becomes "ris:Embase".) The hit keeps its record; when the
        new key is already stored, the old hit is dropped and the new one updated. One transaction.
        """
        new_key = (hit.record.source, hit.record.source_id)
        with self.atomic():
            old = self.conn.execute("SELECT record_id, abstract_hash, registry_hash FROM hits WHERE source=? AND "
                                    "source_id=?", (source, source_id)).fetchone()
            if old is None or new_key == (source, source_id):
                return self._add_hit(hit)
            if self.conn.execute("SELECT 1 FROM hits WHERE source=? AND source_id=?", new_key).fetchone():
                self.conn.execute("DELETE FROM hits WHERE source=? AND source_id=?", (source, source_id))
                self._drop_unused_texts((old["abstract_hash"], old["registry_hash"]))
                result = self._add_hit(hit)
                if self.conn.execute("SELECT 1 FROM hits WHERE record_id=?", (old["record_id"],)).fetchone():
                    self._refresh_record(old["record_id"])
                elif old["record_id"] != result.record_id:
                    self._absorb_matches(result.record_id, hit.record, [old["record_id"]])
                return AddResult("updated", result.record_id)
            self.conn.execute("UPDATE hits SET source=?, source_id=?, fingerprint='' WHERE source=? AND source_id=?",
                              (*new_key, source, source_id))
            result = self._add_hit(hit)
            return AddResult("updated", result.record_id)

    # --- reading ---------------------------------------------------------------------------

    def records_with(self, scheme: str, value: str) -> list[str]:
        """Return the ids of stored records carrying identifier `scheme`:`value`."""
        return [r[0] for r in self.conn.execute(
            "SELECT record_id FROM identifiers WHERE scheme=? AND value=? ORDER BY record_id", (scheme, value))]

    def identifiers_of(self, record_id: str) -> dict[str, set[str]]:
        """Return a stored record's identifiers grouped by scheme (every identifier any of its hits carried)."""
        out: dict[str, set[str]] = {}
        for scheme, value in self.conn.execute("SELECT scheme, value FROM identifiers WHERE record_id=?", (record_id,)):
            out.setdefault(scheme, set()).add(value)
        return out

    def get(self, record_id: str) -> StoredRecord | None:
        """Return one stored record, or None."""
        rows = self._stored_rows(" WHERE r.id=?", (record_id,))
        return rows[0] if rows else None

    def records(self, batch_size: int = 1000) -> Iterator[StoredRecord]:
        """Yield every stored record, by id (read in batches of `batch_size`)."""
        last = ""
        while True:
            chunk = self._stored_rows(" WHERE r.id > ? ORDER BY r.id LIMIT ?", (last, batch_size))
            if not chunk:
                return
            yield from chunk
            last = chunk[-1].id

    def _stored_rows(self, where: str, params: Sequence, *, fulltext: bool = False) -> list[Any]:
        """The StoredRecords `where` selects; with `fulltext`, (StoredRecord, merged JSON as stored, full text
        XML or None) triples, the record and its full text read by one statement."""
        select = _RECORD_SELECT
        if fulltext:
            select = select.replace(" FROM records r ", f", {self._FULLTEXT_XML} FROM records r ", 1)
        rows = self.conn.execute(select + where, params).fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        hits: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for record_id, source, source_id in self.conn.execute(
                    f"SELECT record_id, source, source_id FROM hits WHERE record_id IN ({','.join('?' * len(chunk))}) "
                    "ORDER BY source, source_id", chunk):
                hits[record_id].append((source, source_id))
        stored = [StoredRecord(id=r[0], record=Record.from_dict(_unpack(r[1], r[2], r[3], r[4])),
                               sources=tuple(sorted({s for s, _ in hits[r[0]]})), hit_ids=tuple(hits[r[0]]))
                  for r in rows]
        if not fulltext:
            return stored
        return [(record, r[1], r[5]) for record, r in zip(stored, rows)]

    def raw_payloads(self, source: str | None = None, batch_size: int = 500) -> Iterator[tuple[str, str, str, str]]:
        """Yield (source, source_id, raw_format, raw) of stored hits, for re-parsing without download.

        Read in batches by key, so the store can be written between batches.
        """
        last: tuple[str, str] = ("", "")
        where = " AND source=?" if source else ""
        while True:
            rows = self.conn.execute(
                "SELECT source, source_id, raw_format, raw FROM hits WHERE (source, source_id) > (?, ?)" + where +
                " ORDER BY source, source_id LIMIT ?", (*last, *((source,) if source else ()), batch_size)).fetchall()
            if not rows:
                return
            yield from (tuple(r) for r in rows)
            last = (rows[-1][0], rows[-1][1])

    def hit_keys(self) -> list[tuple[str, str]]:
        """Return (source, source_id) of every stored hit, in key order."""
        return [(r[0], r[1]) for r in self.conn.execute("SELECT source, source_id FROM hits ORDER BY source, source_id")]

    def raw_payload(self, source: str, source_id: str) -> tuple[str, str] | None:
        """Return (raw_format, raw) of one stored hit, or None."""
        row = self.conn.execute("SELECT raw_format, raw FROM hits WHERE source=? AND source_id=?",
                                (source, source_id)).fetchone()
        return (row[0], row[1]) if row else None

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
                self._put_extraction(record_id, version, evidence_json, None, None)
                count += 1
        return count

    def _put_extraction(self, record_id: str, version: str, evidence_json: str, fingerprint: str | None,
                        summary: str | None) -> None:
        ok = self._is_json_object(evidence_json)
        if not ok:
            raise StoreError(f"the extraction of record {record_id!r} is not a JSON object "
                             f"({str(evidence_json)[:60]!r}); nothing of this batch was stored. "
                             "Pass the JSON text of Evidence.to_prediction().")
        summary = summary if summary is not None else summary_json(evidence_json)
        try:
            # a new row gets its summary at once; a replaced one gets it by the UPDATE below (the trigger
            # extractions_summary_stale clears a summary that a write of the evidence leaves as it was)
            self.conn.execute(
                "INSERT INTO extractions (record_id, extractor_version, extracted_at, evidence_json, "
                "input_fingerprint, summary_json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE "
                "SET extractor_version=excluded.extractor_version, extracted_at=excluded.extracted_at, "
                "evidence_json=excluded.evidence_json, input_fingerprint=excluded.input_fingerprint, summary_json=NULL",
                (record_id, version, _now(), evidence_json, fingerprint, summary))
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"cannot store an extraction of record {record_id!r}: no such record "
                             f"in {self.path} ({exc}); nothing of this batch was stored. "
                             "Extract only records listed by `trialsynth records`.") from exc
        self.conn.execute("UPDATE extractions SET summary_json=? WHERE record_id=? AND summary_json IS NULL",
                          (summary, record_id))
        self.conn.execute("DELETE FROM extraction_failures WHERE record_id=?", (record_id,))

    def _is_json_object(self, text: Any) -> bool:
        """True when `text` is the JSON text of an object: SQLite's JSON parser first (C, several times
        faster on a large extraction), Python's for what SQLite refuses (NaN and infinities, which
        Python's json writes and reads)."""
        if isinstance(text, str):
            try:
                if self.conn.execute("SELECT json_type(?)", (text,)).fetchone()[0] == "object":
                    return True
            except (sqlite3.Error, StoreError):
                pass
        try:
            return isinstance(json.loads(text), dict)
        except (TypeError, ValueError):
            return False

    @staticmethod
    def input_fingerprint(merged_json: str, fulltext_xml: str | None) -> str:
        """Return the fingerprint of what the extractor reads of a record: its merged fields (as stored) and
        full text."""
        digest = hashlib.sha256(merged_json.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
        digest.update((fulltext_xml or "").encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    _FULLTEXT_XML = ("(SELECT f.xml FROM identifiers i JOIN fulltexts f ON f.pmcid = i.value WHERE i.record_id = r.id "
                     "AND i.scheme = 'pmcid' AND f.xml != '' ORDER BY i.value LIMIT 1)")

    def extraction_inputs(self, record_ids: Iterable[str]) -> Iterator[tuple[StoredRecord, str | None, str]]:
        """Yield (stored record, its full text XML or None, input fingerprint) of each id still stored.

        Each record and its full text are read by one statement (one consistent state of the record);
        `save_extractions` checks the fingerprint again before storing.
        """
        ids = list(record_ids)
        for start in range(0, len(ids), 500):  # 500 records (and their full texts) per statement
            chunk = ids[start:start + 500]
            rows = self._stored_rows(f" WHERE r.id IN ({','.join('?' * len(chunk))})", chunk, fulltext=True)
            found = {stored.id: (stored, merged_json, xml) for stored, merged_json, xml in rows}
            for record_id in chunk:
                if record_id not in found:  # merged into another record since the list was made
                    continue
                stored, merged_json, xml = found[record_id]
                yield stored, xml, self.input_fingerprint(merged_json, xml)

    def _current_fingerprint(self, record_id: str) -> str | None:
        row = self.conn.execute(f"SELECT r.merged, {self._FULLTEXT_XML} FROM records r WHERE r.id = ?",
                                (record_id,)).fetchone()
        return None if row is None else self.input_fingerprint(row[0], row[1])

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
                    self._put_extraction(o.record_id, o.extractor_version, o.evidence_json, o.input_fingerprint,
                                         o.summary_json)
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

    def extraction_texts(self, *, summarised: bool = True) -> Iterator[tuple[str, str, str | None, str | None]]:
        """Yield (record_id, extractor_version, summary JSON or None, evidence JSON) of every stored extraction,
        by record id, as text (read in pages by record id): `extraction_summary` of the evidence is the summary
        decoded, where the store has it (else decode the evidence). `summarised=False`: the evidence JSON only
        where there is no summary (None else: `extraction_texts_of` reads it)."""
        evidence = "evidence_json" if summarised else "CASE WHEN summary_json IS NULL THEN evidence_json END"
        after = ""
        while True:
            rows = self.conn.execute(
                f"SELECT record_id, extractor_version, summary_json, {evidence} FROM extractions "
                "WHERE record_id > ? ORDER BY record_id LIMIT 1000", (after,)).fetchall()
            if not rows:
                return
            yield from (tuple(row) for row in rows)
            after = rows[-1][0]

    def extraction_texts_of(self, record_ids: Iterable[str]) -> Iterator[tuple[str, str, str]]:
        """Yield (record_id, extractor_version, evidence JSON) of the stored extractions of `record_ids`
        (500 per statement; an id without one is left out)."""
        ids = list(record_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            yield from (tuple(row) for row in self.conn.execute(
                "SELECT record_id, extractor_version, evidence_json FROM extractions "
                f"WHERE record_id IN ({','.join('?' * len(chunk))})", chunk).fetchall())

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
        registry = self.conn.execute("SELECT COUNT(*) FROM records WHERE record_type=?", (REGISTRY,)).fetchone()[0]
        return {"identified": per_source, "identified_total": total, "records": records,
                "duplicates_removed": total - records, "fulltexts": fulltexts, "registry_records": registry}

    def identification(self) -> "Identification":
        """The PRISMA 2020 identification counts: records identified per source, duplicates removed, records left.

        Each source (a RIS database is its own: "ris:Embase", "ris:Web of Science") counts the hits
        it gave; a study found by two sources is identified twice and removed once as a duplicate.
        """
        sources = tuple(
            SourceCount(source=source, label=source_label(source),
                        kind="register" if source_family(source) in REGISTER_SOURCES else "database",
                        identified=n, registry_records=int(registry or 0))
            for source, n, registry in self.conn.execute(
                "SELECT source, COUNT(*), SUM(record_type = ?) FROM hits GROUP BY source ORDER BY source", (REGISTRY,)))
        records = self.conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        registry = self.conn.execute("SELECT COUNT(*) FROM records WHERE record_type=?", (REGISTRY,)).fetchone()[0]
        total = sum(s.identified for s in sources)
        return Identification(sources=sources, identified=total, duplicates_removed=total - records,
                              records=records, registry_records=registry)

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
