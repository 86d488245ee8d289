"""Outcome rows on unseen trial abstracts (round 7): each test written from a spelling or a layout, with sentences
of our own in the style of MSC-for-RA trial reports."""
import pytest

from extract.quantities import find_mean_sd
from tests.extract.helpers import run

_MSC_CONTROL = "Methods: Sixty patients with RA were randomised to UC-MSC (n = 30) or control (n = 30). Results: "


@pytest.mark.parametrize("text, mean, sd", [("5.9 [0.8]", 5.9, 0.8), ("-2.1 [1.1]", -2.1, 1.1),
                                            ("41.9 [SD 17.7]", 41.9, 17.7)])
def test_a_number_with_a_square_bracketed_sd_is_a_mean_and_its_sd(text, mean, sd):
    assert [(m.mean, m.sd, m.kind) for m in find_mean_sd(text)] == [(mean, sd, "mean (sd)")]


@pytest.mark.parametrize("text", ["12 [40%]", "reported in [12]", "5.9 [4.1-6.3]"])
def test_square_brackets_that_are_not_an_sd_stay_what_they_were(text):
    assert all(m.kind != "mean (sd)" for m in find_mean_sd(text))


def test_mean_sd_in_square_brackets_gives_each_arm_its_mean():
    ev = run(_MSC_CONTROL + "Baseline DAS28 (mean [SD]) was 5.9 [0.8] in the UC-MSC group and 5.8 [0.9] in the "
             "control group.")
    assert [(o.arm, o.baseline_mean, o.baseline_sd) for o in ev.outcomes] == [
        ("UC-MSC", 5.9, 0.8), ("control", 5.8, 0.9)]
