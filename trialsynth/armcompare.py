"""Between-group comparisons computed from a controlled trial's arm values, where the paper states none.

Many trial abstracts give each arm's numbers ("ACR20 responses for cohorts A, B and placebo were 45%,
20% and 29%") and no test between them. The review still needs the between-group direction of effect
for such a trial (Cochrane Handbook 12.2.2: vote counting on the direction of effect, whatever the
significance). `arm_comparisons(prediction)` computes one comparison of every treated arm with the
control arm, per outcome and timepoint, from the outcome rows of that arm pair:

- responders (a count, or a percentage of a known n rounded to a count): the risk difference p1 - p2
  with Newcombe's hybrid score 95% CI (Newcombe 1998, method 10: it keeps its coverage with few events
  and with none, where the Wald interval collapses) and Fisher's exact test (two-sided, as R's
  fisher.test); the formulas are analysis.twogroup's;
- continuous values of one kind in both arms (change scores, else follow-up values, else means whose
  role is not stated) with SDs and n: the mean difference with Welch's t-test and its 95% CI (Welch
  1947, Satterthwaite df); without SDs, the difference of means alone (no CI, no test, no label);
- several treated arms against one control: also the arms combined (Cochrane Handbook 6.5.2.10: counts
  summed; means and SDs by Table 6.5.a), listed first; that is the study's comparison in the synthesis.

Each comparison is a dict with the fields of extract.evidence.Comparison and its provenance (the two
rows' sentences or table cells), `source` "arms", `p_value` None (the paper gives none: the computed P
is in `label_basis`), `combined` True for the arms combined and `n_total` the two groups' size. A label needs a test: P < 0.05 gives
"significantly increased" or "significantly decreased" by the sign of the estimate, otherwise "no
significant difference". A comparison the paper reports (Evidence.comparisons) for the same outcome
and timepoint suppresses the computed one. Baseline rows (week 0) and values flagged implausible are
never compared. Pure: the same prediction gives the same comparisons.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

from analysis.twogroup import fisher_exact_p, newcombe_rd_ci, welch
from trialsynth.arms import count_of_percent, finite, is_control

__all__ = ["SOURCE", "arm_comparisons"]

#: The `source` of a comparison computed from the arms' values.
SOURCE = "arms"
_BASIS = "computed by trialsynth from the arms' values (the paper reports no between-group test)"


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() and value > 0 else None


def _count(row: Mapping[str, Any]) -> tuple[int, int] | None:
    """(responders, n) of a row, a percentage of a known n rounded to a count; None without both."""
    n = _int(row.get("n"))
    if n is None:
        return None
    x = row.get("n_responders")
    if isinstance(x, int) and not isinstance(x, bool):
        return (x, n) if 0 <= x <= n else None
    pct = finite(row.get("percent_responders"))
    if pct is None or not 0 <= pct <= 100:
        return None
    return count_of_percent(pct, n), n


#: The continuous kinds, in the order tried: change scores, follow-up values, means of no stated role.
_KINDS = (("change", "change_mean", "change_sd"), ("follow-up", "followup_mean", "followup_sd"),
          ("value", "mean", "sd"))


def _continuous(row: Mapping[str, Any], kind: tuple[str, str, str]) -> tuple[float, float | None, int] | None:
    m, sd, n = finite(row.get(kind[1])), finite(row.get(kind[2])), _int(row.get("n"))
    if m is None or n is None:
        return None
    return m, (sd if sd is not None and sd >= 0 else None), n


def _key(name: Any) -> str:
    return str(name or "").strip().lower()


def _reported(prediction: Mapping[str, Any]) -> set[tuple[str, float | None]]:
    out = set()
    for c in prediction.get("comparisons") or ():
        if isinstance(c, Mapping):
            for name in (c.get("outcome_canonical"), c.get("outcome")):
                if name:
                    out.add((_key(name), finite(c.get("timepoint_weeks"))))
    return out


def _suppressed(reported: set[tuple[str, float | None]], names: Iterable[str], weeks: float | None) -> bool:
    return any((n, w) in reported for n in names for w in (weeks, None)) or (
        weeks is None and any(n == name for name, _ in reported for n in names))


def _provenance(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The compared rows' sentences (or cells), once each, " | " between; offsets where there is one."""
    provs = [r.get("provenance") if isinstance(r.get("provenance"), Mapping) else {} for r in rows]
    texts = list(dict.fromkeys(str(p.get("text") or "") for p in provs if p.get("text")))
    locations = list(dict.fromkeys(p.get("location") for p in provs if p.get("location")))
    out = {"location": " | ".join(locations) or "abstract", "text": " | ".join(texts)}
    if len(texts) == 1 and len(locations) <= 1 and provs[0].get("start") is not None:
        out.update(start=provs[0].get("start"), end=provs[0].get("end"))
    return out


