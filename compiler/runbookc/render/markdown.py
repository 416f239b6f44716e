"""Writing values into generated Markdown safely: front matter strings are shown as text.

A title like `<b>x</b>` or `a | b` must not turn into HTML or split a table cell, so every
value from front matter passes through one of these before it reaches a page.
"""

from __future__ import annotations

import html
import json
import re

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def text(value: object) -> str:
    """Inline Markdown that shows `value` literally."""
    escaped = html.escape(str(value), quote=False)
    # Most values hold nothing to escape; `sub` would still expand its template per call.
    return _MD_SPECIAL.sub(r"\\\1", escaped) if _MD_SPECIAL.search(escaped) else escaped


def one_line(value: object) -> str:
    """`value` with each run of whitespace made one space, trimmed."""
    return " ".join(str(value).split())


def cell(value: object) -> str:
    """Like `text`, on one line (a table cell)."""
    return text(one_line(value))


def code(value: object) -> str:
    """An inline code span holding `value` on one line."""
    content = one_line(value)
    if "`" not in content:
        return f"`{content}`"
    runs = [len(m) for m in re.findall(r"`+", content)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{fence}{pad}{content}{pad}{fence}"


# A code span as our own messages write one: a run of backticks, text, the same run.
_CODE_SPAN = re.compile(r"(`+)(.+?)\1(?!`)")


def code_spans(value: object) -> list[str]:
    """The contents of the code spans in `value` (a message or summary of ours)."""
    return [m[2] for m in _CODE_SPAN.finditer(one_line(value))]


def with_code(value: object) -> str:
    """Like `cell`, but its code spans stay code: a lint message's `names` show as code on
    the page, not as text with backticks."""
    line, parts, start = one_line(value), [], 0
    for match in _CODE_SPAN.finditer(line):
        parts += [text(line[start : match.start()]), code(match[2])]
        start = match.end()
    return "".join([*parts, text(line[start:])])


def meta(value: object) -> str:
    """A front matter scalar for a generated page (titles are shown as text there too)."""
    return json.dumps(html.escape(str(value), quote=False), ensure_ascii=False)


def quoted(value: object) -> str:
    """An admonition title: inside double quotes, shown as text."""
    return '"' + html.escape(one_line(value), quote=True) + '"'


FILTERS = {"md": text, "cell": cell, "code": code, "meta": meta, "quoted": quoted}
