"""Between-group comparisons: the sentences and table rows of a record that report how one arm
differed from another on an outcome, as `Comparison` records.

    from extract.comparisons import find_comparisons
    comparisons = find_comparisons(record_id, title, abstract, article, arms)

A passage (extract.passages) is a comparison when it states a between-group result: a P value, a
confidence interval or a significance word ("significantly", "did not differ", "similar") together
with words that compare groups ("than", "compared with", "versus", "between the groups",
"difference"); sentences that only compare an arm with its own baseline ("decreased from
baseline", "within the group") are within-arm changes and stay outcome rows. Table rows count when
their table has a P-value or difference column. Only the abstract, the results sections and the
tables are read: the discussion restates results of other trials too.

Each comparison gets:
- its outcome: the row label of a table row, else the noun phrase the sentence's comparison is
  about ("the incidence of PONV was significantly lower in ...", "no difference in pain between ...",
  "Function improved in the A group ..."), cleaned and mapped to the measure vocabulary
  (extract.measures); a word that names no outcome by itself ("results", "score", "multiple PROs")
  is none. A sentence that lists outcomes with a P value each ("... for pain (-5.2 vs. -3.3,
  p = 0.003), physical function (..., p = 0.001) and stiffness (..., p = 0.2)") gives one
  comparison per outcome, each with its own P value (`outcome_items`);
- its arms: the record's arms (`Evidence.arms`) that the passage names, the treatment arm as the
  intervention and the control arm as the comparator (a lone arm of each kind is assumed); when the
  record has no arms to link, the two groups the sentence names ("the X group ... compared to the Y
  group", "between patients who received X and those who received Y": `groups_named`), as written;
- its label and confidence from the trained label model (extract.model), the words it rests on,
  and the numbers stated: the P value, an effect (MD, SMD, OR, RR, HR, RD, IRR) with its CI,
  and the timepoint. A significant difference whose arms the passage does not tell apart (no arm
  named in a sentence; no arm column found for a row) gets no label: which way it goes is unknown.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Sequence

from extract.between import P_COLUMN as _P_COLUMN
from extract.between import is_comparison
from extract.comparison_cues import ArmTerms, normalise, p_values
from extract.evidence import Arm, Comparison, Provenance
from extract.fastre import fold_lower
from extract.fastre import words as fast_words
from extract.labelling import label_features
from extract.measures import canonical_measure, clean_measure_name
from extract.model import LABELS, load_model
from extract.passages import Passage, article_passages
from extract.quantities import find_timepoints
from extract.terms import abbreviations as _abbreviations
from extract.terms import content_stems

if TYPE_CHECKING:
    from extract.jats import Article
    from extract.model import ComparisonModel

__all__ = ["comparisons_in", "find_comparisons", "groups_named", "is_comparison", "outcome_items", "outcome_phrase",
           "stated_effect"]


# --- the outcome a sentence is about -----------------------------------------------------------

# The first two begin with a word: fastre.words gives them a fast start (the "\b(?:...)" they began
# with under re.IGNORECASE was tried at every position); the rest of each is case-insensitive as before.
_OUTCOME_PATTERNS = tuple(re.compile(p, re.I) if i == 2 else re.compile(p) for i, p in enumerate((
    # "no significant difference(s) in pain between", "a significant reduction in HbA1c"
    fast_words(["differences?", "changes?", "reductions?", "increases?", "improvements?", "decreases?", "effects?",
                "declines?", "gains?"]) +
    r"(?i:\s+(?:in|of|on|for)"
    r"\s+(?:the\s+)?(?P<o>[^,;()\[\]]{3,90}?)\s+(?:between|among|across|in\s+(?:the|both|all|patients|subjects)|with|was|"
    r"were|at|after|during|from|compared|versus|vs|than|for|by|\(|$))",
    # "X significantly reduced pain scores compared with"
    fast_words(["reduced", "increased", "improved", "lowered", "decreased", "raised", "shortened", "prolonged",
                "lengthened"]) +
    r"(?i:\s+(?:the\s+)?"
    r"(?P<o>[^,;()\[\]]{3,90}?)\s+(?:in|than|compared|versus|vs|among|by|at|after|from|relative|when|\())",
    # "The incidence of PONV was significantly lower in ..."
    r"^(?:(?:however|moreover|furthermore|in addition|additionally|similarly|overall|also|results?|conclusions?)"
    r"\s*[:,]?\s*)?(?:(?:the\s+)?(?:results?|data|analys[ie]s|findings)\s+(?:showed|indicated|revealed|"
    r"demonstrated|suggested)\s+that\s+)?(?:(?:at|after|by|during|over|in)\s[^,;()]{1,30},\s*)?(?:the\s+)?(?P<o>[A-Za-z][^,;()\[\]]{2,90}?)\s+(?:(?:only|also|not|significantly|markedly|further)\s+)?"
    r"(?:was|were|did not|had|showed|differed|decreased|increased|improved|fell|rose|declined|remained|tended|reached|"
    r"became|reduced|lowered|worsened|changed|dropped)\b",
)))
# A phrase that is not an outcome: it starts with a pronoun, a determiner of a clause, an adverb or a
# number, or names the groups themselves.
_NOT_OUTCOME = re.compile(r"^(?:there|this|these|those|it|its|they|we|our|patients?|subjects?|participants?|both|all|"
                          r"each|either|neither|groups?|arms?|no|differences?|one|two|three|none|most|many|"
                          r"in|on|at|of|for|with|by|from|to|than|into|after|before|during|"
                          r"[a-z]+ly|\d+)\b|\b(?:groups?|arms?|cohorts?)$|\b(?:versus|vs|compared|differences?|"
                          r"effects?|significan\w*)\b|"
                          # a word that names no outcome by itself: "results", "score", "data", "multiple PROs"
                          r"^(?:(?:the|all|multiple|several|various|other|most|main|these)\s+)?(?:results?|findings?|"
                          r"outcomes?|scores?|data|analys[ie]s|measures?|parameters?|variables?|endpoints?|PROs|"
                          r"values?|levels?)$", re.I)
# "PPTs than ST+EX": the outcome stops where the comparison of the groups begins
_THAN_TAIL = re.compile(r"\s+(?:than|compared|versus|vs\.?)\b.*$", re.I)
_LEADING = re.compile(r"^(?:the|a|an|mean|median|overall|total|average|on the other hand|in contrast|by contrast|"
                      r"moreover|furthermore|however|in addition|additionally|finally|similarly|also)\s*,?\s+", re.I)


def _names_an_arm(phrase: str, arm_terms: ArmTerms | None) -> bool:
    """True when every content word of `phrase` is a word of the arms' names."""
    if arm_terms is None:
        return False
    stems = set(content_stems(phrase))
    return bool(stems) and stems <= (arm_terms.intervention | arm_terms.comparator)


