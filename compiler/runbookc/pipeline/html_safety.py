"""Raw HTML safety: script tags, event-handler attributes, script URLs and tags that move the
page elsewhere, in a document.

One scanner serves the linter (RB501-RB504) and the site renderer, which escapes exactly the
spots the linter reports. It is the early, line-accurate warning; the wall is the allow-list
sanitiser every page's HTML passes (render/sanitise.py). Code (fenced and indented blocks,
code spans) is masked first: `<script>` inside backticks is just text. A backslash-escaped
backtick opens no code span, nor does a backtick inside a tag's attribute value, as in
Python-Markdown. Attribute lists (`{: onerror=... }`, attr_list) and link reference
definitions inside block quotes and list items are scanned too.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.html import EVENT_HANDLER, PAGE_TAG, SCRIPT_TAG, SCRIPT_URL
from runbookc.lint.rule import Rule
from runbookc.model import Document, KeyPath

_ACTIVE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset"})
_PAGE_TAGS = frozenset({"base", "meta", "link"})
# attr_list: `{: key=value ... }` or `{ ... }` after an element, as Python-Markdown reads it.
_ATTR_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)\}")
_ATTR_LIST_ITEM = re.compile(r"([^ =}]+)=(\"[^\"\n]*\"|'[^'\n]*'|[^ =}]+)")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\"<>])*)>?")
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^\s)>]*)")
# A definition may sit in block quotes and list items (`> [r]: url`, `- [r]: url`).
_DEFINITION = re.compile(
    r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*\[[^\]]+\]:\s*<?(\S*)",
    re.MULTILINE,
)
# Left to right, as the Markdown parsers read: a backslash escape, a tag (a backtick in its
# quoted attribute value is the value's), or a code span (group 1: its backticks).
_INLINE = re.compile(
    r"\\[\s\S]"
    r"|</?[A-Za-z][\w:-]*(?:\"[^\"]*\"|'[^']*'|[^'\"<>`])*>"
    r"|(`+)[\s\S]+?(?<!`)\1(?!`)"
)
# may_be_unsafe: the characters some finding needs (one fast class scan: most bodies hold
# none), then what it needs right after them; control characters are those script_url drops.
_SUSPECT_CHAR = re.compile(r"[<&\x00-\x08\x0b-\x1f\x7f]")
_SUSPECT = re.compile(r"</?[A-Za-z]|&[#A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]")
# An event handler in an attribute list, in lowered text: one pattern per character before
# it, as a pattern that starts with a literal is searched for by it (under half the time of
# one case-blind pattern over a runbook's body).
_ATTR_LIST_HANDLERS = tuple(re.compile(re.escape(c) + r"on[^ =}]*=") for c in "{: ")


@dataclass(frozen=True)
class Unsafe:
    """One unsafe construct: `start`/`end` are offsets in the scanned text."""

    rule: Rule
    start: int
    end: int
    kind: str  # "tag"/"end" (escape its `<`), "link" (its `(`), "definition" (its `[`),
    # "attrs" (an attribute list's `{`)
    message: str

    @property
    def growth(self) -> int:
        """How many characters escaping it adds."""
        return len("&lt;") - 1 if self.kind in ("tag", "end") else 1


def script_url(value: str) -> bool:
    """Whether a URL runs script, as a browser reads it (entities decoded, controls dropped)."""
    if ":" not in value and "&" not in value:
        return False  # every such scheme ends in a colon, written out or as an entity
    text = "".join(ch for ch in html.unescape(value) if ord(ch) > 32 and ord(ch) != 127)
    return text.lower().startswith(_SCRIPT_SCHEMES)


def may_be_unsafe(body: str) -> bool:
    """False only when `find_unsafe(body)` finds nothing, whatever the code: a test ten times
    cheaper than masking and scanning, which most bodies need not pay.

    Masking only blanks characters, so what find_unsafe matches in the masked text is in
    `body` as written. Each finding is a tag (an end tag too): `<`, maybe `/`, an ASCII
    letter; or a link or definition URL that script_url accepts: one that, entities decoded
    and characters up to U+0020 and U+007F dropped, starts with javascript:, vbscript: or
    data:text/html. html.unescape changes only an `&` before `#` or an ASCII letter, and
    such a URL holds no whitespace; so without such an `&` and without control characters
    the URL is its own decoded text, and it starts with `script:` or `data:` (after
    `java`/`vb`) in ASCII letters of either case: no other character lowers to one of
    those letters (U+212A lowers to `k`, U+0130 to `i` and a combining dot). Hence the
    body holds a tag start, such an `&`, a control character, `script:` or `data:`. An
    attribute list's finding is an event handler, `on...=` after `{`, `:` or a space (its
    keys are separated by spaces), or a script URL as above.
    """
    if _SUSPECT_CHAR.search(body) and _SUSPECT.search(body):
        return True
    lowered = body.lower()  # only `O` and `N` lower to `o` and `n`
    if "script:" in lowered or "data:" in lowered:
        return True
    return any(handler.search(lowered) for handler in _ATTR_LIST_HANDLERS)


def find_unsafe(text: str, *, markdown: bool = True, masked: str | None = None) -> list[Unsafe]:
    """Unsafe HTML and links in `text` (a body when `markdown`, else a plain string);
    `masked` is `mask_code(text)` when the caller has it already."""
    scan = (masked if masked is not None else mask_code(text)) if markdown else text
    found = [*_tags(scan)]
    if markdown:
        for match in _LINK_TARGET.finditer(scan):
            if script_url(match.group(1)):
                found.append(
                    Unsafe(
                        SCRIPT_URL,
                        match.start() + 1,
                        match.end(),
                        "link",
                        f"link to a script URL `{_clip(match.group(1))}`",
                    )
                )
        found += _attr_lists(scan)
        for match in _DEFINITION.finditer(scan):
            if script_url(match.group(1)):
                start = match.start() + match.group(0).index("[")
                found.append(
                    Unsafe(
                        SCRIPT_URL,
                        start,
                        match.end(),
                        "definition",
                        f"link definition with a script URL `{_clip(match.group(1))}`",
                    )
                )
    return sorted(found, key=lambda u: (u.start, u.rule.code))


def _attr_lists(scan: str) -> list[Unsafe]:
    """`{: onerror=... }` and `{: href="javascript:..." }`: attr_list sets any attribute."""
    found: list[Unsafe] = []
    for match in _ATTR_LIST.finditer(scan):
        for item in _ATTR_LIST_ITEM.finditer(match.group(1)):
            key, value = item.group(1).lower(), item.group(2).strip("\"'")
            if key.startswith("on"):
                message = f"attribute list sets event handler `{key}`"
                found.append(Unsafe(EVENT_HANDLER, match.start(), match.end(), "attrs", message))
            elif script_url(value):
                message = f"attribute list sets `{key}` to a script URL `{_clip(value)}`"
                found.append(Unsafe(SCRIPT_URL, match.start(), match.end(), "attrs", message))
            else:
                continue
            break  # one finding an attribute list: escaping its `{` disarms all of it
    return found


def _tags(scan: str) -> list[Unsafe]:
    found: list[Unsafe] = []
    flagged_open: list[tuple[str, int]] = []
    for match in _TAG.finditer(scan):
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name in _ACTIVE_TAGS or name in _PAGE_TAGS:
            kind = SCRIPT_TAG if name in _ACTIVE_TAGS else PAGE_TAG
            found.append(
                Unsafe(kind, match.start(), match.end(), "tag", f"raw HTML <{closing}{name}>")
            )
            continue
        if closing:
            # The end tag of an escaped element is escaped too, or it would close the page's
            # own containers.
            if any(n == name and s < match.start() for n, s in flagged_open):
                flagged_open = [(n, s) for n, s in flagged_open if n != name]
                found.append(Unsafe(EVENT_HANDLER, match.start(), match.end(), "end", ""))
            continue
        for attr in _ATTR.finditer(attrs):
            key, value = attr.group(1).lower(), (attr.group(2) or "").strip("\"'")
            if key.startswith("on"):
                found.append(
                    Unsafe(
                        EVENT_HANDLER,
                        match.start(),
                        match.end(),
                        "tag",
                        f"raw HTML <{name}> with event handler `{key}`",
                    )
                )
            elif value and script_url(value):
                found.append(
                    Unsafe(
                        SCRIPT_URL,
                        match.start(),
                        match.end(),
                        "tag",
                        f"raw HTML <{name}> with `{key}` set to a script URL `{_clip(value)}`",
                    )
                )
            else:
                continue
            flagged_open.append((name, match.start()))
            break
    return found


@cache
def _block_parser() -> MarkdownIt:
    """Block structure only (lists, code blocks): a third of a full parse's time."""
    return MarkdownIt("commonmark").enable("table").disable("inline")


