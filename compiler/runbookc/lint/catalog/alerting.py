"""Rules RB6xx: alerting rules against the documents."""

from __future__ import annotations

from runbookc.lint.rule import ERROR, WARNING, Family, declare_rule

# Alerting rules (the `rules` setting) against the documents: runbook_url both ways.
RULE_FILE = declare_rule(
    "RB601",
    "invalid-rule-file",
    ERROR,
    "A rule file is not valid YAML or not shaped as Prometheus rule groups",
    Family.RULE_FILES,
)
NO_RUNBOOK_URL = declare_rule(
    "RB602",
    "missing-runbook-url",
    WARNING,
    "An alerting rule has no runbook_url annotation",
    Family.ALERT_RULES,
)
UNRESOLVED_RUNBOOK_URL = declare_rule(
    "RB603",
    "unresolved-runbook-url",
    ERROR,
    "A runbook_url leads to no document of the corpus",
    Family.ALERT_RULES,
)
RUNBOOK_URL_ANCHOR = declare_rule(
    "RB604",
    "runbook-url-anchor",
    ERROR,
    "A runbook_url's #fragment matches no heading of its document",
    Family.ALERT_RULES,
)
TEMPLATED_RUNBOOK_URL = declare_rule(
    "RB605",
    "templated-runbook-url",
    WARNING,
    "A runbook_url is a template ({{ $labels.x }}): no check can tell where it leads",
    Family.ALERT_RULES,
)
CONFLICTING_RUNBOOK_URLS = declare_rule(
    "RB606",
    "conflicting-runbook-urls",
    ERROR,
    "One alert name is defined with different runbook_urls",
    Family.ALERT_RULES,
)
UNDEFINED_ALERT = declare_rule(
    "RB607",
    "undefined-alert",
    WARNING,
    "A document names an alert that no rule file defines",
    Family.ALERT_RULES,
)
RUNBOOK_URL_TYPE = declare_rule(
    "RB608",
    "runbook-url-wrong-type",
    ERROR,
    "A runbook_url leads to a document that is neither a runbook nor an alert doc",
    Family.ALERT_RULES,
)
