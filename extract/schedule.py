"""Which sentences describe other studies or background, and which timepoints are the study's own.

`earlier_study_sentences(text)`: sentences about earlier work ("We previously reported ...",
"in our previous study"); their numbers belong to another study.

`background_sentences(text)`: the sentences of a structured abstract's Background / Introduction
section ("Background\\n...", "Introduction: ...") that are not the study's aim ("We aimed to ...",
"The efficacy of X over a 6-week course was investigated"): what they say is prior knowledge
("short-term studies (2 weeks)", "pain associated with intravenous cannulation").

`study_timepoints(text, skip)`: the assessment timepoints of `extract.quantities.find_timepoints`
minus what is not a time at which the study measured something:
- baseline and week 0 ("weeks 0, 2 and 4" begins a schedule; week 0 is baseline);
- timepoints in skipped sentences (earlier studies, background);
- dosing days and schedules: "on days 1, 8 and 15", "400 mg at weeks 0, 2 and 4",
  "injections at weeks 0 and 4", "twice daily for 2 days", "15 μg/kg for 5 days" (a course of a
  few days given with a dose or a dosing frequency), "an 8 h infusion", "infused over 2 hours";
- windows and relative timings not measured from the treatment: "2-3 weeks after the transient
  IFN-γ increase", "within 8 weeks of selection", "within 8 h of symptom onset", "90 days before
  randomization" (anything before or prior to something);
- thresholds and eligibility: "at least 3 months", "more than 6 months", "≥ 12 weeks", "≤26
  gestational weeks", "32 weeks of gestation";
- ages: "aged 18-75 years" (find_timepoints), "(40–75 years, 69% males)": a range of years from 16
  up, or any number of years from 18 up, unless it is a follow-up ("a 20-year follow-up");
- risk-score horizons: "10-year risk", "10-year cardiovascular risk";
- CI and range bounds and durations that are results: "(95% CI 8 to 16 weeks)", "(range, 6–48
  months)", "median time to remission 12 weeks";
- the study period: "recruited over 2 years";
- measure names: "24-h urine protein", "2-h plasma glucose".
"day 85 (week 13)" is one timepoint: of a timepoint and its restatement in brackets, the one
written in weeks is kept (else the first).
"""
from __future__ import annotations

import re

from extract.document import Text
from extract.fastre import words
from extract.quantities import Timepoint, weeks_from

__all__ = ["AIM_RE", "DOSING_DAYS_RE", "EARLIER_STUDY_RE", "background_sentences", "distinct_weeks", "dosing_days",
           "earlier_study_sentences", "is_aim", "is_relative_timing", "study_timepoints"]

# "we previously reported", "our previous study", "in a prior trial". Written with a fast start
# (fastre.words; alternatives with the same first letter keep their order, so each match is the
# plain pattern's); the plain spelling, `\b(?:we|our\s+group|the\s+authors)\s+...` with re.I, is in
# tests/extract/test_speed_paths.py, which checks that both give the same matches.
_REPORTED_EARLIER = r"\s+(?:have\s+)?(?:previously|earlier|recently)\s+(?:reported|shown|demonstrated|described|published|found)"
EARLIER_STUDY_RE = re.compile(words([
    "we" + _REPORTED_EARLIER, r"our\s+group" + _REPORTED_EARLIER, r"the\s+authors" + _REPORTED_EARLIER,
    r"previous(?:ly)?\s+(?:reported|published)",
    r"our\s+(?:previous|earlier|prior|former)\s+(?:study|trial|report|work|studies)",
    r"in\s+(?:a|the|our)\s+(?:previous|earlier|prior)\s+(?:study|trial|report)"]))
DOSING_DAYS_RE = re.compile(
    r"\b(?:on|at)\s+days?\s+(?:0|1)\b(?:\s?(?:,|and|or|-|to)\s?(?:and\s)?(?:days?\s)?\d+)*", re.I)
RELATIVE_AFTER_RE = re.compile(
    r"^\s*(?:after|following)\s+(?:the\s+|a\s+|an\s+)?(?P<what>[\w-]+)", re.I)
_NEXT_TWO_WORDS = re.compile(r"(?:\s+[\w-]+){1,2}")
TREATMENT_WORDS = re.compile(
    r"^(?:first|last|second|third|final|single|initial|msc|mscs|msct|cell|cells|stem|infusion|infusions|"
    r"injection|injections|treatment|treatments|therapy|therapies|transplant|transplantation|implant|"
    r"implantation|implantations|administration|intervention|randomi[sz]ation|baseline|enrol+ment|inclusion|"
    r"start|initiation|dosing|dose|doses|procedure|surgery|end|uc|bm|hucb|ucb|ad|allogeneic|autologous|"
    r"mesenchymal|umbilical|bone|adipose|study|trial|entry|admission|discharge|onset|operation|"
    r"transfusion|vaccinations?|vaccines?|immuni[sz]ations?|boosters?|exposure|delivery|birth|childbirth|"
    r"[a-z]+-mscs?)$", re.I)
# "before randomization", "prior to surgery": a time before the study's start is never a follow-up
# (also at the end of a range, "6 months to 10 years prior to enrollment", or of a bracket, "(about 14 days) before")
# and of a list with bracketed doses: "at 10 h (75 mg) and 1 h (50 mg) before ingesting")
BEFORE_RE = re.compile(r"^\s*(?:\([^()]{0,20}\)\s*)?(?:(?:-|–|to|,|and|or)\s*(?:and\s+)?[\d.]+\s*[a-z]{1,6}\s*"
                       r"(?:\([^()]{0,20}\)\s*)?)?\)?\s*(?:(?:and\s+)?\d+\s?min(?:utes?|s)?\s+)?"  # "1 h 18 min before start"
                       r"(?:before|prior\s+to|preceding|pre-)", re.I)
# "within 8 weeks of selection", "within 8 h of symptom onset": a window, unless measured from treatment
WITHIN_BEFORE_RE = re.compile(r"\bwithin\s+(?:the\s+)?(?:first\s+)?$", re.I)
WITHIN_OF_AFTER_RE = re.compile(r"^\s*(?:of|from|since)\s+(?:the\s+|a\s+|an\s+)?(?P<what>[\w-]+)", re.I)
# The patterns read on the words before a timepoint begin with a character set (fastre.words: the
# first letters of their words) and end with "$": Python's re then skips the positions whose
# character cannot start them, 5-10 times faster than a "\b(?:...)" alternation.
# a threshold or an eligibility window: "at least 3 months", "more than 6 months", "≥ 12 weeks"
THRESHOLD_BEFORE_RE = re.compile(words([
    r"at\s+least", r"at\s+most", *(rf"{w}\s+than" for w in ("more", "less", "longer", "shorter", "greater", "fewer")),
    r"minimum\s+of", r"maximum\s+of", r"min\.?", r"no\s+more\s+than", "exceeding", "under", "below",
    r"gestational\s+age\s+(?:of\s+)?", r"gestation\s+(?:of\s+)?", r"postmenstrual\s+age\s+(?:of\s+)?",
    r"gestation\s*\(", r"pregnancy\s*\("]) + r"\s*$")
COMPARATOR_BEFORE_RE = re.compile(r"[<>≤≥=][<>=]?\s*$")
# "three infusions separated by 72 h", "given at an interval of 4 weeks": the gap between two doses (not "over an
# interval of 28 days": how long the study ran)
INTERVAL_BEFORE_RE = re.compile(words([r"separated\s+by", r"spaced\s+(?:by\s+)?", r"at\s+(?:an?\s+)?intervals?\s+of",
                                        r"with\s+(?:an?\s+)?intervals?\s+of"]) + r"\s*$")
GESTATION_AFTER_RE = re.compile(r"^\s?(?:'s?\s+|’s?\s+)?(?:of\s+)?(?:gestation|gestational|pregnancy|pregnant|"
                                r"postmenstrual|post-?menstrual|corrected\s+age|postconceptional)\b", re.I)
