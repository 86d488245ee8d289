"""RIS import: the tagged export format of Embase, Web of Science, Scopus and Cochrane CENTRAL.

A RIS file is a sequence of records; each record is a run of lines `TG  - value` (a two-letter
tag, two spaces, a hyphen, a space) that starts with `TY` and ends with `ER`. A line without a tag
continues the previous field. Exporters differ in which tags they use for the same field (title in
TI or T1, abstract in AB or N2, the journal in JO, JF, JA, J2 or T2, the PMID in AN, C2, C5 or a
note), so `parse_ris` reads every common spelling.

Each record names the database it was exported from, and its hit's source says so
("ris:Embase"), so each database counts as its own source (PRISMA 2020) and two databases' copies
of a paper are two hits of one record. `ris_database` reads the `DB` tag (the first one: an
Embase record lists "DB - Embase" then "DB - Medline") or, when it is absent, the exporters' other
signs: a `WOS:` accession (Web of Science), a `CN-` id or a cochranelibrary.com/central link
(CENTRAL), an Embase `L` accession in U2 or an embase.com link, a scopus.com link; a record with
none of them is "ris". A trial-register entry (CENTRAL's copy of a ClinicalTrials.gov record: a
registry URL as its journal, or "Trial registry record" as its type) is `record_type="registry"`,
with the CONDITION, INTERVENTION and OUTCOME parts of its abstract as registry fields.

Titles and abstracts follow `corpus.markup.plain_text` (`10<sup>7</sup>` -> `10^7`).

Hand-written, not rispy (0.10), whose reader, tried on these rules, loses records silently: a
file cut inside its last record (no ER) gives the records before it and drops the last without a
word; a record missing its ER absorbs the next one (the second title is lost); a line with one
space before the hyphen ("TY - JOUR", which some exporters write) is not a tag; a wrapped author
or note line becomes another author or note ("Wang," and "Lei"); a repeated single tag keeps only
its first value unless told otherwise (CENTRAL's second AN); and it gives no line numbers and no
raw text of a record. `dumps_ris` writes RIS with rispy's writer (see its docstring).
"""
from __future__ import annotations

import hashlib
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from corpus.errors import InputError
from corpus.markup import plain_text
from corpus.records import (PUBLICATION, REGISTRY, Hit, Ids, Record, author_surname, find_nct_ids, normalise_doi,
                            normalise_pmcid, normalise_pmid, normalise_title)

PARSER_VERSION = "ris-2"  # 2: a source per database, register entries, markup kept as text

#: Database names as the DB/DP tags spell them (lower case, a part of the value) -> the name counted.
DATABASES: tuple[tuple[str, str], ...] = (
    ("embase", "Embase"), ("medline", "MEDLINE"), ("pubmed", "PubMed"), ("scopus", "Scopus"),
    ("web of science", "Web of Science"), ("web of knowledge", "Web of Science"), ("wos", "Web of Science"),
    ("cochrane central", "CENTRAL"), ("central register", "CENTRAL"), ("cochrane library", "CENTRAL"),
    ("cochrane", "CENTRAL"), ("psycinfo", "PsycINFO"), ("cinahl", "CINAHL"), ("lilacs", "LILACS"),
    ("global health", "Global Health"), ("biosis", "BIOSIS"), ("cab abstracts", "CAB Abstracts"),
)
#: Providers (DP) that host many databases: they do not name one.
_PROVIDERS = ("ovid", "ebsco", "proquest", "elsevier", "clarivate", "wiley", "stn", "dialog")
_REGISTRY_URL = re.compile(r"(?:clinicaltrials\.gov|trialsearch\.who\.int|who\.int/trialsearch|isrctn|anzctr|"
                           r"chictr|clinicaltrialsregister\.eu|trialregister\.nl|drks|ctri\.nic\.in|jrct|umin\.ac\.jp|"
                           r"ensaiosclinicos|irct\.ir|pactr)", re.IGNORECASE)
_REGISTRY_TYPE = re.compile(r"\b(?:trial regist(?:ry|er) record|clinical trial regist(?:ry|ration)|registry record)\b",
                            re.IGNORECASE)
