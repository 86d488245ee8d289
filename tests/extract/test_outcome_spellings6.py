"""Outcome rows on unseen trial abstracts (round 6): each test written from a spelling or a layout, with sentences
of our own."""
import pytest

from tests.extract.helpers import run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("sentence", [
    "There were no significant changes in CRP before and after treatment in the placebo group (11.9 ± 5.3 to 10.7 ± "
    "5.0, p = 0.62).",
    "CRP did not change in the placebo group (11.9 ± 5.3 to 10.7 ± 5.0 mg/L, p = 0.62).",
    "CRP did not change in the placebo group (11.9 ± 5.3 mg/L to 10.7 ± 5.0 mg/L; p = 0.62).",
])
def test_two_means_with_sds_joined_by_to_are_a_from_to_pair(sentence):
    # "(0.3 ± 0.8 to 0.5 ± 0.7, p = 0.62)": two means, each with its SD, joined by "to" are the level before and
    # after, even without "from" and after a change word (before: the first was read as the change, the second lost)
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = [(o.arm.split()[0], o.baseline_mean, o.baseline_sd, o.followup_mean, o.followup_sd, o.change_mean)
           for o in ev.outcomes if o.measure == "CRP"]
    assert got == [("placebo", 11.9, 5.3, 10.7, 5.0, None)]


@pytest.mark.parametrize("verb, sign", [("declined", -1), ("decreased significantly", -1), ("fell", -1),
                                        ("increased", 1), ("rose", 1)])
def test_a_change_verb_right_before_a_mean_with_its_sd_gives_the_change(verb, sign):
    # "visceral fat area declined 23.9 ± 7.4 cm2 in the GH group": the verb with no "by" still says the value is the
    # change, its sign from the verb (before: read as the follow-up level)
    ev = run(_DICLOFENAC + f"Visceral fat area {verb} 23.9 ± 7.4 cm2 in the diclofenac group.",
             title="Diclofenac vs placebo")
    got = [(o.arm.split()[0], o.change_mean, o.change_sd, o.followup_mean) for o in ev.outcomes]
    assert got == [("diclofenac", sign * 23.9, 7.4, None)]


def test_a_verb_before_from_or_to_is_no_change_value():
    ev = run(_DICLOFENAC + "Visceral fat area declined to 23.9 ± 7.4 cm2 in the diclofenac group.",
             title="Diclofenac vs placebo")
    assert [(o.change_mean, o.followup_mean) for o in ev.outcomes] == [(None, 23.9)]


@pytest.mark.parametrize("brackets", [("", ""), (" (+5.3%, p = 0.04)", " (+8.4%, p = 0.04)")])
def test_a_from_to_pair_of_percentages_then_and_to_a_later_time(brackets):
    # "the LVEF increased from 49.9% to 55.2% at 6 months and to 58.3% at 12 months": the first "to" is the first
    # time's level, each "and to" the next time's, all from the one baseline (before: both times got 55.2%)
    first, second = brackets
    ev = run(_DICLOFENAC + f"With diclofenac, the ejection fraction increased from 49.9% to 55.2%{first} at 6 months "
             f"and to 58.3% at 12 months{second}.", title="Diclofenac vs placebo")
    got = sorted((o.timepoint_weeks, o.baseline_mean, o.followup_mean) for o in ev.outcomes)
    assert got == [(26.0, 49.9, 55.2), (52.0, 49.9, 58.3)]


@pytest.mark.parametrize("sentence, sds", [
    ("Compared with baseline (5.94 ± 0.58), CRP at month 3 was lower (4.12 ± 0.50) in the diclofenac group.",
     (0.58, 0.5)),
    ("In the diclofenac group, compared with baseline (5.94), CRP at month 3 was lower (4.12).", (None, None)),
])
def test_a_baseline_with_its_own_bracketed_value_before_the_measure(sentence, sds):
    # "Compared with baseline (5.94 ± 0.58), X at month 3 was lower (4.12)": the baseline's value is in its own
    # bracket; the measure's value after it is the later level (before: 4.12 was read as the baseline, 5.94 lost)
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = [(o.baseline_mean, o.baseline_sd, o.followup_mean, o.followup_sd) for o in ev.outcomes if o.measure == "CRP"]
    assert got == [(5.94, sds[0], 4.12, sds[1])]


