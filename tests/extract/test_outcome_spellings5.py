"""Outcome rows on unseen trial abstracts (round 5, kinds ranked by how often they leave a results
value unused over the training abstracts): each test written from a spelling or a layout, with
sentences of our own."""
import pytest

from tests.extract.helpers import run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("threshold", ["≥1", "≥ 1", "at least one", "≥2"])
def test_a_share_of_people_with_a_threshold_before_the_event_is_one_measure(threshold):
    # "The percentage of patients with ≥1 exacerbation was reduced (X 9.5%; placebo 17.9%)": the count threshold
    # belongs to the measure's name; it neither ends the name nor is a value
    ev = run(_DICLOFENAC + f"The percentage of patients with {threshold} flare was reduced (diclofenac 9.5%; "
             "placebo 17.9%; p = 0.015).", title="Diclofenac vs placebo")
    got = sorted((o.arm, o.percent_responders) for o in ev.outcomes if o.percent_responders is not None)
    assert got == [("diclofenac", 9.5), ("placebo", 17.9)]
    assert all("flare" in o.measure for o in ev.outcomes if o.percent_responders is not None)


@pytest.mark.parametrize("tail", ["", " (p < 0.001)", " (p < 0.001 and p = 0.40)"])
def test_a_level_from_a_percentage_to_a_percentage_in_each_arm(tail):
    # "CVD risk decreased from 32.9% to 29.4% in the A group and from 31.9% to 29.2% in the B group": each arm's
    # from-to pair of percentages is its baseline and follow-up level (before: each percentage a slot of its own, and
    # the sentence gave no row)
    ev = run(_DICLOFENAC + "The HbA1c decreased from 8.2% to 7.1% in the diclofenac group and from 8.0% to 7.9% in the "
             f"placebo group{tail}.", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.baseline_mean, o.followup_mean) for o in ev.outcomes if o.measure == "HbA1c") == [
        ("diclofenac", 8.2, 7.1), ("placebo", 8.0, 7.9)]


def test_a_range_from_a_percentage_to_a_percentage_is_no_baseline_and_follow_up():
    # "the index ranged from 1.5% to 84.5% in the A arm": the spread of the arm's values, not a change over time
    ev = run(_DICLOFENAC + "The HbA1c ranged from 5.2% to 9.5% in the diclofenac group and from 5.0% to 9.9% in the "
             "placebo group.", title="Diclofenac vs placebo")
    assert not [o for o in ev.outcomes if o.baseline_mean is not None or o.followup_mean is not None]


@pytest.mark.parametrize("threshold", ["at least 1 AE", "at least one adverse event", "≥1 AE"])
def test_a_threshold_before_a_vocabulary_event_keeps_the_vocabulary_name(threshold):
    # "the proportion of patients with at least 1 AE": still the adverse events, not an open name
    ev = run(_DICLOFENAC + f"The proportion of patients with {threshold} was 53.7% in the diclofenac group and 49.2% "
             "in the placebo group.", title="Diclofenac vs placebo")
    assert sorted((o.measure, o.arm.split()[0], o.percent_responders) for o in ev.outcomes) == [
        ("adverse events", "diclofenac", 53.7), ("adverse events", "placebo", 49.2)]


@pytest.mark.parametrize("arms", ["in the diclofenac and placebo groups", "in the diclofenac and the placebo arms"])
def test_a_measure_then_both_arms_then_the_verb_is_the_subject(arms):
    # "The response rates in the A and B groups were 65.2% and 34.1%, respectively": both arms named between the measure
    # and its verb (before: the name was not taken as the sentence's subject, and the sentence gave no row)
    ev = run(_DICLOFENAC + f"The response rates {arms} were 65.2% and 34.1%, respectively.", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.percent_responders) for o in ev.outcomes) == [
        ("diclofenac", 65.2), ("placebo", 34.1)]


@pytest.mark.parametrize("unit", ["", " mg/L"])
def test_a_change_with_its_percentage_in_brackets_in_each_arm(unit):
    # "triglyceride dropped by 13.72 mg/dl (6.3%)": the bracketed percentage is the change's relative size, in the same
    # arm (before: the percentage took the arm's name and the change went to the other arm, or "1.2 (25%)" was read as
    # 1 responder of 25%)
    ev = run(_DICLOFENAC + f"CRP decreased by 2.1{unit} (35%) in the diclofenac group and by 0.2{unit} (3%) in the placebo "
             "group.", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.change_mean, o.percent_change) for o in ev.outcomes) == [
        ("diclofenac", -2.1, -35.0), ("placebo", -0.2, -3.0)]


def test_labelled_arms_each_with_a_from_to_pair_in_one_bracket():
    # "(EMS group: from 1.42 ± 0.48 to 1.31 ± 0.45 cm, P = 0.001; control group: from 1.59 ± 0.53 to ...)": each label
    # names an arm, and its from-to pair is that arm's baseline and follow-up (before: only the first arm's pair was read)
    ev = run(_DICLOFENAC + "CRP decreased in both groups (diclofenac group: from 12.4 ± 4.8 to 5.1 ± 2.5 mg/L, P = 0.001; "
             "placebo group: from 11.9 ± 5.3 to 10.7 ± 5.0 mg/L, P = 0.40).", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.baseline_mean, o.followup_mean, o.p_value) for o in ev.outcomes) == [
        ("diclofenac", 12.4, 5.1, "=0.001"), ("placebo", 11.9, 10.7, "=0.40")]


@pytest.mark.parametrize("sentence", [
    "CRP was lower in the diclofenac group at week 12 (5.2 ± 2.1 versus 8.5 ± 3.0, P < 0.01) and at week 24 (4.1 ± 1.9 "
    "versus 8.9 ± 3.2, P < 0.01).",
    "CRP was lower with diclofenac at week 12 (5.2 ± 2.1 vs 8.5 ± 3.0) and week 24 (4.1 ± 1.9 vs 8.9 ± 3.2).",
])
def test_each_timepoint_then_its_pair_of_arm_values(sentence):
    # "at week 12 (a versus b) and at week 24 (c versus d)": each timepoint's own pair, one value per arm, the arm named
    # first (before: each pair was read as the named arm's baseline and follow-up)
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.timepoint_weeks, o.arm.split()[0], o.followup_mean) for o in ev.outcomes) == [
        (12.0, "diclofenac", 5.2), (12.0, "placebo", 8.5), (24.0, "diclofenac", 4.1), (24.0, "placebo", 8.9)]
    assert all(o.baseline_mean is None for o in ev.outcomes)
