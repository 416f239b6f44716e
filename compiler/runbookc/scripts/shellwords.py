"""One shell word as the compiler reads it from tree-sitter-bash's tree: its text with quotes
removed (bash's quote removal, expansions kept as written), the $parameters it expands, and
whether its value is knowable before the script runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from runbookc.scripts.bashtree import Source, walk

if TYPE_CHECKING:
    from tree_sitter import Node

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPECIAL = re.compile(r"[$`'\"\\*?\[~(]")  # quoting, expansion, globs, <(...)

# Nodes that are one shell word (their children are its parts).
WORD_TYPES = frozenset(
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
SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution", "arithmetic_expansion"})
EXPANSIONS = frozenset({"simple_expansion", "expansion"})


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


def read_word(node: Node, source: Source) -> Word:
    raw = source.of(node)
    if not node.is_named or not _SPECIAL.search(raw):  # most words: nothing to remove or expand
        return _plain_word(raw)
    params: list[str] = []
    opaque = False
    for part in walk(node):
        kind = part.type
        if kind in SUBSTITUTIONS:
            opaque = True
        elif kind in EXPANSIONS:
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
    return Word(dequote(raw), params, opaque, _unquoted_expansion(raw))


def _param_name(expansion: Node, source: Source) -> str | None:
    """The parameter of `$name` or `${name}` (None for `$1`, `${x:-y}`, `${#x}`, ...)."""
    inner = [c for c in expansion.children if c.type not in ("$", "${", "}")]
    if len(inner) == 1 and inner[0].type == "variable_name":
        name = source.of(inner[0])
        return name if NAME.fullmatch(name) else None
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
def dequote(raw: str) -> str:
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
