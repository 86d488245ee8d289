"""An article cut into passages: the sentences of its abstract and body sections, and the rows of
its tables, each with the location and offsets the evidence records cite.

`article_passages(title, abstract, article)` returns them in reading order. A sentence's
`location` is "abstract", "title" or "section:<path>" (`extract.jats.Section.path`) and its
`start`/`end` are offsets into that location's text; a table row's location is
"table:<label> r<row>" (grid row, header rows counted, as in `extract.tables.Table.grid`) and its
text is the row's distinct cell texts joined by "\\n", the way annotators copy a row.

The sentence splitter is a rule, not a model: a sentence ends at ". ! ?" followed by white space
and a character that is not a lower-case letter, unless the word before the stop is an
abbreviation ("vs.", "et al.", "Fig.", "e.g.", a single initial: a letter standing alone, not the end of a
unit or a code such as "mmol/L." or "CES-D."); a paragraph break always ends one.
It is fast enough to cut every sentence of a full text (the comparisons and the prompts need the
discussion and the abstract too, not only the results sections).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from extract.jats import Article
    from extract.tables import Table

__all__ = ["Passage", "article_passages", "section_kind", "split_sentences"]

# Word before a full stop that does not end a sentence.
_ABBREVIATIONS = frozenset("""vs v al e.g eg i.e ie fig figs no nos approx ca cf resp ref refs eq eqs dr mr mrs ms
st wk wks yr yrs mo mos jr sr inc ltd viz suppl sec tab tabs vol pp incl nr etc.al""".split())
_STOP = re.compile(r"[.!?][\"'”’)\]]*(?=\s+[^\sa-z])")
_WORD_BEFORE = re.compile(r"([\w.]+)$")  # the plain form of _word_before (tests/extract/test_speed_paths.py)
_SPACE = re.compile(r"\s+")
MAX_SENTENCE_CHARS = 1500  # a longer "sentence" is a list or a lost stop: cut at "; "

# Section titles -> what kind of text they hold.
_SECTION_KINDS = (
    ("results", re.compile(r"\bresults?\b|\bfindings\b|\befficacy\b|\bsafety\b|\badverse\b", re.I)),
    ("discussion", re.compile(r"\bdiscussion\b|\binterpretation\b|\blimitations?\b|\bcomment\b", re.I)),
    ("conclusion", re.compile(r"\bconclusions?\b|\bsummary\b", re.I)),
    ("methods", re.compile(r"\bmethods?\b|\bmaterials?\b|\bdesign\b|\bpatients\b|\bparticipants\b|\bstatistic|"
                           r"\bprocedures?\b|\bintervention\b|\brandomi[sz]ation\b|\bsetting\b|\bsubjects\b", re.I)),
    ("introduction", re.compile(r"\bintroduction\b|\bbackground\b|\brationale\b", re.I)),
)


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence or table row of an article.

    `section` is the kind of text it sits in: "title", "abstract", "results", "discussion",
    "conclusion", "methods", "introduction", "other" or "table". `abstract_part` is the heading of
    a structured abstract's paragraph ("results", "conclusion", ...; "" otherwise). For a table row,
    `cells` are the row's cell texts by grid column and `columns` the column labels
    (`Table.column_labels`); `context` is the caption and the nearest full-width section row above.
    """

    index: int
    kind: str  # "sentence" | "row"
    location: str
    text: str
    start: int | None
    end: int | None
    section: str
    abstract_part: str = ""
    cells: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    context: str = ""


def section_kind(path: str) -> str:
    """The kind of a body section from its path ("Results > Efficacy" -> "results"): the outermost
    title that names a kind decides ("Methods > Outcome measures" is methods)."""
    for part in path.split(" > "):
        for kind, pattern in _SECTION_KINDS:
            if pattern.search(part):
                return kind
    return "other"


def _word_before(chunk: str, end: int) -> str:
    """The run of word characters and "." that ends at `end`: what `_WORD_BEFORE.search(chunk, 0,
    end)` finds ("" where it finds nothing) in a `chunk` without line breaks (a paragraph; `$` also
    matches before a final "\\n"). The pattern is tried at every position from 0, so on a long
    paragraph it cost a scan per full stop; this walks back from `end`. `\\w` is what
    `str.isalnum()` or "_" accepts (checked over all of Unicode in the test)."""
    i = end
    while i > 0:
        ch = chunk[i - 1]
        if not (ch.isalnum() or ch == "_" or ch == "."):
            break
        i -= 1
    return chunk[i:end]


