"""Effect sizes and their sampling variances from study-level summary data (metafor's ``escalc``).

Every measure is a small pure, vectorised function returning ``(yi, vi)``; ``escalc`` validates the
input, picks the function from an explicit mapping and wraps the result in :class:`EffectSizes`.
Formulas and defaults follow metafor's ``escalc`` (Viechtbauer 2010, JSS 36(3)); reference values
from metafor are checked in ``tests/analysis/test_effects.py``.

Deviations from metafor, on purpose: missing or non-finite values raise :class:`InputError` (metafor
carries NA through), and outcomes that would be undefined (an SMD with both SDs 0, a log of 0) raise
instead of being recoded to NA. The continuity correction ``add`` never applies to PAS and PFT
(metafor's default for them is add=0; it only applies an explicitly passed ``add``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from analysis.errors import InputError

MEASURES: dict[str, tuple[str, ...]] = {
    "GEN": ("yi", "vi"),            # or ("yi", "sei")
    "MD": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "SMD": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "ROM": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "RR": ("ai", "bi", "ci", "di"),  # or ("ai", "n1i", "ci", "n2i")
    "OR": ("ai", "bi", "ci", "di"),
    "RD": ("ai", "bi", "ci", "di"),
    "PR": ("xi", "ni"),
    "PLN": ("xi", "ni"),
    "PLO": ("xi", "ni"),
    "PAS": ("xi", "ni"),
    "PFT": ("xi", "ni"),
    "MN": ("mi", "sdi", "ni"),
    "MC": ("m1i", "m2i", "sd1i", "sd2i", "ni", "ri"),
    "SMCR": ("m1i", "m2i", "sd1i", "ni", "ri"),
    "SMCC": ("m1i", "m2i", "sd1i", "sd2i", "ni", "ri"),
}
# alternative column sets accepted in place of MEASURES[measure]
_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "GEN": ("yi", "sei"),
    "RR": ("ai", "n1i", "ci", "n2i"),
    "OR": ("ai", "n1i", "ci", "n2i"),
    "RD": ("ai", "n1i", "ci", "n2i"),
}
_VTYPES: dict[str, tuple[str, ...]] = {
    "MD": ("LS", "UB", "HO"), "SMD": ("LS", "UB", "LS2", "AV"), "RD": ("LS", "UB", "AV"),
    "PR": ("LS", "UB", "AV"), "PLN": ("LS", "AV"), "PLO": ("LS", "AV"),
    "SMCR": ("LS", "LS2"), "SMCC": ("LS", "LS2"),
}
_TO = ("only0", "all", "if0all", "none")
_TWO_BY_TWO = ("RR", "OR", "RD")
_PROPORTIONS = ("PR", "PLN", "PLO", "PAS", "PFT")
_ADD_MEASURES = ("RR", "OR", "RD", "PR", "PLN", "PLO")  # metafor: add=0 by default for PAS, PFT


@dataclass(frozen=True)
class EffectSizes:
    """Observed outcomes ``yi`` and their sampling variances ``vi`` (one entry per study).

    ``inputs`` holds the escalc columns the effect sizes were computed from (e.g. ai, bi, ci, di or
    m1i, sd1i, n1i, m2i, sd2i, n2i), as given, before any continuity correction: the per-arm data a
    forest plot shows. ``rma(es)`` carries them into its result.
    """

    measure: str
    yi: np.ndarray
    vi: np.ndarray
    labels: tuple[str, ...]
    ni: np.ndarray | None = None
    warnings: tuple[str, ...] = field(default=())
    inputs: Mapping[str, np.ndarray] | None = None

    @property
    def k(self) -> int:
        """Number of studies."""
        return int(self.yi.shape[0])

    def to_frame(self) -> "Any":
        """Return a pandas DataFrame with columns study, yi, vi (and ni when known)."""
        import pandas as pd

        cols: dict[str, Any] = {"study": list(self.labels), "yi": self.yi, "vi": self.vi}
        if self.ni is not None:
            cols["ni"] = self.ni
        return pd.DataFrame(cols)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict: measure, labels, yi, vi, ni (or None) and warnings."""
        return {
            "measure": self.measure,
            "labels": list(self.labels),
            "yi": [float(v) for v in self.yi],
            "vi": [float(v) for v in self.vi],
            "ni": None if self.ni is None else [float(v) for v in self.ni],
            "warnings": list(self.warnings),
            "inputs": None if self.inputs is None else {c: [float(v) for v in a] for c, a in self.inputs.items()},
        }


