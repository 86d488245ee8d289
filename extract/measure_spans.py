"""Measure names in a result sentence, in or out of the vocabulary (an open vocabulary).

A blank spaCy pipeline has no parser, so noun phrases are found from the tokens: a chunk is a
run of content words (hyphen, slash and plus glue tokens written without spaces: "IL-6",
"HAQ-DI", "AT+EX"; a number glued to a word is part of it: "SF-36", "DAS28"), "of" after a
quantity word ("levels of IL-6", "incidence of EA", "quality of life"), "and" between two
title-case words ("Timed Up and Go") and an abbreviation in brackets after it ("weight-bearing
pain (WBP)"). Function words, verbs, direction cues, numbers and punctuation end a chunk.

A chunk outside the vocabulary is a measure only in a position a measure takes in a result:
- subject of a result verb: "Pain reduced in both groups", "CPM only improved", "HDL did not differ";
- object of a direction verb: "Cocoa consumption lowered blood cholesterol, triglyceride, ...";
- after a change or effect noun: "reductions in fatigue", "greater improvements in PPTs";
- an item with its values in brackets: "for pain (-5.2 vs. -3.3, p = 0.003), physical function (...)";
- a quantity of people: "45% of those on atorvastatin having no decrease in CRP";
- coordinated with one of these ("ESR, CRP and serum IL-12 were reduced").
A chunk whose head is a group, a population, a time or a statistic ("the placebo group",
"patients", "week", "P value", "between-group differences") is not a measure. Chunks holding a
vocabulary mention are always measures (the outcome reader decides what their numbers are).

Names: a coordinated list after an instrument's sub-scale is named from the instrument
("WOMAC pain, activity and stiffness scores" -> "WOMAC pain", "WOMAC activity", "WOMAC
stiffness"; "aspects of WOMAC: pain (...), function (...)"); items of "The most common serious
adverse events were ascites (...), sepsis (...)" are named "serious adverse events: ascites".
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from operator import add, eq
from typing import Sequence

from extract.cues import cue_kind
from extract.document import Mention, Sentence, Text
from extract.estimates import NAME_PATTERN
from extract.measures import canonical_measure, clean_measure_name
from extract.lexer import load_rules
from extract.quantities import NUMBER_WORDS

__all__ = ["MeasureSpan", "find_measures", "instrument_subscales"]

DETERMINERS = frozenset("the a an this these that those its their his her our each every any some both all".split())
FUNCTION_WORDS = frozenset(
    "in at after before during from to by with without between among amongst versus vs vs. than for on over within "
    "following since until via per across through throughout compared against into under as like about around "
    "toward towards upon and or but while whereas although though nor either neither which that who whom whose where "
    "when because if so thus therefore hence whether not no nor also only both all there it they we this these "
    "was were is are be been being has have had did do does can could may might would should will shall "
    "showed shown show shows demonstrated revealed reported observed found noted seen remained became reached "
    "achieved met attained experienced developed suffered produced resulted led leads lead caused received underwent "
    "differed differ differs changed appeared occurred tended ranged included involved used measured assessed "
    "evaluated obtained yielded gave provided suggested indicated confirmed showed proved of died deceased "
    "relapsed recurred occurring occurred randomized randomised allocated assigned enrolled included recruited "
    "screened completed withdrew discontinued".split())
# verbs of result sentences in their forms (a blank pipeline has no part-of-speech tags)
_VERB_STEMS = ("observ find found show demonstrat reveal report detect not see seen achiev reach attain experienc "
               "develop produc result lead led caus receiv underw undergo compar differ chang appear occur tend rang "
               "includ involv us measur assess evaluat obtain yield giv gave provid suggest indicat confirm prov "
               "remain becom became predict correlat associat exhibit present display record requir need allow "
               "help enabl exceed compris consist contain affect influenc improv worsen maintain persist sustain "
               "return recover respond relat link depend continu start stop began begin")
_VERB_FORMS = frozenset(f"{v}{e}" for v in _VERB_STEMS.split() for e in ("", "e", "es", "ed", "s", "ing", "ied", "ies",
                                                                          "ated", "ates"))
RESULT_VERBS = frozenset(
    "was were is are did does remained differed differ changed tended appeared showed shown reached became "
    "ranged rose fell occurred occur occurs developed resolved persisted recurred".split())
AUX = frozenset("was were is are been be being".split())
# words that take "of" inside a measure name: "levels of IL-6", "incidence of EA", "quality of life"
OF_HEADS = frozenset(
    "level levels concentration concentrations incidence rate rates risk proportion proportions number numbers "
    "percentage percentages prevalence frequency occurrence severity duration quality intensity degree amount "
    "length score scores index time titer titers titre titres value values count counts expression activity "
    "ratio odds area volume mass density speed velocity range sum total loss gain use consumption intake "
    "production secretion release uptake excretion function durations lengths times volumes intensities "
    "frequencies severities".split())
# change and effect nouns: "reductions in fatigue", "change in DAS28", "effect on pain"
CHANGE_NOUNS = frozenset(
    "change changes reduction reductions decrease decreases increase increases improvement improvements "
    "difference differences rise fall decline declines elevation elevations worsening deterioration effect effects "
    "lowering gain gains loss losses benefit benefits response responses ratio ratios risk risks".split())
# a chunk headed by one of these is not a measure
_VALUE_ADJECTIVES = frozenset(
    "low high lower higher similar comparable better worse greater smaller larger poor good excellent superior "
    "inferior increased decreased reduced elevated stable unchanged normal modest moderate marked significant".split())
NOT_MEASURE_HEADS = frozenset(
    "group groups arm arms cohort cohorts cluster clusters patient patients subject subjects participant "
    "participants people persons individuals women men children infants adults volunteers cases controls "
    "study studies trial trials analysis analyses result results data finding findings evidence "
    "week weeks month months day days year years hour hours minute minutes visit visits baseline end "
    "rest night motion movement exertion "  # "pain at rest", "pain on movement": a condition, not a measure
    "entry inclusion enrolment enrollment randomization randomisation "  # "DAS28 at entry": a time
    "time timepoint timepoints point points period periods follow-up followup "
    "p value values ci interval intervals significance level difference differences effect effects change "
    "changes improvement improvements reduction reductions increase increases decrease decreases "
    "outcome outcomes endpoint endpoints end-point end-points measure measures parameter parameters variable "
    "variables criteria criterion dose doses dosage treatment treatments therapy therapies intervention "
    "interventions placebo control regimen regimens drug drugs mg kg ml side sides "
    "trend trends pattern patterns profile profiles benefit benefits response responses comparison comparisons "
    "number numbers rate rates proportion percentage scores score level levels total mean median average "
    "one two three four five six seven eight nine ten respect addition contrast total percent parents mothers "
    "fathers nurses students teachers caregivers physicians doctors clinicians sample samples population populations "
    "set sets method methods females males girls boys adolescents elderly".split())
_EVALUATIVE = re.compile(r"(?:(?:significantly|statistically|clinically|not|also|as|equally|slightly|much|far|most|"
                         r"highly|very|more|less|the)\s)*"
                         r"(?:better|worse|superior|inferior|non-?inferior|equivalent|more\s+effective|less\s+effective|"
                         r"effective|safe|safer|well\s+tolerated|preferred|cost-?effective)\b")
# statistical tests are not measures: "Independent t-test", "Mann-Whitney's U test"
_TEST_NAME = re.compile(r"\b(?:t-?tests?|u\s?tests?|chi-?squared?|χ2|anova|ancova|manova|regression|kruskal|wilcoxon|"
                        r"mann-?whitney|fisher'?s?|log-?rank|analys[ie]s|cox|kaplan|mixed\s+model|post\s?hoc)\b", re.I)
NOT_MEASURE_FIRST = frozenset(
    "we our it its they there these those this that however moreover furthermore additionally overall also "
    "conclusion conclusions background methods results objective objectives aim aims purpose".split())
# adjectives that are never (part of) a measure's name on their own
NOT_MEASURE_WORDS = frozenset(
    "significant significantly similar comparable maximum minimum greater lower higher larger smaller shorter longer "
    "fewer better worse superior inferior different statistically clinically meaningful marked respective "
    "overall respectively versus vs vs. et al frequent common likely unlikely prevalent effective efficacious "
    "evident apparent pronounced rapid safe tolerated beneficial favourable favorable successful useful able "
    "possible important relevant associated".split())
ADVERB_LIKE = frozenset(
    "significantly statistically markedly substantially slightly also only further still not most "
    "least very greatly considerably similarly respectively overall notably clearly numerically nominally "
    "rapidly gradually both all".split())
_INTRO = re.compile(r"^(?:at|after|by|in|on|during|within|following|over|compared|among|for|from|with|at)\b", re.I)
_QUANT_OF_PEOPLE = re.compile(
    r"\b(?:of|in)\s+(?:the\s+)?(?:patients?|subjects?|participants?|those|women|men|children|individuals|people)"
    r"(?:\s+(?:on|in|receiving|treated\s+with|given|taking|allocated\s+to|randomi[sz]ed\s+to)\s+[\w+/-]+(?:\s+[\w+/-]+)?)?"
    r"\s+(?:who\s+)?(?:having|had|has|have|with|achieving|achieved|reaching|reached|experiencing|experienced|"
    r"reporting|reported|developing|developed|showing|showed|attaining|attained|meeting|met)\s+$", re.I)
_PEOPLE_QUANTITY = re.compile(r"\b(?:proportions?|percentages?|numbers?|rates?|incidence|share)\s+of\s+(?:the\s+)?"
                              r"(?:patients|subjects|participants|women|men|children|infants|newborns|neonates|"
                              r"individuals|people|pregnancies|births|deliveries|mothers|cases|eyes|teeth|knees)$", re.I)
_PARTICIPLE_GAP = re.compile(r"\s(?:who\s+(?:had|were|needed|required|achieved|experienced|reported|developed|"
                             r"received|exceeded|met|reached)\s+|needing\s+|requiring\s+|with\s+|having\s+|achieving\s+|"
                             r"experiencing\s+|reporting\s+|developing\s+|showing\s+|exceeding\s+|meeting\s+|"
                             r"reaching\s+|attaining\s+|free\s+of\s+|without\s+)(?:an?\s+|the\s+|any\s+|"
                             # "with ≥1 exacerbation", "with at least one flare": a count threshold of the name
                             r"(?P<threshold>(?:≥|>=|>|at\s+least\s|more\s+than\s|one\s+or\s+more\s)\s?(?:\d+|one|two|three)?\s))?",
                             re.I)
_PEOPLE_VERBS = frozenset(
    "having had has have with achieving achieved reaching reached experiencing experienced reporting reported "
    "developing developed showing showed attaining attained meeting met suffered".split())
# ("estrogen receptor (1D5) was 59.53%", "progesterone receptor (PgR 636), was 59.34": a short label in brackets between)
_IN_SHARE = re.compile(r"in\s+(?:\d+(?:\.\d+)?\s?%|\d+\s?(?:[(\[]\s?\d+(?:\.\d+)?\s?%|(?:patients?|subjects?|participants?|cases)\b))",
                       re.I)
_OF_VALUE = re.compile(r"(?:\s\([^()]{1,12}\),?)?\s(?:of|was|were|is|are|=|:)\s?[-+−]?\d")
# ("adjusted HR", "the crude odds ratio": an estimate's name with its model's word)
_ESTIMATE_NAME = re.compile(rf"(?i:(?:the\s+)?(?:(?:un)?adjusted|crude|multivariable|multivariate|stratified)\s+)?"
                            rf"(?:{NAME_PATTERN})(?:\s?\(\w+\))?")
_COORDINATION = re.compile(r"\s?(?:,|;)?\s?(?:,?\s?(?:and|or|as\s+well\s+as)\s)?\s?")
# the characters a _COORDINATION match is made of, besides white space
_COORDINATION_CHARS = frozenset(",;andorswel ")


def _coordinated(text: str, start: int, end: int) -> bool:
    """Whether _COORDINATION.fullmatch(text, start, end): most gaps between two chunks hold a
    character no coordination has, which a set difference finds before the pattern is tried."""
    other = set(text[start:end]) - _COORDINATION_CHARS
    if other and not all(ch.isspace() for ch in other):  # \s is str.isspace
        return False
    return _COORDINATION.fullmatch(text, start, end) is not None
_PEOPLE_HAD = re.compile(
    r"\b(?:patients?|participants?|subjects?|those|women|men|children|individuals|people|infants|mothers)\b"
    r"(?:\s+[\w+/-]+){0,4}?(?:\s?[(\[][^()\[\]]{0,20}[)\]])?\s+(?:had|experienced|developed|reported|suffered(?:\s+from)?|showed)"
    r"\s+(?:an?\s+|the\s+|any\s+)?$", re.I)  # "patients (2.1%) developed ...": the count's percentage may stand first
_CATEGORY = re.compile(r"\bmost\s+(?:common(?:ly\s+(?:reported|observed))?|frequent(?:ly\s+(?:reported|observed|occurring))?|"
                       r"prevalent|important)\s+$", re.I)
_MOST = re.compile(r"[Mm](?i:(?<=m)ost)")
_NUMBER_WORD = re.compile(r"[(\[]\s?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|[a-z]+teen|"
                          r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b", re.I)


@dataclass(frozen=True)
class MeasureSpan:
    name: str  # the row's measure: the vocabulary name where the whole name is one, else the cleaned name
    text: str  # as written
    canonical: str | None
    start: int
    end: int
    token_start: int
    token_end: int
    role: str  # vocab, subject, object, cue, item, people, list
    mention: Mention | None = None  # the vocabulary mention inside it
    change: bool = False  # written as a change ("DAS28 changes", "mean change in X")


@dataclass(slots=True)
class _Chunk:
    ts: int  # token indices [ts, te)
    te: int
    start: int
    end: int
    role: str = ""
    mention: Mention | None = None
    prefix: str = ""  # instrument or category the name is completed with
    change: bool = False
    ok: bool = True  # may be a measure (not a group, a population, a comparator)
    name: str = ""  # the name to use instead of the chunk's text (a sub-scale word)


@lru_cache(maxsize=1)
def instrument_subscales() -> dict[str, frozenset[str]]:
    """Instrument name -> its sub-scale words (measures.json "subscales")."""
    return {m["name"]: frozenset(m["subscales"]) for m in load_rules("measures")["measures"] if m.get("subscales")}


def _tok_end(t: Text, i: int) -> int:
    return t.token_starts[i] + len(t.tokens_lower[i])


_JOINERS = frozenset("- / + ' ’ ·".split())
COMPARATIVES = frozenset("shorter longer higher lower greater smaller larger fewer more less better worse faster "
                        "slower earlier later poorer richer stronger weaker".split())


@lru_cache(maxsize=65536)
def _is_content(word: str) -> bool:
    if not word or word in FUNCTION_WORDS or word in DETERMINERS or word in NUMBER_WORDS or word in _VERB_FORMS \
            or word in NOT_MEASURE_WORDS or word in COMPARATIVES or word == "out":
        return False  # "out": "35 out of 39", never a measure's word on its own
    if word[0].isalpha():
        if cue_kind(word) is not None and len(word) > 3:
            return False
        if len(word) > 5 and word.endswith("ly") and word not in ("family", "anomaly", "assembly", "supply"):
            return False
        return True
    return False


_GROUP_WORDS = frozenset("group groups arm arms cohort cohorts".split())


def _group_ahead(ws: list[str], cont: list[bool], j: int, n: int) -> bool:
    """Whether the words from j name a group ("the rate of the UC-MSC group (86.7%)": the measure ends before "of")."""
    for m in range(j, min(n, j + 6)):
        if ws[m] in _GROUP_WORDS:
            return True
        if not (cont[m] or ws[m] in _JOINERS):
            return False
    return False


_OR_AND_SLASH = re.compile(r"\s(?:or|and)\s|\s?/\s?")


def find_measures(t: Text, sent: Sentence, mentions: Sequence[Mention], arm_names: Sequence[str] = ()) -> list[MeasureSpan]:
    """The measures of a result sentence, in text order (see the module docstring)."""
    toks = t.tokens_lower
    starts = t.token_starts
    i0 = t.token_index(sent.start)
    if i0 < len(starts) and starts[i0] < sent.start:
        i0 += 1
    i1 = bisect_left(starts, sent.end, i0)
    text = t.text
    ws = toks[i0:i1]  # the sentence's tokens, indexed from 0 below
    ss = starts[i0:i1]
    n = len(ws)
    es = list(map(add, ss, map(len, ws)))
    gl = [False, *map(eq, ss[1:], es)]  # written without a space after the one before
    cont = list(map(_is_content, ws))
    if "effective" in ws:  # "total effective rate": before "rate", "effective" names a measure (alone it never does)
        for j in range(n - 1):
            if ws[j] == "effective" and ws[j + 1] in ("rate", "rates"):
                cont[j] = True
    paren_at: dict[int, int] = {}  # "(" token -> its ")" token (absolute indices, as the helpers use)
    inside = bytearray(n + 1)
    if "(" in sent.text or "[" in sent.text:
        stack: list[int] = []
        for j, w in enumerate(ws):
            if w == "(" or w == "[":
                stack.append(j)
            elif (w == ")" or w == "]") and stack:
                o = stack.pop()
                paren_at[i0 + o] = i0 + j
                inside[o:j + 1] = b"\x01" * (j + 1 - o)
    chunks: list[_Chunk] = []
    k = 0
    while k < n:
        w = ws[k]
        if not cont[k]:
            # "28-joint disease activity score", "6-minute walk distance": a number hyphened to a word
            if not ((w[:1].isdigit() or w in NUMBER_WORDS) and k + 2 < n and ws[k + 1] == "-" and gl[k + 1]
                    and gl[k + 2] and ws[k + 2][:1].isalpha() and ws[k + 2] not in NUMBER_WORDS):
                k += 1
                continue
        if inside[k] and not _abbreviation_paren(t, i0 + k, paren_at) and not _label_measure(ws, k, n):
            k += 1
            continue
        ts = k
        k += 1
        while k < n:
            w2 = ws[k]
            g = gl[k]
            if cont[k] and (not inside[k] or inside[ts]):
                k += 1
                continue
            if g:
                c0 = w2[:1]
                if w2 in _JOINERS and k + 1 < n and gl[k + 1] and ws[k + 1][:1].isalnum():
                    k += 2  # "IL-6", "HAQ-DI", "Treg/Th17", "AT+EX", "Crohn's"
                    continue
                if w2 == "+":  # "CD4+", "AT+EX"
                    k += 1
                    continue
                if c0.isdigit() and (ws[k - 1][:1].isalpha() or ws[k - 1] in ("-", "/")):
                    k += 1  # "DAS28", "SF-36", "IL-6"
                    continue
                if c0.isalpha() and ws[k - 1][:1].isdigit():
                    k += 1  # "6MWD", "IL-1beta"
                    continue
            if w2 == "of" and ws[k - 1] in OF_HEADS and k + 1 < n and (
                    cont[k + 1] or (ws[k + 1] == "the" and k + 2 < n and cont[k + 2])) \
                    and not _group_ahead(ws, cont, k + (2 if ws[k + 1] == "the" else 1), n):
                k += 2 if ws[k + 1] != "the" else 3
                continue
            if w2 == "." and g and len(ws[k - 1]) == 1 and text[ss[k - 1]].isupper() and k + 1 < n \
                    and ws[k + 1].isalpha() and text[ss[k + 1]].islower() and cont[k + 1]:
                k += 2  # "P. gingivalis", "S. aureus"
                continue
            if w2 == "to" and ws[k - 1] == "time" and k + 1 < n and (cont[k + 1] or ws[k + 1] in ("first", "the")):
                k += 1  # "time to treatment failure", "time to first rescue analgesia"
                continue
            if w2 in DETERMINERS and len(w2) > 1 and text[ss[k]:es[k]].isupper():
                k += 1  # "HER2": an acronym, not "her"
                continue
            if w2 == "and" and k + 1 < n and k - 1 > 0 and _title(text, ss[k - 1]) and _title(text, ss[k + 1]):
                k += 2  # "Timed Up and Go", "Western Ontario and McMaster"
                continue
            break
        te = k
        # an abbreviation in brackets right after: "weight-bearing pain (WBP)"
        if te < n and (ws[te] == "(" or ws[te] == "[") and i0 + te in paren_at \
                and _abbreviation_paren(t, i0 + te, paren_at):
            te = paren_at[i0 + te] + 1 - i0
            k = te
        chunks.append(_Chunk(i0 + ts, i0 + te, ss[ts], es[te - 1]))
    if not chunks:
        return []
    for m in mentions:
        for c in chunks:
            if c.start <= m.start and m.end <= c.end and c.mention is None:
                c.mention = m
    _trim(t, chunks)
    chunks = [c for c in chunks if c.te > c.ts]
    # "EULAR good or moderate response": a coordination that still names the one vocabulary measure;
    # "the proportion of subjects needing additional uterotonic treatment": one name across the participle
    merged: list[_Chunk] = []
    for c in chunks:
        p = merged[-1] if merged else None
        gap = _PARTICIPLE_GAP.fullmatch(text, p.end, c.start) if p is not None else None
        if gap is not None and _PEOPLE_QUANTITY.search(text, p.start, p.end) and (
                gap.group("threshold") is None or c.mention is None
                or canonical_measure(text[p.start:c.end]) == canonical_measure(c.mention.text)):
            # (past a threshold, only while the whole still names the vocabulary measure: "with at least 1 AE" stays
            # "adverse events")
            p.te, p.end = c.te, c.end
            if c.mention is not None and p.mention is None:
                p.mention = c.mention
            continue
        if p is not None and p.mention is not None and c.mention is None \
                and _OR_AND_SLASH.fullmatch(text[p.end:c.start]) \
                and canonical_measure(text[p.start:c.end]) == canonical_measure(p.mention.text):
            p.te, p.end = c.te, c.end
            continue
        merged.append(c)
    chunks = merged
    arm_low = [a.lower() for a in arm_names if a]
    _comparators(t, chunks, i0)
    for c in chunks:
        if c.ok:
            if c.mention is not None:
                _trim_arm_tail(t, c)
            c.ok = _measure_like(text[c.start:c.end], c, arm_low, toks)
    _roles(t, sent, chunks, i0, i1, paren_at)
    _name_lists(t, chunks)
    out: list[MeasureSpan] = []
    # "86 (9.9%) intervention participants and 111 (12.9%) control participants died": the verb names the event
    for k in (range(i0 + 1, i1) if not _EVENT_VERBS.keys().isdisjoint(ws) else ()):
        if toks[k] in _EVENT_VERBS and not any(c.ts <= k < c.te for c in chunks):
            name = _EVENT_VERBS[toks[k]]
            s_, e_ = starts[k], _tok_end(t, k)
            out.append(MeasureSpan(name, text[s_:e_], canonical_measure(name), s_, e_, k, k + 1, "event"))
    for c in chunks:
        if c.mention is not None and not c.ok:
            # "in the RF tonsil ablation group": a vocabulary word inside an arm's name
            out.append(MeasureSpan("", text[c.start:c.end], None, c.start, c.end, c.ts, c.te, "arm", c.mention))
            continue
        if not c.role or not c.ok:
            continue
        raw = text[c.start:c.end]
        own = c.name or raw
        name_text = f"{c.prefix}{own}" if c.prefix and not own.lower().startswith(c.prefix.lower()) else own
        cleaned = clean_name(name_text)
        if not cleaned:
            continue
        canon = canonical_measure(cleaned)
        out.append(MeasureSpan(canon or cleaned, raw, canon, c.start, c.end, c.ts, c.te, c.role, c.mention, c.change))
    out.sort(key=lambda m: m.start)
    return out


_EVENT_VERBS = {"died": "deaths", "deceased": "deaths", "relapsed": "relapse", "recurred": "recurrence"}


_LABEL_HEADS = frozenset("rate rates score scores level levels count counts incidence time index proportion ratio "
                         "pressure weight concentration concentrations duration volume percentage".split())


def _label_measure(ws: tuple[str, ...], k: int, n: int) -> bool:
    """Whether the words from k inside brackets are a measure's label before its values: "(biochemical
    pregnancy rate: 17.3% versus 23.9%; clinical pregnancy rate: ...)"."""
    j = k
    while j < n and j - k < 6 and ws[j][:1].isalpha():
        j += 1
    if j < n and ws[j] == ":" and j > k and ws[j - 1] in _LABEL_HEADS:
        return True
    j = k  # the other names may hold digits and joiners: "CD4+ count change", "HIV-1 RNA"
    while j < n and j - k < 8 and (ws[j][:1].isalnum() or ws[j] in ("-", "+", "/")):
        j += 1
    if not (j < n and ws[j] == ":" and j > k and ws[k][:1].isalpha()):
        return False
    # "(mean CD4 count change: 170 vs 183 cells/mm3, ...)": any name, before two values compared
    q = j + 1 + (j + 1 < n and ws[j + 1] in ("+", "-"))
    return q < n and ws[q][:1].isdigit() and any(w in ("vs", "vs.", "versus") for w in ws[q + 1:q + 8])


