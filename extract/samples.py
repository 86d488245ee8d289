"""Sample sizes (enrolled, randomised, treated, analysed, screened) and arms with their n.

A sample size is a count followed by a person noun ("64 RA patients", "Fifty-three patients")
whose role comes from the verb of its clause (enrolled/recruited, randomised/assigned,
treated/underwent, analysed/completed, screened). Counts that are not sample sizes are skipped:
ages and durations (no person noun), "17 patients from group A (85%)" (responders), "three
patients in each cluster" (an arm size), "Out of 11 screened" (screened), "6 patients" inside
"8 AEs from 6 patients", and literature counts ("one hundred studies": not persons).
n_enrolled is the first count of the strongest role present (ROLE_PRIORITY); arm sizes are never
summed into it (the total as the abstract states it, or None). A count is one arm's ("arm") when the
sentence allocates per arm: "27 ... were assigned to A, 26 to B", "Twenty ... and another 20 ...",
"(62 patients)" after an arm, "12 participants randomized to the active arm", "the other group
included 18 participants". Other phrasings read: "Thirty (52%) entered randomisation", "Patients
(N = 100; ...)", "A total of 46 trained musicians participated", "36 met the criteria and were
randomised", "2,322 patients"; years ("December 2014 were randomized") are not counts.

Arms come from "(n = X)" and "N in cohort A" in allocation sentences, "into X and Y groups", and the
allocation sentence itself (allocation_arms): "randomized 1:1 to A or B" (names only, when nothing
else named the arms) and "27 ... to A, 26 to B" (names with n).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.document import Text
from extract.lexer import load_rules
from extract.evidence import Arm, Provenance, SampleSize
from extract.fastre import words
from extract.quantities import NUMBER_WORDS, WORDNUM, parse_number

__all__ = ["ROLE_PRIORITY", "arms_of", "per_arm_n", "sample_sizes", "choose_enrolled", "not_one_studys"]

_N = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{WORDNUM})"
# an age as one describing word: "85-y-old", "6- to 10-year-old"
_AGE_WORD = r"\d+(?:-?\s?to\s+\d+)?-?\s?(?:y|yrs?|years?|months?)-old"
PERSON_WORDS: list[str] = load_rules("anchors")["person"]
PERSON = "(?:" + "|".join(sorted(PERSON_WORDS, key=len, reverse=True)) + ")"
# anchored forms: start from the person nouns (or the verbs) the vocabulary matcher found (anchor
# words, extract/data/anchors.json), then read the count just before them
COUNT_BEFORE_RE = re.compile(  # (not the end of a range: "ASA physical status 1–3 patients")
    rf"(?<![\w,/\-\u2010-\u2015\u2212])(?<![\d.]\.)(?P<n>{_N})\s+(?P<mods>(?:(?!(?:including|with|of|and|from|in|were|was|who|had)\b)"
    rf"(?:[A-Za-z][\w/-]*|{_AGE_WORD}),?\s+){{0,4}}?)$", re.I)
VERB_COUNT_FAR_RE = re.compile(
    rf"\b(?:we\s+)?(?:enrolled|recruited|included|randomi[sz]ed|studied|accrued|(?:trial|study)\s+(?:of|in|among|"
    rf"involving))\s+(?:a\s+total\s+of\s+)?"
    rf"(?P<n>{_N})\s+(?P<mods>(?:(?:and|or)\s+|(?-i:of\s+(?=[A-Z]))|(?!(?:including|with|of|from|in|were|was|who|had|"
    rf"weeks?|months?|days?|years?|hours?)\b)[A-Za-z][\w-]*,?\s+|\([^()]{{1,40}}\)\s+|\d+\s?[–-]\s?\d+\s+){{1,10}})$",
    re.I)  # ("of" inside a name: "American Society of Anesthesiologists (ASA) physical status 1–3 patients")
VERB_BEFORE_COUNT = re.compile(
    r"\b(?:we\s+)?(?:enrolled|recruited|included|randomi[sz]ed|treated|studied|assigned|accrued)\s+"
    r"(?:a\s+total\s+of\s+|all\s+)?$",
    re.I)
PERSON_N_EQ_RE = re.compile(rf"{PERSON}\b(?:\s+(?:diagnosed\s+|living\s+|suffering\s+)?(?:with|having|from)\s+"
                            rf"[\w -]{{1,40}}?)?\s*"
                            r"\(\s?n\s?=\s?(?P<n>\d+)\s?(?P<close>\)|[;,])", re.I)
# "Thirty (52%) entered randomisation", "9 were enrolled", "80 (67%) were randomised": a count before a verb
COUNT_BEFORE_VERB_RE = re.compile(
    rf"(?<![\w.,/-])(?P<n>{_N})\s*(?:\(\s*\d+(?:\.\d+)?\s*%\s*\)\s*)?(?P<aux>(?:were|was|had\s+been)\s+"
    r"(?:subsequently\s+|finally\s+|then\s+|eventually\s+)?(?:randomly\s+)?)?$", re.I)
# a count is digits or a number word: two fast-start searches decide whether a window holds one
_DIGIT_RE = re.compile(r"[0-9]")
_NUMBER_WORD_RE = re.compile(words(sorted(NUMBER_WORDS)) + r"\b")


def _count_between(text: str, lo: int, hi: int) -> bool:
    """Whether digits or a number word occur between offsets lo and hi (a quick test before the
    count regexes, which cannot start fast)."""
    return bool(_DIGIT_RE.search(text, lo, hi) or _NUMBER_WORD_RE.search(text, lo, hi))


_AUX_TAIL = re.compile(r"(?:were|was|been)\s+(?:subsequently\s+|finally\s+|then\s+|eventually\s+|randomly\s+|equally\s+)?$")
# a count, then a noun phrase of one to five words (or a clause "met the criteria and"), then the verb
NOUN_PHRASE_BEFORE_VERB_RE = re.compile(
    rf"(?<![\w.,/-])(?P<n>{_N})\s+(?P<np>(?:[A-Za-z][\w'-]*,?\s+){{1,5}}?(?:and\s+)?)(?:\(\s*[\d.]+\s*%\s*\)\s*|"
    r"\((?:from|aged?)\s[^()]{1,40}\)\s*)?"  # "44 migrainous (from 4–15 years of age) were equally allocated"
    r"(?P<aux>(?:were|was|had\s+been)\s+(?:subsequently\s+|finally\s+|then\s+|eventually\s+|randomly\s+|equally\s+)?)?$",
    re.I)
# what a counted noun phrase is not: times, doses, units, events, groups ("12 weeks were", "3 groups were")
_NOT_A_COUNTED_NOUN = re.compile(
    r"\b(?:weeks?|days?|months?|years?|hours?|minutes?|times?|mg|g|ml|kg|doses?|cycles?|sessions?|visits?|"
    r"events?|episodes?|cases\s+of|groups?|arms?|cohorts?|centres?|centers?|sites?|hospitals?|clinics?|"
    r"practices|schools|villages|studies|trials|articles|papers|samples|specimens|eyes|teeth|knees|joints|"
    r"lesions|ulcers|wounds|procedures|operations|cycles|embryos|oocytes|questionnaires|items|queries|searches|"
    r"images|scans|recordings|records|charts|photographs|videos|vignettes|scenarios|simulat\w*|were|was|of|"
    r"in|at|on|from|to|with|by|for|per|than|or)\b", re.I)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


# a number that names a kind, not a count: "type 2 diabetes were randomised", "grade 3 ... were"
_SYMBOL_BEFORE_N = re.compile(r"(?:[<>≤≥±]|(?<![nN])(?<![nN]\s)=)\s?$")  # a threshold, not "N = 394 participants"
_LABEL_BEFORE = re.compile(r"\b(?:type|grade|stage|class|phase|level|step|day|week|month|year|visit)\s+$", re.I)


def _year_like(text: str, start: int, n: int) -> bool:
    """"between January 2014 and December 2014 were randomized": 2014 is a year, not a count."""
    if not 1900 <= n <= 2100:
        return False
    before = text[max(0, start - 12):start].lower().split()
    return bool(before) and (before[-1][:3] in _MONTHS or before[-1] in ("in", "since", "from", "between", "and",
                                                                          "to", "until", "of", "during"))


# a count that is one arm's: "27 patients were randomly assigned to the standard care, 26 to the G-CSF
# group", "Twenty patients ... to the placebo group and another 20 patients ...", "15 subjects
# receiving filler and another 15 patients receiving neurotoxin"
ANOTHER_AFTER_RE = re.compile(
    rf"\b(?:and|,|while|whereas)\s+(?:another|the\s+other|the\s+remaining|a\s+further)\s+(?:{_N})\b", re.I)
# "14 were treated with PC and 12 were treated with PC + D": two counts with the same verb
EACH_VERB_AFTER_RE = re.compile(
    rf"^[^;.]{{0,80}}?(?:,\s*(?:and\s+|while\s+|whereas\s+)?|\s+and\s+|\s+while\s+|\s+whereas\s+)(?:{_N})\s+"
    rf"(?:{PERSON}\s+)?(?:were|was)\s+(?:randomly\s+)?(?:treated|assigned|allocated|randomi[sz]ed|given|included)\b", re.I)
ANOTHER_BEFORE_RE = re.compile(r"\b(?:another|the\s+other|the\s+remaining|a\s+further|other)\s+$", re.I)
ALLOCATED_EACH_RE = re.compile(
    rf"^(?:\s+[\w-]+){{0,3}}?\s+(?:were\s+|was\s+)?(?:randomly\s+|randomi[sz]ed\s+and\s+)?(?:assigned|allocated|"
    rf"randomi[sz]ed)\s+to\s+[^;.]{{1,80}}?(?:,\s*(?:and\s+)?|\s+and\s+)(?:another\s+|a\s+further\s+)?{_N}\s+"
    rf"(?:[\w-]+\s+){{0,2}}?(?:to|in|into)\b", re.I)
ROLE_VERBS: list[tuple[str, str]] = [  # (regex on the clause after the count, role)
    (r"\bscreen|\bassessed\s+for\s+eligibility\b|\beligible\b", "screened"),
    (r"\brandom|\bassign|\ballocat|\bdivided\b", "randomised"),
    (r"\benrol|\brecruit|\bincluded\b|\bentered\b|\bparticipated\b|\bjoined\b|\baccrued\b|\btook\s+part\b",
     "enrolled"),
    (r"\btreated\b|\breceiv|\bunderw|\bundergo|\binjected\b|\binfused\b|\btransplanted\b", "treated"),
    (r"\bcomplet(?!e\b)|\banaly[sz]|\bevaluated\b|\bfollowed\b|\bassessed\b|\b(?:full|complete)\s+data\b", "analysed"),  # "complete diets": no
]
_N_EQUALS = re.compile(r"\(\s?n\s?=", re.I)  # a quick check: PERSON_N_EQ_RE needs one
ROLE_PRIORITY = ["enrolled", "randomised", "treated", "total", "analysed", "mentioned"]
_NOT_SAMPLE_BEFORE = re.compile(r"(?:\bof\s+the|\b(?:AEs?|events?|reactions?|cases?)\s+(?:in|from))\s*$", re.I)
_ROLE_PARTICIPLE_AFTER = re.compile(r"^\s+(?:enrolled|randomi[sz]ed|recruited|included)(?:\s+in\s+(?:the|this)\s+"
                                    r"(?:study|trial))?\s*,", re.I)
_SCREENED_MOD = re.compile(r"\bscreened\b|\bassessed for eligibility\b", re.I)
_ARM_AFTER = re.compile(r"^\s*(?:in\s+(?:each|every)\s+|per\s+|from\s+the\s+(?:\w+\s+)?(?:group|arm|cohort)\b|"
                        r"in\s+the\s+\w+\s+(?:group|arm|cohort)|in\s+(?:the\s+)?(?:group|arm|cohort)\s+[A-Z0-9]{1,4}\b)",
                        re.I)
# "17 patients from group A (85%)": a share of a group, so a responder count; but "151 adults (76% women,
# mean age 52.5)" describes the sample: a share of one sex is not a share of a group
_PERCENT_AFTER = re.compile(r"^\s*\(\s*\d+(?:\.\d+)?\s*%(?!\s*(?:women|men|females?|males?|girls|boys)\b)")
_TOTAL_BEFORE = re.compile(r"(?:\btotal\s+of|\boverall,?|\binto|\bin|\bof|\binvolving|\bincluding|\bwith)\s*$", re.I)
_PART_OF_BEFORE = re.compile(r"\b(?:subset|subgroup|sub-?sample|sub-?group|proportion|portion|fraction)\s+of\s*$", re.I)
_FRACTION_BEFORE = re.compile(rf"\b{_N}\s+(?:out\s+)?of\s*(?:the\s+)?$", re.I)
PER_ARM_RE = re.compile(
    r"(?=[0-9efhnostz])"  # fast skip: a number or number word starts every match
    rf"(?<![\w.,/-])(?P<n>{_N})\s+(?:{PERSON}\s+)?(?:(?:in|per)\s+(?:each|every)|per)\s+"
    r"(?P<unit>cluster|group|cohort|arm|dose(?:\s+(?:group|level|cohort))?)", re.I)
# "12 in the MSC group", "8 patients in cohort A": a count, then "in" and an arm's name
_IN_ARM_NAME = (r"in\s+(?:the\s+)?"
                r"(?P<name>(?:cohort|group|arm|cluster)\s+[A-Z0-9]\b|[\w-]+(?:\s[\w-]+)?\s+(?:group|arm|cohort))")
ARM_LIST_ITEM_RE = re.compile(r"(?=[0-9efhnostz])" rf"(?<![\w.,/-])(?P<n>{_N})\s+(?:{PERSON}\s+)?" + _IN_ARM_NAME, re.I)
IN_ARM_NAME_RE = re.compile(_IN_ARM_NAME, re.I)
COUNT_BEFORE_IN_RE = re.compile(rf"(?<![\w.,/-])(?P<n>{_N})\s+(?:{PERSON}\s+)?$", re.I)
# "MSCs (n = 19)": found from the "(n = 19)" and read back to the name (a regex that starts at
# the name would try every word of the text)
# also "(4 x 10^7 cells per time, n = 136)" (details that begin with a number, then the n) and
# "(n = 40, UC-MSCs plus leflunomide)" (the n, then details)
N_EQ_RE = re.compile(r"\((?:\s?\d[^()]{0,60}?[,;]\s?)?n\s?=\s?(?P<n>\d+)\s?(?:[,;][^()]{0,60})?\)", re.I)
NAME_BEFORE_RE = re.compile(r"(?P<name>(?:[\w^×/+-]+\s){0,3}[\w/+-]+)\s?$")
ARM_PAIR_RE = re.compile(
    r"(?=[iI])\binto\s+(?:the\s+)?(?P<a>[\w-]+(?:\s[\w-]+)?)\s+(?:and|or)\s+(?P<b>[\w-]+(?:\s[\w-]+)?)\s+(?:groups|arms)\b",
    re.I)
CONTROL_WORDS = re.compile(r"\b(?:placebo|control|sham|saline|conventional|standard|usual care|vehicle|alone|without|"
                           r"no|untreated|wait-?list|waiting list|observation only)\b", re.I)
# "18 of 30 patients (60.0%) in the UC-MSC group": an arm of 30 (a digit first: a fast start)
ARM_FRACTION_RE = re.compile(
    rf"[0-9](?<![\w.,/-].)\d*\s+(?i:(?:out\s+)?of\s+(?:the\s+)?(?P<n>\d+)\s+(?:{PERSON}\s+)?"
    r"(?:\([^()]{0,20}\)\s+)?in\s+the\s+(?P<name>[\w-]+(?:\s[\w-]+)?\s+(?:group|arm|cohort))\b)")
# "(control group, n = 36)": the name inside the brackets
NAME_IN_BRACKETS_RE = re.compile(r"\(\s?(?P<name>[A-Za-z][\w -]{1,40}?)\s?[,;:]\s?n\s?=\s?(?P<n>\d+)\s?\)", re.I)
# "(drug A, n = 40; placebo, n = 40)": a bracket listing the arms, each with its n
_BRACKET_ARM = r"(?P<name>[A-Za-z][\w -]{1,40}?)\s?[,:]\s?n\s?=\s?(?P<n>\d+)"
BRACKET_ARM_RE = re.compile(_BRACKET_ARM, re.I)
_BRACKET_ARM_ITEM = _BRACKET_ARM.replace("(?P<name>", "(?:").replace("(?P<n>", "(?:") + r"\s?"  # (groups once only)
ARM_LIST_IN_BRACKETS_RE = re.compile(rf"\(\s?(?:{_BRACKET_ARM_ITEM};\s?)+{_BRACKET_ARM_ITEM}\)", re.I)
# a name that is only a route, a form or a time is not an arm ("via intravenous injection (n = 136)")
NOT_ARM_NAME = re.compile(r"^(?:\w+\s)*(?:injection|infusion|administration|cells|weeks?|months?|days?|years?|"
                          rf"hours?|baseline|total|patients|intravenously|{PERSON})$"
                          rf"|^(?:two|three|four|five|six|both|each|all|\d)\b"
                          r"|^(?:mg|g|µg|μg|mcg|ml|iu|units?|mmol|kg)\b", re.I)
_POPULATION_BEFORE = re.compile(rf"\b{PERSON}\s+(?:with|having|who\s+had)\s+$", re.I)
_POPULATION_NAME = re.compile(r"(?:diagnosed|with|having|suffering|aged|living|who)\b", re.I)
_POPULATION_IN = re.compile(rf"(?:\b{PERSON}|-patients)\s+(?:diagnosed\s+|suffering\s+|living\s+)?"
                            r"(?:with|having|who|from)\b", re.I)
# counts of events, not arm sizes: "ascites (two patients in the G-CSF group ...)"
_EVENT_WORDS = re.compile(r"\b(?:adverse|events?|died|deaths?|serious|infections?|toxicit\w*|experienced|occurred|"
                          r"withdrew|discontinued|dropped\s+out|lost\s+to|complications?|admitted|hospitali[sz]\w*|"
                          r"discharged)\b",
                          re.I)
# an "(n = X)" names an arm in a sentence that allocates or treats patients, not in one that counts
# a subgroup ("Harvest location for the SaphLITE group was thigh (n = 40)")
_ASSIGN_CUE = re.compile(r"\brandom|\bassign|\ballocat|\bdivided\b|\breceiv|\btreated\b|\benrol|\bincluded\b|"
                         r"\bunderw|\bgroups?\s*:|\barms?\s*:|\bcohorts?\b|\bgiven\b|\binjected\b|\binfused\b", re.I)
_NOT_ARM_BEFORE = re.compile(r"(?:\b(?:weeks?|months?|days?|years?|hours?|at|to|by|of)|[±=<>×])\s*$", re.I)


@dataclass(frozen=True)
class _Candidate:
    role: str
    n: int
    start: int
    end: int


def _int(s: str) -> int | None:
    v = parse_number(s)
    if v is None or v != int(v) or v <= 0 or v > 1_000_000:
        return None
    return int(v)


_INCLUDED_IN_ANALYSIS = re.compile(r"\bincluded\s+in\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:analys[ie]s|evaluation)", re.I)


_CLAUSE_BREAK = re.compile(r"\b(?:but|whereas|while|who had|and\s+\d)\b|;")
_PERCENT_THEN_WAS = re.compile(r"^\s*(?:\(\s*[\d.]+\s*%\s*\)\s*)?(?:were|was)\s+")


_ROLE_VERBS_RE = [(re.compile(rx, re.I), role) for rx, role in ROLE_VERBS]


def _role(rest: str) -> str | None:
    # only the clause after the count: stop at the next count + person noun or a new clause
    clause = _CLAUSE_BREAK.split(rest, maxsplit=1)[0]
    if _INCLUDED_IN_ANALYSIS.match(clause.strip()) or _INCLUDED_IN_ANALYSIS.match(
            _PERCENT_THEN_WAS.sub("", clause)):
        return "analysed"  # "2,021 (72.4%) were included in the primary outcome analysis"
    rel = _RELATIVE_CLAUSE.match(clause)
    if rel:  # "58 patients who underwent resection ... were randomized": the main verb decides
        main = _MAIN_VERB.search(clause, rel.end())
        if main is None:
            return None  # "25 adults who provided consent and had no disease during screening": a description
        clause = clause[main.start():]
    best = None
    best_pos = 10**9
    for rx, role in _ROLE_VERBS_RE:
        m = rx.search(clause)
        if m and m.start() < best_pos:
            best, best_pos = role, m.start()
    return best


_RELATIVE_CLAUSE = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:who|that|which)\s+(?!were\b|was\b|had\s+been\b)", re.I)
_MAIN_VERB = re.compile(r"\b(?:were|was|had\s+been)\s+(?:subsequently\s+|then\s+|randomly\s+|finally\s+)?"
                        r"(?:randomi[sz]ed|assigned|allocated|enrolled|recruited|included|treated|divided|studied)\b",
                        re.I)


def _prov(t: Text, start: int, end: int, record_id: str) -> Provenance:
    sent = t.sentence_at(start)
    return Provenance(record_id, t.location, t.text[sent.start:sent.end], sent.start, sent.end)


_DIGIT_AT_END = re.compile(r"\d\s*$")
# a clause ends at a full stop, not at a decimal point ("mean age 52.5") nor inside "i.e., 4 on a scale"
_PERIOD_OR_SEMICOLON = re.compile(r";|\.(?=\s*[A-Z]|\s*$)")
_PLANNED_BEFORE = re.compile(r"\b(?:planned|required|targeted|target|intended|anticipated|estimated|calculated|needed)\b"
                             r"[^.;,]{0,25}$", re.I)
_EVENT_IN_BEFORE = re.compile(r"\b(?:occurred|observed|seen|reported|developed|found|noted)\s+in\s+$", re.I)
_OPEN_BRACKET_BEFORE_N = re.compile(r"\([^()]*$")
_BRACKETED = re.compile(r"\([^()]*\)")
_ROLE_IN_MODS = re.compile(r"\b(?:included|enrolled|randomi[sz]ed|recruited)\b", re.I)
SAMPLE_OF_RE = re.compile(words(["sample"]) + rf"\s+of\s+(?P<n>{_N})\s+(?P<next>[A-Za-z][\w-]*)")  # not "sample size of"
_OUT_OF_BEFORE = re.compile(r"\bout\s+of\s*$", re.I)
# a list of counts before the count: "19 and 24 students", "Twenty, 22 and 21 patients" (not "At week 12, 30
# patients", "In 2009, 64 patients": a time or a label before the list)
_NOT_YEAR = r"(?!(?:19|20)\d\d\b)"  # "From March 2002 to July 2004, 86 patients": a date, not a list of counts
_COUNT_LIST_BEFORE = re.compile(rf"(?<![\w.,/\-]){_NOT_YEAR}(?:{_N})(?:\s*,\s*{_NOT_YEAR}(?:{_N}))*\s*"
                                rf"(?:,\s*(?:and\s+)?|\s+and\s+)$", re.I)
_NOT_A_COUNT_LIST_BEFORE = re.compile(
    r"(?:\b(?:type|grade|stage|class|phase|level|step|stud(?:y|ies)|experiments?|trials?|parts?|days?|weeks?|months?|"
    r"years?|visits?|at|in|on|by|after|from|to|"
    r"of|between|since|until|and|or|aged?|[a-z]+ed)|[<>≤≥=±×%,\d])\s*$", re.I)
# a described count, then "and", before the count: "6 normal and 6 asthmatic subjects", "12 healthy and 14
# diabetic volunteers": two groups, each with its count (not "100 screened and 80 randomised patients")
_DESCRIBED_COUNT_BEFORE = re.compile(
    rf"(?<![\w.,/\-]){_NOT_YEAR}(?:{_N})\s+(?:(?!(?:screened|eligible|enrolled|randomi[sz]ed|included|recruited|"
    r"assessed|evaluable|analy[sz]ed|completed|of|in|at|and|or|were|was|with)\b)[A-Za-z][\w-]*\s+){1,2}and\s+$", re.I)
# "120 patients were needed", "a sample size of 120 patients was required": a plan, not the sample
_PLANNED_AFTER = re.compile(r"^[^.;]{0,30}?\b(?:was|were|would\s+be|will\s+be|are|is)\s+(?:required|needed|necessary|"
                            r"calculated|estimated|planned|sufficient)\b", re.I)
_NOT_REAL_PEOPLE = re.compile(r"\b(?:simulat\w*|virtual|hypothetical|fictional|fictitious|standardi[sz]ed)\b", re.I)
_GROUP_BEFORE_N_EQ = re.compile(r"\b(?:group|arm|cohort|condition)s?\s*\(\s?[nN]\s?=\s?$", re.I)
STUDY_POPULATION_N_RE = re.compile(r"\b(?:total\s+study|study|trial|total)\s+population\s*\(\s?[nN]\s?=\s?(?P<n>\d[\d,]*)\b")
# "three dose cohorts (N = 27)", "the Danish subcohort (N = 1396)", "The study sample (N = 120)": the sample's total
# (not one cohort's: "the first cohort (n = 12)")
COHORTS_N_RE = re.compile(r"\b(?:cohorts|subcohort|(?:study|total|final)\s+sample)\s*\(\s?[nN]\s?=\s?(?P<n>\d[\d,]*)\b")
_SEX_WORDS = frozenset({"men", "women", "males", "females", "boys", "girls"})
_ACHIEVED_SAMPLE_BEFORE = re.compile(r"\b(?:achieved|final|actual)\s+sample\s+(?:size\s+)?(?:of|was)\s*$", re.I)
_RANDOMISED_AHEAD = re.compile(r"\s+(?:the\s+)?randomi", re.I)


def sample_sizes(t: Text, record_id: str, skip_sentences: frozenset[int] = frozenset()) -> list[SampleSize]:
    """Every sample-size statement of the text, in order, with its role."""
    cands: list[_Candidate] = []
    text = t.text
    for p_start, p_end in t.anchored("person"):
        sent = t.sentence_at(p_start)
        if sent.index in skip_sentences:
            continue
        lo = max(sent.start, p_start - 70)
        if not _count_between(text, lo, p_start):
            continue  # no number before the noun
        if text[p_end:p_end + 1] in ("'", "’"):
            continue  # "2621 cyclists' movements", "120 patients’ records": a count of the persons' things
        m = COUNT_BEFORE_RE.search(text, lo, p_start)
        if m is None:
            # "We recruited one hundred and ninety four overweight and obese (BMI>27.5 kg/m2) employees": the
            # verb, the count, then more describing words than COUNT_BEFORE_RE reads
            m = VERB_COUNT_FAR_RE.search(text, max(sent.start, p_start - 110), p_start)
            if m is None:
                continue
        n = _int(m.group("n"))
        if n is None:
            continue
        # end-anchored checks: a window is enough (VERB_COUNT_FAR_RE's match holds its verb: the window ends at its n)
        before = text[max(sent.start, m.start("n") - 60):m.start("n")]
        rest_end = min(p_end + 160, sent.end)
        raw_after = text[p_end:rest_end]
        after_noun = _PERIOD_OR_SEMICOLON.split(raw_after, maxsplit=1)[0]
        # "out of 7,647 included patients (2.1%)": the describing words name the role, and the share is the
        # numerator's
        if _NOT_REAL_PEOPLE.search(m.group("mods")):
            continue  # "84 simulated cases", "20 virtual patients": not people of the study
        mod_role = _ROLE_IN_MODS.search(m.group("mods"))
        if _ARM_AFTER.match(after_noun) or (_PERCENT_AFTER.match(after_noun) and not mod_role):
            continue
        if _NOT_SAMPLE_BEFORE.search(before) and not mod_role and not _ROLE_PARTICIPLE_AFTER.match(after_noun):
            continue  # "of the 12 patients" (but "the mean age of the 40 enrolled patients", "Of the 40 patients
            # enrolled, 36 completed" name them)
        if _OPEN_BRACKET_BEFORE_N.search(text, max(sent.start, m.start("n") - 80), m.start("n")):
            # "Sixty patients (aged 25-65 years; 48 women) were enrolled": a count inside a bracket takes its role
            # from the bracket only (the verb after it is the sample's)
            if text[p_start:p_end].lower() in _SEX_WORDS:
                continue  # "(n = 20; 16 males and 4 females)": the sample's make-up, never its size
            after_noun = raw_after.split(")", 1)[0]
        elif "(" in raw_after:  # the verb after a describing bracket: "(aged 25-65 years; 48 women) were enrolled"
            after_noun = _PERIOD_OR_SEMICOLON.split(_BRACKETED.sub(" ", raw_after), maxsplit=1)[0]
        if _DIGIT_AT_END.search(before) or _SYMBOL_BEFORE_N.search(before):  # "2010 patients", "≥13 patients"
            continue
        if _PLANNED_BEFORE.search(before) or _EVENT_IN_BEFORE.search(before) or _PLANNED_AFTER.match(after_noun):
            continue  # "of a planned 2400 women", "the required sample size of 120"; "occurred in 6 neonates"
        verb_before = VERB_BEFORE_COUNT.search(before)
        if mod_role and not _SCREENED_MOD.search(m.group("mods")):
            role = _role(mod_role.group(0)) or "enrolled"
        elif _SCREENED_MOD.search(m.group("mods")) or _OUT_OF_BEFORE.search(before):
            role = "screened"
        elif verb_before:  # "We enrolled 24 patients"
            role = _role(verb_before.group(0)) or "enrolled"
        else:
            role = _role(after_noun) or ("total" if _TOTAL_BEFORE.search(before) and not _PART_OF_BEFORE.search(before)
                                         else "mentioned")
        if role in ("treated", "mentioned", "total") and _FRACTION_BEFORE.search(before):
            continue  # "three of four patients received ...", "49 of 393 patients with ...": a share's denominator
        if _COUNT_LIST_BEFORE.search(before) and not _NOT_A_COUNT_LIST_BEFORE.search(
                before, 0, _COUNT_LIST_BEFORE.search(before).start()):
            role = "arm"  # "19 and 24 students ..., respectively", "Twenty, 22 and 21 patients": each one arm's
        elif not mod_role and _DESCRIBED_COUNT_BEFORE.search(before):
            role = "arm"  # "in 6 normal and 6 asthmatic subjects": the second group's count
        elif _ACHIEVED_SAMPLE_BEFORE.search(before):
            role = "enrolled"  # "with the achieved sample size of 20 patients"
        cands.append(_Candidate(role, n, m.start("n"), m.end("n")))
    n_eq_from = 0
    for p_start, _ in t.anchored("person") if _N_EQUALS.search(text) else ():
        # "Patients with RA (n = 24) were enrolled" (only nouns in p/s: "patients", "subjects", ...)
        # PERSON_N_EQ_RE needs "n =" within a few words: test for the "=" first (cheap)
        m = PERSON_N_EQ_RE.match(text, p_start) if p_start >= n_eq_from and "=" in text[p_start:p_start + 70] \
            else None
        if m is None:
            continue
        n_eq_from = m.end()
        sent = t.sentence_at(m.start())
        n = _int(m.group("n"))
        if sent.index in skip_sentences or n is None or _GROUP_BEFORE_N_EQ.search(text, m.start(), m.start("n")):
            continue  # (not "children with ASD in the intervention group (N = 15)": the group's n)
        rest = _PERIOD_OR_SEMICOLON.split(text[m.end():min(m.end() + 160, sent.end)], maxsplit=1)[0]
        role = _role(rest) or ("mentioned" if m.group("close") != ")" else None)  # "Patients (N = 100; women = 86"
        if role:
            cands.append(_Candidate(role, n, m.start("n"), m.end("n")))
    for v_start, v_end in t.anchored("verb"):
        sent = t.sentence_at(v_start)
        if sent.index in skip_sentences:
            continue
        verb = text[v_start:v_end].lower()
        if verb not in ("entered", "participated") and not _AUX_TAIL.search(text, max(sent.start, v_start - 30),
                                                                             v_start):
            continue  # "randomized controlled trial": no "were" before the verb, no count to read (a quick test)
        if not _count_between(text, max(sent.start, v_start - 90), v_start):
            continue
        m = COUNT_BEFORE_VERB_RE.search(text, max(sent.start, v_start - 50), v_start)
        if m is None or (m.group("aux") is None and verb not in ("entered", "participated")):
            # "A total of 46 trained musicians participated", "36 met the criteria and were randomised"
            m = NOUN_PHRASE_BEFORE_VERB_RE.search(text, max(sent.start, v_start - 90), v_start)
            if m is None or _NOT_A_COUNTED_NOUN.search(m.group("np")) or (
                    m.group("aux") is None and verb not in ("entered", "participated")):
                continue  # "9 were enrolled", "Thirty (52%) entered randomisation"
        n = _int(m.group("n"))
        if n is None or _year_like(text, m.start("n"), n) or _LABEL_BEFORE.search(text, max(0, m.start("n") - 8),
                                                                                  m.start("n")) \
                or _SYMBOL_BEFORE_N.search(text, max(0, m.start("n") - 3), m.start("n")):
            continue  # "type 2 diabetes were", "a score ≥13 were randomly assigned"
        if verb == "included" and _INCLUDED_IN_ANALYSIS.match(text, v_start):
            verb = "analysed"
        if verb == "entered":
            verb = "randomised" if _RANDOMISED_AHEAD.match(text[v_end:v_end + 20]) else "enrolled"
        role = ("randomised" if verb.startswith("random") else "analysed" if verb.startswith("analy")
                else "treated" if verb == "treated" else "screened" if verb == "eligible" else "enrolled")
        cands.append(_Candidate(role, n, m.start("n"), v_end))
    for m in [*(STUDY_POPULATION_N_RE.finditer(text) if "opulation" in text else ()),
              *(COHORTS_N_RE.finditer(text) if "ohort" in text or "ample" in text else ())]:
        # "Of the total study population (n = 591, 97% of eligible subjects), 513 participated": the total
        sent = t.sentence_at(m.start())
        n = _int(m.group("n"))
        if sent.index not in skip_sentences and n is not None:
            cands.append(_Candidate("total", n, m.start("n"), m.end("n")))
    for m in SAMPLE_OF_RE.finditer(text) if "ample" in text else ():
        # "a sample of 100 Spanish third-graders": the sample, whatever noun names its members
        sent = t.sentence_at(m.start())
        n = _int(m.group("n"))
        if sent.index in skip_sentences or n is None or _NOT_A_COUNTED_NOUN.match(m.group("next")) or \
                _PLANNED_BEFORE.search(text, max(sent.start, m.start() - 40), m.start("n")):
            continue
        cands.append(_Candidate("total", n, m.start("n"), m.end("n")))
    cands = [c if c.role in ("screened", "analysed") or not _one_arms(t, c) else _Candidate("arm", c.n, c.start, c.end)
             for c in _distinct(cands)
             if not (c.role == "mentioned" and _EVENT_WORDS.search(t.sentence_at(c.start).text))]
    cands.sort(key=lambda c: c.start)
    return [SampleSize(c.role, c.n, _prov(t, c.start, c.end, record_id)) for c in cands]  # type: ignore[arg-type]


def _distinct(cands: list[_Candidate]) -> list[_Candidate]:
    """One candidate per count: the person-noun reading and the verb reading of "9 patients were
    enrolled" are the same statement (the first found is kept)."""
    seen: set[int] = set()
    out = []
    for c in cands:
        if c.start not in seen:
            seen.add(c.start)
            out.append(c)
    return out


