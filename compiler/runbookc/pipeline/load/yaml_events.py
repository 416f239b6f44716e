"""The front matter's YAML, parsed once into events that are screened before any value is
built (anchors, aliases, foreign tags, nesting depth, syntax errors: each a diagnostic at its
file line), then handed to the value builder (yaml_values.py)."""

from __future__ import annotations

from collections.abc import Callable

import yaml

from runbookc.diagnostics import Diagnostic
from runbookc.limits import MAX_YAML_DEPTH
from runbookc.lint.catalog.documents import (
    ALIAS,
    DUPLICATE_KEY,
    NOT_MAPPING,
    TAG,
    TOO_LARGE,
    YAML_SYNTAX,
)
from runbookc.model import FrontMatter
from runbookc.pipeline.load.frontmatter import FrontMatterSource
from runbookc.pipeline.load.yaml_values import Builder, Loader, event_kind

_UNCLOSED = ("while scanning a quoted scalar", "while parsing a flow")

# libyaml scans and parses front matter about 20x faster than PyYAML's pure-Python parser,
# with the same events, nodes and marks (character indexes). Its error messages are worded
# differently, so front matter it rejects is parsed again with Loader: the diagnostics are
# PyYAML's whichever parser is installed.
FASTEST_LOADER: type = Loader
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        yaml_implicit_resolvers = Loader.yaml_implicit_resolvers

    FASTEST_LOADER = _CLoader


def parse_front_matter(
    split: FrontMatterSource, display: str
) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """The front matter with the line of every key, or None and why; a duplicate key keeps
    its first value and is reported."""
    try:
        try:
            problems, events = _screened_events(split, display, FASTEST_LOADER)
        except yaml.YAMLError:
            if FASTEST_LOADER is Loader:
                raise
            problems, events = _screened_events(split, display, Loader)
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
        kind = "empty" if root is None else f"a {event_kind(root)}"
        line = 1 if root is None else split.start(root)[0]
        return None, [
            NOT_MAPPING(
                display,
                line,
                f"front matter is {kind}, not a mapping of keys",
                hint="write `key: value` lines, starting with doc_id and type",
            )
        ]
    builder = Builder(split, display, events, start=2)
    data = builder.value(())
    # A duplicate key keeps its first value and a value with a refused tag is None, so the
    # rest of the file is still validated and every problem is reported at once; any other
    # problem leaves no trustworthy value.
    tolerated = (DUPLICATE_KEY.code, TAG.code)
    if not isinstance(data, dict) or any(d.code not in tolerated for d in builder.diags):
        return None, builder.diags
    front = FrontMatter(
        data,
        builder.key_lines,
        start_line=1,
        end_line=split.close_line,
        refused=tuple(builder.refused),
    )
    return front, builder.diags


def _screened_events(
    split: FrontMatterSource, display: str, loader: type
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


def _syntax_error(exc: yaml.MarkedYAMLError, split: FrontMatterSource, display: str) -> Diagnostic:
    line, column, message = syntax_problem(exc, split.position)
    return YAML_SYNTAX(display, line, message, column=column)


def syntax_problem(
    exc: yaml.MarkedYAMLError, position: Callable[[int], tuple[int, int]]
) -> tuple[int, int, str]:
    """A YAML error as (line, column, message); `position` turns a character index of the
    YAML text into its file (line, column)."""
    problem = exc.problem or exc.context or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    line, column = position(mark.index) if mark else (1, 1)
    context = exc.context or ""
    # An unclosed quote or bracket is noticed far below it: point at where it opens.
    if exc.context_mark and context.startswith(_UNCLOSED):
        problem = f"{problem} at line {line}"
        line, column = position(exc.context_mark.index)
        context = f"{context} that starts here"
    message = f"YAML syntax error: {problem}" + (f" ({context})" if exc.problem and context else "")
    return line, column, message


def _screen_events(
    split: FrontMatterSource, display: str, loader: type
) -> tuple[list[Diagnostic], list[yaml.Event]]:
    """Reject anchors, aliases and deep nesting from the event stream, before any value is
    built: an alias bomb is a few events here and is never expanded, and parsing stops at
    the first level too deep. (A foreign tag is the builder's: it refuses that one value.)
    Returns the problems and the events read."""
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