_LETTER_RUN = re.compile(r"[A-Za-z]+")


def _title(text: str, pos: int) -> bool:
    """A title-case word ("Ontario", "Up"), not an acronym ("HAQ")."""
    w = _LETTER_RUN.match(text[pos:pos + 30])
    return bool(w) and w.group(0)[0].isupper() and (len(w.group(0)) == 1 or not w.group(0)[1:].isupper())


_SHORT_WORD_LIST = re.compile(r"\s?[A-Za-zα-ωΑ-Ω][\w+/\-α-ωΑ-Ω]*(?:[ ,;][A-Za-zα-ωΑ-Ω][\w+/\-α-ωΑ-Ω]*){0,3}\s?")


def _abbreviation_paren(t: Text, k: int, paren_at: dict[int, int]) -> bool:
    """Whether the bracket opening at token k holds only a short name ("(WBP)", "(hs-CRP)", "(AEs)")."""
    end = paren_at.get(k)
    if end is None or end - k > 8 or end == k + 1:
        return False
    inner = t.text[t.token_starts[k] + 1:t.token_starts[end]]
    return bool(_SHORT_WORD_LIST.fullmatch(inner)) \
        and any(ch.isupper() for ch in inner)


_TIME_UNITS = frozenset("week weeks month months day days year years hour hours wk wks mo".split())
# a clause led by its timepoint: "Week 48 ...", "At 12 months ...", "At week 48, ..." (then the measure is the subject)
_TIME_LEAD = re.compile(r"(?:^|[:;,]\s?|\b(?:although|though|while|whereas|but)\s)(?:(?:at|after|by|on|during|over|within|following)\s+)?(?:the\s+)?"
                        r"(?:(?:weeks?|months?|days?|years?|visit)\s+\d+|\d+\s+(?:weeks?|months?|days?|years?|hours?))"
                        r"\s?,?\s(?:(?:the|mean|median|average)\s)*$", re.I)


