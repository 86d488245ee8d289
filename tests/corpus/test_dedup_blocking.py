"""The blocking index finds the duplicates comparing every record would find (issue 14).

A synthetic search of 1,500 records with near-duplicates spelled the ways databases differ (case,
punctuation, British spelling, plurals, a dropped article, a typo, a missing word, the year one
off) is deduplicated twice: with the store's title keys, and comparing each new record with every
stored record of its year window (the cost the old store paid). Both must give the same records.
"""
from __future__ import annotations

import json
import random
import re

from corpus.records import Hit, Ids, Record
from corpus.store import Store
from tests.conftest import ROOT

SNAPSHOT = ROOT / "corpus" / "snapshots" / "msc_ra_dev.jsonl"
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Park", "Kim", "Smith", "Garcia", "Rossi", "Muller", "Tanaka"]


def _perturb(title: str, rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return title.upper()
    if kind == 1:
        return title.replace(": ", " - ").replace(",", "") + "."
    if kind == 2:
        return re.sub(r"ized\b|izing\b|ization\b", lambda m: m.group(0).replace("z", "s"), title) + " "
    if kind == 3:
        return re.sub(r"\b(\w{5,})s\b", r"\1", title, count=1)
    if kind == 4:
        return title.replace(" the ", " ", 1).replace(" of ", " ", 1)
    if kind == 5:  # a typo somewhere
        i = rng.randrange(5, len(title) - 5)
        return title[:i] + rng.choice("aeiou") + title[i + 1:]
    if kind == 6:  # a word missing
        words = title.split()
        del words[rng.randrange(1, len(words) - 1)]
        return " ".join(words)
    return title.replace(" and ", " & ")


def synthetic_hits(n: int, seed: int = 3) -> list[Hit]:
    rng = random.Random(seed)
    text = " ".join(json.loads(line)["abstract"] for line in SNAPSHOT.read_text("utf-8").splitlines())
    words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)})
    studies: list[tuple[str, int, str]] = []
    hits = []
    for i in range(n):
        if studies and rng.random() < 0.25:
            title, year, author = rng.choice(studies)
            title, year = _perturb(title, rng), year + (1 if rng.random() < 0.2 else 0)
            author = author if rng.random() < 0.8 else None  # a registry-like copy without authors
        else:
            title = " ".join(rng.choices(words, k=rng.randint(6, 14))).capitalize()
            title += rng.choice(["", ": a randomized controlled trial", " in patients with rheumatoid arthritis",
                                 ": randomised trials of the cells"])
            year, author = rng.randint(2005, 2024), rng.choice(SURNAMES)
            studies.append((title, year, author))
        record = Record(f"ris:Source{i % 3}", f"ris:{i}", title=title, year=year,
                        authors=(f"{author} A",) if author else ())
        hits.append(Hit(record, raw="{}", raw_format="test"))
    return hits


def _records(store: Store) -> set[frozenset[str]]:
    return {frozenset(i for _, i in stored.hit_ids) for stored in store.records()}


def test_blocking_finds_what_comparing_everything_finds(tmp_path, monkeypatch):
    hits = synthetic_hits(1500)
    with Store(tmp_path / "blocked.sqlite") as store:
        for start in range(0, len(hits), 200):
            store.add_hits(hits[start:start + 200])
        blocked = _records(store)

    def every_record_of_the_window(self, rec):
        from corpus import dedup

        window = dedup.fuzzy_year_window(rec)
        if window is None:
            return []
        rows = self.conn.execute("SELECT id, title_norm, year, first_author FROM records WHERE year BETWEEN ? AND ?",
                                 window).fetchall()
        return [dedup.Candidate(*tuple(row)) for row in rows]

    monkeypatch.setattr(Store, "_title_candidates", every_record_of_the_window)
    with Store(tmp_path / "everything.sqlite") as store:
        for start in range(0, len(hits), 200):
            store.add_hits(hits[start:start + 200])
        exhaustive = _records(store)
    assert len(exhaustive) < 1400  # the duplicates are there to be found
    assert blocked == exhaustive