# "the other group included 18 participants", "One group, consisted of 16 participants"
GROUP_HAD_BEFORE_RE = re.compile(r"\b(?:group|arm|cohort)\b[\s,]+(?:[\w-]+\s+){0,2}?(?:included|consisted\s+of|"
                                 r"comprised|contained)\s+$", re.I)
# "12 participants randomized to a treatment arm", "Twenty patients were randomly assigned to the placebo group"
TO_AN_ARM_AFTER_RE = re.compile(
    r"^[^;.]{0,40}?\b(?:randomi[sz]ed|assigned|allocated)\s+to\s+(?:the\s+|a\s+|an\s+)?(?:[\w+/-]+\s+){0,4}?"
    r"(?:arm|group|cohort)\b", re.I)


_ARM_OWN_N = re.compile(r"\s*\([^()]{0,20}?\b[nN]\s?=")  # "group (n = 352)", "group (Group I; n = 16)"
_TO_AN_ARM_NO_VERB = re.compile(rf"\s+(?:{PERSON}\s+)?(?:to|in)\s+the\s+(?:[\w+/-]+\s+){{0,3}}?(?:group|arm|cohort)\b", re.I)
_IN_AN_ARM_BEFORE = re.compile(r"\bin\s+the\s+(?:[\w+/-]+\s+){1,3}?(?:group|arm|cohort)\s*,?\s*$", re.I)
_TO_A_AND_N_TO_B = re.compile(rf"\s+(?:{PERSON}\s+)?to\s+(?:receive\s+)?[^,;.()]{{1,60}}?(?:,\s*(?:and\s+)?|\s+and\s+)"
                              rf"{_N}\s+(?:{PERSON}\s+)?to\b", re.I)
