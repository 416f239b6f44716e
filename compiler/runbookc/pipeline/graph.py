"""Index stage: all documents -> the corpus graph.

Documents by doc_id and by path, alert ids to the alert doc that defines them, and every
reference a document writes (front matter ids, Markdown links, code-span paths) as a
`Reference` with its file line and what it resolves to. Reverse edges come from the same
references. Its nodes are the documents' facts (facts.DocFacts), which the cache holds
without the documents, so a lint run after one edit builds it without reading any document
back; one run builds it once and lint and render share it (pipeline/corpus.py). Building
it is linear in the corpus: every lookup is a dict, nothing scans the documents
per reference.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from runbookc import doctypes
from runbookc.config import ConfigError, Settings
from runbookc.model import Document, KeyPath

# The reference kinds are the graph's vocabulary; facts writes them down.
from runbookc.pipeline.facts import (
    ALERT_RUNBOOK,
    LINK,
    PATH,
    RELATED_ALERT,
    RELATED_RUNBOOK,
    DocFacts,
    doc_facts,
    names_md_path,
)
from runbookc.pipeline.rulefiles import NO_RULES, RuleSet
from runbookc.relpaths import relative_under

_UNSEEN: Any = object()


# Compared and hashed by identity: one per place written. Not frozen (treat it as read-only):
# a frozen dataclass's __init__ costs several times as much, for every reference of the
# corpus on every lint run.
@dataclass(eq=False, slots=True)
class Reference:
    """One reference as written: where (line, column), what, and what it resolves to."""

    source: DocFacts
    kind: str
    target: str  # as written (a link's href is percent-encoded)
    line: int
    column: int
    document: DocFacts | None  # the document it points to, None when unresolved
    anchor: str | None = None  # the decoded `#anchor`, None when there is none
    key: KeyPath = ()  # the front matter key it is written at, () in the body


@dataclass(frozen=True)
class AlertDef:
    alert_id: str
    document: DocFacts
    index: int  # position in the alert doc's `alerts` list
    entry: dict[str, Any]
    line: int  # file line of the entry's id


class Graph:
    """The corpus graph over the documents' facts (made by `index`); treat it as read-only."""

    def __init__(
        self, documents: Sequence[DocFacts], settings: Settings, rules: RuleSet = NO_RULES
    ) -> None:
        self.documents: list[DocFacts] = list(documents)
        self.settings = settings
        self.rules = rules  # the alerting rules of the rule files (pipeline/rulefiles.py)
        self._source_root = os.path.abspath(settings.source_dir)
        self._shown_root = _shown_root(self._source_root)
        self._prefixes = sorted(settings.paths, key=len, reverse=True)
        self._prefix_tuple = tuple(self._prefixes)
        # Without a mapping, repository paths resolve from the root: the source dir seen
        # from there ("runbooks", "." when they are the same).
        self._source_in_root = None if settings.paths else _source_in_root(settings)
        self._slots: dict[int, int] = {}  # id(doc) -> its index in documents
        self._paths: list[str] = []  # index -> source path
        self._by_path: dict[str, DocFacts] = {}
        self._by_id: dict[str, DocFacts] = {}
        self._id_owners: dict[str, list] = {}
        self._alerts: dict[str, AlertDef] = {}
        self._alert_defs: dict[str, list[AlertDef]] = {}
        self._issues: dict[int, list] = {}
        self._alert_runbooks: dict[str, list] = {}
        self._folders: dict[str, list[str]] = {}
        self._outgoing: dict[str, list[Reference]] = {}
        self._incoming: dict[str, list[Reference]] = {}
        self._link_paths: dict[tuple[str, str], tuple[str, str | None] | None] = {}
        self._index()
        self._link()

    # -- documents ---------------------------------------------------------------

    def document(self, doc_id: str) -> DocFacts | None:
        return self._by_id.get(doc_id)

    def by_path(self, path: str) -> DocFacts | None:
        """The document at `path`, relative to the source dir, posix separators."""
        return self._by_path.get(posixpath.normpath(path))

    def source_path(self, doc: DocFacts) -> str:
        """`doc`'s path relative to the source dir (its display path when outside it)."""
        slot = self._slots.get(id(doc))
        return self._paths[slot] if slot is not None else self._relative(doc.path)

    def duplicate_ids(self) -> dict[str, list]:
        """doc_ids that more than one document claims, with every claimant in path order."""
        return {k: docs for k, docs in self._id_owners.items() if len(docs) > 1}

    # -- alerts ------------------------------------------------------------------

    def alert_doc(self, alert_id: str) -> DocFacts | None:
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

    def runbooks_for_alert(self, alert_id: str) -> list:
        """Runbooks listing `alert_id` in related_alerts, plus those its entry names."""
        return self._unique(self._alert_runbooks.get(alert_id, ()))

    # -- references --------------------------------------------------------------

    def resolve(
        self, doc: DocFacts, target: str, kind: str | None = None
    ) -> tuple[DocFacts | None, str | None]:
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
        is tried, so a path resolves only the way the settings say. With no mapping, a
        path naming a `.md` file (facts.names_md_path) resolves from the repository root."""
        prefix = self.path_prefix(text)
        if prefix is None:
            return None
        rest, _, anchor = text.strip()[len(prefix) :].partition("#")
        if self._source_in_root is not None:
            path = posixpath.relpath(posixpath.normpath(rest), self._source_in_root)
            return path, (anchor or None)
        joined = posixpath.join(self.settings.paths[prefix], rest)
        return posixpath.normpath(joined), (anchor or None)

    def path_prefix(self, text: str) -> str | None:
        """The [tool.runbookc.paths] prefix `text` starts with (the longest), if any; ""
        for a repository path when there is no mapping."""
        if self._source_in_root is not None:
            return "" if names_md_path(text) else None
        text = text.strip()
        if not text.startswith(self._prefix_tuple):  # one C call for the common miss
            return None
        return next(p for p in self._prefixes if text.startswith(p))

    def paths_in(self, folder: str) -> list[str]:
        """Source paths of the documents directly in `folder` ("" for the top)."""
        return list(self._folders.get(folder, ()))

    def link_path(self, doc: DocFacts, target: str) -> tuple[str, str | None] | None:
        """A link's href -> (source path, decoded anchor); path "" means the same document.
        None for links that are not corpus-relative (a URL scheme, `//host`, an absolute
        path, a query) or that do not point at Markdown."""
        return _link_path(posixpath.dirname(self.source_path(doc)), target)

    def linked_file(self, doc: DocFacts, target: str) -> str | None:
        """A link's href to a local file that is not Markdown (an image, an attachment, a
        folder) -> its path relative to the source dir (`../x` when outside it); None for
        every other href."""
        base = posixpath.dirname(self.source_path(doc))
        if self._link_paths.get((base, target)) is not None:
            return None  # read as a link to a document (or an anchor) while indexing
        return _file_path(base, target)

    def outgoing(self, doc: DocFacts) -> list[Reference]:
        """Every reference `doc` writes, resolved or not, in file order."""
        return list(self._outgoing.get(self.source_path(doc), ()))

    def references(self, doc: DocFacts) -> list:
        """Documents `doc` refers to (outgoing edges), deduplicated, sorted by path."""
        return self._unique(
            r.document for r in self._outgoing.get(self.source_path(doc), ()) if r.document
        )

    def referrers(self, doc: DocFacts, doc_type: str | None = None) -> list:
        """Documents that refer to `doc` (reverse edges), deduplicated, sorted by path;
        only those of `doc_type` when given."""
        return self._unique(
            r.source
            for r in self._incoming.get(self.source_path(doc), ())
            if doc_type is None or r.source.doc_type == doc_type
        )

    def issues(self) -> dict[int, list]:
        """Issue number -> documents listing it in related_issues, sorted by path."""
        return {n: self._unique(docs) for n, docs in sorted(self._issues.items())}

    def issue_url(self, number: int) -> str | None:
        """The issue's URL from the `issue_url` template, None when none is configured."""
        template = self.settings.issue_url
        return template.replace("{id}", str(number)) if template else None

    # -- building ----------------------------------------------------------------

    def _index(self) -> None:
        for slot, doc in enumerate(self.documents):
            self._slots[id(doc)] = slot
            path = self._relative(doc.path)
            self._paths.append(path)
            self._by_path.setdefault(path, doc)
            self._folders.setdefault(posixpath.dirname(path), []).append(path)
            doc_id = doc.doc_id
            if doc_id:
                self._id_owners.setdefault(doc_id, []).append(doc)
                self._by_id.setdefault(doc_id, doc)
            for number in doc.issues:
                self._issues.setdefault(number, []).append(doc)
            for index, alert_id, line, entry in doc.alerts:
                definition = AlertDef(alert_id, doc, index, entry, line)
                self._alert_defs.setdefault(alert_id, []).append(definition)
                self._alerts.setdefault(alert_id, definition)

    def _link(self) -> None:
        paths, slots, incoming = self._paths, self._slots, self._incoming
        for slot, doc in enumerate(self.documents):
            refs = self._resolve_refs(slot, doc)
            self._outgoing[paths[slot]] = refs
            for ref in refs:
                target = ref.document
                # A runbook handles an alert it names even when only a rule file defines it.
                if ref.kind == RELATED_ALERT or (ref.kind == ALERT_RUNBOOK and target is not None):
                    self._note_handler(ref, doc)
                if target is not None and target is not doc:
                    incoming.setdefault(paths[slots[id(target)]], []).append(ref)

    def _note_handler(self, ref: Reference, source: DocFacts) -> None:
        """Record which documents handle which alert (runbooks: the types that handle
        alerts), from either side of the edge."""
        if ref.kind == RELATED_ALERT and _handles_alerts(source):
            self._alert_runbooks.setdefault(ref.target, []).append(ref.source)
        elif (
            ref.kind == ALERT_RUNBOOK and ref.document is not None and _handles_alerts(ref.document)
        ):
            alert_id = next((a[1] for a in source.alerts if a[0] == ref.key[1]), None)
            if alert_id is not None and self._alerts[alert_id].document is ref.source:
                self._alert_runbooks.setdefault(alert_id, []).append(ref.document)

    def _resolve_refs(self, slot: int, doc: DocFacts) -> list[Reference]:
        """`doc`'s references resolved, in file order (doc.refs is sorted)."""
        base = posixpath.dirname(self._paths[slot])
        links, by_path = self._link_paths, self._by_path
        refs: list[Reference] = []
        for kind, target, line, column, key in doc.refs:
            anchor = None
            if kind == RELATED_ALERT:
                found = self._alerts.get(target)
                document = found.document if found else None
            elif kind in (RELATED_RUNBOOK, ALERT_RUNBOOK):
                document = self._by_id.get(target)
            elif kind == LINK:
                # Documents of one folder link to the same places: resolve each href once.
                local = links.get((base, target), _UNSEEN)
                if local is _UNSEEN:
                    local = links[base, target] = _link_path(base, target)
                if local is None:
                    continue
                path, anchor = local
                document = doc if path == "" else by_path.get(path)
            else:
                mapped = self.map_path(target)
                if mapped is None:
                    continue
                path, anchor = mapped
                document = by_path.get(path)
            refs.append(Reference(doc, kind, target, line, column, document, anchor, key))
        return refs

    def _relative(self, display: str) -> str:
        if display.startswith(self._shown_root) and _plain(display):
            return display[len(self._shown_root) :]  # the common case, without abspath
        relative = relative_under(display, self._source_root)
        if relative is None:
            return posixpath.normpath(display.replace(os.sep, "/"))
        return relative

    def _unique(self, docs: Iterable[DocFacts]) -> list[DocFacts]:
        seen: dict[str, DocFacts] = {}
        for doc in docs:
            seen.setdefault(self.source_path(doc), doc)
        return [seen[path] for path in sorted(seen)]


