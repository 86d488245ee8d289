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
  about ("the incidence of PONV was significantly lower in ...", "no difference in pain between ..."),
  cleaned and mapped to the measure vocabulary (extract.measures);
- its arms: the record's arms (`Evidence.arms`) that the passage names, the treatment arm as the
  intervention and the control arm as the comparator (a lone arm of each kind is assumed);
- its label and confidence from the trained label model (extract.model), the words it rests on,
  and the numbers stated: the P value, an effect (MD, SMD, OR, RR, HR, RD, IRR) with its CI,
  and the timepoint. A significant difference whose arms the passage does not tell apart (no arm
  named in a sentence; no arm column found for a row) gets no label: which way it goes is unknown.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Sequence

from extract.between import P_COLUMN as _P_COLUMN
from extract.between import is_comparison
from extract.comparison_cues import ArmTerms, normalise, p_values
from extract.evidence import Arm, Comparison, Provenance
from extract.fastre import fold_lower
from extract.labelling import label_features
from extract.model import LABELS
from extract.passages import Passage, article_passages
from extract.terms import content_stems

if TYPE_CHECKING:
    from extract.jats import Article
    from extract.model import ComparisonModel

__all__ = ["comparisons_in", "find_comparisons", "is_comparison", "outcome_phrase", "stated_effect"]


# --- the outcome a sentence is about -----------------------------------------------------------

_OUTCOME_PATTERNS = tuple(re.compile(p, re.I) for p in (
    # "no significant difference(s) in pain between", "a significant reduction in HbA1c"
    r"\b(?:differences?|changes?|reductions?|increases?|improvements?|decreases?|effects?|declines?)\s+(?:in|of|on|for)"
    r"\s+(?:the\s+)?(?P<o>[^,;()\[\]]{3,90}?)\s+(?:between|among|across|in\s+(?:the|both|all|patients|subjects)|with|was|"
    r"were|at|after|during|from|compared|versus|vs|for|by|\(|$)",
    # "X significantly reduced pain scores compared with"
    r"\b(?:reduced|increased|improved|lowered|decreased|raised|shortened|prolonged|lengthened)\s+(?:the\s+)?"
    r"(?P<o>[^,;()\[\]]{3,90}?)\s+(?:in|than|compared|versus|vs|among|by|at|after|from|relative|when|\()",
    # "The incidence of PONV was significantly lower in ..."
    r"^(?:(?:however|moreover|furthermore|in addition|additionally|similarly|overall|also|results?|conclusions?)"
    r"\s*[:,]?\s*)?(?:(?:at|after|by|during|over|in)\s[^,;()]{1,30},\s*)?(?:the\s+)?(?P<o>[A-Za-z][^,;()\[\]]{2,90}?)\s+(?:was|were|did not|had|showed|differed|decreased|"
    r"increased|improved|fell|rose|declined|remained|tended|reached|became)\b",
))
# A phrase that is not an outcome: it starts with a pronoun, a determiner of a clause, an adverb or a
# number, or names the groups themselves.
_NOT_OUTCOME = re.compile(r"^(?:there|this|these|those|it|its|they|we|our|patients?|subjects?|participants?|both|all|"
                          r"each|either|neither|groups?|arms?|no|differences?|one|two|three|none|most|many|"
                          r"[a-z]+ly|\d+)\b|\b(?:groups?|arms?|cohorts?)$|\b(?:versus|vs|compared|differences?|"
                          r"effects?|significan\w*)\b", re.I)
_LEADING = re.compile(r"^(?:the|a|an|mean|median|overall|total|average|on the other hand|in contrast|by contrast|"
                      r"moreover|furthermore|however|in addition|additionally|finally|similarly|also)\s*,?\s+", re.I)


def outcome_phrase(text: str, arm_terms: ArmTerms | None = None) -> str | None:
    """The noun phrase a comparison sentence is about, or None when no pattern finds one."""
    for pattern in _OUTCOME_PATTERNS:
        for m in pattern.finditer(text):
            phrase = m.group("o").strip(" .:")
            while True:
                stripped = _LEADING.sub("", phrase)
                if stripped == phrase:
                    break
                phrase = stripped
            if not phrase or _NOT_OUTCOME.search(phrase) or len(phrase.split()) > 10:
                continue
            if arm_terms is not None:
                stems = set(content_stems(phrase))
                if stems and stems <= (arm_terms.intervention | arm_terms.comparator):
                    continue  # the phrase names an arm, not an outcome
            return phrase
    return None


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


def _row_numbers(p: Passage) -> tuple[tuple[str, float, float, float] | None, str | None]:
    """The effect with its CI from a difference / ratio column ("1.02 (-1.60, 1.65)") and the P
    value from a P column ("=0.95"), each the first one the row has."""
    effect, p_value = None, None
    for col, label in enumerate(p.columns):
        if not col or col >= len(p.cells) or not p.cells[col]:
            continue
        cell = normalise(p.cells[col])
        if p_value is None and _P_COLUMN.search(label) and not _EFFECT_COLUMN.search(label):
            found = p_values(cell if cell.lstrip()[:1] in "pP" else f"P {cell if cell.lstrip()[:1] in '<>=≤≥' else '= ' + cell}")
            if found:
                v = found[0]
                p_value = "ns" if v.op == "ns" else f"{v.op}{v.value:g}" if v.value is not None else None
        if effect is None and _EFFECT_COLUMN.search(label):
            m = _CELL_EFFECT.match(cell)
            if m:
                est, lo, hi = (float(x) for x in m.groups())
                if lo <= hi:
                    kind = stated_effect(f"{label} {cell.replace('(', '(95% CI ', 1)}")
                    effect = (kind[0] if kind else "difference", est, lo, hi)
    return effect, p_value


