"""Plots of meta-analysis results: forest, funnel and cumulative forest plots (matplotlib, Agg canvas).

Renderers only: each function takes results, returns a matplotlib Figure, and writes it to `path`
when given (.png, .svg or .pdf, chosen by the extension). Figures are made with
matplotlib.figure.Figure on an Agg canvas, never through pyplot, so nothing is shown and no global
figure state accumulates. The forest plot follows the layout RevMan users know (Cochrane Handbook,
chapter 10; RevMan 5's forest plot): per-arm data, weights and estimates as columns, favours labels
under the axis, heterogeneity and the test for the overall effect in the bottom-left corner.
"""
from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Sequence, Union

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory, offset_copy

from analysis.distributions import norm_isf
from analysis.errors import InputError

Transform = Union[None, str, Callable[[np.ndarray], np.ndarray]]
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
EXP_MEASURES = ("RR", "OR", "ROM", "PLN", "IRR", "HR")   # measures on the log scale: back-transform with exp
MAX_LABEL = 60          # characters of a study label shown before an ellipsis
ROW_INCHES = 0.24       # height of one row of a forest plot
FONT_SIZE = 9
FAVOURS_GAP = 6.0       # points between each favours label and the line of no effect (at FONT_SIZE)

_MEASURE_NAMES = {"RR": "Risk ratio", "OR": "Odds ratio", "ROM": "Ratio of means", "RD": "Risk difference",
                  "MD": "Mean difference", "SMD": "Standardised mean difference", "PR": "Proportion",
                  "PLN": "Proportion", "PLO": "Proportion", "PAS": "Proportion", "PFT": "Proportion",
                  "MN": "Mean", "MC": "Mean change", "SMCR": "Standardised mean change",
                  "SMCC": "Standardised mean change", "GEN": "Effect size"}


# arm columns per measure family: (escalc input names, how each arm's cells are shown)
_TWO_BY_TWO = ("RR", "OR", "RD")
_TWO_GROUP_MEANS = ("MD", "SMD", "ROM")
_SINGLE_PROPORTION = ("PR", "PLN", "PLO", "PAS", "PFT")
_PRE_POST = ("MC", "SMCR", "SMCC")
_TWO_GROUP = _TWO_BY_TWO + _TWO_GROUP_MEANS + ("GEN",)      # measures that compare two groups
# one-group measures: the overall-effect test would test a logit (or mean) of 0, which RevMan has no test for
_ONE_GROUP = _SINGLE_PROPORTION + ("MN",)
DEFAULT_GROUPS = ("Intervention", "Control")
DEFAULT_FAVOURS = ("Favours intervention", "Favours control")
DEFAULT_DPI = 110


