"""Measure names: the cleaned name of what a text or table names, and its canonical vocabulary name.

The extractor keeps every measure a paper reports (an open vocabulary). Each outcome row carries
the name as written (`measure_text`), a cleaned name (`measure`: footnote markers, a trailing
statistic such as ", n (%)" or "; mean (SD)" and surrounding punctuation dropped) and, where the
name maps onto the project vocabulary (extract/data/measures.json: DAS28, HAQ, ACR20, ...), that
canonical name (`measure_canonical`), which the analysis plan uses.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["canonical_measure", "clean_measure_name"]

_TRAILING_STATISTIC = re.compile(
    r"\s*[,;:]?\s*(?:\(?\s*(?:mean|median|n|no\.|number)\s*(?:\(\s*(?:sd|se|sem|iqr|range|%|95%\s*ci)\s*\)"
    r"|±\s*(?:sd|se|sem)|\[\s*(?:sd|iqr|range)\s*\])\s*\)?|\(\s*(?:sd|se|sem|iqr|%)\s*\)|n\s*(?:/\s*n\s*)?\(\s*%\s*\))\s*$",
    re.I)
_MARKERS = re.compile(r"[*\u2020\u2021\u00a7\u00b6#\u2016]+$")


def clean_measure_name(text: str) -> str:
    """The measure's name without footnote markers, a trailing statistic or stray punctuation."""
    name = " ".join((text or "").split())
    for _ in range(2):
        name = _MARKERS.sub("", name).strip()
        name = _TRAILING_STATISTIC.sub("", name).strip(" ,;:")
    return name


@lru_cache(maxsize=4096)
def canonical_measure(name: str) -> str | None:
    """The vocabulary name the measure maps onto, or None (an outcome outside the vocabulary)."""
    from extract.document import analyse

    t = analyse(name or "", "label", numbers=False)
    for m in t.mentions:
        if m.kind == "MEASURE":
            return m.value
    return None
