"""`runbookc alerts`: every alert as an on-call handbook or an audit lists it: the rule that
defines it (file:line, group, severity label), the runbook its runbook_url leads to (or, for
an alert without one, the runbooks the documents name) and that runbook's approval state;
then the alerts only documents define. As a table or as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from runbookc.approvals.state import approval_states
from runbookc.config import Settings
from runbookc.lint.alert_rules import RUNBOOK_URL, resolve_url, url_templates
from runbookc.model import Document
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.graph import Graph
from runbookc.report.escape import printable

COLUMNS = ("alert", "rule", "group", "severity", "runbook", "approval")


def alert_rows(
    graph: Graph, documents: Sequence[Document], settings: Settings
) -> list[dict[str, Any]]:
    """One row per alerting rule, then one per alert only an alert doc defines."""
    states = approval_states(documents, settings)
    templates = url_templates(settings)

    def runbook(docs: list[DocFacts]) -> dict[str, str]:
        shown = [graph.source_path(d) for d in docs]
        approvals = [states[d.path].status if d.path in states else "" for d in docs]
        return {"runbook": ", ".join(shown), "approval": ", ".join(approvals)}

    rows: list[dict[str, Any]] = []
    for rule in graph.rules.rules:
        url = rule.annotations.get(RUNBOOK_URL)
        if url is None:
            docs = graph.runbooks_for_alert(rule.name)
        else:
            found = resolve_url(graph, url, templates).document
            docs = [found] if found is not None else []
        rows.append(
            {
                "alert": rule.name,
                "rule": f"{rule.path}:{rule.line}",
                "group": rule.group,
                "severity": rule.labels.get("severity", ""),
                "runbook_url": url or "",
                **runbook(docs),
            }
        )
    ruled = graph.rules.by_name
    for alert_id in graph.alert_ids():
        if alert_id not in ruled:
            entry = graph.alert(alert_id) or {}
            rows.append(
                {
                    "alert": alert_id,
                    "rule": "",
                    "group": "",
                    "severity": str(entry.get("severity", "")),
                    "runbook_url": "",
                    **runbook(graph.runbooks_for_alert(alert_id)),
                }
            )
    return rows


def as_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_table(rows: list[dict[str, Any]]) -> str:
    """Columns padded to their widest cell; `-` for an empty one. Alert names and paths come
    from rule files and documents: a control character in one shows escaped."""
    cells = [list(COLUMNS)] + [[printable(str(r[c])) or "-" for c in COLUMNS] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines) + "\n"
