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


# ---------------------------------------------------------------- an open vocabulary
def _row_of(ev, measure):
    got = [o for o in ev.outcomes if o.measure == measure]
    assert got, [o.measure for o in ev.outcomes]
    return got[0]


@pytest.mark.parametrize("sentence, measure, direction", [
    ("Fatigue decreased significantly in the treated arm (P = 0.01).", "Fatigue", "decrease"),
    ("Serum ferritin levels were lower after treatment (P < 0.05).", "Serum ferritin levels", "decrease"),
    ("The time to first rescue analgesia increased (P = 0.004).", "time to first rescue analgesia", "increase"),
    ("Grip strength did not change (P = 0.62).", "Grip strength", "no change"),
])
def test_a_measure_outside_the_vocabulary_as_the_subject(sentence, measure, direction):
    row = _row_of(run("Forty patients were randomised to drug or placebo. " + sentence, title="A trial"), measure)
    assert (row.direction, row.measure_canonical) == (direction, None)


@pytest.mark.parametrize("sentence, measures", [
    ("Exercise lowered systolic blood pressure, heart rate and fasting glucose (P < 0.01).",
     ["systolic blood pressure", "heart rate", "fasting glucose"]),
    ("There was a reduction in nocturnal awakenings and daytime sleepiness (p = 0.03).",
     ["nocturnal awakenings", "daytime sleepiness"]),
    ("No significant differences were found regarding the length of hospital stay (p = 0.41).",
     ["length of hospital stay"]),
])
def test_measures_as_objects_after_cues_and_in_lists(sentence, measures):
    ev = run("Forty patients were randomised to drug or placebo. " + sentence, title="A trial")
    assert [o.measure for o in ev.outcomes] == measures


def test_measures_listed_with_their_values_in_brackets():
    ev = run("Forty patients were randomised to melatonin or placebo. The melatonin group had a greater mean change "
             "than the placebo group for sleep quality (-4.1 vs. -2.3, p = 0.01) and sleep latency (-12.0 vs. -5.5, "
             "p = 0.02).", title="A trial")
    got = [(o.measure, o.arm, o.change_mean) for o in ev.outcomes]
    # the arms are the study's, named by its allocation sentence ("randomised to melatonin or placebo")
    assert got == [("sleep quality", "melatonin", -4.1), ("sleep quality", "placebo", -2.3),
                   ("sleep latency", "melatonin", -12.0), ("sleep latency", "placebo", -5.5)]


@pytest.mark.parametrize("sentence", [
    "WOMAC pain, stiffness and function scores improved at 8 weeks (P < 0.05).",
    "Significant improvements were seen in aspects of WOMAC: pain (P = 0.01), stiffness (P = 0.02) and function "
    "(P = 0.03).",
])
def test_sub_scales_keep_their_instrument(sentence):
    ev = run("Sixty patients with knee osteoarthritis were randomised. " + sentence, title="A trial")
    names = {o.measure for o in ev.outcomes}
    assert {"WOMAC pain", "WOMAC stiffness", "WOMAC function"} <= names
    assert all(o.measure_canonical is None for o in ev.outcomes if o.measure.startswith("WOMAC "))


def test_a_sub_scale_named_alone_takes_the_one_instrument_the_record_names():
    base = "Pain and function were measured with the WOMAC index. "
    ev = run(base + "Pain fell more with the gel than with vehicle (-6.1 vs. -3.0, p = 0.02).", title="A trial")
    assert {o.measure for o in ev.outcomes} == {"WOMAC pain"}
    ev = run("Pain was rated on a visual analogue scale and function with the WOMAC. Pain fell more with the gel "
             "than with vehicle (-6.1 vs. -3.0, p = 0.02).", title="A trial")
    assert "WOMAC pain" not in {o.measure for o in ev.outcomes}


def test_another_scale_is_not_vas_pain():
    ev = run("Forty patients were randomised. Pruritus VAS decreased from 7.1 to 3.2 (P < 0.001).", title="A trial")
    row = _row_of(ev, "Pruritus VAS")
    assert (row.measure_canonical, row.baseline_mean, row.followup_mean) == (None, 7.1, 3.2)


@pytest.mark.parametrize("sentence, measure", [
    ("The ACR20 response rate was 58% at week 24.", "ACR20"),
    ("The American College of Rheumatology 20% improvement (ACR20) response rate was 58% at week 24.", "ACR20"),
    ("Patients on an IL-1 blocker had a DAS28 of 4.2 at baseline.", "DAS28"),
])
def test_numbers_inside_a_name_or_its_definition_are_not_values(sentence, measure):
    row = _row_of(run("Forty patients were randomised. " + sentence, title="A trial"), measure)
    values = [v for v in (row.percent_responders, row.baseline_mean, row.followup_mean) if v is not None]
    assert values in ([58.0], [4.2])


# ---------------------------------------------------------------- several values in one sentence
@pytest.mark.parametrize("sentence", [
    "Remission was achieved by 53.3% of patients with tocilizumab and 93.3% of patients with placebo.",
    "Remission rates were 53.3% in the tocilizumab group versus 93.3% in the placebo group.",
    "Remission rates in the tocilizumab group and the placebo group were 53.3% and 93.3%, respectively.",
])
def test_values_go_to_the_arms_named_with_them(sentence):
    ev = run("Sixty patients were randomised to tocilizumab or placebo. " + sentence, title="A trial")
    got = sorted((o.arm.split()[0].lower(), o.percent_responders) for o in ev.outcomes if o.percent_responders)
    assert got == [("placebo", 93.3), ("tocilizumab", 53.3)]


def test_p_and_effect_sizes_at_each_timepoint():
    ev = run("Forty patients were randomised to exercise or usual care. Fatigue improved at week 4 (p = 0.229, "
             "ES = 0.33) and at week 52 (p = 0.01, ES = 0.6).", title="A trial")
    got = sorted((o.timepoint_weeks, o.p_value, o.effect_size) for o in ev.outcomes if o.measure == "Fatigue")
    assert got == [(4.0, "=0.229", 0.33), (52.0, "=0.01", 0.6)]


@pytest.mark.parametrize("sentence, key, want", [
    ("DAS28 was 3.9 in the tocilizumab group and 5.5 in the placebo group.", "followup_mean", (3.9, 5.5)),
    ("DAS28 was 3.9 in the tocilizumab group versus 5.5 in the placebo group (P < 0.01).", "followup_mean", (3.9, 5.5)),
    ("DAS28 was 3.9 with tocilizumab and 5.5 with placebo.", "followup_mean", (3.9, 5.5)),
    ("DAS28 was 3.9 in the tocilizumab group, while it was 5.5 in the placebo group.", "followup_mean", (3.9, 5.5)),
    ("The mean change in DAS28 at week 24 was −1.9 with tocilizumab versus −0.5 with placebo (P < 0.001).",
     "change_mean", (-1.9, -0.5)),
    # "improvement from baseline" values are changes, not baseline values
    ("The mean DAS28 improvement from baseline was greater with tocilizumab than with placebo (−2.1 vs −0.6; "
     "P < 0.001).", "change_mean", (-2.1, -0.6)),
    # a bracket right after an arm's name holds that arm's from-to pair, whatever arm is named after it
    ("Pain VAS decreased in the tocilizumab group (from 65 ± 15 to 32 ± 18 mm, P < 0.001) but not in the placebo "
     "group (from 63 ± 14 to 58 ± 16 mm).", "followup_mean", (32.0, 58.0)),
    # "decreased by" one arm's percentage: the other arm's bare percentage is a change too
    ("CRP decreased by 40% with tocilizumab and by 10% with placebo.", "percent_change", (-40.0, -10.0)),
    ("WOMAC pain decreased by 35.2% in the tocilizumab group versus 12.1% in the placebo group (P = 0.01).",
     "percent_change", (-35.2, -12.1)),
    ("CRP fell by 30% in the tocilizumab group but rose by 5% in the placebo group.", "percent_change",
     (-30.0, 5.0)),
    # the sentence's subject arm owns the first value, the arm named after the second its own
    ("Tocilizumab reduced ESR by 45% compared with 5% for placebo.", "percent_change", (-45.0, -5.0)),
    ("The tocilizumab group had a DAS28 of 3.9 compared with 5.5 in the placebo group.", "followup_mean", (3.9, 5.5)),
    ("The tocilizumab group had a mean DAS28 of 3.9 ± 1.0 compared with 5.5 ± 1.1 in the placebo group.",
     "followup_mean", (3.9, 5.5)),
    # a concentration unit after a value is no dose ("mg/L"), before "to" or after it
    ("CRP was 8.2 mg/L in the tocilizumab group and 20.5 mg/L in the placebo group.", "followup_mean", (8.2, 20.5)),
    # HAQ: lower is better; "improved by" a value is a fall of that value, in each arm
    ("HAQ improved by 0.45 in the tocilizumab group compared with 0.12 in the placebo group.", "change_mean",
     (-0.45, -0.12)),
])
def test_a_bare_value_for_each_arm(sentence, key, want):
    ev = run("Sixty patients were randomised to tocilizumab or placebo. " + sentence, title="A trial")
    got = {o.arm: getattr(o, key) for o in ev.outcomes if getattr(o, key) is not None}
    assert (got.get("tocilizumab"), got.get("placebo")) == want


