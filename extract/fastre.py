"""Regex fragments that let Python's `re` skip ordinary text quickly.

CPython's regex engine scans for the start of a match with a tight C loop only when the pattern
begins with a literal or with a set of characters that are not case-folded
(`re._compiler._get_charset_prefix`): `[0-9.-]...`, or `[pPsS]...` compiled without IGNORECASE.
A pattern that begins with `\\b`, a lookbehind, a lookahead, or a cased letter under IGNORECASE
is instead tried at every position of the text, which on a trial abstract is 2-4 times slower.
The fragments here keep a pattern's meaning and give it such a start:

- `words(["patients?", "subjects?"])` -> `[PpSs](?<![^\\W_].)(?i:(?<=p)(?:atients?)|(?<=s)(?:ubjects?))`:
  the first letter (both cases) is consumed by a character set, a lookbehind checks that it
  starts a word, and a lookbehind on the consumed letter picks the alternatives that begin with it.
- `snum_led()` (a signed number) and `num_led()` (an unsigned one): the same numbers as
  quantities.SNUM / NUM, written to begin with the set `[-.0-9]` / `[.0-9]`.

A fragment must come first in its pattern (inside groups is fine) and the pattern must not use
re.IGNORECASE at the top level (`(?i:...)` inside is fine); tests/extract/test_fastre.py checks
each hot pattern with the compiler's own prefix analysis.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["NUM", "NUM_TAIL", "has_fast_start", "num_led", "snum_led", "words"]

# quantities.NUM: "1,000", "2.5", "12", ".5"
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# NUM after its first character when that was a digit
NUM_TAIL = r"(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"


def _num_led(first: str, not_after: str | None, signed: bool) -> str:
    guard = f"(?<!{not_after}.)" if not_after else ""
    minus = rf"(?<=-)\s?{NUM}|" if signed else ""
    return rf"{first}{guard}(?:{minus}(?<=\.)\d+|(?<=\d){NUM_TAIL})"


def num_led(not_after: str | None = None) -> str:
    """NUM beginning with the set [.0-9]; `not_after` is a character class the character before
    the number must not be (the `(?<!...)` guard of the pattern it replaces), e.g. r"[\\w.,/-]"."""
    return _num_led(r"[.0-9]", not_after, signed=False)


def snum_led(not_after: str | None = None) -> str:
    """quantities.SNUM ("-" then an optional space, then NUM) beginning with the set [-.0-9]."""
    return _num_led(r"[-.0-9]", not_after, signed=True)


def words(alternatives: Iterable[str], not_after: str | None = r"[^\W_]") -> str:
    """A case-insensitive alternation of regex fragments, each beginning with an ASCII letter,
    that starts with a character set. `not_after` is the class the character before the match
    must not be (default: a letter or digit, as `\\b` before a word); None for no check."""
    by_first: dict[str, list[str]] = {}
    for alt in alternatives:
        first = alt[:1]
        if not (first.isascii() and first.isalpha()):
            raise ValueError(f"fastre.words: {alt!r} must begin with an ASCII letter")
        by_first.setdefault(first.lower(), []).append(alt[1:])
    letters = "".join(ch + ch.upper() for ch in sorted(by_first))
    guard = f"(?<!{not_after}.)" if not_after else ""
    branches = "|".join(f"(?<={ch})(?:{'|'.join(rests)})" for ch, rests in sorted(by_first.items()))
    return f"[{letters}]{guard}(?i:{branches})"


def has_fast_start(pattern: re.Pattern[str]) -> bool:
    """Whether the compiler gives `pattern` a literal or character-set start (uses CPython's
    private re._parser/re._compiler; True where they are not available)."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - other Pythons
        return True
    parsed = _parser.parse(pattern.pattern, pattern.flags)
    flags = parsed.state.flags
    if parsed.getwidth()[0] == 0:  # a pattern that can match nothing gets no start
        return False
    prefix, _, _ = _compiler._get_literal_prefix(parsed, flags)
    return bool(prefix) or bool(_compiler._get_charset_prefix(parsed, flags))
