"""Between-group estimates, counts of people and bare numbers in a result sentence.

Pure functions over a string (a sentence), like extract.quantities: every item carries
``start``/``end`` offsets into the ORIGINAL string and ``text == original[start:end]``. The
string is cleaned first (quantities' cleaning: Unicode minus, middle-dot decimals, thin spaces)
and offsets are mapped back.

find_effects(text) -> list[Effect]
    Named estimates with their confidence interval: "risk ratio [RR]: 0.74, 95% CI: 0.60–0.91",
    "adjusted odds ratio [aOR] 0·88, 95% CI 0·76–1·03", "aOR 0·73, 0·53–0·99", "HR 0.61 vs
    0.50", "HRper SD 1.21 [95% CI 1.02, 1.44]", "partial η2 = 0.55", "ES = 0.33", "Cohen's d
    = 0.8", "SMD -0.5 (95% CI -0.8 to -0.2)", "mean difference −0.5, 95% CI −11.2 to 10.2";
    unnamed estimates written as "0.62, 95% CI: 0.43–0.89" or "−7.0 mm, 95% confidence
    interval (CI) [−20.7 to +6.7]" (kind "estimate": the caller decides from the sentence);
    a name heading a list ("The mean difference ... was 1.9 (0.7 to 3.2), 6.5 (2.5 to 10.5)
    ... respectively"); net changes ("a net CRP lowering of 32% (95% CI −40%, −22%)": −32).
    A CI is kept only when it holds the estimate (lo <= value <= hi).
find_counts(text) -> list[Count]
    People counted, digits or words: "12 [43%] patients", "three [11%] patients", "two
    patients", "in 4 subjects (22.2%)", "Four patients".
find_numbers(text) -> list[Number]
    Every signed number with the unit word after it ("4.8 ng/mL", "-5.2", "101 feet").
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from extract.fastre import NUM, SNUM_FIRST, SNUM_REST
from extract.quantities import NUMBER_WORDS, WORDNUM, _prepare, parse_number

__all__ = ["Count", "Effect", "Number", "EFFECT_KINDS", "NAME_PATTERN", "find_counts", "find_effects", "find_numbers"]

_SNUM = rf"(?:[-+]\s?)?{NUM}"
# (regex, kind): the names of between-group estimates; an abbreviation in brackets after a name
# ("odds ratio (OR)", "risk ratio [RR]") is part of the name
# The names of between-group estimates: (kind, case-insensitive names, case-sensitive abbreviations),
# each a regex fragment beginning with a letter (an abbreviation in brackets after a name, "odds ratio
# (OR)", is read by _ABBR). _NAME joins them behind one character set (a fast start, see fastre).
_NUM_AFTER = r"(?=\s?[:=]\s?[-+]?\d)"
EFFECT_KINDS: list[tuple[str, list[str], list[str]]] = [
    ("OR", [r"adjusted\s+odds\s+ratios?", r"odds\s+ratios?", rf"aor{_NUM_AFTER}", rf"or{_NUM_AFTER}"],
     [r"aORs?(?![\w-])", r"ORs?(?![\w-])"]),
    ("HR", [r"adjusted\s+hazard\s+ratios?", r"hazard\s+ratios?", rf"ahr{_NUM_AFTER}", rf"hr{_NUM_AFTER}"],
     [r"aHRs?(?![\w-]|\s?%)", r"HRs?(?![\w-]|\s?%)", r"HR(?=per\b)"]),
    ("IRR", [r"incidence\s+rate\s+ratios?", r"rate\s+ratios?"], [r"IRRs?(?![\w-])"]),
    ("RR", [r"adjusted\s+(?:relative\s+risk|risk\s+ratio)s?", r"relative\s+risks?", r"risk\s+ratios?",
            rf"rr{_NUM_AFTER}"], [r"aRRs?(?![\w-])", r"RRs?(?![\w-])"]),
    ("SMD", [r"standardi[sz]ed\s+mean\s+differences?", r"cohen'?s\s+d\b", r"hedges'?\s?g\b"],
     [r"SMDs?(?![\w-])", r"d(?=\s?=\s?[-+]?\d)"]),  # "medium effect (d = 0.63)": Cohen's d
    ("MD", [r"weighted\s+mean\s+differences?", r"adjusted\s+mean\s+differences?", r"mean\s+differences?",
            r"differences?\s+in\s+means"], [r"WMDs?(?![\w-])", r"MDs?(?![\w-])"]),
    ("ARR", [r"absolute\s+risk\s+(?:reduction|difference)s?"], [r"ARR(?![\w-])"]),
    ("RD", [r"risk\s+differences?"], [r"RD(?![\w-])"]),
    ("eta2", [r"partial\s+(?:η|eta)\s?(?:\^?2|²|[- ]squared)(?:\s?p)?", r"η\s?(?:\^?2|²|[- ]squared)(?:\s?p)?",
              r"eta\s?(?:\^?2|²|[- ]squared)(?:\s?p)?"], []),
    ("ES", [r"effect\s+sizes?"], [r"ES(?![\w-])"]),
    # "an inhaled β2 agonist", "β2-microglobulin": β with a digit names a receptor or a protein, not a coefficient
    ("beta", [r"regression\s+coefficients?", r"coefficients?", r"β(?![\d¹²])", r"beta\b"], [r"B(?=\s?=)", r"b(?=\s?=)"]),
]


def _fast_names() -> tuple[str, list[str]]:
    """One alternation of every name behind a character set of their first letters, and the kind of
    each named group (g0, g1, ...)."""
    by_first: dict[str, list[str]] = {}
    kinds: list[str] = []
    for kind, names, abbrs in EFFECT_KINDS:
        for frag, cased in [(n, False) for n in names] + [(x, True) for x in abbrs]:
            g = f"g{len(kinds)}"
            kinds.append(kind)
            first, rest = frag[0], frag[1:]
            firsts = first if cased or not first.isalpha() else first.lower() + first.upper()
            body = rest if cased else f"(?i:{rest})"
            by_first.setdefault(firsts, []).append(f"(?P<{g}>{body})")
    letters = "".join(sorted({ch for f in by_first for ch in f}))
    branches = "|".join(f"(?<=[{f}])(?:{'|'.join(alts)})" for f, alts in by_first.items())
    return f"[{letters}](?<![\\w-].)(?:{branches})", kinds


_NAME, _NAME_KINDS = _fast_names()
NAME_PATTERN = _NAME  # for readers that must tell an estimate's name from a measure's
_ABBR = r"(?:\s?[(\[]\s?[A-Za-z]{1,5}s?\s?[)\]])?"
_NOT_UNIT = r"(?!(?i:vs|versus|and|or|to|in|for|p|ci|with|of|at|was|were|is|are|compared|than|per|on|by|from|after|before|during|respectively|the|a|an|as|but|while|whereas|which|that|among|between)\b)"
_UNIT = rf"(?:\s?(?P<unit>%|percent\b|{_NOT_UNIT}[a-zA-Zμµ]{{1,6}}[23²³]?(?:/[a-zA-Zμµ]{{1,6}}[23²³]?){{0,2}}\b))?"
_CI_LABEL = (r"(?:(?:(?:95|90|99)\s?%\s?(?:CI|C\.I\.|IC(?=[\s:=,])|CrI|confidence\s+intervals?|credible\s+intervals?)|CI\s?(?:95|90|99)\s?%)"
             r"(?:\s?[(\[]\s?CI\s?[)\]])?\s?[:=,]?\s?)")
_CI_UNIT = r"(?:\s?(?!CI\b|CrI\b|to\b|and\b|vs\b|p\b)[a-zA-Zμµ]{1,6}[23²³]?(?:/[a-zA-Zμµ]{1,6}[23²³]?)?\b)?"
_CI_BODY = rf"(?P<lo>{_SNUM})\s?%?{_CI_UNIT}\s?(?:-|to|,|;)\s?(?P<hi>{_SNUM})\s?%?{_CI_UNIT}"
# a CI after the value: labelled ("95% CI 0.6-0.9"), or bare in brackets ("(0.6-0.9)", "[0.6, 0.9]"),
# or (after a named estimate) bare after a comma ("aOR 0.73, 0.53-0.99"); _ci_ok() says which held
_CI = (rf"(?:(?P<sep>\s?[,;]?\s?)(?P<open>[(\[])?\s?(?P<label>{_CI_LABEL})?(?P<open2>[(\[])?\s?{_CI_BODY}"
       rf"(?![\d]|\.\d)\s?(?P<close>[)\]])?)")
# what may stand between a name and its value: "OR = 2.1", "HR: 0.68", "RR, 0.74", "effect size of 0.82",
# "HRper SD log 0.89", "the hazard ratio for death was 0.8"
# ("the relative risk of adverse events was 1.12", "the odds ratio for ACR20 response was 3.2": the measure may
# stand between the name and its value, up to four words, a digit only inside a word)
# ("mean difference from placebo: −28.1", "versus placebo, 1.2": the comparator between the name and its value)
_GAP_OK = re.compile(r"\s?(?:[:=,]|was|were|is|of|per\s+SD(?:\s+log)?|(?:for|of)\s+[\w/-]+(?:\s[\w/-]+){0,3}\s+(?:was|were|is|of)"
                     r"|(?:from|versus|vs\.?|compared\s+(?:with|to))\s+(?:the\s+)?[\w/-]+(?:\s[\w/-]+){0,2}?(?:\s?[:=,]|\s+(?:was|of)))?"
                     r"\s?[:=]?\s?", re.I)
NAMED_RE = re.compile(
    rf"(?:{_NAME}){_ABBR}(?P<gap>(?:[^\d;.()\[\]+-]|(?<=[A-Za-z])\d+){{0,40}}?)"
    # "(relative risk, 95% CI 4.10, 1.32-12.75)", "(HR, 95% CI: 1.52, 1.10-2.05)": the CI's label before the value
    rf"(?:(?<=[\s,(])(?:95|90|99)\s?%\s?(?i:CI|confidence\s+intervals?)\s?[:=,]?\s?)?"
    rf"(?<![A-Za-z])(?P<v>{_SNUM})(?![\d.])"
    rf"(?i:{_UNIT})(?i:{_CI})?")
UNNAMED_RE = re.compile(rf"(?P<v>{SNUM_FIRST}(?<![\w.,/^-].){SNUM_REST})(?![\d.])(?i:{_UNIT})(?i:{_CI})")
# "HR 0.61 vs 0.50": a second estimate of the same kind
_VS_VALUE = re.compile(rf"\s?(?:vs\.?|versus|and)\s?(?P<v>{_SNUM})(?![\d.%])", re.I)
# "The mean difference ... (95% CI) was 1.9 (0.7 to 3.2), 6.5 (2.5 to 10.5), ...": a name heading a list
_LIST_ITEM = re.compile(rf"(?P<v>{_SNUM})\s?(?i:{_UNIT})\s?[(\[]\s?(?i:{_CI_LABEL})?{_CI_BODY}\s?[)\]]")
_LIST_GAP = re.compile(r"^\s?(?:,|;)?\s?(?:and\s+|or\s+)?(?:(?:was|were|of|is|are|:|=)\s+)?$", re.I)
# "a net CRP lowering of 32%", "net reduction of 1.2", "a net increase in HDL of 4%"
NET_RE = re.compile(
    r"\bnet\s+(?:[\w-]+\s+){0,3}?(?P<w>reduction|lowering|decrease|fall|drop|decline|increase|rise|gain|change|"
    r"difference|effect)\s+(?:(?:of|by|was|in|on)\s+)?(?:[\w-]+\s+){0,3}?(?:(?:of|by|was)\s+)?"
    rf"(?P<v>{_SNUM})(?![\d.])(?i:{_UNIT})(?i:{_CI})?", re.I)
_DOWN_WORDS = frozenset({"reduction", "lowering", "decrease", "fall", "drop", "decline"})
# "(difference 16%, 95% CI 7 to 25)": a percentage named a difference, with its CI, is the arms' difference
_DIFFERENCE_BEFORE = re.compile(r"\b(?i:difference)\s?(?:[:=,]|of|was|is)?\s?$")

PERSON_NOUNS = r"(?:patients?|subjects?|participants?|women|men|children|individuals|persons|people|cases|infants)"
_N = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{WORDNUM})"
# "12 [43%] patients", "three [11%] patients", "three (11%)", "two patients", "4 patients (22.2%)"
COUNT_RE = re.compile(
    rf"(?<![\w.,/^±-])(?P<n>{_N})(?:\s?[(\[]\s?(?P<p>{NUM})\s?%\s?[)\]])?"
    rf"(?:\s(?P<noun>(?:[a-z-]+\s)?{PERSON_NOUNS})\b(?:\s?\(\s?(?P<p2>{NUM})\s?%\s?\))?)?", re.I)
NUMBER_RE = re.compile(rf"(?P<v>{SNUM_FIRST}(?<![\w.,/^-].){SNUM_REST})(?![\d])(?![A-Za-z]{{1,3}}\d)"  # not "1D5", "3T3": codes
                       rf"(?:\s?(?P<unit>%|{_NOT_UNIT}(?i:(?!patients?\b|subjects?\b)[a-zA-Zμµ]{{1,8}}(?:/[a-zA-Zμµ]{{1,6}}){{0,2}})\b))?")


@dataclass(frozen=True)
class Effect:
    kind: str  # OR, RR, HR, IRR, MD, SMD, ES, eta2, ARR, RD, net change, estimate
    value: float
    ci_low: float | None
    ci_high: float | None
    start: int
    end: int
    text: str
    unit: str | None = None  # "%", "g", "mm", ... as written after the value
    named: bool = True  # the kind is written with the value (False: "0.62, 95% CI ..." or a list item)


@dataclass(frozen=True)
class Count:
    n: int
    percent: float | None
    start: int
    end: int
    text: str
    noun: str | None  # "patients", "serious adverse events patients" -> the person noun phrase, None without


@dataclass(frozen=True)
class Number:
    value: float
    unit: str | None
    start: int
    end: int
    text: str


_SPACE = re.compile(r"[\s,+]")


def _f(s: str | None) -> float | None:
    if s is None:
        return None
    try:
        return float(_SPACE.sub("", s))
    except ValueError:
        return None


def _kind(m: re.Match[str]) -> str:
    for i, kind in enumerate(_NAME_KINDS):
        if m.group(f"g{i}") is not None:
            return kind
    return "estimate"


def _ci(m: re.Match[str], value: float, named: bool) -> tuple[float | None, float | None, int]:
    """The CI of a match of a pattern ending in _CI, and where the estimate ends: (lo, hi, end).
    A CI counts when it is labelled ("95% CI"), bracketed, or (after a named estimate) after a
    comma, and when it holds the value (a sign dropped on both bounds is read as written)."""
    if m.group("lo") is None:
        return None, None, -1
    labelled = m.group("label") is not None
    bracketed = (m.group("open") or m.group("open2")) is not None and m.group("close") is not None
    comma = "," in (m.group("sep") or "") or ";" in (m.group("sep") or "")
    if not (labelled or bracketed or (named and comma)):
        return None, None, -1
    if (m.group("open") or m.group("open2")) is not None and m.group("close") is None and not labelled:
        return None, None, -1
    lo, hi = _f(m.group("lo")), _f(m.group("hi"))
    if lo is None or hi is None:
        return None, None, -1
    if lo > hi:
        lo, hi = hi, lo
    if not lo <= value <= hi:
        return None, None, -1
    end = m.end("close") if m.group("close") is not None and (m.group("open") or m.group("open2")) else m.end("hi")
    return lo, hi, end


def _value_end(m: re.Match[str]) -> int:
    return m.end("unit") if m.group("unit") is not None else m.end("v")


def find_effects(text: str) -> list[Effect]:
    """Between-group estimates with their CI, in text order (see the module docstring)."""
    c = _prepare(text)
    t = c.text
    out: list[tuple[int, int, Effect]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(a: int, b: int, kind: str, value: float, lo: float | None, hi: float | None, unit: str | None,
            named: bool) -> None:
        s, e, vt = c.span(a, b)
        out.append((a, b, Effect(kind, value, lo, hi, s, e, vt, unit, named)))
        taken.append((a, b))

    for m in (NET_RE.finditer(t) if "net " in t.lower() else ()):
        v = _f(m.group("v"))
        if v is None:
            continue
        if m.group("w").lower() in _DOWN_WORDS and v > 0:
            v = -v
        lo, hi, end = _ci(m, v, True)
        add(m.start(), end if end >= 0 else _value_end(m), "net change", v, lo, hi, m.group("unit"), True)
    for m in NAMED_RE.finditer(t):
        if not free(m.start(), m.end()):
            continue
        if not _GAP_OK.fullmatch(m.group("gap") or ""):
            continue  # "the HR group had 12 patients" is prose: the number is someone else's
        kind = _kind(m)
        v = _f(m.group("v"))
        if v is None:
            continue
        lo, hi, end = _ci(m, v, True)
        add(m.start(), end if end >= 0 else _value_end(m), kind, v, lo, hi, m.group("unit"), True)
        vs = _VS_VALUE.match(t, end if end >= 0 else _value_end(m))
        if vs and kind in ("OR", "RR", "HR", "IRR"):
            add(vs.start("v"), vs.end("v"), kind, _f(vs.group("v")) or 0.0, None, None, None, True)
    for m in UNNAMED_RE.finditer(t):
        if not free(m.start(), m.end()) or m.group("label") is None:
            continue
        v = _f(m.group("v"))
        if v is None:
            continue
        lo, hi, end = _ci(m, v, False)
        if lo is None or (m.group("unit") in ("%", "percent")
                          and not _DIFFERENCE_BEFORE.search(t, max(0, m.start() - 16), m.start())):
            continue  # "3.1 % (95 % CI 1.7–5.1 %)": an arm's percentage with its CI, not an estimate
        add(m.start(), end, "estimate", v, lo, hi, m.group("unit"), False)
    _name_lists(t, c, out, taken, free)
    out.sort(key=lambda x: x[0])
    return [e for _, _, e in out]


_HEADER_RE = re.compile(_NAME)


_SENTENCE_BREAK = re.compile(r"\.\s")


def _name_lists(t: str, c, out: list, taken: list, free) -> None:
    """A name heading a list of "value (lo to hi)" items: each item is an estimate of that kind."""
    for h in _HEADER_RE.finditer(t):
        if not free(h.start(), h.end()):
            continue
        kind = _kind(h)
        pos = h.end()
        first = _LIST_ITEM.search(t, pos, min(len(t), pos + 90))
        if first is None or not free(first.start(), first.end()):
            continue
        gap = t[pos:first.start()]
        if ";" in gap or _SENTENCE_BREAK.search(gap):
            continue
        items = [first]
        while True:
            nxt = _LIST_ITEM.search(t, items[-1].end(), min(len(t), items[-1].end() + 40))
            if nxt is None or not _LIST_GAP.match(t[items[-1].end():nxt.start()]):
                break
            items.append(nxt)
        for m in items:
            v = _f(m.group("v"))
            if v is None:
                continue
            lo, hi = _f(m.group("lo")), _f(m.group("hi"))
            if lo is None or hi is None or not min(lo, hi) <= v <= max(lo, hi):
                lo = hi = None
            s, e, vt = c.span(m.start(), m.end())
            out.append((m.start(), m.end(), Effect(kind, v, lo, hi, s, e, vt, m.group("unit"), False)))
            taken.append((m.start(), m.end()))


# "4 and 2 patients", "12, 9 and 3 patients", "5 vs. 7 subjects": whole numbers listed before one person noun
# (the number right before a joiner, read backwards from the count); not after a time word ("at weeks 12 and
# 24 patients ..."), "between" (a range) or a decimal
_LISTED_BEFORE = re.compile(r"(?<![\w.,])(\d+)(?:\s?,\s?(?:and\s|or\s)?|\s(?:and|or|vs\.?|versus)\s)$")
_NOT_A_COUNT_LIST_BEFORE = re.compile(
    r"(?i)(?:\b(?:weeks?|days?|months?|years?|hours?|visits?|between|of|score[sd]?|at)|[\d.,%])\s?$")


def find_counts(text: str) -> list[Count]:
    """People counted in digits or words, with the percentage written beside the count."""
    c = _prepare(text)
    out: list[Count] = []
    last_end = 0  # where the last count ended, in c.text
    for m in COUNT_RE.finditer(c.text):
        if m.group("p") is None and m.group("noun") is None:
            continue
        n = parse_number(m.group("n"))
        if n is None or not math.isfinite(n) or n > 1e9 or n != int(n):
            continue
        p = m.group("p") or m.group("p2")
        noun = m.group("noun")
        if noun and not re.search(rf"{PERSON_NOUNS}$", noun, re.I):
            noun = None
        s, e, vt = c.span(m.start(), m.end())
        if noun and p is None:
            out.extend(_listed_before(c, m.start(), noun, last_end))
        out.append(Count(int(n), float(p) if p else None, s, e, vt, noun))
        last_end = m.end()
    return out


def _listed_before(c, at: int, noun: str, floor: int) -> list[Count]:
    """The counts of `noun` listed before the count at `at` ("4 and" of "4 and 2 patients"), in text order."""
    found: list[tuple[int, int, str]] = []
    end = at
    while True:
        m = _LISTED_BEFORE.search(c.text, max(floor, end - 20), end)
        if m is None or m.end() != end:
            break
        found.append((m.start(1), m.end(1), m.group(1)))
        end = m.start(1)
    if not found or _NOT_A_COUNT_LIST_BEFORE.search(c.text, max(floor, end - 12), end):
        return []
    out = []
    for ms, me, v in reversed(found):
        s, e, vt = c.span(ms, me)
        out.append(Count(int(v), None, s, e, vt, noun))
    return out


def find_numbers(text: str) -> list[Number]:
    """Every number (signed) with the unit word written after it, in text order."""
    c = _prepare(text)
    out: list[Number] = []
    for m in NUMBER_RE.finditer(c.text):
        v = _f(m.group("v"))
        if v is None:
            continue
        s, e, vt = c.span(m.start(), m.end())
        out.append(Number(v, m.group("unit"), s, e, vt))
    return out


def is_number_word(word: str) -> bool:
    return word.lower() in NUMBER_WORDS
