"""str(res) and res.summary() against metafor's print.rma.uni / summary.rma (tests/reference/print_reference.json).

The JSON is written by tests/reference/print_reference.R (metafor 3.8.1, R 4.2.2): R's own printed lines
for 17 models (random, fixed and mixed effects, z and Knapp-Hartung tests, k = 1 and 2, tau² = 0), with
the fit statistics and R² behind them. The text must match line for line, trailing spaces included.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analysis.pooling import rma
from analysis.summary import SummaryText

REFERENCE = Path(__file__).parent.parent / "reference" / "print_reference.json"
REF = json.loads(REFERENCE.read_text("utf-8"))
CASES = REF["cases"]
RTOL_METAFOR = 1e-6


def _fit(case: dict):
    yi = case["yi"] if isinstance(case["yi"], list) else [case["yi"]]
    vi = case["vi"] if isinstance(case["vi"], list) else [case["vi"]]
    return rma(yi, vi, method=case["method"], test=case["test"], mods=case["mods"])


def _lines(text_or_lines) -> list[str]:
    lines = text_or_lines.split("\n") if isinstance(text_or_lines, str) else list(text_or_lines)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_print_matches_metafor(case):
    res = _fit(case)
    assert _lines(str(res)) == _lines(case["print"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_summary_matches_metafor(case):
    res = _fit(case)
    summary = res.summary()
    assert isinstance(summary, SummaryText) and repr(summary) == str(summary)
    assert _lines(summary) == _lines(case["summary"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_fit_statistics_and_r2_match_metafor(case):
    res = _fit(case)
    expected = case["fit_stats_reml"] if case["method"] == "REML" else case["fit_stats_ml"]
    np.testing.assert_allclose([res.loglik, res.deviance, res.aic, res.bic, res.aicc], expected,
                               rtol=RTOL_METAFOR, atol=1e-12)
    if case["mods"] is None:
        assert res.r2 is None
    else:
        np.testing.assert_allclose(res.r2, case["R2"], rtol=RTOL_METAFOR, atol=1e-12)
        assert res.names == ("intrcpt", *case["mods"])


def test_reference_covers_the_layouts():
    ids = {c["id"] for c in CASES}
    assert {"bcg-REML", "bcg-FE", "bcg-ablat-year-REML-knha", "bcg-ablat-FE", "single-FE", "bcg-k2-REML"} <= ids
    assert REF["metafor_version"]
