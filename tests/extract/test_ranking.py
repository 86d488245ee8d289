"""The evidence ranker's features (extract.ranking): the outcome's time point."""
from __future__ import annotations

import pytest

from extract.passages import Passage
from extract.ranking import FEATURES, ArticleIndex, make_query, ranking_features, time_points


@pytest.mark.parametrize("text, points", [
    ("POCD at 12 weeks post-operatively", {(12.0, "w")}),
    ("At one week post-operatively", {(1.0, "w")}),
    ("VAS pain at 12, 24 and 48 hours", {(12.0, "h"), (24.0, "h"), (48.0, "h")}),
    ("the 6-month follow-up", {(6.0, "m")}),
    ("after 6 months (T1) and after 1 year (T2)", {(6.0, "m"), (1.0, "y")}),
    ("pain 30 min after surgery", {(30.0, "min")}),
    ("low disease activity at week 12", {(12.0, "w")}),
    ("on days 4 and 7", {(4.0, "d"), (7.0, "d")}),
    ("20 mg/kg of MSC", set()),
])
def test_time_point_spellings(text, points):
    assert time_points(text) == points


def passage(text: str, index: int = 0) -> Passage:
    return Passage(index, "sentence", "results", text, 0, len(text), "results")


def features(texts: list[str], outcome: str) -> list[dict[str, float]]:
    index = ArticleIndex([passage(t, i) for i, t in enumerate(texts)])
    X = ranking_features(index, make_query(outcome, "MSC", "placebo"))
    return [dict(zip(FEATURES, row)) for row in X]


def test_a_passage_at_the_outcomes_time_point_is_told_from_one_at_another():
    rows = features(["At 12 weeks the incidence of POCD was lower with MSC than with placebo (p = 0.02).",
                     "At one week the incidence of POCD was lower with MSC than with placebo (p = 0.01).",
                     "POCD was lower with MSC than with placebo (p = 0.01)."], "POCD at 12 weeks")
    assert [row["time:match"] for row in rows] == [1.0, 0.0, 0.0]


def test_an_outcome_without_a_time_point_gives_no_time_features():
    rows = features(["At 12 weeks POCD was lower with MSC than with placebo (p = 0.02)."], "POCD")
    assert rows[0]["time:match"] == 0.0
