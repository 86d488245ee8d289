"""extract.lexer gives what the spaCy pipeline of extract.nlp gives: the same tokens, sentence starts
and vocabulary matches (the extractor runs the lexer; spaCy users and these tests run the pipeline)."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.lexer import lex, patterns
from extract.nlp import MATCHES_KEY, TOKENS_KEY, get_nlp

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"


def _label_order(matches: list[tuple[str, int, int]]) -> dict[tuple[int, int, str], list[str]]:
    """The labels of each span and kind, in the order given: the order the extractor reads (an
    anchor's kind is its whole label, analyse files anchors by it; the order across kinds is not read)."""
    out: dict[tuple[int, int, str], list[str]] = {}
    for label, s, e in matches:
        kind = label if label.startswith("ANCHOR|") else label.split("|")[0]
        out.setdefault((s, e, kind), []).append(label)
    return out


def _assert_same(text: str) -> None:
    doc = get_nlp()(text)
    words, starts, lengths, sent_starts = doc.user_data[TOKENS_KEY]
    expected = doc.user_data[MATCHES_KEY]
    got = lex(text)
    assert (got.words, got.starts, got.lengths, got.sentence_starts) == (list(words), list(starts), list(lengths),
                                                                         list(sent_starts))
    assert sorted(got.matches) == sorted(expected)
    assert [(s, e) for _, s, e in got.matches] == [(s, e) for _, s, e in expected]
    assert _label_order(got.matches) == _label_order(expected)


def test_the_development_abstracts_lex_as_the_spacy_pipeline_tokenizes_and_matches_them() -> None:
    for name in ("abstracts_dev.json", "abstracts_numbers_dev.json"):
        for record in json.loads((FIXTURES / name).read_text("utf-8")):
            for text in (record.get("title") or "", record.get("abstract") or ""):
                _assert_same(text)
                _assert_same(text.upper())


def test_every_vocabulary_phrase_is_matched_as_the_spacy_pipeline_matches_it() -> None:
    phrases = sorted({p["pattern"] for p in patterns()})
    _assert_same(" ".join(phrases))
    _assert_same("\n".join(phrases))
    for phrase in phrases:
        _assert_same(phrase)


PIECES = [" ", "  ", "\n", "\n ", " \n", "\t", "\u00a0", "\u2009", "e.g.", "vs.", "al.", "i.v.", "I.V.", "E.G.", "C.I.", "x.",
          "3.", "..", "1.5", ".5", "1,000", "2,5", "DAS28", "IL-6", "IL\u20106", "\u2212", "-", "/", "(", ")", "[", ".",
          "!", "?", ";", "A", "a", "The", "İ", "Σ", "ΑΣ", "ς", "ſ", "\u212a", "'", "\u2019", "mg/kg", "bone marrow",
          "bone  marrow", "phase 1", "Phase II", "patients", "randomized", "umbilical cord", "UC-MSCs", "infusion",
          "intra-articular", "WOMAC pain", "HAQ-DI", "ACR20", "_", "é", "٣"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_any_text_lexes_as_the_spacy_pipeline_tokenizes_and_matches_it(text: str) -> None:
    _assert_same(text)


def test_a_confidence_interval_written_with_periods_does_not_end_a_sentence() -> None:
    from extract.document import analyse

    text = "The difference was 0.35 (95% C.I. -0.33 to 1.02) in favour of A. Pain fell."
    assert [s.text for s in analyse(text, "abstract").sentences] == [
        "The difference was 0.35 (95% C.I. -0.33 to 1.02) in favour of A.", "Pain fell."]
    _assert_same(text)


def test_an_empty_or_blank_text_has_no_tokens() -> None:
    assert lex("") == ([], [], [], [], [])
    _assert_same(" ")
    _assert_same("\n\n")


def test_the_extractor_does_not_import_spacy() -> None:
    # spaCy's import costs 0.6 s of CPU at every start; the extractor reads extract.lexer instead
    import subprocess
    import sys

    code = ("import sys\nimport extract.pipeline, extract.fulltext\nfrom extract.evidence import ExtractionInput\n"
            "extract.pipeline.Extractor().extract(ExtractionInput(id='x', title='A trial', abstract='DAS28 fell.'))\n"
            "print('spacy' in sys.modules)")
    root = Path(__file__).resolve().parent.parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "False"
