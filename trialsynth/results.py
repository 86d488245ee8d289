"""The results of a review update: what the synthesis found and what the report shows.

Frozen dataclasses, built by `trialsynth.synthesis` (pooled analyses, direction-of-effect
syntheses, cohort overlaps) and `trialsynth.update` (PRISMA counts, studies, history, changes),
read by `trialsynth.report` (HTML and Markdown) and `trialsynth.exports` (JSON).
`to_dict()` gives the JSON form (analysis objects such as MetaResult are left out).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

__all__ = [
    "BETWEEN_COMPUTED",
    "NOT_COUNTED",
    "WITHIN_NO_COMPARISON",
    "CorrectionNote",
    "DirectionEntry",
    "DirectionSynthesis",
    "FailedRecord",
    "FlaggedValue",
    "OverlapGroup",
    "PooledAnalysis",
    "PooledStudy",
    "Prisma",
    "ReportContext",
    "StudyRow",
    "UpdateEntry",
]


_SCALARS = (str, int, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}


def _json_fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls)
                                     if not f.name.startswith("_") and f.metadata.get("json", True))
    return names


def _jsonable(value: Any) -> Any:
    """The JSON form of a result: dataclasses as objects of their JSON fields, tuples as lists, NaN as null."""
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, _Json) and type(value).to_dict is not _Json.to_dict:
        return value.to_dict()  # a result with its own JSON form (Prisma adds its totals)
    if isinstance(value, dict):
        return {str(k): (v if isinstance(v, _SCALARS) else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, _SCALARS) else _jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        # a scalar is its own JSON form (as above): no call for each of a large review's study fields
        return {name: (v if isinstance(v := getattr(value, name), _SCALARS) else _jsonable(v))
                for name in _json_fields(type(value))}
    return value


class _Json:
    def to_dict(self) -> dict[str, Any]:
        return _jsonable(self)


@dataclass(frozen=True)
class Prisma(_Json):
    """PRISMA 2020 flow counts (new review, databases and registers); built by `trialsynth.prisma.flow`.

    Each box follows from the one above (`problems()` checks it): identified - duplicates removed
    - not screened = screened; screened - excluded = reports sought; sought - not retrieved =
    assessed; assessed - reports excluded = reports of included studies; studies included <= reports.
    """

    databases: dict[str, int]  # records identified per database: {"PubMed": 6, "Embase": 2, ...}
    registers: dict[str, int]  # per trial register: {"ClinicalTrials.gov": 8}
    duplicates_removed: int
    records_screened: int
    records_excluded: int
    exclusion_reasons: dict[str, int]  # reason -> count, of the records excluded at screening
    reports_sought: int  # records that passed title/abstract screening
    reports_not_retrieved: int
    reports_assessed: int
    reports_excluded: int
    report_exclusion_reasons: dict[str, int]  # reason -> count, of the reports excluded
    studies_included: int  # distinct cohorts
    reports_included: int  # records (several may report one cohort)
    records_not_screened: int = 0  # stored records that no one has screened yet (not extracted)
    excluded_by_automation: int = 0  # of records_excluded: by the extractor
    excluded_by_reviewer: int = 0  # of records_excluded: by a reviewer
    notes: tuple[str, ...] = ()  # the footnotes: how screening and retrieval are counted

    @property
    def identified(self) -> dict[str, int]:
        """Records identified per source, databases then registers."""
        return {**self.databases, **self.registers}

    @property
    def identified_total(self) -> int:
        return sum(self.databases.values()) + sum(self.registers.values())

    def problems(self) -> list[str]:
        """Return every place where a box does not follow from the one above (empty when the counts chain)."""
        checks = [
            ("identified - duplicates removed - not screened = screened",
             self.identified_total - self.duplicates_removed - self.records_not_screened, self.records_screened),
            ("screened - excluded = reports sought", self.records_screened - self.records_excluded,
             self.reports_sought),
            ("sought - not retrieved = assessed", self.reports_sought - self.reports_not_retrieved,
             self.reports_assessed),
            ("assessed - reports excluded = reports of included studies", self.reports_assessed - self.reports_excluded,
             self.reports_included),
            ("records excluded = by automation + by a reviewer", self.excluded_by_automation + self.excluded_by_reviewer,
             self.records_excluded),
            ("records excluded = the sum of their reasons", sum(self.exclusion_reasons.values()), self.records_excluded),
            ("reports excluded = the sum of their reasons", sum(self.report_exclusion_reasons.values()),
             self.reports_excluded),
        ]
        out = [f"{rule}: {got} != {want}" for rule, got, want in checks if got != want]
        if not 0 <= self.studies_included <= self.reports_included:
            out.append(f"studies included ({self.studies_included}) must be between 0 and the reports of included "
                       f"studies ({self.reports_included})")
        return out

    def to_dict(self) -> dict[str, Any]:
        fields_only = {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}
        return {**fields_only, "identified": self.identified, "identified_total": self.identified_total}


@dataclass(frozen=True)
class StudyRow(_Json):
    record_id: str
    label: str  # "Wang 2019"
    title: str
    year: int | None
    first_author: str | None
    journal: str | None
    pmid: str | None
    doi: str | None
    pmcid: str | None
    nct: str | None
    included: bool
    screening_reason: str | None  # the exclusion reason, or None when included
    decided_by: str  # "extractor" or "reviewer:<name>"
    n_enrolled: int | None = None
    cell_source: str | None = None
    route: str | None = None
    doses: str = ""
    design: str | None = None  # "single arm" | "controlled"
    is_seed: bool = False


@dataclass(frozen=True)
class PooledStudy(_Json):
    record_id: str
    label: str
    yi: float
    vi: float
    weight: float  # percent
    n: int | None
    timepoint_weeks: float | None
    source: str  # "abstract" | "table:..." | "reviewer:<name>"
    # what yi, vi were computed from, by escalc's names as in metafor's escalc(measure, ai = ..., n1i = ...):
    # ai/n1i/ci/n2i, xi/ni, m1i/sd1i/n1i/m2i/sd2i/n2i, m1i (follow-up)/m2i (baseline)/sd1i/sd2i/ni/ri, or mi/sdi/ni
    # for a reported mean change (metafor's "MN" of the change scores); empty when not known
    inputs: dict[str, float] = field(default_factory=dict)
    scores: str = ""  # what the means are: "change" | "follow-up" | "pre-post"; "" for counts; "reported": yi, vi
    # from the study's reported between-group effect and 95% CI (inputs: effect, ci_low, ci_high)
    arms: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # the extracted arms in (experimental, control)


@dataclass(frozen=True)
class PooledAnalysis(_Json):
    """One outcome × timepoint window × effect measure, pooled with the plan's estimator."""

    key: str  # "DAS28|13-26 weeks|MC"
    outcome: str
    window: str
    measure: str  # escalc measure: MC, SMCR, MD, SMD, PR, RR, ...
    measure_label: str  # "mean change from baseline"
    method: str
    test: str
    k: int
    estimate: float
    ci_low: float
    ci_high: float
    pi_low: float | None
    pi_high: float | None
    p_value: float
    tau2: float
    i2: float
    q: float
    q_p: float
    transform: str | None  # "exp" for ratio measures: estimates are on the log scale
    studies: tuple[PooledStudy, ...]
    leave_one_out: tuple[dict[str, Any], ...] = ()  # {"omitted", "estimate", "ci_low", "ci_high", ...}
    cumulative: tuple[dict[str, Any], ...] = ()  # {"added", "k", "estimate", "ci_low", "ci_high"}
    small_study_test: dict[str, Any] | None = None  # Egger regtest, or {"skipped": reason}
    notes: tuple[str, ...] = ()
    fit: Any = field(default=None, compare=False, repr=False, metadata={"json": False})  # analysis.MetaResult
    # the fingerprint of the analysis's inputs (trialsynth.synthesis.fit_fingerprint): what caches key on
    fingerprint: str = field(default="", compare=False, repr=False, metadata={"json": False})

    @property
    def excludes_no_effect(self) -> bool:
        null = 0.0
        return not (self.ci_low <= null <= self.ci_high)


