"""Intervention: cell source and origin, route, doses per administration, number of administrations.

- Cell source and origin: the vocabulary mentions (extract/data/intervention.json) counted over
  title (weight 2) and abstract (weight 1); the most mentioned wins, ties go to the first
  mention. A source counts only where cells are what it names: the mention is a cell word itself
  ("UC-MSCs", "adipose-derived"), cells follow it ("umbilical cord mesenchymal stem cells",
  "bone marrow (BM)-derived") or precede it ("MSCs isolated from bone marrow"). "UC" in a colitis
  trial, "placental malaria" and "bone marrow suppression" name no cells. Nothing counted gives
  None (never a guess).
- Route: weighted cues ("intravenous" 3, "infusion" 1); the heaviest total wins. Cues that are not
  the study intervention's route are not counted: in background sentences of a structured abstract
  ("pain associated with intravenous cannulation"), before a procedure ("intravenous catheter"),
  in a background-therapy clause ("on stable oral methotrexate"), or next to a drug that is not the
  intervention; a cue next to the intervention's dose or name counts double.
- Doses: cell doses from `extract.quantities.find_doses` (a concentration is replaced by the dose
  it gives with the stated volume; a lost exponent stays with value None and uncertain=True) and
  drug doses from `extract.drug_doses.find_drug_doses`. Each drug dose gets a role: "intervention"
  (its drug is named in the title, or is the most mentioned drug when the title names none, or it
  names no drug), "background" (a background-therapy cue: "stable", "concomitant", "despite" ...)
  or "comparator" (another drug, a placebo or a vehicle). A volume beside a cell dose is the cell
  product's, not a dose. Repeated values are reported once per role. Several doses of one drug
  ("50 mg, 140 mg, or 210 mg"; "5 mg or 10 mg twice daily") become one arm each ("brodalumab 50
  mg"); a cell dose list ("2.5 × 10^7, 5 × 10^7 or 1 × 10^8 cells") or a dose followed by
  "(cohort A)" also becomes one arm per dose.
- Administrations: "three intravenous infusions", "a single injection", "twice" (for the whole
  record); a drug dose takes its own from its clause ("for 6 doses", "three doses of").
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from extract.document import Mention, Text
from extract.drug_doses import BACKGROUND_NEAR, CONTROL_NAMES, DrugDose, find_drug_doses
from extract.evidence import DoseValue, Provenance
from extract.fastre import words
from extract.quantities import WORDNUM, parse_number
from extract.schedule import dosing_days, is_aim

__all__ = ["administrations", "cell_origin", "cell_source", "cells_are_intervention", "doses", "route"]

ADMIN_COUNT_BEFORE_RE = re.compile(
    rf"\b(?P<n>a\s+single|single|one|\d+|{WORDNUM})\s+(?:(?!(?:months?|weeks?|days?|years?|hours?|after|before|"
    rf"following|of|the|patients?|subjects?|participants?|and|or)\b)[\w-]+\s+){{0,2}}?$", re.I)
_NOT_ADMIN_AFTER = re.compile(r"\s+(?:cohorts?|groups?|levels?|escalation|arms?|finding)\b", re.I)
ADMIN_CONTEXT = re.compile(r"infus|inject|administ|transplant|implant|dose|dosing|received|given", re.I)
_ADMIN_WORD_N = {"a single": 1, "single": 1, "one": 1, "once": 1, "twice": 2, "thrice": 3}
_TIMES = frozenset({"once", "twice", "thrice"})
_ARM_AFTER_DOSE = re.compile(r"^[^\d(;.]{0,20}?\(\s*(?P<arm>(?:cohort|group|arm|cluster|dose level)\s+[\w-]+)\s*\)", re.I)
# a drug dose's own number of administrations: "... every two weeks for 6 doses", "three doses of"
_ADMIN_AFTER_DOSE = re.compile(
    rf"[^;.]{{0,60}}?\b(?:for|x|×)\s+(?P<n>\d+|{WORDNUM})\s+(?:doses|infusions|injections|administrations|"
    r"cycles|courses|applications)\b", re.I)
_ADMIN_BEFORE_DOSE = re.compile(
    rf"\b(?P<n>a\s+single|single|\d+|{WORDNUM})\s+(?:(?:weekly|monthly|daily|intravenous|subcutaneous|"
    r"intramuscular|intra-articular)\s+)?(?:doses?|infusions?|injections?|administrations?|applications?)\s+of\s+"
    r"(?:[^;.]{0,40}?)$", re.I)
# cells are what a source mention names: a cell word after it, or cells "from"/"of" it before it
_CELL_AFTER = re.compile(  # used with .match(text, pos): no "^"
    r"(?:[\s(),\[\]/-]*(?:tissue|blood|cords?|jelly|membrane|fluid|epithelial|uc|bm|ad|wj|human|h|autologous|allogeneic|expanded|"
    r"cultured|isolated|origin|sourced|mesenchymal|derived|[a-z]?msc|[a-z]?mscs)\b){0,4}?[\s(),\[\]/-]*"
    r"(?:derived|mesenchymal|stem|stromal|progenitor|mononuclear|cells?\b|[A-Za-z]{0,3}MSCs?\b|[a-z]?ASCs?\b|"
    r"SVF\b|aspirate|concentrate"
    r"|(?:was|were)\s+(?:aspirated|harvested)\b)", re.I)  # "Bone marrow was aspirated from the iliac crest"
_CELL_BEFORE = re.compile(
    words([r"cells?", r"MSCs?", "stem", "stromal", "SVF", r"progenitors?"])
    + r"\s+(?:[\w-]+\s+){0,3}?(?:from|of|in)\s+(?:the\s+|human\s+|autologous\s+|allogeneic\s+|donor\s+|healthy\s+)*$")
_CELL_WORD_IN_MENTION = re.compile(r"msc|cell|asc|adsc|dpsc|derived|wj|stem", re.I)
# a route cue before a procedure, not a treatment: "intravenous cannulation", "an intravenous line"
_PROCEDURE_AFTER = re.compile(
    r"^[\s-]*(?:cannula\w*|catheter\w*|lines?\b|access\b|ports?\b|contrast\b|drug\s+us\w*|sedation\b|"
    r"glucose\s+tolerance|route\b|"
    # or before a condition: where the disease is ("intraperitoneal sepsis", "intra-articular fractures")
    r"(?:sepsis|infections?|adhesions?|abscess(?:es)?|ha?emorrhages?|bleeding|fractures?|injur(?:y|ies)|"
    r"metastas[ie]s|carcinomatosis|pressure|hypertension|tumou?rs?|cancers?|fat(?!\s+emulsion)|lesions?|inflammation|"
    r"contamination)\b)", re.I)
# "oral" that is not a route: "oral health", "oral mucositis", "oral glucose tolerance test"
_NOT_ORAL_AFTER = re.compile(
    r"^[\s-]*(?:health|hygiene|mucosa\w*|mucositis|cavity|cavities|glucose|lesions?|cancers?|surgery|"
    r"contracepti\w*|feeding|care|exam\w*|pain|ulcer\w*|candid\w*|diseases?|microbio\w*|lichen|language|"
    r"presentation|communication|nutrition|intake|motor|lichen|squamous|submucous|premalignant|leukoplakia|"
    r"hypoglycemic|hypoglycaemic|antidiabetic|antihyperglycemic|anticoagula\w*|steroids?|corticosteroids?)\b",
    re.I)
# "oral" names the route when a form, an administration word or a drug-like word follows
_ORAL_ROUTE_AFTER = re.compile(
    r"[\s-]*(?:\w+\s+){0,2}?(?:administration|administered|dos(?:e|es|ing)|tablets?|capsules?|solution|suspension|"
    r"supplement\w*|medication\w*|drugs?|therap\w*|treatment|intake|route|formulation|preparation|regimen|agent|"
    r"inhibitor|antagonist|agonist|antibiotics?|vaccine|bolus|load|[a-z]+(?:mab|nib|tinib|pril|sartan|statin|"
    r"olol|azole|mycin|cillin|oxacin|parin|afil|prazole|gliptin|gliflozin|dronate|profen|triptan)\b)", re.I)
_CELL_TITLE_RE = re.compile(words([r"stem[\s-]cells?", r"stromal\s+cells?", r"MSCs?",
                                   r"progenitor\s+cells?", r"mononuclear\s+cells?", r"cell\s+therapy", "cell-based",
                                   r"cellular\s+therapy", "SVF"]) + r"\b")
_GENERIC_HEADS = frozenset({"low", "high", "dose", "active", "oral", "topical", "standard", "fixed", "matching",
                            "daily", "single", "weekly", "study", "investigational", "drug", "product", "treatment"})


def _weighted(texts: list[tuple[Text, int]], kind: str, skip: dict[str, frozenset[int]],
              weight_of=None) -> tuple[str | None, Provenance | None]:
    score: Counter[str] = Counter()
    first: dict[str, tuple[int, Text, int, int]] = {}
    order = 0
    for t, w in texts:
        skipped = skip.get(t.location, frozenset())
        for m in t.mentions:
            if m.kind != kind or t.sentence_at(m.start).index in skipped:
                continue
            weight = w * (int(m.extra) if (kind == "ROUTE" and m.extra) else 1)
            if weight_of is not None:
                weight *= weight_of(t, m)
            if weight <= 0:
                continue
            score[m.value] += weight
            if m.value not in first:
                first[m.value] = (order, t, m.start, m.end)
            order += 1
    if not score:
        return None, None
    best = max(score, key=lambda v: (score[v], -first[v][0]))
    _, t, s, e = first[best]
    sent = t.sentence_at(s)
    return best, Provenance("", t.location, t.text[sent.start:sent.end], sent.start, sent.end)


def _names_cells(t: Text, m: Mention) -> int:
    """1 when the source mention names cells (see the module docstring), else 0."""
    if _CELL_WORD_IN_MENTION.search(m.text):
        return 1
    if _CELL_AFTER.match(t.text, m.end, min(len(t.text), m.end + 60)):
        return 1
    return 1 if _CELL_BEFORE.search(t.text, max(0, m.start - 50), m.start) else 0


def cell_source(title: Text, abstract: Text, skip: dict[str, frozenset[int]],
                background: frozenset[int] = frozenset(), cells: bool = True) -> tuple[str | None, Provenance | None]:
    """The cells' source (see the module docstring). The abstract's `background` sentences count only
    when the rest names no source ("Background: Bone marrow MSCs suppress arthritis in mice. Methods:
    patients received UC-MSCs" is umbilical cord). Where cells are not the study's intervention
    (`cells` False: no cell dose, no cells in the title) only a mention in a sentence that gives cells
    counts ("received bone marrow-derived mononuclear cells by infusion", not "cord blood mononuclear
    cells were collected")."""
    weight = _names_cells if cells else _names_given_cells
    if background:
        found = _weighted([(title, 2), (abstract, 1)], "SOURCE",
                          {**skip, "abstract": skip.get("abstract", frozenset()) | background}, weight)
        if found[0] is not None:
            return found
    return _weighted([(title, 2), (abstract, 1)], "SOURCE", skip, weight)


# a sentence that gives cells to patients
_GIVES_CELLS = re.compile(r"infus|inject|transplant|administ|receiv|given|implant|transfus|treated\s+with|"
                          r"delivered", re.I)


# stem or stromal cells named at the mention: "adipose-derived stem cells", "UC-MSCs", "bone marrow MSCs"
_STEM_CELLS_AT = re.compile(r"[\s\w()/,'’-]{0,40}?(?:mesenchymal|stem|stromal|MSCs?\b|[A-Za-z]{1,4}-?MSCs?\b)", re.I)


def _names_given_cells(t: Text, m: Mention) -> int:
    """_names_cells, where the mention names stem/stromal cells or its sentence gives the cells."""
    if "msc" in m.text.lower() or _STEM_CELLS_AT.match(t.text, m.end, min(len(t.text), m.end + 60)) or \
            _GIVES_CELLS.search(t.sentence_at(m.start).text):
        return _names_cells(t, m)
    return 0


def cell_origin(title: Text, abstract: Text, skip: dict[str, frozenset[int]]) -> tuple[str | None, Provenance | None]:
    return _weighted([(title, 2), (abstract, 1)], "ORIGIN", skip)


def cells_are_intervention(title: Text, abstract: Text) -> bool:
    """Whether the study gives cells: a cell dose, or stem/stromal/progenitor cells (MSCs) named in
    the title (or, with no title, in the abstract)."""
    if any(d.value is not None or d.uncertain for t in (title, abstract) for d in t.doses):
        return True
    return bool(_CELL_TITLE_RE.search(title.text or abstract.text))


@dataclass(frozen=True)
class _Study:
    """What the record says the intervention is: the heads of its drugs' names."""

    heads: frozenset[str]  # lower-cased first words of the intervention's drug names
    others: frozenset[str]  # heads of the other drugs (comparators, background)
    background: frozenset[str] = frozenset()  # drugs the title says the patients were on


# "Memantine in patients with Alzheimer's disease receiving donepezil", "X added to stable Y",
# "... with an inadequate response to methotrexate": the drug after these words is background therapy
_BACKGROUND_IN_TITLE = re.compile(
    words([r"receiving", r"taking", r"on", r"treated\s+with", r"added\s+to", r"add-on\s+to", r"on\s+top\s+of",
           r"inadequate(?:ly)?\s+respon\w*\s+to", r"despite"])
    + r"\s+(?:(?:stable|background|concomitant|ongoing|maintenance|standard)\s+)?(?P<drug>[A-Za-z][\w-]+)")


_COMBINED_WITH_IN_TITLE = re.compile(
    words([r"combined\s+with", r"in\s+combination\s+with"])
    + r"\s+(?P<drugs>[A-Za-z][\w-]+(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)[A-Za-z][\w-]+){0,4})")
_NAME_SEPARATORS = re.compile(r"[\s/]+")


def _head(name: str | None) -> str | None:
    if not name:
        return None
    for w in _NAME_SEPARATORS.split(name):
        low = w.lower().strip("()[],;:")
        if low and low not in _GENERIC_HEADS and not low.isdigit() and not CONTROL_NAMES.match(low):
            return low
    return None


def _word_positions(text_low: str, word: str) -> list[int]:
    """Where `word` occurs in `text_low` as a whole word (not inside a longer word or a hyphenated
    compound); str.find, not a regex compiled for each word."""
    out = []
    pos = text_low.find(word)
    while pos >= 0:
        end = pos + len(word)
        if (pos == 0 or not (text_low[pos - 1].isalnum() or text_low[pos - 1] in "_-")) and \
                (end == len(text_low) or not (text_low[end].isalnum() or text_low[end] in "_-")):
            out.append(pos)
        pos = text_low.find(word, pos + 1)
    return out


def _mentions_word(text_low: str, word: str) -> bool:
    return bool(_word_positions(text_low, word))


_ABBR_AFTER = re.compile(r"[^()]{0,40}?\(\s?(?P<abbr>[a-z][\w-]{1,12})\s?[);,]")
_LONG_FORM_WORD = re.compile(r"[a-z][\w-]*")


def _alias_words(head: str, text: str) -> frozenset[str]:
    return _alias_words_cached(head, text)


def _alias_words_uncached(head: str, low: str) -> set[str]:
    """The other names of `head` where the text defines an abbreviation: "certolizumab pegol (CZP)"
    gives czp -> {certolizumab, pegol} and certolizumab -> {czp}."""
    out: set[str] = set()
    pos = low.find("(" + head)
    while pos >= 0:  # head is the abbreviation: the words before its bracket
        if low[pos + 1 + len(head):pos + 2 + len(head)] in (")", ";", ",", " "):
            words = [part for w in _LONG_FORM_WORD.findall(low, max(0, pos - 60), pos)[-5:]
                     for part in {w, *w.split("-")} if len(part) >= 4 and part not in _GENERIC_HEADS]
            if words and head[0] in "".join(w[0] for w in words):
                out.update(words[-3:])
        pos = low.find("(" + head, pos + 1)
    for at in _word_positions(low, head):  # head is the long form: its abbreviation
        m = _ABBR_AFTER.match(low, at + len(head))
        if m and m.group("abbr")[0] == head[0]:
            out.add(m.group("abbr"))
    return out


def _in_title(head: str, title_low: str, text: str) -> bool:
    """Whether `title_low` (any lower-cased text) names `head` or an abbreviation of it defined in
    `text` (lower-cased: the record's title and abstract)."""
    if _mentions_word(title_low, head):
        return True
    return any(_mentions_word(title_low, a) for a in _alias_words(head, text))


@lru_cache(maxsize=256)
def _alias_words_cached(head: str, text: str) -> frozenset[str]:
    return frozenset(_alias_words_uncached(head, text))


def _study(title: Text, abstract: Text, drugs: list[DrugDose], cells: bool) -> _Study:
    """Which drugs are the intervention: those the title names; else those an aim sentence names
    ("The aim ... was to evaluate X"); else the most mentioned. Drugs the patients were on are
    background: after "receiving", "added to" ... in the title when another drug is named before
    them, and Y in "the addition of X to Y"."""
    title_low = title.text.lower()
    both = (title.text + "\n" + abstract.text).lower()  # lower-cased once: every look-up below reads it
    heads: set[str] = set()
    for d in drugs:
        if d.drug and not CONTROL_NAMES.match(d.drug):
            words = _name_words(d.drug)
            key = next((w for w in words if _in_title(w, title_low, both)), words[0] if words else None)
            if key:
                heads.add(key)
    if not heads:
        return _Study(frozenset(), frozenset())
    background = frozenset(
        h for m in _BACKGROUND_IN_TITLE.finditer(title.text) for h in heads
        if _in_title(h, m.group("drug").lower(), both)
        and any(g != h and _in_title(g, title_low[:m.start()], both) for g in heads))
    # "Dalotuzumab combined with pemetrexed and cisplatin": the drugs the intervention is combined with (every
    # item of the list) are its background, when the intervention is named before them
    background |= frozenset(
        h for m in _COMBINED_WITH_IN_TITLE.finditer(title.text) for h in heads
        if _in_title(h, m.group("drugs").lower(), both)
        and any(g != h and _in_title(g, title_low[:m.start()], both) for g in heads))
    # (not a drug the title names outside such a phrase: "Effects of growth hormone and pioglitazone", a factorial
    # trial whose conclusion reads "addition of PIO to GH")
    title_outside = _ADDITION_OF_TO.sub(" ", title_low) if "add" in title_low else title_low
    background |= frozenset(
        h for m in _ADDITION_OF_TO.finditer(both) for h in heads
        if _in_title(h, m.group("drug").lower(), both) and any(
            g != h and _in_title(g, m.group("what").lower(), both) for g in heads)
        and not _in_title(h, title_outside, both))
    candidates = heads - background
    # "Carbetocin in comparison with oxytocin", "X versus mefloquine": the drug after is the comparator
    compared = frozenset(
        h for m in _VERSUS_IN_TITLE.finditer(title_low) for h in candidates
        if _in_title(h, title_low[m.end():], both) and not _in_title(h, title_low[:m.start()], both)
        and any(_in_title(g, title_low[:m.start()], both) for g in candidates if g != h))
    in_title = {h for h in candidates - compared if _in_title(h, title_low, both)}
    if in_title or cells:
        return _Study(frozenset(in_title), frozenset(heads - in_title), background)
    aims = " ".join(sent.text for sent in abstract.sentences if is_aim(abstract, sent)).lower()
    in_aims = {h for h in candidates if _in_title(h, aims, both)} if aims else set()
    if in_aims:
        return _Study(frozenset(in_aims), frozenset(heads - in_aims), background)
    low = both[len(title.text) + 1:]
    counts = {h: len(_word_positions(low, h)) for h in candidates}
    top = max(counts.values(), default=0)
    chosen = {h for h, n in counts.items() if n == top}
    return _Study(frozenset(chosen), frozenset(heads - chosen), background)


_VERSUS_IN_TITLE = re.compile(r"\b(?:versus|vs\.?|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|against)\s")
# "the addition of artesunate/placebo (4 mg/kg/day) to amodiaquine": amodiaquine is the background
_ADDITION_OF_TO = re.compile(
    words([r"addition\s+of", "adding", r"add-on\s+of"])
    + r"\s+(?P<what>(?:[^\s()]+\s+|\([^()]*\)\s+){1,6}?)to\s+(?:(?:stable|background|standard|the)\s+)?"
    r"(?P<drug>[A-Za-z][\w-]+)")


def _name_words(name: str | None) -> list[str]:
    return [w for w in (x.lower().strip("()[],;:") for x in _NAME_SEPARATORS.split(name or ""))
            if w and w not in _GENERIC_HEADS and not w.isdigit()]


def _drug_role(d: DrugDose, study: _Study) -> str:
    if d.drug and CONTROL_NAMES.match(d.drug):
        return "comparator"
    head = _head(d.drug)
    words = _name_words(d.drug)
    if d.background or (head is not None and head in study.background):
        return "background"
    if head is None or not study.heads or any(w in study.heads for w in words):
        return "intervention"  # "operation amiodarone": any word of the name
    return "comparator"


def _route_weight(study_spans: list[tuple[int, int]], other_heads: frozenset[str],
                  study_heads: frozenset[str], background: frozenset[int]):
    drugs = study_heads | other_heads

    def weight(t: Text, m: Mention) -> int:
        text = t.text
        after = text[m.end:m.end + 40]
        sent = t.sentence_at(m.start)
        if background and t.location == "abstract" and sent.index in background and not any(
                _mentions_word(sent.text.lower(), h) for h in study_heads):
            return 0  # background knowledge, unless it describes the intervention ("X is an oral ...")
        if _PROCEDURE_AFTER.match(after):
            return 0
        if m.text.lower() == "oral" and (_NOT_ORAL_AFTER.match(after) or not (
                _ORAL_ROUTE_AFTER.match(after) or any(h in after.lower() for h in study_heads))):
            return 0  # "oral" is a route before a drug or a dosage form ("oral tofacitinib", "oral tablets")
        if BACKGROUND_NEAR.search(text, max(sent.start, m.start - 40), m.start):
            return 0
        if not drugs:
            return 1
        next_words = [w.strip("(),;:.").lower() for w in after.split(None, 3)[:3]]
        if any(w in other_heads for w in next_words) and not any(w in study_heads for w in next_words):
            return 0
        if any(w in study_heads for w in next_words) or any(
                a - 40 <= m.start and m.end <= b + 40 for a, b in study_spans if t.location == "abstract"):
            return 2
        return 1
    return weight


def route(title: Text, abstract: Text, skip: dict[str, frozenset[int]],
          study_doses: list[DoseValue] | None = None,
          background: frozenset[int] = frozenset()) -> tuple[str | None, Provenance | None]:
    """The study intervention's route (see the module docstring); `study_doses` are the record's
    doses (the intervention's spans and drug names weigh the cues beside them), `background` the
    abstract's background sentences (extract.schedule.background_sentences)."""
    spans = [(d.provenance.start, d.provenance.end) for d in study_doses or ()
             if d.role == "intervention" and d.provenance.location == "abstract" and d.provenance.start is not None]
    heads = frozenset(h for h in (_head(d.drug) for d in study_doses or () if d.role == "intervention") if h)
    others = frozenset(h for h in (_head(d.drug) for d in study_doses or () if d.role != "intervention") if h)
    found = _weighted([(title, 2), (abstract, 1)], "ROUTE", skip, _route_weight(spans, others - heads, heads, background))
    if found[0] is None:  # "dalotuzumab 10 mg/kg IV weekly": an abbreviation right after the intervention's dose
        for d in study_doses or ():
            p = d.provenance
            if d.role != "intervention" or p.location != "abstract" or p.end is None:
                continue
            m = _ROUTE_AFTER_DOSE.match(abstract.text, p.end)
            if m and abstract.sentence_at(p.start).index not in skip.get("abstract", frozenset()):
                sent = abstract.sentence_at(p.start)
                return _ROUTE_ABBREVIATIONS[m.group("r").replace(".", "").upper()], Provenance(
                    "", "abstract", abstract.text[sent.start:sent.end], sent.start, sent.end)
    return found


# a route abbreviated after a dose ("10 mg/kg IV", "15 mg SC weekly"); upper case only, so "iv" and "im"
# of running text are not read, and only after a dose, so "stage IV" is not
_ROUTE_AFTER_DOSE = re.compile(r"\s?,?\s?\(?(?P<r>IV|SC|IM|i\.v\.|s\.c\.|i\.m\.)(?![\w.])")
_ROUTE_ABBREVIATIONS = {"IV": "intravenous", "SC": "subcutaneous", "IM": "intramuscular"}


# "weekly for 4 weeks", "once a week for 3 weeks": one administration a week; "three times at weekly
# intervals", "twice, four weeks apart": a count (not "three times per week": a frequency)
_COURSE_ADMIN_RE = re.compile(
    rf"\b(?:(?:once\s+)?weekly|once\s+(?:a|per|every)\s+week|every\s+week)\s+for\s+(?P<w>\d+|{WORDNUM})\s+"
    rf"(?:consecutive\s+)?weeks\b"
    rf"|\b(?:(?P<n>\d+|{WORDNUM})\s+times|(?P<t>twice|thrice))\s*,?\s*(?:at\s+(?:[\w-]+\s+)?intervals?\b|"
    rf"(?:at\s+|with\s+)?(?:an?\s+)?(?:[\w-]+-)?(?:week|day|month)s?\s+intervals?\b|(?:[\w-]+\s+){{1,2}}apart\b)", re.I)
_PHASE_BEFORE = re.compile(r"\bphase\s*$", re.I)
_DIGIT_RUN = re.compile(r"\d+")


def administrations(texts: list[Text], skip: dict[str, frozenset[int]]) -> int | None:
    """The number of administrations per patient, when stated."""
    for t in texts:  # a weekly course or a count at intervals (read first: "once a week" is not one administration)
        low = t.text.lower()
        if not ("weekly" in low or "a week" in low or "per week" in low or "every week" in low or (
                ("interval" in low or "apart" in low) and ("times" in low or "twice" in low or "thrice" in low))):
            continue  # every match below needs these words: substring tests first (cheap)
        for m in _COURSE_ADMIN_RE.finditer(t.text):
            sent = t.sentence_at(m.start())
            if sent.index in skip.get(t.location, frozenset()) or not ADMIN_CONTEXT.search(sent.text):
                continue
            n = _count(m.group("n") or m.group("w") or m.group("t"))
            if n:
                return n
    for t in texts:
        skipped = skip.get(t.location, frozenset())
        for w_start, w_end in t.anchored("admin"):  # "infusions", "doses", "twice", ... (anchor words)
            if t.sentence_at(w_start).index in skipped:
                continue
            said = t.text[w_start:w_end].lower()
            if said in _TIMES:
                return _ADMIN_WORD_N[said]
            m = ADMIN_COUNT_BEFORE_RE.search(t.text, max(0, w_start - 45), w_start)
            if m is None:
                continue
            if _PHASE_BEFORE.search(t.text[max(0, m.start() - 10):m.start()]) \
                    or t.text[w_end:w_end + 1] == "-" or _NOT_ADMIN_AFTER.match(t.text, w_end):
                continue  # "phase 1 dose-escalation", "three dose cohorts"
            n = _count(m.group("n"))
            if n:
                return n
    for t in texts:  # "infused on days 1, 8 and 15": one administration per listed day
        for m in dosing_days(t):
            sent = t.sentence_at(m.start())
            if sent.index not in skip.get(t.location, frozenset()) and ADMIN_CONTEXT.search(sent.text):
                return len(_DIGIT_RUN.findall(m.group(0)))
    return None


_SPACE_RUN = re.compile(r"\s+")


def _count(word: str) -> int | None:
    word = _SPACE_RUN.sub(" ", word.lower())
    n = _ADMIN_WORD_N.get(word)
    if n is None:
        v = parse_number(word)
        n = int(v) if v is not None and v == int(v) and 0 < v <= 12 else None
    return n


def _fmt(value: float, unit: str) -> str:
    exp = len(str(int(value))) - 1 if value >= 10 else 0
    mant = value / 10**exp
    return f"{mant:g} × 10^{exp} {unit}"


def _cell_doses(texts: list[Text], record_id: str, skip: dict[str, frozenset[int]],
                n_administrations: int | None) -> list[DoseValue]:
    out: list[DoseValue] = []
    seen: set[tuple[float | None, str]] = set()
    for t in texts:
        skipped = skip.get(t.location, frozenset())
        found = [d for d in t.doses if d.per_volume_ml is None
                 and t.sentence_at(d.start).index not in skipped]
        listed = [d for d in found if d.note and d.note.startswith("one of")]
        by_sentence: Counter[int] = Counter(t.sentence_at(d.start).index for d in found if d.value is not None)
        for d in found:
            key = (d.value, d.unit)
            if key in seen:
                continue
            seen.add(key)
            sent = t.sentence_at(d.start)
            arm = None
            m = _ARM_AFTER_DOSE.match(t.text[d.end:d.end + 30])
            if m:
                arm = m.group("arm")
            elif d.value is not None and (d in listed or by_sentence[sent.index] > 1):
                arm = _fmt(d.value, d.unit)
            prov = Provenance(record_id, t.location, t.text[d.start:d.end], d.start, d.end)
            out.append(DoseValue(d.value, d.unit, prov, arm, n_administrations, d.uncertain, d.note))
    # one dose stated once per arm list: if only one dose has an arm label, drop it
    if sum(1 for d in out if d.arm) == 1:
        out = [DoseValue(d.value, d.unit, d.provenance, None, d.n_administrations, d.uncertain, d.note)
               for d in out]
    return out


def _own_administrations(t: Text, d: DrugDose, list_end: int) -> int | None:
    """A drug dose's number of administrations from its clause: "... for 6 doses per group",
    "three doses of ..."."""
    window = t.text[list_end:list_end + 90]
    if any(w in window for w in _ADMIN_NOUNS):  # the nouns both patterns need: a cheap test first
        m = _ADMIN_AFTER_DOSE.match(t.text, list_end, min(len(t.text), list_end + 90))
        if m:
            return _count(m.group("n"))
    sent = t.sentence_at(d.start)
    lo = max(sent.start, d.start - 70)
    if not any(w in t.text[lo:d.start] for w in _ADMIN_NOUNS):
        return None
    b = _ADMIN_BEFORE_DOSE.search(t.text, lo, d.start)
    return _count(b.group("n")) if b else None


_ADMIN_NOUNS = ("dose", "infusion", "injection", "administration", "application", "cycle", "course")


def _drug_doses(texts: list[Text], record_id: str, skip: dict[str, frozenset[int]],
                cells: bool) -> list[DoseValue]:
    title = texts[0]
    abstract = texts[-1]
    found: list[tuple[Text, DrugDose]] = []
    for t in texts:
        skipped = skip.get(t.location, frozenset())
        cell_sentences = {t.sentence_at(c.start).index for c in t.doses}
        prev: DrugDose | None = None
        prev_sent = -1
        for d in find_drug_doses(t.text, t.anchored("dose_unit")):
            sent = t.sentence_at(d.start).index
            if sent in skipped or (d.unit.startswith("mL") and sent in cell_sentences):
                continue  # "40 mL UC-MSC suspension (2 × 10^7 cells/20 mL)": the cell product's volume
            if d.drug is None and prev is not None and prev_sent == sent and not CONTROL_NAMES.match(prev.drug or "x"):
                d = _with_drug(d, prev.drug, prev.background)  # "... 210 mg ...; or 420 mg or 700 mg"
            found.append((t, d))
            prev, prev_sent = d, sent
    study = _study(title, abstract, [d for _, d in found], cells)
    list_ends: dict[tuple[str, int | None], int] = {}
    for t, d in found:
        key = (t.location, d.list_id)
        list_ends[key] = max(list_ends.get(key, 0), d.end)
    out: list[DoseValue] = []
    seen: set[tuple[float | None, str, str, str | None]] = set()
    before: tuple[Text, DrugDose] | None = None
    restated: set[tuple[float | None, str]] = set()
    for t, d in found:
        prev, before = before, (t, d)
        if (prev is not None and prev[0] is t and _restated_daily_total(t.text, prev[1], d)) or (d.value, d.unit) in restated:
            restated.add((d.value, d.unit))  # (and "Consumption of 800 mg/d" later is that total again)
            continue  # "400 mg capsules ... twice daily (800 mg/d)": the daily total of the dose before, restated
        role = _drug_role(d, study)
        if role == "intervention" and d.drug and _CONTROL_ARM_BEFORE.search(t.text, max(0, d.start - 50), d.start):
            role = "comparator"  # "... or standard HMF providing 1 g protein": the control arm's amount
        # "400 mg/d" and "400 mg" of the same drug are one dose: the key is the unit's amount part
        key = (d.value if d.value is not None else d.low, d.unit.split("/day")[0], role,
               None if d.value is not None else d.text)
        if key in seen:
            continue
        seen.add(key)
        n_admin = _own_administrations(t, d, list_ends[(t.location, d.list_id)])
        prov = Provenance(record_id, t.location, t.text[d.start:d.end], d.start, d.end)
        out.append(DoseValue(d.value, d.unit, prov, None, n_admin, False, d.note, drug=d.drug, role=role))
    # "conjugated estrogens 0.625 mg with medroxyprogesterone acetate 2.5 mg": given with the
    # intervention's dose in the same clause, a dose is part of the intervention
    linked: list[DoseValue] = []
    for d in out:
        prev = linked[-1] if linked else None
        if (d.role == "comparator" and prev is not None and prev.role == "intervention" and d.drug
                and not CONTROL_NAMES.match(d.drug) and prev.provenance.location == d.provenance.location
                and prev.provenance.end is not None and d.provenance.start is not None
                and _WITH_GAP.match(texts[-1 if d.provenance.location == "abstract" else 0].text,
                                    prev.provenance.end, d.provenance.start)):
            d = DoseValue(d.value, d.unit, d.provenance, d.arm, d.n_administrations, d.uncertain, d.note,
                          drug=d.drug, role="intervention")
        linked.append(d)
    out = linked
    # several doses of one intervention drug: one arm per dose ("tofacitinib 5 mg", "tofacitinib 10 mg")
    per_drug: Counter[str] = Counter(_head(d.drug) or "" for d in out if d.role == "intervention" and d.value)
    named: list[DoseValue] = []
    for d in out:
        head = _head(d.drug) or ""
        if head and d.role == "intervention" and d.value is not None and per_drug[head] >= 2:
            label = f"{d.drug + ' ' if d.drug else ''}{d.value:g} {d.unit}"
            d = DoseValue(d.value, d.unit, d.provenance, label, d.n_administrations, d.uncertain, d.note,
                          drug=d.drug, role=d.role)
        named.append(d)
    return named


_CONTROL_ARM_BEFORE = re.compile(r"\b(?:or|versus|vs\.?)\s+(?:the\s+|a\s+|an\s+)?(?:standard|usual|conventional|"
                                 r"control|regular|routine)\b[^,;()0-9]{0,30}$", re.I)
# "400 mg twice daily (800 mg/d)", "500 mg three times a day (i.e. 1500 mg/day)": the gap after a dose
_DAILY_TOTAL_GAP = re.compile(r"[^;.()]{0,50}?\b(?P<freq>once|twice|thrice|two\s+times|three\s+times|four\s+times|b\.?i\.?d|"
                              r"t\.?i\.?d|q\.?i\.?d)\b\.?[^;.()]{0,20}?(?:daily|a\s+day|per\s+day|/\s?d(?:ay)?)?\s*\(\s*"
                              r"(?:i\.e\.,?\s*|total(?:\s+of)?\s*|that\s+is,?\s*)?$", re.I)
_SPACES_AND_DOTS = re.compile(r"[\s.]+")
_FREQ_TIMES = {"once": 1, "twice": 2, "thrice": 3, "two times": 2, "three times": 3, "four times": 4, "bid": 2, "tid": 3,
               "qid": 4}


def _restated_daily_total(text: str, prev: DrugDose, d: DrugDose) -> bool:
    """Whether dose `d` restates the daily total of `prev` just before it ("400 mg twice daily (800 mg/d)")."""
    if d.value is None or prev.value is None or not d.unit.endswith("/day") or d.start - prev.end > 80:
        return False
    m = _DAILY_TOTAL_GAP.fullmatch(text, prev.end, d.start)
    if m is None or d.unit.split("/")[0] != prev.unit.split("/")[0]:
        return False
    key = _SPACES_AND_DOTS.sub(" ", m.group("freq").lower()).strip()
    times = _FREQ_TIMES.get(key) or _FREQ_TIMES.get(key.replace(" ", ""), 0)
    return abs(prev.value * times - d.value) < 1e-9


_WITH_GAP = re.compile(r"\s*\)?\s*(?:\w+\s+){0,2}?(?:with|plus|\+|combined\s+with|together\s+with|in\s+combination\s+"
                       r"with)\s+(?:[^\s;.]+\s+){0,4}?\(?\s*$", re.I)


def _with_drug(d: DrugDose, drug: str | None, background: bool) -> DrugDose:
    return DrugDose(d.value, d.unit, d.start, d.end, d.text, drug, d.low, d.high, d.note,
                    d.background or background, d.list_id)


def doses(texts: list[Text], record_id: str, skip: dict[str, frozenset[int]],
          n_administrations: int | None, cells: bool | None = None) -> list[DoseValue]:
    """Every dose of the record (title first, then abstract): cell doses, then drug doses with
    their role (see the module docstring). `cells`: whether cells are the intervention
    (cells_are_intervention; computed when not given)."""
    title, abstract = texts[0], texts[-1]
    if cells is None:
        cells = cells_are_intervention(title, abstract)
    return _cell_doses(texts, record_id, skip, n_administrations) + _drug_doses(texts, record_id, skip, cells)
