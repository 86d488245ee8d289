"""Faster paths (token-guided scans, fast starts, str.rfind walks) give what the plain ones give (the speed
pass keeps every output)."""
from __future__ import annotations

import json
import re
import string
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import quantities as q
from extract.document import analyse
from extract.lexer import lex

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "extract"


def _guided(text: str) -> list[q.Timepoint]:
    lexed = lex(text)
    return q.find_timepoints(text, (lexed.words, lexed.starts))


TIMEPOINT_PIECES = [
    "six", "Six", "SIX", "ſix", "sıx", "SİX", "week", "Week", "weeK", "weeks", "WEEKS", "wk", "wks", "Wk", "month",
    "months", "mon\u00adths", "mon\u200bths", "year", "years", "day", "days", "hour", "hours", "h", "d", "y",
    "baseline", "Baseline", "BASELINE", "baselines", "twenty", "twenty-four", "one hundred and two", "thousand",
    "fifteen", "fourty", "zero", "1", "12", "2.5", "1,000", ".5", "-", "–", "−", " ", "  ", "\n", "\u00a0", ",", ".",
    "(", ")", "/", "to", "and", "or", "of", "at", "after", "aged", "every", "per", "old", "ago", "%", "patients",
    "&nbsp;", "&lt;", "&amp;", "Ã—", "Â±", "âˆ’", "²", "⁶", "×", "±", "x", "10", "_", "3weeks", "week12", "é", "Σ",
    "e.g.", "vs.", "i.v.", "n.s.", "?", "+/-", "≦",
]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(TIMEPOINT_PIECES), max_size=14).map("".join))
def test_timepoints_found_at_the_tokens_agree_with_the_plain_scan(text: str) -> None:
    assert _guided(text) == q.find_timepoints(text)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(TIMEPOINT_PIECES), st.sampled_from([" ", " ", "", "-", ", "])),
                max_size=14).map(lambda parts: "".join(p + g for p, g in parts)))
def test_timepoints_found_at_the_tokens_agree_in_spaced_text(text: str) -> None:
    assert _guided(text) == q.find_timepoints(text)


def test_timepoints_of_the_development_abstracts_agree() -> None:
    for name in ("abstracts_dev.json", "abstracts_numbers_dev.json"):
        for record in json.loads((FIXTURES / name).read_text("utf-8")):
            for text in (record.get("title") or "", record.get("abstract") or ""):
                assert _guided(text) == q.find_timepoints(text)
                assert analyse(text, "abstract").timepoints == tuple(q.find_timepoints(text))


def test_only_the_folded_letters_match_an_ascii_letter_that_lower_does_not_give() -> None:
    # a word a case-insensitive pattern matches is found by its lower-cased token, except where the
    # text has one of _FOLDED_LETTERS (then the plain scan is used)
    for ch in map(chr, range(sys.maxunicode + 1)):
        if ch.isascii() or not re.fullmatch(r"(?i:[a-z])", ch):
            continue
        assert (ch.lower() in string.ascii_lowercase) or ch in q._FOLDED_LETTERS, repr(ch)


PCT_PIECES = ["12", "7.5", ".5", "1,000", "-", "- ", "−", "%", " %", "(", ")", " (", "SD", "SD:", "SD =", "sd", " ",
              "\n", "a", "_", ".", ",", "^", "/", "٣", "²", "x", "±"]
_PLAIN_PCT_MEAN_SD = re.compile(rf"(?<![\w.,^/-])(?P<m>{q.SNUM})\s?%\s?\(\s?(?:SD\s?[:=]?\s?)?(?P<s2>{q.NUM})\s?\)")


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(PCT_PIECES), max_size=16).map("".join))
def test_percentage_mean_sd_fast_start_gives_the_plain_matches(text: str) -> None:
    def spans(pattern: re.Pattern[str]) -> list[tuple[int, int, str, str]]:
        return [(m.start(), m.end(), m.group("m"), m.group("s2")) for m in pattern.finditer(text)]

    assert spans(q._PCT_MEAN_SD_RE) == spans(_PLAIN_PCT_MEAN_SD)


def test_the_scans_made_fast_have_a_fast_start() -> None:
    from extract.fastre import has_fast_start

    assert has_fast_start(q._PCT_MEAN_SD_RE) and has_fast_start(q._CLEAN_FIRST_RE)
    assert not has_fast_start(q._CLEAN_RE)  # why _clean_matches finds its first characters itself


