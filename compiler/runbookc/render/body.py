"""A document's body as its page shows it: the author's Markdown with a few precise edits.

- code spans naming a document (a repo path, a doc_id or an alert id) become links that keep
  the code formatting: [`docs/ops/x.md`](x.md);
- `Issue #205` becomes a link through the configured issue URL;
- under each bash block, the name of its extracted script with a download link;
- unsafe raw HTML and script URLs are escaped (the very spots RB501-RB503 report);
- nested lists are re-indented by 4 spaces a level: authors write CommonMark (2-space
  nesting), which MkDocs' Python-Markdown would flatten.

Every edit is a (start, end, replacement) on the body text, so the rest stays byte-for-byte
what the author wrote and heading anchors match the linter's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from runbookc.model import Document
from runbookc.pipeline.html_safety import find_unsafe, mask_code, neutralise
from runbookc.render.context import Site
from runbookc.render.paths import href

_ISSUE = re.compile(r"\b(?:[Ii]ssue|ISSUE)\s+#(\d+)\b")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\([^)]*\)")
_PREFIX = re.compile(r"^[ \t>]*")
_TICKS = re.compile(r"`+")
_ORDERED = re.compile(r"(\d{1,9})\)")


@dataclass(frozen=True)
class RenderedBody:
    title_line: str  # the body's own level-1 heading line, "" when it has none
    text: str  # the rest of the body


def render_body(site: Site, doc: Document, page: str) -> RenderedBody:
    body = doc.body
    masked = mask_code(body, doc.parsed.code_lines)  # the parse stage's lines: no new parse
    unsafe = find_unsafe(body, masked=masked)
    safe = neutralise(body, unsafe)
    # Further edits are placed on the original body; shift them past the escapes before them.
    shifts = sorted((u.start, u.growth) for u in unsafe)
    starts = _line_starts(body)
    links = [(m.start(), m.end()) for m in _LINK.finditer(masked)]
    lists = list_fixes(body, doc.parsed.list_shape)
    edits = [*_code_span_links(site, doc, page, body, starts, links)]
    edits += _issue_links(site, masked, links)
    edits += _script_links(site, doc, page, body, starts, lists)
    edits += [(starts[i], starts[i] + size, text) for i, (size, text) in lists.items()]
    text = safe
    for start, end, replacement in sorted(edits, reverse=True):
        shift = sum(size for at, size in shifts if at < start)
        text = text[: start + shift] + replacement + text[end + shift :]
    return _split_title(doc, text)


def _code_span_links(
    site: Site,
    doc: Document,
    page: str,
    body: str,
    starts: list[int],
    links: list[tuple[int, int]],
) -> list[tuple[int, int, str]]:
    edits = []
    for span in doc.parsed.code_spans:
        index = span.line - doc.body_line
        if not 0 <= index < len(starts):
            continue
        start = starts[index] + span.column - 1
        opening = _TICKS.match(body, start)
        ticks = len(opening.group(0)) if opening else 0
        end = start + 2 * ticks + len(span.text)
        if ticks == 0 or body[start + ticks : end - ticks] != span.text:
            continue  # a span the parser normalised (line breaks, padding): leave it
        if any(a <= start < b for a, b in links):
            continue  # already inside a link
        target = _span_target(site, doc, page, span.text)
        if target:
            edits.append((start, end, f"[{body[start:end]}]({target})"))
    return edits


def _span_target(site: Site, doc: Document, page: str, text: str) -> str:
    graph = site.graph
    other = site.document_of(graph.document(text))
    if other is not None:
        return site.link(page, other) if other.path != doc.path else ""
    if graph.alert_doc(text) is not None:
        return site.alert_link(page, text) or ""
    if "/" not in text and not text.endswith(".md"):
        return ""
    node, anchor = graph.resolve(site.node(doc), text)
    other = site.document_of(node)
    if other is None or (other.path == doc.path and not anchor):
        return ""  # unresolved (the linter reports it), or this very page
    return site.link(page, other, anchor or "")


def _issue_links(
    site: Site, masked: str, links: list[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    if not site.settings.issue_url:
        return []
    return [
        (m.start(), m.end(), f"[{m.group(0)}]({site.issue_url(int(m.group(1)))})")
        for m in _ISSUE.finditer(masked)
        if not any(a <= m.start() < b for a, b in links)
    ]


def _script_links(
    site: Site,
    doc: Document,
    page: str,
    body: str,
    starts: list[int],
    lists: dict[int, tuple[int, str]],
) -> list[tuple[int, int, str]]:
    words = site.words
    edits = []
    for block in doc.parsed.code_blocks:
        script = site.scripts.get((doc.doc_id, block.line))
        end_index = block.end_line - doc.body_line
        if script is None or not block.closed or end_index + 1 >= len(starts):
            continue
        line_end = starts[end_index + 1] - 1  # the newline after the closing fence
        fence = block.line - doc.body_line
        prefix = _PREFIX.match(body, starts[fence])
        moved = lists.get(fence)
        indent = moved[1] if moved else prefix.group(0) if prefix else ""
        kind = words["mutating"] if script.mutating else words["read_only"]
        note = (
            f"{indent}{words['script']}: "
            f"[`{script.name}`]({href(page, script.file)}){{ download }} — {kind}"
        )
        edits.append((line_end, line_end, f"\n{indent.rstrip()}\n{note}"))
    return edits


def list_fixes(body: str, shape: Sequence[tuple[str, int, int, str]]) -> dict[int, tuple[int, str]]:
    """Lists as Python-Markdown reads them: body line index -> (length of the line's start
    to replace, its replacement), for the lines that change. `shape` is the body's
    Body.list_shape (the block tokens that shape its lists).

    An item at nesting depth d starts at 4*d; its indented continuation lines at 4*d + 4;
    a code block in an item moves as a whole, keeping its own indentation inside; an
    ordered marker `1)` becomes `1.` (with `sane_lists`, the start number is kept); a list
    right under a paragraph gets a blank line before it.
    """
    lines = body.split("\n")
    widths: dict[int, int] = {}
    markers: set[int] = set()
    interrupts: set[int] = set()
    paragraph_ends: set[int] = set()
    depth = -1
    for kind, first, end, markup in shape:
        if kind == "paragraph_open":
            paragraph_ends.add(end)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 0 and first in paragraph_ends:
                interrupts.add(first)  # CommonMark lets a list interrupt a paragraph
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open":
            widths[first] = 4 * depth
            if markup == ")":
                markers.add(first)
            for index in range(first + 1, end):
                if lines[index].startswith(" ") and lines[index].strip():
                    widths[index] = 4 * depth + 4
        elif kind in ("fence", "code_block") and depth >= 0:
            delta = widths.get(first, _indent(lines[first])) - _indent(lines[first])
            for index in range(first, end):
                if lines[index].strip():
                    widths[index] = max(_indent(lines[index]) + delta, 0)
    fixes = {}
    for index, width in widths.items():
        line = lines[index]
        if line.lstrip().startswith(">"):
            continue  # lists in block quotes are left as written
        old = _indent(line)
        if index in markers:
            number = _ORDERED.match(line, old)
            if number:
                fixes[index] = (number.end(), " " * width + number.group(1) + ".")
                continue
        if width != old:
            fixes[index] = (old, " " * width)
    for index in interrupts:  # Python-Markdown needs a blank line before the list
        size, text = fixes.get(index, (0, ""))
        fixes[index] = (size, "\n" + text)
    return fixes


def _indent(text: str, start: int = 0) -> int:
    """Leading spaces of the line starting at `start`."""
    end = start
    while end < len(text) and text[end] == " ":
        end += 1
    return end - start


def _split_title(doc: Document, text: str) -> RenderedBody:
    """Split off the body's leading level-1 ATX heading, if the body opens with one."""
    lines = text.split("\n")
    index = _title_index(doc, lines)
    if index is None:
        return RenderedBody("", text)
    return RenderedBody(lines[index].strip(), "\n".join(lines[index + 1 :]))


def page_title(doc: Document) -> str:
    """The title the page shows: the body's leading level-1 heading, else the front
    matter's. The nav and the browser tab use it too, so they name what the reader sees."""
    index = _title_index(doc, doc.body.split("\n"))
    return doc.parsed.headings[0].text if index is not None else doc.title


def _title_index(doc: Document, lines: list[str]) -> int | None:
    """The line index of the body's leading level-1 ATX heading, if it opens with one."""
    for heading in doc.parsed.headings[:1]:
        index = heading.line - doc.body_line
        if (
            heading.level == 1
            and 0 <= index < len(lines)
            and lines[index].lstrip().startswith("#")
            and not "".join(lines[:index]).strip()
        ):
            return index
    return None


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]
