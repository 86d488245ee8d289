"""Which sentences describe other studies, and which timepoints are the study's own.

`earlier_study_sentences(text)`: sentences about earlier work ("We previously reported ...",
"in our previous study"); their numbers belong to another study.

`study_timepoints(text, skip)`: the follow-up timepoints of `extract.quantities.find_timepoints`
minus: baseline; timepoints in earlier-study sentences; dosing schedules ("on days 1, 8 and 15",
"at day 0"); and relative timings that are not measured from the treatment ("2-3 weeks after the
transient IFN-γ increase"). Ages and disease durations are already dropped by find_timepoints.
"""
from __future__ import annotations

import re

from extract.document import Text
from extract.quantities import Timepoint

__all__ = ["DOSING_DAYS_RE", "EARLIER_STUDY_RE", "dosing_days", "earlier_study_sentences", "is_relative_timing", "study_timepoints"]

EARLIER_STUDY_RE = re.compile(
    r"\b(?:we|our\s+group|the\s+authors)\s+(?:have\s+)?(?:previously|earlier|recently)\s+(?:reported|shown|"
    r"demonstrated|described|published|found)"
    r"|\b(?:previous(?:ly)?\s+(?:reported|published)|our\s+(?:previous|earlier|prior|former)\s+(?:study|trial|"
    r"report|work|studies))"
    r"|\b(?:in\s+(?:a|the|our)\s+(?:previous|earlier|prior)\s+(?:study|trial|report))", re.I)
DOSING_DAYS_RE = re.compile(
    r"\b(?:on|at)\s+days?\s+(?:0|1)\b(?:\s?(?:,|and|or|-|to)\s?(?:and\s)?(?:days?\s)?\d+)*", re.I)
RELATIVE_AFTER_RE = re.compile(
    r"^\s*(?:after|before|following|prior\s+to)\s+(?:the\s+|a\s+|an\s+)?(?P<what>[\w-]+)", re.I)
TREATMENT_WORDS = re.compile(
    r"^(?:first|last|second|third|final|single|initial|msc|mscs|msct|cell|cells|stem|infusion|infusions|"
    r"injection|injections|treatment|treatments|therapy|therapies|transplant|transplantation|implant|"
    r"implantation|implantations|administration|intervention|randomi[sz]ation|baseline|enrol+ment|inclusion|"
    r"start|initiation|dosing|dose|doses|procedure|surgery|end|uc|bm|hucb|ucb|ad|allogeneic|autologous|"
    r"mesenchymal|umbilical|bone|adipose|study|trial|entry|admission|discharge|onset|operation|"
    r"transfusion|[a-z]+-mscs?)$", re.I)


_ON_AT_BEFORE_RE = re.compile(r"\b(?:on|at)\s+$", re.I)


def earlier_study_sentences(t: Text) -> frozenset[int]:
    if not t.anchored("earlier"):  # every match holds "previous(ly)", "earlier", "recently", "prior" or "former"
        return frozenset()
    return frozenset(t.sentence_at(m.start()).index for m in EARLIER_STUDY_RE.finditer(t.text))


def dosing_days(t: Text) -> list[re.Match[str]]:
    """The DOSING_DAYS_RE matches of the text ("on days 1, 8 and 15", "at day 0"), read from the
    anchor words "day"/"days" back to "on"/"at" (the same matches as scanning the whole text)."""
    out: list[re.Match[str]] = []
    for d_start, _ in t.anchored("day"):
        if out and d_start < out[-1].end():
            continue  # a day word inside the previous match ("on days 0, and day 7")
        on_at = _ON_AT_BEFORE_RE.search(t.text, max(0, d_start - 40), d_start)
        m = DOSING_DAYS_RE.match(t.text, on_at.start()) if on_at else None
        if m:
            out.append(m)
    return out


def is_relative_timing(text: str, end: int) -> bool:
    """True when the timepoint ending at `end` is "... after <something other than treatment>"."""
    m = RELATIVE_AFTER_RE.match(text[end:end + 60])
    return bool(m) and not TREATMENT_WORDS.match(m.group("what"))


def study_timepoints(t: Text, skip: frozenset[int]) -> list[Timepoint]:
    dosing: list[tuple[int, int]] = [(m.start(), m.end()) for m in dosing_days(t)]
    out: list[Timepoint] = []
    for tp in t.timepoints:
        if tp.kind == "baseline":
            continue
        if t.sentence_at(tp.start).index in skip:
            continue
        if any(a <= tp.start and tp.end <= b + 8 for a, b in dosing):
            continue
        if is_relative_timing(t.text, tp.end):
            continue
        out.append(tp)
    return out
