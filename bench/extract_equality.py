"""Equality harness for speed work on the extractor: the same inputs must give the same predictions.

    python bench/extract_equality.py write OUT.jsonl [--shared ../shared] [--recombined 4000] [--no-fulltext]
    python bench/extract_equality.py compare REF.jsonl NEW.jsonl

`write` builds a corpus (seeded, so every run builds the same one) and writes, for each input, one
line `{"key": ..., "prediction": Evidence.to_prediction()}` (json.dumps with sort_keys, so two
files can be compared line by line). The corpus:

- the development abstracts (tests/fixtures/extract/abstracts_dev.json, abstracts_numbers_dev.json,
  or the same files under --shared/gold) as they are;
- the title and abstract of every JATS file of --shared/gold/evidence_inference_train/xml;
- --recombined abstracts made of sentences of all of those: 3-14 sentences drawn at random, some
  under section headings ("Methods", "RESULTS:"), some with their digits varied as bench/extract.py
  varies them, some with a line break or a sentence cut in the middle, some upper- or lower-cased
  and some with letters that re.IGNORECASE folds ("ſ", "ı", "İ", the Kelvin sign) or lookalikes;
- the full texts (JATS) of evidence_inference_train, shared/fixtures/fulltext and tables_dev
  (skipped with --no-fulltext).

`compare` prints how many keys differ (0 is the goal of every speed change) and the first
differences. The corpus is never committed; the shared data it is built from is.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Iterator, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extract import vary  # noqa: E402  (the same digit variation as the benchmark)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
# letters that re.IGNORECASE matches to ASCII ones ("ſ" to s, "ı"/"İ" to i, the Kelvin sign to k),
# and lookalikes that it does not
_ODD = {"s": "sſ", "i": "iıİ", "k": "k\u212a", "a": "aα", "e": "eé", "x": "x×", "-": "-\u2212", " ": " \u00a0"}
_HEADINGS = ["Background", "BACKGROUND:", "Methods", "METHODS:", "Results", "RESULTS:", "Conclusions",
             "CONCLUSION:", "Objective:", "Design, Setting, and Participants", "Findings"]


def _dev_abstracts(shared: Path) -> list[dict[str, str]]:
    out = []
    for name in ("abstracts_dev.json", "abstracts_numbers_dev.json"):
        path = shared / "gold" / name
        if not path.exists():
            path = ROOT / "tests" / "fixtures" / "extract" / name
        for r in json.loads(path.read_text("utf-8")):
            out.append({"key": f"dev:{name}:{r.get('id')}", "title": r.get("title") or "",
                        "abstract": r.get("abstract") or ""})
    return out


def _jats_files(shared: Path) -> list[Path]:
    folders = [shared / "gold" / "evidence_inference_train" / "xml", shared / "fixtures" / "fulltext",
               shared / "gold" / "tables_dev" / "xml"]
    return [p for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.nxml"))]


def _jats_abstracts(files: Sequence[Path]) -> list[dict[str, str]]:
    from extract.fulltext import parse_article

    out = []
    for path in files:
        article, _ = parse_article(path.read_text("utf-8"))
        if article is not None:
            out.append({"key": f"jats-abstract:{path.parent.parent.name}/{path.name}", "title": article.title,
                        "abstract": article.abstract})
    return out


def _recombined(base: Sequence[dict[str, str]], n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    sentences = [s for r in base for line in r["abstract"].split("\n") for s in _SENTENCE_END.split(line)
                 if s.strip()]
    titles = [r["title"] for r in base if r["title"]]
    out = []
    for i in range(n):
        picked = [rng.choice(sentences) for _ in range(rng.randint(3, 14))]
        if rng.random() < 0.3:  # a run of neighbouring sentences of one abstract
            j = rng.randrange(len(sentences))
            picked = sentences[j:j + rng.randint(3, 10)]
        parts: list[str] = []
        for k, s in enumerate(picked):
            if rng.random() < 0.15:
                parts.append("\n" + rng.choice(_HEADINGS) + ("\n" if rng.random() < 0.5 else " "))
            elif k:
                parts.append("\n" if rng.random() < 0.05 else " ")
            if rng.random() < 0.03:  # a sentence cut in the middle
                s = s[: rng.randrange(1, len(s) + 1)]
            r = rng.random()
            if r < 0.04:  # case variants, for the case-insensitive patterns
                s = s.upper() if r < 0.02 else s.lower()
            elif r < 0.07:  # letters re.IGNORECASE folds to ASCII ones, and other scripts
                s = "".join(rng.choice(_ODD.get(ch, ch)) if ch in _ODD and rng.random() < 0.1 else ch for ch in s)
            parts.append(s)
        text = "".join(parts).strip()
        title = rng.choice(titles) if rng.random() < 0.8 else ""
        if rng.random() < 0.4:
            text, title = vary(text, rng, swaps=1), vary(title, rng, swaps=0)
        out.append({"key": f"recombined:{i}", "title": title, "abstract": text})
    return out


def corpus(shared: Path, recombined: int, fulltext: bool, seed: int = 20261124) -> Iterator[tuple[str, object]]:
    """(key, ExtractionInput) for every input of the corpus, in a fixed order."""
    from extract.evidence import ExtractionInput

    files = _jats_files(shared)
    base = _dev_abstracts(shared) + _jats_abstracts([p for p in files if "evidence_inference_train" in str(p)])
    for r in base + _recombined(base, recombined, seed):
        yield r["key"], ExtractionInput(id=r["key"], title=r["title"], abstract=r["abstract"])
    if fulltext:
        for path in files:
            key = f"fulltext:{path.parent.parent.name}/{path.name}"
            yield key, ExtractionInput(id=key, full_text_xml=path.read_text("utf-8"))


def write(out: Path, shared: Path, recombined: int, fulltext: bool) -> int:
    from extract.pipeline import Extractor

    extractor = Extractor()
    start, count, errors = time.process_time(), 0, 0
    with out.open("w", encoding="utf-8") as fh:
        for key, record in corpus(shared, recombined, fulltext):
            try:
                prediction = extractor.extract(record).to_prediction()  # type: ignore[arg-type]
            except Exception as exc:  # noqa: BLE001 - a failure is an output too: it must stay the same
                prediction = {"error": f"{type(exc).__name__}: {exc}"}
                errors += 1
            fh.write(json.dumps({"key": key, "prediction": prediction}, sort_keys=True, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} predictions written to {out} ({errors} raised an error; {time.process_time() - start:.1f} s CPU)")
    return 0


def _load(path: Path) -> dict[str, str]:
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            out[obj["key"]] = json.dumps(obj["prediction"], sort_keys=True, ensure_ascii=False)
    return out


def compare(ref: Path, new: Path, show: int = 5) -> int:
    a, b = _load(ref), _load(new)
    missing, extra = a.keys() - b.keys(), b.keys() - a.keys()
    differ = [k for k in a if k in b and a[k] != b[k]]
    print(f"{len(a)} reference predictions, {len(b)} new: {len(differ)} differ, {len(missing)} missing, "
          f"{len(extra)} extra")
    for k in differ[:show]:
        x, y = json.loads(a[k]), json.loads(b[k])
        fields = [f for f in sorted(x.keys() | y.keys()) if x.get(f) != y.get(f)]
        print(f"  {k}: fields {', '.join(fields)}")
        for f in fields[:2]:
            print(f"    ref {f}: {json.dumps(x.get(f), ensure_ascii=False)[:300]}")
            print(f"    new {f}: {json.dumps(y.get(f), ensure_ascii=False)[:300]}")
    return 1 if differ or missing or extra else 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write", help="extract the corpus and write the predictions")
    w.add_argument("out", type=Path)
    w.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    w.add_argument("--recombined", type=int, default=6000)
    w.add_argument("--no-fulltext", action="store_true")
    c = sub.add_parser("compare", help="compare two files that `write` wrote")
    c.add_argument("ref", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args(argv)
    if args.command == "write":
        return write(args.out, args.shared, args.recombined, not args.no_fulltext)
    return compare(args.ref, args.new)


if __name__ == "__main__":
    sys.exit(main())