def _label(effect: float, p: float | None) -> str | None:
    if p is None:
        return None
    if p >= 0.05:
        return "no significant difference"
    return "significantly increased" if effect > 0 else "significantly decreased"


def _p_text(p: float) -> str:
    return "P < 0.001" if p < 0.001 else f"P = {p:.3g}"


def _responders(t: tuple[int, int], c: tuple[int, int]) -> dict[str, Any]:
    (a, n1), (x, n2) = t, c
    p1, p2 = a / n1, x / n2
    yi = p1 - p2
    low, high = newcombe_rd_ci(a, n1, x, n2)
    p = fisher_exact_p(a, n1, x, n2)
    return dict(effect_kind="RD", effect=yi, ci_low=low, ci_high=high, label=_label(yi, p),
                label_basis=f"{_BASIS}: risk difference, Fisher's exact test {_p_text(p)}",
                intervention_value=f"{a}/{n1} ({100 * p1:.3g}%)", comparator_value=f"{x}/{n2} ({100 * p2:.3g}%)")


def _means(t: tuple[float, float | None, int], c: tuple[float, float | None, int], what: str) -> dict[str, Any]:
    (m1, s1, n1), (m2, s2, n2) = t, c
    yi = m1 - m2
    values = {"intervention_value": _mean_text(m1, s1, n1), "comparator_value": _mean_text(m2, s2, n2)}
    if s1 is None or s2 is None:
        return dict(effect_kind="MD", effect=yi, ci_low=None, ci_high=None, label=None,
                    label_basis=f"{_BASIS}: difference of {what}; no SDs, so no test", **values)
    test = welch(m1, s1, n1, m2, s2, n2)
    if test is None:
        return dict(effect_kind="MD", effect=yi, ci_low=None, ci_high=None, label=None,
                    label_basis=f"{_BASIS}: mean difference of {what}; no variance, so no test", **values)
    p, low, high = test
    return dict(effect_kind="MD", effect=yi, ci_low=low, ci_high=high, label=_label(yi, p),
                label_basis=f"{_BASIS}: mean difference of {what}, Welch's t-test {_p_text(p)}", **values)


def _mean_text(m: float, sd: float | None, n: int) -> str:
    return f"{m:g}" + (f" ± {sd:g}" if sd is not None else "") + f" (n = {n})"


def _combine_counts(items: list[tuple[int, int]]) -> tuple[int, int]:
    return sum(a for a, _ in items), sum(n for _, n in items)  # Cochrane Handbook 6.5.2.10


def _combine_means(items: list[tuple[float, float | None, int]]) -> tuple[float, float | None, int]:
    """Several groups as one, folded pairwise: analysis.combine_arms (Cochrane Handbook Table 6.5.a) where
    every group has its SD, else the n-weighted mean alone."""
    from analysis import combine_arms

    m, sd, n = items[0]
    for m2, sd2, n2 in items[1:]:
        if sd is None or sd2 is None:
            m, sd, n = (n * m + n2 * m2) / (n + n2), None, n + n2
        else:
            nn, mm, ss = combine_arms(n, m, sd, n2, m2, sd2)
            m, sd, n = float(mm[0]), float(ss[0]), int(nn[0])
    return m, sd, n


def _usable(row: Mapping[str, Any]) -> bool:
    return not row.get("flags") and row.get("arm") is not None


