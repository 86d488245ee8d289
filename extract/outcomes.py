"""Outcome rows from result sentences: one row per measure × arm × timepoint.

For each result sentence (a sentence with a value, a P value or a direction word):

1. Measures: every measure the sentence names, in or out of the vocabulary (extract.measure_spans:
   subjects of result verbs, objects of direction verbs, "reductions in X", "X (values)", lists of
   them), with the vocabulary rules kept: "EULAR" only before "response", "DAS28 ... remission"
   as its own measure, "DAS28 (using ESR)" one DAS28, a measure repeated in brackets counted once,
   a sub-scale named alone ("stiffness") completed from the one instrument the record names
   ("WOMAC stiffness"). Predictors ("Baseline CRP did not predict CVD") and correlates are not results.
2. Result sentences only: aims and methods ("... were evaluated according to DAS28") give no rows.
3. Each value belongs to the measure before it in its clause, or to the measure after it when the
   clause opens with the values ("37% (11/30) of brodalumab subjects ... achieved ACR20;").
4. Timepoints: measures listed before a timepoint group take that group; a measure with none after
   it takes the group before it; a group is cut at "but"; "by days 2 (...), 7 (...), and 90 (...)"
   gives each bracket its day; a measure with no timepoint takes the study's only timepoint.
5. Direction: "no significant change" wording; else a nominal cue before the measure ("a
   reduction in ESR", "improvements ... for the WOMAC pain"); the verb before an object ("lowered
   blood cholesterol"); else the next verbal cue after it in its clause; else the sign of a change
   or of follow-up minus baseline. "improved" follows the measure's better direction.
6. Values of several arms go to their arms (extract.sentence_values.arm_slots). Means/SDs are
   change, baseline or follow-up from the wording ("changes", "from A to B", "A at the start, B at
   study end"); medians go to median/IQR/range, "mean (95% CI)" to the CI fields; percentages and
   counts of people are responders for responder, safety and event measures ("12 [43%] patients",
   "40% (12/30)", "three of four patients", "no one achieved"), "decreased by 30%" and "a 30%
   decrease" percent changes of the others. Between-group estimates (OR, RR, HR, MD, SMD, effect
   sizes, "net reduction of X") go to the row of the comparison ("A vs B") with their CI; a value
   list without a measure after a sentence that listed as many measures takes them in order ("The
   mean difference ... was 1.9 (0.7 to 3.2), 6.5 (...) ... respectively").
7. Implausible values are flagged on the row ("responders 25 > n 20", "percentage 120 > 100").
Adverse events give rows only with counts; "no serious adverse events" is a safety statement.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from operator import is_not
from typing import Any, NamedTuple, Sequence

from extract.abbreviations import abbreviations
from extract.cues import cue_kind, cue_re, no_change_phrases
from extract.document import Mention, Sentence, Text
from extract.estimates import Count, Effect
from extract.evidence import Arm, OutcomeRow, Provenance
from extract.fastre import words
from extract.measure_spans import MeasureSpan, find_measures, instrument_subscales
from extract.measures import canonical_measure, measure_info
from extract.lexer import load_rules
from extract.quantities import NUM, WORDNUM, MeanSD, PValue, Percentage, Timepoint, parse_number, weeks_from
from extract.samples import arm_stem
from extract.sentence_values import (ArmRef, Item, Slot, SentenceValues, arm_refs, arm_slots, comparator_first,
                                     covariate_lists,
                                     number_as_value, sentence_values)

__all__ = ["Context", "outcome_rows"]

_N = rf"(?:\d+|{WORDNUM})"
# "were assessed", "to evaluate", "primary endpoint", "aim": a methods sentence. Written with a fast
# start (fastre.words: one alternative per first word, each with its own trailing \b); the plain
# spelling, `\b(?:were|was|be)\s+(?:evaluated|...)\b|\bto\s+...` with re.I, is in
# tests/extract/test_speed_paths.py, which checks that both find a cue in the same texts.
_ASSESSED = r"\s+(?:evaluated|assessed|measured|recorded|used|collected|determined|monitored)\b"
_END_POINT = r"\s+(?:end\s?points?|outcomes?)\b"
METHODS_CUE = re.compile(words([
    "were" + _ASSESSED, "was" + _ASSESSED, "be" + _ASSESSED,
    r"to\s+(?:assess|evaluate|determine|investigate|explore|examine|measure)\b", r"according\s+to\b",
    "primary" + _END_POINT, "secondary" + _END_POINT, r"aim(?:ed)?\b", r"objectives?\b"]))
# "Further research is needed to increase insight into ...": what is still to be studied, no result
FUTURE_WORK = re.compile(r"\b(?:further|more|future|larger|additional|longer[- ]term)\s+(?:[\w-]+\s+){0,2}?"
                         r"(?:research|studies|trials?|investigations?|work|evaluations?)\b[^.]*?\b(?:is|are)?\s*"
                         r"(?:needed|required|warranted|necessary)\b", re.I)
# Patterns searched in every result sentence begin with a character set, which lets re skip to
# candidates fast (extract/fastre.py): the first letters in both cases, plus "İ", "ı" (an "i") and
# "ſ" (an "s"), which re.IGNORECASE also matches; "(?<!\w.)" after the first letter is the "\b"
# before it, and the letters after it are matched under (?i:...).
# ";" or a word "but", "whereas", "while", "although"
CLAUSE_SPLIT = re.compile(r"[;ABWabw](?:(?<=;)|(?<!\w.)(?i:(?<=b)ut|(?<=w)(?:hereas|hile)|(?<=a)lthough)\b)")
# a change score, not a level: "changes were", "a reduction of", "decreased by", "Δ". The words are
# one pattern with a fast start (fastre.words); "Δ" (and "δ", which re.IGNORECASE matches to it) is a
# substring test. The plain spelling, `\bchang\w*|\b(?:reduction|...)\s+(?:of|was|were|by)\b|\bby\b|
# \bdelta\b|Δ` with re.I, is in tests/extract/test_speed_paths.py, which checks has_change_cue with it.
_CHANGE_WORDS = re.compile(words(["chang", r"by\b", r"delta\b"] + [
    w + r"\s+(?:of|was|were|by)\b" for w in ("reduction", "decrease", "improvement", "increase", "fall", "drop", "decline",
                                           "reduced", "decreased", "improved", "increased", "fell", "dropped", "declined")]))


def has_change_cue(text: str) -> bool:
    """Whether `text` words its values as a change ("changes were", "a reduction of", "by", "Δ")."""
    return "Δ" in text or "δ" in text or _CHANGE_WORDS.search(text) is not None


PAIR_SEP = re.compile(r"^\s*(?:,|;)?\s*(?:vs\.?|versus|compared\s+with|and|to|→|->)\s*$", re.I)
BASELINE_CUE = re.compile(words(["baseline", "before", r"pre-?treatment", r"at\s+(?:study\s+)?entry", "initial",
                                 r"at\s+randomi[sz]ation", r"at\s+inclusion", r"at\s+enrol+ment"]) + r"\b")
# "4.8 ng/mL at the start", "5.1 at the study end"
BASELINE_AFTER = re.compile(
    r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:at|before)\s+(?:the\s+)?(?:start|baseline|entry|onset|"
    r"beginning|inclusion|randomi[sz]ation)\b", re.I)
FOLLOWUP_AFTER = re.compile(
    r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:at|after)\s+(?:the\s+)?(?:(?:study|trial|treatment)\s+)?"
    r"(?:end|completion|follow-?up|last\s+visit)\b", re.I)
BARE_VALUE_RE = re.compile(
    rf"\b(?:was|were|of|=|:)\s*(?P<v>-?{NUM})(?!\s*(?:%|years?|months?|weeks?|days?|hours?|patients|mm\b|cm\b|kg\b|mg\b|\d|×))")
FROM_TO_RE = re.compile(r"\bfrom\b", re.I)
RESPECTIVELY_LIST_RE = re.compile(
    r"\b(?:for|in|of)\s+(?:the\s+)?(?:cohorts?|groups?|arms?|clusters?)\s+"
    r"(?P<list>[\w-]+(?:\s?,\s?[\w-]+)*,?\s+(?:and|or)\s+(?:the\s+)?[\w-]+)", re.I)
# "ACR20 response rates with tofacitinib 5 mg, tofacitinib 10 mg, and placebo were ...": the arms named
# after "with" (or "for", "in", "among", "receiving"), then the verb before the values
_ARM_ITEM = r"[A-Za-z][\w/+.-]*(?:\s(?!and\b|or\b|were\b|was\b)[\w/+.-]+){0,3}"
RESPECTIVELY_WITH_RE = re.compile(
    rf"\b(?:with|for|in|among|receiving)\s+(?:the\s+)?(?P<list>{_ARM_ITEM}(?:\s?,\s?{_ARM_ITEM})*,?\s+(?:and|or)\s+"
    rf"(?:the\s+)?{_ARM_ITEM}?)(?:\s+(?:treatments?|groups?|arms?|cohorts?|regimens?))?\s+(?:were|was|are|is)\s", re.I)
# "65.22, 55.56, and 34.09%": a list of numbers whose last one carries the percent sign
_PCT_LIST_RE = re.compile(rf"(?P<list>{NUM}(?:\s?,\s?(?:and\s+)?{NUM}|\s+and\s+{NUM})+)\s?%")
FROM_GROUP_RE = re.compile(
    rf"(?P<n>{_N})\s+(?:patients?\s+)?(?:from|in)\s+(?:the\s+)?(?:(?:group|cohort|arm|cluster)\s+(?P<id>[A-Z0-9])\b"
    rf"|(?P<name>[\w-]+)\s+(?:group|arm|cohort|cluster))\s*\(\s*(?P<p>{NUM})\s*%\s*\)", re.I)
# "18 of 30 patients (60.0%) in the UC-MSC group": responders, n (%), of one arm
FRACTION_GROUP_RE = re.compile(
    rf"(?P<n>{_N})\s+(?:out\s+)?of\s+(?:the\s+)?\d+\s+(?:patients?\s+)?\(\s*(?P<p>{NUM})\s*%\s*\)\s+in\s+the\s+"
    rf"(?P<name>[\w-]+(?:\s[\w-]+)?)\s+(?:group|arm|cohort|cluster)\b", re.I)
FRACTION_RE = re.compile(rf"(?<![\w.])(?P<x>{_N})\s+(?:out\s+)?of\s+(?P<the>the\s+)?(?P<y>{_N})\b", re.I)
# the "of (the) <number>" every FRACTION_RE match holds, found fast from its leading set: FRACTION_RE
# (tried at every position) is run only on the few sentences with one
OF_NUMBER = re.compile(rf"[Oo][Ff]\s+(?:(?i:the)\s+)?(?i:{_N})")
ZERO_RE = re.compile(
    words([r"no\s+one", "nobody", r"none\s+of\s+the\s+(?:patients|participants|subjects)",
           r"no\s+(?:patients?|participants?|subjects?)"], not_after=r"\w")
    + r"(?i:\s+(?:had\s+|has\s+|have\s+)?(?:achieved|reached|attained|experienced|met|developed|had|showed|obtained))\b")
# "in the <arm>"
ARM_IN_SENTENCE_RE = re.compile(
    r"[Iiİı](?<!\w.)(?i:n\s+the\s+(?P<arm>(?:cluster|group|cohort|arm)\s+(?:infused|treated|receiving|given|injected)\s+with\s+"
    r"[^,.;]+?|[\w-]+(?:\s[\w-]+)?\s+(?:group|cluster|cohort|arm))(?=\s*(?:,|\.|;|$|\bbut\b|\band\b|\bwere\b|\bwas\b|\bversus\b|\bthan\b|\bvs\b|\bthe\b|\bthere\b|\(|\))))")
# "The placebo group showed ...", "Patients in the MSC group had ...": the sentence's subject arm
SUBJECT_ARM_RE = re.compile(
    r"^(?:[A-Z][\w ,]{0,30},\s)?(?:the\s+)?(?P<arm>(?:[\w+/-]+\s){1,4}(?:group|arm|cohort))\s+(?:showed|had|was|were|"
    r"demonstrated|exhibited|reported|experienced|achieved|presented)\b", re.I)
# "but not in the placebo group" (fast start: fastre.words; plain spelling in tests/extract/test_speed_paths.py)
BUT_NOT_RE = re.compile(words([r"but\s+not\s+in\s+the\s+(?P<arm>[\w-]+(?:\s[\w-]+)?\s+(?:group|cluster|cohort|arm))"]))
# "from 25.1 to 8.2", "from 25.1 mg/L at baseline to 8.2 mg/L": a unit may follow each value
_FT_UNIT = r"(?:\s?(?!to\b|at\b)[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ0-9]{1,6}){0,2})?"
FROM_TO_BARE_RE = re.compile(rf"\bfrom\s+(?!(?:19|20)\d\d\s+to\s+(?:19|20)\d\d\b)(?P<a>-?{NUM}){_FT_UNIT}\s+"
                             rf"(?:at\s+baseline\s+)?to\s+(?P<b>-?{NUM})(?!\s?(?:%|±|\())")  # not "from 1995 to 2013"
FROM_TO_PCT_RE = re.compile(rf"\bfrom\s+(?P<a>-?{NUM})\s?%\s+(?:at\s+baseline\s+)?to\s+(?P<b>-?{NUM})\s?%")
# "Diclofenac reduced CRP by 1.5 mg/L": the measure between the verb and "by"
VERB_OBJECT_BY = re.compile(r"\b(?:decreas\w*|reduc\w*|improv\w*|lower\w*)\s+(?:the\s+)?(?:[\w()-]+\s+){1,5}?by\s", re.I)
BY_CUE = re.compile(r"\b(?:decreas\w*|reduc\w*|improv\w*|fell|dropped|declin\w*|lower\w*)\s+by\b", re.I)
# "HAQ improved by 0.42", "DAS28 increased by 1.1": an absolute change (not "by 30%", not "by week 12")
BY_VALUE_RE = re.compile(
    rf"\b(?:decreas\w*|reduc\w*|improv\w*|fell|dropped|declin\w*|lower\w*|increas\w*|rose|risen|elevat\w*)"
    rf"\s+by\s+(?:a\s+mean\s+of\s+|an\s+average\s+of\s+)?(?P<v>{NUM})"
    rf"(?!\s*(?:%|percent|fold|times|-fold|×|\d|weeks?|months?|days?|years?|hours?)\b|\s*%|\d|[.,]\d)", re.I)
# "decreased by 30%", "a 30% decrease in", "reduced CRP by 30%", "30% lower": a percent change
PERCENT_CHANGE_BEFORE = re.compile(
    r"\b(?:decreas\w*|reduc\w*|lower\w*|fell|dropped|declin\w*|increas\w*|rose|elevat\w*|improv\w*|chang\w*)"
    r"(?:\s+[\w-]+){0,3}?\s+by\s+(?:a\s+mean\s+of\s+|about\s+|approximately\s+|nearly\s+|almost\s+)?"
    # "IL-6 fell by 32% and TNF-α by 18%": the verb left out before the second measure's change
    r"(?:[-+−]?\d+(?:\.\d+)?\s?%(?:\s?,\s?(?:and\s+)?|\s+and\s+)(?:[\w()-]+\s+){1,4}?by\s+)?$", re.I)
# "a 17% (95% CI 9-25) proportional reduction in": the percentage's CI may stand between it and its word
PERCENT_CHANGE_AFTER = re.compile(
    r"\s?(?:[(\[]\s?(?:95|90|99)\s?%\s?(?:CI|confidence\s+intervals?)\b[^()\[\]]{0,40}[)\]]\s?)?"
    r"(?:mean\s+|median\s+|relative\s+|proportional\s+)?(?P<w>decrease|reduction|lowering|fall|drop|decline|increase|rise|"
    r"improvement|change|lower|higher|greater|less)\b", re.I)
# "versus", "vs", "compared with", "respectively" (fast start: fastre.words; plain spelling in
# tests/extract/test_speed_paths.py)
ORDER_CUE = re.compile(words([r"versus\b", r"vs\.?(?!\w)", r"compared\s+with\b", r"respectively\b"]))
N_PERSONS_PCT_RE = re.compile(
    rf"(?<![\w.])(?P<n>{_N})\s+(?:patients?|participants?|subjects?)\s*\(\s*(?P<p>{NUM})\s*%\s*\)", re.I)
N_EQ_RE = re.compile(r"\(\s?n\s?=\s?(?P<n>\d+)\s?\)", re.I)
NEGATED_BEFORE = frozenset({"no", "without", "nor"})
REFERENCE_BEFORE = frozenset({"after", "before", "following", "since", "until"})
END_OF_STUDY_RE = re.compile(r"\b(?:up\s+)?(?:to|until)\s+the\s+end\b|\bthroughout\s+the\s+(?:study|follow-?up)\b"
                             r"|\bat\s+the\s+(?:study\s+)?end\b|\bat\s+the\s+end\s+of\s+(?:the\s+)?(?:study|trial|"
                             r"treatment|intervention|follow-?up)\b", re.I)
# predictors and correlates are not results: "Baseline CRP did not predict CVD", "correlated with DAS28"
PREDICTOR_AFTER = re.compile(r"\s?(?:\([^()]{0,30}\)\s?)?(?:did\s+not\s+|does\s+not\s+|was\s+not\s+|were\s+not\s+|"
                             r"was\s+|were\s+|is\s+|significantly\s+)?(?:predict\w*|associated\s+with|"
                             r"correlated\s+with|a\s+(?:strong\s+|significant\s+)?predictor)\b", re.I)
CORRELATION_BEFORE = re.compile(r"\bcorrelat\w*\s+(?:\w+\s+){0,2}?(?:with|between)\b|\bpredict(?:ed|s|or)?\b", re.I)
# every CORRELATION_BEFORE match holds one of these (a fast start: a set of their first letters)
_CORRELATION_WORDS = re.compile(r"[CcPp](?i:(?<=c)orrelat|(?<=p)redict)")
# an event or a count of people: percentages of these are proportions of patients
EVENT_WORDS = re.compile(
    r"\b(?:events?|infections?|deaths?|died|mortality|fatality|complications?|incidence|prevalence|rates?|proportion|"
    r"recurrences?|relapses?|remission|responders?|response|failures?|success|abscess\w*|fistulas?|peritonitis|"
    r"sepsis|pneumonia|bleeding|haemorrhages?|hemorrhages?|fractures?|nausea|vomiting|headaches?|diarrh\w+|rash\w*|"
    r"reactions?|toxicit\w+|discontinu\w+|withdraw\w+|dropouts?|hospitali[sz]\w+|admissions?|readmissions?|"
    r"occurrence|malaria|parasit\w+|cases?|conversions?|resolution|cure|healing|survival|pregnanc\w+|"
    r"births?|birthweight|delivery|patients?\s+with|irritation|achiev\w+|improvement\s+of\s+at\s+least)\b", re.I)
RESULT_VALUE_WORDS = re.compile(r"\b(?:odds|hazard|risk)\s+ratio|\b(?:aOR|OR|HR|RR|MD|SMD|ES)\b|effect\s+size|η|eta",
                                re.I)
# RESULT_VALUE_WORDS with a fast start (whether it matches is what is used): the first letters of its
# words (both cases, "ſ" for s, "Η" for η) consumed by a set; "(?<!\w.)" is the "\b" before the words that have one
_RESULT_VALUE_WORDS_FAST = re.compile(
    r"[AaEeHhMmOoRrSsſΗη](?:(?<!\w.)(?i:(?<=o)(?:dds\s+ratio|r\b)|(?<=h)(?:azard\s+ratio|r\b)|(?<=r)(?:isk\s+ratio|r\b)"
    r"|(?<=a)or\b|(?<=m)d\b|(?<=s)md\b|(?<=e)s\b)|(?i:(?<=e)(?:ffect\s+size|ta)|(?<=η)))")
_DIGIT = re.compile(r"\d")
# "a level of 48 ng/mL", "was 3.2", "= 4.1": a value after its word (each branch begins with a literal: a fast start)
_VALUE_AFTER_WORD = re.compile(r"of\s[-+−]?\d|was\s[-+−]?\d|were\s[-+−]?\d|=\s?[-+−]?\d|:\s?[-+−]?\d")
# "... of those on atorvastatin having no decrease in CRP": a proportion of people with a condition
PEOPLE_WITH_RE = re.compile(
    # ("66.7% (95% confidence interval [CI], 52.9-78.6%) of the patients showed ...": the percentage's CI between)
    rf"(?P<pct>{NUM})\s?%(?:\s?[(\[][^()\[\]]{{0,50}}(?:[(\[][^()\[\]]{{0,10}}[)\]][^()\[\]]{{0,30}})?[)\]])?\s+of\s+(?:the\s+)?(?:patients?|subjects?|participants?|those|women|men|children|individuals|"
    r"people)(?:\s+(?:on|in|receiving|treated\s+with|given|taking|allocated\s+to|randomi[sz]ed\s+to)\s+"
    r"(?P<arm>(?:the\s+)?[\w+/-]+(?:\s[\w+/-]+){0,3}?))?\s+(?:who\s+)?(?P<verb>having|had|has|have|with|achieving|achieved|"
    r"reaching|reached|experiencing|experienced|reporting|reported|developing|developed|showing|showed|"
    r"attaining|attained|meeting|met)\s+(?P<cond>[^,.;()]{3,70}?)(?=\s?(?:[,.;()]|$|\bcompared\b|\bversus\b|\bvs\b|"
    r"\bwhile\b|\bwhereas\b|\band\s+\d))", re.I)
# an abstract's section headings, on their own line or before the first sentence ("Results:", "RESULTS.")
HEADING_RE = re.compile(
    r"(?P<h>(?i:background|introduction|objectives?|aims?(?:\s?/\s?hypothesis)?|purpose|rationale|context|"
    r"methodology(?:\s?/\s?principal\s+findings)?|methods?\s?/\s?principal\s+findings|methods\s+and\s+findings|"
    r"principal\s+findings|(?:materials\s+and\s+)?methods?(?:\s+and\s+results)?|design|setting|settings|participants|patients|"
    r"subjects(?:\s?/\s?methods)?|interventions?|(?:main\s+)?outcome\s+measures?|measurements|study\s+design|"
    r"results|findings|conclusions?(?:\s?/\s?interpretation)?|interpretation|discussion|significance|"
    r"trial\s+registration|registration|funding|summary|electronic\s+supplementary\s+material|"
    r"background\s+and\s+aims?|aims\s+and\s+objectives))\s*(?:[.:]\s?|$)")
_SECTION_KIND = {"results": "results", "findings": "results", "conclusion": "results", "conclusions": "results",
                 "interpretation": "results", "discussion": "results", "significance": "results",
                 "trial registration": "none", "registration": "none", "funding": "none",
                 "electronic supplementary material": "none", "summary": "results"}


def _section_kind(heading: str) -> str:
    """"results" (outcomes are read), "methods" (only vocabulary measures: background, aims,
    methods) or "none" (registration, funding)."""
    h = " ".join(heading.lower().split())
    if "result" in h or "findings" in h:  # PLoS: "Methodology/Principal Findings", "Methods and Findings"
        return "results"
    if h.startswith("conclusion"):
        return "results"
    return _SECTION_KIND.get(h, "methods")


# The words of a level ("HbA1c", "serum level", "body fat", "%"): one pattern with a fast start
# (fastre.words) and a substring test for "%" (the plain spelling, `\b(?:levels?|...)\b|%` with re.I,
# is in tests/extract/test_speed_paths.py, which checks names_a_level with it).
_LEVEL_WORDS = re.compile(words([w + r"\b" for w in (
    "levels?", "concentrations?", "hba1c", "a1c", "glycated", "fraction", "saturation", "ha?ematocrit", "content",
    "density", "fat", "mass", "bmi", "index", "indices", "score", "scores", "scale", "pressure", "weight", "volume",
    "ratio", "values?", "counts?", r"percentage\s+change", "change", "changes", "function", "thickness", "diameter",
    "velocity", "capacity", "fev1", "fvc", "spo2", "oxygen", "compliance", "intake", "activity",
    # a share of cells is a level: "the percentage of CD4+CD25+Foxp3+ Treg cells increased from 3.2% to 5.8%"
    "cells", "lymphocytes", "monocytes", "subsets?",
    # ... named by the cells' abbreviation: "the percentage of CD4+CD25+FoxP3+ Tregs rose from 3.9% to 6.1%"
    "tregs?", r"th\d{1,2}")]))


def names_a_level(name: str) -> bool:
    """Whether a measure's name is a level's ("HbA1c", "ejection fraction", "body fat %")."""
    return "%" in name or _LEVEL_WORDS.search(name) is not None
LOWER_IS_BETTER = re.compile(
    r"\b(?:pain|stiffness|fatigue|disability|severity|symptoms?|mortality|deaths?|infections?|complications?|nausea|"
    r"vomiting|anxiety|depression|inflammation|bleeding|global\s+assessment|PGA|PtGA|tenderness|swelling|"
    r"disease\s+activity|adverse|toxicity|itch\w*|pruritus)\b", re.I)


@dataclass(frozen=True)
class Context:
    """What the outcome reader knows about the study from the rest of the record."""

    record_id: str
    arms: tuple[Arm, ...]
    default_arm: str
    default_n: int | None
    per_arm_n: int | None
    timepoints: tuple[Timepoint, ...]  # the study's own timepoints in this text
    followup_weeks: float | None  # for adverse events counted over the whole study
    skip_sentences: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Measure:
    name: str
    mention: Mention
    canonical: str | None = None
    role: str = "vocab"
    change: bool = False  # written as a change: "DAS28 changes", "mean change in X"
    better: str | None = None  # "lower" / "higher" / None

    @property
    def kind(self) -> str | None:
        return _measure_kind(self.name, self.canonical, self.role, self.mention.text)


@lru_cache(maxsize=4096)
def _measure_kind(name: str, canonical: str | None, role: str, text: str) -> str | None:
    """_Measure.kind (read several times for each measure of a sentence: computed once)."""
    if name.endswith("remission") and canonical:
        return "responder"
    kind = measure_info(canonical).get("kind")
    if kind is None and (role == "people" or EVENT_WORDS.search(text) or EVENT_WORDS.search(name)):
        return "event"
    return kind


@dataclass(frozen=True)
class _Record:
    text: str
    subscale_of: dict[str, str]  # a sub-scale word -> the instrument the record names ("pain" -> "WOMAC")
    default_tp: Timepoint | None  # the study's only timepoint
    followup: Timepoint | None  # the follow-up or safety window the text states ("followed for 24 weeks")
    arm_names: tuple[str, ...] = ()  # the study's arms and what patients were randomised to

    @property
    def abbreviations(self) -> dict[str, str]:
        """The abbreviations the text defines (found on first use; abbreviations() caches them)."""
        return abbreviations(self.text)


@lru_cache(maxsize=1)
def _rules() -> tuple[dict[str, dict], set[str], list[str]]:
    m = load_rules("measures")
    info = {x["name"]: x for x in m["measures"]}
    return info, set(m["remission"]["of"]), m["remission"]["words"]


class _Span(NamedTuple):
    start: int
    end: int


class _ByStart:
    """A text's mentions of one kind, in text order (as Text.mentions is), for taking a sentence's
    by bisection rather than a scan of all of them for every sentence."""

    __slots__ = ("items", "starts")

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items
        self.starts = [x.start for x in items]

    def within(self, start: int, end: int) -> list:
        """The items with start <= item.start and item.end <= end, in their order."""
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.starts, end, lo)
        return [x for x in self.items[lo:hi] if x.end <= end]


def _by_start(items: Sequence[Any]) -> bool:
    return all(x.start <= y.start for x, y in zip(items, items[1:]))


class _Scan:
    """_ByStart's `within` for items not in text order: a scan of all of them."""

    __slots__ = ("items",)

    def __init__(self, items: Sequence[Any]) -> None:
        self.items = items

    def within(self, start: int, end: int) -> list:
        return [x for x in self.items if start <= x.start and x.end <= end]


