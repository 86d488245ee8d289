"""JATS results tables: a rectangular grid of cells, then one value per statistic cell.

`parse_table_wrap(element)` turns a JATS `<table-wrap>` into a `Table` whose `rowspan`/`colspan`
are expanded into a rectangular grid of `Cell`s (every cell keeps the index of the `<tr>` it sits
in and of the `<td>`/`<th>` it came from). `table_values(table)` reads that grid and returns one
`TableValue` per data cell that holds a statistic ("4.99 ± 0.88", "−0.09 (0.39)", "12 (40.0)",
"<0.001", "n = 20"), labelled with measure, arm and timepoint and carrying its provenance
(table label, row, column, verbatim cell text).

Layouts handled (all seen in real trial tables): a measure cell with `rowspan` over timepoint rows,
full-width section rows (a row whose only filled cell is the measure or a site name) with arms or
timepoints as the indented rows under it, several header rows joined into one column label
("COMB group (n = 9) / Baseline mean (SD)"), `n = 20` header cells, P-value columns, n (%) rows
that look exactly like mean (SD) rows, and significance markers glued to values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from lxml import etree

__all__ = [
    "Cell",
    "Table",
    "TableValue",
    "parse_table_wrap",
    "parse_cell",
    "table_values",
]


# --------------------------------------------------------------------------------------------
# Rules as data: spellings of numbers, markers, timepoints and label hints.

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"), " ")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"), None)
# A minus sign written as U+2212, EN DASH, FIGURE DASH or HYPHEN, when it starts a number.
_SIGN_MINUS = re.compile(r"(^|[\s(\[,;/=<>])[\u2212\u2013\u2012\u2010\u2011\ufe63\uff0d](?=\.?\d)")
# Markers that follow (or precede) a value: stars, daggers, hashes, section signs, asterisk
# operator U+2217, and superscript letters kept apart by `_cell_text`.
_MARKER_CHARS = "*\u2217\u204e\u2020\u2021\u00a7\u00b6#\u2016\u2051\u00b0\u2032\u2033"
_MARKER_RUN = re.compile(rf"[{re.escape(_MARKER_CHARS)}]+")

_NUM = r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)"
_CELL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("pm", re.compile(rf"^(?P<a>{_NUM})\s*(?:±|\+/-|\+-)\s*(?P<b>{_NUM})$")),
    ("count_of", re.compile(rf"^(?P<a>\d+)\s*/\s*(?P<tot>\d+)\s*\(\s*(?P<b>{_NUM})\s*%?\s*\)$")),
    ("paren", re.compile(rf"^(?P<a>{_NUM})\s*[(\[]\s*(?P<b>{_NUM})\s*(?P<pct>%)?\s*[)\]]$")),
    (
        "range",
        re.compile(
            rf"^(?P<a>{_NUM})\s*[(\[]\s*(?P<lo>{_NUM})\s*(?:-|–|—|to|,|;)\s*(?P<hi>{_NUM})\s*[)\]]$"
        ),
    ),
    ("n_eq", re.compile(r"^(?:[nN]|no\.)\s*=\s*(?P<a>\d+)$")),
    ("p", re.compile(rf"^(?:[pP]\s*)?(?P<op>[<>≤≥=]|<=|>=)?\s*(?P<a>{_NUM})$")),
    ("ns", re.compile(r"^(?:NS|n\.s\.|ns)$")),
    ("pct", re.compile(rf"^(?P<a>{_NUM})\s*%$")),
)

_INDENT = re.compile("[ \u00a0\u2002\u2003\u2009\t]")
_N_IN_HEADER = re.compile(r"\b[nN]\s*=\s*(\d+)")
_N_PART = re.compile(r"[(\[,;]?\s*\b[nN]\s*=\s*\d+\s*[)\]]?")
_P_HEADER = re.compile(r"(^|[\s(*†‡§])p(\s*[-–]?\s*values?)?\s*[*†‡§a-d]?\s*$|\bp[\s-]*values?\b|significance", re.I)
_FORMAT_HINT = re.compile(
    r",?\s*\b(?:mean|median)\b[^,;]*?(?:\(\s*(?:SD|SE|SEM|IQR|range|95%\s*CI)\s*\)|±\s*(?:SD|SE|SEM))"
    r"|,?\s*\(\s*(?:SD|SE|SEM|IQR|%)\s*\)|,?\s*\bn\s*\(\s*%\s*\)|,?\s*\bno\.\s*\(\s*%\s*\)",
    re.I,
)
_HINT_N_PCT = re.compile(
    r"\bn\s*\(\s*%\s*\)|\bno\.?\s*\(\s*%\s*\)|\bnumber\s*\(\s*%\s*\)|\bn\s*,\s*%|\bn\s*/\s*N\b"
    r"|\bpatients,\s*n\b|,\s*n\s*$|\(\s*%\s*\)|\bnumber of patients\b",
    re.I,
)
_HINT_MEAN = re.compile(r"\bmean\b|\(\s*SD\s*\)|\bSD\b|±", re.I)
_HINT_MEDIAN = re.compile(r"\bmedian\b|\bIQR\b|\binterquartile\b", re.I)

_TIMEPOINT = re.compile(
    r"^(?:"
    r"baseline|screening|pre[- ]?(?:treatment|intervention|exercise|operative|op)?|"
    r"post[- ]?(?:treatment|intervention|exercise|operative|op)?|"
    r"end(?: of (?:study|treatment|trial|intervention|follow[- ]?up))?|follow[- ]?up|final(?: visit)?|"
    r"(?:week|wk|month|mo|day|year|visit)s?\s*\d+(?:\.\d+)?|"
    r"(?:after\s+)?\d+(?:\.\d+)?\s*(?:(?:-|–|to)\s*\d+\s*)?(?:weeks?|wks?|months?|mos?|days?|years?|yrs?|hours?|hrs?|h)"
    r"(?:\s+(?:post|after)\b.*)?"
    r")$",
    re.I,
)
_ARM_WORDS = re.compile(
    r"\b(?:control|placebo|group|arm|infusion|cohort|sham|treated|treatment group|intervention)\b", re.I
)


# --------------------------------------------------------------------------------------------
# Records.


@dataclass(frozen=True)
class Cell:
    """One position of the rectangular grid.

    `row` is the index of the `<tr>` (header rows first, 0-based) and `col` the grid column after
    `colspan` expansion; `source_row`/`source_col` name the `<tr>` and the position of the
    `<td>`/`<th>` within it that the text comes from (they differ from `row`/`col` for positions
    covered by a `rowspan`/`colspan`; `is_span_copy` is then True). `markers` are non-numeric
    superscripts glued to the text; `indented` is True when the raw text starts with white space
    (JATS tables indent sub-rows with U+2003 or spaces).
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


