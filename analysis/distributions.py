"""The few distribution functions pooling needs (normal, t, chi², F), in pure Python on `math`.

`rma` needs tail probabilities and quantiles of the normal, t, chi² and F distributions, a handful
per fit. scipy.stats (and even scipy.special) takes 0.2-1 s to import, longer than a whole
`trialsynth pool` run should take, so these are written on `math` alone, after the standard
algorithms:

- normal: erfc (math) for the tails; Wichura 1988, Algorithm AS 241 (PPND16) for quantiles
  (about 16 significant digits);
- regularised incomplete gamma P(a, x), Q(a, x): series and Lentz continued fraction
  (Press et al. 2007, Numerical Recipes 3rd ed., section 6.2) -> chi²;
- regularised incomplete beta I_x(a, b): Lentz continued fraction (Numerical Recipes section 6.4)
  -> t and F;
- quantiles by Newton steps safeguarded by bisection on a bracket (chi², t).

Accuracy: relative error below 1e-12 over the ranges meta-analysis uses (checked against
scipy.special in tests/analysis/test_distributions.py); df up to 10^6.
"""
from __future__ import annotations

import math

__all__ = ["norm_sf", "norm_cdf", "norm_ppf", "norm_isf", "chi2_sf", "chi2_cdf", "chi2_ppf", "chi2_isf",
           "t_sf", "t_isf", "f_sf"]

_EPS = 2.220446049250313e-16
_TINY = 1e-300
_MAXITER = 100_000
_SQRT2 = math.sqrt(2.0)


def _check_p(p: float) -> None:
    if not 0.0 <= p <= 1.0 or math.isnan(p):
        raise ValueError(f"probability must lie in [0, 1]; got {p!r}")


# ------------------------------------------------------------------------------------------- normal

def norm_sf(z: float) -> float:
    """Upper tail probability P(Z > z) of the standard normal."""
    return 0.5 * math.erfc(z / _SQRT2)


def norm_cdf(z: float) -> float:
    """P(Z <= z) of the standard normal."""
    return 0.5 * math.erfc(-z / _SQRT2)


