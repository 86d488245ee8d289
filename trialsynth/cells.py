"""Cells safe in CSV and XLSX: formula injection (OWASP "CSV injection") and control characters.

Every harvested string that reaches a spreadsheet goes through `safe_cell` (`safe_frame` for a
whole table): `trialsynth table`, `trialsynth export` and the report's downloads.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_START", "safe_cell", "safe_frame", "strip_control"]


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Control characters no text needs and XML 1.0 (XLSX) forbids; tab and line breaks are kept.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_PLAIN_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def strip_control(text: str) -> str:
    """`text` without control characters (tab, CR and LF kept), lone surrogates and XML non-characters."""
    return _CONTROL.sub("", text)


def safe_cell(value: Any) -> Any:
    """A text cell safe in CSV and XLSX: control characters dropped, CR and CRLF written as LF (so a
    line break is quoted, never a row end), and a cell a spreadsheet would run as a formula (starting
    with =, +, -, @, tab or a line break) prefixed with ' (OWASP). A text that is a plain number
    ("-1.5") is left as it is; values that are not text are returned unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        value = "'" + value
    return strip_control(value).replace("\r\n", "\n").replace("\r", "\n")


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text columns went through `safe_cell` (numeric columns stay numeric)."""
    out = frame.copy()
    for column in out.columns:
        if not (out[column].dtype == object or str(out[column].dtype).startswith(("string", "str"))):
            continue
        out[column] = out[column].map(safe_cell, na_action="ignore").astype(out[column].dtype)
    return out
