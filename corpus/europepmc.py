"""Europe PMC through its REST API: cursor-paged searches parsed into Records, plus JATS full texts.

`parse_search_json` turns a `/search?format=json` body into one `Hit` per result (core or lite
results; core ones carry the abstract, MeSH terms and openness). Abstracts arrive as inline HTML
(`<h4>Design</h4>...`): headings become labelled `AbstractSection`s.
`EuropePmcSource.harvest` follows `nextCursorMark` and yields one `Batch` per page, with the
open-access JATS full texts of that page that the store does not hold yet.

Full-text XML is checked with a hardened lxml parser: no DTD loading, no entity expansion, no network.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Iterator

import lxml.html
import requests
from lxml import etree

from corpus.http import HttpClient, shorten
from corpus.jsontext import JsonTextError, dumps_raw, load_json, shown_json
from corpus.markup import SCRIPT_TAGS, element_text, script_text
from corpus.records import (AbstractSection, FullText, Hit, Ids, ParsedHits, Record, count_or_none, find_nct_ids,
                            normalise_doi, normalise_pmcid, normalise_pmid, text_or_none)
from corpus.source import Batch, Known, base_url, checked_page_size, since_date
from corpus.errors import HarvestError, MalformedResponseError

PARSER_VERSION = "europepmc-3"  # 2: volume, issue and pages; 3: <sup>/<sub> kept as ^ and _

#: Europe PMC serves at most 1000 results per page.
MAX_PAGE_SIZE = 1000

log = logging.getLogger("trialsynth.europepmc")

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # NBSP and U+2009 are content, not layout: kept
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BOLD = frozenset({"b", "strong"})
_BLOCKS = frozenset({"p", "div", "section", "br", "ul", "ol", "li"})
_MAX_LABEL = 80  # a bold run longer than this at the start of a block is text, not a heading


def _collapse(text: str) -> str:
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def _fragment(html: str) -> Any:
    """Parse an HTML fragment into a <div> (text with stray '<' is kept as text by libxml2)."""
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        div = lxml.html.Element("div")
        div.text = html
        return div


def html_text(html: str | None) -> str:
    """Return the text of an HTML fragment by `corpus.markup`'s rule (`10<sup>7</sup>` -> `10^7`, other
    tags dropped, entities decoded, whitespace collapsed)."""
    if not html or not str(html).strip():
        return ""
    return element_text(_fragment(str(html)))


def parse_abstract_html(html: str | None) -> tuple[AbstractSection, ...]:
    """Split Europe PMC's inline-HTML abstract into sections.

    `<h1>`..`<h6>` elements, and `<b>`/`<strong>` runs at the start of a block, become section
    labels (a trailing ':' dropped); the text up to the next label is that section's text. An
    abstract without headings gives one section with an empty label; an empty one gives ().
    """
    if not html or not str(html).strip():
        return ()
    root = _fragment(str(html))
    sections: list[AbstractSection] = []
    label = ""
    parts: list[str] = []
    block_start = 0  # index in `parts` where the current block (<p>, after a heading) began

    def flush() -> None:
        nonlocal block_start
        text = _collapse("".join(parts))
        if text:
            sections.append(AbstractSection(label, text))
        parts.clear()
        block_start = 0

    def at_block_start() -> bool:
        return not _collapse("".join(parts[block_start:]))

    def walk(node: Any) -> None:
        nonlocal label, block_start
        if node.text:
            parts.append(node.text)
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            heading_text = element_text(child) if tag in _HEADINGS | _BOLD else ""
            if tag in SCRIPT_TAGS:
                parts.append(script_text(tag, element_text(child, collapse_space=False)))
            elif tag in _HEADINGS or (tag in _BOLD and at_block_start() and 0 < len(heading_text) <= _MAX_LABEL):
                if tag in _HEADINGS or heading_text:
                    flush()
                    label = heading_text.rstrip(":").strip()
            elif tag in _BLOCKS:
                parts.append(" ")
                block_start = len(parts)
                walk(child)
                parts.append(" ")
                block_start = len(parts)
            elif tag:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(root)
    flush()
    return tuple(sections)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(values: Any) -> tuple[str, ...]:
    out = []
    for value in _as_list(values):
        text = _collapse(str(value)) if value is not None else ""
        if text:
            out.append(text)
    return tuple(out)


def _authors(result: dict) -> tuple[str, ...]:
    authors: list[str] = []
    for author in _as_list((result.get("authorList") or {}).get("author")):
        if not isinstance(author, dict):
            continue
        last, initials = _collapse(author.get("lastName") or ""), _collapse(author.get("initials") or "")
        name = (f"{last} {initials}".strip() if last else "") or _collapse(author.get("fullName") or "") \
            or _collapse(author.get("collectiveName") or "")
        if name:
            authors.append(name)
    if not authors and result.get("authorString"):
        authors = [a for a in (_collapse(x).rstrip(".") for x in str(result["authorString"]).split(", ")) if a]
    return tuple(authors)


def _journal(result: dict) -> str | None:
    journal = ((result.get("journalInfo") or {}).get("journal") or {})
    for value in (journal.get("isoabbreviation"), journal.get("medlineAbbreviation"), journal.get("title"),
                  result.get("journalTitle")):
        if value and _collapse(str(value)):
            return _collapse(str(value))
    return None


def _year(result: dict) -> int | None:
    for value in (result.get("pubYear"), (result.get("journalInfo") or {}).get("yearOfPublication")):
        text = str(value).strip() if value is not None else ""
        if text[:4].isdigit():
            return int(text[:4])
    return None


def _publication_types(result: dict) -> tuple[str, ...]:
    listed = (result.get("pubTypeList") or {}).get("pubType")
    if listed:
        return _strings(listed)
    flat = result.get("pubType")  # lite results: "journal article; research-article"
    if isinstance(flat, str):
        return _strings([p for p in flat.split(";")])
    return _strings(flat)


def parse_result(result: dict) -> Record:
    """Build a Record from one Europe PMC search result object (core or lite).

    Raises MalformedResponseError when the result lacks `id` or `source`.
    """
    if not isinstance(result, dict) or not result.get("id") or not result.get("source"):
        raise MalformedResponseError(
            f"Europe PMC result without 'id' and 'source': {shown_json(result)}")
    title = html_text(result.get("title"))
    sections = parse_abstract_html(result.get("abstractText"))
    abstract = "\n".join(f"{s.label}\n{s.text}" if s.label else s.text for s in sections)
    ids = Ids(pmid=normalise_pmid(result.get("pmid")), doi=normalise_doi(result.get("doi")),
              pmcid=normalise_pmcid(result.get("pmcid")), nct=find_nct_ids(f"{title}\n{abstract}"))
    mesh = [h.get("descriptorName") for h in _as_list((result.get("meshHeadingList") or {}).get("meshHeading"))
            if isinstance(h, dict)]
    return Record(
        source="europepmc",
        source_id=f"{result['source']}:{result['id']}",
        title=title,
        abstract=abstract,
        abstract_sections=sections,
        authors=_authors(result),
        journal=_journal(result),
        year=_year(result),
        pub_date=text_or_none(result.get("firstPublicationDate")),
        volume=text_or_none((result.get("journalInfo") or {}).get("volume")),
        issue=text_or_none((result.get("journalInfo") or {}).get("issue")),
        pages=text_or_none(result.get("pageInfo")),
        ids=ids,
        publication_types=_publication_types(result),
        mesh_terms=_strings(mesh),
        keywords=_strings((result.get("keywordList") or {}).get("keyword")),
        language=text_or_none(result.get("language")),
        entry_date=text_or_none(result.get("firstIndexDate")),
        is_open_access=result.get("isOpenAccess") == "Y",
        registry={},
    )


def _hit(result: dict) -> Hit:
    try:
        raw = dumps_raw(result)
    except JsonTextError as exc:
        raise MalformedResponseError(f"Europe PMC result {shorten(str(result.get('id')))}: {exc}") from exc
    return Hit(record=parse_result(result), raw=raw, raw_format="europepmc-json")


def _load_json(data: bytes | str, what: str) -> Any:
    try:
        return load_json(data)
    except JsonTextError as exc:
        raise MalformedResponseError(f"{what} is not valid JSON (truncated?): {shorten(str(exc))}") from exc


def parse_search_json(data: bytes | str, *, skip_bad: bool = False) -> tuple[ParsedHits, str | None, int | None]:
    """Parse a Europe PMC `/search?format=json` body into (hits, nextCursorMark, hitCount).

    Raises MalformedResponseError for invalid JSON and for a body without `resultList` (an API
    error body such as `{"errCode": 500, "errMsg": "..."}`, whose message is quoted), and for a
    result that cannot be read unless `skip_bad` (then it is named in the hits' `skipped`).
    """
    body = _load_json(data, "Europe PMC search response")
    if not isinstance(body, dict) or not isinstance(body.get("resultList"), dict):
        if isinstance(body, dict) and (body.get("errMsg") or body.get("errCode")):
            raise MalformedResponseError(
                f"Europe PMC returned an error: {body.get('errCode')} {shorten(str(body.get('errMsg') or ''))}".rstrip())
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        raise MalformedResponseError(f"Europe PMC search response has no 'resultList': {shorten(text)}")
    results = _as_list(body["resultList"].get("result"))
    hits = ParsedHits()
    for result in results:
        hits.add(lambda: _hit(result), skip_bad)
    cursor = body.get("nextCursorMark") or None
    return hits, (str(cursor) if cursor is not None else None), count_or_none(body.get("hitCount"))


def parse_europepmc_json(data: bytes | str) -> list[Hit]:
    """Return the hits of a Europe PMC search JSON body (offline import). Raises MalformedResponseError."""
    return parse_search_json(data)[0]


def _xml_parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers must not be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def check_fulltext_xml(data: bytes) -> None:
    """Check that `data` is a JATS `<article>`; raise MalformedResponseError otherwise."""
    try:
        root = etree.fromstring(data, _xml_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MalformedResponseError(f"Europe PMC full text is malformed: {shorten(str(exc))}") from exc
    tag = etree.QName(root).localname if isinstance(root.tag, str) else str(root.tag)
    if tag != "article":
        raise MalformedResponseError(f"Europe PMC full text has root <{tag}>, expected <article>")


# --- the source ----------------------------------------------------------------------------

class EuropePmcSource:
    """Europe PMC REST search (cursorMark paging) with open-access JATS full texts.

    Incremental harvests (`since`) restrict the query to FIRST_IDATE (first index date) on or after
    `since`. Full texts that cannot be fetched (no XML for that article, persistent errors) are
    logged and skipped; a later harvest tries them again.
    """

    name = "europepmc"

    def __init__(self, client: HttpClient | None = None, *, page_size: int = 1000, fetch_fulltext: bool = True,
                 base: str | None = None) -> None:
        self.page_size = checked_page_size(page_size, MAX_PAGE_SIZE)
        self.fetch_fulltext = fetch_fulltext
        self.base = base_url("TRIALSYNTH_EUROPEPMC_URL", "https://www.ebi.ac.uk/europepmc/webservices/rest/", base)
        self.client = client or HttpClient(min_interval=0.1)

    def __repr__(self) -> str:
        return f"EuropePmcSource(base={self.base!r}, page_size={self.page_size}, fetch_fulltext={self.fetch_fulltext})"

    def harvest(self, query: str, since: str | None, known: Known) -> Iterator[Batch]:
        """Search `query` (first indexed on/after `since`, ISO date) and yield one Batch per page.

        One request when nothing matches. Raises HarvestError (MalformedResponseError for search
        bodies that stay malformed after retries) and InputError for a bad `since`.
        """
        full_query = query
        start = since_date(since)
        if start is not None:
            full_query = f"({query}) AND (FIRST_IDATE:[{start.isoformat()} TO 3000-12-31])"
        cursor = "*"
        received = 0
        while True:
            params = {"query": full_query, "format": "json", "resultType": "core",
                      "pageSize": str(self.page_size), "cursorMark": cursor}
            hits, next_cursor, total = self.client.get(f"{self.base}search", params=params, validate=_validate_search)
            if not hits and not hits.skipped:
                return
            fulltexts = self._fulltexts(hits, known) if self.fetch_fulltext else []
            yield Batch(hits=tuple(hits), fulltexts=tuple(fulltexts), total=total, skipped=tuple(hits.skipped))
            received += len(hits)
            # A full last page still carries a cursor; the count says no further request is needed.
            if not next_cursor or next_cursor == cursor or (total is not None and received >= total):
                return
            cursor = next_cursor

    def _fulltexts(self, hits: list[Hit], known: Known) -> list[FullText]:
        out: list[FullText] = []
        seen: set[str] = set()
        for hit in hits:
            pmcid = hit.record.ids.pmcid
            if not hit.record.is_open_access or not pmcid or pmcid in seen or known.has_fulltext(pmcid):
                continue
            seen.add(pmcid)
            try:
                xml = self.client.get(f"{self.base}{pmcid}/fullTextXML", validate=_validate_fulltext)
            except HarvestError as exc:
                if exc.status in (404, 410):
                    # Definitive: Europe PMC has no XML for it. Remember that, so later harvests
                    # do not ask again (an empty FullText is the store's "unavailable" marker).
                    log.warning("no full text XML for %s (HTTP %s); recorded as unavailable", pmcid, exc.status)
                    out.append(FullText(pmcid=pmcid, xml="", source="europepmc"))
                else:
                    log.warning("full text of %s skipped (it will be tried on the next harvest): %s", pmcid, exc)
                continue
            out.append(FullText(pmcid=pmcid, xml=xml, source="europepmc"))
        return out



def _validate_search(response: requests.Response) -> tuple[ParsedHits, str | None, int | None]:
    return parse_search_json(response.content, skip_bad=True)


def _validate_fulltext(response: requests.Response) -> str:
    check_fulltext_xml(response.content)
    # Europe PMC sends UTF-8; a charset given explicitly in Content-Type wins.
    charset = requests.utils.get_encoding_from_headers(response.headers) \
        if "charset" in response.headers.get("Content-Type", "").lower() else None
    try:
        return response.content.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise MalformedResponseError(f"Europe PMC full text is not {charset or 'utf-8'} text: {exc}") from exc
