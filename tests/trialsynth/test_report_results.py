"""The report as RevMan and metafor users read it (issue 12): k = 1 is not pooled, one prediction interval,
a tau² bound found beyond metafor's search limit says so, one direction caveat and one table per outcome, history and plan
as tables without absolute paths, provenance with the value marked, and plurals and P values in summary.md.

The numbers are FICTITIOUS (tests/trialsynth/report_fixture.py), except the seed study's statements.
"""
from __future__ import annotations

import dataclasses
import re
import sys

import pytest

from analysis import rma
from tests.trialsynth.report_fixture import sample_context
from trialsynth.report import highlight, render_html, render_markdown
from trialsynth.results import DirectionEntry, DirectionSynthesis, PooledAnalysis, PooledStudy, UpdateEntry
from trialsynth.wording import count, p_number, p_value


def _analysis(html: str, key: str) -> str:
    start = html.index(f'data-key="{key}"')
    start = html.rindex("<article", 0, start)
    return html[start:html.index("</article>", start)]


def _pooled(key: str, yi, vi, *, measure="MC", pi: bool = True) -> PooledAnalysis:
    labels = [f"Fictitious {chr(65 + i)} 202{i}" for i in range(len(yi))]
    method, test = ("REML", "knha") if len(yi) > 1 else ("FE", "z")
    fit = rma(yi, vi, method=method, test=test, measure=measure, labels=labels)
    studies = tuple(PooledStudy(f"F-{i}", lab, y, v, float(w), 20, 12.0, "abstract")
                    for i, (lab, y, v, w) in enumerate(zip(labels, yi, vi, fit.weights)))
    outcome, window, _ = key.split("|")
    notes = ("k = 1: the study's own estimate, not a pooled result",) if len(yi) == 1 else ()
    return PooledAnalysis(key=key, outcome=outcome, window=window, measure=measure, measure_label="mean change",
                          method=fit.method, test=fit.test, k=fit.k, estimate=fit.estimate, ci_low=fit.ci_low,
                          ci_high=fit.ci_high, pi_low=fit.pi_low if pi else None,
                          pi_high=fit.pi_high if pi else None, p_value=fit.p_value, tau2=fit.tau2, i2=fit.i2,
                          q=fit.q, q_p=fit.q_p, transform=None, studies=studies, notes=notes, fit=fit)


@pytest.fixture(scope="module")
def ctx():
    single = _pooled("ESR|≤ 12 weeks|MC", [-7.9], [12.0])
    # two very different studies: REML's tau² CI has no upper root within metafor's search range
    pair = _pooled("HAQ|13-26 weeks|MC", [-1.5, 1.5], [0.01, 0.01], pi=False)
    base = sample_context()
    return dataclasses.replace(base, pooled=base.pooled + (single, pair))


@pytest.fixture(scope="module")
def html(ctx):
    return render_html(ctx)


def test_one_study_is_not_drawn_as_pooled(html):
    article = _analysis(html, "ESR|≤ 12 weeks|MC")
    assert "not pooled (k = 1)" in article[:article.index("</h3>")]  # where the eye lands
    assert "Fictitious A 2020's own estimate: <strong>-7.90</strong>" in article
    assert 'class="forest-plot"' not in article and "<svg" not in article
    for pooled_only in ("FE model", "Q(0)", "I²", "τ²", "Heterogeneity", "Prediction interval", "Weight"):
        assert pooled_only not in article, pooled_only
    assert "k = 1: the study's own estimate" not in article  # said once, in the header, not as a grey note


def test_the_prediction_interval_is_the_same_everywhere(ctx, html):
    pair = ctx.pooled[-1]
    assert pair.pi_low is None and pair.fit.pi_low is not None  # the fit has one, the analysis does not
    article = _analysis(html, pair.key)
    assert "Prediction interval</dt><dd>not estimated" in article
    assert "prediction interval" not in article.split("<dl", 1)[0].lower()  # nor drawn in the forest plot
    das28 = ctx.pooled[0]
    assert f"95% PI [{das28.pi_low:.2f}, {das28.pi_high:.2f}]" in _analysis(html, das28.key)


