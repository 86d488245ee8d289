"""A review lives in a folder, like a git repository: `review.toml` (the protocol) and `review.sqlite`.

`init_review` writes the default MSC-for-RA protocol; `find_review` locates the folder from
`--review DIR` or the current folder (and its parents); `load_protocol` reads and checks the
protocol into a frozen `Protocol`.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from trialsynth.errors import InputError, ReviewNotFoundError
from trialsynth.userfiles import read_text

PROTOCOL_FILE = "review.toml"
STORE_FILE = "review.sqlite"
KNOWN_SOURCES = ("pubmed", "europepmc", "ctgov")

DEFAULT_PROTOCOL = '''\
# trialsynth review protocol. Edit it, then run `trialsynth harvest`.
# API keys are never written here: set NCBI_API_KEY (and NCBI_EMAIL) in the environment.

[review]
title = "Mesenchymal stem/stromal cell therapy for rheumatoid arthritis"
question = """In adults with rheumatoid arthritis, does mesenchymal stem/stromal cell (MSC) therapy,
alone or added to DMARDs, improve disease activity (DAS28), function (HAQ) and response (ACR20/50/70),
and is it safe?"""
seed = "PMID 31908418 (Wang et al. 2019, umbilical-cord MSC, phase I/II, 64 patients)"

[dates]
# Publication dates searched (inclusive). An empty "to" means up to today.
from = "2000-01-01"
to = ""

[sources.pubmed]
enabled = true
query = """("Mesenchymal Stem Cells"[MeSH Terms] OR "Mesenchymal Stem Cell Transplantation"[MeSH Terms] \
OR "mesenchymal stem cell*"[Title/Abstract] OR "mesenchymal stromal cell*"[Title/Abstract] \
OR "MSC"[Title/Abstract] OR "MSCs"[Title/Abstract]) \
AND ("Arthritis, Rheumatoid"[MeSH Terms] OR "rheumatoid arthritis"[Title/Abstract])"""

[sources.europepmc]
enabled = true
query = """("mesenchymal stem cell*" OR "mesenchymal stromal cell*" OR "MSC" OR "MSCs") \
AND "rheumatoid arthritis" AND (SRC:MED OR SRC:PMC OR SRC:PPR)"""

[sources.ctgov]
enabled = true
# The API's own parameters, URL-query style: query.cond, query.intr, query.term, filter.*
query = "query.cond=rheumatoid arthritis&query.intr=mesenchymal OR stem cell OR stromal cell"

[screening]
# The eligibility criteria, as the protocol states them: a record is included when it is a
# clinical study of MSC therapy in human RA. trialsynth screens with the extractor's cue lists
# (extract/data/screening.json), which these terms do not change; override a decision with
# `trialsynth screen --exclude ID --reason "..."` (or --include ID).
population = ["rheumatoid arthritis"]
intervention = ["mesenchymal stem cell", "mesenchymal stromal cell", "MSC", "umbilical cord",
                "bone marrow", "adipose-derived", "Wharton's jelly"]
exclude_conditions = ["osteoarthritis", "systemic lupus erythematosus", "juvenile idiopathic arthritis"]
exclude_cells = ["stromal vascular fraction", "hematopoietic stem cell", "exosome"]
exclude_models = ["mice", "mouse", "murine", "rat", "rats", "collagen-induced arthritis", "in vitro"]
exclude_publication_types = ["Review", "Systematic Review", "Meta-Analysis", "Editorial", "Comment",
                             "Letter", "News"]

[outcomes]
primary = ["DAS28", "HAQ", "ACR20", "ACR50", "ACR70"]
secondary = ["EULAR response", "ESR", "CRP", "RF", "anti-CCP", "VAS pain", "SDAI", "CDAI",
             "TJC", "SJC", "TNF-alpha", "IL-6", "IL-10", "IL-17", "Treg", "Th17", "adverse events"]

[analysis]
# How `trialsynth update` pools the outcomes above (see trialsynth/plan.py).
method = "REML"               # tau² estimator: FE, DL, REML, ML, PM, HS, SJ, HE, EB
test = "knha"                 # Knapp-Hartung CIs (Cochrane's recommendation), or "z"
prediction_interval = true
assumed_r = 0.5               # pre-post correlation when a study gives baseline and follow-up SDs only
# Timepoint windows in weeks: a window [low, high, label] holds low < weeks <= high.
windows = [[0, 12, "≤ 12 weeks"], [12, 26, "13–26 weeks"], [26, 52, "27–52 weeks"], [52, 10000, "> 52 weeks"]]
subgroups = ["cell_source", "route", "design"]
small_study_min_k = 10        # Egger's test only from this many studies
sensitivity_max_k = 200       # leave-one-out and cumulative analyses up to this many studies

[analysis.outcomes]
# Change from baseline (MC or SMCR) in single-arm studies, MD or SMD against a control arm;
# responders and adverse events as proportions (PLO, PR, PFT, PAS) or RR/OR/RD against control.
DAS28 = {kind = "continuous", single_arm = "MC", controlled = "MD"}
HAQ = {kind = "continuous", single_arm = "MC", controlled = "MD"}
ACR20 = {kind = "responder", single_arm = "PLO", controlled = "RR"}
ACR50 = {kind = "responder", single_arm = "PLO", controlled = "RR"}
ACR70 = {kind = "responder", single_arm = "PLO", controlled = "RR"}
"EULAR response" = {kind = "responder", single_arm = "PLO", controlled = "RR"}
"adverse events" = {kind = "safety", single_arm = "PLO", controlled = "RR"}

[harvest]
# NCBI asks every E-utilities client for a contact address.
email = ""
retries = 5
backoff_seconds = 1.0
timeout_seconds = 60          # the longest wait for one network read
deadline_seconds = 300        # the most one request (headers and body) may take
max_response_mb = 200         # the largest response body read (after decompression)
pubmed_batch_size = 200

[import]
# What one `harvest --from` / `update --from` reads at most (a file over a limit is an error naming it).
max_file_mb = 2048            # one file, as stored and (for .gz) unpacked
max_document_mb = 200         # one JSON document read whole
max_record_mb = 16            # one record (a RIS record, a JSONL line, a PubMed article)
max_records = 2000000         # the records of one import
'''


# --- the protocol's schema --------------------------------------------------------------------

#: Every table and key review.toml may hold, with the kind of value each takes: "str", "bool",
#: "int", "number", "date" (YYYY-MM-DD or ""), "strings" (a list of strings), "list" (checked by the
#: analysis plan), "table" (a table checked by its reader). `sources` holds one table per source.
SCHEMA: dict[str, dict[str, str]] = {
    "review": {"title": "str", "question": "str", "seed": "str"},
    "dates": {"from": "date", "to": "date"},
    "sources": {"enabled": "bool", "query": "str"},  # per [sources.<name>]
    "screening": {"population": "strings", "intervention": "strings", "exclude_conditions": "strings",
                  "exclude_cells": "strings", "exclude_models": "strings", "exclude_publication_types": "strings"},
    "outcomes": {"primary": "strings", "secondary": "strings"},
    "analysis": {"method": "str", "test": "str", "prediction_interval": "bool", "assumed_r": "number",
                 "windows": "list", "subgroups": "strings", "small_study_min_k": "int", "sensitivity_max_k": "int",
                 "outcomes": "table"},
    "harvest": {"email": "str", "retries": "int", "backoff_seconds": "number", "timeout_seconds": "number",
                "deadline_seconds": "number", "max_response_mb": "number", "pubmed_batch_size": "int"},
    "import": {"max_file_mb": "number", "max_document_mb": "number", "max_record_mb": "number", "max_records": "int"},
}
_KINDS = {"str": "a string in quotes", "bool": "true or false (without quotes)", "int": "a whole number",
          "number": "a number", "date": "a date \"YYYY-MM-DD\" (or \"\")", "strings": "a list of strings [\"...\"]",
          "list": "a list [...]", "table": "a table"}


def _did_you_mean(word: str, options: Any) -> str:
    import difflib

    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _kind_ok(kind: str, value: Any) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "date":
        if not isinstance(value, (str, dt.date)) or isinstance(value, dt.datetime):
            return False
        if isinstance(value, dt.date) or value == "":
            return True
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if kind == "strings":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "list":
        return isinstance(value, list)
    return isinstance(value, dict)


def _shown(value: Any) -> str:
    import json

    try:
        return json.dumps(value, ensure_ascii=False, default=str)[:60]
    except (TypeError, ValueError):
        return repr(value)[:60]


def check_protocol(data: Mapping[str, Any], path: Path) -> list[str]:
    """Return the problems of a parsed review.toml against SCHEMA (unknown tables and keys, with a
    "did you mean" suggestion; values of the wrong kind), one message each; [] when it is valid."""
    problems = []

    def check_table(where: str, table: Any, keys: Mapping[str, str]) -> None:
        if not isinstance(table, dict):
            problems.append(f"{path}: {where} must be a table ([{where}]), got {_shown(table)}.")
            return
        for key, value in table.items():
            if key not in keys:
                problems.append(f"{path}: unknown key {key!r} in [{where}]{_did_you_mean(key, keys)}; [{where}] "
                                f"may hold {', '.join(keys)}.")
            elif not _kind_ok(keys[key], value):
                problems.append(f"{path}: [{where}] {key} must be {_KINDS[keys[key]]}, got {_shown(value)}.")

    for name, table in data.items():
        if name not in SCHEMA:
            problems.append(f"{path}: unknown table [{name}]{_did_you_mean(name, SCHEMA)}; review.toml holds "
                            f"{', '.join(f'[{t}]' for t in SCHEMA)}.")
        elif name == "sources":
            if not isinstance(table, dict):
                problems.append(f"{path}: sources must hold one table per source ([sources.pubmed], ...).")
                continue
            for source, spec in table.items():
                if source not in KNOWN_SOURCES:
                    problems.append(f"{path}: unknown source [sources.{source}]{_did_you_mean(source, KNOWN_SOURCES)};"
                                    f" the known sources are {', '.join(KNOWN_SOURCES)}.")
                else:
                    check_table(f"sources.{source}", spec, SCHEMA["sources"])
        else:
            check_table(name, table, SCHEMA[name])
    return problems


@dataclass(frozen=True)
class SourcePlan:
    """One source of the protocol: whether it is harvested and its query."""

    name: str
    enabled: bool
    query: str


@dataclass(frozen=True)
class HarvestSettings:
    """Network settings of the protocol's [harvest] table."""

    email: str = ""
    retries: int = 5
    backoff_seconds: float = 1.0
    timeout_seconds: float = 60.0
    deadline_seconds: float | None = None  # None: timeout_seconds
    max_response_mb: float = 200.0
    pubmed_batch_size: int = 200


