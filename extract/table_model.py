"""The layout of a results table: header tree, stub columns, section rows and a role for every label.

`table_layout(table, known_arms)` reads a `Table` grid (extract.tables) into a `TableLayout`:

- the header tree: for every data column the chain of header cells above it, top to bottom
  (several header rows, colspan/rowspan, empty header rows skipped, header rows that sit in
  `<tbody>` already counted by `parse_table_wrap`);
- the stub: the leading row-label columns (column 0, and the next ones while they hold labels
  and no value: a measure column then a timepoint column, or an empty indent column under a
  colspan=2 corner);
- section rows: a row whose only filled cells are labels (or one cell spanning the row), nested
  by indentation ("QoR-15 dimensions" > "Emotional state" > "POD 1" rows); also a label that runs
  into the next cell ("0 to 12 weeks | (intensive phase)"), a measure row whose only value is its
  P, and the header repeated mid-table under the next measure's name ("MFSI-SF-30 | Mean (SD)");
- a first stub column written once over its block ("Indoor molds | Baseline", " | EV2") holds for
  the rows below it when the second column's labels repeat from block to block;
- a role for every column and every row: "value" (an arm's numbers), "p" (P values),
  "difference" (between-arm differences), "ci"/"sd"/"range" (a companion column holding the CI,
  SD or range of the column on its left), "n", "total" (a pooled column), "stub", "empty"; rows
  are "header", "section", "value", "stat" (a label that is only a statistic: "SD", "Median",
  "Mean ± SD"), "p", "difference", "n", "text", "empty";
- where the arms are: in the columns (the usual layout), in the rows ("Group I", "Group II" as
  row labels, measures then in the column header) or nowhere (a single-arm table);
- what the caption and footnotes say: the statistics they declare ("Data are means ± SD"), a
  timepoint that holds for the whole table ("... at 12 months of follow-up", "from baseline to
  12 weeks", "treated ... for 3 months"), named timepoints they define ("at end point (12 weeks)
  and midpoint (6 weeks)", "T1: baseline; T2 = 3-month follow-up"), whether the table reports
  changes ("Change from baseline in ...") or baseline values, and the measure the caption names
  (`caption_measure`, for cells that nothing else names: "Mean STAI state subscale scores");
- what the cells say together: a corner's time unit ("Time, months" over "0 | 6"), "a (b)" cells
  whose percentages share a denominator (`implied_n`), means written with "±" (`pm_means`).

Another reader of tables (between-group comparisons) can use the roles directly:
`layout.columns[c].role == "p"`, `layout.rows[r].role == "difference"`, `layout.columns[c].arm`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

from extract.measures import clean_measure_name
from extract.quantities import find_timepoints
from extract.table_cells import CellValue, number_text, parse_cell
from extract.table_labels import NAMED_POINTS as _NAMED_POINTS
from extract.table_labels import (WITHIN_ARM, Label, TimeRef, declared_statistics, looks_like_arm, looks_like_measure,
                                  gloss_time, header_label, heading_unit, numbered_time, read_label, time_in_text,
                                  visit_key, vocabulary_measure)
from extract.tables import Cell, Table

__all__ = ["ColumnLayout", "RowLayout", "TableLayout", "table_layout"]

_COMPANION_STATS = {"ci": "ci", "sd": "sd", "se": "se", "range": "range", "iqr": "range"}
# a section name that names a measure with parts: rows under it are its sub-scales ("PAS scores")
_MEASURE_WITH_PARTS = re.compile(
    r"\b(?:scores?|scales?|sub-?scales?|domains?|dimensions?|questionnaires?|index|inventory|components?|items?|"
    r"subtests?|factors?)\b", re.I)
_MEASURE_STATS = frozenset({"mean_sd", "mean_se", "mean_ci", "median_iqr", "median_range", "n_pct"})
_GENERIC_PART = re.compile(r"^\s*(?:total|overall|sub-?total|sum|global|composite|total\s+score|mean|score|all)\s*$",
                           re.I)
# a category of the section's measure, meaningless alone: "Maximum severity of TEAEs" > "Mild", "Severe"
_CATEGORY_PART = re.compile(
    r"^\s*(?:none|no|yes|mild|moderate|severe|very\s+severe|life[-\s]threatening|fatal|grade\s*[0-5IV]+|present|absent|"
    r"positive|negative|normal|abnormal|improved|unchanged|worse(?:ned)?|better|never|rarely|sometimes|often|always|"
    r"missing|unknown|other)\s*$", re.I)
_CHARACTERISTIC_CORNER = re.compile(r"^\s*(?:(?:patient|baseline|clinical|demographic)s?'?\s+)?characteristics?\s*$",
                                    re.I)
_WHO_CAPTION = re.compile(r"\b(?:patients|participants|subjects|women|men|children|infants|mothers|cases)\b", re.I)
_RESULTS_CAPTION = re.compile(r"outcome|result|adherence|complian|efficacy|effect|response|follow|during|after|"
                              r"\bat\s+(?:week|month|day|year)|events?\b|complication|mortality|morbidity|toxicit", re.I)
_BETWEEN = re.compile(r"\bbetween[-\s]+(?:groups?|arms?|treatments?)\b", re.I)
_BASELINE_CAPTION = re.compile(
    r"\bbaseline\b|\bcharacteristics\b|\bdemographic|\bat\s+(?:the\s+)?(?:beginning|start|entry|inclusion|"
    r"enrol(?:l)?ment|randomi[sz]ation|admission|screening)\b", re.I)
_CHANGE_CAPTION = re.compile(
    r"^\s*(?:(?:mean|adjusted|median|percent(?:age)?)\s+)?changes?\b|\bchanges?\s+from\s+baseline\b|"
    r"\bchanges?\s+(?:in|of)\b[^.]*\bfrom\s+baseline\b|\bchanges?\s+(?:in|of)\b[^.]*\bbaseline\s+to\b", re.I)
# a caption timepoint for the whole table: "at 12 months of follow-up", "to 12 weeks", "after 6 months"
_CAPTION_CUE = re.compile(r"(?:\b(?:at|after|to|until|through|over|by|during|within)|\bthe\s+first|\bin)\s+(?:the\s+)?"
                          r"(?:end\s+of\s+)?(?:a\s+)?(?:first\s+|last\s+)?$", re.I)
_CAPTION_AFTER = re.compile(r"^\s*(?:-|\s)?\s*(?:of\s+)?(?:follow-?\s?up|post|after|treatment|intervention|supplementation)",
                            re.I)
# "... treated with GH vs control for 3 months": a treatment's duration, the end point of the table's values
_FOR_DURATION = re.compile(r"\b(?:treated|treatment|therapy|supplement\w*|intervention|given|received|taking|"
                           r"administered|followed|changes?)\b[^.;]{0,80}\bfor\s+(?:the\s+)?(?:first\s+|last\s+)?(?:a\s+)?$", re.I)
_UNIT_FIRST = re.compile(r"(?:week|month|day|year)s?\b", re.I)  # "Week 12 results"
_HYPHENATED = re.compile(r"\d\s*-\s*(?:week|month|day|year)s?$", re.I)  # "after a 12-week intake"
_DEFINITION = re.compile(r"(?P<name>\b[A-Za-z][A-Za-z -]{1,30}?)\s*\(\s*(?P<when>[^()]{1,40}?)\s*\)")
_MISSING = re.compile(r"^\s*(?:n\s+)?missing(?:\s+(?:data|values|n))?\s*(?:\(n\))?\s*$", re.I)
_CODE_DEFINITION = re.compile(r"\b(?:(?P<k>T|V)|(?P<w>(?i:time\s*points?|timepoints?|visit))\s+)(?P<v>[1-9])\s*(?:=|:)\s*"
                              r"(?P<when>[^,;.=]{2,40}?)(?=\s*(?:[,;.]|$|\b[TV]\d|\b(?i:time\s*point|visit)\s+\d))")
_WITHIN = WITHIN_ARM
# a code and its gloss in a footnote's list of abbreviations: "BL, baseline", "FU = follow-up", "W12: week 12"
_GLOSS = re.compile(r"(?<![\w-])(?P<code>[A-Z][A-Za-z0-9-]{0,5})\s*[,=:]\s*(?P<gloss>[^,;.=:]{2,40}?)(?=\s*(?:[,;.]|$))")
# a visit code dated by its label: "6 months (EV2)", "Baseline (V1)", "Week 12 [T3]"
_DATED_CODE = re.compile(r"^\s*(?P<when>[^()\[\]]{3,30}?)\s*[(\[]\s*(?P<code>[A-Z]{1,3}-?\d{1,2})\s*[)\]]\s*$")
# demographic rows are baseline values whatever the table's timepoint
_DEMOGRAPHIC = re.compile(
    r"^\s*(?:mean\s+)?(?:age|sex|gender|(?:male|female|males|females|men|women)(?!\s+(?:with|who|retaining|having|achieving|"
    r"reporting|whose|that|in|on|at|taking|using|receiving|needing)\b)|race|ethnicity|ethnic\s+\w+|height|"
    r"education(?:al)?|marital|smok\w*|employ\w*|income|(?:duration|length)\s+of\s+(?:disease|illness|diabetes|"
    r"symptoms|\w+osis|\w+itis)|disease\s+duration|years?\s+since\s+diagnosis|time\s+since\s+diagnosis)\b", re.I)
_BASELINE_TIME = TimeRef("baseline", 0.0, baseline=True)
_CHARACTERISTICS = re.compile(r"characteristics|demograph|socio|anthropometr|background|patients?\b|participants?\b|"
                              r"\bsex\b|gender|infants?\b|newborns?|neonat|child|mothers?\b|maternal|intake|baseline", re.I)
# a measure named only by the caption: "Differences in Panic and Agoraphobia Scale total score between ..."
_CAPTION_LEAD = re.compile(
    r"^\s*(?:(?:before|pre-?)\s+and\s+(?:after|post-?)\s*\w*\s*,\s*)?(?:descriptive\s+statistics\s+(?:of|for)\s+)?"
    r"(?:number\s+and\s+percent(?:age)?\s+of\s+)?(?:(?:mean|median|adjusted|estimated|observed)\s+)?(?:(?:within|between)[-\s]+groups?\s+)?(?:changes?|"
    r"contrasts?|differences?|comparisons?|results?|values?|effects?|levels?|outcomes?|data|summary|analysis|"
    r"capturing|the|of|in|on|for|\s)*\b", re.I)
_CAPTION_CUT = re.compile(r"\s+(?:(?:obtained|measured|recorded|observed|assessed)\s+(?:from|in|at|by|during|on)|"
                          r"at|by|between|among|during|after|before|over|across|for|from|according\s+to|within|"
                          r"through(?:out)?|until|up\s+to|"
                          r"in\s+(?:the|each|both|all|patients|participants|subjects|groups?)|versus|vs\.?|as\s+well\s+as)\s+|"
                          r"[.;:\[]|\((?![^()]{1,14}/[^()]{1,14}\)|%\))", re.I)  # a unit in brackets stays: "(mg/day)"
_DIFFERENCE_CAPTION = re.compile(
    r"^\s*(?:(?:adjusted|estimated|mean|median)\s+)*(?:differences?|treatment\s+effects?|effects?\s+estimates?|"
    r"odds\s+ratios?|risk\s+ratios?|relative\s+risks?|hazard\s+ratios?)\b[^.]*\b(?:between|vs\.?|versus|compared)\b",
    re.I)
_PERCENT_CHANGE_CAPTION = re.compile(r"\bpercent(?:age)?\s+changes?\b|%\s*changes?\b|\brelative\s+changes?\b", re.I)
_MAX_CELLS = 20000
_Values = tuple[tuple[CellValue | None, ...], ...]


@dataclass(frozen=True)
class ColumnLayout:
    """One grid column: its header chain and what the column holds."""

    col: int
    role: str
    labels: tuple[Label, ...] = ()
    names: tuple[str, ...] = ()  # the names in the chain that are not a role word, top to bottom
    arm: str | None = None
    arm_text: str | None = None  # the header text(s) the arm comes from, as written
    measure: str | None = None  # a column group naming the measure (arms as rows, measure groups)
    measure_text: str | None = None
    time: TimeRef | None = None
    stats: tuple[frozenset[str], ...] = ()  # declared statistics, nearest label first
    change: bool = False
    percent_change: bool = False
    n: int | None = None
    effect: str | None = None
    companion_of: int | None = None  # "ci"/"sd"/"range" columns: the column they qualify

    @property
    def text(self) -> str:
        return " / ".join(label.text for label in self.labels)


@dataclass(frozen=True)
class RowLayout:
    """One grid row: its stub labels, the sections it sits in, and what the row holds."""

    row: int
    role: str
    labels: tuple[Label, ...] = ()
    sections: tuple[Label, ...] = ()
    measure: str | None = None
    measure_text: str | None = None
    arm: str | None = None
    arm_text: str | None = None
    time: TimeRef | None = None
    stats: tuple[frozenset[str], ...] = ()
    change: bool = False
    percent_change: bool = False
    n: int | None = None
    effect: str | None = None
    # the measure with its section's name, for a row label that repeats under several sections
    joined: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return " / ".join(label.text for label in self.labels)


@dataclass(frozen=True)
class TableLayout:
    """A table read as a table (see the module docstring)."""

    table: Table
    n_header_rows: int
    n_stub_cols: int
    columns: tuple[ColumnLayout, ...]
    rows: tuple[RowLayout, ...]
    arms_in: str  # "columns", "rows", "sections", "stub" (a stub column of arms) or "none"
    corner: Label = field(default_factory=lambda: Label("", ""))
    declared: frozenset[str] = frozenset()  # statistics the caption and footnotes declare
    caption_time: TimeRef | None = None  # one timepoint for the whole table
    named_times: tuple[tuple[str, float], ...] = ()  # ("end", 12.0), ("midpoint", 6.0), ("d1", 0.14)
    table_change: bool = False  # the caption says the values are changes from baseline
    table_percent_change: bool = False  # ... percent changes ("Annual percentage change from baseline in ...")
    baseline_table: bool = False  # a baseline-characteristics table
    corner_measure: str | None = None
    caption_measure: str | None = None  # the measure the caption names, for cells nothing else names
    all_counts: bool = False  # every "a (b)" cell of the table is an integer with a percentage
    pm_means: bool = False  # the table writes means as "a ± b" (so its "a (b)" cells are something else)
    implied_n: dict[tuple[int, int], int] = field(default_factory=dict)  # "a (b)" cells whose b is a's % of an N
    # that another cell of the same column shares: (row, col) -> N
    values: tuple[tuple[CellValue | None, ...], ...] = ()  # the numbers of every grid cell (extract.table_cells)

    def column(self, col: int) -> ColumnLayout:
        return self.columns[col]

    def row(self, row: int) -> RowLayout:
        return self.rows[row]


# --------------------------------------------------------------------------------------------
# Cells and labels.


def _label_of(cell: Cell) -> Label:
    return read_label(cell.label or cell.text)


@lru_cache(maxsize=65536)
def _value(text: str, markers: tuple[str, ...]) -> CellValue | None:
    return parse_cell(text, markers)[0]


def cell_value(cell: Cell) -> CellValue | None:
    """The numbers of a grid cell (None for an empty, text-only or N/A cell)."""
    return _value(cell.text, cell.markers) if cell.text else None


def _distinct(cells: list[Cell]) -> list[Cell]:
    """Cells with text, each source cell once (a spanned cell fills several slots)."""
    seen: set[tuple[int, int]] = set()
    out = []
    for c in cells:
        key = (c.source_row, c.source_col)
        if not c.text or key in seen:
            continue
        seen.add(key)
        out.append(c)
    return out


def _stub_width(table: Table, n_header: int, values: "_Values") -> int:
    """Leading columns that hold row labels: column 0, and each next column whose own body cells
    (not the spans of the cell on their left) are labels, never a value; an empty column under
    a corner that spans it (an indent column) counts too."""
    body = table.grid[n_header:]
    width = 1
    for col in range(1, table.n_cols - 1):
        own = [row[col] for row in body if row[col].text
               and (row[col].source_row, row[col].source_col) != (row[col - 1].source_row, row[col - 1].source_col)]
        if any(values[c.row][c.col] is not None for c in own):
            break
        width = col + 1
    return width


# --------------------------------------------------------------------------------------------
# Caption and footnotes.


def _caption_time(caption: str) -> TimeRef | None:
    """One timepoint that holds for the whole table, or None (several, or none cued)."""
    text = number_text(caption)
    cued = []
    points = [tp for tp in find_timepoints(text) if tp.kind != "baseline"]
    for i, tp in enumerate(points):
        # a list ("after 1, 2, 3 and 6 months") shares its cue: several timepoints, none for the table
        if i and re.fullmatch(r"\s*(?:,|and|or|&|,\s*and)\s*", text[points[i - 1].end:tp.start]) and (
                cued and cued[-1] is points[i - 1]):
            cued.append(tp)
            continue
        before, piece, after = text[: tp.start], text[tp.start:tp.end], text[tp.end:]
        if _CAPTION_CUE.search(before) or _CAPTION_AFTER.match(after) or _UNIT_FIRST.match(piece) \
                or _HYPHENATED.search(piece) or _FOR_DURATION.search(before):
            cued.append(tp)
    weeks = {tp.weeks for tp in cued}
    if len(weeks) == 1:
        tp = cued[0]
        return TimeRef(text[tp.start:tp.end], tp.weeks)
    return None


def _named_times(texts: list[str], labels: list[str] | tuple[str, ...] = ()) -> tuple[tuple[str, float], ...]:
    """Named timepoints a caption or footnote defines: "end point (12 weeks)", "D1" for
    "Days 1 and 2 (D1, D2)"; and visit codes a row or column label dates: "6 months (EV2)"."""
    out: dict[str, float] = {}
    for text in labels:
        m = _DATED_CODE.match(text)
        if m:
            t = time_in_text(m.group("when"))
            if t is not None and t.weeks is not None:
                out.setdefault(m.group("code").lower(), t.weeks)
    for text in texts:
        for m in _DEFINITION.finditer(text):
            name, when = m.group("name"), m.group("when")
            t = time_in_text(when)
            if t is not None and t.weeks is not None:
                named = time_in_text(name.split(" and ")[-1])
                if named is not None and named.point:
                    out.setdefault(named.point, t.weeks)
        for m in _CODE_DEFINITION.finditer(text):  # "T1 = baseline, T2 = 3-month follow-up", "T3: 6-week maintenance"
            t = gloss_time(m.group("when"))
            if t is not None:
                out.setdefault(visit_key(m.group("k"), m.group("w"), m.group("v")), t.weeks)
    return tuple(out.items())


def _label_texts(table: Table, stub: int) -> list[str]:
    """The texts of the header cells and the stub cells (where labels are)."""
    head = [c.text for row in table.grid[: table.n_header_rows] for c in row if c.text and not c.is_span_copy]
    return head + [c.text for row in table.grid[table.n_header_rows:] for c in row[:stub]
                   if c.text and not c.is_span_copy]


# --------------------------------------------------------------------------------------------
# The layout.


def table_layout(table: Table, known_arms: tuple[str, ...] = ()) -> TableLayout:
    """The layout of a table (an empty layout for an image-only or empty table)."""
    if not table.grid or table.n_rows * table.n_cols > _MAX_CELLS:
        return TableLayout(table, table.n_header_rows, 0, (), (), "none")
    table = _fold_dispersion_rows(table)
    n_header = table.n_header_rows
    values: _Values = tuple(tuple(_value(c.text, c.markers) if c.text else None for c in row) for row in table.grid)
    stub = _stub_width(table, n_header, values)
    corner_cells = _distinct([table.grid[r][c] for r in range(n_header) for c in range(stub)])
    corner_labels = [_label_of(c) for c in corner_cells]
    corner = read_label(" ".join(c.label or c.text for c in corner_cells)) if corner_cells else Label("", "")
    corner_measure = next((lab.of_measure for lab in corner_labels if lab.of_measure), None)
    if corner_measure is None and corner.name and not corner.dimension and looks_like_measure(corner.name) \
            and not all(lab.dimension for lab in corner_labels):  # "Time point | Group": headings, no measure
        corner_measure = corner.name
    stub_dims = []
    for c in range(stub):
        dims = [_label_of(table.grid[r][c]).dimension for r in range(n_header) if table.grid[r][c].text]
        stub_dims.append(next((d for d in reversed(dims) if d), None))  # the label nearest the rows

    unit = next((u for c in corner_cells for u in (heading_unit(c.label or c.text),) if u), None)
    if unit is not None and corner_measure == corner.name:
        corner_measure = None  # "Time post dose (hr)" heads the timepoints, it names no measure
    count_rows = _count_rows(table, n_header, stub)
    times = _glossed_times(table.footnotes)
    columns = [_column(table, c, n_header, stub, unit, count_rows, times=times) for c in range(table.n_cols)]
    columns = [_column(table, c.col, n_header, stub, unit, count_rows, dash_arm=True, times=times)
               if _dash_named_arm(c, columns) else c for c in columns]
    columns = _response_categories(columns)
    if _WITHIN.search(table.caption):  # "Within-group contrasts ...": every difference is an arm's change
        # (but not a column its own header calls between the groups, under "Between and Within Groups")
        columns = [_replace(c, role="value", change=True, effect=None)
                   if c.role == "difference" and not any(_BETWEEN.search(lab.text) for lab in c.labels) else c
                   for c in columns]
    rows = _rows(table, n_header, stub, values, tuple(stub_dims),
                 frozenset(c.col for c in columns if c.role in ("p", "test")), unit)

    arms_in = _arms_in(columns, rows, stub_dims, known_arms)
    arm_stub = next((k for k in range(1, stub) if stub_dims[k] == "arm"), None)
    if arm_stub is not None and arms_in in ("none", "columns", "rows") and not any(
            looks_like_arm(c.names[-1], known_arms) for c in columns if c.role == "value" and c.names
            and any(values[r][c.col] is not None for r in range(n_header, table.n_rows))):
        # (a column of labels only, "Treatment contrasts" over "A vs Placebo", names no arm)
        # "Variable | Group | 4 w | 8 w | 12 w": the arms in a stub column of their own, the measure in the other
        rows = _stub_arms(table, rows, arm_stub, stub, tuple(stub_dims))
        arms_in = "stub"
    if arms_in == "none" and _DIFFERENCE_CAPTION.search(table.caption):
        # "Mean difference (95 % CI) between the OsteoACTIVE group and the control group at 6 months":
        # the cells are between-arm differences, not an arm's values
        columns = [_replace(c, role="difference", effect="MD") if c.role == "value" else c for c in columns]
    columns = _name_columns(columns, arms_in, rows, known_arms)
    columns = _companions_from_cells(columns, values, n_header)
    if arms_in == "rows":
        columns = _subgroups_of_caption_measure(columns, corner_measure or _caption_measure(table.caption))
    if corner_measure is None and not any(col.measure for col in columns if col.role == "value"):
        corner_measure = _caption_measure(table.caption)  # for rows that nothing else names
    # bare arm labels ("1", "A") take the corner's word: "Group 1", "Water A"
    arm_word = corner.text if corner.text and corner.dimension not in ("time", "measure") and len(corner.text) <= 30 \
        and not corner.stats and not corner.is_p else None
    rows = _name_rows(rows, arms_in, corner_measure, arm_word)

    texts = [table.caption, *table.footnotes]
    declared = frozenset().union(*(declared_statistics(t) for t in texts)) if texts else frozenset()
    caption_time = _caption_time(table.caption)
    # "Change in BCVA through the study" over a baseline column and follow-up columns: values, not changes
    has_baseline = any(c.time is not None and (c.time.baseline or c.time.weeks == 0) for c in columns) or any(
        r.time is not None and r.time.baseline and not r.change for r in rows if r.role == "value")
    table_change = bool(_CHANGE_CAPTION.search(table.caption)) and not has_baseline
    baseline_table = bool(_BASELINE_CAPTION.search(table.caption)) and not _CHANGE_CAPTION.search(table.caption) \
        and not any(tp.kind != "baseline" for tp in find_timepoints(number_text(table.caption))) \
        and not any(p.search(table.caption) for _, p in _NAMED_POINTS)
    if not baseline_table and _CHARACTERISTIC_CORNER.match(corner.text) and not _CHANGE_CAPTION.search(table.caption) \
            and _WHO_CAPTION.search(table.caption) and not _RESULTS_CAPTION.search(table.caption) \
            and not any(c.time is not None and not c.time.baseline for c in columns) \
            and not any(r.time is not None and not r.time.baseline for r in rows if r.role in ("value", "section")):
        baseline_table = True  # "Characteristic | Drug | Placebo" with no timepoint: the patients as they came in
    if baseline_table:  # "5 years or less", "8 years" under "Education": categories, not timepoints
        rows = [_replace(r, time=None) if r.time is not None and r.time.weeks and r.time is not _BASELINE_TIME
                else r for r in rows]
    parens = [v for row in table.body_rows for c in row[stub:] if c.text and not c.is_span_copy
              for v in (values[c.row][c.col],) if v is not None and v.form == "paren"]
    all_counts = bool(parens) and all(_count_shaped(v) and float(v.b or 0).is_integer() for v in parens)
    implied_n = _implied_denominators(table, values, stub)
    pm_means = any(v is not None and v.form == "pm" for row in table.body_rows for c in row[stub:] if c.text
                   for v in (values[c.row][c.col],))
    return TableLayout(
        table=table, n_header_rows=n_header, n_stub_cols=stub, columns=tuple(columns), rows=tuple(rows),
        arms_in=arms_in, corner=corner, declared=declared, caption_time=caption_time,
        named_times=_named_times(texts, _label_texts(table, stub)), table_change=table_change,
        table_percent_change=table_change and bool(_PERCENT_CHANGE_CAPTION.search(table.caption)),
        baseline_table=baseline_table, corner_measure=corner_measure, caption_measure=_caption_measure(table.caption),
        all_counts=all_counts, pm_means=pm_means, implied_n=implied_n,
        values=values,
    )


_PAREN_ONLY = re.compile(r"^\(\s*[-−–]?\d[\d.,]*\s*(?:[-–—]|to|,)?\s*(?:[-−–]?\d[\d.,]*)?\s*\)[*†‡§]*$")
_PLAIN_NUMBER = re.compile(r"^(?P<num>[-−–]?\d[\d.,]*)\s*(?P<marks>[*†‡§#+]*[a-h]?[*†‡§#+]*)$")


def _fold_dispersion_rows(table: Table) -> Table:
    """A body row of plain numbers wrapped over two grid rows, the numbers in the first and their
    bracketed SDs (or intervals) right below ("Speech/Language/ | 6.53 | 5.80" over "Communication
    | (3.39) | (3.25)"): the bracketed cells join the numbers above them ("6.53 (3.39)") and the
    lower row's label, if any, continues the upper one's; the lower row is left empty."""
    grid = [list(row) for row in table.grid]
    folded = False
    for r in range(table.n_header_rows, len(grid) - 1):
        upper, lower = grid[r], grid[r + 1]
        below = [c for c in lower[1:] if c.text and not c.is_span_copy]
        if len(below) < 2 or not all(_PAREN_ONLY.match(c.text) for c in below):
            continue
        if not all(not c.is_span_copy and _PLAIN_NUMBER.match(upper[c.col].text) for c in below):
            continue
        alone = sum(1 for c in upper[1:]
                    if not c.is_span_copy and _PLAIN_NUMBER.match(c.text) and not lower[c.col].text)
        if alone > len(below):
            continue  # most numbers above have nothing below them: two rows of their own
        spanned = lower[0].is_span_copy and (lower[0].source_row, lower[0].source_col) == (
            upper[0].source_row, upper[0].source_col)  # ("Hgb" spanning both rows)
        if lower[0].text and not spanned and (lower[0].is_span_copy or not upper[0].text
                                              or read_label(lower[0].text).stats):
            continue  # ("SD" under "Mean": a statistic row of its own)
        for c in below:
            above = upper[c.col]
            m = _PLAIN_NUMBER.match(above.text)
            text = f"{m.group('num')} {c.text}{m.group('marks')}"  # ("3.10b" over "(2.43, 3.76)": the marker last)
            upper[c.col] = _replace(above, text=text, label=text, markers=above.markers + c.markers)
            lower[c.col] = _replace(c, text="", label="", markers=())
        if lower[0].text and not spanned:
            head, tail = upper[0], lower[0]
            glue = "" if re.search(r"[/-]$", head.text) else " "
            upper[0] = _replace(head, text=f"{head.text}{glue}{tail.text}",
                                label=f"{head.label or head.text}{glue}{tail.label or tail.text}")
            lower[0] = _replace(tail, text="", label="")
        folded = True
    if not folded:
        return table
    return _replace(table, grid=tuple(tuple(row) for row in grid))


def _implied_denominators(table: Table, values: "_Values", stub: int) -> dict[tuple[int, int], int]:
    """"a (b)" cells whose b is a's percentage, to the printed precision, of a whole N that at least
    one other such cell of the same column shares ("27 (62.8)", "25 (58.1)", "3 (7.0)": 43 each)."""
    by_col: dict[tuple[int, int], list[int]] = {}
    for row in table.body_rows:
        for c in row[stub:]:
            v = values[c.row][c.col] if c.text and not c.is_span_copy else None
            if v is None or v.form != "paren" or v.a is None or v.b is None or not float(v.a).is_integer() \
                    or not 0 < v.b <= 100 or v.a <= 0:
                continue
            decimals = len(c.text.split("(")[-1].split(")")[0].strip().partition(".")[2].rstrip("%) "))
            total = round(100 * v.a / v.b)
            if total < v.a or total > 100000 or round(100 * v.a / total, decimals) != round(v.b, decimals):
                continue
            by_col.setdefault((c.col, total), []).append(c.row)
    return {(r, col): total for (col, total), rows in by_col.items() if len(rows) >= 2 for r in rows}


def _caption_measure(caption: str) -> str | None:
    """The measure a caption names when the table names none ("DAS28 at baseline and week 24")."""
    text = _CAPTION_LEAD.sub("", caption or "")
    m = _CAPTION_CUT.search(text)
    name = clean_measure_name(text[: m.start()] if m else text).strip(" ,;:.")
    if name and read_label(name).dimension and m and m.group(0) == "(":
        # "secondary outcomes (LVEF) between the groups": the bracket names the measure
        inner = re.match(r"\(\s*([^()]{2,40}?)\s*\)", text[m.start():])
        name = inner.group(1) if inner else name
    if not name or len(name) > 80 or read_label(name).dimension or len(name) < 2:
        return None
    return name


_BLOCK_ROLES = frozenset({"value", "n", "p", "difference", "stat"})  # the rows of a block; others end it


def _stub_arms(table: Table, rows: list[RowLayout], arm_col: int, stub: int,
               stub_dims: tuple[str | None, ...] = ()) -> list[RowLayout]:
    """Rows whose arm is the label in stub column `arm_col` and whose measure is the label of the other stub
    columns; a measure written once in a block of rows (the block's middle row, no rowspan: "| CXDT group |",
    "VAS | Placebo group |", "| P values |") holds for the whole block (rows between empty or section rows)."""
    def measure_of(r: int) -> Label | None:
        for c in range(stub):
            if c != arm_col and table.grid[r][c].text and not (c < len(stub_dims) and stub_dims[c] == "time"):
                lab = _label_of(table.grid[r][c])
                if lab.name and lab.time is None:
                    return lab
        return None

    out = list(rows)
    for in_block, indices in groupby(range(len(rows)), key=lambda i: rows[i].role in _BLOCK_ROLES):
        if not in_block:
            continue
        block = list(indices)
        named = {j: measure_of(rows[j].row) for j in block}
        distinct = {lab.name for lab in named.values() if lab is not None}
        carry = next((lab for lab in named.values() if lab is not None), None) if len(distinct) == 1 else None
        # the arm column names an arm in this block ("Usual care"): its other labels are arms too, and a
        # measure beside them that reads like an arm ("Metabolic control") is still the measure
        arm_named = any(looks_like_arm(lab.name) for j in block if table.grid[rows[j].row][arm_col].text
                        for lab in (_label_of(table.grid[rows[j].row][arm_col]),) if lab.name)
        current = None
        for j in block:
            r = rows[j]
            current = named[j] or (carry if carry is not None else current)
            cell = table.grid[r.row][arm_col]
            arm_label = _label_of(cell) if cell.text else None
            arm = arm_label.name if arm_label is not None and r.role in ("value", "n") and not arm_label.is_p else None
            if arm and current is not None and looks_like_arm(current.name) and not arm_named:
                # a block where the first column holds the arm and the "Group" column its categories
                arm_label, current = current, arm_label
                arm = arm_label.name
            measure = clean_measure_name(current.name) if current is not None else r.measure
            measure_text = current.text if current is not None else r.measure_text
            if current is None and arm and measure and (measure == arm or measure.endswith(f" / {arm}")):
                # the row's only name is its arm ("20 wks | T"): the measure is the caption's
                measure = measure[: -len(arm)].rstrip(" /") or None
                measure_text = measure
            out[j] = _replace(r, arm=arm or None, arm_text=(arm_label.text if arm else None), measure=measure,
                              measure_text=measure_text,
                              labels=tuple(lab for lab in (current, arm_label) if lab is not None) or r.labels)
    return _arm_sections(table, out, arm_col, stub)


def _arm_sections(table: Table, rows: list[RowLayout], arm_col: int, stub: int) -> list[RowLayout]:
    """Section rows that put an arm in the arm column ("| Herbal group (n = 86) |") over rows whose
    arm column holds categories ("| No pain, n (%) |"): those rows are that arm's, and their measure
    is the category under the one measure the other stub columns name between empty rows
    ("Pain intensity | Placebo group (n = 42)", written once)."""
    out = list(rows)
    for in_run, indices in groupby(range(len(rows)), key=lambda i: rows[i].role not in ("empty", "header", "p")):
        run = list(indices)
        if not in_run or not any(rows[j].role == "section" for j in run):
            continue
        names = {lab.name for j in run for c in range(stub) if c != arm_col and table.grid[rows[j].row][c].text
                 for lab in (_label_of(table.grid[rows[j].row][c]),) if lab.name}
        measure = next(iter(names)) if len(names) == 1 else None
        arm_label: Label | None = None
        for j in run:
            r = rows[j]
            cell = table.grid[r.row][arm_col]
            if r.role == "section":
                lab = _label_of(cell) if cell.text else None
                arm_label = lab if lab is not None and lab.name and looks_like_arm(lab.name) else None
                continue
            if arm_label is None or r.role not in ("value", "n") or not cell.text:
                continue
            category = _label_of(cell)
            if not category.name or looks_like_arm(category.name):
                continue
            name = f"{clean_measure_name(measure)} / {category.name}" if measure else category.name
            text = f"{measure} / {category.text}" if measure else category.text
            out[j] = _replace(r, arm=arm_label.name, arm_text=arm_label.text, measure=name, measure_text=text,
                              sections=(), joined=None, n=arm_label.n if arm_label.n is not None else r.n,
                              stats=r.stats + ((category.stats,) if category.stats else ()))
    return out


def _arms_in(columns: list[ColumnLayout], rows: list[RowLayout], stub_dims: list[str | None],
             known_arms: tuple[str, ...]) -> str:
    """Where a table's arms are: "columns", "rows", "sections" or "none".

    The rows hold the arms when the corner names them ("Group"), when more row labels than
    column labels read as arms (unless every value column reads as one: "Kind of surgery / Caesarean"
    rows under "Drug group" and "Starch group" columns are categories of a variable), or when every column names a measure ("Contact time (m/s)") over
    rows that name none; section rows hold them when several sections read as arms ("Group A")
    and no column does; else the columns hold them when they have names.
    """
    col_names = {col.names[-1] for col in columns if col.role == "value" and col.names}
    row_names = {r.measure for r in rows if r.role in ("value", "n") and r.measure}
    col_arm = sum(1 for n in col_names if looks_like_arm(n, known_arms) and not _bare_id(n))
    # a bare number names an arm only under an arm heading ("Group": 1, 2); under "NCI CTCAE grade" it is a grade
    row_arm = sum(1 for n in row_names if looks_like_arm(n, known_arms)
                  and not (re.fullmatch(r"\s*\d{1,2}\s*", n) and not (stub_dims and stub_dims[0] == "arm")))
    col_measures = bool(col_names) and col_arm == 0 and all(looks_like_measure(n) for n in col_names)
    sec_names = {s.name for r in rows if r.role in ("value", "n") for s in r.sections[-1:] if s.name and s.time is None}
    sec_arm = sum(1 for n in sec_names if looks_like_arm(n, known_arms))
    if sec_arm >= 2 and sec_arm > row_arm and not col_arm:
        return "sections"
    if stub_dims and stub_dims[0] == "arm" and (row_names or not col_names):
        return "rows"  # (a "Group" corner over arm columns and rows that are only timepoints: the columns)
    if len(col_names) >= 2 and col_arm == len(col_names):
        return "columns"  # every value column names an arm: the rows' arm-like words are categories of a variable
    valued = [c for c in columns if c.role == "value" and c.names]
    if len(valued) >= 2 and all(c.n is not None for c in valued):
        return "columns"  # "Continuous half time n=30" | "Divided half time n=31": headers with their n are arms
    if row_names and row_arm > col_arm and row_arm >= max(1, len(row_names) / 2):
        return "rows"
    if not col_names and not any(c.role == "difference" for c in columns) and _arms_repeat_under_sections(rows):
        return "rows"
    if col_measures and row_names and not any(looks_like_measure(n) for n in row_names) \
            and not all(_bare_id(n) or re.match(r"\d", n) for n in row_names):
        return "rows"  # (numbered rows, "0 / no toxicity", "1", "2", are grades of a variable, not arms)
    return "columns" if col_names else "none"


_NOT_ARMS = re.compile(r"^\s*(?:left|right|male|female|men|women|boys|girls|mean|sd|median|n|total|all)\b", re.I)


def _arms_repeat_under_sections(rows: list[RowLayout]) -> bool:
    """The same row labels, in the same order, under two or more sections, over columns that
    name nothing but times and statistics ("UCLA score" > "UC", "MLP"; "Perceived stress" >
    "UC", "MLP"): the sections are the measures and the repeated labels the arms."""
    under: dict[str, list[str]] = {}
    for r in rows:
        if r.role in ("value", "n") and r.sections and r.measure and r.time is None:
            under.setdefault(r.sections[-1].text, []).append(r.measure)
    blocks = [tuple(labels) for labels in under.values() if len(labels) >= 2]
    repeated = {b for b in blocks if blocks.count(b) >= 2}
    if len(repeated) != 1:
        return False
    labels = next(iter(repeated))
    return len(set(labels)) == len(labels) and not any(
        looks_like_measure(n) or _CATEGORY_PART.match(n) or _GENERIC_PART.match(n) or _NOT_ARMS.match(n)
        for n in labels)


def _count_shaped(v: CellValue) -> bool:
    return v.a is not None and v.b is not None and v.a >= 0 and float(v.a).is_integer() and 0 <= v.b <= 100


def _bare_id(name: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:[A-Za-z]|[IVX]+|\d{1,2})\s*", name))


def _count_rows(table: Table, n_header: int, stub: int) -> frozenset[int]:
    """Header rows whose bare numbers read as the arms' n ("627 | 636", "38 | 40"), not as levels of
    a measure ("10 | 15 | 25 | 50" Hz, "100 | 200" mg: every one a multiple of 5)."""
    out = set()
    for r in range(1, n_header):
        numbers = [int(c.text) for c in _distinct(list(table.grid[r][stub:])) if re.fullmatch(r"\d{2,6}", c.text)]
        if numbers and not all(x % 5 == 0 for x in numbers):
            out.add(r)
    return frozenset(out)


# tumour response categories (RECIST/WHO): "SD" is stable disease and "PD" progressive disease among them
_RESPONSE_CATEGORIES = frozenset({"cr", "pr", "sd", "pd", "mr", "nc", "orr", "dcr"})


def _response_categories(columns: list[ColumnLayout]) -> list[ColumnLayout]:
    """"CR | PR | MR | SD | PD" column heads are response categories: their "SD" and "PD" are no SD
    companion and no P value column."""
    bottoms = [c.labels[-1].text.strip().lower() if c.labels else "" for c in columns]
    if len(set(bottoms) & (_RESPONSE_CATEGORIES - {"sd"})) < 2:  # ("Mean | SD" repeated is no response table)
        return columns
    return [_replace(c, role="value", names=(c.labels[-1].text.strip(),), stats=())
            if b in ("sd", "pd") and c.role in ("sd", "p") else c for c, b in zip(columns, bottoms)]


def _dash_named_arm(col: ColumnLayout, columns: list[ColumnLayout]) -> bool:
    """A header that reads as a difference only by its dash ("Placebo–Fluenz" beside "LPS–Fluenz")
    names one arm unless both its sides name other columns ("Placebo" | "Paroxetine" | "Placebo–Paroxetine")."""
    if col.role != "difference":
        return False
    label = next((lab for lab in reversed(col.labels) if lab.effect), None)
    if label is None or not label.dash_contrast:
        return False
    names = [n.lower() for c in columns if c.col != col.col and c.role == "value" for n in c.names]
    sides = [s.strip().lower() for s in re.split(r"[—–−]|\s-\s|-", label.name or label.text, maxsplit=1)]
    return len(sides) == 2 and not all(s and any(s in n for n in names) for s in sides)


def _glossed_times(footnotes: tuple[str, ...]) -> dict[str, Label]:
    """Codes a footnote glosses as a time and nothing else ("BL, baseline; FU, 12-week follow-up"): a
    header "BL" is then that time, not an arm's name ("PT, physiotherapy" glosses no time)."""
    out: dict[str, Label] = {}
    for text in footnotes:
        if "," not in text and "=" not in text and ":" not in text:
            continue
        for m in _GLOSS.finditer(text):
            label = read_label(m.group("gloss"))
            if label.time is not None and not label.name and not label.dimension and not label.stats:
                out.setdefault(m.group("code"), label)
    return out


def _column(table: Table, col: int, n_header: int, stub: int, unit: str | None = None,
            count_rows: frozenset[int] = frozenset(), dash_arm: bool = False,
            times: dict[str, Label] | None = None) -> ColumnLayout:
    if col < stub:
        return ColumnLayout(col, "stub")
    chain_cells = _distinct([table.grid[r][col] for r in range(n_header)])
    labels = tuple(times[code] if times and (code := (c.label or c.text).strip()) in times else
                   numbered_time(header_label(_label_of(c), i > 0 and unit is None and c.row in count_rows), unit)
                   for i, c in enumerate(chain_cells))
    body = [row[col] for row in table.body_rows]
    if not labels and not any(c.text for c in body):
        return ColumnLayout(col, "empty")
    role = "value"
    effect = None
    labels = _rejoin_split_words(labels)
    if dash_arm:  # ("Placebo–Fluenz": an arm's name, see _dash_named_arm)
        labels = tuple(_replace(lab, effect=None, dash_contrast=False) if lab.dash_contrast else lab for lab in labels)
    for label in reversed(labels):
        if label.is_p:
            role = "p"
            break
        if label.effect:
            role, effect = "difference", label.effect
            break
        if label.is_n:
            role = "n"
            break
        if label.is_test or _MISSING.match(label.text):
            role = "test"  # (a test statistic, or the count of missing data: never an arm's value)
            break
        if label.is_total:
            role = "total"
            break
    within = role == "difference" and any(lab.change and not lab.effect or _WITHIN.search(lab.text) for lab in labels)
    if within:
        role, effect = "value", None  # "Baseline-midpoint contrast / Difference": the arm's own change
    bottom = labels[-1] if labels else None
    if bottom is not None and role in ("value", "difference") and bottom.stats and _is_companion(bottom):
        kind = next((_COMPANION_STATS[s] for s in ("ci", "sd", "se", "range", "iqr") if s in bottom.stats), None)
        if kind is not None:
            role = kind
    time = next((lab.time for lab in reversed(labels) if lab.time is not None), None)
    if time is None and any(lab.dimension == "time" for lab in labels):
        time = time_in_text(" ".join(lab.text for lab in labels))
    # a heading word ("Group", "Treatment") over the arms names none of them; over columns that name
    # no arm ("Intervention" over "n (%)" | "Mean days of sick leave") it is the arm
    names = tuple(lab.name for i, lab in enumerate(labels) if lab.name and not lab.is_p and not lab.effect
                  and not lab.is_n and not lab.is_total and (
                      not lab.dimension or i == len(labels) - 1 or lab.dimension == "arm"
                      and all(_names_no_arm(x.name) for x in labels[i + 1:] if x.name)))
    return ColumnLayout(
        col=col, role=role, labels=labels, names=names, time=time,
        stats=tuple(lab.stats for lab in reversed(labels) if lab.stats),
        change=within or any(lab.change for lab in labels), percent_change=any(lab.percent_change for lab in labels),
        n=next((lab.n for lab in reversed(labels) if lab.n is not None), None), effect=effect,
    )


def _rejoin_split_words(labels: tuple[Label, ...]) -> tuple[Label, ...]:
    """A header phrase broken over two header rows, one word in each ("Effect" over "Size"): when
    the two words read together name an effect that neither names alone, they are one label."""
    for i in range(len(labels) - 1):
        upper, lower = labels[i], labels[i + 1]
        if len(upper.text.split()) != 1 or len(lower.text.split()) != 1 or upper.effect or lower.effect:
            continue
        joined = read_label(f"{upper.text} {lower.text}")
        if joined.effect:
            return (*labels[:i], joined, *labels[i + 2:])
    return labels


def _names_no_arm(name: str) -> bool:
    """A header under an arm heading that names what is counted, not an arm ("Mean days of sick leave")."""
    return len(name.split()) >= 3 and not looks_like_arm(name) or len(name.split()) >= 2 and not looks_like_arm(name) \
        and looks_like_measure(name)


def _is_companion(label: Label) -> bool:
    """A header that names only a dispersion ("SD", "95% CI", "Range of PAS scores")."""
    if not label.stats <= {"ci", "sd", "se", "range", "iqr"}:
        return False  # "Mean ± SD (range)": a value column
    if label.change and not re.match(r"^\s*(?:\d{2}\s*%\s*)?(?:ci|confidence|sd|se|range|iqr)\b", label.text, re.I):
        return False  # "Delta ± SD": the arm's change ("95% CI Delta" is the CI beside it)
    if label.is_stat_only:
        return True
    return bool(label.name) and bool(re.match(r"^\s*(?:\d{2}\s*%\s*)?(?:range|sd|ci|iqr|confidence\s+interval)\b",
                                              label.name, re.I))


def _name_columns(columns: list[ColumnLayout], arms_in: str, rows: list[RowLayout],
                  known_arms: tuple[str, ...] = ()) -> list[ColumnLayout]:
    """Give every column its arm (arms in columns) or its measure (arms in rows, measure groups),
    and every companion column the column it qualifies."""
    out = []
    has_row_measures = any(r.measure for r in rows if r.role in ("value", "n", "stat")) or \
        any(s.name for r in rows for s in r.sections)
    # top headers that name a measure over arm columns (one of them arm-like: "Placebo")
    under: dict[str, list[str]] = {}
    counted = set()  # tops that give a count ("PG (n = 17)" over "Experimental side" | "Control side"): arms
    for col in columns:
        if col.role == "value" and len(col.names) >= 2:
            under.setdefault(col.names[0], []).append(col.names[-1])
            if any(lab.n is not None for lab in col.labels if lab.name == col.names[0]):
                counted.add(col.names[0])
    measure_over_arms = {top for top, subs in under.items() if len(subs) >= 2 and looks_like_measure(top)
                         and not looks_like_arm(top) and any(looks_like_arm(x) for x in subs)}
    # the same study arms repeated under each of several tops ("SaO2" | "PaO2" over "multiple SI" |
    # "single SI"): the tops are measures, whatever their spelling
    repeated = [subs for subs in under.values() if len(subs) >= 2 and list(under.values()).count(subs) >= 2]
    measure_over_arms |= {top for top, subs in under.items() if known_arms and subs in repeated
                          and top not in counted and not looks_like_arm(top, known_arms)
                          and all(looks_like_arm(x, known_arms) and not _bare_id(x) for x in subs)}
    for col in columns:
        if col.role == "stub" or col.role == "empty":
            out.append(col)
            continue
        names = list(col.names)
        arm = measure = None
        if arms_in == "rows":
            measure = " / ".join(names) or None
        elif names:
            top_n = next((lab.n for lab in col.labels if lab.name == names[0]), None)
            if len(names) >= 2 and not has_row_measures and top_n is not None and looks_like_arm(names[-1]):
                arm = " / ".join(names)  # "PG (n = 17)" over "Experimental side" | "Control side": one arm's parts
            elif len(names) >= 2 and not has_row_measures:
                # a measure group over the arms ("Child–Pugh A" over "Single infusion" | "Double infusion"),
                # or arms over measures ("Group A" over "Halitosis" | "Foreign body"): the arm-like level is the arm
                if looks_like_arm(names[0]) and not looks_like_arm(names[-1]):
                    arm, measure = " / ".join(names[:-1]), names[-1]
                else:
                    measure, arm = names[0], " / ".join(names[1:])
            elif col.role == "difference" and names and names[0] in measure_over_arms:
                measure = names[0]  # the difference between the arms under that measure
            elif len(names) >= 2 and names[0] in measure_over_arms:
                # a measure over the arms ("Plasma LDL cholesterol (mmol/l)" over "Simvastatin" | "Placebo") with
                # subgroups as the rows ("Male", "<65"): the rows qualify the header's measure
                measure, arm = names[0], " / ".join(names[1:])
            else:
                arm = " / ".join(names)
        arm_text = " / ".join(lab.text for lab in col.labels if lab.name in names) if arm else None
        out.append(_replace(col, arm=arm, arm_text=arm_text, measure=measure, measure_text=measure))
    # companions: the nearest column to the left with the same header above the companion's label
    for i, col in enumerate(out):
        if col.role in _COMPANION_STATS.values():
            parent = col.labels[:-1]
            for j in range(i - 1, -1, -1):
                left = out[j]
                if left.role in ("value", "difference", "total") and (left.labels[: len(parent)] == parent or not parent
                                                                      or left.arm == col.arm):
                    out[i] = _replace(col, companion_of=left.col, arm=left.arm, arm_text=left.arm_text,
                                      effect=left.effect, measure=left.measure, measure_text=left.measure_text)
                    break
    return _bare_block_starts(out) if arms_in == "columns" else out


def _bare_block_starts(columns: list[ColumnLayout]) -> list[ColumnLayout]:
    """A group header one column short, in every block ("Probiotic group" over "3 months" | "6 months",
    its "Baseline" column left bare at the block's left, and so for each group): the bare time column
    is the group's."""
    starts = []
    for i, col in enumerate(columns[:-2]):
        right, after = columns[i + 1], columns[i + 2]
        if col.role == "value" and not col.arm and not col.names and col.time is not None \
                and right.role == "value" and right.arm and after.arm == right.arm and len(right.labels) > len(col.labels):
            starts.append(i)
    if len(starts) < 2:
        return columns
    out = list(columns)
    for i in starts:
        right = columns[i + 1]
        out[i] = _replace(columns[i], arm=right.arm, arm_text=right.arm_text, n=columns[i].n if columns[i].n is not None
                          else right.n)
    return out


def _subgroups_of_caption_measure(columns: list[ColumnLayout], measure: str | None) -> list[ColumnLayout]:
    """Arms in the rows under columns none of which names a measure ("All fetuses" | "Ventilated
    fetuses"), the measure named only by the caption ("Fetal body weights obtained from ..."): the
    columns are subgroups of the caption's measure."""
    named = [c for c in columns if c.role in ("value", "n") and c.measure]
    if not measure or not named or any(looks_like_measure(c.measure) or vocabulary_measure(c.measure)
                                       or c.measure.lower() in measure.lower() for c in named):
        return columns
    return [_replace(c, measure=f"{measure} / {c.measure}", measure_text=f"{measure} / {c.measure_text or c.measure}")
            if c in named else c for c in columns]


def _companions_from_cells(columns: list[ColumnLayout], values: "_Values", n_header: int) -> list[ColumnLayout]:
    """Columns under one header cell with no header of their own ("ESD 1 group" over three
    columns) whose cells are bracketed numbers ("(1.22)", "(306)") are the SD and the n of the
    first column: "2.52 | (1.22) | (103)" for a "mean (SD) (n)" row."""
    out = list(columns)
    groups: dict[tuple[Label, ...], list[int]] = {}
    for i, col in enumerate(columns):
        if col.role == "value" and col.labels:
            groups.setdefault(col.labels, []).append(i)
    for members in groups.values():
        if len(members) < 2 or members != list(range(members[0], members[0] + len(members))):
            continue
        first = members[0]
        kinds = ["sd", "n"]
        for i in members[1:]:
            cells = [values[r][i] for r in range(n_header, len(values)) if values[r][i] is not None]
            if not cells or sum(1 for v in cells if v.form == "paren_only") < 0.8 * len(cells) or not kinds:
                break
            kind = kinds.pop(0)
            if kind == "n" and not all(v.a is not None and v.a.is_integer() for v in cells if v.form == "paren_only"):
                break
            out[i] = _replace(out[i], role=kind, companion_of=out[first].col)
    return out


def _replace(obj, **changes):
    from dataclasses import replace
    return replace(obj, **changes)


def _rows(table: Table, n_header: int, stub: int, values: "_Values",
          stub_dims: tuple[str | None, ...] = (), p_cols: frozenset[int] = frozenset(),
          unit: str | None = None) -> list[RowLayout]:
    rows: list[RowLayout] = [RowLayout(r, "header") for r in range(n_header)]
    # a label of the first stub column written once over the rows of its block ("Indoor molds |
    # Baseline", " | EV2", " | EV3"): the rows below it that leave it empty are its rows too, when
    # the second column's labels repeat from block to block (an item number over a last "Combined
    # score" row is not such a block)
    carry: Cell | None = None
    carries = stub >= 2 and _blocks_repeat(table.grid[n_header:], stub)
    header_rows = [row for row in table.grid[:n_header] if any(c.text for c in row[stub:])]
    stack: list[tuple[float, Label]] = []
    first_section = _corner_section(table, n_header, stub)
    if first_section is not None:
        stack.append((0.0, first_section))
    body = table.grid[n_header:]
    uses_indent = any(row[0].indent > 0 for row in body if any(c.text for c in row[stub:]))
    last_value_row: RowLayout | None = None
    last_section_row = -1
    after_section = False
    # a label that repeats under different sections names a part of each section's measure
    label_sections: dict[str, set[str]] = {}
    pending: list[tuple[int, list[Cell], list[Label], list[Cell], tuple[Label, ...], int]] = []

    for i, row in enumerate(body):
        r = n_header + i
        stub_cells = _distinct(list(row[:stub]))
        stub_sources = {(c.source_row, c.source_col) for c in stub_cells}
        data = [c for c in row[stub:] if c.text and (c.source_row, c.source_col) not in stub_sources]
        data = _distinct(data) if data else []
        found = [v for v in (values[c.row][c.col] for c in data) if v is not None]
        if carries and found:
            if row[0].text:
                carry = row[0] if any(c.text for c in row[1:stub]) else None
            elif carry is not None and stub_cells:
                stub_cells = [carry, *stub_cells]
        elif not found and any(c.text for c in row):
            carry = None  # (a blank spacer row between a block's rows keeps it)
        labels = [numbered_time(_stub_label(c, stub_dims), unit) for c in stub_cells]
        if not labels and not data:
            rows.append(RowLayout(r, "empty"))
            continue
        repeats_header = bool(data) and any(all(c.text == head[c.col].text for c in data) for head in header_rows)
        spill = data[0].text if data and _spills(data, row, stub) else ""
        if found and labels and all(c.col in p_cols for c in data):
            found = []  # "HADS score for depression | | | | p = 0.122" over its category rows: a section with its P
        if not found and labels and (repeats_header or spill or data and all(c.col in p_cols for c in data)):
            # "0 to 12 weeks | (intensive phase)": a section label that runs into the next cell;
            # "MFSI-SF-30 | Mean (SD) | Mean (SD) | P": the header repeated under the next measure's name
            data = []
        if not found and labels and data and all(_N_ONLY.match(c.text) for c in data):
            # "Global self-assessment | (N = 164) | (N = 164)": a section over its rows, with their n
            ns = {_N_ONLY.match(c.text).group(1) for c in data}
            spill = f"(n = {next(iter(ns))})" if len(ns) == 1 else ""
            data = []
        if not found:
            if labels and not data:
                level = float(stub_cells[0].indent) if uses_indent else 0.0
                if after_section and not uses_indent and stack:
                    level = stack[-1][0] + 0.5
                while stack and stack[-1][0] >= level:
                    stack.pop()
                section = read_label(" ".join([*(c.label or c.text for c in stub_cells), spill]))
                stack.append((level, section))
                last_section_row = r
                rows.append(RowLayout(r, "section", (section,), tuple(s for _, s in stack[:-1])))
                after_section = True
            else:
                rows.append(RowLayout(r, "text", tuple(labels), tuple(s for _, s in stack)))
            continue
        after_section = False
        if uses_indent and stub_cells and not stub_cells[0].is_span_copy:
            level = stub_cells[0].indent
            while stack and stack[-1][0] >= level:
                stack.pop()
        sections = tuple(s for _, s in stack)
        pending.append((r, stub_cells, labels, data, sections, last_section_row))
        rows.append(RowLayout(r, "value"))  # filled in below
        named = [sec for sec in sections if sec.name and sec.time is None]
        for lab in labels:
            if lab.name and named:
                label_sections.setdefault(lab.name.lower(), set()).add(named[-1].text)

    repeated = {name for name, secs in label_sections.items() if len(secs) > 1}
    for r, stub_cells, labels, data, sections, section_row in pending:
        # a statistic row ("mean ± sd") takes the measure of the row above it, unless a section
        # row came in between ("Post-delivery Hb" over "mean ± sd")
        last = last_value_row if last_value_row is not None and last_value_row.row > section_row else None
        layout = _value_row(r, labels, sections, [values[c.row][c.col] for c in data], repeated, last)
        rows[r] = layout
        if layout.role == "value":
            last_value_row = layout
    return rows


_N_ONLY = re.compile(r"^\s*[(\[]?\s*[nN]\s*=\s*(\d+)\s*[)\]]?\s*$")


def _spills(data: list[Cell], row: tuple[Cell, ...], stub: int) -> bool:
    """A bracketed qualifier alone in the first data column of a row without values: the end of
    the row's section label ("0 to 12 weeks | (intensive phase)")."""
    return len(data) == 1 and data[0].col == stub and bool(re.fullmatch(r"\(.*\)", data[0].text)) \
        and not any(c.text for c in row[stub + 1:])


def _corner_section(table: Table, n_header: int, stub: int) -> Label | None:
    """The corner cell of the last header row when it names a measure and the header row is
    repeated lower down under another measure's name ("FSI | Mean (SD) | Mean (SD)", later
    "MFSI-SF-30 | Mean (SD) | Mean (SD)"): the section of the rows above that repetition."""
    if n_header < 2 or stub < 1:
        return None
    head = table.grid[n_header - 1]
    cell = head[0]
    if not cell.text or cell.is_span_copy or cell.rowspan > 1:
        return None
    texts = [c.text for c in head[stub:]]
    if not any(texts):
        return None
    for row in table.grid[n_header:]:
        if row[0].text and [c.text for c in row[stub:]] == texts:
            label = _label_of(cell)
            return label if label.name and not label.dimension else None
    return None


def _blocks_repeat(body: tuple[tuple[Cell, ...], ...], stub: int) -> bool:
    """True when rows that leave the first stub column empty repeat, in the second, labels that
    another block has ("Baseline | EV2 | EV3" under each mold index, "I | C" under each outcome)."""
    blocks: list[set[str]] = []
    continuing: set[str] = set()
    for row in body:
        second = " ".join(c.text for c in row[1:stub] if c.text)
        if not second:
            continue
        if row[0].text and not row[0].is_span_copy:
            blocks.append({second})
        elif not row[0].text and blocks:
            blocks[-1].add(second)
            continuing.add(second)
    return any(sum(1 for b in blocks if text in b) >= 2 for text in continuing)


def _stub_label(cell: Cell, stub_dims: tuple[str | None, ...]) -> Label:
    """A stub cell's label; under a "Visit" or "Time" heading a code the reader cannot date
    ("EV2") still names a timepoint, not a measure."""
    label = _label_of(cell)
    if 0 < cell.col < len(stub_dims) and stub_dims[cell.col] == "time" and label.time is None and label.name:
        label = _replace(label, name="", time=TimeRef(label.text, None))
    return label


def _value_row(r: int, labels: list[Label], sections: tuple[Label, ...], data: list[CellValue | None],
               repeated: set[str], last: RowLayout | None) -> RowLayout:
    role = "value"
    effect = None
    for lab in labels:
        if lab.is_p:
            role = "p"
        elif lab.effect:
            role, effect = "difference", lab.effect
        elif (lab.is_n or lab.stats == {"n"} and lab.name and last is not None and lab.name == last.measure) \
                and data and all(v is not None and v.form == "number" and float(v.a or 0).is_integer() for v in data):
            role = "n"  # "Number of patients"; "PaO2 (mmHg), n" right under "PaO2 (mmHg), mean (SD)"
    if role == "value" and labels and all(lab.is_stat_only for lab in labels):
        role = "stat"
    time = next((lab.time for lab in labels if lab.time is not None), None)
    names = [lab.name for lab in labels if lab.name and not lab.is_p and not lab.effect]
    measure = measure_text = None
    if names and role in ("value", "n"):
        measure = " / ".join(names)
        measure_text = " / ".join(lab.text for lab in labels if lab.name in names)
    stats = tuple(lab.stats for lab in labels if lab.stats)
    change = any(lab.change for lab in labels)
    percent_change = any(lab.percent_change for lab in labels)
    n = next((lab.n for lab in labels if lab.n is not None), None)
    # (a value row with no label at all right under a labelled one is that row's second line: "Serum
    # level | 11.5 (4.3)" over " | 12.6 (4.9)", the levels at the beginning and at the end)
    inherit = last is not None and (role in ("stat", "p", "difference") or role == "value" and not labels
                                    and last.row == r - 1 and last.measure is not None)
    if inherit and last is not None:
        # "SD" under "Mean age", "Difference vs PBO" under "Change at week 24": the row above names it
        measure, measure_text = measure or last.measure, measure_text or last.measure_text
        time = time or last.time
        change = change or last.change
    layout = RowLayout(r, role, tuple(labels), sections, measure, measure_text, None, None, time, stats, change,
                       percent_change, n, effect)
    named = [sec for sec in sections if sec.name and sec.time is None]
    if measure and named and measure.lower() in repeated and not measure.startswith(named[-1].name):
        layout = _replace(layout, joined=(f"{named[-1].name} / {measure}", f"{named[-1].text} / {measure_text}"))
    return layout


def _name_rows(rows: list[RowLayout], arms_in: str, corner_measure: str | None,
               arm_word: str | None = None) -> list[RowLayout]:
    """Give every value row its measure (section, row label, corner) and arm (arms as rows)."""
    out = []
    for row in rows:
        if row.role not in ("value", "stat", "p", "difference", "n"):
            out.append(row)
            continue
        sec_measures = [s for s in row.sections if s.name and not s.is_stat_only]
        sec_time = next((s.time for s in reversed(row.sections) if s.time is not None and not s.name), None)
        if sec_time is None:
            sec_time = next((s.time for s in reversed(row.sections) if s.time is not None), None)
        sec_stats = tuple(s.stats for s in reversed(row.sections) if s.stats)
        arm, arm_text = (row.arm, row.arm_text) if arms_in == "stub" else (None, None)
        measure, measure_text = row.measure, row.measure_text
        if arms_in == "sections" and sec_measures and looks_like_arm(sec_measures[-1].name):
            arm, arm_text = sec_measures[-1].name, sec_measures[-1].text
            sec_measures = sec_measures[:-1]
            if row.labels and re.fullmatch(r"\(.*\)", row.labels[0].text):
                arm = f"{arm} {row.labels[0].text}"  # "Group A" over "(Conventional ILM peeling)"
        if arms_in == "rows" and row.measure and row.role in ("value", "n"):
            arm, arm_text = row.measure, row.measure_text
            if arm_word and _bare_id(arm):  # "1", "2" under a "Group" corner: "Group 1", "Group 2"
                arm = f"{arm_word} {arm}"
            measure = measure_text = None
        elif arms_in == "rows" and not row.measure and row.role == "value" and row.labels \
                and re.fullmatch(r"\s*\(.*\)\s*", row.labels[0].text) and out and out[-1].arm:
            arm, arm_text = out[-1].arm, out[-1].arm_text  # "(Successful subjects/total subjects)" under its arm's row
        elif row.joined:
            measure, measure_text = row.joined
        elif arms_in == "columns" and arm_word and row.measure and re.fullmatch(r"\s*\d{1,2}\s*", row.measure) \
                and not row.sections:
            measure = measure_text = f"{arm_word} {row.measure}"  # "1" under "NCI CTCAE grade": "NCI CTCAE grade 1"
        if measure is None or row.role == "stat" and not row.measure:
            if sec_measures:
                measure, measure_text = _join_sections(sec_measures)
            elif measure is None and corner_measure:
                measure, measure_text = corner_measure, corner_measure
        elif sec_measures and _joins(sec_measures[-1], measure) and not measure.startswith(_clean(sec_measures[-1])):
            measure = f"{_clean(sec_measures[-1])} / {measure}"
            measure_text = f"{sec_measures[-1].text} / {measure_text}"
        time = row.time or sec_time
        if time is not None and time.weeks is None and time.point == "end" and sec_time is not None \
                and sec_time.weeks is not None:
            time = sec_time  # "Improvement since baseline" under "HDRS (at 32 weeks)": the section's end point
        if time is None and measure and _DEMOGRAPHIC.match(measure) and (
                not sec_measures or _DEMOGRAPHIC.match(sec_measures[-1].name) or _CHARACTERISTICS.search(sec_measures[-1].name)):
            time = _BASELINE_TIME  # ("Height (cm)" under "Countermovement vertical jump" is a jump's height)
        out.append(_replace(row, measure=measure, measure_text=measure_text, arm=arm, arm_text=arm_text,
                            time=time, stats=row.stats + sec_stats,
                            change=row.change or any(s.change for s in row.sections),
                            percent_change=row.percent_change or any(s.percent_change for s in row.sections),
                            n=row.n if row.n is not None else next((s.n for s in reversed(row.sections)
                                                                    if s.n is not None), None)))
    return out


def _clean(label: Label) -> str:
    return clean_measure_name(label.name).strip(" ,;:") or label.name


def _joins(section: Label, part: str) -> bool:
    """A section label names the measure its rows are parts of ("PAS scores, mean (SD)" > "Total")."""
    if _GENERIC_PART.match(part) or _CATEGORY_PART.match(part):
        return True
    if section.stats & (_MEASURE_STATS | {"pct"}) or _MEASURE_WITH_PARTS.search(section.name):
        return True
    return vocabulary_measure(section.name) is not None and vocabulary_measure(part) is None


def _join_sections(sections: list[Label]) -> tuple[str, str]:
    last = sections[-1]
    if len(sections) >= 2 and _joins(sections[-2], last.name):
        return f"{_clean(sections[-2])} / {_clean(last)}", f"{sections[-2].text} / {last.text}"
    return _clean(last), last.text
