"""trialsynth.armcompare: between-group comparisons computed from a controlled trial's arm values
(the tests and intervals themselves: tests/analysis/test_twogroup.py). The studies are FICTITIOUS.
"""
from __future__ import annotations

import pytest

from trialsynth.armcompare import SOURCE, arm_comparisons
from trialsynth.comparisons import comparison_rows

def _row(arm, measure="ACR20", weeks=12.0, text="sentence", **values):
    return {"arm": arm, "measure": measure, "measure_text": measure, "measure_canonical": measure, "timepoint_weeks": weeks,
            "provenance": {"location": "abstract", "text": text, "start": 10, "end": 10 + len(text)}, **values}


ARMS = [{"name": "cohort A", "n": 20}, {"name": "cohort B", "n": 20}, {"name": "placebo", "n": 7, "control": True}]
ONE = "ACR20 responses for cohorts A, B and placebo were 45%, 20% and 29%, respectively, at week 12."


def test_percentages_of_each_arm_give_risk_differences_against_control_and_the_arms_combined_first():
    pred = {"arms": ARMS, "outcomes": [_row("cohort A", percent_responders=45.0, n=20, text=ONE),
                                       _row("cohort B", percent_responders=20.0, n=20, text=ONE),
                                       _row("placebo", percent_responders=29.0, n=7, text=ONE)]}
    combined, a, b = arm_comparisons(pred)
    assert (combined["intervention"], combined["comparator"], combined["combined"]) == (
        "cohort A + cohort B", "placebo", True)
    assert (combined["intervention_value"], combined["comparator_value"]) == ("13/40 (32.5%)", "2/7 (28.6%)")
    assert (a["intervention_arm"], a["effect_kind"], a["source"], a["p_value"]) == ("cohort A", "RD", SOURCE, None)
    assert a["effect"] == pytest.approx(9 / 20 - 2 / 7)
    assert a["label"] == "no significant difference" and "Fisher's exact test P = 0.662" in a["label_basis"]
    assert b["effect"] < 0 and a["n_total"] == 27
    assert a["provenance"] == {"location": "abstract", "text": ONE, "start": 10, "end": 10 + len(ONE)}


def test_a_clear_difference_is_labelled_significant_by_its_sign():
    pred = {"arms": ARMS, "outcomes": [_row("cohort A", n_responders=18, n=20), _row("placebo", n_responders=1, n=20)]}
    [c] = arm_comparisons(pred)
    assert c["label"] == "significantly increased" and c["ci_low"] > 0


def test_means_with_sds_give_a_mean_difference_with_welchs_test_and_change_scores_come_first():
    pred = {"arms": ARMS, "outcomes": [
        _row("cohort A", "DAS28", change_mean=-2.1, change_sd=0.8, followup_mean=3.2, followup_sd=0.9, n=20),
        _row("placebo", "DAS28", change_mean=-0.4, change_sd=0.9, followup_mean=4.9, followup_sd=1.0, n=7)]}
    [c] = arm_comparisons(pred)
    assert (c["effect_kind"], c["effect"], c["label"]) == ("MD", pytest.approx(-1.7), "significantly decreased")
    assert "mean difference of change scores, Welch's t-test" in c["label_basis"]
    assert c["ci_low"] < -1.7 < c["ci_high"] < 0


def test_means_without_sds_give_only_the_difference_and_no_label():
    pred = {"arms": ARMS, "outcomes": [_row("cohort A", "HAQ", followup_mean=1.1, n=20),
                                       _row("placebo", "HAQ", followup_mean=1.4, n=7)]}
    [c] = arm_comparisons(pred)
    assert (c["effect"], c["ci_low"], c["label"]) == (pytest.approx(-0.3), None, None)
    assert "no SDs, so no test" in c["label_basis"]


def test_nothing_is_computed_without_a_control_arm_at_baseline_or_from_flagged_values():
    single = {"arms": [{"name": "all patients"}], "outcomes": [_row("all patients", n_responders=3, n=9)]}
    baseline = {"arms": ARMS, "outcomes": [_row("cohort A", "DAS28", weeks=0.0, mean=5.1, sd=1.0, n=20),
                                           _row("placebo", "DAS28", weeks=0.0, mean=5.0, sd=1.1, n=7)]}
    flagged = {"arms": ARMS, "outcomes": [_row("cohort A", n_responders=25, n=20, flags=("responders 25 > n 20",)),
                                          _row("placebo", n_responders=1, n=7)]}
    subgroups = {"arms": [{"name": "responders"}, {"name": "non-responders"}],
                 "outcomes": [_row("responders", mean=2.0, sd=1.0, n=10), _row("non-responders", mean=1.0, sd=1, n=9)]}
    assert [arm_comparisons(p) for p in (single, baseline, flagged, subgroups)] == [[], [], [], []]


def test_a_reported_comparison_of_the_outcome_and_timepoint_suppresses_the_computed_one():
    outcomes = [_row("cohort A", n_responders=9, n=20), _row("placebo", n_responders=2, n=7),
                _row("cohort A", weeks=24.0, n_responders=8, n=20), _row("placebo", weeks=24.0, n_responders=1, n=7)]
    reported = {"outcome": "ACR20", "outcome_canonical": "ACR20", "timepoint_weeks": 12.0, "label": "significantly "
                "increased", "intervention": "cohort A", "comparator": "placebo", "provenance": {}}
    pred = {"arms": ARMS, "outcomes": outcomes, "comparisons": [reported]}
    assert [c["timepoint_weeks"] for c in arm_comparisons(pred)] == [24.0]
    undated = {**reported, "timepoint_weeks": None}
    assert arm_comparisons({**pred, "comparisons": [undated]}) == []


def test_comparison_rows_list_the_computed_comparisons_after_the_reported_ones():
    pred = {"id": "R1", "arms": ARMS, "outcomes": [_row("cohort A", n_responders=9, n=20),
                                                   _row("placebo", n_responders=2, n=7)],
            "comparisons": [{"outcome": "CRP", "label": "no significant difference", "provenance": {}}]}
    rows = comparison_rows([pred])
    assert [(r["outcome"], r["source"]) for r in rows] == [("CRP", None), ("ACR20", "arms")]
    assert rows[1]["verbatim"] == "sentence" and rows[1]["effect_kind"] == "RD"
