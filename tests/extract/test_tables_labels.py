"""extract.table_labels: what a header, stub, section or corner label says."""
from __future__ import annotations

import pytest

from extract.table_labels import declared_statistics, looks_like_arm, read_label


@pytest.mark.parametrize(("text", "name", "n"), [
    ("Group S (n=47)", "Group S", 47),
    ("Placebo + metformin (n = 137)", "Placebo + metformin", 137),
    ("Intervention (n = 53)", "Intervention", 53),
    ("Agoraphobia Free mean (SD)", "Agoraphobia Free", None),
    ("Total (%)(n = 356)", "Total", 356),
    ("Intervention % (n/N)", "Intervention", None),
    ("Control mean (s.e)", "Control", None),
    ("% change", "", None),  # says what the numbers are, names no arm
    ("Control N = 244, % (n)", "Control", 244),
])
def test_arm_headers(text, name, n):
    label = read_label(text)
    assert (label.name, label.n) == (name, n)


@pytest.mark.parametrize(("text", "name"), [
    # the statistic in a row label's brackets goes, the unit and the words stay, the brackets closed
    ("Male (n [%])", "Male"), ("Safe shock (n [%])", "Safe shock"), ("Any other problems(n [%])", "Any other problems"),
    ("Time to shock (s; mean ± SD)", "Time to shock (s)"),
    ("Objective response (complete or partial; n [%])", "Objective response (complete or partial)"),
    ("% treated with metformin (N)", "% treated with metformin"), ("Weight (kg)", "Weight (kg)"),
    ("Abdominal tenderness ( n ) )", "Abdominal tenderness"), ("Recurrent goiter [no (%)]", "Recurrent goiter"),
    ("Smoking (no)", "Smoking (no)"),
])
def test_a_statistic_in_a_labels_brackets_leaves_its_name_whole(text, name):
    assert read_label(text).name == name


@pytest.mark.parametrize(("text", "weeks", "baseline", "point", "name"), [
    ("Baseline", 0.0, True, None, ""),
    ("Preoperative", 0.0, True, None, ""),
    ("Pre treatment", 0.0, True, None, ""),
    ("8 weeks", 8.0, False, None, ""),
    ("Week 24", 24.0, False, None, ""),
    ("After 12 wk", 12.0, False, None, ""),
    ("At week 24", 24.0, False, None, ""),
    ("3 months", 13.0, False, None, ""),
    ("12 months", 52.0, False, None, ""),
    ("D1", 0.14, False, None, ""),
    ("POD 3", 0.43, False, None, ""),
    ("Weeks 1–12 (double-blind portion)", 12.0, False, None, ""),
    ("Change at week 24 (95% CI)", 24.0, False, None, ""),
    ("End point (primary outcome)", None, False, "end", ""),
    ("End of study", None, False, "end", ""),
    ("Midpoint", None, False, "midpoint", ""),
    ("Postexercise mean (SD)", None, False, "end", ""),
    ("Post-", None, False, "end", ""),  # "Pre-" | "Post-" rows under "pre- and post- supplementation"
    ("HbA1c at week 24, mean (SD)", 24.0, False, None, "HbA1c"),
    ("HDRS (at 32 weeks)", 32.0, False, None, "HDRS"),
    ("mRS change score 0–3 months; mean (SD)", 13.0, False, None, "mRS change score"),
    # study visits written as codes, the interval's end in brackets; ordinal months
    ("T0-T1 (1st month)", 4.33, False, None, ""),
    ("T2–T3 (3rd month)", 13.0, False, None, ""),
    ("2nd month", 8.67, False, None, ""),
    ("Third month", 13.0, False, None, ""),
    ("14-day follow-up", 2.0, False, None, ""),  # a hyphenated day count before "follow-up" is its time
    ("28-day visit", 4.0, False, None, ""), ("12-month outcomes", 52.0, False, None, ""),
    ("6-month results", 26.0, False, None, ""),
    ("Immediately after", None, False, "end", ""), ("During", None, False, "during", ""),
    ("During treatment", None, False, "during", ""),
    ("Upon completion", None, False, "end", ""),  # "upon" is the time's preposition, no name
    ("upon admission", 0.0, True, None, ""),
])
def test_timepoints(text, weeks, baseline, point, name):
    label = read_label(text)
    assert label.time is not None
    assert (label.time.weeks, label.time.baseline, label.time.point, label.name) == (weeks, baseline, point, name)