@dataclass(frozen=True)
class DirectionEntry(_Json):
    record_id: str
    label: str
    direction: str  # "decrease" | "increase" | "no change"
    benefit: str  # "benefit" | "harm" | "no change" | "unclear"
    p_value: str | None
    timepoint_weeks: float | None
    n: int | None
    verbatim: str  # the sentence (or table row) the direction was read from
    location: str
    is_seed: bool = False
    # what the direction compares (Cochrane Handbook 12.2.2): "between-group" (a controlled trial's comparison
    # with its control, the intervention relative to control), BETWEEN_COMPUTED (the difference between its
    # arms' values where it reports none), "within-arm" (a single-arm study's change) or WITHIN_NO_COMPARISON
    # (a controlled trial with neither: its within-arm change, benefit NOT_COUNTED)
    basis: str = "within-arm"
    intervention: str | None = None  # the treated arm (the arm of a within-arm change)
    comparator: str | None = None  # the control arm of a between-group comparison
    comparison_label: str | None = None  # its label: "significantly decreased", "no significant difference", ...


#: DirectionEntry.basis of a direction computed from a controlled trial's arm values (trialsynth.armcompare)
BETWEEN_COMPUTED = "between-group (computed from the arms' values)"
#: DirectionEntry.basis of a controlled trial with no between-group result of that outcome: its within-arm
#: change, shown with benefit NOT_COUNTED and left out of the vote (Cochrane Handbook 12.2.2 counts the
#: intervention relative to its comparator; an arm's own change is not that)
WITHIN_NO_COMPARISON = "within-arm (no between-group comparison reported)"
NOT_COUNTED = "not counted"