def _timepoint_weeks(text: str) -> float | None:
    """The last timepoint the passage compares the groups at ("at 12 weeks", "week 24", "after 6
    months"); a duration of something else ("diabetes for 10 years") is not one."""
    from extract.quantities import find_timepoints

    points = [tp.weeks for tp in find_timepoints(text)
              if tp.kind != "baseline" and tp.weeks > 0
              and (_AT_TIME.search(text[max(0, tp.start - 25):tp.start]) or _AT_TIME.match(tp.text))]
    return points[-1] if points else None


# --- arms ------------------------------------------------------------------------------------

def _arm_stems(arm: Arm) -> frozenset[str]:
    return frozenset(content_stems(arm.name))


def _arms_named(text: str, arms: Sequence[Arm]) -> list[Arm]:
    stems = set(content_stems(text))
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


def _row_columns_arms(p: Passage, arms: Sequence[Arm]) -> tuple[Arm | None, Arm | None]:
    header = " ".join(p.columns[1:])
    return _pick_arms(header, arms)


# --- the records -----------------------------------------------------------------------------

_READ_SECTIONS = frozenset({"abstract", "results", "table"})


def _passage_comparison(p: Passage, record_id: str, arms: Sequence[Arm], model: ComparisonModel,
                        abbreviations: dict[str, tuple[str, ...]], terms_cache: dict[tuple[str, str], ArmTerms]
                        ) -> Comparison | None:
    if p.kind == "row":
        outcome_text = p.cells[0] if p.cells and p.cells[0] else None
        intervention, comparator = _row_columns_arms(p, arms)
    else:
        intervention, comparator = _pick_arms(p.text, arms)
        outcome_text = None
    i_text = intervention.name if intervention else ""
    c_text = comparator.name if comparator else ""
    terms = terms_cache.get((i_text, c_text))
    if terms is None:
        terms = terms_cache[(i_text, c_text)] = ArmTerms.from_text(i_text, c_text or "control", "", abbreviations)
    if p.kind != "row":
        outcome_text = outcome_phrase(p.text, terms)
    if not outcome_text:
        return None
    lf = label_features(p.text, terms._replace(outcome=frozenset(content_stems(outcome_text)) - terms.intervention
                                               - terms.comparator), p.cells, p.columns)
    probs = model.label_probabilities(lf.features, p.kind == "row")
    best = max(range(3), key=lambda k: probs[k])
    oriented = ("row:arms_found" in lf.features) if p.kind == "row" else (
        "arm:intv" in lf.features or "arm:comp" in lf.features)
    label = LABELS[best] if best == 0 or oriented else None  # a difference needs to know which arm is which
    from extract.measures import canonical_measure, clean_measure_name

    outcome = clean_measure_name(outcome_text)
    if p.kind == "row":
        effect, p_value = _row_numbers(p)
    else:
        effect, p_value = stated_effect(p.text), lf.p_value
    prov = Provenance(record_id, p.location, p.text, p.start, p.end)
    return Comparison(
        outcome=outcome, outcome_text=outcome_text, intervention=intervention.name if intervention else None,
        comparator=comparator.name if comparator else None, label=label,  # type: ignore[arg-type]
        label_basis=lf.basis, provenance=prov, outcome_canonical=canonical_measure(outcome),
        intervention_arm=intervention.name if intervention else None,
        comparator_arm=comparator.name if comparator else None,
        timepoint_weeks=_timepoint_weeks(p.text if p.kind == "sentence" else " ".join(p.columns)),
        effect_kind=effect[0] if effect else None, effect=effect[1] if effect else None,
        ci_low=effect[2] if effect else None, ci_high=effect[3] if effect else None, p_value=p_value,
        confidence=round(probs[best], 4) if label else None, source="table" if p.kind == "row" else "model")


def comparisons_in(passages: Sequence[Passage], record_id: str, arms: Sequence[Arm],
                   abbreviations: dict[str, tuple[str, ...]] | None = None,
                   model: ComparisonModel | None = None) -> list[Comparison]:
    """The comparisons among `passages` (abstract, results sections and tables only)."""
    from extract.model import load_model

    model = model or load_model()
    out: list[Comparison] = []
    terms_cache: dict[tuple[str, str], ArmTerms] = {}
    for p in passages:
        if p.section not in _READ_SECTIONS or (p.section == "abstract" and p.abstract_part in ("methods",
                                                                                             "introduction")):
            continue
        if not is_comparison(p):
            continue
        c = _passage_comparison(p, record_id, arms, model, abbreviations or {}, terms_cache)
        if c is not None:
            out.append(c)
    return out


def find_comparisons(record_id: str, title: str, abstract: str, article: Article | None,
                     arms: Sequence[Arm]) -> tuple[Comparison, ...]:
    """The between-group comparisons of a record (see the module docstring), in reading order."""
    from extract.terms import abbreviations

    passages = article_passages(title, abstract, article, _READ_SECTIONS)
    full = abstract + ("\n" + article.body_text if article is not None else "")
    return tuple(comparisons_in(passages, record_id, arms, abbreviations(full)))
