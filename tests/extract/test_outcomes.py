"""Outcome rows, each test written from a spelling seen in real abstracts."""
import pytest

from tests.extract.helpers import rows, run


def test_p_attached_to_a_list_of_measures_with_timepoint_groups():
    ev = run("The ESR, CRP, RF of 1 year and 3 years after treatment and anti-CCP of 3 years after treatment "
             "were detected to be lower than that of pretreatment, which showed significant change (P < 0.05).")
    got = {(o.measure, o.timepoint_weeks, o.direction, o.p_value) for o in ev.outcomes}
    assert got == {(m, w, "decrease", "<0.05") for m in ("ESR", "CRP", "RF") for w in (52.0, 156.0)} | {
        ("anti-CCP", 156.0, "decrease", "<0.05")}


def test_change_mean_sd_with_unicode_minus_and_p_without_leading_zero():
    ev = run("Serum erythrocyte sedimentation rate changes at 4 weeks (n = 9) were \u22127.9 \u00b1 10.4 "
             "(p = .0517) and DAS28 changes were \u22121.60 \u00b1 1.57 (p = .0159).")
    esr, das = rows(ev, "ESR")[0], rows(ev, "DAS28")[0]
    assert (esr.change_mean, esr.change_sd, esr.p_value, esr.n, esr.timepoint_weeks) == (-7.9, 10.4, "=0.0517", 9, 4.0)
    assert (das.change_mean, das.change_sd, das.p_value, das.direction) == (-1.6, 1.57, "=0.0159", "decrease")


def test_baseline_in_another_sentence_joins_the_measure():
    ev = run("Baseline 28\u2010joint disease activity score (DAS28; using erythrocyte sedimentation rate) was 4.53. "
             "DAS28 changes at 4 weeks were \u22121.60 \u00b1 1.57.")
    das = rows(ev, "DAS28")
    assert [(r.baseline_mean, r.change_mean) for r in das] == [(4.53, -1.6)]
    assert rows(ev, "ESR") == []


def test_nominal_direction_cues_over_a_list():
    ev = run("Furthermore, an increase in IL-10 levels and a reduction in IL-6 levels appeared. "
             "Reduced levels of IL\u20101\u03b2, IL\u20108, and TNF\u2010\u03b1 at 24 hours were observed "
             "in the cluster infused with 1 \u00d7 108 MSCs.")
    d = {o.measure: o.direction for o in ev.outcomes}
    assert d == {"IL-10": "increase", "IL-6": "decrease", "IL-1beta": "decrease", "IL-8": "decrease",
                 "TNF-alpha": "decrease"}
    assert rows(ev, "TNF-alpha")[0].timepoint_weeks == 0.14


def test_improved_follows_the_measure_direction():
    ev = run("HAQ scores improved significantly and ACR20 response rates improved.")
    assert {o.measure: o.direction for o in ev.outcomes} == {"HAQ": "decrease", "ACR20": "increase"}


def test_but_not_in_group_is_no_change():
    ev = run("A transient increase in serum IFN-\u03b3 levels was observed in the response group, "
             "but not in the no-response group.")
    assert {(o.arm, o.direction) for o in rows(ev, "IFN-gamma")} == {
        ("response group", "increase"), ("no-response group", "no change")}


def test_no_significant_change():
    ev = run("Tender joint count and swollen joint count did not change.")
    assert {o.measure: o.direction for o in ev.outcomes} == {"TJC": "no change", "SJC": "no change"}


def test_respectively_percentages_per_arm_and_timepoint():
    ev = run("Fifty-three patients were treated (20 in cohort A, 20 in cohort B, 6 in cohort C and 7 in placebo "
             "group). American College of Rheumatology 20 responses for cohorts A, B, C and placebo were 45%, 20%, "
             "33% and 29%, respectively, at month 1, and 25%, 15%, 17% and 0%,")
    got = [(o.arm, o.n, o.timepoint_weeks, o.percent_responders) for o in rows(ev, "ACR20")]
    assert got[:4] == [("cohort A", 20, 4.33, 45.0), ("cohort B", 20, 4.33, 20.0), ("cohort C", 6, 4.33, 33.0),
                       ("placebo group", 7, 4.33, 29.0)]
    assert [g[2:] for g in got[4:]] == [(None, 25.0), (None, 15.0), (None, 17.0), (None, 0.0)]


