"""Render stage: the corpus -> Markdown pages for MkDocs (jinja2 templates).

`page_renderers(site)` maps every page path of the docs dir to a function that renders it,
so `runbookc serve` can re-render only the pages an edit affects; `render_pages(site)`
renders them all. Output is a pure function of the inputs: rendering twice gives the same
bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache, partial
from typing import Any

import jinja2

from runbookc import doctypes
from runbookc.approvals.state import ApprovalState
from runbookc.diagnostics import Diagnostic
from runbookc.lint.alert_rules import url_targets
from runbookc.lint.catalog import BY_CODE
from runbookc.lint.rule import Rule
from runbookc.model import Document
from runbookc.pipeline.parse import parse_body
from runbookc.render import markdown as md
from runbookc.render.alert_rule import rule_views
from runbookc.render.body import page_title, render_body
from runbookc.render.context import Site, listed, unique
from runbookc.render.first import SCRIPTS_ANCHOR, Refs, first_action, script_rows, status_line
from runbookc.render.labels import language_key
from runbookc.render.paths import HOME, RULES, SCRIPTS, TAGS, href, rule_page
from runbookc.templating import package_templates

# The columns an index table may have (a descriptor's `columns`): the word of its header,
# and whether an empty cell shows the `none` word. Cells come from `doc_row` or, for a
# type that defines alerts, from `alert_views`.
COLUMNS = {
    "doc_id": ("doc_id", False),
    "title": ("title", False),
    "status": ("status", False),
    "owner": ("owner", False),
    "approval": ("approval", False),
    "alerts": ("alerts", True),
    "runbooks": ("runbooks", True),
    "updated": ("updated", False),
    "alert": ("alert", False),
    "severity": ("severity", False),
    "summary": ("summary", False),
    "handled_by": ("handled_by", True),
    "document": ("document", False),
}


@cache
def environment() -> jinja2.Environment:
    env = package_templates("site")  # Markdown out; values are escaped by the md filters
    env.filters.update(md.FILTERS)
    return env


def _render(template: str, **context: Any) -> str:
    text = environment().get_template(template).render(**context)
    return text.rstrip("\n") + "\n"


def page_renderers(site: Site) -> dict[str, Callable[[], str]]:
    renderers: dict[str, Callable[[], str]] = {
        HOME: partial(home_page, site),
        TAGS: partial(_render, "tags.md.j2", w=site.words),
        RULES: partial(rules_page, site),
        SCRIPTS: partial(scripts_page, site),
    }
    for doc_type in doctypes.on_site():
        renderers[doc_type.index] = partial(index_page, site, doc_type)
    for rule in site.rules:
        renderers[rule_page(rule.code)] = partial(rule_doc_page, site, rule)
    for doc in site.documents:
        renderers[site.page(doc)] = partial(document_page, site, doc)
    for page, alert_id in site.alert_pages.items():
        renderers[page] = partial(alert_page, site, alert_id, page)
    return renderers


def render_pages(site: Site) -> dict[str, str]:
    return {page: render() for page, render in sorted(page_renderers(site).items())}


# --- a document's page -------------------------------------------------------------------


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


# --- indexes, home, rules ------------------------------------------------------------------


def doc_row(site: Site, page: str, doc: Document) -> dict[str, str]:
    data = doc.front.data
    related = site.related(doc)
    return {
        "document": doc_ref(site, page, doc),
        "doc_id": f"[{md.code(doc.doc_id or doc.path)}]({site.link(page, doc)})",
        "title": md.cell(doc.title),
        "status": md.cell(status_word(site, data.get("status", ""))),
        "owner": md.cell(data.get("owner_role", "")),
        "approval": md.cell(site.words["approval_" + site.approval(doc).status]),
        "alerts": "<br>".join(alert_ref(site, page, a) for a in site.alerts_of(doc)),
        "runbooks": "<br>".join(
            f"[{md.code(r.doc_id)}]({site.link(page, r)})" for r in related.get("runbook", [])
        ),
        "updated": md.cell(data.get("updated_at", "")),
    }


def alert_row(site: Site, page: str, doc: Document, view: dict[str, Any]) -> dict[str, str]:
    target = site.link(page, doc, site.alert_anchor(view["id"]))
    return {
        "alert": f"[{md.code(view['id'])}]({target}) ({md.cell(view['severity'])})",
        "severity": md.cell(view["severity"]),
        "summary": md.cell(view["summary"]),
        "handled_by": "<br>".join(view["handlers"]),
        "document": doc_ref(site, page, doc),
    }


def index_page(site: Site, doc_type: doctypes.DocType) -> str:
    """The type's index: a table of its documents, or of the alerts they define."""
    page = doc_type.index
    docs = site.by_type.get(doc_type.name, [])
    words = site.words
    if doctypes.ALERTS in doc_type.references:
        rows = [
            alert_row(site, page, doc, view)
            for doc in docs
            for view in alert_views(site, doc, page)
        ]
        empty = "" if rows else words["no_alerts"]
    else:
        rows, empty = [doc_row(site, page, d) for d in docs], ""
    return _render(
        "index.md.j2",
        title=site.type_words(doc_type).heading,
        headers=[words[COLUMNS[c][0]] for c in doc_type.columns],
        rule="|" + "---|" * len(doc_type.columns),
        rows=[[_cell(words, row, c) for c in doc_type.columns] for row in rows],
        empty=empty,
    )