# a dose, a dosing word or "dosed" right before "at/on <weeks|days> ...": a dosing schedule
# (a concentration or a rate is a measured value: "CRP fell to 9.1 mg/L at week 24", "45 mL/min at month 6")
# (not the digits of a name: "Th17 cells were reduced at 3 months")
_DOSE_UNIT = r"(?<![A-Za-z])(?<![A-Za-z]\d)(?<![A-Za-z]\d\d)\d\s?(?:mg|g|µg|μg|ug|mcg|IU|U|units|mL|ml|cells|MSCs|mg/kg|µg/kg|μg/kg|mg/m2)\b(?!\s?/\s?(?:[dmµμ]?[lL]|min)\b)"
# ("a high-dose group", "the low-dose arm" name an arm, not a dosing: "2.1 in the high-dose group at week 12")
_DOSING_WORDS = words([r"dos(?:e|es|ed|ing)(?<![-‐]dose)(?<![-‐]doses)", "given", "administered", "injected", "infused", "vaccinated",
                       r"vaccinations?", r"injections?", r"infusions?", r"boosters?", r"applications?",
                       r"instillations?"])
# (a bracket group, "(1 × 10^6 cells/kg, n = 70)", is skipped as one step: "infusions of X (...) or placebo (...) at
# weeks 0, 4 and 8")
_SCHEDULE_REST = (r"(?:\([^()]{0,60}\)|(?!assess|evaluat|measur|follow|examin|record|obtain|collect|test|visit|observ)"
                  r"[^.;(]){0,30}?"
                  r"\b(?:at|on)\s+(?:(?:weeks?|days?|months?|wks?)\s+)?"
                  # (every list of the sentence's schedules: "at 0, 2 and 8 months, and 0, 4 and 10 months")
                  r"(?:[\d.]+\s?(?:(?:weeks?|days?|months?|wks?),?\s?)?(?:,|and|or|&)\s?(?:(?:and|or)\s)?)*$")
# two patterns, each with a fast start: after a dose, after a dosing word
SCHEDULE_BEFORE_RES = (re.compile(_DOSE_UNIT + _SCHEDULE_REST), re.compile(rf"{_DOSING_WORDS}\b" + _SCHEDULE_REST))
# "twice daily for 2 days", "15 μg/kg for 5 days", "daily for three days": a course of the drug
_COURSE_REST = r"[^.;]{0,25}?(?:\bfor|×|\bx)\s*$"
COURSE_BEFORE_RES = (
    re.compile(rf"{_DOSE_UNIT}{_COURSE_REST}"), re.compile(rf"/\s?d(?:ay)?\b{_COURSE_REST}"),
    re.compile(words(["administered", "given", "taken", "applied", "used", "prescribed", "continued"])
               + r"\s+(?:orally\s+|intravenously\s+|subcutaneously\s+|topically\s+|daily\s+)?for\s+$"),
    re.compile(words(["daily", "twice", "thrice", "once", r"times\s+(?:a|per)\s+day", r"b\.?i\.?d", r"t\.?i\.?d",
                      r"q\.?i\.?d", r"per\s+day", r"a\s+day", r"every\s+\d+\s?h(?:ours?)?", "hourly", "nightly"])
               + rf"\b{_COURSE_REST}"))
# "an 8 h infusion", "infused over 2 hours": how long one administration takes
INFUSION_AFTER_RE = re.compile(r"^\s?-?\s?(?:long\s+)?(?:infusions?|bolus|drips?|injections?|perfusions?)\b", re.I)
INFUSION_BEFORE_RE = re.compile(words(["infused", "given", "administered", "delivered", "injected", "infusion"])
                                + r"\s+over\s+(?:a\s+(?:period\s+of\s+)?)?$"
                                r"|\bover\s+(?:a\s+(?:period\s+of\s+)?)?$"
                                rf"|{_DOSE_UNIT}\s+(?:in|over|within)\s+$")
SESSION_AFTER_RE = re.compile(r"^\s?-?\s?(?:[\w-]+\s+){0,3}?(?:\([\w-]{1,12}\)\s+)?"  # "a 2-day basic life support (BLS) training"
                              r"(?:trainings?|sessions?|courses?|class(?:es)?|"
                              r"workshops?|formulations?|controlled-release|extended-release|sustained-release|"
                              r"modified-release|controlled\s+release)\b", re.I)
SCHOOL_AFTER_RE = re.compile(r"^\s?-?\s?(?:[\w-]+\s+){0,2}?(?:colleges?|schools?|universit(?:y|ies)|degree|curriculum|"
                             r"residency|diploma|institute)(?![\w-])", re.I)  # not "a 2-year school-based programme"
# "over a 4-hour post-meal period": an observation window after something, not how long an infusion took
_POST_AFTER_RE = re.compile(r"^\s?-?\s?(?:post\b|post-|postprandial|after\b|following\b)", re.I)
AGE_RANGE_AFTER_RE = re.compile(r"^\s*(?:and|to|-|–)\s*[\d.]+\s*(?:days?|weeks?|months?|years?|y)\s+(?:of\s+age|old)\b",
                                re.I)
RISK_AFTER_RE = re.compile(r"^\s?-?\s?(?:(?:[\w-]+\s+){0,2}(?:risk|probability)\b)", re.I)
# "(95% CI 8 to 16 weeks)", "(range, 6-48 months)", "median time to remission 12 weeks"
BOUND_BEFORE_RE = re.compile(
    words(["CI", r"confidence\s+intervals?", "IQR", r"interquartile\s+range", "range", "SD", "SE"])
    + r"\b[\s:,=]*(?:[-\d.]+\s*(?:weeks?|days?|months?|years?|h|hours?)?\s*(?:,|-|to|–)\s*)?$"
    r"|" + words(["time", "duration"]) + r"\s+to\s+(?:[\w-]+\s+){0,4}?(?:was|were|of|is)?\s*$"
    r"|" + words(["median", "mean", "average"]) + r"\s+(?:time|duration|survival)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:was|were|of|is)?\s*$")
STUDY_PERIOD_BEFORE_RE = re.compile(
    words([r"recruit\w*", r"enrol+\w*", r"accru\w*", "screened", "included", "conducted", "performed",
           r"carried\s+out"])
    # (not "enrolled and followed for 6 months", "included and treated for 12 weeks": the study's own time)
    + r"\s+(?:(?!follow|observ|treat|assess|monitor|evaluat|receiv|given)[\w-]+\s+){0,4}?(?:over|during|within|in|for)\s+"
    r"(?:a\s+|an\s+|the\s+)?(?:first\s+|last\s+)?(?:period\s+of\s+)?$")
# a measured value, not a time of measurement: "12.2 ± 4.4 days", "(range 14 y 9 mo to 19 y 6 mo)",
# "3.5 vs. 12.7 months", "median progression free survival (PFS) was 10.4 months"
PLUS_MINUS_BEFORE_RE = re.compile(r"(?:±|\+/-|\+-)\s*$")
PLUS_MINUS_AFTER_RE = re.compile(r"^\s*(?:±|\+/-|\+-)")
IN_BOUND_BRACKET_RE = re.compile(r"[(\[]\s*(?:range|iqr|interquartile\s+range|95\s?%\s?(?:ci|confidence\s+interval)|"
                                 r"ci|sd|se)\b[^()\[\]]{0,40}$", re.I)
SPREAD_AFTER_RE = re.compile(r"^\s*[(\[]\s*(?:q1|iqr|interquartile\s+range|sd)\b", re.I)
# "92 hours (84–114 hours)", "9 days (7-12)": a duration with its interval is a measured value (not after
# "follow-up": "a median follow-up of 24 months (12–36 months)" is the study's)
INTERVAL_AFTER_RE = re.compile(r"^\s*[(\[]\s*[\d.]+\s*"
                               r"(?:[a-z]{1,6}\s*)?(?:-|–|—|to)\s*[\d.]+\s*(?:[a-z]{1,6}\s*)?[)\]]", re.I)
