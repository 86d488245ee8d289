"""Measure names: the cleaned name of what a text or table names, and its canonical vocabulary name.

The extractor keeps every measure a paper reports (an open vocabulary). Each outcome row carries
the name as written (`measure_text`), a cleaned name (`measure`: footnote markers, a trailing
statistic such as ", n (%)" or "; mean (SD)" and surrounding punctuation dropped) and, where the
name maps onto the project vocabulary (extract/data/measures.json: DAS28, HAQ, ACR20, ...), that
canonical name (`measure_canonical`), which the analysis plan uses.

`canonical_measure` maps a name only when the whole name is that measure: the vocabulary phrase
with words that qualify it without changing it (where it was measured: "serum", "plasma"; what
the number is: "score", "levels", "response rate", "change from baseline"; a unit or a scale range
in brackets: "(mg/L)", "(0-10)"; the abbreviation repeated: "Health Assessment Questionnaire
(HAQ)"). A sub-scale or a different scale is another measure: "WOMAC pain" is not WOMAC, "Pruritus
VAS" is not VAS pain, "IL-6 mRNA expression" is not IL-6, "IL-17 receptor signaling" is not IL-17.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["canonical_measure", "clean_measure_name", "measure_info"]

_TRAILING_STATISTIC = re.compile(
    r"\s*[,;:]?\s*(?:\(?\s*(?:mean|median|n|no\.|number)\s*(?:\(\s*(?:sd|se|sem|iqr|range|%|95%\s*ci)\s*\)"
    r"|±\s*(?:sd|se|sem)|\[\s*(?:sd|iqr|range)\s*\])\s*\)?|\(\s*(?:sd|se|sem|iqr|%)\s*\)|n\s*(?:/\s*n\s*)?\(\s*%\s*\))\s*$",
    re.I)
_MARKERS = re.compile(r"[*\u2020\u2021\u00a7\u00b6#\u2016]+$")
# a unit or a scale range after the name: ", mg/L", "(mg/dl)", "(0-10)", "(VAS 100 mm)", "(%)"
_UNIT_TAIL = re.compile(
    r"\s*(?:,\s*(?:[µμ]?[a-zA-Zµμ]{1,5}(?:/[a-zA-Zµμ0-9.]{1,6}){1,2}|%|mm|cm|kg|points?)"
    r"|\((?=[^()]*(?:\d|%|/|\b(?:mm|cm|kg|mg|ng|pg|µg|μg|iu|points?|score)\b))\s*(?:[A-Za-z]{1,4}\s)?(?:[\d.,\s–-]+\s?)?"
    r"(?:[µμ]?[a-zA-Zµμ]{0,5}(?:/[a-zA-Zµμ0-9.]{1,6}){0,2}|%)\s*\))\s*$")
# a bracket with a scale or a unit inside the name: "visual analog scale (VAS 100 mm) pain score"
_UNIT_PAREN = re.compile(r"\s?\((?:[A-Za-z]{1,5}\s)?[\d.,\s–-]+\s?(?:[µμ]?[a-zA-Zµμ]{1,5}(?:/[a-zA-Zµμ0-9.]{1,6}){0,2}|%)?\s?\)")
UNITS = frozenset("mm cm kg g mg ng pg µg μg iu u mmhg points point % mg/l mg/dl mm/h mm/hr".split())
# words that say where or how a measure was measured, or what its number is, without changing it
QUALIFIERS = frozenset(
    "serum plasma blood whole circulating urinary urine salivary peripheral mean median average total overall "
    "global baseline final score scores scale level levels concentration concentrations value values titer titers "
    "titre titres response responses responder responders rate rates criteria criterion improvement improvements "
    "change changes reduction reductions decrease decreases increase increases from in of the a an at any reported "
    "patients patient subjects participants people with achieving achieved number proportion percentage incidence "
    "frequency occurrence count counts defined based using by measured assessed test result results "
    "high-sensitivity high sensitivity sensitive hs".split())
_PUNCT = frozenset("( ) [ ] , ; : - / % . ' + = ≥ ≤ > < ±".split())


@lru_cache(maxsize=16384)
def clean_measure_name(text: str) -> str:
    """The measure's name without footnote markers, a trailing statistic or stray punctuation
    (cached: the same names recur in every sentence and record)."""
    name = " ".join((text or "").split())
    for _ in range(2):
        name = _MARKERS.sub("", name).strip()
        name = _TRAILING_STATISTIC.sub("", name).strip(" ,;:")
    return name


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, dict], frozenset[str], frozenset[str]]:
    from extract.lexer import load_rules

    m = load_rules("measures")
    info = {x["name"]: x for x in m["measures"]}
    return info, frozenset(m["remission"]["of"]), frozenset(m["remission"]["words"])


def measure_info(name: str | None) -> dict:
    """The vocabulary entry of a canonical name ({} for an open name): kind, better, phrases."""
    if not name:
        return {}
    info = _vocabulary()[0]
    return info.get(name) or info.get(name.replace(" remission", ""), {})


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[^\s\w]")
_HYPHENS = frozenset("-‐‑‒–—−")


def _tokens(text: str) -> list[str]:
    """Lower-cased tokens as the pipeline's tokenizer splits them (letter runs, numbers, single
    symbols), without hyphens: "IL-6", "IL 6" and "IL6" are all ("il", "6")."""
    return [w for w in _TOKEN.findall(text.lower()) if w not in _HYPHENS]


@lru_cache(maxsize=1)
def _phrase_index() -> tuple[dict[tuple[str, ...], str], int]:
    """Every vocabulary phrase as its tokens -> the measure's name; and the longest phrase's length."""
    index: dict[tuple[str, ...], str] = {}
    for name, m in _vocabulary()[0].items():
        for phrase in m["phrases"]:
            index.setdefault(tuple(_tokens(phrase)), name)
    return index, max(len(k) for k in index)


def _matches(text: str) -> tuple[list[tuple[str, int, int]], list[str]]:
    """The vocabulary matches (value, first token, end token) of a name, longest first and not
    overlapping, in text order, and the name's tokens."""
    words = _tokens(text)
    index, longest = _phrase_index()
    found: list[tuple[str, int, int]] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            value = index.get(tuple(words[i:i + n]))
            if value is not None:
                found.append((value, i, i + n))
                i += n
                break
        else:
            i += 1
    return found, words


