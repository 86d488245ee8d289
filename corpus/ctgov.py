"""ClinicalTrials.gov through its API v2: `/studies` searches (pageToken paging) parsed into Records.

`parse_ctgov_json` turns a `/studies` page, a single-study body or a JSON array of studies into one
`Hit` per study. A registry entry has no authors or journal; its structured fields (status,
phases, enrolment, arms, outcomes, posted results) go to `Record.registry`.
`CtGovSource.harvest` takes the query in URL-query style, so a protocol can use the API's own
`query.*` and `filter.*` parameters, and yields one `Batch` per page.
"""
from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import parse_qsl

import requests

from corpus.http import HttpClient, shorten
from corpus.jsontext import JsonTextError, dumps_raw, load_json, shown_json
from corpus.markup import plain_text
from corpus.records import REGISTRY, Hit, Ids, ParsedHits, Record, count_or_none, normalise_nct
from corpus.source import Batch, Known, base_url, checked_page_size, since_date
from corpus.errors import InputError, MalformedResponseError

PARSER_VERSION = "ctgov-2"  # 2: record_type "registry"; markup and entities in title and summary read

#: The API serves at most 1000 studies per page.
MAX_PAGE_SIZE = 1000
#: Query parameter prefixes a protocol may set.
ALLOWED_PREFIXES = ("query.", "filter.")

#: designModule.phases values as readable names ("NA" is a study without phases).
PHASES = {"EARLY_PHASE1": "Early Phase 1", "PHASE1": "Phase 1", "PHASE2": "Phase 2", "PHASE3": "Phase 3",
          "PHASE4": "Phase 4", "NA": "Not Applicable"}

_SPACE = re.compile(r"\s+")


def _collapse(text: Any) -> str:
    return _SPACE.sub(" ", str(text or "")).strip()


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _date(struct: Any) -> str | None:
    return _collapse(_dict(struct).get("date")) or None


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(t for t in (_collapse(v) for v in _list(values) if v is not None) if t)


def _phase_names(phases: Any) -> list[str]:
    return [PHASES.get(str(p).upper(), _collapse(p)) for p in _list(phases) if _collapse(p)]


