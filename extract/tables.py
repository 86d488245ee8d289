"""JATS results tables: a `<table-wrap>` read into a rectangular grid of cells.

`parse_table_wrap(element)` turns a JATS `<table-wrap>` into a `Table` whose `rowspan`/`colspan`
are expanded into a rectangular grid of `Cell`s: every position of the grid holds the cell that
covers it (a spanned cell fills every slot it covers, the copies marked `is_span_copy`), and
every cell keeps the index of the `<tr>` and of the `<td>`/`<th>` it came from.

Header rows are the `<thead>` rows; a table without `<thead>` keeps its header rows in `<tbody>`,
so leading rows made only of `<th>`, and leading body rows that hold labels over the data
columns and no statistic (with statistics below), count as header rows too.

What the grid means (the header tree, the stub columns, section rows and the role of every
label) is `extract.table_model.table_layout(table)`; reading every data cell through it into
labelled values is `extract.table_rows.read_table(layout)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from lxml import etree

from extract.table_cells import normalise_space, parse_cell

__all__ = ["Cell", "Table", "header_parts", "local_name", "normalise_space", "parse_cell", "parse_table_wrap"]

_INDENT_CHARS = " \u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\t"
_N_IN_HEADER = re.compile(r"\b[nN]\s*=\s*\d+")
# Numeric superscripts (10<sup>6</sup>, m<sup>2</sup>) are part of the text; others are markers.
_NUMERIC_SUP = re.compile(r"[-\u2212\u2013]?\d+(?:\.\d+)?")
# a numeric superscript is a power after "10", "e" or a unit ("× 10<sup>6</sup>", "kg/m<sup>2</sup>", "s<sup>−1</sup>");
# after anything else ("Group A<sup>1</sup>", "12.5<sup>2</sup>") it is a footnote marker
_POWER_BEFORE = re.compile(r"(?:10|\^|χ|Χ|(?<![A-Za-z])(?:m|cm|mm|µm|μm|nm|km|dm|l|L|dl|ml|s|h|min|kg|g|mol|ft|in|m/s|U|R|r|I|x))"
                           r"\s*$")
_PART_OF_TEXT = re.compile(r"\d*[+\-\u2212]|[+\-\u2212]\d*")  # ions and cell markers: Ca<sup>2+</sup>, CD4<sup>+</sup>
_MAX_SPAN = 1000


@dataclass(frozen=True)
class Cell:
    """One position of the rectangular grid.

    `row` is the index of the `<tr>` (header rows first, 0-based) and `col` the grid column after
    `colspan` expansion; `source_row`/`source_col` name the `<tr>` and the position of the
    `<td>`/`<th>` within it that the text comes from (they differ from `row`/`col` for positions
    covered by a `rowspan`/`colspan`; `is_span_copy` is then True). `text` is the verbatim text
    (tags dropped, `<break/>` read as a space, Unicode spaces collapsed); `label` is the same
    text without its non-numeric superscripts (footnote markers: "PAS<sup>a</sup> score" reads
    "PAS score"), and `markers` are those superscripts. `indent` counts the white-space
    characters the raw text starts with (JATS tables indent sub-rows with U+2003 or spaces;
    `indented` is `indent > 0`); `bold` is True when all of the text is in `<bold>`; `colspan`
    and `rowspan` are the spans of the source cell.
    """

    text: str
    row: int
    col: int
    is_header: bool
    source_row: int
    source_col: int
    markers: tuple[str, ...] = ()
    is_span_copy: bool = False
    indented: bool = False
    label: str = ""
    indent: int = 0
    bold: bool = False
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    """A parsed `<table-wrap>`: label, caption, footnotes and the expanded grid."""

    label: str
    caption: str
    footnotes: tuple[str, ...]
    grid: tuple[tuple[Cell, ...], ...]
    n_header_rows: int
    id: str = ""

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return len(self.grid[0]) if self.grid else 0

    @property
    def header_rows(self) -> tuple[tuple[Cell, ...], ...]:
        return self.grid[: self.n_header_rows]

    @property
    def body_rows(self) -> tuple[tuple[Cell, ...], ...]:
        return self.grid[self.n_header_rows :]

    def cell(self, row: int, col: int) -> Cell:
        """The cell at grid position (row, col); raises IndexError outside the grid."""
        return self.grid[row][col]

    @property
    def column_labels(self) -> tuple[str, ...]:
        """Header texts of each column, top to bottom, joined with " / " (repeats dropped)."""
        labels = []
        for col in range(self.n_cols):
            parts: list[str] = []
            for row in self.header_rows:
                text = row[col].text
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
            labels.append(" / ".join(parts))
        return tuple(labels)


# --------------------------------------------------------------------------------------------
# Text of a cell.


def local_name(tag: object) -> str:
    """An element's tag without its namespace ("" for a comment or processing instruction)."""
    return _localname(tag) if isinstance(tag, str) else ""


