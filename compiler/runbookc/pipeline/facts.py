"""What the corpus graph needs of one document, without the document.

Its ids, the alerts it defines, the references it writes (front matter ids with their
positions, Markdown links, code-span paths, in file order), its heading anchors and its
suppressions: a small record of plain tuples next to a Document's text, body and parsed
blocks. It is made where the document is compiled and cached beside it, so a lint run
after one edit reads 10,000 of these (fast to read back: few nested objects) instead of
10,000 documents.
"""

from __future__ import annotations

import re
from contextlib import suppress
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

from runbookc import doctypes
from runbookc.config import Settings
from runbookc.lint.policy import Suppressions
from runbookc.model import Document, KeyPath, Link

# Reference kinds, by where they are written.
RELATED_ALERT = "related_alert"  # related_alerts: [ALT-...]
ALERT_RUNBOOK = "alert_runbook"  # alerts[i].runbooks: [RB-...]
RELATED_RUNBOOK = "related_runbook"  # related_runbooks: [RB-...]
LINK = "link"  # [text](other.md#anchor)
PATH = "path"  # `docs/ops/other.md` in a code span: through [tool.runbookc.paths], or
# without that setting from the repository root (names_md_path)

RawRef = tuple[str, str, int, int, KeyPath]  # kind, target as written, line, column, key
AlertEntry = tuple[int, str, int, dict[str, Any]]  # index in `alerts`, id, line, the entry


class DocFacts:
    __slots__ = (
        "_anchors",
        "alerts",
        "anchor_list",
        "doc_id",
        "doc_id_line",
        "doc_type",
        "issues",
        "path",
        "refs",
        "suppressions",
    )

    def __init__(
        self,
        path: str,
        doc_id: str,
        doc_type: str,
        doc_id_line: int,
        issues: tuple[int, ...],
        alerts: tuple[AlertEntry, ...],
        refs: tuple[RawRef, ...],
        anchor_list: tuple[str, ...],
        suppressions: Suppressions | None,
    ) -> None:
        self.path = path  # the document's display path, like Document.path
        self.doc_id = doc_id
        self.doc_type = doc_type
        self.doc_id_line = doc_id_line
        self.issues = issues  # related_issues numbers
        self.alerts = alerts  # the alerts an alert document defines
        self.refs = refs  # every reference written, sorted by (line, column)
        self.anchor_list = anchor_list  # heading slugs, then raw HTML ids and <a name>
        self.suppressions = suppressions  # None when the document silences nothing
        self._anchors: frozenset[str] | None = None

    @property
    def anchors(self) -> frozenset[str]:
        if self._anchors is None:
            self._anchors = frozenset(self.anchor_list)
        return self._anchors

    def __reduce__(self) -> tuple[type[DocFacts], tuple[Any, ...]]:
        return DocFacts, (
            self.path,
            self.doc_id,
            self.doc_type,
            self.doc_id_line,
            self.issues,
            self.alerts,
            self.refs,
            self.anchor_list,
            self.suppressions,
        )


