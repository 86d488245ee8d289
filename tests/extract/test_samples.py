import pytest

from tests.extract.helpers import run


@pytest.mark.parametrize("abstract,n", [
    ("64 RA patients aged 18\u201364 years were recruited in the study.", 64),
    ("A total of 297 children (150 boys and 147 girls) were randomised.", 297),
    ("Fifty-three patients were treated (20 in cohort A and 33 in cohort B).", 53),
    ("Out of 11 screened RA patients, 9 were enrolled.", 9),
    ("A total of 105 patients with persistently active RA and poor responses were randomly divided into two groups.", 105),
    ("MSCs were injected intravenously into 13 patients suffering from refractory RA.", 13),
    ("Four patients with persistently active RA underwent MSCT. Three of four patients improved.", 4),
    ("Overall, 43 patients (grades 2, 3 and 4) were assigned to either MSCs (n = 19) or placebo (n = 24).", 43),
    ("We pooled 9 trials including 450 patients.", 450),
    ("The mean age was 57.4 years and the disease duration was 9.5 years.", None),
    ("Nearly one hundred studies in preclinical models of RA have shown promising trends.", None),
])
def test_n_enrolled(abstract, n):
    assert run(abstract).n_enrolled == n


def test_screened_and_randomised_roles():
    ev = run("Of 120 patients screened, 80 were randomised. 72 patients completed the study.")
    assert ev.sample_size("screened") == 120
    assert ev.sample_size("randomised") == 80
    assert ev.n_enrolled == 80


def test_responder_counts_are_not_sample_sizes():
    ev = run("Fifty patients were enrolled. Seventeen patients from the group A (85%) and 15 from the group B "
             "(75%) experienced at least one AE.")
    assert ev.n_enrolled == 50


def test_arms_with_n():
    ev = run("Fifty-three patients were treated (20 in cohort A, 20 in cohort B, 6 in cohort C and 7 in placebo group).")
    assert [(a.name, a.n, a.is_control) for a in ev.arms] == [
        ("cohort A", 20, False), ("cohort B", 20, False), ("cohort C", 6, False), ("placebo group", 7, True)]


def test_arms_n_equals():
    ev = run("Patients were randomly assigned to MSCs (n = 19) or placebo (n = 24).")
    assert {(a.name, a.n) for a in ev.arms} == {("MSCs", 19), ("placebo", 24)}


def test_single_arm_default():
    ev = run("Twelve patients received MSCs.")
    assert [(a.name, a.n) for a in ev.arms] == [("MSC (single arm)", 12)]


@pytest.mark.parametrize("abstract,n", [
    ("We enrolled 24 patients with active RA. Of these, 20 patients completed the study.", 24),
    ("Patients with RA (n = 24) were enrolled and received MSCs.", 24),
])
def test_n_enrolled_with_the_verb_before_or_n_equals(abstract, n):
    ev = run(abstract)
    assert ev.n_enrolled == n


def test_arm_n_after_details_in_brackets():
    # "(4 x 10^7 cells per time, n = 136)": the arm is named before the bracket
    ev = run("Patients were divided into two groups: a DMARDs plus medium group (n = 36) and a DMARDs plus UC-MSCs "
             "group (4 x 10^7 cells per time, n = 136).")
    assert ("DMARDs plus UC-MSCs group", 136) in {(a.name, a.n) for a in ev.arms}


def test_an_arm_without_cells_is_a_control():
    ev = run("Patients were randomly divided into a medium without MSCs group (n = 10) and an MSC group (n = 20). "
             "DAS28 decreased significantly.")
    control = {a.name: a.is_control for a in ev.arms}
    assert control == {"medium without MSCs group": True, "MSC group": False}
    assert {o.arm for o in ev.outcomes} == {"MSC group"}  # results go to the one treated arm


def test_patients_per_cohort_give_each_dose_arm_its_n():
    ev = run("Twelve patients received placental MSCs at 0.5, 1 or 2 x 10^6 cells/kg (four patients per cohort).")
    assert [a.n for a in ev.arms] == [4, 4, 4] and ev.n_enrolled == 12


def test_arms_from_responders_of_each_group():
    ev = run("Sixty patients were randomized 1:1 to MTX plus UC-MSCs or MTX alone. At week 24, 18 of 30 patients "
             "(60.0%) in the UC-MSC group and 9 of 30 (30.0%) in the MTX alone group achieved ACR20 (P = 0.02).")
    assert [(a.name, a.n, a.is_control) for a in ev.arms] == [("UC-MSC group", 30, False),
                                                             ("MTX alone group", 30, True)]


