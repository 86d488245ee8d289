"""Read a CSV of study data into effect sizes, refusing bad input with messages that name the row and column.

The CSV holds the columns metafor's escalc() takes for the chosen measure (ai, bi, ci, di, n1i, n2i, m1i,
sd1i, m2i, sd2i, xi, ni, mi, sdi, ri, yi, vi, sei) and an optional `study` label column; a file with
other names (R's dat.bcg has tpos, tneg, cpos, cneg, author, year) is read with a column map and
label columns, as metafor's escalc(ai = tpos, ..., slab = paste(author, year)). This module checks
what only the table knows (file format, missing columns, empty or non-numeric cells, the row and
study a bad value is in); the formulas themselves are escalc's (analysis.effects). It reads the file
with the csv module (no pandas), so `trialsynth pool` starts quickly.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import IO, Mapping, Sequence, Union

import numpy as np

from analysis.effects import MEASURES, EffectSizes, escalc
from analysis.errors import InputError

PathOrBuffer = Union[str, os.PathLike, IO[str], IO[bytes]]

LABEL_COLUMN = "study"
PRE_POST_MEASURES = ("MC", "SMCR", "SMCC")   # measures using the pre-post correlation ri
SENSITIVITY_RI = (0.2, 0.5, 0.8)             # r values of the assumed-correlation sensitivity analysis

# metafor escalc also accepts these column sets in place of MEASURES[measure] (bi = n1i - ai, vi = sei²)
_ALTERNATIVE_COLUMNS = {"GEN": ("yi", "sei"), "RR": ("ai", "n1i", "ci", "n2i"), "OR": ("ai", "n1i", "ci", "n2i"),
                        "RD": ("ai", "n1i", "ci", "n2i")}
# columns escalc reads as well when present (consistency checks, total n)
_OPTIONAL_COLUMNS = {"GEN": ("ni",), "RR": ("bi", "di", "n1i", "n2i"), "OR": ("bi", "di", "n1i", "n2i"),
                     "RD": ("bi", "di", "n1i", "n2i")}
# a zero here is accepted by escalc (as metafor does) but makes a variance 0 or is a data-entry slip: refused
_NONZERO = ("sd1i", "sd2i", "sdi", "vi", "sei")


def valid_measures() -> str:
    """Return the valid measure names as one comma-separated string (for error messages)."""
    return ", ".join(MEASURES)


def check_measure(measure: str) -> str:
    """Return the canonical (upper-case) measure name; raises InputError listing the valid ones."""
    name = str(measure).strip().upper()
    if name not in MEASURES:
        raise InputError(f"unknown effect measure {measure!r}; use one of {valid_measures()} "
                         "(metafor escalc names)")
    return name


def required_columns(measure: str, available=()) -> tuple[str, ...]:
    """Return the escalc columns `measure` needs: its main set, or metafor's alternative set (yi + sei for
    GEN; ai + n1i + ci + n2i for RR, OR, RD) when only that one is all in `available`."""
    measure = check_measure(measure)
    main = tuple(MEASURES[measure])
    alt = _ALTERNATIVE_COLUMNS.get(measure)
    if alt and not set(main) <= set(available) and set(alt) <= set(available):
        return alt
    return main


class StudyTable:
    """The cells of a study CSV as stripped strings: `columns` (lower-case names, in file order) and,
    per column, one cell per data row. ``table["ai"]`` is a column's cells; ``len(table)`` the rows.
    ``labels`` are the study labels (the `study` column, or the --label columns joined by spaces)."""

    __slots__ = ("columns", "_cells", "labels")

    def __init__(self, columns: list[str], cells: dict[str, list[str]], labels: tuple[str, ...]):
        self.columns = list(columns)
        self._cells = cells
        self.labels = labels

    def __getitem__(self, column: str) -> list[str]:
        return self._cells[column]

    def __contains__(self, column: str) -> bool:
        return column in self._cells

    def __len__(self) -> int:
        return len(self.labels)

    def with_column(self, column: str, cells: list[str]) -> "StudyTable":
        """A copy with `column` set to `cells` (added at the end when new)."""
        columns = self.columns + ([column] if column not in self._cells else [])
        return StudyTable(columns, {**self._cells, column: list(cells)}, self.labels)


# every column name metafor's escalc takes (the left-hand side of --columns)
ESCALC_COLUMNS = ("ai", "bi", "ci", "di", "n1i", "n2i", "m1i", "sd1i", "m2i", "sd2i", "xi", "ni", "mi", "sdi",
                  "ri", "yi", "vi", "sei")


def load_csv(path_or_buffer: PathOrBuffer, *, columns: Mapping[str, str] | None = None,
             label: Sequence[str] | None = None) -> StudyTable:
    """Return the CSV as a StudyTable of stripped strings with lower-case column names.

    `columns` maps escalc names onto the file's own column names, as metafor's ``escalc(ai = tpos,
    ...)`` does (``{"ai": "tpos", "bi": "tneg", ...}``); `label` names the columns whose values,
    joined by spaces, label each study (``["author", "year"]``; default: the `study` column).
    Raises InputError for a missing or empty file, a file that is not comma-separated text,
    duplicate column names, and a --columns / --label name that is not a column of the file (the
    message lists the file's columns). Cells are kept as text so later checks can name a
    non-numeric cell.
    """
    name = _source_name(path_or_buffer)
    if isinstance(path_or_buffer, (str, os.PathLike)):
        path = Path(path_or_buffer)
        if not path.is_file():
            raise InputError(f"data file {name} not found; give the path of a CSV file with one row per study")
        raw = path.read_bytes()
    else:
        raw = path_or_buffer.read()
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not raw.strip():
        raise InputError(f"data file {name} is empty; it needs a header row and one row per study")
    if b"\x00" in raw[:4096]:
        raise InputError(f"data file {name} is not a CSV text file (it holds binary data); "
                         "export the sheet as comma-separated values (.csv)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"data file {name} is not UTF-8 text (byte {exc.start} cannot be decoded); "
                         "save it as CSV UTF-8") from exc
    try:
        rows = list(csv.reader(io.StringIO(text), skipinitialspace=True))
    except csv.Error as exc:
        raise InputError(f"data file {name} is not a valid CSV file ({exc}); save it as comma-separated values") from exc
    header = rows[0] if rows else []
    names = [str(c).strip().lower() for c in header]
    duplicates = sorted({c for c in names if c and names.count(c) > 1})
    if duplicates:
        raise InputError(f"data file {name} has duplicate column names ({', '.join(duplicates)}); "
                         "keep one column of each name")
    data_rows = [r for r in rows[1:] if any(cell.strip() for cell in r)]   # ignore fully blank rows
    for i, r in enumerate(data_rows):
        if len(r) > len(header):
            raise InputError(f"data file {name} is not a valid CSV table: row {i + 1} has {len(r)} cells but the "
                             f"header has {len(header)} columns; quote cells that contain commas or fix the row")
    if not data_rows:
        raise InputError(f"data file {name} has a header row but no data rows; add one row per study")
    if len(names) == 1 and any(sep in names[0] for sep in (";", "\t", "|")):
        raise InputError(f"data file {name} is not comma-separated (header {names[0]!r}); "
                         "save it with commas between cells")
    cells = {c: [(r[j].strip() if j < len(r) else "") for r in data_rows] for j, c in enumerate(names)}
    if columns:
        cells, names = _map_columns(cells, names, columns, name)
    labels = _labels(cells, len(data_rows), label, names, name)
    return StudyTable(names, cells, labels)


def _map_columns(cells: dict[str, list[str]], names: list[str], mapping: Mapping[str, str],
                 source: str) -> tuple[dict[str, list[str]], list[str]]:
    """Rename the file's columns onto escalc's names (metafor's escalc(ai = tpos, ...))."""
    out = dict(cells)
    for target, column in mapping.items():
        target, column = str(target).strip().lower(), str(column).strip().lower()
        if target not in ESCALC_COLUMNS:
            raise InputError(f"--columns {target}={column}: {target!r} is not an escalc column; map one of "
                             f"{', '.join(ESCALC_COLUMNS)} onto a column of the file (e.g. ai=tpos)")
        if column not in cells:
            raise InputError(f"--columns {target}={column}: data file {source} has no column {column!r}; its "
                             f"columns are {', '.join(c for c in names if c) or 'none'}")
        out[target] = cells[column]
    return out, names + [t for t in (str(k).strip().lower() for k in mapping) if t not in names]


def _labels(cells: dict[str, list[str]], n: int, label: Sequence[str] | None, names: list[str],
            source: str) -> tuple[str, ...]:
    if label:
        wanted = [str(c).strip().lower() for c in label if str(c).strip()]
        for column in wanted:
            if column not in cells:
                raise InputError(f"--label {','.join(wanted)}: data file {source} has no column {column!r}; its "
                                 f"columns are {', '.join(c for c in names if c) or 'none'}")
        joined = [" ".join(cells[c][i] for c in wanted if cells[c][i]) for i in range(n)]
        return tuple(v if v else f"Study {i + 1}" for i, v in enumerate(joined))
    if LABEL_COLUMN not in cells:
        return tuple(f"Study {i + 1}" for i in range(n))
    return tuple(v if v else f"Study {i + 1}" for i, v in enumerate(cells[LABEL_COLUMN]))


def needs_assumed_ri(frame: StudyTable, measure: str) -> bool:
    """Return True when `measure` uses ri and some row of `frame` has no ri value (so --ri is assumed)."""
    if check_measure(measure) not in PRE_POST_MEASURES:
        return False
    return "ri" not in frame or any(cell == "" for cell in frame["ri"])


def effect_sizes_from_frame(frame: StudyTable, measure: str, *, ri: float | None = None,
                            source: str = "the data") -> EffectSizes:
    """Return escalc's effect sizes for the rows of `frame` (as made by load_csv).

    `ri` is the assumed pre-post correlation filling empty or absent ri cells (MC, SMCR, SMCC).
    Raises InputError naming the 1-based data row, the study label and the column of the first bad
    cell: a missing column, an empty or non-numeric cell, a non-positive SD, n or variance, a
    negative count, events above n, a correlation outside (-1, 1).
    """
    measure = check_measure(measure)
    labels = frame.labels
    if ri is not None:
        if not (-1.0 < float(ri) < 1.0):
            raise InputError(f"the assumed correlation --ri must lie strictly between -1 and 1; got {ri}. "
                             "Use a value such as 0.5")
        if measure in PRE_POST_MEASURES:
            cells = frame["ri"] if "ri" in frame else [""] * len(frame)
            frame = frame.with_column("ri", [c if c else repr(float(ri)) for c in cells])
    needed = required_columns(measure, frame.columns)
    missing = [c for c in needed if c not in frame]
    if missing:
        alt = _ALTERNATIVE_COLUMNS.get(measure)
        need = ", ".join(needed) + (f" (or {', '.join(alt)})" if alt else "")
        hint = "; or pass --ri R to assume a pre-post correlation" if "ri" in missing else ""
        have = ", ".join(frame.columns) or "none"
        raise InputError(f"{source} lacks column(s) {', '.join(missing)} needed for measure {measure}: it needs "
                         f"{need}{hint} (found: {have}). Rename or add the columns, or choose another measure")
    used = list(needed) + [c for c in _OPTIONAL_COLUMNS.get(measure, ()) if c in frame and c not in needed]
    values = {c: _numeric_column(frame, c, labels, source, measure) for c in used}
    for column in _NONZERO:
        if column in values:
            zero = np.flatnonzero(values[column] == 0)
            if zero.size:
                i = int(zero[0])
                raise InputError(f"column {column} must be > 0 (a zero {'SD' if column.startswith('sd') else column} "
                                 f"gives a study no sampling error); {_where(i, labels)} has 0. "
                                 "Fix the value or drop the row")
    return escalc(measure, labels=list(labels), **values)


def read_effect_table(path_or_buffer: PathOrBuffer, measure: str, *, ri: float | None = None,
                      columns: Mapping[str, str] | None = None, label: Sequence[str] | None = None) -> EffectSizes:
    """Read a CSV of study data and return escalc's effect sizes for `measure`.

    `ri` is an assumed pre-post correlation for MC/SMCR/SMCC rows without an ri value; `columns` and
    `label` as in load_csv. Raises InputError for an unknown measure, an unreadable or empty file,
    and for the first bad cell (see effect_sizes_from_frame); the message names the row, the study
    and the column, and the fix.
    """
    measure = check_measure(measure)
    frame = load_csv(path_or_buffer, columns=columns, label=label)
    return effect_sizes_from_frame(frame, measure, ri=ri, source=f"data file {_source_name(path_or_buffer)}")


def _source_name(path_or_buffer: PathOrBuffer) -> str:
    if isinstance(path_or_buffer, (str, os.PathLike)):
        return str(path_or_buffer)
    return str(getattr(path_or_buffer, "name", "<buffer>"))


def _where(row: int, labels: tuple[str, ...]) -> str:
    return f"row {row + 1} (study '{labels[row]}')"   # the wording escalc uses


def _numeric_column(frame: StudyTable, column: str, labels, source: str, measure: str) -> np.ndarray:
    cells = frame[column]
    out = np.empty(len(cells), dtype=float)
    for i, cell in enumerate(cells):
        if cell == "":
            raise InputError(f"column {column} of {source} has an empty cell in {_where(i, labels)}; "
                             f"measure {measure} needs a number there. Fill it in or drop the row")
        try:
            value = float(cell.replace("\u2212", "-"))
        except ValueError:
            raise InputError(f"column {column} of {source} must hold numbers; {_where(i, labels)} has "
                             f"{cell!r}. Write a plain number (decimal point, no units or commas)") from None
        if not np.isfinite(value):
            raise InputError(f"column {column} of {source} must hold finite numbers; {_where(i, labels)} "
                             f"has {cell!r}. Write a plain number")
        out[i] = value
    return out


__all__ = ["StudyTable", "ESCALC_COLUMNS", "read_effect_table", "load_csv", "effect_sizes_from_frame", "needs_assumed_ri", "check_measure",
           "required_columns", "valid_measures", "SENSITIVITY_RI", "PRE_POST_MEASURES", "LABEL_COLUMN"]