@pytest.mark.parametrize("sentence, weeks", [
    ("ACR20, ACR50 and ACR70 responses at week 24 were 60%, 40% and 20% with tocilizumab versus 30%, 10% and 3% "
     "with placebo.", 24.0),
    ("ACR20, ACR50 and ACR70 response rates were 60%, 40% and 20% in the tocilizumab group and 30%, 10% and 3% in "
     "the placebo group (P < 0.01).", None),
])
def test_several_measures_values_for_each_arm(sentence, weeks):
    ev = run("Sixty patients were randomised to tocilizumab or placebo. " + sentence, title="A trial")
    got = sorted((o.measure_canonical, o.arm, o.percent_responders, o.timepoint_weeks) for o in ev.outcomes)
    assert got == [("ACR20", "placebo", 30.0, weeks), ("ACR20", "tocilizumab", 60.0, weeks),
                   ("ACR50", "placebo", 10.0, weeks), ("ACR50", "tocilizumab", 40.0, weeks),
                   ("ACR70", "placebo", 3.0, weeks), ("ACR70", "tocilizumab", 20.0, weeks)]


def test_a_defining_bracket_is_no_measure_and_no_value():
    ev = run("Sixty patients were randomised to tocilizumab or placebo. DAS28 remission (DAS28 < 2.6) was achieved in "
             "27.5% of patients with tocilizumab versus 0.8% with placebo.", title="A trial")
    got = sorted((o.measure_canonical, o.arm, o.percent_responders) for o in ev.outcomes)
    assert got == [("DAS28 remission", "placebo", 0.8), ("DAS28 remission", "tocilizumab", 27.5)]


def test_medians_from_a_to_b_are_never_means():
    ev = run("Sixty patients were randomised to tocilizumab or placebo. Median CRP decreased from 12.5 mg/L (IQR "
             "6.1-25.0) to 3.2 mg/L (IQR 1.5-7.0) with tocilizumab.", title="A trial")
    [row] = [o for o in ev.outcomes if o.measure_canonical == "CRP"]
    assert (row.median, row.baseline_mean, row.followup_mean) == (3.2, None, None)


def test_a_value_at_baseline_and_one_at_a_later_timepoint():
    ev = run("Sixty patients were randomised to tocilizumab or placebo. Mean HAQ was 1.6 at baseline and 0.9 at week "
             "12.", title="A trial")
    [row] = [o for o in ev.outcomes if o.measure_canonical == "HAQ"]
    assert (row.baseline_mean, row.followup_mean, row.timepoint_weeks) == (1.6, 0.9, 12.0)


@pytest.mark.parametrize("sentence", ["CRP fell from 25.1 mg/L to 8.2 mg/L in the tocilizumab group (P < 0.001).",
                                      "CRP fell from 25.1 to 8.2 mg/L in the tocilizumab group (P < 0.001)."])
def test_from_a_to_b_with_units(sentence):
    ev = run("Sixty patients were randomised to tocilizumab or placebo. " + sentence, title="A trial")
    [row] = [o for o in ev.outcomes if o.measure_canonical == "CRP"]
    assert (row.baseline_mean, row.followup_mean) == (25.1, 8.2)


@pytest.mark.parametrize("sentence, want", [
    ("Adverse events were reported by 12 of 49 patients (24.5%) receiving the drug and 9 of 46 (19.6%) receiving "
     "placebo.", [("drug", 12, 24.5), ("placebo", 9, 19.6)]),
    ("Adverse events occurred in 12% of the 49 patients in the drug group and 10% of the 46 patients in the placebo "
     "group.", [("drug", None, 12.0), ("placebo", None, 10.0)]),
    ("The incidence of adverse events was 24.5% for the 49 patients allocated to the drug and 19.6% for the 46 "
     "patients allocated to placebo.", [("drug", None, 24.5), ("placebo", None, 19.6)]),
    # each value right after its arm's name, as a list or in brackets
    ("Adverse events: drug 12/49 (24.5%), placebo 9/46 (19.6%).", [("drug", 12, 24.49), ("placebo", 9, 19.57)]),
    ("Adverse events were more frequent with the drug (12/49, 24.5%) than with placebo (9/46, 19.6%).",
     [("drug", 12, 24.5), ("placebo", 9, 19.6)]),
])
def test_a_group_size_beside_a_percentage_is_its_denominator_not_responders(sentence, want):
    ev = run("Ninety-five patients were randomised to the drug or placebo. " + sentence, title="A trial")
    got = [(o.arm.split()[0], o.n_responders, o.percent_responders) for o in ev.outcomes
           if o.measure_canonical == "adverse events"]
    assert got == want


@pytest.mark.parametrize("stat", ["F (1, 74) = 1.44", "F(2,57)=3.1", "t(38) = 2.10", "χ2 (2) = 7.8"])
def test_a_tests_degrees_of_freedom_are_not_values(stat):
    ev = run("Eighty patients were randomised to A or B. There was no significant difference in pain scores between "
             f"the groups adjusted for baseline pain score ({stat}, P = 0.23).", title="A trial")
    [row] = [o for o in ev.outcomes if o.measure_canonical == "VAS pain"]
    assert (row.baseline_mean, row.followup_mean, row.mean, row.p_value) == (None, None, None, "=0.23")


@pytest.mark.parametrize("sentence", [
    "Further research is needed to increase insight into whether specific groups benefit.",
    "Larger randomised trials are warranted to reduce the uncertainty about pain.",
])
def test_a_sentence_about_future_research_is_no_result(sentence):
    ev = run("Forty patients were randomised to exercise or usual care. " + sentence, title="A trial")
    assert ev.outcomes == ()


def test_each_timepoints_bracket_keeps_its_estimate_even_when_one_bracket_is_garbled():
    ev = run("Eighty children were randomised to drug or placebo. Drug decreased carriage on Day 4 (OR = 0.1 95% CI "
             "0.02–0.6), Day 7 (OR = 0.2 95%CI 0.04–0.9) and Day 21 (OR95%CI 0–0.9).", title="A trial")
    got = sorted((o.timepoint_weeks, o.effect_size, o.effect_ci_low) for o in ev.outcomes if o.measure == "carriage")
    assert got == [(0.57, 0.1, 0.02), (1.0, 0.2, 0.04), (3.0, None, None)]  # never each estimate at each day


@pytest.mark.parametrize("sentence, n, percent", [
    ("Infections occurred in 12 (40%) patients.", 12, 40.0),
    ("Infections occurred in 40% (12/30) of patients.", 12, 40.0),
    ("Infections occurred in 12 [40%] patients.", 12, 40.0),
    ("Infections occurred in twelve [40%] patients.", 12, 40.0),
])
def test_counts_with_percentages(sentence, n, percent):
    ev = run("Thirty patients received the drug. " + sentence, title="A trial")
    row = _row_of(ev, "Infections")
    assert (row.n_responders, row.percent_responders) == (n, percent)


def test_a_count_in_words_gives_the_percentage_of_the_arm():
    ev = run("Ten patients received MSCs. Four patients met ACR20 at week 12.")
    row = _row_of(ev, "ACR20")
    assert (row.n_responders, row.percent_responders, row.timepoint_weeks) == (4, 40.0, 12.0)


@pytest.mark.parametrize("sentence, field, value", [
    ("CRP decreased by 30% at week 12.", "percent_change", -30.0),
    ("A 30% decrease in CRP was seen at week 12.", "percent_change", -30.0),
    ("Ferritin rose by 12% at week 12.", "percent_change", 12.0),
    ("DAS28 changed by -1.2 ± 0.4 at week 12.", "change_mean", -1.2),
    ("The change in HAQ at week 12 was -0.4 ± 0.2.", "change_mean", -0.4),
])
def test_changes_as_written(sentence, field, value):
    ev = run("Twenty patients received the drug. " + sentence, title="A trial")
    assert [getattr(o, field) for o in ev.outcomes] == [value]


def test_a_level_at_the_start_and_at_study_end():
    ev = run("Eighty patients were randomised. The placebo group showed a ferritin level of 48 ng/mL at the start, "
             "and 61 ng/mL at the study end.", title="A trial")
    row = ev.outcomes[0]
    assert (row.arm, row.baseline_mean, row.followup_mean, row.direction) == ("placebo group", 48.0, 61.0, "increase")


