"""The $parameters a block refers to: the spans of the words that expand them, and the
variables it demands with `${NAME:?message}`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import Source, Tree
from runbookc.scripts.shellwords import EXPANSIONS, dequote

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


def required_env(content: str) -> list[tuple[str, str]]:
    """Variables the block demands with `${NAME:?message}`: (name, message)."""
    return list(
        dict.fromkeys((m.group(1), m.group(2).strip()) for m in _REQUIRED.finditer(content))
    )
