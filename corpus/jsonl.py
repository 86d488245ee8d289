"""The tool's own JSONL format: one JSON object per line, one study record per object.

`write_jsonl` exports stored records (`StoredRecord.to_dict()`: id, sources, hits, then the
`Record` fields); `read_jsonl` reads that export back, and also minimal hand-made lines such as
`{"id": "x1", "title": "...", "abstract": "..."}` or lines with flat "pmid"/"doi"/"pmcid"/"nct"
keys instead of an "ids" object.
"""
from __future__ import annotations

import dataclasses
import json
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator, NamedTuple

from corpus.errors import InputError
from corpus.jsontext import JsonTextError, load_json
from corpus.records import Hit, Record

PARSER_VERSION = "jsonl-2"  # 2: record_type

if TYPE_CHECKING:
    from corpus.store import StoredRecord

_ID_KEYS = ("pmid", "doi", "pmcid", "nct")


RECORD_LINE_HINT = ("Each line must be one JSON object such as {\"id\": \"x1\", \"title\": \"...\", "
                    "\"abstract\": \"...\"}; fix or remove the line.")


class JsonLine(NamedTuple):
    number: int  # 1-based line number
    where: str  # "<origin> line N", for messages
    obj: dict[str, Any]
    line: str  # the line as written


def json_lines(text: str, origin: str, hint: str = RECORD_LINE_HINT) -> Iterator[JsonLine]:
    """One JsonLine for each non-blank line of a JSON Lines text.

    Raises InputError naming the origin and line for a line that is not JSON or not a JSON object;
    `hint` (how to fix it) ends the message. A lone surrogate escape ("\\ud83d") is read as U+FFFD.
    """
    return iter_json_lines(text.lstrip("\ufeff").splitlines(), origin, hint)


def iter_json_lines(lines: Iterable[str], origin: str, hint: str = RECORD_LINE_HINT) -> Iterator[JsonLine]:
    """`json_lines` over lines read one by one (a file of any size); lines without their line ends."""
    for number, line in enumerate(lines, start=1):
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        where = f"{origin} line {number}"
        try:
            obj = load_json(line)
        except JsonTextError as exc:
            cause = exc.__cause__
            detail = f"{cause.msg} at column {cause.colno}" if isinstance(cause, json.JSONDecodeError) else str(exc)
            raise InputError(f"{where}: not valid JSON ({detail}). {hint}") from exc
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(obj).__name__}. {hint}")
        yield JsonLine(number, where, obj, line)


def read_jsonl(text: str, origin: str = "<string>") -> list[Hit]:
    """Return one Hit (source "jsonl", source_id the line's "id") per non-blank line.

    A top-level "note" is kept in `Record.note`. Raises InputError naming `origin` and the line
    number for a line that is not a JSON object, has no "id", or has a field of the wrong type.
    """
    return list(iter_jsonl(text.lstrip("\ufeff").splitlines(), origin))


def iter_jsonl(lines: Iterable[str], origin: str = "<string>") -> Iterator[Hit]:
    """Yield the Hits of JSONL lines read one by one (a file of any size), as `read_jsonl` does."""
    for _, where, obj, line in iter_json_lines(lines, origin):
        if obj.get("id") in (None, ""):
            raise InputError(f"{where}: the record has no \"id\"; add one (any string unique in "
                             "the file, e.g. the PMID).")
        try:
            record = Record.from_dict(_with_ids(obj))
        except (TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{where}: a field has the wrong type ({exc}). Compare the line with "
                             "an export of `write_jsonl` and fix the value.") from exc
        record = dataclasses.replace(record, source="jsonl", source_id=str(obj["id"]))
        yield Hit(record=record, raw=line, raw_format="jsonl")


def _with_ids(obj: dict[str, Any]) -> dict[str, Any]:
    """Return `obj` with flat top-level identifier keys folded into its "ids" object."""
    ids = obj.get("ids")
    if ids is not None and not isinstance(ids, dict):
        raise TypeError(f"\"ids\" must be an object, got {type(ids).__name__}")
    merged = dict(ids or {})
    for key in _ID_KEYS:
        if obj.get(key) not in (None, "", []) and merged.get(key) in (None, "", []):
            merged[key] = obj[key]
    return {**obj, "ids": merged}


def write_jsonl(stored_records: Iterable[StoredRecord], fh: IO[str]) -> int:
    """Write one JSON line per stored record (keys sorted, UTF-8 kept) to `fh`; return the count."""
    count = 0
    for stored in stored_records:
        fh.write(json.dumps(stored.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
