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
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from corpus.jsonl import json_lines
from corpus.errors import MalformedResponseError
from extract.errors import ExtractionError
from trialsynth.errors import InputError
from trialsynth.userfiles import check_json_escapes, decode_utf8, read_bytes, read_json_text, read_text, without_bom

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

#: The most text the extractor is given: a title and abstract longer than this (a paste of a whole
#: book, a broken export) or a larger full text is recorded as failed ("too large"), never read.
MAX_TEXT_CHARS = 200_000
MAX_FULLTEXT_CHARS = 10_000_000
#: Reads of a record that changed while it was being extracted, before it is left for the next run.
STALE_ROUNDS = 3


@dataclass(frozen=True)
class ExtractSummary:
    """What `run_extract` did: records extracted (new + re_extracted), up to date, included, version;
    `failed` records the extractor could not read (kept with their reason, not retried until they or
    the extractor change), `changed_meanwhile` records that kept changing while being read (left for
    the next run), and `failures` the (record id, reason) of this run's failures."""

    extracted: int
    new: int
    re_extracted: int
    up_to_date: int
    included: int
    version: str
    failed: int = 0
    changed_meanwhile: int = 0
    failures: tuple[tuple[str, str], ...] = ()
    failed_before: int = 0  # failed in an earlier run, unchanged since: not retried

    def to_dict(self) -> dict[str, Any]:
        return {"extracted": self.extracted, "new": self.new, "re_extracted": self.re_extracted,
                "up_to_date": self.up_to_date, "included": self.included, "version": self.version,
                "failed": self.failed, "changed_meanwhile": self.changed_meanwhile,
                "failures": [list(f) for f in self.failures], "failed_before": self.failed_before}


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


def too_large(inp: ExtractionInput) -> str | None:
    """Return why a record is too large for the extractor (naming the size and the limit), or None."""
    size = len(inp.title or "") + len(inp.abstract or "")
    if size > MAX_TEXT_CHARS:
        return (f"too large: the title and abstract have {size:,} characters (the extractor reads at most "
                f"{MAX_TEXT_CHARS:,}); check the record's source, or enter its values in the corrections file")
    if inp.full_text_xml and len(inp.full_text_xml) > MAX_FULLTEXT_CHARS:
        return (f"too large: the full text has {len(inp.full_text_xml):,} characters (the extractor reads at "
                f"most {MAX_FULLTEXT_CHARS:,})")
    return None


def extract_safely(extractor: Any, inp: ExtractionInput) -> tuple[dict[str, Any] | None, str | None]:
    """Return (prediction, None), or (None, the reason) when the record is too large or the extractor
    raises (any exception: one record never stops the others)."""
    reason = too_large(inp)
    if reason is not None:
        return None, reason
    try:
        # one record at a time through the extractor's own pipe (in this process), so that a record
        # that fails fails alone
        [evidence] = list(extractor.pipe([inp], n_process=1))
        return evidence.to_prediction(), None
    except Exception as exc:  # noqa: BLE001 - whatever one record does to the extractor, the rest go on
        return None, f"{type(exc).__name__}: {str(exc)[:300]}"


_WORKER: Any = None


def _worker_extract(inp: ExtractionInput) -> tuple[str, dict[str, Any] | None, str | None]:
    global _WORKER
    if _WORKER is None:
        _WORKER, _ = _extractor()
    return (inp.id, *extract_safely(_WORKER, inp))


