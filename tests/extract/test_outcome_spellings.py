"""Outcome rows on unseen trial abstracts (round 3): each test written from a spelling or a layout,
with sentences of our own."""
import pytest

from tests.extract.helpers import rows, run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("sentence", [
    "The CD4+ count was +170 vs +183 cells/mm3 (p = 0.40).",
    "The CD4+ count rose by +170 in the diclofenac group and +183 in the placebo group.",
])
def test_values_written_with_a_plus_sign(sentence):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = sorted((o.arm.split()[0], o.followup_mean if o.followup_mean is not None else o.change_mean)
                 for o in rows(ev, "CD4+ count"))
    assert got == [("diclofenac", 170.0), ("placebo", 183.0)]


@pytest.mark.parametrize("sentence", [
    "Week 48 median triglycerides were higher in the diclofenac group (150 vs 131 mg/dL).",
    "At 12 months median triglycerides were higher in the diclofenac group (150 vs 131 mg/dL).",
    "At week 48, median triglycerides were higher in the diclofenac group (150 vs 131 mg/dL).",
])
def test_an_open_measure_after_a_leading_timepoint_is_the_subject(sentence):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.measure, o.median) for o in ev.outcomes) == [
        ("median triglycerides", 131.0), ("median triglycerides", 150.0)]


@pytest.mark.parametrize("sentence", [
    "The CD4 count change from baseline was 170 vs 183 cells/mm3.",
    "The CD4 count changes were 170 vs 183 cells/mm3.",
    "The CD4 count change-from-baseline was 170 vs 183 cells/mm3.",
])
def test_an_open_measure_followed_by_change_from_baseline(sentence):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.change_mean) for o in rows(ev, "CD4 count")) == [
        ("diclofenac", 170.0), ("placebo", 183.0)]


def test_the_greatest_individual_change_names_no_measure():
    ev = run(_DICLOFENAC + "The greatest individual change was 10 dB.", title="Diclofenac vs placebo")
    assert ev.outcomes == ()


def test_a_timepoint_led_clause_after_although_has_its_own_measure():
    ev = run(_DICLOFENAC + "HDL-cholesterol changes-from-baseline were similar, although week 48 median fasting "
             "triglycerides were higher with diclofenac (150 vs 131 mg/dL).", title="Diclofenac vs placebo")
    assert sorted((o.measure, o.median) for o in ev.outcomes if o.median is not None) == [
        ("median fasting triglycerides", 131.0), ("median fasting triglycerides", 150.0)]


@pytest.mark.parametrize("sentence, measure, key", [
    ("The success rate was 73.7% vs. 71.4% at six months and 72.2% vs. 68.4% at 12 months in the diclofenac group "
     "and the placebo group respectively.", "success rate", "percent_responders"),
    ("Follow-up rates were higher in the diclofenac group (73.7% vs. 71.4% at 6 months and 72.2% vs. 68.4% at "
     "12 months).", "Follow-up rates", "percent_responders"),
    ("The DAS28 was 73.7 vs. 71.4 at 6 months and 72.2 vs. 68.4 at 12 months.", "DAS28", "followup_mean"),
])
def test_two_arms_values_at_each_of_two_timepoints(sentence, measure, key):
    # "a vs. b at T1 and c vs. d at T2": each timepoint's pair, one value per arm in the arms' order
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = sorted((o.timepoint_weeks, o.arm, getattr(o, key)) for o in rows(ev, measure))
    assert got == [(26.0, "diclofenac", 73.7), (26.0, "placebo", 71.4), (52.0, "diclofenac", 72.2),
                   (52.0, "placebo", 68.4)]


def test_a_ci_labelled_with_its_abbreviation_in_brackets_is_no_value():
    # "66.7% (95% confidence interval [CI], 52.9-78.6%)": the interval's bounds are not the arms' values
    ev = run(_DICLOFENAC + "In the diclofenac group, 66.7% (95% confidence interval [CI], 52.9\u201378.6%) of the patients "
             "showed hearing improvement compared to 53.6% (95% CI, 39.7\u201367.0%) of the patients in the placebo group "
             "(P = 0.109).", title="Diclofenac vs placebo")
    assert sorted((o.arm, o.percent_responders) for o in ev.outcomes) == [("diclofenac", 66.7), ("placebo", 53.6)]


def test_in_the_group_comma_then_a_percentage_of_the_patients_who_showed():
    ev = run("Methods: Patients were randomised to IGF-1 or dexamethasone. Results: In the IGF-1 group, 66.7% (95% CI, "
             "52.9\u201378.6%) of the patients showed hearing improvement.", title="IGF-1 for sudden deafness")
    assert [(o.arm.split()[0], o.percent_responders) for o in ev.outcomes] == [("IGF-1", 66.7)]


def test_a_name_ending_in_digits_then_a_colon_is_no_ratio():
    # "(ACR20: 75% vs 83%)": "20: 75" is not a ratio like "randomised 1:1"
    ev = run(_DICLOFENAC + "At week 48, responses were similar (ACR20: 75% vs 83%, p = 0.34).", title="Diclofenac vs placebo")
    assert sorted((o.arm, o.percent_responders) for o in rows(ev, "ACR20")) == [("diclofenac", 75.0), ("placebo", 83.0)]


@pytest.mark.parametrize("sentence", [
    "Outcomes at week 48 were similar (mean CD4 count change: 170 vs 183 cells/mm3, p = 0.398).",
    "Mean CD4 count change-from-baseline: +170 vs +183 cells/mm3, p = 0.398.",
])
def test_an_open_name_as_a_label_before_two_compared_values(sentence):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.change_mean) for o in ev.outcomes) == [("diclofenac", 170.0), ("placebo", 183.0)]