@dataclass(frozen=True)
class TableValue:
    """One statistic read from a table cell, with what it measures and where it came from.

    kind: "mean_sd" (mean, sd), "median_iqr" (median, q1, q3), "n_pct" (count, pct), "p" (p,
    p_text), "n" (a "n = 20" header cell: n), "number" (a lone number: value) or "pct" (pct).
    `n` is always the group size of the column when a header gives one ("n = 20", "N = 104");
    for "n_pct" values the event count is `count`, never `n` and never `mean`.
    Provenance: `table` (label), `row`/`col` (grid indices, see `Cell`), `text` (verbatim cell).
    """

    table: str
    row: int
    col: int
    text: str
    kind: str
    row_label: str
    column_label: str
    measure: str | None
    section: str | None
    arm: str | None
    timepoint: str | None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    count: int | None = None
    pct: float | None = None
    n: int | None = None
    p: float | None = None
    p_text: str | None = None
    value: float | None = None
    markers: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Text helpers.


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def normalise_space(text: str) -> str:
    """Map every Unicode space to " ", drop zero-width characters and collapse runs of spaces."""
    return re.sub(r"\s+", " ", text.translate(_SPACES).translate(_ZERO_WIDTH)).strip()


def _cell_text(el: etree._Element) -> tuple[str, tuple[str, ...]]:
    """Verbatim text of a cell (whitespace collapsed) and its non-numeric superscript markers."""
    parts: list[str] = []
    markers: list[str] = []

    def walk(node: etree._Element) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                name = _local(child.tag)
                if name == "sup":
                    sup = normalise_space("".join(child.itertext()))
                    # Numeric superscripts (10<sup>6</sup>) are part of the value; others are markers.
                    if sup and not re.fullmatch(r"[-−–]?\d+(\.\d+)?", sup):
                        markers.append(sup)
                    parts.append("".join(child.itertext()))
                else:
                    walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return normalise_space("".join(parts)), tuple(markers)


