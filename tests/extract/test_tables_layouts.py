"""The table reader on one small synthetic JATS table per layout feature and trap.

Each table is built in the test (tests/extract/tables_helpers.py): the header tree, the stub
columns, section rows, the role of every label, and every data cell read into one reading.
"""
from __future__ import annotations

from extract.table_rows import read_table
from tests.extract.tables_helpers import at, layout, none_at, read

EM = "\u2003"


# --------------------------------------------------------------------------------------------
# Header tree


def test_arms_over_timepoints_in_a_two_row_header():
    rows = [[("Measure", {"rowspan": 2}), ("Drug (n = 20)", {"colspan": 2}), ("Placebo (n = 18)", {"colspan": 2})],
            ["Baseline", "Week 12", "Baseline", "Week 12"],
            ["DAS28", "5.1 ± 1.0", "3.9 ± 1.1", "5.0 ± 0.9", "4.8 ± 1.2"]]
    got = read(rows, head=2)
    base, end = at(got, 2, 1), at(got, 2, 2)
    assert (base.arm, base.n, base.weeks, base.numbers) == ("Drug", 20, 0.0, {"baseline_mean": 5.1, "baseline_sd": 1.0})
    assert (end.arm, end.weeks, end.kind, end.numbers) == ("Drug", 12.0, "value",
                                                           {"followup_mean": 3.9, "followup_sd": 1.1})
    assert (at(got, 2, 4).arm, at(got, 2, 4).n, at(got, 2, 4).weeks) == ("Placebo", 18, 12.0)


def test_timepoints_above_the_arms_and_a_rowspan_p_column():
    rows = [[("Parameter", {"rowspan": 2}), ("Baseline", {"colspan": 2}), ("8 weeks", {"colspan": 2}),
             ("P value", {"rowspan": 2})],
            ["Diet", "Diet+P", "Diet", "Diet+P"],
            ["Hemoglobin (g/dL)", "7.4 ± 2.0", "7.6 ± 2.7", "9.2 ± 1.7", "10.1 ± 2.0", "0.35"]]
    got = read(rows, head=2, caption="Primary outcomes. All values are mean ± standard deviation.")
    assert (at(got, 2, 3).arm, at(got, 2, 3).weeks, at(got, 2, 3).measure) == ("Diet", 8.0, "Hemoglobin (g/dL)")
    assert (at(got, 2, 4).arm, at(got, 2, 4).weeks) == ("Diet+P", 8.0)
    assert none_at(got, 2, 5)  # the P value compares the groups: no arm's value
    assert layout(rows, head=2).columns[5].role == "p"


def test_an_empty_header_row_and_a_break_inside_a_header_cell():
    rows = [["", "", ""],
            ["", "Group S<break/>(n=47)", "Group D<break/>(n=46)"],
            ["Pain score", "2.1 ± 0.5", "1.8 ± 0.4"]]
    lay = layout(rows, head=2)
    assert lay.table.cell(1, 1).text == "Group S (n=47)"
    assert (lay.columns[1].arm, lay.columns[1].n) == ("Group S", 47)
    got = read(rows, head=2)
    assert (at(got, 2, 2).arm, at(got, 2, 2).n, at(got, 2, 2).numbers["mean"]) == ("Group D", 46, 1.8)


def test_header_rows_that_sit_in_tbody_of_a_table_without_thead():
    rows = [["<bold>Variable</bold>", "<bold>Placebo (n = 137)</bold>", "<bold>Drug 5 mg (n = 137)</bold>"],
            ["Weight (kg)", "87.7 (19.2)", "84.9 (17.8)"]]
    lay = layout(rows, head=1, thead=False, footnotes=("Data are means (SD).",))
    assert lay.n_header_rows == 1
    got = read(rows, head=1, thead=False, footnotes=("Data are means (SD).",))
    assert (at(got, 1, 2).arm, at(got, 1, 2).statistic, at(got, 1, 2).numbers) == (
        "Drug 5 mg", "mean (SD)", {"mean": 84.9, "sd": 17.8})


# --------------------------------------------------------------------------------------------
# Stub columns and section rows


def test_an_empty_indent_column_under_a_colspan_two_corner_and_a_section_naming_the_measure():
    rows = [[("Characteristics", {"colspan": 2}), "App A (n=73)", "Range", "App B (n=69)", "Range"],
            [("Age (years), mean (SD)", {"colspan": 2}), "39.2 (10.5)", "N/A<sup>b</sup>", "40.2 (12.2)", "N/A"],
            [("PAS scores, mean (SD)", {"colspan": 6})],
            ["<break/>", "Total", "30.77 (8.72)", "9-50", "29.80 (8.72)", "6-47"],
            ["<break/>", "Panic Attacks", "1.58 (1.05)", "0-4", "1.52 (0.88)", "0-3.33"]]
    lay = layout(rows, caption="Baseline demographic and clinical characteristics of each arm.")
    assert lay.n_stub_cols == 2
    assert [c.role for c in lay.columns[2:]] == ["value", "range", "value", "range"]
    got = read(rows, caption="Baseline demographic and clinical characteristics of each arm.")
    total = at(got, 3, 2)
    assert (total.measure, total.arm, total.weeks, total.numbers) == (
        "PAS scores / Total", "App A", 0.0, {"baseline_mean": 30.77, "baseline_sd": 8.72})
    assert at(got, 4, 4).measure == "PAS scores / Panic Attacks"
    assert none_at(got, 3, 3) and none_at(got, 3, 5)  # the ranges are not a third and fourth arm
    assert at(got, 1, 2).measure == "Age (years)"


def test_measures_as_section_rows_with_indented_timepoint_rows():
    rows = [["", "Group S(n=47)", "Group D(n=46)", "Difference (95% CI)", "P Value"],
            ["QoR-15 dimensions", "", "", "", ""],
            [EM + "Emotional state", "", "", "", ""],
            [EM * 2 + "Preoperative", "37.4 ± 1.5", "37.2 ± 1.9", "0.2 (-0.5 to 0.9)", "0.596"],
            [EM * 2 + "POD 1", "25.8 ± 3.4", "28.8 ± 5.3", "-3.0 (-4.9 to -1.2)", "0.001<sup>**</sup>"],
            [EM + "Pain", "", "", "", ""],
            [EM * 2 + "POD 3", "18.5 ± 1.7", "19.2 ±1.5", "-0.69 (-1.34 to -0.03)", "0.041<sup>*</sup>"]]
    got = read(rows, footnotes=("Notes: Data are median ± standard deviation.",))
    pre = at(got, 3, 1)
    assert (pre.measure, pre.arm, pre.weeks, pre.numbers) == (
        "QoR-15 dimensions / Emotional state", "Group S", 0.0, {"baseline_mean": 37.4, "baseline_sd": 1.5})
    assert (at(got, 4, 2).weeks, at(got, 4, 2).numbers) == (0.14, {"followup_mean": 28.8, "followup_sd": 5.3})
    pain = at(got, 6, 2)
    assert (pain.measure, pain.weeks, pain.statistic, pain.numbers) == (
        "QoR-15 dimensions / Pain", 0.43, "mean ± SD", {"followup_mean": 19.2, "followup_sd": 1.5})
    diff = at(got, 4, 3)  # between-arm, not a third arm's mean (95% CI)
    assert (diff.role, diff.numbers, diff.p_value) == (
        "difference", {"effect_size": -3.0, "effect_ci_low": -4.9, "effect_ci_high": -1.2}, "=0.001")
    assert not [r for r in got if r.role == "arm" and r.col in (3, 4)]


def test_timepoints_as_section_rows_and_the_statistic_after_a_semicolon():
    rows = [["Time", "Early discharge", "Control arm", "p-value"],
            ["Baseline", "", "", ""],
            [EM + "BI ≥ 95; n/N (%)", "108/206 (52.4)", "51/98 (52.0)", "0.950"],
            ["3 months", "", "", ""],
            [EM + "BI ≥ 95; n/N (%)", "113/164 (68.9)", "42/67 (62.7)", "0.362"],
            [EM + "mRS; mean (SD)", "2.37 (1.41)", "2.62 (1.40)", "0.204"],
            [EM + "mRS change score 0–3 months; mean (SD)", "\u22120.31 (1.08)", "0 (1.07)", "0.049"]]
    got = read(rows)
    first = at(got, 2, 1)
    assert (first.measure, first.weeks, first.kind, first.n, first.numbers) == (
        "BI ≥ 95", 0.0, "responders", 206, {"n_responders": 108, "percent_responders": 52.4})
    assert (at(got, 4, 2).weeks, at(got, 4, 2).n) == (13.0, 67)
    mrs = at(got, 5, 1)
    assert (mrs.measure, mrs.weeks, mrs.kind, mrs.numbers) == ("mRS", 13.0, "value",
                                                               {"followup_mean": 2.37, "followup_sd": 1.41})
    change = at(got, 6, 2)  # "0 (1.07)": a change of 0 with SD 1.07, not a count
    assert (change.kind, change.numbers) == ("change", {"change_mean": 0.0, "change_sd": 1.07})
    assert at(got, 6, 1).numbers == {"change_mean": -0.31, "change_sd": 1.08}


# --------------------------------------------------------------------------------------------
# Arms as rows, measures as column groups, the measure in the corner


def test_arms_as_rows_with_measures_as_column_groups_over_day_columns():
    rows = [["Group", "N", ("Pain intensity", {"colspan": 2}), ("Mouth Opening", {"colspan": 2})],
            ["", "", "D1", "D2", "D1", "D2"],
            ["Group I", "50", "0.62 ± 0.6*", "0.5 ± 0.51*", "36.0 ± 11.2", "38.1 ± 10.05"],
            ["Group II", "50", "1.64 ± 0.9*", "1.3 ± 0.62*", "39.2 ± 11.3", "36.0 ± 10.02"]]
    caption = "Pain intensity and mouth opening at Days 1 and 2 (D1, D2). Values are expressed as mean ± SD"
    lay = layout(rows, head=2, caption=caption)
    assert lay.arms_in == "rows" and lay.columns[1].role == "n"
    got = read(rows, head=2, caption=caption)
    cell = at(got, 2, 3)
    assert (cell.measure, cell.arm, cell.weeks, cell.n, cell.numbers, cell.markers) == (
        "Pain intensity", "Group I", 0.29, 50, {"followup_mean": 0.5, "followup_sd": 0.51}, ("*",))
    assert (at(got, 3, 4).measure, at(got, 3, 4).arm, at(got, 3, 4).weeks) == ("Mouth Opening", "Group II", 0.14)
    assert none_at(got, 2, 1)  # the N column is the arm's n, not a value


def test_the_measure_in_the_corner_cell_rows_as_named_timepoints_and_a_separate_ci_cell():
    rows = [[("Time point of PAS<sup>a</sup> score", {"rowspan": 2}), ("App A mean (SD)", {"rowspan": 2}),
             ("App B mean (SD)", {"rowspan": 2}), ("Effect estimate", {"colspan": 3})],
            ["Difference", "95% CI", "P value"],
            ["End point (primary outcome)", "24.33 (16.81)", "23.95 (16.51)", "0.38", "\u20131.96 to 3.20", ".64"],
            ["Midpoint", "27.66 (13.37)", "27.03 (13.27)", "\u20132.15", "\u20136.21 to 1.91", ".30"]]
    caption = "Intention-to-treat analysis at end point (12 weeks) and midpoint (6 weeks), n=142."
    got = read(rows, head=2, caption=caption)
    end = at(got, 2, 1)
    assert (end.measure, end.arm, end.weeks, end.numbers) == ("PAS score", "App A", 12.0,
                                                              {"followup_mean": 24.33, "followup_sd": 16.81})
    assert (at(got, 3, 2).weeks, at(got, 3, 2).arm) == (6.0, "App B")
    diff = at(got, 3, 3)
    assert (diff.role, diff.numbers, diff.p_value) == (
        "difference", {"effect_size": -2.15, "effect_ci_low": -6.21, "effect_ci_high": 1.91}, "=0.30")
    assert [c[1] for c in diff.cells] == [3, 4, 5]  # the estimate, its CI and its P value, each cited
    assert none_at(got, 2, 4) and none_at(got, 2, 5)


def test_the_statistic_as_the_row_label_with_the_measure_in_the_corner():
    rows = [["DAS28", "MSC (n = 10)", "Placebo (n = 10)"],
            ["Mean ± SD", "4.1 ± 0.9", "5.0 ± 1.1"],
            ["Median (IQR)", "4.0 (3.5–4.6)", "5.1 (4.2–5.8)"]]
    got = read(rows, caption="Disease activity at week 24")
    mean = at(got, 1, 1)
    assert (mean.measure, mean.arm, mean.weeks, mean.numbers) == ("DAS28", "MSC", 24.0,
                                                                  {"followup_mean": 4.1, "followup_sd": 0.9})
    med = at(got, 2, 2)
    assert (med.statistic, med.numbers) == ("median (IQR)", {"median": 5.1, "iqr_low": 4.2, "iqr_high": 5.8})