# ----------------------------------------------------------------------------------------------
# helpers


_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def _gammaln(x: np.ndarray) -> np.ndarray:
    """log Gamma(x) elementwise (math.lgamma; scipy.special is not imported for this one function)."""
    return np.asarray(_lgamma(np.asarray(x, dtype=float)), dtype=float)


def _cmi(m: np.ndarray) -> np.ndarray:
    """Exact small-sample correction c(m) = Gamma(m/2) / (sqrt(m/2) Gamma((m-1)/2)); Hedges 1981, eq 6e
    (metafor .cmicalc)."""
    return np.exp(_gammaln(m / 2.0) - np.log(np.sqrt(m / 2.0)) - _gammaln((m - 1.0) / 2.0))


def _wmean(x: np.ndarray, w: np.ndarray) -> float:
    return float(np.sum(x * w) / np.sum(w))


def _pick(vtype: str, options: dict[str, Callable[[], np.ndarray]]) -> np.ndarray:
    return options[vtype]()


# ----------------------------------------------------------------------------------------------
# one private function per measure family; each returns (yi, vi)


def _gen(yi: np.ndarray, vi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # metafor escalc, measure GEN: outcomes given directly (vi = sei^2 when sei is given)
    return yi, vi


def _two_by_two(measure: str, ai, bi, ci, di, vtype: str) -> tuple[np.ndarray, np.ndarray]:
    n1i, n2i = ai + bi, ci + di
    p1i, p2i = ai / n1i, ci / n2i
    if measure == "RR":
        # metafor escalc, measure RR: log risk ratio, vi = 1/a - 1/n1 + 1/c - 1/n2 (Katz et al. 1978)
        return np.log(p1i) - np.log(p2i), 1 / ai - 1 / n1i + 1 / ci - 1 / n2i
    if measure == "OR":
        # metafor escalc, measure OR: log odds ratio, Woolf (1955) variance 1/a + 1/b + 1/c + 1/d
        return np.log(p1i / (1 - p1i)) - np.log(p2i / (1 - p2i)), 1 / ai + 1 / bi + 1 / ci + 1 / di
    yi = p1i - p2i
    # metafor escalc, measure RD: risk difference; vtype LS p(1-p)/n, UB p(1-p)/(n-1), AV n-weighted mean p
    vi = _pick(vtype, {
        "LS": lambda: p1i * (1 - p1i) / n1i + p2i * (1 - p2i) / n2i,
        "UB": lambda: p1i * (1 - p1i) / (n1i - 1) + p2i * (1 - p2i) / (n2i - 1),
        "AV": lambda: (_wmean(p1i, n1i) * (1 - _wmean(p1i, n1i)) / n1i
                       + _wmean(p2i, n2i) * (1 - _wmean(p2i, n2i)) / n2i),
    })
    return yi, vi


def _two_group_means(measure: str, m1i, sd1i, n1i, m2i, sd2i, n2i, vtype: str):
    ni = n1i + n2i
    mi = ni - 2
    sdpi = np.sqrt(((n1i - 1) * sd1i**2 + (n2i - 1) * sd2i**2) / mi)  # pooled SD
    if measure == "MD":
        yi = m1i - m2i
        # metafor escalc, measure MD: raw mean difference, vi = sd1²/n1 + sd2²/n2 (HO: pooled SD)
        vi = _pick(vtype, {
            "LS": lambda: sd1i**2 / n1i + sd2i**2 / n2i,
            "UB": lambda: sd1i**2 / n1i + sd2i**2 / n2i,
            "HO": lambda: sdpi**2 * (1 / n1i + 1 / n2i),
        })
        return yi, vi
    if measure == "SMD":
        cmi = _cmi(mi)
        di = (m1i - m2i) / sdpi
        # metafor escalc, measure SMD: Hedges' g with exact correction c(n1+n2-2); Hedges 1981
        yi = cmi * di
        # metafor escalc, SMD vtype LS (default): 1/n1 + 1/n2 + g²/(2(n1+n2)); Hedges & Olkin 1985 eq 5.15
        vi = _pick(vtype, {
            "LS": lambda: 1 / n1i + 1 / n2i + yi**2 / (2 * ni),
            "UB": lambda: 1 / n1i + 1 / n2i + (1 - (mi - 2) / (mi * cmi**2)) * yi**2,
            "LS2": lambda: cmi**2 * (1 / n1i + 1 / n2i + di**2 / (2 * ni)),
            "AV": lambda: 1 / n1i + 1 / n2i + _wmean(yi, ni) ** 2 / (2 * ni),
        })
        return yi, vi
    # metafor escalc, measure ROM: log ratio of means, vi = sd1²/(n1 m1²) + sd2²/(n2 m2²); Hedges et al. 1999
    return np.log(m1i / m2i), sd1i**2 / (n1i * m1i**2) + sd2i**2 / (n2i * m2i**2)


def _proportion(measure: str, xi, ni, vtype: str):
    mi = ni - xi
    pri = xi / ni
    if measure == "PR":
        # metafor escalc, measure PR: raw proportion, vi = p(1-p)/n (UB: n-1; AV: n-weighted mean p)
        return pri, _pick(vtype, {
            "LS": lambda: pri * (1 - pri) / ni,
            "UB": lambda: pri * (1 - pri) / (ni - 1),
            "AV": lambda: _wmean(pri, ni) * (1 - _wmean(pri, ni)) / ni,
        })
    if measure == "PLN":
        # metafor escalc, measure PLN: log proportion, vi = 1/x - 1/n
        return np.log(pri), _pick(vtype, {
            "LS": lambda: 1 / xi - 1 / ni,
            "AV": lambda: 1 / (_wmean(pri, ni) * ni) - 1 / ni,
        })
    if measure == "PLO":
        # metafor escalc, measure PLO: logit proportion, vi = 1/x + 1/(n-x)
        return np.log(pri / (1 - pri)), _pick(vtype, {
            "LS": lambda: 1 / xi + 1 / mi,
            "AV": lambda: 1 / (_wmean(pri, ni) * ni) + 1 / ((1 - _wmean(pri, ni)) * ni),
        })
    if measure == "PAS":
        # metafor escalc, measure PAS: arcsine square root proportion, vi = 1/(4n)
        return np.arcsin(np.sqrt(pri)), 1 / (4 * ni)
    # metafor escalc, measure PFT: Freeman-Tukey double arcsine (Freeman & Tukey 1950), vi = 1/(4n+2)
    yi = 0.5 * (np.arcsin(np.sqrt(xi / (ni + 1))) + np.arcsin(np.sqrt((xi + 1) / (ni + 1))))
    return yi, 1 / (4 * ni + 2)


def _single_mean(mi, sdi, ni):
    # metafor escalc, measure MN: raw mean, vi = sd²/n
    return mi, sdi**2 / ni


def _pre_post(measure: str, m1i, m2i, sd1i, sd2i, ni, ri, vtype: str):
    if measure == "MC":
        # metafor escalc, measure MC: raw mean change, vi = (sd1² + sd2² - 2 r sd1 sd2)/n
        return m1i - m2i, (sd1i**2 + sd2i**2 - 2 * ri * sd1i * sd2i) / ni
    cmi = _cmi(ni - 1)
    if measure == "SMCC":
        sddi = np.sqrt(sd1i**2 + sd2i**2 - 2 * ri * sd1i * sd2i)  # SD of the change scores
        di = (m1i - m2i) / sddi
        # metafor escalc, measure SMCC: change-score standardised mean change, c(n-1) d; Gibbons et al. 1993
        yi = cmi * di
        return yi, _pick(vtype, {
            "LS": lambda: 1 / ni + yi**2 / (2 * ni),
            "LS2": lambda: cmi**2 * (1 / ni + di**2 / (2 * ni)),
        })
    di = (m1i - m2i) / sd1i
    # metafor escalc, measure SMCR: raw-score standardised mean change (SD of sd1i), c(n-1) d; Becker 1988
    yi = cmi * di
    # metafor escalc, SMCR vtype LS (default): 2(1-r)/n + g²/(2n); Becker 1988 eq 13
    return yi, _pick(vtype, {
        "LS": lambda: 2 * (1 - ri) / ni + yi**2 / (2 * ni),
        "LS2": lambda: cmi**2 * (2 * (1 - ri) / ni + di**2 / (2 * ni)),
    })


# ----------------------------------------------------------------------------------------------
# validation


class _Checker:
    """Builds InputError messages that name the 1-based row, the study, the column and the value."""

    def __init__(self, labels: tuple[str, ...]):
        self.labels = labels

    def fail(self, column: str, mask: np.ndarray, values: np.ndarray, rule: str, fix: str) -> None:
        bad = np.flatnonzero(mask)
        if bad.size == 0:
            return
        i = int(bad[0])
        more = f" ({bad.size - 1} more row(s) too)" if bad.size > 1 else ""
        raise InputError(f"column {column} {rule}; row {i + 1} (study '{self.labels[i]}') has "
                         f"{_fmt(values[i])}{more}. {fix}")


def _fmt(v: Any) -> str:
    v = float(v)
    return repr(int(v)) if v.is_integer() else repr(v)


def _as_array(name: str, value: Any) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"column {name} must be numeric; got {value!r:.80}. "
                         f"Give numbers (missing values are not allowed).") from exc
    if arr.ndim > 1:
        raise InputError(f"column {name} must be one-dimensional; got shape {arr.shape}. "
                         f"Give one value per study.")
    return arr.reshape(-1)