def _trim(t: Text, chunks: list[_Chunk]) -> None:
    """Leading determiners and adverbs go; "changes in"/"levels of" before the name go (and mark a change)."""
    toks = t.tokens_lower
    for c in chunks:
        while c.ts < c.te and (toks[c.ts] in DETERMINERS or toks[c.ts] in ADVERB_LIKE):
            c.ts += 1
        if c.te - c.ts > 1 and toks[c.ts] in _STATISTIC_WORDS and c.ts > 1 and (
                toks[c.ts - 1] in ("±", "/", "+") or toks[c.ts - 2:c.ts] == ("/", "-")):
            c.ts += 1  # "The mean ± SD HAQ score was ...": the statistic's name is not the measure's
        if c.te - c.ts > 1 and toks[c.ts] in _TIME_UNITS and c.ts > 0 and toks[c.ts - 1][:1].isdigit():
            c.ts += 1  # "At 12 months median triglycerides were ...": the timepoint's unit is not the name's
        # "mean change(s) (from baseline) in/of X", "changes in X": the measure is X
        j = c.ts
        while j < c.te and toks[j] in ("mean", "median", "average", "overall", "absolute", "relative", "percent",
                                       "percentage"):
            j += 1
        if j < c.te and toks[j] in CHANGE_NOUNS and toks[j] not in ("effect", "effects", "response", "responses"):
            c.change = True
        if c.ts < c.te:
            c.start = t.token_starts[c.ts]
        last = toks[c.te - 1] if c.te > c.ts else ""
        if last in ("change", "changes", "reduction", "reductions", "improvement", "improvements"):
            c.change = True