def parse_study(study: dict) -> Record:
    """Build a Record from one API v2 study object. Raises MalformedResponseError without an nctId."""
    protocol = _dict(_dict(study).get("protocolSection"))
    ident = _dict(protocol.get("identificationModule"))
    nct = normalise_nct(ident.get("nctId"))
    if nct is None:
        raise MalformedResponseError(
            f"ClinicalTrials.gov study without a valid protocolSection.identificationModule.nctId "
            f"(got {ident.get('nctId')!r})")
    status = _dict(protocol.get("statusModule"))
    design = _dict(protocol.get("designModule"))
    conditions = _dict(protocol.get("conditionsModule"))
    arms = _dict(protocol.get("armsInterventionsModule"))
    outcomes = _dict(protocol.get("outcomesModule"))
    derived = _dict(study.get("derivedSection"))

    other_ncts = [normalise_nct(s.get("id")) for s in _list(ident.get("secondaryIdInfos")) if isinstance(s, dict)]
    other_ncts += [normalise_nct(a) for a in _list(ident.get("nctIdAliases"))]
    ncts = (nct,) + tuple(sorted({n for n in other_ncts if n and n != nct}))

    first_posted = _date(status.get("studyFirstPostDateStruct"))
    start = _date(status.get("startDateStruct"))
    phases = _phase_names(design.get("phases"))
    mesh = [m.get("term") for module in ("conditionBrowseModule", "interventionBrowseModule")
            for m in _list(_dict(derived.get(module)).get("meshes")) if isinstance(m, dict)]
    enrollment_info = _dict(design.get("enrollmentInfo"))
    enrollment = ({"count": enrollment_info.get("count"), "type": enrollment_info.get("type")}
                  if enrollment_info else None)
    results = study.get("resultsSection")
    registry = {
        "status": status.get("overallStatus"),
        "phases": phases,
        "study_type": design.get("studyType"),
        "enrollment": enrollment,
        "conditions": list(_strings(conditions.get("conditions"))),
        "interventions": [{"type": i.get("type"), "name": i.get("name")}
                          for i in _list(arms.get("interventions")) if isinstance(i, dict)],
        "arm_groups": [a for a in _list(arms.get("armGroups")) if isinstance(a, dict)],
        "primary_outcomes": [o for o in _list(outcomes.get("primaryOutcomes")) if isinstance(o, dict)],
        "secondary_outcomes": [o for o in _list(outcomes.get("secondaryOutcomes")) if isinstance(o, dict)],
        "start_date": start,
        "completion_date": _date(status.get("completionDateStruct")),
        "has_results": bool(results) or bool(study.get("hasResults")),
        "results": results if isinstance(results, dict) and results else None,
        "references": [{"pmid": r.get("pmid"), "type": r.get("type"), "citation": r.get("citation")}
                       for r in _list(_dict(protocol.get("referencesModule")).get("references"))
                       if isinstance(r, dict)],
        "sponsor": _dict(_dict(protocol.get("sponsorCollaboratorsModule")).get("leadSponsor")).get("name"),
    }
    return Record(
        source="ctgov",
        source_id=nct,
        title=plain_text(_text(ident.get("officialTitle"))) or plain_text(_text(ident.get("briefTitle"))),
        abstract=plain_text(_text(_dict(protocol.get("descriptionModule")).get("briefSummary"))),
        authors=(),
        journal=None,
        year=_year(start) or _year(first_posted),
        pub_date=first_posted,
        ids=Ids(nct=ncts),
        publication_types=("Clinical Trial Registration",) + tuple(p for p in phases if p != "Not Applicable"),
        mesh_terms=_strings(mesh),
        keywords=_strings(conditions.get("keywords")),
        entry_date=_date(status.get("lastUpdatePostDateStruct")) or first_posted,
        registry=registry,
        record_type=REGISTRY,
    )


def _hit(study: dict) -> Hit:
    record = parse_study(study)
    try:
        raw = dumps_raw(study)
    except JsonTextError as exc:
        raise MalformedResponseError(f"ClinicalTrials.gov study {record.source_id}: {exc}") from exc
    return Hit(record=record, raw=raw, raw_format="ctgov-json")


def _load_json(data: bytes | str) -> Any:
    try:
        return load_json(data)
    except JsonTextError as exc:
        raise MalformedResponseError(f"ClinicalTrials.gov response is not valid JSON (truncated?): "
                                     f"{shorten(str(exc))}") from exc


def _studies(body: Any, skipped: list[str] | None = None) -> list[dict]:
    if isinstance(body, dict) and isinstance(body.get("studies"), list):
        studies = body["studies"]
    elif isinstance(body, dict) and "protocolSection" in body:
        studies = [body]
    elif isinstance(body, list):
        studies = body
    else:
        shown = shown_json(body) if body is not None else "null"
        raise MalformedResponseError(
            "ClinicalTrials.gov response is neither a /studies page ({\"studies\": [...]}), a study object "
            f"(with \"protocolSection\") nor a JSON array of studies; got {shown}")
    out = []
    for study in studies:
        if not isinstance(study, dict) or "protocolSection" not in study:
            problem = f"ClinicalTrials.gov study entry has no \"protocolSection\": {shown_json(study)}"
            if skipped is None:
                raise MalformedResponseError(problem)
            skipped.append(problem)
            continue
        out.append(study)
    return out


def parse_ctgov_json(data: bytes | str) -> list[Hit]:
    """Return one Hit per study of a `/studies` page, a single-study body or a JSON array of studies.

    Raises MalformedResponseError for invalid JSON or a body of none of these shapes.
    """
    return [_hit(s) for s in _studies(_load_json(data))]


