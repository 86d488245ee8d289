"""Which passages of an article speak of a prompt's outcome and arms: features for the evidence
ranker.

`ArticleIndex(passages)` holds each passage's stems and the article's document frequencies (every
passage is a document, BM25-style); `ranking_features(index, query)` gives, for every passage, a
fixed-length vector (`FEATURES` names its columns): how much of the outcome, the intervention and
the comparator it mentions (IDF-weighted and plain, and relative to the best passage of the
article), the BM25 score of the whole prompt, the rank of the passage among the article's, whether it
states a between-group comparison (extract.comparisons.is_comparison), where it sits (abstract results, results section, discussion, table, ...), its length, and the words a
result is reported in (P values, CIs, "significantly", "compared with", direction words). The
trained ranker (extract/data/comparisons_model.json, `ranker`) is a logistic regression over them.
"""
from __future__ import annotations

import math
import re
from typing import NamedTuple, Sequence

import numpy as np

from extract.comparisons import is_comparison
from extract.cues import direction_cues, normalise, p_values, significance_cues
from extract.passages import Passage
from extract.terms import STOP_WORDS, stem, words

__all__ = ["ArticleIndex", "FEATURES", "Query", "ranking_features"]

_SECTIONS = ("title", "abstract", "results", "discussion", "conclusion", "methods", "introduction", "other", "table")
_ABSTRACT_PARTS = ("results", "conclusion", "methods")

FEATURES: tuple[str, ...] = (
    *(f"{part}:{kind}" for part in ("outcome", "intervention", "comparator")
      for kind in ("wcov", "cov", "rel", "bigram", "any", "top")),
    "arms:both", "arms:either", "arms_outcome:both",
    "bm25:rel", "bm25:log", "rank:inv", "rank:top1", "rank:top3", "rank:top10",
    *(f"section:{s}" for s in _SECTIONS),
    *(f"abstract:{p}" for p in _ABSTRACT_PARTS),
    "position", "len:log", "len:short", "len:long",
    "cue:p", "cue:p_sig", "cue:p_nonsig", "cue:sig", "cue:nonsig", "cue:ci", "cue:compare", "cue:direction",
    "cue:numbers", "cue:percent", "cue:table_ref", "cue:respectively", "cue:method_words",
    "outcome_x_cue", "outcome_x_result_section", "neighbour:outcome_rel", "comparison", "outcome_x_comparison",
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}

_COMPARE = re.compile(r"\b(?:compared|versus|vs\.?|than|between|relative to|in comparison|difference|differ)", re.I)
_CI = re.compile(r"\b95\s*%|\bCI\b|confidence interval", re.I)
_TABLE_REF = re.compile(r"\b(?:Table|Fig(?:ure)?\.?)\s*\d", re.I)
_METHOD_WORDS = re.compile(r"\b(?:were randomi[sz]ed|was assessed|were assessed|was measured|were measured|was defined|"
                           r"primary (?:end ?point|outcome) was|we (?:hypothesi[sz]ed|aimed)|sample size|power)\b", re.I)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


class Query(NamedTuple):
    """A prompt's stems: outcome, intervention, comparator (abbreviations expanded where the
    article defines them)."""

    outcome: tuple[str, ...]
    intervention: tuple[str, ...]
    comparator: tuple[str, ...]


