"""Corpus rules: each module checks one family of rules over the graph.

A family's module imports its rules from the catalog (lint/catalog/) and has
`check(graph, settings) -> Iterable[Diagnostic]`; add that function to GRAPH_CHECKS. A
family whose findings depend on one document alone has `check_document(document,
settings)` instead and goes in DOCUMENT_CHECKS: it runs where the document is compiled
(in the workers) and its findings are cached with the document's summary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint import alert_rules, approvals, ids, links, orphans, pages
from runbookc.model import Document
from runbookc.pipeline.graph import Graph

GRAPH_CHECKS: tuple[Callable[[Graph, Settings], Iterable[Diagnostic]], ...] = (
    links.check,
    ids.check,
    orphans.check,
    pages.check,
    alert_rules.check,
)
DOCUMENT_CHECKS: tuple[Callable[[Document, Settings], Iterable[Diagnostic]], ...] = (
    approvals.check_document,
    pages.check_document,
)


def run_checks(graph: Graph, settings: Settings) -> list[Diagnostic]:
    return [d for check in GRAPH_CHECKS for d in check(graph, settings)]


def run_document_checks(document: Document, settings: Settings) -> list[Diagnostic]:
    return [d for check in DOCUMENT_CHECKS for d in check(document, settings)]
