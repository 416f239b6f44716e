"""Parse stage: a document body -> headings, code blocks, links, code spans and raw HTML,
each with its file line (markdown-it-py's `Token.map` plus the body's offset)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, normalize
from markdown_it.token import Token

from runbookc.model import Body, CodeBlock, CodeSpan, Heading, Html, Link
from runbookc.pipeline.positions import Scanner

# Options markdown-it-py's rules read with `options.get(name, False)`: the commonmark
# preset leaves them out, and a missing key costs that Mapping.get a KeyError raised and
# caught, for every list item (0.6% of a document's instructions). Given here with their
# default value, every lookup finds its key.
_ABSENT_OPTIONS = dict.fromkeys(
    ["tasklists", "alerts", "store_labels", "inline_definitions"], False
)


@cache
def markdown() -> MarkdownIt:
    """The commonmark preset with tables (the site's Markdown as far as the Body goes), with
    the core's `inline` and `text_join` rules switched off: inline content is parsed, by
    markdown-it's own inline parser, only where the Body needs it (_Inline). Its `normalize`
    rule is off too: parse_body runs it only on text it would change."""
    md = MarkdownIt("commonmark", _ABSENT_OPTIONS).enable("table")
    return md.disable(["normalize", "inline", "text_join"])


@cache
def slugify() -> Callable[[str, str], str]:
    """The site's heading-anchor function; the linter must use the very same one."""
    from pymdownx.slugs import slugify as make

    return make(case="lower")


@lru_cache(maxsize=4096)  # pure, and runbooks repeat their section headings
def slug(text: str) -> str:
    return slugify()(text, "-")


AttrScanner = Callable[[str], "tuple[list[tuple[str, str | None]], str]"]


@cache
def attr_list() -> tuple[re.Pattern[str], AttrScanner]:
    """Python-Markdown's attr_list (the site's extension): the pattern that finds a heading's
    attribute list (`## Checks {#checks .wide role=diagnostics}`) and the scanner that reads
    one, so the linter's anchors and section roles are what the site makes of it."""
    from markdown.extensions.attr_list import AttrListTreeprocessor, get_attrs_and_remainder

    return AttrListTreeprocessor.HEADER_RE, get_attrs_and_remainder


@cache
def _toc_unique() -> Callable[[str, set[str]], str]:
    from markdown.extensions.toc import unique

    return unique


def unique_anchor(anchor: str, used: set[str]) -> str:
    """MkDocs' toc: a slug already used (or empty) gets the first free suffix _1, _2, ..."""
    return _toc_unique()(anchor, used)


# A real runbook makes a few hundred block tokens and has a few dozen headings.
# Each token costs about 330 bytes: a 2 MB table of one-character cells makes 3 million
# tokens, 1 GB of memory. The site's search indexes each heading of a page by a walk over
# all of the page's headings: 20,000 headings took 15 s of `mkdocs build`.
MAX_BLOCK_TOKENS = 100_000
MAX_HEADINGS = 1_000


class BodyTooLarge(Exception):
    """The body is past one of the limits above; `line` is the file line where it was."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _BoundedTokens(list[Token]):
    """The block parser's token list, refusing to grow past MAX_BLOCK_TOKENS (the parser
    adds every token with `append`), so memory stays bounded while it parses."""

    def __init__(self, body_line: int) -> None:
        super().__init__()
        self.body_line = body_line

    def append(self, token: Token) -> None:
        if len(self) >= MAX_BLOCK_TOKENS:
            start = next((t.map[0] for t in reversed(self) if t.map), 0)
            message = (
                f"the body makes more than {MAX_BLOCK_TOKENS:,} Markdown block tokens by this "
                "line (a paragraph, heading, list item or table cell makes about three)"
            )
            raise BodyTooLarge(message, self.body_line + start)
        # Not super().append: building the super object cost more than the append itself,
        # 150 times a document (a tenth of a microsecond each).
        list.append(self, token)


def parse_body(body: str, body_line: int) -> Body:
    """`body_line` is the file line of the body's first line. BodyTooLarge past the limits.

    What `MarkdownIt.parse` does (a StateCore through the core rules), with a token list
    that stops growing at MAX_BLOCK_TOKENS."""
    md = markdown()
    env: dict[str, object] = {}  # the reference definitions the block parser collects
    state = StateCore(body, md, env)
    # A loaded document's body has LF line endings: rewriting each of them (what the rule
    # does first) cost a seventieth of a document's time for nothing.
    if "\r" in body or "\0" in body:
        normalize(state)
    state.tokens = _BoundedTokens(body_line)
    md.core.process(state)
    walker = _Walker(body.split("\n"), body_line, _Inline(md, env))
    walker.walk(state.tokens)
    walker.anchor_headings()
    if len(walker.headings) > MAX_HEADINGS:
        message = f"heading number {MAX_HEADINGS + 1:,}: the limit is {MAX_HEADINGS:,} a body"
        raise BodyTooLarge(message, walker.headings[MAX_HEADINGS].line)
    return Body(
        headings=tuple(walker.headings),
        code_blocks=tuple(walker.blocks),
        links=tuple(walker.links),
        code_spans=tuple(walker.spans),
        html=tuple(walker.html),
        code_lines=tuple(walker.code_lines),
        list_shape=tuple(walker.list_shape),
    )


# The block tokens Body.list_shape keeps, as (type, start, end, markup).
LIST_SHAPE = frozenset(
    {
        *("paragraph_open", "list_item_open", "fence", "code_block"),
        *("bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close"),
    }
)

# Every link, image, autolink, inline HTML and code span starts at one of these: inline
# content without any holds none of what the Body keeps of it.
_ELEMENT_START = re.compile(r"[\[<`]")

# Inline syntax starts at one of these (the commonmark preset's inline rules: newline,
# escape, backticks, emphasis, link, image, autolink, inline HTML, entity): content without
# any is a single text token, and half a runbook's parsed inline content (most headings, the
# titles of code blocks) needs no parser run to say so. test_parse_inline holds it to the
# parser.
_INLINE_START = re.compile(r"[\n\\`*_\[!<&]")

# Text children: `text_special` (an escape or entity) is text that `text_join` would merge.
_TEXT = ("text", "text_special")


class _Inline:
    """The children of the block parser's inline tokens (markdown-it's inline parser, before
    `text_join`), parsed once and only where the Body needs them."""

    def __init__(self, md: MarkdownIt, env: dict[str, object]) -> None:
        self.md = md
        self.env = env

    def children(self, token: Token) -> list[Token]:
        if not token.children:
            token.children = self._parse(token.content)
        return token.children

    def _parse(self, content: str) -> list[Token]:
        if _INLINE_START.search(content) is None:
            return [Token("text", "", 0, content=content)] if content else []
        return self.md.inline.parse(content, self.md, self.env, [])

    def elements(self, token: Token) -> list[Token]:
        """The children, where they can hold links, code spans or HTML."""
        return self.children(token) if _ELEMENT_START.search(token.content) else []

    def plain_text(self, token: Token) -> str:
        """The text of a heading or paragraph: its text and code spans, breaks as spaces."""
        return "".join(_plain_parts(self.children(token))).strip()

    def heading(self, token: Token) -> tuple[str, dict[str, str | None]]:
        """A heading's text and the attributes of its attribute list, found where attr_list
        looks: in the text after the heading's last inline element (a code span, a link,
        emphasis), or, when it ends with one, in the text before its first."""
        children = self.children(token)
        elements = [i for i, child in enumerate(children) if child.type != "text"]
        if not elements:
            start, end = 0, len(children)
        elif elements[-1] < len(children) - 1:
            start, end = elements[-1] + 1, len(children)
        else:
            start, end = 0, elements[0]
        text = "".join(child.content for child in children[start:end])
        pattern, scan = attr_list()
        found = pattern.search(text)
        if found is None:
            return self.plain_text(token), {}
        attrs, remainder = scan(found.group(1))
        if remainder:  # a stray `}`: attr_list leaves the text as it is
            return self.plain_text(token), {}
        kept = text[: found.start()].rstrip("#").rstrip()  # as attr_list: `## H ## {#h}`
        parts = _plain_parts(children)
        plain = "".join([*parts[:start], kept, *parts[end:]]).strip()
        return plain, dict(attrs)


def _plain_parts(children: list[Token]) -> list[str]:
    """Each child's share of the plain text: text and code spans, breaks as spaces."""
    parts = []
    for child in children:
        if child.type in _TEXT or child.type == "code_inline":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append("")
    return parts


