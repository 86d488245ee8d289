"""Every data cell of a table read through its layout into one labelled reading.

`read_table(layout, default_arm, followup_weeks)` returns one `TableReading` per value cell of
the table (extract.table_model.TableLayout): an arm's value at a timepoint ("arm" readings) or
a between-arm difference ("difference" readings, with the CI of its own cell or of the CI column
beside it and the P value of the P column in the same row). Each reading names the measure, the
arm, the timepoint, what the numbers are (kind value | change | responders) and the statistic,
and cites every cell it was read from (`cells`: row, column, verbatim text).

The statistic comes from the cell's own form first ("12 (40%)" is n (%), "4.9 ± 0.8" a mean ±
SD, "108/206 (52.4)" a count of a total), then from the labels in order of trust: the row's
stub label and its sections ("BI ≥ 95; n/N (%)", "Baseline (SD)"), the column's header chain
("Agoraphobia Free mean (SD)", "Mean change (95 % CI)"), the corner, then the caption and
footnotes ("Data are means ± SD"). "a (lo to hi)" is a CI under a CI label and a median with
its IQR or range under those labels, never a mean with an IQR. A P column, a difference column,
an n column and a pooled column are never an arm's value.

Timepoints come from the row label, the column header, the section row, then the caption (one
cued timepoint: "at 12 months of follow-up", "from baseline to 12 weeks", or the named points it
defines: "end point (12 weeks)"); a named end point with no definition, and every cell of a table
that names no timepoint anywhere (header, row, section or caption), takes the study's follow-up
(`followup_weeks`, with the timepoint text saying so); nothing else is taken from elsewhere in the article.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extract.table_cells import CellValue, number_text, strip_markers
from extract.table_labels import TimeRef, read_label
from extract.table_model import ColumnLayout, RowLayout, TableLayout

__all__ = ["TableReading", "read_table"]

_DISPERSION_SEPS = ("to", ",", ";")
_RATIOS = frozenset({"OR", "RR", "HR", "IRR"})
_VERSUS = re.compile(r"\b(?:vs\.?|versus|compared\s+(?:with|to))\s", re.I)
_BARE_ZERO = re.compile(r"\s*0\s*")  # "0" (no decimals): nobody counted, never a mean of 0.0
_DECIMAL = re.compile(r"\s*[<>=]?\s*(?:0?\.\d{2,}|1\.000?)\s*")  # a P value ("0.927", "1.000"), not "0.5" hours


@dataclass(frozen=True)
class TableReading:
    """One value cell of a table, labelled (see the module docstring).

    `numbers` maps OutcomeRow field names to values ("followup_mean", "change_ci_low",
    "n_responders", "median", "effect_size", ...); `cells` cites every cell the numbers come
    from, the value cell first; `row`/`col` are the value cell's grid position.
    """

    table: str
    row: int
    col: int
    text: str
    role: str  # "arm" | "difference"
    measure: str
    measure_text: str
    arm: str | None
    arm_text: str | None
    weeks: float | None
    timepoint: str | None
    kind: str | None
    statistic: str
    numbers: dict[str, float | int] = field(default_factory=dict)
    n: int | None = None
    p_value: str | None = None
    effect_kind: str | None = None
    cells: tuple[tuple[int, int, str], ...] = ()
    markers: tuple[str, ...] = ()
    note: str | None = None
    flags: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Statistic of a cell.


def _count_shaped(v: CellValue) -> bool:
    a, b = v.a, v.b
    return a is not None and b is not None and a >= 0 and float(a).is_integer() and 0 <= b <= 100


def _consistent(v: CellValue, n: int | None) -> bool:
    """x (p) agrees with x of n patients (to rounding)."""
    if not n or v.a is None or v.b is None:
        return False
    return abs(v.a / n * 100 - v.b) <= 1.0


def _paren_statistic(v: CellValue, hints: list[frozenset[str]], n: int | None, all_counts: bool,
                     pm_means: bool = False, implied: bool = False) -> str:
    """"a (b)": a mean (SD), a mean (SE) or an n (%), from the nearest label that says which. Under
    "mean ± SD or n (%)" in a table that writes its means with "±", a count-shaped "a (b)" is the n (%)."""
    for h in hints:
        if "pct_n" in h and v.b is not None and float(v.b).is_integer() and v.a is not None and 0 <= v.a <= 100:
            return "% (n)"
        pct = "n_pct" in h or "pct" in h
        mean = bool(h & {"mean_sd", "sd", "mean"})
        if pct and mean:
            if _count_shaped(v) and (_consistent(v, n) or not n and all_counts or not n and pm_means and "mean_sd" in h):
                return "n (%)"
            if _count_shaped(v) and not n and "n_pct" in h and float(v.b or 0) * 10 % 1 == 0 and v.a is not None \
                    and v.a <= 1000 and not mean:
                return "n (%)"
            continue  # "mean (SD) or n (%)": the label does not decide this cell
        if "n_pct" in h:
            return "n (%)" if _count_shaped(v) else "mean (SD)"
        if h & {"mean_se", "se"}:
            return "mean (SE)"
        if mean:
            return "mean (SD)"
        if "pct" in h and _count_shaped(v):
            return "n (%)"
        if h == frozenset({"median"}) or h & {"median_iqr", "median_range", "median_ci"}:
            # "Median time in seconds | 25.0 (37.2)", "Group and visit number, median (IQR) | 13 (69)": a median
            # beside one number (its IQR or range written as a width), never a mean (SD) nor an n (%)
            return "median"
        if h & {"median_iqr", "iqr", "median_range", "range", "mean_ci", "ci"}:
            continue  # a two-number cell cannot be an interval: look further
    if all_counts and _count_shaped(v):
        return "n (%)"
    if _count_shaped(v) and (_consistent(v, n) or implied):
        return "n (%)"
    return "mean (SD)"


def _interval_statistic(v: CellValue, hints: list[frozenset[str]]) -> str:
    """"a (lo, hi)": a mean (95% CI), a median (IQR) or a median (range)."""
    for h in hints:
        if "mean_ci" in h or "ci" in h and not h & {"median_iqr", "median_range", "median_ci", "median"}:
            return "mean (95% CI)"
        if "median_ci" in h or "median" in h and "ci" in h:
            return "median (95% CI)"
        if h & {"median_iqr", "iqr"}:
            return "median (IQR)"
        if h & {"median_range", "range"}:
            return "median (range)"
        if "median" in h:
            return "median (IQR)"
    # no label says: a CI is symmetric around a mean, a quartile range seldom is
    if v.a is not None and v.lo is not None and v.hi is not None:
        below, above = v.a - v.lo, v.hi - v.a
        if v.sep in _DISPERSION_SEPS or (below > 0 and above > 0 and abs(below - above) <= 0.05 * max(below, above) + 0.011):
            return "mean (95% CI)"
    return "median (IQR)"


def _number_statistic(hints: list[frozenset[str]], own: int, zero: bool = False) -> str | None:
    """What a lone number is, when a label says (else None: the number is not read). Only the
    first `own` hints (the row's and column's labels) can make it an SD: a caption's "(SD)"
    says where the SD would be, and a lone number has none. A bare "0" (`zero`) under a label
    that counts ("number (%) or mean ± SD") is a count of no one: a mean would carry its SD."""
    for i, h in enumerate(hints):
        if zero and h & {"n_pct", "n", "pct"}:
            return "n" if h & {"n_pct", "n"} else "%"
        if h & {"mean", "mean_sd", "mean_se", "mean_ci"}:
            return "mean"
        if h & {"median", "median_iqr", "median_range"}:
            return "median"
        if "sd" in h and i < own:
            return "sd"
        if h & {"n_pct", "n"}:
            return "n"
        if "pct" in h:
            return "%"
    return None


# --------------------------------------------------------------------------------------------
# Timepoints.


STUDY_FOLLOW_UP = "study follow-up (the table gives no timepoint)"


# an end point that is the treatment's end ("Post-treatment", "Posttest", "Upon completion"), not the study's
# ("End of study", "Final visit", "Follow-up")
_TREATMENT_END = re.compile(
    r"(?i)\bpost-?\s?(?:treatment|intervention|test|therapy|training|program(?:me)?|supplementation)\b"
    r"|\bafter\s+(?:the\s+)?(?:treatment|intervention|therapy|training|program(?:me)?|supplementation)\b"
    r"|\bend\s+of\s+(?:the\s+)?(?:treatment|intervention|therapy|program(?:me)?|training|supplementation)\b"
    r"|\bcompletion\b|^\s*(?:immediately\s+)?(?:post|after)\s*-?\s*$")


def _resolve(t: TimeRef | None, layout: TableLayout, followup: float | None,
             article_named: tuple[tuple[str, float], ...] = (), timeless: bool = False,
             followup_text: str = STUDY_FOLLOW_UP, treatment: float | None = None
             ) -> tuple[float | None, bool, str | None]:
    """(weeks, is baseline, timepoint text as written). A table that names no timepoint at all
    (no header, row, section or caption time) reports the study's end: its follow-up. The end of
    the treatment ("Post-treatment", "Upon completion") is the treatment's length where the
    abstract states one shorter than the follow-up (`treatment`)."""
    if t is None:
        if layout.caption_time is not None:
            return layout.caption_time.weeks, False, layout.caption_time.text
        if layout.baseline_table:
            return 0.0, True, "baseline"
        if timeless and followup is not None:
            return followup, False, followup_text
        return None, False, None
    if t.baseline:
        return 0.0, True, t.text
    if t.weeks is not None:
        return t.weeks, False, t.text
    named = dict(article_named)
    named.update(layout.named_times)
    key = t.point or t.text.strip().lower()  # (an undated visit code, "EV2", by its name)
    if key in named:
        return named[key], named[key] == 0, t.text
    if t.point == "end":
        if layout.caption_time is not None:
            return layout.caption_time.weeks, False, t.text
        if treatment is not None and (followup is None or treatment < followup) and _TREATMENT_END.search(t.text):
            return treatment, False, t.text
        return followup, False, t.text
    return None, False, t.text


# --------------------------------------------------------------------------------------------
# Reading.


def _p_text(text: str) -> str | None:
    """The P value as written, normalised: "<0.001", "=0.64", "NS"."""
    clean = strip_markers(number_text(text))[0]
    if re.match(r"(?i)^(?:ns|n\.s\.?|not significant)\b", clean):
        return "NS"
    m = re.match(r"^(?:[pP]\s*(?:-?\s*values?)?\s*)?(?P<op>[<>≤≥=]|<=|>=)?\s*(?P<v>\d*\.?\d+)", clean)
    if not m:
        return None
    value = m.group("v")
    if value.startswith("."):
        value = "0" + value
    return f"{m.group('op') or '='}{value}"


def _slot(change: bool, baseline: bool, weeks: float | None, has_time: bool) -> str | None:
    if change:
        return "change"
    if baseline:
        return "baseline"
    if weeks is not None or has_time:
        return "followup"
    return None


def read_table(layout: TableLayout, default_arm: str | None = None, followup_weeks: float | None = None,
               named_times: tuple[tuple[str, float], ...] = (), followup_text: str = STUDY_FOLLOW_UP,
               treatment_weeks: float | None = None) -> list[TableReading]:
    """One reading per value cell of the table (see the module docstring). `default_arm` names
    the arm of a table without arms, `followup_weeks` the study's end point (for "End of study"
    where the caption does not say), `named_times` the named timepoints other captions of the
    article define ("midpoint (6 weeks)"); `followup_text` is the timepoint text of the rows of a
    table that names no timepoint (dated at `followup_weeks`): where that time was read;
    `treatment_weeks` the treatment's stated length (for "Post-treatment" before a later follow-up)."""
    table = layout.table
    if not layout.columns:
        return []
    cols = layout.columns
    values = layout.values
    arm_columns = [c for c in cols if c.role == "value" and c.arm]
    p_columns = [c for c in cols if c.role == "p"]
    n_columns = [c for c in cols if c.role == "n"]
    col_n: dict[int, int] = {}
    out: list[TableReading] = []
    timeless = not any(c.time for c in cols) and not any(
        r.time or any(sec.time for sec in r.sections) for r in layout.rows if r.role != "header")
    undated_rows = _undated_rows(layout) if not timeless else frozenset()
    pooled_rows_aside = sum(1 for r in layout.rows if r.role == "value" and r.arm and not (
        r.labels and r.labels[-1].is_total)) >= 2
    if followup_weeks is not None and layout.caption_time is None and _names_follow_up(layout, followup_weeks):
        followup_weeks = None  # "Posttest" beside "6-month follow-up": the end point came before the follow-up
    for rl in layout.rows:
        if rl.role == "n":
            for c in cols:
                v = values[rl.row][c.col] if c.role in ("value", "total") else None
                if v is not None and v.form == "number" and v.a is not None and v.a.is_integer():
                    col_n[c.col] = int(v.a)
            continue
        if rl.role not in ("value", "stat", "difference"):
            continue
        if layout.arms_in == "rows" and rl.labels and rl.labels[-1].is_total and pooled_rows_aside:
            continue  # "Total | 28 | 80.43 ± 8.23" under the arms' rows: the pooled patients, not an arm
        grid_row = table.grid[rl.row]
        if rl.role == "difference" and _names_a_statistic(grid_row[layout.n_stub_cols:], values[rl.row]):
            continue  # "Comparison between groups | F | 0.004 | 78.191": test statistics and P values
        row_n = rl.n
        n_of_column: dict[int, int] = {}  # "N | Baseline | N | 6 months": each value column's own n column
        for c in n_columns:
            v = values[rl.row][c.col]
            if v is not None and v.form in ("number", "paren_only") and v.a is not None and v.a.is_integer():
                n_of_column[c.col] = int(v.a)
        if len(n_of_column) == 1:
            row_n = next(iter(n_of_column.values()))
        p_cell = next((grid_row[c.col] for c in p_columns if grid_row[c.col].text), None)
        for col in cols:
            if col.role not in ("value", "total", "difference"):
                continue
            if col.role == "total" and arm_columns and layout.arms_in == "columns":
                continue  # the pooled column of a table that has its arms
            cell = grid_row[col.col]
            if not cell.text or cell.is_span_copy:
                continue
            value = values[rl.row][col.col]
            if value is None or not value.is_value or value.form == "p":
                continue
            own_n = next((n_of_column[c.col] for c in n_columns if c.companion_of == col.col and c.col in n_of_column),
                         None)
            if own_n is None and len(n_of_column) > 1:
                own_n = next((n_of_column[c] for c in range(col.col - 1, -1, -1) if c in n_of_column), None)
            n = own_n if own_n is not None else row_n if row_n is not None else col.n if col.n is not None \
                else col_n.get(col.col)
            reading = _read_cell(layout, rl, col, cell.row, value, default_arm, followup_weeks, named_times, n,
                                 p_cell, timeless or rl.row in undated_rows, followup_text, treatment_weeks)
            if reading is not None:
                out.append(reading)
    return _join_count_rows(_join_sd_rows(out))