def test_measures_as_columns_with_arms_as_rows_named_by_the_corner():
    rows = [["Group", "Functional", "Emotional", "Total score"],
            ["1", "13.4 (9.2)", "9.4 (6.2)", "31.0 (24.3)"],
            ["2", "17.2 (9.1)", "12.0 (11.2)", "43.0 (25.4)"],
            ["P-value", "0.366", "0.532", "0.295"]]
    caption = "Total and subtest scores (mean and standard deviation) of DHI at the beginning of the programme"
    got = read(rows, caption=caption)
    cell = at(got, 2, 3)
    assert (cell.arm, cell.measure, cell.numbers) == ("Group 2", "Total score", {"baseline_mean": 43.0,
                                                                                  "baseline_sd": 25.4})
    assert not [r for r in got if r.row == 3]


def test_arm_columns_win_over_row_categories_with_arm_like_words():
    # every value column names a group; "Kind of surgery" rows (Caesarean, Appendectomy, ...) are categories
    rows = [[("Variables", {"colspan": 2}), "Drug Group Mean ± SD", "Starch Group Mean ± SD"],
            [("Age", {"colspan": 2}), "60.5 ± 2.4", "61.9 ± 1.7"],
            [("Kind of surgery", {"rowspan": 3}), "Caesarean", "10 (50%)", "10 (50%)"],
            ["Cholecystectomy", "5 (25%)", "5 (25%)"],
            ["Appendectomy", "2 (10%)", "2 (10%)"]]
    assert layout(rows).arms_in == "columns"
    got = read(rows)
    assert (at(got, 1, 2).measure, at(got, 1, 2).arm) == ("Age", "Drug Group")
    assert (at(got, 3, 3).measure, at(got, 3, 3).arm) == ("Kind of surgery / Cholecystectomy", "Starch Group")


def test_a_measure_over_the_arms_with_subgroups_as_rows():
    # "LDL cholesterol (mmol/l)" over "Drug" | "Placebo" | "Difference"; the rows are subgroups
    rows = [["Subgroup", ("LDL cholesterol (mmol/l)", {"colspan": 3}), ("Total cholesterol (mmol/l)", {"colspan": 3})],
            ["", "Drug", "Placebo", "Difference", "Drug", "Placebo", "Difference"],
            ["Male", "2.2", "3.2", "-1.0", "4.1", "5.3", "-1.2"],
            ["Female", "2.5", "3.4", "-0.9", "4.6", "5.8", "-1.2"]]
    got = read(rows, head=2, caption="Average cholesterol concentrations during follow-up")
    assert (at(got, 2, 1).measure, at(got, 2, 1).arm) == ("LDL cholesterol (mmol/l) / Male", "Drug")
    assert (at(got, 3, 5).measure, at(got, 3, 5).arm) == ("Total cholesterol (mmol/l) / Female", "Placebo")
    diff = at(got, 2, 3)
    assert (diff.role, diff.measure, diff.arm, diff.numbers) == ("difference", "LDL cholesterol (mmol/l) / Male",
                                                                 "Difference", {"effect_size": -1.0})


def test_arms_in_a_stub_column_of_their_own_under_a_group_header():
    # "Variable | Group | Week 0 | Week 4 | Week 12": the measure written once in its block's middle row
    rows = [["Variable", "Group", "Week 0", "Week 4", "Week 12"],
            ["", "Drug group (n = 30)", "5.0 ± 2.0", "4.0 ± 2.3", "2.4 ± 2.4"],
            ["VAS pain (cm)", "Placebo group (n = 30)", "4.9 ± 2.1", "4.1 ± 2.4", "3.2 ± 2.5"],
            ["", "P value", "0.89", "0.68", "0.06"],
            ["", "", "", "", ""],
            ["SBP (mmHg)", "Drug group (n = 30)", "126 ± 11", "127 ± 12", "125 ± 10"],
            ["", "Placebo group (n = 30)", "124 ± 10", "125 ± 9", "126 ± 11"]]
    assert layout(rows).arms_in == "stub"
    got = read(rows)
    first, last = at(got, 1, 2), at(got, 2, 4)
    assert (first.measure, first.arm, first.weeks, first.numbers) == ("VAS pain (cm)", "Drug group", 0.0,
                                                                      {"baseline_mean": 5.0, "baseline_sd": 2.0})
    assert (last.measure, last.arm, last.weeks, last.numbers) == ("VAS pain (cm)", "Placebo group", 12.0,
                                                                  {"followup_mean": 3.2, "followup_sd": 2.5})
    assert (at(got, 6, 3).measure, at(got, 6, 3).arm) == ("SBP (mmHg)", "Placebo group")
    assert none_at(got, 3, 2)  # the P value row is no arm's value


# --------------------------------------------------------------------------------------------
# Changes, differences and P values


def test_change_columns_under_a_statistic_header_with_comma_cis_and_a_difference_column():
    rows = [[("Variable", {"rowspan": 2}), ("Mean change (95 % CI)", {"colspan": 2}),
             ("Mean intervention effect (95 % CI)", {"colspan": 3})],
            ["Intervention (n\u2009=\u200953)", "Control (n\u2009=\u200966)", "Intervention\u2014control",
             "p <sup>a</sup>", "p adj <sup>b</sup>"],
            [("Fitness and physical function", {"colspan": 6})],
            [EM + "6-min walk distance (m)", "64.87 (49.76, 79.99)", "14.89 (0.47, 29.31)", "49.98 (28.54, 71.42)",
             "&lt;0.0001", "0.001"],
            [EM + "Leg\u20141 repetition maximum (kg)", "28.54 (21.54, 35.54)", "6.72 (\u22120.06, 13.49)",
             "21.82 (12.15, 31.49)", "&lt;0.0001", "0.001"]]
    caption = "Changes in fitness and physical function from baseline to 12 weeks: comparison between conditions"
    got = read(rows, head=2, caption=caption)
    walk = at(got, 3, 1)
    assert (walk.measure, walk.arm, walk.n, walk.weeks, walk.kind, walk.statistic, walk.numbers) == (
        "6-min walk distance (m)", "Intervention", 53, 12.0, "change", "mean (95% CI)",
        {"change_mean": 64.87, "change_ci_low": 49.76, "change_ci_high": 79.99})
    assert at(got, 4, 2).numbers == {"change_mean": 6.72, "change_ci_low": -0.06, "change_ci_high": 13.49}
    effect = at(got, 3, 3)
    assert (effect.role, effect.arm, effect.p_value) == ("difference", "Mean intervention effect (95 % CI) / "
                                                         "Intervention\u2014control", "<0.0001")
    assert at(got, 4, 1).measure == "Leg\u20141 repetition maximum (kg)"  # an em dash in a name is no contrast


def test_baseline_change_and_difference_rows_under_a_measure_section():
    rows = [["", "Placebo (n = 137)", "Drug 5 mg (n = 137)"],
            ["<bold>HbA1c (%):<sup>a</sup></bold>", "", ""],
            ["Baseline (SD)", "8.12 (0.96)", "8.17 (0.96)"],
            ["Change at week 24 (95% CI)", "-0.31 (-0.45 to -0.16)", "-0.67 (-0.81 to -0.53)"],
            ["Difference vs PBO (95% CI)", "", "-0.36 (-0.56, -0.16)"],
            ["P vs PBO", "", "&lt;0.0001"]]
    got = read(rows, caption="Change from baseline in efficacy parameters",
               footnotes=("Data are means (SD) or means (95% CI).",))
    base = at(got, 2, 1)
    assert (base.measure, base.measure_text, base.weeks, base.kind, base.statistic, base.numbers) == (
        "HbA1c", "HbA1c (%):", 0.0, "value", "mean (SD)", {"baseline_mean": 8.12, "baseline_sd": 0.96})
    change = at(got, 3, 2)
    assert (change.weeks, change.kind, change.statistic, change.numbers) == (
        24.0, "change", "mean (95% CI)", {"change_mean": -0.67, "change_ci_low": -0.81, "change_ci_high": -0.53})
    diff = at(got, 4, 2)
    assert (diff.role, diff.weeks, diff.numbers) == ("difference", 24.0, {"effect_size": -0.36, "effect_ci_low": -0.56,
                                                                          "effect_ci_high": -0.16})
    assert not [r for r in got if r.row == 5]  # a P row is not an arm's value


def test_percent_change_rows_fill_percent_change_not_an_absolute_change():
    rows = [["", "Drug (n = 30)", "Placebo (n = 30)"],
            ["LDL cholesterol (mg/dL)", "", ""],
            [EM + "Week 12", "98.2 ± 20.1", "130.5 ± 25.3"],
            [EM + "% change from baseline", "\u221224.5 ± 10.2", "\u22121.3 ± 8.7"]]
    got = read(rows, caption="Lipids at week 12")
    pct = at(got, 3, 1)
    assert (pct.kind, pct.numbers) == ("change", {"percent_change": -24.5})
    assert at(got, 2, 1).numbers == {"followup_mean": 98.2, "followup_sd": 20.1}


def test_within_group_contrasts_are_each_arms_change():
    rows = [[("Treatment arms", {"rowspan": 2}), ("Baseline-midpoint contrast", {"colspan": 3}),
             ("Baseline-end point contrast", {"colspan": 3})],
            ["Difference", "95% CI", "P value", "Difference", "95% CI", "P value"],
            ["App A", "\u20132.64", "\u20134.48 to \u20130.79", ".005", "\u20135.97", "\u20138.49 to \u20133.44", "&lt;.001"]]
    caption = "Within-group contrasts in the total score at end point (12 weeks) and midpoint (6 weeks)"
    got = read(rows, head=2, caption=caption)
    mid, end = at(got, 2, 1), at(got, 2, 4)
    assert (mid.role, mid.arm, mid.weeks, mid.kind) == ("arm", "App A", 6.0, "change")
    assert end.numbers == {"change_mean": -5.97, "change_ci_low": -8.49, "change_ci_high": -3.44}
    assert [c[1] for c in end.cells] == [4, 5]


def test_test_statistic_columns_are_not_values():
    rows = [["", "Drug (n = 20)", "Placebo (n = 20)", "F", "P"],
            ["Pain VAS", "32.1 ± 8.0", "41.0 ± 9.5", "5.69", "&lt;0.05"]]
    got = read(rows, caption="Pain at week 4")
    assert layout(rows).columns[3].role == "test"
    assert {(r.col, r.role) for r in got} == {(1, "arm"), (2, "arm")}


# --------------------------------------------------------------------------------------------
# The statistic: the cell, then the stub or header, then the footnote


def test_n_pct_rows_give_responders_only_on_their_own_row_in_a_mean_table():
    rows = [["", "MSC (n = 20)", "Control (n = 20)"],
            ["Age, years", "54.2 (10.1)", "55.0 (9.8)"],
            ["Women, n (%)", "16 (80.0)", "15 (75.0)"],
            ["ACR20 response", "12 (60)", "5 (25)"],
            ["DAS28", "4.1 (1.0)", "5.2 (0.9)"]]
    got = read(rows, caption="Outcomes at week 24", footnotes=("Data are mean (SD) or n (%).",))
    women = at(got, 2, 1)
    assert (women.kind, women.numbers) == ("responders", {"n_responders": 16, "percent_responders": 80.0})
    acr = at(got, 3, 2)  # "5 (25)" agrees with 5 of 20 patients: a count
    assert (acr.kind, acr.numbers) == ("responders", {"n_responders": 5, "percent_responders": 25.0})
    das = at(got, 4, 1)
    assert (das.kind, das.numbers) == ("value", {"followup_mean": 4.1, "followup_sd": 1.0})
    assert at(got, 1, 1).weeks == 0.0  # age is a baseline value whatever the table's timepoint


def test_the_cells_own_form_outranks_the_labels():
    rows = [["", "Baseline mean (SD)", "Week 8 mean (SD)"],
            ["Schober's test (cm)", "3.3 ± 2.0", "4.1 ± 1.8"],
            ["Responders", "3 (30%)", "7 (70%)"]]
    got = read(rows)
    assert at(got, 1, 2).statistic == "mean ± SD"
    assert at(got, 2, 2).numbers == {"n_responders": 7, "percent_responders": 70.0}


def test_mean_95_ci_is_a_ci_and_median_iqr_or_range_are_medians():
    rows = [["", "Drug (n = 50)", "Placebo (n = 50)"],
            ["Weight change, mean (95% CI)", "-2.1 (-3.0 to -1.2)", "-0.4 (-1.3 to 0.5)"],
            ["Length of stay, median (IQR)", "4 (3-6)", "5 (4-8)"],
            ["Time to rescue, median (range)", "6.5 (2-24)", "3.0 (1-12)"]]
    got = read(rows, caption="Outcomes at 12 weeks")
    ci = at(got, 1, 1)
    assert (ci.statistic, ci.kind, ci.numbers) == ("mean (95% CI)", "change",
                                                   {"change_mean": -2.1, "change_ci_low": -3.0, "change_ci_high": -1.2})
    assert at(got, 2, 2).numbers == {"median": 5.0, "iqr_low": 4.0, "iqr_high": 8.0}
    assert at(got, 3, 1).numbers == {"median": 6.5, "range_low": 2.0, "range_high": 24.0}
    assert all("mean" not in k for r in got if r.row >= 2 for k in r.numbers)


