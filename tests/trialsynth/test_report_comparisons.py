"""The between-group comparisons in the report's evidence section and in results.json, and the basis of
each direction of effect (between groups, within an arm) in the direction tables and summary.md.

The rows are FICTITIOUS (tests/trialsynth/report_fixture.py's studies).
"""
from __future__ import annotations

import dataclasses
import json

import pytest

from tests.trialsynth.report_fixture import sample_context
from trialsynth.comparisons import COMPARISON_COLUMNS
from trialsynth.report import render_html, render_markdown
from trialsynth.results import DirectionEntry, DirectionSynthesis
from trialsynth.update import write_results

HOSTILE = 'CRP <img src=x onerror="alert(1)"> & ESR'


def _row(**values):
    row = dict.fromkeys(COMPARISON_COLUMNS)
    row.update(record_id="F-0005", study="Fictitious E 2021", outcome="DAS28", outcome_text="DAS28",
               outcome_canonical="DAS28", intervention="MSC", comparator="placebo", intervention_arm="MSC group",
               comparator_arm="placebo group", timepoint_weeks=24.0, label="significantly decreased",
               label_basis="fell more", effect_kind="MD", effect=-1.2, ci_low=-1.9, ci_high=-0.5, p_value="=0.01",
               source="rule", source_location="section:Results",
               verbatim="DAS28 fell more with MSC than with placebo (MD -1.2, 95% CI -1.9 to -0.5; P = 0.01).")
    row.update(values)
    return row


@pytest.fixture(scope="module")
def ctx():
    rows = (_row(), _row(outcome=HOSTILE, outcome_text=HOSTILE, outcome_canonical=None, label="no significant difference",
                         effect_kind=None, effect=None, ci_low=None, ci_high=None, p_value="=0.40", source="table",
                         source_location="table:Table 2 r3 c5", verbatim="CRP | 4.1 | 4.3 | <b>0.40</b>",
                         timepoint_weeks=None))
    return dataclasses.replace(sample_context(), comparisons=rows)


def _section(html: str) -> str:
    return html[html.index('id="comparisons"'):html.index('id="forest-plots"')]


def test_the_evidence_section_lists_the_comparisons_with_their_provenance(ctx):
    html = render_html(ctx)
    section = _section(html)
    assert "Between-group comparisons (2)" in section
    assert section.count('<tr class="comparison-row"') == 2
    assert "Fictitious E 2021" in section and "MSC group vs placebo group" in section
    assert "significantly decreased" in section and "MD -1.2 (95% CI -1.9 to -0.5)" in section
    assert "full text, section Results" in section and "DAS28 fell more with MSC than with placebo" in section
    assert "full text, Table 2, row 3, column 5" in section and "24 wk" in section
    assert html.index('id="evidence-table"') < html.index('id="comparisons"') < html.index('id="forest-plots"')


def test_harvested_text_of_a_comparison_is_escaped(ctx):
    section = _section(render_html(ctx))
    assert "<img" not in section and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; ESR" in section
    assert "<b>0.40</b>" not in section and "&lt;b&gt;0.40&lt;/b&gt;" in section


def test_a_review_without_comparisons_says_so():
    section = _section(render_html(sample_context()))
    assert "No between-group comparison" in section


def test_results_json_carries_the_comparisons(ctx, tmp_path):
    data = json.loads(write_results(ctx, tmp_path / "results.json").read_text())
    assert [c["outcome"] for c in data["comparisons"]] == ["DAS28", HOSTILE]
    assert data["comparisons"][0]["effect"] == -1.2 and data["comparisons"][1]["effect"] is None
    assert list(data["comparisons"][0]) == list(COMPARISON_COLUMNS)


def _entry(rid, basis, **kw):
    return DirectionEntry(rid, f"Fictitious {rid}", kw.pop("direction", "decrease"), kw.pop("benefit", "benefit"),
                          "=0.01", 24.0, 40, f"sentence of {rid}", "abstract", basis=basis, **kw)


def test_each_direction_says_its_basis_in_the_table_and_the_summary(ctx):
    entries = (_entry("R1", "between-group", intervention="MSC group", comparator="placebo group",
                      comparison_label="significantly decreased"),
               _entry("R3", "between-group (computed from the arms' values)", intervention="cohort A + cohort B",
                      comparator="placebo", comparison_label="no significant difference"),
               _entry("R2", "within-arm (no between-group comparison reported)", benefit="not counted"),
               _entry("O1", "within-arm"))
    directions = (DirectionSynthesis("DAS28", "13–26 weeks", entries, {"n_benefit": 3, "n_harm": 0,
                                                                       "n_no_change": 0, "p_value": 0.25}),)
    c = dataclasses.replace(ctx, directions=directions)
    html = render_html(c)
    grid = html[html.index('id="direction-synthesis"'):html.index('id="overlaps"')]
    assert grid.count('<span class="cell-note">between groups</span>') == 1
    assert grid.count('<span class="cell-note">between groups, computed from the arms&#39; values</span>') == 1
    assert grid.count('<span class="cell-note">within arm</span>') == 1
    assert grid.count('<span class="cell-note">within arm; no between-group comparison reported, so not counted'
                      '</span>') == 1
    assert '<span class="dir not-counted"' in grid
    assert "MSC group vs placebo group: significantly decreased" in grid  # the comparison read, in the sentences
    md = render_markdown(c)
    assert ("sign test p = 0.25; basis: 1 between groups, 1 between groups computed from the arms' values, "
            "1 within arm, 1 controlled trial with no between-group result, not counted") in md
