"""Outcome rows on unseen trial abstracts (round 5, kinds ranked by how often they leave a results
value unused over the training abstracts): each test written from a spelling or a layout, with
sentences of our own."""
import pytest

from tests.extract.helpers import run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("threshold", ["≥1", "≥ 1", "at least one", "≥2"])
def test_a_share_of_people_with_a_threshold_before_the_event_is_one_measure(threshold):
    # "The percentage of patients with ≥1 exacerbation was reduced (X 9.5%; placebo 17.9%)": the count threshold
    # belongs to the measure's name; it neither ends the name nor is a value
    ev = run(_DICLOFENAC + f"The percentage of patients with {threshold} flare was reduced (diclofenac 9.5%; "
             "placebo 17.9%; p = 0.015).", title="Diclofenac vs placebo")
    got = sorted((o.arm, o.percent_responders) for o in ev.outcomes if o.percent_responders is not None)
    assert got == [("diclofenac", 9.5), ("placebo", 17.9)]
    assert all("flare" in o.measure for o in ev.outcomes if o.percent_responders is not None)