def forest_plot(result, path: str | os.PathLike | None = None, *, transform: Transform = None,
                subgroups: Mapping[str, object] | None = None, title: str | None = None,
                digits: int = 2, arms: Mapping[str, Sequence[float]] | None = None,
                groups: Sequence[str] | None = None, favours: Sequence[str] | bool | None = None,
                units: str | None = None, prediction_interval: bool = True, dpi: float | None = None,
                width: float | None = None, font_size: float = FONT_SIZE) -> Figure:
    """Return (and write to `path`) a RevMan-style forest plot of a fitted intercept-only MetaResult.

    Columns, left to right: study; the per-arm data when known (events and total per arm for RR, OR
    and RD; mean, SD and total per arm for MD, SMD and ROM; events and total, or mean, SD and total,
    for one-group measures); the weight; the estimate with its CI as text; the plot (a square sized
    by weight with the CI, the pooled diamond, the prediction interval as a bar). Under the axis,
    "favours" labels either side of the line of no effect; in the bottom-left, the heterogeneity
    statistics (tau², chi², df, p, I²) and the test for the overall effect (Z, or t with its df, and p)
    -- not for one-group proportions and means (PR, PLN, PLO, PAS, PFT, MN), where it would test a
    proportion of 0.5 or a mean of 0, a test RevMan does not have.
    A single study (k = 1) is never drawn as pooled: no diamond, no model row, no heterogeneity,
    and "Not pooled (k = 1)" in bold where the pooled row would be.

    transform: back-transforms the display: "exp" (or np.exp) draws ratios on a log-scaled axis, a
    measure name uses analysis.effects.transform_back, any other callable is applied to every number.
    subgroups: maps a group name to the MetaResult of that group's studies, drawn as blocks with their
    own subtotal above the overall total of `result`.
    arms: the per-arm data, a mapping of escalc column names to one value per study in the result's
    order (ai, bi, ci, di or ai, n1i, ci, n2i; m1i, sd1i, n1i, m2i, sd2i, n2i; xi, ni; mi, sdi, ni);
    None or NaN for a value not known (shown blank). For a pre-post change (MC, SMCR, SMCC) the names
    are escalc's: m1i, sd1i the follow-up ("Follow-up" columns), m2i, sd2i the baseline ("Baseline"),
    ni the total; SMCR shows sd1i as the baseline SD, its standardiser; a study that reported its
    mean change gives mi, sdi, ni instead ("Mean change", "SD", "Total"). Default: the `inputs` the
    result carries (rma(es) with escalc's EffectSizes).
    groups: the two arm headings (default "Intervention", "Control").
    favours: the (left, right) labels under the axis, or False for none; default "Favours intervention"
    / "Favours control" for two-group measures and none for one-group measures.
    units: the outcome's units, shown in the axis label ("Mean difference (DAS28 points)").
    prediction_interval: draw the prediction interval when the result has one (default True).
    dpi: resolution of PNG output (default 110; 300 for print); width: figure width in inches (the
    plot panel takes what the columns leave; fonts shrink if the columns alone are wider).
    Written as PNG, SVG or PDF by the suffix of `path`. Raises InputError for another suffix or for
    `arms` columns of the wrong length.
    """
    fmt = _check_path(path)
    measure = str(getattr(result, "measure", "GEN") or "GEN").upper()
    display, log_axis, ref = _resolve_transform(transform, measure)
    level = float(getattr(result, "level", 95.0))
    z = norm_isf((1 - level / 100) / 2)
    arm_data = _arm_columns(measure, arms if arms is not None else getattr(result, "inputs", None),
                            int(getattr(result, "k", len(result.yi))))
    group_names = tuple(groups) if groups else DEFAULT_GROUPS
    if favours is None:
        favours = DEFAULT_FAVOURS if measure in _TWO_GROUP else False
    if favours is not False and favours is not None and len(tuple(favours)) != 2:
        raise InputError(f"favours must be two labels (left, right) or False; got {favours!r}")
    layout = _ArmLayout(measure, arm_data, group_names, digits)

    # ---- rows -------------------------------------------------------------------------------------
    rows: list[dict] = []
    blocks = list(subgroups.items()) if subgroups else [(None, result)]
    offset = 0
    for group, fit in blocks:
        if group is not None:
            rows.append({"kind": "header", "label": str(group)})
        yi, vi = np.asarray(fit.yi, float), np.asarray(fit.vi, float)
        weights = np.asarray(fit.weights, float)
        indices = _block_indices(result, fit, offset)
        offset += len(yi)
        overall = np.asarray(result.weights, float)
        for label, y, v, w, idx in zip(fit.labels, yi, vi, weights, indices):
            se = math.sqrt(v)
            # RevMan: a study's weight is its share of the overall analysis, in subgroups too
            weight = (float(overall[idx]) if idx < overall.size else float(w)) if _pooled(result) else None
            rows.append({"kind": "study", "label": str(label), "est": y, "lo": y - z * se, "hi": y + z * se,
                         "weight": weight, "cells": layout.study_cells(idx)})
        if group is not None:
            block = _total_rows(fit, layout, indices, level, digits, subtotal=True)
            for row in block:
                if row["kind"] == "summary":
                    row["weight"] = float(sum(overall[i] for i in indices if i < overall.size))
            rows.extend(block)
            if _pooled(fit):
                rows.append({"kind": "note", "label": _heterogeneity_text(fit, digits), "small": True})
                if measure not in _ONE_GROUP:
                    rows.append({"kind": "note", "label": _overall_text(fit), "small": True})
            rows.append({"kind": "blank"})
    if subgroups is None:
        rows.append({"kind": "blank"})
    all_indices = list(range(int(result.k)))
    rows.extend(_total_rows(result, layout, all_indices, level, digits, subtotal=False))
    if (prediction_interval and _pooled(result) and getattr(result, "pi_low", None) is not None
            and getattr(result, "method", "FE") != "FE"):
        rows.append({"kind": "pi", "label": f"{level:g}% prediction interval", "lo": result.pi_low,
                     "hi": result.pi_high})
    notes = []
    if _pooled(result):
        notes = [_heterogeneity_text(result, digits)] + ([] if measure in _ONE_GROUP else [_overall_text(result)])
    header = _header_text(result, measure, level)
    return _draw(rows, notes, layout, header, display, log_axis, ref, measure, transform, units, favours, title,
                 digits, dpi, width, font_size, path, fmt)


def _pooled(fit) -> bool:
    return int(getattr(fit, "k", len(fit.yi))) > 1


def _block_indices(result, fit, offset: int) -> list[int]:
    """Positions of a block's studies in `result` (by label when subgroups hold the same studies)."""
    if fit is result:
        return list(range(len(fit.yi)))
    position = {lab: i for i, lab in enumerate(result.labels)}
    found = [position.get(lab) for lab in fit.labels]
    if all(i is not None for i in found) and len(set(found)) == len(found):
        return found
    return list(range(offset, offset + len(fit.yi)))


def _total_rows(fit, layout: "_ArmLayout", indices: list[int], level: float, digits: int,
                subtotal: bool) -> list[dict]:
    name = "Subtotal" if subtotal else "Total"
    if not _pooled(fit):
        return [{"kind": "unpooled", "label": "Not pooled (k = 1): the study's own estimate", "small": subtotal}]
    rows = [{"kind": "summary", "label": f"{name} ({level:g}% CI)", "fit": fit, "small": subtotal,
             "cells": layout.total_cells(indices), "weight": 100.0}]
    events = layout.event_cells(indices)
    if events:
        rows.append({"kind": "events", "label": "Total events", "cells": events, "small": subtotal})
    return rows


def _arm_columns(measure: str, arms, k: int) -> dict[str, np.ndarray]:
    """The per-arm values as float arrays (NaN where not known); {} when none are given."""
    if not arms:
        return {}
    out = {}
    for name, values in arms.items():
        vals = np.array([np.nan if v is None else float(v) for v in np.ravel(np.asarray(values, dtype=object))],
                        dtype=float)
        if vals.size != k:
            raise InputError(f"arms column {name!r} has {vals.size} values for k = {k} studies; give one value "
                             "per study in the result's order (None where not known)")
        out[str(name)] = vals
    if "bi" in out and "ai" in out and "n1i" not in out:
        out["n1i"] = out["ai"] + out["bi"]
    if "di" in out and "ci" in out and "n2i" not in out:
        out["n2i"] = out["ci"] + out["di"]
    return out


