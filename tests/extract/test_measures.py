"""Measure names: the cleaned name and the canonical vocabulary name (whole names only)."""
import pytest

from extract.measures import canonical_measure, clean_measure_name, measure_info


@pytest.mark.parametrize("text, cleaned", [
    ("DAS28, mean (SD)", "DAS28"),
    ("Tender joint count*", "Tender joint count"),
    ("ACR20 response, n (%)", "ACR20 response"),
    ("  HAQ-DI  ; median (IQR) ", "HAQ-DI"),
    ("Adverse events, n/N (%)", "Adverse events"),
])
def test_clean_measure_name(text, cleaned):
    assert clean_measure_name(text) == cleaned


@pytest.mark.parametrize("name, canonical", [
    # the vocabulary phrase with words that qualify it without changing it
    ("serum IL-6 levels", "IL-6"),
    ("plasma interleukin-6 concentration", "IL-6"),
    ("Serum erythrocyte sedimentation rate changes", "ESR"),
    ("ACR20 response rate", "ACR20"),
    ("American College of Rheumatology 20 responses", "ACR20"),
    ("hs-CRP", "CRP"),
    ("high-sensitivity C-reactive protein (hs-CRP), plasma", "CRP"),
    ("CRP, mg/L", "CRP"),
    ("CRP (mg/dl)", "CRP"),
    ("Tender joint count (0-68)", "TJC"),
    ("HAQ (0-3)", "HAQ"),
    ("HAQ-DI", "HAQ"),
    ("WOMAC total score", "WOMAC"),
    ("28-joint disease activity score (DAS28; using erythrocyte sedimentation rate)", "DAS28"),
    ("DAS28-CRP", "DAS28"),
    ("DAS 28", "DAS28"),
    ("visual analogue scale (VAS 0-100 mm) pain score", "VAS pain"),
    ("pain VAS", "VAS pain"),
    ("Health Assessment Questionnaire (HAQ)", "HAQ"),
    ("joint function index (DAS28)", "DAS28"),
    ("EULAR good or moderate response", "EULAR response"),
    ("DAS-28-defined remission", "DAS28 remission"),
    ("SDAI remission", "SDAI remission"),
    ("incidence of adverse events", "adverse events"),
    ("patients with ≥1 adverse event", "adverse events"),
    ("serious adverse events (SAEs)", "serious adverse events"),
    ("number of SAEs", "serious adverse events"),
    ("TNF-α", "TNF-alpha"),
    ("tumour necrosis factor alpha", "TNF-alpha"),
    ("IL 6", "IL-6"),
    ("il6", "IL-6"),
])
def test_a_whole_name_maps_onto_the_vocabulary(name, canonical):
    assert canonical_measure(name) == canonical


@pytest.mark.parametrize("name", [
    "WOMAC pain", "WOMAC stiffness", "WOMAC physical function",  # sub-scales are other measures
    "Pruritus VAS", "VAS fatigue", "Pruritus VAS (0-10)",       # another scale is another measure
    "IL-6 mRNA expression", "IL-17 receptor signaling",         # not the cytokine's level
    "no decrease in CRP", "ESR and CRP", "pain", "serum IL-12", "6-minute walk distance", "",
])
def test_sub_scales_other_scales_and_open_names_map_onto_nothing(name):
    assert canonical_measure(name) is None


def test_serious_adverse_events_are_not_adverse_events():
    assert canonical_measure("serious adverse events") != canonical_measure("adverse events")
    assert measure_info("serious adverse events")["kind"] == "safety"


def test_measure_info_of_a_remission_and_of_an_open_name():
    assert measure_info("DAS28 remission")["better"] == "lower"
    assert measure_info("6-minute walk distance") == {}
    assert measure_info(None) == {}


def test_a_paraphrase_with_the_vocabulary_abbreviation_in_brackets():
    assert canonical_measure("Health index (HAQ)") == "HAQ"  # the seed abstract's wording
    assert canonical_measure("joint function index (DAS28)") == "DAS28"
