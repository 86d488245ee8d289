"""Open-access JATS full texts (PMC `.nxml`, Europe PMC `fullTextXML`) read into an `Article`.

`parse_jats(xml)` parses with a hardened lxml parser: no DTD is loaded or fetched (the files carry a
`<!DOCTYPE article ...>` line), no entity is expanded and no network is used. The body's sections
are concatenated into one `body_text` string; each `Section` records the `[start, end)` slice of
it that holds its own paragraphs, so every sentence found later keeps its character offsets.
Tables are parsed by `extract.tables`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from extract.tables import Table, local_name, normalise_space, parse_table_wrap
from extract.errors import ExtractionError

__all__ = ["Article", "Section", "parse_jats"]

# Elements whose text is not running prose of the paragraph that holds them.
_SKIP_IN_TEXT = frozenset({"table-wrap", "fig", "table-wrap-group", "fig-group", "supplementary-material"})
_PARAGRAPH_SEP = "\n\n"


@dataclass(frozen=True)
class Section:
    """A body section: `path` joins the titles of its ancestors ("Results > Efficacy").

    `text` is the section's own paragraphs (not those of its subsections), equal to
    `article.body_text[start:end]`.
    """

    title: str
    path: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """A parsed JATS article: metadata, abstract, body text with sections, and tables."""

    title: str
    abstract: str
    body_text: str
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]
    pmcid: str | None = None
    pmid: str | None = None
    doi: str | None = None

    def section(self, path_or_title: str) -> Section | None:
        """The first section whose path or title equals the argument (case-insensitive), or None."""
        key = path_or_title.strip().lower()
        for sec in self.sections:
            if sec.path.lower() == key or sec.title.lower() == key:
                return sec
        return None

    def table(self, label: str) -> Table | None:
        """The table with this label ("Table 2"), or None."""
        for table in self.tables:
            if table.label.lower() == label.strip().lower():
                return table
        return None


def _parser() -> etree.XMLParser:
    # Hardened: no entity expansion (billion laughs, external entities), no DTD, no network.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_jats(xml: str | bytes) -> Article:
    """Parse a JATS article. Returns an `Article`; raises `ExtractionError` naming what failed."""
    if isinstance(xml, str):
        # lxml refuses str input with an encoding declaration; the str is already decoded.
        data = _XML_DECL.sub("", xml, count=1).encode("utf-8")
    elif isinstance(xml, (bytes, bytearray)):
        data = bytes(xml)
    else:
        raise ExtractionError(
            f"JATS input must be str or bytes; got {type(xml).__name__}. Pass the XML text."
        )
    if not data.strip():
        raise ExtractionError("JATS input is empty; expected an <article> document.")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ExtractionError(
            f"JATS XML is not well-formed (line {exc.lineno}): {exc.msg}. "
            "Fetch the full text again or fix the file."
        ) from exc
    if local_name(root.tag) != "article":
        raise ExtractionError(
            f"JATS root element must be <article>; got <{local_name(root.tag) or root.tag}>. "
            "Pass a JATS full-text document."
        )

    meta = _first(root, "article-meta")
    title = ""
    if meta is not None:
        title_el = _first(meta, "article-title")
        title = normalise_space(_text(title_el)) if title_el is not None else ""
    abstract = _abstract(meta) if meta is not None else ""
    ids = {}
    if meta is not None:
        for el in meta:
            if local_name(el.tag) == "article-id":
                ids[el.get("pub-id-type", "")] = normalise_space(_text(el))
    pmcid = ids.get("pmc") or ids.get("pmcid")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = "PMC" + pmcid

    body = _first(root, "body")
    chunks: list[str] = []
    sections: list[Section] = []
    if body is not None:
        _collect_sections(body, (), chunks, sections, _Offset())
    body_text = "".join(chunks)

    tables = tuple(parse_table_wrap(el) for el in root.iter() if local_name(el.tag) == "table-wrap")
    return Article(
        title=title,
        abstract=abstract,
        body_text=body_text,
        sections=tuple(sections),
        tables=tables,
        pmcid=pmcid,
        pmid=ids.get("pmid"),
        doi=ids.get("doi"),
    )


class _Offset:
    def __init__(self) -> None:
        self.pos = 0


def _collect_sections(
    node: etree._Element,
    titles: tuple[str, ...],
    chunks: list[str],
    sections: list[Section],
    offset: _Offset,
) -> None:
    """Append the node's own paragraphs as one Section, then recurse into its <sec> children."""
    own = ""
    title_el = next((c for c in node if local_name(c.tag) == "title"), None)
    title = normalise_space(_text(title_el)) if title_el is not None else ""
    path_titles = titles + ((title,) if title else ())
    paragraphs = [
        normalise_space(_text(c))
        for c in node
        if local_name(c.tag) in ("p", "list", "disp-quote", "statement", "boxed-text")
    ]
    own = _PARAGRAPH_SEP.join(p for p in paragraphs if p)
    if own:
        if chunks:
            chunks.append(_PARAGRAPH_SEP)
            offset.pos += len(_PARAGRAPH_SEP)
        start = offset.pos
        chunks.append(own)
        offset.pos += len(own)
        sections.append(Section(title, " > ".join(path_titles), own, start, offset.pos))
    for child in node:
        if local_name(child.tag) == "sec":
            _collect_sections(child, path_titles, chunks, sections, offset)


def _abstract(meta: etree._Element) -> str:
    """Abstract text; structured abstracts become "Background: ... \\n\\nMethods: ..."."""
    abstracts = [a for a in meta if local_name(a.tag) == "abstract"]
    # Prefer the main abstract over graphical/teaser ones.
    main = next((a for a in abstracts if not a.get("abstract-type")), abstracts[0] if abstracts else None)
    if main is None:
        return ""
    secs = [c for c in main if local_name(c.tag) == "sec"]
    if not secs:
        return _PARAGRAPH_SEP.join(
            normalise_space(_text(p)) for p in main if local_name(p.tag) == "p" and _text(p).strip()
        )
    parts = []
    for sec in secs:
        title_el = next((c for c in sec if local_name(c.tag) == "title"), None)
        title = normalise_space(_text(title_el)) if title_el is not None else ""
        text = " ".join(normalise_space(_text(p)) for p in sec if local_name(p.tag) == "p")
        parts.append(f"{title}: {text}" if title else text)
    return _PARAGRAPH_SEP.join(p for p in parts if p.strip())




def _first(root: etree._Element, name: str) -> etree._Element | None:
    return next((el for el in root.iter() if local_name(el.tag) == name), None)


def _text(el: etree._Element | None) -> str:
    """Text of an element and its descendants, skipping tables/figures, comments and entities."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            # Comments, processing instructions and unexpanded entity references have no str tag.
            if isinstance(child.tag, str) and local_name(child.tag) not in _SKIP_IN_TEXT:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return "".join(parts)