# ------------------------------------------------------------------ any trial: the number enrolled
DRUG_TITLE = "A randomised trial of a drug"


@pytest.mark.parametrize("abstract, n", [
    ("Sixty-four subjects were randomized to etanercept or placebo.", 64),
    ("A total of 1,204 patients (n = 602 and n = 602) were randomised.", 1204),
    ("We randomly assigned 3,075 participants to the two strategies.", 3075),
    ("Eighty-one (64%) entered randomisation and 70 completed the trial.", 81),
    ("Participants. Adults (N = 212; 120 women; age range, 40-70 years) with hip pain.", 212),
    ("A total of 46 trained runners participated in this crossover study.", 46),
    ("120 healthy, older volunteers were given the vaccine.", 120),
    ("Of 400 patients screened, 250 met the criteria and were randomised.", 250),
    ("Among 512 women randomly assigned to the two regimens, 480 were analysed.", 512),
    ("Seventy-two patients who underwent knee replacement between March 2015 and May 2016 were randomized.", 72),
    ("In 2016, 96 children were enrolled.", 96),
    ("A group of 70 subjects with borderline hypertension was recruited.", 70),
    # a bracket that describes the sample ("(76% women, ...)") is not a responder share ("(85%)")
    ("A total of 151 adults (76% women, mean age 52.5) with type 2 diabetes were allocated to education (n = 76) "
     "or usual care (n = 75).", 151),
    ("Results: 76 nurses (97% female; age: 46 \u00b1 11 years) participated.", 76),
    ("A total of 144 individuals (78% women, M age = 50.2 yrs) completed the program. There was complete data on "
     "91 participants.", 144),
    # "to either the study group (n = 352) or the control group": the arms have their own n, so the count
    # before them is everyone's
    ("A total of 695 newborns were randomly assigned to either the study group (n= 352) or the control group "
     "(n=343).", 695),
    ("Thirty-two healthy volunteers were assigned to an irsogladine group (Group I; n = 16) receiving irsogladine, "
     "or an omeprazole group (Group O; n = 16) receiving omeprazole.", 32),
    ("495 patients from the SOPHO-Net trial (54.5% female, mean age 35.2 years) who were randomized to either CBT "
     "or waiting list completed the questionnaire.", 495),
    ("Eight sedentary, overweight/obese men (age: 36 years) completed two periods.", 8),
    # the role named among the describing words: "out of 7,647 included patients" (not screened)
    ("Overall 164 out of 7,647 included patients (2.1%) developed an infection.", 7647),
    ("Of 140 randomized patients, 135 were analysed.", 140),
    # "a sample of 100 third-graders": the sample, whatever noun names its members
    ("The programmes were applied in a sample of 100 Spanish elementary school third-graders.", 100),
    # a planned sample is not the enrolled one; complete data are the analysed
    ("The sample size was not reached; of a planned 2400 women, 880 were enrolled, 405 in the intervention group.",
     880),
    ("In total 350 participants were randomised. At 12 months 301 participants had full data needed to be included "
     "in the economic evaluation.", 350),
    # the sample's make-up in brackets is not its size; the role is read past the bracket
    ("Sixty patients (aged 25-65 years; 48 women) were enrolled.", 60),
    ("A total of 40 RA patients (32 females, 8 males) were enrolled.", 40),
    ("The mean age of the 40 enrolled patients was 52 years.", 40),
    # "were randomly assigned" after the count; eligibility is screening
    ("Of the 312 patients assessed for eligibility, 240 were randomly assigned (120 per group).", 240),
    ("Of 300 patients screened, 250 were eligible and 200 were randomized.", 200),
    ("The sample comprised 84 nursing home residents.", 84),
    ("Parents were recruited from 30 preschools (N = 394 participants, mean age 35.2 years).", 394),
    ("Forty-nine patients with an APACHE II admission score \u226513 were randomly assigned to EMS or control.", 49),
    # an age written as one word among the describing words
    ("The participants were 402 community-dwelling 85-y-old people.", 402),
    ("We conducted a randomized controlled trial involving 534 6- to 10-year-old rural children.", 534),
    # "complete" is not "completed"; "a subset of 19 subjects" is part of the sample, not its total
    ("Thirty human volunteers were fed complete, whole food diets during 4 wk periods. A postprandial challenge "
     "was initiated in a subset of 19 subjects.", 30),
    ("Cancer survivors (N = 74) who reported at least moderate fatigue (i.e., \u22654 on a 0\u201310 scale) were "
     "randomized to OLP or TAU.", 74),
])
def test_n_enrolled_of_any_trial(abstract, n):
    assert run(abstract, title=DRUG_TITLE).n_enrolled == n


