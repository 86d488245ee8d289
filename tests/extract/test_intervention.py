import pytest

from tests.extract.helpers import run


@pytest.mark.parametrize("abstract,source,origin", [
    ("Patients received umbilical cord mesenchymal stem cells (UC-MSCs).", "umbilical cord", None),
    ("a single infusion of hUCB-MSCs (human umbilical cord blood-derived MSCs)", "umbilical cord blood", None),
    ("autologous BM-MSCs were injected", "bone marrow", "autologous"),
    ("allogeneic expanded adipose-derived stem cells (eASCs)", "adipose", "allogeneic"),
    ("Allogeneic MSCT is safe and feasible in RA patients.", None, "allogeneic"),
    ("Amniotic membrane MSCs were infused.", "placenta", None),
    ("Human amniotic fluid stem cells were infused.", "placenta", None),
    ("Autologous ADSCs were injected.", "adipose", "autologous"),
])
def test_cell_source_and_origin(abstract, source, origin):
    ev = run(abstract, title="A study in rheumatoid arthritis")
    assert ev.cell_source == source
    assert ev.cell_origin == origin


@pytest.mark.parametrize("abstract,route", [
    ("40 mL UC-MSC suspension via intravenous injection", "intravenous"),
    ("a single infusion of cells", "intravenous"),
    ("an intra-articular injection into the knee", "intra-articular"),
    ("Allogeneic MSCT was performed.", None),
    ("MSCs were injected into the affected joints.", "intra-articular"),
    ("UC-MSCs were injected via the median cubital vein.", "intravenous"),
    ("MSCs were injected into the synovial cavity of the knee.", "intra-articular"),
    ("MSCs were injected into the articular cavity.", "intra-articular"),
    ("MSCs were administered intra-venously.", "intravenous"),
    ("Cells were injected sub-cutaneously.", "subcutaneous"),
    ("MSCs were injected into the inflamed knee joints.", "intra-articular"),
])
def test_route(abstract, route):
    assert run(abstract, title="Cells in rheumatoid arthritis").route == route


def _doses(ev):
    return [(d.value, d.unit) for d in ev.doses if d.value is not None]


@pytest.mark.parametrize("abstract,expected", [
    ("treated with 40 mL UC-MSC suspension product (2 \u00d7 107 cells/20 mL)", [(4e7, "cells")]),
    ("three intravenous infusions: 1 million/kg (cohort A), 2 million/kg (cohort B)",
     [(1e6, "cells/kg"), (2e6, "cells/kg")]),
    ("a single infusion of 2.5 \u00d7 107, 5 \u00d7 107, or 1 \u00d7 108 cells", [(2.5e7, "cells"), (5e7, "cells"), (1e8, "cells")]),
    ("2.5 x 107, 5.0 x 107, 1.0 x 108 cells", [(2.5e7, "cells"), (5e7, "cells"), (1e8, "cells")]),
    ("autologous BM-MSCs, 1 \u00d7 106 per kg", [(1e6, "cells/kg")]),
    ("4\u00d710(7) MSCs were infused", [(4e7, "cells")]),
    ("40 million MSCs were injected per joint", [(4e7, "cells/joint")]),
    ("MSCs (40?\u00d7?106 cells)", [(4e7, "cells")]),
])
def test_doses(abstract, expected):
    assert _doses(run(abstract)) == expected


def test_lost_exponent_is_uncertain_not_ten_cells():
    ev = run("patients received 1 \u00d7 10 MSCs/kg intravenously")
    assert _doses(ev) == []
    assert [d.uncertain for d in ev.doses] == [True]
    assert ev.to_prediction()["doses_uncertain"][0]["value"] is None


def test_doses_per_arm():
    ev = run("infusions of 1 million/kg (cohort A) or 2 million/kg (cohort B)")
    assert [d.arm for d in ev.doses] == ["cohort A", "cohort B"]


@pytest.mark.parametrize("abstract,n", [
    ("received three intravenous infusions of Cx611", 3),
    ("a single intravenous infusion of cells", 1),
    ("cells were infused on days 1, 8 and 15", 3),
    ("a phase 1 dose-escalation study; at 1 and 6 months after transplantation", None),
    # a weekly course: one administration a week ("weekly for 4 weeks", "once a week for 3 weeks")
    ("Patients received MSCs weekly for 4 weeks.", 4),
    ("UC-MSCs were infused once a week for 3 weeks.", 3),
    ("Patients received MSCs three times at weekly intervals.", 3),
    ("MSCs were injected twice, four weeks apart.", 2),
    # a frequency is not a count
    ("Patients exercised three times per week for 12 weeks.", None),
])
def test_administrations(abstract, n):
    assert run(abstract).n_administrations == n


