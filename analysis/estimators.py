"""Estimators of the between-study variance tau² for the random-effects (meta-regression) model.

Each estimator is a small private function taking ``(yi, vi, X)`` -- effect sizes, sampling
variances and the design matrix (intercept column first, shape (k, p)) -- and returning a
:class:`Tau2Fit`.  They are selected by name from the explicit mapping ``_ESTIMATORS`` through
:func:`estimate_tau2`.  The algorithms follow metafor's ``rma.uni`` (Viechtbauer 2010, J Stat
Softw 36(3)) with its default control settings -- same starting values, iteration scheme,
convergence threshold (1e-5 absolute change), maximum iterations (100), step halving and
truncation of negative estimates at 0 -- so that estimates agree with metafor's default output.

Notation: W = diag(w), P = W - W X (X'WX)^-1 X'W (the residual-maker weighted projection),
RSS = y' P y with y the centred effect sizes (centring leaves y'Py unchanged since X has an
intercept, and is what metafor does), V = diag(vi).

Nothing here forms a k x k matrix: with the thin QR decomposition W^(1/2) X = Q R (Q is k x p) and
the hat matrix H = Q Q', P = W^(1/2) (I - H) W^(1/2), so y'Py is a weighted residual sum of squares,
tr(P) = sum w (1 - h) with h = diag(H), and every trace the estimators and their standard errors use
has the form tr((I - H) D1 (I - H) D2) for diagonal D1, D2 (see :func:`_trace_pair`). Each costs
O(k p²); for the intercept-only model (p = 1) Q = sqrt(w / sum w) and no decomposition is needed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from analysis.errors import FitError, InputError

ESTIMATORS: tuple[str, ...] = ("FE", "DL", "REML", "ML", "PM", "HS", "SJ", "HE", "EB")

THRESHOLD = 1e-5            # metafor rma.uni control$threshold: convergence of the iterative estimators
MAXITER = 100               # metafor rma.uni control$maxiter
TAU2_MIN = 0.0              # metafor rma.uni control$tau2.min: negative estimates are truncated here
ROOT_TOL = np.finfo(float).eps ** 0.25   # metafor control$tol (R's uniroot default tolerance)
_DBL_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class Tau2Fit:
    """An estimate of tau² with its standard error as metafor reports it."""

    method: str
    tau2: float
    se_tau2: float | None
    iterations: int | None = None
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# weighted least squares without k x k matrices
# --------------------------------------------------------------------------------------------

class WeightedFit:
    """Weighted least squares of y on X with weights w, kept as the pieces the estimators use.

    Attributes: w (k,), q (k, p) orthonormal basis of W^(1/2) X, or None for the intercept-only
    model; r (p, p) upper triangular with W^(1/2) X = q r; h (k,) the leverages diag(H);
    beta (p,); resid (k,) = y - X beta; rss = sum w resid² = y'Py; py = P y = w resid.
    """

    __slots__ = ("w", "q", "r", "h", "beta", "resid", "rss", "py", "sw")

    def __init__(self, X: np.ndarray | None, w: np.ndarray, y: np.ndarray):
        self.w = w
        if X is None:   # intercept only: the weighted mean (closed forms)
            sw = float(w.sum())
            self.sw = sw
            self.q = None
            self.r = np.array([[math.sqrt(sw)]])
            self.h = w / sw
            b = _vdot(w, y) / sw
            self.beta = np.array([b])
            self.resid = y - b
        else:
            root = np.sqrt(w)
            q, r = np.linalg.qr(root[:, None] * X)
            self.sw = float(w.sum())
            self.q, self.r = q, r
            self.h = np.einsum("ij,ij->i", q, q)
            self.beta = _solve_upper(r, q.T @ (root * y))
            self.resid = y - X @ self.beta
        self.py = w * self.resid
        self.rss = _vdot(self.py, self.resid)

    def trace_p(self) -> float:
        """tr(P) = sum w (1 - h)."""
        return _vdot(self.w, 1.0 - self.h)

    def trace_pair(self, d1: np.ndarray, d2: np.ndarray) -> float:
        """tr((I - H) D1 (I - H) D2) for diagonal D1 = diag(d1), D2 = diag(d2) (see _trace_pair)."""
        return _trace_pair(self.q, self.h, d1, d2)

    def cov_unscaled(self) -> np.ndarray:
        """(X'WX)^-1 = R^-1 R^-T (p x p)."""
        if self.q is None:
            return np.array([[1.0 / self.sw]])
        r_inv = _solve_upper(self.r, np.eye(self.r.shape[0]))
        return r_inv @ r_inv.T

    def logdet_xwx(self) -> float:
        """log det(X'WX) = 2 sum log |diag R|."""
        return 2.0 * float(np.sum(np.log(np.abs(np.diag(self.r)))))


def _vdot(a: np.ndarray, b: np.ndarray) -> float:
    """sum(a * b) of two vectors. Not `a @ b`: BLAS ddot may start threads for long vectors, and on a
    busy machine their start-up costs milliseconds (at k = 20,000 a ddot took 7-30 ms, this 10 µs)."""
    return float(np.einsum("i,i->", a, b))


def _solve_upper(r: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve R x = b for upper-triangular R (p x p, small) by back substitution."""
    p = r.shape[0]
    x = np.array(b, dtype=float, copy=True)
    for i in range(p - 1, -1, -1):
        x[i] = (x[i] - r[i, i + 1:] @ x[i + 1:]) / r[i, i]
    return x


def _trace_pair(q: np.ndarray | None, h: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> float:
    """tr((I - H) D1 (I - H) D2) = sum d1 d2 - 2 sum h d1 d2 + tr((Q'D1Q)(Q'D2Q)), H = QQ' (O(k p²)).

    For the intercept-only model Q = sqrt(h) (h = w / sum w), so Q'DQ = sum h d.
    """
    d12 = d1 * d2
    if q is None:
        return float(d12.sum() - 2.0 * _vdot(h, d12) + _vdot(h, d1) * _vdot(h, d2))
    a = q.T @ (d1[:, None] * q)
    b = a if d2 is d1 else q.T @ (d2[:, None] * q)
    return float(d12.sum() - 2.0 * _vdot(h, d12) + np.sum(a * b))


def design_or_none(X: np.ndarray) -> np.ndarray | None:
    """None for the intercept-only design (a column of ones), which has closed forms; else X."""
    if X.shape[1] == 1 and np.all(X[:, 0] == 1.0):
        return None
    return X


def inv_xwx(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """(X' W X)^-1 computed from the QR decomposition of W^(1/2) X (numerically stable)."""
    return WeightedFit(design_or_none(X), w, np.zeros(X.shape[0])).cov_unscaled()


def qe_stat(tau2: float, y: np.ndarray, vi: np.ndarray, X: np.ndarray | None) -> float:
    """Generalised Q statistic y' P y with weights 1/(vi + tau2) (Viechtbauer 2007, eq. 6), O(k p²).

    X may be None for the intercept-only model."""
    if X is not None:
        X = design_or_none(X)
    w = 1.0 / (vi + tau2)
    if X is None:
        mu = _vdot(w, y) / float(w.sum())
        e = y - mu
        return _vdot(w, e * e)
    return WeightedFit(X, w, y).rss


def brent_root(f: Callable[[float], float], lower: float, upper: float, f_lower: float,
               f_upper: float, tol: float = ROOT_TOL, maxiter: int = MAXITER
               ) -> tuple[float, int, bool]:
    """Root of f in [lower, upper] by Brent's method, as R's uniroot() (zeroin) iterates.

    Brent 1973, "Algorithms for minimization without derivatives", ch. 4 (procedure zero):
    inverse quadratic / linear interpolation safeguarded by bisection; a step is accepted when
    |c - b| / 2 <= 2 eps |b| + tol / 2.  Returns (root, iterations, converged).
    """
    a, b, fa, fb = lower, upper, f_lower, f_upper
    c, fc = a, fa
    if fa == 0.0:
        return a, 0, True
    if fb == 0.0:
        return b, 0, True
    for iteration in range(maxiter + 1):
        prev_step = b - a
        if abs(fc) < abs(fb):  # keep b the best approximation so far
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2.0 * _DBL_EPS * abs(b) + tol / 2.0
        new_step = (c - b) / 2.0
        if abs(new_step) <= tol_act or fb == 0.0:
            return b, iteration, True
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):  # interpolation may be tried
            cb = c - b
            if a == c:  # two distinct points: secant (linear interpolation)
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # inverse quadratic interpolation
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0.0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2.0) and p < abs(prev_step * q / 2.0):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0.0 else -tol_act
        a, fa = b, fb
        b = b + new_step
        fb = f(b)
        if (fb > 0.0 and fc > 0.0) or (fb < 0.0 and fc < 0.0):
            c, fc = a, fa  # c must bracket the root with b
    return b, maxiter, False


def _mad(x: np.ndarray) -> float:
    """R's mad(): median absolute deviation scaled by 1.4826 (consistency for the normal)."""
    med = np.median(x)
    return 1.4826 * float(np.median(np.abs(x - med)))


def tau2_upper_bound(yi: np.ndarray) -> float:
    """metafor rma.uni control$tau2.max: max(100, 10 * mad(yi)^2), the PM search interval end."""
    return max(100.0, 10.0 * _mad(yi) ** 2)


def _centre(yi: np.ndarray) -> np.ndarray:
    return yi - yi.mean()


def _dims(X: np.ndarray) -> tuple[int, int]:
    return int(X.shape[0]), int(X.shape[1])


# --------------------------------------------------------------------------------------------
# the estimators
# --------------------------------------------------------------------------------------------

def _fe(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    # fixed-effect (equal-effects) model: tau² = 0 by assumption
    return Tau2Fit("FE", 0.0, None)


def _dl(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    k, p = _dims(X)
    wi = 1.0 / vi
    fit = WeightedFit(design_or_none(X), wi, _centre(yi))
    rss, tr_p = fit.rss, fit.trace_p()
    # DerSimonian & Laird 1986; Raudenbush 2009 eq. 16.43 (meta-regression): (Q - (k - p)) / tr(P)
    tau2 = max(TAU2_MIN, (rss - (k - p)) / tr_p)
    # metafor rma.uni: SE of the method-of-moments estimator (Q is a quadratic form in normals);
    # sum(P * P) = tr(P²) = tr((I - H) W (I - H) W)
    tr_pp = fit.trace_pair(wi, wi)
    se = math.sqrt(1.0 / tr_p ** 2 * (2 * (k - p) + 4 * tau2 * tr_p + 2 * tau2 ** 2 * tr_pp))
    return Tau2Fit("DL", tau2, se)


def _hs(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    k, p = _dims(X)
    wi = 1.0 / vi
    fit = WeightedFit(design_or_none(X), wi, _centre(yi))
    sw = float(wi.sum())
    # Hunter & Schmidt 2004 (Viechtbauer et al. 2015, eq. 8): (Q - k) / sum(wi)
    tau2 = max(TAU2_MIN, (fit.rss - k) / sw)
    # metafor rma.uni: SE of the HS estimator
    se = math.sqrt(1.0 / sw ** 2 * (2 * (k - p) + 4 * tau2 * fit.trace_p()
                                    + 2 * tau2 ** 2 * fit.trace_pair(wi, wi)))
    return Tau2Fit("HS", tau2, se)


def _he_raw(y: np.ndarray, vi: np.ndarray, X: np.ndarray) -> tuple[float, float, float]:
    """Untruncated Hedges estimator with tr(PV) and tr(PVPV), P = I - H the unweighted residual maker
    (the starting value of ML/REML/EB)."""
    k, p = _dims(X)
    fit = WeightedFit(design_or_none(X), np.ones(k), y)
    tr_pv = _vdot(vi, 1.0 - fit.h)
    # Hedges 1983; Raudenbush 2009 eq. 16.40: (y'(I - H)y - tr((I - H)V)) / (k - p)
    return (fit.rss - tr_pv) / (k - p), tr_pv, fit.trace_pair(vi, vi)


def _he(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    k, p = _dims(X)
    raw, tr_pv, tr_pvpv = _he_raw(_centre(yi), vi, X)
    tau2 = max(TAU2_MIN, raw)
    # metafor rma.uni: SE of the HE estimator; sum(PV * t(PV)) = tr(PVPV)
    se = math.sqrt(1.0 / (k - p) ** 2 * (2 * tr_pvpv + 4 * tau2 * tr_pv + 2 * tau2 ** 2 * (k - p)))
    return Tau2Fit("HE", tau2, se)


def _sj(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    k, p = _dims(X)
    y = _centre(yi)
    # Sidik & Jonkman 2005: initial estimate = variance of yi with divisor k
    tau2_0 = float(np.mean(y ** 2))
    wi = 1.0 / (vi + tau2_0)
    fit = WeightedFit(design_or_none(X), wi, y)
    # Sidik & Jonkman 2005, eq. 4 (one step, as metafor): tau2_0 * y'P y / (k - p)
    tau2 = max(TAU2_MIN, tau2_0 * fit.rss / (k - p))
    # metafor rma.uni: SE of the SJ estimator, with PV = P V. With P = W^½(I - H)W^½ and M = WV:
    # sum(PV * t(PV)) = tr((I-H)M(I-H)M), sum(PV * P) = tr(VP²) = tr((I-H)W(I-H)M), sum(P * P) = tr((I-H)W(I-H)W)
    m = wi * vi
    se = math.sqrt(tau2_0 ** 2 / (k - p) ** 2 * (2 * fit.trace_pair(m, m) + 4 * tau2 * fit.trace_pair(wi, m)
                                                  + 2 * tau2 ** 2 * fit.trace_pair(wi, wi)))
    return Tau2Fit("SJ", tau2, se)


def _pm(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    k, p = _dims(X)
    y = _centre(yi)
    Xd = design_or_none(X)
    target = float(k - p)
    upper = tau2_upper_bound(yi)

    # Paule & Mandel 1982; DerSimonian & Kacker 2007 eq. 9: solve Q(tau²) = k - p
    def objective(t: float) -> float:
        return qe_stat(t, y, vi, Xd) - target

    f_low = objective(TAU2_MIN)
    iterations: int | None = None
    if f_low < 0.0:
        tau2 = TAU2_MIN
    else:
        f_up = objective(upper)
        if f_up > 0.0:
            raise FitError(
                f"The PM estimator found no root of Q(tau²) = k - p below tau² = {upper:g}; "
                "use method='DL' instead.")
        # metafor solves with uniroot(tol = eps^0.25, maxiter = 100): Brent's method
        tau2, iterations, ok = brent_root(objective, TAU2_MIN, upper, f_low, f_up)
        if not ok:
            raise FitError(
                f"The PM estimator did not converge in {MAXITER} iterations; use method='DL' instead.")
        tau2 = max(TAU2_MIN, tau2)
    wi = 1.0 / (vi + tau2)
    # metafor rma.uni: SE for the PM/EB estimators, sqrt(2 k² / (k - p) / sum(wi)²)
    se = math.sqrt(2.0 * k ** 2 / (k - p) / float(wi.sum()) ** 2)
    return Tau2Fit("PM", tau2, se, iterations)


def _log_lik(y: np.ndarray, vi: np.ndarray, X: np.ndarray | None, tau2: float, reml: bool) -> float:
    """(Restricted) log likelihood of the centred data (Viechtbauer 2005, eqs. 4 and 5), without the
    constant 1/2 log det(X'X) metafor adds to the REML likelihood. X None: intercept only."""
    k = y.shape[0]
    p = 1 if X is None else X.shape[1]
    wi = 1.0 / (vi + tau2)
    fit = WeightedFit(X, wi, y)
    log_v = float(np.sum(np.log(vi + tau2)))
    if not reml:
        return -0.5 * k * math.log(2 * math.pi) - 0.5 * log_v - 0.5 * fit.rss
    return -0.5 * (k - p) * math.log(2 * math.pi) - 0.5 * log_v - 0.5 * fit.logdet_xwx() - 0.5 * fit.rss


def _fisher_scoring(method: str, yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    k, p = _dims(X)
    Xd = design_or_none(X)
    y = _centre(yi)
    tau2 = max(0.0, _he_raw(y, vi, X)[0], TAU2_MIN)  # metafor's tau2.init: the truncated HE estimate
    change, iteration = THRESHOLD + 1.0, 0
    while change > THRESHOLD:
        iteration += 1
        old = tau2
        wi = 1.0 / (vi + tau2)
        fit = WeightedFit(Xd, wi, y)
        py = fit.py
        if method == "ML":
            # Viechtbauer 2005, eq. 7 (ML Fisher scoring step)
            adj = (_vdot(py, py) - float(wi.sum())) / _vdot(wi, wi)
        elif method == "REML":
            # Viechtbauer 2005, eq. 9 (REML Fisher scoring step); sum(P * t(P)) = tr(P²)
            adj = (_vdot(py, py) - fit.trace_p()) / fit.trace_pair(wi, wi)
        else:
            # Morris 1983 / Berkey et al. 1995 (empirical Bayes): step towards y'Py k/(k-p) = k
            adj = (fit.rss * k / (k - p) - k) / float(wi.sum())
        if math.isnan(adj):
            adj = 0.0
        while tau2 + adj < TAU2_MIN:  # metafor: step halving keeps tau² >= tau2.min
            adj /= 2.0
        tau2 = tau2 + adj
        change = abs(old - tau2)
        if iteration > MAXITER:
            raise FitError(
                f"The {method} estimator (Fisher scoring) did not converge in {MAXITER} iterations; "
                "use method='DL' or method='PM', which always give an estimate.")
    warnings: tuple[str, ...] = ()
    if method in ("ML", "REML"):
        # metafor rma.uni (ll0check): fall back to tau² = 0 when it has a higher likelihood
        reml = method == "REML"
        if _log_lik(y, vi, Xd, 0.0, reml) - _log_lik(y, vi, Xd, tau2, reml) > ROOT_TOL and tau2 > THRESHOLD:
            warnings = (f"{method} Fisher scoring may have stopped at a local maximum; tau² set to 0 "
                        "(the likelihood is higher there).",)
            tau2 = 0.0
    tau2 = max(TAU2_MIN, tau2)
    wi = 1.0 / (vi + tau2)
    if method == "ML":
        se = math.sqrt(2.0 / _vdot(wi, wi))  # inverse Fisher information (Viechtbauer 2005, eq. 8)
    elif method == "REML":
        fit = WeightedFit(Xd, wi, y)
        se = math.sqrt(2.0 / fit.trace_pair(wi, wi))  # inverse Fisher information (Viechtbauer 2005, eq. 10)
    else:
        se = math.sqrt(2.0 * k ** 2 / (k - p) / float(wi.sum()) ** 2)  # metafor rma.uni: SE for EB/PM
    return Tau2Fit(method, tau2, se, iteration, warnings)


def _ml(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    return _fisher_scoring("ML", yi, vi, X)


def _reml(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    return _fisher_scoring("REML", yi, vi, X)


def _eb(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> Tau2Fit:
    return _fisher_scoring("EB", yi, vi, X)


_ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray], Tau2Fit]] = {
    "FE": _fe,
    "DL": _dl,
    "REML": _reml,
    "ML": _ml,
    "PM": _pm,
    "HS": _hs,
    "SJ": _sj,
    "HE": _he,
    "EB": _eb,
}
assert tuple(_ESTIMATORS) == ESTIMATORS


def check_method(method: str) -> str:
    """Return the canonical estimator name; unknown names raise InputError listing the valid ones."""
    name = str(method).strip().upper()
    if name == "EE":  # metafor's name for the equal-effects (fixed-effect) model
        name = "FE"
    if name not in _ESTIMATORS:
        raise InputError(f"Unknown tau² estimator {method!r}; use one of: {', '.join(ESTIMATORS)}.")
    return name


def estimate_tau2(method: str, yi, vi, X=None) -> Tau2Fit:
    """Estimate tau² with the named estimator (one of ESTIMATORS).

    yi, vi: effect sizes and (positive) sampling variances, shape (k,); X: design matrix (k, p),
    intercept column first (default: intercept only).  Needs k > p for random-effects estimators.
    """
    name = check_method(method)
    yi = np.asarray(yi, dtype=float)
    vi = np.asarray(vi, dtype=float)
    X = np.ones((yi.shape[0], 1)) if X is None else np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != yi.shape[0] or vi.shape != yi.shape:
        raise InputError(f"yi, vi and X must have k rows; got {yi.shape}, {vi.shape} and {X.shape}.")
    k, p = _dims(X)
    if name != "FE" and k <= p:
        raise FitError(f"The {name} estimator needs more studies than coefficients; got k = {k}, "
                            f"p = {p}. Add studies or drop moderators.")
    return _ESTIMATORS[name](yi, vi, X)
