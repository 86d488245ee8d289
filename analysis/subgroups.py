"""Subgroup analyses and meta-regression.

`subgroup_analysis` follows the Cochrane Handbook 10.11.3.1 and RevMan: a separate meta-analysis
per subgroup (each with its own tau²) and a test for subgroup differences from a fixed-effect
meta-analysis of the subgroup estimates (Q_between ~ chi²(G-1)). metafor's alternative, a
mixed-effects meta-regression on the group factor with a common tau², is reported alongside.
`meta_regression` wraps `rma(mods=...)` and adds metafor's pseudo-R². Both cost O(k p²): rma never
forms a k x k matrix (see analysis.pooling).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from analysis.pooling import MetaResult, fe_adjusted_r2, rma
from analysis.sensitivity import _check_yi_vi, _clean
from analysis.errors import FitError, InputError

if TYPE_CHECKING:  # pandas and scipy.stats are imported where used (each takes ~0.5-1 s)
    import pandas as pd

__all__ = ["Subgroup", "SubgroupResult", "MetaRegression", "subgroup_analysis", "meta_regression"]


@dataclass(frozen=True)
class Subgroup:
    """One subgroup's own meta-analysis (a study alone is its own estimate: fixed effect, z test)."""

    group: str
    k: int
    result: MetaResult

    def to_dict(self) -> dict:
        r = self.result
        return {"group": self.group, "k": self.k, "method": r.method, "test": r.test,
                "estimate": _clean(r.estimate), "se": _clean(r.se), "ci_low": _clean(r.ci_low),
                "ci_high": _clean(r.ci_high), "p_value": _clean(r.p_value), "tau2": _clean(r.tau2),
                "i2": _clean(r.i2), "q": _clean(r.q), "q_p": _clean(r.q_p)}


@dataclass(frozen=True)
class SubgroupResult:
    """Per-subgroup meta-analyses plus two tests for subgroup differences.

    Cochrane/RevMan test: q_between (chi² with q_between_df = G-1 df), q_between_p and
    i2_between = max(0, (Q - df)/Q) in percent. metafor's alternative: qm (chi², or F with
    (qm_df, qm_df2) df for test "knha"), qm_p and the common tau2_common of the mixed-effects
    model `mixed` (None when it cannot be fitted; see warnings).
    """

    method: str
    test: str
    groups: tuple[Subgroup, ...]
    q_between: float
    q_between_df: int
    q_between_p: float
    i2_between: float
    qm: float | None
    qm_df: int
    qm_df2: float | None
    qm_p: float | None
    tau2_common: float | None
    mixed: MetaResult | None
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per subgroup."""
        import pandas as pd

        return pd.DataFrame([g.to_dict() for g in self.groups])

    def to_dict(self) -> dict:
        """JSON-ready dict: subgroups, the Cochrane test and metafor's mixed-effects test."""
        return {"method": self.method, "test": self.test, "groups": [g.to_dict() for g in self.groups],
                "q_between": _clean(self.q_between), "q_between_df": self.q_between_df,
                "q_between_p": _clean(self.q_between_p), "i2_between": _clean(self.i2_between),
                "qm": _clean(self.qm), "qm_df": self.qm_df, "qm_df2": _clean(self.qm_df2),
                "qm_p": _clean(self.qm_p), "tau2_common": _clean(self.tau2_common),
                "warnings": list(self.warnings)}


def _levels(groups: Sequence[Any]) -> list[Any]:
    """Distinct group values, sorted (as R's factor levels), mixed types sorted by their text."""
    uniq = list(dict.fromkeys(groups))
    try:
        return sorted(uniq)
    except TypeError:
        return sorted(uniq, key=str)