# ----------------------------------------------------------------------------------------------
# The record: abbreviations, the one instrument whose sub-scales bare words name, the study's timepoint
# ----------------------------------------------------------------------------------------------
_FOLLOWUP_CUE = re.compile(r"\bfollow-?up|\bfollowed\s+(?:up\s+)?(?:for|over|during|until)|\bobserv\w*\s+(?:for|over|period)|"
                           r"\bmonitor\w*\s+(?:for|over)|\bsafety\b|\badverse\b|\bthroughout\b|"
                           r"\bduring\s+the\s+(?:study|trial|treatment)|\bdays?\s+following\b", re.I)
_OTHER_PAIN_SCALE = re.compile(r"\b(?:VAS|visual\s+analog\w*|NRS|numeric\w*\s+rating|McGill|pain\s+scale|"
                               r"KOOS|Lequesne|pain\s+score)\b", re.I)


def _record_info(t: Text, ctx: Context) -> _Record:
    subs = instrument_subscales()
    named = {m.value for m in t.mentions if m.kind == "MEASURE" and m.value in subs}
    subscale_of: dict[str, str] = {}
    if len(named) == 1:
        instrument = next(iter(named))
        words_ = subs[instrument]
        others = _OTHER_PAIN_SCALE.search(t.text)
        for w in words_:
            if w == "pain" and others:
                continue
            subscale_of[w] = instrument
    # (a time under a week is a dosing or procedure time more often than the study's assessment)
    points = sorted({tp.weeks for tp in ctx.timepoints if tp.kind != "baseline" and tp.weeks >= 1})
    default = None
    if len(points) == 1:
        default = next(tp for tp in ctx.timepoints if tp.weeks == points[0])
    followup = None
    if ctx.followup_weeks is not None:
        # the follow-up only where a sentence says so ("followed for 24 weeks", "safety ... for 30 days
        # following surgery"), not the longest time the text happens to name
        for tp in ctx.timepoints:
            if tp.weeks == ctx.followup_weeks and _FOLLOWUP_CUE.search(t.sentence_at(tp.start).text):
                followup = Timepoint(tp.weeks, 0, 0, "end of follow-up")
                break
    names = [a.name for a in ctx.arms]
    names += [x for x in _allocated(t.text) if x.lower() not in {n.lower() for n in names}]
    return _Record(t.text, subscale_of, default, followup, tuple(names))


# "randomised (1:1) to tocilizumab or placebo": written with a fast start (fastre.words); the plain
# spelling, `\b(?:randomi[sz]ed|randomly\s+(?:...)|assigned|allocated)\s+...` with re.I, is in
# tests/extract/test_speed_paths.py, which checks that both give the same matches.
_ALLOCATION = re.compile(
    words(["randomi[sz]ed", r"randomly\s+(?:assigned|allocated|divided)", "assigned", "allocated"])
    + r"(?i:\s+(?:\(?\d:\d(?::\d)*\)?\s+)?"
    r"(?:[\w,-]+\s+){0,4}?(?:to\s+(?:receive\s+|either\s+)?|into\s+|between\s+)(?P<list>[^.;:]{3,200}))")
_ALLOC_SPLIT = re.compile(r"\s?,\s?(?:or\s+|and\s+)?|\s+(?:or|and|versus|vs\.?)\s+", re.I)


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_ARTICLE_OR_GROUP_WORD = re.compile(r"^(?:the|a|an|either|receive|treatment\s+with)\s+|\s+(?:groups?|arms?)$", re.I)
_ANY_DIGIT = re.compile(r"\d")
_SCHEDULE_TAIL = re.compile(r"\s+(?:for|at|during|in|with|every|daily|twice|once|plus|\d)")


def _allocated(text: str) -> list[str]:
    """What patients were randomised to ("randomised to tocilizumab or placebo"): candidate arm names."""
    out: list[str] = []
    if "ssign" not in text and "andom" not in text and "llocat" not in text:
        return out
    for m in _ALLOCATION.finditer(_BRACKETED.sub(" ", text)):
        lst = m.group("list")
        for item in _ALLOC_SPLIT.split(lst):
            item = _ARTICLE_OR_GROUP_WORD.sub("", item.strip()).strip(" ,")
            item = _SCHEDULE_TAIL.split(item)[0].strip()
            if 2 < len(item) <= 40 and len(item.split()) <= 4 and not _ANY_DIGIT.search(item) and item not in out \
                    and item.split()[0].lower() not in ("another", "other", "each", "both", "one", "two", "three",
                                                        "receive", "be", "treatment", "groups", "either"):
                out.append(item)
    return out


# ----------------------------------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------------------------------
_OPEN_BRACKET_GAP = re.compile(r"\s?[(\[]\s?")
_INSTRUMENT_GAP = re.compile(r"[\s(;,:-]*(?:using|based\s+on|with|by)?\s*", re.I)


def _vocab_measures(t: Text, mentions: list[Mention]) -> list[_Measure]:
    """The vocabulary measures of a sentence from its MEASURE mentions."""
    info, remission_of, remission_words = _rules()
    out: list[_Measure] = []
    toks = t.tokens_lower
    last_end = -1
    for m in mentions:
        name = m.value
        if _is_reference(toks, m.token_start):
            continue  # "2-3 weeks after the transient IFN-γ increase": a reference, not a result
        if m.token_end < len(toks) and toks[m.token_end] in ("group", "groups", "arm", "arms", "cohort"):
            continue  # "the RF group": an arm's name
        spec = info.get(name, {})
        after = toks[m.token_end:m.token_end + 5]
        if spec.get("needs_next") and not any(w in spec["needs_next"] for w in after):
            continue
        if name in remission_of and any(w in remission_words for w in toks[m.token_end:m.token_end + 4]):
            name = f"{name} remission"
        if name in ("ESR", "CRP") and out and out[-1].name.startswith("DAS28"):
            gap = t.text[last_end:m.start]
            if len(gap) < 30 and _INSTRUMENT_GAP.fullmatch(gap):
                continue  # "DAS28 (using ESR)", "DAS28-CRP": a DAS28 variant
        if out and out[-1].name == name and _OPEN_BRACKET_GAP.fullmatch(t.text[last_end:m.start]):
            last_end = m.end  # "adverse events (AEs)": the name repeated in brackets
            continue
        better = spec.get("better")
        out.append(_Measure(name, m, name, "vocab", False, better))
        last_end = m.end
    return out


def _is_reference(toks: tuple[str, ...], start: int) -> bool:
    """True for a measure inside "after/before/following (the) (adjective) <measure>"."""
    for w in reversed(toks[max(0, start - 3):start]):
        if w in REFERENCE_BEFORE:
            return True
        if w in ("and", "or", ",", ";", "of", "in"):
            return False
    return False


_DEFINED_BY = re.compile(r"\s?\(\s?(?:defined\s+as\s+|i\.e\.,?\s+)?(?P<of>DAS\s?28|SDAI|CDAI)\b", re.I)


def _sentence_measures(t: Text, sent: Sentence, mentions: list[Mention], ctx: Context, rec: _Record,
                       values: bool, open_names: bool = True) -> list[_Measure]:
    """Vocabulary measures, renamed from the phrase that holds them ("WOMAC pain", "serum IL-12"),
    and the measures outside the vocabulary the sentence reports (see the module docstring). In a
    background or methods section (`open_names` False) only vocabulary measures are read."""
    vocab = _vocab_measures(t, mentions)
    if not open_names:
        return vocab
    spans = find_measures(t, sent, mentions, rec.arm_names)
    bounds = _clause_bounds(sent)
    out: list[_Measure] = []
    used_vocab: set[int] = set()
    text = t.text
    # CORRELATION_BEFORE is searched before each measure: only where the sentence has its words
    correlation = _CORRELATION_WORDS.search(text, sent.start, sent.end) is not None
    for s in spans:
        inner = [v for v in vocab if s.start <= v.mention.start and v.mention.end <= s.end]
        if s.mention is not None and not inner:
            continue  # the vocabulary rules dropped it (a reference, "EULAR" without "response")
        if len(inner) >= 2 and len({v.name for v in inner}) == len(inner) and all(
                text[v.mention.end:w.mention.start].strip() in ("/", ",") for v, w in zip(inner, inner[1:])):
            continue  # "ACR20/ACR50/ACR70 responses": each vocabulary measure of the slash list is its own
        clause_start = _clause_of(bounds, s.start)[0]
        if s.role in ("category", "arm") or PREDICTOR_AFTER.match(text, s.end) or (
                correlation and CORRELATION_BEFORE.search(text[clause_start:s.start])):
            used_vocab.update(id(v) for v in inner)
            continue
        better = None
        name = s.name
        canonical = s.canonical
        if inner:
            v = inner[0]
            used_vocab.update(id(x) for x in inner)
            if canonical is None and v.name.endswith("remission"):
                name, canonical = v.name, v.name
            elif canonical is not None and canonical != v.name and v.name.endswith("remission"):
                name, canonical = v.name, v.name
            better = v.better if canonical == v.canonical else _subscale_better(v, name)
        if canonical is None:
            name, canonical = _expand(name, rec.abbreviations)
        if canonical is None and "remission" in name.lower():
            defined = _DEFINED_BY.match(text, s.end)
            score = defined.group("of").upper().replace(" ", "") if defined else None
            if score in _rules()[1]:  # the scores measures.json says a remission is of
                # "the remission rate (DAS28 < 2.6)": the bracket names the score whose remission it is
                name = canonical = f"{score} remission"
        low = name.lower()
        if canonical is None and low in rec.subscale_of and s.mention is None:
            instrument = rec.subscale_of[low]
            name = f"{instrument} {low}"
            better = measure_info(instrument).get("better")
        first = name.split()[0] if name else ""
        if better is None and first in instrument_subscales():
            better = measure_info(first).get("better")  # "WOMAC function": as the WOMAC
        if better is None and canonical is None and LOWER_IS_BETTER.search(name):
            better = "lower"
        mention = Mention("MEASURE", name, s.start, s.end, text[s.start:s.end], s.token_start, s.token_end)
        role = s.role if not inner else ("vocab" if s.role in ("", "vocab") else s.role)
        out.append(_Measure(name, mention, canonical, role, s.change, better))
    for v in vocab:
        if id(v) not in used_vocab and not PREDICTOR_AFTER.match(text, v.mention.end) and not (
                correlation and CORRELATION_BEFORE.search(text[_clause_of(bounds, v.mention.start)[0]:v.mention.start])):
            out.append(v)
    out.sort(key=lambda m: m.mention.start)
    lists = covariate_lists(text, sent)
    if " with " in sent.text or " who " in sent.text:
        # "In patients with high RF, the incidence ...": the measure names who the subgroup is, not an outcome
        lists += [(d.start("desc"), d.end("desc")) for d in _SUBGROUP.finditer(text, sent.start, sent.end)]
    if lists:  # "When covariates for sex, age group and disease duration were included": what a model was adjusted for
        out = [m for m in out if not any(a <= m.mention.start < b for a, b in lists)]
    out = _slash_siblings(t, out)
    # a measure named twice (a repeat in brackets, a list) is one
    kept: list[_Measure] = []
    for m in out:
        if any(k.name == m.name and not _own_clause_repeat(text, sent, k, m) for k in kept):
            continue
        if not values and m.role not in ("vocab",) and m.canonical is None and not _has_cue_near(t, sent, m):
            continue  # an open name in a sentence without values needs a direction word near it
        kept.append(m)
    return kept


_ACR_LEVELS = ("20", "50", "70", "90")


# "In patients with high RF, the ...", "for the patients with high CRP expression was": a subgroup described by a
# measure's name; the description ends at its comma, at the clause's verb or at the next determiner ("In patients with
# Killip class 1 at admission the mean LVEF was ...")
_SUBGROUP = re.compile(r"\b(?:in|among|for)\s+(?:the\s+)?(?:patients|participants|subjects|those|women|men|children|"
                       r"individuals|populations?)\s+(?:with|who\s+(?:had|have|were))\s+(?P<desc>[^,;()]{1,80}?)"
                       r"(?=,\s|\s(?:was|were|the|a|an)\s)", re.I)


def _slash_siblings(t: Text, measures: list[_Measure]) -> list[_Measure]:
    """"ACR20/50/70 response rates were 46.7%, 26.7% and 10%": each number after the slashes is an ACR level of
    its own, a measure named at that number (so "respectively" gives each its value)."""
    if not any(m.canonical == "ACR20" or m.canonical == "ACR50" for m in measures):
        return measures
    toks, out = t.tokens_lower, []
    for m in measures:
        out.append(m)
        if m.canonical not in ("ACR20", "ACR50") or not m.mention.text.lower().replace(" ", "").startswith("acr"):
            continue
        j = m.mention.token_start
        while j < m.mention.token_end and toks[j] not in _ACR_LEVELS:
            j += 1  # the level's own token: "ACR20" -> "20"
        if j >= m.mention.token_end:
            continue
        k = j + 1
        while k + 1 < len(toks) and toks[k] == "/" and toks[k + 1] in _ACR_LEVELS:
            level = toks[k + 1]
            start = t.token_starts[k + 1]
            mention = Mention("MEASURE", f"ACR{level}", start, start + len(level), t.text[start:start + len(level)],
                              k + 1, k + 2)
            out.append(_Measure(f"ACR{level}", mention, f"ACR{level}", "vocab", m.change, m.better))
            k += 2
    return out


def _own_clause_repeat(text: str, sent: Sentence, first: _Measure, again: _Measure) -> bool:
    """Whether a measure named again is a second report of it, in a clause of its own with its own values:
    "AEs occurred in 13/40 (32.5%) in the A group; in the B group, AEs occurred in 1/40 (2.5%)"."""
    gap = text[first.mention.end:again.mention.start]
    if ";" not in gap or not _DIGIT.search(gap):
        return False
    depth, top_semicolon = 0, False
    for ch in gap:  # a ";" outside brackets ends the first report's clause
        depth += (ch in "([") - (ch in ")]")
        top_semicolon = top_semicolon or (ch == ";" and depth == 0)
    if not top_semicolon:
        return False
    rest = text[again.mention.end:sent.end]
    return _DIGIT.search(rest.split(";")[0]) is not None


def _expand(name: str, abbrevs: dict[str, str]) -> tuple[str, str | None]:
    """An open name in the record's abbreviations, spelled out: "PPTs" -> "pressure pain thresholds
    (PPTs)", "serious AEs" -> "serious adverse events" (then perhaps a vocabulary name)."""
    if not abbrevs:
        return name, None
    if name in abbrevs:
        long = abbrevs[name]
        canon = canonical_measure(long)
        return (canon, canon) if canon else (f"{long} ({name})", None)
    words_ = name.split()
    if len(words_) > 1 and any(w in abbrevs for w in words_):
        spelled = " ".join(abbrevs.get(w, w) for w in words_)
        canon = canonical_measure(spelled)
        return (canon, canon) if canon else (spelled, None)
    return name, None


