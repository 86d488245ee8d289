"""Small synthetic JATS tables for the table-reader tests: one layout per table, built in the test."""
from __future__ import annotations

from lxml import etree

from extract.table_model import TableLayout, table_layout
from extract.table_rows import TableReading, read_table
from extract.tables import Table, parse_table_wrap

Cell = str | tuple[str, dict[str, int]]


def _cell(tag: str, cell: Cell) -> str:
    if isinstance(cell, tuple):
        text, attrs = cell
        spans = "".join(f' {k}="{v}"' for k, v in attrs.items())
    else:
        text, spans = cell, ""
    return f"<{tag}{spans}>{text}</{tag}>"


def table_xml(rows: list[list[Cell]], head: int = 1, caption: str = "", footnotes: tuple[str, ...] = (),
              label: str = "Table 2", thead: bool = True) -> str:
    """A <table-wrap>: the first `head` rows are header rows (in <thead>, or, with thead=False,
    ordinary <tbody> rows as in tables without a <thead>)."""
    head_rows = "".join("<tr>" + "".join(_cell("th" if thead else "td", c) for c in row) + "</tr>"
                        for row in rows[:head])
    body_rows = "".join("<tr>" + "".join(_cell("td", c) for c in row) + "</tr>" for row in rows[head:])
    foot = "".join(f"<fn><p>{f}</p></fn>" for f in footnotes)
    return (f"<table-wrap><label>{label}</label><caption><p>{caption}</p></caption><table>"
            + (f"<thead>{head_rows}</thead><tbody>{body_rows}</tbody>" if thead else f"<tbody>{head_rows}{body_rows}</tbody>")
            + "</table>" + (f"<table-wrap-foot>{foot}</table-wrap-foot>" if foot else "") + "</table-wrap>")


def table(rows: list[list[Cell]], **kw) -> Table:
    return parse_table_wrap(etree.fromstring(table_xml(rows, **kw)))


def layout(rows: list[list[Cell]], known_arms: tuple[str, ...] = (), **kw) -> TableLayout:
    return table_layout(table(rows, **kw), known_arms)


def read(rows: list[list[Cell]], default_arm: str = "all patients", followup: float | None = None,
         **kw) -> list[TableReading]:
    return read_table(layout(rows, **kw), default_arm, followup)


def at(readings: list[TableReading], row: int, col: int) -> TableReading:
    """The one reading of the value cell at grid position (row, col)."""
    found = [r for r in readings if (r.row, r.col) == (row, col)]
    assert len(found) == 1, f"{len(found)} readings at r{row} c{col}: {[(r.row, r.col) for r in readings]}"
    return found[0]


def none_at(readings: list[TableReading], row: int, col: int) -> bool:
    return not [r for r in readings if (r.row, r.col) == (row, col)]
