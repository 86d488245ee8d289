"""From the included studies' evidence to pooled analyses and direction-of-effect syntheses.

`synthesise(studies, plan)` is pure: the same evidence gives the same results.

Effect sizes per study, outcome and timepoint window (the latest timepoint inside the window):
- continuous, single arm: mean change (MC: follow-up minus baseline). From a reported change
  mean and SD, yi = change mean and vi = SD_change² / n (what metafor's MC gives when the SD of the
  change is known, Morris 2008); from baseline and follow-up means and SDs, `escalc("MC", ...)`
  with the plan's assumed pre-post correlation (said in the analysis notes). SMCR needs both. A
  table's baseline and follow-up cells of one arm are separate rows: trialsynth.prepost pairs them.
- continuous, against a control arm: MD (or SMD) of change scores when both arms report them,
  else of follow-up values.
- responders and adverse events: the arm's count (n_responders, or the percentage of n rounded
  to a count, said in the notes) as a proportion (PLO by default) or, against control, RR.
  Several treatment arms (dose cohorts) are combined into one (Cochrane Handbook 6.5.2.10:
  counts summed; means and SDs by analysis.combine_arms).
- a controlled trial without arm-level numbers for an outcome but with a reported between-group
  effect and its 95% CI (Evidence.comparisons): the plan's MD (SMD) from a reported MD (SMD), RR or OR from that
  ratio on the log scale (trialsynth.comparisons.reported_effect; Cochrane Handbook 6.5.2.3, 6.3.2.1),
  said in the analysis notes; a study with arm-level numbers is never added a second time.
Direction-of-effect synthesis (Cochrane Handbook 12.2.2: vote counting on the direction of effect),
every study with a direction, pooled or not, with a sign test (analysis.vote_count): a controlled
trial's direction is its between-group comparison with the control (the comparison's label, the
intervention relative to control; the outcome's `better` side gives benefit or harm), basis
"between-group"; where the trial reports no comparison of that outcome, the direction of the
difference between its arms' values (trialsynth.armcompare: the treatment arms combined, then
each; "between-group (computed from the arms' values)"). The within-arm change counts only for a
single-arm study ("within-arm"); a controlled trial with neither is listed with its within-arm
change, basis "within-arm (no between-group comparison reported)", benefit "not counted", and left
out of the sign test. Comparisons map to the plan's outcomes by their canonical name, else their
cleaned name.
Several reports of one cohort (trialsynth.overlap) count once per outcome and window.
An implausible value (responders above the group size, a percentage outside 0-100, a negative SD
or count, a value the extractor marked in its `flags`, numbers escalc refuses) never stops the
synthesis: it is returned as a `FlaggedValue` (record, outcome, value, rule broken) and that study
is left out of that outcome and window's pool; everything else goes on.
Pooling: analysis.rma with the plan's estimator and test; one study is shown with its own
estimate (fixed-effect, z), never as a pooled result; leave-one-out from 3 studies; cumulative by
year from 2 (both up to the plan's sensitivity_max_k, 200, studies: each costs k fits); Egger's
regression test from the plan's small_study_min_k (10) studies.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, MutableMapping, Sequence

import numpy as np

from analysis.errors import AnalysisError
from trialsynth.armcompare import SOURCE as ARMS_SOURCE
from trialsynth.armcompare import arm_comparisons
from trialsynth.arms import count_of_percent, is_control
from trialsynth.overlap import CohortInfo, find_overlaps
from trialsynth.plan import MEASURE_LABELS, AnalysisPlan, OutcomePlan
from trialsynth.prepost import pair_baselines
from trialsynth.results import (BETWEEN_COMPUTED, NOT_COUNTED, WITHIN_NO_COMPARISON, DirectionEntry,
                                DirectionSynthesis, FlaggedValue, OverlapGroup, PooledAnalysis, PooledStudy)

__all__ = ["StudyInput", "SynthesisResult", "synthesise"]

# The analysis functions, imported on first use (scipy and pandas load only when something is pooled,
# so an update with nothing new never loads them).
def escalc(*args: Any, **kwargs: Any) -> Any:
    from analysis import escalc as f
    return f(*args, **kwargs)


def rma(*args: Any, **kwargs: Any) -> Any:
    from analysis import rma as f
    return f(*args, **kwargs)


def leave_one_out(*args: Any, **kwargs: Any) -> Any:
    from analysis import leave_one_out as f
    return f(*args, **kwargs)


def cumulative(*args: Any, **kwargs: Any) -> Any:
    from analysis import cumulative as f
    return f(*args, **kwargs)


def regtest(*args: Any, **kwargs: Any) -> Any:
    from analysis import regtest as f
    return f(*args, **kwargs)


def subgroup_analysis(*args: Any, **kwargs: Any) -> Any:
    from analysis import subgroup_analysis as f
    return f(*args, **kwargs)


def vote_count(*args: Any, **kwargs: Any) -> Any:
    from analysis import vote_count as f
    return f(*args, **kwargs)


def combine_arms(*args: Any, **kwargs: Any) -> Any:
    from analysis.conversions import combine_arms as f
    return f(*args, **kwargs)


RATIO = {"RR", "OR"}


@dataclass(frozen=True)
class StudyInput:
    record_id: str
    label: str  # "Wang 2019"
    year: int | None
    prediction: Mapping[str, Any]  # the extractor's output with the reviewer's corrections applied
    cohort: CohortInfo
    is_seed: bool = False
    # the comparisons computed from the arms' values (trialsynth.armcompare) when the caller has them already
    # (an update lists the same ones in its comparisons table); None: computed here
    computed: tuple[Mapping[str, Any], ...] | None = None


@dataclass(frozen=True)
class SynthesisResult:
    pooled: tuple[PooledAnalysis, ...]
    directions: tuple[DirectionSynthesis, ...]
    overlaps: tuple[OverlapGroup, ...]
    notes: tuple[str, ...] = ()
    flagged: tuple[FlaggedValue, ...] = ()
    used: tuple[str, ...] = ()  # the cache keys of the pooled analyses


@dataclass
class _Effect:
    record_id: str
    label: str
    year: int | None
    outcome: str
    window: str
    measure: str
    yi: float
    vi: float
    n: int | None
    weeks: float | None
    source: str
    notes: list[str] = field(default_factory=list)
    traits: dict[str, str] = field(default_factory=dict)  # subgroup values: cell_source, route, design
    inputs: dict[str, float] = field(default_factory=dict)  # escalc's inputs of yi, vi (PooledStudy.inputs)
    scores: str = ""  # "change" | "follow-up" | "pre-post" | "reported" (a reported effect and CI) | "" (counts)
    arms: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # (experimental, control) arm names


_SD_FIELDS = ("baseline_sd", "followup_sd", "change_sd")
_COUNT_FIELDS = ("n", "n_responders")


def implausible(row: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """Return (field, value, rule broken) for every implausible value of one outcome row; [] when none.

    Rules: a group size of at least 1 and counts of at least 0; responders at most the group size; a
    percentage between 0 and 100; standard deviations of at least 0; every number finite; and the
    extractor's own `flags`, listed only when none of these rules catches the row (else one problem
    would be listed twice, as the extractor's words and as the rule's).
    """
    out: list[tuple[str, Any, str]] = []
    for name, value in row.items():
        if isinstance(value, float) and not math.isfinite(value):
            out.append((name, value, f"{name} must be a finite number"))
    n, x, pct = row.get("n"), row.get("n_responders"), row.get("percent_responders")
    if _is_number(n) and n < 1:
        out.append(("n", n, f"the group size must be at least 1 (n = {n:g})"))
    if _is_number(x) and x < 0:
        out.append(("n_responders", x, f"a count must not be negative ({x:g})"))
    if _is_number(x) and _is_number(n) and x > n:
        out.append(("n_responders", x, f"responders ({x:g}) must not exceed the group size (n = {n:g})"))
    if _is_number(pct) and not 0 <= pct <= 100:
        out.append(("percent_responders", pct, f"a percentage must lie between 0 and 100 ({pct:g}%)"))
    for name in _SD_FIELDS:
        sd = row.get(name)
        if _is_number(sd) and sd < 0:
            out.append((name, sd, f"a standard deviation must not be negative ({name} = {sd:g})"))
    if not out:
        out = [("flags", flag, f"marked by the extractor: {flag}") for flag in row.get("flags") or ()]
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _flag(study: StudyInput, outcome: str, window: str, row: Mapping[str, Any], name: str, value: Any,
          rule: str) -> FlaggedValue:
    prov = row.get("provenance") or {}
    return FlaggedValue(record_id=study.record_id, label=study.label, outcome=outcome, window=window,
                        arm=row.get("arm"), field=name, value=value, rule=rule,
                        location=str(prov.get("location") or ""),
                        verbatim=str(prov.get("text") or row.get("verbatim") or ""))


def _count(row: Mapping[str, Any]) -> tuple[int | None, str | None]:
    if row.get("n_responders") is not None:
        return int(row["n_responders"]), None
    if row.get("percent_responders") is not None and row.get("n"):
        x = count_of_percent(row["percent_responders"], row["n"])
        return x, f"count {x} = {row['percent_responders']}% of {row['n']}, rounded"
    return None, None


def _source(row: Mapping[str, Any]) -> str:
    prov = row.get("provenance") or {}
    who = prov.get("entered_by") or "extractor"
    return who if who != "extractor" else (prov.get("location") or "abstract")


def _latest(rows: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Per arm, the rows of the latest timepoint."""
    by_arm: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by_arm.setdefault(r.get("arm") or "", []).append(r)
    out = []
    for arm_rows in by_arm.values():
        latest = max((r.get("timepoint_weeks") or -1) for r in arm_rows)
        out.extend(r for r in arm_rows if (r.get("timepoint_weeks") or -1) == latest)
    return out