_AND_BEFORE = re.compile(r"(?:\band|,)\s+$")
_OPEN_BRACKET_BEFORE = re.compile(r"[(\[](?![^()\[\]]*\b[nN]\s?=)[^()\[\]]{0,15}$")


_WERE_ASSIGNED_AHEAD = re.compile(r"\s+(?:\w+\s+){0,2}?(?:were|was)\s+(?:randomly\s+)?(?:treated|assigned|allocated|randomi[sz]ed|given|"
                r"included)\b")


_MADE_UP_AN_ARM_AFTER_RE = re.compile(
    r"[^;.]{0,100}?\b(?:comprised|made\s+up|formed|constituted|composed)\s+(?:the\s+|a\s+|an\s+)?(?:[\w+/-]+\s+){0,3}?"
    r"(?:group|arm|cohort|control)s?\b", re.I)
_COMPARED_WITH_BEFORE_RE = re.compile(r"\bcompared\s+(?:with|to)\s+(?:the\s+)?$", re.I)
_AND_N_OTHER_PERSONS_AFTER_RE = re.compile(rf"\s+(?:[\w-]+\s+){{0,2}}?{PERSON}\s+and\s+(?:{_N})\s+(?:[\w-]+\s+){{0,2}}?{PERSON}\b",
                                           re.I)