class ArticleIndex:
    """The passages of one article as stem lists, with document frequencies over the passages."""

    def __init__(self, passages: Sequence[Passage]):
        self.passages = list(passages)
        self.stems: list[list[str]] = []
        self.sets: list[frozenset[str]] = []
        self.bigrams: list[frozenset[tuple[str, str]]] = []
        self.retrieval_sets: list[frozenset[str]] = []
        df: dict[str, int] = {}
        for p in self.passages:
            st = [stem(w) for w in words(p.text) if w not in STOP_WORDS and not w.isdigit()]
            self.stems.append(st)
            s = frozenset(st)
            self.sets.append(s)
            self.bigrams.append(frozenset(zip(st, st[1:])))
            extra = frozenset(stem(w) for w in words(p.context) if w not in STOP_WORDS) if p.context else frozenset()
            rs = s | extra
            self.retrieval_sets.append(rs)
            for t in rs:
                df[t] = df.get(t, 0) + 1
        n = max(1, len(self.passages))
        self.n = n
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.default_idf = math.log(1 + (n + 0.5) / 0.5)
        self.avg_len = sum(len(s) for s in self.stems) / n if self.stems else 1.0
        self.cues = [self._cues(p) for p in self.passages]
        self.comparison = [is_comparison(p) for p in self.passages]

    @staticmethod
    def _cues(p: Passage) -> dict[str, float]:
        text = normalise(p.text)
        ps = p_values(text)
        sig = significance_cues(text)
        return {
            "cue:p": float(bool(ps)),
            "cue:p_sig": float(any(x.significant for x in ps)),
            "cue:p_nonsig": float(any(x.significant is False for x in ps)),
            "cue:sig": float(any(c[0] == "sig" for c in sig)),
            "cue:nonsig": float(any(c[0] == "nonsig" for c in sig)),
            "cue:ci": float(bool(_CI.search(text))),
            "cue:compare": float(bool(_COMPARE.search(text))),
            "cue:direction": float(bool(direction_cues(text))),
            "cue:numbers": min(len(_NUMBER.findall(text)), 20) / 20,
            "cue:percent": float("%" in text),
            "cue:table_ref": float(bool(_TABLE_REF.search(text))),
            "cue:respectively": float("respectively" in text),
            "cue:method_words": float(bool(_METHOD_WORDS.search(text))),
        }


