"""Cohort overlap: several papers often report the same patients (a trial and its follow-up).

Candidate overlaps between included studies, by these rules (each group says which one fired):
1. the same trial registry id (NCT...);
2. the same first author and cell source, publication years within 6 years, and n compatible
   (one of them unknown, or within 50 % of the other);
3. the same cell source and route and the same set of doses (values and units), at least two doses
   (a dose-escalation design repeated in a follow-up report).
Within a group one record is kept for each outcome and timepoint: `pick` prefers the record that
reports that outcome and window, then the larger n, then the more recent year.
"""
from __future__ import annotations

from dataclasses import dataclass

from trialsynth.results import OverlapGroup

__all__ = ["CohortInfo", "find_overlaps"]


@dataclass(frozen=True)
class CohortInfo:
    record_id: str
    label: str
    first_author: str | None
    year: int | None
    nct: tuple[str, ...]
    n: int | None
    cell_source: str | None
    route: str | None
    doses: frozenset[tuple[float, str]]


def _n_compatible(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return True
    return min(a, b) >= 0.5 * max(a, b)


def _rule(a: CohortInfo, b: CohortInfo) -> str | None:
    shared = set(a.nct) & set(b.nct)
    if shared:
        return f"same registry id {sorted(shared)[0]}"
    if (a.first_author and b.first_author and a.first_author.lower() == b.first_author.lower()
            and a.cell_source and a.cell_source == b.cell_source
            and (a.year is None or b.year is None or abs(a.year - b.year) <= 6) and _n_compatible(a.n, b.n)):
        return (f"same first author ({a.first_author}) and cell source ({a.cell_source}), years "
                f"{a.year}/{b.year}, n {a.n}/{b.n}")
    if (a.cell_source and a.cell_source == b.cell_source and a.route == b.route and len(a.doses) >= 2
            and a.doses == b.doses):
        doses = ", ".join(f"{v:g} {u}" for v, u in sorted(a.doses))
        return f"same cell source ({a.cell_source}), route and dose set ({doses})"
    return None


def find_overlaps(cohorts: list[CohortInfo]) -> list[OverlapGroup]:
    """Groups of records that may report the same patients (union of pairwise rules)."""
    parent = {c.record_id: c.record_id for c in cohorts}
    rules: dict[str, list[str]] = {}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(cohorts):
        for b in cohorts[i + 1:]:
            rule = _rule(a, b)
            if rule:
                ra, rb = root(a.record_id), root(b.record_id)
                if ra != rb:
                    parent[rb] = ra
                rules.setdefault(root(a.record_id), []).append(f"{a.label} ~ {b.label}: {rule}")
    groups: dict[str, list[CohortInfo]] = {}
    for c in cohorts:
        groups.setdefault(root(c.record_id), []).append(c)
    out = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        kept = max(members, key=lambda c: (c.n or 0, c.year or 0))
        texts = [r for k, rs in rules.items() if root(k) == key for r in rs]
        out.append(OverlapGroup(tuple(c.record_id for c in members), tuple(c.label for c in members),
                                "; ".join(texts), kept.record_id))
    return out
