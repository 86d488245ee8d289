"""tau² estimators (analysis/estimators.py) against metafor's rma.uni.

Reference values: tests/reference/rma_reference.json, written by tests/reference/rma_reference.R.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from analysis import estimators
from analysis.estimators import ESTIMATORS, Tau2Fit, brent_root, estimate_tau2, qe_stat
from analysis.errors import AnalysisError, InputError

REFERENCE = Path(__file__).parent.parent / "reference" / "rma_reference.json"
RTOL_METAFOR = 1e-6                     # agreement with metafor's default output (relative)
REF = json.loads(REFERENCE.read_text("utf-8"))
# one reference fit per (dataset, moderators, estimator): tau² does not depend on the test
Z_FITS = [f for f in REF["fits"] if f["test"] == "z" and f["level"] == 95]


def _design(fit: dict) -> np.ndarray:
    k = fit["k"]
    if fit["mods"] is None:
        return np.ones((k, 1))
    names = [fit["mods"]] if isinstance(fit["mods"], str) else fit["mods"]
    data = REF["datasets"][fit["dataset"]]["mods"]
    return np.column_stack([np.ones(k)] + [data[n] for n in names])


def _id(fit: dict) -> str:
    mods = "" if fit["mods"] is None else "-" + "+".join(np.atleast_1d(fit["mods"]))
    return f"{fit['dataset']}{mods}-{fit['method']}"


def test_estimator_names_and_mapping():
    from analysis.pooling import ESTIMATORS as POOLING_ESTIMATORS
    assert ESTIMATORS == ("FE", "DL", "REML", "ML", "PM", "HS", "SJ", "HE", "EB")
    assert POOLING_ESTIMATORS == ESTIMATORS
    assert tuple(estimators._ESTIMATORS) == ESTIMATORS


def test_unknown_estimator_lists_valid_ones():
    with pytest.raises(InputError) as err:
        estimate_tau2("GENQ", [0.1, 0.2], [0.01, 0.01])
    message = str(err.value)
    assert "GENQ" in message and all(name in message for name in ESTIMATORS)


@pytest.mark.parametrize("fit", Z_FITS, ids=[_id(f) for f in Z_FITS])
def test_tau2_matches_metafor(fit):
    data = REF["datasets"][fit["dataset"]]
    res = estimate_tau2(fit["method"], data["yi"], data["vi"], _design(fit))
    assert isinstance(res, Tau2Fit) and res.method == fit["method"]
    np.testing.assert_allclose(res.tau2, fit["tau2"], rtol=RTOL_METAFOR, atol=1e-14)
    if fit["method"] == "FE":
        assert res.tau2 == 0.0 and res.se_tau2 is None
    else:
        np.testing.assert_allclose(res.se_tau2, fit["se_tau2"], rtol=RTOL_METAFOR)
    if fit["method"] in ("REML", "ML", "EB"):
        assert res.iterations == fit["iterations"]


def test_brent_root_reproduces_r_uniroot():
    """R 4.2.2: uniroot(f, c(0, 10))$root and $iter, printed with %.17g."""
    cases = [(lambda x: x ** 3 - 2 * x - 5, 2.0945515168188189, 11),
             (lambda x: math.cos(x) - x, 0.73908534316399843, 5),
             (lambda x: math.exp(x) - 100, 4.6051700999765517, 9)]
    for f, root, iterations in cases:
        got, it, ok = brent_root(f, 0.0, 10.0, f(0.0), f(10.0), maxiter=1000)
        assert ok and it == iterations
        assert got == pytest.approx(root, rel=1e-15)


def test_pm_solves_generalised_q_equation():
    data = REF["datasets"]["bcg"]
    yi, vi = np.asarray(data["yi"]), np.asarray(data["vi"])
    res = estimate_tau2("PM", yi, vi)
    X = np.ones((len(yi), 1))
    # metafor's (default, coarse) root: Q(tau²) = k - 1 holds to within the uniroot tolerance
    assert qe_stat(res.tau2, yi - yi.mean(), vi, X) == pytest.approx(len(yi) - 1, rel=1e-3)


@pytest.mark.parametrize("method", ESTIMATORS)
def test_homogeneous_studies_truncate_at_zero(method):
    yi = [0.20, 0.21, 0.19, 0.20, 0.205]
    vi = [0.04, 0.05, 0.03, 0.06, 0.05]
    res = estimate_tau2(method, yi, vi)
    if method == "SJ":
        assert res.tau2 > 0.0  # Sidik & Jonkman's estimator is positive unless all yi are equal
    else:
        assert res.tau2 == 0.0  # negative (or zero-bounded) estimates are truncated at 0
    assert estimate_tau2(method, [0.3] * 5, vi).tau2 == 0.0


def test_meta_regression_design_matrix():
    data = REF["datasets"]["bcg"]
    k = len(data["yi"])
    X = np.column_stack([np.ones(k), data["mods"]["ablat"]])
    with_mod = estimate_tau2("REML", data["yi"], data["vi"], X)
    without = estimate_tau2("REML", data["yi"], data["vi"])
    assert with_mod.tau2 < without.tau2  # latitude explains most of the heterogeneity


def test_needs_more_studies_than_coefficients():
    with pytest.raises(AnalysisError, match="k = 2"):
        estimate_tau2("DL", [0.1, 0.3], [0.01, 0.02], np.column_stack([np.ones(2), [1.0, 2.0]]))
    assert estimate_tau2("FE", [0.1], [0.01]).tau2 == 0.0


def test_shape_mismatch_is_an_input_error():
    with pytest.raises(InputError):
        estimate_tau2("DL", [0.1, 0.3, 0.2], [0.01, 0.02])


def test_non_convergence_names_estimator_and_remedy():
    """Data where metafor 3.8.1's REML Fisher scoring also fails to converge in 100 iterations."""
    yi = [0.6, 0.0, -1.1, -1.1, -0.6, -0.7, 1.1, 1.4, 0.9, 0.4]
    vi = [7.573, 3.127, 3.613, 5.539, 9.261, 0.023, 1.625, 7.203, 3.946, 2.88]
    with pytest.raises(AnalysisError) as err:
        estimate_tau2("REML", yi, vi)
    message = str(err.value)
    assert "REML" in message and "DL" in message and "PM" in message
    for method in ("DL", "PM"):
        assert estimate_tau2(method, yi, vi).tau2 >= 0.0


def test_ll0check_falls_back_to_zero(monkeypatch):
    """metafor's check: if the likelihood at tau² = 0 is higher, tau² is set to 0 with a warning."""
    data = REF["datasets"]["bcg"]
    monkeypatch.setattr(estimators, "_log_lik",
                        lambda y, vi, X, tau2, reml: 0.0 if tau2 == 0.0 else -1.0)
    res = estimate_tau2("REML", data["yi"], data["vi"])
    assert res.tau2 == 0.0 and res.warnings and "local maximum" in res.warnings[0]
