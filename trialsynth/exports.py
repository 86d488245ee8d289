"""Exports of a review: the evidence table, the included references, and results as JSON.

- The evidence table (CSV or XLSX) of the included studies, with the review's corrections applied
  (`trialsynth.extraction.evidence_table` / `write_table`).
- The included references as RIS (`to_ris`; Zotero, EndNote, Mendeley, RevMan) and BibTeX
  (`to_bibtex`), from the store's merged records.
- Any result object with `to_dict()` (or a plain dict or list) as JSON (`write_json`).

Which records are included is the effective screening (`trialsynth.screening.effective_screening`):
a reviewer's decision wins over the extractor's. Every file is written atomically (a temporary
file renamed into place), so an interrupted export leaves the previous file as it was.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from corpus.ris import page_range
from trialsynth.cells import FORMULA_START, safe_cell, safe_frame, strip_control  # noqa: F401 (re-exported)
from trialsynth.errors import InputError

if TYPE_CHECKING:
    from corpus.records import Record
    from corpus.store import Store
    from trialsynth.review import Review
    from trialsynth.view import ReviewView

#: Export formats and the file each writes in the output folder.
EXPORT_FILES: dict[str, str] = {"csv": "evidence.csv", "xlsx": "evidence.xlsx", "ris": "included.ris",
                                "bibtex": "included.bib", "json": "review.json"}
FORMAT_SUFFIXES: dict[str, str] = {".csv": "csv", ".xlsx": "xlsx", ".ris": "ris", ".bib": "bibtex",
                                   ".bibtex": "bibtex", ".json": "json"}
EXPORT_FOLDER = "exports"


# --- which records -----------------------------------------------------------------------------

def included_records(store: Store, effective: Mapping[str, tuple[bool, Any, Any]]) -> list[Record]:
    """Return the stored records that the effective screening includes, by record id.

    `effective` is `effective_screening(...)` output ({record_id: (include, reason, decided_by)});
    records it does not mention are left out.
    """
    out = []
    for stored in store.records():
        decision = effective.get(stored.id)
        if decision is not None and decision[0]:
            out.append(stored.record)
    return out


# --- RIS ---------------------------------------------------------------------------------------

def _one_line(text: str | None) -> str:
    return " ".join(strip_control(text or "").split())


def _abstract(record: Record) -> str:
    if record.abstract:
        return _one_line(record.abstract)
    return _one_line(" ".join(f"{s.label}: {s.text}" if s.label else s.text for s in record.abstract_sections))


_SURNAME_INITIALS = re.compile(r"^(?P<surname>.+?)\s+(?P<initials>[A-Z]{1,4}|(?:[A-Z]\.){1,4})$")


def _split_author(name: str) -> tuple[str, str] | None:
    """Return (surname, given initials "L. X.") of "Wang LX" / "Wang, Lei" spellings, or None (a group name)."""
    name = _one_line(name).strip(" ,;")
    if "," in name:
        surname, given = (part.strip() for part in name.split(",", 1))
        return (surname, given) if surname else None
    match = _SURNAME_INITIALS.match(name)
    if match:
        letters = match.group("initials").replace(".", "")
        return match.group("surname"), " ".join(f"{c}." for c in letters)
    return None


def _ris_author(name: str) -> str:
    parts = _split_author(name)
    return f"{parts[0]}, {parts[1]}" if parts else _one_line(name)


def _links(record: Record) -> list[str]:
    ids = record.ids
    links = []
    if ids.pmid:
        links.append(f"https://pubmed.ncbi.nlm.nih.gov/{ids.pmid}/")
    if ids.doi:
        links.append(f"https://doi.org/{ids.doi}")
    if ids.pmcid:
        links.append(f"https://www.ncbi.nlm.nih.gov/pmc/articles/{ids.pmcid}/")
    links += [f"https://clinicaltrials.gov/study/{n}" for n in ids.nct]
    return links


def _is_registry_entry(record: Record) -> bool:
    return bool(record.registry) and not record.journal and not record.ids.pmid and not record.ids.doi


def ris_entry(record: Record) -> dict[str, Any]:
    """The rispy entry of a record: corpus.ris.ris_entry (the fields `parse_ris`, EndNote and Zotero read
    back) plus what reference managers and RevMan look for: authors as "Li, X. Y.", the journal again as T2, the PMID in AN
    with "DB - PubMed" (how PubMed's own exports carry it), a structured abstract's sections as one
    abstract, and TY ELEC only for a register entry without a publication."""
    from corpus.ris import ris_entry as corpus_entry

    entry: dict[str, Any] = dict(corpus_entry(record))
    entry["type_of_reference"] = "ELEC" if _is_registry_entry(record) else (
        entry["type_of_reference"] if entry["type_of_reference"] != "ELEC" else "JOUR")
    authors = [_ris_author(a) for a in record.authors if _one_line(a)]  # "Li, X. Y." as EndNote writes it
    if authors:
        entry["authors"] = authors
    if record.journal:
        entry["secondary_title"] = entry["journal_name"]
    if record.ids.pmid:
        entry["accession_number"], entry["name_of_database"] = record.ids.pmid, "PubMed"
    if "abstract" not in entry and _abstract(record):
        entry["abstract"] = _abstract(record)
    return entry


def to_ris(records: Iterable[Record]) -> str:
    """Return the records as RIS, written by rispy: TY, TI, AU (one per author), PY, DA, JO/T2, VL, IS, SP/EP,
    DO, AN (PMID), DB, UR, AB, LA, N1, ER.

    Journal articles are TY JOUR; a ClinicalTrials.gov entry with no publication is TY ELEC.
    The PMID goes in AN with "DB - PubMed" (how PubMed's own exports carry it) and again in a
    note ("PMID: ..."), PMCID and NCT ids in notes. Values are single lines (newlines collapsed).
    """
    from corpus.ris import dumps_ris

    return dumps_ris(records, ris_entry)


# --- BibTeX ------------------------------------------------------------------------------------

#: LaTeX for the ASCII characters BibTeX and LaTeX treat specially, in forms a LaTeX-to-Unicode reader
#: (pylatexenc, as bibtexparser and reference managers decode) turns back into the character.
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
                  "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "<": r"{$<$}",
                  ">": r"{$>$}"}
#: Braces that do not nest (BibTeX counts "\{" as a brace too) become text commands, so the field's
#: own braces stay balanced.
_UNBALANCED_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
#: The project's own superscripts ("10^7", "CD4^+", from <sup> in the source) as LaTeX superscripts.
_SUPERSCRIPT = re.compile(r"\^([0-9+\-]+)")
#: Where this project writes a character otherwise than pylatexenc: dashes the BibTeX way, × as math.
_LATEX_OVERRIDES = {"×": r"{$\times$}", "–": "--", "—": "---", "‐": "-", "‑": "-", "‒": "-", "−": "-",
                    "\u2009": " ", "\u202f": " "}
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
_ENSUREMATH = re.compile(r"\{\\ensuremath\{((?:[^{}]|\{[^{}]*\})*)\}\}")


@lru_cache(maxsize=1)
def _latex_encoder():
    from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

    rules = [UnicodeToLatexConversionRule(rule_type=RULE_DICT, rule={ord(k): v for k, v in _LATEX_OVERRIDES.items()}),
             "defaults"]
    return UnicodeToLatexEncoder(conversion_rules=rules, non_ascii_only=True,
                                 replacement_latex_protection="braces-almost-all", unknown_char_policy="keep",
                                 unknown_char_warning=False)


def latex_escape(text: str) -> str:
    """Return `text` safe inside a BibTeX field: specials escaped, accents and symbols as LaTeX.

    &, %, $, #, _ and nesting braces get a backslash; braces that do not nest, backslash, ~ and a
    lone ^ become text commands (so the field's braces stay balanced); < and > are math; the
    project's superscripts ("10^7") are LaTeX superscripts. Every other character outside ASCII goes through pylatexenc (accented letters
    as {\\"o}, {\\'A}; symbols as text commands; math symbols as {$\\pm$}); a character LaTeX has no
    name for is kept as UTF-8 (read by biber, BibTeX 8-bit and Zotero).
    """
    text = _one_line(text)
    specials = _LATEX_SPECIAL if _braces_nest(text) else {**_LATEX_SPECIAL, **_UNBALANCED_BRACES}
    out = []
    for run in _ASCII_RUNS.findall(text):
        if run.isascii():
            pieces = _SUPERSCRIPT.split(run)  # text, exponent, text, ...
            out.append("".join("{$^{" + piece + "}$}" if i % 2 else "".join(specials.get(c, c) for c in piece)
                               for i, piece in enumerate(pieces)))
        else:
            out.append(_ENSUREMATH.sub(r"{$\1$}", _latex_encoder().unicode_to_latex(run)))
    return "".join(out)


def _braces_nest(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _bib_author(name: str) -> str:
    parts = _split_author(name)
    if parts:
        return f"{latex_escape(parts[0])}, {latex_escape(parts[1])}" if parts[1] else latex_escape(parts[0])
    return "{" + latex_escape(name) + "}"  # a group author: one name, never split at "and"


_STOPWORDS = frozenset("a an the of on in for and to with by from at as is are was were be its their into "
                       "versus vs via or after between during under over than".split())


def _key_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def bibtex_key(record: Record) -> str:
    """Return the base citation key: first author's surname, year, first significant title word ("wang2019efficacy")."""
    from corpus.records import author_surname

    surname = _key_word(author_surname(record.authors[0]) or "") if record.authors else ""
    words = [_key_word(w) for w in re.split(r"[\s\-‐/:]+", record.title or "")]
    word = next((w for w in words if w and w not in _STOPWORDS and not w.isdigit()), "")
    return f"{surname or 'noauthor'}{record.year or 'nd'}{word}"


def bibtex_keys(records: Sequence[Record]) -> list[str]:
    """Return unique keys for `records`, in order; keys that clash get a, b, c ... suffixes."""
    bases = [bibtex_key(r) for r in records]
    counts: dict[str, int] = {}
    for b in bases:
        counts[b] = counts.get(b, 0) + 1
    taken = {b for b in bases if counts[b] == 1}
    seen: dict[str, int] = {}
    keys = []
    for base in bases:
        if counts[base] == 1:
            keys.append(base)
            continue
        n = seen.get(base, 0)
        while True:
            suffix = _suffix(n)
            n += 1
            if base + suffix not in taken:
                break
        seen[base] = n
        taken.add(base + suffix)
        keys.append(base + suffix)
    return keys


def _suffix(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def _verbatim(value: str) -> str:
    """Return a URL or DOI for a verbatim field: as is, with unbalanced braces percent-encoded."""
    return value.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


def to_bibtex(records: Sequence[Record]) -> str:
    """Return the records as BibTeX @article entries (title, author, journal, year, volume, number, pages, doi,
    pmid, url, note, abstract).

    Written with bibtexparser 2 (which encloses every value in braces); text fields are escaped with
    `latex_escape`; the title is double-braced so styles keep its capitals; keys are unique
    (`bibtex_keys`). DOIs and URLs are verbatim fields.
    """
    from bibtexparser import BibtexFormat, Library, write_string
    from bibtexparser.model import Entry, Field

    records = list(records)
    entries = []
    for key, record in zip(bibtex_keys(records), records):
        fields: list[tuple[str, str]] = []
        if record.title:
            fields.append(("title", "{" + latex_escape(record.title) + "}"))
        if record.authors:
            fields.append(("author", " and ".join(_bib_author(a) for a in record.authors if _one_line(a))))
        if record.journal:
            fields.append(("journal", latex_escape(record.journal)))
        if record.year:
            fields.append(("year", str(record.year)))
        if record.volume:
            fields.append(("volume", latex_escape(record.volume)))
        if record.issue:
            fields.append(("number", latex_escape(record.issue)))
        first_page, last_page = page_range(record.pages)
        if first_page:
            fields.append(("pages", latex_escape(first_page) + (f"--{latex_escape(last_page)}" if last_page else "")))
        if record.ids.doi:
            fields.append(("doi", _verbatim(record.ids.doi)))
        if record.ids.pmid:
            fields.append(("pmid", record.ids.pmid))
        if record.ids.pmcid:
            fields.append(("pmcid", record.ids.pmcid))
        links = _links(record)
        if links:
            fields.append(("url", _verbatim(links[0])))
        notes = [f"PMID: {record.ids.pmid}"] if record.ids.pmid else []
        notes += [f"Trial registration: {n}" for n in record.ids.nct]
        if notes:
            fields.append(("note", latex_escape("; ".join(notes))))
        if _abstract(record):
            fields.append(("abstract", latex_escape(_abstract(record))))
        kind = "misc" if _is_registry_entry(record) else "article"
        entries.append(Entry(kind, key, [Field(name, value) for name, value in fields]))
    if not entries:
        return ""
    library = Library(entries)
    layout = BibtexFormat()
    layout.indent, layout.block_separator = "  ", "\n"
    return write_string(library, bibtex_format=layout)  # bibtexparser encloses each value in braces


# --- JSON --------------------------------------------------------------------------------------

def _jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return _jsonable(value.to_dict())
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    return value


def write_json(obj: Any, path: str | Path) -> Path:
    """Write `obj` (anything with `to_dict()`, or a dict/list of such) as indented UTF-8 JSON, atomically.

    NaN and infinities become null (JSON has neither). Returns the path. Raises InputError when
    the folder does not exist or a value is not JSON (naming its type).
    """
    from trialsynth.extraction import atomic_output

    try:
        text = json.dumps(_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot write {path} as JSON: {exc}. Pass an object with to_dict() or plain data.") from exc
    with atomic_output(path, "w") as fh:
        fh.write(text + "\n")
    return Path(path)


# --- the review's exports ----------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewExport:
    """The review as JSON: every record's effective screening and the included studies' corrected evidence."""

    title: str
    screening: tuple[dict[str, Any], ...]
    studies: tuple[dict[str, Any], ...]
    corrections_file: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "corrections_file": self.corrections_file,
                "screening": list(self.screening), "studies": list(self.studies)}


def review_export(review: Review, view: ReviewView | None = None) -> ReviewExport:
    """Return the review's JSON export: effective screening of every record, included studies' evidence."""
    from trialsynth.view import load_view

    view = view or load_view(review)
    screening = tuple({"record_id": rid, "include": inc, "reason": reason, "decided_by": by}
                      for rid, (inc, reason, by) in sorted(view.screening.items()) if rid in view.records)
    studies = []
    for rid in view.included:
        r = view.records[rid]
        studies.append({"record_id": rid, "title": r.title, "authors": list(r.authors), "journal": r.journal,
                        "year": r.year, "pmid": r.ids.pmid, "doi": r.ids.doi, "pmcid": r.ids.pmcid,
                        "nct": list(r.ids.nct), "decided_by": view.screening[rid][2],
                        "screening_reason": view.screening[rid][1],
                        "evidence": view.predictions.get(rid)})
    return ReviewExport(title=view.title, screening=screening, studies=tuple(studies),
                        corrections_file=view.corrections_file.name if view.corrections_file else None)


def review_table(review: Review, view: ReviewView | None = None):
    """Return the evidence table (pandas DataFrame) of the included studies, corrections applied.

    The review's corrected view (`trialsynth.view.ReviewView.table`), the same table `trialsynth
    table` prints: a study a reviewer included appears even when the extractor excluded it.
    """
    from trialsynth.view import load_view

    return (view or load_view(review)).table()


def parse_formats(text: str) -> list[str]:
    """Return the formats of "--format csv,ris" or "all", in EXPORT_FILES order. Raises InputError."""
    names = [t.strip().lower() for t in text.split(",") if t.strip()]
    if not names or "all" in names:
        return list(EXPORT_FILES)
    names = ["bibtex" if n == "bib" else n for n in names]
    unknown = [n for n in names if n not in EXPORT_FILES]
    if unknown:
        raise InputError(f"unknown export format {unknown[0]!r}; use {', '.join(EXPORT_FILES)} or all "
                         "(several joined by commas: csv,ris).")
    return [f for f in EXPORT_FILES if f in names]


def export_targets(review: Review, formats: Sequence[str], output: str | Path | None) -> dict[str, Path]:
    """Return {format: path} for an export: a folder (default review/exports) or, for one format, a file.

    `output` is a file when it has a suffix of an export format and is not an existing folder;
    then exactly one format may be asked for (its suffix must agree). Raises InputError otherwise.
    """
    if output is None:
        folder = review.root / EXPORT_FOLDER
    else:
        path = Path(output)
        suffix = path.suffix.lower()
        if not path.is_dir() and suffix in FORMAT_SUFFIXES:
            if len(formats) != 1:
                raise InputError(f"-o {output} is one file but {len(formats)} formats are asked for; give a folder "
                                 "(-o exports/) or one --format.")
            if FORMAT_SUFFIXES[suffix] != formats[0]:
                raise InputError(f"-o {output} has the suffix {suffix} but the format is {formats[0]}; name the file "
                                 f"{path.stem}{'.bib' if formats[0] == 'bibtex' else '.' + formats[0]} or pass "
                                 f"--format {FORMAT_SUFFIXES[suffix]}.")
            if not path.parent.is_dir():
                raise InputError(f"-o {output}: the folder {path.parent} does not exist; create it first.")
            return {formats[0]: path}
        if path.exists() and not path.is_dir():
            raise InputError(f"-o {output} is an existing file without an export suffix; give a folder or a file "
                             f"ending in {', '.join(FORMAT_SUFFIXES)}.")
        folder = path
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the export folder {folder} ({exc.strerror or exc}); choose another -o.") \
            from exc
    return {f: folder / EXPORT_FILES[f] for f in formats}


def write_exports(review: Review, formats: Sequence[str], out_dir: str | Path | None = None, *,
                  results: Any = None, store: Any = None) -> list[Path]:
    """Write the review's exports in `formats` (csv, xlsx, ris, bibtex, json); returns the paths written.

    `out_dir` is a folder (default: the review's exports/) or, for one format, a file path.
    json writes the review export (`review_export`) and, when `results` (anything with
    `to_dict()`, such as a ReportContext) is given, results.json beside it. Every file is written
    atomically. Raises InputError for a bad format or path, or a corrections file with problems.
    """
    from trialsynth.extraction import atomic_output, write_table
    from trialsynth.view import load_view

    unknown = [f for f in formats if f not in EXPORT_FILES]
    if unknown:
        raise InputError(f"unknown export format {unknown[0]!r}; use {', '.join(EXPORT_FILES)}.")
    targets = export_targets(review, list(formats), out_dir)
    written: list[Path] = []
    failed: list[str] = []
    view = load_view(review, store)
    table = view.table() if {"csv", "xlsx"} & set(targets) else None
    records = [view.records[rid] for rid in view.included]
    for fmt, path in targets.items():
        try:
            if fmt in ("csv", "xlsx"):
                write_table(table, fmt, str(path))
            elif fmt == "ris":
                with atomic_output(path, "w") as fh:
                    fh.write(to_ris(records))
            elif fmt == "bibtex":
                with atomic_output(path, "w") as fh:
                    fh.write(to_bibtex(records))
            elif fmt == "json":
                write_json(review_export(review, view), path)
                if results is not None:
                    written.append(path)
                    path = write_json(results, path.with_name("results.json"))
        except Exception as exc:  # one format's failure must not cost the others: said once, at the end
            failed.append(f"{fmt} ({path.name}) failed: {exc}" if isinstance(exc, InputError)
                          else f"{fmt} ({path.name}) failed: {type(exc).__name__}: {exc}")
            continue
        written.append(path)
    if failed:
        done = ", ".join(p.name for p in written) or "nothing"
        raise ExportError(f"export: wrote {done}; " + "; ".join(failed) + ". Fix the cause and export that format "
                          "again (--format).", written=tuple(written))
    return written


class ExportError(InputError):
    """Some export formats failed; `written` holds the files the others wrote."""

    def __init__(self, message: str, written: tuple[Path, ...] = ()):
        super().__init__(message)
        self.written = written