def test_a_tau2_bound_beyond_metafors_search_limit_is_found_and_said(ctx, html):
    pair = ctx.pooled[-1]
    assert pair.fit.tau2_ci_widened and pair.fit.tau2_ci_high > max(100.0, 10 * pair.fit.tau2)
    article = _analysis(html, pair.key)
    assert (f"to {pair.fit.tau2_ci_high:.3f}, found beyond metafor's default search limit)" in article
            and "100.000" not in article)
    das28 = _analysis(html, ctx.pooled[0].key)
    assert "search limit" not in das28 and f"to {ctx.pooled[0].fit.tau2_ci_high:.3f})" in das28


def test_the_tau2_bound_view_reads_the_fit(ctx):
    from trialsynth.report import _tau2_ci

    @dataclasses.dataclass(frozen=True)
    class Fit:
        tau2_ci_low: float = 0.1
        tau2_ci_high: float = 5000.0
        tau2: float = 0.4
        tau2_ci_widened: bool = True

    assert _tau2_ci(Fit()) == (0.1, 5000.0, False, True)
    assert _tau2_ci(dataclasses.replace(Fit(), tau2_ci_widened=False)) == (0.1, 5000.0, False, False)
    assert _tau2_ci(dataclasses.replace(Fit(), tau2_ci_high=float("inf")))[2]


def _directions(n_outcomes: int = 3) -> tuple[DirectionSynthesis, ...]:
    out = []
    for i in range(n_outcomes):
        for window, weeks in (("≤ 12 weeks", 12.0), ("27–52 weeks", 52.0)):
            entries = (DirectionEntry(f"F-{i}", f"Fictitious {i}", "decrease", "benefit", "<0.05", weeks, 20,
                                      f"Outcome {i} decreased (P < 0.05).", "abstract"),
                       DirectionEntry("F-9", "Fictitious 9", "increase", "harm", None, weeks, 10,
                                      "It rose.", "abstract"))
            out.append(DirectionSynthesis(f"Outcome {i}", window, entries,
                                          {"n_benefit": 1, "n_harm": 1, "p_value": 1.0}))
    return tuple(out)


def test_the_direction_caveat_is_said_once_and_each_outcome_is_one_table(ctx):
    html = render_html(dataclasses.replace(ctx, directions=_directions(3)))
    section = html[html.index('id="direction-synthesis"'):html.index('id="overlaps"')]
    assert section.count("weaker evidence than a pooled effect size") == 1
    assert section.count('<table class="direction-grid">') == 3  # one per outcome, not one per window
    grid = section[section.index('<table class="direction-grid">'):section.index("</table>")]
    assert "<th scope=\"col\">≤ 12 weeks</th><th scope=\"col\">27–52 weeks</th>" in grid
    assert grid.count('<tr class="direction-entry') == 2  # studies × windows
    assert "↓ benefit" in grid and "↑ harm" in grid and "&lt; 0.05" in grid and "p not reported" in grid
    assert "1/2 benefit, p &gt; 0.99" in grid


def test_the_basis_of_a_direction_is_shown_when_known(ctx):
    @dataclasses.dataclass(frozen=True)
    class WithBasis(DirectionEntry):
        basis: str | None = None

    entry = WithBasis("F-1", "Fictitious 1", "decrease", "benefit", "0.01", 12.0, 20, "DAS28 fell.", "abstract",
                      basis="between-group")
    html = render_html(dataclasses.replace(ctx, directions=(DirectionSynthesis("DAS28", "≤ 12 weeks", (entry,),
                                                                              {"n_benefit": 1, "p_value": 1.0}),)))
    assert '<span class="cell-note">between groups</span>' in html


