"""Parse stage: a document body -> headings, code blocks, links, code spans and raw HTML,
each with its file line (markdown-it-py's `Token.map` plus the body's offset)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from runbookc.model import Body, CodeBlock, CodeSpan, Heading, Html, Link


@cache
def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@cache
def slugify() -> Callable[[str, str], str]:
    """The site's heading-anchor function; the linter must use the very same one."""
    from pymdownx.slugs import slugify as make

    return make(case="lower")


def slug(text: str) -> str:
    return slugify()(text, "-")


def parse_body(body: str, body_line: int) -> Body:
    """`body_line` is the file line of the body's first line."""
    tokens = markdown().parse(body)
    lines = body.split("\n")
    walker = _Walker(lines, body_line)
    walker.walk(tokens)
    return Body(
        headings=tuple(walker.headings),
        code_blocks=tuple(walker.blocks),
        links=tuple(walker.links),
        code_spans=tuple(walker.spans),
        html=tuple(walker.html),
    )


class _Walker:
    def __init__(self, lines: list[str], body_line: int) -> None:
        self.lines = lines
        self.offset = body_line  # file line = offset + 0-based body line
        self.headings: list[Heading] = []
        self.blocks: list[CodeBlock] = []
        self.links: list[Link] = []
        self.spans: list[CodeSpan] = []
        self.html: list[Html] = []
        self.section = ""
        self.subsection = ""
        self.last_paragraph = ""
        self.intro_start = 0  # body line where the text before the next block starts
        self.used_slugs: dict[str, int] = {}

    def walk(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                self._heading(token, tokens[index + 1])
            elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
                self.last_paragraph = _plain_text(token)
                self._inline(token)
            elif token.type == "inline":
                self._inline(token)
            elif token.type == "fence":
                self._fence(token)
            elif token.type == "html_block":
                self.html.append(Html(token.content, self.offset + _start(token), inline=False))

    def _heading(self, token: Token, inline: Token) -> None:
        text = _plain_text(inline)
        level = int(token.tag[1])
        base = slug(text)
        # MkDocs' toc gives repeated slugs the suffixes _1, _2, ...
        count = self.used_slugs.get(base, 0)
        self.used_slugs[base] = count + 1
        anchor = base if count == 0 else f"{base}_{count}"
        line = self.offset + _start(token)
        self.headings.append(Heading(level, text, anchor, line))
        if level <= 2:
            self.section, self.subsection = text, ""
        else:
            self.subsection = text
        self.last_paragraph = ""
        self.intro_start = _start(token) + 1

    def _inline(self, token: Token) -> None:
        base = _start(token)
        line_in_token = 0
        link: tuple[str, int] | None = None
        link_text: list[str] = []
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line_in_token += 1
                continue
            line = base + line_in_token
            if child.type == "link_open":
                link = (str(child.attrs.get("href", "")), line)
                link_text = []
            elif child.type == "link_close" and link is not None:
                target, link_line = link
                column = self._column(link_line, f"]({target}") + 1 or self._column(
                    link_line, target
                )
                self.links.append(Link(target, "".join(link_text), self.offset + link_line, column))
                link = None
            elif child.type == "image":
                target = str(child.attrs.get("src", ""))
                self.links.append(
                    Link(target, child.content, self.offset + line, self._column(line, target))
                )
            elif child.type == "code_inline":
                column = self._column(line, child.markup + child.content)
                self.spans.append(CodeSpan(child.content, self.offset + line, column, self.section))
                if link is not None:
                    link_text.append(child.content)
            elif child.type == "html_inline":
                self.html.append(Html(child.content, self.offset + line, inline=True))
            elif child.type == "text" and link is not None:
                link_text.append(child.content)

    def _fence(self, token: Token) -> None:
        start, end = token.map or (0, 0)
        last = self.lines[end - 1] if end - 1 < len(self.lines) else ""
        closed = end - start >= 2 and _closes(last, token.markup)
        info = token.info.strip()
        intro = "\n".join(self.lines[self.intro_start : start]).strip("\n")
        self.blocks.append(
            CodeBlock(
                info=info,
                lang=info.split(maxsplit=1)[0].lower() if info else "",
                content=token.content,
                line=self.offset + start,
                end_line=self.offset + end - 1,
                closed=closed,
                section=self.section,
                subsection=self.subsection,
                title=self.last_paragraph,
                intro=intro,
            )
        )
        self.last_paragraph = ""
        self.intro_start = end

    def _column(self, line: int, needle: str) -> int:
        text = self.lines[line] if line < len(self.lines) else ""
        return text.find(needle) + 1 if needle in text else 1


_CONTAINER_PREFIX = re.compile(r"^[\s>]*")


def _closes(line: str, markup: str) -> bool:
    """Whether `line` (inside any list or quote) is a closing fence for `markup`."""
    rest = _CONTAINER_PREFIX.sub("", line).rstrip()
    return len(rest) >= len(markup) and set(rest) == {markup[0]}


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0


def _plain_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()
