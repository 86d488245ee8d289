"""The review's report: one self-contained `report.html` and a short `summary.md`.

Both are rendered from a `trialsynth.results.ReportContext` with the Jinja2 templates in
`trialsynth/templates/` (autoescaping on for HTML, `StrictUndefined` everywhere). The HTML page
has no external resources: CSS is inline and every plot is inline SVG, made here from analysis
results (`analysis.plots`) or, for the PRISMA 2020 flow diagram, drawn by hand with every text
escaped. Harvested text (titles, verbatim sentences, labels, reasons) only ever reaches the page
through autoescaping.
"""
from __future__ import annotations

import functools
import itertools
import math
import numbers
import os
import re
import sys
import tempfile
import textwrap
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from trialsynth.errors import InputError
from trialsynth.forest import plot_arms
from trialsynth.results import (BETWEEN_COMPUTED, NOT_COUNTED, WITHIN_NO_COMPARISON, PooledAnalysis, Prisma,
                                ReportContext)
from trialsynth.wording import count, p_number, p_value, plural

__all__ = ["render_html", "render_markdown", "write_report", "prisma_svg", "REPORT_NAME", "SUMMARY_NAME"]

REPORT_NAME = "report.html"
SUMMARY_NAME = "summary.md"

VOTE_CAVEAT = ("Vote counting by direction of effect is weaker evidence than a pooled effect size: it ignores "
               "the size and precision of each study's effect (Cochrane Handbook v6, chapter 12).")


# ------------------------------------------------------------------------------------------ public API

def render_html(ctx: ReportContext) -> str:
    """Return report.html for `ctx`: one static page with inline CSS and inline SVG plots."""
    return "".join(_html_pieces(ctx))


def _html_pieces(ctx: ReportContext) -> Iterator[str]:
    """report.html for `ctx` as the template yields it, piece by piece (write_report streams them to the
    file: a large review's page is never held whole in memory, nor its million pieces in a list)."""
    labels = {s.record_id: s.label for s in ctx.studies}
    studies = {s.record_id: s for s in ctx.studies}
    forest = {getattr(f, "key", None): f for f in ctx.forest}
    pooled = [_pooled_view(i, pa, forest.get(pa.key)) for i, pa in enumerate(ctx.pooled, start=1)]
    order = {s.record_id: i for i, s in enumerate(ctx.studies)}
    rows = sorted(ctx.evidence_rows, key=lambda r: order.get(str(r.get("record_id")), len(order)))
    return _environment().get_template("report.html.j2").generate(
        ctx=ctx,
        prisma_svg=prisma_svg(ctx.prisma),
        prisma_rows=_prisma_rows(ctx.prisma),
        included=_study_pieces("included", [s for s in ctx.studies if s.included]),
        excluded=_study_pieces("excluded", [s for s in ctx.studies if not s.included]),
        evidence=_evidence_pieces(rows, labels, studies),
        comparisons=[_comparison_view(row, labels, studies) for row in sorted(
            ctx.comparisons, key=lambda r: order.get(str(r.get("record_id")), len(order)))],
        flagged=[_flagged_view(f, labels) for f in ctx.flagged_values],
        failed=[{"record_id": f.record_id, "label": f.label, "title": f.title, "reason": f.reason,
                 "extractor_version": f.extractor_version, "failed_at": f.failed_at} for f in ctx.failed_records],
        pooled=pooled,
        direction_tables=_direction_tables(ctx.directions, _window_labels(ctx.plan)),
        history=_history_rows(ctx.history),
        plan=_plan_view(ctx.plan),
        labels=labels,
        vote_caveat=VOTE_CAVEAT,
    )


def render_markdown(ctx: ReportContext) -> str:
    """Return summary.md for `ctx`: what changed, PRISMA counts, one line per analysis, included studies."""
    return _environment().get_template("summary.md.j2").render(
        ctx=ctx,
        prisma_rows=_prisma_rows(ctx.prisma),
        included=[s for s in ctx.studies if s.included],
        pooled_lines=[_pooled_line(pa) for pa in ctx.pooled],
        direction_lines=[_direction_line(d) for d in ctx.directions],
        count=count,
    )


def write_report(ctx: ReportContext, folder: Path) -> tuple[Path, Path]:
    """Write report.html and summary.md into `folder` (created if missing); return their paths.

    Both are rendered before anything is written, and each file is written to a temporary file in
    the same folder and renamed over the old one, so a reader never sees a half-written report.
    Raises InputError when the folder cannot be created or written.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the report folder {os.fspath(folder)!r} ({exc.strerror or exc}); "
                         "check the path and its permissions") from exc
    paths = folder / REPORT_NAME, folder / SUMMARY_NAME
    written: list[tuple[str, Path]] = []
    try:
        written.append((_write_temporary(paths[0], _html_pieces(ctx)), paths[0]))
        written.append((_write_temporary(paths[1], [render_markdown(ctx)]), paths[1]))
        for tmp, path in written:
            _replace(tmp, path)
    finally:
        for tmp, _ in written:
            _unlink(tmp)
    return paths


class _Pieces:
    """Rows of one of the report's long tables for report.html.j2: as many as `count` (its length), given as
    HTML pieces (a study's row; a record's run of evidence rows), each made when the template reaches it,
    so a large review's table is never held whole. `pieces()` yields (material, context) per piece: the
    text of everything the piece shows, and what `template` renders it from. The pieces are kept between
    updates (trialsynth.figcache.cached_fragments), so an update renders only those whose material changed."""

    def __init__(self, kind: str, template: str, count: int,
                 pieces: Callable[[], Iterator[tuple[str, dict[str, Any]]]]):
        self._kind, self._template, self._count, self._pieces = kind, template, count, pieces

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Markup]:
        from trialsynth.figcache import cached_fragments

        template = _environment().get_template(self._template)
        return cached_fragments(self._kind, ((material, functools.partial(template.render, **context))
                                             for material, context in self._pieces()))


def _study_pieces(kind: str, studies: list[Any]) -> _Pieces:
    """The included studies' (kind "included") or the excluded records' ("excluded") rows, one piece each."""
    return _Pieces(kind, f"{kind}_rows.html.j2", len(studies),
                   lambda: ((repr(study), {kind: (study,)}) for study in studies))


def _evidence_pieces(rows: Sequence[dict[str, Any]], labels: dict[str, str], studies: dict[str, Any]) -> _Pieces:
    """The evidence table's rows, one piece per record's run of rows; a piece shows the rows, the study's
    label and the record's links (_evidence_view)."""
    def pieces() -> Iterator[tuple[str, dict[str, Any]]]:
        for record_id, run in itertools.groupby(rows, key=lambda row: row.get("record_id")):
            own = list(run)
            study = studies.get(str(record_id))
            links = tuple(getattr(study, name, None) for name in ("pmid", "doi", "pmcid", "nct"))
            yield (_rows_material(labels.get(str(record_id)), links, own),
                   {"evidence": (_evidence_view(row, labels, studies) for row in own)})

    return _Pieces("evidence", "evidence_rows.html.j2", len(rows), pieces)