def test_the_footnote_says_what_an_a_b_cell_is():
    rows = [["", "Fish oil (n = 20)", "No supplement (n = 20)"],
            ["Tender joint count", "6 (2)", "5 (2)"]]
    mean = read(rows, caption="Results at 12 weeks", footnotes=("Values are expressed as mean (SD).",))
    assert at(mean, 1, 1).numbers == {"followup_mean": 6.0, "followup_sd": 2.0}
    counts = read(rows, caption="Results at 12 weeks", footnotes=("Data presented as count (%).",))
    assert at(counts, 1, 1).numbers == {"n_responders": 6, "percent_responders": 2.0}


# --------------------------------------------------------------------------------------------
# Timepoints: header, section, caption, never an unrelated duration


def test_the_timepoint_from_the_caption_a_pooled_column_an_n_row_and_zero_cells():
    rows = [["", "All patients", "Treatment group", "Placebo group", "p value"],
            ["Number of patients", "52", "30", "22", ""],
            ["Gender (female/male)", "30/22", "17/13", "13/9", ""],
            ["Hospitalizations, n (%)", "4 (7.7)", "1 (3.3)", "3 (13.6)", ("ns", {"rowspan": 2})],
            ["Surgery, n (%)", "1 (1.9)", "0 (0)", "1 (4.5)"]]
    caption = ("Characteristics of the groups (10 years of diverticulosis and longer) and results of the "
               "investigation at 12 months of follow-up")
    got = read(rows, caption=caption)
    hosp = at(got, 3, 2)
    assert (hosp.arm, hosp.n, hosp.weeks, hosp.numbers) == ("Treatment group", 30, 52.0,
                                                            {"n_responders": 1, "percent_responders": 3.3})
    assert at(got, 4, 2).numbers == {"n_responders": 0, "percent_responders": 0.0}
    assert not [r for r in got if r.col in (1, 4)]  # pooled column and P column
    assert not [r for r in got if r.row == 2]  # "17/13" is two counts, not 17 of 13


def test_no_timepoint_is_taken_from_a_number_in_a_measure_name():
    rows = [["", "Exercise (n = 53)", "Usual care (n = 66)"],
            ["6-min walk distance (m)", "412 ± 80", "398 ± 85"],
            ["24-h urine protein (g)", "0.4 ± 0.2", "0.5 ± 0.3"]]
    got = read(rows)
    assert all(r.weeks is None for r in got)
    assert at(got, 2, 1).measure == "24-h urine protein (g)"


def test_an_end_of_study_row_takes_the_studys_follow_up_only_when_the_caption_says_nothing():
    rows = [["", "Timing", "Group I"], ["DAS 28", "Baseline", "4.99 ± 0.88"], ["", "End of study", "3.91 ± 0.80"]]
    rows[2][0] = ("DAS 28", {})
    got = read(rows, followup=12.0)
    assert (at(got, 2, 2).weeks, at(got, 2, 2).timepoint) == (12.0, "End of study")
    assert at(read(rows, followup=12.0, caption="Results after 6 months"), 2, 2).weeks == 26.0


def test_category_rows_of_a_baseline_table_are_not_timepoints():
    rows = [["Variables", "Experimental group N = 57", "Control group N = 41"],
            ["Years of education (%)", "", ""],
            [EM + "8 years", "60", "44"],
            [EM + "12 years or more", "27", "21"]]
    got = read(rows, caption="Characteristics of patients initially recruited in the study")
    assert {r.weeks for r in got} == {0.0}
    assert at(got, 2, 1).numbers == {"percent_responders": 60.0}


# --------------------------------------------------------------------------------------------
# Spellings inside cells


def test_markers_minus_signs_thin_spaces_and_n_over_n_cells():
    rows = [["", "A (n = 40)", "B (n = 40)"],
            ["CRP (mg/L)", "7.3\u2009±\u20092.9\u2009<sup>***</sup>", "\u22121.2 ± 0.4<sup>a</sup>"],
            ["Remission", "12/40 (30.0%)", "#3/38 (7.9)"]]
    got = read(rows, caption="Week 12 results")
    crp = at(got, 1, 1)
    assert (crp.numbers, crp.markers) == ({"followup_mean": 7.3, "followup_sd": 2.9}, ("***",))
    assert at(got, 1, 2).numbers == {"followup_mean": -1.2, "followup_sd": 0.4}
    rem = at(got, 2, 2)
    assert (rem.n, rem.numbers) == (38, {"n_responders": 3, "percent_responders": 7.9})


def test_every_reading_cites_its_cell_and_never_mixes_cells():
    rows = [["", "A (n = 10)", "B (n = 10)"], ["HAQ", "1.2 ± 0.5", "1.4 ± 0.6"], ["ESR", "21 (9)", "30 (12)"]]
    got = read(rows, caption="Week 12")
    for r in got:
        assert r.cells == ((r.row, r.col, r.text),)
        assert r.text == layout(rows).table.cell(r.row, r.col).text


def test_arms_as_section_rows_over_a_parenthetical_row_and_the_measure_in_the_caption():
    rows = [["Surgical technique", "Baseline (logMAR)", "1 month (logMAR)", "3 months (logMAR)"],
            [("Group A", {"colspan": 4})],
            [EM + "(Conventional peeling)", "0.925 ± 0.5", "0.656 ± 0.06", "0.707 ± 0.3"],
            [("Group B", {"colspan": 4})],
            [EM + "(Inverted flap)", "0.953 ± 0.2", "0.794 ± 0.3", "0.616 ± 0.2"]]
    lay = layout(rows, caption="Change in BCVA through the study")
    assert lay.arms_in == "sections" and not lay.table_change  # a baseline column: the others are values too
    got = read(rows, caption="Change in BCVA through the study")
    cell = at(got, 4, 3)
    assert (cell.measure, cell.arm, cell.weeks, cell.kind, cell.numbers) == (
        "BCVA", "Group B (Inverted flap)", 13.0, "value", {"followup_mean": 0.616, "followup_sd": 0.2})


def test_measures_with_units_as_columns_over_arm_rows_and_separate_mean_and_sd_columns():
    rows = [["", ("Contact time (m/s)", {"colspan": 2}), ("Peak pressure (kPa)", {"colspan": 2})],
            ["", "Mean", "SD", "Mean", "SD"],
            ["Canvas", "684.5", "101.5", "315.9", "140.7"],
            ["DH shoe", "699.3", "96.9", "155.4", "89.9"]]
    lay = layout(rows, head=2)
    assert lay.arms_in == "rows" and [c.role for c in lay.columns[1:]] == ["value", "sd", "value", "sd"]
    got = read(rows, head=2)
    cell = at(got, 3, 3)
    assert (cell.measure, cell.arm, cell.statistic, cell.numbers) == ("Peak pressure (kPa)", "DH shoe", "mean (SD)",
                                                                      {"mean": 155.4, "sd": 89.9})
    assert [c[1] for c in cell.cells] == [3, 4]  # the mean's cell and the SD's cell, both cited
    assert none_at(got, 3, 4)


def test_arms_over_measures_in_the_header_and_footnote_links_in_labels():
    rows = [["", "<bold>Group A</bold><xref ref-type='table-fn' rid='f1'>1</xref> (n=28)", "",
             "Group B<sup>2</sup> (n=28)", ""],
            ["", "Halitosis", "Foreign body", "Halitosis", "Foreign body"],
            ["Before, mean (SD)", "5.35 (4.2)", "5.88 (1.45)", "3.54 (3.7)", "7.16 (1.99)"],
            ["Month 1, mean (SD)", "2.57 (2.9)", "2.44 (2.13)", "1.04 (1.89)", "3.5 (2.19)"]]
    rows[0] = ["", ("<bold>Group A</bold><xref ref-type='table-fn' rid='f1'>1</xref> (n=28)", {"colspan": 2}),
               ("Group B<sup>2</sup> (n=28)", {"colspan": 2})]
    got = read(rows, head=2, caption="Mean of halitosis and foreign body sensation before and after the interventions")
    cell = at(got, 3, 4)
    assert (cell.arm, cell.measure, cell.n, cell.weeks, cell.numbers) == (
        "Group B", "Foreign body", 28, 4.33, {"followup_mean": 3.5, "followup_sd": 2.19})
    assert (at(got, 2, 1).arm, at(got, 2, 1).weeks) == ("Group A", 0.0)


def test_bare_arm_labels_repeated_under_measure_sections_take_the_corner_word():
    rows = [["Water", "n", "Before", "After", "p"],
            ["Magnesium", "", "", "", ""],
            ["A", "18", "0.25 (0.08)", "0.26 (0.07)", ""],
            ["B", "18", "0.28 (0.06)", "0.34 (0.09)", "0.009"],
            ["Calcium", "", "", "", ""],
            ["A", "18", "0.40 (0.22)", "0.35 (0.40)", ""],
            ["B", "19", "0.33 (0.12)", "0.35 (0.40)", ""]]
    got = read(rows, followup=4.0, footnotes=("Values are mean (SD).",))
    cell = at(got, 6, 3)
    assert (cell.arm, cell.measure, cell.n, cell.weeks, cell.numbers) == (
        "Water B", "Calcium", 19, 4.0, {"followup_mean": 0.35, "followup_sd": 0.40})
    assert (at(got, 2, 2).arm, at(got, 2, 2).measure, at(got, 2, 2).weeks) == ("Water A", "Magnesium", 0.0)


def test_numeric_superscripts_are_powers_after_units_and_markers_elsewhere():
    from tests.extract.tables_helpers import table
    t = table([["", "BMI (kg/m<sup>2</sup>)", "Age<sup>1</sup>", "Dose × 10<sup>6</sup>", "Ca<sup>2+</sup>"], ["x", "1", "2", "3", "4"]])
    assert [t.cell(0, c).label for c in range(1, 5)] == ["BMI (kg/m2)", "Age", "Dose × 106", "Ca2+"]
    assert t.cell(0, 2).markers == ("1",)


def test_percent_then_count_cells_an_n_row_in_the_header_and_statistic_rows_under_sections():
    rows = [["", "misoprostol", "placebo", ""],
            ["", "n = 29", "n = 32", "RR [95% CI] or p-value"],
            ["Total blood loss (ml)", "", "", ""],
            [EM + "mean ± sd", "175 ± 168", "187 ± 207", "p = .809"],
            ["Blood loss ≥ 500 ml %(n)", "7.4 (2)", "12.5 (4)", ".59 [.12, 2.99]"],
            ["Post-delivery Hb", "", "", ""],
            [EM + "mean ± sd", "9.0 ± 1.4", "8.7 ± 1.2", "p = .291"]]
    lay = layout(rows, head=1)
    assert lay.n_header_rows == 2 and lay.columns[3].role == "difference"
    got = read(rows, head=1, caption="Outcomes after receiving study treatment")
    loss = at(got, 4, 2)
    assert (loss.measure, loss.n, loss.statistic, loss.numbers) == (
        "Blood loss ≥ 500 ml", 32, "% (n)", {"n_responders": 4, "percent_responders": 12.5})
    rr = at(got, 4, 3)
    assert (rr.role, rr.effect_kind, rr.numbers) == ("difference", "RR", {"effect_size": 0.59, "effect_ci_low": 0.12,
                                                                          "effect_ci_high": 2.99})
    assert at(got, 3, 1).measure == "Total blood loss (ml)"
    assert (at(got, 6, 1).measure, at(got, 6, 1).weeks) == ("Post-delivery Hb", None)  # a name, not "post"


def test_a_table_of_between_group_differences_named_by_its_caption():
    rows = [["", "6 months", "1 year", "p-value"],
            ["Quadriceps strength", "", "", ""],
            [EM + "Right peak torque 60° (Nm)", "\u22122.9 (\u221214.9, 9.0)", "6.9 (\u22125.5, 19.4)", "0.692"]]
    caption = "Mean difference (95 % CI) between the exercise group and the control group at 6 months and 1-year follow-up"
    got = read(rows, caption=caption)
    year = at(got, 2, 2)
    assert (year.role, year.weeks, year.numbers, year.p_value) == (
        "difference", 52.0, {"effect_size": 6.9, "effect_ci_low": -5.5, "effect_ci_high": 19.4}, "=0.692")


def test_each_value_column_takes_the_n_column_on_its_left():
    rows = [["", ("Exercise group", {"colspan": 4}), ("Control group", {"colspan": 4})],
            ["", "N", "Baseline", "N", "6 months", "N", "Baseline", "N", "6 months"],
            ["Hip BMD (g/cm2)", "42", "0.807 ± 0.079", "35", "0.822 ± 0.081", "38", "0.793 ± 0.099", "34", "0.806 ± 0.102"]]
    got = read(rows, head=2, footnotes=("Values are mean ± SD",))
    assert [(r.arm, r.weeks, r.n) for r in got] == [
        ("Exercise group", 0.0, 42), ("Exercise group", 26.0, 35), ("Control group", 0.0, 38), ("Control group", 26.0, 34)]