@dataclass(frozen=True)
class Protocol:
    """The review protocol read from review.toml."""

    title: str
    date_from: str | None
    date_to: str | None
    sources: tuple[SourcePlan, ...]
    screening: Mapping[str, Any] = field(default_factory=dict)
    outcomes: Mapping[str, Any] = field(default_factory=dict)
    harvest: HarvestSettings = field(default_factory=HarvestSettings)
    raw: Mapping[str, Any] = field(default_factory=dict)
    import_limits: Mapping[str, float] = field(default_factory=dict)  # review.toml [import]: ImportLimits.from_mb

    def query_for(self, source: str) -> str:
        """Return the source's query with the protocol's date range added in the source's syntax."""
        plan = next(p for p in self.sources if p.name == source)
        return with_date_range(source, plan.query, self.date_from, self.date_to)


def with_date_range(source: str, query: str, date_from: str | None, date_to: str | None) -> str:
    """Return `query` limited to publication dates [date_from, date_to] in `source`'s query syntax."""
    if not date_from and not date_to:
        return query
    start, end = date_from or "1800-01-01", date_to or "3000-12-31"
    if source == "pubmed":
        return f'({query}) AND ("{start.replace("-", "/")}"[Date - Publication] : ' \
               f'"{end.replace("-", "/")}"[Date - Publication])'
    if source == "europepmc":
        return f"({query}) AND (FIRST_PDATE:[{start} TO {end}])"
    if source == "ctgov":
        clause = f"AREA[StudyFirstPostDate]RANGE[{start},{'MAX' if not date_to else end}]"
        return f"{query}&filter.advanced={clause}"
    return query


