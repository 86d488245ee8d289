"""The trained comparison models, read from `extract/data/comparisons_model.json` (the ranker runs with numpy).

The file is written by `scripts/train_comparisons.py` (scikit-learn logistic regressions, trained
on the Evidence Inference 2.0 training split: see the file's "source" and "licence"). It holds
plain numbers only, no pickle, so loading it runs no code:

- `ranker`: a logistic regression over `extract.ranking.FEATURES` (standardised with the stored
  mean and scale): how likely a passage is the evidence for a prompt;
- `significance`: a binary logistic regression over the sparse features of
  `extract.labelling.label_features` (vocabulary -> weight): P(a significant difference);
- `direction`: the same over the significant examples: P(significantly increased) against
  P(significantly decreased);
- `aggregate`: how many top-ranked passages vote on a prompt's label (`top_k`) and how sharply
  their votes follow the ranker (`temperature`).

`load_model()` reads the shipped file once (cached); `ComparisonModel.from_dict` reads any dict of
that format (tests build tiny ones).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import mul
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from extract.errors import ExtractionError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["LABELS", "MODEL_FORMAT", "ROW_RULE_CONFIDENCE", "ComparisonModel", "SparseLogistic", "load_model"]

MODEL_FORMAT = "trialsynth-comparisons/1"
LABELS = ("no significant difference", "significantly decreased", "significantly increased")
ROW_RULE_CONFIDENCE = 0.85
MODEL_FILE = "comparisons_model.json"


@dataclass(frozen=True)
class SparseLogistic:
    """A binary logistic regression over named sparse features: sigmoid(intercept + sum w[f] * v)."""

    weights: Mapping[str, float]
    intercept: float

    def logit(self, features: Mapping[str, float]) -> float:
        # the same products summed in the same order as a generator over the items, stepped in C
        return self.intercept + sum(map(mul, map(self.weights.get, features.keys(), repeat(0.0)), features.values()))

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "SparseLogistic":
        vocabulary, coef = d["vocabulary"], d["coef"]
        if len(vocabulary) != len(coef):
            raise ExtractionError(f"comparison model: {len(vocabulary)} feature names but {len(coef)} weights; "
                                  "retrain with scripts/train_comparisons.py.")
        return cls(dict(zip(vocabulary, map(float, coef))), float(d["intercept"]))


def _check_ranker_features(names: Sequence[str], expected: Sequence[str]) -> None:
    if tuple(names) != tuple(expected):
        raise ExtractionError("comparison model: its ranker features differ from extract.ranking.FEATURES; "
                              "retrain with scripts/train_comparisons.py.")


@dataclass(frozen=True)
class ComparisonModel:
    ranker_features: tuple[str, ...]
    # plain floats: numpy is imported only when the ranker runs (the abstract path never ranks)
    ranker_mean: tuple[float, ...]
    ranker_scale: tuple[float, ...]
    ranker_coef: tuple[float, ...]
    ranker_intercept: float
    significance: SparseLogistic
    direction: SparseLogistic  # P(significantly increased | significant)
    top_k: int = 5
    temperature: float = 1.0
    source: str = ""

    def rank_scores(self, X: np.ndarray) -> np.ndarray:
        """The ranker's logit for each row of a (passages x ranker_features) matrix."""
        import numpy as np

        mean, scale, coef = (np.asarray(v, float) for v in (self.ranker_mean, self.ranker_scale, self.ranker_coef))
        return ((X - mean) / scale) @ coef + self.ranker_intercept

    def label_probabilities(self, features: Mapping[str, float], row: bool = False) -> tuple[float, float, float]:
        """(P no significant difference, P significantly decreased, P significantly increased).

        For a table row whose arm columns and P column give a label by rule
        (extract.labelling.rule_label), that label gets ROW_RULE_CONFIDENCE: the training split
        holds too few table-row evidence strings (27 matched to their full text's row) for the
        classifiers to learn the row features, and the rule was right on 13 of the 15 it labelled."""
        if row:
            from extract.labelling import rule_label

            label = rule_label(features)
            if label is not None:
                rest = (1.0 - ROW_RULE_CONFIDENCE) / 2
                return tuple(ROW_RULE_CONFIDENCE if lab == label else rest  # type: ignore[return-value]
                             for lab in LABELS)
        sig = self.significance.probability(features)
        up = self.direction.probability(features)
        return 1.0 - sig, sig * (1.0 - up), sig * up

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], expected_features: Sequence[str] | None = None) -> "ComparisonModel":
        """Raises ExtractionError when the dict is not a model of MODEL_FORMAT or its ranker was
        trained on other features than `expected_features`."""
        if d.get("format") != MODEL_FORMAT:
            raise ExtractionError(f"comparison model: format {d.get('format')!r} is not {MODEL_FORMAT!r}; "
                                  "retrain with scripts/train_comparisons.py.")
        r = d["ranker"]
        names = tuple(r["features"])
        if expected_features is not None:
            _check_ranker_features(names, expected_features)
        agg = d.get("aggregate", {})
        return cls(names, tuple(map(float, r["mean"])), tuple(map(float, r["scale"])), tuple(map(float, r["coef"])),
                   float(r["intercept"]), SparseLogistic.from_dict(d["significance"]),
                   SparseLogistic.from_dict(d["direction"]), int(agg.get("top_k", 5)),
                   float(agg.get("temperature", 1.0)), str(d.get("source", "")))


def load_model(ranker: bool = True) -> ComparisonModel:
    """The shipped model (read once). Raises ExtractionError when the file is missing or unreadable, or
    (unless `ranker` is False: the label models alone are wanted) when its ranker was trained on other
    features than extract.ranking.FEATURES. ranker=False spares the abstract path numpy's import."""
    model = _shipped_model()
    if ranker:
        from extract.ranking import FEATURES

        _check_ranker_features(model.ranker_features, FEATURES)
    return model


@lru_cache(maxsize=1)
def _shipped_model() -> ComparisonModel:
    try:
        text = resources.files("extract").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ExtractionError(f"comparison model extract/data/{MODEL_FILE} is missing or unreadable ({exc}); "
                              "reinstall trialsynth or run scripts/train_comparisons.py.") from exc
    return ComparisonModel.from_dict(data)