_COMPARED_WITH_N_AFTER_RE = re.compile(rf"[^;.]{{0,180}}?\bcompared\s+(?:with|to)\s+(?:the\s+)?(?:{_N})\s+", re.I)
# "Thirty patients received acupuncture and 28 received sham needling": a count and another with the same verb
_SAME_VERB_AFTER_RE = re.compile(
    rf"\s+(?:{PERSON}\s+)?(?P<v1>[a-z]+ed|used|took|got|had|underwent|were\s+[a-z]+ed)\b[^;.]{{1,80}}?"
    rf"(?:,\s*(?:and\s+|while\s+|whereas\s+)?|\s+and\s+|\s+while\s+|\s+whereas\s+)(?:{_N})\s+(?:{PERSON}\s+)?"
    r"(?P<v2>[a-z]+ed|used|took|got|had|underwent|were\s+[a-z]+ed)\b", re.I)


def _one_arms(t: Text, c: _Candidate) -> bool:
    """Whether the count is one arm's size (see ANOTHER_AFTER_RE)."""
    sent = t.sentence_at(c.start)
    text = t.text
    if _IN_AN_ARM_BEFORE.search(text, max(sent.start, c.start - 50), c.start):
        return True  # "In the carbetocin group 462 subjects were included and in the oxytocin group 1,122"
    if _TO_A_AND_N_TO_B.match(text, c.end, min(sent.end, c.end + 120)):
        return True  # "We randomly assigned 1,161 patients to tranexamic acid and 1,164 to placebo"
    if _TO_AN_ARM_NO_VERB.match(text, c.end, sent.end) and _AND_BEFORE.search(text, max(sent.start, c.start - 8), c.start):
        return True  # "202 participants were allocated to the intervention group and 200 participants to the control group"
    if ANOTHER_BEFORE_RE.search(text, max(sent.start, c.start - 25), c.start) or \
            GROUP_HAD_BEFORE_RE.search(text, max(sent.start, c.start - 50), c.start):
        return True
    if _OPEN_BRACKET_BEFORE.search(text, max(sent.start, c.start - 16), c.start) and _ASSIGN_CUE.search(sent.text):
        return True  # "... impregnated with IGF-1 (62 patients) or four injections (Dex; 58 patients)"
    after = text[c.end:sent.end]
    to_arm = TO_AN_ARM_AFTER_RE.match(after)
    if to_arm and "either" not in to_arm.group(0).lower() and not _ARM_OWN_N.match(after, to_arm.end()):
        return True  # but "695 newborns were assigned to either the study group (n = 352) or ...": everyone
    if any(w in after[:160] for w in ("other", "further", "remaining")) and ANOTHER_AFTER_RE.search(after[:160]):
        return True  # "and another 20 patients" (the words ANOTHER_AFTER_RE needs, tested first: cheap)
    if _WERE_ASSIGNED_AHEAD.match(after) and EACH_VERB_AFTER_RE.match(after[:200]):
        return True
    if " and " in after[:40] and _AND_N_OTHER_PERSONS_AFTER_RE.match(after):
        return True  # "150 boys and 147 girls were randomly selected": one part of a sample whose total is not written
    if _COMPARED_WITH_BEFORE_RE.search(text, max(sent.start, c.start - 40), c.start):
        return True  # "... were compared with 450 patients in whom ...": the other arm
    if _MADE_UP_AN_ARM_AFTER_RE.match(after[:160]):
        return True  # "Seventy-five patients failing ART comprised the TDF group", "... made up the control"
    if "compared" in after[:220] and _COMPARED_WITH_N_AFTER_RE.match(after[:220]):
        return True  # "450 patients who underwent X were prospectively compared with 450 patients in whom ..."
    same = _SAME_VERB_AFTER_RE.match(after[:200])
    if same and same.group("v1").lower() == same.group("v2").lower():
        return True  # "Twenty residents used the French version and 22 used the English version"
    return bool(ALLOCATED_EACH_RE.match(after[:200]))


