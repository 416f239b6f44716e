"""The orchestrator: wires the stages together and nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.corpus import Corpus, compile_corpus, discover
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.extract import plan_corpus
from runbookc.report import Summary, render


@dataclass
class LintResult:
    corpus: Corpus
    diagnostics: list[Diagnostic]

    @property
    def summary(self) -> Summary:
        return Summary.of(len(self.corpus.results), self.diagnostics)

    def report(self, fmt: str) -> str:
        return render(fmt, self.diagnostics, self.summary)


def lint(targets: list[str], settings: Settings, *, strict: bool = False) -> LintResult:
    cwd = Path.cwd()
    files = discover(targets or [str(settings.source_dir)], cwd)
    corpus = compile_corpus(files, settings)
    _, script_findings = plan_corpus(corpus.documents, settings)  # the static RB4xx rules
    diagnostics = corpus.diagnostics + script_findings
    if strict:
        diagnostics = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diagnostics
        ]
    return LintResult(corpus, sorted(diagnostics, key=Diagnostic.sort_key))
