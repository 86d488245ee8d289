"""extract.table_cells: the spellings of a results-table cell."""
from __future__ import annotations

import pytest

from extract.table_cells import parse_cell


@pytest.mark.parametrize(("text", "form", "numbers"), [
    ("4.99 ± 0.88", "pm", (4.99, 0.88)),
    ("2.80\u2009±\u20090.15", "pm", (2.80, 0.15)),
    ("38.5 ±5.4", "pm", (38.5, 5.4)),
    ("0.13 ± 0.11 ***###", "pm", (0.13, 0.11)),
    ("0.62 ± 0.6*", "pm", (0.62, 0.6)),
    ("+12.3 ± 3.9", "pm", (12.3, 3.9)),
    ("59.1 ± 4.4 (49.8–66.6)", "pm_interval", (59.1, 4.4, 49.8, 66.6)),
    ("\u22120.09 (0.39)", "paren", (-0.09, 0.39)),
    ("\u20134.0 (3.9)", "paren", (-4.0, 3.9)),
    ("0 (0)", "paren", (0.0, 0.0)),
    ("3,514 (498)", "paren", (3514.0, 498.0)),
    ("€6751 (€19420)", "paren", (6751.0, 19420.0)),
    ("64.87 (49.76, 79.99)", "interval", (64.87, 49.76, 79.99)),
    ("−0.02 (−0.24, 0.20)", "interval", (-0.02, -0.24, 0.20)),
    ("-0.31 (-0.45 to -0.16)", "interval", (-0.31, -0.45, -0.16)),
    ("2 (1-3)", "interval", (2.0, 1.0, 3.0)),
    ("−0.55 (−2.00–0.90)", "interval", (-0.55, -2.00, 0.90)),
    ("400 (0–5,000)", "interval", (400.0, 0.0, 5000.0)),
    ("0.08 (0.02; 0.10)", "interval", (0.08, 0.02, 0.10)),
    ("–1.96 to 3.20", "bounds", (-1.96, 3.20)),
    ("(−2.00–0.90)", "bounds", (-2.00, 0.90)),
    ("1.67-4", "bounds", (1.67, 4.0)),
    ("16.40% – 53.60%", "bounds", (16.40, 53.60)), ("10.70% -29.30%", "bounds", (10.70, 29.30)),  # a percentage's CI
    ("108/206 (52.4)", "count_of", (108, 206, 52.4)),
    ("3/7 (42.9%)", "count_of", (3, 7, 42.9)),
    ("56.56 (138/244)", "count_of", (138, 244, 56.56)),  # a percentage of x/N without its "%"
    ("12 (40%)", "count_pct", (12, 40.0)),
    ("12 [40.0%]", "count_pct", (12, 40.0)),
    ("40% (12)", "pct_count", (12, 40.0)),
    ("5/13", "fraction", (5, 13)),
    ("81.2%", "pct", (81.2,)),
    ("<0.001", "p", ("<", 0.001)),
    ("p = 0.048", "p", ("=", 0.048)),
    ("P < .05", "p", ("<", 0.05)),
    ("NS", "ns", ()),
    ("ns (low number of events)", "ns", ()),
    ("n = 20", "n_eq", (20.0,)),
    (".64", "number", (0.64,)),
    ("1,122", "number", (1122.0,)),
    ("0.08a", "number", (0.08,)),
])
def test_cell_spellings(text, form, numbers):
    value, _ = parse_cell(text)
    assert value is not None and value.form == form
    got = {
        "pm": (value.a, value.b), "pm_interval": (value.a, value.b, value.lo, value.hi), "paren": (value.a, value.b),
        "interval": (value.a, value.lo, value.hi), "bounds": (value.lo, value.hi),
        "count_of": (value.count, value.total, value.b), "count_pct": (value.count, value.b),
        "pct_count": (value.count, value.b), "fraction": (value.count, value.total), "pct": (value.a,),
        "p": (value.op, value.a), "ns": (), "n_eq": (value.a,), "number": (value.a,),
    }[form]
    assert got == numbers


@pytest.mark.parametrize("text", ["", "N/A", "-", "—", "X", "Yes", "17/13", "30/22", "nd", "Indefinable",
                                  "2.5 (1/2)"])  # a number that is not x/N's percentage before "(x/N)"
