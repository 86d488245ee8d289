"""Doses of drugs and other non-cell interventions: "tofacitinib 5 mg BID", "15 μg/kg", "40 drops".

Pure functions over a string; no spaCy. `find_drug_doses(text)` returns `DrugDose` records whose
``start``/``end`` are offsets into the ORIGINAL text (the text is cleaned by
`extract.quantities.clean` first, as the cell-dose finder does, and offsets are mapped back).

What is a drug dose
-------------------
A number (or a list "50, 140 or 210 mg", "5 and 10 mg") followed by a dose unit: a mass (mg, g,
grams, µg/μg/ug/mcg, ng), an amount (mmol, µmol, mEq), units (IU, U, units), a volume (mL), a
radiation dose (Gy, cGy) or a dosage form (drops, puffs, tablets, capsules, sachets, sprays, ...),
optionally per kg, per m², per day, per dose, per week or per hour ("mg/kg/day", "mg/m2",
"mg/d", "µg/kg/min"). Units per volume or per mass ("ng/mL", "mg/dL", "pg/mg Cr", "mL/min") are
concentrations and rates of a measured quantity, never doses: the unit pattern does not allow them.

It is a dose only where the text doses something (a dosing cue near it: "received", "dose",
"daily", "BID", "every", a route word, "randomized to", a per-kg/per-m²/per-day unit ...), and
not where it is measured: after a comparator ("<2,500 g", "≥15 mg/week": thresholds), after a
measurement word ("a birthweight of 41.9 g", "weight loss of 2 g"), before "±" or a confidence
interval ("41.9 g, 95% CI ...").

A range ("450 to 600 mg", "1-10 g") is one DrugDose with value None, ``low``/``high`` set and a
note; a combination "1,500/75 mg" is its first component (note says so).

The drug a dose belongs to (`DrugDose.drug`) is read from the words beside it: before it
("tofacitinib 5 mg", "pioglitazone (30 mg/d", "G-CSF (lenograstim) 15 μg/kg") or after it
("10 grams cocoa powder", "1 g intravenous tranexamic acid"); None when neither side names one.
Which drug is the study's intervention is decided by `extract.intervention` (it knows the title).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from extract.fastre import NUM, NUM_REST, fold_lower, words
from extract.quantities import NUMBER_WORDS, WORDNUM, _Cleaned, _prepare, parse_number

__all__ = ["BACKGROUND_BEFORE", "BACKGROUND_NEAR", "CONTROL_NAMES", "DrugDose", "find_drug_doses", "normalise_unit"]

# ---------------------------------------------------------------------------------------------
# Data: units
# ---------------------------------------------------------------------------------------------
_MICRO = "µμu"
# the base unit as written -> its normalised spelling (matched case-sensitively where case matters)
_BASE_UNITS = [
    (r"milligrams?|mg", "mg"),
    (r"micrograms?|mcg|[µμu]g", "µg"),
    (r"nanograms?|ng", "ng"),
    (r"grams?|gm|g", "g"),
    (r"mmol", "mmol"),
    (r"[µμu]mol", "µmol"),
    (r"mEq", "mEq"),
    (r"international\s+units|MIU|IU|units?|U", "IU"),
    (r"millilit(?:er|re)s?|mL|ml|cc", "mL"),
    (r"cGy", "cGy"),
    (r"Gy", "Gy"),
    (r"drops?", "drops"),
    (r"puffs?", "puffs"),
    (r"tablets?", "tablets"),
    (r"capsules?", "capsules"),
    (r"sachets?", "sachets"),
    (r"sprays?", "sprays"),
    (r"inhalations?", "inhalations"),
    (r"actuations?", "actuations"),
    (r"patch(?:es)?", "patches"),
    (r"suppositor(?:y|ies)", "suppositories"),
]
_UNIT_WORDS = {"units", "unit", "drops", "drop", "puffs", "puff", "tablets", "tablet", "capsules", "capsule",
               "sachets", "sachet", "sprays", "spray", "inhalations", "inhalation", "actuations", "actuation",
               "patches", "patch", "suppository", "suppositories"}
# "U" alone and "IU" keep their case; the rest of the alternation is case-insensitive
_BASE_RE = "|".join(f"(?P<u{i}>{rx})" for i, (rx, _) in enumerate(_BASE_UNITS))
# per kg / m² / day / dose / week / hour / min, chained: "mg/kg/day", "µg/kg per min", "mg/m2"
_PER_FIRST = (r"(?:kg(?:\s+(?:of\s+)?body\s*weight|\s?bw)?|m\^?2|m²|day|d|dose|week|wk|"
              r"infusion|injection|application|administration)")
_PER_ITEM = rf"(?:{_PER_FIRST[3:-1]}|h|hr|hour|min)"
_PER = (rf"(?P<per>(?:\s?/\s?|\s+per\s+|\s+a\s+)(?i:{_PER_FIRST})(?!\w)"
        rf"(?:(?:\s?/\s?|\s+per\s+)(?i:{_PER_ITEM})(?!\w)){{0,2}})?")
# "ng/mL", "mg/dL", "pg/mg Cr", "mL/min", "mg/g creatinine": a concentration or a rate of a measured
# quantity, never a dose ("120 mg/rosuvastatin 20 mg" is two doses)
_MEASURE_DENOMINATOR = r"(?i:d?l|[mµμu]l|mm3?|cm3?|[mµμu]?mol|mg|g|min(?:utes?)?|h|hr|s|sec|cr|creatinine|24\s?h)(?![a-z])"
_PER_NORMAL = {"kg": "kg", "bw": "kg", "m^2": "m2", "m²": "m2", "m2": "m2", "day": "day", "d": "day",
               "dose": "dose", "week": "week", "wk": "week", "h": "h", "hr": "h", "hour": "h", "min": "min",
               "infusion": "dose", "injection": "dose", "application": "dose", "administration": "dose"}
# the list before the unit: "50, 140, or 210", "5 and 10", "450 to 600", "1,500/75", "7.5-25"
_SEP = r"(?:\s?,\s?(?:or\s+|and\s+)?|\s+(?:or|and|to)\s+|\s?-\s?|\s?/\s?)"
# after a comma a list item has no thousands separator: "5,10,20,40,80,160 mg" is six doses
_SIMPLE_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)"
_LIST_ITEM = rf"(?:\s?,\s?(?:or\s+|and\s+)?{_SIMPLE_NUM}|(?:\s+(?:or|and|to)\s+|\s?-\s?|\s?/\s?){NUM})"
# For a fast start the pattern begins with a digit's character set (see extract.fastre) and checks
# its guard behind it: not inside a word or a number, not an exponent ("10^7"), not a ratio ("3:1").
DRUG_DOSE_RE = re.compile(
    rf"[.0-9](?<![\w.,^:/-].)"
    # a quick look ahead (the rest of the number, then a list separator or a unit's first letter):
    # most numbers of an abstract fail here, before the list and unit alternations are tried
    r"(?=[\d.,]*(?:\s?(?:-|,|/|or\b|and\b|to\b)|\s?-?\s?[mgµμuIUcGdptsiaMn]))"
    rf"(?P<first>{NUM_REST})(?P<more>(?:{_LIST_ITEM}){{0,9}})"
    rf"\s?-?\s?(?P<unit>{_BASE_RE})(?![\w^])(?!\.[A-Z]\.)(?!\s?/\s?{_MEASURE_DENOMINATOR})"  # (not "43 U.S. soldiers")
    + _PER + r"(?(per)(?!\s?/\s?[A-Za-z]))"
)
# a count of units written with a power of ten: a probiotic's colony-forming units ("10^9 CFU/day", "1 × 10^9
# CFU", "5 billion CFU"), international units ("3 × 10^6 IU"), plaque-forming units, vector genomes (not a count
# per gram or per mL of a sample: "10^8 CFU/g", "10^5 CFU/mL", "5 × 10^9 CFU/100 g")
_COUNT_UNITS = [(r"cfus?|colony[- ]forming\s+units?(?:\s?\(\s?cfus?\s?\))?", "CFU"), (r"pfu|plaque[- ]forming\s+units?", "PFU"),
                (r"iu|international\s+units?|units?", "IU"), (r"vg|vector\s+genomes?", "vg"), (r"vp|viral\s+particles", "vp")]
_CFU_RE = re.compile(
    rf"(?<![\w.,^])(?:(?P<mant>{NUM})\s?[×x]\s?10\s?\^\s?\(?(?P<e1>\d{{1,2}})\)?|10\s?\^\s?\(?(?P<e2>\d{{1,2}})\)?"
    rf"|(?P<mant2>{NUM})\s?(?P<mult>billion|million))"
    r"\s?-?\s?(?P<unit>(?i:" + "|".join(f"(?P<c{i}>{rx})" for i, (rx, _) in enumerate(_COUNT_UNITS)) + r"))(?!\w)"
    r"(?!\s?/\s?(?!(?:d|day|dose|kg)\b)[A-Za-z\d])" + _PER
)


def _cfu_count(m: re.Match[str]) -> float:
    if m.group("mant") is not None:
        return float(m.group("mant").replace(",", "")) * 10.0 ** int(m.group("e1"))
    if m.group("e2") is not None:
        return 10.0 ** int(m.group("e2"))
    return float(m.group("mant2").replace(",", "")) * (1e9 if m.group("mult") == "billion" else 1e6)


# dosage forms counted in words: "two tablets", "one capsule twice daily"
_WORD_FORM_RE = re.compile(
    rf"(?<![\w-])(?P<n>{WORDNUM})\s+(?P<unit>(?i:drops?|puffs?|tablets?|capsules?|sachets?|sprays?|"
    r"inhalations?|patch(?:es)?|suppositor(?:y|ies)))\b", re.I)
_FORM_WORDS = ("drop", "puff", "tablet", "capsule", "sachet", "spray", "inhalation", "patch", "suppositor")
_WORD_FORM_BEFORE_RE = re.compile(rf"(?<![\w-])(?:{WORDNUM})\s+$", re.I)

# ---------------------------------------------------------------------------------------------
# Data: context
# ---------------------------------------------------------------------------------------------
# Every context pattern below begins with a character set (fastre.words: the first letters of its
# words), so Python's re skips ordinary text instead of trying each alternative at every position;
# the end-anchored ones ("...\s*$") cost 5-10 times less that way.
# a dose is something given: one of these words in the sentence near it (or a per-kg/m²/day unit)
DOSING_CUE = re.compile(words([
    r"dos(?:e|es|age|ages|ing|ed)\b", "receiv", r"given\b", r"give\b", "administ", r"treat(?:ed|ment)\s+with\b",
    "randomi[sz]", r"assigned\b", r"allocated\b", "inject", "infus", "bolus", r"tablets?\b", r"capsules?\b",
    r"daily\b", r"twice\b", r"thrice\b", r"once\b", r"times\s+(?:a|per)\s+(?:day|week)", r"b\.?i\.?d\b",
    r"t\.?i\.?d\b", r"q\.?i\.?d\b", r"q\.?d\b", r"qw\b", r"q\d+w\b", r"weekly\b", r"monthly\b", r"every\b",
    r"per\s+(?:day|week)\b", r"a\s+day\b", r"nightly\b", r"orally\b", r"oral\b", "subcutaneous", "intravenous",
    "intramuscular", r"intra-?articular", "topical", r"applied\b", r"application\b", "supplement", "consum",
    r"took\b", r"taking\b", "ingest", "regimen", r"prescribed\b", r"single\b", r"loading\b", r"maintenance\b",
    r"followed\s+by\b", "spray", r"drops?\b", "inhal", r"mg\s+of\b", r"vs\.?\s", r"versus\b", r"placebo\b",
    r"control\b", r"group\b", r"arm\b", r"cohort\b", r"dissolved\b", r"diluted\b", r"bedtime\b", "start",
    "initiat", "titrat", r"injected\b", "instill", "inhaled", "immuni", "vaccin"]))
# thresholds and measurements just before the number
_COMPARATOR_BEFORE = re.compile(words([
    "than", "per", r"at\s+least", r"at\s+most", r"up\s+to", r"maximum(?:\s+of)?", r"minimum(?:\s+of)?", "exceeding",
    "below", "above", "under", "over", "cumulative"]) + r"\s*$")
# a threshold, an SD after "±", or a signed change in brackets ("(+ 50.7 g)", "(- 0.7 g)")
_SYMBOL_BEFORE = re.compile(r"(?:[<>≤≥=±][<>=]?|\+/-|[(\[]\s?[+-])\s*$")
_MEASURED_BEFORE = re.compile(words([
    r"levels?", r"concentrations?", "weight", r"birth\s?weight", r"gain(?:ed)?", "loss", "lost", "excretion",
    "output", "content", r"differences?", r"changes?", r"increased?", r"decreased?", r"reductions?", "reduced",
    r"lower(?:ed|ing)?", r"rais(?:ed|ing)", "elevated", "improved", "mean", "median", "average", "averaged", "was",
    "were", r"of\s+(?:mean|median)", "amount", r"requirements?", "total", "clearance", "filtration",
    *(rf"{verb}\s+by" for verb in ("reduced", "decreased", "increased", "lowered", "raised", "changed", "fell", "rose",
                                   "dropped"))])
    + r"\s+(?:of\s+|was\s+|were\s+|by\s+)?(?:about\s+|approximately\s+|only\s+|an?\s+)?$")
_MEASURED_AFTER = re.compile(
    r"^\s?(?:±|\+/-|\(\s?(?:SD|SE|SEM|s\.d\.)\b|\(\s?95|\[\s?95|,?\s?(?:95\s?%\s?)?(?:CI|confidence)\b|"
    r"\(\s?(?:range|IQR)|[,;]\s?95\s?%|\s?(?:vs\.?|versus)\s+[-\d.]+\s?(?:mg|g|µg|μg|mL)\b)", re.I)
# a background drug: "patients on stable methotrexate (7.5-25 mg/week)", "despite MTX 15 mg". The
# adjectives stand right before the drug ("stable methotrexate", "stable doses of MTX"); the other cues
# may have two words between ("inadequate response to methotrexate"; not "prior hysterectomy to X")
_BACKGROUND_ADJECTIVES = ["stable", "background", "concomitant", "concurrent", "ongoing", "existing", "baseline",
                          "prior", r"previous(?:ly)?", r"pre-?existing", "continued", "continuing",
                          r"standard\s+(?:dose|therapy|treatment)"]
_BACKGROUND_VERBAL = [
    "already", "despite", r"inadequate(?:ly)?", r"incomplete(?:ly)?", r"insufficient(?:ly)?", "continue",
    r"were\s+taking", r"had\s+been\s+(?:taking|receiving|on)", r"on\s+(?:a\s+)?(?:stable|fixed|constant)",
    r"maintained\s+on", "failure", "failed", r"intoleran\w*", "refractory", "resistant", "taking",
    r"added\s+to", r"add-on\s+to", r"on\s+top\s+of"]
BACKGROUND_BEFORE = re.compile(words(_BACKGROUND_ADJECTIVES + _BACKGROUND_VERBAL) + r"\b")
BACKGROUND_NEAR = re.compile(
    words(_BACKGROUND_ADJECTIVES) + r"(?:\s+(?:doses?|dosage|therapy|treatment|use)\s+(?:of|with))?\s+$"
    r"|" + words(_BACKGROUND_VERBAL) + r"\b\s+(?:[\w-]+\s+){0,2}?$")
# names that are not an intervention's: a placebo, a vehicle, the solvent
CONTROL_NAMES = re.compile(
    r"^(?:(?:matching|identical|normal|physiological|isotonic|sterile|boiling|distilled|the|a|an|0\.9\s?%|"
    r"same)\s+)*(?:placebo|saline|vehicle|water|sham|dextrose|glucose\s+solution|sodium\s+chloride|nacl|"
    r"control|solvent|diluent|carrier|lactose|sugar\s+pill|starch|juice|milk|buffer|medium)\b", re.I)

_NAME_STOP = frozenset("""
a an the of to in on at by for with and or but nor plus vs versus either both each every per than
was were is are be been being has have had received receive receiving given give giving administered
administer administration treated treatment treatments therapy dose doses dosage dosing dosed daily
twice once thrice weekly monthly group groups arm arms cohort cohorts patients patient subjects
participants women men children adults who which that this these those from into during after before
following followed up low high medium lower higher fixed total single loading maintenance initial
starting mean median intravenous intravenously oral orally subcutaneous subcutaneously intramuscular
intramuscularly topical topically iv sc im po bid tid qid qd qw q2w q4w mg g ml kg day days week weeks
month months year years hour hours h d min injection injections infusion infusions bolus tablet tablets
capsule capsules was also only alone additional another other same respectively containing contained
consisting composed combined combination dissolved diluted mixed randomized randomised randomly assigned
allocated divided studied study trial compared comparing took take takes used use using apply
applied got inhaled consumed ingested drank drink eat ate fed stable background concomitant concurrent
ongoing continued continuing already despite existing baseline prior previous active we whether if
it its their his her our they them you i when where while how what why whose
""".split())
_HYPHEN_STOP = frozenset({"once", "twice", "thrice", "daily", "weekly", "monthly", "low", "high", "single", "dose",
                          "fixed", "standard", "open", "double", "placebo"})
# drug-name words that end like verbs
_NAME_ED_ING = frozenset({"pegylated", "conjugated", "liposomal", "recombinant", "purified", "activated",
                          "fermented", "hydrolyzed", "hydrolysed", "enriched", "fortified", "dried", "sustained",
                          "extended", "modified", "controlled", "coated", "buffered", "heated", "inactivated",
                          "attenuated", "adjuvanted", "aged", "defatted", "roasted", "ring"})
_ROUTE_WORDS = frozenset("""intravenous intravenously oral orally subcutaneous subcutaneously intramuscular
intramuscularly topical topically intranasal inhaled sublingual transdermal iv sc im po i.v. s.c. i.m.
intra-articular intraarticular intravitreal intrathecal epidural single a an the of""".split())
_WORD_RE = re.compile(r"[^\W\d_][\w'+-]*(?:/(?!(?:day|d|kg|week|wk|dose)\b)[^\W\d_][\w+-]*)?")
_TIME_WORD_BEFORE = re.compile(words([r"weeks?", r"days?", r"months?", r"years?", r"hours?", r"visits?", r"grades?",
                                      r"stages?", r"phases?", r"types?", r"versions?", r"levels?", r"classes?",
                                      r"steps?", r"scores?", r"points?", "n", "p"]) + r"\s*[=:]?\s*$")


@dataclass(frozen=True)
class DrugDose:
    value: float | None  # None for a range
    unit: str  # normalised: "mg", "mg/kg", "µg/kg", "mg/m2", "mg/day", "IU", "mL", "drops", ...
    start: int
    end: int
    text: str
    drug: str | None = None  # the words that name what is dosed, as written ("tofacitinib", "cocoa powder")
    low: float | None = None  # a range "450 to 600 mg": low and high, value None
    high: float | None = None
    note: str | None = None
    background: bool = False  # a background-therapy cue just before ("on stable methotrexate 15 mg/week")
    list_id: int | None = None  # doses written as one list ("50, 140, or 210 mg") share an id


_PER_ITEM_RE = re.compile(r"[A-Za-z²^0-9]+")


def _number(s: str) -> float | None:
    """A list item's number: digits read directly ("1,500", "0.5"), words through parse_number."""
    if s[:1].isdigit() or s[:1] == ".":
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return parse_number(s)
    return parse_number(s)


