"""The reviewer's corrections file: values read from full texts that replace or add to the extractor's.

A review folder may hold `corrections.csv` or `corrections.toml` (not both). It belongs to the
reviewer: trialsynth only ever reads it. Each correction targets one record and either sets
study-level fields (n_enrolled, cell_source, cell_origin, route, include) or selects one outcome
row by measure (and optionally arm and timepoint_weeks) and sets its values. A selector that
matches no extracted row adds a new outcome row: that is how a reviewer enters, say, the seed
study's DAS28 means and SDs from its full text.

CSV (one value per line; the lines of one record, measure, arm, timepoint and reviewer build one
correction)::

    record_id,measure,arm,timepoint_weeks,field,value,reviewer,source,note
    fictitious-2025-a,DAS28,MSC (single arm),12,baseline_mean,5.8,A. Reviewer,full text Table 2,
    fictitious-2025-a,DAS28,MSC (single arm),12,baseline_sd,0.9,A. Reviewer,full text Table 2,

TOML::

    [defaults]
    reviewer = "A. Reviewer"          # used where a correction names none

    [[correction]]
    record_id = "fictitious-2025-a"    # (a fictitious record: the values are illustrations)
    measure = "DAS28"
    arm = "MSC (single arm)"
    timepoint_weeks = 12
    baseline_mean = 5.8
    baseline_sd = 0.9
    source = "full text, Table 2"

`load_corrections` reads and validates a file (every problem names the file, the CSV line or the
TOML correction number, and the fix); `apply_corrections` (pure, idempotent) returns a new
prediction with the corrections applied on top of a fresh extraction, keeping what each one
replaced; `corrected_predictions` does both for a review's stored extractions.
"""
from __future__ import annotations

import copy
import csv
import difflib
import io
import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from trialsynth.errors import InputError
from trialsynth.userfiles import read_text

if TYPE_CHECKING:
    from corpus.store import Store
    from trialsynth.review import Review

CSV_FILE = "corrections.csv"
TOML_FILE = "corrections.toml"

#: Study-level fields a correction may set, with the kind of value each takes.
STUDY_FIELDS: dict[str, str] = {"n_enrolled": "count", "cell_source": "cell_source", "cell_origin": "cell_origin",
                                "route": "route", "include": "bool"}
#: Outcome-row fields a correction may set, with the kind of value each takes.
OUTCOME_FIELDS: dict[str, str] = {
    "baseline_mean": "number", "baseline_sd": "sd", "followup_mean": "number", "followup_sd": "sd",
    "change_mean": "number", "change_sd": "sd", "n": "count", "percent_responders": "percent",
    "n_responders": "count", "p_value": "p", "direction": "direction", "effect_size": "number"}
VALUE_FIELDS: dict[str, str] = {**STUDY_FIELDS, **OUTCOME_FIELDS}
#: Keys that say which record and row a correction targets, who made it and why.
META_KEYS: tuple[str, ...] = ("record_id", "measure", "arm", "timepoint_weeks", "reviewer", "source", "note")
CSV_COLUMNS: tuple[str, ...] = ("record_id", "measure", "arm", "timepoint_weeks", "field", "value", "reviewer",
                                "source", "note")
CSV_REQUIRED: tuple[str, ...] = ("record_id", "field", "value", "reviewer")
TOML_DEFAULTS: tuple[str, ...] = ("reviewer", "source")
DIRECTIONS: tuple[str, ...] = ("decrease", "increase", "no change")

#: Keys of an outcome row as the extractor writes it (extract.evidence.OutcomeRow.to_dict()).
_ROW_KEYS: tuple[str, ...] = ("measure", "measure_text", "arm", "n", "timepoint_weeks", "timepoint", "provenance",
                              "baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean",
                              "change_sd", "percent_responders", "n_responders", "p_value", "effect_size",
                              "direction", "statistic", "note", "verbatim")
_TIMEPOINT_TOLERANCE = 0.05  # weeks: 4.33 and 4.3 are the same timepoint, 1 day (0.14) is not
_P_VALUE = re.compile(r"^\s*(?:p\s*(?:-?\s*value)?\s*)?(<=|>=|=<|=>|<|>|=|≤|≥)?\s*(\d*\.?\d+(?:[eE]-?\d+)?)\s*$",
                      re.IGNORECASE)