@pytest.mark.parametrize("sentence, kind, effect, ci", [
    ("Drug reduced the risk of relapse (hazard ratio 0.62, 95% CI 0.45 to 0.85; P = 0.003).", "HR", 0.62, (0.45, 0.85)),
    ("Relapse was less frequent with drug than with placebo (OR 0.50, 95% CI 0.30-0.83).", "OR", 0.5, (0.3, 0.83)),
    ("Pain scores fell more with drug than placebo (mean difference -1.4, 95% CI -2.0 to -0.8).", "MD", -1.4,
     (-2.0, -0.8)),
    ("Compared with placebo, drug gave a net reduction of 12% in LDL cholesterol (95% CI 8% to 16%).", "net change",
     -12.0, None),
])
def test_between_group_estimates_are_kept_with_their_ci(sentence, kind, effect, ci):
    ev = run("Two hundred patients were randomised to drug or placebo. " + sentence, title="A trial")
    rows = [o for o in ev.outcomes if o.effect_size is not None]
    assert [(o.effect_kind, o.effect_size) for o in rows] == [(kind, effect)]
    if ci:
        assert (rows[0].effect_ci_low, rows[0].effect_ci_high) == ci
    assert all(o.baseline_mean is None and o.followup_mean is None for o in ev.outcomes)  # CI bounds are not values


def test_a_hazard_ratio_is_not_a_baseline_value():
    ev = run("We randomised 500 patients. Baseline ferritin predicted death (HR 1.21, 95% CI 1.02-1.44).", title="A trial")
    assert all(o.baseline_mean is None for o in ev.outcomes)
    assert "ferritin" not in {o.measure.lower() for o in ev.outcomes}  # a predictor, not a result


def test_estimates_listed_after_the_measures_of_the_sentence_before():
    ev = run("Forty patients were randomised to gel or vehicle. The gel group had a greater mean change than the vehicle "
             "group for itch (-3.1 vs. -1.2, p = 0.01) and redness (-2.0 vs. -0.9, p = 0.03). The mean differences "
             "between arms were 1.9 (0.7 to 3.1) and 1.1 (0.2 to 2.0), respectively.", title="A trial")
    got = [(o.measure, o.effect_size, o.effect_ci_low) for o in ev.outcomes if o.effect_size is not None]
    assert got == [("itch", 1.9, 0.7), ("redness", 1.1, 0.2)]


# ---------------------------------------------------------------- implausible values are marked
def test_responders_above_the_arm_size_and_percentages_above_100_are_flagged():
    ev = run("Ten patients received the drug (n = 10). Nausea occurred in 12 of 10 patients. Rash was reported in "
             "130% of patients.", title="A trial")
    flags = [f for o in ev.outcomes for f in o.flags]
    assert any("percentage 130" in f for f in flags)


# ---------------------------------------------------------------- what is not a result
def test_background_and_methods_sections_give_no_open_rows():
    ev = run("Background\nObesity increased in popularity (P < 0.05) in other studies.\nMethods\nSixty patients "
             "were randomised to drug (n = 30) or placebo (n = 30).\nResults\nBody weight fell by 4.1 kg more with "
             "drug (P = 0.01).", title="A trial")
    assert [o.measure for o in ev.outcomes] == ["Body weight"]


def test_the_most_common_events_are_named_by_their_category():
    ev = run("Sixty patients received the drug. The most common adverse events were headache (five patients) and "
             "nausea (three patients).", title="A trial")
    got = [(o.measure, o.n_responders) for o in ev.outcomes]
    assert got == [("adverse events: headache", 5), ("adverse events: nausea", 3)]


def test_people_who_died_are_counted_as_deaths():
    ev = run("We randomised 400 patients. 12 (6.0%) drug patients and 20 (10.0%) placebo patients died.", title="A trial")
    got = sorted((o.arm, o.n_responders, o.percent_responders) for o in ev.outcomes if o.measure == "deaths")
    assert got == [("drug", 12, 6.0), ("placebo", 20, 10.0)]


def test_p_value_lists_citations_and_tables_are_not_values():
    ev = run("Forty patients were randomised. Heart rate did not differ at 1, 3 or 6 months (P = 0.34, 0.83 and "
             "0.21, respectively; Table 2) (Smith et al 2001).", title="A trial")
    for o in ev.outcomes:
        assert all(getattr(o, k) is None for k in ("baseline_mean", "followup_mean", "change_mean", "mean"))


def test_count_of_counted_people_in_words_is_responders_of_that_denominator():
    # "Five of nine subjects": five responded, nine were counted (not nine responders)
    ev = run("Five of nine subjects in the MSC group compared with 2 of eight subjects in the placebo group "
             "achieved ACR20.")
    got = sorted((o.arm, o.n_responders, o.percent_responders) for o in rows(ev, "ACR20"))
    assert got == [("MSC group", 5, 55.56), ("placebo group", 2, 25.0)]


def test_arm_label_and_comma_before_each_value_in_a_bracket():
    # "(LM, 94.4 % vs. ETI, 90.6 %)": each arm's label, a comma, then its value
    ev = run("Results: There were no differences in ACR20 response (MSC, 54.4 % vs. placebo, 40.6 %) or HAQ "
             "(MSC, 1.58 \u00b1 0.16 vs. placebo, 1.89 \u00b1 0.52) between groups.")
    assert sorted((o.arm, o.percent_responders) for o in rows(ev, "ACR20")) == [("MSC", 54.4), ("placebo", 40.6)]
    assert sorted((o.arm, o.followup_mean) for o in rows(ev, "HAQ")) == [("MSC", 1.58), ("placebo", 1.89)]


def test_respectively_with_the_arms_named_after_with_and_one_percent_sign():
    # "rates with A, B, and C were x, y, and z%, respectively": one row per arm, in the order written
    ev = run("Results: The ACR20 response rates with tofacitinib 5 mg, tofacitinib 10 mg, and placebo were 59.8, "
             "65.7, and 26.7%, respectively.")
    assert [(o.arm, o.percent_responders) for o in rows(ev, "ACR20")] == [
        ("tofacitinib 5 mg", 59.8), ("tofacitinib 10 mg", 65.7), ("placebo", 26.7)]
    ev = run("Results: ACR20 response rates with tofacitinib, adalimumab and placebo were 59.8%, 65.7% and 26.7%, "
             "respectively.")
    assert [(o.arm, o.percent_responders) for o in rows(ev, "ACR20")] == [
        ("tofacitinib", 59.8), ("adalimumab", 65.7), ("placebo", 26.7)]


def test_a_signed_percentage_is_a_change_not_a_share_of_patients():
    # "(F: -41%, ...; A: -13%)": a share of patients is never negative
    ev = run("Results: All treatments significantly reduced mean CRP from baseline (F + A: -39%, P = 0.0001; "
             "A: -13%, P = 0.0034).")
    got = sorted((o.arm, o.percent_change, o.percent_responders) for o in rows(ev, "CRP"))
    assert got == [("A", -13.0, None), ("F + A", -39.0, None)]


def test_at_baseline_after_a_list_of_values_dates_every_value():
    # "Mean DAS28 5.9 (sd 0.7), HAQ 1.4 (sd 0.5) at baseline": both are baseline values
    ev = run("Results: Mean DAS28 score 5.9 (sd 0.7), HAQ 1.4 (sd 0.5) at baseline. Follow-up was 91% at 12 weeks.")
    assert [(o.baseline_mean, o.followup_mean) for o in rows(ev, "DAS28")] == [(5.9, None)]
    assert [(o.baseline_mean, o.followup_mean) for o in rows(ev, "HAQ")] == [(1.4, None)]


def test_follow_up_value_first_then_compared_with_the_baseline_value():
    ev = run("Results: DAS28 was 5.9 \u00b1 0.7 after 12 weeks compared with 6.3 \u00b1 0.5 at baseline.")
    assert [(o.baseline_mean, o.followup_mean) for o in rows(ev, "DAS28")] == [(6.3, 5.9)]


@pytest.mark.parametrize("sentence, measure, change", [
    ("Treatment led to a mean 14.5 mm reduction in pain VAS (p = 0.003).", "VAS pain", -14.5),
    ("We observed a 1.2-point reduction in DAS28 at week 12.", "DAS28", -1.2),
    ("There was a mean decrease of 1.2 in DAS28 at week 12 (p = 0.01).", "DAS28", -1.2),
    ("A mean increase of 0.4 in HAQ was observed.", "HAQ", 0.4),
])
def test_a_change_written_before_the_measure_it_changes(sentence, measure, change):
    ev = run("Results: " + sentence)
    assert [o.change_mean for o in rows(ev, measure)] == [change]


