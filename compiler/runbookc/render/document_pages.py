"""A document's page (its body, the meta panel, approval banner, findings, alerts and
objectives) and an alert's own page (render/alert_pages.py names them)."""

from __future__ import annotations

import re
from typing import Any

from runbookc import doctypes
from runbookc.approvals.state import ApprovalState
from runbookc.diagnostics import Diagnostic
from runbookc.lint.alert_rules import url_targets
from runbookc.lint.catalog import BY_CODE
from runbookc.model import Document
from runbookc.render import markdown as md
from runbookc.render.alert_rule import rule_views
from runbookc.render.body import page_title, render_body
from runbookc.render.context import Site, listed, unique
from runbookc.render.first import Refs, first_action, script_rows, status_line
from runbookc.render.labels import language_key
from runbookc.render.paths import href, rule_page
from runbookc.render.templates import render_template as _render


def document_page(site: Site, doc: Document) -> str:
    page = site.page(doc)
    words = site.words
    state = site.approval(doc)
    body = render_body(site, doc, page)
    descriptor = doctypes.get(doc.doc_type)
    panels = descriptor.panels if descriptor else ()
    alerts = alert_views(site, doc, page) if doctypes.ALERTS in panels else []
    refs = Refs(
        alerts=[] if _defines_alerts(doc.doc_type) else alert_refs(site, page, doc),
        defined=[
            f"[{md.code(a['id'])}](#{site.alert_anchor(a['id'])}) ({md.cell(a['severity'])}) → "
            + (", ".join(a["handlers"]) or words["no_runbook"])
            for a in alerts
        ],
        runbooks=[doc_ref(site, page, r) for r in site.related(doc).get("runbook", [])],
    )
    scripts = site.scripts_of(doc)
    return _render(
        "document.md.j2",
        w=words,
        doc=doc,
        title=page_title(doc),
        tags=doc_tags(site, doc),
        title_line=body.title_line,
        body=body.text,
        status=status_line(site, doc, state, refs),
        first=first_action(site, doc, page, refs),
        meta=meta_rows(site, doc, page, state),
        banner=banner(site, state),
        findings=findings(site, doc, page),
        alerts=alerts,
        objectives=objective_rows(doc) if doctypes.OBJECTIVES in panels else [],
        scripts=script_rows(site, page, scripts),
        run=href(page, site.run_script(doc)) if scripts else "",
    )


def doc_tags(site: Site, doc: Document) -> list[str]:
    words = site.words
    tags = [
        f"{words['tag_type']}: {site.type_label(doc)}",
        f"{words['tag_status']}: {status_word(site, doc.front.data.get('status', ''))}",
        f"{words['tag_owner']}: {doc.front.data.get('owner_role', '')}",
    ]
    tags += [str(t) for t in listed(doc.front.data, "tags")]
    return list(dict.fromkeys(tags))


def doc_ref(site: Site, page: str, doc: Document) -> str:
    return f"[{md.code(doc.doc_id or doc.path)}]({site.link(page, doc)}) {md.cell(doc.title)}"


def alert_ref(site: Site, page: str, alert_id: str) -> str:
    target = site.alert_link(page, alert_id)
    alert = site.graph.alert(alert_id) if target else None
    severity = f" ({md.cell(alert.get('severity', ''))})" if alert else ""
    return f"[{md.code(alert_id)}]({target}){severity}" if target else md.code(alert_id)


def alert_refs(site: Site, page: str, doc: Document) -> list[str]:
    return [alert_ref(site, page, a) for a in site.alerts_of(doc)]