def test_adverse_events_per_group_over_the_follow_up():
    ev = run("Patients were followed for 24 weeks. Fifty-three patients were treated (20 in cohort A and 7 in "
             "placebo group). Seventeen patients from the group A (85%) and 4 from the placebo group (57%) "
             "experienced at least one AE. A total of 141 adverse events (AEs) were reported.")
    got = [(o.arm, o.n_responders, o.percent_responders, o.timepoint_weeks) for o in rows(ev, "adverse events")]
    assert got == [("cohort A", 17, 85.0, 24.0), ("placebo group", 4, 57.0, 24.0)]


def test_no_serious_adverse_events_is_a_safety_statement_not_a_row():
    ev = run("Four patients received MSCs. No serious adverse events were reported.")
    assert rows(ev, "adverse events") == []
    assert ev.safety and "No serious adverse events" in ev.safety[0].text


def test_responders_in_words_and_zero():
    ev = run("Four patients with active RA underwent MSCT. Three of four patients received a reduction in ESR, "
             "DAS-28, and pain VAS score at 1 and 6 months after transplantation. Two of the three had a European "
             "League Against Rheumatism (EULAR) moderate response at 6 months but experienced a relapse at 7 and "
             "23 months, respectively. Two patients had no EULAR response to MSCT. No one had achieved the "
             "DAS-28-defined remission in the follow-up period.")
    esr = [(o.timepoint_weeks, o.n_responders, o.percent_responders, o.direction) for o in rows(ev, "ESR")]
    assert esr == [(4.33, 3, 75.0, "decrease"), (26.0, 3, 75.0, "decrease")]
    eular = [(o.timepoint_weeks, o.n_responders, o.percent_responders) for o in rows(ev, "EULAR response")]
    assert eular == [(26.0, 2, 50.0)]
    rem = rows(ev, "DAS28 remission")
    assert [(o.n_responders, o.percent_responders) for o in rem] == [(0, 0.0)]
    assert len(rows(ev, "VAS pain")) == 2


def test_methods_sentences_give_no_rows():
    ev = run("Outcomes were evaluated according to the 28-joint Disease Activity Score and Health Assessment "
             "Questionnaire. The DAS28 and HAQ were used to assess efficacy.")
    assert ev.outcomes == ()


def test_eular_needs_response():
    ev = run("Patients met the 2010 ACR/EULAR classification criteria and CRP decreased.")
    assert [o.measure for o in ev.outcomes] == ["CRP"]


def test_from_to_means_and_arm_comparison():
    ev = run("A total of 172 patients were randomized to UC-MSCs (n = 86) or placebo (n = 86). At week 24, the ACR20 "
             "response rate was 46.5% in the MSC group versus 18.6% in the placebo group (P < 0.001). DAS28 "
             "decreased from 5.6 \u00b1 0.9 to 3.2 \u00b1 1.1 at week 24 in the MSC group (P < 0.001).")
    acr = {(o.arm, o.n, o.percent_responders) for o in rows(ev, "ACR20")}
    assert acr == {("UC-MSCs", 86, 46.5), ("placebo", 86, 18.6)}
    das = rows(ev, "DAS28")[0]
    assert (das.baseline_mean, das.baseline_sd, das.followup_mean, das.followup_sd) == (5.6, 0.9, 3.2, 1.1)
    assert das.arm == "UC-MSCs"


def test_n_percent_patients():
    ev = run("Eighteen patients were enrolled. Adverse events were reported in 4 patients (22.2%), all mild. "
             "EULAR good or moderate response was observed in 9 (50%) patients at week 12.")
    ae, eular = rows(ev, "adverse events")[0], rows(ev, "EULAR response")[0]
    assert (ae.n_responders, ae.percent_responders) == (4, 22.2)
    assert (eular.n_responders, eular.percent_responders, eular.timepoint_weeks) == (9, 50.0, 12.0)