def normalise_unit(base: str, per: str | None) -> str:
    """The unit as written, normalised: ("mg", "/kg/day") -> "mg/kg/day", ("μg", " per kg") -> "µg/kg"."""
    unit = base
    if not per:
        return unit
    for item in _PER_ITEM_RE.findall(per):
        low = item.lower()
        if low in ("per", "a", "of", "body", "weight"):
            continue
        unit += "/" + _PER_NORMAL.get(low, low)
    return unit


def _base_unit(m: re.Match[str]) -> str:
    for i, (_, normal) in enumerate(_BASE_UNITS):
        if m.group(f"u{i}") is not None:
            return normal
    return m.group("unit")  # pragma: no cover - one group always matched


_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'+-]*(?:/[^\W\d_][\w+-]*)?$")
# what separates a name from its dose: "X at a dose of 5 mg", "X, 5 mg", "X (5 mg", "X: 5 mg", "X = 5 mg"
_DOSE_OF_TAIL = re.compile(words([r"at\s+(?:a\s+)?(?:daily\s+|total\s+|single\s+)?(?:dose|dosage)s?\s+of",
                                  r"doses?\s+of", r"dosages?\s+of", "at", r"in\s+a\s+dose\s+of",
                                  *(rf"{aux}\s+(?:given|administered|dosed|infused|injected|applied|used)"
                                    r"(?:\s+(?:orally|intravenously|subcutaneously|intramuscularly|iv|im|sc))?"
                                    for aux in ("was", "were", "is", "are"))]) + r"\s*$")