def doc_facts(document: Document, settings: Settings) -> DocFacts:
    front = document.front
    data = front.data
    lines = document.text.split("\n", front.end_line)
    carried = _references(document.doc_type)
    alerts: list[AlertEntry] = []
    refs: list[RawRef] = []

    def front_ref(kind: str, value: str, key: KeyPath) -> RawRef:
        line = front.line_of(key)
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return (kind, value, line, text.find(value) + 1 or 1, key)  # column 1 when not found

    if doctypes.RELATED_ALERTS in carried:
        for index, alert_id in _strings(data.get("related_alerts")):
            refs.append(front_ref(RELATED_ALERT, alert_id, ("related_alerts", index)))
    if doctypes.RELATED_RUNBOOKS in carried:
        for index, doc_id in _strings(data.get("related_runbooks")):
            refs.append(front_ref(RELATED_RUNBOOK, doc_id, ("related_runbooks", index)))
    if doctypes.ALERTS in carried:
        for a, entry in enumerate(_list(data.get("alerts"))):
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("id"), str):
                alerts.append((a, entry["id"], front.line_of(("alerts", a, "id")), entry))
            for index, doc_id in _strings(entry.get("runbooks")):
                refs.append(front_ref(ALERT_RUNBOOK, doc_id, ("alerts", a, "runbooks", index)))
    body_lines = document.text.split("\n")
    for link in document.parsed.links:
        refs.append((LINK, _as_written(link, body_lines), link.line, link.column, ()))
    prefixes = tuple(settings.paths)
    for span in document.parsed.code_spans:
        if span.text.strip().startswith(prefixes) if prefixes else names_md_path(span.text):
            refs.append((PATH, span.text, span.line, span.column, ()))
    refs.sort(key=lambda r: (r[2], r[3]))  # stable: ties keep the order above
    issues = tuple(
        n
        for n in _list(data.get("related_issues"))
        if isinstance(n, int) and not isinstance(n, bool)
    )
    suppressions = Suppressions.of(document)
    return DocFacts(
        path=document.path,
        doc_id=document.doc_id,
        doc_type=document.doc_type,
        doc_id_line=front.line_of(("doc_id",)),
        issues=issues,
        alerts=tuple(alerts),
        refs=tuple(refs),
        anchor_list=(*(h.slug for h in document.parsed.headings), *_html_anchors(document)),
        suppressions=suppressions if suppressions.written else None,
    )


def _as_written(link: Link, lines: list[str]) -> str:
    """The link's href with its #fragment as the author wrote it. The parser gives the
    href percent-encoded (`#%D0%B4...` for `#д...`), but MkDocs compares a fragment with the
    page's anchors exactly as written, so lint must see which one was written: the encoded
    form when it is there at the link's column, else the decoded one."""
    path, hash_, fragment = link.target.partition("#")
    if not hash_ or "%" not in fragment:
        return link.target
    line = lines[link.line - 1] if 0 < link.line <= len(lines) else ""
    if line[link.column - 1 :].startswith(link.target):
        return link.target
    return f"{path}#{unquote(fragment)}"


# A repository path to a Markdown file, in folders: `docs/ops/x.md`, `./ops/x.md#steps`.
_MD_PATH = re.compile(r"(?:[\w.-]+/)+[\w.-]+\.md")


def names_md_path(text: str) -> bool:
    """Whether a code span names a `.md` file by a repository path (a bare `x.md` is not
    one, nor a path that climbs out with `..`): with no [tool.runbookc.paths] setting, it
    resolves from the repository root."""
    path = text.strip().partition("#")[0]
    return bool(_MD_PATH.fullmatch(path)) and ".." not in path.split("/")


class _Anchors(HTMLParser):
    """The anchors raw HTML makes, as MkDocs collects them: any tag's `id`, an `<a>`'s
    `name`. Valueless ones (`<your id>` reads as a tag with an empty `id`) are none."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag == "a")):
                self.found.append(value)


def _html_anchors(document: Document) -> list[str]:
    """The raw HTML's anchors outside code. The site's sanitiser drops ids starting with
    `__` (render/sanitise.py), so those are none."""
    if not document.parsed.html:
        return []
    parser = _Anchors()
    for html in document.parsed.html:
        with suppress(AssertionError, ValueError):  # markup it gives up on: no anchor
            parser.feed(html.content)
        parser.reset()  # a tag left open by one element does not swallow the next
    return [a for a in dict.fromkeys(parser.found) if not a.startswith("__")]


def _references(doc_type: str) -> tuple[str, ...]:
    """The reference keys a document of `doc_type` carries. One of an unknown type (an
    error already) is read for related ids as before, so its links still show."""
    descriptor = doctypes.get(doc_type)
    if descriptor is None:
        return (doctypes.RELATED_ALERTS, doctypes.RELATED_RUNBOOKS)
    return descriptor.references


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(_list(value)) if isinstance(v, str)]