@lru_cache(maxsize=4096)
def _localname(tag: str) -> str:
    # an article has a few dozen distinct tags and thousands of elements: QName once per tag
    return etree.QName(tag).localname




@dataclass(frozen=True)
class _CellText:
    text: str
    label: str
    markers: tuple[str, ...]
    indent: int
    bold: bool


def _cell_text(el: etree._Element) -> _CellText:
    """Verbatim text of a cell, its text without footnote superscripts, and what else it shows."""
    parts: list[str] = []
    plain: list[str] = []
    markers: list[str] = []
    bold_chars = [0]

    def walk(node: etree._Element, in_bold: bool) -> None:
        if node.text:
            parts.append(node.text)
            plain.append(node.text)
            if in_bold:
                bold_chars[0] += len(node.text.strip())
        for child in node:
            if isinstance(child.tag, str):
                name = local_name(child.tag)
                if name == "break":
                    parts.append(" ")
                    plain.append(" ")
                elif name == "xref" and child.get("ref-type") in ("table-fn", "fn"):
                    mark = "".join(child.itertext())  # a footnote link: "Group A<xref>1</xref>"
                    parts.append(mark)
                    if mark.strip():
                        markers.append(normalise_space(mark))
                elif name == "sup":
                    sup = "".join(child.itertext())
                    parts.append(sup)
                    if not sup.strip() or _PART_OF_TEXT.fullmatch(sup.strip()) or (
                            _NUMERIC_SUP.fullmatch(sup.strip()) and _POWER_BEFORE.search("".join(plain))):
                        plain.append(sup)  # 10<sup>6</sup>, kg/m<sup>2</sup>, Ca<sup>2+</sup>, CD4<sup>+</sup>
                    else:
                        markers.append(normalise_space(sup))
                        plain.append(" " if sup[:1].isspace() else "")
                    if in_bold:
                        bold_chars[0] += len(sup.strip())
                else:
                    walk(child, in_bold or name == "bold")
            if child.tail:
                parts.append(child.tail)
                plain.append(child.tail)
                if in_bold:
                    bold_chars[0] += len(child.tail.strip())

    walk(el, False)
    raw = "".join(parts)
    text = normalise_space(raw)
    indent = len(raw) - len(raw.lstrip(_INDENT_CHARS)) if text else 0
    total = len(re.sub(r"\s", "", raw))
    return _CellText(text, normalise_space("".join(plain)), tuple(markers), indent,
                     total > 0 and bold_chars[0] >= total)


# --------------------------------------------------------------------------------------------
# Grid.


def _span(el: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(el.get(name, "1")), _MAX_SPAN))
    except ValueError:
        return 1


def parse_table_wrap(wrap: etree._Element) -> Table:
    """Parse a JATS `<table-wrap>` element into a `Table` (an image-only table has an empty grid)."""
    label = normalise_space(" ".join(_texts(wrap, "label")))
    caption = normalise_space(" ".join(_texts(wrap, "caption")))
    footnotes = _footnotes(wrap)
    table_el = next((e for e in wrap.iter() if local_name(e.tag) == "table"), None)
    if table_el is None:
        return Table(label, caption, footnotes, (), 0, wrap.get("id", ""))

    rows: list[tuple[etree._Element, bool]] = []  # (tr, in thead)
    for tr in table_el.iter():
        if local_name(tr.tag) == "tr":
            parent = tr.getparent()
            in_head = parent is not None and local_name(parent.tag) == "thead"
            rows.append((tr, in_head))
    n_header = 0
    if any(h for _, h in rows):
        n_header = sum(1 for _, h in rows if h)
        rows = [r for r in rows if r[1]] + [r for r in rows if not r[1]]
    else:
        # No <thead>: leading rows made only of <th> are the header.
        for tr, _ in rows:
            entries = [c for c in tr if local_name(c.tag) in ("td", "th")]
            if entries and all(local_name(c.tag) == "th" for c in entries):
                n_header += 1
            else:
                break

    occupied: dict[tuple[int, int], Cell] = {}
    n_cols = 0
    for r, (tr, _) in enumerate(rows):
        col = 0
        entries = [c for c in tr if local_name(c.tag) in ("td", "th")]
        for source_col, entry in enumerate(entries):
            while (r, col) in occupied:
                col += 1
            ct = _cell_text(entry)
            rowspan, colspan = _span(entry, "rowspan"), _span(entry, "colspan")
            for dr in range(rowspan):
                if r + dr >= len(rows):
                    break
                for dc in range(colspan):
                    occupied[(r + dr, col + dc)] = Cell(
                        text=ct.text, row=r + dr, col=col + dc, is_header=(r + dr) < n_header,
                        source_row=r, source_col=source_col, markers=ct.markers,
                        is_span_copy=(dr, dc) != (0, 0), indented=ct.indent > 0, label=ct.label,
                        indent=ct.indent, bold=ct.bold, colspan=colspan, rowspan=rowspan,
                    )
            col += colspan
        n_cols = max(n_cols, col)
    grid = [
        [occupied.get((r, c)) or Cell("", r, c, r < n_header, r, -1) for c in range(n_cols)]
        for r in range(len(rows))
    ]
    n_header = _promote_header_rows(grid, n_header)
    return Table(label, caption, footnotes, tuple(map(tuple, grid)), n_header, wrap.get("id", ""))