def test_history_and_plan_are_tables_numbered_from_1_without_paths(ctx, tmp_path):
    root = str(tmp_path.resolve() / "my-review")
    history = (
        UpdateEntry(run_id=3, started="2025-01-01T09:00:00+00:00", finished="2025-01-01T09:01:00+00:00",
                    summary={"harvest": [{"source": "import", "query": f"{sys.prefix}/lib/corpus/snapshot.jsonl",
                                          "new": 11, "merged": 0, "updated": 0}],
                             "extract": {"extracted": 11, "new": 11, "re_extracted": 0, "included": 7}},
                    changes=("new records from snapshot.jsonl: 11",)),
        UpdateEntry(run_id=7, started="2025-02-01T09:00:00+00:00", finished="2025-02-01T09:02:00+00:00",
                    summary={"harvest": [{"source": "pubmed", "query": "x", "new": 1, "merged": 2}],
                             "note": f"{root}/corrections.csv line 2"}),
    )
    plan = {"method": "REML", "test": "knha", "prediction_interval": True, "assumed_r": 0.5,
            "windows": [[0.0, 12.0, "≤ 12 weeks"], [52.0, 10000.0, "> 52 weeks"]], "subgroups": ["cell_source"],
            "outcomes": {"DAS28": {"kind": "continuous", "single_arm": "MC", "controlled": "MD"}},
            "source": f"{root}/review.toml"}
    html = render_html(dataclasses.replace(ctx, history=history, plan=plan))
    section = html[html.index('id="history"'):html.index("</section>", html.index('id="history"'))]
    numbers = re.findall(r'<tr><td class="num">(\d+)</td>', section)
    assert numbers == ["1", "2"]  # updates 1 and 2, not the store's run ids 3 and 7
    assert "snapshot.jsonl: 11 new" in section and "pubmed: 1 new, 2 merged" in section
    assert "11 records extracted (11 new, 0 re-extracted); 7 included" in section
    assert "{" not in section and "'" not in section.replace("&#39;", "'").split("<details")[0].replace(
        "what changed", "")
    assert "Knapp-Hartung (t)" in section and "<td>≤ 12 weeks</td><td>0 &lt; weeks ≤ 12</td>" in section
    assert "<td>DAS28</td><td>continuous</td><td>MC</td><td>MD</td>" in section
    assert root not in html and sys.prefix not in html


def test_the_demo_report_has_no_absolute_path(tmp_path):
    from trialsynth.cli import main

    root = tmp_path / "msc-ra-demo"
    assert main(["demo", str(root)]) == 0
    (root / "corrections.csv").write_text(
        "record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note\n"
        "park2018_sctm_cure_iv,DAS28,all patients,4,change_sd,1.57,Ann,Table 2,\n", encoding="utf-8")
    from trialsynth.workflow import bundled_snapshot

    assert main(["update", "--review", str(root), "--from", str(bundled_snapshot())]) == 0
    for name in ("report.html", "summary.md"):
        text = (root / name).read_text("utf-8")
        assert str(root.resolve()) not in text and str(root) not in text, name
        assert sys.prefix not in text, name
    html = (root / "report.html").read_text("utf-8")
    assert "Run 3" not in html and '<tr><td class="num">1</td>' in html and '<tr><td class="num">2</td>' in html
    assert "corrections.csv" in html  # the correction's origin, by file name only


def test_the_value_is_marked_inside_its_sentence(html):
    evidence = html[html.index('id="evidence-table"'):html.index('id="forest-plots"')]
    assert ('DAS28 fell from <mark class="value">5.9</mark> ± <mark class="value">0.8</mark> to '
            '<mark class="value">4.1</mark> ± <mark class="value">1.0</mark> &amp; stayed &lt;b&gt;low&lt;/b&gt; at '
            '24 weeks (P = <mark class="value">0.003</mark>).') in evidence
    assert "location not recorded" not in evidence
    assert "no outcome extracted from this record" in evidence  # F-0004's row without a measure


