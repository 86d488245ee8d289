"""Cohort overlap by blocking: the same groups as comparing every pair, at a cost that grows with n.

The cohorts are FICTITIOUS (random fields).
"""
from __future__ import annotations

import random

import pytest

from trialsynth.overlap import CohortInfo, _rule, find_overlaps


def all_pairs_groups(cohorts):
    """The groups by the rules over every pair (the definition blocking must agree with)."""
    parent = {c.record_id: c.record_id for c in cohorts}

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for i, a in enumerate(cohorts):
        for b in cohorts[i + 1:]:
            if _rule(a, b):
                parent[root(b.record_id)] = root(a.record_id)
    groups = {}
    for c in cohorts:
        groups.setdefault(root(c.record_id), set()).add(c.record_id)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)


def random_cohorts(rng, n):
    out = []
    for i in range(n):
        doses = frozenset(rng.sample([(1e6, "cells/kg"), (2e6, "cells/kg"), (4e7, "cells")], rng.choice([0, 2, 3])))
        out.append(CohortInfo(
            f"r{i}", f"Fictitious {i}", rng.choice(["Wang", "Park", "Kim", None]), rng.choice([None, *range(2005, 2025)]),
            tuple(rng.sample(["NCT01", "NCT02", "NCT03"], rng.choice([0, 0, 0, 1]))), rng.choice([None, 9, 10, 20, 64]),
            rng.choice(["umbilical cord", "bone marrow", None]), rng.choice(["intravenous", "intra-articular"]), doses))
    return out


@pytest.mark.parametrize("seed", range(20))
def test_blocking_finds_the_groups_every_pair_finds(seed):
    cohorts = random_cohorts(random.Random(seed), 60)
    got = sorted(sorted(g.record_ids) for g in find_overlaps(cohorts))
    assert got == all_pairs_groups(cohorts)


def test_each_rule_is_named_in_its_group():
    a = CohortInfo("a", "Fictitious A 2018", "Park", 2018, ("NCT09",), 9, "umbilical cord", "intravenous", frozenset())
    b = CohortInfo("b", "Fictitious B 2021", "Kim", 2021, ("NCT09",), 9, "umbilical cord", "intravenous", frozenset())
    [group] = find_overlaps([a, b])
    assert group.rule == "Fictitious A 2018 ~ Fictitious B 2021: same registry id NCT09" and group.kept == "b"


def test_twenty_thousand_studies_are_not_compared_pairwise(monkeypatch):
    import trialsynth.overlap as overlap

    calls = {"n": 0}
    real = overlap._rule

    def counted(a, b):
        calls["n"] += 1
        return real(a, b)

    monkeypatch.setattr(overlap, "_rule", counted)
    cohorts = random_cohorts(random.Random(1), 2000)
    cohorts = [CohortInfo(c.record_id, c.label, f"{c.first_author}{i % 300}" if c.first_author else None, c.year,
                          c.nct if i % 97 == 0 else (), c.n, c.cell_source, c.route, frozenset())
               for i, c in enumerate(cohorts)]
    find_overlaps(cohorts)
    assert calls["n"] < 2000 * 2000 / 2 / 50  # a small fraction of the 2 million pairs
