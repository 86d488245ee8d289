"""Plots of meta-analysis results: forest, funnel and cumulative forest plots (matplotlib, Agg canvas).

Renderers only: each function takes results, returns a matplotlib Figure, and writes it to `path`
when given (.png or .svg, chosen by the extension). Figures are made with matplotlib.figure.Figure on
an Agg canvas, never through pyplot, so nothing is shown and no global figure state accumulates.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Callable, Mapping, Sequence, Union

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.transforms import blended_transform_factory
from scipy import stats

from analysis.errors import InputError

Transform = Union[None, str, Callable[[np.ndarray], np.ndarray]]
FORMATS = {".png": "png", ".svg": "svg"}
EXP_MEASURES = ("RR", "OR", "ROM", "PLN", "IRR", "HR")   # measures on the log scale: back-transform with exp
MAX_LABEL = 60          # characters of a study label shown before an ellipsis
ROW_INCHES = 0.24       # height of one row of a forest plot
FONT_SIZE = 9

_MEASURE_NAMES = {"RR": "Risk ratio", "OR": "Odds ratio", "ROM": "Ratio of means", "RD": "Risk difference",
                  "MD": "Mean difference", "SMD": "Standardised mean difference", "PR": "Proportion",
                  "PLN": "Proportion", "PLO": "Proportion", "PAS": "Proportion", "PFT": "Proportion",
                  "MN": "Mean", "MC": "Mean change", "SMCR": "Standardised mean change",
                  "SMCC": "Standardised mean change", "GEN": "Effect size"}


def forest_plot(result, path: str | os.PathLike | None = None, *, transform: Transform = None,
                subgroups: Mapping[str, object] | None = None, title: str | None = None,
                digits: int = 2) -> Figure:
    """Return (and write to `path`) a forest plot of a fitted intercept-only MetaResult.

    One row per study: label, a square sized by its weight with the study's CI, and the columns
    "estimate [CI]" and "weight %"; then the pooled diamond, the prediction interval as a bar under it,
    and the heterogeneity statistics (tau², I², Q and its p). `transform` back-transforms the display:
    "exp" (or np.exp) draws ratios on a log-scaled axis, a measure name uses analysis.effects.transform_back,
    any other callable is applied to every number. `subgroups` maps a group name to the MetaResult of
    that group's studies: each is drawn as a block with its own diamond, above the overall diamond of
    `result`. Raises InputError for a path that is not .png or .svg.
    """
    fmt = _check_path(path)
    display, log_axis, ref = _resolve_transform(transform, getattr(result, "measure", "GEN"))
    level = float(getattr(result, "level", 95.0))
    z = float(stats.norm.ppf(1 - (1 - level / 100) / 2))
    rows: list[dict] = []
    blocks = list(subgroups.items()) if subgroups else [(None, result)]
    for group, fit in blocks:
        if group is not None:
            rows.append({"kind": "header", "label": str(group)})
        yi, vi = np.asarray(fit.yi, float), np.asarray(fit.vi, float)
        weights = np.asarray(fit.weights, float)
        for label, y, v, w in zip(fit.labels, yi, vi, weights):
            se = math.sqrt(v)
            rows.append({"kind": "study", "label": str(label), "est": y, "lo": y - z * se, "hi": y + z * se,
                         "weight": w})
        if group is not None:
            rows.append({"kind": "summary", "label": f"{_model_name(fit)} for {group}", "fit": fit, "small": True})
            rows.append({"kind": "text", "label": _heterogeneity_text(fit, digits), "small": True})
            rows.append({"kind": "blank"})
    rows.append({"kind": "summary", "label": _model_name(result), "fit": result})
    if getattr(result, "pi_low", None) is not None and getattr(result, "method", "FE") != "FE":
        rows.append({"kind": "pi", "label": f"{level:g}% prediction interval", "lo": result.pi_low,
                     "hi": result.pi_high})
    rows.append({"kind": "text", "label": _heterogeneity_text(result, digits)})

    labels = [r.get("label", "") for r in rows if r["kind"] in ("study", "header", "summary", "pi")]
    fig, (axl, axp, axr), top = _three_columns(len(rows), labels, title)
    all_weights = [r["weight"] for r in rows if r["kind"] == "study"]
    wmax = max(all_weights) if all_weights and max(all_weights) > 0 else 1.0
    columns_y = top + 1
    _column_headers(axl, axr, columns_y, "Study", f"Estimate [{level:g}% CI]", "Weight")
    x_values: list[float] = []
    first_study_y = last_study_y = None
    for i, row in enumerate(rows):
        y = top - i
        kind = row["kind"]
        small = row.get("small", False)
        if kind == "header":
            _left_text(axl, y, row["label"], weight="bold")
        elif kind == "study":
            lo, est, hi = display(np.array([row["lo"], row["est"], row["hi"]]))
            area = 6 + 110 * max(row["weight"], 0) / wmax
            axp.scatter([est], [y], s=area, marker="s", color="0.15", zorder=3, linewidths=0)
            axp.plot([lo, hi], [y, y], color="0.15", lw=0.9, zorder=2)
            _left_text(axl, y, row["label"])
            _right_text(axr, y, _interval(est, lo, hi, digits), f"{row['weight']:.1f}%")
            x_values += [lo, hi]
            first_study_y = y if first_study_y is None else first_study_y
            last_study_y = y
        elif kind == "summary":
            fit = row["fit"]
            lo, est, hi = display(np.array([fit.ci_low, fit.estimate, fit.ci_high]))
            half = 0.32 if small else 0.4
            axp.add_patch(Polygon([(lo, y), (est, y + half), (hi, y), (est, y - half)], closed=True,
                                  facecolor="0.55" if small else "0.1", edgecolor="0.1", lw=0.8, zorder=3))
            _left_text(axl, y, row["label"], weight="normal" if small else "bold")
            _right_text(axr, y, _interval(est, lo, hi, digits), "100.0%" if not small else "",
                        weight="normal" if small else "bold")
            x_values += [lo, hi]
        elif kind == "pi":
            lo, hi = display(np.array([row["lo"], row["hi"]]))
            axp.plot([lo, hi], [y, y], color="0.1", lw=2.2, solid_capstyle="butt", zorder=3)
            axp.plot([lo, lo, np.nan, hi, hi], [y - 0.22, y + 0.22, np.nan, y - 0.22, y + 0.22], color="0.1", lw=1)
            _left_text(axl, y, row["label"], style="italic")
            _right_text(axr, y, f"[{_num(lo, digits)}, {_num(hi, digits)}]", "")
            x_values += [lo, hi]
        elif kind == "text":
            axl.text(0, y, row["label"], transform=blended_transform_factory(axl.transAxes, axl.transData),
                     ha="left", va="center", fontsize=FONT_SIZE - (2 if small else 1), color="0.2", clip_on=False)

    axp.set_ylim(top - len(rows) + 0.4, columns_y + 0.7)
    _set_xaxis(axp, x_values, log_axis, ref)
    if ref is not None and first_study_y is not None:
        axp.plot([ref, ref], [last_study_y - 0.6, first_study_y + 0.6], color="0.45", lw=0.8, ls="--", zorder=1)
    axp.set_xlabel(_axis_label(getattr(result, "measure", "GEN"), transform, log_axis), fontsize=FONT_SIZE)
    _save(fig, path, fmt)
    return fig


def funnel_plot(result, path: str | os.PathLike | None = None, *, contours: bool = False,
                title: str | None = None) -> Figure:
    """Return (and write to `path`) a funnel plot: each study's yi against its standard error.

    The y axis (standard error) is inverted so precise studies sit at the top. Dashed pseudo-confidence
    lines run from the pooled estimate at level `result.level`. With `contours=True` the plot is
    contour-enhanced (Peters et al. 2008, J Clin Epidemiol 61:991): regions around 0 shaded by the
    two-sided p value a study there would have (p > .10, .05-.10, .01-.05, < .01). Raises InputError
    for a path that is not .png or .svg.
    """
    fmt = _check_path(path)
    yi, vi = np.asarray(result.yi, float), np.asarray(result.vi, float)
    se = np.sqrt(vi)
    est = float(result.estimate)
    level = float(getattr(result, "level", 95.0))
    z = float(stats.norm.ppf(1 - (1 - level / 100) / 2))
    se_max = float(se.max()) * 1.08 if se.size and se.max() > 0 else 1.0
    grid = np.linspace(0, se_max, 200)
    fig = Figure(figsize=(6.2, 4.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    lo = min(float(yi.min()), est - z * se_max)
    hi = max(float(yi.max()), est + z * se_max)
    handles = []
    if contours:
        z01 = float(stats.norm.ppf(1 - 0.01 / 2))
        lo, hi = min(lo, -z01 * se_max), max(hi, z01 * se_max)
        pad = 0.05 * (hi - lo)
        ax.fill_betweenx(grid, lo - pad, hi + pad, color="0.97", lw=0, zorder=0)
        handles.append(Patch(facecolor="0.97", edgecolor="0.6", label="p < .01"))
        names = {0.01: ".01 < p < .05", 0.05: ".05 < p < .10", 0.10: "p > .10"}
        shades = {0.01: "0.82", 0.05: "0.68", 0.10: "white"}
        for p in (0.01, 0.05, 0.10):   # shade the region where a study's p would exceed p
            zp = float(stats.norm.ppf(1 - p / 2))
            ax.fill_betweenx(grid, -zp * grid, zp * grid, color=shades[p], lw=0, zorder=0)
            handles.append(Patch(facecolor=shades[p], edgecolor="0.6", label=names[p]))
    ax.plot(est - z * grid, grid, color="0.25", ls="--", lw=0.9, zorder=1)
    ax.plot(est + z * grid, grid, color="0.25", ls="--", lw=0.9, zorder=1)
    ax.plot([est, est], [0, se_max], color="0.25", lw=0.9, zorder=1)
    ax.scatter(yi, se, s=22, color="0.05", edgecolors="white", linewidths=0.5, zorder=3)
    handles.insert(0, Line2D([], [], color="0.25", ls="--", lw=0.9, label=f"pseudo {level:g}% CI"))
    pad = 0.05 * (hi - lo if hi > lo else 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_ylim(se_max, 0)
    ax.set_xlabel(_MEASURE_NAMES.get(getattr(result, "measure", "GEN"), "Effect size") +
                  f" ({getattr(result, 'measure', 'GEN')})", fontsize=FONT_SIZE)
    ax.set_ylabel("Standard error", fontsize=FONT_SIZE)
    ax.tick_params(labelsize=FONT_SIZE - 1)
    ax.legend(handles=handles, fontsize=FONT_SIZE - 1, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if title:
        ax.set_title(title, fontsize=FONT_SIZE + 2)
    fig.tight_layout()
    _save(fig, path, fmt)
    return fig


def cumulative_plot(estimates: Sequence[float], ci_low: Sequence[float], ci_high: Sequence[float],
                    labels: Sequence[str], path: str | os.PathLike | None = None, *,
                    transform: Transform = None, title: str | None = None, digits: int = 2) -> Figure:
    """Return (and write to `path`) a cumulative forest plot: one row per step, estimate with its CI.

    Row i shows the pooled estimate after adding study i (labels are shown as given, e.g. "+ Smith
    2010"). `transform` as in forest_plot. Raises InputError when the sequences differ in length or
    are empty, or for a path that is not .png or .svg.
    """
    fmt = _check_path(path)
    est, lo, hi = (np.asarray(a, float) for a in (estimates, ci_low, ci_high))
    labels = [str(s) for s in labels]
    if not (len(est) == len(lo) == len(hi) == len(labels)) or len(est) == 0:
        raise InputError(f"cumulative_plot needs equally long, non-empty estimates, ci_low, ci_high and labels; "
                         f"got {len(est)}, {len(lo)}, {len(hi)} and {len(labels)}")
    display, log_axis, ref = _resolve_transform(transform, "GEN")
    fig, (axl, axp, axr), top = _three_columns(len(est), labels, title or "Cumulative meta-analysis")
    _column_headers(axl, axr, top + 1, "Added study", "Estimate [CI]", "")
    x_values: list[float] = []
    for i, (e, a, b, label) in enumerate(zip(est, lo, hi, labels)):
        y = top - i
        a, e, b = display(np.array([a, e, b]))
        axp.plot([a, b], [y, y], color="0.15", lw=0.9, zorder=2)
        axp.scatter([e], [y], s=26, marker="o", color="0.1", zorder=3, linewidths=0)
        _left_text(axl, y, label)
        _right_text(axr, y, _interval(e, a, b, digits), "")
        x_values += [a, b]
    axp.set_ylim(top - len(est) + 0.4, top + 1.7)
    _set_xaxis(axp, x_values, log_axis, ref)
    if ref is not None:
        axp.plot([ref, ref], [top - len(est) + 0.4, top + 0.6], color="0.45", lw=0.8, ls="--", zorder=1)
    axp.set_xlabel("Estimate" + (" (log scale)" if log_axis else ""), fontsize=FONT_SIZE)
    _save(fig, path, fmt)
    return fig


# ---------------------------------------------------------------------------------------------- helpers

def _check_path(path) -> str | None:
    if path is None:
        return None
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"plot file {os.fspath(path)!r} must end in .png or .svg (got {suffix or 'no extension'}); "
                         "name the file forest.png or forest.svg")
    return FORMATS[suffix]


def _save(fig: Figure, path, fmt: str | None) -> None:
    if path is None:
        return
    metadata = {"Date": None} if fmt == "svg" else {"Software": "trialsynth"}
    try:
        fig.savefig(path, format=fmt, dpi=110, bbox_inches="tight", metadata=metadata)
    except OSError as exc:
        raise InputError(f"cannot write the plot to {os.fspath(path)!r} ({exc.strerror or exc}); "
                         "check that the folder exists and is writable") from exc


def _resolve_transform(transform: Transform, measure: str):
    """Return (display function, log-scaled axis?, reference line position or None)."""
    if transform is None:
        return (lambda v: np.asarray(v, float)), False, 0.0
    if (isinstance(transform, str) and transform.lower() == "exp") or transform is np.exp:
        return (lambda v: np.exp(np.asarray(v, float))), True, 1.0
    if isinstance(transform, str):
        from analysis.effects import transform_back

        name = transform.upper()
        log_axis = name in EXP_MEASURES
        return (lambda v: np.asarray(transform_back(name, np.asarray(v, float)), float)), log_axis, (
            1.0 if log_axis else None)
    if callable(transform):
        return (lambda v: np.asarray(transform(np.asarray(v, float)), float)), False, None
    raise InputError(f"transform must be None, 'exp', a measure name or a function; got {transform!r}")


def _three_columns(n_rows: int, labels: Sequence[str], title: str | None):
    """Return a figure with label, plot and number columns sharing the row axis, and the top row's y."""
    longest = max([len(_short(s)) for s in labels] + [24])
    label_in = 0.3 + 0.068 * longest
    plot_in, number_in = 3.6, 2.5
    height = max(2.6, (n_rows + 3.2) * ROW_INCHES + 0.7 + (0.3 if title else 0))
    fig = Figure(figsize=(label_in + plot_in + number_in, height))
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(1, 3, width_ratios=[label_in, plot_in, number_in], wspace=0.03,
                            left=0.02, right=0.98, top=1 - 0.35 / height - (0.3 / height if title else 0),
                            bottom=0.55 / height)
    axp = fig.add_subplot(grid[0, 1])
    axl = fig.add_subplot(grid[0, 0], sharey=axp)
    axr = fig.add_subplot(grid[0, 2], sharey=axp)
    for ax in (axl, axr):
        ax.set_axis_off()
        ax.set_zorder(2)
    for side in ("left", "right", "top"):
        axp.spines[side].set_visible(False)
    axp.tick_params(axis="y", left=False, labelleft=False)
    axp.tick_params(axis="x", labelsize=FONT_SIZE - 1)
    axp.patch.set_alpha(0)
    if title:
        fig.suptitle(title, fontsize=FONT_SIZE + 2, y=1 - 0.12 / height, va="top")
    return fig, (axl, axp, axr), float(n_rows)


def _column_headers(axl, axr, y: float, left: str, middle: str, right: str) -> None:
    _left_text(axl, y, left, weight="bold")
    _right_text(axr, y, middle, right, weight="bold")


def _left_text(ax, y: float, text: str, **style) -> None:
    ax.text(0, y, _short(text), transform=blended_transform_factory(ax.transAxes, ax.transData), ha="left",
            va="center", fontsize=FONT_SIZE, clip_on=False, **style)


def _right_text(ax, y: float, interval: str, weight_text: str, **style) -> None:
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    ax.text(0.04, y, interval, transform=trans, ha="left", va="center", fontsize=FONT_SIZE, clip_on=False, **style)
    if weight_text:
        ax.text(0.98, y, weight_text, transform=trans, ha="right", va="center", fontsize=FONT_SIZE,
                clip_on=False, **style)


def _set_xaxis(ax, values: list[float], log_axis: bool, ref: float | None) -> None:
    finite = [v for v in values if v is not None and np.isfinite(v) and (v > 0 or not log_axis)]
    if ref is not None:
        finite.append(ref)
    if not finite:
        return
    lo, hi = min(finite), max(finite)
    if log_axis:
        ax.set_xscale("log")
        lo, hi = math.log(lo), math.log(hi)
        pad = 0.06 * (hi - lo if hi > lo else 1.0)
        ax.set_xlim(math.exp(lo - pad), math.exp(hi + pad))
        from matplotlib.ticker import FuncFormatter, LogLocator

        subs = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0) if hi - lo < math.log(20) else (1.0, 2.0, 5.0)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    else:
        pad = 0.06 * (hi - lo if hi > lo else 1.0)
        ax.set_xlim(lo - pad, hi + pad)


