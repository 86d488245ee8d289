"""One corrected view of a review: what `trialsynth table`, `export`, the report and pooling all read.

A review's store holds the extractor's predictions and the reviewer's screening decisions apart;
the review folder may hold a corrections file. `load_view` reads them once and combines them the
one way every reader uses:

- `predictions`: the stored extractions with the corrections file applied
  (`trialsynth.corrections.apply_corrections`), so a corrected value is the value everywhere;
- `screening`: the effective screening (`trialsynth.screening.effective_screening`): a reviewer's
  decision wins over the extractor's;
- `included`: the records that screening includes, in store order;
- `table()`: the evidence table of the included studies (or of every screened record) from the
  corrected predictions, with `include` saying the effective decision;
- `comparisons()`: the same studies' between-group comparisons (trialsynth.comparisons), one row each;
- `labels()`: each record's study label ("Wang 2019", "Wang 2019b"), as the report names it.

The extractor's own, uncorrected predictions stay in `extracted` (PRISMA tells what automation
excluded from what a reviewer excluded).

A large review's extractions are mostly read for a few fields (the screening, PRISMA and the studies
table read each record's summary: corpus.store.extraction_summary, kept beside its evidence), and in
full only for the records the screening includes: `load_view` decodes those, and `extracted` decodes
any other one when it is first asked for (`StoredPredictions`; with `lazy=True`, as an update's
`build_context` reads it, their evidence is not even read from the store until then).
`summary(record_id)` gives the fields of the summary from the corrected prediction, without decoding
the others.
"""
from __future__ import annotations

import contextlib
import gc
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence

from trialsynth.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from corpus.records import Record
    from corpus.store import Store
    from trialsynth.corrections import Correction
    from trialsynth.review import Review
    from trialsynth.screening import Screening

__all__ = ["ReviewView", "StoredPredictions", "display_surname", "load_view", "store_table", "study_labels"]


def display_surname(author: str | None) -> str | None:
    """The first author's surname as written: "Wang X" / "Wang, Xiao" / "Xiao Wang" -> "Wang"."""
    if not author:
        return None
    text = author.strip()
    if "," in text:
        return text.split(",", 1)[0].strip() or None
    parts = text.split()
    if len(parts) > 1 and re.fullmatch(r"[A-Z]{1,4}|([A-Z]\.){1,4}", parts[-1]):
        return " ".join(parts[:-1])
    return parts[-1] if parts else None


def study_labels(records: Mapping[str, Record]) -> dict[str, str]:
    """Each record's study label, "<first author's surname> <year>" ("n.d." without a year; the record id
    without an author), in order of year, first author and id; a label taken already gets b, c, ..."""
    seen: dict[str, int] = {}
    out = {}
    for rid in sorted(records, key=lambda r: (records[r].year or 0, records[r].first_author or "", r)):
        rec = records[rid]
        base = f"{display_surname(rec.authors[0] if rec.authors else None) or rid} {rec.year or 'n.d.'}"
        seen[base] = seen.get(base, 0) + 1
        out[rid] = base if seen[base] == 1 else f"{base}{chr(ord('a') + seen[base] - 1)}"
    return out


