import pytest

from tests.extract.helpers import run


@pytest.mark.parametrize("abstract,weeks", [
    ("1 year and 3 years after UC-MSC treatment, DAS28 decreased.", [52.0, 156.0]),
    ("We previously reported RA patients observed for up to 8 months after infusion. 64 patients were recruited.", []),
    ("64 RA patients aged 18\u201364 years were recruited.", []),
    ("infusions on days 1, 8 and 15, and they were followed for 24 weeks. ACR20 at month 1.", [4.33, 24.0]),
    ("cytokines were measured at baseline and 24 hours after the infusion", [0.14]),
    ("Twelve weeks after MSCT, patients were evaluated. Effects lasted for 48 weeks.", [12.0, 48.0]),
    ("IL-6 fell 2\u20133 weeks after the transient IFN-\u03b3 increase.", []),
    ("FOXP3 increased at month 12.", [52.0]),
    ("outcomes at 3-6 months", [26.0]),
])
def test_study_timepoints(abstract, weeks):
    assert run(abstract).timepoints_weeks == weeks


def test_title_timepoint():
    ev = run("Patients received MSCs.", title="The 5-year Follow-up of a Phase I Trial of MSCs in RA")
    assert ev.timepoints_weeks == [260.0]


# ------------------------------------------------------------------ any trial: what is not an assessment time
T = "A randomised trial of a drug"


@pytest.mark.parametrize("abstract", [
    "Adults aged 18-75 years were eligible.",
    "Adults (45–80 years, 52% women) were enrolled.",
    "Patients between 18 and 65 years were included.",
    "Golimumab 50 mg was given on days 1 and 15.",
    "Abatacept was infused on days 1, 15 and 29.",
    "Infliximab 5 mg/kg was infused at weeks 0, 2 and 6.",
    "Injections were given at weeks 0, 4 and 8.",
    "Rituximab was given every 4 weeks for two doses.",
    "Azithromycin 500 mg daily for 3 days was given.",
    "The drug was administered orally for 5 days.",
    "A 10-year risk of cardiovascular disease above 20% was required.",
    "The 10-year cardiovascular risk score was computed.",
    "The mean difference was 3 points (95% CI 2 to 6 weeks).",
    "Median progression-free survival was 5.1 months and 7.3 months in the two arms.",
    "Length of hospital stay was 12.5 days.",
    "Recovery took 3.5 ± 1.2 days.",
    "Patients were recruited over 2 years.",
    "Symptoms had to be present for at least 3 months.",
    "Patients with disease duration of more than 6 months were eligible.",
    "Eligible infants were born before 32 weeks of gestation.",
    "Women between 10 and 20 weeks pregnant were enrolled.",
    "Stroke patients were randomised within 6 hours of symptom onset.",
    "The infusion ran over 2 hours.",
    "An 8-h infusion of the drug followed the bolus.",
    "Participants were stable for 90 days before randomization.",
    "After a 2-week washout period, patients crossed over.",
    "There was a 4-week run-in before randomisation.",
    "Urine was collected over 24 h and 24-h urine protein was measured.",
    "A test drink was followed by five-hour collection of total urine.",
    "Two doses of indomethacin were ingested at 10 h (75 mg) and 1 h (50 mg) before the test drink.",
    "Meals were served at 0800 h and 1230 h.",
    "Chemotherapy was repeated on a 3-week cycle.",
    "Subjects completed twelve 1-hour training sessions.",
    "Students attended a one-day course.",
    "Students attended a one-day point-of-care ultrasound (POC-US) course.",
    "Nurses completed a 2-day basic life support (BLS) training.",
    "A 24-hour controlled-release formulation was tested.",
    "Children between 6 months and 15 years of age were enrolled.",
    "Patients were enrolled during the first six years of the programme.",
    # how long patients had their disease or a previous therapy before the study
    "Patients had RA for 9.5 years.",
    "Patients, who had been suffering from RA for 10 years, were included.",
    "Patients had failed methotrexate for 3 months.",
    "Patients had active disease despite DMARDs for 6 months.",
    "Patients on stable methotrexate for 4 weeks were enrolled.",
    "Patients with long-standing RA (median 12 years) were enrolled.",
    "Patients with a history of knee pain for 2 years were enrolled.",
    # a range that ends "prior to" something, and weeks of pregnancy in brackets
    "Survivors completed treatment 6 months to 10 years prior to enrollment.",
    "Women were recruited during pregnancy (8\u201324 weeks).",
    # a time in brackets before "before"
    "MSCs were expanded for 2 passages (about 14 days) before infusion.",
    # when the treatment began
    "Supplemental nutrition commenced 48\u201372 hours following ICU admission.",
    "Children received zinc starting at 6 months of life.",
    "Infusions were given monthly, starting at week 4 after enrolment.",
    "Treatment, beginning at 2 weeks after surgery, lasted until discharge.",
    "Treatment was started 2 weeks after surgery.",
    # an interval between sessions or doses
    "Patients performed 12 sessions with 48-72 hours of interval between sessions.",
    "Patients received two infusions of MSCs four weeks apart.",
    "Patients received three infusions of MSCs separated by 72 h.",
    # a measure named with the time it is averaged over
    "Telmisartan reduced 24-hour mean systolic blood pressure more than losartan.",
    "The 24-h average heart rate did not differ.",
    "24-hour diastolic blood pressure fell by 5 mmHg.",
    "Telmisartan provided superior 24-hour blood pressure control.",
    "Two doses of the vaccine were given at an interval of 4 weeks.",
    "Patients received 3 injections, each separated by 2 weeks.",
    "Infusions were spaced 6 weeks apart.",
    "The two doses were given with an interval of at least 28 days.",
    # a window back from now or from enrolment
    "Within the last 10 years, new agents have been found to be efficacious.",
    "Patients with no fracture in the past 2 years were eligible.",
    "Use of steroids during the previous 3 months was an exclusion criterion.",
])
def test_not_assessment_timepoints(abstract):
    assert run(abstract, title=T).timepoints_weeks == []


