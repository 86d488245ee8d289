"""JSON from outside (API bodies, import files) read so that a bad value cannot stop a harvest.

`load_json` is `json.loads` plus two repairs of what Python's decoder lets through or cannot do:
- a lone surrogate escape (`"\\ud83d"` with no partner, as a cut-off emoji leaves it) decodes to a
  string SQLite and UTF-8 cannot hold; it becomes U+FFFD (the replacement character), so the
  record is kept and the next run does not stop at the same place;
- JSON nested deeper than Python's recursion limit raises ValueError (not RecursionError).
"""
from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["load_json", "dumps_raw", "shown_json", "JsonTextError"]

_SURROGATE_ESCAPE_TEXT = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonTextError(ValueError):
    """JSON that cannot be read: not JSON, or nested too deeply. The message says which."""


def load_json(data: bytes | str) -> Any:
    """Decode JSON text; lone surrogates become U+FFFD. Raises JsonTextError (a ValueError)."""
    try:
        obj = json.loads(data)
    except RecursionError:
        raise JsonTextError("the JSON is nested more deeply than can be read (thousands of levels); "
                            "it is not a record") from None
    except (ValueError, TypeError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise JsonTextError(str(exc)) from exc
    pattern = _SURROGATE_ESCAPE_BYTES if isinstance(data, (bytes, bytearray)) else _SURROGATE_ESCAPE_TEXT
    if pattern.search(data):
        obj = _repaired(obj)
    return obj


def _fix(text: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", text)


def _repaired(obj: Any) -> Any:
    """`obj` with every lone surrogate in its strings (keys too) replaced; iterative, any depth."""
    if isinstance(obj, str):
        return _fix(obj)
    root = [obj]
    stack: list[tuple[Any, Any]] = [(root, 0)]
    while stack:
        container, key = stack.pop()
        value = container[key]
        if isinstance(value, str):
            container[key] = _fix(value)
        elif isinstance(value, list):
            stack.extend((value, i) for i in range(len(value)))
        elif isinstance(value, dict):
            if any(isinstance(k, str) and _LONE_SURROGATE.search(k) for k in value):
                fixed = {_fix(k): v for k, v in value.items()}
                value.clear()
                value.update(fixed)
            stack.extend((value, k) for k in value)
    return root[0]


def dumps_raw(obj: Any) -> str:
    """The raw payload text of a JSON record (sorted keys, UTF-8 kept). Raises JsonTextError when too deep."""
    try:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, check_circular=False)  # parsed JSON has no cycles
    except RecursionError:
        raise JsonTextError("the JSON record is nested more deeply than can be stored") from None


def shown_json(obj: Any, limit: int = 200) -> str:
    """A JSON value cut to `limit` characters for a message (never fails, however deep)."""
    try:
        text = json.dumps(obj, ensure_ascii=False)
    except (RecursionError, TypeError, ValueError):
        text = f"<a JSON {type(obj).__name__} nested too deeply to show>"
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")
