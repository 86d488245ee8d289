"""Real processes on a real store: what one command does while another changes the review.

The records are FICTITIOUS (synthetic abstracts written here): each says how many patients were
enrolled, and a second version of each says another number, so an extraction that holds the old
number after the record changed is stale.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trialsynth.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})


def start(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "trialsynth.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **(env or {})})


def enrolled(i: int, version: int) -> int:
    return 20 + i % 50 + (100 if version == 2 else 0)


def records_file(path: Path, n: int, version: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({
                "id": f"fict{i:05d}", "title": f"FICTITIOUS {i}: umbilical cord mesenchymal stem cells for rheumatoid "
                                               f"arthritis, a phase I trial (series {i})",
                "authors": [f"Fictitious{i} A"], "year": 2000 + i % 25,
                "abstract": f"This is a fictitious abstract. Methods: A total of {enrolled(i, version)} patients with "
                            "active rheumatoid arthritis were enrolled and received intravenous umbilical cord "
                            "mesenchymal stem cells. Results: DAS28 decreased at 12 weeks (P < 0.05).",
                "note": "FICTITIOUS"}) + "\n")
    return path


def count(store: Path, sql: str) -> int:
    conn = sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 120.0, step: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(step)


def test_an_extraction_of_a_record_that_changed_while_it_was_read_is_not_kept(tmp_path):
    n = 1200
    review = tmp_path / "rev"
    store = review / "review.sqlite"
    assert cli("init", str(review)).returncode == 0
    first = cli("harvest", "--review", str(review), "--from", str(records_file(tmp_path / "v1.jsonl", n, 1)))
    assert first.returncode == 0, first.stderr
    v2 = records_file(tmp_path / "v2.jsonl", n, 2)
    extracting = start("extract", "--review", str(review))
    wait_for(lambda: count(store, "SELECT COUNT(*) FROM extractions") >= 64)
    changed = cli("harvest", "--review", str(review), "--from", str(v2))
    out, err = extracting.communicate(timeout=300)
    assert changed.returncode == 0, changed.stderr
    assert extracting.returncode == 0, err
    assert f"{n} updated" in changed.stdout
    conn = sqlite3.connect(store)
    stale = []
    for record_id, evidence in conn.execute("SELECT record_id, evidence_json FROM extractions"):
        i = int(record_id[4:])
        if json.loads(evidence).get("n_enrolled") != enrolled(i, 2):
            stale.append(record_id)
    conn.close()
    assert not stale, f"{len(stale)} extractions hold the old text of their record: {stale[:5]}"
    # whatever this run did not redo, the next one does, and then every record holds its new text
    again = cli("extract", "--review", str(review))
    assert again.returncode == 0, again.stderr
    conn = sqlite3.connect(store)
    got = {rid: json.loads(ev).get("n_enrolled") for rid, ev in conn.execute("SELECT record_id, evidence_json "
                                                                             "FROM extractions")}
    conn.close()
    assert got == {f"fict{i:05d}": enrolled(i, 2) for i in range(n)}


def test_an_update_killed_after_its_import_is_reported_in_full_by_the_next(tmp_path):
    n = 300
    review = tmp_path / "rev"
    store = review / "review.sqlite"
    assert cli("init", str(review)).returncode == 0
    records = records_file(tmp_path / "added.jsonl", n, 1)
    update = start("update", "--review", str(review), "--from", str(records))
    wait_for(lambda: count(store, "SELECT COUNT(*) FROM extractions") >= 1)  # imported; extracting now
    update.send_signal(signal.SIGKILL)
    update.communicate(timeout=60)
    assert update.returncode == -signal.SIGKILL
    assert count(store, "SELECT COUNT(*) FROM records") == n
    again = cli("update", "--review", str(review), "--from", str(records))
    assert again.returncode == 0, again.stderr
    assert f"new records from added.jsonl: {n}" in again.stdout
    third = cli("update", "--review", str(review), "--from", str(records))
    assert "new records from added.jsonl: 0" in third.stdout
    assert "no change in included studies or results" in third.stdout


def test_a_command_waiting_for_a_busy_review_says_which_command_holds_it(tmp_path):
    review = tmp_path / "rev"
    store = review / "review.sqlite"
    assert cli("init", str(review)).returncode == 0
    assert cli("harvest", "--review", str(review), "--from", str(records_file(tmp_path / "v1.jsonl", 3, 1))
               ).returncode == 0
    # a "large import": a process that holds the review's write lock, recorded in the run log as running
    holder = subprocess.Popen([sys.executable, "-c", f"""
import os, sqlite3, sys, time
conn = sqlite3.connect({str(store)!r}, isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO runs (command, started_at, status, pid) VALUES ('harvest --from big.ris', "
             "'2025-01-01T00:00:00+00:00', 'running', ?)", (os.getpid(),))
conn.execute("COMMIT")
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
"""], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        waited = cli("screen", "--review", str(review), "--exclude", "fict00001", "--reason", "fictitious",
                     "--reviewer", "Test", env={"TRIALSYNTH_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert waited.returncode == 2
    assert "Traceback" not in waited.stderr
    assert "waiting" in waited.stderr and "`trialsynth harvest --from big.ris`" in waited.stderr
    assert waited.stderr.strip().splitlines()[-1].startswith("trialsynth: error: the review ")
    assert "is busy" in waited.stderr and "run the command again" in waited.stderr.lower()
    # once the import is over, the same command goes through
    done = cli("screen", "--review", str(review), "--exclude", "fict00001", "--reason", "fictitious",
               "--reviewer", "Test")
    assert done.returncode == 0, done.stderr
