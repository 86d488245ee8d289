"""analysis: meta-analysis that matches R's metafor.

Effect sizes (`escalc`) are pure vectorised functions returning yi and vi; pooling (`rma`) takes yi
and vi and returns a frozen `MetaResult`; sensitivity, bias, subgroup and vote-counting analyses
build on `rma`; plots render results. Nothing here prints. Every name is imported on first
use (PEP 562), so `import analysis.errors` or one module does not load scipy, pandas or matplotlib.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "RegTest": "analysis.bias",
    "TrimFill": "analysis.bias",
    "regtest": "analysis.bias",
    "trimfill": "analysis.bias",
    "combine_arms": "analysis.conversions",
    "conv_wald": "analysis.conversions",
    "impute_r": "analysis.conversions",
    "mean_sd_from_fivenum": "analysis.conversions",
    "sd_change": "analysis.conversions",
    "sd_from_ci": "analysis.conversions",
    "sd_from_p_value": "analysis.conversions",
    "sd_from_se": "analysis.conversions",
    "MEASURES": "analysis.effects",
    "EffectSizes": "analysis.effects",
    "escalc": "analysis.effects",
    "transform_back": "analysis.effects",
    "ESTIMATORS": "analysis.pooling",
    "MetaResult": "analysis.pooling",
    "rma": "analysis.pooling",
    "Cumulative": "analysis.sensitivity",
    "Influence": "analysis.sensitivity",
    "LeaveOneOut": "analysis.sensitivity",
    "cumulative": "analysis.sensitivity",
    "influence": "analysis.sensitivity",
    "leave_one_out": "analysis.sensitivity",
    "MetaRegression": "analysis.subgroups",
    "SubgroupResult": "analysis.subgroups",
    "meta_regression": "analysis.subgroups",
    "subgroup_analysis": "analysis.subgroups",
    "CombinedP": "analysis.votes",
    "VoteCount": "analysis.votes",
    "combine_p": "analysis.votes",
    "parse_p": "analysis.votes",
    "vote_count": "analysis.votes",
    "fisher_exact_p": "analysis.twogroup",
    "newcombe_rd_ci": "analysis.twogroup",
    "welch": "analysis.twogroup",
    "wilson": "analysis.twogroup",
    "forest_plot": "analysis.plots",
    "funnel_plot": "analysis.plots",
    "cumulative_plot": "analysis.plots",
}

__all__ = [
    "MEASURES", "ESTIMATORS", "EffectSizes", "MetaResult", "escalc", "transform_back", "rma",
    "sd_from_se", "sd_from_ci", "sd_from_p_value", "conv_wald", "mean_sd_from_fivenum", "sd_change", "impute_r",
    "combine_arms", "leave_one_out", "cumulative", "influence", "LeaveOneOut", "Cumulative", "Influence",
    "regtest", "trimfill", "RegTest", "TrimFill", "subgroup_analysis", "meta_regression", "SubgroupResult",
    "MetaRegression", "vote_count", "combine_p", "parse_p", "VoteCount", "CombinedP",
    "forest_plot", "funnel_plot", "cumulative_plot", "fisher_exact_p", "newcombe_rd_ci", "welch", "wilson",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
