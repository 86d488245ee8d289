"""Hostile input and a hostile machine: one-line errors, nothing lost, nothing sent raw to a terminal.

Records written here are FICTITIOUS; the bundled snapshot is used where a real review is needed.
"""
from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from trialsynth.workflow import bundled_snapshot

ROOT = Path(__file__).resolve().parents[2]
EXTRA = ROOT / "tests" / "fixtures" / "review" / "new_abstracts_fictitious.jsonl"


def cli(*args: str, cwd: Path | None = None, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's code, whatever the working folder
    return subprocess.run([sys.executable, "-m", "trialsynth.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300, env=env, **kw)


def one_line_error(result: subprocess.CompletedProcess, *parts: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and lines[-1].startswith("trialsynth: error: "), result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


def write_jsonl(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """A demo review after its first update (report.html, results.json, the history file)."""
    root = tmp_path_factory.mktemp("hostile") / "rev"
    result = cli("demo", str(root))
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def review(demo, tmp_path) -> Path:
    root = tmp_path / "rev"
    shutil.copytree(demo, root)
    return root


# --- the terminal ---------------------------------------------------------------------------------

def test_records_never_prints_control_characters_from_a_harvested_title(tmp_path):
    title = "MSC in RA\x1b[2J\x1b]0;owned\x07 \rfake\u202eevil\x9b31m"
    src = write_jsonl(tmp_path / "hostile.jsonl", [{"id": "hostile-1", "title": title, "abstract": "x"}])
    assert cli("init", str(tmp_path / "rev")).returncode == 0
    assert cli("harvest", "--review", str(tmp_path / "rev"), "--from", str(src)).returncode == 0
    for fmt in ("table", "csv", "jsonl"):
        out = cli("records", "--review", str(tmp_path / "rev"), "--format", fmt).stdout
        assert not set(out) & {"\x1b", "\x07", "\r", "\u202e", "\x9b"}, (fmt, out)
        assert "\\u001b[2J" in out and "\\u202e" in out
    line = cli("records", "--review", str(tmp_path / "rev"), "--format", "jsonl").stdout
    assert json.loads(line)["title"] == title  # the escapes are JSON's: the line is still the record
    # a file written with -o keeps the title as harvested
    cli("records", "--review", str(tmp_path / "rev"), "--format", "jsonl", "-o", str(tmp_path / "r.jsonl"))
    assert json.loads((tmp_path / "r.jsonl").read_text("utf-8"))["title"] == title


def test_console_printable_keeps_newlines_tabs_and_text():
    from trialsynth.console import printable

    assert printable("Wang 2019\tDAS28 −1.2 ± 0.4\n") == "Wang 2019\tDAS28 −1.2 ± 0.4\n"
    assert printable("a\x00b\x08c\x7fd\u2028e") == "a\\u0000b\\u0008c\\u007fd\\u2028e"


# --- the store ------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["zero bytes", "missing"])
def test_a_lost_store_is_an_error_and_the_last_results_are_kept(review, damage):
    results, report = (review / "results.json").read_bytes(), (review / "report.html").read_bytes()
    store = review / "review.sqlite"
    if damage == "missing":
        store.unlink()
    else:
        store.write_bytes(b"")
    for name in ("-wal", "-shm"):
        Path(str(store) + name).unlink(missing_ok=True)
    result = cli("update", "--review", str(review), "--from", str(EXTRA))
    one_line_error(result, str(store), "Restore review.sqlite from a backup", "review.history.jsonl")
    assert (review / "results.json").read_bytes() == results and (review / "report.html").read_bytes() == report
    assert store.exists() == (damage == "zero bytes") and (not store.exists() or store.stat().st_size == 0)
    for command in (["records"], ["extract"], ["harvest", "--from", str(EXTRA)], ["screen", "--list"]):
        one_line_error(cli(*command, "--review", str(review)), str(store))


def test_a_store_emptied_of_its_records_does_not_overwrite_the_results(review):
    import sqlite3

    results = (review / "results.json").read_bytes()
    store = review / "review.sqlite"
    store.unlink()
    for name in ("-wal", "-shm"):
        Path(str(store) + name).unlink(missing_ok=True)
    sqlite3.connect(store).execute("CREATE TABLE unrelated (x)").connection.close()  # a store, but not this one
    one_line_error(cli("update", "--review", str(review), "--from", str(EXTRA)), "holds no records")
    assert (review / "results.json").read_bytes() == results


def test_a_review_whose_updates_found_nothing_is_not_mistaken_for_a_lost_one(tmp_path):
    root = tmp_path / "rev"
    assert cli("init", str(root)).returncode == 0
    (root / "review.history.jsonl").write_text('{"command": "harvest", "records": 0}\n', encoding="utf-8")
    (root / "results.json").write_text('{\n  "review_title": "t",\n  "studies": [],\n  "pooled": []\n}\n')
    result = cli("records", "--review", str(root))
    assert result.returncode == 0 and "0 records" in result.stdout, result.stderr
    (root / "review.history.jsonl").unlink()  # an older review: its results.json decides
    result = cli("records", "--review", str(root))
    assert result.returncode == 0 and "0 records" in result.stdout, result.stderr


def test_a_new_review_without_history_still_starts_from_an_empty_store(tmp_path):
    assert cli("init", str(tmp_path / "rev")).returncode == 0
    (tmp_path / "rev" / "review.sqlite").unlink()
    result = cli("records", "--review", str(tmp_path / "rev"))
    assert result.returncode == 0 and "0 records" in result.stdout


@contextlib.contextmanager
def read_only(path: Path):
    """Make `path` (a file or a folder) read-only for the commands run inside the block: chmod for a
    user, a read-only bind mount for root (whom permissions do not stop); skips when neither works."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        os.chmod(path, 0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            os.chmod(path, mode)
        return
    mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"running as root, and a read-only bind mount is not allowed here: {mounted.stderr!r}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr!r}")
        yield
    finally:
        subprocess.run(["umount", str(path)], capture_output=True)


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_read_only_store_still_serves_the_read_only_commands(review, tmp_path, where):
    out = tmp_path / "out"
    out.mkdir()
    with read_only(review / "review.sqlite" if where == "file" else review):
        records = cli("records", "--review", str(review))
        assert records.returncode == 0, records.stderr
        assert "11 records" in records.stdout
        table = cli("table", "--review", str(review))
        assert table.returncode == 0 and table.stdout.startswith("record_id,"), table.stderr
        listed = cli("screen", "--list", "--review", str(review))
        assert listed.returncode == 0, listed.stderr
        exported = cli("export", "--review", str(review), "--format", "ris", "-o", str(out / "included.ris"))
        assert exported.returncode == 0, exported.stderr
        assert (out / "included.ris").read_text("utf-8").startswith("TY  -")
        one_line_error(cli("update", "--review", str(review), "--from", str(EXTRA)), "read-only")
        one_line_error(cli("screen", "--review", str(review), "--exclude", "31908418", "--reason", "x",
                           "--reviewer", "T"), "read-only")
    assert cli("update", "--review", str(review), "--from", str(EXTRA)).returncode == 0


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_one_line_and_the_previous_report_is_intact(review):
    report = (review / "report.html").read_bytes()
    limit = min(len(report) // 2, (review / "review.sqlite").stat().st_size * 4)
    result = cli("update", "--review", str(review), "--from", str(EXTRA), preexec_fn=_file_size_limit(limit))
    one_line_error(result)
    assert "full" in result.stderr or "File too large" in result.stderr or "size limit" in result.stderr
    assert (review / "report.html").read_bytes() == report
    assert not [p.name for p in review.iterdir() if p.name.startswith(".")]  # no temporary file left
    again = cli("update", "--review", str(review), "--from", str(EXTRA))
    assert again.returncode == 0, again.stderr


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(review, tmp_path):
    left = [review / ".report.html.x1y2z3ab.tmp", review / ".results.json.999999999.abcdefgh.part",
            review / "exports" / ".evidence.csv.999999999.q1w2e3r4.part"]
    (review / "exports").mkdir(exist_ok=True)
    for p in left:
        p.write_text("half a file")
    keep = [review / "notes.tmp", review / ".draft.abcdefgh.tmp"]
    for p in keep:
        p.write_text("the reviewer's own file")
    assert cli("records", "--review", str(review)).returncode == 0
    assert not [p for p in left if p.exists()] and all(p.exists() for p in keep)
    # outside a review, the next write of the same output removes its leftovers
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "title": "t"}])
    stale = tmp_path / ".out.jsonl.999999999.abcdefgh.part"
    stale.write_text("half")
    assert cli("extract", "--input", str(src), "-o", str(tmp_path / "out.jsonl")).returncode == 0
    assert not stale.exists()


# --- records the extractor cannot read --------------------------------------------------------------

def test_a_huge_record_is_recorded_as_failed_and_the_review_goes_on(review, tmp_path):
    huge = {"id": "fictitious-huge", "title": "FICTITIOUS huge record: mesenchymal stem cells in rheumatoid arthritis",
            "abstract": "Twenty patients with rheumatoid arthritis received MSCs. " * 20_000, "authors": ["Huge"],
            "year": 2024, "note": "FICTITIOUS"}
    assert len(huge["abstract"]) > 1_000_000
    src = write_jsonl(tmp_path / "huge.jsonl", [huge])
    first = cli("update", "--review", str(review), "--from", str(src))
    assert first.returncode == 0, first.stderr
    results = json.loads((review / "results.json").read_text("utf-8"))
    [failed] = results["failed_records"]
    assert failed["record_id"] == "fictitious-huge" and failed["reason"].startswith("too large")
    assert "1,1" in failed["reason"] and "200,000" in failed["reason"]
    # it does not block the next extract or update, and is not retried while unchanged
    extract = cli("extract", "--review", str(review))
    assert extract.returncode == 0 and "1 failed earlier" in extract.stdout, extract.stderr
    again = cli("update", "--review", str(review), "--from", str(EXTRA))
    assert again.returncode == 0, again.stderr
    # once the record changes (a fixed export), it is extracted again
    fixed = write_jsonl(tmp_path / "fixed.jsonl", [{**huge, "abstract": "Twenty patients with rheumatoid arthritis "
                                                                          "received umbilical cord MSCs."}])
    assert cli("harvest", "--review", str(review), "--from", str(fixed)).returncode == 0
    extract = cli("extract", "--review", str(review))
    assert "extracted 1 records" in extract.stdout and "failed" not in extract.stdout, extract.stdout
    assert cli("update", "--review", str(review), "--from", str(EXTRA)).returncode == 0
    assert json.loads((review / "results.json").read_text("utf-8"))["failed_records"] == []


# --- user files -------------------------------------------------------------------------------------

def test_a_lone_surrogate_in_an_extract_input_is_one_line_naming_the_line(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "title": "MSC for RA", "abstract": "x"}\n'
                   '{"id": "b", "title": "MSC for RA \\ud83d", "abstract": "Twenty patients."}\n', encoding="utf-8")
    result = cli("extract", "--input", str(src), "-o", str(tmp_path / "out.jsonl"))
    one_line_error(result, "in.jsonl line 2", "\\ud83d", "half of a character")


def test_a_lone_surrogate_in_an_import_becomes_the_replacement_character(tmp_path):
    # corpus.jsontext: an import keeps every record; half a character cannot be stored, U+FFFD marks it
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "b", "title": "MSC for RA \\ud83d", "abstract": "Twenty patients."}\n', encoding="utf-8")
    assert cli("init", str(tmp_path / "rev")).returncode == 0
    assert cli("harvest", "--review", str(tmp_path / "rev"), "--from", str(src)).returncode == 0
    out = cli("records", "--review", str(tmp_path / "rev"), "--format", "jsonl").stdout
    assert json.loads(out)["title"] == "MSC for RA \ufffd"


@pytest.mark.parametrize("command", ["extract", "harvest", "table"])
def test_deeply_nested_json_is_one_line(tmp_path, command):
    src = tmp_path / "deep.jsonl"
    src.write_text('{"id": "d", "title": ' + "[" * 100_000 + "]" * 100_000 + "}\n", encoding="utf-8")
    if command == "extract":
        result = cli("extract", "--input", str(src), "-o", str(tmp_path / "out.jsonl"))
    elif command == "table":
        result = cli("table", "--input", str(src))
    else:
        assert cli("init", str(tmp_path / "rev")).returncode == 0
        result = cli("harvest", "--review", str(tmp_path / "rev"), "--from", str(src))
    one_line_error(result, "deep.jsonl", "nested too deeply")


@pytest.mark.parametrize("where", ["../afile.txt/sub", "/proc/x"])
def test_init_into_an_impossible_path_is_one_line(tmp_path, where):
    (tmp_path / "afile.txt").write_text("a file, not a folder")
    (tmp_path / "here").mkdir()
    result = cli("init", where, cwd=tmp_path / "here")
    one_line_error(result, "cannot create the review folder")


@pytest.mark.parametrize("edit, expected", [
    (('method = "REML"', 'mehtod = "DL"'), "unknown key 'mehtod' in [analysis] (did you mean 'method'?)"),
    (("[dates]", "[datez]"), "unknown table [datez] (did you mean 'dates'?)"),
    (("retries = 5", "retrys = 5"), "unknown key 'retrys' in [harvest] (did you mean 'retries'?)"),
    (("enabled = true", 'enabled = "no"'), "enabled must be true or false (without quotes), got \"no\""),
    (("small_study_min_k = 10", "small_study_min_k = 10.5"), "small_study_min_k must be a whole number"),
    (('from = "2000-01-01"', 'from = "01/01/2000"'), "from must be a date"),
])
def test_a_misspelled_or_mistyped_protocol_key_is_an_error(tmp_path, edit, expected):
    from trialsynth.errors import InputError
    from trialsynth.review import init_review, load_protocol

    review = init_review(tmp_path / "rev")
    text = review.protocol_path.read_text("utf-8")
    assert edit[0] in text
    review.protocol_path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_protocol(review.protocol_path)
    assert expected in str(info.value)


def test_the_default_protocol_passes_its_own_schema(tmp_path):
    from trialsynth.review import init_review

    protocol = init_review(tmp_path / "rev").protocol()
    assert [s.enabled for s in protocol.sources] == [True, True, True]
