"""A shell block as the compiler sees it: its top-level commands (units), the simple commands
inside them and their pipeline stages (read from the syntax tree of tree-sitter-bash, see
bashtree.py; no regexes on lines). A command's words: shellcommands.py, shellwords.py;
$parameter references: shellparams.py; grep patterns: greppatterns.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import (
    Source,
    Tree,
    first_problem,
    node_text,
    parsed,
    parts,
    placeholder,
    walk,
)
from runbookc.scripts.shellcommands import Command, read_command
from runbookc.scripts.shellparams import param_refs
from runbookc.scripts.shellwords import EXPANSIONS, NAME, SUBSTITUTIONS, WORD_TYPES, dequote

if TYPE_CHECKING:
    from tree_sitter import Node

_TOLERATORS = frozenset({"true", ":"})
_NOT_LITERAL = SUBSTITUTIONS | EXPANSIONS | {"array"}  # an assignment's value with these
_HEREDOC_PARTS = frozenset(
    {"<<", "<<-", "heredoc_start", "heredoc_body", "heredoc_end", "file_redirect", "comment"}
)
# Simple commands as the compiler counts them: `[[ ]]` and `(( ))` are tests, assignments
# alone are commands without a program.
_SIMPLE = frozenset(
    {
        "command",
        "declaration_command",
        "unset_command",
        "test_command",
        "variable_assignment",
        "variable_assignments",
    }
)


@dataclass(frozen=True)
class Unit:
    """A top-level command of the block, what the script runs and checks as one."""

    start: int  # character offsets in the block of the text to run
    end: int
    line: int  # 0-based first line in the block
    kind: str  # "assign" | "run" | "tolerated" (`... || true`) | "compound"
    stages: tuple[str, ...]  # tool of each pipeline stage ("run"/"tolerated" only)
    commands: tuple[Command, ...]  # every simple command inside, nested ones included
    refs: tuple[tuple[int, int, str], ...]  # (start, end, name) of $parameter words/spans
    shown_end: int  # end of the text as written (a tolerated unit's `|| true` included)
    assignment: tuple[str, str] | None = None  # (name, literal value) of `name=value`


@dataclass(frozen=True)
class ParsedBlock:
    units: tuple[Unit, ...]
    error: str = ""  # why the parser could not read it ("" when it could)
    error_line: int = 0  # 0-based line in the block


@lru_cache(maxsize=8192)
def parse_block(content: str) -> ParsedBlock:
    """Cached: runbooks repeat their blocks."""
    tree, source = parsed(content)
    hole = placeholder(tree, source.data)
    problem = first_problem(tree, source.data) if hole is None else _placeholder_problem(*hole)
    if problem is not None:
        message, offset = problem
        body = content.rstrip("\n")
        unit = Unit(0, len(body), 0, "compound", (), (), (), len(body))
        return ParsedBlock((unit,), message, source.row(offset))
    units = (_unit(group, span, tree, source) for group, span in _groups(tree, source))
    return ParsedBlock(tuple(units))


def _placeholder_problem(text: str, offset: int) -> tuple[str, int]:
    return (
        f"`{text}` is a placeholder to fill in, not shell (bash reads its `<` and `>` as "
        "redirections)",
        offset,
    )


# ---- units ----


def _groups(tree: Tree, source: Source) -> Iterator[tuple[list[Node], range]]:
    """The top-level commands as bash's parser reads them: statements joined by `;` or `&`
    on one line are one list; the separators are kept in the group. Each comes with the
    indices in `tree.nodes` of its nodes (their subtrees follow each other there)."""
    group: list[Node] = []
    start = end = index = 1  # the root's children, and their subtrees, follow it in tree.nodes
    for child in tree.nodes[0].children:
        at, index = index, index + child.descendant_count
        kind = tree.kinds[at]
        if kind == "comment":
            continue
        if not child.is_named:  # `;` or `&` (not one _parse wrote)
            if group and source.original[child.start_byte : child.end_byte] == kind.encode():
                group.append(child)
                end = index
            continue
        if group and not _joined(group[-1], child, source):
            yield group, range(start, end)
            group = []
        if not group:
            start = at
        group.append(child)
        end = index
    if group:
        yield group, range(start, end)


def _joined(previous: Node, statement: Node, source: Source) -> bool:
    """Whether `statement` goes on the list `previous` ends: a `;` or `&` between them,
    and no newline."""
    between = source.original[previous.end_byte : statement.start_byte]
    return not previous.is_named and b"\n" not in between


def _unit(group: list[Node], span: range, tree: Tree, source: Source) -> Unit:
    first, last = group[0], group[-1]
    start, end = source.pos(first.start_byte), source.pos(last.end_byte)
    row = source.row(first.start_byte)
    simples, words = _scan(tree, span)
    # every expansion starts with `$`; a node's children lie inside its bytes
    expands = source.original.find(b"$", first.start_byte, last.end_byte) >= 0
    refs = tuple(ref for word in words for ref in param_refs(word, tree, source)) if expands else ()
    # by node: a unit looks its pipeline stages up here rather than read their words again
    found = {
        tree.nodes[at]: read_command(tree.nodes[at], source, tree.aboves[at]) for at in simples
    }
    commands = tuple(found.values())
    if len(group) > 2 or (len(group) == 2 and last.type != ";"):
        return Unit(start, end, row, "compound", (), commands, refs, end)
    # One statement, maybe with a `;` after it: the text to run keeps the `;`, the text
    # shown stops before it.
    statement = first
    shown_end = source.pos(statement.end_byte)
    pipelines, operators = _and_or(statement)
    if len(pipelines) == 1 and _plain(pipelines[0]):
        stages = pipelines[0]
        assignment = _literal_assignment(statement, source)
        if assignment is not None:
            return Unit(start, shown_end, row, "assign", (), commands, refs, shown_end, assignment)
        tools = tuple(_stage_tool(n, found) for n in stages)
        return Unit(start, end, row, "run", tools, commands, refs, shown_end)
    if operators == ["||"] and _tolerator(pipelines[1], found) and _plain(pipelines[0]):
        stages = pipelines[0]
        before = pipelines[1][0].start_byte
        # the pipeline ends at the `||` (its last redirection may sit outside its last stage)
        operator = source.original.rfind(b"||", stages[-1].start_byte, before)
        left_end = source.pos(len(source.original[:operator].rstrip(b" \t\n\\")))
        tools = tuple(_stage_tool(n, found) for n in stages)
        kept = tuple(command for node, command in found.items() if node.start_byte < before)
        return Unit(start, left_end, row, "tolerated", tools, kept, refs, end)
    # `a && b;` is shown with its `;` (as bashlex, the parser before, did)
    shown = end if len(pipelines) > 1 else shown_end
    return Unit(start, end, row, "compound", (), commands, refs, shown)


# tree-sitter-bash nests a statement's pipelines and lists in ways bash does not: it
# reads `a | b | c || true` as `a | (b | c || true)` and `a 2>&1 | b >f | c` as
# `((a 2>&1 | b) >f) | c`, hangs a redirection after a list or pipeline on all of it
# (its issue #345) and puts the rest of a here-document's line inside the redirection.
# Bash's own grammar is flat: pipelines joined by && and ||, each a chain of commands
# joined by |. _and_or reads that back from the commands and operators in source order.
_CHAIN = frozenset({"|", "|&", "&&", "||"})


def _and_or(statement: Node) -> tuple[list[list[Node]], list[str]]:
    """The statement's pipelines, each a list of its stages, and the && and || between.
    A pipeline negated with `!` is an empty list: its statuses cannot be read."""
    pipelines: list[list[Node]] = [[]]
    operators: list[str] = []
    negated = [False]
    for item in _sequence(statement):
        if not isinstance(item, str):
            pipelines[-1].append(item)
        elif item in ("&&", "||"):
            pipelines.append([])
            operators.append(item)
            negated.append(False)
        elif item == "!":
            negated[-1] = True
    return [[] if n else p for p, n in zip(pipelines, negated, strict=True)], operators


def _sequence(node: Node) -> list[Node | str]:
    """The commands of a statement and the operators between them, in source order."""
    kind = node.type
    body = node.child_by_field_name("body") if kind == "redirected_statement" else None
    if kind in ("pipeline", "list") or (
        body is not None and body.type in ("pipeline", "list", "negated_command")
    ):
        out: list[Node | str] = []
        for child in node.children if body is None else [body]:
            child_kind = child.type
            if child_kind in _CHAIN:
                out.append(child_kind)
            elif child.is_named and child_kind != "comment":
                out += _sequence(child)
        return out
    if kind == "negated_command":
        return ["!", *(item for part in parts(node) for item in _sequence(part))]
    out = [node]
    if kind == "redirected_statement":
        for part in _after_heredoc(node):  # `cat <<EOF | kubectl apply -f -`
            out += [part.type] if part.type in _CHAIN else _sequence(part)
    return out


def _plain(stages: list[Node]) -> bool:
    """A pipeline whose stages' statuses the script can read: one simple command, or
    several commands without `!` (`! a | b` is not one)."""
    if len(stages) == 1:
        return _simple(stages[0]) is not None
    return bool(stages)


def _tolerator(stages: list[Node], found: dict[Node, Command]) -> bool:
    """`true` or `:` alone: `PIPELINE || true` is the author's way to accept any status."""
    simple = _simple(stages[0]) if len(stages) == 1 else None
    command = found[simple] if simple is not None else None
    return (
        command is not None
        and not command.runners
        and not command.words
        and command.program in _TOLERATORS
    )


