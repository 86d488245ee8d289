"""scripts/train_comparisons.py runs end to end on a tiny sample of the training split (skipped
without ../shared or without scikit-learn, the `train` extra)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from extract.model import ComparisonModel
from extract.ranking import FEATURES

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ROOT.parent / "shared" / "gold" / "evidence_inference_train"


def load_script():
    spec = importlib.util.spec_from_file_location("train_comparisons", ROOT / "scripts" / "train_comparisons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.mark.skipif(not TRAIN.exists(), reason="../shared/gold/evidence_inference_train is not here")
def test_training_runs_end_to_end_on_a_tiny_sample(tmp_path, capsys):
    pytest.importorskip("sklearn")
    script = load_script()
    out = tmp_path / "model.json"
    assert script.main(["--data", str(TRAIN), "--limit", "6", "--cv", "2", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "cv chose top_k=" in printed and "cv macro_f1" in printed
    model = json.loads(out.read_text("utf-8"))
    assert model["training_data"]["full_texts"] == 6
    loaded = ComparisonModel.from_dict(model, FEATURES)
    assert loaded.significance.weights and loaded.direction.weights


def test_training_refuses_the_dev_split(tmp_path, capsys):
    pytest.importorskip("sklearn")
    assert load_script().main(["--data", str(tmp_path / "evidence_inference_dev")]) == 2
    assert "dev split is for measuring only" in capsys.readouterr().err


def test_overlap_counts_tokens_as_the_scorer_does():
    script = load_script()
    assert script.overlap("DAS28 was lower with MSC than placebo", ["DAS28 was lower with MSC"]) == 1.0
    assert script.overlap("too short", ["too short"]) == 0.0  # under 5 tokens


def test_label_examples_keep_each_annotators_label_and_mirror_arm_naming_strings():
    script = load_script()
    prompts = [
        {"prompt_id": 1, "pmcid": "PMC1", "outcome": "pain", "intervention": "MSC", "comparator": "placebo",
         "label": "significantly decreased", "labels": ["significantly decreased", "no significant difference"],
         "evidence": ["Pain was significantly lower with MSC than with placebo (P = 0.01).",
                      "Pain scores were 3.1 and 3.4 (P = 0.2)."]},
        {"prompt_id": 2, "pmcid": "PMC1", "outcome": "pain", "intervention": "MSC", "comparator": "placebo",
         "label": "significantly decreased", "labels": ["significantly decreased", "no significant difference"],
         "evidence": ["only one string for two annotators who disagree"]},
    ]
    X, y, groups = script.label_examples(prompts, {})
    # the first string, its mirror (arms swapped, so an increase), the second string (no arm: no mirror)
    assert y == ["significantly decreased", "significantly increased", "no significant difference"]
    assert groups == ["PMC1"] * 3
    assert X[0].get("dir:intv_down") and X[1].get("dir:intv_up")
