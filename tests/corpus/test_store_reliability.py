"""The store under concurrency, on a full disk, read-only, missing or empty (issue 13).

Concurrency tests start real processes on a real store file.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from corpus.errors import StoreBusyError, StoreError
from corpus.records import Hit, Ids, Record
from corpus.store import Store

ROOT = Path(__file__).resolve().parents[2]


def hits(prefix: int, n: int = 5, abstract: str = "") -> list[Hit]:
    return [Hit(Record("pubmed", str(prefix * 100 + i), title=f"Trial {prefix} number {i}", abstract=abstract,
                       ids=Ids(pmid=str(prefix * 100 + i))), raw="{}", raw_format="test") for i in range(n)]


def _python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    script = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n" + textwrap.dedent(code)
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kwargs)


CREATE_AND_IMPORT = """
    import os, time
    from corpus.records import Hit, Ids, Record
    from corpus.store import Store
    path, prefix, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    while not os.path.exists(go):
        time.sleep(0.0005)
    with Store(path) as store:
        store.add_hits([Hit(Record("pubmed", str(prefix * 100 + i), title=f"Trial {prefix} number {i}",
                                   ids=Ids(pmid=str(prefix * 100 + i))), raw="{}", raw_format="test")
                        for i in range(5)])
    print("ok")
"""


@pytest.mark.parametrize("attempt", range(3))
def test_processes_creating_one_new_store_at_once_all_succeed(tmp_path, attempt):
    path, go = tmp_path / "review.sqlite", tmp_path / "go"
    procs = [_python(CREATE_AND_IMPORT, str(path), str(n + 1), str(go)) for n in range(4)]
    time.sleep(1.0)  # let every interpreter start and wait at the barrier
    go.touch()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in results]
    with Store(path) as store:
        assert store.counts()["records"] == 20


MIGRATE_SLOWLY = """
    import sqlite3, time
    from corpus import store as store_module
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    conn.execute("BEGIN IMMEDIATE")
    for name, sql in store_module.MIGRATIONS:
        for statement in store_module._statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO migrations VALUES (?, 'now')", (name,))
    print("migrating", flush=True)
    time.sleep(1.5)
    conn.execute("COMMIT")
"""


def test_a_store_opened_while_another_process_migrates_it_waits_and_does_not_migrate_again(tmp_path):
    """Two processes creating one store: the second read 'nothing applied' before the first committed,
    then ran the first migration again ("table records already exists ... Restore it from a backup")."""
    path = tmp_path / "review.sqlite"
    migrator = _python(MIGRATE_SLOWLY, str(path))
    try:
        assert migrator.stdout.readline().strip() == "migrating"
        with Store(path) as store:
            store.add_hits(hits(1))
            assert store.counts()["records"] == 5
    finally:
        migrator.communicate(timeout=60)
    assert migrator.returncode == 0


HOLD_THE_LOCK = """
    import time
    from corpus.store import Store
    with Store(sys.argv[1]) as store:
        with store.atomic():
            store.conn.execute("INSERT INTO marks VALUES ('pubmed', 'q', '2026-01-01', 'now')")
            print("locked", flush=True)
            time.sleep(float(sys.argv[2]))
"""


def test_a_locked_store_is_waited_for_then_a_busy_error(tmp_path):
    path = tmp_path / "review.sqlite"
    with Store(path) as store:
        store.add_hits(hits(1))
    holder = _python(HOLD_THE_LOCK, str(path), "6")
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Store(path, busy_timeout=0.5) as store:
            assert store.counts()["records"] == 5  # reading goes on while another process writes
            started = time.monotonic()
            with pytest.raises(StoreBusyError, match=r"is busy: another trialsynth command has held its write "
                                                     r"lock for more than 0.5 s\. Wait until it finishes"):
                store.add_hits(hits(2))
            assert 0.4 < time.monotonic() - started < 4
            assert store.counts()["records"] == 5
    finally:
        holder.kill()
        holder.communicate()


def test_a_short_lock_is_waited_out(tmp_path):
    path = tmp_path / "review.sqlite"
    Store(path).close()
    holder = _python(HOLD_THE_LOCK, str(path), "0.5")
    try:
        assert holder.stdout.readline().strip() == "locked"
        with Store(path, busy_timeout=20) as store:
            store.add_hits(hits(3))
            assert store.counts()["records"] == 5
    finally:
        holder.communicate(timeout=30)


@pytest.mark.parametrize("content", [None, b""])
def test_create_false_opens_only_an_existing_non_empty_store(tmp_path, content):
    path = tmp_path / "review.sqlite"
    if content is not None:
        path.write_bytes(content)
    what = "is missing" if content is None else r"is empty \(0 bytes\)"
    with pytest.raises(StoreError, match=rf"review\.sqlite {what}.*Restore review\.sqlite from a backup"):
        Store(path, create=False)
    assert path.exists() == (content is not None) and (content is None or path.stat().st_size == 0)


def test_create_false_opens_a_store(tmp_path):
    Store(tmp_path / "review.sqlite").close()
    with Store(tmp_path / "review.sqlite", create=False) as store:
        assert store.counts()["records"] == 0


def test_a_full_disk_is_a_store_error_and_loses_nothing(tmp_path):
    with Store(tmp_path / "review.sqlite") as store:
        store.add_hits(hits(1))
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # what a full disk does to SQLite
        with pytest.raises(StoreError, match=r"the disk holding .*review\.sqlite is full .*nothing of this step was "
                                             r"stored\. Free some space"):
            store.add_hits(hits(2, n=200, abstract="x" * 2000))
        assert store.counts()["records"] == 5
        store.add_hits(hits(3, n=1))  # the store still works
        assert store.counts()["records"] == 6


def test_a_store_opened_read_only_reads_and_refuses_to_write(tmp_path):
    path = tmp_path / "review.sqlite"
    with Store(path) as store:
        store.add_hits(hits(1))
    with Store(path, readonly=True) as store:
        assert store.readonly and len(list(store.records())) == 5
        with pytest.raises(StoreError, match=r"is read-only .*Make the file and its folder writable .*commands that "
                                             r"only read \(records, table, export\) work"):
            store.add_hits(hits(2))


def test_a_store_that_cannot_be_written_opens_read_only_by_itself(tmp_path, monkeypatch):
    path = tmp_path / "review.sqlite"
    with Store(path) as store:
        store.add_hits(hits(1))
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)
    with Store(path) as store:
        assert store.readonly and store.counts()["records"] == 5


def _make_read_only(paths: list[Path]) -> None:
    """Files and folders nobody may write: chmod, and for root (whom permissions do not stop) chattr +i."""
    for path in paths:
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True).returncode != 0:
            pytest.skip("running as root without chattr: a read-only file cannot be made")


def _make_writable(paths: list[Path]) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True)
    for path in paths:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def test_a_read_only_file_in_a_read_only_folder_is_read(tmp_path):
    folder = tmp_path / "review"
    folder.mkdir()
    path = folder / "review.sqlite"
    with Store(path) as store:
        store.add_hits(hits(1))
    _make_read_only([path, folder])
    try:
        with Store(path) as store:
            assert store.readonly and len(list(store.records())) == 5
            with pytest.raises(StoreError, match=r"is read-only"):
                store.add_hits(hits(2))
        with pytest.raises(StoreError, match=r"is read-only"):
            with Store(path, readonly=False) as store:  # asked to write: a clear error, not a traceback
                store.add_hits(hits(2))
    finally:
        _make_writable([folder, path])


def test_not_a_store_is_a_clear_error(tmp_path):
    path = tmp_path / "review.sqlite"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(path)
