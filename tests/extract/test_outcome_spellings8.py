"""Outcome rows on unseen trial abstracts (round 8): each test written from a spelling or a layout, with sentences
of our own in the style of MSC-for-RA trial reports."""
from tests.extract.helpers import run

_MSC_CONTROL = "Methods: Sixty patients with RA were randomised to UC-MSC (n = 30) or control (n = 30). Results: "


def test_the_names_of_a_covariate_list_are_not_measures_nor_arms():
    # "When covariates for sex, age group and disease duration were included, ...": what the model was adjusted for
    # (before: "disease duration" was a measure, on the arm "age group")
    ev = run(_MSC_CONTROL + "The hazard ratio of flare was 0.75 (95% CI 0.57-1.00) in the UC-MSC group. When "
             "covariates for sex, age group and disease duration were included, the adjusted HR was 0.73 (95% CI "
             "0.55-0.98, p = 0.033).")
    assert all(o.measure != "disease duration" and o.arm != "age group" for o in ev.outcomes)


def test_an_adjusted_estimate_without_a_measure_is_the_previous_sentences_measures():
    # "the adjusted HR was 0.73 (...)": the estimate of the measure the sentence before named (before: "adjusted HR"
    # was read as a measure of its own)
    ev = run(_MSC_CONTROL + "The hazard ratio of flare was 0.75 (95% CI 0.57-1.00) in the UC-MSC group. When "
             "covariates for sex, age group and disease duration were included, the adjusted HR was 0.73 (95% CI "
             "0.55-0.98, p = 0.033).")
    assert [(o.measure, o.effect_size, o.effect_kind) for o in ev.outcomes if o.effect_size is not None] == [
        ("hazard ratio of flare", 0.75, "HR"), ("hazard ratio of flare", 0.73, "HR")]


def test_an_estimate_adjusted_for_named_covariates_keeps_its_measure():
    ev = run(_MSC_CONTROL + "After adjustment for age and sex, the odds of DAS28 remission were higher with UC-MSC "
             "(adjusted OR 2.10, 95% CI 1.20-3.70).")
    assert [(o.measure_canonical, o.effect_size) for o in ev.outcomes if o.effect_size is not None] == [
        ("DAS28 remission", 2.10)]
    assert all(o.measure not in ("age", "sex") for o in ev.outcomes)


def test_an_arm_label_before_its_count_and_percentage_names_that_arm():
    # "were UC-MSC 20/30 (67%) and control 8/30 (27%)": the arm's label, then its n/N and its bracketed % (before:
    # "control 8/30" was read as the arm's name, and the control arm lost its value)
    ev = run(_MSC_CONTROL + "ACR20 response rates at week 24 were UC-MSC 20/30 (67%) and control 8/30 (27%).")
    assert [(o.arm, o.n_responders, o.percent_responders) for o in ev.outcomes] == [
        ("UC-MSC", 20, 66.67), ("control", 8, 26.67)]


def test_a_subgroup_described_with_and_or_or_after_the_measure_keeps_the_measure():
    # "The median time to flare for the combined populations with mid or high baseline titres was longer ...": who
    # the measure is of, described with "with ... or ..." (before: the "or" ended the description and the measure
    # was lost with its estimate)
    ev = run(_MSC_CONTROL + "The median time to flare for the combined populations with mid or high baseline titres "
             "was longer in the UC-MSC versus the control arm (HR=0.48, 95% CI 0.27-0.85, p=0.01).")
    assert [(o.measure, o.effect_size) for o in ev.outcomes if o.effect_size is not None] == [
        ("median time to flare", 0.48)]


def test_a_measure_that_describes_a_subgroup_is_not_an_outcome():
    # "In patients with high RF, the incidence of flare was ...": the subgroup is described by a measure's name, the
    # outcome is the incidence (before: "RF" got a row of its own on the arm)
    ev = run(_MSC_CONTROL + "In patients with high RF, the incidence of flare was significantly less in UC-MSC group "
             "than in control group (11 vs 22, respectively) (HR = 0.465: 95%CI = 0.224–0.965; P = 0.040).")
    assert {o.measure for o in ev.outcomes} == {"incidence of flare"}


def test_a_measure_after_a_subgroup_description_keeps_its_rows():
    ev = run(_MSC_CONTROL + "In patients with RA for more than 5 years, CRP fell from 12.1 to 6.3 mg/L in the UC-MSC "
             "group.")
    assert [(o.measure, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [("CRP", 12.1, 6.3)]


def test_a_list_of_labels_each_before_its_count_names_the_arms_the_methods_did_not():
    # "Remission rates at week 24 were: MSC 15/30 (50%); placebo 5/30 (17%)": where the study's arm names were not
    # found, each label before its n/N and bracketed % names an arm (before: one "all patients" row, the first value)
    ev = run("Methods: Patients with RA were randomised. Results: Remission rates at week 24 were: MSC 15/30 (50%); "
             "placebo 5/30 (17%).")
    assert [(o.arm, o.n_responders, o.percent_responders) for o in ev.outcomes] == [
        ("MSC", 15, 50.0), ("placebo", 5, 16.67)]


def test_labels_after_their_percent_of_name_the_arms_the_methods_did_not():
    # "in 15% of MSC, 40% of placebo and 21% of MTX treated patients": each label after its "p% of" is an arm (before:
    # one "all patients" row with the first value)
    ev = run("Methods: Patients with RA were randomised. Results: Flares were seen by week 12 in 15% of MSC, 40% of "
             "placebo and 21% of MTX treated patients.")
    assert [(o.arm, o.percent_responders) for o in ev.outcomes] == [("MSC", 15.0), ("placebo", 40.0), ("MTX", 21.0)]


def test_a_quantifier_before_patients_is_not_an_arm():
    # "improved in most patients ... (82.7% and 87.2% in the UC-MSC and control group, respectively)": "most patients"
    # says how many, it is no arm (before: a third arm that broke the "respectively" pairing; the control arm lost
    # its value)
    ev = run(_MSC_CONTROL + "Morning stiffness improved in most patients with no significant difference between "
             "groups (82.7% and 87.2% in the UC-MSC and control group, respectively).")
    assert [(o.arm, o.percent_responders) for o in ev.outcomes] == [("UC-MSC", 82.7), ("control", 87.2)]