def _required(measure: str, given: dict[str, np.ndarray]) -> tuple[str, ...]:
    main = MEASURES[measure]
    alt = _ALTERNATIVES.get(measure)
    if all(c in given for c in main):
        return main
    if alt is not None and all(c in given for c in alt):
        return alt
    need = " + ".join(main) + (f" (or {' + '.join(alt)})" if alt else "")
    missing = [c for c in main if c not in given]
    raise InputError(f"measure {measure} needs columns {need}; missing: {', '.join(missing)}. "
                     f"Add the missing column(s) or choose another measure.")


# ----------------------------------------------------------------------------------------------
# public API


def _from_data(data: Any, raw: dict[str, Any], labels: Any) -> tuple[dict[str, Any], Any]:
    """metafor's escalc(data = ...): string arguments name columns of `data` (a pandas DataFrame or a
    mapping of column name -> sequence); so may `labels` (metafor's slab)."""
    if not hasattr(data, "__getitem__"):
        raise InputError(f"data must be a pandas DataFrame or a dict of columns; got {type(data).__name__}. "
                         "Pass data=frame with ai='tpos', ... naming its columns.")
    available = [str(c) for c in (data.columns if hasattr(data, "columns") else data.keys())]

    def column(argument: str, name: str):
        if name not in available:
            raise InputError(f"escalc: {argument}={name!r} is not a column of data; its columns are "
                             f"{', '.join(available) or 'none'}. Name one of them.")
        values = data[name]
        return values.to_numpy() if hasattr(values, "to_numpy") else values

    out = {k: column(k, v) if isinstance(v, str) else v for k, v in raw.items()}
    if isinstance(labels, str):
        labels = [str(x) for x in column("labels", labels)]
    return out, labels


