"""report.html and summary.md: sections, self-containment, escaping, plots, atomic writes."""
from __future__ import annotations

import dataclasses
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree

from tests.trialsynth.report_fixture import SCRIPT_TITLE, sample_context
from trialsynth import report
from trialsynth.errors import InputError
from trialsynth.report import prisma_svg, render_html, render_markdown, write_report
from trialsynth.wording import p_value

SECTIONS = ("changes", "prisma", "studies", "evidence-table", "forest-plots", "direction-synthesis", "overlaps",
            "corrections", "history", "footer")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def ctx():
    return sample_context()


@pytest.fixture(scope="module")
def html(ctx):
    return render_html(ctx)


def test_every_section_has_its_id(html):
    ids = [attrs.get("id") for _, attrs in _tags(html).tags]
    for section in SECTIONS:
        assert section in ids, section
    assert html.index('id="changes"') < html.index('id="prisma"'), "what changed comes first"


def test_ids_are_unique_across_inline_svgs(html):
    ids = [attrs["id"] for _, attrs in _tags(html).tags if attrs.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates


def test_single_self_contained_file(html):
    parsed = _tags(html)
    names = [tag for tag, _ in parsed.tags]
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert tag not in names, f"<{tag}> must not appear in a static self-contained report"
    for tag, attrs in parsed.tags:
        for key in ("src", "href", "xlink:href", "srcset", "data"):
            value = attrs.get(key)
            if value is None or value.startswith("#"):
                continue
            assert tag == "a" and key == "href", f"<{tag} {key}={value!r}> loads something"
            assert value.startswith(("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/",
                                     "https://pmc.ncbi.nlm.nih.gov/articles/", "https://clinicaltrials.gov/study/")), value
    css = "\n".join(parsed.styles)
    assert "@import" not in css and "url(" not in css.replace("url(#", "")
    assert "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(?:https?:|//)", html)
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html and "<metadata>" not in html


def test_harvested_text_is_escaped(html):
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    # verbatim sentences with & and markup
    assert "<b>low</b>" not in html and "&lt;b&gt;low&lt;/b&gt;" in html
    assert "&amp; stayed" in html
    assert "<i>HAQ</i>" not in html and "&lt;i&gt;HAQ&lt;/i&gt;" in html
    # a DOI with characters that would break the URL
    assert 'href="https://doi.org/10.9999/fict.b%3C2021%3E"' in html
    # exclusion reasons in the hand-built PRISMA SVG
    assert "not RA &lt;adult&gt; (n = 7)" in html and "review article &amp; commentary (n = 12)" in html


def test_prisma_diagram_is_valid_svg_with_every_count(ctx):
    svg = str(prisma_svg(ctx.prisma))
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    p = ctx.prisma
    assert p.problems() == []
    for phrase in (f"Records screened (n = {p.records_screened})", f"Records excluded** (n = {p.records_excluded})",
                   f"Duplicate records removed (n = {p.duplicates_removed})", "PubMed (n = 6)",
                   "Europe PMC (n = 27)", "JSONL import (n = 11)", "ClinicalTrials.gov (n = 8)",
                   "Registers (n = 8)", "Databases (n = 44)", f"Reports sought for retrieval (n = {p.reports_sought})",
                   f"Reports not retrieved† (n = {p.reports_not_retrieved})",
                   f"Reports assessed for eligibility (n = {p.reports_assessed})",
                   f"Reports excluded (n = {p.reports_excluded}):", "same cohort as Fictitious C 2022 (n = 1)",
                   "by the extractor (automation tool) (n = 25)", "by a reviewer (n = 3)",
                   "Identification of studies via databases and registers", "Retrieved: full text or abstract.",
                   f"Studies included in review (n = {p.studies_included})",
                   f"Reports of included studies (n = {p.reports_included})", "not RA <adult> (n = 7)",
                   "Identification", "Screening", "Included"):
        assert phrase in text, phrase
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) >= 7


def test_prisma_table_repeats_the_counts(html):
    table = html[html.index('id="prisma-table"'):]
    table = table[:table.index("</table>")]
    assert "Records screened</td><td class=\"num\">38<" in table
    assert "Records excluded: animal study</td><td class=\"num\">9<" in table
    assert "Reports assessed for eligibility</td><td class=\"num\">9<" in table


