"""analysis.distributions (pure-math normal, t, chi² and F functions) against scipy.special / scipy.stats."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis import distributions as d

RTOL = 1e-11          # relative agreement with scipy over the ranges meta-analysis uses
DFS = [1, 2, 3, 4, 5, 9, 12, 30, 199, 1999, 19999]


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def test_normal_tails_and_quantiles():
    for z in np.linspace(-30, 30, 601):
        assert rel(d.norm_sf(z), stats.norm.sf(z)) < RTOL
        assert rel(d.norm_cdf(z), stats.norm.cdf(z)) < RTOL
    for p in np.concatenate([np.logspace(-300, -1, 60), np.linspace(0.01, 0.99, 99)]):
        assert rel(d.norm_ppf(p), stats.norm.ppf(p)) < 1e-14
        assert rel(d.norm_isf(p), stats.norm.isf(p)) < 1e-14
    assert d.norm_ppf(0.0) == -math.inf and d.norm_ppf(1.0) == math.inf
    with pytest.raises(ValueError):
        d.norm_ppf(1.5)


@pytest.mark.parametrize("df", DFS)
def test_chi2(df):
    for x in np.concatenate([np.logspace(-4, 1, 40) * df, [df - 0.5, df, df + 0.5]]):
        if x <= 0:
            continue
        assert rel(d.chi2_sf(x, df), stats.chi2.sf(x, df)) < 1e-9 or stats.chi2.sf(x, df) < 1e-250
        assert rel(d.chi2_cdf(x, df), stats.chi2.cdf(x, df)) < 1e-9 or stats.chi2.cdf(x, df) < 1e-250
    for p in (1e-10, 0.0005, 0.005, 0.025, 0.05, 0.1, 0.5, 0.9, 0.95, 0.975):
        assert rel(d.chi2_ppf(p, df), stats.chi2.ppf(p, df)) < RTOL
        assert rel(d.chi2_isf(p, df), stats.chi2.isf(p, df)) < RTOL


@pytest.mark.parametrize("df", DFS)
def test_t(df):
    for t in np.concatenate([np.linspace(-40, 40, 161), [0.001, 1e3]]):
        assert rel(d.t_sf(t, df), stats.t.sf(t, df)) < 1e-10
    for p in (1e-12, 0.0005, 0.005, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.975):
        assert rel(d.t_isf(p, df), stats.t.isf(p, df)) < 1e-10


@pytest.mark.parametrize("df2", DFS)
def test_f(df2):
    for df1 in (1, 2, 3, 5, 12):
        for f in np.logspace(-4, 3, 30):
            assert rel(d.f_sf(f, df1, df2), stats.f.sf(f, df1, df2)) < 1e-10 or stats.f.sf(f, df1, df2) < 1e-250
    assert d.f_sf(0.0, 2, 10) == 1.0 and d.f_sf(math.inf, 2, 10) == 0.0


def test_importing_it_loads_no_scipy():
    import subprocess
    import sys
    code = "import sys, analysis.distributions, analysis.pooling; print('scipy' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
