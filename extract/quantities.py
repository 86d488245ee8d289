"""Normalisation of quantities in trial abstracts: cell doses, timepoints, P values, mean/SD, %.

Pure functions over a string; no spaCy. Every finder returns frozen dataclasses that carry
``start``/``end`` character offsets into the ORIGINAL text and ``text == original[start:end]``,
so the caller keeps provenance.

How it works: ``clean(text)`` maps typographic and mojibake variants to canonical ASCII-ish forms
(Unicode minus/en dash before a digit -> "-", thin/no-break spaces -> " ", "x"/"X"/"✕"/"?×?"
between a number and 10 -> "×", superscript digits -> "^digits", "+/-"/"Â±" -> "±", HTML entities).
Each finder runs its compiled regexes on the cleaned text and maps offsets back through the list
of replaced segments (a replaced segment maps as a whole: a match never cuts one in half).

Public API
----------
clean(text) -> str
parse_number(text) -> float | None           "1,000", ".0159", "−1.60", "Fifty-three", "one hundred and two"
find_doses(text) -> list[Dose]                unit "cells" | "cells/kg" | "cells/joint"
find_timepoints(text) -> list[Timepoint]      weeks; kind "point" | "range" | "baseline"
find_p_values(text) -> list[PValue]
find_mean_sd(text) -> list[MeanSD]
find_percentages(text) -> list[Percentage]

Conventions (documented choices)
--------------------------------
* Weeks: hours/168, days/7, months*52/12, years*52, rounded to 2 decimals (1 month = 4.33,
  3 months = 13.0, 6 months = 26.0, 1 year = 52.0).
* A range "3-6 months" is ONE Timepoint with kind "range", ``weeks`` = upper end and
  ``low_weeks`` = lower end (the caller decides whether a range is a timepoint).
* A list "at 1, 3 and 6 months" gives one Timepoint per item; a non-final item's span is its number
  only, the final item's span runs to the unit.
* Concentration x volume "40 mL ... (2 × 10^7 cells/20 mL)" gives TWO Doses: the concentration
  (value 2e7, ``per_volume_ml`` 20.0, a concentration not a dose) and the derived dose (value 4e7,
  ``per_volume_ml`` None, note "derived: ..."). Without a volume before it, a concentration in more
  than 1 mL ("2 × 10^7 cells in 20 mL", "2 × 10^7 cells/20 mL") is also the dose of one
  administration (value 2e7, note "... cells in 20 mL"); "per mL" stays a concentration only.
  Doses per administration are those with ``per_volume_ml is None``.
* A lost exponent ("1 × 10 MSCs/kg") gives value None, uncertain True and a note; never 10 cells/kg.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Iterable, Iterator, Literal, NamedTuple, Sequence

from extract.fastre import NUM, NUM_REST, SNUM_FIRST, SNUM_REST, fold_lower

__all__ = [
    "Dose",
    "MeanSD",
    "PValue",
    "Percentage",
    "Timepoint",
    "clean",
    "find_doses",
    "find_mean_sd",
    "find_p_values",
    "find_percentages",
    "find_timepoints",
    "parse_number",
    "weeks_from",
]

# --------------------------------------------------------------------------------------------
# Data: cleaning replacements (name -> (pattern, replacement)); applied in one alternation.
# --------------------------------------------------------------------------------------------
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"

CLEAN_RULES: list[tuple[str, str, str | None]] = [
    # (group name, regex, fixed replacement or None for a computed one)
    ("mojibake_times", r"\?\s*×\s*\?|\?\s*(?:Ã—|&times;)\s*\?", " × "),
    ("mojibake_times_cp1252", r"Ã—", "×"),
    ("mojibake_pm", r"Â±", "±"),
    ("mojibake_minus", r"âˆ’", "-"),
    ("mojibake_endash", r"â€“|â€”", "-"),
    ("mojibake_nbsp", r"Â\u00a0", " "),
    ("html_entity", r"&(?:lt|gt|le|ge|plusmn|times|minus|nbsp|ndash|mdash|amp);", None),
    ("plus_minus", r"\+\s?/\s?[-\u2212]|\+-(?=\s?\d)", "±"),
    ("lone_q_times", r"(?:(?<=\d)|(?<=\d ))\?(?= ?10(?:[\d^(]| \d))", "×"),
    ("letter_times", r"(?:(?<=\d)|(?<=\d ))[xX✕∗*](?= ?10(?:[\d^(eE]| \d|\b))", "×"),
    # a middle dot is a decimal point ("0·77–1·10", "p=0·105") unless an exponent follows "10"
    ("dot_times", r"(?:(?<=\d)|(?<=\d ))·(?= ?10(?:[\^(eE]| \d))", "×"),
    ("superscript", r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+", None),
    ("dash_num", rf"[{_DASHES}](?=\s?\.?\d)", "-"),
    ("hyphen", "[\u2010\u2011\u2212]", "-"),
    ("space", "[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " "),
    ("zero_width", "[\u200b\u200c\u200d\ufeff\u00ad]", ""),
    ("middle_dot_decimal", r"(?<=\d)·(?=\d)", "."),
    ("le_ge", "[≦⩽≧⩾]", None),
]
_HTML = {"&lt;": "<", "&gt;": ">", "&le;": "≤", "&ge;": "≥", "&plusmn;": "±", "&times;": "×",
         "&minus;": "-", "&nbsp;": " ", "&ndash;": "-", "&mdash;": "-", "&amp;": "&"}
_LE_GE = {"≦": "≤", "⩽": "≤", "≧": "≥", "⩾": "≥"}
# Every rule starts with one of these characters: a lookahead on them lets the regex engine skip
# ordinary text instead of trying 17 alternatives at every position (20x faster).
_CLEAN_FIRST = ("?ÃÂâ&+xX✕∗*·⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺" + _DASHES + "\u00a0\u2000-\u200a\u202f\u205f\u3000"
                "\u200b\u200c\u200d\ufeff\u00ad≦⩽≧⩾")
_CLEAN_RE = re.compile(f"(?=[{_CLEAN_FIRST}])(?:" + "|".join(f"(?P<{name}>{rx})" for name, rx, _ in CLEAN_RULES) + ")")
_CLEAN_FIRST_RE = re.compile(f"[{_CLEAN_FIRST}]")
_FIXED = {name: rep for name, _, rep in CLEAN_RULES if rep is not None}
# quick test: does the text need any cleaning at all (most abstracts have a few × or −): a non-ASCII
# character, "?", an HTML entity, "+/" or "+-", or a digit before "x"/"*". It begins with one character
# set (a fast start, see the numbers below) and branches on that character with lookbehinds.
_NEEDS_CLEAN = re.compile(
    r"[&+?0-9\x80-\U0010ffff](?:(?<![&+0-9])|(?<=&)[a-z]+;|(?<=\+)(?:\s?/|-)|(?<=[0-9]) ?[xX*])"
)

# --------------------------------------------------------------------------------------------
# Data: numbers
# --------------------------------------------------------------------------------------------
NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALE_WORDS: dict[str, int] = {"hundred": 100, "thousand": 1000}
def _trie(words: list[str]) -> str:
    """One regex alternation for a word list, shared prefixes factored out ("t(?:en|wo|...)"):
    Python's re tries alternatives one by one, so a trie is several times faster."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        if list(node) == [""]:
            return ""
        alts = [re.escape(ch) + build(node[ch]) for ch in sorted(node) if ch]
        optional = "" in node
        if len(alts) == 1 and not optional:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if optional else "")

    return build(tree)