_FORM_TAIL = re.compile(r"\s(?:bolus|tablets?|capsules?|infusion|injection|solution|sachets?)$", re.I)
_UNIT_SLASH_RE = re.compile(r"(?:mg|g|µg|μg|ug|mcg|mL|ml|IU|U)/(?=[A-Za-z]{3})")
_ALIAS_RE = re.compile(r"\(\s?(?P<alias>[A-Za-z][\w +/-]{1,30}?)\s?\)$")


_CODE_WORD = re.compile(r"[A-Z]\d{0,2}")


def _not_name_word(word: str) -> bool:
    """Function words, verbs and dosing words end a drug's name: "We investigated whether atorvastatin",
    "once-daily tiotropium", "one 500 mg capsule". A capital letter or a letter with digits ("A" of
    "vitamin A", "B12", "D3") is part of a name."""
    if _CODE_WORD.fullmatch(word):
        return False
    low = word.lower()
    if low in _NAME_STOP or low in NUMBER_WORDS:
        return True
    if "-" in low and any(part in _HYPHEN_STOP for part in low.split("-")):
        return True  # "once-daily", "low-dose", "twice-weekly"
    return len(low) > 4 and (low.endswith("ed") or low.endswith("ing")) and low not in _NAME_ED_ING


def _strip_separators(w: str) -> str:
    for _ in range(3):
        w = w.rstrip(" \t\n([:=,")
        m = _DOSE_OF_TAIL.search(w, max(0, len(w) - 30))
        if m is None:
            break
        w = w[:m.start()]
    return w


