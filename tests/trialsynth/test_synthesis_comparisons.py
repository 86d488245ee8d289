"""The between-group comparisons in the synthesis: direction of effect on the right basis, and pooling
from a reported effect with its CI.

Every study here is FICTITIOUS (named "Fictitious ..."): the numbers test the arithmetic, not MSCs.
"""
import math

import pytest

from trialsynth.overlap import CohortInfo
from trialsynth.plan import load_plan
from trialsynth.synthesis import StudyInput, fit_fingerprint, synthesise

PLAN = load_plan({})
CONTROLLED = [{"name": "MSC group", "n": 30}, {"name": "placebo group", "n": 30, "control": True}]


def _row(measure, arm="MSC group", n=30, weeks=24.0, **values):
    return {"measure": measure, "measure_canonical": measure, "arm": arm, "n": n, "timepoint_weeks": weeks,
            "provenance": {"location": "abstract", "text": f"{arm}: fictitious within-arm sentence",
                           "entered_by": "extractor"}, **values}


def _cmp(outcome, label, *, canonical=None, weeks=24.0, intervention="MSC group", comparator="placebo group",
         text="DAS28 fell more in the MSC group than in the placebo group (P = 0.01).", **values):
    return {"outcome": outcome, "outcome_text": outcome, "outcome_canonical": canonical, "intervention": intervention,
            "comparator": comparator, "intervention_arm": intervention, "comparator_arm": comparator,
            "timepoint_weeks": weeks, "label": label, "label_basis": "fell more", "p_value": values.pop("p", "=0.01"),
            "source": "rule", "provenance": {"record_id": "x", "location": "section:Results", "text": text,
                                             "start": 10, "end": 10 + len(text), "entered_by": "extractor"},
            **values}


def _study(rid, outcomes, comparisons=(), *, arms=None, year=2020, n=60):
    pred = {"id": rid, "include": True, "n_enrolled": n, "arms": arms if arms is not None else CONTROLLED,
            "outcomes": outcomes, "comparisons": list(comparisons), "doses": []}
    label = f"Fictitious {rid} {year}"
    return StudyInput(rid, label, year, pred, CohortInfo(rid, label, rid, year, (), n, "umbilical cord",
                                                         "intravenous", frozenset()))


def _entries(res, outcome):
    return {e.record_id: e for d in res.directions if d.outcome == outcome for e in d.entries}


def test_a_controlled_trial_takes_its_direction_from_the_between_group_comparison():
    # within the MSC arm DAS28 fell, but against placebo the difference is not significant
    s = _study("RCT", [_row("DAS28", direction="decrease")],
               [_cmp("DAS28", "no significant difference", canonical="DAS28", p="=0.31")])
    [e] = _entries(synthesise([s], PLAN), "DAS28").values()
    assert (e.basis, e.direction, e.benefit, e.p_value) == ("between-group", "no change", "no change", "=0.31")
    assert e.location == "section:Results" and e.verbatim.startswith("DAS28 fell more")
    assert (e.intervention, e.comparator, e.comparison_label) == ("MSC group", "placebo group",
                                                                  "no significant difference")


@pytest.mark.parametrize("label,direction,benefit", [
    ("significantly decreased", "decrease", "benefit"),   # DAS28: lower is better
    ("significantly increased", "increase", "harm"),
])
def test_the_label_gives_the_direction_and_the_outcomes_better_side_the_benefit(label, direction, benefit):
    s = _study("RCT", [], [_cmp("DAS28", label, canonical="DAS28")])
    [e] = _entries(synthesise([s], PLAN), "DAS28").values()
    assert (e.direction, e.benefit, e.basis) == (direction, benefit, "between-group")


def test_a_comparison_maps_by_its_cleaned_name_when_it_has_no_canonical_one():
    s = _study("RCT", [], [_cmp("HAQ", "significantly decreased", canonical=None)])
    assert _entries(synthesise([s], PLAN), "HAQ")["RCT"].basis == "between-group"
    unknown = _study("RCT", [], [_cmp("quality of sleep", "significantly decreased")])
    assert all(e.record_id != "RCT" or d.outcome != "quality of sleep" for d in synthesise([unknown], PLAN).directions
               for e in d.entries)


def test_a_comparison_named_the_other_way_round_is_turned_to_intervention_versus_control():
    s = _study("RCT", [], [_cmp("CRP", "significantly increased", canonical="CRP", intervention="placebo group",
                                comparator="MSC group")])
    [e] = _entries(synthesise([s], PLAN), "CRP").values()
    assert (e.direction, e.benefit) == ("decrease", "benefit")  # placebo higher than MSC = MSC lower than placebo