_REGISTRY_PART = re.compile(r"(?:^|(?<=[\s.;]))([A-Z][A-Z /&-]{2,40}?)\s*:\s")
_INTERVENTION_TYPES = ("Drug", "Device", "Biological", "Procedure", "Radiation", "Behavioral", "Genetic",
                       "Dietary Supplement", "Combination Product", "Diagnostic Test", "Other")

#: A tag line: two-letter tag, one or two spaces, a hyphen, then an optional space and the value.
_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")

#: RIS reference types mapped to publication types (the names PubMed and Embase use).
RIS_TYPES: dict[str, str] = {
    "JOUR": "Journal Article", "JFULL": "Journal Article", "EJOUR": "Journal Article",
    "MGZN": "Magazine Article", "NEWS": "Newspaper Article",
    "CONF": "Conference Abstract", "CPAPER": "Conference Paper", "ABST": "Abstract",
    "BOOK": "Book", "EBOOK": "Book", "CHAP": "Book Chapter", "ECHAP": "Book Chapter",
    "THES": "Thesis", "RPRT": "Report", "GOVDOC": "Government Document",
    "PAT": "Patent", "ELEC": "Web Page", "DATA": "Dataset", "STAT": "Statute",
    "UNPB": "Unpublished Work", "INPR": "In Press", "SER": "Serial", "GEN": "Generic",
}

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DATE = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
_DOI_URL = re.compile(r"(?:dx\.)?doi\.org/(10\.\d{4,9}/\S+)", re.IGNORECASE)
_DOI_TEXT = re.compile(r"\bdoi:\s*(10\.\d{4,9}/\S+)", re.IGNORECASE)
_PMID_TEXT = re.compile(r"\b(?:PMID|PUBMED)(?:\s*ID)?\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMCID = re.compile(r"\bPMC\s?(\d{3,9})\b", re.IGNORECASE)
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_SPACE = re.compile(r"\s+")

_FIX = "Re-export the references as RIS (.ris, 'RIS format'), or fix the file by hand"


@dataclass
class _RawRecord:
    """The fields of one RIS record in file order, with the lines they came from."""

    start: int
    lines: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)

    def values(self, *tags: str) -> list[str]:
        """Return the stripped non-empty values of `tags`, in file order."""
        return [v.strip() for t, v in self.fields if t in tags and v.strip()]

    def first(self, *tags: str) -> str | None:
        """Return the first value among `tags`, trying the tags in the order given."""
        for tag in tags:
            found = self.values(tag)
            if found:
                return found[0]
        return None


def parse_ris(text: str, origin: str = "<string>") -> list[Hit]:
    """Return one Hit (source "ris:<database>", or "ris") per TY..ER record of a RIS export.

    Accepts a UTF-8 BOM, CRLF line ends, one space instead of two before the hyphen and a missing
    space after it. Raises InputError (naming `origin` and the line) when the text holds no record,
    a record has no ER before the next TY or the end of the file, or a tag line stands outside a
    record.
    """
    return list(iter_ris(text.lstrip("\ufeff").splitlines(), origin))


def iter_ris(lines: Iterable[str], origin: str = "<string>", max_record_chars: int | None = None) -> Iterator[Hit]:
    """Yield the Hits of a RIS export read line by line (a file of any size), as `parse_ris` does.

    `lines` are the file's lines without their line ends. A record longer than `max_record_chars`
    raises InputError naming its first line. Errors are raised when met, after the records
    before them were yielded.
    """
    for raw in _split_records(lines, origin, max_record_chars):
        yield _to_hit(raw)


