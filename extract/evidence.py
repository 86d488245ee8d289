"""The evidence records the extractor produces: frozen dataclasses, and their JSON forms.

These are the typed records the rest of trialsynth sees (the store keeps `Evidence.to_dict()`,
the CLI writes `Evidence.to_prediction()`). Every extracted value carries a `Provenance`: the
record id, where in the record it came from, the verbatim text and its character offsets.

Locations: "title", "abstract", "section:<section title>" (full-text body) and
"table:<label> r<row> c<col>" (a results-table cell; offsets are then None).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Arm",
    "Comparison",
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
# The reported between-group difference, intervention relative to comparator (Evidence Inference).
ComparisonLabel = Literal["significantly increased", "significantly decreased", "no significant difference"]
COMPARISON_LABELS: tuple[str, ...] = ("significantly increased", "significantly decreased",
                                      "no significant difference")


@dataclass(frozen=True)
class ExtractionInput:
    """What the extractor reads: one record's text (the only input; no store, no network)."""

    id: str
    title: str = ""
    abstract: str = ""
    full_text_xml: str | None = None
    publication_types: tuple[str, ...] = ()
    mesh_terms: tuple[str, ...] = ()
    # "registry" for a trial-registry record (a ClinicalTrials.gov entry, CENTRAL's copy of one): it is
    # screened on its registered conditions and interventions, not on signs of patients in its text
    record_type: str = "publication"
    conditions: tuple[str, ...] = ()  # a registry record's conditions ("Rheumatoid Arthritis")
    interventions: tuple[str, ...] = ()  # and interventions ("Umbilical cord mesenchymal stem cells")


@dataclass(frozen=True)
class Provenance:
    record_id: str
    location: str
    text: str  # verbatim: the sentence (or table cell) the value was read from
    start: int | None = None  # character offsets of `text` inside `location`'s text
    end: int | None = None
    entered_by: str = "extractor"  # "extractor" or "reviewer:<name>" (corrections, issue 5)

    def to_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "location": self.location, "text": self.text,
                "start": self.start, "end": self.end, "entered_by": self.entered_by}


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
    """One dose per administration, as the record states it.

    Cells: `unit` "cells", "cells/kg" or "cells/joint" (a concentration × volume is the derived
    dose); `value` is None when the exponent was lost ("1 × 10 MSCs/kg"), with uncertain=True.
    Drugs and other products: `unit` as written, normalised ("mg", "g", "µg", "IU", "mL", "drops",
    "mg/kg", "µg/kg", "mg/m2", "mg/day", "mg/kg/day", ...); `value` is None for a range ("450 to
    600 mg", the note says so). `drug` names what is dosed where the text says it ("tofacitinib",
    "cocoa powder"). `role` is "intervention" (the study's), "comparator" (another drug, a placebo
    or a vehicle) or "background" (therapy the patients were already on: "stable methotrexate");
    only the intervention's doses are the study's doses (`Evidence.to_prediction()["doses"]`).
    `arm` names the arm a dose defines ("cohort A", "brodalumab 50 mg") where there are several.
    """

    value: float | None
    unit: str
    provenance: Provenance
    arm: str | None = None
    n_administrations: int | None = None
    uncertain: bool = False
    note: str | None = None
    drug: str | None = None
    role: Literal["intervention", "comparator", "background"] = "intervention"


@dataclass(frozen=True)
class TimepointValue:
    weeks: float
    text: str
    provenance: Provenance
    low_weeks: float | None = None  # a range "3-6 months": weeks is the upper end