def test_a_comparison_between_two_treated_arms_is_no_control_comparison():
    arms = [{"name": "cohort A", "n": 20}, {"name": "cohort B", "n": 20}, {"name": "placebo", "n": 10, "control": True}]
    s = _study("RCT", [_row("CRP", arm="cohort A", direction="decrease")],
               [_cmp("CRP", "significantly decreased", canonical="CRP", intervention="cohort A",
                     comparator="cohort B")], arms=arms)
    [e] = _entries(synthesise([s], PLAN), "CRP").values()
    assert (e.basis, e.benefit) == ("within-arm (no between-group comparison reported)", "not counted")


def test_a_controlled_trial_without_a_between_group_result_is_shown_but_not_counted():
    s = _study("RCT", [_row("CRP", direction="decrease", p_value="<0.05")])
    single = [{"name": "MSC (single arm)", "n": 20}]
    o = _study("Open", [_row("CRP", arm="MSC (single arm)", direction="decrease")], arms=single)
    [d] = [d for d in synthesise([s, o], PLAN).directions if d.outcome == "CRP"]
    e = {x.record_id: x for x in d.entries}["RCT"]
    assert (e.basis, e.direction, e.benefit, e.p_value) == ("within-arm (no between-group comparison reported)",
                                                           "decrease", "not counted", "<0.05")
    assert (d.vote["n"], d.vote["n_benefit"]) == (1, 1)  # the single-arm study alone is counted


def test_a_controlled_trial_without_a_reported_comparison_takes_the_direction_of_its_arms_values():
    arms = [{"name": "cohort A", "n": 20}, {"name": "cohort B", "n": 20}, {"name": "placebo", "n": 7, "control": True}]
    rows = [_row("ACR20", arm="cohort A", n=20, weeks=4.33, percent_responders=45.0),
            _row("ACR20", arm="cohort B", n=20, weeks=4.33, percent_responders=20.0),
            _row("ACR20", arm="placebo", n=7, weeks=4.33, percent_responders=29.0)]
    s = _study("RCT", rows, arms=arms)
    [e] = _entries(synthesise([s], PLAN), "ACR20").values()
    # the arms combined, 13/40 against 2/7: higher, not significant; ACR20 higher is better
    assert (e.basis, e.direction, e.benefit) == ("between-group (computed from the arms' values)", "increase",
                                                 "benefit")
    assert (e.intervention, e.comparator, e.comparison_label, e.n) == ("cohort A + cohort B", "placebo",
                                                                      "no significant difference", 47)
    assert e.p_value is None and e.verbatim.startswith("cohort A: fictitious")


def test_a_single_arm_study_uses_its_within_arm_change():
    single = [{"name": "MSC (single arm)", "n": 20}]
    s = _study("Open", [_row("CRP", arm="MSC (single arm)", direction="decrease")], arms=single)
    [e] = _entries(synthesise([s], PLAN), "CRP").values()
    assert (e.basis, e.direction, e.benefit) == ("within-arm", "decrease", "benefit")


def test_a_comparison_without_a_timepoint_takes_the_window_of_the_studys_rows_of_that_outcome():
    s = _study("RCT", [_row("CRP", weeks=24.0, direction="decrease")],
               [_cmp("CRP", "significantly decreased", canonical="CRP", weeks=None)])
    [d] = [d for d in synthesise([s], PLAN).directions if d.outcome == "CRP"]
    assert d.window == "13–26 weeks" and d.entries[0].basis == "between-group"


def test_the_sign_test_counts_between_group_directions_for_trials_and_within_arm_for_single_arm_studies():
    single = [{"name": "MSC (single arm)", "n": 20}]
    studies = [_study("R1", [_row("CRP", direction="decrease")], [_cmp("CRP", "significantly increased",
                                                                      canonical="CRP")]),
               _study("R2", [], [_cmp("CRP", "significantly increased", canonical="CRP")]),
               _study("O1", [_row("CRP", arm="MSC (single arm)", direction="decrease")], arms=single)]
    [d] = [d for d in synthesise(studies, PLAN).directions if d.outcome == "CRP"]
    assert {e.record_id: e.benefit for e in d.entries} == {"R1": "harm", "R2": "harm", "O1": "benefit"}
    assert d.vote["n_benefit"] == 1 and d.vote["n_harm"] == 2


# --- pooling from a reported effect ---------------------------------------------------------------------

def test_a_reported_mean_difference_with_its_ci_enters_the_mean_difference_pool():
    s = _study("RCT", [_row("DAS28", direction="decrease")],
               [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD", effect=-1.2,
                     ci_low=-1.9, ci_high=-0.5)])
    [p] = synthesise([s], PLAN).pooled
    [st] = p.studies
    assert p.measure == "MD" and math.isclose(st.yi, -1.2)
    assert math.isclose(st.vi, ((-0.5 - -1.9) / (2 * 1.959964)) ** 2, rel_tol=1e-6)
    assert st.scores == "reported" and st.inputs == {"effect": -1.2, "ci_low": -1.9, "ci_high": -0.5,
                                                     "p_value": "=0.01"}
    assert any("entered from its reported effect" in n and "Cochrane Handbook 6.5.2.3" in n for n in p.notes)
    assert st.n == 60 and st.source == "section:Results"


