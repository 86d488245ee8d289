"""Shared helpers for extractor tests: run the extractor on a title and an abstract."""
from __future__ import annotations

from extract.evidence import Evidence, ExtractionInput
from extract.pipeline import Extractor

_EXTRACTOR = Extractor()


def run(abstract: str, title: str = "Mesenchymal stem cells in patients with rheumatoid arthritis",
        **kw) -> Evidence:
    return _EXTRACTOR.extract(ExtractionInput(id="t1", title=title, abstract=abstract, **kw))


def rows(ev: Evidence, measure: str) -> list:
    return [o for o in ev.outcomes if o.measure == measure]
