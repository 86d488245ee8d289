"""Spelling-family tests for extract.estimates: between-group estimates, counts of people, numbers."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import fastre
from extract.estimates import NAMED_RE, NUMBER_RE, UNNAMED_RE, find_counts, find_effects, find_numbers
from tests.extract.helpers import rows, run


def _effects(text):
    out = find_effects(text)
    for e in out:
        assert text[e.start:e.end] == e.text
    return [(e.kind, e.value, e.ci_low, e.ci_high) for e in out]


@pytest.mark.parametrize("text, expected", [
    ("odds ratio 0.88, 95% CI 0.76-1.03", ("OR", 0.88, 0.76, 1.03)),
    ("adjusted odds ratio [aOR] 0·88, 95% CI 0·76–1·03, p=0·11", ("OR", 0.88, 0.76, 1.03)),
    ("aOR 0·73, 0·53–0·99", ("OR", 0.73, 0.53, 0.99)),
    ("OR = 2.1; 95% CI, 1.2-3.4.", ("OR", 2.1, 1.2, 3.4)),
    ("odds ratio (OR) 0.5 (95% CI 0.3 to 0.8)", ("OR", 0.5, 0.3, 0.8)),
    ("hazard ratio 0.92 (95% confidence interval 0.77 to 1.10)", ("HR", 0.92, 0.77, 1.1)),
    ("HR: 0.68; 95% CI: 0.38 to 1.22", ("HR", 0.68, 0.38, 1.22)),
    ("hr: 0.68; 95% ci: 0.38 to 1.22", ("HR", 0.68, 0.38, 1.22)),
    ("HRper SD 1.21 [95% CI 1.02, 1.44]", ("HR", 1.21, 1.02, 1.44)),
    ("risk ratio [RR]: 0.74, 95% CI: 0.60–0.91", ("RR", 0.74, 0.6, 0.91)),
    ("relative risk 0.41 (0.19–0.85)", ("RR", 0.41, 0.19, 0.85)),
    ("RR, 0.74; 95% CI, 0.60 to 0.91.", ("RR", 0.74, 0.6, 0.91)),
    ("incidence rate ratio 1.3 (1.1-1.6)", ("IRR", 1.3, 1.1, 1.6)),
    ("mean difference −0.5, 95% CI −11.2 to 10.2", ("MD", -0.5, -11.2, 10.2)),
    ("MD -1.2 (95% CI -1.9 to -0.5)", ("MD", -1.2, -1.9, -0.5)),
    ("standardised mean difference 0.45 (0.2 to 0.7)", ("SMD", 0.45, 0.2, 0.7)),
    ("SMD -0.5 (95% CI -0.8 to -0.2)", ("SMD", -0.5, -0.8, -0.2)),
    ("Cohen's d = 0.8", ("SMD", 0.8, None, None)),
    ("partial η2 = 0.55", ("eta2", 0.55, None, None)),
    ("eta squared 0.12", ("eta2", 0.12, None, None)),
    ("ES = 0.33", ("ES", 0.33, None, None)),
    ("effect size of 0.82", ("ES", 0.82, None, None)),
    ("odds ratio 1.36 (CI95% 1.17-1.59)", ("OR", 1.36, 1.17, 1.59)),
    ("absolute risk reduction (ARR): 4.5%, 95% CI: 1.4–7.6", ("ARR", 4.5, 1.4, 7.6)),
])
def test_named_estimates_with_their_ci(text, expected):
    assert _effects(text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("a net CRP lowering of 32% (95% CI −40%, −22%) compared with placebo", ("net change", -32.0, -40.0, -22.0)),
    ("a net reduction of 1.2 points", ("net change", -1.2, None, None)),
    ("a net increase in HDL of 4%", ("net change", 4.0, None, None)),
])
def test_net_changes_are_signed(text, expected):
    assert _effects(text) == [expected]


def test_unnamed_estimates_need_a_labelled_ci():
    assert _effects("(0.62, 95% CI: 0.43–0.89, P = 0.010)") == [("estimate", 0.62, 0.43, 0.89)]
    assert _effects("(−7.0 mm, 95% confidence interval (CI) [−20.7 to +6.7])") == [("estimate", -7.0, -20.7, 6.7)]
    assert _effects("(41.9 g, 95% CI: 0.2–83.6)")[0][:2] == ("estimate", 41.9)
    assert _effects("was 5.2 (4.1-6.3) in the MSC group") == []  # a mean with its range, not an estimate


def test_a_percentage_with_its_ci_is_an_arm_value_not_an_estimate():
    assert _effects("was 3.1 % (95 % CI 1.7–5.1 %) after carbetocin") == []


def test_a_name_heading_a_list_of_values_with_intervals():
    text = ("The mean difference between treatment arms (95% confidence interval [CI]) was 1.9 (0.7 to 3.2), "
            "6.5 (2.5 to 10.5), 0.6 (0.2 to 0.9), and 0.9 (0.3 to 1.4), respectively.")
    assert _effects(text) == [("MD", 1.9, 0.7, 3.2), ("MD", 6.5, 2.5, 10.5), ("MD", 0.6, 0.2, 0.9),
                              ("MD", 0.9, 0.3, 1.4)]


def test_a_ci_that_does_not_hold_the_estimate_is_dropped():
    assert _effects("OR 2.5 (0.3-0.9)") == [("OR", 2.5, None, None)]


def test_a_second_ratio_after_vs():
    assert _effects("(HR 0.61 vs 0.50)") == [("HR", 0.61, None, None), ("HR", 0.5, None, None)]


@pytest.mark.parametrize("text", [
    "patients or controls were 5 times more likely",       # "or" is not an odds ratio
    "the HR group had 12 patients",                         # not followed by a value
    "blood pressure fell by 12 mmHg",
    "effect on pain in the 12 patients",
])
def test_prose_is_not_an_estimate(text):
    assert _effects(text) == []


@pytest.mark.parametrize("text, expected", [
    ("12 [43%] patients", [(12, 43.0, "patients")]),
    ("three [11%] patients", [(3, 11.0, "patients")]),
    ("in two subjects", [(2, None, "subjects")]),
    ("Four patients met ACR20", [(4, None, "patients")]),
    ("in 4 patients (22.2%)", [(4, 22.2, "patients")]),
    ("Seventeen participants", [(17, None, "participants")]),
])
def test_counts_of_people_in_digits_and_words(text, expected):
    got = find_counts(text)
    for c in got:
        assert text[c.start:c.end] == c.text
    assert [(c.n, c.percent, c.noun) for c in got] == expected


def test_numbers_with_units():
    got = [(n.value, n.unit) for n in find_numbers("CRP was 4.8 ng/mL and -5.2 vs. -3.3, 101 feet, IL-6 and DAS28")]
    assert got == [(4.8, "ng/mL"), (-5.2, None), (-3.3, None), (101.0, "feet")]


def test_the_scans_start_fast():
    for pattern in (NAMED_RE, UNNAMED_RE, NUMBER_RE):
        assert fastre.has_fast_start(pattern), pattern.pattern[:60]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789.,-−±()[]%; :=ORHCIabcdeηβ ") + [
    "OR ", "95% CI ", "hazard ratio ", "mean difference ", " vs ", "patients", "three ", "net reduction of "]),
    max_size=40).map("".join))
def test_no_input_breaks_the_finders(text):
    for e in find_effects(text):
        assert text[e.start:e.end] == e.text
        assert e.ci_low is None or e.ci_low <= e.value <= e.ci_high
    for c in find_counts(text):
        assert text[c.start:c.end] == c.text
    for n in find_numbers(text):
        assert text[n.start:n.end] == n.text


@pytest.mark.parametrize("text, kind, value, lo, hi", [
    ("The relative risk of adverse events was 1.12 (0.85 to 1.48).", "RR", 1.12, 0.85, 1.48),
    ("The odds ratio for ACR20 response was 2.5 (95% CI 1.2-5.1).", "OR", 2.5, 1.2, 5.1),
])
def test_the_measure_between_an_estimates_name_and_its_value(text, kind, value, lo, hi):
    assert [(e.kind, e.value, e.ci_low, e.ci_high) for e in find_effects(text)] == [(kind, value, lo, hi)]


def test_relative_risk_of_a_measure_gives_the_rows_effect():
    ev = run("Results: The relative risk of adverse events was 1.12 (0.85 to 1.48).")
    assert [(o.effect_kind, o.effect_size, o.median) for o in ev.outcomes] == [("RR", 1.12, None)]


@pytest.mark.parametrize("text, kind, value, lo, hi", [
    ("in-hospital death (relative risk, 95% CI 4.10, 1.32-12.75, p = 0.015)", "RR", 4.1, 1.32, 12.75),
    ("death (HR, 95% CI: 1.52, 1.10-2.05)", "HR", 1.52, 1.1, 2.05),
])
def test_the_ci_label_between_the_name_and_the_value(text, kind, value, lo, hi):
    # "95% CI" written before the estimate: its 95 is the CI's level, not the estimate
    assert [(e.kind, e.value, e.ci_low, e.ci_high) for e in find_effects(text)] == [(kind, value, lo, hi)]


@pytest.mark.parametrize("text, kind, value, lo, hi", [
    ("(odds ratio 2.75, 95% IC 1.2-4.3, P < 0.0001)", "OR", 2.75, 1.2, 4.3),
    ("a difference of 0.34 (95% IC: -0.33 to 1.02)", "estimate", 0.34, -0.33, 1.02),
    ("0.34 (95% C.I. -0.33 to 1.02)", "estimate", 0.34, -0.33, 1.02),
])
def test_the_ci_spelled_ic_or_with_stops(text, kind, value, lo, hi):
    # "95% IC" (intervalle/intervalo de confianza) and "95% C.I." are the CI's label
    assert [(e.kind, e.value, e.ci_low, e.ci_high) for e in find_effects(text)] == [(kind, value, lo, hi)]


def test_a_value_with_an_ic_labelled_interval_is_not_three_values():
    ev = run("Methods: Sixty patients were randomised to MSC (n = 30) or placebo (n = 30). Results: The DAS28 fell by "
             "1.2 (95% IC 0.8 to 1.6) in the MSC group.")
    got = [(o.change_mean, o.effect_ci_low, o.effect_ci_high) for o in rows(ev, "DAS28")]
    assert got == [(-1.2, 0.8, 1.6)]


def test_a_code_of_digits_and_letters_is_no_number():
    # "estrogen receptors (1D5)", "3T3 cells": a clone's or a cell line's name, not the value 1 or 3
    assert [n.text for n in find_numbers("receptors (1D5) in 3T3 cells fell to 4.8 ng/mL")] == ["4.8 ng/mL"]


@pytest.mark.parametrize("text, expected", [
    ("medium effect (d = 0.63)", ("SMD", 0.63, None, None)),
    ("a large effect (d=0.76)", ("SMD", 0.76, None, None)),
    ("(Hedges g = 0.41)", ("SMD", 0.41, None, None)),
])
def test_a_bare_d_before_equals_is_cohens_d(text, expected):
    assert _effects(text) == [expected]


@pytest.mark.parametrize("text", [
    "the effect of inhaled β2 agonist use (12.2 ± 4.4 days versus 7.6 ± 1.9 days)",
    "serum β2-microglobulin 2.1 mg/L",
    "β1 blockade in 12 patients",
])
def test_a_beta_with_a_digit_is_a_name_not_a_coefficient(text):
    # "salbutamol, an inhaled β2 agonist, is associated with ...": β2 is a receptor, not β = 2
    assert _effects(text) == []


@pytest.mark.parametrize("text, expected", [
    ("reported in 4 and 2 patients, respectively", [4, 2]),
    ("in 12, 9 and 3 patients", [12, 9, 3]),
    ("occurred in 5 vs. 7 subjects", [5, 7]),
])
def test_numbers_listed_before_one_person_noun_are_counts_of_it(text, expected):
    # "4 and 2 patients": the noun written once, after the last number of the list, counts each
    assert [c.n for c in find_counts(text)] == expected


@pytest.mark.parametrize("text", ["at weeks 12 and 24 patients improved", "between 10 and 20 patients",
                                  "scores of 1.5 and 2 patients"])
def test_times_ranges_and_decimals_before_a_count_are_no_counts(text):
    assert len(find_counts(text)) <= 1


@pytest.mark.parametrize("text, expected", [
    ("was 45% vs 29% (difference 16%, 95% CI 7 to 25).", (16.0, 7.0, 25.0)),
    ("(difference, 16%; 95% CI, 7% to 25%)", (16.0, 7.0, 25.0)),
    ("a difference of −8.5% (95% CI −14.0 to −3.0)", (-8.5, -14.0, -3.0)),
])
def test_a_percentage_named_a_difference_with_its_ci_is_an_estimate(text, expected):
    # an arm's percentage with its CI ("3.1% (95% CI 1.7–5.1%)") is no estimate, but a percentage the text
    # calls the difference is the arms' difference
    assert [(e.value, e.ci_low, e.ci_high) for e in find_effects(text)] == [expected]
