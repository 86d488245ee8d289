"""rma() and MetaResult against metafor's rma.uni / predict / confint (tests/reference/rma_reference.json).

The JSON is written by tests/reference/rma_reference.R (metafor 3.8.1, R 4.2.2); CI has no R and
only reads it.  Tolerances are named: RTOL_METAFOR is the contract with metafor's default output.
The Q-profile CI of tau² is compared with confint(control = list(tol = 1e-12)) ("tau2_ci_precise"),
because metafor's default root tolerance (eps^0.25 ~ 1.2e-4, absolute) is coarse; against the
default confint() output it must agree within that tolerance.
"""
from __future__ import annotations

import json
import math
from dataclasses import FrozenInstanceError
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from analysis.pooling import ESTIMATORS, MetaResult, rma
from analysis.errors import AnalysisError, InputError

REFERENCE = Path(__file__).parent.parent / "reference" / "rma_reference.json"
RTOL_METAFOR = 1e-6                     # agreement with metafor's default output (relative)
ATOL_ZERO = 1e-14                       # absolute slack for quantities that are exactly 0 in metafor
METAFOR_ROOT_TOL = np.finfo(float).eps ** 0.25   # uniroot's default tol used by confint()

REF = json.loads(REFERENCE.read_text("utf-8"))
FITS = REF["fits"]


def _fit_id(fit: dict) -> str:
    mods = fit["mods"]
    mods = "" if mods is None else "-" + "+".join([mods] if isinstance(mods, str) else mods)
    level = "" if fit["level"] == 95 else f"-L{fit['level']}"
    return f"{fit['dataset']}{mods}-{fit['method']}-{fit['test']}{level}"


def _mods(fit: dict):
    if fit["mods"] is None:
        return None
    names = [fit["mods"]] if isinstance(fit["mods"], str) else fit["mods"]
    data = REF["datasets"][fit["dataset"]]["mods"]
    return np.column_stack([data[n] for n in names])


def _fit(fit: dict) -> MetaResult:
    data = REF["datasets"][fit["dataset"]]
    return rma(data["yi"], data["vi"], method=fit["method"], test=fit["test"], level=fit["level"],
               mods=_mods(fit), measure=data["measure"])


def close(actual, expected, rtol: float = RTOL_METAFOR) -> None:
    np.testing.assert_allclose(np.atleast_1d(np.asarray(actual, dtype=float)),
                               np.atleast_1d(np.asarray(expected, dtype=float)), rtol=rtol, atol=ATOL_ZERO)


def test_reference_covers_every_estimator_dataset_and_test():
    assert REF["metafor_version"] and REF["r_version"].startswith("R version")
    assert len(REF["datasets"]) >= 6
    seen = {(f["dataset"], f["method"], f["test"]) for f in FITS if f["mods"] is None}
    for dataset in REF["datasets"]:
        for method in ESTIMATORS:
            for test in ("z", "knha"):
                assert (dataset, method, test) in seen
    assert not [f for f in FITS if "error" in f]


