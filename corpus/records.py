"""The record: what every source parser produces and the store keeps.

A `Record` is one hit of one source (a PubMed article, a Europe PMC result, a
ClinicalTrials.gov study, a RIS entry, a line of the tool's own JSONL). Deduplication groups the
hits of one study under one stored id; the merged view is again a `Record`.

The helpers here (DOI, title and author normalisation) are pure functions shared by the parsers
and by deduplication.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

#: Source families, in the order their bibliographic fields are trusted when hits merge. A RIS
#: hit's source names its database ("ris:Embase", "ris:Web of Science"); all RIS databases share
#: the rank of "ris" (see `corpus.dedup.merge_hits` for the rules between them).
SOURCE_PRIORITY: tuple[str, ...] = ("pubmed", "europepmc", "jsonl", "ris", "ctgov")

#: `Record.record_type` values: a report of a study, or an entry of a trial register.
PUBLICATION = "publication"
REGISTRY = "registry"

#: Source families whose records are register entries (PRISMA 2020's "registers").
REGISTER_SOURCES = frozenset({"ctgov"})

#: Readable names of the sources, for PRISMA tables ("ris:Embase" reads "Embase").
SOURCE_LABELS = {"pubmed": "PubMed", "europepmc": "Europe PMC", "ctgov": "ClinicalTrials.gov",
                 "jsonl": "JSONL import", "ris": "RIS import (database not named)"}


def source_family(source: str) -> str:
    """The parser family of a hit's source: "ris:Embase" -> "ris", "pubmed" -> "pubmed"."""
    return source.split(":", 1)[0]


def source_rank(source: str) -> int:
    """How far a source's bibliographic fields are trusted (0 most); unknown sources come last."""
    family = source_family(source)
    return SOURCE_PRIORITY.index(family) if family in SOURCE_PRIORITY else len(SOURCE_PRIORITY)


def source_label(source: str) -> str:
    """A readable name: "ris:Embase" -> "Embase", "pubmed" -> "PubMed"."""
    family, _, database = source.partition(":")
    return database if database else SOURCE_LABELS.get(family, source)


@dataclass(frozen=True)
class AbstractSection:
    """One section of a structured abstract ("Methods", "Results", ...); label may be empty."""

    label: str
    text: str


@dataclass(frozen=True)
class Ids:
    """The identifiers of a record, normalised (see `normalise_doi`, `normalise_pmcid`)."""

    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    nct: tuple[str, ...] = ()

    def pairs(self) -> list[tuple[str, str]]:
        """Return the identifiers as (scheme, value) pairs, for lookup and storage."""
        out = [(k, v) for k, v in (("pmid", self.pmid), ("doi", self.doi), ("pmcid", self.pmcid)) if v]
        out += [("nct", n) for n in self.nct]
        return out


_TRUNCATED = re.compile(r"(?:\.\.\.|…|\(?\[?\s*abstract truncated[^\])]*[\])]?)\s*$", re.IGNORECASE)


def is_truncated(text: str | None) -> bool:
    """True when an abstract ends as a cut one does ("...", "…", MEDLINE's "(ABSTRACT TRUNCATED AT 250 WORDS)")."""
    return bool(text) and _TRUNCATED.search(text[-80:]) is not None


def text_or_none(value: Any) -> str | None:
    """A JSON field as stripped text; None when absent or blank."""
    text = str(value).strip() if value is not None else ""
    return text or None


