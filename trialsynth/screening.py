"""Screening: which records are in the review, and who decided.

The extractor screens every record it reads (its prediction's `include` and `exclusion_reason`);
a reviewer may decide otherwise with `trialsynth screen`, and the store keeps those decisions apart
from the extractions, so a re-extraction never overwrites them. A reviewer decision always wins.

- `effective_screening` (pure) combines predictions and decisions into (include, reason, decided_by).
- `resolve_record_id` (trialsynth.recordref) turns what a user types (a store id, "PMID:31908418",
  "31908418", a DOI, an NCT id, a PMCID) into a stored record id.
- `decide`, `clear` and `screening_rows` are the library side of `trialsynth screen`.
"""
from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from trialsynth.errors import InputError
from trialsynth.recordref import resolve_record_id, store_resolver  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    from corpus.store import Store
    from trialsynth.review import Review

#: (include, reason, decided_by): reason is None for an extractor inclusion; decided_by is
#: "extractor" or "reviewer:<name>".
Screening = tuple[bool, "str | None", str]

REVIEWER_ENV = "TRIALSYNTH_REVIEWER"


def effective_screening(predictions: Mapping[str, Mapping[str, Any]],
                        decisions: Mapping[str, Mapping[str, Any]]) -> dict[str, Screening]:
    """Return {record_id: (include, reason, decided_by)} for every record with a prediction or a decision.

    A reviewer decision (`Store.decisions()`: include, reason, reviewer) wins over the prediction.
    Otherwise the prediction decides: its `include`, and its `exclusion_reason` when excluded;
    decided_by is "extractor", or "reviewer:<name>" when a corrections file set `include` (its
    provenance says who). Pure: neither argument is changed.
    """
    out: dict[str, Screening] = {}
    for record_id, prediction in predictions.items():
        include = bool(prediction.get("include"))
        entered_by = ((prediction.get("provenance") or {}).get("include") or {}).get("entered_by") or "extractor"
        reason = None if include else (prediction.get("exclusion_reason") or None)
        out[str(record_id)] = (include, reason, str(entered_by))
    for record_id, decision in decisions.items():
        out[str(record_id)] = (bool(decision["include"]), decision.get("reason") or None,
                               f"reviewer:{decision.get('reviewer') or 'unknown'}")
    return out


def default_reviewer(given: str | None = None) -> str:
    """Return the reviewer's name: `given`, else $TRIALSYNTH_REVIEWER, else the OS user name.

    Raises InputError when none of them gives a name.
    """
    for candidate in (given, os.environ.get(REVIEWER_ENV)):
        if candidate is not None and candidate.strip():
            return candidate.strip()
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):
        name = ""
    if name.strip():
        return name.strip()
    raise InputError(f"cannot tell who the reviewer is (no --reviewer, no ${REVIEWER_ENV}, no OS user name); "
                     f"pass --reviewer NAME or set {REVIEWER_ENV}.")


@dataclass(frozen=True)
class Decision:
    """What `decide` or `clear` did: the record, the new state and the previous reviewer decision (or None)."""

    record_id: str
    include: bool | None  # None after a clear
    reason: str | None
    reviewer: str
    previous: Mapping[str, Any] | None


def decide(review: Review, ref: str, include: bool, reason: str | None, reviewer: str | None = None, *,
           store: Store | None = None) -> Decision:
    """Record a reviewer's include/exclude decision on the record `ref` names; returns it.

    `store`: the command's open store (else the review's is opened). Raises InputError for a
    missing reason or an unknown record, StoreError when it cannot be stored.
    """
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review) as own:
            return decide(review, ref, include, reason, reviewer, store=own)
    if reason is None or not reason.strip():
        verb = "--include" if include else "--exclude"
        raise InputError(f"{verb} needs --reason \"...\" (why the record is {'in' if include else 'out'}, e.g. "
                         f"\"{'RCT of UC-MSC in RA' if include else 'population: osteoarthritis, not RA'}\"); "
                         "the reason is shown in the report and kept in the screening log.")
    name = default_reviewer(reviewer)
    record_id = resolve_record_id(store, ref)
    previous = store.decisions().get(record_id)
    store.set_decision(record_id, include, reason.strip(), name)
    return Decision(record_id, include, reason.strip(), name, previous)


def clear(review: Review, ref: str, reviewer: str | None = None, *, store: Store | None = None) -> Decision:
    """Withdraw the reviewer decision on the record `ref` names; `previous` is None when it had none.

    `store`: the command's open store (else the review's is opened)."""
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review) as own:
            return clear(review, ref, reviewer, store=own)
    name = default_reviewer(reviewer)
    record_id = resolve_record_id(store, ref)
    previous = store.decisions().get(record_id)
    store.clear_decision(record_id, name)
    return Decision(record_id, None, None, name, previous)


@dataclass(frozen=True)
class ScreeningRow:
    """One line of `trialsynth screen --list`: decision is "include", "exclude" or "-" (not extracted)."""

    record_id: str
    decision: str
    decided_by: str
    reason: str | None


def screening_rows(review: Review, *, store: Store | None = None) -> list[ScreeningRow]:
    """Return the effective screening of every stored record, by record id.

    Reviewer decisions win; otherwise the stored extraction (with the review's corrections file
    applied, when there is one) decides; records with neither show "-" / "not extracted".
    `store`: the command's open store (else the review's is opened, read-only).
    """
    if store is None:
        from trialsynth.reviewstore import open_store

        with open_store(review, write=False) as own:
            return screening_rows(review, store=own)
    from trialsynth.corrections import corrected_predictions

    ids = store.record_ids()
    effective = effective_screening(corrected_predictions(review, store), store.decisions())
    rows = []
    for record_id in ids:
        if record_id in effective:
            include, reason, by = effective[record_id]
            rows.append(ScreeningRow(record_id, "include" if include else "exclude", by, reason))
        else:
            rows.append(ScreeningRow(record_id, "-", "not extracted", None))
    return rows
