"""Screening a trial-registry record on its registered conditions and interventions, not on signs of patients.

The registry entries here are SYNTHETIC (written for these tests).
"""
from __future__ import annotations

import pytest

from extract.evidence import ExtractionInput
from extract.pipeline import Extractor


def screened(**fields):
    return Extractor().extract(ExtractionInput(id="r1", **fields)).screening


def registry(title, conditions, interventions, abstract=""):
    return screened(title=title, abstract=abstract, record_type="registry", conditions=tuple(conditions),
                    interventions=tuple(interventions), publication_types=("Clinical Trial Registration",))


def test_a_registered_msc_trial_in_ra_is_included_without_a_word_about_patients():
    s = registry("Umbilical Cord MSC for Rheumatoid Arthritis", ["Rheumatoid Arthritis"],
                 ["Umbilical cord mesenchymal stem cells", "Placebo"], abstract="A phase 2 study of UC-MSC.")
    assert s.include, s.reasons
    assert "design: trial registry record" in s.reasons and "population: rheumatoid arthritis" in s.reasons


def test_the_same_text_as_a_publication_needs_a_sign_of_patients():
    text = dict(title="Umbilical Cord MSC for Rheumatoid Arthritis", abstract="The safety of umbilical cord MSCs.")
    s = screened(**text)
    assert not s.include and s.exclusion_reason == "species: no sign of a study in patients"
    assert registry(text["title"], ["Rheumatoid Arthritis"], ["UC-MSC"], abstract=text["abstract"]).include


@pytest.mark.parametrize("conditions, interventions, reason", [
    (["Osteoarthritis, Knee"], ["Adipose-derived mesenchymal stem cells"], "population: osteoarthritis"),
    (["Melanoma"], ["MEK inhibitor"], "intervention: no mesenchymal stem/stromal cells registered"),
    (["Rheumatoid Arthritis"], ["Platelet-rich plasma"], "intervention: Platelet-rich plasma"),
])
def test_a_registered_condition_or_intervention_excludes(conditions, interventions, reason):
    s = registry("A registered study", conditions, interventions)
    assert not s.include and s.exclusion_reason.startswith(reason), s.exclusion_reason


def test_a_mesh_style_heading_is_read_as_the_condition():
    s = registry("Stem cells in arthritis", ["*Arthritis, Rheumatoid [therapy]"], ["mesenchymal stromal cells"])
    assert s.include, s.reasons


def test_without_registered_fields_the_title_and_summary_decide():
    s = registry("Mesenchymal stem cells for rheumatoid arthritis", [], [])
    assert s.include, s.reasons
