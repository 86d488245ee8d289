"""Intervention: cell source and origin, route, doses per administration, number of administrations.

- Cell source and origin: the vocabulary mentions (extract/data/intervention.json) counted over
  title (weight 2) and abstract (weight 1); the most mentioned wins, ties go to the first
  mention. Nothing mentioned gives None (never a guess).
- Route: weighted cues ("intravenous" 3, "infusion" 1); the heaviest total wins.
- Doses: `extract.quantities.find_doses` on title and abstract; a concentration is replaced by
  the dose it gives with the stated volume; repeated values are reported once; a lost exponent
  stays in the evidence with value None and uncertain=True. A dose list ("2.5 × 10^7, 5 × 10^7
  or 1 × 10^8 cells") or a dose followed by "(cohort A)" becomes one arm per dose.
- Administrations: "three intravenous infusions", "a single injection", "twice".
"""
from __future__ import annotations

import re
from collections import Counter

from extract.document import Text
from extract.evidence import DoseValue, Provenance
from extract.quantities import WORDNUM, parse_number
from extract.schedule import dosing_days

__all__ = ["administrations", "cell_origin", "cell_source", "doses", "route"]

ADMIN_COUNT_BEFORE_RE = re.compile(
    rf"\b(?P<n>a\s+single|single|one|\d+|{WORDNUM})\s+(?:(?!(?:months?|weeks?|days?|years?|hours?|after|before|"
    rf"following|of|the|patients?|subjects?|participants?|and|or)\b)[\w-]+\s+){{0,2}}?$", re.I)
_NOT_ADMIN_AFTER = re.compile(r"\s+(?:cohorts?|groups?|levels?|escalation|arms?|finding)\b", re.I)
ADMIN_CONTEXT = re.compile(r"infus|inject|administ|transplant|implant|dose|dosing|received|given", re.I)
_ADMIN_WORD_N = {"a single": 1, "single": 1, "one": 1, "once": 1, "twice": 2, "thrice": 3}
_TIMES = frozenset({"once", "twice", "thrice"})
_ARM_AFTER_DOSE = re.compile(r"^[^\d(;.]{0,20}?\(\s*(?P<arm>(?:cohort|group|arm|cluster|dose level)\s+[\w-]+)\s*\)", re.I)


def _weighted(texts: list[tuple[Text, int]], kind: str, skip: dict[str, frozenset[int]]) -> tuple[str | None, Provenance | None]:
    score: Counter[str] = Counter()
    first: dict[str, tuple[int, Text, int, int]] = {}
    order = 0
    for t, w in texts:
        skipped = skip.get(t.location, frozenset())
        for m in t.mentions:
            if m.kind != kind or t.sentence_at(m.start).index in skipped:
                continue
            weight = w * (int(m.extra) if (kind == "ROUTE" and m.extra) else 1)
            score[m.value] += weight
            if m.value not in first:
                first[m.value] = (order, t, m.start, m.end)
            order += 1
    if not score:
        return None, None
    best = max(score, key=lambda v: (score[v], -first[v][0]))
    _, t, s, e = first[best]
    sent = t.sentence_at(s)
    return best, Provenance("", t.location, t.text[sent.start:sent.end], sent.start, sent.end)


def cell_source(title: Text, abstract: Text, skip: dict[str, frozenset[int]]) -> tuple[str | None, Provenance | None]:
    return _weighted([(title, 2), (abstract, 1)], "SOURCE", skip)


def cell_origin(title: Text, abstract: Text, skip: dict[str, frozenset[int]]) -> tuple[str | None, Provenance | None]:
    return _weighted([(title, 2), (abstract, 1)], "ORIGIN", skip)


def route(title: Text, abstract: Text, skip: dict[str, frozenset[int]]) -> tuple[str | None, Provenance | None]:
    return _weighted([(title, 2), (abstract, 1)], "ROUTE", skip)


def administrations(texts: list[Text], skip: dict[str, frozenset[int]]) -> int | None:
    """The number of administrations per patient, when stated."""
    for t in texts:
        skipped = skip.get(t.location, frozenset())
        for w_start, w_end in t.anchored("admin"):  # "infusions", "doses", "twice", ... (anchor words)
            if t.sentence_at(w_start).index in skipped:
                continue
            said = t.text[w_start:w_end].lower()
            if said in _TIMES:
                return _ADMIN_WORD_N[said]
            m = ADMIN_COUNT_BEFORE_RE.search(t.text, max(0, w_start - 45), w_start)
            if m is None:
                continue
            if re.search(r"\bphase\s*$", t.text[max(0, m.start() - 10):m.start()], re.I) \
                    or t.text[w_end:w_end + 1] == "-" or _NOT_ADMIN_AFTER.match(t.text, w_end):
                continue  # "phase 1 dose-escalation", "three dose cohorts"
            word = re.sub(r"\s+", " ", m.group("n").lower())
            n = _ADMIN_WORD_N.get(word)
            if n is None:
                v = parse_number(word)
                n = int(v) if v is not None and v == int(v) and 0 < v <= 12 else None
            if n:
                return n
    for t in texts:  # "infused on days 1, 8 and 15": one administration per listed day
        for m in dosing_days(t):
            sent = t.sentence_at(m.start())
            if sent.index not in skip.get(t.location, frozenset()) and ADMIN_CONTEXT.search(sent.text):
                return len(re.findall(r"\d+", m.group(0)))
    return None


def _fmt(value: float, unit: str) -> str:
    exp = len(str(int(value))) - 1 if value >= 10 else 0
    mant = value / 10**exp
    return f"{mant:g} × 10^{exp} {unit}"


def doses(texts: list[Text], record_id: str, skip: dict[str, frozenset[int]],
          n_administrations: int | None) -> list[DoseValue]:
    out: list[DoseValue] = []
    seen: set[tuple[float | None, str]] = set()
    for t in texts:
        skipped = skip.get(t.location, frozenset())
        found = [d for d in t.doses if d.per_volume_ml is None
                 and t.sentence_at(d.start).index not in skipped]
        listed = [d for d in found if d.note and d.note.startswith("one of")]
        by_sentence: Counter[int] = Counter(t.sentence_at(d.start).index for d in found if d.value is not None)
        for d in found:
            key = (d.value, d.unit)
            if key in seen:
                continue
            seen.add(key)
            sent = t.sentence_at(d.start)
            arm = None
            m = _ARM_AFTER_DOSE.match(t.text[d.end:d.end + 30])
            if m:
                arm = m.group("arm")
            elif d.value is not None and (d in listed or by_sentence[sent.index] > 1):
                arm = _fmt(d.value, d.unit)
            prov = Provenance(record_id, t.location, t.text[d.start:d.end], d.start, d.end)
            out.append(DoseValue(d.value, d.unit, prov, arm, n_administrations, d.uncertain, d.note))
    # one dose stated once per arm list: if only one dose has an arm label, drop it
    if sum(1 for d in out if d.arm) == 1:
        out = [DoseValue(d.value, d.unit, d.provenance, None, d.n_administrations, d.uncertain, d.note)
               for d in out]
    return out
