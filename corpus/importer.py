"""Import records from files: one entry point that recognises each supported format by content.

Supported: PubMed EFetch XML (root PubmedArticleSet), Europe PMC search JSON ("resultList", or
result objects saved without it),
ClinicalTrials.gov API v2 JSON ("studies", a single "protocolSection" study, or a list of studies),
RIS exports (Embase, Web of Science, Scopus, Cochrane CENTRAL, ...) and the tool's own JSONL.
Any of them may be gzip-compressed (".gz"). The source parsers are imported when first needed.

Files are read as streams: RIS and JSONL line by line, PubMed XML article by article, so memory
stays that of one record whatever the file's size (`iter_path`; `corpus.harvest.import_files`
stores them batch by batch). Only a JSON document (Europe PMC, ClinicalTrials.gov) is read whole.
`ImportLimits` caps what is read, each limit named in the error that reports it: a file's size
(as stored and unpacked), a JSON document's size, one record's size and the records of one import.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator, NoReturn

from corpus.errors import InputError, MalformedResponseError
from corpus.jsonl import iter_jsonl, read_jsonl
from corpus.jsontext import JsonTextError, load_json
from corpus.records import Hit
from corpus.ris import iter_ris

SUPPORTED_FORMATS = ("PubMed XML (PubmedArticleSet)", "Europe PMC JSON (resultList)",
                     "ClinicalTrials.gov v2 JSON (studies)", "RIS (.ris)", "trialsynth JSONL (.jsonl)",
                     "any of these gzip-compressed (.gz)")

_RIS_START = re.compile(r"^TY {1,2}-")
_XML_ROOT = re.compile(r"<(?!\?|!)([A-Za-z_][\w.:-]*)")
_MB = 1024 * 1024
_HEAD = 64 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """What one import reads at most. Generous for real exports, small enough to keep memory safe.

    `max_file_bytes`: one file, as stored and (for .gz) unpacked (2 GB); `max_document_bytes`: a
    JSON document, read whole (200 MB); `max_record_bytes`: one record (a RIS record, a JSONL
    line, a PubMed article: 16 MB); `max_records`: the records of one import (2,000,000).
    """

    max_file_bytes: int = 2048 * _MB
    max_document_bytes: int = 200 * _MB
    max_record_bytes: int = 16 * _MB
    max_records: int = 2_000_000

    @classmethod
    def from_mb(cls, *, max_file_mb: float | None = None, max_document_mb: float | None = None,
                max_record_mb: float | None = None, max_records: int | None = None) -> "ImportLimits":
        """Limits from megabytes (the units review.toml uses); None keeps a default."""
        default = cls()
        return cls(max_file_bytes=int(max_file_mb * _MB) if max_file_mb else default.max_file_bytes,
                   max_document_bytes=int(max_document_mb * _MB) if max_document_mb else default.max_document_bytes,
                   max_record_bytes=int(max_record_mb * _MB) if max_record_mb else default.max_record_bytes,
                   max_records=int(max_records) if max_records else default.max_records)


DEFAULT_LIMITS = ImportLimits()


def _limit(path: Path, what: str, limit: int, setting: str) -> InputError:
    shown = f"{limit / _MB:g} MB" if limit >= _MB else f"{limit} bytes"
    return InputError(f"{path}: {what} is larger than the import limit of {shown} ({setting}). If the file is "
                      f"right, raise {setting} in review.toml's [import] table (or split the file).")


def import_path(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> tuple[list[Hit], dict[str, int]]:
    """Return the hits of a file, or of every supported file in a directory, and a count per file.

    A directory is read non-recursively in name order; hidden files, README files and Markdown
    (.md) files are skipped. Raises InputError for a missing path, an unsupported or unreadable
    file (naming it and listing the supported formats), a malformed one, or one over `limits`.
    For large files, `iter_path` (or `corpus.harvest.import_files`) does not hold every hit at once.
    """
    hits: list[Hit] = []
    counts = {str(p): 0 for p in files_to_import(Path(path))}
    for file, hit in iter_path(path, limits):
        hits.append(hit)
        counts[str(file)] += 1
    return hits, counts


def iter_path(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[tuple[Path, Hit]]:
    """Yield (file, hit) for each record of a file, or of every supported file in a directory, as read.

    Raises InputError as `import_path` does, when met (the hits before it were yielded), and when
    the import holds more than `limits.max_records` records.
    """
    count = 0
    for file in files_to_import(Path(path)):
        for hit in iter_file(file, limits):
            count += 1
            if count > limits.max_records:
                raise InputError(f"{file}: the import holds more than {limits.max_records} records, the import "
                                 f"limit (max_records). If the files are right, raise max_records in review.toml's "
                                 "[import] table, or import them in parts.")
            yield file, hit


def files_to_import(path: Path) -> list[Path]:
    """The file `path`, or the importable files of the folder `path` in name order. Raises InputError."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory. Check the path (it is relative to "
                         f"the current folder {Path.cwd()}).")
    if not path.is_dir():
        return [path]
    files = [p for p in sorted(path.iterdir()) if p.is_file() and not _skipped(p)]
    if not files:
        raise InputError(f"{path}: the folder holds no file to import. Supported formats: "
                         f"{', '.join(SUPPORTED_FORMATS)}.")
    return files


