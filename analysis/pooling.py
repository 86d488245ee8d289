"""Fixed- and random-effects meta-analysis and meta-regression: :func:`rma` and :class:`MetaResult`.

Replicates metafor's ``rma.uni`` (Viechtbauer 2010, J Stat Softw 36(3)) with its default settings,
plus the prediction interval of ``predict.rma`` and the Q-profile confidence interval of tau² of
``confint.rma.uni``.  tau² is estimated by :mod:`analysis.estimators`.  Fitting never prints;
``str(result)`` and ``result.summary()`` render metafor's printed layout (:mod:`analysis.summary`).

Cost: O(k p²) for k studies and p coefficients. No k x k matrix is formed: weights, Q, the
residual sum of squares and the traces the estimators need come from the thin QR decomposition of
W^(1/2) X (closed forms for the intercept-only model), and so does every step of the Q-profile search.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np

from analysis.distributions import chi2_isf, chi2_ppf, chi2_sf, f_sf, norm_isf, norm_sf, t_isf, t_sf
from analysis.estimators import (ESTIMATORS, Tau2Fit, WeightedFit, brent_root, check_method, design_or_none,
                                 estimate_tau2, qe_stat)
from analysis.errors import FitError, InputError

if TYPE_CHECKING:  # only for the annotation: summary() imports it when called
    from analysis.summary import SummaryText

__all__ = ["ESTIMATORS", "MetaResult", "rma"]

TESTS = ("z", "knha")
_EVTOL = 1e-7             # metafor rma.uni control$evtol: smallest eigenvalue of X'X for a full-rank X
_QP_TOL = 1e-14           # tolerance of the Q-profile root search (metafor's default is eps^0.25)
_QP_MAXITER = 1000        # metafor confint.rma.uni control$maxiter
_QP_MAX = 100.0           # metafor confint.rma.uni: tau2.max = max(100, 10 tau²), widened here when needed


@dataclass(frozen=True)
class MetaResult:
    """Result of :func:`rma`: coefficients, heterogeneity statistics and study weights.

    ``names`` are the coefficient names ("intrcpt" and the moderators, as metafor prints them);
    ``r2`` is metafor's pseudo-R² of a meta-regression (None without moderators); ``loglik``,
    ``deviance``, ``aic``, ``bic`` and ``aicc`` are metafor's fit statistics (REML ones for REML,
    ML ones otherwise). ``tau2_ci_widened`` is True when a bound of the tau² CI lies beyond metafor's
    default search limit max(100, 10 tau²): metafor's ``confint()`` prints it as ">100.0000"; here the
    search was extended until the bound was found. ``inputs`` holds the escalc input columns of the
    studies (per-arm data) when the fit was made from an EffectSizes that carried them.
    """

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
    names: tuple[str, ...] = ("intrcpt",)
    r2: float | None = None
    loglik: float | None = None
    deviance: float | None = None
    aic: float | None = None
    bic: float | None = None
    aicc: float | None = None
    tau2_ci_widened: bool = False
    inputs: Mapping[str, np.ndarray] | None = None

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

    @property
    def pooled(self) -> bool:
        """False for a single study (k = 1): its estimate is the study's own, not a pooled result."""
        return self.k > 1

    def to_dict(self) -> dict:
        """JSON-ready summary (non-finite numbers become None)."""
        out = {
            "method": self.method, "measure": self.measure, "test": self.test, "level": self.level,
            "k": self.k, "p": self.p,
            "estimate": _num(self.estimate), "se": _num(self.se), "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high), "p_value": _num(self.p_value), "dfs": _num(self.dfs),
            "tau2": _num(self.tau2), "se_tau2": _num(self.se_tau2),
            "tau2_ci_low": _num(self.tau2_ci_low), "tau2_ci_high": _num(self.tau2_ci_high),
            "tau2_ci_widened": self.tau2_ci_widened,
            "i2": _num(self.i2), "h2": _num(self.h2), "q": _num(self.q), "q_df": int(self.q_df),
            "q_p": _num(self.q_p), "pi_low": _num(self.pi_low), "pi_high": _num(self.pi_high),
            "loglik": _num(self.loglik), "deviance": _num(self.deviance), "aic": _num(self.aic),
            "bic": _num(self.bic), "aicc": _num(self.aicc),
            "iterations": self.iterations, "warnings": list(self.warnings),
            "studies": [{"study": lab, "yi": _num(y), "vi": _num(v), "weight": _num(w)}
                        for lab, y, v, w in zip(self.labels, self.yi, self.vi, self.weights)],
        }
        if self.p > 1:
            out.update({
                "names": list(self.names),
                "beta": [_num(b) for b in self.beta], "se_beta": [_num(s) for s in self.se_beta],
                "stat": [_num(s) for s in self.stat], "pval_beta": [_num(s) for s in self.pval_beta],
                "ci_lb": [_num(s) for s in self.ci_lb], "ci_ub": [_num(s) for s in self.ci_ub],
                "qm": _num(self.qm), "qm_p": _num(self.qm_p), "r2": _num(self.r2),
            })
        return out

    def to_frame(self):
        """One row per study: study, yi, vi, weight (percent). Returns a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({"study": list(self.labels), "yi": self.yi, "vi": self.vi,
                             "weight": self.weights})

    def summary(self) -> "SummaryText":
        """metafor's ``summary(res)``: the printed model with its fit statistics (logLik, deviance,
        AIC, BIC, AICc). Returns the text (a str that shows as itself in a REPL)."""
        from analysis.summary import SummaryText, format_rma

        return SummaryText(format_rma(self, showfit=True))

    def __str__(self) -> str:
        """metafor's ``print(res)`` layout (print.rma.uni)."""
        from analysis.summary import format_rma

        return format_rma(self, showfit=False)


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