def _split_records(lines: Iterable[str], origin: str, max_record_chars: int | None = None) -> Iterator[_RawRecord]:
    current: _RawRecord | None = None
    size = 0
    number = 0
    found = 0
    for number, line in enumerate(lines, start=1):
        if number == 1:
            line = line.lstrip("\ufeff")
        match = _TAG_LINE.match(line)
        tag, value = (match.group(1), match.group(2) or "") if match else (None, line)
        if current is None:
            if tag == "TY":
                current = _RawRecord(start=number, lines=[line], fields=[("TY", value)])
                size = len(line)
            elif tag is not None:
                raise InputError(
                    f"{origin} line {number}: tag {tag!r} stands outside a record (a RIS record "
                    f"starts with a 'TY  - ' line and ends with 'ER  - '). {_FIX}.")
            continue  # blank lines and exporter headers between records
        if tag == "TY":
            raise InputError(
                f"{origin} line {number}: a new record starts (TY) but the record that started on "
                f"line {current.start} has no 'ER  - ' line. {_FIX}.")
        size += len(line) + 1
        if max_record_chars is not None and size > max_record_chars:
            raise InputError(
                f"{origin} line {number}: the record that started on line {current.start} is longer than "
                f"the limit of {max_record_chars} characters for one record (max_record_mb); it is not a "
                f"reference. {_FIX}.")
        current.lines.append(line)
        if tag == "ER":
            found += 1
            yield current
            current = None
        elif tag is not None:
            current.fields.append((tag, value))
        elif line.strip() and current.fields:
            last_tag, last_value = current.fields[-1]
            current.fields[-1] = (last_tag, f"{last_value}\n{line.strip()}")
    if current is not None:
        raise InputError(
            f"{origin} line {number}: the file ends inside the record that started on line "
            f"{current.start} (no 'ER  - ' line); the file may be truncated. {_FIX}.")
    if not found:
        raise InputError(
            f"{origin} line {max(number, 1)}: no RIS record found (expected lines "
            f"'TY  - JOUR' ... 'ER  - '; got {number} line(s)). {_FIX}.")


def _to_hit(raw: _RawRecord) -> Hit:
    title = plain_text(raw.first("TI", "T1") or raw.first("ST") or "")
    abstract = plain_text(" ".join(raw.values("AB")) or " ".join(raw.values("N2")))
    authors = tuple(a for a in (ris_author(v) for v in raw.values("AU", "A1")) if a)
    year, pub_date = _dates(raw)
    journal_values = [j for j in (raw.first(t) for t in ("JA", "J2", "JO", "JF", "T2")) if j]
    journal = next((j for j in journal_values if not j.lower().startswith(("http://", "https://"))),
                   None)  # CENTRAL registry entries carry a registry URL as their journal
    pmid = _pmid(raw)
    doi = _doi(raw)
    all_text = "\n".join(v for _, v in raw.fields)
    pmcid = None
    match = _PMCID.search(all_text) if ("PMC" in all_text or "pmc" in all_text.lower()) else None
    if match:
        pmcid = normalise_pmcid(match.group(1))
    ids = Ids(pmid=pmid, doi=doi, pmcid=pmcid, nct=find_nct_ids(all_text))
    if doi:
        source_id = doi
    elif pmid:
        source_id = f"pmid:{pmid}"
    else:
        key = f"{normalise_title(title)}|{year or ''}|{author_surname(authors[0]) if authors else ''}"
        source_id = "ris:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    database = ris_database(raw)
    publication_types = _publication_types(raw)
    is_registry = _is_registry_entry(raw, journal_values, publication_types)
    record = Record(
        source=f"ris:{database}" if database else "ris", source_id=source_id, title=title, abstract=abstract,
        authors=authors, journal=plain_text(journal) if journal else None, year=year, pub_date=pub_date, ids=ids,
        volume=raw.first("VL"), issue=raw.first("IS"), pages=_pages(raw),
        publication_types=publication_types,
        keywords=tuple(dict.fromkeys(_collapse(k) for k in raw.values("KW"))),
        language=raw.first("LA"), entry_date=None,
        registry=registry_fields(abstract, journal_values, ids.nct, database) if is_registry else {},
        record_type=REGISTRY if is_registry else PUBLICATION)
    return Hit(record=record, raw="\n".join(raw.lines), raw_format="ris")