def test_doses_belong_to_as_many_named_arms():
    ev = run("Twenty patients were randomized to low-dose (1 × 10^6 cells/kg, n = 10) or high-dose "
             "(5 × 10^6 cells/kg, n = 10) UC-MSC infusion.")
    assert [(a.name, a.n) for a in ev.arms] == [("low-dose", 10), ("high-dose", 10)]
    assert [(d.value, d.arm) for d in ev.doses] == [(1e6, "low-dose"), (5e6, "high-dose")]


def test_numbered_cohorts_keep_their_number_and_are_not_summed_into_the_enrolled():
    # the gold convention (shared/gold/NUMBERS_SOURCES.md): n_enrolled is the total as the abstract
    # states it, null when only per-arm sizes are given
    ev = run("Cohort 1 (n = 3) received 1 × 10^6 cells/kg and cohort 2 (n = 3) received 2 × 10^6 cells/kg of bone "
             "marrow MSCs intravenously.")
    assert [(a.name, a.n) for a in ev.arms] == [("Cohort 1", 3), ("cohort 2", 3)]
    assert ev.n_enrolled is None
    assert [d.arm for d in ev.doses] == ["Cohort 1", "cohort 2"]


def test_into_the_most_affected_knee_is_a_dose_per_joint():
    ev = run("Fifteen patients received an intra-articular injection of 5 × 10^7 adipose-derived MSCs into the most "
             "affected knee.")
    assert [(d.value, d.unit) for d in ev.doses] == [(5e7, "cells/joint")]


# ------------------------------------------------------------------ any trial: drug doses and their role
def _study_doses(ev):
    return [(d.value, d.unit) for d in ev.doses if d.role == "intervention" and d.value is not None]


@pytest.mark.parametrize("title, abstract, expected", [
    ("Baricitinib in patients with active lupus",
     "Patients were randomised to baricitinib 2 mg or 4 mg once daily, or placebo, for 24 weeks.",
     [(2.0, "mg"), (4.0, "mg")]),
    ("Efficacy of ustekinumab in psoriatic arthritis",
     "Patients received ustekinumab 45 mg or 90 mg subcutaneously at weeks 0 and 4, then every 12 weeks.",
     [(45.0, "mg"), (90.0, "mg")]),
    ("Zoledronic acid in osteopenia",
     "Women were assigned to a single infusion of zoledronic acid 5 mg or saline (100 mL).",
     [(5.0, "mg")]),
    ("Oral semaglutide for type 2 diabetes",
     "Participants took semaglutide 3 mg, 7 mg or 14 mg orally once daily.",
     [(3.0, "mg"), (7.0, "mg"), (14.0, "mg")]),
])
def test_doses_of_any_intervention_are_doses(title, abstract, expected):
    assert _study_doses(run(abstract, title=title)) == expected


def test_several_doses_of_one_drug_are_one_arm_each():
    ev = run("Patients were randomised to anakinra 1 mg/kg or 2 mg/kg daily, or placebo.", title="Anakinra in gout")
    assert [d.arm for d in ev.doses if d.role == "intervention"] == ["anakinra 1 mg/kg", "anakinra 2 mg/kg"]
    assert {"anakinra 1 mg/kg", "anakinra 2 mg/kg"} <= {a.name for a in ev.arms}


def test_a_background_drug_keeps_its_dose_but_is_not_the_intervention():
    ev = run("Patients on stable methotrexate (15 mg/week) were randomised to abatacept 125 mg weekly or placebo.",
             title="Abatacept in rheumatoid arthritis with an inadequate response to methotrexate")
    assert _study_doses(ev) == [(125.0, "mg")]
    assert [(d.drug, d.role) for d in ev.doses if d.role != "intervention"] == [("methotrexate", "background")]
    pred = ev.to_prediction()
    assert [d["value"] for d in pred["doses"]] == [125.0]
    assert [d["role"] for d in pred["other_doses"]] == ["background"]


@pytest.mark.parametrize("title", [
    "Dalotuzumab combined with pemetrexed and cisplatin in lung cancer",
    "Dalotuzumab in combination with pemetrexed and cisplatin in lung cancer",
])
def test_the_drugs_a_title_combines_the_intervention_with_are_background(title):
    # a chemotherapy backbone given in both arms is the background, not the study's dose
    ev = run("Dalotuzumab (D) targets IGF-1R. We tested pemetrexed (P) and cisplatin (C) ± D. P at 500 mg/m2 and C at "
             "75 mg/m2 IV were given every 3 weeks. D was given at 10 mg/kg IV weekly.", title=title)
    assert _study_doses(ev) == [(10.0, "mg/kg")]


def test_the_control_arms_amount_is_not_the_studys_dose():
    ev = run("60 infants were randomised to receive a higher protein HMF providing 1.8 g protein (n = 31) or standard "
             "HMF providing 1 g protein per 100 mL expressed breast milk (n = 29).",
             title="The effect of increasing the protein content of human milk fortifier to 1.8 g/100 mL on growth")
    assert _study_doses(ev) == [(1.8, "g")]


def test_a_challenge_agents_doses_are_not_the_studys():
    ev = run("As a model of increased permeability, two dosages of indomethacin were ingested at 10 h (75 mg) and 1 h "
             "(50 mg) before the test drink. Placebo, ATP (2 g per dosage) or adenosine (1 g per dosage) were "
             "administered.", title="Effects of oral ATP and adenosine on permeability")
    assert _study_doses(ev) == [(2.0, "g"), (1.0, "g")]


@pytest.mark.parametrize("abstract, doses", [
    ("Patients received metformin 500 mg b.i.d. (1000 mg/day).", [(500.0, "mg")]),
    ("Patients received metformin 500 mg three times a day (i.e. 1500 mg/day).", [(500.0, "mg")]),
    # not a restatement: another amount
    ("Patients received metformin 500 mg twice daily (or 400 mg/day if not tolerated).", [(500.0, "mg"), (400.0, "mg/day")]),
])
def test_a_daily_total_in_brackets_restates_the_dose(abstract, doses):
    assert _study_doses(run(abstract, title="Metformin in diabetes")) == doses


def test_a_daily_total_restated_in_brackets_is_not_another_dose():
    ev = run("12 participants randomized to a treatment arm consumed 400 mg capsules of Sutherlandia leaf powder twice "
             "daily (800 mg/d). Consumption of 800 mg/d Sutherlandia was tolerated.",
             title="A randomized trial of Sutherlandia in healthy adults")
    assert _study_doses(ev) == [(400.0, "mg")]


@pytest.mark.parametrize("title, abstract, doses", [
    # a factorial trial: the title names both drugs, so "the addition of X to Y" in the conclusion leaves Y the study's
    ("Effects of growth hormone and pioglitazone in obese adults: a factorial trial",
     "Recombinant human growth hormone (GH) and pioglitazone (PIO) were evaluated. Interventions: GH (8 μg/kg/d, or "
     "placebo) and pioglitazone (30 mg/d, or placebo) for 40 wk. Addition of PIO to GH attenuated the effect of GH.", [(8.0, "µg/kg/day"), (30.0, "mg/day")]),
    # the title names only the drug added: the one it is added to is the background
    ("Artemisinin-based combination therapy for malaria",
     "A trial of the addition of artesunate (4 mg/kg/day × 3 d) to amodiaquine (10 mg/kg/day × 3 d).",
     [(4.0, "mg/kg/day")]),
])
def test_a_drug_the_title_names_is_not_the_background_of_an_addition(title, abstract, doses):
    assert _study_doses(run(abstract, title=title)) == doses


def test_the_drug_the_title_does_not_name_is_the_comparator():
    ev = run("Patients were randomised to celecoxib 200 mg daily or naproxen 500 mg twice daily.",
             title="Celecoxib for knee osteoarthritis pain")
    assert _study_doses(ev) == [(200.0, "mg")]
    assert [(d.drug, d.role) for d in ev.doses if d.role != "intervention"] == [("naproxen", "comparator")]


def test_the_drug_after_versus_in_the_title_is_the_comparator():
    ev = run("Women received misoprostol 400 µg orally or oxytocin 10 IU intramuscularly.",
             title="Misoprostol versus oxytocin for postpartum haemorrhage")
    assert _study_doses(ev) == [(400.0, "µg")]