def _subscale_better(v: _Measure, name: str) -> str | None:
    return v.better if name.lower().startswith(v.name.lower()) else None


def _has_cue_near(t: Text, sent: Sentence, m: _Measure) -> bool:
    toks = t.tokens_lower
    lo = max(t.token_index(sent.start), m.mention.token_start - 8)
    hi = min(len(toks), m.mention.token_end + 8)
    if any(cue_kind(w) for w in toks[lo:hi] if len(w) > 3):
        return True
    clause = t.text[max(sent.start, m.mention.start - 60):min(sent.end, m.mention.end + 60)].lower()
    return any(p in clause for p in no_change_phrases())


# ----------------------------------------------------------------------------------------------
# Directions and timepoints
# ----------------------------------------------------------------------------------------------
@lru_cache(maxsize=256)
def _clause_bounds(sent: Sentence) -> tuple[tuple[int, int], ...]:
    """The sentence's clauses (start, end); cached: the measures and the rows of a sentence both read them."""
    cuts = [sent.start] + [sent.start + m.start() for m in CLAUSE_SPLIT.finditer(sent.text)] + [sent.end]
    return tuple((cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1))


def _clause_of(bounds: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    for a, b in bounds:
        if a <= pos < b:
            return a, b
    return bounds[-1]


def _direction(t: Text, me: _Measure, sent: Sentence, bounds: Sequence[tuple[int, int]]) -> str | None:
    a, b = _clause_of(bounds, me.mention.start)
    clause = t.text[a:b].lower()
    for phrase in no_change_phrases():
        if phrase in clause:
            return "no change"
    toks = t.tokens_lower
    first_tok = t.token_index(a)
    last_tok = t.token_index(max(a, b - 1))
    better = me.better

    def resolve(kind: str) -> str | None:
        if kind in ("decrease", "increase"):
            return kind
        if better is None:
            return None
        if kind == "improve":
            return "decrease" if better == "lower" else "increase"
        return "increase" if better == "lower" else "decrease"

    start = me.mention.token_start
    lo = max(first_tok, start - 25)
    cues_before = [(i, kind) for i, kind in zip(range(lo, start), map(cue_kind, toks[lo:start])) if kind]
    # a nominal cue before the measure: "a reduction in X", "Reduced levels of X", "increasing trend in X",
    # "improvements over time on treatment for the X"
    for i, kind in reversed(cues_before):
        if any(w in ("in", "of", "levels", "level") for w in toks[i + 1:i + 5]):
            return resolve(kind)
        if start - i <= 10 and any(w in ("for", "on", "in") for w in toks[i + 1:start]) and not any(
                w in (";", "than", "but", "whereas") for w in toks[i + 1:start]):
            return resolve(kind)
    # the verb before an object: "Cocoa consumption lowered blood cholesterol, ..., and TNF-α"
    if me.role in ("object", "list", "vocab") and cues_before:
        i, kind = cues_before[-1]
        between = toks[i + 1:start]
        if toks[i].endswith("ed") and not any(w in ("was", "were", "is", "are", "than", ";", "in", "at", "by", "(")
                                              for w in between) and (i == 0 or toks[i - 1] not in ("was", "were")):
            return resolve(kind)
    kind = next(filter(None, map(cue_kind, toks[me.mention.token_end:last_tok + 1])), None)
    return resolve(kind) if kind else None


_CONTRAST_BREAK = re.compile(r"\bbut\b|;|\bthen\b|\bwhereas\b", re.I)


def _groups(measures: list[_Measure], tps: list[Timepoint], t: Text) -> dict[str, list[Timepoint]]:
    """Measure name -> its timepoints in the sentence (see the module docstring, step 4)."""
    # "at week 2 for PtGA, Pain and HAQ-DI": a timepoint followed by "for" or "in" binds the measures after it
    forward: dict[str, list[Timepoint]] = {}
    # (only where a measure follows: "55% at week 24 in the MSC group" binds nothing forward)
    fwd_tps = [tp for tp in tps if _TP_FOR.match(t.text, tp.end) and any(m.mention.start >= tp.end for m in measures)]
    if fwd_tps:
        for m in measures:
            before = [tp for tp in tps if tp.end <= m.mention.start]
            if before and before[-1] in fwd_tps:
                forward[m.name] = [before[-1]]
        measures = [m for m in measures if m.name not in forward]
        tps = [tp for tp in tps if tp not in fwd_tps]
    events: list[tuple[int, str, object]] = [(m.mention.start, "m", m) for m in measures]
    events += [(tp.start, "t", tp) for tp in tps]
    events.sort(key=lambda e: e[0])
    groups: list[tuple[list[_Measure], list[Timepoint]]] = []
    cur_m: list[_Measure] = []
    cur_t: list[Timepoint] = []
    for _, kind, obj in events:
        if kind == "m":
            if cur_t:
                groups.append((cur_m, cur_t))
                cur_m, cur_t = [], []
            cur_m.append(obj)  # type: ignore[arg-type]
        else:
            cur_t.append(obj)  # type: ignore[arg-type]
    groups.append((cur_m, cur_t))
    out: dict[str, list[Timepoint]] = {}
    previous: list[Timepoint] = []
    lead: list[Timepoint] = []  # "At week 12, X was a vs b; at week 24, c vs d": the timepoints before the measure
    for ms, ts in groups:
        joined = bool(ms and lead and ts and _PAIR_THEN_NEXT_TP.fullmatch(t.text, ms[-1].mention.end, ts[0].start))
        if joined:
            ts = lead + ts
        lead = ts if not ms else []
        if ms and ts and _TIME_OF_ANOTHER.search(t.text, ms[-1].mention.end, ts[0].start) \
                and re.search(r"\d", t.text[ms[-1].mention.end:ts[0].start]):
            for m in ms:
                out[m.name] = previous
            continue
        kept: list[Timepoint] = []
        for tp in ts:
            if kept and not joined and _CONTRAST_BREAK.search(t.text[kept[-1].end:tp.start]) \
                    and not _PAIR_THEN_NEXT_TP.fullmatch(t.text, kept[-1].end, tp.start):
                break  # (not "week 12: a vs b; week 24: ...": each timepoint's own pair, then the next timepoint)
            kept.append(tp)
        use = kept or previous
        for m in ms:
            out[m.name] = use
        if kept:
            previous = kept
    out.update(forward)
    return out


_TP_FOR = re.compile(r"\s?,?\s?(?:for|in)\s", re.I)
_PAIR_VALUE = r"[-−]?\d[\d.]*(?:\s?±\s?\d[\d.]*)?\s?(?:%|[a-zA-Zµμ]{1,6}(?:/[a-zA-Zµμ]{1,6})?)?"
# ": 6.2 vs 9.8; at " between "week 12" and "week 24" (or " was 6.2 vs 9.8; at " after the measure): a timepoint's
# own values joined by "vs", a semicolon, the next timepoint
_PAIR_THEN_NEXT_TP = re.compile(rf"\s?(?:[:,]|\b(?:was|were|of)\b)?\s?(?:{_PAIR_VALUE}\s?(?:vs\.?|versus)\s?){{1,3}}"
                                rf"{_PAIR_VALUE}\s?;\s?(?:and\s+)?(?:(?:at|after|by)\s+)?(?:the\s+)?", re.I)
# "insertion time (7.58 ± 1.16 s vs. 7.89 ± 1.52 s), Apgar score at 1 and 5 min": after the measure's values, a
# comma and another name the time is written after: the time is that name's
_TIME_OF_ANOTHER = re.compile(r"[)\]]\s?,\s+(?:and\s+)?[A-Za-z][\w-]*(?:\s+[\w-]+){0,3}?\s+(?:at|after)\s+(?:the\s+)?$")
_UNIT_FIRST = re.compile(r"^(?P<unit>hours?|days?|weeks?|months?|years?)\s", re.I)
_NEXT_ITEM = re.compile(r"\s?,?\s?(?:and\s+|or\s+)?(?P<n>\d+)\s?(?=[(\[])")


def _continued_timepoints(t: Text, sent: Sentence, tps: list[Timepoint]) -> list[Timepoint]:
    """"by days 2 (379 [33%] patients vs 417 [36%] patients), 7 (...), and 90 (...)": a unit-first
    timepoint list whose items are each followed by brackets continues after each bracket."""
    out = list(tps)
    text = t.text
    for tp in tps:
        um = _UNIT_FIRST.match(tp.text)
        if not um:
            continue
        pos = tp.end
        while pos < sent.end and text[pos:pos + 2].lstrip()[:1] in ("(", "["):
            br = text.find(")" if text[pos:pos + 2].lstrip()[:1] == "(" else "]", pos)
            if br < 0:
                break
            m = _NEXT_ITEM.match(text, br + 1)
            if not m or m.start("n") >= sent.end:
                break
            n = float(m.group("n"))
            out.append(Timepoint(weeks_from(n, um.group("unit")), m.start("n"), m.end("n"), m.group("n"), "point"))
            pos = m.end("n")
    out.sort(key=lambda x: x.start)
    return out


_P_NUMBER = re.compile(r"\d*[.·]?\d+")


def _p_text(p: PValue) -> str:
    v = p.text.split(p.comparator)[-1] if p.comparator in p.text else f"{p.value}"
    num = _P_NUMBER.search(v)
    s = num.group(0).replace("·", ".") if num else f"{p.value}"
    if s.startswith("."):
        s = "0" + s
    return f"{p.comparator}{s}"


CONTROL_NAME = re.compile(r"placebo|control|sham|saline|vehicle|standard\s+care|usual\s+care", re.I)
_GENERIC_TREATED = re.compile(
    r"(?:the\s+)?(?:mscs?|msct|treatment|treated|intervention|cells?|stem\s+cells?|active|experimental|study|"
    r"msc-treated|cell-treated)(?:\s+(?:group|arm|cohort|patients))?", re.I)


_TRAILING_ARM_ID = re.compile(r"\b([A-Z0-9])$")


_COUNT_LABEL = re.compile(r"(?:\d+\s?(?:/|of|out\s+of)\s?)?\d+(?:\s+(?:patients|participants|subjects|people|cases))?",
                          re.I)


def _arm_lookup(ctx: Context, name: str | None) -> tuple[str, int | None]:
    """The study arm a label refers to ("group A" -> "cohort A", "MSC group" -> the only
    treatment arm, "placebo group" -> the control arm), else the label itself."""
    if not name or _COUNT_LABEL.fullmatch(name.strip()):
        return ctx.default_arm, ctx.default_n  # "in 8/15 (53.3%) patients", "by 11 of 15 patients": a count, no arm
    low = name.lower()
    controls = [a for a in ctx.arms if a.is_control]
    treated = [a for a in ctx.arms if not a.is_control]
    if CONTROL_NAME.search(low) and len(controls) == 1:
        return controls[0].name, controls[0].n
    if len(treated) == 1 and _GENERIC_TREATED.fullmatch(low) and (controls or treated[0].name != "all patients"):
        # "the MSC group", "treatment group": the only treated arm (not the arm of everyone randomised, where the
        # arms are not named: "between the treatment and control groups" names two of them)
        return treated[0].name, treated[0].n
    if ("/" in low or "+" in low) and sum(1 for arm in ctx.arms if len(arm.name) > 1 and arm.name.lower() in low) >= 2 \
            and not any(arm.name.lower() == low for arm in ctx.arms):
        return name, ctx.per_arm_n  # "the CQ/SP group": two arms' names, a combination arm of its own
    for arm in ctx.arms:
        a = arm.name.lower()
        if a == low or a in low or low in a:
            return arm.name, arm.n if arm.n is not None else ctx.per_arm_n
        ident = _TRAILING_ARM_ID.search(name.strip())
        if ident and re.search(rf"\b{ident.group(1)}$", arm.name):
            return arm.name, arm.n if arm.n is not None else ctx.per_arm_n
    # "the tocilizumab group" -> "tocilizumab 8 mg/kg": the one arm named by that drug and its dose
    stem = arm_stem(low)
    dosed = [arm for arm in ctx.arms if stem and arm.name.lower().startswith(stem + " ")
             and arm.name[len(stem) + 1:len(stem) + 2].isdigit()]
    if len(dosed) == 1:
        return dosed[0].name, dosed[0].n if dosed[0].n is not None else ctx.per_arm_n
    return name, ctx.per_arm_n



# ----------------------------------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------------------------------
# a bracket that defines a measure by a threshold: "(DAS28 < 2.6)", "(≥ 50% reduction)", "(VAS ≤ 20 mm)"
_DEFINITION = re.compile(r"\(\s?(?:[A-Za-z][\w-]*(?:\s(?:[A-Za-z][\w-]*|\d+(?=\s?[<>≤≥])))?\s?)?(?:[<>≤≥]|<=|>=)\s?\d[\d.,]*\s?"
                         r"(?:%|[a-zA-Z]{1,5})?(?:\s[a-z]+){0,2}\s?\)")
_MEDIAN_WORD = re.compile(r"\bmedians?\b", re.I)
_MEAN_WORD = re.compile(r"\bmeans?\b|\baverage\b", re.I)
_CHANGE_FROM_BASELINE = re.compile(r"\b(?:improvements?|reductions?|decreases?|increases?|changes?|falls?|declines?|"
                                   r"rises?|drops?)\s+(?:[\w-]+\s+){0,3}?from\s+baseline\b", re.I)
# "the mean (SD) reduction in VAS pain was 35.2 (20.1) mm": the value is the reduction (a fall: negative)
_CHANGE_IN_WAS = re.compile(r"\b(?P<w>improvements?|reductions?|decreases?|increases?|falls?|declines?|drops?)\s+in\s+"
                            r"(?:the\s+)?(?:[\w()/.,-]+\s+){1,6}?(?:was|were)\s"
                            # "a greater decline in eGFR than control (-8.8 vs. 6.4)": the changes of two arms compared
                            r"|\b(?:greater|larger|more|less|smaller|bigger)\s+(?:mean\s+|median\s+)?(?P<w2>improvements?|"
                            r"reductions?|decreases?|increases?|falls?|declines?|drops?)\s+(?:from\s+baseline\s+)?in\b", re.I)


# "a mean DAS28 reduction of 2.05", "the mean DAS28 reduction was 1.86": a fall's noun right before the value
_VERB_BEFORE_VALUE = re.compile(r"\b(?P<w>decreased|reduced|fell|dropped|declined|lowered|increased|rose|grew)\s+"
                                r"(?:(?:significantly|only|slightly|further)\s+)?[-+]?$", re.I)
_FALL_NOUN_BEFORE = re.compile(r"\b(?:reductions?|decreases?|falls?|declines?|drops?)\s+(?:of|was|were)\s*$", re.I)
# "remained lower than baseline (4.2 vs 5.8)": the pair after it is written follow-up first
_THAN_BASELINE = re.compile(r"\b(?:lower|higher|less|greater|more|better|worse|smaller|larger)\s+than\s+(?:at\s+)?"
                            r"(?:the\s+)?(?:baseline|pre-?treatment)\b", re.I)
_AT_OR_AFTER = re.compile(r"\bat\b|\bafter\b")


_MEDIAN_VERSUS_GAP = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}\s)?(?:vs\.?|versus)\s", re.I)


def _assign_means(row: dict, ms: list[MeanSD], t: Text, a: int, clause_start: int, change: bool = False) -> None:
    """Means/SDs (or bare values) of one arm: change, baseline and follow-up from the wording;
    medians to median and IQR/range; "mean (95% CI)" with its CI."""
    if ms and all(x.kind == "value" for x in ms) and _MEDIAN_WORD.search(t.text, clause_start, ms[0].start) \
            and not _MEAN_WORD.search(t.text, clause_start, ms[0].start):
        # "Median CRP decreased from 12.5 mg/L (IQR ...) to 3.2 mg/L": medians are never means; the
        # row's one median is the last value stated (but the first of "2.3 versus 4.2 months": the other is the
        # comparator's)
        versus = len(ms) == 2 and _MEDIAN_VERSUS_GAP.fullmatch(t.text, ms[0].end, ms[1].start) is not None
        row["median"] = ms[0].mean if versus else ms[-1].mean
        row["statistic"] = "median"
        return
    medians = [x for x in ms if x.kind.startswith("median")]
    ms = [x for x in ms if not x.kind.startswith("median")]
    if medians:
        x = medians[0]
        row["median"] = x.mean
        if x.kind == "median (range)":
            row["range_low"], row["range_high"] = x.low, x.high
        else:
            row["iqr_low"], row["iqr_high"] = x.low, x.high
        row["statistic"] = x.kind
    if not ms:
        return
    first = ms[0]
    lead = t.text[clause_start:first.start]
    row["statistic"] = first.kind if first.kind != "value" else row.get("statistic")

    def put(prefix: str, x: MeanSD) -> None:
        row[f"{prefix}_mean"] = x.mean
        if x.kind == "mean (ci)":
            row[f"{prefix}_ci_low"], row[f"{prefix}_ci_high"] = x.low, x.high
        elif x.sd is not None:
            row[f"{prefix}_sd"] = x.sd

    between = t.text[first.end:ms[1].start] if len(ms) >= 2 else ""
    change = change or _CHANGE_FROM_BASELINE.search(lead) is not None  # "the improvement from baseline was"
    # ("the reduction in DAS28 from baseline was 2.1": the fall's noun is read for the sign with "from baseline" too)
    change_in = _CHANGE_IN_WAS.search(lead) if "in" in lead else None
    change = change or change_in is not None
    # "visceral fat area declined 23.9 ± 7.4 cm2": a change verb right before the value, no "by", words a change
    verb_value = _VERB_BEFORE_VALUE.search(lead) if not change and first.sd is not None else None
    change = change or verb_value is not None
    if len(ms) >= 2 and (FROM_TO_RE.search(t.text[a:first.start]) and re.search(r"\bto\b", between)
                         or first.sd is not None and ms[1].sd is not None and _SD_TO_SD.fullmatch(between)):
        put("baseline", first)  # "from 5.9 to 3.6", "(0.3 ± 0.8 to 0.5 ± 0.7)": two means with SDs joined by "to"
        put("followup", ms[1])
    elif len(ms) == 2 and (b0 := _TIME_LABEL_BEFORE.search(t.text, max(a, first.start - 24), first.start)) \
            and b0.group("base") and (b1 := _TIME_LABEL_BEFORE.search(t.text, max(a, ms[1].start - 24), ms[1].start)) \
            and not b1.group("base"):
        put("baseline", first)  # "(baseline 5.5 vs 12 weeks 3.9)", "(pre 1.75, post 1.05)"
        put("followup", ms[1])
    elif len(ms) >= 2 and BASELINE_AFTER.match(t.text, ms[1].end) and not BASELINE_AFTER.match(t.text, first.end) \
            and re.match(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:at|after)\s", t.text[first.end:first.end + 20]) \
            and re.search(r"\b(?:compared\s+(?:with|to)|vs\.?|versus|from)\s*$", between):
        put("followup", first)  # "5.9 ± 0.7 after 12 weeks compared with 6.3 ± 0.5 at baseline"
        put("baseline", ms[1])
    elif len(ms) == 2 and re.match(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s?)?(?:vs\.?|versus)\s*$", between, re.I) and (
            BASELINE_AFTER.match(t.text, ms[1].end) and not BASELINE_AFTER.match(t.text, first.end)
            or _THAN_BASELINE.search(lead)):
        put("followup", first)  # "(5.3 ± 1.4 vs 3.8 ± 1.1 at baseline)", "lower than baseline (3.8 vs 5.3)"
        put("baseline", ms[1])
    elif len(ms) >= 2 and BASELINE_AFTER.match(t.text, first.end) and (
            FOLLOWUP_AFTER.match(t.text, ms[1].end) or _AT_OR_AFTER.search(t.text[ms[1].end:ms[1].end + 20])):
        put("baseline", first)  # "4.8 ng/mL at the start, and 5.1 ng/mL at the study end"
        put("followup", ms[1])
    elif len(ms) >= 2 and not has_change_cue(lead) and not change and (
            PAIR_SEP.match(between) or BASELINE_CUE.search(lead)
            or BASELINE_CUE.search(t.text[max(a, first.start - 30):first.start])):
        put("baseline", first)  # "reduced (5.4 ± 0.9 vs 3.9 ± 1.1)", "baseline 1.8 ± 0.5; month 6: 1.1 ± 0.6"
        put("followup", ms[1])
    elif change or has_change_cue(lead) or (first.kind == "mean (ci)" and first.text.lstrip()[:1] in "-−+"
                                            and _CHANGE_VERB.search(lead)) or (
            first.text.lstrip()[:1] in "-−" and _CHANGED_VERB.search(t.text, max(clause_start, a - 40), first.start)):
        # ("decreased in the MSC group (-1.2 mg/L; 95% CI -1.9 to -0.5)": a signed mean with its CI is the change;
        # "diclofenac reduced CRP (−12.3 vs −2.1 mg/L)": a negative value after the measure's change verb is a change)
        put("change", first)
        if len(ms) == 3 and re.fullmatch(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s?)?[(\[]\s?from\s", between) \
                and re.fullmatch(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?to\s", t.text[ms[1].end:ms[2].start]):
            put("baseline", ms[1])  # "fell by a mean of 9.4 mg/L (from 19.8 to 10.4 mg/L)"
            put("followup", ms[2])
        if change_in and (change_in.group("w") or change_in.group("w2")).lower().startswith(
                ("reduc", "decreas", "fall", "declin", "drop")) \
                and first.mean > 0 and not first.text.lstrip().startswith("+") and not _SIGNED_VALUE.search(lead):
            # (not when a value before it is signed: "-8.8 vs. 6.4" writes the fall with its sign, 6.4 is a rise)
            row["change_mean"] = -first.mean  # "the reduction in VAS pain was 35.2 mm": a change of -35.2
        elif verb_value is not None and verb_value.group("w").lower().startswith(_DOWN_VERBS) and first.mean > 0 \
                and not first.text.lstrip().startswith("+"):
            row["change_mean"] = -first.mean  # "declined 23.9 ± 7.4": a change of -23.9
        elif _FALL_NOUN_BEFORE.search(lead) and first.mean > 0 and not first.text.lstrip().startswith("+") \
                and not _SIGNED_VALUE.search(lead):
            row["change_mean"] = -first.mean  # "a mean DAS28 reduction of 2.05": the measure before its fall's noun
    elif (own := _baseline_own_value(lead)) is not None:
        row["baseline_mean"], row["baseline_sd"] = own  # "Compared with baseline (5.94 ± 0.58), CRP ... (4.12)"
        put("followup", first)
    elif BASELINE_CUE.search(lead) or BASELINE_AFTER.match(t.text, first.end) or _list_at_baseline(t.text, first.end):
        put("baseline", first)
    else:
        put("followup", first)


_SD_TO_SD = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s?)?to\s")
# "compared with baseline (5.94 ± 0.58), ...": the baseline's value in its own bracket, then a comma
_BASELINE_OWN_VALUE = re.compile(r"\b(?:compared\s+(?:with|to)|relative\s+to|versus|vs\.?)\s+(?:the\s+)?baseline\s?"
                                 r"\(\s?(?P<v>[-−]?\d+(?:\.\d+)?)(?:\s?±\s?(?P<sd>\d+(?:\.\d+)?))?\s?"
                                 r"(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6})?)?\s?\)\s?,", re.I)


