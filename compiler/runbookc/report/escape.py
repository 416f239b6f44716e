"""Text from the input, made safe to print in a line-based report.

Paths, messages and hints carry text from the input (file names, link targets, code
spans), which may hold control characters: a newline or a carriage return would start a
line of the writer's choosing (a fake `0 errors` summary), an ANSI sequence would rewrite
the terminal, a bidi override would reorder what is shown. Each such character is printed
as an escape instead (`\\n`, `\\x1b`, `\\u202e`).
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; line and paragraph separators; bidi marks, embeddings,
# overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str) -> str:
    """`text` with every character that could break or disguise a report line escaped."""
    return _UNSAFE.sub(_escape, text)
