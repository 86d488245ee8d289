"""Answers to "with respect to OUTCOME, how did INTERVENTION differ from COMPARATOR?" prompts.

    from extract.prompting import parse_prompts, answer_prompts
    prompts = parse_prompts(open("prompts.jsonl").read(), "prompts.jsonl")
    for answer in answer_prompts(record, [p for p in prompts if p.record_id == record.id]):
        print(answer.to_dict())   # {"prompt_id", "label", "evidence", "location", ...}

For one record, every passage (extract.passages: abstract and body sentences, table rows) is
ranked for the prompt by the trained ranker (extract.ranking features, extract.model weights);
the passages that state a between-group comparison (extract.comparisons.is_comparison) carry
that as a feature, so a matching comparison is preferred over a sentence that only names the
outcome. The evidence returned is the top passage. The label is the vote of the top `top_k`
passages: each passage's label probabilities (extract.labelling features, with the prompt's
intervention, comparator and outcome as the placeholders) weighted by exp(temperature * (its
ranker score - the top score)); when the vote says significant and the top passage names an effect
estimate with its interval ("OR 0.41 (95% CI 0.20-0.82)": effect_direction), the estimate's side
gives the direction, else its direction words said of an arm when they all give one side ("lower in
INTV than in COMP"). A record with no passage (no abstract, no full text) gets a null label: the
answer abstains.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from extract.comparison_cues import ArmTerms, group_definitions
from extract.errors import ExtractionError
from extract.evidence import ExtractionInput
from extract.jats import parse_jats
from extract.labelling import label_features
from extract.model import LABELS, ComparisonModel, load_model
from extract.passages import Passage, article_passages
from extract.ranking import ArticleIndex, make_query, ranking_features
from extract.terms import abbreviations

__all__ = ["Answer", "Prompt", "RecordText", "answer", "answer_prompts", "answer_records", "effect_direction",
           "parse_prompts", "read_record", "vote"]

PROMPT_FIELDS = ("outcome", "intervention", "comparator")
MAX_FIELD_CHARS = 2000
PROMPT_HINT = ('Each line must be a JSON object {"prompt_id", "record_id", "outcome", "intervention", '
               '"comparator"} ("pmcid" is read as "record_id").')


@dataclass(frozen=True)
class Prompt:
    prompt_id: int | str
    record_id: str
    outcome: str
    intervention: str
    comparator: str


@dataclass(frozen=True)
class Answer:
    """One answer line: the label (None: abstained), the evidence passage and where it is."""

    prompt_id: int | str
    label: str | None
    evidence: str | None
    location: str | None
    start: int | None = None
    end: int | None = None
    confidence: float | None = None
    comparison: bool = False  # the evidence is a between-group comparison of the record

    def to_dict(self) -> dict[str, Any]:
        return {"prompt_id": self.prompt_id, "label": self.label, "evidence": self.evidence,
                "location": self.location, "start": self.start, "end": self.end,
                "confidence": self.confidence, "comparison": self.comparison}


def _prompt(obj: dict[str, Any], where: str) -> Prompt:
    pid = obj.get("prompt_id")
    if isinstance(pid, bool) or not isinstance(pid, (int, str)) or (isinstance(pid, str) and not pid.strip()):
        raise ExtractionError(f"{where}: \"prompt_id\" must be an integer or a non-empty string, got "
                              f"{json.dumps(pid)[:40]}. {PROMPT_HINT}")
    record = obj.get("record_id", obj.get("pmcid"))
    if isinstance(record, bool) or not isinstance(record, (str, int)) or not str(record).strip():
        raise ExtractionError(f"{where}: the prompt has no \"record_id\" (the \"id\" of its article in the input "
                              f"file), got {json.dumps(record)[:40]}. {PROMPT_HINT}")
    fields = []
    for key in PROMPT_FIELDS:
        value = obj.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ExtractionError(f"{where}: \"{key}\" must be a non-empty string, got {json.dumps(value)[:40]}. "
                                  f"{PROMPT_HINT}")
        if len(value) > MAX_FIELD_CHARS:
            raise ExtractionError(f"{where}: \"{key}\" is {len(value)} characters long (at most {MAX_FIELD_CHARS}); "
                                  "shorten it to the outcome or arm's name.")
        fields.append(value.strip())
    return Prompt(pid if isinstance(pid, int) else pid.strip(), str(record).strip(), *fields)


def parse_prompts(text: str, origin: str) -> list[Prompt]:
    """The prompts of a JSON Lines text, in order. Raises ExtractionError naming `origin` and the
    line for a line that is not a JSON object, lacks a field, or repeats a prompt_id."""
    prompts: list[Prompt] = []
    seen: dict[Any, int] = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin} line {number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ExtractionError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}). {PROMPT_HINT}") from exc
        if not isinstance(obj, dict):
            raise ExtractionError(f"{where}: expected a JSON object, got {type(obj).__name__}. {PROMPT_HINT}")
        prompt = _prompt(obj, where)
        if prompt.prompt_id in seen:
            raise ExtractionError(f"{where}: prompt_id {prompt.prompt_id!r} was already used on line "
                                  f"{seen[prompt.prompt_id]}; every prompt needs its own id.")
        seen[prompt.prompt_id] = number
        prompts.append(prompt)
    if not prompts:
        raise ExtractionError(f"{origin}: the file holds no prompts. {PROMPT_HINT}")
    return prompts


@dataclass(frozen=True)
class RecordText:
    """One record cut into passages and indexed for ranking, with its abbreviations."""

    id: str
    passages: tuple[Passage, ...]
    index: ArticleIndex
    abbreviations: dict[str, tuple[str, ...]]
    warnings: tuple[str, ...] = ()
    group_codes: dict[str, frozenset[str]] = field(default_factory=dict)  # comparison_cues.group_definitions

    def terms(self, intervention: str, comparator: str, outcome: str) -> ArmTerms:
        """The prompt's arm and outcome terms in this record: with its abbreviations and the group
        codes it defines ("group D (dexmedetomidine)")."""
        return ArmTerms.from_text(intervention, comparator, outcome, self.abbreviations).with_codes(self.group_codes)


def read_record(record: ExtractionInput) -> RecordText:
    """The record's passages: title, abstract (the record's, else the full text's), body, tables.
    A full text that is not readable JATS is skipped with a warning (as extract.fulltext.parse_article
    does; extract.jats is called directly so that answering prompts never loads spaCy)."""
    article, warning = None, None
    if record.full_text_xml:
        try:
            article = parse_jats(record.full_text_xml)
        except Exception as exc:  # noqa: BLE001 - any malformed full text: skip the body, keep the abstract
            warning = f"full text skipped: it is not readable JATS XML ({type(exc).__name__}: {str(exc)[:160]})"
    abstract = record.abstract or (article.abstract if article else "")
    title = record.title or (article.title if article else "")
    passages = tuple(article_passages(title, abstract, article))
    full = abstract + ("\n" + article.body_text if article is not None else "")
    return RecordText(record.id, passages, ArticleIndex(passages), abbreviations(full),
                      (warning,) if warning else (), group_definitions(full))


def vote(scored: Sequence[tuple[float, Sequence[float]]], temperature: float) -> tuple[int, float]:
    """The label index (into LABELS) the ranked passages vote for, and its share of the votes.

    `scored` holds (ranker score, label probabilities) of each voting passage, best first; each
    votes with weight exp(temperature * (its score - the best score))."""
    votes = [0.0, 0.0, 0.0]
    top = scored[0][0]
    for score, probs in scored:
        weight = math.exp(temperature * (score - top))
        for k in range(3):
            votes[k] += weight * probs[k]
    best = max(range(3), key=lambda k: votes[k])
    return best, votes[best] / sum(votes)


def effect_direction(label: int, features: dict[str, float]) -> int:
    """The label index with its direction read from the evidence passage's named effect estimate
    (extract.labelling: "OR 0.41 (95% CI 0.20-0.82)", "difference -0.42 (95% CI -0.62 to -0.23)"),
    when the vote says significant and the passage names estimates of one direction only: the
    estimate's side of the null value decides more surely than the direction model's words. A
    passage with no estimate whose direction words said of an arm all give one side ("lower in
    INTV than in COMP", "a decline among those receiving COMP": dir:intv_up / dir:intv_down)
    gets that side, and one with neither whose valence words said of an arm all give one side
    ("significantly better ... with INTV than COMP", "in favour of INTV") an increase for the better
    arm; a passage naming no arm and no reference ("than") whose direction words all give one side
    ("The length of stay was significantly reduced in the supplemented patients") gets that side: it is
    said of the intervention (on the training split's cross-validation the model's vote over ten
    passages flips such passages more often than the words do)."""
    if LABELS[label] == LABELS[0]:
        return label
    for higher, lower in (("effect:intv_higher", "effect:intv_lower"), ("dir:intv_up", "dir:intv_down"),
                          ("val:intv_better", "val:intv_worse")):
        higher, lower = features.get(higher), features.get(lower)
        if higher and not lower:
            return LABELS.index("significantly increased")
        if lower and not higher:
            return LABELS.index("significantly decreased")
        if higher and lower:
            return label
    if not features.get("arm:intv") and not features.get("arm:comp") and not features.get("w:than"):
        up, down = features.get("dir:up"), features.get("dir:down")
        if up and not down:
            return LABELS.index("significantly increased")
        if down and not up:
            return LABELS.index("significantly decreased")
    return label


def answer(text: RecordText, prompt: Prompt, model: ComparisonModel | None = None) -> Answer:
    """The answer to one prompt over one record (see the module docstring)."""
    model = model or load_model()
    if not text.passages:
        return Answer(prompt.prompt_id, None, None, None)
    query = make_query(prompt.outcome, prompt.intervention, prompt.comparator, text.abbreviations)
    scores = model.rank_scores(ranking_features(text.index, query))
    order = sorted(range(len(scores)), key=lambda i: -scores[i])[:max(1, model.top_k)]
    terms = text.terms(prompt.intervention, prompt.comparator, prompt.outcome)
    scored = []
    top_features: dict[str, float] = {}
    for i in order:
        p = text.passages[i]
        features = label_features(p.text, terms, p.cells, p.columns).features
        top_features = top_features or features
        scored.append((float(scores[i]), model.label_probabilities(features, p.kind == "row")))
    best, share = vote(scored, model.temperature)
    best = effect_direction(best, top_features)
    evidence = text.passages[order[0]]
    return Answer(prompt.prompt_id, LABELS[best], evidence.text, evidence.location, evidence.start, evidence.end,
                  round(share, 4), text.index.comparison[order[0]])


def answer_prompts(record: ExtractionInput, prompts: Iterable[Prompt], model: ComparisonModel | None = None
                   ) -> list[Answer]:
    """The answers to the prompts about one record, in the prompts' order."""
    prompts = list(prompts)
    if not prompts:
        return []
    text = read_record(record)
    return [answer(text, p, model) for p in prompts]


def _answer_one(job: tuple[ExtractionInput, list[Prompt]]) -> tuple[ExtractionInput, list[Answer]]:
    return job[0], answer_prompts(job[0], job[1])


def answer_records(records: Sequence[ExtractionInput], prompts: Sequence[Prompt],
                   model: ComparisonModel | None = None, n_process: int = 1
                   ) -> Iterator[tuple[ExtractionInput, list[Answer]]]:
    """(record, its answers) for each record that has prompts, in record order; n_process > 1
    answers in worker processes (each loads the shipped model)."""
    by_record: dict[str, list[Prompt]] = {}
    for p in prompts:
        by_record.setdefault(p.record_id, []).append(p)
    jobs = [(r, by_record[str(r.id)]) for r in records if str(r.id) in by_record]
    if n_process <= 1 or model is not None:
        for record, mine in jobs:
            yield record, answer_prompts(record, mine, model)
        return
    from multiprocessing import get_context

    with get_context("spawn").Pool(n_process) as pool:
        yield from pool.imap(_answer_one, jobs, chunksize=4)
