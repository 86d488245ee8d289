"""The exceptions of the corpus stage (harvest, import, store).

`CorpusError` is the base of every error this stage raises on purpose, so a user of `corpus` as a
library catches one class. Messages say the rule, the value received and the fix.
"""
from __future__ import annotations

__all__ = ["CorpusError", "HarvestError", "InputError", "MalformedResponseError", "StoreBusyError", "StoreError"]


class CorpusError(Exception):
    """Base of every error the corpus stage raises on purpose."""


class InputError(CorpusError):
    """A file or value given to import or harvest is not usable as it is."""


class HarvestError(CorpusError):
    """A source could not be searched or fetched, after retries.

    `status` is the HTTP status of a refused request (4xx other than 429), else None.
    """

    status: int | None = None


class MalformedResponseError(HarvestError):
    """A response body was truncated, not the expected format, or an API error body."""


class StoreError(CorpusError):
    """The SQLite store could not be opened, migrated or written."""


class StoreBusyError(StoreError):
    """Another process held the store's write lock for longer than the store waits (`busy_timeout`).

    The app can say which command holds it (the `runs` table lists the running ones).
    """
