"""Meta-analysis benchmark: a sensitivity suite on k simulated studies, beside statsmodels, PyMARE and PythonMeta.

    python bench/analysis.py [--k 200] [--repeat 3] [--seed 20240501] [--methods FE,DL,REML,ML,PM,HS,SJ,HE,EB]

Simulated data (fixed seed): true effects N(0.3, 0.1²), sampling variances U(0.01, 0.2), observed
yi ~ N(true effect, vi). Prints, for each part, the in-process wall time (time.perf_counter, best of
--repeat) of analysis.pooling.rma, and of the same work in other libraries where they offer the same
estimator, with the largest absolute difference of the pooled estimate and of tau² from ours:
- all 9 tau² estimators, one fit each (statsmodels combine_effects: DL "chi2" and PM "iterated";
  PyMARE: DerSimonianLaird, Hedges (= HE), VarianceBasedLikelihoodEstimator ML and REML);
- leave-one-out (k refits) and cumulative (k steps) for --methods, with analysis.sensitivity's
  leave_one_out / cumulative when importable (else a loop over rma), and loops over the other libraries;
- PythonMeta's DL random-effects pooling (it takes group summaries: the yi/vi are encoded as
  two-group means with equal SDs, so its MD equals yi and its variance vi).
statsmodels' "dl" tau² is not truncated at 0 (it can be negative); PyMARE's ML/REML use a numeric optimiser
rather than metafor's Fisher scoring, so small differences are expected there.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.pooling import ESTIMATORS, rma  # noqa: E402


def simulate(k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (yi, vi): true effects N(0.3, 0.1²), vi ~ U(0.01, 0.2), yi ~ N(true, vi)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.3, 0.1, k)
    vi = rng.uniform(0.01, 0.2, k)
    return rng.normal(theta, np.sqrt(vi)), vi


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, object]:
    """Return (best wall time in seconds over `repeat` runs, the last run's result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = work()
        best = min(best, time.perf_counter() - start)
    return best, out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f} ms"


# ------------------------------------------------------------------------------- other libraries

def other_fitters() -> dict[str, dict[str, Callable]]:
    """Our estimator name -> {library label: fit(yi, vi) -> (estimate, tau2)}, for the libraries that import."""
    fitters: dict[str, dict[str, Callable]] = {m: {} for m in ESTIMATORS}
    try:
        from statsmodels.stats.meta_analysis import combine_effects

        def sm(method_re):
            def fit(y, v):
                res = combine_effects(y, v, method_re=method_re)
                return float(res.mean_effect_re), float(res.tau2)
            return fit
        fitters["DL"]["statsmodels"] = sm("chi2")
        fitters["PM"]["statsmodels"] = sm("iterated")
    except ImportError as exc:
        print(f"statsmodels not importable ({exc}); skipped")
    try:
        from pymare.estimators import DerSimonianLaird, Hedges, VarianceBasedLikelihoodEstimator

        def pm(make):
            def fit(y, v):
                est = make()
                est.fit(y=y[:, None], v=v[:, None], X=np.ones((len(y), 1)))
                return float(np.ravel(est.params_["fe_params"])[0]), float(np.ravel(est.params_["tau2"])[0])
            return fit
        fitters["DL"]["PyMARE"] = pm(DerSimonianLaird)
        fitters["HE"]["PyMARE"] = pm(Hedges)
        fitters["ML"]["PyMARE"] = pm(lambda: VarianceBasedLikelihoodEstimator(method="ML"))
        fitters["REML"]["PyMARE"] = pm(lambda: VarianceBasedLikelihoodEstimator(method="REML"))
    except Exception as exc:   # PyMARE pulls in many dependencies: report any import failure and go on
        print(f"PyMARE not importable ({type(exc).__name__}: {exc}); skipped")
    return fitters


def ours(method: str) -> Callable:
    def fit(y, v):
        r = rma(y, v, method=method)
        return r.estimate, r.tau2
    return fit


# ------------------------------------------------------------------------------------------- parts

def part_estimators(yi, vi, repeat: int, fitters) -> None:
    print(f"\n== all estimators, one fit of k = {len(yi)} studies ==")
    print(f"{'method':7} {'library':12} {'time':>12} {'estimate':>10} {'tau2':>10} {'|d est|':>9} {'|d tau2|':>9}")
    for method in ESTIMATORS:
        t, mine = best_of(repeat, lambda: rma(yi, vi, method=method))
        print(f"{method:7} {'trialsynth':12} {ms(t)} {mine.estimate:10.6f} {mine.tau2:10.6f}")
        for library, fit in fitters[method].items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t, (est, tau2) = best_of(repeat, lambda: fit(yi, vi))
            print(f"{'':7} {library:12} {ms(t)} {est:10.6f} {tau2:10.6f} {abs(est - mine.estimate):9.2e} "
                  f"{abs(tau2 - mine.tau2):9.2e}")