@pytest.mark.parametrize("fit", FITS, ids=[_fit_id(f) for f in FITS])
def test_matches_metafor(fit):
    res = _fit(fit)
    assert res.method == fit["method"] and res.test == fit["test"]
    assert res.k == fit["k"] and res.p == fit["p"]
    close(res.beta, fit["beta"])
    close(res.se_beta, fit["se"])
    close(res.stat, fit["stat"])
    close(res.pval_beta, fit["pval"])
    close(res.ci_lb, fit["ci_lb"])
    close(res.ci_ub, fit["ci_ub"])
    close(res.tau2, fit["tau2"])
    close(res.i2, fit["I2"])
    close(res.h2, fit["H2"])
    close(res.q, fit["QE"])
    close(res.q_p, fit["QEp"])
    assert res.q_df == fit["k"] - fit["p"]
    close(res.weights, fit["weights"])
    assert math.isclose(res.weights.sum(), 100.0, rel_tol=1e-12)
    if fit["test"] == "knha":
        assert res.dfs == fit["dfs"]
    else:
        assert res.dfs is None
    if "se_tau2" in fit:
        close(res.se_tau2, fit["se_tau2"])
    else:
        assert res.se_tau2 is None
    if "iterations" in fit:
        assert res.iterations == fit["iterations"]
    if res.p > 1:
        close(res.qm, fit["QM"])
        close(res.qm_p, fit["QMp"])
        assert res.pi_low is None
    else:
        assert res.qm is None and res.qm_p is None
        if "pi_lb" in fit:
            close([res.pi_low, res.pi_high], [fit["pi_lb"], fit["pi_ub"]])
        else:
            assert res.method == "FE" and res.pi_low is None and res.pi_high is None
    # the Q-profile CI of (residual) tau², with or without moderators
    if "tau2_ci_precise" in fit:
        # a bound beyond metafor's tau2.max = max(100, 10 tau²) is marked ">" by confint(), which
        # reports tau2.max itself; both searches are then widened (metafor: a larger tau2.max)
        widened = ">" in fit["tau2_ci_signs"]
        assert res.tau2_ci_widened is widened
        close([res.tau2_ci_low, res.tau2_ci_high], fit["tau2_ci_wide"][1:])
        if not widened:
            close([res.tau2_ci_low, res.tau2_ci_high], fit["tau2_ci_precise"][1:])
            np.testing.assert_allclose([res.tau2_ci_low, res.tau2_ci_high], fit["tau2_ci"][1:],
                                       rtol=0, atol=METAFOR_ROOT_TOL)
    else:
        assert res.tau2_ci_low is None and res.tau2_ci_high is None


def test_two_studies_tau2_upper_bound_is_found_not_capped():
    """metafor's confint() prints ">100.0000" for k = 2 (its search stops at tau2.max = 100); the
    widened search finds the bound (metafor with control = list(tau2.max = 1000): 246.43)."""
    fit = next(f for f in FITS if f["dataset"] == "bcg_k2" and f["method"] == "REML" and f["test"] == "z")
    assert fit["tau2_ci"][2] == 100 and fit["tau2_ci_signs"] == ["", ">"]
    res = _fit(fit)
    assert res.tau2_ci_widened and res.tau2_ci_high > 100
    close(res.tau2_ci_high, fit["tau2_ci_wide"][2])
    d = res.to_dict()
    assert d["tau2_ci_widened"] is True and d["tau2_ci_high"] == pytest.approx(fit["tau2_ci_wide"][2])
    # the prediction interval metafor's predict() gives for k = 2 is in the result and its dict
    close([d["pi_low"], d["pi_high"]], [fit["pi_lb"], fit["pi_ub"]])


def test_bcg_reml_known_values():
    """metafor's documented BCG example: REML tau² = 0.3132, estimate -0.7145 (Viechtbauer 2010)."""
    data = REF["datasets"]["bcg"]
    res = rma(data["yi"], data["vi"])
    assert round(res.tau2, 4) == 0.3132
    assert round(res.estimate, 4) == -0.7145
    assert res.ci_low < res.estimate < res.ci_high
    assert res.tau2_ci_low < res.tau2 < res.tau2_ci_high


# ---------------------------------------------------------------------------------------------
# result object
# ---------------------------------------------------------------------------------------------

def test_result_is_frozen_and_serialisable():
    data = REF["datasets"]["bcg"]
    res = rma(data["yi"], data["vi"], method="DL", measure="RR", labels=[f"T{i}" for i in range(13)])
    with pytest.raises(FrozenInstanceError):
        res.tau2 = 1.0  # type: ignore[misc]
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    for key in ("method", "measure", "test", "k", "estimate", "se", "ci_low", "ci_high", "p_value",
                "tau2", "tau2_ci_low", "tau2_ci_high", "i2", "h2", "q", "q_df", "q_p", "pi_low",
                "pi_high", "studies"):
        assert key in d
    assert d["measure"] == "RR" and d["method"] == "DL" and len(d["studies"]) == 13
    assert d["studies"][0] == {"study": "T0", "yi": data["yi"][0], "vi": data["vi"][0],
                               "weight": pytest.approx(res.weights[0])}
    assert "beta" not in d
    frame = res.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["study", "yi", "vi", "weight"] and len(frame) == 13
    assert res.estimate == res.beta[0] and res.se == res.se_beta[0] and res.p_value == res.pval_beta[0]


