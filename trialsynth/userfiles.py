"""Reading the files a user names (inputs, corrections, predictions, review.toml): bytes or UTF-8
text, with one InputError that names the file, and the line of a byte that is not UTF-8 or of a
JSON escape that is half a character (a lone UTF-16 surrogate such as \\ud83d, which JSON
decoders accept but no UTF-8 file, store or terminal can hold)."""
from __future__ import annotations

import re
from pathlib import Path

from trialsynth.errors import InputError

__all__ = ["check_json_escapes", "decode_utf8", "lone_surrogate", "read_bytes", "read_json_text", "read_text",
           "without_bom"]

# a high surrogate escape not followed by a low one, or a low one not preceded by a high one
_LONE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*(\\u[dD][89abAB][0-9a-fA-F]{2})(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|"
                          r"(?<![\\]u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)(?:\\\\)*(\\u[dD][c-fC-F][0-9a-fA-F]{2})")
_SURROGATE = re.compile("[\ud800-\udfff]")

_BOM = b"\xef\xbb\xbf"


def read_bytes(path: Path, missing: str) -> bytes:
    """The file's bytes. `missing` is the fix to suggest when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file. {missing}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def without_bom(data: bytes) -> bytes:
    """`data` without a leading UTF-8 byte-order mark."""
    return data[len(_BOM):] if data.startswith(_BOM) else data


def decode_utf8(path: Path, data: bytes) -> str:
    """`data` as UTF-8 text without a leading byte-order mark; a byte that is not UTF-8 is an
    InputError naming its line."""
    data = without_bom(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{path} line {line}: not UTF-8 text ({exc.reason} at byte {exc.start}). Save the "
                         "file as UTF-8.") from exc


def read_text(path: Path, missing: str) -> str:
    """The file's UTF-8 text (see read_bytes and decode_utf8)."""
    return decode_utf8(path, read_bytes(path, missing))


def check_json_escapes(path: Path | str, text: str) -> None:
    """Raise InputError naming the line and column of a JSON escape of a lone UTF-16 surrogate
    ("\\ud83d" without its pair) in `text`, the content of a JSON or JSON Lines file."""
    if "\\ud" not in text and "\\uD" not in text:
        return  # every lone-surrogate escape holds "\ud" or "\uD": a substring test spares the pattern's scan
    m = _LONE_ESCAPE.search(text)
    if m is None:
        return
    escape = m.group(1) or m.group(2)
    start = m.start(1) if m.group(1) else m.start(2)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    raise InputError(f"{path} line {line} column {column}: {escape} is half of a character (a lone UTF-16 "
                     "surrogate escape, as cut by a tool that truncated the text). Write the whole character "
                     "(\\ud83d\\ude00 is one emoji) or remove the escape.")


def read_json_text(path: Path, missing: str) -> str:
    """The UTF-8 text of a JSON or JSON Lines file (see read_text), checked by check_json_escapes."""
    text = read_text(path, missing)
    check_json_escapes(path, text)
    return text


def lone_surrogate(value: str) -> int | None:
    """The index of the first lone surrogate in a decoded string, or None."""
    m = _SURROGATE.search(value)
    return m.start() if m else None
