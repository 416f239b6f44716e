"""The alerting rules behind an alert, as its pages show them (templates/site/alert_rule.md.j2):
where the rule is (file:line, group), its PromQL expression, `for`, labels, and the summary
and description annotations, so the page and the rule file cannot drift apart."""

from __future__ import annotations

import re

from runbookc.render import markdown as md
from runbookc.render.context import Site

_BACKTICKS = re.compile(r"`{3,}")


def rule_views(site: Site, alert_id: str) -> list[dict[str, str]]:
    """The rules of `alert_id` (none without `rules`), with their values made safe for the
    page: text escaped, the expression in a fence no line of it can close."""
    views = []
    for rule in site.graph.rules.by_name.get(alert_id, []):
        labels = [md.code(f"{k}={v}") for k, v in sorted(rule.labels.items())]
        runs = [len(m) for m in _BACKTICKS.findall(rule.expr)]
        views.append(
            {
                "where": md.code(f"{rule.path}:{rule.line}"),
                "group": md.code(rule.group),
                "duration": md.cell(rule.duration),
                "labels": " ".join(labels),
                "summary": md.cell(rule.annotations.get("summary", "")),
                "description": md.cell(rule.annotations.get("description", "")),
                "fence": "`" * max([3, *(n + 1 for n in runs)]),
                "expr": rule.expr.rstrip("\n"),
            }
        )
    return views
