"""Reporters: one module per output format, chosen by name from REPORTERS."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from runbookc.diagnostics import Diagnostic, Severity
from runbookc.names import FORMATS as FORMATS


@dataclass(frozen=True)
class Summary:
    documents: int
    errors: int
    warnings: int

    @classmethod
    def of(cls, documents: int, diagnostics: Sequence[Diagnostic]) -> Summary:
        return cls(
            documents=documents,
            errors=sum(d.severity is Severity.ERROR for d in diagnostics),
            warnings=sum(d.severity is Severity.WARNING for d in diagnostics),
        )

    def line(self) -> str:
        """`3 documents, 1 error, 0 warnings`: the last line of the text reports."""
        counts = ((self.documents, "document"), (self.errors, "error"), (self.warnings, "warning"))
        return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts)


def render(fmt: str, diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    """The report text in `fmt`, ending with a newline (or empty)."""
    module = importlib.import_module(f"runbookc.report.{fmt}_report")
    return module.render(sorted(diagnostics, key=Diagnostic.sort_key), summary)