# "Study 1", "study B", "Experiment 2", "Trial II": one of the studies an abstract reports (not "phase 3")
_STUDY_LABEL_RE = re.compile(
    r"\b(?i:stud(?:y|ies)|experiments?|trials?)\s+(?P<label>[1-9]|(?:[A-D]|I{1,3}|IV)(?![\w-])|(?i:one|two|three)\b)"
    r"(?![\d.,]\d|\s?-?\s?(?i:weeks?|months?|years?|days?)\b)")
_COUNT_IN_SENTENCE_RE = re.compile(rf"(?<![\w.,/-])(?P<n>{_N})(?![\w.,]\w)", re.I)
_STUDY_LABEL_AFTER_RE = re.compile(r"^[^.;,]{0,30}?\b(?:in|of|for)\s+(?:the\s+)?$", re.I)


def not_one_studys(t: Text, sizes: list[SampleSize]) -> list[SampleSize]:
    """The counts that are not one study's own where the abstract reports several labelled studies
    (two or more labels: "In study 1, we provided 96 participants ..., while in study 2, a sample of
    120"; "Study A was conducted in 33 adults. Study B ... in 75"): a count with a label before it in
    its sentence, or right after it ("40 patients in Experiment 1"), is that study's, and the abstract
    may state no total at all ("A total of 150 patients were enrolled in two studies" is one)."""
    if "tud" not in t.text and "xperiment" not in t.text and "rial" not in t.text:
        return sizes
    labels = list(_STUDY_LABEL_RE.finditer(t.text))
    if len({m.group("label").lower() for m in labels}) < 2:
        return sizes
    out = []
    for s in sizes:
        sent = t.sentence_at(s.provenance.start or 0)
        count = next((m for m in _COUNT_IN_SENTENCE_RE.finditer(t.text, sent.start, sent.end)
                      if _int(m.group("n")) == s.n), None)  # (the provenance is the count's sentence)
        if count is None or not any(sent.start <= m.start() < count.start() or (
                count.end() <= m.start() < sent.end and _STUDY_LABEL_AFTER_RE.match(t.text[count.end():m.start()]))
                for m in labels):
            out.append(s)
    return out