def _baseline_own_value(lead: str) -> tuple[float, float | None] | None:
    """The (mean, SD) bracketed after "compared with baseline" in `lead`, the words before a measure's value."""
    m = _BASELINE_OWN_VALUE.search(lead) if "aseline" in lead else None
    if m is None:
        return None
    return float(m.group("v").replace("−", "-")), float(m.group("sd")) if m.group("sd") else None


_VS_BASELINE = re.compile(r"\b(?:compared\s+(?:to|with)|relative\s+to|from|since|versus|vs\.?)\s+(?:the\s+)?baseline\b", re.I)
_SIGNED_VALUE = re.compile(r"(?<![\w.])[-−]\s?\d")
_CHANGED_VERB = re.compile(r"\b(?:decreased|increased|reduced|improved|lowered|declined|fell|rose|dropped|worsened)\b",
                           re.I)
_CHANGE_VERB = re.compile(r"\b(?:decreas|increas|reduc|improv|declin|fell\b|rose\b|dropped\b|worsen)", re.I)


# "Mean DAS28 5.9 (sd 0.7), HAQ 1.4 (sd 0.5) at baseline.": the clause's last words date every value of its list
_LIST_AT_BASELINE = re.compile(r"(?:[^;.]|\.(?=\d))*?\bat\s+(?:the\s+)?(?:baseline|(?:study\s+)?entry|start|inclusion|"
                               r"randomi[sz]ation)\s*(?:[.;]|$)", re.I)
_OTHER_TIME = re.compile(r"\b(?:weeks?|months?|days?|years?|after|follow-?up|end|post\w*|to|from|changes?|"
                         r"decreas\w*|increas\w*|improv\w*|reduc\w*)\b", re.I)


def _list_at_baseline(text: str, end: int) -> bool:
    """Whether the clause after a value ends "at baseline", with no other time or change word on the way."""
    if "baseline" not in text[end:end + 120] and "at " not in text[end:end + 120]:
        return False  # the cheap test first
    m = _LIST_AT_BASELINE.match(text, end, end + 160)
    return m is not None and _OTHER_TIME.search(text, end, m.end()) is None


def _base_row(me: _Measure, arm: str, n: int | None, tp: Timepoint | None, prov: Provenance,
              direction: str | None) -> dict:
    return {"measure": me.name, "measure_text": me.mention.text, "measure_canonical": me.canonical,
            "arm": arm, "n": n, "timepoint_weeks": tp.weeks if tp else None, "timepoint": tp.text if tp else None,
            "provenance": prov, "direction": direction}


def _row(d: dict) -> OutcomeRow:
    if d.get("n_responders") is not None:
        r = d["n_responders"]
        d["n_responders"] = int(r) if math.isfinite(r) and abs(r) < 1e9 else None
    d.setdefault("measure_canonical", canonical_measure(d["measure"]))
    if (d.get("percent_responders") or 0) < 0 and d.get("n_responders") is None and d.get("percent_change") is None:
        # "(F: -41%, P = 0.0001; A: -13%)": a share of patients is never negative, the percentage is a change
        d["percent_change"] = d.pop("percent_responders")
        if d.get("kind") == "responders":
            d["kind"] = "change"
    fm = d.get("followup_mean")
    if fm is not None and fm < 0 and d["measure_canonical"] is not None and d.get("baseline_mean") is None \
            and d.get("change_mean") is None:
        # "HAQ-DI improved more with MSCs (-0.45 vs -0.18)": every scale of the vocabulary (scores, counts,
        # laboratory levels, percentages) is never below 0, so a negative value of one is a change
        d["change_mean"], d["change_sd"] = d.pop("followup_mean"), d.pop("followup_sd", None)
        if d.get("kind") == "value":
            d["kind"] = "change"
    d["flags"] = tuple(_flags(d))
    if "kind" not in d:
        if d.get("percent_responders") is not None or d.get("n_responders") is not None:
            d["kind"] = "responders"
        elif d.get("change_mean") is not None or d.get("percent_change") is not None:
            d["kind"] = "change"
        elif any(d.get(k) is not None for k in ("baseline_mean", "followup_mean", "mean", "median")):
            d["kind"] = "value"
    return OutcomeRow(**d)


def _flags(d: dict) -> list[str]:
    """Implausible values, kept and marked: responders above the arm's n, percentages above 100."""
    out = [f for f in d.get("flags", ())]
    n, r, p = d.get("n"), d.get("n_responders"), d.get("percent_responders")
    if n is not None and r is not None and r > n:
        out.append(f"responders {r} > n {n}")
    if p is not None and (p > 100 or p < 0):
        out.append(f"percentage {p:g} outside 0-100")
    if n is not None and r is not None and p is not None and n > 0 and abs(100 * r / n - p) > 5 and r <= n:
        out.append(f"responders {r} of n {n} is {100 * r / n:.1f}%, not {p:g}%")
    lo, hi, e = d.get("effect_ci_low"), d.get("effect_ci_high"), d.get("effect_size")
    if e is not None and lo is not None and hi is not None and not lo <= e <= hi:
        out.append(f"effect {e:g} outside its CI {lo:g} to {hi:g}")
    return out


def _responder_values(p: Percentage | Any) -> dict:
    """n_responders and percent_responders of a "12 (40%)", "40%", "12/30" or a count value."""
    d: dict = {}
    n = getattr(p, "n", None)
    pct = getattr(p, "percent", None)
    if n is not None and math.isfinite(n) and n < 1e9:
        d["n_responders"] = int(n)
    if pct is not None:
        d["percent_responders"] = pct
    return d


_BRACKET_GAP = re.compile(r"\s?(?:[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ]{1,6})?\s?)?[(\[]\s?")
_FROM_PCT_TO_PCT = re.compile(r"\s(?:at\s+baseline\s+)?to\s")
_FROM_BEFORE_PCT = re.compile(r"\bfrom\s+$", re.I)
_RANGED_FROM = re.compile(r"\b(?:rang|vari)\w*\s+from\b", re.I)  # "ranged from 1.5% to 84.5%": a spread


_NOT_A_COUNT_NAME = re.compile(r"\brates?\b|ratio|\bper\b|percent|proportion|\bscores?\b|\blevels?\b|status", re.I)


def _values_of(items: list[Item], t: Text, a: int, clause_start: int, me: _Measure, responder: bool,
               n_arm: int | None) -> dict:
    """The row fields of one arm's values."""
    d: dict = {}
    ms = [x.obj for x in items if x.kind == "ms"]
    _assign_means(d, ms, t, a, clause_start, me.change)
    pcts = [x for x in items if x.kind in ("pct", "count")]
    if me.kind in ("event", "safety") and len(ms) == 1 and not pcts and d.keys() <= {"statistic", "followup_mean"} \
            and ms[0].kind == "value" and ms[0].mean.is_integer() and ms[0].mean >= 0 and "." not in ms[0].text \
            and not _NOT_A_COUNT_NAME.search(me.name):
        # "fewer infections in A than in B (11 vs 22)": an event measure's bare whole number is its count (not a
        # rate's: "neonatal mortality rate 42 vs 55" per 1,000)
        d.pop("followup_mean", None)
        d["n_responders"] = int(ms[0].mean)
    pc = _percent_change(t, pcts[0]) if pcts and me.kind not in ("responder", "safety") else None
    if pc is None and len(pcts) == 2 and not ms and _FROM_PCT_TO_PCT.fullmatch(t.text, pcts[0].end, pcts[1].start) \
            and _FROM_BEFORE_PCT.search(t.text, max(a, pcts[0].start - 12), pcts[0].start) \
            and not _RANGED_FROM.search(t.text, a, pcts[0].start):
        # "from 8.2% to 7.1% in the A group and from 8.0% to 7.9% in the B group": one arm's two levels (a share's: its
        # share at the end)
        if responder or me.kind in ("responder", "safety"):
            pcts = pcts[1:]
        else:
            d["baseline_mean"], d["followup_mean"] = pcts[0].obj.percent, pcts[1].obj.percent
            pcts = []
    if len(pcts) == 1 and d.get("change_mean") and pcts[0].kind == "pct" and pcts[0].obj.kind == "%" \
            and pcts[0].obj.percent is not None and ms and _BRACKET_GAP.fullmatch(t.text, ms[-1].end, pcts[0].start):
        # "decreased by 2.1 mg/L (35%)": the change's relative size, with the change's sign
        pc = math.copysign(abs(pcts[0].obj.percent), d["change_mean"])
    if pc is not None:
        d["percent_change"] = pc  # "ferritin rose by 12%", "a 30% decrease in CRP"
    elif pcts:
        x = pcts[0]
        if responder or x.kind == "count" or (x.kind == "pct" and x.obj.n is not None):
            d.update(_responder_values(x.obj))
            if "percent_responders" not in d and d.get("n_responders") is not None and n_arm \
                    and d["n_responders"] <= n_arm:
                d["percent_responders"] = round(100 * d["n_responders"] / n_arm, 2)
        else:
            pc = _percent_change(t, x)
            if pc is not None:
                d["percent_change"] = pc
    ps = [x.obj for x in items if x.kind == "p"]
    if ps:
        d["p_value"] = _p_text(ps[0])
    effs = [x.obj for x in items if x.kind == "eff"]
    if effs:
        _put_effect(d, effs[0])
    return d


def _percent_change(t: Text, x: Item) -> float | None:
    """"decreased by 30%", "a 30% decrease", "30% lower": -30 (a rise is positive)."""
    p = x.obj
    if not isinstance(p, Percentage) or p.percent is None or p.kind != "%":
        return None
    before = t.text[max(0, x.start - 60):x.start]
    after = PERCENT_CHANGE_AFTER.match(t.text, x.end)
    word = None
    if PERCENT_CHANGE_BEFORE.search(before):
        word = PERCENT_CHANGE_BEFORE.search(before).group(0).split()[0].lower()  # type: ignore[union-attr]
    elif after:
        word = after.group("w").lower()
    if word is None:
        # "(F: -41%, P = 0.0001; A: +13%)": a percentage written with its sign is a change
        return p.percent if p.text.lstrip().startswith(("-", "−", "+")) else None
    v = abs(p.percent) if not p.text.lstrip().startswith(("-", "−", "+")) else p.percent
    if cue_kind(word) == "decrease" or word in ("fall", "drop", "decline", "less", "lowering", "reduction"):
        return -abs(v)
    if word.startswith("chang"):
        return p.percent
    return v


_PCT_CUE_BEFORE = re.compile(
    rf"(?P<p>{NUM})\s?%\s+(?:mean\s+|median\s+|relative\s+|greater\s+|larger\s+|significant\s+)?"
    r"(?P<w>decrease|reduction|lowering|fall|drop|decline|increase|rise|improvement)\s+(?:in|of)\s+"
    r"(?:the\s+)?(?:mean\s+|serum\s+|plasma\s+)?$", re.I)


# "a mean 14.5 mm reduction in", "a 1.2-point decrease in", "a mean decrease of 1.2 (points) in": a change in the
# units of the measure written before the measure it changes
# any unit ("a 0.7 g/kg/day increase in protein intake"), not a duration ("a 12-week reduction") nor "fold"
_CHANGE_UNIT = (r"(?:\s?-?\s?(?!(?:weeks?|wks?|months?|days?|years?|hours?|h|min|minutes?|fold|times|patients?|subjects?)\b)"
                r"[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\b)?")
_CHANGE_W = r"(?P<w>decrease|reduction|lowering|fall|drop|decline|increase|rise|improvement|change)"
_CHANGE_CUE_BEFORE = re.compile(
    rf"\b(?:an?|the)\s+(?:mean\s+|average\s+|median\s+)?(?:(?P<v>[-+−]?{NUM}){_CHANGE_UNIT}\s+"
    r"(?:mean\s+|greater\s+|larger\s+|significant\s+|additional\s+)?" + _CHANGE_W +
    rf"|(?:mean\s+|average\s+|median\s+|significant\s+)?{_CHANGE_W.replace('?P<w>', '?P<w2>')}\s+of\s+"
    rf"(?P<v2>[-+−]?{NUM}){_CHANGE_UNIT})\s+(?:in|of|on)\s+(?:the\s+)?(?:mean\s+|serum\s+|plasma\s+)?$", re.I)
_DOWN = ("decrease", "reduction", "lowering", "fall", "drop", "decline")


def _change_before(t: Text, me: _Measure, clause_start: int, direction: str | None) -> float | None:
    """"A mean 14.5 mm reduction in pain VAS", "a mean decrease of 1.2 in DAS28": the change (negative for a
    fall) written before the measure; an improvement takes its sign from the measure's direction."""
    m = _CHANGE_CUE_BEFORE.search(t.text, max(clause_start, me.mention.start - 70), me.mention.start)
    if not m:
        return None
    w = (m.group("w") or m.group("w2")).lower()
    raw = m.group("v") or m.group("v2")
    v = float(raw.replace("−", "-"))
    if raw[0] in "-+−" or w == "change":
        return v  # the sign as written
    if w in _DOWN:
        return -v
    if w == "improvement":
        return -v if direction == "decrease" else v if direction == "increase" else None
    return v


_BRACKET_RIGHT_AFTER = re.compile(r"\s?[(\[]")
_CHANGES_OBSERVED_BEFORE = re.compile(r"\b(?P<w>improvements|reductions|decreases|increases|declines)\s+(?:were|have\s+been)\s+"
                                      r"(?:observed|seen|found|noted|shown|recorded)\s+(?:in|for)\b", re.I)


def _percent_change_before(t: Text, me: _Measure, clause_start: int) -> float | None:
    """"A 30% decrease in CRP": the change written before the measure it changes."""
    m = _PCT_CUE_BEFORE.search(t.text, max(clause_start, me.mention.start - 60), me.mention.start)
    if not m:
        return None
    v = float(m.group("p"))
    return -v if m.group("w").lower() in ("decrease", "reduction", "lowering", "fall", "drop", "decline") else v


def _put_effect(d: dict, e: Effect) -> None:
    d["effect_size"] = e.value
    d["effect_kind"] = e.kind
    d["effect_ci_low"], d["effect_ci_high"] = e.ci_low, e.ci_high


# "Within the MSC group, DAS28 decreased by 2.3 (95% CI 1.8 to 2.8) from baseline": one arm's change and its CI, not an
# effect between arms
_WITHIN_GROUP_WORDS = re.compile(r"\bwithin\b|\bfrom\s+baseline\b", re.I)
_BETWEEN_GROUP_WORDS = re.compile(r"differen|\bbetween\b|\bvs\b|\bversus\b|\bcompar|\brelative\b|\bthan\b|\bover\b|"
                                  r"\bplacebo-?(?:adjusted|corrected)|\bnet\b", re.I)


def _within_group_change(e: Effect, stext: str) -> bool:
    """Whether an estimate written without a name is a change within one group ("within", "from baseline", and
    no word of a difference or a comparison in the sentence)."""
    return e.kind == "estimate" and _WITHIN_GROUP_WORDS.search(stext) is not None \
        and _BETWEEN_GROUP_WORDS.search(stext) is None


def _put_change(d: dict, e: Effect, direction: str | None) -> None:
    """The estimate as the change (its sign from a fall's verb, where it is written unsigned), with its CI."""
    sign = -1.0 if direction == "decrease" and e.value > 0 else 1.0
    lo, hi = e.ci_low, e.ci_high
    if sign < 0 and lo is not None and hi is not None:
        lo, hi = -hi, -lo
    d["change_mean"], d["change_ci_low"], d["change_ci_high"] = sign * e.value, lo, hi


_MEAN_DIFFERENCE_WORDS = re.compile(r"\bmean\s+difference|\bdifference\s+(?:in|of|between)\s+(?:the\s+)?means?\b", re.I)


def _effect_kind(e: Effect, sent_text: str, previous_kind: str | None) -> Effect:
    """An estimate written without its name: a ratio's kind when the sentence named one before and
    the value has no unit; a risk difference (RD) when its unit is "%"; a difference (MD) when it has another
    unit; else "estimate"."""
    if e.kind != "estimate":
        return e
    if previous_kind in ("OR", "RR", "HR", "IRR") and not e.unit:
        return replace(e, kind=previous_kind)
    if e.unit in ("%", "percent"):
        return replace(e, kind="RD")  # "45% vs 29% (difference 16%, 95% CI 7 to 25)": a difference of two shares
    if e.unit or _MEAN_DIFFERENCE_WORDS.search(sent_text):
        return replace(e, kind="MD")
    return e


# ----------------------------------------------------------------------------------------------
# Rows of one sentence
# ----------------------------------------------------------------------------------------------
@dataclass
class _Previous:
    """The sentence before: its measures that got rows, the arms of its comparison and its timepoints."""

    measures: list[_Measure]
    comparison: str | None
    n: int | None
    tps: dict[str, list[Timepoint | None]]


def outcome_rows(t: Text, ctx: Context) -> tuple[list[OutcomeRow], list[Provenance]]:
    """All outcome rows of one text, and its qualitative safety statements."""
    rows: list[OutcomeRow] = []
    safety: list[Provenance] = []
    measure_mentions = _ByStart([m for m in t.mentions if m.kind == "MEASURE"])
    person = _ByStart([_Span(a, b) for a, b in t.anchored("person")])
    # the text's means, P values and percentages, for whether a sentence holds one
    values_by_start = [_ByStart(xs) if _by_start(xs) else _Scan(xs) for xs in (t.mean_sds, t.p_values, t.percentages)]
    rec: _Record | None = None
    previous: _Previous | None = None
    section = "results"  # an unstructured abstract is read whole
    for sent in t.sentences:
        if sent.index in ctx.skip_sentences:
            previous = None
            continue
        stext = sent.text
        hm = HEADING_RE.match(stext) if stext[:1].isalpha() and stext[:1].isupper() else None
        if hm:
            section = _section_kind(hm.group("h"))
            if hm.end() >= len(stext) - 1:
                previous = None
                continue
        if section == "none":
            continue
        mentions = measure_mentions.within(sent.start, sent.end)
        definitions = [(sent.start + m.start(), sent.start + m.end()) for m in _DEFINITION.finditer(stext)] \
            if "(" in stext else []
        if definitions:  # "remission (DAS28 < 2.6)": the bracket defines the measure; no measure, no value
            mentions = [m for m in mentions if not any(a <= m.start < b for a, b in definitions)]
        if section != "results" and not mentions:
            continue  # background and methods give only vocabulary measures
        has_values = any(v.within(sent.start, sent.end) for v in values_by_start) or (
            _DIGIT.search(stext) is not None and ("respectively" in stext or " vs" in stext
                                                  or _RESULT_VALUE_WORDS_FAST.search(stext) is not None
                                                  or _VALUE_AFTER_WORD.search(stext) is not None))
        if not mentions and not has_values and not _sentence_has_cue(t, sent) and not (
                _DIGIT.search(stext) and person.within(sent.start, sent.end)):  # "in 2 patients"
            previous = None
            continue
        fractions = list(FRACTION_RE.finditer(stext)) if OF_NUMBER.search(stext) else []
        zero = ZERO_RE.search(stext)
        if not (has_values or fractions or zero) and (METHODS_CUE.search(stext) or FUTURE_WORK.search(stext)):
            previous = None
            continue
        if rec is None:
            rec = _record_info(t, ctx)
        # the values are read first only where they decide which open names are measures; a
        # sentence with values but no measure needs them only after a previous "respectively"
        excluded = [(m.start, m.end) for m in mentions] + definitions
        vals = None
        if not (has_values or fractions):
            vals = sentence_values(t, sent, excluded)
            has_values = any(x.kind in ("count", "eff", "num") for x in vals.items)
        measures = _sentence_measures(t, sent, mentions, ctx, rec, has_values or bool(fractions),
                                      open_names=section == "results")
        prov = Provenance(ctx.record_id, t.location, sent.text, sent.start, sent.end)
        if not measures:
            if previous is not None and "respectively" in stext.lower():
                if vals is None:
                    vals = sentence_values(t, sent, excluded)
                rows.extend(_previous_respectively(t, sent, vals, previous, prov))
            elif previous is not None and len(previous.measures) == 1 and _MODEL_ESTIMATE.search(stext):
                if vals is None:
                    vals = sentence_values(t, sent, excluded)
                rows.extend(_previous_adjusted(sent, vals, previous, prov, rows))
            previous = None
            continue
        if vals is None:
            vals = sentence_values(t, sent, excluded)
        new_rows, new_safety, comparison = _sentence_rows(t, sent, measures, vals, ctx, rec, prov, fractions, zero)
        rows.extend(new_rows)
        safety.extend(new_safety)
        got = [m for m in measures if any(r.measure == m.name for r in new_rows)]
        tps_of: dict[str, list[Timepoint | None]] = {}
        for r in new_rows:
            tps_of.setdefault(r.measure, [])
            tp = Timepoint(r.timepoint_weeks, 0, 0, r.timepoint or "") if r.timepoint_weeks is not None else None
            if tp not in tps_of[r.measure]:
                tps_of[r.measure].append(tp)
        previous = _Previous(got, comparison, None, tps_of) if got else None
    return _merge_baselines(rows), safety