def test_mean_sd_and_n_in_three_columns_under_each_arm():
    rows = [["Variables", ("ESD group", {"colspan": 3}), ("Control group", {"colspan": 3}), "p-value"],
            ["mRS; mean (SD) (n)", "", "", "", "", "", "", ""],
            [EM + "Baseline", "2.52", "(1.29)", "(103)", "2.66", "(1.23)", "(99)", "0.711"],
            [EM + "3 months", "#2.25", "(1.34)", "(82)", "2.62", "(1.40)", "(71)", "0.316"]]
    lay = layout(rows)
    assert [c.role for c in lay.columns[1:7]] == ["value", "sd", "n", "value", "sd", "n"]
    got = read(rows)
    cell = at(got, 3, 1)
    assert (cell.measure, cell.arm, cell.weeks, cell.n, cell.statistic, cell.numbers, cell.markers) == (
        "mRS", "ESD group", 13.0, 82, "mean (SD)", {"followup_mean": 2.25, "followup_sd": 1.34}, ("#",))
    assert [c[1] for c in cell.cells] == [1, 2]
    assert (at(got, 2, 4).n, at(got, 2, 4).numbers) == (99, {"baseline_mean": 2.66, "baseline_sd": 1.23})


# --------------------------------------------------------------------------------------------
# Rows that are only timepoints: the measure is in the caption


def test_timepoint_rows_under_a_visit_corner_take_the_caption_measure():
    rows = [["Visit window", ("Drug A (n = 61)", {"colspan": 2}), ("Drug B (n = 61)", {"colspan": 2})],
            ["", "n", "Mean ± SD", "n", "Mean ± SD"],
            ["Day 7", "60", "1.70 (0.447)", "61", "1.88 (0.297)"],
            ["Month 3", "55", "1.70 (0.628)", "58", "1.33 (0.606)"]]
    got = read(rows, head=2, caption="Average daily doses of drug A (mg/day) by visit window (safety population)")
    cell = at(got, 3, 4)
    assert (cell.measure, cell.arm, cell.weeks, cell.n, cell.numbers) == (
        "Average daily doses of drug A (mg/day)", "Drug B", 13.0, 58, {"followup_mean": 1.33, "followup_sd": 0.606})


def test_visit_interval_rows_under_a_time_corner():
    rows = [["Time", ("PG (n = 17)", {"colspan": 2}), ("LG (n = 17)", {"colspan": 2})],
            ["", "Mean", "SD", "Mean", "SD"],
            ["T0-T1 (1st month)", "0.65", "0.26", "0.61", "0.20"],
            ["T1-T2 (2nd month)", "0.53", "0.24", "0.50", "0.21"]]
    got = read(rows, head=2, caption="Descriptive statistics of molar movement rate (mm/month) as well as the "
                                     "p-values of significance tests")
    first, second = at(got, 2, 1), at(got, 3, 3)
    assert (first.measure, first.arm, first.weeks, first.numbers) == (
        "molar movement rate (mm/month)", "PG", 4.33, {"followup_mean": 0.65, "followup_sd": 0.26})
    assert (second.arm, second.weeks, second.numbers) == ("LG", 8.67, {"followup_mean": 0.5, "followup_sd": 0.21})


def test_a_group_corner_over_arm_columns_and_timepoint_rows():
    rows = [["Group", "Trial (n = 69)", "Control (n = 36)", "P"],
            ["Before treatment", "85.31 ± 6.07", "86.69 ± 7.81", "0.334"],
            ["After treatment", "89.00 ± 9.92", "84.17 ± 8.84", "0.028"]]
    got = read(rows, caption="Before and after treatment, KPS value in the trial and control group", followup=3.0)
    before, after = at(got, 1, 2), at(got, 2, 1)
    assert (before.measure, before.arm, before.n, before.weeks) == ("KPS value", "Control", 36, 0.0)
    assert (after.measure, after.arm, after.weeks, after.numbers) == (
        "KPS value", "Trial", 3.0, {"followup_mean": 89.0, "followup_sd": 9.92})


def test_a_measure_written_once_over_its_visit_rows_in_a_second_stub_column():
    rows = [["", "", ("Mean ± SD", {"colspan": 2})],
            ["Mold index", "Visit", "Control", "Remediated"],
            ["Indoor molds", "Baseline", "6.45 ± 1.79", "6.31 ± 1.39"],
            ["", "EV2", "6.21 ± 1.43", "5.59 ± 1.74"],
            ["", "Month 12", "6.35 ± 1.59", "5.81 ± 1.80"],
            ["Outdoor molds", "Baseline", "8.79 ± 1.60", "9.00 ± 1.17"],
            ["", "EV2", "8.44 ± 1.50", "8.31 ± 1.95"]]
    got = read(rows, head=2)
    assert [(r.measure, r.arm, r.weeks, r.timepoint) for r in got if r.col == 3] == [
        ("Indoor molds", "Remediated", 0.0, "Baseline"), ("Indoor molds", "Remediated", None, None),
        ("Indoor molds", "Remediated", 52.0, "Month 12"), ("Outdoor molds", "Remediated", 0.0, "Baseline"),
        ("Outdoor molds", "Remediated", None, None)]


def test_an_arm_with_its_n_over_its_two_sides_is_one_arm_not_a_measure():
    rows = [[("Time", {"rowspan": 3}), ("PG (n = 17)", {"colspan": 4}), ("LG (n = 17)", {"colspan": 4})],
            [("Experimental side", {"colspan": 2}), ("Control side", {"colspan": 2}),
             ("Experimental side", {"colspan": 2}), ("Control side", {"colspan": 2})],
            ["Mean", "SD", "Mean", "SD", "Mean", "SD", "Mean", "SD"],
            ["T0-T1 (1st month)", "0.65", "0.26", "0.77", "0.24", "0.61", "0.20", "0.69", "0.20"],
            ["T3-T4 (4th month)", "0.28", "0.09", "0.32", "0.11", "0.32", "0.22", "0.33", "0.19"]]
    got = read(rows, head=3, caption="Descriptive statistics of molar movement rate (mm/month)")
    cell = at(got, 4, 7)
    assert (cell.measure, cell.arm, cell.n, cell.weeks, cell.numbers) == (
        "molar movement rate (mm/month)", "LG / Control side", 17, 17.33, {"followup_mean": 0.33, "followup_sd": 0.19})


def test_an_item_number_column_is_not_carried_onto_a_last_unnumbered_row():
    rows = [["No.", "Item", "Control", "Intervention"],
            ["10", "Work performance", "7.0 (1.7)", "6.4 (1.5)"],
            ["11", "Alertness", "6.2 (1.8)", "6.1 (1.9)"],
            ["", "Combined score", "22.7 (7.5)", "21.5 (8.3)"]]
    got = read(rows, footnotes=("Values are mean (SD).",))
    assert at(got, 3, 2).measure == "Combined score"


def test_screening_inside_a_measure_name_is_not_the_baseline():
    rows = [["Outcome", "Arm", "Pre-intervention value", "Post-intervention value"],
            ["Microvascular complications", "Active", "5.3 (104/1973)", "6.9 (136/1973)"],
            ["", "Usual care", "5.0 (112/2232)", "4.7 (105/2232)"],
            ["(Retinal screening)", "Active", "25.0 (494/1973)", "26.6 (525/1973)"],
            ["", "Usual care", "22.9 (512/2232)", "22.7 (507/2232)"]]
    got = read(rows, followup=52.0)
    assert (at(got, 4, 3).weeks, at(got, 4, 3).numbers["n_responders"]) == (52.0, 507)


def test_counts_in_brackets_beside_means_written_with_plus_minus():
    rows = [["Variable", "Dexmedetomidine", "Midazolam", "P"],
            ["Response to treatment", "32 (80.0)", "39 (97.5)", "0.029"],
            ["Pain severity", "3.47 ± 1.37", "2.85 ± 1.05", "0.025"]]
    got = read(rows, footnotes=("Data were presented as mean ± standard deviation or number (%).",))
    assert (at(got, 1, 1).statistic, at(got, 1, 1).numbers) == ("n (%)", {"n_responders": 32, "percent_responders": 80.0})
    assert at(got, 2, 2).numbers == {"mean": 2.85, "sd": 1.05}


def test_a_timepoint_section_row_whose_label_runs_into_the_next_cell():
    rows = [["", "GSLiM mean change (SD)", "Comparison mean change (SD)", "p value"],
            ["0 to 12 weeks", "(intensive phase)", "", ""],
            ["Weight (kg)", "-1.52 (0.36)", "-0.09 (0.19)", "0.825"],
            ["13 to 24 weeks", "(fade frequency)", "", ""],
            ["Weight (kg)", "-0.92 (0.26)", "-0.61 (0.22)", "0.527"]]
    got = read(rows)
    assert [(r.arm, r.weeks, r.kind) for r in got] == [
        ("GSLiM", 12.0, "change"), ("Comparison", 12.0, "change"), ("GSLiM", 24.0, "change"), ("Comparison", 24.0, "change")]


def test_a_header_row_repeated_mid_table_starts_the_next_measure():
    rows = [["Outcome", "OLP (N = 38)", "TAU (N = 35)", "P"],
            ["FSI", "Mean (SD)", "Mean (SD)", "P"],
            ["Baseline", "64.3 (23.3)", "59.0 (21.1)", ""],
            ["Day 21", "45.7 (22.7)", "52.9 (24.1)", "0.008"],
            ["MFSI-SF-30", "Mean (SD)", "Mean (SD)", "P"],
            ["Baseline", "33.9 (17.8)", "27.4 (19.3)", ""],
            ["Day 21", "20.8 (19.5)", "26.0 (21.5)", "0.002"]]
    got = read(rows, head=2, caption="Effects of OLP on fatigue scores")
    assert [(r.measure, r.arm, r.weeks) for r in got if r.col == 2] == [
        ("FSI", "TAU", 0.0), ("FSI", "TAU", 3.0), ("MFSI-SF-30", "TAU", 0.0), ("MFSI-SF-30", "TAU", 3.0)]


def test_a_median_row_with_its_ci_under_an_events_row():
    rows = [["", "Drug", "Placebo"],
            ["Overall survival", "", ""],
            ["Events, n (%)", "125 (95%)", "125 (98%)"],
            ["Median, months (95% CI)", "7.9 (6.6\u221210.2)", "8.6 (6.3\u221210.4)"]]
    got = read(rows)
    assert (at(got, 3, 1).statistic, at(got, 3, 1).numbers) == ("median (95% CI)", {"median": 7.9})


def test_arms_over_a_count_column_and_a_mean_column_with_its_sd_and_period_rows():
    rows = [["", ("Intervention", {"colspan": 3}), ("TAU", {"colspan": 3}), ""],
            ["", "n (%)", "Mean days of sick leave", "SD", "n (%)", "Mean days of sick leave", "SD", "P for difference"],
            ["0-3 months", "31(25)", "63.1", "29.8", "48 (36)", "55.8", "27.7", "0.221"],
            ["Total 0-12 months", "49(39)", "124.8", "102.5", "64 (48)", "123.3", "85.0", "0.942"]]
    got = read(rows, head=2, caption="Number and percent of individuals on sick leave")
    mean, count = at(got, 2, 5), at(got, 3, 1)
    assert (mean.measure, mean.arm, mean.weeks, mean.numbers) == (
        "Mean days of sick leave", "TAU", 13.0, {"followup_mean": 55.8, "followup_sd": 27.7})
    assert (count.arm, count.weeks, count.numbers) == ("Intervention", 52.0, {"n_responders": 49, "percent_responders": 39.0})


def test_arm_section_rows_in_the_group_column_over_category_rows():
    rows = [["Variable", "Group", "4 w", "12 w"],
            ["", "Herbal group (n = 86)", "4.96 ± 2.01", "2.39 ± 2.41"],
            ["VAS scores", "Placebo group (n = 42)", "4.90 ± 2.09", "3.21 ± 2.45"],
            ["", "P values", "0.893", "0.060"],
            ["", "", "", ""],
            ["", "Herbal group (n = 86)", "", ""],
            ["", "No pain, n (%)", "7 (8.14%)", "37 (43.02%)"],
            ["", "Mild, n (%)", "15 (17.44%)", "27 (31.40%)"],
            ["Pain intensity", "Placebo group (n = 42)", "", ""],
            ["", "No pain, n (%)", "4 (9.52%)", "12 (28.57%)"],
            ["", "Mild, n (%)", "9 (21.43%)", "11 (26.19%)"]]
    got = read(rows, footnotes=("Data presented as mean ± SD, number (percentage).",))
    assert (at(got, 2, 3).measure, at(got, 2, 3).arm, at(got, 2, 3).weeks) == ("VAS scores", "Placebo group", 12.0)
    herbal, placebo = at(got, 7, 3), at(got, 9, 2)
    assert (herbal.measure, herbal.arm, herbal.n, herbal.weeks, herbal.numbers) == (
        "Pain intensity / Mild", "Herbal group", 86, 12.0, {"n_responders": 27, "percent_responders": 31.4})
    assert (placebo.measure, placebo.arm, placebo.n) == ("Pain intensity / No pain", "Placebo group", 42)


