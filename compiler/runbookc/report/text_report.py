"""`path:line:col: CODE severity: message` lines, then a summary line. Paths, messages
and hints are printed through `printable`: a finding is always one line."""

from __future__ import annotations

from collections.abc import Sequence

from runbookc.diagnostics import Diagnostic
from runbookc.report import Summary
from runbookc.report.escape import printable


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    out = []
    for d in diagnostics:
        path = printable(d.path)
        where = path if d.line is None else f"{path}:{d.line}:{d.column or 1}"
        out.append(f"{where}: {d.code} {d.severity.value}: {printable(d.message)}")
        if d.hint:
            out.append(f"    hint: {printable(d.hint)}")
    out.append(summary.line())
    return "\n".join(out) + "\n"
