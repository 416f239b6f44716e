"""A shell block as the compiler sees it: top-level commands, the simple commands inside
them, their pipeline stages, parameter references and grep patterns (tree-sitter-bash, a
real parser; no regexes on lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from runbookc.scriptconfig import MUTATING, UNKNOWN, VALUE_FLAGS

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

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
# Reserved words bash refuses where a command starts; tree-sitter-bash reads them as
# command names.
_MISPLACED = frozenset({"fi", "then", "else", "elif", "do", "done", "esac", "}", "in", "]]"})
_OPENERS = frozenset(
    {"if", "case", "for", "select", "while", "until", "{", "(", "((", "[[", "function", "$(", "`"}
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


@cache
def parser() -> Parser:
    """The bash parser, built once a process (before the lint workers fork)."""
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


@lru_cache(maxsize=8192)
def parse_block(content: str) -> ParsedBlock:
    """Cached: runbooks repeat their blocks."""
    source = _Source(content)
    root = _parse(source)
    problem = _first_problem(root, source.data)
    if problem is not None:
        message, offset = problem
        body = content.rstrip("\n")
        unit = Unit(0, len(body), 0, "compound", (), (), (), len(body))
        return ParsedBlock((unit,), message, source.row(offset))
    return ParsedBlock(tuple(_unit(group, source) for group in _groups(root, source)))


class _Source:
    """The block as text and as the UTF-8 bytes tree-sitter reads (its offsets are bytes;
    `data` may have a newline replaced by `;`, see _parse)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.original = self.data = text.encode()
        self._chars: list[int] | None = None
        if len(self.data) != len(text):
            self._chars = [i for i, c in enumerate(text) for _ in range(len(c.encode()))]
            self._chars.append(len(text))

    def pos(self, offset: int) -> int:
        return offset if self._chars is None else self._chars[offset]

    def of(self, node: Node) -> str:
        return self.text[self.pos(node.start_byte) : self.pos(node.end_byte)]

    def row(self, offset: int) -> int:
        return self.original.count(b"\n", 0, offset)


_REPAIRS = 64


def _parse(source: _Source) -> Node:
    """The syntax tree, with a tree-sitter-bash 0.25 defect worked around: it lets a
    command, a redirection or a pipeline run on past the end of its line, with no error in
    the tree. After `a | b | head -30`, a next line `kubectl delete pod x && echo` becomes
    arguments of `head` (tree-sitter-bash issue #347); `cmd 2>&1` takes the next line's
    words as more targets. That newline ends the command in bash, as `;` would: parse
    again with `;` in its place (same length, so every offset stays). Likewise a `<<<`
    after another redirection is an error to it: read as `<` (stdin from a word)."""
    for _ in range(_REPAIRS):
        root = parser().parse(source.data).root_node
        cut = _swallowed_newline(root, source.data)
        if cut is not None:
            source.data = source.data[:cut] + b";" + source.data[cut + 1 :]
            continue
        cut = _misread_here_string(root, source.data)
        if cut is None:
            break
        source.data = source.data[:cut] + b"  <" + source.data[cut + 3 :]
    return root


def _misread_here_string(root: Node, data: bytes) -> int | None:
    """The offset of a `<<<` tree-sitter-bash could not read (after another redirection)."""
    if not root.has_error:
        return None
    for node in _walk(root):
        if node.type == "ERROR" and data[node.start_byte : node.start_byte + 3] == b"<<<":
            return node.start_byte
    return None


# Where bash lets a statement go on to the next line (a comment may follow them).
_CONTINUED = frozenset({"|", "|&", "&&", "||"})
# Nodes whose parts are on one line (unless a backslash joins the lines).
_ONE_LINE = frozenset(
    {
        "command",
        "file_redirect",
        "redirected_statement",
        "pipeline",
        "list",
        "declaration_command",
        "unset_command",
        "variable_assignments",
    }
)


def _swallowed_newline(root: Node, data: bytes) -> int | None:
    """The offset of a character that ends the statement in bash but not in the tree: a
    newline inside it, or the blank before a comment in it (a comment ends the line)."""
    for node in _walk(root):
        if node.type not in _ONE_LINE:
            continue
        real: Node | None = None  # the last part that is not a comment
        comment: Node | None = None  # the first of the comments since then
        for before, after in pairwise(node.children):
            if before.type == "comment":
                comment = comment or before
            else:
                real, comment = before, None
            if after.type == "comment" or (real is not None and real.type in _CONTINUED):
                continue
            if comment is not None:
                return comment.start_byte - 1 if comment.start_byte else None
            gap = data[before.end_byte : after.start_byte]
            at = gap.replace(b"\\\n", b"  ").find(b"\n")
            if at >= 0:
                return before.end_byte + at
    return None


