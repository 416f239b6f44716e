"""The pages that list documents: each type's index table, the home page (what needs
attention, the alert finder) and the scripts page."""

from __future__ import annotations

from collections import Counter
from typing import Any

from runbookc import doctypes
from runbookc.model import Document
from runbookc.render import markdown as md
from runbookc.render.context import Site
from runbookc.render.document_pages import (
    alert_ref,
    alert_views,
    doc_ref,
    status_word,
)
from runbookc.render.first import SCRIPTS_ANCHOR
from runbookc.render.paths import HOME, RULES, SCRIPTS, TAGS, href
from runbookc.render.templates import render_template as _render

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
