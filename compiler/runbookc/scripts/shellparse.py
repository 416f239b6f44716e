"""A shell block as the compiler sees it: top-level commands, the simple commands inside
them, their pipeline stages, parameter references and grep patterns (read from the syntax
tree of tree-sitter-bash, see bashtree.py; no regexes on lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import Source, Tree, first_problem, node_text, parse, parts, walk

if TYPE_CHECKING:
    from tree_sitter import Node

# Words that run the command after them (with their own flags in between).
_PREFIXES = frozenset({"sudo", "command", "env", "time", "nohup", "exec", "nice", "timeout"})
_XARGS_VALUE_FLAGS = frozenset({"-I", "-n", "-P", "-d", "-L", "-s", "-E", "-a"})
_TOLERATORS = frozenset({"true", ":"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL = re.compile(r"[$`'\"\\*?\[~(]")  # quoting, expansion, globs, <(...)

# Nodes that are one shell word (their children are its parts).
_WORD_TYPES = frozenset(
    {
        "word",
        "string",
        "raw_string",
        "ansi_c_string",
        "translated_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "number",
        "test_operator",
        "extglob_pattern",
        "regex",
        "brace_expression",
        "variable_name",
    }
)
# What bash expands into text the compiler cannot know.
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution", "arithmetic_expansion"})
_EXPANSIONS = frozenset({"simple_expansion", "expansion"})
_NOT_LITERAL = _SUBSTITUTIONS | _EXPANSIONS | {"array"}  # an assignment's value with these
_HEREDOC_PARTS = frozenset(
    {"<<", "<<-", "heredoc_start", "heredoc_body", "heredoc_end", "file_redirect", "comment"}
)
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
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
class Word:
    text: str  # the word with quotes removed and expansions kept as written
    params: tuple[str, ...]  # names of the $parameters it expands
    opaque: bool  # holds an expansion whose value the compiler cannot know ($(...), ...)
    unquoted: bool = False  # an expansion outside quotes: it may become 0..n words

    def expand(self, values: dict[str, str]) -> str | None:
        """The word's value with `values` for its parameters, None when unknowable."""
        if self.opaque or any(p not in values for p in self.params):
            return None
        text = self.text
        for name in self.params:
            text = re.sub(
                r"\$\{" + name + r"\}|\$" + name + r"(?![A-Za-z0-9_])", values[name], text
            )
        return text


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
    source = Source(content)
    tree = parse(source)
    problem = first_problem(tree, source.data)
    if problem is not None:
        message, offset = problem
        body = content.rstrip("\n")
        unit = Unit(0, len(body), 0, "compound", (), (), (), len(body))
        return ParsedBlock((unit,), message, source.row(offset))
    units = (_unit(group, span, tree, source) for group, span in _groups(tree, source))
    return ParsedBlock(tuple(units))


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
    refs = tuple(ref for word in words for ref in _refs(word, tree, source))
    # by node: a unit looks its pipeline stages up here rather than read their words again
    found = {node: _command(node, source) for node in simples}
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
    if name is None or name.type != "variable_name" or not _NAME.fullmatch(node_text(name)):
        return None
    if value is None:
        return (node_text(name), "")
    if any(n.type in _NOT_LITERAL for n in walk(value)):
        return None
    return (node_text(name), _dequote(source.of(value)))


# Where an assignment is part of a command (`X=1 cmd`, `local x=1`), not one of its own.
_ASSIGNMENT_OWNERS = frozenset({"command", "declaration_command", "variable_assignments"})


def _scan(tree: Tree, span: range) -> tuple[list[Node], list[int]]:
    """The simple commands among the nodes in `span`, and the tree indices of their
    assignments and of the words that are not part of a bigger word (a command's arguments,
    those in a `$(...)` inside a word too), both in source order."""
    nodes, kinds, aboves = tree.nodes, tree.kinds, tree.aboves
    simples: list[Node] = []
    words: list[int] = []
    for index in span:
        kind = kinds[index]
        if kind == "variable_assignment":
            words.append(index)
            if aboves[index] not in _ASSIGNMENT_OWNERS:
                simples.append(nodes[index])
        elif kind in _WORD_TYPES:
            above = aboves[index]
            if above is not None and above not in _WORD_TYPES and above != "variable_assignment":
                words.append(index)
        elif _is_simple(nodes[index], kind):
            simples.append(nodes[index])
    return simples, words


def _argv(node: Node, source: Source, redirects: list[Node]) -> list[Word]:
    """The words of a simple command, its program first (assignments before the program and
    redirections left out; a test's operators and brackets are words, as in `[ a = b ]`).
    `redirects`: the command's file redirections (see _file_redirects)."""
    if node.type == "command":
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
    elif node.type in ("variable_assignment", "variable_assignments"):
        nodes = []
    else:
        nodes = list(_flat_words(node))
    return [_word(p, source) for p in nodes]


def _flat_words(node: Node) -> Iterator[Node]:
    for child in node.children:
        if child.type in _WORD_TYPES or child.type == "variable_assignment" or not child.is_named:
            yield child
        elif child.type not in _REDIRECTS and child.type != "comment":
            yield from _flat_words(child)