_W = _trie(sorted([*NUMBER_WORDS, *SCALE_WORDS]))
# _W after its first letter, for patterns that consume that letter with a set (a fast start):
# the sub-trie of the words beginning with it, chosen by a lookbehind on the letter
_W_REST = "|".join(
    f"(?<={ch})" + _trie(sorted(w[1:] for w in [*NUMBER_WORDS, *SCALE_WORDS] if w[0] == ch))
    for ch in sorted({w[0] for w in [*NUMBER_WORDS, *SCALE_WORDS]})
)
WORDNUM = rf"\b(?:{_W})(?:(?:[ -]|\s+and\s+)(?:{_W})\b){{0,6}}\b"
SNUM = rf"(?:-\s?)?{NUM}"  # signed (after clean(), every minus is "-")
_NUM_RE = re.compile(NUM)
# The number-led patterns below begin with a number's first character (fastre.NUM_FIRST /
# SNUM_FIRST: a fast start) and check their "(?<![...])" guard behind it as "(?<![...].)".
_DIGIT_NUM_RE = re.compile(rf"^[+-]?\s?{NUM}$")
_DECIMAL_COMMA_RE = re.compile(r"^([+-]?\d+),(\d{1,2}|\d{4,})$")

# --------------------------------------------------------------------------------------------
# Data: doses
# --------------------------------------------------------------------------------------------
_EXP = (
    r"10(?:\^\s?\(?\s?(?P<e1>-?\d{1,2})(?:\s?\))?"          # 10^7, 10^(7)
    r"|\(\s?(?P<e2>\d{1,2})\s?\)"                        # 10(7)
    r"|[eE]\s?\+?(?P<e3>\d{1,2})\b"                      # 10e6, 10E+6
    r"|(?P<e4>1[0-2]|[1-9])(?![\d]|[.,]\d)"              # 107 (lost superscript after ×)
    r"|\s(?P<e5>1[0-2]|[1-9])(?![\d]|[.,]\d|\s?(?:%|mL|ml|L\b|mg|kg|years?|patients|months?|weeks?|days?))"
    r"|(?P<lost>)(?![\d^(]|[eE]\s?\+?\d))"              # 1 × 10 cells: exponent lost
)
# A count is "[2.5, 5 or ]1 × 10^7" (a list sharing the exponent, then a mantissa), a bare "10^7"
# or "5 million" / "five million". For a fast start (see the numbers above) DOSE_COUNT_RE finds the
# counts that begin with a digit or "." ([.0-9]: a count never began with another script's digit)
# and consumes that character, so group "list" (or, without a list, "mant1") and "mmant" hold their
# text after it, and "bare" holds the "0" of "10". _DOSE_WORD_RE finds "five million"; it is searched
# only in a text with "million", "billion" or "mln" (_has_multiplier), and merged as finditer would give
# the alternation of both. _LIST_REST is the list ((?:NUM, ){0,6}NUM then "and"/"or"/"to"/"-")
# after the first character of its first number, tried in the same order.
_LIST_REST = (
    rf"(?:{NUM_REST}\s?,\s?(?:{NUM}\s?,\s?){{0,5}}{NUM}|{NUM_REST})\s?,?\s?(?:and|or|to|-)\s?"
)
DOSE_COUNT_RE = re.compile(
    rf"[.0-9](?<![\w.,^].)(?i:(?:(?P<list>{_LIST_REST})(?P<mant>{NUM})|(?P<mant1>{NUM_REST}))\s?×\s?{_EXP}"
    rf"|(?<=1)(?P<bare>0)(?:\^\s?\(?(?P<b1>\d{{1,2}})(?:\))?|[eE]\+?(?P<b2>\d{{1,2}})\b|\(\s?(?P<b3>\d{{1,2}})\s?\))"
    rf"|(?P<smant>{NUM_REST})[eE]\+?(?P<se>0?\d{{1,2}})\b"  # "1E6", "1.0E+06": E notation (after "10e6")
    rf"|(?P<mlist>{_LIST_REST})(?P<mmant2>{NUM})\s?-?\s?(?P<mult2>million|billion|mln)\b"  # "1, 2 or 4 million"
    rf"|(?P<mmant>{NUM_REST})\s?-?\s?(?P<mult>million|billion|mln)\b)"
)
_DOSE_WORD_RE = re.compile(rf"(?<![\w.,^])(?P<mmant>{WORDNUM})\s?-?\s?(?P<mult>million|billion|mln)\b", re.I)
_MULTIPLIERS = {"million": 1e6, "mln": 1e6, "billion": 1e9}

# ". " before a capital or "(", ";" or a newline; every branch begins with a literal (a fast start)
_SENTENCE_END = re.compile(r"\.(?<=[\w)\]%]\.)\s+(?=[A-Z(])|;|\n")
_NOT_CELLS_RE = re.compile(r"^\s?/\s?(?:L|l|mL|ml|µL|μL|uL|mm3|mm\^3|dL)\b")
# a count of another unit: "5 × 10^5 IU/kg", "2 × 10^11 vector genomes/kg", "10^9 CFU" (extract.drug_doses reads them)
_OTHER_UNIT_AFTER_RE = re.compile(r"^\s?-?\s?(?:IU|U|units?|international\s+units|PFU|plaque[- ]forming|CFUs?|cfus?|"
                                  r"colony[- ]forming|vg|vector\s+genomes?|vp|viral\s+particles|TCID50|copies|"
                                  r"mg|µg|μg|ug|mcg|ng|g|mL|ml)(?![\w])")
# cells of the culture, not of a dose: "5 × 10^7 cells per flask", "seeded at 1 × 10^4 cells/cm2"
_CULTURE_AFTER_RE = re.compile(r"^[^;.()]{0,20}?(?:\bper\s|/\s?)(?:flasks?|wells?|plates?|dish(?:es)?|cm2|cm\^2|passages?)\b",
                               re.I)
_CULTURE_BEFORE_RE = re.compile(r"\b(?:seeded|plated|expanded|cultured|cultivated|grown|passaged)\s+(?:up\s+)?"
                                r"(?:to|at|with)\s+(?:a\s+density\s+of\s+)?(?:about\s+|approximately\s+)?$", re.I)
_CONC_RE = re.compile(
    rf"^\s?(?:[\w-]+\s){{0,2}}?(?:cells?|MSCs?)?\s?(?:/|per|in)\s?(?P<vol>{NUM})?\s?(?:mL|ml)\b", re.I
)
_VOLUME_RE = re.compile(rf"(?<![\w.])(?P<tot>{NUM})\s?(?:mL|ml)\b")
# the volume given, written after a concentration: "(2 × 10^7 cells/20 mL) were infused in 40 mL",
# "2 × 10^7 cells/20 mL; 40 mL were infused", "injected in a volume of 5 mL"
_GIVEN_VERB = r"(?:infused|injected|administered|given|delivered|transfused)"
_VOLUME_GIVEN_AFTER_RE = re.compile(
    rf"[)\]]?(?:[^.;]{{0,40}}?\b{_GIVEN_VERB}\s+(?:in|as|at|with)\s+(?:a\s+(?:total\s+)?volume\s+of\s+|a\s+|an\s+)?"
    rf"(?P<tot>{NUM})\s?(?:mL|ml)\b|\s*(?:;|,|\band\b)\s*(?P<tot2>{NUM})\s?(?:mL|ml)\s+(?:of\s+(?:the\s+)?"
    rf"[\w-]+\s+)?(?:was|were)\s+{_GIVEN_VERB}\b)", re.I)