# "(84–114 hours)" right after "92 hours": the interval of the value before it
INTERVAL_OPEN_BEFORE_RE = re.compile(r"[\d.]\s?(?:[a-z]{1,6}\s?)?[(\[]\s*$", re.I)
_FOLLOW_UP_BEFORE = re.compile(r"follow|observ", re.I)
_TIMES_WITHIN_BEFORE = re.compile(r"\b(?:times|twice|thrice|once|sessions?|contacts?|visits?|calls?)\s+within\s+(?:the\s+)?"
                                  r"(?:first\s+)?$", re.I)
_AGE_RANGE_RE = re.compile(r"\b(?:aged?|ages?)\s+(?:of\s+|between\s+|from\s+)?(\d+(?:\.\d+)?)\s?(?:-|–|to|and)\s?"
                           r"(\d+(?:\.\d+)?)\s?(years?|yrs?|y|months?|mo)\b", re.I)
_RANGE_NUMBERS = re.compile(r"(\d+(?:\.\d+)?)\s?(?:-|–|to|and)\s?(\d+(?:\.\d+)?)\s?-?\s?([a-z]+)", re.I)


def _range_key(tp: Timepoint) -> tuple[float, float, str] | None:
    m = _RANGE_NUMBERS.search(tp.text)
    return (float(m.group(1)), float(m.group(2)), m.group(3)[:1].lower()) if m else None


_LAG_AFTER_RE = re.compile(r"^\s?-?\s?(?:delay|lag)s?\s+(?:in|of|before)\b", re.I)
# "24-hour bronchodilation": how long an effect lasts, not a time of assessment
EFFECT_LENGTH_AFTER_RE = re.compile(r"^\s?-?\s?(?:bronchodilat\w*|protection|coverage|efficacy|duration\s+of\s+action|"
                                    r"action|activity\s+profile)\b", re.I)
_GESTATION_WEEKS_IN_TEXT = re.compile(r"\b(?:2\d|3\d|4[0-2])\s?-?\s?(?:weeks?|wks?)['’]?\s*(?:of\s+)?(?:gestation|"
                                      r"gestational|pregnancy)", re.I)
_AFTER_BIRTH_AFTER = re.compile(r"\s?-?\s?(?:weeks?|wks?)?\s*(?:postpartum|post-partum|after|post\b|of\s+age|old|follow)",
                                re.I)
_GESTATION_IN_SENTENCE = re.compile(r"gestation|pregnan|antenatal|prenatal|trimester|\b(?:at|until|to|before|after|and)\s+"
                                    r"(?:delivery|birth|childbirth)\b", re.I)
# "at 28, 33 and 36 weeks": a point in weeks (a list item or its end), not "a 24-week programme"
_AT_WEEKS_BEFORE = re.compile(r"\b(?:at|by|from|until|before|after|between|than)\s+(?:weeks?\s+)?(?:[\d.]+\s?(?:,|and|or)\s?(?:and\s)?)*$", re.I)
_AT_TIME_BEFORE = re.compile(r"\b(?:at|by|after|until|through|to|from|over|during|for)\s+(?:the\s+|a\s+)?$", re.I)
# "12–24 hr/day", "3 days per week", "8 hours a day": how long or how often, not a time of assessment
PER_TIME_AFTER_RE = re.compile(r"^\s?(?:/\s?(?:d|day|night|wk|week|mo|month)\b|(?:per|a|each|every)\s+"
                               r"(?:day|night|week|month)\b|(?:daily|nightly|weekly)\b)", re.I)
VERSUS_AFTER_RE = re.compile(r"^\s*(?:vs\.?|versus)\s*[-\d.]", re.I)
_VALUE_RIGHT_AFTER = re.compile(r"\s?:?\s?[-−]?\d")
VERSUS_BEFORE_RE = re.compile(r"(?:[\d.]|\d\s?[)\]])\s*(?:weeks?|days?|months?|years?|h|hours?|mo|wk|y|d)?\s*(?:vs\.?|versus)\s*$", re.I)
MEASURED_DURATION_BEFORE_RE = re.compile(
    words(["median", "mean", "average", "averaged"])
    + r"\s+(?:(?!follow|observation)[\w()-]+\s+){0,5}?(?:was|were|of|is|:)\s*(?:about\s+|approximately\s+)?"
    r"(?:[\d.]+\s*(?:[a-z]+\s*)?(?:,|and|or|vs\.?|versus)\s*)*$"
    r"|" + words([r"length\s+of\s+(?:hospital\s+)?stay", r"hospital\s+stay", "stayed", r"hospitali[sz]ed\s+for",
                  "LOS"]) + r"\b[^.;]{0,20}?$")
# "followed for a median of", "Follow-up lasted a median of", "median duration of follow-up was": the length of the
# study's follow-up, a timepoint, though "median of" and a spread after it ("(IQR 30-50)") read as a measured value
FOLLOWED_MEDIAN_BEFORE_RE = re.compile(
    r"(?:follow|observ)[\w-]*[^.;\d]{0,25}?\b(?:median|mean|average)\b[^.;\d]{0,30}$"
    r"|\b(?:median|mean|average)\b[^.;\d]{0,30}?(?:follow|observ)[^.;\d]{0,25}$", re.I)
# the follow-up's assessments as the subject of "performed", "conducted": "Follow-up visits were performed ... for"
ASSESSMENTS_PERFORMED_RE = re.compile(
    r"(?:follow[\w-]*|visits?|assessments?|evaluations?|examinations?|measurements?)\s+(?:were|was)\s+"
    r"(?:performed|conducted|carried\s+out)\b", re.I)
FOLLOW_UP_AFTER_RE = re.compile(r"\s*(?:-\s*|of\s+|\(\w+\)\s+of\s+)?(?:follow|observation|treatment)", re.I)
# how long patients had had their disease or a therapy before the study: "had RA for 9.5 years", "had been
# suffering from RA for 10 years", "despite DMARDs for 6 months", "on stable methotrexate for 4 weeks" (not
# when the clause gives, follows or assesses something: "who had RA were given the drug for 12 weeks")
PRE_STUDY_FOR_BEFORE_RE = re.compile(
    words(["had", "has", "have", "having", r"suffer\w*", r"history\s+of", "despite", "stable", "failed", "failing"])
    + r"\b(?:(?!follow|observ|monitor|assess|evaluat|given|receiv|treated|took|taken|randomi|assigned|allocated|"
    r"administ|underw|particip|enrol|start|began|initiat|continu)[^.;])"
    r"{0,50}?\bfor\s+(?:at\s+least\s+|more\s+than\s+|over\s+|about\s+|approximately\s+|a\s+mean\s+of\s+)?$")
# a window back in time: "within the last 10 years", "in the past 2 years", "during the previous 3 months"
PAST_WINDOW_BEFORE_RE = re.compile(words(["within", "in", "over", "during", "for"])
                                   + r"\s+the\s+(?:last|past|previous|preceding|prior)\s+$")
# when the treatment began, not a time of assessment: "commenced 48-72 hours following ICU admission", "zinc
# starting at 6 months of life"
START_BEFORE_RE = re.compile(words(["commenced", "started", "initiated", "begun", "began", "starting", "beginning"])
                             + r"\s+(?:at\s+|within\s+|about\s+|approximately\s+|on\s+)?$")
AVERAGE_IN_BRACKET_RE = re.compile(r"[(\[]\s*(?:median|mean|average)\s*[:=,]?\s*$", re.I)
CLOCK_TIME_RE = re.compile(r"^[012]\d[0-5]\d\s?h", re.I)  # "0800 h", "1230 h"
# ("at 12 weeks (baseline 5.5 vs 3.9)" opens a bracket of values, not a baseline period)
PERIOD_AFTER_RE = re.compile(r"^\s?-?\s?(?:\(?\s?baseline(?!\s?[:=]?\s?[-−]?\d)\s?\)?|washout|wash-out|run-in|lead-in|screening\s+period|"
                             r"baseline\s+period|stabili[sz]ation\s+period|placebo\s+run|cycles?\b|(?:of\s+)?intervals?\b|"
                             r"apart\b|"
                             r"dosing\s+interval|schedule)", re.I)
