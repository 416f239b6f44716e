"""Parse stage: a document body -> headings, code blocks, links, code spans and raw HTML,
each with its file line (markdown-it-py's `Token.map` plus the body's offset)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache, partial
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, block, normalize
from markdown_it.token import Token

from runbookc.model import Body, CodeBlock, CodeSpan, Heading, Html, Link

# Options markdown-it-py's rules read with `options.get(name, False)`: the commonmark
# preset leaves them out, and a missing key costs that Mapping.get a KeyError raised and
# caught, for every list item (0.6% of a document's instructions). Given here with their
# default value, every lookup finds its key.
_ABSENT_OPTIONS = dict.fromkeys(
    ["tasklists", "alerts", "store_labels", "inline_definitions"], False
)


@cache
def markdown() -> MarkdownIt:
    _mute_block_rule_debug()
    return MarkdownIt("commonmark", _ABSENT_OPTIONS).enable("table")


# markdown-it's block rules log a debug message for every rule tried on every line (about
# 600 calls a document, each a `debug` and an `isEnabledFor` call); nothing here ever
# shows them, and the calls alone are about 3% of a document's compile. `"".format`
# takes and ignores any arguments without a Python frame, which `lambda *a, **k: None`
# would cost.
_BLOCK_RULE_LOGGERS = "markdown_it.rules_block."


def _mute_block_rule_debug() -> None:
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if name.startswith(_BLOCK_RULE_LOGGERS) and isinstance(logger, logging.Logger):
            logger.debug = "".format  # type: ignore[method-assign]


@cache
def slugify() -> Callable[[str, str], str]:
    """The site's heading-anchor function; the linter must use the very same one."""
    from pymdownx.slugs import slugify as make

    return make(case="lower")


@lru_cache(maxsize=4096)  # pure, and runbooks repeat their section headings
def slug(text: str) -> str:
    return slugify()(text, "-")


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
        super().append(token)


def parse_body(body: str, body_line: int, *, fast: bool = True) -> Body:
    """`body_line` is the file line of the body's first line. BodyTooLarge past the limits.

    The block structure is always parsed in full; inline content only where it can hold
    what the Body keeps. `fast=False` parses every inline token in full: the reference
    the fast path is tested against (same Body, byte for byte).
    """
    md = markdown()
    state = StateCore(body, md, {})
    state.tokens = _BoundedTokens(body_line)
    if "\r" in body or "\0" in body:
        # Otherwise normalize would change nothing, at the cost of a regex match per line
        # (it rewrites every "\n" as "\n"): loaded bodies have LF endings and no NUL.
        normalize(state)
    block(state)  # the core chain minus `inline`: inline tokens are parsed on demand
    lines = body.split("\n")
    walker = _Walker(lines, body_line, _Inline(md, state.env, fast))
    walker.walk(state.tokens)
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


# Characters at which some commonmark inline rule (other than `text`) may act. Inline content
# without any of them is one text token: its plain text is the content itself.
_MARKUP = re.compile(r"[`*_\[\]!<&\\\n]")
# Without these there can be no link, image, autolink, inline HTML or escaped backtick:
# only code spans and line breaks, which _code_spans finds the way the `backticks` and
# `newline` rules do (emphasis and entities only ever make text).
_LINK_OR_ESCAPE = re.compile(r"[\[<\\]")
# Without these, code spans and line breaks are all the markup there is.
_MARKUP_BUT_SPANS = re.compile(r"[*_\[\]!<&\\]")


class _Inline:
    """Inline children of the block parser's inline tokens, parsed once and only as far as
    the caller needs: `elements` for links, code spans and HTML; `plain_text` for headings
    and paragraph titles."""

    def __init__(self, md: MarkdownIt, env: dict[str, object], fast: bool) -> None:
        self.md = md
        self.env = env  # holds the reference definitions the block parser collected
        self.fast = fast

    def children(self, token: Token) -> list[Token]:
        """Every inline child, as the full parser makes them (before `text_join`)."""
        if not token.children:
            token.children = self.md.inline.parse(token.content, self.md, self.env, [])
        return token.children

    def elements(self, token: Token) -> list[Token]:
        """The children that can matter to links, code spans and HTML, in source order."""
        content = token.content
        if not self.fast or token.children:
            return self.children(token)
        if _LINK_OR_ESCAPE.search(content):
            simple = _simple_links(content, self.md)
            return self.children(token) if simple is None else simple
        return _code_spans(content) if "`" in content else []

    def plain_text(self, token: Token) -> str:
        content = token.content
        if self.fast and not token.children:
            if not _MARKUP.search(content):
                return content.strip()
            if not _MARKUP_BUT_SPANS.search(content):
                return _spans_plain_text(content)
        return _plain_text(self.children(token))


# An inline link whose label is plain text and whose destination has nothing to unescape,
# decode, balance or stop at: `[label](dest)`, as markdown-it's `link` rule reads it.
_SIMPLE_LINK = re.compile(r"\[([^\[\]\n`*_!<&\\]*)\]\(([^\x00-\x20\x7f()<>\[\]\\`&]*)\)")