_AND_OR_THE = re.compile(r"\s(?:and|or)\s(?:the\s)?")


def _comparators(t: Text, chunks: list[_Chunk], i0: int) -> None:
    """Chunks that name what is compared are not measures: "between UV exposed and non-exposed
    volunteers", "compared with the low-molecular-weight heparin", "than placebo"."""
    toks = t.tokens_lower
    text = t.text
    for i, c in enumerate(chunks):
        j = c.ts - 1
        while j >= i0 and (toks[j] in DETERMINERS or toks[j] in ADVERB_LIKE):
            j -= 1
        prev = toks[j] if j >= i0 else ""
        prev2 = toks[j - 1] if j - 1 >= i0 else ""
        if prev in ("between", "versus", "vs", "vs.", "than") or (prev in ("with", "to") and prev2 == "compared") \
                or (prev in ("with", "to") and prev2 in ("treated", "randomized", "randomised", "allocated", "assigned",
                                                         "given")) or prev in ("receiving", "taking"):
            if c.mention is None:
                c.ok = False
            if prev == "between" and i + 1 < len(chunks) and _AND_OR_THE.fullmatch(text[c.end:chunks[i + 1].start]):
                if chunks[i + 1].mention is None:
                    chunks[i + 1].ok = False


_ANY_DIGIT = re.compile(r"\d")


