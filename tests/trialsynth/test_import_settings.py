"""review.toml's [harvest] deadline and size cap and its [import] limits reach the corpus stage."""
from __future__ import annotations

import json

from trialsynth.cli import main
from trialsynth.review import Review
from trialsynth.workflow import build_source


def _review(tmp_path, capsys):
    root = tmp_path / "rev"
    assert main(["init", str(root)]) == 0
    capsys.readouterr()
    return root


def test_the_import_limits_of_review_toml_are_applied(tmp_path, capsys):
    root = _review(tmp_path, capsys)
    toml = root / "review.toml"
    toml.write_text(toml.read_text("utf-8").replace("max_records = 2000000", "max_records = 2"), "utf-8")
    src = tmp_path / "three.jsonl"
    src.write_text("".join(json.dumps({"id": f"r{i}", "title": f"FICTITIOUS record {i}", "abstract": "x"}) + "\n"
                           for i in range(3)), "utf-8")
    assert main(["harvest", "--review", str(root), "--from", str(src)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "more than 2 records" in err[0] and "max_records" in err[0], err


def test_a_bad_import_limit_is_one_line(tmp_path, capsys):
    root = _review(tmp_path, capsys)
    toml = root / "review.toml"
    toml.write_text(toml.read_text("utf-8").replace("max_record_mb = 16", "max_record_mb = -1"), "utf-8")
    src = tmp_path / "one.jsonl"
    src.write_text(json.dumps({"id": "r1", "title": "FICTITIOUS", "abstract": "x"}) + "\n", "utf-8")
    assert main(["harvest", "--review", str(root), "--from", str(src)]) == 2
    assert "[import] max_record_mb must be a number above 0" in capsys.readouterr().err


def test_the_deadline_and_size_cap_reach_the_http_client(tmp_path, capsys):
    root = _review(tmp_path, capsys)
    toml = root / "review.toml"
    text = toml.read_text("utf-8").replace("deadline_seconds = 300", "deadline_seconds = 7")
    toml.write_text(text.replace("max_response_mb = 200", "max_response_mb = 1.5"), "utf-8")
    source = build_source("europepmc", Review(root).protocol())
    client = source.client if hasattr(source, "client") else source.http
    assert client.total_seconds == 7 and client.max_response_bytes == int(1.5 * 1024 * 1024)