def _simple_links(src: str, md: MarkdownIt) -> list[Token] | None:
    """Links, code spans and line breaks of inline content whose every `[` opens a simple
    link (None otherwise: no escape, no HTML or autolink, no reference link, no code span
    across a link; the full parser decides those). An image `![alt](src)` is read as a
    link: the walker keeps the same target and text of both."""
    if "\\" in src or "<" in src:
        return None
    links = list(_SIMPLE_LINK.finditer(src))
    if not links or src.count("[") != len(links) or src.count("]") != len(links):
        return None
    spans = list(_spans(src)) if "`" in src else []
    if any(s < link.end() and link.start() < e for s, e, _ in spans for link in links):
        return None
    pieces = _code_span_pieces(src, spans)
    for link in links:
        href = md.normalizeLink(link[2])
        if not md.validateLink(href):
            return None
        label = link[1]
        text = [Token("text", "", 0, content=label)] if label else []
        opening = Token("link_open", "a", 1, attrs={"href": href})
        pieces.append((link.start(), link.end(), [opening, *text, Token("link_close", "a", -1)]))
    return _with_breaks(src, sorted(pieces, key=lambda piece: piece[0]))


def _code_spans(src: str) -> list[Token]:
    """Code spans and line breaks of inline content holding neither links nor escapes."""
    return _with_breaks(src, _code_span_pieces(src, _spans(src)))


# A piece of inline content: its start and end offsets, and the tokens it makes.
Piece = tuple[int, int, list[Token]]


def _code_span_pieces(src: str, spans: Iterable[tuple[int, int, int]]) -> list[Piece]:
    return [(start, end, [_code_span(src, start, end, ticks)]) for start, end, ticks in spans]


def _with_breaks(src: str, pieces: list[Piece]) -> list[Token]:
    """The tokens of the pieces (in source order), with a break for every newline outside
    them (markdown-it's `newline`)."""
    found: list[Token] = []
    pos = 0
    for start, end, tokens in pieces:
        found += [_BREAK] * src.count("\n", pos, start)
        found += tokens
        pos = end
    found += [_BREAK] * src.count("\n", pos)
    return found


def _spans_plain_text(src: str) -> str:
    """The plain text of inline content whose only markup is code spans and line breaks."""
    parts = []
    pos = 0
    for start, end, ticks in _spans(src):
        parts += (_broken_lines(src[pos:start]), _span_content(src, start, end, ticks))
        pos = end
    parts.append(_broken_lines(src[pos:]))
    return "".join(parts).strip()


def _broken_lines(text: str) -> str:
    """Text outside code spans as markdown-it's `newline` rule leaves it: the spaces before
    a line break dropped, the break a space, the blanks after it skipped."""
    if "\n" not in text:
        return text
    first, *rest = text.split("\n")
    return " ".join(
        [
            first.rstrip(" "),
            *(line.lstrip(" \t").rstrip(" ") for line in rest[:-1]),
            rest[-1].lstrip(" \t"),
        ]
    )


def _spans(src: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, backticks) of each code span, as markdown-it's `backticks` rule finds
    them: a backtick run pairs with the next run of the same length; an unpaired run is
    text."""
    runs = _backtick_runs(src)
    last = {ticks: start for start, ticks in runs}  # where the last run of each length starts
    index = 0
    while index < len(runs):
        start, ticks = runs[index]
        index += 1
        if last[ticks] < start + ticks:
            continue  # no run of this length follows: this one is literal text
        close = index  # a run of this length follows: the first one closes the span
        while runs[close][1] != ticks:
            close += 1
        yield start, runs[close][0] + ticks, ticks
        index = close + 1


def _code_span(src: str, start: int, end: int, ticks: int) -> Token:
    markup, content = src[start : start + ticks], _span_content(src, start, end, ticks)
    return Token("code_inline", "code", 0, markup=markup, content=content)


def _span_content(src: str, start: int, end: int, ticks: int) -> str:
    content = src[start + ticks : end - ticks].replace("\n", " ")
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        return content[1:-1]
    return content


_BREAK = Token("softbreak", "br", 0)


def _backtick_runs(src: str) -> list[tuple[int, int]]:
    """(start, length) of every maximal run of backticks."""
    runs = []
    at = src.find("`")
    while at >= 0:
        end = at + 1
        while end < len(src) and src[end] == "`":
            end += 1
        runs.append((at, end - at))
        at = src.find("`", end)
    return runs


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
        self.last_paragraph: Token | None = None  # the inline token of the last paragraph
        self.intro_start = 0  # body line where the text before the next block starts
        self.used_slugs: dict[str, int] = {}

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
        text = self.inline.plain_text(inline)
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
        self.last_paragraph = None
        self.intro_start = _start(token) + 1

    def _inline(self, token: Token) -> None:
        elements = self.inline.elements(token)
        if not elements:
            return
        start, end = token.map or (0, 0)
        scan = _Scanner(self.lines, start, max(end, start + 1))
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
                self.spans.append(CodeSpan(child.content, self.offset + line, column, self.section))
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
            )
        )
        self.last_paragraph = None
        self.intro_start = end


_CONTAINER_PREFIX = re.compile(r"^[\s>]*")


class _Scanner:
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


def _closes(line: str, markup: str) -> bool:
    """Whether `line` (inside any list or quote) is a closing fence for `markup`."""
    rest = _CONTAINER_PREFIX.sub("", line).rstrip()
    return len(rest) >= len(markup) and set(rest) == {markup[0]}


def _start(token: Token) -> int:
    return token.map[0] if token.map else 0


# Text children: `text_special` (an escape or entity) is text that `text_join` would merge.
_TEXT = ("text", "text_special")


def _plain_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in _TEXT or child.type == "code_inline":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()
