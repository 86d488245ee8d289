"""`trialsynth pool` end to end against metafor: every measure x every estimator x {z, knha}.

Inputs are the raw escalc columns of tests/reference/escalc_reference.json (metadat datasets);
expected values come from tests/reference/pool_reference.R (metafor's escalc + rma + confint +
predict). The CLI reads a CSV, computes the effect sizes itself and pools them.
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from trialsynth.cli import main

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
CASES = {c["id"]: c for c in json.loads((REFERENCE / "escalc_reference.json").read_text("utf-8"))["cases"]}
FITS: dict[tuple[str, str], list[dict]] = defaultdict(list)
for fit in json.loads((REFERENCE / "pool_reference.json").read_text("utf-8"))["fits"]:
    FITS[(fit["case"], fit["test"])].append(fit)
RTOL = 1e-6
KEYS = ("estimate", "se", "ci_low", "ci_high", "p_value", "tau2", "tau2_ci_low", "tau2_ci_high", "i2", "h2",
        "q", "q_p", "pi_low", "pi_high")


def write_csv(case: dict, path: Path) -> None:
    inputs = case["inputs"]
    k = len(case["yi"])
    columns = {name: (values if isinstance(values, list) else [values] * k) for name, values in inputs.items()}
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["study", *columns])
        for i in range(k):
            writer.writerow([f"Study {i + 1}", *(columns[name][i] for name in columns)])


def close(ours, theirs, key: str) -> bool:
    if theirs is None:
        return True  # metafor gives no value (e.g. no tau² CI for FE)
    if ours is None:
        return False
    return bool(np.isclose(ours, theirs, rtol=RTOL, atol=1e-10 if key in ("tau2", "tau2_ci_low", "i2") else 1e-12))


@pytest.mark.parametrize("case_id,test", sorted(FITS))
def test_pool_matches_metafor(case_id, test, tmp_path, capsys):
    case = CASES[case_id]
    fits = [f for f in FITS[(case_id, test)] if not f["error"]]
    data = tmp_path / "data.csv"
    write_csv(case, data)
    methods = ",".join(f["method"] for f in fits)
    code = main(["pool", str(data), "--measure", case["measure"], "--method", methods, "--test", test,
                 "--format", "json"])
    assert code == 0, capsys.readouterr().err
    ours = {o["method"]: o for o in json.loads(capsys.readouterr().out)}
    mismatches = []
    for fit in fits:
        got = ours[fit["method"]]
        assert got["k"] == fit["k"] and got["measure"] == case["measure"] and got["test"] == test
        for key in KEYS:
            if not close(got[key], fit[key], key):
                mismatches.append(f"{fit['method']} {key}: ours {got[key]!r}, metafor {fit[key]!r}")
        weights = [s["weight"] for s in got["studies"]]
        if not np.allclose(weights, fit["weights"], rtol=RTOL):
            mismatches.append(f"{fit['method']} weights differ")
    assert not mismatches, "\n".join(mismatches)


def test_reference_covers_every_measure_and_estimator():
    measures = {CASES[case]["measure"] for case, _ in FITS}
    assert measures >= {"GEN", "MD", "SMD", "ROM", "RR", "OR", "RD", "PR", "PLN", "PLO", "PAS", "PFT", "MN",
                        "MC", "SMCR", "SMCC"}
    methods = {f["method"] for fits in FITS.values() for f in fits if not f["error"]}
    assert methods == {"FE", "DL", "REML", "ML", "PM", "HS", "SJ", "HE", "EB"}