def test_the_location_links_to_the_record(html):
    evidence = html[html.index('id="evidence-table"'):html.index('id="forest-plots"')]
    seed = evidence[evidence.index('data-record="31908418"'):]
    seed = seed[:seed.index("</tr>")]
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/31908418/" rel="noopener noreferrer">abstract</a>' in seed
    fict_a = evidence[evidence.index('data-record="F-0001"'):]
    # a table cell is in the full text: the DOI (no PMCID in this record) is the link
    assert ('<a href="https://doi.org/10.9999/fict.a.2020" rel="noopener noreferrer">full text, Table 2, row 3, '
            'column 2</a>') in fict_a[:fict_a.index("</tr>")]


@pytest.mark.parametrize("sentence, values, marked", [
    ("DAS28 changes were −1.20 ± 1.00 (p = 0.01).", [1.2, 1.0, (0.01, "p")], ["−1.20", "1.00", "0.01"]),
    ("Twelve of 30 patients (40%) responded at week 12.", [(40.0, "%"), 30.0], ["30", "40"]),
    ("ESR fell in 2 × 10^7 cells", [3.0], []),
    # a percentage is the number before %, not the 20 of "ACR 20"; each value is marked once
    ("American College of Rheumatology 20 responses were 45%, 20%, 33%", [(20.0, "%")], ["20"]),
    ("were 20 and 20", [20.0], ["20"]),
])
def test_highlight(sentence, values, marked):
    out = str(highlight(sentence, values))
    assert re.findall(r'<mark class="value">([^<]*)</mark>', out) == marked
    if "ACR" in sentence or "Rheumatology" in sentence:
        assert "Rheumatology 20 responses" in out


def test_flagged_values_show_the_rule(ctx):
    rows = ctx.evidence_rows + ({"record_id": "F-0007", "measure": "ACR20", "arm": "group B", "n": 20,
                                 "n_responders": 25, "percent_responders": 75.0, "flags": "responders 25 > n 20",
                                 "source_location": "abstract", "verbatim": "25 from the group B (75%)"},)
    html = render_html(dataclasses.replace(ctx, evidence_rows=rows))
    assert "implausible: responders 25 &gt; n 20" in html


def test_summary_plurals_and_p_values(ctx):
    single = DirectionSynthesis("HAQ", "> 52 weeks", (DirectionEntry("F-1", "Fictitious 1", "decrease", "benefit",
                                                                     "<0.001", 60.0, 10, "HAQ fell.", "abstract"),),
                                {"n_benefit": 1, "n_harm": 0, "n_no_change": 0, "p_value": 0.0004})
    md = render_markdown(dataclasses.replace(ctx, directions=(single,)))
    assert "1 studies" not in md and "HAQ, \\> 52 weeks: 1 study; 1 benefit" in md
    assert "p = <" not in md and "sign test p < 0.001" in md
    assert "ESR, ≤ 12 weeks, mean change (MC): not pooled (k = 1); Fictitious A 2020's own estimate -7.90" in md


@pytest.mark.parametrize("value, phrase, number", [
    (0.0004, "p < 0.001", "< 0.001"), (0.0231, "p = 0.023", "0.023"), (0.5, "p = 0.50", "0.50"),
    (1.0, "p > 0.99", "> 0.99"), ("<0.05", "p < 0.05", "< 0.05"), ("=0.0159", "p = 0.0159", "0.0159"),
    ("P = 0.003", "p = 0.003", "0.003"), ("≤0.01", "p ≤ 0.01", "≤ 0.01"), ("NS", "p: NS", "NS"),
    (None, "p not reported", "–"),
])
def test_one_p_value_helper(value, phrase, number):
    assert p_value(value) == phrase and p_number(value) == number


def test_one_plural_helper():
    assert [count(n, "study") for n in (0, 1, 2)] == ["0 studies", "1 study", "2 studies"]
    assert count(1, "analysis") == "1 analysis" and count(3, "analysis") == "3 analyses"
    assert count(2, "record") == "2 records"