def _number_text(text: str) -> str:
    """Spaces normalised and dash-like minus signs (U+2212, EN DASH, ...) written as "-"."""
    return _SIGN_MINUS.sub(lambda m: m.group(1) + "-", normalise_space(text))


def _strip_markers(text: str, sup_markers: Iterable[str] = ()) -> tuple[str, tuple[str, ...]]:
    """The text without significance markers, and the markers found (in order)."""
    found: list[str] = []
    out = text
    for sup in sup_markers:
        idx = out.rfind(sup)
        if idx >= 0 and sup:
            out = out[:idx] + " " + out[idx + len(sup) :]
            found.append(sup)
    found.extend(_MARKER_RUN.findall(out))
    out = _MARKER_RUN.sub(" ", out)
    # Single superscript letters glued to a value (`<sup>a</sup>`) were handled above; a trailing
    # letter after a space is left alone (it may be a unit).
    return normalise_space(out), tuple(found)


@dataclass(frozen=True)
class _Parsed:
    shape: str
    a: float | None = None
    b: float | None = None
    lo: float | None = None
    hi: float | None = None
    total: int | None = None
    pct_sign: bool = False
    op: str | None = None


def parse_cell(text: str, sup_markers: Iterable[str] = ()) -> tuple[_Parsed | None, tuple[str, ...]]:
    """Recognise a statistic cell. Returns (parsed shape or None, markers stripped from it)."""
    clean, markers = _strip_markers(_number_text(text), sup_markers)
    clean = clean.replace("·", ".")
    for shape, pattern in _CELL_PATTERNS:
        m = pattern.match(clean)
        if not m:
            continue
        groups = m.groupdict()

        def num(key: str) -> float | None:
            value = groups.get(key)
            return float(value) if value is not None else None

        return (
            _Parsed(
                shape=shape,
                a=num("a"),
                b=num("b"),
                lo=num("lo"),
                hi=num("hi"),
                total=int(groups["tot"]) if groups.get("tot") else None,
                pct_sign=bool(groups.get("pct")),
                op=groups.get("op"),
            ),
            markers,
        )
    return None, markers


# --------------------------------------------------------------------------------------------
# Grid.


def _span(el: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(el.get(name, "1")), 1000))
    except ValueError:
        return 1


def parse_table_wrap(wrap: etree._Element) -> Table:
    """Parse a JATS `<table-wrap>` element into a `Table` (an image-only table has an empty grid)."""
    label = normalise_space("".join(_texts(wrap, "label")))
    caption = normalise_space(" ".join(_texts(wrap, "caption")))
    footnotes = _footnotes(wrap)
    table_el = next((e for e in wrap.iter() if _local(e.tag) == "table"), None)
    if table_el is None:
        return Table(label, caption, footnotes, (), 0, wrap.get("id", ""))

    rows: list[tuple[etree._Element, bool]] = []  # (tr, in thead)
    for tr in table_el.iter():
        if _local(tr.tag) == "tr":
            parent = tr.getparent()
            in_head = parent is not None and _local(parent.tag) == "thead"
            rows.append((tr, in_head))
    n_header = 0
    if any(h for _, h in rows):
        n_header = sum(1 for _, h in rows if h)
        rows = [r for r in rows if r[1]] + [r for r in rows if not r[1]]
    else:
        # No <thead>: leading rows made only of <th> are the header.
        for tr, _ in rows:
            entries = [c for c in tr if _local(c.tag) in ("td", "th")]
            if entries and all(_local(c.tag) == "th" for c in entries):
                n_header += 1
            else:
                break

    occupied: dict[tuple[int, int], Cell] = {}
    n_cols = 0
    for r, (tr, _) in enumerate(rows):
        col = 0
        entries = [c for c in tr if _local(c.tag) in ("td", "th")]
        for source_col, entry in enumerate(entries):
            while (r, col) in occupied:
                col += 1
            text, markers = _cell_text(entry)
            indented = bool(_INDENT.match(entry.text or "")) and bool(text)
            for dr in range(_span(entry, "rowspan")):
                if r + dr >= len(rows):
                    break
                for dc in range(_span(entry, "colspan")):
                    occupied[(r + dr, col + dc)] = Cell(
                        text=text,
                        row=r + dr,
                        col=col + dc,
                        is_header=(r + dr) < n_header,
                        source_row=r,
                        source_col=source_col,
                        markers=markers,
                        is_span_copy=(dr, dc) != (0, 0),
                        indented=indented,
                    )
            col += _span(entry, "colspan")
            n_cols = max(n_cols, col)
        n_cols = max(n_cols, col)
    grid = [
        [occupied.get((r, c)) or Cell("", r, c, r < n_header, r, -1) for c in range(n_cols)]
        for r in range(len(rows))
    ]
    n_header = _promote_header_rows(grid, n_header)
    return Table(label, caption, footnotes, tuple(map(tuple, grid)), n_header, wrap.get("id", ""))


