#!/usr/bin/env python3
"""Train the comparison models (evidence ranker, significance and direction classifiers) and write
extract/data/comparisons_model.json.

    python scripts/train_comparisons.py --data ../shared/gold/evidence_inference_train [--cv 5]
        [--scorer ../shared/tools/score_comparisons.py] [--output extract/data/comparisons_model.json]

Needs the `train` extra (scikit-learn): `python -m pip install -e .[train]`. The shipped model is
plain JSON (feature names and weights) read by extract/model.py with numpy: scikit-learn is never
needed at run time.

Data: the Evidence Inference 2.0 training split as prepared in shared/gold/evidence_inference_train
(`prompts.jsonl`, `xml/<pmcid>.nxml`; Lehman et al., NAACL 2019; DeYoung et al., BioNLP 2020; MIT
licence, https://github.com/jayded/evidence-inference). Never the dev split.

- Ranker: every prompt whose article has a full text. Each passage of the article
  (extract.prompting.read_record, the same code the extractor runs) is a positive when it matches
  one of the annotators' evidence strings (token overlap >= 0.5 either way, as the scorer counts
  it). Logistic regression over extract.ranking.FEATURES, standardised.
- Label: every annotator evidence string, with its annotator's label (a prompt whose annotators
  disagree gives each string its own annotator's label: the strings and labels are in the same order),
  with the prompt's arms and outcome as placeholders (extract.labelling.label_features); features
  seen in fewer than MIN_COUNT strings are dropped. A string that names an arm is also learnt
  mirrored (the arms swapped, increased <-> decreased: MIRROR). Significance: logistic regression, significant
  vs not; direction: logistic regression over the significant strings, increased vs decreased.
- Aggregation: the label of a prompt is the vote of the top_k ranked passages, weighted by
  exp(temperature * (score - top score)), its direction taken from the top passage's named effect
  estimate where it has one, else from its direction words said of an arm when they all give one
  side (extract.prompting.effect_direction). With --cv the grid AGGREGATION_GRID is scored on the
  out-of-fold predictions (folds grouped by article) and the best setting is shipped; without
  --cv the defaults below (chosen that way) are.

--cv N also prints the cross-validated figures: with --scorer, the scorer's own report on the
full-text prompts, and on its "clean" part (two agreeing annotators, valid rows: the kind of prompt
the dev split keeps).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.comparison_cues import ArmTerms  # noqa: E402
from extract.evidence import ExtractionInput  # noqa: E402
from extract.labelling import label_features  # noqa: E402
from extract.model import MODEL_FORMAT, ComparisonModel  # noqa: E402
from extract.model import LABELS  # noqa: E402
from extract.prompting import effect_direction, read_record, vote  # noqa: E402
from extract.ranking import FEATURES, make_query, ranking_features  # noqa: E402

C_RANKER = 0.1
C_SIGNIFICANCE = 0.3
C_DIRECTION = 0.3
MIN_COUNT = 2
TOP_K = 5
TEMPERATURE = 1.0
AGGREGATION_GRID = [(k, t) for k in (1, 3, 5, 7, 10) for t in (0.5, 1.0, 1.5)]
POSITIVE_OVERLAP = 0.5
ROW_OVERLAP = 0.8  # an evidence string is this table row when their tokens overlap this much
WEIGHT_DIGITS = 5
# An evidence string that names an arm is learnt twice: as written, and with the two arms swapped
# (ArmTerms.mirrored) and the direction flipped, so that the direction model learns which arm a
# direction word is said of, not which words go with increases in the training split.
MIRROR = True
_MIRRORED_LABEL = {LABELS[0]: LABELS[0], LABELS[1]: LABELS[2], LABELS[2]: LABELS[1]}

SOURCE = ("Evidence Inference 2.0 training split (shared/gold/evidence_inference_train: prompts, annotator labels "
          "and evidence; full texts of the CC BY / CC0 articles), from https://github.com/jayded/evidence-inference "
          "at commit b9831b6c59b52ac2d277f757d413ececf0949a8d")
LICENCE = ("Annotations: MIT licence, Copyright (c) 2019 Jay DeYoung, Eric Lehman, Ben Nye, Byron Wallace "
           "(evidence-inference repository). Articles: each under its own CC BY or CC0 licence.")
CITATION = ("Eric Lehman, Jay DeYoung, Regina Barzilay, Byron C. Wallace. 2019. Inferring Which Medical Treatments "
            "Work from Reports of Clinical Trials. NAACL-HLT 2019, pp. 3705-3717. Jay DeYoung, Eric Lehman, Benjamin "
            "Nye, Iain Marshall, Byron C. Wallace. 2020. Evidence Inference 2.0: More Data, Better Models. BioNLP "
            "2020, pp. 123-132.")

_TOKEN = re.compile(r"[^\W_]+")


def overlap(pred: str, gold_spans: list[str]) -> float:
    """The scorer's evidence overlap: max(shared / gold tokens, shared / predicted tokens), best span."""
    p = Counter(_TOKEN.findall(pred.lower()))
    n_p = sum(p.values())
    if n_p < 5 or n_p > 200:
        return 0.0
    best = 0.0
    for span in gold_spans:
        g = Counter(_TOKEN.findall(span.lower()))
        n_g = sum(g.values())
        if n_g:
            shared = sum((p & g).values())
            best = max(best, shared / n_g, shared / n_p)
    return best


