"""The values of one result sentence and the arms they belong to.

`sentence_values` gathers a sentence's numbers once: means/SDs, percentages and counts (a
percentage and the fraction beside it are one value: "70% (7/10)", "13.1% [181/1,378]", "12
(40%)"; counts of people in words: "three [11%] patients"), P values, between-group estimates
(extract.estimates) and bare numbers ("-5.2 vs. -3.3", "were 6.4, 6.4 and 2.1, respectively").
Numbers that are not values are left out: CI bounds (inside an estimate), numbers inside a
measure's name ("ACR 20", "DAS 28"), timepoints, doses, thresholds ("at least 20 mm", "≥6/66"),
ages, "n = 30" and definitions ("20% improvement" of the ACR criteria).

`arm_slots` splits a measure's values into one group per arm ("slots") and names each slot's
arm, trying in turn:
1. a label before the value inside brackets: "(intervention 13.1% [...], control 12.7% [...])",
   "(AT+EX: p<0.001, partial η2 = 0.55; ST+EX: p = 0.026, ...)";
2. the arm named right after the value: "70% (7/10) of placebo subjects", "(TG)", "in the
   placebo group", "−33.3 mm with XLHA";
3. the arm named right before the bracket holding it: "in the G-CSF group (12 [43%] patients)
   than in the G-CSF (three [11%] patients)";
4. the order the sentence names its arms in: "in the HA/CMC group versus the no barrier group
   (63% vs. 39%)", "after tranexamic acid than after placebo by days 2 (379 [33%] vs 417 [36%])";
5. the order of the study's arms (2 to 4, the same number of values) with "versus" or "respectively".
Where no slot gets an arm, the caller reads the values as one arm's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Sequence, TypeVar

from extract.document import Sentence, Text
from extract.fastre import NUM_REST, SNUM_FIRST, SNUM_REST, fold_lower, words
from extract.estimates import Count, Effect, Number, find_counts, find_effects, find_numbers, is_number_word
from extract.quantities import NUMBER_WORDS, MeanSD, PValue, Percentage, Timepoint, parse_number

__all__ = ["ArmRef", "Item", "Slot", "SentenceValues", "arm_refs", "arm_slots", "sentence_values"]


@dataclass(frozen=True)
class Item:
    kind: str  # "ms" (mean/SD, median/IQR, a bare value), "pct", "count", "eff", "p"
    start: int
    end: int
    obj: Any


@dataclass(frozen=True)
class ArmRef:
    label: str
    start: int
    end: int


@dataclass
class Slot:
    items: list[Item]
    start: int
    end: int
    arm: str | None = None
    how: str = ""
    timepoint: Timepoint | None = None

    def values(self) -> list[Item]:
        return [x for x in self.items if x.kind in ("ms", "pct", "count")]


# "at least 20 mm or 40% decrease": the second threshold of a definition
_THRESHOLD_OR = re.compile(r"(?:\bat\s+least|≥|>|\bmore\s+than|\bover)\s?[\d.,]+\s?[a-zA-Z%]{0,5}\s+or\s+$", re.I)
_THRESHOLD_BEFORE = re.compile(
    r"(?:\bat\s+least|≥|>=|>|<|≤|=<|\bmore\s+than|\bless\s+than|\bgreater\s+than|\bover|\babove|\bbelow|\bup\s+to|"
    r"\bminimum\s+of|\bmaximum\s+of|\bscale\s+of|\bof\s+at\s+least)\s?$", re.I)
# (a dose per kilogram, per day or per m2, "ketamine (0.5mg/kg)", "800 mg/d", is no value either)
_NOT_VALUE_AFTER = re.compile(
    r"\s?(?:-\s?)?(?:years?|yrs?|months?|weeks?|wks?|days?|hours?|h|min(?:utes?)?|times|fold|doses?|"
    r"patients?|subjects?|participants?|women|men|people|individuals|children|cases|centres|centers|sites|"
    r"hospitals|countries|studies|trials|(?:mg|g|mcg|µg|μg|ml|mL|IU)(?!\s?/)|"
    r"(?:mg|g|mcg|µg|μg|IU)\s?/\s?(?:kg|d|day|m2|m²)|drops|tablets|capsules|sessions|injections?|"
    r"infusions?|cycles?|visits?|points?\s+(?:or|and)\s+more|events?|episodes?)\b", re.I)
_AGE_BEFORE = re.compile(r"\b(?:aged?|ages)\s+(?:of\s+)?$|\bn\s?=\s?$|\bN\s?=\s?$|"
                         r"(?:\b(?:t|df|F|z|U|H|r|rs|rho|ρ|SD|SE|SEM|IQR|p\s+for\s+(?:trend|interaction|heterogeneity)|χ2|chi2|X2|W|Q|I2|tau2|kappa|κ)|χ\^?2)\s?(?:\(\s?[\d,.\s]+\))?\s?[=:]\s?$|"
                         # the degrees of freedom of a test: "F (1, 74) = 1.44", "t(38) = 2.1", "χ2 (2) = 7.8"
                         r"(?:\b(?:t|df|F|χ2|chi2|X2)|χ\^?2)\s?\(\s?(?:[\d.]+\s?,\s?)?$", re.I)
# _THRESHOLD_BEFORE and _AGE_BEFORE end at the end of the text ("\s?$"), and only whether they match
# is used: the same tests as patterns matched at the start of the REVERSED text (written backwards:
# "\bover" is "revo(?!\w)"; "$" may stand before a final newline, so "\n?" opens them), which try
# one position instead of every one (tests/extract/test_speed_paths.py checks both agree).
_CORRELATION_GATE = re.compile(r"\b(?:r|rs|rho)\s?=|ρ", re.I)
_CORRELATION_RUN = re.compile(r"\b(?:r|rs|rho|ρ)\s?[=:]\s?[-−]?\s?\d*[.·]?\d+"
                              r"(?:\s?(?:to|-|–|,|and|or)\s?[-−]?\s?\d*[.·]?\d+(?![\d%]))*", re.I)
_THRESHOLD_BEFORE_REVERSED = re.compile(
    r"\n?\s?(?:tsael\s+ta(?!\w)|≥|=>|>|<|≤|<=|naht\s+erom(?!\w)|naht\s+ssel(?!\w)|naht\s+retaerg(?!\w)|revo(?!\w)|"
    r"evoba(?!\w)|woleb(?!\w)|ot\s+pu(?!\w)|fo\s+muminim(?!\w)|fo\s+mumixam(?!\w)|fo\s+elacs(?!\w)|"
    r"tsael\s+ta\s+fo(?!\w))", re.I)
_AGE_BEFORE_REVERSED = re.compile(
    r"\n?(?:(?:\s+fo)?\s+(?:d?ega|sega)(?!\w)|\s?=\s?n(?!\w)|"
    r"\s?[=:]\s?(?:\)[\d,.\s]+\s?\()?\s?(?:(?:t|fd|f|z|u|h|r|sr|ohr|ρ|ds|es|mes|rqi|(?:dnert|noitcaretni|ytienegoreteh)\s+rof\s+p|2χ|2ihc|2x|w|q|2i|2uat|appak|κ)(?!\w)|2\^?χ)|"
    r"\n?(?:\s?,\s?[\d.]+)?\s?\(\s?(?:(?:t|fd|f|2χ|2ihc|2x)(?!\w)|2\^?χ))",
    re.I)


# a time measure's values are durations: "median progression-free survival was 11.5 months", "a mean length of
# hospital stay of 6.2 days", "time to first rescue analgesia 8.1 h" (never a disease's duration, a follow-up, a time
# point: "at 6 weeks", "for 12 months")
_TIME_UNIT = re.compile(r"(?i:days?|weeks?|wks?|months?|mo|hours?|hrs?|h|min(?:utes?)?)")
_TIME_MEASURE = re.compile(r"surviv|\btime\s+to\b|\b(?:operati\w+|operating|surgical|recovery|procedure|"
                           r"extubation|discharge|ventilation|analgesi\w+|sedation|onset)\s+times?\b|"
                           r"length\s+of\s+(?:hospital\s+|icu\s+)?stay|\b(?:PFS|DFS|EFS|RFS|TTP|TTF|LOS)\b|"
                           r"days?\s+(?:alive|free|of\s+hospitali[sz]ation)|\bduration\s+of\s+(?:analgesia|sedation|"
                           r"surgery|anaesthesia|anesthesia|labou?r|hospitali[sz]ation|ventilation|(?:the\s+)?block|"
                           r"action|effect)", re.I)
_TIME_LEAD_IN = re.compile(r"(?:\b(?:at|after|by|for|over|within|during|until|up\s+to|between|every|each|per|last\w*|"
                           r"aged?|follow(?:ed)?(?:-|\s)?up(?:\s+(?:of|was|at|for))?|duration\s+of|(?:disease|symptom)\s+"
                           r"duration\s+(?:of|was))\s+(?:the\s+|a\s+|(?:mean|median)\s+(?:of\s+)?)?"
                           # "at 1 and 5 min", "at 6, 12 and 24 months": the list's last time
                           r"(?:\d+(?:\.\d+)?\s?(?:,\s?(?:and\s|or\s)?|\s(?:and|or|to)\s|[-–]\s?))*|[-–]\s?)$", re.I)


_DURATION_VALUE = re.compile(r"\d+(?:\.\d+)?\s(?i:days?|weeks?|months?|hours?|h|min(?:utes?)?)")


def _time_measure(stext: str) -> bool:
    return _TIME_MEASURE.search(stext) is not None


def _threshold_or_age_before(before: str) -> bool:
    """Whether _THRESHOLD_BEFORE or _AGE_BEFORE matches `before` (a value's last few characters)."""
    backwards = before[::-1]
    return _THRESHOLD_BEFORE_REVERSED.match(backwards) is not None or _AGE_BEFORE_REVERSED.match(backwards) is not None


_DEFINITION_AFTER = re.compile(r"\s?(?:%\s?)?improvement\b", re.I)
_SIGNED_SPACE = re.compile(r"^[-+]\s")
_VALUE_INTERVAL = re.compile(
    r"(?:\b(?:95|90|99)\s?%\s?(?:CI|C\.I\.|IC\b|confidence\s+intervals?)|\bCI\s?95\s?%|[(\[]\s?(?:range|IQR|interquartile\s+range))"
    r"(?:\s?[(\[]\s?CI\s?[)\]])?[\s,:=]*[(\[]?\s?[-+−]?\s?\d[\d.,]*\s?%?\s?(?:[a-zA-Zμµ/]{1,8}\s?)?(?:-|–|to|,|;)\s?[-+−]?\s?\d[\d.,]*\s?%?", re.I)
_OR_MORE = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}\s)?(?:[\w-]+\s){0,3}?(?:or\s+(?:more|greater|higher|less|fewer|above|below|"
                      r"lower|longer|over)|and\s+(?:above|over|more))\b", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
_RESTATED = re.compile(r"\s?[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6})?\s?\(\s?")
_FRACTION_PAIR = re.compile(
    r"(?<![\w.,])(?P<x1>\d+)\s+(?:out\s+)?of\s+(?P<y1>\d+)(?:\s+(?:patients?|subjects?|participants?))?"
    r"\s?,?\s(?:vs\.?|versus|and|or)\s(?P<x2>\d+)\s+(?:out\s+)?of\s+(?P<y2>\d+)(?![\d.])")
# the count before "of": digits ("7,647"), a word ("five") or a compound word ("Thirty-five")
_OF_X = (r"(?P<x>\d{1,3}(?:,\d{3})+|\d+|(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
         r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|"
         r"eleven|twelve|[a-z]{3,5}teen))")
_OF_BEFORE = re.compile(rf"(?<![\w.,-]){_OF_X}\s+(?:out\s+)?of\s+(?:the\s+)?$")
# "12 of 49 patients (24.5%)": the count and its denominator before a bracketed percentage
_OF_PEOPLE_BEFORE = re.compile(
    rf"(?<![\w.,-]){_OF_X}\s+(?:out\s+)?of\s+"
    r"(?:the\s+)?(?P<n>\d{1,3}(?:,\d{3})+|\d+)\s+(?:[A-Za-z-]+\s+){0,2}?(?i:patients|subjects|participants|children|women|men|people|"
    r"individuals|cases|infants|adults|volunteers)\s?[(\[]\s?$")
# "... subjects in the placebo group": an arm named after counted people
_ARM_AFTER = re.compile(r"\s+(?:in|from|of|among)\s+(?:the\s+)?(?:[\w+-]+\s+){0,3}?(?:group|arm|cohort)\b", re.I)
_PCT_OF_BEFORE = re.compile(r"%\)?\s+(?:of|for|in|among)\s+(?:the\s+|all\s+)?$", re.I)
# ("ACR20: 75%": a name's digits, a colon and a space are no ratio like "randomised 1:1"; "C18:1" is a name)
_RATIO = re.compile(r"(?<![\d.])(?!(?<=[A-Za-z])\d{1,2}:\s)\d{1,2}\s?:\s?\d{1,2}(?:\s?:\s?\d{1,2})*(?![\d.])")
_BRACKET_RANGE = re.compile(r"\s?[(\[]\s?[-+−]?\d[\d.,]*\s?%?\s?(?:-|–|to)\s?[-+−]?\d[\d.,]*\s?%?\s?[)\]]")
_P_LIST_NEXT = re.compile(r"(?:\s?,\s?(?:and\s+|or\s+)?|\s(?:and|or)\s)(?P<v>0?\.\d+|[01]\.\d+|1)(?!\d|\.\d|\s?(?:%|±|\(|"
                          r"mg|g\b|kg|ml|mm|cm|patients|weeks?|months?|years?|days?|h\b|hours?))")
# "(Bauer et al 2001; Eriksson et al 2001)", "in March 2013": not values
_CITATION = re.compile(r"\([^()]*\bet\s+al\b[^()]*\)|\b(?:Tables?|Figs?\.?|Figures?)\s?[A-Z]?\d+[a-z]?(?:\s?(?:and|,|-|–)\s?[A-Z]?\d+[a-z]?)*|\b(?:January|February|March|April|May|June|July|August|"
                       r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
                       r"(?:\s\d{1,2},?)?\s(?:19|20)\d\d\b"
                       # "from 1995 to 2013", "between 2009 and 2012": a period of calendar years
                       r"|\b(?:from|between)\s(?:19|20)\d\d\s(?:to|and|until)\s(?:19|20)\d\d\b")


@dataclass
class SentenceValues:
    items: list[Item]

    def within(self, a: int, b: int, kinds: Sequence[str] | None = None) -> list[Item]:
        return [x for x in self.items if a <= x.start < b and (kinds is None or x.kind in kinds)]


def _overlaps(a: int, b: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in spans)


_COMMA_GAP = re.compile(r"\s?,\s?")


def _same_after_comma(q: Percentage, p: Percentage, gap: str) -> bool:
    return (_COMMA_GAP.fullmatch(gap) is not None and q.kind == "n/N" and p.kind == "%" and q.n is not None
            and q.denominator and p.percent is not None and abs(100 * q.n / q.denominator - p.percent) <= 1.0)


_OPEN_BRACKET_GAP = re.compile(r"\s?[(\[]\s?")
_CLOSE_BRACKET_AHEAD = re.compile(r"\s?[)\]]")


def _merge_pcts(pcts: list[Percentage], text: str) -> list[Percentage]:
    """"37.5% (12/32)", "13.1% [181/1,378]", "12/30 (40%)" are one value written twice."""
    out: list[Percentage] = []
    for p in pcts:
        if out and 0 <= p.start - out[-1].end <= 3 and _same_after_comma(out[-1], p, text[out[-1].end:p.start]):
            # "(12/30, 40%)": a count of a total and its percentage, one value
            q = out[-1]
            out[-1] = replace(q, percent=p.percent, end=p.end, text=text[q.start:p.end])
            continue
        if out and 0 <= p.start - out[-1].end <= 3 and _OPEN_BRACKET_GAP.fullmatch(text[out[-1].end:p.start]) \
                and (out[-1].n is None) != (p.n is None or p.percent is None and out[-1].percent is None):
            q = out[-1]
            close = _CLOSE_BRACKET_AHEAD.match(text[p.end:p.end + 3])
            out[-1] = replace(q, n=q.n if q.n is not None else p.n,
                              percent=q.percent if q.percent is not None else p.percent,
                              denominator=q.denominator or p.denominator,
                              end=p.end + (close.end() if close else 0),
                              text=text[q.start:p.end + (close.end() if close else 0)])
            continue
        out.append(p)
    return out


_FRACTION_TAIL = re.compile(r"\s?[(\[]\s?(?P<a>\d{1,3}(?:,\d{3})+|\d+)\s?(?:/|\s(?:of|out\s+of)\s)\s?"
                            r"(?P<b>\d{1,3}(?:,\d{3})+|\d+)\s?[)\]]")


_V = TypeVar("_V", Effect, Count, Number)


def _moved(x: _V, start: int, end: int) -> _V:
    """dataclasses.replace(x, start=start, end=end) for extract.estimates' values (frozen dataclasses
    without __post_init__): their fields copied with the offsets moved, without replace()'s look-up
    of the class's fields (most of its time; a sentence moves a dozen values)."""
    new = object.__new__(type(x))
    new.__dict__.update(x.__dict__, start=start, end=end)
    return new


_CRITERIA_BEFORE = re.compile(r"(?:rheumatology|ACR|OMERACT|EULAR|criteria)\W*\w*\W*$", re.I)
_LIST_OPENER_BEFORE = re.compile(r"[(\[,;:=]\s?$|\bvs\.?\s?$|\bto\s$")


def sentence_values(t: Text, sent: Sentence, excluded: Sequence[tuple[int, int]] = ()) -> SentenceValues:
    """The values of a sentence, in text order, without the numbers that are not values."""
    s0, s1 = sent.start, sent.end
    text = t.text
    stext = sent.text
    blocked: list[tuple[int, int]] = list(excluded)
    ms_in = [(m.start, m.end) for m in t.mean_sds if s0 <= m.start < s1]
    tps_in = [x for x in t.timepoints if s0 <= x.start < s1 and x.kind != "baseline"
              and not _overlaps(x.start, x.end, ms_in)]  # "0.06 ± 0.172 h": the SD's unit
    if tps_in and _time_measure(stext):
        # "median progression-free survival was 11.5 months in the A group and 8.2 months in the B group": a time
        # measure's values, not timepoints ("at 6 months", "12-month" still are)
        tps_in = [x for x in tps_in if not (_DURATION_VALUE.fullmatch(text, x.start, x.end)
                                            and not _TIME_LEAD_IN.search(text, max(s0, x.start - 40), x.start))]
    blocked += [(x.start, x.end) for x in tps_in]
    blocked += [(x.start, x.end) for x in t.doses if s0 <= x.start < s1]
    items: list[Item] = []
    effects: list[Effect] = []
    has_digit = _DIGIT.search(stext) is not None
    if has_digit and _EFFECT_CUE.search(stext):
        effects = [_moved(e, e.start + s0, e.end + s0) for e in find_effects(stext)]
    for e in effects:
        items.append(Item("eff", e.start, e.end, e))
    taken = [(e.start, e.end) for e in effects]
    for p in t.p_values:
        if s0 <= p.start < s1:
            items.append(Item("p", p.start, p.end, p))
            taken.append((p.start, p.end))
            # "P = 0.342, 0.839, 0.218, and 0.780, respectively": the list goes on with P values
            pos = p.end
            while True:
                m = _P_LIST_NEXT.match(text, pos)
                if not m or m.start("v") >= s1:
                    break
                v = float(m.group("v"))
                q = PValue(v, p.comparator, m.start("v"), m.end("v"), m.group("v"))
                items.append(Item("p", q.start, q.end, q))
                taken.append((q.start, q.end))
                pos = m.end("v")
    if ":" in stext:
        blocked += [m.span() for m in _RATIO.finditer(text, s0, s1)]  # "randomized (1:1)", "2:2:1"
    if "et al" in stext or "Tab" in stext or "Fig" in stext or _YEAR.search(stext):
        blocked += [m.span() for m in _CITATION.finditer(text, s0, s1)]
    # "4.9% (95% CI 2.3% to 7.3%)", "(range, 0.2 to 3.4 points)": a value's interval is not a value
    if "CI" in stext or "C.I" in stext or "IC" in stext or "onfidence" in stext or "ange" in stext or "IQR" in stext or "nterquartile" in stext:
        for m in _VALUE_INTERVAL.finditer(text, s0, s1):
            if not _overlaps(m.start(), m.end(), taken):
                blocked.append(m.span())

    if "=" in stext and _CORRELATION_GATE.search(stext):
        # "rs = −0.73 to −0.79 and −0.86 to −0.90": correlation coefficients (and their ranges) are no values
        for m in _CORRELATION_RUN.finditer(text, s0, s1):
            blocked.append(m.span())

    def usable(a: int, b: int) -> bool:
        if _overlaps(a, b, taken) or _overlaps(a, b, blocked):
            return False
        before = text[max(s0, a - 24):a]  # ("P for interaction = ": 20 characters)
        if _threshold_or_age_before(before) or (
                " or " in before and _THRESHOLD_OR.search(text, max(s0, a - 30), a)):
            return False
        if _OR_MORE.match(text, b):
            return False  # "(50% diameter stenosis or more)": a threshold
        return True

    pcts = [p for p in t.percentages if s0 <= p.start < s1]
    # "13.1% [181/1,378]": a fraction with a thousands separator after a percentage
    fixed: list[Percentage] = []
    for p in pcts:
        if p.kind == "%" and p.percent is not None:
            m = _FRACTION_TAIL.match(text, p.end)
            if m:
                a_, b_ = float(m.group("a").replace(",", "")), float(m.group("b").replace(",", ""))
                if b_ and a_ <= b_:
                    p = replace(p, n=a_, denominator=b_, kind="n (%)", end=m.end(), text=text[p.start:m.end()])
        fixed.append(p)
    fixed = [p for p in fixed if not any(q is not p and q.start <= p.start and p.end <= q.end and q.end - q.start >
                                         p.end - p.start for q in fixed)]
    pcts = _merge_pcts(fixed, text)
    # "11 of 110 (10.1%)", "18 out of 113 (15.9%)": the count of responders comes before "of"
    for i, p in enumerate(pcts):
        if p.kind == "n (%)" and p.n is not None:
            om = _OF_BEFORE.search(text, max(s0, p.start - 20), p.start)
            if om:
                x = parse_number(om.group("x"))
                if x is not None and x <= p.n:
                    pcts[i] = replace(p, n=x, denominator=p.n, start=om.start("x"),
                                      text=text[om.start("x"):p.end])
        elif p.kind == "%" and p.percent is not None:
            om = _OF_PEOPLE_BEFORE.search(text, max(s0, p.start - 70), p.start)
            if om:
                x, n_ = parse_number(om.group("x")), float(om.group("n").replace(",", ""))
                if x is not None and 0 < n_ and x <= n_ and abs(100 * x / n_ - p.percent) <= 1.0:
                    pcts[i] = replace(p, n=x, denominator=n_, kind="n (%)", start=om.start("x"),
                                      text=text[om.start("x"):p.end])
    # "28.6 ± 5.8% vs. 40.5 ± 7.4%": the percent sign belongs to a mean and SD, not a percentage of its own
    ms_spans = [(m.start, m.end) for m in t.mean_sds if s0 <= m.start < s1 and m.sd is not None]
    pcts = [p for p in pcts if not any(a < p.start < b or (a == p.start and p.end < b) for a, b in ms_spans)]
    for p in pcts:
        if p.kind == "%":
            ci = _BRACKET_RANGE.match(text, p.end)
            if ci:
                blocked.append(ci.span())
    for m in t.mean_sds:
        if s0 <= m.start < s1 and m.kind in ("mean±sd", "mean (sd)"):
            ci = _BRACKET_RANGE.match(text, m.end)
            if ci:
                blocked.append(ci.span())
    for p in pcts:
        if not usable(p.start, p.end):
            continue
        if p.kind == "%" and _DEFINITION_AFTER.match(text, p.end) and _CRITERIA_BEFORE.search(text[max(s0, p.start - 45):p.start]):
            continue  # "American College of Rheumatology 20% improvement": a definition
        if p.percent is not None and (p.percent > 100 and p.kind != "%" or p.percent < 0 and p.kind != "%"):
            pass  # kept: the caller flags it
        if p.kind == "n (%)" and p.n is not None and p.denominator is None and p.n != int(p.n) \
                and _BY_BEFORE.search(text, max(s0, p.start - 4), p.start):
            vm = _VALUE_AND_PCT.match(text, p.start, p.end)
            if vm:  # "fell by 1.2 (25%)": a change and its relative size, not 1.2 people
                items.append(Item("ms", vm.start("v"), vm.end("v"), MeanSD(
                    p.n, None, "value", None, None, vm.start("v"), vm.end("v"), vm.group("v"))))
                q = Percentage(None, p.percent, None, "%", vm.start("p"), p.end, text[vm.start("p"):p.end])
                items.append(Item("pct", q.start, q.end, q))
                taken.append((p.start, p.end))
                continue
        items.append(Item("pct", p.start, p.end, p))
        taken.append((p.start, p.end))
    if " of " in stext and (" vs" in stext or "versus" in stext or " and " in stext or " or " in stext):
        # "1 of 29 vs. 11 of 33", "(8 of 40 and 3 of 41)": fractions compared are the arms' responders
        for m in _FRACTION_PAIR.finditer(text, s0, s1):
            for xg, yg in (("x1", "y1"), ("x2", "y2")):
                a_, b_ = m.start(xg), m.end(yg)
                x, y = float(m.group(xg)), float(m.group(yg))
                if not y or x > y or not usable(a_, b_):
                    continue
                p = Percentage(x, round(100 * x / y, 2), y, "n/N", a_, b_, text[a_:b_])
                items.append(Item("pct", a_, b_, p))
                taken.append((a_, b_))
    i0, i1 = t.token_index(s0), t.token_index(max(s0, s1 - 1)) + 1
    if any(s0 <= a < s1 for a, _ in t.anchored("person")) or ("%" in stext and any(
            w in NUMBER_WORDS for w in t.tokens_lower[i0:i1])):  # a count names its people, or has a "%"
        for c in find_counts(stext):
            a, b = c.start + s0, c.end + s0
            if c.noun is None and c.percent is None:
                continue
            inner = [x for x in items if x.kind == "pct" and a <= x.start and x.end <= b]
            if inner and all(x.obj.kind == "%" for x in inner):
                # "three [11%] patients": the count in words and its percentage are one value
                items = [x for x in items if x not in inner]
                taken = [sp for sp in taken if not any(sp == (x.start, x.end) for x in inner)]
            elif _overlaps(a, b, taken):
                continue  # "12 [43%] patients": the percentage already holds the count
            if not usable(a, b):
                continue
            if c.percent is None and c.noun is None:
                continue
            if c.percent is None and _PCT_OF_BEFORE.search(text, max(s0, a - 30), a):
                continue  # "12% of the 49 patients", "24.5% for the 49 patients": the percentage's denominator
            om = _OF_BEFORE.search(text, max(s0, a - 20), a) if c.percent is None and _ARM_AFTER.match(text, b) \
                else None
            if om is None and c.percent is not None and c.noun is not None:
                om = _OF_BEFORE.search(text, max(s0, a - 20), a)
                x = parse_number(om.group("x")) if om else None
                if om and x is not None and 0 < x <= c.n and abs(100 * x / c.n - c.percent) <= 1.0 \
                        and not _overlaps(om.start("x"), a, taken):
                    # "164 out of 7,647 included patients (2.1%)": the count before "of" has the percentage
                    fa = om.start("x")
                    p = Percentage(x, c.percent, float(c.n), "n (%)", fa, b, text[fa:b])
                    items.append(Item("pct", fa, b, p))
                    taken.append((fa, b))
                    continue
            x = parse_number(om.group("x")) if om else None
            if om and x is not None and x <= c.n and not _overlaps(om.start("x"), a, taken):
                # "Five of nine subjects in the A group ... 2 of eight subjects in the B group": the count
                # before "of" responded, the arm's counted people are its denominator
                fa = om.start("x")
                p = Percentage(x, round(100 * x / c.n, 2), float(c.n), "n/N", fa, b, text[fa:b])
                items.append(Item("pct", fa, b, p))
                taken.append((fa, b))
                continue
            items.append(Item("count", a, b, replace(c, start=a, end=b)))
            taken.append((a, b))
    prev_ms_end = -1
    for m in t.mean_sds:
        if s0 <= m.start < s1 and usable(m.start, m.end):
            if prev_ms_end >= 0 and _RESTATED.fullmatch(text, prev_ms_end, m.start):
                blocked.append((m.start, m.end))
                continue  # "0.06 ± 0.172 h (3.6 ± 10.32 min)": the same value in other units
            items.append(Item("ms", m.start, m.end, m))
            taken.append((m.start, m.end))
            prev_ms_end = m.end
    for n in (find_numbers(stext) if has_digit else ()):
        a, b = n.start + s0, n.end + s0
        if not usable(a, b) or n.unit == "%":
            continue
        if (n.unit and _NOT_VALUE_AFTER.match(" " + n.unit)) or (not n.unit and _NOT_VALUE_AFTER.match(text, b)):
            if not (n.unit and _TIME_UNIT.fullmatch(n.unit) and _time_measure(stext)
                    and not _TIME_LEAD_IN.search(text, max(s0, a - 40), a)):
                continue  # "3.8 years", "5 days", "40 drops", "30 patients": not a measure's value
            # ("median progression-free survival was 11.5 months", "length of stay 6.2 days": a time measure's value)
        if _SIGNED_SPACE.match(n.text) and not _LIST_OPENER_BEFORE.search(text[max(s0, a - 6):a]):
            continue  # "1 - 2" is a range
        if a - 1 > s0 and text[a - 1] == "+" and text[a - 2] in " ([:":
            a -= 1  # "+170 vs +183": the plus sign is the value's, as a minus would be
        items.append(Item("num", a, b, _moved(n, a, b)))
    items.sort(key=lambda x: x.start)
    return SentenceValues(items)


def number_as_value(n: Number) -> MeanSD:
    """A bare number as a value without SD (statistic "value")."""
    return MeanSD(n.value, None, "value", None, None, n.start, n.end, n.text)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------------
# Arms named in a sentence
# ----------------------------------------------------------------------------------------------
_STOP = (r"(?:and|or|vs|versus|than|compared|but|p|with|at|by|from|to|were|was|is|are|had|has|have|showed|who|which|"
         r"respectively|of|in|on|for|among|the|a|an|both|all|each|did|does|do|not|no|differ\w*|\w+ly|between|"
         r"reached|achieved|experienced|reported|received|underwent|developed|those|undergoing|receiving|treated|"
         r"given|taking)")
_NAME_WORD = rf"(?!{_STOP}(?![\w-]))[\w+/·&'\"\u201c\u201d\u2018\u2019-]+"
ARM_WORDS = r"(?:groups?|subgroups?|arms?|cohorts?|clusters?)"
PEOPLE = r"(?:patients?|subjects?|participants?|women|men|children|recipients|users)"
# "in the placebo group", "of brodalumab subjects", "with XLHA", "in TG", "for the G-CSF arm"
_ARM_BODY = (
    rf"(?:the\s+|those\s+(?:on|in|receiving)\s+)?"
    rf"(?P<name>{_NAME_WORD}(?:\s{_NAME_WORD}){{0,5}}?"
    rf"(?:\s(?:and|plus|with|\+)\s{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}?(?=\s(?:group|arm|cohort)\b))?)"
    rf"(?:(?P<tail>\s{ARM_WORDS}\b|-treated\b)|(?P<people>\s{PEOPLE}\b))")
_ARM_WORD_GATE = re.compile(r"roup|rm|ohort|luster|treated|atient|ubject|articipant|omen|men\b|hildren|ecipients|sers")
# An arm is named after a preposition ("in the placebo group", "of brodalumab subjects"), at the start
# of a sentence ("The X group had ...") or right after a value ("7% (2/30) brodalumab subjects"):
# three scans, each with a fast start (extract/fastre.py) but the sentence-start one, tried once.
ARM_PREP_RE = re.compile(
    "(?P<prep>" + words(["in", "of", "for", "among", "with", "after", "on", "receiving",
                         r"than(?:\s+(?:in|with|after|on))?", "versus", r"vs\.?", r"compared\s+(?:with|to)", "and",
                         r"but\s+not(?:\s+in)?", "between"]) + r")\s+(?i:" + _ARM_BODY + ")")
_ARM_TAIL_RE = re.compile(words(["groups?", "subgroups?", "arms?", "cohorts?", "clusters?", "patients?", "subjects?",
                                 "participants?", "women", "men", "children", "recipients", "users", "treated"])
                          + r"\b")
# "than in the G-CSF (three [11%] patients) and standard care (three [12%] patients) groups": an arm
# named right before the bracket of its values
ARM_BRACKET_RE = re.compile(
    "(?P<prep>" + words(["in", "of", "for", "with", "after", "on", "receiving", r"than(?:\s+(?:in|with|after|on))?",
                         "versus", r"vs\.?", r"compared\s+(?:with|to)", "and", r"but\s+not(?:\s+in)?"])
    + rf")\s+(?i:(?:the\s+)?(?P<name>{_NAME_WORD}(?:\s{_NAME_WORD}){{0,5}}?))(?P<tail>)(?P<people>)(?=\s?\()")
_VALUE_BRACKET = re.compile(r"\s?\(\s?(?:[-+−]?\d|(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                            r"[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b)")
PEOPLE_ARM_RE = re.compile(
    words(["patients?", "subjects?", "participants?", "those", "women", "men", "children", "individuals", "infants",
           "mothers"]) + r"(?i:\s+(?:who\s+(?:received|underwent|were\s+given|took|were\s+treated\s+with)\s+|undergoing\s+|"
    r"receiving\s+|treated\s+with\s+|given\s+|taking\s+|assigned\s+to\s+|allocated\s+to\s+|randomi[sz]ed\s+to\s+|"
    rf"on\s+)(?:the\s+)?(?P<name>{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}?)(?P<tail>)(?P<people>)(?P<prep>)"
    r"(?=\s?(?:[,;)(]|$|\.\s|\.$|\b(?:had|has|showed|was|were|than|and|or|vs|versus|compared|experienced|reported|"
    r"achieved|group|who|did)\b)))")
ARM_START_RE = re.compile(r"(?:[A-Z][\w ,]{0,30},\s)?" + _ARM_BODY, re.I)
ARM_AFTER_VALUE_RE = re.compile(r"[\d%)\]](?P<aftervalue>\s)(?i:" + _ARM_BODY + ")")
_PLURAL_ARMS_RE = re.compile(
    words(["in", "for", "of", "among", "between"]) + rf"(?i:\s+(?:the\s+|both\s+)?(?P<list>{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}?"
    rf"(?:\s?,\s?{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}?)*,?\s(?:and|or)\s{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}?)"
    # ("in the A and B group, respectively": the singular where "respectively" follows)
    r"\s(?P<tail>groups|arms|cohorts|(?:group|arm|cohort)(?=\s?,?\s?respectively\b))\b)")
_GROUP_ID_RE = re.compile(words(["groups?", "arms?", "cohorts?"]) + r"\s(?P<id>[A-Z]|[IVX]{1,4}|\d{1,2})\b(?!\s?(?:%|\.\d))")
_MORE_IDS = re.compile(r"(?:\s?,\s?(?:[A-Z]|[IVX]{1,4}|\d{1,2})\b)*\s?,?\s(?:and|or)\s(?:[A-Z]|[IVX]{1,4}|\d{1,2})\b(?!\s?(?:%|\.\d))")
_PAIR_NAME = rf"{_NAME_WORD}(?:\s{_NAME_WORD}){{0,3}}?"
ARM_PAIR_RE = re.compile(
    words(["after", "with", "on", "receiving", "in"]) + rf"(?i:\s+(?:the\s+)?(?P<a>{_PAIR_NAME})\s+(?:than|versus|vs\.?|compared\s+(?:with|to))\s+"
    rf"(?:(?:after|with|on|receiving|in)\s+)?(?:the\s+)?(?P<b>{_PAIR_NAME})"
    rf"(?=\s?(?:[,;)(]|$|\.\s|\.$|\bby\b|\bat\b|\bin\b|\bfor\b|\bduring\b|\bover\b|\bwas\b|\bwere\b|\bgroups?\b)))")


def _may_pair_arms(stext: str) -> bool:
    """False where ARM_PAIR_RE cannot match the sentence: every match holds "than", "versus", "vs" or
    "compared" (tests/extract/test_speed_paths.py checks it), and the substring tests cost a
    fraction of the pattern's scan, whose first letters start most words."""
    low = fold_lower(stext)
    return "than" in low or "vs" in low or "versus" in low or "compared" in low


_NOT_ARM = re.compile(
    r"^(?:both|all|each|every|either|the|a|an|this|these|those|total|whom|which|patients?|subjects?|participants?|"
    r"groups?|arms?|treatment|terms?|contrast|addition|particular|general|comparison|respect|order|"
    r"baseline|week|weeks|month|months|day|days|year|years|time|line|vitro|vivo|favou?r|part|response|"
    r"terms|relation|accordance|spite|line|case|cases|the\s+\w+\s+analysis|analysis|average|total|"
    # "in most patients", "in many subjects": how many of them, not an arm
    r"most|many|some|several|few|more|fewer|majority|minority)$", re.I)


_PER_WORD = re.compile(r"\bper$", re.I)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


def _clean_label(name: str) -> str:
    name = _LEADING_ARTICLE.sub("", name.strip())
    return name.strip(" ,;")


@lru_cache(maxsize=64)
def _arm_names_re(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for the study's arm names, as whole words, case-insensitive."""
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?i:{alts})(?!\w)")


def _is_ascii_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _arm_name_spans(names: tuple[str, ...], stext: str) -> list[tuple[int, int]]:
    """The (start, end) of `_arm_names_re(names).finditer(stext)`. For ASCII names and text,
    found with str.find: case-insensitive matching is then lower-casing, and \\w is [A-Za-z0-9_]
    (compiling the case-insensitive pattern costs more than the whole search, and the names
    differ from record to record)."""
    if not (stext.isascii() and all(n.isascii() for n in names)):
        return [mm.span() for mm in _arm_names_re(names).finditer(stext)]
    low = stext.lower()
    found: list[tuple[int, int, int]] = []  # (start, the name's place in the alternation, length)
    for order, name in enumerate(sorted(names, key=len, reverse=True)):
        name = name.lower()
        i = low.find(name)
        while i >= 0:
            found.append((i, order, len(name)))
            i = low.find(name, i + 1)
    found.sort()
    out: list[tuple[int, int]] = []
    pos = 0
    for i, _, n in found:
        e = i + n
        if i < pos or (i > 0 and _is_ascii_word(stext[i - 1])) or (e < len(stext) and _is_ascii_word(stext[e])):
            continue
        out.append((i, e))
        pos = e
    return out


_ARM_UNIT_WORD = re.compile(r"\b(?:group|arm|cohort)\b", re.I)


@lru_cache(maxsize=64)
def _arm_abbreviations(items: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    """One pattern for the short forms of the arms a text defined ("TG" for "treatment group")."""
    shorts = [s for s, long in items if _ARM_UNIT_WORD.search(long)]
    if not shorts:
        return None
    return re.compile("(?<![\\w+-])(?:" + "|".join(re.escape(x) for x in sorted(shorts, key=len, reverse=True))
                      + ")(?![\\w+-])")


# "56.7% and 23.3% in the MSC and placebo groups": the arms after the values, in their order (no "respectively")
_PLURAL_ARMS_AFTER = re.compile(r"\s?%?\s+(?:in|for|among|of)\s+(?:the\s+)?[\w+/-]+(?:\s?,\s?[\w+/-]+)*,?\s+(?:and|or)\s+"
                                r"(?:the\s+)?[\w+/-]+\s+(?:groups|arms|cohorts)\b", re.I)
_PEOPLE_ONLY = re.compile(r"[\d\s]*(?:patients?|subjects?|participants?|people|persons|individuals)", re.I)
_COMPARATOR_BEFORE = re.compile(r"\b(?:compared\s+(?:to|with)|relative\s+to|in\s+contrast\s+to|than)\s+(?:the\s+|those\s+"
                                r"(?:on|in|receiving)\s+)?$", re.I)


def comparator_first(text: str, sent: Sentence, ref: ArmRef) -> bool:
    """Whether the arm `ref` is named as the comparator ("Compared to placebo, ...", "than the placebo group")."""
    return _COMPARATOR_BEFORE.search(text, max(sent.start, ref.start - 25), ref.start) is not None


_GROUP_BRACKET_AFTER_VALUE_RE = re.compile(
    r"(?<=[\d%])(?:\s?[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ]{1,6})?)?\s?\(\s?(?:the\s+|in\s+the\s+)?(?!(?:in|all|both|each|either|other|these|those|two|three|four)\b)(?P<name>[\w+/-]+(?:\s[\w+/-]+){0,3}?)\s"
    r"(?P<tail>groups?|arms?|cohorts?)\s?\)", re.I)
_DOSE_ARM_BRACKET_RE = re.compile(r"(?<=[\d%])\s?\(\s?(?P<name>\d+(?:\.\d+)?\s?(?:mg|µg|μg|mcg|g|ml|mg/kg)\b)\s?\)", re.I)
_CONTROL_PEOPLE_RE = re.compile(r"\b(?:of|in|among|for|than)\s+(?:the\s+)?(?P<name>controls|(?:control|placebo)\s+"
                                r"(?:patients|subjects|participants|recipients))\b", re.I)

_ARM_UNIT_SUBSTRING = re.compile(r"group|arm|cohort", re.I)
_ARM_ID = re.compile(r"[A-Z]|[IVX]{1,4}|\d{1,2}")
_WORD_CHAR_AT_END = re.compile(r"\w\s?$")
_LABEL_COUNT_RE = re.compile(r"(?:^|[:;,]\s?|\b(?:were|was|and)\s)(?P<name>(?:[A-Z]|placebo\b|controls?\b|usual\s+care\b)"
                             r"[\w+/-]{0,20}(?:\s[A-Za-z][\w+/-]{0,20}){0,2})\s(?=\d+\s?/\s?\d+\s?\(\s?\d)")
_PERCENT_OF_LABEL_RE = re.compile(r"\d\s?%\s+of\s+(?P<name>(?:[A-Z]|placebo\b|controls?\b)[\w+/-]{0,20})"
                                  r"(?=\s?(?:,|;|\.|\)|$)|\s(?:and|or|treated|patients|subjects|participants|groups?|arms?)\b)")
_COUNT_AT_END = re.compile(r"\s\d+\s?/\s?\d+$")
_LIST_SEPARATOR = re.compile(r"\s?,\s?(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def arm_refs(t: Text, sent: Sentence, measure_spans: Sequence[tuple[int, int]], arm_names: Sequence[str],
             abbrevs: dict[str, str]) -> list[ArmRef]:
    """The arms a sentence names, in order: "X group" phrases, the study's arm names and the
    abbreviations the text defined for them ("TG", "CG")."""
    text = t.text
    out: list[ArmRef] = []
    low_names = [(a, a.lower()) for a in arm_names if a and len(a) > 2]
    stext = text[sent.start:sent.end]
    found: list[tuple[str, re.Match[str]]] = []
    arm_words = _ARM_WORD_GATE.search(stext) is not None
    if arm_words:  # these phrases end in an arm or a people word
        # from each arm or people word back to its preposition (a scan of the few stretches before
        # them, not of every "in" and "of" of the sentence)
        spans_seen: set[tuple[int, int]] = set()
        for tm in _ARM_TAIL_RE.finditer(stext):
            m = ARM_PREP_RE.search(stext, max(0, tm.start() - 90), tm.end())
            while m is not None and m.end() < tm.end():
                m = ARM_PREP_RE.search(stext, m.start() + 1, tm.end())
            if m is not None and m.span() not in spans_seen:
                spans_seen.add(m.span())
                found.append(("prep", m))
        found += [("value", m) for m in ARM_AFTER_VALUE_RE.finditer(stext)]
        first = ARM_START_RE.match(stext)
        if first:
            found.append(("start", first))
    if "(" in stext:
        found += [("bracket", m) for m in ARM_BRACKET_RE.finditer(stext)]
    if arm_words or "those" in stext:
        found += [("people", m) for m in PEOPLE_ARM_RE.finditer(stext)]
    found.sort(key=lambda x: (x[1].start("name"), -x[1].end()))
    last_end = -1
    for how, m in found:
        if m.start("name") < last_end:
            continue
        name = m.group("name")
        tail, people = m.group("tail"), m.group("people")
        prep = (m.group("prep") or "").lower() if how in ("prep", "bracket") else ""
        s, e = sent.start + m.start("name"), sent.start + (m.end("tail") if tail else m.end("name"))
        if how == "bracket" and name[-1:].isdigit():
            count = _COUNT_AT_END.search(name)  # "and control 8/30 (27%)": the arm's label, then its n/N
            if count is not None and count.start() > 0:
                name, e = name[:count.start()], s + count.start()
        if _overlaps(s, e, measure_spans):
            continue
        label = _clean_label(text[s:e])
        low = label.lower()
        if (_NOT_ARM.match(name) and not (tail and name.lower() == "treatment")) or re.fullmatch(r"[\d.,\s%-]+", name) \
                or is_number_word(name.split()[0]) or _DURATION_VALUE.fullmatch(name):  # "versus 7 days (IQR 5–10)"
            continue  # ("in the treatment group" is an arm, "in treatment" is not)
        known = any(low == n or n in low or low in n for _, n in low_names)
        abbr = name in abbrevs and _ARM_UNIT_SUBSTRING.search(abbrevs[name])
        if people and not (prep in ("of", "in", "among", "for") or how == "value"):
            people = None  # "of placebo subjects"; after a value: "7% (2/30) brodalumab subjects"
        if how == "start" and not tail:
            continue  # a sentence's first words name an arm only as "The X group ..."
        if how == "value" and people and _PER_WORD.search(name):
            continue  # "2.0 episodes per patient": the value's unit, not an arm of people
        if how == "bracket" and not _VALUE_BRACKET.match(stext, m.end()):
            continue  # "in score (final minus baseline)": the bracket holds no values
        if not (tail or people or known or abbr or how in ("bracket", "people")):
            continue
        if not prep and not tail and not people and how != "people":
            continue
        out.append(ArmRef(abbrevs[name] if abbr and not tail else label, s, e))
        last_end = e - sent.start
    # "in the etomidate and propofol groups", "for the education, food product and combined arms"
    if "groups" in stext or "arms" in stext or "cohorts" in stext or "respectively" in stext:
        for m in _PLURAL_ARMS_RE.finditer(stext):
            items = [x.strip() for x in _LIST_SEPARATOR.split(m.group("list")) if x.strip()]
            if len(items) < 2 or any(_NOT_ARM.match(x) and x.lower() != "treatment" for x in items):
                continue
            if not m.group("tail").endswith("s") and any(_ARM_UNIT_WORD.search(x) for x in items):
                continue  # "in the fish group, control group and krill group, respectively": each named in full
            pos = m.start("list")
            tail = m.group("tail").rstrip("s")
            for x in items:
                i = stext.find(x, pos)
                out = [r for r in out if not (r.start <= sent.start + i < r.end)]
                out.append(ArmRef(f"{x} {tail}", sent.start + i, sent.start + i + len(x)))
                pos = i + len(x)
    # "... in 40.6% of MSC-treated patients and 15.6% of controls": the control arm named by its people
    if "ontrol" in stext or "lacebo" in stext:
        for m in _CONTROL_PEOPLE_RE.finditer(stext):
            s, e = sent.start + m.start("name"), sent.start + m.end("name")
            if not any(r.start <= s < r.end or s <= r.start < e for r in out) and not _overlaps(s, e, measure_spans):
                out.append(ArmRef(m.group("name"), s, e))
    # "Group I patients", "group B", "arm 2"
    for m in _GROUP_ID_RE.finditer(stext):
        s, e = sent.start + m.start(), sent.start + m.end()
        if any(r.start <= s < r.end or s <= r.start < e for r in out):
            continue
        out.append(ArmRef(f"group {m.group('id')}", s, e))
        more = _MORE_IDS.match(stext, m.end())  # "groups C and D", "groups 1, 2 and 3"
        if more:
            for im in _ARM_ID.finditer(more.group(0)):
                out.append(ArmRef(f"group {im.group(0)}", sent.start + m.end() + im.start(),
                                  sent.start + m.end() + im.end()))
    # two arms compared without "group": "after tranexamic acid than after placebo", "X versus Y"
    for m in (ARM_PAIR_RE.finditer(text, sent.start, sent.end) if _may_pair_arms(stext) else ()):
        for g in ("a", "b"):
            s, e = m.start(g), m.end(g)
            name = m.group(g)
            if _NOT_ARM.match(name) or _overlaps(s, e, measure_spans) or any(r.start <= s < r.end for r in out) \
                    or _DURATION_VALUE.fullmatch(name):  # "with X versus 7 days (IQR 5–10)": a value
                continue
            out.append(ArmRef(abbrevs.get(name) or _clean_label(name), s, e))  # "in TG than in CG"
    # the study's arm names where no phrase named them
    for ms, me in (_arm_name_spans(tuple(name for name, _ in low_names), stext) if low_names else ()):
        s, e = sent.start + ms, sent.start + me
        if any(r.start <= s < r.end or s <= r.start < e for r in out) or _overlaps(s, e, measure_spans):
            continue
        # the span matched case-insensitively: compare as re.IGNORECASE does ("ſ", "İ", the Kelvin sign,
        # the micro sign and the Greek mu)
        low = fold_lower(stext[ms:me]).casefold()
        name = next((name for name, n in low_names if fold_lower(n).casefold() == low), None)
        if name is not None:
            out.append(ArmRef(name, s, e))
    # "from 5.6 to 3.9 (UC-MSC group) and from 5.7 to 5.2 (control group)": a bracket after a value holding a group's
    # name names the value's arm, whether or not it is one of the study's arm names
    if ")" in stext and arm_words:
        for m in _GROUP_BRACKET_AFTER_VALUE_RE.finditer(stext):
            s, e = sent.start + m.start("name"), sent.start + m.end("tail")
            if any(r.start <= s < r.end or s <= r.start < e for r in out) or _overlaps(s, e, measure_spans) \
                    or _NOT_ARM.match(m.group("name")):
                continue
            out.append(ArmRef(_clean_label(text[s:e]), s, e))
    # "59.8% (5 mg), 65.7% (10 mg) and 26.7% (placebo)": a bracket after a value that names one study arm's dose
    if low_names and ")" in stext:
        for m in _DOSE_ARM_BRACKET_RE.finditer(stext):
            s, e = sent.start + m.start("name"), sent.start + m.end("name")
            if any(r.start <= s < r.end or s <= r.start < e for r in out):
                continue
            dose = re.sub(r"\s+", " ", m.group("name").lower())
            hits = [name for name, n in low_names if re.search(rf"(?<![\d.]){re.escape(dose)}\b", n)]
            if len(hits) == 1:
                out.append(ArmRef(hits[0], s, e))
    arm_abbr = _arm_abbreviations(tuple(abbrevs.items())) if abbrevs else None
    for mm in (arm_abbr.finditer(stext) if arm_abbr is not None else ()):
        long = abbrevs[mm.group(0)]
        s, e = sent.start + mm.start(), sent.start + mm.end()
        if text[s - 1:s] == "(" and text[e:e + 1] == ")" and _WORD_CHAR_AT_END.search(text[max(0, s - 30):s - 1]) \
                and long.lower() in text[max(0, s - 60):s].lower():
            continue  # the definition itself
        if any(r.start <= s < r.end for r in out):
            continue
        out.append(ArmRef(long, s, e))
    # "Failure rates by day 28 were: CQ 55/68 (81%); CQ+AS 19/67 (28%), SP 4/41 (9.8%)": a list of labels, each before
    # its n/N and bracketed %, names the arms even where the study's arm names were not found
    labelled = list(_LABEL_COUNT_RE.finditer(stext)) if "/" in stext and "(" in stext else []
    # "seen in 85% of CQ, 40% of CQ+PQ and 21% of CQ+AS treated patients": each label after its "p% of" names an arm
    of_labels = list(_PERCENT_OF_LABEL_RE.finditer(stext)) if "% of " in stext else []
    for found in (labelled, of_labels):  # (a list of two or more labels; one label alone names no arm)
        if len(found) < 2:
            continue
        for m in found:
            s, e = sent.start + m.start("name"), sent.start + m.end("name")
            if any(r.start <= s < r.end or s <= r.start < e for r in out) or _overlaps(s, e, measure_spans) \
                    or _NOT_ARM.match(m.group("name")):
                continue
            out.append(ArmRef(m.group("name"), s, e))
    lists = covariate_lists(text, sent)
    if lists:  # "covariates for sex, age group and ...": "age group" is a covariate, not an arm
        out = [r for r in out if not any(a <= r.start < b for a, b in lists)]
    out.sort(key=lambda r: r.start)
    return out


# "When covariates for sex, age group and disease duration were included, the adjusted HR was ...", "adjusted for age,
# sex and baseline DAS28, the OR was ...": what a model was adjusted for, neither a measure nor an arm. The list is read
# only where it is closed ("were included", ", the ..."), so "After adjusting for baseline, DAS28 fell" keeps its measure.
_COVARIATE_CUE = re.compile(r"\bcovariates?\b|\b(?:adjust(?:ed|ing|ment)|controll?(?:ed|ing)|accounting)\s+for\b", re.I)
_COVARIATES = re.compile(r"(?:\bcovariates?\s+(?:for|of|such\s+as|including)|\b(?:adjust(?:ed|ing|ment)|controll?(?:ed|ing)"
                         r"|accounting)\s+for)\s(?P<list>[^;.()]{1,200}?)(?=\s(?:were|was)\s+(?:included|entered|added|"
                         r"considered|taken\s+into\s+account)\b|,\s(?:the|a|an)\s)", re.I)


def covariate_lists(text: str, sent: Sentence) -> list[tuple[int, int]]:
    """The spans of the sentence's closed covariate lists (text offsets); none where it has no covariate word."""
    if _COVARIATE_CUE.search(text, sent.start, sent.end) is None:
        return []
    return [(c.start("list"), c.end("list")) for c in _COVARIATES.finditer(text, sent.start, sent.end)]


# ----------------------------------------------------------------------------------------------
# Slots: one arm's values each
# ----------------------------------------------------------------------------------------------
_LABEL_BEFORE = re.compile(r"(?:^|[(\[;,]\s?)(?P<label>[A-Za-z][\w+/&·' -]{0,40}?)\s?(?::\s?|\s)$")
_AFTER_REF = re.compile(r"^\s?(?:[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:\(\s?(?P<abbr>[^()]{1,25}?)\s?\))?")
_BRACKET_OPEN_BEFORE = re.compile(r"[(\[]\s?$")
_PAIR_GAP = re.compile(r"^\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s?)?(?:patients?\s?)?"
                       r"(?:,|;)?\s?(?:vs\.?|versus|and|or|,|;|compared\s+(?:with|to))\s?$", re.I)
VALUE_KINDS = ("ms", "pct", "count")
# "3.1 % (...) after carbetocin and 7.2 % after oxytocin", "−33.3 mm with XLHA": the arm right after a value
_AFTER_ARM_RE = re.compile(  # (the unit is never "and"/"or"/"but": "3.6 and in the MTX group from 5.8" names the next arm)
    r"\s?(?:(?!(?:and|or|but)\s)[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:\([^()]{0,40}\)\s?)?"
    r"(?i:after|with|on|in|for|among|receiving)"
    r"\s+(?:the\s+)?(?P<name>[A-Za-z][\w+/·-]*(?:\s[A-Za-z][\w+/·-]*){0,2}?)"
    r"(?=\s?(?:[,;)(]|$|\.\s|\.$|\b(?:and|or|vs|versus|compared|than|whereas|while|but|respectively)\b))")
_TIME_NAME = re.compile(r"(?i:weeks?|months?|days?|years?|hours?|baseline|follow-?up|treatment|the\s+end|total|all|both|each|"
                        r"patients?|subjects?|participants?|terms?|addition|contrast|particular|general|average|"
                        # "7.9% after infusion": the act of treatment names a time
                        r"infusions?|injections?|transfusions?|transplantation|administration|vaccination|surgery)\b")
_DIGIT = re.compile(r"\d")
# the words every estimate find_effects reads is written with (a quick test before the scan)
# (each alternative begins with a literal: the pattern gets a fast start)
_EFFECT_CUE = re.compile(r"ratio|onfidence|CI|C\.I\.|% IC|%IC|OR|HR|RR|MD|ES|RD|η|eta|Eta|ffect|ifferen|net |oefficient|β|ohen|edges|"
                         r"hr:|hr =|hr=|or:|or =|or=|B =|b =|B=|b=|elative risk")
# the words before the sentence's subject arm: "In the A group", "Patients in the A group", "Those receiving A"
# ("In the MSC group, 9 (30%) had adverse events, compared with 13 (43%) in the placebo group": "in the")
_SUBJECT_GAP = re.compile(r"\s*(?:[A-Z][a-z]+:\s*)?(?:(?:in\s+the|among\s+the|the|in|with)\s+|(?:patients|subjects|participants|those)\s+(?:in|on|receiving|"
                          r"treated\s+with)\s+(?:the\s+)?)?", re.I)
_TIGHT_BEFORE = re.compile(r"\s?(?:groups?\s?)?[:,(\[]?\s?")
_REF_BEFORE_GAP = re.compile(r"\s?(?:groups?\s?)?(?:was|were|is|had|showed|of|:|=)\s?(?:an?\s+)?(?:mean\s+(?:of\s+)?)?|\s?:\s?"
                             # "in the UC-MSC group decreased from 5.9 to 3.6, and in the MTX group from 5.8 to 4.5"
                             r"|\s?(?:groups?\s?)?,?\s?(?:(?:significantly\s+)?(?:decreased|increased|reduced|fell|rose|"
                             r"improved|declined|dropped|changed)\s+)?from\s", re.I)
# between a value and the arm named after it: not a comparator ("... (38%) compared with the control group (60%)")
_NOT_AFTER_GAP = re.compile(r"[;]|\bvs\b|\bversus\b|\bthan\b|\band\b|\bcompared\b|\bcontrast\b|\bwhereas\b|\bwhile\b")
_CI_BRACKET_AFTER = re.compile(r"\s?(?:%\s?)?[(\[]\s?(?:95|90|99)\s?%[^()\[\]]{0,40}(?:[(\[]\s?CI\s?[)\]][^()\[\]]{0,30})?[)\]]")
_VS_SEP = re.compile(r"\s(?:vs\.?|versus)\s", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:a\s+mean\s+of\s+)?$", re.I)
# "from 16.08 (2.87) to 25.08 (4.56) in the A group versus 15.86 (3.24) to 16.47 (4.25) in the B group": after one
# from-to pair, the next arm's pair may leave out its "from"
_NEXT_PAIR_BEFORE = re.compile(r"(?:\bversus|\bvs\.?|\band|\bcompared\s+(?:to|with)|\bwhereas|\bwhile|,)\s+$", re.I)
_TO_BETWEEN = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s(?:Hg\s)?)?(?:at\s+baseline\s+)?to\s", re.I)
_START_AFTER = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:at|before)\s+(?:the\s+)?"
                          r"(?:start|baseline|entry|beginning)\b", re.I)
_END_AFTER = re.compile(r"\s?(?:[a-zA-Zμµ%]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s)?(?:at|after)\s+(?:the\s+)?"
                        r"(?:(?:study|trial|treatment)\s+)?(?:end|completion|follow-?up)\b", re.I)


_BRACKET = re.compile(r"[()\[\]]")


_BY_BEFORE = re.compile(r"\bby\s$", re.I)
_VALUE_AND_PCT = re.compile(r"(?P<v>[-+−]?\d+(?:\.\d+)?)\s?[(\[]\s?(?P<p>\d+(?:\.\d+)?\s?%)")
_BRACKET_OPEN_GAP = re.compile(r"\s?[(\[]\s?")


def _value_and_its_pct(text: str, x: Item, y: Item) -> bool:
    """"by 2.1 mg/L (35%)": a bare value and the bare percentage in the bracket right after it."""
    return x.kind == "ms" and x.obj.kind == "value" and y.kind == "pct" and y.obj.kind == "%" and y.obj.n is None \
        and _BRACKET_OPEN_GAP.fullmatch(text, x.end, y.start) is not None and _BY_BEFORE.search(
            text, max(0, x.start - 4), x.start) is not None


def _plain_pcts(x: Item, y: Item) -> bool:
    """"from 8.2% to 7.1%": two bare percentages (a level's), which a from-to pair joins like two means."""
    return x.kind == y.kind == "pct" and x.obj.kind == y.obj.kind == "%" and x.obj.n is None and y.obj.n is None


@lru_cache(maxsize=64)
def _bracket_pairs(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The balanced bracket pairs (open, close) of text[start:end], by their opening position."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _BRACKET.finditer(text, start, end):
        if m.group() in "([":
            stack.append(m.start())
        elif stack:
            pairs.append((stack.pop(), m.start()))
    return tuple(sorted(pairs))


def _bracket_of(text: str, pos: int, lo: int, sent: Sentence) -> tuple[int, int] | None:
    """The innermost bracket pair (open, close) around pos, opening at or after lo."""
    best = None
    for o, c in _bracket_pairs(text, sent.start, sent.end):
        if o >= pos:
            break
        if lo <= o and pos <= c:
            best = (o, c)
    return best


# between an arm's name and the bracket of its value: "group", or its people ("MSC-treated patients (-0.5)")
_ARM_NOUN_GAP = re.compile(r"\s?(?:groups?\s?|patients\s?|subjects\s?|participants\s?)?")

# a label that is a word of the wording, not an arm: "(from 65 ± 15 to 32 ± 18)", "(at week 12: ...)"
_NOT_AN_ARM_LABEL = re.compile(r"(?i:p|n|or|hr|rr|md|es|ci|p-value|partial|mean|median|range|iqr|sd|se|vs\.?|and|"
                            r"both|all|total|difference|change|ratio|range|significance\s+not\s+tested|"
                            # "(estimated difference −0.28; ...)", "(adjusted mean difference −1.2)": an estimate's name
                            r"(?:(?:estimated|adjusted|mean|absolute|relative|risk|treatment|between-group)\s+){1,2}"
                            r"(?:difference|ratio|change|reduction)|"
                            r"from|to|at|after|before|by|during|over|in|on|of|with|was|were|baseline|"
                            r"pre|post|pre-?treatment|post-?treatment|"  # times: "(pre 1.75, post 1.05)"
                            r"(?:at\s+)?(?:weeks?|months?|days?|years?)(?:\s+\d+)?)")


def arm_slots(t: Text, items: list[Item], a: int, b: int, refs: list[ArmRef], sent: Sentence,
              n_study_arms: int, order_cue: bool, abbrevs: dict[str, str]) -> list[Slot]:
    """The values of a measure's stretch [a, b) split into one slot per arm (see the module
    docstring). Returns [] unless two or more slots are named, or bracketed labels name them."""
    text = t.text
    values = [x for x in items if x.kind in VALUE_KINDS]
    if not values and text.count(":", a, b) + text.count(";", a, b) < 2:
        return []  # no values, and no "(AT+EX: p<0.001, ...; ST+EX: ...)" labels either
    slots: list[Slot] = []
    used: set[int] = set()
    # 1. labelled segments in brackets: "(AT+EX: p<0.001, ...; ST+EX: ...)", "(intervention 13.1% [...], control ...)"
    for x in items:
        if id(x) in used:
            continue
        br = _bracket_of(text, x.start, a, sent)
        if br is None:
            continue
        vs_end = max((m.end() - 1 for m in _VS_SEP.finditer(text, br[0], x.start)), default=-1)
        seg_start = max(text.rfind(";", br[0], x.start), text.rfind(",", br[0], x.start), br[0], vs_end) + 1
        lead = text[seg_start:x.start]
        if text[seg_start - 1] == "," and not lead.strip() and seg_start - 1 > br[0]:
            # "(LM, 94.4 % vs. ETI, 90.6 %)": the arm's label, then a comma, then its value
            cut = seg_start - 1
            seg_start = max(text.rfind(";", br[0], cut), text.rfind(",", br[0], cut), br[0],
                            max((m.end() - 1 for m in _VS_SEP.finditer(text, br[0], cut)), default=-1)) + 1
            lead = text[seg_start:cut] + " "
        lm = re.fullmatch(r"\s?(?:vs\.?\s|versus\s)?(?P<label>[A-Za-z][\w+/&·' -]{0,30}?)\s?(?::\s?(?:from\s)?|=\s?|\s)", lead)
        if not lm or lm.group("label")[:1].isdigit() or re.fullmatch(r"[\d\s.,%+-]+", lm.group("label")):
            continue
        label = lm.group("label").strip(" +-")
        if seg_start + lm.start("label") <= a:
            continue  # the measure's own name labels its values ("biochemical pregnancy rate: 17.3% ...")
        if _NOT_AN_ARM_LABEL.fullmatch(label) \
                or len(label.split()) > 4:
            continue
        seg_end = min([p for p in (text.find(";", x.start, br[1]), br[1]) if p >= 0])
        nxt_label = None
        group = [y for y in items if x.start <= y.start < seg_end and id(y) not in used]
        # "(intervention 13.1% [...], control 12.7% [...], P = 0.712)": the next label ends this one
        for y in group[1:]:
            lead2 = text[max(text.rfind(",", x.end, y.start), x.end) + 1:y.start] if "," in text[x.end:y.start] else ""
            if lead2 and not lead2.strip():  # "... vs. ETI, 90.6 %": the label before the comma
                cut = text.rfind(",", x.end, y.start)
                vs = max((m.end() for m in _VS_SEP.finditer(text, x.end, cut)), default=-1)
                lead2 = text[vs:cut] + " " if vs >= 0 else ""
            elif not lead2 and y.kind in VALUE_KINDS:  # "(diclofenac 23.3% vs placebo 20.0%)": the label after "vs"
                vs = max((m.end() for m in _VS_SEP.finditer(text, x.end, y.start)), default=-1)
                lead2 = text[vs:y.start] if vs >= 0 else ""
            if lead2 and re.fullmatch(r"\s?[A-Za-z][\w+/&·' -]{0,30}?\s?(?::\s?|\s)", lead2) \
                    and not re.fullmatch(r"\s?(?i:p|or|hr|rr|md|es|ci|partial)\s?(?::\s?|\s)", lead2):
                nxt_label = y.start
                break
        if nxt_label is not None:
            group = [y for y in group if y.start < nxt_label]
        if not any(y.kind in VALUE_KINDS + ("p", "eff") for y in group):
            continue
        vals_in = [y for y in group if y.kind in VALUE_KINDS]
        if len(vals_in) >= 2 and any(_PAIR_GAP.match(text[u.end:v.start]) for u, v in zip(vals_in, vals_in[1:])) and not (
                len(vals_in) == 2 and _FROM_BEFORE.search(text[max(a, x.start - 12):x.start])
                and _TO_BETWEEN.fullmatch(text[vals_in[0].end:vals_in[1].start])):
            # ("(A group: from 12.4 ± 4.8 to 5.1 ± 2.5)": the label's arm, with its from-to pair)
            continue  # "(as treated: 1 of 29 vs. 11 of 33, ...)": the label names a comparison, not an arm
        slots.append(Slot(group, x.start, group[-1].end, label, "label"))
        used.update(id(y) for y in group)
    labelled = [s for s in slots]
    if len(labelled) == 1 and not values:
        labelled = []
        slots = []
        used = set()
    # 2-3. one slot per remaining value (a p value in brackets right after it is the slot's); "from A
    # to B" and "A at the start, B at the end" are one arm's two values
    rest = [x for x in values if id(x) not in used]
    resp = _respectively_slots(text, rest, items, refs, sent) if rest and (
        "respectively" in sent.text or _PLURAL_ARMS_AFTER.match(text, rest[-1].end)) else None
    if resp:
        return slots + resp
    pairs: dict[int, Item] = {}
    for x, y in zip(rest, rest[1:]):
        if (x.kind == y.kind == "ms" or _plain_pcts(x, y)) and id(x) not in pairs.values() and (
                ((_FROM_BEFORE.search(text[max(a, x.start - 12):x.start])
                  or (pairs and _NEXT_PAIR_BEFORE.search(text[max(a, x.start - 20):x.start])))
                 and _TO_BETWEEN.fullmatch(text[x.end:y.start]))
                or (_START_AFTER.match(text, x.end) and _END_AFTER.match(text, y.end))):
            pairs[id(x)] = y
        elif id(x) not in pairs.values() and _value_and_its_pct(text, x, y):
            pairs[id(x)] = y
    second = {id(y) for y in pairs.values()}
    rest = [x for x in rest if id(x) not in second]
    # "tocilizumab 12/30 (40%), placebo 9/30 (30%)", "with A (12/30, 40%) than with B (9/30, 30%)": each value
    # right after its own arm's name
    tight = [next((r for r in reversed(refs) if r.end <= x.start and _TIGHT_BEFORE.fullmatch(text, r.end, x.start)),
                  None) for x in rest]
    if len(rest) >= 2 and all(tight) and len({r.label.lower() for r in tight if r}) == len(rest):
        for i, (x, r) in enumerate(zip(rest, tight)):
            nxt = rest[i + 1].start if i + 1 < len(rest) else b
            group = [x] + ([pairs[id(x)]] if id(x) in pairs else [])
            group += [y for y in items if y.kind == "p" and group[-1].end <= y.start < min(nxt, group[-1].end + 30)
                      and id(y) not in used]
            slots.append(Slot(group, x.start, group[-1].end, r.label, "named before"))
            used.add(id(x))
        rest = []
    for i, x in enumerate(rest):
        nxt = rest[i + 1].start if i + 1 < len(rest) else b
        group = [x] + ([pairs[id(x)]] if id(x) in pairs else [])
        x = group[-1]
        pm = re.match(r"\s?(?:[a-zA-Zμµ]{1,6}(?:/[a-zA-Zμµ]{1,6}){0,2}\s?)?[(\[]", text[x.end:x.end + 20])
        if pm:  # a p value inside the bracket right after the value ("(20%) (placebo group), p = 0.01": not there)
            close = text.find(")" if pm.group().endswith("(") else "]", x.end)
            group += [y for y in items if y.kind == "p" and x.end <= y.start < min(nxt, x.end + 30, close % (len(text) + 1))
                      and id(y) not in used]
        slot = Slot(group, x.start, group[-1].end)
        # the bracket the value stands in, the values in it and the arm named right before it
        br = _bracket_of(text, x.start, a, sent)
        inner_values = [y for y in values if br[0] < y.start < br[1]] if br is not None else []
        ref_before = next((r for r in reversed(refs) if r.end <= br[0] and
                           _ARM_NOUN_GAP.fullmatch(text, r.end, br[0])), None) if br is not None else None
        mine = {id(g) for g in group}
        if ref_before is not None and len(inner_values) > 1 and all(id(v) in mine for v in inner_values):
            # "in the A group (from 65 ± 15 to 32 ± 18 mm, P < 0.001) but not in the B group (...)": a bracket
            # right after an arm's name holds that arm's from-to pair, whatever arm is named after it
            slot.arm, slot.how = ref_before.label, "before"
            slots.append(slot)
            used.add(id(x))
            continue
        inside = {r.label.lower(): r for r in refs if x.start < r.start and r.end <= x.end
                  and re.search(r"[A-Za-z]", r.label) and not _PEOPLE_ONLY.fullmatch(r.label)}
        if len(inside) == 1 and x.kind in ("pct", "count"):
            # "12 of 30 MSC-treated patients (40%)", "Eighteen MSC patients (60%)": the count names its arm
            slot.arm, slot.how = next(iter(inside.values())).label, "inside"
            slots.append(slot)
            used.add(id(x))
            continue
        after = text[slot.end:nxt]
        ci_after = _CI_BRACKET_AFTER.match(text, slot.end, nxt)  # "53.6% (95% CI, 39.7-67.0%) of the patients in B"
        ref_after = next((r for r in refs if slot.end <= r.start < min(nxt, (ci_after.end() if ci_after else slot.end) + 45)
                          and not _NOT_AFTER_GAP.search(text, slot.end, r.start)
                          and not _VALUE_BRACKET.match(text, r.end)), None)
        am = _AFTER_REF.match(after)
        abbr = am.group("abbr") if am else None
        bare = _AFTER_ARM_RE.match(text, slot.end, nxt) if ref_after is None else None
        if abbr and abbr.strip() in abbrevs and _ARM_UNIT_SUBSTRING.search(abbrevs[abbr.strip()]):
            slot.arm, slot.how = abbrevs[abbr.strip()], "after"
        elif ref_after is not None:
            slot.arm, slot.how = ref_after.label, "after"
        elif bare is not None and not _NOT_ARM.match(bare.group("name")) and not _TIME_NAME.match(bare.group("name")):
            slot.arm, slot.how = bare.group("name"), "after"
        else:
            if ref_before is not None and len(inner_values) == 1:
                slot.arm, slot.how = ref_before.label, "before"
            if not slot.how:
                # "in Group S was 0.06 ± 0.172 h ... and that in Group B was 19.35 ± 8.64 h"
                prev_end = slots[-1].end if slots else a
                first = slot.items[0].start  # (a from-to pair's slot is named before its first value)
                named = next((r for r in reversed(refs) if prev_end <= r.start and r.end <= first
                              and _REF_BEFORE_GAP.fullmatch(text, r.end, first)), None)
                if named is not None:
                    slot.arm, slot.how = named.label, "named before"
        slots.append(slot)
        used.add(id(x))
    slots.sort(key=lambda s: s.start)
    plain = [s for s in slots if s.how == ""]
    if plain and len(plain) >= 2:
        # 4. the order the sentence names its arms in, before the values
        names: list[str] = []
        named_refs: list[ArmRef] = []
        for r in refs:
            if r.end <= plain[0].start and r.label.lower() not in [n.lower() for n in names]:
                names.append(r.label)
                named_refs.append(r)
        if len(names) == 2 and comparator_first(text, sent, named_refs[0]):
            # "Compared to placebo, the MSC group had lower CRP (5.2 vs. 8.7)": the subject's value comes first
            names.reverse()
        groups = _pair_groups(text, plain)
        if "respectively" in sent.text and not all(len(g) == len(names) for g in groups):
            names = []  # "17 (27.4%) and 31 (50.0%) patients in the etomidate and propofol groups, respectively"
            for r in refs:
                if r.label.lower() not in [n.lower() for n in names]:
                    names.append(r.label)
        if names and all(len(g) == len(names) for g in groups) and len(names) >= 2:
            for g in groups:
                for s, name in zip(g, names):
                    s.arm, s.how = name, "order"
        elif n_study_arms >= 2 and (order_cue or not refs and len(groups[0]) == 2 and _AND_GAP.fullmatch(
                text, groups[0][0].end, groups[0][1].start) is not None) \
                and all(len(g) == n_study_arms for g in groups) and len(groups) == 1:
            for i, s in enumerate(groups[0]):
                s.how = f"study arm {i}"
    unnamed = [s for s in slots if not s.how]
    if len(unnamed) == 1 and unnamed[0] is slots[0] and len(slots) >= 2 and refs and refs[0].end <= slots[0].start \
            and _SUBJECT_GAP.fullmatch(text, sent.start, refs[0].start) \
            and refs[0].label.lower() not in {s.arm.lower() for s in slots if s.arm}:
        # "Tocilizumab reduced ESR by 45% compared with 5% for placebo": the subject arm's value comes first
        slots[0].arm, slots[0].how = refs[0].label, "subject"
    named = [s for s in slots if s.how]
    if len(slots) == 1 and named and named[0].how in ("after", "before"):
        return slots  # "sepsis (four patients in the G-CSF plus stem-cell infusion group)"
    if len({s.arm for s in named if s.arm} | {s.how for s in named if s.how.startswith("study arm")}) < 2 \
            and not labelled:
        return []
    return slots


_OPEN_BRACKET_AHEAD = re.compile(r"\s?[(\[]")


def _respectively_slots(text: str, values: list[Item], items: list[Item], refs: list[ArmRef],
                        sent: Sentence) -> list[Slot] | None:
    """"17 (27.4%) and 31 (50.0%) patients in the etomidate and propofol groups, respectively": as many
    values as arms named (all before or all after the values), in the order both are written."""
    names: list[ArmRef] = []
    for r in refs:
        if r.label.lower() not in [n.label.lower() for n in names]:
            names.append(r)
    if len(names) < 2 or len(values) != len(names):
        return None
    if not (all(r.start >= values[-1].end for r in names) or all(r.end <= values[0].start for r in names)):
        return None
    out = []
    for x, r in zip(values, names):
        group = [x] + [y for y in items if y.kind == "p" and x.end <= y.start < x.end + 25
                       and _OPEN_BRACKET_AHEAD.match(text[x.end:x.end + 3])]
        out.append(Slot(group, x.start, group[-1].end, r.label, "respectively"))
    return out


# two values joined by "and" alone ("HAQ-DI changed by −0.56 and −0.25", "in 142 (68.9%) and 130 (63.1%) patients"),
# in a sentence naming no arm: as many as the study has arms, they are the arms' in the order the arms were named
_AND_GAP = re.compile(r"\s?(?:[a-zA-Zµμ]{1,6}(?:/[a-zA-Zµμ]{1,6})?\s)?(?:patients\s)?and\s")


def _pair_groups(text: str, slots: list[Slot]) -> list[list[Slot]]:
    """Slots joined by "vs", "versus", "and" or commas form a group ("379 [33%] patients vs 417
    [36%] patients"); a group ends where other words come between."""
    groups: list[list[Slot]] = [[slots[0]]]
    for prev, s in zip(slots, slots[1:]):
        gap = text[prev.end:s.start]
        if _PAIR_GAP.match(gap):
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups
