"""Outcome rows on unseen trial abstracts (round 4): each test written from a spelling or a layout,
with sentences of our own."""
import pytest

from tests.extract.helpers import rows, run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("verb", ["is", "was"])
def test_a_measure_with_its_values_after_a_present_tense_copula(verb):
    # "After the treatment the KPS is 89.00 ± 9.92 in the trial group, and 84.17 ± 8.84 in the control group"
    ev = run(_DICLOFENAC + f"After treatment the KPS {verb} 89.00 ± 9.92 in the diclofenac group, and 84.17 ± 8.84 in the "
             "placebo group (P = 0.028).", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.followup_mean) for o in rows(ev, "KPS")) == [
        ("diclofenac", 89.0), ("placebo", 84.17)]


@pytest.mark.parametrize("sentence", [
    "The response rate was 45% in the diclofenac group and 20% in the placebo group.",
    "Response rates were 45% in the diclofenac group and 20% in the placebo group.",
])
def test_a_bare_response_rate_is_a_measure(sentence):
    # "the response rate is 13/69 (18.84%); in the control group ... 1/36 (2.78%)": an oncology response rate
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.percent_responders) for o in ev.outcomes
                  if o.measure.lower().startswith("response rate")) == [("diclofenac", 45.0), ("placebo", 20.0)]


def test_a_clause_led_by_its_arm_then_the_measure_gives_that_arm():
    # "In the trial group ... the response rate is 13/69; in the control group ... the response rate 1/36"
    ev = run(_DICLOFENAC + "In the diclofenac group the remission rate was 9/20 (45%); in the placebo group the remission "
             "rate was 4/20 (20%).", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.percent_responders) for o in rows(ev, "remission rate")) == [
        ("diclofenac", 45.0), ("placebo", 20.0)]


@pytest.mark.parametrize("unit", ["ml/minute/1.73 m2", "mL/min/1.73 m²", "ml/min/1.73m2"])
def test_a_unit_per_body_surface_between_an_arms_value_and_the_next(unit):
    # "58.00 ml/minute/1.73 m2 in the everolimus group versus 55.25 ml/minute/1.73 m2 in the MMF group"
    ev = run(_DICLOFENAC + f"The mean eGFR at month 12 was 58.00 {unit} in the diclofenac group versus 55.25 {unit} in the "
             "placebo group (P = 0.063).", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.followup_mean) for o in rows(ev, "mean eGFR")) == [
        ("diclofenac", 58.0), ("placebo", 55.25)]


@pytest.mark.parametrize("sentence, expected", [
    ("Nausea occurred in 10.6% of patients, headache in 8.4%, and dizziness in 1.7%.",
     [("Nausea", 10.6), ("dizziness", 1.7), ("headache", 8.4)]),
    ("In the diclofenac group, rash occurred in 12 patients (20%), pruritus in 6 (10%) and oedema in 3 (5%).",
     [("oedema", 5.0), ("pruritus", 10.0), ("rash", 20.0)]),
])
def test_listed_events_each_with_its_share_after_in(sentence, expected):
    # "puncture of the carotid artery occurred in 10.6% of patients, haematoma in 8.4%, haemothorax in 1.7%"
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.measure, o.percent_responders) for o in ev.outcomes) == expected


def test_the_treatment_and_control_groups_name_two_arms():
    # "between the treatment and control groups at T6 (median 0.14 and 0.33, respectively; P = 0.0016)"
    ev = run("Methods: Sixty patients were randomised. Results: The colonisation index differed between the treatment and "
             "control groups at day 6 (median 0.14 and 0.33, respectively; P = 0.0016).", title="Nystatin prophylaxis")
    got = {o.median: o.arm for o in rows(ev, "colonisation index")}
    assert got == {0.14: "treatment group", 0.33: "control group"}


def test_a_percentage_of_the_body_is_a_measure():
    # "Decreases in body fat percentage (−0.8 ± 4.8%, p = 0.015) and resting systolic BP (−2.6 ± 8.8 mmHg, ...)"
    ev = run(_DICLOFENAC + "Body fat percentage fell from 31.2 to 30.4 in the diclofenac group.", title="Diclofenac vs placebo")
    assert [(o.baseline_mean, o.followup_mean) for o in rows(ev, "Body fat percentage")] == [(31.2, 30.4)]


@pytest.mark.parametrize("sentence, expected", [
    ("Diclofenac reduced pain and stiffness by 23% and 35%, respectively.", [("pain", -23.0), ("stiffness", -35.0)]),
    ("Diclofenac increased walking speed and grip strength by 12% and 8%, respectively.",
     [("grip strength", 8.0), ("walking speed", 12.0)]),
    ("Diclofenac participants reported reductions in pain and stiffness (23% and 35%, respectively).",
     [("pain", -23.0), ("stiffness", -35.0)]),
])
def test_percent_changes_of_two_measures_respectively(sentence, expected):
    # "reductions in fatigue ... for fatigue severity and fatigue-disrupted quality of life (23% and 35%, respectively)"
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.measure, o.percent_change) for o in ev.outcomes) == expected
    assert all(o.percent_responders is None for o in ev.outcomes)


@pytest.mark.parametrize("time", ["by day 28", "by week 12", "by 6 months"])
def test_a_subject_with_a_deadline_and_its_arm_before_the_verb(time):
    # "The prevalence of parasitological failure by day 28 for the CQ group was 60.3%, compared to 17.6% for SP"
    ev = run(_DICLOFENAC + f"The rate of treatment failure {time} for the diclofenac group was 60.3%, compared to 17.6% "
             "for placebo.", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.percent_responders) for o in rows(ev, "rate of treatment failure")) == [
        ("diclofenac", 60.3), ("placebo", 17.6)]


def test_an_iqr_written_with_equals_is_no_value_of_its_own():
    # "The median total exercise duration was 11.7 h (IQR = 22.0)": 22.0 is the spread, not the median
    from extract import sentence_values
    assert sentence_values._threshold_or_age_before("11.7 h (IQR = ")
    assert sentence_values._AGE_BEFORE.search("11.7 h (IQR = ")
    ev = run(_DICLOFENAC + "The median CRP was 11.7 (IQR = 22.0) in the diclofenac group.", title="Diclofenac vs placebo")
    assert [o.median for o in rows(ev, "CRP")] in ([11.7], [])


def test_a_percent_sign_written_once_after_a_list_of_values():
    # "The projected prevalence of treatment failure was 30.2, 6.06, and 3.94% in the CQ, SP, and CQ/SP groups"
    ev = run("Methods: Ninety children were randomised to CQ, SP or CQ/SP. Results: The prevalence of treatment failure was "
             "30.2, 6.06, and 3.94% in the CQ, SP, and CQ/SP groups, respectively.", title="CQ, SP or CQ/SP")
    got = [(o.percent_responders, o.followup_mean) for o in rows(ev, "prevalence of treatment failure")]
    assert got == [(30.2, None), (6.06, None), (3.94, None)]


def test_a_combination_arm_is_not_its_first_drug():
    # "13.9% for CQ/SP": the combination of two study arms' drugs is an arm of its own
    ev = run("Methods: Ninety children were randomised to CQ, SP or CQ/SP. Results: The prevalence of treatment failure was "
             "30.2, 6.06, and 3.94% in the CQ, SP, and CQ/SP groups, respectively.", title="CQ, SP or CQ/SP")
    assert [o.arm for o in rows(ev, "prevalence of treatment failure")][2] not in ("CQ", "SP")