_STATISTIC_WORDS = frozenset("sd se sem iqr".split())


_LABEL_PAIR_AFTER = re.compile(r"\s?[-+]?\d[\d.,]*\s?%?(?:\s?[(\[][^()\[\]]{0,20}[)\]])?\s?(?:[a-zA-Zμµ/]{1,8}\s)?"
                               r"(?:vs\.?|versus)\s?[-+]?\d")
_NOT_CHANGED = frozenset("greatest largest smallest individual mean median average overall total absolute relative "
                         "percent percentage".split())  # "the greatest individual change was 10 dB": no measure


def _roles(t: Text, sent: Sentence, chunks: list[_Chunk], i0: int, i1: int, paren_at: dict[int, int]) -> None:
    toks = t.tokens_lower
    text = t.text
    people: bool | None = None  # whether the sentence names people: found where a chunk needs it
    for idx, c in enumerate(chunks):
        if not c.ok:
            continue
        after_i = c.te
        # subject: clause-initial, then (adverbs,) a result verb or a direction cue
        j = after_i
        if j < i1 and toks[j] in ("change", "changes") and c.mention is None and toks[c.te - 1] not in _NOT_CHANGED:
            # "The CD4 count change (from baseline) was 170 vs 183": the measure written as a change
            j += 1
            fb = [w for w in toks[j:j + 4] if w != "-"][:2]  # "change from baseline", "change-from-baseline"
            if fb == ["from", "baseline"]:
                while toks[j] != "baseline":
                    j += 1
                j += 1
            c.change = True
        after_change = j
        skip_pp = _skip_group_phrase(toks, j, i1)
        j = skip_pp
        while j < i1 and toks[j] in ADVERB_LIKE:
            j += 1
        nxt = toks[j] if j < i1 else ""
        prev_i = c.ts - 1
        while prev_i >= i0 and (toks[prev_i] in DETERMINERS or toks[prev_i] in ADVERB_LIKE
                                or toks[prev_i] in ("mean", "median", "average", "total", "serum", "plasma")
                                or (toks[prev_i] == ")" and prev_i - 2 >= i0 and toks[prev_i - 2] == "("
                                    and toks[prev_i - 1] in _STATISTIC_WORDS)):
            prev_i -= 3 if toks[prev_i] == ")" else 1  # "the mean (SD) IIEF-EF score": the statistic's bracket
        prev = toks[prev_i] if prev_i >= i0 else ""
        if prev == "from" and prev_i > i0 and toks[prev_i - 1] == "suffered":
            prev = "suffered"  # "patients ... suffered from skin toxicity": the event they had
        clause_initial = prev in ("", ",", ";", ":") or (prev in ("but", "while", "whereas") and prev_i > i0
                                                        and toks[prev_i - 1] in (",", ";")) or prev == "and" or (
            (prev[:1].isdigit() or prev in _TIME_UNITS) and _TIME_LEAD.search(text[sent.start:c.start]) is not None)
        if prev == "," and prev_i > i0:
            lead = text[sent.start:t.token_starts[prev_i]]
            if not _INTRO.match(lead.strip()) and len(lead.split()) > 6:
                clause_initial = False
        is_cue = cue_kind(nxt) is not None if nxt else False
        if nxt in AUX and c.mention is None and _EVALUATIVE.match(" ".join(toks[j + 1:j + 5])):
            c.ok = False  # "EDOF was significantly better than AOMF ...": an intervention compared
            continue
        if clause_initial and (nxt in RESULT_VERBS or is_cue or (nxt == "did" and j + 1 < i1)):
            # "SPAZ reduced LBW": the subject of a transitive cue is the agent, not a measure
            if is_cue and nxt not in AUX and j + 1 < i1 and _is_content(toks[j + 1]) \
                    and toks[j + 1] not in ("in", "by", "from", "to", "at", "after", "significantly"):
                pass
            elif is_cue and nxt not in AUX and j + 1 < i1 and toks[j + 1] in DETERMINERS:
                pass
            else:
                c.role = "subject"
                continue
        # a measure with its value: "a ferritin level of 48 ng/mL", "mean HbA1c was 7.2%"
        if _OF_VALUE.match(text, c.end):
            c.role = "subject"
            continue
        # object of a direction verb: "lowered blood cholesterol", "SPAZ reduced LBW"
        if prev and cue_kind(prev) is not None and len(prev) > 3 and prev.endswith(("ed", "ing")) \
                and not (prev_i - 1 >= i0 and toks[prev_i - 1] in AUX):
            c.role = "object"
            continue
        # after a comparative: "a shorter median time to treatment failure (2.3 versus 4.2 months)"
        if prev in COMPARATIVES and (c.mention is not None or (after_i < i1 and toks[after_i] in ("(", "["))
                                     or _ANY_DIGIT.search(text[c.end:c.end + 60])):
            c.role = "cue"
            continue
        # after a change noun: "reductions in fatigue", "difference in X", "effect on pain"
        if prev in ("regarding", "concerning") or (prev == "to" and prev_i - 2 >= i0 and toks[prev_i - 1] in (
                "regard", "respect")) or (prev == "of" and prev_i - 2 >= i0 and toks[prev_i - 1] == "terms"):
            c.role = "cue"  # "no difference regarding the NYHA functional class", "in terms of pain"
            continue
        if prev in ("in", "of", "on", "for") and prev_i - 1 >= i0:
            p2 = prev_i - 1
            while p2 >= i0 and toks[p2] in ("significant", "greater", "larger", "smaller", "mean", "marked",
                                            "statistically", "significantly", "clinically", "meaningful"):
                p2 -= 1
            # "differences between the groups in the total number of ...": skip "between (the) (two) groups"
            if p2 >= i0 and toks[p2] in ("groups", "arms", "treatments") and p2 - 1 >= i0:
                q = p2 - 1
                while q >= i0 and toks[q] in ("the", "two", "three", "treatment", "study", "both"):
                    q -= 1
                if q >= i0 and toks[q] == "between":
                    p2 = q - 1
            if p2 >= i0 and (toks[p2] in CHANGE_NOUNS or cue_kind(toks[p2]) is not None):
                c.role = "cue"
                continue
        # a label with its values: "(biochemical pregnancy rate: 17.3% versus 23.9%; ...)"
        if after_change < i1 and toks[after_change] == ":" and (toks[c.te - 1] in _LABEL_HEADS or _LABEL_PAIR_AFTER.match(
                text, t.token_starts[after_change] + 1)):
            c.role = "item"  # ("mean CD4 count change: 170 vs 183 cells/mm3": any name, with two values compared)
            continue
        # "The ACR20 response rate was low (60%)": a copula's adjective with the value in brackets, not a measure
        if prev in ("was", "were") and c.te - c.ts == 1 and toks[c.ts] in _VALUE_ADJECTIVES:
            c.ok = False
            continue
        # a listed event with its share of people after "in": "..., haematoma in 8.4%, haemothorax in 1.7%"
        if prev in (",", ";", "and", "or") and after_i < i1 and toks[after_i] == "in" and _IN_SHARE.match(
                text, t.token_starts[after_i]):
            c.role = "item"
            continue
        # an item with its values in brackets: "for pain (-5.2 vs. -3.3, p = 0.003)"
        if after_i < i1 and toks[after_i] in ("(", "[") and after_i in paren_at:
            inner = text[t.token_starts[after_i]:t.token_starts[paren_at[after_i]]]
            if (_ANY_DIGIT.search(inner) or _NUMBER_WORD.match(inner)) and (prev in (
                    "", ",", ";", ":", "and", "or", "for", "in", "of", "as", "were", "was", "including", "both", "on",
                    "to", "regarding", "about")):
                c.role = "item"
                continue
        # a quantity of people: "45% of those on atorvastatin having no decrease in CRP", "More patients had rash"
        if prev in _PEOPLE_VERBS and people is None:
            people = "those" in sent.text or any(sent.start <= a < sent.end for a, _ in t.anchored("person"))
        if people and prev in _PEOPLE_VERBS and (_QUANT_OF_PEOPLE.search(text[max(sent.start, c.start - 90):c.start])
                                                 or _PEOPLE_HAD.search(text[max(sent.start, c.start - 80):c.start])):
            c.role = "people"
            continue
        if c.mention is not None:
            c.role = "vocab"
    # coordination: a chunk listed with a measure is one ("ESR, CRP and serum IL-12 were reduced").
    # Which neighbours are coordinated (and both may be measures) does not change between the
    # passes, so it is found once, and the cheap `ok` test first (both tests are pure).
    listed = [(a, b) for a, b in zip(chunks, chunks[1:]) if a.ok and b.ok and _coordinated(text, a.end, b.start)]
    changed = bool(listed)
    while changed:  # until every coordinated chunk has its role ("A, B, C and D were ...": three steps back)
        changed = False
        for a, b in listed:
            if a.role and not b.role:
                b.role = "list"
                changed = True
            elif b.role and not a.role:
                a.role = "list"
                changed = True


