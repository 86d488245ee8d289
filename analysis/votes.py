"""Synthesis when only a direction of effect and a P value are reported (Cochrane Handbook v6, ch. 12).

`vote_count` counts studies by direction of effect (benefit vs harm) with a sign test and the
proportion showing benefit; `combine_p` combines P values by Stouffer's or Fisher's method.
Both are weaker evidence than a pooled effect size: they say whether there is evidence of an
effect in some study, not how large it is. Every result says so in its `caveat`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from analysis.sensitivity import _clean
from analysis.errors import FitError, InputError
from analysis.twogroup import wilson

if TYPE_CHECKING:  # pandas and scipy.stats are imported where used (each takes ~0.5-1 s)
    import pandas as pd

__all__ = ["VoteCount", "CombinedP", "vote_count", "combine_p", "parse_p", "parse_direction"]

WEAKER = "weaker evidence than a pooled effect size"
_VOTE_CAVEAT = ("Vote counting by direction of effect is " + WEAKER + ": it ignores the size and precision of "
                "each study's effect and can only say whether more studies point one way than expected by "
                "chance (Cochrane Handbook v6, chapter 12).")
_COMBINE_CAVEAT = ("Combining P values is " + WEAKER + ": it tests whether there is evidence of benefit in at "
                   "least one study, not how large the effect is (Cochrane Handbook v6, chapter 12).")

_BENEFIT = {"benefit", "+", "positive", "favours intervention", "favors intervention", "better", "improved"}
_HARM = {"harm", "-", "negative", "favours control", "favors control", "worse"}
_NONE = {"no change", "none", "0", "null", "no effect", "no difference", "unclear", "mixed"}


def parse_direction(value: Any) -> int:
    """Map a reported direction to +1 (benefit), -1 (harm) or 0 (no change / unclear).

    Accepts the words of _BENEFIT/_HARM/_NONE (case-insensitive) or a number (its sign).
    Raises InputError for anything else.
    """
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"a direction must be 'benefit', 'harm' or 'no change' (or +1/-1/0); got {value!r}.")
    if isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(float(value)):
        return int(np.sign(value))
    text = str(value).strip().lower().replace("\u2212", "-")
    if text in _BENEFIT or text in ("+1", "1"):
        return 1
    if text in _HARM or text == "-1":
        return -1
    if text in _NONE:
        return 0
    raise InputError(f"a direction must be 'benefit', 'harm' or 'no change' (or +1/-1/0); got {value!r}. "
                     "Code each study's direction of effect with one of these.")


_NS = {"ns", "n.s.", "n.s", "not significant", "non-significant", "nonsignificant", "non significant", "nsd"}
_P_RE = re.compile(r"^(?:p(?:[\s-]*value)?\s*[:]?\s*)?(<=|>=|==|[<>=≤≥⩽⩾])?\s*(.+)$")
_NUM_RE = re.compile(r"^(\d*\.?\d+)?(?:\s*(?:e|[x×\*]\s*10\s*\^?|10\s*\^)\s*([-+]?\d+))?$")


def parse_p(text: Any) -> tuple[float, bool] | None:
    """Parse a reported P value: "<0.05", "= 0.0159", ".0159", "P<0.001", "p = 0·03", "1e-4", 0.03.

    Returns (value, is_bound): is_bound is True for an upper bound ("<", "≤"), whose limit is the
    value (p < 0.05 -> 0.05, the conservative reading). "P = 0.000" is read as the bound p < 0.0005.
    Returns None for results without a usable P value: "NS", "not significant", "> 0.05", None, NaN.
    Raises InputError for text that is not a P value or a value outside (0, 1].
    """
    if text is None:
        return None
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        val = float(text)
        if math.isnan(val):
            return None
        return _checked(val, text), False
    raw = str(text)
    s = raw.strip().lower().replace("\u00b7", ".").replace("\u2212", "-").replace("\u2009", " ")
    s = s.strip("() ;")
    if s in _NS or s == "":
        return None
    m = _P_RE.match(s)
    if not m:
        raise InputError(f"not a P value: {raw!r}. Write it as e.g. '0.03', '=0.03' or '<0.05'.")
    op, num = m.group(1) or "=", m.group(2).strip()
    if op in (">", ">=", "≥", "⩾"):
        return None          # p > x only says "not significant": no usable P value
    if num.count(",") == 1 and "." not in num:
        num = num.replace(",", ".")   # decimal comma
    n = _NUM_RE.match(num.replace(" ", ""))
    if not n or not (n.group(1) or n.group(2)):
        if num in _NS:
            return None
        raise InputError(f"not a P value: {raw!r}. Write it as e.g. '0.03', '=0.03' or '<0.05'.")
    val = float(n.group(1) or 1.0) * (10.0 ** int(n.group(2)) if n.group(2) else 1.0)
    bound = op in ("<", "<=", "≤", "⩽")
    if val == 0 and n.group(1) and not n.group(2):
        decimals = len(n.group(1).split(".")[1]) if "." in n.group(1) else 0
        if decimals == 0:
            raise InputError(f"a P value of 0 is not possible: {raw!r}. Give the reported bound, e.g. '<0.001'.")
        return 0.5 * 10.0 ** (-decimals), True    # "p = 0.000" was rounded: p < 0.0005
    return _checked(val, raw), bound


def _checked(val: float, raw: Any) -> float:
    if not (0.0 < val <= 1.0):
        raise InputError(f"a P value must be in (0, 1]; got {raw!r}. Check the reported value.")
    return val


@dataclass(frozen=True)
class VoteCount:
    """Vote count by direction of effect with a sign test (Cochrane Handbook v6, chapter 12).

    `p_value`: two-sided exact binomial (sign) test of n_benefit out of n = n_benefit + n_harm
    against 1/2; `proportion` = n_benefit / n with its Wilson score interval (ci_method).
    Studies with no change / unclear direction are excluded from n.
    """

    n_benefit: int
    n_harm: int
    n_no_change: int
    n: int
    proportion: float
    ci_low: float
    ci_high: float
    p_value: float
    level: float = 95.0
    ci_method: str = "Wilson score interval (Wilson 1927; Brown, Cai & DasGupta 2001)"
    test: str = "two-sided exact binomial sign test"
    label: str = WEAKER
    caveat: str = _VOTE_CAVEAT

    def to_dict(self) -> dict:
        """JSON-ready dict of every field."""
        return {k: _clean(getattr(self, k)) for k in self.__dataclass_fields__}

    def to_frame(self) -> pd.DataFrame:
        """One row."""
        import pandas as pd

        return pd.DataFrame([self.to_dict()])


def vote_count(directions: Sequence[Any], *, level: float = 95.0) -> VoteCount:
    """Count benefit vs harm, test with the sign test, and give the proportion of benefit with its CI.

    directions: one per study ('benefit'/'harm'/'no change' or +1/-1/0; see parse_direction).
    Returns a VoteCount; raises InputError for an unknown direction and FitError when no study
    has a direction of benefit or harm.
    """
    signs = [parse_direction(d) for d in directions]
    nb, nh = signs.count(1), signs.count(-1)
    n0 = len(signs) - nb - nh
    n = nb + nh
    if n == 0:
        raise FitError(f"vote counting needs at least 1 study with a direction of benefit or harm; got "
                            f"{len(signs)} studies, {n0} with no change. Nothing can be tested.")
    # sign test: exact binomial, two-sided; for p0 = 1/2 this is 2 P(X <= min(x, n - x)), capped at 1
    p = min(1.0, 2.0 * sum(math.comb(n, i) for i in range(min(nb, nh) + 1)) / 2.0 ** n)  # exact, in integers
    lo, hi = wilson(nb, n, level)
    return VoteCount(n_benefit=nb, n_harm=nh, n_no_change=n0, n=n, proportion=nb / n, ci_low=lo,
                     ci_high=hi, p_value=p, level=level)


@dataclass(frozen=True)
class CombinedP:
    """Combined P value (Stouffer's Z or Fisher's chi²) for benefit.

    `statistic` is Z (Stouffer) or -2 sum ln p (Fisher, chi² with `df` = 2k); `p_value` is the
    one-sided combined P value for benefit. `p_used` are the two-sided P values used (bounds at their
    limit), `p_one_sided` the one-sided P values in the direction of benefit, `is_bound` which
    studies reported only a bound.
    """

    method: str
    k: int
    statistic: float
    df: int | None
    p_value: float
    p_used: np.ndarray
    p_one_sided: np.ndarray
    is_bound: np.ndarray
    signs: np.ndarray
    weights: np.ndarray | None
    n_bounds: int
    excluded: int
    caveat: str
    label: str = WEAKER

    def to_frame(self) -> pd.DataFrame:
        """One row per study used."""
        import pandas as pd

        return pd.DataFrame({"p": self.p_used, "is_bound": self.is_bound, "direction": self.signs,
                             "p_one_sided": self.p_one_sided,
                             "weight": self.weights if self.weights is not None else np.ones(self.k)})

    def to_dict(self) -> dict:
        """JSON-ready dict: method, statistic, df, p_value, studies, caveat."""
        return {"method": self.method, "k": self.k, "statistic": _clean(self.statistic), "df": self.df,
                "p_value": _clean(self.p_value), "n_bounds": self.n_bounds, "excluded": self.excluded,
                "label": self.label, "caveat": self.caveat,
                "studies": [{k: _clean(v) for k, v in row.items()} for row in self.to_frame().to_dict("records")]}


def combine_p(p_values: Sequence[Any], directions: Sequence[Any], *, method: str = "stouffer",
              weights: Sequence[float] | None = None, ni: Sequence[float] | None = None,
              bounds: str = "conservative") -> CombinedP:
    """Combine two-sided P values with their directions into one test of benefit.

    Each two-sided p becomes one-sided in the direction of benefit: p/2 if the study favours the
    intervention, 1 - p/2 if it favours control. Stouffer: z_i = Phi^-1(1 - p_i/2) signed by
    direction, Z = sum w_i z_i / sqrt(sum w_i^2) (Stouffer et al. 1949; weights Lipták 1958, e.g.
    sqrt(n): pass ni or weights). Fisher: X = -2 sum ln p_one_sided ~ chi²(2k) (Fisher 1932).
    p_values: numbers or text (see parse_p). bounds: "conservative" (p<0.05 counts as 0.05),
    "exclude" (drop studies reporting only a bound) or "error".
    Returns a CombinedP; raises InputError for unusable P values ("NS"), a direction of no change,
    bad weights or options, FitError when no study is left.
    """
    from scipy import stats

    method = str(method).lower()
    if method not in ("stouffer", "fisher"):
        raise InputError(f"method must be 'stouffer' or 'fisher'; got {method!r}.")
    if bounds not in ("conservative", "exclude", "error"):
        raise InputError(f"bounds must be 'conservative', 'exclude' or 'error'; got {bounds!r}.")
    p_list, d_list = list(p_values), list(directions)
    if len(p_list) != len(d_list):
        raise InputError(f"give one direction per P value; got {len(p_list)} P values and {len(d_list)} "
                         "directions.")
    if weights is not None and ni is not None:
        raise InputError("give either weights or ni (weights sqrt(ni)), not both.")
    w_all = None
    if ni is not None:
        n_arr = np.asarray(ni, dtype=float).ravel()
        if n_arr.size != len(p_list) or np.any(~np.isfinite(n_arr)) or np.any(n_arr <= 0):
            raise InputError(f"ni must be one positive sample size per study; got {list(ni)!r}.")
        w_all = np.sqrt(n_arr)
    elif weights is not None:
        w_all = np.asarray(weights, dtype=float).ravel()
        if w_all.size != len(p_list) or np.any(~np.isfinite(w_all)) or np.any(w_all <= 0):
            raise InputError(f"weights must be one positive number per study; got {list(weights)!r}.")
    if w_all is not None and method == "fisher":
        raise InputError("Fisher's method has no study weights; use method='stouffer' for weights.")
    ps, bnd, sg, keep = [], [], [], []
    for i, (ptxt, dtxt) in enumerate(zip(p_list, d_list)):
        parsed = parse_p(ptxt)
        if parsed is None:
            raise InputError(f"study {i + 1} has no usable P value ({ptxt!r}); P values can be combined "
                             "only when each study reports one. Give the exact P value or drop the study.")
        sign = parse_direction(dtxt)
        if sign == 0:
            raise InputError(f"study {i + 1} has no direction of effect ({dtxt!r}); a P value cannot be "
                             "made one-sided without it. Give 'benefit' or 'harm' or drop the study.")
        val, is_bound = parsed
        if is_bound and bounds == "error":
            raise InputError(f"study {i + 1} reports only a bound ({ptxt!r}) and bounds='error'. "
                             "Use bounds='conservative' to count it at its limit.")
        if is_bound and bounds == "exclude":
            continue
        ps.append(val), bnd.append(is_bound), sg.append(sign), keep.append(i)
    excluded = len(p_list) - len(keep)
    if not keep:
        raise FitError(f"no study left to combine (k=0 after excluding {excluded} bounded P values). "
                            "Use bounds='conservative'.")
    p = np.array(ps)
    s = np.array(sg, dtype=int)
    w = w_all[keep] if w_all is not None else None
    # two-sided p to one-sided in the direction of benefit
    p_one = np.where(s > 0, p / 2.0, 1.0 - p / 2.0)
    k = p.size
    if method == "stouffer":
        z = s * stats.norm.isf(p / 2.0)          # Phi^-1(1 - p/2), signed by direction
        ww = w if w is not None else np.ones(k)
        stat = float(np.sum(ww * z) / math.sqrt(float(np.sum(ww ** 2))))   # Stouffer / Lipták weighted Z
        pval = float(stats.norm.sf(stat))
        df = None
    else:
        stat = float(-2.0 * np.sum(np.log(p_one)))   # Fisher 1932: -2 sum ln p ~ chi²(2k)
        df = 2 * k
        pval = float(stats.chi2.sf(stat, df))
    n_b = int(sum(bnd))
    caveat = _COMBINE_CAVEAT
    if n_b:
        caveat += (f" {n_b} of {k} P values were reported only as bounds and were used conservatively at "
                   "their limit (p<0.05 counted as p=0.05), which understates each such study's evidence.")
    if excluded:
        caveat += f" {excluded} studies reporting only a bound were excluded."
    return CombinedP(method=method, k=k, statistic=stat, df=df, p_value=pval, p_used=p, p_one_sided=p_one,
                     is_bound=np.array(bnd, dtype=bool), signs=s, weights=w, n_bounds=n_b, excluded=excluded,
                     caveat=caveat)