class _Walker:
    def __init__(self, lines: list[str], body_line: int, inline: _Inline) -> None:
        self.lines = lines
        self.inline = inline
        self.offset = body_line  # file line = offset + 0-based body line
        self.headings: list[Heading] = []
        self.blocks: list[CodeBlock] = []
        self.links: list[Link] = []
        self.spans: list[CodeSpan] = []
        self.html: list[Html] = []
        self.code_lines: list[tuple[int, int]] = []
        self.list_shape: list[tuple[str, int, int, str]] = []
        self.section = ""
        self.subsection = ""
        self.section_role = ""
        self.subsection_role = ""
        # Each heading as (level, text, line, role, its attribute list's id if any).
        self.pending: list[tuple[int, str, int, str, str | None]] = []
        self.last_paragraph: Token | None = None  # the inline token of the last paragraph
        self.intro_start = 0  # body line where the text before the next block starts

    def walk(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            kind = token.type  # one attribute read per token: ~150 tokens a document
            if kind in LIST_SHAPE:
                start, end = token.map or (-1, -1)
                self.list_shape.append((kind, start, end, token.markup))
                if kind in ("fence", "code_block") and token.map:
                    self.code_lines.append((start, end))
            if kind == "inline":
                if tokens[index - 1].type == "paragraph_open":
                    self.last_paragraph = token
                self._inline(token)
            elif kind == "heading_open":
                self._heading(token, tokens[index + 1])
            elif kind == "fence":
                self._fence(token)
            elif kind == "html_block":
                self.html.append(Html(token.content, self.offset + _start(token), inline=False))

    def _heading(self, token: Token, inline: Token) -> None:
        text, attrs = self.inline.heading(inline)
        level = int(token.tag[1])
        role = attrs.get("role") or ""
        line = self.offset + _start(token)
        # Anchored at the end (anchor_headings), once every attribute list's id is known.
        self.pending.append((level, text, line, role, attrs.get("id")))
        if level <= 2:
            self.section, self.subsection = text, ""
            self.section_role, self.subsection_role = role, ""
        else:
            self.subsection, self.subsection_role = text, role
        self.last_paragraph = None
        self.intro_start = _start(token) + 1

    def anchor_headings(self) -> None:
        """Give each heading the anchor MkDocs' toc gives it: its attribute list's id as
        written, else its slug made unique against every id used so far, those of the
        attribute lists counting from the start (toc collects them first)."""
        used = {anchor for *_, anchor in self.pending if anchor is not None}
        self.headings = [
            Heading(
                level,
                text,
                unique_anchor(slug(text), used) if anchor is None else anchor,
                line,
                role,
            )
            for level, text, line, role, anchor in self.pending
        ]

    def _inline(self, token: Token) -> None:
        elements = self.inline.elements(token)
        if not elements:
            return
        start, end = token.map or (0, 0)
        scan = Scanner(self.lines, start, max(end, start + 1))
        breaks = 0
        link: tuple[str, int] | None = None  # (href, body line of the opening)
        link_text: list[str] = []
        for child in elements:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
                scan.at_least(start + breaks)
            elif child.type == "link_open":
                link = (str(child.attrs.get("href", "")), scan.line)
                link_text = []
            elif child.type == "link_close" and link is not None:
                target, open_line = link
                text = "".join(link_text)
                line, column = scan.target(target, text) or (open_line, 1)
                self.links.append(Link(target, text, self.offset + line, column))
                link = None
            elif child.type == "image":
                target = str(child.attrs.get("src", ""))
                line, column = scan.target(target, child.content) or (scan.line, 1)
                self.links.append(Link(target, child.content, self.offset + line, column))
            elif child.type == "code_inline":
                line, column = scan.code_span(len(child.markup))
                span = CodeSpan(
                    child.content, self.offset + line, column, self.section, self.section_role
                )
                self.spans.append(span)
                if link is not None:
                    link_text.append(child.content)
            elif child.type == "html_inline":
                line, _ = scan.text(child.content)
                self.html.append(Html(child.content, self.offset + line, inline=True))
            elif child.type in _TEXT and link is not None:
                link_text.append(child.content)

    def _fence(self, token: Token) -> None:
        start, end = token.map or (0, 0)
        last = self.lines[end - 1] if end - 1 < len(self.lines) else ""
        closed = end - start >= 2 and _closes(last, token.markup)
        info = token.info.strip()
        intro = "\n".join(self.lines[self.intro_start : start]).strip("\n")
        title = "" if self.last_paragraph is None else self.inline.plain_text(self.last_paragraph)
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
                title=title,
                intro=intro,
                section_role=self.section_role,
                subsection_role=self.subsection_role,
            )
        )
        self.last_paragraph = None
        self.intro_start = end


_CONTAINER_PREFIX = re.compile(r"^[\s>]*")


def _closes(line: str, markup: str) -> bool:
    """Whether `line` (inside any list or quote) is a closing fence for `markup`."""
    rest = _CONTAINER_PREFIX.sub("", line).rstrip()
    return len(rest) >= len(markup) and set(rest) == {markup[0]}


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0
