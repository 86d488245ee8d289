"""`trialsynth table`: the evidence table from a review's extractions or from a prediction file.

The extractor is replaced by a fake that returns fixed, realistic `Evidence` (two included studies
with outcome rows, one included study without any, the rest excluded), so the table's shape can be
checked whatever the real extractor finds.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

import extract.pipeline as pipeline
from extract.evidence import DoseValue, Evidence, OutcomeRow, Provenance, Screening
from trialsynth.cli import main
from trialsynth.workflow import bundled_snapshot
from trialsynth.extraction import TABLE_COLUMNS, evidence_table, format_doses, format_number

EXPECTED_COLUMNS = [
    "record_id", "first_author", "year", "title", "include", "n_enrolled", "cell_source", "cell_origin", "route",
    "doses", "measure", "measure_text", "arm", "n", "timepoint", "timepoint_weeks", "baseline_mean", "baseline_sd",
    "followup_mean", "followup_sd", "change_mean", "change_sd", "percent_responders", "n_responders", "p_value",
    "effect_size", "direction", "statistic", "flags", "source_location", "verbatim", "char_start", "char_end",
    "entered_by", "extractor_version"]
WITH_OUTCOMES = {"31908418": 3, "27269294": 2}  # record id -> outcome rows
WITHOUT_OUTCOMES = "park2018_sctm_cure_iv"  # included, no outcome row


def fake_evidence(record) -> Evidence:
    rid = record.id
    included = rid in WITH_OUTCOMES or rid == WITHOUT_OUTCOMES
    sentence = "DAS28 decreased from 5.1 ± 1.0 to 3.2 ± 0.9 at 12 months (P < 0.05)."
    prov = Provenance(record_id=rid, location="abstract", text=sentence, start=100, end=100 + len(sentence))
    outcomes = tuple(
        OutcomeRow(measure=measure, measure_text=measure, arm="MSC", n=32, timepoint_weeks=52.0, timepoint="1 year",
                   provenance=prov, baseline_mean=5.1, baseline_sd=1.0, followup_mean=3.2, followup_sd=0.9,
                   p_value="<0.05", direction="decrease", statistic="mean (sd)")
        for measure in ("DAS28", "HAQ", "ESR")[: WITH_OUTCOMES.get(rid, 0)])
    return Evidence(
        id=rid, extractor_version=pipeline.Extractor.version, n_enrolled=64 if included else None,
        screening=Screening(included, ("population: rheumatoid arthritis",), None if included else "animal study"),
        cell_source="umbilical cord" if included else None, cell_origin="allogeneic" if included else None,
        route="intravenous" if included else None,
        doses=(DoseValue(4e7, "cells", prov), DoseValue(2e6, "cells/kg", prov, arm="cohort B", n_administrations=3))
        if included else (),
        outcomes=outcomes)


@pytest.fixture
def fake_extractor(monkeypatch):
    def pipe(self, records, n_process=1, batch_size=64):
        for record in records:
            yield fake_evidence(record)

    monkeypatch.setattr(pipeline.Extractor, "pipe", pipe)


@pytest.fixture
def review(tmp_path, capsys, fake_extractor):
    root = tmp_path / "rev"
    assert main(["init", str(root)]) == 0
    assert main(["harvest", "--review", str(root), "--from", str(bundled_snapshot())]) == 0
    assert main(["--review", str(root), "extract"]) == 0
    assert "3 included" in capsys.readouterr().out
    return root


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_on_stdout_has_the_columns_and_one_row_per_outcome(review, capsys):
    code, out, err = cli(capsys, "--review", str(review), "table")
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert list(frame.columns) == EXPECTED_COLUMNS == list(TABLE_COLUMNS)
    assert frame["record_id"].value_counts().to_dict() == {"31908418": 3, "27269294": 2, WITHOUT_OUTCOMES: 1}
    assert frame["include"].all()
    lonely = frame[frame["record_id"] == WITHOUT_OUTCOMES].iloc[0]
    assert pd.isna(lonely["measure"]) and lonely["n_enrolled"] == 64
    wang = frame[frame["record_id"] == "31908418"]
    assert list(wang["measure"]) == ["DAS28", "HAQ", "ESR"]
    row = wang.iloc[0]
    assert row["year"] == 2019 and row["title"].startswith("Efficacy and Safety of Umbilical Cord")
    assert row["doses"] == "4e7 cells; 2e6 cells/kg (cohort B; 3 doses)"
    assert row["source_location"] == "abstract" and row["verbatim"].startswith("DAS28 decreased")
    assert (row["char_start"], row["char_end"]) == (100, 100 + len(row["verbatim"]))
    assert row["entered_by"] == "extractor" and row["extractor_version"] == pipeline.Extractor.version
    assert (row["baseline_mean"], row["followup_sd"], row["p_value"]) == (5.1, 0.9, "<0.05")


def test_all_adds_excluded_studies_one_row_each(review, capsys):
    code, out, _ = cli(capsys, "--review", str(review), "table", "--all")
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert frame["record_id"].nunique() == 11 and len(frame) == 3 + 2 + 1 + 8
    assert (~frame["include"]).sum() == 8


@pytest.mark.parametrize("suffix, read", [
    ("csv", lambda p: pd.read_csv(p, dtype={"record_id": str})),
    ("xlsx", lambda p: pd.read_excel(p, dtype={"record_id": str})),
    ("parquet", pd.read_parquet),
    ("jsonl", lambda p: pd.read_json(p, lines=True, dtype={"record_id": str})),
])
def test_every_format_reads_back(review, tmp_path, capsys, suffix, read):
    path = tmp_path / f"evidence.{suffix}"
    code, out, err = cli(capsys, "--review", str(review), "table", "-o", str(path))
    assert code == 0, err
    assert f"wrote 6 rows (3 studies) to {path} ({suffix})" in out
    frame = read(path)
    assert list(frame.columns) == EXPECTED_COLUMNS
    assert len(frame) == 6
    assert sorted(set(frame["record_id"].astype(str))) == sorted([*WITH_OUTCOMES, WITHOUT_OUTCOMES])
    assert set(frame["measure"].dropna()) == {"DAS28", "HAQ", "ESR"}
    assert float(frame["timepoint_weeks"].dropna().iloc[0]) == 52.0


def test_format_option_wins_over_the_suffix_and_bad_choices_are_errors(review, tmp_path, capsys):
    path = tmp_path / "evidence.data"
    code, _, err = cli(capsys, "--review", str(review), "table", "-o", str(path))
    assert code == 2 and "evidence.data" in err and "--format" in err
    assert cli(capsys, "--review", str(review), "table", "-o", str(path), "--format", "parquet")[0] == 0
    assert len(pd.read_parquet(path)) == 6
    code, _, err = cli(capsys, "--review", str(review), "table", "--format", "xlsx")
    assert code == 2 and "-o table.xlsx" in err
    code, out, _ = cli(capsys, "--review", str(review), "table", "--format", "jsonl")
    assert [json.loads(line)["record_id"] for line in out.splitlines()].count("31908418") == 3


def test_table_from_a_standalone_prediction_file(tmp_path, capsys, fake_extractor):
    from trialsynth.workflow import bundled_snapshot

    predictions = tmp_path / "predictions.jsonl"
    assert main(["extract", "--input", str(bundled_snapshot()), "--output", str(predictions)]) == 0
    capsys.readouterr()
    code, out, err = cli(capsys, "table", "--input", str(predictions))
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert list(frame.columns) == EXPECTED_COLUMNS
    order = [json.loads(line)["id"] for line in predictions.read_text().splitlines()]
    included = [rid for rid in order if rid in WITH_OUTCOMES or rid == WITHOUT_OUTCOMES]
    assert list(frame["record_id"].drop_duplicates()) == included  # prediction-file order
    assert frame["title"].isna().all()  # a prediction file has no bibliographic fields
    xlsx = tmp_path / "t.xlsx"
    assert cli(capsys, "table", "--input", str(predictions), "--all", "-o", str(xlsx))[0] == 0
    assert pd.read_excel(xlsx)["record_id"].nunique() == 11


def test_table_with_the_current_extractor_lists_every_record_with_all(tmp_path, capsys):
    root = tmp_path / "rev"
    main(["init", str(root)])
    main(["harvest", "--review", str(root), "--from", str(bundled_snapshot())])
    capsys.readouterr()
    code, out, err = cli(capsys, "--review", str(root), "table", "--all")
    assert code == 0 and "11 of 11 records have no extraction" in err
    assert list(pd.read_csv(io.StringIO(out)).columns) == EXPECTED_COLUMNS
    main(["--review", str(root), "extract"])
    capsys.readouterr()
    code, out, err = cli(capsys, "--review", str(root), "table", "--all")
    assert err == ""
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert list(frame.columns) == EXPECTED_COLUMNS
    assert frame["record_id"].nunique() == 11  # every record, with or without outcome rows


@pytest.mark.parametrize("content, expected", [
    ("", "empty"),
    ('{"id": "a", "include": true}\n{"id": "b", "incl\n', "line 2"),
    ('{"id": "a", "title": "an input, not a prediction"}\n', "not an extractor prediction"),
])
def test_bad_prediction_files(tmp_path, capsys, content, expected):
    path = tmp_path / "preds.jsonl"
    path.write_text(content)
    code, _, err = cli(capsys, "table", "--input", str(path), "-o", str(tmp_path / "t.csv"))
    assert code == 2 and "preds.jsonl" in err and expected in err
    assert not (tmp_path / "t.csv").exists()


def test_a_prediction_with_a_wrong_type_names_the_record_and_field():
    with pytest.raises(Exception, match=r"record 'x': \"n\" must be a whole number"):
        evidence_table([{"id": "x", "include": True, "outcomes": [{"measure": "HAQ", "n": 12.5}]}])


def test_dose_strings():
    assert format_number(4e7) == "4e7" and format_number(2.5e6) == "2.5e6" and format_number(1.234e6) == "1.23e6"
    assert format_number(9.999e6) == "1e7" and format_number(500) == "500" and format_number(0) == "0"
    doses = [{"value": 4e7, "unit": "cells"}, {"value": 4e7, "unit": "cells"},
             {"value": 1e6, "unit": "cells/kg", "arm": "cohort A", "n_administrations": 3},
             {"value": None, "unit": "cells"}]
    assert format_doses(doses) == "4e7 cells; 1e6 cells/kg (cohort A; 3 doses)"


def test_table_as_a_user_runs_it(tmp_path):
    src = tmp_path / "preds.jsonl"
    src.write_text(json.dumps({"id": "p1", "include": True, "outcomes": [], "doses": []}) + "\n")
    result = subprocess.run([sys.executable, "-m", "trialsynth.cli", "table", "--input", str(src)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == ",".join(EXPECTED_COLUMNS)
    assert result.stdout.splitlines()[1].startswith("p1,")
