"""Spelling-family tests for extract.quantities (each case is a spelling, not a gold record)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.quantities import (
    clean,
    find_doses,
    find_mean_sd,
    find_p_values,
    find_percentages,
    find_timepoints,
    parse_number,
    weeks_from,
)

FINDERS = [find_doses, find_timepoints, find_p_values, find_mean_sd, find_percentages]


def _assert_offsets(text, matches):
    for m in matches:
        assert text[m.start:m.end] == m.text


def _doses(text):
    ds = find_doses(text)
    _assert_offsets(text, ds)
    return [(d.value, d.unit) for d in ds if d.per_volume_ml is None]


# ---------------------------------------------------------------- numbers and cleaning
@pytest.mark.parametrize(
    "text, value",
    [("1,000", 1000.0), ("1.0", 1.0), (".0159", 0.0159), ("−1.60", -1.6), ("-1.60", -1.6),
     ("Fifty-three", 53.0), ("sixty four", 64.0), ("twelve", 12.0), ("one hundred and two", 102.0),
     ("two thousand and five", 2005.0), ("1,5", 1.5), ("0·05", 0.05), ("12,345.6", 12345.6)],
)
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "one banana", "1.2.3", "--"])
def test_parse_number_rejects(text):
    assert parse_number(text) is None


@pytest.mark.parametrize(
    "raw, cleaned",
    [("−1.60", "-1.60"), ("– 2", "- 2"), ("a\u2009b\u00a0c", "a b c"), ("40?×?106", "40 × 106"),
     ("1 x 108", "1 × 108"), ("1 X 10^6", "1 × 10^6"), ("10⁷", "10^7"), ("3 +/- 2", "3 ± 2"),
     ("3 Â± 2", "3 ± 2"), ("&lt;0.05", "<0.05"), ("2 Ã— 107", "2 × 107"), ("box 10", "box 10")],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned


# ---------------------------------------------------------------- doses
@pytest.mark.parametrize(
    "text, expected",
    [
        ("2 × 10^7 cells", [(2e7, "cells")]),
        ("2 × 107 cells", [(2e7, "cells")]),
        ("2 × 10 7 cells", [(2e7, "cells")]),
        ("1.0 x 108 cells", [(1e8, "cells")]),
        ("4×10(7) cells", [(4e7, "cells")]),
        ("2 × 10⁷ cells", [(2e7, "cells")]),
        ("2\u2009×\u200910^7\u00a0cells", [(2e7, "cells")]),
        ("1 × 1010 cells", [(1e10, "cells")]),
        ("of MSCs (40?×?106 cells)", [(4e7, "cells")]),
        ("40 ×10 6 autologous MSCs", [(4e7, "cells")]),
        ("a dose of 2 × 10^7 was given", [(2e7, "cells")]),
        # a count per administration, with no cell word after it
        ("hUC-MSCs (4 × 10^7/infusion) were given twice", [(4e7, "cells")]),
        ("patients received 4 × 10^7 per infusion", [(4e7, "cells")]),
        ("MSCs at 1 × 10^8 per injection", [(1e8, "cells")]),
    ],
)
def test_doses_scientific_spellings(text, expected):
    assert _doses(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 × 10e6/kg", [(1e6, "cells/kg")]),
        ("1 × 10E+6 cells/kg", [(1e6, "cells/kg")]),
        ("1 million/kg", [(1e6, "cells/kg")]),
        ("1 million cells/kg", [(1e6, "cells/kg")]),
        ("5×10^5 cells/kg body weight", [(5e5, "cells/kg")]),
        ("10^6 cells/kg", [(1e6, "cells/kg")]),
        ("1 × 106 per kg", [(1e6, "cells/kg")]),
        ("2 × 10^6 MSCs per kilogram", [(2e6, "cells/kg")]),
        ("1 × 10^6 BM-MSCs/kg", [(1e6, "cells/kg")]),
        ("1.5 × 10^6 cells kg\u22121", [(1.5e6, "cells/kg")]),
        ("1 × 10^6 cells\u00b7kg\u22121", [(1e6, "cells/kg")]),
        ("1 × 10^6 MSCs kg-1 body weight", [(1e6, "cells/kg")]),
        ("10(6) MSCs/kg", [(1e6, "cells/kg")]),
    ],
)
def test_doses_per_kg(text, expected):
    assert _doses(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1E6 cells/kg", [(1e6, "cells/kg")]),
        ("1.0E+06 MSCs/kg", [(1e6, "cells/kg")]),
        ("2.5e7 cells", [(2.5e7, "cells")]),
        ("a single infusion of 1E+7 UC-MSCs", [(1e7, "cells")]),
    ],
)
def test_doses_in_e_notation(text, expected):
    # a mantissa then E and the exponent, as a spreadsheet or a calculator writes a count
    assert _doses(text) == expected


@pytest.mark.parametrize("text", ["stage 1E5", "grade 1E2 cells", "version 2.0e1"])
def test_e_notation_without_a_cell_dose_is_no_count(text):
    assert _doses(text) == []


@pytest.mark.parametrize("text", [
    "the cells were expanded to 5 × 10^7 cells per flask",
    "MSCs were seeded at 1 × 10^4 cells/cm2",
    "MSCs were plated at 5 × 10^5 cells per well",
])
def test_cell_counts_of_the_culture_are_not_doses(text):
    assert _doses(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("40 million cells were injected per joint", [(4e7, "cells/joint")]),
        ("40 million MSCs into the knee", [(4e7, "cells/joint")]),
        ("forty million cells per knee", [(4e7, "cells/joint")]),
        ("5 × 10^7 MSCs in 2 mL saline into each knee", [(5e7, "cells/joint")]),
        # an intra-articular injection's cells are one joint's
        ("a single intra-articular injection of 40 × 10^6 autologous MSCs", [(4e7, "cells/joint")]),
        ("MSCs were injected intra-articularly at a dose of 5 × 10^7 cells", [(5e7, "cells/joint")]),
    ],
)
def test_doses_per_joint(text, expected):
    assert _doses(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1, 5 and 10 × 10^6 cells/kg", [(1e6, "cells/kg"), (5e6, "cells/kg"), (1e7, "cells/kg")]),
        ("low dose (1 × 10^6/kg) and high dose (5 × 10^6/kg)", [(1e6, "cells/kg"), (5e6, "cells/kg")]),
        ("2.5 × 107, 5 × 107, or 1 × 108 cells", [(2.5e7, "cells"), (5e7, "cells"), (1e8, "cells")]),
        ("1 million/kg (cohort A), 2 million/kg (cohort B), 4 million/kg (cohort C)",
         [(1e6, "cells/kg"), (2e6, "cells/kg"), (4e6, "cells/kg")]),
        ("1 or 2 × 10^6 cells/kg", [(1e6, "cells/kg"), (2e6, "cells/kg")]),
        ("1, 2 or 4 million cells/kg", [(1e6, "cells/kg"), (2e6, "cells/kg"), (4e6, "cells/kg")]),
        # the unit written once, after the last dose of two parallel phrases
        ("a low dose (1 × 10^6) and a high dose (5 × 10^6) of MSCs per kg", [(1e6, "cells/kg"), (5e6, "cells/kg")]),
        ("a low dose (1 × 10^6) or a high dose (5 × 10^6 cells/kg)", [(1e6, "cells/kg"), (5e6, "cells/kg")]),
    ],
)
def test_doses_escalation_lists(text, expected):
    assert _doses(text) == expected


def test_dose_concentration_times_volume():
    text = "received 40 mL UC-MSC suspension (2 × 10^7 cells/20 mL) intravenously"
    ds = find_doses(text)
    _assert_offsets(text, ds)
    conc = [d for d in ds if d.per_volume_ml is not None]
    derived = [d for d in ds if d.per_volume_ml is None]
    assert [(d.value, d.per_volume_ml) for d in conc] == [(2e7, 20.0)]
    assert [(d.value, d.unit) for d in derived] == [(4e7, "cells")]
    assert derived[0].note == "derived: 2e7 cells per 20 mL × 40 mL"
    assert derived[0].text.startswith("40 mL")


@pytest.mark.parametrize("text", ["received MSCs (2 × 10^7 cells/20 mL) intravenously",
                                  "received MSCs (2 × 10^7 cells in 20 mL) intravenously",
                                  "received 2 × 10^7 cells in 20 mL of saline"])
def test_a_concentration_in_a_stated_volume_without_another_volume_is_the_dose(text):
    ds = find_doses(text)
    _assert_offsets(text, ds)
    assert [(d.value, d.unit) for d in ds if d.per_volume_ml is None] == [(2e7, "cells")]
    assert [d.note for d in ds if d.per_volume_ml is None] == ["2e7 cells in 20 mL"]


@pytest.mark.parametrize("text, derived", [
    # the volume given is written after the concentration
    ("UC-MSCs (2 × 10^7 cells/20 mL) were infused in 40 mL.", "derived: 2e7 cells per 20 mL × 40 mL"),
    ("Patients received 2 × 10^7 cells/20 mL; 40 mL were infused.", "derived: 2e7 cells per 20 mL × 40 mL"),
    ("MSCs (1 × 10^6 cells/mL) were injected in a volume of 5 mL.", "derived: 1e6 cells per 1 mL × 5 mL"),
])
def test_a_concentration_times_the_volume_given_after_it(text, derived):
    ds = find_doses(text)
    _assert_offsets(text, ds)
    per_admin = [d for d in ds if d.per_volume_ml is None]
    assert [d.note for d in per_admin] == [derived]


def test_a_list_after_doses_of_shares_the_unit_of_its_last_item():
    # "doses of" gives the list's items a weak unit (cells); the unit written after the list wins
    assert _doses("Patients received MSCs at doses of 1 × 10^6, 5 × 10^6 and 1 × 10^7 cells/kg.") == [
        (1e6, "cells/kg"), (5e6, "cells/kg"), (1e7, "cells/kg")]


@pytest.mark.parametrize("text, unit", [
    ("Patients received 1 × 10^6 to 2 × 10^6 cells/kg.", "cells/kg"),
    ("Each knee received 1 × 10^7-5 × 10^7 MSCs.", "cells"),
    ("Patients received MSCs at 0.5–1 × 10^6 cells/kg.", "cells/kg"),
    ("Patients received 1 to 4 million cells/kg.", "cells/kg"),
])
def test_a_range_of_cell_counts_is_no_single_dose(text, unit):
    ds = find_doses(text)
    _assert_offsets(text, ds)
    assert [(d.value, d.unit) for d in ds] == [(None, unit)]
    assert ds[0].note is not None and ds[0].note.startswith("range")


def test_a_concentration_per_ml_is_no_dose():
    assert [d for d in find_doses("a suspension of 1 × 10^6 cells/mL") if d.per_volume_ml is None] == []


def test_dose_concentration_lost_superscript():
    assert _doses("40 mL suspension (2 × 107 cells/20 mL)") == [(4e7, "cells")]


@pytest.mark.parametrize("text", ["1 × 10 MSCs/kg", "1×10 cells/kg", "1 x 10 cells per kg"])
def test_dose_lost_exponent_is_uncertain(text):
    ds = find_doses(text)
    _assert_offsets(text, ds)
    assert len(ds) == 1
    d = ds[0]
    assert d.value is None and d.uncertain and d.unit == "cells/kg" and "exponent" in (d.note or "")


@pytest.mark.parametrize(
    "text",
    ["patients aged 18–64 years", "5 mL normal saline", "10 mL of saline", "in 2019 and 2020",
     "40% of patients", "platelets 150 × 10^9/L", "WBC 5.2 × 10^9/L", "10 patients received 2 doses",
     "DAS28 decreased by 1.2", "a 1 × 10 cm lesion", "the 10 mg/kg dose"],
)
def test_doses_negative(text):
    assert _doses(text) == []


@pytest.mark.parametrize("text", ["5 × 10^5 IU/kg of IL-2", "2 × 10^11 vector genomes/kg", "1 × 10^9 PFU/kg",
                                  "3 × 10^6 units/kg", "10^9 CFU/kg"])
def test_a_count_of_other_units_is_no_cell_dose(text):
    # international units, vector genomes, plaque- or colony-forming units: a drug's or a vector's count
    assert _doses(text) == []


# ---------------------------------------------------------------- timepoints
def _tps(text):
    tps = find_timepoints(text)
    _assert_offsets(text, tps)
    return [(t.weeks, t.kind) for t in tps]


def test_weeks_convention():
    assert weeks_from(1, "month") == 4.33
    assert weeks_from(3, "months") == 13.0
    assert weeks_from(6, "months") == 26.0
    assert weeks_from(7, "months") == 30.33
    assert weeks_from(1, "year") == 52.0
    assert weeks_from(24, "hours") == 0.14
    assert weeks_from(7, "days") == 1.0


@pytest.mark.parametrize(
    "text, expected",
    [
        ("at week 12", [(12.0, "point")]),
        ("for 12 weeks", [(12.0, "point")]),
        ("a 12-week trial", [(12.0, "point")]),
        ("Twelve weeks after MSCT", [(12.0, "point")]),
        ("24 hours after the infusion", [(0.14, "point")]),
        ("on day 7", [(1.0, "point")]),
        ("at month 1", [(4.33, "point")]),
        ("a 6-month follow-up", [(26.0, "point")]),
        ("6‐month follow-up", [(26.0, "point")]),
        ("followed for two years", [(104.0, "point")]),
        ("followed up within 12 months", [(52.0, "point")]),
        ("up to 4 weeks after", [(4.0, "point")]),
        ("after 5 years", [(260.0, "point")]),
    ],
)
def test_timepoints_single(text, expected):
    assert _tps(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 year and 3 years after", [52.0, 156.0]),
        ("at 1, 3 and 6 months", [4.33, 13.0, 26.0]),
        ("at 1 and 6 months after", [4.33, 26.0]),
        ("at 3 and 6 months following", [13.0, 26.0]),
        ("relapse at 7 and 23 months", [30.33, 99.67]),
        ("at weeks 4 and 12", [4.0, 12.0]),
        ("at month 1, and 25% at week 12", [4.33, 12.0]),
    ],
)
def test_timepoints_lists(text, expected):
    assert [w for w, _ in _tps(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the day-14 and day-28 risks of failure", [2.0, 4.0]),
        ("cure rates above 97% by day-14", [2.0]),
        ("assessed at week-12", [12.0]),
        ("at month-6 and month-12", [26.0, 52.0]),
    ],
)
def test_timepoints_unit_hyphen_number(text, expected):
    # "day-14": the unit word, a hyphen, then the number (as "day 14")
    assert [w for w, _ in _tps(text)] == expected


def test_a_per_day_exponent_is_no_timepoint():
    assert _tps("28 day supplementation with 6.4 g.day-1 of BA") == [(4.0, "point")]


@pytest.mark.parametrize(
    "text, low, high",
    [("3-6 months", 13.0, 26.0), ("3–6 months", 13.0, 26.0), ("2 to 3 weeks", 2.0, 3.0)],
)
def test_timepoints_range(text, low, high):
    tps = find_timepoints(text)
    _assert_offsets(text, tps)
    assert [(t.kind, t.low_weeks, t.weeks) for t in tps] == [("range", low, high)]


def test_timepoints_baseline():
    assert _tps("measured at baseline and 24 hours") == [(0.0, "baseline"), (0.14, "point")]


@pytest.mark.parametrize(
    "text",
    ["patients aged 18–64 years", "aged 18 to 64 years", "the mean age was 57.4 years",
     "mean disease duration was 9.5 years", "disease duration of 8 years", "45 years of age",
     "a 60-year-old woman", "published in 2019", "2 infusions per year", "every 6 months",
     "in the past 6 months", "in recent years", "RA for 8 years of disease", "age 50 years"],
)
def test_timepoints_negative(text):
    assert _tps(text) == []


# ---------------------------------------------------------------- P values
@pytest.mark.parametrize(
    "text, value, cmp",
    [("P < 0.05", 0.05, "<"), ("p=0.0159", 0.0159, "="), ("P = .0159", 0.0159, "="),
     ("(P<0.001)", 0.001, "<"), ("p-value of 0.03", 0.03, "="), ("P value = 0.2", 0.2, "="),
     ("ESR, CRP and RF (P < 0.05)", 0.05, "<"), ("p ≤ 0.05", 0.05, "≤"), ("P &lt; 0.01", 0.01, "<"),
     ("p > 0.05", 0.05, ">"), ("p less than 0.01", 0.01, "<"), ("P = 0·04", 0.04, "=")],
)
def test_p_values(text, value, cmp):
    ps = find_p_values(text)
    _assert_offsets(text, ps)
    assert [(p.value, p.comparator) for p in ps] == [(value, cmp)]


@pytest.mark.parametrize("text", ["IL-6 = 0.5", "group P", "p = 5", "HbA1c < 7", "Step 2"])
def test_p_values_negative(text):
    assert find_p_values(text) == []


# ---------------------------------------------------------------- mean / SD, percentages
@pytest.mark.parametrize(
    "text, mean, sd, kind",
    [("−1.60 ± 1.57", -1.6, 1.57, "mean±sd"), ("4.99 ± 0.88", 4.99, 0.88, "mean±sd"),
     ("4.99 +/- 0.88", 4.99, 0.88, "mean±sd"), ("53.3 (49.9)", 53.3, 49.9, "mean (sd)"),
     ("mean (SD) 3.1 (0.8)", 3.1, 0.8, "mean (sd)"), ("−0.09 (0.39)", -0.09, 0.39, "mean (sd)")],
)
def test_mean_sd(text, mean, sd, kind):
    ms = find_mean_sd(text)
    _assert_offsets(text, ms)
    assert [(m.mean, m.sd, m.kind) for m in ms] == [(mean, sd, kind)]


@pytest.mark.parametrize(
    "text, kind, low, high",
    [("median 5.2 (4.1–6.3)", "median (iqr)", 4.1, 6.3), ("4 (IQR 2-7)", "median (iqr)", 2, 7),
     ("median (range) 50 (30-70)", "median (range)", 30, 70), ("1.2 (95% CI 0.8 to 1.6)", "mean (ci)", 0.8, 1.6),
     ("5.2 (4.1–6.3)", "median (iqr)", 4.1, 6.3), ("−1.2 (−2.0 to −0.4)", "median (iqr)", -2.0, -0.4),
     # "mean" said, the bracket not named: a mean with a range (or CI), never a median
     ("The mean drainage time was 6 (1–42) days", "mean (range)", 1, 42),
     ("The mean drainage time was 6 (1–42) days in the control group against 4 (2–15) days in the drug group",
      "mean (range)", 1, 42)],
)
def test_mean_sd_ranges(text, kind, low, high):
    ms = find_mean_sd(text)
    _assert_offsets(text, ms)
    assert [(m.kind, m.low, m.high) for m in ms][:1] == [(kind, low, high)]
    assert all(m.kind == kind for m in ms)  # a second value far from the word takes the sentence's word


@pytest.mark.parametrize("text", ["12 (40%)", "n (%) 12 (40)", "DAS28 (2.6)", "IL-6 (pg/mL)", "(n = 9)"])
def test_mean_sd_negative(text):
    assert find_mean_sd(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [("12 (40%)", [(12.0, 40.0, None, "n (%)")]), ("40%", [(None, 40.0, None, "%")]),
     ("12/30", [(12.0, 40.0, 30.0, "n/N")]), ("group A (85%)", [(None, 85.0, None, "%")]),
     ("12 (40 %)", [(12.0, 40.0, None, "n (%)")]), ("12/03/2019", []), ("95% CI", []),
     ("2 × 10^7 cells/20 mL", [])],
)
def test_percentages(text, expected):
    ps = find_percentages(text)
    _assert_offsets(text, ps)
    assert [(p.n, p.percent, p.denominator, p.kind) for p in ps] == expected


# ---------------------------------------------------------------- offsets on messy text
def test_offsets_refer_to_original_text():
    text = ("Zero\u200bwidth. 40?×?106 cells per joint; −1.60\u2009±\u20091.57 (p\u2009=\u2009.0159) at "
            "6\u2011month and 1\u00a0year; &lt;b&gt;P &lt; 0.05; 2 × 10⁷ cells/kg")
    for f in FINDERS:
        res = f(text)
        _assert_offsets(text, res)
    assert [(d.value, d.unit) for d in find_doses(text)] == [(4e7, "cells/joint"), (2e7, "cells/kg")]
    assert [t.weeks for t in find_timepoints(text)] == [26.0, 52.0]
    assert [p.value for p in find_p_values(text)] == [0.0159, 0.05]


# ---------------------------------------------------------------- robustness
_NASTY = st.sampled_from(
    ["40?×?106", "×", "10", "10^", "(", ")", "±", "−", "%", "/", "kg", "mL", " cells", "million",
     "months", "P <", " and ", ", ", "<b>", "&lt;", "&times;", "Ã—", "Â±", "⁷", "\u2009", "\u200b",
     "baseline", "aged", "-", ".", "1", "0", "9", "x", "e"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_NASTY, max_size=60).map("".join)))
def test_no_finder_crashes(text):
    assert isinstance(clean(text), str)
    parse_number(text)
    for f in FINDERS:
        _assert_offsets(text, f(text))


def test_huge_and_empty_inputs():
    for text in ["", " ", "1" * 100_000, "1, " * 20_000 + "× 10^6 cells", "one " * 20_000 + "weeks",
                 "<p>" * 10_000, "40?×?106 " * 5_000]:
        for f in FINDERS:
            _assert_offsets(text, f(text))


@pytest.mark.parametrize("text, value", [("5 mıllion cells", 5e6), ("5 MİLLION cells", 5e6),
                                         ("five mıllion cells", 5e6), ("2 bıllion cells", 2e9)])
def test_doses_with_letters_that_only_case_folding_matches(text, value):
    # re.IGNORECASE matches dotless ı and dotted İ to i; their lower() is not "million"
    assert _doses(text) == [(value, "cells")]


@pytest.mark.parametrize("text, weeks", [
    ("At week 24, 18 of 30 patients responded", [24.0]),
    ("at week 24, 18/30 patients", [24.0]),
    ("At week 24, 18 (60%) patients", [24.0]),
    ("at week 12, 9 patients had", [12.0]),
    ("at weeks 12, 24 and 48", [12.0, 24.0, 48.0]),
    # a value with its own time after it ends the list: "4.9 at month 1, 4.2 at month 3" is months 1 and 3
    ("DAS28 was 6.1 at baseline, 4.9 at month 1, 4.2 at month 3 and 4.0 at month 6", [0.0, 4.33, 13.0, 26.0]),
    ("at weeks 12 and 24 in the MSC group", [12.0, 24.0]),
    # a value compared or with its SD ends the list: "at week 16 and 3.5 vs 5.0 at week 24" is weeks 16 and 24
    ("DAS28 was 3.9 vs 5.1 at week 16 and 3.5 vs 5.0 at week 24", [16.0, 24.0]),
    ("at week 16 and 3.5 ± 1.0 at week 24", [16.0, 24.0]),
])
def test_a_count_after_week_n_is_not_a_week(text, weeks):
    assert [tp.weeks for tp in find_timepoints(text)] == weeks


def test_a_suspended_hyphen_list_of_times():
    # "the 12- and 24-week visits": two timepoints, not a range
    tps = find_timepoints("DAS28 was measured at the 12- and 24-week visits.")
    assert [(tp.weeks, tp.kind) for tp in tps] == [(12.0, "point"), (24.0, "point")]


@pytest.mark.parametrize("text, weeks", [
    ("The children were visited at home on day one and four of treatment.", [0.14, 0.57]),
    # a count after the list ends it
    ("At week 24, 18 of 30 patients responded.", [24.0]),
    ("At week 24, 18 of the 30 patients responded.", [24.0]),
])
def test_a_unit_first_list_ends_before_a_count_only(text, weeks):
    assert [tp.weeks for tp in find_timepoints(text)] == weeks