class Extracting:
    """Runs the extractor on batches of inputs, in this process or in `jobs` worker processes.

    Use as a context manager (the worker pool lives as long as the block); `run(inputs)` yields
    (input id, prediction or None, failure reason or None) in input order.
    """

    def __init__(self, jobs: int = 1):
        if jobs < 1:
            raise InputError(f"--jobs must be at least 1; got {jobs}. Use 1 for one process.")
        self.jobs = jobs
        self.extractor, self.version = _extractor()
        self._pool = None

    def __enter__(self) -> "Extracting":
        if self.jobs > 1:
            from multiprocessing import get_context

            self._pool = get_context("spawn").Pool(self.jobs)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._pool is not None:
            self._pool.terminate() if exc[0] is not None else self._pool.close()
            self._pool.join()

    def run(self, inputs: Sequence[ExtractionInput]) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
        if self._pool is None:
            for inp in inputs:
                yield (inp.id, *extract_safely(self.extractor, inp))
            return
        yield from self._pool.imap(_worker_extract, inputs, chunksize=max(1, len(inputs) // (4 * self.jobs)))


#: Publication types that mark a trial-registry record (ClinicalTrials.gov's own, and CENTRAL's copies).
REGISTRY_TYPES = frozenset({"clinical trial registration", "trial registry record", "registry record",
                            "clinical trial protocol registration"})
#: CENTRAL's registry abstracts label their fields: "CONDITION: rheumatoid arthritis. INTERVENTION: ..."
_LABELLED = re.compile(r"\b(CONDITIONS?|INTERVENTIONS?)\s*:\s*(.+?)(?=\s*\b[A-Z][A-Z ]{3,}:|$)", re.S)


def is_registry_record(record: Record) -> bool:
    """True for a trial-registry record: a registry's structured fields, or a registry publication type."""
    return bool(record.registry) or any(p.strip().lower() in REGISTRY_TYPES for p in record.publication_types)


def registry_fields(record: Record, abstract: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return a registry record's (conditions, interventions): the registry's structured fields, else the
    labelled CONDITION: / INTERVENTION: parts of its summary, else (for conditions) its keywords."""
    registry = record.registry or {}
    conditions = [str(c) for c in registry.get("conditions") or () if c]
    interventions = [str(i.get("name") if isinstance(i, Mapping) else i) for i in registry.get("interventions") or ()
                     if i]
    for label, text in _LABELLED.findall(abstract or ""):
        (conditions if label.startswith("CONDITION") else interventions).append(" ".join(text.split()).rstrip("."))
    if not conditions:
        conditions = [k for k in record.keywords if k]
    return tuple(dict.fromkeys(conditions)), tuple(dict.fromkeys(interventions))


def record_input(record_id: str, record: Record, full_text_xml: str | None = None) -> ExtractionInput:
    """Return the extractor's input for a stored record (its abstract joined from sections if needed);
    a trial-registry record carries record_type "registry" and its conditions and interventions."""
    from extract.evidence import ExtractionInput

    abstract = record.abstract or "\n".join(f"{s.label}\n{s.text}" if s.label else s.text
                                            for s in record.abstract_sections)
    extra: dict[str, Any] = {}
    if is_registry_record(record):
        conditions, interventions = registry_fields(record, abstract)
        extra = {"record_type": "registry", "conditions": conditions, "interventions": interventions}
    return ExtractionInput(id=record_id, title=record.title, abstract=abstract, full_text_xml=full_text_xml or None,
                           publication_types=tuple(record.publication_types), mesh_terms=tuple(record.mesh_terms),
                           **extra)


def run_extract(review: Review, *, force: bool = False, jobs: int = 1, progress: Progress | None = None,
                store: Store | None = None) -> ExtractSummary:
    """Extract every record of the review's store that needs it (all with `force`); returns the counts.

    A record needs extraction when it has none, or one made by another extractor version (a record
    whose fields or full text changed has lost its extraction in the store); a record the extractor
    failed on is retried only when it or the extractor version changed. Each batch of STORE_BATCH
    records is read, extracted and stored in one transaction, and an extraction is stored only if
    its record is unchanged since it was read (else the record is read and extracted again, up to
    STALE_ROUNDS times, then left for the next run). One record the extractor cannot read (too
    large, or any exception) is recorded as failed with its reason; the others go on.
    `store`: the command's open store (else the review's is opened).
    """
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review) as own:
            return run_extract(review, force=force, jobs=jobs, progress=progress, store=own)
    from corpus.store import ExtractionOutcome, summary_text

    with Extracting(jobs) as extracting:
        version = extracting.version
        versions = store.extraction_versions()
        all_ids = store.record_ids()
        todo = all_ids if force else store.record_ids_needing_extraction(version)
        due = set(todo)
        failed_before = 0 if force else sum(1 for f in store.extraction_failures() if f["current"] and
                                            f["extractor_version"] == version and f["record_id"] not in due)
        store.start_run("extract --force" if force else "extract")
        done = failed = 0
        new_ids: set[str] = set()
        failures: list[tuple[str, str]] = []
        pending = list(todo)
        try:
            if progress:
                progress(0, len(todo))
            for _ in range(STALE_ROUNDS):
                stale: list[str] = []
                size = STORE_BATCH * jobs
                for start in range(0, len(pending), size):
                    read = list(store.extraction_inputs(pending[start:start + size]))
                    inputs = [record_input(s.id, s.record, xml) for s, xml, _ in read]
                    outcomes = []
                    for (stored, _, fingerprint), (_, prediction, reason) in zip(read, extracting.run(inputs)):
                        evidence = summary = None
                        if prediction is not None:
                            evidence = json.dumps(prediction, ensure_ascii=False, sort_keys=True)
                            summary = summary_text(prediction)
                        outcomes.append(ExtractionOutcome(stored.id, version, fingerprint, evidence, reason, summary))
                    result = store.save_extractions(outcomes)
                    done += result.stored
                    failed += result.failed
                    stale += result.stale
                    gone = set(result.stale)
                    new_ids.update(o.record_id for o in outcomes if o.evidence_json is not None
                                   and o.record_id not in gone and o.record_id not in versions)
                    failures += [(o.record_id, o.failure or "") for o in outcomes
                                 if o.evidence_json is None and o.record_id not in gone]
                    if progress:
                        progress(done + failed, len(todo))
                pending = stale
                if not pending:
                    break
        except BaseException:
            store.finish_run("failed", {"extracted": done, "failed": failed})
            raise
        summary = ExtractSummary(extracted=done, new=len(new_ids), re_extracted=done - len(new_ids),
                                 up_to_date=len(all_ids) - len(todo) - failed_before,
                                 included=store.count_included(version), version=version, failed=failed,
                                 changed_meanwhile=len(pending), failures=tuple(failures), failed_before=failed_before)
        store.finish_run("ok", summary.to_dict())
    return summary


def extract_file(input_path: str | Path, output: str | Path, *, jobs: int = 1,
                 progress: Progress | None = None) -> ExtractFileSummary:
    """Extract every record of a standalone input file into a prediction JSONL file; returns the counts.

    `output` "-" writes to standard output. A file is written to a temporary file in the same
    folder and renamed only when complete, so a failure leaves no partial file. Raises InputError
    for an unreadable input (naming the file and line) and ExtractionError naming the record the
    extractor failed on (too large, or an exception).
    """
    inputs, fmt = read_inputs(input_path)
    counts = {"extracted": 0, "included": 0}

    def lines(extracting: Extracting) -> Iterator[str]:
        if progress:
            progress(0, len(inputs))
        for start in range(0, len(inputs), STORE_BATCH * extracting.jobs):
            for record_id, prediction, reason in extracting.run(inputs[start:start + STORE_BATCH * extracting.jobs]):
                if prediction is None:
                    raise ExtractionError(f"the extractor failed on record {record_id!r} ({reason}); no output was "
                                          "written. Remove or fix that record of the file and run again.")
                counts["extracted"] += 1
                counts["included"] += bool(prediction.get("include"))
                if progress:
                    progress(counts["extracted"], len(inputs))
                yield json.dumps(prediction, ensure_ascii=False) + "\n"

    if str(output) != "-" and Path(output).resolve() == Path(input_path).resolve():
        raise InputError(f"{output}: the output file is the input file; choose another --output name.")
    with Extracting(jobs) as extracting:
        if str(output) == "-":
            for line in lines(extracting):
                sys.stdout.write(line)
            sys.stdout.flush()
        else:
            with atomic_output(output, "w") as fh:
                fh.writelines(lines(extracting))
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

    On an error (or an interrupt) the temporary file is removed and `path` is left as it was; one
    left by a killed process (`.{name}.{pid}.{random}.part`) is removed by the next write of `path`.
    Raises InputError when the folder does not exist or is not writable.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: the folder {folder} does not exist; create it or choose another output path.")
    from trialsynth.tempfiles import part_prefix, remove, stale_siblings

    remove(stale_siblings(path))  # left by a killed run
    try:
        fd, tmp = tempfile.mkstemp(prefix=part_prefix(path), suffix=".part", dir=folder)
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
    text = decode_utf8(path, data)
    check_json_escapes(path, text)
    try:
        return _read_jsonl(path, text)
    except RecursionError:
        raise InputError(f"{path}: a line is nested too deeply to read (JSON nested thousands of levels); it is "
                         f"not a record. Expected one of: {INPUT_FORMATS}.") from None


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
    text = read_json_text(path, f"Check the path (it is relative to {Path.cwd()}).")
    out = []
    try:
        objects = [(where, obj) for _, where, obj, _ in json_lines(text, str(path), PREDICTION_HINT)]
    except RecursionError:
        raise InputError(f"{path}: a line is nested too deeply to read (JSON nested thousands of levels); it is "
                         "not a prediction. " + PREDICTION_HINT) from None
    for where, obj in objects:
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


_KINDS = {c: "int" for c in _INT_COLUMNS} | {c: "float" for c in _FLOAT_COLUMNS}


def evidence_rows(predictions: Iterable[Mapping[str, Any]], records: Mapping[str, Mapping[str, Any]] | None = None,
                  *, include_all: bool = False) -> list[dict[str, Any]]:
    """Return the evidence table's rows as dicts of TABLE_COLUMNS (ints, floats, strings, None where
    missing, a boolean `include`): what `evidence_table` holds, without pandas. Raises InputError for a
    prediction field of the wrong type."""
    rows = []
    columns = [(c, _KINDS.get(c, "str")) for c in TABLE_COLUMNS if c != "include"]
    for prediction in predictions:
        if not include_all and not prediction.get("include"):
            continue
        for row in table_rows(prediction, (records or {}).get(str(prediction.get("id")))):
            out = {}
            for c, kind in columns:
                value = row.get(c)
                # the common cases inline (a large review has a million cells); the rest checked by _checked
                if value is None or (kind == "str" and type(value) is str) or (kind == "float" and type(value) is float):
                    out[c] = value
                elif kind == "int" and type(value) is int:
                    out[c] = value
                else:
                    out[c] = _checked(row["record_id"], c, value, kind)
            out["include"] = bool(row.get("include"))
            rows.append({c: out[c] for c in TABLE_COLUMNS})
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

    frame = pd.DataFrame(evidence_rows(predictions, records, include_all=include_all), columns=list(TABLE_COLUMNS))
    dtypes = {c: "Int64" for c in _INT_COLUMNS} | {c: "Float64" for c in _FLOAT_COLUMNS} | {"include": "boolean"}
    return frame.astype({c: dtypes.get(c, "string") for c in TABLE_COLUMNS})


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


def write_table(frame: pd.DataFrame, fmt: str, output: str | None, stdout: IO[str] | None = None,
                sheet_name: str = "evidence") -> None:
    """Write the table as csv, xlsx (one sheet, `sheet_name`), parquet or jsonl to `output` (atomically), or
    csv/jsonl to stdout.

    Raises InputError for an unknown format, a binary format without an output file, or a
    missing writer library (naming the package to install).
    """
    if fmt not in ("csv", "xlsx", "parquet", "jsonl"):
        raise InputError(f"unknown table format {fmt!r}; use csv, xlsx, parquet or jsonl.")
    if fmt in ("csv", "xlsx"):
        from trialsynth.cells import safe_frame

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
                frame.to_excel(fh, index=False, sheet_name=sheet_name, engine="openpyxl")
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
