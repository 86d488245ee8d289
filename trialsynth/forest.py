"""The RevMan columns of a forest plot: per-arm numbers, favours labels and units for each analysis.

`forest_data(pooled, plan)` prepares, for every pooled analysis, what RevMan shows beside each
study and under the axis:

- per study, the experimental and control groups' numbers behind its effect size, read from what
  the synthesis computed it from (`PooledStudy.inputs`, by escalc's names, with `scores` and the
  arms combined): events/total for responders and adverse events, mean/SD/n for continuous
  outcomes (of change scores or follow-up values), baseline and follow-up for a pre-post change;
- the favours labels, from the outcome's better direction (extract/data/measures.json `better`,
  through the analysis plan): for a difference (MD, SMD, MC) with lower better, values below the
  null favour the intervention; for a ratio of responders (higher better), values above it do;
- the outcome's unit where the scale has one (trialsynth/data/outcome_units.json).

`plot_arms(data, studies)` turns one analysis's numbers into `analysis.plots.forest_plot`'s `arms`
mapping. These are data for the report and the plot; nothing here draws or fits.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, Sequence

from trialsynth.results import PooledAnalysis, PooledStudy, _Json

__all__ = ["ArmNumbers", "ForestData", "ForestStudy", "favours_labels", "forest_data", "outcome_unit", "plot_arms"]

DIFFERENCES = {"MD", "SMD", "MC", "SMCR", "SMCC", "RD"}
RATIOS = {"RR", "OR"}
PRE_POST = {"MC", "SMCR", "SMCC"}
WHAT = {"change": "change from baseline", "follow-up": "follow-up", "pre-post": "baseline and follow-up"}


@dataclass(frozen=True)
class ArmNumbers(_Json):
    """One group's numbers: events/total (binary) or mean/sd/n (continuous); `arms` combined into it.

    For a pre-post change (`what` "baseline and follow-up") mean and sd are the follow-up's (sd None
    when the measure standardises by the baseline SD and the follow-up SD was not used).
    """

    events: int | None = None
    total: int | None = None
    mean: float | None = None
    sd: float | None = None
    n: int | None = None
    arms: tuple[str, ...] = ()
    what: str = ""  # "change from baseline" | "follow-up" | "baseline and follow-up" | "events"
    baseline_mean: float | None = None
    baseline_sd: float | None = None


@dataclass(frozen=True)
class ForestStudy(_Json):
    record_id: str
    label: str
    experimental: ArmNumbers | None
    control: ArmNumbers | None


@dataclass(frozen=True)
class ForestData(_Json):
    """The RevMan columns of one pooled analysis (`key` is PooledAnalysis.key)."""

    key: str
    kind: str  # "binary" | "continuous"
    studies: tuple[ForestStudy, ...]
    favours_left: str | None  # under the axis, left of the null line
    favours_right: str | None
    unit: str | None  # "DAS28 points", "mm/h", ... or None when the scale has none or it varies
    experimental_label: str = "MSC"
    control_label: str = "Control"
    measure: str = ""


@lru_cache(maxsize=1)
def _units() -> dict[str, str]:
    text = resources.files("trialsynth").joinpath("data", "outcome_units.json").read_text("utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def outcome_unit(outcome: str) -> str | None:
    """The unit of an outcome's scale where it has one fixed unit ("ESR" -> "mm/h"), else None."""
    return _units().get(outcome)


def favours_labels(measure: str, better: str | None, *, experimental: str = "MSC", control: str = "control"
                   ) -> tuple[str | None, str | None]:
    """(left, right) labels under a forest plot's axis, or (None, None) when no side is better.

    Differences and ratios against control: "Favours MSC" on the side of benefit. A single-arm mean
    change: "Improvement" on the side of benefit, "Worsening" on the other. A proportion has no
    better side to draw.
    """
    if better not in ("lower", "higher"):
        return None, None
    if measure in PRE_POST:
        good, bad = "Improvement", "Worsening"
    elif measure in DIFFERENCES | RATIOS:
        good, bad = f"Favours {experimental}", f"Favours {control}"
    else:
        return None, None
    return (good, bad) if better == "lower" else (bad, good)


def _number(inputs: Mapping[str, Any], key: str) -> float | None:
    value = inputs.get(key)
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _whole(inputs: Mapping[str, Any], key: str) -> int | None:
    value = _number(inputs, key)
    return None if value is None else int(round(value))