def _moderators(mods) -> tuple[Any, tuple[str, ...] | None]:
    """Moderator values and their names when mods carries them (a DataFrame, a Series or a mapping)."""
    if isinstance(mods, Mapping):
        names = tuple(str(n) for n in mods)
        return np.column_stack([np.asarray(mods[n], dtype=float) for n in mods]), names
    columns = getattr(mods, "columns", None)
    if columns is not None:   # a pandas DataFrame
        return mods, tuple(str(c) for c in columns)
    name = getattr(mods, "name", None)
    if name is not None and getattr(mods, "ndim", 0) == 1:   # a pandas Series
        return mods, (str(name),)
    return mods, None


def _design(mods, k: int) -> tuple[np.ndarray, tuple[str, ...]]:
    if mods is None:
        return np.ones((k, 1)), ("intrcpt",)
    mods, names = _moderators(mods)
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
    if names is None or len(names) != m.shape[1]:
        names = ("mods",) if m.shape[1] == 1 else tuple(f"mods{j + 1}" for j in range(m.shape[1]))
    return X, ("intrcpt",) + names


def _unpack_effects(yi, vi, labels, measure):
    """rma(es): take yi, vi, labels, measure and inputs from an EffectSizes (escalc's result)."""
    if not (hasattr(yi, "yi") and hasattr(yi, "vi") and hasattr(yi, "measure")):
        return yi, vi, labels, measure, None
    if vi is not None:
        raise InputError("rma(es) takes the sampling variances from the EffectSizes; do not pass vi as well "
                         "(use rma(es) or rma(es.yi, es.vi)).")
    es = yi
    return (es.yi, es.vi, es.labels if labels is None else labels,
            es.measure if measure is None else measure, getattr(es, "inputs", None))


_DEFAULT_LABELS: list[tuple[str, ...]] = [()]


def default_labels(k: int) -> tuple[str, ...]:
    """("Study 1", ..., "Study k"), sliced from a cached tuple (building 20,000 strings per fit costs
    more than the fit)."""
    if len(_DEFAULT_LABELS[0]) < k:
        _DEFAULT_LABELS[0] = tuple(f"Study {i + 1}" for i in range(max(k, 2 * len(_DEFAULT_LABELS[0]))))
    return _DEFAULT_LABELS[0][:k]


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------

