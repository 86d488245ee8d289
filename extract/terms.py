"""Words for matching a prompt's outcome, intervention and comparator against an article's passages.

`words(text)` lower-cases and cuts a text into alphanumeric tokens (the tokens the Evidence
Inference scorer counts); `stem(word)` is a crude suffix stripper that lets "gametocytes" meet
"gametocyte" and "reduction" meet "reduced"; `content_stems(text)` drops stop words and bare
numbers. `abbreviations(text)` reads the "long form (LF)" definitions of an article, so that a
prompt naming "continuous lateral rotation" also finds the sentences that say "CLR".
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["STOP_WORDS", "abbreviations", "content_stems", "stem", "words"]

_TOKEN = re.compile(r"[^\W_]+")

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having
he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
once only or other our ours out over own same she should so some such than that the their theirs them then
there these they this those through to too under until up very was we were what when where which while who
whom why will with would you your per versus vs via within without among whether either respectively
group groups arm arms patient patients subject subjects participant participants individuals people
receiving received receive treated treatment treatments given plus alone using use used compared
""".split())

_SUFFIXES = ("ations", "ation", "ities", "ity", "ments", "ment", "ness", "ings", "ing", "ies", "ied",
             "ions", "ion", "ers", "er", "ed", "s", "ly", "al")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem: a common suffix removed (keeping at least 4 letters), then at most 7 letters."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:7]


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens of `text`."""
    return _TOKEN.findall(text.lower())


def content_stems(text: str) -> list[str]:
    """Stems of the words of `text` that are not stop words or bare numbers, in order."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS and not w.isdigit()]


_DEFINITION = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9\-/]{1,11})\s*[);,]")


def abbreviations(text: str) -> dict[str, tuple[str, ...]]:
    """Abbreviation (lower-cased) -> the content stems of its long form, from "long form (LF)".

    The long form is the run of words before the bracket whose first letters spell the
    abbreviation's first letter and cover as many words as it has letters (at most 8): a
    Schwartz-Hearst style match, kept simple.
    """
    out: dict[str, tuple[str, ...]] = {}
    for m in _DEFINITION.finditer(text):
        abbr = m.group(1)
        if not any(c.isupper() for c in abbr) or abbr.lower() in out:
            continue
        letters = [c.lower() for c in abbr if c.isalpha()]
        if len(letters) < 2:
            continue
        before = words(text[max(0, m.start() - 120):m.start()])
        if not before:
            continue
        n = min(len(letters), 8)
        window = before[-(n + 2):]
        # the long form starts at the last word (within the window) beginning with the first letter
        first = next((i for i in range(len(window) - 1, -1, -1) if window[i].startswith(letters[0])), None)
        if first is None or len(window) - first > n + 1:
            continue
        long_form = [w for w in window[first:] if w not in STOP_WORDS and not w.isdigit()]
        if long_form:
            out[abbr.lower()] = tuple(stem(w) for w in long_form)
    return out