def outcome_phrase(text: str, arm_terms: ArmTerms | None = None) -> str | None:
    """The noun phrase a comparison sentence is about, or None when no pattern finds one."""
    for pattern in _OUTCOME_PATTERNS:
        for m in pattern.finditer(text):
            phrase = _THAN_TAIL.sub("", m.group("o")).strip(" .:")
            while True:
                stripped = _LEADING.sub("", phrase)
                if stripped == phrase:
                    break
                phrase = stripped
            if not phrase or _NOT_OUTCOME.search(phrase) or len(phrase.split()) > 10:
                continue
            if _names_an_arm(phrase, arm_terms):
                continue  # the phrase names an arm, not an outcome
            return phrase
    return None


# "... compared to the control group for pain (-5.2 vs. -3.3, p = 0.003), physical function (-13.4 vs.
# -6.9, p = 0.001) and stiffness (-1.8 vs. -0.9, p = 0.002)": outcomes listed, each with its own P value
_ITEM = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9'’\-/+ ]{0,60}?)\s*\((?P<inner>[^()]*?\b[pP]\s*(?:[=<>≤≥]|value)[^()]*)\)")
_ITEM_GAP = re.compile(r"^\s*(?:,|;)?\s*(?:and\s+)?$", re.I)
# The bracket of an _ITEM: each _ITEM match holds exactly one "(" (its name has none), the opening of one
# such bracket, so a text with fewer than two of them has no run of two items (the scan of _ITEM, which
# tries a name at every letter, costs ten times more than this one).
_ITEM_BRACKET = re.compile(r"\([^()]*?\b[pP]\s*(?:[=<>≤≥]|value)[^()]*\)")
_ITEM_LEAD = re.compile(r"^(?:.*\b(?:for|in|on|of|including|regarding|with respect to)\s+)?(?:the\s+)?", re.I)