def _word(node: Node, source: Source) -> Word:
    raw = source.of(node)
    if not node.is_named or not _SPECIAL.search(raw):  # most words: nothing to remove or expand
        return _plain_word(raw)
    params: list[str] = []
    opaque = False
    for part in walk(node):
        kind = part.type
        if kind in _SUBSTITUTIONS:
            opaque = True
        elif kind in _EXPANSIONS:
            name = _param_name(part, source)
            if name is None:
                opaque = True
            else:
                params.append(name)
    return _quoted_word(raw, tuple(params), opaque)


# One Word per text (and what the tree says it expands): building a frozen dataclass, and
# removing quotes, cost more than reading the word, and the same words come back in every
# block.
@lru_cache(maxsize=8192)
def _plain_word(text: str) -> Word:
    return Word(text, (), False)


@lru_cache(maxsize=8192)
def _quoted_word(raw: str, params: tuple[str, ...], opaque: bool) -> Word:
    return Word(_dequote(raw), params, opaque, _unquoted_expansion(raw))


def _param_name(expansion: Node, source: Source) -> str | None:
    """The parameter of `$name` or `${name}` (None for `$1`, `${x:-y}`, `${#x}`, ...)."""
    inner = [c for c in expansion.children if c.type not in ("$", "${", "}")]
    if len(inner) == 1 and inner[0].type == "variable_name":
        name = source.of(inner[0])
        return name if _NAME.fullmatch(name) else None
    return None


def _unquoted_expansion(raw: str) -> bool:
    """Whether `$`, a backquote, a glob character or a leading `~` appears outside quotes:
    bash expands those, and may split the result into any number of words."""
    if raw.startswith("~"):
        return True
    quote = ""
    escaped = False
    for char in raw:
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "$`*?[":
            return True
    return False


_ANSI_C = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b"}
_ANSI_C |= {"f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


@lru_cache(maxsize=8192)  # pure, and runbooks repeat their words ("$NS")
def _dequote(raw: str) -> str:
    r"""Quote removal as bash does it, `$...` expansions left as written (`$'...'` decoded,
    `$"..."` read as `"..."`, a command substitution kept whole, its quotes included)."""
    if "'" not in raw and '"' not in raw and "\\" not in raw:
        return raw  # no quotes and no escapes: nothing to remove (substitutions stay whole)
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        char = raw[i]
        if raw.startswith("$(", i) or char == "`":
            end = _substitution_end(raw, i)
            out.append(raw[i:end])
            i = end
        elif raw.startswith("$'", i):
            i += 2
            while i < n and raw[i] != "'":
                if raw[i] == "\\" and i + 1 < n:
                    out.append(_ANSI_C.get(raw[i + 1], raw[i : i + 2]))
                    i += 2
                else:
                    out.append(raw[i])
                    i += 1
            i += 1
        elif raw.startswith('$"', i):
            i += 1
        elif char == "'":
            end = raw.find("'", i + 1)
            end = n if end < 0 else end
            out.append(raw[i + 1 : end])
            i = end + 1
        elif char == '"':
            i += 1
            while i < n and raw[i] != '"':
                if raw.startswith("$(", i) or raw[i] == "`":
                    end = _substitution_end(raw, i)
                    out.append(raw[i:end])
                    i = end
                elif raw[i] == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
                    out.append("" if raw[i + 1] == "\n" else raw[i + 1])
                    i += 2
                else:
                    out.append(raw[i])
                    i += 1
            i += 1
        elif char == "\\" and i + 1 < n:
            out.append("" if raw[i + 1] == "\n" else raw[i + 1])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _substitution_end(raw: str, start: int) -> int:
    """The offset after the `$(...)` or `...` (backquotes) that starts at `start`."""
    depth, quote, i, n = 0, "", start + 1, len(raw)
    closer = "`" if raw[start] == "`" else ")"
    while i < n:
        char = raw[i]
        if char == "\\":
            i += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif closer == "`":
            if char == "`":
                return i + 1
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def _split_runners(words: list[Word]) -> tuple[tuple[str, ...], str, list[Word]]:
    """(the sudo/env/xargs... words that run the program, the program, its arguments)."""
    runners: list[str] = []
    while words:
        tool = words[0].text.rsplit("/", 1)[-1]
        rest = words[1:]
        if tool in _PREFIXES or tool == "xargs":
            i = 0
            while i < len(rest) and (rest[i].text.startswith("-") or "=" in rest[i].text):
                skip_value = tool == "xargs" and rest[i].text in _XARGS_VALUE_FLAGS
                i += 2 if skip_value else 1
            if tool == "timeout" and i < len(rest):
                i += 1  # the duration
            if i < len(rest):
                runners.append(words[0].text)
                words = rest[i:]
                continue
        return tuple(runners), words[0].text, rest
    return tuple(runners), "", []


def _command(node: Node, source: Source) -> Command:
    file_redirects = _file_redirects(node)
    argv = _argv(node, source, file_redirects)
    runners, program, words = _split_runners(argv)
    redirects = _redirects(file_redirects, source)
    writes = tuple(target for op, _, target in redirects if _writes(op, target))
    env = tuple(
        node_text(name)
        for child in node.children
        if child.type == "variable_assignment"
        and (name := child.child_by_field_name("name")) is not None
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
        tuple(argv) if node.type != "variable_assignment" else (),
        env if node.type == "command" else (),
    )


def _writes(op: str, target: str) -> bool:
    """Whether a redirection opens a file for writing (`>&2` and `>&-` do not: they copy
    or close a descriptor)."""
    if op == ">&":
        return bool(target) and not target.isdigit() and target != "-"
    return op in (">", ">>", ">|", "&>", "&>>") and bool(target)


def _file_redirects(node: Node) -> list[Node]:
    """A simple command's file redirections: its own, those after it (on it, or on the
    pipeline or list it ends: tree-sitter-bash hangs them there, issue #345) and those on
    a here-document's line."""
    found = [c for c in node.children if c.type in _REDIRECTS]
    inner, outer = node, node.parent
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
                _word(target, source).text if target is not None else "",
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


def _refs(index: int, tree: Tree, source: Source) -> list[tuple[int, int, str]]:
    """Spans of the parameter references in the word (or assignment) at `index` of the
    tree: the whole word when it is just `"$name"`."""
    word = tree.nodes[index]
    # every expansion starts with `$`: most words have none and need no look inside
    if source.original.find(b"$", word.start_byte, word.end_byte) < 0:
        return []
    expansions = [tree.nodes[at] for at in tree.subtree(index) if tree.kinds[at] in _EXPANSIONS]
    inner = [
        (source.pos(e.start_byte), source.pos(e.end_byte), _ref_name(e, source)) for e in expansions
    ]
    if tree.kinds[index] != "variable_assignment" and len(inner) == 1:
        name = inner[0][2]
        if _dequote(source.of(word)) in (f"${name}", "${" + name + "}"):
            return [(source.pos(word.start_byte), source.pos(word.end_byte), name)]
    return inner


def _ref_name(expansion: Node, source: Source) -> str:
    text = source.of(expansion)
    return text[2:-1] if text.startswith("${") else text[1:]


_REQUIRED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?([^}]*)\}")