def test_cells_without_a_value(text):
    assert parse_cell(text)[0] is None


def test_markers_are_returned():
    value, markers = parse_cell("3.91 ± 0.80 ***", ())
    assert markers == ("***",) and value is not None and value.markers == ("***",)
    value, markers = parse_cell("3.16 ± 0.14#*", ())
    assert (value.a, value.b, markers) == (3.16, 0.14, ("#*",))
    value, markers = parse_cell("68.5c", ("c",))
    assert (value.a, markers) == (68.5, ("c",))


@pytest.mark.parametrize(("text", "numbers"), [
    ("4,30 ± 0,45", (4.30, 0.45)), ("1,1 (0,9–1,3)", (1.1, 0.9, 1.3)), ("0,005", (0.005,)),
    ("10,067 (6,169–15,362)", (10067.0, 6169.0, 15362.0)), ("12,5 (3,4)", (12.5, 3.4)),
    ("74.5 ± 15.01 %", (74.5, 15.01)), ("59.04 ± 7.61/year", (59.04, 7.61)),
    # one number of a mean ± SD or mean (SD) typed with a comma among full stops
    ("1,61 ± 0.4", (1.61, 0.4)), ("2.0 ± 0,2", (2.0, 0.2)), ("49,2 (11.6)", (49.2, 11.6)),
    ("1,234 ± 1.2", (1234.0, 1.2)), ("0.5 (0.2,0.9)", (0.5, 0.2, 0.9)),
])
def test_decimal_commas_and_units_after_a_value(text, numbers):
    value, _ = parse_cell(text)
    got = tuple(x for x in (value.a, value.b, value.lo, value.hi) if x is not None)
    assert got == numbers


@pytest.mark.parametrize(("text", "numbers"), [
    ("18 (− 1 to 31)", (18.0, -1.0, 31.0)),          # a minus set off by a space inside the brackets
    ("−0.5 (− 1.2 to 0.3)", (-0.5, -1.2, 0.3)), ("1.2 (−0.3, − 0.1)", (1.2, -0.3, -0.1)),
    ("83. 2 (11.4)", (83.2, 11.4)),                  # a space typed after the decimal point
])
def test_spaced_signs_and_points_inside_a_cell(text, numbers):
    value, _ = parse_cell(text)
    got = tuple(x for x in (value.a, value.b, value.lo, value.hi) if x is not None)
    assert got == numbers


def test_a_counts_thousands_set_off_by_a_thin_space_before_its_percent():
    value, _ = parse_cell("10\u2009727 (99%)")
    assert (value.form, value.count, value.b) == ("count_pct", 10727, 99.0)


@pytest.mark.parametrize(("text", "numbers"), [
    ("9238/19\u2009984 (46%)", (9238, 19984, 46.0)),        # thin-space thousands (Lancet style)
    ("10\u2009746/19\u2009984 (54%)", (10746, 19984, 54.0)),
    ("1184/8425 (14%)", (1184, 8425, 14.0)),
    ("2\u00a0825/19\u00a0163 (15%)", (2825, 19163, 15.0)),
    ("6.6% (40/1\u2009608)", (40, 1608, 6.6)),
])
def test_counts_whose_thousands_are_spaced(text, numbers):
    value, _ = parse_cell(text)
    assert value is not None and (value.count, value.total, value.b) == numbers


@pytest.mark.parametrize("text", ["12 345", "2 (1-3)", "1 122 (5)"])
def test_spaced_digits_outside_a_count_are_not_joined(text):
    value, _ = parse_cell(text)
    assert value is None or value.form != "number" or value.a != 12345


def test_an_interval_whose_bounds_are_joined_by_a_minus_sign():
    value, _ = parse_cell("7.9 (6.6\u221210.2)")
    assert (value.form, value.a, value.lo, value.hi) == ("interval", 7.9, 6.6, 10.2)


@pytest.mark.parametrize(("text", "numbers"), [
    ("3.03 ± 1.59 (33)", (3.03, 1.59, 33)), ("2.7 ± 0.4 (n = 12)", (2.7, 0.4, 12)), ("4.99 ± 0.88", (4.99, 0.88, None))])
def test_mean_sd_and_n_in_one_cell(text, numbers):
    value, _ = parse_cell(text)
    assert value.form == "pm" and (value.a, value.b, value.total) == numbers


