"""Load stage: file bytes -> front matter with a line for every key, body and its offset.

python-frontmatter and a plain `yaml.safe_load` hide the problems authors most need to see
(an unterminated block becomes `{}`, duplicate keys silently keep the last, aliases expand
without bound, `2026-02-30` is a bare ValueError). So the front matter is split here, its
YAML is parsed once into events that are screened before any value is built, the value is
built from those events node by node, and every problem is a diagnostic at its file line.
"""

from __future__ import annotations

import stat
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from runbookc.diagnostics import Diagnostic
from runbookc.limits import MAX_FILE_BYTES as MAX_FILE_BYTES
from runbookc.lint.catalog import (
    ALIAS,
    BOM,
    DUPLICATE_KEY,
    NO_FRONT_MATTER,
    NOT_MAPPING,
    NOT_UTF8,
    NUL_BYTE,
    TAG,
    TOO_LARGE,
    UNREADABLE,
    UNTERMINATED,
    YAML_SYNTAX,
)
from runbookc.model import Document, FrontMatter, KeyPath

MAX_LINE_CHARS = 20_000
MAX_FRONT_MATTER_LINES = 1_000
MAX_FRONT_MATTER_CHARS = 64 * 1024  # the seed's is 400; pure-Python YAML takes ~1.5 s a MB
MAX_YAML_DEPTH = 16
MAX_INT_DIGITS = 100  # Python refuses int("1" * 4301); nothing in front matter is that long

_BOM = b"\xef\xbb\xbf"
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_YAML + name for name in ("str", "int", "float", "bool", "null"))
_UNCLOSED = ("while scanning a quoted scalar", "while parsing a flow")
_STANDARD_TAGS = _SCALAR_TAGS | {_YAML + "seq", _YAML + "map"}
# Implicit types that front matter does not use: dates stay strings so the schema's
# `format: date` reports `2026-02-30` at its key; `=` and `<<` stay plain strings.
_DROPPED_RESOLVERS = frozenset(_YAML + name for name in ("timestamp", "value", "merge"))


class _Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp, value and merge types."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_RESOLVERS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml scans and parses front matter about 20x faster than PyYAML's pure-Python parser,
# with the same events, nodes and marks (character indexes). Its error messages are worded
# differently, so front matter it rejects is parsed again with _Loader: the diagnostics are
# PyYAML's whichever parser is installed.
_FastLoader: type = _Loader
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    _FastLoader = _CLoader


