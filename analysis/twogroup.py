"""Two-group tests and intervals from summary numbers: what a reviewer computes when a trial gives each
arm's numbers and no test between them.

- `wilson(x, n, level)`: Wilson's score interval of a proportion (Wilson 1927, JASA 22:209);
- `newcombe_rd_ci(a, n1, c, n2, level)`: the risk difference a/n1 - c/n2 with Newcombe's hybrid score
  interval (Newcombe RG, Stat Med 1998;17:873-90, method 10), which keeps its coverage with few events
  and with none, where the Wald interval collapses;
- `fisher_exact_p(a, n1, c, n2)`: the two-sided P of Fisher's exact test, as R's fisher.test;
- `welch(m1, sd1, n1, m2, sd2, n2, level)`: Welch's t-test from means, SDs and sizes, as R's t.test.

Pure functions of numbers; nothing is fitted and nothing prints.
"""
from __future__ import annotations

import math
from functools import lru_cache

__all__ = ["fisher_exact_p", "newcombe_rd_ci", "welch", "wilson"]

_Z = {95.0: 1.959963984540054}


def _z(level: float) -> float:
    if level not in _Z:
        from analysis.distributions import norm_isf

        _Z[level] = norm_isf((1 - level / 100) / 2)
    return _Z[level]


def wilson(x: int, n: int, level: float = 95.0) -> tuple[float, float]:
    """Wilson score interval for the binomial proportion x/n (Wilson 1927, JASA 22:209)."""
    z = _z(level)
    phat = x / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_rd_ci(a: int, n1: int, c: int, n2: int, level: float = 95.0) -> tuple[float, float]:
    """CI of the risk difference a/n1 - c/n2 by Newcombe's hybrid score method (Newcombe 1998, method 10):
    from the two Wilson intervals (l1, u1), (l2, u2), d - sqrt((p1 - l1)² + (u2 - p2)²) to
    d + sqrt((u1 - p1)² + (p2 - l2)²)."""
    p1, p2 = a / n1, c / n2
    (l1, u1), (l2, u2) = wilson(a, n1, level), wilson(c, n2, level)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


@lru_cache(maxsize=4096)  # a review's table and its synthesis ask for the same tables
def fisher_exact_p(a: int, n1: int, c: int, n2: int) -> float:
    """Two-sided P of Fisher's exact test of a/n1 against c/n2 (R's fisher.test on the 2 x 2 table).

    The sum of the hypergeometric probabilities of the tables with the observed margins that are no
    more probable than the observed one (relative tolerance 1e-7, as R and SciPy use).
    """
    m, total = a + c, n1 + n2
    low, high = max(0, m - n2), min(n1, m)
    const = math.lgamma(m + 1) + math.lgamma(total - m + 1) - math.lgamma(total + 1) \
        + math.lgamma(n1 + 1) + math.lgamma(n2 + 1)

    def log_p(x: int) -> float:  # the hypergeometric log-probability of x events in group 1
        return const - math.lgamma(x + 1) - math.lgamma(n1 - x + 1) - math.lgamma(m - x + 1) \
            - math.lgamma(n2 - m + x + 1)
    cut = log_p(a) + math.log1p(1e-7)
    p = sum(math.exp(lp) for lp in (log_p(x) for x in range(low, high + 1)) if lp <= cut)
    return min(1.0, p)


def welch(m1: float, sd1: float, n1: int, m2: float, sd2: float, n2: int, level: float = 95.0
          ) -> tuple[float, float, float] | None:
    """Welch's t-test of two groups from their means, SDs and sizes (Welch 1947; Satterthwaite degrees of
    freedom), as R's t.test and scipy.stats.ttest_ind_from_stats(equal_var=False): (two-sided P, CI of
    m1 - m2 at `level`); None without variance or with a group under 2."""
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    if v1 + v2 <= 0 or n1 < 2 or n2 < 2:
        return None
    from analysis.distributions import t_isf, t_sf

    se = math.sqrt(v1 + v2)
    d = m1 - m2
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    p = min(1.0, 2 * t_sf(abs(d / se), df))
    q = t_isf((1 - level / 100) / 2, df)
    return p, d - q * se, d + q * se