def _rows_material(label: str | None, links: tuple[Any, ...], rows: list[dict[str, Any]]) -> str:
    """The text of everything a record's evidence piece shows: its label, links and rows. Rows with the same
    keys (the evidence table's columns, always) are written as the keys once and each row's values, a
    third of the text of the rows' repr (and as telling: repr tells 1 from 1.0, True and "1")."""
    keys = tuple(rows[0]) if rows else ()
    if all(len(row) == len(keys) and tuple(row) == keys for row in rows):
        return repr((label, links, keys, [tuple(row.values()) for row in rows]))
    return repr((label, links, rows))


# ------------------------------------------------------------------------------------------ environment

@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("trialsynth", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml", "svg", "html.j2", "svg.j2"),
                                     disabled_extensions=("md", "md.j2", "txt"), default_for_string=True,
                                     default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(num=_num, pct=_pct, pval=p_number, p=p_value, interval=_interval, md=_md, slug=_slug)
    env.globals.update(missing=_missing, pubmed_url=_pubmed_url, doi_url=_doi_url)
    return env


WRITE_BATCH = 20_000  # template pieces joined per write, at most
WRITE_CHARS = 1 << 20  # and at most about this many characters (a piece may be a record's evidence rows)


def _write_temporary(path: Path, pieces: Iterable[str]) -> str:
    """Write `pieces` to a new temporary file beside `path` (in batches); return its name. The caller
    renames it over `path` (_replace) or removes it. Raises InputError when it cannot be written."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; a report is as readable as any other file
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            batch: list[str] = []
            size = 0
            for piece in pieces:
                batch.append(piece)
                size += len(piece)
                if len(batch) >= WRITE_BATCH or size >= WRITE_CHARS:
                    handle.write("".join(batch))
                    batch.clear()
                    size = 0
            handle.write("".join(batch))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        _unlink(tmp)
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from exc
        raise
    return tmp


def _replace(tmp: str, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        raise _write_error(path, exc) from exc


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _write_error(path: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write {os.fspath(path)!r} ({exc.strerror or exc}); "
                      "check that the folder is writable and the disk is not full")


@functools.lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------------------------------ formatting

def _missing(value: Any) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if value is None:
        return True
    kind = type(value)  # the common cases first: the evidence table of a large review asks millions of times
    if kind is str:
        return not value.strip()
    if kind is int or kind is bool:
        return False
    if kind is float:
        return value != value
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import numpy as np

        if isinstance(value, np.floating) and np.isnan(value):
            return True
    except ImportError:  # pragma: no cover - numpy is a core dependency
        pass
    return isinstance(value, str) and not value.strip()


def _num(value: Any, digits: int = 2, missing: str = "–") -> str:
    """A number with `digits` decimals; integers as integers; text as it is; missing as an en dash."""
    if _missing(value):
        return missing
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    return f"{number:.{digits}f}"


def _clean_number(value: Any) -> str:
    """Evidence-table numbers: as reported (no trailing zeros), integers without decimals."""
    if _missing(value):
        return ""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.4f}".rstrip("0").rstrip(".")


def _pct(value: Any, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{float(value):.{digits}f}%"


def _interval(low: Any, high: Any, digits: int = 2) -> str:
    if _missing(low) or _missing(high):
        return "–"
    return f"[{_num(low, digits)}, {_num(high, digits)}]"


def _md(value: Any) -> str:
    """Text for Markdown: one line, with the characters that Markdown or raw HTML would act on escaped."""
    if _missing(value):
        return ""
    text = " ".join(str(value).split())
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", text)


def _slug(value: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "x"


def _pubmed_url(pmid: Any) -> str | None:
    text = "" if _missing(pmid) else str(pmid).strip()
    return f"https://pubmed.ncbi.nlm.nih.gov/{text}/" if text.isdigit() else None


def _doi_url(doi: Any) -> str | None:
    if _missing(doi):
        return None
    text = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", str(doi).strip(), flags=re.I)
    if not text.startswith("10."):
        return None
    # a DOI may hold any printable character: percent-encode those that would end or break the URL
    safe = re.sub(r'[\s"<>#%?\\^`{|}]', lambda m: "%{:02X}".format(ord(m.group(0))), text)
    return f"https://doi.org/{safe}"


# ------------------------------------------------------------------------------------------ transforms

def _back_transform(transform: str | None) -> tuple[Callable[[Any], Any], str]:
    """Return (function mapping a model-scale number to the displayed scale, a note saying so)."""
    if transform is None:
        return (lambda v: v), ""
    name = str(transform)
    if name.lower() == "exp":
        return _safe(math.exp), "back-transformed with exp(); the model was fitted on the log scale"
    from analysis.effects import transform_back

    def back(value: Any) -> Any:
        return float(transform_back(name.upper(), [float(value)])[0])

    return _safe(back), f"back-transformed from the {name} scale the model was fitted on"


def _safe(fn: Callable[[float], float]) -> Callable[[Any], Any]:
    def apply(value: Any) -> Any:
        if _missing(value):
            return None
        try:
            return fn(float(value))
        except (OverflowError, ValueError, TypeError):
            return None

    return apply


# ------------------------------------------------------------------------------------------ plots (SVG)

def _figure_svg(fig: Any, salt: str, *, tight: bool = True) -> Markup:
    """Render a matplotlib Figure to inline SVG (no prolog, no metadata, ids unique to `salt`), then free it.

    tight=False for a figure that lays itself out in inches (the forest plot): a tight bounding box
    moves its axes but not its texts, so the study rows would no longer line up with their squares.
    """
    import matplotlib

    try:
        buffer = StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
            fig.savefig(buffer, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None})
        svg = buffer.getvalue()
    finally:
        _close(fig)
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    prefix = f"{salt}-"
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'((?:xlink:)?href="#|url\(#)([^")]+)',
                 lambda m: m.group(1) + (prefix + m.group(2) if m.group(2) in ids else m.group(2)), svg)
    svg = svg.replace("<svg ", '<svg class="plot" role="img" focusable="false" ', 1)
    # our own renderer's output; every text in it was escaped by matplotlib's SVG writer
    return Markup(svg.strip())


def _close(fig: Any) -> None:
    """Free a figure: analysis.plots makes them without pyplot, so pyplot is only told if it is in use."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)
    fig.clear()


def _forest_svg(pa: PooledAnalysis, salt: str, forest: Any = None) -> tuple[Markup | None, str | None]:
    """RevMan-style forest plot of pa.fit as SVG, or (None, why not). One study is not a meta-analysis:
    no plot (the page says "not pooled (k = 1)" and gives the study's own estimate).

    `forest` (trialsynth.forest.ForestData) gives the per-arm columns, group names, favours labels
    and units. The plot draws a prediction interval only when the analysis has one (`pa.pi_low`,
    what the statistics and results.json say), never one the fit computed and the synthesis left out.
    """
    if pa.k < 2:
        return None, None
    if pa.fit is None:
        return None, "no fitted model was kept for this analysis, so no forest plot is drawn"
    from analysis.plots import forest_plot

    options: dict[str, Any] = {"favours": False}   # no side is labelled without the outcome's better direction
    if forest is not None:
        arms = plot_arms(forest, _in_fit_order(pa, forest))
        if arms is not None:
            options["arms"] = arms
        options["groups"] = (forest.experimental_label, forest.control_label)
        options["favours"] = ((forest.favours_left, forest.favours_right)
                              if forest.favours_left and forest.favours_right else False)
        options["units"] = forest.unit
    try:
        fig = forest_plot(pa.fit, None, transform=pa.transform, prediction_interval=pa.pi_low is not None,
                          **options)
    except Exception as exc:  # a plot must never stop the report; say why it is missing
        return None, f"the forest plot could not be drawn ({type(exc).__name__}: {exc})"
    return _figure_svg(fig, salt, tight=False), None


def _in_fit_order(pa: PooledAnalysis, forest: Any) -> list[Any]:
    """forest's studies in the order of pa.fit's rows: by record id when the fit's labels are the
    pooled studies' (the synthesis fits them in that order), else by label; None where not found."""
    by_id = {s.record_id: s for s in forest.studies}
    labels = [str(label) for label in getattr(pa.fit, "labels", None) or ()]
    if not labels or labels == [s.label for s in pa.studies]:
        return [by_id.get(s.record_id) for s in pa.studies]
    by_label = {s.label: s for s in forest.studies}
    return [by_label.get(label) for label in labels]


def _cumulative_svg(pa: PooledAnalysis, salt: str) -> tuple[Markup | None, str | None]:
    rows = list(pa.cumulative)
    if len(rows) < 2:
        return None, None
    from analysis.plots import cumulative_plot

    try:
        fig = cumulative_plot([_float(r.get("estimate")) for r in rows], [_float(r.get("ci_low")) for r in rows],
                              [_float(r.get("ci_high")) for r in rows],
                              [f"+ {r.get('added', '')}" for r in rows], None, transform=pa.transform,
                              title=f"Cumulative meta-analysis: {pa.outcome}, {pa.window}")
    except Exception as exc:  # a plot must never stop the report; say why it is missing
        return None, f"the cumulative plot could not be drawn ({type(exc).__name__}: {exc})"
    return _figure_svg(fig, salt), None


def _float(value: Any) -> float:
    if _missing(value):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


# ------------------------------------------------------------------------------------------ view models

#: measures whose estimate has a null of "no effect" (0 on the model scale: a difference, a log ratio, a change)
COMPARATIVE = frozenset({"MC", "SMCR", "SMCC", "MD", "SMD", "ROM", "RR", "OR", "RD"})


def _tau2_ci(fit: Any) -> tuple[Any, Any, bool, bool] | None:
    """(low, high, high_is_unbounded, search_widened) of the fit's tau² CI, or None when not estimated.

    analysis.rma widens the Q-profile search past metafor's default limit (max(100, 10 tau²)) until
    it finds the bound, and says so in `tau2_ci_widened`; only an infinite bound has no number.
    """
    if fit is None or getattr(fit, "tau2_ci_low", None) is None:
        return None
    low, high = fit.tau2_ci_low, fit.tau2_ci_high
    unbounded = high is not None and math.isinf(float(high))
    return low, high, unbounded, bool(getattr(fit, "tau2_ci_widened", False))


def _forest_columns(data: Any, pa: PooledAnalysis) -> dict[str, Any] | None:
    """The per-arm columns (RevMan) of a pooled analysis's studies, by record id, with their headers.

    Binary: events/total per group. Continuous against control: mean (SD), n per group, of change
    scores or follow-up values (said in the heading, or per study when they differ). One group: the
    mean change (SD), or the baseline and follow-up means (SD) (its n is the table's own n column).
    """
    if data is None:
        return None
    unit = f" in {data.unit}" if getattr(data, "unit", None) else ""
    studies = list(data.studies)
    controlled = any(s.control is not None for s in studies)
    columns: list[tuple[str, Callable[[Any], str]]] = []   # (heading, cell of a ForestStudy)
    if data.kind == "binary":
        def events(group: str) -> Callable[[Any], str]:
            return lambda s: (f"{getattr(s, group).events}/{getattr(s, group).total}"
                              if getattr(s, group) is not None and getattr(s, group).total else "")
        columns = ([(f"{data.experimental_label} events/total", events("experimental")),
                    (f"{data.control_label} events/total", events("control"))] if controlled
                   else [("Events/total", events("experimental"))])
    elif controlled:
        whats = {a.what for s in studies for a in (s.experimental, s.control) if a is not None}
        name = {"change from baseline": "mean change", "follow-up": "mean at follow-up"}.get(
            next(iter(whats)) if len(whats) == 1 else "", "mean")

        def group_cell(group: str) -> Callable[[Any], str]:
            def cell(s: Any) -> str:
                arm = getattr(s, group)
                if arm is None or arm.mean is None:
                    return ""
                return f"{_mean_sd(arm.mean, arm.sd)}, {_clean_number(arm.n)}"
            return cell
        columns = [(f"{data.experimental_label}: {name}{unit} (SD), n", group_cell("experimental")),
                   (f"{data.control_label}: {name}{unit} (SD), n", group_cell("control"))]
        if len(whats) > 1:   # change scores in some studies, follow-up values in others: say which per study
            columns.append(("Means of", lambda s: next((a.what for a in (s.experimental, s.control) if a), "")))
    else:
        arms = [s.experimental for s in studies if s.experimental is not None]
        pre_post = any(a.what == "baseline and follow-up" for a in arms)
        if any(a.what == "change from baseline" for a in arms):
            columns.append((f"Mean change{unit} (SD)", lambda s: _mean_sd(s.experimental.mean, s.experimental.sd)
                            if s.experimental is not None and s.experimental.what == "change from baseline" else ""))
        if any(a.what == "follow-up" for a in arms):
            columns.append((f"Mean{unit} (SD)", lambda s: _mean_sd(s.experimental.mean, s.experimental.sd)
                            if s.experimental is not None and s.experimental.what == "follow-up" else ""))
        if pre_post:
            def prepost(attr: str, sd: str) -> Callable[[Any], str]:
                return lambda s: (_mean_sd(getattr(s.experimental, attr), getattr(s.experimental, sd))
                                  if s.experimental is not None and s.experimental.what == "baseline and follow-up"
                                  else "")
            columns += [(f"Baseline mean{unit} (SD)", prepost("baseline_mean", "baseline_sd")),
                        (f"Follow-up mean{unit} (SD)", prepost("mean", "sd"))]
    if not columns:
        return None
    cells = {s.record_id: [cell(s) for _, cell in columns] for s in studies}
    combined = {s.record_id: "; ".join(", ".join(a.arms) for a in (s.experimental, s.control)
                                       if a is not None and len(a.arms) > 1) for s in studies}
    return {"heads": [head for head, _ in columns], "cells": cells, "combined": combined,
            "unit": getattr(data, "unit", None), "favours_left": data.favours_left,
            "favours_right": data.favours_right}


def _mean_sd(mean: Any, sd: Any) -> str:
    """"-1.2 (1)": a mean and its SD as the evidence table writes numbers; the mean alone without an SD."""
    if _missing(mean):
        return ""
    text = _clean_number(round(float(mean), 3))
    return text if _missing(sd) else f"{text} ({_clean_number(round(float(sd), 3))})"


def _pooled_view(index: int, pa: PooledAnalysis, forest: Any = None) -> dict[str, Any]:
    from trialsynth.figcache import cached_figure  # an update reuses the figures of unchanged analyses

    anchor = f"{index}-{_slug(pa.key)}"
    back, transform_note = _back_transform(pa.transform)
    forest_svg, forest_note = cached_figure("forest", pa, f"forest{index}",
                                            lambda p, salt: _forest_svg(p, salt, forest))
    cumulative, cumulative_note = cached_figure("cumulative", pa, f"cumul{index}", _cumulative_svg)
    fit = pa.fit
    q_df = getattr(fit, "q_df", None) if fit is not None else None
    if q_df is None:
        q_df = max(pa.k - 1, 0)
    level = getattr(fit, "level", 95.0) if fit is not None else 95.0
    null = back(0.0)
    comparative = pa.measure in COMPARATIVE
    if comparative and not _missing(pa.ci_low) and not _missing(pa.ci_high):
        verdict = (f"the {_num(level, 0)}% CI excludes no effect ({_clean_number(null)})" if pa.excludes_no_effect
                   else f"the {_num(level, 0)}% CI includes no effect ({_clean_number(null)})")
    else:
        verdict = ""
    columns = _forest_columns(forest, pa)
    notes = [n for n in pa.notes if not (pa.k == 1 and n.startswith("k = 1"))]
    label = pa.measure_label
    if columns and columns.get("unit") and "raw units" in label:
        label = label.replace("raw units", columns["unit"])
    return {
        "pa": pa, "anchor": anchor, "transform_note": transform_note, "single": pa.k == 1, "measure_label": label,
        "forest_svg": forest_svg, "forest_note": forest_note,
        "cumulative_svg": cumulative, "cumulative_note": cumulative_note,
        "estimate": back(pa.estimate), "ci_low": back(pa.ci_low), "ci_high": back(pa.ci_high),
        "pi_low": back(pa.pi_low), "pi_high": back(pa.pi_high), "null": null, "comparative": comparative,
        "verdict": verdict, "model_scale": pa.transform is not None, "q_df": q_df, "tau2_ci": _tau2_ci(fit),
        "level": level, "notes": notes, "columns": columns, "table_open": not forest_svg,
        "test_name": "Knapp-Hartung (t)" if pa.test == "knha" else ("z (Wald)" if pa.test == "z" else pa.test),
        "studies": [{"s": s, "yi": back(s.yi), "cells": (columns or {}).get("cells", {}).get(s.record_id, []),
                     "combined": (columns or {}).get("combined", {}).get(s.record_id, "")} for s in pa.studies],
        "leave_one_out": [_sensitivity_row(row, back, "omitted") for row in pa.leave_one_out],
        "cumulative": [_sensitivity_row(row, back, "added") for row in pa.cumulative],
        "small_study": _small_study_view(pa.small_study_test, back),
    }


def _sensitivity_row(row: dict[str, Any], back: Callable[[Any], Any], first: str) -> dict[str, Any]:
    return {"study": row.get(first, row.get("study", "")), "k": row.get("k"),
            "estimate": back(row.get("estimate")), "ci_low": back(row.get("ci_low")),
            "ci_high": back(row.get("ci_high")), "p": row.get("pval", row.get("p_value")),
            "tau2": row.get("tau2"), "i2": row.get("i2"), "q": row.get("q")}


def _small_study_view(test: dict[str, Any] | None, back: Callable[[Any], Any]) -> dict[str, Any]:
    if not test:
        return {"kind": "none", "text": "No small-study (funnel asymmetry) test was run for this analysis."}
    if test.get("skipped"):
        return {"kind": "skipped", "text": str(test["skipped"])}
    stat_name = "t" if test.get("test") == "knha" or not _missing(test.get("dfs")) else "z"
    dfs = test.get("dfs")
    stat = f"{stat_name}({_num(dfs, 0)})" if stat_name == "t" and not _missing(dfs) else stat_name
    parts = [f"{stat} = {_num(test.get('stat'))}", p_value(test.get("p_value"))]
    limit = None
    if not _missing(test.get("limit_estimate")):
        limit = (f"limit estimate {_num(back(test.get('limit_estimate')))} "
                 f"{_interval(back(test.get('limit_ci_low')), back(test.get('limit_ci_high')))}")
    name = "Egger-type regression test"
    details = [f"predictor {test['predictor']}" if test.get("predictor") else "",
               f"{test['method']} τ²" if test.get("method") else "",
               f"{test['test']} test" if test.get("test") else ""]
    if any(details):
        name += " (" + ", ".join(d for d in details if d) + ")"
    return {"kind": "test", "name": name, "text": ", ".join(parts), "limit": limit,
            "warnings": [str(w) for w in test.get("warnings", ()) or ()]}


# --- the evidence table: the value inside its sentence, where it was read ----------------------------------

#: row fields whose numbers are looked for in the verbatim sentence (n is not: "20" is also in "ACR 20")
_VALUE_FIELDS = ("baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean", "change_sd",
                 "n_responders", "effect_size", "effect_ci_low", "effect_ci_high")
_NUMBER = re.compile(r"(?<![\w.])[-−–]?\d+(?:\.\d+)?(?![\w.]*\d)")


def _row_numbers(row: dict[str, Any]) -> list[tuple[float, str]]:
    """(value, kind) of the numbers a row reports: kind "%" for a percentage, "p" for a P value, "" otherwise."""
    out = []
    for key in _VALUE_FIELDS:
        value = row.get(key)
        if not _missing(value):
            try:
                out.append((abs(float(value)), ""))
            except (TypeError, ValueError):
                pass
    if not _missing(row.get("percent_responders")):
        out.append((abs(float(row["percent_responders"])), "%"))
    match = re.search(r"\d*\.?\d+", str(row.get("p_value") or ""))
    if match:
        out.append((float(match.group(0)), "p"))
    return out


def highlight(sentence: str, values: Iterable[float | tuple[float, str]]) -> Markup:
    """`sentence` escaped, with the numbers in it that a row reports wrapped in <mark>.

    Each value is marked once, at its first spelling in the sentence (sign aside, "−1.20" is 1.2):
    a percentage only where "%" follows it, a P value only after "p"/"P" and a comparison.
    """
    wanted = [(float(v), "") if not isinstance(v, tuple) else (float(v[0]), v[1]) for v in values]
    spans: list[tuple[int, int]] = []
    for target, kind in wanted:
        for match in _NUMBER.finditer(sentence):
            try:
                number = abs(float(match.group(0).replace("−", "-").replace("–", "-")))
            except ValueError:
                continue
            if abs(number - target) > 1e-9 + 1e-9 * abs(target):
                continue
            if kind == "%" and not re.match(r"\s?%", sentence[match.end():]):
                continue
            if kind == "p" and not re.search(r"\b[pP]\s*(?:value\s*)?[<>=≤≥]\s*$", sentence[:match.start()]):
                continue
            if any(a < match.end() and match.start() < b for a, b in spans):
                continue
            spans.append((match.start(), match.end()))
            break
    pieces: list[str] = []
    last = 0
    for start, end in sorted(spans):
        pieces.append(str(escape(sentence[last:start])))
        pieces.append(f'<mark class="value">{escape(sentence[start:end])}</mark>')
        last = end
    pieces.append(str(escape(sentence[last:])))
    return Markup("".join(pieces))  # every piece of harvested text above was escaped


def _record_links(study: Any) -> dict[str, str | None]:
    pmid = _pubmed_url(getattr(study, "pmid", None))
    doi = _doi_url(getattr(study, "doi", None))
    pmcid = getattr(study, "pmcid", None)
    pmc = f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" if pmcid and re.fullmatch(r"PMC\d+", str(pmcid)) else None
    nct = getattr(study, "nct", None)
    registry = f"https://clinicaltrials.gov/study/{nct}" if nct and re.fullmatch(r"NCT\d{8}", str(nct)) else None
    return {"pubmed": pmid, "doi": doi, "pmc": pmc, "registry": registry}


_TABLE_CELL = re.compile(r"^table:(?P<label>.*?)\s+r(?P<row>\d+)\s+c(?P<col>\d+)$")


def _location(location: str, study: Any) -> tuple[str, str | None]:
    """(what the reader sees, a link to the record there) for a provenance location."""
    links = _record_links(study)
    record = links["pubmed"] or links["doi"] or links["pmc"] or links["registry"]
    full_text = links["pmc"] or links["doi"] or record
    if location in ("abstract", "title"):
        return location, record
    if location.startswith("section:"):
        return f"full text, section {location[len('section:'):].replace('/', ' › ')}", full_text
    cell = _TABLE_CELL.match(location)
    if cell:
        return (f"full text, {cell.group('label')}, row {cell.group('row')}, column {cell.group('col')}", full_text)
    if location.startswith("table:"):
        return f"full text, {location[len('table:'):]}", full_text
    if location.startswith("registry"):
        return "registry entry", links["registry"] or record
    return location, record


def _evidence_view(row: dict[str, Any], labels: dict[str, str], studies: dict[str, Any] | None = None
                   ) -> SimpleNamespace:
    record_id = row.get("record_id")
    label = labels.get(str(record_id)) if not _missing(record_id) else None
    if label is None:
        author, year = row.get("first_author"), row.get("year")
        label = " ".join(_clean_number(v) if k == "y" else str(v)
                         for k, v in (("a", author), ("y", year)) if not _missing(v)) or str(record_id or "")

    def mean_sd(mean_key: str, sd_key: str) -> str:
        mean, sd = row.get(mean_key), row.get(sd_key)
        if _missing(mean):
            return ""
        return _clean_number(mean) + (f" ({_clean_number(sd)})" if not _missing(sd) else "")

    responders = ""
    if not _missing(row.get("percent_responders")):
        responders = f"{_clean_number(row.get('percent_responders'))}%"
    if not _missing(row.get("n_responders")):
        responders = (responders + " " if responders else "") + f"({_clean_number(row.get('n_responders'))})"
    timepoint = row.get("timepoint")
    if _missing(timepoint) and not _missing(row.get("timepoint_weeks")):
        timepoint = f"{_clean_number(row.get('timepoint_weeks'))} weeks"
    entered_by = _text(row.get("entered_by"))
    by_reviewer = entered_by.startswith("reviewer")
    study = (studies or {}).get(str(record_id))
    location = _text(row.get("source_location"))
    verbatim = _text(row.get("verbatim"))
    has_value = not _missing(row.get("measure"))
    if location:
        where, link = _location(location, study)
    elif by_reviewer:
        where, link = ("reviewer's source: " + verbatim) if verbatim else "entered by reviewer", None
    elif has_value:
        where, link = "the record's abstract or full text", _location("abstract", study)[1]
    else:
        where, link = "no outcome extracted from this record", None
    flags = [f for f in re.split(r"\s*;\s*", _text(row.get("flags"))) if f]
    # attributes, not a dict: the template reads each row's fields by attribute, and Jinja tries an
    # attribute before a key, which for a dict costs a failed lookup per cell (a million cells in a large review)
    return SimpleNamespace(**{
        "record_id": "" if _missing(record_id) else str(record_id), "label": label,
        "measure": _text(row.get("measure")), "measure_text": _text(row.get("measure_text")),
        "arm": _text(row.get("arm")), "n": _clean_number(row.get("n")), "timepoint": _text(timepoint),
        "baseline": mean_sd("baseline_mean", "baseline_sd"), "followup": mean_sd("followup_mean", "followup_sd"),
        "change": mean_sd("change_mean", "change_sd"), "responders": responders,
        "p_value": p_number(row.get("p_value"), missing=""), "effect_size": _clean_number(row.get("effect_size")),
        "direction": _text(row.get("direction")), "location": where, "link": link,
        "verbatim": verbatim if (location or not by_reviewer) else "",
        "highlighted": highlight(verbatim, _row_numbers(row)) if verbatim and (location or not by_reviewer) else "",
        "entered_by": entered_by, "by_reviewer": by_reviewer, "flags": flags,
        "reviewer": entered_by.partition(":")[2] if by_reviewer else "",
    })


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _comparison_view(row: Mapping[str, Any], labels: dict[str, str], studies: dict[str, Any]) -> dict[str, Any]:
    """One between-group comparison (a row of trialsynth.comparisons.COMPARISON_COLUMNS) as the report shows
    it: study, outcome, arms compared, timepoint, label, the effect and CI, P, and where it was read."""
    record_id = _text(row.get("record_id"))
    outcome, written = _text(row.get("outcome")), _text(row.get("outcome_text"))
    canonical = _text(row.get("outcome_canonical"))
    arms = [_text(row.get("intervention_arm")) or _text(row.get("intervention")),
            _text(row.get("comparator_arm")) or _text(row.get("comparator"))]
    effect = ""
    # a reported number as written; one trialsynth computed from the arms' values to 3 significant digits
    shown = (lambda v: f"{float(v):.3g}") if _text(row.get("source")) == "arms" else _clean_number
    if not _missing(row.get("effect")):
        effect = f"{_text(row.get('effect_kind'))} {shown(row.get('effect'))}".strip()
        if not _missing(row.get("ci_low")) and not _missing(row.get("ci_high")):
            effect += f" (95% CI {shown(row.get('ci_low'))} to {shown(row.get('ci_high'))})"
    location = _text(row.get("source_location"))
    where, link = _location(location, studies.get(record_id)) if location else ("location not recorded", None)
    return {"record_id": record_id, "label": labels.get(record_id) or _text(row.get("study")) or record_id,
            "outcome": outcome or written, "outcome_text": written if written and written != outcome else "",
            "canonical": canonical if canonical and canonical != outcome else "",
            "arms": " vs ".join(a or "arm not named" for a in arms), "timepoint": _weeks(row.get("timepoint_weeks")),
            "comparison": _text(row.get("label")) or "no label", "basis": _text(row.get("label_basis")),
            "effect": effect, "p_value": p_number(row.get("p_value"), missing=""), "location": where, "link": link,
            "source": _text(row.get("source")), "verbatim": _text(row.get("verbatim"))}


def _flagged_view(item: Any, labels: dict[str, str]) -> dict[str, str]:
    """One value left out as implausible (the workflow's flagged-values list): record, outcome, value, rule."""
    get = item.get if isinstance(item, dict) else (lambda k, d=None: getattr(item, k, d))
    record_id = str(get("record_id", "") or "")
    window, arm, field = _text(get("window")), _text(get("arm")), _text(get("field"))
    outcome = _text(get("outcome")) + (f", {window}" if window else "") + (f" ({arm})" if arm else "")
    return {"record_id": record_id, "label": labels.get(record_id, record_id), "outcome": outcome,
            "value": (f"{field} = " if field and field != "flags" else "") + _text(get("value")),
            "rule": _text(get("rule")), "location": _text(get("location")), "verbatim": _text(get("verbatim"))}


# --- direction of effect: one compact table per outcome ----------------------------------------------------

ARROWS = {"decrease": "↓", "increase": "↑", "no change": "→"}
BASIS = {"between-group": "between groups", "between_group": "between groups", "between groups": "between groups",
         "within-arm": "within arm", "within_arm": "within arm", "within arm": "within arm",
         BETWEEN_COMPUTED: "between groups, computed from the arms' values",
         WITHIN_NO_COMPARISON: "within arm; no between-group comparison reported, so not counted"}


def _weeks(weeks: Any) -> str:
    """A timepoint for a table cell: "52 wk", "4 wk" (4.33), "1 d" under a week; "" when unknown."""
    if _missing(weeks):
        return ""
    value = float(weeks)
    if value < 1:
        return f"{max(1, round(value * 7))} d"
    return f"{round(value)} wk"


def _window_labels(plan: dict[str, Any]) -> list[str]:
    labels = [str(w[2]) for w in plan.get("windows", ()) if isinstance(w, (list, tuple)) and len(w) >= 3]
    return labels + ["timepoint not stated"]


_SEED_BADGE = '<span class="seed-badge" title="The seed study">seed</span>'


def _direction_row(row: dict[str, Any]) -> dict[str, Any]:
    """A direction table's study row with its HTML (every value escaped), as report.html.j2 once rendered it
    cell by cell: a large review's tables hold tens of thousands of cells, and Jinja took ~2 s on them."""
    seed = row["seed"]
    out = [f'        <tr class="direction-entry{" seed" if seed else ""}">\n',
           f'          <td>{escape(row["label"])}{_SEED_BADGE if seed else ""}</td>\n']
    for c in row["cells"]:
        if c:
            cell = (f'<span class="dir {escape(_slug(c["benefit"]))}" title="{escape(c["direction"])}">'
                    f'{escape(c["arrow"])} {escape(c["benefit"])}</span><span class="cell-note">{escape(c["p"])}'
                    + (f' · {escape(c["weeks"])}' if c["weeks"] else "") + "</span>"
                    + (f'<span class="cell-note">{escape(c["basis"])}</span>' if c["basis"] else ""))
        else:
            cell = '<span class="empty">–</span>'
        out.append(f"          <td>{cell}</td>\n")
    out.append("        </tr>\n")
    return {**row, "html": Markup("".join(out))}


def _direction_tables(directions: Iterable[Any], window_order: list[str]) -> list[dict[str, Any]]:
    """Per outcome: studies × windows (direction, benefit, P, basis), the sign test per window, the sentences."""
    by_outcome: dict[str, dict[str, Any]] = {}
    for d in directions:
        by_outcome.setdefault(d.outcome, {})[d.window] = d
    rank = {w: i for i, w in enumerate(window_order)}
    tables = []
    for index, (outcome, windows) in enumerate(by_outcome.items(), start=1):
        weeks = {w: min((e.timepoint_weeks for e in windows[w].entries if e.timepoint_weeks is not None),
                        default=float("inf")) for w in windows}
        names = sorted(windows, key=lambda w: (rank.get(w, len(rank)), weeks[w], w))
        studies: dict[str, dict[str, Any]] = {}
        sentences: dict[tuple[str, str], dict[str, Any]] = {}
        for w in names:
            for e in windows[w].entries:
                row = studies.setdefault(e.record_id, {"label": e.label, "seed": e.is_seed, "cells": {}})
                basis = BASIS.get(str(getattr(e, "basis", "") or "").lower(), _text(getattr(e, "basis", None)))
                row["cells"][w] = {"arrow": ARROWS.get(e.direction, "?"), "direction": e.direction,
                                   "benefit": e.benefit, "p": p_value(e.p_value), "weeks": _weeks(e.timepoint_weeks),
                                   "basis": basis}
                compared = ""
                if getattr(e, "comparator", None):
                    compared = (f"{_text(getattr(e, 'intervention', None)) or 'intervention'} vs {e.comparator}"
                                + (f": {e.comparison_label}" if getattr(e, "comparison_label", None) else ""))
                sentences.setdefault((e.record_id, e.verbatim), {"label": e.label, "verbatim": e.verbatim,
                                                                 "location": e.location, "basis": basis,
                                                                 "compared": compared})
        votes = []
        for w in names:
            v = windows[w].vote
            if len(windows[w].entries) == 1:
                votes.append("one study: no test")
            elif v:
                votes.append(f"{v.get('n_benefit', 0)}/{len(windows[w].entries)} benefit, "
                             f"{p_value(v.get('p_value'))}")
            else:
                votes.append("no direction to count")
        tables.append({"outcome": outcome, "anchor": f"{index}-{_slug(outcome)}", "windows": names,
                       "rows": [_direction_row({**r, "cells": [r["cells"].get(w) for w in names]})
                                for r in studies.values()],
                       "votes": votes, "sentences": list(sentences.values()),
                       "has_basis": any(c and c["basis"] for r in studies.values() for c in r["cells"].values())})
    return tables


# --- update history and analysis plan as tables -----------------------------------------------------------

def _file_name(text: Any) -> str:
    """A source or path as the report names it: a file's name, never its folder."""
    value = str(text)
    return Path(value).name if ("/" in value or "\\" in value) else value


def _when(stamp: Any) -> str:
    text = _text(stamp)
    match = re.match(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})", text)
    return f"{match.group(1)} {match.group(2)}" + (" UTC" if re.search(r"(\+00:00|Z|UTC)$", text) else "") \
        if match else text