def load(data: Path, limit: int | None) -> tuple[list[dict], dict]:
    with open(data / "prompts.jsonl", encoding="utf-8") as fh:
        prompts = [json.loads(line) for line in fh if line.strip()]
    articles: dict[str, object] = {}
    for p in prompts:
        x = data / "xml" / f"{p['pmcid']}.nxml"
        if p["pmcid"] in articles or not x.exists():
            continue
        if limit is not None and len(articles) >= limit:
            continue
        articles[p["pmcid"]] = read_record(ExtractionInput(p["pmcid"], full_text_xml=x.read_text(encoding="utf-8")))
    if limit is not None:
        prompts = [p for p in prompts if p["pmcid"] in articles]
    return prompts, articles


def ranker_rows(prompts: list[dict], articles: dict) -> list[dict]:
    rows = []
    for p in prompts:
        text = articles.get(p["pmcid"])
        if text is None or not text.passages:
            continue
        X = ranking_features(text.index, make_query(p["outcome"], p["intervention"], p["comparator"],
                                                    text.abbreviations))
        y = np.array([overlap(s.text, p["evidence"]) >= POSITIVE_OVERLAP for s in text.passages])
        rows.append({"prompt": p, "X": X, "y": y})
    return rows


def label_examples(prompts: list[dict], articles: dict) -> tuple[list[dict], list[str], list[str]]:
    """Label features of every evidence string, labelled by its annotator (`labels` and
    `evidence` are in annotator order; a prompt whose lists differ in length and whose annotators
    disagree is skipped), each arm-naming string mirrored too (MIRROR). A string
    that is a table row of a full text is read as that row (its cells and column labels), the way
    the extractor sees it, so that the row features (arm columns, P column) are learnt."""
    X, y, groups = [], [], []
    for p in prompts:
        labels = p.get("labels") or [p["label"]]
        if len(set(labels)) == 1:
            pairs = [(e, p["label"]) for e in p["evidence"]]
        elif len(labels) == len(p["evidence"]):
            pairs = list(zip(p["evidence"], labels))  # the annotators disagree: each string with its annotator's label
        else:
            continue  # the evidence may support either label
        text = articles.get(p["pmcid"])
        terms = (text.terms(p["intervention"], p["comparator"], p["outcome"]) if text is not None
                 else ArmTerms.from_text(p["intervention"], p["comparator"], p["outcome"]))
        rows = [s for s in text.passages if s.kind == "row"] if text is not None else []
        for e, label in pairs:
            row = None
            if rows and "\n" in e:
                best = max(rows, key=lambda s: overlap(s.text, [e]))
                row = best if overlap(best.text, [e]) >= ROW_OVERLAP else None
            cells, columns = (row.cells, row.columns) if row is not None else ((), ())
            source = row.text if row is not None else e
            features = label_features(source, terms, cells, columns).features
            X.append(features)
            y.append(label)
            groups.append(p["pmcid"])
            if MIRROR and ("arm:intv" in features or "arm:comp" in features):
                X.append(label_features(source, terms.mirrored(), cells, columns).features)
                y.append(_MIRRORED_LABEL[label])
                groups.append(p["pmcid"])
    return X, y, groups


def fit_ranker(rows: list[dict]) -> dict:
    from sklearn.linear_model import LogisticRegression

    X = np.vstack([r["X"] for r in rows])
    y = np.concatenate([r["y"] for r in rows])
    mean, scale = X.mean(0), X.std(0)
    scale[scale < 1e-9] = 1.0
    if len(set(y.tolist())) < 2:
        coef, intercept = np.zeros(len(FEATURES)), _prior_logit(y)
    else:
        m = LogisticRegression(C=C_RANKER, max_iter=5000).fit((X - mean) / scale, y)
        coef, intercept = m.coef_[0], float(m.intercept_[0])
    return {"features": list(FEATURES), "mean": _round(mean), "scale": _round(scale), "coef": _round(coef),
            "intercept": intercept, "n_prompts": len(rows), "n_passages": int(len(y)), "n_positive": int(y.sum())}


