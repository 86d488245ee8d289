"""extract.document.analyse: the analysed text's parts line up with the text."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.document import analyse
from extract.nlp import normalise

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "abstracts_dev.json"
ABSTRACTS = [r["abstract"] for r in json.loads(FIXTURE.read_text("utf-8"))]


def _check(text: str) -> None:
    t = analyse(text, "abstract")
    starts = [m.start for m in t.mentions]
    assert starts == sorted(starts)  # outcomes takes a sentence's mentions by bisection on this order
    for m in t.mentions:
        assert t.text[m.start:m.end] == m.text
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for m in t.mentions:
        by_kind.setdefault(m.kind, []).append((m.token_start, m.token_end))
    for spans in by_kind.values():  # the longest mention of a kind wins an overlap; the same words may carry two values
        distinct = sorted(set(spans))
        assert all(a[1] <= b[0] for a, b in zip(distinct, distinct[1:]))
    assert len(t.tokens_lower) == len(t.token_starts)
    norm = normalise(t.text)  # tokens are read from the same-length normalised text ("–" is "-")
    ends = [*t.token_starts[1:], len(norm)]
    for word, start, end in zip(t.tokens_lower, t.token_starts, ends):
        piece = norm[start:end]
        assert (piece if piece.isspace() else piece.rstrip(" ")).lower() == word
    for kind, spans in t.anchors.items():
        assert list(spans) == sorted(spans)
        assert all(t.text[s:e].lower() == t.text[s:e].lower().strip() for s, e in spans), kind
    assert [s.start for s in t.sentences] == list(t.sentence_starts)


def test_the_dev_abstracts_line_up() -> None:
    for text in ABSTRACTS:
        _check(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(ABSTRACTS[0].split() + ["DAS28-ESR", "DAS28", "HAQ", "\n", "İ", "Σ", "İL-6", "  "]),
                max_size=60).map(" ".join))
def test_any_mix_of_words_lines_up(text: str) -> None:
    _check(text)
