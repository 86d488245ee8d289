"""Re-read stored raw payloads with the current parsers: a better parser, no new download.

`reparse_store` parses every stored hit's raw payload again, stores what changed (a hit whose
source the new parser names differently, such as a RIS hit of "ris" that is now "ris:Embase",
moves to its new name and keeps its record), then recomputes every merged record from all its
hits by the current merge rule, which also indexes again every identifier of every hit.
`parser_versions()` names the current parser of each raw format.
"""
from __future__ import annotations

import json
from typing import Callable

from corpus.errors import CorpusError
from corpus.records import Hit
from corpus.store import Store


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


def parser_versions() -> dict[str, str]:
    """The current parser version of each raw format ("pubmed-xml": "pubmed-3", ...)."""
    from corpus.ctgov import PARSER_VERSION as CTGOV
    from corpus.europepmc import PARSER_VERSION as EUROPEPMC
    from corpus.jsonl import PARSER_VERSION as JSONL
    from corpus.pubmed import PARSER_VERSION as PUBMED
    from corpus.ris import PARSER_VERSION as RIS

    return {"pubmed-xml": PUBMED, "europepmc-json": EUROPEPMC, "ctgov-json": CTGOV, "ris": RIS, "jsonl": JSONL}


def reparse_store(store: Store, batch_size: int = 500) -> dict[str, int]:
    """Parse every stored hit's raw payload again, store what changed, recompute the merged records.

    Returns counts: 'updated' and 'unchanged' hits, 'skipped' (a raw format without a parser, or
    a payload the current parser rejects: the stored hit is kept as it is), 'records_changed'
    (merged records the recomputation changed beyond what the updated hits changed). One
    transaction per `batch_size` hits.
    """
    parsers = _parsers()
    counts = {"updated": 0, "unchanged": 0, "skipped": 0}
    pending: list[tuple[str, str, Hit]] = []

    def flush() -> None:
        plain = [hit for source, source_id, hit in pending if (hit.record.source, hit.record.source_id) == (source, source_id)]
        for result in store.add_hits(plain):
            counts["unchanged" if result.status == "unchanged" else "updated"] += 1
        for source, source_id, hit in pending:
            if (hit.record.source, hit.record.source_id) != (source, source_id):
                store.rekey_hit(source, source_id, hit)
                counts["updated"] += 1
        pending.clear()

    keys = store.hit_keys()
    for source, source_id in keys:  # a snapshot of the keys: rekeyed hits are not read twice
        payload = store.raw_payload(source, source_id)
        if payload is None:
            continue
        raw_format, raw = payload
        parse = parsers.get(raw_format)
        if parse is None:
            counts["skipped"] += 1
            continue
        try:
            parsed = parse(raw)
        except (CorpusError, ValueError):
            counts["skipped"] += 1
            continue
        if len(parsed) != 1:
            counts["skipped"] += 1
            continue
        pending.append((source, source_id, Hit(parsed[0].record, raw=raw, raw_format=raw_format)))
        if len(pending) >= batch_size:
            flush()
    flush()
    counts["records_changed"] = store.refresh_records()
    return counts