@pytest.mark.parametrize("abstract", [
    "Thirty patients were assigned to the treatment group and another 30 patients to the control group.",
    "45 patients were randomly assigned to the exercise arm, 44 to the diet arm and 46 to usual care.",
    "Patients were randomised: 25 to vitamin D and 25 to placebo.",
    "12 participants randomized to the active arm took the capsules; 13 participants randomized to the placebo "
    "arm took identical capsules.",
    "Patients received either acupuncture (38 patients) or sham needling (36 patients).",
    "Of those randomised to the gel (n = 80) or the cream (n = 78), two withdrew.",
    "The participants were evenly divided: 202 participants were allocated to the intervention group and 200 "
    "participants to the control group.",
    "We randomly assigned 1,161 patients to tranexamic acid and 1,164 to placebo.",
    "Seventy-two patients were eligible.",
    # a list of counts before one noun: each arm's ("19 and 24 students ..., respectively")
    "There were 19 and 24 students who participated in the phase I and phase II programmes, respectively.",
    "Twenty, 22 and 21 patients were enrolled at the three sites.",
    # two counts with the same verb: each arm's
    "Twenty residents used the French version of the tool and 22 used the English version.",
    "Thirty patients received acupuncture and 28 received sham needling.",
    # "N patients ... were compared with M patients": two arms
    "In this randomised study, 450 patients who underwent ultrasound-guided cannulation were prospectively compared "
    "with 450 patients in whom the landmark technique was used.",
    # "N patients ... comprised the X group": an arm
    "Seventy-five HIV-1 infected patients failing first-line therapy comprised the TDF group. Seventy-five patients "
    "matched for age made up the control.",
    # "children with ASD in the intervention group (N = 15)": the group's n
    "Children with ASD in the intervention group (N = 15) received four sessions. Children with ASD in the wait-list "
    "control group (N = 15) received the training later.",
    # a denominator of a share: "49 of 393 patients"
    "In the intervention group, 49 of 393 patients with a second prescription received education.",
    # two counts of two kinds of people, with no total: each is a part
    "Methods: 150 boys and 147 girls were randomly selected from 26 elementary schools to wear accelerometers.",
    "Twenty men and 18 women with hypertension were enrolled.",
])
def test_arm_sizes_are_not_the_enrolled_total(abstract):
    assert run(abstract, title=DRUG_TITLE).n_enrolled is None


@pytest.mark.parametrize("abstract", [
    "At week 24, the response was higher with the drug.",
    "Participants aged 40 to 65 years were eligible.",
    "Patients received 200 mg daily.",
    "Serious adverse events occurred in 14 patients in the drug group.",
    "Recruitment ran between January 2014 and December 2014 were randomised.",
    "Eligible were ASA physical status 1\u20133 patients.",
    "Blood samples of 20 mL were drawn.",
    "The required sample size of 120 patients was calculated for 80% power.",
    "We needed a sample of 120 children to detect the difference.",
    "Before treatment completion, 24 patients discharged themselves from hospital (4 in ECT and 20 in CBT).",
    "Neonatal hypoglycemia occurred in 6 neonates whose mothers were in Group I and 3 in Group II.",
    "In the carbetocin group 462 subjects were included and in the oxytocin group 1,122.",
    "The final sample consisted of five subjects in Group V, nine subjects in Group P and seven subjects in Group C.",
    "A sample of 5 mL of blood was drawn at week 12.",
])
def test_weeks_ages_doses_events_and_years_are_not_sample_sizes(abstract):
    assert run(abstract, title=DRUG_TITLE).n_enrolled is None


def test_arms_of_an_allocation_sentence():
    ev = run("Adults were randomly assigned (1:1:1) to yoga, stretching or a self-care book.", title=DRUG_TITLE)
    assert [a.name for a in ev.arms] == ["yoga", "stretching", "self-care book"]