def _sensitivity_functions():
    try:
        from analysis.sensitivity import cumulative, leave_one_out
        return leave_one_out, cumulative, "analysis.sensitivity"
    except ImportError:
        return None, None, "a loop over rma (analysis.sensitivity not importable)"


def _subsets(k: int, kind: str) -> list[np.ndarray]:
    if kind == "leave-one-out":
        return [np.delete(np.arange(k), i) for i in range(k)]
    return [np.arange(j) for j in range(2, k + 1)]   # cumulative steps with at least 2 studies


def part_refits(yi, vi, repeat: int, methods: list[str], fitters) -> None:
    loo, cum, source = _sensitivity_functions()
    k = len(yi)
    for kind, ours_fn in (("leave-one-out", loo), ("cumulative", cum)):
        subsets = _subsets(k, kind)
        print(f"\n== {kind}: {len(subsets) + (1 if kind == 'cumulative' else 0)} refits of up to k = {k} "
              f"(ours via {source}) ==")
        print(f"{'method':7} {'library':12} {'time':>12} {'max |d est|':>12} {'max |d tau2|':>13}")
        for method in methods:
            if ours_fn is not None:
                t, table = best_of(repeat, lambda: ours_fn(yi, vi, method=method))
                est = np.asarray(table.estimate, float)
                tau2 = np.asarray(table.tau2, float)
                if kind == "cumulative":   # row 0 is the single first study; compare steps with >= 2 studies
                    est, tau2 = est[1:], tau2[1:]
            else:
                def loop():
                    fits = [rma(yi[s], vi[s], method=method) for s in subsets]
                    return np.array([f.estimate for f in fits]), np.array([f.tau2 for f in fits])
                t, (est, tau2) = best_of(repeat, loop)
            print(f"{method:7} {'trialsynth':12} {ms(t)}")
            for library, fit in fitters.get(method, {}).items():
                def other_loop():
                    out = [fit(yi[s], vi[s]) for s in subsets]
                    return np.array([o[0] for o in out]), np.array([o[1] for o in out])
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t, (oest, otau2) = best_of(repeat, other_loop)
                negative = int(np.sum(otau2 < 0))
                note = f"  ({negative} refits with tau² < 0: not truncated at 0)" if negative else ""
                print(f"{'':7} {library:12} {ms(t)} {np.max(np.abs(oest - est)):12.2e} "
                      f"{np.max(np.abs(otau2 - tau2)):13.2e}{note}")


def part_pythonmeta(yi, vi, repeat: int) -> None:
    print("\n== PythonMeta: DL random-effects pooling (MD of two-group summaries with yi, vi) ==")
    try:
        import PythonMeta as PMA
    except Exception as exc:
        print(f"PythonMeta not importable ({type(exc).__name__}: {exc}); skipped")
        return
    n = 50
    sd = np.sqrt(vi * n / 2)   # MD variance sd1²/n1 + sd2²/n2 = vi with equal groups of n
    lines = [f"Study{i}, {yi[i]:.15g}, {sd[i]:.15g}, {n}, 0, {sd[i]:.15g}, {n}" for i in range(len(yi))]

    def pool():
        data = PMA.Data()
        data.datatype = "CONT"
        studies = data.getdata(lines)
        meta = PMA.Meta()
        meta.datatype, meta.models, meta.algorithm, meta.effect = "CONT", "Random", "IV", "MD"
        return float(meta.meta(studies)[0][1])
    try:
        t, est = best_of(repeat, pool)
    except Exception as exc:
        print(f"PythonMeta failed ({type(exc).__name__}: {exc}); skipped")
        return
    t_ours, mine = best_of(repeat, lambda: rma(yi, vi, method="DL"))
    print(f"{'trialsynth':12} {ms(t_ours)} estimate {mine.estimate:.6f}")
    print(f"{'PythonMeta':12} {ms(t)} estimate {est:.6f}  |d est| {abs(est - mine.estimate):.2e} "
          "(includes parsing its text input)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=200, help="number of simulated studies (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing, best kept (default 3)")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--methods", default="FE,DL,REML,ML,PM,HS,SJ,HE,EB", help="estimators for leave-one-out and cumulative")
    args = parser.parse_args(argv)
    yi, vi = simulate(args.k, args.seed)
    methods = [m.strip().upper() for m in args.methods.split(",") if m.strip()]
    import numpy
    import scipy
    print(f"k = {args.k} simulated studies (seed {args.seed}), best of {args.repeat}; "
          f"Python {sys.version.split()[0]}, numpy {numpy.__version__}, scipy {scipy.__version__}")
    fitters = other_fitters()
    t0 = time.perf_counter()
    part_estimators(yi, vi, args.repeat, fitters)
    part_refits(yi, vi, args.repeat, methods, fitters)
    part_pythonmeta(yi, vi, args.repeat)
    print(f"\ntotal wall time {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
