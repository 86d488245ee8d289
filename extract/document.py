"""One analysed text (a title, an abstract or a full-text section): sentences, vocabulary
mentions and quantities, all with character offsets into the original text.

`analyse(text, location)` runs the rule tokenizer and the vocabulary matcher (extract.lexer: what
the spaCy pipeline of extract.nlp gives, without spaCy) and the quantity finders (extract.quantities)
once; the field extractors (screening, samples, intervention, outcomes)
only read the resulting `Text`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, Sequence, TypeVar

from extract import quantities as q
from extract.lexer import MAX_LENGTH, lex

__all__ = ["Mention", "Sentence", "Text", "analyse"]

T = TypeVar("T")


# Mention and Sentence are NamedTuples, not frozen dataclasses: equally immutable, and a text has
# dozens of them, which a NamedTuple creates in a third of the time.
class Mention(NamedTuple):
    """A vocabulary phrase found in the text: kind ("MEASURE", "SOURCE", ...), value, offsets."""

    kind: str
    value: str
    start: int
    end: int
    text: str
    token_start: int
    token_end: int
    extra: str | None = None  # e.g. the weight of a ROUTE cue


class Sentence(NamedTuple):
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
    anchors: dict[str, tuple[tuple[int, int], ...]]  # kind -> (start, end) of its anchor words, by start
    tokens_lower: tuple[str, ...]
    token_starts: tuple[int, ...]
    sentence_starts: tuple[int, ...]
    doses: tuple[q.Dose, ...]
    timepoints: tuple[q.Timepoint, ...]
    p_values: tuple[q.PValue, ...]
    mean_sds: tuple[q.MeanSD, ...]
    percentages: tuple[q.Percentage, ...]

    def sentence_at(self, offset: int) -> Sentence:
        i = bisect_right(self.sentence_starts, offset) - 1
        return self.sentences[i if i > 0 else 0]



    def anchored(self, kind: str) -> tuple[tuple[int, int], ...]:
        """(start, end) of the anchor words of `kind` (extract/data/anchors.json), in text order."""
        return self.anchors.get(kind, ())

    def of_kind(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def in_span(self, items: Sequence[T], start: int, end: int) -> list[T]:
        return [x for x in items if start <= x.start and x.end <= end]  # type: ignore[attr-defined]

    def token_index(self, offset: int) -> int:
        i = bisect_right(self.token_starts, offset) - 1
        return i if i > 0 else 0


def _longest(mentions: list[Mention], n_tokens: int) -> list[Mention]:
    """Keep the longest mention where mentions of the same kind overlap (ties: the earlier). The
    same words with two values of a kind are both kept: "phase 1" is a human-study cue and a
    clinical cue."""
    mentions.sort(key=_longest_first)
    kept: list[Mention] = []
    kind = None
    covered = bytearray()
    spans: set[tuple[int, int]] = set()
    for m in mentions:
        if m.kind != kind:
            kind = m.kind
            covered = bytearray(n_tokens + 1)  # tokens taken by a kept mention of this kind
            spans = set()
        if covered.find(1, m.token_start, m.token_end) == -1:
            covered[m.token_start:m.token_end] = b"\x01" * (m.token_end - m.token_start)
            spans.add((m.token_start, m.token_end))
            kept.append(m)
        elif (m.token_start, m.token_end) in spans:  # the matcher gives a label's span once
            kept.append(m)
    kept.sort(key=_by_start)
    return kept


def _longest_first(m: Mention) -> tuple[str, int, int]:
    return m.kind, m.start - m.end, m.start


def _by_start(m: Mention) -> tuple[int, int]:
    return m.start, m.start - m.end


@lru_cache(maxsize=None)
def _label(label: str) -> tuple[str, str, str | None]:
    """"ROUTE|intravenous|3" -> ("ROUTE", "intravenous", "3")."""
    parts = label.split("|")
    return parts[0], parts[1], parts[2] if len(parts) > 2 else None


def analyse(text: str, location: str, numbers: bool = True) -> Text:
    """numbers=False skips P values, means and percentages (a title needs doses and timepoints)."""
    text = text or ""
    if len(text) > MAX_LENGTH:
        from extract.nlp import get_nlp

        get_nlp()(text)  # spaCy's own error for a text over its length limit, as before
    words, starts, lengths, sent_starts, matches = lex(text)
    raw: list[Mention] = []
    anchors: dict[str, list[tuple[int, int]]] = {}
    for label, ts, te in matches:
        kind, value, extra = _label(label)
        s = starts[ts]
        e = starts[te - 1] + lengths[te - 1]
        if kind == "ANCHOR":
            anchors.setdefault(value, []).append((s, e))
        else:
            raw.append(Mention(kind, value, s, e, text[s:e], ts, te, extra))
    sentences = []
    for i, s in enumerate(sent_starts):
        e = sent_starts[i + 1] if i + 1 < len(sent_starts) else len(text)
        while e > s and text[e - 1].isspace():
            e -= 1
        sentences.append(Sentence(i, s, e, text[s:e]))
    if not sentences:
        sentences = [Sentence(0, 0, len(text), text)]
    return Text(
        location=location,
        text=text,
        sentences=tuple(sentences),
        mentions=tuple(_longest(raw, len(words))),
        anchors={kind: tuple(sorted(spans)) for kind, spans in anchors.items()},
        tokens_lower=tuple(words),
        token_starts=tuple(starts),
        sentence_starts=tuple(x.start for x in sentences),
        doses=tuple(q.find_doses(text)),
        timepoints=tuple(q.find_timepoints(text, (words, starts))),
        p_values=tuple(q.find_p_values(text)) if numbers else (),
        mean_sds=tuple(q.find_mean_sd(text)) if numbers else (),
        percentages=tuple(q.find_percentages(text)) if numbers else (),
    )