def ris_database(raw: "_RawRecord") -> str | None:
    """The database a RIS record was exported from ("Embase", "Web of Science", ...), or None.

    The first DB value (or a DP value naming a database, not a provider such as Ovid) names it;
    without one, the exporters' other signs do (see the module docstring).
    """
    for value in raw.values("DB") + raw.values("DP"):
        name = _database_name(value)
        if name:
            return name
    if any(v.upper().startswith("WOS:") for v in raw.values("AN", "UT")):
        return "Web of Science"
    links = " ".join(raw.values("UR", "L1", "L2", "L3", "LK")).lower()
    if any(v.upper().startswith("CN-") for v in raw.values("ID", "AN")) or "cochranelibrary.com/central" in links:
        return "CENTRAL"
    if any(re.fullmatch(r"L\d{6,}", v) for v in raw.values("U2")) or "embase.com" in links:
        return "Embase"
    if "scopus.com" in links:
        return "Scopus"
    return None


def _database_name(value: str) -> str | None:
    text = _collapse(value)
    lowered = text.lower()
    for key, name in DATABASES:
        if key in lowered:
            return name
    if not text or any(p in lowered for p in _PROVIDERS):
        return None
    return text


def _is_registry_entry(raw: "_RawRecord", journal_values: list[str], publication_types: tuple[str, ...]) -> bool:
    if any(_REGISTRY_TYPE.search(t) for t in publication_types):
        return True
    return any(j.lower().startswith(("http://", "https://")) and _REGISTRY_URL.search(j) for j in journal_values)


def registry_fields(abstract: str, journal_values: list[str], ncts: tuple[str, ...],
                    database: str | None) -> dict[str, object]:
    """The register fields of a RIS registry record: the labelled parts of its abstract.

    CENTRAL writes a register entry's abstract as labelled parts ("CONDITION: ... INTERVENTION:
    ... PRIMARY OUTCOME: ..."); they become the same keys a ClinicalTrials.gov record has
    (conditions, interventions with type and name, primary/secondary outcomes), plus the
    register's URL and the database the entry came from.
    """
    parts: dict[str, list[str]] = {}
    matches = list(_REGISTRY_PART.finditer(abstract))
    for match, following in zip(matches, matches[1:] + [None]):
        end = following.start() if following else len(abstract)
        text = abstract[match.end():end].strip(" ;.")
        if text:
            parts.setdefault(match.group(1).strip().upper(), []).append(text)

    def listed(*labels: str) -> list[str]:
        out = []
        for label in labels:
            for text in parts.get(label, ()):
                out += [p.strip() for p in text.split(";") if p.strip()]
        return out

    interventions = []
    for text in listed("INTERVENTION", "INTERVENTIONS"):
        kind, _, name = text.partition(":")
        known = next((t for t in _INTERVENTION_TYPES if t.lower() == kind.strip().lower()), None)
        interventions.append({"type": known, "name": name.strip()} if known and name.strip() else
                             {"type": None, "name": text})
    url = next((j for j in journal_values if _REGISTRY_URL.search(j)), None)
    return {
        "conditions": listed("CONDITION", "CONDITIONS", "HEALTH CONDITION"),
        "interventions": interventions,
        "primary_outcomes": [{"measure": m} for m in listed("PRIMARY OUTCOME", "PRIMARY OUTCOMES")],
        "secondary_outcomes": [{"measure": m} for m in listed("SECONDARY OUTCOME", "SECONDARY OUTCOMES")],
        "register_url": url,
        "register_ids": list(ncts),
        "from_database": database,
    }


def ris_author(name: str) -> str | None:
    """Return a RIS author as "Surname Initials" ("Wang, Lei" and "Wang, L." give "Wang L").

    "Surname Initials" spellings ("Park E.H.") are tidied; a name of another shape (a group
    author, "Lei Wang") is returned with its whitespace collapsed.
    """
    text = _collapse(name).strip(" ,;")
    if not text:
        return None
    if "," in text:
        surname, given = (part.strip() for part in text.split(",", 1))
        given = given.split(",", 1)[0]  # drop a suffix: "Smith, John, Jr."
        initials = _initials(given)
        return f"{surname} {initials}" if surname and initials else (surname or None)
    parts = text.split(" ")
    if len(parts) > 1 and _INITIALS.fullmatch(parts[-1]):
        return f"{' '.join(parts[:-1])} {_initials(parts[-1])}"
    return text