class StoredPredictions(Mapping[str, Mapping[str, Any]]):
    """{record_id: prediction} of a store's extractions, each as `trialsynth.corrections.stored_predictions`
    gives it (the evidence with "id" and "extractor_version"), its evidence JSON decoded when it is first
    asked for (then kept); `summary(record_id)` reads the summary beside it instead. In record id order.

    `fetch(ids)` reads the evidence JSON of records whose rows came without it (`load` those a reader
    will need; the first other one asked for reads all the rest); `detach()` reads them all and lets
    go of `fetch` (the store may be closed after it)."""

    def __init__(self, rows: Iterable[tuple[str, str, str | None, str | None]],
                 fetch: Callable[[Iterable[str]], Iterable[tuple[str, str, str]]] | None = None):
        """`rows`: (record_id, extractor_version, summary JSON or None, evidence JSON or None: fetch it), as
        corpus.store.Store.extraction_texts yields them; `fetch`: Store.extraction_texts_of."""
        self._texts: dict[str, tuple[str, str]] = {}
        self._decoded: dict[str, dict[str, Any]] = {}
        self._summaries: dict[str, Mapping[str, Any]] = {}
        self._unread: set[str] = set()
        self._fetch = fetch
        for record_id, version, summary, evidence in rows:
            if summary is None:  # no summary stored: the evidence is decoded now (and is its own summary)
                self._decoded[record_id] = self._summaries[record_id] = _prediction(record_id, version, evidence)
                continue
            self._summaries[record_id] = json.loads(summary)
            if evidence is None:
                self._unread.add(record_id)
            else:
                self._texts[record_id] = (version, evidence)
        if self._unread and fetch is None:
            raise ValueError("StoredPredictions: rows without their evidence need `fetch`")

    def load(self, record_ids: Iterable[str]) -> None:
        """Read the evidence JSON of those of `record_ids` that were not read yet (one pass of `fetch`)."""
        wanted = [rid for rid in record_ids if rid in self._unread]
        if not wanted:
            return
        self._unread.difference_update(wanted)
        assert self._fetch is not None
        for record_id, version, evidence in self._fetch(wanted):
            self._texts[record_id] = (version, evidence)

    def detach(self) -> None:
        """Read every evidence not read yet; `fetch` is not used after this."""
        self.load(sorted(self._unread))
        self._fetch = None

    def __getitem__(self, record_id: str) -> dict[str, Any]:
        prediction = self._decoded.get(record_id)
        if prediction is None:
            if record_id in self._unread:  # the first of the records nobody said they would read: all of them
                self.load(sorted(self._unread))
            version, evidence = self._texts.pop(record_id)  # KeyError: no extraction
            prediction = self._decoded[record_id] = _prediction(record_id, version, evidence)
            self._summaries[record_id] = prediction  # the same values: its summary is no longer kept apart
        return prediction

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._summaries

    def __iter__(self) -> Iterator[str]:
        return iter(self._summaries)

    def __len__(self) -> int:
        return len(self._summaries)

    def summary(self, record_id: str) -> Mapping[str, Any] | None:
        """The record's extraction_summary (the same values as its prediction's; once decoded, the prediction
        itself), or None without an extraction."""
        return self._summaries.get(record_id)


def _prediction(record_id: str, version: str, evidence_json: str) -> dict[str, Any]:
    return {**json.loads(evidence_json), "id": record_id, "extractor_version": version}


