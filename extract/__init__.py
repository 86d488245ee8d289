"""extract: from trial records to an evidence table, every value with its provenance.

    from extract import Extractor, ExtractionInput
    evidence = Extractor().extract(ExtractionInput(id="31908418", title=..., abstract=...))
    evidence.to_prediction()   # the JSON line of `trialsynth extract --output`

Modules: `nlp` (spaCy blank pipeline, rule tokenizer, vocabulary PhraseMatcher over `data/*.json`),
`document` (one analysed text), `quantities` (doses, timepoints, P values, mean/SD, %),
`screening`, `samples` (sample sizes, arms), `intervention` (cell source, origin, route, doses,
administrations), `schedule` (the study's own timepoints), `outcomes` (outcome rows), `jats`,
`tables` and `fulltext` (open-access full texts), `evidence` (the records returned), `pipeline`.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "Evidence": "extract.evidence", "ExtractionInput": "extract.evidence", "OutcomeRow": "extract.evidence",
    "Provenance": "extract.evidence", "EXTRACTOR_VERSION": "extract.pipeline", "Extractor": "extract.pipeline",
    "extract_record": "extract.pipeline", "ExtractionError": "extract.errors",
}

__all__ = ["EXTRACTOR_VERSION", "Evidence", "ExtractionInput", "Extractor", "OutcomeRow", "Provenance",
           "extract_record", "ExtractionError"]


def __getattr__(name: str) -> Any:
    # PEP 562: `import extract.errors` (or any one module) does not load spaCy and the rules.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'extract' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

