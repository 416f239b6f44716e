"""Extract stage: every runbook's shell blocks -> standalone step scripts, the per-runbook
entry script and the manifest.

`plan_scripts` drafts a document's scripts (scriptdraft) and renders them (scriptrender):
pure, one document in, Script values and RB4xx diagnostics out. Plans are cached by
document text (`plan_store`); `write_scripts` swaps the rendered output in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runbookc.engine.cache import DocCache

from runbookc.approvals.state import approval_policy, approval_state, content_digest
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.engine.publish import reuse, staging, swap, write_new
from runbookc.model import Document
from runbookc.scripts.draft import Script, draft_scripts
from runbookc.scripts.render import entry_script, render_step

# A document's scripts and the static diagnostics about them.
Plan = tuple[list[Script], list[Diagnostic]]


def plan_store(settings: Settings) -> DocCache | None:
    """The cache of plans (None when the cache is off): `build` fills it while linting."""
    from runbookc.engine.cache import DocCache, cache_dir

    folder = cache_dir(settings)
    return DocCache(folder / "scripts", settings) if folder is not None else None


def plan_key(salt: bytes, document: Document) -> str:
    """A document's key in the plan store (the salt covers the compiler and settings)."""
    from runbookc.engine.cache import content_key

    return content_key(salt, document.path, document.text.encode())


def plan_entry(salt: bytes, document: Document, plan: Plan) -> tuple[str, bytes] | None:
    """A document's plan as a plan store entry (key, stored form); None when it cannot be
    written as plain data."""
    from runbookc.engine.cache import entry_blob
    from runbookc.engine.codec import CodecError

    key = plan_key(salt, document)
    try:
        return key, entry_blob(key, Plan, plan)
    except CodecError:
        return None


def plan_scripts(document: Document, settings: Settings) -> Plan:
    """The scripts of one document, rendered, and the static diagnostics about them. No I/O.

    A document whose doc_id cannot name a folder gets none (the schema reports the id)."""
    drafts, diags = draft_scripts(document, settings)
    if not drafts:
        return [], diags
    state = approval_state(document, approval_policy(settings))
    digest = content_digest(document)
    return [render_step(s, document, state, digest) for s in drafts], diags


def plan_corpus(
    documents: list[Document], settings: Settings, plans: DocCache | None = None
) -> tuple[list[Script], list[Diagnostic]]:
    """Every document's scripts; with `plans`, a document's plan is looked up by its text
    and the compiler's files (templates included) before it is computed. The plans not
    found are computed in worker processes when there are enough of them. `documents` is
    the whole corpus: the plans of other documents are pruned in time."""
    from runbookc.engine.forkmap import fork_map

    found: list[Plan | None] = [None] * len(documents)
    keys: list[str] = []
    if plans is not None:
        # The cache's key covers the compiler's files (templates included) and the settings.
        keys = [plan_key(plans.salt, document) for document in documents]
        stored = plans.get_many(keys, Plan)
        found = [stored.get(key) for key in keys]
    missing = [index for index, plan in enumerate(found) if plan is None]
    salt = plans.salt if plans is not None else None

    def plan(index: int) -> tuple[Plan, tuple[str, bytes] | None]:
        # The cache entry is made by the worker: the parent stores these very bytes.
        result = plan_scripts(documents[index], settings)
        entry = plan_entry(salt, documents[index], result) if salt is not None else None
        return result, entry

    planned = fork_map(plan, missing)
    for index, (result, _) in zip(missing, planned, strict=True):
        found[index] = result
    if plans is not None:
        plans.put_many([entry for _, entry in planned if entry is not None])
        plans.trim(set(keys))
    scripts: list[Script] = []
    diags: list[Diagnostic] = []
    for result in found:
        assert result is not None
        scripts += result[0]
        diags += result[1]
    return scripts, diags


def render_outputs(scripts: list[Script]) -> dict[str, str]:
    """Relative path -> text of every output file, manifest included."""
    files: dict[str, str] = {}
    by_doc: dict[str, list[Script]] = {}
    for script in scripts:
        by_doc.setdefault(script.doc_id, []).append(script)
    manifest = []
    for doc_id in sorted(by_doc):
        for script in by_doc[doc_id]:
            rel = f"{doc_id}/{script.file_name}"
            files[rel] = script.text
            manifest.append(manifest_entry(script, rel))
        files[f"{doc_id}/run.sh"] = entry_script(doc_id, by_doc[doc_id])
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return files


def manifest_entry(script: Script, rel: str) -> dict:
    return {
        "doc_id": script.doc_id,
        "script": rel,
        "source": script.source,
        "line": script.line,
        "section": script.section,
        "title": script.title,
        "mutating": script.mutating,
    }


def write_scripts(
    documents: list[Document],
    settings: Settings,
    out_dir: Path,
    previous: Path | None = None,
    plans: DocCache | None = None,
) -> list[dict]:
    """Write every document's scripts under `out_dir` (swapped in whole); the manifest."""
    scripts, _ = plan_corpus(documents, settings, plans)
    files = render_outputs(scripts)
    write_tree(files, out_dir, previous)
    return json.loads(files["manifest.json"])


class OutputError(Exception):
    """The output dir cannot be (re)placed."""


# Written into every scripts dir runbookc writes: only a dir holding it may be replaced
# whole. A manifest.json alone proves nothing (browser extensions, PWAs and webpack output
# have one).
MARKER = ".runbookc-scripts"


def check_output(out_dir: Path) -> None:
    """Refuse an output dir that is not a folder, or that holds anything and not our marker:
    `--output .` must never delete a project."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if not out_dir.is_dir():
        raise OutputError(f"refusing to replace {out_dir}: it is not a folder")
    try:
        ours = not any(out_dir.iterdir()) or (out_dir / MARKER).is_file()
    except OSError as exc:
        raise OutputError(f"refusing to replace {out_dir}: {exc.strerror}") from exc
    if not ours:
        raise OutputError(
            f"refusing to replace {out_dir}: it is not empty and holds no {MARKER}, the mark "
            "of a previous `runbookc extract` (name a new or empty folder; remove an older "
            "runbookc's output yourself)"
        )


def write_tree(files: dict[str, str], out_dir: Path, previous: Path | None = None) -> None:
    """Write into a staging dir beside `out_dir`, then swap it in (publish.swap rolls back
    a half-done swap): a failure keeps the old one. A file whose bytes are those of its
    namesake under `previous` (default: `out_dir` itself) is hard-linked from there.
    The whole dir is replaced, so it must pass `check_output`; it gets our marker."""
    check_output(out_dir)
    files = {**files, MARKER: "written by runbookc: `runbookc extract` may replace this folder\n"}
    with staging(out_dir.parent) as stage:
        fresh = stage / out_dir.name
        new: list[tuple[Path, bytes, int]] = []
        for rel, text in sorted(files.items()):
            target, data = fresh / rel, text.encode("utf-8")
            mode = 0o755 if rel.endswith(".sh") else 0o644
            if not reuse((previous or out_dir) / rel, target, data, mode):
                new.append((target, data, mode))
        write_new(new)
        fresh.mkdir(exist_ok=True)  # an empty corpus still gets its (empty) dir
        fresh.chmod(0o755)
        swap(stage, out_dir.parent, [out_dir.name])
