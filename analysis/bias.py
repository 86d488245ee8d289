"""Small-study effects / publication bias: Egger-type regression test and trim-and-fill.

`regtest` replicates metafor's regtest() with its defaults (model "rma": a meta-regression on the
standard error); `trimfill` replicates metafor's trimfill.rma.uni (Duval & Tweedie 2000).
Both need at least 3 studies; with fewer than 10 the tests have little power (Cochrane Handbook
13.3.5.4) and the result carries a note saying so.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from analysis.pooling import MetaResult, rma
from analysis.sensitivity import _check_yi_vi, _clean
from analysis.errors import FitError, InputError

if TYPE_CHECKING:  # pandas and scipy.stats are imported where used (each takes ~0.5-1 s)
    import pandas as pd

__all__ = ["RegTest", "TrimFill", "regtest", "trimfill", "MIN_K_REGTEST", "MIN_K_TRIMFILL"]

MIN_K_REGTEST = 3    # intercept + predictor + tau2 need k >= p + 1 = 3 (metafor rma.uni check)
MIN_K_TRIMFILL = 3   # the side is chosen by a regression on sqrt(vi), which needs k >= 3
_FEW_K = 10          # Cochrane Handbook 13.3.5.4: tests for funnel asymmetry only with >= 10 studies
_PREDICTORS = ("sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv")


def _few_note(k: int) -> tuple[str, ...]:
    if k < _FEW_K:
        return (f"only {k} studies: tests for funnel plot asymmetry have low power with fewer than "
                f"{_FEW_K} studies (Cochrane Handbook 13.3.5.4)",)
    return ()


@dataclass(frozen=True)
class RegTest:
    """Regression test for funnel plot asymmetry (Egger et al. 1997; metafor regtest, model "rma").

    `stat` is z (test "z") or t with `dfs` degrees of freedom (test "knha") for the predictor's
    coefficient; `limit_estimate` (with CI) is the intercept, the estimate as the predictor -> 0
    (for predictors sei, vi, ninv, sqrtninv; None otherwise).
    """

    method: str
    test: str
    predictor: str
    k: int
    stat: float
    p_value: float
    dfs: float | None
    slope: float
    slope_se: float
    limit_estimate: float | None
    limit_ci_low: float | None
    limit_ci_high: float | None
    tau2: float
    fit: MetaResult
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """JSON-ready dict of the test (without the fitted model's per-study table)."""
        keys = ("method", "test", "predictor", "k", "stat", "p_value", "dfs", "slope", "slope_se",
                "limit_estimate", "limit_ci_low", "limit_ci_high", "tau2")
        out = {key: _clean(getattr(self, key)) for key in keys}
        out["warnings"] = list(self.warnings)
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row with the test's numbers."""
        import pandas as pd

        d = self.to_dict()
        d.pop("warnings")
        return pd.DataFrame([d])


def regtest(yi: Any, vi: Any, *, method: str = "REML", test: str = "z", predictor: str = "sei",
            ni: Any = None, level: float = 95.0) -> RegTest:
    """Egger-type regression test: rma(yi, vi, mods=predictor) and test its coefficient (metafor regtest).

    predictor: "sei" (default, Egger's test as a meta-regression on the standard error), "vi"
    (variance), or with `ni` (sample sizes) "ni", "ninv", "sqrtni", "sqrtninv".
    Returns a RegTest. Raises InputError for an unknown predictor or bad data, FitError when
    k < 3 or the predictor is constant across studies.
    """
    if predictor not in _PREDICTORS:
        raise InputError(f"predictor must be one of {', '.join(_PREDICTORS)}; got {predictor!r}. "
                         "Use 'sei' (Egger's test) unless you have a reason not to.")
    y, v, _ = _check_yi_vi(yi, vi, min_k=MIN_K_REGTEST, what="the regression test for funnel plot asymmetry")
    if predictor in ("sei", "vi"):
        x = np.sqrt(v) if predictor == "sei" else v.copy()
    else:
        if ni is None:
            raise InputError(f"predictor {predictor!r} needs the sample sizes ni; got none. "
                             "Pass ni=... or use predictor='sei'.")
        n = np.asarray(ni, dtype=float).ravel()
        if n.shape != y.shape or np.any(~np.isfinite(n)) or np.any(n <= 0):
            raise InputError(f"ni must be one positive sample size per study; got {ni!r}. "
                             "Give the total sample size of each study.")
        x = {"ni": n, "ninv": 1 / n, "sqrtni": np.sqrt(n), "sqrtninv": 1 / np.sqrt(n)}[predictor]
    if np.ptp(x) <= 1e-12 * max(1.0, float(np.max(np.abs(x)))):
        raise FitError(f"the regression test needs the predictor {predictor!r} to vary across "
                            f"studies; all {y.size} studies have {x[0]:.6g}. The test cannot be run "
                            "(metafor: model matrix not of full rank).")
    fit = rma(y, v, method=method, test=test, level=level, mods=x)
    has_limit = predictor in ("sei", "vi", "ninv", "sqrtninv")
    return RegTest(method=method, test=test, predictor=predictor, k=int(y.size),
                   stat=float(fit.stat[1]), p_value=float(fit.pval_beta[1]),
                   dfs=float(fit.dfs) if fit.dfs is not None else None,
                   slope=float(fit.beta[1]), slope_se=float(fit.se_beta[1]),
                   limit_estimate=float(fit.beta[0]) if has_limit else None,
                   limit_ci_low=float(fit.ci_lb[0]) if has_limit else None,
                   limit_ci_high=float(fit.ci_ub[0]) if has_limit else None,
                   tau2=float(fit.tau2), fit=fit, warnings=_few_note(int(y.size)))


@dataclass(frozen=True)
class TrimFill:
    """Trim-and-fill (Duval & Tweedie 2000, Biometrics 56:455; metafor trimfill.rma.uni).

    `k0` studies estimated missing on `side` ("left" or "right" of the funnel), with `se_k0`
    (estimators L0, Q0) and `p_k0` (R0 only); `yi`/`vi`/`labels` are the original studies followed
    by the filled ones (`filled` marks them); `result` is the model refitted to all of them (z
    test, as metafor), `original` the model of the observed studies.
    """

    method: str
    estimator: str
    side: str
    k0: int
    se_k0: float
    p_k0: float | None
    iterations: int
    yi: np.ndarray
    vi: np.ndarray
    labels: tuple[str, ...]
    filled: np.ndarray
    result: MetaResult
    original: MetaResult
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per study, observed then filled."""
        import pandas as pd

        return pd.DataFrame({"study": list(self.labels), "yi": self.yi, "vi": self.vi, "filled": self.filled})

    def to_dict(self) -> dict:
        """JSON-ready dict: k0, se_k0, side, estimator, the filled pooled result and the studies."""
        return {"method": self.method, "estimator": self.estimator, "side": self.side, "k0": self.k0,
                "se_k0": _clean(self.se_k0), "p_k0": _clean(self.p_k0), "iterations": self.iterations,
                "result": self.result.to_dict(), "original_estimate": _clean(self.original.estimate),
                "studies": [{k: _clean(v) for k, v in row.items()} for row in self.to_frame().to_dict("records")],
                "warnings": list(self.warnings)}


def _beta(y: np.ndarray, v: np.ndarray, method: str) -> float:
    """Pooled estimate; one study is its own estimate (metafor rma.uni with k = 1)."""
    if y.size == 1:
        return float(y[0])
    return float(rma(y, v, method=method).beta[0])


def trimfill(yi: Any, vi: Any, *, method: str = "REML", estimator: str = "L0", side: str | None = None,
             labels: Sequence[str] | None = None, maxiter: int = 100) -> TrimFill:
    """Trim-and-fill analysis with metafor's defaults (estimator L0, side chosen from the data).

    side None: "right" if the slope of rma(yi, vi, mods=sqrt(vi)) is negative, else "left" (metafor).
    Returns a TrimFill. Raises InputError for an unknown estimator/side, FitError when k < 3,
    the side cannot be chosen, or the iterations do not settle within maxiter.
    """
    if estimator not in ("L0", "R0", "Q0"):
        raise InputError(f"estimator must be 'L0', 'R0' or 'Q0'; got {estimator!r}. Use 'L0' (default).")
    if side is not None and side not in ("left", "right"):
        raise InputError(f"side must be 'left', 'right' or None; got {side!r}. Use None to choose it from the data.")
    y0, v0, labs = _check_yi_vi(yi, vi, labels, min_k=MIN_K_TRIMFILL, what="trim-and-fill")
    original = rma(y0, v0, method=method, labels=labs)
    if side is None:
        if np.ptp(np.sqrt(v0)) <= 0:
            raise FitError("trim-and-fill chooses the side from a regression on the standard errors, "
                                f"but all {y0.size} studies have the same variance. Pass side='left' or 'right'.")
        slope = float(rma(y0, v0, method=method, mods=np.sqrt(v0)).beta[1])
        side = "right" if slope < 0 else "left"   # metafor trimfill: asymmetry side from Egger-type slope
    y = -y0 if side == "right" else y0.copy()
    ix = np.argsort(y, kind="stable")             # R sort(index.return=TRUE) is stable
    y, v = y[ix], v0[ix]
    k = y.size
    k0, k0_prev, it = 0, -1, 0
    se_k0 = np.nan
    beta = np.nan
    yc = y
    while k0 != k0_prev:
        k0_prev = k0
        it += 1
        if it > maxiter:
            raise FitError(f"trim-and-fill did not settle within maxiter={maxiter} iterations "
                                f"(last k0={k0}). Try estimator='R0' or a larger maxiter.")
        beta = _beta(y[:k - k0], v[:k - k0], method)   # trim the k0 most extreme, re-estimate the centre
        yc = y - beta
        ranks = np.empty(k)
        ranks[np.argsort(np.abs(yc), kind="stable")] = np.arange(1, k + 1)   # rank(ties="first")
        signed = np.sign(yc) * ranks
        if estimator == "R0":
            neg = -signed[signed < 0]
            k0f = (k - (neg.max() if neg.size else -np.inf)) - 1   # Duval & Tweedie R0: rightmost run length
            se = np.sqrt(2 * max(0.0, k0f) + 2)
        else:
            sr = float(signed[signed > 0].sum())                   # Wilcoxon rank sum of positive side
            if estimator == "L0":
                k0f = (4 * sr - k * (k + 1)) / (2 * k - 1)         # Duval & Tweedie 2000, L0
            else:
                disc = 2 * k ** 2 - 4 * sr + 0.25
                if disc < 0:   # metafor stops here too (sqrt of a negative number)
                    raise FitError(f"trim-and-fill estimator Q0 is undefined for these data (rank sum "
                                        f"{sr:g} of {k} studies exceeds k^2/2). Use estimator='L0'.")
                k0f = k - 0.5 - np.sqrt(disc)                    # Duval & Tweedie 2000, Q0
            var_sr = (k * (k + 1) * (2 * k + 1) + 10 * k0f ** 3 + 27 * k0f ** 2 + 17 * k0f
                      - 18 * k * k0f ** 2 - 18 * k * k0f + 6 * k ** 2 * k0f) / 24
            with np.errstate(invalid="ignore", divide="ignore"):   # a negative variance gives NaN, as in R
                if estimator == "L0":
                    se = 4 * np.sqrt(var_sr) / (2 * k - 1)
                else:
                    se = 2 * np.sqrt(var_sr) / np.sqrt((k - 0.5) ** 2 - k0f * (2 * k - k0f - 1))
        if not np.isfinite(k0f):
            raise FitError(f"trim-and-fill estimator {estimator} is undefined for these data (all "
                                f"{k} studies lie above the centre). Use estimator='L0'.")
        k0 = int(max(0, np.round(k0f)))    # R round(): half to even, as numpy
        se_k0 = float(se) if np.isnan(se) else float(max(0.0, se))   # R: max(0, NaN) is NaN
    p_k0 = 0.5 ** (k0 + 1) if estimator == "R0" else None   # metafor: P(R0 >= k0) under no asymmetry
    notes = list(_few_note(k))
    if k0 > 0:
        yc = (y - beta) - beta                     # metafor: mirror the k0 most extreme about beta
        if side == "right":
            yc = -yc
        fill_y = -yc[k - k0:]
        fill_v = v[k - k0:]
        yf = np.concatenate([y0, fill_y])
        vf = np.concatenate([v0, fill_v])
        labs_f = labs + tuple(f"Filled {j + 1}" for j in range(k0))
        result = rma(yf, vf, method=method, labels=labs_f)
        filled = np.concatenate([np.zeros(k, dtype=bool), np.ones(k0, dtype=bool)])
        notes.append(f"{k0} studies filled on the {side} side; the adjusted estimate is a sensitivity "
                     "analysis, not a corrected effect (Cochrane Handbook 13.3.5.5)")
    else:
        yf, vf, labs_f, result = y0, v0, labs, original
        filled = np.zeros(k, dtype=bool)
    return TrimFill(method=method, estimator=estimator, side=side, k0=k0, se_k0=se_k0, p_k0=p_k0,
                    iterations=it, yi=yf, vi=vf, labels=labs_f, filled=filled, result=result,
                    original=original, warnings=tuple(notes))