def test_the_drug_of_the_aim_sentence_when_the_title_names_none():
    ev = run("The aim of this study was to evaluate a seaweed extract (Algamin). Patients received calcium carbonate "
             "(500 mg/d) or Algamin (1000 mg/d) for 8 weeks. Algamin was well tolerated.",
             title="A mineral supplement for hand osteoarthritis")
    assert _study_doses(ev) == [(1000.0, "mg/day")]


def test_a_drug_given_with_the_intervention_is_part_of_it():
    ev = run("Women were randomised to estradiol 1 mg with norethisterone acetate 0.5 mg daily or placebo.",
             title="Estradiol and bone density")
    assert _study_doses(ev) == [(1.0, "mg"), (0.5, "mg")]


def test_a_drug_dose_has_its_own_number_of_administrations():
    ev = run("Patients were randomised to rituximab 1000 mg intravenously for 2 doses two weeks apart or placebo.",
             title="Rituximab in Sjogren syndrome")
    assert [(d.value, d.n_administrations) for d in ev.doses] == [(1000.0, 2)]


def test_the_cell_products_volume_is_not_a_dose():
    ev = run("Patients received 20 mL of a suspension with 1 × 10^8 MSCs after 50 mL of normal saline.")
    assert [(d.value, d.unit) for d in ev.doses if d.value is not None] == [(1e8, "cells")]


# ------------------------------------------------------------------ any trial: routes
@pytest.mark.parametrize("title, abstract, route", [
    ("Apremilast in Behcet disease", "Patients took apremilast 30 mg orally twice daily or placebo.", "oral"),
    ("Topical ketoprofen for ankle sprain", "Patients applied the gel topically three times a day.", "topical"),
    ("Secukinumab in axial spondyloarthritis", "Secukinumab 150 mg was injected subcutaneously every 4 weeks.",
     "subcutaneous"),
    ("Iron sucrose for anaemia in pregnancy", "Women received iron sucrose 200 mg as an intravenous infusion.",
     "intravenous"),
])
def test_the_route_of_any_intervention(title, abstract, route):
    assert run(abstract, title=title).route == route


@pytest.mark.parametrize("title, abstract, route", [
    # "IV" after a dose: the abbreviation is a route only there ("stage IV" is not)
    ("Dalotuzumab with pemetrexed in stage IV lung cancer",
     "Patients with stage IV disease received dalotuzumab at 10 mg/kg IV weekly.", "intravenous"),
    ("Rocuronium and intubating conditions", "Blockade after rocuronium 0.3 mg/kg IV was measured.", "intravenous"),
    ("Methotrexate in psoriasis", "Patients received methotrexate 15 mg SC weekly.", "subcutaneous"),
    ("A grade IV glioma trial", "Patients with grade IV glioma received the drug.", None),
])
def test_a_route_abbreviated_after_the_dose(title, abstract, route):
    assert run(abstract, title=title).route == route


def test_the_route_of_a_background_drug_is_not_the_interventions():
    ev = run("Patients on stable oral methotrexate were randomised to sarilumab 200 mg subcutaneously or placebo.",
             title="Sarilumab in rheumatoid arthritis")
    assert ev.route == "subcutaneous"


def test_a_route_named_in_background_knowledge_or_for_a_procedure_is_not_the_route():
    ev = run("Background\nIntravenous cannulation is painful in children.\nMethods\nChildren were randomised to a "
             "vapocoolant spray or no spray before venepuncture.", title="Vapocoolant spray for venepuncture pain")
    assert ev.route is None


@pytest.mark.parametrize("title, abstract, route", [
    # a route word before a condition names where the disease is, not how the treatment is given
    ("Effect of magnesium sulfate in a rat model of intraperitoneal sepsis",
     "Intraperitoneal sepsis was induced in rats. A dose of 750 μmol/kg magnesium sulfate was given intramuscularly "
     "immediately after surgery. Magnesium attenuated the BBB defect in our model of intraperitoneal sepsis.",
     "intramuscular"),
    ("Drainage after surgery for intra-articular fractures",
     "Patients with intra-articular fractures of the calcaneus were randomised to a drain or no drain.", None),
    ("Fish oil lipid emulsion in parenteral nutrition",
     "Infants were randomised to an intravenous fat emulsion of fish oil or soybean oil.", "intravenous"),
])
def test_a_route_word_before_a_condition_is_not_the_route(title, abstract, route):
    assert run(abstract, title=title).route == route


