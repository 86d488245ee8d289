"""Recover means, SDs and sampling variances from what trial reports print.

Pure, vectorised functions (array-likes in, numpy arrays out). Sources: Cochrane Handbook for
Systematic Reviews of Interventions v6.4, chapter 6 (Higgins, Li & Deeks), and metafor's
``conv.wald`` and ``conv.fivenum`` (metafor >= 4.0; re-derived from the cited papers).
Invalid input raises :class:`trialsynth.errors.InputError` naming the row, argument and value.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from analysis.errors import InputError

__all__ = ["sd_from_se", "sd_from_ci", "conv_wald", "sd_from_p_value", "mean_sd_from_fivenum",
           "sd_change", "impute_r", "combine_arms"]


def _arr(name: str, value: Any, allow_nan: bool = False) -> np.ndarray:
    try:
        a = np.atleast_1d(np.asarray(value, dtype=float))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric; got {value!r:.80}. Give numbers.") from exc
    bad = np.isinf(a) if allow_nan else ~np.isfinite(a)
    _fail(name, bad, a, "must be a finite number", "Fill in the value or drop the row.")
    return a


def _fail(name: str, mask: np.ndarray, values: np.ndarray, rule: str, fix: str) -> None:
    bad = np.flatnonzero(np.broadcast_to(mask, values.shape))
    if bad.size:
        i = int(bad[0])
        v = float(values.reshape(-1)[i])
        shown = repr(int(v)) if v.is_integer() else repr(v)
        raise InputError(f"{name} {rule}; row {i + 1} has {shown}. {fix}")


def _bcast(**arrays: np.ndarray) -> list[np.ndarray]:
    try:
        return [np.asarray(a, dtype=float) for a in np.broadcast_arrays(*arrays.values())]
    except ValueError as exc:
        sizes = ", ".join(f"{k}={np.size(v)}" for k, v in arrays.items())
        raise InputError(f"inputs must have the same length (or length 1); got {sizes}. "
                         f"Give one value per study.") from exc


def sd_from_se(se, n) -> np.ndarray:
    """SD of a group from the standard error of its mean: SD = SE * sqrt(n).

    Cochrane Handbook 6.5.2.2. Returns an array; raises InputError if se < 0 or n <= 0.
    """
    se, n = _bcast(se=_arr("se", se), n=_arr("n", n))
    _fail("se", se < 0, se, "must be >= 0", "Fix the standard error.")
    _fail("n", n <= 0, n, "must be > 0", "Fix the sample size.")
    return se * np.sqrt(n)  # Cochrane Handbook 6.5.2.2: SD = SE x sqrt(N)


def sd_from_ci(lower, upper, n, level: float = 95, dist: str = "auto") -> np.ndarray:
    """SD of a group from a confidence interval of its mean.

    SD = sqrt(n) * (upper - lower) / (2 * crit), crit the (1 + level/100)/2 quantile of the
    t distribution with n - 1 df or of the standard normal. ``dist="auto"`` follows the Cochrane
    Handbook 6.5.2.2: t for n < 60, z (1.96 for 95%) otherwise; "t" or "z" force one.
    Raises InputError if upper < lower, n <= 0 (n < 2 for t), or level not in (0, 100).
    """
    from scipy import stats  # imported where used: it takes ~0.4 s

    lo, up, n = _bcast(lower=_arr("lower", lower), upper=_arr("upper", upper), n=_arr("n", n))
    _check_level(level)
    if dist not in ("auto", "t", "z"):
        raise InputError(f"dist must be 'auto', 't' or 'z'; got {dist!r}. Use 'auto' (t for n < 60).")
    _fail("upper", up < lo, up, "must be >= lower", "Check that the bounds are not swapped.")
    _fail("n", n <= 0, n, "must be > 0", "Fix the sample size.")
    use_t = (n < 60) if dist == "auto" else np.full(n.shape, dist == "t")
    _fail("n", use_t & (n < 2), n, "must be >= 2 for a t-based interval", "Use dist='z' or fix n.")
    q = 0.5 + level / 200.0
    with np.errstate(invalid="ignore"):
        crit = np.where(use_t, stats.t.ppf(q, np.where(use_t, n - 1, 1.0)), stats.norm.ppf(q))
    # Cochrane Handbook 6.5.2.2: SD = sqrt(N) x (upper - lower) / 3.92 (z) or / (2 t_{N-1}) for small N
    return np.sqrt(n) * (up - lo) / (2.0 * crit)


def _check_level(level: float) -> None:
    if not (isinstance(level, (int, float)) and 0 < level < 100):
        raise InputError(f"level must be a percentage between 0 and 100; got {level!r}. Use e.g. 95.")


_TRANSF: dict[str, Callable[[np.ndarray], np.ndarray]] = {"none": lambda x: x, "log": np.log}


def conv_wald(out=None, ci_lb=None, ci_ub=None, zval=None, pval=None, level: float = 95,
              transf: str | Callable[[np.ndarray], np.ndarray] = "none") -> tuple[np.ndarray, np.ndarray]:
    """Sampling variances from Wald-type CIs or tests, as metafor's ``conv.wald`` does.

    yi = transf(out). From CI bounds: vi = ((transf(ub) - transf(lb)) / (2 z_{1-alpha/2}))^2; else from a
    Wald statistic vi = (yi / z)^2, with z = qnorm(p/2, lower=FALSE) from a two-sided p-value when zval
    is missing. CI bounds take precedence over zval/pval (metafor's rule); rows with neither get NaN.
    ``transf`` is "none", "log" (ratio measures reported on the natural scale) or a callable.
    Normal (z) distribution only, as in metafor. Returns (yi, vi).
    Raises InputError for p outside [0, 1], ub < lb, or an unknown transf.
    """
    from scipy import stats  # imported where used: it takes ~0.4 s

    given = {k: v for k, v in dict(out=out, ci_lb=ci_lb, ci_ub=ci_ub, zval=zval, pval=pval).items()
             if v is not None}
    if "out" not in given and "ci_lb" not in given:
        raise InputError("conv_wald needs out (the estimate) and ci_lb + ci_ub, zval or pval. "
                         "Give the estimate and one of them.")
    if ("ci_lb" in given) != ("ci_ub" in given):
        raise InputError("conv_wald needs both ci_lb and ci_ub (or neither). Give both bounds.")
    _check_level(level)
    if isinstance(transf, str):
        if transf not in _TRANSF:
            raise InputError(f"transf must be one of {', '.join(_TRANSF)} or a function; got {transf!r}. "
                             f"Use 'log' for ratios reported on their natural scale.")
        tf = _TRANSF[transf]
    elif callable(transf):
        tf = transf
    else:
        raise InputError(f"transf must be a name or a function; got {transf!r}. Use 'none' or 'log'.")
    arrs = {k: _arr(k, v, allow_nan=True) for k, v in given.items()}
    vals = dict(zip(arrs, _bcast(**arrs)))
    shape = next(iter(vals.values())).shape
    nan = np.full(shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in ("out", "ci_lb", "ci_ub"):
            if k in vals:
                if transf == "log":
                    _fail(k, vals[k] <= 0, vals[k], "must be > 0 with transf='log'", "Give ratios on their natural scale.")
                vals[k] = np.asarray(tf(vals[k]), dtype=float)
        yi = vals.get("out", nan)
        vi = nan.copy()
        crit = stats.norm.isf((1 - level / 100.0) / 2)
        if "ci_lb" in vals:
            lb, ub = vals["ci_lb"], vals["ci_ub"]
            _fail("ci_ub", ub < lb, ub, "must be >= ci_lb", "Check that the bounds are not swapped.")
            vi = ((ub - lb) / (2 * crit)) ** 2  # metafor conv.wald: Wald CI width = 2 z se
        z = vals.get("zval", nan.copy())
        if "pval" in vals:
            p = vals["pval"]
            _fail("pval", (p < 0) | (p > 1), p, "must be between 0 and 1", "Fix the p-value.")
            z = np.where(np.isnan(z), stats.norm.isf(p / 2), z)  # metafor conv.wald: two-sided p -> |z|
        vi = np.where(np.isnan(vi), (yi / z) ** 2, vi)  # metafor conv.wald: z = yi / se
    return np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)


def sd_from_p_value(p, mean_diff, n1, n2, two_sided: bool = True) -> np.ndarray:
    """Within-group SD from the p-value of a two-sample t test of a mean difference.

    Cochrane Handbook 6.5.2.3: t = the (1 - p/2) quantile of t with n1 + n2 - 2 df (1 - p if one-sided),
    SE = |MD| / t, SD = SE / sqrt(1/n1 + 1/n2). Returns an array; raises InputError for p outside
    (0, 1), n < 2, or mean_diff == 0 (the SD is not identified).
    """
    from scipy import stats  # imported where used: it takes ~0.4 s

    p, md, n1, n2 = _bcast(p=_arr("p", p), mean_diff=_arr("mean_diff", mean_diff), n1=_arr("n1", n1),
                           n2=_arr("n2", n2))
    _fail("p", (p <= 0) | (p >= 1), p, "must be strictly between 0 and 1", "Fix the p-value (use the exact value).")
    _fail("n1", n1 < 2, n1, "must be >= 2", "Fix the group size.")
    _fail("n2", n2 < 2, n2, "must be >= 2", "Fix the group size.")
    _fail("mean_diff", md == 0, md, "must be non-zero to recover an SD from a p-value", "Use another source for the SD.")
    tval = stats.t.isf(p / 2 if two_sided else p, n1 + n2 - 2)  # Cochrane Handbook 6.5.2.3
    se = np.abs(md) / tval
    return se / np.sqrt(1 / n1 + 1 / n2)  # Cochrane Handbook 6.5.2.3: SD = SE / sqrt(1/N_E + 1/N_C)


def mean_sd_from_fivenum(min=None, q1=None, median=None, q3=None, max=None, n=None,
                         test: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Estimate means and SDs from medians with ranges and/or quartiles (metafor ``conv.fivenum``).

    metafor's default method "luo/wan/shi" with dist="norm". Per row, by which values are given:
    - min, median, max: mean Luo et al. (2018) eq 7, SD Wan et al. (2014) eq 9;
    - q1, median, q3: mean Luo et al. (2018) eq 11, SD Wan et al. (2014) eq 16;
    - all five: mean Luo et al. (2018) eq 15, SD Shi et al. (2020) eq 10.
    Use NaN/None for a value not reported. With ``test`` (metafor's default), rows whose data are
    significantly skewed by the test of Shi et al. (2023) get NaN (the normal-theory estimators do not
    apply); rows with n < 5 or another combination of values get NaN too (metafor does the same).
    Returns (means, sds). Raises InputError if min <= q1 <= median <= q3 <= max fails or n is missing.
    """
    from scipy import stats  # imported where used: it takes ~0.4 s

    vals = {k: v for k, v in dict(min=min, q1=q1, median=median, q3=q3, max=max).items() if v is not None}
    if not vals:
        raise InputError("mean_sd_from_fivenum needs some of min, q1, median, q3, max. Give them with n.")
    if n is None:
        raise InputError("mean_sd_from_fivenum needs n (the sample sizes): the estimators depend on n. Give n.")
    arrs = {k: _arr(k, _none_to_nan(v), allow_nan=True) for k, v in vals.items()}
    arrs["n"] = _arr("n", n)
    b = dict(zip(arrs, _bcast(**arrs)))
    shape = b["n"].shape
    nan = np.full(shape, np.nan)
    a, q1_, md, q3_, b_ = (b.get(k, nan) for k in ("min", "q1", "median", "q3", "max"))
    nn = b["n"]
    _fail("n", nn <= 0, nn, "must be > 0", "Fix the sample size.")
    stacked = np.stack([a, q1_, md, q3_, b_])
    for i in range(shape[0]):
        col = stacked[:, i][~np.isnan(stacked[:, i])]
        if np.any(np.diff(col) < 0):
            raise InputError(f"min <= q1 <= median <= q3 <= max must hold; row {i + 1} has "
                             f"{stacked[:, i].tolist()!r}. Check the order of the values.")
    ok = nn >= 5  # metafor conv.fivenum: rows with n < 5 are excluded
    case1 = ~np.isnan(a) & np.isnan(q1_) & np.isnan(q3_) & ~np.isnan(b_) & ok
    case2 = np.isnan(a) & ~np.isnan(q1_) & ~np.isnan(q3_) & np.isnan(b_) & ok
    case3 = ~np.isnan(a) & ~np.isnan(q1_) & ~np.isnan(q3_) & ~np.isnan(b_) & ok
    means, sds = nan.copy(), nan.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = 2 * stats.norm.ppf((nn - 0.375) / (nn + 0.25))  # Wan et al. 2014 eq 7: E(range)/sigma
        eta = 2 * stats.norm.ppf((0.75 * nn - 0.125) / (nn + 0.25))  # Wan et al. 2014 eq 15: E(IQR)/sigma
        skew1 = np.abs((a + b_ - 2 * md) / (b_ - a))
        skew2 = np.abs((q1_ + q3_ - 2 * md) / (q3_ - q1_))
        # Shi et al. (2023) skewness tests (critical values as in metafor conv.fivenum)
        sig1 = skew1 >= 1 / np.log(nn + 9) + 2.5 / (nn + 1)
        sig2 = skew2 >= 2.65 / np.sqrt(nn) - 6 / nn**2
        sig3 = np.fmax(2.65 * np.log(0.6 * nn) / np.sqrt(nn) * skew1, skew2) >= 3 / np.sqrt(nn) - 40 / nn**3
        if test:
            case1, case2, case3 = case1 & ~sig1, case2 & ~sig2, case3 & ~sig3
        w1 = 4 / (4 + nn**0.75)
        m1 = w1 * (a + b_) / 2 + (1 - w1) * md  # Luo et al. 2018 eq 7
        s1 = (b_ - a) / xi  # Wan et al. 2014 eq 9
        w2 = 0.7 + 0.39 / nn
        m2 = w2 * (q1_ + q3_) / 2 + (1 - w2) * md  # Luo et al. 2018 eq 11
        s2 = (q3_ - q1_) / eta  # Wan et al. 2014 eq 16
        wa, wb = 2.2 / (2.2 + nn**0.75), 0.7 - 0.72 / nn**0.55
        m3 = wa * (a + b_) / 2 + wb * (q1_ + q3_) / 2 + (1 - wa - wb) * md  # Luo et al. 2018 eq 15
        ws = 1 / (1 + 0.07 * nn**0.6)
        s3 = ws * (b_ - a) / xi + (1 - ws) * (q3_ - q1_) / eta  # Shi et al. 2020 eq 10
    for case, m, s in ((case1, m1, s1), (case2, m2, s2), (case3, m3, s3)):
        means = np.where(case, m, means)
        sds = np.where(case, s, sds)
    return means, sds


def _none_to_nan(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [np.nan if x is None else x for x in v]
    return v


def sd_change(sd_baseline, sd_followup, r) -> np.ndarray:
    """SD of change from baseline: sqrt(SD_b² + SD_f² - 2 r SD_b SD_f).

    Cochrane Handbook 6.5.2.8. Raises InputError for a negative SD or r outside [-1, 1].
    """
    sb, sf, r = _bcast(sd_baseline=_arr("sd_baseline", sd_baseline), sd_followup=_arr("sd_followup", sd_followup),
                       r=_arr("r", r))
    _fail("sd_baseline", sb < 0, sb, "must be >= 0", "Fix the SD.")
    _fail("sd_followup", sf < 0, sf, "must be >= 0", "Fix the SD.")
    _fail("r", np.abs(r) > 1, r, "must be between -1 and 1", "Fix the correlation.")
    return np.sqrt(np.maximum(sb**2 + sf**2 - 2 * r * sb * sf, 0.0))  # Cochrane Handbook 6.5.2.8


def impute_r(sd_baseline, sd_followup, sd_change) -> np.ndarray:
    """Correlation between baseline and follow-up implied by the three SDs (reverse of sd_change).

    r = (SD_b² + SD_f² - SD_change²) / (2 SD_b SD_f); Cochrane Handbook 6.5.2.8. Raises InputError if
    an SD is <= 0 or the SDs imply |r| > 1 (they are inconsistent).
    """
    sb, sf, sc = _bcast(sd_baseline=_arr("sd_baseline", sd_baseline),
                        sd_followup=_arr("sd_followup", sd_followup), sd_change=_arr("sd_change", sd_change))
    _fail("sd_baseline", sb <= 0, sb, "must be > 0", "Fix the SD.")
    _fail("sd_followup", sf <= 0, sf, "must be > 0", "Fix the SD.")
    _fail("sd_change", sc < 0, sc, "must be >= 0", "Fix the SD.")
    r = (sb**2 + sf**2 - sc**2) / (2 * sb * sf)  # Cochrane Handbook 6.5.2.8
    _fail("sd_change", np.abs(r) > 1 + 1e-12, sc, "is inconsistent with sd_baseline and sd_followup (implied |r| > 1)",
          "Check the three SDs.")
    return np.clip(r, -1.0, 1.0)


def combine_arms(n1, m1, sd1, n2, m2, sd2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge two groups into one: (n, mean, sd), Cochrane Handbook Table 6.5.a.

    N = N1 + N2; M = (N1 M1 + N2 M2) / N;
    SD = sqrt(((N1-1) SD1² + (N2-1) SD2² + N1 N2 / N (M1 - M2)²) / (N - 1)).
    Raises InputError for n <= 0, N < 2 or a negative SD.
    """
    n1, m1, sd1, n2, m2, sd2 = _bcast(n1=_arr("n1", n1), m1=_arr("m1", m1), sd1=_arr("sd1", sd1),
                                      n2=_arr("n2", n2), m2=_arr("m2", m2), sd2=_arr("sd2", sd2))
    _fail("n1", n1 <= 0, n1, "must be > 0", "Fix the group size.")
    _fail("n2", n2 <= 0, n2, "must be > 0", "Fix the group size.")
    _fail("sd1", sd1 < 0, sd1, "must be >= 0", "Fix the SD.")
    _fail("sd2", sd2 < 0, sd2, "must be >= 0", "Fix the SD.")
    n = n1 + n2
    _fail("n1", n < 2, n1, "plus n2 must be >= 2", "Fix the group sizes.")
    mean = (n1 * m1 + n2 * m2) / n  # Cochrane Handbook Table 6.5.a
    sd = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2 + n1 * n2 / n * (m1 - m2) ** 2) / (n - 1))
    return n, mean, sd
