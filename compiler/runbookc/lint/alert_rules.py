"""Alerting rules against the documents, both ways: every rule's `runbook_url` leads to a
runbook or alert doc of the corpus (and to a heading, for a #fragment), and every alert an
alert doc defines is defined by a rule file. Runs only when `rules` is set.

A URL maps to a document through the `alert_rules.runbook_urls` templates, each holding one
field: `{path}` (the document's path under the source dir, `.md` optional), `{alert}` (the
alert doc or runbook of that alert) or `{doc_id}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from runbookc import doctypes
from runbookc.config import ConfigError, Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.lint.catalog.alerting import (
    CONFLICTING_RUNBOOK_URLS,
    NO_RUNBOOK_URL,
    RUNBOOK_URL_ANCHOR,
    RUNBOOK_URL_TYPE,
    TEMPLATED_RUNBOOK_URL,
    UNDEFINED_ALERT,
    UNRESOLVED_RUNBOOK_URL,
)
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.graph import Graph
from runbookc.pipeline.rulefiles import AlertRule
from runbookc.render.alert_pages import alert_pages_mode

declare(
    Key("alert_rules", Kind.TABLE, None, "how the `rules` files' alerting rules are checked"),
    Key(
        "alert_rules.runbook_urls",
        Kind.STRINGS,
        "[]",
        "URL templates a runbook_url is matched against, each with one of {path} (the "
        "document's path under `source`), {alert} or {doc_id}: "
        '"https://github.com/ORG/runbooks/blob/main/alerts/{path}"',
    ),
    Key(
        "alert_rules.missing_runbook_url",
        Kind.MAP,
        "{}",
        "RB602's severity by the rule's `severity` label (\"*\": any other): "
        '"error", "warning", "info" or "off"',
    ),
)

RUNBOOK_URL = "runbook_url"
_FIELDS = {"path": "[^?#]+?", "alert": "[^/?#]+", "doc_id": "[^/?#]+"}
_FIELD = re.compile(r"\{(path|alert|doc_id)\}")
_OFF = "off"


@dataclass(frozen=True)
class UrlTemplate:
    text: str
    field: str
    pattern: re.Pattern[str]


def url_templates(settings: Settings) -> list[UrlTemplate]:
    """The `alert_rules.runbook_urls` templates; one without exactly one field is a
    ConfigError."""
    templates = []
    for text in settings.table("alert_rules").get("runbook_urls", []):
        fields = _FIELD.findall(text)
        if len(fields) != 1:
            raise ConfigError(
                f"alert_rules.runbook_urls: {text!r} must hold one of {{path}}, {{alert}} "
                "or {doc_id}"
            )
        head, _, tail = text.partition("{" + fields[0] + "}")
        # A site URL may be written with or without its trailing slash.
        body = f"{re.escape(head)}(?P<value>{_FIELDS[fields[0]]}){re.escape(tail.rstrip('/'))}/?"
        templates.append(UrlTemplate(text, fields[0], re.compile(body)))
    return templates


def missing_severities(settings: Settings) -> dict[str, str]:
    """`alert_rules.missing_runbook_url`, checked: label value -> severity or "off"."""
    table = settings.table("alert_rules").get("missing_runbook_url", {})
    choices = [*(s.value for s in Severity), _OFF]
    for label, value in table.items():
        if value not in choices:
            raise ConfigError(
                f"alert_rules.missing_runbook_url.{label}: {value!r} is not one of "
                + ", ".join(choices)
            )
    return dict(table)


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    rules = graph.rules
    if not rules.configured:
        return
    yield from rules.diagnostics
    templates = url_templates(settings)
    severities = missing_severities(settings)
    for rule in rules.rules:
        url = rule.annotations.get(RUNBOOK_URL)
        if url is None:
            yield from _missing(rule, severities)
        else:
            yield from _url(graph, rule, url.strip(), templates)
    for defs in rules.by_name.values():
        yield from _conflicts(defs)
    yield from _undefined(graph, set(rules.by_name))


def _missing(rule: AlertRule, severities: dict[str, str]) -> Iterator[Diagnostic]:
    label = rule.labels.get("severity", "")
    chosen = severities.get(label, severities.get("*"))
    if chosen == _OFF:
        return
    found = NO_RUNBOOK_URL(
        rule.path,
        rule.line,
        f"alerting rule `{rule.name}` (group `{rule.group}`) has no runbook_url",
        hint="add `annotations.runbook_url` with the URL of the runbook that handles it",
    )
    yield found.with_severity(Severity(chosen)) if chosen else found


def _url(
    graph: Graph, rule: AlertRule, url: str, templates: list[UrlTemplate]
) -> Iterator[Diagnostic]:
    line = rule.line_of(f"annotations.{RUNBOOK_URL}")
    if "{{" in url:
        yield TEMPLATED_RUNBOOK_URL(
            rule.path,
            line,
            f"runbook_url of `{rule.name}` is a template: `{url}`",
            hint="write the URL out in full so it can be checked (one rule per runbook)",
        )
        return
    resolved = resolve_url(graph, url, templates)
    if resolved.template is None:
        known = ", ".join(t.text for t in templates) or "none are set"
        yield UNRESOLVED_RUNBOOK_URL(
            rule.path,
            line,
            f"runbook_url of `{rule.name}` matches no runbook URL template: `{url}`",
            hint=f"alert_rules.runbook_urls maps URLs to documents ({known})",
        )
        return
    doc = resolved.document
    if doc is None and resolved.template.field == "alert" and _has_page(graph, resolved.value):
        return  # the page `alert_pages = "all"` makes for an alert only a rule defines
    if doc is None:
        yield UNRESOLVED_RUNBOOK_URL(
            rule.path,
            line,
            f"runbook_url of `{rule.name}` leads to no document: `{url}` "
            f"({resolved.template.field} `{resolved.value}`)",
            hint="fix the URL, or write the runbook it names",
        )
        return
    shown = graph.source_path(doc)
    descriptor = doctypes.get(doc.doc_type)
    if descriptor is None or not (
        descriptor.handles_alerts or doctypes.ALERTS in descriptor.references
    ):
        yield RUNBOOK_URL_TYPE(
            rule.path,
            line,
            f"runbook_url of `{rule.name}` leads to {shown}, a `{doc.doc_type}` document",
            hint="point it at the runbook (or alert doc) that handles the alert",
        )
    anchor = resolved.anchor
    if anchor is not None and anchor not in doc.anchors:
        listed = ", ".join(f"#{a}" for a in sorted(doc.anchors)[:8]) or "none"
        yield RUNBOOK_URL_ANCHOR(
            rule.path,
            line,
            f"runbook_url of `{rule.name}`: `#{anchor}` matches no heading of {shown}",
            hint=f"its headings: {listed}",
        )


@dataclass(frozen=True)
class Resolved:
    """Where a runbook_url leads: the template it matches (None: none does), the value of
    its field, the document (None: no such document) and the decoded #fragment."""

    template: UrlTemplate | None
    value: str = ""
    document: DocFacts | None = None
    anchor: str | None = None


