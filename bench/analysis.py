"""Meta-analysis benchmark: rma at k = 10 ... 20,000 beside PyMARE and statsmodels, and the `trialsynth pool` process.

    python bench/analysis.py [--ks 10,200,2000,20000] [--repeat 5] [--seed 20240501]
                             [--baseline REV] [--baseline-max-k 2000] [--pool-runs 5] [--suite]

Simulated data (fixed seed): true effects N(0.3, 0.2²), sampling variances U(0.01, 0.2), observed
yi ~ N(true effect, vi). Three tables, in one run:

1. `rma` per k: REML with its Q-profile tau² CI (trialsynth's default) beside PyMARE's
   VarianceBasedLikelihoodEstimator("REML") + get_re_stats() (its Q-profile CI), and DL (no CI)
   beside PyMARE's DerSimonianLaird and statsmodels' combine_effects(method_re="chi2"). Time is the
   best of --repeat in-process runs (time.perf_counter); |d ...| are the largest absolute differences
   of the estimate, tau² and the tau² CI bounds from ours, and "ours/peer" the time ratio.
   With --baseline REV (a git revision, e.g. the commit before a change) the same rma calls are
   timed on that revision's code in a child process, so before and after come from the same run;
   k above --baseline-max-k is skipped there when that code forms k x k matrices.
2. the whole `python -m trialsynth.cli pool data.csv --measure RR` process at k = 10, CPU time
   (user + sys of the child, resource.getrusage) and wall time, median of --pool-runs, beside the
   interpreter alone, `import numpy`, a PyMARE script doing the same job, and the baseline revision.
3. with --suite, the older sensitivity suite at the first k: all nine estimators, leave-one-out and
   cumulative beside the peers.

PyMARE's REML maximises the likelihood with a numerical optimiser and metafor (whose results
trialsynth reproduces) stops Fisher scoring when tau² changes by less than 1e-5, so their tau² can
differ in the 6th-7th digit; DL is a closed form and agrees to rounding.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.pooling import ESTIMATORS, rma  # noqa: E402

REML_TARGET_MS = 50.0     # issue 14: rma REML with its tau² CI at k = 2,000
POOL_TARGET_S = 0.5       # issue 14: `trialsynth pool` at k = 10, CPU seconds


def simulate(k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (yi, vi): true effects N(0.3, 0.2²), vi ~ U(0.01, 0.2), yi ~ N(true, vi)."""
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.3, 0.2, k)
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
    return f"{seconds * 1000:10.2f} ms"


# ------------------------------------------------------------------------------------------ the fits

def ours_reml(y, v):
    r = rma(y, v, method="REML")
    return r.estimate, r.tau2, r.tau2_ci_low, r.tau2_ci_high


def ours_dl(y, v):
    r = rma(y, v, method="DL", tau2_ci=False)
    return r.estimate, r.tau2, None, None


def peer_fitters() -> dict[str, dict[str, Callable]]:
    """{"REML": {library: fit}, "DL": {...}} for the peers that import; fit(y, v) -> (est, tau2, lo, hi)."""
    peers: dict[str, dict[str, Callable]] = {"REML": {}, "DL": {}}
    try:
        from pymare import Dataset
        from pymare.estimators import DerSimonianLaird, VarianceBasedLikelihoodEstimator

        def pymare_reml(y, v):
            est = VarianceBasedLikelihoodEstimator(method="REML")
            est.fit_dataset(Dataset(y=y, v=v))
            re = est.summary().get_re_stats()
            return (float(np.ravel(est.params_["fe_params"])[0]), float(np.ravel(est.params_["tau2"])[0]),
                    float(np.ravel(re["ci_l"])[0]), float(np.ravel(re["ci_u"])[0]))

        def pymare_dl(y, v):
            est = DerSimonianLaird()
            est.fit(y=y[:, None], v=v[:, None], X=np.ones((len(y), 1)))
            return float(np.ravel(est.params_["fe_params"])[0]), float(np.ravel(est.params_["tau2"])[0]), None, None

        peers["REML"]["PyMARE"] = pymare_reml
        peers["DL"]["PyMARE"] = pymare_dl
    except Exception as exc:   # PyMARE pulls in many dependencies: report any import failure and go on
        print(f"PyMARE not importable ({type(exc).__name__}: {exc}); skipped")
    try:
        from statsmodels.stats.meta_analysis import combine_effects

        def sm_dl(y, v):
            res = combine_effects(y, v, method_re="chi2")
            return float(res.mean_effect_re), max(0.0, float(res.tau2)), None, None

        peers["DL"]["statsmodels"] = sm_dl
    except ImportError as exc:
        print(f"statsmodels not importable ({exc}); skipped")
    return peers