@dataclass(frozen=True)
class Review:
    """A review folder: where its protocol and store are."""

    root: Path

    @property
    def protocol_path(self) -> Path:
        return self.root / PROTOCOL_FILE

    @property
    def store_path(self) -> Path:
        return self.root / STORE_FILE

    def protocol(self) -> Protocol:
        """Read and check review.toml."""
        return load_protocol(self.protocol_path)


def init_review(directory: str | Path, *, force: bool = False) -> Review:
    """Create a review folder with the default protocol and an empty store; returns it.

    Raises InputError when the folder already holds a review (unless `force`, which rewrites only
    the protocol and never touches the store).
    """
    from corpus.store import Store  # the store is corpus's; the review only creates it

    root = Path(directory).resolve()
    protocol = root / PROTOCOL_FILE
    if protocol.exists() and not force:
        raise InputError(f"{root} already holds a review ({PROTOCOL_FILE} exists). Use it as it is, "
                         "pass --force to rewrite the protocol (the store is kept), or choose a new folder.")
    try:
        root.mkdir(parents=True, exist_ok=True)
        protocol.write_text(DEFAULT_PROTOCOL, encoding="utf-8")
    except OSError as exc:
        blocker = next((p for p in (root, *root.parents) if p.exists() and not p.is_dir()), None)
        why = f"{blocker} is a file, not a folder" if blocker else (exc.strerror or str(exc))
        raise InputError(f"cannot create the review folder {directory} ({why}). Choose a folder you can write "
                         "to, e.g. `trialsynth init msc-ra-review`.") from exc
    with Store(root / STORE_FILE):
        pass
    return Review(root)


