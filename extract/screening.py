"""Screening: is this a clinical study of MSC therapy in people with rheumatoid arthritis?

Four checks, each from cue phrases (extract/data/screening.json) in the title and abstract plus
publication types and MeSH terms when the record has them:

- design: a primary study, not a review/meta-analysis (publication type, or review wording in
  the title, or "this/the present review" in the abstract) and not an editorial/comment;
- species: humans (patients, participants, trial words) rather than an animal model (mice, rats,
  collagen-induced arthritis); animal cues with no human-study cue exclude; with no cue of either, a
  record where someone is treated or randomised ("RA cases were randomly assigned") is in humans;
- intervention: mesenchymal stem/stromal cells; other cell products (stromal vascular fraction,
  haematopoietic stem cells, PRP) without MSC cues exclude;
- population: rheumatoid arthritis; a title that names another disease (osteoarthritis, lupus,
  "autoimmune diseases") and not RA excludes, as does an abstract about another disease where
  RA is only mentioned in passing.

A trial-registry record (`ExtractionInput.record_type == "registry"`: a ClinicalTrials.gov entry,
or CENTRAL's copy of one) registers a study in people: it is a primary study and in humans by what
it is, and its population and intervention are read from its registered conditions and
interventions (`registry_texts`), falling back to its title and summary when it lists none.
"""
from __future__ import annotations

import re
from collections import Counter

from extract.document import Mention, Text, analyse
from extract.evidence import ExtractionInput, Screening
from extract.lexer import load_rules

__all__ = ["registry_texts", "screen"]

# a title naming RA *and* another disease as the population: "... in patients with RA and SLE"
MIXED_TITLE = re.compile(r"\b(?:rheumatoid arthritis|RA)\s+(?:and|or|,)\s+(?:\w+\s){0,3}?(?:systemic lupus|lupus|SLE|"
                         r"osteoarthritis|OA|multiple sclerosis|systemic sclerosis|crohn|ankylosing|autoimmune)", re.I)


Cues = dict[str, list[Mention]]  # SCREEN mentions of one text by cue ("review", "animal", ...), in order


def _cues(t: Text) -> Cues:
    out: Cues = {}
    for m in t.mentions:
        if m.kind == "SCREEN":
            out.setdefault(m.value, []).append(m)
    return out


def _first(texts: list[Cues], value: str) -> str | None:
    for cues in texts:
        if value in cues:
            return cues[value][0].text
    return None


def _count(texts: list[Cues], value: str) -> int:
    return sum(len(cues.get(value, ())) for cues in texts)


def _diseases(cues: Cues) -> Counter[str]:
    return Counter(m.extra or "" for m in cues.get("other_disease", ()))


# a MeSH-style heading as CENTRAL and registries write conditions: "*Arthritis, Rheumatoid [therapy]"
_HEADING = re.compile(r"^\*?\s*(?P<head>[^,\[\]]+?),\s*(?P<qualifier>[^,\[\]]+?)\s*(?:\[[^\]]*\])?\s*$")


_TRAILING_BRACKETED = re.compile(r"\s*\[[^\]]*\]\s*$")


def _condition_text(term: str) -> str:
    """A registered condition as written in prose: "Arthritis, Rheumatoid" -> "Rheumatoid Arthritis"."""
    m = _HEADING.match(term)
    if m:
        return f"{m['qualifier']} {m['head']}"
    return _TRAILING_BRACKETED.sub("", term.lstrip("* "))


def registry_texts(record: ExtractionInput) -> tuple[Text, Text] | None:
    """The analysed registered conditions and interventions of a registry record; None for a publication."""
    if record.record_type != "registry":
        return None
    return (analyse("; ".join(_condition_text(c) for c in record.conditions), "registry:conditions", numbers=False),
            analyse("; ".join(record.interventions), "registry:interventions", numbers=False))


def _intervention(msc: int, other_cells: list, product: str | None, absent: str) -> tuple[bool, str]:
    """(is it MSCs, the screening reason) of a record's intervention: a cell-free `product` (named in a
    title, or registered without MSCs) is not; MSC mentions outnumbered by other cells are not; no
    MSCs at all is "no mesenchymal stem/stromal cells {absent}"."""
    if product:
        return False, f"intervention: {product} (a cell-free product), not mesenchymal stem/stromal cells"
    if msc and not (other_cells and len(other_cells) > msc):
        return True, "intervention: mesenchymal stem/stromal cells"
    if other_cells:
        return False, f"intervention: {other_cells[0].text}, not mesenchymal stem/stromal cells"
    return False, f"intervention: no mesenchymal stem/stromal cells {absent}"


