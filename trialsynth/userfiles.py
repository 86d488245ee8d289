"""Reading the files a user names (inputs, corrections, predictions, review.toml): bytes or UTF-8
text, with one InputError that names the file, and the line of a byte that is not UTF-8."""
from __future__ import annotations

from pathlib import Path

from trialsynth.errors import InputError

__all__ = ["decode_utf8", "read_bytes", "read_text", "without_bom"]

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
