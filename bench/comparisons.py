"""Prompt-answering benchmark: the whole `trialsynth extract --input ... --prompts ...` process on
full-text articles, beside references run the same way in the same run.

    python bench/comparisons.py [--split dev|train] [--repeat 3]

Articles: the full texts of shared/gold/evidence_inference_<split> (dev: 111 articles, 300 prompts;
train: the 304 full texts and their 727 prompts), written to a temporary ARTICLES.jsonl
({"id", "title": "", "abstract": "", "full_text_xml"}); the prompts file is the split's own
prompts.jsonl (only the prompts of those articles, for train). Each command runs in its own
`python -m trialsynth.cli` process on one core (--jobs 1); the figures are for the whole process
(start-up, reading, parsing, writing), wall-clock and CPU time (user + system of the child), best of
--repeat runs:

1. `extract --input ARTICLES --prompts PROMPTS --output ANSWERS` (this work);
2. `extract --input ARTICLES --output PREDICTIONS`: the plain extractor over the same articles;
3. spaCy's bare tokenizer (`spacy.blank("en").tokenizer`) over the same articles' body text
   (extract.jats), in its own process: a floor for any pipeline that reads every word.

The machine may be shared: compare the rows of one run (ratios are printed), not runs.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold"

TOKENIZER_SCRIPT = """
import json, sys
import spacy
from extract.jats import parse_jats
nlp = spacy.blank("en")
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    art = parse_jats(json.loads(line)["full_text_xml"])
    for text in (art.abstract, art.body_text):
        n += len(nlp.tokenizer(text))
print(n)
"""


def write_inputs(split: str, folder: Path) -> tuple[Path, Path, int, int]:
    d = GOLD / f"evidence_inference_{split}"
    prompts = [json.loads(line) for line in open(d / "prompts.jsonl", encoding="utf-8") if line.strip()]
    with_text = [p for p in prompts if (d / "xml" / f"{p['pmcid']}.nxml").exists()]
    ids = sorted({p["pmcid"] for p in with_text})
    articles = folder / "articles.jsonl"
    with open(articles, "w", encoding="utf-8") as fh:
        for pmcid in ids:
            xml = (d / "xml" / f"{pmcid}.nxml").read_text(encoding="utf-8")
            fh.write(json.dumps({"id": pmcid, "title": "", "abstract": "", "full_text_xml": xml}) + "\n")
    prompt_file = folder / "prompts.jsonl"
    with open(prompt_file, "w", encoding="utf-8") as fh:
        for p in with_text:
            fh.write(json.dumps({k: p[k] for k in ("prompt_id", "pmcid", "outcome", "intervention", "comparator")})
                     + "\n")
    return articles, prompt_file, len(ids), len(with_text)


def timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run of `cmd`; raises if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=["dev", "train"], default="dev")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not GOLD.exists():
        print(f"bench/comparisons.py: {GOLD} is missing (the shared gold data).", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        articles, prompts, n_articles, n_prompts = write_inputs(args.split, folder)
        py = sys.executable
        runs = {
            "extract --prompts (answers)": [py, "-m", "trialsynth.cli", "extract", "--input", str(articles),
                                            "--prompts", str(prompts), "--output", str(folder / "answers.jsonl")],
            "extract (plain evidence)": [py, "-m", "trialsynth.cli", "extract", "--input", str(articles),
                                         "--output", str(folder / "predictions.jsonl")],
            "spaCy blank tokenizer": [py, "-c", TOKENIZER_SCRIPT, str(articles)],
        }
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                wall, cpu = timed(cmd)
                old = best.get(name)
                best[name] = (min(wall, old[0]), min(cpu, old[1])) if old else (wall, cpu)
    print(f"{args.split}: {n_articles} full-text articles, {n_prompts} prompts; whole process, one core, "
          f"best of {args.repeat}")
    print(f"{'command':30s} {'wall s':>8s} {'cpu s':>8s} {'articles/s (wall)':>18s} {'articles/s (cpu)':>17s} "
          f"{'prompts/s (wall)':>17s}")
    for name, (wall, cpu) in best.items():
        prompt_rate = f"{n_prompts / wall:17.1f}" if "prompts" in name else f"{'':17s}"
        print(f"{name:30s} {wall:8.2f} {cpu:8.2f} {n_articles / wall:18.1f} {n_articles / cpu:17.1f} {prompt_rate}")
    answers = best["extract --prompts (answers)"]
    for name in ("extract (plain evidence)", "spaCy blank tokenizer"):
        ref = best[name]
        print(f"answers / {name}: wall x{answers[0] / ref[0]:.2f}, cpu x{answers[1] / ref[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
