"""The words and numbers a between-group result is stated in: P values, confidence intervals,
significance and direction words, and which arm a sentence names first.

Rules as data, read by small pure functions, shared by the comparison finder
(extract.comparisons), the prompt answerer (extract.prompting) and the training script:

- `p_values(text)`: every "P < 0.05" / "p=.03" / "P value of 0.2" / "NS" with its verdict;
- `intervals(text)`: "95% CI 0.65 to 1.12", "(0.59-0.98)" with whether they hold the null value;
- `significance_cues(text)`: "significantly", "no significant", "did not differ", "similar", ...;
- `direction_cues(text)`: "higher", "reduced", "fewer", ... as +1 / -1 with their offsets;
- `mark_arms(text, ...)`: the text as tokens with the intervention, comparator and outcome
  replaced by placeholders (INTV, COMP, OUTC), so that "INTV lower than COMP" and
  "COMP lower than INTV" read differently to a classifier.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple

from extract.fastre import words as fast_words
from extract.terms import STOP_WORDS, stem

__all__ = ["VALENCE", "ArmTerms", "PValue", "direction_cues", "group_definitions", "intervals", "mark_arms",
           "normalise", "p_values", "significance_cues", "SIGNIFICANCE"]

SIGNIFICANCE = 0.05

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"), " ")
_SPACES.update({ord("\u2212"): "-", ord("\u2013"): "-", ord("\u2014"): "-", ord("\u2010"): "-",
                ord("\u2011"): "-", ord("\u00b7"): ".", ord("\u2264"): "≤", ord("\u2265"): "≥"})


_TO_NORMALISE = re.compile("[" + "".join(map(chr, _SPACES)) + "]")


@lru_cache(maxsize=64)
def normalise(text: str) -> str:
    """Unicode spaces to " ", dashes and minus signs to "-", the middle dot of "0·05" to "."
    (same length: offsets hold). Cached: the finders of a comparison each normalise the same sentence."""
    # a substitution at each of the few matches: str.translate looks up every character
    return _TO_NORMALISE.sub(_normalised, text)


def _normalised(m: re.Match[str]) -> str:
    return _SPACES[ord(m.group())]


class PValue(NamedTuple):
    op: str  # "<", ">", "=", "≤", "≥" or "ns"
    value: float | None
    start: int
    end: int
    significant: bool | None  # None: cannot tell (e.g. "P = 0.05" exactly)

    @property
    def written(self) -> str | None:
        """The P value as OutcomeRow and Comparison write it: "<0.05", "=0.31", "ns"; None without a value."""
        return "ns" if self.op == "ns" else f"{self.op}{self.value:g}" if self.value is not None else None


_NUMBER = r"(\d*\.\d+|\d+(?:\.\d+)?(?:\s*[x×]\s*10\s*[-−]?\s*\d+)?|\d+(?:\.\d+)?\s*[eE]\s*-\s*\d+)"
_P = re.compile(
    r"[pP](?<![A-Za-z][pP])(?:\s*-?\s*values?)?(?:\s*(?:for\s+\w+|\(\s*\w+\s*\)))?\s*"
    r"(?:(?:was|were|is|of|:)\s*)?"
    r"(<\s*or\s*=|<=|>=|=<|≤|≥|<|>|=|less than|greater than|below|under|(?<=of )|(?<=was )|(?<=is )|(?<=: ))\s*"
    + _NUMBER)
_P_NS = re.compile(r"(?<![A-Za-z])(?:[pP]\s*[=:]?\s*)?(?:NS|N\.S\.|n\.s\.|ns)(?![A-Za-z])")
_P_BARE = re.compile(r"[(\[,;]\s*[pP]\s+" + _NUMBER)  # "(p 0.03)" with the sign lost


def _as_float(text: str) -> float | None:
    text = text.replace(" ", "")
    m = re.fullmatch(r"(\d*\.?\d+)[x×]10-?(\d+)", text)
    if m:
        return float(m.group(1)) * 10 ** -int(m.group(2))
    try:
        return float(text.replace("E", "e"))
    except ValueError:
        return None


def _verdict(op: str, value: float | None) -> bool | None:
    if value is None:
        return None
    if op in ("<", "≤", "<=", "=<", "<or=", "less than", "below", "under"):
        return True if value <= SIGNIFICANCE else None if value <= 0.1 else False
    if op in (">", "≥", ">=", "greater than"):
        return False if value >= SIGNIFICANCE - 1e-12 else None
    if value < SIGNIFICANCE:
        return True
    if value > SIGNIFICANCE:
        return False
    return None


def p_values(text: str) -> list[PValue]:
    """Every P value in `text` (normalised first), in order, with its verdict at the 0.05 level."""
    return list(_p_values(normalise(text)))


# p_values, intervals and significance_cues are cached (as tuples; the public functions give lists):
# the comparison finder tests a sentence with them, then reads its label features with them again
@lru_cache(maxsize=32)
def _p_values(text: str) -> tuple[PValue, ...]:
    out: list[PValue] = []
    for m in _P.finditer(text):
        op = m.group(1) or "="  # "P value of 0.2"
        op = re.sub(r"\s+", "", op) if op[0] in "<>=" else op
        value = _as_float(m.group(2))
        if value is not None and value > 1:
            continue
        out.append(PValue(op, value, m.start(), m.end(), _verdict(op, value)))
    for m in _P_BARE.finditer(text):
        value = _as_float(m.group(1))
        if value is not None and value <= 1 and not any(p.start <= m.start() + 1 < p.end for p in out):
            out.append(PValue("=", value, m.start() + 1, m.end(), _verdict("=", value)))
    lower = text.lower()
    for m in (_P_NS.finditer(text) if "ns" in lower or "n.s" in lower else ()):
        if m.group().lower() == "ns" and not m.group().isupper():
            continue  # "ns" as a word part is rare, but "ns" lower-case alone is too ambiguous
        out.append(PValue("ns", None, m.start(), m.end(), False))
    out.sort(key=lambda p: p.start)
    return tuple(out)


class Interval(NamedTuple):
    low: float
    high: float
    ratio: bool  # a ratio measure (OR, RR, HR): the null value is 1, else 0
    start: int
    end: int

    @property
    def excludes_null(self) -> bool:
        null = 1.0 if self.ratio else 0.0
        return self.low > null or self.high < null

    @property
    def side(self) -> int:
        """+1 when the interval lies above the null value, -1 below it, 0 when it holds it."""
        null = 1.0 if self.ratio else 0.0
        return 1 if self.low > null else -1 if self.high < null else 0


_SNUM = r"(-?\s?\d*\.?\d+)"
_CI = re.compile(r"(?:95\s*%|\bCI\b|confidence interval)[^0-9\-]{0,30}?(?:-?\d*\.?\d+\s*[(\[]\s*)?" + _SNUM +
                 r"\s*%?\s*(?:to|-|,|;|–|and)\s*" + _SNUM, re.I)
_RATIO = re.compile(r"\b(?:OR|RR|HR|HRR|IRR|aOR|aHR|aRR|odds ratio|risk ratio|hazard ratio|rate ratio|relative risk|"
                    r"relative rate)\b",
                    re.I)


_DIFFERENCE = re.compile(r"\b(?:difference|MD|WMD|SMD|mean change)\b", re.I)


def intervals(text: str) -> list[Interval]:
    """The confidence intervals of `text`, each marked as a ratio when a ratio measure is named
    within the 60 characters before it."""
    return list(_intervals(normalise(text)))


@lru_cache(maxsize=32)
def _intervals(text: str) -> tuple[Interval, ...]:
    out: list[Interval] = []
    lower = text.lower()
    if "95" not in text and "ci" not in lower and "confidence" not in lower:
        return ()
    for m in _CI.finditer(text):
        try:
            low, high = float(m.group(1).replace(" ", "")), float(m.group(2).replace(" ", ""))
        except ValueError:
            continue
        if low > high:
            continue
        before = max(0, m.start() - 60)
        ratio = bool(_RATIO.search(text, before, m.end())) or (
            low > 0 and high > 0 and low < 1 < high and not _DIFFERENCE.search(text, before, m.end()))
        out.append(Interval(low, high, ratio, m.start(), m.end()))
    return tuple(out)


# Significance words, by what they say. Checked in this order; a span found by an earlier cue is
# not found again by a later one ("not significantly" is never also "significantly").
_SIG_CUES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (name, keys, re.compile(p, re.I)) for name, keys, p in (
        ("nonsig", ("signific",), r"\b(?:no|not|non|nor|without|neither|lack of|absence of|failed to (?:reach|show|"
                                   r"achieve|demonstrate))\b[\s\w-]{0,30}?\bsignifican"),
        ("nonsig", ("signific",), r"\bnon-?significan|\binsignifican"),
        ("nonsig", ("not", "n't"), r"\b(?:did|does|do|was|were|is|are)\s*(?:n[o']t|not)\s+(?:\w+\s+){0,2}"
                                   r"(?:differ|change|affect|alter|improve|increase|decrease|reduce|influence|vary|show)"),
        ("nonsig", ("no ",), r"\bno\s+(?:\w+\s+){0,3}(?:differences?|effects?|changes?|associations?|improvements?|"
                             r"benefits?|impact)"),
        ("nonsig", ("similar", "compar", "equival", "identical", "equally", "better", "same", "inferior"),
         r"\b(?:similar|comparable|equivalent|identical|equally|no better|not better|same|non-?inferior(?:ity)?)\b"),
        ("trend", ("trend", "tend", "marginal", "borderline", "approach"),
         r"\b(?:trend|tendency|tended|marginal(?:ly)?|borderline|approach(?:ed|ing)?\s+(?:statistical\s+)?"
         r"significance)\b"),
        ("sig", ("signific",), r"\bsignifican(?:t|tly|ce)\b"),
        ("diff", ("differ",), r"\b(?:differ(?:ed|ence|ences|ent)?)\b"),
    ))


def significance_cues(text: str) -> list[tuple[str, int, int]]:
    """(cue, start, end) of the significance words of `text`: "sig", "nonsig", "trend", "diff"."""
    return list(_significance_cues(text))


@lru_cache(maxsize=32)
def _significance_cues(text: str) -> tuple[tuple[str, int, int], ...]:
    out: list[tuple[str, int, int]] = []
    taken: list[tuple[int, int]] = []
    lower = text.lower()
    for name, keys, pattern in _SIG_CUES:
        for k in keys:  # a substring test is much faster than the pattern's scan
            if k in lower:
                break
        else:
            continue
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            out.append((name, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda c: c[1])
    return tuple(out)


_UP = ("higher", "greater", "more", "increase", "increased", "increases", "increasing", "elevated", "larger", "longer",
       "raised", "rise", "rose", "risen", "gain", "gained", "augmented", "enhanced", "exceeded", "faster", "quicker", "prolonged",
       "boosted", "highest", "most", "maximal", "stronger", "elevation", "increment", "enhancement", "delayed")
_DOWN = ("lower", "less", "fewer", "decrease", "decreased", "decreases", "decreasing", "reduced", "reduction",
         "reductions", "reduces", "reduce", "smaller", "shorter", "declined", "decline", "fell", "fall", "dropped",
         "drop", "lowered", "diminished", "attenuated", "slower", "lowest", "least",
         "suppressed", "inhibited", "weaker", "prevented", "loss", "earlier", "sooner", "decrement")
_DIRECTION = {w: 1 for w in _UP} | {w: -1 for w in _DOWN}
# Words that say better or worse, not higher or lower: their direction depends on the outcome.
_BETTER = ("improved", "improvement", "improvements", "improve", "improves", "better", "superior", "beneficial",
           "benefit", "effective", "favour", "favor", "favoured", "favored")
_WORSE = ("worse", "worsened", "worsening", "inferior", "deteriorated", "deterioration", "harmful")
VALENCE = {w: 1 for w in _BETTER} | {w: -1 for w in _WORSE}


_INTENSIFIERS = frozenset({"greater", "more", "larger", "bigger", "higher", "stronger", "faster"})
_DIMINISHERS = frozenset({"less", "smaller", "lower", "slower", "weaker", "fewer", "minor"})
_DIRECTION_NOUNS = frozenset({"reduction", "reductions", "decrease", "decline", "increase", "increases", "rise",
                              "improvement", "gain", "loss", "drop", "fall", "elevation"})


def _lexicon_pattern(lexicon: dict[str, int]) -> re.Pattern[str]:
    alternatives = sorted(set(lexicon) | _DIRECTION_NOUNS, key=len, reverse=True)
    return re.compile(fast_words(alternatives, r"[A-Za-z]") + r"(?![A-Za-z])")


_CHANGE_VERBS = frozenset({"fell", "rose"})  # besides the "-ed" forms


def _grades_next(found: list[tuple[str, int, int]], j: int, text: str, lexicon: dict[str, int]) -> bool:
    """Whether the grading word found[j] grades the direction word after it ("more reduced")."""
    if j + 1 >= len(found):
        return False
    nxt = found[j + 1]
    between = text[found[j][2]:nxt[1]]
    return nxt[0] in lexicon and len(between.split()) <= 2 and not _NOT_GRADING.search(between)


_LEXICON_PATTERNS: dict[int, re.Pattern[str]] = {}
_NOT_GRADING = re.compile(r"[,;()]|\b(?:and|or|but|than)\b", re.I)


def direction_cues(text: str, lexicon: dict[str, int] = _DIRECTION, ignore: frozenset[int] = frozenset()
                   ) -> list[tuple[int, int, int]]:
    """(sign, start, end) of each direction word of `text`: +1 for "higher", -1 for "reduced"
    (with `lexicon=VALENCE`, of each valence word: +1 for "improved", -1 for "worse").

    "a greater reduction" and "more reduced" are one cue, -1 (the graded word's sign, within
    three words); "a smaller increase" is -1 too (turned by the diminisher); "the decrease in
    pain was greater" is one cue, -1 (a direction noun within eight words before). Words starting
    at an offset in `ignore` (the outcome's own words: "weight loss", "pain reduction") are no cues."""
    pattern = _LEXICON_PATTERNS.get(id(lexicon))
    if pattern is None:
        pattern = _LEXICON_PATTERNS[id(lexicon)] = _lexicon_pattern(lexicon)
    found = [(m.group().lower(), m.start(), m.end()) for m in pattern.finditer(text) if m.start() not in ignore]
    out: list[tuple[int, int, int]] = []
    skip: set[int] = set()
    for i, (w, start, end) in enumerate(found):
        if i in skip:
            continue
        sign = lexicon.get(w)
        if sign is None:
            continue
        if w not in _INTENSIFIERS and w not in _DIMINISHERS and (w.endswith("ed") or w in _CHANGE_VERBS):
            # "decreased significantly less": a change verb graded by the word after it
            j = i + 1
            grader = found[j] if j < len(found) else None
            between = text[end:grader[1]] if grader is not None else ""
            if (grader is not None and (grader[0] in _INTENSIFIERS or grader[0] in _DIMINISHERS)
                    and len(between.split()) <= 1 and not _NOT_GRADING.search(between)
                    and not _grades_next(found, j, text, lexicon)):
                sign = sign if grader[0] in _INTENSIFIERS else -sign
                end = grader[2]
                skip.add(j)
        elif w in _INTENSIFIERS or w in _DIMINISHERS:
            j = i + 1
            graded = found[j] if j < len(found) else None
            between = text[end:graded[1]] if graded is not None else ""
            if (graded is not None and graded[0] in lexicon and graded[0] not in _INTENSIFIERS
                    and graded[0] not in _DIMINISHERS and len(between.split()) <= 2
                    and not _NOT_GRADING.search(between)):
                sign = lexicon[graded[0]] if w in _INTENSIFIERS else -lexicon[graded[0]]
                end = graded[2]
                skip.add(j)
            elif i > 0 and (i - 1) not in skip and found[i - 1][0] in _DIRECTION_NOUNS and \
                    _words_between(text, found[i - 1][2], start, ignore) <= 7:
                noun = found[i - 1]
                sign = lexicon.get(noun[0], 1) if w in _INTENSIFIERS else -lexicon.get(noun[0], 1)
                if out and out[-1][1] == noun[1]:
                    out.pop()  # the noun counted once, graded
        out.append((sign, start, end))
    return out


_SPACED = re.compile(r"\S+")


def _words_between(text: str, start: int, end: int, ignore: frozenset[int]) -> int:
    """The words of text[start:end], the outcome's own (those starting at an offset in `ignore`) not
    counted: "the reduction in <time for 10 m walking> was greater" has three."""
    return sum(1 for m in _SPACED.finditer(text, start, end) if m.start() not in ignore)


# Words of an arm's description that do not name the arm: units, doses, schedules.
_NOT_ARM = frozenset("""mg kg ml g ug mcg µg iu l dl h hr hrs min mins day days daily week weeks month months year
years dose doses dosing times once twice per every each hour hours minute minutes session sessions oral orally
intravenous intravenously iv po bid tid qd total single double standard regimen therapy plus combined
combination additional additionally same schedule program programme only""".split())


_CONTROL_LIKE = re.compile(r"\b(?:placebo|control|sham|usual|standard|routine|conventional|no\s+(?:treatment|"
                           r"intervention|supplement)|vehicle|saline|waiting|wait-?list|nothing|untreated)\b", re.I)
_CONTROL_WORDS = frozenset({"control", "controls", "placebo", "sham"})
_INTERVENTION_WORDS = frozenset({"intervention", "experimental", "active", "verum"})
# "group A", "Group D0.3", "GS group": a short code that names an arm.
_GROUP_CODE = re.compile(r"\b(?i:groups?)\s+([A-Za-z]{1,2}\d*(?:\.\d+)?|[IVX]{1,4}|\d)\b|"
                         r"\b([A-Z]{1,3}\d*)\s+(?i:groups?)\b")


def _codes(text: str) -> frozenset[str]:
    return frozenset((m.group(1) or m.group(2)).lower() for m in _GROUP_CODE.finditer(text))


# An article's definitions of its group codes: "group D (dexmedetomidine 0.3 µg/kg)", "Group B:
# saline", "group A received lidocaine", "dexmedetomidine (group D)". Codes in capitals or digits.
_CODE = r"([A-Z]{1,2}\d?|[IVX]{1,4}|\d)"
_CODE_DEFINED_AFTER = re.compile(
    r"\b[Gg]roups?\s+" + _CODE + r"\s*(?:\(\s*(?:n\s*=\s*\d+\s*[,;]\s*)?|:\s*|,?\s+(?:received|receiving|"
    r"was given|were given|was treated with|were treated with|underwent)\s+)([^()\n;:.]{3,80})")
_CODE_DEFINED_BEFORE = re.compile(r"\(\s*[Gg]roup\s+" + _CODE + r"\s*(?:[,;][^)]*)?\)")  # the words are before it
_CLAUSE_STOP = re.compile(r"[()\n;:.,]")


def group_definitions(text: str) -> dict[str, frozenset[str]]:
    """The group codes `text` defines (lower-cased, as ArmTerms holds them), each with the content
    stems of the words it is defined by (all its definitions together)."""
    from extract.terms import content_stems

    found: dict[str, set[str]] = {}
    if "roup" not in text:
        return {}
    for m in _CODE_DEFINED_AFTER.finditer(text):
        found.setdefault(m.group(1).lower(), set()).update(content_stems(m.group(2)))
    for m in _CODE_DEFINED_BEFORE.finditer(text):
        before = text[max(0, m.start() - 60):m.start()]
        stops = list(_CLAUSE_STOP.finditer(before))
        words = before[stops[-1].end():] if stops else before
        if not stops and m.start() > 60:
            words = words.split(None, 1)[-1]  # the window's first word may be cut
        if len(words.strip()) >= 3:
            found.setdefault(m.group(1).lower(), set()).update(content_stems(words))
    return {code: frozenset(stems - _NOT_ARM) for code, stems in found.items() if stems - _NOT_ARM}


class ArmTerms(NamedTuple):
    """The stems that name the intervention, the comparator and the outcome of a prompt (or of the
    arms a comparison is about); a stem in both arms names neither. `*_codes` are the short
    group codes ("group A", "GS group") each arm is called by."""

    intervention: frozenset[str]
    comparator: frozenset[str]
    outcome: frozenset[str]
    intervention_codes: frozenset[str] = frozenset()
    comparator_codes: frozenset[str] = frozenset()
    generic: str = ""  # the placeholder "the treatment group" / "the study group" takes ("" for none)

    @classmethod
    def of(cls, intervention: Iterable[str], comparator: Iterable[str], outcome: Iterable[str]) -> "ArmTerms":
        """From the stems of each part (extract.terms.content_stems)."""
        i = {s for s in intervention if s not in _NOT_ARM}
        c = {s for s in comparator if s not in _NOT_ARM}
        o = set(outcome)
        return cls(frozenset(i - c), frozenset(c - i), frozenset(o - i - c))

    @classmethod
    def from_text(cls, intervention: str, comparator: str, outcome: str,
                  abbreviations: dict[str, tuple[str, ...]] | None = None) -> "ArmTerms":
        """From the words of a prompt. An abbreviation the article defines joins the part whose
        words hold most of its long form; "control" and "placebo" name the comparator when it is
        a control-like arm, and "intervention" / "experimental" the intervention."""
        from extract.terms import content_stems

        parts = [set(content_stems(intervention)), set(content_stems(comparator)), set(content_stems(outcome))]
        for abbr, long_form in (abbreviations or {}).items():
            if not long_form:
                continue
            shares = [sum(s in part for s in long_form) / len(long_form) for part in parts]
            best = max(range(3), key=lambda k: shares[k])
            if shares[best] >= 0.6 and abbr not in parts[best]:
                parts[best].add(abbr)
            for k, part in enumerate(parts):  # the prompt uses the abbreviation: add the long form
                if abbr in part and shares[k] < 0.5:
                    part.update(s for s in long_form if s not in STOP_WORDS)
        generic = ""
        if not _CONTROL_LIKE.search(intervention):
            parts[1].update(stem(w) for w in _CONTROL_WORDS)
            parts[0].update(stem(w) for w in _INTERVENTION_WORDS if stem(w) not in parts[1])
            generic = "INTV"
        ic, cc = _codes(intervention), _codes(comparator)
        base = cls.of(*parts)
        return base._replace(intervention_codes=ic - cc, comparator_codes=cc - ic, generic=generic)

    def with_codes(self, definitions: dict[str, frozenset[str]]) -> "ArmTerms":
        """The terms with the article's group codes (`group_definitions`) each arm is called by: a
        code whose definition shares more stems with one arm than with the other names that arm
        ("group D (dexmedetomidine)" for a dexmedetomidine intervention), unless the prompt gives it."""
        ic, cc = set(self.intervention_codes), set(self.comparator_codes)
        for code, stems in definitions.items():
            if code in ic or code in cc:
                continue
            i, c = len(stems & self.intervention), len(stems & self.comparator)
            if i > c:
                ic.add(code)
            elif c > i:
                cc.add(code)
        if len(ic) == len(self.intervention_codes) and len(cc) == len(self.comparator_codes):
            return self
        return self._replace(intervention_codes=frozenset(ic), comparator_codes=frozenset(cc))

    def mirrored(self) -> "ArmTerms":
        """The same terms with the two arms swapped: what a text says of the intervention it then
        says of the comparator, so a significant increase reads as a decrease (the label model's
        training doubles its direction examples this way)."""
        return self._replace(intervention=self.comparator, comparator=self.intervention,
                             intervention_codes=self.comparator_codes, comparator_codes=self.intervention_codes,
                             generic=_OTHER_ARM.get(self.generic, ""))


_OTHER_ARM = {"INTV": "COMP", "COMP": "INTV"}
# "the treatment group", "the study arm": the arm that is not the control (not "placebo-treated group",
# not "both treatment groups").
_GENERIC_ARM = re.compile(r"(?<![-\w])(?:treatment|treated|study)\s+(?:group|arm)(?![\w-])", re.I)
# Words whose stem is a control word's but that never name the control arm ("a controlled trial").
_NOT_ARM_FORMS = frozenset({"controlled", "controlling", "controller", "controllers"})


_MARK_TOKEN = re.compile(r"[^\W_]+(?:\.\d+)?|[<>=≤≥±%]")


def mark_arms(text: str, terms: ArmTerms) -> list[tuple[str, int]]:
    """The lower-cased tokens of `text` with arm and outcome words replaced by INTV, COMP and OUTC
    (a run of the same placeholder kept once), numbers as NUM; each with its character offset."""
    text = normalise(text)
    coded: dict[int, str] = {}
    if terms.intervention_codes or terms.comparator_codes:
        for m in _GROUP_CODE.finditer(text):
            code = (m.group(1) or m.group(2)).lower()
            arm = "INTV" if code in terms.intervention_codes else "COMP" if code in terms.comparator_codes else None
            if arm:
                for t in _MARK_TOKEN.finditer(text, m.start(), m.end()):
                    coded[t.start()] = arm
    if terms.generic and ("group" in text or "arm" in text or "Group" in text):
        for m in _GENERIC_ARM.finditer(text):
            for t in _MARK_TOKEN.finditer(text, m.start(), m.end()):
                coded.setdefault(t.start(), terms.generic)
    out: list[tuple[str, int]] = []
    last = ""
    for m in _MARK_TOKEN.finditer(text):
        w = m.group().lower()
        if m.start() in coded:
            token = coded[m.start()]
        elif w[0].isdigit():
            token = "NUM"
        elif w in _NOT_ARM_FORMS:
            token = w
        else:
            s = stem(w)
            if s in terms.intervention:
                token = "INTV"
            elif s in terms.comparator:
                token = "COMP"
            elif s in terms.outcome:
                token = "OUTC"
            else:
                token = w
        if token == last and token in ("INTV", "COMP", "OUTC", "NUM"):
            continue
        out.append((token, m.start()))
        last = token
    return out