# ------------------------------------------------------------------ cell source only where cells are the intervention
@pytest.mark.parametrize("title, abstract", [
    ("Vedolizumab in ulcerative colitis", "Patients with moderate UC were randomised to vedolizumab or placebo. "
                                          "UC activity fell at week 14."),
    ("Intermittent preventive treatment in pregnancy", "Active placental malaria was reduced (RR 0.68)."),
    ("Azathioprine toxicity", "Bone marrow suppression occurred in 3 patients."),
])
def test_no_cell_source_without_cells(title, abstract):
    assert run(abstract, title=title).cell_source is None


@pytest.mark.parametrize("abstract", [
    "Cord blood mononuclear cells were collected at delivery and cytokines measured.",
    "Bone marrow-derived cells were counted in peripheral blood.",
    "Umbilical cord blood cells were analysed for vitamin D receptor expression.",
])
def test_cells_measured_in_a_drug_trial_name_no_source(abstract):
    assert run(abstract, title="Vitamin D supplementation in pregnancy: a randomised trial").cell_source is None


def test_cells_given_in_a_trial_whose_title_names_no_cells_name_their_source():
    ev = run("Patients received autologous bone marrow-derived mononuclear cells by intracoronary infusion.",
             title="A randomised trial in acute myocardial infarction")
    assert ev.cell_source == "bone marrow"


def test_the_background_section_names_a_cell_source_only_when_the_study_names_none():
    ev = run("Background: Bone marrow MSCs suppress arthritis in mice. Methods: 20 patients received UC-MSCs. "
             "Results: DAS28 fell.")
    assert ev.cell_source == "umbilical cord"
    ev = run("Background: Umbilical cord MSCs suppress arthritis in mice. Methods: 20 patients received MSCs. "
             "Results: DAS28 fell.")
    assert ev.cell_source == "umbilical cord"


@pytest.mark.parametrize("abstract, source", [
    ("MSCs isolated from bone marrow were infused.", "bone marrow"),
    ("Cells derived from adipose tissue were injected into the knee.", "adipose"),
    ("Patients received umbilical cord (UC)-derived MSCs.", "umbilical cord"),
    ("Stem cells from human exfoliated deciduous teeth were infused.", "dental pulp"),
    ("Patients received stem cells from exfoliated deciduous teeth (SHED).", "dental pulp"),
    ("Dental pulp stem cells were given intravenously.", "dental pulp"),
    ("Patients received allogeneic bone-marrow mesenchymal stromal cells.", "bone marrow"),
    ("Patients received umbilical-cord mesenchymal stem cells.", "umbilical cord"),
    ("Patients received human amniotic epithelial cells.", "placenta"),
    ("MSCs were isolated from the umbilical cords of healthy donors and infused.", "umbilical cord"),
    # the tissue harvested for the cells
    ("Bone marrow was aspirated from the iliac crest and MSCs were expanded ex vivo.", "bone marrow"),
    ("Adipose tissue was harvested by liposuction and the MSCs were infused.", "adipose"),
])
def test_cell_source_where_cells_are_named(abstract, source):
    assert run(abstract, title="Cell therapy for rheumatoid arthritis").cell_source == source


def test_the_same_dose_written_per_day_and_per_administration_is_one_dose():
    ev = run("Participants received ATP (400 mg/d in two doses) or placebo. ATP 400 mg was well tolerated.",
             title="ATP supplementation and muscle fatigue")
    assert _study_doses(ev) == [(400.0, "mg/day")]


def test_a_vaccine_dose_is_a_dose():
    ev = run("Three intramuscular immunizations of the vaccine at either 20 or 100 μg were compared.",
             title="A vaccine by three routes")
    assert _study_doses(ev) == [(20.0, "µg"), (100.0, "µg")]


@pytest.mark.parametrize("abstract", [
    "An oral vocabulary training programme was taught to 100 pupils.",
    "Oral hygiene improved in both groups.",
    "Patients gave an oral presentation of their symptoms.",
])
def test_oral_that_is_not_a_route(abstract):
    assert run(abstract, title="A school programme").route is None


def test_stromal_vascular_fraction_cells_come_from_adipose_tissue():
    ev = run("Methods: Stromal vascular fraction cells (1 \u00d7 10^7 cells) were injected intra-articularly.")
    assert (ev.cell_source, ev.route) == ("adipose", "intra-articular")
    assert run("Methods: Patients with RA received SVF cells intravenously.").cell_source == "adipose"