@pytest.mark.parametrize("abstract, weeks", [
    ("ACR20 on day 57 (week 8) was higher with the drug.", [8.0]),
    ("Pain was lower at week 12 (day 84).", [12.0]),
    ("Supplementation over an interval of 28 days did not affect markers of safety.", [4.0]),
    ("The primary outcome was assessed at 3 months and the secondary at day 90.", [13.0]),
    ("Antibodies were measured on days 1, 8 and 30 after vaccination.", [0.14, 1.14, 4.29]),
    ("Blood was sampled 6 and 24 h after the dose.", [0.04, 0.14]),
    ("Outcomes were assessed after one and six months.", [4.33, 26.0]),
    ("During a median of 4.2 y of follow-up, 120 deaths occurred.", [218.4]),
    # a median or mean follow-up, with its spread or range after it, is the study's follow-up
    ("Patients were followed for a median of 2.5 years.", [130.0]),
    # assessments "performed ... for": the follow-up's length, not a period the study was performed in
    ("Follow-up visits were performed every 3 months for 1 year.", [52.0]),
    ("Clinical assessments were conducted every 4 weeks for 24 weeks.", [24.0]),
    ("Patients were followed up for a mean of 24 months.", [104.0]),
    ("Patients were observed for a median of 12 months.", [52.0]),
    ("Follow-up lasted a median of 3 years (range 1-5).", [156.0]),
    ("The median follow-up period was 40 months (IQR 30-50).", [173.33]),
    ("Median duration of follow-up was 30 months.", [130.0]),
    ("Patients were followed for 20 years after treatment.", [1040.0]),
    ("Median follow-up was 24 months (range, 6–48 months); the median time to relapse was 14 weeks.", [104.0]),
    ("Azithromycin was given for 3 days and patients were followed for 12 weeks.", [12.0]),
    ("The intervention group took the herbal drug every day for 3 months.", [13.0]),
    # the study's own follow-up and treatment, even after a word of the patients' history
    ("Patients who had active RA were given the drug for 12 weeks.", [12.0]),
    ("Patients had been followed for 12 months.", [52.0]),
    # a frequency, then the length of the programme: "per" names the frequency, not the timepoint
    ("Children trained in groups twice per week for four weeks.", [4.0]),
    ("Patients exercised three times per week for 12 weeks.", [12.0]),
    # "enrolled and followed for": the follow-up, not the recruitment period ("recruited over 2 years")
    ("Eighteen patients with active RA despite MTX were enrolled and followed for 6 months.", [26.0]),
    ("Forty patients were included and treated for 12 weeks.", [12.0]),
    # after a described treatment: "following playground intervention", "after the endoscopic procedure"
    ("Data were collected at baseline and 6-weeks following playground intervention.", [6.0]),
    ("Bleeding was recorded 7 days after the endoscopic procedure.", [1.0]),
    ("Patients with RA who had failed methotrexate received the drug for 24 weeks.", [24.0]),
])
def test_assessment_timepoints(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


def test_background_section_times_are_prior_knowledge_not_the_study():
    ev = run("Background\nShort trials (4 weeks) showed benefit. We aimed to test the drug over 24 weeks.\n"
             "Methods\nPatients were randomised and assessed at week 12.", title=T)
    assert ev.timepoints_weeks == [12.0, 24.0]


def test_a_colon_label_ends_the_background_section():
    ev = run("Background: Short trials (4 weeks) showed benefit.\nFindings/Methodology: Patients were treated "
             "in a 6-month programme.", title=T)
    assert ev.timepoints_weeks == [26.0]


def test_a_duration_with_its_quartiles_or_iqr_is_a_value_not_a_timepoint():
    # "2.0 weeks (Q1 = 1.0, Q3 = 3.7) vs. 4.7 weeks (Q1 = 2.0, Q3 = 8.0)": measured times, not times of assessment
    ev = run("Methods: Patients were followed for 52 weeks. Results: Median time to remission was shorter with MSC, "
             "2.0 weeks (Q1 = 1.0, Q3 = 3.7) vs. 4.7 weeks (Q1 = 2.0, Q3 = 8.0), and 12 weeks (IQR 8-16) in the other "
             "trial arm.")
    assert ev.timepoints_weeks == [52.0]


# ------------------------------------------------------------------ the study's follow-up (pipeline._followup_weeks)
@pytest.mark.parametrize("abstract, weeks", [
    ("Patients were followed up for 12 months. Blood was sampled 2 h after the infusion.", 52.0),
    ("Blood was sampled 2 h following the first injection. Outcomes were assessed at 12 weeks.", 12.0),
    ("Patients took the drug for 2 weeks, followed by placebo. Pain was assessed at week 12.", 12.0),
    ("Patients were assessed at week 4, and followed for 24 weeks.", 24.0),
])
def test_the_follow_up_is_a_follow_up_not_any_time_following_something(abstract, weeks):
    from extract.document import analyse
    from extract.pipeline import _followup_weeks
    from extract.schedule import study_timepoints

    t = analyse(abstract, "abstract")
    assert _followup_weeks(t, study_timepoints(t, frozenset())) == weeks


@pytest.mark.parametrize("abstract, weeks", [
    ("Patients were randomised to iCST or usual care over 25 wk. At the post-test (26 wk), QoL was similar.", [25.0]),
    ("This was a 12-week trial. Pain was assessed at 3 months.", [12.0]),
    ("Outcomes were assessed at weeks 4, 5 and 6.", [4.0, 5.0, 6.0]),
    ("Outcomes were assessed at week 48. An extension ran to week 52.", [48.0, 52.0]),
])
def test_the_same_time_written_twice_is_one_timepoint(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    ("ESR fell from 48.2 mm/h to 25.6 mm/h and CRP from 22.4 mg/L to 9.1 mg/L at week 24.", [24.0]),
    ("Creatinine clearance was 45 mL/min at month 6.", [26.0]),
    ("Glucose was 5.4 mmol/L and insulin 12 mU/L on day 28.", [4.0]),
])
def test_a_concentration_before_a_time_is_a_measured_value_not_a_dosing_schedule(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


def test_a_dose_per_kilogram_before_weeks_is_still_a_dosing_schedule():
    assert run("Patients received 3 mg/kg at weeks 0, 2 and 6; ACR20 was assessed at week 30.",
               title=T).timepoints_weeks == [30.0]


@pytest.mark.parametrize("abstract", [
    # two or three schedules of one sentence, each list with its unit ("..., respectively")
    "Regimens were given at 0, 2, 4, and 8 months, and 0, 2, 4, 6, and 10 months, respectively. Antibodies were "
    "measured 2 weeks after the last vaccination.",
    "Doses were given at weeks 0 and 4, or 0, 4 and 8, respectively. Antibodies were measured 2 weeks after the last "
    "vaccination.",
])
def test_each_list_of_a_dosing_schedule_is_no_assessment_time(abstract):
    assert run(abstract, title=T).timepoints_weeks == [2.0]


def test_a_dosing_schedule_after_bracketed_doses_and_arm_sizes_is_no_assessment_time():
    ev = run("A total of 105 patients were randomly assigned to receive three intravenous infusions of hUC-MSCs "
             "(1 × 10^6 cells/kg, n = 70) or placebo (n = 35) at weeks 0, 4 and 8. The primary endpoint was the "
             "ACR20 response at week 24.", title=T)
    assert ev.timepoints_weeks == [24.0]


def test_a_dose_groups_name_before_a_time_is_no_dosing_schedule():
    ev = run("Patients were divided into a low-dose group (n = 10) and a high-dose group (n = 10). DAS28 decreased by "
             "1.2 ± 0.8 in the low-dose group and 2.1 ± 0.9 in the high-dose group at week 12.", title=T)
    assert ev.timepoints_weeks == [12.0]


@pytest.mark.parametrize("abstract, weeks", [
    # a time per day or per week is how long or how often something is done, not a time of assessment
    ("All patients received DFO 12–24 hr/day sc 7 times weekly. LVEF was assessed at 6 and 12 months.", [26.0, 52.0]),
    ("Participants trained 3 days per week. Fitness was measured at 12 weeks.", [12.0]),
    ("Children wore the device 8 hours a day; outcomes were assessed at 6 months.", [26.0]),
    ("Patients walked 2 h/week. Outcomes were assessed at 6 months.", [26.0]),
])
def test_a_time_per_day_or_week_is_not_a_timepoint(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    # "92 hours (84–114 hours)": a measured duration with its interval, not a time of assessment
    ("Patients were assessed at 4 weeks. Median fever clearance times were 92 hours (84–114 hours) with A and "
     "138 hours (105–164 hours) with B.", [4.0]),
    ("Outcomes were assessed at 12 weeks. Time to healing was 9 days (7-12) with A and 14 days (10-18) with B.", [12.0]),
    # but a follow-up with its range is the study's follow-up
    ("The median follow-up was 24 months (12–36 months).", [104.0]),
    # and a time of assessment followed by an effect's interval stays a timepoint
    ("Pain fell by 5.2 points at 12 weeks (3.1–7.3).", [12.0]),
])
def test_a_duration_with_its_interval_is_a_value_not_a_timepoint(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    # a weekly series of infusions is how the cells were given; the assessments are the study's times
    ("UC-MSCs were infused once a week for 3 weeks; patients were assessed at weeks 4, 12 and 24.", [4.0, 12.0, 24.0]),
    ("MSCs were injected weekly for 4 weeks. DAS28 was measured at 3 and 6 months.", [13.0, 26.0]),
    ("MSCs were infused every 4 weeks for 6 months; DAS28 was assessed at 12 months.", [52.0]),
    ("hUC-MSCs were injected monthly for 3 months, and patients were followed for 1 year.", [52.0]),
    # with no later assessment the course is the study's time
    ("MSCs were injected weekly for 4 weeks.", [4.0]),
    ("MSCs were infused every 4 weeks for 6 months.", [26.0]),
])
def test_a_weekly_series_of_infusions_before_the_assessments_is_not_a_timepoint(abstract, weeks):
    assert run(abstract).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    # a course or a programme written as a length ("a 12-week course of", "a six-week, six-lesson iCBT program")
    # before later assessments is how the intervention was given, not a time of assessment
    ("A 12-week course of MSC infusions was given; outcomes were assessed at week 24.", [24.0]),
    ("A six-week, six-lesson iCBT program was developed. Depression was assessed at baseline and at three- and "
     "six-month follow-ups.", [13.0, 26.0]),
    ("Patients received an 8-week programme of exercise and were followed for 12 months.", [52.0]),
    # assessed at the programme's end or over it: a time of assessment
    ("Patients were assessed after attending a three-month rehabilitation program and at 6 months.", [13.0, 26.0]),
    ("The efficacy of diclofenac over a 6-week treatment course was assessed; safety was followed to week 12.",
     [6.0, 12.0]),
    # with no later assessment the programme's end is the study's time
    ("Students participated in a 6-month program of leadership training, assessed before and after the program.",
     [26.0]),
])
def test_a_course_before_the_assessments_is_not_a_timepoint(abstract, weeks):
    assert run(abstract).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    # hours listed in one sentence are each a time of assessment, however close in weeks
    ("NRS scores were greater at 3 h (P < 0.01), 6 h (P < 0.01), and 12 h (P = 0.013).", [0.02, 0.04, 0.07]),
    ("Pain was assessed at 1 h, 4 h, 8 h and 24 h.", [0.01, 0.02, 0.05, 0.14]),
    # but one time written twice is one
    ("Pain was assessed at 24 h. At 1 day, pain was lower.", [0.14]),
])
def test_hours_listed_in_one_sentence_are_each_a_timepoint(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, n_short", [
    # minutes after something, or "at" so many minutes: times of assessment
    ("Focus improved at 80-min post ingestion (p = 0.046).", 1),
    ("Glucose was measured 30 min after the meal.", 1),
    ("Apgar scores at 1 and 5 min did not differ.", 2),
    ("Blood pressure was recorded at 5, 15 and 30 minutes after the injection.", 3),
    # minutes of doing something, before something, or an interval: not
    ("Patients exercised for 30 min on a treadmill.", 0),
    ("Participants listened to music for 10 minutes.", 0),
    ("The drug was given 30 min before surgery.", 0),
    ("Heart rate was recorded at 5-min intervals.", 0),
    ("The intubation took 25 minutes.", 0),
    ("Sensory block was reached within 10 min after injection.", 0),
    ("HRR was the difference between peak HR and HR at 1–3 min after exercise.", 0),
    ("Patients received CO2 or placebo for 18:40 min after stimulation.", 0),
])
def test_minutes_after_something_are_timepoints(abstract, n_short):
    weeks = run(abstract, title=T).timepoints_weeks
    assert len([w for w in weeks if w < 0.01]) == n_short
    assert all(w > 0 for w in weeks)