@pytest.mark.parametrize(("text", "weeks", "name"), [
    # minutes into a procedure or after a dose: a timepoint (weeks to 4 decimals, never the baseline's 0)
    ("5 minutes after anesthesia administration", 0.0005, ""),
    ("Posttreatment pain (5 minutes)", 0.0005, "Posttreatment pain"),
    ("Pain at 30 min", 0.003, "Pain"),
    ("15 min", 0.0015, ""),
])
def test_minutes_after_a_start_are_timepoints(text, weeks, name):
    label = read_label(text)
    assert label.time is not None and (label.time.weeks, label.time.baseline, label.name) == (weeks, False, name)


@pytest.mark.parametrize("text", ["Apgar score 5 min", "Healthy full-term, Apgar >7 at 5 min", "6 minute",
                                  "No. of flights of stairs ran in 2 minutes", "Duration (min)", "Time to onset (<30 min)",
                                  "6 minute walk test (m)"])
def test_minutes_in_a_measures_name_are_no_timepoint(text):
    assert read_label(text).time is None


@pytest.mark.parametrize("text", ["VAS (0–10)", "Pain score (0-100)", "SF-36 (0-100), mean (SD)", "PASE (0–315)"])
def test_a_scales_range_in_brackets_is_no_timepoint(text):
    assert read_label(text).time is None  # ("0–12 weeks" is one: its end)


@pytest.mark.parametrize("text", ["6-min walk distance (m)", "30-s sit-to-stand (reps)", "24-h urine protein",
                                  "7-day recall", "28-day mortality", "3-day food record",
                                  "QALYs, last 12 weeks, mean (SD)", "5 years or less", "Age > 65 years",
                                  "Leg—1 repetition maximum (kg)", "Duration of disease 1-3 years",
                                  "Pain in the 1st month of life", "Loss to follow-up", "Lost to follow-up",
                                  "Start reading aloud early"])
def test_numbers_inside_names_are_not_timepoints(text):
    assert read_label(text).time is None


@pytest.mark.parametrize("text", ["1 h postprandial BG, mmol/L", "2-h post-prandial glucose", "2 h postprandial glucose"])
def test_hours_before_postprandial_name_the_glucose_not_a_timepoint(text):
    label = read_label(text)
    assert label.time is None and label.name == text


@pytest.mark.parametrize(("text", "name"), [
    # "pre-" glued to a word that is no treatment, test or event names a thing, not a time before it
    ("Pre-eclampsia", "Pre-eclampsia"), ("Pre-eclampsia, n (%)", "Pre-eclampsia"), ("Pre-Eclampsia", "Pre-Eclampsia"),
    ("Pre-school children", "Pre-school children"),
    ("Mean pre-filter replacement solution flow, mL/hr", "Mean pre-filter replacement solution flow, mL/hr"),
    ("Pre-albumin (mg/dL)", "Pre-albumin (mg/dL)"), ("pre-existing diabetes", "pre-existing diabetes"),
    ("Pre-specified subgroup", "Pre-specified subgroup"), ("Pre-bronchodilator FEV1 (L)", "Pre-bronchodilator FEV1 (L)"),
])
def test_pre_glued_to_a_things_name_is_no_baseline(text, name):
    label = read_label(text)
    assert label.time is None and label.name == name


