"""Text from the input, made safe to print in a line-based report.

Paths, messages and hints carry text from the input (file names, link targets, code
spans), which may hold control characters: a newline or a carriage return would start a
line of the writer's choosing (a fake `0 errors` summary), an ANSI sequence would rewrite
the terminal, a bidi override would reorder what is shown. Each such character is printed
as an escape instead (`\\n`, `\\x1b`, `\\u202e`).
"""

from __future__ import annotations

import re

# C0 controls; DEL and C1 controls; line and paragraph separators; bidi marks, embeddings,
# overrides and isolates.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
# The same but for line feeds and tabs: text shown as lines (a script's help, its commands).
_UNSAFE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` with every character that could break or disguise a report line escaped."""
    return _UNSAFE.sub(_escape, text)


def printable_lines(text: str) -> str:
    """`printable`, keeping line feeds and tabs: for text a terminal shows as lines."""
    return _UNSAFE_IN_LINES.sub(_escape, text)