# ---- syntax errors ----


def _first_problem(root: Node, data: bytes) -> tuple[str, int] | None:
    """(message, byte offset) of the first thing bash would refuse, None when none.
    tree-sitter recovers from errors (ERROR and MISSING nodes) and accepts a few things
    bash does not: a reserved word as a command name, `a |` with nothing after it. A block
    it is known to misread is refused too."""
    for node in _walk(root):
        if node.type == "ERROR":
            return _error_message(node, not data[node.end_byte :].strip())
        if node.is_missing:
            return _missing_message(node)
        if node.type == "command_name" and node.start_byte == node.end_byte:
            before = node.parent.prev_sibling if node.parent else None
            token = before.type if before is not None else "the command"
            return f"syntax error: unexpected end of block after `{token}`", node.start_byte
        if node.type == "command_name" and _text(node) in _MISPLACED and _first_word(node):
            return _unexpected(_text(node)), node.start_byte
        if node.type == ";;" and node.parent is not None and node.parent.type != "case_item":
            return _unexpected(";;"), node.start_byte
        if node.type == "file_redirect" and _stray_word(node) is not None:
            word = _stray_word(node)
            return _unexpected(_text(word)), word.start_byte
        if _misread_backquotes(node, data):
            return (
                "the parser misreads this backquoted command (tree-sitter-bash issue #278); "
                "write it as $(...)",
                node.start_byte,
            )
    return None


def _stray_word(redirect: Node) -> Node | None:
    """A word after the target of a redirection on a compound command (`{ a; } >f b`):
    bash refuses it; tree-sitter-bash reads it as a second target (after a simple command
    it is an argument, see _argv)."""
    extra = redirect.children_by_field_name("destination")[1:]
    owner = redirect.parent
    while owner is not None and owner.type in ("redirected_statement", "pipeline", "list"):
        if owner.type == "redirected_statement":
            owner = owner.child_by_field_name("body")
        else:
            owner = _parts(owner)[-1]
    simple = owner is not None and (
        owner.type in ("command", "declaration_command", "unset_command")
        or (owner.type == "test_command" and owner.children[0].type == "[")
    )
    return extra[0] if extra and not simple else None


def _misread_backquotes(node: Node, data: bytes) -> bool:
    """A `...` substitution with another backquote inside: tree-sitter-bash ran it on to a
    later one (after a blank following the opening backquote, its issue #278)."""
    if node.type != "command_substitution" or node.child_count < 2:
        return False
    if node.children[0].type != "`":
        return False
    inner = data[node.children[0].end_byte : node.children[-1].start_byte]
    return b"`" in inner.replace(b"\\\\", b"").replace(b"\\`", b"")


def _first_word(name: Node) -> bool:
    """Whether a command name is its command's first word (bash reads reserved words there
    only: `x=1 fi` runs a program called fi)."""
    return name.parent is None or name.parent.children[0] == name


def _unexpected(token: str) -> str:
    return f"syntax error near unexpected token `{token}`"


def _error_message(error: Node, at_end: bool) -> tuple[str, int]:
    """The first token of an ERROR node that is not part of a complete command."""
    for child in error.children:
        if child.is_named and child.type != "ERROR" and not child.has_error:
            continue  # a command the parser read before it got lost
        if child.type == "ERROR":
            return _error_message(child, at_end)
        token = _text(child).split(None, 1)[0] if _text(child).strip() else child.type
        return _token_message(token, at_end), child.start_byte
    text = _text(error).lstrip()
    return _token_message(text[:1], at_end), error.start_byte


def _token_message(token: str, at_end: bool) -> str:
    if token[:1] in ("'", '"'):
        return f"unterminated quoted string (no matching `{token[0]}`)"
    if token in _OPENERS and at_end:
        return f"unterminated `{token}`: the block ends first"
    return _unexpected(token)


def _missing_message(node: Node) -> tuple[str, int]:
    parent = node.parent
    if node.type == "heredoc_end" and parent is not None:
        start = next((c for c in parent.children if c.type == "heredoc_start"), None)
        delimiter = _text(start).strip("'\"") if start is not None else "?"
        return (
            f"unterminated here-document (no line `{delimiter}` ends it)",
            parent.start_byte,
        )
    opener = parent.children[0] if parent is not None and parent.children else None
    if opener is not None and not opener.is_named and opener != node:
        return (
            f"unterminated `{_text(opener)}` (no closing `{node.type}`)",
            opener.start_byte,
        )
    return f"syntax error: missing `{node.type}`", node.start_byte