_WORD = re.compile(r"[^\W\d_]+|\d+")


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """The first word of every vocabulary phrase (and of its hyphen variants): a name with none of
    them holds no vocabulary phrase."""
    out = set()
    for m in _vocabulary()[0].values():
        for phrase in m["phrases"]:
            for variant in (phrase, phrase.replace("-", " "), phrase.replace("-", "")):
                w = _WORD.findall(variant.lower())
                if w:
                    out.add(w[0])
    return frozenset(out)


@lru_cache(maxsize=8192)
def canonical_measure(name: str) -> str | None:
    """The vocabulary name the measure maps onto, or None (an outcome outside the vocabulary, a
    sub-scale or another scale)."""
    text = clean_measure_name(name or "")
    for _ in range(2):
        text = _UNIT_TAIL.sub("", text)
    text = _UNIT_PAREN.sub("", text)
    if not text:
        return None
    info, remission_of, remission_words = _vocabulary()
    if _first_words().isdisjoint(_WORD.findall(text.lower())):
        return None
    found, words = _matches(text)
    if not found:
        return None
    covered = bytearray(len(words))
    for _, s, e in found:
        covered[s:e] = b"\x01" * (e - s)
    # "DAS28 (using ESR)", "DAS28-CRP": a DAS28 variant, not ESR or CRP
    if found[0][0] == "DAS28":
        found = [found[0]] + [f for f in found[1:] if f[0] not in ("ESR", "CRP")]
    values = {f[0] for f in found}
    if len(values) != 1:
        return None
    value = next(iter(values))
    extra = set(info.get(value, {}).get("qualifiers", ()))
    leftover = [w for i, w in enumerate(words) if not covered[i] and not w.isspace()
                and w not in _PUNCT and w not in QUALIFIERS and w not in UNITS and w not in extra
                and not w.isdigit()]
    if value in remission_of and any(w in remission_words for w in leftover):
        rest = [w for w in leftover if w not in remission_words]
        return f"{value} remission" if not rest else None
    if not leftover:
        return value
    # "Health index (HAQ)": a paraphrase with the vocabulary abbreviation in brackets at the end
    last = found[-1]
    if (last[1] > 0 and words[last[1] - 1] == "(" and last[2] < len(words) and words[last[2]] == ")"
            and last[2] + 1 == len(words) and len(found) == 1):
        return value
    return None