class _ArmLayout:
    """Which arm columns a measure shows, with their headings and cell texts."""

    def __init__(self, measure: str, data: dict[str, np.ndarray], groups: tuple[str, ...], digits: int):
        self.data = data
        self.digits = digits
        g1, g2 = (tuple(groups) + DEFAULT_GROUPS[len(groups):])[:2]
        if measure in _TWO_BY_TWO:
            spec = [(g1, [("Events", "ai", "count"), ("Total", "n1i", "count")]),
                    (g2, [("Events", "ci", "count"), ("Total", "n2i", "count")])]
        elif measure in _TWO_GROUP_MEANS or (measure == "GEN" and "m1i" in data):
            spec = [(g1, [("Mean", "m1i", "value"), ("SD", "sd1i", "value"), ("Total", "n1i", "count")]),
                    (g2, [("Mean", "m2i", "value"), ("SD", "sd2i", "value"), ("Total", "n2i", "count")])]
        elif measure in _SINGLE_PROPORTION:
            spec = [("", [("Events", "xi", "count"), ("Total", "ni", "count")])]
        elif measure == "MN":
            spec = [("", [("Mean", "mi", "value"), ("SD", "sdi", "value"), ("Total", "ni", "count")])]
        elif measure in _PRE_POST:
            # escalc's order (metafor, measures MC/SMCR/SMCC; the morris2008 example has m1i = m_post,
            # m2i = m_pre): m1i and sd1i the follow-up, m2i and sd2i the baseline -- except that SMCR's
            # sd1i is the baseline SD it standardises by and it uses no follow-up SD. A study that
            # reported its mean change gives mi, sdi, ni (escalc's "MN" of the change scores).
            follow_sd = [] if measure == "SMCR" else [("SD", "sd1i", "value")]
            baseline_sd = ("SD", "sd1i" if measure == "SMCR" else "sd2i", "value")
            spec = [("Follow-up", [("Mean", "m1i", "value")] + follow_sd),
                    ("Baseline", [("Mean", "m2i", "value"), baseline_sd]),
                    ("", [("Mean change", "mi", "value"), ("SD", "sdi", "value"), ("Total", "ni", "count")])]
        else:
            spec = [("", [("Total", "ni", "count")])]
        # keep only the columns that have data
        self.spec = [(top, [c for c in cols if c[1] in data and np.any(np.isfinite(data[c[1]]))])
                     for top, cols in spec]
        self.spec = [(top, cols) for top, cols in self.spec if cols]
        self.columns = [c for _, cols in self.spec for c in cols]
        # a column of whole numbers is shown without decimals, any other with `digits` of them
        self.whole = {key: bool(np.all([float(v).is_integer() for v in data[key] if np.isfinite(v)]))
                      for _, cols in self.spec for _, key, _ in cols}

    @property
    def has_groups(self) -> bool:
        return any(top for top, _ in self.spec)

    def _fmt(self, value: float, key: str) -> str:
        if not np.isfinite(value):
            return ""
        if self.whole.get(key, False):
            return f"{value:.0f}"
        return f"{value:.{self.digits}f}"

    def study_cells(self, i: int) -> list[str]:
        return [self._fmt(self.data[key][i], key) for _, key, _ in self.columns]

    def total_cells(self, indices: list[int]) -> list[str]:
        out = []
        for head, key, kind in self.columns:
            values = self.data[key][indices]
            out.append(self._fmt(float(np.sum(values)), key) if head == "Total" and np.all(np.isfinite(values))
                       else "")
        return out

    def event_cells(self, indices: list[int]) -> list[str] | None:
        if not any(head == "Events" for head, _, _ in self.columns):
            return None
        out = []
        for head, key, _ in self.columns:
            values = self.data[key][indices]
            out.append(f"{np.sum(values):.0f}" if head == "Events" and np.all(np.isfinite(values)) else "")
        return out


def _header_text(result, measure: str, level: float) -> str:
    name = _MEASURE_NAMES.get(measure, "Effect size")
    method = getattr(result, "method", "FE")
    if not _pooled(result):
        return f"{name}\nstudy estimate, {level:g}% CI"
    elif method == "FE":
        model = "IV, Fixed"
    else:
        model = f"IV, Random ({method}{', HK' if getattr(result, 'test', 'z') == 'knha' else ''})"
    return f"{name}\n{model}, {level:g}% CI"


def _text_width(renderer, text: str, size: float, weight: str = "normal") -> float:
    """Width in inches of `text` at `size` points: the font's own (unhinted) metrics, as SVG and PDF draw
    it, plus 4% for the wider hinted glyphs of PNG output at 100-150 dpi."""
    if not text:
        return 0.0
    return _font_width(text, float(size), weight)


