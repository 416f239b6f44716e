"""A shell block as the compiler sees it: top-level commands, the simple commands inside
them, their pipeline stages, parameter references and grep patterns (bashlex, a real
parser; no regexes on lines)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from runbookc.scriptconfig import MUTATING, UNKNOWN, VALUE_FLAGS

# Words that run the command after them (with their own flags in between).
_PREFIXES = frozenset({"sudo", "command", "env", "time", "nohup", "exec", "nice", "timeout"})
_XARGS_VALUE_FLAGS = frozenset({"-I", "-n", "-P", "-d", "-L", "-s", "-E", "-a"})
_TOLERATORS = frozenset({"true", ":"})


@dataclass(frozen=True)
class Word:
    text: str  # bashlex's word: quotes removed, expansions kept as written
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
    error: str = ""  # why bashlex could not parse it ("" when it could)
    error_line: int = 0  # 0-based line in the block


@lru_cache(maxsize=8192)
def parse_block(content: str) -> ParsedBlock:
    """Cached: bashlex takes about 10 ms a block, and runbooks repeat their blocks."""
    import bashlex

    try:
        trees = bashlex.parse(content) if _has_commands(content) else []
    except Exception as exc:  # bashlex raises ParsingError, NotImplementedError, ...
        position = getattr(exc, "position", None)
        line = content.count("\n", 0, position) if isinstance(position, int) else 0
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return ParsedBlock((_opaque_unit(content),), message, line)
    return ParsedBlock(tuple(_unit(tree, content) for tree in trees))


def _has_commands(content: str) -> bool:
    """Whether anything but blank and comment lines is there (bashlex rejects those)."""
    return any(line.strip() and not line.lstrip().startswith("#") for line in content.split("\n"))


def _opaque_unit(content: str) -> Unit:
    body = content.rstrip("\n")
    return Unit(0, len(body), 0, "compound", (), (), (), len(body))


def _unit(tree: Any, content: str) -> Unit:
    start, end = tree.pos[0], _end(tree)
    kind, stages, run_node = "compound", (), tree
    if tree.kind == "list" and _trailing_semicolon(tree):
        tree = tree.parts[0]
    if tree.kind == "command":
        assignment = _literal_assignment(tree)
        if assignment is not None:
            return _make(tree, content, "assign", (), tree, assignment)
        kind, stages, run_node = "run", (_tool(tree, content),), tree
    elif tree.kind == "pipeline" and not any(p.kind == "reservedword" for p in tree.parts):
        kind, stages, run_node = "run", _stages(tree, content), tree  # (`! a | b` stays compound)
    elif tree.kind == "list" and _tolerated(tree):
        left = tree.parts[0]
        kind, run_node = "tolerated", left
        stages = _stages(left, content) if left.kind == "pipeline" else (_tool(left, content),)
    if run_node is not tree:
        start, end = run_node.pos[0], _end(run_node)
    return _make(tree, content, kind, stages, run_node, None, start, end)


def _make(
    tree: Any,
    content: str,
    kind: str,
    stages: tuple[str, ...],
    run_node: Any,
    assignment: tuple[str, str] | None,
    start: int | None = None,
    end: int | None = None,
) -> Unit:
    start = tree.pos[0] if start is None else start
    end = _end(tree) if end is None else end
    commands = tuple(_command(node, content) for node in _walk(run_node) if node.kind == "command")
    return Unit(
        start,
        end,
        content.count("\n", 0, start),
        kind,
        stages,
        commands,
        tuple(_refs(tree)),
        _end(tree),
        assignment,
    )


def _walk(node: Any) -> Iterator[Any]:
    """Every node under `node` (itself included) in source order."""
    yield node
    children: list[Any] = []
    for attr in ("parts", "list"):
        children.extend(getattr(node, attr, None) or [])
    for attr in ("command", "output", "heredoc"):
        child = getattr(node, attr, None)
        if child is not None and hasattr(child, "kind"):
            children.append(child)
    for child in sorted(children, key=lambda n: n.pos[0]):
        yield from _walk(child)


def _end(node: Any) -> int:
    return max(n.pos[1] for n in _walk(node))


def _trailing_semicolon(node: Any) -> bool:
    parts = node.parts
    return len(parts) == 2 and parts[1].kind == "operator" and parts[1].op in (";", "\n")


def _tolerated(node: Any) -> bool:
    """`PIPELINE || true` (or `|| :`, with or without a `;` after it): the author's way
    to accept any exit status."""
    parts = node.parts
    if len(parts) == 4 and parts[3].kind == "operator" and parts[3].op == ";":
        parts = parts[:3]
    if len(parts) != 3 or parts[1].kind != "operator" or parts[1].op != "||":
        return False
    left, right = parts[0], parts[2]
    plain_left = left.kind == "command" or (
        left.kind == "pipeline" and not any(p.kind == "reservedword" for p in left.parts)
    )
    words = [w.word for w in right.parts if w.kind == "word"] if right.kind == "command" else []
    return plain_left and len(words) == 1 and words[0] in _TOLERATORS


def _stages(pipeline: Any, content: str) -> tuple[str, ...]:
    return tuple(
        _tool(p, content) if p.kind == "command" else "" for p in pipeline.parts if p.kind != "pipe"
    )


def _literal_assignment(node: Any) -> tuple[str, str] | None:
    parts = node.parts
    if len(parts) != 1 or parts[0].kind != "assignment" or getattr(parts[0], "parts", None):
        return None
    name, _, value = parts[0].word.partition("=")
    return (name, value) if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else None


def _word(node: Any, content: str) -> Word:
    params: list[str] = []
    opaque = False
    for child in list(_walk(node))[1:]:
        if child.kind == "parameter":
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", child.value):
                params.append(child.value)
            else:
                opaque = True
        elif child.kind in ("commandsubstitution", "processsubstitution"):
            opaque = True
    raw = content[node.pos[0] : node.pos[1]]
    text = node.word if opaque or "$'" in raw else _dequote(raw)
    return Word(text, tuple(params), opaque, _unquoted_expansion(raw))


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


def _dequote(raw: str) -> str:
    r"""Quote removal as bash does it, `$...` left as written. (bashlex also drops the
    backslash of `\(` inside double quotes, which bash keeps: grep patterns need it.)"""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        char = raw[i]
        if char == "'":
            end = raw.find("'", i + 1)
            end = n if end < 0 else end
            out.append(raw[i + 1 : end])
            i = end + 1
        elif char == '"':
            i += 1
            while i < n and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < n and raw[i + 1] in '$`"\\\n':
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


def _argv(node: Any, content: str) -> list[Word]:
    return [_word(p, content) for p in node.parts if p.kind == "word"]


def _command_words(node: Any, content: str) -> tuple[str, list[Word]]:
    """The program (as written) and its arguments, after any sudo/env/xargs prefix."""
    return _split_runners(_argv(node, content))[1:]


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


def _tool(node: Any, content: str) -> str:
    return _command_words(node, content)[0].rsplit("/", 1)[-1]


def _command(node: Any, content: str) -> Command:
    runners, program, words = _split_runners(_argv(node, content))
    writes = tuple(
        p.output.word
        for p in node.parts
        if p.kind == "redirect" and p.type in (">", ">>", ">|", "&>") and hasattr(p.output, "word")
    )
    tool = program.rsplit("/", 1)[-1]
    line = content.count("\n", 0, node.pos[0])
    return Command(tool, program, tuple(words), line, writes, _silent(node), runners)


def _silent(node: Any) -> bool:
    """Whether the command's stderr is sent to /dev/null (2>/dev/null, &>/dev/null, ...)."""
    targets = {1: "", 2: ""}
    for part in node.parts:
        if part.kind != "redirect":
            continue
        output = getattr(part.output, "word", part.output)
        fd = getattr(part, "input", None)
        if part.type in ("&>", "&>>"):
            targets[1] = targets[2] = str(output)
        elif part.type in (">", ">>", ">|"):
            targets[fd if fd in (1, 2) else 1] = str(output)
        elif part.type == ">&" and fd == 2 and output == 1:
            targets[2] = targets[1]
    return targets[2] == "/dev/null"


def _refs(node: Any) -> Iterator[tuple[int, int, str]]:
    """Spans of parameter references: the whole word when it is just `"$name"`."""
    for word in _walk(node):
        if word.kind not in ("word", "assignment"):
            continue
        inner = [c for c in _walk(word) if c.kind == "parameter"]
        if (
            word.kind == "word"
            and len(inner) == 1
            and word.word
            in (
                f"${inner[0].value}",
                "${" + inner[0].value + "}",
            )
        ):
            yield (word.pos[0], word.pos[1], inner[0].value)
            continue
        for param in inner:
            yield (param.pos[0], param.pos[1], param.value)


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
