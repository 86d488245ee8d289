"""Baseline and follow-up read from separate table rows are paired for a pre-post effect size."""
from __future__ import annotations

import math

from analysis import escalc
from trialsynth.overlap import CohortInfo
from trialsynth.plan import load_plan
from trialsynth.prepost import pair_baselines
from trialsynth.synthesis import StudyInput, synthesise


def _cell(measure, weeks, where, arm="MSC group", n=20, **values):
    return {"measure": measure, "measure_text": measure, "arm": arm, "n": n, "timepoint_weeks": weeks,
            "kind": "value", "provenance": {"location": where, "text": "x", "entered_by": "extractor"}, **values}


def test_a_follow_up_cell_gets_the_baseline_cell_of_its_measure_and_arm():
    rows = [_cell("HAQ score", 0.0, "table:Table 2 r1 c2", baseline_mean=1.5, baseline_sd=0.6),
            _cell("HAQ score", 12.0, "table:Table 2 r1 c3", followup_mean=1.1, followup_sd=0.7),
            _cell("DAS28", 12.0, "table:Table 2 r2 c3", followup_mean=4.0, followup_sd=1.0)]
    out = pair_baselines(rows)
    assert (out[1]["baseline_mean"], out[1]["baseline_sd"]) == (1.5, 0.6)
    assert "table:Table 2 r1 c2" in out[1]["note"]
    assert out[0] is rows[0] and out[2] is rows[2]  # no baseline of DAS28: left as it is
    assert "baseline_mean" not in rows[1]  # the input is not changed


def test_another_arm_or_an_ambiguous_baseline_pairs_nothing():
    rows = [_cell("HAQ", 0.0, "table:Table 1 r1 c2", arm="placebo group", baseline_mean=1.5, baseline_sd=0.6),
            _cell("HAQ", 12.0, "table:Table 2 r1 c3", followup_mean=1.1, followup_sd=0.7)]
    assert pair_baselines(rows)[1].get("baseline_mean") is None
    rows = [_cell("HAQ", 0.0, "table:Table 1 r1 c2", baseline_mean=1.5, baseline_sd=0.6),
            _cell("HAQ", 0.0, "table:Table 3 r1 c2", baseline_mean=1.7, baseline_sd=0.5),
            _cell("HAQ", 12.0, "table:Table 2 r1 c3", followup_mean=1.1, followup_sd=0.7)]
    assert pair_baselines(rows)[2].get("baseline_mean") is None


def test_the_same_table_wins_over_another():
    rows = [_cell("HAQ", 0.0, "table:Table 1 r1 c2", baseline_mean=1.7, baseline_sd=0.5),
            _cell("HAQ", 0.0, "table:Table 2 r1 c2", baseline_mean=1.5, baseline_sd=0.6),
            _cell("HAQ", 12.0, "table:Table 2 r1 c3", followup_mean=1.1, followup_sd=0.7)]
    assert pair_baselines(rows)[2]["baseline_mean"] == 1.5


def test_a_single_arm_table_study_is_pooled_pre_post():
    rows = [_cell("HAQ", 0.0, "table:Table 2 r1 c2", n=40, measure_canonical="HAQ", baseline_mean=1.5,
                  baseline_sd=0.6),
            _cell("HAQ", 12.0, "table:Table 2 r1 c3", n=40, measure_canonical="HAQ", followup_mean=1.1,
                  followup_sd=0.7)]
    pred = {"id": "S1", "include": True, "n_enrolled": 40, "arms": [{"name": "MSC group", "n": 40}],
            "outcomes": rows, "doses": []}
    cohort = CohortInfo("S1", "Fictitious 2020", "S1", 2020, (), 40, "umbilical cord", "intravenous", frozenset())
    [p] = synthesise([StudyInput("S1", "Fictitious 2020", 2020, pred, cohort)], load_plan({})).pooled
    es = escalc("MC", m1i=[1.1], m2i=[1.5], sd1i=[0.7], sd2i=[0.6], ni=[40], ri=[0.5])
    assert p.outcome == "HAQ" and p.measure == "MC"
    assert math.isclose(p.studies[0].yi, float(es.yi[0])) and math.isclose(p.studies[0].vi, float(es.vi[0]))
