"""Whether a passage states a between-group result: the test the comparison finder
(extract.comparisons) and the prompt ranker (extract.ranking) share.

A sentence is one when it states a result (a P value, a confidence interval or a significance
word: "significantly", "did not differ", "similar") and compares groups ("than", "compared with",
"versus", "between the groups", "difference"), not only an arm with its own baseline ("decreased
from baseline", "within the group"). A table row is one when its table has a P-value or difference
column with a value in that row, and the table is not a baseline-characteristics table.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extract.comparison_cues import intervals, normalise, p_values, significance_cues
from extract.fastre import fold_lower, words as fast_words
from extract.passages import Passage

__all__ = ["P_COLUMN", "is_comparison"]

_BETWEEN = re.compile(fast_words(["than", "compared (?:with|to)", "in comparison (?:with|to)", "versus", r"vs\.?",
                                  "relative to", r"between(?: the)?(?: two| three| treatment| study)? (?:groups|arms)",
                                  "between[- ]group", r"differ(?:ed|ence|ences)?\b", "over placebo", "against"]))
# Every _BETWEEN alternative holds one of the words _may_compare looks for: a text without any of
# them (fastre.fold_lower) has no comparing words, and the substring tests cost a third of the
# pattern's scan. tests/extract/test_speed_paths.py checks that no _BETWEEN match escapes them.
def _may_compare(text: str) -> bool:
    """False where `_BETWEEN` cannot match `text` (True does not say it does)."""
    low = fold_lower(text)
    # one `in` per word, not any() over a tuple: a generator costs as much as the tests
    return ("than" in low or "compar" in low or "versus" in low or "vs" in low or "between" in low
            or "differ" in low or "relative to" in low or "over placebo" in low or "against" in low)


_WITHIN_ONLY = re.compile(r"\b(?:from baseline|compared (?:with|to) baseline|versus baseline|vs\.? baseline|"
                          r"within(?:[- ]group| each group| both groups| the group)|before and after|pre- to post|"
                          r"than (?:at )?baseline|than before)\b", re.I)
P_COLUMN = re.compile(r"(?:^|[\s(/])p(?:[\s-]*values?)?\b|significance|\bdifference\b|\b(?:MD|OR|RR|HR)\b", re.I)
_BASELINE_TABLE = re.compile(r"\bbaseline\b|\bcharacteristics\b|\bdemographic", re.I)


def _has_result(text: str) -> bool:
    return bool(p_values(text) or intervals(text) or
                any(c[0] in ("sig", "nonsig") for c in significance_cues(text)))


@lru_cache(maxsize=64)
def _result_columns(context: str, columns: tuple[str, ...]) -> tuple[int, ...] | None:
    """The P-value or difference columns (not the first) of a table; None for a baseline table. The
    same for every row of a table: read once per table, not once per row."""
    if _BASELINE_TABLE.search(context):
        return None
    return tuple(col for col, label in enumerate(columns) if col and P_COLUMN.search(label))


def is_comparison(p: Passage) -> bool:
    """Whether the passage states a between-group result (see the module docstring)."""
    if p.kind == "row":
        if len(p.cells) < 3:
            return False
        result_columns = _result_columns(p.context, p.columns)
        if result_columns is None:
            return False  # a baseline table compares the groups before treatment
        return any(col < len(p.cells) and p.cells[col] for col in result_columns)
    text = normalise(p.text)
    # both tests are pure, so their order changes nothing but the cost: the comparing words (one
    # pattern with a fast start) are in a tenth of the sentences, the result words cost five times more
    if not _may_compare(text) or not _BETWEEN.search(text) or not _has_result(text):
        return False
    between = [m for m in _BETWEEN.finditer(text) if not _WITHIN_ONLY.search(text, max(0, m.start() - 5), m.end() + 15)]
    return bool(between)
