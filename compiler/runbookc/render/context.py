"""What the page renderer knows about the corpus: documents, graph, scripts, lint findings.

Everything here is read-only lookups over the compiled corpus; the templates get plain values
(titles, links already relative to the page that shows them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from runbookc import doctypes
from runbookc.approvals.state import ApprovalState, approval_states
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.lint.rule import Rule
from runbookc.model import Document
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.graph import Graph
from runbookc.pipeline.parse import slug
from runbookc.render.alert_pages import alert_page_names
from runbookc.render.labels import labels, language_key
from runbookc.render.paths import document_page, href


@dataclass(frozen=True)
class ScriptParam:
    """A step's parameter as the manifest lists it."""

    flag: str  # --pod-name
    env: str  # RUNBOOK_POD_NAME
    default: str
    required: bool


@dataclass(frozen=True)
class ScriptRef:
    """One extracted script as a page shows it."""

    doc_id: str
    line: int  # file line of the bash block's opening fence
    file: str  # docs-dir path, e.g. scripts/RB-X-0001/01-check.sh
    name: str  # file name, e.g. 01-check.sh
    section: str
    title: str
    mutating: bool
    role: str = ""  # diagnostics | mitigation | verification | rollback | symptoms | ""
    params: tuple[ScriptParam, ...] = ()

    @property
    def diagnoses(self) -> bool:
        """Whether `run.sh --diagnose` runs it (scripts.render.entry_script's choice)."""
        return self.role == "diagnostics" and not self.mutating


