"""The review workflow: wires the protocol, the sources and the store together.

Library functions only (no printing): the CLI renders what they return.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Callable, Iterator, Sequence

from corpus.harvest import HarvestSummary, Progress, harvest
from corpus.http import HttpClient
from corpus.store import Store
from trialsynth.errors import InputError
from trialsynth.review import Protocol, Review
from trialsynth.reviewstore import open_store, record_history


def bundled_snapshot() -> Path:
    """Return the path of the bundled MSC-for-RA snapshot (built from the dev abstracts)."""
    import corpus

    path = Path(corpus.__file__).resolve().parent / "snapshots" / "msc_ra_dev.jsonl"
    if not path.is_file():
        raise InputError(f"the bundled snapshot is missing ({path}); reinstall trialsynth.")
    return path


def build_source(name: str, protocol: Protocol):
    """Return a configured source object for `name` (pubmed, europepmc, ctgov)."""
    settings = protocol.harvest

    def client(min_interval: float) -> HttpClient:
        return HttpClient(min_interval=min_interval, max_retries=settings.retries,
                          backoff_base=settings.backoff_seconds, timeout=settings.timeout_seconds,
                          deadline=settings.deadline_seconds,
                          max_response_bytes=int(settings.max_response_mb * 1024 * 1024))

    if name == "pubmed":
        from corpus.pubmed import PubMedSource

        api_key = os.environ.get("NCBI_API_KEY") or None
        email = os.environ.get("NCBI_EMAIL") or settings.email or None
        return PubMedSource(client(0.1 if api_key else 0.34), api_key=api_key, email=email,
                            batch_size=settings.pubmed_batch_size)
    if name == "europepmc":
        from corpus.europepmc import EuropePmcSource

        return EuropePmcSource(client(0.1))
    if name == "ctgov":
        from corpus.ctgov import CtGovSource

        return CtGovSource(client(1.2))
    raise InputError(f"unknown source {name!r}; the known sources are pubmed, europepmc, ctgov.")


def run_harvest(review: Review, *, only: Sequence[str] = (),
                progress_for: Callable[[str], Progress | None] | None = None,
                store: Store | None = None) -> HarvestSummary:
    """Harvest the protocol's enabled sources (or `only` these) into the review's store.

    `store`: the command's open store (else the review's is opened)."""
    protocol = review.protocol()
    plans = [p for p in protocol.sources if (p.name in only if only else p.enabled)]
    unknown = set(only) - {p.name for p in protocol.sources}
    if unknown:
        raise InputError(f"source(s) {', '.join(sorted(unknown))} are not in {review.protocol_path}; "
                         f"the protocol has {', '.join(p.name for p in protocol.sources)}.")
    if not plans:
        raise InputError(f"no source is enabled in {review.protocol_path}; set enabled = true for one.")
    plan = [(build_source(p.name, protocol), protocol.query_for(p.name)) for p in plans]
    with _opened(review, store) as store:
        store.start_run("harvest")
        try:
            summary = harvest(store, plan, progress_for=progress_for)
        except BaseException:
            store.finish_run("failed")
            raise
        store.finish_run("ok", summary.to_dict())
        record_history(review, store, "harvest")
    return summary


def run_import(review: Review, path: str | Path, *, progress: Progress | None = None,
               store: Store | None = None) -> HarvestSummary:
    """Import records from files (PubMed XML, Europe PMC JSON, CT.gov JSON, RIS, JSONL) into the store.

    `store`: the command's open store (else the review's is opened). Raises InputError naming the
    file for an unreadable one (including JSON nested too deeply to read)."""
    from corpus.harvest import import_files
    from corpus.importer import ImportLimits

    limits = ImportLimits.from_mb(**review.protocol().import_limits)  # review.toml [import]
    with _opened(review, store) as store:
        store.start_run(f"harvest --from {path}")
        try:
            summary, per_file = import_files(store, str(path), label=str(path), limits=limits, progress=progress)
        except RecursionError:
            store.finish_run("failed")
            raise InputError(f"{path}: nested too deeply to read (JSON or XML nested thousands of levels); it is "
                             "not a record export. Check the file, or export the records again.") from None
        except UnicodeEncodeError as exc:
            store.finish_run("failed")
            raise _half_character(Path(path), exc) from exc
        except BaseException:
            store.finish_run("failed")
            raise
        result = HarvestSummary(sources=(summary,), counts=store.counts())
        store.finish_run("ok", {**result.to_dict(), "files": per_file})
        record_history(review, store, f"harvest --from {path}")
    return result


def _half_character(path: Path, exc: UnicodeEncodeError) -> InputError:
    """The InputError for an imported text holding a lone surrogate: the file and line when it is a JSON escape."""
    from trialsynth.userfiles import check_json_escapes

    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if file.suffix.lower() in (".json", ".jsonl", ".ndjson"):
            try:
                check_json_escapes(file, file.read_text(encoding="utf-8", errors="replace"))
            except InputError as found:
                return InputError(f"{found} Nothing of the batch holding it was stored; fix the file and import it "
                                  "again.")
            except OSError:
                continue
    return InputError(f"{path}: a text holds half of a character (a lone UTF-16 surrogate, {exc.object[exc.start]!r}) "
                      "that cannot be stored; nothing of the batch holding it was stored. Fix the file and import it "
                      "again.")


@contextlib.contextmanager
def _opened(review: Review, store: Store | None) -> Iterator[Store]:
    """The command's open store, or the review's opened for this call."""
    if store is not None:
        yield store
        return
    with open_store(review) as own:
        yield own
