"""Vote counting and combining P values (Cochrane Handbook v6, chapter 12)."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy import stats

from analysis.votes import WEAKER, combine_p, parse_direction, parse_p, vote_count
from analysis.errors import AnalysisError, InputError


@pytest.mark.parametrize("text,expected", [
    ("<0.05", (0.05, True)), ("= 0.0159", (0.0159, False)), (".0159", (0.0159, False)),
    ("P<0.001", (0.001, True)), ("p = 0.03", (0.03, False)), ("p\u22640.01", (0.01, True)),
    ("P = 0\u00b703", (0.03, False)), ("p<=0.2", (0.2, True)), ("<.001", (0.001, True)),
    ("0.05", (0.05, False)), ("1e-4", (1e-4, False)), ("p < 10^-4", (1e-4, True)),
    ("2.1 x 10^-5", (2.1e-5, False)), ("P = 0.000", (0.0005, True)), ("0,04", (0.04, False)),
    (0.2, (0.2, False)), (1, (1.0, False)), ("p-value: 0.2", (0.2, False)),
])
def test_parse_p(text, expected):
    value, bound = parse_p(text)
    assert value == pytest.approx(expected[0], rel=1e-12)
    assert bound is expected[1]


@pytest.mark.parametrize("text", ["NS", "ns", "n.s.", "not significant", "> 0.05", "P>0.1", None, float("nan"), ""])
def test_parse_p_without_a_usable_value(text):
    assert parse_p(text) is None


@pytest.mark.parametrize("text", ["abc", "p", "1.5", "=0", "-0.01", "p<2"])
def test_parse_p_rejects(text):
    with pytest.raises(InputError):
        parse_p(text)


def test_directions():
    assert [parse_direction(d) for d in ["Benefit", "harm", "no change", "+", "-", 2, -0.5, 0]] == [1, -1, 0, 1, -1, 1, -1, 0]
    with pytest.raises(InputError, match="direction"):
        parse_direction("sideways")
    with pytest.raises(InputError):
        parse_direction(True)


@pytest.mark.parametrize("nb,nh", [(8, 2), (2, 8), (5, 5), (10, 0), (1, 0), (12, 7), (0, 3)])
def test_sign_test_matches_scipy_binomtest(nb, nh):
    res = vote_count(["benefit"] * nb + ["harm"] * nh + ["no change"] * 3)
    assert (res.n_benefit, res.n_harm, res.n_no_change, res.n) == (nb, nh, 3, nb + nh)
    assert res.p_value == pytest.approx(stats.binomtest(nb, nb + nh, 0.5).pvalue, rel=1e-12)
    assert res.proportion == pytest.approx(nb / (nb + nh))


def test_wilson_interval_by_hand():
    res = vote_count([1] * 8 + [-1] * 2)
    z = stats.norm.isf(0.025)
    n, p = 10, 0.8
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (res.ci_low, res.ci_high) == pytest.approx((centre - half, centre + half), rel=1e-12)
    ci = stats.binomtest(8, 10).proportion_ci(method="wilson")
    assert (res.ci_low, res.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert "Wilson" in res.ci_method
    assert res.label == WEAKER and WEAKER in res.caveat
    json.dumps(res.to_dict())
    assert len(res.to_frame()) == 1


def test_vote_count_needs_a_direction():
    with pytest.raises(AnalysisError, match="at least 1 study"):
        vote_count(["no change", "no change"])
    with pytest.raises(InputError):
        vote_count(["benefit", "unknown-word"])


P_TEXT = ["<0.05", "= 0.0159", ".2", "P<0.001"]
DIRS = ["benefit", "benefit", "harm", "benefit"]
P_USED = np.array([0.05, 0.0159, 0.2, 0.001])
SIGN = np.array([1, 1, -1, 1])


def test_stouffer_by_hand():
    res = combine_p(P_TEXT, DIRS)
    z = SIGN * stats.norm.ppf(1 - P_USED / 2)
    Z = z.sum() / math.sqrt(4)
    assert res.statistic == pytest.approx(Z, rel=1e-12)
    assert res.p_value == pytest.approx(1 - stats.norm.cdf(Z), rel=1e-9)
    assert list(res.is_bound) == [True, False, False, True] and res.n_bounds == 2
    assert WEAKER in res.caveat and "conservatively" in res.caveat
    json.dumps(res.to_dict())


def test_weighted_stouffer_by_hand():
    n = np.array([40, 100, 64, 250])
    res = combine_p(P_TEXT, DIRS, ni=n)
    w = np.sqrt(n)
    z = SIGN * stats.norm.ppf(1 - P_USED / 2)
    assert res.statistic == pytest.approx(np.sum(w * z) / math.sqrt(np.sum(w ** 2)), rel=1e-12)
    same = combine_p(P_TEXT, DIRS, weights=w)
    assert same.statistic == pytest.approx(res.statistic, rel=1e-14)


def test_fisher_by_hand():
    res = combine_p(P_TEXT, DIRS, method="fisher")
    one = np.where(SIGN > 0, P_USED / 2, 1 - P_USED / 2)
    x = -2 * np.sum(np.log(one))
    assert res.statistic == pytest.approx(x, rel=1e-12)
    assert res.df == 8
    assert res.p_value == pytest.approx(stats.chi2.sf(x, 8), rel=1e-12)
    np.testing.assert_allclose(res.p_one_sided, one)


def test_bounds_options():
    excl = combine_p(P_TEXT, DIRS, bounds="exclude")
    assert excl.k == 2 and excl.excluded == 2 and "excluded" in excl.caveat
    with pytest.raises(InputError, match="bound"):
        combine_p(P_TEXT, DIRS, bounds="error")
    with pytest.raises(AnalysisError, match="no study left"):
        combine_p(["<0.05"], ["benefit"], bounds="exclude")
    exact = combine_p([0.03, 0.2], ["benefit", "harm"])
    assert exact.n_bounds == 0 and "conservatively" not in exact.caveat


def test_combine_p_errors():
    with pytest.raises(InputError, match="no usable P value"):
        combine_p(["NS", "0.01"], ["benefit", "benefit"])
    with pytest.raises(InputError, match="no direction"):
        combine_p(["0.03", "0.01"], ["no change", "benefit"])
    with pytest.raises(InputError, match="one direction per P value"):
        combine_p(["0.03"], ["benefit", "harm"])
    with pytest.raises(InputError, match="method"):
        combine_p(["0.03"], ["benefit"], method="tippett")
    with pytest.raises(InputError, match="Fisher"):
        combine_p(["0.03"], ["benefit"], method="fisher", ni=[10])
    with pytest.raises(InputError, match="weights"):
        combine_p(["0.03", "0.2"], ["benefit", "harm"], weights=[1.0, -1.0])
    with pytest.raises(InputError, match="bounds"):
        combine_p(["0.03"], ["benefit"], bounds="maybe")


@given(st.text(max_size=20))
def test_parse_p_never_crashes(text):
    try:
        out = parse_p(text)
    except InputError:
        return
    assert out is None or (0 < out[0] <= 1 and isinstance(out[1], bool))