@pytest.mark.parametrize(("text", "name"), [
    # an admission to a care unit is an event counted as an outcome, not the time of the admission
    ("Admission to NICU", "Admission to NICU"), ("Admission to SCBU *", "Admission to SCBU"),
    ("Antenatal hospital admission", "Antenatal hospital admission"), ("ICU admission, n (%)", "ICU admission"),
    ("A&E attendance leading to admission", "A&E attendance leading to admission"),
])
def test_an_admission_to_a_unit_is_an_event_not_a_baseline(text, name):
    label = read_label(text)
    assert label.time is None and label.name == name


@pytest.mark.parametrize("text", ["Admission", "At admission", "On ICU admission", "upon hospital admission",
                                  "APACHE II scores on admission, mean ± SD", "Admission values"])
def test_the_time_of_admission_is_the_baseline(text):
    label = read_label(text)
    assert label.time is not None and label.time.baseline


@pytest.mark.parametrize("text", ["Pre-RT", "Pre-HD", "Pre-chemotherapy", "pre-transplant", "Pre-delivery",
                                  "Pre-", "Pre", "Pre-op", "Pre-treatment",
                                  "Pre- and post-supplementation", "Pre-post", "Pre-follow-up"])
def test_pre_before_a_treatment_or_event_is_the_baseline(text):
    label = read_label(text)
    assert label.time is not None and label.time.baseline


@pytest.mark.parametrize(("text", "stats"), [
    ("BI ≥ 95; n/N (%)", {"n_pct"}),
    ("Intervention % (n/N)", {"pct_n"}),
    ("Clinical symptoms, n (%)", {"n_pct"}),
    ("Age (years), mean (SD)", {"mean_sd"}),
    ("Mean change (95 % CI)", {"mean_ci"}),
    ("Baseline (SD)", {"sd"}),
    ("Median (IQR)", {"median_iqr"}),
    ("median (range)", {"median_range"}),
    ("Mean ± SD", {"mean_sd"}),
    ("M (SD)", {"mean_sd"}),
    ("SD", {"sd"}),
    ("95% CI", {"ci"}),
    ("6-min walk distance (m)", set()),
])
def test_statistics_in_labels(text, stats):
    assert set(read_label(text).stats) == stats


@pytest.mark.parametrize("text", ["Change from baseline estimate (95% CI)", "Estimated change from baseline (95% CI)",
                                  "Mean ± SDa", "Adjusted mean change (95% CI)"])
def test_labels_that_only_say_what_the_numbers_are_name_nothing(text):
    assert read_label(text).name == ""


@pytest.mark.parametrize(("text", "role"), [
    ("P value", "p"), ("p a", "p"), ("p adj b", "p"), ("p-value*", "p"), ("P vs PBO + MET", "p"),
    ("Difference", "MD"), ("Difference vs PBO (95% CI)", "MD"), ("Intervention—control", "MD"),
    ("Mean intervention effect (95 % CI)", "MD"), ("ESM-I vs Control", "MD"), ("OR (95% CI)", "OR"),
    ("Relative risk (CI)", "RR"), ("Hazard ratio", "HR"), ("Effect size", "SMD"), ("Treatment effect", "MD"),
    ("N", "n"), ("Number of patients", "n"), ("All patients", "total"), ("Total", "total"), ("F", "test"),
    ("χ2", "test"), ("Pain", None), ("PBO", None), ("Leg—1 repetition maximum (kg)", None),
    ("Change from baseline", None), ("Baseline-midpoint contrast", None), ("HR (beats/min)", None),
    ("RR (breaths/min)", None), ("HR (95% CI)", "HR"), ("RR [95% CI] or p-value", "RR"),
    # "TAU" is treatment as usual, an arm; a header that gives an n names a group, not a statistic
    ("Tau (N = 35)", None), ("TAU", None), ("tau", "test"), ("τ", "test"),
    ("Comparison mean change (se)", None), ("Comparison group (n = 25)", None), ("Comparison", "MD"),
    ("n *", "n"), ("n†", "n"), ("N (%)", None), ("Mean Diff (95% CI)", "MD"), ("Diffuse pain", None),
    ("F (df)", "test"), ("t (df)", "test"), ("Group diff", "MD"), ("Between-group diff.", "MD"), ("Diff", None),
    # hours written "hr"/"hrs" are a unit, never a hazard ratio; "E.S." is an effect size
    ("Duration RRT prescribed, hrs", None), ("Mean dialysate flow, mL/hr", None), ("24 hr", None),
    ("First Day Losses g/kg/hr", None), ("E.S.", "SMD"), ("ES", "SMD"),
])
def test_roles(text, role):
    label = read_label(text)
    got = ("p" if label.is_p else label.effect or ("n" if label.is_n else "total" if label.is_total else
                                                   "test" if label.is_test else None))
    assert got == role


