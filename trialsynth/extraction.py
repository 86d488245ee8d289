"""Extraction wiring: stored records or input files in, extractor predictions and the evidence table out.

Library functions only (no printing): the CLI renders what they return.

- `run_extract` extracts the records of a review's store that need it (new, changed, or read by
  another extractor version) and stores each `Evidence.to_prediction()` as JSON.
- `read_inputs` reads a standalone input file into `ExtractionInput`s: JSONL of
  {"id", "title", "abstract", "full_text_xml"?, "publication_types"?, "mesh_terms"?} objects, the
  tool's own record JSONL (`trialsynth records --format jsonl`), or PubMed EFetch XML, told apart
  by content. `extract_file` extracts them into a prediction JSONL file, written atomically.
- `evidence_table` turns predictions into the evidence table (one row per study x arm x outcome x
  timepoint); `write_table` writes it as CSV, XLSX, Parquet or JSONL.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from corpus.jsonl import json_lines
from corpus.errors import MalformedResponseError
from extract.errors import ExtractionError
from trialsynth.errors import USER_ERRORS, InputError
from trialsynth.userfiles import decode_utf8, read_bytes, read_text, without_bom

if TYPE_CHECKING:
    import pandas as pd

    from corpus.records import Record
    from corpus.store import Store
    from extract.evidence import ExtractionInput
    from trialsynth.review import Review

Progress = Callable[[int, "int | None"], None]

#: Predictions stored per transaction (an interrupted run keeps every completed batch).
STORE_BATCH = 64

#: Keys of a line of the tool's own record JSONL that a plain input line does not have.
RECORD_KEYS = frozenset({"ids", "sources", "hits", "source", "source_id", "abstract_sections", "authors",
                         "journal", "year", "pub_date", "keywords", "registry", "entry_date", "language",
                         "is_open_access", "pmid", "doi", "pmcid", "nct"})
INPUT_FORMATS = ('JSONL with one {"id", "title", "abstract"} object per line (optional "full_text_xml", '
                 '"publication_types", "mesh_terms"); the JSONL of `trialsynth records --format jsonl`; '
                 'PubMed EFetch XML (PubmedArticleSet)')

TABLE_COLUMNS: tuple[str, ...] = (
    "record_id", "first_author", "year", "title", "include", "n_enrolled", "cell_source", "cell_origin", "route",
    "doses", "measure", "measure_text", "arm", "n", "timepoint", "timepoint_weeks", "baseline_mean", "baseline_sd",
    "followup_mean", "followup_sd", "change_mean", "change_sd", "percent_responders", "n_responders", "p_value",
    "effect_size", "direction", "statistic", "flags", "source_location", "verbatim", "char_start", "char_end",
    "entered_by", "extractor_version")
_INT_COLUMNS = ("year", "n_enrolled", "n", "n_responders", "char_start", "char_end")
_FLOAT_COLUMNS = ("timepoint_weeks", "baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean",
                  "change_sd", "percent_responders", "effect_size")
TABLE_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}


# --- running the extractor -------------------------------------------------------------------

@dataclass(frozen=True)
class ExtractSummary:
    """What `run_extract` did: records extracted (new + re_extracted), up to date, included, version."""

    extracted: int
    new: int
    re_extracted: int
    up_to_date: int
    included: int
    version: str

    def to_dict(self) -> dict[str, Any]:
        return {"extracted": self.extracted, "new": self.new, "re_extracted": self.re_extracted,
                "up_to_date": self.up_to_date, "included": self.included, "version": self.version}


@dataclass(frozen=True)
class ExtractFileSummary:
    """What `extract_file` did: records extracted, how many the extractor included, where it wrote."""

    extracted: int
    included: int
    input_format: str
    output: str


def _extractor():
    from extract.pipeline import EXTRACTOR_VERSION, Extractor

    extractor = Extractor()
    return extractor, str(getattr(extractor, "version", None) or EXTRACTOR_VERSION)


def _predictions(extractor, inputs: Iterable[ExtractionInput], jobs: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (input id, prediction) in input order; extractor failures become ExtractionError."""
    if jobs < 1:
        raise InputError(f"--jobs must be at least 1; got {jobs}. Use 1 for one process.")
    last = "the first record"
    try:
        for evidence in extractor.pipe(inputs, n_process=jobs):
            prediction = evidence.to_prediction()
            last = f"record {evidence.id!r}"
            yield str(evidence.id), prediction
    except USER_ERRORS:
        raise
    except Exception as exc:
        raise ExtractionError(f"the extractor failed after {last} ({type(exc).__name__}: {exc}). Every "
                              "completed batch is kept; report the record with this message.") from exc


