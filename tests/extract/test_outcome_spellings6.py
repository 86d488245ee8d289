"""Outcome rows on unseen trial abstracts (round 6): each test written from a spelling or a layout, with sentences
of our own."""
import pytest

from tests.extract.helpers import run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("sentence", [
    "There were no significant changes in CRP before and after treatment in the placebo group (11.9 ± 5.3 to 10.7 ± "
    "5.0, p = 0.62).",
    "CRP did not change in the placebo group (11.9 ± 5.3 to 10.7 ± 5.0 mg/L, p = 0.62).",
    "CRP did not change in the placebo group (11.9 ± 5.3 mg/L to 10.7 ± 5.0 mg/L; p = 0.62).",
])
def test_two_means_with_sds_joined_by_to_are_a_from_to_pair(sentence):
    # "(0.3 ± 0.8 to 0.5 ± 0.7, p = 0.62)": two means, each with its SD, joined by "to" are the level before and
    # after, even without "from" and after a change word (before: the first was read as the change, the second lost)
    ev = run(_DICLOFENAC + sentence, title="Diclofenac vs placebo")
    got = [(o.arm.split()[0], o.baseline_mean, o.baseline_sd, o.followup_mean, o.followup_sd, o.change_mean)
           for o in ev.outcomes if o.measure == "CRP"]
    assert got == [("placebo", 11.9, 5.3, 10.7, 5.0, None)]
