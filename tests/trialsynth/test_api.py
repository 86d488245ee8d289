"""`trialsynth.open_review(DIR)`: the review's tables as pandas DataFrames, read-only, imported lazily."""
from __future__ import annotations

import subprocess
import sys

import pytest

import trialsynth


def test_importing_trialsynth_stays_light():
    code = ("import sys, trialsynth; trialsynth.__version__; "
            "print(sorted(m for m in ('pandas', 'numpy', 'scipy', 'spacy', 'matplotlib', 'corpus.store') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_open_review_gives_the_tables(demo_review_template):
    review = trialsynth.open_review(demo_review_template)
    evidence = review.evidence
    assert {"record_id", "measure", "arm", "change_mean", "entered_by"} <= set(evidence.columns)
    assert set(evidence["record_id"]) <= set(review.records.loc[review.records["included"], "record_id"])
    results = review.results
    assert len(results) == len(review.pooled) > 0
    assert {"outcome", "window", "measure", "k", "estimate", "ci_low", "ci_high", "tau2", "i2"} <= set(results.columns)
    assert set(review.studies["key"]) == set(results["key"])
    assert len(review.records) == 11 and review.records["included"].sum() == 7
    assert {"record_id", "outcome", "label", "intervention", "comparator"} <= set(review.comparisons.columns)


def test_open_review_writes_nothing(demo_review_template, tmp_path):
    import shutil

    root = tmp_path / "rev"
    shutil.copytree(demo_review_template, root)
    before = {p.name: p.stat().st_mtime_ns for p in root.iterdir()}
    trialsynth.open_review(root).results
    after = {p.name: p.stat().st_mtime_ns for p in root.iterdir() if not p.name.endswith(("-wal", "-shm"))}
    assert after == {k: v for k, v in before.items() if not k.endswith(("-wal", "-shm"))}


def test_open_review_without_a_review_is_an_error(tmp_path):
    from trialsynth.errors import ReviewNotFoundError

    with pytest.raises(ReviewNotFoundError):
        trialsynth.open_review(tmp_path)