def _round(values) -> list[float]:
    return [float(f"{v:.{WEIGHT_DIGITS}g}") for v in values]


def _prior_logit(y: np.ndarray) -> float:
    """The log-odds of the positive class, smoothed (a sample too small to hold both classes)."""
    return float(np.log((y.sum() + 1) / (len(y) - y.sum() + 1)))


def _sparse_fit(X: list[dict], y: np.ndarray, C: float) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(set(y.tolist())) < 2:
        return {"vocabulary": [], "coef": [], "intercept": _prior_logit(y), "n_examples": len(X)}
    counts: Counter = Counter(k for f in X for k in f)
    kept = [{k: v for k, v in f.items() if counts[k] >= MIN_COUNT} for f in X]
    dv = DictVectorizer(sort=True)
    A = dv.fit_transform(kept)
    m = LogisticRegression(C=C, max_iter=5000).fit(A, y)
    coef = m.coef_[0]
    names = dv.get_feature_names_out()
    keep = [i for i in range(len(names)) if abs(coef[i]) >= 1e-4]
    return {"vocabulary": [str(names[i]) for i in keep], "coef": _round(coef[keep]),
            "intercept": float(m.intercept_[0]), "n_examples": len(X)}


def fit_labels(X: list[dict], y: list[str]) -> tuple[dict, dict]:
    y = np.array(y)
    sig = y != LABELS[0]
    significance = _sparse_fit(X, sig, C_SIGNIFICANCE)
    up = y[sig] == LABELS[2]
    direction = _sparse_fit([x for x, s in zip(X, sig) if s], up, C_DIRECTION)
    return significance, direction


def build(prompts: list[dict], articles: dict, rows: list[dict] | None = None, top_k: int = TOP_K,
          temperature: float = TEMPERATURE) -> dict:
    rows = rows if rows is not None else ranker_rows(prompts, articles)
    X, y, _ = label_examples(prompts, articles)
    significance, direction = fit_labels(X, y)
    return {"format": MODEL_FORMAT, "source": SOURCE, "licence": LICENCE, "citation": CITATION,
            "trained_by": "scripts/train_comparisons.py",
            "settings": {"C_ranker": C_RANKER, "C_significance": C_SIGNIFICANCE, "C_direction": C_DIRECTION,
                         "min_count": MIN_COUNT, "positive_overlap": POSITIVE_OVERLAP},
            "ranker": fit_ranker(rows), "significance": significance, "direction": direction,
            "aggregate": {"top_k": top_k, "temperature": temperature}}


def cross_validate(prompts: list[dict], articles: dict, folds: int) -> dict[int, list[tuple]]:
    """Out-of-fold (passage index, ranker score, label probabilities) of the top 10 passages, by prompt_id."""
    ids = sorted({p["pmcid"] for p in prompts})
    rng = np.random.RandomState(0)
    fold_of = {a: i % folds for i, a in enumerate(rng.permutation(ids))}
    rows = ranker_rows(prompts, articles)
    out: dict[int, list[tuple]] = {}
    for f in range(folds):
        train = [p for p in prompts if fold_of[p["pmcid"]] != f]
        model = ComparisonModel.from_dict(build(train, articles, [r for r in rows if fold_of[r["prompt"]["pmcid"]]
                                                                   != f], top_k=10), FEATURES)
        for r in rows:
            p = r["prompt"]
            if fold_of[p["pmcid"]] != f:
                continue
            text = articles[p["pmcid"]]
            scores = model.rank_scores(r["X"])
            order = np.argsort(-scores, kind="stable")[:10]
            terms = text.terms(p["intervention"], p["comparator"], p["outcome"])
            out[p["prompt_id"]] = [
                (int(i), float(scores[i]), model.label_probabilities(
                    label_features(text.passages[i].text, terms, text.passages[i].cells,
                                   text.passages[i].columns).features, text.passages[i].kind == "row"))
                for i in order]
    return out


def aggregate(oof: list[tuple], top_k: int, temperature: float, top_features: dict | None = None) -> str:
    """The label the top_k out-of-fold passages vote for (extract.prompting.vote), its direction
    read from the top passage's named effect estimate as the extractor does
    (extract.prompting.effect_direction) when `top_features` (that passage's label features) are given."""
    best = vote([(score, probs) for _, score, probs in oof[:top_k]], temperature)[0]
    return LABELS[effect_direction(best, top_features) if top_features else best]


