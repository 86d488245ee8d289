"""Living-review benchmark: `trialsynth init` + `update --from` on synthetic reviews, whole processes.

    python bench/review.py [--sizes 1000,20000,100000] [--added 100] [--seed 20240501] [--keep DIR]

For each size N the script writes N synthetic records built from the bundled abstracts
(corpus/snapshots/msc_ra_dev.jsonl), varied so that no two are duplicates: new ids and PMIDs,
first authors and years drawn from lists, titles with a varied phrase, every run of digits in the
abstract replaced by random digits of the same length (sample sizes, means, P values), and the
sentences of two bundled abstracts mixed. Then, each as its own `python -m trialsynth.cli`
process, it runs:

1. `init DIR`
2. `update --review DIR --from big.jsonl`       (the first update: N records)
3. `update --review DIR --from added.jsonl`     (--added new records)
4. `update --review DIR --from added.jsonl`     (nothing new)

and, as the reference in the same run, `extract --input big.jsonl --output -` (the extractor alone
on the same records, no store, no synthesis, no report). For every process it prints CPU seconds
(user + system, from os.wait4), wall seconds and the peak resident memory of the process
(ru_maxrss; the script itself stays small, since a child's count starts from its parent's size
at the fork), as one table. The records are FICTITIOUS (synthetic benchmark data, never a review).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "corpus" / "snapshots" / "msc_ra_dev.jsonl"

SURNAMES = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
            "Zhu", "Hu", "Guo", "He", "Lin", "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon",
            "Jang", "Lim", "Han", "Shin", "Suzuki", "Sato", "Tanaka", "Ito", "Watanabe", "Yamamoto", "Nakamura",
            "Kobayashi", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Johnson",
            "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green",
            "Hall", "Wood", "Harris", "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill",
            "Scott", "Cooper", "Morris", "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan",
            "Patel", "Young", "Allen", "Mitchell", "James", "Anderson", "Phillips", "Lee", "Bell", "Parker",
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
            "Hoffmann", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Garcia", "Fernandez", "Lopez", "Martinez", "Sanchez", "Perez", "Gomez", "Silva", "Santos",
            "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Dubois", "Laurent", "Lefebvre", "Moreau")
WORDS = ("allogeneic", "autologous", "multicentre", "pilot", "open-label", "randomised", "long-term",
         "refractory", "early", "established", "active", "moderate", "severe", "adult", "elderly", "Chinese",
         "Korean", "European", "Iranian", "Spanish", "repeated", "single", "escalating", "low-dose",
         "high-dose", "intra-articular", "intravenous", "placebo-controlled", "follow-up", "extension",
         "phase I", "phase II", "phase I/II", "observational", "prospective", "retrospective", "cohort",
         "biomarker", "immunological", "safety", "efficacy", "tolerability", "feasibility", "outcomes")
DIGITS = re.compile(r"\d+")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def _digits(rng: random.Random):
    def replace(m: re.Match[str]) -> str:
        run = m.group(0)
        first = rng.choice("123456789") if len(run) > 1 and run[0] != "0" else rng.choice("0123456789")
        return first + "".join(rng.choice("0123456789") for _ in run[1:])
    return replace


def synthetic_records(n: int, seed: int, start: int = 0) -> Iterator[dict]:
    """Yield n synthetic record dicts (the tool's JSONL import format), ids start..start+n-1."""
    bases = [json.loads(line) for line in SNAPSHOT.read_text("utf-8").splitlines() if line.strip()]
    rng = random.Random(seed * 1_000_003 + start)
    for i in range(start, start + n):
        base, other = bases[i % len(bases)], bases[rng.randrange(len(bases))]
        ours = SENTENCE.split(base.get("abstract") or "")
        theirs = SENTENCE.split(other.get("abstract") or "")
        mixed = ours[: max(1, len(ours) - 2)] + theirs[-2:] if len(theirs) > 2 else ours
        abstract = DIGITS.sub(_digits(rng), " ".join(mixed))
        phrase = " ".join(rng.sample(WORDS, 3))
        title = f"{DIGITS.sub(_digits(rng), base['title'])}: a {phrase} study ({rng.randrange(10**6):06d})"
        yield {"id": f"syn{i:07d}", "ids": {"pmid": str(50_000_000 + i)}, "title": title,
               "authors": [f"{rng.choice(SURNAMES)} {rng.choice('ABCDEFGHJKLMNPRSTWXYZ')}"
                           f"{rng.choice('ABCDEFGHJKLMNPRSTWXYZ')}"],
               "year": rng.randrange(2000, 2026), "journal": base.get("journal") or "Synthetic Journal",
               "abstract": abstract, "note": "FICTITIOUS synthetic benchmark record"}


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    """Write the records one line at a time (this process stays small: a child's peak RSS, as the
    kernel counts it, starts from its parent's size at the fork)."""
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def timed(args: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Run `python -m trialsynth.cli ARGS`; return (cpu s, wall s, peak RSS MB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "trialsynth.cli", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(f"  ! {' '.join(args[:3])} exited {proc.returncode}: {err.strip()[-300:]}", file=sys.stderr)
    rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return usage.ru_utime + usage.ru_stime, wall, rss, proc.returncode


def run_size(n: int, added: int, seed: int, folder: Path) -> list[tuple[str, float, float, float, int]]:
    big, extra = folder / f"big_{n}.jsonl", folder / f"added_{n}.jsonl"
    write_jsonl(big, synthetic_records(n, seed))
    write_jsonl(extra, synthetic_records(added, seed, start=n))
    review = folder / f"review_{n}"
    shutil.rmtree(review, ignore_errors=True)
    rows = []
    steps = [("reference: extract --input (extractor alone)", ["extract", "--input", str(big), "--output",
                                                               str(folder / f"pred_{n}.jsonl")]),
             ("init", ["init", str(review)]),
             (f"first update ({n:,} records)", ["update", "--review", str(review), "--from", str(big)]),
             (f"update +{added} records", ["update", "--review", str(review), "--from", str(extra)]),
             ("update, nothing new", ["update", "--review", str(review), "--from", str(extra)])]
    for label, args in steps:
        cpu, wall, rss, code = timed(args, ROOT)
        rows.append((label, cpu, wall, rss, code))
        print(f"  {n:>7,}  {label:<48} {cpu:8.1f} {wall:8.1f} {rss:8.0f}{'' if code == 0 else '  (failed)'}",
              flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,20000,100000", help="review sizes (comma-separated)")
    parser.add_argument("--added", type=int, default=100, help="records added by the second update")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; CPU = user + system seconds of the "
          "whole process, RSS = its peak resident memory")
    print(f"  {'records':>7}  {'step':<48} {'CPU s':>8} {'wall s':>8} {'RSS MB':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            run_size(n, args.added, args.seed, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