def load_file(path: Path, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Read and load one file; never raises for bad input."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a special file"
            return None, [UNREADABLE(display, None, f"cannot read: {kind}, not a regular file")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [_file_too_large(display, info.st_size)]
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        return None, [UNREADABLE(display, None, f"cannot read: {exc.strerror or exc}")]
    return load_bytes(data, display)


def load_bytes(data: bytes, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Decode, split and parse one file's bytes; every problem is a diagnostic."""
    if len(data) > MAX_FILE_BYTES:
        return None, [_file_too_large(display, len(data))]
    diags: list[Diagnostic] = []
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        diags.append(
            BOM(
                display,
                1,
                "file starts with a UTF-8 byte order mark",
                hint="save the file as UTF-8 without BOM",
            )
        )
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")  # valid: the error is the first one
        line, column = _position(before, len(before))
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        return None, [
            *diags,
            NOT_UTF8(
                display,
                line,
                f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
                column=column,
                hint="the file looks like UTF-16; save it as UTF-8"
                if utf16
                else "re-encode the file as UTF-8",
            ),
        ]
    if "\x00" in raw:
        line, column = _position(raw, raw.index("\x00"))
        return None, [
            *diags,
            NUL_BYTE(display, line, "file contains a NUL byte (binary file?)", column=column),
        ]
    text = _normalise(raw)
    lines = text.split("\n")
    if max(map(len, lines)) > MAX_LINE_CHARS:  # the loop only when some line is too long
        number, content = next((n, c) for n, c in enumerate(lines, 1) if len(c) > MAX_LINE_CHARS)
        message = f"line is {len(content)} characters, the limit is {MAX_LINE_CHARS}"
        return None, [*diags, TOO_LARGE(display, number, message)]
    split = _split(lines, display)
    if isinstance(split, Diagnostic):
        return None, [*diags, split]
    front, yaml_diags = _parse_front_matter(split, display)
    if front is None:
        return None, [*diags, *yaml_diags]
    document = Document(path=display, text=text, front=front, body_line=split.close_line + 1)
    return document, [*diags, *yaml_diags]


@dataclass(frozen=True)
class _Split:
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


def _split(lines: list[str], display: str) -> _Split | Diagnostic:
    if lines[0].rstrip() != "---":
        return NO_FRONT_MATTER(
            display,
            1,
            "file does not start with a `---` line",
            hint="begin the file with front matter between `---` lines: doc_id, type, title, ...",
        )
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
    return _Split(source, close_line=close + 1)


def _parse_front_matter(split: _Split, display: str) -> tuple[FrontMatter | None, list[Diagnostic]]:
    try:
        try:
            problems, events = _screened_events(split, display, _FastLoader)
        except yaml.YAMLError:
            if _FastLoader is _Loader:
                raise
            problems, events = _screened_events(split, display, _Loader)
        if problems:
            return None, problems
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_error(exc, split, display)]
    except yaml.reader.ReaderError as exc:
        line, column = split.position(exc.position)
        return None, [
            YAML_SYNTAX(
                display,
                line,
                f"character U+{exc.character:04X} is not allowed in YAML",
                column=column,
                hint="remove the control character",
            )
        ]
    # events: stream start, then (when the stream holds a document) document start, root.
    root = events[2] if isinstance(events[1], yaml.DocumentStartEvent) else None
    if not isinstance(root, yaml.MappingStartEvent):
        kind = "empty" if root is None else f"a {_event_kind(root)}"
        line = 1 if root is None else split.start(root)[0]
        return None, [
            NOT_MAPPING(
                display,
                line,
                f"front matter is {kind}, not a mapping of keys",
                hint="write `key: value` lines, starting with doc_id and type",
            )
        ]
    builder = _Builder(split, display, events, start=2)
    data = builder.value(())
    # A duplicate key keeps its first value, so the rest of the file is still validated and
    # every problem is reported at once; any other problem leaves no trustworthy value.
    if any(d.code != DUPLICATE_KEY.code for d in builder.diags):
        return None, builder.diags
    front = FrontMatter(data, builder.key_lines, start_line=1, end_line=split.close_line)
    return front, builder.diags


def _screened_events(
    split: _Split, display: str, loader: type
) -> tuple[list[Diagnostic], list[yaml.Event]]:
    """The YAML is parsed once, into events, screened as they come; when they pass, the
    value is built from them (as `yaml.compose` would, without parsing again). A stream of
    several documents is refused as `yaml.compose` refuses it, after the screening."""
    problems, events = _screen_events(split, display, loader)
    if not problems:
        starts = [e for e in events if isinstance(e, yaml.DocumentStartEvent)]
        if len(starts) > 1:
            # libyaml's events carry yaml._yaml.Mark, with the fields PyYAML's errors read
            # (index, line, column); the stubs take only yaml.error.Mark.
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                events[2].start_mark,  # type: ignore[arg-type]
                "but found another document",
                starts[1].start_mark,  # type: ignore[arg-type]
            )
    return problems, events


def _syntax_error(exc: yaml.MarkedYAMLError, split: _Split, display: str) -> Diagnostic:
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    line, column = split.position(mark.index) if mark else (1, 1)
    context = exc.context or ""
    # An unclosed quote or bracket is noticed far below it: point at where it opens.
    if exc.context_mark and context.startswith(_UNCLOSED):
        problem = f"{problem} at line {line}"
        line, column = split.position(exc.context_mark.index)
        context = f"{context} that starts here"
    message = f"YAML syntax error: {problem}" + (f" ({context})" if exc.problem and context else "")
    return YAML_SYNTAX(display, line, message, column=column)


def _screen_events(
    split: _Split, display: str, loader: type
) -> tuple[list[Diagnostic], list[yaml.Event]]:
    """Reject anchors, aliases, foreign tags and deep nesting from the event stream, before
    any value is built: an alias bomb is a few events here and is never expanded, and
    parsing stops at the first level too deep. Returns the problems and the events read."""
    events: list[yaml.Event] = []
    diags: list[Diagnostic] = []
    aliases: dict[str | None, tuple[yaml.Event, int]] = {}  # anchor -> (first alias, uses)
    depth = 0
    for event in yaml.parse(split.source, Loader=loader):
        events.append(event)
        if isinstance(event, yaml.AliasEvent):
            first, uses = aliases.get(event.anchor, (event, 0))
            aliases[event.anchor] = (first, uses + 1)
            continue
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            line, column = split.start(event)
            diags.append(
                ALIAS(
                    display,
                    line,
                    f"YAML anchor `&{anchor}` is not allowed",
                    column=column,
                    hint="remove the anchor and write values out in full",
                )
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            line, column = split.start(event)
            diags.append(
                TAG(
                    display,
                    line,
                    f"YAML tag `{_short_tag(tag)}` is not allowed",
                    column=column,
                    hint="front matter holds plain strings, numbers, lists and maps",
                )
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line, column = split.start(event)
                message = f"front matter nests deeper than {MAX_YAML_DEPTH} levels"
                return [TOO_LARGE(display, line, message, column=column)], events
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    for name, (first, uses) in aliases.items():
        line, column = split.start(first)
        more = f" (used {uses} times)" if uses > 1 else ""
        diags.append(
            ALIAS(
                display,
                line,
                f"YAML alias `*{name}` is not allowed{more}",
                column=column,
                hint="write the value out in full",
            )
        )
    return sorted(diags, key=Diagnostic.sort_key), events


@cache
def _scalar_loader() -> _Loader:
    """One loader for every document, only to resolve implicit tags and construct scalars:
    neither keeps state (no path resolvers; constructors are called directly)."""
    return _Loader("")


@lru_cache(maxsize=4096)  # pure, and front matter repeats its keys and values
def _implicit_tag(kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
    """The tag the loader resolves a node without one to (by its regexes, for a scalar)."""
    return str(_scalar_loader().resolve(kind, value, implicit))


class _Builder:
    """Builds the front matter value from the screened events of its document, as
    `yaml.compose` and then the loader's constructor would, recording the file line of
    every key and list item, and reporting duplicate keys, non-string keys and misused
    tags. Screening bounds the nesting depth and leaves no anchor or alias."""

    def __init__(self, split: _Split, display: str, events: list[yaml.Event], start: int) -> None:
        self.split = split
        self.display = display
        self.key_lines: dict[KeyPath, int] = {}
        self.diags: list[Diagnostic] = []
        self._events = events
        self._next = start  # index of the next event to read
        self._loader = _scalar_loader()

    def value(self, path: KeyPath) -> Any:
        """The value of the node whose first event is next; reads up to its last event."""
        event = self._take()
        if isinstance(event, yaml.ScalarEvent):
            tag = self._tag(event, yaml.ScalarNode)
            if tag in _SCALAR_TAGS:
                return self._scalar(event, tag)
        elif isinstance(event, yaml.MappingStartEvent):
            tag = self._tag(event, yaml.MappingNode)
            if tag == _YAML + "map":
                return self._mapping(path)
        else:
            tag = self._tag(event, yaml.SequenceNode)
            if tag == _YAML + "seq":
                return self._sequence(path)
        self._skip(event)
        self._report(
            TAG, event, f"YAML tag `{_short_tag(tag)}` does not fit a {_event_kind(event)}"
        )
        return None

    def _mapping(self, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not isinstance(self._events[self._next], yaml.MappingEndEvent):
            key_event = self._take()
            line, _ = self._where(key_event)
            scalar = key_event if isinstance(key_event, yaml.ScalarEvent) else None
            key_tag = self._tag(scalar, yaml.ScalarNode) if scalar is not None else None
            if scalar is None or key_tag != _YAML + "str":
                self._skip(key_event)
                self._skip(self._take())  # its value
                self._report(NOT_MAPPING, key_event, *_bad_key(key_event, key_tag))
                continue
            key = scalar.value
            key_path = (*path, key)
            if key_path in self.key_lines:
                self._skip(self._take())
                self._report(
                    DUPLICATE_KEY,
                    key_event,
                    f"duplicate key `{'.'.join(map(str, key_path))}`",
                    f"first defined at line {self.key_lines[key_path]}; keep one of them",
                )
                continue
            self.key_lines[key_path] = line
            result[key] = self.value(key_path)
        self._next += 1
        return result

    def _sequence(self, path: KeyPath) -> list[Any]:
        items: list[Any] = []
        while not isinstance(self._events[self._next], yaml.SequenceEndEvent):
            item_path = (*path, len(items))
            self.key_lines[item_path] = self._where(self._events[self._next])[0]
            items.append(self.value(item_path))
        self._next += 1
        return items

    def _scalar(self, event: yaml.ScalarEvent, tag: str) -> Any:
        kind = tag.removeprefix(_YAML)
        if kind == "int" and len(event.value) > MAX_INT_DIGITS:
            self._report(TOO_LARGE, event, f"number has {len(event.value)} digits")
            return None
        if kind == "str":
            return event.value  # what the loader's str constructor returns
        # The marks may be libyaml's, which the constructors read as PyYAML's (see above).
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
        try:
            # The tag's constructor, as construct_object would call it, without its memo.
            return _Loader.yaml_constructors[tag](self._loader, node)
        except (ValueError, KeyError, IndexError, yaml.YAMLError):  # IndexError: `!!int ""`
            self._report(TAG, event, f"`{event.value[:40]}` is not a valid {kind}")
            return None

    def _tag(self, event: Any, kind: type[yaml.Node]) -> str:
        """The tag of the node that `event` (a scalar or a collection start) begins, as
        the composer resolves it: a missing or `!` tag is implicit."""
        if event.tag is not None and event.tag != "!":
            return str(event.tag)
        value = event.value if kind is yaml.ScalarNode else None
        # mypy checks a variable of type type[X] against Hashable through X's instance
        # __hash__ and rejects it; a class is hashable.
        return _implicit_tag(kind, value, event.implicit)  # type: ignore[arg-type]

    def _take(self) -> yaml.Event:
        event = self._events[self._next]
        self._next += 1
        return event

    def _skip(self, event: yaml.Event) -> None:
        """Read past the rest of the node that `event` starts (nothing more for a scalar)."""
        depth = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
        while depth:
            event = self._take()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1

    def _where(self, event: yaml.Event) -> tuple[int, int]:
        return self.split.start(event)

    def _report(self, rule: Any, event: yaml.Event, message: str, hint: str | None = None) -> None:
        line, column = self._where(event)
        self.diags.append(rule(self.display, line, message, column=column, hint=hint))


def _bad_key(event: yaml.Event, tag: str | None) -> tuple[str, str]:
    if isinstance(event, yaml.ScalarEvent) and tag is not None:
        kind = tag.removeprefix(_YAML)
        return (
            f"key `{event.value}` is read as {kind}, not a string",
            f'quote it: "{event.value}"',
        )
    return "keys must be plain strings", "use a plain word as the key"


def _normalise(text: str) -> str:
    """LF line endings: CRLF and lone CR count as one line break, as in editors."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character `index` in `text` (any line endings)."""
    before = _normalise(text[:index])
    start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - start + 1


def _file_too_large(display: str, size: int) -> Diagnostic:
    return TOO_LARGE(display, None, f"file is {size} bytes, the limit is {MAX_FILE_BYTES}")


def _short_tag(tag: str) -> str:
    """A tag as authors write it: `!!python/object` rather than its full URI."""
    return "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag


def _event_kind(event: yaml.Event) -> str:
    """What the node that `event` starts is."""
    kinds: dict[type[yaml.Event], str] = {
        yaml.SequenceStartEvent: "list",
        yaml.MappingStartEvent: "mapping",
    }
    return kinds.get(type(event), "scalar")


def body_too_large(display: str, line: int, message: str) -> Diagnostic:
    """RB011 for a body past parse's limits (parse.BodyTooLarge): the load stage owns the
    size limits of what a document may be."""
    return TOO_LARGE(display, line, message)
