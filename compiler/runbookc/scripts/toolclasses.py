"""What the compiler knows about tools: the knowledge base `tools.toml` (package data) and
the teams' additions in `[tool.runbookc.scripts.tools]`, turned into the command-class
patterns that commandclass.py reads (the same ones teams write in read_only / mutating):

    "tool"                 the tool with no subcommand
    "tool verb [sub]"      a subcommand (a word may be a glob: "aws * describe-*")
    "tool [verb] -f"       a flag without a value (for that subcommand, else for the tool)
    "tool [verb] -f *"     a flag taking a value (`* *`: two values), any value
    "tool [verb] -f VALUE" a flag with this value ("curl -X GET")
    "tool [verb] --f=*"    a flag whose value is optional and attached (`--color=auto`)
    "tool [verb] -#"       a number as a flag (`head -5`)
    "tool [verb] ..."      any further words

The schema of an entry is documented at the top of tools.toml. A command is read-only only
when every word of it is covered by read-only patterns (see commandclass.py); a word no
pattern covers makes it unknown, a changing one a change.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

READ_ONLY, MUTATING, UNKNOWN = "read-only", "mutating", "unknown"

# Where writing is not a change: the streams the step's output already goes to.
STREAMS = frozenset({"-", "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2"})

# How a wrapper finds the command it runs (commandclass.py reads each kind).
WRAPPERS = frozenset({"plain", "duration", "env", "command", "xargs", "watch"})
# What a subcommand's positional words mean, besides names of things to read.
CHECKS = frozenset(
    {"bare", "sets", "clock", "files", "assign", "second-file"}
    | {"awk", "sed", "sql", "curl", "saves", "wget"}
)
_ENTRY_KEYS = frozenset({"about", "like", "flags", "read", "change", "values", "check"})
_ENTRY_KEYS |= {"wrapper", "fold", "runs"}


class KnowledgeError(ValueError):
    """An entry that does not follow the schema (the message names the tool and key)."""


@dataclass(frozen=True)
class ToolTraits:
    """What a tool's patterns cannot say."""

    wrapper: str = ""  # a WRAPPERS kind: it runs the command after its own flags
    fold: bool = False  # its subcommands are matched ignoring case (redis-cli INFO)
    checks: tuple[tuple[tuple[str, ...], str], ...] = ()  # (subcommand path, a CHECKS name)
    # subcommand path -> the positional words before the command it runs (-1: after `--`)
    runs: tuple[tuple[tuple[str, ...], int], ...] = ()
    like: str = ""  # the tool whose entry this one starts from (gawk: awk)


@dataclass(frozen=True)
class Knowledge:
    patterns: dict[str, str]  # pattern -> READ_ONLY | MUTATING
    traits: dict[str, ToolTraits]
    tools: frozenset[str]  # every tool named: an entry, or in `reading` or `changing`


def packaged() -> dict[str, Any]:
    """The knowledge base shipped in the package."""
    text = files("runbookc.scripts").joinpath("tools.toml").read_text("utf-8")
    return tomllib.loads(text)


def knowledge(extra: Mapping[str, Any] | None = None) -> Knowledge:
    """The packaged knowledge base with `extra` (a team's tools table, same schema) on top:
    a team's entry for a known tool extends it, and its verdicts win."""
    base = packaged()
    entries: dict[str, dict[str, Any]] = dict(base["tools"])
    for tool, entry in (extra or {}).items():
        _check(tool, entry)
        entries[tool] = _merge(entries.get(tool, {}), entry)
    patterns: dict[str, str] = {}
    for tool in base["reading"]:
        patterns[f"{tool} ..."] = READ_ONLY
    for tool in base["changing"]:
        patterns[tool] = MUTATING
    traits: dict[str, ToolTraits] = {}
    for tool in entries:
        entry = _resolve(tool, entries, ())
        patterns |= _patterns(tool, entry)
        traits[tool] = ToolTraits(
            entry.get("wrapper", ""),
            entry.get("fold", False),
            tuple((tuple(path.split()), name) for path, name in entry.get("check", {}).items()),
            tuple(
                (tuple(path.split()), -1 if where == "--" else int(where))
                for path, where in entry.get("runs", {}).items()
            ),
            entries[tool].get("like", ""),
        )
    return Knowledge(patterns, traits, frozenset((*base["reading"], *base["changing"], *entries)))


