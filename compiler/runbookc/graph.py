"""Index stage: all documents -> the corpus graph.

Documents by doc_id and by path, alert ids to the alert doc that defines them, and every
reference a document writes (front matter ids, Markdown links, code-span paths) as a
`Reference` with its file line and what it resolves to. Reverse edges come from the same
references, so the site and the linter see one graph. Building it is linear in the corpus:
every lookup is a dict, nothing scans the documents per reference.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from runbookc.config import ConfigError, Settings
from runbookc.model import Document, KeyPath

# Reference kinds, by where they are written.
RELATED_ALERT = "related_alert"  # related_alerts: [ALT-...]
ALERT_RUNBOOK = "alert_runbook"  # alerts[i].runbooks: [RB-...]
RELATED_RUNBOOK = "related_runbook"  # related_runbooks: [RB-...]
LINK = "link"  # [text](other.md#anchor)
PATH = "path"  # `docs/ops/other.md` in a code span, through [tool.runbookc.paths]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per place written
class Reference:
    """One reference as written: where (line, column), what, and what it resolves to."""

    source: Document
    kind: str
    target: str  # as written (a link's href is percent-encoded)
    line: int
    column: int
    document: Document | None  # the document it points to, None when unresolved
    anchor: str | None = None  # the decoded `#anchor`, None when there is none
    key: KeyPath = ()  # the front matter key it is written at, () in the body


@dataclass(frozen=True)
class AlertDef:
    alert_id: str
    document: Document
    index: int  # position in the alert doc's `alerts` list
    entry: dict[str, Any]

    @property
    def line(self) -> int:
        return self.document.front.line_of(("alerts", self.index, "id"))


class Graph:
    """The corpus graph. Built once by `build_graph`; treat it as read-only."""

    def __init__(self, documents: Sequence[Document], settings: Settings) -> None:
        self.documents: list[Document] = list(documents)
        self.settings = settings
        self._source_root = os.path.abspath(settings.source_dir)
        self._prefixes = sorted(settings.paths, key=len, reverse=True)
        self._prefix_tuple = tuple(self._prefixes)
        self._paths: dict[int, str] = {}  # id(doc) -> source path
        self._by_path: dict[str, Document] = {}
        self._by_id: dict[str, Document] = {}
        self._id_owners: dict[str, list[Document]] = {}
        self._alerts: dict[str, AlertDef] = {}
        self._alert_defs: dict[str, list[AlertDef]] = {}
        self._issues: dict[int, list[Document]] = {}
        self._alert_runbooks: dict[str, list[Document]] = {}
        self._folders: dict[str, list[str]] = {}
        self._outgoing: dict[str, list[Reference]] = {}
        self._incoming: dict[str, list[Reference]] = {}
        self._index()
        self._link()

    # -- documents ---------------------------------------------------------------

    def document(self, doc_id: str) -> Document | None:
        return self._by_id.get(doc_id)

    def by_path(self, path: str) -> Document | None:
        """The document at `path`, relative to the source dir, posix separators."""
        return self._by_path.get(posixpath.normpath(path))

    def source_path(self, doc: Document) -> str:
        """`doc`'s path relative to the source dir (its display path when outside it)."""
        found = self._paths.get(id(doc))
        return found if found is not None else self._relative(doc.path)

    def duplicate_ids(self) -> dict[str, list[Document]]:
        """doc_ids that more than one document claims, with every claimant in path order."""
        return {k: docs for k, docs in self._id_owners.items() if len(docs) > 1}

    # -- alerts ------------------------------------------------------------------

    def alert_doc(self, alert_id: str) -> Document | None:
        found = self._alerts.get(alert_id)
        return found.document if found else None

    def alert(self, alert_id: str) -> dict[str, Any] | None:
        found = self._alerts.get(alert_id)
        return found.entry if found else None

    def alert_ids(self) -> list[str]:
        return sorted(self._alerts)

    def alert_definitions(self, alert_id: str) -> list[AlertDef]:
        """Every definition of `alert_id` (more than one is an error the linter reports)."""
        return list(self._alert_defs.get(alert_id, ()))

    def duplicate_alerts(self) -> dict[str, list[AlertDef]]:
        return {k: defs for k, defs in self._alert_defs.items() if len(defs) > 1}

    def runbooks_for_alert(self, alert_id: str) -> list[Document]:
        """Runbooks listing `alert_id` in related_alerts, plus those its entry names."""
        return self._unique(self._alert_runbooks.get(alert_id, ()))

    # -- references --------------------------------------------------------------

    def resolve(
        self, doc: Document, target: str, kind: str | None = None
    ) -> tuple[Document | None, str | None]:
        """A Markdown link target (relative path, optional #anchor, percent-encoded) or a
        code-span repo path (through settings.paths) -> (document, decoded anchor).
        `kind` LINK or PATH picks one reading; by default a target starting with a mapped
        prefix is a repo path (and only that), anything else a link."""
        if kind != LINK and (kind == PATH or self.path_prefix(target) is not None):
            mapped = self.map_path(target)
            if mapped is None:
                return None, None
            return self._by_path.get(mapped[0]), mapped[1]
        local = self.link_path(doc, target)
        if local is None:
            return None, None
        path, anchor = local
        return (doc if path == "" else self._by_path.get(path)), anchor

    def map_path(self, text: str) -> tuple[str, str | None] | None:
        """A repo-relative path through [tool.runbookc.paths]: (source path, anchor), or None
        when no configured prefix matches. The longest matching prefix wins; nothing else
        is tried, so a path resolves only the way the settings say."""
        prefix = self.path_prefix(text)
        if prefix is None:
            return None
        rest, _, anchor = text.strip()[len(prefix) :].partition("#")
        joined = posixpath.join(self.settings.paths[prefix], rest)
        return posixpath.normpath(joined), (anchor or None)

    def path_prefix(self, text: str) -> str | None:
        """The [tool.runbookc.paths] prefix `text` starts with (the longest), if any."""
        text = text.strip()
        if not text.startswith(self._prefix_tuple):  # one C call for the common miss
            return None
        return next(p for p in self._prefixes if text.startswith(p))

    def paths_in(self, folder: str) -> list[str]:
        """Source paths of the documents directly in `folder` ("" for the top)."""
        return list(self._folders.get(folder, ()))

    def link_path(self, doc: Document, target: str) -> tuple[str, str | None] | None:
        """A link's href -> (source path, decoded anchor); path "" means the same document.
        None for links that are not corpus-relative (a URL scheme, `//host`, an absolute
        path, a query) or that do not point at Markdown."""
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or parts.query or target.startswith("/"):
            return None
        anchor = unquote(parts.fragment) if parts.fragment else None
        if not parts.path:
            return ("", anchor) if target.startswith("#") else None
        path = unquote(parts.path)
        if not path.endswith(".md"):
            return None
        base = posixpath.dirname(self.source_path(doc))
        return posixpath.normpath(posixpath.join(base, path)), anchor

    def outgoing(self, doc: Document) -> list[Reference]:
        """Every reference `doc` writes, resolved or not, in file order."""
        return list(self._outgoing.get(self.source_path(doc), ()))

    def references(self, doc: Document) -> list[Document]:
        """Documents `doc` refers to (outgoing edges), deduplicated, sorted by path."""
        return self._unique(
            r.document for r in self._outgoing.get(self.source_path(doc), ()) if r.document
        )

    def referrers(self, doc: Document, doc_type: str | None = None) -> list[Document]:
        """Documents that refer to `doc` (reverse edges), deduplicated, sorted by path;
        only those of `doc_type` when given."""
        return self._unique(
            r.source
            for r in self._incoming.get(self.source_path(doc), ())
            if doc_type is None or r.source.doc_type == doc_type
        )

    def issues(self) -> dict[int, list[Document]]:
        """Issue number -> documents listing it in related_issues, sorted by path."""
        return {n: self._unique(docs) for n, docs in sorted(self._issues.items())}

    def issue_url(self, number: int) -> str | None:
        """The issue's URL from the `issue_url` template, None when none is configured."""
        template = self.settings.issue_url
        return template.replace("{id}", str(number)) if template else None

    # -- building ----------------------------------------------------------------

    def _index(self) -> None:
        for doc in self.documents:
            path = self._relative(doc.path)
            self._paths[id(doc)] = path
            self._by_path.setdefault(path, doc)
            self._folders.setdefault(posixpath.dirname(path), []).append(path)
            if doc.doc_id:
                self._id_owners.setdefault(doc.doc_id, []).append(doc)
                self._by_id.setdefault(doc.doc_id, doc)
            for number in _list(doc.front.data.get("related_issues")):
                if isinstance(number, int) and not isinstance(number, bool):
                    self._issues.setdefault(number, []).append(doc)
            if doc.doc_type == "alert":
                for index, entry in enumerate(_list(doc.front.data.get("alerts"))):
                    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                        definition = AlertDef(entry["id"], doc, index, entry)
                        self._alert_defs.setdefault(entry["id"], []).append(definition)
                        self._alerts.setdefault(entry["id"], definition)

    def _link(self) -> None:
        for doc in self.documents:
            refs = sorted(self._collect(doc), key=lambda r: (r.line, r.column))
            self._outgoing[self.source_path(doc)] = refs
            for ref in refs:
                if ref.document is None:
                    continue
                if ref.document is not doc:
                    self._incoming.setdefault(self.source_path(ref.document), []).append(ref)
                self._note_handler(ref)

    def _note_handler(self, ref: Reference) -> None:
        """Record which runbooks handle which alert, from either side of the edge."""
        if ref.kind == RELATED_ALERT and ref.source.doc_type == "runbook":
            self._alert_runbooks.setdefault(ref.target, []).append(ref.source)
        elif ref.kind == ALERT_RUNBOOK and ref.document.doc_type == "runbook":
            entry = _list(ref.source.front.data.get("alerts"))[int(ref.key[1])]
            alert_id = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(alert_id, str) and self._alerts[alert_id].document is ref.source:
                self._alert_runbooks.setdefault(alert_id, []).append(ref.document)

    def _collect(self, doc: Document) -> Iterable[Reference]:
        data = doc.front.data
        for index, alert_id in _strings(data.get("related_alerts")):
            found = self._alerts.get(alert_id)
            yield self._front_ref(
                doc, RELATED_ALERT, alert_id, ("related_alerts", index), found and found.document
            )
        for index, doc_id in _strings(data.get("related_runbooks")):
            yield self._front_ref(
                doc, RELATED_RUNBOOK, doc_id, ("related_runbooks", index), self._by_id.get(doc_id)
            )
        if doc.doc_type == "alert":
            for a, entry in enumerate(_list(data.get("alerts"))):
                if not isinstance(entry, dict):
                    continue
                for index, doc_id in _strings(entry.get("runbooks")):
                    key: KeyPath = ("alerts", a, "runbooks", index)
                    yield self._front_ref(doc, ALERT_RUNBOOK, doc_id, key, self._by_id.get(doc_id))
        for link in doc.parsed.links:
            local = self.link_path(doc, link.target)
            if local is not None:
                path, anchor = local
                target = doc if path == "" else self._by_path.get(path)
                yield Reference(doc, LINK, link.target, link.line, link.column, target, anchor)
        for span in doc.parsed.code_spans:
            mapped = self.map_path(span.text)
            if mapped is not None:
                path, anchor = mapped
                yield Reference(
                    doc, PATH, span.text, span.line, span.column, self._by_path.get(path), anchor
                )

    def _front_ref(
        self, doc: Document, kind: str, value: str, key: KeyPath, target: Document | None
    ) -> Reference:
        line = doc.front.line_of(key)
        return Reference(doc, kind, value, line, _column(doc, line, value), target, None, key)

    def _relative(self, display: str) -> str:
        absolute = os.path.abspath(display)
        root = self._source_root.rstrip(os.sep) + os.sep
        if not absolute.startswith(root):
            return posixpath.normpath(display.replace(os.sep, "/"))
        return absolute[len(root) :].replace(os.sep, "/")

    def _unique(self, docs: Iterable[Document]) -> list[Document]:
        seen: dict[str, Document] = {}
        for doc in docs:
            seen.setdefault(self.source_path(doc), doc)
        return [seen[path] for path in sorted(seen)]


def build_graph(documents: Sequence[Document], settings: Settings) -> Graph:
    """The graph of `documents`; a malformed `issue_url` template is a ConfigError."""
    if settings.issue_url and "{id}" not in settings.issue_url:
        raise ConfigError(
            f"tool.runbookc.issue_url {settings.issue_url!r} must contain {{id}}, "
            "e.g. https://github.com/OWNER/REPO/issues/{id}"
        )
    return Graph(documents, settings)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> Iterable[tuple[int, str]]:
    return ((i, v) for i, v in enumerate(_list(value)) if isinstance(v, str))


def _column(doc: Document, line: int, value: str) -> int:
    """1-based column of `value` on file line `line` (1 when it is not found there)."""
    start = 0
    for _ in range(line - 1):
        start = doc.text.find("\n", start) + 1
        if start == 0:
            return 1
    end = doc.text.find("\n", start)
    found = doc.text.find(value, start, end if end >= 0 else len(doc.text))
    return found - start + 1 if found >= 0 else 1