def test_dimension_words_and_a_measure_named_in_the_corner():
    assert read_label("Time").dimension == "time"
    assert read_label("Group").dimension == "arm"
    assert read_label("Parameter").dimension == "measure"
    label = read_label("Time point of PAS score")
    assert (label.dimension, label.of_measure) == ("time", "PAS score")


@pytest.mark.parametrize("text", ["Delta ± SD", "Δ (SD)", "Delta", "Mean delta"])
def test_a_delta_alone_is_a_change_naming_nothing(text):
    label = read_label(text)
    assert (label.name, label.change) == ("", True)


def test_changes():
    assert read_label("Change from baseline in HAQ-DI, mean (SD)").change
    assert read_label("Change from baseline in HAQ-DI, mean (SD)").name == "HAQ-DI"
    assert read_label("% change from baseline").percent_change
    assert not read_label("mRS; mean (SD)").change


@pytest.mark.parametrize(("text", "stats"), [
    ("Data are means ± SD", {"mean_sd"}),
    ("Values are expressed as mean (SD).", {"mean_sd"}),
    ("Notes: Data are median ± standard deviation.", {"mean_sd"}),
    ("Data are means (SD) or means (95% CI).", {"mean_sd", "mean_ci"}),
    ("Values are median (25th–75th centiles) or n (%).", {"median_iqr", "n_pct"}),
    ("Data presented as count (%)", {"n_pct"}),
    ("* Data are expressed as No. (%).", {"n_pct"}),
])
def test_declared_statistics(text, stats):
    assert set(declared_statistics(text)) == stats


@pytest.mark.parametrize(("name", "arm"), [
    ("Group I", True), ("Placebo", True), ("Dapagliflozin 5 mg + metformin", True), ("Usual care", True),
    ("Control arm", True), ("Weight (kg)", False), ("Pain intensity", False), ("Duration of treatment (days)", False),
])
def test_arm_names(name, arm):
    assert looks_like_arm(name) is arm


def test_an_n_written_without_its_equals_sign():
    label = read_label("Fish group (n 12)")
    assert (label.name, label.n) == ("Fish group", 12)


@pytest.mark.parametrize("text, dimension", [
    ("Treatment group, mean (SD)", "arm"), ("Group, n (%)", "arm"), ("Variable, n (%)", "measure"),
    ("Group and visit number", "arm"), ("Group and visit number, median (IQR)", "arm"), ("Arm/visit", "arm"),
    # a time word beside a statistic dates its column; an interaction term is a row of a regression table
    ("Follow-up (95% CI)", None), ("Period × Time", None), ("Group by time", None),
])
def test_a_heading_that_names_the_dimensions_with_its_statistic_names_no_arm_or_measure(text, dimension):
    # "Treatment group, mean (SD)" over "Placebo" | "Drug": the heading word and the statistic, no arm's name
    assert read_label(text).dimension == dimension


def test_a_measure_named_with_a_dimension_word_keeps_its_name():
    label = read_label("Number of visits, mean (SD)")
    assert (label.dimension, label.name) == (None, "Number of visits")
