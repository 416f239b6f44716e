"""What `extract` and `test` share: compile the documents, plan their scripts, report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.engine.corpus import Corpus, compile_corpus, discover_targets
from runbookc.lint.catalog import SHARED_SCRIPT_DIR
from runbookc.model import Document
from runbookc.report import Summary, render
from runbookc.scripts.draft import Script, symptom_lines
from runbookc.scripts.extract import plan_corpus, plan_store
from runbookc.scripts.settings import script_settings


@dataclass
class Gathered:
    corpus: Corpus
    scripts: list[Script]
    diagnostics: list[Diagnostic]  # load/parse/validate and the static RB4xx findings
    symptoms: dict[str, list[str]]  # doc_id -> its symptom signatures


def gather(targets: list[str], settings: Settings) -> Gathered:
    sources = discover_targets(targets, settings.source_dir, Path.cwd(), settings.root)
    files = sources.files
    # The plan store is for the whole source dir (plan_corpus prunes the plans of
    # documents it was not given), so a run on some files plans without it.
    plans = plan_store(settings) if not targets else None
    corpus = compile_corpus(files, settings, plans=plans)
    documents = corpus.documents
    # compile_document already ran the static checks (corpus.diagnostics holds them)
    scripts, _ = plan_corpus(documents, settings, plans)
    found = _shared_doc_ids(documents)
    role = script_settings(settings).role
    symptoms = {d.doc_id: [text for text, _, _ in symptom_lines(d, role)] for d in documents}
    return Gathered(corpus, scripts, sources.refused + corpus.diagnostics + found, symptoms)


def _shared_doc_ids(documents: list[Document]) -> list[Diagnostic]:
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


def findings(
    gathered: Gathered, settings: Settings, jobs: int | None = None, sandbox: bool = True
) -> list[Diagnostic]:
    """What `runbookc test` finds: the gathered findings plus those of bash -n, ShellCheck
    and (unless `sandbox` is false) the sandbox runs, before the policy. The sandbox raises
    IsolationUnavailable where bwrap cannot isolate the runs."""
    import tempfile

    from runbookc.scripts.sandbox import run_sandbox
    from runbookc.scripts.shellcheck import check_scripts

    with tempfile.TemporaryDirectory(prefix="runbookc-test-") as tmp:
        found = check_scripts(gathered.scripts, Path(tmp), jobs)
    if sandbox:
        config = script_settings(settings)
        found += run_sandbox(gathered.scripts, config, gathered.symptoms, jobs)
    return gathered.diagnostics + found


def kept(
    gathered: Gathered, diagnostics: list[Diagnostic], settings: Settings, strict: bool
) -> list[Diagnostic]:
    """`diagnostics` with lint's policy (ignores, severities, suppressions) applied, sorted."""
    from runbookc.lint.policy import Policy

    found = Policy.from_settings(settings).apply(diagnostics, gathered.corpus.suppressions)
    if strict:
        found = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d for d in found
        ]
    return sorted(found, key=Diagnostic.sort_key)


def report(
    gathered: Gathered,
    diagnostics: list[Diagnostic],
    settings: Settings,
    fmt: str,
    strict: bool,
) -> bool:
    """Print the report of the kept diagnostics; whether it has errors."""
    found = kept(gathered, diagnostics, settings, strict)
    summary = Summary.of(len(gathered.corpus.results), found)
    sys.stdout.write(render(fmt, found, summary))
    return summary.errors > 0