def test_effect_size():
    ev = run("DAS28 improved with an effect size of 0.82 at 12 weeks.")
    assert rows(ev, "DAS28")[0].effect_size == 0.82


def test_every_row_has_provenance_inside_the_abstract():
    abstract = "Twelve patients received MSCs. HAQ decreased at 6 months (P = 0.02)."
    ev = run(abstract)
    for o in ev.outcomes:
        p = o.provenance
        assert p.record_id == "t1" and p.location == "abstract"
        assert abstract[p.start:p.end] == p.text


def test_two_arms_in_listed_order_with_versus_and_respectively():
    ev = run("Sixty-three patients with active RA were randomised 1:1 to UC-MSC plus low-dose IL-2 (n=32) or IL-2 "
             "alone (n=31). At week 24, the proportion of patients achieving ACR50 was 37.5% (12/32) versus 16.1% "
             "(5/31) (P=0.048). DAS28-CRP change from baseline was -2.1 (1.3) versus -1.2 (1.1). EULAR good or "
             "moderate response was achieved by 24 (75.0%) and 15 (48.4%) patients, respectively.")
    assert [(a.name, a.n, a.is_control) for a in ev.arms] == [("UC-MSC plus low-dose IL-2", 32, False),
                                                              ("IL-2 alone", 31, True)]
    acr = [(o.arm, o.n_responders, o.percent_responders, o.timepoint_weeks) for o in rows(ev, "ACR50")]
    assert acr == [("UC-MSC plus low-dose IL-2", 12, 37.5, 24.0), ("IL-2 alone", 5, 16.1, 24.0)]
    assert [(o.arm, o.change_mean) for o in rows(ev, "DAS28")] == [("UC-MSC plus low-dose IL-2", -2.1),
                                                                  ("IL-2 alone", -1.2)]
    assert [o.n_responders for o in rows(ev, "EULAR response")] == [24, 15]


def test_values_paired_with_their_timepoints():
    ev = run("A total of 40 patients were enrolled. The ACR20 response rates were 59.3% at 3 months and 53.5% at "
             "6 months.")
    assert [(o.timepoint_weeks, o.percent_responders) for o in rows(ev, "ACR20")] == [(13.0, 59.3), (26.0, 53.5)]


def test_bare_from_to_values_and_sign_from_wording():
    ev = run("Nine patients received MSCs. At 3 months, DAS28 decreased from 6.2 to 3.1. Mean HAQ-DI improved by "
             "0.45 (SD 0.30).")
    das, haq = rows(ev, "DAS28")[0], rows(ev, "HAQ")[0]
    assert (das.baseline_mean, das.followup_mean, das.direction) == (6.2, 3.1, "decrease")
    assert (haq.change_mean, haq.change_sd, haq.direction) == (-0.45, 0.3, "decrease")


def test_between_group_no_difference_and_the_treated_arm_by_default():
    ev = run("Thirty patients were randomly assigned to 40 × 10^6 autologous BM-MSCs (n = 15) or placebo (n = 15). "
             "DAS28 did not differ significantly between groups at 12 months (P = 0.42).")
    [das] = rows(ev, "DAS28")
    assert (das.direction, das.arm, das.p_value) == ("no change", "autologous BM-MSCs", "=0.42")


def test_arm_named_inside_brackets():
    ev = run("Patients received DMARDs plus medium (control group, n = 36) or DMARDs plus UC-MSCs.")
    assert [(a.name, a.n, a.is_control) for a in ev.arms] == [("control group", 36, True)]


@pytest.mark.parametrize("sentence,expected", [
    ("DAS28 scores were significantly reduced at 6 months (5.4 ± 0.9 vs 3.9 ± 1.1, P < 0.01).", (5.4, 0.9, 3.9, 1.1)),
    ("HAQ: baseline 1.8 ± 0.5; month 6: 1.1 ± 0.6.", (1.8, 0.5, 1.1, 0.6)),
])
def test_two_levels_of_one_arm_are_baseline_and_follow_up(sentence, expected):
    ev = run("Twenty patients received MSCs. " + sentence)
    [row] = [o for o in ev.outcomes if o.measure in ("DAS28", "HAQ")]
    assert (row.baseline_mean, row.baseline_sd, row.followup_mean, row.followup_sd) == expected
    assert row.change_mean is None


