"""Sensitivity analyses of a meta-analysis: leave-one-out, cumulative and influence diagnostics.

Each function refits `analysis.pooling.rma` on subsets of the studies and returns a frozen result
object, as metafor's `leave1out()`, `cumul()` and `influence()` do for an `rma.uni` model without
moderators. Fits that cannot be computed leave a row of NaN (metafor: NA) and a note in `warnings`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from analysis.pooling import MetaResult, rma
from analysis.errors import FitError, InputError

if TYPE_CHECKING:  # pandas and scipy.stats are imported where used (each takes ~0.5-1 s)
    import pandas as pd

__all__ = ["LeaveOneOut", "Cumulative", "Influence", "leave_one_out", "cumulative", "influence"]

_FE_METHODS = ("FE", "EE", "CE")


# ---------------------------------------------------------------------------------------------
# shared helpers (also used by analysis.bias and analysis.subgroups)
# ---------------------------------------------------------------------------------------------

def _check_yi_vi(yi: Any, vi: Any, labels: Any = None, *, min_k: int = 1,
                 what: str = "this analysis") -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Return yi, vi as float arrays and the study labels; raise InputError / FitError."""
    try:
        y = np.asarray(yi, dtype=float).ravel()
        v = np.asarray(vi, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(f"yi and vi must be numbers; got yi={yi!r}, vi={vi!r}. "
                         "Pass numeric arrays of effect sizes and sampling variances.") from exc
    if y.shape != v.shape:
        raise InputError(f"yi and vi must have the same length; got {y.size} effect sizes and "
                         f"{v.size} variances. Give one variance per effect size.")
    bad = np.flatnonzero(~np.isfinite(y) | ~np.isfinite(v))
    if bad.size:
        raise InputError(f"yi and vi must be finite; study {int(bad[0]) + 1} has yi={y[bad[0]]}, "
                         f"vi={v[bad[0]]}. Fix or drop the study.")
    neg = np.flatnonzero(v <= 0)
    if neg.size:
        raise InputError(f"sampling variances vi must be positive; study {int(neg[0]) + 1} has "
                         f"vi={v[neg[0]]}. Fix the variance or drop the study.")
    if labels is None:
        labs = tuple(f"Study {i + 1}" for i in range(y.size))
    else:
        labs = tuple(str(s) for s in labels)
        if len(labs) != y.size:
            raise InputError(f"labels must give one label per study; got {len(labs)} labels for "
                             f"{y.size} studies. Pass one label per effect size.")
    if y.size < min_k:
        raise FitError(f"{what} needs at least {min_k} studies; got k={y.size}. "
                            "Add studies or skip this analysis.")
    return y, v, labs


def _single_study(y: float, v: float, level: float) -> dict[str, float]:
    """Summary of a 'meta-analysis' of one study, as metafor's rma.uni for k = 1 (tau2 = 0, z test)."""
    from analysis.distributions import norm_isf, norm_sf

    se = float(np.sqrt(v))
    z = y / se
    crit = norm_isf((1 - level / 100) / 2)
    return dict(estimate=y, se=se, stat=z, pval=float(2 * norm_sf(abs(z))),
                ci_low=y - crit * se, ci_high=y + crit * se, q=0.0, q_p=1.0, tau2=0.0,
                i2=0.0, h2=1.0, s2w=1.0, dfs=np.nan)


def _summary(y: np.ndarray, v: np.ndarray, method: str, test: str, level: float) -> dict[str, float]:
    """Fit rma (or the k = 1 shortcut) and return the per-fit numbers of metafor's list.rma rows."""
    if y.size == 1:
        return _single_study(float(y[0]), float(v[0]), level)
    res = rma(y, v, method=method, test=test, level=level, tau2_ci=False)
    return _row_from_result(res, v)


def _row_from_result(res: MetaResult, v: np.ndarray) -> dict[str, float]:
    tau2 = float(res.tau2) if res.method not in _FE_METHODS else 0.0
    se = float(res.se_beta[0])
    # vb = s2w (X'WX)^-1 with W = diag(1/(vi + tau2)) (metafor rma.uni; Knapp & Hartung 2003), so s2w = se^2 sum(w)
    s2w = se ** 2 * float(np.sum(1.0 / (v + tau2)))
    return dict(estimate=float(res.beta[0]), se=se, stat=float(res.stat[0]),
                pval=float(res.pval_beta[0]), ci_low=float(res.ci_lb[0]), ci_high=float(res.ci_ub[0]),
                q=float(res.q), q_p=float(res.q_p), tau2=tau2, i2=float(res.i2), h2=float(res.h2),
                s2w=s2w, dfs=float(res.dfs) if res.dfs is not None else np.nan)


_ROW_KEYS = ("estimate", "se", "stat", "pval", "ci_low", "ci_high", "q", "q_p", "tau2", "i2", "h2")


def _clean(x: Any) -> Any:
    """JSON-ready value: numpy scalars to Python, NaN to None."""
    if isinstance(x, np.ndarray):
        return [_clean(e) for e in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [_clean(e) for e in x]
    if isinstance(x, (np.floating, float)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    return x


@dataclass(frozen=True)
class _RowTable:
    """Per-row results of refitted models (one row per omitted study or per cumulative step)."""

    method: str
    test: str
    level: float
    labels: tuple[str, ...]
    estimate: np.ndarray
    se: np.ndarray
    stat: np.ndarray        # z, or t for test="knha"
    pval: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    q: np.ndarray           # Cochran's Q of the refitted model
    q_p: np.ndarray
    tau2: np.ndarray
    i2: np.ndarray
    h2: np.ndarray
    dfs: np.ndarray         # t degrees of freedom (NaN for the z test)
    warnings: tuple[str, ...] = ()

    _first_col = "study"

    def _columns(self) -> dict[str, Any]:
        """The table's columns, in order (to_frame's and each to_dict row's)."""
        cols: dict[str, Any] = {self._first_col: list(self.labels)}
        cols.update({key: getattr(self, key) for key in _ROW_KEYS})
        cols["dfs"] = self.dfs
        return cols

    def to_frame(self) -> pd.DataFrame:
        """One row per refitted model."""
        import pandas as pd

        return pd.DataFrame(self._columns())

    def to_dict(self) -> dict:
        """JSON-ready dict: method, test, level, rows (one dict per refitted model), warnings."""
        cols = {key: list(values) for key, values in self._columns().items()}
        rows = [{key: _clean(values[i]) for key, values in cols.items()} for i in range(len(self.labels))]
        return {"method": self.method, "test": self.test, "level": self.level, "rows": rows,
                "warnings": list(self.warnings)}


@dataclass(frozen=True)
class LeaveOneOut(_RowTable):
    """metafor leave1out(): row i is the model fitted without study i (labels[i] is the study omitted)."""

    _first_col = "omitted"


@dataclass(frozen=True)
class Cumulative(_RowTable):
    """metafor cumul(): row j is the model of the first j+1 studies in the given order.

    `labels[j]` is the study added at step j; `order` holds the original indices in adding order.
    """

    order: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    _first_col = "added"

    def _columns(self) -> dict[str, Any]:
        cols = super()._columns()
        first = next(iter(cols))
        return {first: cols.pop(first), "k": np.arange(1, len(self.labels) + 1), "index": self.order, **cols}


def _stack(rows: list[dict[str, float]]) -> dict[str, np.ndarray]:
    return {key: np.array([r[key] for r in rows], dtype=float) for key in _ROW_KEYS + ("dfs",)}


_NAN_ROW = {key: np.nan for key in _ROW_KEYS + ("dfs", "s2w")}


def _check_options(method: str, test: str) -> None:
    if test not in ("z", "knha"):
        raise InputError(f"test must be 'z' or 'knha'; got {test!r}. Use test='z' (default) or 'knha'.")


def leave_one_out(yi: Any, vi: Any, *, method: str = "REML", test: str = "z", level: float = 95.0,
                  labels: Sequence[str] | None = None) -> LeaveOneOut:
    """Refit the model k times, each time without one study (metafor leave1out.rma.uni).

    Returns a LeaveOneOut with estimate, se, statistic, p, CI, Q, Qp, tau², I², H² per omitted
    study. Omitting one of two studies leaves one: that row is the study itself (tau² = 0, z test),
    as in metafor. Raises InputError for bad data and FitError when k < 2.
    """
    _check_options(method, test)
    y, v, labs = _check_yi_vi(yi, vi, labels, min_k=2, what="leave-one-out analysis")
    rows, notes = [], []
    for i in range(y.size):
        keep = np.arange(y.size) != i
        try:
            rows.append(_summary(y[keep], v[keep], method, test, level))
        except FitError as exc:  # metafor leave1out: a failed refit gives a row of NA
            rows.append(dict(_NAN_ROW))
            notes.append(f"without study {labs[i]!r} the model could not be fitted ({exc}); row left empty")
    return LeaveOneOut(method=method, test=test, level=level, labels=labs, warnings=tuple(notes), **_stack(rows))


def cumulative(yi: Any, vi: Any, order: Any = None, *, method: str = "REML", test: str = "z",
               level: float = 95.0, labels: Sequence[str] | None = None,
               decreasing: bool = False) -> Cumulative:
    """Cumulative meta-analysis (metafor cumul.rma.uni; Lau et al. 1992, NEJM 327:248).

    `order` is a sort key per study (e.g. publication year; None keeps the given order); studies
    are added in increasing key order (decreasing=True reverses), ties in their given order, as
    R's stable order(). Step 1 is the first study alone (tau² = 0, z test, as metafor for k = 1).
    Returns a Cumulative; raises InputError for bad data or an order of the wrong length.
    """
    _check_options(method, test)
    y, v, labs = _check_yi_vi(yi, vi, labels, min_k=1, what="cumulative meta-analysis")
    if order is None:
        idx = list(range(y.size))
    else:
        keys = list(order.tolist() if isinstance(order, np.ndarray) else order)
        if len(keys) != y.size:
            raise InputError(f"order must give one sort key per study; got {len(keys)} keys for "
                             f"{y.size} studies. Pass e.g. the publication year of each study.")
        try:  # stable sort, as R's order() (radix method) used by metafor cumul
            idx = sorted(range(y.size), key=lambda i: keys[i], reverse=decreasing)
        except TypeError as exc:
            raise InputError(f"order keys must be comparable (all numbers or all text); got {keys!r}. "
                             "Pass one year or number per study.") from exc
    rows, notes = [], []
    for j in range(1, y.size + 1):
        sub = np.array(idx[:j])
        try:
            rows.append(_summary(y[sub], v[sub], method, test, level))
        except FitError as exc:  # metafor cumul: a failed fit gives a row of NA
            rows.append(dict(_NAN_ROW))
            notes.append(f"the first {j} studies could not be fitted ({exc}); row left empty")
    return Cumulative(method=method, test=test, level=level, labels=tuple(labs[i] for i in idx),
                      warnings=tuple(notes), order=np.array(idx, dtype=int), **_stack(rows))


@dataclass(frozen=True)
class Influence:
    """metafor influence.rma.uni diagnostics (Viechtbauer & Cheung 2010, Res Synth Methods 1:112).

    Per study: externally studentized residual, DFFITS, Cook's distance, covariance ratio, tau² and
    Q when the study is deleted, hat value, weight (percent), DFBETAS of the intercept, and the
    `influential` flag (metafor's '*': |DFFITS| > 3 sqrt(p/(k-p)), pchisq(Cook's D, p) > 0.5,
    hat > 3p/k, or |DFBETAS| > 1).
    """

    method: str
    test: str
    labels: tuple[str, ...]
    rstudent: np.ndarray
    dffits: np.ndarray
    cook_d: np.ndarray
    cov_r: np.ndarray
    tau2_del: np.ndarray
    qe_del: np.ndarray
    hat: np.ndarray
    weight: np.ndarray
    dfbetas: np.ndarray
    influential: np.ndarray
    tau2: float
    qe: float
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per study."""
        import pandas as pd

        return pd.DataFrame({"study": list(self.labels), "rstudent": self.rstudent, "dffits": self.dffits,
                             "cook_d": self.cook_d, "cov_r": self.cov_r, "tau2_del": self.tau2_del,
                             "qe_del": self.qe_del, "hat": self.hat, "weight": self.weight,
                             "dfbetas": self.dfbetas, "influential": self.influential})

    def to_dict(self) -> dict:
        """JSON-ready dict: method, test, tau2, qe, studies (one dict per study), warnings."""
        return {"method": self.method, "test": self.test, "tau2": _clean(self.tau2), "qe": _clean(self.qe),
                "studies": [{k: _clean(v) for k, v in row.items()} for row in self.to_frame().to_dict("records")],
                "warnings": list(self.warnings)}


def influence(yi: Any, vi: Any, *, method: str = "REML", test: str = "z", level: float = 95.0,
              labels: Sequence[str] | None = None) -> Influence:
    """Case-deletion diagnostics of an intercept-only model (metafor influence.rma.uni).

    Returns an Influence; raises InputError for bad data and FitError when k < 2 or the full
    model cannot be fitted.
    """
    from scipy import stats

    _check_options(method, test)
    y, v, labs = _check_yi_vi(yi, vi, labels, min_k=2, what="influence analysis")
    k, p = y.size, 1
    full = rma(y, v, method=method, test=test, level=level)
    tau2_full = float(full.tau2) if full.method not in _FE_METHODS else 0.0
    beta = float(full.beta[0])
    vb = float(full.se_beta[0]) ** 2
    w_full = 1.0 / (v + tau2_full)
    hat = w_full / w_full.sum()          # hat values of the weighted intercept model: w_i / sum(w)
    weight = 100.0 * hat                  # metafor weights(): percent
    out = {key: np.full(k, np.nan) for key in ("rstudent", "dffits", "cook_d", "cov_r", "tau2_del",
                                               "qe_del", "dfbetas")}
    notes = []
    for i in range(k):
        keep = np.arange(k) != i
        try:
            r = _summary(y[keep], v[keep], method, test, level)
        except FitError as exc:  # metafor influence: a failed refit leaves NA
            notes.append(f"without study {labs[i]!r} the model could not be fitted ({exc}); row left empty")
            continue
        b_del, vb_del, s2w, t2 = r["estimate"], r["se"] ** 2, r["s2w"], r["tau2"]
        diff = beta - b_del
        out["tau2_del"][i] = t2
        out["qe_del"][i] = r["q"]
        # DFFITS (Belsley et al. 1980; metafor): (fit - deleted prediction) / sqrt(s2w h_i (tau2_(-i) + v_i))
        out["dffits"][i] = diff / np.sqrt(s2w * hat[i] * (t2 + v[i]))
        # DFBETAS: change in beta scaled by its variance under the deleted tau2, all k studies
        out["dfbetas"][i] = diff / np.sqrt(s2w / np.sum(1.0 / (v + t2)))
        out["cook_d"][i] = diff ** 2 / vb          # Cook's distance with the full model's var(beta)
        out["cov_r"][i] = vb_del / vb              # covariance ratio det(vb_(-i)) / det(vb)
        resid = y[i] - b_del
        if abs(resid) < 100 * np.finfo(float).eps:
            resid = 0.0
        # externally studentized residual (Viechtbauer & Cheung 2010, eq. 12)
        out["rstudent"][i] = resid / np.sqrt(v[i] * s2w + vb_del + t2 * s2w)
    with np.errstate(invalid="ignore"):
        infl = ((np.abs(out["dffits"]) > 3 * np.sqrt(p / (k - p)))
                | (stats.chi2.cdf(out["cook_d"], df=p) > 0.5)
                | (hat > 3 * p / k)
                | (np.abs(out["dfbetas"]) > 1))
    # a NaN diagnostic compares False, so a study is flagged when any known criterion holds (R: NA | TRUE)
    return Influence(method=method, test=test, labels=labs, rstudent=out["rstudent"], dffits=out["dffits"],
                     cook_d=out["cook_d"], cov_r=out["cov_r"], tau2_del=out["tau2_del"],
                     qe_del=out["qe_del"], hat=hat, weight=weight, dfbetas=out["dfbetas"],
                     influential=np.asarray(infl, dtype=bool), tau2=tau2_full, qe=float(full.q),
                     warnings=tuple(notes))
