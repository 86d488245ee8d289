"""How the report words counts and P values: one helper for plurals, one for P values.

- `count(1, "study")` -> "1 study", `count(3, "study")` -> "3 studies"; `plural` gives the word alone.
- `p_value(0.0004)` -> "p < 0.001", `p_value(0.0231)` -> "p = 0.023", `p_value("<0.05")` -> "p < 0.05":
  P values to two significant figures (at most three decimals), below 0.001 as "< 0.001", above
  0.99 as "> 0.99" (BMJ and ICMJE statistical guidance); a value reported as text (a bound such
  as "<0.05") keeps its own comparison. `p_number` is the same without the leading "p" (for a
  table column headed p).
"""
from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["count", "p_number", "p_value", "plural"]

_IRREGULAR = {"study": "studies", "analysis": "analyses", "synthesis": "syntheses", "entry": "entries",
              "criterion": "criteria", "index": "indices"}


def plural(n: Any, singular: str, plural_form: str | None = None) -> str:
    """The word for `n` things: `singular` for exactly 1, else `plural_form` (default: regular English)."""
    try:
        one = float(n) == 1
    except (TypeError, ValueError):
        one = False
    if one:
        return singular
    if plural_form:
        return plural_form
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    if singular.endswith("y") and singular[-2:-1] not in "aeiou":
        return singular[:-1] + "ies"
    return singular + "s"


def count(n: Any, singular: str, plural_form: str | None = None) -> str:
    """ "1 study", "2 studies", "0 records" (the number, then the word that agrees with it)."""
    return f"{n} {plural(n, singular, plural_form)}"


_REPORTED = re.compile(r"^\s*(?:p\s*)?(?P<op><=|>=|=<|=>|[<>≤≥=])?\s*(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE]-?\d+)?)\s*$",
                       re.I)
_OPS = {"<=": "≤", "=<": "≤", ">=": "≥", "=>": "≥"}


def _missing(value: Any) -> bool:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _digits(p: float) -> str:
    if p < 0.001:
        return "< 0.001"
    if p > 0.99:
        return "> 0.99"
    decimals = min(3, max(2, 1 - math.floor(math.log10(p))))  # two significant figures, at most three decimals
    return "= " + f"{p:.{decimals}f}"


def p_number(value: Any, missing: str = "–") -> str:
    """The P value for a column headed p: "< 0.001", "0.023", "< 0.05" (as reported), `missing` when absent."""
    text = p_value(value, missing="")
    if not text:
        return missing
    for prefix in ("p = ", "p: ", "p "):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def p_value(value: Any, missing: str = "p not reported") -> str:
    """The P value as a phrase: "p < 0.001", "p = 0.023", "p < 0.05" for a reported bound (see the module docstring).

    A number is formatted; text such as "<0.05", "P = 0.003" or "≤0.01" keeps its comparison and
    digits; other text ("NS") is shown as reported ("p: NS").
    """
    if _missing(value):
        return missing
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        p = float(value)
        if not math.isfinite(p) or p < 0:
            return missing
        return "p " + _digits(p)
    text = " ".join(str(value).split())
    match = _REPORTED.match(text)
    if not match:
        return f"p: {text}"
    op = match.group("op")
    number = match.group("num")
    if number.startswith("."):
        number = "0" + number
    if op in (None, "="):  # reported as a value: its own digits, unless below what the report shows
        p = float(number)
        return "p " + _digits(p) if p < 0.001 or p > 0.99 else f"p = {number}"
    return f"p {_OPS.get(op, op)} {number}"
