"""The between-group comparisons in the review: `trialsynth table --comparisons`, `open_review(...).comparisons`,
and the pure pieces of trialsynth/comparisons.py (rows, orientation against the control, a reported effect's
yi and vi).

The extractor is replaced by a fake returning FICTITIOUS comparisons for two of the bundled snapshot's
records (their numbers test the plumbing, not the studies).
"""
from __future__ import annotations

import io
import json
import math

import pandas as pd
import pytest

import extract.pipeline as pipeline
from extract.evidence import Arm, Comparison, Evidence, OutcomeRow, Provenance, Screening
from trialsynth.cli import main
from trialsynth.comparisons import (COMPARISON_COLUMNS, against_control, ci_level, comparison_rows, direction_of,
                                    reported_effect)
from trialsynth.workflow import bundled_snapshot

CONTROLLED = "27269294"  # two records of the bundled snapshot, given FICTITIOUS comparisons
OTHER = "31908418"
HOSTILE = "=HYPERLINK(\"http://x\")\x07 fell more"
SENTENCE = "DAS28 fell more in cohort A than with placebo (MD -1.2, 95% CI -1.9 to -0.5; P = 0.01)."


def fake_evidence(record) -> Evidence:
    rid = record.id
    included = rid in (CONTROLLED, OTHER)
    prov = Provenance(rid, "section:Results", SENTENCE, 40, 40 + len(SENTENCE))
    comparisons = ()
    if rid == CONTROLLED:
        comparisons = (
            Comparison(outcome="DAS28", outcome_text="disease activity (DAS28)", outcome_canonical="DAS28",
                       intervention="cohort A", comparator="placebo", intervention_arm="cohort A",
                       comparator_arm="placebo group", timepoint_weeks=24.0, label="significantly decreased",
                       label_basis="fell more; P = 0.01", provenance=prov, effect_kind="MD", effect=-1.2, ci_low=-1.9,
                       ci_high=-0.5, p_value="=0.01", source="rule"),
            Comparison(outcome="HAQ", outcome_text=HOSTILE, intervention="cohort A", comparator="placebo",
                       label="no significant difference", label_basis="did not differ", source="table",
                       provenance=Provenance(rid, "table:Table 2 r3 c5", "HAQ | 1.1 | 1.2 | 0.40")))
    elif not included:
        comparisons = (Comparison(outcome="CRP", outcome_text="CRP", intervention="x", comparator="y",
                                  label="no significant difference", label_basis="", provenance=prov),)
    arms = (Arm("cohort A", 20), Arm("placebo group", 7, is_control=True)) if rid == CONTROLLED else ()
    outcomes = (OutcomeRow(measure="DAS28", measure_text="DAS28", arm="cohort A", n=20, timepoint_weeks=24.0,
                           timepoint="24 weeks", provenance=prov, direction="decrease"),) if rid == CONTROLLED else ()
    return Evidence(id=rid, extractor_version=pipeline.Extractor.version, arms=arms, outcomes=outcomes,
                    screening=Screening(included, ("population: rheumatoid arthritis",),
                                        None if included else "animal study"), comparisons=comparisons)


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
    capsys.readouterr()
    return root


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_table_comparisons_gives_one_row_per_comparison_of_the_included_studies(review, capsys):
    code, out, err = cli(capsys, "--review", str(review), "table", "--comparisons")
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert list(frame.columns) == list(COMPARISON_COLUMNS)
    assert list(frame["record_id"]) == [CONTROLLED, CONTROLLED]  # the excluded record's comparison is not listed
    das = frame.iloc[0]
    assert das["study"] == "Alvaro-Gracia 2017" and das["year"] == 2017 and das["first_author"].startswith("Alvaro-Gracia")
    assert (das["outcome"], das["outcome_text"], das["outcome_canonical"]) == ("DAS28", "disease activity (DAS28)",
                                                                               "DAS28")
    assert (das["intervention"], das["comparator"], das["intervention_arm"], das["comparator_arm"]) == (
        "cohort A", "placebo", "cohort A", "placebo group")
    assert (das["timepoint_weeks"], das["label"], das["label_basis"]) == (24.0, "significantly decreased",
                                                                          "fell more; P = 0.01")
    assert (das["effect_kind"], das["effect"], das["ci_low"], das["ci_high"], das["p_value"]) == (
        "MD", -1.2, -1.9, -0.5, "'=0.01")  # a CSV cell starting with = is kept as text (trialsynth/cells.py)
    assert (das["source"], das["source_location"], das["verbatim"]) == ("rule", "section:Results", SENTENCE)
    assert (das["char_start"], das["char_end"]) == (40, 40 + len(SENTENCE))
    haq = frame.iloc[1]
    assert haq["outcome_text"] == "'" + HOSTILE.replace("\x07", "")  # a formula is text, control characters gone
    assert haq["source_location"] == "table:Table 2 r3 c5" and haq["verbatim"] == "HAQ | 1.1 | 1.2 | 0.40"


