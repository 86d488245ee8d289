"""extract.tables: grids from real JATS results tables and one labelled value per statistic cell.

Expected values are read by hand from the fixtures (tests/fixtures/fulltext/SOURCES.md).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from extract.jats import parse_jats
from extract.tables import TableValue, parse_cell, parse_table_wrap, table_values

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "fulltext"


def _values(pmcid: str, label: str) -> list[TableValue]:
    article = parse_jats((FIXTURES / f"{pmcid}.nxml").read_bytes())
    table = article.table(label)
    assert table is not None
    return table_values(table)


def _at(values: list[TableValue], row: int, col: int) -> TableValue:
    (value,) = [v for v in values if (v.row, v.col) == (row, col)]
    return value


@pytest.fixture(scope="module")
def t5409664() -> list[TableValue]:
    return _values("PMC5409664", "Table 2")


def test_rowspan_measure_over_baseline_and_end_rows(t5409664):
    end = _at(t5409664, 13, 2)
    assert (end.table, end.text) == ("Table 2", "3.91 ± 0.80 ***")
    assert (end.measure, end.arm, end.timepoint) == ("DAS 28", "Group I", "End of study")
    assert (end.kind, end.mean, end.sd, end.n, end.markers) == ("mean_sd", 3.91, 0.80, 20, ("***",))
    base = _at(t5409664, 12, 2)
    assert (base.measure, base.timepoint, base.mean, base.sd, base.markers) == ("DAS 28", "Baseline", 4.99, 0.88, ())
    crp = _at(t5409664, 3, 4)  # second row of the rowspan: measure carried down
    assert (crp.measure, crp.arm, crp.timepoint, crp.mean, crp.sd) == ("CRP (mg/L)", "Group III", "End of study", 6.9, 3.5)
    assert _at(t5409664, 7, 4).markers == ("**",)


def test_n_header_cells_and_column_labels(t5409664):
    ns = [v for v in t5409664 if v.kind == "n"]
    assert [(v.row, v.col, v.arm, v.n) for v in ns] == [(1, 2, "Group I", 20), (1, 3, "Group II", 20), (1, 4, "Group III", 20)]
    assert _at(t5409664, 12, 3).column_label == "Group II / n = 20"
    assert len([v for v in t5409664 if v.kind == "mean_sd"]) == 36


def test_header_row_in_tbody_and_p_column_spellings():
    values = _values("PMC5409664", "Table 3")
    first = _at(values, 2, 1)
    assert (first.measure, first.arm, first.timepoint, first.mean) == ("16:0", "Group I", "Baseline", 30.07)
    assert _at(values, 2, 2).timepoint == "After 12 wk"
    ps = [v for v in values if v.col == 3]
    assert ps and all(v.kind == "p" for v in ps)
    texts = {v.text: v for v in ps}
    assert texts["NS"].p is None and texts["NS"].p_text == "NS"
    assert texts["0.010"].p == 0.010
    t4 = {v.text: v for v in _values("PMC5409664", "Table 4") if v.col == 3}
    assert all(v.kind == "p" for v in t4.values())
    assert (t4["p = 0.048"].p, t4["p = 0.048"].p_text) == (0.048, "0.048")
    assert (t4["p < 0.001"].p, t4["p < 0.001"].p_text) == (0.001, "<0.001")
    assert (t4["<0.001"].p, t4["<0.001"].p_text) == (0.001, "<0.001")


def test_section_rows_with_arms_as_rows_and_timepoint_columns():
    values = _values("PMC4482193", "Table 4")
    v = _at(values, 2, 1)
    assert (v.measure, v.arm, v.timepoint, v.mean, v.sd, v.n) == ("Albumin", "Control", "Pre treatment", 2.80, 0.15, None)
    v = _at(values, 4, 4)
    assert (v.text, v.arm, v.timepoint, v.mean, v.sd, v.markers) == ("3.16 ± 0.14#*", "Double infusion", "2 months", 3.16, 0.14, ("#", "*"))
    v = _at(values, 16, 8)
    assert (v.measure, v.arm, v.timepoint, v.mean) == ("Serum creatinine", "Repeated infusion", "12 months", 0.92)
    assert not [v for v in values if v.col == 2 and v.measure == "Serum creatinine"]  # empty 2-weeks cells
    assert {v.measure for v in values} == {"Albumin", "s-Bilirubin", "INR", "Serum creatinine"}
    assert len(values) == 3 * 8 * 3 + 3 * 7


def test_timepoint_rows_under_site_sections_with_en_dash_minus():
    values = _values("PMC5541727", "Table 4")
    v = _at(values, 2, 2)
    assert (v.text, v.measure, v.arm, v.timepoint, v.mean, v.sd) == ("–4.0 (3.9)", "Medial tibia", "HA alone", "6 months", -4.0, 3.9)
    v = _at(values, 7, 1)
    assert (v.measure, v.arm, v.timepoint, v.mean, v.sd) == ("Lateral tibia", "MPC + HA", "12 months", -4.7, 3.4)
    p = _at(values, 8, 3)
    assert (p.kind, p.p, p.arm, p.timepoint) == ("p", 0.22, None, "24 months")


def test_number_percent_rows_in_a_mean_sd_table_with_n_in_header():
    values = _values("PMC5541727", "Table 2")
    females = _at(values, 2, 1)
    assert (females.kind, females.count, females.pct, females.mean, females.n) == ("n_pct", 3, 27.0, None, 11)
    age = _at(values, 1, 2)
    assert (age.kind, age.mean, age.sd, age.arm, age.n) == ("mean_sd", 26.9, 10.3, "HA alone", 6)
    assert _at(values, 7, 1).measure == "KOOS > Pain"


def test_n_pct_sections_are_not_means_and_haq_change_is():
    values = _values("PMC4359699", "Table 2")
    acr20 = _at(values, 23, 2)
    assert acr20.measure == "ACR20 response, n (%)" and acr20.timepoint == "Week 8"
    assert (acr20.kind, acr20.count, acr20.pct, acr20.mean, acr20.sd) == ("n_pct", 53, 50.0, None, None)
    haq = _at(values, 40, 1)
    assert haq.measure.startswith("Change from baseline in HAQ-DI")
    assert (haq.kind, haq.arm, haq.timepoint, haq.mean, haq.sd, haq.n) == ("mean_sd", "Placebo-etanercept", "Week 24", -0.45, 0.52, 104)
    assert _at(values, 40, 2).mean == -0.48
    means = [v for v in values if v.kind == "mean_sd"]
    assert len(means) == 8 and all("HAQ-DI" in v.measure for v in means)
    assert len([v for v in values if v.kind == "n_pct"]) == 7 * 4 * 2


def test_baseline_table_mixes_mean_sd_and_n_pct_rows():
    values = _values("PMC4359699", "Table 1")
    age = _at(values, 1, 1)
    assert (age.kind, age.mean, age.sd, age.n) == ("mean_sd", 55.5, 12.8, 104)
    women = _at(values, 2, 1)
    assert (women.kind, women.count, women.pct, women.mean) == ("n_pct", 86, 82.7, None)


def test_two_level_header_arm_over_baseline_post_and_p():
    values = _values("PMC4170701", "Table 2")
    v = _at(values, 2, 1)
    assert (v.text, v.measure, v.arm, v.timepoint, v.mean, v.sd, v.n) == ("3.3 ± 2.0", "Schober's test", "COMB group", "Baseline", 3.3, 2.0, 9)
    v = _at(values, 2, 5)
    assert (v.arm, v.timepoint, v.mean, v.n) == ("ROM group", "Postexercise", 2.2, 10)
    assert v.column_label == "ROM group (n = 10) / Postexercise mean (SD)"
    p = _at(values, 2, 3)
    assert (p.kind, p.p, p.mean) == ("p", 0.260, None)
    assert _at(values, 2, 7).kind == "p"
    starred = _at(values, 6, 4)
    assert (starred.text, starred.mean, starred.sd, starred.markers) == ("23.7 ± 17.7∗", 23.7, 17.7, ("∗",))


def test_repeated_measure_names_are_keyed_by_section():
    values = _values("PMC4170701", "Table 3")
    rest = _at(values, 3, 1)
    peak = _at(values, 14, 1)
    assert rest.measure == "Resting state > HR (beats/min)" and rest.section == "Resting state"
    assert peak.measure == "Peak response > SBP (mmHg)" and peak.mean == 177.0
    keys = [(v.measure, v.arm, v.timepoint, v.col) for v in values]
    assert len(keys) == len(set(keys))


def test_footnotes_are_kept_not_parsed():
    article = parse_jats((FIXTURES / "PMC4482193.nxml").read_bytes())
    table = article.table("Table 4")
    assert table.footnotes[0] == "Data presented as mean ± standard deviation"
    assert len(table.footnotes) == 3


def _wrap(xml: str):
    return parse_table_wrap(etree.fromstring(xml))


def test_grid_expands_rowspan_and_colspan_and_keeps_source_indices():
    table = _wrap(
        "<table-wrap><label>Table 9</label><caption><p>Cap</p></caption><table>"
        "<thead><tr><th rowspan='2'>M</th><th colspan='2'>Arm A</th></tr>"
        "<tr><th>Baseline</th><th>Week 12</th></tr></thead>"
        "<tbody><tr><td rowspan='2'>DAS28</td><td>5.1 ± 1.0</td><td>4.0 ± 0.9<sup>a</sup></td></tr>"
        "<tr><td>12 (40.0%)</td><td>3.0 (2.0–4.5)</td></tr></tbody></table></table-wrap>"
    )
    assert (table.label, table.caption, table.n_header_rows, table.n_rows, table.n_cols) == ("Table 9", "Cap", 2, 4, 3)
    assert table.column_labels == ("M", "Arm A / Baseline", "Arm A / Week 12")
    copy = table.cell(3, 0)
    assert (copy.text, copy.source_row, copy.source_col, copy.is_span_copy) == ("DAS28", 2, 0, True)
    assert table.cell(0, 2).is_span_copy and table.cell(0, 2).text == "Arm A"
    assert table.cell(3, 1).source_col == 0
    values = table_values(table)
    a = _at(values, 2, 2)
    assert (a.measure, a.arm, a.timepoint, a.mean, a.markers) == ("DAS28", "Arm A", "Week 12", 4.0, ("a",))
    assert (_at(values, 3, 1).kind, _at(values, 3, 1).count, _at(values, 3, 1).pct) == ("n_pct", 12, 40.0)
    med = _at(values, 3, 2)
    assert (med.kind, med.median, med.q1, med.q3) == ("median_iqr", 3.0, 2.0, 4.5)


@pytest.mark.parametrize(
    ("text", "shape", "a", "b"),
    [
        ("4.99 ± 0.88", "pm", 4.99, 0.88),
        ("2.80\u2009±\u20090.15", "pm", 2.80, 0.15),
        ("\u22120.09 (0.39)", "paren", -0.09, 0.39),
        ("\u20134.0 (3.9)", "paren", -4.0, 3.9),
        ("0.13 ± 0.11 ***###", "pm", 0.13, 0.11),
        ("p = 0.048", "p", 0.048, None),
        ("<0.001", "p", 0.001, None),
    ],
)
def test_parse_cell_spellings(text, shape, a, b):
    parsed, _ = parse_cell(text)
    assert parsed is not None and (parsed.shape, parsed.a, parsed.b) == (shape, a, b)


def test_image_only_and_text_tables_give_no_values():
    assert table_values(_wrap("<table-wrap><label>Table 1</label><graphic/></table-wrap>")) == []
    article = parse_jats((FIXTURES / "PMC5541727.nxml").read_bytes())
    assert table_values(article.table("Table 1")) == []


def test_all_integer_count_table_is_n_pct_without_any_label_hint():
    values = _values("PMC4482193", "Table 5")
    v = _at(values, 2, 3)
    assert (v.text, v.kind, v.count, v.pct, v.mean) == ("12 (40)", "n_pct", 12, 40.0, None)
    assert not [x for x in values if x.kind == "mean_sd"]