@pytest.mark.parametrize("text, mean, sd", [("41.9 (±17.7)", 41.9, 17.7), ("41.9 (± 17.7)", 41.9, 17.7),
                                            ("41.9, SD 17.7", 41.9, 17.7), ("41.9, SD = 17.7", 41.9, 17.7),
                                            ("41.9 (SD 17.7)", 41.9, 17.7)])
def test_an_sd_written_with_its_sign_or_its_name_after_a_comma(text, mean, sd):
    # "41.9 (±17.7)", "mean 3.7, SD 1.9": the SD in a bracket with its "±", or named after a comma
    from extract.quantities import find_mean_sd
    got = find_mean_sd(f"CRP was {text} mg/L.")
    assert [(x.mean, x.sd) for x in got] == [(mean, sd)]


def test_arm_values_with_sds_written_with_their_sign_in_brackets():
    ev = run(_DICLOFENAC + "At 12 weeks, CRP was 41.9 (±17.7) in the diclofenac group and 55.0 (±20.1) in the placebo "
             "group.", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.followup_mean, o.followup_sd) for o in ev.outcomes) == [
        ("diclofenac", 41.9, 17.7), ("placebo", 55.0, 20.1)]


def test_arm_values_as_mean_comma_sd_pairs():
    ev = run(_DICLOFENAC + "At 12 weeks, CRP was lower with diclofenac than placebo (mean 3.7, SD 1.9 vs 4.1, SD 2.0).",
             title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.followup_mean, o.followup_sd) for o in ev.outcomes) == [
        ("diclofenac", 3.7, 1.9), ("placebo", 4.1, 2.0)]


@pytest.mark.parametrize("text, value, lo, hi, unit", [
    ("mean difference from placebo: −28.1 cm2 (95% CI −49.9 to −6.3 cm2; p = 0.02)", -28.1, -49.9, -6.3, "cm2"),
    ("mean differences from placebo of −31.4 cm2 (95% CI −56.5 cm2 to −6.3 cm2; p = 0.02)", -31.4, -56.5, -6.3, "cm2"),
    ("mean difference versus placebo, 1.2 kg/m2 (95% CI 0.5 to 1.9)", 1.2, 0.5, 1.9, "kg/m2"),
    ("mean difference 1.2 kg/m2 (95% CI 0.5 to 1.9)", 1.2, 0.5, 1.9, "kg/m2"),
])
def test_a_named_estimate_against_the_comparator_with_a_squared_unit(text, value, lo, hi, unit):
    # "mean difference from placebo: −28.1 cm2 (95% CI −49.9 to −6.3 cm2)": the comparator may stand between the
    # name and its value, and a unit may end in its power ("cm2", "kg/m2") (before: no estimate, or its CI lost)
    from extract.estimates import find_effects
    got = [(e.kind, e.value, e.ci_low, e.ci_high, e.unit) for e in find_effects(text)]
    assert got == [("MD", value, lo, hi, unit)]


@pytest.mark.parametrize("sentence", [
    "In the diclofenac group, CRP and ESR were 5.4 ± 4.7 mg/L and 24.9 ± 3.4 mm/h, respectively.",
    "CRP and ESR were 5.4 ± 4.7 mg/L and 24.9 ± 3.4 mm/h, respectively, in the diclofenac group.",
    "In the diclofenac group, the mean CRP and ESR were 5.4 (4.7) and 24.9 (3.4), respectively.",
])
def test_two_measures_then_their_means_respectively(sentence):
    # "the mean response times for gas and stool were 5.4 ± 4.7 h and 4.9 ± 3.4 h, respectively": one mean per
    # listed measure, in order (before: the second measure took the first value, the first none)
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = sorted((o.measure, o.arm.split()[0], o.followup_mean, o.followup_sd) for o in ev.outcomes)
    assert got == [("CRP", "diclofenac", 5.4, 4.7), ("ESR", "diclofenac", 24.9, 3.4)]