def _promote_header_rows(grid: list[list[Cell]], n_header: int) -> int:
    """Count leading body rows that are really column headers (texts over every data column,
    no statistic, more than one cell, statistics below) as header rows; returns the new count.
    """
    def is_stat_row(row: list[Cell]) -> bool:
        return any(c.text and parse_cell(c.text, c.markers)[0] is not None for c in row[1:])

    r = n_header
    while r < len(grid) - 1:
        row = grid[r]
        data = row[1:]
        origins = {(c.source_row, c.source_col) for c in data if c.text}
        if not data or not all(c.text for c in data) or len(origins) < 2 or is_stat_row(row):
            break
        if _N_IN_HEADER.search(" ".join(c.text for c in data)) is None and not any(
            is_stat_row(later) for later in grid[r + 1 :]
        ):
            break
        grid[r] = [replace(c, is_header=True) for c in row]
        r += 1
    return r


def _texts(wrap: etree._Element, name: str) -> list[str]:
    return ["".join(_cell_text(e)[0]) for e in wrap if _local(e.tag) == name]


def _footnotes(wrap: etree._Element) -> tuple[str, ...]:
    notes: list[str] = []
    for foot in wrap:
        if _local(foot.tag) != "table-wrap-foot":
            continue
        fns = [e for e in foot.iter() if _local(e.tag) == "fn"]
        items = fns or [e for e in foot if _local(e.tag) == "p"] or [foot]
        for item in items:
            text = _cell_text(item)[0]
            if text:
                notes.append(text)
    return tuple(notes)


# --------------------------------------------------------------------------------------------
# Values.


@dataclass(frozen=True)
class _Column:
    label: str
    arm: str | None
    timepoint: str | None
    n: int | None
    is_p: bool
    hint: str  # header text that may say "mean (SD)", "n (%)", ...


def _timepoint_of(text: str) -> str | None:
    """The text itself when it names a timepoint ("Baseline", "Week 12", "12 weeks"), else None."""
    bare = normalise_space(_FORMAT_HINT.sub("", text)).strip(" ,;:")
    if bare and _TIMEPOINT.match(bare):
        return bare
    return None


def _column_info(table: Table, col: int) -> _Column:
    parts: list[str] = []
    for row in table.header_rows:
        text = row[col].text
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    label = " / ".join(parts)
    n = None
    arms: list[str] = []
    timepoint = None
    is_p = False
    for part in parts:
        m = _N_IN_HEADER.search(normalise_space(part))
        if m:
            n = int(m.group(1))
        if _P_HEADER.search(_strip_markers(normalise_space(part))[0]):
            is_p = True
            rest = re.sub(r"(?i)\b(?:within|between)[- ]groups?\b|[*†‡§]|\bp\b(\s*values?)?", "", part)
            if not normalise_space(rest):
                continue
        tp = _timepoint_of(part)
        if tp:
            timepoint = tp
            continue
        arm = normalise_space(_FORMAT_HINT.sub("", _N_PART.sub("", normalise_space(part)))).strip(" ,;:")
        if arm and not is_p:
            arms.append(arm)
        elif arm and is_p and _ARM_WORDS.search(arm):
            arms.append(arm)
    return _Column(label, " / ".join(arms) or None, timepoint, n, is_p, label)