def _text(node: Node) -> str:
    return (node.text or b"").decode(errors="replace")


# ---- units ----


def _walk(node: Node) -> Iterator[Node]:
    """Every node under `node` (itself included) in source order."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        if node.child_count:
            stack.extend(reversed(node.children))


def _groups(root: Node, source: _Source) -> Iterator[list[Node]]:
    """The top-level commands as bash's parser reads them: statements joined by `;` or `&`
    on one line are one list; the separators are kept in the group."""
    group: list[Node] = []
    for child in root.children:
        if child.type == "comment":
            continue
        if not child.is_named:  # `;` or `&` (not one _parse wrote)
            if group and source.original[child.start_byte : child.end_byte] == child.type.encode():
                group.append(child)
            continue
        if group and not _joined(group[-1], child, source):
            yield group
            group = []
        group.append(child)
    if group:
        yield group


def _joined(previous: Node, statement: Node, source: _Source) -> bool:
    """Whether `statement` goes on the list `previous` ends: a `;` or `&` between them,
    and no newline."""
    between = source.original[previous.end_byte : statement.start_byte]
    return not previous.is_named and b"\n" not in between


def _unit(group: list[Node], source: _Source) -> Unit:
    first, last = group[0], group[-1]
    start, end = source.pos(first.start_byte), source.pos(last.end_byte)
    row = source.row(first.start_byte)
    refs = tuple(ref for node in group for ref in _refs(node, source))
    if len(group) > 2 or (len(group) == 2 and last.type != ";"):
        return Unit(start, end, row, "compound", (), _commands(group, source), refs, end)
    # One statement, maybe with a `;` after it: the text to run keeps the `;`, the text
    # shown stops before it.
    statement = first
    shown_end = source.pos(statement.end_byte)
    commands = _commands([statement], source)
    pipelines, operators = _and_or(statement)
    if len(pipelines) == 1 and _plain(pipelines[0]):
        stages = pipelines[0]
        assignment = _literal_assignment(statement, source)
        if assignment is not None:
            return Unit(start, shown_end, row, "assign", (), commands, refs, shown_end, assignment)
        tools = tuple(_stage_tool(n, source) for n in stages)
        return Unit(start, end, row, "run", tools, commands, refs, shown_end)
    if operators == ["||"] and _tolerator(pipelines[1], source) and _plain(pipelines[0]):
        stages = pipelines[0]
        before = pipelines[1][0].start_byte
        # the pipeline ends at the `||` (its last redirection may sit outside its last stage)
        operator = source.original.rfind(b"||", stages[-1].start_byte, before)
        left_end = source.pos(len(source.original[:operator].rstrip(b" \t\n\\")))
        tools = tuple(_stage_tool(n, source) for n in stages)
        kept = _commands([statement], source, before)
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
        if item in ("&&", "||"):
            pipelines.append([])
            operators.append(item)
            negated.append(False)
        elif item == "!":
            negated[-1] = True
        elif not isinstance(item, str):
            pipelines[-1].append(item)
    return [[] if n else p for p, n in zip(pipelines, negated, strict=True)], operators


def _sequence(node: Node) -> list[Node | str]:
    """The commands of a statement and the operators between them, in source order."""
    body = node.child_by_field_name("body") if node.type == "redirected_statement" else None
    if node.type in ("pipeline", "list") or (
        body is not None and body.type in ("pipeline", "list", "negated_command")
    ):
        out: list[Node | str] = []
        for child in node.children if body is None else [body]:
            if child.type in _CHAIN:
                out.append(child.type)
            elif child.is_named and child.type != "comment":
                out += _sequence(child)
        return out
    if node.type == "negated_command":
        return ["!", *(item for part in _parts(node) for item in _sequence(part))]
    out = [node]
    for part in _after_heredoc(node):  # `cat <<EOF | kubectl apply -f -`
        out += [part.type] if part.type in _CHAIN else _sequence(part)
    return out


def _plain(stages: list[Node]) -> bool:
    """A pipeline whose stages' statuses the script can read: one simple command, or
    several commands without `!` (`! a | b` is not one)."""
    if len(stages) == 1:
        return _simple(stages[0]) is not None
    return bool(stages)


def _tolerator(stages: list[Node], source: _Source) -> bool:
    """`true` or `:` alone: `PIPELINE || true` is the author's way to accept any status."""
    simple = _simple(stages[0]) if len(stages) == 1 else None
    words = [w.text for w in _argv(simple, source)] if simple is not None else []
    return len(words) == 1 and words[0] in _TOLERATORS


