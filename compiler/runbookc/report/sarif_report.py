"""SARIF 2.1.0 for code scanning: one run, rules from the catalog, one result a finding.

Paths are relative URI references (percent-encoded), resolved by code scanning against the
repository root."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote

from runbookc import __version__
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.lint.catalog import BY_CODE
from runbookc.report import Summary

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(diagnostics: Sequence[Diagnostic], summary: Summary) -> str:
    codes = sorted({d.code for d in diagnostics})
    rules = [
        {
            "id": code,
            "name": BY_CODE[code].name if code in BY_CODE else code,
            "shortDescription": {"text": BY_CODE[code].summary if code in BY_CODE else code},
            "defaultConfiguration": {
                "level": _LEVEL[BY_CODE[code].severity] if code in BY_CODE else "warning"
            },
        }
        for code in codes
    ]
    results = []
    for d in diagnostics:
        location: dict[str, object] = {"artifactLocation": {"uri": quote(d.path)}}
        if d.line is not None:
            location["region"] = {"startLine": d.line, "startColumn": d.column or 1}
        text = d.message + (f" ({d.hint})" if d.hint else "")
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": codes.index(d.code),
                "level": _LEVEL[d.severity],
                "message": {"text": text},
                "locations": [{"physicalLocation": location}],
            }
        )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "runbookc",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
                # our columns count characters; SARIF's default is UTF-16 code units
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