def test_visit_codes_under_the_arms_dated_by_a_footnote():
    rows = [["Assessment", ("Tai-chi (n = 15)", {"colspan": 3}), ("Waitlist control (n = 14)", {"colspan": 3})],
            ["", "T1", "T2", "T3", "T1", "T2", "T3"],
            ["Placing", "82.17 (9.75)", "85.42 (16.78)", "81.5 (14.63)", "98.29 (28.2)", "114.13 (41.04)", "111.27 (45.09)"]]
    got = read(rows, head=2, footnotes=("T1: baseline; T2: after-intervention; T3: 6-week maintenance; *P ≤ .05",),
               caption="Outcomes of the Tai-chi and the waitlist control group (mean (SD))")
    assert [(r.arm, r.weeks) for r in got] == [("Tai-chi", 0.0), ("Tai-chi", None), ("Tai-chi", 6.0),
                                                ("Waitlist control", 0.0), ("Waitlist control", None),
                                                ("Waitlist control", 6.0)]
    assert at(got, 2, 4).numbers == {"baseline_mean": 98.29, "baseline_sd": 28.2}


def test_a_measure_row_with_only_its_p_value_heads_its_category_rows():
    rows = [["Variable", "Website", "No website group", "Significance"],
            ["HADS score for anxiety", "8.9 (7.9-9.8)", "8.3 (7.3-9.2)", "p = 0.109"],
            ["HADS score for depression", "", "", "p = 0.122"],
            ["Normal (0–7)", "35 (89.7)", "31 (79.5)", ""],
            ["Mild (8–10)", "2 (5.1)", "8 (20.5)", ""]]
    got = read(rows, caption="Outcomes at six week follow up", footnotes=("Values are mean (95% CI) or n (%).",))
    cell = at(got, 4, 2)
    assert (cell.measure, cell.arm, cell.weeks, cell.numbers) == (
        "HADS score for depression / Mild (8–10)", "No website group", 6.0, {"n_responders": 8, "percent_responders": 20.5})


def test_women_with_an_outcome_and_a_jump_height_are_not_demographics():
    rows = [["", "Control (n = 74)", "Intervention (n = 152)"],
            ["Women with excessive weight gain", "44 (59.5)", "58 (38.2)"],
            ["Women", "70 (94.6)", "150 (98.7)"],
            ["Countermovement vertical jump", "", ""],
            ["Height (cm)", "47.3 ± 3.9", "47.3 ± 3.4"]]
    got = read(rows, caption="Outcomes after the intervention", followup=20.0)
    assert at(got, 1, 1).weeks is None
    assert at(got, 2, 1).weeks == 0.0
    assert at(got, 4, 2).weeks is None


def test_bare_numbers_under_a_corner_that_gives_the_time_unit():
    rows = [[("Time, months", {"rowspan": 2}), ("Liraglutide (n = 30)", {"colspan": 3}), ("Metformin (n = 30)", {"colspan": 3})],
            ["0", "6", "p", "0", "6", "p"],
            ["Weight, Kg", "98 ± 16", "92 ± 16*", "0.031", "78 ± 12", "77 ± 14", "0.655"]]
    got = read(rows, head=2)
    assert [(r.arm, r.weeks, r.numbers) for r in got if r.col in (4, 5)] == [
        ("Metformin", 0.0, {"baseline_mean": 78.0, "baseline_sd": 12.0}),
        ("Metformin", 26.0, {"followup_mean": 77.0, "followup_sd": 14.0})]


def test_week_rows_under_a_week_corner():
    rows = [["Week", "Drug (n = 20)", "Placebo (n = 20)"],
            ["0", "5.1 ± 1.0", "5.0 ± 0.9"],
            ["12", "3.9 ± 1.1", "4.8 ± 1.2"]]
    got = read(rows, caption="DAS28 over the study")
    assert (at(got, 2, 1).measure, at(got, 2, 1).arm, at(got, 2, 1).weeks) == ("DAS28", "Drug", 12.0)


def test_timepoint_blocks_in_the_first_stub_column_and_arms_in_the_second():
    rows = [["Time point", "Group", "n", "Mean score (SD)", "95% CI", "p value"],
            [("20 wks", {"rowspan": 2}), "C", "216", "36.2 (10.5)", "34.8-37.6", ("0.48", {"rowspan": 2})],
            ["T", "217", "36.9 (10.9)", "35.4-38.3"],
            [("6 wks PN", {"rowspan": 2}), "C", "166", "36.7 (10.9)", "35.0-38.4", ("0.68", {"rowspan": 2})],
            ["T", "159", "37.1 (10.3)", "35.5-38.8"]]
    got = read(rows, caption="Mean STAI state subscale scores")
    cell = at(got, 2, 3)
    assert (cell.measure, cell.arm, cell.weeks, cell.n, cell.numbers) == (
        "STAI state subscale scores", "T", 20.0, 217, {"followup_mean": 36.9, "followup_sd": 10.9})


def test_a_partly_filled_second_header_row_in_tbody_under_spanning_arms():
    rows = [["", ("Intervention arm", {"colspan": 2}), ("Standard care arm", {"colspan": 2}), "Intervention effect (95% CI)",
             "P-value"],
            ["", "Baseline", "Final visit", "Baseline", "Final visit", "", ""],
            ["SF12 Physical (SD)", "43.3 (11.2)", "44.6 (11.1)", "45.5 (10.3)", "46.3 (9.0)", "-0.7 (-2.7, 1.4)", "0.52"]]
    got = read(rows, caption="Outcomes twelve weeks after randomisation")
    assert [(r.arm, r.weeks, r.numbers) for r in got if r.role == "arm"][2:] == [
        ("Standard care arm", 0.0, {"baseline_mean": 45.5, "baseline_sd": 10.3}),
        ("Standard care arm", 12.0, {"followup_mean": 46.3, "followup_sd": 9.0})]


def test_a_treatment_duration_in_the_caption_and_pre_post_supplementation_headers():
    rows = [["Variable", "rhGH group (n = 23)", "Control group (n = 20)", "P value"],
            ["BMI SDS", "2.42(0.77)", "2.68(0.53)", "0.211"]]
    got = read(rows, caption="Change in variables in obese children treated with GH vs control group for 3 months")
    assert (at(got, 1, 1).weeks, at(got, 1, 1).numbers) == (13.0, {"change_mean": 2.42, "change_sd": 0.77})
    rows = [["", ("Pre-supplementation", {"colspan": 2}), ("Post-supplementation", {"colspan": 2})],
            ["", "Rest (mmol/l)", "+5 min (mmol/l)", "Rest (mmol/l)", "+5 min (mmol/l)"],
            ["BA", "1.0 ± 0.3", "3.8 ± 1.1", "1.2 ± 0.3", "3.7 ± 1.3"],
            ["PLA", "1.0 ± 0.3", "3.8 ± 1.3", "1.3 ± 0.3", "4.2 ± 1.0"]]
    got = read(rows, head=2, caption="Blood lactate (mmol/l) for the BA and PLA groups", followup=4.0)
    assert (at(got, 3, 3).arm, at(got, 3, 3).weeks, "supplementation" in at(got, 3, 3).measure) == ("PLA", 4.0, False)


def test_a_table_that_names_no_timepoint_takes_the_study_follow_up():
    rows = [["Variables, mean ± SD", "Intervention group", "Control group", "P"],
            ["Depth", "26.7 ± 21.5", "55.5 ± 27.4", "0.00"]]
    got = read(rows, caption="Comparison of sleep scores between groups", followup=8.0)
    assert (at(got, 1, 1).weeks, at(got, 1, 1).timepoint) == (8.0, "study follow-up (the table gives no timepoint)")
    assert at(read(rows, caption="Comparison of sleep scores between groups"), 1, 1).weeks is None
    rows.append(["Depth at week 4", "20.1 ± 3.0", "40.2 ± 5.5", "0.01"])
    assert at(read(rows, caption="Comparison of sleep scores between groups", followup=8.0), 1, 1).weeks is None
    # one dated row among several undated outcomes leaves the others the study's follow-up
    rows = [["", "Control % (n/N)", "Intervention % (n/N)"], ["Pill acceptability", "56.56 (138/244)", "60.53 (138/228)"],
            ["IUD acceptability", "52.87 (129/244)", "51.32 (117/228)"], ["Service uptake", "10.29 (25/243)", "7.93 (18/227)"],
            ["Contraceptive use during the 4 months", "2.88 (7/243)", "1.76 (4/227)"]]
    got = read(rows, caption="Secondary outcomes", followup=17.33)
    assert (at(got, 1, 1).weeks, at(got, 4, 1).weeks) == (17.33, 17.33)


def test_arms_as_rows_under_time_columns_take_the_measure_the_caption_brackets():
    rows = [["", "Subjects, n", "Baseline", "Day 7", "Week 12"],
            ["Treatment", "65", "48.80 ± 4.38", "61.24 ± 4.91", "70.55 ± 3.94"],
            ["Control", "65", "48.00 ± 3.73", "56.33 ± 3.96", "65.40 ± 3.35"],
            ["P", "", "0.265", "≤0.001", "≤0.001"]]
    got = read(rows, caption="Comparison of secondary outcomes (LVEF) between the treatment and control groups.")
    cell = at(got, 2, 4)
    assert (cell.measure, cell.arm, cell.weeks, cell.n, cell.numbers) == (
        "LVEF", "Control", 12.0, 65, {"followup_mean": 65.4, "followup_sd": 3.35})


def test_counts_of_a_subset_whose_percentages_share_a_denominator():
    rows = [["", "Early group (n = 52)", "Late group (n = 47)", "p"],
            ["Influence on intentions, yes", "43 (82.7)", "41 (87.2)", "0.5"],
            ["If yes in which field", "", "", ""],
            ["Reading aloud", "27 (62.8)", "26 (63.4)", "0.95"],
            ["Playing music", "25 (58.1)", "27 (65.9)", "0.5"],
            ["Weight (kg)", "72 (12)", "70 (11)", "0.4"]]
    got = read(rows)
    cell = at(got, 4, 2)
    assert (cell.statistic, cell.n, cell.numbers) == ("n (%)", 41, {"n_responders": 27, "percent_responders": 65.9})
    assert at(got, 5, 1).statistic == "mean (SD)"


def test_numbered_grade_rows_under_a_corner_are_categories_not_arms():
    rows = [["NCI CTCAE grade", "Doxycycline", "Erythromycin", "Total"],
            ["N", "41", "39", "80"],
            ["0 / no toxicity", "3 (7%)", "3 (8%)", "6 (8%)"],
            ["1", "12 (29%)", "9 (23%)", "21 (26%)"],
            ["2", "18 (44%)", "12 (31%)", "30 (38%)"]]
    got = read(rows, caption="Skin toxicity graded according to NCI CTCAE 4.0, worst per patient")
    cell = at(got, 4, 2)
    assert (cell.measure, cell.arm, cell.n, cell.numbers) == (
        "NCI CTCAE grade 2", "Erythromycin", 39, {"n_responders": 12, "percent_responders": 31.0})
    assert none_at(got, 4, 3)  # the pooled column


def test_column_headers_that_give_their_n_are_arms_even_when_they_read_like_measures():
    rows = [["Visual acuity variable (logMar)", "Continuous half time n=30", "Divided half time n=31", "P-value"],
            ["Visual acuity (MAR)", "0.35 ± 0.26", "0.38 ± 0.22", "0.72"],
            ["Increase of visual acuity", "0.20 ± 0.27", "0.21 ± 0.25", "0.79"]]
    got = read(rows, caption="Visual acuity of the amblyopic eye in both groups after 6 weeks of treatment.")
    cell = at(got, 2, 2)
    assert (cell.measure, cell.arm, cell.n, cell.weeks) == ("Increase of visual acuity", "Divided half time", 31, 6.0)


def test_mean_sd_n_cells_and_a_missing_data_column():
    rows = [["Time point", "Missing", "Control", "Remediation", "p-Value"],
            ["Baseline (EV1)", "3", "3.03 ± 1.59 (33)", "3.03 ± 2.16 (29)", "0.66"],
            ["12 months (EV3)", "5", "1.68 ± 1.32 (22)", "0.75 ± 0.99 (24)", "0.009"]]
    got = read(rows, caption="Mold scores [mean ± SD (n)].")
    cell = at(got, 2, 3)
    assert (cell.measure, cell.arm, cell.weeks, cell.n, cell.numbers) == (
        "Mold scores", "Remediation", 52.0, 24, {"followup_mean": 0.75, "followup_sd": 0.99})
    assert none_at(got, 1, 1)


