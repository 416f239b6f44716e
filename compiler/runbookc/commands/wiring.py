"""The engine wired to the pipeline: the files a command names, compiled by the engine
(cached, across processes) with the per-document stages, for the corpus stages to run on.

The commands import this module inside `run` (as every stage), so that building the
command line parser imports none of them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.engine.compiled import PerDocument, bulk_allocation
from runbookc.engine.corpus import Corpus, compile_corpus
from runbookc.pipeline import corpus as stages
from runbookc.pipeline.discover import context_files, discover_targets
from runbookc.report.escape import printable

# typing costs a tenth of startup (cli.py); type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from runbookc.engine.verdicts import VerdictStore
    from runbookc.pipeline.document import DocResult, DocSummary

PER_DOCUMENT: PerDocument[DocResult, DocSummary] = PerDocument("runbookc.pipeline.document")

DocCorpus = Corpus["DocResult", "DocSummary"]


@dataclass
class Inputs:
    corpus: DocCorpus  # the documents named
    context: DocCorpus | None  # the rest of the source dir, when some of it was named
    refused: list[Diagnostic]  # symlinks leading out of the repository (not read)


def compile_targets(
    targets: list[str],
    settings: Settings,
    *,
    jobs: int = 0,
    use_cache: bool = True,
    context: bool = False,
    memory: dict[str, DocResult] | None = None,
) -> Inputs:
    """The documents under `targets` (default: the source dir). With `context`, when they
    are some files of the source dir (a pre-commit hook passes the changed ones), the rest
    of it is compiled too, so references resolve against the whole corpus. `memory`: the
    results kept in the process across calls (engine/corpus.compile_corpus)."""
    cwd = Path.cwd()
    sources = discover_targets(targets, settings, cwd)
    for shown, why in sources.excluded:  # a file name (a hook passes the repository's)
        note = f"runbookc: {shown}: excluded ({why}), not a document: skipped"
        print(printable(note), file=sys.stderr)
    files = sources.files
    # Without targets the corpus is the whole source dir: there is no context to add.
    others = context_files(files, settings, cwd) if context and targets else []
    whole = compile_corpus(
        files + others, PER_DOCUMENT, settings, jobs=jobs, use_cache=use_cache, memory=memory
    )
    named, rest = whole.split(len(files))
    return Inputs(named, rest if others else None, sources.refused)


def lint_targets(
    targets: list[str],
    settings: Settings,
    *,
    strict: bool = False,
    jobs: int = 0,
    use_cache: bool = True,
) -> stages.LintResult:
    """`runbookc lint`: the findings for `targets`."""
    stages.check_settings(settings)
    inputs = compile_targets(targets, settings, jobs=jobs, use_cache=use_cache, context=True)
    # The graph and the findings are many small objects and no cycles.
    with bulk_allocation():
        return stages.lint(
            inputs.corpus,
            settings,
            context=inputs.context,
            refused=inputs.refused,
            strict=strict,
        )


def extract_targets(
    targets: list[str], settings: Settings, verdicts: VerdictStore | None = None
) -> stages.Extracted:
    """What `runbookc extract` and `runbookc test` start from: the scripts of `targets`
    (bash -n's verdicts kept in `verdicts`)."""
    inputs = compile_targets(targets, settings)
    return stages.extract_checked(inputs.corpus, settings, inputs.refused, verdicts)