def _join_sd_rows(readings: list[TableReading]) -> list[TableReading]:
    """A row of means and, up to three rows below, a row of SDs of the same measure ("Mean | 85.92",
    "SD | 15.44"): each column's SD joins the mean above it as one mean (SD) reading."""
    means: dict[tuple, int] = {}
    out: list[TableReading] = []
    for reading in readings:
        key = (reading.col, reading.measure, reading.arm, reading.weeks)
        if reading.role == "arm" and reading.statistic == "mean" and len(reading.numbers) == 1:
            means[key] = len(out)
        elif reading.role == "arm" and reading.statistic == "sd" and key in means:
            i = means.pop(key)
            mean = out[i]
            (mean_key,), (sd_key,) = mean.numbers, reading.numbers
            if 0 < reading.row - mean.row <= 3 and mean_key.replace("mean", "sd") == sd_key:
                out[i] = replace(mean, statistic="mean (SD)", numbers={**mean.numbers, **reading.numbers},
                                 cells=mean.cells + reading.cells, markers=mean.markers + reading.markers)
                continue
        out.append(reading)
    return out


def _join_count_rows(readings: list[TableReading]) -> list[TableReading]:
    """A row of percentages and, right below it, a row of the counts of totals they are ("Injection
    Group | 95.2 %", "(Successful subjects/total subjects) | (20/21)"): each column's count joins the
    percentage above it as one n/N (%) reading, when the percentage is that count's."""
    pcts: dict[tuple, int] = {}
    out: list[TableReading] = []
    for reading in readings:
        key = (reading.col, reading.measure, reading.arm, reading.weeks)
        if reading.role == "arm" and reading.statistic == "%" and set(reading.numbers) == {"percent_responders"}:
            pcts[key] = len(out)
        elif reading.role == "arm" and reading.statistic == "n/N" and key in pcts and reading.n:
            i = pcts.pop(key)
            pct = out[i]
            count = reading.numbers.get("n_responders")
            if count is not None and 0 < reading.row - pct.row <= 1 \
                    and abs(100 * count / reading.n - pct.numbers["percent_responders"]) <= 0.6:
                out[i] = replace(pct, statistic="n/N (%)", kind="responders", n=reading.n,
                                 numbers={"n_responders": count, "percent_responders": pct.numbers["percent_responders"]},
                                 cells=pct.cells + reading.cells, markers=pct.markers + reading.markers)
                continue
        out.append(reading)
    return out