@lru_cache(maxsize=65536)
def _font_width(text: str, size: float, weight: str) -> float:
    """_text_width's measure, kept: the same study labels and cell numbers recur in every plot of a review."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _, _ = TextToPath().get_text_width_height_descent(text, FontProperties(size=size, weight=weight),
                                                             ismath=False)
    return 1.04 * width / 72.0


def _wrap(renderer, text: str, size: float, room: float) -> str:
    """`text`, or when it is wider than `room` inches, broken at the space that leaves the shorter
    longest line (one break: a favours label is two or three words)."""
    if _text_width(renderer, text, size) <= room or " " not in text:
        return text
    words = text.split(" ")
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: max(_text_width(renderer, part, size) for part in pair))
    return f"{first}\n{second}"


def _draw(rows, notes, layout: "_ArmLayout", header: str, display, log_axis: bool, ref, measure: str,
          transform, units, favours, title, digits: int, dpi, width, font_size: float, path, fmt) -> Figure:
    fig = Figure(dpi=72)
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()

    # ---- cell texts of every column, then column widths measured with the renderer -------------------
    interval_texts: list[str] = []
    for row in rows:
        if row["kind"] == "study":
            lo, est, hi = display(np.array([row["lo"], row["est"], row["hi"]]))
            row["xs"] = (lo, est, hi)
            row["interval"] = _interval(est, lo, hi, digits)
        elif row["kind"] == "summary":
            fit = row["fit"]
            lo, est, hi = display(np.array([fit.ci_low, fit.estimate, fit.ci_high]))
            row["xs"] = (lo, est, hi)
            row["interval"] = _interval(est, lo, hi, digits)
        elif row["kind"] == "pi":
            lo, hi = display(np.array([row["lo"], row["hi"]]))
            row["xs"] = (lo, hi)
            row["interval"] = f"[{_num(lo, digits)}, {_num(hi, digits)}]"
        if "interval" in row:
            interval_texts.append(row["interval"])

    show_weight = any(r.get("weight") is not None for r in rows if r["kind"] == "study")

    def layout_for(size: float):
        small = size - 1
        pad = 0.12 * size / FONT_SIZE
        label_w = max([_text_width(renderer, "Study or subgroup", size, "bold")] +
                      [_text_width(renderer, _short(r.get("label", "")), small if r.get("small") else size,
                                   "bold" if r["kind"] in ("header", "summary", "unpooled") else "normal")
                       for r in rows if r["kind"] in ("study", "header", "summary", "events", "pi")])
        unpooled = [r for r in rows if r["kind"] == "unpooled"]
        cols = []   # (kind, header, width)
        for j, (head, key, _) in enumerate(layout.columns):
            cells = [r["cells"][j] for r in rows if r.get("cells")]
            cols.append(("arm", head, max([_text_width(renderer, head, size, "bold")] +
                                          [_text_width(renderer, c, size, "bold") for c in cells])))
        if show_weight:
            cols.append(("weight", "Weight", max(_text_width(renderer, "Weight", size, "bold"),
                                                  _text_width(renderer, "100.0%", size, "bold"))))
        head_lines = header.split("\n")
        cols.append(("interval", header, max([_text_width(renderer, h, size, "bold") for h in head_lines] +
                                             [_text_width(renderer, t, size, "bold") for t in interval_texts])))
        # group headings span their columns: widen the last column of a group if the heading is wider
        position, spans = 0, []
        for top, group_cols in layout.spec:
            n = len(group_cols)
            spans.append((top, position, position + n))
            need = _text_width(renderer, top, size, "bold") + pad
            have = sum(cols[i][2] for i in range(position, position + n)) + pad * (n - 1)
            if need > have:
                kind, head, w = cols[position + n - 1]
                cols[position + n - 1] = (kind, head, w + need - have)
            position += n
        return label_w, cols, spans, pad, unpooled

    size = float(font_size)
    plot_min = 1.6
    for _ in range(6):   # a given width: shrink the fonts until the columns leave plot_min for the plot
        label_w, cols, spans, pad, unpooled = layout_for(size)
        table_w = label_w + sum(w for _, _, w in cols) + pad * (len(cols) + 1)
        if width is None or table_w + plot_min + 0.3 <= width or size <= 5:
            break
        size = max(5.0, 0.97 * size * (width - plot_min - 0.3) / table_w)
    plot_w = max(plot_min, (width - table_w - 0.35) if width is not None else 3.2 * size / FONT_SIZE)
    gap = FAVOURS_GAP * size / FONT_SIZE / 72.0           # inches between a favours label and the null line
    if favours and ref is not None and width is None:   # each label fits in half of the panel
        fav_w = max(_text_width(renderer, str(f), size - 1) for f in favours) + gap
        plot_w = max(plot_w, 2 * fav_w + 0.1)
    # a label wider than its half of the panel (a given width) is broken onto two lines
    favours_lines = [] if not favours or ref is None else [
        _wrap(renderer, str(f), size - 1, plot_w / 2 - gap - 0.04) for f in favours]
    fav_rows = max([label.count("\n") + 1 for label in favours_lines] + [1])
    notes_w = max([_text_width(renderer, n, size - 1) for n in notes] + [0.0])
    small = size - 1

    # ---- vertical layout: rows of fixed height, in inches from the top ------------------------------
    row_h = ROW_INCHES * size / FONT_SIZE
    header_rows = 2.6 if layout.has_groups or "\n" in header else 1.6
    top_margin = 0.12 + (0.35 * size / FONT_SIZE if title else 0.0)
    first_row = top_margin + header_rows * row_h          # top edge of the first body row
    n_rows = len(rows)
    plot_rows = [i for i, r in enumerate(rows) if r["kind"] in ("study", "summary", "pi", "unpooled", "events",
                                                                "header", "blank", "note")]
    last_plot_row = max(i for i, r in enumerate(rows) if r["kind"] in ("study", "summary", "pi", "unpooled")) \
        if plot_rows else n_rows - 1
    body_bottom = first_row + (last_plot_row + 1) * row_h   # bottom edge of the plot panel
    axis_block = (0.62 + (0.2 * fav_rows if favours else 0.0)) * size / FONT_SIZE
    notes_top = first_row + n_rows * row_h + 0.05
    height = max(body_bottom + axis_block, notes_top + len(notes) * row_h * 1.1 + 0.12, 1.6)
    fig_w = 0.1 + table_w + plot_w + 0.25
    if width is not None:
        fig_w = max(fig_w, float(width))
    fig_w = max(fig_w, 0.1 + notes_w + 0.2)
    fig.set_size_inches(fig_w, height)

    def y_of(i: float) -> float:       # inches from the bottom of the figure for the centre of row i
        return height - (first_row + (i + 0.5) * row_h)

    text_ax = fig.add_axes([0, 0, 1, 1])
    text_ax.set_axis_off()
    inch = fig.dpi_scale_trans

    def put(x: float, y: float, text: str, ha: str = "left", **style) -> None:
        # the Text that Axes.text builds, added without the clip path Axes.text gives it (never used with
        # clip_on=False; setting it took 3/4 of the time a forest of several hundred studies spent on its cells)
        style.setdefault("fontsize", size)
        text_ax._add_text(Text(x, y, text=text, transform=inch, horizontalalignment=ha, verticalalignment="center",
                               clip_on=False, **style))

    # column x positions (inches): label, then each column right-aligned at its right edge
    x = 0.1
    label_x = x
    x += label_w + pad
    col_x = []
    for _, _, w in cols:
        col_x.append((x, x + w))
        x += w + pad
    plot_left = x + 0.05

    # headers
    head_y = height - (top_margin + (header_rows - 0.7) * row_h)
    top_y = height - (top_margin + (header_rows - 1.7) * row_h)
    put(label_x, head_y, "Study or subgroup", weight="bold")
    for j, (kind, head, _) in enumerate(cols):
        left, right = col_x[j]
        if kind == "interval":
            lines = head.split("\n")
            put(left, head_y, lines[-1], weight="bold")
            if len(lines) > 1:
                put(left, top_y, lines[0], weight="bold")
        else:
            put(right, head_y, head, ha="right", weight="bold")
    for top, start, end in spans:
        if top:
            left, right = col_x[start][0], col_x[end - 1][1]
            put((left + right) / 2, top_y, top, ha="center", weight="bold")
            text_ax.plot([left, right], [top_y - 0.45 * row_h] * 2, transform=inch, color="0.4", lw=0.6)
    rule_y = height - (first_row - 0.15 * row_h)
    text_ax.plot([0.1, plot_left + plot_w], [rule_y, rule_y], transform=inch, color="0.2", lw=0.8)

    # the plot panel
    ax_bottom = height - body_bottom
    axp = fig.add_axes([plot_left / fig_w, ax_bottom / height, plot_w / fig_w, (body_bottom - first_row) / height])
    axp.set_ylim(last_plot_row + 1, 0)
    for side in ("left", "right", "top"):
        axp.spines[side].set_visible(False)
    axp.tick_params(axis="y", left=False, labelleft=False)
    axp.tick_params(axis="x", labelsize=size - 1)
    axp.patch.set_alpha(0)
    plot_header = header.split("\n")
    plot_header[-1] = re.sub(r" \([^)]*\)", "", plot_header[-1])    # "IV, Random, 95% CI" over the plot
    put(plot_left + plot_w / 2, top_y if len(plot_header) > 1 else head_y, plot_header[0], ha="center",
        weight="bold")
    if len(plot_header) > 1:
        put(plot_left + plot_w / 2, head_y, plot_header[1], ha="center", weight="bold")

    weights = [r["weight"] for r in rows if r["kind"] == "study" and r.get("weight") is not None]
    wmax = max(weights) if weights and max(weights) > 0 else 1.0
    x_values: list[float] = []
    core_values: list[float] = []
    cis: list[tuple[float, float, float]] = []
    study_ys: list[float] = []
    squares: list[tuple[float, float, float]] = []   # (x, y, area): drawn as one collection, as are the CIs
    for i, row in enumerate(rows):
        kind = row["kind"]
        y_in = y_of(i)
        is_small = row.get("small", False)
        fsize = small if is_small else size
        if kind == "header":
            put(label_x, y_in, _short(row["label"]), weight="bold")
        elif kind == "study":
            put(label_x, y_in, _short(row["label"]))
            for j, cell in enumerate(row["cells"]):
                put(col_x[j][1], y_in, cell, ha="right")
            if show_weight and row.get("weight") is not None:
                put(col_x[-2][1], y_in, f"{row['weight']:.1f}%", ha="right")
            put(col_x[-1][0], y_in, row["interval"])
            lo, est, hi = row["xs"]
            share = math.sqrt(max(row["weight"] or 0.0, 0.0) / wmax) if row.get("weight") is not None else 0.4
            side = (2.5 + 6.0 * share) * size / FONT_SIZE      # the square's area grows with the weight
            squares.append((est, i + 0.5, side ** 2))
            x_values += [lo, hi, est]
            core_values.append(est)
            cis.append((lo, hi, i + 0.5))
            study_ys.append(i + 0.5)
        elif kind == "summary":
            put(label_x, y_in, row["label"], weight="bold", fontsize=fsize)
            for j, cell in enumerate(row["cells"]):
                put(col_x[j][1], y_in, cell, ha="right", weight="bold", fontsize=fsize)
            put(col_x[-2][1], y_in, f"{row['weight']:.1f}%", ha="right", weight="bold", fontsize=fsize)
            put(col_x[-1][0], y_in, row["interval"], weight="bold", fontsize=fsize)
            lo, est, hi = row["xs"]
            half = 0.32 if is_small else 0.4
            axp.add_patch(Polygon([(lo, i + 0.5), (est, i + 0.5 - half), (hi, i + 0.5), (est, i + 0.5 + half)],
                                  closed=True, facecolor="0.55" if is_small else "0.1", edgecolor="0.1", lw=0.8,
                                  zorder=3))
            x_values += [lo, hi]
            core_values += [lo, hi]
        elif kind == "events":
            put(label_x, y_in, row["label"], fontsize=fsize)
            for j, cell in enumerate(row["cells"]):
                put(col_x[j][1], y_in, cell, ha="right", fontsize=fsize)
        elif kind == "pi":
            put(label_x, y_in, row["label"], style="italic")
            put(col_x[-1][0], y_in, row["interval"], style="italic")
            lo, hi = row["xs"]
            yy = i + 0.5
            axp.plot([lo, hi], [yy, yy], color="0.1", lw=2.2, solid_capstyle="butt", zorder=3)
            axp.plot([lo, lo, np.nan, hi, hi], [yy - 0.22, yy + 0.22, np.nan, yy - 0.22, yy + 0.22], color="0.1",
                     lw=1)
            x_values += [lo, hi]
            core_values += [lo, hi]
        elif kind == "unpooled":
            put(label_x, y_in, row["label"], weight="bold", fontsize=fsize + (0 if is_small else 1),
                color="#8b0000")
        elif kind == "note":
            put(label_x + 0.1, y_in, row["label"], fontsize=small, color="0.2")
    for n, note in enumerate(notes):
        put(label_x, height - (notes_top + (n + 0.5) * row_h * 1.1), note, fontsize=small)
    if squares:   # one artist each for the squares and the CI lines, not two per study (a pool of 500 studies)
        xs, ys, areas = zip(*squares)
        axp.scatter(xs, ys, s=areas, marker="s", color="0.15", zorder=3, linewidths=0)
        axp.plot(*_segments(cis), color="0.15", lw=0.9, zorder=2)

    limits = _set_xaxis(axp, x_values, log_axis, ref, symmetric=ref is not None, core=core_values)
    if limits is not None:   # a CI cut at the edge of the axis ends in an arrow (RevMan)
        for lo, hi, yy in cis:
            if np.isfinite(lo) and lo < limits[0]:
                axp.plot([limits[0]], [yy], marker="<", color="0.15", markersize=4, clip_on=False, zorder=3)
            if np.isfinite(hi) and hi > limits[1]:
                axp.plot([limits[1]], [yy], marker=">", color="0.15", markersize=4, clip_on=False, zorder=3)
    if ref is not None and study_ys:
        axp.axvline(ref, color="0.45", lw=0.8, ls="-", zorder=1)
    axp.set_xlabel(_axis_label(measure, transform, log_axis, units), fontsize=size - 1,
                   labelpad=(20 + 10 * (fav_rows - 1) if favours_lines else 4) * size / FONT_SIZE)
    if favours_lines:
        # placed by an offset from the null line, not by padding with spaces, which SVG viewers collapse
        left_text, right_text = favours_lines
        trans = blended_transform_factory(axp.transData, axp.transAxes)
        fav_y = -(0.27 * size / FONT_SIZE) / max(body_bottom - first_row, 0.1)
        points = gap * 72.0
        axp.text(ref, fav_y, left_text, transform=offset_copy(trans, fig=fig, x=-points, units="points"),
                 ha="right", va="top", multialignment="right", fontsize=size - 1)
        axp.text(ref, fav_y, right_text, transform=offset_copy(trans, fig=fig, x=points, units="points"),
                 ha="left", va="top", multialignment="left", fontsize=size - 1)
    if title:
        put(fig_w / 2, height - 0.12 - 0.15 * size / FONT_SIZE, title, ha="center", fontsize=size + 2)
    _save(fig, path, fmt, dpi=dpi, tight=False)
    return fig


def funnel_plot(result, path: str | os.PathLike | None = None, *, contours: bool = False,
                title: str | None = None, dpi: float | None = None) -> Figure:
    """Return (and write to `path`) a funnel plot: each study's yi against its standard error.

    The y axis (standard error) is inverted so precise studies sit at the top. Dashed pseudo-confidence
    lines run from the pooled estimate at level `result.level`. With `contours=True` the plot is
    contour-enhanced (Peters et al. 2008, J Clin Epidemiol 61:991): regions around 0 shaded by the
    two-sided p value a study there would have (p > .10, .05-.10, .01-.05, < .01). dpi: PNG
    resolution (default 110). Raises InputError for a path that is not .png, .svg or .pdf.
    """
    fmt = _check_path(path)
    yi, vi = np.asarray(result.yi, float), np.asarray(result.vi, float)
    se = np.sqrt(vi)
    est = float(result.estimate)
    level = float(getattr(result, "level", 95.0))
    z = norm_isf((1 - level / 100) / 2)
    se_max = float(se.max()) * 1.08 if se.size and se.max() > 0 else 1.0
    grid = np.linspace(0, se_max, 200)
    fig = Figure(figsize=(6.2, 4.8))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    lo = min(float(yi.min()), est - z * se_max)
    hi = max(float(yi.max()), est + z * se_max)
    handles = []
    if contours:
        z01 = norm_isf(0.01 / 2)
        lo, hi = min(lo, -z01 * se_max), max(hi, z01 * se_max)
        pad = 0.05 * (hi - lo)
        ax.fill_betweenx(grid, lo - pad, hi + pad, color="0.97", lw=0, zorder=0)
        handles.append(Patch(facecolor="0.97", edgecolor="0.6", label="p < .01"))
        names = {0.01: ".01 < p < .05", 0.05: ".05 < p < .10", 0.10: "p > .10"}
        shades = {0.01: "0.82", 0.05: "0.68", 0.10: "white"}
        for p in (0.01, 0.05, 0.10):   # shade the region where a study's p would exceed p
            zp = norm_isf(p / 2)
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
    _save(fig, path, fmt, dpi=dpi)
    return fig


def cumulative_plot(estimates: Sequence[float], ci_low: Sequence[float], ci_high: Sequence[float],
                    labels: Sequence[str], path: str | os.PathLike | None = None, *,
                    transform: Transform = None, title: str | None = None, digits: int = 2,
                    dpi: float | None = None) -> Figure:
    """Return (and write to `path`) a cumulative forest plot: one row per step, estimate with its CI.

    Row i shows the pooled estimate after adding study i (labels are shown as given, e.g. "+ Smith
    2010"). `transform` as in forest_plot. Raises InputError when the sequences differ in length or
    are empty, or for a path that is not .png, .svg or .pdf.
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
    points: list[tuple[float, float, float]] = []   # (lo, hi, y), the lines and dots drawn as one artist each
    dots: list[float] = []
    for i, (e, a, b, label) in enumerate(zip(est, lo, hi, labels)):
        y = top - i
        a, e, b = display(np.array([a, e, b]))
        points.append((a, b, y))
        dots.append(e)
        _left_text(axl, y, label)
        _right_text(axr, y, _interval(e, a, b, digits), "")
        x_values += [a, b]
    axp.plot(*_segments(points), color="0.15", lw=0.9, zorder=2)
    axp.scatter(dots, [y for _, _, y in points], s=26, marker="o", color="0.1", zorder=3, linewidths=0)
    axp.set_ylim(top - len(est) + 0.4, top + 1.7)
    _set_xaxis(axp, x_values, log_axis, ref)
    if ref is not None:
        axp.plot([ref, ref], [top - len(est) + 0.4, top + 0.6], color="0.45", lw=0.8, ls="--", zorder=1)
    axp.set_xlabel("Estimate" + (" (log scale)" if log_axis else ""), fontsize=FONT_SIZE)
    _save(fig, path, fmt, dpi=dpi)
    return fig


# ---------------------------------------------------------------------------------------------- helpers

def _check_path(path) -> str | None:
    if path is None:
        return None
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"plot file {os.fspath(path)!r} must end in .png, .svg or .pdf (got {suffix or 'no extension'}); "
                         "name the file forest.png, forest.svg or forest.pdf")
    return FORMATS[suffix]


