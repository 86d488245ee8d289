"""Outcome rows on unseen trial abstracts (round 7): each test written from a spelling or a layout, with sentences
of our own in the style of MSC-for-RA trial reports."""
import pytest

from extract.quantities import find_mean_sd
from tests.extract.helpers import run

_MSC_CONTROL = "Methods: Sixty patients with RA were randomised to UC-MSC (n = 30) or control (n = 30). Results: "


@pytest.mark.parametrize("text, mean, sd", [("5.9 [0.8]", 5.9, 0.8), ("-2.1 [1.1]", -2.1, 1.1),
                                            ("41.9 [SD 17.7]", 41.9, 17.7)])
def test_a_number_with_a_square_bracketed_sd_is_a_mean_and_its_sd(text, mean, sd):
    assert [(m.mean, m.sd, m.kind) for m in find_mean_sd(text)] == [(mean, sd, "mean (sd)")]


@pytest.mark.parametrize("text", ["12 [40%]", "reported in [12]", "5.9 [4.1-6.3]"])
def test_square_brackets_that_are_not_an_sd_stay_what_they_were(text):
    assert all(m.kind != "mean (sd)" for m in find_mean_sd(text))


def test_mean_sd_in_square_brackets_gives_each_arm_its_mean():
    ev = run(_MSC_CONTROL + "Baseline DAS28 (mean [SD]) was 5.9 [0.8] in the UC-MSC group and 5.8 [0.9] in the "
             "control group.")
    assert [(o.arm, o.baseline_mean, o.baseline_sd) for o in ev.outcomes] == [
        ("UC-MSC", 5.9, 0.8), ("control", 5.8, 0.9)]


@pytest.mark.parametrize("text, means", [
    ("The change was -0.62 (SE 0.08) in the MSC group and -0.21 (SEM 0.09) in the placebo group.", [-0.62, -0.21]),
    ("The DAS28 fell by 1.9 ± 0.2 (mean ± SE) in the MSC group compared with 0.6 ± 0.2 in the controls.", [1.9, 0.6]),
    ("The mean (SE) DAS28 change at week 12 was -1.62 (0.15) for MSC and -0.54 (0.16) for placebo.", [-1.62, -0.54]),
    ("Values are mean ± SEM. DAS28 was 3.2 ± 0.1.", [3.2]),
])
def test_a_standard_error_is_not_read_as_an_sd(text, means):
    # "-0.62 (SE 0.08)", "(mean ± SE)", "mean (SE)": the mean is kept, the SE is not an SD (before: the bracket with
    # "SE" was not read at all, and an SE said by the sentence was stored as the SD)
    assert [(m.mean, m.sd) for m in find_mean_sd(text)] == [(x, None) for x in means]


def test_means_said_with_sd_keep_their_sd_beside_an_se_elsewhere():
    text = "DAS28 was 3.2 ± 0.1 (mean ± SD); the difference was 1.1 (SE 0.3)."
    assert [(m.mean, m.sd) for m in find_mean_sd(text)] == [(3.2, 0.1), (1.1, None)]


def test_changes_with_their_se_give_each_arm_its_change():
    ev = run(_MSC_CONTROL + "The change in HAQ from baseline to week 12 was -0.62 (SE 0.08) in the UC-MSC group and "
             "-0.21 (SE 0.09) in the control group.")
    assert [(o.arm, o.change_mean, o.change_sd, o.timepoint_weeks) for o in ev.outcomes] == [
        ("UC-MSC", -0.62, None, 12.0), ("control", -0.21, None, 12.0)]


@pytest.mark.parametrize("sentence", [
    "Tender joint counts differed between the groups (week 12: 6.2 vs 9.8; week 24: 4.1 vs 9.1).",
    "TJC at week 12: 6.2 vs 9.8; at week 24: 4.1 vs 9.1 (UC-MSC vs control).",
    "At week 12, TJC was 6.2 vs 9.8; at week 24, 4.1 vs 9.1.",
])
def test_pairs_of_values_each_after_its_timepoint_and_a_semicolon_go_to_each_timepoint(sentence):
    # "(week 12: a vs b; week 24: c vs d)", "At week 12, X was a vs b; at week 24, c vs d": each timepoint owns the
    # pair after it, one value per arm (before: the semicolon cut the list, one timepoint kept, its pair read as a
    # baseline and a follow-up)
    ev = run(_MSC_CONTROL + sentence)
    assert sorted((o.timepoint_weeks, o.arm, o.followup_mean, o.baseline_mean) for o in ev.outcomes) == [
        (12.0, "UC-MSC", 6.2, None), (12.0, "control", 9.8, None),
        (24.0, "UC-MSC", 4.1, None), (24.0, "control", 9.1, None)]


