"""The errors of the trialsynth application, and the stages' errors it turns into messages.

Each stage owns its exceptions (`corpus.errors.CorpusError`, `extract.errors.ExtractionError`,
`analysis.errors.AnalysisError`); this module adds the application's own (`TrialsynthError` and
its subclasses) and `USER_ERRORS`, the tuple the CLI edge catches to print a one-line message
with exit code 2. Messages say the rule, the value received and the fix.
"""
from __future__ import annotations

from analysis.errors import AnalysisError
from corpus.errors import CorpusError
from extract.errors import ExtractionError

__all__ = ["InputError", "ReviewNotFoundError", "TrialsynthError", "USER_ERRORS"]


class TrialsynthError(Exception):
    """Base of every error the application (CLI, review workflow, report) raises on purpose."""


class InputError(TrialsynthError):
    """A file, option or value given by the user is not usable as it is."""


class ReviewNotFoundError(InputError):
    """No review folder (with review.toml) was found where one was expected."""


# Everything raised on purpose by the application or a stage: a one-line error, exit code 2.
USER_ERRORS: tuple[type[Exception], ...] = (TrialsynthError, CorpusError, ExtractionError, AnalysisError)
