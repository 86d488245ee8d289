"""PRISMA 2020 flow counts of a review (new review, searches of databases and registers).

Each box follows from the one above (Page et al., BMJ 2021;372:n71, flow diagram for new
systematic reviews which included searches of databases and registers only):

    records identified (per database, per register)
      - duplicate records removed (- records not screened yet)      = records screened
    records screened - records excluded                            = reports sought for retrieval
    reports sought - reports not retrieved                         = reports assessed for eligibility
    reports assessed - reports excluded (with reasons)             = reports of included studies
    reports of included studies - reports of a cohort counted once = studies included in review

How this tool's decisions map onto the boxes (`flow`):

- Screening (title and abstract) is the extractor's decision, an automation tool in PRISMA's
  sense; a reviewer's decision on a record the extractor excluded is made at the same stage.
  "Records excluded" are the records that neither the extractor nor a reviewer let through.
- Reports sought for retrieval are the records that passed that screening.
- A report counts as retrieved when the store holds its full text (JATS), its abstract, or its
  registry entry (this tool assesses abstract-level reports), or when it is included.
- Reports assessed for eligibility that are not included were excluded by a reviewer after the
  extractor let them through (the reviewer's reason is listed).

Identification counts every stored hit once, under the database or register it came from: an
RIS export names its database (`DB  - Embase`; Web of Science, Scopus and CENTRAL exports by
their accession numbers and links), a ClinicalTrials.gov record is a register record. The store
gives these counts (`corpus.store.Store.identification`); `store_counts` reads them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from trialsynth.results import Prisma

if TYPE_CHECKING:
    from corpus.store import Store
    from trialsynth.view import ReviewView

__all__ = ["RETRIEVAL_RULE", "StoreCounts", "flow", "store_counts"]

RETRIEVAL_RULE = ("A report counts as retrieved when the store holds its full text (JATS), its abstract or its "
                  "registry entry: trialsynth assesses abstract-level reports.")
AUTOMATION_NOTE = ("Records are screened by the extractor (an automation tool) on their title and abstract; "
                   "a reviewer's decision overrides it.")


@dataclass(frozen=True)
class StoreCounts:
    """What PRISMA needs from the store: hits per database and register, records, full texts held."""

    databases: dict[str, int]
    registers: dict[str, int]
    records: int
    fulltext_pmcids: frozenset[str]

    @property
    def identified(self) -> int:
        return sum(self.databases.values()) + sum(self.registers.values())

    @property
    def duplicates_removed(self) -> int:
        return self.identified - self.records


def store_counts(store: Store) -> StoreCounts:
    """Identification counts per database and register (`Store.identification`: every hit once, under
    its source; an RIS export under the database it names), the number of records, and the PMCIDs
    with a full text."""
    ident = store.identification()
    databases: dict[str, int] = {}
    registers: dict[str, int] = {}
    for source in ident.sources:
        target = registers if source.kind == "register" else databases
        target[source.label] = target.get(source.label, 0) + source.identified
    return StoreCounts(databases=_ordered(databases), registers=_ordered(registers), records=ident.records,
                       fulltext_pmcids=_fulltext_pmcids(store))


def _ordered(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _fulltext_pmcids(store: Store) -> frozenset[str]:
    # a read of the store's own table, until the store offers the list: '' marks "no full text available"
    return frozenset(r[0] for r in store.conn.execute("SELECT pmcid FROM fulltexts WHERE xml != ''"))


def _has_report(record: Any, fulltexts: frozenset[str]) -> bool:
    return bool((record.abstract or "").strip() or record.abstract_sections or record.registry
                or (record.ids.pmcid and record.ids.pmcid in fulltexts))


def _reason_key(reason: str | None, decided_by: str) -> str:
    if not reason:
        return "no reason recorded"
    if decided_by == "extractor":  # "population: osteoarthritis, not rheumatoid arthritis" -> its category and cue
        return reason.split(",")[0].strip()
    return " ".join(reason.split())


def _count(keys: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in keys:
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def flow(view: ReviewView, counts: StoreCounts, cohorts_merged: int = 0) -> Prisma:
    """Return the PRISMA 2020 counts of a review's corrected view (see the module docstring).

    `cohorts_merged`: included reports that report a cohort already counted (overlap groups), so
    studies included = reports of included studies - cohorts_merged.
    """
    screened = [rid for rid in view.records if rid in view.screening]
    passed, excluded = [], []
    for rid in screened:
        include, _, _ = view.screening[rid]
        own = view.extracted_summary(rid)
        extractor_include = bool(own.get("include")) if own is not None else include
        (passed if extractor_include or include else excluded).append(rid)
    not_retrieved = [rid for rid in passed if not view.screening[rid][0]
                     and not _has_report(view.records[rid], counts.fulltext_pmcids)]
    missing = set(not_retrieved)
    assessed = [rid for rid in passed if rid not in missing]
    reports_excluded = [rid for rid in assessed if not view.screening[rid][0]]
    included = [rid for rid in assessed if view.screening[rid][0]]
    return Prisma(
        databases=dict(counts.databases), registers=dict(counts.registers),
        duplicates_removed=counts.duplicates_removed, records_not_screened=len(view.records) - len(screened),
        records_screened=len(screened), records_excluded=len(excluded),
        excluded_by_automation=sum(1 for rid in excluded if view.screening[rid][2] == "extractor"),
        excluded_by_reviewer=sum(1 for rid in excluded if view.screening[rid][2] != "extractor"),
        exclusion_reasons=_count(_reason_key(view.screening[r][1], view.screening[r][2]) for r in excluded),
        reports_sought=len(passed), reports_not_retrieved=len(not_retrieved), reports_assessed=len(assessed),
        reports_excluded=len(reports_excluded),
        report_exclusion_reasons=_count(_reason_key(view.screening[r][1], view.screening[r][2])
                                        for r in reports_excluded),
        studies_included=len(included) - cohorts_merged, reports_included=len(included),
        notes=(AUTOMATION_NOTE, RETRIEVAL_RULE))
