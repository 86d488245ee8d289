"""The CLI as a user runs it: help, init, review discovery, import, listing, the demo."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from trialsynth.cli import COMMANDS, build_parser, main

ROOT_SNAPSHOT_LINES = 11


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trialsynth.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out and f"trialsynth {command}" in out


def test_top_level_help_lists_commands(capsys):
    build_parser().print_help()
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


def test_init_creates_protocol_and_store(tmp_path):
    result = run("init", str(tmp_path / "rev"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rev" / "review.toml").is_file()
    assert (tmp_path / "rev" / "review.sqlite").is_file()
    assert "rheumatoid arthritis" in (tmp_path / "rev" / "review.toml").read_text()
    again = run("init", str(tmp_path / "rev"))
    assert again.returncode == 2
    assert "already holds a review" in again.stderr
    assert "Traceback" not in again.stderr


def test_commands_without_a_review_say_how_to_make_one(tmp_path):
    result = run("records", cwd=tmp_path)
    assert result.returncode == 2
    assert "no review found" in result.stderr and "trialsynth init" in result.stderr
    result = run("--review", str(tmp_path / "nowhere"), "harvest")
    assert result.returncode == 2 and "no review in" in result.stderr


def test_review_is_found_from_a_subfolder(tmp_path):
    run("init", str(tmp_path / "rev"))
    (tmp_path / "rev" / "notes").mkdir()
    result = run("records", cwd=tmp_path / "rev" / "notes")
    assert result.returncode == 0, result.stderr
    assert "0 records" in result.stdout


def test_bad_protocol_is_a_clear_error(tmp_path):
    run("init", str(tmp_path / "rev"))
    (tmp_path / "rev" / "review.toml").write_text("[sources.pubmed\nquery=1")
    result = run("--review", str(tmp_path / "rev"), "harvest")
    assert result.returncode == 2 and "not valid TOML" in result.stderr


def test_import_snapshot_and_list_in_every_format(tmp_path):
    from trialsynth.workflow import bundled_snapshot

    run("init", str(tmp_path / "rev"))
    result = run("harvest", "--review", str(tmp_path / "rev"), "--from", str(bundled_snapshot()))
    assert result.returncode == 0, result.stderr
    assert f"{ROOT_SNAPSHOT_LINES} new" in result.stdout
    again = run("harvest", "--review", str(tmp_path / "rev"), "--from", str(bundled_snapshot()))
    assert "0 new" in again.stdout and f"{ROOT_SNAPSHOT_LINES} unchanged" in again.stdout

    table = run("records", "--review", str(tmp_path / "rev"))
    assert "31908418" in table.stdout and f"{ROOT_SNAPSHOT_LINES} records" in table.stdout
    rows = list(csv.DictReader(io.StringIO(run("records", "--review", str(tmp_path / "rev"), "--format", "csv").stdout)))
    assert len(rows) == ROOT_SNAPSHOT_LINES
    assert {"id", "sources", "pmid", "doi", "title", "year", "publication_types"} <= set(rows[0])
    out = tmp_path / "records.jsonl"
    run("records", "--review", str(tmp_path / "rev"), "--format", "jsonl", "-o", str(out))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == ROOT_SNAPSHOT_LINES and all(line["title"] for line in lines)
    # the tool's own export imports back into a new review as the same records
    run("init", str(tmp_path / "copy"))
    back = run("harvest", "--review", str(tmp_path / "copy"), "--from", str(out))
    assert f"{ROOT_SNAPSHOT_LINES} new" in back.stdout


def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    run("init", str(tmp_path / "rev"))
    result = run("harvest", "--review", str(tmp_path / "rev"), "--from", str(tmp_path / "missing.ris"))
    assert result.returncode == 2 and "missing.ris" in result.stderr and "Traceback" not in result.stderr


def test_demo_runs_offline_and_twice(tmp_path):
    first = run("demo", str(tmp_path / "demo"))
    assert first.returncode == 0, first.stderr
    assert f"new records from msc_ra_dev.jsonl: {ROOT_SNAPSHOT_LINES}" in first.stdout
    assert (tmp_path / "demo" / "report.html").is_file()
    second = run("demo", str(tmp_path / "demo"))
    assert second.returncode == 0 and "new records from msc_ra_dev.jsonl: 0" in second.stdout
    assert "no change in included studies or results" in second.stdout