def _continuous_arm(row: Mapping[str, Any], prefer_change: bool = True) -> tuple[float, float, int] | None:
    n = row.get("n")
    if not n:
        return None
    if prefer_change and row.get("change_mean") is not None and row.get("change_sd") is not None:
        return float(row["change_mean"]), float(row["change_sd"]), int(n)
    if row.get("followup_mean") is not None and row.get("followup_sd") is not None:
        return float(row["followup_mean"]), float(row["followup_sd"]), int(n)
    return None


def _combine_continuous(vals: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    m, sd, n = vals[0]
    for m2, sd2, n2 in vals[1:]:
        nn, mm, ss = combine_arms(n, m, sd, n2, m2, sd2)
        n, m, sd = int(nn[0]), float(mm[0]), float(ss[0])
    return m, sd, n


def _single_continuous(op: OutcomePlan, rows: list[Mapping[str, Any]], r: float
                       ) -> tuple[float, float, int, list[str], dict[str, float], str, tuple[str, ...]] | None:
    """(yi, vi, n, notes, escalc inputs, scores, arm names) of one group's change, or None."""
    notes: list[str] = []
    with_change = [x for x in rows
                   if x.get("change_mean") is not None and x.get("change_sd") is not None and x.get("n")]
    changes = [(float(x["change_mean"]), float(x["change_sd"]), int(x["n"])) for x in with_change]
    if op.single_arm == "MC" and changes:
        m, sd, n = _combine_continuous(changes)
        if len(changes) > 1:
            notes.append(f"{len(changes)} arms combined (Cochrane Handbook 6.5.2.10)")
        return m, sd * sd / n, n, notes, {"mi": m, "sdi": sd, "ni": n}, "change", _names(with_change)
    full = [x for x in rows if all(x.get(k) is not None for k in ("baseline_mean", "baseline_sd", "followup_mean",
                                                                   "followup_sd")) and x.get("n")]
    if not full:
        return None
    x = full[0]
    args = dict(m1i=float(x["followup_mean"]), m2i=float(x["baseline_mean"]), sd1i=float(
        x["followup_sd"] if op.single_arm == "MC" else x["baseline_sd"]), sd2i=float(x["baseline_sd"]),
        ni=int(x["n"]), ri=float(r))
    es = escalc(op.single_arm, **{k: [v] for k, v in args.items()})
    notes.append(f"pre-post correlation r = {r} assumed (review.toml [analysis] assumed_r)")
    return float(es.yi[0]), float(es.vi[0]), int(x["n"]), notes, args, "pre-post", _names([x])


def _names(rows: list[Mapping[str, Any]]) -> tuple[str, ...]:
    return tuple(str(x.get("arm") or "") for x in rows)


def _traits(study: StudyInput) -> dict[str, str]:
    pred = study.prediction
    design = "controlled" if any(a.get("control") for a in pred.get("arms") or []) else "single arm"
    return {"cell_source": study.cohort.cell_source or "not stated", "route": study.cohort.route or "not stated",
            "design": design, "cell_origin": pred.get("cell_origin") or "not stated"}


def _subgroups(effects: list["_Effect"], yi: np.ndarray, vi: np.ndarray, plan: AnalysisPlan, method: str,
               test: str) -> list[str]:
    """The plan's subgroup analyses where each subgroup has at least 2 studies (Q-between, Cochrane)."""
    out = []
    for variable in plan.subgroups:
        groups = [e.traits.get(variable, "not stated") for e in effects]
        sizes = {g: groups.count(g) for g in set(groups)}
        if len(sizes) < 2 or min(sizes.values()) < 2:
            continue
        try:
            res = subgroup_analysis(yi, vi, groups, method=method, test=test)
        except AnalysisError as exc:
            out.append(f"subgroups by {variable}: not computed ({exc})")
            continue
        parts = ", ".join(f"{g.group}: {g.result.estimate:.3g} [{g.result.ci_low:.3g}, {g.result.ci_high:.3g}] "
                          f"(k = {g.k})" for g in res.groups)
        out.append(f"subgroups by {variable.replace('_', ' ')}: {parts}; test for subgroup differences "
                   f"Q = {res.q_between:.2f}, df = {res.q_between_df}, p = {res.q_between_p:.3g}")
    return out


def _effects_for(study: StudyInput, op: OutcomePlan, window: str, rows: list[Mapping[str, Any]],
                 plan: AnalysisPlan) -> _Effect | None:
    pred = study.prediction
    control_names = {a.get("name") for a in pred.get("arms") or [] if a.get("control")}
    rows = _latest(rows)
    ctrl = [x for x in rows if is_control(x.get("arm"), control_names)]
    treat = [x for x in rows if not is_control(x.get("arm"), control_names)]
    weeks = max((x.get("timepoint_weeks") or 0) for x in rows) or None
    base = dict(record_id=study.record_id, label=study.label, year=study.year, outcome=op.name, window=window,
                weeks=weeks, source=_source((treat or rows)[0]), traits=_traits(study))
    if op.kind == "continuous":
        if ctrl and treat:
            for prefer_change in (True, False):
                t = [v for v in (_continuous_arm(x, prefer_change) for x in treat) if v]
                c = [v for v in (_continuous_arm(x, prefer_change) for x in ctrl) if v]
                if t and c and (not prefer_change or all(x.get("change_mean") is not None for x in treat + ctrl)):
                    m1, s1, n1 = _combine_continuous(t)
                    m2, s2, n2 = _combine_continuous(c)
                    es = escalc(op.controlled, m1i=[m1], sd1i=[s1], n1i=[n1], m2i=[m2], sd2i=[s2], n2i=[n2])
                    what = "change scores" if prefer_change else "follow-up values"
                    return _Effect(measure=op.controlled, yi=float(es.yi[0]), vi=float(es.vi[0]), n=n1 + n2,
                                   notes=[f"{op.controlled} of {what}"], inputs=dict(
                                       m1i=m1, sd1i=s1, n1i=n1, m2i=m2, sd2i=s2, n2i=n2),
                                   scores="change" if prefer_change else "follow-up",
                                   arms=tuple(_names([x for x in xs if _continuous_arm(x, prefer_change)])
                                              for xs in (treat, ctrl)), **base)
        single = _single_continuous(op, treat or rows, plan.assumed_r)
        if single:
            yi, vi, n, notes, inputs, scores, names = single
            if vi > 0:
                return _Effect(measure=op.single_arm, yi=yi, vi=vi, n=n, notes=notes, inputs=inputs, scores=scores,
                               arms=(names, ()), **base)
        return None
    # responders / adverse events
    def counts(xs: list[Mapping[str, Any]]) -> tuple[int, int, list[str], tuple[str, ...]] | None:
        got = [(_count(x), x.get("n")) for x in xs]
        got = [(c, n) for (c, note), n in got if c is not None and n]
        if not got:
            return None
        notes = [note for (c, note), n in ((_count(x), x.get("n")) for x in xs) if note]
        names = _names([x for x in xs if _count(x)[0] is not None and x.get("n")])
        return sum(c for c, _ in got), sum(int(n) for _, n in got), notes, names
    if ctrl and treat:
        t, c = counts(treat), counts(ctrl)
        if t and c:
            es = escalc(op.controlled, ai=[t[0]], n1i=[t[1]], ci=[c[0]], n2i=[c[1]])
            notes = t[2] + c[2] + ([f"{len(treat)} treatment arms combined (counts summed)"] if len(treat) > 1 else [])
            return _Effect(measure=op.controlled, yi=float(es.yi[0]), vi=float(es.vi[0]), n=t[1] + c[1],
                           notes=notes, inputs=dict(ai=t[0], n1i=t[1], ci=c[0], n2i=c[1]), arms=(t[3], c[3]), **base)
    t = counts(treat or rows)
    if t:
        es = escalc(op.single_arm, xi=[t[0]], ni=[t[1]])
        if float(es.vi[0]) > 0:
            notes = t[2] + ([f"{len(treat)} arms combined (counts summed)"] if len(treat) > 1 else [])
            return _Effect(measure=op.single_arm, yi=float(es.yi[0]), vi=float(es.vi[0]), n=t[1], notes=notes,
                           inputs=dict(xi=t[0], ni=t[1]), arms=(t[3], ()), **base)
    return None


def _between_group(study: StudyInput, plan: AnalysisPlan, grouped: Mapping[tuple[str, str], Any],
                   control_names: set[str]) -> dict[tuple[str, str], list[tuple[Mapping[str, Any], int]]]:
    """A controlled trial's comparisons with its control arm, by (plan outcome, window), each with its
    sign (trialsynth.comparisons.against_control), latest timepoint first; {} for a single-arm study.
    The reported comparisons come first, then those computed from the arms' values where the trial reports
    none of that outcome and timepoint (trialsynth.armcompare: the treatment arms combined before each arm).

    A comparison without a timepoint takes the window of the study's rows of that outcome when they are all
    in one window (it speaks of the only assessment reported), else "timepoint not stated"."""
    if not control_names:
        return {}
    from trialsynth.comparisons import against_control, plan_outcome

    out: dict[tuple[str, str], list[tuple[Mapping[str, Any], int]]] = {}
    computed = study.computed if study.computed is not None else arm_comparisons(study.prediction)
    for c in [*(study.prediction.get("comparisons") or ()), *computed]:
        op = plan_outcome(plan, c)
        sign = against_control(c, control_names) if op is not None else None
        if op is None or sign is None:
            continue
        weeks = c.get("timepoint_weeks")
        window = plan.window_of(weeks)
        if weeks is None:
            windows = {w for (n, w) in grouped if n == op.name and w != "timepoint not stated"}
            window = windows.pop() if len(windows) == 1 else window
        out.setdefault((op.name, window), []).append((c, sign))
    for found in out.values():
        found.sort(key=lambda cs: -(cs[0].get("timepoint_weeks") or -1))
    return out


def _arm_total(study: StudyInput, c: Mapping[str, Any]) -> int | None:
    """The two compared arms' n summed where both are known, else the study's n enrolled."""
    sizes = {a.get("name"): a.get("n") for a in study.prediction.get("arms") or []}
    pair = [sizes.get(c.get("intervention_arm")), sizes.get(c.get("comparator_arm"))]
    if all(isinstance(n, int) and not isinstance(n, bool) for n in pair):
        return int(pair[0]) + int(pair[1])
    n = study.prediction.get("n_enrolled")
    return n if isinstance(n, int) and not isinstance(n, bool) else None


def _direction_entry(study: StudyInput, op: OutcomePlan, rows: list[Mapping[str, Any]],
                     between: list[tuple[Mapping[str, Any], int]], control_names: set[str]) -> DirectionEntry | None:
    """One study's direction of effect on an outcome in a window, on the basis Cochrane's vote counting asks
    for (Cochrane Handbook 12.2.2: vote counting on the direction of effect, the intervention relative to
    its comparator): a controlled trial's between-group comparison with its control; the within-arm change
    only for a single-arm study, or for a controlled trial that reports no between-group comparison of that
    outcome (its basis says so). None when neither gives a direction."""
    from trialsynth.comparisons import direction_of

    for c, sign in between:
        direction = direction_of(c, sign)
        if direction is None:
            continue
        prov = c.get("provenance") or {}
        computed = c.get("source") == ARMS_SOURCE
        return DirectionEntry(
            record_id=study.record_id, label=study.label, direction=direction, benefit=_benefit(direction, op.better),
            p_value=c.get("p_value"), timepoint_weeks=c.get("timepoint_weeks"),
            n=c.get("n_total") if computed else _arm_total(study, c), verbatim=str(prov.get("text") or ""),
            location=str(prov.get("location") or ""), is_seed=study.is_seed,
            basis=BETWEEN_COMPUTED if computed else "between-group",
            intervention=c.get("intervention_arm") or c.get("intervention"),
            comparator=c.get("comparator_arm") or c.get("comparator"), comparison_label=c.get("label"))
    treat = [r for r in _latest(rows) if r.get("direction") and not is_control(r.get("arm"), control_names)]
    if not treat:
        return None
    r = treat[0]
    prov = r.get("provenance") or {}
    return DirectionEntry(
        record_id=study.record_id, label=study.label, direction=r["direction"],
        benefit=NOT_COUNTED if control_names else _benefit(r["direction"], op.better), p_value=r.get("p_value"),
        timepoint_weeks=r.get("timepoint_weeks"), n=r.get("n"),
        verbatim=prov.get("text") or r.get("verbatim") or "", location=prov.get("location") or "",
        is_seed=study.is_seed, basis=WITHIN_NO_COMPARISON if control_names else "within-arm",
        intervention=r.get("arm"))



def _reported_effect_for(study: StudyInput, op: OutcomePlan, window: str,
                         between: list[tuple[Mapping[str, Any], int]]) -> _Effect | None:
    """The effect of a controlled trial without arm-level numbers from its reported between-group effect and
    95% CI (trialsynth.comparisons.reported_effect: an MD for an MD analysis, a ratio on the log scale for
    that ratio's analysis), the latest timepoint first; None when no comparison gives one the plan can use."""
    from trialsynth.comparisons import ci_level, effect_from_p, reported_effect

    for c, sign in between:
        if c.get("source") == ARMS_SOURCE:  # computed from the arm values this study's own effect is built from
            continue
        kind, est, low, high = c.get("effect_kind"), c.get("effect"), c.get("ci_low"), c.get("ci_high")
        level = ci_level((c.get("provenance") or {}).get("text"))
        if level is None and low is not None:  # several CI levels in the sentence: which is this one's?
            continue
        got = reported_effect(kind, est, low, high, op.controlled, level or 95.0)
        from_p = got is None and low is None and high is None
        if from_p:  # no CI given: an exact P value and the groups' sizes (Cochrane Handbook 6.3.1, 6.5.2.3)
            got = effect_from_p(kind, est, c.get("p_value"), _arm_total(study, c), op.controlled)
        if got is None:
            continue
        yi, vi = got
        if sign < 0:  # the control named as the intervention: the effect turned round
            yi = -yi
        prov = c.get("provenance") or {}
        treated = c.get("intervention_arm") or c.get("intervention")
        control = c.get("comparator_arm") or c.get("comparator")
        if sign < 0:
            treated, control = control, treated
        scale = " on the log scale (Cochrane Handbook 6.3.2.1)" if op.controlled in RATIO else ""
        if from_p:
            stat = "t on n - 2 df" if op.controlled == "MD" else "z"
            note = (f"entered from its reported effect, {kind} {est:g} (P {c.get('p_value')}, n = "
                    f"{_arm_total(study, c)}){scale}: no arm-level numbers; SE = |effect| / {stat} of the P value "
                    "(Cochrane Handbook 6.3.1, 6.5.2.3)")
        else:
            divisor = {95.0: "3.92", 90.0: "3.29", 99.0: "5.15"}.get(level or 95.0, f"2 × z of {level:g}%")
            note = (f"entered from its reported effect, {kind} {est:g} ({level:g}% CI {low:g} to {high:g}){scale}: "
                    f"no arm-level numbers; SE = (upper - lower) / {divisor} (Cochrane Handbook 6.5.2.3)")
        return _Effect(record_id=study.record_id, label=study.label, year=study.year, outcome=op.name, window=window,
                       measure=op.controlled, yi=float(yi), vi=float(vi), n=_arm_total(study, c),
                       weeks=c.get("timepoint_weeks"), source=str(prov.get("location") or "abstract"),
                       notes=[note], traits=_traits(study),
                       inputs={"effect": est, "ci_low": low, "ci_high": high, "p_value": c.get("p_value")},
                       scores="reported", arms=((str(treated or ""),), (str(control or ""),)))
    return None


def _benefit(direction: str | None, better: str | None) -> str:
    if direction == "no change":
        return "no change"
    if direction not in ("decrease", "increase") or better not in ("lower", "higher"):
        return "unclear"
    good = (direction == "decrease") == (better == "lower")
    return "benefit" if good else "harm"


def _keep_once(items: list[Any], overlaps: list[OverlapGroup], key=lambda x: x) -> list[Any]:
    """One item per cohort: within an overlap group, the item of the kept record if present, else
    the one with the largest n."""
    group_of = {rid: g for g in overlaps for rid in g.record_ids}
    chosen: dict[str, Any] = {}
    for it in items:
        rid = key(it).record_id
        g = group_of.get(rid)
        gid = g.kept if g else rid
        cur = chosen.get(gid)
        if cur is None:
            chosen[gid] = it
            continue
        if g and key(it).record_id == g.kept:
            chosen[gid] = it
        elif g and key(cur).record_id != g.kept and (getattr(key(it), "n", 0) or 0) > (getattr(key(cur), "n", 0) or 0):
            chosen[gid] = it
    kept_ids = {id(v) for v in chosen.values()}
    return [it for it in items if id(it) in kept_ids]


def fit_fingerprint(effects: list[_Effect], plan: AnalysisPlan, outcome: str, window: str, measure: str) -> str:
    """The fingerprint of everything a pooled analysis is computed from and shows (its studies' effect sizes,
    their inputs (arm numbers or a reported effect and CI), arms and notes, the plan's estimator, test and
    limits): equal fingerprints, equal analyses."""
    import hashlib

    digest = hashlib.sha256(repr((outcome, window, measure, plan.method, plan.test, plan.prediction_interval,
                                  tuple(plan.subgroups), plan.small_study_min_k, plan.sensitivity_max_k)).encode())
    for e in sorted(effects, key=lambda e: (e.year or 0, e.label)):
        digest.update(repr((e.record_id, e.label, e.year, e.yi, e.vi, e.n, e.weeks, e.source, tuple(e.notes),
                            sorted(e.traits.items()), sorted(e.inputs.items()), e.scores, e.arms)
                           ).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _cache_form(pa: PooledAnalysis) -> dict[str, Any]:
    """The JSON form of a pooled analysis for the cache: every field but the fit, NaN kept as NaN."""
    from dataclasses import fields

    out = {f.name: getattr(pa, f.name) for f in fields(pa) if f.name not in ("fit", "studies")}
    out["studies"] = [{f.name: getattr(st, f.name) for f in fields(st)} for st in pa.studies]
    return out


def _from_cache(cached: Mapping[str, Any], effects: list[_Effect], measure: str) -> PooledAnalysis:
    """A pooled analysis from its cached form: the sensitivity analyses as stored, the main fit redone
    (one rma call; the report draws its forest plot from it)."""
    effects = sorted(effects, key=lambda e: (e.year or 0, e.label))
    res = rma(np.array([e.yi for e in effects]), np.array([e.vi for e in effects]), method=cached["method"],
              test=cached["test"], measure=measure, labels=[e.label for e in effects])
    fields = {k: v for k, v in cached.items() if k != "studies"}
    return PooledAnalysis(**{**fields, "leave_one_out": tuple(cached["leave_one_out"]),
                             "cumulative": tuple(cached["cumulative"]), "notes": tuple(cached["notes"]),
                             "studies": tuple(PooledStudy(**st) for st in cached["studies"]), "fit": res})


def _fit(effects: list[_Effect], plan: AnalysisPlan, outcome: str, window: str, measure: str) -> PooledAnalysis:
    effects = sorted(effects, key=lambda e: (e.year or 0, e.label))
    yi = np.array([e.yi for e in effects])
    vi = np.array([e.vi for e in effects])
    labels = [e.label for e in effects]
    k = len(effects)
    notes = [f"{e.label}: {n}" for e in effects for n in e.notes]
    method, test = (plan.method, plan.test) if k >= 2 else ("FE", "z")
    if k == 1:
        notes.insert(0, "k = 1: the study's own estimate, not a pooled result")
    try:
        res = rma(yi, vi, method=method, test=test, measure=measure, labels=labels)
    except AnalysisError as exc:
        notes.append(f"{method} failed ({exc}); DerSimonian-Laird used instead")
        method = "DL"
        res = rma(yi, vi, method="DL", test=test, measure=measure, labels=labels)
    loo: tuple[dict[str, Any], ...] = ()
    cum: tuple[dict[str, Any], ...] = ()
    if k > plan.sensitivity_max_k:
        notes.append(f"leave-one-out and cumulative analyses not computed: k = {k} is above sensitivity_max_k = "
                     f"{plan.sensitivity_max_k} (review.toml [analysis]); each study moves the estimate little")
    elif k >= 3:
        try:
            loo = tuple(leave_one_out(yi, vi, method=method, test=test, labels=labels).to_dict()["rows"])
        except AnalysisError as exc:
            notes.append(f"leave-one-out not computed: {exc}")
    if 2 <= k <= plan.sensitivity_max_k:
        try:
            cum = tuple(cumulative(yi, vi, method=method, test=test, labels=labels).to_dict()["rows"])
        except AnalysisError as exc:
            notes.append(f"cumulative analysis not computed: {exc}")
    if k >= 4:
        notes.extend(_subgroups(effects, yi, vi, plan, method, test))
    if k >= plan.small_study_min_k:
        try:
            small: dict[str, Any] | None = regtest(yi, vi, method=method, test=test).to_dict()
        except AnalysisError as exc:
            small = {"skipped": f"Egger's test failed: {exc}"}
    else:
        small = {"skipped": f"Egger's test needs at least {plan.small_study_min_k} studies (k = {k})"}
    studies = tuple(PooledStudy(e.record_id, e.label, e.yi, e.vi, float(w), e.n, e.weeks, e.source, inputs=e.inputs,
                                scores=e.scores, arms=e.arms)
                    for e, w in zip(effects, res.weights))
    transform = "exp" if measure in RATIO else (measure if measure in ("PLO", "PFT", "PAS", "PLN") else None)
    pi_low = res.pi_low if plan.prediction_interval and k >= 3 else None
    pi_high = res.pi_high if plan.prediction_interval and k >= 3 else None
    return PooledAnalysis(
        key=f"{outcome}|{window}|{measure}", outcome=outcome, window=window, measure=measure,
        measure_label=MEASURE_LABELS.get(measure, measure), method=method, test=test, k=k,
        estimate=res.estimate, ci_low=res.ci_low, ci_high=res.ci_high, pi_low=pi_low, pi_high=pi_high,
        p_value=float(res.pval_beta[0]), tau2=res.tau2, i2=res.i2, q=res.q, q_p=res.q_p, transform=transform,
        studies=studies, leave_one_out=loo, cumulative=cum, small_study_test=small, notes=tuple(notes), fit=res)


def _window_order(plan: AnalysisPlan) -> dict[str, int]:
    order = {label: i for i, (_, _, label) in enumerate(plan.windows)}
    order["timepoint not stated"] = len(order)
    return order


def synthesise(studies: Sequence[StudyInput], plan: AnalysisPlan,
               cache: MutableMapping[str, Any] | None = None) -> SynthesisResult:
    """Pool and synthesise the included studies' evidence (see the module docstring).

    `cache` maps "pooled:<fingerprint>" to the JSON form of a pooled analysis already computed from
    the same inputs (fit_fingerprint): such an analysis is taken from it (its main fit redone), the
    others are computed and added to it. `SynthesisResult.used` lists the cache keys of this result.
    """
    overlaps = find_overlaps([s.cohort for s in studies])
    effects: dict[tuple[str, str, str], list[_Effect]] = {}
    entries: dict[tuple[str, str], list[DirectionEntry]] = {}
    flagged: list[FlaggedValue] = []
    for study in studies:
        grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
        for row in pair_baselines(study.prediction.get("outcomes") or []):  # a table's baseline and follow-up cells
            op = plan.outcome(row.get("measure_canonical", row.get("measure")) or "")
            if op is None:
                continue
            window = plan.window_of(row.get("timepoint_weeks"))
            grouped.setdefault((op.name, window), []).append(row)
        control_names = {a.get("name") for a in study.prediction.get("arms") or [] if a.get("control")}
        between = _between_group(study, plan, grouped, control_names)
        for name, window in list(dict.fromkeys([*grouped, *between])):
            op = plan.outcome(name)
            assert op is not None
            rows = grouped.get((name, window), [])
            if window != "timepoint not stated":
                found = [_flag(study, name, window, row, *problem) for row in _latest(rows)
                         for problem in implausible(row)]
                if not found:
                    try:
                        eff = _effects_for(study, op, window, rows, plan) if rows else None
                    except AnalysisError as exc:  # numbers escalc refuses: this study is left out of this pool
                        eff = None
                        found = [_flag(study, name, window, _latest(rows)[0], "effect size", None, str(exc))]
                    if eff is None and not found:  # no arm-level numbers: a reported effect may stand in
                        eff = _reported_effect_for(study, op, window, between.get((name, window), []))
                    if eff is not None:
                        effects.setdefault((name, window, eff.measure), []).append(eff)
                flagged.extend(found)
            entry = _direction_entry(study, op, rows, between.get((name, window), []), control_names)
            if entry is not None:
                entries.setdefault((name, window), []).append(entry)
    pooled = []
    notes: list[str] = []
    used: list[str] = []
    order = _window_order(plan)
    outcome_order = {o.name: i for i, o in enumerate(plan.outcomes)}
    for (name, window, measure), effs in sorted(
            effects.items(), key=lambda kv: (outcome_order.get(kv[0][0], 99), order.get(kv[0][1], 99), kv[0][2])):
        effs = _keep_once(effs, overlaps)
        key = f"pooled:{fit_fingerprint(effs, plan, name, window, measure)}"
        try:
            if cache is not None and key in cache:
                pooled.append(_from_cache(cache[key], effs, measure))
            else:
                pooled.append(replace(_fit(effs, plan, name, window, measure), fingerprint=key.split(":", 1)[1]))
                if cache is not None:
                    cache[key] = _cache_form(pooled[-1])
            used.append(key)
        except AnalysisError as exc:  # neither the plan's estimator nor DerSimonian-Laird could fit
            notes.append(f"{name}, {window}, {measure}: not pooled ({exc})")
    directions = []
    for (name, window), ents in sorted(entries.items(),
                                       key=lambda kv: (outcome_order.get(kv[0][0], 99), order.get(kv[0][1], 99))):
        ents = _keep_once(ents, overlaps)
        signs = [e.benefit for e in ents if e.benefit in ("benefit", "harm", "no change")]
        vote = None
        if any(s in ("benefit", "harm") for s in signs):
            vote = vote_count(signs).to_dict()
        note = "" if vote else "no study gives a direction of benefit or harm"
        directions.append(DirectionSynthesis(name, window, tuple(ents), vote, note))
    return SynthesisResult(tuple(pooled), tuple(directions), tuple(overlaps), tuple(notes), tuple(flagged), tuple(used))


def conclusion(p: PooledAnalysis) -> str:
    """"excludes no effect" or "includes no effect" (the null is 0 on the model scale)."""
    lo, hi = p.ci_low, p.ci_high
    if any(math.isnan(x) for x in (lo, hi)):
        return "undetermined"
    return "excludes no effect" if (lo > 0 or hi < 0) else "includes no effect"
