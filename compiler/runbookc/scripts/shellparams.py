"""The $parameters a block refers to: the spans of the words that expand them; the
`<placeholders>` it leaves to fill in, rewritten as references to variables; and the
variables it expands but never sets (`$POD`, `${NAME:?message}`), which the script asks for."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import Source, Tree, parsed, placeholders
from runbookc.scripts.shellwords import EXPANSIONS, NAME, dequote

if TYPE_CHECKING:
    from tree_sitter import Node


def param_refs(index: int, tree: Tree, source: Source) -> list[tuple[int, int, str]]:
    """Spans of the parameter references in the word (or assignment) at `index` of the
    tree: the whole word when it is just `"$name"`."""
    word = tree.nodes[index]
    # every expansion starts with `$`: most words have none and need no look inside
    if source.original.find(b"$", word.start_byte, word.end_byte) < 0:
        return []
    expansions = [tree.nodes[at] for at in tree.subtree(index) if tree.kinds[at] in EXPANSIONS]
    inner = [
        (source.pos(e.start_byte), source.pos(e.end_byte), _ref_name(e, source)) for e in expansions
    ]
    if tree.kinds[index] != "variable_assignment" and len(inner) == 1:
        name = inner[0][2]
        if dequote(source.of(word)) in (f"${name}", "${" + name + "}"):
            return [(source.pos(word.start_byte), source.pos(word.end_byte), name)]
    return inner


def _ref_name(expansion: Node, source: Source) -> str:
    text = source.of(expansion)
    return text[2:-1] if text.startswith("${") else text[1:]


_REQUIRED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?([^}]*)\}")
# `${NAME:-x}` and its kin give a value when NAME has none: the block needs nothing.
_FALLBACKS = frozenset({":-", "-", ":=", "=", ":+", "+"})
# Set by the operator's session, not by the runbook's reader: a block reads them as they are.
_SESSION = frozenset({"USER", "LOGNAME", "TERM", "EDITOR", "VISUAL", "PAGER", "KUBECONFIG", "TZ"})


def option_name(name: str) -> str:
    """The option of a parameter: `POD_NAME` -> `pod-name` (--pod-name)."""
    return name.lower().replace("_", "-")


def placeholder_name(text: str) -> str:
    """The variable a `<placeholder>` becomes: `<pod-name>`, `<pod_name>` and `<Pod Name>`
    are all POD_NAME; `<your request's id>` is YOUR_REQUESTS_ID."""
    return "_".join(re.findall(r"[A-Za-z0-9]+", text.replace("'", ""))).upper()


# The variables a block names: `$name`, `${name...}`, `name=` where a line starts.
_NAMED = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)|^[ \t]*([A-Za-z_][A-Za-z0-9_]*)\+?=", re.M)


@lru_cache(maxsize=4096)
def fill_placeholders(
    content: str, usable: Callable[[str], bool]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The block with each `<placeholder>` outside quotes, comments and here-documents
    replaced by a quoted reference to its variable (`pod/<pod-name>` -> `pod/"$POD_NAME"`),
    and (variable, the placeholder it stands for: its first spelling) pairs. A variable the block
    already names for the same option keeps the block's spelling (`<namespace>` beside
    `$namespace` is `"$namespace"`); `usable`: whether a name may be a parameter
    (`<path>` is PATH_VALUE, never PATH)."""
    tree, source = parsed(content)
    spans = placeholders(tree, source.data)
    if not spans:
        return content, ()
    spelled = {
        option_name(name): name
        for match in _NAMED.finditer(content)
        if usable(name := match.group(1) or match.group(2))
    }
    stands: dict[str, str] = {}
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        first, last = source.pos(start), source.pos(end)
        name = placeholder_name(content[first:last])
        if not usable(name):
            name += "_VALUE"
        name = spelled.get(option_name(name), name)
        stands.setdefault(name, content[first:last])
        out += [content[cursor:first], f'"${name}"']
        cursor = last
    out.append(content[cursor:])
    return "".join(out), tuple(stands.items())


@dataclass(frozen=True)
class _Names:
    """The variables a block names, read in one walk of its tree (three walks, one per
    question, cost 1.2% more of the drafts' instructions)."""

    used: dict[str, str]  # expanded without a fallback -> its `${NAME:?message}` ("" none)
    named: frozenset[str]  # those it may set (see set_names)
    quoted: frozenset[str]  # those whose every expansion stands inside double quotes


@lru_cache(maxsize=4096)
def _names(content: str) -> _Names:
    tree, source = parsed(content)
    nodes, aboves = tree.nodes, tree.aboves
    used: dict[str, str] = {}
    named: set[str] = set()
    quoted: set[str] = set()
    bare: set[str] = set()
    for index, kind in enumerate(tree.kinds):
        if kind == "word" or (kind == "variable_name" and aboves[index] not in EXPANSIONS):
            named.add(source.of(nodes[index]))
        if kind not in EXPANSIONS:
            continue
        node = nodes[index]
        children = node.children
        variable = next((c for c in children if c.type == "variable_name"), None)
        if variable is None:
            continue
        name = source.of(variable)
        (quoted if aboves[index] == "string" else bare).add(name)
        if any(c.type in _FALLBACKS for c in children):
            continue
        required = _REQUIRED.fullmatch(source.of(node))
        used[name] = used.get(name) or (required.group(2).strip() if required else "")
    return _Names(used, frozenset(named), frozenset(quoted - bare))


def unset_params(content: str, usable: Callable[[str], bool]) -> tuple[tuple[str, str], ...]:
    """The variables the block expands but never sets, each with the message of its
    `${NAME:?message}` ("" when none): what the reader has to give. An expansion with a
    fallback (`${NAME:-x}`) needs nothing; nor does a name the block sets anywhere (an
    assignment, `for NAME in`, `export NAME`, or a bare word NAME as in `read NAME`), one
    bash or the operator's session sets, or one `usable` refuses."""
    names = _names(content)
    return tuple(
        (name, message)
        for name, message in names.used.items()
        if NAME.fullmatch(name)
        and name not in names.named
        and name not in _SESSION
        and usable(name)
    )


def set_names(content: str) -> frozenset[str]:
    """The names the block may set: an assignment, `for NAME in`, `export NAME`, or a bare
    word NAME as in `read NAME` (any bare word counts: more than it sets, never fewer)."""
    return _names(content).named


def quoted_names(content: str) -> frozenset[str]:
    """The variables whose every expansion in the block stands inside double quotes: bash
    neither splits nor globs their values, so any text is safe there but a leading `-`
    (read as an option) and control characters (a newline ends a command)."""
    return _names(content).quoted