def _is_stat(cell: Cell) -> bool:
    parsed, _ = parse_cell(cell.text, cell.markers)
    return parsed is not None and parsed.shape not in ("n_eq",)


def _stub_width(table: Table) -> int:
    """Number of leading label columns: those with no statistic in any body cell."""
    for col in range(table.n_cols):
        if any(_is_stat(row[col]) for row in table.body_rows if row[col].text):
            return col
    return table.n_cols


def table_values(table: Table) -> list[TableValue]:
    """One `TableValue` per data cell holding a statistic, plus one per "n = 20" header cell.

    Never raises on odd layouts: cells it cannot read are skipped (an image-only table gives []).
    """
    if not table.grid:
        return []
    stub = _stub_width(table)
    columns = [_column_info(table, c) for c in range(table.n_cols)]
    values: list[TableValue] = []

    # "n = 20" header cells.
    for row in table.header_rows:
        for cell in row:
            if cell.is_span_copy or cell.col < stub:
                continue
            text, markers = _strip_markers(normalise_space(cell.text), cell.markers)
            m = re.fullmatch(r"(?:[nN]|no\.)\s*=\s*(\d+)", text)
            if m:
                info = columns[cell.col]
                values.append(
                    TableValue(
                        table=table.label, row=cell.row, col=cell.col, text=cell.text, kind="n",
                        row_label="", column_label=info.label, measure=None, section=None,
                        arm=info.arm, timepoint=info.timepoint, n=int(m.group(1)), markers=markers,
                    )
                )

    data_cols = [c for c in range(stub, table.n_cols) if not all(not r[c].text for r in table.body_rows)]
    table_has_arm_columns = any(columns[c].arm for c in data_cols if not columns[c].is_p)
    any_indent = any(r[0].indented for r in table.body_rows) if stub else False

    table_hint = " ".join((table.caption, *table.footnotes))
    # A table whose every "a (b)" cell is an integer over a whole-number percentage reads as n (%).
    paren = [
        parse_cell(c.text, c.markers)[0] for row in table.body_rows for c in row[stub:] if c.text
    ]
    paren = [x for x in paren if x is not None and x.shape == "paren"]
    all_counts = bool(paren) and all(
        _count_shaped(x) and x.b is not None and float(x.b).is_integer() for x in paren
    )

    section: str | None = None
    for row in table.body_rows:
        stub_cells = list(row[:stub])
        data_cells = list(row[stub:])
        filled_data = [c for c in data_cells if c.text]
        origins = {(c.source_row, c.source_col) for c in row if c.text}
        stub_texts = []
        for c in stub_cells:
            if c.text and (not stub_texts or stub_texts[-1] != c.text):
                stub_texts.append(c.text)
        is_section = bool(stub_texts or filled_data) and (
            (not filled_data and bool(stub_texts)) or len(origins) == 1 and len(row) > 1 and all(c.text for c in row)
        )
        if is_section:
            section = row[0].text or (stub_texts[0] if stub_texts else None)
            continue
        if not stub_texts and not filled_data:
            continue
        if section is not None and any_indent and stub and not row[0].indented and not row[0].is_span_copy:
            section = None

        timepoint = None
        labels: list[str] = []
        for text in stub_texts:
            tp = _timepoint_of(text)
            if tp and timepoint is None:
                timepoint = tp
            else:
                labels.append(text)
        stub_label = " / ".join(labels) or None
        arm_from_row = None
        if stub_label and not table_has_arm_columns and _ARM_WORDS.search(stub_label):
            arm_from_row, stub_label = stub_label, None
        if section and stub_label:
            measure: str | None = f"{section} > {stub_label}"
        else:
            measure = stub_label or section
        row_label = " > ".join(t for t in ([section] if section else []) + stub_texts)
        row_hint = " ".join(t for t in (section, *stub_texts) if t)

        for cell in data_cells:
            if not cell.text or cell.is_span_copy and cell.source_row != cell.row:
                continue
            parsed, markers = parse_cell(cell.text, cell.markers)
            if parsed is None or parsed.shape == "n_eq":
                continue
            info = columns[cell.col]
            base = dict(
                table=table.label, row=cell.row, col=cell.col, text=cell.text,
                row_label=row_label, column_label=info.label, measure=measure, section=section,
                arm=arm_from_row or info.arm, timepoint=timepoint or info.timepoint,
                n=info.n, markers=markers,
            )
            value = _classify(parsed, info, row_hint, base, table_hint, all_counts)
            if value is not None:
                values.append(value)
    return values


