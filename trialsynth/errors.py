"""The one exception hierarchy of trialsynth.

Every stage raises these (never a bare library error), so the CLI can turn any of them into a
one-line message with exit code 2. Messages say the rule, the value received and the fix.
"""
from __future__ import annotations


class TrialsynthError(Exception):
    """Base of every error trialsynth raises on purpose."""


class InputError(TrialsynthError):
    """A file, option or value given by the user is not usable as it is."""


class ReviewNotFoundError(InputError):
    """No review folder (with review.toml) was found where one was expected."""


class HarvestError(TrialsynthError):
    """A source could not be searched or fetched, after retries.

    `status` is the HTTP status of a refused request (4xx other than 429), else None.
    """

    status: int | None = None


class MalformedResponseError(HarvestError):
    """A response body was truncated, not the expected format, or an API error body."""


class StoreError(TrialsynthError):
    """The SQLite store could not be opened, migrated or written."""


class ExtractionError(TrialsynthError):
    """The extractor could not read a record or an input file."""


class AnalysisError(TrialsynthError):
    """A meta-analysis could not be computed from the data given."""
