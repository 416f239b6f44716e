"""The orchestrator: wires the stages together and nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.corpus import Corpus, compile_corpus, discover
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.graph import Graph, build_graph
from runbookc.report import Summary, render


@dataclass
class LintResult:
    corpus: Corpus  # the documents asked for
    graph: Graph  # built over those and the rest of the source dir
    diagnostics: list[Diagnostic]

    @property
    def summary(self) -> Summary:
        return Summary.of(len(self.corpus.results), self.diagnostics)

    def report(self, fmt: str) -> str:
        return render(fmt, self.diagnostics, self.summary)


def lint(targets: list[str], settings: Settings, *, strict: bool = False) -> LintResult:
    """Lint `targets` (default: the source dir). When they are some files of the source
    dir (a pre-commit hook passes the changed ones), the rest of it is compiled too, so
    references resolve against the whole corpus; findings are reported for the targets."""
    from runbookc.lint import run_checks
    from runbookc.policy import Policy

    policy = Policy.from_settings(settings)
    cwd = Path.cwd()
    files = discover(targets or [str(settings.source_dir)], cwd)
    corpus = compile_corpus(files, settings)
    context = compile_corpus(_context(files, settings, cwd), settings)
    graph = build_graph(corpus.documents + context.documents, settings)
    wanted = {r.path for r in corpus.results}
    found = corpus.diagnostics + [d for d in run_checks(graph, settings) if d.path in wanted]
    documents = {doc.path: doc for doc in corpus.documents}
    diagnostics = policy.apply(found, documents)
    if strict:
        diagnostics = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diagnostics
        ]
    return LintResult(corpus, graph, sorted(diagnostics, key=Diagnostic.sort_key))


def _context(
    files: list[tuple[Path, str]], settings: Settings, cwd: Path
) -> list[tuple[Path, str]]:
    """The source dir's files not among `files`, when any of `files` lies in it."""
    source = settings.source_dir.resolve()
    if not source.is_dir() or not any(path.is_relative_to(source) for path, _ in files):
        return []
    chosen = {path for path, _ in files}
    return [item for item in discover([str(source)], cwd) if item[0] not in chosen]
