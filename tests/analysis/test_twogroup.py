"""analysis.twogroup: Fisher's exact test and Welch's t-test against base R (tests/reference/
armcompare_reference.R and the JSON it wrote); Newcombe's interval against the worked examples of
Newcombe (1998), Table II; Wilson's interval by hand in tests/analysis/test_votes.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.twogroup import fisher_exact_p, newcombe_rd_ci, welch, wilson

REFERENCE = json.loads((Path(__file__).resolve().parents[1] / "reference" / "armcompare_reference.json")
                       .read_text("utf-8"))


def test_fisher_exact_p_matches_r_fisher_test():
    for case in REFERENCE["fisher"]:
        got = fisher_exact_p(case["a"], case["n1"], case["c"], case["n2"])
        assert got == pytest.approx(case["p"], rel=1e-9, abs=1e-12), case


def test_welch_matches_r_t_test():
    for case in REFERENCE["welch"]:
        p, low, high = welch(case["m1"], case["sd1"], case["n1"], case["m2"], case["sd2"], case["n2"])
        assert (p, low, high) == pytest.approx((case["p"], case["ci_low"], case["ci_high"]), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("a, n1, c, n2, low, high", [
    (56, 70, 48, 80, 0.0524, 0.3339),   # Newcombe 1998, Table II, example (a)
    (9, 10, 3, 10, 0.1705, 0.8090),     # (b)
    (5, 56, 0, 29, -0.0381, 0.1926),    # (d): no events in one group
])
def test_newcombe_interval_matches_the_published_examples(a, n1, c, n2, low, high):
    assert newcombe_rd_ci(a, n1, c, n2) == pytest.approx((low, high), abs=5e-5)




def test_wilson_at_another_level_is_wider_at_a_higher_level():
    assert wilson(3, 10, 99.0)[0] < wilson(3, 10)[0] and wilson(3, 10, 99.0)[1] > wilson(3, 10)[1]
    # R: prop.test(0, 7, correct = FALSE)$conf.int = 0.0000000000 0.3543304351
    assert wilson(0, 7) == pytest.approx((0.0, 0.3543304351), abs=1e-10)


def test_welch_without_variance_or_with_a_single_value_gives_no_test():
    assert welch(1.0, 0.0, 5, 1.0, 0.0, 5) is None and welch(1.0, 1.0, 1, 2.0, 1.0, 5) is None