def _coverage(terms: tuple[str, ...], idf: dict[str, float], default: float, sets: list[frozenset[str]],
              bigrams: list[frozenset[tuple[str, str]]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = len(sets)
    distinct = list(dict.fromkeys(terms))
    wcov, cov, big, anyv = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    if not distinct:
        return wcov, cov, big, anyv
    weights = [idf.get(t, default) for t in distinct]
    total = sum(weights)
    pairs = list(dict.fromkeys(zip(terms, terms[1:])))
    for i, s in enumerate(sets):
        hit = [w for t, w in zip(distinct, weights) if t in s]
        if hit:
            wcov[i] = sum(hit) / total
            cov[i] = len(hit) / len(distinct)
            anyv[i] = 1.0
            if pairs:
                big[i] = sum(pr in bigrams[i] for pr in pairs) / len(pairs)
    return wcov, cov, big, anyv


def ranking_features(index: ArticleIndex, query: Query) -> np.ndarray:
    """A (passages x FEATURES) matrix for one prompt over one article."""
    n = len(index.passages)
    X = np.zeros((n, len(FEATURES)))
    if not n:
        return X
    sets = index.retrieval_sets
    covs = {}
    for part, terms in (("outcome", query.outcome), ("intervention", query.intervention),
                        ("comparator", query.comparator)):
        wcov, cov, big, anyv = _coverage(terms, index.idf, index.default_idf, sets, index.bigrams)
        top = wcov.max()
        X[:, _INDEX[f"{part}:wcov"]] = wcov
        X[:, _INDEX[f"{part}:cov"]] = cov
        X[:, _INDEX[f"{part}:rel"]] = wcov / top if top > 0 else 0.0
        X[:, _INDEX[f"{part}:bigram"]] = big
        X[:, _INDEX[f"{part}:any"]] = anyv
        X[:, _INDEX[f"{part}:top"]] = (wcov >= top - 1e-9) & (top > 0)
        covs[part] = wcov
    X[:, _INDEX["arms:both"]] = (covs["intervention"] > 0) & (covs["comparator"] > 0)
    X[:, _INDEX["arms:either"]] = (covs["intervention"] > 0) | (covs["comparator"] > 0)
    X[:, _INDEX["arms_outcome:both"]] = X[:, _INDEX["arms:either"]] * (covs["outcome"] > 0)
    # BM25 of the whole prompt, the outcome counted twice
    bm = np.zeros(n)
    k1, b = 1.2, 0.75
    query_terms = list(query.outcome) * 2 + list(query.intervention) + list(query.comparator)
    qcount: dict[str, int] = {}
    for t in query_terms:
        qcount[t] = qcount.get(t, 0) + 1
    for i, st in enumerate(index.stems):
        if not st and not sets[i]:
            continue
        tf: dict[str, int] = {}
        for t in st:
            if t in qcount:
                tf[t] = tf.get(t, 0) + 1
        for t in sets[i]:
            if t in qcount and t not in tf:
                tf[t] = 1  # a table row's caption or section heading
        if not tf:
            continue
        norm = k1 * (1 - b + b * len(st) / index.avg_len)
        bm[i] = sum(index.idf.get(t, index.default_idf) * f * (k1 + 1) / (f + norm) * qcount[t] for t, f in tf.items())
    top = bm.max()
    X[:, _INDEX["bm25:rel"]] = bm / top if top > 0 else 0.0
    X[:, _INDEX["bm25:log"]] = np.log1p(bm)
    order = np.argsort(-bm, kind="stable")
    rank = np.empty(n)
    rank[order] = np.arange(1, n + 1)
    rank[bm <= 0] = n + 1
    X[:, _INDEX["rank:inv"]] = 1.0 / rank
    X[:, _INDEX["rank:top1"]] = rank <= 1
    X[:, _INDEX["rank:top3"]] = rank <= 3
    X[:, _INDEX["rank:top10"]] = rank <= 10
    for i, p in enumerate(index.passages):
        X[i, _INDEX[f"section:{p.section}"]] = 1.0
        if p.abstract_part in _ABSTRACT_PARTS:
            X[i, _INDEX[f"abstract:{p.abstract_part}"]] = 1.0
        X[i, _INDEX["position"]] = i / n
        length = len(index.stems[i])
        X[i, _INDEX["len:log"]] = math.log1p(length)
        X[i, _INDEX["len:short"]] = length < 6
        X[i, _INDEX["len:long"]] = length > 60
        for k, v in index.cues[i].items():
            X[i, _INDEX[k]] = v
    result_cue = X[:, _INDEX["cue:p"]] + X[:, _INDEX["cue:sig"]] + X[:, _INDEX["cue:nonsig"]]
    X[:, _INDEX["outcome_x_cue"]] = X[:, _INDEX["outcome:rel"]] * np.minimum(result_cue, 1)
    X[:, _INDEX["outcome_x_result_section"]] = X[:, _INDEX["outcome:rel"]] * (
        X[:, _INDEX["section:results"]] + X[:, _INDEX["abstract:results"]] + X[:, _INDEX["section:table"]])
    rel = X[:, _INDEX["outcome:rel"]]
    neighbour = np.zeros(n)
    if n > 1:
        neighbour[1:] = np.maximum(neighbour[1:], rel[:-1])
        neighbour[:-1] = np.maximum(neighbour[:-1], rel[1:])
    X[:, _INDEX["neighbour:outcome_rel"]] = neighbour
    X[:, _INDEX["comparison"]] = index.comparison
    X[:, _INDEX["outcome_x_comparison"]] = X[:, _INDEX["comparison"]] * rel
    return X


def make_query(outcome: str, intervention: str, comparator: str,
               abbreviations: dict[str, tuple[str, ...]] | None = None) -> Query:
    """The stems of a prompt's three parts; an abbreviation the article defines is added to the part
    that holds most of its long form, and a part that uses the abbreviation gets the long form."""
    parts = []
    for text in (outcome, intervention, comparator):
        st = [stem(w) for w in words(text) if w not in STOP_WORDS and not w.isdigit()]
        have = set(st)
        for abbr, long_form in (abbreviations or {}).items():
            if not long_form:
                continue
            share = sum(s in have for s in long_form) / len(long_form)
            if share >= 0.6 and abbr not in have:
                st.append(abbr)
            elif abbr in have and share < 0.5:
                st.extend(s for s in long_form if s not in have)
        parts.append(tuple(st))
    return Query(*parts)