def test_a_measure_name_with_digits_between_the_first_timepoint_and_its_pair():
    ev = run(_MSC_CONTROL + "At week 12, the DAS28 was 4.1 vs 5.0; at week 24, 3.5 vs 4.8 in the UC-MSC and control "
             "groups.")
    assert sorted((o.timepoint_weeks, o.arm, o.followup_mean) for o in ev.outcomes) == [
        (12.0, "UC-MSC", 4.1), (12.0, "control", 5.0), (24.0, "UC-MSC", 3.5), (24.0, "control", 4.8)]


@pytest.mark.parametrize("sentence", [
    "ESR and CRP decreased from 48.1 and 25.3 to 30.2 and 11.4, respectively, in the UC-MSC group at 6 months.",
    "In the UC-MSC group, ESR and CRP fell from 48.1 mm/h and 25.3 mg/L to 30.2 mm/h and 11.4 mg/L, respectively, "
    "at 6 months.",
])
def test_measures_listed_then_from_a_list_to_a_list_respectively(sentence):
    # "X and Y decreased from a and b to c and d, respectively": each measure's level before and after, in order
    # (before: Y got X's two values, X none)
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.measure, o.arm, o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes] == [
        ("ESR", "UC-MSC", 48.1, 30.2, 26.0), ("CRP", "UC-MSC", 25.3, 11.4, 26.0)]


@pytest.mark.parametrize("sentence", [
    "The mean DAS28 at baseline was 5.8 and 5.7, and at week 24 it was 3.6 and 4.9 in the UC-MSC and control groups, "
    "respectively.",
    "DAS28 at baseline was 5.8 and 5.7, and at week 24 was 3.6 and 4.9 in the two groups, respectively.",
    "DAS28 at baseline was 5.8 ± 0.7 and 5.7 ± 0.8; at week 24, it was 3.6 ± 0.9 and 4.9 ± 1.0, respectively.",
])
def test_each_arms_baseline_then_each_arms_level_at_a_timepoint(sentence):
    # "X at baseline was a and b, and at week 24 it was c and d in the A and B groups, respectively": a and c are A's
    # baseline and follow-up, b and d B's (before: a and b were read as one arm's baseline and follow-up)
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.arm, o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes] == [
        ("UC-MSC", 5.8, 3.6, 24.0), ("control", 5.7, 4.9, 24.0)]


def test_percentages_with_sds_after_a_plus_minus_from_one_to_the_other_are_means_and_their_sds():
    assert [(m.mean, m.sd, m.kind) for m in find_mean_sd("rose from 4.1% ± 1.2% to 7.9 % ± 1.8")] == [
        (4.1, 1.2, "mean±sd"), (7.9, 1.8, "mean±sd")]


def test_a_cell_subsets_percentages_with_sds_from_to():
    # "Treg cells increased from 4.1% ± 1.2% to 7.9% ± 1.8%": a level in percent, before and after (before: no value)
    ev = run("Twenty patients with RA received UC-MSCs. The proportion of Treg cells increased from 4.1% ± 1.2% to "
             "7.9% ± 1.8% at month 3 (P < 0.01).")
    assert [(o.measure, o.baseline_mean, o.baseline_sd, o.followup_mean, o.followup_sd, o.timepoint_weeks)
            for o in ev.outcomes] == [("Treg", 4.1, 1.2, 7.9, 1.8, 13.0)]


@pytest.mark.parametrize("text", ["The % fall in FEV1 was 21.0% ± 5.7.", "mean percent change ± SD of -5.11% ± 3.96%",
                                  "a percent decrease (- 12.3% ± 16, - 15.2% ± 21.6)"])
def test_a_percent_change_with_its_sd_stays_a_percent_change(text):
    assert find_mean_sd(text) == []


@pytest.mark.parametrize("sentence, change, low, high", [
    ("Within the UC-MSC group, the DAS28 decreased by 2.3 (95% CI 1.8 to 2.8) from baseline at week 24.",
     -2.3, -2.8, -1.8),
    ("The mean change in DAS28 from baseline within the UC-MSC group was -1.9 (95% CI -2.4 to -1.4) at week 24.",
     -1.9, -2.4, -1.4),
])
def test_a_change_within_one_group_with_its_ci_is_that_groups_change_not_an_effect(sentence, change, low, high):
    # a within-group change and its CI, no second arm, no difference: the arm's change (before: an effect size,
    # the between-group field)
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.arm, o.change_mean, o.change_ci_low, o.change_ci_high, o.effect_size, o.timepoint_weeks)
            for o in ev.outcomes] == [("UC-MSC", change, low, high, None, 24.0)]