def _screen_registry(title_cues: Cues, abstract_cues: Cues, conditions: Text, interventions: Text) -> Screening:
    """Screen a trial-registry record on its registered conditions and interventions (see the module docstring)."""
    reasons = ["design: trial registry record", "species: humans (a registered clinical study)"]
    failed: list[str] = []
    condition_cues, intervention_cues = _cues(conditions), _cues(interventions)
    # intervention: the registered interventions when there are some, else the title and summary
    where = [intervention_cues] if interventions.text.strip() else [title_cues, abstract_cues]
    msc = _count(where, "msc")
    other_cells = [m for cues in where for m in cues.get("other_cells", ())]
    products = _first(where, "other_products")
    ok, why = _intervention(msc, other_cells, None if msc else products, "registered")  # MSCs beside a product: MSCs
    (reasons if ok else failed).append(why)
    # population: the registered conditions when they name a disease the rules know, else the title and summary
    where = [condition_cues]
    if not (_count(where, "ra") or condition_cues.get("other_disease")):
        where = [condition_cues, title_cues, abstract_cues]
    ra = _count(where, "ra")
    others = sum((_diseases(c) for c in where), Counter())
    if ra:
        reasons.append("population: rheumatoid arthritis")
    elif others:
        failed.append(f"population: {others.most_common(1)[0][0]} (registered condition), not rheumatoid arthritis")
    else:
        shown = conditions.text.strip()[:80] or "none registered"
        failed.append(f"population: rheumatoid arthritis not among the registered conditions ({shown})")
    return Screening(not failed, tuple(reasons + [f"excluded by {f}" for f in failed]),
                     failed[0] if failed else None)


def screen(title: Text, abstract: Text, publication_types: tuple[str, ...] = (),
           mesh_terms: tuple[str, ...] = (), registry: tuple[Text, Text] | None = None) -> Screening:
    """Screen one record; `registry`: the (conditions, interventions) texts of a trial-registry record."""
    rules = load_rules("screening")
    title_cues, abstract_cues = _cues(title), _cues(abstract)
    if registry is not None:
        return _screen_registry(title_cues, abstract_cues, *registry)
    both = [title_cues, abstract_cues]
    reasons: list[str] = []
    failed: list[str] = []
    pts = {p.strip().lower() for p in publication_types}
    mesh = {m.strip().lower() for m in mesh_terms}

    # design
    review_pt = pts & {p.lower() for p in rules["review_publication_types"]}
    other_pt = pts & {p.lower() for p in rules["not_primary_publication_types"]}
    review_title = _count([title_cues], "review")
    review_abs = [m for m in abstract_cues.get("review", ()) if m.text.lower() not in ("review", "overview")]
    trial_pt = any("clinical trial" in p or "randomized" in p or "case reports" in p for p in pts)
    if review_pt and not trial_pt:
        failed.append(f"design: {sorted(review_pt)[0]} (publication type), not a primary study")
    elif other_pt and not trial_pt:
        failed.append(f"design: {sorted(other_pt)[0]} (publication type), not a primary study")
    elif review_title or (review_abs and not trial_pt):
        cue = _first([title_cues], "review") or (review_abs[0].text if review_abs else "review")
        failed.append(f"design: review ('{cue}'), not a primary study")
    elif _first(both, "protocol"):
        failed.append(f"design: study protocol ('{_first(both, 'protocol')}'), no results yet")
    elif _first(both, "in_vitro") and not _first(both, "clinical"):
        failed.append(f"design: laboratory study ('{_first(both, 'in_vitro')}'), no patients treated")
    else:
        reasons.append("design: primary study")

    # species
    animal = _count(both, "animal") + (2 if {"mice", "rats", "animals"} & mesh else 0)
    human = _count(both, "human") + (2 if "humans" in mesh else 0)
    if animal and animal >= human:
        cue = _first(both, "animal") or "animal model"
        failed.append(f"species: animal study ('{cue}'), not humans")
    elif human:
        reasons.append("species: humans")
    elif not animal and _first(both, "clinical"):  # people treated or randomised, and no animal named
        reasons.append("species: humans (treated, no animal named)")
    else:
        failed.append("species: no sign of a study in patients")

    # intervention
    msc = _count(both, "msc")
    other_cells = [m for cues in both for m in cues.get("other_cells", ())]
    ok, why = _intervention(msc, other_cells, _first([title_cues], "other_products"), "mentioned")
    (reasons if ok else failed).append(why)

    # population
    ra_title = _count([title_cues], "ra")
    ra_abs = _count([abstract_cues], "ra") + (1 if any("rheumatoid" in m for m in mesh) else 0)
    other_title = _diseases(title_cues)
    other_abs = _diseases(abstract_cues)
    if other_title and not ra_title:
        disease = other_title.most_common(1)[0][0]
        failed.append(f"population: {disease}, not rheumatoid arthritis")
    elif other_title and ra_title and MIXED_TITLE.search(title.text):
        disease = other_title.most_common(1)[0][0]
        failed.append(f"population: mixed (rheumatoid arthritis and {disease}), RA not reported separately")
    elif not ra_title and sum(other_abs.values()) > ra_abs:
        disease = other_abs.most_common(1)[0][0]
        failed.append(f"population: {disease}, not rheumatoid arthritis")
    elif ra_title or ra_abs:
        reasons.append("population: rheumatoid arthritis")
    else:
        failed.append("population: rheumatoid arthritis not mentioned")

    include = not failed
    return Screening(include, tuple(reasons + [f"excluded by {f}" for f in failed]),
                     failed[0] if failed else None)
