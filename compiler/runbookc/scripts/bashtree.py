"""tree-sitter-bash as the compiler uses it: the parser (built once a process), a block's
syntax tree with the defects of tree-sitter-bash 0.25 that would hide commands worked
around, and the first syntax error bash would report, in words and with its place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from runbookc.scripts.lineindex import LineIndex

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

# Reserved words bash refuses where a command starts; tree-sitter-bash reads them as
# command names.
_MISPLACED = frozenset({"fi", "then", "else", "elif", "do", "done", "esac", "}", "in", "]]"})
_OPENERS = frozenset(
    {"if", "case", "for", "select", "while", "until", "{", "(", "((", "[[", "function", "$(", "`"}
)


@cache
def parser() -> Parser:
    """The bash parser, built once a process (before the lint workers fork)."""
    import tree_sitter
    import tree_sitter_bash

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))


class Source:
    """The block as text and as the UTF-8 bytes tree-sitter reads (its offsets are bytes;
    `data` may have a newline replaced by `;`, see parse)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.original = self.data = text.encode()
        self.rows = LineIndex(self.original)
        self._chars: list[int] | None = None
        if len(self.data) != len(text):
            self._chars = [i for i, c in enumerate(text) for _ in range(len(c.encode()))]
            self._chars.append(len(text))

    def pos(self, offset: int) -> int:
        return offset if self._chars is None else self._chars[offset]

    def of(self, node: Node) -> str:
        chars = self._chars  # pos() inlined: this runs for every word
        if chars is None:
            return self.text[node.start_byte : node.end_byte]
        return self.text[chars[node.start_byte] : chars[node.end_byte]]

    def row(self, offset: int) -> int:
        """The 0-based line of a byte offset."""
        return self.rows.line(offset)


_REPAIRS = 64


class Tree:
    """A block's syntax tree in source order, the root first, with each node's type and its
    parent's type read once (neither read is free, and every check here reads them). A
    node's subtree is the run of nodes from it on, `descendant_count` long (`subtree`)."""

    __slots__ = ("aboves", "kinds", "nodes")

    def __init__(self, root: Node) -> None:
        nodes: list[Node] = []
        kinds: list[str] = []
        aboves: list[str | None] = []
        # A cursor walk, not `children` of every node (valgrind, the drafts of 1,000
        # generated documents: 3,574M -> 3,553M instructions). No recursion: a hostile block
        # nests as deep as it likes.
        cursor = root.walk()
        ups: list[str | None] = [None]  # the type of each node above the cursor
        while True:
            node = cursor.node
            assert node is not None  # a cursor always stands on a node
            kind = node.type
            nodes.append(node)
            kinds.append(kind)
            aboves.append(ups[-1])
            if cursor.goto_first_child():
                ups.append(kind)
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    self.nodes, self.kinds, self.aboves = nodes, kinds, aboves
                    return
                ups.pop()

    def subtree(self, index: int) -> range:
        """The indices of the node at `index` and of every node under it."""
        return range(index, index + self.nodes[index].descendant_count)


def parse(source: Source) -> Tree:
    """The syntax tree, with a tree-sitter-bash 0.25 defect worked around: it lets a
    command, a redirection or a pipeline run on past the end of its line, with no error in
    the tree. After `a | b | head -30`, a next line `kubectl delete pod x && echo` becomes
    arguments of `head` (tree-sitter-bash issue #347); `cmd 2>&1` takes the next line's
    words as more targets. That newline ends the command in bash, as `;` would: parse again
    with `;` in its place (same length, so every offset stays). Likewise a `<<<` after
    another redirection is an error to it: read as `<` (stdin from a word)."""
    for _ in range(_REPAIRS):
        tree = Tree(parser().parse(source.data).root_node)
        cut = _swallowed_newline(tree, source.data)
        if cut is not None:
            source.data = source.data[:cut] + b";" + source.data[cut + 1 :]
            continue
        cut = _misread_here_string(tree, source.data)
        if cut is None:
            break
        source.data = source.data[:cut] + b"  <" + source.data[cut + 3 :]
    return tree


@lru_cache(maxsize=64)
def parsed(content: str) -> tuple[Tree, Source]:
    """The block's tree with its source, parsed once for every check that reads it (the
    drafts read a block's tree four times in a row: its placeholders, its units, the
    variables it leaves unset and those it quotes). Neither is changed once parsed."""
    source = Source(content)
    return parse(source), source


def _misread_here_string(tree: Tree, data: bytes) -> int | None:
    """The offset of a `<<<` tree-sitter-bash could not read (after another redirection)."""
    if not tree.nodes[0].has_error:
        return None
    for node, kind in zip(tree.nodes, tree.kinds, strict=True):
        if kind == "ERROR" and data[node.start_byte : node.start_byte + 3] == b"<<<":
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


def _swallowed_newline(tree: Tree, data: bytes) -> int | None:
    """The offset of a character that ends the statement in bash but not in the tree: a
    newline inside it, or the blank before a comment in it (a comment ends the line)."""
    for node, kind in zip(tree.nodes, tree.kinds, strict=True):
        # a node on one line has nothing to report (what follows a comment is on another
        # line); most are, and skipping them saves 1.6% of the drafts' instructions
        if kind not in _ONE_LINE or data.find(b"\n", node.start_byte, node.end_byte) < 0:
            continue
        real = ""  # the type of the last part that is not a comment
        comment: Node | None = None  # the first of the comments since then
        typed = [(child, child.type) for child in node.children]  # type is not free
        for (before, before_type), (after, after_type) in pairwise(typed):
            if before_type == "comment":
                comment = comment or before
            else:
                real, comment = before_type, None
            if after_type == "comment" or real in _CONTINUED:
                continue
            if comment is not None:
                return comment.start_byte - 1 if comment.start_byte else None
            start, end = before.end_byte, after.start_byte
            if data.find(b"\n", start, end) < 0:
                continue  # most gaps: a blank
            at = data[start:end].replace(b"\\\n", b"  ").find(b"\n")
            if at >= 0:
                return start + at
    return None