def test_an_n_row_after_its_measure_and_a_change_under_a_dated_section():
    rows = [["", "Treatment period 1", "Treatment period 2"],
            ["PaO2 (mmHg), mean (SD)", "152 (60)", "208 (92)"],
            ["PaO2 (mmHg), n", "14", "14"]]
    got = read(rows)
    assert none_at(got, 2, 1) and at(got, 1, 1).numbers == {"mean": 152.0, "sd": 60.0}
    rows = [["", "ESM-I (n = 33)", "Control (n = 33)"],
            ["HDRS (at 32 weeks)", "", ""],
            ["HDRS score", "10.8 (7.1)", "15.3 (8.3)"],
            ["Improvement since baseline", "2.7 (6.1)", "0.24 (7.5)"]]
    got = read(rows, followup=6.0, footnotes=("Values are mean (SD).",))
    assert (at(got, 3, 2).weeks, at(got, 3, 2).kind) == (32.0, "change")


def test_an_m_header_is_the_mean_and_an_m_row_is_male():
    rows = [["", ("Experimental group", {"colspan": 2}), ("Control group", {"colspan": 2})],
            ["", "M", "SD", "M", "SD"],
            ["Age", "45.2", "8.1", "44.9", "7.7"]]
    got = read(rows, head=2)
    assert (at(got, 2, 3).arm, at(got, 2, 3).numbers) == ("Control group", {"baseline_mean": 44.9, "baseline_sd": 7.7})
    rows = [["Gender", "Drug (n = 30)", "Placebo (n = 30)"], ["M", "12 (40.0)", "15 (50.0)"], ["F", "18 (60.0)", "15 (50.0)"]]
    assert at(read(rows), 1, 1).measure == "M"


def test_a_bare_count_under_an_arm_header_is_its_n():
    rows = [["", "Mannitol", "Hypertonic saline"], ["", "627", "636"], ["Daytime cough", "365 (58.2)", "370 (58.2)"]]
    got = read(rows, head=2, footnotes=("Values are n (%).",))
    assert (at(got, 2, 1).arm, at(got, 2, 1).n) == ("Mannitol", 627)


def test_a_median_row_with_one_number_in_brackets_is_no_mean_sd():
    rows = [["", "Group A (N = 6051)", "Group B (N = 5892)"],
            ["Clicked on results link", "247 (4.1%)", "515 (8.7%)"],
            ["Median time in seconds", "25.0 (37.2)", "25.3 (35.8)"]]
    got = read(rows)
    assert (at(got, 2, 1).statistic, at(got, 2, 1).numbers) == ("median", {"median": 25.0})


def test_measure_groups_over_the_studys_arms_repeated_under_each():
    # "SaO2" | "PaO2" over the same arms ("multiple SI" | "single SI"), the times as rows: the top is the measure
    rows = [["", ("SaO2", {"colspan": 2}), ("PaO2", {"colspan": 2})],
            ["", "multiple SI", "single SI", "multiple SI", "single SI"],
            ["Fetal", "44 ± 23", "79 ± 11", "26 ± 15", "33 ± 11"],
            ["BV", "10 ± 7", "11 ± 9", "6 ± 4", "8 ± 10"]]
    got = read(rows, head=2, known_arms=("multiple SI", "single SI"))
    c3 = at(got, 2, 3)
    assert (c3.arm, c3.measure.split(" / ")[0], c3.numbers) == ("multiple SI", "PaO2", {"mean": 26.0, "sd": 15.0})
    # without the study's arms to go by, the top stays part of the arm (an arm over its parts)
    assert at(read(rows, head=2), 2, 3).arm == "PaO2 / multiple SI"


def test_category_rows_under_a_section_that_declares_percentages_are_its_parts():
    rows = [["Variable", "Website", "No website group"], ["SGA (%)", "", ""],
            ["Responders", "16 (45.7)", "12 (32.4)"], ["Non responders", "19 (54.3)", "25 (67.6)"]]
    got = read(rows)
    assert (at(got, 2, 1).measure, at(got, 3, 2).measure) == ("SGA / Responders", "SGA / Non responders")


def test_an_effect_size_header_split_over_two_header_rows_is_no_arm():
    # "Effect" over "Size" (and "p" over "value") in separate header rows: the column holds effect sizes
    rows = [["", ("Control group", {"colspan": 2}), "Effect", "p", ("Experimental group", {"colspan": 2}), "Effect"],
            ["", ("(n = 19)", {"colspan": 2}), "Size", "value", ("(n = 20)", {"colspan": 2}), "Size"],
            ["", "Pre", "Post", "", "", "Pre", "Post", ""],
            ["Sociability", "17.53", "14.63", "0.58", "0.02", "15.55", "13.50", "0.68"]]
    got = read(rows, head=3, caption="Mean Parental Rating of the Control and Experimental Groups")
    assert at(got, 3, 2).arm == "Control group"
    for c in (3, 7):
        assert none_at(got, 3, c) or at(got, 3, c).statistic not in ("mean", "mean (SD)")


def test_hr_with_a_unit_after_a_comma_is_heart_rate_not_a_hazard_ratio():
    rows = [["", "Liraglutide (n = 30)", "Metformin (n = 30)"],
            ["SBP, mmHg", "142 ± 15", "142 ± 19"],
            ["HR, bpm", "74 ± 12", "71 ± 12"]]
    got = read(rows)
    assert (at(got, 2, 1).measure, at(got, 2, 1).numbers) == ("HR, bpm", {"mean": 74.0, "sd": 12.0})


def test_a_row_of_bracketed_sds_under_a_row_of_means_is_their_sd():
    # "Speech/Language/ | 6.53 | 5.68" over "Communication | (3.39) | (2.43)": one row wrapped in two,
    # the name continued and the SDs in brackets below the means
    rows = [["", "Control (n = 19)", "Experimental (n = 20)"],
            ["Speech/Language/", "6.53", "5.80"],
            ["Communication", "(3.39)", "(3.25)"],
            ["Sociability", "17.53", "15.55"],
            ["", "(6.28)", "(6.18)"]]
    got = read(rows, caption="Mean ratings of the control and experimental groups",
               footnotes=("Standard deviations are in parenthesis.",))
    c = at(got, 1, 2)
    assert (c.measure, c.arm, c.numbers) == ("Speech/Language/Communication", "Experimental", {"mean": 5.8, "sd": 3.25})
    assert at(got, 3, 1).numbers == {"mean": 17.53, "sd": 6.28}
    assert none_at(got, 2, 1) and none_at(got, 4, 1)
    # a footnote letter glued to the number above ("3.10b") goes after the interval joined to it
    rows = [["Measure", "NHS HC only", "NHS HC plus"], ["CVD risk score", "3.10b", "2.80b"],
            ["", "(2.43, 3.76)", "(2.01, 3.58)"]]
    got = read(rows, caption="Clinical measures (mean, 95% CI)", footnotes=("b p &lt; 0.001",))
    assert (at(got, 1, 2).statistic, at(got, 1, 2).note) == ("mean (95% CI)", "95% CI 2.01 to 3.58")
    # the label spanning both rows (rowspan=2) over the number and its range below
    rows = [["Parameter", "HIP baseline", "HIP 6 m"], [("Hgb", {"rowspan": 2}), "110.5", "117"], ["(104–119)", "(110–128.8)"]]
    got = read(rows, caption="Median (IQR) Hgb by treatment group")
    assert (at(got, 1, 1).measure, at(got, 1, 1).statistic) == ("Hgb", "median (IQR)") and none_at(got, 2, 1)


def test_a_treatment_condition_corner_puts_the_arms_in_the_rows():
    rows = [["Treatment condition", "Baseline caseness, n (%)", ("Clinically significant change", {"colspan": 2})],
            ["", "", "Posttest n (%)", "6-month follow-up n (%)"],
            ["IPT (n=610)", "581 (95.2)", "61 (32.0)", "54 (43.5)"],
            ["CBT (n=620)", "581 (93.7)", "65 (38.2)", "63 (57.3)"]]
    got = read(rows, head=2)
    c = at(got, 3, 3)
    assert (c.arm, c.measure, c.weeks) == ("CBT", "Clinically significant change", 26.0)


def test_subgroup_columns_over_arm_rows_qualify_the_captions_measure():
    # the arms in the rows, the columns subgroups of the one measure the caption names
    rows = [["Study groups", "All fetuses", "Unventilated fetuses", "Ventilated fetuses"],
            ["SHAM", "39.0 ± 2.7", "42.7 ± 3.3", "35.9 ± 3.6"],
            ["DH", "38.1 ± 2.3", "40.1 ± 1.5", "35.6 ± 4.8"]]
    got = read(rows, caption="Fetal body weights obtained from unventilated and ventilated fetuses.")
    c = at(got, 2, 3)
    assert (c.arm, c.measure) == ("DH", "Fetal body weights / Ventilated fetuses")
    # columns that name measures keep their names
    rows = [["Group", "Weight (kg)", "HbA1c (%)"], ["Group A", "80 ± 9", "7.1 ± 0.9"], ["Group B", "82 ± 8", "7.4 ± 1.0"]]
    assert at(read(rows, caption="Outcomes obtained at 12 weeks"), 2, 2).measure.startswith("HbA1c")


def test_category_rows_mild_moderate_severe_under_a_section_are_its_parts():
    rows = [["", "Drug (n = 462)", "Placebo (n = 477)"],
            ["Nervous system disorders", "36 (7.8)", "38 (8.0)"],
            ["Maximum severity of TEAEs", "", ""],
            ["\u2003Mild", "64 (13.9)", "88 (18.4)"],
            ["\u2003Severe", "7 (1.5)", "13 (2.7)"]]
    got = read(rows, footnotes=("Data are presented as n (%).",))
    assert (at(got, 3, 1).measure, at(got, 4, 2).measure) == (
        "Maximum severity of TEAEs / Mild", "Maximum severity of TEAEs / Severe")
    assert at(got, 1, 1).measure == "Nervous system disorders"


def test_a_measure_with_control_in_its_name_beside_an_arm_column_stays_the_measure():
    rows = [["Principal indicator", "Arm", "Value", "OR"],
            ["Metabolic control", "Active implementation", "11.9 %", "1.06"],
            ["", "Passive dissemination", "10.1 %", "0.93"],
            ["", "Usual care", "10.3 %", "1"],
            ["Macrovascular complications", "Active implementation", "14.0 %", "1.07"],
            ["", "Passive dissemination", "11.7 %", "0.93"],
            ["", "Usual care", "12.4 %", "1"]]
    got = read(rows)
    assert (at(got, 2, 2).measure, at(got, 2, 2).arm) == ("Metabolic control", "Passive dissemination")
    assert (at(got, 3, 2).measure, at(got, 3, 2).arm) == ("Metabolic control", "Usual care")


def test_a_characteristic_corner_makes_a_baseline_table():
    rows = [["Characteristic", "Low LVEF (N = 125)", "Preserved LVEF (N = 698)", "P-value"],
            ["Hypertension", "43 (34)", "182 (26)", "0.05"],
            ["Previous MI", "18 (14)", "63 (9)", "0.06"]]
    got = read(rows, caption="Comparison of patients with a low LVEF with those with preserved LVEF",
               followup=26.0)
    assert (at(got, 1, 1).weeks, at(got, 1, 1).timepoint) == (0.0, "baseline")
    # a corner "Characteristic" over dated columns is no baseline table
    rows = [["Characteristic", "Week 0", "Week 12"], ["Weight (kg)", "80 ± 9", "77 ± 9"]]
    assert at(read(rows), 1, 2).weeks == 12.0
    # (under a caption that names results, the corner is only a heading)
    rows = [["Characteristic", "Vitamin A (n = 113)", "Zinc (n = 110)"], ["Days with diarrhea", "2 (1–4)", "3 (1–5)"]]
    assert at(read(rows, caption="Outcomes of 335 children by treatment arm", followup=26.0), 1, 1).weeks == 26.0


def test_a_mean_row_and_an_sd_row_below_it_are_one_mean_sd():
    rows = [["", "Order A (N = 445)", "Order B (N = 390)"],
            ["FACT-G", "", ""],
            ["\u2003Mean", "85.92", "83.48"],
            ["\u2003Difference in means (95% CI)", "2.44 (0.66 to 4.24)", ""],
            ["\u2003SD", "15.44", "15.94"]]
    got = read(rows)
    c = at(got, 2, 2)
    assert (c.measure, c.arm, c.statistic, c.numbers) == ("FACT-G", "Order B", "mean (SD)", {"mean": 83.48, "sd": 15.94})
    assert none_at(got, 4, 2)