_PLURAL_ARM_WORDS = frozenset(("groups", "arms", "cohorts"))


_PEOPLE_WORDS = frozenset("patients participants subjects populations population those women men children "
                          "individuals people cases".split())


def _skip_group_phrase(toks: tuple[str, ...], j: int, i1: int) -> int:
    """After a subject: skip "in the X group", "among patients", "at 6 months", "assessed by the PPA"."""
    if j < i1 and toks[j] in ("assessed", "measured", "evaluated", "determined", "estimated", "calculated", "rated",
                              "reported") and j + 1 < i1 and toks[j + 1] in ("by", "with", "using", "on", "in"):
        k = j + 2
        while k < i1 and k - j <= 6 and toks[k] not in RESULT_VERBS and toks[k] not in (",", ";", "("):
            k += 1
        return k
    if j < i1 and toks[j] == "," and j + 1 < i1 and toks[j + 1] in ("adjusted", "corrected", "controlled",
                                                                      "measured", "assessed", "expressed"):
        k = j + 1  # "The AUC, adjusted for pre-meal values, was decreased"
        while k < i1 and k - j <= 10 and toks[k] != ",":
            k += 1
        if k < i1 and toks[k] == ",":
            return _skip_group_phrase(toks, k + 1, i1)
        return j
    if j < i1 and (toks[j] in ("in", "among", "of", "for", "at", "after", "during", "from", "on", "within", "before",
                               "per") or (toks[j] == "by" and j + 1 < i1 and (  # "... failure by day 28 for the CQ group was"
            toks[j + 1] in _TIME_UNITS or toks[j + 1][:1].isdigit()))):
        k = j + 1
        words = 0
        described = False  # "for the combined populations with mid or high X expression was": who, by a description
        while k < i1 and words <= (14 if described else 9):
            words += 1
            if toks[k] in RESULT_VERBS or (cue_kind(toks[k]) and len(toks[k]) > 3):
                return k
            if toks[k] in ("with", "who") and toks[k - 1] in _PEOPLE_WORDS:
                described = True
            if described and toks[k] in ("and", "or") and k + 1 < i1 and toks[k + 1] not in DETERMINERS:
                k += 1
                continue
            if toks[k] in ("and", "or") and (toks[k - 1] in ("group", "groups", "arm", "arms", "patients", "cohort")
                                              or len(toks[k - 1]) == 1):
                k += 1  # "in the tocilizumab group and the placebo group were ...", "in groups C and D were"
                continue
            if toks[k] in ("and", "or"):
                m = k + 2 if k + 1 < i1 and toks[k + 1] == "the" else k + 1
                if m + 1 < i1 and (toks[m + 1] in _PLURAL_ARM_WORDS or (m + 2 < i1 and toks[m + 2] in _PLURAL_ARM_WORDS)):
                    k = m + 1  # "in the A and B groups were", "in the A and the B arms were": both arms, one word or two
                    continue
            if toks[k] == "(":
                close = k + 1
                while close < i1 and toks[close] != ")" and close - k < 15:
                    close += 1
                if close < i1 and toks[close] == ")":
                    k = close + 1  # "in groups C and D (IM and ID routes) were"
                    continue
            if toks[k] in (",", ";", "(", ".", "and", "or", "but", "that", "which"):
                break
            k += 1
    return j


