"""Extraction benchmark: the whole `trialsynth extract --input` process, beside quantulum3 and spaCy's tokenizer.

    python bench/extract.py [--n 10000] [--quick] [--seed 20240501] [--quantulum-n 300] [--jobs 1]

Texts: --n abstracts varied from the 31 development abstracts of tests/fixtures/extract/ (the 11 MSC-for-RA
abstracts of abstracts_dev.json and the 20 randomised-trial abstracts of abstracts_numbers_dev.json): every
run of digits is replaced by random digits of the same length and a few neighbouring sentences are swapped
(seeded RNG), so no two texts are equal but all read like trial abstracts. They are written to a JSONL file
of {"id", "title", "abstract"} objects, and one run measures, on the same texts:

- the WHOLE extraction process: `python -m trialsynth.cli extract --input FILE --output OUT` as a child
  process (interpreter start-up, imports, reading, extraction, writing the predictions): wall seconds, CPU
  seconds (user + system, from os.wait4), abstracts per second of each, and the child's peak resident
  memory (ru_maxrss);
- quantulum3's `parser.parse(text)` on a --quantulum-n subsample (it is far slower; its rate is per text).
  Where quantulum3's pickled classifier cannot be loaded by the installed scikit-learn, it is run with its
  dictionary disambiguation (classifier.USE_CLF = False) and the table says so;
- spaCy's bare tokenizer: `spacy.blank("en")` over `nlp.pipe(texts)` (the same texts, in this process).

Targets (issue 10): the whole process >= 1,000 abstracts/s on one core and < 1 GB; >= 50x quantulum3's
rate; >= 20% of the bare tokenizer's rate. Machines differ and are shared, so the ratios are the figures to
compare; CPU seconds are less disturbed by other load than wall seconds.
--quick: 500 texts, quantulum3 on 30.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [ROOT / "tests" / "fixtures" / "extract" / "abstracts_dev.json",
            ROOT / "tests" / "fixtures" / "extract" / "abstracts_numbers_dev.json"]
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def vary(text: str, rng: random.Random, swaps: int = 2) -> str:
    """Return `text` with each digit run replaced by random digits of the same length and a few
    neighbouring sentences (within a line) swapped."""
    def digits(m: re.Match[str]) -> str:
        run = m.group(0)
        first = rng.choice("123456789") if len(run) > 1 and run[0] != "0" else rng.choice("0123456789")
        return first + "".join(rng.choice("0123456789") for _ in run[1:])

    lines = []
    for line in _DIGITS.sub(digits, text).split("\n"):
        sentences = _SENTENCE_END.split(line)
        for _ in range(swaps if len(sentences) > 2 else 0):
            i = rng.randrange(len(sentences) - 1)
            sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        lines.append(" ".join(sentences))
    return "\n".join(lines)


def build_corpus(n: int, seed: int) -> list[dict[str, str]]:
    """Return n {"id", "title", "abstract"} records varied from the development abstracts (seeded)."""
    records = [r for path in FIXTURES for r in json.loads(path.read_text("utf-8"))]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        base = records[i % len(records)]
        out.append({"id": f"bench-{i}", "title": vary(base.get("title") or "", rng, swaps=0),
                    "abstract": vary(base.get("abstract") or "", rng)})
    return out


def run_cli(input_path: Path, output_path: Path, jobs: int) -> tuple[float, float, float, int]:
    """Run the whole `trialsynth extract --input` command; return (wall s, CPU s, peak RSS MB, exit code)."""
    cmd = [sys.executable, "-m", "trialsynth.cli", "extract", "--input", str(input_path), "--output",
           str(output_path), "--jobs", str(jobs)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        print(f"trialsynth extract failed ({proc.returncode}): {err[-2000:]}", file=sys.stderr)
    rss = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return wall, usage.ru_utime + usage.ru_stime, rss, proc.returncode


def run_tokenizer(texts: Sequence[str]) -> tuple[float, float, int]:
    """spaCy's bare tokenizer over nlp.pipe; return (wall s, CPU s, tokens)."""
    import spacy
    nlp = spacy.blank("en")
    list(nlp.pipe(texts[:10]))  # warm the tokenizer's caches' code paths
    start, cpu = time.perf_counter(), time.process_time()
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    return time.perf_counter() - start, time.process_time() - cpu, tokens


