"""One simple command of a block: the program it runs after sudo/env/xargs..., its words,
the variables assigned before it and where its output and errors go."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import Source, node_text, parts
from runbookc.scripts.shellwords import WORD_TYPES, Word, read_word
from runbookc.scripts.toolclasses import knowledge, value_flags

if TYPE_CHECKING:
    from tree_sitter import Node

# Words that run the command after them (with their own flags in between).
PREFIXES = frozenset({"sudo", "command", "env", "time", "nohup", "exec", "nice", "timeout"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
# The nodes whose redirections may be a command's own (see _file_redirects).
_HOLDERS = frozenset({"redirected_statement", "pipeline", "list", "negated_command"})


@dataclass(frozen=True)
class Command:
    """One simple command: `tool` with its words (assignments and redirections left out)."""

    tool: str  # the program run, after prefixes such as sudo/env/xargs ("" for assignments)
    program: str  # that word as written, e.g. /usr/bin/kubectl
    words: tuple[Word, ...]
    line: int  # 0-based line in the block
    writes: tuple[str, ...]  # targets of its output redirections, as written
    silent: bool = False  # its stderr goes to /dev/null: a failure leaves no message
    runners: tuple[str, ...] = ()  # programs that run it, as written: sudo, env, xargs...
    argv: tuple[Word, ...] = ()  # every word, from the first runner (or the program) on
    env: tuple[str, ...] = ()  # names of the variables assigned before it (`LANG=C sort`)

    @property
    def label(self) -> str:
        return " ".join([self.tool, *(w.text for w in self.words[:2])]).strip()


def _argv(node: Node, kind: str, source: Source, redirects: list[Node]) -> list[Word]:
    """The words of a simple command, its program first (assignments before the program and
    redirections left out; a test's operators and brackets are words, as in `[ a = b ]`).
    `redirects`: the command's file redirections (see _file_redirects)."""
    if kind == "command":
        name = node.child_by_field_name("name")
        nodes = [name] if name is not None else []
        nodes += node.children_by_field_name("argument")  # in source order, after the name
        # tree-sitter-bash reads the words after a redirection (`kubectl 2>/dev/null
        # delete pod x`) as more targets of it; bash, as arguments
        stray = [
            word
            for redirect in redirects
            for word in redirect.children_by_field_name("destination")[1:]
        ]
        if stray:
            nodes += stray
            nodes.sort(key=lambda part: part.start_byte)
    elif kind in ("variable_assignment", "variable_assignments"):
        nodes = []
    else:
        nodes = list(_flat_words(node))
    return [read_word(p, source) for p in nodes]


def _flat_words(node: Node) -> Iterator[Node]:
    for child in node.children:
        if child.type in WORD_TYPES or child.type == "variable_assignment" or not child.is_named:
            yield child
        elif child.type not in _REDIRECTS and child.type != "comment":
            yield from _flat_words(child)


@cache
def _runner_value_flags() -> dict[str, frozenset[str]]:
    """Per runner, its flags that take a value, from the packaged knowledge base (as the
    sandbox's runner stubs skip them): which word is the program does not depend on a
    team's additions, which judge commands, not where a runner's flags end."""
    patterns = knowledge().patterns
    return {tool: value_flags(tool, patterns) for tool in (*PREFIXES, "xargs")}


def _split_runners(words: list[Word]) -> tuple[tuple[str, ...], str, list[Word]]:
    """(the sudo/env/xargs... words that run the program, the program, its arguments)."""
    runners: list[str] = []
    while words:
        tool = words[0].text.rsplit("/", 1)[-1]
        rest = words[1:]
        if tool in PREFIXES or tool == "xargs":
            takes = _runner_value_flags()[tool]
            i = 0
            while i < len(rest) and (rest[i].text.startswith("-") or "=" in rest[i].text):
                i += 2 if rest[i].text in takes else 1
            if tool == "timeout" and i < len(rest):
                i += 1  # the duration
            if i < len(rest):
                runners.append(words[0].text)
                words = rest[i:]
                continue
        return tuple(runners), words[0].text, rest
    return tuple(runners), "", []


def read_command(node: Node, source: Source, above: str | None = None) -> Command:
    """`above`: the type of the node's parent when the caller knows it (asking the node
    for its parent makes tree-sitter walk down from the root)."""
    kind = node.type
    file_redirects = _file_redirects(node, above)
    argv = _argv(node, kind, source, file_redirects)
    runners, program, words = _split_runners(argv)
    redirects = _redirects(file_redirects, source)
    writes = tuple(target for op, _, target in redirects if _writes(op, target))
    env = (
        tuple(
            node_text(name)
            for child in node.children
            if child.type == "variable_assignment"
            and (name := child.child_by_field_name("name")) is not None
        )
        if kind == "command"
        else ()
    )
    tool = program.rsplit("/", 1)[-1]
    return Command(
        tool,
        program,
        tuple(words),
        source.row(node.start_byte),
        writes,
        _silent(redirects),
        runners,
        tuple(argv) if kind != "variable_assignment" else (),
        env,
    )


def _writes(op: str, target: str) -> bool:
    """Whether a redirection opens a file for writing (`>&2` and `>&-` do not: they copy
    or close a descriptor)."""
    if op == ">&":
        return bool(target) and not target.isdigit() and target != "-"
    return op in (">", ">>", ">|", "&>", "&>>") and bool(target)


def _file_redirects(node: Node, above: str | None) -> list[Node]:
    """A simple command's file redirections: its own, those after it (on it, or on the
    pipeline or list it ends: tree-sitter-bash hangs them there, issue #345) and those on
    a here-document's line. `above`: the parent's type, if known."""
    found = [c for c in node.children if c.type in _REDIRECTS]
    # most commands are a statement of their own: no need to ask for the parent
    inner, outer = node, node.parent if above is None or above in _HOLDERS else None
    while outer is not None:
        kind = outer.type
        if kind == "redirected_statement" and outer.child_by_field_name("body") == inner:
            found += [c for c in outer.children if c.type in _REDIRECTS]
        elif kind not in ("pipeline", "list", "negated_command") or parts(outer)[-1] != inner:
            break
        inner, outer = outer, outer.parent
    return [f for r in found for f in [r, *r.children] if f.type == "file_redirect"]


def _redirects(file_redirects: list[Node], source: Source) -> list[tuple[str, int | None, str]]:
    """(operator, file descriptor, target as written) of a command's file redirections."""
    out = []
    for redirect in file_redirects:
        op = next((c.type for c in redirect.children if not c.is_named), "")
        fd = redirect.child_by_field_name("descriptor")
        target = redirect.child_by_field_name("destination")
        out.append(
            (
                op,
                int(node_text(fd)) if fd is not None and node_text(fd).isdigit() else None,
                read_word(target, source).text if target is not None else "",
            )
        )
    return out


def _silent(redirects: list[tuple[str, int | None, str]]) -> bool:
    """Whether the command's stderr is sent to /dev/null (2>/dev/null, &>/dev/null, ...)."""
    targets = {1: "", 2: ""}
    for op, fd, target in redirects:
        if op in ("&>", "&>>"):
            targets[1] = targets[2] = target
        elif op in (">", ">>", ">|"):
            targets[fd if fd in (1, 2) else 1] = target
        elif op == ">&" and fd == 2 and target == "1":
            targets[2] = targets[1]
    return targets[2] == "/dev/null"
