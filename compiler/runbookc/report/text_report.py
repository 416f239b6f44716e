"""`path:line:col: CODE severity: message` lines, then a summary line."""

from __future__ import annotations

from collections.abc import Sequence

from runbookc.diagnostics import Diagnostic
from runbookc.report import Summary


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    out = []
    for d in diagnostics:
        where = d.path if d.line is None else f"{d.path}:{d.line}:{d.column or 1}"
        out.append(f"{where}: {d.code} {d.severity.value}: {d.message}")
        if d.hint:
            out.append(f"    hint: {d.hint}")
    out.append(summary.line())
    return "\n".join(out) + "\n"