def _name_before(t: str, pos: int, lo: int) -> tuple[str | None, int]:
    """The drug named just before `pos`: "tofacitinib 5 mg", "pioglitazone (30 mg/d",
    "G-CSF (lenograstim) 15 μg/kg", "brodalumab (50 mg". Returns (name, its start) or (None, pos)."""
    w2 = _strip_separators(t[lo:pos])
    alias = _ALIAS_RE.search(w2, max(0, len(w2) - 34))  # "G-CSF (lenograstim)": an alias after the name
    if alias:
        w2 = w2[:alias.start()].rstrip()
    # "oxytocin bolus 5 IU", "X tablets 10 mg": the form word is not the name; the word before it is
    form = _FORM_TAIL.search(w2, max(0, len(w2) - 14))
    if form:
        w2 = w2[:form.start()].rstrip()
    # the name is its last two words at most, and stops at a function word or a verb
    kept: list[tuple[int, int]] = []
    end = len(w2)
    while len(kept) < 2:
        start = w2.rfind(" ", 0, end) + 1
        while start < end and w2[start] in "([":
            start += 1  # "(oxytocin bolus 5 IU": the name inside the bracket
        token = w2[start:end]
        unit_then_name = _UNIT_SLASH_RE.match(token)
        if unit_then_name:  # "120 mg/rosuvastatin 20 mg": the drug after the slash
            kept.append((start + unit_then_name.end(), end))
            break
        if not token or not _NAME_WORD_RE.match(token) or _not_name_word(token):
            break
        kept.append((start, end))
        end = start - 1
        if end <= 0 or w2[end] != " ":
            break
    if kept:
        return w2[kept[-1][0]:kept[0][1]], lo + kept[-1][0]
    if alias and alias.group("alias").split()[0].lower() not in _NAME_STOP:
        return alias.group("alias"), lo + alias.start("alias")
    return None, pos