# "/kg", "per kilogram", "a kg"; "cells kg-1", "cells·kg-1" (after cleaning: "−1" is "-1")
_KG_RE = re.compile(r"^[^;()]{0,40}?(?:(?:/\s?|\bper\s|\ba\s)(?:kg\b|kilogram)|(?:cells?|MSCs?)\s?[\s·]\s?kg\s?-\s?1\b)",
                    re.I)
_CELL_RE = re.compile(r"^[^;()]{0,40}?(?:\b[\w-]*MSCs?\b|\bcells?\b|\bMSC\b)", re.I)
_JOINT_RE = re.compile(
    r"^[^;]{0,60}?(?:\bper\s(?:joint|knee)|/\s?(?:joint|knee)\b|\b(?:into|in)\s(?:the|each|one|a)\s"
    r"(?:\w+\s){0,2}(?:knee|joint)|\beach\s(?:knee|joint)\b)", re.I
)
# "a single intra-articular injection of 40 × 10^6 MSCs": the cells of one joint
_JOINT_BEFORE_RE = re.compile(r"\bintra-?articular(?:ly)?\b[^.;0-9]{0,40}$", re.I)
_DOSE_CUE_BEFORE = re.compile(r"\bdos(?:e|es|age|ing)\b[^.;]{0,25}$", re.I)
# "hUC-MSCs (4 × 10^7/infusion)", "4 × 10^7 per injection": a count given per administration is a dose
_PER_ADMINISTRATION_RE = re.compile(r"^\s?(?:/\s?|per\s)(?:infusion|injection|administration|transplantation)\b", re.I)
_GROUP_GAP_RE = re.compile(r"^\s?,?\s?(?:and|or|to|-)?\s?$", re.I)
_RANGE_GAP_RE = re.compile(r"\s?(?:to|-|–)\s?", re.I)
_SHARED_RANGE_RE = re.compile(r"\d+(?:\.\d+)?\s?(?:to|-|–)\s?\d+(?:\.\d+)?\s?(?:[×x*]|million|billion)", re.I)
# between two bracketed doses of parallel phrases: ") and a high dose (", "), or the high-dose group ("
_PARALLEL_DOSE_GAP_RE = re.compile(
    r"^\s?\)?\s?,?\s?(?:and|or|versus|vs\.?)\s+(?:a\s+|an\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:dose|dosage)[\w-]*"
    r"(?:\s+(?:group|arm|cohort))?\s?\(\s?$", re.I)

# --------------------------------------------------------------------------------------------
# Data: timepoints
# --------------------------------------------------------------------------------------------
UNIT_WEEKS: dict[str, float] = {"hour": 1 / 168, "day": 1 / 7, "week": 1.0, "month": 52 / 12, "year": 52.0}
_UNIT_ALIASES = {
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "d": "day", "day": "day", "days": "day",
    "wk": "week", "wks": "week", "week": "week", "weeks": "week",
    "mo": "month", "mos": "month", "month": "month", "months": "month",
    "yr": "year", "yrs": "year", "year": "year", "years": "year", "y": "year",
}
_TP_UNIT = r"(?:hours?|hrs?|(?-i:h)|days?|(?-i:d)|weeks?|wks?|months?|mos?|years?|yrs?|(?-i:y)(?!\.\w))"
# a number in words inside a timepoint list: "and" joins words only after hundred/thousand ("one
# hundred and two"), so "one and six months" is two timepoints, not "seven"
_TP_WORD_JOIN = r"(?:[ -]|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+)"
_TP_WORDNUM = rf"\b(?:{_W})(?:{_TP_WORD_JOIN}(?:{_W})\b){{0,6}}\b"
_TP_NUM = rf"(?:{NUM}|{_TP_WORDNUM})"
_TP_SEP = r"(?:\s?,\s?(?:and\s|or\s)?\s?|-?\s(?:and|or)\s|\s?-\s?|\sto\s)"  # "-?": "the 12- and 24-week visits"
_TP_LIST = rf"{_TP_NUM}(?:{_TP_SEP}{_TP_NUM}){{0,6}}"
# A timepoint is "3, 6 and 12 months" (a list, then its unit), "week 12" (a unit, then a list) or
# "baseline". For a fast start (see the numbers above) it is found by two patterns that begin with a
# character set: TIMEPOINT_RE for a list that begins with a digit, _TP_WORD_RE for the forms that
# begin with a word ("six months", "week 12", "baseline"), which consumes the first letter, so there
# groups "list" and "unit2" hold their text after it. _timepoint_matches() merges the two as
# finditer would give the alternation of both.
TIMEPOINT_RE = re.compile(
    rf"(?P<list>[.0-9](?<![\w.,/-].){NUM_REST}(?i:(?:{_TP_SEP}{_TP_NUM}){{0,6}}))"
    rf"(?i:\s?-?\s?(?P<unit>{_TP_UNIT})\b)"
)
_TP_WORD_RE = re.compile(
    r"[BbDdEeFfHhMmNnOoSsTtWwYyZzſ](?<!\w.)(?i:"  # "(?<!\w.)": the "\b" before every form
    rf"(?<![.,/-].)(?P<list>(?:{_W_REST})(?:{_TP_WORD_JOIN}(?:{_W})\b){{0,6}}\b(?:{_TP_SEP}{_TP_NUM}){{0,6}})"
    rf"\s?-?\s?(?P<unit>{_TP_UNIT})\b"
    r"|(?P<unit2>(?<=h)ours?|(?<=d)ays?|(?<=w)eeks?|(?<=m)onths?|(?<=y)ears?|(?<=w)k)"
    # the list ends before a count: "at week 24, 18 of 30 patients" and "week 24, 18 (60%)" are week 24,
    # and before a value with its own time: "4.9 at month 1, 4.2 at month 3" is month 1 ("day-14" is day 14,
    # "day-1" a per-day exponent: "6.4 g.day−1")
    rf"(?:\s|-(?!1\b)(?=\d))?(?P<list2>{_TP_LIST})(?![\w%]|\.\d|\s?%|,\d|\s?/\s?\d|\s+(?:out\s+)?of\s+(?:the\s+)?(?:\d|whom\b|them\b|"
    r"these\b|those\b)"  # ("on day one and four of treatment": not a count)
    r"|\s+at\s|\s+(?:vs\.?|versus)\s|\s?±"  # ("at week 16 and 3.5 vs 5.0 at week 24": 3.5 is a value)
    rf"|\s+(?:patients?|participants?|subjects?)\b|\s?\(\s?\d[\d.]*\s?%)"
    r"|(?<=b)(?P<baseline>aseline)\b)"
)
_TP_ITEM_RE = re.compile(rf"{_TP_NUM}", re.I)
_TP_RANGE_SEP = re.compile(r"^\s?(?:-|to)\s?$", re.I)
# "aged", "older", "disease duration", "history", "per", "past", "previous", "prior" within the
# last words before a timepoint, "every" just before it. Only whether it matches is used. It begins with a set of the cue
# words' first letters (a fast start: both cases, plus "İ", "ı" and "ſ", which re.IGNORECASE matches to
# "i" and "s"); "(?<!\w.)" after the letter is the "\b" before it.
# "every" only right before the number: "every 6 months", "every other week" (but "every day for 3 months" is
# 3 months)
NEG_BEFORE_TP = re.compile(
    r"[AaDdEeHhIiOoPpRrSsYyİıſ](?i:"
    r"(?:(?<!\w.)(?:(?<=a)ge[ds]?|(?<=o)lder|(?<=y)ounger|(?<=h)istory|(?<=d)uration\sof\s(?:disease|RA|illness|symptoms?)"
    r"|(?<=p)(?:er(?!\s+(?:day|week|month)\s+(?:for|during|over)\b)|ast|revious|receding|rior))"
    r"|(?:(?<=d)isease|(?<=i)llness|(?<=r)a|(?<=s)ymptoms?)\s(?:duration|history))"
    r"(?:\W+\w+){0,3}?\W*$"
    r"|(?<!\w.)(?<=e)very(?:\s+other)?\s*$)"
)
NEG_AFTER_TP = re.compile(
    r"^(?:\s?-?\s?old\b|\sof\sage\b|\sof\s(?:disease|RA|illness|symptoms?)\b|\s(?:disease\s)?duration\b"
    r"|\sago\b|\s?/\s?(?:year|yr|month)\b|\s(?:per|a)\s(?:year|month)\b)",
    re.I,
)