def _items(text: str) -> list[re.Match[str]]:
    """What _ITEM.finditer(text) gives. An _ITEM match ends with its P-value bracket (an _ITEM_BRACKET
    match) and its name has no bracket, so it begins after the last "(" or ")" before that bracket:
    the pattern is searched there, up to the bracket's end, not tried at every letter of the text."""
    out: list[re.Match[str]] = []
    pos = 0
    for b in _ITEM_BRACKET.finditer(text):
        q = b.start()
        if q < pos:
            continue
        # and its name (at most 61 characters) ends at the last character before the bracket's spaces
        j = q
        while j > pos and text[j - 1].isspace():
            j -= 1
        start = max(pos, text.rfind("(", 0, q) + 1, text.rfind(")", 0, q) + 1, j - 61)
        m = _ITEM.search(text, start, b.end())
        if m is not None:
            out.append(m)
            pos = m.end()
    return out


def outcome_items(text: str, arm_terms: ArmTerms | None = None) -> list[tuple[str, int, int]]:
    """The outcomes a sentence lists with a P value each, as (name, start, end) of each item (the name and
    its brackets), when there are two or more in a row; [] otherwise."""
    brackets = _ITEM_BRACKET.findall(text) if text.count("(") >= 2 else []
    if len(brackets) < 2:
        return []
    found = _items(text)
    runs: list[list[re.Match[str]]] = []
    for m in found:
        if runs and _ITEM_GAP.match(text[runs[-1][-1].end():m.start()]) is not None:
            runs[-1].append(m)
        elif runs and runs[-1] and m.group("name").strip().lower().startswith("and "):
            runs[-1].append(m)
        else:
            runs.append([m])
    best = max(runs, key=len, default=[])
    if len(best) < 2:
        return []
    out = []
    for i, m in enumerate(best):
        name = m.group("name")
        if i == 0:
            name = _ITEM_LEAD.sub("", name, count=1)
        name = re.sub(r"^(?:and|or)\s+", "", name.strip(), flags=re.I).strip(" ,;:")
        if not name or _NOT_OUTCOME.search(name) or len(name.split()) > 6:
            return []
        if _names_an_arm(name, arm_terms):
            return []
        start = m.start("name") + m.group("name").find(name)
        out.append((name, start, m.end()))
    return out


# --- numbers ---------------------------------------------------------------------------------

_EFFECT_KINDS = {"md": "MD", "mean difference": "MD", "wmd": "MD", "difference": "MD", "smd": "SMD",
                 "standardised mean difference": "SMD", "standardized mean difference": "SMD", "or": "OR",
                 "aor": "OR", "odds ratio": "OR", "rr": "RR", "arr": "RR", "risk ratio": "RR", "relative risk": "RR",
                 "hr": "HR", "ahr": "HR", "hazard ratio": "HR", "rd": "RD", "risk difference": "RD", "irr": "IRR",
                 "rate ratio": "IRR", "incidence rate ratio": "IRR"}
