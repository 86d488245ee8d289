"""Outcome rows on unseen trial abstracts (round 4): each test written from a spelling or a layout,
with sentences of our own."""
import pytest

from tests.extract.helpers import rows, run

_DICLOFENAC = "Methods: Sixty patients were randomised to diclofenac (n = 30) or placebo (n = 30). Results: "


@pytest.mark.parametrize("verb", ["is", "was"])
def test_a_measure_with_its_values_after_a_present_tense_copula(verb):
    # "After the treatment the KPS is 89.00 ± 9.92 in the trial group, and 84.17 ± 8.84 in the control group"
    ev = run(_DICLOFENAC + f"After treatment the KPS {verb} 89.00 ± 9.92 in the diclofenac group, and 84.17 ± 8.84 in the "
             "placebo group (P = 0.028).", title="Diclofenac vs placebo")
    assert sorted((o.arm.split()[0], o.followup_mean) for o in rows(ev, "KPS")) == [
        ("diclofenac", 89.0), ("placebo", 84.17)]
