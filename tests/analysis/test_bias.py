"""Regression test and trim-and-fill against metafor (tests/reference/bias_sensitivity_reference.R)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.bias import MIN_K_REGTEST, MIN_K_TRIMFILL, regtest, trimfill
from analysis.errors import AnalysisError, InputError

REF = json.loads((Path(__file__).parents[1] / "reference" / "bias_sensitivity_reference.json").read_text("utf-8"))
RTOL = 1e-6
ATOL = 1e-10
DATA = {name: (np.array(REF[name]["yi"]), np.array(REF[name]["vi"])) for name in ("bcg", "hackshaw")}


def close(actual, expected) -> None:
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("key", sorted(REF["regtest"]))
def test_regtest_matches_metafor(key):
    ref = REF["regtest"][key]
    y, v = DATA[key.split("_")[0]]
    res = regtest(y, v, method=ref["method"], test=ref["test"], predictor=ref["predictor"])
    close(res.stat, ref["stat"])
    close(res.p_value, ref["pval"])
    close(res.slope, ref["slope"])
    close(res.tau2, ref["tau2"])
    close([res.limit_estimate, res.limit_ci_low, res.limit_ci_high], [ref["est"], ref["ci_lb"], ref["ci_ub"]])
    assert res.dfs == ref["ddf"]
    d = res.to_dict()
    json.dumps(d)
    assert len(res.to_frame()) == 1


def test_regtest_sample_size_predictors():
    y, v = DATA["bcg"]
    ni = np.arange(100, 100 + 13 * 37, 37, dtype=float)
    res = regtest(y, v, predictor="ni", ni=ni)
    assert res.limit_estimate is None
    assert regtest(y, v, predictor="sqrtninv", ni=ni).limit_estimate is not None
    with pytest.raises(InputError, match="ni"):
        regtest(y, v, predictor="ninv")


def test_regtest_notes_few_studies():
    y, v = DATA["bcg"]
    assert regtest(y[:5], v[:5]).warnings
    assert regtest(y, v).warnings == ()   # 13 studies: no low-power note


def test_regtest_errors():
    y, v = DATA["hackshaw"]
    with pytest.raises(AnalysisError, match=f"at least {MIN_K_REGTEST}"):
        regtest(y[:2], v[:2])
    with pytest.raises(InputError, match="predictor"):
        regtest(y, v, predictor="n")
    with pytest.raises(AnalysisError, match="vary"):
        regtest([0.1, 0.3, 0.2, 0.5], [0.04] * 4)


@pytest.mark.parametrize("key", sorted(REF["trimfill"]))
def test_trimfill_matches_metafor(key):
    ref = REF["trimfill"][key]
    y, v = DATA[key.split("_")[0]]
    if "mirror" in key:
        y = -y
    res = trimfill(y, v, method=ref["method"], estimator=ref["estimator"], side=ref["side_arg"])
    assert res.side == ref["side"]
    assert res.k0 == ref["k0"]
    close(res.se_k0, ref["se_k0"])
    if ref["p_k0"] is None:
        assert res.p_k0 is None
    else:
        close(res.p_k0, ref["p_k0"])
    r = res.result
    assert r.k == ref["k"]
    close([r.estimate, r.se, r.ci_low, r.ci_high, r.p_value, r.tau2, r.q],
          [ref["estimate"], ref["se"], ref["ci_lb"], ref["ci_ub"], ref["pval"], ref["tau2"], ref["Q"]])
    close(res.yi, ref["yi"])
    close(res.vi, ref["vi"])
    assert list(res.filled) == ref["fill"]
    json.dumps(res.to_dict())
    assert len(res.to_frame()) == ref["k"]


def test_trimfill_hackshaw_fills_left_and_mirror_fills_right():
    # dat.hackshaw1998 is asymmetric with missing small studies on the left; mirrored data on the right
    y, v = DATA["hackshaw"]
    left = trimfill(y, v)
    right = trimfill(-y, v)
    assert (left.side, right.side) == ("left", "right")
    assert left.k0 == right.k0 == 7
    assert right.result.estimate == pytest.approx(-left.result.estimate, rel=1e-9)
    assert left.labels[-1] == "Filled 7" and left.original.k == 37
    assert left.iterations >= 2


def test_trimfill_no_fill_returns_original():
    y, v = DATA["hackshaw"]
    res = trimfill(y, v, side="right")
    assert res.k0 == 0 and res.result is res.original and not res.filled.any()


def test_trimfill_errors():
    y, v = DATA["hackshaw"]
    with pytest.raises(AnalysisError, match=f"at least {MIN_K_TRIMFILL}"):
        trimfill(y[:2], v[:2])
    with pytest.raises(InputError, match="estimator"):
        trimfill(y, v, estimator="L1")
    with pytest.raises(InputError, match="side"):
        trimfill(y, v, side="up")
    with pytest.raises(AnalysisError, match="side"):
        trimfill([0.1, 0.3, 0.2, 0.5], [0.04] * 4)
    assert trimfill([0.1, 0.3, 0.2, 0.5], [0.04] * 4, side="left").k0 >= 0


def test_trimfill_edge_cases_as_metafor():
    edge = REF["trimfill_edge"]
    ref = edge["nan_se"]["result"]
    res = trimfill(edge["nan_se"]["yi"], edge["nan_se"]["vi"])
    assert (res.k0, res.side) == (ref["k0"], ref["side"])
    assert ref["se_k0"] is None and np.isnan(res.se_k0)      # metafor: se.k0 = NaN (negative var(Sr))
    close(res.result.estimate, ref["estimate"])
    assert res.to_dict()["se_k0"] is None
    assert edge["q0_fails"]["error"] is True                  # metafor stops; we raise AnalysisError
    with pytest.raises(AnalysisError, match="Q0"):
        trimfill(edge["q0_fails"]["yi"], edge["q0_fails"]["vi"], estimator="Q0")