def test_a_difference_between_groups_with_its_ci_stays_an_effect():
    ev = run(_MSC_CONTROL + "The difference between groups in the change in DAS28 from baseline was -1.4 (95% CI -2.0 "
             "to -0.8) at week 24.")
    assert [(o.effect_size, o.change_mean) for o in ev.outcomes] == [(-1.4, None)]


@pytest.mark.parametrize("sentence, measure", [
    ("The total effective rate was 86.7% in the UC-MSC group and 60.0% in the control group (P < 0.05).",
     "total effective rate"),
    ("The effective rate was 86.7% (26/30) in the UC-MSC group versus 60.0% (18/30) in the control group.",
     "effective rate"),
])
def test_the_effective_rate_is_a_measure_of_responders(sentence, measure):
    # "total effective rate" (the share of patients whose response met the trial's criteria): "effective" is not a
    # measure's word on its own ("MSCs were effective"), but before "rate" it names the measure
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.measure, o.arm, o.percent_responders) for o in ev.outcomes] == [
        (measure, "UC-MSC", 86.7), (measure, "control", 60.0)]


def test_effective_alone_is_still_no_measure():
    ev = run(_MSC_CONTROL + "UC-MSC infusion was effective and safe in the UC-MSC group.")
    assert [o.measure for o in ev.outcomes] == []


@pytest.mark.parametrize("sentence, measure", [
    ("The total effective rate of the UC-MSC group (86.7%) was higher than that of the control group (60.0%).",
     "total effective rate"),
    ("The overall response rate of the UC-MSC group (86.7%) was higher than that of the control group (60.0%).",
     "response rate"),
])
def test_a_rate_of_a_group_ends_before_of(sentence, measure):
    # "the rate of the A group (a%) was higher than that of the B group (b%)": "of the A group" names an arm, not part
    # of the measure (before: the measure "rate of the UC-MSC group" was a group's name and no row was made)
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.measure, o.arm, o.percent_responders) for o in ev.outcomes] == [
        (measure, "UC-MSC", 86.7), (measure, "control", 60.0)]


@pytest.mark.parametrize("prefix", ["A randomised controlled trial of MSCs in 60 patients with RA. ", _MSC_CONTROL])
@pytest.mark.parametrize("sentence", [
    "The DAS28 decreased from 5.6 to 3.9 (UC-MSC group) and from 5.7 to 5.2 (control group) at 24 weeks.",
    "The DAS28 decreased from 5.6 to 3.9 (UC-MSC arm) and from 5.7 to 5.2 (control arm) at 24 weeks.",
])
def test_arms_named_in_brackets_after_their_values(prefix, sentence):
    # "from a to b (A group) and from c to d (B group)": each bracket after a pair names that pair's arm (before: an
    # arm named so was found only where it was one of the study's arm names, else the second pair was lost)
    ev = run(prefix + sentence)
    assert [(o.arm.replace(" group", "").replace(" arm", ""), o.baseline_mean, o.followup_mean, o.timepoint_weeks)
            for o in ev.outcomes] == [("UC-MSC", 5.6, 3.9, 24.0), ("control", 5.7, 5.2, 24.0)]


def test_a_bracket_of_every_group_after_a_value_names_no_arm():
    ev = run(_MSC_CONTROL + "Of the 14 adverse events (in all groups), 8 were infusion reactions (both groups).")
    assert all(o.arm in ("all patients", "MSC (single arm)") or "all" not in o.arm for o in ev.outcomes)


@pytest.mark.parametrize("sentence", [
    "The mean reduction in DAS28 from baseline to week 24 was 2.1 ± 0.9 in the UC-MSC group versus 0.8 ± 0.7 in the "
    "control group (P < 0.01).",
    "The mean decrease in DAS28 from baseline was 2.1 ± 0.9 in the UC-MSC group and 0.8 ± 0.7 in the control group at "
    "week 24.",
])
def test_a_reduction_from_baseline_written_unsigned_is_a_negative_change(sentence):
    # "the reduction in X from baseline was 2.1": a fall, a change of -2.1 (before: "from baseline" made it a change
    # but its fall's noun was not read for the sign)
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.arm, o.change_mean, o.change_sd, o.timepoint_weeks) for o in ev.outcomes] == [
        ("UC-MSC", -2.1, 0.9, 24.0), ("control", -0.8, 0.7, 24.0)]