def choose_enrolled(sizes: list[SampleSize]) -> SampleSize | None:
    """The first count of the strongest role (see ROLE_PRIORITY)."""
    for role in ROLE_PRIORITY:
        for s in sizes:
            if s.role == role:
                return s
    return None


def per_arm_n(t: Text) -> int | None:
    """"three patients in each cluster" -> 3."""
    if not t.anchored("each"):  # PER_ARM_RE needs "each", "every" or "per"
        return None
    for m in PER_ARM_RE.finditer(t.text):
        n = _int(m.group("n"))
        if n:
            return n
    return None


_ARM_UNITS = frozenset({"cohort", "group", "arm", "cluster"})
_NAME_STOP = frozenset({"to", "into", "either", "the", "or", "and", "both", "receive", "received", "receiving",
                        "with", "of", "given", "get", "be", "intravenous", "intra-articular", "assigned",
                        "randomized", "randomised", "allocated", "divided", "was", "were", "is", "are", "had", "has"})


def _clean_name(name: str) -> str:
    """The arm's own words: "randomized to UC-MSCs" -> "UC-MSCs", "an MSC group" -> "MSC group"."""
    words = name.split()
    cut = max((i for i, w in enumerate(words) if w.lower() in _NAME_STOP), default=-1)
    words = words[cut + 1:]
    if len(words) > 1 and words[0] in ("a", "an"):  # a lower-case article, not "A" of "group A"
        words = words[1:]
    return " ".join(words).strip()


def _arm_list_items(t: Text) -> list[re.Match[str]]:
    """The ARM_LIST_ITEM_RE matches of the text, found from the anchor word "in" (each match has
    one, right after its count) instead of scanning the whole text."""
    out: list[re.Match[str]] = []
    done = 0  # like finditer: a match never starts inside the previous one
    for in_start, _ in t.anchored("in"):
        # a match's "in" is this one (no number or person word ends in "in"), so an "in" not followed
        # by an arm's name has none: that is tested first, at one position, before the count is
        # searched for in the 80 characters before it
        if not IN_ARM_NAME_RE.match(t.text, in_start):
            continue
        count = COUNT_BEFORE_IN_RE.search(t.text, max(done, in_start - 80), in_start)
        m = ARM_LIST_ITEM_RE.match(t.text, count.start()) if count else None
        if m:
            out.append(m)
            done = m.end()
    return out


