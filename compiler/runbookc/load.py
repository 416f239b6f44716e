"""Load stage: file bytes -> front matter with a line for every key, body and its offset.

python-frontmatter and a plain `yaml.safe_load` hide the problems authors most need to see
(an unterminated block becomes `{}`, duplicate keys silently keep the last, aliases expand
without bound, `2026-02-30` is a bare ValueError). So the front matter is split here, its
YAML events are screened before anything is composed, and every problem is a diagnostic at
the file line where it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from runbookc.diagnostics import Diagnostic, Severity
from runbookc.model import Document, FrontMatter, KeyPath
from runbookc.registry import rule

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_LINE_CHARS = 20_000
MAX_FRONT_MATTER_LINES = 1_000
MAX_YAML_DEPTH = 16

NOT_UTF8 = rule("RB001", "not-utf8", Severity.ERROR, "File is not valid UTF-8")
NUL_BYTE = rule("RB002", "nul-byte", Severity.ERROR, "File contains a NUL byte")
BOM = rule("RB003", "bom", Severity.WARNING, "File starts with a UTF-8 byte order mark")
NO_FRONT_MATTER = rule("RB004", "no-front-matter", Severity.ERROR, "File has no front matter")
UNTERMINATED = rule(
    "RB005", "unterminated-front-matter", Severity.ERROR, "Front matter is never closed"
)
NOT_MAPPING = rule(
    "RB006", "front-matter-not-mapping", Severity.ERROR, "Front matter is not a mapping"
)
YAML_SYNTAX = rule("RB007", "yaml-syntax", Severity.ERROR, "Front matter is not valid YAML")
DUPLICATE_KEY = rule("RB008", "duplicate-key", Severity.ERROR, "A key appears twice")
ALIAS = rule("RB009", "yaml-alias", Severity.ERROR, "YAML anchors and aliases are not allowed")
TAG = rule("RB010", "yaml-tag", Severity.ERROR, "Non-standard YAML tag")
TOO_LARGE = rule("RB011", "too-large", Severity.ERROR, "File, line or front matter too large")
UNREADABLE = rule("RB012", "unreadable", Severity.ERROR, "File cannot be read")

_STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver: dates stay strings so the schema's
    `format: date` check reports `2026-02-30` at its key instead of PyYAML raising."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml scans and parses about 20x faster than PyYAML's pure-Python parser, and front
# matter is most of the load stage's time. It gives the same events, nodes and marks; its
# error messages are worded differently, so a document it rejects is parsed again with
# _Loader and the diagnostic is PyYAML's, whichever parser is installed.
_FastLoader: type = _Loader
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    _FastLoader = _CLoader


def load_file(path: Path, display: str) -> tuple[Document | None, list[Diagnostic]]:
    """Read and load one file; never raises for bad input."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                TOO_LARGE(display, None, f"file is {size} bytes, the limit is {MAX_FILE_BYTES}")
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [UNREADABLE(display, None, f"cannot read file: {exc.strerror or exc}")]
    return load_bytes(data, display)