@settings(max_examples=4000, deadline=None)
@given(st.text(alphabet="abcABC12-/+ _İıſK", max_size=4),
       st.lists(st.text(alphabet="abcABC12-/+ _İıſKé", max_size=7), min_size=1, max_size=6))
def test_long_form_by_rfind_agrees_with_the_character_walk(short: str, words: list[str]) -> None:
    from extract.abbreviations import _long_form, _walk

    letters = [ch.lower() for ch in short if ch.isalnum()]
    expected = _walk(" ".join(words), letters) if letters and letters[0].isalpha() else None
    assert _long_form(short, words) == expected


def test_fold_lower_without_its_translate_agrees_over_all_of_unicode() -> None:
    from extract.fastre import _IGNORECASE_FOLDS, fold_lower

    for ch in map(chr, range(sys.maxunicode + 1)):
        text = f"a{ch}b"
        assert fold_lower(text) == text.lower().translate(_IGNORECASE_FOLDS), repr(ch)


CLEAN_PIECES = ["1", "10", " ", "x", "X", "*", "✕", "∗", "?", "·", "&lt;", "&times;", "&amp;", "&nbsp;", "&", "lt;",
                "+/-", "+ / −", "+-", "+", "-", "−", "–", "‐", "\u00a0", "\u2009", "\u200b", "\u00ad", "⁶", "⁻", "¹⁰",
                "Ã—", "Â±", "âˆ’", "â€“", "Â\u00a0", "≦", "⩾", "e", "^", "(", "7", ".5", "a"]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(CLEAN_PIECES), max_size=16).map("".join))
def test_clean_matches_are_the_pattern_s_finditer(text: str) -> None:
    assert [(m.span(), m.lastgroup) for m in q._clean_matches(text)] == \
        [(m.span(), m.lastgroup) for m in q._CLEAN_RE.finditer(text)]


ITEM_PIECES = ["pain", "Pain", "physical function", "stiffness", "and", " and ", ", ", "; ", " ", "  ", "\n", "\t",
               "(", ")", "(-5.2 vs. -3.3, p = 0.003)", "(p<0.01)", "(P value 0.2)", "(n = 20)", "(p", "p = 0.04)",
               "(12%)", "for", "IL-6", "A/B", "x+y", "’s", "1", "é", "_", "a" * 30, "b" * 40]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(ITEM_PIECES), max_size=14).map("".join))
def test_outcome_items_found_at_their_brackets_are_the_pattern_s_finditer(text: str) -> None:
    from extract import comparisons

    assert [m.span() for m in comparisons._items(text)] == [m.span() for m in comparisons._ITEM.finditer(text)]


_PLAIN_OUTCOME_PATTERNS = [re.compile(p, re.I) for p in (
    r"\b(?:differences?|changes?|reductions?|increases?|improvements?|decreases?|effects?|declines?|gains?)\s+(?:in|of|on|for)"
    r"\s+(?:the\s+)?(?P<o>[^,;()\[\]]{3,90}?)\s+(?:between|among|across|in\s+(?:the|both|all|patients|subjects)|with|was|"
    r"were|at|after|during|from|compared|versus|vs|than|for|by|\(|$)",
    r"\b(?:reduced|increased|improved|lowered|decreased|raised|shortened|prolonged|lengthened)\s+(?:the\s+)?"
    r"(?P<o>[^,;()\[\]]{3,90}?)\s+(?:in|than|compared|versus|vs|among|by|at|after|from|relative|when|\()")]
OUTCOME_PIECES = ["difference", "Differences", "DIFFERENCE", "dıfference", "change", "changes", "reduction",
                  "increaſe", "improvements", "effect", "declines", "gains", "reduced", "Increased", "İmproved",
                  "lowered", "raised", "shortened", "prolonged", "lengthened", " in ", " of ", " on ", " for ", " the ",
                  "pain", "HbA1c", " between ", " with ", " was ", " than ", " (", ",", "_", "x", "1", " ", "\n", "K",
                  "groups", "é"]


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(OUTCOME_PIECES), max_size=14).map("".join))
def test_outcome_patterns_with_a_fast_start_give_the_plain_matches(text: str) -> None:
    from extract import comparisons
    from extract.fastre import has_fast_start

    for fast, plain in zip(comparisons._OUTCOME_PATTERNS, _PLAIN_OUTCOME_PATTERNS):
        assert has_fast_start(fast)
        assert [(m.span(), m.group("o")) for m in fast.finditer(text)] == \
            [(m.span(), m.group("o")) for m in plain.finditer(text)]