def record_input(record_id: str, record: Record, full_text_xml: str | None = None) -> ExtractionInput:
    """Return the extractor's input for a stored record (its abstract joined from sections if needed)."""
    from extract.evidence import ExtractionInput

    abstract = record.abstract or "\n".join(f"{s.label}\n{s.text}" if s.label else s.text
                                            for s in record.abstract_sections)
    return ExtractionInput(id=record_id, title=record.title, abstract=abstract, full_text_xml=full_text_xml or None,
                           publication_types=tuple(record.publication_types), mesh_terms=tuple(record.mesh_terms))


def _store_inputs(store: Store, record_ids: Sequence[str]) -> Iterator[ExtractionInput]:
    for record_id in record_ids:
        stored = store.get(record_id)
        if stored is None:  # cannot happen within one run; skip rather than extract nothing
            continue
        pmcid = stored.record.ids.pmcid
        yield record_input(stored.id, stored.record, store.fulltext(pmcid) if pmcid else None)


def run_extract(review: Review, *, force: bool = False, jobs: int = 1,
                progress: Progress | None = None) -> ExtractSummary:
    """Extract every record of the review's store that needs it (all with `force`); returns the counts.

    A record needs extraction when it has none, or one made by another extractor version (a record
    whose fields or full text changed has lost its extraction in the store). Predictions are stored
    in batches of STORE_BATCH, each one transaction. Raises ExtractionError when the extractor fails.
    """
    from corpus.store import Store

    extractor, version = _extractor()
    with Store(review.store_path) as store:
        versions = store.extraction_versions()
        all_ids = [s.id for s in store.records()]
        todo = all_ids if force else store.record_ids_needing_extraction(version)
        new = sum(1 for rid in todo if rid not in versions)
        store.start_run("extract --force" if force else "extract")
        done = 0
        try:
            batch: list[tuple[str, str, str]] = []
            if progress:
                progress(0, len(todo))
            inputs: Iterable[ExtractionInput] = _store_inputs(store, todo)
            if jobs > 1:
                # Worker pools read their input from a helper thread, and the store's connection
                # belongs to this one: read the records here first (a pool queues them all anyway).
                inputs = list(inputs)
            for record_id, prediction in _predictions(extractor, inputs, jobs):
                batch.append((record_id, version, json.dumps(prediction, ensure_ascii=False, sort_keys=True)))
                if len(batch) >= STORE_BATCH:
                    done += store.put_extractions(batch)
                    batch = []
                    if progress:
                        progress(done, len(todo))
            done += store.put_extractions(batch)
            if progress:
                progress(done, len(todo))
        except BaseException:
            store.finish_run("failed", {"extracted": done})
            raise
        included = sum(1 for _, v, evidence in store.extractions() if v == version and evidence.get("include"))
        summary = ExtractSummary(extracted=done, new=new, re_extracted=done - new,
                                 up_to_date=len(all_ids) - len(todo), included=included, version=version)
        store.finish_run("ok", summary.to_dict())
    return summary


def extract_file(input_path: str | Path, output: str | Path, *, jobs: int = 1,
                 progress: Progress | None = None) -> ExtractFileSummary:
    """Extract every record of a standalone input file into a prediction JSONL file; returns the counts.

    `output` "-" writes to standard output. A file is written to a temporary file in the same
    folder and renamed only when complete, so a failure leaves no partial file. Raises InputError
    for an unreadable input (naming the file and line) and ExtractionError when the extractor fails.
    """
    inputs, fmt = read_inputs(input_path)
    extractor, _ = _extractor()
    counts = {"extracted": 0, "included": 0}

    def lines() -> Iterator[str]:
        if progress:
            progress(0, len(inputs))
        for _, prediction in _predictions(extractor, inputs, jobs):
            counts["extracted"] += 1
            counts["included"] += bool(prediction.get("include"))
            if progress:
                progress(counts["extracted"], len(inputs))
            yield json.dumps(prediction, ensure_ascii=False) + "\n"

    if str(output) == "-":
        for line in lines():
            sys.stdout.write(line)
        sys.stdout.flush()
    else:
        if Path(output).resolve() == Path(input_path).resolve():
            raise InputError(f"{output}: the output file is the input file; choose another --output name.")
        with atomic_output(output, "w") as fh:
            fh.writelines(lines())
    return ExtractFileSummary(extracted=counts["extracted"], included=counts["included"], input_format=fmt,
                              output=str(output))


