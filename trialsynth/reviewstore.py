"""Opening a review's store: once per command, never silently recreated empty, read-only when it must be.

`open_store(review)` is how every command reaches `review.sqlite`. Before opening it checks the
file against the review's history: a store that is missing, empty (0 bytes) or holds no record
while the review's history says it held records (the update log `review.history.jsonl` beside
it, `results.json`, `report.html`) is a `StoreMissingError` naming the file and how to restore
it, so the next update can never overwrite the last good results from an empty store. Read-only
commands (`records`, `table`, `export -o elsewhere`, `screen --list`) open it with `write=False`,
which also works on a read-only file or in a read-only folder.

When another command holds the review's write lock, `holder(review)` says which one (the store's
run log: command, run, process, start time), for the message the CLI prints after waiting.
`record_history` appends one line per completed update or import to the history file.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from trialsynth.errors import InputError

if TYPE_CHECKING:
    from corpus.store import Store
    from trialsynth.review import Review

__all__ = ["HISTORY_FILE", "LOCK_TIMEOUT_ENV", "StoreMissingError", "holder", "open_store", "record_history",
           "review_history", "wait_if_busy"]

HISTORY_FILE = "review.history.jsonl"
LOCK_TIMEOUT_ENV = "TRIALSYNTH_LOCK_TIMEOUT"  # seconds a command waits for another one's write lock


class StoreMissingError(InputError):
    """The review's store is missing or empty although its history says it held records."""


def review_history(review: Review) -> list[dict[str, Any]]:
    """Return the lines of the review's history file (oldest first); unreadable lines are skipped."""
    try:
        text = (review.root / HISTORY_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            out.append(entry)
    return out


def record_history(review: Review, store: Store, command: str, **facts: Any) -> None:
    """Append one line to the review's history file: what `command` left in the store.

    Never raises: the history is a safeguard, and a folder it cannot write to (read-only, full) is
    reported by the command's own writes.
    """
    counts = store.counts()
    entry = {"finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "command": command,
             "run_id": store.run_id, "records": counts.get("records", 0), **facts}
    try:
        with open(review.root / HISTORY_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass


_NO_STUDIES = re.compile(r'"studies"\s*:\s*\[\s*\]')


def _results_show_studies(path: Path) -> bool:
    """True when a results.json lists studies (its "studies" key comes early: the first 64 KB tell)."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return '"studies"' in head and not _NO_STUDIES.search(head)


def _history_says(review: Review) -> str | None:
    """Return what in the review folder says the review held records, or None.

    The history file (one line per completed update or import) decides when there is one; a review
    without it (made by an older trialsynth) is judged by its results.json listing studies, or by a
    report.html without a results.json."""
    lines = review_history(review)
    if lines:
        held = [h for h in lines if isinstance(h.get("records"), int) and h["records"] > 0]
        if not held:
            return None
        last = held[-1]
        return (f"{HISTORY_FILE} records {last['records']} records after `trialsynth {last.get('command')}` "
                f"({last.get('finished_at')})")
    results, report = review.root / "results.json", review.root / "report.html"
    if results.is_file():
        return "results.json lists studies" if _results_show_studies(results) else None
    return "report.html exists" if report.is_file() else None


def _missing_message(review: Review, problem: str, said: str) -> str:
    keep = [n for n in (HISTORY_FILE, "results.json", "report.html", "summary.md") if (review.root / n).exists()]
    return (f"{review.store_path} {problem}, but this review's history says it held records ({said}). Nothing "
            f"was changed. Restore review.sqlite from a backup into {review.root} (for example `cp "
            f"BACKUP/review.sqlite {review.store_path}`); to start this review again from nothing on purpose, "
            f"move {', '.join(keep)} out of the folder first.")


def check_store_file(review: Review) -> None:
    """Raise StoreMissingError when the store file is missing or empty (0 bytes) while the history says
    the review held records. A review without history (just initialised) passes."""
    path = review.store_path
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    if size:
        return
    said = _history_says(review)
    if said:
        raise StoreMissingError(_missing_message(review, "is missing" if size is None else "is empty (0 bytes)",
                                                 said))


def _lock_timeout() -> float | None:
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"${LOCK_TIMEOUT_ENV} must be a number of seconds, got {text!r}.") from None
    if value < 0:
        raise InputError(f"${LOCK_TIMEOUT_ENV} must be 0 or more seconds, got {value:g}.")
    return value


def _writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def open_store(review: Review, *, write: bool = True) -> Store:
    """Open the review's store once for a command (use it as a context manager, pass it down).

    `write=False` (read-only commands) opens a store whose file or folder is read-only without
    writing to it. Raises StoreMissingError for a missing or empty store (or one holding no record)
    whose history says it held records, StoreError when it cannot be opened, InputError when a
    command that writes meets a read-only store.
    """
    from corpus.store import Store

    check_store_file(review)
    path = review.store_path
    if not write and path.is_file() and not _writable(path):
        store = Store(path, create=False, readonly=True)
    else:
        if not _writable(path):
            what = "folder" if not os.access(path.parent, os.W_OK) else "file"
            raise InputError(f"{path}: the review's {what} is read-only and this command writes to the store. "
                             "Run it in a copy of the review you can write to, or make the folder writable; "
                             "read-only commands (records, table, export -o elsewhere, screen --list) work as it is.")
        timeout = _lock_timeout()
        store = Store(path) if timeout is None else Store(path, busy_timeout=timeout)
    try:
        said = _history_says(review)
        if said and store.counts().get("records", 0) == 0:
            raise StoreMissingError(_missing_message(review, "holds no records", said))
    except BaseException:
        store.close()
        raise
    return store


def holder(review: Review) -> str | None:
    """Return which trialsynth command holds the review ("`trialsynth harvest --from big.ris` (run 5,
    process 1234, started 2025-01-02T10:00:00+00:00)"), or None when none is recorded as running."""
    uri = f"{review.store_path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=1)
        conn.row_factory = sqlite3.Row
        try:
            rows = conn.execute("SELECT * FROM runs WHERE status='running' ORDER BY id DESC").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    from corpus.store import pid_alive

    for row in rows:
        pid = row["pid"] if "pid" in row.keys() else None
        if pid and pid != os.getpid() and pid_alive(pid):
            return f"`trialsynth {row['command']}` (run {row['id']}, process {pid}, started {row['started_at']})"
    return None


def busy_message(review: Review, detail: str = "") -> str:
    """The one-line message for a review whose write lock another process holds."""
    who = holder(review)
    held = f"{who} holds it" if who else "another process holds it (no running trialsynth command is recorded)"
    waited = _lock_timeout()
    wait = f"after waiting {waited:g} s" if waited is not None else "after waiting"
    return (f"the review {review.root} is busy: {held}; gave up {wait}{f' ({detail})' if detail else ''}. Run "
            f"the command again when it has finished (or set ${LOCK_TIMEOUT_ENV} to wait longer).")


def wait_if_busy(review: Review, store: Store, notify: Callable[[str], None]) -> None:
    """Tell `notify` when another command holds the review's write lock, before this command waits for it."""
    conn = store.conn
    if conn.in_transaction:
        return
    waits = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        who = holder(review) or "another process"
        notify(f"the review is busy: {who} holds it; waiting for it to finish...")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(waits)}")
