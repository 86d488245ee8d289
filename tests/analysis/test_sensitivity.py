"""Leave-one-out, cumulative and influence analyses against metafor (tests/reference/bias_sensitivity_reference.R)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from analysis.sensitivity import cumulative, influence, leave_one_out
from analysis.errors import AnalysisError, FitError, InputError

REF = json.loads((Path(__file__).parents[1] / "reference" / "bias_sensitivity_reference.json").read_text("utf-8"))
RTOL = 1e-6          # agreement with metafor's default output
ATOL = 1e-10         # for values that are 0 in metafor (tau2 = 0, I2 = 0)
BCG = REF["bcg"]
Y, V = np.array(BCG["yi"]), np.array(BCG["vi"])

ROW_FIELDS = {"estimate": "estimate", "se": "se", "stat": "stat", "pval": "pval", "ci_low": "ci_lb",
              "ci_high": "ci_ub", "q": "Q", "q_p": "Qp", "tau2": "tau2", "i2": "I2", "h2": "H2"}


def close(actual, expected) -> None:
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(expected, float), rtol=RTOL, atol=ATOL)


def check_rows(res, ref) -> None:
    for ours, theirs in ROW_FIELDS.items():
        if ref.get(theirs) is None:      # metafor drops tau2 for FE models
            continue
        close(getattr(res, ours), ref[theirs])


@pytest.mark.parametrize("key", sorted(REF["leave1out"]))
def test_leave_one_out_matches_metafor(key):
    ref = REF["leave1out"][key]
    res = leave_one_out(Y, V, method=ref["method"], test=ref["test"], labels=BCG["labels"])
    check_rows(res, ref)
    assert res.labels == tuple(BCG["labels"])
    frame = res.to_frame()
    assert list(frame["omitted"]) == BCG["labels"] and len(frame) == 13
    d = res.to_dict()
    json.dumps(d)
    assert d["rows"][0]["omitted"] == BCG["labels"][0]


def test_leave_one_out_of_two_studies_leaves_a_single_study():
    ref = REF["leave1out_k2"]   # metafor: k = 1 refit has tau2 = 0 and falls back to a z test
    res = leave_one_out(Y[:2], V[:2], method="REML", test="knha")
    check_rows(res, ref)
    assert np.all(np.isnan(res.dfs))


@pytest.mark.parametrize("key", sorted(REF["cumul"]))
def test_cumulative_by_year_matches_metafor(key):
    ref = REF["cumul"][key]
    res = cumulative(Y, V, ref["order"], method=ref["method"], test=ref["test"], labels=BCG["labels"])
    check_rows(res, ref)
    order = np.argsort(np.array(BCG["year"]), kind="stable")
    assert list(res.order) == list(order)
    assert res.labels[0] == BCG["labels"][int(order[0])]
    frame = res.to_frame()
    assert list(frame["k"]) == list(range(1, 14))
    json.dumps(res.to_dict())


def test_cumulative_first_step_is_the_first_study():
    res = cumulative(Y, V, BCG["year"])
    i = int(res.order[0])
    assert res.estimate[0] == pytest.approx(Y[i])
    assert res.se[0] == pytest.approx(math.sqrt(V[i]))
    assert res.tau2[0] == 0 and res.q[0] == 0 and res.q_p[0] == 1


def test_cumulative_ties_keep_given_order_and_decreasing():
    res = cumulative(Y[:4], V[:4], [2000, 1990, 2000, 1990])
    assert list(res.order) == [1, 3, 0, 2]
    res = cumulative(Y[:4], V[:4], [2000, 1990, 2000, 1990], decreasing=True)
    assert list(res.order) == [0, 2, 1, 3]
    assert list(cumulative(Y[:3], V[:3]).order) == [0, 1, 2]


INFL_FIELDS = {"rstudent": "rstudent", "dffits": "dffits", "cook_d": "cook_d", "cov_r": "cov_r",
               "tau2_del": "tau2_del", "qe_del": "QE_del", "hat": "hat", "weight": "weight", "dfbetas": "dfbs"}


@pytest.mark.parametrize("key", sorted(REF["influence"]))
def test_influence_matches_metafor(key):
    ref = REF["influence"][key]
    res = influence(Y, V, method=ref["method"], test=ref["test"], labels=BCG["labels"])
    for ours, theirs in INFL_FIELDS.items():
        close(getattr(res, ours), ref[theirs])
    assert list(res.influential) == ref["is_infl"]
    assert res.weight.sum() == pytest.approx(100)
    assert len(res.to_frame()) == 13
    json.dumps(res.to_dict())


def test_influence_with_two_studies_runs():
    res = influence(Y[:2], V[:2])
    assert np.all(res.tau2_del == 0) and np.all(np.isfinite(res.rstudent))


def test_errors():
    with pytest.raises(AnalysisError, match="at least 2"):
        leave_one_out([0.1], [0.01])
    with pytest.raises(AnalysisError, match="at least 2"):
        influence([0.1], [0.01])
    with pytest.raises(InputError, match="same length"):
        leave_one_out([0.1, 0.2], [0.01])
    with pytest.raises(InputError, match="positive"):
        cumulative([0.1, 0.2], [0.01, 0.0])
    with pytest.raises(InputError, match="one sort key"):
        cumulative(Y, V, [1, 2])
    with pytest.raises(InputError, match="test"):
        leave_one_out(Y, V, test="t")
    with pytest.raises(InputError, match="labels"):
        leave_one_out(Y, V, labels=["a"])
    with pytest.raises(InputError):
        leave_one_out(Y, V, method="XYZ")
    with pytest.raises(InputError, match="finite"):
        leave_one_out([0.1, float("nan")], [0.01, 0.02])


def test_failed_refit_leaves_an_empty_row(monkeypatch):
    import analysis.sensitivity as sens

    real = sens.rma

    def flaky(yi, vi, **kw):
        if len(yi) == 12 and np.isclose(yi[0], Y[1]):       # the fit without study 1
            raise FitError("REML did not converge")
        return real(yi, vi, **kw)

    monkeypatch.setattr(sens, "rma", flaky)
    res = leave_one_out(Y, V, labels=BCG["labels"])
    assert np.isnan(res.estimate[0]) and np.all(np.isfinite(res.estimate[1:]))
    assert len(res.warnings) == 1 and BCG["labels"][0] in res.warnings[0]
    assert res.to_dict()["rows"][0]["estimate"] is None
    inf = influence(Y, V)
    assert np.isnan(inf.rstudent[0]) and not inf.influential[0] and len(inf.warnings) == 1


@pytest.mark.parametrize("fit", [leave_one_out, cumulative])
def test_to_dict_rows_are_the_frames_records_without_pandas(fit):
    yi = np.array([0.1, 0.5, 0.3, -0.2, 0.8])
    vi = np.array([0.05, 0.1, 0.02, 0.08, 0.2])
    res = fit(yi, vi, method="REML", test="knha", labels=list("ABCDE"))
    rows = res.to_dict()["rows"]
    frame = res.to_frame()
    assert [list(r) for r in rows] == [list(frame.columns)] * len(frame)
    expected = [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
                for r in frame.to_dict("records")]
    assert rows == expected
    assert all(type(a) is type(b) for r, e in zip(rows, expected) for a, b in zip(r.values(), e.values()))


def test_pooling_and_its_sensitivity_analyses_do_not_import_pandas():
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from analysis import rma, leave_one_out, cumulative, regtest, vote_count\n"
            "y, v = np.array([0.1, 0.5, 0.3, -0.2, 0.8]), np.array([0.05, 0.1, 0.02, 0.08, 0.2])\n"
            "rma(y, v, method='REML').to_dict(); leave_one_out(y, v).to_dict(); cumulative(y, v).to_dict()\n"
            "regtest(y, v).to_dict()\n"
            "print('pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