def subgroup_analysis(yi: Any, vi: Any, groups: Sequence[Any], *, method: str = "REML", test: str = "z",
                      level: float = 95.0, labels: Sequence[str] | None = None) -> SubgroupResult:
    """Meta-analyse each subgroup separately and test for subgroup differences.

    Returns a SubgroupResult. Raises InputError when groups has the wrong length or a missing
    value, FitError with fewer than 2 subgroups.
    """
    from analysis.distributions import chi2_sf

    y, v, labs = _check_yi_vi(yi, vi, labels, min_k=2, what="a subgroup analysis")
    g = list(groups.tolist() if isinstance(groups, np.ndarray) else groups)
    if len(g) != y.size:
        raise InputError(f"groups must give one subgroup per study; got {len(g)} values for {y.size} "
                         "studies. Pass the subgroup of every study.")
    for i, val in enumerate(g):
        if val is None or (isinstance(val, float) and np.isnan(val)) or (isinstance(val, str) and not val.strip()):
            raise InputError(f"every study needs a subgroup; study {labs[i]!r} has {val!r}. "
                             "Fill in its subgroup or drop the study.")
    levels = _levels(g)
    if len(levels) < 2:
        raise FitError(f"a subgroup analysis needs at least 2 subgroups; got {len(levels)} "
                            f"({', '.join(map(str, levels))}). Choose a grouping that splits the studies.")
    g_arr = np.array([levels.index(val) for val in g])
    notes: list[str] = []
    subs = []
    for j, lev in enumerate(levels):
        idx = np.flatnonzero(g_arr == j)
        if idx.size == 1:
            # metafor rma.uni with k = 1: tau² = 0 and a z test; the study is the subgroup estimate
            res = rma(y[idx], v[idx], method="FE", test="z", level=level, labels=[labs[i] for i in idx])
            notes.append(f"subgroup {lev!s} has a single study; its estimate is that study's (no tau²)")
        else:
            res = rma(y[idx], v[idx], method=method, test=test, level=level, labels=[labs[i] for i in idx])
        subs.append(Subgroup(group=str(lev), k=int(idx.size), result=res))
    est = np.array([s.result.estimate for s in subs])
    var = np.array([s.result.se for s in subs]) ** 2
    if np.any(var <= 0):
        raise FitError("a subgroup estimate has a standard error of 0 (Knapp-Hartung with identical "
                            "estimates); the test for subgroup differences cannot weight it. Use test='z'.")
    # Cochrane Handbook 10.11.3.1 / RevMan: fixed-effect meta-analysis of the subgroup estimates
    w = 1.0 / var
    pooled = float(np.sum(w * est) / np.sum(w))
    q_b = float(np.sum(w * (est - pooled) ** 2))
    df_b = len(levels) - 1
    q_b_p = float(chi2_sf(q_b, df_b))
    i2_b = max(0.0, 100.0 * (q_b - df_b) / q_b) if q_b > 0 else 0.0   # Higgins & Thompson 2002, eq. 10
    # metafor: mixed-effects meta-regression with the group factor (dummy coding, first level as reference)
    dummies = (g_arr[:, None] == np.arange(1, len(levels))[None, :]).astype(float)
    mixed = None
    try:
        mixed = rma(y, v, method=method, test=test, level=level, mods=dummies, labels=labs)
    except FitError as exc:
        notes.append(f"the mixed-effects model with a common tau² could not be fitted: {exc}")
    return SubgroupResult(
        method=method, test=test, groups=tuple(subs), q_between=q_b, q_between_df=df_b,
        q_between_p=q_b_p, i2_between=i2_b,
        qm=mixed.qm if mixed else None, qm_df=df_b, qm_df2=mixed.dfs if mixed else None,
        qm_p=mixed.qm_p if mixed else None,
        tau2_common=(float(mixed.tau2) if mixed else None), mixed=mixed, warnings=tuple(notes))


