"""Extraction benchmark: trialsynth's extractor on one core, beside quantulum3 and our bare quantity finders.

    python bench/extract.py [--n 10000] [--quick] [--seed 20240501] [--quantulum-n 500] [--trace-n 2000]

Texts: --n abstracts made from the 11 development abstracts of tests/fixtures/extract/abstracts_dev.json
(a copy of shared/gold/abstracts_dev.json): every run of digits is replaced by random digits of the
same length, and a few neighbouring sentences are swapped (seeded RNG), so no two texts are equal but
all read like trial abstracts. One run measures, in this process:
- trialsynth's `Extractor.pipe(n_process=1)` over all texts: seconds, abstracts/s, the process's peak
  resident memory (resource.getrusage ru_maxrss) after the loop, and the tracemalloc peak of the
  extraction loop on the first --trace-n texts (tracemalloc slows Python down, so that pass is not timed);
- quantulum3's `parser.parse(text)` on a --quantulum-n subsample (it is far slower, so it is not run on
  every text; the table says so);
- extract.quantities' finders alone (find_doses, find_timepoints, find_p_values, find_mean_sd,
  find_percentages) over all texts: the floor under the extractor's rules.
--quick: 500 texts, quantulum3 on 50, tracemalloc on 200.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.evidence import ExtractionInput  # noqa: E402
from extract.pipeline import EXTRACTOR_VERSION, Extractor  # noqa: E402
from extract.quantities import (find_doses, find_mean_sd, find_p_values, find_percentages,  # noqa: E402
                                find_timepoints)

FIXTURE = ROOT / "tests" / "fixtures" / "extract" / "abstracts_dev.json"
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


def build_corpus(n: int, seed: int) -> list[ExtractionInput]:
    """Return n ExtractionInputs varied from the development abstracts (seeded, so repeatable)."""
    records = json.loads(FIXTURE.read_text("utf-8"))
    rng = random.Random(seed)
    out = []
    for i in range(n):
        base = records[i % len(records)]
        out.append(ExtractionInput(id=f"bench-{i}", title=vary(base["title"], rng, swaps=0),
                                   abstract=vary(base["abstract"], rng)))
    return out


def peak_rss_mb() -> float:
    """Return the process's peak resident set size in MB (ru_maxrss is KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def timed(work: Callable[[], int]) -> tuple[float, int]:
    """Return (wall seconds, what `work` returned)."""
    start = time.perf_counter()
    found = work()
    return time.perf_counter() - start, found


def run_extractor(extractor: Extractor, inputs: Sequence[ExtractionInput]) -> int:
    """Extract every input on one core; return the number of outcome rows found."""
    rows = 0
    for evidence in extractor.pipe(inputs, n_process=1):
        rows += len(evidence.outcomes)
    return rows


def run_finders(texts: Sequence[str]) -> int:
    """Run the five quantity finders over every text; return the number of spans found."""
    found = 0
    for text in texts:
        found += (len(find_doses(text)) + len(find_timepoints(text)) + len(find_p_values(text))
                  + len(find_mean_sd(text)) + len(find_percentages(text)))
    return found


def run_quantulum(texts: Sequence[str]) -> tuple[float, int, list[str]]:
    """Parse each text with quantulum3; return (seconds, quantities found, problems). Raises ImportError."""
    problems: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from quantulum3 import parser
        parser.parse("2 x 10^7 cells at 12 weeks")  # loads its unit tables before timing
    problems += [f"warning on import: {w.category.__name__}: {str(w.message).splitlines()[0]}" for w in caught]
    failures = 0
    found = 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in texts:
            try:
                found += len(parser.parse(text))
            except Exception as exc:  # noqa: BLE001 - a peer's failure is reported, not fatal
                if failures == 0:
                    problems.append(f"first failure: {type(exc).__name__}: {exc}")
                failures += 1
    seconds = time.perf_counter() - start
    if failures:
        problems.append(f"{failures} of {len(texts)} texts raised an error")
    return seconds, found, problems


def row(label: str, n: int, seconds: float, found: int | str, note: str = "") -> str:
    rate = f"{n / seconds:10.1f}" if seconds > 0 else "         -"
    return f"{label:<34} {n:>7} {seconds:>9.2f} {rate} {str(found):>8}  {note}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="abstracts to build and extract (default 10000)")
    parser.add_argument("--quick", action="store_true", help="500 abstracts, quantulum3 on 50, tracemalloc on 200")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--quantulum-n", type=int, default=500, help="quantulum3's subsample (default 500)")
    parser.add_argument("--trace-n", type=int, default=2000, help="texts in the tracemalloc pass (default 2000)")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.quantulum_n, args.trace_n = 500, 50, 200
    if args.n < 1:
        parser.error("--n must be at least 1")

    import spacy
    inputs = build_corpus(args.n, args.seed)
    texts = [f"{i.title}\n{i.abstract}" for i in inputs]
    rss_start = peak_rss_mb()
    chars = sum(len(t) for t in texts)
    print(f"{args.n} abstracts varied from {FIXTURE.relative_to(ROOT)} (seed {args.seed}; {chars / args.n:.0f} "
          f"characters on average); Python {sys.version.split()[0]}, spaCy {spacy.__version__}, "
          f"extractor {EXTRACTOR_VERSION}")

    load_seconds, extractor = timed(lambda: Extractor())  # type: ignore[arg-type, return-value]
    warm_seconds, _ = timed(lambda: run_extractor(extractor, inputs[:1]))
    rss_loaded = peak_rss_mb()
    ex_seconds, ex_rows = timed(lambda: run_extractor(extractor, inputs))
    rss_after = peak_rss_mb()

    trace_inputs = inputs[: min(args.trace_n, len(inputs))]
    tracemalloc.start()
    run_extractor(extractor, trace_inputs)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    finder_seconds, finder_found = timed(lambda: run_finders(texts))

    sample = texts[: min(args.quantulum_n, len(texts))]
    try:
        q_seconds, q_found, q_problems = run_quantulum(sample)
        q_line = row("quantulum3 parser.parse", len(sample), q_seconds, q_found,
                     f"subsample of {len(sample)} of {args.n} (too slow for all)")
    except ImportError as exc:
        q_line, q_problems = f"{'quantulum3 parser.parse':<34} not run: {exc} (pip install quantulum3)", []

    print(f"\n{'tool':<34} {'texts':>7} {'seconds':>9} {'texts/s':>10} {'found':>8}  notes")
    print(row("trialsynth Extractor (1 core)", args.n, ex_seconds, ex_rows,
              "found = outcome rows; whole pipeline"))
    print(row("extract.quantities finders only", args.n, finder_seconds, finder_found,
              "found = dose/time/p/mean-sd/% spans"))
    print(q_line)
    for problem in q_problems:
        print(f"  quantulum3: {problem}")

    print(f"\ntrialsynth Extractor: Extractor() {load_seconds:.2f} s, first record (loads the pipeline) "
          f"{warm_seconds * 1000:.0f} ms, "
          f"{ex_seconds / args.n * 1000:.2f} ms per abstract, {chars / ex_seconds / 1000:.0f} k characters/s")
    print(f"peak resident memory (ru_maxrss): {rss_start:.0f} MB with the texts built, {rss_loaded:.0f} MB "
          f"with the extractor loaded, {rss_after:.0f} MB after extracting {args.n} abstracts")
    print(f"tracemalloc peak of the extraction loop: {traced_peak / 1024 / 1024:.1f} MB over "
          f"{len(trace_inputs)} abstracts (untimed pass)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
