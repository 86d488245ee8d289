"""Re-read stored raw payloads with the current parsers: a better parser, no new download."""
from __future__ import annotations

import json
from typing import Callable

from corpus.records import Hit
from corpus.store import AddResult, Store


def _parsers() -> dict[str, Callable[[str], list[Hit]]]:
    from corpus.ctgov import parse_ctgov_json
    from corpus.europepmc import parse_europepmc_json
    from corpus.jsonl import read_jsonl
    from corpus.pubmed import parse_pubmed_xml
    from corpus.ris import parse_ris

    return {
        "pubmed-xml": lambda raw: parse_pubmed_xml(f"<PubmedArticleSet>{raw}</PubmedArticleSet>"),
        "europepmc-json": lambda raw: parse_europepmc_json(json.dumps({"resultList": {"result": [json.loads(raw)]}})),
        "ctgov-json": parse_ctgov_json,
        "ris": parse_ris,
        "jsonl": read_jsonl,
    }


def reparse_store(store: Store) -> dict[str, int]:
    """Parse every stored hit's raw payload again and store what changed; returns counts by status.

    Each source's hits are re-stored in one transaction. Hits whose raw format has no parser
    are counted as 'skipped'.
    """
    parsers = _parsers()
    counts = {"updated": 0, "unchanged": 0, "skipped": 0}
    by_format: dict[str, list[Hit]] = {}
    for _, _, raw_format, raw in store.raw_payloads():
        parse = parsers.get(raw_format)
        if parse is None:
            counts["skipped"] += 1
            continue
        by_format.setdefault(raw_format, []).extend(
            Hit(hit.record, raw=raw, raw_format=raw_format) for hit in parse(raw))
    for hits in by_format.values():
        results: list[AddResult] = store.add_hits(hits)
        for result in results:
            key = "unchanged" if result.status == "unchanged" else "updated"
            counts[key] += 1
    return counts