def _has_value(row: list[Cell]) -> bool:
    """A value in the row's data cells ("n = 29" heads a column, it is not a value)."""
    for c in row[1:]:
        if c.text and not c.is_span_copy:
            value = parse_cell(c.text, c.markers)[0]
            if value is not None and value.form != "n_eq":
                return True
    return False


def _promote_header_rows(grid: list[list[Cell]], n_header: int) -> int:
    """Count leading body rows that are really column headers as header rows; returns the count.

    A body row is a header row when it holds texts over every data column (or an "n = 20" over
    some), no value, more than one distinct cell, and rows with values follow; a body row right
    under such a row (or under the `<thead>`) that again labels the data columns continues it, and
    so does a row that labels every data column after a blank row.
    """
    r = n_header
    while r < len(grid) - 1:
        row = grid[r]
        data = row[1:]
        if r > 0 and not any(c.text for c in row) and r + 2 < len(grid) and _labels_columns(grid[r + 1]) \
                and all(c.text for c in grid[r + 1][1:]):
            grid[r] = [replace(c, is_header=True) for c in row]  # a blank row between header rows
            r += 1
            continue
        filled = [c for c in data if c.text]
        origins = {(c.source_row, c.source_col) for c in filled}
        if not data or _has_value(row):
            break
        if len(origins) < 2 and not (len(filled) == len(data) and r + 1 < len(grid) and _labels_columns(grid[r + 1])):
            break  # (one cell over every data column heads them when a row of column labels follows it)
        if not any(_has_value(later) for later in grid[r + 1:]):
            break
        if len(filled) < len(data):
            # a partly filled row heads the columns when it names the n of each, or when it sits
            # right under a header row and every label of it is under a header cell spanning
            # several columns ("Intervention arm" over "Baseline | Final visit")
            names_n = _N_IN_HEADER.search(" ".join(c.text for c in filled)) is not None
            under_groups = r == n_header and r > 0 and all(
                re.search(r"[A-Za-z]{2}", c.text) and any(grid[h][c.col].colspan > 1 and grid[h][c.col].text
                                                         for h in range(r)) for c in filled)
            if not names_n and not under_groups:
                break
        grid[r] = [replace(c, is_header=True) for c in row]
        r += 1
    return r


def _labels_columns(row: list[Cell]) -> bool:
    """A row of two or more distinct word labels over the data columns and no value ("N | Mean | 95% CI")."""
    filled = [c for c in row[1:] if c.text and not c.is_span_copy]
    return len(filled) >= 2 and not _has_value(row) and all(re.search(r"[A-Za-z]", c.text) for c in filled)


# statistic and test headings ("Mean (SD)", "95% CI", "P-value", "df"): a section row may repeat them
_STATISTIC_WORDS = re.compile(r"(?i)\b(?:mean|sd|s\.d|se|sem|median|iqr|range|n|no|number|p|values?|df|f|t|z|x2|b|or|rr|hr"
                              r"|ci|sig|frequency|percent(?:age)?s?|min|max|std|dev|deviation|standard|error|test"
                              r"|estimate|coefficient|ratio|difference|change|cohen\W?s\s+d)s?\b")


def _names_columns(text: str) -> bool:
    """A label that names something besides a statistic ("Placebo", "Before training")."""
    return re.search(r"[A-Za-z]{2}", _STATISTIC_WORDS.sub(" ", text)) is not None