@dataclass(frozen=True)
class MetaRegression:
    """Meta-regression (rma with moderators) with metafor's pseudo-R².

    `slope`/`slope_se`/... describe the first moderator; `beta` etc. hold all coefficients
    (intercept first). `r2` = max(0, 100 (tau²_null - tau²)/tau²_null) for random-effects models
    (Raudenbush 2009), the adjusted R² of the weighted least squares fit for method="FE" (metafor).
    """

    method: str
    test: str
    k: int
    names: tuple[str, ...]
    beta: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_values: np.ndarray
    dfs: float | None
    slope: float
    slope_se: float
    slope_ci_low: float
    slope_ci_high: float
    slope_p: float
    tau2: float
    tau2_null: float | None
    r2: float | None
    qm: float | None
    qm_p: float | None
    qe: float
    qe_p: float
    result: MetaResult
    warnings: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient."""
        import pandas as pd

        return pd.DataFrame({"term": list(self.names), "estimate": self.beta, "se": self.se,
                             "ci_low": self.ci_low, "ci_high": self.ci_high, "p_value": self.p_values})

    def to_dict(self) -> dict:
        """JSON-ready dict: coefficients, tau², R², QM and QE."""
        keys = ("method", "test", "k", "dfs", "slope", "slope_se", "slope_ci_low", "slope_ci_high",
                "slope_p", "tau2", "tau2_null", "r2", "qm", "qm_p", "qe", "qe_p")
        out = {key: _clean(getattr(self, key)) for key in keys}
        out["coefficients"] = [{k: _clean(v) for k, v in row.items()} for row in self.to_frame().to_dict("records")]
        out["warnings"] = list(self.warnings)
        return out


def meta_regression(yi: Any, vi: Any, x: Any, *, method: str = "REML", test: str = "knha",
                    level: float = 95.0, names: Sequence[str] | None = None,
                    labels: Sequence[str] | None = None) -> MetaRegression:
    """Fit rma(yi, vi, mods=x) and report slope(s), tau² and R² as metafor.

    x: moderator values (k,) or (k, m); names: moderator names (default x1..xm).
    Returns a MetaRegression; raises what `rma` raises (InputError, FitError).
    """
    y, v, labs = _check_yi_vi(yi, vi, labels, min_k=2, what="a meta-regression")
    if x is None:
        raise InputError("meta_regression needs moderator values x; got None. Pass one value per "
                         "study (or a k x m array), or use rma() for a model without moderators.")
    res = rma(y, v, method=method, test=test, level=level, mods=x, labels=labs)
    m = res.p - 1
    if names is None:
        mod_names = tuple(f"x{j + 1}" for j in range(m)) if m > 1 else ("x",)
    else:
        mod_names = tuple(str(s) for s in names)
        if len(mod_names) != m:
            raise InputError(f"names must name each of the {m} moderators; got {len(mod_names)}. "
                             "Pass one name per column of x.")
    notes: list[str] = []
    tau2_null = None
    X = np.column_stack([np.ones(y.size), np.asarray(x, dtype=float).reshape(y.size, -1)])
    if res.method == "FE":
        r2 = fe_adjusted_r2(y, v, X)
    else:
        try:
            null = rma(y, v, method=method, test=test, level=level)
            tau2_null = float(null.tau2)
            # metafor rma.uni R² (Raudenbush 2009): proportional reduction of tau², truncated at 0, percent
            r2 = 0.0 if tau2_null == 0 else max(0.0, 100.0 * (tau2_null - res.tau2) / tau2_null)
        except FitError as exc:
            r2 = None
            notes.append(f"R² not computed: the model without moderators could not be fitted ({exc})")
    return MetaRegression(
        method=res.method, test=res.test, k=res.k, names=("intrcpt",) + mod_names, beta=res.beta,
        se=res.se_beta, ci_low=res.ci_lb, ci_high=res.ci_ub, p_values=res.pval_beta, dfs=res.dfs,
        slope=float(res.beta[1]), slope_se=float(res.se_beta[1]), slope_ci_low=float(res.ci_lb[1]),
        slope_ci_high=float(res.ci_ub[1]), slope_p=float(res.pval_beta[1]), tau2=float(res.tau2),
        tau2_null=tau2_null, r2=r2, qm=res.qm, qm_p=res.qm_p, qe=float(res.q), qe_p=float(res.q_p),
        result=res, warnings=tuple(notes) + tuple(res.warnings))
