"""The included studies' between-group comparisons (`Evidence.comparisons`) as the review uses them.

- `comparison_rows(predictions, records, labels)`: one table row per comparison (COMPARISON_COLUMNS),
  what `trialsynth table --comparisons`, `open_review(...).comparisons`, the report and results.json
  show;
- `plan_outcome(plan, comparison)`: the plan's outcome a comparison speaks of (its canonical name,
  else its cleaned name);
- `against_control(comparison, control_names)`: +1 when it compares a treated arm with the control,
  -1 when it names them the other way round, None when it is no comparison with the control;
- `LABEL_DIRECTION`: the direction of effect each label gives (intervention relative to control);
- `reported_effect(kind, effect, ci_low, ci_high, measure, level)`: (yi, vi) of a reported effect with
  its CI (95% unless `level` says otherwise) on the plan's measure, or None;
- `ci_level(text)`: the CI level a sentence states (95 when none, None when several).
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from trialsynth.arms import finite, is_control

if TYPE_CHECKING:
    from trialsynth.plan import AnalysisPlan, OutcomePlan

__all__ = ["COMPARISON_COLUMNS", "LABEL_DIRECTION", "against_control", "comparison_frame", "comparison_rows",
           "ci_level", "effect_from_p", "plan_outcome", "reported_effect"]

COMPARISON_COLUMNS: tuple[str, ...] = (
    "record_id", "study", "first_author", "year", "outcome", "outcome_text", "outcome_canonical", "intervention",
    "comparator", "intervention_arm", "comparator_arm", "timepoint_weeks", "label", "label_basis", "effect_kind",
    "effect", "ci_low", "ci_high", "p_value", "intervention_value", "comparator_value", "confidence", "source",
    "source_location", "verbatim", "char_start", "char_end", "extractor_version")
_FLOAT_COLUMNS = ("timepoint_weeks", "effect", "ci_low", "ci_high", "confidence")
_INT_COLUMNS = ("year", "char_start", "char_end")

#: A comparison's label as a direction of effect, the intervention relative to the comparator.
LABEL_DIRECTION = {"significantly increased": "increase", "significantly decreased": "decrease",
                   "no significant difference": "no change"}
_FLIP = {"increase": "decrease", "decrease": "increase", "no change": "no change"}


#: The normal quantile of a 95% CI (Cochrane Handbook 6.5.2.3: SE = (upper - lower) / 3.92).
Z_95 = 1.959964


def comparison_rows(predictions: Iterable[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]] | None = None,
                    labels: Mapping[str, str] | None = None,
                    computed: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> list[dict[str, Any]]:
    """Return one row (a dict of COMPARISON_COLUMNS) per comparison of `predictions`, in their order.

    `records` maps a record id to its first_author and year, `labels` to the study's label ("Wang 2019");
    a prediction file alone has neither (those cells are None). Numbers that are not numbers become None.
    After a study's reported comparisons come those computed from its arms' values where it reports none
    (trialsynth.armcompare, source "arms"); `computed` maps a record id to those where the caller has them.
    """
    from trialsynth.armcompare import arm_comparisons

    rows = []
    for prediction in predictions:
        rid = str(prediction.get("id"))
        record = (records or {}).get(rid) or {}
        own = computed.get(rid) if computed is not None else None
        for c in [*(prediction.get("comparisons") or ()), *(arm_comparisons(prediction) if own is None else own)]:
            if not isinstance(c, Mapping):
                continue
            prov = c.get("provenance") if isinstance(c.get("provenance"), Mapping) else {}
            row: dict[str, Any] = {"record_id": rid, "study": (labels or {}).get(rid),
                                   "first_author": record.get("first_author"), "year": record.get("year")}
            row.update({k: c.get(k) for k in COMPARISON_COLUMNS[4:-5]})
            row.update(source_location=prov.get("location"), verbatim=prov.get("text"), char_start=prov.get("start"),
                       char_end=prov.get("end"), extractor_version=prediction.get("extractor_version"))
            for name in _FLOAT_COLUMNS:
                row[name] = finite(row[name])
            for name in _INT_COLUMNS:
                value = finite(row[name])
                row[name] = int(value) if value is not None and value.is_integer() else None
            for name in COMPARISON_COLUMNS:
                if name not in _FLOAT_COLUMNS and name not in _INT_COLUMNS and row[name] is not None:
                    row[name] = str(row[name])
            rows.append(row)
    return rows


def comparison_frame(rows: Iterable[Mapping[str, Any]]):
    """The rows of `comparison_rows` as a pandas DataFrame: nullable Int64 and Float64 numbers, strings."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(COMPARISON_COLUMNS))
    dtypes = {c: "Int64" for c in _INT_COLUMNS} | {c: "Float64" for c in _FLOAT_COLUMNS}
    return frame.astype({c: dtypes.get(c, "string") for c in COMPARISON_COLUMNS})


def plan_outcome(plan: AnalysisPlan, comparison: Mapping[str, Any]) -> OutcomePlan | None:
    """The plan's outcome of a comparison: by its canonical name (extract/data/measures.json), else by its
    cleaned name; None when the plan has neither."""
    for name in (comparison.get("outcome_canonical"), comparison.get("outcome")):
        if name:
            found = plan.outcome(str(name))
            if found is not None:
                return found
    return None


def against_control(comparison: Mapping[str, Any], control_names: set[str]) -> int | None:
    """+1 when the comparison is a treated arm against a control arm (its label is then the treatment's
    direction relative to control), -1 when it names the control as the intervention (its label turned
    round), None when it is no comparison with a control (two doses, two subgroups, arms not named)."""
    treated = comparison.get("intervention_arm") or comparison.get("intervention")
    other = comparison.get("comparator_arm") or comparison.get("comparator")
    if is_control(other, control_names) and not is_control(treated, control_names):
        return 1
    if is_control(treated, control_names) and other and not is_control(other, control_names):
        return -1
    return None


