"""The small protocol every online source implements (PubMed, Europe PMC, ClinicalTrials.gov).

Adding a source is adding a module with a class that follows `Source`: `harvest()` runs the
search (one request when nothing is new), then yields `Batch`es, each stored in one transaction.
`Known` tells the source what the store already holds, so it fetches only what is new.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

from corpus.records import FullText, Hit


@dataclass(frozen=True)
class Batch:
    """Hits (and full texts) to store together; `total` is the search's hit count when known."""

    hits: tuple[Hit, ...] = ()
    fulltexts: tuple[FullText, ...] = ()
    total: int | None = None


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


def base_url(env_var: str, default: str) -> str:
    """Return the API base URL from `env_var` (mirrors, proxies, tests) or `default`, ending in '/'."""
    url = os.environ.get(env_var, "").strip() or default
    return url if url.endswith("/") else url + "/"