def test_a_ratio_of_exactly_one_without_an_interval_is_the_reference_arm():
    rows = [["Principal indicator", "Arm", "Value", "OR", "95% CI"],
            ["Metabolic control", "Active implementation", "11.9 %", "1.06", "(0.76 – 1.46)"],
            ["", "Passive dissemination", "10.1 %", "0.93", "(0.67 – 1.30)"],
            ["", "Usual care", "10.3 %", "1", ""]]
    got = [r for r in read(rows) if r.role == "difference"]
    assert [(r.row, r.numbers["effect_size"]) for r in got] == [(1, 1.06), (2, 0.93)]


def test_a_comparison_row_names_the_arms_of_its_difference():
    rows = [["Comparison", "p value", "Relative risk (CI)"],
            ["Carbetocin versus oxytocin", "0.0110", "0.41 (0.19–0.85)"],
            ["Carbetocin versus syntometrine", "0.0067", "0.32 (0.13–0.79)"]]
    got = read(rows, caption="Need for additional uterotonic treatment")
    assert at(got, 2, 2).arm == "Carbetocin versus syntometrine"


def test_cohens_d_with_a_typographic_apostrophe_is_an_effect_size():
    rows = [["", "Drug mean change (SE)", "Placebo mean change (SE)", "Cohen\u2019s d"],
            ["Weight (kg)", "-1.52 (0.36)", "-0.09 (0.19)", "0.40"]]
    got = read(rows)
    assert at(got, 1, 3).role == "difference" and at(got, 1, 3).effect_kind == "SMD"


def test_a_between_groups_column_stays_a_difference_under_a_between_and_within_caption():
    rows = [["", ("Within Group", {"colspan": 2}), "Between groups"],
            ["", "Drug mean change (SE)", "Control mean change (SE)", "Mean difference (95% CI)"],
            ["Weight (kg)", "-1.52 (0.36)", "-0.09 (0.19)", "0.77 (-1.81, 3.35)"]]
    got = read(rows, head=2, caption="Outcomes Between and Within Groups over time.")
    assert at(got, 2, 3).role == "difference" and at(got, 2, 1).role == "arm"


def test_a_visit_code_another_table_dates_is_dated():
    # "6 months (EV2)" in one table's stub dates the bare "EV2" rows of another
    dating = layout([["Time point", "Control", "Remediation"], ["Baseline (EV1)", "3.03 ± 1.59", "3.03 ± 2.16"],
                     ["6 months (EV2)", "2.72 ± 1.99", "1.38 ± 1.75"], ["12 months (EV3)", "1.68 ± 1.32", "0.75 ± 0.99"]])
    assert dict(dating.named_times)["ev2"] == 26.0
    rows = [["", "", ("Mean ± SD", {"colspan": 2})],
            ["Mold index", "Visit", "Control", "Remediated"],
            ["Indoor molds", "Baseline", "6.45 ± 1.79", "6.31 ± 1.39"],
            ["", "EV2", "6.21 ± 1.43", "5.59 ± 1.74"],
            ["Outdoor molds", "Baseline", "8.79 ± 1.60", "9.00 ± 1.17"],
            ["", "EV2", "8.44 ± 1.50", "8.31 ± 1.95"]]
    got = read_table(layout(rows, head=2), "all patients", None, dating.named_times)
    assert (at(got, 3, 3).weeks, at(got, 3, 3).timepoint) == (26.0, "EV2")


def test_arm_rows_repeated_under_each_measure_section_over_time_columns():
    rows = [["", "Baseline Mean (SD)", "6 months Mean (SD)", "12 months Mean (SD)", "Between subjects F",
             "Condition by time F"],
            ["UCLA Negative Summary Score", "", "", "", "", ""],
            ["UC", "3.95 (.46)", "3.99 (.53)", "4.03 (.47)", "3.98*", "1.48"],
            ["MLP", "3.98 (.45)", "3.91 (.54)", "3.92 (.53)", "", ""],
            ["Perceived Stress", "", "", "", "", ""],
            ["UC", "2.95 (.66)", "2.89 (.63)", "2.93 (.60)", "0.5", "1.2"],
            ["MLP", "2.98 (.65)", "2.71 (.64)", "2.72 (.63)", "", ""]]
    got = read(rows, caption="Psychosocial outcomes for usual care (UC) and intervention (MLP) conditions")
    c = at(got, 6, 3)
    assert (c.measure, c.arm, c.weeks, c.numbers) == ("Perceived Stress", "MLP", 52.0,
                                                      {"followup_mean": 2.72, "followup_sd": 0.63})


def test_analysis_of_variance_f_columns_are_no_arm_values():
    rows = [["", "Baseline Mean (SD)", "6 months Mean (SD)", "Between subjects F", "Condition by time F"],
            ["Perceived stress", "3.95 (.46)", "3.99 (.53)", "3.98*", "1.48"]]
    got = read(rows)
    assert at(got, 1, 2).numbers == {"followup_mean": 3.99, "followup_sd": 0.53}
    assert none_at(got, 1, 3) and none_at(got, 1, 4)


def test_the_corner_label_nearest_the_rows_says_what_they_are():
    # "Intervention" over "Outcome" in the corner: the rows are outcomes, not arms
    rows = [["Intervention", ("Daytrip", {"colspan": 2})], ["Outcome", "RD", "95% CI"],
            ["Non-response", "0.0004", "−0.03 – 0.03"], ["Withdrawal", "0.05", "−0.01 – 0.09"]]
    got = read(rows, head=2)
    assert at(got, 3, 1).measure == "Withdrawal"


def test_an_end_point_is_not_dated_at_a_follow_up_another_column_already_names():
    # "Posttest" beside "6-month follow-up", the study's follow-up 6 months: the posttest came before it
    rows = [["", "Posttest n (%)", "6-month follow-up n (%)"], ["IPT (n=610)", "61 (32.0)", "54 (43.5)"]]
    got = read(rows, followup=26.0, caption="Participants reaching clinically significant change by group")
    assert (at(got, 1, 1).weeks, at(got, 1, 2).weeks) == (None, 26.0)
    rows = [["", "Baseline", "Post-treatment"], ["Pain", "5.1 (1.2)", "3.2 (1.1)"]]
    assert at(read(rows, followup=12.0), 1, 2).weeks == 12.0  # (nothing else names the follow-up)


def test_a_measure_with_its_scales_range_keeps_the_columns_times():
    rows = [["", "Drug baseline", "Drug week 12"], ["VAS (0–10)", "5.1 ± 1.2", "3.2 ± 1.1"]]
    got = read(rows, followup=12.0)
    assert (at(got, 1, 1).weeks, at(got, 1, 2).weeks) == (0.0, 12.0)


def test_a_columns_dated_time_wins_over_a_rows_undated_end_point():
    rows = [["", "Baseline", "Week 12"], ["Pain after treatment", "5.1 (1.2)", "3.2 (1.1)"]]
    got = read(rows, followup=12.0)
    assert (at(got, 1, 1).weeks, at(got, 1, 2).weeks) == (0.0, 12.0)


def test_an_arm_stub_column_beside_a_column_of_contrast_labels():
    # a "Treatment" stub column of arms; the "Treatment contrasts" column holds only labels ("A vs Placebo")
    rows = [[("", {"rowspan": 2}), ("Treatment", {"rowspan": 2}), ("Mean change", {"rowspan": 2}),
             ("Treatment contrasts", {"colspan": 3})],
            ["", "Difference", "95% CI"],
            [("CCQ variable", {"colspan": 6})],
            [("Overall mean", {"rowspan": 2}), "AZD 200 μg od", "−0.38", "AZD 200 vs Placebo", "−0.262", "−0.457, -0.067"],
            ["Placebo", "−0.12", "", "", ""]]
    got = read(rows, head=2)
    assert (at(got, 3, 2).arm, at(got, 4, 2).arm) == ("AZD 200 μg od", "Placebo")


def test_a_contrast_label_beside_a_difference_names_its_arms():
    rows = [["", "Treatment", "Mean change", ("Treatment contrasts", {"colspan": 3})],
            ["", "", "", "", "Difference", "95% CI"],
            ["FEV1", "AZD 200 μg od", "−0.38", "AZD 200 vs Placebo", "−0.262", "−0.457, -0.067"],
            ["", "Placebo", "−0.12", "", "", ""]]
    got = [r for r in read(rows, head=2) if r.role == "difference"]
    assert [r.arm for r in got] == ["AZD 200 vs Placebo"]


def test_cells_written_n_semicolon_mean_sd_give_the_mean_sd_and_its_n():
    rows = [["Program", ("Test time, n; mean (SD)", {"colspan": 2})], ["", "Pretest", "Posttest"],
            ["IPT", "206; 35.65 (11.85)", "206; 26.22 (12.92)"], ["CBT", "181; 34.46 (11.31)", "181; 23.68 (13.34)"]]
    got = read(rows, head=2, caption="CES-D scores by program")
    c = at(got, 3, 2)
    assert (c.arm, c.n, c.numbers) == ("CBT", 181, {"followup_mean": 23.68, "followup_sd": 13.34})


def test_a_total_row_under_arm_rows_is_pooled_not_an_arm():
    rows = [["Group", "n", "Before Treatment", "After Treatment"],
            ["Moxibustion Group", "15", "80.33 ± 8.49", "48.27 ± 7.69"],
            ["Control Group", "13", "80.54 ± 8.27", "73.62 ± 7.42"],
            ["Total", "28", "80.43 ± 8.23", "60.04 ± 14.86"]]
    got = read(rows, caption="IBS QOL scale comparison")
    assert {r.arm for r in got} == {"Moxibustion Group", "Control Group"}


def test_a_comparison_row_of_f_and_p_statistics_is_no_difference():
    rows = [["Group", "n", "Before Treatment", "After Treatment"],
            ["Moxibustion Group", "15", "80.33 ± 8.49", "48.27 ± 7.69"],
            ["Control Group", "13", "80.54 ± 8.27", "73.62 ± 7.42"],
            [("Comparison between groups", {"rowspan": 2}), "F", "0.004", "78.191"],
            ["P", "0.949", "&lt;0.001"]]
    got = read(rows, caption="IBS QOL scale comparison")
    assert not [r for r in got if r.role == "difference"] and len(got) == 4


def test_rows_timed_in_minutes_after_treatment_are_dated_apart():
    rows = [["", "TENS (n = 40)", "Fentanyl (n = 40)", "", ""],
            ["", "Mean (SD)", "Mean (SD)", "95% CI of the difference", "P"],
            ["Pretreatment Pain", "9.02 (1.32)", "8.95 (1.33)", "−0.51 to 0.66", "0.80"],
            ["Posttreatment pain (5 minutes)", "7.62 (2.33)", "5.52 (2.18)", "1.09 to 3.10", "&lt;0.001"],
            ["Posttreatment pain (30 minutes)", "0.65 (0.89)", "1.50 (1.75)", "−1.46 to −0.23", "0.008"]]
    got = read(rows, head=2, caption="Comparing pain score in TENS and fentanyl groups")
    five, thirty = at(got, 3, 2), at(got, 4, 2)
    assert (five.measure, five.arm, five.weeks, five.numbers) == (
        "Posttreatment pain", "Fentanyl", 0.0005, {"followup_mean": 5.52, "followup_sd": 2.18})
    assert (thirty.weeks, at(got, 2, 1).weeks) == (0.003, 0.0)


def test_arms_named_challenge_dash_vaccine_are_arms_not_a_difference():
    # "Placebo–Fluenz" | "LPS–Fluenz": each arm named by its two steps; no column is "Placebo" or "Fluenz"
    rows = [["", "Placebo–Fluenz", "LPS–Fluenz", "p-value"],
            ["Seroconversion (day 35)", "4/15 (27%)", "1/15 (7%)", "0.33"],
            ["GMT H1N1 at day 35", "158 (83–303)", "66 (40–108)", "0.04"]]
    got = read(rows, caption="Results of the hemagglutination inhibition assay", footnotes=("GMT, geometric mean titer with 95% CI.",))
    assert not [r for r in got if r.role == "difference"]
    first = at(got, 1, 1)
    assert (first.arm, first.weeks, first.numbers) == ("Placebo–Fluenz", 5.0, {"n_responders": 4, "percent_responders": 27.0})
    assert (at(got, 2, 1).arm, at(got, 2, 2).arm) == ("Placebo–Fluenz", "LPS–Fluenz")
    # a dash between two arms of the table is their difference
    rows = [["", "Placebo (n = 14)", "Paroxetine (n = 23)", "Placebo–Paroxetine"],
            ["SF-36 at 3 months", "59.1 (51.2 to 67.0)", "70.1 (63.4 to 76.7)", "−11.0 (−21.4 to −0.6)"]]
    got = read(rows, caption="Means (and 95% CI) of quality of life scores")
    assert [r.col for r in got if r.role == "difference"] == [3]