def test_share_of_one_arm_compared_with_another_is_not_a_condition():
    # "56% of patients receiving MSC compared with 27% of those ...": "with" is the comparison's, not "having"
    ev = run("Methods: Sixty patients were randomised to MSC (n = 30) or placebo (n = 30). Results: ACR20 response at "
             "week 24 was achieved by 56% of patients receiving MSC compared with 27% of those receiving placebo.")
    assert {o.measure for o in ev.outcomes} == {"ACR20"}
    assert sorted((o.arm, o.percent_responders) for o in ev.outcomes) == [("MSC", 56.0), ("placebo", 27.0)]


def test_arm_labels_before_values_joined_by_vs_in_a_bracket():
    # "(diclofenac 23.3% vs placebo 20.0%)": the second label follows "vs", not a comma
    ev = run("Results: The proportion of patients with adverse events was similar (diclofenac 23.3% vs placebo 20.0%).",
             title="Diclofenac versus placebo in knee osteoarthritis")
    assert sorted((o.arm, o.percent_responders) for o in rows(ev, "adverse events")) == [
        ("diclofenac", 23.3), ("placebo", 20.0)]


def test_the_reduction_in_a_measure_was_a_value_is_a_change():
    # "The mean (SD) reduction in VAS pain was 35.2 (20.1) mm with A and 25.3 (22.4) mm with B": changes, falls
    ev = run("Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: The mean "
             "(SD) reduction in VAS pain was 35.2 (20.1) mm with diclofenac and 25.3 (22.4) mm with placebo (P = 0.01).",
             title="Diclofenac versus placebo in knee osteoarthritis")
    got = sorted((o.arm, o.change_mean, o.change_sd, o.followup_mean) for o in rows(ev, "VAS pain"))
    assert got == [("diclofenac", -35.2, 20.1, None), ("placebo", -25.3, 22.4, None)]


@pytest.mark.parametrize("sentence, measure, key, values", [
    # the arm in brackets after its value
    ("Mean pain VAS change from baseline was \u221225.3 mm (diclofenac) and \u221215.1 mm (placebo).", "VAS pain",
     "change_mean", [("diclofenac", -25.3), ("placebo", -15.1)]),
    ("ACR20 rates were 45% (diclofenac group) vs 20% (placebo group), p = 0.01.", "ACR20", "percent_responders",
     [("diclofenac", 45.0), ("placebo", 20.0)]),
])
def test_the_arm_named_in_brackets_after_each_value(sentence, measure, key, values):
    ev = run("Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: " + sentence,
             title="Diclofenac versus placebo in knee osteoarthritis")
    assert sorted((o.arm, getattr(o, key)) for o in rows(ev, measure)) == values


def test_a_copulas_adjective_before_a_bracketed_value_is_not_a_measure():
    # "The ACR20 response rate was low (60%)": the value is ACR20's, "low" is no measure
    ev = run("Results: The ACR20 response rate was low (60%) with the intramuscular route.")
    assert [(o.measure, o.percent_responders) for o in ev.outcomes] == [("ACR20", 60.0)]


def test_a_last_timepoint_followed_by_in_the_arm_still_pairs_with_its_value():
    # "40% at week 12 and 55% at week 24 in the MSC group": "week 24 in ..." binds no measure after it
    ev = run("Methods: Sixty patients were randomised to MSC (n = 30) or placebo (n = 30) and followed for 24 weeks. "
             "Results: The ACR20 response rate was 40% at week 12 and 55% at week 24 in the MSC group.")
    assert [(o.arm, o.timepoint_weeks, o.percent_responders) for o in rows(ev, "ACR20")] == [
        ("MSC", 12.0, 40.0), ("MSC", 24.0, 55.0)]


def test_decreased_by_a_decimal_percentage_is_no_change_in_units():
    # "decreased by 30.5%": a percent change; "30" of "30.5" is no change of 30 units
    ev = run("Results: Compared with baseline, VAS pain decreased by 30.5% at 6 months.")
    assert [(o.change_mean, o.percent_change) for o in rows(ev, "VAS pain")] == [(None, -30.5)]


_TWO_ARMS = ("Methods: Sixty-four patients were randomised to MSC (n = 32) or placebo (n = 32) and followed for 1 year. "
             "Results: ")


def test_one_value_per_listed_measure_respectively_even_with_two_study_arms():
    # "ACR20 and ACR50 responses were 60% and 30%, respectively": the values follow the measures, not the arms
    ev = run(_TWO_ARMS + "ACR20 and ACR50 responses were 60% and 30%, respectively.")
    assert sorted((o.measure, o.percent_responders) for o in ev.outcomes) == [("ACR20", 60.0), ("ACR50", 30.0)]


def test_one_value_per_listed_measure_without_respectively():
    ev = run(_TWO_ARMS + "The ACR20, ACR50 and ACR70 response rates at 12 months were 53.1%, 31.3% and 12.5% in the "
             "MSC group.")
    assert [(o.measure, o.percent_responders) for o in ev.outcomes] == [("ACR20", 53.1), ("ACR50", 31.3),
                                                                         ("ACR70", 12.5)]


def test_a_levels_percentages_from_and_to_are_its_baseline_and_follow_up():
    # "The percentage of regulatory T cells increased from 3.2% to 5.6%": levels, not responders
    ev = run("Results: The percentage of regulatory T cells increased from 3.2% to 5.6% (P < 0.01).")
    assert [(o.baseline_mean, o.followup_mean, o.percent_responders) for o in rows(ev, "Treg")] == [(3.2, 5.6, None)]


@pytest.mark.parametrize("sentence, measure, key, values", [
    ("A good EULAR response was seen in 40.6% of MSC-treated patients and 15.6% of controls at 12 months.",
     "EULAR response", "percent_responders", [("MSC", 40.6), ("placebo", 15.6)]),
    ("ACR20 was achieved by 60% of patients in the MSC group and 25% of placebo recipients.", "ACR20",
     "percent_responders", [("MSC", 60.0), ("placebo", 25.0)]),
    ("HAQ was lower in MSC-treated patients (0.5) than in controls (0.9).", "HAQ", "followup_mean",
     [("MSC", 0.5), ("placebo", 0.9)]),
])
def test_the_control_arm_named_by_its_people(sentence, measure, key, values):
    ev = run(_TWO_ARMS + sentence)
    assert sorted((o.arm, getattr(o, key)) for o in rows(ev, measure)) == values


def test_in_the_treatment_group_names_the_treated_arm():
    ev = run("Methods: Eighty patients were randomised to diclofenac (n = 40) or placebo (n = 40). Results: The incidence "
             "of adverse events was 35.0% (14/40) in the treatment group and 30.0% (12/40) in the control group.",
             title="Diclofenac versus placebo in knee osteoarthritis")
    assert sorted((o.arm, o.n_responders, o.percent_responders) for o in rows(ev, "adverse events")) == [
        ("diclofenac", 14, 35.0), ("placebo", 12, 30.0)]


def test_a_list_of_values_each_with_its_arm_in_brackets():
    # "-0.45 (tofacitinib 5 mg), -0.52 (tofacitinib 10 mg) and -0.15 (placebo)": commas join the items
    ev = run("Methods: Patients were randomised to tofacitinib 5 mg, tofacitinib 10 mg or placebo. "
             "Results: The change in HAQ-DI at week 12 was \u22120.45 (tofacitinib 5 mg), \u22120.52 (tofacitinib 10 mg) "
             "and \u22120.15 (placebo).", title="Tofacitinib in rheumatoid arthritis")
    assert sorted((o.arm, o.change_mean) for o in rows(ev, "HAQ")) == [
        ("placebo", -0.15), ("tofacitinib 10 mg", -0.52), ("tofacitinib 5 mg", -0.45)]


def test_pain_at_rest_is_the_pain_measure_not_rest():
    ev = run("Results: Pain VAS scores at rest were 2.1 \u00b1 1.0, 1.5 \u00b1 0.9 and 1.2 \u00b1 0.8 at weeks 2, 4 and 6, "
             "respectively.")
    assert [(o.measure, o.timepoint_weeks, o.followup_mean) for o in ev.outcomes] == [
        ("VAS pain", 2.0, 2.1), ("VAS pain", 4.0, 1.5), ("VAS pain", 6.0, 1.2)]


_DICLOFENAC = ("Methods: Eighty patients were randomised to diclofenac (n = 40) or placebo (n = 40). Results: ")


@pytest.mark.parametrize("sentence, measure", [
    ("The mean change in DAS28 was \u22122.1 (95% CI \u22122.5 to \u22121.7) in the diclofenac group and \u22121.0 "
     "(95% CI \u22121.4 to \u22120.6) in the placebo group.", "DAS28"),
    ("hs-CRP decreased significantly in the diclofenac group (\u22122.1 mg/L; 95% CI \u22122.5 to \u22121.7) but not in "
     "the placebo group (\u22121.0 mg/L; 95% CI \u22121.4 to 0.4).", "CRP"),
])
def test_an_estimate_with_its_ci_beside_each_arm_is_that_arms_change(sentence, measure):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac versus placebo")
    got = sorted((o.arm, o.change_mean, o.effect_size) for o in rows(ev, measure) if o.change_mean is not None)
    assert got == [("diclofenac", -2.1, None), ("placebo", -1.0, None)]