_LIST_VERB = re.compile(r"\s+(?:was|were|included|comprised|being|of)\s+")
_SCALE_WORD_END = re.compile(r"\s+(?:sub-?)?(?:scores?|scales?|subscales?|domains?)$")
_LIST_GAP = re.compile(r"\s?(?::|,|;)?\s?(?:,?\s?(?:and|or)\s)?\s?(?:\([^()]{0,40}\)\s?,?\s?(?:and\s)?)?")


def _name_lists(t: Text, chunks: list[_Chunk]) -> None:
    """Instrument sub-scale lists and "the most common X were A, B" category lists."""
    text = t.text
    subs = instrument_subscales()
    for i, c in enumerate(chunks):
        if c.mention is None or c.mention.value not in subs:
            continue
        instrument = c.mention.value
        words = subs[instrument]
        rest = text[c.mention.end:c.end].strip(" :").lower()
        colon = text[c.end:c.end + 2].lstrip().startswith(":")
        if not (rest in words or colon):
            continue
        inst_text = text[c.mention.start:c.mention.end]
        for d in chunks[i + 1:]:
            gap = text[chunks[chunks.index(d) - 1].end:d.start]
            if not _LIST_GAP.fullmatch(gap):
                break
            word = _SCALE_WORD_END.sub("", text[d.start:d.end].lower())
            if word not in words or d.mention is not None:
                break
            d.prefix = f"{inst_text} "
            d.name = word  # "stiffness", "function scores" -> "WOMAC stiffness", "WOMAC function"
            d.role = d.role or "list"
    # every _CATEGORY match holds "most": look for the categories only where the chunks' stretch has one
    if chunks and _MOST.search(text, max(0, chunks[0].start - 40), chunks[-1].start) is None:
        return
    for i, c in enumerate(chunks):
        cm = _CATEGORY.search(text, max(0, c.start - 40), c.start)
        if not cm:
            continue
        after = text[c.end:c.end + 20]
        verb = _LIST_VERB.match(after)
        if not verb:
            continue
        category = clean_name(text[c.start:c.end])
        for d in chunks[i + 1:]:
            if d.start < c.end + verb.end():
                continue
            if d.mention is not None and d.mention.value != (c.mention.value if c.mention else None):
                break
            d.prefix = f"{category}: "
            d.role = d.role or "item"
        c.role = "category"  # "the most common serious adverse events" names the items' category