@pytest.mark.parametrize("heading", ["Methodology/Principal Findings", "Methods and Findings", "Principal Findings"])
def test_a_plos_findings_heading_opens_the_results(heading):
    ev = run("Background: Leadership training is popular. " + heading + ": Students were randomised to an intervention "
             "group (n = 50) or a control group (n = 130). The self-esteem scores increased by 1.28 in the intervention "
             "group and decreased by 0.30 in the control group (p = 0.161).", title="Leadership training in school")
    assert sorted((o.arm, o.change_mean) for o in rows(ev, "self-esteem scores")) == [
        ("control group", -0.3), ("intervention group", 1.28)]


@pytest.mark.parametrize("sentence", [
    "Their mean age was 15.18 years (0.62) and 56.7% were male.",
    "A sample size of 2400 children was needed to detect a difference.",
])
def test_an_age_or_a_sample_size_is_no_outcome(sentence):
    assert run(_DICLOFENAC + sentence, title="Diclofenac vs placebo").outcomes == ()


@pytest.mark.parametrize("sentence, measure, pair", [
    ("In the diclofenac group, the mean percentage of nuclei stained by Ki-67 was 24.69% before and 10.43% after "
     "treatment.", "Ki-67", (24.69, 10.43)),
    ("Mean HbA1c was 8.1% before and 7.2% after treatment.", "HbA1c", (8.1, 7.2)),
    ("Mean DAS28 was 5.1 \u00b1 0.8 before and 3.2 \u00b1 0.9 after treatment.", "DAS28", (5.1, 3.2)),
])
def test_values_before_and_after_treatment_are_baseline_and_follow_up(sentence, measure, pair):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = [(o.baseline_mean, o.followup_mean, o.percent_responders) for o in ev.outcomes if measure in o.measure]
    assert got == [(*pair, None)]


@pytest.mark.parametrize("sentence, measure", [
    ("The percentage of nuclei stained by estrogen receptor (1D5) was 59.53% before and 25.99% after treatment.",
     "estrogen receptor"),
    ("The percentage of nuclei stained by progesterone receptor (PgR 636), was 59.34 before and 25.99% after "
     "treatment.", "progesterone receptor"),
])
def test_a_measure_with_a_short_label_in_brackets_before_was_and_its_value(sentence, measure):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert [(o.measure, o.followup_mean) for o in ev.outcomes] == [(measure, 25.99)]


def test_open_names_listed_with_their_percentages_of_people_respectively():
    # "A, B, C and D were reported in 55.5%, 50.6%, 20.1% and 29.7% of the patients respectively"
    ev = run(_DICLOFENAC + "Anaemia, fever, rash and nausea were reported in 55.5%, 50.6%, 20.1% and 29.7% of the "
             "patients respectively.", title="Diclofenac vs placebo")
    assert [(o.measure.lower(), o.percent_responders) for o in ev.outcomes] == [
        ("anaemia", 55.5), ("fever", 50.6), ("rash", 20.1), ("nausea", 29.7)]


def test_a_timepoints_unit_before_a_list_of_measures_is_no_measure():
    ev = run(_DICLOFENAC + "Between 26 and 35 wk, haemoglobin, leucocytes and absolute neutrophil counts decreased in the "
             "diclofenac group.", title="Diclofenac vs placebo")
    assert "wk" not in {o.measure for o in ev.outcomes} and "haemoglobin" in {o.measure.lower() for o in ev.outcomes}


@pytest.mark.parametrize("sentence, measure, change", [
    ("The diclofenac group achieved a 0.7 g/kg/day increase in protein intake.", "protein intake", 0.7),
    ("The diclofenac group showed a 12 mmHg reduction in systolic blood pressure.", "systolic blood pressure", -12.0),
])
def test_a_value_with_any_unit_before_a_change_word_and_the_measure(sentence, measure, change):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    assert [o.change_mean for o in ev.outcomes if o.measure.lower() == measure] == [change]


def test_a_duration_before_a_change_word_is_no_change():
    ev = run(_DICLOFENAC + "The diclofenac group showed a 12-week reduction in pain scores.", title="Diclofenac vs placebo")
    assert [o.change_mean for o in ev.outcomes] == [None]


def test_an_sd_written_with_equals_and_a_ci_with_semicolons_are_no_values():
    # "decreased by 3.34 cm (SD = 9.3; CI95%: -5.56;-1.13)": the SD and the CI bounds are not changes
    ev = run(_DICLOFENAC + "Mean waist circumference decreased by 3.34 cm (SD = 9.3; CI95%: -5.56;-1.13) in the diclofenac "
             "group.", title="Diclofenac vs placebo")
    assert [o.change_mean for o in ev.outcomes] == [-3.34]



def test_an_sd_written_with_equals_is_no_value_of_its_own():
    # "1.05% (SD = 2.0; CI95%: ...)": 2.0 is the spread of 1.05, not a second value
    from extract import sentence_values
    assert sentence_values._threshold_or_age_before("1.05% (SD = ")
    assert sentence_values._AGE_BEFORE.search("1.05% (SD = ")
    assert not sentence_values._threshold_or_age_before("HbA1c was ")


def test_from_one_year_to_another_is_no_pair_of_values():
    ev = run("Methods and findings: We used individual participant data from the Blood Pressure Lowering Treatment "
             "Trialists' Collaboration (BPLTTC) from 1995 to 2013. Patients were followed for 4 years.", title="BP")
    assert [(o.baseline_mean, o.followup_mean) for o in ev.outcomes if o.baseline_mean or o.followup_mean] == []
