"""Corpus rules: each module checks one family of rules over the graph.

A check module declares its rules with `registry.rule(...)` and has
`check(graph, settings) -> Iterable[Diagnostic]`; list it in CHECK_MODULES (and in
registry.RULE_MODULES, so the rule docs and `runbookc rules` see its codes). A family
whose findings depend on one document alone has `check_document(document, settings)`
instead and is listed in DOCUMENT_CHECK_MODULES: it runs where the document is compiled
(in the workers) and its findings are cached with the document's summary.
"""

from __future__ import annotations

import importlib

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.model import Document
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.graph import Graph

CHECK_MODULES = (
    "runbookc.lint.links",
    "runbookc.lint.ids",
    "runbookc.lint.orphans",
)
DOCUMENT_CHECK_MODULES = ("runbookc.lint.approvals",)


def run_checks(graph: Graph[DocFacts], settings: Settings) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for name in CHECK_MODULES:
        diagnostics += importlib.import_module(name).check(graph, settings)
    return diagnostics


def run_document_checks(document: Document, settings: Settings) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for name in DOCUMENT_CHECK_MODULES:
        diagnostics += importlib.import_module(name).check_document(document, settings)
    return diagnostics
