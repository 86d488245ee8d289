"""Which passages of an article speak of a prompt's outcome and arms: features for the evidence
ranker.

`ArticleIndex(passages)` holds each passage's stems and the article's document frequencies (every
passage is a document, BM25-style); `ranking_features(index, query)` gives, for every passage, a
fixed-length vector (`FEATURES` names its columns): how much of the outcome, the intervention and
the comparator it mentions (IDF-weighted and plain, and relative to the best passage of the
article), the BM25 score of the whole prompt, the rank of the passage among the article's, whether it
states a between-group comparison (extract.comparisons.is_comparison), where it sits (abstract results, results section, discussion, table, ...), its length, the words a
result is reported in (P values, CIs, "significantly", "compared with", direction words), and whether it
names the outcome's own time point ("at 12 weeks" for "POCD at 12 weeks": `time_points`). The
trained ranker (extract/data/comparisons_model.json, `ranker`) is a logistic regression over them.
"""
from __future__ import annotations

import math
import re
from typing import NamedTuple, Sequence

import numpy as np

from extract.between import is_comparison
from extract.comparison_cues import direction_cues, normalise, p_values, significance_cues
from extract.fastre import words as fast_words
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
    "time:match",
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}

_COMPARE = re.compile(fast_words(["compared", r"versus", r"vs\.?", "than", "between", "relative to", "in comparison",
                                  "difference", "differ"]))
_CI = re.compile(r"95\s*%|C(?<![A-Za-z]C)I\b|[cC]onfidence interval")
_TABLE_REF = re.compile(fast_words(["table", r"fig(?:ure)?\.?"]) + r"\s*\d")
_METHOD_WORDS = re.compile(fast_words([r"were randomi[sz]ed", "was assessed", "were assessed", "was measured",
                                       "were measured", "was defined", r"primary (?:end ?point|outcome) was",
                                       r"we (?:hypothesi[sz]ed|aimed)", "sample size", "power"]) + r"\b")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A time point: "at 12 weeks", "6-month", "one week", "12, 24 and 48 hours", "at week 12", "day 7" (each number
# with the unit).
_TIME_NUMBER = r"\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty"
_TIME_LIST = r"((?:%s)(?:\s*(?:,|and|or|to|-)\s*(?:%s))*)" % (_TIME_NUMBER, _TIME_NUMBER)
_TIME_POINT = re.compile(r"\b%s[\s-]*(hours?|hrs?|h|days?|weeks?|wks?|months?|years?|min(?:utes?)?)\b|"
                         r"\b(hours?|days?|weeks?|months?|years?)\s+%s\b" % (_TIME_LIST, _TIME_LIST), re.I)
_TIME_WORDS = {w: float(k) for k, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve"
                                                  .split())} | {"eighteen": 18.0, "twenty": 20.0, "thirty": 30.0}
_TIME_NUMBERS = re.compile(_TIME_NUMBER, re.I)


def time_points(text: str) -> frozenset[tuple[float, str]]:
    """The (number, unit) time points of `text`: "at 12 weeks" and "at week 12" (12.0, "w"), "one week" (1.0,
    "w"), "at 12, 24 and 48 hours" three points in "h"; units as their first letter ("min" for minutes)."""
    out = set()
    for m in _TIME_POINT.finditer(text):
        numbers, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        unit = "min" if unit.lower().startswith("min") else unit[0].lower()
        for n in _TIME_NUMBERS.findall(numbers):
            out.add((_TIME_WORDS[n.lower()] if n.lower() in _TIME_WORDS else float(n), unit))
    return frozenset(out)


class Query(NamedTuple):
    """A prompt's stems: outcome, intervention, comparator (abbreviations expanded where the
    article defines them)."""

    outcome: tuple[str, ...]
    intervention: tuple[str, ...]
    comparator: tuple[str, ...]
    times: frozenset[tuple[float, str]] = frozenset()  # the outcome's time points ("at 12 weeks"): time_points


