"""One study, one record: which stored record a new hit belongs to, and how hits merge.

Matching rules, in order (Bramer et al. 2016, "De-duplication of database search results for
systematic reviews in EndNote", describe the same cascade):
1. a shared PMID, normalised DOI or PMCID;
2. the registry link: a publication whose PubMed DataBankList (or text) names an NCT id and the
   ClinicalTrials.gov entry of that id;
3. a fuzzy match of the normalised title (rapidfuzz ratio >= 93) with the same first author and
   a publication year at most one apart (when one side has no authors, ratio >= 97 and the same
   year).
Two records never merge when they carry different identifiers of the same kind (two PMIDs, two
DOIs, two PMCIDs): a trial paper and its follow-up share an NCT id but are two publications;
counting their patients once is the analysis stage's job.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Sequence

from rapidfuzz import fuzz

from corpus.records import SOURCE_PRIORITY, AbstractSection, Ids, Record, normalise_title

if TYPE_CHECKING:  # pragma: no cover
    from corpus.store import Store

TITLE_RATIO = 93.0
TITLE_RATIO_NO_AUTHOR = 97.0
EXCLUSIVE_SCHEMES = ("pmid", "doi", "pmcid")


def title_key(record: Record) -> str:
    """Return the normalised title used for fuzzy matching."""
    return normalise_title(record.title)


def _conflicts(mine: dict[str, set[str]], theirs: dict[str, set[str]]) -> bool:
    """True when two id sets hold different identifiers of an exclusive kind (two PMIDs, ...)."""
    return any(mine.get(s) and theirs.get(s) and not (mine[s] & theirs[s]) for s in EXCLUSIVE_SCHEMES)


def _id_sets(ids: Ids) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for scheme, value in ids.pairs():
        out.setdefault(scheme, set()).add(value)
    return out


def find_matches(store: "Store", record: Record) -> list[str]:
    """Return the ids of stored records `record` duplicates, best evidence first (may be empty).

    Several matches mean the new hit bridges records (a PMID of one, the DOI of another); they are
    returned only when none of them conflicts with the others, so merging them is safe.
    """
    found: list[str] = []
    accepted = _id_sets(record.ids)

    def consider(record_id: str) -> None:
        theirs = store.identifiers_of(record_id)
        if record_id not in found and not _conflicts(accepted, theirs):
            found.append(record_id)
            for scheme, values in theirs.items():
                accepted.setdefault(scheme, set()).update(values)

    for scheme, value in record.ids.pairs():
        if scheme != "nct":
            for record_id in store.records_with(scheme, value):
                consider(record_id)
    is_publication = bool(record.ids.pmid or record.ids.doi)
    for nct in record.ids.nct:
        # The registry link joins a publication and its registry entry, never two publications.
        for record_id in store.records_with("nct", nct):
            other = store.identifiers_of(record_id)
            if not is_publication or not (other.get("pmid") or other.get("doi")):
                consider(record_id)
    if not found:
        found.extend(_fuzzy_matches(store, record))
    return found


def _fuzzy_matches(store: "Store", record: Record) -> list[str]:
    key = title_key(record)
    if len(key) < 20 or record.year is None:
        return []
    author = record.first_author
    mine = _id_sets(record.ids)
    best: list[tuple[float, str]] = []
    for row in store.record_ids_near(author, record.year):
        if not row["title_norm"]:
            continue
        threshold = TITLE_RATIO if author and row["first_author"] else TITLE_RATIO_NO_AUTHOR
        if not (author and row["first_author"]) and row["year"] != record.year:
            continue
        score = fuzz.ratio(key, row["title_norm"])
        if score >= threshold and not _conflicts(mine, store.identifiers_of(row["id"])):
            best.append((score, row["id"]))
    if author:  # records without authors (registry entries) can match authored ones too
        for row in store.record_ids_near(None, record.year):
            if row["first_author"] is None and row["title_norm"]:
                score = fuzz.ratio(key, row["title_norm"])
                if score >= TITLE_RATIO_NO_AUTHOR and not _conflicts(mine, store.identifiers_of(row["id"])):
                    best.append((score, row["id"]))
    best.sort(key=lambda pair: (-pair[0], pair[1]))
    return [record_id for _, record_id in best[:1]]


def preferred_record_id(record: Record) -> str:
    """Return the id a new stored record gets: the JSONL id, else PMID, PMCID, DOI, NCT, source id."""
    if record.source == "jsonl" and record.source_id:
        return record.source_id
    if record.ids.pmid:
        return record.ids.pmid
    if record.ids.pmcid:
        return record.ids.pmcid
    if record.ids.doi:
        return f"doi:{record.ids.doi}"
    if record.ids.nct:
        return record.ids.nct[0]
    return f"{record.source}:{re.sub(r'[^0-9A-Za-z_.:-]+', '_', record.source_id)}"


def sort_by_priority(records: Iterable[Record]) -> list[Record]:
    """Return hits ordered by how much their bibliographic fields are trusted."""
    def rank(rec: Record) -> tuple[int, str]:
        order = SOURCE_PRIORITY.index(rec.source) if rec.source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
        return order, rec.source_id
    return sorted(records, key=rank)


def _first(values: Sequence):
    return next((v for v in values if v), None)


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def merge_hits(hits: Sequence[Record]) -> Record:
    """Merge the hits of one study into one Record (fields from the most trusted source that has them).

    The merge depends only on the set of hits, never on the order they arrived in.
    """
    hits = sort_by_priority(hits)
    if not hits:
        raise ValueError("merge_hits needs at least one hit")
    lead = hits[0]
    with_abstract = [h for h in hits if h.abstract]
    abstract_hit = with_abstract[0] if with_abstract else lead
    sections: tuple[AbstractSection, ...] = abstract_hit.abstract_sections
    return Record(
        source=lead.source,
        source_id=lead.source_id,
        title=_first([h.title for h in hits]) or "",
        abstract=abstract_hit.abstract,
        abstract_sections=sections,
        authors=_first([h.authors for h in hits]) or (),
        journal=_first([h.journal for h in hits]),
        year=_first([h.year for h in hits]),
        pub_date=_first([h.pub_date for h in hits]),
        volume=_first([h.volume for h in hits]),
        issue=_first([h.issue for h in hits]),
        pages=_first([h.pages for h in hits]),
        ids=Ids(pmid=_first([h.ids.pmid for h in hits]), doi=_first([h.ids.doi for h in hits]),
                pmcid=_first([h.ids.pmcid for h in hits]),
                nct=tuple(sorted(set(_union(h.ids.nct for h in hits))))),
        publication_types=_union(h.publication_types for h in hits),
        mesh_terms=_union(h.mesh_terms for h in hits),
        keywords=_union(h.keywords for h in hits),
        language=_first([h.language for h in hits]),
        entry_date=_first([h.entry_date for h in hits]),
        is_open_access=any(h.is_open_access for h in hits),
        registry=_first([h.registry for h in hits]) or {},
        note=_first([h.note for h in hits]),
    )
