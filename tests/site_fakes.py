"""A minimal stand-in for the corpus graph, for render tests that pin down page details
without depending on every rule of the real graph."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from runbookc.config import Settings
from runbookc.model import Document


class FakeGraph:
    def __init__(self, documents: list[Document], settings: Settings) -> None:
        self.docs = documents
        self.settings = settings
        self.by_id = {d.doc_id: d for d in documents}
        self.paths = {Path(d.path).resolve(): d for d in documents}
        self.refs: dict[str, list[Document]] = {}
        self.alerts = {
            a["id"]: (d, a)
            for d in documents
            if d.doc_type == "alert"
            for a in d.front.data.get("alerts", [])
        }

    def document(self, doc_id: str) -> Document | None:
        return self.by_id.get(doc_id)

    def by_path(self, path: Path) -> Document | None:
        return self.paths.get(path.resolve())

    def alert_ids(self) -> list[str]:
        return sorted(self.alerts)

    def alert_doc(self, alert_id: str) -> Document | None:
        return self.alerts[alert_id][0] if alert_id in self.alerts else None

    def alert(self, alert_id: str) -> dict:
        return self.alerts[alert_id][1]

    def runbooks_for_alert(self, alert_id: str) -> list[Document]:
        runbooks = self.alerts[alert_id][1].get("runbooks", []) if alert_id in self.alerts else []
        return [self.by_id[r] for r in runbooks if r in self.by_id]

    def resolve(self, doc: Document, target: str) -> tuple[Document | None, str | None]:
        path, _, anchor = target.partition("#")
        for prefix, replacement in self.settings.paths.items():
            if path.startswith(prefix):
                file = self.settings.source_dir / (replacement + path[len(prefix) :])
                break
        else:
            file = Path(doc.path).parent / unquote(path)
        return self.by_path(file), unquote(anchor) or None

    def references(self, doc: Document) -> list[Document]:
        if doc.path not in self.refs:
            self.refs[doc.path] = self._references(doc)
        return self.refs[doc.path]

    def _references(self, doc: Document) -> list[Document]:
        found = [self.resolve(doc, s.text)[0] for s in doc.parsed.code_spans]
        found += [self.resolve(doc, link.target)[0] for link in doc.parsed.links]
        data = doc.front.data
        ids = [
            *data.get("related_runbooks", []),
            *(r for a in data.get("alerts", []) for r in a.get("runbooks", [])),
        ]
        found += [self.by_id.get(i) for i in ids]
        found += [self.alert_doc(a) for a in data.get("related_alerts", [])]
        unique = {id(d): d for d in found if d is not None and d is not doc}
        return list(unique.values())

    def referrers(self, doc: Document) -> list[Document]:
        return [d for d in self.docs if any(r is doc for r in self.references(d))]

    def issues(self) -> dict[int, list[Document]]:
        found: dict[int, list[Document]] = {}
        for d in self.docs:
            for issue in d.front.data.get("related_issues", []):
                found.setdefault(issue, []).append(d)
        return found
