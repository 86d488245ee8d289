"""The rule tokenizer and the vocabulary matcher in plain Python, for the extractor's own use.

`extract.nlp` builds the same two steps as a spaCy pipeline (`get_nlp()`: spaCy's Cython Tokenizer
configured with the rule below, and a PhraseMatcher on LOWER); `analyse` (extract.document) reads
only the tokens' offsets, their lower-cased words, the sentence starts and the vocabulary matches,
which this module computes without spaCy, so a run of the extractor does not import it (spaCy's
import took 0.6 s of CPU at every start, a tenth of a run over 100 full texts).
tests/extract/test_lexer.py checks that both give the same tokens and matches.

- `tokenize(text)`: the text normalised one-for-one (hyphen, space and quote variants; offsets hold),
  then cut as spaCy's Tokenizer cuts it with our rule: every run of non-space characters into the
  tokens of TOKEN_RE (numbers "2.5" "1,000" ".0517", letter runs, abbreviations such as "e.g." and
  "vs." kept whole, any other single character); a run of white space is a token of its own, less
  the one " " that follows a token (spaCy keeps that as the token's trailing space).
- `sentence_starts`: a sentence starts at the first token, after a line break, and after ". ! ?"
  (and the white space after it) before a capital, a digit or a bracket.
- `VocabularyIndex`: every phrase of the rule files (extract/data/) by its tokens' lower-cased
  words, matched as spaCy's PhraseMatcher matches them: from each token, every phrase that starts
  there, shortest first. Where one phrase has several labels they come in alphabetical order
  (spaCy gives them in its hash table's order; they agree where one phrase has two labels of one
  kind, "phase 1" as SCREEN|clinical and SCREEN|human, the only case where the order is read).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from functools import lru_cache
from importlib import resources
from itertools import accumulate, compress
from operator import add
from typing import Any, NamedTuple

__all__ = ["ABBREVIATIONS", "MAX_LENGTH", "TOKEN_RE", "Lexed", "VocabularyIndex", "lex", "load_rules", "normalise",
           "patterns", "sentence_starts", "tokenize"]

# Tokenizer exceptions: kept as one token, period included (so they never end a sentence).
ABBREVIATIONS = ["e.g.", "i.e.", "vs.", "al.", "approx.", "fig.", "figs.", "no.", "nos.", "i.v.", "i.p.",
                 "i.a.", "s.c.", "n.s.", "ca.", "cf.", "resp.", "dr.", "mr.", "mrs.", "st.", "etc.", "p.o.", "c.i."]
_ABBR = "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
_TOKEN_BRANCHES = (
    rf"(?i:(?<![^\W_])(?=[a-z]{{1,6}}\.)(?:{_ABBR})(?![^\W_]))"  # abbreviations, not inside a word
    r"|\d+(?:[.,]\d+)*"                        # 2.5  1,000  1.0
    r"|(?<![\w.])\.\d+"                        # .0517
    r"|[^\W\d_]+"                              # letter runs (Greek included)
    r"|\S"                                     # any other single character
)
TOKEN_RE = re.compile(_TOKEN_BRANCHES)
# TOKEN_RE's tokens and the white-space tokens in one scan: TOKEN_RE matches every non-space
# character and never crosses a space, so over the whole text it gives what it gives over each run
# of non-space characters (its look-arounds see a space or an end of text alike). A white-space run
# after a token is a token less its first character where that is " " (the second branch starts
# after it; a lone " " is no token), a run at the start of the text is a token whole.
#
# The scan reads them with findall, as strings, which costs less than a match object per token:
# each match is a token (group 1) and the one " " after it (group 2), so the matches cover the text
# without a gap and a token starts where the matches before it end. A match begins only where one
# ended, so its whitespace branch begins only where a whitespace token does and takes the whole run
# (the " " after a token is in group 2). A letter run not followed by "." is tried first: no
# abbreviation begins there (each is a run of at most 6 letters and a "."), so the branches after it
# would give the same run.
_ALL_TOKENS = re.compile(r"([^\W\d_]++(?!\.)|" + _TOKEN_BRANCHES + r"|\s+)( ?)")
# One-for-one replacements (the text keeps its length, so offsets stay valid).
_SAME_LENGTH = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\ufe63": "-", "\uff0d": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "\u2002": " ", "\u2003": " ", "\u2007": " ", "\u2008": " ", "\u200a": " ", "\u2005": " ",
    "\u2019": "'", "\u2018": "'", "\u00b4": "'", "\u2032": "'",
})
_TO_NORMALISE = re.compile("[" + re.escape("".join(map(chr, _SAME_LENGTH))) + "]")
_NEWLINE_RUN = re.compile(r"\n\s*")
MAX_LENGTH = 1_000_000  # spaCy's Language.max_length: a longer text goes to spaCy for its error
_SIGMA = "\u03a3"  # the one letter whose lower case depends on its neighbours (final sigma)


def normalise(text: str) -> str:
    """Same-length normalisation of hyphens, spaces and quotes (offsets are preserved)."""
    # a substitution at each of the few matches: str.translate looks up every character (7x slower)
    return _TO_NORMALISE.sub(_normalised, text)


def _normalised(m: re.Match[str]) -> str:
    return _SAME_LENGTH[ord(m.group())]


def tokenize(norm: str) -> tuple[list[int], list[int]]:
    """(start, length) of each token of a normalised text (see the module docstring), as two lists."""
    starts, lengths, _ = _tokens(norm)
    return starts, lengths


def _tokens(norm: str) -> tuple[list[int], list[int], tuple[str, ...]]:
    """(starts, lengths, tokens) of a normalised text, from one findall (map and accumulate: no Python
    step per token)."""
    pairs = _ALL_TOKENS.findall(norm)
    if not pairs:
        return [], [], ()
    tokens, spaces = zip(*pairs)
    lengths = list(map(len, tokens))
    starts = [0, *accumulate(map(add, lengths, map(len, spaces)))]
    starts.pop()
    return starts, lengths, tokens


def sentence_starts(words: list[str], char_starts: list[int], norm: str) -> list[int]:
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


def lower_words(norm: str, char_starts: list[int], lengths: list[int]) -> list[str]:
    """Each token lower-cased (one slice of the lower-cased text per token where lower-casing keeps
    the length: "İ" lower-cases to two characters)."""
    lower = norm.lower()
    if len(lower) == len(norm):
        return [lower[s:s + k] for s, k in zip(char_starts, lengths)]
    return [norm[s:s + k].lower() for s, k in zip(char_starts, lengths)]


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


def patterns() -> list[dict[str, Any]]:
    """Every phrase of the rule files with its label ("MEASURE|DAS28", "SOURCE|bone marrow",
    "ROUTE|intravenous|3", "SCREEN|animal", "ANCHOR|person")."""
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


class Lexed(NamedTuple):
    """A text's tokens (lower-cased words, character starts, lengths), the character offsets where
    its sentences start, and its vocabulary matches (label, start token, end token)."""

    words: list[str]
    starts: list[int]
    lengths: list[int]
    sentence_starts: list[int]
    matches: list[tuple[str, int, int]]


_END = ""  # the trie key under which a node keeps the labels of the phrases that end there (no token is "")


class VocabularyIndex:
    """Every phrase of the rule files as a trie of its tokens' lower-cased words."""

    def __init__(self, pats: list[dict[str, Any]]) -> None:
        labels: dict[tuple[str, ...], set[str]] = {}
        for pat in pats:
            norm = normalise(pat["pattern"])
            starts, lengths = tokenize(norm)
            key = tuple(norm[s:s + k].lower() for s, k in zip(starts, lengths))
            if key:
                labels.setdefault(key, set()).add(pat["label"])
        self.trie: dict[str, Any] = {}
        for key, names in labels.items():
            node = self.trie
            for word in key:
                node = node.setdefault(word, {})
            node[_END] = sorted(names)

    def matches(self, words: list[str]) -> list[tuple[str, int, int]]:
        """(label, start, end) of every phrase in `words`: by start, then by end, then by label."""
        out: list[tuple[str, int, int]] = []
        append = out.append
        n = len(words)
        first = list(map(self.trie.get, words))  # the node each token starts, found in C
        for i in compress(range(n), first):  # the few tokens that start a phrase
            node = first[i]
            j = i + 1
            while True:
                ends = node.get(_END)
                if ends is not None:
                    if len(ends) == 1:  # most phrases have one label
                        append((ends[0], i, j))
                    else:
                        out.extend([(label, i, j) for label in ends])
                    if len(node) == 1:  # no longer phrase goes on from here
                        break
                if j == n:
                    break
                node = node.get(words[j])
                if node is None:
                    break
                j += 1
        return out


@lru_cache(maxsize=None)
def vocabulary_index() -> VocabularyIndex:
    """The index of the rule files' phrases (built once per process)."""
    return VocabularyIndex(patterns())


def lex(text: str) -> Lexed:
    """The tokens, sentence starts and vocabulary matches of `text` (see the module docstring)."""
    norm = normalise(text)
    starts, lengths, tokens = _tokens(norm)
    if not starts:
        return Lexed([], [], [], [], [])
    # each token's own lower case is the slice of the lower-cased text (lower_words) but at a capital
    # sigma ("Σ" lower-cases to "ς" at the end of a word, which a token's end need not be)
    keys = list(map(str.lower, tokens))
    words = keys if _SIGMA not in norm else lower_words(norm, starts, lengths)
    sent_idx = sentence_starts(words, starts, norm)
    # the phrases are matched on each token's own lower case (as spaCy's LOWER)
    return Lexed(words, starts, lengths, [starts[i] for i in sent_idx], vocabulary_index().matches(keys))
