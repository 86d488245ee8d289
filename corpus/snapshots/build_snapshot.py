"""Build the JSONL snapshot of the development abstracts from the hand-annotated gold file.

    python corpus/snapshots/build_snapshot.py --gold ../shared/gold/abstracts_dev.json \
        --out corpus/snapshots/msc_ra_dev.jsonl

Each output line holds only the bibliographic fields (id, title, authors, abstract, year, journal, ids) and
a provenance note; the gold annotations are never copied, so the snapshot can be harvested and
extracted without leaking the answers.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NOTE = ("Built from the hand-annotated abstracts of shared/gold/abstracts_dev.json (title, abstract, "
        "ids, year, journal as stored there; the first author's surname from its label); not a PubMed download.")


def first_author(label: str | None) -> list[str]:
    """The first author's surname from a gold label such as "Wang 2019 (UC-MSC, 3-yr)"."""
    word = (label or "").split(" ")[0].strip()
    return [word] if word and word[0].isalpha() else []


def snapshot_line(gold: dict[str, Any]) -> dict[str, Any]:
    """Return the snapshot object of one gold record: bibliographic fields only, no annotations."""
    record_id = str(gold["id"])
    year = gold.get("year")
    return {
        "id": record_id,
        "title": gold.get("title") or "",
        "authors": first_author(gold.get("label")),
        "abstract": gold.get("abstract") or "",
        "year": int(year) if year not in (None, "") else None,
        "journal": gold.get("journal") or None,
        "ids": {"pmid": record_id if record_id.isdigit() else None,
                "pmcid": gold.get("pmcid") or None,
                "doi": gold.get("doi") or None},
        "note": NOTE,
    }


def build(gold_path: Path, out_path: Path) -> int:
    """Write the snapshot of `gold_path` to `out_path`; return the number of lines written."""
    records = json.loads(gold_path.read_text(encoding="utf-8"))
    if isinstance(records, dict):
        records = records.get("records", [])
    with out_path.open("w", encoding="utf-8", newline="\n") as fh:
        for gold in records:
            fh.write(json.dumps(snapshot_line(gold), ensure_ascii=False) + "\n")
    return len(records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", required=True, type=Path, help="the gold JSON file (a list of records)")
    parser.add_argument("--out", required=True, type=Path, help="the JSONL file to write")
    args = parser.parse_args(argv)
    count = build(args.gold, args.out)
    print(f"wrote {count} records to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
