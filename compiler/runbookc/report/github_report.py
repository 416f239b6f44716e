"""GitHub Actions workflow commands: one `::error file=...,line=...::` annotation a line."""

from __future__ import annotations

from collections.abc import Sequence

from runbookc.diagnostics import Diagnostic, Severity
from runbookc.report import Summary
from runbookc.report.escape import printable

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    out = []
    for d in diagnostics:
        props = [f"file={_escape_property(printable(d.path))}"]
        if d.line is not None:
            props += [f"line={d.line}", f"col={d.column or 1}"]
        props.append(f"title={_escape_property(d.code)}")
        # The input's own line breaks are escaped; the one before the hint is a real one.
        message = printable(d.message) + (f"\n{printable(d.hint)}" if d.hint else "")
        out.append(f"::{_LEVEL[d.severity]} {','.join(props)}::{_escape_data(message)}")
    out.append(summary.line())
    return "\n".join(out) + "\n"
