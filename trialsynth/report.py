"""The review's report: one self-contained `report.html` and a short `summary.md`.

Both are rendered from a `trialsynth.results.ReportContext` with the Jinja2 templates in
`trialsynth/templates/` (autoescaping on for HTML, `StrictUndefined` everywhere). The HTML page
has no external resources: CSS is inline and every plot is inline SVG, made here from analysis
results (`analysis.plots`) or, for the PRISMA 2020 flow diagram, drawn by hand with every text
escaped. Harvested text (titles, verbatim sentences, labels, reasons) only ever reaches the page
through autoescaping.
"""
from __future__ import annotations

import math
import numbers
import os
import re
import sys
import tempfile
import textwrap
from functools import lru_cache
from io import StringIO
from pathlib import Path
from typing import Any, Callable, Iterable
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from trialsynth.errors import InputError
from trialsynth.results import PooledAnalysis, Prisma, ReportContext

__all__ = ["render_html", "render_markdown", "write_report", "prisma_svg", "REPORT_NAME", "SUMMARY_NAME"]

REPORT_NAME = "report.html"
SUMMARY_NAME = "summary.md"

# sources that are trial registers in PRISMA 2020's sense; every other source is a database or an import
REGISTERS = ("ctgov", "clinicaltrials", "clinicaltrials.gov", "ictrp", "euctr", "isrctn", "chictr", "anzctr")
SOURCE_NAMES = {"pubmed": "PubMed", "europepmc": "Europe PMC", "ctgov": "ClinicalTrials.gov",
                "jsonl": "JSONL import", "ris": "RIS import", "pubmed_xml": "PubMed XML import",
                "europepmc_json": "Europe PMC JSON import", "ctgov_json": "ClinicalTrials.gov JSON import"}
VOTE_CAVEAT = ("Vote counting by direction of effect is weaker evidence than a pooled effect size: it ignores "
               "the size and precision of each study's effect (Cochrane Handbook v6, chapter 12).")


# ------------------------------------------------------------------------------------------ public API

def render_html(ctx: ReportContext) -> str:
    """Return report.html for `ctx`: one static page with inline CSS and inline SVG plots."""
    pooled = [_pooled_view(i, pa) for i, pa in enumerate(ctx.pooled, start=1)]
    labels = {s.record_id: s.label for s in ctx.studies}
    return _environment().get_template("report.html.j2").render(
        ctx=ctx,
        prisma_svg=prisma_svg(ctx.prisma),
        prisma_rows=_prisma_rows(ctx.prisma),
        included=[s for s in ctx.studies if s.included],
        excluded=[s for s in ctx.studies if not s.included],
        evidence=[_evidence_view(row, labels) for row in ctx.evidence_rows],
        pooled=pooled,
        directions=[_direction_view(i, d, labels) for i, d in enumerate(ctx.directions, start=1)],
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
    )


def write_report(ctx: ReportContext, folder: Path) -> tuple[Path, Path]:
    """Write report.html and summary.md into `folder` (created if missing); return their paths.

    Both are rendered before anything is written, and each file is written to a temporary file in
    the same folder and renamed over the old one, so a reader never sees a half-written report.
    Raises InputError when the folder cannot be created or written.
    """
    folder = Path(folder)
    html, markdown = render_html(ctx), render_markdown(ctx)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the report folder {os.fspath(folder)!r} ({exc.strerror or exc}); "
                         "check the path and its permissions") from exc
    paths = folder / REPORT_NAME, folder / SUMMARY_NAME
    for path, text in zip(paths, (html, markdown)):
        _write_atomic(path, text)
    return paths


# ------------------------------------------------------------------------------------------ environment

@lru_cache(maxsize=1)
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
    env.filters.update(num=_num, pct=_pct, pval=_pval, interval=_interval, md=_md, slug=_slug)
    env.globals.update(missing=_missing, pubmed_url=_pubmed_url, doi_url=_doi_url,
                       source_name=_source_name)
    return env


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; a report is as readable as any other file
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"cannot write {os.fspath(path)!r} ({exc.strerror or exc}); "
                         "check that the folder is writable and the disk is not full") from exc


@lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------------------------------ formatting

def _missing(value: Any) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if value is None:
        return True
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


def _pval(value: Any) -> str:
    """p as usually reported: < 0.001, else three decimals; text (a reported bound) as it is."""
    if _missing(value):
        return "–"
    try:
        p = float(value)
    except (TypeError, ValueError):
        return str(value)
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


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


def _source_name(key: str) -> str:
    return SOURCE_NAMES.get(str(key).lower(), str(key))


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

def _figure_svg(fig: Any, salt: str) -> Markup:
    """Render a matplotlib Figure to inline SVG (no prolog, no metadata, ids unique to `salt`), then free it."""
    import matplotlib

    try:
        buffer = StringIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
            fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
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