def _skipped(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(".") or name.startswith("readme") or name.endswith(".md")


def import_file(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> list[Hit]:
    """Return the hits of one file, its format detected from its content. Raises InputError."""
    return list(iter_file(Path(path), limits))


class _CappedReader(io.RawIOBase):
    """A binary stream that stops with InputError past `limit` bytes, and reports gzip damage as InputError."""

    def __init__(self, stream: BinaryIO, limit: int, path: Path, packed: bool):
        self._stream, self._limit, self._path, self._packed = stream, limit, path, packed
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._stream.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            if not self._packed:
                raise InputError(f"{self._path}: cannot be read ({getattr(exc, 'strerror', None) or exc}).") from exc
            raise InputError(f"{self._path}: is not a valid gzip file ({exc}); the download may be truncated. "
                             "Download it again or decompress it by hand.") from exc
        self.read_bytes += len(data)
        if self.read_bytes > self._limit:
            raise _limit(self._path, "the unpacked file" if self._packed else "the file", self._limit, "max_file_mb")
        buffer[:len(data)] = data
        return len(data)


def iter_file(path: Path, limits: ImportLimits = DEFAULT_LIMITS) -> Iterator[Hit]:
    """Yield the hits of one file as it is read, its format detected from its content. Raises InputError."""
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    with handle:
        if size > limits.max_file_bytes:
            raise _limit(path, "the file", limits.max_file_bytes, "max_file_mb")
        packed = path.name.lower().endswith(".gz") or handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        stream = gzip.GzipFile(fileobj=handle, mode="rb") if packed else handle
        reader = io.BufferedReader(_CappedReader(stream, limits.max_file_bytes, path, packed), _HEAD)
        name = path.name.lower().removesuffix(".gz") if packed else path.name.lower()
        try:
            yield from _dispatch(path, name, reader, limits)
        except MalformedResponseError as exc:
            raise InputError(f"{path}: {exc}. Re-export or re-download the file.") from exc


def _lines(path: Path, reader: io.BufferedReader, limit: int) -> Iterator[str]:
    """The text lines of a stream (without line ends), UTF-8 (a BOM dropped), each at most `limit` characters."""
    text = io.TextIOWrapper(reader, encoding="utf-8-sig", errors="strict", newline=None)
    number = 0
    while True:
        try:
            line = text.readline(limit + 1)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} line {number + 1}: is not UTF-8 text ({exc.reason} at byte "
                             f"{exc.start} of the line's block). Save the file as UTF-8; supported formats: "
                             f"{', '.join(SUPPORTED_FORMATS)}.") from exc
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            raise InputError(f"{path} line {number}: the line is longer than the limit of {limit} characters for "
                             "one record (max_record_mb); it is not a record. Fix the file, or raise max_record_mb "
                             "in review.toml's [import] table.")
        yield line.rstrip("\n")


def _dispatch(path: Path, name: str, reader: io.BufferedReader, limits: ImportLimits) -> Iterator[Hit]:
    head_bytes = reader.peek(_HEAD)[:_HEAD]
    head = head_bytes.decode("utf-8", "ignore").lstrip("\ufeff").lstrip()
    if not head:
        if len(head_bytes) < _HEAD:  # nothing but blank space
            raise InputError(f"{path}: the file is empty. Supported formats: {', '.join(SUPPORTED_FORMATS)}.")
        _unsupported(path, "text starting with blank space only")
    origin = str(path)
    if head.startswith("<"):
        root = _xml_root(head)
        if root == "PubmedArticleSet" or root == "eFetchResult":
            from corpus.pubmed import iter_pubmed_xml
            yield from iter_pubmed_xml(reader, max_record_bytes=limits.max_record_bytes)
            return
        _unsupported(path, f"XML with root <{root}>" if root else "XML without a root element")
    if _RIS_START.match(head) or (name.endswith(".ris") and re.search(r"(?m)^TY {1,2}-", head)):
        yield from iter_ris(_lines(path, reader, limits.max_record_bytes), origin,
                            max_record_chars=limits.max_record_bytes)
        return
    if name.endswith(".jsonl") or name.endswith(".ndjson") or _looks_like_jsonl(head):
        yield from iter_jsonl(_lines(path, reader, limits.max_record_bytes), origin)
        return
    if head[0] in "{[":
        data = reader.read(limits.max_document_bytes + 1)
        if len(data) > limits.max_document_bytes:
            raise _limit(path, "the JSON document (read whole)", limits.max_document_bytes, "max_document_mb")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: is not UTF-8 text ({exc}). Save it as UTF-8; supported "
                             f"formats: {', '.join(SUPPORTED_FORMATS)}.") from exc
        try:
            obj = load_json(text)
        except JsonTextError as exc:
            if name.endswith(".json"):
                raise InputError(f"{path}: is not valid JSON ({exc}); the download may be truncated. "
                                 "Download or export it again.") from exc
            _unsupported(path, "text that is neither JSON nor JSONL")
        yield from _dispatch_json(path, obj, text)
        return
    _unsupported(path, f"text starting {head[:30]!r}")


