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
from extract.evidence import Evidence, ExtractionInput, OutcomeRow, Provenance
from extract.pipeline import EXTRACTOR_VERSION, Extractor, extract_record

__all__ = ["EXTRACTOR_VERSION", "Evidence", "ExtractionInput", "Extractor", "OutcomeRow", "Provenance",
           "extract_record"]