def escalc(measure: str, *, ai=None, bi=None, ci=None, di=None, n1i=None, n2i=None, m1i=None,
           sd1i=None, m2i=None, sd2i=None, xi=None, ni=None, mi=None, sdi=None, ri=None, yi=None,
           vi=None, sei=None, labels=None, data=None, add: float = 0.5, to: str = "only0",
           vtype: str = "LS") -> EffectSizes:
    """Compute effect sizes ``yi`` and sampling variances ``vi`` as metafor's ``escalc`` does.

    Array-likes (lists, numpy arrays, pandas Series) of one value per study; a scalar is broadcast
    to every study (e.g. an assumed correlation ``ri=0.5``). With ``data`` (a pandas DataFrame or a
    dict of sequences), string arguments name its columns, as metafor's ``escalc("RR", ai = tpos,
    ..., data = dat.bcg)``: ``escalc("RR", data=df, ai="tpos", bi="tneg", ci="cpos", di="cneg",
    labels="author")``. ``add``/``to`` is the continuity correction for RR, OR, RD, PR, PLN and PLO
    ("only0": add to the cells of tables with a zero cell; "all", "if0all", "none"). ``vtype``
    selects the variance estimator where metafor offers several ("LS" is metafor's default).

    Returns an :class:`EffectSizes` (with the input columns in ``inputs``). Raises
    :class:`InputError` for an unknown measure, a missing column, or invalid values (the message
    names the row, the study, the column and the value).
    """
    if not isinstance(measure, str) or measure.upper() not in MEASURES:
        raise InputError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}. "
                         f"Choose one of the listed measures.")
    measure = measure.upper()
    if to not in _TO:
        raise InputError(f"to must be one of {', '.join(_TO)}; got {to!r}. Use 'only0' (metafor's default).")
    if not np.isfinite(add) or add < 0:
        raise InputError(f"add must be a finite number >= 0; got {add!r}. Use 0.5 (metafor's default).")
    allowed_vt = _VTYPES.get(measure, ("LS",))
    if vtype not in allowed_vt:
        raise InputError(f"vtype for measure {measure} must be one of {', '.join(allowed_vt)}; got {vtype!r}. "
                         f"Use 'LS' (metafor's default).")

    raw = dict(ai=ai, bi=bi, ci=ci, di=di, n1i=n1i, n2i=n2i, m1i=m1i, sd1i=sd1i, m2i=m2i, sd2i=sd2i,
               xi=xi, ni=ni, mi=mi, sdi=sdi, ri=ri, yi=yi, vi=vi, sei=sei)
    if data is not None:
        raw, labels = _from_data(data, raw, labels)
    else:
        named = [k for k, v in raw.items() if isinstance(v, str)]
        if named:
            raise InputError(f"escalc: {named[0]}={raw[named[0]]!r} names a column, but no data was given; "
                             "pass data=frame (a pandas DataFrame or a dict of columns) or the values themselves.")
    given = {k: _as_array(k, v) for k, v in raw.items() if v is not None}
    cols = _required(measure, given)
    if measure == "GEN" and "ni" in given:
        cols = cols + ("ni",)
    if measure in _TWO_BY_TWO:  # both forms given: use all four, check consistency below
        cols = tuple(dict.fromkeys(cols + tuple(c for c in ("bi", "di", "n1i", "n2i") if c in given)))
    data = {c: given[c] for c in cols}

    k = max(a.size for a in data.values())
    if k == 0:
        raise InputError(f"measure {measure} got no studies (all columns are empty). Give at least one row.")
    for c, a in data.items():
        if a.size == 1 and k > 1:
            data[c] = np.full(k, a[0])
        elif a.size != k:
            raise InputError(f"all columns must have the same length; column {c} has {a.size} values, "
                             f"others have {k}. Give one value per study (or a single value to broadcast).")

    if labels is None:
        labs = tuple(f"Study {i + 1}" for i in range(k))
    else:
        labs = tuple(str(x) for x in (labels.tolist() if hasattr(labels, "tolist") else labels))
        if len(labs) != k:
            raise InputError(f"labels must have one entry per study ({k}); got {len(labs)}. "
                             f"Give one label per row.")
    chk = _Checker(labs)
    for c, a in data.items():
        chk.fail(c, ~np.isfinite(a), a, "must be a finite number",
                 "Fill in the value or drop the row (missing values are not allowed).")
    inputs = {}
    for c, a in data.items():
        kept = np.array(a, dtype=float)
        kept.setflags(write=False)
        inputs[c] = kept

    warnings: list[str] = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if measure == "GEN":
            yv = data["yi"]
            if "vi" in data:
                chk.fail("vi", data["vi"] < 0, data["vi"], "must be >= 0", "Fix the value or drop the row.")
                vv = data["vi"]
            else:
                chk.fail("sei", data["sei"] < 0, data["sei"], "must be >= 0", "Fix the value or drop the row.")
                vv = data["sei"] ** 2
            out_y, out_v = _gen(yv, vv)
            n_tot = data.get("ni")
            if n_tot is not None:
                chk.fail("ni", n_tot <= 0, n_tot, "must be > 0", "Fix the sample size or drop the row.")
        elif measure in _TWO_BY_TWO:
            out_y, out_v, n_tot = _escalc_2x2(measure, data, chk, add, to, vtype, warnings)
        elif measure in ("MD", "SMD", "ROM"):
            for c in ("n1i", "n2i"):
                chk.fail(c, data[c] <= 0, data[c], "must be > 0", "Fix the group size or drop the row.")
            for c in ("sd1i", "sd2i"):
                chk.fail(c, data[c] < 0, data[c], "must be >= 0", "Fix the SD or drop the row.")
            if measure == "SMD":
                both0 = (data["sd1i"] == 0) & (data["sd2i"] == 0)
                chk.fail("sd1i", both0, data["sd1i"], "and sd2i cannot both be 0 for an SMD (the pooled SD is 0)",
                         "Check the SDs or use measure MD.")
                chk.fail("n1i", data["n1i"] + data["n2i"] <= 3, data["n1i"],
                         "plus n2i must be > 3 for the SMD small-sample correction",
                         "Check the group sizes or use measure MD.")
            if measure == "ROM":
                ratio = data["m1i"] / data["m2i"]
                chk.fail("m1i", ~(ratio > 0), data["m1i"], "and m2i must be non-zero with the same sign for ROM "
                         "(log of their ratio)", "Use ratio-scale data or measure MD/SMD.")
            out_y, out_v = _two_group_means(measure, data["m1i"], data["sd1i"], data["n1i"], data["m2i"],
                                            data["sd2i"], data["n2i"], vtype)
            n_tot = data["n1i"] + data["n2i"]
        elif measure in _PROPORTIONS:
            out_y, out_v, n_tot = _escalc_prop(measure, data, chk, add, to, vtype, warnings)
        elif measure == "MN":
            chk.fail("ni", data["ni"] <= 0, data["ni"], "must be > 0", "Fix the sample size or drop the row.")
            chk.fail("sdi", data["sdi"] < 0, data["sdi"], "must be >= 0", "Fix the SD or drop the row.")
            out_y, out_v = _single_mean(data["mi"], data["sdi"], data["ni"])
            n_tot = data["ni"]
        else:  # MC, SMCR, SMCC
            nn = data["ni"]
            chk.fail("ni", nn <= 0, nn, "must be > 0", "Fix the sample size or drop the row.")
            chk.fail("ri", np.abs(data["ri"]) > 1, data["ri"], "must be between -1 and 1",
                     "Fix the correlation (or assume one, e.g. ri=0.5).")
            sds = ("sd1i",) if measure == "SMCR" else ("sd1i", "sd2i")
            for c in sds:
                chk.fail(c, data[c] < 0, data[c], "must be >= 0", "Fix the SD or drop the row.")
            if measure in ("SMCR", "SMCC"):
                chk.fail("ni", nn <= 2, nn, f"must be > 2 for {measure} (small-sample correction c(n-1))",
                         "Check the sample size or use measure MC.")
            if measure == "SMCR":
                chk.fail("sd1i", data["sd1i"] == 0, data["sd1i"], "must be > 0 for SMCR (it standardises by sd1i)",
                         "Check the SD or use measure MC.")
            sd2 = data.get("sd2i", data["sd1i"])
            if measure == "SMCC":
                var_change = data["sd1i"] ** 2 + sd2**2 - 2 * data["ri"] * data["sd1i"] * sd2
                chk.fail("sd1i", ~(var_change > 0), data["sd1i"], "with sd2i and ri gives a change-score SD of 0 "
                         "for SMCC", "Check the SDs and ri or use measure SMCR.")
            out_y, out_v = _pre_post(measure, data["m1i"], data["m2i"], data["sd1i"], sd2, nn, data["ri"], vtype)
            n_tot = nn

    bad = ~(np.isfinite(out_y) & np.isfinite(out_v))
    chk.fail(cols[0], bad, data[cols[0]],
             f"gives an undefined {measure} outcome (not finite)",
             "Check the row's values (e.g. zero counts with to='none') or drop the row.")
    if np.any(out_v == 0):
        warnings.append(f"{int(np.sum(out_v == 0))} study(ies) have a sampling variance of 0")
    return EffectSizes(measure=measure, yi=np.asarray(out_y, dtype=float), vi=np.asarray(out_v, dtype=float),
                       labels=labs, ni=None if n_tot is None else np.asarray(n_tot, dtype=float),
                       warnings=tuple(warnings), inputs=inputs)


