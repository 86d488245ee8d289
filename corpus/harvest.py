"""Harvest: run sources into the store, incrementally, one transaction per batch.

For each (source, query) the store keeps a high-water mark: the date the last complete harvest
started. The next harvest asks the source only for records entered or updated since then, and the
source skips what the store already holds. The mark moves only after a harvest completes, so a
harvest killed at any moment is resumed by simply running it again: batches already committed
are recognised (same ids, same content) and the rest is fetched, ending with the store an
uninterrupted run would have made.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from corpus.errors import InputError
from corpus.records import Hit
from corpus.source import Known, Source
from corpus.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from corpus.importer import ImportLimits

log = logging.getLogger("trialsynth.harvest")

#: progress(done, total) is called after every stored batch; total may be None.
Progress = Callable[[int, "int | None"], None]


@dataclass(frozen=True)
class SourceSummary:
    """What one source's harvest (or one offline import) stored."""

    source: str
    query: str
    since: str | None
    new: int = 0
    merged: int = 0
    updated: int = 0
    unchanged: int = 0
    fulltexts: int = 0
    requests: int | None = None
    mark: str | None = None
    skipped: tuple[str, ...] = ()  # records the source sent that could not be read, one line each

    @property
    def stored(self) -> int:
        """Hits that changed the store (new, merged into an existing record, or updated)."""
        return self.new + self.merged + self.updated

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as a JSON-ready dict."""
        return {"source": self.source, "query": self.query, "since": self.since, "new": self.new,
                "merged": self.merged, "updated": self.updated, "unchanged": self.unchanged,
                "fulltexts": self.fulltexts, "requests": self.requests, "mark": self.mark,
                "skipped": list(self.skipped)}


@dataclass(frozen=True)
class HarvestSummary:
    """The result of a harvest: one summary per source plus the store's counts afterwards."""

    sources: tuple[SourceSummary, ...]
    counts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as a JSON-ready dict."""
        return {"sources": [s.to_dict() for s in self.sources], "counts": self.counts}


def _tally(results) -> dict[str, int]:
    out = {"new": 0, "merged": 0, "updated": 0, "unchanged": 0}
    for result in results:
        out[result.status] += 1
    return out


def harvest_source(store: Store, source: Source, query: str, *, progress: Progress | None = None,
                   today: dt.date | None = None) -> SourceSummary:
    """Harvest one source for `query` into `store`; returns what was stored. Raises HarvestError.

    Each batch the source yields is stored in its own transaction. The high-water mark is set to
    the day this harvest started, and only once the source has been read to the end.
    """
    started = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    since = store.get_mark(source.name, query)
    known = Known(source_ids=store.known_source_ids(source.name), has_fulltext=store.has_fulltext)
    totals = {"new": 0, "merged": 0, "updated": 0, "unchanged": 0}
    fulltexts = done = 0
    skipped: list[str] = []
    client = getattr(source, "client", None)
    requests_before = getattr(client, "requests_made", None)
    for batch in source.harvest(query, since, known):
        results = store.add_hits(batch.hits, batch.fulltexts)
        for key, value in _tally(results).items():
            totals[key] += value
        fulltexts += len(batch.fulltexts)
        done += len(batch.hits)
        for reason in batch.skipped:
            log.warning("%s: a record was skipped: %s", source.name, reason)
        skipped += batch.skipped
        if progress:
            progress(done, batch.total)
    store.set_mark(source.name, query, started)
    requests = None if requests_before is None else client.requests_made - requests_before
    return SourceSummary(source=source.name, query=query, since=since, fulltexts=fulltexts,
                         requests=requests, mark=started, skipped=tuple(skipped), **totals)


def import_hits(store: Store, hits: Iterable[Hit], *, label: str, batch_size: int = 500,
                progress: Progress | None = None) -> SourceSummary:
    """Store hits read from files (offline import), `batch_size` per transaction (a short write lock).

    `hits` may be a list (progress then knows the total) or any iterable, read as it goes.
    """
    totals = {"new": 0, "merged": 0, "updated": 0, "unchanged": 0}
    total = len(hits) if isinstance(hits, Sequence) else None
    done = 0
    chunk: list[Hit] = []

    def flush() -> None:
        nonlocal done
        for key, value in _tally(store.add_hits(chunk)).items():
            totals[key] += value
        done += len(chunk)
        chunk.clear()
        if progress:
            progress(done, total)

    iterator = iter(hits)
    while True:
        try:
            hit = next(iterator)
        except StopIteration:
            break
        except InputError:  # a bad record further on: what was read before it is stored first
            if chunk:
                flush()
            raise
        chunk.append(hit)
        if len(chunk) >= batch_size:
            flush()
    if chunk:
        flush()
    return SourceSummary(source="import", query=label, since=None, **totals)


def import_files(store: Store, path: str, *, label: str | None = None, limits: "ImportLimits | None" = None,
                 batch_size: int = 500, progress: Progress | None = None) -> tuple[SourceSummary, dict[str, int]]:
    """Import a file or a folder of files into `store` as they are read; returns the summary and a count per file.

    Memory stays that of one batch whatever the files' size. Raises InputError as
    `corpus.importer.iter_path` does; the records read before the error are stored (a second
    import of the fixed file recognises them), and the message says how many they were.
    """
    from corpus.importer import DEFAULT_LIMITS, files_to_import, iter_path

    per_file = {str(p): 0 for p in files_to_import(Path(path))}
    read = 0

    def hits() -> Iterable[Hit]:
        nonlocal read
        for file, hit in iter_path(path, limits or DEFAULT_LIMITS):
            per_file[str(file)] += 1
            read += 1
            yield hit

    try:
        summary = import_hits(store, hits(), label=label or str(path), batch_size=batch_size, progress=progress)
    except InputError as exc:
        if read:
            raise InputError(f"{exc} (The {read} records read before it are stored; import the file again once "
                             "it is fixed: stored records are recognised.)") from exc
        raise
    return summary, per_file


def harvest(store: Store, plan: Iterable[tuple[Source, str]], *, progress_for: Callable[[str], Progress | None]
            | None = None) -> HarvestSummary:
    """Harvest every (source, query) of `plan` in turn; returns the summaries and the store's counts."""
    summaries = []
    for source, query in plan:
        progress = progress_for(source.name) if progress_for else None
        summaries.append(harvest_source(store, source, query, progress=progress))
    return HarvestSummary(sources=tuple(summaries), counts=store.counts())