def _classify(
    parsed: _Parsed, info: _Column, row_hint: str, base: dict, table_hint: str = "", all_counts: bool = False
) -> TableValue | None:
    shape = parsed.shape
    if info.is_p or re.search(r"(?i)^\s*p(\s*-?\s*values?)?\b", row_hint or "") and shape in ("p", "ns"):
        if shape == "p":
            return TableValue(kind="p", p=parsed.a, p_text=_p_text(base["text"]), **base)
        if shape == "ns":
            return TableValue(kind="p", p_text="NS", **base)
        return None
    if shape == "ns":
        return None
    if shape == "pm":
        return TableValue(kind="mean_sd", mean=parsed.a, sd=parsed.b, **base)
    if shape == "count_of":
        return TableValue(kind="n_pct", count=int(parsed.a or 0), pct=parsed.b, **base)
    if shape == "range":
        return TableValue(kind="median_iqr", median=parsed.a, q1=parsed.lo, q3=parsed.hi, **base)
    if shape == "paren":
        kind = _paren_kind(parsed, info, row_hint, table_hint, all_counts)
        if kind == "n_pct":
            return TableValue(kind="n_pct", count=int(parsed.a or 0), pct=parsed.b, **base)
        if kind == "median_iqr":
            return TableValue(kind="median_iqr", median=parsed.a, **base)
        return TableValue(kind="mean_sd", mean=parsed.a, sd=parsed.b, **base)
    if shape == "pct":
        return TableValue(kind="pct", pct=parsed.a, **base)
    if shape == "p":
        if parsed.op:
            return TableValue(kind="p", p=parsed.a, p_text=_p_text(base["text"]), **base)
        return TableValue(kind="number", value=parsed.a, **base)
    return None


def _paren_kind(parsed: _Parsed, info: _Column, row_hint: str, table_hint: str = "", all_counts: bool = False) -> str:
    """"a (b)" is a mean (SD) or an n (%): decide from the row label, then the header, then the
    caption and footnotes (only when they name one format), then the shape of the cell and table.
    """
    if parsed.pct_sign:
        return "n_pct"
    for hint in (row_hint, info.hint):
        if not hint:
            continue
        says_pct = bool(_HINT_N_PCT.search(hint))
        says_mean = bool(_HINT_MEAN.search(hint))
        says_median = bool(_HINT_MEDIAN.search(hint))
        if says_pct and not (says_mean or says_median):
            return "n_pct" if _count_shaped(parsed) else "mean_sd"
        if says_median and not says_mean:
            return "median_iqr"
        if says_mean:
            return "mean_sd"
    if table_hint:
        says_pct = bool(_HINT_N_PCT.search(table_hint)) or "percentage" in table_hint.lower()
        says_mean = bool(_HINT_MEAN.search(table_hint))
        if says_pct != says_mean:
            return "n_pct" if says_pct and _count_shaped(parsed) else "mean_sd"
    if all_counts and _count_shaped(parsed):
        return "n_pct"
    if _count_shaped(parsed) and info.n and parsed.a is not None and parsed.b is not None:
        if abs(parsed.a / info.n * 100 - parsed.b) <= 1.0:
            return "n_pct"
    return "mean_sd"


def _count_shaped(parsed: _Parsed) -> bool:
    a, b = parsed.a, parsed.b
    return a is not None and b is not None and a >= 0 and float(a).is_integer() and 0 <= b <= 100


def _p_text(text: str) -> str:
    """The P value as written, markers and a leading "p =" removed ("<0.001", "0.048")."""
    clean = _strip_markers(_number_text(text))[0]
    clean = re.sub(r"^[pP]\s*(?==|<|>|≤|≥)", "", clean).lstrip("= ").strip()
    return re.sub(r"([<>≤≥])\s+", r"\1", clean)
