"""Fixed- and random-effects meta-analysis and meta-regression: :func:`rma` and :class:`MetaResult`.

Replicates metafor's ``rma.uni`` (Viechtbauer 2010, J Stat Softw 36(3)) with its default settings,
plus the prediction interval of ``predict.rma`` and the Q-profile confidence interval of tau² of
``confint.rma.uni``.  tau² is estimated by :mod:`analysis.estimators`.  Fitting never prints.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.estimators import (ESTIMATORS, Tau2Fit, brent_root, check_method, estimate_tau2, inv_xwx,
                                 p_matrix, qe_stat)
from analysis.errors import FitError, InputError

__all__ = ["ESTIMATORS", "MetaResult", "rma"]

TESTS = ("z", "knha")
_EVTOL = 1e-7             # metafor rma.uni control$evtol: smallest eigenvalue of X'X for a full-rank X
_QP_TOL = 1e-14           # tolerance of the Q-profile root search (metafor's default is eps^0.25)
_QP_MAXITER = 1000        # metafor confint.rma.uni control$maxiter


@dataclass(frozen=True)
class MetaResult:
    """Result of :func:`rma`: coefficients, heterogeneity statistics and study weights."""

    method: str
    measure: str
    test: str
    k: int
    p: int
    beta: np.ndarray
    se_beta: np.ndarray
    stat: np.ndarray
    pval_beta: np.ndarray
    ci_lb: np.ndarray
    ci_ub: np.ndarray
    dfs: float | None
    tau2: float
    se_tau2: float | None
    tau2_ci_low: float | None
    tau2_ci_high: float | None
    i2: float
    h2: float
    q: float
    q_df: int
    q_p: float
    qm: float | None
    qm_p: float | None
    pi_low: float | None
    pi_high: float | None
    weights: np.ndarray
    yi: np.ndarray
    vi: np.ndarray
    labels: tuple[str, ...]
    level: float = 95.0
    iterations: int | None = None
    warnings: tuple[str, ...] = ()

    # -- convenience properties (the intercept; the pooled effect of intercept-only models) --
    @property
    def estimate(self) -> float:
        return float(self.beta[0])

    @property
    def se(self) -> float:
        return float(self.se_beta[0])

    @property
    def ci_low(self) -> float:
        return float(self.ci_lb[0])

    @property
    def ci_high(self) -> float:
        return float(self.ci_ub[0])

    @property
    def p_value(self) -> float:
        return float(self.pval_beta[0])

    def to_dict(self) -> dict:
        """JSON-ready summary (non-finite numbers become None)."""
        out = {
            "method": self.method, "measure": self.measure, "test": self.test, "level": self.level,
            "k": self.k, "p": self.p,
            "estimate": _num(self.estimate), "se": _num(self.se), "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high), "p_value": _num(self.p_value), "dfs": _num(self.dfs),
            "tau2": _num(self.tau2), "se_tau2": _num(self.se_tau2),
            "tau2_ci_low": _num(self.tau2_ci_low), "tau2_ci_high": _num(self.tau2_ci_high),
            "i2": _num(self.i2), "h2": _num(self.h2), "q": _num(self.q), "q_df": int(self.q_df),
            "q_p": _num(self.q_p), "pi_low": _num(self.pi_low), "pi_high": _num(self.pi_high),
            "iterations": self.iterations, "warnings": list(self.warnings),
            "studies": [{"study": lab, "yi": _num(y), "vi": _num(v), "weight": _num(w)}
                        for lab, y, v, w in zip(self.labels, self.yi, self.vi, self.weights)],
        }
        if self.p > 1:
            out.update({
                "beta": [_num(b) for b in self.beta], "se_beta": [_num(s) for s in self.se_beta],
                "stat": [_num(s) for s in self.stat], "pval_beta": [_num(s) for s in self.pval_beta],
                "ci_lb": [_num(s) for s in self.ci_lb], "ci_ub": [_num(s) for s in self.ci_ub],
                "qm": _num(self.qm), "qm_p": _num(self.qm_p),
            })
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per study: study, yi, vi, weight (percent)."""
        return pd.DataFrame({"study": list(self.labels), "yi": self.yi, "vi": self.vi,
                             "weight": self.weights})


