"""Cohort overlap: several papers often report the same patients (a trial and its follow-up).

Candidate overlaps between included studies, by these rules (each group says which one fired):
1. the same trial registry id (NCT...);
2. the same first author and cell source, publication years within 6 years, and n compatible
   (one of them unknown, or within 50 % of the other);
3. the same cell source and route and the same set of doses (values and units), at least two doses
   (a dose-escalation design repeated in a follow-up report).
Candidate pairs come from blocks (registry id; first author and cell source within the year window;
cell source, route and dose set), never from all pairs, so 20,000 studies cost about what their
blocks hold. Within a group one record is kept for each outcome and timepoint: `pick` prefers the record that
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


YEARS = 6  # rule 2: publication years at most this far apart


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
            and (a.year is None or b.year is None or abs(a.year - b.year) <= YEARS) and _n_compatible(a.n, b.n)):
        return (f"same first author ({a.first_author}) and cell source ({a.cell_source}), years "
                f"{a.year}/{b.year}, n {a.n}/{b.n}")
    if (a.cell_source and a.cell_source == b.cell_source and a.route == b.route and len(a.doses) >= 2
            and a.doses == b.doses):
        doses = ", ".join(f"{v:g} {u}" for v, u in sorted(a.doses))
        return f"same cell source ({a.cell_source}), route and dose set ({doses})"
    return None


def _candidate_pairs(cohorts: list[CohortInfo]) -> list[tuple[int, int]]:
    """Pairs (i < j) that could meet a rule, found by blocking instead of comparing all pairs.

    Blocks: the same registry id (rule 1), the same first author and cell source with years at most
    YEARS apart (rule 2, every pair inside the window), the same cell source, route and dose set
    (rule 3). Members of an exact block (rules 1 and 3) are chained, each to the next, which joins the
    same groups as all their pairs would.
    """
    pairs: set[tuple[int, int]] = set()
    exact: dict[tuple, list[int]] = {}
    by_author: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(cohorts):
        for nct in set(c.nct):
            exact.setdefault(("nct", nct), []).append(i)
        if c.cell_source and len(c.doses) >= 2:
            exact.setdefault(("doses", c.cell_source, c.route, c.doses), []).append(i)
        if c.first_author and c.cell_source:
            by_author.setdefault((c.first_author.lower(), c.cell_source), []).append(i)
    for members in exact.values():
        pairs.update(zip(members, members[1:]))
    for members in by_author.values():
        known = sorted((m for m in members if cohorts[m].year is not None), key=lambda m: cohorts[m].year)
        unknown = [m for m in members if cohorts[m].year is None]
        for a in unknown:  # a year not given is compatible with every year
            pairs.update((min(a, b), max(a, b)) for b in members if b != a)
        start = 0
        for end, b in enumerate(known):
            while cohorts[b].year - cohorts[known[start]].year > YEARS:
                start += 1
            pairs.update((min(a, b), max(a, b)) for a in known[start:end])
    return sorted(pairs)


def find_overlaps(cohorts: list[CohortInfo]) -> list[OverlapGroup]:
    """Groups of records that may report the same patients (union of the pairwise rules over the pairs
    that blocking finds: the work grows with the number of studies, not with its square)."""
    parent = {c.record_id: c.record_id for c in cohorts}
    rules: dict[str, list[str]] = {}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    found = []
    for i, j in _candidate_pairs(cohorts):
        a, b = cohorts[i], cohorts[j]
        rule = _rule(a, b)
        if rule:
            ra, rb = root(a.record_id), root(b.record_id)
            if ra != rb:
                parent[rb] = ra
            found.append((a.record_id, f"{a.label} ~ {b.label}: {rule}"))
    for rid, text in found:
        rules.setdefault(root(rid), []).append(text)
    groups: dict[str, list[CohortInfo]] = {}
    for c in cohorts:
        groups.setdefault(root(c.record_id), []).append(c)
    out = []
    for key, members in groups.items():
        if len(members) < 2:
            continue
        kept = max(members, key=lambda c: (c.n or 0, c.year or 0))
        out.append(OverlapGroup(tuple(c.record_id for c in members), tuple(c.label for c in members),
                                "; ".join(rules.get(key, [])), kept.record_id))
    return out