def test_a_value_after_an_arm_name_holding_a_number_is_still_the_measures():
    # "-0.57 for tofacitinib 5 and 10 mg BID, versus -0.19 for placebo": the "5" of the arm's name is no value
    ev = run("Methods: Patients were randomised to tofacitinib 5 mg BID, tofacitinib 10 mg BID or placebo. Results: Least "
             "squares mean changes from baseline in HAQ-DI at month 3 were \u22120.50 and \u22120.57 for tofacitinib 5 "
             "and 10 mg BID, versus \u22120.19 for placebo (both P < 0.001).", title="Tofacitinib in RA")
    assert sorted(o.change_mean for o in rows(ev, "HAQ")) == [-0.57, -0.5, -0.19]
    assert [o.arm for o in rows(ev, "HAQ") if o.change_mean == -0.19] == ["placebo"]


def test_a_dose_in_brackets_after_a_value_names_that_doses_arm():
    # "59.8% (5 mg), 65.7% (10 mg) and 26.7% (placebo)"
    ev = run("Methods: Patients with RA were randomised to tofacitinib 5 mg BID (n = 243), tofacitinib 10 mg BID (n = 245) "
             "or placebo (n = 122). Results: ACR20 response rates at month 3 were 59.8% (5 mg), 65.7% (10 mg) and "
             "26.7% (placebo).", title="Tofacitinib in RA")
    got = [(o.arm, o.percent_responders) for o in rows(ev, "ACR20")]
    assert [p for _, p in got] == [59.8, 65.7, 26.7]
    assert "5 mg" in got[0][0] and "10 mg" in got[1][0] and got[2][0] == "placebo"


@pytest.mark.parametrize("sentence, values", [
    ("Most subjects in both groups (81% in the diclofenac group and 75.6% in the placebo group) reported at least one "
     "drug related adverse event.", [81.0, 75.6]),
    ("Overall, 45 patients (56.3%) experienced at least one treatment-emergent adverse event.", [56.3]),
])
def test_people_who_experienced_at_least_one_adverse_event(sentence, values):
    # the values come before "reported/experienced at least one ... adverse event"
    ev = run(_DICLOFENAC + sentence, title="Diclofenac versus placebo")
    assert [o.percent_responders for o in ev.outcomes if o.measure_canonical == "adverse events"
            or "adverse" in o.measure] == values


@pytest.mark.parametrize("sentence, measure, values", [
    ("Patients treated with diclofenac showed greater decline in DAS28 than placebo (\u22121.8 vs. 0.6, P<0.001).",
     "DAS28", [("diclofenac", -1.8), ("placebo", 0.6)]),
    ("The diclofenac group had a greater reduction in pain VAS than the placebo group (25.1 vs 15.2 mm, P = 0.01).",
     "VAS pain", [("diclofenac", -25.1), ("placebo", -15.2)]),
])
def test_a_greater_decline_in_a_measure_than_another_arm_compares_changes(sentence, measure, values):
    ev = run(_DICLOFENAC + sentence, title="Diclofenac versus placebo")
    assert sorted((o.arm, o.change_mean) for o in rows(ev, measure)) == values


def test_the_arm_compared_to_first_takes_the_second_value():
    # "Compared to placebo, the A group had lower CRP (5.2 vs. 8.7)": the subject arm's value comes first
    ev = run(_DICLOFENAC + "Compared to placebo, the diclofenac group exhibited lower CRP levels (5.2 vs. 8.7 mg/L, "
             "P<0.001).", title="Diclofenac versus placebo")
    assert sorted((o.arm, o.followup_mean) for o in rows(ev, "CRP")) == [("diclofenac", 5.2), ("placebo", 8.7)]


def test_a_verb_then_its_measure_then_by_a_value_is_a_fall():
    # "Diclofenac reduced CRP by 1.5 mg/L": the measure stands between the verb and "by"
    ev = run(_DICLOFENAC + "Diclofenac reduced CRP by 1.5 mg/L compared with placebo.", title="Diclofenac")
    assert [o.change_mean for o in rows(ev, "CRP")] == [-1.5]


def test_the_subject_arms_value_then_compared_with_the_other_arms():
    # "Patients in the A group had a mean DAS28 of 3.2 at week 6, compared with 4.4 in the B group"
    ev = run(_DICLOFENAC + "Patients in the diclofenac group had a mean DAS28 of 3.2 at week 6, compared with 4.4 in "
             "the placebo group.", title="Diclofenac versus placebo")
    assert sorted((o.arm, o.followup_mean) for o in rows(ev, "DAS28")) == [("diclofenac", 3.2), ("placebo", 4.4)]


def test_interleukin_with_its_abbreviation_in_brackets_before_the_number():
    # "interleukin (IL)-6": the abbreviation written inside the name
    ev = run("Results: Serum interleukin (IL)-6 and IL-17 decreased after treatment.")
    assert {(o.measure, o.direction) for o in ev.outcomes} == {("IL-6", "decrease"), ("IL-17", "decrease")}
    ev = run("Results: Transforming growth factor (TGF)-β and interferon (IFN)-γ increased after treatment.")
    assert {o.measure for o in ev.outcomes} == {"TGF-beta", "IFN-gamma"}


_MSC_PLACEBO = "Methods: Sixty patients were randomised to MSC (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("sentence", [
    "There were no differences in adverse events (MSC, n = 3 vs. placebo, n = 4) between groups.",
    "Adverse events occurred in the MSC group (n = 3) and the placebo group (n = 4).",
])
def test_an_events_n_after_each_arm_is_that_arms_count_of_patients_with_events(sentence):
    ev = run(_MSC_PLACEBO + sentence)
    assert sorted((o.arm, o.n_responders) for o in rows(ev, "adverse events")) == [("MSC", 3), ("placebo", 4)]


def test_an_events_sentence_with_a_sample_size_gives_no_count():
    ev = run(_MSC_PLACEBO + "Adverse events were recorded in all treated patients (n = 60) and were mild.")
    assert [o.n_responders for o in rows(ev, "adverse events")] == []


@pytest.mark.parametrize("sentence", [
    "Adverse events were more frequent with MSC, P=.02 (N=124).",
    "Adverse events were assessed after two standardized breakfasts (n = 10 per meal).",
])
def test_an_events_sentence_with_a_bracketed_sample_size_gives_no_count(sentence):
    assert [o.n_responders for o in rows(run(_MSC_PLACEBO + sentence), "adverse events") if o.n_responders] == []


def test_values_then_in_the_a_and_b_groups_without_respectively():
    ev = run(_MSC_PLACEBO + "The proportions of ACR20 responders were 56.7% and 23.3% in the MSC and placebo groups "
             "(P = 0.008).")
    assert sorted((o.arm, o.percent_responders) for o in ev.outcomes) == [("MSC", 56.7), ("placebo", 23.3)]


@pytest.mark.parametrize("prefix", [_MSC_PLACEBO, "Methods: Twenty patients with RA received UC-MSCs intravenously. Results: "])
def test_respectively_after_listed_timepoints_pairs_values_with_the_timepoints(prefix):
    # "The DAS28 at 3 and 6 months was 4.1 ± 0.9 and 3.6 ± 1.0, respectively": one value per timepoint, no arms
    ev = run(prefix + "The DAS28 at 3 and 6 months was 4.1 \u00b1 0.9 and 3.6 \u00b1 1.0, respectively.")
    assert [(o.timepoint_weeks, o.baseline_mean, o.followup_mean) for o in rows(ev, "DAS28")] == [
        (13.0, None, 4.1), (26.0, None, 3.6)]


def test_from_baseline_to_two_timepoints_keeps_the_baseline():
    ev = run("Results: DAS28 decreased from 5.5 \u00b1 0.8 at baseline to 4.1 \u00b1 0.9 at 3 months and 3.6 \u00b1 1.0 "
             "at 6 months.")
    assert [(o.timepoint_weeks, o.baseline_mean, o.followup_mean) for o in rows(ev, "DAS28")] == [
        (13.0, 5.5, 4.1), (26.0, 5.5, 3.6)]


def test_two_values_compared_to_baseline_are_before_and_after_not_two_arms():
    ev = run(_MSC_PLACEBO + "Compared to baseline, the HAQ decreased significantly at 3 months (1.8 vs 1.1, P < 0.01).")
    assert [(o.baseline_mean, o.followup_mean) for o in rows(ev, "HAQ")] == [(1.8, 1.1)]