def parse_studies_page(data: bytes | str, *, skip_bad: bool = False) -> tuple[ParsedHits, str | None, int | None]:
    """Parse a `/studies` page into (hits, nextPageToken, totalCount); see `parse_ctgov_json`.

    With `skip_bad`, a study that cannot be read (no protocolSection, no nctId, nested too deeply)
    is left out and named in the hits' `skipped` instead of failing the page.
    """
    body = _load_json(data)
    hits = ParsedHits()
    for study in _studies(body, hits.skipped if skip_bad else None):
        hits.add(lambda: _hit(study), skip_bad)
    if not isinstance(body, dict):
        return hits, None, None
    token = body.get("nextPageToken") or None
    return hits, (str(token) if token is not None else None), count_or_none(body.get("totalCount"))


def parse_query(query: str) -> dict[str, str]:
    """Turn a protocol query into API parameters.

    "query.cond=rheumatoid arthritis&query.intr=stem cells" gives those parameters; a string
    without "=" is a free-text search (query.term). Raises InputError for a key that does not
    start with "query." or "filter.".
    """
    text = (query or "").strip()
    if not text:
        raise InputError("the ClinicalTrials.gov query is empty; give search terms or query.*/filter.* parameters.")
    if "=" not in text:
        return {"query.term": text}
    params: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        key = key.strip()
        if not key.startswith(ALLOWED_PREFIXES):
            raise InputError(
                f"ClinicalTrials.gov query parameter {key!r} is not allowed; keys must start with "
                f"{' or '.join(repr(p) for p in ALLOWED_PREFIXES)} (e.g. query.cond=..., query.intr=..., "
                "filter.overallStatus=...). Fix the query in the protocol.")
        params[key] = f"{params[key]} {value}".strip() if key in params else value.strip()
    return params


# --- the source ----------------------------------------------------------------------------

class CtGovSource:
    """ClinicalTrials.gov API v2 `/studies` search with pageToken paging.

    Incremental harvests (`since`) restrict the search to studies whose last update was posted on
    or after `since`, so updated registry entries (new status, posted results) are fetched again.
    """

    name = "ctgov"

    def __init__(self, client: HttpClient | None = None, *, page_size: int = 1000, base: str | None = None) -> None:
        self.page_size = checked_page_size(page_size, MAX_PAGE_SIZE)
        self.base = base_url("TRIALSYNTH_CTGOV_URL", "https://clinicaltrials.gov/api/v2/", base)
        # The API allows about 50 requests a minute.
        self.client = client or HttpClient(min_interval=1.2)

    def __repr__(self) -> str:
        return f"CtGovSource(base={self.base!r}, page_size={self.page_size})"

    def harvest(self, query: str, since: str | None, known: Known) -> Iterator[Batch]:
        """Search `query` (updated on/after `since`, ISO date) and yield one Batch per page.

        One request when nothing matches. Raises HarvestError (MalformedResponseError for bodies
        that stay malformed after retries) and InputError for a bad query or `since`.
        """
        params = parse_query(query)
        start = since_date(since)
        if start is not None:
            window = f"AREA[LastUpdatePostDate]RANGE[{start.isoformat()},MAX]"
            user = params.get("filter.advanced", "").strip()
            params["filter.advanced"] = f"({user}) AND {window}" if user else window
        params.update({"format": "json", "pageSize": str(self.page_size), "countTotal": "true"})
        total: int | None = None
        token: str | None = None
        first = True
        seen_tokens: set[str] = set()
        while True:
            page = dict(params)
            if token:
                page["pageToken"] = token
            hits, token, count = self.client.get(f"{self.base}studies", params=page, validate=_validate_page)
            if first:
                total, first = count, False
            if not hits and not hits.skipped:
                return
            yield Batch(hits=tuple(hits), total=total, skipped=tuple(hits.skipped))
            if not token or token in seen_tokens:
                return
            seen_tokens.add(token)



def _validate_page(response: requests.Response) -> tuple[ParsedHits, str | None, int | None]:
    return parse_studies_page(response.content, skip_bad=True)