_EFFECT = re.compile(
    r"\b(?P<kind>standardi[sz]ed mean difference|mean difference|risk difference|odds ratio|risk ratio|relative risk|"
    r"hazard ratio|incidence rate ratio|rate ratio|difference|SMD|WMD|MD|aOR|OR|aRR|RR|aHR|HR|RD|IRR)\b"
    r"[^0-9\-]{0,40}?(?P<est>-?\d+(?:\.\d+)?)\s*%?\s*[,;(\[]?\s*(?:95\s*%\s*(?:CI|confidence interval)|CI)"
    r"\s*[:,=]?\s*(?P<lo>-?\d+(?:\.\d+)?)\s*%?\s*(?:to|-|,|;)\s*(?P<hi>-?\d+(?:\.\d+)?)", re.I)


def stated_effect(text: str) -> tuple[str, float, float, float] | None:
    """(kind, estimate, CI low, CI high) of the first effect stated with its CI, or None."""
    m = _EFFECT.search(normalise(text))
    if not m:
        return None
    est, lo, hi = float(m.group("est")), float(m.group("lo")), float(m.group("hi"))
    if not lo <= hi:
        return None
    return _EFFECT_KINDS[fold_lower(m.group("kind"))], est, lo, hi


_AT_TIME = re.compile(r"\b(?:at|after|by|through|until|over|during|within|to)\s+(?:the\s+)?(?:end\s+of\s+)?"
                      r"(?:the\s+)?$|^(?:weeks?|months?|days?|years?)\b", re.I)


_EFFECT_COLUMN = re.compile(r"\b(?:difference|diff|ratio|OR|RR|HR|IRR|MD|SMD|RD|effect|estimate)\b", re.I)
_CELL_EFFECT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[(\[]\s*(-?\d+(?:\.\d+)?)\s*(?:,|;|to|-)\s*(-?\d+(?:\.\d+)?)\s*[)\]]")


@lru_cache(maxsize=64)
def _value_columns(columns: tuple[str, ...]) -> tuple[tuple[int, str, bool, bool], ...]:
    """(column, label, is a P column, is an effect column) for each column but the first whose label
    makes it one or the other: the same for every row of a table, so read once per table."""
    out = []
    for col, label in enumerate(columns):
        if not col:
            continue
        is_effect = bool(_EFFECT_COLUMN.search(label))
        is_p = not is_effect and bool(_P_COLUMN.search(label))
        if is_p or is_effect:
            out.append((col, label, is_p, is_effect))
    return tuple(out)


def _row_numbers(p: Passage) -> tuple[tuple[str, float, float, float] | None, str | None]:
    """The effect with its CI from a difference / ratio column ("1.02 (-1.60, 1.65)") and the P
    value from a P column ("=0.95"), each the first one the row has."""
    effect, p_value = None, None
    for col, label, is_p, is_effect in _value_columns(p.columns):
        if col >= len(p.cells) or not p.cells[col]:
            continue
        cell = normalise(p.cells[col])
        if p_value is None and is_p:
            found = p_values(cell if cell.lstrip()[:1] in "pP" else f"P {cell if cell.lstrip()[:1] in '<>=≤≥' else '= ' + cell}")
            if found:
                v = found[0]
                p_value = v.written
        if effect is None and is_effect:
            m = _CELL_EFFECT.match(cell)
            if m:
                est, lo, hi = (float(x) for x in m.groups())
                if lo <= hi:
                    kind = stated_effect(f"{label} {cell.replace('(', '(95% CI ', 1)}")
                    effect = (kind[0] if kind else "difference", est, lo, hi)
    return effect, p_value


@lru_cache(maxsize=64)  # a table's rows share their column labels: read once per table
def _timepoint_weeks(text: str) -> float | None:
    """The last timepoint the passage compares the groups at ("at 12 weeks", "week 24", "after 6
    months"); a duration of something else ("diabetes for 10 years") is not one."""
    points = [tp.weeks for tp in find_timepoints(text)
              if tp.kind != "baseline" and tp.weeks > 0
              and (_AT_TIME.search(text[max(0, tp.start - 25):tp.start]) or _AT_TIME.match(tp.text))]
    return points[-1] if points else None


# --- arms ------------------------------------------------------------------------------------

def _arm_stems(arm: Arm) -> frozenset[str]:
    return _stem_set(arm.name)