def top_features(prompt: dict, text, oof: list[tuple]) -> dict:
    """The label features of the prompt's top-ranked out-of-fold passage."""
    terms = text.terms(prompt["intervention"], prompt["comparator"], prompt["outcome"])
    top = text.passages[oof[0][0]]
    return label_features(top.text, terms, top.cells, top.columns).features


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for lab in LABELS:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / 3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="the evidence_inference_train folder")
    ap.add_argument("--output", type=Path, default=ROOT / "extract" / "data" / "comparisons_model.json")
    ap.add_argument("--cv", type=int, default=0, metavar="N", help="N-fold cross-validation grouped by article")
    ap.add_argument("--scorer", type=Path, help="score_comparisons.py, to print its report of the CV predictions")
    ap.add_argument("--limit", type=int, help="use only the first N full-text articles (a quick check)")
    ap.add_argument("--cv-predictions", type=Path, metavar="PATH",
                    help="with --cv: write the out-of-fold answers (the scorer's prediction format) to PATH")
    args = ap.parse_args(argv)
    if "dev" in args.data.name:
        print("train_comparisons: the dev split is for measuring only; pass the training split.", file=sys.stderr)
        return 2
    t0 = time.time()
    prompts, articles = load(args.data, args.limit)
    print(f"read {len(prompts)} prompts, {len(articles)} full texts in {time.time() - t0:.1f}s")
    top_k, temperature = TOP_K, TEMPERATURE
    if args.cv:
        oof = cross_validate(prompts, articles, args.cv)
        with_text = [p for p in prompts if p["prompt_id"] in oof]
        gold = [p["label"] for p in with_text]
        tops = {p["prompt_id"]: top_features(p, articles[p["pmcid"]], oof[p["prompt_id"]]) for p in with_text}
        grid = []
        for k, t in AGGREGATION_GRID:
            f1 = macro_f1(gold, [aggregate(oof[p["prompt_id"]], k, t, tops[p["prompt_id"]]) for p in with_text])
            grid.append((f1, k, t))
            print(f"cv aggregation top_k={k:2d} temperature={t:.1f}: macro_f1 {f1:.3f}")
        _, top_k, temperature = max(grid, key=lambda g: (round(g[0], 3), -g[1]))
        print(f"cv chose top_k={top_k} temperature={temperature}")
        preds = {}
        for p in with_text:
            o = oof[p["prompt_id"]]
            text = articles[p["pmcid"]]
            preds[p["prompt_id"]] = {"label": aggregate(o, top_k, temperature, tops[p["prompt_id"]]),
                                     "evidence": text.passages[o[0][0]].text, "location": text.passages[o[0][0]].location}
        if args.cv_predictions:
            with open(args.cv_predictions, "w", encoding="utf-8") as fh:
                for pid, pred in preds.items():
                    fh.write(json.dumps({"prompt_id": pid, **pred}, ensure_ascii=False) + "\n")
        kinds: Counter = Counter()
        for p in with_text:
            pred = preds[p["prompt_id"]]
            right = pred["label"] == p["label"]
            hit = overlap(pred["evidence"], p["evidence"]) >= POSITIVE_OVERLAP
            kinds[("right label" if right else "wrong label") + (", evidence found" if hit else ", other evidence")] += 1
        print("cv by error kind: " + "; ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
        if args.scorer:
            spec = importlib.util.spec_from_file_location("score_comparisons", args.scorer)
            sc = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(sc)  # type: ignore[union-attr]
            golds = [{"prompt_id": p["prompt_id"], "label": p["label"], "evidence": p["evidence"], "subset": None}
                     for p in with_text]
            print(f"== cross-validated ({args.cv} folds by article), train split, {len(golds)} full-text prompts ==")
            print(sc.render(sc.score(golds, preds)))
            clean = [g for g, p in zip(golds, with_text)
                     if p.get("valid", True) and len(p.get("labels", [0, 0])) >= 2 and len(set(p.get("labels", [0]))) == 1]
            print(f"== cross-validated, train split, clean part (2 agreeing annotators, valid): {len(clean)} prompts ==")
            print(sc.render(sc.score(clean, preds)))
        else:
            print(f"cv macro_f1 {macro_f1(gold, [preds[p['prompt_id']]['label'] for p in with_text]):.3f}")
    model = build(prompts, articles, top_k=top_k, temperature=temperature)
    model["training_data"] = {"prompts": len(prompts), "full_texts": len(articles),
                              "label_strings": model["significance"]["n_examples"]}
    ComparisonModel.from_dict(model, FEATURES)  # the file must load
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.2f} MB; ranker on {model['ranker']['n_prompts']} "
          f"prompts, labels on {model['significance']['n_examples']} evidence strings) in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
