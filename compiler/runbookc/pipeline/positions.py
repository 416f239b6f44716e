"""Where an inline token's elements stand in its source lines, for the parse stage's walk
(parse.py): the file line and column of each link, code span and inline HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial
from urllib.parse import unquote


class Scanner:
    """Finds an inline token's elements in its source lines, front to back.

    markdown-it gives inline children no positions, and a code span or inline HTML that
    spans lines leaves no softbreak behind; so each element is searched for from where
    the previous one ended, and softbreaks only ever move the search forward.
    """

    def __init__(self, lines: list[str], start: int, end: int) -> None:
        self.lines = lines
        self.end = min(end, len(lines))  # exclusive body line
        self.line, self.col = start, 0

    def at_least(self, line: int) -> None:
        if line > self.line:
            self.line, self.col = line, 0

    def code_span(self, ticks: int) -> tuple[int, int]:
        """(body line, column) of a code span opened by `ticks` backticks; moves past it."""
        run = partial(_pattern, _span_delimiter(ticks))
        opening = self._find(run)
        if opening is None:
            return self.line, 1
        line, (start, end) = opening
        self.line, self.col = line, end
        closing = self._find(run)
        if closing is not None:
            self.line, self.col = closing[0], closing[1][1]
        return line, start + 1

    def target(self, target: str, text: str) -> tuple[int, int] | None:
        """(body line, column) of a link or image target: `](target`, `<target>`, or for a
        reference link its `[text`; moves past it."""
        # Plain string searches: a regex per target would be compiled for every link,
        # since no two targets are alike (a tenth of the parse stage on a big corpus).
        candidates = [c for c in dict.fromkeys((unquote(target), target)) if c]
        searches = [partial(_after_paren, c) for c in candidates]
        searches += [partial(_literal, f"<{c}>", 1, len(c)) for c in candidates]
        searches.append(partial(_literal, f"[{text}", 1, len(text)))
        for search in searches:
            found = self._find(search)
            if found is not None:
                line, (start, end) = found
                self.line, self.col = line, end
                return line, start + 1
        return None

    def text(self, content: str) -> tuple[int, int]:
        """(body line, column) of verbatim source text; moves past it."""
        first, *rest = content.split("\n")
        found = self._find(partial(_literal, first, 0, len(first)))
        if found is None:
            return self.line, 1
        line, (start, end) = found
        self.line = line + len(rest)
        self.col = len(rest[-1]) if rest else end
        return line, start + 1

    def _find(self, search: Search) -> tuple[int, tuple[int, int]] | None:
        """The first (line, (start, end)) that `search` finds from the current position."""
        line, col = self.line, self.col
        while line < self.end:
            found = search(self.lines[line], col)
            if found is not None:
                return line, found
            line, col = line + 1, 0
        return None


@lru_cache(maxsize=64)
def _span_delimiter(ticks: int) -> re.Pattern[str]:
    """A run of exactly `ticks` backticks, not escaped."""
    return re.compile(rf"(?<![`\\])`{{{ticks}}}(?!`)")


# A search in one line from a column: (start, end) of what it is after, or None.
Search = Callable[[str, int], "tuple[int, int] | None"]


def _pattern(pattern: re.Pattern[str], line: str, col: int) -> tuple[int, int] | None:
    match = pattern.search(line, col)
    return (match.start(), match.end()) if match else None


def _literal(needle: str, skip: int, size: int, line: str, col: int) -> tuple[int, int] | None:
    """`needle` verbatim; the span reported starts `skip` characters in, `size` long."""
    index = line.find(needle, col)
    return None if index < 0 else (index + skip, index + skip + size)


def _after_paren(target: str, line: str, col: int) -> tuple[int, int] | None:
    """`target` right after `](`, optional whitespace and an optional `<`."""
    index = line.find("](", col)
    while index >= 0:
        at = index + 2
        while at < len(line) and line[at].isspace():
            at += 1
        if line.startswith("<", at):
            at += 1
        if line.startswith(target, at):
            return at, at + len(target)
        index = line.find("](", index + 1)
    return None