def _simple(node: Node) -> Node | None:
    """The simple command a statement is (unwrapping its redirections), None if it is not."""
    if node.type == "redirected_statement":
        body = node.child_by_field_name("body")
        return _simple(body) if body is not None else None
    return node if node.type in _SIMPLE or _arithmetic(node) else None


def _arithmetic(node: Node) -> bool:
    """`(( expression ))`, a test like `[[ ]]` (tree-sitter calls it a compound statement)."""
    return (
        node.type == "compound_statement" and node.child_count > 0 and node.children[0].type == "(("
    )


def _after_heredoc(node: Node) -> list[Node]:
    """The rest of a here-document's first line (`| kubectl apply -f -`, `&& echo done`):
    tree-sitter-bash puts it inside the here-document redirection."""
    if node.type != "redirected_statement":
        return []
    return [
        part
        for redirect in node.children
        if redirect.type == "heredoc_redirect"
        for part in redirect.children
        if part.type not in _HEREDOC_PARTS
    ]


def _parts(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"]


def _stage_tool(node: Node, source: _Source) -> str:
    simple = _simple(node)
    return _tool(simple, source) if simple is not None else ""


def _literal_assignment(node: Node, source: _Source) -> tuple[str, str] | None:
    """(name, value) of `name=value` when the value holds no expansion."""
    if node.type != "variable_assignment" or node.child_count < 2 or node.children[1].type != "=":
        return None
    name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
    if name is None or name.type != "variable_name" or not _NAME.fullmatch(_text(name)):
        return None
    if value is None:
        return (_text(name), "")
    if any(
        n.type in _SUBSTITUTIONS or n.type in _EXPANSIONS or n.type == "array" for n in _walk(value)
    ):
        return None
    return (_text(name), _dequote(source.of(value)))


def _commands(nodes: list[Node], source: _Source, before: int = -1) -> tuple[Command, ...]:
    """The simple commands in `nodes` (those starting before byte `before`, if given)."""
    return tuple(
        _command(n, source)
        for node in nodes
        for n in _walk(node)
        if (n.type in _SIMPLE or _arithmetic(n))
        and (before < 0 or n.start_byte < before)
        and not (
            n.type == "variable_assignment"
            and n.parent is not None
            and n.parent.type in ("command", "declaration_command", "variable_assignments")
        )
    )


def _argv(node: Node, source: _Source) -> list[Word]:
    """The words of a simple command, its program first (assignments before the program and
    redirections left out; a test's operators and brackets are words, as in `[ a = b ]`)."""
    if node.type == "command":
        name = node.child_by_field_name("name")
        parts = [name] if name is not None else []
        parts += node.children_by_field_name("argument")
        # tree-sitter-bash reads the words after a redirection (`kubectl 2>/dev/null
        # delete pod x`) as more targets of it; bash, as arguments
        parts += [
            word
            for redirect in _file_redirects(node)
            for word in redirect.children_by_field_name("destination")[1:]
        ]
        parts.sort(key=lambda part: part.start_byte)
    elif node.type in ("variable_assignment", "variable_assignments"):
        parts = []
    else:
        parts = list(_flat_words(node))
    return [_word(p, source) for p in parts]


def _flat_words(node: Node) -> Iterator[Node]:
    for child in node.children:
        if child.type in _WORD_TYPES or child.type == "variable_assignment" or not child.is_named:
            yield child
        elif child.type not in _REDIRECTS and child.type != "comment":
            yield from _flat_words(child)


def _word(node: Node, source: _Source) -> Word:
    raw = source.of(node)
    if not node.is_named:
        return Word(raw, (), False)
    if not _SPECIAL.search(raw):  # most words: nothing to remove or expand
        return Word(raw, (), False)
    params: list[str] = []
    opaque = False
    for part in _walk(node):
        if part.type in _SUBSTITUTIONS:
            opaque = True
        elif part.type in _EXPANSIONS:
            name = _param_name(part)
            if name is None:
                opaque = True
            else:
                params.append(name)
    return Word(_dequote(raw), tuple(params), opaque, _unquoted_expansion(raw))


def _param_name(expansion: Node) -> str | None:
    """The parameter of `$name` or `${name}` (None for `$1`, `${x:-y}`, `${#x}`, ...)."""
    inner = [c for c in expansion.children if c.type not in ("$", "${", "}")]
    if len(inner) == 1 and inner[0].type == "variable_name" and _NAME.fullmatch(_text(inner[0])):
        return _text(inner[0])
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


def _dequote(raw: str) -> str:
    r"""Quote removal as bash does it, `$...` expansions left as written (`$'...'` decoded,
    `$"..."` read as `"..."`, a command substitution kept whole, its quotes included)."""
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


def _tool(node: Node, source: _Source) -> str:
    return _split_runners(_argv(node, source))[1].rsplit("/", 1)[-1]


def _command(node: Node, source: _Source) -> Command:
    runners, program, words = _split_runners(_argv(node, source))
    redirects = _redirects(node, source)
    writes = tuple(
        target for op, _, target in redirects if op in (">", ">>", ">|", "&>") and target
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
    )


def _file_redirects(node: Node) -> list[Node]:
    """A simple command's file redirections: its own, those after it (on it, or on the
    pipeline or list it ends: tree-sitter-bash hangs them there, issue #345) and those on
    a here-document's line."""
    found = [c for c in node.children if c.type in _REDIRECTS]
    inner, outer = node, node.parent
    while outer is not None:
        if outer.type == "redirected_statement" and outer.child_by_field_name("body") == inner:
            found += [c for c in outer.children if c.type in _REDIRECTS]
        elif (
            outer.type not in ("pipeline", "list", "negated_command") or _parts(outer)[-1] != inner
        ):
            break
        inner, outer = outer, outer.parent
    return [f for r in found for f in [r, *r.children] if f.type == "file_redirect"]


def _redirects(node: Node, source: _Source) -> list[tuple[str, int | None, str]]:
    """(operator, file descriptor, target as written) of the command's file redirections."""
    out = []
    for redirect in _file_redirects(node):
        op = next((c.type for c in redirect.children if not c.is_named), "")
        fd = redirect.child_by_field_name("descriptor")
        target = redirect.child_by_field_name("destination")
        out.append(
            (
                op,
                int(_text(fd)) if fd is not None and _text(fd).isdigit() else None,
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


def _refs(node: Node, source: _Source) -> Iterator[tuple[int, int, str]]:
    """Spans of parameter references: the whole word when it is just `"$name"`."""
    for word in _walk(node):
        parent = word.parent
        top = word.type == "variable_assignment" or (
            word.type in _WORD_TYPES
            and parent is not None
            and parent.type not in _WORD_TYPES
            and parent.type != "variable_assignment"
        )
        if not top:
            continue
        inner = [
            (source.pos(e.start_byte), source.pos(e.end_byte), _ref_name(e, source))
            for e in _walk(word)
            if e.type in _EXPANSIONS
        ]
        if word.type != "variable_assignment" and len(inner) == 1:
            name = inner[0][2]
            if _dequote(source.of(word)) in (f"${name}", "${" + name + "}"):
                yield (source.pos(word.start_byte), source.pos(word.end_byte), name)
                continue
        yield from inner


def _ref_name(expansion: Node, source: _Source) -> str:
    text = source.of(expansion)
    return text[2:-1] if text.startswith("${") else text[1:]


_REQUIRED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?([^}]*)\}")


def required_env(content: str) -> list[tuple[str, str]]:
    """Variables the block demands with `${NAME:?message}`: (name, message)."""
    return list(
        dict.fromkeys((m.group(1), m.group(2).strip()) for m in _REQUIRED.finditer(content))
    )


def classify(command: Command, classes: dict[str, str]) -> tuple[str, str]:
    """(read-only | mutating | unknown, the rule key or tool that decided it)."""
    tool = command.tool
    if not tool:
        return "read-only", "assignment"
    value_flags = VALUE_FLAGS.get(tool, frozenset())
    positional: list[str] = []
    flags: list[str] = []
    skip = False
    for word in command.words:
        if skip:
            skip = False
        elif word.text.startswith("-"):
            flags.append(word.text.split("=", 1)[0])
            skip = word.text in value_flags
        else:
            positional.append(word.text)
    for flag in flags:
        for key, verdict in classes.items():
            if verdict == MUTATING and key.startswith(f"{tool} -"):
                wanted = key.split(" ", 1)[1]
                if flag == wanted or (len(wanted) == 2 and flag.startswith(wanted)):
                    return MUTATING, key
    for depth in (2, 1, 0):
        key = " ".join([tool, *positional[:depth]])
        if len(positional) >= depth and key in classes:
            return classes[key], key
    return UNKNOWN, tool


@dataclass(frozen=True)
class GrepPattern:
    text: str
    mode: str  # "ERE" | "BRE" | "fixed"
    ignore_case: bool

    def compile(self) -> re.Pattern[str] | None:
        """A Python approximation of the grep pattern (None when it has no equivalent)."""
        flags = re.IGNORECASE if self.ignore_case else 0
        if self.mode == "fixed":
            return re.compile(re.escape(self.text), flags)
        text = self.text if self.mode == "ERE" else _bre_to_ere(self.text)
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
