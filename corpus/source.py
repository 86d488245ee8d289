"""The small protocol every online source implements (PubMed, Europe PMC, ClinicalTrials.gov).

Adding a source is adding a module with a class that follows `Source`: `harvest()` runs the
search (one request when nothing is new), then yields `Batch`es, each stored in one transaction.
`Known` tells the source what the store already holds, so it fetches only what is new.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

from corpus.records import FullText, Hit
from corpus.errors import InputError


@dataclass(frozen=True)
class Batch:
    """Hits (and full texts) to store together; `total` is the search's hit count when known;
    `skipped` names the records of the response that could not be read (one line each)."""

    hits: tuple[Hit, ...] = ()
    fulltexts: tuple[FullText, ...] = ()
    total: int | None = None
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Known:
    """What the store already has: source ids of this source, and a full-text check by PMCID."""

    source_ids: frozenset[str] = frozenset()
    has_fulltext: Callable[[str], bool] = field(default=lambda pmcid: False)


class Source(Protocol):
    """A searchable bibliographic or registry source."""

    name: str

    def harvest(self, query: str, since: str | None, known: Known) -> Iterator[Batch]:
        """Search `query` for records entered or updated on/after `since` (ISO date, or None for
        all) and yield batches of what `known` does not already hold. Raises HarvestError."""
        ...


def base_url(env_var: str, default: str, override: str | None = None) -> str:
    """Return the API base URL: `override`, else `env_var` (mirrors, proxies, tests), else `default`; ends in '/'."""
    url = (override or "").strip() or os.environ.get(env_var, "").strip() or default
    return url if url.endswith("/") else url + "/"


def since_date(since: str | None) -> dt.date | None:
    """Return a high-water mark (ISO date string) as a date, None for none. Raises InputError."""
    if since is None or not str(since).strip():
        return None
    try:
        return dt.date.fromisoformat(str(since).strip()[:10])
    except ValueError:
        raise InputError(f"since must be an ISO date (YYYY-MM-DD); got {since!r}. "
                         "Fix the date or leave it out for a full harvest.") from None


def checked_page_size(page_size: int, maximum: int) -> int:
    """Return `page_size` capped at the API's `maximum`. Raises InputError below 1."""
    if page_size < 1:
        raise InputError(f"page_size must be at least 1; got {page_size}. Use a value from 1 to {maximum}.")
    return min(page_size, maximum)
