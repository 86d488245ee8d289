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
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

__all__ = ["ABBREVIATIONS", "MATCHES_KEY", "RuleTokenizer", "SPAN_KEY", "TOKENS_KEY", "VocabularyMatcher",
           "vocabulary_spans", "get_nlp", "load_rules", "normalise", "process"]

SPAN_KEY = "trialsynth"
MATCHES_KEY = "trialsynth_matches"  # doc.user_data: [(label, start token, end token)]
TOKENS_KEY = "trialsynth_tokens"  # doc.user_data: (lower-cased words, char starts, lengths, sentence start chars)

# Tokenizer exceptions: kept as one token, period included (so they never end a sentence).
ABBREVIATIONS = ["e.g.", "i.e.", "vs.", "al.", "approx.", "fig.", "figs.", "no.", "nos.", "i.v.", "i.p.",
                 "i.a.", "s.c.", "n.s.", "ca.", "cf.", "resp.", "dr.", "mr.", "mrs.", "st.", "etc.", "p.o."]
_ABBR = "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
_TOKEN_RE = re.compile(
    rf"(?i:(?<![^\W_])(?=[a-z]{{1,6}}\.)(?:{_ABBR})(?![^\W_]))"  # abbreviations, not inside a word
    r"|\d+(?:[.,]\d+)*"                        # 2.5  1,000  1.0
    r"|(?<![\w.])\.\d+"                        # .0517
    r"|[^\W\d_]+"                              # letter runs (Greek included)
    r"|\S"                                     # any other single character
)
# One-for-one replacements (the text keeps its length, so offsets stay valid).
_SAME_LENGTH = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe63": "-", "\uff0d": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2008": " ", "\u200a": " ", "\u2005": " ",
    "\u2019": "'", "\u2018": "'", "\u00b4": "'", "\u2032": "'",
})
_TO_NORMALISE = re.compile("[" + re.escape("".join(map(chr, _SAME_LENGTH))) + "]")
_OFFSET_ATTRS = [IDX, LENGTH]
_NEWLINE_RUN = re.compile(r"\n\s*")


def _sentence_starts(words: list[str], char_starts: list[int], norm: str) -> list[int]:
    """Indices of the tokens that start a sentence: the first token, the token after a line break,
    and the token after ". ! ?" (and any whitespace run after it) when it starts with a capital, a
    digit or a bracket. Whitespace runs are tokens of their own, so one is never followed by another.
    `words` may be lower-cased: the capital is read from `norm`."""
    n = len(words)
    found = {0}
    for mark in (".", "!", "?"):  # list.index scans in C: a loop over every token costs more
        k = -1
        try:
            while True:
                k = words.index(mark, k + 1)
                j = k + 2 if k + 1 < n and words[k + 1].isspace() else k + 1
                if j < n:
                    first = norm[char_starts[j]]
                    if first.isupper() or first.isdigit() or first in "([":
                        found.add(j)
        except ValueError:
            pass
    for m in _NEWLINE_RUN.finditer(norm):  # the token after a whitespace run with a line break
        if m.end() < len(norm):
            found.add(bisect_left(char_starts, m.end()))
    return sorted(found)


def normalise(text: str) -> str:
    """Same-length normalisation of hyphens, spaces and quotes (offsets are preserved)."""
    # a substitution at each of the few matches: str.translate looks up every character (7x slower)
    return _TO_NORMALISE.sub(_normalised, text)


def _normalised(m: re.Match[str]) -> str:
    return _SAME_LENGTH[ord(m.group())]