def rma(yi, vi=None, *, method: str = "REML", test: str = "z", level: float = 95.0, mods=None,
        labels=None, measure: str | None = None, tau2_ci: bool = True) -> MetaResult:
    """Fit a fixed-effect (method="FE") or random-effects meta-analysis / meta-regression.

    yi, vi: effect sizes and positive sampling variances (k,), or ``rma(es)`` with the EffectSizes
    that :func:`analysis.effects.escalc` returns (its labels, measure and input columns come along);
    method: one of ESTIMATORS; test: "z" (normal) or "knha" (Knapp & Hartung: t with k - p df);
    level: CI level in percent; mods: None, or moderators (k,) / (k, m) -- an array, a pandas
    Series / DataFrame or a mapping of name -> values (the names label the coefficients); an
    intercept is added; measure: the effect measure's name (default "GEN"); tau2_ci: compute the
    Q-profile CI of (residual) tau² (metafor confint); repeated refits (leave-one-out, cumulative)
    turn it off. The prediction interval (metafor predict) is given for models without moderators.

    Raises InputError for unusable data or options, FitError when the model cannot be fitted.
    """
    yi, vi, labels, measure, inputs = _unpack_effects(yi, vi, labels, measure)
    if vi is None:
        raise InputError("rma needs the sampling variances vi (one per study), or an EffectSizes from escalc.")
    measure = "GEN" if measure is None else str(measure)
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
        labels_t = default_labels(k)
    else:
        labels_t = tuple(str(lab) for lab in (labels.tolist() if hasattr(labels, "tolist") else labels))
        if len(labels_t) != k:
            raise InputError(f"labels must have one entry per study (k = {k}); got {len(labels_t)}.")
    X, names = _design(mods, k)
    Xd = design_or_none(X)
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
    wls = WeightedFit(Xd, wi, yi)
    beta = wls.beta
    vb = wls.cov_unscaled()
    dfs: float | None = None
    if test == "knha":
        if name == "FE":
            warnings.append("The Knapp & Hartung method is not meant for fixed-effect models.")
        # Knapp & Hartung 2003, eq. 8: scale vb by the weighted residual sum of squares / (k - p)
        s2w = 0.0 if wls.rss <= np.finfo(float).eps else wls.rss / (k - p)
        vb = s2w * vb
        dfs = float(k - p)
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = beta / se
    if dfs is not None:
        # Knapp & Hartung 2003: t distribution with k - p degrees of freedom
        pval = np.array([2.0 * t_sf(abs(s), dfs) for s in stat])
        crit = t_isf(alpha / 2.0, dfs)
    else:
        pval = np.array([2.0 * norm_sf(abs(s)) for s in stat])  # Wald z test
        crit = norm_isf(alpha / 2.0)
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
            qm_p = f_sf(qm, p - 1, dfs)  # Knapp & Hartung 2003: F(m, k - p)
        else:
            qm = qm_val
            qm_p = chi2_sf(qm, p - 1)

    # heterogeneity: Cochran's Q / QE with fixed-effect weights (Cochran 1954; Raudenbush 2009 eq. 16.21)
    q_df = k - p
    if k > p:
        fe = WeightedFit(Xd, 1.0 / vi, yi - yi.mean())
        q = max(0.0, fe.rss)
        q_p = chi2_sf(q, q_df)
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
            vt = q_df / fe.trace_p()
            i2 = 100.0 * tau2 / (vt + tau2)
            h2 = tau2 / vt + 1.0
    else:
        q, q_p, i2, h2 = 0.0, 1.0, 0.0, 1.0

    pi_low = pi_high = None
    tau2_ci_low = tau2_ci_high = None
    widened = False
    if p == 1 and name != "FE":
        # metafor predict.rma: beta ± crit * sqrt(se² + tau²), crit from z or t(k - p) as the test
        half = crit * math.sqrt(float(vb[0, 0]) + tau2)
        pi_low, pi_high = float(beta[0]) - half, float(beta[0]) + half
    if name != "FE" and tau2_ci:
        # metafor confint.rma.uni: the Q-profile CI of (residual) tau², with or without moderators
        tau2_ci_low, tau2_ci_high, widened = _qprofile_ci(yi, vi, Xd, tau2, alpha)

    r2 = _pseudo_r2(name, yi, vi, X, tau2) if p > 1 else None
    stats_ = _fit_statistics(name, yi, vi, X, wls, tau2)
    weights = 100.0 * wi / wi.sum()  # metafor weights.rma.uni: percent inverse-variance weights
    return MetaResult(
        method=name, measure=measure, test=test, k=k, p=p,
        beta=beta, se_beta=se, stat=stat, pval_beta=pval, ci_lb=ci_lb, ci_ub=ci_ub, dfs=dfs,
        tau2=float(tau2), se_tau2=fit.se_tau2, tau2_ci_low=tau2_ci_low, tau2_ci_high=tau2_ci_high,
        i2=float(i2), h2=float(h2), q=float(q), q_df=int(q_df), q_p=float(q_p), qm=qm, qm_p=qm_p,
        pi_low=pi_low, pi_high=pi_high, weights=weights, yi=yi, vi=vi, labels=labels_t,
        level=float(level) if level >= 1.0 else 100.0 * (1.0 - alpha), iterations=fit.iterations,
        warnings=tuple(warnings), names=names, r2=r2, tau2_ci_widened=widened, inputs=inputs, **stats_,
    )


def _fit_statistics(name: str, yi: np.ndarray, vi: np.ndarray, X: np.ndarray, wls: WeightedFit,
                    tau2: float) -> dict[str, float]:
    """metafor rma.uni's fit statistics: log likelihood, deviance, AIC, BIC and AICc, the REML ones
    for method REML and the ML ones otherwise (as summary.rma prints them)."""
    k, p = X.shape
    parms = p + (0 if name == "FE" else 1)
    log_v = float(np.sum(np.log(vi + tau2)))
    if name == "REML":
        # restricted log likelihood with metafor's constant 1/2 log det(X'X) (rma.uni, con$REMLf = TRUE)
        logdet_xx = math.log(k) if p == 1 else float(np.linalg.slogdet(X.T @ X)[1])
        ll = (-0.5 * (k - p) * math.log(2 * math.pi) + 0.5 * logdet_xx - 0.5 * log_v
              - 0.5 * wls.logdet_xwx() - 0.5 * wls.rss)
        dev = -2.0 * ll
        n_eff = k - p
    else:
        ll = -0.5 * k * math.log(2 * math.pi) - 0.5 * log_v - 0.5 * wls.rss
        # deviance against the saturated model (each yi its own mean)
        saturated = float(np.sum(-0.5 * np.log(2 * math.pi * vi)))
        dev = -2.0 * (ll - saturated) if k > p else 0.0
        n_eff = k
    aic = -2.0 * ll + 2.0 * parms
    bic = -2.0 * ll + parms * math.log(n_eff)
    m = max(n_eff, parms + 2)
    aicc = -2.0 * ll + 2.0 * parms * m / (m - parms - 1)
    return {"loglik": ll, "deviance": dev, "aic": aic, "bic": bic, "aicc": aicc}