def _sentence_has_cue(t: Text, sent: Sentence) -> bool:
    return cue_re().search(t.text, sent.start, sent.end) is not None


_BRACKET_OR_SEMICOLON = re.compile(r"[;()\[\]]")


_PEOPLE_HAD_BEFORE = re.compile(
    # ("5/24 (20.8%) patients were in DAS28 remission": a state the people were in)
    r"\b(?:achiev\w*|met|reached|attained|had|experienced|developed|reported|(?:were|was)\s+in)\s+(?:an?\s+|the\s+|"
    r"at\s+least\s+one\s+|"
    r"one\s+or\s+more\s+|any\s+)?(?:(?!and\b|or\b|in\b|of\b|with\b)[\w-]+\s+){0,3}$", re.I)


def _windows(measures: list[_Measure], sent: Sentence, vals: SentenceValues, text: str) -> list[tuple[int, int]]:
    """Each measure's stretch of the sentence: from it to the next measure; a measure that ends a
    clause opened by values ("37% (11/30) of brodalumab subjects ... achieved ACR20;") starts at
    the clause."""
    cuts = [sent.start]
    if ";" in sent.text:
        depth = 0
        for m in _BRACKET_OR_SEMICOLON.finditer(text, sent.start, sent.end):
            ch = m.group()
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth = max(0, depth - 1)
            elif depth == 0:
                cuts.append(m.end())
    cuts.append(sent.end)
    starts = [m.mention.start for m in measures]
    for i, m in enumerate(measures):
        c0 = max(c for c in cuts if c <= m.mention.start)
        prev_end = measures[i - 1].mention.end if i > 0 else sent.start
        if prev_end > c0 and i > 0:
            # "Two patients (20%) reached DAS28 remission and five (50%) achieved a moderate EULAR response": the
            # values between the two measures, before "achieved ...", are the second one's
            between = [x for x in vals.within(prev_end, m.mention.start) if x.kind in ("pct", "count")]
            if between and _PEOPLE_HAD_BEFORE.search(text, max(prev_end, m.mention.start - 70), m.mention.start) \
                    and re.match(r"\s?(?:,\s?)?(?:and|while|whereas|but)\s|[^,;()]{0,25}:\s?$",
                                 text[prev_end:between[0].start]):
                starts[i] = prev_end  # (or after a colon: "Disease activity improved: 14 patients (46.7%) achieved")
            elif between and starts[i - 1] < measures[i - 1].mention.start \
                    and not text[between[-1].end:m.mention.start].strip(" )]") \
                    and re.fullmatch(r"\s?(?:,\s?)?(?:and\s)?", text[prev_end:between[0].start]):
                # "14 patients (46.7%) achieved ACR20, 8 (26.7%) ACR50 and 3 (10%) ACR70": in a list whose first
                # measure follows its values, each next measure's values come right before it too
                starts[i] = prev_end
            continue
        before = [x for x in vals.within(c0, m.mention.start) if x.kind in ("pct", "count", "ms", "eff")]
        if before and (i == 0 or measures[i - 1].mention.start < c0) and (
                c0 > sent.start or m.role == "event" or any(x.kind == "eff" for x in before)
                or (m.role in ("cue", "people") and any(x.kind == "pct" for x in before))
                # "There were 12 (40%) ACR20 responders in the A group versus 6 (20%) in the B group"
                or (before[-1].kind == "pct" and not text[before[-1].end:m.mention.start].strip())):
            starts[i] = c0  # "a net reduction of 12% in LDL cholesterol", "12 (6.0%) patients died"
        elif before and i == 0 and _PEOPLE_HAD_BEFORE.search(text, max(sent.start, m.mention.start - 70),
                                                             m.mention.start):
            # "45 patients (56.3%) experienced at least one treatment-emergent adverse event"
            starts[i] = sent.start
    out = []
    for i, m in enumerate(measures):
        end = starts[i + 1] if i + 1 < len(measures) else sent.end
        out.append((starts[i], max(end, m.mention.end)))
    return out


# "58.00 ml/minute/1.73 m2 in the everolimus group versus ...": a unit per body surface after the value's unit
_PER_BSA = r"(?:/\s?1\.73\s?m(?:2|²)\s)?"
# ("-25.3 mm (diclofenac) and -15.1 mm (placebo)": the arm in brackets after its value)
_NEXT_ARM_VALUE = re.compile(
    _PER_BSA + r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?"
    r"(?:[(\[](?:IQR|interquartile\s+range|range)\b[^()\[\]]{1,30}[)\]]\s)?"  # "5 days (IQR 3–7) with X versus 7 days"
    r"(?:(?:in|with|for|among|on|after|at)\s[^,;.()]{1,60}?"
    r"(?:,\s?|\s)(?:and|versus|vs\.?|compared\s+(?:with|to)|while|whereas|but)\s(?:(?:by|of|was|were|it\s+was)\s)?|"
    r"\((?![-+−]?\s?\d)[^()]{1,40}\)(?:\s?,\s?(?:and\s)?|(?:,\s?|\s)(?:and|versus|vs\.?|compared\s+(?:with|to)|while|"
    r"whereas|but)\s))", re.I)


# "5.8 at baseline and 3.9 at week 24": the value at the next timepoint
_NEXT_TIME_VALUE = re.compile(
    r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:at|before)\s(?:baseline|the\s+start|entry|inclusion)"
    r"(?:,\s?|\s)(?:and|to|versus|vs\.?)\s(?:(?:was|were)\s)?", re.I)


_NUMBER_LIST_GAP = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s?)?(?:,\s?(?:and\s)?|"
                                              r"\s(?:vs\.?|versus|and|to|or|compared\s+(?:with|to))\s|;\s?)")
# a value labelled by its time in a bracket or list: "(baseline 5.5 vs 12 weeks 3.9)", "(pre 1.75, post 1.05)"
_BASE_LABEL = r"(?:baseline|pre-?treatment|pre|before)"
_TIME_LABEL = (r"(?:[(\[;,]|\bvs\.?|\bversus)\s?(?:(?P<base>" + _BASE_LABEL + r")|post-?treatment|post|after|"
               r"(?:weeks?|months?|days?|years?)\s\d{1,3}|\d{1,3}\s(?:weeks?|months?|days?|years?))\s?:?\s?$")
_TIME_LABEL_BEFORE = re.compile(_TIME_LABEL, re.I)
# "improved HAQ (mean change −0.6)", "(change: −0.6; P = 0.01)": a bare value labelled as a change
_CHANGE_LABEL_BEFORE = re.compile(r"[(\[;,]\s?(?:mean\s+)?change\s?:?\s?$", re.I)
_VALUE_LEAD_IN = re.compile(r"(?:\b(?:of|was|were|from|to|by|is|are)|[=:(\[])\s?$")
_PAIR_GAP = re.compile(r"\s(?:vs\.?|versus|and|to|or)\s|\s?,\s?")
_PCT_LIST_GAP = re.compile(r"\s?,\s?(?:and\s|or\s)?|\s(?:and|or)\s")


def _promote_numbers(items: list[Item], text: str, a: int, b: int) -> list[Item]:
    """Bare numbers that are a measure's values: two or more joined by "vs", "and" or commas ("-5.2
    vs. -3.3", "6.4, 6.4 and 2.1, respectively"), or one after "of", "was", "=", "from", "to"."""
    nums = [x for x in items if x.kind == "num"]
    if not nums:
        return items
    keep: set[int] = set()
    for i, x in enumerate(nums):
        before = text[max(a, x.start - 12):x.start]
        if i + 1 < len(nums) and _NUMBER_LIST_GAP.fullmatch(text[x.end:nums[i + 1].start]):
            keep.add(id(x))
            keep.add(id(nums[i + 1]))
        if _VALUE_LEAD_IN.search(before) or BASELINE_AFTER.match(text, x.end) \
                or FOLLOWUP_AFTER.match(text, x.end) or _TIME_LABEL_BEFORE.search(text, max(a, x.start - 24), x.start) \
                or _CHANGE_LABEL_BEFORE.search(text, max(a, x.start - 16), x.start):
            keep.add(id(x))  # "a CRP level of 4.8 ng/mL at the start, and 5.1 ng/mL at the study end"
    last_kept: Item | None = nums[0] if id(nums[0]) in keep else None
    for i in range(1, len(nums)):
        # "3.9 in the tocilizumab group and 5.5 in the placebo group", "-1.9 with the drug versus -0.5 with
        # placebo": the next value of the first, after the first one's arm ("-0.57 for tofacitinib 5 and 10 mg BID,
        # versus -0.19": the arm's name may hold a number that is no value)
        if id(nums[i]) not in keep and last_kept is not None and (
                _NEXT_ARM_VALUE.fullmatch(text, last_kept.end, nums[i].start)
                or _NEXT_TIME_VALUE.fullmatch(text, last_kept.end, nums[i].start)):
            keep.add(id(nums[i]))
        if id(nums[i]) in keep:
            last_kept = nums[i]
    out = []
    for i, x in enumerate(items):
        if x.kind != "num":
            out.append(x)
        elif id(x) in keep:
            j = i + 1  # "30.2, 6.06, and 3.94%": over a list of bare numbers to the one that carries the sign
            while j < len(items) and items[j].kind == "num" and id(items[j]) in keep and not items[j].obj.unit \
                    and _PCT_LIST_GAP.fullmatch(text, items[j - 1].end, items[j].start):
                j += 1
            nxt = items[j] if j < len(items) else None
            if nxt is not None and nxt.kind == "pct" and nxt.obj.kind == "%" and not x.obj.unit and (
                    _PAIR_GAP.fullmatch(text, items[j - 1].end, nxt.start)
                    or _PCT_LIST_GAP.fullmatch(text, items[j - 1].end, nxt.start)):
                # "3.1 vs. 9.3 %", "from 59 to 49%": the percent sign is written once for both
                out.append(Item("pct", x.start, x.end, Percentage(None, x.obj.value, None, "%", x.start, x.end,
                                                                  x.obj.text)))
            else:
                out.append(Item("ms", x.start, x.end, number_as_value(x.obj)))
    return out


_EVERY_ARM_WORD = re.compile(r"\b(?:both|all|each|either)\b", re.I)


def _sentence_rows(t: Text, sent: Sentence, measures: list[_Measure], vals: SentenceValues, ctx: Context,
                   rec: _Record, prov: Provenance, fractions: list[re.Match[str]], zero: re.Match[str] | None
                   ) -> tuple[list[OutcomeRow], list[Provenance], str | None]:
    rows: list[OutcomeRow] = []
    safety: list[Provenance] = []
    text = t.text
    stext = sent.text
    pct_all = [x.obj for x in vals.items if x.kind == "pct"]
    ps_all = [x.obj for x in vals.items if x.kind == "p"]
    bounds = _clause_bounds(sent)
    value_spans = [(x.start, x.end) for x in vals.items if x.kind in ("ms", "pct", "eff", "count")]
    value_spans += [(m.start, m.end) for m in t.mean_sds if sent.start <= m.start < sent.end]
    # "53.00 ± 26.75 days": a duration that is a value is not a timepoint
    tps = [tp for tp in ctx.timepoints if sent.start <= tp.start and tp.end <= sent.end
           and not any(tp.start < b and a < tp.end for a, b in value_spans)]
    tps = _continued_timepoints(t, sent, _dedupe_restated(t, tps))
    tp_of = _groups(measures, tps, t)
    arm_m = ARM_IN_SENTENCE_RE.search(stext)
    subj_m = SUBJECT_ARM_RE.match(stext) if not arm_m else None
    arm_name, arm_n = _arm_lookup(ctx, arm_m.group("arm") if arm_m else (subj_m.group("arm") if subj_m else None))
    n_eq = N_EQ_RE.search(stext)
    if n_eq and not arm_m:
        arm_n = int(n_eq.group("n"))
    single_p = ps_all[0] if len(ps_all) == 1 and ps_all[0].start > measures[-1].mention.start else None
    spans = [(m.mention.start, m.mention.end) for m in measures]
    refs = arm_refs(t, sent, spans, rec.arm_names, rec.abbreviations)
    if not arm_m and not subj_m and len({r.label.lower() for r in refs}) == 1 and not _EVERY_ARM_WORD.search(text[max(sent.start, refs[0].start - 30):refs[0].start]):
        arm_name, arm_n = _arm_lookup(ctx, refs[0].label)  # "Whereas in fistulotomy group, ..." names the one arm
    resp_rows = _respectively(t, sent, measures, pct_all, tps, ctx, prov) or \
        _measures_by_arm(t, sent, measures, pct_all, refs, tps, ctx, prov)
    per_measure = {} if resp_rows else (_measures_respectively(t, sent, measures, pct_all)
                                        or _changes_respectively(t, sent, measures, pct_all)
                                        or _means_respectively(t, sent, measures, vals)
                                        or _from_to_respectively(t, sent, measures, vals))
    group_rows = _from_group(t, sent, measures, ctx, prov, tps, rec)
    people = _people_rows(t, sent, measures, ctx, prov, tp_of, rec)
    consumed_people = {p[1] for p in people}
    rows.extend(r for r, _ in people)
    windows = _windows(measures, sent, vals, text)
    comparison: str | None = None
    toks = t.tokens_lower
    previous_kind: str | None = None
    for i, me in enumerate(measures):
        kind = me.kind
        before = toks[max(0, me.mention.token_start - 2):me.mention.token_start]
        negated = any(w in NEGATED_BEFORE for w in before)
        if kind == "safety" and negated:
            safety.append(prov)
            continue
        if negated and not zero:
            continue
        if me.name in resp_rows or me.name in group_rows:
            rows.extend(resp_rows.get(me.name, []))
            rows.extend(group_rows.get(me.name, []))
            continue
        a, b = windows[i]
        items = [x for x in vals.within(a, b) if x.start not in consumed_people]
        items = _promote_numbers(items, text, a, b)
        if kind in ("safety", "event") and "=" in text[a:b]:
            items = _event_counts(items, text, a, b)  # "adverse events (MSC, n = 3 vs. placebo, n = 4)"
        window_ms = [x.obj for x in items if x.kind == "ms"]
        # a percentage of a measure outside the vocabulary is a proportion (of patients, of events), unless
        # the measure is a level ("HbA1c", "ejection fraction", "body fat")
        responder = kind in ("responder", "safety", "event") or (me.canonical is None and not names_a_level(
            me.name))
        window_pcts = [x for x in items if x.kind in ("pct", "count")]
        clause_start = _clause_of(bounds, me.mention.start)[0]
        direction = _direction(t, me, sent, bounds)
        effects = []
        for x in items:
            if x.kind == "eff":
                e = _effect_kind(x.obj, stext, previous_kind)
                previous_kind = e.kind
                effects.append(Item("eff", x.start, x.end, e))
        items = [x if x.kind != "eff" else next(e for e in effects if e.start == x.start) for x in items]
        my_tps: list[Timepoint | None] = list(tp_of.get(me.name) or [])
        if not my_tps and rec.followup is not None and (kind == "safety" or END_OF_STUDY_RE.search(stext)):
            my_tps = [rec.followup]
        if not my_tps and rec.default_tp is not None and kind not in ("safety", "event") \
                and not _baseline_sentence(stext):
            my_tps = [rec.default_tp]
        if refs and any(x.kind == "eff" and not x.obj.named for x in items):
            items = _arm_estimates_as_values(items, refs, text)
        # "ACR20 and ACR50 responses were 60% and 30%, respectively": one value per measure, not per arm
        # "The DAS28 at 3 and 6 months was 4.1 and 3.6, respectively": with no arm named, "respectively" follows the
        # listed timepoints, not the study's arms (nor with one arm named: "In the A group, X fell from a to b and c
        # at 3 and 6 months, respectively")
        # (nor, with "compared to baseline", do two values "(1.8 vs 1.1)" follow the arms: they are before and after)
        n_arms = 0 if (len({r.label.lower() for r in refs}) <= 1 and len(my_tps) >= 2 and "respectively" in stext) or (
            "aseline" in stext and _VS_BASELINE.search(stext) and not _CHANGE_FROM_BASELINE.search(stext)) \
            else len(ctx.arms)  # ("change from baseline was -2.1 versus -1.2": the two arms' changes)
        if my_tps and me.name not in per_measure and "aseline" in text[me.mention.end:b]:
            bl_rows = _baselines_then_timepoints(t, me, items, my_tps, refs, ctx, prov, direction, b)
            if bl_rows:
                rows.extend(bl_rows)
                continue
        if len(my_tps) >= 2 and me.name not in per_measure:
            tp_rows = _pairs_at_timepoints(t, me, items, my_tps, refs, ctx, prov, direction, a, clause_start, responder)
            if tp_rows:
                rows.extend(tp_rows)
                continue
        ba = _before_after(items, text) if "before" in text[a:b] else None
        if ba is not None:
            # "Ki-67 was 24.69% before and 10.43% after treatment": one arm's baseline and follow-up levels
            for tp in my_tps or [None]:
                base = _base_row(me, arm_name, arm_n, tp, prov, direction or (
                    "decrease" if ba[1][0] < ba[0][0] else "increase" if ba[1][0] > ba[0][0] else "no change"))
                base["baseline_mean"], base["baseline_sd"] = ba[0]
                base["followup_mean"], base["followup_sd"] = ba[1]
                p_in = [x.obj for x in items if x.kind == "p"] or ([single_p] if single_p else [])
                if p_in:
                    base["p_value"] = _p_text(p_in[0])
                rows.append(_row(base))
            continue
        slots = arm_slots(t, items, a, b, refs, sent, n_arms, bool(ORDER_CUE.search(text, a, b)),
                          rec.abbreviations) if me.name not in per_measure else []
        if slots:
            rows.extend(_slot_rows(t, me, slots, items, ctx, prov, direction, my_tps, tps, a, clause_start,
                                   responder))
            comp = _comparison_label(t, slots, refs, ctx)
            if comp:
                comparison = comp
            continue
        row_base: dict = {}
        my_arm, my_n = arm_name, arm_n
        if ";" in stext and any(m.name == me.name for m in measures[:i]):
            # a measure reported again in a clause of its own: that clause's arm ("...; in the placebo group, AEs ...")
            lo = text.rfind(";", sent.start, me.mention.start) + 1
            hi = text.find(";", me.mention.end, sent.end)
            cm_arm = ARM_IN_SENTENCE_RE.search(text[lo:hi if hi >= 0 else sent.end])
            if cm_arm:
                my_arm, my_n = _arm_lookup(ctx, cm_arm.group("arm"))
        _assign_means(row_base, window_ms, t, a, clause_start, me.change)
        if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")) \
                and BASELINE_CUE.search(t.text[clause_start:b]):
            bm = BARE_VALUE_RE.search(t.text, me.mention.end, b)
            if bm and not effects and not any(x.kind == "p" and x.start <= bm.start("v") < x.end for x in items):
                row_base["baseline_mean"] = float(bm.group("v"))
        p_in = [x.obj for x in items if x.kind == "p"]
        p = p_in[0] if p_in else single_p
        if p is not None:
            row_base["p_value"] = _p_text(p)
        if effects and _within_group_change(effects[0].obj, stext):
            _put_change(row_base, effects[0].obj, direction)
        elif effects:
            _put_effect(row_base, effects[0].obj)
        pc = _percent_change(t, window_pcts[0]) if window_pcts and kind not in ("responder", "safety") else None
        if pc is None and kind not in ("responder", "safety"):
            pc = _percent_change_before(t, me, clause_start)  # "a 30% decrease in CRP"
        if pc is None and window_pcts and kind not in ("responder", "safety") \
                and isinstance(window_pcts[0].obj, Percentage) and window_pcts[0].obj.kind == "%" \
                and _BRACKET_RIGHT_AFTER.match(t.text, me.mention.end) \
                and window_pcts[0].start - me.mention.end <= 3:
            # "improvements were observed ... in the areas of fatigue (26.9%), alertness (28.2%)": each bracketed
            # percentage right after its measure is that measure's change
            cn = _CHANGES_OBSERVED_BEFORE.search(t.text, sent.start, me.mention.start)
            if cn is not None and window_pcts[0].obj.percent is not None:
                v = abs(window_pcts[0].obj.percent)
                pc = -v if cn.group("w").lower().startswith(("reduc", "decreas", "declin")) else v
        if me.name in per_measure:
            row_base.update(per_measure[me.name])
        elif pc is not None:
            if pc > 0 and direction == "decrease" and window_pcts and _IMPROVED_BY.search(
                    t.text, max(a, window_pcts[0].start - 40), window_pcts[0].end + 14):
                pc = -pc  # "pain improved by 35%", "a 42% improvement in WOMAC": a fall on a lower-is-better scale
            row_base["percent_change"] = pc
        else:
            _responders(row_base, t, sent, a, b, window_pcts if responder else [], arm_n, ctx, zero, fractions,
                        counts_after=responder)
        if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")):
            cb = _change_before(t, me, clause_start, direction)
            if cb is not None:
                row_base["change_mean"] = cb
        if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")):
            ft = FROM_TO_BARE_RE.search(t.text, me.mention.end, b)
            if ft is None and not responder and "%" in t.text[me.mention.end:b]:
                ft = FROM_TO_PCT_RE.search(t.text, me.mention.end, b)  # a level's percentages: "Treg from 3.2% to 5.6%"
            if ft:
                row_base["baseline_mean"], row_base["followup_mean"] = float(ft.group("a")), float(ft.group("b"))
        if not any(k in row_base for k in ("change_mean", "followup_mean", "baseline_mean")) \
                and direction in ("decrease", "increase"):
            bv = BY_VALUE_RE.search(t.text, me.mention.end, b)
            if bv:  # "improved by 0.42" on a lower-is-better scale: a change of -0.42
                v = float(bv.group("v").replace(",", ""))
                row_base["change_mean"] = -v if direction == "decrease" else v
                row_base["note"] = "change from the wording ('... by')"
        cm = row_base.get("change_mean")
        if cm is not None and cm > 0 and direction == "decrease" and (
                BY_CUE.search(t.text, a, b) or VERB_OBJECT_BY.search(t.text, clause_start, b)):
            row_base["change_mean"] = -cm  # "improved by 0.45" on a lower-is-better scale: a change of -0.45
            row_base["note"] = "sign of the change from the wording ('... by')"
        direction = direction or _direction_from_values(row_base)
        numbers = any(map(is_not, map(row_base.get, OutcomeRow.NUMBERS), repeat(None)))  # one is not None
        if kind == "safety":
            if row_base.get("n_responders") is None and row_base.get("percent_responders") is None \
                    and row_base.get("effect_size") is None:
                safety.append(prov)
                continue
        elif not (direction or numbers or row_base.get("p_value")):
            continue
        at_times = None
        if (len(my_tps) >= 2 and len(window_ms) == len(my_tps) + 1 and "followup_mean" in row_base
                and row_base.get("baseline_mean") == window_ms[0].mean):
            # "from 1.52 ± 0.48 at baseline to 0.91 ± 0.39 at 1 year and 0.85 ± 0.41 at 3 years"
            paired = [{"followup_mean": v.mean, "followup_sd": v.sd} for v in window_ms[1:]]
        elif len(my_tps) >= 2 and not responder and len(window_ms) == len(my_tps) + 1 \
                and not any(x.kind.startswith("median") for x in window_ms) and (base_at := _one_baseline_value(t.text, a, window_ms)) is not None:
            # "decreased to 4.5, 4.0 and 3.7 at 1, 3 and 6 months, respectively (baseline 5.9)", "5.9 at baseline
            # and 4.5, 4.0 and 3.7 at months 1, 3 and 6": the one baseline is every timepoint's, the rest in order
            for key in [key for key in row_base if key.startswith(("baseline_", "followup_"))]:
                row_base.pop(key)
            row_base["baseline_mean"], row_base["baseline_sd"] = window_ms[base_at].mean, window_ms[base_at].sd
            paired = [{"followup_mean": v.mean, "followup_sd": v.sd} for k, v in enumerate(window_ms) if k != base_at]
            at_times = ()  # each time's direction from its value against the baseline
        else:
            at_times = _values_at_their_times(t.text, a, b, my_tps, tps) if len(my_tps) >= 2 and not responder \
                else None
            if at_times is not None:
                # "6.1 at baseline, 4.9 at month 1, 4.2 at month 3 and 4.0 at month 6": each time's own value
                base_value, paired = at_times
                # "from 49.9% to 55.2% at 6 months and to 58.3% at 12 months": a from-to pair's start, which is
                # none of the times' values, stays the baseline
                keep_base = base_value is None and row_base.get("baseline_mean") is not None \
                    and row_base["baseline_mean"] not in [d["followup_mean"] for d in paired]
                for key in [key for key in row_base
                            if key.startswith(("followup_",) if keep_base else ("baseline_", "followup_"))]:
                    row_base.pop(key)
                if base_value is not None:
                    row_base["baseline_mean"], row_base["baseline_sd"] = base_value
            else:
                paired = _pair_with_timepoints(my_tps, items, t, a, clause_start, me, responder)
            if not paired:
                paired = _brackets_after_timepoints(my_tps, items, t, a, clause_start, me, responder)
                if paired:
                    effects = effects[:1]  # each timepoint's bracket holds its own estimate
        cm = row_base.get("change_mean")
        if paired and cm is not None and row_base.get("baseline_mean") is None \
                and all(set(d) <= {"followup_mean", "followup_sd"} and d.get("followup_mean") is not None for d in paired) \
                and abs(cm) == abs(paired[0]["followup_mean"]):
            # "decreased by 1.3 at week 4 and by 1.9 at week 12": each time's value is its change, with the sign
            # the wording gave the first
            sign = -1.0 if cm < 0 < paired[0]["followup_mean"] else 1.0
            paired = [{"change_mean": sign * d["followup_mean"] if d["followup_mean"] > 0 else d["followup_mean"],
                       "change_sd": d.get("followup_sd"), "followup_mean": None, "followup_sd": None} for d in paired]
            row_base.pop("followup_mean", None)
            row_base.pop("followup_sd", None)
        comp = _effect_arm(t, sent, refs, ctx, a, b) if effects else None
        # the timepoints' values are the ones the row's baseline/follow-up pair was read from
        re_paired = bool(paired) and len(paired) == 2 and row_base.get("baseline_mean") is not None \
            and row_base.get("baseline_mean") == paired[0].get("followup_mean") \
            and row_base.get("followup_mean") == paired[1].get("followup_mean")
        for k, tp in enumerate(my_tps or [None]):
            base = _base_row(me, comp or my_arm, my_n if not comp else None, tp, prov, direction)
            base.update(row_base)
            if paired:
                if re_paired:
                    # "at 3 and 6 months was 4.1 and 3.6, respectively": each timepoint's own value, not the pair
                    # of the two read as baseline and follow-up
                    for key in [key for key in base if key.startswith(("baseline_", "followup_"))]:
                        base.pop(key)
                base.update(paired[k])
                if at_times is not None and base["direction"] is None:
                    base["direction"] = _direction_from_values(base)  # each time's value against the baseline
            rows.append(_row(base))
        for e in effects[1:]:  # "RR 0.74 (...); ARR 4.5% (...)", "HR 0.61 vs 0.50": one row each
            for tp in my_tps or [None]:
                base = _base_row(me, comp or arm_name, None, tp, prov, None)
                _put_effect(base, e.obj)
                rows.append(_row(base))
        if comp:
            comparison = comp
        if direction == "increase" or direction == "decrease":
            bn = BUT_NOT_RE.search(stext)
            if bn and sent.start + bn.start() > me.mention.start:
                other, other_n = _arm_lookup(ctx, bn.group("arm"))
                for tp in my_tps or [None]:
                    rows.append(_row(_base_row(me, other, other_n, tp, prov, "no change")))
    return rows, safety, comparison