def test_two_measures_then_their_changes_respectively():
    ev = run(_DICLOFENAC + "In the diclofenac group, CRP and ESR decreased by 2.1 ± 1.0 mg/L and 5.2 ± 2.0 mm/h, "
             "respectively.", title="Diclofenac vs placebo")
    got = sorted((o.measure, o.change_mean, o.change_sd) for o in ev.outcomes)
    assert got == [("CRP", -2.1, 1.0), ("ESR", -5.2, 2.0)]


@pytest.mark.parametrize("sentence", [
    "Pain was lower in the diclofenac group than in the placebo group.",
    "Pain was significantly lower in the diclofenac group than in the placebo group (p = 0.01).",
])
def test_lower_in_one_arm_than_in_the_other_is_the_first_arms(sentence):
    # "X was lower in the A group than in the B group": the direction is A's, the arm named before "than" (before: the
    # arm after "than" took it)
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert [(o.arm.split()[0], o.direction) for o in ev.outcomes] == [("diclofenac", "decrease")]


@pytest.mark.parametrize("arm", ["in the placebo group", "in placebo group"])
def test_a_rate_per_patient_after_a_value_names_no_arm(arm):
    # "from 3.5 ± 1.2 to 2.0 ± 1.0 episodes per patient in placebo group": "episodes per patient" is the values'
    # unit, not an arm of "patients" (before: the row's arm was "episodes per")
    ev = run(_DICLOFENAC + f"The number of infections decreased from 3.5 ± 1.2 to 2.0 ± 1.0 episodes per patient {arm}.",
             title="Diclofenac vs placebo")
    assert [(o.arm.split()[0], o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [("placebo", 3.5, 2.0)]


def test_people_who_suffered_from_an_event_are_its_responders():
    # "69% of the patients in the erythromycin arm suffered from skin toxicity versus 63% in the standard arm": the
    # event after "suffered from" is the measure, as after "had" or "developed" (before: the sentence gave no row)
    ev = run(_DICLOFENAC + "69% of the patients in the diclofenac arm suffered from skin toxicity versus 63% in the "
             "placebo arm.", title="Diclofenac vs placebo")
    assert sorted((o.measure, o.arm.split()[0], o.percent_responders) for o in ev.outcomes) == [
        ("skin toxicity", "diclofenac", 69.0), ("skin toxicity", "placebo", 63.0)]


def test_counts_listed_before_one_noun_go_to_the_arms_respectively():
    # "Serious adverse events were reported in 4 and 2 patients, respectively": each number is a count of the
    # patients of one arm, in the order the arms were named (was: 4 lost, 2 given to the first arm)
    ev = run("120 patients were randomised to tocilizumab 8 mg/kg (n = 60) or placebo (n = 60). Serious adverse "
             "events were reported in 4 and 2 patients, respectively.", title="Tocilizumab in RA")
    got = sorted((o.arm, o.n_responders) for o in ev.outcomes if o.measure == "serious adverse events")
    assert got == [("placebo", 2), ("tocilizumab 8 mg/kg", 4)]


def test_an_arm_named_by_its_drug_is_the_arm_of_that_drug_and_dose():
    # "in the tocilizumab and placebo groups" with an arm "tocilizumab 8 mg/kg (n = 60)": the same arm
    ev = run("120 patients were randomised to tocilizumab 8 mg/kg (n = 60) or placebo (n = 60). Serious adverse "
             "events occurred in 4 (6.7%) and 2 (3.3%) patients in the tocilizumab and placebo groups, respectively.",
             title="Tocilizumab in RA")
    assert {o.arm for o in ev.outcomes} == {"tocilizumab 8 mg/kg", "placebo"}


def test_a_difference_of_two_shares_is_a_risk_difference_with_its_ci():
    ev = run("A total of 412 patients were randomised to upadacitinib 15 mg (n = 206) or placebo (n = 206). At week 26, "
             "the ACR50 response rate was 45% vs 29% (difference 16%, 95% CI 7 to 25).", title="Upadacitinib in RA")
    got = sorted((o.arm, o.percent_responders, o.effect_size, o.effect_kind) for o in ev.outcomes)
    assert got == [("placebo", 29.0, None, None), ("upadacitinib 15 mg", 45.0, None, None),
                   ("upadacitinib 15 mg vs placebo", None, 16.0, "RD")]


@pytest.mark.parametrize("sentence, field, expected", [
    ("Mean change from baseline in HAQ-DI was −0.56 and −0.25 (P < 0.001).", "change_mean",
     [("baricitinib 4 mg", -0.56), ("placebo", -0.25)]),
    ("Adverse events were reported by 142 (71.0%) and 30 (30.0%) patients.", "n_responders",
     [("baricitinib 4 mg", 142), ("placebo", 30)]),
    ("Baseline ESR was 38.2 ± 12.1 mm/h and 36.9 ± 11.4 mm/h.", "baseline_mean",
     [("baricitinib 4 mg", 38.2), ("placebo", 36.9)]),
])
def test_two_values_joined_by_and_in_a_sentence_naming_no_arm_are_the_two_arms(sentence, field, expected):
    # as many values as the study has arms, joined by "and" alone, in a sentence that names no arm: the arms'
    # values in the order the arms were named (was: the first arm's only, or its baseline and follow-up)
    ev = run("A total of 300 patients were randomised 2:1 to baricitinib 4 mg (n = 200) or placebo (n = 100). "
             + sentence, title="Baricitinib in RA")
    got = sorted((o.arm, getattr(o, field)) for o in ev.outcomes if getattr(o, field) is not None)
    assert got == expected


def test_an_estimate_after_compared_with_the_comparator_is_the_subject_arms():
    # "Compared with placebo, drug A reduced the ESR by ...": the estimate is drug A's against placebo
    ev = run("Sixty patients were randomised to drug A (n = 30) or placebo (n = 30). Compared with placebo, drug A "
             "reduced the ESR by a mean of 11.2 mm/h (95% CI 5.1 to 17.3).", title="Drug A in RA")
    assert [o.arm for o in ev.outcomes if o.effect_size is not None] == ["drug A vs placebo"]


def test_bare_pairs_at_their_own_timepoints():
    # "3.9 vs 5.1 at week 16 and 3.5 vs 5.0 at week 24": each pair is the arms' at its own time (was: "16 and 3.5" read
    # as a list of weeks, the second pair lost and both times given the first)
    ev = run("Sixty patients were randomised to drug A (n = 30) or placebo (n = 30). DAS28 was 3.9 vs 5.1 at week 16 "
             "and 3.5 vs 5.0 at week 24.", title="Drug A in RA")
    got = sorted((o.arm, o.timepoint_weeks, o.followup_mean) for o in ev.outcomes)
    assert got == [("drug A", 16.0, 3.9), ("drug A", 24.0, 3.5), ("placebo", 16.0, 5.1), ("placebo", 24.0, 5.0)]


def test_an_estimates_name_in_brackets_is_no_arm_label():
    # "(estimated difference −0.28; 95% CI ...)": the bracket names the estimate, not an arm
    ev = run("In this trial, 120 patients with RA were randomised to abatacept (n = 60) or infliximab (n = 60). The "
             "primary end point, change in DAS28 at day 197, was −2.53 for abatacept and −2.25 for infliximab "
             "(estimated difference −0.28; 95% CI −0.76 to 0.20).", title="Abatacept or infliximab")
    assert [o.arm for o in ev.outcomes if o.effect_size is not None] == ["abatacept vs infliximab"]


@pytest.mark.parametrize("name", ["response rate", "overall response rate", "total response rate"])
def test_a_response_rate_is_a_measure(name):
    ev = run("Sixty patients were divided into an observation group (n = 30) and a control group (n = 30). The "
             f"{name} was 93.33% in the observation group and 76.67% in the control group (P < 0.05).",
             title="A trial")
    assert sorted((o.arm, o.percent_responders) for o in ev.outcomes) == [("control group", 76.67),
                                                                         ("observation group", 93.33)]
