import pytest

from extract.document import analyse
from extract.nlp import get_nlp, normalise, vocabulary_spans


def test_doc_text_keeps_offsets_of_the_original():
    text = "IL\u20106 fell\u00a0to 2 \u00d7 107 cells (p = .0517).\nResults: DAS28\u2212ESR"
    doc = get_nlp()(text)
    assert doc.text == normalise(text)
    assert len(doc.text) == len(text)


@pytest.mark.parametrize("text,expected", [
    ("e.g. patients improved. Then", 2),
    ("P < 0.05). Health index decreased.", 2),
    ("one AE.Eight AEs were severe.", 2),
    ("Background\nTo explore the mechanism", 2),
    ("p = .0517 and DAS28 changes were -1.60", 1),
    ("Smith et al. reported it.", 1),
])
def test_sentences(text, expected):
    assert len(list(get_nlp()(text).sents)) == expected


@pytest.mark.parametrize("text,label", [
    ("28\u2010joint disease activity score", "MEASURE|DAS28"),
    ("DAS-28", "MEASURE|DAS28"),
    ("TNF\u2010\u03b1", "MEASURE|TNF-alpha"),
    ("interleukin 6", "MEASURE|IL-6"),
    ("IL6", "MEASURE|IL-6"),
    ("hUCB\u2010MSCs", "SOURCE|umbilical cord blood"),
    ("Wharton's jelly", "SOURCE|umbilical cord"),
    ("intra-articularly", "ROUTE|intra-articular|3"),
])
def test_vocabulary_spellings(text, label):
    doc = get_nlp()(text)
    assert label in {s.label_ for s in vocabulary_spans(doc)}


def test_longest_mention_wins():
    t = analyse("umbilical cord blood-derived cells", "abstract")
    assert [m.value for m in t.of_kind("SOURCE")] == ["umbilical cord blood"]


def test_empty_and_whitespace_text():
    for text in ("", "   ", "\n\n"):
        t = analyse(text, "abstract")
        assert t.mentions == ()