def _add_correction(cells: list[np.ndarray], zero: np.ndarray, add: float, to: str) -> tuple[list[np.ndarray], np.ndarray]:
    """metafor escalc continuity correction: add to all cells of tables with a zero cell (only0), of
    all tables (all), of all tables if any has a zero cell (if0all), or none."""
    if to == "all":
        hit = np.ones_like(zero)
    elif to == "only0":
        hit = zero
    elif to == "if0all":
        hit = np.full_like(zero, bool(np.any(zero)))
    else:
        hit = np.zeros_like(zero)
    if add == 0:
        hit = np.zeros_like(zero)
    return [c + add * hit for c in cells], hit


def _correction_warning(hit: np.ndarray, add: float, what: str) -> str:
    amount = "1/2" if add == 0.5 else repr(add)
    return f"added {amount} to the cells of {int(hit.sum())} studies with a zero {what}"


def _escalc_2x2(measure, data, chk, add, to, vtype, warnings):
    a, c = data["ai"], data["ci"]
    for col in ("ai", "ci", "bi", "di"):
        if col in data:
            chk.fail(col, data[col] < 0, data[col], "must be >= 0 (a count)", "Fix the count or drop the row.")
    for col in ("n1i", "n2i"):
        if col in data:
            chk.fail(col, data[col] <= 0, data[col], "must be > 0", "Fix the group size or drop the row.")
    if "n1i" in data:
        chk.fail("ai", a > data["n1i"], a, "must be <= n1i (events cannot exceed the group size)",
                 "Fix the count or the group size.")
    if "n2i" in data:
        chk.fail("ci", c > data["n2i"], c, "must be <= n2i (events cannot exceed the group size)",
                 "Fix the count or the group size.")
    b = data["bi"] if "bi" in data else data["n1i"] - a
    d = data["di"] if "di" in data else data["n2i"] - c
    if "bi" in data and "n1i" in data:
        chk.fail("n1i", data["n1i"] != a + b, data["n1i"], "must equal ai + bi", "Fix n1i or bi.")
    if "di" in data and "n2i" in data:
        chk.fail("n2i", data["n2i"] != c + d, data["n2i"], "must equal ci + di", "Fix n2i or di.")
    chk.fail("ai", a + b <= 0, a + b, "plus bi (group 1 size) must be > 0", "Fix the counts or drop the row.")
    chk.fail("ci", c + d <= 0, c + d, "plus di (group 2 size) must be > 0", "Fix the counts or drop the row.")
    n_tot = a + b + c + d
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    (a, b, c, d), hit = _add_correction([a, b, c, d], zero, add, to)
    if np.any(hit):
        warnings.append(_correction_warning(hit, add, "cell"))
    yi, vi = _two_by_two(measure, a, b, c, d, vtype)
    return yi, vi, n_tot