@dataclass(frozen=True)
class DirectionSynthesis(_Json):
    """Studies that report a direction (and maybe a P value) but no poolable numbers."""

    outcome: str
    window: str
    entries: tuple[DirectionEntry, ...]
    vote: dict[str, Any] | None  # analysis.vote_count(...).to_dict(), or None when no direction
    note: str = ""


@dataclass(frozen=True)
class OverlapGroup(_Json):
    record_ids: tuple[str, ...]
    labels: tuple[str, ...]
    rule: str  # e.g. "same registry id NCT01547091" or "same first author, cell source; n 9 vs 9; 2018-2021"
    kept: str  # the record counted for each outcome and timepoint (the others are not pooled twice)


@dataclass(frozen=True)
class CorrectionNote(_Json):
    record_id: str
    target: str  # "include" | "outcome DAS28 / arm ... / 52 weeks" | "n_enrolled"
    value: str
    reviewer: str
    note: str = ""


@dataclass(frozen=True)
class FlaggedValue(_Json):
    """An extracted value that breaks a rule of plausibility: kept in the evidence, left out of its pool."""

    record_id: str
    label: str  # "Wang 2019"
    outcome: str  # "adverse events"
    window: str  # the timepoint window of the analysis it was left out of
    arm: str | None
    field: str  # "n_responders", "percent_responders", "change_sd", ... or "flags" (marked by the extractor)
    value: Any
    rule: str  # "responders (25) must not exceed the group size (n = 20)"
    location: str = ""  # where the value was read (abstract, table cell, reviewer)
    verbatim: str = ""  # the sentence or cell it was read from


@dataclass(frozen=True)
class FailedRecord(_Json):
    """A record the extractor could not read: skipped (no evidence), retried when it or the extractor changes."""

    record_id: str
    label: str
    title: str
    reason: str  # "too large: ... characters (the extractor reads at most ...)" or "ValueError: ..."
    extractor_version: str
    failed_at: str


@dataclass(frozen=True)
class UpdateEntry(_Json):
    run_id: int
    started: str
    finished: str | None
    summary: dict[str, Any]
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportContext(_Json):
    """Everything report.html and summary.md show."""

    review_title: str
    question: str
    generated_at: str
    trialsynth_version: str
    extractor_version: str
    prisma: Prisma
    studies: tuple[StudyRow, ...]
    evidence_rows: tuple[dict[str, Any], ...]  # the evidence table (trialsynth table's columns)
    pooled: tuple[PooledAnalysis, ...]
    directions: tuple[DirectionSynthesis, ...]
    overlaps: tuple[OverlapGroup, ...] = ()
    corrections: tuple[CorrectionNote, ...] = ()
    history: tuple[UpdateEntry, ...] = ()
    changes: tuple[str, ...] = ()  # this update's "what changed" lines
    plan: dict[str, Any] = field(default_factory=dict)  # the analysis plan as read from review.toml
    forest: tuple[Any, ...] = ()  # trialsynth.forest.ForestData per pooled analysis: the RevMan columns
    flagged_values: tuple[FlaggedValue, ...] = ()  # implausible values left out of their pools
    failed_records: tuple[FailedRecord, ...] = ()  # records the extractor could not read (no evidence)
    # the included studies' between-group comparisons: rows of trialsynth.comparisons.COMPARISON_COLUMNS
    comparisons: tuple[dict[str, Any], ...] = ()