PERIOD_BEFORE_RE = re.compile(words([r"washout", r"wash-out", r"run-in", r"lead-in"])
                              + r"\s+(?:period\s+)?(?:of\s+)?$")
# "Patients who met the criteria after 4 weeks of X were randomly assigned": before randomisation
PRE_RANDOMISATION_AFTER_RE = re.compile(
    r"^[^.;]{0,80}?\b(?:were|was)\s+(?:then\s+|subsequently\s+|eventually\s+)?(?:randomi[sz]ed|randomly\s+"
    r"(?:assigned|allocated|divided)|allocated|assigned)\b", re.I)
_STUDY_PERIOD_VERBS = ("ecruit", "nrol", "ccru", "creened", "ncluded", "onducted", "erformed", "arried")
MEASURE_NAME_AFTER_RE = re.compile(
    r"^\s?-?\s?(?:urine|urinary|ambulatory|holter|recall|dietary\s+recall|(?:post-?load\s+|plasma\s+|blood\s+)?"
    r"glucose|insulin|postprandial|post-prandial|ogtt|walk|walking|diary|food\s+record|abpm|bp\b|collections?\b|"
    # "24-hour mean systolic blood pressure", "24-h average heart rate": a measure averaged over the time
    r"(?:(?:mean|average|systolic|diastolic)\s+){1,3}(?:blood\s+pressure|bp\b|heart\s+rate|systolic|diastolic)|"
    r"(?:systolic|diastolic)\s+(?:blood\s+pressure|bp\b)|blood\s+pressures?\b|heart\s+rate\b)", re.I)
FOLLOW_UP_NEAR_RE = re.compile(r"follow|after|survival|later|since|over\s+(?:the|a)|long-term", re.I)
_ON_AT_BEFORE_RE = re.compile(r"\b(?:on|at)\s+$", re.I)
_LIST_TAIL = re.compile(r"(?:[\d.]+\s?(?:,|and|or|&)\s?(?:and\s)?)+$")
_WEEK_UNIT = re.compile(r"\b(?:weeks?|wks?)\b", re.I)
# the rest of a list after a non-final item, up to its unit: "28[ or 35 wk]", "1[, 2 and 3]"
_LIST_TAIL_AFTER = re.compile(r"(?:\s?(?:,|and|or|-|to|&)\s?(?:and\s)?[\d.]+)*(?:\s?-?\s?(?:weeks?|wks?|days?|"
                              r"months?|mos?|years?|yrs?|y|h|hours?)\b)?", re.I)
_OF_AGE_AFTER = re.compile(r"\s?(?:of\s+(?:age|life)|old|years?\s+of\s+age)\b", re.I)
_YEAR_UNIT = re.compile(r"(?:years?|yrs?|y)\b", re.I)
_NUMBER_IN = re.compile(r"\d+(?:[.·]\d+)?")
# structured abstracts: the section a sentence is in
_HEADER_RE = re.compile(r"^\s*(?P<h>[A-Z][A-Za-z /&-]{2,45}?)\s*(?::\s*|\.\s+|\.?\s*$)")
_BACKGROUND_HEADERS = frozenset({"background", "introduction", "context", "rationale", "summary background"})
_OTHER_HEADERS = frozenset("""objective objectives aim aims purpose purposes goal goals hypothesis methods method
design setting settings participants patients subjects interventions intervention measurements measures
outcome outcomes results findings conclusion conclusions interpretation discussion limitations significance
registration funding implications""".split())
AIM_RE = re.compile(words([
    r"aims?\b", r"aimed\b", r"objectives?\b", r"purpose\b", r"goal\b", r"hypothes\w*", r"rationale\s+of\s+this\b",
    r"we\s+(?:investigated|evaluated|assessed|examined|compared|tested|studied|conducted|did|performed|report|"
    r"determined|sought|explored|hypothesi[sz]ed|present|designed|undertook|carried\s+out)\b",
    *(rf"{aux}\s+(?:investigated|evaluated|assessed|examined|compared|tested|studied|explored)\b"
      for aux in ("is", "was", "were")),
    r"this\s+(?:study|trial|pilot|randomi[sz]ed|paper|report|work|analysis)\b", r"the\s+(?:present|current)\s+(?:study|trial)\b",
    r"to\s+(?:evaluate|assess|investigate|determine|examine|compare|test|explore)\b"]))


def earlier_study_sentences(t: Text) -> frozenset[int]:
    if not t.anchored("earlier"):  # every match holds "previous(ly)", "earlier", "recently", "prior" or "former"
        return frozenset()
    return frozenset(t.sentence_at(m.start()).index for m in EARLIER_STUDY_RE.finditer(t.text))


_HEADER_FIRST_WORDS = _BACKGROUND_HEADERS | _OTHER_HEADERS | {"summary", "materials", "research", "main", "primary",
                                                              "trial", "subjects", "study"}


_LABEL_SPLIT = re.compile(r"[ /&,.:-]+")
_HEAD_JOINERS = frozenset("/&:.-")
_COLON_LABEL_RE = re.compile(r"\s*(?P<h>[A-Z][A-Za-z /&,-]{1,60}?)\s*::?\s")


_HEADER_WORD_SEPARATORS = re.compile(r"[ /&-]+")


def _header(sentence: str) -> str | None:
    """"background" or "other" when the sentence is (or begins with) a section heading of a
    structured abstract ("Background", "Introduction: ...", "Methodology/Principal Findings: ..."),
    else None. Any label followed by a colon is a heading; a heading on its own line or with a
    period ("Objectives. To ...") must be a known heading word."""
    colon = sentence.find(":", 0, 64)
    label = _COLON_LABEL_RE.match(sentence) if colon > 0 else None
    if label and len(label.group("h").split()) <= 5:
        words_ = _LABEL_SPLIT.split(label.group("h").strip().lower())
        return "background" if words_[0] in _BACKGROUND_HEADERS and not any(w in _OTHER_HEADERS for w in words_[1:]) \
            else "other"
    head = sentence[:16].split(None, 1)
    if not head:
        return None
    first = head[0].strip(":.,/").lower()
    if first not in _HEADER_FIRST_WORDS and (not _HEAD_JOINERS.intersection(first)
                                             or _LABEL_SPLIT.split(first, maxsplit=1)[0] not in _HEADER_FIRST_WORDS):
        return None  # most sentences: a set lookup decides
    m = _HEADER_RE.match(sentence)
    if m is None:
        return None
    words = _HEADER_WORD_SEPARATORS.split(m.group("h").lower().strip())
    words = [w for w in words if w and w != "and"]
    if not words or len(words) > 4:
        return None
    if words[0] in _BACKGROUND_HEADERS and not any(w in _OTHER_HEADERS for w in words[1:]):
        return "background"
    if m.group("h").lower().strip() in _BACKGROUND_HEADERS:
        return "background"
    if all(w in _OTHER_HEADERS or w in _BACKGROUND_HEADERS or w in ("main", "primary", "secondary", "and",
                                                                     "materials", "research", "trial", "study")
           for w in words):
        return "other"
    return None


_AIM_TOKENS = frozenset("aim aims aimed objective objectives purpose goal hypothesis hypotheses hypothesized "
                        "hypothesised hypothesize hypothesise rationale".split())
_AIM_VERB_TOKENS = frozenset("investigated evaluated assessed examined compared tested studied explored conducted did "
                             "performed report determined sought hypothesized hypothesised present designed undertook "
                             "carried evaluate assess investigate determine examine compare test explore study trial "
                             "pilot randomized randomised paper work analysis".split())
_AIM_BEFORE_VERB = frozenset({"we", "was", "were", "is", "to", "this", "present", "current"})


