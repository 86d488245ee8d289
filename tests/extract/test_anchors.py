"""Finders that start from anchor words (extract/data/anchors.json) find exactly what a scan of the
whole text with their regex finds: on the development abstracts, on their sentences recombined,
and on texts made of the words those regexes care about."""
from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.document import analyse
from extract.nlp import load_rules
from extract.samples import ARM_LIST_ITEM_RE, PERSON_WORDS, _arm_list_items, sample_sizes
from extract.schedule import DOSING_DAYS_RE, EARLIER_STUDY_RE, dosing_days, earlier_study_sentences

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "abstracts_dev.json"
ABSTRACTS = [r["abstract"] for r in json.loads(FIXTURE.read_text("utf-8"))]
SENTENCES = [s.strip() for a in ABSTRACTS for s in re.split(r"(?<=\.)\s+", a) if s.strip()]
PIECES = ["on", "at", "On", "day", "days", "Day", "0", "1", "8", "15", ",", "and", "or", "-", "to", "upon",
          "in", "In", "the", "cohort", "group", "arm", "cluster", "A", "B", "control", "MSC", "groups",
          "patients", "six", "twenty", "five", "20", "12", "3", "subjects", "each", "every",
          "we", "previously", "reported", "our", "previous", "study", "in a", "prior", "trial", ".", "\n",
          "(n = 12)", "were", "enrolled", "randomized"]
texts_of_pieces = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join)


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


def _same_as_scanning(text: str) -> None:
    t = analyse(text, "abstract")
    assert _spans(dosing_days(t)) == _spans(DOSING_DAYS_RE.finditer(t.text))
    assert _spans(_arm_list_items(t)) == _spans(ARM_LIST_ITEM_RE.finditer(t.text))
    scanned = frozenset(t.sentence_at(m.start()).index for m in EARLIER_STUDY_RE.finditer(t.text))
    assert earlier_study_sentences(t) == scanned


def test_anchored_finders_match_a_full_scan_on_the_dev_abstracts() -> None:
    for text in ABSTRACTS + [" ".join(SENTENCES[i::7]) for i in range(7)]:
        _same_as_scanning(text)


@settings(max_examples=300, deadline=None)
@given(texts_of_pieces)
def test_anchored_finders_match_a_full_scan_on_texts_of_their_words(text: str) -> None:
    _same_as_scanning(text)


def test_person_nouns_come_from_the_anchor_data() -> None:
    assert PERSON_WORDS == load_rules("anchors")["person"]
    for noun in PERSON_WORDS:
        sizes = sample_sizes(analyse(f"We enrolled 24 {noun} with RA.", "abstract"), "r")
        assert [s.n for s in sizes] == [24], noun


def test_every_anchor_word_is_found_as_a_whole_word_only() -> None:
    for kind, words in load_rules("anchors").items():
        if kind.startswith("_"):
            continue
        for word in words:
            t = analyse(f"Before {word.upper()} after x{word}y.", "abstract")
            assert [t.text[s:e] for s, e in t.anchored(kind)] == [word.upper()], (kind, word)
