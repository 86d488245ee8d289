"""The RevMan columns of a forest plot: per-arm numbers, favours labels and units for each analysis.

`forest_data(pooled, predictions, plan)` prepares, for every pooled analysis, what RevMan shows
beside each study and under the axis:

- per study, the experimental and control groups' numbers behind its effect size: events/total
  for responders and adverse events, mean/SD/n for continuous outcomes, read from the same
  corrected evidence rows the synthesis used (the latest timepoint of the window per arm; several
  treatment arms combined as the synthesis combines them: counts summed, means and SDs by
  analysis.combine_arms, Cochrane Handbook 6.5.2.10);
- the favours labels, from the outcome's better direction (extract/data/measures.json `better`,
  through the analysis plan): for a difference (MD, SMD, MC) with lower better, values below the
  null favour the intervention; for a ratio of responders (higher better), values above it do;
- the outcome's unit where the scale has one (trialsynth/data/outcome_units.json).

These are data for the report and for `analysis.plots.forest_plot`'s RevMan columns; nothing here
draws or fits.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping

from trialsynth.results import _Json

__all__ = ["ArmNumbers", "ForestData", "ForestStudy", "favours_labels", "forest_data", "outcome_unit"]

_CONTROL = re.compile(r"placebo|control|sham|saline|conventional|usual care|standard", re.I)  # as synthesis reads arms
DIFFERENCES = {"MD", "SMD", "MC", "SMCR", "SMCC", "RD"}
RATIOS = {"RR", "OR"}


@dataclass(frozen=True)
class ArmNumbers(_Json):
    """One group's numbers: events/total (binary) or mean/sd/n (continuous); `arms` combined into it."""

    events: int | None = None
    total: int | None = None
    mean: float | None = None
    sd: float | None = None
    n: int | None = None
    arms: tuple[str, ...] = ()
    what: str = ""  # "change from baseline" | "follow-up" | "events"


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
    unit: str | None  # "points", "mm/h", ... or None when the scale has none or it varies
    experimental_label: str = "MSC"
    control_label: str = "Control"


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
    if measure in ("MC", "SMCR", "SMCC"):
        good, bad = "Improvement", "Worsening"
    elif measure in DIFFERENCES | RATIOS:
        good, bad = f"Favours {experimental}", f"Favours {control}"
    else:
        return None, None
    return (good, bad) if better == "lower" else (bad, good)


def _is_control(arm: str | None, control_names: set[str]) -> bool:
    return bool(arm) and (arm in control_names or bool(_CONTROL.search(arm or "")))


def _latest(rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    by_arm: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_arm.setdefault(r.get("arm") or "", []).append(r)
    out = []
    for arm_rows in by_arm.values():
        latest = max((r.get("timepoint_weeks") or -1) for r in arm_rows)
        out.extend(r for r in arm_rows if (r.get("timepoint_weeks") or -1) == latest)
    return out


def _events(rows: Iterable[Mapping[str, Any]]) -> ArmNumbers | None:
    events = total = 0
    arms = []
    for r in rows:
        n = r.get("n")
        if r.get("n_responders") is not None:
            x = int(r["n_responders"])
        elif r.get("percent_responders") is not None and n:
            x = round(float(r["percent_responders"]) * int(n) / 100)
        else:
            continue
        if not n:
            continue
        events, total = events + x, total + int(n)
        arms.append(str(r.get("arm") or ""))
    return ArmNumbers(events=events, total=total, arms=tuple(arms), what="events") if arms else None


def _continuous(rows: list[Mapping[str, Any]], change: bool) -> ArmNumbers | None:
    from analysis.conversions import combine_arms

    keys = ("change_mean", "change_sd") if change else ("followup_mean", "followup_sd")
    vals = [(float(r[keys[0]]), float(r[keys[1]]), int(r["n"]), str(r.get("arm") or "")) for r in rows
            if r.get(keys[0]) is not None and r.get(keys[1]) is not None and r.get("n")]
    if not vals:
        return None
    m, sd, n, _ = vals[0]
    for m2, sd2, n2, _ in vals[1:]:
        nn, mm, ss = combine_arms(n, m, sd, n2, m2, sd2)
        n, m, sd = int(nn[0]), float(mm[0]), float(ss[0])
    return ArmNumbers(mean=m, sd=sd, n=n, arms=tuple(v[3] for v in vals),
                      what="change from baseline" if change else "follow-up")


def _study(pa: Any, study: Any, prediction: Mapping[str, Any], plan: Any) -> ForestStudy:
    op = plan.outcome(pa.outcome)
    rows = [r for r in prediction.get("outcomes") or []
            if (op is not None and plan.outcome(r.get("measure_canonical", r.get("measure")) or "") is op)
            and plan.window_of(r.get("timepoint_weeks")) == pa.window]
    rows = _latest(rows)
    control_names = {a.get("name") for a in prediction.get("arms") or [] if a.get("control")}
    ctrl = [r for r in rows if _is_control(r.get("arm"), control_names)]
    treat = [r for r in rows if not _is_control(r.get("arm"), control_names)]
    controlled = pa.measure in DIFFERENCES - {"MC", "SMCR", "SMCC"} or pa.measure in RATIOS
    if op is not None and op.kind == "continuous":
        if controlled:
            change = all(r.get("change_mean") is not None for r in treat + ctrl)
            t, c = _continuous(treat, change), _continuous(ctrl, change)
            if t is None or c is None:
                t, c = _continuous(treat, False), _continuous(ctrl, False)
            return ForestStudy(study.record_id, study.label, t, c)
        single = treat or rows
        return ForestStudy(study.record_id, study.label, _continuous(single, True) or _continuous(single, False), None)
    if controlled:
        return ForestStudy(study.record_id, study.label, _events(treat), _events(ctrl))
    return ForestStudy(study.record_id, study.label, _events(treat or rows), None)


def forest_data(pooled: Iterable[Any], predictions: Mapping[str, Mapping[str, Any]], plan: Any) -> tuple[ForestData, ...]:
    """The RevMan columns of every pooled analysis (see the module docstring), in the order given."""
    out = []
    for pa in pooled:
        op = plan.outcome(pa.outcome)
        kind = "continuous" if op is not None and op.kind == "continuous" else "binary"
        studies = tuple(_study(pa, s, predictions.get(s.record_id) or {}, plan) for s in pa.studies)
        left, right = favours_labels(pa.measure, getattr(op, "better", None))
        out.append(ForestData(key=pa.key, kind=kind, studies=studies, favours_left=left, favours_right=right,
                              unit=outcome_unit(pa.outcome) if kind == "continuous" else None))
    return tuple(out)