def _repeats_header(row: tuple[Cell, ...], head: tuple[tuple[Cell, ...], ...]) -> int:
    """How many labels of the row's data cells, other than statistic headings, a header row has
    over the same column."""
    return max((sum(1 for c in row[1:] if c.text and not c.is_span_copy and h[c.col].text == c.text
                    and not h[c.col].is_span_copy and _names_columns(c.text)) for h in head), default=0)


def _header_slot(row: tuple[Cell, ...], head: tuple[tuple[Cell, ...], ...]) -> int | None:
    """The header row a repeated header row stands for: the one it repeats most labels of, else
    the one whose cells span the same columns as its cells ("Ascending dose" under "Single dose")."""
    cells = [c for c in row[1:] if c.text and not c.is_span_copy]
    if not cells:
        return None
    same = [sum(1 for c in cells if h[c.col].text == c.text) for h in head]
    if max(same) > 0:
        return same.index(max(same))
    for i, h in enumerate(head):
        if all(h[c.col].text and not h[c.col].is_span_copy and h[c.col].colspan == c.colspan for c in cells):
            return i
    return None


def header_parts(table: Table) -> tuple[tuple[Table, tuple[int, ...] | None], ...]:
    """The table cut where its header is repeated inside the body, each part with its header.

    A body row with no value that repeats two or more labels of a header row over the same
    columns ("Placebo | Memantine" again, "Before | After" again), with values above and below,
    starts a new block: the run of value-less rows around it is that block's header, each row in
    the place of the header row it repeats (a row spanning the same columns, "Ascending dose"
    under "Single dose", takes that row's place); header rows the block does not repeat carry
    over. Each part comes with the grid row of the whole table each of its rows is (None for a
    table that is not cut, which is returned whole).
    """
    n_head = table.n_header_rows
    grid = table.grid
    if n_head == 0 or table.n_rows - n_head < 3 or table.n_cols < 3:
        return ((table, None),)
    head = grid[:n_head]
    starts: list[tuple[int, int]] = []  # (first, last) row of each repeated header block
    seen_value, r = False, n_head
    while r < table.n_rows:
        row = grid[r]
        if _repeats_header(row, head) >= 2 and seen_value and not _has_value(list(row)):
            first = r
            while first - 1 > (starts[-1][1] if starts else n_head - 1) and not _has_value(list(grid[first - 1])):
                first -= 1
            last = r
            while last + 1 < table.n_rows and not _has_value(list(grid[last + 1])):
                last += 1
            if last + 1 < table.n_rows:
                starts.append((first, last))
            seen_value, r = False, last + 1
            continue
        if not seen_value and any(c.text for c in row[1:]) and _has_value(list(row)):
            seen_value = True
        r += 1
    if not starts:
        return ((table, None),)
    parts: list[tuple[Table, tuple[int, ...] | None]] = []
    bounds = [(0, starts[0][0], None)] + [
        (first, starts[i + 1][0] if i + 1 < len(starts) else table.n_rows, (first, last))
        for i, (first, last) in enumerate(starts)]
    for begin, end, block in bounds:
        if block is None:
            source = list(range(begin, end))
        else:
            slots: dict[int, int] = {}
            rest: list[int] = []
            for b in range(block[0], block[1] + 1):
                slot = _header_slot(grid[b], head)
                if slot is None or slot in slots:
                    rest.append(b)
                else:
                    slots[slot] = b
            source = [slots.get(h, h) for h in range(n_head)] + rest + list(range(block[1] + 1, end))
        rows = tuple(tuple(replace(c, row=i, is_header=i < n_head) for c in grid[src]) for i, src in enumerate(source))
        parts.append((Table(table.label, table.caption, table.footnotes, rows, n_head, table.id), tuple(source)))
    return tuple(parts)


_BLOCKS = frozenset({"title", "p", "sec"})


def _block_text(el: etree._Element) -> str:
    """Text of an element whose block children (a caption's <title> and <p>s) are kept apart."""
    blocks = [c for c in el if local_name(c.tag) in _BLOCKS]
    if not blocks:
        return _cell_text(el).text
    return normalise_space(" ".join(_block_text(c) for c in blocks))


def _texts(wrap: etree._Element, name: str) -> list[str]:
    return [_block_text(e) for e in wrap if local_name(e.tag) == name]


def _footnotes(wrap: etree._Element) -> tuple[str, ...]:
    notes: list[str] = []
    for foot in wrap:
        if local_name(foot.tag) != "table-wrap-foot":
            continue
        fns = [e for e in foot.iter() if local_name(e.tag) == "fn"]
        items = fns or [e for e in foot if local_name(e.tag) == "p"] or [foot]
        for item in items:
            text = _block_text(item)
            if text:
                notes.append(text)
    return tuple(notes)