def test_time_point_codes_over_the_arms_are_dated_by_the_footnote_that_glosses_them():
    rows = [["", ("Time point 1", {"colspan": 2}), ("Time point 2", {"colspan": 2})],
            ["", "VivaSight", "Bronchoscopy", "VivaSight", "Bronchoscopy"],
            ["pH", "7.47 (7.44–7.50)", "7.44 (7.40–7.47)", "7.44 (7.41–7.47)", "7.30 (7.27–7.34)"]]
    note = ("Data are shown as the mean and 95% confidence intervals, time point 1: before start of intervention, "
            "time point 2: before tracheal cannulation")
    got = read(rows, head=2, caption="Arterial blood gas analyses", footnotes=(note,))
    first, second = at(got, 2, 2), at(got, 2, 4)
    assert (first.arm, first.weeks, first.numbers) == (
        "Bronchoscopy", 0.0, {"baseline_mean": 7.44, "baseline_ci_low": 7.40, "baseline_ci_high": 7.47})
    # "before tracheal cannulation" is during the procedure, not the study's baseline: undated
    assert (second.arm, second.weeks) == ("Bronchoscopy", None)


def test_a_measure_written_once_over_its_block_holds_across_blank_spacer_rows():
    rows = [["", "", "Group 1", "Group 2", "P value"],
            ["CK-MB (U/L)", "Preoperative", "29 ± 2.5", "17 ± 2.1", "NS"], ["", "", "", "", ""],
            ["", "12 hr", "53 ± 4.1", "108 ± 5.5", "NS"], ["", "", "", "", ""],
            ["cTn-T", "Preoperative", "1 ± 2.5", "2 ± 2.1", "NS"], ["", "", "", "", ""],
            ["", "12 hr", "3 ± 4.1", "4 ± 5.5", "NS"]]
    got = read(rows, caption="Enzyme values of patients")
    assert [(r.row, r.measure, r.weeks) for r in got if r.col == 2] == [
        (1, "CK-MB (U/L)", 0.0), (3, "CK-MB (U/L)", 0.07), (5, "cTn-T", 0.0), (7, "cTn-T", 0.07)]


def test_a_caption_naming_within_patient_correlations_leaves_the_treatment_effect_a_difference():
    rows = [["", "Laser-assisted ICSI", "Conventional ICSI", "r", "Treatment effect (95% CI)", "P-value"],
            ["Percent 2pn", "71.0", "71.3", "0.39", "-0.3 (-7.2–6.6)", "0.94"]]
    got = read(rows, caption="Mean clinical outcomes per cycle compared between laser-assisted and conventional ICSI, "
                             "including within-patient correlation coefficients (r).")
    effect = at(got, 1, 4)
    assert (effect.role, effect.numbers.get("effect_size")) == ("difference", -0.3)


def test_a_bare_baseline_column_left_of_each_group_header_one_column_short_is_that_groups():
    # "Probiotic group" spans "3 months" | "6 months" but not the "Baseline" column left of them, in every block
    rows = [["", "", ("Probiotic group", {"colspan": 2}), "", "", ("Antibiotic group", {"colspan": 2}), ""],
            ["", "Baseline", "3 months", "6 months", "P", "Baseline", "3 months", "6 months", "P"],
            ["CAL (mm)", "3.8 ± 0.7", "3.4 ± 0.6", "3.3 ± 0.6", "0.0001", "4.4 ± 0.9", "4.0 ± 1.0", "3.9 ± 1.0", "0.0001"]]
    got = read(rows, head=2, caption="Intra- and intergroup comparisons of clinical parameters")
    assert [(r.col, r.arm, r.weeks) for r in got] == [
        (1, "Probiotic group", 0.0), (2, "Probiotic group", 13.0), (3, "Probiotic group", 26.0),
        (5, "Antibiotic group", 0.0), (6, "Antibiotic group", 13.0), (7, "Antibiotic group", 26.0)]
    # one bare "Baseline" beside arms that each have one column is the pooled baseline
    rows = [["", "Baseline", "After massage", "P"], ["P1NP", "45.2 ± 4.0", "48.5 ± 4.3", "&lt;0.01"]]
    assert at(read(rows, caption="Serum P1NP before and after massage"), 1, 1).arm == "all patients"


def test_a_delta_sd_column_beside_the_mean_sd_is_the_arms_change_not_its_sd():
    rows = [["", "", ("Probiotic group (n=16)", {"colspan": 2}), ("Placebo group (n=15)", {"colspan": 2})],
            ["", "", "Mean ± SD", "Delta ± SD", "Mean ± SD", "Delta ± SD"],
            ["% P. gingivalis", "Day 0", "14.2 ± 17.6", "-13.1 ± 18.6", "14.7 ± 15.7", "-14.4 ± 15.9"],
            ["", "Day 270", "1.1 ± 2.6", "", "0.3 ± 1.0", ""]]
    got = read(rows, head=2, caption="Microbiological parameters at days 0 and 270")
    delta = at(got, 2, 3)
    assert (delta.arm, delta.kind, delta.numbers) == ("Probiotic group", "change", {"change_mean": -13.1, "change_sd": 18.6})


def test_a_bracketed_row_under_an_arms_row_is_that_arms():
    rows = [["", "2 weeks", "1 month"], ["Injection Group", "95.2 %", "90.5 %"],
            ["(Successful subjects/total subjects)", "(20/21)", "(19/21)"], ["Control Group", "90.9 %", "81.8 %"],
            ["(Successful subjects/total subjects)", "(20/22)", "(18/22)"], ["P", "0.57", "0.43"]]
    got = read(rows, caption="Success rates of the two groups")
    # each percentage joins the count of its total in the row below: one n/N (%) cell per arm and time
    control = at(got, 3, 2)
    assert (control.arm, control.statistic, control.n, control.numbers) == (
        "Control Group", "n/N (%)", 22, {"n_responders": 18, "percent_responders": 81.8})
    assert none_at(got, 4, 2) and at(got, 1, 1).numbers == {"n_responders": 20, "percent_responders": 95.2}


def test_a_row_that_gives_only_each_arms_n_is_a_section_over_its_rows():
    rows = [["", "Valerian (N = 202)", "Placebo (N = 203)"], ["Energy level next day", "", ""],
            ["- Any improvement", "30.1", "25.2"], ["Global self-assessment", "(N = 164)", "(N = 164)"],
            ["- Much better or better", "9.1", "3.7"], ["- Any improvement", "26.8", "21.3"]]
    got = read(rows, caption="Effectiveness results", footnotes=("Values are percentages of patients.",))
    assert at(got, 5, 1).measure.startswith("Global self-assessment") and at(got, 5, 1).n == 164
    assert at(got, 2, 1).measure.startswith("Energy level next day") and at(got, 2, 1).n == 202


def test_tumour_response_columns_sd_and_pd_are_categories_not_an_sd_and_a_p():
    rows = [["", "Group", "n", "CR", "PR", "MR", "SD", "PD", "Response rate", "p*"],
            ["NSCLC", "Trial", "17", "1", "7", "3", "4", "2", "47.06% (8/17)", "0.208"],
            ["", "Control", "6", "0", "1", "1", "3", "1", "16.67% (1/6)", ""]]
    lay = layout(rows, caption="The response rate in the trial and control group")
    assert [c.role for c in lay.columns[5:8]] == ["value", "value", "value"]
    got = read(rows, caption="The response rate in the trial and control group")
    assert not [r for r in got if r.statistic.startswith("mean")]
    assert at(got, 1, 8).numbers == {"n_responders": 8, "percent_responders": 47.06}


def test_a_value_row_with_no_label_right_under_a_labelled_row_is_a_second_line_of_its_measure():
    # "the upper and lower data in each cell are the levels at the beginning and at the end": the
    # lower line is a row of its own with an empty label, under the labelled one
    rows = [["", "Drug", "Placebo"],
            ["Serum level (ng/ml)", "11.5 (4.3)", "0.1 (0.0)"],
            ["", "12.6 (4.9)", "0.2 (0.1)"],
            ["Heart rate (bpm)", "71 (8)", "70 (9)"]]
    got = read(rows, caption="Measured serum levels, mean (SD)")
    assert at(got, 2, 1).measure == "Serum level (ng/ml)" and at(got, 2, 1).numbers["mean"] == 12.6
    assert at(got, 2, 2).measure == "Serum level (ng/ml)"
    assert at(got, 3, 1).measure == "Heart rate (bpm)"


def test_a_percentage_with_its_95_ci_in_the_column_beside_it_is_read_with_its_ci():
    # "PICO A | 95% CI | PICO B | 95% CI": each arm's percentage, its CI (with % signs) in its own column
    rows = [["", "PICO A", "95% CI", "PICO B", "95% CI"],
            ["Q1", "35%", "16.40% – 53.60%", "28%", "15.84% – 40.16%"],
            ["Q2", "5%", "1.42% – 8.58%", "6%", "2.42% – 9.58%"]]
    got = read(rows, caption="Precision of search results", followup=8.0)
    assert at(got, 1, 1).numbers == {"followup_mean": 35.0, "followup_ci_low": 16.4, "followup_ci_high": 53.6}
    assert at(got, 1, 1).statistic == "% (95% CI)" and at(got, 1, 1).arm == "PICO A"
    assert at(got, 2, 3).numbers == {"followup_mean": 6.0, "followup_ci_low": 2.42, "followup_ci_high": 9.58}
    assert [c for _, c, _ in at(got, 2, 3).cells] == [3, 4]


def test_a_spanning_median_iqr_header_makes_its_a_b_cells_medians_not_counts():
    # "Group and visit number, median (IQR)" over the arms and visits: "13 (69)" is a median and its IQR
    # written as one number, never 13 of the arm with 69%
    rows = [["Questions", ("Group and visit number, median (IQR)", {"colspan": 4})],
            ["", ("Control", {"colspan": 2}), ("App", {"colspan": 2})],
            ["", "1", "2", "1", "2"],
            ["Concentration problems during visit", "13 (69)", "6 (77)", "10 (51)", "2 (8)"],
            ["Well-informed about therapy", "94 (15)", "94 (35)", "94 (20)", "95 (20)"]]
    got = read(rows, head=3)
    assert all(g.statistic == "median" and "n_responders" not in g.numbers for g in got)
    assert at(got, 3, 1).numbers == {"median": 13.0}


def test_a_bare_zero_under_a_count_or_mean_declaration_is_a_count_of_none():
    # "Data are presented as the number (%) or the mean ± SD": an event no one had is written "0", no mean
    rows = [["", "Group B (n = 30)", "Group R (n = 30)", "P-value"],
            ["Hypotension", "4 (13.3)", "6 (20.0)", "0.63"],
            ["PDPH", "0", "0", "–"]]
    got = read(rows, footnotes=("Data are presented as the number (%) or the mean ± SD",))
    assert (at(got, 2, 1).statistic, at(got, 2, 1).numbers) == ("n", {"n_responders": 0})
    # a mean written as "0.0" under the same declaration stays a mean
    rows[2] = ["Change in VAS", "0.0", "1.5", "0.2"]
    got = read(rows, footnotes=("Data are presented as the number (%) or the mean ± SD",))
    assert at(got, 2, 1).statistic == "mean"


def test_none_of_no_one_is_read_as_zero_responders_without_a_group_size():
    rows = [["", "Placebo (n = 15)", "LPS (n = 15)"],
            ["Seroconversion (day 35)", "2/15 (13%)", "0/0 (0%)"]]
    c2 = at(read(rows), 1, 2)
    assert (c2.numbers, c2.n) == ({"n_responders": 0, "percent_responders": 0.0}, None)


def test_a_heading_over_the_arms_naming_the_dimensions_is_no_measure_nor_part_of_the_arm():
    # "Group and visit number, mean (SD)" / "Treatment group, mean (SD)" spanning the arms: the rows are the measures
    for top in ("Group and visit number, mean (SD)", "Treatment group, mean (SD)"):
        rows = [["Outcome", (top, {"colspan": 2})], ["", "Placebo", "Drug"], ["HAQ score", "1.2 (0.4)", "0.8 (0.3)"]]
        c1 = at(read(rows, head=2), 2, 1)
        assert (c1.measure, c1.arm, c1.numbers) == ("HAQ score", "Placebo", {"mean": 1.2, "sd": 0.4})


def test_period_codes_glossed_as_times_only_in_a_footnote_are_timepoints_not_arms():
    # "BL" | "FU" over the values, "BL, baseline; FU, follow-up" in the footnote: one group's two visits
    rows = [["Variable", "BL", "FU"], ["Weight (kg)", "69.1 ± 8.4", "66.3 ± 12.3"]]
    got = read(rows, footnotes=("Abbreviations: BL, baseline; FU, 12-week follow-up.",))
    c1, c2 = at(got, 1, 1), at(got, 1, 2)
    assert (c1.arm, c1.weeks, c2.arm, c2.weeks) == ("all patients", 0.0, "all patients", 12.0)
    # a code glossed as something else than a time stays an arm ("PT, physiotherapy")
    rows = [["Variable", "PT", "UC"], ["Weight (kg)", "69.1 ± 8.4", "66.3 ± 12.3"]]
    got = read(rows, footnotes=("PT, physiotherapy; UC, usual care.",))
    assert (at(got, 1, 1).arm, at(got, 1, 2).arm) == ("PT", "UC")