def _simple(node: Node) -> Node | None:
    """The simple command a statement is (unwrapping its redirections), None if it is not."""
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        return _simple(body) if body is not None else None
    return node if _is_simple(node, node.type) else None


def _is_simple(node: Node, kind: str) -> bool:
    """Whether `node` (of type `kind`, read once by the caller: type is not free) is a
    simple command; `(( expression ))` counts, like `[[ ]]` (tree-sitter calls it a compound
    statement)."""
    return kind in _SIMPLE or (
        kind == "compound_statement" and node.child_count > 0 and node.children[0].type == "(("
    )


def _after_heredoc(statement: Node) -> list[Node]:
    """The rest of a here-document's first line (`| kubectl apply -f -`, `&& echo done`):
    tree-sitter-bash puts it inside the here-document redirection of the statement."""
    return [
        part
        for redirect in statement.children
        if redirect.type == "heredoc_redirect"
        for part in redirect.children
        if part.type not in _HEREDOC_PARTS
    ]


def _stage_tool(node: Node, found: dict[Node, Command]) -> str:
    simple = _simple(node)
    return found[simple].tool if simple is not None else ""


def _literal_assignment(node: Node, source: Source) -> tuple[str, str] | None:
    """(name, value) of `name=value` when the value holds no expansion."""
    if node.type != "variable_assignment" or node.child_count < 2 or node.children[1].type != "=":
        return None
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None or name.type != "variable_name" or not NAME.fullmatch(node_text(name)):
        return None
    if value is None:
        return (node_text(name), "")
    if any(n.type in _NOT_LITERAL for n in walk(value)):
        return None
    return (node_text(name), dequote(source.of(value)))


# Where an assignment is part of a command (`X=1 cmd`, `local x=1`), not one of its own.
_ASSIGNMENT_OWNERS = frozenset({"command", "declaration_command", "variable_assignments"})


def _scan(tree: Tree, span: range) -> tuple[list[int], list[int]]:
    """The tree indices of the simple commands among the nodes in `span`, and those of their
    assignments and of the words that are not part of a bigger word (a command's arguments,
    those in a `$(...)` inside a word too), both in source order."""
    nodes, kinds, aboves = tree.nodes, tree.kinds, tree.aboves
    simples: list[int] = []
    words: list[int] = []
    for index in span:
        kind = kinds[index]
        if kind == "variable_assignment":
            words.append(index)
            if aboves[index] not in _ASSIGNMENT_OWNERS:
                simples.append(index)
        elif kind in WORD_TYPES:
            above = aboves[index]
            if above is not None and above not in WORD_TYPES and above != "variable_assignment":
                words.append(index)
        elif _is_simple(nodes[index], kind):
            simples.append(index)
    return simples, words