# "randomized 1:1 to fish oil supplementation or olive oil placebo", "randomly assigned to NMES + Ex or
# Ex group", "randomized 3:1 to receive brodalumab (...) or placebo": the list after the verb
ALLOC_LIST_RE = re.compile(
    # ("We randomised 50 patients with gout to colchicine or naproxen": the people randomised may stand between)
    rf"(?:assigned|allocated|randomi[sz]ed)\s+(?:{_N}\s+(?:[\w-]+\s+)?{PERSON}(?:\s+with\s+[\w'-]+(?:\s+[\w'-]+){{0,3}}?)?\s+"
    r"(?=(?:in)?to\s))?"
    r"(?:\(\s?\d+\s?:\s?\d+(?:\s?:\s?\d+)*\s?\)\s+|\d+\s?:\s?\d+(?:\s?:\s?\d+)*\s+|"
    r"in\s+a\s+\d+\s?:\s?\d+(?:\s?:\s?\d+)*\s+ratio\s+|(?:equally|evenly)\s+)?(?:in)?to\s+(?:receive\s*:?\s*|either\s+|"
    r"one\s+of\s+(?:two|three|four|five)\s+(?:groups|arms)\s*:?\s*|the\s+following\s+(?:groups|arms)\s*:?\s*)?", re.I)
_ALLOC_LIST_END = re.compile(
    r"\s+(?:for|during|over|at|on|within|every|twice|once|thrice|daily|weekly|monthly|from|until|after|before|"
    r"using|by|according|stratified|with\s+stratification|in\s+(?:a|an|the)\b|in\s+addition\b|who|which|plus\s+"
    r"(?:standard|usual)|as)\b|[;:]|,\s*(?:and\s+)?(?:were|was|blinded|stratified|using|with)\b|\.(?:\s|$)", re.I)
_ALLOC_SPLIT = re.compile(r"\s*,\s*(?:or\s+|and\s+)?|\s+(?:or|versus|vs\.?)\s+|\s+and\s+(?=(?:the\s+|a\s+|an\s+)?"
                          r"(?:placebo|control|sham|usual|standard|no\b))", re.I)
_BRACKETS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
# "27 patients were randomly assigned to the standard care, 26 to the G-CSF group, and 28 to ..."
ALLOC_EACH_FIRST_RE = re.compile(
    rf"(?<![\w.,/-])(?P<n>{_N})\s+(?:{PERSON}\s+)?(?:were\s+|was\s+)?(?:randomly\s+)?(?:assigned|allocated|"
    r"randomi[sz]ed)\s+to\s+(?:receive\s+)?(?:the\s+)?(?P<name>[^,;.()]{1,50}?)"
    r"(?=\s*(?:,|;|\.(?:\s|$)|\(|$)|\s+(?:and|for|during|over|at|on|with|from|who|were|plus\s+(?:standard|usual))\b)",
    re.I)
ALLOC_EACH_NEXT_RE = re.compile(
    rf"(?:\s*\([^()]*\))?(?:\s*,\s*(?:and\s+)?|\s+and\s+)(?:another\s+|a\s+further\s+)?(?P<n>{_N})\s+(?:{PERSON}\s+)?"
    r"(?:(?:were\s+|was\s+)?(?:randomly\s+)?(?:assigned|allocated|randomi[sz]ed)\s+)?(?:in)?to\s+(?:receive\s+)?"
    r"(?:the\s+)?(?P<name>[^,;.()]{1,50}?)"
    r"(?=\s*(?:,|;|\.(?:\s|$)|\(|$)|\s+(?:and|for|during|over|at|on|with|from|who|were|plus\s+(?:standard|usual))\b)",
    re.I)
_ARM_WORD_LIMIT = 6
_RELATIVE_BEFORE = re.compile(r"\b(?:who|that|which)\s+(?:were|was|had\s+been)\s+(?:randomly\s+)?$", re.I)
_COLON_EACH = re.compile(
    rf"\s*:\s*(?P<n>{_N})\s+(?:{PERSON}\s+)?(?:in)?to\s+(?:receive\s+)?(?:the\s+)?(?P<name>[^,;.()]{{1,50}}?)"
    r"(?=\s*(?:,|;|\.(?:\s|$)|\(|$)|\s+(?:and|for|during|over|at|on|with|from|who|were)\b)", re.I)
_VERB_IN_ITEM = re.compile(r"\b(?:completed|received|showed|had|were|was|is|are|did|reported)\b", re.I)
_COUNT_START_RE = re.compile(rf"(?<![\w.,/-]){_N}\s", re.I)


_PLURAL_GROUP_END = re.compile(r"\b(?:groups|arms)$", re.I)
_LEADING_DETERMINER = re.compile(r"^(?:a|an|the|either|both)\s+", re.I)
_PLURAL_GROUP_WORD_END = re.compile(r"\s+(?:groups|arms)$", re.I)
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _alloc_items(list_text: str) -> list[str] | None:
    """The arm names of an allocation list ("brodalumab (...) or placebo" -> brodalumab, placebo), or
    None when an item is too long to be a name (the list is then not read at all)."""
    flat = _BRACKETS.sub("", _BRACKETS.sub("", list_text))  # two levels of brackets
    end = _ALLOC_LIST_END.search(flat)
    flat = flat[:end.start()] if end else flat
    items = [_LEADING_DETERMINER.sub("", x.strip(" ,")) for x in _ALLOC_SPLIT.split(flat)]
    items = [x for x in items if x]
    if len(items) < 2 or any(len(x.split()) > _ARM_WORD_LIMIT or not _ASCII_LETTER.match(x)
                             or _VERB_IN_ITEM.search(x) for x in items):
        return None
    if _PLURAL_GROUP_END.search(items[-1]):  # "to X or Y groups"
        items = [_PLURAL_GROUP_WORD_END.sub("", x) for x in items]
    return items


def _with_next_items(text: str, first: tuple[str, int | None, int], pos: int, end: int
                     ) -> tuple[list[tuple[str, int | None, int]], int]:
    """`first` (name, n, offset) and the allocation items that follow it ("..., 20 to B and 18 to C"),
    read with ALLOC_EACH_NEXT_RE from `pos` up to `end`; and where the last one ends."""
    found = [first]
    while True:
        nxt = ALLOC_EACH_NEXT_RE.match(text, pos, end)
        if nxt is None:
            return found, pos
        found.append((nxt.group("name"), _int(nxt.group("n")), nxt.start("n")))
        pos = nxt.end()


# "Forty-two patients were enrolled; 21 received MSCs and 21 received placebo": counts that each received an
# arm's treatment, when they add up to the count the sentence gave before them
_RECEIVED_ITEM = (rf"(?P<n>{_N})\s+(?:{PERSON}\s+)?received\s+(?:the\s+|a\s+|an\s+)?(?P<name>[^,;.()]{{1,40}}?)"
                  r"(?=\s*(?:,|;|\.(?:\s|$)|\(|$)|\s+and\b)")
RECEIVED_FIRST_RE = re.compile(rf"(?<![\w.,/-]){_RECEIVED_ITEM}", re.I)
RECEIVED_NEXT_RE = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+){_RECEIVED_ITEM}", re.I)


def received_arms(t: Text) -> list[tuple[str, int | None, int]]:
    """(name, n, offset) of "21 received MSCs and 21 received placebo" lists whose counts add up to a count
    written before them in the sentence ("Forty-two patients were enrolled; ..."), in text order."""
    text = t.text
    if "received" not in text:
        return []
    out: list[tuple[str, int | None, int]] = []
    for m in RECEIVED_FIRST_RE.finditer(text):
        if out and m.start() < out[-1][2]:
            continue
        found = [(m.group("name"), _int(m.group("n")), m.start("n"))]
        pos = m.end()
        sent = t.sentence_at(m.start())
        while (nxt := RECEIVED_NEXT_RE.match(text, pos, sent.end)) is not None:
            found.append((nxt.group("name"), _int(nxt.group("n")), nxt.start("n")))
            pos = nxt.end()
        if len(found) < 2 or any(n is None for _, n, _ in found):
            continue
        total = sum(n for _, n, _ in found if n is not None)
        before = [_int(c.group(0).strip()) for c in _COUNT_START_RE.finditer(text, sent.start, m.start())]
        if total in before:
            out += [(_clean_name(name), n, at) for name, n, at in found]
    return out


