"""The extractor: one record in, one `Evidence` out (a pure function of the record).

    from extract.pipeline import Extractor
    from extract.evidence import ExtractionInput
    ex = Extractor()
    evidence = ex.extract(ExtractionInput(id="31908418", title=..., abstract=...))
    for ev in ex.pipe(inputs, n_process=2): ...

Steps: analyse title and abstract (extract.document: spaCy pipeline + quantity finders), screen
(extract.screening), sample sizes and arms (extract.samples), intervention: cell or drug doses
with their role, cell source, route (extract.intervention, extract.drug_doses), the study's
timepoints (extract.schedule), outcome rows (extract.outcomes), and for a JATS full text the
results sections and tables (extract.fulltext). A record whose arms are not named gets one arm
with the enrolled n: "MSC (single arm)" for a cell therapy, else "all patients" (randomised or
controlled) or the intervention's name (a single-arm study of a drug).
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from multiprocessing import get_context
from typing import Iterable, Iterator

from extract import intervention as iv
from extract.comparisons import find_comparisons
from extract.document import Text, analyse
from extract.evidence import Arm, DoseValue, Evidence, ExtractionInput, Provenance, TimepointValue
from extract.fastre import words
from extract.outcomes import Context, outcome_rows
from extract.quantities import Timepoint
from extract.samples import arms_of, choose_enrolled, not_one_studys, per_arm_n, sample_sizes
from extract.schedule import background_sentences, distinct_weeks, earlier_study_sentences, study_timepoints
from extract.screening import registry_texts, screen

__all__ = ["EXTRACTOR_VERSION", "Extractor", "extract_record"]

# Bump when a rule or a step changes what is extracted: stored extractions of another version
# are redone by `trialsynth extract`.
EXTRACTOR_VERSION = "2.6.0"


def _with_id(p: Provenance | None, record_id: str) -> Provenance | None:
    return replace(p, record_id=record_id) if p is not None else None


def _timepoints(texts: list[tuple[Text, list[Timepoint]]], record_id: str) -> list[TimepointValue]:
    """The record's timepoints, each time once: "3 months" (13.0) and "day 90" (12.86) are one, and so
    are two times a week apart or less, from 4 weeks up, written in different sentences ("a 12-week
    trial" and "at 3 months", "over 25 wk" and "at the post-test (26 wk)"); a list in one sentence
    ("at weeks 4, 5 and 6") keeps every item."""
    found = [(t, tp) for t, tps in texts for tp in tps]
    out: list[TimepointValue] = []
    kept: list[tuple[Text, int, float]] = []  # (text, sentence index, weeks) of each time kept
    keep = distinct_weeks([tp.weeks for _, tp in found])
    if len(keep) < len(found):  # "at 1 h, 2 h, 4 h and 24 h": times under a week listed in one sentence are each kept
        keep = sorted({*keep, *_listed_hours(found, keep)})
    for i in keep:
        t, tp = found[i]
        sentence = t.sentence_at(tp.start).index
        if tp.weeks >= 4 and any(weeks >= 4 and abs(weeks - tp.weeks) <= 1.0 and not (kt is t and ks == sentence)
                                 for kt, ks, weeks in kept):
            continue
        kept.append((t, sentence, tp.weeks))
        out.append(TimepointValue(tp.weeks, tp.text, Provenance(record_id, t.location, tp.text, tp.start, tp.end),
                                  tp.low_weeks))
    return out


def _listed_hours(found: list[tuple[Text, Timepoint]], keep: list[int]) -> list[int]:
    """Indices of times under a week that distinct_weeks dropped but that another item of the same
    sentence, written differently, made look the same ("1 h" and "2 h" are both 0.01 weeks)."""
    out = []
    kept = set(keep)
    for i, (t, tp) in enumerate(found):
        if i in kept or tp.weeks >= 1:
            continue
        sent = t.sentence_at(tp.start).index
        same = [j for j in kept | set(out) if found[j][0] is t and t.sentence_at(found[j][1].start).index == sent
                and abs(found[j][1].weeks - tp.weeks) <= 0.02]
        if same and all(found[j][1].text.split()[0] != tp.text.split()[0] for j in same):
            out.append(i)
    return out


# a follow-up ("followed up for 12 months", "follow-up visits", "were followed for 24 weeks"), not any time
# "following" something or "followed by" something ("2 h following the injection", "2 weeks, followed by placebo")
_FOLLOW_UP_RE = re.compile(r"follow(?:ed|ing)?[\s-]*ups?\b|\bfollowed\s+(?!by\b)\w", re.I)


def _followup_weeks(t: Text, tps: list[Timepoint]) -> float | None:
    """The study's follow-up: the longest timepoint of a sentence that names a follow-up, else the
    longest timepoint."""
    followed = [tp.weeks for tp in tps if _FOLLOW_UP_RE.search(t.sentence_at(tp.start).text)]
    if followed:
        return max(followed)
    return max((tp.weeks for tp in tps), default=None)


_CONTROLLED = re.compile(words(["randomi[sz]", "placebo", "control", r"versus\b", r"vs\.?\s", r"compared\s+with",
                                r"sham\b", "crossover", "cross-over", "split-"]))


def _default_arm_name(title: Text, abstract: Text, cells: bool, doses: list[DoseValue]) -> str:
    """The one arm of a record whose arms are not named: "MSC (single arm)" for a cell therapy,
    the intervention's own name for any other uncontrolled study, and "all patients" where
    the patients were randomised or compared (the n is everyone's, not one arm's)."""
    if cells:
        return "MSC (single arm)"
    if _CONTROLLED.search(abstract.text) or _CONTROLLED.search(title.text):
        return "all patients"
    return next((d.drug for d in doses if d.drug and d.role == "intervention"), None) or "all patients"


def _names_value(name: str, value: float) -> bool:
    """Whether `name` holds `value` as a number of its own ("tofacitinib 5 mg BID" holds 5). A value
    written with digits only is first looked for as a substring (the pattern compiled for it is
    that literal), so most names need no pattern."""
    s = f"{value:g}"
    if s.lstrip("-").isdigit() and s not in name:
        return False
    return re.search(rf"(?<![\d.]){s}(?![\d.])", name) is not None


def _arms_with_doses(arms: list[Arm], doses: list[DoseValue], each: int | None) -> tuple[list[Arm], list[DoseValue]]:
    """The arms, with the arms the intervention's doses define ("cohort A", "brodalumab 50 mg"),
    and the doses labelled with their arm."""
    dosed = [d for d in doses if d.arm and d.role == "intervention"]
    if not dosed or any(a.name in {d.arm for d in dosed} for a in arms):
        return arms, doses
    named = [a for a in arms if not a.is_control and a.n is not None]
    if len(dosed) >= 2 and len(named) == len(dosed):
        # "low-dose (1 × 10^6 cells/kg, n = 10) or high-dose (5 × 10^6 cells/kg, n = 10)": as many
        # named arms as doses; the doses belong to them in the order both are written
        by_dose = iter(named)
        return arms, [replace(d, arm=next(by_dose).name) if d in dosed else d for d in doses]
    # an arm already named with the drug and the dose ("tofacitinib 5 mg BID") is that dose's arm
    same = {id(d): a.name for d in dosed for a in arms if d.drug and d.value is not None
            and d.drug.lower() in a.name.lower() and _names_value(a.name, d.value)}
    if same:
        doses = [replace(d, arm=same[id(d)]) if id(d) in same else d for d in doses]
        dosed = [d for d in doses if d.arm and d.role == "intervention"]
    known = {a.name.lower() for a in arms}
    drugs = {d.drug.lower() for d in dosed if d.drug}
    # the dose arms of a drug replace an arm named for the drug alone ("brodalumab" -> "brodalumab 50 mg", ...)
    kept = [a for a in arms if a.name.lower() not in drugs or a.n is not None]
    return kept + [Arm(d.arm, each, d.provenance) for d in dosed if d.arm and d.arm.lower() not in known], doses


def extract_evidence(record: ExtractionInput, version: str = EXTRACTOR_VERSION) -> Evidence:
    rid = record.id
    ft = None
    if record.full_text_xml:
        from extract import fulltext as ft  # the JATS and table readers load with the first full text
    article, warning = ft.parse_article(record.full_text_xml) if ft is not None else (None, None)
    warnings = [warning] if warning else []
    abstract_text = record.abstract or (article.abstract if article else "")
    title_text = record.title or (article.title if article else "")
    title = analyse(title_text, "title", numbers=False)
    abstract = analyse(abstract_text, "abstract")
    screening = screen(title, abstract, record.publication_types, record.mesh_terms, registry=registry_texts(record))
    skip_abs = earlier_study_sentences(abstract)
    skip = {"abstract": skip_abs, "title": frozenset()}

    sizes = sample_sizes(abstract, rid, skip_abs)
    enrolled = choose_enrolled(not_one_studys(abstract, sizes))  # (one study's count is no total)
    n_enrolled = enrolled.n if enrolled else None
    enrolled_prov = enrolled.provenance if enrolled else None
    arms = arms_of(abstract, rid)
    each = per_arm_n(abstract)
    n_admin = iv.administrations([abstract, title], skip)
    cells = iv.cells_are_intervention(title, abstract)
    doses = iv.doses([title, abstract], rid, skip, n_admin, cells)
    arms, doses = _arms_with_doses(arms, doses, each)
    if not arms and n_enrolled is not None:
        arms = [Arm(_default_arm_name(title, abstract, cells, doses), n_enrolled, enrolled_prov)]
    background = background_sentences(abstract)
    source, source_prov = iv.cell_source(title, abstract, skip, background, cells)
    origin, origin_prov = iv.cell_origin(title, abstract, skip)
    route, route_prov = iv.route(title, abstract, skip, doses, background)
    abstract_timepoints = study_timepoints(abstract, skip_abs | background)
    timepoints = _timepoints([(title, study_timepoints(title, frozenset())), (abstract, abstract_timepoints)], rid)

    treated = [a for a in arms if not a.is_control]
    if len(arms) == 1 and not arms[0].is_control:
        default_arm, default_n = arms[0].name, arms[0].n
    elif len(treated) == 1:  # "the MSC group showed ..." with a control arm beside it
        default_arm, default_n = treated[0].name, treated[0].n
    else:
        default_arm, default_n = "all patients", n_enrolled
    ctx = Context(rid, tuple(arms), default_arm, default_n, each,
                  tuple(abstract_timepoints), _followup_weeks(abstract, abstract_timepoints), skip_abs)
    outcomes, safety = outcome_rows(abstract, ctx)
    if article is not None and ft is not None:
        more, more_safety, more_warnings = ft.fulltext_rows(article, rid, ctx)
        outcomes += more
        safety += more_safety
        warnings += more_warnings

    provenance: dict[str, Provenance] = {}
    for key, prov in (("n_enrolled", _with_id(enrolled_prov, rid)),
                      ("cell_source", _with_id(source_prov, rid)), ("cell_origin", _with_id(origin_prov, rid)),
                      ("route", _with_id(route_prov, rid))):
        if prov is not None:
            provenance[key] = prov
    return Evidence(
        id=rid, extractor_version=version, screening=screening, n_enrolled=n_enrolled,
        sample_sizes=tuple(sizes), arms=tuple(arms), cell_source=source, cell_origin=origin, route=route,
        doses=tuple(doses), n_administrations=n_admin, timepoints=tuple(timepoints),
        outcomes=tuple(outcomes), safety=tuple(safety), provenance=provenance, warnings=tuple(warnings),
        comparisons=find_comparisons(rid, title_text, abstract_text, article, arms))


def _extract_one(record: ExtractionInput, version: str = EXTRACTOR_VERSION) -> Evidence:
    return extract_evidence(record, version)


class Extractor:
    """Extracts evidence from records; `extract` keeps no state between records."""

    version = EXTRACTOR_VERSION

    def extract(self, record: ExtractionInput) -> Evidence:
        return extract_evidence(record, self.version)

    def pipe(self, records: Iterable[ExtractionInput], n_process: int = 1,
             batch_size: int = 64) -> Iterator[Evidence]:
        """Evidence for each record, in input order; n_process > 1 uses worker processes."""
        if n_process <= 1:
            for rec in records:
                yield self.extract(rec)
            return
        with get_context("spawn").Pool(n_process) as pool:
            yield from pool.imap(partial(_extract_one, version=self.version), records,
                                 chunksize=max(1, batch_size // n_process))


def extract_record(record: ExtractionInput) -> Evidence:
    return Extractor().extract(record)