def test_table_comparisons_all_adds_the_excluded_studies(review, capsys):
    _, out, _ = cli(capsys, "--review", str(review), "table", "--comparisons", "--all")
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert len(frame) == 2 + 9 and frame["record_id"].nunique() == 10  # 9 excluded records with one each


def test_table_comparisons_follows_the_reviewers_screening(review, capsys):
    assert cli(capsys, "--review", str(review), "screen", "--exclude", CONTROLLED, "--reason", "wrong design")[0] == 0
    _, out, _ = cli(capsys, "--review", str(review), "table", "--comparisons")
    assert list(pd.read_csv(io.StringIO(out)).columns) == list(COMPARISON_COLUMNS) and len(out.splitlines()) == 1


@pytest.mark.parametrize("suffix, read", [
    ("csv", lambda p: pd.read_csv(p, dtype={"record_id": str})),
    ("xlsx", lambda p: pd.read_excel(p, dtype={"record_id": str})),
    ("parquet", pd.read_parquet),
    ("jsonl", lambda p: pd.read_json(p, lines=True, dtype={"record_id": str})),
])
def test_table_comparisons_in_every_format(review, tmp_path, capsys, suffix, read):
    path = tmp_path / f"comparisons.{suffix}"
    code, out, err = cli(capsys, "--review", str(review), "table", "--comparisons", "-o", str(path))
    assert code == 0, err
    assert f"wrote 2 comparisons (1 study) to {path} ({suffix})" in out
    frame = read(path)
    assert list(frame.columns) == list(COMPARISON_COLUMNS) and len(frame) == 2
    assert float(frame["effect"].dropna().iloc[0]) == -1.2
    if suffix == "xlsx":
        assert frame["outcome_text"].iloc[1].startswith("'=")


def test_table_comparisons_from_a_prediction_file(tmp_path, capsys, fake_extractor):
    predictions = tmp_path / "predictions.jsonl"
    assert main(["extract", "--input", str(bundled_snapshot()), "--output", str(predictions)]) == 0
    capsys.readouterr()
    code, out, err = cli(capsys, "table", "--input", str(predictions), "--comparisons")
    assert code == 0, err
    frame = pd.read_csv(io.StringIO(out), dtype={"record_id": str})
    assert list(frame["record_id"]) == [CONTROLLED, CONTROLLED]
    assert frame["study"].isna().all() and frame["year"].isna().all()  # a prediction file has no bibliography
    _, out, _ = cli(capsys, "table", "--input", str(predictions), "--comparisons", "--all", "--format", "jsonl")
    assert len(out.splitlines()) == 11


def test_open_review_gives_the_comparisons_of_the_included_studies(review):
    import trialsynth

    frame = trialsynth.open_review(review).comparisons
    assert list(frame.columns) == list(COMPARISON_COLUMNS)
    assert list(frame["record_id"]) == [CONTROLLED, CONTROLLED] and frame["study"].iloc[0] == "Alvaro-Gracia 2017"
    assert frame["effect"].iloc[0] == -1.2 and pd.isna(frame["effect"].iloc[1])


def test_comparison_rows_keep_numbers_as_numbers_and_drop_what_is_not_one():
    [row] = comparison_rows([{"id": "r1", "extractor_version": "v", "comparisons": [
        {"outcome": "DAS28", "effect": "big", "ci_low": float("nan"), "timepoint_weeks": 12, "label": None,
         "provenance": {"location": "abstract", "text": "s", "start": 3, "end": 4.5}}]}],
        {"r1": {"first_author": "Fictitious", "year": 2020}}, {"r1": "Fictitious 2020"})
    assert (row["effect"], row["ci_low"], row["timepoint_weeks"], row["char_start"], row["char_end"]) == (
        None, None, 12.0, 3, None)
    assert (row["study"], row["year"], row["extractor_version"], row["label"]) == ("Fictitious 2020", 2020, "v", None)
    assert list(row) == list(COMPARISON_COLUMNS)


@pytest.mark.parametrize("intervention, comparator, sign", [
    ("MSC", "placebo group", 1), ("placebo group", "MSC", -1), ("cohort A", "cohort B", None),
    (None, "saline", 1), ("placebo group", None, None), ("MSC", "usual care", 1),
])
def test_against_control(intervention, comparator, sign):
    c = {"intervention_arm": intervention, "comparator_arm": comparator}
    assert against_control(c, {"placebo group"}) == sign


def test_direction_of_a_label_turned_round_for_a_reversed_comparison():
    assert direction_of({"label": "significantly increased"}, 1) == "increase"
    assert direction_of({"label": "significantly increased"}, -1) == "decrease"
    assert direction_of({"label": "no significant difference"}, -1) == "no change"
    assert direction_of({"label": None}, 1) is None