def arm_numbers(study: PooledStudy, measure: str) -> tuple[ArmNumbers | None, ArmNumbers | None]:
    """(experimental, control) numbers of one study of a `measure` analysis, from what the synthesis
    computed its yi from (`study.inputs`); (None, None) when they are not known."""
    x = study.inputs or {}
    exp_names, ctrl_names = (tuple(a) for a in (tuple(study.arms) + ((), ()))[:2])
    if "ai" in x:   # two groups' events (RR, OR, RD)
        return (ArmNumbers(events=_whole(x, "ai"), total=_whole(x, "n1i"), arms=exp_names, what="events"),
                ArmNumbers(events=_whole(x, "ci"), total=_whole(x, "n2i"), arms=ctrl_names, what="events"))
    if "xi" in x:   # one group's events (PR, PLO, ...)
        return ArmNumbers(events=_whole(x, "xi"), total=_whole(x, "ni"), arms=exp_names, what="events"), None
    what = WHAT.get(study.scores, study.scores)
    if "n1i" in x:  # two groups' means (MD, SMD)
        return (ArmNumbers(mean=_number(x, "m1i"), sd=_number(x, "sd1i"), n=_whole(x, "n1i"), arms=exp_names,
                           what=what),
                ArmNumbers(mean=_number(x, "m2i"), sd=_number(x, "sd2i"), n=_whole(x, "n2i"), arms=ctrl_names,
                           what=what))
    if "mi" in x:   # a reported mean change and its SD
        return ArmNumbers(mean=_number(x, "mi"), sd=_number(x, "sdi"), n=_whole(x, "ni"), arms=exp_names,
                          what=what), None
    if "m1i" in x:  # pre-post, as metafor orders it: m1i and sd1i the follow-up, m2i and sd2i the baseline
        if measure == "SMCR":   # raw-score standardisation: sd1i is the baseline SD, no follow-up SD is used
            follow_sd, baseline_sd = None, _number(x, "sd1i")
        else:
            follow_sd, baseline_sd = _number(x, "sd1i"), _number(x, "sd2i")
        return ArmNumbers(mean=_number(x, "m1i"), sd=follow_sd, n=_whole(x, "ni"), arms=exp_names, what=what,
                          baseline_mean=_number(x, "m2i"), baseline_sd=baseline_sd), None
    return None, None


def plot_arms(data: ForestData, studies: Sequence[ForestStudy | None]) -> dict[str, list[float | None]] | None:
    """forest_plot's `arms` mapping (escalc names -> one value per study, None when not known) for
    `studies` in the fit's order, or None when no study has numbers.

    The names are escalc's, so analysis.plots heads each column by what it holds: for a pre-post
    change m1i, sd1i the follow-up and m2i, sd2i the baseline (metafor's order for MC and SMCC; for
    SMCR sd1i is the baseline SD it standardises by, and no follow-up SD is used); a reported mean
    change and its SD are mi, sdi (escalc's "MN" of the change scores); ni the group's n. Names no
    study has a value for are left out.
    """
    controlled = any(s is not None and s.control is not None for s in studies)
    pre_post = data.kind != "binary" and not (controlled and data.measure not in PRE_POST)
    change = WHAT["change"]
    if data.kind == "binary":
        keys = ({"ai": ("experimental", "events"), "n1i": ("experimental", "total"),
                 "ci": ("control", "events"), "n2i": ("control", "total")} if controlled
                else {"xi": ("experimental", "events"), "ni": ("experimental", "total")})
    elif not pre_post:
        keys = {"m1i": ("experimental", "mean"), "sd1i": ("experimental", "sd"), "n1i": ("experimental", "n"),
                "m2i": ("control", "mean"), "sd2i": ("control", "sd"), "n2i": ("control", "n")}
    elif data.measure == "SMCR":
        keys = {"m1i": ("experimental", "mean"), "m2i": ("experimental", "baseline_mean"),
                "sd1i": ("experimental", "baseline_sd"), "mi": ("experimental", "mean"),
                "sdi": ("experimental", "sd"), "ni": ("experimental", "n")}
    else:
        keys = {"m1i": ("experimental", "mean"), "sd1i": ("experimental", "sd"),
                "m2i": ("experimental", "baseline_mean"), "sd2i": ("experimental", "baseline_sd"),
                "mi": ("experimental", "mean"), "sdi": ("experimental", "sd"), "ni": ("experimental", "n")}

    def value(study: ForestStudy | None, name: str, group: str, field: str) -> float | None:
        arm = None if study is None else getattr(study, group)
        if arm is None:
            return None
        if pre_post and name in ("m1i", "sd1i", "m2i", "sd2i") and arm.what == change:
            return None   # a mean change is not a follow-up mean: it goes to mi, sdi
        if pre_post and name in ("mi", "sdi") and arm.what != change:
            return None
        return getattr(arm, field)

    out = {name: [value(s, name, group, field) for s in studies] for name, (group, field) in keys.items()}
    out = {name: values for name, values in out.items() if any(v is not None for v in values)}
    return out or None


def forest_data(pooled: Iterable[PooledAnalysis], plan: Any) -> tuple[ForestData, ...]:
    """The RevMan columns of every pooled analysis (see the module docstring), in the order given."""
    out = []
    for pa in pooled:
        op = plan.outcome(pa.outcome)
        kind = "continuous" if op is not None and op.kind == "continuous" else "binary"
        studies = tuple(ForestStudy(s.record_id, s.label, *arm_numbers(s, pa.measure)) for s in pa.studies)
        left, right = favours_labels(pa.measure, getattr(op, "better", None))
        out.append(ForestData(key=pa.key, kind=kind, studies=studies, favours_left=left, favours_right=right,
                              unit=outcome_unit(pa.outcome) if kind == "continuous" else None,
                              measure=pa.measure))
    return tuple(out)