def _looks_like_jsonl(head: str) -> bool:
    """Several JSON objects, one per line: the first line is a whole object and another line follows."""
    first, newline, rest = head.partition("\n")
    if not (first.strip().startswith("{") and newline and rest.strip()):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _dispatch_json(path: Path, obj: Any, text: str) -> list[Hit]:
    if isinstance(obj, dict) and "resultList" in obj:
        from corpus.europepmc import parse_europepmc_json
        return parse_europepmc_json(text)
    if _is_europepmc_result(obj) or (isinstance(obj, list) and obj and all(map(_is_europepmc_result, obj))):
        from corpus.europepmc import parse_europepmc_json  # result objects saved without the envelope
        results = obj if isinstance(obj, list) else [obj]
        return parse_europepmc_json(json.dumps({"resultList": {"result": results}}))
    if _is_ctgov(obj):
        from corpus.ctgov import parse_ctgov_json
        return parse_ctgov_json(text)
    if isinstance(obj, dict) and "id" in obj:  # a JSONL file of one line
        return read_jsonl(text, origin=str(path))
    shape = f"a JSON object with keys {sorted(obj)[:6]}" if isinstance(obj, dict) else \
        f"a JSON {type(obj).__name__}"
    _unsupported(path, shape)


def _is_europepmc_result(obj: Any) -> bool:
    return (isinstance(obj, dict) and "id" in obj and isinstance(obj.get("source"), str)
            and bool(re.fullmatch(r"[A-Z]{3}", obj["source"]))
            and any(k in obj for k in ("pubYear", "authorString", "journalInfo", "firstIndexDate")))


def _is_ctgov(obj: Any) -> bool:
    if isinstance(obj, dict):
        return "studies" in obj or "protocolSection" in obj
    return (isinstance(obj, list) and bool(obj)
            and all(isinstance(item, dict) and "protocolSection" in item for item in obj))


def _xml_root(text: str) -> str | None:
    body = re.sub(r"<!--.*?-->", "", text[:20000], flags=re.DOTALL)
    body = re.sub(r"<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", "", body, flags=re.DOTALL)
    match = _XML_ROOT.search(body)
    return match.group(1) if match else None


def _unsupported(path: Path, what: str) -> NoReturn:
    raise InputError(f"{path}: unsupported format ({what}). Supported formats: "
                     f"{', '.join(SUPPORTED_FORMATS)}. Export the records in one of these.")
