"""The spaCy pipeline: `spacy.blank("en")` with a rule tokenizer and one vocabulary PhraseMatcher.

No trained model is used. The pipeline is:

1. `RuleTokenizer` (spaCy's Cython Tokenizer with our splitting rule in place of the blank
   pipeline's prefix/suffix/infix rules): numbers ("2.5", "1,000", ".0517"), letter runs and
   single symbols are tokens, so "DAS28" is "DAS" "28" and "IL‐6" is "IL" "-" "6"; abbreviations
   ending in a period ("e.g.", "vs.", "et al.", "i.v.") are kept whole (data: ABBREVIATIONS).
   Hyphen and space variants are normalised one-for-one (same length), so token offsets are
   offsets into the original text. It also marks sentence starts (after ". ! ?" before a
   capital, digit or bracket, and at line breaks), so `doc.sents` works without a parser.
2. `trialsynth_vocabulary` (VocabularyMatcher: spaCy's PhraseMatcher on LOWER) with every
   phrase of the rule files in extract/data/ (measures, cell sources, origins, routes, screening
   cues, and the anchor words of extract/data/anchors.json), labelled "MEASURE|DAS28",
   "SOURCE|bone marrow", "ROUTE|intravenous|3", "SCREEN|animal", "ANCHOR|person";
   `vocabulary_spans(doc)` gives them as spaCy Spans. (A SpanRuler does the same but builds
   Span objects for every match, which cost a tenth of the extractor's time.)

`get_nlp()` builds the pipeline once per process (pure: the same input gives the same Doc).
The extractor itself does not run it: extract.lexer computes the same tokens and matches in plain
Python (so a run does not import spaCy); the rule (TOKEN_RE, ABBREVIATIONS, `normalise`, the
sentence starts, the phrases) is defined there once and used by both.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from extract.lexer import ABBREVIATIONS, TOKEN_RE, load_rules, lower_words, normalise, patterns, sentence_starts

__all__ = ["ABBREVIATIONS", "MATCHES_KEY", "RuleTokenizer", "SPAN_KEY", "TOKENS_KEY", "VocabularyMatcher",
           "vocabulary_spans", "get_nlp", "load_rules", "normalise"]

SPAN_KEY = "trialsynth"
MATCHES_KEY = "trialsynth_matches"  # doc.user_data: [(label, start token, end token)]
TOKENS_KEY = "trialsynth_tokens"  # doc.user_data: (lower-cased words, char starts, lengths, sentence start chars)

_OFFSET_ATTRS = [IDX, LENGTH]


class RuleTokenizer:
    """Tokenizes `normalise(text)` with spaCy's own (Cython) Tokenizer, configured so that every
    whitespace-free chunk is split into the tokens of TOKEN_RE: no prefix, suffix or exception
    rules, and TOKEN_RE's matches as "infixes" (spaCy keeps the text before the first match and
    every match as tokens, so a chunk comes out as exactly its TOKEN_RE tokens). spaCy caches
    each chunk's split, so a word seen before costs a hash lookup. Then it marks sentence starts."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._split = Tokenizer(vocab, rules={}, prefix_search=None, suffix_search=None,
                                infix_finditer=TOKEN_RE.finditer)

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        doc = self._split(norm)
        n = len(doc)
        if n == 0:
            doc.user_data[TOKENS_KEY] = ([], [], [], [])
            return doc
        char_starts, lengths = doc.to_array(_OFFSET_ATTRS).T.tolist()
        words = lower_words(norm, char_starts, lengths)
        sent_idx = sentence_starts(words, char_starts, norm)
        marks = numpy.full((n, 1), -1, dtype=numpy.int64)  # -1: not a sentence start
        marks[sent_idx, 0] = 1
        doc.from_array([SENT_START], marks.view(numpy.uint64))
        doc.user_data[TOKENS_KEY] = (words, char_starts, lengths, [char_starts[i] for i in sent_idx])
        return doc

    def pipe(self, texts, batch_size: int = 1000):  # spaCy's Tokenizer interface
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs: Any) -> bytes:  # pragma: no cover - serialisation not needed
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> "RuleTokenizer":  # pragma: no cover
        return self


class VocabularyMatcher:
    """Pipeline component: spaCy's PhraseMatcher (on LOWER) over every phrase of the rule files.

    Matches are stored as (label, start token, end token) in doc.user_data[MATCHES_KEY] (cheap);
    `vocabulary_spans(doc)` turns them into labelled Spans when a caller wants spaCy objects.
    """

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_label: dict[str, list[str]] = {}
        for pat in patterns():
            by_label.setdefault(pat["label"], []).append(pat["pattern"])
        for label, phrases in by_label.items():
            self.matcher.add(label, list(nlp.tokenizer.pipe(sorted(set(phrases)))))
        self.strings = nlp.vocab.strings

    def __call__(self, doc: Doc) -> Doc:
        strings = self.strings
        doc.user_data[MATCHES_KEY] = [(strings[mid], s, e) for mid, s, e in self.matcher(doc)]
        return doc


@Language.factory("trialsynth_vocabulary")
def _make_vocabulary_matcher(nlp: Language, name: str) -> VocabularyMatcher:
    return VocabularyMatcher(nlp)


def vocabulary_spans(doc: Doc) -> list[Span]:
    """The vocabulary matches of a processed Doc as labelled spaCy Spans."""
    return [Span(doc, s, e, label=label) for label, s, e in doc.user_data.get(MATCHES_KEY, [])]


@spacy.registry.tokenizers("trialsynth_rule_tokenizer.v1")
def _rule_tokenizer_factory():
    """RuleTokenizer as a registered tokenizer, so that `spacy.blank` builds it in place of the English
    one (whose rules and exceptions took a tenth of a second to build at every start, then were
    replaced). Lexemes are computed from their strings by the vocabulary, so a vocabulary without the
    English exceptions' words gives every token the same attributes."""
    return lambda nlp: RuleTokenizer(nlp.vocab)


@lru_cache(maxsize=None)
def get_nlp() -> Language:
    """The pipeline (built once per process)."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "trialsynth_rule_tokenizer.v1"}}})
    nlp.add_pipe("trialsynth_vocabulary")
    return nlp

