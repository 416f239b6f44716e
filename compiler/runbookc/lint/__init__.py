"""Corpus rules: each module checks one family of rules over the graph.

A check module declares its rules with `registry.rule(...)` and has
`check(graph, settings) -> Iterable[Diagnostic]`; list it in CHECK_MODULES (and in
registry.RULE_MODULES, so the rule docs and `runbookc rules` see its codes).
"""

from __future__ import annotations

import importlib

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.facts import DocFacts
from runbookc.graph import Graph

CHECK_MODULES = (
    "runbookc.lint.links",
    "runbookc.lint.ids",
    "runbookc.lint.orphans",
    "runbookc.lint.approvals",
)


def run_checks(graph: Graph[DocFacts], settings: Settings) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for name in CHECK_MODULES:
        diagnostics += importlib.import_module(name).check(graph, settings)
    return diagnostics