@dataclass(frozen=True)
class ReviewView:
    """A review's records, corrected predictions and effective screening, read together (see the module docstring)."""

    title: str
    records: Mapping[str, Record]  # by record id, in store order
    extracted: Mapping[str, Mapping[str, Any]]  # the extractor's predictions as stored (with "id", "extractor_version")
    # the same with the corrections file applied; a record without corrections shares its dict with `extracted`
    # (readers never change either)
    predictions: Mapping[str, Mapping[str, Any]]
    decisions: Mapping[str, Mapping[str, Any]]  # the reviewer's decisions (Store.decisions())
    screening: Mapping[str, Screening]  # effective: {record_id: (include, reason, decided_by)}
    included: tuple[str, ...]  # records the effective screening includes, in store order
    corrections: tuple[Correction, ...] = ()
    corrections_file: Path | None = None
    # {record_id: extraction_summary of its corrected prediction, or that prediction itself}, where load_view
    # has them (else read from `predictions`)
    summaries: Mapping[str, Mapping[str, Any]] | None = None

    def summary(self, record_id: str) -> Mapping[str, Any] | None:
        """The record's corrected prediction, or where the view has it its summary (corpus.store.
        extraction_summary: the same values for those keys); None when the record has no extraction."""
        if self.summaries is not None:
            return self.summaries.get(record_id)
        return self.predictions.get(record_id)

    def has_prediction(self, record_id: str) -> bool:
        """True when the record has a (non-empty) corrected prediction: where the view has the summaries,
        one that is stored (a stored prediction always holds "id" and "extractor_version")."""
        if self.summaries is not None:
            return record_id in self.predictions
        return bool(self.predictions.get(record_id))

    def extracted_summary(self, record_id: str) -> Mapping[str, Any] | None:
        """`summary` of the extractor's own, uncorrected prediction."""
        if isinstance(self.extracted, StoredPredictions):
            return self.extracted.summary(record_id)
        return self.extracted.get(record_id)

    def decision(self, record_id: str) -> Screening:
        """Return the effective (include, reason, decided_by) of a record; a record nobody screened yet
        is (False, "not extracted yet", "extractor")."""
        return self.screening.get(record_id, (False, "not extracted yet", "extractor"))

    def table(self, *, include_all: bool = False) -> pd.DataFrame:
        """Return the evidence table (trialsynth.extraction.TABLE_COLUMNS) of the included studies.

        With `include_all`, every record that has an extraction or a reviewer decision, in store
        order, its `include` column the effective decision. A study without outcome rows (say, one
        a reviewer included though the extractor read nothing) still gets one row.
        """
        from trialsynth.extraction import evidence_table

        return evidence_table(self._table_input(include_all), self._table_meta(), include_all=True)

    def table_rows(self, *, include_all: bool = False) -> list[dict[str, Any]]:
        """Return the rows of `table()` as plain dicts (no pandas): the same values, None where the table
        has a missing value (NaN included)."""
        from trialsynth.extraction import evidence_rows

        rows = evidence_rows(self._table_input(include_all), self._table_meta(), include_all=True)
        for row in rows:
            for key, value in row.items():
                if type(value) is float and value != value:
                    row[key] = None
        return rows

    def _table_meta(self) -> dict[str, dict[str, Any]]:
        return {rid: {"first_author": r.authors[0] if r.authors else None, "year": r.year, "title": r.title or None}
                for rid, r in self.records.items()}

    def _table_input(self, include_all: bool) -> list[dict[str, Any]]:
        ids = [rid for rid in self.records if rid in self.screening] if include_all else list(self.included)
        rows = []
        for rid in ids:
            prediction = self.predictions.get(rid) or {"outcomes": []}
            rows.append({**prediction, "id": rid, "include": self.screening[rid][0]})
        return rows

    def labels(self) -> dict[str, str]:
        """Each record's study label ("Wang 2019"): `study_labels` of the review's records."""
        return study_labels(self.records)

    def comparison_rows(self, *, include_all: bool = False,
                        computed: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
                        labels: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """The between-group comparisons of the included studies (with `include_all`, of every screened
        record), one dict of trialsynth.comparisons.COMPARISON_COLUMNS each, in store order; `computed`:
        the comparisons computed from the arms' values, by record id, and `labels` (`labels()`), where the
        caller has them."""
        from trialsynth.comparisons import comparison_rows

        meta = {rid: {"first_author": r.authors[0] if r.authors else None, "year": r.year}
                for rid, r in self.records.items()}
        ids = [rid for rid in self.records if rid in self.screening] if include_all else list(self.included)
        return comparison_rows(({**(self.predictions.get(rid) or {}), "id": rid} for rid in ids), meta,
                               self.labels() if labels is None else labels, computed)

    def comparisons(self, *, include_all: bool = False) -> pd.DataFrame:
        """`comparison_rows` as a DataFrame (trialsynth.comparisons.comparison_frame)."""
        from trialsynth.comparisons import comparison_frame

        return comparison_frame(self.comparison_rows(include_all=include_all))


_SPARING: list[bool] = []  # not empty inside sparing_collector() (trialsynth.update.run_update)


@contextlib.contextmanager
def sparing_collector() -> Iterator[None]:
    """Keep the garbage collector's full passes off what an update builds once and holds to its end.

    An update of a large review holds its records, predictions, rows and results (millions of
    objects) until it ends, and every full pass of the collector walks all of them: a 20,000-record
    update made 29 passes, 5 s of its 23 s. Inside the block `_keep_long_lived()` moves every object
    that exists then out of the collector's sight (gc.freeze); what is made after is collected as
    always, reference cycles included (a plot's). Leaving the block hands the kept objects back to the
    collector (gc.unfreeze), unless someone had frozen objects before: those stay as they were. A block
    inside another is part of it.
    """
    own = not _SPARING and gc.get_freeze_count() == 0
    _SPARING.append(own)
    try:
        yield
    finally:
        _SPARING.pop()
        if own:
            gc.unfreeze()


def keep_long_lived() -> None:
    """Inside sparing_collector(): leave the objects that exist now out of the collector's full passes."""
    if _SPARING and _SPARING[0]:
        gc.freeze()


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the garbage collector while the block builds objects that hold no reference cycles.

    A large review's records and predictions are millions of objects; each of the collector's full
    passes while they are read walks all of them again (a 20,000-record review: 6 passes, 1.4 s of
    reading 2.6 s). Objects without cycles are freed by reference counting alone, and any cycle
    made in the block is collected after it: the pause only delays; the collector's state before the
    block is restored after it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_view(review: Review, store: Store | None = None, *, lazy: bool = False) -> ReviewView:
    """Return the review's corrected view, read from `store` (opened and closed here when None).

    `lazy`: the evidence JSON of the records the screening does not include is read from `store` only
    when one of them is first asked for, so `store` must stay open while the view is used (an update:
    a large review's excluded records are never read whole). Raises InputError (CorrectionsError) when
    the corrections file has problems.
    """
    if store is None:  # the command's open store, else the review's, read-only
        from trialsynth.reviewstore import open_store

        with open_store(review, write=False) as opened:
            return load_view(review, opened)
    from trialsynth.corrections import apply_corrections, find_corrections_file, load_corrections
    from trialsynth.screening import effective_screening, store_resolver

    with _collector_paused():  # records and decoded JSON hold no reference cycles: nothing for it to find
        records = {s.id: s.record for s in store.records()}
        # the summaries (and the evidence of records without one); the evidence of the included records below
        extracted = StoredPredictions(store.extraction_texts(summarised=not lazy), store.extraction_texts_of)
    decisions = dict(store.decisions())
    corrections_file = find_corrections_file(review.root)
    corrections = load_corrections(corrections_file, store_resolver(store)) if corrections_file else []
    by_record: dict[str, list[Correction]] = {}
    for c in corrections:
        by_record.setdefault(c.record_id, []).append(c)
    # as trialsynth.corrections.apply_by_record: an uncorrected prediction is not copied
    extracted.load(by_record)
    corrected = {rid: apply_corrections(extracted[rid], own) for rid, own in by_record.items() if rid in extracted}
    predictions = _Corrected(extracted, corrected)
    screening = effective_screening({rid: corrected.get(rid) or extracted.summary(rid) for rid in extracted},
                                    decisions)
    included = tuple(rid for rid in records if screening.get(rid, (False,))[0])
    with _collector_paused():
        extracted.load(included)
        for rid in included:  # the predictions every reader of an update reads in full
            if rid in extracted:
                extracted[rid]
        keep_long_lived()  # in an update: what it holds to its end, set aside before the collector resumes
    if not lazy:
        extracted.detach()  # nothing is read from the store after this (it holds every evidence already)
    # a decoded or corrected prediction is its own summary
    summaries = {rid: corrected.get(rid) or extracted.summary(rid) for rid in extracted}
    try:
        title = review.protocol().title
    except InputError:
        title = ""
    return ReviewView(title=title, records=records, extracted=extracted, predictions=predictions,
                      decisions=decisions, screening=screening, included=included,
                      corrections=tuple(corrections), corrections_file=corrections_file, summaries=summaries)


class _Corrected(Mapping[str, Mapping[str, Any]]):
    """The stored predictions with the corrected ones in their place (same keys, same order)."""

    def __init__(self, extracted: StoredPredictions, corrected: Mapping[str, Mapping[str, Any]]):
        self._extracted, self._corrected = extracted, corrected

    def __getitem__(self, record_id: str) -> Mapping[str, Any]:
        corrected = self._corrected.get(record_id)
        return corrected if corrected is not None else self._extracted[record_id]

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._extracted

    def __iter__(self) -> Iterator[str]:
        return iter(self._extracted)

    def __len__(self) -> int:
        return len(self._extracted)


def store_table(review: Review, *, include_all: bool = False, store: Store | None = None
                ) -> tuple[pd.DataFrame, int, int]:
    """Return the evidence table of a review, the number of records, and how many have no extraction.

    The table is the review's corrected view (`trialsynth.view`): the studies the effective
    screening includes (a reviewer's decision wins), with the corrections file applied, exactly as
    `trialsynth export` writes it. `include_all` adds every other screened record. `store`: the
    command's open store (else the review's is opened, read-only).
    """
    view = load_view(review, store)
    missing = len(set(view.records) - set(view.extracted))
    return view.table(include_all=include_all), len(view.records), missing