@lru_cache(maxsize=256)  # the arms' names, and a table's header for each of its rows
def _stem_set(text: str) -> frozenset[str]:
    return frozenset(content_stems(text))


def _arms_named(text: str, arms: Sequence[Arm]) -> list[Arm]:
    stems = _stem_set(text)
    return [a for a in arms if (s := _arm_stems(a)) and s & stems]


def _pick_arms(text: str, arms: Sequence[Arm]) -> tuple[Arm | None, Arm | None]:
    """(intervention arm, comparator arm) for a passage: the arms it names, else the record's lone
    treatment and control arms."""
    named = _arms_named(text, arms)
    treated = [a for a in named if not a.is_control] or [a for a in arms if not a.is_control]
    controls = [a for a in named if a.is_control] or [a for a in arms if a.is_control]
    intervention = treated[0] if treated and (len(treated) == 1 or treated[0] in named) else None
    comparator = controls[0] if controls and (len(controls) == 1 or controls[0] in named) else None
    if comparator is None and intervention is not None:
        others = [a for a in named if a is not intervention]
        comparator = others[0] if others else None
    return intervention, comparator


# a group's name: one to four words, none of them a function word, before "group" or "arm"
_NAME_WORD = r"(?!(?:in|the|of|by|for|with|and|or|to|at|than|vs|versus|compared|was|were|had|from|on|a|an)\b)[\w\-+/’']+"
_GROUP = rf"(?:\bthe\s+|\bin\s+|\bthan\s+|\bwith\s+|\bto\s+|\bvs\.?\s+|\bversus\s+|^)(?P<{{0}}>(?:{_NAME_WORD}\s+){{{{0,3}}}}{_NAME_WORD})\s+(?:group|arm)s?\b"
# the second group, after "than" / "compared with" / "versus": its article is optional
_GROUP_AFTER = rf"(?:\bthe\s+)?(?P<{{0}}>(?:{_NAME_WORD}\s+){{{{0,3}}}}{_NAME_WORD})\s+(?:group|arm)s?\b"
_GROUPS_NAMED = tuple(re.compile(p, re.I) for p in (
    # "in the tranexamic acid group vs 123 deaths in the placebo group", "the X group ... compared to the Y group"
    _GROUP.format("a") + r"[^.;]{0,160}?\b(?:than|compared\s+(?:with|to)|versus|vs\.?|relative\s+to)\s+[^.;]{0,60}?"
    + _GROUP_AFTER.format("b"),
    # "between patients who received tranexamic acid and those who received placebo"
    r"\bbetween\s+(?:the\s+)?(?:patients|participants|subjects|those|women|men|children)\s+(?:who\s+(?:received|were\s+given|"
    r"were\s+treated\s+with|took)|receiving|given|treated\s+with|taking)\s+(?P<a>[A-Za-z][\w\-+/’' ]{1,50}?)\s+and\s+"
    r"(?:those|patients|participants|subjects)\s+(?:who\s+(?:received|were\s+given|were\s+treated\s+with|took)|receiving|"
    r"given|treated\s+with|taking)\s+(?P<b>[A-Za-z][\w\-+/’' ]{1,50}?)(?=[\s,.;)]|$)",
))
_NOT_GROUP = re.compile(r"^(?:both|two|all|each|either|the|study|same|other|this|that|these|those|"
                        r"response|no-response|non-response)$", re.I)


def groups_named(text: str) -> tuple[str, str] | None:
    """The two groups a sentence compares by name when the record gives no arms to link ("the topical
    diclofenac group ... compared to the vehicle control group": ("topical diclofenac", "vehicle control")),
    the first named first; None when it names no such pair."""
    for pattern in _GROUPS_NAMED:
        m = pattern.search(text)
        if m is None:
            continue
        a, b = (re.sub(r"^(?:the|a|an)\s+", "", m.group(k).strip(), flags=re.I) for k in ("a", "b"))
        if a and b and a.lower() != b.lower() and not _NOT_GROUP.match(a) and not _NOT_GROUP.match(b):
            return a, b
    return None