def test_one_value_per_measure_with_respectively():
    ev = run("Forty patients received MSCs. At 24 weeks, ACR20, ACR50 and ACR70 responses were achieved by 60%, "
             "35% and 10% of patients, respectively.")
    assert {o.measure: o.percent_responders for o in ev.outcomes} == {"ACR20": 60.0, "ACR50": 35.0, "ACR70": 10.0}
    assert {o.timepoint_weeks for o in ev.outcomes} == {24.0}


@pytest.mark.parametrize("sentence, change", [
    ("HAQ improved by 0.42 at week 24.", -0.42),           # lower is better: an improvement is a fall
    ("The DAS28 was reduced by a mean of 1.2 at week 24.", -1.2),
    ("ESR increased by 5 mm/h at 4 weeks.", 5.0),
    ("DAS28 decreased by 30% at week 12.", None),          # relative, not a change of the score
    ("DAS28 decreased by week 12.", None),
    ("DAS28 decreased by 3 months.", None),
])
def test_a_change_written_as_by_a_number(sentence, change):
    (row,) = run("Twenty patients received MSCs. " + sentence).outcomes
    assert row.change_mean == change


def test_responders_n_of_n_with_percent_in_each_group():
    ev = run("Sixty patients were randomized 1:1 to MTX plus UC-MSCs or MTX alone. At week 24, 18 of 30 patients "
             "(60.0%) in the UC-MSC group and 9 of 30 (30.0%) in the MTX alone group achieved ACR20 (P = 0.02).")
    got = {(o.arm, o.n_responders, o.percent_responders, o.timepoint_weeks) for o in rows(ev, "ACR20")}
    assert got == {("UC-MSC group", 18, 60.0, 24.0), ("MTX alone group", 9, 30.0, 24.0)}


def test_one_value_per_arm_after_both_arms_are_named():
    ev = run("Eighty patients were randomly divided into an observation group (n = 40, UC-MSCs plus leflunomide) and a "
             "control group (n = 40, leflunomide alone). After 3 months, DAS28 scores in the observation group were "
             "significantly lower than those in the control group (3.21 ± 0.85 vs. 4.12 ± 0.91, P < 0.01).")
    assert {(a.name, a.n, a.is_control) for a in ev.arms} == {("observation group", 40, False),
                                                              ("control group", 40, True)}
    got = {(o.arm, o.followup_mean, o.followup_sd, o.baseline_mean) for o in rows(ev, "DAS28")}
    assert got == {("observation group", 3.21, 0.85, None), ("control group", 4.12, 0.91, None)}


def test_from_baseline_to_several_timepoints():
    ev = run("We followed 24 patients treated with UC-MSCs. The mean HAQ decreased from 1.52 ± 0.48 at baseline to "
             "0.91 ± 0.39 at 1 year and 0.85 ± 0.41 at 3 years.")
    got = sorted((o.timepoint_weeks, o.baseline_mean, o.followup_mean, o.followup_sd) for o in rows(ev, "HAQ"))
    assert got == [(52.0, 1.52, 0.91, 0.39), (156.0, 1.52, 0.85, 0.41)]


@pytest.mark.parametrize("sentence, measure, n, percent", [
    ("ACR20 was achieved by 5 of 9 patients at week 8.", "ACR20", 5, 55.56),
    ("Adverse events were reported in 3 of 9 patients.", "adverse events", 3, 33.33),
])
def test_responders_counted_after_the_measure(sentence, measure, n, percent):
    (row,) = rows(run("Nine patients received MSCs. " + sentence), measure)
    assert (row.n_responders, row.percent_responders) == (n, percent)


def test_a_count_after_a_continuous_measure_is_not_a_responder_count():
    (row,) = rows(run("Nine patients received MSCs. DAS28 improved in 5 of 9 patients at week 8."), "DAS28")
    assert row.n_responders is None