def _save(fig: Figure, path, fmt: str | None, *, dpi: float | None = None, tight: bool = True) -> None:
    if path is None:
        return
    if dpi is not None and (not isinstance(dpi, (int, float)) or not 20 <= float(dpi) <= 1200):
        raise InputError(f"dpi must be a number between 20 and 1200 (300 for print); got {dpi!r}")
    metadata = {"svg": {"Date": None}, "pdf": {"Creator": "trialsynth", "CreationDate": None},
                "png": {"Software": "trialsynth"}}[fmt]
    try:
        fig.savefig(path, format=fmt, dpi=float(dpi) if dpi is not None else DEFAULT_DPI,
                    bbox_inches="tight" if tight else None, metadata=metadata)
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


def _segments(spans: Sequence[tuple[float, float, float]]) -> tuple[list[float], list[float]]:
    """x and y of one line that draws every horizontal (lo, hi, y) span, the spans apart (NaN between)."""
    xs: list[float] = []
    ys: list[float] = []
    for lo, hi, y in spans:
        xs += [lo, hi, np.nan]
        ys += [y, y, np.nan]
    return xs, ys


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


def _text(ax, x: float, y: float, text: str, trans, ha: str, **style) -> None:
    """A row's text: the Text that Axes.text builds, without the clip path (never used with clip_on=False)."""
    ax._add_text(Text(x, y, text=text, transform=trans, horizontalalignment=ha, verticalalignment="center",
                      fontsize=FONT_SIZE, clip_on=False, **style))


