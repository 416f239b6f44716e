"""The document model: what the per-document stages produce, all frozen values.

The parent process holds one Document per file of the corpus (unpickled from the workers,
or read back from the cache's plain data by codec), so these are slotted and keep no
second copy of the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    slug: str  # the anchor the site gives this heading (deduplicated like MkDocs' toc)
    line: int
    role: str = ""  # the section role its attribute list gives it: `## Checks {role=diagnostics}`


@dataclass(frozen=True, slots=True)
class CodeBlock:
    info: str  # the whole info string, e.g. "bash {name=check-runtime}"
    lang: str  # first word of the info string, lower-cased
    content: str
    line: int  # file line of the opening fence
    end_line: int  # file line of the closing fence (or the last line when unclosed)
    closed: bool
    section: str  # text of the nearest level-2 heading above ("" when none)
    subsection: str  # text of the nearest deeper heading under that section ("" when none)
    title: str  # the paragraph right before the block, e.g. "Проверить общий статус runtime:"
    intro: str  # the source text between the previous heading or block and this one
    section_role: str = ""  # the explicit role of the section's heading (Heading.role)
    subsection_role: str = ""  # the explicit role of the subsection's heading


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    text: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class CodeSpan:
    text: str
    line: int
    column: int
    section: str
    section_role: str = ""  # the explicit role of the section's heading (Heading.role)


@dataclass(frozen=True, slots=True)
class Html:
    content: str
    line: int
    inline: bool


@dataclass(frozen=True, slots=True)
class Body:
    headings: tuple[Heading, ...] = ()
    code_blocks: tuple[CodeBlock, ...] = ()
    links: tuple[Link, ...] = ()
    code_spans: tuple[CodeSpan, ...] = ()
    html: tuple[Html, ...] = ()
    # Body-relative [start, end) line ranges of every fenced and indented code block.
    code_lines: tuple[tuple[int, int], ...] = ()
    # The block tokens that shape lists (parse.LIST_SHAPE), as (type, start, end, markup)
    # with body-relative lines (-1 for closing tokens): the site rewrites list indents from
    # them without parsing the body again.
    list_shape: tuple[tuple[str, int, int, str], ...] = ()

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(h.slug for h in self.headings)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[KeyPath, int]  # file line of every key and list item
    start_line: int  # line of the opening `---`
    end_line: int  # line of the closing `---`
    # Keys whose value the loader refused (a foreign YAML tag, reported there): their value
    # is None, and validate says nothing more about them.
    refused: tuple[KeyPath, ...] = ()

    def line_of(self, path: KeyPath) -> int:
        """File line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            path = path[:-1]
        return self.start_line


@dataclass(frozen=True, slots=True)
class Document:
    path: str  # as given on the command line or relative to the working directory
    text: str  # the decoded file: BOM stripped, line endings normalised to LF
    front: FrontMatter
    body_line: int  # file line of the body's first line
    parsed: Body = field(default_factory=Body)

    @property
    def body(self) -> str:
        """Everything after the closing `---` line, unstripped: a slice of `text`."""
        lines = self.text.split("\n", self.body_line - 1)
        return lines[-1] if len(lines) == self.body_line else ""

    @property
    def doc_id(self) -> str:
        value = self.front.data.get("doc_id")
        return value if isinstance(value, str) else ""

    @property
    def doc_type(self) -> str:
        value = self.front.data.get("type")
        return value if isinstance(value, str) else ""

    @property
    def title(self) -> str:
        value = self.front.data.get("title")
        return value if isinstance(value, str) else self.doc_id