# --------------------------------------------------------------------------------------------
# Data: P values, mean/SD, percentages
# --------------------------------------------------------------------------------------------
P_VALUE_RE = re.compile(
    r"[Pp](?<![\w-].)(?:\s?-?\s?values?)?\s?"  # "P" first, its guard behind it: a fast start
    r"(?:(?P<cmp><=|>=|=<|=>|[<>=≤≥])|\s(?:of|was|were|is)\s|(?P<lt>\s?(?:less|lower|smaller)\sthan\s)"
    r"|(?P<gt>\s?(?:greater|more|larger|higher)\sthan\s))\s?(?P<num>0?\.\d+|[01](?:\.\d+)?)(?!\d|\.\d)",
)
_CMP = {"<": "<", "=": "=", ">": ">", "≤": "≤", "≥": "≥", "<=": "≤", "=<": "≤", ">=": "≥", "=>": "≥"}
# What follows the value m in "m ± s", "m (lo-hi)" (with an optional IQR/range/CI label), "m (s)".
_MS_PM = rf"\s?±\s?(?P<s>{NUM})"
_MS_RANGE = (
    rf"\s?[(\[]\s?(?:(?P<lab>IQR|interquartile range|range|95\s?%\s?CI|CI)\s?[:=,]?\s?)?"
    rf"(?P<lo>{SNUM})\s?(?:-|to|,|;)\s?(?P<hi>{SNUM})\s?[)\]]"
)
_MS_PAREN = (  # "41.9 (17.7)", "(SD 17.7)", "(±17.7)"; "41.9 [17.7]" (the "Mean [SD]" layout)
    rf"\s?(?:\(\s?(?:SD\s?[:=]?\s?|(?P<se>SEM?\b|s\.e\.(?:m\.)?)\s?[:=]?\s?|±\s?)?(?P<s2>{NUM})\s?\)"
    rf"|\[\s?(?:SD\s?[:=]?\s?|(?P<se2>SEM?\b)\s?[:=]?\s?)?(?P<s4>{NUM})\s?\])")
_MS_COMMA_SD = rf",\s(?:SD|s\.d\.)\s?[:=]?\s?(?P<s3>{NUM})(?![\w.])"  # "mean 3.7, SD 1.9"
# "18.2 pg/mL (SD 5.1)": a unit between the mean and its bracketed SD (or SE), the bracket naming it
_MS_UNIT_LABELLED = (rf"\s?(?:[a-zA-Zμµ%]{{1,8}}(?:/[a-zA-Zμµ0-9]{{1,6}})?)\s?\(\s?(?:SD|s\.d\.|(?P<se3>SEM?|s\.e\.(?:m\.)?))"
                     rf"\s?[:=]?\s?(?P<s5>{NUM})\s?\)")
# The value is read once, first, for a fast start. Each form goes on with whitespace, "±", "(" or "[",
# which cannot continue a number, so only the longest number can match and factoring it out of the
# three forms matches what "m ± s|m (lo-hi)|m (s)" matched.
MEAN_SD_RE = re.compile(
    rf"(?P<m>{SNUM_FIRST}(?<![\w.,^/-].){SNUM_REST})(?i:{_MS_PM}|{_MS_RANGE}|{_MS_PAREN}|{_MS_COMMA_SD}|{_MS_UNIT_LABELLED})"
)
RANGE_CUES: list[tuple[str, str]] = [
    (r"\biqr\b|interquartile|quartile", "median (iqr)"),
    (r"\brange\b|\bmin(?:imum)?\s?-\s?max", "median (range)"),
    (r"\bci\b|confidence", "mean (ci)"),
    (r"\bmedian", "median (iqr)"),
    # "The mean drainage time was 6 (1-42) days": a mean, its bracket a range or a CI it does not name
    (r"\bmean\b|\baverage\b", "mean (range)"),
]
_RANGE_CUE_RE = re.compile("|".join(f"(?P<c{i}>{rx})" for i, (rx, _) in enumerate(RANGE_CUES)), re.I)
_N_PCT_HEADER_RE = re.compile(r"\bn\s?\(\s?%\s?\)|\(%\)", re.I)
# "n (p%)", "a/b", "p%": the leading number's first character is consumed by the set (a fast start),
# so groups n, a, p2 hold the REST of that number; _lead_number() reads the whole of it.
PERCENT_RE = re.compile(  # (a "/" before the number only after a percentage: "59%/44%/22%" lists three)
    rf"{SNUM_FIRST}(?<![\w.,^-].)(?<!(?<!%)/.)(?i:(?P<n>{NUM_REST})\s?(?:\(\s?(?P<p>{NUM})\s?%\s?\)|\[\s?(?P<pb>{NUM})\s?%\s?\])"
    rf"|(?<=\d)(?P<a>\d*)\s?/\s?(?P<b>\d+)(?![\w/]|[.,]\d)"
    rf"|(?P<p2>{SNUM_REST})\s?(?:%|\spercent\b)(?!\s?(?:CI\b|C\.I\.|IC\b|confidence)))"
)


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------
DoseUnit = Literal["cells", "cells/kg", "cells/joint"]


@dataclass(frozen=True)
class Dose:
    value: float | None
    unit: DoseUnit
    start: int
    end: int
    text: str
    uncertain: bool = False
    note: str | None = None
    per_volume_ml: float | None = None  # set: a concentration (value cells per this many mL)


@dataclass(frozen=True)
class Timepoint:
    weeks: float
    start: int
    end: int
    text: str
    kind: Literal["point", "range", "baseline"] = "point"
    low_weeks: float | None = None  # lower end of a range


@dataclass(frozen=True)
class PValue:
    value: float
    comparator: Literal["<", "=", ">", "≤", "≥"]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MeanSD:
    mean: float
    sd: float | None
    # "value": a number written without SD (extract.sentence_values reads "-5.2 vs. -3.3" as two)
    kind: Literal["mean±sd", "mean (sd)", "median (iqr)", "median (range)", "mean (ci)", "mean (range)", "value"]
    low: float | None
    high: float | None
    start: int
    end: int
    text: str
    cue: str | None = None  # the word that decided a range's kind; None = default guess


@dataclass(frozen=True)
class Percentage:
    n: float | None
    percent: float | None
    denominator: float | None
    kind: Literal["n (%)", "%", "n/N"]
    start: int
    end: int
    text: str