def approval_text(site: Site, state: ApprovalState) -> str:
    words = site.words
    parts = [f"**{words['approval_' + state.status]}**"]
    if state.request_id:
        parts.append(f"{words['request']}: {request_ref(site, state.request_id)}")
    if state.required:
        parts.append(f"{words['required']}: {md.cell(', '.join(state.required))}")
    if state.approvers:
        # who vouches for each: a signature, or (unsigned mode) only the name in the file
        who = "; ".join(
            words[f"proof_{a.proof}"].format(by=md.cell(a.by))
            + f", {md.cell(a.role)}, {md.cell(a.at)}"
            for a in state.approvers
        )
        parts.append(f"{words['approved_by']}: {who}")
    if state.missing and state.status != "approved":
        parts.append(f"{words['missing']}: {md.cell(', '.join(state.missing))}")
    return " · ".join(parts)


# An approval request id that names an issue: `205`, `#205`, `issue-205-ai-repair`.
_ISSUE_REQUEST = re.compile(r"(?:#|issue[-_ ]?)?(\d{1,9})\b", re.IGNORECASE)


def request_ref(site: Site, request_id: str) -> str:
    """An approval request id as a page shows it: linked through `issue_url` when it names
    an issue and the setting is there, else as code."""
    match = _ISSUE_REQUEST.match(request_id)
    url = site.issue_url(int(match[1])) if match else ""
    return f"[{md.code(request_id)}]({url})" if url else md.code(request_id)


def meta_rows(site: Site, doc: Document, page: str, state: ApprovalState) -> list[tuple[str, str]]:
    words, data = site.words, doc.front.data
    rows = [
        (words["doc_id"], md.code(doc.doc_id)),
        (words["title"], md.cell(doc.title)),  # the front matter's: the heading may differ
        (words["type"], md.cell(site.type_label(doc))),
        (words["status"], md.cell(status_word(site, data.get("status", "")))),
        (words["owner_role"], md.cell(data.get("owner_role", ""))),
        (words["created"], md.cell(data.get("created_at", ""))),
        (words["updated"], md.cell(data.get("updated_at", ""))),
        (words["approval"], approval_text(site, state)),
    ]
    if "service" in data:
        rows.append((words["service"], md.cell(data["service"])))
    alerts = [] if _defines_alerts(doc.doc_type) else alert_refs(site, page, doc)
    if alerts:
        rows.append((words["alerts"], "<br>".join(alerts)))
    related = site.related(doc)
    for doc_type in doctypes.TYPES.values():
        if related.get(doc_type.name):
            refs = "<br>".join(doc_ref(site, page, other) for other in related[doc_type.name])
            rows.append((site.type_words(doc_type).many, refs))
    issues = [
        f"[#{n}]({site.issue_url(n)})" if site.issue_url(n) and type(n) is int else f"#{md.cell(n)}"
        for n in listed(doc.front.data, "related_issues")
    ]
    if issues:
        rows.append((words["issues"], ", ".join(issues)))
    scripts = site.scripts_of(doc)
    if scripts:
        rows.append((words["scripts"], f"[{len(scripts)}](#runbookc-scripts)"))
    return rows


def banner(site: Site, state: ApprovalState) -> dict[str, str] | None:
    if state.status not in ("pending", "stale", "rejected"):
        return None
    words = site.words
    roles = md.text(", ".join(state.missing) or words["none"])
    request = request_ref(site, state.request_id) if state.request_id else ""
    text = words[f"banner_{state.status}_text"].format(
        roles=f"**{roles}**",
        request=words["banner_request"].format(request=request) if request else "",
    )
    kind = "danger" if state.status == "rejected" else "warning"
    return {"kind": kind, "title": words[f"banner_{state.status}"], "text": text}


def findings(site: Site, doc: Document, page: str) -> dict[str, Any] | None:
    """The linter's findings on this document: open when there are errors, folded when
    there are only warnings (readers in an incident need the steps, not the nits)."""
    diags = site.findings.get(doc.path, [])
    if not diags:
        return None
    errors, _ = site.counts(doc)
    words = site.words
    items = [
        f"[{d.code}]({href(page, rule_page(d.code))}) {words['severity_' + d.severity.value]}, "
        f"{words['line'].lower()} {d.line or 1}: {finding_text(site, d)}"
        for d in diags
    ]
    return {
        "marker": "!!!" if errors else "???",
        "kind": "failure" if errors else "note",
        "title": f"{site.words['lint']} ({len(diags)})",
        "items": items,
    }