# ----------------------------------------------------------------------------- baseline revision

def extract_revision(rev: str) -> Path:
    """Write the stage packages of git revision `rev` into a temporary folder and return it."""
    target = Path(tempfile.mkdtemp(prefix="trialsynth-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "analysis", "corpus",
                              "extract", "trialsynth"], capture_output=True, check=True)
    with tarfile.open(fileobj=__import__("io").BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


_BASELINE_SCRIPT = """
import json, sys, time
import numpy as np
from analysis.pooling import rma
ks, repeat, seed, max_k = json.loads(sys.argv[1])
out = {}
for k in ks:
    if k > max_k:
        continue
    rng = np.random.default_rng(seed + k)
    theta = rng.normal(0.3, 0.2, k); vi = rng.uniform(0.01, 0.2, k); yi = rng.normal(theta, np.sqrt(vi))
    for method, kw in (("REML", {}), ("DL", {"tau2_ci": False})):
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter(); r = rma(yi, vi, method=method, **kw); best = min(best, time.perf_counter() - t)
        out[f"{k}:{method}"] = [best, r.estimate, r.tau2, r.tau2_ci_low, r.tau2_ci_high]
print(json.dumps(out))
"""


def baseline_timings(path: Path, ks: list[int], repeat: int, seed: int, max_k: int) -> dict:
    done = subprocess.run([sys.executable, "-c", _BASELINE_SCRIPT, json.dumps([ks, repeat, seed, max_k])],
                          capture_output=True, text=True, cwd=path, env={**os.environ, "PYTHONPATH": str(path)},
                          timeout=3600)
    if done.returncode != 0:
        print(f"baseline failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
        return {}
    return json.loads(done.stdout)


# ------------------------------------------------------------------------------------- table 1: rma

def diff(a, b) -> str:
    if a is None or b is None:
        return f"{'':>9}"
    return f"{abs(a - b):9.1e}"


def part_scaling(ks: list[int], repeat: int, seed: int, baseline: dict | None, baseline_label: str,
                 max_k: int) -> list[str]:
    peers = peer_fitters()
    verdicts: list[str] = []
    print(f"\n== 1. rma at k = {', '.join(map(str, ks))}: best of {repeat} in-process runs ==")
    print(f"{'k':>6} {'fit':12} {'library':22} {'time':>13} {'ours/peer':>9} {'estimate':>10} {'tau2':>10} "
          f"{'tau2 CI':>21} {'|d est|':>9} {'|d tau2|':>9} {'|d CI|':>9}")
    for k in ks:
        y, v = simulate(k, seed + k)
        for method, ours, label in (("REML", ours_reml, "REML+tau2 CI"), ("DL", ours_dl, "DL")):
            t_ours, mine = best_of(repeat, lambda: ours(y, v))
            ci = f"[{mine[2]:.6f}, {mine[3]:.6f}]" if mine[2] is not None else ""
            print(f"{k:>6} {label:12} {'trialsynth':22} {ms(t_ours)} {'':>9} {mine[0]:10.6f} {mine[1]:10.6f} {ci:>21}")
            for library, fit in peers[method].items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t_peer, theirs = best_of(repeat, lambda: fit(y, v))
                ci_diff = (max(abs(theirs[2] - mine[2]), abs(theirs[3] - mine[3]))
                           if theirs[2] is not None and mine[2] is not None else None)
                pci = f"[{theirs[2]:.6f}, {theirs[3]:.6f}]" if theirs[2] is not None else ""
                print(f"{'':>6} {'':12} {library:22} {ms(t_peer)} {t_ours / t_peer:9.2f} {theirs[0]:10.6f} "
                      f"{theirs[1]:10.6f} {pci:>21} {diff(theirs[0], mine[0])} {diff(theirs[1], mine[1])} "
                      f"{'' if ci_diff is None else f'{ci_diff:9.1e}'}")
                if library == "PyMARE" and method == "REML":
                    verdicts.append(f"k = {k}: REML+CI {'no slower' if t_ours <= t_peer else 'SLOWER'} than PyMARE "
                                    f"({t_ours * 1000:.2f} vs {t_peer * 1000:.2f} ms)")
            if baseline is not None:
                old = baseline.get(f"{k}:{method}")
                if old is None:
                    print(f"{'':>6} {'':12} {baseline_label[:22]:22} {'skipped':>13}  (k > {max_k}: that code forms "
                          f"k x k matrices, {8 * k * k / 1e9:.1f} GB each)")
                else:
                    oci = f"[{old[3]:.6f}, {old[4]:.6f}]" if old[3] is not None else ""
                    ci_diff = (max(abs(old[3] - mine[2]), abs(old[4] - mine[3]))
                               if old[3] is not None and mine[2] is not None else None)
                    print(f"{'':>6} {'':12} {baseline_label[:22]:22} {ms(old[0])} {t_ours / old[0]:9.2f} "
                          f"{old[1]:10.6f} {old[2]:10.6f} {oci:>21} {diff(old[1], mine[0])} {diff(old[2], mine[1])} "
                          f"{'' if ci_diff is None else f'{ci_diff:9.1e}'}")
            if method == "REML" and k == 2000:
                verdicts.append(f"k = 2000: REML+CI {t_ours * 1000:.2f} ms "
                                f"({'within' if t_ours * 1000 <= REML_TARGET_MS else 'ABOVE'} the {REML_TARGET_MS:g} ms target)")
    return verdicts


# ------------------------------------------------------------------------------ table 2: the process

_PYMARE_POOL = """
import sys
import numpy as np, pandas as pd
from pymare import Dataset
from pymare.estimators import VarianceBasedLikelihoodEstimator
d = pd.read_csv(sys.argv[1])
yi = np.log(d.ai / (d.ai + d.bi)) - np.log(d.ci / (d.ci + d.di))
vi = 1 / d.ai - 1 / (d.ai + d.bi) + 1 / d.ci - 1 / (d.ci + d.di)
est = VarianceBasedLikelihoodEstimator(method="REML").fit_dataset(Dataset(y=yi.to_numpy(), v=vi.to_numpy()))
s = est.summary(); print(s.get_fe_stats()["est"], s.get_re_stats()["ci_u"])
"""


def write_pool_csv(path: Path, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n1, n2 = rng.integers(40, 400, k), rng.integers(40, 400, k)
    p2 = rng.uniform(0.1, 0.4, k)
    p1 = np.clip(p2 * np.exp(rng.normal(-0.3, 0.3, k)), 0.02, 0.9)
    a, c = rng.binomial(n1, p1), rng.binomial(n2, p2)
    lines = ["study,ai,bi,ci,di"] + [f"Study {i + 1},{max(a[i], 1)},{n1[i] - max(a[i], 1)},{max(c[i], 1)},"
                                     f"{n2[i] - max(c[i], 1)}" for i in range(k)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def child_cpu(argv: list[str], cwd: Path, env: dict) -> tuple[float, float, int]:
    """Run argv; return (CPU seconds user + sys of the child, wall seconds, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.returncode


def part_process(runs: int, seed: int, baseline_path: Path | None, baseline_label: str) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="trialsynth-pool-bench-"))
    data = folder / "k10.csv"
    write_pool_csv(data, 10, seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    cases = [("python -c pass (interpreter)", [sys.executable, "-c", "pass"], ROOT, env),
             ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"], ROOT, env),
             ("trialsynth pool (this tree)", [sys.executable, "-m", "trialsynth.cli", "pool", str(data),
                                              "--measure", "RR"], ROOT, env),
             ("trialsynth pool --plot f.png", [sys.executable, "-m", "trialsynth.cli", "pool", str(data),
                                               "--measure", "RR", "--plot", str(folder / "f.png")], ROOT, env)]
    if baseline_path is not None:
        cases.append((f"trialsynth pool ({baseline_label})", [sys.executable, "-m", "trialsynth.cli", "pool",
                                                              str(data), "--measure", "RR"], baseline_path,
                      {**os.environ, "PYTHONPATH": str(baseline_path), "MPLBACKEND": "Agg"}))
    try:
        import pymare  # noqa: F401
        cases.append(("PyMARE script (pandas + REML + CI)", [sys.executable, "-c", _PYMARE_POOL, str(data)], ROOT, env))
    except Exception:
        pass
    print(f"\n== 2. the whole process at k = 10: CPU (user + sys of the child) and wall, median of {runs} runs ==")
    print(f"{'process':40} {'CPU':>9} {'wall':>9} {'CPU/ours':>9}")
    results = {}
    for label, argv, cwd, case_env in cases:
        samples = [child_cpu(argv, cwd, case_env) for _ in range(runs)]
        if any(code != 0 for _, _, code in samples):
            print(f"{label:40} failed (exit {samples[0][2]})")
            continue
        results[label] = (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))
    ours = results.get("trialsynth pool (this tree)", (float("nan"),))[0]
    for label, (cpu, wall) in results.items():
        print(f"{label:40} {cpu:8.3f}s {wall:8.3f}s {cpu / ours:9.2f}")
    return [f"pool at k = 10: {ours:.3f} s CPU ({'within' if ours <= POOL_TARGET_S else 'ABOVE'} the "
            f"{POOL_TARGET_S:g} s target)"]


# ---------------------------------------------------------------------- table 3: the older suite

def part_suite(k: int, repeat: int, seed: int) -> None:
    from analysis.sensitivity import cumulative, leave_one_out

    y, v = simulate(k, seed + k)
    print(f"\n== 3. all estimators at k = {k} (one fit each, tau² CI included), leave-one-out and cumulative ==")
    print(f"{'method':7} {'time':>13} {'estimate':>10} {'tau2':>10}")
    for method in ESTIMATORS:
        try:
            t, res = best_of(repeat, lambda: rma(y, v, method=method))
            print(f"{method:7} {ms(t)} {res.estimate:10.6f} {res.tau2:10.6f}")
        except Exception as exc:
            print(f"{method:7} failed: {exc}")
    for name, fn in (("leave-one-out", leave_one_out), ("cumulative", cumulative)):
        t, _ = best_of(repeat, lambda: fn(y, v, method="REML"))
        print(f"{name} REML ({k} refits): {ms(t)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ks", default="10,200,2000,20000", help="numbers of simulated studies")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing, best kept (default 5)")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--baseline", metavar="REV", help="a git revision to time beside this tree (e.g. main)")
    parser.add_argument("--baseline-max-k", type=int, default=2000,
                        help="largest k timed on the baseline (its k x k matrices; default 2000)")
    parser.add_argument("--pool-runs", type=int, default=5, help="runs of the pool process (median kept)")
    parser.add_argument("--suite", action="store_true", help="also run the estimator / refit suite at the first k")
    args = parser.parse_args(argv)
    ks = [int(x) for x in args.ks.split(",") if x.strip()]
    import scipy
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}; "
          f"seed {args.seed}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    baseline_path = baseline = None
    label = ""
    if args.baseline:
        baseline_path = extract_revision(args.baseline)
        label = f"baseline {args.baseline}"
        baseline = baseline_timings(baseline_path, ks, args.repeat, args.seed, args.baseline_max_k)
    t0 = time.perf_counter()
    verdicts = part_scaling(ks, args.repeat, args.seed, baseline, label, args.baseline_max_k)
    verdicts += part_process(args.pool_runs, args.seed, baseline_path, label)
    if args.suite:
        part_suite(ks[0], args.repeat, args.seed)
    print("\n== targets (issue 14) ==")
    for line in verdicts:
        print("  " + line)
    print(f"\ntotal wall time {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
