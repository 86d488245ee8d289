"""Text that re.IGNORECASE matches but str.lower() does not fold ("ſ" long s, "İ", the Kelvin sign)
is read like its ASCII spelling, never a crash (a KeyError or StopIteration would fail the record)."""
from __future__ import annotations

import pytest

from extract.evidence import ExtractionInput
from extract.pipeline import extract_evidence
from extract.quantities import find_timepoints


def _extract(abstract: str):
    return extract_evidence(ExtractionInput(id="fold", title="MSC for RA", abstract=abstract))


def test_a_timepoint_unit_with_a_long_s():
    [tp] = find_timepoints("followed for 12 weekſ")
    assert tp.weeks == 12.0


@pytest.mark.parametrize("abstract", [
    "DAS28 fell more with MSC than with placebo: ſMD 1.2 (95% CI 0.3 to 2.1), P = 0.01.",
    "Patients were randomised to a stem cell group (n = 10) or a placebo group (n = 10). DAS28 fell in "
    "the ſtem cell group (P = 0.01) and not in the placebo group.",
    "Patients were randomised to AZD3199 200 \u00b5g (n = 10) or placebo (n = 10). FEV1 rose more with AZD3199 "
    "200 \u03bcg than with placebo (P = 0.01).",
    "Patients were randomised to a KETAMINE group (n = 10) or a placebo group (n = 10). Pain fell in "
    "the \u212aetamine group (P = 0.01).",
])
def test_case_folded_spellings_are_read_without_error(abstract):
    ev = _extract(abstract)
    assert ev.id == "fold"
