"""The front matter value, built from its screened YAML events as `yaml.compose` and the
loader's constructors would, with the file line of every key and list item."""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

import yaml

from runbookc.diagnostics import Diagnostic
from runbookc.limits import MAX_INT_DIGITS
from runbookc.lint.catalog.documents import DUPLICATE_KEY, NOT_MAPPING, TAG, TOO_LARGE
from runbookc.model import KeyPath
from runbookc.pipeline.load.frontmatter import FrontMatterSource

YAML = "tag:yaml.org,2002:"
SCALAR_TAGS = frozenset(YAML + name for name in ("str", "int", "float", "bool", "null"))
_STANDARD_TAGS = SCALAR_TAGS | {YAML + "seq", YAML + "map"}
# Implicit types that front matter does not use: dates stay strings so the schema's
# `format: date` reports `2026-02-30` at its key; `=` and `<<` stay plain strings.
_DROPPED_RESOLVERS = frozenset(YAML + name for name in ("timestamp", "value", "merge"))


class Loader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp, value and merge types."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED_RESOLVERS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def _scalar_loader() -> Loader:
    """One loader for every document, only to resolve implicit tags and construct scalars:
    neither keeps state (no path resolvers; constructors are called directly)."""
    return Loader("")


@lru_cache(maxsize=4096)  # pure, and front matter repeats its keys and values
def _implicit_tag(kind: type[yaml.Node], value: str | None, implicit: tuple[bool, bool]) -> str:
    """The tag the loader resolves a node without one to (by its regexes, for a scalar)."""
    return str(_scalar_loader().resolve(kind, value, implicit))


class Builder:
    """Builds the front matter value from the screened events of its document, as
    `yaml.compose` and then the loader's constructor would, recording the file line of
    every key and list item, and reporting duplicate keys, non-string keys and misused
    tags. Screening bounds the nesting depth and leaves no anchor or alias."""

    def __init__(
        self, split: FrontMatterSource, display: str, events: list[yaml.Event], start: int
    ) -> None:
        self.split = split
        self.display = display
        self.key_lines: dict[KeyPath, int] = {}
        self.diags: list[Diagnostic] = []
        self.refused: list[KeyPath] = []  # values whose tag was refused: None in the data
        self._events = events
        self._next = start  # index of the next event to read
        self._loader = _scalar_loader()

    def value(self, path: KeyPath) -> Any:
        """The value of the node whose first event is next; reads up to its last event."""
        event = self._take()
        if isinstance(event, yaml.ScalarEvent):
            tag = self._tag(event, yaml.ScalarNode)
            if tag in SCALAR_TAGS:
                return self._scalar(event, tag, path)
        elif isinstance(event, yaml.MappingStartEvent):
            tag = self._tag(event, yaml.MappingNode)
            if tag == YAML + "map":
                return self._mapping(path)
        else:
            tag = self._tag(event, yaml.SequenceNode)
            if tag == YAML + "seq":
                return self._sequence(path)
        # A foreign tag (`!!binary`, `!!python/...`) or a standard one on the wrong kind of
        # node: the value is never constructed, only reported and left out (None).
        self._skip(event)
        self.refused.append(path)
        if tag in _STANDARD_TAGS:
            self._report(
                TAG, event, f"YAML tag `{short_tag(tag)}` does not fit a {event_kind(event)}"
            )
        else:
            self._report(
                TAG,
                event,
                f"YAML tag `{short_tag(tag)}` is not allowed",
                "front matter holds plain strings, numbers, lists and maps",
            )
        return None

    def _mapping(self, path: KeyPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not isinstance(self._events[self._next], yaml.MappingEndEvent):
            key_event = self._take()
            line, _ = self._where(key_event)
            scalar = key_event if isinstance(key_event, yaml.ScalarEvent) else None
            key_tag = self._tag(scalar, yaml.ScalarNode) if scalar is not None else None
            if scalar is None or key_tag != YAML + "str":
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

    def _scalar(self, event: yaml.ScalarEvent, tag: str, path: KeyPath) -> Any:
        kind = tag.removeprefix(YAML)
        if kind == "int" and len(event.value) > MAX_INT_DIGITS:
            self._report(TOO_LARGE, event, f"number has {len(event.value)} digits")
            return None
        if kind == "str":
            return event.value  # what the loader's str constructor returns
        # The marks may be libyaml's, which the constructors read as PyYAML's (see yaml_events.py).
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]
        try:
            # The tag's constructor, as construct_object would call it, without its memo.
            return Loader.yaml_constructors[tag](self._loader, node)
        except (ValueError, KeyError, IndexError, yaml.YAMLError):  # IndexError: `!!int ""`
            self._report(TAG, event, f"`{event.value[:40]}` is not a valid {kind}")
            self.refused.append(path)
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
        kind = tag.removeprefix(YAML)
        return (
            f"key `{event.value}` is read as {kind}, not a string",
            f'quote it: "{event.value}"',
        )
    return "keys must be plain strings", "use a plain word as the key"


def short_tag(tag: str) -> str:
    """A tag as authors write it: `!!python/object` rather than its full URI."""
    return "!!" + tag.removeprefix(YAML) if tag.startswith(YAML) else tag


def event_kind(event: yaml.Event) -> str:
    """What the node that `event` starts is."""
    kinds: dict[type[yaml.Event], str] = {
        yaml.SequenceStartEvent: "list",
        yaml.MappingStartEvent: "mapping",
    }
    return kinds.get(type(event), "scalar")