def is_aim(t: Text, sent) -> bool:
    """Whether the sentence states the study's aim (AIM_RE), tested on its tokens first."""
    i, j = t.token_index(sent.start), t.token_index(max(sent.start, sent.end - 1)) + 1
    words_ = t.tokens_lower[i:j]
    if not _AIM_TOKENS.isdisjoint(words_) or _AIM_VERB_TOKENS.isdisjoint(words_):
        return not _AIM_TOKENS.isdisjoint(words_) and bool(AIM_RE.search(sent.text))
    return bool(AIM_RE.search(sent.text)) if not _AIM_BEFORE_VERB.isdisjoint(words_) else False


def background_sentences(t: Text) -> frozenset[int]:
    """The sentences of the Background/Introduction section that opens a structured abstract, but
    not the study's aim."""
    if not any(_header(s.text[:60]) == "background" for s in t.sentences[:3]):
        return frozenset()  # no Background/Introduction heading at the start: nothing to skip
    out: set[int] = set()
    section = None
    words_ = t.tokens_lower
    for sent in t.sentences:
        i = t.token_index(sent.start)
        # a heading begins with a heading word or has a colon in its first words (token lookups first: cheap)
        head = _header(sent.text) if (words_[i:i + 1] and words_[i] in _HEADER_FIRST_WORDS) or ":" in words_[i:i + 12] \
            else None
        if head is not None:
            if head != "background" and section == "background":
                break  # the background section is over (it opens an abstract: nothing after it is background)
            section = head
        if section == "background" and not is_aim(t, sent):
            out.add(sent.index)
    return frozenset(out)


def dosing_days(t: Text) -> list[re.Match[str]]:
    """The DOSING_DAYS_RE matches of the text ("on days 1, 8 and 15", "at day 0"), read from the
    anchor words "day"/"days" back to "on"/"at" (the same matches as scanning the whole text)."""
    out: list[re.Match[str]] = []
    for d_start, _ in t.anchored("day"):
        if out and d_start < out[-1].end():
            continue  # a day word inside the previous match ("on days 0, and day 7")
        on_at = _ON_AT_BEFORE_RE.search(t.text, max(0, d_start - 40), d_start)
        m = DOSING_DAYS_RE.match(t.text, on_at.start()) if on_at else None
        if m:
            out.append(m)
    return out


def is_relative_timing(text: str, end: int) -> bool:
    """True when the timepoint ending at `end` is "... after <something other than treatment>"
    or "... before <anything>"."""
    after = text[end:end + 60]
    if BEFORE_RE.match(after):
        return True
    m = RELATIVE_AFTER_RE.match(after)
    if not m or TREATMENT_WORDS.match(m.group("what")):
        return False
    # "6 weeks following playground intervention", "1-7 days after the endoscopic procedure": a treatment word
    # among the next two words
    more = _NEXT_TWO_WORDS.match(after, m.end())
    return not (more and any(TREATMENT_WORDS.match(w) for w in more.group(0).split()))


# how long recruitment took, not a time of assessment: "The enrolment period was 3 years", "Recruitment lasted
# 30 months", "over a 14-month recruitment period", "from 2010 to 2012 (24 months)"
_ENROLMENT = r"(?:recruitment|recruiting|enrol+ment|enrol+ing|accrual|inclusion)"
ENROLMENT_PERIOD_BEFORE_RE = re.compile(
    rf"\b{_ENROLMENT}\s+(?:period\s+|phase\s+)?(?:was|of|lasted|took(?:\s+place)?|spanned|continued|ran)\s+"
    r"(?:for\s+|over\s+)?(?:about\s+|approximately\s+|nearly\s+|almost\s+)?(?:a\s+period\s+of\s+)?$"
    r"|\b(?:19|20)\d\d\s?(?:to|-|–|and|through|until)\s?(?:[A-Z][a-z]+\s)?(?:19|20)\d\d\s?[(,]\s?$", re.I)
ENROLMENT_PERIOD_AFTER_RE = re.compile(rf"^\s?-?\s?(?:long\s+)?{_ENROLMENT}\s+(?:period|phase|window)\b", re.I)


# a survival time is a measured value, however long the words between "survival" and its verb (the
# shorter forms are in MEASURED_DURATION_BEFORE_RE): "median survival time for subjects treated with X was 31.06
# and 17.76 vs. 21.07 and 12.63 months" (not "survival at 2 years was 60%": the time comes before the verb)
SURVIVAL_VALUE_BEFORE_RE = re.compile(
    r"\b(?:median|mean|average)\s+(?:(?:and|or)\s+(?:median|mean)\s+)?(?:[\w-]+\s+){0,3}?survival\b"
    r"(?:\s+(?!at\b|by\b|after\b)[\w()-]+){0,9}?\s+(?:was|were|of|is)\s*(?:about\s+|approximately\s+)?"
    r"(?:[\d.]+\s*(?:[a-z]+\s*)?(?:,|and|or|vs\.?|versus)\s*)*$", re.I)


def _not_a_study_time(t: Text, tp: Timepoint, course_weeks: set[float], windows: set[float]) -> bool:
    """The checks of the module docstring that read the words around one timepoint."""
    text = t.text
    sent = t.sentence_at(tp.start)
    before = text[max(sent.start, tp.start - 80):tp.start]
    near = before[-30:]  # the thresholds are a few words: their pattern reads only these
    after = text[tp.end:min(sent.end, tp.end + 60)]
    if tp.weeks == 0 and tp.kind == "point":
        return True
    if is_relative_timing(text, tp.end):
        return True
    if ENROLMENT_PERIOD_AFTER_RE.match(after) or ENROLMENT_PERIOD_BEFORE_RE.search(before, max(0, len(before) - 60)):
        return True  # "over a 14-month recruitment period", "the accrual period was 5 years"
    lo = max(sent.start, tp.start - 160)
    if "urviv" in text[lo:tp.start] and SURVIVAL_VALUE_BEFORE_RE.search(text, lo, tp.start):
        return True  # "the median survival time for subjects treated with X was 17.76 vs. 12.63 months"
    cues = _cues_before(t, tp, max(sent.start, tp.start - 80))
    if not cues:
        return _not_a_study_time_after(t, tp, sent, after)  # no cue word before it: only the words after count
    if "within" in cues and _TIMES_WITHIN_BEFORE.search(near):
        return True  # "tailored advice three times within 4 months": the window the intervention was delivered in
    if "within" in cues and WITHIN_BEFORE_RE.search(before):
        m = WITHIN_OF_AFTER_RE.match(after)
        if m and not TREATMENT_WORDS.match(m.group("what")):
            windows.add(tp.weeks)
            return True
    if "symbol" in cues and (COMPARATOR_BEFORE_RE.search(near) or PLUS_MINUS_BEFORE_RE.search(near)):
        return True  # "≥ 12 weeks", "12.2 ± 4.4 days"
    if "interval" in cues and INTERVAL_BEFORE_RE.search(near):
        return True  # "infusions separated by 72 h", "at an interval of 4 weeks": between doses, not a time of assessment
    if "threshold" in cues and THRESHOLD_BEFORE_RE.search(near):
        return True  # "at least 3 months", "more than 6 months", "32 weeks of gestation"
    if "bound" in cues and (IN_BOUND_BRACKET_RE.search(before) or (
            (BOUND_BEFORE_RE.search(before, max(0, len(before) - 60))
             or (MEASURED_DURATION_BEFORE_RE.search(before, max(0, len(before) - 60))
                 and not FOLLOW_UP_AFTER_RE.match(after)))
            and not FOLLOWED_MEDIAN_BEFORE_RE.search(before, max(0, len(before) - 60)))):
        return True  # "(95% CI 8 to 16 weeks)", "(range 6-48 months)", "median PFS was 5 months"
    if "dosing" in cues:
        wide = text[max(sent.start, tp.start - 160):tp.start]  # room for the bracket groups it skips
        if (" at " in before or " on " in before) and any(rx.search(wide) for rx in SCHEDULE_BEFORE_RES):
            return True  # "400 mg at weeks 0, 2 and 4"
        if tp.weeks < 2 and (" for" in before[-8:] or "×" in before[-4:] or " x" in before[-4:]) and any(
                rx.search(before, max(0, len(before) - 50)) for rx in COURSE_BEFORE_RES):
            course_weeks.add(tp.weeks)
            return True  # "twice daily for 2 days"
        if tp.weeks < 1 and INFUSION_BEFORE_RE.search(before) and not _POST_AFTER_RE.match(after):
            return True  # "infused over 2 hours", "10 IU in 2 h"
    if "period" in cues and STUDY_PERIOD_BEFORE_RE.search(before) and not ASSESSMENTS_PERFORMED_RE.search(before):
        return True  # "recruited over 2 years" (not "follow-up visits were performed every 3 months for 1 year")
    if "versus" in cues and VERSUS_BEFORE_RE.search(near) and not (
            text[tp.start:tp.start + 1].isalpha() or _VALUE_RIGHT_AFTER.match(after)):
        return True  # "3.5 vs. 12.7 months" (not a label of the value after it: "48.5 vs month 6 29.3", "vs 12 weeks 3.9")
    if "washout" in cues and PERIOD_BEFORE_RE.search(before, max(0, len(before) - 30)):
        return True  # "a washout of 2 weeks", "run-in period of 4 weeks"
    if "history" in cues and PRE_STUDY_FOR_BEFORE_RE.search(before):
        return True  # "had RA for 9.5 years", "on stable methotrexate for 4 weeks"
    if "start" in cues and START_BEFORE_RE.search(near):
        return True  # "supplemental PN commenced 48-72 hours following ICU admission": when treatment began
    if "past" in cues and PAST_WINDOW_BEFORE_RE.search(near):
        return True  # "within the last 10 years", "in the past 2 years"
    if "bound" in cues and AVERAGE_IN_BRACKET_RE.search(near):
        return True  # "long-standing RA (median 12 years)"
    return _not_a_study_time_after(t, tp, sent, after)


