"""Regex fragments that let Python's `re` skip ordinary text quickly.

CPython's regex engine scans for the start of a match with a tight C loop only when the pattern
begins with a literal or with a set of characters that are not case-folded
(`re._compiler._get_charset_prefix`): `[0-9.-]...`, or `[pPsS]...` compiled without IGNORECASE.
A pattern that begins with `\\b`, a lookbehind, a lookahead, or a cased letter under IGNORECASE
is instead tried at every position of the text, which on a trial abstract is 2-4 times slower.
The fragments here keep a pattern's meaning and give it such a start:

- `words(["patients?", "subjects?"])` -> `[PpSsſ](?<!\\w.)(?i:(?<=p)(?:atients?)|(?<=s)(?:ubjects?))`:
  the first letter (both cases, and the letters IGNORECASE folds to it) is consumed by a character
  set, a lookbehind checks that it starts a word, and a lookbehind on the consumed letter picks the
  alternatives that begin with it.
- NUM_FIRST + NUM_REST (an unsigned number) and SNUM_FIRST + SNUM_REST (a signed one): NUM and
  quantities.SNUM split after their first character.

A fragment must come first in its pattern (inside groups is fine) and the pattern must not use
re.IGNORECASE at the top level (`(?i:...)` inside is fine); tests/extract/test_fastre.py checks
each hot pattern with the compiler's own prefix analysis.
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["NUM", "NUM_FIRST", "NUM_REST", "NUM_TAIL", "SNUM_FIRST", "SNUM_REST", "fold_lower", "has_fast_start",
           "words"]

# quantities.NUM: "1,000", "2.5", "12", ".5"
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# NUM after its first character when that was a digit
NUM_TAIL = r"(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?)"
# NUM and SNUM ("-", an optional space, NUM) split after their first character: a pattern begins
# with NUM_FIRST / SNUM_FIRST (a set: a fast start), puts its "(?<![...])" guard behind it as
# "(?<![...].)", and goes on with NUM_REST / SNUM_REST. The sets take every character from U+0660
# (the first non-ASCII digit) up, because NUM's \d matches other scripts' digits too; the
# lookbehinds in NUM_REST turn away what is not a digit or "." (a set with \d in it scans slower).
NUM_FIRST = r"[.0-9\u0660-\U0010ffff]"
SNUM_FIRST = r"[-.0-9\u0660-\U0010ffff]"
NUM_REST = rf"(?:(?<=\.)\d+|(?<=\d){NUM_TAIL})"
SNUM_REST = rf"(?:(?<=-)\s?{NUM}|{NUM_REST})"
# letters that re.IGNORECASE also matches to an ASCII letter: "İ"/"ı" to i, "ſ" to s, the Kelvin sign to k
_FOLDS_TO = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def words(alternatives: Iterable[str], not_after: str | None = r"\w") -> str:
    """A case-insensitive alternation of regex fragments, each beginning with an ASCII letter,
    that starts with a character set. `not_after` is the class the character before the match
    must not be (default: a word character, as `\\b` before a word); None for no check."""
    by_first: dict[str, list[str]] = {}
    for alt in alternatives:
        first = alt[:1]
        if not (first.isascii() and first.isalpha()):
            raise ValueError(f"fastre.words: {alt!r} must begin with an ASCII letter")
        by_first.setdefault(first.lower(), []).append(alt[1:])
    letters = "".join(ch + ch.upper() + _FOLDS_TO.get(ch, "") for ch in sorted(by_first))
    guard = f"(?<!{not_after}.)" if not_after else ""
    branches = "|".join(f"(?<={ch})(?:{'|'.join(rests)})" for ch, rests in sorted(by_first.items()))
    return f"[{letters}]{guard}(?i:{branches})"


# str.lower() keeps "ſ" and "ı" and lowers "İ" to "i" + U+0307; re.IGNORECASE matches all three to
# an ASCII letter (the Kelvin sign lowers to "k" on its own)
_IGNORECASE_FOLDS = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0307": None})


def fold_lower(text: str) -> str:
    """`text` lower-cased, with the letters re.IGNORECASE matches to ASCII letters turned into them:
    a word a case-insensitive match holds (ASCII letters and spaces) is a substring of it, so a
    substring test can stand before a pattern's scan (False there: the pattern cannot match)."""
    low = text.lower()
    if low.isascii() or ("\u017f" not in low and "\u0131" not in low and "\u0307" not in low):
        return low  # nothing to fold (str.translate looks up every character: a non-ASCII text costs 10x more)
    return low.translate(_IGNORECASE_FOLDS)


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
