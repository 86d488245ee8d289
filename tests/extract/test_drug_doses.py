"""extract.drug_doses: doses of drugs and other non-cell interventions, with many spellings."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.drug_doses import find_drug_doses, normalise_unit


def _doses(text):
    found = find_drug_doses(text)
    for d in found:
        assert text[d.start:d.end] == d.text  # offsets into the original text
    return [(d.value, d.unit) for d in found]


@pytest.mark.parametrize("text, expected", [
    ("Patients received metformin 500 mg twice daily.", [(500.0, "mg")]),
    ("randomised to oral vitamin D3 50,000 IU weekly or placebo", [(50000.0, "IU")]),
    ("infliximab 3 mg/kg was infused at weeks 0, 2 and 6", [(3.0, "mg/kg")]),
    ("docetaxel 75 mg/m² every 3 weeks", [(75.0, "mg/m2")]),
    ("docetaxel 75 mg/m2 every 3 weeks", [(75.0, "mg/m2")]),
    ("subcutaneous enoxaparin 40 mg once daily", [(40.0, "mg")]),
    ("given lenograstim 10 µg/kg/day for four days", [(10.0, "µg/kg/day")]),
    ("given lenograstim 10 mcg/kg per day for four days", [(10.0, "µg/kg/day")]),
    ("they took 2 g of omega-3 fatty acids per day", [(2.0, "g")]),
    ("participants received 25 grams of whey protein daily", [(25.0, "g")]),
    ("a single intramuscular injection of 1.5 mL of the vaccine", [(1.5, "mL")]),
    ("two drops of timolol were instilled twice daily", [(2.0, "drops")]),
    ("two puffs of salbutamol were inhaled four times a day", [(2.0, "puffs")]),
    ("one tablet of the combination was taken nightly", [(1.0, "tablets")]),
    ("the dose of aspirin was 81 mg/d", [(81.0, "mg/day")]),
    ("prednisolone at a dose of 0.5 mg/kg/day was given", [(0.5, "mg/kg/day")]),
    ("randomized to ketamine 0·5 mg/kg or saline", [(0.5, "mg/kg")]),
    ("remifentanil was infused at 0.1 μg/kg/min", [(0.1, "µg/kg/min")]),
    ("radiotherapy to 60 Gy in 30 fractions was given", [(60.0, "Gy")]),
    ("insulin glargine 10 units at bedtime was started", [(10.0, "IU")]),
])
def test_drug_dose_spellings(text, expected):
    assert _doses(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("patients were randomized to 25 mg, 50 mg or 100 mg of the study drug daily",
     [(25.0, "mg"), (50.0, "mg"), (100.0, "mg")]),
    ("assigned to receive 2, 4 or 8 mg of the drug once daily", [(2.0, "mg"), (4.0, "mg"), (8.0, "mg")]),
    ("baricitinib 2 and 4 mg once daily", [(2.0, "mg"), (4.0, "mg")]),
    ("a dose escalation of 0.3, 1, 3 and 10 mg/kg given intravenously",
     [(0.3, "mg/kg"), (1.0, "mg/kg"), (3.0, "mg/kg"), (10.0, "mg/kg")]),
    ("cumulative challenge doses (5,10,20,40 mg) were inhaled", [(5.0, "mg"), (10.0, "mg"), (20.0, "mg"), (40.0, "mg")]),
])
def test_dose_lists_are_one_dose_each(text, expected):
    assert _doses(text) == expected


def test_a_range_is_one_dose_without_a_value():
    found = find_drug_doses("methotrexate was given at 7.5 to 20 mg weekly")
    assert [(d.value, d.low, d.high, d.unit) for d in found] == [(None, 7.5, 20.0, "mg")]
    assert "range" in found[0].note


def test_a_combination_product_is_its_first_component():
    found = find_drug_doses("amoxicillin/clavulanate (875/125 mg) twice daily")
    assert [(d.value, d.unit) for d in found] == [(875.0, "mg")]
    assert "combination" in found[0].note


@pytest.mark.parametrize("text", [
    "CRP fell from 12 mg/L to 4 mg/L at week 12",
    "fasting glucose 126 mg/dL, HbA1c 7.1%",
    "eGFR was 58 mL/min/1.73 m2 at baseline",
    "urinary albumin of 35 μg/mg creatinine",
    "mean body weight loss of 3.2 kg",
    "birth weight was 3,150 g in the treated group",
    "infants weighing <1,500 g were eligible",
    "patients taking ≥ 10 mg prednisone were excluded",
    "a mean difference of 41 g (95% CI 2 to 80)",
    "mean intake 12.4 ± 3.1 g per day",
    "the fat content (grams per 100 g of food) of baskets",
    "sachets dissolved in 200 mL of water",
    "a 75-g oral glucose tolerance test was performed at baseline",
    "each participant received 90 capsules for the trial duration",
    "protein intake was 1.2 g/kg in both groups",
    # a clearance written with "minute", a signed change, a dose summed over the study
    "eGFR was 58.00 ml/minute/1.73 m2 in the drug group versus 55.25 ml/minute/1.73 m2 with placebo",
    "weight gain was greater among patients receiving juice (+ 50.7 gm) than with water (- 0.7 gm)",
    "The median cumulative dose was 3200 mg of nimotuzumab given over 16 doses.",
    # "43 U.S. soldiers": a country's initials, not units
    "In this double-blind, placebo-controlled trial, 43 U.S. active duty Soldiers were assigned to treatment.",
    # the load of a test meal or drink is a challenge, not the intervention's dose
    "an 8 h postprandial challenge was initiated in 19 subjects who consumed a meal containing 53 g of test fat",
    "participants drank a test drink containing 75 g glucose",
    # a dialysis clearance prescribed in both arms is a setting, not a drug's dose
    "patients were randomized to CVVH or CVVHD, with a prescribed small solute clearance of 35 mL/kg/hour in both arms",
])
def test_measurements_thresholds_and_vehicles_are_not_doses(text):
    assert _doses(text) == []


@pytest.mark.parametrize("text, drug", [
    ("randomized to receive tofacitinib 5 mg twice daily", "tofacitinib"),
    ("sitagliptin (100 mg/day) or placebo", "sitagliptin"),
    ("G-CSF (filgrastim) 5 μg/kg for five days", "G-CSF"),
    ("patients received 500 mg naproxen twice daily", "naproxen"),
    ("10 mL of 0.5% bupivacaine was injected", None),  # a volume of a solution; its name follows "of 0.5%"
    ("Vitamin B12 1000 µg was injected monthly", "Vitamin B12"),
    ("once-daily budesonide 400 μg by inhaler", "budesonide"),
    ("D was given at 10 mg/kg weekly", "D"),
])
def test_the_drug_is_named_from_the_words_beside_the_dose(text, drug):
    assert [d.drug for d in find_drug_doses(text)] == [drug]


def test_a_dose_shared_by_a_drug_and_its_placebo_is_the_drugs():
    # "VXP or placebo at a dose of two capsules twice daily": the placebo copies the drug's dose
    text = "Subjects were randomized to receive VXP or placebo at a dose of two capsules twice daily for 12 weeks."
    assert [(d.value, d.drug) for d in find_drug_doses(text)] == [(2.0, "VXP")]


def test_the_drug_of_bracketed_doses_after_times_is_the_drug_the_dosages_are_of():
    # "two dosages of indomethacin were ingested at 10 h (75 mg) and 1 h (50 mg)": the doses are indomethacin's
    text = "two dosages of indomethacin were ingested at 10 h (75 mg) and 1 h (50 mg) before the test drink"
    assert [(d.value, d.drug) for d in find_drug_doses(text)] == [(75.0, "indomethacin"), (50.0, "indomethacin")]


@pytest.mark.parametrize("text, background", [
    ("patients on stable methotrexate (10-25 mg/week) received abatacept 10 mg/kg", [True, False]),
    ("despite methotrexate 15 mg weekly, disease was active; golimumab 50 mg monthly was added", [True, False]),
    ("participants already taking aspirin 100 mg daily were randomised to clopidogrel 75 mg",
     [True, False]),
    ("women with prior hysterectomy were given estradiol 1 mg daily", [False]),
])
def test_background_therapy_is_marked(text, background):
    assert [d.background for d in find_drug_doses(text)] == background


def test_unit_normalisation():
    assert normalise_unit("mg", "/kg/day") == "mg/kg/day"
    assert normalise_unit("µg", " per kg") == "µg/kg"
    assert normalise_unit("mg", "/m^2") == "mg/m2"
    assert normalise_unit("mg", "/d") == "mg/day"


def test_anchored_and_scanning_finders_agree():
    from extract.document import analyse
    for text in ["Participants received esomeprazole 40 mg twice daily versus placebo for 36 weeks.",
                 "Children received either 1250 IU of vitamin A; vitamin A and 10 mg of zinc daily.",
                 "ketamine (0.5mg/kg) or midazolam (0.2mg/kg) prior to treatment × 2 µg",
                 "HbA1c 7 % and 5 mg/dL; 20 μg HB vaccine intradermally or 40 µg intramuscularly"]:
        t = analyse(text, "abstract")
        assert find_drug_doses(text, t.anchored("dose_unit")) == find_drug_doses(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 .,/-mgkLµμIUdaytoblsrx()±<≥%")), max_size=80))
def test_no_text_crashes_the_finder(text):
    for d in find_drug_doses(text):
        assert text[d.start:d.end] == d.text


@pytest.mark.parametrize("text, expected", [
    ("Patients received 10^9 CFU/day of Lactobacillus or placebo.", [(1e9, "CFU/day")]),
    ("Infants received 1 × 10^9 CFU of L. reuteri daily.", [(1e9, "CFU")]),
    ("Patients received Lactobacillus rhamnosus GG (10^10 colony-forming units) twice daily.", [(1e10, "CFU")]),
    ("The probiotic group received 2 × 10⁹ cfu per day.", [(2e9, "CFU/day")]),
    ("Children received 5 billion CFU of Bifidobacterium daily.", [(5e9, "CFU")]),
    ("Patients received L. fermentum (2 × 10^7 colony forming units (CFU)/ day).", [(2e7, "CFU/day")]),
])
def test_doses_of_colony_forming_units(text, expected):
    # a probiotic's dose: a count of colony-forming units
    assert _doses(text) == expected


@pytest.mark.parametrize("text", [
    "Stool counts rose to 10^8 CFU/g in the probiotic group.",
    "Cultures grew more than 10^5 CFU/mL.",
    "Patients received fermented milk with approximately 5 × 10^9 CFU/100 g.",
])
def test_colony_counts_of_a_sample_are_no_dose(text):
    assert _doses(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Patients received interferon alfa 3 × 10^6 IU three times weekly.", [(3e6, "IU")]),
    ("Patients received 5 × 10^5 IU/kg of IL-2 every 8 hours.", [(5e5, "IU/kg")]),
    ("Patients received 1 × 10^9 PFU of the vaccine.", [(1e9, "PFU")]),
    ("Patients were given 2 × 10^11 vector genomes/kg of AAV intravenously.", [(2e11, "vg/kg")]),
])
def test_doses_of_other_counted_units(text, expected):
    assert _doses(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The krill group received eight capsules per d containing 4 g oil per d.", [(4.0, "g")]),
    ("Patients took two tablets containing 500 mg metformin twice daily.", [(500.0, "mg")]),
    ("Patients received 2 capsules, each containing 300 mg of curcumin, daily.", [(300.0, "mg")]),
    ("Patients received two capsules daily.", [(2.0, "capsules")]),
])
def test_a_count_of_capsules_with_their_content_is_the_contents_dose(text, expected):
    # "eight capsules ... containing 4 g oil": the dose is the content's mass, the capsules carry it
    assert _doses(text) == expected