def test_reported_effect_from_a_mean_difference_and_its_95_ci():
    # Cochrane Handbook 6.5.2.3: SE = (upper - lower) / 3.92
    yi, vi = reported_effect("MD", -1.2, -1.9, -0.5, "MD")
    assert yi == -1.2 and math.isclose(math.sqrt(vi), 1.4 / 3.92, rel_tol=1e-4)


def test_reported_effect_of_a_standardised_mean_difference_enters_an_smd_analysis_on_its_own_scale():
    yi, vi = reported_effect("SMD", -0.5, -0.9, -0.1, "SMD")
    assert yi == -0.5 and math.isclose(vi, (0.8 / (2 * 1.959964)) ** 2, rel_tol=1e-9)
    assert reported_effect("SMD", -0.5, -0.9, -0.1, "MD") is None and reported_effect("MD", -1, -2, 0, "SMD") is None


@pytest.mark.parametrize("text, level", [
    ("MD -1.2 (95% CI -1.9 to -0.5)", 95.0), ("MD -1.2 (90% CI -1.8 to -0.6)", 90.0),
    ("mean difference -1.2, 99 % confidence interval -2.1 to -0.3", 99.0), ("MD -1.2 (CI 90%: -1.8, -0.6)", 90.0),
    ("MD -1.2 (-1.9 to -0.5)", 95.0), ("OR 2.1 (95% CI 1.1-4.0) and MD -1.2 (90% CI -1.8 to -0.6)", None),
])
def test_ci_level_is_the_one_level_a_sentence_states(text, level):
    assert ci_level(text) == level


def test_reported_effect_with_a_90_percent_ci_divides_by_its_own_quantile():
    yi, vi = reported_effect("MD", -1.2, -1.8, -0.6, "MD", level=90.0)
    assert yi == -1.2 and math.isclose(vi, (1.2 / (2 * 1.6448536269514722)) ** 2, rel_tol=1e-9)


def test_reported_effect_of_a_ratio_is_on_the_log_scale():
    # Cochrane Handbook 6.3.2.1; the same as metafor's conv.wald(out, ci.lb, ci.ub, transf = log)
    from analysis.conversions import conv_wald

    yi, vi = reported_effect("OR", 2.5, 1.1, 5.7, "OR")
    ref_yi, ref_vi = conv_wald(out=[2.5], ci_lb=[1.1], ci_ub=[5.7], transf="log")
    assert math.isclose(yi, float(ref_yi[0])) and math.isclose(vi, float(ref_vi[0]), rel_tol=1e-6)


@pytest.mark.parametrize("args", [
    ("SMD", -0.5, -0.9, -0.1, "MD"),  # another measure
    ("RR", 2.0, 1.2, 3.4, "OR"),      # a ratio the plan does not use
    ("MD", -1.2, None, -0.5, "MD"),   # no lower bound
    ("MD", -1.2, -0.5, -1.9, "MD"),   # bounds swapped
    ("MD", -3.0, -1.9, -0.5, "MD"),   # the effect outside its CI
    ("RR", 2.0, 0.0, 3.4, "RR"),      # a ratio's bound must be positive
    ("HR", 0.7, 0.5, 0.9, "HR"),      # a hazard ratio is no escalc measure of the plan
    (None, -1.2, -1.9, -0.5, "MD"),
    ("MD", True, -1.9, -0.5, "MD"),
])
def test_reported_effect_the_plan_cannot_use_is_none(args):
    assert reported_effect(*args) is None


def test_effect_from_an_exact_p_value():
    from scipy import stats

    from trialsynth.comparisons import effect_from_p

    yi, vi = effect_from_p("MD", -1.2, "=0.01", 60, "MD")
    assert yi == -1.2 and math.isclose(math.sqrt(vi), 1.2 / stats.t.ppf(0.995, 58))
    yi, vi = effect_from_p("OR", 2.0, "=0.02", 100, "OR")  # a ratio: z, on the log scale
    assert math.isclose(yi, math.log(2.0)) and math.isclose(math.sqrt(vi), math.log(2.0) / stats.norm.ppf(0.99))


@pytest.mark.parametrize("args", [
    ("MD", -1.2, "<0.05", 60, "MD"),   # a bound is no exact P
    ("MD", -1.2, "=0.01", None, "MD"),  # no group sizes
    ("MD", 0.0, "=0.5", 60, "MD"),     # no SE from an effect of 0
    ("MD", -1.2, "=1.5", 60, "MD"),    # not a probability
    ("RR", 1.0, "=0.5", 60, "RR"),     # a ratio of 1
    ("SMD", -0.5, "=0.01", 60, "MD"),  # another measure
])
def test_effect_from_p_the_plan_cannot_use_is_none(args):
    from trialsynth.comparisons import effect_from_p

    assert effect_from_p(*args) is None


def test_comparison_rows_are_json_ready():
    rows = comparison_rows([{"id": "r1", "comparisons": [{"outcome": "HAQ", "effect": -0.3}]}])
    assert json.loads(json.dumps(rows))[0]["effect"] == -0.3
