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


@pytest.mark.parametrize("title,abstract", [
    # people named as women, adults or individuals, not "patients"
    ("Menstrual blood-derived stromal cells for refractory rheumatoid arthritis",
     "Four women with refractory RA were treated with intravenous menstrual blood-derived stem cells."),
    ("Intra-articular umbilical cord MSCs in rheumatoid knee synovitis",
     "We treated 12 adults with RA knee synovitis using intra-articular MSCs."),
    # no word for people at all, but someone is randomised and no animal is named
    ("Human umbilical cord-derived mesenchymal stem cells plus methotrexate in rheumatoid arthritis",
     "One hundred and five RA cases were randomly assigned to MTX alone or MTX plus hUCMSCs."),
])
def test_a_treated_population_without_the_word_patients_is_humans(title, abstract):
    ev = run(abstract, title=title)
    assert ev.include, ev.screening.exclusion_reason


@pytest.mark.parametrize("title,abstract,reason", [
    # narrative reviews that never write "review"
    ("Mesenchymal stem cell therapy in rheumatoid arthritis: current status and future perspectives",
     "MSCs have immunomodulatory properties. Here we summarize clinical trials of MSCs in RA patients.", "design: review"),
    ("Mesenchymal stem cells for rheumatoid arthritis: mechanisms and clinical progress",
     "This article summarises the mechanisms of MSCs and the clinical trials in RA patients to date.", "design: review"),
    # haematopoietic stem cell transplantation is not an MSC therapy, though it is a "stem cell transplantation"
    ("Autologous hematopoietic stem cell transplantation in severe rheumatoid arthritis",
     "Twelve patients with refractory RA underwent autologous HSCT after high-dose cyclophosphamide.",
     "intervention: hematopoietic stem cell transplantation"),
])
def test_reviews_and_other_stem_cells_without_the_usual_words_exclude(title, abstract, reason):
    ev = run(abstract, title=title)
    assert not ev.include
    assert ev.screening.exclusion_reason.lower().startswith(reason.lower())