_CHANGE_FROM_BASELINE_WORDS = re.compile(r"\bfrom\s+baseline\b|\bchange")


def _baseline_sentence(stext: str) -> bool:
    """"... at baseline" without a follow-up: the study's timepoint is not this sentence's."""
    low = stext.lower()
    return "baseline" in low and not _CHANGE_FROM_BASELINE_WORDS.search(low)


def _dedupe_restated(t: Text, tps: list[Timepoint]) -> list[Timepoint]:
    """"On day 85 (week 13)": the same time written twice is one timepoint (the first)."""
    out: list[Timepoint] = []
    for tp in tps:
        if out and _OPEN_BRACKET_GAP.fullmatch(t.text[out[-1].end:tp.start]) and \
                abs(out[-1].weeks - tp.weeks) <= max(1.0, 0.1 * tp.weeks):
            out[-1] = tp
            continue
        if out and _LABELS_A_VALUE.match(t.text, tp.end) and any(abs(x.weeks - tp.weeks) <= 0.02 * tp.weeks for x in out):
            continue  # "at 12 weeks (baseline 5.5 vs 12 weeks 3.9)": the time again, as its value's label
        out.append(tp)
    return out


_LABELS_A_VALUE = re.compile(r"\s?:?\s?[-−]?\d")


def _direction_from_values(d: dict) -> str | None:
    for key in ("change_mean", "percent_change"):
        v = d.get(key)
        if v is not None and v != 0:
            return "decrease" if v < 0 else "increase"
    b, f = d.get("baseline_mean"), d.get("followup_mean")
    if b is not None and f is not None and b != f and d.get("statistic") in (None, "value", "mean±sd", "mean (sd)"):
        return "decrease" if f < b else "increase"
    return None


# "-2.1 (95% CI -2.5 to -1.7) in the MSC group", "in the MSC group (-1.2 mg/L; 95% CI ...)": an arm named right
# after or right before an estimate's value
_ARM_AFTER_ESTIMATE = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:in|with|for|among)\s+(?:the\s+)?$",
                                 re.I)
_ARM_BEFORE_ESTIMATE = re.compile(r"\s?(?:groups?|arms?)?\s?\(\s?$", re.I)


_N_EQ_COUNT = re.compile(r"\b[nN]\s?=\s?(?P<n>\d{1,5})(?!\d|[.,]\d|\s?%|\s?\))")
_PEOPLE_BEFORE_N = re.compile(r"\b(?:patients|subjects|participants|people|population|individuals|children|women|men|"
                              r"cohort|sample)\s?[(\[,;]?\s?$", re.I)
_LABEL_BEFORE_N = re.compile(r"[A-Za-z][\w+/-]*\s?[,:(]\s?$")
_PER_AFTER_N = re.compile(r"\s+(?:per|each|in\s+each)\b", re.I)
_N_EQ_IN_BRACKET = re.compile(r"\b[nN]\s?=\s?(?P<n>\d{1,5})\s?\)")


def _event_counts(items: list[Item], text: str, a: int, b: int) -> list[Item]:
    """An event measure's "n = 3" after an arm's label is the arm's count of patients with the event:
    "adverse events (MSC, n = 3 vs. placebo, n = 4)", "Serious adverse events: MSC, n = 1; placebo, n = 2",
    "occurred in the MSC group (n = 3) and the placebo group (n = 4)"."""
    taken = [(x.start, x.end) for x in items]
    extra = []
    for rx in (_N_EQ_COUNT, _N_EQ_IN_BRACKET):
        for m in rx.finditer(text, a, b):
            s, e = m.start(), m.end("n")  # from the "n": the arm's label before it labels the count
            if any(x <= m.start("n") < y for x, y in taken) or _PEOPLE_BEFORE_N.search(text, max(a, s - 30), s) \
                    or not _LABEL_BEFORE_N.search(text, max(a, s - 30), s) or _PER_AFTER_N.match(text, e):
                continue  # ("in all treated patients (n = 60)", "P=.02 (N=124)", "(n = 10 per meal)": sample sizes)
            extra.append(Item("count", s, e, Count(int(m.group("n")), None, s, e, text[s:e], None)))
            taken.append((s, e))
    return sorted(items + extra, key=lambda x: x.start) if extra else items


def _arm_estimates_as_values(items: list[Item], refs: list[ArmRef], text: str) -> list[Item]:
    """Unnamed estimates with a CI that each stand by a different arm's name are the arms' own means (CI),
    not between-group estimates: "The mean change in DAS28 was -2.1 (95% CI -2.5 to -1.7) in the MSC group and
    -1.0 (95% CI -1.4 to -0.6) in the placebo group". Two or more such arms are needed."""
    tied: dict[int, str] = {}
    for x in items:
        if x.kind != "eff" or x.obj.named or x.obj.ci_low is None:
            continue
        after = next((r for r in refs if x.end <= r.start <= x.end + 40 and _ARM_AFTER_ESTIMATE.fullmatch(
            text, x.end, r.start)), None)
        before = next((r for r in refs if r.end <= x.start and x.start - r.end <= 12 and _ARM_BEFORE_ESTIMATE.fullmatch(
            text, r.end, x.start)), None)
        ref = after or before
        if ref is not None:
            tied[id(x)] = ref.label.lower()
    if len(set(tied.values())) < 2:
        return items
    out = []
    for x in items:
        if id(x) in tied:
            e = x.obj
            out.append(Item("ms", x.start, x.end, MeanSD(e.value, None, "mean (ci)", e.ci_low, e.ci_high, x.start,
                                                         x.end, e.text)))
        else:
            out.append(x)
    return out


_OWN_BY_VERB = re.compile(r"\b(?P<w>decreased|reduced|fell|dropped|declined|lowered|increased|rose|raised|grew)\s+"
                          r"(?:significantly\s+|only\s+|slightly\s+)?by\s?[-+]?$", re.I)
_DOWN_VERBS = ("decreased", "reduced", "fell", "dropped", "declined", "lowered")


# a sentence that begins "Among 172 patients, ..." (the count, its people and a comma)
_IMPROVED_BY = re.compile(r"\bimprov\w*\s+(?:\w+\s+){0,2}?by\s+\d[\d.]*\s?%|\d[\d.]*\s?%\s+improvement", re.I)
# "Among 40 patients", "of the 40", "from all 40", a sentence's "In 40 patients": a count after these is who was
# counted (the population, a denominator), not responders
_POPULATION_BEFORE = re.compile(r"(?:\b(?i:among|of|from)|(?:^|[.;:]\s+|\n)\s*In)\s+(?:(?:the|all|these|those)\s+)?$")


def _counts_population(text: str, start: int, lo: int) -> bool:
    """Whether the count at `start` follows "among"/"of"/"from" (or a sentence's "In"), looking back to `lo`."""
    return _POPULATION_BEFORE.search(text, lo, start) is not None
_PEOPLE_COMMA = re.compile(r"(?:\s?(?:[a-z]+\s){0,2}?(?:patients|participants|subjects|people|children|women|men|adults))?"
                           r"\s?,")


def _slot_rows(t: Text, me: _Measure, slots: list[Slot], items: list[Item], ctx: Context, prov: Provenance,
               direction: str | None, my_tps: list[Timepoint | None], tps: list[Timepoint], a: int,
               clause_start: int, responder: bool) -> list[OutcomeRow]:
    """One row per slot (its arm, its timepoint), and the comparison's estimates on their own row."""
    rows: list[OutcomeRow] = []
    in_slots = {id(x) for s in slots for x in s.items}
    loose = [x for x in items if id(x) not in in_slots]
    loose_p = [x.obj for x in loose if x.kind == "p"]
    loose_eff = [x.obj for x in loose if x.kind == "eff"]
    if not loose_p and len(slots) >= 2 and not any(x.kind == "p" for s in slots[:-1] for x in s.items):
        # "-1.92 ± 1.10 versus -0.98 ± 1.05 (P < 0.001)": a P value after the last arm's value compares the arms
        last = slots[-1].items
        if last and last[-1].kind == "p" and not any(x.kind == "p" for x in last[:-1]):
            loose_p = [last[-1].obj]
    # a timepoint written right before a slot's bracket group is that slot's ("by days 2 (...), 7 (...)")
    for s in slots:
        before_tp = [tp for tp in tps if tp.end <= s.start and s.start - tp.end <= 12]
        if before_tp:
            s.timepoint = before_tp[-1]
    carry: Timepoint | None = None
    for s in slots:
        if s.timepoint is not None:
            carry = s.timepoint
        elif carry is not None and any(tp.start < s.start for tp in tps if tp is carry):
            s.timepoint = carry
    use_slot_tps = any(s.timepoint is not None for s in slots) and len({s.timepoint for s in slots}) > 1
    pc_sign = 0.0  # "decreased by 35.2% in A versus 12.1% in B": B's bare percentage is a change of the same sign
    for k, s in enumerate(slots):
        if s.how.startswith("study arm"):
            arm = ctx.arms[int(s.how.split()[-1])]
            name, n = arm.name, arm.n if arm.n is not None else ctx.per_arm_n
        else:
            name, n = _arm_lookup(ctx, s.arm)
        if s.items and all(x.kind == "count" for x in s.items) \
                and _counts_population(t.text, s.items[0].start, max(0, s.items[0].start - 40)) \
                and _PEOPLE_COMMA.match(t.text, s.items[-1].end):
            continue  # "Among 172 patients, the proportion achieving ACR20 was ...": who was counted, not responders
        values = _values_of(s.items, t, a, clause_start, me, responder, _n_elsewhere(ctx, name, n, prov))
        if values.get("percent_change"):
            pc_sign = pc_sign or (1.0 if values["percent_change"] > 0 else -1.0)
        elif pc_sign and set(values) <= {"percent_responders"}:
            bare = [x.obj for x in s.items if x.kind == "pct" and x.obj.kind == "%" and x.obj.percent is not None]
            if len(bare) == 1:
                values = {"percent_change": pc_sign * abs(bare[0].percent)}
        if not values:
            continue
        if "p_value" not in values and loose_p and not loose_eff:
            values["p_value"] = _p_text(loose_p[0])
        cm = values.get("change_mean")
        own = _OWN_BY_VERB.search(t.text, max(a, s.start - 30), s.start) if cm is not None and cm > 0 else None
        if own is not None:
            # "increased by 1.28 in A and decreased by 0.30 in B": each value's own verb gives its sign
            if own.group("w").lower().startswith(_DOWN_VERBS):
                values["change_mean"] = -cm
                values["note"] = "sign of the change from the wording ('... by')"
        elif cm is not None and cm > 0 and direction == "decrease" and BY_CUE.search(t.text, a, s.start):
            # "HAQ improved by 0.45 in A compared with 0.12 in B" on a lower-is-better scale: changes of -0.45, -0.12
            values["change_mean"] = -cm
            values["note"] = "sign of the change from the wording ('... by')"
        if values.get("change_mean") is not None and values.get("percent_change") is not None \
                and values["change_mean"] * values["percent_change"] < 0 and values.get("note"):
            values["percent_change"] = -values["percent_change"]  # "fell by 1.2 (25%)": the change's sign, both
        d_dir = direction or _direction_from_values(values)
        tp_list: list[Timepoint | None] = [s.timepoint] if use_slot_tps and s.timepoint else (my_tps or [None])
        for tp in tp_list:
            base = _base_row(me, name, n, tp, prov, d_dir)
            base.update(values)
            rows.append(_row(base))
    if loose_eff:
        label = _comparison_label(t, slots, [], ctx)
        for e in loose_eff:
            for tp in my_tps or [None]:
                base = _base_row(me, label or ctx.default_arm, None, tp, prov, None)
                _put_effect(base, e)
                if loose_p:
                    base["p_value"] = _p_text(loose_p[0])
                rows.append(_row(base))
    return rows


# "73.7% vs. 71.4% at six months and 72.2% vs. 68.4% at 12 months": the gap between one timepoint's values, and
# from its last value to the timepoint
_TP_PAIR_GAP = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6})?\s?)?(?:vs\.?|versus)\s?")
_TP_PAIR_AT = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6})?\s?)?,?\s?(?:at|after|by|on|in)\s(?:the\s)?(?:end\s+of\s+)?")
_TP_PAIR_NEXT = re.compile(r"\s?(?:post-?\w+\s?)?(?:,\s?(?:and\s)?|\sand\s|;\s?)(?:at\s)?")


_BEFORE_AND = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,8}(?:/[a-zA-Zμµ]{1,6})?\s)?before\s+and\s+")
_AFTER_WORD = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,8}(?:/[a-zA-Zμµ]{1,6})?\s)?after\b")


