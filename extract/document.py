"""One analysed text (a title, an abstract or a full-text section): sentences, vocabulary
mentions and quantities, all with character offsets into the original text.

`analyse(text, location)` runs the spaCy pipeline (extract.nlp) and the quantity finders
(extract.quantities) once; the field extractors (screening, samples, intervention, outcomes)
only read the resulting `Text`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence, TypeVar

from extract import quantities as q
from extract.nlp import SPAN_KEY, get_nlp

__all__ = ["Mention", "Sentence", "Text", "analyse"]

T = TypeVar("T")


@dataclass(frozen=True)
class Mention:
    """A vocabulary phrase found in the text: kind ("MEASURE", "SOURCE", ...), value, offsets."""

    kind: str
    value: str
    start: int
    end: int
    text: str
    token_start: int
    token_end: int
    extra: str | None = None  # e.g. the weight of a ROUTE cue


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Text:
    location: str  # "title", "abstract", "section:Results", ...
    text: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]  # longest-first, non-overlapping within a kind; by start
    tokens_lower: tuple[str, ...]
    token_starts: tuple[int, ...]
    doses: tuple[q.Dose, ...]
    timepoints: tuple[q.Timepoint, ...]
    p_values: tuple[q.PValue, ...]
    mean_sds: tuple[q.MeanSD, ...]
    percentages: tuple[q.Percentage, ...]

    def sentence_at(self, offset: int) -> Sentence:
        starts = [s.start for s in self.sentences]
        i = max(0, bisect_right(starts, offset) - 1)
        return self.sentences[i]

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def in_span(self, items: Sequence[T], start: int, end: int) -> list[T]:
        return [x for x in items if start <= x.start and x.end <= end]  # type: ignore[attr-defined]

    def token_index(self, offset: int) -> int:
        return max(0, bisect_right(self.token_starts, offset) - 1)


def _longest(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest mention where mentions of the same kind overlap (ties: the earlier)."""
    by_kind: dict[str, list[Mention]] = {}
    for m in mentions:
        by_kind.setdefault(m.kind, []).append(m)
    kept: list[Mention] = []
    for group in by_kind.values():
        group.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[tuple[int, int]] = []
        for m in group:
            if all(m.end <= a or m.start >= b for a, b in taken):
                taken.append((m.start, m.end))
                kept.append(m)
    kept.sort(key=lambda m: (m.start, -(m.end - m.start)))
    return kept


def analyse(text: str, location: str) -> Text:
    text = text or ""
    doc = get_nlp()(text)
    raw: list[Mention] = []
    for sp in doc.spans[SPAN_KEY]:
        parts = sp.label_.split("|")
        kind, value = parts[0], parts[1]
        extra = parts[2] if len(parts) > 2 else None
        if kind == "SCREEN" and len(parts) > 2:  # SCREEN|other_disease|lupus
            value, extra = parts[1], parts[2]
        s, e = sp.start_char, sp.end_char
        raw.append(Mention(kind, value, s, e, text[s:e], sp.start, sp.end, extra))
    sentences = tuple(Sentence(i, s.start_char, s.end_char, text[s.start_char:s.end_char])
                      for i, s in enumerate(doc.sents)) or (Sentence(0, 0, len(text), text),)
    return Text(
        location=location,
        text=text,
        sentences=sentences,
        mentions=tuple(_longest(raw)),
        tokens_lower=tuple(t.lower_ for t in doc),
        token_starts=tuple(t.idx for t in doc),
        doses=tuple(q.find_doses(text)),
        timepoints=tuple(q.find_timepoints(text)),
        p_values=tuple(q.find_p_values(text)),
        mean_sds=tuple(q.find_mean_sd(text)),
        percentages=tuple(q.find_percentages(text)),
    )