def test_an_arrow_before_a_change_is_its_sign():
    assert parse_cell("↓ 13.72")[0].a == -13.72
    assert parse_cell("↑ 6.0")[0].a == 6.0


@pytest.mark.parametrize(("text", "numbers"), [
    ("8.6 ± 2 (70 ± 22)", (8.6, 2.0)),  # HbA1c in % and, in brackets, in mmol/mol: the first unit's pair
    ("7 ± 1.2 [53 ± 13]*", (7.0, 1.2)),
    ("13.5±4.", (13.5, 4.0)),  # a stray full stop after the SD
])
def test_a_mean_sd_written_twice_or_with_a_stray_stop(text, numbers):
    value, _ = parse_cell(text)
    assert value is not None and value.form == "pm" and (value.a, value.b) == numbers


@pytest.mark.parametrize(("text", "numbers"), [("- 0.60 (0.14)a", (-0.60, 0.14)), ("\u2212 1.2 (0.5)", (-1.2, 0.5))])
def test_a_minus_sign_set_off_by_a_space_before_the_first_number(text, numbers):
    value, _ = parse_cell(text)
    assert value is not None and value.form == "paren" and (value.a, value.b) == numbers
    assert parse_cell("-")[0] is None and parse_cell("- ")[0] is None


@pytest.mark.parametrize(("text", "numbers"), [
    ("0.233 ± 0.050 m/s", (0.233, 0.050)), ("61.27 ± 9.16 s", (61.27, 9.16)), ("80.77 ± 18.33 m", (80.77, 18.33)),
    ("12.1 ± 3.4 mg/dL", (12.1, 3.4)), ("5.2 ± 1.1 %", (5.2, 1.1))])
def test_a_mean_sd_with_its_unit_after_it(text, numbers):
    value, _ = parse_cell(text)
    assert value is not None and value.form == "pm" and (value.a, value.b) == numbers


def test_an_interval_whose_bounds_carry_percent_signs():
    value, _ = parse_cell("70% (59% to 81%)")
    assert (value.form, value.a, value.lo, value.hi) == ("interval", 70.0, 59.0, 81.0)


@pytest.mark.parametrize(("text", "form", "numbers"), [
    ("150.1(16.1)p = 0.034", "paren", (150.1, 16.1)), ("88.0 (7.6) p = 0.014", "paren", (88.0, 7.6)),
    ("12.5 ± 3.1 (p < 0.05)", "pm", (12.5, 3.1))])
def test_a_p_value_written_after_the_values_in_their_cell(text, form, numbers):
    value, _ = parse_cell(text)
    assert value is not None and (value.form, value.a, value.b) == (form, *numbers)
    assert parse_cell("p = 0.034")[0].form == "p"


def test_an_n_then_a_mean_sd_in_one_cell():
    value, _ = parse_cell("206; 35.65 (11.85)")  # under "n; mean (SD)"
    assert (value.form, value.a, value.b, value.total) == ("paren", 35.65, 11.85, 206)


@pytest.mark.parametrize(("text", "numbers"), [
    ("Mean = 4.00 [sd = 2.04]", (4.0, 2.04)), ("M = 12.5, SD = 3.1", (12.5, 3.1)), ("mean 3.2 (SD 1.1)", (3.2, 1.1))])
def test_a_mean_and_sd_each_named_in_the_cell(text, numbers):
    value, _ = parse_cell(text)
    assert value is not None and value.form == "pm" and (value.a, value.b) == numbers


def test_a_count_of_a_total_in_brackets_alone_is_a_fraction():
    value, _ = parse_cell("(10/15)")
    assert (value.form, value.count, value.total) == ("fraction", 10, 15)


@pytest.mark.parametrize("text", ["0/0 (0%)", "0/0 (0)"])
def test_none_of_no_one_with_its_percentage_is_a_count_of_zero(text):
    # "0/0 (0%)": an arm with no one to count (no seronegatives left to convert), written as a count of a total
    value, _ = parse_cell(text)
    assert value is not None and (value.form, value.count, value.total, value.b) == ("count_of", 0, 0, 0.0)
    assert parse_cell("0/0")[0] is None  # (a bare "0/0" may be two counts)
