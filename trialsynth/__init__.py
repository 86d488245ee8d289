"""trialsynth: living systematic reviews, from harvested trial records to pooled effects.

This package holds the CLI, the review workflow and the report; it is the only place that
knows all three stages (corpus, extract, analysis). Importing it stays light: the heavy stage
modules are imported by the commands that need them, and `open_review` (trialsynth.api) on first use.

    import trialsynth
    review = trialsynth.open_review("msc-ra-demo")
    review.evidence, review.comparisons, review.results   # pandas DataFrames
"""
from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "open_review"]


def __getattr__(name: str) -> Any:
    if name == "open_review":
        from trialsynth.api import open_review

        return open_review
    raise AttributeError(f"module 'trialsynth' has no attribute {name!r}")
