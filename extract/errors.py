"""The exceptions of the extract stage.

`ExtractionError` is the base of every error the extractor raises on purpose (an unreadable full
text, an input it cannot take); a user of `extract` as a library catches that one class.
"""
from __future__ import annotations

__all__ = ["ExtractionError"]


class ExtractionError(Exception):
    """The extractor could not read a record or an input it was given."""
