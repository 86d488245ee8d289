"""The evidence records the extractor produces: frozen dataclasses, and their JSON forms.

These are the typed records the rest of trialsynth sees (the store keeps `Evidence.to_dict()`,
the CLI writes `Evidence.to_prediction()`). Every extracted value carries a `Provenance`: the
record id, where in the record it came from, the verbatim text and its character offsets.

Locations: "title", "abstract", "section:<section title>" (full-text body) and
"table:<label> r<row> c<col>" (a results-table cell; offsets are then None).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "Arm",
    "DoseValue",
    "Evidence",
    "ExtractionInput",
    "OutcomeRow",
    "Provenance",
    "SampleSize",
    "Screening",
    "TimepointValue",
]

Direction = Literal["decrease", "increase", "no change"]


@dataclass(frozen=True)
class ExtractionInput:
    """What the extractor reads: one record's text (the only input; no store, no network)."""

    id: str
    title: str = ""
    abstract: str = ""
    full_text_xml: str | None = None
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provenance:
    record_id: str
    location: str
    text: str  # verbatim: the sentence (or table cell) the value was read from
    start: int | None = None  # character offsets of `text` inside `location`'s text
    end: int | None = None
    entered_by: str = "extractor"  # "extractor" or "reviewer:<name>" (corrections, issue 5)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Screening:
    include: bool
    reasons: tuple[str, ...]  # every check, passed or failed, e.g. "population: rheumatoid arthritis"
    exclusion_reason: str | None = None  # the first failed check, in PRISMA wording


@dataclass(frozen=True)
class SampleSize:
    # enrolled/randomised/treated/analysed/screened from the verb; "total" ("a total of 40
    # patients"), "mentioned" (a count of patients with no verb), "arm" (an arm's size)
    role: Literal["enrolled", "randomised", "treated", "analysed", "screened", "total", "mentioned", "arm"]
    n: int
    provenance: Provenance


@dataclass(frozen=True)
class Arm:
    name: str
    n: int | None
    provenance: Provenance | None = None
    is_control: bool = False


@dataclass(frozen=True)
class DoseValue:
    value: float | None  # cells per administration; None when the exponent was lost
    unit: Literal["cells", "cells/kg", "cells/joint"]
    provenance: Provenance
    arm: str | None = None
    n_administrations: int | None = None
    uncertain: bool = False
    note: str | None = None


@dataclass(frozen=True)
class TimepointValue:
    weeks: float
    text: str
    provenance: Provenance
    low_weeks: float | None = None  # a range "3-6 months": weeks is the upper end


@dataclass(frozen=True)
class OutcomeRow:
    measure: str  # canonical vocabulary name, e.g. "DAS28", "HAQ", "ACR20", "IL-6"
    measure_text: str  # as written
    arm: str | None
    n: int | None
    timepoint_weeks: float | None
    timepoint: str | None
    provenance: Provenance
    baseline_mean: float | None = None
    baseline_sd: float | None = None
    followup_mean: float | None = None
    followup_sd: float | None = None
    change_mean: float | None = None
    change_sd: float | None = None
    percent_responders: float | None = None
    n_responders: int | None = None
    p_value: str | None = None  # as reported, normalised: "<0.05", "=0.0159"
    effect_size: float | None = None
    direction: Direction | None = None
    statistic: str | None = None  # "mean (sd)", "median (iqr)", ... for the numbers above
    note: str | None = None

    NUMBERS = ("baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean",
               "change_sd", "percent_responders", "n_responders", "effect_size")

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["verbatim"] = self.provenance.text
        return out


@dataclass(frozen=True)
class Evidence:
    """Everything extracted from one record."""

    id: str
    extractor_version: str
    screening: Screening
    n_enrolled: int | None = None
    sample_sizes: tuple[SampleSize, ...] = ()
    arms: tuple[Arm, ...] = ()
    cell_source: str | None = None
    cell_origin: str | None = None  # "autologous" | "allogeneic"
    route: str | None = None
    doses: tuple[DoseValue, ...] = ()
    n_administrations: int | None = None
    timepoints: tuple[TimepointValue, ...] = ()
    outcomes: tuple[OutcomeRow, ...] = ()
    safety: tuple[Provenance, ...] = ()  # qualitative safety statements ("no serious AEs")
    provenance: dict[str, Provenance] = field(default_factory=dict)  # n_enrolled, cell_source, route
    warnings: tuple[str, ...] = ()  # what could not be read (e.g. a malformed full text) and was skipped

    @property
    def include(self) -> bool:
        return self.screening.include

    @property
    def timepoints_weeks(self) -> list[float]:
        return sorted({t.weeks for t in self.timepoints})

    def sample_size(self, role: str) -> int | None:
        for s in self.sample_sizes:
            if s.role == role:
                return s.n
        return None

    def to_prediction(self) -> dict[str, Any]:
        """The prediction format of score_extraction.py, plus provenance fields."""
        return {
            "id": self.id,
            "include": self.include,
            "exclusion_reason": self.screening.exclusion_reason,
            "screening_reasons": list(self.screening.reasons),
            "n_enrolled": self.n_enrolled,
            "n_randomised": self.sample_size("randomised"),
            "n_analysed": self.sample_size("analysed"),
            "n_screened": self.sample_size("screened"),
            "arms": [{"name": a.name, "n": a.n, "control": a.is_control} for a in self.arms],
            "cell_source": self.cell_source,
            "cell_origin": self.cell_origin,
            "route": self.route,
            "n_administrations": self.n_administrations,
            "doses": [
                {"value": d.value, "unit": d.unit, "arm": d.arm, "n_administrations": d.n_administrations,
                 "provenance": d.provenance.to_dict()}
                for d in self.doses if d.value is not None
            ],
            "doses_uncertain": [
                {"value": d.value, "unit": d.unit, "note": d.note, "provenance": d.provenance.to_dict()}
                for d in self.doses if d.value is None
            ],
            "timepoints_weeks": self.timepoints_weeks,
            "timepoints": [{"weeks": t.weeks, "low_weeks": t.low_weeks, "text": t.text,
                            "provenance": t.provenance.to_dict()} for t in self.timepoints],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "safety": [p.to_dict() for p in self.safety],
            "provenance": {k: v.to_dict() for k, v in self.provenance.items()},
            "warnings": list(self.warnings),
            "extractor_version": self.extractor_version,
        }

    def to_dict(self) -> dict[str, Any]:
        return self.to_prediction()
