"""What an awk or sed program does besides reading its input and printing: "" (nothing),
"writes" (a file), "runs" (a command) or "unsure" (the scanner cannot tell). Both scanners
err towards "unsure": anything they do not recognise is not read-only."""

from __future__ import annotations

import re

_STREAMS = frozenset({"/dev/stdout", "/dev/stderr"})

# ---- awk ----

_AWK_OPS: tuple[str, ...]
_AWK_OPS = ("||", "&&", "|&", ">>", ">=", "<=", "==", "!=", "!~", "++", "--", "+=", "-=")
_AWK_OPS += ("*=", "/=", "%=", "^=", "**")  # two characters each: tried before one
# After these a `/` starts a regular expression; after a value, it divides.
_VALUE_END = frozenset({"word", "str", "regex", ")", "]", "$"})


class _Unsure(Exception):
    pass


def awk_effect(program: str) -> str:
    try:
        tokens = _awk_tokens(program)
    except _Unsure:
        return "unsure"
    depth_at_print: list[int] = []  # paren depth where each open print statement began
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if kind == "word" and text == "system":
            return "runs"
        if kind == "op" and text in ("|", "|&"):
            return "runs"  # print | "cmd", "cmd" | getline
        if kind == "op" and text == "@":
            return "unsure"  # gawk @load, @include, indirect calls
        if kind == "word" and text in ("print", "printf"):
            depth_at_print.append(depth)
        elif kind == "op" and text in ("(", "["):
            depth += 1
        elif kind == "op" and text in (")", "]"):
            depth -= 1
        elif kind == "op" and text in (";", "{", "}", "\n"):
            depth_at_print.clear()
        elif kind == "op" and text in (">", ">>") and depth_at_print[-1:] == [depth]:
            target = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
            if target[0] != "str" or target[1] not in _STREAMS:
                return "writes"  # print > "file"
    return ""


def _awk_tokens(program: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(program)
    while i < n:
        char = program[i]
        previous = tokens[-1] if tokens else ("", "")
        if char in " \t\r":
            i += 1
        elif char == "\\" and program.startswith("\n", i + 1):
            i += 2
        elif char == "#":
            while i < n and program[i] != "\n":
                i += 1
        elif char == '"':
            end = _closing(program, i + 1, '"')
            tokens.append(("str", program[i + 1 : end]))
            i = end + 1
        elif char == "/" and previous[0] not in _VALUE_END and previous[1] not in _VALUE_END:
            end = _closing(program, i + 1, "/")
            tokens.append(("regex", program[i + 1 : end]))
            i = end + 1
        elif char.isalnum() or char in "_.":
            match = re.match(r"[A-Za-z0-9_.]+", program[i:])
            assert match is not None
            tokens.append(("word", match.group()))
            i += match.end()
        else:
            op = next((o for o in _AWK_OPS if program.startswith(o, i)), char)
            tokens.append(("op", op))
            i += len(op)
    return tokens


def _closing(text: str, start: int, quote: str) -> int:
    """The offset of the `quote` that ends a string or regex starting at `start`."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        if text[i] == "\n":
            break
        i += 1
    raise _Unsure


# ---- sed ----

_SED_SIMPLE = frozenset("=dDgGhHlnNpPqQxzF")  # commands with no argument (l, q, Q: a number)
_SED_S_FLAGS = re.compile(r"[gpiImM0-9]*")


def sed_effect(script: str) -> str:
    try:
        return _sed(script)
    except (_Unsure, IndexError):
        return "unsure"


def _sed(script: str) -> str:
    i, n = 0, len(script)
    while i < n:
        char = script[i]
        if char in " \t\n;{}!":
            i += 1
            continue
        if char == "#":
            i = _line_end(script, i)
            continue
        i = _address(script, i)
        if i < n and script[i] == ",":
            i = _address(script, i + 1)
        while i < n and script[i] in " \t!":
            i += 1
        if i >= n:
            raise _Unsure  # an address without a command
        command = script[i]
        i += 1
        if command in "{}":
            continue
        if command == "s":
            delimiter = script[i]
            if delimiter in "\n\\":
                raise _Unsure
            i = _closing_any(script, _closing_any(script, i + 1, delimiter) + 1, delimiter) + 1
            flags = re.match(r"[^;\n}]*", script[i:])
            text = flags.group().strip() if flags else ""
            if "w" in text:
                return "writes"
            if "e" in text:
                return "runs"
            if not _SED_S_FLAGS.fullmatch(text):
                raise _Unsure
            i += flags.end() if flags else 0
        elif command == "y":
            delimiter = script[i]
            i = _closing_any(script, _closing_any(script, i + 1, delimiter) + 1, delimiter) + 1
        elif command in "wW":
            return "writes"
        elif command == "e":
            return "runs"
        elif command in "aicrR":  # text, or a file to read, up to the end of the line
            i = _line_end(script, i)
        elif command in "btT:v":  # a label up to `;` or the end of the line
            match = re.match(r"[^;\n]*", script[i:])
            i += match.end() if match else 0
        elif command in _SED_SIMPLE:
            while i < n and (script[i].isdigit() or script[i] in " \t"):
                i += 1
        else:
            raise _Unsure
    return ""


def _address(script: str, i: int) -> int:
    """The offset after an address (a line number, `$`, `/re/`, `\\cREc`, `first~step`,
    `+N`, `~N`), or `i` when there is none."""
    n = len(script)
    if i < n and script[i] == "/":
        i = _closing_any(script, i + 1, "/") + 1
    elif i < n and script[i] == "\\":
        i = _closing_any(script, i + 2, script[i + 1]) + 1
    elif i < n and script[i] == "$":
        i += 1
    else:
        match = re.match(r"[+~]?[0-9]+(~[0-9]+)?", script[i:])
        return i + match.end() if match else i
    while i < n and script[i] in "IM":
        i += 1
    return i


def _closing_any(script: str, start: int, delimiter: str) -> int:
    """The offset of the unescaped `delimiter` ending a regex or replacement."""
    i = start
    while i < len(script):
        if script[i] == "\\":
            i += 2
            continue
        if script[i] == delimiter:
            return i
        i += 1
    raise _Unsure


def _line_end(script: str, i: int) -> int:
    """The end of a line that a backslash before its newline continues."""
    while i < len(script) and script[i] != "\n":
        i += 2 if script[i] == "\\" else 1
    return i
