"""The line of an offset in a text, by bisection over the offsets of its newlines: found
once, on the first lookup. Counting the newlines from the start at every lookup (one per
command of a block) made a 1 MB block take seconds to lint."""

from __future__ import annotations

from bisect import bisect_left
from typing import AnyStr, Generic


class LineIndex(Generic[AnyStr]):
    __slots__ = ("_newlines", "_text")

    def __init__(self, text: AnyStr) -> None:
        self._text: AnyStr = text
        self._newlines: list[int] | None = None

    def line(self, offset: int) -> int:
        """The 0-based line of `offset`: how many newlines come before it."""
        if self._newlines is None:
            self._newlines = _newlines(self._text)
        return bisect_left(self._newlines, offset)


def _newlines(text: AnyStr) -> list[int]:
    newline = b"\n" if isinstance(text, bytes) else "\n"
    found: list[int] = []
    at = text.find(newline)
    while at >= 0:
        found.append(at)
        at = text.find(newline, at + 1)
    return found