@pytest.mark.parametrize("abstract, weeks", [
    # the length of a school or a degree is not a time of the study
    ("Participants were students of a 5-year junior nursing college. Retention was surveyed at 3 months and 1 year.",
     [13.0, 52.0]),
    # but a school-based programme's length is the study's
    ("Children took part in a 2-year school-based programme.", [104.0]),
    # a period after a meal is an observation window, not an infusion's length
    ("Time below 4.0 mmol/L over a 4-hour post-meal period was the primary outcome.", [0.02]),
])
def test_a_schools_length_is_not_a_timepoint_and_a_post_meal_window_is(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


def test_a_window_written_again_is_still_a_window():
    # "within 48 h of an overuse episode" ... "without review within 48 h was 0.94": the same window
    ev = run("We analysed a 24-week trial. Whether a review was obtained within 48 h of an overuse episode was "
             "determined. The proportion of days without review within 48 h was 0.94.", title=T)
    assert ev.timepoints_weeks == [24.0]


@pytest.mark.parametrize("abstract, weeks", [
    # ordinal times: "at the 6th month", "at the 1st, 3rd and 6th month after infusion"
    ("DAS28 was lower at the 6th month.", [26.0]),
    ("DAS28 was assessed at the 1st, 3rd and 6th month after infusion.", [4.33, 13.0, 26.0]),
    ("ESR fell by the 12th week of treatment.", [12.0]),
    ("Examinations were done at the end of 1st, 2nd, 3rd, and 6th month.", [4.33, 8.67, 13.0, 26.0]),
    # not a rank of something else
    ("The 3rd month of pregnancy was excluded.", []),
])
def test_ordinal_times_are_timepoints(abstract, weeks):
    assert run(abstract).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    # weeks of pregnancy named in a sentence about gestation are not times of the study
    ("Women received calls from a midwife at 28, 33 and 36 weeks and the other group had a scan at 20 weeks' "
     "gestation.", []),
    ("Haemoglobin was measured at 26, 32, and 35 wk and at delivery.", []),
    ("Parameters were compared between 26 and 35 wk and between 35 wk and delivery.", []),
    # but the study's own time in a pregnancy trial stays
    ("Pregnant women were randomised to a 12-week exercise programme.", [12.0]),
])
def test_weeks_of_pregnancy_in_a_gestation_sentence_are_not_timepoints(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


def test_weeks_of_pregnancy_named_elsewhere_in_a_pregnancy_trial_are_not_timepoints():
    ev = run("Zidovudine was started at 28 or 35 wk gestation. Between 26 and 35 wk, haemoglobin decreased. Infants "
             "were followed to 24 weeks postpartum.", title=T)
    assert ev.timepoints_weeks == [24.0]


def test_hours_and_minutes_before_something_are_not_a_timepoint():
    ev = run("Nineteen subjects had consumed coffee on average 1 h 18 min before start. Pain was rated at 12 weeks.",
             title=T)
    assert ev.timepoints_weeks == [12.0]


def test_the_parts_of_a_time_in_brackets_after_it_are_not_another_timepoint():
    # "for 16 weeks (12 weeks' intervention and 4 weeks' follow up)": 4 weeks is the last part of the 16
    ev = run("Patients received the granule or placebo for 16 weeks (12 weeks' intervention and 4 weeks' follow up). "
             "Migraine days fell at week 12.", title=T)
    assert ev.timepoints_weeks == [12.0, 16.0]


@pytest.mark.parametrize("abstract, weeks", [
    # how long an effect lasts and a window of delivery are not times of assessment
    ("The aim was a dose that would maintain 24-hour bronchodilation. FEV1 was assessed after 4 weeks.", [4.0]),
    ("Participants received tailored advice three times within 4 months. Effects were tested at 12 months.", [52.0]),
])
def test_an_effects_length_and_a_delivery_window_are_not_timepoints(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


@pytest.mark.parametrize("abstract, weeks", [
    # a lag assumed in a model is not a time of assessment
    ("Lutein was given for 24 weeks. The effect increased in the model assuming a 6-week delay in effect of lutein.",
     [24.0]),
    # an age range written again without "aged"
    ("Children aged 1–4 years were randomised. Children were followed up for 1 year providing data for 1–4 years.",
     [52.0]),
])
def test_a_lag_and_a_repeated_age_range_are_not_timepoints(abstract, weeks):
    assert run(abstract, title=T).timepoints_weeks == weeks


@pytest.mark.parametrize("bracket", ["(baseline 5.5 vs 3.9; P = 0.01)", "(baseline 5.5 vs 12 weeks 3.9; P = 0.01)",
                                     "(baseline: 5.5; 12 weeks: 3.9)"])
def test_a_bracket_opening_with_the_baseline_value_after_a_time_does_not_make_it_a_baseline_period(bracket):
    # "28 days (baseline)" is a period; "at 12 weeks (baseline 5.5 vs 3.9)" is a time of assessment
    ev = run(f"Twenty patients with RA received MSCs. DAS28 improved significantly at 12 weeks {bracket}.")
    assert ev.timepoints_weeks == [12.0]
    assert [o.timepoint_weeks for o in ev.outcomes] == [12.0]


@pytest.mark.parametrize("bracket, weeks", [("(baseline 48.5 vs month 6 29.3 mm/h)", 26.0),
                                            ("(baseline 8.4 vs week 12 3.9)", 12.0),
                                            ("(baseline 8.4 vs 12 weeks 3.9)", 12.0)])
def test_a_time_labelling_the_value_after_versus_is_a_timepoint(bracket, weeks):
    # "3.5 vs. 12.7 months" is a measured duration; "vs month 6 29.3" labels the value after it
    ev = run(f"Twenty patients with RA received MSCs. ESR improved significantly {bracket}.")
    assert ev.timepoints_weeks == [weeks]


def test_a_duration_after_versus_is_still_no_timepoint():
    ev = run("Twenty patients with RA received MSCs for 12 weeks. Median time to flare was 3.5 vs. 12.7 months.")
    assert ev.timepoints_weeks == [12.0]


@pytest.mark.parametrize("sentence", ["Patients with high miR-21 had worse PFS (3.5 vs. 12.7 months; p = 0.03).",
                                      "Patients with high miR-21 had worse PFS (3.5 vs 12.7 months; p = 0.03).",
                                      "Patients with high miR-21 had worse PFS (3.5 versus 12.7 months)."])
def test_a_duration_after_vs_with_its_dot_is_no_timepoint(sentence):
    ev = run("Twenty patients received cetuximab for 12 weeks. " + sentence)
    assert ev.timepoints_weeks == [12.0]


@pytest.mark.parametrize("sentence", ["Th17 cells were reduced at 3 months (P = 0.02).",
                                      "The Th17 cells decreased at 3 months."])
def test_a_cell_name_ending_in_digits_is_no_dose_before_a_time(sentence):
    # "2 × 10^6 cells at weeks 0 and 4" is a schedule; "Th17 cells ... at 3 months" is a time of assessment
    ev = run("Eighteen patients with RA received MSCs. " + sentence)
    assert ev.timepoints_weeks == [13.0]


@pytest.mark.parametrize("abstract", [
    "The enrolment period was 3 years. Outcomes were assessed at 6 months.",
    "Over a 14-month recruitment period, 90 patients were enrolled. Pain was assessed at 6 months.",
    "Recruitment lasted 30 months; pain was assessed at 6 months.",
    "The accrual period was 5 years and pain was assessed at 6 months.",
    "Patients were recruited from 2010 to 2012 (24 months) and assessed at 6 months.",
    "Inclusion took place over a period of 18 months. Pain was assessed at 6 months.",
])
def test_an_enrolment_period_is_not_a_timepoint(abstract):
    # how long recruitment took, not a time the patients were assessed
    assert run(abstract, title=T).timepoints_weeks == [26.0]


@pytest.mark.parametrize("sentence", [
    "The mean and median survival time for subjects treated with nimotuzumab was 31.06 and 17.76 vs. 21.07 and "
    "12.63 months for the control group.",
    "Median overall survival for the patients of the combination arm was 14.2 versus 11.0 months.",
    "The median progression-free survival of patients treated with the new regimen was 7.5 months.",
])
def test_survival_times_with_a_long_subject_are_values_not_timepoints(sentence):
    ev = run("Seventy patients were randomised to nimotuzumab or placebo and followed for 2 years. " + sentence,
             title="A randomised trial")
    assert ev.timepoints_weeks == [104.0]
