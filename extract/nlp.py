"""The spaCy pipeline: `spacy.blank("en")` with a rule tokenizer and one vocabulary SpanRuler.

No trained model is used. The pipeline is:

1. `RuleTokenizer` (replaces the blank pipeline's tokenizer, which is the slow part of a blank
   pipeline): numbers ("2.5", "1,000", ".0517"), letter runs and single symbols are tokens, so
   "DAS28" is "DAS" "28" and "IL‐6" is "IL" "-" "6"; abbreviations ending in a period
   ("e.g.", "vs.", "et al.", "i.v.") are tokenizer exceptions kept whole (data: ABBREVIATIONS).
   Hyphen and space variants are normalised one-for-one (same length), so token offsets are
   offsets into the original text. It also marks sentence starts (after ". ! ?" before a
   capital, digit or bracket, and at line breaks), so `doc.sents` works without a parser.
2. A `span_ruler` (spaCy's SpanRuler, phrase patterns on LOWER) with every phrase of the rule
   files in extract/data/ (measures, cell sources, origins, routes, screening cues), written to
   `doc.spans["trialsynth"]` with labels such as "MEASURE|DAS28", "SOURCE|bone marrow",
   "ROUTE|intravenous", "SCREEN|animal".

`get_nlp()` builds the pipeline once per process (pure: the same input gives the same Doc).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

__all__ = ["ABBREVIATIONS", "RuleTokenizer", "SPAN_KEY", "get_nlp", "load_rules", "normalise"]

SPAN_KEY = "trialsynth"

# Tokenizer exceptions: kept as one token, period included (so they never end a sentence).
ABBREVIATIONS = ["e.g.", "i.e.", "vs.", "al.", "approx.", "fig.", "figs.", "no.", "nos.", "i.v.", "i.p.",
                 "i.a.", "s.c.", "n.s.", "ca.", "cf.", "resp.", "dr.", "mr.", "mrs.", "st.", "etc.", "p.o."]
_ABBR = "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
_TOKEN_RE = re.compile(
    rf"(?i:(?<![^\W_])(?:{_ABBR})(?![^\W_]))"  # abbreviations, not inside a word
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
_SENT_END = frozenset(".!?")


def normalise(text: str) -> str:
    """Same-length normalisation of hyphens, spaces and quotes (offsets are preserved)."""
    return text.translate(_SAME_LENGTH)


class RuleTokenizer:
    """A regex tokenizer producing spaCy Docs whose text equals `normalise(text)`."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        norm = normalise(text)
        words: list[str] = []
        spaces: list[bool] = []
        starts: list[bool] = []
        pos = 0
        new_sentence = True
        last = ""  # the last non-whitespace token
        for m in _TOKEN_RE.finditer(norm):
            s = m.start()
            if s > pos:  # whitespace gap
                gap = norm[pos:s]
                if gap == " " and words:
                    spaces[-1] = True
                else:
                    if words and gap[0] == " ":
                        spaces[-1] = True
                        gap = gap[1:]
                    words.append(gap)
                    spaces.append(False)
                    starts.append(False)
                    if "\n" in gap:
                        new_sentence = True
            tok = m.group()
            if not new_sentence and last in _SENT_END:
                first = tok[0]
                if first.isupper() or first.isdigit() or first in "([":
                    new_sentence = True
            words.append(tok)
            spaces.append(False)
            starts.append(new_sentence)
            new_sentence = False
            last = tok
            pos = m.end()
        if pos < len(norm):
            tail = norm[pos:]
            if words and tail[0] == " ":
                spaces[-1] = True
                tail = tail[1:]
            if tail:
                words.append(tail)
                spaces.append(False)
                starts.append(False)
        if starts:
            starts[0] = True
        return Doc(self.vocab, words=words, spaces=spaces, sent_starts=starts)

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
    for key in ("msc", "other_cells", "ra", "animal", "human", "review", "in_vitro"):
        add(f"SCREEN|{key}", scr[key])
    for disease, phrases in scr["other_disease"].items():
        add(f"SCREEN|other_disease|{disease}", phrases)
    return pats


@lru_cache(maxsize=None)
def get_nlp() -> Language:
    """The pipeline (built once per process)."""
    nlp = spacy.blank("en")
    nlp.tokenizer = RuleTokenizer(nlp.vocab)
    ruler = nlp.add_pipe("span_ruler", config={
        "spans_key": SPAN_KEY, "phrase_matcher_attr": "LOWER", "validate": False,
        "overwrite": True})
    ruler.add_patterns(_patterns())
    return nlp
