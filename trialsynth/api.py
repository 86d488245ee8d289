"""A review from Python: `trialsynth.open_review("DIR")` and its tables as pandas DataFrames, read-only.

    import trialsynth
    review = trialsynth.open_review("msc-ra-demo")
    review.evidence      # one row per included study x arm x outcome x timepoint (`trialsynth table`'s columns)
    review.comparisons   # one row per between-group comparison the extractor found in an included study
    review.results       # one row per pooled analysis (outcome, window, measure, k, estimate, CI, tau², I², ...)
    review.pooled        # the same rows as `results`
    review.studies       # one row per pooled study of each analysis (yi, vi, weight)
    review.records       # one row per stored record (ids, title, year, sources, screening decision)

Each table is built on first use from the review's store (opened read-only, so a running update is
not disturbed and nothing is written), with the reviewer's decisions and corrections applied; the
results are what `trialsynth update` would report from the store as it is (no harvest). pandas is
imported only when a table is asked for.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from trialsynth.results import ReportContext

__all__ = ["ReviewTables", "open_review"]

RESULT_COLUMNS = ("key", "outcome", "window", "measure", "measure_label", "method", "test", "k", "estimate",
                  "ci_low", "ci_high", "pi_low", "pi_high", "p_value", "tau2", "i2", "q", "q_p", "transform")



class ReviewTables:
    """A review folder's tables (see the module docstring); every attribute is a new pandas DataFrame."""

    def __init__(self, root: Path):
        from trialsynth.review import find_review

        self.review = find_review(root)

    def __repr__(self) -> str:
        return f"<trialsynth review {self.review.root}>"

    @property
    def root(self) -> Path:
        return self.review.root

    @cached_property
    def context(self) -> ReportContext:
        """The review's results as the report shows them (trialsynth.results.ReportContext)."""
        from trialsynth.reviewstore import open_store
        from trialsynth.update import build_context

        with open_store(self.review, write=False) as store:
            context, _, _ = build_context(self.review, store=store)
        return context

    @property
    def evidence(self) -> pd.DataFrame:
        """The evidence table of the included studies, corrections applied (columns of `trialsynth table`)."""
        import pandas as pd

        from trialsynth.extraction import TABLE_COLUMNS

        return pd.DataFrame(list(self.context.evidence_rows), columns=list(TABLE_COLUMNS))

    @property
    def comparisons(self) -> pd.DataFrame:
        """The between-group comparisons of the included studies (Evidence.comparisons), one row each, from the
        same corrected view as `evidence` (columns of `trialsynth table --comparisons`)."""
        from trialsynth.comparisons import comparison_frame

        return comparison_frame(self.context.comparisons)

    @property
    def results(self) -> pd.DataFrame:
        """One row per pooled analysis: outcome, window, measure, method, k, estimate and CI (model scale:
        log for RR/OR), prediction interval, P, tau², I², Q."""
        import pandas as pd

        return pd.DataFrame([{c: getattr(p, c) for c in RESULT_COLUMNS} for p in self.context.pooled],
                            columns=list(RESULT_COLUMNS))

    pooled = results

    @property
    def studies(self) -> pd.DataFrame:
        """One row per study of each pooled analysis: key, record_id, label, yi, vi, weight (percent), n."""
        import pandas as pd

        columns = ["key", "record_id", "label", "yi", "vi", "weight", "n", "timepoint_weeks", "source"]
        return pd.DataFrame([{"key": p.key, **{c: getattr(s, c) for c in columns[1:]}}
                             for p in self.context.pooled for s in p.studies], columns=columns)

    @property
    def records(self) -> pd.DataFrame:
        """One row per stored record: ids, title, year, journal, first author and the screening decision."""
        import pandas as pd

        columns = ["record_id", "label", "title", "year", "first_author", "journal", "pmid", "doi", "pmcid", "nct",
                   "included", "screening_reason", "decided_by"]
        return pd.DataFrame([{c: getattr(s, c) for c in columns} for s in self.context.studies], columns=columns)

    @property
    def flagged_values(self) -> pd.DataFrame:
        """The implausible values left out of their pools (record, outcome, value, rule broken)."""
        import pandas as pd

        return pd.DataFrame([f.to_dict() for f in self.context.flagged_values])


def open_review(directory: str | Path = ".") -> ReviewTables:
    """Open the review in `directory` (or a parent holding review.toml) for reading its tables.

    Raises trialsynth.errors.ReviewNotFoundError when there is none.
    """
    return ReviewTables(Path(directory))