_FORM_AND_ROUTE_WORDS = re.compile(r"\s*(?:(?:tablets?|capsules?|sachets?|pills?|doses?)\s+)?(?:of\s+)?"
                 r"(?:(?:the|a|an|intravenous|oral|subcutaneous|intramuscular|topical|iv|sc|im|po)\s+)*", re.I)


def _name_after(t: str, pos: int, hi: int) -> str | None:
    """The drug named just after the unit: "10 grams cocoa powder", "1 g intravenous tranexamic acid",
    "100 mL of saline"."""
    w = t[pos:hi]
    m = _FORM_AND_ROUTE_WORDS.match(w)
    rest = w[m.end():] if m else w
    words = []
    for wm in _WORD_RE.finditer(rest):
        if words and rest[words[-1].end():wm.start()].strip() not in ("", "-"):
            break
        if not words and wm.start() != 0:
            break
        low = wm.group(0).lower()
        if _not_name_word(wm.group(0)) or low in ("bolus", "solution", "infusion", "injection", "suspension"):
            break
        words.append(wm)
        if len(words) >= 3:
            break
    if not words:
        return None
    return rest[words[0].start():words[-1].end()]


def _clause_bounds(t: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): from the last ". ", ";" or line break before it to the next
    ". " or line break after it."""
    lo = max(t.rfind(". ", 0, start), t.rfind("\n", 0, start), t.rfind(";", 0, start))
    lo = 0 if lo < 0 else lo + 1
    his = [x for x in (t.find(". ", end), t.find("\n", end)) if x >= 0]
    return lo, (min(his) if his else len(t))


# the items of DRUG_DOSE_RE's group "more", with their separators: (comma sep, number, other sep, number)
_LIST_ITEM_RE = re.compile(rf"(\s?,\s?(?:or\s+|and\s+)?)({_SIMPLE_NUM})|(\s+(?:or|and|to)\s+|\s?-\s?|\s?/\s?)({NUM})")
_DOSE_WORD = re.compile(words([r"doses?\b", r"dosages?\b"]))
_VOLUME_UNITS = frozenset({"mL", "ml", "cc", "milliliter", "milliliters", "millilitre", "millilitres"})
# "40 mL UC-MSC suspension (2 × 10^7 cells/20 mL)": a volume in a clause with a cell count is the cell product's
_CELLS_IN_CLAUSE = re.compile(r"×\s?10|" + words([r"cells?\b", r"MSCs?\b"]))
_IN_VOLUME_BEFORE = re.compile(r"\b(?:in|into|with)\s+(?:a\s+|an\s+)?$")  # "in 100 cc of saline": the vehicle
_DIAGNOSTIC_AFTER = re.compile(
    r"[\s-]*(?:\w+\s+){0,3}?(?:tolerance\s+tests?|OGTT|challenge|provocation|test\s+meal|breath\s+test|"
    r"loading\s+test|stimulation\s+test|suppression\s+test)\b", re.I)
_LIST_GAP_RE = re.compile(r"^\s?,?\s?(?:(?:or|and|to|vs\.?|versus)\s)?\s?$", re.I)
_VEHICLE_BEFORE = re.compile(words(["dissolved", "diluted", "mixed", "suspended", "reconstituted", "solved"])
                             + r"\s+(?:in|with)\s+$")
_COMPARATIVE_AFTER = re.compile(r"^\s?(?:higher|lower|greater|less|more|heavier|lighter|smaller|larger)\b", re.I)


def find_drug_doses(text: str, units_at: Sequence[tuple[int, int]] | None = None) -> list[DrugDose]:
    """Drug (non-cell) doses of the text, in order (see the module docstring).

    `units_at`: the (start, end) offsets in `text` of its dose-unit words ("mg", "IU", "tablets":
    the "dose_unit" anchors of extract/data/anchors.json), when the caller has them; the finder then
    reads only the numbers before those words instead of scanning every number of the text (the
    same doses either way)."""
    c = _prepare(text)
    t = c.text
    out: list[DrugDose] = []
    list_id = 0
    last: DrugDose | None = None
    last_end = -1
    rejected_end = -1
    matches = _matches(t) if units_at is None else _matches_at(c, units_at)
    if "10^" in t or "illion" in t:  # (a substring test first: most texts have no power of ten)
        matches = sorted(matches + list(_CFU_RE.finditer(t)), key=lambda m: m.start())
    for m in matches:
        if m.start() < last_end:
            continue
        c_lo, c_hi = _clause_bounds(t, m.start(), m.end())
        before = t[max(c_lo, m.start() - 60):m.start()]
        tail = before[-36:]  # the end-anchored checks read only the last words (their longest cue fits)
        after = t[m.end():min(c_hi, m.end() + 40)]
        if (_SYMBOL_BEFORE.search(tail, max(0, len(tail) - 6)) or _COMPARATOR_BEFORE.search(tail, max(0, len(tail) - 18))
                or _MEASURED_AFTER.match(after) or _COMPARATIVE_AFTER.match(after) or after.lstrip().startswith("=")
                or (m.group("unit") in _VOLUME_UNITS and (_IN_VOLUME_BEFORE.search(tail, max(0, len(tail) - 10))
                                                          or _CELLS_IN_CLAUSE.search(t, c_lo, c_hi)))
                or _VEHICLE_BEFORE.search(tail, max(0, len(tail) - 22))):
            continue
        if m.re is DRUG_DOSE_RE:
            base, per = _base_unit(m), m.group("per")
            more = m.group("more")
            items = _LIST_ITEM_RE.findall(more) if more else []
            nums = [t[m.start():m.end("first")]] + [a or b for _, a, _, b in items]
            seps = [sa or sb for sa, _, sb, _ in items]
        elif m.re is _CFU_RE:
            base = next(u for i, (_, u) in enumerate(_COUNT_UNITS) if m.group(f"c{i}") is not None)
            per = m.group("per")
            nums, seps = [repr(_cfu_count(m))], []
        else:
            base, per = _FORM_NORMAL[fold_lower(m.group("unit"))], None
            nums, seps = [m.group("n")], []
        unit = normalise_unit(base, per)
        if (_MEASURED_BEFORE.search(tail) and not _DOSE_WORD.search(before, max(0, len(before) - 25))) or \
                _CUMULATIVE_BEFORE.search(before) or (
                rejected_end >= 0 and _LIST_GAP_RE.match(t[rejected_end:m.start()])):
            rejected_end = m.end()  # "a mean of 3.72 mg and 0.64 mg": the whole list is measured
            continue
        strong_unit = any(x in unit for x in ("/kg", "/m2", "/day", "/dose", "/week"))
        if not strong_unit and not DOSING_CUE.search(t, c_lo, c_hi):
            continue
        if _DIAGNOSTIC_AFTER.match(t, m.end(), min(c_hi, m.end() + 50)):
            continue  # "a 75-g oral glucose tolerance test": a test's load, not a treatment
        if _TEST_MEAL_BEFORE.search(tail):
            continue  # "a meal containing 53 g of test fat", "a test drink containing 75 g glucose": a challenge's load
        if len(nums) > 1 and _TIME_WORD_BEFORE.search(tail, max(0, len(tail) - 14)):
            nums, seps = nums[-1:], []  # "at week 2 and 10 mg": only the last number is a dose
        vals = [_number(x) for x in nums]
        if any(v is None for v in vals):
            continue
        values = [float(v) for v in vals if v is not None]
        if base in _COUNTED_FORMS and max(values) > 12:
            continue  # "received 180 capsules for the trial": a supply, not one administration
        s, e, vt = c.span(m.start(), m.end())
        in_list = last is not None and _LIST_GAP_RE.match(t[last_end:m.start()]) is not None
        name, name_start = _name_before(t, m.start(), max(c_lo, m.start() - 60))
        if name is not None and "," in t[name_start:m.start()] and not in_list:
            # "no Vitamin D, 800 IU ergocalciferol daily": a list's previous item, when a name follows the dose
            name = _name_after(t, m.end(), min(c_hi, m.end() + 60)) or name
        if name is None and in_list and last is not None:
            name = last.drug  # "CZP 200 mg or 400 mg"
        if name is not None and last is not None and name == last.drug and last_end >= 0 and \
                t[last_end:name_start].strip() == "":
            # "288 mg vitamin E, 375 mg vitamin C": the name before is the previous dose's; this one's follows it
            name = _name_after(t, m.end(), min(c_hi, m.end() + 60)) or name
        if name is None:
            name = _name_after(t, m.end(), min(c_hi, m.end() + 60))
        if name is not None and name_start < m.start() and CONTROL_NAMES.match(name) and \
                _AT_A_DOSE_GAP.fullmatch(t, name_start + len(name), m.start()):
            drug_or = _DRUG_OR_BEFORE.search(t, max(c_lo, name_start - 40), name_start)
            if drug_or and not CONTROL_NAMES.match(drug_or.group("drug")) and not _not_name_word(drug_or.group("drug")):
                name = drug_or.group("drug")  # "VXP or placebo at a dose of two capsules": the drug's dose, copied
        if name is None and t[m.start() - 1:m.start()] == "(":
            # "two dosages of indomethacin were ingested at 10 h (75 mg)": a bracketed dose after a time is
            # a dose of the drug "doses of" named earlier in the clause
            of = None
            for of in _DOSES_OF_RE.finditer(t, max(c_lo, m.start() - 80), m.start()):
                pass
            if of is not None and not _not_name_word(of.group("drug")):
                name = of.group("drug")
        cue_end = min(name_start, m.start())
        background = bool(BACKGROUND_NEAR.search(t, max(c_lo, cue_end - 40), cue_end)) or (
            in_list and last is not None and last.background)
        if not in_list:
            list_id += 1
        last_end = m.end()
        if len(values) == 2 and seps and seps[0].strip().lower() in ("-", "to") and values[0] < values[1]:
            last = DrugDose(None, unit, s, e, vt, name, values[0], values[1],
                            f"range {values[0]:g} to {values[1]:g} {unit}: no single dose", background, list_id)
            out.append(last)
            continue
        if len(values) == 2 and seps and seps[0].strip() == "/":
            values = values[:1]  # "1,500/75 mg": a combination product, read as its first component
            note: str | None = f"combination {nums[0]}/{nums[1]} {unit}: its first component"
        else:
            note = f"one of {len(values)} doses written as a list" if len(values) > 1 else None
        for v in values:
            if v > 0:
                last = DrugDose(v, unit, s, e, vt, name, note=note, background=background, list_id=list_id)
                out.append(last)
    return [d for i, d in enumerate(out) if not (
        i + 1 < len(out) and d.unit.split("/")[0] in _COUNTED_FORMS and out[i + 1].unit.split("/")[0] not in _COUNTED_FORMS
        and _CONTENT_GAP_RE.match(text, d.end, out[i + 1].start))]


# "eight capsules per d containing 4 g oil", "two tablets containing 500 mg", "2 capsules, each containing 300 mg":
# the capsules carry the dose, which is the content's (see find_drug_doses)
_CONTENT_GAP_RE = re.compile(r"\s*(?:(?:per|a)\s+(?:d|day)\b|/\s?d(?:ay)?\b|daily\b)?\s*,?\s*(?:each\s+)?"
                             r"(?:containing|contained|with|of|providing)\s+(?:about\s+|approximately\s+)?$", re.I)


# a dose summed over the study, not one administration: "the median cumulative dose was 3200 mg"
# (but "cumulative challenge doses (5, 10, 20 mg) were inhaled" are the doses of a test, each given)
_CUMULATIVE_BEFORE = re.compile(r"\bcumulative\s+(?:[\w-]+\s+){0,2}?dos(?:e|es|age)\s+(?:was|were|of|reached|averaged)\b"
                                r"[^.;]{0,20}$", re.I)
_DRUG_OR_BEFORE = re.compile(r"(?P<drug>[A-Za-z][\w-]+)\s+(?:or|and|versus|vs\.?)\s+(?:a\s+|an\s+|the\s+|matching\s+|identical\s+)*$")
_AT_A_DOSE_GAP = re.compile(r"\s+(?:at|in)\s+(?:a\s+)?(?:daily\s+)?(?:dose|dosage)\s+of\s+")
_TEST_MEAL_BEFORE = re.compile(r"\b(?:meal|drink|breakfast|lunch|dinner|beverage|load|challenge)\s+(?:containing|"
                               r"with|providing|of)\s+(?:about\s+|approximately\s+)?$", re.I)
_DOSES_OF_RE = re.compile(r"\b(?:doses|dosages|dose|dosage)\s+of\s+(?P<drug>[A-Za-z][\w-]{2,})")
_COUNTED_FORMS = frozenset({"tablets", "capsules", "sachets", "patches", "suppositories"})
_FORM_NORMAL = {"drop": "drops", "drops": "drops", "puff": "puffs", "puffs": "puffs", "tablet": "tablets",
                "tablets": "tablets", "capsule": "capsules", "capsules": "capsules", "sachet": "sachets",
                "sachets": "sachets", "spray": "sprays", "sprays": "sprays", "inhalation": "inhalations",
                "inhalations": "inhalations", "patch": "patches", "patches": "patches",
                "suppository": "suppositories", "suppositories": "suppositories"}


def _clean_offset(c: _Cleaned, orig_starts: list[int], p: int) -> int:
    """The offset in the cleaned text of offset `p` of the original (`orig_starts`: where each
    replaced segment starts in the original)."""
    i = bisect_right(orig_starts, p) - 1
    if i < 0:
        return p
    a, b, cs, ce = c.segments[i]
    return cs if p < b else p - b + ce


def _matches_at(c: _Cleaned, units_at: Sequence[tuple[int, int]]) -> list[re.Match[str]]:
    """The matches of _matches(c.text) whose unit word starts at one of `units_at`."""
    t = c.text
    found: dict[int, re.Match[str]] = {}
    orig_starts = [seg[0] for seg in c.segments]
    for s, e in units_at:
        cs, ce = _clean_offset(c, orig_starts, s), _clean_offset(c, orig_starts, e)
        lead = t[max(0, cs - 3):cs].rstrip(" -")
        is_form = t[cs:ce].lower().startswith(_FORM_WORDS)
        if not is_form and not lead[-1:].isdigit():
            continue  # a unit word with no number just before it ("HBP U", "mg of") is no dose: a cheap test first
        if is_form:
            m = _WORD_FORM_BEFORE_RE.search(t, max(0, cs - 40), cs)
            whole = _WORD_FORM_RE.match(t, m.start()) if m else None
            if whole and not whole.group("n")[:1].isdigit():
                found.setdefault(whole.start(), whole)
        if not lead[-1:].isdigit():
            continue
        for m in DRUG_DOSE_RE.finditer(t, max(0, cs - 60), min(len(t), ce + 40)):
            if m.start("unit") == cs:
                found.setdefault(m.start(), m)
    return [found[k] for k in sorted(found)]


def _matches(t: str) -> list[re.Match[str]]:
    found = list(DRUG_DOSE_RE.finditer(t))
    low = t.lower()
    if any(w in low for w in _FORM_WORDS):  # substring tests in C: cheaper than any regex scan
        for form in _FORM_WORDS:
            pos = low.find(form)
            while pos >= 0:  # "two tablets": a word count before the form word
                m = _WORD_FORM_BEFORE_RE.search(t, max(0, pos - 40), pos)
                if m:
                    whole = _WORD_FORM_RE.match(t, m.start())
                    if whole and not whole.group("n")[:1].isdigit():
                        found.append(whole)
                pos = low.find(form, pos + 1)
        found.sort(key=lambda m: m.start())
    return found