def _before_after(items: list[Item], text: str) -> tuple[tuple[float, float | None], tuple[float, float | None]] | None:
    """"24.69% before and 10.43% after treatment", "5.1 ± 0.8 before and 3.2 ± 0.9 after": the (mean, SD) before
    and after, or None."""
    vals = [x for x in items if x.kind in ("ms", "pct")]
    if len(vals) != 2 or not _BEFORE_AND.fullmatch(text, vals[0].end, vals[1].start) \
            or not _AFTER_WORD.match(text, vals[1].end):
        return None
    out = []
    for x in vals:
        if x.kind == "pct":
            if x.obj.kind != "%" or x.obj.percent is None:
                return None
            out.append((x.obj.percent, None))
        else:
            out.append((x.obj.mean, x.obj.sd))
    return out[0], out[1]


# "at week 12 (5.2 vs 8.5, P < 0.01)", "(week 12: 5.2 vs 8.5; week 24: ...)": a timepoint, then its values
_TP_THEN_PAIR = re.compile(r"\s?(?::\s?|\(\s?|\[\s?|,\s?)")
# "At week 12, X was a vs b; ...": the measure's words between the first timepoint and its pair
_TP_THEN_MEASURE_PAIR = re.compile(r"\s?,\s?(?:[^;:()\d]|(?<=[A-Za-z-])\d+){1,60}?\s(?:was|were|of)\s")


def _timepoints_then_pairs(text: str, tps: list[Timepoint], vals: list[Item]) -> list[tuple[list[Item], Timepoint]]:
    """Each timepoint's values right after it, joined by "vs": [] unless every value is in one such group."""
    groups: list[tuple[list[Item], Timepoint]] = []
    for k, tp in enumerate(tps):
        nxt = tps[k + 1].start if k + 1 < len(tps) else len(text)
        g = [x for x in vals if tp.end <= x.start < nxt]
        if len(g) < 2 or not (_TP_THEN_PAIR.fullmatch(text, tp.end, g[0].start)
                              or not k and _TP_THEN_MEASURE_PAIR.fullmatch(text, tp.end, g[0].start)) \
                or not all(_TP_PAIR_GAP.fullmatch(text, x.end, y.start) for x, y in zip(g, g[1:])):
            return []
        groups.append((g, tp))
    if sum(len(g) for g, _ in groups) != len(vals) or vals[0].start < tps[0].end:
        return []
    return groups


_AT_BASELINE_WAS = re.compile(r"\s?(?:score|level|value)?s?\s?(?:at|before)\s+(?:the\s+)?(?:baseline|treatment)\s?,?\s?"
                              r"(?:(?:was|were)\s+)?(?:(?:mean|median)\s+)?", re.I)
_ARM_LIST_GAP = re.compile(r"(?:\s?[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6})?)?"
                           r"(?:\s?,\s?(?:and\s+)?|\s+and\s+|\s(?:vs\.?|versus)\s)")
_THEN_AT = re.compile(r"(?:\s?[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6})?)?"
                      r"(?:\s?,\s?(?:and\s+|while\s+|whereas\s+)?|\s+and\s+|\s?;\s?)"
                      r"(?:(?:at|after|by|on)\s+(?:the\s+)?)?$", re.I)
_AT_TP_WAS = re.compile(r"\s?,?\s?(?:(?:it|they|these|this)\s+)?(?:(?:was|were)\s+|(?:had\s+)?(?:fallen|fell|decreased|"
                        r"declined|dropped|increased|risen|rose|improved)\s+to\s+)?")


def _level(x: Item) -> MeanSD:
    """A mean (SD) or bare number item as a level (a bare number is a mean without SD)."""
    return x.obj if x.kind == "ms" else number_as_value(x.obj)


def _baselines_then_timepoints(t: Text, me: _Measure, items: list[Item], my_tps: list[Timepoint | None],
                               refs: list[ArmRef], ctx: Context, prov: Provenance, direction: str | None, b: int
                               ) -> list[OutcomeRow]:
    """"X at baseline was 5.8 and 5.7, and at week 24 it was 3.6 and 4.9 in the A and B groups, respectively":
    each arm's baseline, then each arm's level at each timepoint (one value per arm, the arms in order)."""
    text = t.text
    tps = sorted((tp for tp in my_tps if tp is not None and tp.end > tp.start), key=lambda tp: tp.start)
    vals = [x for x in items if x.kind in ("ms", "num") and x.start > me.mention.end]
    base = _AT_BASELINE_WAS.match(text, me.mention.end)
    if not tps or base is None or not vals or base.end() != vals[0].start:
        return []
    n = len(vals) // (len(tps) + 1)
    if n < 2 or n * (len(tps) + 1) != len(vals):
        return []
    groups = [vals[k * n:(k + 1) * n] for k in range(len(tps) + 1)]
    for k, g in enumerate(groups):
        if not all(_ARM_LIST_GAP.fullmatch(text, x.end, y.start) for x, y in zip(g, g[1:])):
            return []
        if k:  # each later group: ", and at <timepoint> it was " before it
            tp = tps[k - 1]
            if not groups[k - 1][-1].end < tp.start < g[0].start or not _THEN_AT.search(text, groups[k - 1][-1].end,
                                                                                         tp.start) \
                    or not _AT_TP_WAS.fullmatch(text, tp.end, g[0].start):
                return []
    labels: list[str] = []
    for r in refs:
        if r.start > groups[-1][-1].end and r.label.lower() not in [x.lower() for x in labels]:
            labels.append(r.label)
    if len(labels) == n:
        arms = [_arm_lookup(ctx, x) for x in labels]
    elif not labels and len(ctx.arms) == n:
        arms = [(x.name, x.n if x.n is not None else ctx.per_arm_n) for x in ctx.arms]
    else:
        return []
    rows: list[OutcomeRow] = []
    for j, (name, n_arm) in enumerate(arms):
        for k, tp in enumerate(tps):
            d = _base_row(me, name, n_arm, tp, prov, direction)
            before, after = _level(groups[0][j]), _level(groups[k + 1][j])
            d["baseline_mean"], d["baseline_sd"] = before.mean, before.sd
            d["followup_mean"], d["followup_sd"] = after.mean, after.sd
            d["direction"] = d.get("direction") or _direction_from_values(d)
            rows.append(_row(d))
    return rows


def _pairs_at_timepoints(t: Text, me: _Measure, items: list[Item], my_tps: list[Timepoint | None],
                         refs: list[ArmRef], ctx: Context, prov: Provenance, direction: str | None, a: int,
                         clause_start: int, responder: bool) -> list[OutcomeRow]:
    """"73.7% vs. 71.4% at six months and 72.2% vs. 68.4% at 12 months (in the A and the B group, respectively)":
    each timepoint's values, one per arm in the order the sentence (or else the study) names the arms."""
    text = t.text
    tps = sorted((tp for tp in my_tps if tp is not None and tp.end > tp.start), key=lambda tp: tp.start)
    vals = [x for x in items if x.kind in ("ms", "pct", "num")]  # ("3.9 vs 5.1 at week 16": bare levels too)
    if len(tps) < 2 or len(vals) < 4 or not _TP_PAIR_GAP.match(text, vals[0].end, vals[1].start):
        return []
    groups: list[tuple[list[Item], Timepoint]] = []
    pos = vals[0].start
    for k, tp in enumerate(tps):
        g = [x for x in vals if pos <= x.start < tp.start]
        if len(g) < 2 or not all(_TP_PAIR_GAP.fullmatch(text, x.end, y.start) for x, y in zip(g, g[1:])) \
                or not _TP_PAIR_AT.fullmatch(text, g[-1].end, tp.start):
            groups = []
            break
        if k and not _TP_PAIR_NEXT.fullmatch(text, groups[-1][1].end, g[0].start):
            groups = []
            break
        groups.append((g, tp))
        pos = tp.end
    if groups and any(x.start >= tps[-1].end for x in vals):
        return []
    if not groups:
        groups = _timepoints_then_pairs(text, tps, vals)
        if not groups:
            return []
    n = len(groups[0][0])
    if any(len(g) != n for g, _ in groups):
        return []
    labels: list[str] = []
    for r in refs:
        if any(tp.start <= r.start < tp.end for tp in tps):
            continue  # "and week 24 (4.1 vs 8.9)": a timepoint before its values, not an arm's label
        if r.label.lower() not in [x.lower() for x in labels]:
            labels.append(r.label)
    arms: list[tuple[str, int | None]]
    if len(labels) == n:
        arms = [_arm_lookup(ctx, x) for x in labels]
    elif len(ctx.arms) == n and len(labels) <= 1:
        arms = [(x.name, x.n if x.n is not None else ctx.per_arm_n) for x in ctx.arms]
        if labels:  # "higher in the A group (a vs. b at T1 ...)": the arm named is the first
            first = _arm_lookup(ctx, labels[0])
            arms = [first] + [x for x in arms if x[0] != first[0]]
            if len(arms) != n:
                return []
    else:
        return []
    ps = [x.obj for x in items if x.kind == "p"]
    rows: list[OutcomeRow] = []
    for k, (g, tp) in enumerate(groups):
        upto = groups[k + 1][0][0].start if k + 1 < len(groups) else len(text)
        own_p = [x.obj for x in items if x.kind == "p" and g[-1].end <= x.start < upto] if len(ps) > 1 else []
        for x, (name, n_arm) in zip(g, arms):
            values = _values_of([x], t, a, clause_start, me, responder, n_arm)
            if len(ps) == 1 or len(own_p) == 1:
                values["p_value"] = _p_text(ps[0] if len(ps) == 1 else own_p[0])  # each pair's own P in its bracket
            base = _base_row(me, name, n_arm, tp, prov, direction or _direction_from_values(values))
            base.update(values)
            rows.append(_row(base))
    return rows


def _n_elsewhere(ctx: Context, arm_name: str, n: int | None, prov: Provenance) -> int | None:
    """The arm's n for a derived percentage, unless the arm's n was read from this very sentence (its
    count of responders is then no sample size: "one patient in the anticoagulant-alone group")."""
    for arm in ctx.arms:
        if arm.name == arm_name and arm.provenance is not None and arm.provenance.start is not None \
                and prov.start is not None and prov.start <= arm.provenance.start < (prov.end or 0):
            return None
    return n


def _comparison_label(t: Text, slots: list[Slot], refs: list[ArmRef], ctx: Context) -> str | None:
    names: list[str] = []
    for s in slots:
        if s.how.startswith("study arm"):
            nm = ctx.arms[int(s.how.split()[-1])].name
        else:
            nm = _arm_lookup(ctx, s.arm)[0] if s.arm else None
        if nm and nm not in names:
            names.append(nm)
    if len(names) >= 2:
        return " vs ".join(names[:2]) if len(names) == 2 else " vs ".join(names)
    return None


_VERSUS_ARM = re.compile(
    r"\b(?:compared\s+(?:with|to)|versus|vs\.?|than(?:\s+(?:in|with|after|on))?)\s+(?:the\s+)?(?P<arm>[\w+/-]+(?:\s[\w+/-]+){0,3}?)"
    r"(?=\s?(?:group|arm)?\s?(?:[,;.()]|$|\bgroup\b|\bat\b|\bin\b|\bafter\b))", re.I)


def _effect_arm(t: Text, sent: Sentence, refs: list[ArmRef], ctx: Context, a: int, b: int) -> str | None:
    """The comparison an estimate belongs to: "A vs B" from the arms the sentence names (or "the
    treated arm vs <comparator>" after "compared with placebo")."""
    names = []
    for r in refs:
        nm = _arm_lookup(ctx, r.label)[0]
        if nm not in names:
            names.append(nm)
    if len(names) >= 2:
        if comparator_first(t.text, sent, refs[0]):
            return f"{names[1]} vs {names[0]}"  # "Compared with placebo, drug A reduced ...": drug A vs placebo
        return f"{names[0]} vs {names[1]}"
    vm = _VERSUS_ARM.search(t.text, sent.start, sent.end)
    if vm and CONTROL_NAME.search(vm.group("arm")):
        other = names[0] if names else ctx.default_arm
        comp = _arm_lookup(ctx, vm.group("arm"))[0]
        if other != comp:
            return f"{other} vs {comp}"
    return None


# a value written right before its own time: "4.9 at month 1", "3.2 ± 0.5 at week 12", "25% after 6 months"
_VALUE_AT_TIME = re.compile(r"(?<![\w.,])(?P<v>[-−]?\d+(?:\.\d+)?)(?:\s?±\s?(?P<sd>\d+(?:\.\d+)?))?"
                            r"\s?(?:%|[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ]{1,6})?)?"
                            # a bracket of a signed change or a P value may stand between: "55.2% (+5.3%, p = 0.04) at"
                            r"(?:\s?\((?:[-+−]\s?\d|[^()]{0,30}?\b[pP]\s?[=<>≤])[^()]{0,40}\))?"
                            r"\s(?:at|on|after)\s+(?:the\s+)?")


def _values_at_their_times(text: str, a: int, b: int, my_tps: list[Timepoint | None], tps: list[Timepoint]
                           ) -> tuple[tuple[float, float | None] | None, list[dict]] | None:
    """"6.1 at baseline, 4.9 at month 1, 4.2 at month 3 and 4.0 at month 6": when every one of the row's
    timepoints has exactly one value written right before it in the window [a, b), (the baseline's value,
    each timepoint's follow-up value in the order of `my_tps`); else None."""
    starts = {tp.start: tp for tp in tps}
    base: tuple[float, float | None] | None = None
    found: dict[int, tuple[float, float | None]] = {}
    for m in _VALUE_AT_TIME.finditer(text, a, b):
        value = (float(m.group("v").replace("−", "-")), float(m.group("sd")) if m.group("sd") else None)
        if text.startswith("baseline", m.end()):
            base = value
            continue
        tp = starts.get(m.end())
        if tp is None or tp.kind != "point" or id(tp) in found:
            continue
        found[id(tp)] = value
    if not all(tp is not None and id(tp) in found for tp in my_tps):
        return None
    return base, [{"followup_mean": found[id(tp)][0], "followup_sd": found[id(tp)][1]} for tp in my_tps]


# a value marked as the baseline's: "(baseline 5.9 ± 0.7)", "at baseline (1.7 ± 0.6)", "5.9 (baseline)", "5.8 at baseline"
_BASELINE_BEFORE_VALUE = re.compile(r"\b(?:baseline|pre-?treatment|before\s+treatment)\s?(?:[(:=]\s?|was\s|of\s)?$", re.I)
_BASELINE_BRACKET_AFTER = re.compile(r"\s?\(\s?(?:at\s+)?baseline\s?\)", re.I)


def _one_baseline_value(text: str, a: int, ms: list[MeanSD]) -> int | None:
    """The index of the one value in `ms` that the text marks as the baseline's, or None (none, or several)."""
    marked = [k for k, x in enumerate(ms) if BASELINE_AFTER.match(text, x.end) or _BASELINE_BRACKET_AFTER.match(text, x.end)
              or _BASELINE_BEFORE_VALUE.search(text, max(a, x.start - 25), x.start)]
    return marked[0] if len(marked) == 1 else None


def _pair_with_timepoints(tps: list[Timepoint | None], items: list[Item], t: Text, a: int, clause_start: int,
                          me: _Measure, responder: bool) -> list[dict]:
    """"59.3% at 3 months and 53.5% at 6 months": as many values as timepoints, paired in order."""
    if len(tps) < 2:
        return []
    pcts = [x for x in items if x.kind in ("pct", "count")] if responder else []
    ms = [x for x in items if x.kind == "ms"]
    for values in (pcts, ms):
        if len(values) == len(tps):
            return [_values_of([v], t, a, clause_start, me, responder, None) for v in values]
    return []


# what a timepoint whose bracket states nothing readable holds: none of the sentence's estimates
_NOTHING_STATED = {"effect_size": None, "effect_kind": None, "effect_ci_low": None, "effect_ci_high": None,
                   "p_value": None}


_OPEN_BRACKET_AHEAD = re.compile(r"\s?[(\[]")


def _brackets_after_timepoints(tps: list[Timepoint | None], items: list[Item], t: Text, a: int, clause_start: int,
                               me: _Measure, responder: bool) -> list[dict]:
    """"at week 4 (p = 0.229, ES = 0.33) and at week 52 (p = 0.01, ES = 0.6)": each timepoint's bracket."""
    real = [tp for tp in tps if tp is not None and tp.end > 0]
    if len(real) < 2 or len(real) != len(tps):
        return []
    out = []
    for i, tp in enumerate(real):
        nxt = real[i + 1].start if i + 1 < len(real) else len(t.text)
        m = _OPEN_BRACKET_AHEAD.match(t.text[tp.end:tp.end + 3])
        if not m:
            return []
        close = t.text.find(")" if t.text[tp.end + m.end() - 1] == "(" else "]", tp.end)
        mine = [x for x in items if tp.end <= x.start < min(nxt, close if close > 0 else nxt)]
        # a bracket whose estimate is garbled ("Day 21 (OR95%CI 0-0.9)") gives its timepoint nothing
        out.append(_values_of(mine, t, a, clause_start, me, responder, None) if mine else dict(_NOTHING_STATED))
    if sum(1 for values in out if values) < 2:
        return []
    # the values the window gave the row as a whole go to the first timepoint only
    return out


def _measures_respectively(t: Text, sent: Sentence, measures: list[_Measure], pcts: list[Percentage]
                           ) -> dict[str, dict]:
    """"ACR20, ACR50 and ACR70 responses were 60%, 35% and 10%, respectively": one value per measure."""
    listed = "respectively" not in sent.text.lower()
    if listed and (("," not in sent.text and "%/" not in sent.text) or " were " not in sent.text):
        return {}  # ("ACR20/50/70 responses were 59%/44%/22%": a slash list of values as well)
    names = [m for m in measures if m.kind in ("responder", "safety", "event")]
    if not listed and len(measures) > len(names):
        # "Nausea, fever and rash were reported in 12%, 8% and 5% of the patients, respectively": open names too,
        # where the percentages are of people (or samples)
        opened = [m for m in measures if m.kind in ("responder", "safety", "event") or (
            m.canonical is None and m.role in ("list", "subject"))]
        after_o = [p for p in pcts if opened and p.start > opened[-1].mention.end]
        if len(opened) >= 2 and len(after_o) == len(opened) and _PCTS_OF_PEOPLE.match(t.text, after_o[-1].end):
            names = opened
    if len(names) < 2:
        return {}
    before = [p for p in pcts if p.end <= names[0].mention.start]
    if not listed and len(before) == len(names) and not any(p.start > names[0].mention.start for p in pcts) \
            and all(_VALUE_LIST_GAP.fullmatch(t.text, p.end, q.start) for p, q in zip(before, before[1:])):
        # "11 (45.8%), 6 (25.0%) and 2 (8.3%) patients met the ACR20, ACR50 and ACR70 criteria, respectively"
        return {m.name: _responder_values(p) for m, p in zip(names, before)}
    after = [p for p in pcts if p.start > names[-1].mention.end]
    if len(after) != len(names) or any(names[0].mention.end <= p.start < names[-1].mention.start for p in pcts):
        return {}  # ("rate A: 14.1% versus 16.8%; rate B: 10.6% versus 11.7%": each measure has its own values)
    if listed and not (_VALUES_AFTER_LIST.fullmatch(t.text, names[-1].mention.end, after[0].start)
                       and (all(_VALUE_LIST_GAP.fullmatch(t.text, p.end, q.start) for p, q in zip(after, after[1:]))
                            or all(t.text[p.end:q.start] == "/" for p, q in zip(after, after[1:])))):
        # without "respectively": "The ACR20, ACR50 and ACR70 response rates at 12 months were 53.1%, 31.3% and
        # 12.5%", the values listed right after "were", as many as the measures
        return {}
    return {m.name: _responder_values(p) for m, p in zip(names, after)}


# a unit after a mean in a list: "5.4 ± 4.7 mg/L and 24.9 ± 3.4 mm/h, respectively"
_LIST_UNIT = r"(?:\s?[a-zA-Zμµ%]{1,6}[23²³]?(?:/[a-zA-Zμµ]{1,6}[23²³]?){0,2})?"
_MEAN_LIST_GAP = re.compile(_LIST_UNIT + r"(?:\s?,\s?(?:and\s+)?|\s+and\s+)")
_MEANS_RESPECTIVELY_AFTER = re.compile(_LIST_UNIT + r"\s?,?\s?respectively\b", re.I)
_MEASURES_THEN_MEANS = re.compile(r"[^.;,()%\d]{0,30}?\b(?:were|was|of|by)\s+(?:(?:mean|median)\s+)?", re.I)


def _means_respectively(t: Text, sent: Sentence, measures: list[_Measure], vals: SentenceValues) -> dict[str, dict]:
    """"CRP and ESR were 5.4 ± 4.7 mg/L and 24.9 ± 3.4 mm/h, respectively": one mean with its SD per listed
    measure, in order (a level; a change after "by" or a change word, its sign from a fall's verb)."""
    if len(measures) < 2 or "respectively" not in sent.text:
        return {}
    ms = [x.obj for x in vals.items if x.kind == "ms" and x.start > measures[-1].mention.end]
    text = t.text
    if len(ms) != len(measures) or any(x.sd is None for x in ms) \
            or any(measures[0].mention.end <= x.start < measures[-1].mention.start for x in vals.items) \
            or not _MEASURES_THEN_MEANS.fullmatch(text, measures[-1].mention.end, ms[0].start) \
            or not all(_MEAN_LIST_GAP.fullmatch(text, x.end, y.start) for x, y in zip(ms, ms[1:])) \
            or not _MEANS_RESPECTIVELY_AFTER.match(text, ms[-1].end):
        return {}
    lead = text[sent.start:ms[0].start]
    if not has_change_cue(lead):
        return {m.name: {"followup_mean": x.mean, "followup_sd": x.sd} for m, x in zip(measures, ms)}
    down = _CHANGE_LEAD.search(lead)
    sign = -1.0 if down is not None and down.group("down") else 1.0
    return {m.name: {"change_mean": sign * x.mean if x.mean > 0 and not x.text.lstrip().startswith("+") else x.mean,
                     "change_sd": x.sd} for m, x in zip(measures, ms)}