_AFTER_TRIGGERS: dict[str, str] = {}
for _family, _words in [
    ("gestation", "gestation gestational pregnancy pregnant postmenstrual post menstrual corrected postconceptional "
                  "of"),
    ("risk", "risk probability"),
    ("infusion", "infusion infusions bolus drip drips injection injections perfusion perfusions long"),
    ("measure", "urine urinary ambulatory holter recall dietary glucose insulin postprandial post prandial load "
                "plasma blood ogtt walk walking diary food abpm bp collection collections mean average systolic "
                "diastolic heart"),
    ("value", "± + vs versus q q1 iqr interquartile sd ( ["),
    ("per", "/ per a each every daily nightly weekly"),
    ("period", "baseline washout wash run lead screening stabilisation stabilization placebo cycle cycles interval "
               "intervals dosing schedule apart"),
    ("random", "randomised randomized randomly allocated assigned"),
    ("session", "training trainings session sessions course courses class classes workshop workshops "
                "formulation formulations controlled release extended sustained modified"),
    ("age", "and to"),
    ("school", "college colleges school schools university universities degree curriculum residency diploma institute"),
    ("effect", "bronchodilation bronchodilator bronchodilatory protection coverage efficacy action activity delay delays "
               "lag lags"),
]:
    for _w in _words.split():
        _AFTER_TRIGGERS.setdefault(_w, _family)


_LIST_JOINERS = frozenset({",", "and", "or", "-", "to", "&", " "})
_RANDOM_WORDS = frozenset(w for w, f in _AFTER_TRIGGERS.items() if f == "random")
_SESSION_WORDS = frozenset(w for w, f in _AFTER_TRIGGERS.items() if f == "session")


def _not_a_study_time_after(t: Text, tp: Timepoint, sent, after: str) -> bool:
    """The checks that read the timepoint itself and the words after it (each only when a word it
    needs is among the next tokens: set lookups first, regexes only then)."""
    text = t.text
    i = t.token_index(tp.end - 1) + 1
    following = t.tokens_lower[i:i + 16]
    fams = set(map(_AFTER_TRIGGERS.get, following[:6]))
    fams.discard(None)
    if "random" not in fams and not _RANDOM_WORDS.isdisjoint(following[6:]):
        fams.add("random")
    if tp.weeks < 1 and "session" not in fams and not _SESSION_WORDS.isdisjoint(following[6:14]):
        fams.add("session")  # "a one-day point-of-care ultrasound (POC-US) course": the name's tokens come first
    if fams:
        if "gestation" in fams and GESTATION_AFTER_RE.match(after):
            return True  # "32 weeks of gestation"
        if "risk" in fams and RISK_AFTER_RE.match(after):
            return True  # "10-year risk"
        if "infusion" in fams and tp.weeks < 1 and INFUSION_AFTER_RE.match(after):
            return True  # "an 8 h infusion"
        if "session" in fams and tp.weeks < 1 and SESSION_AFTER_RE.match(after):
            return True  # "twelve 1-hour trainings", "a one-day course", "a 24-hour controlled-release tablet"
        if "school" in fams and SCHOOL_AFTER_RE.match(after):
            return True  # "a 5-year junior nursing college", "a 4-year degree"
        if "age" in fams and AGE_RANGE_AFTER_RE.match(after):
            return True  # "between 6 months and 15 years of age"
        if "effect" in fams and tp.weeks <= 1 and EFFECT_LENGTH_AFTER_RE.match(after):
            return True  # "24-hour bronchodilation"
        if "effect" in fams and _LAG_AFTER_RE.match(after):
            return True  # "a 6-week delay in effect of lutein": a lag, not a time of assessment
        if "measure" in fams and tp.weeks <= 1 and MEASURE_NAME_AFTER_RE.match(after):
            return True  # "24-h urine protein"
        if "value" in fams and (PLUS_MINUS_AFTER_RE.match(after) or VERSUS_AFTER_RE.match(after)
                                or (SPREAD_AFTER_RE.match(after) and not FOLLOWED_MEDIAN_BEFORE_RE.search(
                                    text, max(sent.start, tp.start - 60), tp.start))):
            return True  # a measured value: "4.4 ± 1.2 days", "3.5 vs. 12.7 months", "2.0 weeks (Q1 = 1.0, Q3 = 3.7)"
        if "value" in fams and INTERVAL_AFTER_RE.match(after) and not _FOLLOW_UP_BEFORE.search(
                text, max(sent.start, tp.start - 40), tp.start) and not _AT_TIME_BEFORE.search(
                text, max(sent.start, tp.start - 12), tp.start):
            return True  # "fever clearance times were 92 hours (84–114 hours)": a measured value
        if "per" in fams and following[:1] and _AFTER_TRIGGERS.get(following[0]) == "per" and \
                PER_TIME_AFTER_RE.match(after):
            return True  # "12–24 hr/day", "3 days per week"
        if "period" in fams and PERIOD_AFTER_RE.match(after):
            return True  # "28 days (baseline)", "a 2-week washout", "a 3-week cycle"
        if "random" in fams and PRE_RANDOMISATION_AFTER_RE.match(after):
            return True  # "after 4 weeks of diet, patients were randomized"
    if tp.kind == "range" and INTERVAL_OPEN_BEFORE_RE.search(
            text, max(sent.start, tp.start - 12), tp.start):
        return True  # "24 months (12–36 months)": the interval of the time before it
    if 20 <= tp.weeks <= 42 and _GESTATION_IN_SENTENCE.search(sent.text) and _AT_WEEKS_BEFORE.search(
            text, max(sent.start, tp.start - 30), tp.start):
        return True  # "calls from a midwife at 28, 33 and 36 weeks ... at 20 weeks' gestation": weeks of pregnancy
    if ("." in tp.text or "·" in tp.text) and _decimal_days_or_hours(tp):
        return True  # "13.8 days", "5.4 h": a measured duration (times of assessment are whole days)
    if tp.text[:1] in "012" and CLOCK_TIME_RE.match(tp.text):
        return True  # "0800 h"
    if tp.text[-1:].isdigit() and following[:1] and following[0] in _LIST_JOINERS:
        # a list item: what follows the list's unit counts for it too
        list_tail = _LIST_TAIL_AFTER.match(text, tp.end, min(sent.end, tp.end + 40))
        if list_tail and (GESTATION_AFTER_RE.match(text[list_tail.end():list_tail.end() + 30])
                          or _OF_AGE_AFTER.match(text, list_tail.end(), min(sent.end, list_tail.end() + 20))):
            return True  # "at 28 or 35 wk gestation", "in years 1, 2 and 3 of life": the whole list
    low_years = (tp.low_weeks if tp.kind == "range" and tp.low_weeks is not None else tp.weeks) / 52
    is_age = (low_years >= 16 or tp.weeks / 52 >= 40) if tp.kind == "range" else low_years >= 18
    if is_age and (_YEAR_UNIT.search(tp.text) or _in_years(tp)) \
            and not FOLLOW_UP_NEAR_RE.search(text[max(sent.start, tp.start - 30):min(sent.end, tp.end + 30)]):
        return True  # an age: "(40–75 years, 69% males)", "patients between 18 and 65 years"
    return False