def test_arms_with_their_n_from_an_allocation_sentence():
    ev = run("Between 2012 and 2014, 40 patients were randomly assigned to the ibuprofen group, 41 to the "
             "paracetamol group and 39 to the placebo group.", title=DRUG_TITLE)
    assert [(a.name, a.n, a.is_control) for a in ev.arms] == [
        ("ibuprofen group", 40, False), ("paracetamol group", 41, False), ("placebo group", 39, True)]
    assert ev.n_enrolled is None


def test_the_default_arm_of_a_controlled_trial_without_cells_is_all_patients():
    ev = run("Ninety patients with gout were enrolled in this placebo-controlled trial of colchicine. Pain "
             "decreased (P < 0.05).", title="Colchicine in acute gout")
    assert [(a.name, a.n) for a in ev.arms] == [("all patients", 90)]
    ev = run("Ninety patients with gout were randomised to colchicine 0.5 mg or placebo.", title="Colchicine in gout")
    assert [(a.name, a.n, a.is_control) for a in ev.arms] == [("colchicine 0.5 mg", None, False),
                                                             ("placebo", None, True)]


def test_the_default_arm_of_a_single_arm_drug_study_is_the_drug():
    ev = run("Thirty patients received hydroxychloroquine 400 mg daily for 12 weeks.", title="Hydroxychloroquine in "
             "hand osteoarthritis: an open-label study")
    assert [(a.name, a.n) for a in ev.arms] == [("hydroxychloroquine", 30)]


def test_the_default_arm_of_a_cell_study_stays_msc():
    ev = run("Twelve patients received MSCs.")
    assert [(a.name, a.n) for a in ev.arms] == [("MSC (single arm)", 12)]


def test_verb_count_and_a_long_description_before_the_person_noun():
    # "We recruited <count> <several describing words, a bracket> employees": the verb decides the role
    ev = run("Methods: We recruited one hundred and ninety four overweight and obese (BMI>27.5 kg/m2) employees from a "
             "local university.")
    assert ev.n_enrolled == 194
    assert run("Methods: We enrolled 120 adult (\u226518 years) and elderly RA patients.").n_enrolled == 120
    assert run("Methods: We enrolled 12 weeks of data from patients.").n_enrolled is None


def test_a_date_before_the_count_is_not_a_list_of_counts():
    ev = run("From March 2002 to July 2004, 86 patients underwent surgery.", title=DRUG_TITLE)
    assert ev.n_enrolled == 86


def test_the_achieved_sample_size_is_the_total():
    # "with the achieved sample size of 20 patients": the total, not an event count before it
    ev = run("In 2 patients on DFO monotherapy heart failure deteriorated. The study was terminated early and with "
             "the achieved sample size of 20 patients there was 80% power.", title=DRUG_TITLE)
    assert ev.n_enrolled == 20
    # but a required or calculated sample size is a plan
    ev = run("A sample size of 120 patients was required to detect a difference. Pain fell in 12 patients.",
             title=DRUG_TITLE)
    assert ev.n_enrolled != 120


def test_a_count_after_a_full_stop_with_no_space_is_read():
    ev = run("A pretest-posttest design was used.Sixty patients with indications for HAART participated.",
             title=DRUG_TITLE)
    assert ev.n_enrolled == 60


@pytest.mark.parametrize("abstract", [
    # counted things that are not people: queries, simulated cases, images
    "They were asked to translate 12 questions into queries. 492 queries were analysed.",
    "A total of 84 simulated cases were tested.",
    "In total 300 images were analysed.",
])
def test_counts_of_things_that_are_not_people_are_not_sample_sizes(abstract):
    assert run(abstract, title=DRUG_TITLE).n_enrolled is None


def test_a_total_then_a_count_with_another_verb_stays_the_total():
    assert run("Sixty-four patients were enrolled and 60 completed the study.", title=DRUG_TITLE).n_enrolled == 64


@pytest.mark.parametrize("abstract, n", [
    # "a trial of N <a long description> patients": the count before a long describing phrase
    ("This was a randomized, observer-blinded trial of 34 American Society of Anesthesiologists (ASA) physical status "
     "1–3 patients who underwent TKA.", 34),
    ("We conducted a trial in 120 consecutive treatment-naive HIV-infected adult patients.", 120),
])
def test_a_trial_of_a_count_with_a_long_description(abstract, n):
    assert run(abstract, title=DRUG_TITLE).n_enrolled == n