def test_measures_listed_then_from_a_list_at_baseline_to_a_list_at_a_timepoint_respectively():
    ev = run(_MSC_CONTROL + "In the UC-MSC group, SJC and TJC decreased from 9.4 and 12.8 at baseline to 3.1 and 5.2 at "
             "week 12, respectively.")
    assert [(o.measure, o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes] == [
        ("SJC", 9.4, 3.1, 12.0), ("TJC", 12.8, 5.2, 12.0)]


@pytest.mark.parametrize("text, mean, sd", [("18.2 pg/mL (SD 5.1)", 18.2, 5.1), ("26.7 mg/L (SE 6.3)", 26.7, None),
                                            ("4.1 points (SD: 1.2)", 4.1, 1.2)])
def test_a_unit_between_a_mean_and_its_labelled_sd(text, mean, sd):
    assert [(m.mean, m.sd) for m in find_mean_sd(text)] == [(mean, sd)]


def test_a_unit_before_a_bracket_without_an_sd_label_is_no_sd():
    assert find_mean_sd("18.2 pg/mL (5.1)") == []


@pytest.mark.parametrize("sentence", [
    "The change in DAS28 was positively related to the baseline CRP (rs = 0.89 to 0.98; P < 0.001).",
    "The change in DAS28 correlated with the change in IL-6 (ρ = 0.62, P < 0.01).",
    "The change in DAS28 was negatively related to the baseline IL-10 (rs = −0.73 to −0.79; P < 0.001).",
])
def test_a_rank_correlation_coefficient_is_no_outcome_value(sentence):
    # "rs = 0.89", "ρ = 0.62": Spearman's coefficient, as "r = 0.62" already (before: read as changes)
    ev = run("Twenty patients with RA received UC-MSCs. " + sentence)
    assert [o.change_mean for o in ev.outcomes if o.change_mean is not None] == []


@pytest.mark.parametrize("sentence", [
    "The ACR20 response did not differ between groups (70.0% and 65.0% in the UC-MSC and control group, "
    "respectively).",
    "ACR20 was achieved by 70.0% and 65.0% of patients in the UC-MSC and control arm, respectively.",
])
def test_two_arms_listed_before_a_singular_group_word_and_respectively(sentence):
    # "in the A and B group, respectively": the singular is the two arms' (before: one row, on the wrong arm)
    ev = run(_MSC_CONTROL + sentence)
    assert [(o.arm, o.percent_responders) for o in ev.outcomes] == [("UC-MSC", 70.0), ("control", 65.0)]


def test_arms_each_named_in_full_before_respectively_keep_their_names():
    ev = run("Methods: Ninety patients were randomised to a fish group, a control group or a krill group. Results: "
             "Baseline CRP was 1.52, 1.81 and 1.69 mg/L in the fish group, control group and krill group, "
             "respectively.")
    assert [(o.arm, o.baseline_mean) for o in ev.outcomes] == [
        ("fish group", 1.52), ("control group", 1.81), ("krill group", 1.69)]


@pytest.mark.parametrize("tail", ["after infusion", "after injection", "after transplantation"])
def test_after_the_infusion_is_a_time_not_an_arm(tail):
    # "7.9% ± 1.8% after infusion": the act of treatment after a value names a time, not an arm (before: arm "infusion")
    ev = run(_MSC_CONTROL + f"In the UC-MSC group, Treg cells increased from 4.1% ± 1.2% to 7.9% ± 1.8% {tail} "
             "(P < 0.01).")
    assert [(o.arm, o.baseline_mean, o.followup_mean) for o in ev.outcomes] == [("UC-MSC", 4.1, 7.9)]


def test_one_arm_named_then_values_at_listed_timepoints_respectively():
    # "In the A group, X decreased from a to b and c at 3 and 6 months, respectively": one arm named, "respectively"
    # follows the timepoints (before: the second value went to the other arm)
    ev = run(_MSC_CONTROL + "In the UC-MSC group, ESR decreased from 52.3 to 31.6 and 25.4 mm/h at 3 and 6 months, "
             "respectively.")
    assert [(o.arm, o.baseline_mean, o.followup_mean, o.timepoint_weeks) for o in ev.outcomes] == [
        ("UC-MSC", 52.3, 31.6, 13.0), ("UC-MSC", 52.3, 25.4, 26.0)]


def test_an_event_measures_bare_whole_numbers_per_arm_are_its_counts():
    # "the incidence of serious infections was lower in A than in B (11 vs 22, respectively)": counts of events, not
    # mean levels (before: follow-up means 11 and 22)
    ev = run(_MSC_CONTROL + "The incidence of serious infections was lower in the UC-MSC group than in the control "
             "group (11 vs 22, respectively).")
    assert [(o.arm, o.n_responders, o.followup_mean) for o in ev.outcomes] == [("UC-MSC", 11, None),
                                                                               ("control", 22, None)]
