"""The report's forest plots as RevMan users read them (issue 12): per-arm columns from what the
synthesis computed each effect size from, favours labels on the side the outcome's better direction
gives, the test for the overall effect and heterogeneity, units on the axis, one prediction
interval everywhere, and k = 1 never drawn as pooled.

Every study here is FICTITIOUS ("Fictitious ..."; tests/fixtures/review/README.md for the records file).
"""
from __future__ import annotations

import dataclasses
import html as html_lib
import json
import math
import re

import pytest

from analysis import escalc
from tests.trialsynth.conftest import FICTITIOUS_RECORDS
from tests.trialsynth.report_fixture import sample_context
from trialsynth.cli import main
from trialsynth.forest import favours_labels, forest_data, plot_arms
from trialsynth.overlap import CohortInfo
from trialsynth.plan import load_plan
from trialsynth.report import _in_fit_order, render_html
from trialsynth.synthesis import StudyInput, synthesise

PLAN = load_plan({})
CONTROLLED = [{"name": "MSC group"}, {"name": "placebo group", "control": True}]
DOSES = [{"name": "low dose"}, {"name": "high dose"}, {"name": "placebo group", "control": True}]


def _row(measure, arm, n, weeks=24.0, **values):
    return {"measure": measure, "arm": arm, "n": n, "timepoint_weeks": weeks,
            "provenance": {"location": "abstract", "text": "fictitious sentence", "entered_by": "extractor"},
            **values}


def _study(i, outcomes, arms):
    rid, label, year = f"F-{i:02d}", f"Fictitious {chr(65 + i)} {2010 + i}", 2010 + i
    pred = {"id": rid, "include": True, "n_enrolled": 40, "arms": arms, "outcomes": outcomes, "doses": []}
    return StudyInput(rid, label, year, pred, CohortInfo(rid, label, f"Author{i}", year, (), 40, f"source {i}",
                                                         "intravenous", frozenset()))


