"""`trialsynth extract`: a review's records or a standalone file in, predictions out.

The extractor may still be a stub, so these tests check the plumbing (which records are read, with
which text, in which order, what is stored and written, the error messages), not extracted values.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import extract.pipeline as pipeline
from corpus.pubmed import parse_pubmed_xml
from corpus.records import FullText
from corpus.store import Store
from tests.conftest import fixture_path
from trialsynth.cli import main
from trialsynth.workflow import bundled_snapshot

SNAPSHOT_IDS = [json.loads(line)["id"] for line in bundled_snapshot().read_text("utf-8").splitlines() if line.strip()]
JATS = fixture_path("fulltext", "PMC4170701.nxml")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write_jsonl(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8")
    return path


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture
def seen(monkeypatch):
    """Record what the extractor is given: the inputs, in order, and each batch's number of processes."""
    import trialsynth.extraction as extraction

    calls: dict[str, list] = {"inputs": [], "n_process": []}
    original = extraction.Extracting.run

    def spy(self, records):
        records = list(records)
        calls["inputs"].extend(records)
        calls["n_process"].append(self.jobs)
        return original(self, records)

    monkeypatch.setattr(extraction.Extracting, "run", spy)
    return calls


def failing_on(monkeypatch, n_failing: int, exc: Exception):
    """Make the extractor raise `exc` on its n-th record (counting from 0), in this process."""
    calls = {"n": 0}
    original = pipeline.Extractor.extract

    def extract(self, record):
        calls["n"] += 1
        if calls["n"] - 1 == n_failing:
            raise exc
        return original(self, record)

    monkeypatch.setattr(pipeline.Extractor, "extract", extract)


@pytest.fixture
def review(tmp_path, capsys):
    """A review holding the bundled snapshot (11 records)."""
    root = tmp_path / "rev"
    assert main(["init", str(root)]) == 0
    assert main(["harvest", "--review", str(root), "--from", str(bundled_snapshot())]) == 0
    capsys.readouterr()
    return root


# --- standalone files --------------------------------------------------------------------------

def test_standalone_jsonl_writes_one_prediction_per_input_in_order(tmp_path, capsys, seen):
    ids = ["z9", "a1", "m5", "é-ü"]
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "title": f"Title {i}", "abstract": f"Abstract {i} ±"}
                                              for i in ids])
    out = tmp_path / "out.jsonl"
    code, stdout, err = cli(capsys, "extract", "--input", str(src), "--output", str(out))
    assert code == 0, err
    assert "extracted 4 records" in stdout and "input-jsonl" in stdout
    lines = read_lines(out)
    assert [line["id"] for line in lines] == ids
    assert all({"include", "outcomes", "doses", "extractor_version"} <= set(line) for line in lines)
    assert "é-ü" in out.read_text("utf-8")  # UTF-8, not \u escapes
    assert [(i.id, i.title, i.abstract) for i in seen["inputs"]] == [(i, f"Title {i}", f"Abstract {i} ±") for i in ids]
    assert seen["n_process"] == [1]
    assert {p.name for p in tmp_path.iterdir()} == {"in.jsonl", "out.jsonl"}  # no temporary file left


def test_output_dash_writes_stdout_and_the_summary_to_stderr(tmp_path, capsys):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": 101, "title": "t"}, {"id": "102", "abstract": "a"}])
    code, stdout, err = cli(capsys, "extract", "--input", str(src), "--output", "-")
    assert code == 0
    assert [json.loads(line)["id"] for line in stdout.splitlines()] == ["101", "102"]
    assert "extracted 2 records" in err


def test_optional_fields_reach_the_extractor(tmp_path, capsys, seen):
    xml = JATS.read_text("utf-8")
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "PMC4170701", "title": "A trial", "abstract": "An abstract.", "full_text_xml": xml,
         "publication_types": ["Randomized Controlled Trial"], "mesh_terms": ["Arthritis, Rheumatoid"]},
        {"id": "plain", "title": "No full text", "full_text_xml": None}])
    out = tmp_path / "out.jsonl"
    assert cli(capsys, "extract", "--input", str(src), "-o", str(out), "--jobs", "2")[0] == 0
    first, second = seen["inputs"]
    assert first.full_text_xml == xml  # the JATS text arrives unchanged
    assert first.publication_types == ("Randomized Controlled Trial",)
    assert first.mesh_terms == ("Arthritis, Rheumatoid",)
    assert second.full_text_xml is None and second.abstract == ""
    assert seen["n_process"] == [2]
    assert [line["id"] for line in read_lines(out)] == ["PMC4170701", "plain"]


