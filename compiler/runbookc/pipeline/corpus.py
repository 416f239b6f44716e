"""The orchestrator: wires the stages together and nothing more."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.engine.cache import DocCache
from runbookc.engine.corpus import (
    Corpus,
    bulk_allocation,
    compile_corpus,
    discover,
    discover_targets,
)
from runbookc.report import Summary, render


@dataclass
class LintResult:
    corpus: Corpus  # the documents asked for
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
    plans: DocCache | None = None,
) -> LintResult:
    """Lint `targets` (default: the source dir). When they are some files of the source
    dir (a pre-commit hook passes the changed ones), the rest of it is compiled too, so
    references resolve against the whole corpus; findings are reported for the targets.
    With `plans`, the documents compiled also leave their scripts' plans there (build)."""
    from runbookc.approvals.state import approval_policy
    from runbookc.lint.policy import Policy

    # A bad setting is a usage error before any work (the approvals policy is read where
    # documents are compiled, in the workers).
    Policy.from_settings(settings)
    approval_policy(settings)
    cwd = Path.cwd()
    sources = discover_targets(targets, settings.source_dir, cwd, settings.root)
    files = sources.files
    # Without targets the corpus is the whole source dir: there is no context to add.
    context_files = _context(files, settings, cwd) if targets else []
    whole = compile_corpus(
        files + context_files, settings, jobs=jobs, use_cache=use_cache, plans=plans
    )
    corpus, context = whole.split(len(files))
    # With nothing changed, the findings come from the cache and no document is even
    # compiled or read back; `collect` must therefore depend on the documents and settings
    # only.
    diagnostics = corpus.memoized(
        "lint", list[Diagnostic], lambda: collect(corpus, settings, context), context
    )
    if sources.refused:  # links to files outside the repository: not documents, not read
        refused = Policy.from_settings(settings).apply(sources.refused, {})
        diagnostics = sorted([*diagnostics, *refused], key=Diagnostic.sort_key)
    if strict:
        diagnostics = [
            d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d
            for d in diagnostics
        ]
    return LintResult(corpus, diagnostics)


def collect(corpus: Corpus, settings: Settings, context: Corpus | None = None) -> list[Diagnostic]:
    """Every finding for `corpus`, policy applied, sorted: the per-document stages' and
    the rules' over the graph of `corpus` plus `context` (documents only referred to)."""
    from runbookc.lint.checks import run_checks
    from runbookc.lint.policy import Policy
    from runbookc.pipeline.graph import facts_graph

    with bulk_allocation():  # the graph is many small objects and no cycles
        facts = corpus.facts
        graph = facts_graph(facts + (context.facts if context else []), settings)
        wanted = {s.path for s in corpus.summaries}
        # The scripts' static checks are per document: compile_document ran them (in the
        # workers, cached), so they are among corpus.diagnostics, for the targets only.
        found = corpus.diagnostics
        found += [d for d in run_checks(graph, settings) if d.path in wanted]
        found += corpus.findings
        kept = Policy.from_settings(settings).apply(found, corpus.suppressions)
    return sorted(kept, key=Diagnostic.sort_key)


def _context(
    files: list[tuple[Path, str]], settings: Settings, cwd: Path
) -> list[tuple[Path, str]]:
    """The source dir's files not among `files`, when any of `files` lies in it (by its
    real path, or by the path it was named by: a symlink in the source dir counts)."""
    source = settings.source_dir.resolve()
    named = Path(os.path.abspath(settings.source_dir))
    inside = any(
        path.is_relative_to(source) or Path(os.path.abspath(cwd / shown)).is_relative_to(named)
        for path, shown in files
    )
    if not source.is_dir() or not inside:
        return []
    chosen = {path for path, _ in files}
    found = discover([str(source)], cwd, settings.root).files
    return [item for item in found if item[0] not in chosen]