def direction_of(comparison: Mapping[str, Any], sign: int) -> str | None:
    """The direction of effect of a comparison, the treatment relative to control (`sign` from
    `against_control`): a reported comparison's label; for one computed from the arms' values
    (trialsynth.armcompare) the sign of its estimate, significant or not (Cochrane Handbook 12.2.2 counts
    the direction of the effect estimate). None without either."""
    from trialsynth.armcompare import SOURCE

    if comparison.get("source") == SOURCE:
        effect = finite(comparison.get("effect"))
        direction = None if effect is None else "increase" if effect > 0 else "decrease" if effect < 0 else "no change"
    else:
        direction = LABEL_DIRECTION.get(str(comparison.get("label") or ""))
    if direction is None:
        return None
    return direction if sign > 0 else _FLIP[direction]


_CI_LEVEL = re.compile(r"(?<![\d.])(\d{2}(?:\.\d+)?)\s?%\s?(?:CI\b|CrI\b|confidence|credible)|\bCI\s?(\d{2}(?:\.\d+)?)\s?%",
                       re.I)


def ci_level(text: Any) -> float | None:
    """The confidence level a sentence (or table row) states for its intervals: 95.0 when it states none
    (the convention), the one level it states ("90% CI", "99% confidence interval", "CI 90%"), or None
    when it states several (which interval is which cannot be told)."""
    levels = {float(a or b) for a, b in _CI_LEVEL.findall(str(text or ""))}
    levels = {x for x in levels if 50 <= x < 100}
    if not levels:
        return 95.0
    return levels.pop() if len(levels) == 1 else None


def reported_effect(kind: str | None, effect: Any, ci_low: Any, ci_high: Any, measure: str, level: float = 95.0
                    ) -> tuple[float, float] | None:
    """Return (yi, vi) of a reported between-group effect with its 95% CI on the plan's `measure`, else None.

    A mean difference enters an MD analysis as yi = MD, SE = (upper - lower) / (2 x 1.959964) (Cochrane
    Handbook 6.5.2.3, "obtaining standard errors from confidence intervals"), and a standardised mean
    difference an SMD analysis the same way (Handbook 6.5.2.3 applies to any estimate on a linear scale;
    10.3.1: SMDs, Hedges' g or Cohen's d as reported, pool together); a risk or odds ratio enters an
    RR or OR analysis on the log scale, yi = log(ratio), SE = (log(upper) - log(lower)) / (2 x 1.959964)
    (Cochrane Handbook 6.3.2.1; metafor's conv.wald with transf = log). vi = SE². The effect's kind must be
    the plan's measure (an SMD is not an MD, an OR not an RR), the bounds in order around the effect, and
    ratios positive; otherwise None. A CI at another `level` divides by twice its normal quantile instead
    (Handbook 6.5.2.3: 3.29 for a 90% CI, 5.15 for a 99% CI).
    """
    if not kind or str(kind).upper() != measure or measure not in ("MD", "SMD", "RR", "OR"):
        return None
    est, low, high = finite(effect), finite(ci_low), finite(ci_high)
    if est is None or low is None or high is None or not low <= est <= high or not low < high:
        return None
    if measure in ("RR", "OR"):
        if low <= 0:
            return None
        est, low, high = math.log(est), math.log(low), math.log(high)  # Cochrane Handbook 6.3.2.1: log scale
    se = (high - low) / (2 * _z(level))  # Cochrane Handbook 6.5.2.3
    return est, se * se


def _z(level: float) -> float:
    if level == 95.0:
        return Z_95
    from analysis.distributions import norm_isf  # the normal quantiles the rest of the review uses

    return norm_isf((1 - level / 100) / 2)


_EXACT_P = re.compile(r"^=\s*(0?\.\d+|1(?:\.0+)?|\d(?:\.\d+)?[eE]-\d+)$")


def effect_from_p(kind: str | None, effect: Any, p_value: Any, n_total: Any, measure: str
                  ) -> tuple[float, float] | None:
    """Return (yi, vi) of a reported between-group effect with an exact two-sided P value, else None.

    Cochrane Handbook 6.3.1 and 6.5.2.3 ("obtaining standard errors from t statistics or P values"): a
    mean difference's t = the t quantile of 1 - P/2 on n1 + n2 - 2 degrees of freedom (the two compared
    groups' sizes, `n_total`), SE = |MD| / t; a risk or odds ratio's z = the normal quantile of 1 - P/2,
    SE = |log ratio| / z (Handbook 6.3.2). vi = SE². Only an exact P ("=0.03", as OutcomeRow writes it)
    gives an SE: a bound ("<0.05") does not; nor does an effect of 0 (no SE follows) or another measure.
    """
    if not kind or str(kind).upper() != measure or measure not in ("MD", "RR", "OR"):
        return None
    est = finite(effect)
    m = _EXACT_P.match(str(p_value or "").strip())
    if est is None or m is None:
        return None
    p = float(m.group(1))
    if not 0 < p < 1:
        return None
    from analysis.distributions import norm_isf, t_isf

    if measure == "MD":
        n = finite(n_total)
        if n is None or n < 4 or est == 0:
            return None
        se = abs(est) / t_isf(p / 2, n - 2)
        return est, se * se
    if est <= 0 or est == 1:
        return None
    yi = math.log(est)  # Cochrane Handbook 6.3.2: ratios on the log scale
    se = abs(yi) / norm_isf(p / 2)
    return yi, se * se
