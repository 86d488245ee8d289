"""One study, one record: which stored records a new hit duplicates, and how the hits of one study merge.

Pure functions, records in and decisions out: the store gathers the candidates (the records that
share an identifier with the hit, and the few whose normalised title shares a rare word with
its title) and calls `match_by_ids`, then, when no identifier matched, `match_by_title`.
Nothing here reads or writes the store.

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

Blocking (what the store looks up before rule 3): `title_keys` are exact-match keys of a title,
so a lookup costs the same however large the review grows: its skeleton (the normalised title
without function words, British spellings and plural "s" folded: "randomised controlled trials of
the cells" and "randomized controlled trial of cells" have one skeleton), its first 40 characters
and its last 40. Two titles at ratio >= 93 differ in a few characters: unless the differences fall
both in the first and in the last 40 characters of the skeleton, they share a key. The store
offers the records of the year window that share a key, and all of a first author's records in
the window when there are at most `AUTHOR_BLOCK_LIMIT` of them. A key more than
`KEY_BLOCK_LIMIT` records of the window share (a series of abstracts titled alike) is left out, so
no lookup grows with the review.

The merge rule (`merge`): a merge only ever adds. It depends only on the set of hits, never on
their arrival order, and each hit stays stored as its source sent it.
- Sources are trusted in the order PubMed > Europe PMC > the tool's JSONL > RIS databases
  (Embase, Web of Science, Scopus, CENTRAL, ... all one rank) > ClinicalTrials.gov
  (`corpus.records.SOURCE_PRIORITY`): a registry entry's title and dates are the trial's, not
  the paper's, so it gives bibliographic fields only when no publication has them.
- Title, authors, journal, year, date, volume, issue, pages, language, entry date, note: the
  value of the most trusted hit that has one; never an empty value over a filled one.
- Abstract (with its sections): a complete abstract beats a truncated one (`is_truncated`:
  "...", "…", "(ABSTRACT TRUNCATED AT 250 WORDS)"); among complete ones, the most trusted
  source's; between hits of the same rank (two RIS databases), the longest; then the first in
  priority order (source name, source id).
- Identifiers: PMID, DOI and PMCID from the most trusted hit that has one; NCT ids, publication
  types, MeSH terms and keywords: the union of all hits. The store also indexes every
  identifier of every hit and never drops one.
- Registry fields: from the ClinicalTrials.gov hit, else from a RIS registry record (CENTRAL's
  copy of a register entry). `record_type` is "publication" when any hit is one, else "registry".
- Open access: when any hit says so.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from corpus.records import (PUBLICATION, REGISTRY, AbstractSection, Ids, Record, is_truncated, normalise_title,
                            source_family, source_rank)

TITLE_RATIO = 93.0
TITLE_RATIO_NO_AUTHOR = 97.0
EXCLUSIVE_SCHEMES = ("pmid", "doi", "pmcid")
#: Titles shorter than this (normalised) are never fuzzy-matched.
MIN_TITLE_LENGTH = 20
#: The length of the prefix and suffix keys of a title skeleton.
KEY_LENGTH = 40
#: A title key shared by more records than this in the year window is not used (it tells no titles apart).
KEY_BLOCK_LIMIT = 100
#: A first author's records in the year window are all candidates when there are at most this many.
AUTHOR_BLOCK_LIMIT = 50

#: Words too common to tell titles apart; left out of the skeleton.
STOPWORDS = frozenset({"a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on",
                       "or", "the", "to", "vs", "versus", "with", "without", "its", "their", "after", "among"})


@dataclass(frozen=True)
class Candidate:
    """A stored record a hit may duplicate: its id, matching fields and identifiers by scheme."""

    id: str
    title_norm: str = ""
    year: int | None = None
    first_author: str | None = None
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)


def title_key(record: Record) -> str:
    """Return the normalised title used for fuzzy matching."""
    return normalise_title(record.title)


_SPELLING = ((re.compile(r"(?<=\w)is(e|es|ed|ing|ation|ations)$"), r"iz\1"), (re.compile(r"(?<=\w)yse(s|d)?$"), r"yze\1"),
             (re.compile(r"our(s)?$"), r"or\1"), (re.compile(r"(?<=\w)tre(s)?$"), r"ter\1"),
             (re.compile(r"(?<=\w)(?:ae|oe)(?=\w)"), "e"))


@functools.lru_cache(maxsize=1 << 16)
def _folded(word: str) -> str:
    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def title_skeleton(title_norm: str) -> str:
    """A normalised title folded further for blocking: function words dropped, British spellings and a
    plural "s" folded ("randomised trials of the cells" -> "randomized trial cell")."""
    return " ".join(_folded(word) for word in title_norm.split() if word not in STOPWORDS)


@functools.lru_cache(maxsize=4096)
def title_keys(title_norm: str) -> tuple[str, ...]:
    """The blocking keys of a normalised title: its skeleton, and the skeleton's first and last KEY_LENGTH characters."""
    skeleton = title_skeleton(title_norm)
    if not skeleton:
        return ()
    return tuple(sorted({skeleton, skeleton[:KEY_LENGTH].rstrip(), skeleton[-KEY_LENGTH:].lstrip()}))


def fuzzy_year_window(record: Record) -> tuple[int, int] | None:
    """The publication years a fuzzy match of `record` can have, or None when it cannot fuzzy-match."""
    if record.year is None or len(title_key(record)) < MIN_TITLE_LENGTH:
        return None
    return record.year - 1, record.year + 1