def _initials(given: str) -> str:
    out = []
    for token in re.split(r"[\s.\-‐]+", given):
        if not token:
            continue
        if token.isupper() and len(token) <= 3 and token.isalpha():
            out.append(token)  # already initials: "EH"
        elif token[0].isalpha():
            out.append(token[0].upper())
    return "".join(out)


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _pages(raw: _RawRecord) -> str | None:
    """SP-EP ("107-114"); SP alone when it already holds a range or there is no EP."""
    start, end = raw.first("SP"), raw.first("EP")
    return (f"{start}-{end}" if start and end and "-" not in start else start or end) or None


def _dates(raw: _RawRecord) -> tuple[int | None, str | None]:
    year = None
    for value in raw.values("PY", "Y1", "DA"):
        match = _YEAR.search(value)
        if match:
            year = int(match.group(1))
            break
    if year is None:
        return None, None
    best = str(year)
    for value in raw.values("PY", "Y1", "DA"):
        match = _DATE.match(value)
        if not match or int(match.group(1)) != year:
            continue
        month, day = match.group(2), match.group(3)
        if month and 1 <= int(month) <= 12:
            iso = f"{year}-{int(month):02d}"
            if day and 1 <= int(day) <= 31:
                iso += f"-{int(day):02d}"
            if len(iso) > len(best):
                best = iso
    return year, best


def _databases(raw: _RawRecord) -> str:
    return " ".join(raw.values("DB", "DP")).lower()


def _pmid(raw: _RawRecord) -> str | None:
    databases = _databases(raw)
    medline_only = ("medline" in databases or "pubmed" in databases) and "embase" not in databases
    if medline_only:  # Ovid MEDLINE, PubMed via EndNote: AN is the PMID
        for value in raw.values("AN"):
            pmid = normalise_pmid(value)
            if pmid:
                return pmid
    for value in raw.values("N1", "AN", "U1"):  # "PMID: 123", Cochrane's "PUBMED 123"
        match = _PMID_TEXT.search(value)
        if match and normalise_pmid(match.group(1)):
            return normalise_pmid(match.group(1))
    if "scopus" in databases or medline_only:  # Scopus puts the PubMed id in C2
        for value in raw.values("C2"):
            pmid = normalise_pmid(value)
            if pmid:
                return pmid
    if "embase" in databases:  # Embase puts the MEDLINE PMID in C5
        for value in raw.values("C5"):
            pmid = normalise_pmid(value)
            if pmid:
                return pmid
    return None


def _doi(raw: _RawRecord) -> str | None:
    for value in raw.values("DO"):
        doi = normalise_doi(value.split()[0])
        if doi:
            return doi
    for value in raw.values("UR", "L2", "L1", "LK"):
        url = urllib.parse.unquote(value.split()[0])
        match = _DOI_URL.search(url)
        if match and normalise_doi(match.group(1)):
            return normalise_doi(match.group(1))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(value.split()[0]).query)
        for candidate in query.get("doi", []):  # Scopus: ...record.uri?eid=...&doi=10.2147%2fX
            if normalise_doi(candidate):
                return normalise_doi(candidate)
    for value in raw.values("N1"):
        match = _DOI_TEXT.search(value)
        if match and normalise_doi(match.group(1)):
            return normalise_doi(match.group(1))
    return None


def _publication_types(raw: _RawRecord) -> tuple[str, ...]:
    found: dict[str, str] = {}
    ty = raw.first("TY")
    mapped = RIS_TYPES.get((ty or "").upper())
    if mapped:
        found[mapped.lower()] = mapped
    for value in raw.values("M3", "PT"):
        for part in value.split(";"):
            part = _collapse(part)
            if part and part.lower() not in found:
                found[part.lower()] = part
    return tuple(found.values())


# --- writing ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def _one_line(value: object) -> str:
    """A value as one RIS line: line breaks and control characters become spaces (a harvested
    abstract holding "\\nER  - " must not end the record and start another)."""
    return _collapse(_CONTROL.sub(" ", str(value).replace("\r", " ").replace("\n", " ")))