def value_flags(tool: str, patterns: Iterable[str]) -> frozenset[str]:
    """The flags of `tool` itself that take a value, from its "tool -f *" patterns
    (`sudo -u *`: the word after `-u` is a user, not the program sudo runs)."""
    return frozenset(
        words[1]
        for pattern in patterns
        if len(words := pattern.split()) == 3 and words[0] == tool and words[2] == "*"
    )


def _check(tool: str, entry: object) -> None:
    where = f"tools.{tool}"
    if not isinstance(entry, dict):
        raise KnowledgeError(f"{where} must be a table")
    if not tool or tool.startswith("-") or any(c.isspace() for c in tool):
        raise KnowledgeError(f"{where}: {tool!r} is not a program name")
    for key, value in entry.items():
        if key not in _ENTRY_KEYS:
            raise KnowledgeError(f"{where}: unknown key {key!r} (one of {sorted(_ENTRY_KEYS)})")
        if key in ("about", "like", "flags", "wrapper") and not isinstance(value, str):
            raise KnowledgeError(f"{where}.{key} must be a string")
        if key == "fold" and not isinstance(value, bool):
            raise KnowledgeError(f"{where}.fold must be true or false")
        if key == "change" and not (
            isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise KnowledgeError(f"{where}.change must be a list of subcommands and flags")
        if key in ("read", "values", "check", "runs") and not (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        ):
            raise KnowledgeError(f"{where}.{key} must be a table of strings")
    if entry.get("wrapper", "plain") not in WRAPPERS:
        raise KnowledgeError(f"{where}.wrapper must be one of {sorted(WRAPPERS)}")
    for path, at in entry.get("runs", {}).items():
        if at != "--" and not at.isdigit():
            raise KnowledgeError(f"{where}.runs {path!r}: {at!r} is not `--` or a number")
    for path, name in entry.get("check", {}).items():
        if name not in CHECKS:
            raise KnowledgeError(f"{where}.check {path!r}: {name!r} is not one of {sorted(CHECKS)}")
    for path in entry.get("read", {}):
        if "..." in path.split() or any(w.startswith("-") for w in path.split()):
            raise KnowledgeError(f"{where}.read {path!r}: a key is a subcommand path")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` on top of `base`: flags and change lists add up, tables merge key by key,
    the other keys are replaced; a subcommand `extra` reads is no longer changing in `base`
    and the other way round (its verdict wins)."""
    out = dict(base)
    reads = set(extra.get("read", {}))
    changes = {" ".join(w.split()) for w in extra.get("change", [])}
    out["change"] = [w for w in base.get("change", []) if " ".join(w.split()) not in reads]
    out["read"] = {p: f for p, f in base.get("read", {}).items() if p not in changes}
    for key, value in extra.items():
        if key == "flags":
            out[key] = f"{base.get(key, '')} {value}"
        elif key == "change":
            out[key] = [*out[key], *value]
        elif key in ("read", "values", "check", "runs"):
            out[key] = {**out.get(key, {}), **value}
        else:
            out[key] = value
    return out


def _resolve(tool: str, entries: dict[str, dict[str, Any]], seen: tuple[str, ...]) -> dict:
    """The entry with what it is `like` under it."""
    entry = entries[tool]
    _check(tool, entry)
    like = entry.get("like")
    if like is None:
        return entry
    if like not in entries or like in seen:
        raise KnowledgeError(f"tools.{tool}.like: {like!r} is not another known tool")
    return _merge(_resolve(like, entries, (*seen, tool)), entry)


def _patterns(tool: str, entry: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    flags = entry.get("flags", "")
    if flags.strip():
        out |= _read(tool, flags)
        del out[tool]  # tool-wide flags do not make the tool alone read-only
    for path, own in entry.get("read", {}).items():
        prefix = " ".join([tool, *path.split()])
        if own.strip() == "...":
            out[f"{prefix} ..."] = READ_ONLY
        else:
            out |= _read(prefix, own)
    for key, listed in entry.get("values", {}).items():
        out |= {f"{tool} {key} {value}": READ_ONLY for value in listed.split()}
    for words in entry.get("change", []):
        out[" ".join([tool, *words.split()])] = MUTATING
    return out


def _read(prefix: str, flags: str) -> dict[str, str]:
    """`prefix` read-only, with its read-only flags: each `-f` of `flags` followed by one `*`
    per value word it takes."""
    keys = [prefix]
    for token in flags.split():
        if token == "*":
            keys[-1] += " *"
        else:
            keys.append(f"{prefix} {token}")
    return dict.fromkeys(keys, READ_ONLY)