def test_pubmed_xml_input(tmp_path, capsys, seen):
    src = fixture_path("pubmed", "efetch_two_articles_batch.xml")
    expected = [hit.record for hit in parse_pubmed_xml(src.read_bytes())]
    out = tmp_path / "out.jsonl"
    code, stdout, err = cli(capsys, "extract", "--input", str(src), "--output", str(out))
    assert code == 0, err
    assert "pubmed-xml" in stdout
    assert [line["id"] for line in read_lines(out)] == [r.source_id for r in expected]
    assert [i.title for i in seen["inputs"]] == [r.title for r in expected]
    assert [i.abstract for i in seen["inputs"]] == [r.abstract for r in expected]
    assert [i.publication_types for i in seen["inputs"]] == [r.publication_types for r in expected]
    assert any(i.mesh_terms for i in seen["inputs"])


def test_record_jsonl_input_the_bundled_snapshot(tmp_path, capsys, seen):
    out = tmp_path / "out.jsonl"
    code, stdout, _ = cli(capsys, "extract", "--input", str(bundled_snapshot()), "--output", str(out))
    assert code == 0 and "records-jsonl" in stdout
    assert [line["id"] for line in read_lines(out)] == SNAPSHOT_IDS
    assert seen["inputs"][0].abstract.startswith("Background\nThe traditional")


def test_record_jsonl_export_of_a_review(review, tmp_path, capsys, seen):
    export = tmp_path / "records.jsonl"
    assert cli(capsys, "--review", str(review), "records", "--format", "jsonl", "-o", str(export))[0] == 0
    out = tmp_path / "out.jsonl"
    assert cli(capsys, "extract", "--input", str(export), "--output", str(out))[0] == 0
    assert [line["id"] for line in read_lines(out)] == [json.loads(x)["id"] for x in export.read_text().splitlines()]
    assert all(i.title for i in seen["inputs"])


def broken_xml(tmp_path: Path) -> Path:
    text = fixture_path("pubmed", "efetch_two_articles_batch.xml").read_text("utf-8")
    path = tmp_path / "broken.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    return path


@pytest.mark.parametrize("name, content, expected", [
    ("invalid.jsonl", '{"id": "a", "title": "x"}\n{"id": "b", "title": oops}\n', ["line 2", "not valid JSON"]),
    ("noid.jsonl", '{"id": "a"}\n\n{"title": "no id here"}\n', ["line 3", 'no "id"']),
    ("dup.jsonl", '{"id": "a"}\n{"id": "b"}\n{"id": "a"}\n', ["line 3", "duplicate id", "line 1"]),
    ("empty.jsonl", "", ["empty"]),
    ("blank.jsonl", "\n  \n", ["empty"]),
    ("array.jsonl", '{"id": "a"}\n[1, 2]\n', ["line 2", "JSON object"]),
    ("types.jsonl", '{"id": "a", "publication_types": "Review"}\n', ["line 1", "publication_types", "list of strings"]),
    ("fulltext.jsonl", '{"id": "a", "full_text_xml": 5}\n', ["line 1", "full_text_xml", "must be a string"]),
    ("jats.nxml", None, ["root <article>", "full_text_xml"]),
    ("broken.xml", None, ["line ", "not well-formed XML"]),
])
def test_bad_input_is_one_line_with_file_and_line_and_no_output(tmp_path, capsys, name, content, expected):
    if name == "broken.xml":
        src = broken_xml(tmp_path)
    elif name == "jats.nxml":
        src = tmp_path / name
        src.write_bytes(JATS.read_bytes())
    else:
        src = tmp_path / name
        src.write_text(content, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, stdout, err = cli(capsys, "extract", "--input", str(src), "--output", str(out_dir / "OUT.jsonl"))
    assert code == 2
    assert err.startswith("trialsynth: error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert name in err
    for part in expected:
        assert part in err
    assert list(out_dir.iterdir()) == []  # no OUT file, no temporary file


def test_a_failing_extractor_leaves_the_old_output_untouched(tmp_path, capsys, monkeypatch):
    failing_on(monkeypatch, 2, RuntimeError("boom"))
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "title": "t"} for i in range(5)])
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n")
    code, _, err = cli(capsys, "extract", "--input", str(src), "--output", str(out))
    assert code == 2 and "extractor failed on record 'r2'" in err and "boom" in err  # the record that failed
    assert out.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_missing_input_file_and_misused_options(tmp_path, capsys):
    code, _, err = cli(capsys, "extract", "--input", str(tmp_path / "missing.jsonl"), "--output", "x.jsonl")
    assert code == 2 and "missing.jsonl" in err and "no such file" in err
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "a"}])
    code, _, err = cli(capsys, "extract", "--input", str(src), "--output", str(src))
    assert code == 2 and "output file is the input file" in err
    code, _, err = cli(capsys, "extract", "--input", str(src), "--force")
    assert code == 2 and "--force" in err
    code, _, err = cli(capsys, "extract", "--input", str(src), "--output", str(tmp_path / "no" / "dir" / "o.jsonl"))
    assert code == 2 and "does not exist" in err
    with pytest.raises(SystemExit):
        main(["extract", "--jobs", "0"])
    assert "at least 1" in capsys.readouterr().err