def load_bytes(data: bytes, display: str) -> tuple[Document | None, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    if len(data) > MAX_FILE_BYTES:
        return None, [
            TOO_LARGE(display, None, f"file is {len(data)} bytes, the limit is {MAX_FILE_BYTES}")
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        diags.append(
            BOM(
                display,
                1,
                "file starts with a UTF-8 byte order mark",
                hint="save the file as UTF-8 without BOM",
            )
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            *diags,
            NOT_UTF8(
                display,
                line,
                f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
                column=column,
                hint="re-encode the file as UTF-8",
            ),
        ]
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        return None, [*diags, NUL_BYTE(display, line, "file contains a NUL byte (binary file?)")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    for number, content in enumerate(lines, start=1):
        if len(content) > MAX_LINE_CHARS:
            return None, [
                *diags,
                TOO_LARGE(
                    display,
                    number,
                    f"line is {len(content)} characters, the limit is {MAX_LINE_CHARS}",
                ),
            ]
    front, body_line, split_diags = _split(lines, display)
    diags += split_diags
    if front is None:
        return None, diags
    fm, yaml_diags = _parse_front_matter("\n".join(front), display, body_line - len(front) - 2)
    diags += yaml_diags
    if fm is None:
        return None, diags
    body = "\n".join(lines[body_line - 1 :])
    return Document(path=display, text=text, front=fm, body=body, body_line=body_line), diags


def _split(lines: list[str], display: str) -> tuple[list[str] | None, int, list[Diagnostic]]:
    """Return (front matter lines, file line of the body's first line, diagnostics)."""
    if not lines or lines[0].rstrip() != "---":
        return (
            None,
            0,
            [
                NO_FRONT_MATTER(
                    display,
                    1,
                    "file does not start with a `---` line",
                    hint="begin the file with front matter between `---` "
                    "lines: doc_id, type, title, ...",
                )
            ],
        )
    for index in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 2)):
        if lines[index].rstrip() in ("---", "..."):
            return lines[1:index], index + 2, []
    if len(lines) > MAX_FRONT_MATTER_LINES + 2:
        return (
            None,
            0,
            [
                TOO_LARGE(
                    display, 1, f"front matter is not closed within {MAX_FRONT_MATTER_LINES} lines"
                )
            ],
        )
    return (
        None,
        0,
        [
            UNTERMINATED(
                display,
                1,
                "front matter opened here is never closed",
                hint="add a `---` line after the last key",
            )
        ],
    )


def _parse_front_matter(
    source: str, display: str, offset: int
) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Parse front matter YAML; `offset` + 0-based YAML line = 1-based file line."""
    start_line = offset
    end_line = offset + source.count("\n") + 2
    try:
        try:
            problems = _screen_events(source, display, offset, _FastLoader)
            node = None if problems else yaml.compose(source, Loader=_FastLoader)
        except yaml.YAMLError:
            if _FastLoader is _Loader:
                raise
            problems = _screen_events(source, display, offset, _Loader)
            node = None if problems else yaml.compose(source, Loader=_Loader)
        if problems:
            return None, problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + mark.line + 1 if mark else start_line
        column = mark.column + 1 if mark else 1
        return None, [
            YAML_SYNTAX(display, line, f"YAML syntax error: {exc.problem or exc}", column=column)
        ]
    except yaml.YAMLError as exc:
        return None, [YAML_SYNTAX(display, start_line, f"YAML error: {exc}")]
    if not isinstance(node, yaml.MappingNode):
        kind = "empty" if node is None else f"a {_node_kind(node)}"
        line = start_line if node is None else offset + node.start_mark.line + 1
        return None, [
            NOT_MAPPING(
                display,
                line,
                f"front matter is {kind}, not a mapping of keys",
                hint="write `key: value` lines, starting with doc_id and type",
            )
        ]
    key_lines: dict[KeyPath, int] = {}
    diags = _check_keys(node, (), key_lines, display, offset)
    if diags:
        return None, diags
    data = _Loader("").construct_document(node)
    return FrontMatter(data=data, key_lines=key_lines, start_line=start_line, end_line=end_line), []


def _screen_events(source: str, display: str, offset: int, loader: type) -> list[Diagnostic]:
    """Reject aliases, anchors, foreign tags and deep nesting from the event stream, before
    any node is composed: an alias bomb is a few events here and is never expanded."""
    diags: list[Diagnostic] = []
    depth = 0
    for event in yaml.parse(source, Loader=loader):
        line = offset + event.start_mark.line + 1
        column = event.start_mark.column + 1
        if isinstance(event, yaml.AliasEvent):
            diags.append(
                ALIAS(
                    display,
                    line,
                    f"YAML alias `*{event.anchor}` is not allowed",
                    column=column,
                    hint="write the value out in full",
                )
            )
            continue
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            diags.append(
                ALIAS(
                    display,
                    line,
                    f"YAML anchor `&{anchor}` is not allowed",
                    column=column,
                    hint="remove the anchor; write values in full",
                )
            )
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            diags.append(
                TAG(
                    display,
                    line,
                    f"YAML tag `{tag}` is not allowed",
                    column=column,
                    hint="front matter holds plain strings, numbers, lists and maps",
                )
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return [
                    TOO_LARGE(
                        display,
                        line,
                        f"front matter nests deeper than {MAX_YAML_DEPTH} levels",
                        column=column,
                    )
                ]
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return diags


def _check_keys(
    node: yaml.Node, path: KeyPath, key_lines: dict[KeyPath, int], display: str, offset: int
) -> list[Diagnostic]:
    """Record the file line of every key and item; report duplicate and non-string keys."""
    diags: list[Diagnostic] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            line = offset + key_node.start_mark.line + 1
            column = key_node.start_mark.column + 1
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                diags.append(
                    NOT_MAPPING(display, line, "keys must be plain strings", column=column)
                )
                continue
            key_path = (*path, key_node.value)
            if key_path in key_lines:
                diags.append(
                    DUPLICATE_KEY(
                        display,
                        line,
                        f"duplicate key `{key_node.value}`",
                        column=column,
                        hint=f"first defined at line {key_lines[key_path]}; keep one of them",
                    )
                )
                continue
            key_lines[key_path] = line
            diags += _check_keys(value_node, key_path, key_lines, display, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key_lines[(*path, index)] = offset + item.start_mark.line + 1
            diags += _check_keys(item, (*path, index), key_lines, display, offset)
    return diags


def _node_kind(node: Any) -> str:
    return {yaml.SequenceNode: "list", yaml.ScalarNode: "scalar"}.get(type(node), "value")