def test_a_count_with_a_describing_bracket_before_the_verb():
    ev = run("In this randomized trial 44 migrainous (from 4–15 years of age) were equally allocated to receive "
             "cinnarizine or topiramate.", title=DRUG_TITLE)
    assert ev.n_enrolled == 44


def test_the_study_population_n_is_the_total():
    ev = run("Of the total study population (n = 591, 97% of eligible subjects), 513 (251 in the intervention group and 262 "
             "in the control group) participated in this study.", title=DRUG_TITLE)
    assert ev.n_enrolled == 591


@pytest.mark.parametrize("abstract, n", [
    ("We enrolled 9 patients in each of three dose cohorts (N = 27).", 27),
    ("AIB1 was analyzed in tissue microarrays of the Danish subcohort (N = 1396) of the trial.", 1396),
    ("The study sample (N = 120) was randomly allocated to two arms.", 120),
    # one cohort's n is that cohort's, not the total
    ("Patients of the first cohort (n = 12) received the low dose.", None),
])
def test_the_cohorts_or_sample_n_is_the_total(abstract, n):
    assert run(abstract, title=DRUG_TITLE).n_enrolled == n


def test_a_count_of_men_or_women_in_a_bracket_is_the_samples_make_up():
    ev = run("In this trial, 43 soldiers were assigned to treatment (n = 20; 16 males and 4 females) or placebo (n = 23; "
             "15 males and 8 females).", title=DRUG_TITLE)
    assert ev.n_enrolled in (None, 43)
    assert 16 not in [s.n for s in ev.sample_sizes]


@pytest.mark.parametrize("abstract", [
    "In study 1, we provided 96 participants (48 men) with an empathy scenario, while in study 2, a sample of 120 "
    "individuals (60 men) performed a computerized task.",
    "Two randomised crossover studies were performed. Study A was conducted in 33 asthmatic adults. Study B was "
    "conducted in 75 asthmatic adults.",
    "Experiment 1 enrolled 40 healthy volunteers. In Experiment 2, 52 volunteers were randomised.",
])
def test_counts_of_separate_studies_give_no_single_total(abstract):
    # each count is one study's: the abstract states no total of the two
    assert run(abstract, title="Two randomised trials").n_enrolled is None


def test_a_total_across_labelled_studies_is_still_the_total():
    ev = run("A total of 150 patients were enrolled in two studies. In study 1, 70 patients received X; in study 2, "
             "80 patients received Y.", title="Two randomised trials")
    assert ev.n_enrolled == 150


def test_one_study_label_is_no_multi_study_abstract():
    ev = run("In the SPRUCE study 1, 374 patients were randomised to tiotropium or placebo.", title="A trial")
    assert ev.n_enrolled == 374


@pytest.mark.parametrize("abstract", [
    "We compared placebo and 10 mg adenosine in 6 normal and 6 asthmatic subjects.",
    "The study included 12 healthy and 14 diabetic volunteers.",
    "We studied 20 male and 22 female athletes.",
])
def test_counts_of_two_described_groups_are_each_one_groups(abstract):
    # "6 normal and 6 asthmatic subjects": two groups, each with its count; no total is stated
    assert run(abstract, title="A randomised trial").n_enrolled is None


def test_a_count_of_patients_and_a_count_of_controls_keeps_the_patients():
    ev = run("We enrolled 30 patients and 10 healthy controls.", title="A randomised trial")
    assert ev.n_enrolled == 30


@pytest.mark.parametrize("abstract, n", [
    ("Of the 40 patients enrolled, 36 completed the trial.", 40),
    ("Of the 64 patients randomised, 60 completed the 12-month follow-up.", 64),
    ("Of the 30 patients, 12 responded.", None),
])
def test_of_the_n_patients_enrolled_is_the_sample(abstract, n):
    # "of the 40 patients" is a share's whole; "of the 40 patients enrolled," names the sample
    assert run(abstract, title="A randomised trial").n_enrolled == n


@pytest.mark.parametrize("noun", ["schoolchildren", "toddlers", "preschoolers", "teenagers", "dyads",
                                  "mother-infant pairs", "twins", "farmers", "drivers", "cyclists", "swimmers",
                                  "football players", "diabetics", "asthmatics", "clients", "trainees", "seniors"])
def test_more_person_nouns(noun):
    ev = run(f"Methods: 86 {noun} took part in this randomised trial.", title="A randomised trial")
    assert ev.n_enrolled == 86