def blocks(text: str) -> list[Token]:
    """The block tokens of a Markdown text (their `.map` gives the lines)."""
    return _block_parser().parse(text)


def code_lines(tokens: list[Token]) -> list[tuple[int, int]]:
    """The [start, end) line ranges of the fenced and indented code blocks among `tokens`."""
    return [(t.map[0], t.map[1]) for t in tokens if t.type in ("fence", "code_block") and t.map]


def mask_code(text: str, ranges: Sequence[tuple[int, int]] | None = None) -> str:
    """`text` with fenced/indented code blocks and code spans blanked (newlines kept);
    `ranges` are the code blocks' lines (`code_lines`) when the caller has them already:
    the per-document stage has them from its parse, so the body is not parsed again."""
    lines = text.split("\n")
    for start, end in code_lines(blocks(text)) if ranges is None else ranges:
        for index in range(start, min(end, len(lines))):
            lines[index] = " " * len(lines[index])
    masked = "\n".join(lines)
    return _INLINE.sub(_blank_span, masked) if "`" in masked else masked


def _blank_span(match: re.Match[str]) -> str:
    """A code span with every character but newlines turned into a space; an escape or a
    tag as it is."""
    if match.group(1) is None:
        return match.group(0)
    return "\n".join(" " * len(line) for line in match.group(0).split("\n"))