def _names_a_statistic(cells, values) -> bool:
    """A data cell of the row that is a label naming a test statistic or a P ("F", "t", "P")."""
    for c in cells:
        if c.text and values[c.col] is None:
            label = read_label(c.text)
            if label.is_test or label.is_p:
                return True
    return False


def _names_follow_up(layout: TableLayout, followup: float) -> bool:
    """True when a column or row of the table dates itself at the study's follow-up and another
    names an undated end point ("Posttest" | "6-month follow-up")."""
    times = [c.time for c in layout.columns] + [r.time for r in layout.rows if r.role != "header"]
    return any(t is not None and t.point == "end" and t.weeks is None for t in times) and any(
        t is not None and t.weeks is not None and not t.baseline and abs(t.weeks - followup) <= max(1.0, 0.1 * followup)
        for t in times)


def _undated_rows(layout: TableLayout) -> frozenset[int]:
    """Rows that name no time in a table whose only times are a few rows' own ("Effective contraceptive
    use during the 4 months" among eight undated outcomes): they are dated like a table that names
    none, unless a dated row has their measure ("Depth" beside "Depth at week 4")."""
    if any(c.time for c in layout.columns) or any(sec.time for r in layout.rows for sec in r.sections):
        return frozenset()
    rows = [r for r in layout.rows if r.role == "value"]
    timed = [r for r in rows if r.time]
    if not timed or len(timed) * 4 > len(rows) or layout.baseline_table or any(
            r.time.baseline or r.time.weeks == 0 for r in timed):  # ("Age" read as baseline: a characteristics table)
        return frozenset()
    dated = [(r.measure or "").lower() for r in timed]
    return frozenset(r.row for r in rows if not r.time and r.measure and not any(
        r.measure.lower() in d or d in r.measure.lower() for d in dated))