# --------------------------------------------------------------------------------------------
# Cleaning with an offset map back to the original text
# --------------------------------------------------------------------------------------------
class _Cleaned(NamedTuple):  # a NamedTuple: made for every text cleaned, in a third of a frozen dataclass's time
    original: str
    text: str
    clean_starts: tuple[int, ...]   # per replaced segment: start in cleaned text
    segments: tuple[tuple[int, int, int, int], ...]  # (orig_start, orig_end, clean_start, clean_end)

    def orig_start(self, p: int) -> int:
        i = bisect_right(self.clean_starts, p) - 1
        if i < 0:
            return p
        a, b, c, d = self.segments[i]
        return a if p < d else p - d + b

    def orig_end(self, p: int) -> int:
        i = bisect_right(self.clean_starts, p - 1) - 1
        if i < 0:
            return p
        a, b, c, d = self.segments[i]
        return b if p <= d else p - d + b

    def span(self, s: int, e: int) -> tuple[int, int, str]:
        if not self.segments:  # nothing was replaced: the offsets are the original's
            return s, e, self.original[s:e]
        os_, oe = self.orig_start(s), self.orig_end(e)
        return os_, oe, self.original[os_:oe]


def _replacement(m: re.Match[str]) -> str:
    name = m.lastgroup or ""
    fixed = _FIXED.get(name)
    if fixed is not None:
        return fixed
    s = m.group(0)
    if name == "html_entity":
        return _HTML[s]
    if name == "superscript":
        return "^" + s.translate(_SUPERSCRIPTS)
    if name == "le_ge":
        return _LE_GE[s]
    return s


@lru_cache(maxsize=16)
def _prepare(text: str) -> _Cleaned:
    if not _NEEDS_CLEAN.search(text):
        return _Cleaned(text, text, (), ())
    parts: list[str] = []
    segs: list[tuple[int, int, int, int]] = []
    pos = 0
    out_len = 0
    for m in _clean_matches(text):
        rep = _replacement(m)
        a, b = m.span()
        parts.append(text[pos:a])
        out_len += a - pos
        parts.append(rep)
        segs.append((a, b, out_len, out_len + len(rep)))
        out_len += len(rep)
        pos = b
    parts.append(text[pos:])
    return _Cleaned(text, "".join(parts), tuple(s[2] for s in segs), tuple(segs))


def _clean_matches(text: str) -> list[re.Match[str]]:
    """What _CLEAN_RE.finditer(text) gives. _CLEAN_RE's lookahead on its first characters gives it no
    fast start (the engine tried the lookahead at every position); _CLEAN_FIRST_RE finds those
    characters, where the pattern is tried (no rule matches the empty string)."""
    out = []
    pos = 0
    find = _CLEAN_FIRST_RE.search
    match = _CLEAN_RE.match
    while (c := find(text, pos)) is not None:
        p = c.start()
        m = match(text, p)
        if m is None:
            pos = p + 1
        else:
            out.append(m)
            pos = m.end()
    return out


def clean(text: str) -> str:
    """Canonical form of ``text``: "-" for minus, "×" for times, "±", "^7" for superscripts, " " spaces."""
    return _prepare(text).text


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------
def _num(s: str) -> float:
    """A regex-matched NUM/SNUM (digits) to float."""
    return float(s.replace(",", "").replace(" ", ""))


_SPACE_OR_HYPHEN_RUN = re.compile(r"[\s-]+")


def _words_to_number(s: str) -> float | None:
    tokens = [t for t in _SPACE_OR_HYPHEN_RUN.split(s.strip().lower()) if t and t != "and"]
    if not tokens:
        return None
    total = 0
    current = 0
    for t in tokens:
        if t in NUMBER_WORDS:
            current += NUMBER_WORDS[t]
        elif t == "hundred":
            current = max(current, 1) * 100
        elif t in ("thousand", "million"):
            total += max(current, 1) * (1000 if t == "thousand" else 1_000_000)
            current = 0
        else:
            return None
    return float(total + current)


def parse_number(text: str) -> float | None:
    """A number written in digits ("1,000", ".0159", "−1.60", "1,5") or words ("Fifty-three")."""
    # _prepare's cache holds the texts being analysed: a short number must not evict them (each
    # eviction makes the next finder clean the whole abstract again)
    s = _prepare.__wrapped__(text).text.strip()
    if not s:
        return None
    if _DIGIT_NUM_RE.match(s):
        return _num(s)
    m = _DECIMAL_COMMA_RE.match(s)  # "1,5": decimal comma (a thousands comma has 3 digits)
    if m:
        return float(f"{m.group(1)}.{m.group(2)}")
    return _words_to_number(s)


def _lead_number(m: re.Match[str], rest: str) -> str:
    """The number (or word) a match begins with, when the pattern consumed its first character with
    a set (a fast start) and group ``rest`` holds the rest of it."""
    return m.string[m.start():m.end(rest)]


def _leftmost_matches(t: str, patterns: Iterable[re.Pattern[str]]) -> Iterator[re.Match[str]]:
    """The matches ``finditer`` would give for the alternation of ``patterns`` (in this order): next
    the leftmost match, at a tie the earlier pattern's; then go on from its end. No pattern may
    match the empty string."""
    pats = list(patterns)
    nxt = [p.search(t) for p in pats]
    while True:
        m = min((x for x in nxt if x is not None), key=lambda x: x.start(), default=None)
        if m is None:
            return
        yield m
        end = m.end()
        nxt = [x if x is None or x.start() >= end else p.search(t, end) for p, x in zip(pats, nxt)]


def _any_number(s: str) -> float | None:
    return _num(s) if s[:1].isdigit() or s[:1] in ".-" else _words_to_number(s)


def weeks_from(value: float, unit: str) -> float:
    """``value`` of ``unit`` (hour/day/week/month/year or an alias such as "months", "wk") in weeks."""
    return round(value * UNIT_WEEKS[_UNIT_ALIASES.get(fold_lower(unit), fold_lower(unit))], 2)


# --------------------------------------------------------------------------------------------
# Doses
# --------------------------------------------------------------------------------------------
def _fmt(v: float) -> str:
    if v >= 1e4:
        e = len(str(int(v))) - 1
        m = v / 10**e
        return f"{m:g}e{e}"
    return f"{v:g}"


@dataclass(frozen=True)
class _Count:
    values: tuple[float | None, ...]
    start: int
    end: int
    lost: bool


def _multiplier(word: str) -> float:
    """"million" -> 1e6; re.IGNORECASE also matches "MİLLION" and "mıllion", which .lower() does not
    turn into a key, so those are read by their first letter."""
    return _MULTIPLIERS.get(fold_lower(word)) or (1e9 if word[:1] in "bB" else 1e6)


def _has_multiplier(t: str) -> bool:
    """Whether _DOSE_WORD_RE can match: the text has "million", "billion" or "mln" in any case
    ("llion" also catches the "mıllion" re.IGNORECASE matches); two substring tests of the
    lower-cased text cost less than a regex scan."""
    low = t.lower()
    return "llion" in low or "mln" in low


_E_NOTATION_RE = re.compile(r"\d[eE]\+?\d")


def _may_count(t: str) -> bool:
    """Whether DOSE_COUNT_RE can match without a multiplier word: its other forms hold "×", a
    "10^" / "10e" / "10E" / "10(" or a digit, E and a digit ("1E6"; most abstracts have none, and its
    scan tries every digit)."""
    return "×" in t or "10^" in t or "10(" in t or _E_NOTATION_RE.search(t) is not None


