"""Subgroup analysis and meta-regression against metafor (tests/reference/bias_sensitivity_reference.R)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis.pooling import rma
from analysis.subgroups import meta_regression, subgroup_analysis
from analysis.errors import AnalysisError, InputError

REF = json.loads((Path(__file__).parents[1] / "reference" / "bias_sensitivity_reference.json").read_text("utf-8"))
RTOL = 1e-6
ATOL = 1e-10
BCG = REF["bcg"]
Y, V = np.array(BCG["yi"]), np.array(BCG["vi"])


def close(actual, expected) -> None:
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("key", sorted(REF["subgroups"]))
def test_subgroups_by_allocation_match_metafor(key):
    ref = REF["subgroups"][key]
    res = subgroup_analysis(Y, V, BCG["alloc"], method=ref["method"], test=ref["test"], labels=BCG["labels"])
    assert [g.group for g in res.groups] == [g["group"] for g in ref["groups"]]
    for g, rg in zip(res.groups, ref["groups"]):
        assert g.k == rg["k"]
        r = g.result
        close([r.estimate, r.se, r.ci_low, r.ci_high, r.p_value, r.tau2, r.i2, r.q],
              [rg["estimate"], rg["se"], rg["ci_lb"], rg["ci_ub"], rg["pval"], rg["tau2"], rg["I2"], rg["Q"]])
    close([res.q_between, res.q_between_p], [ref["Q_between"], ref["Q_between_p"]])
    assert res.q_between_df == ref["Q_between_df"] == 2
    close([res.qm, res.qm_p, res.tau2_common], [ref["QM"], ref["QM_p"], ref["tau2_common"]])
    assert [res.qm_df, res.qm_df2] == ref["QM_df"]
    close(res.mixed.beta, ref["beta"])
    close(res.mixed.se_beta, ref["se_beta"])
    assert len(res.to_frame()) == 3
    json.dumps(res.to_dict())


def test_q_between_by_hand():
    res = subgroup_analysis(Y, V, BCG["alloc"])
    est = np.array([g.result.estimate for g in res.groups])
    w = 1 / np.array([g.result.se for g in res.groups]) ** 2
    q = float(np.sum(w * (est - np.sum(w * est) / np.sum(w)) ** 2))
    assert res.q_between == pytest.approx(q, rel=1e-12)
    assert res.q_between_p == pytest.approx(stats.chi2.sf(q, 2), rel=1e-12)
    assert res.i2_between == pytest.approx(max(0, 100 * (q - 2) / q))


def test_single_study_subgroup_is_its_own_estimate():
    groups = ["a"] + ["b"] * 12
    res = subgroup_analysis(Y, V, groups)
    assert res.groups[0].k == 1 and res.groups[0].result.estimate == pytest.approx(Y[0])
    assert any("single study" in w for w in res.warnings)


def test_subgroup_errors():
    with pytest.raises(AnalysisError, match="at least 2 subgroups"):
        subgroup_analysis(Y, V, ["x"] * 13)
    with pytest.raises(InputError, match="one subgroup per study"):
        subgroup_analysis(Y, V, ["x", "y"])
    with pytest.raises(InputError, match="needs a subgroup"):
        subgroup_analysis(Y, V, ["x"] * 12 + [None])


@pytest.mark.parametrize("key", sorted(REF["metareg"]))
def test_meta_regression_on_latitude_matches_metafor(key):
    ref = REF["metareg"][key]
    res = meta_regression(Y, V, BCG["ablat"], method=ref["method"], test=ref["test"], names=["ablat"])
    close(res.beta, ref["beta"])
    close(res.se, ref["se"])
    close(res.ci_low, ref["ci_lb"])
    close(res.ci_high, ref["ci_ub"])
    close(res.p_values, ref["pval"])
    close([res.tau2, res.r2, res.qm, res.qm_p, res.qe], [ref["tau2"], ref["R2"], ref["QM"], ref["QM_p"], ref["QE"]])
    assert res.dfs == ref["ddf"]
    assert res.slope == res.beta[1]
    assert list(res.to_frame()["term"]) == ["intrcpt", "ablat"]
    json.dumps(res.to_dict())


def test_r2_by_hand_and_truncation():
    res = meta_regression(Y, V, BCG["ablat"])
    null = rma(Y, V)
    assert res.tau2_null == pytest.approx(null.tau2)
    assert res.r2 == pytest.approx(100 * (null.tau2 - res.tau2) / null.tau2)
    noise = meta_regression(Y, V, np.sin(np.arange(13.0)))   # a moderator unrelated to the effects
    assert noise.r2 >= 0


def test_meta_regression_errors():
    with pytest.raises(InputError, match="moderator"):
        meta_regression(Y, V, None)
    with pytest.raises(InputError, match="names"):
        meta_regression(Y, V, BCG["ablat"], names=["a", "b"])