def _read_cell(layout: TableLayout, rl: RowLayout, col: ColumnLayout, r: int, value: CellValue,
               default_arm: str | None, followup: float | None, named: tuple[tuple[str, float], ...],
               n: int | None, p_cell, timeless: bool = False, followup_text: str = STUDY_FOLLOW_UP,
               treatment: float | None = None) -> TableReading | None:
    table = layout.table
    cell = table.grid[r][col.col]
    if layout.arms_in == "rows":
        measure, measure_text = col.measure or rl.measure, col.measure_text or rl.measure_text
        arm, arm_text = rl.arm, rl.arm_text
    else:
        measure, measure_text = rl.measure or col.measure, rl.measure_text or col.measure_text
        if rl.measure and col.measure and (col.arm or col.role == "difference"):
            # a header measure over the arms (and their difference), subgroups as rows
            measure, measure_text = f"{col.measure} / {rl.measure}", f"{col.measure_text} / {rl.measure_text}"
        arm, arm_text = (rl.arm, rl.arm_text) if rl.arm else (col.arm, col.arm_text)
        if col.role == "total" and not arm:
            arm = arm_text = col.text or None
    if not measure:
        measure = measure_text = layout.corner_measure or layout.caption_measure
    if not measure or _DECIMAL.fullmatch(measure):
        return None  # (a stub of P values, "0.927", in a table laid out right to left names no measure)
    if arm is None:
        arm = default_arm
    t = rl.time or col.time
    if rl.time is not None and rl.time.weeks is None and col.time is not None and (
            col.time.weeks is not None or rl.time.point == "end" and col.time.point == "end"):
        # "Pain after treatment" under "Baseline" | "Week 12": the column's own date; a section of "Completers
        # of posttest and/or follow-up" over "Posttest" | "Follow-up": each column's own end point
        t = col.time
    weeks, baseline, tp_text = _resolve(t, layout, followup, named, timeless, followup_text, treatment)
    change = (rl.change or col.change or layout.table_change and not baseline) and not (baseline and not
                                                                                        (rl.change or col.change))
    percent_change = rl.percent_change or col.percent_change or layout.table_percent_change and not baseline
    hints = [*rl.stats, *col.stats]
    own = len(hints)
    if layout.corner.stats:
        hints.append(layout.corner.stats)
    if layout.declared:
        hints.append(layout.declared)
    cells = [(r, col.col, cell.text)]
    difference = col.role == "difference" or rl.role == "difference"
    numbers: dict[str, float | int] = {}
    flags: list[str] = []
    note = None
    if difference:
        return _difference(layout, rl, col, cell, value, measure, measure_text, arm, arm_text, weeks, tp_text, hints,
                           p_cell)
    form = value.form
    kind = "change" if change else "value"
    slot = _slot(change, baseline, weeks, t is not None)
    companion = _companion(layout, col, r)
    if form in ("count_of", "count_pct", "pct_count"):
        statistic, kind = ("n/N (%)" if form == "count_of" else "n (%)"), "responders"
        numbers = {"n_responders": value.count, "percent_responders": value.b}
        if value.total == 0:
            n, note = None, "0/0: no one to count in this arm"  # (a group size of 0 is no group size)
        elif value.total is not None:
            n = value.total
    elif form == "fraction":
        statistic, kind = "n/N", "responders"
        numbers = {"n_responders": value.count}
        n = value.total
    elif form == "pm":
        statistic = "mean ± SE" if any(h & {"mean_se", "se"} and not h & {"mean_sd", "sd"} for h in hints[:1]) \
            else "mean ± SD"
        numbers = _mean(slot, value.a, None if statistic == "mean ± SE" else value.b, percent_change)
        if statistic == "mean ± SE":
            note = f"SE {value.b:g}"
        if value.total is not None:
            n = value.total  # "3.03 ± 1.59 (33)": mean ± SD (n)
    elif form == "pm_interval":
        ci = any(h & {"ci", "mean_ci"} for h in hints)
        statistic = "mean ± SD (95% CI)" if ci else "mean ± SD (range)"
        numbers = _mean(slot, value.a, value.b, percent_change)
        if ci and slot and not percent_change:
            numbers[f"{slot}_ci_low"], numbers[f"{slot}_ci_high"] = value.lo, value.hi
        elif not ci:
            numbers.update(range_low=value.lo, range_high=value.hi)
    elif form == "paren":
        if value.total is not None:
            n = value.total  # "206; 35.65 (11.85)": n; mean (SD)
        implied = layout.implied_n.get((r, col.col))
        statistic = _paren_statistic(value, hints, n, layout.all_counts, layout.pm_means, implied is not None)
        if statistic == "n (%)":
            kind = "responders"
            numbers = {"n_responders": int(value.a or 0), "percent_responders": value.b}
            if implied is not None and not _consistent(value, n):
                n = implied  # "27 (62.8)" of the 43 who answered "yes", not of the arm's 52
        elif statistic == "% (n)":
            kind = "responders"
            numbers = {"n_responders": int(value.b or 0), "percent_responders": value.a}
        elif statistic == "mean (SE)":
            numbers = _mean(slot, value.a, None, percent_change)
            note = f"SE {value.b:g}"
        elif statistic == "median":
            numbers = {"median": value.a}
            note = f"({value.b:g}) beside the median"
        else:
            numbers = _mean(slot, value.a, value.b, percent_change)
    elif form == "interval":
        statistic = _interval_statistic(value, hints)
        if statistic == "mean (95% CI)":
            numbers = _mean(slot, value.a, None, percent_change)
            if slot and not percent_change:
                numbers[f"{slot}_ci_low"], numbers[f"{slot}_ci_high"] = value.lo, value.hi
            else:
                note = f"95% CI {value.lo:g} to {value.hi:g}"
        elif statistic.startswith("median"):
            numbers = {"median": value.a}
            if statistic == "median (range)":
                numbers.update(range_low=value.lo, range_high=value.hi)
            elif statistic == "median (IQR)":
                numbers.update(iqr_low=value.lo, iqr_high=value.hi)
            else:
                note = f"95% CI {value.lo:g} to {value.hi:g}"
        if value.lo is not None and value.hi is not None and value.a is not None and not (value.lo <= value.a <= value.hi):
            flags.append(f"{value.a:g} lies outside its interval {value.lo:g} to {value.hi:g}")
    elif form == "pct" and companion is not None and companion[0] == "ci" and not percent_change:
        # "35% | 16.40% – 53.60%": a percentage and its CI in the column beside it, read as "35% (16.4–53.6)" is
        statistic = "% (95% CI)"
        numbers = _mean(slot, value.a, None, False)
        if slot:
            numbers[f"{slot}_ci_low"], numbers[f"{slot}_ci_high"] = companion[1].lo, companion[1].hi
        else:
            note = f"95% CI {companion[1].lo:g} to {companion[1].hi:g}"
        cells.append(companion[2])
    elif form == "pct":
        statistic, kind = "%", "responders"
        numbers = {"percent_responders": value.a}
    elif form == "number":
        zero = value.a == 0 and _BARE_ZERO.fullmatch(strip_markers(cell.text, value.markers)[0]) is not None
        what = _number_statistic(hints, own, zero)
        if companion is not None and companion[0] in ("sd", "ci"):
            what = "mean"
        if what is None:
            return None
        statistic = what
        if what == "mean":
            numbers = _mean(slot, value.a, None, percent_change)
            if companion is not None:
                kind_c, cv, ccell = companion
                if kind_c == "sd":
                    numbers = _mean(slot, value.a, cv.a, percent_change)
                    statistic = "mean (SD)"
                    cells.append(ccell)
                elif kind_c == "ci" and slot and not percent_change:
                    numbers[f"{slot}_ci_low"], numbers[f"{slot}_ci_high"] = cv.lo, cv.hi
                    statistic = "mean (95% CI)"
                    cells.append(ccell)
        elif what == "median":
            numbers = {"median": value.a}
        elif what == "sd":
            numbers = {f"{slot}_sd" if slot and not percent_change else "sd": value.b if value.b is not None else value.a}
        elif what == "n":
            if value.a is None or not value.a.is_integer():
                return None
            kind = "responders"
            numbers = {"n_responders": int(value.a)}
        else:
            kind = "responders"
            numbers = {"percent_responders": value.a}
    else:
        return None
    numbers = {k: v for k, v in numbers.items() if v is not None}
    if not numbers:
        return None
    if percent_change and "percent_change" in numbers and form in ("pm", "paren") and value.b is not None \
            and statistic.startswith("mean"):
        note = f"SD of the percent change {value.b:g}"
    if kind == "responders" and "n_responders" in numbers and n and numbers["n_responders"] > n:
        flags.append(f"responders {numbers['n_responders']} > n {n}")
    if percent_change and kind != "responders":
        kind = "change"
    return TableReading(
        table=table.label, row=r, col=col.col, text=cell.text, role="arm", measure=measure,
        measure_text=measure_text or measure, arm=arm, arm_text=arm_text, weeks=weeks,
        timepoint=tp_text if weeks is not None or baseline else None, kind=kind, statistic=statistic,
        numbers=numbers, n=n, cells=tuple(cells), markers=value.markers, note=note, flags=tuple(flags),
    )