class ArticleIndex:
    """The passages of one article as a term matrix (stems, and a table row's caption and section
    heading), with document frequencies over the passages and each passage's own features."""

    def __init__(self, passages: Sequence[Passage]):
        self.passages = list(passages)
        n = len(self.passages)
        self.n = max(1, n)
        vocab: dict[str, int] = {}
        bigram_vocab: dict[tuple[str, str], int] = {}
        rows, cols, vals = [], [], []
        brows, bcols = [], []
        lengths = np.zeros(n)
        for i, p in enumerate(self.passages):
            st = [stem(w) for w in words(p.text) if w not in STOP_WORDS and not w.isdigit()]
            lengths[i] = len(st)
            tf: dict[str, int] = {}
            for t in st:
                tf[t] = tf.get(t, 0) + 1
            if p.context:
                for t in (stem(w) for w in words(p.context) if w not in STOP_WORDS):
                    tf.setdefault(t, 1)  # a table row's caption or section heading counts once
            for t, f in tf.items():
                rows.append(i)
                cols.append(vocab.setdefault(t, len(vocab)))
                vals.append(f)
            for pair in set(zip(st, st[1:])):
                brows.append(i)
                bcols.append(bigram_vocab.setdefault(pair, len(bigram_vocab)))
        from scipy.sparse import csc_matrix

        self.vocab, self.bigram_vocab = vocab, bigram_vocab
        self.tf = csc_matrix((np.asarray(vals, float), (rows, cols)), shape=(n, len(vocab)))
        self.bigrams = csc_matrix((np.ones(len(brows)), (brows, bcols)), shape=(n, len(bigram_vocab)))
        df = np.diff(self.tf.indptr)  # passages holding each term
        self.idf = np.log(1 + (self.n - df + 0.5) / (df + 0.5))
        self.default_idf = math.log(1 + (self.n + 0.5) / 0.5)
        self.lengths = lengths
        self.avg_len = float(lengths.mean()) if n else 1.0
        self.comparison = [is_comparison(p) for p in self.passages]
        self._times: list[frozenset[tuple[float, str]]] | None = None
        self.static = self._static()

    def times(self) -> list[frozenset[tuple[float, str]]]:
        """Each passage's time points (`time_points`), read on first use: only an outcome with a time
        point of its own needs them."""
        if self._times is None:
            self._times = [time_points(p.text) for p in self.passages]
        return self._times

    def idf_of(self, term: str) -> float:
        col = self.vocab.get(term)
        return float(self.idf[col]) if col is not None else self.default_idf

    def _static(self) -> np.ndarray:
        """The features of each passage that do not depend on the prompt."""
        n = len(self.passages)
        X = np.zeros((n, len(FEATURES)))
        for i, p in enumerate(self.passages):
            X[i, _INDEX[f"section:{p.section}"]] = 1.0
            if p.abstract_part in _ABSTRACT_PARTS:
                X[i, _INDEX[f"abstract:{p.abstract_part}"]] = 1.0
            X[i, _INDEX["position"]] = i / self.n
            length = self.lengths[i]
            X[i, _INDEX["len:log"]] = math.log1p(length)
            X[i, _INDEX["len:short"]] = length < 6
            X[i, _INDEX["len:long"]] = length > 60
            for k, v in _cues(p).items():
                X[i, _INDEX[k]] = v
            X[i, _INDEX["comparison"]] = self.comparison[i]
        return X

    def presence(self, terms: Sequence[str]) -> np.ndarray:
        """(passages x terms) term frequencies; 0 columns for terms the article never uses."""
        out = np.zeros((len(self.passages), len(terms)))
        for k, t in enumerate(terms):
            col = self.vocab.get(t)
            if col is not None:
                a, b = self.tf.indptr[col], self.tf.indptr[col + 1]
                out[self.tf.indices[a:b], k] = self.tf.data[a:b]
        return out

    def bigram_presence(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        out = np.zeros((len(self.passages), len(pairs)))
        for k, pr in enumerate(pairs):
            col = self.bigram_vocab.get(pr)
            if col is not None:
                a, b = self.bigrams.indptr[col], self.bigrams.indptr[col + 1]
                out[self.bigrams.indices[a:b], k] = 1.0
        return out


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


def _coverage(index: ArticleIndex, terms: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    n = len(index.passages)
    distinct = list(dict.fromkeys(terms))
    if not distinct:
        zero = np.zeros(n)
        return zero, zero, zero, zero
    present = index.presence(distinct) > 0
    weights = np.array([index.idf_of(t) for t in distinct])
    wcov = present @ weights / weights.sum()
    cov = present.sum(1) / len(distinct)
    anyv = present.any(1).astype(float)
    pairs = list(dict.fromkeys(zip(terms, terms[1:])))
    big = index.bigram_presence(pairs).sum(1) / len(pairs) if pairs else np.zeros(n)
    return wcov, cov, big, anyv


def ranking_features(index: ArticleIndex, query: Query) -> np.ndarray:
    """A (passages x FEATURES) matrix for one prompt over one article."""
    n = len(index.passages)
    X = index.static.copy()
    if not n:
        return X
    covs = {}
    for part, terms in (("outcome", query.outcome), ("intervention", query.intervention),
                        ("comparator", query.comparator)):
        wcov, cov, big, anyv = _coverage(index, terms)
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
    k1, b = 1.2, 0.75
    qcount: dict[str, int] = {}
    for t in list(query.outcome) * 2 + list(query.intervention) + list(query.comparator):
        qcount[t] = qcount.get(t, 0) + 1
    terms = list(qcount)
    bm = np.zeros(n)
    if terms:
        tf = index.presence(terms)
        norm = k1 * (1 - b + b * index.lengths / (index.avg_len or 1.0))
        weights = np.array([index.idf_of(t) * qcount[t] for t in terms])
        bm = (tf * (k1 + 1) / (tf + norm[:, None])) @ weights
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
    result_cue = X[:, _INDEX["cue:p"]] + X[:, _INDEX["cue:sig"]] + X[:, _INDEX["cue:nonsig"]]
    rel = X[:, _INDEX["outcome:rel"]]
    X[:, _INDEX["outcome_x_cue"]] = rel * np.minimum(result_cue, 1)
    X[:, _INDEX["outcome_x_result_section"]] = rel * (
        X[:, _INDEX["section:results"]] + X[:, _INDEX["abstract:results"]] + X[:, _INDEX["section:table"]])
    neighbour = np.zeros(n)
    if n > 1:
        neighbour[1:] = np.maximum(neighbour[1:], rel[:-1])
        neighbour[:-1] = np.maximum(neighbour[:-1], rel[1:])
    X[:, _INDEX["neighbour:outcome_rel"]] = neighbour
    X[:, _INDEX["outcome_x_comparison"]] = X[:, _INDEX["comparison"]] * rel
    if query.times:  # the passage names the outcome's own time point ("LDA at week 12")
        X[:, _INDEX["time:match"]] = [bool(times & query.times) for times in index.times()]
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
    return Query(*parts, times=time_points(outcome))
