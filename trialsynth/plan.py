"""The analysis plan: which outcomes are pooled, how, over which timepoint windows (review.toml).

    [analysis]
    method = "REML"            # tau² estimator (FE, DL, REML, ML, PM, HS, SJ, HE, EB)
    test = "knha"              # Knapp-Hartung (or "z"); Cochrane's current recommendation
    prediction_interval = true
    assumed_r = 0.5            # pre-post correlation when a study gives baseline and follow-up SDs only
    windows = [[0, 12, "≤ 12 weeks"], [12, 26, "13–26 weeks"], [26, 52, "27–52 weeks"], [52, 10000, "> 52 weeks"]]
    subgroups = ["cell_source", "route", "design"]
    small_study_min_k = 10     # Egger's test only with at least this many studies
    sensitivity_max_k = 200    # leave-one-out and cumulative analyses up to this many studies

    [analysis.outcomes]
    DAS28 = {kind = "continuous", single_arm = "MC", controlled = "MD"}
    ACR20 = {kind = "responder", single_arm = "PLO", controlled = "RR"}

A window (low, high] holds the timepoints with low < weeks <= high. Outcomes not listed use the
defaults of DEFAULT_OUTCOMES when they are named in [outcomes] primary/secondary. `load_plan`
checks every value and says what to fix.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from trialsynth.errors import InputError

__all__ = ["AnalysisPlan", "DEFAULT_OUTCOMES", "DEFAULT_WINDOWS", "OutcomePlan", "load_plan"]

CONTINUOUS_SINGLE = ("MC", "SMCR")
CONTINUOUS_CONTROLLED = ("MD", "SMD")
PROPORTION_SINGLE = ("PLO", "PR", "PFT", "PAS")
PROPORTION_CONTROLLED = ("RR", "OR", "RD")
METHODS = ("FE", "DL", "REML", "ML", "PM", "HS", "SJ", "HE", "EB")

DEFAULT_WINDOWS: tuple[tuple[float, float, str], ...] = (
    (0.0, 12.0, "≤ 12 weeks"), (12.0, 26.0, "13–26 weeks"), (26.0, 52.0, "27–52 weeks"),
    (52.0, 10000.0, "> 52 weeks"))

_CONT = {"kind": "continuous", "single_arm": "MC", "controlled": "MD"}
_RESP = {"kind": "responder", "single_arm": "PLO", "controlled": "RR"}
_SAFE = {"kind": "safety", "single_arm": "PLO", "controlled": "RR"}
DEFAULT_OUTCOMES: dict[str, dict[str, str]] = {
    **{m: dict(_CONT) for m in ("DAS28", "HAQ", "ESR", "CRP", "RF", "anti-CCP", "VAS pain", "SDAI", "CDAI",
                                "TJC", "SJC", "TNF-alpha", "IL-1beta", "IL-6", "IL-10", "IL-17", "Treg", "Th17",
                                "IFN-gamma", "TGF-beta")},
    **{m: dict(_RESP) for m in ("ACR20", "ACR50", "ACR70", "EULAR response", "DAS28 remission")},
    "adverse events": dict(_SAFE),
}
MEASURE_LABELS = {
    "MC": "mean change from baseline (raw units)", "SMCR": "standardised mean change (baseline SD)",
    "MD": "mean difference vs control", "SMD": "standardised mean difference vs control (Hedges' g)",
    "PLO": "proportion (logit scale)", "PR": "proportion", "PFT": "proportion (Freeman-Tukey)",
    "PAS": "proportion (arcsine)", "RR": "risk ratio vs control (log scale)", "OR": "odds ratio vs control (log scale)",
    "RD": "risk difference vs control",
}


@dataclass(frozen=True)
class OutcomePlan:
    name: str
    kind: str  # continuous | responder | safety
    single_arm: str  # escalc measure for single-arm (pre-post or proportion) data
    controlled: str  # escalc measure against a control arm
    better: str | None = None  # "lower" | "higher": which direction is a benefit


@dataclass(frozen=True)
class AnalysisPlan:
    outcomes: tuple[OutcomePlan, ...]
    windows: tuple[tuple[float, float, str], ...] = DEFAULT_WINDOWS
    method: str = "REML"
    test: str = "knha"
    prediction_interval: bool = True
    assumed_r: float = 0.5
    subgroups: tuple[str, ...] = ("cell_source", "route", "design")
    small_study_min_k: int = 10
    extra: Mapping[str, Any] = field(default_factory=dict)
    sensitivity_max_k: int = 200  # leave-one-out and cumulative analyses (k fits each) up to this k

    def outcome(self, name: str) -> OutcomePlan | None:
        for o in self.outcomes:
            if o.name == name:
                return o
        return None

    def window_of(self, weeks: float | None) -> str:
        if weeks is None:
            return "timepoint not stated"
        for low, high, label in self.windows:
            if low < weeks <= high or (weeks == 0 and low == 0):
                return label
        return "timepoint not stated"

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "test": self.test, "prediction_interval": self.prediction_interval,
                "assumed_r": self.assumed_r, "windows": [list(w) for w in self.windows],
                "subgroups": list(self.subgroups), "small_study_min_k": self.small_study_min_k,
                "sensitivity_max_k": self.sensitivity_max_k,
                "outcomes": {o.name: {"kind": o.kind, "single_arm": o.single_arm, "controlled": o.controlled}
                             for o in self.outcomes}}


def _better(name: str) -> str | None:
    from extract.lexer import load_rules  # the extractor's vocabulary says which direction is better

    base = name.replace(" remission", "")
    for m in load_rules("measures")["measures"]:
        if m["name"] == base:
            return "higher" if name.endswith("remission") else m.get("better")
    return None


def _outcome(name: str, spec: Mapping[str, Any], where: str) -> OutcomePlan:
    base = dict(DEFAULT_OUTCOMES.get(name, _CONT))
    unknown = set(spec) - {"kind", "single_arm", "controlled"}
    if unknown:
        raise InputError(f"{where}: unknown key(s) {sorted(unknown)} for outcome {name!r}; use kind, single_arm, "
                         "controlled.")
    base.update({k: str(v) for k, v in spec.items()})
    kind = base["kind"]
    if kind not in ("continuous", "responder", "safety"):
        raise InputError(f"{where}: outcome {name!r} has kind {kind!r}; use continuous, responder or safety.")
    single_ok = CONTINUOUS_SINGLE if kind == "continuous" else PROPORTION_SINGLE
    ctrl_ok = CONTINUOUS_CONTROLLED if kind == "continuous" else PROPORTION_CONTROLLED
    if base["single_arm"] not in single_ok:
        raise InputError(f"{where}: outcome {name!r} ({kind}) single_arm = {base['single_arm']!r}; use one of "
                         f"{', '.join(single_ok)}.")
    if base["controlled"] not in ctrl_ok:
        raise InputError(f"{where}: outcome {name!r} ({kind}) controlled = {base['controlled']!r}; use one of "
                         f"{', '.join(ctrl_ok)}.")
    return OutcomePlan(name, kind, base["single_arm"], base["controlled"], _better(name))


def load_plan(raw: Mapping[str, Any], where: str = "review.toml") -> AnalysisPlan:
    """The plan from a parsed review.toml (its [analysis] and [outcomes] tables); defaults otherwise."""
    section = dict(raw.get("analysis") or {})
    listed = list((raw.get("outcomes") or {}).get("primary", [])) + list(
        (raw.get("outcomes") or {}).get("secondary", []))
    specs: dict[str, Mapping[str, Any]] = dict(section.pop("outcomes", {}) or {})
    names = list(dict.fromkeys([*listed, *specs])) or list(DEFAULT_OUTCOMES)
    outcomes = tuple(_outcome(n, specs.get(n, {}), f"{where} [analysis.outcomes]") for n in names)
    method = str(section.pop("method", "REML")).upper()
    if method not in METHODS:
        raise InputError(f"{where} [analysis]: method {method!r} is not an estimator; use one of {', '.join(METHODS)}.")
    test = str(section.pop("test", "knha"))
    if test not in ("z", "knha"):
        raise InputError(f"{where} [analysis]: test {test!r}; use \"knha\" (Knapp-Hartung) or \"z\".")
    r = float(section.pop("assumed_r", 0.5))
    if not -1 < r < 1:
        raise InputError(f"{where} [analysis]: assumed_r = {r}; a correlation must lie between -1 and 1.")
    windows_raw = section.pop("windows", None)
    windows = DEFAULT_WINDOWS
    if windows_raw is not None:
        try:
            windows = tuple((float(a), float(b), str(c)) for a, b, c in windows_raw)
        except (TypeError, ValueError):
            raise InputError(f"{where} [analysis]: windows must be a list of [low, high, \"label\"] "
                             "(weeks; low < weeks <= high)") from None
        if any(a >= b for a, b, _ in windows):
            raise InputError(f"{where} [analysis]: every window needs low < high (weeks).")
    pi = bool(section.pop("prediction_interval", True))
    subgroups = tuple(str(s) for s in section.pop("subgroups", ("cell_source", "route", "design")))
    min_k = int(section.pop("small_study_min_k", 10))
    max_k = int(section.pop("sensitivity_max_k", 200))
    if max_k < 3:
        raise InputError(f"{where} [analysis]: sensitivity_max_k = {max_k}; leave-one-out needs at least 3 studies, "
                         "so give 3 or more.")
    return AnalysisPlan(outcomes, windows, method, test, pi, r, subgroups, min_k, section, max_k)
