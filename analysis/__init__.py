"""analysis: meta-analysis that matches R's metafor.

Effect sizes (`escalc`) are pure vectorised functions returning yi and vi; pooling (`rma`) takes yi
and vi and returns a frozen `MetaResult`; sensitivity, bias, subgroup and vote-counting analyses
build on `rma`; plots render results. Nothing here prints. Plots are imported on first use (they
load matplotlib).
"""
from analysis.bias import RegTest, TrimFill, regtest, trimfill
from analysis.conversions import (combine_arms, conv_wald, impute_r, mean_sd_from_fivenum, sd_change,
                                  sd_from_ci, sd_from_p_value, sd_from_se)
from analysis.effects import MEASURES, EffectSizes, escalc, transform_back
from analysis.pooling import ESTIMATORS, MetaResult, rma
from analysis.sensitivity import Cumulative, Influence, LeaveOneOut, cumulative, influence, leave_one_out
from analysis.subgroups import MetaRegression, SubgroupResult, meta_regression, subgroup_analysis
from analysis.votes import CombinedP, VoteCount, combine_p, parse_p, vote_count

__all__ = [
    "MEASURES", "ESTIMATORS", "EffectSizes", "MetaResult", "escalc", "transform_back", "rma",
    "sd_from_se", "sd_from_ci", "sd_from_p_value", "conv_wald", "mean_sd_from_fivenum", "sd_change", "impute_r",
    "combine_arms", "leave_one_out", "cumulative", "influence", "LeaveOneOut", "Cumulative", "Influence",
    "regtest", "trimfill", "RegTest", "TrimFill", "subgroup_analysis", "meta_regression", "SubgroupResult",
    "MetaRegression", "vote_count", "combine_p", "parse_p", "VoteCount", "CombinedP",
    "forest_plot", "funnel_plot", "cumulative_plot",
]


def __getattr__(name: str):
    if name in ("forest_plot", "funnel_plot", "cumulative_plot"):
        from analysis import plots

        return getattr(plots, name)
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
