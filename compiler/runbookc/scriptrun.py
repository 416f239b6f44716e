"""What `extract` and `test` share: compile the documents, plan their scripts, report."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.corpus import Corpus, compile_corpus, discover
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.extract import Script, plan_corpus, symptom_lines
from runbookc.report import Summary, render
from runbookc.scriptconfig import script_settings


@dataclass
class Gathered:
    corpus: Corpus
    scripts: list[Script]
    diagnostics: list[Diagnostic]  # load/parse/validate and the static RB4xx findings
    symptoms: dict[str, list[str]]  # doc_id -> its symptom signatures


def gather(targets: list[str], settings: Settings) -> Gathered:
    files = discover(targets or [str(settings.source_dir)], Path.cwd())
    corpus = compile_corpus(files, settings)
    documents = corpus.documents
    scripts, found = plan_corpus(documents, settings)
    role = script_settings(settings).role
    symptoms = {d.doc_id: [text for text, _, _ in symptom_lines(d, role)] for d in documents}
    return Gathered(corpus, scripts, corpus.diagnostics + found, symptoms)


def strictly(diagnostics: list[Diagnostic], strict: bool) -> list[Diagnostic]:
    if not strict:
        return diagnostics
    return [
        d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d
        for d in diagnostics
    ]


def report(diagnostics: list[Diagnostic], documents: int, fmt: str) -> bool:
    """Print the report; whether it has errors."""
    summary = Summary.of(documents, diagnostics)
    sys.stdout.write(render(fmt, diagnostics, summary))
    return summary.errors > 0
