"""The registry of settings keys: every key the compiler reads, with its type, default and
meaning, declared by the module that reads it (`declare`, next to the read).

The registry is what checks a settings file (`check`: an unknown key or a wrong type is a
usage error naming its line) and what `runbookc config` prints (`reference`). Which
modules declare keys is listed in commands/settings.py, which imports them all before
either use; tests/test_config_keys.py holds that list and every read to the registry.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from runbookc.errors import ConfigError


class Kind(Enum):
    """A key's type as a settings file writes it."""

    STRING = "string"
    STRINGS = "list of strings"
    TABLE = "table"  # its keys are declared too: "scripts" holds "scripts.stub"
    MAP = "table of any keys"  # keys are data (a rule code, a role): its reader checks them

    def accepts(self, value: object) -> bool:
        if self is Kind.STRING:
            return isinstance(value, str)
        if self is Kind.STRINGS:
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        return isinstance(value, dict)


@dataclass(frozen=True)
class Key:
    name: str  # dotted from the settings table: "source", "scripts.stub"
    kind: Kind
    default: str | None  # TOML text of the default; None: unset by default
    meaning: str  # one line


_KEYS: dict[str, Key] = {}


def declare(*keys: Key) -> None:
    """Register keys (at import of the module that reads them). A key inside a table
    needs that table declared first; declaring a name twice is a programming error."""
    for key in keys:
        parent, _, _ = key.name.rpartition(".")
        assert not parent or _KEYS.get(parent, key).kind is Kind.TABLE, key.name
        assert key.name not in _KEYS or _KEYS[key.name] == key, f"{key.name} declared twice"
        _KEYS[key.name] = key


def declared() -> dict[str, Key]:
    """The keys declared so far (commands/settings.py imports every declaring module)."""
    return dict(_KEYS)


def check(table: Mapping[str, Any], keys: Mapping[str, Key], where: Callable[[str], str]) -> None:
    """Refuse the first key of `table` (a settings table, tables inside it checked too)
    that `keys` does not declare, or whose value has another type. `where(name)` is the
    place (file:line) of a dotted name, for the message."""
    for name, value in _flatten(table, keys, ""):
        key = keys.get(name)
        if key is None:
            siblings = [k for k in keys if k.rpartition(".")[0] == name.rpartition(".")[0]]
            close = difflib.get_close_matches(name, siblings, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (see `runbookc config`)"
            raise ConfigError(f"{where(name)}: unknown setting {name!r}{hint}")
        if not key.kind.accepts(value):
            raise ConfigError(
                f"{where(name)}: setting {name!r} must be a {key.kind.value}, "
                f"not {_toml_type(value)}"
            )


def _flatten(
    table: Mapping[str, Any], keys: Mapping[str, Key], prefix: str
) -> list[tuple[str, Any]]:
    """(dotted name, value) of every key in `table`, and of the keys of its declared tables."""
    found: list[tuple[str, Any]] = []
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        found.append((dotted, value))
        key = keys.get(dotted)
        if key is not None and key.kind is Kind.TABLE and isinstance(value, dict):
            found += _flatten(value, keys, f"{dotted}.")
    return found


def _toml_type(value: object) -> str:
    if isinstance(value, list):
        odd = next((v for v in value if not isinstance(v, str)), None)
        return f"an array holding {_toml_type(odd)}" if odd is not None else "an array"
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    return names.get(type(value), "a table" if isinstance(value, dict) else "a date or time")


def reference(keys: Mapping[str, Key]) -> str:
    """Every key as TOML with its default, its type and meaning in a comment above it:
    the top level first, then each table under its header (in the order declared). The
    text is itself a settings file that changes nothing."""
    out = [
        "# runbookc settings: the top level of runbookc.toml or .runbookc.toml, or the",
        "# [tool.runbookc] table of pyproject.toml. The nearest such file at or above the",
        "# working dir is used (or --config FILE); paths are relative to its folder.",
    ]
    tables = [k for k in keys.values() if k.kind is Kind.TABLE]
    for table in [None, *tables]:
        name = table.name if table else ""
        members = [k for k in keys.values() if k.kind is not Kind.TABLE]
        members = [k for k in members if k.name.rpartition(".")[0] == name]
        if table is not None:
            out += ["", *_comment(table.meaning), f"[{table.name}]"]
        for key in members:
            out += ["", *_comment(f"{key.kind.value}: {key.meaning}")]
            short = key.name.rpartition(".")[2]
            out.append(f"{short} = {key.default}" if key.default else f"# {short} = (unset)")
    return "\n".join(out) + "\n"


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=88, initial_indent="# ", subsequent_indent="# ")