_P_CMP = {"<": "<", ">": ">", "=": "=", "≤": "≤", "≥": "≥", "<=": "≤", "=<": "≤", ">=": "≥", "=>": "≥"}


@dataclass(frozen=True)
class Correction:
    """One correction: the record, the outcome row it selects (if any), the values it sets, who and why.

    `record_id` is the stored record id when the file was read with a resolver, else the id as
    written (`record_ref` always keeps what the file says). `measure` is None for a study-level
    correction. `values` holds (field, value) pairs, values already checked and normalised.
    `origin` says where it was read: "corrections.csv line 4" or "corrections.toml correction 2".
    """

    record_id: str
    values: tuple[tuple[str, Any], ...]
    reviewer: str
    measure: str | None = None
    arm: str | None = None
    timepoint_weeks: float | None = None
    source: str | None = None
    note: str | None = None
    record_ref: str = ""
    origin: str = ""

    @property
    def is_outcome(self) -> bool:
        """True when the correction selects (or adds) an outcome row."""
        return self.measure is not None

    @property
    def entered_by(self) -> str:
        return f"reviewer:{self.reviewer}"

    @property
    def target(self) -> str:
        """Return what the correction changes: "n_enrolled, route" or "outcome DAS28 / arm ... / 52 weeks"."""
        if not self.is_outcome:
            return ", ".join(f for f, _ in self.values)
        parts = [f"outcome {self.measure}"]
        if self.arm:
            parts.append(f"arm {self.arm}")
        if self.timepoint_weeks is not None:
            parts.append(f"{self.timepoint_weeks:g} weeks")
        return " / ".join(parts)

    @property
    def value_text(self) -> str:
        """Return the values as "baseline_mean=5.8, baseline_sd=0.9"."""
        return ", ".join(f"{f}={_text(v)}" for f, v in self.values)

    def provenance(self) -> dict[str, Any]:
        """Return the provenance of the values this correction sets."""
        return {"record_id": self.record_id, "location": "reviewer",
                "text": self.source or self.note or f"entered by reviewer {self.reviewer}",
                "start": None, "end": None, "entered_by": self.entered_by}


class CorrectionsError(InputError):
    """A corrections file has problems; `problems` lists each one (file, line or correction, fix)."""

    def __init__(self, path: Path, problems: Sequence[str]):
        self.path = path
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = f"{path} has {len(self.problems)} problems:\n" + "\n".join(f"  {p}" for p in self.problems)
        super().__init__(message)


# --- finding and reading the file ------------------------------------------------------------

def find_corrections_file(review_root: str | Path) -> Path | None:
    """Return the review's corrections.toml or corrections.csv, or None when it has neither.

    Raises InputError when both exist (trialsynth would not know which one the reviewer means).
    """
    root = Path(review_root)
    found = [root / name for name in (TOML_FILE, CSV_FILE) if (root / name).is_file()]
    if len(found) > 1:
        raise InputError(f"{root} holds both {TOML_FILE} and {CSV_FILE}; keep the corrections in one of them "
                         "(move the other out of the review folder).")
    return found[0] if found else None


