"""Alerting rules against the documents. Runs only when `rules` is set."""

from __future__ import annotations

from collections.abc import Iterator

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.pipeline.graph import Graph


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    """What the rule files stage could not read (RB601)."""
    yield from graph.rules.diagnostics