def required_env(content: str) -> list[tuple[str, str]]:
    """Variables the block demands with `${NAME:?message}`: (name, message)."""
    return list(
        dict.fromkeys((m.group(1), m.group(2).strip()) for m in _REQUIRED.finditer(content))
    )


@dataclass(frozen=True)
class GrepPattern:
    text: str
    mode: str  # "ERE" | "BRE" | "fixed"
    ignore_case: bool

    def compile(self) -> re.Pattern[str] | None:
        """A Python approximation of the grep pattern (None when it has no equivalent)."""
        return _compile_grep(self.text, self.mode, self.ignore_case)


@lru_cache(maxsize=4096)
def _compile_grep(pattern: str, mode: str, ignore_case: bool) -> re.Pattern[str] | None:
    """Cached: runbooks repeat their patterns, and re's own cache is small (512)."""
    flags = re.IGNORECASE if ignore_case else 0
    if mode == "fixed":
        return re.compile(re.escape(pattern), flags)
    text = pattern if mode == "ERE" else _bre_to_ere(pattern)
    if "[[:" in text:
        return None
    try:
        return re.compile(text, flags)
    except re.error:
        return None


def grep_patterns(command: Command, values: dict[str, str]) -> list[GrepPattern]:
    """The patterns a grep command matches lines against (none for `grep -v`)."""
    if command.tool not in ("grep", "egrep", "fgrep"):
        return []
    mode = {"egrep": "ERE", "fgrep": "fixed"}.get(command.tool, "BRE")
    ignore_case = False
    explicit: list[str] = []
    positional: list[str] = []
    words = [w.expand(values) for w in command.words]
    i = 0
    while i < len(words):
        text = words[i]
        if text is None:
            return []
        if text in ("-e", "--regexp") and i + 1 < len(words):
            explicit.append(words[i + 1] or "")
            i += 2
            continue
        if text.startswith("--regexp="):
            explicit.append(text.split("=", 1)[1])
        elif text.startswith("--"):
            if text in ("--invert-match", "--file"):
                return []
            mode = {"--extended-regexp": "ERE", "--fixed-strings": "fixed"}.get(text, mode)
            ignore_case = ignore_case or text == "--ignore-case"
        elif text.startswith("-") and len(text) > 1:
            letters = text[1:]
            if "v" in letters or "f" in letters:
                return []
            mode = "ERE" if "E" in letters else "fixed" if "F" in letters else mode
            ignore_case = ignore_case or "i" in letters
        else:
            positional.append(text)
        i += 1
    patterns = explicit or positional[:1]
    return [GrepPattern(p, mode, ignore_case) for p in patterns]


def _bre_to_ere(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "|+?(){}":
            out.append(text[i + 1])
            i += 2
            continue
        out.append("\\" + ch if ch in "|+?(){}" else ch)
        i += 1
    return "".join(out)