def _left_text(ax, y: float, text: str, **style) -> None:
    _text(ax, 0, y, _short(text), blended_transform_factory(ax.transAxes, ax.transData), "left", **style)


def _right_text(ax, y: float, interval: str, weight_text: str, **style) -> None:
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    _text(ax, 0.04, y, interval, trans, "left", **style)
    if weight_text:
        _text(ax, 0.98, y, weight_text, trans, "right", **style)


def _set_xaxis(ax, values: list[float], log_axis: bool, ref: float | None, *, symmetric: bool = False,
               core: list[float] | None = None) -> tuple[float, float] | None:
    """Set the x limits (and a log scale) to show `values` and the reference line; returns the limits.

    symmetric: centre the axis on `ref` (RevMan's forest plots); core: the values that must be shown
    (estimates, pooled CI, prediction interval) -- other values (study CIs) may then be cut at three
    times the core's reach, and the caller marks the cut with arrows."""
    def fwd(v: float) -> float:
        return math.log(v) if log_axis else v

    def ok(v) -> bool:
        return v is not None and np.isfinite(v) and (v > 0 or not log_axis)

    finite = [fwd(v) for v in values if ok(v)]
    if ref is not None:
        finite.append(fwd(ref))
    if not finite:
        return None
    lo, hi = min(finite), max(finite)
    if symmetric and ref is not None:
        r = fwd(ref)
        reach = max(abs(v - r) for v in finite)
        core_t = [fwd(v) for v in (core or []) if ok(v)]
        if core_t:
            core_reach = max(abs(v - r) for v in core_t)
            if core_reach > 0:
                reach = min(reach, 3.0 * core_reach)
        reach = reach if reach > 0 else 1.0
        lo, hi = r - reach, r + reach
    pad = 0.06 * (hi - lo if hi > lo else 1.0)
    if log_axis:
        ax.set_xscale("log")
        ax.set_xlim(math.exp(lo - pad), math.exp(hi + pad))
        from matplotlib.ticker import FuncFormatter, LogLocator

        decades = (hi - lo + 2 * pad) / math.log(10)
        if decades > 2.6:
            subs: tuple[float, ...] = (1.0,)
        elif decades > 1.3:
            subs = (1.0, 2.0, 5.0)
        else:
            subs = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=subs, numticks=30))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        return math.exp(lo - pad), math.exp(hi + pad)
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    lo, hi = lo - pad, hi + pad
    # RevMan's round steps (1, 2 or 5 times a power of ten: -2, -1, 0, 1, 2), symmetric around a null of 0
    centred = symmetric and ref is not None and fwd(ref) == 0
    locator = MaxNLocator(nbins=6, steps=[1, 2, 5, 10], symmetric=centred)
    if centred:   # end the axis at a labelled tick, as RevMan does, when that widens it by a quarter at most
        outer = max(abs(t) for t in locator.tick_values(lo, hi))
        if outer <= 1.25 * hi:
            lo, hi = -outer, outer
    ax.set_xlim(lo, hi)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _tick_label(v)))
    return lo, hi