def _cell(words: dict[str, str], row: dict[str, str], column: str) -> str:
    return row[column] or (words["none"] if COLUMNS[column][1] else "")


def _defines_alerts(doc_type: str) -> bool:
    descriptor = doctypes.get(doc_type)
    return descriptor is not None and doctypes.ALERTS in descriptor.references


def home_page(site: Site) -> str:
    words = site.words

    counts = []
    for doc_type in doctypes.on_site():
        index = href(HOME, doc_type.index)
        label = site.type_words(doc_type).many
        counts.append((f"[{label}]({index})", len(site.by_type.get(doc_type.name, []))))
        if doctypes.ALERTS in doc_type.references:  # and the alerts they define
            counts.append((f"[{words['alerts']}]({index})", len(site.graph.alert_ids())))
    counts += [
        (f"[{words['scripts']}]({href(HOME, SCRIPTS)})", len(site.scripts)),
        (f"[{words['rules']}]({href(HOME, RULES)})", len(site.rules)),
    ]
    attention = []
    for doc in sorted(site.documents, key=lambda d: (d.doc_id, d.path)):
        reasons = []
        state = site.approval(doc)
        if state.status in ("pending", "stale", "rejected"):
            reasons.append(words["approval_" + state.status])
        errors, warnings = site.counts(doc)
        if errors:
            reasons.append(words["lint_errors"].format(n=errors))
        if warnings:
            reasons.append(words["lint_warnings"].format(n=warnings))
        if reasons:
            attention.append((doc_ref(site, HOME, doc), "; ".join(reasons)))
    return _render(
        "home.md.j2",
        w=words,
        intro=site.home_text.strip(),
        alerts=[
            [_cell(words, alert_row(site, HOME, doc, view), c) for c in _FINDER_COLUMNS]
            for doc_type in doctypes.on_site()
            if doctypes.ALERTS in doc_type.references
            for doc in site.by_type.get(doc_type.name, [])
            for view in alert_views(site, doc, HOME)
        ],
        finder=[words[COLUMNS[c][0]] for c in _FINDER_COLUMNS],
        counts=counts,
        attention=attention,
        tags=href(HOME, TAGS),
    )


# The home page's list of alerts: each leads to its runbook.
_FINDER_COLUMNS = ("alert", "handled_by")


def scripts_page(site: Site) -> str:
    """Every document with steps: its run.sh, and how many steps of which role, linked to
    the table on its page (one row a document: a 1,000-document corpus has 2,750 steps)."""
    words = site.words
    rows = []
    for doc in sorted(site.documents, key=lambda d: (d.doc_id, d.path)):
        scripts = site.scripts_of(doc)
        if not scripts:
            continue
        roles = Counter(words.get(f"role_{s.role}", s.role) or words["none"] for s in scripts)
        summary = ", ".join(f"{md.cell(role)} {n}" for role, n in roles.items())
        changing = sum(s.mutating for s in scripts)
        if changing:
            summary += "; " + words["steps_changing"].format(n=changing)
        steps = f"[{len(scripts)}]({site.link(SCRIPTS, doc, SCRIPTS_ANCHOR)}): {summary}"
        run = f"[`run.sh`]({href(SCRIPTS, site.run_script(doc))}){{ download }}"
        rows.append([doc_ref(site, SCRIPTS, doc), run, steps])
    return _render("scripts.md.j2", w=words, rows=rows)


def rules_page(site: Site) -> str:
    language = language_key(site.settings.language)
    rows = [
        {
            "ref": f"[{r.code}]({href(RULES, rule_page(r.code))})",
            "name": md.code(r.name),
            "severity": site.words["severity_" + r.severity.value],
            "summary": md.with_code(r.summary_in(language)),
        }
        for r in site.rules
    ]
    return _render("rules.md.j2", w=site.words, rows=rows)


# The sections of a rule's docs page (tests/test_ruledocs.py holds every page to them).
RULE_SECTIONS = ("Problem", "Example", "Fix", "Why")


def rule_doc_page(site: Site, rule: Rule) -> str:
    language = language_key(site.settings.language)
    docs, written_in = rule.docs_in(language)
    docs = docs.strip()
    heading, _, rest = docs.partition("\n")
    if not heading.startswith("# "):
        heading, rest = f"# {rule.code} {rule.name}", docs
    return _render(
        "rule.md.j2",
        w=site.words,
        rule=rule,
        heading=heading,
        severity=site.words["severity_" + rule.severity.value],
        sections=_rule_sections(site, rest.strip("\n")),
        english=written_in != language,
        summary=md.with_code(rule.summary_in(language)),
    )


def _rule_sections(site: Site, text: str) -> list[tuple[str, str]]:
    """A rule's docs as (heading in the site's language, text) pairs, split at its
    sections' headings as Markdown sees them (an example inside a fence has its own); text
    before the first comes with the heading ""."""
    lines = text.splitlines()
    starts = [
        (h.line - 1, h.text)
        for h in parse_body(text, 1).headings
        if h.level == 2 and h.text in RULE_SECTIONS
    ]
    sections = [("", "\n".join(lines[: starts[0][0] if starts else len(lines)]))]
    ends = [start for start, _ in starts[1:]] + [len(lines)]
    for (start, name), end in zip(starts, ends, strict=True):
        body = "\n".join(lines[start + 1 : end])
        sections.append((site.words["rule_" + name.lower()], body))
    return [(title, body.strip("\n")) for title, body in sections if title or body.strip()]