class RuleTokenizer:
    """Tokenizes `normalise(text)` with spaCy's own (Cython) Tokenizer, configured so that every
    whitespace-free chunk is split into the tokens of _TOKEN_RE: no prefix, suffix or exception
    rules, and _TOKEN_RE's matches as "infixes" (spaCy keeps the text before the first match and
    every match as tokens, so a chunk comes out as exactly its _TOKEN_RE tokens). spaCy caches
    each chunk's split, so a word seen before costs a hash lookup. Then it marks sentence starts."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._split = Tokenizer(vocab, rules={}, prefix_search=None, suffix_search=None,
                                infix_finditer=_TOKEN_RE.finditer)

    def __call__(self, text: str) -> Doc:
        doc, sent_idx = self.tokens(text)
        if len(doc):
            marks = numpy.full((len(doc), 1), -1, dtype=numpy.int64)  # -1: not a sentence start
            marks[sent_idx, 0] = 1
            doc.from_array([SENT_START], marks.view(numpy.uint64))
        return doc

    def tokens(self, text: str) -> tuple[Doc, list[int]]:
        """The Doc with doc.user_data[TOKENS_KEY] set, and the indices of the tokens that start a
        sentence, not yet marked on the Doc (`__call__` marks them; `process` needs only the indices)."""
        norm = normalise(text)
        doc = self._split(norm)
        if len(doc) == 0:
            doc.user_data[TOKENS_KEY] = ([], [], [], [])
            return doc, []
        char_starts, lengths = doc.to_array(_OFFSET_ATTRS).T.tolist()
        lower = norm.lower()
        if len(lower) == len(norm):  # one slice per token ("İ" lower-cases to two characters)
            words = [lower[s:s + k] for s, k in zip(char_starts, lengths)]
        else:
            words = [norm[s:s + k].lower() for s, k in zip(char_starts, lengths)]
        sent_idx = _sentence_starts(words, char_starts, norm)
        doc.user_data[TOKENS_KEY] = (words, char_starts, lengths, [char_starts[i] for i in sent_idx])
        return doc, sent_idx

    def pipe(self, texts, batch_size: int = 1000):  # spaCy's Tokenizer interface
        for text in texts:
            yield self(text)

    def to_bytes(self, **kwargs: Any) -> bytes:  # pragma: no cover - serialisation not needed
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> "RuleTokenizer":  # pragma: no cover
        return self


@lru_cache(maxsize=None)
def load_rules(name: str) -> dict[str, Any]:
    """One rule file of extract/data/ (measures, intervention, screening, directions)."""
    text = resources.files("extract").joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def _variants(phrase: str) -> set[str]:
    """A phrase and its hyphen variants ("il-6" -> "il-6", "il 6", "il6")."""
    out = {phrase.lower()}
    if "-" in phrase:
        out.add(phrase.lower().replace("-", " "))
        out.add(phrase.lower().replace("-", ""))
    return out


def _patterns() -> list[dict[str, Any]]:
    pats: list[dict[str, Any]] = []

    def add(label: str, phrases: list[str]) -> None:
        for p in phrases:
            for v in _variants(p):
                pats.append({"label": label, "pattern": v})

    for m in load_rules("measures")["measures"]:
        add(f"MEASURE|{m['name']}", m["phrases"])
    inter = load_rules("intervention")
    for name, phrases in inter["cell_sources"].items():
        add(f"SOURCE|{name}", phrases)
    for name, phrases in inter["cell_origin"].items():
        add(f"ORIGIN|{name}", phrases)
    for name, spec in inter["routes"].items():
        add(f"ROUTE|{spec.get('canonical', name)}|{spec['weight']}", spec["phrases"])
    scr = load_rules("screening")
    for key in ("msc", "other_cells", "ra", "animal", "human", "review", "in_vitro", "other_products", "protocol",
                "clinical"):
        add(f"SCREEN|{key}", scr[key])
    for disease, phrases in scr["other_disease"].items():
        add(f"SCREEN|other_disease|{disease}", phrases)
    for kind, words in load_rules("anchors").items():
        if not kind.startswith("_"):
            add(f"ANCHOR|{kind}", words)
    return pats


class VocabularyMatcher:
    """Pipeline component: spaCy's PhraseMatcher (on LOWER) over every phrase of the rule files.

    Matches are stored as (label, start token, end token) in doc.user_data[MATCHES_KEY] (cheap);
    `vocabulary_spans(doc)` turns them into labelled Spans when a caller wants spaCy objects.
    """

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        by_label: dict[str, list[str]] = {}
        for pat in _patterns():
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


def process(text: str) -> Doc:
    """What `get_nlp()(text)` gives in doc.user_data (TOKENS_KEY, MATCHES_KEY), without the Doc's
    sentence marks (doc.sents) and the pipeline's per-call checks: the tokenizer and the vocabulary
    matcher called directly (extract.document reads only the user_data)."""
    nlp, tokenizer, matcher = _parts()
    if len(text) > nlp.max_length:
        return nlp(text)  # spaCy's own error for a text over its length limit
    return matcher(tokenizer.tokens(text)[0])


@lru_cache(maxsize=None)
def _parts() -> tuple[Language, RuleTokenizer, VocabularyMatcher]:
    nlp = get_nlp()
    return nlp, nlp.tokenizer, nlp.get_pipe("trialsynth_vocabulary")