def _pseudo_r2(name: str, yi: np.ndarray, vi: np.ndarray, X: np.ndarray, tau2: float) -> float | None:
    """metafor rma.uni's R² of a meta-regression: for random-effects models the proportional reduction
    of tau² against the intercept-only model with the same estimator, truncated at 0, in percent
    (Raudenbush 2009); for fixed-effect models the adjusted R² of the weighted least-squares fit.
    None when the intercept-only model cannot be fitted."""
    if name == "FE":
        return fe_adjusted_r2(yi, vi, X)
    try:
        tau2_null = estimate_tau2(name, yi, vi).tau2
    except FitError:
        return None
    if tau2_null == 0.0:
        return 0.0
    return max(0.0, 100.0 * (tau2_null - tau2) / tau2_null)


def fe_adjusted_r2(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    """Adjusted R² (percent) of the weighted (1/vi) least-squares fit, as metafor's FE R² (summary.lm)."""
    if np.var(y) == 0:
        return 0.0
    w = 1.0 / v
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)
    fitted = X @ coef
    rss = float(np.sum(w * (y - fitted) ** 2))
    mss = float(np.sum(w * (fitted - np.sum(w * fitted) / np.sum(w)) ** 2))
    n, rank = y.size, np.linalg.matrix_rank(X)
    r2 = mss / (mss + rss)
    return max(0.0, 100.0 * (1 - (1 - r2) * (n - 1) / (n - rank)))


def _qprofile_ci(yi: np.ndarray, vi: np.ndarray, X: np.ndarray | None, tau2: float,
                 alpha: float) -> tuple[float, float, bool]:
    """Q-profile confidence interval of tau² (Viechtbauer 2007, eq. 8), as metafor's confint().

    Bounds solve Q(tau²) = chi²(k-p) quantiles within metafor's interval [0, max(100, 10 tau²)],
    truncated at 0; metafor's boundary rules are kept and the root is found to ~machine precision.
    Where metafor stops at the end of its interval (printing ">100.0000"), the search is widened to
    S / crit with S the unweighted residual sum of squares, beyond which Q(t) <= S / (min(vi) + t)
    is below crit, so the bound is always found. Returns (lower, upper, widened). Each evaluation of
    Q costs O(k p²).
    """
    k = yi.shape[0]
    p = 1 if X is None else X.shape[1]
    y = yi - yi.mean()
    lo, hi = min(0.0, tau2), max(_QP_MAX, 10.0 * tau2)
    crit_u = chi2_isf(alpha / 2.0, k - p)
    crit_l = chi2_ppf(alpha / 2.0, k - p)

    def q_at(t: float) -> float:
        return qe_stat(t, y, vi, X)

    q_lo, q_hi = q_at(lo), q_at(hi)
    widened = False

    def root(target: float, a: float, b: float, f_a: float, f_b: float) -> float:
        r, _, ok = brent_root(lambda t: q_at(t) - target, a, b, f_a - target, f_b - target,
                              tol=_QP_TOL, maxiter=_QP_MAXITER)
        if not ok:  # pragma: no cover - Brent's method converges on a bracketing interval
            raise FitError("The Q-profile confidence interval of tau² did not converge.")
        return max(0.0, r)

    def beyond(target: float) -> float:
        # Q decreases in tau²; Q(t) <= S / (min(vi) + t) < target for t >= S / target
        s = WeightedFit(X, np.ones(k), y).rss
        far = max(hi, s / target)
        return root(target, hi, far, q_hi, q_at(far))

    if q_lo < crit_l:
        upper = lo
    elif q_hi > crit_l:
        upper, widened = beyond(crit_l), True
    else:
        upper = root(crit_l, lo, hi, q_lo, q_hi)
    if q_hi > crit_u:
        lower, widened = beyond(crit_u), True
    elif q_lo < crit_u:
        lower = lo
    else:
        lower = root(crit_u, lo, hi, q_lo, q_hi)
    return max(0.0, lower), max(0.0, upper), widened