def finding_text(site: Site, diag: Diagnostic) -> str:
    """A finding as a page shows it. The messages are English (the CLI's); on a site in
    another language the finding reads as its rule's summary in that language and the
    names the message is about (its code spans)."""
    language = language_key(site.settings.language)
    rule = BY_CODE.get(diag.code)
    if language == "en" or rule is None:
        return md.with_code(diag.message)
    names = ", ".join(md.code(name) for name in dict.fromkeys(md.code_spans(diag.message)))
    return md.with_code(rule.summary_in(language)) + (f": {names}" if names else "")


def status_word(site: Site, status: object) -> str:
    """A document's `status` in the site's language (an unknown value as it is written)."""
    return site.words.get(f"status_{status}", str(status))


def alert_views(site: Site, doc: Document, page: str) -> list[dict[str, Any]]:
    """The alerts an alert doc defines, with an anchor each and the runbooks handling them."""
    own_anchors = doc.parsed.anchors
    views = []
    for alert in listed(doc.front.data, "alerts"):
        if not isinstance(alert, dict):
            continue
        alert_id = str(alert.get("id", ""))
        anchor = site.alert_anchor(alert_id)
        handlers = site.handlers(alert_id) or [
            d
            for d in (
                site.document_of(site.graph.document(str(r))) for r in listed(alert, "runbooks")
            )
            if d
        ]
        views.append(
            {
                "id": alert_id,
                # A heading in the body may already carry the anchor; two ids would shift it.
                "anchor": "" if anchor in own_anchors else anchor,
                "severity": str(alert.get("severity", "")),
                "summary": str(alert.get("summary", "")),
                "threshold": str(alert.get("threshold", "")),
                "for": str(alert.get("for", "")),
                "condition": str(alert.get("condition", "")),
                "handlers": [doc_ref(site, page, h) for h in handlers],
                "rules": rule_views(site, alert_id),
            }
        )
    return views


def alert_page(site: Site, alert_id: str, page: str) -> str:
    """An alert's own page (render/alert_pages.py): its rules, alert doc and runbooks."""
    entry = site.graph.alert(alert_id) or {}
    rules = rule_views(site, alert_id)
    doc = site.document_of(site.graph.alert_doc(alert_id))
    link = site.alert_link(page, alert_id)
    # The runbooks its rules' runbook_urls lead to, then those the documents name.
    linked = site.documents_of(url_targets(site.graph, alert_id))
    return _render(
        "alert_page.md.j2",
        w=site.words,
        alert=alert_id,
        summary=md.cell(entry.get("summary", "")) or (rules[0]["summary"] if rules else ""),
        severity=md.cell(entry.get("severity", "")) or _rule_severity(site, alert_id),
        handlers=[doc_ref(site, page, h) for h in unique([*linked, *site.handlers(alert_id)])],
        defined_in=f"[{md.code(doc.doc_id)}]({link}) {md.cell(doc.title)}" if doc else "",
        rules=rules,
    )


def _rule_severity(site: Site, alert_id: str) -> str:
    """An alert only rule files define: the `severity` label of its rules."""
    found = {r.labels.get("severity", "") for r in site.graph.rules.by_name.get(alert_id, [])}
    return md.cell(", ".join(sorted(found - {""})))


def objective_rows(doc: Document) -> list[dict[str, str]]:
    return [
        {k: str(o.get(k, "")) for k in ("name", "sli", "target", "window")}
        for o in listed(doc.front.data, "objectives")
        if isinstance(o, dict)
    ]


def _defines_alerts(doc_type: str) -> bool:
    descriptor = doctypes.get(doc_type)
    return descriptor is not None and doctypes.ALERTS in descriptor.references
