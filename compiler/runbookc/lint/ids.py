"""Ids across the corpus: doc_ids and alert ids defined once, every id reference resolves."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.doctypes import RUNBOOK
from runbookc.lint.catalog.references import (
    DUPLICATE_ALERT,
    DUPLICATE_DOC_ID,
    UNKNOWN_ALERT,
    UNKNOWN_RUNBOOK,
)
from runbookc.lint.nearmiss import NearMiss
from runbookc.pipeline.graph import ALERT_RUNBOOK, RELATED_ALERT, RELATED_RUNBOOK, Graph, Reference


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    yield from _duplicate_doc_ids(graph)
    yield from _duplicate_alerts(graph)
    near = NearMiss()
    runbooks = (d.doc_id for d in graph.documents if d.doc_type == RUNBOOK)
    runbook_ids = _IdIndex(RUNBOOK, runbooks, near)
    alert_ids = _IdIndex("alert", graph.alert_ids(), near)
    ruled = graph.rules.by_name  # an alert a rule file defines needs no alert doc
    for doc in graph.documents:
        for ref in graph.outgoing(doc):
            if ref.kind == RELATED_ALERT and ref.document is None and ref.target not in ruled:
                yield UNKNOWN_ALERT(
                    doc.path,
                    ref.line,
                    f"related alert `{ref.target}` is defined by no alert document"
                    + (" and no rule file" if graph.rules.configured else ""),
                    column=ref.column,
                    hint=alert_ids.did_you_mean(ref.target),
                )
            elif ref.kind in (RELATED_RUNBOOK, ALERT_RUNBOOK):
                yield from _runbook(ref, runbook_ids)


def _runbook(ref: Reference, runbook_ids: _IdIndex) -> Iterator[Diagnostic]:
    where = "related_runbooks" if ref.kind == RELATED_RUNBOOK else "alert runbooks"
    if ref.document is None:
        yield UNKNOWN_RUNBOOK(
            ref.source.path,
            ref.line,
            f"{where}: no document has doc_id `{ref.target}`",
            column=ref.column,
            hint=runbook_ids.did_you_mean(ref.target),
        )
    elif ref.document.doc_type != RUNBOOK:
        yield UNKNOWN_RUNBOOK(
            ref.source.path,
            ref.line,
            f"{where}: `{ref.target}` is a {ref.document.doc_type} document, not a runbook",
            column=ref.column,
        )


def _duplicate_doc_ids(graph: Graph) -> Iterator[Diagnostic]:
    for doc_id, docs in graph.duplicate_ids().items():
        for doc in docs:
            others = ", ".join(f"{o.path}:{o.doc_id_line}" for o in docs if o is not doc)
            yield DUPLICATE_DOC_ID(
                doc.path,
                doc.doc_id_line,
                f"doc_id `{doc_id}` is also used by {others}",
                hint="every document needs its own doc_id; renumber one of them",
            )


def _duplicate_alerts(graph: Graph) -> Iterator[Diagnostic]:
    for alert_id, defs in graph.duplicate_alerts().items():
        for definition in defs:
            others = ", ".join(f"{o.document.path}:{o.line}" for o in defs if o is not definition)
            yield DUPLICATE_ALERT(
                definition.document.path,
                definition.line,
                f"alert `{alert_id}` is also defined at {others}",
                hint="define each alert in exactly one alert document",
            )


class _IdIndex:
    """Ids bucketed by family (`RB-CK8S-AISLOT-BUILD`) and by number (`0001`): a near miss
    is searched among the ids sharing one of them, so a hint costs the same in a corpus of
    ten documents or ten thousand."""

    def __init__(self, name: str, ids: Iterable[str], near: NearMiss) -> None:
        self._name = name
        self._near = near
        self._by_key: dict[str, list[str]] = {}
        for value in ids:
            for key in _keys(value):
                self._by_key.setdefault(key, []).append(value)

    def did_you_mean(self, word: str) -> str | None:
        buckets = [self._by_key.get(key, []) for key in _keys(word)]
        if not self._near.affords(sum(map(len, buckets))):
            return None
        candidates = {c for bucket in buckets for c in bucket}
        close = self._near.find(word, candidates, scope=self._name, cutoff=0.8)
        return f"did you mean `{close}`?" if close else None


def _keys(value: str) -> tuple[str, str]:
    family, _, number = value.rpartition("-")
    return "family:" + family, "number:" + number
