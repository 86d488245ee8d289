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
"""
from __future__ import annotations

import contextlib
import gc
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from trialsynth.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from corpus.records import Record
    from corpus.store import Store
    from trialsynth.corrections import Correction
    from trialsynth.review import Review
    from trialsynth.screening import Screening

__all__ = ["ReviewView", "display_surname", "load_view", "store_table", "study_labels"]


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
                        computed: Mapping[str, Sequence[Mapping[str, Any]]] | None = None) -> list[dict[str, Any]]:
        """The between-group comparisons of the included studies (with `include_all`, of every screened
        record), one dict of trialsynth.comparisons.COMPARISON_COLUMNS each, in store order; `computed`:
        the comparisons computed from the arms' values, by record id, where the caller has them."""
        from trialsynth.comparisons import comparison_rows

        meta = {rid: {"first_author": r.authors[0] if r.authors else None, "year": r.year}
                for rid, r in self.records.items()}
        ids = [rid for rid in self.records if rid in self.screening] if include_all else list(self.included)
        return comparison_rows(({**(self.predictions.get(rid) or {}), "id": rid} for rid in ids), meta, self.labels(),
                               computed)

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


def load_view(review: Review, store: Store | None = None) -> ReviewView:
    """Return the review's corrected view, read from `store` (opened and closed here when None).

    Raises InputError (CorrectionsError) when the corrections file has problems.
    """
    if store is None:  # the command's open store, else the review's, read-only
        from trialsynth.reviewstore import open_store

        with open_store(review, write=False) as opened:
            return load_view(review, opened)
    from trialsynth.corrections import apply_by_record, find_corrections_file, load_corrections, stored_predictions
    from trialsynth.screening import effective_screening, store_resolver

    with _collector_paused():  # records and decoded JSON hold no reference cycles: nothing for it to find
        records = {s.id: s.record for s in store.records()}
        extracted = stored_predictions(store)
        keep_long_lived()  # in an update: what it holds to its end, set aside before the collector resumes
    decisions = dict(store.decisions())
    corrections_file = find_corrections_file(review.root)
    corrections = load_corrections(corrections_file, store_resolver(store)) if corrections_file else []
    predictions = apply_by_record(extracted, corrections)  # an uncorrected prediction is not copied
    screening = effective_screening(predictions, decisions)
    included = tuple(rid for rid in records if screening.get(rid, (False,))[0])
    try:
        title = review.protocol().title
    except InputError:
        title = ""
    return ReviewView(title=title, records=records, extracted=extracted, predictions=predictions,
                      decisions=decisions, screening=screening, included=included,
                      corrections=tuple(corrections), corrections_file=corrections_file)


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
