"""Documents nothing leads to: an alert no runbook handles, a document of a type that must
be cited (doctypes: `orphan`, e.g. a rollback plan or SLO) that no one cites."""

from __future__ import annotations

from collections.abc import Iterator

from runbookc import doctypes
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.references import ORPHAN_ALERT, ORPHAN_DOCUMENT
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.graph import Graph


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    for alert_id in graph.alert_ids():
        if graph.runbooks_for_alert(alert_id):
            continue
        definition = graph.alert_definitions(alert_id)[0]
        yield ORPHAN_ALERT(
            definition.document.path,
            definition.line,
            f"no runbook handles alert `{alert_id}`",
            hint="list a runbook's doc_id in the alert's `runbooks`, or the alert id in "
            "a runbook's `related_alerts`",
        )
    for doc in graph.documents:
        descriptor = doctypes.get(doc.doc_type)
        kind = descriptor.orphan if descriptor else ""
        if kind and not graph.referrers(doc) and not _declares_relations(graph, doc):
            yield ORPHAN_DOCUMENT(
                doc.path,
                doc.doc_id_line,
                f"no document refers to this {kind}",
                hint="link it from the runbooks it serves, or name them in `related_runbooks`",
            )


def _declares_relations(graph: Graph, doc: DocFacts) -> bool:
    """Its own resolved related_runbooks/related_alerts connect it too: the site shows
    those edges from both ends."""
    return any(ref.key and ref.document is not None for ref in graph.outgoing(doc))