def test_a_reported_mean_difference_with_a_90_percent_ci_enters_with_the_se_of_that_level():
    text = "The mean difference in DAS28 was -1.2 (90% CI -1.8 to -0.6) in favour of MSC."
    s = _study("RCT", [], [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD", effect=-1.2,
                                ci_low=-1.8, ci_high=-0.6, text=text)])
    [p] = synthesise([s], PLAN).pooled
    assert math.isclose(p.studies[0].vi, (1.2 / (2 * 1.6448536269514722)) ** 2, rel_tol=1e-9)
    assert any("90% CI -1.8 to -0.6" in n and "/ 3.29" in n for n in p.notes)
    both = "MD -1.2 (90% CI -1.8 to -0.6); OR 2.0 (95% CI 1.1 to 3.6)"
    s2 = _study("RCT", [], [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD", effect=-1.2,
                                 ci_low=-1.8, ci_high=-0.6, text=both)])
    assert synthesise([s2], PLAN).pooled == ()  # which interval is at which level cannot be told


def test_a_study_with_arm_level_numbers_is_never_counted_again_from_its_reported_effect():
    s = _study("RCT", [_row("DAS28", followup_mean=3.2, followup_sd=1.1),
                       _row("DAS28", arm="placebo group", followup_mean=4.0, followup_sd=1.0)],
               [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD", effect=-5.0,
                     ci_low=-6.0, ci_high=-4.0)])
    [p] = synthesise([s], PLAN).pooled
    assert p.k == 1 and math.isclose(p.studies[0].yi, -0.8) and p.studies[0].scores == "follow-up"


def test_a_reported_ratio_enters_a_ratio_pool_on_the_log_scale_only_when_the_plan_measures_that_ratio():
    cmp = _cmp("ACR20", "significantly increased", canonical="ACR20", effect_kind="RR", effect=2.0, ci_low=1.2,
               ci_high=3.4)
    [p] = synthesise([_study("RCT", [], [cmp])], PLAN).pooled  # ACR20's controlled measure is RR
    assert p.measure == "RR" and math.isclose(p.studies[0].yi, math.log(2.0))
    assert math.isclose(p.studies[0].vi, ((math.log(3.4) - math.log(1.2)) / (2 * 1.959964)) ** 2, rel_tol=1e-6)
    odds = load_plan({"analysis": {"outcomes": {"ACR20": {"kind": "responder", "controlled": "OR"}}}})
    assert synthesise([_study("RCT", [], [cmp])], odds).pooled == ()


def test_a_reported_effect_the_plan_cannot_use_is_not_pooled():
    for extra in ({"effect_kind": "SMD", "effect": -0.5, "ci_low": -0.9, "ci_high": -0.1},   # plan's DAS28 is MD
                  {"effect_kind": "MD", "effect": -1.2, "p": "<0.05"},                       # no CI, P a bound
                  {"effect_kind": "MD", "effect": -1.2, "ci_low": -0.5, "ci_high": -1.9}):   # bounds swapped
        s = _study("RCT", [], [_cmp("DAS28", "significantly decreased", canonical="DAS28", **extra)])
        assert synthesise([s], PLAN).pooled == (), extra


def test_a_reported_mean_difference_with_an_exact_p_value_enters_by_the_t_distribution():
    from scipy import stats

    s = _study("RCT", [], [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD",
                                effect=-1.2, p="=0.01")])
    [p] = synthesise([s], PLAN).pooled
    [st] = p.studies
    se = 1.2 / stats.t.ppf(1 - 0.01 / 2, 60 - 2)  # Cochrane Handbook 6.5.2.3: t on n1 + n2 - 2 df
    assert math.isclose(st.yi, -1.2) and math.isclose(st.vi, se * se, rel_tol=1e-9)
    assert any("P =0.01, n = 60" in n and "6.3.1" in n for n in p.notes)


def test_a_single_arm_study_offers_no_reported_effect():
    single = [{"name": "MSC (single arm)", "n": 20}]
    s = _study("Open", [], [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD",
                                 effect=-1.2, ci_low=-1.9, ci_high=-0.5)], arms=single)
    assert synthesise([s], PLAN).pooled == ()


def test_the_fit_fingerprint_changes_with_what_a_reported_effect_feeds_the_fit():
    def key(**extra):
        s = _study("RCT", [], [_cmp("DAS28", "significantly decreased", canonical="DAS28", effect_kind="MD",
                                    **extra)])
        return synthesise([s], PLAN, cache={}).used
    assert key(effect=-1.2, ci_low=-1.9, ci_high=-0.5) != key(effect=-1.2, ci_low=-2.0, ci_high=-0.4)
    assert key(effect=-1.2, ci_low=-1.9, ci_high=-0.5) == key(effect=-1.2, ci_low=-1.9, ci_high=-0.5)
    assert callable(fit_fingerprint)