def index(documents: Sequence[DocFacts], settings: Settings, rules: RuleSet = NO_RULES) -> Graph:
    """The graph over the documents' facts and the rule files' alerting rules; a malformed
    `issue_url` template is a ConfigError."""
    _check_settings(settings)
    return Graph(documents, settings, rules)


def build_graph(documents: Sequence[Document], settings: Settings) -> Graph:
    """The graph of `documents` when only they are at hand (tests, one-off tools)."""
    return index([doc_facts(doc, settings) for doc in documents], settings)


def _handles_alerts(facts: DocFacts) -> bool:
    descriptor = doctypes.get(facts.doc_type)
    return descriptor is not None and descriptor.handles_alerts


def _check_settings(settings: Settings) -> None:
    if settings.issue_url and "{id}" not in settings.issue_url:
        raise ConfigError(
            f"tool.runbookc.issue_url {settings.issue_url!r} must contain {{id}}, "
            "e.g. https://github.com/OWNER/REPO/issues/{id}"
        )


def _source_in_root(settings: Settings) -> str:
    """The source dir relative to the repository root, `/`-separated."""
    return os.path.relpath(settings.source_dir, settings.root).replace(os.sep, "/")


def _shown_root(source_root: str) -> str:
    """The source dir as display paths under it start ("runbooks/"), when it is under the
    working directory on a posix system; "\0" (matching nothing) otherwise."""
    cwd = os.getcwd()
    if os.sep != "/" or not source_root.startswith(cwd.rstrip("/") + "/"):
        return "\0"
    return source_root[len(cwd.rstrip("/")) + 1 :].rstrip("/") + "/"


def _plain(display: str) -> bool:
    """Whether a relative path has no `.`/`..` segment or doubled slash to normalise."""
    return not display.startswith("/") and "/." not in "/" + display and "//" not in display


def _link_path(base: str, target: str) -> tuple[str, str | None] | None:
    """`Graph.link_path` for a document in the source folder `base`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.query or target.startswith("/"):
        return None
    anchor = unquote(parts.fragment) if parts.fragment else None
    if not parts.path:
        return ("", anchor) if target.startswith("#") else None
    path = unquote(parts.path)
    if not path.endswith(".md"):
        return None
    return posixpath.normpath(posixpath.join(base, path)), anchor


def _file_path(base: str, target: str) -> str | None:
    """`Graph.linked_file` for a document in the source folder `base`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path or target.startswith(("/", "\\")):
        return None
    path = unquote(parts.path)
    if path.endswith(".md"):
        return None
    return posixpath.normpath(posixpath.join(base, path))