@dataclass
class Site:
    """The inputs of one render: the corpus and what the other stages made of it."""

    settings: Settings
    documents: Sequence[Document]
    graph: Graph  # over the documents' facts: `node` and `document_of` translate
    manifest: Sequence[dict[str, Any]] = ()
    diagnostics: Sequence[Diagnostic] = ()
    rules: Sequence[Rule] = ()
    home_text: str = ""
    _pages: dict[str, str] = field(default_factory=dict)
    _related: dict[str, dict[str, list[Document]]] = field(default_factory=dict)
    _approvals: dict[str, ApprovalState] = field(default_factory=dict)

    @cached_property
    def words(self) -> dict[str, str]:
        return labels(self.settings.language)

    def type_words(self, doc_type: doctypes.DocType) -> doctypes.Words:
        return doctypes.words(doc_type, language_key(self.settings.language))

    def type_label(self, doc: Document) -> str:
        """The document's type as the site names it (its `type:` when the type is unknown)."""
        descriptor = doctypes.get(doc.doc_type)
        return self.type_words(descriptor).one if descriptor else doc.doc_type

    def page(self, doc: Document) -> str:
        if doc.path not in self._pages:
            self._pages[doc.path] = document_page(self.graph.source_path(self.node(doc)), doc.path)
        return self._pages[doc.path]

    # The graph's nodes are the documents' facts (lint builds it before any document is
    # read back); these translate by display path, which both carry.

    @cached_property
    def _nodes(self) -> dict[str, DocFacts]:
        return {node.path: node for node in self.graph.documents}

    @cached_property
    def _by_path(self) -> dict[str, Document]:
        return {doc.path: doc for doc in self.documents}

    def node(self, doc: Document) -> DocFacts:
        """`doc` as the graph knows it."""
        return self._nodes[doc.path]

    def document_of(self, node: DocFacts | None) -> Document | None:
        """The document behind a graph node (None for a node, or none, without one)."""
        return None if node is None else self._by_path.get(node.path)

    def documents_of(self, nodes: Iterable[DocFacts]) -> list[Document]:
        return [d for d in map(self.document_of, nodes) if d is not None]

    @cached_property
    def by_type(self) -> dict[str, list[Document]]:
        groups: dict[str, list[Document]] = {t: [] for t in doctypes.names()}
        for doc in self.documents:
            groups.setdefault(doc.doc_type, []).append(doc)
        for docs in groups.values():
            docs.sort(key=lambda d: (d.doc_id, d.path))
        return groups

    def approval(self, doc: Document) -> ApprovalState:
        """The document's approval state (its page, its index row and the home page ask)."""
        if doc.path not in self._approvals:
            self._approvals.update(approval_states(self.documents, self.settings))
        return self._approvals[doc.path]

    @cached_property
    def scripts(self) -> dict[tuple[str, int], ScriptRef]:
        """Extracted scripts by (doc_id, fence line)."""
        found = {}
        for entry in self.manifest:
            parts = PurePosixPath(str(entry["script"])).parts[-2:]
            ref = ScriptRef(
                doc_id=str(entry["doc_id"]),
                line=int(entry["line"]),
                file="scripts/" + "/".join(parts),
                name=parts[-1],
                section=str(entry.get("section") or ""),
                title=str(entry.get("title") or ""),
                mutating=bool(entry.get("mutating")),
                role=str(entry.get("role") or ""),
                params=tuple(_param(p) for p in entry.get("params") or () if isinstance(p, dict)),
            )
            found[(ref.doc_id, ref.line)] = ref
        return found

    @cached_property
    def _scripts_by_doc(self) -> dict[str, list[ScriptRef]]:
        by_doc: dict[str, list[ScriptRef]] = defaultdict(list)
        for ref in sorted(self.scripts.values(), key=lambda s: s.line):
            by_doc[ref.doc_id].append(ref)
        return by_doc

    def scripts_of(self, doc: Document) -> list[ScriptRef]:
        return self._scripts_by_doc.get(doc.doc_id, [])

    def run_script(self, doc: Document) -> str:
        """The docs-dir path of the document's run.sh ("" when it has no scripts)."""
        scripts = self.scripts_of(doc)
        return f"{scripts[0].file.rpartition('/')[0]}/run.sh" if scripts else ""

    @cached_property
    def findings(self) -> dict[str, list[Diagnostic]]:
        by_path: dict[str, list[Diagnostic]] = defaultdict(list)
        for diag in self.diagnostics:
            by_path[diag.path].append(diag)
        return by_path

    def counts(self, doc: Document) -> tuple[int, int]:
        """(errors, warnings) the linter found in `doc`."""
        diags = self.findings.get(doc.path, [])
        return (
            sum(d.severity is Severity.ERROR for d in diags),
            sum(d.severity is Severity.WARNING for d in diags),
        )

    # Links between documents, always relative to the page that shows them.

    def link(self, from_page: str, doc: Document, anchor: str = "") -> str:
        return href(from_page, self.page(doc), anchor)

    def alert_anchor(self, alert_id: str) -> str:
        return slug(alert_id)

    @cached_property
    def alert_pages(self) -> dict[str, str]:
        """docs-dir page -> alert id: the alerts' own pages (render/alert_pages.py)."""
        taken = {self.page(doc) for doc in self.documents}
        return alert_page_names(self.graph, self.settings, taken)

    def alert_link(self, from_page: str, alert_id: str) -> str | None:
        doc = self.document_of(self.graph.alert_doc(alert_id))
        return None if doc is None else self.link(from_page, doc, self.alert_anchor(alert_id))

    def issue_url(self, issue: int) -> str:
        return self.graph.issue_url(issue) or ""

    @cached_property
    def _handled(self) -> dict[str, set[str]]:
        """Alert ids by the path of each runbook that handles them."""
        handled: dict[str, set[str]] = defaultdict(set)
        for alert_id in self.graph.alert_ids():
            for runbook in self.graph.runbooks_for_alert(alert_id):
                handled[runbook.path].add(alert_id)
        return handled

    def alerts_of(self, doc: Document) -> list[str]:
        """Alert ids a runbook handles (front matter and the alert docs' `runbooks:`)."""
        ids = {str(a) for a in listed(doc.front.data, "related_alerts")}
        descriptor = doctypes.get(doc.doc_type)
        if descriptor is not None and descriptor.handles_alerts:
            ids |= self._handled.get(doc.path, set())
        return sorted(ids)

    def handlers(self, alert_id: str) -> list[Document]:
        return unique(self.documents_of(self.graph.runbooks_for_alert(alert_id)))

    def related(self, doc: Document) -> dict[str, list[Document]]:
        """Documents this one refers to or is referred to by, grouped by type."""
        if doc.path not in self._related:
            self._related[doc.path] = self._group(doc)
        return self._related[doc.path]

    def _group(self, doc: Document) -> dict[str, list[Document]]:
        node = self.node(doc)
        docs = unique(
            self.documents_of([*self.graph.references(node), *self.graph.referrers(node)])
        )
        groups: dict[str, list[Document]] = {}
        for other in docs:
            if other.path != doc.path:
                groups.setdefault(other.doc_type, []).append(other)
        return groups


def _param(entry: Mapping[str, Any]) -> ScriptParam:
    return ScriptParam(
        flag=str(entry.get("flag", "")),
        env=str(entry.get("env", "")),
        default=str(entry.get("default", "")),
        required=bool(entry.get("required")),
    )


def listed(data: Mapping[str, Any], key: str) -> list[Any]:
    """A front matter list as the pages read it: [] when the key holds anything else. The
    pages render from documents with schema errors too (`serve` shows lint errors on them),
    so they must not trust a value's type."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def unique(docs: Iterable[Document | None]) -> list[Document]:
    """Documents without repeats, in doc_id order."""
    seen: dict[str, Document] = {}
    for doc in docs:
        if doc is not None:
            seen.setdefault(doc.path, doc)
    return sorted(seen.values(), key=lambda d: (d.doc_id, d.path))
