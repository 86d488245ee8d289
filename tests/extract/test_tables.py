"""extract.tables: a JATS <table-wrap> read into a rectangular grid of cells."""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from extract.jats import parse_jats
from extract.table_model import table_layout
from extract.table_rows import read_table
from extract.tables import parse_table_wrap
from tests.extract.tables_helpers import at, read, table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fulltext"


def _wrap(xml: str):
    return parse_table_wrap(etree.fromstring(xml))


def test_grid_expands_rowspan_and_colspan_and_keeps_source_indices():
    t = _wrap(
        "<table-wrap><label>Table 9</label><caption><p>Cap</p></caption><table>"
        "<thead><tr><th rowspan='2'>M</th><th colspan='2'>Arm A</th></tr>"
        "<tr><th>Baseline</th><th>Week 12</th></tr></thead>"
        "<tbody><tr><td rowspan='2'>DAS28</td><td>5.1 ± 1.0</td><td>4.0 ± 0.9<sup>a</sup></td></tr>"
        "<tr><td>12 (40.0%)</td><td>3.0 (2.0–4.5)</td></tr></tbody></table></table-wrap>"
    )
    assert (t.label, t.caption, t.n_header_rows, t.n_rows, t.n_cols) == ("Table 9", "Cap", 2, 4, 3)
    assert t.column_labels == ("M", "Arm A / Baseline", "Arm A / Week 12")
    copy = t.cell(3, 0)
    assert (copy.text, copy.source_row, copy.source_col, copy.is_span_copy, copy.rowspan) == ("DAS28", 2, 0, True, 2)
    assert t.cell(0, 2).is_span_copy and t.cell(0, 2).text == "Arm A" and t.cell(0, 2).colspan == 2
    assert t.cell(3, 1).source_col == 0
    marked = t.cell(2, 2)
    assert (marked.text, marked.label, marked.markers) == ("4.0 ± 0.9a", "4.0 ± 0.9", ("a",))


def test_break_is_a_space_superscript_markers_leave_the_label_and_numeric_ones_stay():
    t = table([["", "Group S<break/>(n=47)", "Time point of PAS<sup>a</sup> score", "BMI (kg/m<sup>2</sup>)"],
               ["x", "1", "2", "3"]])
    assert t.cell(0, 1).text == "Group S (n=47)"
    assert (t.cell(0, 2).text, t.cell(0, 2).label) == ("Time point of PASa score", "Time point of PAS score")
    assert (t.cell(0, 3).label, t.cell(0, 3).markers) == ("BMI (kg/m2)", ())


def test_indent_and_bold_are_kept():
    t = table([["", "A"], ["<bold>HbA1c (%)</bold>", ""], ["\u2003\u2003Week 12", "1.0"]])
    assert (t.cell(1, 0).bold, t.cell(1, 0).indent) == (True, 0)
    assert (t.cell(2, 0).bold, t.cell(2, 0).indent, t.cell(2, 0).indented, t.cell(2, 0).text) == (False, 2, True, "Week 12")


def test_caption_title_and_paragraph_are_kept_apart():
    t = _wrap("<table-wrap><label>Table 2</label><caption><title>Primary Outcomes</title><p>All values are mean ± SD."
              "</p></caption><table><tbody><tr><td>a</td><td>1</td></tr></tbody></table></table-wrap>")
    assert t.caption == "Primary Outcomes All values are mean ± SD."


def test_header_rows_without_thead_are_found_in_tbody():
    t = table([[("Parameter", {"rowspan": 2}), ("Baseline", {"colspan": 2}), ("P value", {"rowspan": 2})],
               ["GFD", "GFD+P"], ["Weight (kg)", "20.1 ± 3.0", "21.0 ± 2.9", "0.41"]], head=2, thead=False)
    assert t.n_header_rows == 2 and t.cell(1, 1).is_header


def test_a_group_header_spanning_every_data_column_over_the_statistics_row_is_a_header():
    # no <thead>: "Parameter | Experimental group" (one cell over all data columns), then "N | Mean | 95% CI"
    t = table([["Parameter", ("Experimental group", {"colspan": 3})], ["", "N", "Mean", "95% CI"],
               ["T1", "50", "3.70", "3.54-3.86"], ["T2", "50", "3.81", "3.66-3.96"]], head=2, thead=False)
    assert t.n_header_rows == 2
    # (a section row spanning the data columns over value rows stays a body row)
    t = table([["", "Drug", "Placebo"], ["Primary outcomes", ("", {"colspan": 2})], ["Pain", "3.1", "4.2"]])
    assert t.n_header_rows == 1


def test_a_row_of_column_labels_after_a_blank_row_under_the_thead_is_a_header():
    # "Placebo" | "Memantine" in <thead>, then a blank row and "Before training | After training" in <tbody>
    rows = [["", ("Placebo", {"colspan": 2}), ("Memantine", {"colspan": 2})], ["", "", "", "", ""],
            ["", "Before training", "After training", "Before training", "After training"], ["", "", "", "", ""],
            ["Motor threshold (%)", "34.6 ± 3.0", "34.1 ± 2.7", "35.0 ± 1.7", "34.4 ± 1.9"]]
    t = table(rows, head=1)
    assert t.n_header_rows == 3 and t.cell(2, 1).is_header
    got = read(rows, head=1, caption="TMS mapping results")
    assert (at(got, 4, 1).weeks, at(got, 4, 3).arm) == (0.0, "Memantine")


def test_footnotes_are_kept_not_parsed():
    article = parse_jats((FIXTURES / "PMC4482193.nxml").read_bytes())
    t = article.table("Table 4")
    assert t.footnotes[0] == "Data presented as mean ± standard deviation"
    assert len(t.footnotes) == 3


def test_image_only_and_text_tables_give_no_readings():
    image = _wrap("<table-wrap><label>Table 1</label><graphic/></table-wrap>")
    assert image.grid == () and read_table(table_layout(image)) == []
    article = parse_jats((FIXTURES / "PMC5541727.nxml").read_bytes())
    assert read_table(table_layout(article.table("Table 1"))) == []


def test_a_huge_span_is_capped():
    t = _wrap("<table-wrap><table><tbody><tr><td colspan='99999'>x</td></tr><tr><td>a</td><td rowspan='x'>1</td>"
              "</tr></tbody></table></table-wrap>")
    assert t.n_cols == 1000 and t.cell(1, 1).text == "1"