def _counts(t: str) -> list[_Count]:
    out: list[_Count] = []
    if _has_multiplier(t):
        matches: Iterable[re.Match[str]] = _leftmost_matches(t, (DOSE_COUNT_RE, _DOSE_WORD_RE))
    elif _may_count(t):
        matches = DOSE_COUNT_RE.finditer(t)
    else:
        return out
    for m in matches:
        g = m.groupdict()
        if g.get("mant1") is not None or g.get("mant") is not None:
            lst = _lead_number(m, "list") if g["list"] is not None else ""
            mants = [_num(g["mant"] if lst else _lead_number(m, "mant1"))]
            if lst:
                prefix = [_num(x) for x in _NUM_RE.findall(lst)]
                if all(x < 1000 for x in prefix):
                    mants = prefix + mants
            lost = g["lost"] is not None
            exp_s = g["e1"] or g["e2"] or g["e3"] or g["e4"] or g["e5"]
            if lost or exp_s is None:
                values: tuple[float | None, ...] = tuple(None for _ in mants)
                lost = True
            else:
                e = int(exp_s)
                if e < 3:
                    continue
                values = tuple(x * 10.0**e for x in mants)
            start = m.start("mant") if (lst and len(mants) == 1) else m.start()
        elif g.get("bare") is not None:
            e = int(g["b1"] or g["b2"] or g["b3"])
            if e < 3:
                continue
            values, lost, start = (10.0**e,), False, m.start()
        elif g.get("smant") is not None:  # "1.0E+06": the mantissa times ten to the exponent
            e = int(g["se"])
            if e < 3:
                continue
            values, lost, start = (_num(_lead_number(m, "smant")) * 10.0**e,), False, m.start()
        elif g.get("mmant2") is not None:  # "1, 2 or 4 million": each number of the list times the multiplier
            mult = _multiplier(g["mult2"])
            values = tuple(_num(x) * mult for x in _NUM_RE.findall(_lead_number(m, "mlist")) + [g["mmant2"]])
            lost, start = False, m.start()
        else:
            base = _any_number(g["mmant"] if m.re is _DOSE_WORD_RE else _lead_number(m, "mmant"))
            if base is None:
                continue
            values, lost, start = (base * _multiplier(g["mult"]),), False, m.start()
        out.append(_Count(values, start, m.end(), lost))
    return out


def _window_after(t: str, end: int, limit: int, stop: int) -> str:
    w = t[end:min(end + limit, stop)]
    m = _SENTENCE_END.search(w)
    return w[: m.start()] if m else w


def _sentence_before(t: str, start: int, limit: int) -> tuple[int, str]:
    lo = max(0, start - limit)
    w = t[lo:start]
    last = None
    for last in _SENTENCE_END.finditer(w):
        pass
    if last is not None:
        lo += last.end()
        w = t[lo:start]
    return lo, w


def find_doses(text: str) -> list[Dose]:
    """Cell doses with unit cells, cells/kg or cells/joint (see the module docstring)."""
    c = _prepare(text)
    t = c.text
    counts = _counts(t)
    units: list[str | None] = []
    weak: list[bool] = []  # a unit read only from "dose" before the count: a unit after a parallel dose wins
    joints: list[bool] = []
    concs: list[tuple[float, re.Match[str]] | None] = []
    for i, k in enumerate(counts):
        stop = counts[i + 1].start if i + 1 < len(counts) else len(t)
        after = _window_after(t, k.end, 80, stop)
        unit: str | None = None
        conc = None
        if _NOT_CELLS_RE.match(after) or _OTHER_UNIT_AFTER_RE.match(after) or _CULTURE_AFTER_RE.match(after) or \
                _CULTURE_BEFORE_RE.search(
                _sentence_before(t, k.start, 40)[1]):
            units.append(None)
            weak.append(False)
            joints.append(False)
            concs.append(None)
            continue
        cm = _CONC_RE.match(after)
        if cm:
            conc = (_num(cm.group("vol")) if cm.group("vol") else 1.0, cm)
            unit = "cells"
        elif _KG_RE.match(after):
            unit = "cells/kg"
        elif _JOINT_RE.match(after):
            unit = "cells/joint"
        elif _CELL_RE.match(after):
            unit = "cells"
        elif _DOSE_CUE_BEFORE.search(_sentence_before(t, k.start, 60)[1]) or _PER_ADMINISTRATION_RE.match(after):
            unit = "cells"
        weak.append(unit == "cells" and not cm and not _CELL_RE.match(after))
        joint = unit == "cells" and bool(_JOINT_RE.match(after) or _JOINT_BEFORE_RE.search(
            _sentence_before(t, k.start, 60)[1]))
        if joint and conc is None:
            unit = "cells/joint"
        units.append(unit)
        joints.append(joint)
        concs.append(conc)
    # a list "2.5 × 107, 5 × 107, or 1 × 108 cells" shares the unit of its last member
    # and so do parallel phrases: "a low dose (1 × 10^6) and a high dose (5 × 10^6) of MSCs per kg"
    for i in range(len(counts) - 2, -1, -1):
        if (units[i] is None or (weak[i] and not weak[i + 1])) and units[i + 1] is not None and concs[i + 1] is None \
                and _GROUP_GAP_RE.match(t[counts[i].end:counts[i + 1].start]):
            # ("doses of 1 × 10^6, 5 × 10^6 and 1 × 10^7 cells/kg": a weak unit from "doses of" gives way too)
            if not _NOT_CELLS_RE.match(t[counts[i].end:counts[i + 1].start]):
                units[i] = units[i + 1]
                weak[i] = weak[i + 1]
        elif (units[i] is None or weak[i]) and units[i + 1] is not None and not weak[i + 1] \
                and concs[i + 1] is None and _PARALLEL_DOSE_GAP_RE.match(t[counts[i].end:counts[i + 1].start]):
            units[i] = units[i + 1]
    doses: list[Dose] = []
    ranged: set[int] = set()  # "1 × 10^6 to 2 × 10^6 cells/kg": one range, no single dose
    for i in range(len(counts) - 1):
        a, b = counts[i], counts[i + 1]
        if i in ranged or units[i] is None or units[i] != units[i + 1] or concs[i] or concs[i + 1] \
                or len(a.values) != 1 or len(b.values) != 1 or a.values[0] is None or b.values[0] is None \
                or not a.values[0] < b.values[0] or not _RANGE_GAP_RE.fullmatch(t, a.end, b.start):
            continue
        ranged.update((i, i + 1))
        s, e, vt = c.span(a.start, b.end)
        doses.append(Dose(None, units[i], s, e, vt, False,  # type: ignore[arg-type]
                          f"range {_fmt(a.values[0])} to {_fmt(b.values[0])} {units[i]}: no single dose"))
    for i, (k, unit, conc, joint) in enumerate(zip(counts, units, concs, joints)):
        if unit is None or i in ranged:
            continue
        if len(k.values) == 2 and conc is None and None not in k.values and k.values[0] < k.values[1] \
                and _SHARED_RANGE_RE.match(t, k.start):  # "0.5–1 × 10^6 cells/kg", "1 to 4 million cells/kg"
            s, e, vt = c.span(k.start, k.end)
            doses.append(Dose(None, unit, s, e, vt, False,  # type: ignore[arg-type]
                              f"range {_fmt(k.values[0])} to {_fmt(k.values[1])} {unit}: no single dose"))
            continue
        s, e, vt = c.span(k.start, k.end)
        n_vals = len(k.values)
        for v in k.values:
            note = None
            if k.lost:
                note = (f"exponent lost in {vt!r}: read as mantissa × 10^?; value not inferred")
            elif n_vals > 1:
                note = f"one of {n_vals} doses written with a shared exponent"
            if conc is None:
                doses.append(Dose(v, unit, s, e, vt, k.lost, note))  # type: ignore[arg-type]
                continue
            per_ml, cm = conc
            ce = k.end + cm.end()
            cs_, ce_, ct = c.span(k.start, ce)
            doses.append(Dose(v, "cells", cs_, ce_, ct, k.lost, note or "concentration", per_ml))
            lo, before = _sentence_before(t, k.start, 120)
            vols = list(_VOLUME_RE.finditer(before))
            after_vol = None if vols or v is None else _VOLUME_GIVEN_AFTER_RE.match(t, ce, min(len(t), ce + 80))
            if after_vol is not None:  # "(2 × 10^7 cells/20 mL) were infused in 40 mL": the volume given, after it
                tot = _num(after_vol.group("tot") or after_vol.group("tot2"))
                ds, de2, dt = c.span(k.start, after_vol.end())
                doses.append(Dose(v / per_ml * tot, "cells", ds, de2, dt, False,
                                  f"derived: {_fmt(v)} cells per {per_ml:g} mL × {tot:g} mL"))
            elif v is not None and vols:
                vm = vols[-1]
                tot = _num(vm.group("tot"))
                close = t.find(")", ce, ce + 3)
                de = close + 1 if close >= 0 else ce
                ds, de2, dt = c.span(lo + vm.start(), de)
                derived = v / per_ml * tot
                doses.append(Dose(derived, "cells", ds, de2, dt, False,
                                  f"derived: {_fmt(v)} cells per {per_ml:g} mL × {tot:g} mL"))
            elif v is not None and per_ml > 1:
                # "2 × 10^7 cells in 20 mL", "(2 × 10^7 cells/20 mL)" with no other volume stated: the
                # cells of one administration, suspended in that volume (a "per mL" figure stays a
                # concentration only)
                # ("5 × 10^7 MSCs in 2 mL saline into each knee": the cells of one joint)
                doses.append(Dose(v, "cells/joint" if joint else "cells", cs_, ce_, ct, False,
                                  f"{_fmt(v)} cells in {per_ml:g} mL"))
    return doses