def _num(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


# --------------------------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------------------------

def _alpha(level: float) -> float:
    """metafor's .level(): 95 -> 0.05, 0.95 -> 0.05, 0.05 -> 0.05."""
    if isinstance(level, bool) or not isinstance(level, (int, float, np.floating, np.integer)):
        raise InputError(f"level must be a number such as 95; got {level!r}.")
    level = float(level)
    if not (0.0 < level < 100.0) or not math.isfinite(level):
        raise InputError(f"level must be between 0 and 100 (a percentage such as 95); got {level!r}.")
    if level >= 1.0:
        return (100.0 - level) / 100.0
    return 1.0 - level if level > 0.5 else level


def _vector(name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numbers; could not read them ({exc}).") from None
    if arr.ndim != 1:
        raise InputError(f"{name} must be one-dimensional (one value per study); got shape {arr.shape}.")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise InputError(f"{name} must be finite; row {bad[0] + 1} is {arr[bad[0]]!r}. "
                         "Fix or remove that study.")
    return arr


def _design(mods, k: int) -> np.ndarray:
    if mods is None:
        return np.ones((k, 1))
    try:
        m = np.asarray(mods, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"mods must be numeric (dummy-code categorical moderators); {exc}.") from None
    if m.ndim == 1:
        m = m[:, None]
    if m.ndim != 2 or m.shape[0] != k:
        raise InputError(f"mods must have one row per study (k = {k}); got shape {m.shape}.")
    bad = np.argwhere(~np.isfinite(m))
    if bad.size:
        raise InputError(f"mods must be finite; row {bad[0][0] + 1}, column {bad[0][1] + 1} is "
                         f"{m[bad[0][0], bad[0][1]]!r}. Fix or remove that study.")
    X = np.column_stack([np.ones(k), m])
    if np.min(np.linalg.eigvalsh(X.T @ X)) <= _EVTOL:
        raise InputError("The moderators are collinear (with each other or with the intercept), so "
                         "the model matrix is not of full rank; drop redundant moderators.")
    return X


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------

def rma(yi, vi, *, method: str = "REML", test: str = "z", level: float = 95.0, mods=None,
        labels=None, measure: str = "GEN", tau2_ci: bool = True) -> MetaResult:
    """Fit a fixed-effect (method="FE") or random-effects meta-analysis / meta-regression.

    yi, vi: effect sizes and positive sampling variances (k,); method: one of ESTIMATORS;
    test: "z" (normal) or "knha" (Knapp & Hartung: t with k - p df); level: CI level in percent;
    mods: None, or moderators (k,) / (k, m) -- an intercept is added; tau2_ci: compute the Q-profile
    CI of tau² (metafor confint); repeated refits (leave-one-out, cumulative) turn it off for speed.
    """
    name = check_method(method)
    if test not in TESTS:
        raise InputError(f"Unknown test {test!r}; use one of: {', '.join(TESTS)}.")
    alpha = _alpha(level)
    yi = _vector("yi", yi)
    vi = _vector("vi", vi)
    k = yi.shape[0]
    if vi.shape[0] != k:
        raise InputError(f"yi and vi must have the same length; got {k} and {vi.shape[0]}.")
    if k == 0:
        raise FitError("No studies to pool (k = 0); provide at least one study.")
    nonpos = np.flatnonzero(vi <= 0)
    if nonpos.size:
        i = int(nonpos[0])
        raise InputError(f"Sampling variances must be positive; row {i + 1} has vi = {vi[i]!r}. "
                         "Fix that study's variance (or standard error) or remove the study.")
    if labels is None:
        labels_t = tuple(f"Study {i + 1}" for i in range(k))
    else:
        labels_t = tuple(str(lab) for lab in labels)
        if len(labels_t) != k:
            raise InputError(f"labels must have one entry per study (k = {k}); got {len(labels_t)}.")
    X = _design(mods, k)
    p = X.shape[1]
    if name != "FE" and k < 2:
        raise FitError(f"A random-effects model ({name}) needs at least 2 studies; got k = {k}. "
                            "Add studies or use method='FE'.")
    if name != "FE" and k <= p:
        raise FitError(f"A random-effects meta-regression with {p} coefficients needs at least "
                            f"{p + 1} studies; got k = {k}. Add studies or drop moderators.")
    if k < p:
        raise FitError(f"The model has {p} coefficients but only k = {k} studies; drop moderators.")
    if test == "knha" and k <= p:
        raise FitError(f"The Knapp-Hartung test needs k > p (t with k - p df); got k = {k}, p = {p}. "
                            "Use test='z'.")

    warnings: list[str] = []
    if np.max(vi) / np.min(vi) >= 1.0 / _EVTOL:
        warnings.append("The ratio of the largest to the smallest sampling variance is extremely "
                        "large; results may be unstable.")
    fit: Tau2Fit = estimate_tau2(name, yi, vi, X)
    warnings.extend(fit.warnings)
    tau2 = fit.tau2

    # weighted least squares, weights 1/(vi + tau²) (Viechtbauer 2010, eqs. 7-8; Raudenbush 2009 eq. 16.6)
    wi = 1.0 / (vi + tau2)
    vb = inv_xwx(X, wi)
    beta = vb @ (X.T @ (wi * yi))
    dfs: float | None = None
    if test == "knha":
        if name == "FE":
            warnings.append("The Knapp & Hartung method is not meant for fixed-effect models.")
        # Knapp & Hartung 2003, eq. 8: scale vb by the weighted residual sum of squares / (k - p)
        rss = float(np.sum(wi * (yi - X @ beta) ** 2))
        s2w = 0.0 if rss <= np.finfo(float).eps else rss / (k - p)
        vb = s2w * vb
        dfs = float(k - p)
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = beta / se
    if dfs is not None:
        # Knapp & Hartung 2003: t distribution with k - p degrees of freedom
        pval = 2.0 * stats.t.sf(np.abs(stat), dfs)
        crit = float(stats.t.isf(alpha / 2.0, dfs))
    else:
        pval = 2.0 * stats.norm.sf(np.abs(stat))  # Wald z test
        crit = float(stats.norm.isf(alpha / 2.0))
    ci_lb = beta - crit * se
    ci_ub = beta + crit * se

    qm = qm_p = None
    if p > 1:
        b = beta[1:]
        try:
            # omnibus Wald test of the moderators, beta' Vb^-1 beta (Viechtbauer 2010, section 3.3)
            qm_val = float(b @ np.linalg.solve(vb[1:, 1:], b))
        except np.linalg.LinAlgError:
            qm_val = float("nan")
        if dfs is not None:
            qm = qm_val / (p - 1)
            qm_p = float(stats.f.sf(qm, p - 1, dfs))  # Knapp & Hartung 2003: F(m, k - p)
        else:
            qm = qm_val
            qm_p = float(stats.chi2.sf(qm, p - 1))

    # heterogeneity: Cochran's Q / QE with fixed-effect weights (Cochran 1954; Raudenbush 2009 eq. 16.21)
    q_df = k - p
    if k > p:
        P = p_matrix(X, 1.0 / vi)
        y = yi - yi.mean()
        q = max(0.0, float(y @ P @ y))
        q_p = float(stats.chi2.sf(q, q_df))
        if name == "FE":
            # Higgins & Thompson 2002, eqs. 5 and 9 (Q-based I² and H²)
            if q > 0.0:
                i2 = max(0.0, 100.0 * (q - q_df) / q)
            else:
                i2 = 0.0
            h2 = q / q_df
        else:
            # Higgins & Thompson 2002, eq. 9 with the "typical" within-study variance
            # vt = (k - p) / tr(P) (Viechtbauer 2010 / metafor rma.uni)
            vt = q_df / float(np.trace(P))
            i2 = 100.0 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1.0
    else:
        q, q_p, i2, h2 = 0.0, 1.0, 0.0, 1.0

    pi_low = pi_high = None
    tau2_ci_low = tau2_ci_high = None
    if p == 1 and name != "FE":
        # metafor predict.rma: beta ± crit * sqrt(se² + tau²), crit from z or t(k - p) as the test
        half = crit * math.sqrt(float(vb[0, 0]) + tau2)
        pi_low, pi_high = float(beta[0]) - half, float(beta[0]) + half
        if tau2_ci:
            tau2_ci_low, tau2_ci_high = _qprofile_ci(yi, vi, X, tau2, alpha)

    weights = 100.0 * wi / wi.sum()  # metafor weights.rma.uni: percent inverse-variance weights
    return MetaResult(
        method=name, measure=str(measure), test=test, k=k, p=p,
        beta=beta, se_beta=se, stat=stat, pval_beta=pval, ci_lb=ci_lb, ci_ub=ci_ub, dfs=dfs,
        tau2=float(tau2), se_tau2=fit.se_tau2, tau2_ci_low=tau2_ci_low, tau2_ci_high=tau2_ci_high,
        i2=float(i2), h2=float(h2), q=float(q), q_df=int(q_df), q_p=float(q_p), qm=qm, qm_p=qm_p,
        pi_low=pi_low, pi_high=pi_high, weights=weights, yi=yi, vi=vi, labels=labels_t,
        level=float(level) if level >= 1.0 else 100.0 * (1.0 - alpha), iterations=fit.iterations, warnings=tuple(warnings),
    )


def _qprofile_ci(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, tau2: float,
                 alpha: float) -> tuple[float, float]:
    """Q-profile confidence interval of tau² (Viechtbauer 2007, eq. 8), as metafor's confint().

    Bounds solve Q(tau²) = chi²(k-p) quantiles within [0, max(100, 10 tau²)], truncated at 0;
    metafor's search interval and boundary rules are kept, the root is found to ~machine precision.
    """
    k, p = X.shape
    y = yi - yi.mean()
    lo, hi = min(0.0, tau2), max(100.0, 10.0 * tau2)
    crit_u = float(stats.chi2.isf(alpha / 2.0, k - p))
    crit_l = float(stats.chi2.ppf(alpha / 2.0, k - p))
    q_lo, q_hi = qe_stat(lo, y, vi, X), qe_stat(hi, y, vi, X)

    def root(target: float, f_lo: float, f_hi: float) -> float:
        r, _, ok = brent_root(lambda t: qe_stat(t, y, vi, X) - target, lo, hi, f_lo - target,
                              f_hi - target, tol=_QP_TOL, maxiter=_QP_MAXITER)
        if not ok:  # pragma: no cover - Brent's method converges on a bracketing interval
            raise FitError("The Q-profile confidence interval of tau² did not converge.")
        return max(0.0, r)

    if q_lo < crit_l:
        upper = lo
    elif q_hi > crit_l:
        upper = hi
    else:
        upper = root(crit_l, q_lo, q_hi)
    if q_hi > crit_u:
        lower = upper = hi
    elif q_lo < crit_u:
        lower = lo
    else:
        lower = root(crit_u, q_lo, q_hi)
    return max(0.0, lower), max(0.0, upper)

