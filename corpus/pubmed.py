"""PubMed through NCBI E-utilities: ESearch for ids, EFetch for MEDLINE XML, parsed into Records.

`parse_pubmed_xml` turns an EFetch `<PubmedArticleSet>` into one `Hit` per `<PubmedArticle>`
(book records, `<PubmedBookArticle>`, are skipped: they are not journal reports of trials).
`PubMedSource.harvest` runs one ESearch (history server on), fetches only the PMIDs the store does
not hold, and yields one `Batch` per EFetch. Searches with more than 9,999 hits are split into
entry-date windows, because ESearch cannot page past the first 9,999 ids.

XML is parsed with a hardened lxml parser: no DTD loading, no entity expansion, no network.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from typing import Iterator

import requests
from lxml import etree

from corpus.http import HttpClient, shorten
from corpus.markup import collapse, element_text
from corpus.records import (AbstractSection, Hit, Ids, ParsedHits, Record, find_nct_ids, normalise_doi,
                            normalise_nct, normalise_pmcid, normalise_pmid)
from corpus.source import Batch, Known, base_url, checked_page_size, since_date
from corpus.errors import HarvestError, MalformedResponseError

PARSER_VERSION = "pubmed-3"  # 2: volume, issue and pages; 3: <sup>/<sub> kept as ^ and _

#: ESearch returns at most this many ids per search (it cannot page past retstart 9998).
MAX_SEARCH_IDS = 9999
#: EFetch ids per request; NCBI asks for at most 200 per GET and this module keeps POSTs the same.
MAX_BATCH = 200

_MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# A season maps to its first month; Winter maps to January so the date stays in the stated year.
_SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_MEDLINE_DATE = re.compile(r"(\d{4})(?:[\s/-]+([A-Za-z]+))?")


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers must not be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_blank_text=False)


def _parse_xml(data: bytes | str, what: str) -> etree._Element:
    """Parse `data` with the hardened parser; raise MalformedResponseError when it is not XML."""
    if isinstance(data, str):
        # lxml refuses str input with an encoding declaration; the text is already decoded.
        data = _XML_DECLARATION.sub("", data, count=1).encode("utf-8")
    try:
        return etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedResponseError(f"{what} is malformed: {shorten(str(exc))}") from exc


def _collapse(text: str) -> str:
    return collapse(text)


def _full_text(el: etree._Element | None) -> str:
    """Return the text of `el` and of its child markup, whitespace collapsed (`corpus.markup`'s rule:
    `10<sup>7</sup>` -> `10^7`, `CD4<sup>+</sup>` -> `CD4+`, `x<sub>i</sub>` -> `x_i`, <i>/<b> dropped).

    Comments, processing instructions and unexpanded entity references are left out.
    """
    return element_text(el)


def _error_text(root: etree._Element) -> str | None:
    """Return the text of an E-utilities <ERROR> element (a hard error body), or None."""
    node = root if root.tag == "ERROR" else root.find("ERROR")
    if node is None:
        return None
    return _full_text(node) or "unspecified error"


# --- parsing -------------------------------------------------------------------------------

def parse_pubmed_xml(data: bytes | str, *, skip_bad: bool = False) -> ParsedHits:
    """Return one Hit per <PubmedArticle> of an EFetch PubmedArticleSet (an empty set gives []).

    Raises MalformedResponseError for a malformed or truncated document, an <eFetchResult><ERROR>
    body, or any root other than PubmedArticleSet, and for an article without a PMID unless
    `skip_bad` (then it is left out and named in the result's `skipped`). <PubmedBookArticle>
    entries are skipped.
    """
    root = _parse_xml(data, "PubMed efetch XML")
    error = _error_text(root)
    if error is not None:
        raise MalformedResponseError(f"PubMed efetch returned an error: {shorten(error)}")
    if root.tag != "PubmedArticleSet":
        raise MalformedResponseError(
            f"PubMed efetch XML has root <{root.tag}>, expected <PubmedArticleSet>")
    hits = ParsedHits()
    for number, article in enumerate(root.iterchildren("PubmedArticle"), start=1):
        hits.add(lambda: Hit(record=_parse_article(article), raw=etree.tostring(article, encoding="unicode"),
                             raw_format="pubmed-xml"), skip_bad, f"article {number} of the batch: ")
    return hits


def iter_pubmed_xml(source, max_record_bytes: int | None = None) -> Iterator[Hit]:
    """Yield the Hits of a PubmedArticleSet read from a binary file object, one article at a time.

    Memory stays that of one article, whatever the file's size (each article is dropped once read).
    Raises MalformedResponseError as `parse_pubmed_xml` does, when met (the articles before it
    were yielded), and for an article longer than `max_record_bytes`.
    """
    events = etree.iterparse(source, events=("start", "end"), resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1 and element.tag != "PubmedArticleSet":
                    if element.tag in ("eFetchResult", "ERROR"):
                        continue
                    raise MalformedResponseError(
                        f"PubMed efetch XML has root <{element.tag}>, expected <PubmedArticleSet>")
                continue
            depth -= 1
            if element.tag == "ERROR" and depth <= 1:
                raise MalformedResponseError(f"PubMed efetch returned an error: {shorten(_full_text(element))}")
            if depth != 1:
                continue
            if element.tag == "PubmedArticle":
                raw = etree.tostring(element, encoding="unicode")
                if max_record_bytes is not None and len(raw) > max_record_bytes:
                    raise MalformedResponseError(
                        f"a <PubmedArticle> is longer than the limit of {max_record_bytes} characters for one "
                        "record (max_record_mb)")
                yield Hit(record=_parse_article(element), raw=raw, raw_format="pubmed-xml")
            element.clear()
            parent = element.getparent()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        raise MalformedResponseError(f"PubMed efetch XML is malformed: {shorten(str(exc))}") from exc


def _parse_article(article: etree._Element) -> Record:
    citation = article.find("MedlineCitation")
    if citation is None:
        raise MalformedResponseError("PubMed efetch XML has a <PubmedArticle> without <MedlineCitation>")
    pmid = normalise_pmid(citation.findtext("PMID"))
    if pmid is None:
        raise MalformedResponseError(
            f"PubMed efetch XML has a <PubmedArticle> without a valid PMID ({citation.findtext('PMID')!r})")
    art = citation.find("Article")
    if art is None:
        art = etree.Element("Article")
    title = _full_text(art.find("ArticleTitle")) or _full_text(art.find("VernacularTitle"))
    sections = tuple(AbstractSection(label=_collapse(node.get("Label") or ""), text=_full_text(node))
                     for node in art.findall("Abstract/AbstractText"))
    abstract = "\n".join(f"{s.label}\n{s.text}" if s.label else s.text for s in sections)
    year, pub_date = _pub_date(art)
    ids = _ids(article, art, pmid, f"{title}\n{abstract}")
    return Record(
        source="pubmed",
        source_id=pmid,
        title=title,
        abstract=abstract,
        abstract_sections=sections,
        authors=_authors(art),
        journal=(_full_text(citation.find("MedlineJournalInfo/MedlineTA"))
                 or _full_text(art.find("Journal/ISOAbbreviation"))
                 or _full_text(art.find("Journal/Title")) or None),
        year=year,
        pub_date=pub_date,
        volume=_full_text(art.find("Journal/JournalIssue/Volume")) or None,
        issue=_full_text(art.find("Journal/JournalIssue/Issue")) or None,
        pages=_pages(art),
        ids=ids,
        publication_types=_texts(art.findall("PublicationTypeList/PublicationType")),
        mesh_terms=_texts(citation.findall("MeshHeadingList/MeshHeading/DescriptorName")),
        keywords=_texts(citation.findall("KeywordList/Keyword")),
        language=_full_text(art.find("Language")) or None,
        entry_date=_entry_date(article),
        is_open_access=ids.pmcid is not None,
        registry={},
    )


def _pages(art: etree._Element) -> str | None:
    """MEDLINE's page range ("107-14"), else StartPage-EndPage, else None (an ELocationID is not a page)."""
    medline = _full_text(art.find("Pagination/MedlinePgn"))
    if medline:
        return medline
    start, end = _full_text(art.find("Pagination/StartPage")), _full_text(art.find("Pagination/EndPage"))
    return (f"{start}-{end}" if start and end else start) or None


def _texts(nodes: list[etree._Element]) -> tuple[str, ...]:
    return tuple(t for t in (_full_text(n) for n in nodes) if t)


def _authors(art: etree._Element) -> tuple[str, ...]:
    out = []
    for author in art.findall("AuthorList/Author"):
        if author.get("ValidYN", "Y").upper() == "N":
            continue
        last = _full_text(author.find("LastName"))
        if last:
            initials = _full_text(author.find("Initials"))
            out.append(f"{last} {initials}" if initials else last)
        else:
            collective = _full_text(author.find("CollectiveName"))
            if collective:
                out.append(collective)
    return tuple(out)


def _ids(article: etree._Element, art: etree._Element, pmid: str, text: str) -> Ids:
    doi = pmcid = None
    # Only PubmedData/ArticleIdList: ReferenceList entries carry ArticleIdLists of cited papers.
    for node in article.findall("PubmedData/ArticleIdList/ArticleId"):
        kind = (node.get("IdType") or "").lower()
        if kind == "doi" and doi is None:
            doi = normalise_doi(node.text)
        elif kind == "pmc" and pmcid is None:
            pmcid = normalise_pmcid(node.text)
    if doi is None:
        for node in art.findall("ELocationID"):
            if (node.get("EIdType") or "").lower() == "doi" and node.get("ValidYN", "Y").upper() != "N":
                doi = normalise_doi(node.text)
                if doi:
                    break
    nct = set(find_nct_ids(text))
    for bank in art.findall("DataBankList/DataBank"):
        if _full_text(bank.find("DataBankName")).lower() == "clinicaltrials.gov":
            for acc in bank.findall("AccessionNumberList/AccessionNumber"):
                value = normalise_nct(acc.text)
                if value:
                    nct.add(value)
    return Ids(pmid=pmid, doi=doi, pmcid=pmcid, nct=tuple(sorted(nct)))


def _month_number(text: str | None) -> int | None:
    """Return 1-12 for "9", "09", "Sep", "September" or a season ("Jan-Mar", "Spring"); else None."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if text.isdigit():
        month = int(text)
        return month if 1 <= month <= 12 else None
    if text[:3] in _MONTHS:  # also "Jan-Mar": the first month of a range
        return _MONTHS[text[:3]]
    for name, month in _SEASONS.items():
        if text.startswith(name):
            return month
    return None


def _iso(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is not None:
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            pass
    return f"{year:04d}-{month:02d}"


def _ymd(node: etree._Element) -> tuple[int, int | None, int | None] | None:
    """Read Year/Month/Day (or Season) children; None when there is no 4-digit year."""
    year_text = (node.findtext("Year") or "").strip()
    if not (year_text.isdigit() and len(year_text) == 4):
        return None
    month = _month_number(node.findtext("Month")) or _month_number(node.findtext("Season"))
    day_text = (node.findtext("Day") or "").strip()
    day = int(day_text) if day_text.isdigit() and month is not None else None
    return int(year_text), month, day


def parse_medline_date(text: str | None) -> tuple[int | None, int | None]:
    """Return (year, month) from a <MedlineDate> ("1998 Dec-1999 Jan", "2000 Spring", "1999-2000").

    The year is the first 4-digit year; the month is read only when it directly follows it.
    """
    match = _MEDLINE_DATE.search(text or "")
    if not match:
        return None, None
    return int(match.group(1)), _month_number(match.group(2))


def _pub_date(art: etree._Element) -> tuple[int | None, str | None]:
    node = art.find("Journal/JournalIssue/PubDate")
    if node is not None:
        parts = _ymd(node)
        if parts is not None:
            return parts[0], _iso(*parts)
        year, month = parse_medline_date(node.findtext("MedlineDate"))
        if year is not None:
            return year, _iso(year, month, None)
    for node in art.findall("ArticleDate"):
        parts = _ymd(node)
        if parts is not None:
            return parts[0], _iso(*parts)
    return None, None


def _entry_date(article: etree._Element) -> str | None:
    history = article.findall("PubmedData/History/PubMedPubDate")
    for status in ("entrez", "pubmed", "medline"):
        for node in history:
            if node.get("PubStatus") == status:
                parts = _ymd(node)
                if parts is not None and parts[1] is not None and parts[2] is not None:
                    return _iso(*parts)
    return None


# --- ESearch -------------------------------------------------------------------------------

def parse_esearch_xml(data: bytes | str) -> tuple[int, list[str], str | None, str | None]:
    """Return (Count, ids, WebEnv, QueryKey) from an ESearch XML body.

    A PhraseNotFound ErrorList with Count 0 is a normal zero-hit result. Raises
    MalformedResponseError for malformed XML, a root other than eSearchResult, a missing Count, or
    an <ERROR> element (its text is in the message).
    """
    root = _parse_xml(data, "PubMed esearch XML")
    error = _error_text(root)
    if error is not None:
        raise MalformedResponseError(f"PubMed esearch returned an error: {shorten(error)}")
    if root.tag != "eSearchResult":
        raise MalformedResponseError(f"PubMed esearch XML has root <{root.tag}>, expected <eSearchResult>")
    count_text = (root.findtext("Count") or "").strip()
    if not count_text.isdigit():
        raise MalformedResponseError(f"PubMed esearch XML has no numeric <Count> (got {count_text!r})")
    ids = [i for i in (normalise_pmid(n.text) for n in root.findall("IdList/Id")) if i]
    webenv = (root.findtext("WebEnv") or "").strip() or None
    query_key = (root.findtext("QueryKey") or "").strip() or None
    return int(count_text), ids, webenv, query_key


def split_date_range(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """Split the inclusive range [start, end] into two halves that do not overlap.

    Returns ((start, mid), (mid + 1 day, end)). Raises ValueError when the range is a single day
    (or reversed), which cannot be split.
    """
    if end <= start:
        raise ValueError(f"cannot split the date range {start.isoformat()}..{end.isoformat()}")
    mid = start + dt.timedelta(days=(end - start).days // 2)
    return (start, mid), (mid + dt.timedelta(days=1), end)


def _eutils_date(day: dt.date) -> str:
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


# --- the source ----------------------------------------------------------------------------

class PubMedSource:
    """PubMed via NCBI E-utilities (ESearch + EFetch), following the `Source` protocol.

    Incremental harvests (`since`) restrict ESearch to an entry-date (edat) window. Known limit:
    an old record that PubMed revises later keeps its entry date, so an edat window does not
    return it again and the stored copy is not refreshed; a full harvest (since=None) fetches only
    PMIDs the store lacks, so it does not refresh revised records either.
    """

    name = "pubmed"

    def __init__(self, client: HttpClient | None = None, *, api_key: str | None = None,
                 email: str | None = None, tool: str = "trialsynth", batch_size: int = 200,
                 base: str | None = None) -> None:
        self._api_key = api_key if api_key is not None else (os.environ.get("NCBI_API_KEY") or None)
        self.email = email if email is not None else (os.environ.get("NCBI_EMAIL") or None)
        self.tool = tool
        self.batch_size = checked_page_size(batch_size, MAX_BATCH)
        self.base = base_url("TRIALSYNTH_PUBMED_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/", base)
        # NCBI allows 3 requests/s without an API key and 10 with one.
        self.client = client or HttpClient(min_interval=0.1 if self._api_key else 0.34)
        self._search_limit = MAX_SEARCH_IDS

    def __repr__(self) -> str:
        key = "set" if self._api_key else "none"
        return f"PubMedSource(base={self.base!r}, tool={self.tool!r}, api_key={key}, batch_size={self.batch_size})"

    def _common(self) -> dict[str, str]:
        params = {"tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self._api_key:
            params["api_key"] = self._api_key
        return params

    # ESearch ---------------------------------------------------------------------------------

    def _search(self, query: str, window: tuple[dt.date, dt.date] | None, history: bool
                ) -> tuple[int, list[str], str | None, str | None]:
        params: dict[str, str] = {"db": "pubmed", "term": query, "retmax": str(self._search_limit),
                                  "retmode": "xml"}
        if history:
            params["usehistory"] = "y"
        if window is not None:
            params.update(datetype="edat", mindate=_eutils_date(window[0]), maxdate=_eutils_date(window[1]))
        params.update(self._common())
        return self.client.get(f"{self.base}esearch.fcgi", params=params, validate=_validate_esearch)

    def _search_windows(self, query: str, start: dt.date, end: dt.date) -> list[str]:
        """Collect the ids of `query` in [start, end], bisecting windows with too many hits."""
        ids: list[str] = []
        seen: set[str] = set()
        pending = [(start, end)]
        while pending:
            window = pending.pop()
            count, found, _, _ = self._search(query, window, history=False)
            if count > self._search_limit:
                try:
                    first, second = split_date_range(*window)
                except ValueError:
                    raise HarvestError(
                        f"PubMed has {count} hits entered on {window[0].isoformat()} alone, more than "
                        f"ESearch can list ({self._search_limit}). Narrow the query.") from None
                pending += [second, first]  # first half is popped next: chronological order
                continue
            for pmid in found:
                if pmid not in seen:
                    seen.add(pmid)
                    ids.append(pmid)
        return ids

    # harvest ---------------------------------------------------------------------------------

    def harvest(self, query: str, since: str | None, known: Known) -> Iterator[Batch]:
        """Search `query` (entered on/after `since`, ISO date) and yield Batches of new records.

        One ESearch request when nothing is new. Raises HarvestError (MalformedResponseError for
        bodies that stay malformed after retries) and InputError for a bad `since`.
        """
        start = since_date(since)
        window = (start, dt.date(3000, 12, 31)) if start is not None else None
        count, ids, webenv, query_key = self._search(query, window, history=True)
        windowed = count > self._search_limit
        if windowed:
            ids = self._search_windows(query, start or dt.date(1800, 1, 1), dt.date.today())
        new = [pmid for pmid in dict.fromkeys(ids) if pmid not in known.source_ids]
        if not new:
            return
        total = len(new)
        if not windowed and webenv and query_key and len(new) == count:
            for retstart in range(0, total, self.batch_size):
                params = {"db": "pubmed", "query_key": query_key, "WebEnv": webenv,
                          "retstart": str(retstart), "retmax": str(self.batch_size), "retmode": "xml"}
                params.update(self._common())
                hits = self.client.get(f"{self.base}efetch.fcgi", params=params, validate=_validate_efetch)
                yield Batch(hits=tuple(hits), total=total, skipped=tuple(hits.skipped))
            return
        for i in range(0, total, self.batch_size):
            data = {"db": "pubmed", "id": ",".join(new[i:i + self.batch_size]), "retmode": "xml"}
            data.update(self._common())
            hits = self.client.post(f"{self.base}efetch.fcgi", data=data, validate=_validate_efetch)
            yield Batch(hits=tuple(hits), total=total, skipped=tuple(hits.skipped))



def _validate_esearch(response: requests.Response) -> tuple[int, list[str], str | None, str | None]:
    return parse_esearch_xml(response.content)


def _validate_efetch(response: requests.Response) -> ParsedHits:
    return parse_pubmed_xml(response.content, skip_bad=True)