def neutralise(text: str, found: list[Unsafe]) -> str:
    """Escape each unsafe construct so that it shows as text."""
    out = text
    for item in sorted(found, key=lambda u: u.start, reverse=True):
        out = out[: item.start] + _escape(item, out[item.start :])
    return out


def _escape(item: Unsafe, rest: str) -> str:
    if item.kind in ("tag", "end"):
        return "&lt;" + rest[1:]
    # A link's "(", a definition's "[" or an attribute list's "{" is backslash-escaped: the
    # text shows as written.
    return "\\" + rest


def check(document: Document) -> list[Diagnostic]:
    """RB501-RB503 for the body and every front matter string."""
    body = document.body
    return [*_body_findings(document, body), *_front_matter_findings(document, body)]


def _body_findings(document: Document, body: str) -> list[Diagnostic]:
    if not may_be_unsafe(body):
        return []
    diags: list[Diagnostic] = []
    starts = _line_starts(body)
    masked = mask_code(body, document.parsed.code_lines)
    for item in find_unsafe(body, masked=masked):
        if item.kind == "end":
            continue
        index = _line_index(starts, item.start)
        diags.append(
            item.rule(
                document.path,
                document.body_line + index,
                item.message,
                column=item.start - starts[index] + 1,
                hint="remove it: pages do not run scripts or load pages from runbooks",
            )
        )
    return diags


def _front_matter_findings(document: Document, body: str) -> list[Diagnostic]:
    # Every finding in a plain string is a tag, so the string holds `<`. A YAML string holds
    # what its source holds, but for the escapes of double-quoted scalars (`\x3c`): when
    # the front matter text has neither `<` nor `\`, no value has a `<`.
    front_text = document.text[: len(document.text) - len(body)]
    if "<" not in front_text and "\\" not in front_text:
        return []
    diags: list[Diagnostic] = []
    for key_path, value in _strings(document.front.data, ()):
        if "<" not in value:
            continue  # plain text is unsafe only in a tag
        for item in find_unsafe(value, markdown=False):
            if item.kind == "end":
                continue
            dotted = ".".join(str(p) for p in key_path)
            diags.append(
                item.rule(
                    document.path,
                    document.front.line_of(key_path),
                    f"{dotted}: {item.message}",
                    hint="front matter values are shown as plain text; remove the markup",
                )
            )
    return diags


def _strings(value: Any, path: KeyPath) -> list[tuple[KeyPath, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _strings(v, (*path, str(k)))]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in _strings(v, (*path, i))]
    return []


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [m.end() for m in re.finditer("\n", text)]
    return starts


def _line_index(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