def find_review(directory: str | Path | None = None) -> Review:
    """Return the review in `directory` (or the current folder or one of its parents).

    Raises ReviewNotFoundError when none holds a review.toml.
    """
    if directory is not None:
        root = Path(directory).resolve()
        if (root / PROTOCOL_FILE).is_file():
            return Review(root)
        raise ReviewNotFoundError(f"no review in {root}: it has no {PROTOCOL_FILE}. "
                                  f"Create one with `trialsynth init {directory}` or pass the right --review DIR.")
    start = Path.cwd().resolve()
    for folder in (start, *start.parents):
        if (folder / PROTOCOL_FILE).is_file():
            return Review(folder)
    raise ReviewNotFoundError(f"no review found in {start} or its parents (no {PROTOCOL_FILE}). "
                              "Create one with `trialsynth init DIR`, or pass --review DIR.")


def load_protocol(path: str | Path) -> Protocol:
    """Read a review.toml into a Protocol. Raises InputError naming the file and the problem."""
    path = Path(path)
    text = read_text(path, "Create a review with `trialsynth init DIR`, or pass --review DIR.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not valid TOML: {exc}. Fix the line it names.") from exc
    settings = data.get("harvest") or {}
    if isinstance(settings, dict) and any(k.lower() in ("api_key", "apikey") for k in settings):
        raise InputError(f"{path}: [harvest] holds an API key. Remove it and set NCBI_API_KEY in the "
                         "environment instead: keys are never read from or written to the review folder.")
    problems = check_protocol(data, path)
    if len(problems) == 1:
        raise InputError(problems[0])
    if problems:
        raise InputError(f"{path} has {len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems))
    sources = []
    for name, table in (data.get("sources") or {}).items():
        if not str(table.get("query") or "").strip():
            raise InputError(f"{path}: [sources.{name}] needs a non-empty query = \"...\".")
        sources.append(SourcePlan(name, table.get("enabled", True), str(table["query"]).strip()))
    dates = data.get("dates") or {}
    try:
        harvest = HarvestSettings(
            email=str(settings.get("email", "")), retries=int(settings.get("retries", 5)),
            backoff_seconds=float(settings.get("backoff_seconds", 1.0)),
            timeout_seconds=float(settings.get("timeout_seconds", 60)),
            deadline_seconds=(float(settings["deadline_seconds"]) if settings.get("deadline_seconds") is not None
                              else None),
            max_response_mb=float(settings.get("max_response_mb", 200)),
            pubmed_batch_size=int(settings.get("pubmed_batch_size", 200)))
    except (TypeError, ValueError) as exc:
        raise InputError(f"{path}: a [harvest] setting is not a number ({exc}).") from exc
    if harvest.retries < 0 or harvest.backoff_seconds < 0 or harvest.timeout_seconds <= 0 \
            or not 1 <= harvest.pubmed_batch_size <= 200 or harvest.max_response_mb <= 0 \
            or (harvest.deadline_seconds is not None and harvest.deadline_seconds <= 0):
        raise InputError(f"{path}: [harvest] needs retries >= 0, backoff_seconds >= 0, timeout_seconds > 0, "
                         "deadline_seconds > 0, max_response_mb > 0 and 1 <= pubmed_batch_size <= 200.")
    limits = dict(data.get("import") or {})
    bad = [k for k, v in limits.items() if not (isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0)]
    if bad:
        raise InputError(f"{path}: [import] {bad[0]} must be a number above 0, got {limits[bad[0]]!r}.")
    return Protocol(
        title=str((data.get("review") or {}).get("title", "")),
        date_from=str(dates.get("from") or "") or None, date_to=str(dates.get("to") or "") or None,
        sources=tuple(sources), screening=data.get("screening") or {}, outcomes=data.get("outcomes") or {},
        harvest=harvest, raw=data, import_limits=limits)