def _studies():
    """Fictitious studies: ACR20 and adverse events against placebo (RR), DAS28 follow-up against placebo
    (MD), HAQ baseline and follow-up (MC, pre-post), ESR mean changes (MC), EULAR response (PLO), CRP k = 1."""
    rr = [(12, 20, 5, 20), (18, 30, 9, 30), (7, 15, 4, 16)]
    md = [(3.1, 1.0, 20, 4.0, 1.1, 20), (3.6, 1.2, 30, 4.1, 1.0, 30), (2.9, 0.9, 15, 4.2, 1.3, 16)]
    out = []
    for i, ((a, n1, c, n2), (m1, s1, k1, m2, s2, k2)) in enumerate(zip(rr, md)):
        out.append(_study(i, [
            _row("ACR20", "MSC group", n1, n_responders=a), _row("ACR20", "placebo group", n2, n_responders=c),
            _row("adverse events", "MSC group", n1, n_responders=a // 2),
            _row("adverse events", "placebo group", n2, n_responders=c // 2 + 1),
            _row("DAS28", "MSC group", k1, followup_mean=m1, followup_sd=s1),
            _row("DAS28", "placebo group", k2, followup_mean=m2, followup_sd=s2)], CONTROLLED))
    # two dose cohorts against placebo: counts summed into one MSC group
    out.append(_study(3, [_row("ACR20", "low dose", 10, n_responders=4), _row("ACR20", "high dose", 12, n_responders=7),
                          _row("ACR20", "placebo group", 11, n_responders=3)], DOSES))
    single = [{"name": "MSC (single arm)"}]
    for i, (b, f, sd_b, sd_f, n) in enumerate([(1.6, 1.1, 0.6, 0.7, 20), (1.4, 1.2, 0.5, 0.6, 25),
                                                 (1.8, 1.0, 0.7, 0.6, 18)], start=4):
        rows = [_row("HAQ", "MSC (single arm)", n, baseline_mean=b, baseline_sd=sd_b, followup_mean=f,
                     followup_sd=sd_f),
                _row("ESR", "MSC (single arm)", n, weeks=12.0, change_mean=-8.0 + i, change_sd=9.0),
                _row("EULAR response", "MSC (single arm)", n, n_responders=n // 2)]
        if i == 4:
            rows.append(_row("CRP", "MSC (single arm)", n, change_mean=-3.0, change_sd=4.0))
        out.append(_study(i, rows, single))
    return out


@pytest.fixture(scope="module")
def synthesis():
    return synthesise(_studies(), PLAN)


@pytest.fixture(scope="module")
def pooled(synthesis):
    return {(p.outcome, p.measure): p for p in synthesis.pooled}


@pytest.fixture(scope="module")
def forest(synthesis):
    return {f.key: f for f in forest_data(synthesis.pooled, PLAN)}


@pytest.fixture(scope="module")
def page(synthesis, forest):
    ctx = dataclasses.replace(sample_context(), pooled=synthesis.pooled, forest=tuple(forest.values()))
    return render_html(ctx)


def _figure(page: str, key: str) -> str:
    start = page.index(f'<figure class="forest-plot" data-key="{key}">')
    return page[start:page.index("</figure>", start)]


def _texts(svg: str) -> list[str]:
    return [html_lib.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


def _article(page: str, key: str) -> str:
    start = page.rindex("<article", 0, page.index(f'data-key="{key}"'))
    return page[start:page.index("</article>", start)]


# ---------------------------------------------------------------------------------- what the synthesis keeps

def test_each_pooled_study_keeps_the_escalc_inputs_of_its_effect_size(synthesis):
    for pa in synthesis.pooled:
        for s in pa.studies:
            assert s.inputs, (pa.key, s.label)
            args = {k: [v] for k, v in s.inputs.items()}
            # a reported mean change is metafor's "MN" of the change scores
            measure = "MN" if "mi" in s.inputs else pa.measure
            es = escalc(measure, **args)
            assert math.isclose(float(es.yi[0]), s.yi, rel_tol=1e-12), (pa.key, s.label)
            assert math.isclose(float(es.vi[0]), s.vi, rel_tol=1e-12), (pa.key, s.label)


def test_combined_dose_arms_are_summed_and_named(pooled):
    combined = next(s for s in pooled["ACR20", "RR"].studies if s.record_id == "F-03")
    assert combined.inputs == {"ai": 11, "n1i": 22, "ci": 3, "n2i": 11}
    assert combined.arms == (("low dose", "high dose"), ("placebo group",))
    assert pooled["DAS28", "MD"].studies[0].scores == "follow-up"
    assert pooled["HAQ", "MC"].studies[0].scores == "pre-post"
    assert pooled["ESR", "MC"].studies[0].scores == "change"


def test_the_json_form_carries_the_inputs(synthesis):
    row = synthesis.pooled[0].to_dict()["studies"][0]
    assert set(row) >= {"inputs", "scores", "arms"} and json.dumps(row)


# ---------------------------------------------------------------------------------- the RevMan columns

def test_forest_data_gives_each_group_its_numbers(forest):
    rr = forest["ACR20|13–26 weeks|RR"]
    first = rr.studies[0]
    assert (first.experimental.events, first.experimental.total, first.control.events, first.control.total) == (
        12, 20, 5, 20)
    md = forest["DAS28|13–26 weeks|MD"].studies[0]
    assert (md.experimental.mean, md.experimental.sd, md.experimental.n, md.experimental.what) == (
        3.1, 1.0, 20, "follow-up")
    haq = forest["HAQ|13–26 weeks|MC"].studies[0].experimental
    assert (haq.baseline_mean, haq.baseline_sd, haq.mean, haq.sd, haq.n) == (1.6, 0.6, 1.1, 0.7, 20)
    esr = forest["ESR|≤ 12 weeks|MC"].studies[0].experimental
    assert (esr.mean, esr.sd, esr.n, esr.what) == (-4.0, 9.0, 20, "change from baseline")
    assert forest["HAQ|13–26 weeks|MC"].unit == "HAQ points" and forest["ESR|≤ 12 weeks|MC"].unit == "mm/h"


@pytest.mark.parametrize("key, left, right", [
    ("ACR20|13–26 weeks|RR", "Favours control", "Favours MSC"),           # responders: higher is better
    ("adverse events|13–26 weeks|RR", "Favours MSC", "Favours control"),  # harms: lower is better
    ("DAS28|13–26 weeks|MD", "Favours MSC", "Favours control"),           # disease activity: lower is better
    ("HAQ|13–26 weeks|MC", "Improvement", "Worsening"),
    ("EULAR response|13–26 weeks|PLO", None, None),                       # a proportion has no better side
])
def test_favours_labels_follow_the_outcomes_better_direction(forest, key, left, right):
    assert (forest[key].favours_left, forest[key].favours_right) == (left, right)


def test_favours_labels_are_left_for_effects_below_the_null():
    assert favours_labels("RR", "higher") == ("Favours control", "Favours MSC")
    assert favours_labels("MD", "lower") == ("Favours MSC", "Favours control")
    assert favours_labels("MD", None) == (None, None)


def test_plot_arms_give_escalc_names_follow_up_in_m1i(forest, pooled):
    """escalc's order (metafor's MC: m1i the later time, as in its morris2008 example): m1i, sd1i the
    follow-up, m2i, sd2i the baseline -- escalc computes each study's yi back from them."""
    data = forest["HAQ|13–26 weeks|MC"]
    arms = plot_arms(data, data.studies)
    assert arms == {"m1i": [1.1, 1.2, 1.0], "sd1i": [0.7, 0.6, 0.6], "m2i": [1.6, 1.4, 1.8],
                    "sd2i": [0.6, 0.5, 0.7], "ni": [20, 25, 18]}
    es = escalc("MC", **arms, ri=[PLAN.assumed_r] * 3)
    assert list(es.yi) == pytest.approx([s.yi for s in pooled["HAQ", "MC"].studies], rel=1e-12)


def test_plot_arms_give_a_reported_mean_change_as_mi_sdi_ni(forest, pooled):
    esr = forest["ESR|≤ 12 weeks|MC"]
    arms = plot_arms(esr, esr.studies)
    assert arms == {"mi": [-4.0, -3.0, -2.0], "sdi": [9.0, 9.0, 9.0], "ni": [20, 25, 18]}
    es = escalc("MN", **arms)     # metafor reads a reported change as the "MN" of the change scores
    assert list(es.yi) == pytest.approx([s.yi for s in pooled["ESR", "MC"].studies], rel=1e-12)


def _haq_studies(kinds):
    """Single-arm HAQ studies; "pre-post" gives baseline and follow-up, "change" a mean change."""
    single = [{"name": "MSC (single arm)"}]
    out = []
    for i, kind in enumerate(kinds, start=10):
        values = (dict(baseline_mean=1.6, baseline_sd=0.6, followup_mean=1.0 + i / 100, followup_sd=0.7)
                  if kind == "pre-post" else dict(change_mean=-0.4 - i / 100, change_sd=0.5))
        out.append(_study(i, [_row("HAQ", "MSC (single arm)", 20 + i, **values)], single))
    return out


def test_plot_arms_of_an_smcr_analysis_give_the_baseline_sd_as_sd1i():
    """escalc's SMCR standardises by sd1i, the baseline SD (morris2008: sd1i = sd_pre), and uses no
    follow-up SD."""
    plan = load_plan({"analysis": {"outcomes": {"HAQ": {"kind": "continuous", "single_arm": "SMCR"}}}})
    [pa] = [p for p in synthesise(_haq_studies(["pre-post"] * 3), plan).pooled if p.outcome == "HAQ"]
    assert pa.measure == "SMCR"
    [data] = forest_data((pa,), plan)
    arms = plot_arms(data, data.studies)
    assert arms == {"m1i": [1.1, 1.11, 1.12], "m2i": [1.6] * 3, "sd1i": [0.6] * 3, "ni": [30, 31, 32]}
    es = escalc("SMCR", **arms, ri=[plan.assumed_r] * 3)
    assert list(es.yi) == pytest.approx([s.yi for s in pa.studies], rel=1e-12)


def test_a_mean_change_analysis_mixing_changes_and_pre_post_shows_both(tmp_path):
    [pa] = [p for p in synthesise(_haq_studies(["pre-post", "change", "pre-post"]), PLAN).pooled
            if p.outcome == "HAQ"]
    [data] = forest_data((pa,), PLAN)
    arms = plot_arms(data, data.studies)
    assert arms == {"m1i": [1.1, None, 1.12], "sd1i": [0.7, None, 0.7], "m2i": [1.6, None, 1.6],
                    "sd2i": [0.6, None, 0.6], "mi": [None, -0.51, None], "sdi": [None, 0.5, None],
                    "ni": [30, 31, 32]}
    page = render_html(dataclasses.replace(sample_context(), pooled=(pa,), forest=(data,)))
    svg = _figure(page, pa.key)
    texts = [t.strip() for t in _texts(svg)]
    assert {"Follow-up", "Baseline", "Mean change", "SD", "Total", "1.10", "-0.51", "0.50", "93"} <= set(texts)
    assert _x(svg, "Follow-up") < _x(svg, "Baseline") < _x(svg, "-0.51")


def test_arms_follow_the_fits_order_by_label(pooled, forest):
    pa = pooled["ACR20", "RR"]
    fit = dataclasses.replace(pa.fit, labels=list(reversed(pa.fit.labels)))
    reordered = dataclasses.replace(pa, fit=fit)
    got = _in_fit_order(reordered, forest[pa.key])
    assert [s.label for s in got] == list(reversed([s.label for s in pa.studies]))


# ---------------------------------------------------------------------------------- the plots in the report

def test_risk_ratio_plot_has_events_and_totals_per_group(page, pooled):
    texts = _texts(_figure(page, "ACR20|13–26 weeks|RR"))
    for expected in ("MSC", "Control", "Events", "Total", "Total events", "Favours control", "Favours MSC",
                     "Risk ratio (log scale)"):
        assert expected in [t.strip() for t in texts], expected
    assert any(t.startswith("Heterogeneity: Tau² = ") and "Chi² = " in t and "I² = " in t for t in texts)
    assert any(t.startswith("Test for overall effect: t = ") for t in texts)
    # the studies' own counts: 12/20 vs 5/20 in the first, 11/22 vs 3/11 with the two doses combined
    assert {"12", "20", "5", "11", "22", "3"} <= set(texts)
    assert str(sum([12, 18, 7, 11])) in texts and str(sum([20, 30, 15, 22])) in texts   # Total events, Total


def _square_centres(svg: str) -> list[float]:
    """The y of the centre of each marker of the plot's PathCollections: a <use> of a marker (its y), or
    a marker drawn as its own <path> (the middle of its corners), as matplotlib's SVG writer chooses."""
    centres = []
    for group in re.findall(r'<g id="[^"]*PathCollection_\d+">(.*?)</g>', svg, flags=re.S):
        for use_y in re.findall(r'<use [^>]*\by="([\d.]+)"', group):
            centres.append(float(use_y))
        for d in re.findall(r'<path d="([^"]+)"', group):
            ys = [float(y) for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", d)]
            centres.append((min(ys) + max(ys)) / 2)
    return centres


def test_study_rows_line_up_with_their_squares_in_the_inline_svg(page):
    """The forest plot lays itself out in inches: cropping it to a tight box would move the plot panel
    but not the texts, so each study's square would sit a third of a row above its name."""
    svg = _figure(page, "ACR20|13–26 weeks|RR")
    names = [float(y) for y in re.findall(r'<text\b[^>]*\by="([\d.]+)"[^>]*>Fictitious [A-D] 201\d</text>', svg)]
    squares = _square_centres(svg)
    assert len(names) == 4 and len(squares) == 4
    row = names[1] - names[0]
    # a text's y is its baseline, a little below the middle of its row
    assert all(0 < name - square < row / 4 for name, square in zip(names, squares)), (names, squares)


def test_mean_difference_plot_has_mean_sd_and_n_and_units(page):
    texts = [t.strip() for t in _texts(_figure(page, "DAS28|13–26 weeks|MD"))]
    assert {"Mean", "SD", "Total", "MSC", "Control", "Favours MSC", "Favours control"} <= set(texts)
    assert "Mean difference (DAS28 points)" in texts
    assert {"3.10", "1.00", "4.00", "1.10"} <= set(texts)


def _x(svg: str, text: str) -> float:
    """The x of the first <text> drawing `text` (its anchor: the middle of a heading, the right edge of
    a number)."""
    for attrs, shown in re.findall(r"<text\b([^>]*)>([^<]*)</text>", svg):
        if html_lib.unescape(shown).strip() == text:
            return float(re.search(r'\bx="([-\d.]+)"', attrs).group(1))
    raise AssertionError(f"{text!r} is not drawn")


def test_pre_post_plot_has_follow_up_and_baseline_under_the_right_headings(page):
    svg = _figure(page, "HAQ|13–26 weeks|MC")
    texts = [t.strip() for t in _texts(svg)]
    assert {"Follow-up", "Baseline", "Improvement", "Worsening", "Mean change (HAQ points)"} <= set(texts)
    assert not {"Time 1", "Time 2"} & set(texts)
    # the first study: follow-up 1.1 (SD 0.7), baseline 1.6 (SD 0.6)
    for value, heading in (("1.10", "Follow-up"), ("0.70", "Follow-up"), ("1.60", "Baseline"), ("0.60", "Baseline")):
        nearest = min(("Follow-up", "Baseline"), key=lambda h: abs(_x(svg, h) - _x(svg, value)))
        assert nearest == heading, (value, heading)


def test_reported_mean_changes_have_their_own_columns_in_the_plot(page):
    texts = [t.strip() for t in _texts(_figure(page, "ESR|≤ 12 weeks|MC"))]
    assert {"Mean change", "SD", "Total", "-4", "-3", "-2", "9", "20", "25", "18", "63",
            "Mean change (mm/h)"} <= set(texts)
    assert not {"Follow-up", "Baseline"} & set(texts)


def test_a_proportion_has_no_favours_labels(page):
    texts = [t.strip() for t in _texts(_figure(page, "EULAR response|13–26 weeks|PLO"))]
    assert {"Events", "Total"} <= set(texts)
    assert not any(t.startswith("Favours") or t in ("Improvement", "Worsening") for t in texts)


def test_favours_labels_are_placed_by_offsets_not_spaces(page):
    """Spaces at the ends of an SVG text are dropped by viewers: the labels are placed a gap either
    side of the line of no effect, so the page needs no white-space CSS for them."""
    assert '<p class="favours">' not in page   # the interim line under the figure is gone
    assert "white-space:pre;" not in page
    svg = _figure(page, "DAS28|13–26 weeks|MD")
    favours = [t for t in _texts(svg) if t.strip().startswith("Favours")]
    assert favours == ["Favours MSC", "Favours control"]           # no padding
    anchors = dict(re.findall(r'text-anchor: (end|start)" x="[^"]*"[^>]*>(Favours [^<]*)<', svg))
    assert anchors == {"end": "Favours MSC", "start": "Favours control"}
    gap = _x(svg, "Favours control") - _x(svg, "Favours MSC")
    assert gap == pytest.approx(12, abs=0.5)    # 6 points either side of the null line


def test_the_prediction_interval_is_drawn_only_where_the_analysis_has_one(synthesis, forest):
    three = next(p for p in synthesis.pooled if p.k == 3 and p.measure == "MD")
    assert three.pi_low is not None
    page = render_html(dataclasses.replace(sample_context(), pooled=(three,), forest=tuple(forest.values())))
    assert "95% prediction interval" in _texts(_figure(page, three.key))
    without = dataclasses.replace(three, pi_low=None, pi_high=None)   # as with prediction_interval = false
    page = render_html(dataclasses.replace(sample_context(), pooled=(without,), forest=tuple(forest.values())))
    assert "95% prediction interval" not in _texts(_figure(page, three.key))
    assert "not estimated" in _article(page, three.key)


def test_one_study_is_never_drawn_as_pooled(page, pooled):
    assert pooled["CRP", "MC"].k == 1
    article = _article(page, pooled["CRP", "MC"].key)
    assert "not pooled (k = 1)" in article[:article.index("</h3>")]
    assert "<figure" not in article and "<svg" not in article
    assert "Mean change (SD)" in article and "-3 (4)" in article   # the study's own numbers, in the table


def test_the_study_table_shows_each_groups_numbers(page):
    article = _article(page, "ACR20|13–26 weeks|RR")
    assert "MSC events/total" in article and "11/22" in article and "3/11" in article
    assert "arms combined: low dose, high dose" in article
    article = _article(page, "HAQ|13–26 weeks|MC")
    assert "Baseline mean in HAQ points (SD)" in article and "1.6 (0.6)" in article and "1.1 (0.7)" in article


def test_change_scores_and_follow_up_values_in_one_analysis_are_told_apart():
    studies = [_study(i, [_row("DAS28", "MSC group", 20, **{f"{kind}_mean": 3.0 - i / 10, f"{kind}_sd": 1.0}),
                          _row("DAS28", "placebo group", 20, **{f"{kind}_mean": 3.5, f"{kind}_sd": 1.0})], CONTROLLED)
               for i, kind in enumerate(("change", "followup", "followup"))]
    [pa] = [p for p in synthesise(studies, PLAN).pooled if p.measure == "MD"]
    page = render_html(dataclasses.replace(sample_context(), pooled=(pa,), forest=forest_data((pa,), PLAN)))
    article = _article(page, pa.key)
    assert "MSC: mean in DAS28 points (SD), n" in article and "Means of" in article
    assert "<td class=\"num\">change from baseline</td>" in article
    assert article.count("<td class=\"num\">follow-up</td>") == 2


# ---------------------------------------------------------------------------------- the demo with the fixture review

@pytest.fixture(scope="module")
def demo_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("forest-demo") / "rev"
    assert main(["demo", str(root)]) == 0
    assert main(["demo", str(root), "--from", str(FICTITIOUS_RECORDS)]) == 0
    return root, (root / "report.html").read_text(encoding="utf-8")


def test_the_demo_with_the_fictitious_records_draws_a_revman_forest_plot(demo_page, capsys):
    capsys.readouterr()
    root, page = demo_page
    results = json.loads((root / "results.json").read_text(encoding="utf-8"))
    drawn = [p for p in results["pooled"] if p["k"] >= 2]
    assert [p["key"] for p in drawn] == ["DAS28|≤ 12 weeks|MC"]
    texts = [t.strip() for t in _texts(_figure(page, "DAS28|≤ 12 weeks|MC"))]
    assert {"Park 2018", "Fictitious 2025", "Mean change", "SD", "Total", "-1.60", "-1.20", "1.57", "1.00", "9",
            "30", "39", "Improvement", "Worsening", "Mean change (DAS28 points)"} <= set(texts)
    assert any(t.startswith("Heterogeneity: Tau² = ") for t in texts)
    assert any(t.startswith("Test for overall effect: t = ") for t in texts)
    assert "95% prediction interval" not in texts   # k = 2: none in the statistics nor in results.json
    assert drawn[0]["pi_low"] is None
    article = _article(page, "DAS28|≤ 12 weeks|MC")
    assert "Prediction interval</dt><dd>not estimated" in article
    assert "Mean change in DAS28 points (SD)" in article and "-1.6 (1.57)" in article and "-1.2 (1)" in article
    assert [s["inputs"] for s in drawn[0]["studies"]] == [{"mi": -1.6, "sdi": 1.57, "ni": 9},
                                                           {"mi": -1.2, "sdi": 1.0, "ni": 30}]


def test_the_demo_never_draws_one_study_as_pooled(demo_page):
    root, page = demo_page
    results = json.loads((root / "results.json").read_text(encoding="utf-8"))
    singles = [p["key"] for p in results["pooled"] if p["k"] == 1]
    assert len(singles) >= 5
    for key in singles:
        article = _article(page, key)
        assert "not pooled (k = 1)" in article[:article.index("</h3>")]
        assert "<figure" not in article and "Total (95% CI)" not in article and "Q(0)" not in article
