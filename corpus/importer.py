"""Import records from files: one entry point that recognises each supported format by content.

Supported: PubMed EFetch XML (root PubmedArticleSet), Europe PMC search JSON ("resultList", or
result objects saved without it),
ClinicalTrials.gov API v2 JSON ("studies", a single "protocolSection" study, or a list of studies),
RIS exports (Embase, Web of Science, Scopus, Cochrane CENTRAL, ...) and the tool's own JSONL.
Any of them may be gzip-compressed (".gz"). The source parsers are imported when first needed.
"""
from __future__ import annotations

import gzip
import json
import re
import zlib
from pathlib import Path
from typing import Any, NoReturn

from corpus.jsonl import read_jsonl
from corpus.records import Hit
from corpus.ris import parse_ris
from corpus.errors import InputError, MalformedResponseError

SUPPORTED_FORMATS = ("PubMed XML (PubmedArticleSet)", "Europe PMC JSON (resultList)",
                     "ClinicalTrials.gov v2 JSON (studies)", "RIS (.ris)", "trialsynth JSONL (.jsonl)",
                     "any of these gzip-compressed (.gz)")

_RIS_START = re.compile(r"^TY {1,2}-")
_XML_ROOT = re.compile(r"<(?!\?|!)([A-Za-z_][\w.:-]*)")


def import_path(path: str | Path) -> tuple[list[Hit], dict[str, int]]:
    """Return the hits of a file, or of every supported file in a directory, and a count per file.

    A directory is read non-recursively in name order; hidden files, README files and Markdown
    (.md) files are skipped. Raises InputError for a missing path, an unsupported or unreadable
    file (naming it and listing the supported formats) or a malformed one.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory. Check the path (it is relative to "
                         f"the current folder {Path.cwd()}).")
    if path.is_dir():
        files = [p for p in sorted(path.iterdir()) if p.is_file() and not _skipped(p)]
        if not files:
            raise InputError(f"{path}: the folder holds no file to import. Supported formats: "
                             f"{', '.join(SUPPORTED_FORMATS)}.")
    else:
        files = [path]
    hits: list[Hit] = []
    counts: dict[str, int] = {}
    for file in files:
        found = import_file(file)
        hits += found
        counts[str(file)] = len(found)
    return hits, counts


def _skipped(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(".") or name.startswith("readme") or name.endswith(".md")


def import_file(path: Path) -> list[Hit]:
    """Return the hits of one file, its format detected from its content. Raises InputError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    name = path.name.lower()
    if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{path}: is not a valid gzip file ({exc}); the download may be "
                             "truncated. Download it again or decompress it by hand.") from exc
        name = name.removesuffix(".gz")
    try:
        return _dispatch(path, name, data)
    except MalformedResponseError as exc:
        raise InputError(f"{path}: {exc}. Re-export or re-download the file.") from exc


def _dispatch(path: Path, name: str, data: bytes) -> list[Hit]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data.lstrip()[:1] == b"<":  # XML may declare another encoding: let the parser decode
            text = data.decode("latin-1")
        else:
            raise InputError(f"{path}: is not UTF-8 text ({exc}). Save it as UTF-8; supported "
                             f"formats: {', '.join(SUPPORTED_FORMATS)}.") from exc
    head = text.lstrip()
    if not head:
        raise InputError(f"{path}: the file is empty. Supported formats: {', '.join(SUPPORTED_FORMATS)}.")
    origin = str(path)
    if head.startswith("<"):
        root = _xml_root(head)
        if root == "PubmedArticleSet":
            from corpus.pubmed import parse_pubmed_xml
            return parse_pubmed_xml(data)
        _unsupported(path, f"XML with root <{root}>" if root else "XML without a root element")
    if _RIS_START.match(head) or (name.endswith(".ris") and re.search(r"(?m)^TY {1,2}-", text)):
        return parse_ris(text, origin=origin)
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        return read_jsonl(text, origin=origin)
    if head[0] in "{[":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            if name.endswith(".json"):
                raise InputError(f"{path}: is not valid JSON ({exc}); the download may be truncated. "
                                 "Download or export it again.") from exc
            if head[0] == "{" and "\n" in head.strip():  # several objects, one per line
                return read_jsonl(text, origin=origin)
            _unsupported(path, "text that is neither JSON nor JSONL")
        return _dispatch_json(path, obj, text)
    _unsupported(path, f"text starting {head[:30]!r}")


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