def test_meta_regression_to_dict_has_coefficients():
    data = REF["datasets"]["bcg"]
    res = rma(data["yi"], data["vi"], mods=data["mods"]["ablat"], test="knha")
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert len(d["beta"]) == 2 and len(d["se_beta"]) == 2 and d["qm"] == pytest.approx(res.qm)
    assert res.pi_low is None and res.tau2_ci_low is not None and d["tau2_ci_high"] == res.tau2_ci_high


def test_fixed_effect_single_study_and_labels():
    res = rma([0.5], [0.04], method="FE")
    assert res.k == 1 and math.isclose(res.estimate, 0.5) and math.isclose(res.se, 0.2)
    assert res.q == 0 and res.q_p == 1 and res.i2 == 0 and res.h2 == 1
    assert res.labels == ("Study 1",) and res.tau2 == 0 and res.se_tau2 is None


def test_fitting_never_prints(capsys):
    data = REF["datasets"]["bcg"]
    for method in ESTIMATORS:
        rma(data["yi"], data["vi"], method=method, test="knha")
    assert capsys.readouterr() == ("", "")


def test_ee_is_an_alias_of_fe():
    data = REF["datasets"]["bcg"]
    assert rma(data["yi"], data["vi"], method="EE").method == "FE"


# ---------------------------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------------------------

def test_unknown_method_lists_valid_ones():
    with pytest.raises(InputError) as err:
        rma([0.1, 0.2], [0.01, 0.02], method="BAYES")
    for name in ESTIMATORS:
        assert name in str(err.value)
    assert "BAYES" in str(err.value)


def test_unknown_test_lists_valid_ones():
    with pytest.raises(InputError, match="z, knha"):
        rma([0.1, 0.2], [0.01, 0.02], test="t")


@pytest.mark.parametrize("method", [m for m in ESTIMATORS if m != "FE"])
def test_random_effects_needs_two_studies(method):
    with pytest.raises(AnalysisError, match="at least 2 studies"):
        rma([0.3], [0.02], method=method)


@pytest.mark.parametrize("bad", [0.0, -0.05])
def test_nonpositive_variance_names_the_row(bad):
    with pytest.raises(InputError) as err:
        rma([0.1, 0.2, 0.3], [0.01, bad, 0.02])
    assert "row 2" in str(err.value) and "positive" in str(err.value)


def test_other_input_errors():
    with pytest.raises(InputError, match="same length"):
        rma([0.1, 0.2], [0.01])
    with pytest.raises(InputError, match="row 2"):
        rma([0.1, float("nan")], [0.01, 0.02])
    with pytest.raises(InputError, match="labels"):
        rma([0.1, 0.2], [0.01, 0.02], labels=["a"])
    with pytest.raises(InputError, match="level"):
        rma([0.1, 0.2], [0.01, 0.02], level=120)
    with pytest.raises(InputError, match="full rank"):
        rma([0.1, 0.2, 0.3, 0.4], [0.01, 0.02, 0.03, 0.04], mods=[1.0, 1.0, 1.0, 1.0])
    with pytest.raises(AnalysisError, match="3 studies"):
        rma([0.1, 0.2], [0.01, 0.02], mods=[1.0, 2.0])


def test_fisher_scoring_failure_names_estimator_and_remedy():
    """metafor 3.8.1 also stops with "Fisher scoring algorithm did not converge" on these data."""
    yi, vi = [0.0] * 10 + [2.0], [1.0] * 10 + [0.5]
    with pytest.raises(AnalysisError) as err:
        rma(yi, vi, method="REML")
    assert "REML" in str(err.value) and "DL" in str(err.value) and "PM" in str(err.value)
    assert rma(yi, vi, method="DL").tau2 >= 0 and rma(yi, vi, method="PM").tau2 >= 0


