"""extract.fastre: fragments that match what the plain regexes match, and start fast."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import fastre
from extract.quantities import NUM, SNUM

WORDS = ["patients?", "subjects?", "individuals", "women", "men", "had\\s+been"]
alphabet = st.sampled_from(list("0123456789.,-− abcPpSsWwMm_/\n") + ["patients", "Subject", "women", "men",
                                                                     "had  been", "1,000", ".5", "- 3"])
texts = st.lists(alphabet, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_words_matches_a_plain_case_insensitive_alternation(text: str) -> None:
    plain = re.compile(rf"(?<![^\W_])(?:{'|'.join(WORDS)})\b", re.I)
    fast = re.compile(fastre.words(WORDS) + r"\b")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(texts)
def test_numbers_match_num_and_snum_behind_the_same_guard(text: str) -> None:
    guard = r"[\w.,/-]"
    for fragment, plain in ((fastre.num_led(guard), NUM), (fastre.snum_led(guard), SNUM)):
        expected = [m.span() for m in re.finditer(rf"(?<!{guard})(?:{plain})", text)]
        assert [m.span() for m in re.finditer(fragment, text)] == expected


def test_fragments_give_a_fast_start() -> None:
    assert fastre.has_fast_start(re.compile(fastre.words(WORDS)))
    assert fastre.has_fast_start(re.compile(fastre.num_led(r"[\w.]") + r"\s?%", re.I))
    assert fastre.has_fast_start(re.compile(rf"(?P<m>{fastre.snum_led()})\s?±"))
    assert not fastre.has_fast_start(re.compile(r"\bpatients?", re.I))
    assert not fastre.has_fast_start(re.compile(fastre.words(WORDS), re.I))  # top-level re.I folds the set


def test_words_refuses_a_fragment_that_does_not_begin_with_a_letter() -> None:
    with pytest.raises(ValueError, match="must begin with an ASCII letter"):
        fastre.words(["(?:a|b)"])
