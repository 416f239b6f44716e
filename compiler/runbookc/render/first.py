"""The top of a document's page, for a reader in an incident: one status line, then the
first thing to do (a descriptor's `first`), before the body's TL;DR. The full metadata
panel is folded at the end of the page (render.document_pages.meta_rows)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from runbookc import doctypes
from runbookc.approvals.state import ApprovalState
from runbookc.model import Document
from runbookc.render import markdown as md
from runbookc.render.context import ScriptRef, Site
from runbookc.render.paths import href

SCRIPTS_ANCHOR = "runbookc-scripts"  # the scripts section of a page (document.md.j2)


@dataclass(frozen=True)
class Refs:
    """Links render.document_pages already made for the page: the alerts it handles, the alerts it
    defines (each as `id (severity) -> runbooks`), the runbooks it is related to."""

    alerts: list[str] = field(default_factory=list)
    defined: list[str] = field(default_factory=list)
    runbooks: list[str] = field(default_factory=list)


def status_line(site: Site, doc: Document, state: ApprovalState, refs: Refs) -> str:
    """Approval, owner, last update and the alerts it handles, on one line."""
    words, data = site.words, doc.front.data
    parts = [f"{words['approval']}: **{md.cell(words['approval_' + state.status])}**"]
    if data.get("owner_role"):
        parts.append(f"{words['owner']}: {md.cell(data['owner_role'])}")
    if data.get("updated_at"):
        parts.append(f"{words['updated']}: {md.cell(data['updated_at'])}")
    if refs.alerts:
        parts.append(f"{words['alerts']}: {', '.join(refs.alerts)}")
    return " · ".join(parts)


def first_action(site: Site, doc: Document, page: str, refs: Refs) -> dict[str, Any] | None:
    """The "do this first" box: a title, text before and after an optional command."""
    descriptor = doctypes.get(doc.doc_type)
    action = FIRST_ACTIONS.get(descriptor.first if descriptor else "")
    return action(site, doc, page, refs) if action else None


def _diagnose(site: Site, doc: Document, page: str, refs: Refs) -> dict[str, Any] | None:
    words = site.words
    scripts = site.scripts_of(doc)
    if not scripts:
        return None
    links = {"run": _run_link(site, doc, page), "all": f"[{words['all_steps']}](#{SCRIPTS_ANCHOR})"}
    diagnose = [s for s in scripts if s.diagnoses]
    if not diagnose:
        return _box(words["first_steps"], words["first_steps_text"].format(**links), "--list")
    required = sorted({p.env for s in diagnose for p in s.params if p.required})
    after = words["first_params"].format(names=", ".join(map(md.code, required)))
    return _box(
        words["first_diagnose"],
        words["first_diagnose_text"].format(**links),
        "--diagnose",
        after if required else "",
    )


def _rollback(site: Site, doc: Document, page: str, refs: Refs) -> dict[str, Any] | None:
    words = site.words
    scripts = site.scripts_of(doc)
    if not scripts:
        return _runbooks(site, doc, page, refs)
    step = next((s for s in scripts if s.role == "rollback"), scripts[0])
    text = words["first_rollback_text"].format(
        run=_run_link(site, doc, page),
        all=f"[{words['all_steps']}](#{SCRIPTS_ANCHOR})",
        step=f"[{md.code(step.name)}]({href(page, step.file)}){{ download }} "
        f"({md.cell(step.title)})",
    )
    return _box(words["first_rollback"], text, step.name.removesuffix(".sh"))


def _handlers(site: Site, doc: Document, page: str, refs: Refs) -> dict[str, Any] | None:
    """An alert doc: each alert it defines -> the runbooks handling it."""
    return _box(site.words["first_handlers"], "", "", items=refs.defined) if refs.defined else None


def _runbooks(site: Site, doc: Document, page: str, refs: Refs) -> dict[str, Any] | None:
    """An SLO doc: the runbooks it names or that name it."""
    items = refs.runbooks
    return _box(site.words["first_runbooks"], "", "", items=items) if items else None


FIRST_ACTIONS: dict[str, Callable[[Site, Document, str, Refs], dict[str, Any] | None]] = {
    "diagnose": _diagnose,
    "rollback": _rollback,
    "handlers": _handlers,
    "runbooks": _runbooks,
}


def _box(
    title: str, text: str, argument: str, after: str = "", items: list[str] | None = None
) -> dict[str, Any]:
    return {
        "title": title,
        "text": text,
        "command": f"bash run.sh {argument}" if argument else "",
        "after": after,
        "items": items or [],
    }


def _run_link(site: Site, doc: Document, page: str) -> str:
    return f"[`run.sh`]({href(page, site.run_script(doc))}){{ download }}"


def script_rows(site: Site, page: str, scripts: list[ScriptRef]) -> list[list[str]]:
    """A table of steps: the download link and title, role, whether it changes the system,
    its parameters (scripts table of a page and the scripts index)."""
    words = site.words
    rows = []
    for s in scripts:
        params = [
            f"{md.code(p.flag)} ({words['param_required']})"
            if p.required
            else md.code(f"{p.flag}={p.default}")
            for p in s.params
        ]
        rows.append(
            [
                f"[{md.code(s.name)}]({href(page, s.file)}){{ download }}<br>{md.cell(s.title)}",
                md.cell(words.get(f"role_{s.role}", s.role)) or words["none"],
                words["yes"] if s.mutating else words["no"],
                "<br>".join(params) or words["none"],
            ]
        )
    return rows
