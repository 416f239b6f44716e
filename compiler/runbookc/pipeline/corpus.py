"""The corpus stages, in pipeline order: index -> lint -> extract -> test -> render ->
report. Plain functions over the compiled corpus (the per-document stages' results,
pipeline/document.py, which the engine computes or reads back from its cache); the
commands wire them together. The graph is built from the documents' facts as the
workers made them: over the facts for the rules (`index`), over the documents for the pages
(`site`). `lint` and `report` import only what they use at the top; extract, test and
render import their stages when called (cli.py's list of lazy imports).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol, TypeAlias, TypeVar

from runbookc.approvals.state import approval_policy
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.lint import adoption, alert_rules
from runbookc.lint.checks import run_checks
from runbookc.lint.policy import Policy, Suppressions
from runbookc.model import Document
from runbookc.pipeline import graph as corpus_graph
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.front_settings import front_settings
from runbookc.pipeline.graph import Graph
from runbookc.pipeline.rulefiles import read_rules
from runbookc.render.alert_pages import alert_pages_mode
from runbookc.report import Summary, render

T = TypeVar("T")

# typing costs a tenth of startup (cli.py); type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from runbookc.pipeline.document import DocResult, DocSummary
    from runbookc.render.context import Site
    from runbookc.scripts.script import Script
    from runbookc.scripts.verdicts import Verdicts


class CompiledCorpus(Protocol):
    """The compiled corpus as the engine gives it (engine.corpus.Corpus)."""

    size: int

    @property
    def results(self) -> list[DocResult]: ...

    @property
    def summaries(self) -> list[DocSummary]: ...

    def memoized(self, name: str, kind: Any, compute: Callable[[], T], *others: Any) -> T: ...


def documents(corpus: CompiledCorpus) -> list[Document]:
    """The documents that loaded, in path order."""
    return [r.document for r in corpus.results if r.document is not None]


def facts(corpus: CompiledCorpus) -> list[DocFacts]:
    return [s.facts for s in corpus.summaries if s.facts is not None]


def suppressions(corpus: CompiledCorpus) -> dict[str, Suppressions]:
    """What each document silences, by path (only those that silence something)."""
    return {f.path: f.suppressions for f in facts(corpus) if f.suppressions is not None}


# -- index ------------------------------------------------------------------------


def index(
    corpus: CompiledCorpus, settings: Settings, context: CompiledCorpus | None = None
) -> Graph:
    """The corpus graph over the documents' facts (and those of `context`: documents only
    referred to) and the alerting rules of the `rules` files."""
    found = facts(corpus) + (facts(context) if context else [])
    return corpus_graph.index(found, settings, read_rules(settings))


# -- lint -------------------------------------------------------------------------


@dataclass
class LintResult:
    corpus: CompiledCorpus  # the documents asked for
    diagnostics: list[Diagnostic]
    settings: Settings
    context: CompiledCorpus | None = None
    built: Graph | None = None  # the graph the rules ran over; None when they came cached

    @cached_property
    def graph(self) -> Graph:
        """The corpus graph: the one the rules ran over, built now when the findings came
        from the cache; render reuses it, so one run builds it once."""
        return self.built or index(self.corpus, self.settings, self.context)

    @property
    def summary(self) -> Summary:
        return Summary.of(self.corpus.size, self.diagnostics)

    @property
    def documents(self) -> list[Document]:
        return documents(self.corpus)

    def report(self, fmt: str) -> str:
        return render(fmt, self.diagnostics, self.summary)


def check_settings(settings: Settings) -> None:
    """A bad lint, approvals or front matter setting is a usage error before any work (the
    approvals policy and front matter settings are read where documents are compiled, in
    the workers)."""
    Policy.from_settings(settings)
    approval_policy(settings)
    front_settings(settings)
    alert_rules.url_templates(settings)
    alert_rules.missing_severities(settings)
    alert_pages_mode(settings)


def lint(
    corpus: CompiledCorpus,
    settings: Settings,
    *,
    context: CompiledCorpus | None = None,
    refused: Sequence[Diagnostic] = (),
    strict: bool = False,
) -> LintResult:
    """Every finding for `corpus`, references resolved against `context` too. With nothing
    changed, the findings come from the cache and no document is even compiled or read back
    (`collect` therefore depends on the documents and settings only). `refused`: links to
    files outside the repository (not documents, not read)."""
    others = [context] if context is not None else []
    built: list[Graph] = []

    def work() -> list[Diagnostic]:
        built.append(index(corpus, settings, context))
        return collect(corpus, settings, built[0], rule_files=context is None)

    found = corpus.memoized("lint", list[Diagnostic], work, *others)
    if refused:
        kept = Policy.from_settings(settings).apply(refused, {})
        found = sorted([*found, *kept], key=Diagnostic.sort_key)
    graph = built[0] if built else None
    return LintResult(corpus, _strict(found) if strict else found, settings, context, graph)


def collect(
    corpus: CompiledCorpus, settings: Settings, graph: Graph, rule_files: bool = True
) -> list[Diagnostic]:
    """Every finding for `corpus`, policy applied, sorted: the per-document stages' and
    rules', and the corpus rules' over `graph` (that of `corpus` plus its context), with
    those about the rule files when `rule_files` (a run over the whole corpus)."""
    summaries = corpus.summaries
    wanted = {s.path for s in summaries} | (set(graph.rules.files) if rule_files else set())
    found = [d for s in summaries for d in s.diagnostics]
    found += [d for d in run_checks(graph, settings) if d.path in wanted]
    found += [d for s in summaries for d in s.findings]
    policy = Policy.from_settings(settings)
    found = adoption.summarise(
        [d for d in found if d.code not in policy.ignore], len(summaries), settings
    )
    kept = policy.apply(found, suppressions(corpus))
    return sorted(kept, key=Diagnostic.sort_key)


def _strict(found: list[Diagnostic]) -> list[Diagnostic]:
    return [d.with_severity(Severity.ERROR) if d.severity is Severity.WARNING else d for d in found]


# -- extract ----------------------------------------------------------------------


def extract(corpus: CompiledCorpus, settings: Settings) -> list[Script]:
    """Every document's scripts that bash can read, rendered from the drafts the
    per-document stages made (`runnable` says which are left out, and why)."""
    return runnable(corpus, settings)[0]


def rendered(corpus: CompiledCorpus, settings: Settings) -> list[Script]:
    """Every document's scripts, rendered and not yet checked: what `runnable` keeps of
    them once `bash -n` (scripts/shellcheck.check_syntax) accepts them, in the same order."""
    from runbookc.scripts.extract import render_scripts  # lazy: cli.py's list

    return [
        script
        for result in corpus.results
        if result.document is not None
        for script in render_scripts(result.document, result.drafts, settings)
    ]


# A document's scripts that pass `bash -n` and the RB410 findings on the others, by its
# path, with the document and drafts they came from.
RenderedScripts: TypeAlias = (
    "dict[str, tuple[Document, Sequence[Script], list[Script], list[Diagnostic]]]"
)


def runnable(
    corpus: CompiledCorpus,
    settings: Settings,
    verdicts: Verdicts | None = None,
    rendered: RenderedScripts | None = None,
) -> tuple[list[Script], list[Diagnostic]]:
    """Every document's scripts that pass `bash -n`, and an RB410 finding for each of the
    others: a script bash cannot read is never written. `verdicts` keeps the checks'
    verdicts across runs; `rendered` the scripts of each document and their verdicts,
    reused while its document and drafts are equal (the preview renders again after every
    edit: only the edited document's scripts are rendered and checked)."""
    from runbookc.scripts.extract import render_scripts  # lazy: cli.py's list
    from runbookc.scripts.shellcheck import check_syntax

    memo: RenderedScripts = rendered if rendered is not None else {}
    documents: list[Document] = []
    stale: list[tuple[Document, Sequence[Script], list[Script]]] = []  # rendered anew
    for result in corpus.results:
        document = result.document
        if document is None:
            continue
        documents.append(document)
        kept = memo.get(document.path)
        if kept is None or kept[:2] != (document, result.drafts):
            made = render_scripts(document, result.drafts, settings)
            stale.append((document, result.drafts, made))
    passed, unreadable = check_syntax([s for *_, made in stale for s in made], store=verdicts)
    ok = {id(script) for script in passed}
    findings: dict[str, list[Diagnostic]] = {}  # RB410 names the document's path
    for finding in unreadable:
        findings.setdefault(finding.path, []).append(finding)
    for document, drafts, made in stale:
        good = [s for s in made if id(s) in ok]
        memo[document.path] = (document, drafts, good, findings.get(document.path, []))
    for gone in memo.keys() - {document.path for document in documents}:
        del memo[gone]
    scripts = [s for document in documents for s in memo[document.path][2]]
    return scripts, [d for document in documents for d in memo[document.path][3]]


@dataclass
class Extracted:
    """What `extract` and `test` report on: the scripts and the findings so far."""

    corpus: CompiledCorpus
    scripts: list[Script]  # those that pass `bash -n`
    diagnostics: list[Diagnostic]  # load/parse/validate, the static RB4xx findings, RB410


def extract_checked(
    corpus: CompiledCorpus,
    settings: Settings,
    refused: Sequence[Diagnostic] = (),
    verdicts: Verdicts | None = None,
) -> Extracted:
    """The scripts and the findings of the per-document stages (not the corpus rules'),
    with the doc_ids that two documents share and the scripts bash cannot read."""
    from runbookc.scripts.extract import shared_doc_ids  # lazy: cli.py's list

    found = [d for s in corpus.summaries for d in s.diagnostics]
    shared = shared_doc_ids(documents(corpus))
    scripts, unreadable = runnable(corpus, settings, verdicts)
    return Extracted(corpus, scripts, [*refused, *found, *shared, *unreadable])


def writable(scripts: list[Script], found: Sequence[Diagnostic]) -> list[Script]:
    """The scripts of the documents without an error among `found` (the kept findings):
    one document's errors do not hold back the others' scripts."""
    failed = {d.path for d in found if d.severity is Severity.ERROR and d.code != "RB410"}
    return [s for s in scripts if s.path not in failed]


# -- test -------------------------------------------------------------------------


def test(
    extracted: Extracted,
    settings: Settings,
    jobs: int | None = None,
    sandbox: bool = True,
    verdicts: Verdicts | None = None,
) -> list[Diagnostic]:
    """What `runbookc test` finds: the extracted findings plus those of bash -n, ShellCheck
    and (unless `sandbox` is false) the sandbox runs, before the policy; the checks reuse
    the verdicts `verdicts` keeps. The sandbox raises IsolationUnavailable where bwrap
    cannot isolate the runs."""
    import tempfile  # lazy, like the stages below: cli.py's list

    from runbookc.scripts.sandbox import run_sandbox
    from runbookc.scripts.settings import script_settings
    from runbookc.scripts.shellcheck import check_scripts
    from runbookc.scripts.symptoms import symptom_lines

    with tempfile.TemporaryDirectory(prefix="runbookc-test-") as tmp:
        found = check_scripts(extracted.scripts, Path(tmp), jobs, verdicts)
    if sandbox:
        config = script_settings(settings)
        symptoms = {
            d.doc_id: [text for text, _, _ in symptom_lines(d, config)]
            for d in documents(extracted.corpus)
        }
        found += run_sandbox(extracted.scripts, config, symptoms, jobs, verdicts)
    return extracted.diagnostics + found


# -- render -----------------------------------------------------------------------


def site(
    linted: LintResult, manifest: Sequence[dict[str, Any]], unwritten: Sequence[Diagnostic] = ()
) -> Site:
    """What the pages are rendered from: the documents, the graph lint used, the scripts'
    manifest, the findings (lint's, and `unwritten`: why a block has no script, RB410)
    and the rules."""
    from runbookc.lint.catalog import RULES
    from runbookc.render.context import Site  # lazy: cli.py's list
    from runbookc.render.site_build import site_settings

    settings = linted.settings
    _, site_dir = site_settings(settings)
    home = site_dir / "home.md"
    return Site(
        settings=settings,
        documents=linted.documents,
        graph=linted.graph,
        manifest=list(manifest),
        diagnostics=sorted(
            [*linted.diagnostics, *kept(linted.corpus, list(unwritten), settings, False)],
            key=Diagnostic.sort_key,
        ),
        rules=RULES,
        home_text=home.read_text(encoding="utf-8") if home.is_file() else "",
    )


# -- report -----------------------------------------------------------------------


def kept(
    corpus: CompiledCorpus, diagnostics: list[Diagnostic], settings: Settings, strict: bool
) -> list[Diagnostic]:
    """`diagnostics` with lint's policy (ignores, severities, suppressions) applied, sorted."""
    found = Policy.from_settings(settings).apply(diagnostics, suppressions(corpus))
    return sorted(_strict(found) if strict else found, key=Diagnostic.sort_key)


def report(
    corpus: CompiledCorpus,
    diagnostics: list[Diagnostic],
    settings: Settings,
    fmt: str,
    strict: bool,
) -> bool:
    """Print the report of the kept `diagnostics`; whether it has errors."""
    found = kept(corpus, diagnostics, settings, strict)
    summary = Summary.of(len(corpus.results), found)
    sys.stdout.write(render(fmt, found, summary))
    return summary.errors > 0