def test_forest_plots_are_inline_svg(ctx, html):
    figures = re.findall(r'<figure class="forest-plot" data-key="([^"]*)">\s*<svg\b(.*?)</svg>', html, flags=re.S)
    assert [key for key, _ in figures] == [pa.key for pa in ctx.pooled]
    for _, body in figures:
        assert "Fictitious" in body      # study labels drawn as SVG text
    for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        etree.fromstring(svg.encode("utf-8"))   # every inline SVG is well-formed XML
    assert 'class="cumulative-plot"' in html
    assert "max-width:100%" in html


def test_pooled_numbers_and_back_transform(ctx, html):
    das28, acr20 = ctx.pooled
    assert f"<strong>{das28.estimate:.2f}</strong> [{das28.ci_low:.2f}, {das28.ci_high:.2f}]" in html
    assert f"<strong>{math.exp(acr20.estimate):.2f}</strong> [{math.exp(acr20.ci_low):.2f}, " \
           f"{math.exp(acr20.ci_high):.2f}]" in html
    assert "back-transformed with exp()" in html
    assert f"[{math.exp(acr20.pi_low):.2f}, {math.exp(acr20.pi_high):.2f}]" in html
    assert f"I² = {das28.i2:.1f}%" in html and f"Q(3) = {das28.q:.2f}" in html
    assert "Knapp-Hartung" in html
    # sensitivity: leave-one-out rows, the Egger test and the skipped test's reason
    assert 'id="sensitivity-1-das28-13-26-weeks-mc"' in html
    first = das28.leave_one_out[0]
    assert f"<td>{first['omitted']}</td><td class=\"num\">{first['estimate']:.2f}</td>" in html
    assert p_value(das28.small_study_test["p_value"]) in html
    assert "needs at least 10" in html


def test_studies_evidence_and_directions(ctx, html):
    studies = html[html.index('id="studies"'):html.index('id="evidence-table"')]
    assert 'class="seed-badge"' in studies
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/31908418/"' in studies
    assert 'href="https://doi.org/10.2147/DDDT.S225613"' in studies
    assert "reviewer ana" in studies
    assert "<details id=\"excluded\">" in studies and "animal study" in studies
    evidence = html[html.index('id="evidence-table"'):html.index('id="forest-plots"')]
    assert evidence.count('<tr class="evidence-row') == len(ctx.evidence_rows)
    assert "entered by reviewer ana" in evidence
    assert "full text, Table 2, row 3, column 2" in evidence and "5.9 (0.8)" in evidence and "55% (11)" in evidence
    assert not re.search(r"\bnan\b|&lt;NA&gt;|\bNone\b", evidence, flags=re.I)   # missing values stay blank
    directions = html[html.index('id="direction-synthesis"'):html.index('id="overlaps"')]
    assert "Wang 2019 (seed)" in directions and "&lt; 0.05" in directions
    assert 'class="direction-entry seed"' in directions
    vote = ctx.directions[0].vote
    assert f"{vote['n_benefit']}/3 benefit, {p_value(vote['p_value'])}" in directions
    assert "weaker evidence" in directions


def test_summary_markdown(ctx):
    md = render_markdown(ctx)
    das28, acr20 = ctx.pooled
    assert (f"- DAS28, 13-26 weeks, mean change from baseline (MC): k = 4, estimate {das28.estimate:.2f} "
            f"[{das28.ci_low:.2f}, {das28.ci_high:.2f}], 95% PI [{das28.pi_low:.2f}, {das28.pi_high:.2f}], "
            f"I² = {das28.i2:.1f}%") in md
    assert f"k = 3, estimate (exp-transformed) {math.exp(acr20.estimate):.2f}" in md
    assert "2 benefit / 0 harm" in md and "sign test p = 0.50" in md
    assert "- Records screened: 38" in md
    assert "- Wang 2019 (seed):" in md
    assert "<script>" not in md and r"\<script\>alert(1)\</script\>" in md
    assert md.startswith("# MSC therapy") and "1 new study included: Fictitious G 2023" in md