def test_a_count_of_the_persons_things_is_not_a_sample():
    # "2621 cyclists' movements, made by 587 participants": the count is of movements
    ev = run("Results: 2621 cyclists' movements, made by 587 participants, were captured by the video system.",
             title="A randomised trial")
    assert ev.n_enrolled == 587
    assert run("We reviewed 120 patients’ records.", title="A randomised trial").n_enrolled is None


@pytest.mark.parametrize("abstract, names", [
    ("120 patients were randomised to tocilizumab 8 mg/kg (n = 60) or placebo (n = 60).",
     [("tocilizumab 8 mg/kg", 60), ("placebo", 60)]),
    ("Patients were randomized to adalimumab 40 mg (n=30), etanercept 50 mg (n=30) or placebo (n=30).",
     [("adalimumab 40 mg", 30), ("etanercept 50 mg", 30), ("placebo", 30)]),
    ("90 patients were randomly assigned to methotrexate 15 mg weekly (n = 45) or placebo (n = 45).",
     [("methotrexate 15 mg weekly", 45), ("placebo", 45)]),
])
def test_an_arm_named_by_its_drug_dose_keeps_the_dose(abstract, names):
    # "tocilizumab 8 mg/kg (n = 60)": the dose's number stays with its unit in the arm's name (was
    # "tocilizumab mg/kg"); a cell count before "(n = 9)" is still no part of the name (test above)
    ev = run(abstract)
    assert [(a.name, a.n) for a in ev.arms] == names


def test_an_arm_after_the_population_and_to_is_an_arm():
    # "patients with RA to vitamin D (n = 33)": "with" before the population does not make the arm after "to"
    # the population (was: vitamin D lost, placebo the only arm)
    ev = run("We randomised 66 patients with RA to vitamin D (n = 33) or placebo (n = 33) for 12 weeks.")
    assert [(a.name, a.n) for a in ev.arms] == [("vitamin D", 33), ("placebo", 33)]


def test_an_arm_named_again_with_group_is_the_same_arm():
    # "placebo (n = 30)", then "6 of 30 (20%) in the placebo group": one arm (was: "placebo" and "placebo group")
    ev = run("Sixty patients were randomised to drug A (n = 30) or placebo (n = 30). In the drug A group, 15 of 30 "
             "patients (50%) achieved an ACR20 response compared with 6 of 30 (20%) in the placebo group.")
    assert [(a.name, a.n) for a in ev.arms] == [("drug A", 30), ("placebo", 30)]


def test_arms_listed_in_one_bracket_each_with_its_n():
    ev = run("A total of 80 patients were included (drug A, n = 40; placebo, n = 40). IL-6 decreased in the drug A "
             "group (−14.6 pg/mL, P = 0.003) but not in the placebo group (−2.1 pg/mL, P = 0.41).")
    assert [(a.name, a.n) for a in ev.arms] == [("drug A", 40), ("placebo", 40)]
    assert sorted((o.arm, o.change_mean) for o in ev.outcomes) == [("drug A", -14.6), ("placebo", -2.1)]


@pytest.mark.parametrize("abstract, names", [
    ("We randomised 50 patients with gout to colchicine or naproxen.", ["colchicine", "naproxen"]),
    ("We randomly assigned 120 adults with active rheumatoid arthritis to tocilizumab or placebo.",
     ["tocilizumab", "placebo"]),
])
def test_arms_after_the_people_randomised(abstract, names):
    # "randomised 50 patients with gout to A or B": the people randomised may stand between the verb and "to"
    assert [a.name for a in run(abstract).arms] == names


@pytest.mark.parametrize("abstract, arms", [
    ("Forty-two patients were enrolled; 21 received MSCs and 21 received placebo.", [("MSCs", 21), ("placebo", 21)]),
    ("Of the 44 patients enrolled, 22 received tofacitinib and 22 received placebo.",
     [("tofacitinib", 22), ("placebo", 22)]),
])
def test_counts_that_received_each_treatment_are_the_arms(abstract, arms):
    assert [(a.name, a.n) for a in run(abstract).arms] == arms


def test_counts_that_received_other_drugs_are_no_arms():
    # the counts do not add up to the patients counted before them: co-medication, not the arms
    names = {a.name for a in run("Of 40 patients, 12 received rescue medication and 5 received steroids.").arms}
    assert not names & {"rescue medication", "steroids"}