@dataclass(frozen=True)
class AnswerFileSummary:
    """What `answer_file` did: prompts read, answered (a label), abstained, and prompts whose record
    was not in the input (abstained too)."""

    prompts: int
    answered: int
    abstained: int
    without_record: int
    output: str


def answer_file(input_path: str | Path, prompts_path: str | Path, output: str | Path, *, jobs: int = 1,
                progress: Progress | None = None) -> AnswerFileSummary:
    """Answer the prompts of `prompts_path` (extract.prompting) about the records of `input_path`,
    one JSON line per prompt in the prompts' order, written atomically ("-": stdout). Raises
    InputError for an unreadable file and ExtractionError (naming file and line) for a bad prompt."""
    from extract.prompting import Answer, answer_records, parse_prompts

    inputs, _ = read_inputs(input_path)
    prompts_path = Path(prompts_path)
    prompts = parse_prompts(read_text(prompts_path, f"Check the path (it is relative to {Path.cwd()})."),
                            str(prompts_path))
    answers: dict[object, Answer] = {}
    if progress:
        progress(0, len(inputs))
    for done, (_, found) in enumerate(answer_records(inputs, prompts, n_process=jobs), start=1):
        answers.update((a.prompt_id, a) for a in found)
        if progress:
            progress(done, len(inputs))
    lines = [json.dumps((answers.get(p.prompt_id) or Answer(p.prompt_id, None, None, None)).to_dict(),
                        ensure_ascii=False) + "\n" for p in prompts]
    if str(output) == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
    else:
        if Path(output).resolve() in (Path(input_path).resolve(), prompts_path.resolve()):
            raise InputError(f"{output}: the output file is an input file; choose another --output name.")
        with atomic_output(output, "w") as fh:
            fh.writelines(lines)
    answered = sum(1 for a in answers.values() if a.label is not None)
    return AnswerFileSummary(len(prompts), answered, len(prompts) - answered,
                             sum(1 for p in prompts if p.prompt_id not in answers), str(output))


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside `path`; rename it to `path` when the block ends without error.

    On an error (or an interrupt) the temporary file is removed and `path` is left as it was.
    Raises InputError when the folder does not exist or is not writable.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {folder} does not exist; create it or choose another output path.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot write in {folder} ({exc.strerror or exc}); choose another "
                         "output path.") from exc
    try:
        with open(fd, mode, **({"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {})) as fh:
            yield fh
        os.chmod(tmp, _file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _file_mode(path: Path) -> int:
    """Return the permissions a new file gets (an existing file keeps its own): mkstemp makes 0600."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


# --- reading standalone input files ----------------------------------------------------------

def read_inputs(path: str | Path) -> tuple[list[ExtractionInput], str]:
    """Return the records of an input file as ExtractionInputs (file order) and the format detected.

    The format is told by content: a first non-blank character '<' is PubMed EFetch XML ("pubmed-xml");
    otherwise JSONL, which is the tool's record JSONL ("records-jsonl") when its lines carry record
    fields (ids, sources, authors, ...), else plain input JSONL ("input-jsonl"). Raises InputError
    naming the file, the line and the fix for an empty file, invalid JSON, a missing or duplicate
    "id", a field of the wrong type, or unreadable XML.
    """
    path = Path(path)
    data = without_bom(read_bytes(path, f"Check the path (it is relative to {Path.cwd()})."))
    if not data.strip():
        raise InputError(f"{path}: the file is empty. Expected one of: {INPUT_FORMATS}.")
    if data.lstrip()[:1] == b"<":
        return _read_pubmed_xml(path, data), "pubmed-xml"
    return _read_jsonl(path, decode_utf8(path, data))


def _read_pubmed_xml(path: Path, data: bytes) -> list[ExtractionInput]:
    from corpus.pubmed import parse_pubmed_xml

    try:
        hits = parse_pubmed_xml(data)
    except MalformedResponseError as exc:
        cause = exc.__cause__
        line = getattr(cause, "lineno", None)
        if line is not None:
            message = getattr(cause, "msg", None) or str(cause)
            raise InputError(f"{path} line {line}: not well-formed XML ({message}). The file may be truncated: "
                             "export or download it again.") from exc
        raise InputError(f"{path}: not usable as PubMed XML ({exc}). Expected one of: {INPUT_FORMATS}; a JATS "
                         "full text goes in the \"full_text_xml\" field of a JSONL line.") from exc
    if not hits:
        raise InputError(f"{path}: the PubMed XML holds no <PubmedArticle>. Export the records again.")
    inputs, seen = [], set()
    for n, hit in enumerate(hits, start=1):
        record = hit.record
        if record.source_id in seen:
            raise InputError(f"{path}: PMID {record.source_id} appears twice (article {n}); every record id must "
                             "be unique. Remove the duplicate article.")
        seen.add(record.source_id)
        inputs.append(record_input(record.source_id, record))
    return inputs


def _read_jsonl(path: Path, text: str) -> tuple[list[ExtractionInput], str]:
    objects: list[tuple[int, dict[str, Any]]] = []
    first_line: dict[str, int] = {}
    for number, where, obj, _ in json_lines(text, str(path)):
        raw_id = obj.get("id")
        if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
            raise InputError(f"{where}: the record has no \"id\"; add one (any string unique in the file, "
                             "e.g. the PMID).")
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
            raise InputError(f"{where}: \"id\" must be a string or an integer, got {json.dumps(raw_id)[:40]}; "
                             "use the PMID or another unique string.")
        record_id = str(raw_id).strip()
        if record_id in first_line:
            raise InputError(f"{where}: duplicate id {record_id!r} (first on line {first_line[record_id]}); "
                             "every record id must be unique in the file. Remove or rename one of them.")
        first_line[record_id] = number
        obj["id"] = record_id
        objects.append((number, obj))
    if not objects:
        raise InputError(f"{path}: the file holds only blank lines. Expected one of: {INPUT_FORMATS}.")
    if any(RECORD_KEYS & obj.keys() for _, obj in objects):
        return _records_jsonl(path, text, objects), "records-jsonl"
    return [_plain_input(f"{path} line {number}", obj) for number, obj in objects], "input-jsonl"


def _records_jsonl(path: Path, text: str, objects: list[tuple[int, dict[str, Any]]]) -> list[ExtractionInput]:
    from corpus.jsonl import read_jsonl

    hits = read_jsonl(text, origin=str(path))  # raises InputError naming the line for a field of the wrong type
    inputs = []
    for (number, obj), hit in zip(objects, hits, strict=True):
        full_text = _optional_text(f"{path} line {number}", obj, "full_text_xml")
        inputs.append(record_input(obj["id"], hit.record, full_text))
    return inputs


def _optional_text(where: str, obj: Mapping[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{where}: \"{key}\" must be a string, got a JSON {type(value).__name__}; "
                         "fix the value or leave the key out.")
    return value


def _string_list(where: str, obj: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = obj.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: \"{key}\" must be a list of strings such as [\"Clinical Trial\"], got "
                         f"{json.dumps(value, ensure_ascii=False)[:60]}; fix the value or leave the key out.")
    return tuple(value)


def _plain_input(where: str, obj: Mapping[str, Any]) -> ExtractionInput:
    from extract.evidence import ExtractionInput

    return ExtractionInput(id=obj["id"], title=_optional_text(where, obj, "title") or "",
                           abstract=_optional_text(where, obj, "abstract") or "",
                           full_text_xml=_optional_text(where, obj, "full_text_xml") or None,
                           publication_types=_string_list(where, obj, "publication_types"),
                           mesh_terms=_string_list(where, obj, "mesh_terms"))


# --- the evidence table ----------------------------------------------------------------------

PREDICTION_HINT = ("The file may be truncated: run `trialsynth extract --input FILE --output OUT.jsonl` again "
                   "and pass its output.")


def read_predictions(path: str | Path) -> list[dict[str, Any]]:
    """Return the predictions of a JSONL file written by `trialsynth extract --output` (file order).

    Raises InputError naming the file and line for an empty file, invalid JSON, or a line that is
    not a prediction (an object with "id" and "include").
    """
    path = Path(path)
    text = read_text(path, f"Check the path (it is relative to {Path.cwd()}).")
    out = []
    for _, where, obj, _ in json_lines(text, str(path), PREDICTION_HINT):
        if "id" not in obj or "include" not in obj:
            raise InputError(f"{where}: not an extractor prediction (an object with \"id\" and \"include\"). "
                             "Pass the output of `trialsynth extract --input FILE --output OUT.jsonl`.")
        out.append(obj)
    if not out:
        raise InputError(f"{path}: the file is empty. Pass the output of `trialsynth extract --input FILE "
                         "--output OUT.jsonl`.")
    return out


def format_number(value: float) -> str:
    """Return a cell count compactly: 4e7, 2.5e6, 1.23e6; plain below 10,000 (e.g. 500)."""
    if value == 0 or not math.isfinite(value) or abs(value) < 1e4:
        return f"{value:g}"
    exponent = math.floor(math.log10(abs(value)))
    mantissa = f"{value / 10 ** exponent:.3g}"
    if mantissa.lstrip("-") == "10":
        exponent += 1
        mantissa = mantissa.replace("10", "1")
    return f"{mantissa}e{exponent}"


def format_doses(doses: Iterable[Mapping[str, Any]]) -> str:
    """Return doses as a readable string: "4e7 cells; 1e6 cells/kg (cohort A; 3 doses)", duplicates once."""
    parts: list[str] = []
    for dose in doses:
        value = dose.get("value")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        notes = [str(dose["arm"])] if dose.get("arm") else []
        times = dose.get("n_administrations")
        if isinstance(times, int) and times > 1:
            notes.append(f"{times} doses")
        text = f"{format_number(float(value))} {dose.get('unit') or 'cells'}" + (f" ({'; '.join(notes)})" if notes
                                                                                 else "")
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _checked(record_id: str, field: str, value: Any, kind: str) -> Any:
    """Return `value` as the column's kind ('int', 'float', 'str'); None stays None. Raises InputError."""
    if value is None or (isinstance(value, str) and kind != "str" and not value.strip()):
        return None
    if kind == "str":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"record {record_id!r}: \"{field}\" must be a number, got {json.dumps(value)[:40]}. "
                         "Fix the prediction or extract the record again.")
    if kind == "int":
        if isinstance(value, float) and not value.is_integer():
            raise InputError(f"record {record_id!r}: \"{field}\" must be a whole number, got {value}. Fix the "
                             "prediction or extract the record again.")
        return int(value)
    return float(value)


def table_rows(prediction: Mapping[str, Any], record: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Return the evidence-table rows of one prediction: one per outcome row, or one without a measure."""
    record = record or {}
    rid = str(prediction.get("id"))
    study = {
        "record_id": rid,
        "first_author": record.get("first_author"),
        "year": record.get("year"),
        "title": record.get("title"),
        "include": bool(prediction.get("include")),
        "n_enrolled": prediction.get("n_enrolled"),
        "cell_source": prediction.get("cell_source"),
        "cell_origin": prediction.get("cell_origin"),
        "route": prediction.get("route"),
        "doses": format_doses(prediction.get("doses") or ()) or None,
        "extractor_version": prediction.get("extractor_version"),
    }
    rows = []
    for outcome in prediction.get("outcomes") or [{}]:
        provenance = outcome.get("provenance") or {}
        row = {**study, **{c: outcome.get(c) for c in TABLE_COLUMNS if c in outcome and c not in study}}
        row.update(flags="; ".join(str(f) for f in outcome.get("flags") or ()) or None,
                   source_location=provenance.get("location"), verbatim=outcome.get("verbatim", provenance.get("text")),
                   char_start=provenance.get("start"), char_end=provenance.get("end"),
                   entered_by=provenance.get("entered_by"))
        rows.append(row)
    return rows


def evidence_table(predictions: Iterable[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]] | None = None,
                   *, include_all: bool = False) -> pd.DataFrame:
    """Return the evidence table: one row per study x arm x outcome x timepoint, columns TABLE_COLUMNS.

    Only included studies unless `include_all`; a study without outcome rows still gets one row
    (empty measure). `records` maps a record id to its first_author, year and title. Column types:
    nullable integers (Int64), floats (Float64), strings and a boolean `include`. Raises InputError
    for a prediction field of the wrong type.
    """
    import pandas as pd

    kinds = {c: "int" for c in _INT_COLUMNS} | {c: "float" for c in _FLOAT_COLUMNS}
    rows = []
    for prediction in predictions:
        if not include_all and not prediction.get("include"):
            continue
        for row in table_rows(prediction, (records or {}).get(str(prediction.get("id")))):
            rows.append({c: (row.get(c) if c == "include" else _checked(row["record_id"], c, row.get(c),
                                                                          kinds.get(c, "str")))
                         for c in TABLE_COLUMNS})
    frame = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    dtypes = {c: "Int64" for c in _INT_COLUMNS} | {c: "Float64" for c in _FLOAT_COLUMNS} | {"include": "boolean"}
    return frame.astype({c: dtypes.get(c, "string") for c in TABLE_COLUMNS})


def store_table(review: Review, *, include_all: bool = False) -> tuple[pd.DataFrame, int, int]:
    """Return the evidence table of a review, the number of records, and how many have no extraction.

    The table is the review's corrected view (`trialsynth.view`): the studies the effective
    screening includes (a reviewer's decision wins), with the corrections file applied, exactly as
    `trialsynth export` writes it. `include_all` adds every other screened record.
    """
    from trialsynth.view import load_view

    view = load_view(review)
    missing = len(set(view.records) - set(view.extracted))
    return view.table(include_all=include_all), len(view.records), missing


def table_format(fmt: str | None, output: str | None) -> str:
    """Return the table format: `fmt` if given, else from `output`'s suffix, else csv. Raises InputError."""
    if fmt:
        return fmt
    if not output or output == "-":
        return "csv"
    suffix = Path(output).suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise InputError(f"{output}: cannot tell the table format from the suffix {suffix or '(none)'!r}; use one "
                         f"of {', '.join(TABLE_FORMATS)} or give --format csv|xlsx|parquet|jsonl.")
    return TABLE_FORMATS[suffix]


def write_table(frame: pd.DataFrame, fmt: str, output: str | None, stdout: IO[str] | None = None) -> None:
    """Write the table as csv, xlsx, parquet or jsonl to `output` (atomically), or csv/jsonl to stdout.

    Raises InputError for an unknown format, a binary format without an output file, or a
    missing writer library (naming the package to install).
    """
    if fmt not in ("csv", "xlsx", "parquet", "jsonl"):
        raise InputError(f"unknown table format {fmt!r}; use csv, xlsx, parquet or jsonl.")
    if fmt in ("csv", "xlsx"):
        from trialsynth.exports import safe_frame

        frame = safe_frame(frame)  # harvested text never becomes a live formula or a broken row
    to_stdout = not output or output == "-"
    if to_stdout and fmt in ("xlsx", "parquet"):
        raise InputError(f"the {fmt} format is binary and cannot go to the terminal; add -o table.{fmt}.")
    try:
        if to_stdout:
            out = stdout or sys.stdout
            out.write(_text_table(frame, fmt))
            return
        mode = "w" if fmt in ("csv", "jsonl") else "wb"
        with atomic_output(output, mode) as fh:
            if fmt in ("csv", "jsonl"):
                fh.write(_text_table(frame, fmt))
            elif fmt == "xlsx":
                frame.to_excel(fh, index=False, sheet_name="evidence", engine="openpyxl")
            else:
                frame.to_parquet(fh, index=False, engine="pyarrow")
    except ImportError as exc:
        package = "openpyxl" if fmt == "xlsx" else "pyarrow"
        raise InputError(f"writing {fmt} needs the {package} package ({exc}); install it with "
                         f"`python -m pip install {package}` or use --format csv.") from exc


def _text_table(frame: pd.DataFrame, fmt: str) -> str:
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if frame.empty:
        return ""
    return frame.to_json(orient="records", lines=True, force_ascii=False).rstrip("\n") + "\n"
