"""The exceptions of the analysis stage.

`AnalysisError` is the base of every error the statistics raise on purpose, so a user of
`analysis` as a library catches one class: `InputError` for data or an option that cannot be used
as given (a negative variance, a missing column, an unknown estimator), `FitError` for a model
that cannot be fitted from valid data (too few studies, no convergence). Messages say the rule,
the value received and the fix.
"""
from __future__ import annotations

__all__ = ["AnalysisError", "FitError", "InputError"]


class AnalysisError(Exception):
    """Base of every error the analysis stage raises on purpose."""


class InputError(AnalysisError):
    """Data or an option given to an analysis function is not usable as it is."""


class FitError(AnalysisError):
    """A model could not be fitted from the data given (too few studies, no convergence, ...)."""
