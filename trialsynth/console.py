"""What trialsynth prints on a terminal: harvested text with its control characters made visible.

A harvested title may hold ESC sequences, carriage returns, backspaces or bidirectional overrides
that would recolour, rewrite or hide what the terminal shows. `printable` replaces every such
character with a visible escape (`\\u001b`, `\\r`, `\\u202e`: JSON's, so a JSON line stays JSON)
and keeps newlines and tabs; `SafeStream` applies it to everything written to stdout and stderr,
so every command's output goes through the one function. Files written with `-o` keep their content as it is.
"""
from __future__ import annotations

import re
from typing import Any, TextIO

__all__ = ["SafeStream", "install", "printable"]

# C0 controls but tab and newline, DEL, C1 controls, bidirectional and invisible formatting characters,
# line/paragraph separators, and lone surrogates (which no terminal encoding can write).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                     "\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    # JSON's escapes, so that a JSON line stays valid JSON: "\r", "\u001b"
    char = match.group(0)
    return "\\r" if char == "\r" else f"\\u{ord(char):04x}"


def printable(text: str) -> str:
    """Return `text` with control, formatting and bidirectional characters replaced by visible escapes
    (newlines and tabs are kept)."""
    return _UNSAFE.sub(_escape, text)


class SafeStream:
    """A text stream that writes `printable(text)` to the stream it wraps (`raw`)."""

    def __init__(self, raw: TextIO):
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(printable(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding, fileno, ...
        return getattr(self.raw, name)


def install(stream: TextIO) -> TextIO:
    """Return `stream` wrapped in a SafeStream (once)."""
    return stream if isinstance(stream, SafeStream) else SafeStream(stream)


def raw(stream: TextIO) -> TextIO:
    """Return the stream a SafeStream wraps (for progress bars, which redraw with carriage returns)."""
    return stream.raw if isinstance(stream, SafeStream) else stream