_FROM_BEFORE_LIST = re.compile(r"[^.;,()%\d]{0,40}?\bfrom\s+", re.I)
_TO_LIST_GAP = re.compile(_LIST_UNIT + r"(?:\s+at\s+(?:the\s+)?baseline)?,?\s+to\s+", re.I)
_LIST_AT_TIME = re.compile(r"\s+(?:at|after)\s+(?:the\s+)?(?:end\s+of\s+)?(?:weeks?|months?|days?|years?)?\s?\d*"
                           r"(?:\s(?:weeks?|months?|days?|years?))?", re.I)


def _from_to_respectively(t: Text, sent: Sentence, measures: list[_Measure], vals: SentenceValues
                          ) -> dict[str, dict]:
    """"ESR and CRP decreased from 48.1 and 25.3 to 30.2 and 11.4, respectively": each listed measure's level
    before and after, in order."""
    n = len(measures)
    if n < 2 or "respectively" not in sent.text:
        return {}
    ms = [_level(x) for x in vals.items
          if x.kind in ("ms", "num") and x.start > measures[-1].mention.end]  # (bare levels are numbers)
    text = t.text
    if len(ms) != 2 * n or any(measures[0].mention.end <= x.start < measures[-1].mention.start for x in vals.items) \
            or not _FROM_BEFORE_LIST.fullmatch(text, measures[-1].mention.end, ms[0].start) \
            or not _TO_LIST_GAP.fullmatch(text, ms[n - 1].end, ms[n].start) \
            or not all(_MEAN_LIST_GAP.fullmatch(text, x.end, y.start) for k, (x, y) in enumerate(zip(ms, ms[1:]))
                       if k != n - 1) \
            or not (_MEANS_RESPECTIVELY_AFTER.match(text, ms[-1].end) or (
                (at := _LIST_AT_TIME.match(text, ms[-1].end)) and _MEANS_RESPECTIVELY_AFTER.match(text, at.end()))):
        return {}  # ("... to 3.1 and 5.2 at week 12, respectively": the list's time before "respectively")
    return {m.name: {"baseline_mean": x.mean, "baseline_sd": x.sd, "followup_mean": y.mean, "followup_sd": y.sd}
            for m, x, y in zip(measures, ms[:n], ms[n:])}


# "reduced pain and stiffness by 23% and 35%, respectively", "reductions in pain and stiffness (23% and 35%,
# respectively)": a change word before the listed measures, then their percentages
_CHANGE_LEAD = re.compile(r"\b(?:(?P<down>reduc|decreas|lower|declin|fell\b|drop)|increas|rais|rose\b|improv)", re.I)
_MEASURE_LIST_GAP = re.compile(r"\s?,?\s?(?:(?:and|or)\s)?(?:the\s)?")
_CHANGE_VALUES_GAP = re.compile(r"\s?,?\s?(?:by|of)\s|\s?[(\[]\s?")
_RESPECTIVELY_AFTER = re.compile(r"\s?[,)\]]?\s?,?\s?respectively\b", re.I)
_VERB_BY_GAP = re.compile(r"\s(?:(?:were|was|had)\s+)?(?:significantly\s+)?(?:(?P<down>reduced|decreased|lowered|declined|"
                          r"fell|dropped)|increased|raised|rose|improved)\s+by\s", re.I)


def _changes_respectively(t: Text, sent: Sentence, measures: list[_Measure], pcts: list[Percentage]) -> dict[str, dict]:
    """"Diclofenac reduced pain and stiffness by 23% and 35%, respectively": one percent change per listed
    measure, signed by the change word before them."""
    if len(measures) < 2 or len(pcts) < 2 or "respectively" not in sent.text:
        return {}
    text = t.text
    k = len(measures) - 1
    while k > 0 and _MEASURE_LIST_GAP.fullmatch(text, measures[k - 1].mention.end, measures[k].mention.start):
        k -= 1
    names = measures[k:]
    if len(names) < 2 or any(m.kind in ("responder", "safety", "event") for m in names):
        return {}
    after = [p for p in pcts if p.start >= names[-1].mention.end][:len(names)]
    if len(after) != len(names) or any(p.percent is None or p.kind != "%" for p in after) \
            or not all(_VALUE_LIST_GAP.fullmatch(text, p.end, q.start) for p, q in zip(after, after[1:])) \
            or not _RESPECTIVELY_AFTER.match(text, after[-1].end):
        return {}
    # "The CDAI and SDAI decreased by 45% and 48%, respectively": the change word after the listed measures
    verb = _VERB_BY_GAP.fullmatch(text, names[-1].mention.end, after[0].start)
    if verb is None and not _CHANGE_VALUES_GAP.fullmatch(text, names[-1].mention.end, after[0].start):
        return {}
    lead = [verb] if verb is not None else [m for m in _CHANGE_LEAD.finditer(text, sent.start, names[0].mention.start)]
    if not lead:
        return {}
    sign = -1.0 if lead[-1].group("down") else 1.0
    improved = "improv" in lead[-1].group(0).lower()
    # ("improved by 30% and 20%": a fall on a lower-is-better scale)
    return {m.name: {"percent_change": (-1.0 if improved and m.better == "lower" else sign) * abs(p.percent)}
            for m, p in zip(names, after)}


_PCTS_OF_PEOPLE = re.compile(r"\s?(?:of|in)\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?:patients|subjects|participants|women|"
                             r"men|children|infants|cases|samples|smears|specimens|eyes)\b", re.I)
_VALUES_AFTER_LIST = re.compile(r"[^.;,()%]{0,40}?\bwere\s+(?:(?:achieved|observed|seen)\s+(?:in|by)\s+)?", re.I)
_VALUE_LIST_GAP = re.compile(r"\s?,\s?(?:and\s+)?|\s+and\s+")


def _responders(row: dict, t: Text, sent: Sentence, a: int, b: int, pct_all: list[Item],
                arm_n: int | None, ctx: Context, zero: re.Match[str] | None,
                fractions: list[re.Match[str]], counts_after: bool = False) -> None:
    """`zero` and `fractions` are the sentence's ZERO_RE and FRACTION_RE matches; `counts_after`
    (responder and safety measures) also reads a fraction after the measure."""
    if zero and sent.start + zero.start() < a:
        row["n_responders"], row["percent_responders"] = 0, 0.0
        return
    frac = None
    for m in fractions:
        if sent.start + m.start() < a:
            frac = m
    if frac is None and counts_after:  # "ACR20 was achieved by 5 of 9 patients"
        frac = next((m for m in fractions if a <= sent.start + m.start() < b), None)
    if frac:
        x, y = parse_number(frac.group("x")), parse_number(frac.group("y"))
        if x is not None and y and x <= y:
            denom = (arm_n or ctx.default_n or y) if frac.group("the") else y
            row["n_responders"] = int(x)
            row["percent_responders"] = round(100 * x / denom, 2)
            return
    npm = N_PERSONS_PCT_RE.search(t.text, a, b) if pct_all else None
    if npm:
        row["n_responders"] = int(parse_number(npm.group("n")) or 0)
        row["percent_responders"] = float(npm.group("p"))
        return
    mine = [p for p in pct_all if a <= p.start < b]
    if len(mine) >= 2 and mine[0].kind == "count" \
            and _counts_population(t.text, mine[0].start, max(sent.start, mine[0].start - 14)):
        mine = mine[1:]  # "Among 40 treated patients, 23 (57.5%) achieved ACR20": the 40 are the denominator
    if mine:
        row.update(_responder_values(mine[0].obj))
        if "percent_responders" not in row and row.get("n_responders") is not None and arm_n \
                and row["n_responders"] <= arm_n:
            row["percent_responders"] = round(100 * row["n_responders"] / arm_n, 2)


_ARM_UNIT_WORD = re.compile(r"(cohort|group|arm|cluster)", re.I)
_LEADING_THE = re.compile(r"^the\s+", re.I)
_LIST_SEPARATOR = re.compile(r"\s?,\s?(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def _respectively(t: Text, sent: Sentence, measures: list[_Measure], pcts: list[Percentage],
                  tps: list[Timepoint], ctx: Context, prov: Provenance) -> dict[str, list[OutcomeRow]]:
    """"ACR20 responses for cohorts A, B, C and placebo were 45%, 20%, 33% and 29%, respectively,
    at month 1, and 25%, 15%, 17% and 0%" -> one row per arm and timepoint."""
    if "respectively" not in sent.text.lower() or not pcts:
        return {}
    lm = RESPECTIVELY_LIST_RE.search(sent.text) or RESPECTIVELY_WITH_RE.search(sent.text)
    if not lm:
        return {}
    items = [x for x in _LIST_SEPARATOR.split(lm.group("list")) if x]
    items = [_LEADING_THE.sub("", x) for x in items]
    k = len(items)
    pcts = [p for p in pcts if p.start >= sent.start + lm.end() and p.percent is not None]
    pl = _PCT_LIST_RE.search(sent.text, lm.end()) if len(pcts) < k else None
    if pl and len(re.findall(NUM, pl.group("list"))) == k:
        # "were 65.22, 55.56, and 34.09%": the percent sign written once, after the last value
        at = sent.start + pl.start()
        pcts = [Percentage(None, float(v.group()), None, "%", at + v.start(), at + v.end(), v.group())
                for v in re.finditer(NUM, pl.group(0))]
    if k < 2 or len(pcts) < k:
        return {}
    unit = _ARM_UNIT_WORD.search(lm.group(0))
    unit_word = unit.group(1).lower() if unit else "group"
    arms = []
    for it in items:
        label = it if CONTROL_NAME.search(it) or len(it) > 2 else f"{unit_word} {it}"
        arms.append(_arm_lookup(ctx, label))
    first_measure = [m for m in measures if m.mention.start < sent.start + lm.start()] or measures[:1]
    out: dict[str, list[OutcomeRow]] = {}
    for g in range(len(pcts) // k):
        grp = pcts[g * k:(g + 1) * k]
        nxt = pcts[(g + 1) * k].start if (g + 1) * k < len(pcts) else sent.end
        tp = next((x for x in tps if grp[-1].end <= x.start < nxt), None)
        for me in first_measure:
            for (arm, n), p in zip(arms, grp):
                d = _base_row(me, arm, n, tp, prov, None)
                d.update(_responder_values(p))
                out.setdefault(me.name, []).append(_row(d))
    return out


_ARM_PREPOSITION_GAP = re.compile(r"\s?(?:%\s?)?(?:with|in|for|among|on|receiving)?\s?(?:the\s)?")


def _measures_by_arm(t: Text, sent: Sentence, measures: list[_Measure], pcts: list[Percentage], refs: list[ArmRef],
                     tps: list[Timepoint], ctx: Context, prov: Provenance) -> dict[str, list[OutcomeRow]]:
    """"ACR20, ACR50 and ACR70 responses at week 24 were 60%, 40% and 20% with tocilizumab versus 30%, 10%
    and 3% with placebo": as many values as measures for each arm, each group with its arm's name after
    it (or before it), in the order the measures are listed -> one row per measure and arm."""
    names = [m for m in measures if m.kind in ("responder", "safety", "event")]
    k = len(names)
    if k < 2 or not refs:
        return {}
    after = [p for p in pcts if p.start > names[-1].mention.end and p.percent is not None]
    if len(after) < 2 * k or len(after) % k:
        return {}
    text = t.text
    groups = [after[g * k:(g + 1) * k] for g in range(len(after) // k)]
    arms: list[str] = []
    for g, grp in enumerate(groups):
        nxt = groups[g + 1][0].start if g + 1 < len(groups) else sent.end
        prev = groups[g - 1][-1].end if g else names[-1].mention.end
        ref = next((r for r in refs if grp[-1].end <= r.start < min(nxt, grp[-1].end + 30)
                    and _ARM_PREPOSITION_GAP.fullmatch(text[grp[-1].end:r.start])),
                   None) or next((r for r in reversed(refs) if prev <= r.start and r.end <= grp[0].start
                                  and grp[0].start - r.end <= 30), None)
        if ref is None:
            return {}
        arms.append(ref.label)
    if len({a.lower() for a in arms}) != len(arms):
        return {}
    in_sentence = {tp.weeks for tp in tps if sent.start <= tp.start < sent.end}
    tp = next((x for x in tps if sent.start <= x.start < sent.end), None) if len(in_sentence) == 1 else None
    out: dict[str, list[OutcomeRow]] = {}
    for label, grp in zip(arms, groups):
        arm, n = _arm_lookup(ctx, label)
        for me, p in zip(names, grp):
            d = _base_row(me, arm, n, tp, prov, None)
            d.update(_responder_values(p))
            out.setdefault(me.name, []).append(_row(d))
    return out


def _from_group(t: Text, sent: Sentence, measures: list[_Measure], ctx: Context, prov: Provenance,
                tps: list[Timepoint], rec: _Record) -> dict[str, list[OutcomeRow]]:
    """"Seventeen patients from the group A (85%), 15 from the group B (75%) ... experienced AE",
    "18 of 30 patients (60.0%) in the UC-MSC group and 9 of 30 (30.0%) in the MTX alone group achieved ACR20"."""
    if sent.text.count("%") < 2:
        return {}  # every match has its own "(85%)": no scan without two of them
    items = sorted([*FROM_GROUP_RE.finditer(sent.text), *FRACTION_GROUP_RE.finditer(sent.text)],
                   key=lambda m: m.start())
    if len(items) < 2:
        return {}
    out: dict[str, list[OutcomeRow]] = {}
    for me in measures:
        if me.mention.start < sent.start + items[0].start() and len(measures) > 1:
            continue
        kind = me.kind
        tp = tps[0] if len(tps) == 1 else None  # "At week 24, 18 of 30 patients ..."
        if kind == "safety" and rec.followup is not None:
            tp = rec.followup
        for m in items:
            group_id = m.groupdict().get("id")
            label = f"group {group_id}" if group_id else f"{m.group('name')} group"
            arm, n = _arm_lookup(ctx, label)
            d = _base_row(me, arm, n, tp, prov, None)
            d["n_responders"] = int(parse_number(m.group("n")) or 0)
            d["percent_responders"] = float(m.group("p"))
            out.setdefault(me.name, []).append(_row(d))
    return out


_SUMMARY_WORD_START = re.compile(r"(?:a|an|the)?\s?(?:total|mean|median|average)\b", re.I)
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
_NEGATION_WORD = re.compile(r"\bno\b|\bnot\b|\bwithout\b", re.I)


_LEAD_ARM_GAP = re.compile(r"\s?,\s?")


def _people_rows(t: Text, sent: Sentence, measures: list[_Measure], ctx: Context, prov: Provenance,
                 tp_of: dict[str, list[Timepoint]], rec: _Record) -> list[tuple[OutcomeRow, int]]:
    """"45% of those on atorvastatin having no decrease in CRP": the proportion of people with a
    condition is a responder row of that condition. Returns (row, start of the percentage) pairs."""
    if "%" not in sent.text or " of " not in sent.text:
        return []
    out: list[tuple[OutcomeRow, int]] = []
    for m in PEOPLE_WITH_RE.finditer(t.text, sent.start, sent.end):
        cond = m.group("cond").strip()
        if _SUMMARY_WORD_START.match(cond):
            continue
        if re.search(r"\bcompared$", m.group("arm") or "", re.I) or re.match(r"[-+−]?\d", cond):
            continue  # "56% of patients receiving MSC compared with 27% of those ...": a comparison, not a condition
        if any(cond.lower() == a.lower() or cond.lower().startswith(a.lower() + " ") for a in rec.arm_names) \
                or CONTROL_NAME.fullmatch(cond):
            continue  # "53.3% of patients with tocilizumab": an arm, not a condition
        name = _LEADING_ARTICLE.sub("", cond)
        canon = canonical_measure(name)
        if canon is not None and any(me.canonical == canon for me in measures) and not _NEGATION_WORD.search(name):
            continue  # "60% of patients achieved ACR20": ACR20's own row
        arm_label = m.group("arm")
        if not arm_label:  # "In the IGF-1 group, 66.7% of the patients showed ...": the arm leading the clause
            lead = ARM_IN_SENTENCE_RE.search(t.text, sent.start, m.start())
            if lead and _LEAD_ARM_GAP.fullmatch(t.text, lead.end(), m.start()):
                arm_label = lead.group("arm")
        arm, n = _arm_lookup(ctx, arm_label.replace("the ", "") if arm_label else None)
        mention = Mention("MEASURE", name, m.start("cond"), m.end("cond"), cond, t.token_index(m.start("cond")),
                          t.token_index(m.end("cond")))
        me = _Measure(name, mention, canon, "people")
        tp_list = [tp for ms in measures for tp in tp_of.get(ms.name, []) if ms.mention.start < m.start()] or \
            ([rec.default_tp] if rec.default_tp else [None])
        d = _base_row(me, arm, n, tp_list[-1], prov, None)
        d["percent_responders"] = float(m.group("pct").replace(",", ""))
        if n:
            d["n_responders"] = None
        out.append((_row(d), m.start("pct")))
    return out


def _previous_respectively(t: Text, sent: Sentence, vals: SentenceValues, previous: _Previous,
                           prov: Provenance) -> list[OutcomeRow]:
    """"The mean difference between treatment arms (95% CI) was 1.9 (0.7 to 3.2), 6.5 (2.5 to 10.5),
    0.6 (0.2 to 0.9), and 0.9 (0.3 to 1.4), respectively": estimates of the previous sentence's
    measures, in the order it listed them."""
    effects = [x.obj for x in vals.items if x.kind == "eff"]
    k = len(previous.measures)
    if k < 2 or len(effects) != k:
        return []
    out: list[OutcomeRow] = []
    for me, e in zip(previous.measures, effects):
        e = _effect_kind(e, sent.text, None)
        for tp in previous.tps.get(me.name) or [None]:
            d = _base_row(me, previous.comparison or "between arms", None, tp, prov, None)
            _put_effect(d, e)
            out.append(_row(d))
    return out


# "the adjusted HR was 0.73 (95% CI ...)": an estimate named only by its model's word and its kind
_MODEL_ESTIMATE = re.compile(r"\b(?:(?:un)?adjusted|crude|multivariable|multivariate|stratified)\s+(?:HR|OR|RR|IRR|"
                             r"(?:hazard|odds|risk|rate)\s+ratio)\b", re.I)


def _previous_adjusted(sent: Sentence, vals: SentenceValues, previous: _Previous, prov: Provenance,
                       rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """"... 0.75 (95% CI 0.57-1.00). When covariates for ... were included, the adjusted HR was 0.73 (95% CI
    0.55-0.98, p = 0.033)": a sentence naming no measure gives its one estimate to the previous sentence's one
    measure, between the arms that sentence compared, where that sentence gave the measure an estimate of the same
    kind (the unadjusted one)."""
    effects = [x.obj for x in vals.items if x.kind == "eff"]
    if len(effects) != 1 or effects[0].kind == "estimate":
        return []
    me = previous.measures[0]
    if not any(r.measure == me.name and r.effect_kind == effects[0].kind for r in rows[-12:]):
        return []
    ps = [x.obj for x in vals.items if x.kind == "p"]
    out: list[OutcomeRow] = []
    for tp in previous.tps.get(me.name) or [None]:
        d = _base_row(me, previous.comparison or "between arms", None, tp, prov, None)
        _put_effect(d, effects[0])
        if len(ps) == 1:
            d["p_value"] = _p_text(ps[0])
        out.append(_row(d))
    return out


def _merge_baselines(rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """A baseline-only row ("baseline DAS28 was 4.53") lends its baseline to the measure's other
    rows that lack one, and is dropped when there are such rows."""
    out: list[OutcomeRow] = []
    baselines = [r for r in rows if r.baseline_mean is not None and r.timepoint_weeks is None
                 and all(getattr(r, k) is None for k in OutcomeRow.NUMBERS if not k.startswith("baseline"))
                 and r.direction is None]
    for r in rows:
        if r in baselines:
            continue
        b = next((x for x in baselines if x.measure == r.measure), None)
        if b is not None and r.baseline_mean is None and r.effect_size is None and (
                r.arm == b.arm or b.arm is None or len({x.arm for x in rows if x.measure == r.measure}) == 1
                or r.change_mean is not None or r.followup_mean is not None):
            r = replace(r, baseline_mean=b.baseline_mean, baseline_sd=b.baseline_sd,
                        note=f"baseline from: {b.provenance.text[:80]}")
        out.append(r)
    used = {r.measure for r in out if r.baseline_mean is not None}
    out.extend(b for b in baselines if b.measure not in used)
    return out
