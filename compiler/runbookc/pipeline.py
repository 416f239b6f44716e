"""The orchestrator: wires the stages together and nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.corpus import Corpus, compile_corpus, discover
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.report import Summary, render


@dataclass
class LintResult:
    corpus: Corpus
    diagnostics: list[Diagnostic]

    @property
    def summary(self) -> Summary:
        return Summary.of(self.corpus.size, self.diagnostics)

    def report(self, fmt: str) -> str:
        return render(fmt, self.diagnostics, self.summary)


def lint(
    targets: list[str],
    settings: Settings,
    *,
    strict: bool = False,
    jobs: int = 0,
    use_cache: bool = True,
) -> LintResult:
    cwd = Path.cwd()
    files = discover(targets or [str(settings.source_dir)], cwd)
    corpus = compile_corpus(files, settings, jobs=jobs, use_cache=use_cache)
    # With nothing changed, the whole corpus's findings come from the cache and no
    # document is unpickled; `collect` must depend on the corpus and settings only.
    diagnostics = corpus.memoized("lint", lambda: collect(corpus, settings))
    if strict:
        diagnostics = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diagnostics
        ]
    return LintResult(corpus, diagnostics)


def collect(corpus: Corpus, settings: Settings) -> list[Diagnostic]:
    """Every finding over the corpus, sorted: the per-document stages' and the rules'."""
    return sorted(corpus.diagnostics, key=Diagnostic.sort_key)