def _escalc_prop(measure, data, chk, add, to, vtype, warnings):
    x, n = data["xi"], data["ni"]
    chk.fail("ni", n <= 0, n, "must be > 0", "Fix the sample size or drop the row.")
    chk.fail("xi", x < 0, x, "must be >= 0 (a count)", "Fix the count or drop the row.")
    chk.fail("xi", x > n, x, "must be <= ni (events cannot exceed the sample size)", "Fix the count or ni.")
    n_tot = n.copy()
    if measure in _ADD_MEASURES:
        m = n - x
        zero = (x == 0) | (m == 0)
        (x, m), hit = _add_correction([x, m], zero, add, to)
        if np.any(hit):
            warnings.append(_correction_warning(hit, add, "or all-event count"))
        n = x + m
    yi, vi = _proportion(measure, x, n, vtype)
    return yi, vi, n_tot


def _pft(p: np.ndarray, n: float) -> np.ndarray:
    # metafor transf.pft: Freeman-Tukey transform of a proportion p for sample size n
    x = p * n
    return 0.5 * (np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1))))


def transform_back(measure: str, values, ni=None) -> np.ndarray:
    """Back-transform values (estimates, CI bounds) of ``measure`` to the display scale.

    exp for RR, OR, ROM, PLN; inverse logit for PLO; sin² (clipped to [0, 1]) for PAS; for PFT
    metafor's ``transf.ipft.hm`` (Miller 1978 inversion with the harmonic mean of ``ni``, required);
    identity otherwise. Raises :class:`InputError` for an unknown measure or PFT without ``ni``.
    """
    if not isinstance(measure, str) or measure.upper() not in MEASURES:
        raise InputError(f"measure must be one of {', '.join(MEASURES)}; got {measure!r}. "
                         f"Choose one of the listed measures.")
    measure = measure.upper()
    x = np.asarray(values, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if measure in ("RR", "OR", "ROM", "PLN"):
            return np.exp(x)  # metafor transf.exp.int
        if measure == "PLO":
            return 1.0 / (1.0 + np.exp(-x))  # metafor transf.ilogit (plogis)
        if measure == "PAS":
            # metafor transf.iarcsin: sin(x)^2, 0 below 0 and 1 above pi/2
            return np.where(x < 0, 0.0, np.where(x > np.pi / 2, 1.0, np.sin(x) ** 2))
        if measure == "PFT":
            if ni is None:
                raise InputError("transform_back for PFT needs ni (the sample sizes) for the harmonic mean. "
                                 "Pass ni=EffectSizes.ni.")
            n_arr = np.asarray(ni, dtype=float).reshape(-1)
            if n_arr.size == 0 or np.any(~np.isfinite(n_arr)) or np.any(n_arr <= 0):
                raise InputError(f"ni must be finite and > 0 for the PFT back-transform; got {n_arr.tolist()!r:.80}. "
                                 "Fix the sample sizes.")
            nhm = 1.0 / np.mean(1.0 / n_arr)
            # metafor transf.ipft.hm: Miller (1978) inverse of the double arcsine at the harmonic mean n
            s = np.sin(2 * x)
            z = 0.5 * (1 - np.sign(np.cos(2 * x)) * np.sqrt(1 - (s + (s - 1 / s) / nhm) ** 2))
            z = np.where(x > _pft(np.float64(1.0), nhm), 1.0, z)
            z = np.where(x < _pft(np.float64(0.0), nhm), 0.0, z)
            return z
    return x.copy()