def _forest_svg(pa: PooledAnalysis, salt: str) -> tuple[Markup | None, str | None]:
    """Forest plot of pa.fit as SVG, or (None, why not)."""
    if pa.fit is None:
        return None, "no fitted model was kept for this analysis, so no forest plot is drawn"
    from analysis.plots import forest_plot

    try:
        fig = forest_plot(pa.fit, None, transform=pa.transform)
    except Exception as exc:  # a plot must never stop the report; say why it is missing
        return None, f"the forest plot could not be drawn ({type(exc).__name__}: {exc})"
    return _figure_svg(fig, salt), None


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

def _pooled_view(index: int, pa: PooledAnalysis) -> dict[str, Any]:
    from trialsynth.figcache import cached_figure  # an update reuses the figures of unchanged analyses

    anchor = f"{index}-{_slug(pa.key)}"
    back, transform_note = _back_transform(pa.transform)
    forest, forest_note = cached_figure("forest", pa, f"forest{index}", _forest_svg)
    cumulative, cumulative_note = cached_figure("cumulative", pa, f"cumul{index}", _cumulative_svg)
    fit = pa.fit
    q_df = getattr(fit, "q_df", None) if fit is not None else None
    if q_df is None:
        q_df = max(pa.k - 1, 0)
    tau2_ci = None
    if fit is not None and getattr(fit, "tau2_ci_low", None) is not None:
        tau2_ci = (fit.tau2_ci_low, fit.tau2_ci_high)
    level = getattr(fit, "level", 95.0) if fit is not None else 95.0
    return {
        "pa": pa, "anchor": anchor, "transform_note": transform_note,
        "forest_svg": forest, "forest_note": forest_note,
        "cumulative_svg": cumulative, "cumulative_note": cumulative_note,
        "estimate": back(pa.estimate), "ci_low": back(pa.ci_low), "ci_high": back(pa.ci_high),
        "pi_low": back(pa.pi_low), "pi_high": back(pa.pi_high), "null": back(0.0),
        "model_scale": pa.transform is not None,
        "q_df": q_df, "tau2_ci": tau2_ci, "level": level,
        "test_name": "Knapp-Hartung (t)" if pa.test == "knha" else ("z (Wald)" if pa.test == "z" else pa.test),
        "studies": [{"s": s, "yi": back(s.yi)} for s in pa.studies],
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
    parts = [f"{stat} = {_num(test.get('stat'))}", f"p = {_pval(test.get('p_value'))}"]
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


def _evidence_view(row: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
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
    entered_by = row.get("entered_by")
    entered_by = "" if _missing(entered_by) else str(entered_by)
    return {
        "record_id": "" if _missing(record_id) else str(record_id), "label": label,
        "measure": _text(row.get("measure")), "measure_text": _text(row.get("measure_text")),
        "arm": _text(row.get("arm")), "n": _clean_number(row.get("n")), "timepoint": _text(timepoint),
        "baseline": mean_sd("baseline_mean", "baseline_sd"), "followup": mean_sd("followup_mean", "followup_sd"),
        "change": mean_sd("change_mean", "change_sd"), "responders": responders,
        "p_value": _text(row.get("p_value")), "effect_size": _clean_number(row.get("effect_size")),
        "direction": _text(row.get("direction")),
        "location": _text(row.get("source_location")), "verbatim": _text(row.get("verbatim")),
        "entered_by": entered_by, "by_reviewer": entered_by.startswith("reviewer"),
        "reviewer": entered_by.partition(":")[2] if entered_by.startswith("reviewer") else "",
    }


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


def _direction_view(index: int, synthesis: Any, labels: dict[str, str]) -> dict[str, Any]:
    vote = dict(synthesis.vote) if synthesis.vote else None
    return {"d": synthesis, "anchor": f"{index}-{_slug(synthesis.outcome + ' ' + synthesis.window)}",
            "vote": vote, "caveat": (vote or {}).get("caveat") or VOTE_CAVEAT}


def _prisma_rows(p: Prisma) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for source, count in _sources(p, registers=False):
        rows.append((f"Records identified from databases: {_source_name(source)}", count))
    for source, count in _sources(p, registers=True):
        rows.append((f"Records identified from registers: {_source_name(source)}", count))
    rows += [("Duplicate records removed", p.duplicates_removed), ("Records screened", p.records_screened),
             ("Records excluded", p.records_excluded)]
    rows += [(f"Excluded: {reason}", count) for reason, count in p.exclusion_reasons.items()]
    rows += [("Reports sought for retrieval", p.reports_sought), ("Reports not retrieved", p.reports_not_retrieved),
             ("Studies included in review", p.studies_included), ("Reports of included studies", p.reports_included)]
    return rows


def _sources(p: Prisma, *, registers: bool) -> list[tuple[str, int]]:
    return [(s, n) for s, n in p.identified.items() if (str(s).lower() in REGISTERS) == registers]


def _pooled_line(pa: PooledAnalysis) -> str:
    back, note = _back_transform(pa.transform)
    scale = " (exp-transformed)" if pa.transform and str(pa.transform).lower() == "exp" else (
        f" ({pa.transform}-back-transformed)" if pa.transform else "")
    pi = _interval(back(pa.pi_low), back(pa.pi_high))
    return (f"{_md(pa.outcome)}, {_md(pa.window)}, {_md(pa.measure_label)} ({_md(pa.measure)}): k = {pa.k}, "
            f"estimate{scale} {_num(back(pa.estimate))} {_interval(back(pa.ci_low), back(pa.ci_high))}, "
            f"PI {pi}, I² = {_pct(pa.i2)}, p = {_pval(pa.p_value)} ({_md(pa.method)}, {_md(pa.test)})")


def _direction_line(d: Any) -> str:
    head = f"{_md(d.outcome)}, {_md(d.window)}: {len(d.entries)} studies"
    if not d.vote:
        return head + ", no direction of benefit or harm to count"
    v = d.vote
    return (head + f"; {v.get('n_benefit', 0)} benefit / {v.get('n_harm', 0)} harm"
            f" / {v.get('n_no_change', 0)} no change; sign-test p = {_pval(v.get('p_value'))}"
            " (vote counting: weaker evidence than a pooled effect)")


# ------------------------------------------------------------------------------------------ PRISMA 2020

_W = 780            # diagram width (px, viewBox units)
_BAND_W = 26        # the phase band on the left
_MAIN_X, _MAIN_W = 44, 340
_SIDE_X, _SIDE_W = 432, 340
_LINE_H = 17
_PAD = 10
_GAP = 34
_MIN_ROW_H = 76     # room for the rotated phase name in a one-row band
_CHARS_MAIN = 46    # characters per line at 13px in a 340px box (conservative)


def prisma_svg(p: Prisma) -> Markup:
    """The PRISMA 2020 flow diagram (databases and registers) of `p` as inline SVG.

    Built by hand: every piece of text goes through XML escaping, and every number comes from `p`.
    """
    databases, registers = _sources(p, registers=False), _sources(p, registers=True)
    n_db, n_reg = sum(n for _, n in databases), sum(n for _, n in registers)
    identified = [f"Records identified from: Databases (n = {n_db})"]
    identified += [f"  • {_source_name(s)} (n = {n})" for s, n in databases] or ["  • none"]
    identified += [f"Registers (n = {n_reg})"]
    identified += [f"  • {_source_name(s)} (n = {n})" for s, n in registers] or ["  • none"]
    removed = ["Records removed before screening:", f"Duplicate records removed (n = {p.duplicates_removed})"]
    excluded = [f"Records excluded (n = {p.records_excluded})"]
    excluded += [f"  • {reason} (n = {n})" for reason, n in p.exclusion_reasons.items()]
    rows = [
        ("Identification", identified, removed),
        ("Screening", [f"Records screened (n = {p.records_screened})"], excluded),
        ("Screening", [f"Reports sought for retrieval (n = {p.reports_sought})"],
         [f"Reports not retrieved (n = {p.reports_not_retrieved})"]),
        ("Included", [f"Studies included in review (n = {p.studies_included})",
                      f"Reports of included studies (n = {p.reports_included})"], None),
    ]
    parts: list[str] = []
    bands: list[tuple[str, float, float]] = []
    y = 12.0
    previous_bottom = None
    for phase, main, side in rows:
        main_lines = _wrap(main, _CHARS_MAIN)
        side_lines = _wrap(side, _CHARS_MAIN) if side else []
        height = max(max(len(main_lines), len(side_lines)) * _LINE_H + 2 * _PAD, _MIN_ROW_H)
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
    total_h = y - _GAP + 12
    for phase, top, bottom in bands:
        middle = (top + bottom) / 2
        parts.append(f'<rect class="prisma-band" x="4" y="{top:.1f}" width="{_BAND_W}" '
                     f'height="{bottom - top:.1f}" rx="4"/>')
        parts.append(f'<text class="prisma-band-text" x="{4 + _BAND_W / 2:.1f}" y="{middle:.1f}" '
                     f'transform="rotate(-90 {4 + _BAND_W / 2:.1f} {middle:.1f})" text-anchor="middle" '
                     f'dominant-baseline="central">{xml_escape(phase)}</text>')
    header = (f'<svg id="prisma-diagram" class="prisma-svg" xmlns="http://www.w3.org/2000/svg" '
              f'viewBox="0 0 {_W} {total_h:.0f}" width="{_W}" height="{total_h:.0f}" role="img" '
              f'aria-labelledby="prisma-title">'
              f'<title id="prisma-title">PRISMA 2020 flow diagram: {p.studies_included} studies '
              f'({p.reports_included} reports) included</title>'
              '<defs><marker id="prisma-arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
              'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker>'
              '</defs><style>.prisma-main,.prisma-side{fill:#fff;stroke:#333;stroke-width:1.2}'
              '.prisma-side{fill:#f6f6f6}.prisma-band{fill:#b9d3ee;stroke:#5a7fa8}'
              '.prisma-band-text{font:600 13px system-ui,sans-serif;fill:#12325a}'
              '.prisma-text{font:13px system-ui,sans-serif;fill:#111}'
              '.prisma-arrow{stroke:#333;stroke-width:1.4;fill:none}</style>')
    # every piece of text above was escaped in _box/xml_escape; the markup is ours
    return Markup(header + "".join(parts) + "</svg>")


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