def _conflicts(mine: Mapping[str, set[str] | frozenset[str]], theirs: Mapping[str, set[str] | frozenset[str]]) -> bool:
    """True when two id sets hold different identifiers of an exclusive kind (two PMIDs, ...)."""
    return any(mine.get(s) and theirs.get(s) and not (set(mine[s]) & set(theirs[s])) for s in EXCLUSIVE_SCHEMES)


def id_sets(ids: Ids) -> dict[str, set[str]]:
    """A record's identifiers grouped by scheme."""
    out: dict[str, set[str]] = {}
    for scheme, value in ids.pairs():
        out.setdefault(scheme, set()).add(value)
    return out


def match_by_ids(record: Record, found: Sequence[tuple[str, Candidate]]) -> list[str]:
    """Return the ids of the candidates `record` duplicates by identifier, best evidence first.

    `found` lists (scheme, candidate) for each stored record carrying one of `record`'s
    identifiers, in the order of `record.ids.pairs()` (PMID, DOI, PMCID, then NCT ids) and by
    record id within one identifier. Several matches mean the hit bridges records (a PMID of one,
    the DOI of another); each is accepted only when it conflicts with none accepted before it,
    so merging them is safe. The registry link (an NCT id) joins a publication and its register
    entry, never two publications.
    """
    matches: list[str] = []
    accepted = id_sets(record.ids)
    is_publication = bool(record.ids.pmid or record.ids.doi)
    for scheme, candidate in found:
        if scheme == "nct" and is_publication and (candidate.ids.get("pmid") or candidate.ids.get("doi")):
            continue
        if candidate.id in matches or _conflicts(accepted, candidate.ids):
            continue
        matches.append(candidate.id)
        for other_scheme, values in candidate.ids.items():
            accepted.setdefault(other_scheme, set()).update(values)
    return matches


def title_matches(record: Record, candidates: Iterable[Candidate]) -> list[tuple[float, Candidate]]:
    """Score the candidates whose title fuzzy-matches `record`'s by rule 3; best first (identifiers not checked)."""
    key = title_key(record)
    if len(key) < MIN_TITLE_LENGTH or record.year is None:
        return []
    author = record.first_author
    out: list[tuple[float, Candidate]] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.id in seen or not candidate.title_norm or candidate.year is None:
            continue
        seen.add(candidate.id)
        if author and candidate.first_author:
            if candidate.first_author != author or abs(candidate.year - record.year) > 1:
                continue
            threshold = TITLE_RATIO
        else:  # one side without authors (a registry entry): stricter, and the same year
            if candidate.year != record.year:
                continue
            threshold = TITLE_RATIO_NO_AUTHOR
        score = fuzz.ratio(key, candidate.title_norm, score_cutoff=threshold)
        if score >= threshold:
            out.append((score, candidate))
    out.sort(key=lambda pair: (-pair[0], pair[1].id))
    return out


def match_by_title(record: Record, candidates: Iterable[Candidate]) -> list[str]:
    """Return the id of the candidate whose title matches `record`'s best (rule 3) and whose
    identifiers do not conflict with its, as a list of 0 or 1 ids."""
    mine = id_sets(record.ids)
    for _, candidate in title_matches(record, candidates):
        if not _conflicts(mine, candidate.ids):
            return [candidate.id]
    return []


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
    return f"{source_family(record.source)}:{re.sub(r'[^0-9A-Za-z_.:-]+', '_', record.source_id)}"


def sort_by_priority(records: Iterable[Record]) -> list[Record]:
    """Return hits ordered by how much their bibliographic fields are trusted (then source name and id)."""
    return sorted(records, key=lambda rec: (source_rank(rec.source), rec.source, rec.source_id))


def _first(values: Sequence):
    return next((v for v in values if v), None)


def _union(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)


def abstract_hit(hits: Sequence[Record]) -> Record | None:
    """The hit whose abstract the merged record carries (the module's abstract rule), or None.

    `hits` must be in priority order (`sort_by_priority`).
    """
    with_abstract = [h for h in hits if h.abstract]
    if not with_abstract:
        return None
    complete = [h for h in with_abstract if not is_truncated(h.abstract)] or with_abstract
    rank = min(source_rank(h.source) for h in complete)
    return max((h for h in complete if source_rank(h.source) == rank), key=lambda h: len(h.abstract))


def registry_hit(hits: Sequence[Record]) -> Record | None:
    """The hit whose registry fields the merged record carries: ClinicalTrials.gov's, else another register entry's."""
    with_registry = [h for h in hits if h.registry]
    return next((h for h in with_registry if source_family(h.source) == "ctgov"), None) or _first(with_registry)


@dataclass(frozen=True)
class Merged:
    """The merged record of one study and the hits that gave its abstract and registry fields."""

    record: Record
    abstract_from: Record | None
    registry_from: Record | None


def merge(hits: Sequence[Record]) -> Merged:
    """Merge the hits of one study by the module's merge rule. Raises ValueError without hits."""
    hits = sort_by_priority(hits)
    if not hits:
        raise ValueError("merge_hits needs at least one hit")
    lead = hits[0]
    with_abstract = abstract_hit(hits)
    with_registry = registry_hit(hits)
    sections: tuple[AbstractSection, ...] = with_abstract.abstract_sections if with_abstract else ()
    record = Record(
        source=lead.source,
        source_id=lead.source_id,
        title=_first([h.title for h in hits]) or "",
        abstract=with_abstract.abstract if with_abstract else "",
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
        registry=with_registry.registry if with_registry else {},
        record_type=PUBLICATION if any(h.record_type != REGISTRY for h in hits) else REGISTRY,
        note=_first([h.note for h in hits]),
    )
    return Merged(record, with_abstract, with_registry)


def merge_hits(hits: Sequence[Record]) -> Record:
    """Merge the hits of one study into one Record (see `merge`)."""
    return merge(hits).record