def load_corrections(path: str | Path, resolve: Callable[[str], str] | None = None) -> list[Correction]:
    """Read and check a corrections file (.csv or .toml); returns its corrections in file order.

    `resolve` maps a record id as written ("PMID:31908418", a DOI, a store id) to the stored
    record id (`trialsynth.recordref.store_resolver(store)`); it raises InputError, or returns
    None, for an unknown one, which is a problem of the file. Without it, ids are kept as written.
    Raises CorrectionsError (an InputError) listing every problem: unknown field or column,
    non-numeric value, negative SD, percentage outside 0-100, unknown direction, measure, cell
    source or route, a missing reviewer, conflicting values for one field.
    """
    path = Path(path)
    text = read_text(path, f"Create {CSV_FILE} or {TOML_FILE} in the review folder.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        corrections, problems = _read_csv(path, text)
    elif suffix == ".toml":
        corrections, problems = _read_toml(path, text)
    else:
        raise InputError(f"{path}: a corrections file is .csv or .toml; got {suffix or 'no suffix'}. "
                         f"Name it {CSV_FILE} or {TOML_FILE}.")
    if resolve is not None and not problems:
        resolved = []
        for c in corrections:
            try:
                record_id = resolve(c.record_ref)
            except InputError as exc:
                problems.append(f"{c.origin}: {exc}")
                continue
            if not isinstance(record_id, str) or not record_id:  # a resolver may answer None for "unknown"
                problems.append(f"{c.origin}: no stored record is {c.record_ref!r}. Give the store's id as listed "
                                "by `trialsynth records`, or a PMID (PMID:31908418), DOI or NCT id of a stored record.")
                continue
            resolved.append(_replace(c, record_id=record_id))
        corrections = resolved
    if not problems:
        problems = _conflicts(corrections)
    if problems:
        raise CorrectionsError(path, problems)
    return corrections


def _replace(c: Correction, **changes: Any) -> Correction:
    from dataclasses import replace

    return replace(c, **changes)


def _read_csv(path: Path, text: str) -> tuple[list[Correction], list[str]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","  # spreadsheets in some locales save ';'
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems: list[str] = []
    header: list[str] | None = None
    groups: dict[tuple, dict[str, Any]] = {}
    for row in reader:
        number = reader.line_num
        if header is None:
            if not any(cell.strip() for cell in row):
                continue
            header = [cell.strip().lower() for cell in row]
            unknown = [h for h in header if h not in CSV_COLUMNS]
            missing = [c for c in CSV_REQUIRED if c not in header]
            if unknown or missing:
                what = []
                if unknown:
                    what.append(f"unknown column(s) {', '.join(repr(u) for u in unknown)}"
                                + _did_you_mean(unknown[0], CSV_COLUMNS))
                if missing:
                    what.append(f"missing column(s) {', '.join(missing)}")
                return [], [f"{path} line {number}: {'; '.join(what)}. The header must name columns among "
                            f"{', '.join(CSV_COLUMNS)} (record_id, field, value and reviewer are required)."]
            continue
        if not any(cell.strip() for cell in row):
            continue
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}
        if cells["record_id"].startswith("#"):
            continue  # a comment line
        where = f"{path} line {number}"
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            problems.append(f"{where}: {len(row)} cells but the header has {len(header)} columns; quote a value "
                            "that holds a comma (\"like, this\").")
            continue
        line_problems: list[str] = []
        entry = _check_entry(where, {k: (v or None) for k, v in cells.items() if k in META_KEYS}, line_problems)
        field = cells["field"]
        if not field:
            line_problems.append(f"{where}: the field column is empty; name the field to set, one of "
                                 f"{', '.join(VALUE_FIELDS)}.")
        elif field not in VALUE_FIELDS:
            line_problems.append(f"{where}: unknown field {field!r}{_did_you_mean(field, VALUE_FIELDS)}. A field is "
                                 f"one of {', '.join(VALUE_FIELDS)}.")
        elif not cells["value"]:
            line_problems.append(f"{where}: the value of {field} is empty; give a value or remove the line.")
        else:
            value = _check_value(where, field, cells["value"], line_problems)
            _check_field_target(where, field, entry, line_problems)
        if line_problems:
            problems += line_problems
            continue
        key = (entry["record_id"], entry["measure"], (entry["arm"] or "").lower(), entry["timepoint_weeks"],
               entry["reviewer"])
        group = groups.setdefault(key, {"entry": entry, "values": {}, "lines": [], "sources": [], "notes": []})
        if field in group["values"] and group["values"][field][0] != value:
            first_line = group["values"][field][1]
            problems.append(f"{where}: {field} is set again ({_text(value)}; line {first_line} set "
                            f"{_text(group['values'][field][0])}) for the same record, measure, arm and "
                            "timepoint; keep one of the two lines.")
            continue
        group["values"].setdefault(field, (value, number))
        group["lines"].append(number)
        for name, bucket in (("source", "sources"), ("note", "notes")):
            if entry.get(name) and entry[name] not in group[bucket]:
                group[bucket].append(entry[name])
    if header is None:
        return [], [f"{path}: the file is empty; its first line must be the header "
                    f"{','.join(CSV_COLUMNS)}."]
    corrections = []
    for group in groups.values():
        entry, lines = group["entry"], group["lines"]
        origin = f"{path} line {lines[0]}" if len(lines) == 1 else f"{path} lines {', '.join(map(str, lines))}"
        corrections.append(Correction(
            record_id=entry["record_id"], record_ref=entry["record_id"],
            values=tuple((f, v) for f, (v, _) in group["values"].items()), reviewer=entry["reviewer"],
            measure=entry["measure"], arm=entry["arm"], timepoint_weeks=entry["timepoint_weeks"],
            source="; ".join(group["sources"]) or None, note="; ".join(group["notes"]) or None, origin=origin))
    return corrections, problems


def _read_toml(path: Path, text: str) -> tuple[list[Correction], list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{path} is not valid TOML: {exc}. Fix the line it names."]
    problems: list[str] = []
    extra = [k for k in data if k not in ("defaults", "correction")]
    if extra:
        problems.append(f"{path}: unknown top-level key(s) {', '.join(repr(k) for k in extra)}; the file holds a "
                        "[defaults] table (reviewer, source) and [[correction]] tables.")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append(f"{path}: defaults must be a table ([defaults] with reviewer = \"...\").")
        defaults = {}
    for key in defaults:
        if key not in TOML_DEFAULTS:
            problems.append(f"{path} [defaults]: unknown key {key!r}{_did_you_mean(key, TOML_DEFAULTS)}; "
                            f"[defaults] may set {', '.join(TOML_DEFAULTS)}.")
    tables = data.get("correction", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        return [], problems + [f"{path}: 'correction' must be a list of tables, written [[correction]]."]
    if not tables and not problems:
        problems.append(f"{path}: no [[correction]] table; add one, or remove the file.")
    corrections = []
    for index, table in enumerate(tables, start=1):
        where = f"{path} correction {index}"
        table_problems: list[str] = []
        for key in table:
            if key not in META_KEYS and key not in VALUE_FIELDS:
                table_problems.append(f"{where}: unknown key {key!r}{_did_you_mean(key, (*META_KEYS, *VALUE_FIELDS))}. "
                                      f"A correction sets record_id, measure, arm, timepoint_weeks, reviewer, source, "
                                      f"note and fields among {', '.join(VALUE_FIELDS)}.")
        meta = {k: table.get(k) for k in META_KEYS}
        for key in TOML_DEFAULTS:
            if meta.get(key) is None and isinstance(defaults.get(key), str):
                meta[key] = defaults[key]
        for key in ("record_id", "measure", "arm", "reviewer", "source", "note"):
            value = meta.get(key)
            if isinstance(value, int) and not isinstance(value, bool) and key == "record_id":
                meta[key] = str(value)
            elif value is not None and not isinstance(value, str):
                table_problems.append(f"{where}: {key} must be a string, got {_text(value)}; put it in quotes.")
                meta[key] = None
            elif isinstance(value, str):
                meta[key] = value.strip() or None
        entry = _check_entry(where, meta, table_problems, reviewer_fix="add reviewer = \"your name\" to the "
                             "correction, or set it once in a [defaults] table")
        values = []
        for key, raw in table.items():
            if key in VALUE_FIELDS:
                value = _check_value(where, key, raw, table_problems)
                _check_field_target(where, key, entry, table_problems)
                values.append((key, value))
        if not values and not table_problems:
            table_problems.append(f"{where}: sets no value; add a field among {', '.join(VALUE_FIELDS)}.")
        if table_problems:
            problems += table_problems
            continue
        corrections.append(Correction(
            record_id=entry["record_id"], record_ref=entry["record_id"], values=tuple(values),
            reviewer=entry["reviewer"], measure=entry["measure"], arm=entry["arm"],
            timepoint_weeks=entry["timepoint_weeks"], source=entry["source"], note=entry["note"], origin=where))
    return corrections, problems


# --- checking values -------------------------------------------------------------------------

def _check_entry(where: str, meta: Mapping[str, Any], problems: list[str], *,
                 reviewer_fix: str = "fill in the reviewer column") -> dict[str, Any]:
    """Return the checked selector and metadata of one CSV line or TOML correction (None where missing)."""
    entry: dict[str, Any] = {k: meta.get(k) for k in META_KEYS}
    if not entry["record_id"]:
        problems.append(f"{where}: record_id is missing; give the record's store id (see `trialsynth records`), "
                        "or PMID:31908418, a DOI or an NCT id.")
    if not entry["reviewer"]:
        problems.append(f"{where}: reviewer is missing; every correction says who made it ({reviewer_fix}).")
    entry["measure_given"] = entry["measure"] is not None
    if entry["measure"] is not None:
        entry["measure"] = _check_measure(where, str(entry["measure"]), problems)
    elif entry["arm"] or entry["timepoint_weeks"] not in (None, ""):
        problems.append(f"{where}: arm and timepoint_weeks select an outcome row, but no measure is given; add the "
                        "measure (e.g. DAS28) or leave arm and timepoint_weeks empty for a study-level field.")
    raw_tp = entry["timepoint_weeks"]
    entry["timepoint_weeks"] = None
    if raw_tp not in (None, ""):
        weeks = _number(raw_tp)
        if weeks is None or weeks < 0:
            problems.append(f"{where}: timepoint_weeks must be a number of weeks (0 or more), got {_text(raw_tp)}; "
                            "e.g. 52 for 1 year, 26 for 6 months, 4.33 for 1 month.")
        else:
            entry["timepoint_weeks"] = weeks
    return entry


def _check_field_target(where: str, field: str, entry: Mapping[str, Any], problems: list[str]) -> None:
    measure = entry.get("measure")
    if not entry.get("measure_given"):
        measure = None
    elif measure is None:
        return  # the measure itself is wrong: that problem is reported already
    if field in STUDY_FIELDS and measure is not None:
        problems.append(f"{where}: {field} is a study-level field but the correction selects an outcome row "
                        f"(measure {measure}); put {field} in a correction without measure, arm and timepoint.")
    elif field in OUTCOME_FIELDS and measure is None:
        problems.append(f"{where}: {field} belongs to an outcome row; add the measure (e.g. DAS28) and, where the "
                        "record reports several, the arm and timepoint_weeks.")


def _check_value(where: str, field: str, raw: Any, problems: list[str]) -> Any:
    """Return `raw` checked and normalised for `field`, or None after adding a problem."""
    kind = VALUE_FIELDS[field]
    shown = _text(raw)
    if kind in ("number", "sd", "percent", "count"):
        value = _number(raw)
        if value is None:
            problems.append(f"{where}: {field} must be a number, got {shown}; give a plain number such as 5.8 "
                            "(a decimal point, no units, no ±).")
            return None
        if kind == "sd" and value < 0:
            problems.append(f"{where}: {field} must not be negative (a standard deviation is 0 or more), got "
                            f"{shown}; drop the minus sign, or put a negative change in change_mean.")
            return None
        if kind == "percent" and not 0 <= value <= 100:
            problems.append(f"{where}: {field} must be between 0 and 100, got {shown}; give a percentage (45 for "
                            "45%); a count of responders goes in n_responders.")
            return None
        if kind == "count":
            if value < 0 or not float(value).is_integer():
                problems.append(f"{where}: {field} must be a whole number of patients (0 or more), got {shown}.")
                return None
            return int(value)
        return float(value)
    if kind == "p":
        return _check_p(where, field, raw, problems)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "yes", "include", "included", "1"):
            return True
        if text in ("false", "no", "exclude", "excluded", "0"):
            return False
        problems.append(f"{where}: include must be true or false (include/exclude), got {shown}.")
        return None
    if not isinstance(raw, str) or not raw.strip():
        problems.append(f"{where}: {field} must be text, got {shown}.")
        return None
    text = " ".join(raw.split())
    if kind == "direction":
        folded = text.lower().replace("_", " ")
        if folded in DIRECTIONS:
            return folded
        problems.append(f"{where}: direction must be one of {', '.join(DIRECTIONS)}, got {shown}"
                        f"{_did_you_mean(folded, DIRECTIONS)}.")
        return None
    names = _vocabulary()[kind]
    by_fold = {n.lower(): n for n in names}
    if text.lower() in by_fold:
        return by_fold[text.lower()]
    problems.append(f"{where}: unknown {field} {shown}{_did_you_mean(text, names)}; the extractor's vocabulary "
                    f"has {', '.join(names)}.")
    return None


def _check_p(where: str, field: str, raw: Any, problems: list[str]) -> str | None:
    if isinstance(raw, bool):
        match = None
    elif isinstance(raw, (int, float)):
        match = _P_VALUE.match(repr(float(raw)) if isinstance(raw, float) else str(raw))
    else:
        match = _P_VALUE.match(str(raw))
    if match:
        number = match.group(2)
        value = float(number)
        if 0 <= value <= 1:
            if number.startswith("."):
                number = "0" + number
            return f"{_P_CMP[match.group(1) or '=']}{number}"
    problems.append(f"{where}: {field} must be a P value between 0 and 1 as reported, got {_text(raw)}; write it "
                    "like 0.03, <0.05 or =0.0159.")
    return None


def _check_measure(where: str, measure: str, problems: list[str]) -> str | None:
    names = _vocabulary()["measure"]
    folded = " ".join(measure.split()).lower()
    for name in names:
        if name.lower() == folded:
            return name
    phrases = _vocabulary()["measure_phrases"]
    hint = ""
    if folded in phrases:
        hint = f" ({measure!r} is a spelling of {phrases[folded]}; write the name {phrases[folded]!r})"
    else:
        close = difflib.get_close_matches(folded, [n.lower() for n in names], n=5, cutoff=0.5)
        by_fold = {n.lower(): n for n in names}
        if close:
            hint = f" (did you mean {' or '.join(repr(by_fold[c]) for c in close)}?)"
    problems.append(f"{where}: unknown measure {measure!r}{hint}. A measure is a name of the extractor's "
                    f"vocabulary (extract/data/measures.json): {', '.join(names)}.")
    return None


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, Any]:
    """Return the extractor's vocabularies: measure names (and remission measures), cell sources, origins, routes."""
    from extract.lexer import load_rules

    measures = load_rules("measures")
    names = [m["name"] for m in measures["measures"]]
    names += [f"{n} remission" for n in measures.get("remission", {}).get("of", [])]
    phrases = {p.lower(): m["name"] for m in measures["measures"] for p in m["phrases"]}
    intervention = load_rules("intervention")
    routes = list(dict.fromkeys(spec.get("canonical", name) for name, spec in intervention["routes"].items()))
    return {"measure": names, "measure_phrases": phrases, "cell_source": list(intervention["cell_sources"]),
            "cell_origin": list(intervention["cell_origin"]), "route": routes}


def measure_names() -> list[str]:
    """Return the measure names a correction may use (the extractor's vocabulary)."""
    return list(_vocabulary()["measure"])


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("\u2212", "-")
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            return None
        value = float(text)
    else:
        return None
    return value if math.isfinite(value) else None


def _did_you_mean(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def _text(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _conflicts(corrections: Sequence[Correction]) -> list[str]:
    """Return problems for two corrections setting one field of one target to different values."""
    seen: dict[tuple, tuple[Any, Correction]] = {}
    problems = []
    for c in corrections:
        for field, value in c.values:
            key = (c.record_id, c.measure, (c.arm or "").lower(), c.timepoint_weeks, field)
            if key in seen and seen[key][0] != value:
                other = seen[key][1]
                problems.append(f"{c.origin}: sets {field} of record {c.record_ref} ({c.target}) to {_text(value)}, "
                                f"but {other.origin} sets it to {_text(seen[key][0])}; keep one of them.")
            seen.setdefault(key, (value, c))
    return problems


# --- applying corrections --------------------------------------------------------------------

def apply_corrections(prediction: Mapping[str, Any], corrections: Iterable[Correction]) -> dict[str, Any]:
    """Return a new prediction with the corrections of its record applied (the input is not changed).

    A study-level value replaces the extracted one; an outcome correction sets the values of the
    row its selector matches (measure; arm and timepoint_weeks when given), or adds a row when none
    matches. A corrected value's provenance becomes the reviewer's ("location": "reviewer",
    "entered_by": "reviewer:<name>"); what it replaced is kept in a `replaced` list (of the
    prediction for study fields, of the row for outcome values) as {"field", "extracted_value",
    "extracted_provenance", "value", "entered_by"}, and an added row carries "added_by".
    Applying the same corrections again changes nothing. Raises InputError when a selector matches
    rows of different arms or timepoints (the correction must say which one).
    """
    out = copy.deepcopy(dict(prediction))
    record_id = str(out.get("id"))
    for c in corrections:
        if c.record_id != record_id:
            continue
        if c.is_outcome:
            _apply_outcome(out, c)
        else:
            _apply_study(out, c)
    return out


def _note_replaced(holder: dict[str, Any], field: str, old: Any, old_provenance: Any, c: Correction,
                   value: Any) -> None:
    replaced = holder.setdefault("replaced", [])
    for entry in replaced:
        if entry["field"] == field:  # corrected before: what the extractor said is already kept
            entry.update(value=value, entered_by=c.entered_by)
            return
    replaced.append({"field": field, "extracted_value": old, "extracted_provenance": copy.deepcopy(old_provenance),
                     "value": value, "entered_by": c.entered_by})


def _apply_study(out: dict[str, Any], c: Correction) -> None:
    provenance = out.get("provenance")
    if not isinstance(provenance, dict):
        provenance = out["provenance"] = {}
    for field, value in c.values:
        _note_replaced(out, field, out.get(field), provenance.get(field), c, value)
        out[field] = value
        provenance[field] = c.provenance()
        if field == "include":
            out["exclusion_reason"] = None if value else (c.note or c.source or f"excluded by reviewer {c.reviewer}")


def _selects(c: Correction, row: Mapping[str, Any]) -> bool:
    wanted = (c.measure or "").lower()
    names = {str(row.get(k) or "").lower() for k in ("measure_canonical", "measure")}
    if wanted not in names:  # the vocabulary name or the open-vocabulary name of the row
        return False
    if c.arm is not None and " ".join(str(row.get("arm") or "").split()).lower() != " ".join(c.arm.split()).lower():
        return False
    if c.timepoint_weeks is not None:
        weeks = row.get("timepoint_weeks")
        if not isinstance(weeks, (int, float)) or abs(float(weeks) - c.timepoint_weeks) > _TIMEPOINT_TOLERANCE:
            return False
    return True


def _apply_outcome(out: dict[str, Any], c: Correction) -> None:
    rows = out.get("outcomes")
    if not isinstance(rows, list):
        rows = out["outcomes"] = []
    matches = [row for row in rows if isinstance(row, dict) and _selects(c, row)]
    keys = {((row.get("arm") or "").lower(), row.get("timepoint_weeks")) for row in matches}
    if len(keys) > 1:
        shown = "; ".join(f"arm {a or '(none)'}, {'%g weeks' % t if isinstance(t, (int, float)) else 'no timepoint'}"
                          for a, t in sorted(keys, key=str))
        raise InputError(f"{c.origin}: {c.target} selects {len(matches)} outcome rows of record {out.get('id')} "
                         f"({shown}); add arm and/or timepoint_weeks so it selects one.")
    if not matches:
        weeks = c.timepoint_weeks
        row: dict[str, Any] = {k: None for k in _ROW_KEYS}
        row.update(measure=c.measure, measure_text=c.measure, measure_canonical=c.measure, arm=c.arm,
                   timepoint_weeks=weeks,
                   timepoint=f"{weeks:g} weeks" if weeks is not None else None, note=c.note,
                   added_by=c.entered_by)
        fields = {f for f, _ in c.values}
        if fields & {"baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean", "change_sd"}:
            row["statistic"] = "mean (sd)"
        rows.append(row)
        matches = [row]
    provenance = c.provenance()
    for row in matches:
        if not row.get("added_by"):
            if "extracted_provenance" not in row:
                row["extracted_provenance"] = copy.deepcopy(row.get("provenance"))
            for field, value in c.values:
                _note_replaced(row, field, row.get(field), row.get("extracted_provenance"), c, value)
        for field, value in c.values:
            row[field] = value
        row["provenance"] = dict(provenance)
        row["verbatim"] = provenance["text"]


def apply_all(predictions: Iterable[Mapping[str, Any]], corrections: Sequence[Correction]) -> list[dict[str, Any]]:
    """Return `apply_corrections` of every prediction, in order."""
    return [apply_corrections(p, corrections) for p in predictions]


def apply_by_record(predictions: Mapping[str, Mapping[str, Any]], corrections: Sequence[Correction]
                    ) -> dict[str, Any]:
    """Return {record_id: prediction} with each record's corrections applied; predictions without a
    correction are the same (unchanged) objects, so the cost is that of the corrected records only."""
    mine: dict[str, list[Correction]] = {}
    for c in corrections:
        mine.setdefault(c.record_id, []).append(c)
    return {rid: apply_corrections(p, mine[rid]) if rid in mine else p for rid, p in predictions.items()}


# --- a review's corrections ------------------------------------------------------------------

def review_corrections(review: Review, store: Store) -> list[Correction]:
    """Return the corrections of the review's corrections file (record ids resolved in `store`), or []."""
    from trialsynth.recordref import store_resolver

    path = find_corrections_file(review.root)
    return load_corrections(path, store_resolver(store)) if path else []


def stored_predictions(store: Store) -> dict[str, dict[str, Any]]:
    """Return {record_id: prediction} of the store's extractions (with "id" and "extractor_version")."""
    return {record_id: {**evidence, "id": record_id, "extractor_version": version}
            for record_id, version, evidence in store.extractions()}


def corrected_predictions(review: Review, store: Store) -> dict[str, dict[str, Any]]:
    """Return {record_id: prediction} of the stored extractions with the review's corrections applied.

    Corrections sit on top of whatever the extractor last produced, so they survive every
    re-extraction. Raises InputError (CorrectionsError) when the corrections file has problems.
    """
    return apply_by_record(stored_predictions(store), review_corrections(review, store))


@dataclass(frozen=True)
class CorrectionsCheck:
    """What `check_corrections` found: the file, its corrections, and how they meet the stored extractions."""

    path: Path
    corrections: tuple[Correction, ...]
    replacing: int  # outcome corrections that select an extracted row, plus study-level corrections
    adding: int  # outcome corrections that add a row
    not_extracted: tuple[str, ...]  # record ids with corrections but no extraction yet

    @property
    def records(self) -> int:
        return len({c.record_id for c in self.corrections})

    @property
    def values(self) -> int:
        return sum(len(c.values) for c in self.corrections)


def check_corrections(review: Review, path: str | Path | None = None, *,
                      store: Store | None = None) -> CorrectionsCheck:
    """Read and check the review's corrections file (or `path`) against its store; returns the summary.

    `store`: the command's open store (else the review's is opened, read-only). Raises InputError
    when there is no corrections file, or (CorrectionsError) listing its problems, including a
    selector that matches rows of several arms or timepoints of the stored extraction.
    """
    from trialsynth.recordref import store_resolver

    file = Path(path) if path else find_corrections_file(review.root)
    if file is None:
        raise InputError(f"{review.root} has no corrections file; create {CSV_FILE} (columns "
                         f"{','.join(CSV_COLUMNS)}) or {TOML_FILE} ([[correction]] tables) there.")
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review, write=False) as own:
            return check_corrections(review, path, store=own)
    corrections = load_corrections(file, store_resolver(store))
    predictions = stored_predictions(store)
    replacing = adding = 0
    missing: list[str] = []
    problems: list[str] = []
    for c in corrections:  # in file order, each on top of the ones before (as apply_corrections does)
        prediction = predictions.get(c.record_id)
        if prediction is None:
            if c.record_id not in missing:
                missing.append(c.record_id)
            continue
        try:
            after = apply_corrections(prediction, [c])
        except InputError as exc:
            problems.append(str(exc))
            continue
        if len(after.get("outcomes") or []) > len(prediction.get("outcomes") or []):
            adding += 1
        else:
            replacing += 1
        predictions[c.record_id] = after
    if problems:
        raise CorrectionsError(file, problems)
    return CorrectionsCheck(path=file, corrections=tuple(corrections), replacing=replacing, adding=adding,
                            not_extracted=tuple(missing))
