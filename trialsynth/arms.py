"""Which arm of a study is its control, and what counts as a number, as the synthesis reads them.

- `CONTROL_RE`: the words that mark a control arm's name (placebo, control, sham, saline, conventional,
  usual care, standard);
- `is_control(name, control_names)`: an arm the extractor marked as control (`Evidence.arms[].control`)
  or one whose name has those words;
- `finite(value)`: a real, finite number as a float (never a bool, NaN or text), else None;
- `count_of_percent(percent, n)`: a percentage of n responders as a count, rounded.
"""
from __future__ import annotations

import math
import re
from typing import Any, Collection

__all__ = ["CONTROL_RE", "count_of_percent", "finite", "is_control"]

CONTROL_RE = re.compile(r"placebo|control|sham|saline|conventional|usual care|standard", re.I)


def is_control(name: Any, control_names: Collection[Any]) -> bool:
    """True for an arm marked as control or named like one; False for no name."""
    return bool(name) and (name in control_names or bool(CONTROL_RE.search(str(name))))


def finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def count_of_percent(percent: float, n: int) -> int:
    """The count that `percent`% of `n` stands for, rounded half to even (Python's round): the
    synthesis and the computed comparisons read a responder percentage the same way."""
    return round(float(percent) * int(n) / 100)