def _in_years(tp: Timepoint) -> bool:
    """Whether a list item written without its unit ("18" of "18 and 65 years") is in years."""
    nums = _NUMBER_IN.findall(tp.text)
    return bool(nums) and abs(float(nums[-1].replace("·", ".")) * 52 - tp.weeks) < 0.5


_DECIMAL_POINT = re.compile(r"[.·]")


def _decimal_days_or_hours(tp: Timepoint) -> bool:
    """Whether the timepoint is a number with decimals in days or hours ("13.8", "17.5 days")."""
    nums = _NUMBER_IN.findall(tp.text)
    if not nums or not _DECIMAL_POINT.search(nums[-1]):
        return False
    value = float(nums[-1].replace("·", "."))
    return abs(round(value / 7, 2) - tp.weeks) < 0.011 or abs(round(value / 168, 2) - tp.weeks) < 0.011


_PARTS_GAP = re.compile(r"[^()]{0,40}?(?:,|and|\+|plus)\s*(?:a\s+)?$", re.I)


def _bracketed_parts(t: Text, tps: list[Timepoint]) -> set[int]:
    """Indices of the last part of a time split in brackets right after it: "16 weeks (12 weeks' intervention
    and 4 weeks' follow up)" drops the 4 (the 12 is a time of its own: the end of the intervention)."""
    drop: set[int] = set()
    for i in range(len(tps) - 2):
        whole, a, b = tps[i], tps[i + 1], tps[i + 2]
        if not _RESTATEMENT_OPENER.fullmatch(t.text[whole.end:a.start]) or ")" in t.text[a.end:b.start]:
            continue
        if abs(a.weeks + b.weeks - whole.weeks) <= 0.01 * whole.weeks + 0.01 and b.weeks < a.weeks and \
                _PARTS_GAP.match(t.text[a.end:b.start]):
            drop.add(i + 2)
    return drop


_RESTATEMENT_OPENER = re.compile(r"\s?[(\[]\s?(?:i\.e\.,?\s?|or\s|about\s|approximately\s|~)?")


def _restated(t: Text, tps: list[Timepoint]) -> set[int]:
    """Indices of timepoints restated in brackets right after another ("day 85 (week 13)"): of the
    pair, the one not in weeks (or, when both or neither are, the bracketed one) is dropped."""
    drop: set[int] = set()
    for i in range(len(tps) - 1):
        a, b = tps[i], tps[i + 1]
        gap = t.text[a.end:b.start]
        if not _RESTATEMENT_OPENER.fullmatch(gap):
            continue
        if not t.text[b.end:b.end + 2].lstrip().startswith((")", "]")):
            continue
        if abs(a.weeks - b.weeks) > max(1.0, 0.1 * max(a.weeks, b.weeks)):
            continue
        a_wk, b_wk = bool(_WEEK_UNIT.search(a.text)), bool(_WEEK_UNIT.search(b.text))
        drop.add(i if (b_wk and not a_wk) else i + 1)
    return drop


# Every check of the words before a timepoint needs one of these: a cue word, a symbol or a dose. One
# scan for them lets most timepoints ("at week 12", "for 6 months") skip the dozen checks.
_CUE_FAMILIES: dict[str, str] = {}
for _family, _words in [
    ("threshold", "least most than minimum maximum min under below exceeding exceed gestation gestational "
                  "postmenstrual pregnancy"),
    ("bound", "ci confidence iqr interquartile range sd se time duration median mean average averaged los length "
              "hospital hospitalisation hospitalization hospitalized hospitalised stay stayed"),
    ("period", "recruited recruitment recruiting enrolled enrollment enrolment accrued screened included conducted "
               "performed carried"),
    ("dosing", "dose doses dosed dosing given administered injected infused infusion infusions vaccinated "
               "vaccination vaccinations injection injections booster boosters application applications "
               "instillation instillations daily twice thrice once times bid tid qid per day every hourly nightly "
               "over delivered taken applied used prescribed continued × / mg g µg μg ug mcg iu u units ml cells "
               "mscs d x"),
    ("within", "within"),
    ("washout", "washout wash run lead"),
    ("versus", "vs vs. versus"),
    ("symbol", "< > ≤ ≥ = ± +"),
    ("history", "had has have having suffering suffered suffer history despite stable failed failing"),
    ("past", "last past previous preceding prior"),
    ("start", "commenced started initiated begun began starting beginning"),
    ("interval", "separated spaced interval intervals"),
]:
    for _w in _words.split():
        _CUE_FAMILIES.setdefault(_w, _family)


def _cues_before(t: Text, tp: Timepoint, lo: int) -> set[str]:
    """The families of cue words among the tokens from offset `lo` to the timepoint (set lookups on
    the tokens the pipeline already has: far cheaper than a regex over the window)."""
    i = t.token_index(tp.start)
    j = max(0, t.token_index(lo))
    fams = set(map(_CUE_FAMILIES.get, t.tokens_lower[j:i]))  # map: the lookups run in C
    fams.discard(None)
    return fams  # type: ignore[return-value]


# "Antibody responses were evaluated on days 1, 8, 30": days of assessment, not of dosing
ASSESSED_BEFORE_RE = re.compile(
    words([r"evaluat\w*", r"assess\w*", r"measur\w*", r"collect\w*", r"obtain\w*", r"record\w*", r"test\w*",
           r"examin\w*", r"sampl\w*", r"visit\w*", r"follow\w*", r"determin\w*", r"analy[sz]\w*", r"taken",
           r"drawn", r"perform\w*", r"done", r"made", r"quantif\w*", r"monitor\w*", r"scor\w*"])
    + r"\s+(?:[\w-]+\s+){0,2}?$")


_FOR_BEFORE = re.compile(r"\bfor\s+$")
# a series of infusions or injections given weekly: "infused once a week for", "injected weekly for", "infused every
# 4 weeks for", "injected monthly for"
_INFUSION_SERIES_BEFORE_RE = re.compile(
    words([r"infus(?:ed|ions?)", r"inject(?:ed|ions?)", r"transplant(?:ed|ations?)"])
    + r"\b[^.;]{0,30}?\b(?:once\s+(?:a|per|every)\s+(?:week|month)|weekly|monthly|every\s+(?:other\s+)?"
    r"(?:\d+|two|three|four|six|eight)?\s?(?:weeks?|months?))\s+for\s+$")


# a length that names a course or a programme: "a 12-week course of", "a six-week, six-lesson iCBT program"
_COURSE_LENGTH_AFTER_RE = re.compile(r"\s?-?\s?(?:,?\s?[\w-]+){0,3}?\s(?:courses?|programmes?|programs?)\b", re.I)
# (not one assessed at its end or over its length: "after attending a three-month program", "over a 6-week course")
_COURSE_ASSESSED_BEFORE_RE = re.compile(r"\b(?:after|following|end\s+of|completi\w+|over|during|throughout)\b[^.;]*$",
                                        re.I)