def norm_ppf(p: float) -> float:
    """Quantile of the standard normal (Wichura 1988, Applied Statistics 37:477, AS 241 PPND16)."""
    _check_p(p)
    if p == 0.0:
        return -math.inf
    if p == 1.0:
        return math.inf
    q = p - 0.5
    if abs(q) <= 0.425:
        r = 0.180625 - q * q
        return q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r
                        + 45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r
                     + 133.14166789178437745) * r + 3.387132872796366608) / (
            ((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r
                + 21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r
             + 42.313330701600911252) * r + 1.0)
    r = p if q < 0 else 1.0 - p
    r = math.sqrt(-math.log(r))
    if r <= 5.0:
        r -= 1.6
        val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r
                   + 1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734) / (
            ((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r
                + 0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r
             + 2.05319162663775882187) * r + 1.0)
    else:
        r -= 5.0
        val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r
                   + 0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772) / (
            ((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r
                + 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
             + 0.59983220655588793769) * r + 1.0)
    return -val if q < 0 else val


def norm_isf(p: float) -> float:
    """The z with P(Z > z) = p."""
    return -norm_ppf(p)


# ------------------------------------------------------------------------------ incomplete gamma

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _stirling_error(a: float) -> float:
    """lgamma(a) - ((a - 1/2) log a - a + log(2 pi)/2), by its asymptotic series for a >= 10
    (Abramowitz & Stegun 6.1.41)."""
    if a < 10.0:
        return math.lgamma(a) - ((a - 0.5) * math.log(a) - a + _HALF_LOG_2PI)
    a2 = 1.0 / (a * a)
    return (1.0 / 12.0 - a2 * (1.0 / 360.0 - a2 * (1.0 / 1260.0 - a2 * (1.0 / 1680.0 - a2 / 1188.0)))) / a


def _log_gamma_prefactor(a: float, x: float) -> float:
    """log(x^a e^-x / Gamma(a)); for large a as a (log1p(u) - u) + log(a / 2 pi)/2 - stirling(a), u = (x - a)/a,
    which avoids the cancellation of a log x - x - lgamma(a) (Temme 1979; DiDonato & Morris 1986)."""
    if a < 10.0:
        return a * math.log(x) - x - math.lgamma(a)
    u = (x - a) / a
    return a * (math.log1p(u) - u) + 0.5 * math.log(a) - _HALF_LOG_2PI - _stirling_error(a)


def _gamma_prefactor(a: float, x: float) -> float:
    # x^a e^-x / Gamma(a)
    return math.exp(_log_gamma_prefactor(a, x))


def _gamma_series(a: float, x: float) -> float:
    """P(a, x) by its series (Numerical Recipes 6.2.5); converges fast for x < a + 1.

    For large a the series needs about 10 sqrt(a) terms (thousands when df is in the tens of
    thousands): they are then summed with numpy, as a cumulative product of x / (a + n).
    """
    if a > 50.0:
        import numpy as np

        n = int(12.0 * math.sqrt(a) + 60)
        while True:
            terms = np.cumprod(x / (a + np.arange(1.0, n + 1.0)))
            if terms[-1] < _EPS * 1e-3 or n > _MAXITER:
                break
            n *= 2
        return (1.0 + float(np.sum(terms))) / a * _gamma_prefactor(a, x)
    ap, term = a, 1.0 / a
    total = term
    for _ in range(_MAXITER):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * _gamma_prefactor(a, x)


def _gamma_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction, modified Lentz (Numerical Recipes 6.2.7); for x >= a + 1."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    for i in range(1, _MAXITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if abs(d) < _TINY:
            d = _TINY
        c = b + an / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return _gamma_prefactor(a, x) * h


def gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x)."""
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    return _gamma_series(a, x) if x < a + 1.0 else 1.0 - _gamma_fraction(a, x)


def gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x)."""
    if x <= 0.0:
        return 1.0
    if math.isinf(x):
        return 0.0
    return 1.0 - _gamma_series(a, x) if x < a + 1.0 else _gamma_fraction(a, x)


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for X ~ chi²(df)."""
    return gamma_q(0.5 * df, 0.5 * x)


def chi2_cdf(x: float, df: float) -> float:
    """P(X <= x) for X ~ chi²(df)."""
    return gamma_p(0.5 * df, 0.5 * x)


def _chi2_quantile(p: float, df: float, upper: bool) -> float:
    """x with P(X <= x) = p (upper=False) or P(X > x) = p (upper=True); Newton steps on a bracket."""
    _check_p(p)
    if p == 0.0:
        return math.inf if upper else 0.0
    if p == 1.0:
        return 0.0 if upper else math.inf
    a = 0.5 * df
    # Wilson & Hilferty 1931 starting value
    z = norm_isf(p) if upper else norm_ppf(p)
    h = 2.0 / (9.0 * df)
    x = df * max(1.0 - h + z * math.sqrt(h), 0.05) ** 3

    def miss(xv: float) -> float:   # > 0 when xv is above the quantile
        return (p - gamma_q(a, 0.5 * xv)) if upper else (gamma_p(a, 0.5 * xv) - p)

    lo, hi = 0.0, math.inf
    for _ in range(400):
        f = miss(x)
        if f == 0.0:
            return x
        if f > 0.0:
            hi = x
        else:
            lo = x
        g = 0.5 * x
        dens = 0.5 * math.exp((a - 1.0) * math.log(g) - g - math.lgamma(a)) if g > 0 else 0.0
        step = f / dens if dens > 0.0 else math.inf
        new = x - step
        if not (lo < new < hi) or not math.isfinite(new):
            new = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * x + 1.0
        if abs(new - x) <= 4.0 * _EPS * abs(new):
            return new
        x = new
    return x


def chi2_ppf(p: float, df: float) -> float:
    """x with P(X <= x) = p for X ~ chi²(df)."""
    return _chi2_quantile(p, df, upper=False)


def chi2_isf(p: float, df: float) -> float:
    """x with P(X > x) = p for X ~ chi²(df)."""
    return _chi2_quantile(p, df, upper=True)


# ------------------------------------------------------------------------------- incomplete beta

def _log_beta(a: float, b: float) -> float:
    """log B(a, b); when one argument is large, lgamma(A + s) - lgamma(A) is taken as
    s log A + (A + s - 1/2) log1p(s/A) - s + stirling(A + s) - stirling(A) (no cancellation)."""
    big, small = max(a, b), min(a, b)
    if big < 10.0:
        return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    shift = (small * math.log(big) + (big + small - 0.5) * math.log1p(small / big) - small
             + _stirling_error(big + small) - _stirling_error(big))
    return math.lgamma(small) - shift


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of I_x(a, b), modified Lentz (Numerical Recipes 6.4.5)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    if abs(d) < _TINY:
        d = _TINY
    d = 1.0 / d
    h = d
    for m in range(1, _MAXITER):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if abs(d) < _TINY:
            d = _TINY
        c = 1.0 + aa / c
        if abs(c) < _TINY:
            c = _TINY
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def beta_inc(a: float, b: float, x: float, y: float | None = None) -> float:
    """Regularised incomplete beta I_x(a, b); y = 1 - x may be given exactly to avoid cancellation."""
    if y is None:
        y = 1.0 - x
    if x <= 0.0:
        return 0.0
    if y <= 0.0:
        return 1.0
    log_x = math.log1p(-y) if x > 0.5 else math.log(x)
    log_y = math.log1p(-x) if y > 0.5 else math.log(y)
    log_front = a * log_x + b * log_y - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, y) / b


# ----------------------------------------------------------------------------------------- t and F

def t_sf(t: float, df: float) -> float:
    """P(T > t) for T ~ t(df) (Abramowitz & Stegun 26.7.1 through the incomplete beta)."""
    if math.isnan(t):
        return math.nan
    if math.isinf(t):
        return 0.0 if t > 0 else 1.0
    t2 = t * t
    x, y = df / (df + t2), t2 / (df + t2)   # I_x(df/2, 1/2) = P(|T| > |t|)
    tail = 0.5 * beta_inc(0.5 * df, 0.5, x, y)
    return tail if t > 0 else 1.0 - tail


def _t_pdf(t: float, df: float) -> float:
    return math.exp(math.lgamma(0.5 * (df + 1.0)) - math.lgamma(0.5 * df) - 0.5 * math.log(df * math.pi)
                    - 0.5 * (df + 1.0) * math.log1p(t * t / df))


def t_isf(p: float, df: float) -> float:
    """t with P(T > t) = p for T ~ t(df); Newton steps on a bracket from the normal quantile."""
    _check_p(p)
    if p == 0.0:
        return math.inf
    if p == 1.0:
        return -math.inf
    if p > 0.5:
        return -t_isf(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df == 1.0:
        return 1.0 / math.tan(math.pi * p)           # Cauchy
    if df == 2.0:
        return (1.0 - 2.0 * p) / math.sqrt(2.0 * p * (1.0 - p))   # closed form for 2 df
    z = norm_isf(p)
    # Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5), two terms
    t = z + (z ** 3 + z) / (4.0 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96.0 * df * df)
    lo, hi = 0.0, math.inf
    for _ in range(400):
        f = p - t_sf(t, df)          # > 0 when t is above the quantile
        if f == 0.0:
            return t
        if f > 0.0:
            hi = t
        else:
            lo = t
        new = t - f / _t_pdf(t, df)
        if not (lo < new < hi) or not math.isfinite(new):
            new = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * t + 1.0
        if abs(new - t) <= 4.0 * _EPS * abs(new):
            return new
        t = new
    return t


def f_sf(f: float, df1: float, df2: float) -> float:
    """P(F > f) for F ~ F(df1, df2) = I_{df2/(df2 + df1 f)}(df2/2, df1/2)."""
    if math.isnan(f):
        return math.nan
    if f <= 0.0:
        return 1.0
    if math.isinf(f):
        return 0.0
    x = df2 / (df2 + df1 * f)
    y = df1 * f / (df2 + df1 * f)
    return beta_inc(0.5 * df2, 0.5 * df1, x, y)
