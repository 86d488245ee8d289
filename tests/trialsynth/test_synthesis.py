"""Synthesis of evidence rows into pooled analyses and direction-of-effect syntheses.

Every study here is FICTITIOUS (named "Fictitious ..."): the numbers test the arithmetic, not MSCs.
"""
import math

import numpy as np
import pytest

from analysis import escalc, rma
from trialsynth.errors import InputError
from trialsynth.overlap import CohortInfo
from trialsynth.plan import load_plan
from trialsynth.synthesis import StudyInput, conclusion, synthesise
from trialsynth.update import what_changed

PLAN = load_plan({})


def _row(measure, arm="MSC (single arm)", n=20, weeks=24.0, **values):
    return {"measure": measure, "arm": arm, "n": n, "timepoint_weeks": weeks,
            "provenance": {"location": "abstract", "text": "fictitious sentence", "entered_by": "extractor"},
            **values}


def _study(rid, outcomes, *, year=2020, arms=None, n=20, nct=(), author=None, source="umbilical cord"):
    pred = {"id": rid, "include": True, "n_enrolled": n, "arms": arms or [{"name": "MSC (single arm)", "n": n}],
            "outcomes": outcomes, "doses": []}
    label = f"Fictitious {rid} {year}"
    cohort = CohortInfo(rid, label, author or rid, year, tuple(nct), n, source, "intravenous", frozenset())
    return StudyInput(rid, label, year, pred, cohort)


def test_single_arm_change_scores_pool_as_mean_change():
    changes = [(-1.6, 1.57, 9), (-1.2, 1.1, 30), (-0.8, 1.3, 25)]
    studies = [_study(f"S{i}", [_row("DAS28", n=n, weeks=12.0, change_mean=m, change_sd=sd, direction="decrease")],
                      year=2010 + i, n=n) for i, (m, sd, n) in enumerate(changes)]
    res = synthesise(studies, PLAN)
    [p] = [p for p in res.pooled if p.outcome == "DAS28"]
    assert (p.measure, p.window, p.k, p.method, p.test) == ("MC", "≤ 12 weeks", 3, "REML", "knha")
    yi = [m for m, _, _ in changes]
    vi = [sd * sd / n for _, sd, n in changes]
    ref = rma(yi, vi, method="REML", test="knha")
    assert math.isclose(p.estimate, ref.estimate, rel_tol=1e-12)
    assert math.isclose(p.ci_low, ref.ci_low, rel_tol=1e-12)
    assert p.pi_low is not None and len(p.leave_one_out) == 3 and len(p.cumulative) == 3
    assert "skipped" in p.small_study_test
    assert conclusion(p) == "excludes no effect"


def test_baseline_and_follow_up_use_escalc_mc_with_the_assumed_r():
    s = _study("S1", [_row("HAQ", n=40, baseline_mean=1.5, baseline_sd=0.6, followup_mean=1.1, followup_sd=0.7)])
    [p] = synthesise([s], PLAN).pooled
    es = escalc("MC", m1i=[1.1], m2i=[1.5], sd1i=[0.7], sd2i=[0.6], ni=[40], ri=[0.5])
    assert math.isclose(p.studies[0].yi, float(es.yi[0])) and math.isclose(p.studies[0].vi, float(es.vi[0]))
    assert p.k == 1 and any("k = 1" in n for n in p.notes) and any("r = 0.5" in n for n in p.notes)


def test_controlled_continuous_is_a_mean_difference():
    arms = [{"name": "MSC group", "n": 30}, {"name": "placebo group", "n": 30, "control": True}]
    s = _study("S1", [_row("DAS28", arm="MSC group", n=30, followup_mean=3.2, followup_sd=1.1),
                      _row("DAS28", arm="placebo group", n=30, followup_mean=4.0, followup_sd=1.0)], arms=arms)
    [p] = synthesise([s], PLAN).pooled
    es = escalc("MD", m1i=[3.2], sd1i=[1.1], n1i=[30], m2i=[4.0], sd2i=[1.0], n2i=[30])
    assert p.measure == "MD" and math.isclose(p.estimate, float(es.yi[0]))


def test_responders_against_control_are_a_risk_ratio_with_dose_arms_combined():
    arms = [{"name": "cohort A", "n": 20}, {"name": "cohort B", "n": 20}, {"name": "placebo", "n": 10, "control": True}]
    s = _study("S1", [_row("ACR20", arm="cohort A", n=20, weeks=4.33, percent_responders=45.0),
                      _row("ACR20", arm="cohort B", n=20, weeks=4.33, n_responders=4),
                      _row("ACR20", arm="placebo", n=10, weeks=4.33, n_responders=2)], arms=arms)
    [p] = synthesise([s], PLAN).pooled
    es = escalc("RR", ai=[9 + 4], n1i=[40], ci=[2], n2i=[10])
    assert p.measure == "RR" and p.transform == "exp" and math.isclose(p.estimate, float(es.yi[0]))
    assert any("45.0% of 20, rounded" in n for n in p.notes)