@dataclass(frozen=True)
class OutcomeRow:
    """One measure × arm × timepoint of a record, with the numbers reported for it.

    `measure` is the cleaned name of whatever the text or table names (open vocabulary:
    "WOMAC pain", "Pruritus VAS", "time to first rescue analgesia"); `measure_text` is the name
    as written; `measure_canonical` is the project vocabulary's name (extract/data/measures.json:
    "DAS28", "HAQ", "ACR20", ...) where the name maps onto it, else None. The analysis plan uses
    `measure_canonical`.
    """

    measure: str
    measure_text: str  # as written
    arm: str | None
    n: int | None
    timepoint_weeks: float | None
    timepoint: str | None
    provenance: Provenance
    measure_canonical: str | None = None
    kind: Literal["value", "change", "responders"] | None = None  # what the numbers are
    baseline_mean: float | None = None
    baseline_sd: float | None = None
    followup_mean: float | None = None
    followup_sd: float | None = None
    change_mean: float | None = None
    change_sd: float | None = None
    mean: float | None = None  # a mean whose role (baseline, follow-up, change) is not stated
    sd: float | None = None
    # 95% (or stated-level) confidence intervals of the means above: "mean (95% CI)" cells
    baseline_ci_low: float | None = None
    baseline_ci_high: float | None = None
    followup_ci_low: float | None = None
    followup_ci_high: float | None = None
    change_ci_low: float | None = None
    change_ci_high: float | None = None
    # medians are never means: "median (IQR)" / "median (range)"
    median: float | None = None
    iqr_low: float | None = None
    iqr_high: float | None = None
    range_low: float | None = None
    range_high: float | None = None
    percent_change: float | None = None  # "decreased by 30%": -30.0
    percent_responders: float | None = None
    n_responders: int | None = None
    p_value: str | None = None  # as reported, normalised: "<0.05", "=0.0159"
    # a between-group estimate stated with this row ("MD -1.2 (95% CI -1.9 to -0.5)")
    effect_size: float | None = None
    effect_kind: str | None = None  # MD, SMD, OR, RR, HR, RD, ES, percent difference, ...
    effect_ci_low: float | None = None
    effect_ci_high: float | None = None
    direction: Direction | None = None
    statistic: str | None = None  # "mean (SD)", "mean ± SD", "mean (95% CI)", "median (IQR)", "n (%)", ...
    note: str | None = None
    flags: tuple[str, ...] = ()  # implausible values kept but marked: "responders 25 > n 20"

    NUMBERS = ("baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "change_mean",
               "change_sd", "mean", "sd", "baseline_ci_low", "baseline_ci_high", "followup_ci_low",
               "followup_ci_high", "change_ci_low", "change_ci_high", "median", "iqr_low", "iqr_high",
               "range_low", "range_high", "percent_change", "percent_responders", "n_responders",
               "effect_size", "effect_ci_low", "effect_ci_high")
    FIELDS = ("measure", "measure_text", "measure_canonical", "arm", "n", "timepoint_weeks", "timepoint",
              "kind") + NUMBERS + ("p_value", "effect_kind", "direction", "statistic", "note")

    def to_dict(self) -> dict[str, Any]:
        fields = self.__dict__  # the instance's own fields (read from the dict, not by getattr)
        out = {name: fields[name] for name in self.FIELDS}
        out["flags"] = list(self.flags)
        out["provenance"] = self.provenance.to_dict()
        out["verbatim"] = self.provenance.text
        return out


@dataclass(frozen=True)
class Comparison:
    """One reported between-group comparison: how the intervention arm differed from the
    comparator arm on an outcome ("DAS28 fell more with MSC than with placebo, P < 0.05").

    `label` is the direction of the outcome itself, intervention relative to comparator, with
    statistical significance (Evidence Inference's three labels); `label_basis` holds the words it
    rests on ("significantly lower", "P = 0.01", "did not differ"). `intervention_arm` and
    `comparator_arm` are the names in `Evidence.arms` they were linked to, where they match.
    """

    outcome: str  # cleaned
    outcome_text: str  # as written
    intervention: str | None  # as the paper names it
    comparator: str | None
    label: ComparisonLabel | None
    label_basis: str
    provenance: Provenance
    outcome_canonical: str | None = None
    intervention_arm: str | None = None
    comparator_arm: str | None = None
    timepoint_weeks: float | None = None
    effect_kind: str | None = None  # MD, SMD, OR, RR, HR, RD, percent difference, ...
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: str | None = None  # as written, normalised as in OutcomeRow
    intervention_value: str | None = None  # the arms' own numbers where the sentence or row gives them
    comparator_value: str | None = None
    confidence: float | None = None  # a trained classifier's probability of `label`, where one decided it
    source: str = "rule"  # "rule", "model", "table"

    FIELDS = ("outcome", "outcome_text", "outcome_canonical", "intervention", "comparator", "intervention_arm",
              "comparator_arm", "timepoint_weeks", "label", "label_basis", "effect_kind", "effect", "ci_low",
              "ci_high", "p_value", "intervention_value", "comparator_value", "confidence", "source")

    def to_dict(self) -> dict[str, Any]:
        fields = self.__dict__
        out = {name: fields[name] for name in self.FIELDS}
        out["provenance"] = self.provenance.to_dict()
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
    comparisons: tuple[Comparison, ...] = ()
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
                {"value": d.value, "unit": d.unit, "drug": d.drug, "arm": d.arm,
                 "n_administrations": d.n_administrations, "provenance": d.provenance.to_dict()}
                for d in self.doses if d.value is not None and d.role == "intervention"
            ],
            "doses_uncertain": [
                {"value": d.value, "unit": d.unit, "drug": d.drug, "note": d.note, "provenance": d.provenance.to_dict()}
                for d in self.doses if d.value is None and d.role == "intervention"
            ],
            "other_doses": [  # comparators' and background therapy's doses: not the study's
                {"value": d.value, "unit": d.unit, "drug": d.drug, "role": d.role, "note": d.note,
                 "provenance": d.provenance.to_dict()}
                for d in self.doses if d.role != "intervention"
            ],
            "timepoints_weeks": self.timepoints_weeks,
            "timepoints": [{"weeks": t.weeks, "low_weeks": t.low_weeks, "text": t.text,
                            "provenance": t.provenance.to_dict()} for t in self.timepoints],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "comparisons": [c.to_dict() for c in self.comparisons],
            "safety": [p.to_dict() for p in self.safety],
            "provenance": {k: v.to_dict() for k, v in self.provenance.items()},
            "warnings": list(self.warnings),
            "extractor_version": self.extractor_version,
        }

    def to_dict(self) -> dict[str, Any]:
        return self.to_prediction()