_LINE = re.compile(r"[^\n]+")


def _starts_a_word(chunk: str, i: int) -> bool:
    """Whether the letter at `i` stands alone as an initial ("J. Smith", "(P. Milligan", "[F. Hoffmann"),
    not as the end of a unit or a code ("mmol/L.", "20 °C.", "CES-D.": those stops end sentences)."""
    return i == 0 or chunk[i - 1].isspace() or chunk[i - 1] in "([\"'“‘"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) offsets of the sentences of `text` (stripped, non-empty), in order."""
    spans: list[tuple[int, int]] = []
    for para in _LINE.finditer(text):
        base, chunk = para.start(), para.group()
        start = 0
        for m in _STOP.finditer(chunk):
            word = _word_before(chunk, m.start()).lower().rstrip(".")
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha() and _starts_a_word(chunk, m.start() - 1)):
                continue
            spans.append((base + start, base + m.end()))
            start = m.end()
        spans.append((base + start, base + len(chunk)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s > MAX_SENTENCE_CHARS:
            out += _cut_long(text, s, e)
        elif e > s:
            out.append((s, e))
    return out


_SEMICOLON_BREAK = re.compile(r";\s+")


def _cut_long(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, start = [], s
    for m in _SEMICOLON_BREAK.finditer(text[s:e]):
        if s + m.start() - start > 200:
            out.append((start, s + m.start() + 1))
            start = s + m.end()
    out.append((start, e))
    return out


_ABSTRACT_HEADING = re.compile(r"^\s*([A-Z][A-Za-z /&]{2,40}):")


def _abstract_part(paragraph: str) -> str:
    m = _ABSTRACT_HEADING.match(paragraph)
    if not m:
        return ""
    heading = m.group(1).lower()
    for kind, pattern in _SECTION_KINDS:
        if pattern.search(heading):
            return kind
    return "other"


def _sentences(text: str, location: str, section: str, start_index: int, by_paragraph: bool
               ) -> list[Passage]:
    out: list[Passage] = []
    part = ""
    para_starts = {m.start(): m.group() for m in _LINE.finditer(text)} if by_paragraph else {}
    for s, e in split_sentences(text):
        if s in para_starts:
            part = _abstract_part(para_starts[s])
        out.append(Passage(start_index + len(out), "sentence", location, text[s:e], s, e, section, part))
    return out


def _is_section_row(cells: tuple[str, ...]) -> bool:
    filled = {c for c in cells if c}
    return len(filled) == 1 and bool(cells[0])


def table_passages(table: Table, start_index: int) -> list[Passage]:
    """One passage per body row of `table` that holds more than a label."""
    out: list[Passage] = []
    columns = table.column_labels
    heading = ""
    for r in range(table.n_header_rows, table.n_rows):
        cells = tuple(c.text for c in table.grid[r])
        if _is_section_row(cells):
            heading = cells[0]
            continue
        distinct: list[str] = []
        for c in cells:
            if c and (not distinct or distinct[-1] != c):
                distinct.append(c)
        if len(distinct) < 2:
            continue
        text = "\n".join(distinct)
        context = " ".join(x for x in (table.label, table.caption, heading) if x)
        out.append(Passage(start_index + len(out), "row", f"table:{table.label} r{r}", text, None, None,
                           "table", "", cells, columns, context))
    return out


def article_passages(title: str, abstract: str, article: Article | None,
                     kinds: frozenset[str] | None = None) -> list[Passage]:
    """Every passage of a record: title, abstract sentences, body sentences, table rows; with
    `kinds`, only the passages whose `section` is one of them ("abstract", "results", "table", ...)."""
    out: list[Passage] = []
    if title.strip() and (kinds is None or "title" in kinds):
        out.append(Passage(0, "sentence", "title", title.strip(), 0, len(title.strip()), "title"))
    if kinds is None or "abstract" in kinds:
        out += _sentences(abstract, "abstract", "abstract", len(out), True)
    if article is None:
        return out
    for sec in article.sections:
        kind = section_kind(sec.path)
        if kinds is None or kind in kinds:
            out += _sentences(sec.text, f"section:{sec.path}", kind, len(out), False)
    if kinds is None or "table" in kinds:
        for table in article.tables:
            if table.grid:
                out += table_passages(table, len(out))
    return out