@pytest.mark.parametrize("sentence, measure, expected", [
    ("The median progression-free survival was 11.5 months in the diclofenac group and 8.2 months in the placebo group.",
     "median progression-free survival", [("diclofenac", 11.5), ("placebo", 8.2)]),
    ("The mean length of hospital stay was 6.2 days in the diclofenac group and 8.1 days in the placebo group.",
     "mean length of hospital stay", [("diclofenac", 6.2), ("placebo", 8.1)]),
])
def test_a_time_measure_keeps_its_values_in_time_units(sentence, measure, expected):
    # "The median progression-free survival ... was shorter in the CTX versus the CT arm (26.7 months versus 12.3 months"
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = sorted((o.arm.split()[0], o.median if o.median is not None else o.followup_mean) for o in rows(ev, measure))
    assert got == expected


@pytest.mark.parametrize("sentence", [
    "Patients had a mean disease duration of 5.2 months and were followed for 12 months.",
    "Time to onset was recorded at 6 weeks and after 12 weeks.",
    "The median follow-up was 24 months.",
])
def test_durations_and_timepoints_stay_no_values(sentence):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert [(o.followup_mean, o.median) for o in ev.outcomes if o.followup_mean or o.median] == []


def test_a_list_of_timepoints_in_minutes_is_no_time_value():
    # "insertion time (LM, 7.58 ± 1.16 s vs. ETI, 7.89 ± 1.52 s), Apgar score at 1 and 5 min, response time"
    ev = run(_DICLOFENAC + "There were no differences in insertion time (diclofenac, 7.58 ± 1.16 s vs. placebo, 7.89 ± 1.52 s), "
             "Apgar score at 1 and 5 min, response time and ventilation time between groups.", title="Diclofenac vs placebo")
    assert sorted(o.followup_mean for o in ev.outcomes if o.followup_mean is not None) == [7.58, 7.89]


def test_a_median_time_versus_another_is_the_named_groups_first():
    # "a shorter median time to treatment failure among women with HER2-positive tumors (2.3 versus 4.2 months)"
    ev = run("Results: There was a shorter median time to treatment failure among women with HER2-positive tumors "
             "(2.3 versus 4.2 months; P = 0.067).", title="Three doses of paclitaxel")
    assert [o.median for o in rows(ev, "median time to treatment failure")][:1] == [2.3]


@pytest.mark.parametrize("stat", ["p for trend", "P for interaction", "p for heterogeneity"])
def test_a_p_for_trend_is_no_value(stat):
    # "quality of life (p for trend = 0.052)": a p value, not the measure's level
    from extract import sentence_values
    assert sentence_values._threshold_or_age_before(f"quality of life ({stat} = ")
    assert sentence_values._AGE_BEFORE.search(f"quality of life ({stat} = ")
    ev = run(_DICLOFENAC + f"The effect favoured diclofenac for pain (p = 0.031) and quality of life ({stat} = 0.052).",
             title="Diclofenac vs placebo")
    assert [o.followup_mean for o in ev.outcomes if o.followup_mean is not None] == []


@pytest.mark.parametrize("sentence", [
    "Conclusions: Ketamine (0.5mg/kg) led to fewer movements and less crying compared to midazolam (0.2mg/kg).",
    "Conclusion: Consumption of 800 mg/d of the leaf powder did not change body weight.",
])
def test_a_dose_per_kilogram_or_per_day_is_no_value(sentence):
    # "Ketamine (0.5mg/kg) led to fewer movements": a dose, not a level of a measure
    ev = run("Methods: Seventeen children received ketamine or midazolam. Results: Crying decreased. " + sentence,
             title="Ketamine vs midazolam")
    assert [o.followup_mean for o in ev.outcomes if o.followup_mean is not None] == []


def test_a_clause_led_by_its_arm_then_there_was():
    # "In the trial group there was 1 CR case and 12 PR cases, and the response rate is 13/69 (18.84%); in the control ..."
    ev = run(_DICLOFENAC + "In the diclofenac group there were 2 relapses and the remission rate was 9/20 (45%); in the "
             "placebo group there were 6 relapses and the remission rate was 4/20 (20%).", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.percent_responders) for o in rows(ev, "remission rate")) == [
        ("diclofenac", 45.0), ("placebo", 20.0)]


