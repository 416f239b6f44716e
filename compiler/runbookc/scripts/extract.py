"""Extract stage: every runbook's shell blocks -> standalone step scripts, the per-runbook
entry script and the manifest.

The per-document stages draft a document's scripts (scripts.draft, in the workers, cached
with the document); `render_scripts` renders the drafts with the document's approval
state (scripts.render): pure, one document in, Script values out. `render_outputs` lays
every script out as the files of the scripts folder, manifest included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from runbookc.approvals.state import approval_policy, approval_state, content_digest
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import SHARED_SCRIPT_DIR
from runbookc.model import Document
from runbookc.scripts.draft import draft_scripts
from runbookc.scripts.render import entry_script, render_step
from runbookc.scripts.script import Script
from runbookc.scripts.settings import script_settings
from runbookc.scripts.symptoms import symptom_lines

# A document's scripts and the static diagnostics about them.
Plan = tuple[list[Script], list[Diagnostic]]


def render_scripts(
    document: Document, drafts: Sequence[Script], settings: Settings
) -> list[Script]:
    """The drafts of one document's scripts, rendered. No I/O."""
    if not drafts:
        return []
    state = approval_state(document, approval_policy(settings))
    digest = content_digest(document)
    config = script_settings(settings)
    symptoms = [text for text, _, _ in symptom_lines(document, config)]
    return [render_step(s, document, state, digest, config.timeout, symptoms) for s in drafts]


def plan_scripts(document: Document, settings: Settings) -> Plan:
    """The scripts of one document, rendered, and the static diagnostics about them. No I/O.

    A document whose doc_id cannot name a folder gets none (the schema reports the id)."""
    drafts, diags = draft_scripts(document, settings)
    return render_scripts(document, drafts, settings), diags


def render_outputs(scripts: list[Script], commit: str = "unknown") -> dict[str, str]:
    """Relative path -> text of every output file, manifest included. `commit`: the git
    commit of the runbooks' checkout, which each run.sh records (engine/gitcommit.py)."""
    files: dict[str, str] = {}
    for doc_id, group in _by_doc(scripts):
        for script in group:
            files[f"{doc_id}/{script.file_name}"] = script.text
        files[f"{doc_id}/run.sh"] = entry_script(doc_id, group, commit)
    text = json.dumps(manifest(scripts), ensure_ascii=False, indent=2) + "\n"
    files["manifest.json"] = text
    return files


def manifest(scripts: list[Script]) -> list[dict]:
    """The manifest's entries: every script, by doc_id, in document order."""
    return [
        manifest_entry(script, f"{doc_id}/{script.file_name}")
        for doc_id, group in _by_doc(scripts)
        for script in group
    ]


def _by_doc(scripts: list[Script]) -> list[tuple[str, list[Script]]]:
    by_doc: dict[str, list[Script]] = {}
    for script in scripts:
        by_doc.setdefault(script.doc_id, []).append(script)
    return sorted(by_doc.items())


def manifest_entry(script: Script, rel: str) -> dict:
    return {
        "doc_id": script.doc_id,
        "script": rel,
        "source": script.source,
        "line": script.line,
        "section": script.section,
        "title": script.title,
        "mutating": script.mutating,
        # The site's scripts index shows what each step is for and what it takes.
        "role": script.role,
        "params": [
            {"flag": f"--{p.flag}", "env": p.env, "default": p.default, "required": p.required}
            for p in script.params
        ],
    }


def shared_doc_ids(documents: list[Document]) -> list[Diagnostic]:
    """Two documents with one doc_id would write their scripts into one folder."""
    first: dict[str, Document] = {}
    found = []
    for doc in documents:
        if doc.doc_id and doc.parsed.code_blocks and doc.doc_id in first:
            found.append(
                SHARED_SCRIPT_DIR(
                    doc.path,
                    doc.front.line_of(("doc_id",)),
                    f"doc_id {doc.doc_id} is also used by {first[doc.doc_id].path}: "
                    "their scripts would share one folder",
                )
            )
        first.setdefault(doc.doc_id, doc)
    return found
