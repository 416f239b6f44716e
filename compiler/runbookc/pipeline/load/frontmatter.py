"""The front matter block of a file: the lines between the `---` on line 1 and the closing
`---` (or `...`), bounded, with file positions for the YAML read from it."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

import yaml

from runbookc.diagnostics import Diagnostic
from runbookc.limits import MAX_FRONT_MATTER_CHARS, MAX_FRONT_MATTER_LINES
from runbookc.lint.catalog.documents import NO_FRONT_MATTER, SWALLOWED_BODY, TOO_LARGE, UNTERMINATED


@dataclass(frozen=True)
class FrontMatterSource:
    """The front matter between the `---` on line 1 and its closing line."""

    source: str  # the YAML text, LF line endings; its first line is file line 2
    close_line: int  # file line of the closing `---` (or `...`)

    @cached_property
    def _line_starts(self) -> list[int]:
        lines = self.source.split("\n")[:-1]
        return [0, *accumulate(len(line) + 1 for line in lines)]

    def position(self, index: int) -> tuple[int, int]:
        """File (line, column) of character `index` of the YAML source."""
        line = bisect_right(self._line_starts, index)  # 1-based line in the source
        return line + 1, index - self._line_starts[line - 1] + 1

    def start(self, event: yaml.Event) -> tuple[int, int]:
        """File (line, column) where `event` starts."""
        mark = event.start_mark
        assert mark is not None  # the parser marks every event it emits
        return self.position(mark.index)


# What a file that is not runbookc's yet needs: said by every finding about one.
ADOPT_HINT = (
    "runbookc reads front matter between `---` lines (doc_id, type, title, ...): "
    "`runbookc new runbook` writes a document with it, `runbookc init` sets up a repository; "
    "[tool.runbookc.defaults] derives it from such files"
)


def no_front_matter(display: str) -> Diagnostic:
    return NO_FRONT_MATTER(display, 1, "file does not start with a `---` line", hint=ADOPT_HINT)


def split_front_matter(lines: list[str], display: str) -> FrontMatterSource | Diagnostic | None:
    """The front matter block, a finding that stops the file, or None when it has none."""
    if lines[0].rstrip() != "---":
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return UNTERMINATED(
            display,
            1,
            "front matter opened here is never closed",
            hint="add a `---` line after the last key",
        )
    source = "\n".join(lines[1:close])
    if close - 1 > MAX_FRONT_MATTER_LINES or len(source) > MAX_FRONT_MATTER_CHARS:
        return TOO_LARGE(
            display,
            1,
            f"front matter is {close - 1} lines, {len(source)} characters; the limits are "
            f"{MAX_FRONT_MATTER_LINES} lines and {MAX_FRONT_MATTER_CHARS} characters",
            hint="keep long text in the body; front matter holds short fields",
        )
    return FrontMatterSource(source, close_line=close + 1)


_HEADING = re.compile(r"#{1,6} \S")  # a Markdown ATX heading, which YAML reads as a comment


def swallowed_body(lines: list[str], split: FrontMatterSource, display: str) -> Diagnostic | None:
    """A warning when the front matter seems to run into the body: after a blank line, a
    comment that looks like a `# ` title and a later one like a `## ` section (YAML reads
    both as comments), the block closed only by a thematic break `---` further down."""
    inside = lines[1 : split.close_line - 1]
    for index in range(1, len(inside)):
        if inside[index - 1].strip() or not inside[index].startswith("# "):
            continue
        title = index
        section = next(
            (
                i
                for i in range(title + 1, len(inside))
                if _HEADING.match(inside[i]) and not inside[i].startswith("# ")
            ),
            None,
        )
        if section is None:
            return None
        return SWALLOWED_BODY(
            display,
            1,
            f"the front matter opened here seems to miss its closing `---`: lines {title + 2} "
            f"(`{inside[title][:40]}`) and {section + 2} (`{inside[section][:40]}`) look like "
            f"the document's headings, read as YAML comments up to the `---` at line "
            f"{split.close_line}",
            hint=f"close the front matter with a `---` line before line {title + 2}",
        )
    return None