def test_write_report_writes_both_files(ctx, tmp_path):
    folder = tmp_path / "out" / "report"
    html_path, md_path = write_report(ctx, folder)
    assert (html_path, md_path) == (folder / "report.html", folder / "summary.md")
    assert html_path.read_text(encoding="utf-8") == render_html(ctx)
    assert md_path.read_text(encoding="utf-8") == render_markdown(ctx)
    assert sorted(p.name for p in folder.iterdir()) == ["report.html", "summary.md"]   # no temp files left
    assert html_path.stat().st_mode & 0o044, "the report is readable like any other file"


def test_write_report_is_atomic(ctx, tmp_path, monkeypatch):
    (tmp_path / "report.html").write_text("old report", encoding="utf-8")
    (tmp_path / "summary.md").write_text("old summary", encoding="utf-8")
    calls = []

    def failing_replace(src, dst):
        calls.append((src, dst))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report.os, "replace", failing_replace)
    with pytest.raises(InputError, match="cannot write"):
        write_report(ctx, tmp_path)
    assert calls and Path(calls[0][0]).parent == tmp_path      # the temporary file sits beside the target
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "old report"
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == "old summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "summary.md"]


def test_render_failure_writes_nothing(ctx, tmp_path, monkeypatch):
    def broken(_ctx):
        raise RuntimeError("template failed")

    monkeypatch.setattr(report, "render_markdown", broken)
    with pytest.raises(RuntimeError):
        write_report(ctx, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_halfway_through_the_page_leaves_the_old_report(ctx, tmp_path, monkeypatch):
    """report.html is streamed to its temporary file: a failure after some of it was written leaves the
    old files as they were and no temporary file behind."""
    (tmp_path / "report.html").write_text("old report", encoding="utf-8")
    (tmp_path / "summary.md").write_text("old summary", encoding="utf-8")
    real = report._evidence_view

    def failing(row, *args):
        if row is ctx.evidence_rows[-1]:
            raise RuntimeError("a row failed")
        return real(row, *args)

    monkeypatch.setattr(report, "_evidence_view", failing)
    monkeypatch.setattr(report, "WRITE_BATCH", 1)  # every piece written as it comes
    with pytest.raises(RuntimeError, match="a row failed"):
        write_report(ctx, tmp_path)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "old report"
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == "old summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "summary.md"]


def test_nothing_to_pool_yet(ctx, tmp_path):
    empty = dataclasses.replace(ctx, pooled=(), directions=(), evidence_rows=(), overlaps=(), corrections=(),
                                history=(), changes=(), plan={})
    html = render_html(empty)
    ids = [attrs.get("id") for _, attrs in _tags(html).tags]
    for section in SECTIONS:
        assert section in ids, section
    assert "Nothing to pool yet" in html and "<svg" in html          # the PRISMA diagram is still there
    assert 'class="forest-plot"' not in html
    md = render_markdown(empty)
    assert "- Nothing to pool yet." in md and "- Nothing changed since the previous update." in md
    write_report(empty, tmp_path)
    assert (tmp_path / "report.html").stat().st_size > 0


def test_a_new_review_with_no_records(ctx):
    from trialsynth.results import Prisma

    prisma = Prisma(databases={}, registers={}, duplicates_removed=0, records_screened=0, records_excluded=0,
                    exclusion_reasons={}, reports_sought=0, reports_not_retrieved=0, reports_assessed=0,
                    reports_excluded=0, report_exclusion_reasons={}, studies_included=0, reports_included=0)
    blank = dataclasses.replace(ctx, prisma=prisma, studies=(), pooled=(), directions=(), evidence_rows=(),
                                overlaps=(), corrections=(), history=(), changes=())
    html = render_html(blank)
    assert "No study is included yet." in html and "Databases (n = 0)" in html
    assert "- No study is included yet." in render_markdown(blank)


def test_analysis_without_a_fit_shows_a_table(ctx):
    das28 = dataclasses.replace(ctx.pooled[0], fit=None)
    html = render_html(dataclasses.replace(ctx, pooled=(das28,)))
    assert 'class="forest-plot"' not in html
    assert "no fitted model was kept" in html
    assert '<details class="pooled-studies" open>' in html
    for study in das28.studies:
        assert f"<td>{study.label}</td><td class=\"num\">{study.yi:.3f}</td>" in html


def test_title_fixture_really_is_hostile():
    assert "<script>" in SCRIPT_TITLE