def test_direction_only_rows_go_to_the_direction_synthesis_with_a_sign_test():
    studies = [_study("A", [_row("CRP", weeks=52.0, direction="decrease", p_value="<0.05")]),
               _study("B", [_row("CRP", weeks=40.0, direction="decrease")]),
               _study("C", [_row("CRP", weeks=30.0, direction="increase")])]
    res = synthesise(studies, PLAN)
    assert res.pooled == ()
    [d] = res.directions
    assert (d.outcome, d.window) == ("CRP", "27–52 weeks")
    assert [e.benefit for e in d.entries] == ["benefit", "benefit", "harm"]
    assert d.vote["n_benefit"] == 2 and d.vote["n_harm"] == 1 and math.isclose(d.vote["p_value"], 1.0)


def test_one_cohort_counts_once_per_outcome_and_window():
    a = _study("Trial", [_row("DAS28", n=60, change_mean=-1.0, change_sd=1.0)], nct=("NCT00000001",), n=60)
    b = _study("Followup", [_row("DAS28", n=60, change_mean=-1.1, change_sd=1.0)], nct=("NCT00000001",), n=60,
               year=2023)
    c = _study("Other", [_row("DAS28", n=30, change_mean=-0.5, change_sd=1.0)], n=30)
    res = synthesise([a, b, c], PLAN)
    [group] = res.overlaps
    assert set(group.record_ids) == {"Trial", "Followup"} and "NCT00000001" in group.rule
    [p] = res.pooled
    assert p.k == 2


def test_what_changed_reports_moves_and_conclusions():
    before = {"included": ["A"], "excluded": [], "labels": {"A": "Fictitious A 2020"},
              "pooled": {"DAS28|≤ 12 weeks|MC": {"estimate": -0.2, "ci_low": -0.9, "ci_high": 0.5, "k": 1,
                                                  "measure": "MC", "conclusion": "includes no effect"}},
              "directions": {}}
    after = {"included": ["A", "B"], "excluded": [], "labels": {"B": "Fictitious B 2024"},
             "pooled": {"DAS28|≤ 12 weeks|MC": {"estimate": -0.8, "ci_low": -1.2, "ci_high": -0.4, "k": 2,
                                                 "measure": "MC", "conclusion": "excludes no effect"}},
             "directions": {}}
    lines = what_changed(before, after, {"sources": [{"source": "import", "query": "/x/new.jsonl", "new": 1}]})
    assert lines[0] == "new records from new.jsonl: 1"
    assert "newly included: Fictitious B 2024 (B)" in lines
    assert any(line.startswith("DAS28, ≤ 12 weeks, MC moved: -0.2 [-0.9, 0.5] (k = 1) -> -0.8") for line in lines)
    assert any("CONCLUSION CHANGED" in line and "now excludes no effect" in line for line in lines)


@pytest.mark.parametrize("raw,message", [
    ({"analysis": {"method": "XX"}}, "not an estimator"),
    ({"analysis": {"test": "t"}}, "knha"),
    ({"analysis": {"windows": [[10, 5, "bad"]]}}, "low < high"),
    ({"analysis": {"outcomes": {"DAS28": {"single_arm": "RR"}}}}, "single_arm"),
    ({"analysis": {"assumed_r": 1.5}}, "between -1 and 1"),
])
def test_plan_errors_say_what_to_fix(raw, message):
    with pytest.raises(InputError, match=message):
        load_plan(raw)


def test_plan_windows():
    assert [PLAN.window_of(w) for w in (4.33, 12, 13, 26, 52, 156, None)] == [
        "≤ 12 weeks", "≤ 12 weeks", "13–26 weeks", "13–26 weeks", "27–52 weeks", "> 52 weeks", "timepoint not stated"]
    assert np.isfinite(PLAN.assumed_r)


def test_subgroups_of_the_plan_when_each_has_two_studies():
    from analysis import subgroup_analysis

    data = [("umbilical cord", -1.6, 1.2, 20), ("umbilical cord", -1.1, 1.0, 30),
            ("bone marrow", -0.4, 1.1, 25), ("bone marrow", -0.6, 0.9, 40)]
    studies = [_study(f"S{i}", [_row("DAS28", n=n, weeks=12.0, change_mean=m, change_sd=sd)], n=n, year=2010 + i,
                      source=src) for i, (src, m, sd, n) in enumerate(data)]
    [p] = synthesise(studies, PLAN).pooled
    [line] = [n for n in p.notes if n.startswith("subgroups by cell source")]
    ref = subgroup_analysis([m for _, m, _, _ in data], [sd * sd / n for _, _, sd, n in data],
                            [src for src, _, _, _ in data], method="REML", test="knha")
    assert f"Q = {ref.q_between:.2f}, df = 1, p = {ref.q_between_p:.3g}" in line
    assert not [n for n in p.notes if n.startswith("subgroups by route")]  # one route only
