"""Baseline and follow-up of one arm, read from separate rows, paired for a pre-post effect size.

A results table gives each cell its own outcome row: the baseline mean (SD) of an arm at week 0 in
one row, its follow-up mean (SD) at week 12 in another. A single-arm pre-post effect size (metafor's
MC or SMCR: follow-up minus baseline, with an assumed pre-post correlation; Morris 2008, Becker
1988) needs both in one row. `pair_baselines` copies the baseline of the same measure and arm into
each follow-up row that has none, and says where it came from in the row's `note`.

A baseline is taken only when it is unambiguous: the same measure and arm (case and spacing
ignored), a timepoint of 0 weeks, both a mean and an SD; one from the same table as the follow-up
row wins over others; several candidates with different numbers pair nothing.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

__all__ = ["pair_baselines"]

_TABLE = re.compile(r"^(table:[^\n]*?)\s+r\d+")


def _key(row: Mapping[str, Any]) -> tuple[str, str]:
    def norm(text: Any) -> str:
        return " ".join(str(text or "").casefold().split())
    return norm(row.get("measure_text") or row.get("measure")), norm(row.get("arm"))


def _table_of(row: Mapping[str, Any]) -> str | None:
    """"table:Table 2" of a row read from a table cell ("table:Table 2 r3 c2"), else None."""
    location = str((row.get("provenance") or {}).get("location") or "")
    m = _TABLE.match(location)
    return m.group(1) if m else None


def _is_baseline(row: Mapping[str, Any]) -> bool:
    return (row.get("timepoint_weeks") == 0 and row.get("baseline_mean") is not None
            and row.get("baseline_sd") is not None)


def _needs_baseline(row: Mapping[str, Any]) -> bool:
    return ((row.get("timepoint_weeks") or 0) > 0 and row.get("baseline_mean") is None
            and row.get("followup_mean") is not None and row.get("followup_sd") is not None)


def _choose(candidates: list[Mapping[str, Any]], table: str | None) -> Mapping[str, Any] | None:
    same_table = [c for c in candidates if table is not None and _table_of(c) == table]
    pool = same_table or candidates
    values = {(c["baseline_mean"], c["baseline_sd"]) for c in pool}
    return pool[0] if len(values) == 1 else None


def pair_baselines(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Return `rows` with each follow-up row that lacks a baseline given the baseline of its measure
    and arm (see the module docstring); other rows are returned as they are (not copied)."""
    rows = list(rows)
    baselines: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        if _is_baseline(row):
            baselines.setdefault(_key(row), []).append(row)
    if not baselines:
        return rows
    out: list[Mapping[str, Any]] = []
    for row in rows:
        found = _choose(baselines.get(_key(row), []), _table_of(row)) if _needs_baseline(row) else None
        if found is None:
            out.append(row)
            continue
        where = (found.get("provenance") or {}).get("location") or "the baseline row"
        note = "; ".join(x for x in (row.get("note"), f"baseline mean (SD) from {where}") if x)
        out.append({**row, "baseline_mean": found["baseline_mean"], "baseline_sd": found["baseline_sd"],
                    "note": note})
    return out