def test_standalone_needs_no_review(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no review.toml here or above
    write_jsonl(tmp_path / "in.jsonl", [{"id": "a", "title": "t"}])
    assert cli(capsys, "extract", "--input", "in.jsonl", "--output", "out.jsonl")[0] == 0
    assert read_lines(tmp_path / "out.jsonl")[0]["id"] == "a"


def test_as_a_user_runs_it(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "p1", "title": "MSC for RA", "abstract": "64 patients."}])
    result = subprocess.run([sys.executable, "-m", "trialsynth.cli", "extract", "--input", str(src), "--output",
                             str(tmp_path / "out.jsonl")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    assert read_lines(tmp_path / "out.jsonl")[0]["id"] == "p1"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n{broken\n')
    result = subprocess.run([sys.executable, "-m", "trialsynth.cli", "extract", "--input", str(bad), "--output",
                             str(tmp_path / "o2.jsonl")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "bad.jsonl line 2" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o2.jsonl").exists()


# --- inside a review ---------------------------------------------------------------------------

def test_review_extracts_new_then_nothing_then_a_new_version(review, capsys, monkeypatch, seen):
    code, out, err = cli(capsys, "--review", str(review), "extract")
    assert code == 0, err
    assert "extracted 11 records (11 new, 0 re-extracted, 0 up to date)" in out
    assert err == ""  # no progress bar: stderr is not a terminal
    assert sorted(i.id for i in seen["inputs"]) == sorted(SNAPSHOT_IDS)
    by_id = {i.id: i for i in seen["inputs"]}
    assert by_id["31908418"].title.startswith("Efficacy and Safety of Umbilical Cord")
    assert by_id["31908418"].abstract.startswith("Background\n")
    with Store(review / "review.sqlite") as store:
        assert store.record_ids_needing_extraction(pipeline.Extractor.version) == []
        stored = store.extraction("31908418")
        assert stored["id"] == "31908418" and stored["extractor_version"] == pipeline.Extractor.version

    code, out, _ = cli(capsys, "--review", str(review), "extract")
    assert "extracted 0 records (0 new, 0 re-extracted, 11 up to date)" in out

    monkeypatch.setattr(pipeline.Extractor, "version", "9.9.9-test")
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", "9.9.9-test")
    code, out, _ = cli(capsys, "--review", str(review), "extract", "--jobs", "2")
    assert "extracted 11 records (0 new, 11 re-extracted, 0 up to date)" in out and "9.9.9-test" in out
    assert seen["n_process"][-1] == 2
    with Store(review / "review.sqlite") as store:
        assert set(store.extraction_versions().values()) == {"9.9.9-test"}
    code, out, _ = cli(capsys, "--review", str(review), "extract", "--force")
    assert "extracted 11 records (0 new, 11 re-extracted, 0 up to date)" in out
    with Store(review / "review.sqlite") as store:
        assert [r["command"] for r in store.runs()][-4:] == ["extract", "extract", "extract", "extract --force"]


def test_review_new_records_only_are_extracted(review, tmp_path, capsys, seen):
    cli(capsys, "--review", str(review), "extract")
    extra = write_jsonl(tmp_path / "more.jsonl", [{"id": "new-1", "title": "A new trial of MSC in RA",
                                                   "abstract": "Twenty patients.", "pmid": "99999991"}])
    assert cli(capsys, "--review", str(review), "harvest", "--from", str(extra))[0] == 0
    seen["inputs"].clear()
    code, out, _ = cli(capsys, "--review", str(review), "extract")
    assert "extracted 1 records (1 new, 0 re-extracted, 11 up to date)" in out
    assert [i.title for i in seen["inputs"]] == ["A new trial of MSC in RA"]


def test_review_full_text_reaches_the_extractor(review, capsys, seen):
    xml = JATS.read_text("utf-8")
    with Store(review / "review.sqlite") as store:
        record = store.get("31908418").record
        store.add_hits([], fulltexts=[FullText(record.ids.pmcid, xml)])
    cli(capsys, "--review", str(review), "extract")
    by_id = {i.id: i for i in seen["inputs"]}
    assert by_id["31908418"].full_text_xml == xml
    assert sum(1 for i in seen["inputs"] if i.full_text_xml) == 1
    # a changed full text makes the record due again
    with Store(review / "review.sqlite") as store:
        store.add_hits([], fulltexts=[FullText(record.ids.pmcid, xml.replace("<body>", "<body><p>New.</p>", 1))])
    code, out, _ = cli(capsys, "--review", str(review), "extract")
    assert "extracted 1 records (1 new, 0 re-extracted, 10 up to date)" in out


def test_review_extractor_failure_is_recorded_and_the_rest_goes_on(review, capsys, monkeypatch):
    import trialsynth.extraction as extraction

    monkeypatch.setattr(extraction, "STORE_BATCH", 4)
    failing_on(monkeypatch, 6, ValueError("cannot parse"))
    code, out, err = cli(capsys, "--review", str(review), "extract")
    assert code == 0, err
    assert "extracted 10 records (10 new, 0 re-extracted, 0 up to date)" in out
    assert "1 record could not be extracted" in out and "ValueError: cannot parse" in out
    with Store(review / "review.sqlite") as store:
        assert len(store.extraction_versions()) == 10
        [failure] = store.extraction_failures()
        assert failure["reason"] == "ValueError: cannot parse" and failure["current"]
        assert store.runs()[-1]["status"] == "ok"
    monkeypatch.undo()
    code, out, _ = cli(capsys, "--review", str(review), "extract")  # unchanged: not retried
    assert "extracted 0 records (0 new, 0 re-extracted, 10 up to date, 1 failed earlier)" in out


def test_review_options_without_a_review(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "extract")
    assert code == 2 and "no review found" in err
    code, _, err = cli(capsys, "extract", "--output", "o.jsonl")
    assert code == 2 and "--output needs --input" in err


def test_worker_processes_give_the_same_predictions(review, tmp_path, capsys):
    # the real pipe: worker processes read their input from a helper thread, not the store's
    code, out, err = cli(capsys, "--review", str(review), "extract", "--jobs", "2")
    assert code == 0, err
    assert "extracted 11 records (11 new, 0 re-extracted, 0 up to date)" in out
    with Store(review / "review.sqlite") as store:
        parallel = {rid: evidence for rid, _, evidence in store.extractions()}
    cli(capsys, "--review", str(review), "extract", "--force")
    with Store(review / "review.sqlite") as store:
        assert {rid: evidence for rid, _, evidence in store.extractions()} == parallel
    out1, out2 = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert cli(capsys, "extract", "--input", str(bundled_snapshot()), "-o", str(out1))[0] == 0
    assert cli(capsys, "extract", "--input", str(bundled_snapshot()), "-o", str(out2), "--jobs", "2")[0] == 0
    assert read_lines(out1) == read_lines(out2)
