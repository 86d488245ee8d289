"""Direction cue words (extract/data/directions.json), shared by the measure finder and the
outcome reader: a token is a cue when its lower-case form starts with one of a kind's prefixes.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extract.fastre import words
from extract.lexer import load_rules

__all__ = ["cue_kind", "cue_re", "no_change_phrases"]


@lru_cache(maxsize=1)
def _cues() -> dict[str, list[str]]:
    d = load_rules("directions")
    return {k: d[k] for k in ("decrease", "increase", "improve", "worsen")}


@lru_cache(maxsize=65536)
def cue_kind(token: str) -> str | None:
    """The direction cue a token is ("decrease", "increase", "improve", "worsen") or None."""
    for kind, prefixes in _cues().items():
        for p in prefixes:
            if token.startswith(p):
                return kind
    return None


@lru_cache(maxsize=1)
def no_change_phrases() -> tuple[str, ...]:
    """The "no change" phrases a clause is tested for: without "but not ..." (an arm's contrast)
    and without those containing a shorter one ("no changes": "no change")."""
    phrases = [p for p in load_rules("directions")["no_change"] if not p.startswith("but not")]
    return tuple(p for p in phrases if not any(q != p and q in p for q in phrases))


@lru_cache(maxsize=1)
def cue_re() -> re.Pattern[str]:
    """A pattern for the start of any cue word (a fast start: fastre.words), for a quick test of a text."""
    prefixes = sorted({p for ps in _cues().values() for p in ps if p[:1].isalpha()})
    return re.compile(words([re.escape(p) for p in prefixes]))