def _tick_label(value: float) -> str:
    """A tick as RevMan writes it: "-2", "0.5", "0" (no trailing zeros, no "-0"), with a true minus sign."""
    text = f"{round(value, 10):.10g}"    # 0.30000000000000004 -> "0.3", 1e-17 -> "0"
    return "0" if float(text) == 0 else text.replace("-", "\u2212")


def _heterogeneity_text(fit, digits: int) -> str:
    """RevMan's line: "Heterogeneity: Tau² = 0.31; Chi² = 152.23, df = 12 (P < 0.00001); I² = 92%"."""
    parts = []
    if getattr(fit, "method", "FE") != "FE":
        parts.append(f"Tau² = {_small_num(fit.tau2, digits)}; ")
    chi = f"Chi² = {_num(fit.q, digits)}, df = {fit.q_df} ({_revman_p(fit.q_p)}); I² = {fit.i2:.0f}%"
    return "Heterogeneity: " + "".join(parts) + chi


def _overall_text(fit) -> str:
    """RevMan's "Test for overall effect: Z = 3.97 (P < 0.0001)" (t with its df for Knapp-Hartung)."""
    stat = float(fit.stat[0])
    if getattr(fit, "dfs", None) is not None:
        return (f"Test for overall effect: t = {abs(stat):.2f}, df = {fit.dfs:g} ({_revman_p(fit.p_value)}; "
                "Knapp-Hartung)")
    return f"Test for overall effect: Z = {abs(stat):.2f} ({_revman_p(fit.p_value)})"


def _revman_p(p: float) -> str:
    """P as RevMan writes it: "P = 0.04", "P = 0.0003", "P < 0.00001"."""
    if p is None or not np.isfinite(p):
        return "P = NA"
    if p < 0.00001:
        return "P < 0.00001"
    for decimals, below in ((5, 0.0001), (4, 0.001)):
        if p < below:
            return f"P = {p:.{decimals}f}"
    return f"P = {p:.3f}" if p < 0.1 else f"P = {p:.2f}"


def _small_num(value, digits: int) -> str:
    """A number with `digits` decimals, or two significant digits when smaller than that shows."""
    if value is None or not np.isfinite(value):
        return "NA"
    if value != 0 and abs(value) < 10 ** -digits:
        return f"{value:.2g}"
    return f"{value:.{digits}f}"


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


def _axis_label(measure: str, transform: Transform, log_axis: bool, units: str | None = None) -> str:
    name = _MEASURE_NAMES.get(measure, "Effect size")
    if transform is None and measure in EXP_MEASURES:
        label = f"log {name.lower()}"
    else:
        label = name
    if units:
        label += f" ({units})"
    return label + (" (log scale)" if log_axis else "")


__all__ = ["forest_plot", "funnel_plot", "cumulative_plot"]
