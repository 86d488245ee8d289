"""Abbreviations a text defines: "treatment group (TG)", "surgical site infections (SSIs)".

The long form is found as in Schwartz & Hearst (2003), "A simple algorithm for identifying
abbreviation definitions in biomedical text" (PSB 2003): the short form is a bracketed word of 2-10
characters with a capital letter; the long form is the shortest run of the words before the
bracket (at most min(len + 5, 2 * len) words) whose characters contain the short form's letters in
order, the first letter starting a word.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["abbreviations"]

_SHORT = re.compile(r"\((?P<s>[A-Za-z][\w+/-]{0,9}?)s?\)")
_WORD = re.compile(r"[\w+/-]+")


def _long_form(short: str, words: list[str]) -> str | None:
    """Schwartz & Hearst's match of `short` against the words before it (nearest last)."""
    letters = [ch.lower() for ch in short if ch.isalnum()]
    if not letters or not letters[0].isalpha():
        return None
    text = " ".join(words)
    if text.isascii() and short.isascii():
        return _walk_by_rfind(text, letters)
    return _walk(text, letters)


def _walk(text: str, letters: list[str]) -> str | None:
    """The long form's start found by walking `text` back one character at a time: each of
    `letters` (lower-cased, last first) in order, the first one starting a word."""
    s, li = len(text) - 1, len(letters) - 1
    while li >= 0:
        ch = letters[li]
        while s >= 0 and (text[s].lower() != ch or (li == 0 and s > 0 and text[s - 1].isalnum())):
            s -= 1
        if s < 0:
            return None
        s -= 1
        li -= 1
    return text[text.rfind(" ", 0, s + 1) + 1:]


def _walk_by_rfind(text: str, letters: list[str]) -> str | None:
    """_walk by str.rfind over the lower-cased text: the same result where lower-casing keeps one
    character per character (ASCII)."""
    low = text.lower()
    s, li = len(text) - 1, len(letters) - 1
    while li >= 0:
        ch = letters[li]
        s = low.rfind(ch, 0, s + 1)
        while li == 0 and s > 0 and text[s - 1].isalnum():
            s = low.rfind(ch, 0, s)
        if s < 0:
            return None
        s -= 1
        li -= 1
    return text[text.rfind(" ", 0, s + 1) + 1:]


_CLAUSE_PUNCTUATION = re.compile(r"[.;:()\[\]]")


@lru_cache(maxsize=256)
def abbreviations(text: str) -> dict[str, str]:
    """Short form -> long form ("TG" -> "treatment group"; "AEs" and "AE" both given)."""
    out: dict[str, str] = {}
    if "(" not in text:
        return out
    for m in _SHORT.finditer(text):
        short = m.group("s")
        if not any(ch.isupper() for ch in short) or len(short) < 2:
            continue
        before = text[max(0, m.start() - 120):m.start()]
        before = _CLAUSE_PUNCTUATION.split(before)[-1]
        words = _WORD.findall(before)
        n = min(len(short) + 5, 2 * len(short))
        words = words[-n:]
        if not words:
            continue
        long = _long_form(short, words)
        if long and len(long) > len(short) and long.lower() != short.lower():
            out.setdefault(short, long)
            full = m.group(0)[1:-1]
            out.setdefault(full, long)
    return out
