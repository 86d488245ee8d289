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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from trialsynth.errors import InputError

if TYPE_CHECKING:
    from corpus.records import Record
    from corpus.store import Store
    from trialsynth.review import Review

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
    return " ".join((text or "").split())


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


_PAGE_RANGE = re.compile(r"(?P<first>.+?)\s*[-–‐]\s*(?P<last>.*)")


def page_range(pages: str | None) -> tuple[str | None, str | None]:
    """(first page, last page) of a record's pages; MEDLINE's shortened last page is written out
    ("107-14" -> ("107", "114")); a single page or an article number ("e1234") has no last page."""
    text = _one_line(pages or "").strip()
    if not text:
        return None, None
    match = _PAGE_RANGE.fullmatch(text)
    if not match or not match.group("last"):
        return (match.group("first") if match else text), None
    first, last = match.group("first"), match.group("last")
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def _is_registry_entry(record: Record) -> bool:
    return bool(record.registry) and not record.journal and not record.ids.pmid and not record.ids.doi


def to_ris(records: Iterable[Record]) -> str:
    """Return the records as RIS: TY, TI, AU (one per author), PY, DA, JO/T2, VL, IS, SP/EP, DO, AN (PMID), UR,
    AB, N1, ER.

    Journal articles are TY JOUR; a ClinicalTrials.gov entry with no publication is TY ELEC.
    The PMID goes in AN with "DB - PubMed" (how PubMed's own exports carry it) and again in a
    note ("PMID: ..."), PMCID and NCT ids in notes. Values are single lines (newlines collapsed).
    """
    blocks = []
    for record in records:
        lines: list[tuple[str, str]] = [("TY", "ELEC" if _is_registry_entry(record) else "JOUR")]
        if record.title:
            lines.append(("TI", _one_line(record.title)))
        lines += [("AU", _ris_author(a)) for a in record.authors if _one_line(a)]
        if record.year:
            lines.append(("PY", str(record.year)))
        if record.pub_date and re.fullmatch(r"\d{4}(-\d{2}){0,2}", record.pub_date):
            parts = record.pub_date.split("-")
            lines.append(("DA", "/".join(parts + [""] * (3 - len(parts))) + "/"))
        if record.journal:
            lines += [("JO", _one_line(record.journal)), ("T2", _one_line(record.journal))]
        if record.volume:
            lines.append(("VL", _one_line(record.volume)))
        if record.issue:
            lines.append(("IS", _one_line(record.issue)))
        first_page, last_page = page_range(record.pages)
        lines += [(tag, page) for tag, page in (("SP", first_page), ("EP", last_page)) if page]
        if record.ids.doi:
            lines.append(("DO", record.ids.doi))
        if record.ids.pmid:
            lines += [("AN", record.ids.pmid), ("DB", "PubMed")]
        lines += [("UR", link) for link in _links(record)[:1]]
        if _abstract(record):
            lines.append(("AB", _abstract(record)))
        if record.language:
            lines.append(("LA", _one_line(record.language)))
        notes = []
        if record.ids.pmid:
            notes.append(f"PMID: {record.ids.pmid}")
        if record.ids.pmcid:
            notes.append(f"PMCID: {record.ids.pmcid}")
        notes += [f"Trial registration: {n}" for n in record.ids.nct]
        lines += [("N1", note) for note in notes]
        lines.append(("ER", ""))
        blocks.append("\n".join(f"{tag}  - {value}".rstrip() + (" " if tag == "ER" else "") for tag, value in lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


# --- BibTeX ------------------------------------------------------------------------------------

#: LaTeX for characters BibTeX and LaTeX treat specially. Braces become \textbrace... so the
#: field's own braces stay balanced (BibTeX counts "\{" as a brace too).
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                  "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}"}
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~", "\u0304": "=",
            "\u0307": ".", "\u0327": "c", "\u030c": "v", "\u0306": "u", "\u030a": "r", "\u030b": "H",
            "\u0328": "k"}
_LETTERS = {"ß": r"{\ss}", "ø": r"{\o}", "Ø": r"{\O}", "æ": r"{\ae}", "Æ": r"{\AE}", "œ": r"{\oe}",
            "Œ": r"{\OE}", "å": r"{\aa}", "Å": r"{\AA}", "ł": r"{\l}", "Ł": r"{\L}", "ı": r"{\i}",
            "đ": r"{\dj}", "Đ": r"{\DJ}"}
_SYMBOLS = {"±": r"{$\pm$}", "×": r"{$\times$}", "≤": r"{$\leq$}", "≥": r"{$\geq$}", "µ": r"{$\mu$}",
            "°": r"{\textdegree}", "–": "--", "—": "---", "‐": "-", "‑": "-", "‒": "-", "−": "-",
            "‘": "`", "’": "'", "“": "``", "”": "''", "\u00a0": "~", "…": r"\ldots{}", "·": r"{$\cdot$}",
            "→": r"{$\rightarrow$}", "≈": r"{$\approx$}", "™": r"\texttrademark{}", "®": r"\textregistered{}",
            "©": r"\textcopyright{}", "\u2009": " ", "\u202f": " "}
_GREEK = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
          "nu", "xi", "omicron", "pi", "rho", "varsigma", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"]


def _greek(char: str) -> str | None:
    code = ord(char)
    if 0x3B1 <= code <= 0x3C9:  # α..ω
        name = _GREEK[code - 0x3B1]
        return None if name == "omicron" else f"{{$\\{name}$}}"
    if 0x391 <= code <= 0x3A9 and code != 0x3A2:  # Α..Ω
        name = _GREEK[code - 0x391]
        if name in ("gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi", "psi", "omega"):
            return f"{{$\\{name.capitalize()}$}}"
        return None
    return None


