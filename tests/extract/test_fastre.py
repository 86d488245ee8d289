"""extract.fastre: fragments that match what the plain regexes match, and start fast."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import fastre
from extract.quantities import NUM, SNUM

WORDS = ["patients?", "subjects?", "individuals", "women", "men", "had\\s+been"]
alphabet = st.sampled_from(list("0123456789.,-− abcPpSsWwMm_/\nİıſ٣") + ["patients", "Subject", "women", "men",
                                                                         "had  been", "1,000", ".5", "- 3",
                                                                         "ſubjects", "İndividuals", "ındividuals"])
texts = st.lists(alphabet, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_words_matches_a_plain_case_insensitive_alternation(text: str) -> None:
    plain = re.compile(rf"\b(?:{'|'.join(WORDS)})\b", re.I)
    fast = re.compile(fastre.words(WORDS) + r"\b")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(texts)
def test_numbers_match_num_and_snum_behind_the_same_guard(text: str) -> None:
    guard = r"[\w.,/-]"
    for first, rest, plain in ((fastre.NUM_FIRST, fastre.NUM_REST, NUM), (fastre.SNUM_FIRST, fastre.SNUM_REST, SNUM)):
        expected = [m.span() for m in re.finditer(rf"(?<!{guard})(?:{plain})", text)]
        assert [m.span() for m in re.finditer(rf"{first}(?<!{guard}.){rest}", text)] == expected


def test_fragments_give_a_fast_start() -> None:
    assert fastre.has_fast_start(re.compile(fastre.words(WORDS)))
    assert fastre.has_fast_start(re.compile(rf"{fastre.NUM_FIRST}(?<![\w.].){fastre.NUM_REST}(?i:\s?percent)"))
    # under a top-level re.I the set's non-ASCII letters are case-folded: no fast start
    assert not fastre.has_fast_start(re.compile(rf"{fastre.NUM_FIRST}{fastre.NUM_REST}", re.I))
    assert fastre.has_fast_start(re.compile(rf"(?P<m>{fastre.SNUM_FIRST}{fastre.SNUM_REST})\s?±"))
    assert not fastre.has_fast_start(re.compile(r"\bpatients?", re.I))
    assert not fastre.has_fast_start(re.compile(fastre.words(WORDS), re.I))  # top-level re.I folds the set


def test_words_refuses_a_fragment_that_does_not_begin_with_a_letter() -> None:
    with pytest.raises(ValueError, match="must begin with an ASCII letter"):
        fastre.words(["(?:a|b)"])


def test_the_hot_patterns_start_fast() -> None:
    from extract import outcomes, quantities
    for pattern in (quantities.TIMEPOINT_RE, quantities.DOSE_COUNT_RE, quantities.MEAN_SD_RE, quantities.PERCENT_RE,
                    quantities.P_VALUE_RE, quantities.NEG_BEFORE_TP, outcomes.CLAUSE_SPLIT, outcomes.BASELINE_CUE,
                    outcomes.ZERO_RE, outcomes.ARM_IN_SENTENCE_RE, outcomes.OF_NUMBER):
        assert fastre.has_fast_start(pattern), pattern.pattern[:60]