def test_level_accepts_proportion_like_metafor():
    data = REF["datasets"]["bcg"]
    a = rma(data["yi"], data["vi"], level=90)
    b = rma(data["yi"], data["vi"], level=0.90)
    assert a.level == b.level == pytest.approx(90.0)
    assert a.ci_low == b.ci_low


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

studies = st.integers(min_value=2, max_value=15).flatmap(lambda k: st.tuples(
    st.lists(st.floats(-5, 5, allow_nan=False, allow_infinity=False), min_size=k, max_size=k),
    st.lists(st.floats(1e-3, 10.0, allow_nan=False, allow_infinity=False), min_size=k, max_size=k)))
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(data=studies)
def test_fe_estimate_between_min_and_max(data):
    yi, vi = data
    res = rma(yi, vi, method="FE")
    slack = 1e-9 * max(1.0, max(abs(y) for y in yi))
    assert min(yi) - slack <= res.estimate <= max(yi) + slack


@PROPS
@given(data=studies, method=st.sampled_from(ESTIMATORS), test=st.sampled_from(("z", "knha")))
def test_invariants(data, method, test):
    yi, vi = data
    try:
        res = rma(yi, vi, method=method, test=test)
    except AnalysisError as err:
        # metafor's Fisher scoring (ML/REML/EB) can fail to converge, e.g. on yi = (0 x 10, 2),
        # vi = (1 x 10, 0.5); the error is then the documented behaviour
        assert method in ("ML", "REML", "EB") and "did not converge" in str(err)
        reject()
    assert math.isclose(float(res.weights.sum()), 100.0, rel_tol=1e-9)
    assert np.all(res.weights > 0)
    assert res.tau2 >= 0.0
    assert 0.0 <= res.i2 <= 100.0
    assert res.h2 >= 1.0 - 1e-12 or method == "FE"
    assert res.ci_low <= res.estimate <= res.ci_high
    if method != "FE":
        assert res.tau2_ci_low is not None and 0.0 <= res.tau2_ci_low <= res.tau2_ci_high
        assert res.pi_low <= res.ci_low and res.ci_high <= res.pi_high


def test_rma_takes_the_effect_sizes_escalc_returns():
    from analysis.effects import escalc

    es = escalc("RR", ai=[4, 6, 3, 62], bi=[119, 300, 228, 13536], ci=[11, 29, 11, 248],
                di=[128, 274, 209, 12619], labels=["Aronson 1948", "Ferguson 1949", "Rosenthal 1960", "Hart 1977"])
    res = rma(es, method="DL")
    same = rma(es.yi, es.vi, method="DL", measure="RR", labels=es.labels)
    assert res.labels == es.labels and res.measure == "RR"
    assert res.estimate == same.estimate and res.tau2 == same.tau2
    assert set(res.inputs) == {"ai", "bi", "ci", "di"}           # the per-arm data travels with the fit
    assert rma(es, labels=list("abcd"), measure="GEN").labels == ("a", "b", "c", "d")
    with pytest.raises(InputError, match="do not pass vi"):
        rma(es, es.vi)
    with pytest.raises(InputError, match="sampling variances"):
        rma([0.1, 0.2])


def test_named_moderators_label_the_coefficients():
    data = REF["datasets"]["bcg"]
    frame = pd.DataFrame(data["mods"])
    res = rma(data["yi"], data["vi"], mods=frame[["ablat", "year"]])
    assert res.names == ("intrcpt", "ablat", "year")
    assert rma(data["yi"], data["vi"], mods={"latitude": data["mods"]["ablat"]}).names == ("intrcpt", "latitude")
    assert rma(data["yi"], data["vi"], mods=frame["ablat"]).names == ("intrcpt", "ablat")
    assert rma(data["yi"], data["vi"], mods=data["mods"]["ablat"]).names == ("intrcpt", "mods")
    assert "intrcpt" in str(res) and "ablat" in str(res)