def _ris_name(author: str) -> str:
    parts = author.rsplit(" ", 1)
    if len(parts) == 2 and _INITIALS.fullmatch(parts[1]) and parts[1].isupper():
        return f"{parts[0]}, {'.'.join(parts[1])}."
    return author


def _page_range(pages: str | None) -> tuple[str | None, str | None]:
    """(first, last) page; MEDLINE's short last page written out ("107-14" -> ("107", "114"))."""
    text = _one_line(pages or "")
    first, sep, last = (p.strip() for p in re.split(r"([-–‐])", text, maxsplit=1)) if re.search(r"[-–‐]", text) \
        else (text, "", "")
    if not first:
        return None, None
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, (last or None)


def ris_entry(record: Record) -> dict[str, object]:
    """One record as a rispy entry (its keys are rispy's field names), every value on one line.

    Identifiers are written where `parse_ris` (and EndNote, Zotero) read them: the DOI in DO, the
    PMID, PMCID and NCT ids as notes ("PMID: 123", "PMCID: PMC4", "Trial registration: NCT..."),
    links in UR. A register entry is TY ELEC with "Trial registry record" as its type of work.
    """
    registry = record.record_type == REGISTRY
    by_type = {name.lower(): tag for tag, name in reversed(RIS_TYPES.items())}  # the first tag of a type wins
    reference_type = next((by_type[t.lower()] for t in record.publication_types if t.lower() in by_type), "JOUR")
    entry: dict[str, object] = {"type_of_reference": "ELEC" if registry else reference_type}
    if record.title:
        entry["title"] = _one_line(record.title)
    authors = [_ris_name(_one_line(a)) for a in record.authors if _one_line(a)]
    if authors:
        entry["authors"] = authors
    if record.year:
        entry["year"] = str(record.year)
    if record.pub_date and re.fullmatch(r"\d{4}(-\d{2}){0,2}", record.pub_date):
        parts = record.pub_date.split("-")
        entry["date"] = "/".join(parts + [""] * (3 - len(parts))) + "/"
    if record.journal:
        entry["journal_name"] = _one_line(record.journal)
    for key, value in (("volume", record.volume), ("number", record.issue)):
        if value:
            entry[key] = _one_line(value)
    first, last = _page_range(record.pages)
    if first:
        entry["start_page"] = first
    if last:
        entry["end_page"] = last
    if record.ids.doi:
        entry["doi"] = record.ids.doi
    types = [t for t in record.publication_types if t != RIS_TYPES.get(entry["type_of_reference"])]
    if registry and not any(_REGISTRY_TYPE.search(t) for t in types):
        types.append("Trial registry record")
    if types:
        entry["type_of_work"] = "; ".join(_one_line(t) for t in types)
    if record.abstract:
        entry["abstract"] = _one_line(record.abstract)
    if record.keywords:
        entry["keywords"] = [_one_line(k) for k in record.keywords]
    if record.language:
        entry["language"] = _one_line(record.language)
    notes = [f"PMID: {record.ids.pmid}"] if record.ids.pmid else []
    notes += [f"PMCID: {record.ids.pmcid}"] if record.ids.pmcid else []
    notes += [f"Trial registration: {n}" for n in record.ids.nct]
    if notes:
        entry["notes"] = notes
    urls = [f"https://doi.org/{record.ids.doi}"] if record.ids.doi else []
    urls += [f"https://pubmed.ncbi.nlm.nih.gov/{record.ids.pmid}/"] if record.ids.pmid else []
    urls += [f"https://clinicaltrials.gov/study/{n}" for n in record.ids.nct]
    if urls:
        entry["urls"] = urls
    return entry


def dumps_ris(records: Iterable[Record]) -> str:
    """The records as a RIS file (rispy's writer: TY first, ER last, one tag line per value, no
    numbered header lines); `parse_ris` reads it back to the same fields."""
    import rispy

    class _Writer(rispy.RisWriter):
        def set_header(self, count: int) -> str:
            return ""  # rispy numbers each record ("1."); RIS readers do not expect that line

    entries = [ris_entry(r) for r in records]
    return _Writer().formats(entries) if entries else ""