def _row_columns_arms(p: Passage, arms: Sequence[Arm]) -> tuple[Arm | None, Arm | None]:
    header = " ".join(p.columns[1:])
    return _pick_arms(header, arms)


# --- the records -----------------------------------------------------------------------------

_READ_SECTIONS = frozenset({"abstract", "results", "table"})


def _passage_comparisons(p: Passage, record_id: str, arms: Sequence[Arm], model: ComparisonModel,
                         abbreviations: Callable[[], dict[str, tuple[str, ...]]],
                         terms_cache: dict[tuple[str, str], ArmTerms]) -> list[Comparison]:
    """The comparison a passage states, or one per outcome it lists with its own P value."""
    named: tuple[str, str] | None = None
    items0: list[tuple[str, int, int]] = []
    phrase0: str | None = None
    if p.kind != "row":
        # the outcome as if no arm were known: the arms' terms only turn a phrase or an item away
        # (_names_an_arm), so a sentence without one has none whichever arms it names
        items0 = outcome_items(p.text)
        phrase0 = None if items0 else outcome_phrase(p.text)
        if not items0 and phrase0 is None:
            return []
    if p.kind == "row":
        outcome_text = p.cells[0] if p.cells and p.cells[0] else None
        intervention, comparator = _row_columns_arms(p, arms)
    else:
        intervention, comparator = _pick_arms(p.text, arms)
        outcome_text = None
        if not any(a.is_control for a in arms) and len(arms) <= 1:
            named = groups_named(p.text)  # no arms to link: the groups as the sentence names them
    if named is not None:
        i_text, c_text = named
        intervention = comparator = None
    else:
        i_text = intervention.name if intervention else ""
        c_text = comparator.name if comparator else ""
    terms = terms_cache.get((i_text, c_text))
    if terms is None:
        terms = terms_cache[(i_text, c_text)] = ArmTerms.from_text(i_text, c_text or "control", "", abbreviations())
    items: list[tuple[str, int, int]] = []
    if p.kind != "row":
        # outcome_items(p.text, terms) and outcome_phrase(p.text, terms), from the arm-blind ones
        items = [] if any(_names_an_arm(name, terms) for name, _, _ in items0) else items0
        if items:
            outcome_text = items[0][0]
        elif phrase0 is not None and not _names_an_arm(phrase0, terms):
            outcome_text = phrase0
        else:
            outcome_text = outcome_phrase(p.text, terms)
    if not outcome_text:
        return []
    lf = label_features(p.text, terms._replace(outcome=frozenset(content_stems(outcome_text)) - terms.intervention
                                               - terms.comparator), p.cells, p.columns)
    probs = model.label_probabilities(lf.features, p.kind == "row")
    best = max(range(3), key=lambda k: probs[k])
    oriented = ("row:arms_found" in lf.features) if p.kind == "row" else (
        "arm:intv" in lf.features or "arm:comp" in lf.features)
    label = LABELS[best] if best == 0 or oriented else None  # a difference needs to know which arm is which
    outcome = clean_measure_name(outcome_text)
    if p.kind == "row":
        effect, p_value = _row_numbers(p)
    else:
        effect, p_value = stated_effect(p.text), lf.p_value
    prov = Provenance(record_id, p.location, p.text, p.start, p.end)
    base = Comparison(
        outcome=outcome, outcome_text=outcome_text,
        intervention=intervention.name if intervention else (i_text or None),
        comparator=comparator.name if comparator else (c_text or None), label=label,  # type: ignore[arg-type]
        label_basis=lf.basis, provenance=prov, outcome_canonical=canonical_measure(outcome),
        intervention_arm=intervention.name if intervention else None,
        comparator_arm=comparator.name if comparator else None,
        timepoint_weeks=_timepoint_weeks(p.text if p.kind == "sentence" else " ".join(p.columns)),
        effect_kind=effect[0] if effect else None, effect=effect[1] if effect else None,
        ci_low=effect[2] if effect else None, ci_high=effect[3] if effect else None, p_value=p_value,
        confidence=round(probs[best], 4) if label else None, source="table" if p.kind == "row" else "model")
    if not items:
        return [base]
    return [_item_comparison(base, p.text, name, start, end, named is not None) for name, start, end in items]