def resolve_url(graph: Graph, url: str, templates: list[UrlTemplate]) -> Resolved:
    parts = urlsplit(url.strip())
    bare = parts._replace(query="", fragment="").geturl()
    matched = next(((t, m) for t in templates if (m := t.pattern.fullmatch(bare))), None)
    if matched is None:
        return Resolved(None)
    template, match = matched
    value = unquote(match.group("value"))
    anchor = unquote(parts.fragment) if parts.fragment else None
    return Resolved(template, value, _document(graph, template.field, value), anchor)


def url_targets(graph: Graph, alert_id: str) -> list[DocFacts]:
    """The documents the runbook_urls of `alert_id`'s rules lead to (its page links them)."""
    templates = url_templates(graph.settings)
    found = []
    for rule in graph.rules.by_name.get(alert_id, []):
        url = rule.annotations.get(RUNBOOK_URL)
        doc = resolve_url(graph, url, templates).document if url else None
        if doc is not None and doc not in found:
            found.append(doc)
    return found


def _has_page(graph: Graph, alert_id: str) -> bool:
    return alert_pages_mode(graph.settings) == "all" and alert_id in graph.rules.by_name


def _handles(descriptor: doctypes.DocType | None) -> bool:
    """Whether a runbook_url may lead to a document of this type: one that handles alerts
    (a runbook) or defines them (an alert doc)."""
    if descriptor is None:
        return False
    return descriptor.handles_alerts or doctypes.ALERTS in descriptor.references


def _document(graph: Graph, field: str, value: str) -> DocFacts | None:
    if field == "doc_id":
        return graph.document(value)
    if field == "alert":
        handlers = graph.runbooks_for_alert(value)
        return graph.alert_doc(value) or (handlers[0] if handlers else None)
    path = value.rstrip("/")
    for candidate in (path, f"{path}.md", f"{path}/index.md"):
        doc = graph.by_path(candidate)
        if doc is not None:
            return doc
    return None


def _conflicts(defs: list[AlertRule]) -> Iterator[Diagnostic]:
    """One alert name with different runbook_urls: each that differs from the first."""
    first = defs[0]
    first_url = first.annotations.get(RUNBOOK_URL, "")
    for rule in defs[1:]:
        url = rule.annotations.get(RUNBOOK_URL, "")
        if url != first_url:
            yield CONFLICTING_RUNBOOK_URLS(
                rule.path,
                rule.line_of(f"annotations.{RUNBOOK_URL}"),
                f"alert `{rule.name}` (group `{rule.group}`) has runbook_url "
                f"`{url or '(none)'}`, but `{first_url or '(none)'}` at {first.path}:"
                f"{first.line_of(f'annotations.{RUNBOOK_URL}')} (group `{first.group}`)",
                hint="one alert, one runbook: give every definition the same runbook_url",
            )


def _undefined(graph: Graph, defined: set[str]) -> Iterator[Diagnostic]:
    """Alerts an alert doc defines that no rule file does."""
    for alert_id in graph.alert_ids():
        if alert_id in defined:
            continue
        for definition in graph.alert_definitions(alert_id):
            yield UNDEFINED_ALERT(
                definition.document.path,
                definition.line,
                f"alert `{alert_id}` is defined by no rule of the rule files",
                hint="fix the name, add its rule, or (an alert that lives elsewhere) set "
                'severity = {RB607 = "info"} or ignore = ["RB607"]',
            )