def allocation_arms(t: Text) -> list[tuple[str, int | None, int]]:
    """Arms named where patients are allocated: (name, n or None, offset), in text order.
    "randomized 1:1 to A or B" gives the names; "27 were assigned to A, 26 to B and 28 to C" and
    "Twenty ... to the placebo group and another 20 ... to receive sulodexide" give names with n."""
    out: list[tuple[str, int | None, int]] = []
    text = t.text
    done = 0
    for v_start, _ in t.anchored("allocation"):
        if v_start < done:
            continue
        sent = t.sentence_at(v_start)
        first = None
        starts = _COUNT_START_RE.finditer(text, max(sent.start, v_start - 60), v_start) \
            if _count_between(text, max(sent.start, v_start - 60), v_start) else ()
        for cand in starts:
            m = ALLOC_EACH_FIRST_RE.match(text, cand.start(), sent.end)
            if m and m.end() > v_start:
                first = m
                break
        if first is not None:
            found, pos = _with_next_items(text, (first.group("name"), _int(first.group("n")), first.start()),
                                          first.end(), sent.end)
            if len(found) >= 2:
                out += [(_clean_name(name), n, at) for name, n, at in found]
                done = pos
                continue
        m = ALLOC_LIST_RE.match(text, v_start, sent.end)
        if m is None or _RELATIVE_BEFORE.search(text, max(sent.start, v_start - 30), v_start):
            continue  # "women who were allocated to receive the intervention completed ...": not the allocation
        colon = _COLON_EACH.match(text, m.end(), sent.end)
        if colon:  # "randomised: 18 to the intervention and 18 to usual care"
            found, pos = _with_next_items(text, (colon.group("name"), _int(colon.group("n")), colon.start("n")),
                                          colon.end(), sent.end)
            out += [(_clean_name(name), n, at) for name, n, at in found]
            done = pos
            continue
        items = _alloc_items(text[m.end():sent.end])
        if items:
            out += [(_clean_name(x), None, m.start()) for x in items]
            done = sent.end
    return out


_EVERY_WORD = re.compile(r"(?:each|every|both|all)\b", re.I)
_DIGIT_START = re.compile(r"^\d")
_NUMBER_WORD_ONLY = re.compile(r"^[\d.,×x^]+$")
_ASSIGNED_TO = frozenset({"to", "into", "receive", "received", "receiving"})
_GROUP_WORD_AFTER = re.compile(r"\s(?:groups?|arms?)$")
# a drug dose's unit: its number stays in an arm's name ("tocilizumab 8 mg/kg (n = 60)"), where a cell
# count's is dropped ("2 × 10^7 (n = 9)")
_DRUG_UNIT_WORD = re.compile(r"(?i)^(?:[mµμn]?g|mcg|ug|m?l|iu|units?|mmol|meq)(?:/(?:kg|m2|m²|d|day|wk|week|dose))*$")


def arm_stem(name: str) -> str:
    """An arm's name lower-cased, less a trailing "group" or "arm" ("Placebo group" -> "placebo")."""
    return _GROUP_WORD_AFTER.sub("", name.lower())


def arms_of(t: Text, record_id: str) -> list[Arm]:
    """Arms named with an n: "20 in cohort A", "MSCs (n = 19) or placebo (n = 24) group",
    and "randomly divided into MSCT and control groups" (n unknown)."""
    arms: dict[str, Arm] = {}
    text = t.text

    def prov_of(pos: int) -> Provenance:
        sent = t.sentence_at(pos)
        return Provenance(record_id, t.location, sent.text, sent.start, sent.end)

    def add(name: str, n: int | None, pos: int) -> None:  # the first statement of an arm's name wins
        key = name.lower()
        bare = arm_stem(key)
        if bare != key and bare in arms:
            key = bare  # "6 of 30 (20%) in the placebo group" after "placebo (n = 30)": the same arm
        if key not in arms:
            arms[key] = Arm(name, n, prov_of(pos), bool(CONTROL_WORDS.search(name)))
        elif arms[key].n is None and n is not None:  # a later statement gives its n
            arms[key] = Arm(arms[key].name, n, prov_of(pos), arms[key].is_control)


    for m in _arm_list_items(t):
        n = _int(m.group("n"))
        name = _clean_name(m.group("name"))
        if _NOT_ARM_BEFORE.search(text[max(0, m.start() - 30):m.start()]) or _EVERY_WORD.match(name):
            continue  # "at week 24 in the MSC group", "six in each cohort"
        if _EVENT_WORDS.search(t.sentence_at(m.start()).text) or NOT_ARM_NAME.match(name):
            continue  # "(two patients in the G-CSF group ...)": an event count
        if n:
            add(name, n, m.start())
    for m in N_EQ_RE.finditer(text):
        sent = t.sentence_at(m.start())
        if not _ASSIGN_CUE.search(sent.text):
            continue
        nm = NAME_BEFORE_RE.search(text, max(sent.start, m.start() - 60), m.start())
        # ("patients with RA to vitamin D (n = 33)": the words before "to" are not the name, so "with" before
        # them says nothing of it)
        if not nm or (_POPULATION_BEFORE.search(text, max(sent.start, nm.start() - 30), nm.start())
                      and not any(w.lower() in _ASSIGNED_TO for w in nm.group("name").split())) or \
                _POPULATION_IN.search(nm.group("name")) or _POPULATION_NAME.match(nm.group("name")):
            continue  # "Patients with active RA (N = 982)": the population, not an arm
        words = nm.group("name").split()  # numbers are a dose ("2 × 10^7 (n = 9)"), not "cohort 1"
        name = _clean_name(" ".join(w for i, w in enumerate(words) if not _NUMBER_WORD_ONLY.match(w)
                                    or (i and words[i - 1].lower() in _ARM_UNITS)
                                    or (i + 1 < len(words) and _DRUG_UNIT_WORD.match(words[i + 1]))))
        n = _int(m.group("n"))
        if n and name and not _DIGIT_START.match(name) and not NOT_ARM_NAME.match(name):
            add(name, n, m.start())
    # "(control group, n = 36)", then "18 of 30 patients (60%) in the UC-MSC group" (30 in that arm)
    listed = [item for br in ARM_LIST_IN_BRACKETS_RE.finditer(text)
              for item in BRACKET_ARM_RE.finditer(text, br.start() + 1, br.end() - 1)]
    for m in [*listed, *NAME_IN_BRACKETS_RE.finditer(text), *ARM_FRACTION_RE.finditer(text)]:
        name = _clean_name(m.group("name"))
        n = _int(m.group("n"))
        if n and name and not NOT_ARM_NAME.match(name):
            add(name, n, m.start())
    pair_from = 0
    for into_start, _ in t.anchored("into"):
        m = ARM_PAIR_RE.match(text, into_start) if into_start >= pair_from else None
        if m is None:
            continue
        pair_from = m.end()
        for key in ("a", "b"):
            add(_clean_name(m.group(key)), None, m.start())
    # the allocation sentence, last: an arm already named ("low-dose (..., n = 10)") is not named again
    # from the list ("low-dose (...) or high-dose (...) UC-MSC infusion")
    # (names without an n only when nothing else named the arms: "MTX plus UC-MSCs or MTX alone" are
    # the "UC-MSC group" and "MTX alone group" of the results)
    named_before = bool(arms)
    for name, n, pos in [*allocation_arms(t), *received_arms(t)]:
        low = name.lower()
        if not name or NOT_ARM_NAME.match(name) or (n is None and named_before):
            continue
        if not any(k != low and (low.startswith(k) or k.startswith(low)) for k in arms):
            add(name, n, pos)
    return list(arms.values())