def latex_escape(text: str) -> str:
    """Return `text` safe inside a BibTeX field: specials escaped, accents and symbols as LaTeX.

    &, %, $, #, _ get a backslash; braces, backslash, ~ and ^ become text commands (so braces
    stay balanced); accented Latin letters become {\\'e} etc.; Greek letters and ±, ×, ≤, ≥ become
    math; other characters outside ASCII are kept as UTF-8 (read by biber, BibTeX 8-bit and Zotero).
    """
    out = []
    for char in _one_line(text):
        if char in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[char])
        elif ord(char) < 128:
            out.append(char)
        elif char in _LETTERS:
            out.append(_LETTERS[char])
        elif char in _SYMBOLS:
            out.append(_SYMBOLS[char])
        elif _greek(char):
            out.append(_greek(char))  # type: ignore[arg-type]
        else:
            decomposed = unicodedata.normalize("NFD", char)
            base, marks = decomposed[0], decomposed[1:]
            if base.isascii() and base.isalpha() and marks and all(m in _ACCENTS for m in marks):
                piece = "i" if base == "i" else base  # {\'i} is fine in modern LaTeX
                for mark in marks:
                    accent = _ACCENTS[mark]
                    piece = f"\\{accent}{piece}" if not accent.isalpha() else f"\\{accent}{{{piece}}}"
                out.append("{" + piece + "}")
            else:
                out.append(char)
    return "".join(out)


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

    Text fields are escaped with `latex_escape`; the title is double-braced so styles keep its
    capitals; keys are unique (`bibtex_keys`). DOIs and URLs are verbatim fields.
    """
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
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


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


@dataclass(frozen=True)
class _ReviewData:
    title: str
    records: dict[str, Record]
    predictions: dict[str, dict[str, Any]]
    effective: dict[str, tuple[bool, str | None, str]]
    included: list[str]
    corrections_file: Path | None


def _review_data(review: Review, store: Any = None) -> _ReviewData:
    from trialsynth.corrections import corrected_predictions, find_corrections_file
    from trialsynth.reviewstore import open_store
    from trialsynth.screening import effective_screening

    if store is None:  # the command's open store, else the review's, read-only
        with open_store(review, write=False) as own:
            return _review_data(review, own)
    records = {s.id: s.record for s in store.records()}
    predictions = corrected_predictions(review, store)
    effective = effective_screening(predictions, store.decisions())
    included = [rid for rid in records if effective.get(rid, (False,))[0]]
    try:
        title = review.protocol().title
    except InputError:
        title = ""
    return _ReviewData(title, records, predictions, effective, included, find_corrections_file(review.root))


def review_export(review: Review, data: _ReviewData | None = None) -> ReviewExport:
    """Return the review's JSON export: effective screening of every record, included studies' evidence."""
    data = data or _review_data(review)
    screening = tuple({"record_id": rid, "include": inc, "reason": reason, "decided_by": by}
                      for rid, (inc, reason, by) in sorted(data.effective.items()) if rid in data.records)
    studies = []
    for rid in data.included:
        r = data.records[rid]
        studies.append({"record_id": rid, "title": r.title, "authors": list(r.authors), "journal": r.journal,
                        "year": r.year, "pmid": r.ids.pmid, "doi": r.ids.doi, "pmcid": r.ids.pmcid,
                        "nct": list(r.ids.nct), "decided_by": data.effective[rid][2],
                        "screening_reason": data.effective[rid][1],
                        "evidence": data.predictions.get(rid)})
    return ReviewExport(title=data.title, screening=screening, studies=tuple(studies),
                        corrections_file=data.corrections_file.name if data.corrections_file else None)


def review_table(review: Review, data: _ReviewData | None = None):
    """Return the evidence table (pandas DataFrame) of the included studies, corrections applied.

    Included means the effective screening, so a study a reviewer included appears even when the
    extractor excluded it (and its `include` column says True).
    """
    from trialsynth.extraction import evidence_table

    data = data or _review_data(review)
    meta = {rid: {"first_author": r.authors[0] if r.authors else None, "year": r.year, "title": r.title or None}
            for rid, r in data.records.items()}
    rows = []
    for rid in data.included:
        prediction = data.predictions.get(rid) or {"id": rid, "outcomes": []}
        rows.append({**prediction, "include": True})
    return evidence_table(rows, meta, include_all=True)


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

    unknown = [f for f in formats if f not in EXPORT_FILES]
    if unknown:
        raise InputError(f"unknown export format {unknown[0]!r}; use {', '.join(EXPORT_FILES)}.")
    targets = export_targets(review, list(formats), out_dir)
    written: list[Path] = []
    data = _review_data(review, store)
    table = review_table(review, data) if {"csv", "xlsx"} & set(targets) else None
    records = [data.records[rid] for rid in data.included]
    for fmt, path in targets.items():
        if fmt in ("csv", "xlsx"):
            write_table(table, fmt, str(path))
        elif fmt == "ris":
            with atomic_output(path, "w") as fh:
                fh.write(to_ris(records))
        elif fmt == "bibtex":
            with atomic_output(path, "w") as fh:
                fh.write(to_bibtex(records))
        elif fmt == "json":
            write_json(review_export(review, data), path)
            if results is not None:
                written.append(path)
                path = write_json(results, path.with_name("results.json"))
        written.append(path)
    return written