def _model_name(fit) -> str:
    method = getattr(fit, "method", "FE")
    if method == "FE":
        return "FE model"
    knha = ", Knapp-Hartung" if getattr(fit, "test", "z") == "knha" else ""
    return f"RE model ({method}{knha})"


def _heterogeneity_text(fit, digits: int) -> str:
    parts = []
    if getattr(fit, "method", "FE") != "FE":
        tau2 = f"τ² = {_num(fit.tau2, digits)}"
        if getattr(fit, "tau2_ci_low", None) is not None and getattr(fit, "tau2_ci_high", None) is not None:
            tau2 += f" [{_num(fit.tau2_ci_low, digits)}, {_num(fit.tau2_ci_high, digits)}]"
        parts.append(tau2)
    parts.append(f"I² = {fit.i2:.1f}%")
    parts.append(f"Q({fit.q_df}) = {_num(fit.q, digits)}, {_p_text(fit.q_p)}")
    return "Heterogeneity: " + "; ".join(parts)


def _p_text(p: float) -> str:
    if p is None or not np.isfinite(p):
        return "p = NA"
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)


def _num(value, digits: int) -> str:
    if value is None or not np.isfinite(value):
        return "NA"
    return f"{value:.{digits}f}"


def _interval(est: float, lo: float, hi: float, digits: int) -> str:
    return f"{_num(est, digits)} [{_num(lo, digits)}, {_num(hi, digits)}]"


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _axis_label(measure: str, transform: Transform, log_axis: bool) -> str:
    name = _MEASURE_NAMES.get(measure, "Effect size")
    if transform is None and measure in EXP_MEASURES:
        return f"log {name.lower()} ({measure})"
    return f"{name} ({measure})" + (" — log scale" if log_axis else "")


__all__ = ["forest_plot", "funnel_plot", "cumulative_plot"]