@pytest.mark.parametrize("sentence, measure", [
    ("The mean DAS28 at entry was 6.1.", "DAS28"),
    ("HAQ at randomisation was 1.5 \u00b1 0.6.", "HAQ"),
])
def test_a_value_at_entry_or_randomisation_is_a_baseline(sentence, measure):
    ev = run("Results: " + sentence)
    assert [(o.measure, o.baseline_mean is not None, o.followup_mean) for o in ev.outcomes] == [(measure, True, None)]


def test_the_second_measures_count_stands_between_the_two_measures():
    # "Two patients (20%) reached DAS28 remission and five (50%) achieved a moderate EULAR response"
    ev = run("Methods: Ten patients with RA received UC-MSCs. Results: Two patients (20%) reached DAS28 remission and "
             "five (50%) achieved a moderate EULAR response at 6 months.")
    assert sorted((o.measure, o.n_responders, o.percent_responders) for o in ev.outcomes) == [
        ("DAS28 remission", 2, 20.0), ("EULAR response", 5, 50.0)]


@pytest.mark.parametrize("sentence", [
    "ACR50 responses occurred in 12 of 30 MSC-treated patients (40%) versus 4 of 30 placebo-treated patients (13%).",
    "Twelve MSC patients (40%) and four placebo patients (13%) achieved ACR50.",
])
def test_a_count_that_names_its_arms_people(sentence):
    ev = run(_MSC_PLACEBO + sentence)
    assert sorted((o.arm, o.n_responders, o.percent_responders) for o in rows(ev, "ACR50")) == [
        ("MSC", 12, 40.0), ("placebo", 4, 13.0)]


@pytest.mark.parametrize("sentence, measure, key", [
    ("ACR20 response: MSC, 45%; placebo, 20%.", "ACR20", "percent_responders"),
    ("Serious adverse events: MSC, n = 45; placebo, n = 20.", "serious adverse events", "n_responders"),
])
def test_an_arms_label_and_a_comma_before_its_value_outside_brackets(sentence, measure, key):
    ev = run(_MSC_PLACEBO + sentence)
    assert sorted((o.arm, getattr(o, key)) for o in rows(ev, measure)) == [("MSC", 45), ("placebo", 20)]


def test_a_measure_reported_again_in_its_own_clause_keeps_its_values_and_arm():
    # "...; in the placebo group, adverse events occurred in 1/30 (3.3%)": a second report, not a repeat of the name
    ev = run(_MSC_PLACEBO + "Adverse events occurred in 13/30 (43.3%) in the MSC group; in the placebo group, adverse "
             "events occurred in 1/30 (3.3%).")
    assert sorted((o.arm, o.n_responders) for o in rows(ev, "adverse events")) == [("MSC", 13), ("placebo", 1)]


def test_an_open_measure_after_a_mean_sd_bracket():
    # "the mean (SD) XYZ score increased from ...": the statistic's bracket is not part of the clause before the name
    ev = run(_MSC_PLACEBO + "After 12 weeks, the mean (SD) knee function score increased from 16.1 (2.9) to 25.1 (4.6) "
             "in the MSC group.")
    assert [(o.arm, o.baseline_mean, o.followup_mean) for o in rows(ev, "knee function score")] == [("MSC", 16.1, 25.1)]


def test_the_second_arms_from_to_pair_without_its_from():
    # "from A1 to B1 in the X group versus A2 to B2 in the Y group": the second pair leaves out "from"
    ev = run(_MSC_PLACEBO + "The DAS28 decreased from 5.8 (0.9) to 3.1 (1.0) in the MSC group versus 5.7 (0.8) to "
             "5.2 (1.1) in the placebo group (P < 0.001).")
    assert sorted((o.arm, o.baseline_mean, o.followup_mean) for o in rows(ev, "DAS28")) == [
        ("MSC", 5.8, 3.1), ("placebo", 5.7, 5.2)]


@pytest.mark.parametrize("sentence, n, pct", [
    ("Infection occurred in 164 out of 7,647 randomised patients (2.1%).", 164, 2.1),
    ("Infection occurred in 12 of 60 patients (20%).", 12, 20.0),
])
def test_the_count_before_of_is_the_responders_of_a_counted_people_percentage(sentence, n, pct):
    # "164 out of 7,647 included patients (2.1%)": 7,647 is the denominator, 164 had the event
    ev = run(_MSC_PLACEBO + sentence)
    assert [(o.n_responders, o.percent_responders) for o in rows(ev, "Infection")] == [(n, pct)]


def test_a_compound_number_word_before_out_of():
    ev = run(_MSC_PLACEBO + "Infection occurred in thirty-five out of 39 (90%) subjects from the MSC group and one (3%) "
             "from the placebo group.")
    assert sorted((o.arm, o.n_responders) for o in rows(ev, "Infection")) == [("MSC", 35), ("placebo", 1)]


def test_a_percentage_change_with_its_ci_before_the_change_word():
    # "a 17% (95% CI 9-25) proportional reduction in X": a relative change, not 17% responders
    ev = run(_MSC_PLACEBO + "There was a significant 17% (95% CI 9-25) proportional reduction in vascular deaths "
             "(p = 0.0003).")
    assert [(o.kind, o.percent_change, o.percent_responders) for o in rows(ev, "vascular deaths")] == [
        ("change", -17.0, None)]


def test_a_mean_percentage_and_its_sd_in_brackets():
    # "Mean (sd) percentage of adherent days was 77.4% (26.3) in ...": a mean and SD, not 77.4% responders
    ev = run(_MSC_PLACEBO + "Mean (sd) percentage of adherent days was 77.4% (26.3) in the MSC group and 69.0% (30.8) "
             "in the placebo group.")
    assert sorted((o.arm, o.followup_mean, o.followup_sd, o.percent_responders)
                  for o in rows(ev, "percentage of adherent days")) == [("MSC", 77.4, 26.3, None),
                                                                         ("placebo", 69.0, 30.8, None)]


def test_the_event_people_developed_after_their_percentage():
    # "12 of 60 patients (20%) developed infection": the event after the counted people's percentage is the measure
    ev = run(_MSC_PLACEBO + "Overall 12 of 60 patients (20%) developed infection.")
    assert [(o.n_responders, o.percent_responders) for o in rows(ev, "infection")] == [(12, 20.0)]


def test_bracketed_percentages_after_measures_that_improvements_were_observed_in():
    # "improvements were observed ... in fatigue (26.9%), alertness (28.2%)": the measures' changes, not responders
    ev = run(_MSC_PLACEBO + "Substantial within group improvements were observed in the MSC group in the areas of "
             "fatigue (26.9%) and alertness (28.2%).")
    assert sorted((o.measure, o.percent_change, o.percent_responders) for o in ev.outcomes) == [
        ("alertness", 28.2, None), ("fatigue", 26.9, None)]


@pytest.mark.parametrize("subject", ["The DAS28 score of the MSC group", "The DAS28 of the MSC group",
                                     "The mean DAS28 in the MSC group"])