def _history_rows(history: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per completed update, numbered 1, 2, 3 ... in order (not the store's internal run ids)."""
    rows = []
    for number, h in enumerate(history, start=1):
        summary = dict(h.summary or {})
        sources = []
        for src in summary.pop("harvest", None) or []:
            if not isinstance(src, dict):
                continue
            name = src.get("query") if src.get("source") == "import" and src.get("query") else src.get("source")
            merged = (src.get("merged") or 0) + (src.get("updated") or 0)
            sources.append(f"{_file_name(name)}: {src.get('new', 0)} new" + (f", {merged} merged" if merged else ""))
        extract = summary.pop("extract", None)
        extracted = ""
        if isinstance(extract, dict):
            extracted = (f"{count(extract.get('extracted', 0), 'record')} extracted ({extract.get('new', 0)} new, "
                         f"{extract.get('re_extracted', 0)} re-extracted); {extract.get('included', 0)} included")
        other = [f"{str(k).replace('_', ' ')}: {_file_name(v)}" for k, v in summary.items()
                 if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
        rows.append({"number": number, "started": _when(h.started), "finished": _when(h.finished),
                     "sources": sources + other, "extracted": extracted, "changes": list(h.changes)})
    return rows


_PLAN_NAMES = {"method": "τ² estimator", "test": "Test of the pooled effect", "prediction_interval":
               "Prediction interval", "assumed_r": "Assumed pre-post correlation (r)", "subgroups": "Subgroups",
               "small_study_min_k": "Egger's test from k =", "min_k": "Fewest studies pooled"}
_TESTS = {"knha": "Knapp-Hartung (t)", "z": "z (Wald)"}


def _plan_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key == "test":
        return _TESTS.get(str(value), str(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v).replace("_", " ") for v in value)
    return _file_name(value) if isinstance(value, str) else str(value)


def _plan_view(plan: dict[str, Any]) -> dict[str, Any]:
    """The analysis plan as settings, timepoint windows and one row per outcome (never a Python repr)."""
    settings = [(_PLAN_NAMES.get(k, str(k).replace("_", " ")), _plan_value(k, v)) for k, v in plan.items()
                if k not in ("windows", "outcomes") and not isinstance(v, dict)]
    windows = []
    for w in plan.get("windows", ()):
        if isinstance(w, (list, tuple)) and len(w) >= 3:
            low, high = w[0], w[1]
            span = f"over {_clean_number(low)} weeks" if float(high) >= 5000 else \
                f"{_clean_number(low)} < weeks ≤ {_clean_number(high)}"
            windows.append((str(w[2]), span))
    outcomes = [(name, _text(o.get("kind")), _text(o.get("single_arm")), _text(o.get("controlled")))
                for name, o in (plan.get("outcomes") or {}).items() if isinstance(o, dict)]
    return {"settings": settings, "windows": windows, "outcomes": outcomes}


def _prisma_rows(p: Prisma) -> list[tuple[str, Any]]:
    """The PRISMA 2020 boxes as (step, n) rows, top to bottom."""
    rows: list[tuple[str, Any]] = []
    rows += [(f"Records identified from databases: {name}", n) for name, n in p.databases.items()]
    rows += [(f"Records identified from registers: {name}", n) for name, n in p.registers.items()]
    rows.append(("Duplicate records removed", p.duplicates_removed))
    if p.records_not_screened:
        rows.append(("Records not screened yet (no extraction)", p.records_not_screened))
    rows += [("Records screened", p.records_screened), ("Records excluded", p.records_excluded),
             ("Records excluded by the extractor (automation tool)", p.excluded_by_automation),
             ("Records excluded by a reviewer", p.excluded_by_reviewer)]
    rows += [(f"Records excluded: {reason}", count) for reason, count in p.exclusion_reasons.items()]
    rows += [("Reports sought for retrieval", p.reports_sought), ("Reports not retrieved", p.reports_not_retrieved),
             ("Reports assessed for eligibility", p.reports_assessed), ("Reports excluded", p.reports_excluded)]
    rows += [(f"Reports excluded: {reason}", count) for reason, count in p.report_exclusion_reasons.items()]
    rows += [("Studies included in review", p.studies_included), ("Reports of included studies", p.reports_included)]
    return rows


def _pooled_line(pa: PooledAnalysis) -> str:
    """One summary.md line: a pooled estimate, or a single study's own estimate marked "not pooled (k = 1)"."""
    back, _ = _back_transform(pa.transform)
    scale = " (exp-transformed)" if pa.transform and str(pa.transform).lower() == "exp" else (
        f" ({pa.transform}-back-transformed)" if pa.transform else "")
    head = f"{_md(pa.outcome)}, {_md(pa.window)}, {_md(pa.measure_label)} ({_md(pa.measure)})"
    estimate = f"{_num(back(pa.estimate))} {_interval(back(pa.ci_low), back(pa.ci_high))}"
    p_text = f", {p_value(pa.p_value)}" if pa.measure in COMPARATIVE else ""
    if pa.k == 1:
        study = pa.studies[0].label if pa.studies else "one study"
        return f"{head}: not pooled (k = 1); {_md(study)}'s own estimate {estimate}{scale}{p_text}"
    pi = (f"95% PI {_interval(back(pa.pi_low), back(pa.pi_high))}" if not _missing(pa.pi_low)
          else "PI not estimated")
    return (f"{head}: k = {pa.k}, estimate{scale} {estimate}, {pi}, I² = {_pct(pa.i2)}{p_text} "
            f"({_md(pa.method)}, {_md(pa.test)})")


def _direction_line(d: Any) -> str:
    head = f"{_md(d.outcome)}, {_md(d.window)}: {count(len(d.entries), 'study')}"
    if not d.vote:
        return head + ", no direction of benefit or harm to count" + _bases(d)
    v = d.vote
    return (head + f"; {v.get('n_benefit', 0)} benefit / {v.get('n_harm', 0)} harm"
            f" / {v.get('n_no_change', 0)} no change; sign test {p_value(v.get('p_value'))}" + _bases(d))


def _bases(d: Any) -> str:
    """"; basis: 1 between groups, 2 within arm": how many directions compare groups, how many an arm's change."""
    bases = [str(getattr(e, "basis", "") or "") for e in d.entries]
    between = sum(1 for b in bases if b == "between-group")
    computed = sum(1 for b in bases if b == BETWEEN_COMPUTED)
    uncounted = sum(1 for e in d.entries if getattr(e, "benefit", "") == NOT_COUNTED)
    within = len(d.entries) - between - computed - uncounted
    parts = ([f"{between} between groups"] * bool(between)
             + [f"{computed} between groups computed from the arms' values"] * bool(computed)
             + [f"{within} within arm"] * bool(within)
             + [f"{count(uncounted, 'controlled trial')} with no between-group result, not counted"] * bool(uncounted))
    return f"; basis: {', '.join(parts)}" if parts else ""


# ------------------------------------------------------------------------------------------ PRISMA 2020

_W = 960            # diagram width (px, viewBox units)
_BAND_W = 26        # the phase band on the left
_MAIN_X, _MAIN_W = 44, 360
_SIDE_X, _SIDE_W = 452, 500
_LINE_H = 17
_PAD = 10
_GAP = 34
_MIN_ROW_H = 76     # room for the rotated phase name in a one-row band
_CHARS_MAIN = 48    # characters per line at 13px in a 360px box (conservative)
_CHARS_SIDE = 68    # in the 500px boxes on the right
_CHARS_FOOT = 150   # characters per footnote line at 11.5px across the diagram
_FOOT_H = 15


def prisma_svg(p: Prisma) -> Markup:
    """The PRISMA 2020 flow diagram (new review, databases and registers) of `p` as inline SVG.

    Built by hand: every piece of text goes through XML escaping, and every number comes from `p`.
    """
    n_db, n_reg = sum(p.databases.values()), sum(p.registers.values())
    identified = [f"Records identified from*: Databases (n = {n_db})"]
    identified += [f"  • {name} (n = {n})" for name, n in p.databases.items()] or ["  • none"]
    identified += [f"Registers (n = {n_reg})"]
    identified += [f"  • {name} (n = {n})" for name, n in p.registers.items()] or ["  • none"]
    removed = ["Records removed before screening:", f"  Duplicate records removed (n = {p.duplicates_removed})"]
    if p.records_not_screened:
        removed.append(f"  Records not screened yet (no extraction) (n = {p.records_not_screened})")
    excluded = [f"Records excluded** (n = {p.records_excluded})",
                f"  by the extractor (automation tool) (n = {p.excluded_by_automation})",
                f"  by a reviewer (n = {p.excluded_by_reviewer})"]
    excluded += [f"  • {reason} (n = {n})" for reason, n in p.exclusion_reasons.items()]
    report_excluded = [f"Reports excluded (n = {p.reports_excluded}):"]
    report_excluded += [f"  • {reason} (n = {n})" for reason, n in p.report_exclusion_reasons.items()] or ["  • none"]
    rows = [
        ("Identification", identified, removed),
        ("Screening", [f"Records screened (n = {p.records_screened})"], excluded),
        ("Screening", [f"Reports sought for retrieval (n = {p.reports_sought})"],
         [f"Reports not retrieved† (n = {p.reports_not_retrieved})"]),
        ("Screening", [f"Reports assessed for eligibility (n = {p.reports_assessed})"], report_excluded),
        ("Included", [f"Studies included in review (n = {p.studies_included})",
                      f"Reports of included studies (n = {p.reports_included})"], None),
    ]
    parts: list[str] = []
    bands: list[tuple[str, float, float]] = []
    head_h = 30.0
    parts.append(f'<rect class="prisma-head" x="{_MAIN_X}" y="8" width="{_SIDE_X + _SIDE_W - _MAIN_X}" '
                 f'height="{head_h:.0f}" rx="3"/><text class="prisma-head-text" x="{(_MAIN_X + _SIDE_X + _SIDE_W) / 2:.1f}"'
                 f' y="{8 + head_h / 2:.1f}" text-anchor="middle" dominant-baseline="central">'
                 'Identification of studies via databases and registers</text>')
    y = 8 + head_h + 14
    previous_bottom = None
    for phase, main, side in rows:
        main_lines = _wrap(main, _CHARS_MAIN)
        side_lines = _wrap(side, _CHARS_SIDE) if side else []
        height = max(max(len(main_lines), len(side_lines)) * _LINE_H + 2 * _PAD, _MIN_ROW_H)
        if [r[0] for r in rows].count(phase) == 1:
            height = max(height, len(phase) * 8.2 + 24)  # a band of one row holds its rotated name
        parts.append(_box(_MAIN_X, y, _MAIN_W, height, main_lines, "prisma-main"))
        if side:
            parts.append(_box(_SIDE_X, y, _SIDE_W, height, side_lines, "prisma-side"))
            parts.append(_arrow(_MAIN_X + _MAIN_W, y + height / 2, _SIDE_X - 2, y + height / 2))
        if previous_bottom is not None:
            parts.append(_arrow(_MAIN_X + _MAIN_W / 2, previous_bottom, _MAIN_X + _MAIN_W / 2, y - 2))
        if bands and bands[-1][0] == phase:
            bands[-1] = (phase, bands[-1][1], y + height)
        else:
            bands.append((phase, y, y + height))
        previous_bottom = y + height
        y += height + _GAP
    for phase, top, bottom in bands:
        middle = (top + bottom) / 2
        parts.append(f'<rect class="prisma-band" x="4" y="{top:.1f}" width="{_BAND_W}" '
                     f'height="{bottom - top:.1f}" rx="4"/>')
        parts.append(f'<text class="prisma-band-text" x="{4 + _BAND_W / 2:.1f}" y="{middle:.1f}" '
                     f'transform="rotate(-90 {4 + _BAND_W / 2:.1f} {middle:.1f})" text-anchor="middle" '
                     f'dominant-baseline="central">{xml_escape(phase)}</text>')
    y = y - _GAP + 18
    for line in _wrap(_prisma_footnotes(p), _CHARS_FOOT):
        parts.append(f'<text class="prisma-foot" x="{_MAIN_X}" y="{y:.1f}" dominant-baseline="central">'
                     f'{xml_escape(line.strip())}</text>')
        y += _FOOT_H
    total_h = y + 6
    header = (f'<svg id="prisma-diagram" class="prisma-svg" xmlns="http://www.w3.org/2000/svg" '
              f'viewBox="0 0 {_W} {total_h:.0f}" width="{_W}" height="{total_h:.0f}" role="img" '
              f'aria-labelledby="prisma-title">'
              f'<title id="prisma-title">PRISMA 2020 flow diagram: {p.studies_included} '
              f'{plural(p.studies_included, "study", "studies")} ({p.reports_included} '
              f'{plural(p.reports_included, "report")}) included</title>'
              '<defs><marker id="prisma-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
              'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>'
              '</defs><style>.prisma-main,.prisma-side{fill:#fff;stroke:#333;stroke-width:1.2}'
              '.prisma-side{fill:#f6f6f6}.prisma-band{fill:#b9d3ee;stroke:#5a7fa8}'
              '.prisma-head{fill:#f2c94c;stroke:#8a6d00}'
              '.prisma-head-text{font:600 14px system-ui,sans-serif;fill:#3d3000}'
              '.prisma-band-text{font:600 13px system-ui,sans-serif;fill:#12325a}'
              '.prisma-text{font:13px system-ui,sans-serif;fill:#111}'
              '.prisma-foot{font:11.5px system-ui,sans-serif;fill:#444}'
              '.prisma-arrow{stroke:#333;stroke-width:1.4;fill:none}</style>')
    # every piece of text above was escaped in _box/xml_escape; the markup is ours
    return Markup(header + "".join(parts) + "</svg>")


def _prisma_footnotes(p: Prisma) -> list[str]:
    notes = ["* Records identified from each database and register searched; a database's RIS export counts under "
             "the database it names, and a trial registry's records under registers."]
    marks = ["** ", "† "]
    for mark, note in zip(marks, p.notes):
        notes.append(mark + note)
    notes.append("From: Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline "
                 "for reporting systematic reviews. BMJ 2021;372:n71.")
    return notes


def _wrap(lines: Iterable[str], width: int) -> list[str]:
    out: list[str] = []
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        prefix = " " * indent
        wrapped = textwrap.wrap(line.strip(), width=width - indent, break_long_words=True) or [""]
        out += [prefix + wrapped[0]] + [prefix + "   " + rest for rest in wrapped[1:]]
    return out


def _box(x: float, y: float, w: float, h: float, lines: list[str], css: str) -> str:
    text = [f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="3"/>']
    for i, line in enumerate(lines):
        indent = (len(line) - len(line.lstrip(" "))) * 4
        ty = y + _PAD + _LINE_H * (i + 0.5)
        text.append(f'<text class="prisma-text" x="{x + 10 + indent:.1f}" y="{ty:.1f}" '
                    f'dominant-baseline="central">{xml_escape(line.strip())}</text>')
    return "".join(text)


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (f'<line class="prisma-arrow" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'marker-end="url(#prisma-arrowhead)"/>')
