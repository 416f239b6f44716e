"""How the stub calls of a unit (a top-level command of a block) reach the script, read
from the syntax tree the way bash runs it:

- a command that is a stage of the unit's own pipeline runs once, and the script reads its
  exit status (`rb_check` gets `PIPESTATUS`);
- one inside `$(...)` or `<(...)` runs once, but bash drops its status, except for
  `NAME=$(... | cmd)` alone, whose status is that of the substitution's last stage;
- one inside a loop, an `if`/`case` branch, a function, a `( )`/`{ }` group or an `&&`/`||`
  list inside a substitution runs any number of times, so neither its calls nor the
  step's exit status can be predicted; so does one that `xargs -r`, `-n`, `-L` or `-I`
  runs (its input decides how often: `... | xargs -r kubectl delete` never runs on none).

A real tool given a host path (`cat /proc/mdstat`) reads the machine the test runs on, not
what the stubs print: its status says nothing about the block either.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import Source, parse, parts, walk
from runbookc.scripts.shellcommands import Command, read_command
from runbookc.scripts.shellparse import Unit

if TYPE_CHECKING:
    from tree_sitter import Node

# Nodes whose commands may run any number of times (0, 1, n).
_REPEATS = frozenset(
    {
        "while_statement",
        "for_statement",
        "c_style_for_statement",
        "if_statement",
        "case_statement",
        "function_definition",
        "subshell",
        "compound_statement",
    }
)
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_COMMANDS = frozenset({"command", "declaration_command", "test_command"})
# Host paths a real tool may name without reading the machine the test runs on, and the
# tools that only print their words.
_NOT_HOST = frozenset({"/dev/null", "/dev/stdin", "/dev/stdout", "/dev/stderr"})
_PRINTERS = frozenset({"echo", "printf"})
# xargs flags after which its input decides how often the command runs (-r: maybe never).
_XARGS_COUNTS: tuple[str, ...] = ("-r", "--no-run-if-empty", "-n", "--max-args", "-L")
_XARGS_COUNTS += ("--max-lines", "-l", "-I", "-i", "--replace")


@dataclass(frozen=True)
class Reach:
    """A unit's stubbed commands by how they run (tools, each call once in the list)."""

    direct: tuple[str, ...] = ()  # stages of the unit's pipeline
    hidden: tuple[str, ...] = ()  # in a substitution: once, status dropped
    repeated: tuple[str, ...] = ()  # in a loop, branch or group: 0..n times
    propagated: bool = False  # `NAME=$(... | stub)` alone: the stub's status is the unit's
    host: bool = False  # a real tool reads a host path

    @property
    def predictable(self) -> bool:
        """Whether the unit's calls and statuses follow from the block alone."""
        return not self.repeated and not self.host


def reaches(content: str, units: Sequence[Unit], stubs: frozenset[str]) -> list[Reach]:
    """How each unit's stubbed commands run (`content`: the block, `units`: some of its
    units, in order)."""
    return list(_reaches(content, tuple(units), stubs))


@lru_cache(maxsize=1024)
def _reaches(content: str, units: tuple[Unit, ...], stubs: frozenset[str]) -> tuple[Reach, ...]:
    source = Source(content)
    root = parse(source).nodes[0]
    statements = parts(root)
    return tuple(
        _reach(
            [n for n in statements if unit.start <= source.pos(n.start_byte) < unit.end],
            source,
            stubs,
        )
        for unit in units
    )


def _reach(statements: list[Node], source: Source, stubs: frozenset[str]) -> Reach:
    direct: list[str] = []
    hidden: list[str] = []
    repeated: list[str] = []
    host = False
    for node in _commands(statements):
        command = read_command(node, source)
        if command.tool not in stubs:
            host = host or _reads_host(command)
            continue
        how = "repeated" if _xargs_repeats(command) else _how(node)
        {"direct": direct, "hidden": hidden, "repeated": repeated}[how].append(command.tool)
    propagated = len(statements) == 1 and _propagates(statements[0], source, stubs)
    return Reach(tuple(direct), tuple(hidden), tuple(repeated), propagated, host)


def _xargs_repeats(command: Command) -> bool:
    """Whether an xargs runs the command a number of times its input decides: none on
    empty input with -r, one per line or item with -L, -n, -I."""
    words = [w.text for w in command.argv]
    for at, word in enumerate(words):
        if word.rsplit("/", 1)[-1] == "xargs":
            flags = itertools.takewhile(lambda w: w.startswith("-"), words[at + 1 :])
            return any(f.startswith(_XARGS_COUNTS) for f in flags)
    return False


def _reads_host(command: Command) -> bool:
    if command.tool in _PRINTERS:
        return False
    return any(w.text.startswith("/") and w.text not in _NOT_HOST for w in command.words)


def _commands(statements: list[Node]) -> Iterator[Node]:
    for statement in statements:
        for node in walk(statement):
            if node.type in _COMMANDS:
                yield node


def _how(node: Node) -> str:
    """ "direct", "hidden" or "repeated": see the module's docstring. An `&&`/`||` list
    outside any substitution is the unit's own (shellparse makes it a compound unit, or a
    tolerated `... || true`), so only one inside a substitution counts here."""
    in_list = hidden = False
    above = node.parent
    while above is not None:
        kind = above.type
        if kind in _REPEATS:
            return "repeated"
        if kind == "list":
            in_list = True
        elif kind in _SUBSTITUTIONS:
            if in_list:
                return "repeated"
            hidden, in_list = True, False
        above = above.parent
    return "hidden" if hidden else "direct"


def _propagates(statement: Node, source: Source, stubs: frozenset[str]) -> bool:
    """`NAME=$(... | stub)` alone: bash gives the assignment the status of the command
    substitution, which is that of its pipeline's last stage."""
    if statement.type != "variable_assignment":
        return False
    substitutions = [n for n in walk(statement) if n.type == "command_substitution"]
    if len(substitutions) != 1:
        return False
    inner = parts(substitutions[0])
    if len(inner) != 1:
        return False
    last = parts(inner[0])[-1] if inner[0].type == "pipeline" else inner[0]
    return last.type == "command" and read_command(last, source).tool in stubs
