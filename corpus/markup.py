"""Inline markup in titles and abstracts, kept as text that still means what it meant.

Sources mark up their titles and abstracts: PubMed's `ArticleTitle`/`AbstractText` (XML
elements), Europe PMC's `title`/`abstractText` (HTML fragments with entities), and now and then
the plain-text fields of ClinicalTrials.gov and RIS exports (`10<sup>7</sup>`, `&beta;`). Dropping
the tags turns `2 × 10<sup>7</sup>` into "2 × 107", a number a hundred thousand times too small.
The rule, the same for every source (the raw payload is never changed; this is the parsed text):

- `<sup>X</sup>` and `<sub>X</sub>`:
  - X made only of signs (`+`, `-`, `−`, `±`, also `+/+`, `++`) is written as it is:
    `CD4<sup>+</sup>` -> `CD4+`, `CD34<sup>−</sup>` -> `CD34−`;
  - X a single run of letters, digits and dots, with an optional leading sign and an optional
    trailing sign, gets `^` (superscript) or `_` (subscript): `10<sup>7</sup>` -> `10^7`,
    `10<sup>−7</sup>` -> `10^−7`, `Ca<sup>2+</sup>` -> `Ca^2+`, `x<sub>i</sub>` -> `x_i`,
    `CO<sub>2</sub>` -> `CO_2`, `IC<sub>50</sub>` -> `IC_50`;
  - anything else is bracketed: `<sup>1,2</sup>` -> `^(1,2)`, `t<sub>1/2</sub>` -> `t_(1/2)`;
  - an empty one is dropped.
- Other inline markup (`<i>`, `<b>`, `<em>`, `<strong>`, `<u>`, `<sc>`, `<span>`, ...) is dropped
  and its text kept: `IL-1<i>β</i>` -> `IL-1β`; block markup (`<p>`, `<br>`, `<div>`, `<li>`) is a
  space.
- Character references are decoded (`&beta;` -> `β`, `&#946;` -> `β`, `&lt;` -> `<`).
- ASCII whitespace runs collapse to one space; no-break and thin spaces are content and stay.

Plain-text sources (RIS, ClinicalTrials.gov) are not HTML: "p<0.05" or "a<b and c>d" is text.
`plain_text` therefore reads only the tags listed above, written as tags (`<sup>`, `</sup>`,
`<span class="x">`), and only entities that end in ';'; any other '<' stays as it is. HTML
fragments (Europe PMC) are parsed by lxml.html and read with `element_text`.
"""
from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["script_text", "element_text", "plain_text", "collapse"]

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_SIGNS_ONLY = re.compile(r"[+\-−±]+(?:/[+\-−±]+)?")
_BARE = re.compile(r"[+\-−]?(?:[^\W_]|\.)+[+\-−]?")

#: Tags whose text stays inline (the tag itself is dropped).
INLINE_TAGS = frozenset({"i", "b", "em", "strong", "u", "sc", "span", "small", "big", "font", "a", "inf",
                         "italic", "bold", "underline", "tt", "var", "cite", "abbr", "mark", "ins"})
#: Tags that separate text like a line break.
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "ul", "ol", "section", "tr", "td", "th", "table", "hr",
                        "h1", "h2", "h3", "h4", "h5", "h6", "title", "blockquote"})
SCRIPT_TAGS = {"sup": "^", "sub": "_", "superscript": "^", "subscript": "_"}


def collapse(text: str) -> str:
    """ASCII whitespace runs as one space, stripped (no-break and thin spaces are kept)."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def script_text(tag: str, inner: str) -> str:
    """The text of one `<sup>`/`<sub>` element by the module's rule (`10^7`, `CD4+`, `x_i`, `^(1,2)`)."""
    inner = collapse(inner)
    if not inner:
        return ""
    if _SIGNS_ONLY.fullmatch(inner):
        return inner
    mark = SCRIPT_TAGS.get(tag.lower(), "^")
    return f"{mark}{inner}" if _BARE.fullmatch(inner) else f"{mark}({inner})"


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""  # comments, processing instructions, entity references
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()


def element_text(el: Any, *, collapse_space: bool = True) -> str:
    """The text of an lxml element (XML or HTML) and its children, by the module's rule.

    Comments, processing instructions and unexpanded entity references are left out.
    """
    if el is None:
        return ""
    parts: list[str] = []
    _walk(el, parts)
    text = "".join(parts)
    return collapse(text) if collapse_space else text


def _walk(node: Any, parts: list[str]) -> None:
    if node.text:
        parts.append(node.text)
    for child in node:
        tag = _local(child.tag)
        if tag in SCRIPT_TAGS:
            inner: list[str] = []
            _walk(child, inner)
            parts.append(script_text(tag, "".join(inner)))
        elif tag in BLOCK_TAGS:
            parts.append(" ")
            _walk(child, parts)
            parts.append(" ")
        elif tag:
            _walk(child, parts)
        if child.tail:
            parts.append(child.tail)


_TAG_NAMES = "|".join(sorted(INLINE_TAGS | BLOCK_TAGS | {"sup", "sub"}, key=len, reverse=True))
#: Attributes of a tag in plain text must have values (`class="x"`): "<b and c>" is not a tag.
_ATTRS = r"""(?:\s+[A-Za-z_:][\w:.-]*\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>=`]+))*\s*"""
_PLAIN = re.compile(
    rf"(?P<script><(?P<kind>sup|sub){_ATTRS}>(?P<inner>.*?)</(?P=kind)\s*>)"
    rf"|(?P<tag></?(?P<name>{_TAG_NAMES}){_ATTRS}/?>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)",
    re.IGNORECASE | re.DOTALL)


def _plain_piece(match: re.Match) -> str:
    if match.group("script"):
        return script_text(match.group("kind"), _PLAIN.sub(_plain_piece, match.group("inner")))
    if match.group("tag"):
        return " " if match.group("name").lower() in BLOCK_TAGS else ""
    return html.unescape(match.group("entity"))


def plain_text(text: str | None) -> str:
    """A plain-text field (RIS, ClinicalTrials.gov) with the module's markup rule applied, whitespace collapsed."""
    if not text:
        return ""
    if "<" in text or "&" in text:
        text = _PLAIN.sub(_plain_piece, text)
    return collapse(text)