_ITEM_PAIR = re.compile(r"\(\s*([-+]?\d+(?:\.\d+)?)\s*(?:vs\.?|versus)\s*([-+]?\d+(?:\.\d+)?)\s*[,;]")


def _item_comparison(base: Comparison, text: str, name: str, start: int, end: int, named_order: bool = False
                     ) -> Comparison:
    """One outcome of a listed sentence ("for pain (..., p = 0.003), stiffness (..., p = 0.2)"): its own P
    value decides significance; a significant one takes the sentence's direction when the model gave one,
    else no label (which way it went is unknown); a non-significant one is no significant difference. When
    the groups were read from the sentence in its order (`named_order`), an item's "(-5.2 vs. -3.3, p = ...)"
    gives the direction itself: the first group's value against the second's."""
    item = normalise(text[start:end])
    ps = p_values(item)
    p_value = None
    label = base.label
    if ps:
        v = ps[0]
        p_value = v.written
        if v.significant is False:
            label = "no significant difference"
        elif v.significant and label == "no significant difference":
            label = None
    if named_order and ps and ps[0].significant:
        pair = _ITEM_PAIR.search(item)
        if pair is not None and float(pair.group(1)) != float(pair.group(2)):  # the first group's value first
            label = "significantly decreased" if float(pair.group(1)) < float(pair.group(2)) else "significantly increased"
    effect = stated_effect(item)
    outcome = clean_measure_name(name)
    return replace(base, outcome=outcome, outcome_text=name, outcome_canonical=canonical_measure(outcome), label=label,
                   label_basis=f"{base.label_basis}; {item}".strip("; "), p_value=p_value,
                   effect_kind=effect[0] if effect else None, effect=effect[1] if effect else None,
                   ci_low=effect[2] if effect else None, ci_high=effect[3] if effect else None,
                   confidence=base.confidence if label == base.label else None)


def comparisons_in(passages: Sequence[Passage], record_id: str, arms: Sequence[Arm],
                   abbreviations: dict[str, tuple[str, ...]] | None = None,
                   model: ComparisonModel | None = None) -> list[Comparison]:
    """The comparisons among `passages` (abstract, results sections and tables only)."""
    return _comparisons(passages, record_id, arms, lambda: abbreviations or {}, model)


def _comparisons(passages: Sequence[Passage], record_id: str, arms: Sequence[Arm],
                 abbreviations: Callable[[], dict[str, tuple[str, ...]]], model: ComparisonModel | None = None
                 ) -> list[Comparison]:
    """comparisons_in with the record's abbreviations asked for only when a passage is read for its
    arms (`abbreviations()`: most records state no comparison, and reading them costs a scan of the
    whole text)."""
    model = model or load_model(ranker=False)
    out: list[Comparison] = []
    terms_cache: dict[tuple[str, str], ArmTerms] = {}
    for p in passages:
        if p.section not in _READ_SECTIONS or (p.section == "abstract" and p.abstract_part in ("methods",
                                                                                             "introduction")):
            continue
        if not is_comparison(p):
            continue
        out.extend(_passage_comparisons(p, record_id, arms, model, abbreviations, terms_cache))
    return out


def find_comparisons(record_id: str, title: str, abstract: str, article: Article | None,
                     arms: Sequence[Arm]) -> tuple[Comparison, ...]:
    """The between-group comparisons of a record (see the module docstring), in reading order."""
    passages = article_passages(title, abstract, article, _READ_SECTIONS)
    read: list[dict[str, tuple[str, ...]]] = []

    def abbreviations() -> dict[str, tuple[str, ...]]:
        if not read:
            read.append(_abbreviations(abstract + ("\n" + article.body_text if article is not None else "")))
        return read[0]

    return tuple(_comparisons(passages, record_id, arms, abbreviations))