# --------------------------------------------------------------------------------------------
# Timepoints
# --------------------------------------------------------------------------------------------
def _timepoint_matches(t: str) -> Iterator[re.Match[str]]:
    return _leftmost_matches(t, (TIMEPOINT_RE, _TP_WORD_RE))


# The words a _TP_WORD_RE match begins with, lower-cased: a number word ("six months"), a unit
# before its number ("week 12", "weeks12") or "baseline". Each is followed by a character that is
# not a letter (a space or "-" in a list of number words, the "\b" after one, the space or digit
# after the unit), and the match begins where a letter follows a character that is not \w: the
# word is a whole run of letters, which is one token of extract.lexer.
_TP_WORD_FIRST = frozenset([*NUMBER_WORDS, *SCALE_WORDS, "hour", "hours", "day", "days", "week", "weeks", "month",
                            "months", "year", "years", "wk", "baseline"])
# a letter re.IGNORECASE matches to an ASCII letter that str.lower() does not lower to one ("ſ", "ı",
# and "İ", which lowers to two characters)
_FOLDED_LETTERS = ("\u017f", "\u0131", "\u0130")
_WORD_CHAR = re.compile(r"\w")


class _AtStarts(NamedTuple):
    """A pattern searched only at `starts` (sorted): `search` gives what pattern.search gives,
    where every match of the pattern begins at one of them."""

    pattern: re.Pattern[str]
    starts: list[int]

    def search(self, t: str, pos: int = 0) -> re.Match[str] | None:
        match = self.pattern.match
        for p in self.starts[bisect_left(self.starts, pos):]:
            m = match(t, p)
            if m is not None:
                return m
        return None


def _tp_word_starts(c: _Cleaned, words: Sequence[str], starts: Sequence[int]) -> list[int] | None:
    """The offsets in the cleaned text where a _TP_WORD_RE match may begin, from the original
    text's tokens (extract.lexer: lower-cased words and their offsets); None where the tokens cannot
    tell: a letter the lower case does not fold, or a cleaning that took out letters or joined two
    words ("mon\u00adths")."""
    original = c.original
    if _FOLDED_LETTERS[0] in original or _FOLDED_LETTERS[1] in original or _FOLDED_LETTERS[2] in original:
        return None
    ends, shifts = [], []
    for a, b, cs, ce in c.segments:
        if cs == ce or _WORD_CHAR.search(original, a, b):
            return None
        ends.append(b)
        shifts.append(ce - b)
    found = list(compress(starts, map(_TP_WORD_FIRST.__contains__, words)))
    if not ends or not found:
        return found
    out = []
    for o in found:  # a word outside the replaced segments moves by the changes in length before it
        i = bisect_right(ends, o) - 1
        out.append(o + shifts[i] if i >= 0 else o)
    return out


def find_timepoints(text: str, tokens: tuple[Sequence[str], Sequence[int]] | None = None) -> list[Timepoint]:
    """Timepoints in weeks; ranges as one kind="range" Timepoint (weeks = upper end). `tokens`: the
    text's lower-cased tokens and their offsets (extract.lexer), which let the scan for timepoints
    that begin with a word try only where such a word is."""
    c = _prepare(text)
    t = c.text
    out: list[Timepoint] = []
    word_starts = _tp_word_starts(c, *tokens) if tokens is not None else None
    for m in (_timepoint_matches(t) if word_starts is None
              else _leftmost_matches(t, (TIMEPOINT_RE, _AtStarts(_TP_WORD_RE, word_starts)))):
        g = m.groupdict()
        if g.get("baseline"):
            s, e, vt = c.span(m.start(), m.end())
            out.append(Timepoint(0.0, s, e, vt, "baseline"))
            continue
        if g["list"] is not None:  # the list begins the match
            lst_name, unit_s, base = "list", g["unit"], m.start()
        else:
            lst_name, unit_s, base = "list2", _lead_number(m, "unit2"), m.start("list2")
        unit = _UNIT_ALIASES[fold_lower(unit_s)]
        before = _sentence_before(t, m.start(), 50)[1]
        if NEG_BEFORE_TP.search(before) or NEG_AFTER_TP.match(t[m.end():m.end() + 25]):
            continue
        items = [(base + im.start(), base + im.end(), im.group(0))
                 for im in _TP_ITEM_RE.finditer(t[base:m.end(lst_name)])]
        vals = [_any_number(x[2]) for x in items]
        if not items or any(v is None for v in vals):
            continue
        if any(v is not None and (v > 1000 or (unit == "year" and v > 120)) for v in vals):
            continue
        unit_after = lst_name == "list"
        i = 0
        while i < len(items):
            is_last = i == len(items) - 1
            a, b, _ = items[i]
            v = vals[i]
            assert v is not None
            if not is_last and _TP_RANGE_SEP.match(t[b:items[i + 1][0]]):
                hi = vals[i + 1]
                assert hi is not None
                b2 = items[i + 1][1]
                rs = m.start() if not unit_after and i == 0 else a
                re_ = m.end() if (unit_after and i + 1 == len(items) - 1) else b2
                s, e, vt = c.span(rs, re_)
                out.append(Timepoint(weeks_from(hi, unit), s, e, vt, "range", weeks_from(v, unit)))
                i += 2
                continue
            rs = m.start() if (not unit_after and i == 0) else a
            re_ = m.end() if (unit_after and is_last) else b
            s, e, vt = c.span(rs, re_)
            out.append(Timepoint(weeks_from(v, unit), s, e, vt, "point"))
            i += 1
    return out


# --------------------------------------------------------------------------------------------
# P values, mean/SD, percentages
# --------------------------------------------------------------------------------------------
def find_p_values(text: str) -> list[PValue]:
    """P values as reported: "P < 0.05", "p=.0159", "p-value of 0.03", "P less than 0.01"."""
    c = _prepare(text)
    out: list[PValue] = []
    for m in P_VALUE_RE.finditer(c.text):
        v = float(m.group("num"))
        if v > 1:
            continue
        if m.group("cmp"):
            cmp = _CMP[m.group("cmp")]
        elif m.group("lt"):
            cmp = "<"
        elif m.group("gt"):
            cmp = ">"
        else:
            cmp = "="
        s, e, vt = c.span(m.start(), m.end())
        out.append(PValue(v, cmp, s, e, vt))  # type: ignore[arg-type]
    return out