def test_a_time_value_before_its_iqr_is_no_arm():
    # "Median time to recovery was 5 days (IQR 3–7) with X versus 7 days (IQR 5–10) with placebo": "7 days" is a value
    ev = run(_DICLOFENAC + "Median time to recovery was 5 days (IQR 3–7) with diclofenac versus 7 days (IQR 5–10) with placebo.",
             title="Diclofenac vs placebo")
    assert sorted((o.arm, o.median) for o in rows(ev, "Median time to recovery")) == [("diclofenac", 5.0), ("placebo", 7.0)]


@pytest.mark.parametrize("lead", ["Mean ± SD", "Mean±SD", "Mean (SD)"])
def test_a_statistic_label_before_the_measure_is_not_its_name(lead):
    # "Mean ± SD VAS at 12 weeks: diclofenac 3.1 ± 1.2, placebo 5.2 ± 1.9": the measure is VAS
    ev = run(_DICLOFENAC + f"{lead} VAS pain at 12 weeks: diclofenac 3.1 ± 1.2, placebo 5.2 ± 1.9 (P < 0.01).",
             title="Diclofenac vs placebo")
    assert sorted((o.measure_canonical, o.followup_mean) for o in ev.outcomes) == [("VAS pain", 3.1), ("VAS pain", 5.2)]


@pytest.mark.parametrize("sentence", [
    "Compared with placebo, diclofenac significantly reduced CRP (−12.3 vs −2.1 mg/L; P = 0.01).",
    "Diclofenac reduced CRP more than placebo (−12.3 vs −2.1 mg/L; P = 0.01).",
])
def test_signed_values_after_a_change_verb_are_changes(sentence):
    # "diclofenac significantly reduced CRP (−12.3 vs −2.1 mg/L)": negative levels of CRP do not exist, these are changes
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.arm, o.change_mean, o.followup_mean) for o in rows(ev, "CRP")) == [
        ("diclofenac", -12.3, None), ("placebo", -2.1, None)]


def test_unsigned_values_after_a_change_verb_stay_levels():
    ev = run(_DICLOFENAC + "Diclofenac reduced CRP more than placebo (5.4 vs 8.1 mg/L; P = 0.01).", title="Diclofenac vs placebo")
    assert sorted((o.arm, o.change_mean, o.followup_mean) for o in rows(ev, "CRP")) == [
        ("diclofenac", None, 5.4), ("placebo", None, 8.1)]


def test_a_share_right_before_its_measure_is_the_measures():
    # "There were 12 (40%) ACR20 responders in the X group versus 6 (20%) in the placebo group"
    ev = run(_DICLOFENAC + "There were 12 (40%) ACR20 responders in the diclofenac group versus 6 (20%) in the placebo group.",
             title="Diclofenac vs placebo")
    assert sorted((o.arm, o.n_responders, o.percent_responders) for o in rows(ev, "ACR20")) == [
        ("diclofenac", 12, 40.0), ("placebo", 6, 20.0)]


@pytest.mark.parametrize("sentence", [
    "Serum IL-6 fell by 32% and TNF-α by 18% at 3 months.",
    "Serum IL-6 decreased by 32%, and serum TNF-α by 18% at 3 months.",
])
def test_a_second_measure_with_the_change_verb_left_out(sentence):
    # "X fell by 32% and Y by 18%": the second measure's change shares the first one's verb
    ev = run("Methods: Sixty-four patients with RA received intravenous umbilical cord MSCs. Results: " + sentence,
             title="Umbilical cord MSC for rheumatoid arthritis")
    assert sorted((o.measure_canonical, o.percent_change) for o in ev.outcomes) == [("IL-6", -32.0), ("TNF-alpha", -18.0)]
