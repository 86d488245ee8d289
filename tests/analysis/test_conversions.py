"""analysis.conversions: metafor conv.wald / conv.fivenum references and Cochrane Handbook formulas."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from analysis.conversions import (combine_arms, conv_wald, impute_r, mean_sd_from_fivenum, sd_change,
                                  sd_from_ci, sd_from_p_value, sd_from_se)
from analysis.errors import InputError

REF = json.loads((Path(__file__).parents[1] / "reference" / "escalc_reference.json").read_text("utf-8"))
RTOL, ATOL = 1e-10, 1e-12
WALD = REF["conv_wald"]["cases"]


def _nan(xs):
    return np.array([np.nan if x is None else x for x in xs], dtype=float)


@pytest.mark.parametrize("case", WALD, ids=[c["id"] for c in WALD])
def test_conv_wald_recovers_metafor_vi(case):
    yi, vi = conv_wald(out=case.get("out"), ci_lb=case.get("ci_lb"), ci_ub=case.get("ci_ub"),
                       zval=case.get("zval"), pval=case.get("pval"), level=case["level"], transf=case["transf"])
    assert_allclose(yi, case["yi"], rtol=RTOL, atol=ATOL)
    assert_allclose(vi, case["vi"], rtol=RTOL, atol=ATOL)


def test_conv_wald_ci_takes_precedence_and_falls_back_to_p():
    yi, vi = conv_wald(out=[0.5, 0.5], ci_lb=[0.1, np.nan], ci_ub=[0.9, np.nan], pval=[0.2, 0.05])
    z = stats.norm.isf(0.025)  # 1.95996...
    assert_allclose(vi, [(0.8 / (2 * z)) ** 2, (0.5 / stats.norm.isf(0.025)) ** 2])
    _, vi_callable = conv_wald(out=[2.0], ci_lb=[1.0], ci_ub=[4.0], transf=np.log)
    _, vi_log = conv_wald(out=[2.0], ci_lb=[1.0], ci_ub=[4.0], transf="log")
    assert_allclose(vi_callable, vi_log)


@pytest.mark.parametrize("kw, pattern", [
    (dict(out=[1.0], pval=[1.5]), r"pval must be between 0 and 1; row 1 has 1.5"),
    (dict(out=[1.0], ci_lb=[2.0], ci_ub=[1.0]), r"ci_ub must be >= ci_lb; row 1"),
    (dict(out=[1.0], ci_lb=[1.0]), r"both ci_lb and ci_ub"),
    (dict(out=[1.0], ci_lb=[0.5], ci_ub=[2.0], transf="sqrt"), r"transf must be one of none, log"),
    (dict(out=[-1.0], ci_lb=[0.5], ci_ub=[2.0], transf="log"), r"out must be > 0 with transf='log'"),
])
def test_conv_wald_validation(kw, pattern):
    with pytest.raises(InputError, match=pattern):
        conv_wald(**kw)


def test_fivenum_matches_reference():
    f = REF["conv_fivenum"]
    inp = {k: _nan(v) for k, v in f["inputs"].items()}
    means, sds = mean_sd_from_fivenum(inp["min"], inp["q1"], inp["median"], inp["q3"], inp["max"], n=inp["n"])
    assert_allclose(means, _nan(f["mean"]), rtol=RTOL, atol=ATOL, equal_nan=True)
    assert_allclose(sds, _nan(f["sd"]), rtol=RTOL, atol=ATOL, equal_nan=True)
    assert np.isnan(means).any() and np.isfinite(means).sum() >= 6  # skewed and n < 5 rows give NaN


def test_fivenum_without_test_and_cases():
    m, s = mean_sd_from_fivenum(min=[2], median=[4], max=[17], n=[20], test=False)
    w = 4 / (4 + 20**0.75)
    assert_allclose(m, w * 19 / 2 + (1 - w) * 4)
    assert_allclose(s, 15 / (2 * stats.norm.ppf((20 - 0.375) / 20.25)))
    m, s = mean_sd_from_fivenum(q1=[None], median=[5], q3=[None], n=[30])  # median only: not estimable
    assert np.isnan(m).all() and np.isnan(s).all()


def test_fivenum_validation():
    with pytest.raises(InputError, match=r"min <= q1 <= median <= q3 <= max must hold; row 2"):
        mean_sd_from_fivenum(min=[1, 5], median=[2, 3], max=[3, 9], n=[10, 10])
    with pytest.raises(InputError, match="needs n"):
        mean_sd_from_fivenum(min=[1], median=[2], max=[3])


def test_sd_from_se_and_ci_handbook_examples():
    assert_allclose(sd_from_se([0.5], [25]), [2.5])
    # Handbook 6.5.2.2: n >= 60 uses 3.92; n = 25 uses 2 * t_{0.975, 24} = 4.128
    assert_allclose(sd_from_ci([10.0], [13.92], [100]), [10 * 3.92 / (2 * stats.norm.ppf(0.975))])
    assert_allclose(sd_from_ci([10.0], [14.0], [25]), [5 * 4.0 / (2 * stats.t.ppf(0.975, 24))])
    assert_allclose(sd_from_ci([10.0], [14.0], [25], dist="z"), [5 * 4.0 / (2 * stats.norm.ppf(0.975))])
    assert_allclose(sd_from_ci([10.0], [14.0], [100], dist="t", level=90), [10 * 4.0 / (2 * stats.t.ppf(0.95, 99))])
    with pytest.raises(InputError, match=r"upper must be >= lower; row 1"):
        sd_from_ci([3.0], [1.0], [20])
    with pytest.raises(InputError, match=r"dist must be"):
        sd_from_ci([1.0], [3.0], [20], dist="normal")
    with pytest.raises(InputError, match=r"n must be > 0; row 2 has -5"):
        sd_from_se([1.0, 1.0], [10, -5])


def test_sd_from_p_value_roundtrip():
    n1, n2, sd, md = 25, 22, 4.0, 2.5
    se = sd * np.sqrt(1 / n1 + 1 / n2)
    p = 2 * stats.t.sf(md / se, n1 + n2 - 2)
    assert_allclose(sd_from_p_value(p, md, n1, n2), [sd], rtol=1e-10)
    assert_allclose(sd_from_p_value(p / 2, -md, n1, n2, two_sided=False), [sd], rtol=1e-10)
    with pytest.raises(InputError, match=r"p must be strictly between 0 and 1"):
        sd_from_p_value(0.0, 1.0, 10, 10)


def test_sd_change_impute_r_and_combine_arms():
    assert_allclose(sd_change(4.0, 3.0, 0.5), [np.sqrt(16 + 9 - 12)])
    assert_allclose(impute_r(4.0, 3.0, np.sqrt(13)), [0.5])
    with pytest.raises(InputError, match=r"r must be between -1 and 1; row 1 has 1.5"):
        sd_change(1.0, 1.0, 1.5)
    with pytest.raises(InputError, match=r"inconsistent"):
        impute_r(1.0, 1.0, 5.0)
    # merging against the SD of the pooled raw data
    rng = np.random.default_rng(1)
    x, y = rng.normal(3, 2, 17), rng.normal(5, 1, 23)
    n, m, s = combine_arms(17, x.mean(), x.std(ddof=1), 23, y.mean(), y.std(ddof=1))
    z = np.concatenate([x, y])
    assert_allclose([n[0], m[0], s[0]], [40, z.mean(), z.std(ddof=1)], rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(sb=st.floats(0.1, 50), sf=st.floats(0.1, 50), r=st.floats(-1, 1))
def test_sd_change_and_impute_r_are_inverse(sb, sf, r):
    sc = sd_change(sb, sf, r)
    if sc[0] > 1e-3 * (sb + sf):
        assert_allclose(impute_r(sb, sf, sc), [r], atol=1e-7)


@settings(max_examples=60, deadline=None)
@given(est=st.floats(-5, 5), se=st.floats(0.01, 5))
def test_conv_wald_recovers_se_from_ci(est, se):
    z = stats.norm.isf(0.025)
    _, vi = conv_wald(out=[est], ci_lb=[est - z * se], ci_ub=[est + z * se])
    assert_allclose(vi, [se**2], rtol=1e-9)