def _range_kind(label: str | None, before: str) -> tuple[str, str | None]:
    for src in (label, before):
        if not src:
            continue
        last = None
        for last in _RANGE_CUE_RE.finditer(src):
            pass
        if last is not None and last.lastgroup:
            return RANGE_CUES[int(last.lastgroup[1:])][1], last.group(0)
    return "median (iqr)", None


def find_mean_sd(text: str) -> list[MeanSD]:
    """"4.99 ± 0.88", "53.3 (49.9)", "5.2 (4.1–6.3)" (kind from nearby IQR/range/CI/median words)."""
    c = _prepare(text)
    t = c.text
    out: list[MeanSD] = []
    # "mean ± SE", "mean (SEM)": where the nearest such words before a value (or right after it) name a standard
    # error, its spread is not an SD and is not kept
    spread_cues = [(m.start(), _names_se(m.group("w"))) for m in _SPREAD_CUE_RE.finditer(t)] \
        if _SE_WORD_RE.search(t) else []
    for m in MEAN_SD_RE.finditer(t):
        s, e, vt = c.span(m.start(), m.end())
        mean = _num(m.group("m"))
        if m.group("se") is not None or m.group("se2") is not None or m.group("se3") is not None:
            out.append(MeanSD(mean, None, "mean (sd)", None, None, s, e, vt))
            continue
        if spread_cues and m.group("hi") is None and _said_se(spread_cues, t, m.start(), m.end()):
            out.append(MeanSD(mean, None, "mean±sd" if m.group("s") is not None else "mean (sd)", None, None, s, e,
                              vt))
            continue
        if m.group("s") is not None:
            out.append(MeanSD(mean, _num(m.group("s")), "mean±sd", None, None, s, e, vt))
        elif m.group("hi") is not None:
            lo, hi = _num(m.group("lo")), _num(m.group("hi"))
            if lo > hi:
                continue
            kind, cue = _range_kind(m.group("lab"), _sentence_before(t, m.start(), 80)[1])
            if cue is None:  # no word near it: the sentence's own word for its values ("The mean ... was")
                kind, cue = _range_kind(None, _sentence_before(t, m.start(), 400)[1])
            out.append(MeanSD(mean, None, kind, lo, hi, s, e, vt, cue))  # type: ignore[arg-type]
        else:
            if _N_PCT_HEADER_RE.search(_sentence_before(t, m.start(), 80)[1]):
                continue  # "n (%) 12 (40)": counts, not a mean
            sd = _num(m.group("s2") or m.group("s3") or m.group("s4") or m.group("s5"))
            out.append(MeanSD(mean, sd, "mean (sd)", None, None, s, e, vt))
    if "%" in t and "(" in t:
        # "Mean (sd) percentage of adherent days was 77.4% (26.3)": a mean percentage and its SD, where the
        # sentence says its values are means and SDs
        for m in _PCT_MEAN_SD_RE.finditer(t):
            if _MEAN_SD_CUE_RE.search(_sentence_before(t, m.start(), 300)[1]):
                s, e, vt = c.span(m.start(), m.end())
                out.append(MeanSD(_num(m.group("m")), _num(m.group("s2")), "mean (sd)", None, None, s, e, vt))
        out.sort(key=lambda x: x.start)
    if "%" in t and "±" in t:
        # "from 4.1% ± 1.2% to 7.9% ± 1.8%": the two ends of a from-to pair are mean percentages, each with its SD
        # (elsewhere "21.0% ± 5.7" is as often a percent change: "a fall of 21.0% ± 5.7", "percent decrease")
        for m in _PCT_PM_RE.finditer(t):
            if not _FROM_TO_BEFORE_RE.search(_sentence_before(t, m.start(), 80)[1]):
                continue
            s, e, vt = c.span(m.start(), m.end())
            sd = None if spread_cues and _said_se(spread_cues, t, m.start(), m.end()) else _num(m.group("s"))
            out.append(MeanSD(_num(m.group("m")), sd, "mean±sd", None, None, s, e, vt))
        out.sort(key=lambda x: x.start)
    return out


_SE_WORD_RE = re.compile(r"\bSEM?\b|\bs\.e\.|standard\s+errors?\b", re.I)
_SPREAD_CUE_RE = re.compile(
    r"(?:\bmeans?\s?\(\s?|±\s?|\bmeans?\s+and\s+)(?P<w>SD|s\.d\.|SEM?|s\.e\.(?:m\.)?|standard\s+(?:deviations?|errors?))"
    r"(?![\w])", re.I)
_SPREAD_CUE_AFTER_RE = re.compile(r"\s?\(\s?(?:mean\s?)?±\s?(?P<w>SD|SEM?)\s?\)", re.I)


def _names_se(word: str) -> bool:
    """"SE", "SEM", "s.e.m.", "standard error" (not "SD", "s.d.", "standard deviation")."""
    w = word.lower().replace(".", "")
    return w.startswith("se") or "error" in w


def _said_se(cues: list[tuple[int, bool]], t: str, start: int, end: int) -> bool:
    """Whether the words for a value's spread, right after it or the nearest before it, name a standard error."""
    after = _SPREAD_CUE_AFTER_RE.match(t, end)
    if after is not None:
        return _names_se(after.group("w"))
    said = False
    for at, se in cues:
        if at >= start:
            break
        said = se
    return said


_PCT_PM_RE = re.compile(rf"(?P<m>{SNUM_FIRST}(?<![\w.,^/-].){SNUM_REST})\s?%\s?±\s?(?P<s>{NUM})(?:\s?%)?")
_FROM_TO_BEFORE_RE = re.compile(r"\bfrom\s$|\bfrom\s[^;]{1,30}?%[^;]{1,12}\sto\s$", re.I)
_PCT_MEAN_SD_RE = re.compile(  # a number's fast start (fastre.SNUM_FIRST), its guard behind it
    rf"(?P<m>{SNUM_FIRST}(?<![\w.,^/-].){SNUM_REST})\s?%\s?\(\s?(?:SD\s?[:=]?\s?)?(?P<s2>{NUM})\s?\)")
_MEAN_SD_CUE_RE = re.compile(r"\bmeans?\s?(?:\(\s?(?:sd|s\.d\.)\s?\)|±\s?(?:sd|s\.d\.)\b|and\s+(?:sd|s\.d\.|standard\s+deviations?)\b)",
                             re.I)


def find_percentages(text: str) -> list[Percentage]:
    """"12 (40%)" and "12 [40%]" (n (%)), "40%" and "12/30" (n/N, with the percentage computed)."""
    c = _prepare(text)
    out: list[Percentage] = []
    for m in PERCENT_RE.finditer(c.text):
        s, e, vt = c.span(m.start(), m.end())
        if m.group("n") is not None:
            p = m.group("p") if m.group("p") is not None else m.group("pb")
            out.append(Percentage(_num(_lead_number(m, "n")), _num(p), None, "n (%)", s, e, vt))
        elif m.group("a") is not None:
            a, b = float(_lead_number(m, "a")), float(m.group("b"))
            if b == 0 or a > b:
                continue
            out.append(Percentage(a, round(100 * a / b, 2), b, "n/N", s, e, vt))
        else:
            out.append(Percentage(None, _num(_lead_number(m, "p2")), None, "%", s, e, vt))
    return out