@dataclass(frozen=True)
class Record:
    """One study record as parsed from one source.

    `source` names the parser ("pubmed", "europepmc", "ctgov", "jsonl", and for RIS the exporting
    database: "ris:Embase", "ris:Web of Science", or "ris" when the file does not say); `source_id`
    is the record's id within that source (PMID, Europe PMC "SRC:id", NCT id, ...). `entry_date`
    (ISO date) is the source's own index/update date, used for incremental harvests. `registry`
    holds a register entry's structured fields (ClinicalTrials.gov status, enrolment, conditions,
    interventions, outcome results; a CENTRAL registry record's conditions and interventions) and
    is empty for publications. `record_type` is "registry" for a register entry (a CT.gov study,
    CENTRAL's copy of one) and "publication" otherwise.
    """

    source: str
    source_id: str
    title: str = ""
    abstract: str = ""
    abstract_sections: tuple[AbstractSection, ...] = ()
    authors: tuple[str, ...] = ()
    journal: str | None = None
    year: int | None = None
    pub_date: str | None = None
    volume: str | None = None  # the journal volume, issue and pages as the source writes them ("107-14")
    issue: str | None = None
    pages: str | None = None
    ids: Ids = field(default_factory=Ids)
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    language: str | None = None
    entry_date: str | None = None
    is_open_access: bool = False
    registry: Mapping[str, Any] = field(default_factory=dict)
    record_type: str = "publication"  # "publication" | "registry" (a trial-register entry)
    note: str | None = None

    @property
    def first_author(self) -> str | None:
        """Return the first author's surname, or None when there are no authors."""
        return author_surname(self.authors[0]) if self.authors else None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (the tool's own JSONL record format, without "id").

        Written out by hand: the same keys, order and values as `dataclasses.asdict` with the
        tuples as lists, without its deep copy (the fields are immutable; `registry` is copied
        one level deep, as before).
        """
        ids = self.ids
        return {
            "source": self.source, "source_id": self.source_id, "title": self.title, "abstract": self.abstract,
            "abstract_sections": [{"label": s.label, "text": s.text} for s in self.abstract_sections],
            "authors": list(self.authors), "journal": self.journal, "year": self.year, "pub_date": self.pub_date,
            "volume": self.volume, "issue": self.issue, "pages": self.pages,
            "ids": {"pmid": ids.pmid, "doi": ids.doi, "pmcid": ids.pmcid, "nct": list(ids.nct)},
            "publication_types": list(self.publication_types), "mesh_terms": list(self.mesh_terms),
            "keywords": list(self.keywords), "language": self.language, "entry_date": self.entry_date,
            "is_open_access": self.is_open_access, "registry": dict(self.registry),
            "record_type": self.record_type, "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Record":
        """Build a Record from `to_dict()` output (unknown keys are ignored)."""
        ids = data.get("ids") or {}
        nct = ids.get("nct") or ()
        if isinstance(nct, str):
            nct = (nct,)
        year = data.get("year")
        return cls(
            source=str(data.get("source") or "jsonl"),
            source_id=str(data.get("source_id") or data.get("id") or ""),
            title=str(data.get("title") or ""),
            abstract=str(data.get("abstract") or ""),
            abstract_sections=tuple(AbstractSection(str(s.get("label") or ""), str(s.get("text") or ""))
                                    for s in data.get("abstract_sections") or ()),
            authors=tuple(str(a) for a in data.get("authors") or ()),
            journal=data.get("journal") or None,
            year=int(year) if year not in (None, "") else None,
            pub_date=data.get("pub_date") or None,
            volume=text_or_none(data.get("volume")),
            issue=text_or_none(data.get("issue")),
            pages=text_or_none(data.get("pages")),
            ids=Ids(pmid=normalise_pmid(ids.get("pmid")), doi=normalise_doi(ids.get("doi")),
                    pmcid=normalise_pmcid(ids.get("pmcid")),
                    nct=tuple(sorted({n for n in (normalise_nct(x) for x in nct) if n}))),
            publication_types=tuple(data.get("publication_types") or ()),
            mesh_terms=tuple(data.get("mesh_terms") or ()),
            keywords=tuple(data.get("keywords") or ()),
            language=data.get("language") or None,
            entry_date=data.get("entry_date") or None,
            is_open_access=bool(data.get("is_open_access")),
            registry=dict(data.get("registry") or {}),
            record_type=REGISTRY if data.get("record_type") == REGISTRY else PUBLICATION,
            note=data.get("note") or None,
        )

    def fingerprint(self) -> str:
        """Return a stable hash of the parsed content (unchanged content, unchanged hash)."""
        return fingerprint_of(self.to_dict())


def fingerprint_of(data: Mapping[str, Any]) -> str:
    """The hash `Record.fingerprint` gives, from the record's `to_dict()` (computed once by callers that have it)."""
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class FullText:
    """An open-access full text (JATS XML) fetched for a record, keyed by its PMCID."""

    pmcid: str
    xml: str
    source: str = "europepmc"


class ParsedHits(list):
    """The hits of one response (a list), and `skipped`: one line per record that could not be read.

    A harvest stores the rest and reports the skipped ones, so one bad record in a page does not
    stop that page at every later run.
    """

    def __init__(self, hits=(), skipped=()):
        super().__init__(hits)
        self.skipped: list[str] = list(skipped)

    def add(self, parse: Callable[[], "Hit"], skip_bad: bool, where: str = "") -> None:
        """Append the hit `parse()` returns. A record it cannot read (MalformedResponseError) is an
        error, or with `skip_bad` a line in `skipped` ("{where}{the error}") and the rest goes on."""
        from corpus.errors import MalformedResponseError

        try:
            self.append(parse())
        except MalformedResponseError as exc:
            if not skip_bad:
                raise
            self.skipped.append(f"{where}{exc}")


def count_or_none(value: Any) -> int | None:
    """A response's total count as an int; None when it is missing or not a number."""
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Hit:
    """A parsed record together with the raw payload it was parsed from."""

    record: Record
    raw: str
    raw_format: str  # "pubmed-xml" | "europepmc-json" | "ctgov-json" | "ris" | "jsonl"


# --- identifier normalisation -------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(doi: str | None) -> str | None:
    """Return a DOI lower-cased, without URL/`doi:` prefix or trailing punctuation; None if not a DOI."""
    if not doi:
        return None
    text = _DOI_PREFIX.sub("", str(doi).strip()).strip().rstrip(".;,").lower()
    return text if text.startswith("10.") and "/" in text else None


def normalise_pmid(pmid: Any) -> str | None:
    """Return a PMID as a string of digits, or None."""
    text = str(pmid).strip() if pmid is not None else ""
    return text if text.isdigit() and text != "0" else None


def normalise_pmcid(pmcid: Any) -> str | None:
    """Return a PMCID as "PMC" + digits ("pmc123" and "123" become "PMC123"), or None."""
    text = str(pmcid).strip().upper() if pmcid is not None else ""
    if text.startswith("PMC"):
        text = text[3:]
    return f"PMC{text}" if text.isdigit() else None


_NCT = re.compile(r"\bNCT\s?(\d{8})\b", re.IGNORECASE)


def normalise_nct(value: Any) -> str | None:
    """Return an NCT id ("NCT" + 8 digits) found in `value`, or None."""
    match = _NCT.search(str(value or ""))
    return f"NCT{match.group(1)}" if match else None


def find_nct_ids(text: str | None) -> tuple[str, ...]:
    """Return every distinct NCT id mentioned in free text, sorted."""
    if not text or not ("NCT" in text or "nct" in text or "Nct" in text):  # the common case, without a regex scan
        return ()
    return tuple(sorted({f"NCT{m}" for m in _NCT.findall(text)}))


# --- text normalisation for fuzzy matching -------------------------------------------------

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SCRIPT_MARKS = re.compile(r"[\^_](?=\(?[0-9A-Za-z+\-−])")


def normalise_title(title: str | None) -> str:
    """Return a title folded for matching: ASCII, lower case, punctuation and markup collapsed."""
    text = re.sub(r"<[^>]+>", " ", title or "")
    text = _SCRIPT_MARKS.sub("", text)  # "10^7" and "107", "D_3" and "D3" (markup lost elsewhere) match
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", text).strip()


def author_surname(author: str | None) -> str | None:
    """Return a folded surname from "Surname AB", "Surname, A. B." or "A. B. Surname" spellings."""
    if not author:
        return None
    text = unicodedata.normalize("NFKD", author).encode("ascii", "ignore").decode("ascii").strip()
    if "," in text:  # "Surname, A. B."
        surname = text.split(",", 1)[0]
    else:
        parts = text.split()
        if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}|([A-Z]\.){1,4}", parts[-1]):
            surname = " ".join(parts[:-1])  # "Surname AB" (PubMed, Europe PMC)
        else:
            surname = parts[-1] if parts else ""  # "Alice B. Surname"
    surname = _NON_ALNUM.sub("", surname.lower())
    return surname or None