_LEAD_DROP = re.compile(
    r"^(?:(?:the|a|an|mean|median|average|overall|significant|greater|larger|total)\s+)*"
    r"(?:(?:serum|plasma|blood)\s+)?(?:(?:levels?|concentrations?|values?|changes?|reductions?|decreases?|increases?|"
    r"improvements?|differences?)\s+(?:from\s+baseline\s+)?(?:in|of)\s+(?:the\s+)?)", re.I)


@lru_cache(maxsize=16384)
def clean_name(text: str) -> str:
    """A chunk's text as a measure name: clean_measure_name, without "levels of"/"changes in" before it."""
    name = clean_measure_name(text)
    stripped = _LEAD_DROP.sub("", name)
    return stripped if stripped else name


_NOT_OUTCOME_NAMES = frozenset(["age", "ages", "sample size", "sample sizes"])
_ARM_WORDS = frozenset("group groups arm arms cohort cohorts".split())
_KEPT_HEADS = frozenset("score scores level levels rate rates count counts index time number total response "
                        "responses value values percentage".split())  # "body fat percentage"
_COMPARATOR_NAMES = frozenset("placebo control controls sham vehicle".split())
_RESPONSE_RATE = re.compile(r"(?:the\s+)?(?:(?:overall|total)\s+)?responses?\s+rates?", re.I)


@lru_cache(maxsize=16384)
def _test_name(raw: str) -> bool:
    return _TEST_NAME.search(raw) is not None


@lru_cache(maxsize=16384)
def _estimate_name(raw: str) -> bool:
    return _ESTIMATE_NAME.fullmatch(raw) is not None


def _trim_arm_tail(t: Text, c: _Chunk) -> None:
    """"The DAS28 score of the MSC group was lower than that of the control group": a vocabulary measure
    followed by "of/in/for (the) <...> group" is the measure of that arm; the chunk ends before "of"."""
    toks = t.tokens_lower
    if _ARM_WORDS.isdisjoint(toks[c.ts:c.te]):
        return
    for k in range(c.ts + 1, c.te - 1):
        if toks[k] in _ARM_WORDS:
            return  # the arm's word comes first: "the MSC group's DAS28"
        if toks[k] in ("of", "in", "for") and t.token_starts[k] >= c.mention.end \
                and not _ARM_WORDS.isdisjoint(toks[k + 1:c.te]):
            c.te, c.end = k, _tok_end(t, k - 1)
            return


def _measure_like(raw: str, c: _Chunk, arm_low: list[str], toks: tuple[str, ...]) -> bool:
    words = [w for w in toks[c.ts:c.te] if w[:1].isalnum()]
    if not words or not _ARM_WORDS.isdisjoint(words):
        return False  # "the RF group", "Groups I": an arm's name
    if c.mention is not None:
        return True
    nw = len(words)
    if nw == 1 and words[0] in _TIME_UNITS and c.ts > 0 and toks[c.ts - 1][:1].isdigit():
        return False  # "Between 26 and 35 wk, haemoglobin ... decreased": a timepoint's unit
    if nw > 9 or (nw == 1 and (len(words[0]) == 1 or not words[0].strip("ivx") or words[0] in _COMPARATOR_NAMES)):
        return False  # "III", "B": an arm's label; "placebo"
    if nw > 2 and words[0] in OF_HEADS and "of" in words:
        return True  # "the prevalence of ... Plasmodium-positive patients": a prevalence
    head = words[-1]
    if head in NOT_MEASURE_HEADS and not (nw > 1 and head in _KEPT_HEADS):
        return False
    if words[0] in NOT_MEASURE_FIRST or (nw > 1 or len(raw) > 5) and _test_name(raw):
        return False
    if _estimate_name(raw):
        return False  # "effect size", "odds ratio": the name of an estimate, not of a measure
    if " ".join(w for w in words if w not in ("mean", "median", "average")) in _NOT_OUTCOME_NAMES:
        return False  # "Their mean age was 15.18 years (0.62)", "a sample size of 2400": who was studied, not an outcome
    if all(w in NOT_MEASURE_HEADS or w in DETERMINERS for w in words) and not (
            _RESPONSE_RATE.fullmatch(raw) and (c.ts == 0 or toks[c.ts - 1] not in (")", "]"))):
        # ("the response rate was 13/69 (18.84%)": an oncology response rate is a measure; "... (ACR20) response
        # rate": the bracketed measure's)
        return False
    if arm_low:
        low = raw.lower()
        for a in arm_low:
            if low == a or (len(low) > 3 and low in a) or (len(a) > 3 and a in low and len(low) - len(a) < 8):
                return False
    return True