def run_quantulum(texts: Sequence[str]) -> tuple[float, float, int, list[str]]:
    """quantulum3's parser on each text; return (wall s, CPU s, quantities, notes). Raises ImportError."""
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import classifier, parser
        if classifier.USE_CLF:
            try:
                classifier.classifier("en_US")  # loads the pickled unit classifier
            except Exception as exc:  # noqa: BLE001 - quantulum3's pickle vs the installed scikit-learn
                classifier.USE_CLF = False
                notes.append(f"its classifier could not be loaded ({type(exc).__name__}: {str(exc)[:60]}); run "
                             "with classifier.USE_CLF = False (dictionary disambiguation)")
        parser.parse("The patients lost 2 lb and walked 3 ft; 5 mg was given at 12 weeks.")
    found = failures = 0
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in texts:
            try:
                found += len(parser.parse(text))
            except Exception as exc:  # noqa: BLE001 - a peer's failure is reported, not fatal
                if not failures:
                    notes.append(f"first failure: {type(exc).__name__}: {str(exc)[:80]}")
                failures += 1
    wall, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    if failures:
        notes.append(f"{failures} of {len(texts)} texts raised an error")
    return wall, cpu_s, found, notes


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="abstracts to build and extract (default 10000)")
    ap.add_argument("--quick", action="store_true", help="500 abstracts, quantulum3 on 30")
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--quantulum-n", type=int, default=300, help="quantulum3's subsample (default 300)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes for trialsynth extract (default 1)")
    args = ap.parse_args(argv)
    if args.quick:
        args.n, args.quantulum_n = 500, 30
    if args.n < 1:
        ap.error("--n must be at least 1")

    import spacy
    records = build_corpus(args.n, args.seed)
    texts = [f"{r['title']}\n{r['abstract']}" for r in records]
    chars = sum(len(t) for t in texts)
    print(f"{args.n} abstracts varied from {', '.join(p.name for p in FIXTURES)} (seed {args.seed}; "
          f"{chars / args.n:.0f} characters on average); Python {sys.version.split()[0]}, spaCy {spacy.__version__}, "
          f"{os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")

    with tempfile.TemporaryDirectory(prefix="trialsynth-bench-") as tmp:
        input_path, output_path = Path(tmp) / "abstracts.jsonl", Path(tmp) / "predictions.jsonl"
        with input_path.open("w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r) + "\n")
        ex_wall, ex_cpu, ex_rss, code = run_cli(input_path, output_path, args.jobs)
        rows = 0
        if output_path.exists():
            with output_path.open(encoding="utf-8") as fh:
                rows = sum(len(json.loads(line).get("outcomes") or []) for line in fh if line.strip())
    if code:
        return code

    tok_wall, tok_cpu, tokens = run_tokenizer(texts)
    sample = texts[: min(args.quantulum_n, len(texts))]
    try:
        q_wall, q_cpu, q_found, q_notes = run_quantulum(sample)
        q_ok = True
    except ImportError as exc:
        q_ok, q_notes = False, [f"not run: {exc} (pip install quantulum3)"]
        q_wall = q_cpu = q_found = 0

    print(f"\n{'tool':<46} {'texts':>6} {'wall s':>8} {'CPU s':>8} {'texts/s wall':>13} {'texts/s CPU':>12}  found")
    print(f"{'trialsynth extract --input (whole process)':<46} {args.n:>6} {ex_wall:>8.2f} {ex_cpu:>8.2f} "
          f"{_rate(args.n, ex_wall):>13.1f} {_rate(args.n, ex_cpu):>12.1f}  {rows} outcome rows")
    tok_label = 'spaCy blank("en") tokenizer, nlp.pipe'
    print(f"{tok_label:<46} {args.n:>6} {tok_wall:>8.2f} {tok_cpu:>8.2f} "
          f"{_rate(args.n, tok_wall):>13.1f} {_rate(args.n, tok_cpu):>12.1f}  {tokens} tokens")
    if q_ok:
        print(f"{'quantulum3 parser.parse (subsample)':<46} {len(sample):>6} {q_wall:>8.2f} {q_cpu:>8.2f} "
              f"{_rate(len(sample), q_wall):>13.1f} {_rate(len(sample), q_cpu):>12.1f}  {q_found} quantities")
    for note in q_notes:
        print(f"  quantulum3: {note}")

    ex_rate, tok_rate = _rate(args.n, ex_cpu), _rate(args.n, tok_cpu)
    print(f"\nwhole process: {ex_cpu / args.n * 1000:.2f} ms CPU per abstract ({ex_wall / args.n * 1000:.2f} ms wall), "
          f"peak resident memory {ex_rss:.0f} MB")
    checks = [(f"whole process >= 1,000 abstracts/s of CPU time: {ex_rate:.0f}/s", ex_rate >= 1000),
              (f"peak memory < 1 GB: {ex_rss:.0f} MB", ex_rss < 1024),
              (f"whole process >= 20% of the bare tokenizer's rate: {100 * ex_rate / tok_rate:.0f}% "
               f"({ex_rate:.0f} vs {tok_rate:.0f} texts/s of CPU)", ex_rate >= 0.2 * tok_rate)]
    if q_ok and q_cpu > 0:
        q_rate = _rate(len(sample), q_cpu)
        checks.append((f"whole process >= 50x quantulum3: {ex_rate / q_rate:.1f}x ({ex_rate:.0f} vs {q_rate:.1f} "
                       f"texts/s of CPU)", ex_rate >= 50 * q_rate))
    for label, ok in checks:
        print(f"  [{'met' if ok else 'NOT met'}] {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