# ---- syntax errors ----


def first_problem(tree: Tree, data: bytes) -> tuple[str, int] | None:
    """(message, byte offset) of the first thing bash would refuse, None when none.
    tree-sitter recovers from errors (ERROR and MISSING nodes) and accepts a few things
    bash does not: a reserved word as a command name, `a |` with nothing after it. A block
    it is known to misread is refused too. `tree`: as parse gives it."""
    # has_error covers MISSING nodes too: an intact tree needs no look at each node for them
    damaged = tree.nodes[0].has_error
    for node, kind in zip(tree.nodes, tree.kinds, strict=True):
        if kind in _SUSPECTS or (damaged and node.is_missing):
            problem = _problem(node, kind, data)
            if problem is not None:
                return problem
    return None


# The only node types (MISSING nodes aside) in which _problem can find one.
_SUSPECTS = frozenset({"ERROR", "command_name", ";;", "file_redirect", "command_substitution"})


def _problem(node: Node, kind: str, data: bytes) -> tuple[str, int] | None:
    """What bash would refuse at `node` (of type `kind`), None when nothing."""
    if kind == "ERROR":
        return _error_message(node, not data[node.end_byte :].strip())
    if node.is_missing:
        return _missing_message(node)
    if kind == "command_name" and node.start_byte == node.end_byte:
        before = node.parent.prev_sibling if node.parent else None
        token = before.type if before is not None else "the command"
        return f"syntax error: unexpected end of block after `{token}`", node.start_byte
    if kind == "command_name" and node_text(node) in _MISPLACED and _first_word(node):
        return _unexpected(node_text(node)), node.start_byte
    if kind == ";;" and node.parent is not None and node.parent.type != "case_item":
        return _unexpected(";;"), node.start_byte
    if kind == "file_redirect" and (word := _stray_word(node)) is not None:
        return _unexpected(node_text(word)), word.start_byte
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
            owner = parts(owner)[-1]
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
        token = node_text(child).split(None, 1)[0] if node_text(child).strip() else child.type
        return _token_message(token, at_end), child.start_byte
    text = node_text(error).lstrip()
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
        delimiter = node_text(start).strip("'\"") if start is not None else "?"
        return (
            f"unterminated here-document (no line `{delimiter}` ends it)",
            parent.start_byte,
        )
    opener = parent.children[0] if parent is not None and parent.children else None
    if opener is not None and not opener.is_named and opener != node:
        return (
            f"unterminated `{node_text(opener)}` (no closing `{node.type}`)",
            opener.start_byte,
        )
    return f"syntax error: missing `{node.type}`", node.start_byte


def node_text(node: Node) -> str:
    return (node.text or b"").decode(errors="replace")


def walk(node: Node) -> Iterator[Node]:
    """Every node under `node` (itself included) in source order."""
    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        children = node.children
        if children:
            stack += children[::-1]


def parts(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type != "comment"]


# `<namespace>`, `pod/<pod-name>`, `osd.<id>`, `<your request's correlation id>`: words in
# angle brackets, then a blank, the end of the command, `]` or `,` (`[--namespace <ns>]`,
# `app=<app>,tier=<tier>`: no one redirects into a file named so). Documentation's "fill
# this in", which bash reads as two redirections; shell's own `<` (`<<EOF`, `<(cmd)`,
# `sort<in`) does not follow `<`, `(`, `$` or a letter, and its `>` is followed by a target.
# A one-letter flag is the exception: `-n<namespace>` is `-n <namespace>` written glued
# (no one redirects from a file into the flag `-n`).
_PLACEHOLDER = re.compile(
    rb"(?:(?<![<($\w])|(?<=\s-[A-Za-z]))<[A-Za-z][\w.-]*(?:[ '][\w.'-]+)*>(?=[\s;|&)\],]|$)",
    re.M,
)
# Where angle brackets are text, not redirections.
_TEXT_NODES = frozenset(
    {"string", "raw_string", "ansi_c_string", "translated_string", "comment", "heredoc_body"}
)


def placeholders(tree: Tree, data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of each `<placeholder>` outside quotes, comments and
    here-documents, in source order."""
    found: list[tuple[int, int]] = []
    if b"<" not in data:  # most blocks; the pattern costs at every character (6% of drafts)
        return found
    for match in _PLACEHOLDER.finditer(data):
        node: Node | None = tree.nodes[0].descendant_for_byte_range(match.start(), match.end())
        while node is not None and node.type not in _TEXT_NODES:
            node = node.parent
        if node is None:
            found.append(match.span())
    return found


def placeholder(tree: Tree, data: bytes) -> tuple[str, int] | None:
    """(the placeholder, byte offset) of the first `<placeholder>` outside quotes, comments
    and here-documents; None when there is none."""
    for start, end in placeholders(tree, data):
        return data[start:end].decode(errors="replace"), start
    return None