def arm_comparisons(prediction: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The comparisons computed from a controlled trial's arm values (see the module docstring); [] for a
    study without a control arm and a treated arm."""
    arms = [a for a in prediction.get("arms") or () if isinstance(a, Mapping)]
    if len(arms) < 2:
        return []  # a comparison needs two arms; most records of a review are single-arm studies or reviews
    control_names = {str(a.get("name")) for a in arms if a.get("control")}
    rows = [r for r in prediction.get("outcomes") or () if isinstance(r, Mapping) and _usable(r)]
    if not rows or not any(is_control(r.get("arm"), control_names) for r in rows):
        return []
    groups: dict[tuple[str, float | None], list[Mapping[str, Any]]] = {}
    for r in rows:
        weeks = finite(r.get("timepoint_weeks"))
        if weeks == 0:
            continue
        groups.setdefault((_key(r.get("measure_canonical") or r.get("measure")), weeks), []).append(r)
    reported = _reported(prediction)
    out: list[dict[str, Any]] = []
    for (_, weeks), members in groups.items():
        first = members[0]
        names = {_key(first.get("measure_canonical")), _key(first.get("measure"))} - {""}
        if _suppressed(reported, names, weeks):
            continue
        by_arm: dict[str, list[Mapping[str, Any]]] = {}
        for r in members:
            by_arm.setdefault(str(r.get("arm")), []).append(r)
        controls = [a for a in by_arm if is_control(a, control_names)]
        treated = [a for a in by_arm if not is_control(a, control_names)]
        if not controls or not treated:
            continue
        out.extend(_pair_comparisons(first, weeks, by_arm, treated, controls[0]))
    return out


def _first(rows: list[Mapping[str, Any]], read) -> tuple[Mapping[str, Any], Any] | None:
    for r in rows:
        value = read(r)
        if value is not None:
            return r, value
    return None


def _pair_comparisons(first: Mapping[str, Any], weeks: float | None, by_arm: Mapping[str, list[Mapping[str, Any]]],
                      treated: list[str], control: str) -> list[dict[str, Any]]:
    """Every treated arm against the control on one outcome and timepoint, the arms combined first."""
    readers = [("responders", _count)] + [(kind[0], lambda r, k=kind: _continuous(r, k)) for kind in _KINDS]
    for what, read in readers:
        c = _first(by_arm[control], read)
        found = [(arm, got) for arm in treated if (got := _first(by_arm[arm], read)) is not None]
        if c is None or not found:
            continue
        out = []
        if len(found) > 1:
            values = [v for _, (_, v) in found]
            combined = _combine_counts(values) if what == "responders" else _combine_means(values)
            out.append(_comparison(first, weeks, " + ".join(arm for arm, _ in found), None, control, combined, c,
                                   what, [row for _, (row, _) in found], combined=True, n_arms=len(found)))
        out.extend(_comparison(first, weeks, arm, arm, control, got[1], c, what, [got[0]]) for arm, got in found)
        return out
    return []


def _comparison(first: Mapping[str, Any], weeks: float | None, name: str, arm: str | None, control: str,
                t: Any, c: tuple[Mapping[str, Any], Any], what: str, t_rows: list[Mapping[str, Any]], *,
                combined: bool = False, n_arms: int = 1) -> dict[str, Any]:
    c_row, c_value = c
    numbers = _responders(t, c_value) if what == "responders" else _means(
        t, c_value, {"change": "change scores", "follow-up": "follow-up values", "value": "means"}[what])
    if combined:
        numbers["label_basis"] += f"; {n_arms} treatment arms combined (Cochrane Handbook 6.5.2.10)"
    return {"outcome": str(first.get("measure") or ""), "outcome_text": str(first.get("measure_text")
                                                                          or first.get("measure") or ""),
            "outcome_canonical": first.get("measure_canonical"), "intervention": name, "comparator": control,
            "intervention_arm": arm, "comparator_arm": control,
            "timepoint_weeks": weeks, "p_value": None, "confidence": None, "source": SOURCE,
            "provenance": _provenance([*t_rows, c_row]), "combined": combined,
            "n_total": t[-1] + c_value[-1],  # both read as (..., n): (responders, n) or (mean, sd, n)
            **numbers}