def study_timepoints(t: Text, skip: frozenset[int]) -> list[Timepoint]:
    dosing: list[tuple[int, int]] = [(m.start(), m.end()) for m in dosing_days(t)
                                     if not ASSESSED_BEFORE_RE.search(t.text, max(0, m.start() - 40), m.start())]
    kept: list[Timepoint] = []
    course_weeks: set[float] = set()
    windows: set[float] = set()  # the weeks of windows "within N of <not the treatment>"
    for tp in t.timepoints:
        if tp.kind == "baseline":
            continue
        if t.sentence_at(tp.start).index in skip:
            continue
        if any(a <= tp.start and tp.end <= b + 8 for a, b in dosing):
            continue
        if _not_a_study_time(t, tp, course_weeks, windows):
            continue
        kept.append(tp)
    if any(20 <= tp.weeks <= 42 for tp in kept) and _GESTATION_WEEKS_IN_TEXT.search(t.text):
        # a pregnancy trial that writes "at 28 or 35 wk gestation": its other points in those weeks are weeks of
        # pregnancy too ("Between 26 and 35 wk, haemoglobin decreased"), not times since the start of the study
        kept = [tp for tp in kept if not (20 <= tp.weeks <= 42 and _AT_WEEKS_BEFORE.search(
            t.text, max(0, tp.start - 30), tp.start) and not _AFTER_BIRTH_AFTER.match(t.text, tp.end))]
    if any(tp.kind == "range" for tp in kept) and "age" in t.text:
        ages = {(float(a), float(b), u[:1].lower()) for a, b, u in _AGE_RANGE_RE.findall(t.text)}
        if ages:  # "Children aged 1–4 years ... providing data for 1–4 years": the age range again
            kept = [tp for tp in kept if not (tp.kind == "range" and _range_key(tp) in ages)]
    if windows:  # "within 48 h of an overuse episode" ... "without review within 48 h": the same window again
        kept = [tp for tp in kept if not (tp.weeks in windows and WITHIN_BEFORE_RE.search(
            t.text, max(0, tp.start - 20), tp.start))]
    series = [tp for tp in kept if _INFUSION_SERIES_BEFORE_RE.search(t.text, max(0, tp.start - 70), tp.start)]
    if series:  # "infused once a week for 3 weeks; assessed at weeks 4, 12 and 24": the series is how cells were given
        last = max(tp.weeks for tp in kept)
        kept = [tp for tp in kept if tp not in series or tp.weeks >= last]
    courses = [tp for tp in kept if tp.weeks >= 1 and _COURSE_LENGTH_AFTER_RE.match(t.text, tp.end, tp.end + 50)
               and not _COURSE_ASSESSED_BEFORE_RE.search(t.text, max(0, tp.start - 30), tp.start)]
    if courses:  # "a 12-week course of MSC infusions ...; outcomes were assessed at week 24": how it was given
        last = max(tp.weeks for tp in kept)
        kept = [tp for tp in kept if tp not in courses or tp.weeks >= last]
    if course_weeks:  # "G-CSF 15 μg/kg for 5 days ... G-CSF for 5 days": the same course again
        kept = [tp for tp in kept if not (tp.weeks in course_weeks
                                          and _FOR_BEFORE.search(t.text[max(0, tp.start - 5):tp.start]))]
    drop = _restated(t, kept) | _bracketed_parts(t, kept)
    out = [tp for i, tp in enumerate(kept) if i not in drop]
    if _ORDINAL_GATE.search(t.text):  # "6th", "1st": a digit-led search first (cheap)
        ordinal = [tp for tp in _ordinal_timepoints(t, skip) if not is_relative_timing(t.text, tp.end)]
        if ordinal:
            out = sorted(out + ordinal, key=lambda tp: tp.start)
    if _MINUTE_GATE.search(t.text):  # a digit-led search before the minute patterns (cheap)
        minutes = _minute_timepoints(t, skip)
        if minutes:
            out = sorted(out + minutes, key=lambda tp: tp.start)
    return out


# "at the 6th month", "at the 1st, 3rd and 6th month after infusion", "by the 12th week of treatment"
ORDINAL_TP_RE = re.compile(
    r"\b(?:at|in|on|by|after|until|till|to|during|from)\s+the\s+(?:end\s+of\s+(?:the\s+)?)?(?P<list>\d{1,3}(?:st|nd|rd|th)(?:\s?(?:,|and|or)\s?"
    r"(?:and\s)?(?:the\s)?\d{1,3}(?:st|nd|rd|th))*)\s+(?P<unit>months?|weeks?|days?|years?)\b(?!\s+of\s+(?:pregnancy|"
    r"gestation|life|age))", re.I)
_ORDINAL_ITEM = re.compile(r"\d{1,3}(?=st|nd|rd|th)")
_ORDINAL_GATE = re.compile(r"[0-9](?:st|nd|rd|th)\b")


def _ordinal_timepoints(t: Text, skip: frozenset[int]) -> list[Timepoint]:
    out: list[Timepoint] = []
    for m in ORDINAL_TP_RE.finditer(t.text):
        if t.sentence_at(m.start()).index in skip:
            continue
        items = list(_ORDINAL_ITEM.finditer(t.text, m.start("list"), m.end("list")))
        for j, im in enumerate(items):
            end = m.end() if j == len(items) - 1 else im.end() + 2
            out.append(Timepoint(weeks_from(float(im.group(0)), m.group("unit")), im.start(), end, t.text[im.start():end]))
    return out


# minutes are a time of assessment after something ("80-min post ingestion", "30 min after the meal") or
# "at" so many minutes ("Apgar scores at 1 and 5 min"); not how long something lasted ("for 30 min"), a
# time before something ("30 min before surgery") nor an interval ("at 5-min intervals")
_MINUTE_LIST = r"(?P<list>\d+(?:\.\d+)?(?:\s?(?:,|and|or|&)\s?(?:and\s)?\d+(?:\.\d+)?)*)\s?-?\s?(?:minutes?|mins?)\b"
MINUTE_AFTER_RE = re.compile(rf"(?<![\w.,/:\-–—]){_MINUTE_LIST}(?=\s?(?:post\b|post-|after\b|following\b|later\b))", re.I)
MINUTE_AT_RE = re.compile(rf"\bat\s+{_MINUTE_LIST}(?!\s?-?\s?(?:intervals?|apart|before|prior|pre-|each|per)\b)", re.I)
_MINUTE_ITEM = re.compile(r"\d+(?:\.\d+)?")
_MINUTE_GATE = re.compile(r"[0-9]\s?-?\s?min", re.I)
_MINUTE_WINDOW_BEFORE = re.compile(r"\b(?:within|for|over|than|during|up\s+to|of|every)\s+$", re.I)  # "within 10 min after"


def _minute_timepoints(t: Text, skip: frozenset[int]) -> list[Timepoint]:
    out: list[Timepoint] = []
    seen: set[int] = set()
    for rx in (MINUTE_AT_RE, MINUTE_AFTER_RE):
        for m in rx.finditer(t.text):
            if m.start("list") in seen or t.sentence_at(m.start()).index in skip \
                    or _MINUTE_WINDOW_BEFORE.search(t.text, max(0, m.start() - 12), m.start()) \
                    or is_relative_timing(t.text, m.end()) and not MINUTE_AFTER_RE.match(t.text, m.start("list")):
                continue
            seen.add(m.start("list"))
            items = list(_MINUTE_ITEM.finditer(t.text, m.start("list"), m.end("list")))
            for j, im in enumerate(items):
                minutes = float(im.group(0))
                if not 0 < minutes < 1440:
                    continue
                end = m.end() if j == len(items) - 1 else im.end()
                out.append(Timepoint(round(minutes / 10080, 4), im.start(), end, t.text[im.start():end]))
    return out


def distinct_weeks(weeks: list[float]) -> list[int]:
    """Indices of `weeks` to keep when the same time is written two ways ("3 months" = 13.0 and
    "day 90" = 12.86): a value within 2% (or 0.02 weeks) of an earlier kept one is dropped."""
    kept: list[int] = []
    for i, w in enumerate(weeks):
        if any(abs(w - weeks[j]) <= max(0.02, 0.02 * max(w, weeks[j])) for j in kept):
            continue
        kept.append(i)
    return kept