def test_a_measure_of_an_arm_as_the_subject_is_that_arms_measure(subject):
    ev = run("Eighty patients with RA were randomly divided into an MSC group (n = 40) and a control group (n = 40). "
             f"{subject} was significantly lower than that of the control group at 3 months "
             "(3.2 ± 0.5 vs 4.6 ± 0.8, P < 0.05).")
    got = sorted((o.arm, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes if o.measure == "DAS28")
    assert got == [("MSC group", 3.2, 13.0), ("control group", 4.6, 13.0)]


@pytest.mark.parametrize("sentence, measure, direction", [
    ("Morning stiffness duration was shortened (P < 0.05).", "Morning stiffness duration", "decrease"),
    ("The drug was better than placebo in relieving pain intensity (P < 0.05).", "pain intensity", "decrease"),
])
def test_shortened_and_relieving_are_direction_words_not_measures(sentence, measure, direction):
    ev = run(f"Thirty-six patients received MSCs. {sentence}")
    assert [(o.measure, o.direction) for o in ev.outcomes] == [(measure, direction)]


@pytest.mark.parametrize("sentence", [
    "Mean DAS28-ESR was 6.1 at baseline, 4.9 at month 1, 4.2 at month 3 and 4.0 at month 6.",
    "The mean DAS28 fell: 6.1 at baseline, 4.9 at month 1, 4.2 at month 3, and 4.0 at month 6 (P < 0.01).",
])
def test_each_value_written_before_its_own_time_is_that_times_value(sentence):
    ev = run("Twenty patients received intravenous BM-MSCs (1 × 10^6 cells/kg). " + sentence)
    got = sorted((o.timepoint_weeks, o.baseline_mean, o.followup_mean, o.direction) for o in ev.outcomes
                 if o.measure == "DAS28")
    assert got == [(4.33, 6.1, 4.9, "decrease"), (13.0, 6.1, 4.2, "decrease"), (26.0, 6.1, 4.0, "decrease")]


def test_responder_percentages_at_their_times_stay_responders():
    ev = run("Twenty patients received MSCs. ACR20 was achieved by 55% at month 3 and 60% at month 6.")
    got = sorted((o.timepoint_weeks, o.percent_responders, o.followup_mean) for o in ev.outcomes if o.measure == "ACR20")
    assert got == [(13.0, 55.0, None), (26.0, 60.0, None)]


@pytest.mark.parametrize("lead", ["Among 172 patients", "Of the 172 patients", "In all 172 patients"])
def test_the_count_of_who_was_counted_is_not_responders(lead):
    ev = run(f"{lead}, the proportion achieving ACR20 at 3 months was 63.6% in the MSC plus DMARDs group and "
             "17.6% in the DMARDs group.")
    got = sorted((o.arm, o.percent_responders, o.n_responders) for o in ev.outcomes if o.measure == "ACR20")
    assert got == [("DMARDs group", 17.6, None), ("MSC plus DMARDs group", 63.6, None)]


def test_a_change_from_baseline_of_a_hyphenated_measure_gives_each_arm_its_change():
    ev = run("A total of 105 patients were randomly assigned to hUC-MSCs (n = 70) or placebo (n = 35). The mean change "
             "in DAS28-ESR from baseline was −1.92 ± 1.10 versus −0.98 ± 1.05 (P < 0.001).")
    assert sorted((o.arm, o.change_mean) for o in ev.outcomes) == [("hUC-MSCs", -1.92), ("placebo", -0.98)]


@pytest.mark.parametrize("sentence", ["HAQ-DI improved more with MSCs (−0.45 vs −0.18; P = 0.003).",
                                      "HAQ-DI improved more with MSCs than with placebo (-0.45 vs -0.18; P = 0.003)."])
def test_a_negative_value_of_a_scale_that_is_never_negative_is_a_change(sentence):
    ev = run("A total of 105 patients were randomly assigned to hUC-MSCs (n = 70) or placebo (n = 35). " + sentence)
    got = sorted((o.arm, o.change_mean, o.followup_mean) for o in ev.outcomes if o.measure == "HAQ")
    assert got == [("hUC-MSCs", -0.45, None), ("placebo", -0.18, None)]


def test_a_p_value_after_the_last_arms_value_is_every_arms():
    ev = run("A total of 105 patients were randomly assigned to hUC-MSCs (n = 70) or placebo (n = 35). The mean change "
             "in DAS28 was −1.92 ± 1.10 versus −0.98 ± 1.05 (P < 0.001).")
    assert sorted((o.arm, o.p_value) for o in ev.outcomes) == [("hUC-MSCs", "<0.001"), ("placebo", "<0.001")]


@pytest.mark.parametrize("sentence, measure, change", [
    ("WOMAC total score improved by 42%.", "WOMAC", -42.0),
    ("There was a 42% improvement in WOMAC.", "WOMAC", -42.0),
    ("Pain improved significantly by 35%.", "Pain", -35.0),
    ("Grip strength improved by 25%.", "Grip strength", 25.0),  # higher is better: a rise
])
def test_an_improvement_by_a_percentage_is_signed_by_the_scales_better_direction(sentence, measure, change):
    ev = run("Twelve patients received MSCs. " + sentence)
    assert [(o.measure, o.percent_change) for o in ev.outcomes] == [(measure, change)]


@pytest.mark.parametrize("sentence", ["At week 24, the remission rate (DAS28 < 2.6) was 20% (3/15).",
                                      "At week 24, clinical remission (DAS 28 <2.6) was reached by 20% (3/15)."])
def test_a_remission_defined_by_its_score_in_a_bracket_is_that_scores_remission(sentence):
    ev = run("Fifteen patients with active RA received UC-MSCs. " + sentence)
    assert [(o.measure_canonical, o.percent_responders, o.n_responders, o.timepoint_weeks) for o in ev.outcomes] == [
        ("DAS28 remission", 20.0, 3, 24.0)]


@pytest.mark.parametrize("sentence", ["ACR20 was achieved in 8/15 (53.3%) patients at 24 weeks.",
                                      "ACR20 was achieved by 8 of 15 patients (53.3%) at 24 weeks."])
def test_a_count_of_patients_is_not_an_arms_name(sentence):
    ev = run("Fifteen patients with active RA received UC-MSCs. " + sentence)
    assert [(o.arm, o.n_responders) for o in ev.outcomes] == [("MSC (single arm)", 8)]


@pytest.mark.parametrize("name", ["The percentage of CD4+CD25+Foxp3+ Treg cells", "The percentage of CD19+ B lymphocytes",
                                  "The percentage of CD4+CD25+FoxP3+ Tregs", "The frequency of circulating Th17"])
def test_a_share_of_cells_is_a_level_not_a_share_of_patients(name):
    ev = run(f"Fifteen patients with active RA received UC-MSCs. {name} increased from 3.2% to 5.8% at 3 months "
             "(p = 0.002).")
    assert [(o.baseline_mean, o.followup_mean, o.percent_responders) for o in ev.outcomes] == [(3.2, 5.8, None)]


@pytest.mark.parametrize("lead", ["The mean ± SD HAQ score", "The mean±SD HAQ score", "The mean +/- SD HAQ score",
                                  "Mean ± SEM HAQ score"])
def test_the_statistics_name_before_a_measure_is_not_part_of_it(lead):
    ev = run(f"Patients received MSCs (n = 25). {lead} was 1.52 ± 0.48 at baseline and 0.91 ± 0.39 at 1 year.")
    assert [(o.measure, o.measure_text, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [
        ("HAQ", "HAQ score", 1.52, 0.91)]


@pytest.mark.parametrize("sentence", [
    "At 6 months, the ACR20/50/70 response rates were 46.7%, 26.7% and 10%, respectively.",
    "At 6 months, ACR 20/50/70 responses were achieved by 46.7%, 26.7% and 10% of patients, respectively.",
])
def test_acr_levels_after_slashes_are_measures_of_their_own(sentence):
    ev = run("Thirty patients received UC-MSCs. " + sentence)
    assert [(o.measure, o.percent_responders, o.timepoint_weeks) for o in ev.outcomes] == [
        ("ACR20", 46.7, 26.0), ("ACR50", 26.7, 26.0), ("ACR70", 10.0, 26.0)]


@pytest.mark.parametrize("sentence", [
    "At 6 months, 14 patients (46.7%) achieved ACR20, 8 (26.7%) ACR50 and 3 (10%) ACR70.",
    "Disease activity improved: 14 patients (46.7%) achieved ACR20, 8 (26.7%) ACR50 and 3 (10%) ACR70 at 6 months.",
])
def test_in_a_list_of_values_each_before_its_measure_each_measure_takes_the_values_before_it(sentence):
    ev = run("Thirty patients received UC-MSCs. " + sentence)
    got = [(o.measure, o.n_responders, o.percent_responders) for o in ev.outcomes if o.measure.startswith("ACR")]
    assert got == [("ACR20", 14, 46.7), ("ACR50", 8, 26.7), ("ACR70", 3, 10.0)]


@pytest.mark.parametrize("sentence, want", [
    ("The CDAI and SDAI decreased by 45% and 48%, respectively, 6 months after MSC transplantation.",
     [("CDAI", -45.0), ("SDAI", -48.0)]),
    ("IL-6 and TNF-alpha were significantly reduced by 30% and 25%, respectively.", [("IL-6", -30.0), ("TNF-alpha", -25.0)]),
    ("HAQ and DAS28 improved by 30% and 20%, respectively.", [("HAQ", -30.0), ("DAS28", -20.0)]),
])
def test_measures_listed_before_their_change_word_take_the_percentages_respectively(sentence, want):
    ev = run("Twenty patients received MSCs. " + sentence)
    assert [(o.measure, o.percent_change) for o in ev.outcomes] == want


@pytest.mark.parametrize("sentence", ["At 6 months, ACR20/50/70 responses were 59%/44%/22%.",
                                      "ACR20/ACR50/ACR70 responses were achieved by 59%, 44% and 22%, respectively.",
                                      "ACR20/ACR50/ACR70 responses were 59%/44%/22% at 6 months."])
def test_slash_lists_of_measures_and_of_percentages_pair_in_order(sentence):
    ev = run("Thirty patients received UC-MSCs. " + sentence)
    assert [(o.measure, o.percent_responders) for o in ev.outcomes] == [("ACR20", 59.0), ("ACR50", 44.0),
                                                                         ("ACR70", 22.0)]


@pytest.mark.parametrize("lead", ["In the MSC group, 9 (30%) had", "In the MSC group, 9 patients (30%) had",
                                  "Among the MSC group, 9 (30%) had"])
def test_the_arm_leading_a_clause_is_its_first_values_arm(lead):
    ev = run("Sixty patients were randomised to MSC (n = 30) or placebo (n = 30). "
             f"{lead} adverse events, compared with 13 (43%) in the placebo group.")
    assert [(o.arm, o.n_responders, o.percent_responders) for o in ev.outcomes] == [("MSC", 9, 30.0),
                                                                                   ("placebo", 13, 43.0)]


@pytest.mark.parametrize("sentence", [
    "A mean DAS28 reduction of 2.05 ± 1.12 was observed 6 months after infusion.",
    "At 6 months, the mean DAS28 reduction was 2.05 ± 1.12.",
])
def test_a_measure_named_before_its_reduction_noun_takes_a_negative_change(sentence):
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [(o.measure, o.change_mean, o.timepoint_weeks) for o in ev.outcomes] == [("DAS28", -2.05, 26.0)]


@pytest.mark.parametrize("sentence, want", [
    ("Regulatory T cells increased 2 weeks after infusion (5.3 ± 1.4 vs 3.8 ± 1.1 at baseline; P = 0.003).", (3.8, 5.3)),
    ("At week 2, DAS28 remained lower than baseline (3.8 ± 1.1 vs 5.3 ± 1.4, P < 0.01).", (5.3, 3.8)),
    ("At week 2, HAQ was higher than at baseline (5.3 ± 1.4 versus 3.8 ± 1.1; P = 0.02).", (3.8, 5.3)),
    ("Th17 cells were reduced at week 2 (3.8 ± 1.1% vs 5.3 ± 1.4% at baseline; P = 0.02).", (5.3, 3.8)),
])
def test_a_pair_whose_second_value_is_the_baseline_puts_the_first_at_follow_up(sentence, want):
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [(o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes] == [(*want, 2.0)]


@pytest.mark.parametrize("sentence", [
    "DAS28 decreased to 4.5 ± 0.9, 4.0 ± 1.0 and 3.7 ± 1.1 at 1, 3 and 6 months, respectively (baseline 5.9 ± 0.7).",
    "At months 1, 3 and 6, the mean DAS28 was 4.5, 4.0 and 3.7, respectively, versus 5.9 at baseline.",
    "The DAS28 was 5.9 ± 0.7 at baseline and 4.5 ± 0.9, 4.0 ± 1.0 and 3.7 ± 1.1 at months 1, 3 and 6.",
    "The DAS28 values were 5.9 (baseline), 4.5 (month 1), 4.0 (month 3) and 3.7 (month 6).",
])
def test_a_baseline_value_beside_a_list_of_follow_up_values_is_every_timepoints_baseline(sentence):
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [(o.timepoint_weeks, o.baseline_mean, o.followup_mean, o.direction) for o in ev.outcomes] == [
        (4.33, 5.9, 4.5, "decrease"), (13.0, 5.9, 4.0, "decrease"), (26.0, 5.9, 3.7, "decrease")]


def test_a_baseline_value_after_values_at_their_times_is_their_baseline():
    ev = run("Twenty patients with RA received UC-MSCs. HAQ scores at 6 months (1.1 ± 0.5) and 12 months (1.0 ± 0.6) "
             "were lower than at baseline (1.7 ± 0.6).")
    assert [(o.timepoint_weeks, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [
        (26.0, 1.7, 1.1), (52.0, 1.7, 1.0)]


@pytest.mark.parametrize("sentence, want", [
    ("DAS28 improved significantly at 12 weeks (baseline 5.5 vs 12 weeks 3.9; P = 0.01).", (12.0, 5.5, 3.9)),
    ("ESR improved significantly (baseline 48.5 vs month 6 29.3 mm/h; P = 0.01).", (26.0, 48.5, 29.3)),
    ("Swollen joints were reduced (baseline 8.4 vs week 12 3.9).", (12.0, 8.4, 3.9)),
    ("HAQ improved at 12 weeks (pre 1.75, post 1.05; P < 0.05).", (12.0, 1.75, 1.05)),
    ("HAQ improved at 12 weeks (pre-treatment 1.75 ± 0.4 vs post-treatment 1.05 ± 0.3).", (12.0, 1.75, 1.05)),
])
def test_values_labelled_by_their_times_in_a_bracket_are_the_baseline_and_the_follow_up(sentence, want):
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [(o.timepoint_weeks, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [want]


def test_each_time_labelling_the_value_after_it_takes_that_value():
    ev = run("Twenty patients with RA received UC-MSCs. The walking distance improved (baseline 469 m, 6 months 462 m, "
             "12 months 484 m).")
    assert [(o.timepoint_weeks, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [
        (26.0, 469.0, 462.0), (52.0, 469.0, 484.0)]


@pytest.mark.parametrize("sentence", [
    "The DAS28 improved by 1.3 ± 0.8 at week 4 and by 1.9 ± 1.0 at week 12 (both P < 0.001).",
    "DAS28 decreased by 1.3 ± 0.8 at week 4 and by 1.9 ± 1.0 at week 12.",
])
def test_changes_by_an_amount_at_several_times_are_each_times_change(sentence):
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [(o.timepoint_weeks, o.change_mean, o.followup_mean) for o in ev.outcomes] == [
        (4.0, -1.3, None), (12.0, -1.9, None)]


@pytest.mark.parametrize("lead", ["Among 40 treated patients,", "Of the 40 patients,", "Among the 40 patients who completed follow-up,"])
def test_the_patients_a_count_is_out_of_are_not_the_responders(lead):
    ev = run(f"Forty patients with RA received UC-MSCs. {lead} 23 (57.5%) achieved ACR20 at month 6.")
    assert [(o.measure, o.n_responders, o.percent_responders) for o in ev.outcomes] == [("ACR20", 23, 57.5)]


@pytest.mark.parametrize("sentence, want", [
    ("Patients showed improved HAQ (mean change −0.6) and reduced DAS28 (mean change −2.0) at week 24.",
     [("HAQ", -0.6), ("DAS28", -2.0)]),
    ("HAQ improved at week 24 (change: −0.6; P = 0.01).", [("HAQ", -0.6)]),
])
def test_a_bare_value_after_a_change_label_in_a_bracket_is_the_change(sentence, want):
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [(o.measure, o.change_mean) for o in ev.outcomes] == want


@pytest.mark.parametrize("sentence", [
    "At 3 months, 11 (45.8%), 6 (25.0%) and 2 (8.3%) patients met the ACR20, ACR50 and ACR70 criteria, respectively.",
    "At 3 months, 11 (45.8%), 6 (25.0%) and 2 (8.3%) patients achieved ACR20, ACR50 and ACR70 responses, respectively.",
])
def test_values_listed_before_their_measures_with_respectively_go_in_order(sentence):
    ev = run("Twenty-four patients with RA received UC-MSCs. " + sentence)
    assert [(o.measure, o.n_responders, o.percent_responders) for o in ev.outcomes] == [
        ("ACR20", 11, 45.8), ("ACR50", 6, 25.0), ("ACR70", 2, 8.3)]


def test_a_from_to_pair_in_a_bracket_after_a_change_is_the_baseline_and_the_follow_up():
    ev = run("Twenty patients with RA received UC-MSCs. Serum CRP levels fell by a mean of 9.4 mg/L (from 19.8 to "
             "10.4 mg/L) by week 8.")
    assert [(o.change_mean, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [(-9.4, 19.8, 10.4)]


@pytest.mark.parametrize("sentence", [
    "At 6 months, DAS28 in the UC-MSC group decreased from 5.9 to 3.6, and in the methotrexate group from 5.8 to 4.5.",
    "At 6 months, DAS28 decreased in the UC-MSC group from 5.9 ± 0.8 to 3.6 ± 0.9 and in the methotrexate group "
    "from 5.8 ± 0.7 to 4.5 ± 1.0.",
])
def test_each_arm_named_before_its_own_from_to_pair_gets_it(sentence):
    ev = run("Forty patients were randomized to UC-MSC (n = 20) or methotrexate (n = 20). " + sentence)
    assert [(o.arm, o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes] == [
        ("UC-MSC", 5.9, 3.6, 26.0), ("methotrexate", 5.8, 4.5, 26.0)]


@pytest.mark.parametrize("sentence", ["At 24 weeks, 5 (20.8%) patients were in DAS28 remission.",
                                      "At 24 weeks, 5 patients (20.8%) were in clinical remission (DAS28 < 2.6)."])
def test_people_who_were_in_a_state_are_its_responders(sentence):
    ev = run("Twenty-four patients received MSCs. " + sentence)
    assert [(o.measure, o.n_responders, o.percent_responders, o.timepoint_weeks) for o in ev.outcomes] == [
        ("DAS28 remission", 5, 20.8, 24.0)]
