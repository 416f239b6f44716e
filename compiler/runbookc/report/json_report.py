"""One JSON object: {"diagnostics": [...], "summary": {...}} (a stable contract)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

from runbookc.diagnostics import Diagnostic
from runbookc.report import Summary


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    payload = {"diagnostics": [d.to_dict() for d in diagnostics], "summary": asdict(summary)}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
