import pytest

from tests.extract.helpers import run


@pytest.mark.parametrize("title,abstract,reason", [
    ("Intra-articular mesenchymal stromal cells for knee osteoarthritis: a randomized trial",
     "Patients with knee OA received MSCs.", "population: osteoarthritis"),
    ("Mesenchymal stem cells in systemic lupus erythematosus", "Forty patients with SLE received MSCs.",
     "population: lupus"),
    ("Adipose-derived MSCs modulate collagen-induced arthritis", "Arthritic mice received eASCs; rheumatoid arthritis.",
     "species: animal study"),
    ("Mesenchymal stem cells for rheumatoid arthritis: an update on clinical applications",
     "The present review discusses MSC-based therapy in RA patients.", "design: review"),
    ("Stem cell treatment for patients with autoimmune disease by infusion of adipose mesenchymal stem cells",
     "10 patients with multiple sclerosis, atopic dermatitis and rheumatoid arthritis.", "population: autoimmune"),
    ("Stromal vascular fraction injection in rheumatoid arthritis", "Patients with RA received SVF.",
     "intervention: stromal vascular fraction"),
    ("Mesenchymal stem cell-derived extracellular vesicles in rheumatoid arthritis patients: a pilot study",
     "Twelve patients with RA received intravenous MSC-derived extracellular vesicles.", "intervention: extracellular"),
    ("Umbilical cord mesenchymal stem cells for rheumatoid arthritis: study protocol for a randomised trial",
     "This trial will enrol 120 patients with RA who will be randomised to UC-MSCs or placebo.", "design: study protocol"),
    ("Bone marrow MSCs from patients with rheumatoid arthritis show impaired immunosuppression in vitro",
     "MSCs were isolated from 15 patients with RA and co-cultured with T cells in vitro.", "design: laboratory study"),
    ("Allogeneic mesenchymal stromal cells in patients with rheumatoid arthritis and systemic lupus erythematosus",
     "We followed 30 patients (RA, n = 10; SLE, n = 20) who received MSC infusions.", "population: mixed"),
])
def test_exclusions_name_their_reason(title, abstract, reason):
    ev = run(abstract, title=title)
    assert not ev.include
    assert ev.screening.exclusion_reason.lower().startswith(reason.lower())


def test_a_trial_is_included_with_reasons():
    ev = run("Sixty patients with active RA were randomised to umbilical cord MSC or placebo.",
             title="Umbilical cord mesenchymal stem cells in rheumatoid arthritis: a randomised trial")
    assert ev.include
    assert "population: rheumatoid arthritis" in ev.screening.reasons
    assert "species: humans" in ev.screening.reasons


def test_publication_type_review_excludes():
    ev = run("MSCs in RA patients.", publication_types=("Review",))
    assert not ev.include and "publication type" in ev.screening.exclusion_reason


def test_a_case_with_a_concomitant_disease_is_still_ra():
    ev = run("A 45-year-old woman with RA received two infusions of umbilical cord MSCs.",
             title="Mesenchymal stem cells for rheumatoid arthritis in a patient with concomitant lupus: a case report")
    assert ev.include


def test_words_that_are_two_cues_count_as_both():
    # "phase 1" is both a human-study cue and a clinical cue; without "patients" it still says humans
    ev = run("Cohort 1 (n = 3) received 1 × 10^6 cells/kg and cohort 2 (n = 3) received 2 × 10^6 cells/kg of bone "
             "marrow MSCs intravenously.", title="Mesenchymal stem cells in rheumatoid arthritis: phase 1")
    assert ev.screening.include