def _mean(slot: str | None, mean: float | None, sd: float | None, percent_change: bool) -> dict[str, float | int]:
    if percent_change:
        return {"percent_change": mean} if mean is not None else {}
    if slot is None:
        return {"mean": mean, "sd": sd}
    return {f"{slot}_mean": mean, f"{slot}_sd": sd}


_COMPANION_FORMS = {"sd": ("number", "paren_only"), "se": ("number", "paren_only"), "ci": ("bounds",),
                    "range": ("bounds",)}


def _companion(layout: TableLayout, col: ColumnLayout, r: int):
    """(kind, value, cited cell) of the companion column right of `col` in row r, if any: the SD
    ("(1.09)"), CI ("–1.96 to 3.20") or range ("9-50") of the value in `col`."""
    for other in layout.columns[col.col + 1: col.col + 3]:
        if other.companion_of == col.col:
            cell = layout.table.grid[r][other.col]
            v = layout.values[r][other.col] if cell.text else None
            if v is None or v.form not in _COMPANION_FORMS.get(other.role, ()):
                return None
            return other.role, v, (r, other.col, cell.text)
    return None


def _difference(layout: TableLayout, rl: RowLayout, col: ColumnLayout, cell, value: CellValue, measure: str,
                measure_text: str | None, arm: str | None, arm_text: str | None, weeks: float | None,
                tp_text: str | None, hints: list[frozenset[str]], p_cell) -> TableReading | None:
    """A between-arm difference: the estimate, its CI (own cell or the CI column beside it) and
    the P value of the row's P column."""
    r = cell.row
    cells = [(r, col.col, cell.text)]
    numbers: dict[str, float | int] = {}
    if value.form in ("number", "paren", "pm"):
        numbers["effect_size"] = value.a
    elif value.form == "interval":
        numbers.update(effect_size=value.a, effect_ci_low=value.lo, effect_ci_high=value.hi)
    else:
        return None
    companion = _companion(layout, col, r)
    if companion is not None and companion[0] == "ci" and "effect_ci_low" not in numbers:
        cv = companion[1]
        if cv.form == "bounds":
            numbers.update(effect_ci_low=cv.lo, effect_ci_high=cv.hi)
            cells.append(companion[2])
    effect = col.effect or rl.effect or "MD"
    if effect in _RATIOS and value.form == "number" and value.a == 1 and "effect_ci_low" not in numbers:
        return None  # "Usual care | 1": the reference arm of the ratios above it, no difference of its own
    p_value = None
    if p_cell is not None and p_cell.text:
        p_value = _p_text(p_cell.text)
        if p_value is not None:
            cells.append((r, p_cell.col, p_cell.text))
    contrast = next((c.text for c in reversed(layout.table.grid[r][layout.n_stub_cols:col.col])
                     if c.text and not c.is_span_copy and _VERSUS.search(c.text) and layout.values[r][c.col] is None),
                    None)  # "AZD 200 vs Placebo | −0.262": the nearest label cell before the difference names its arms
    if col.role == "difference" and rl.role == "difference" and _VERSUS.search(rl.text):
        who = rl.text  # a row "Carbetocin versus oxytocin" under a "Relative risk (CI)" column: the row names the arms
    elif col.role == "difference" and contrast:
        who = contrast
    elif col.role == "difference":
        who = " / ".join(lab.text for lab in col.labels if (lab.effect or lab.name) and lab.name != col.measure) \
            or col.text
    else:
        who = f"{arm} ({rl.text})" if arm else rl.text
    statistic = "difference (95% CI)" if "effect_ci_low" in numbers else "difference"
    return TableReading(
        table=layout.table.label, row=r, col=col.col, text=cell.text, role="difference", measure=measure,
        measure_text=measure_text or measure, arm=who, arm_text=arm_text, weeks=weeks, timepoint=tp_text,
        kind=None, statistic=statistic, numbers={k: v for k, v in numbers.items() if v is not None},
        p_value=p_value, effect_kind=effect, cells=tuple(cells), markers=value.markers,
    )
