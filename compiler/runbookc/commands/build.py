"""Build everything into the output dir: lint, extract scripts, render the site.

Lints the corpus first (errors stop the build), extracts the bash blocks into scripts,
renders the Markdown pages and runs `mkdocs build --strict` on them, all in a new
generation dir; only then is that generation published, in one rename (engine/publish.py): the
output dir's docs/, site/ and scripts/ show all of the old build or all of the new one. A
failed build leaves the previous output as it was. Pages whose inputs did not change since
the previous build are carried over instead of rendered (engine/incremental.py), MkDocs
reuses their Markdown conversions, search entries and final HTML (engine/mkdocs_cache.py,
kept under the cache dir), and output files whose bytes did not change are the previous
build's files (hard links). Exit
status: 0 built, 1 lint errors or a failed site build.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from runbookc.report.escape import printable

# typing costs a tenth of startup (cli.py); type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from runbookc.commands.progress import Progress
    from runbookc.config import Settings
    from runbookc.diagnostics import Diagnostic
    from runbookc.pipeline.corpus import LintResult
    from runbookc.render.site_build import Timings
    from runbookc.scripts.script import Script

# What a build publishes: each is a link in the output dir into the current generation.
OUTPUTS = ("docs", "site", "scripts", ".render-state.json")


def register(parser: argparse.ArgumentParser) -> None:
    from runbookc.commands.options import add_report_options
    from runbookc.commands.progress import add_quiet_option

    add_report_options(parser)
    add_quiet_option(parser)
    parser.add_argument(
        "--output", metavar="DIR", help="output dir (default: [tool.runbookc] output)"
    )


def run(args: argparse.Namespace) -> int:
    from runbookc.commands.progress import Progress, progress_wanted
    from runbookc.engine.publish import new_generation
    from runbookc.pipeline.discover import display_path
    from runbookc.render.mkdocs_build import SiteBuildError, failure_text
    from runbookc.render.paths import PageCollision
    from runbookc.render.site_build import Timings

    timings = Timings()
    settings = output_settings(args, OUTPUTS)
    if settings is None:
        return 2
    progress = Progress(progress_wanted(args.quiet))
    result = lint_for_site(settings, args, timings, progress)
    if result is None:
        return 1
    out = settings.output_dir
    try:
        with new_generation(out) as generation:
            counts = build_into(generation.path, result, timings, progress)
            progress.stage("publish")
            started = time.perf_counter()
            generation.publish(OUTPUTS)
        timings.mark("publish", started)  # the switch and removing old generations
    except (SiteBuildError, PageCollision, OSError) as exc:
        progress.done()
        failed = failure_text(exc)
        print(f"runbookc: build failed (the previous output is kept):\n{failed}", file=sys.stderr)
        return 1
    progress.done()
    print(
        f"built {counts['documents']} documents: {counts['pages']} pages "
        f"({counts['rendered']} rendered), "
        f"{counts['scripts']} scripts -> {out / 'site'} in {timings.text()}",
        file=sys.stderr,
    )
    if not_ignored(out):
        shown = display_path(out, Path.cwd())
        print(
            f"runbookc: hint: git does not ignore {shown}/; add it to .gitignore", file=sys.stderr
        )
    return 0


def output_settings(args: argparse.Namespace, names: tuple[str, ...]) -> Settings | None:
    """The settings with `--output` applied, once the output dir is known to be safe to
    write `names` into (engine/publish.check_output_dir); None after saying why not."""
    from dataclasses import replace

    from runbookc.commands.settings import command_settings
    from runbookc.engine.publish import UnsafeOutput, check_output_dir

    settings = command_settings(args.config)
    if args.output:
        settings = replace(settings, output=args.output)
    try:
        check_output_dir(settings.output_dir, settings.root, settings.source_dir, names)
    except UnsafeOutput as exc:
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        if settings.file is None and settings.source_dir.resolve() == Path.cwd().resolve():
            print(
                "    hint: with no settings file the sources are the working dir; name the "
                'documents\' folder in a runbookc.toml here (source = "DIR")',
                file=sys.stderr,
            )
        return None
    return settings


def lint_for_site(
    settings: Settings, args: argparse.Namespace, timings: Timings, progress: Progress
) -> LintResult | None:
    """Lint the corpus and print the report; None (after saying so) when errors stop the
    build."""
    from runbookc.commands.wiring import compile_targets
    from runbookc.engine.compiled import bulk_allocation
    from runbookc.pipeline import corpus as stages

    started = time.perf_counter()
    stages.check_settings(settings)
    inputs = compile_targets([], settings)
    progress.stage("lint")
    with bulk_allocation():
        result = stages.lint(inputs.corpus, settings, refused=inputs.refused, strict=args.strict)
    progress.done()  # the report follows
    timings.mark("lint", started)
    if result.diagnostics or args.format != "text":
        sys.stdout.write(result.report(args.format))
        sys.stdout.flush()  # the report before the build's own lines on stderr
    if result.summary.errors:
        print("runbookc: build stopped: lint errors (the previous output is kept)", file=sys.stderr)
        return None
    return result


def not_ignored(folder: Path) -> bool:
    """Whether `folder` lies in a git work tree that does not ignore it (`git check-ignore`
    is the authority: nested .gitignore files, info/exclude, the user's global excludes).
    Without git, or outside a work tree, there is nothing to say."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", str(folder.parent), "check-ignore", "-q", folder.name],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
    except OSError:  # no git
        return False
    return done.returncode == 1  # 0: ignored, 128: not in a work tree (or git failed)


def build_into(
    stage: Path,
    linted: LintResult,
    timings: Timings,
    progress: Progress,
    *,
    offline: bool = False,
) -> dict[str, int]:
    """Write stage/scripts, stage/docs, stage/site and the render state; returns counts for
    the summary (`rendered`: pages rendered anew, the others were carried over). `offline`:
    the site is built to be read from file:// (`runbookc bundle`), without the MkDocs memo,
    whose entries are the served site's.

    `bash -n` checks the scripts while the site is built (MkDocs keeps one core busy), so
    the pages list every script: right unless bash rejects one. Then the scripts and the
    site are built again without it, and its page says why."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from runbookc.pipeline import corpus as stages
    from runbookc.scripts.shellcheck import check_syntax

    started = time.perf_counter()
    progress.stage("scripts")
    scripts = stages.rendered(linted.corpus, linted.settings)
    _write_scripts(stage, linted.settings, scripts)
    started = timings.mark("scripts", started)
    with ThreadPoolExecutor(1, thread_name_prefix="bash-n") as pool:
        # bash reads the files just written; its processes leave the GIL to MkDocs
        checking = pool.submit(check_syntax, scripts, written=stage / "scripts")
        counts = _site_into(stage, linted, scripts, [], started, timings, progress, offline)
        started = time.perf_counter()
        passed, unreadable = checking.result()
    started = timings.mark("scripts", started)  # what MkDocs left of the check to wait for
    if not unreadable:
        return counts
    for built in ("docs", "site"):
        shutil.rmtree(stage / built)
    _write_scripts(stage, linted.settings, passed)
    started = timings.mark("scripts", started)
    return _site_into(stage, linted, passed, unreadable, started, timings, progress, offline)


def _write_scripts(stage: Path, settings: Settings, scripts: list[Script]) -> None:
    """stage/scripts: the step scripts, each runbook's run.sh and the manifest."""
    from runbookc.engine.gitcommit import head_commit
    from runbookc.engine.tree import write_tree
    from runbookc.scripts.extract import render_outputs

    files = render_outputs(scripts, head_commit(settings.source_dir))
    write_tree(files, stage / "scripts", settings.output_dir / "scripts")


def _site_into(
    stage: Path,
    linted: LintResult,
    scripts: list[Script],
    unreadable: list[Diagnostic],
    started: float,
    timings: Timings,
    progress: Progress,
    offline: bool,
) -> dict[str, int]:
    """build_into's site, from stage/scripts (`scripts`) and the RB410 findings on the
    scripts left out."""
    from runbookc.engine.cache import cache_dir, compiler_fingerprint
    from runbookc.engine.incremental import render_incremental, write_state
    from runbookc.engine.mkdocs_cache import PageCache, memo
    from runbookc.pipeline import corpus as stages
    from runbookc.render.docs_dir import linked_files, write_docs_dir, write_offline_assets
    from runbookc.render.inputs import page_digests
    from runbookc.render.mkdocs_build import run_mkdocs
    from runbookc.render.mkdocs_progress import attach as attach_progress
    from runbookc.render.nav import build_nav
    from runbookc.render.pages import page_renderers
    from runbookc.render.site_build import edit_links, site_name, site_settings
    from runbookc.scripts.extract import manifest

    settings = linted.settings
    out = settings.output_dir
    folder = cache_dir(settings)
    progress.stage("render")
    site = stages.site(linted, manifest(scripts), unreadable)  # the pages say why
    digests = page_digests(site, compiler_fingerprint())
    render = render_incremental(page_renderers(site), digests, stage / "docs", out)
    config, site_dir = site_settings(settings)
    files = linked_files(linted.graph, settings.source_dir)
    write_docs_dir(stage / "docs", {}, stage / "scripts", site_dir, out / "docs", files)
    if offline:
        write_offline_assets(stage / "docs")
    nav = build_nav(site)
    started = timings.mark("render", started)
    cache = PageCache(folder / "site" if folder and not offline else None)

    def plugins(config: object) -> None:
        if not offline:  # the memo's entries are the served site's
            memo(cache, out / "site")(config)
        if progress.enabled:
            attach_progress(config, progress)

    try:
        messages = run_mkdocs(
            config,
            stage / "docs",
            stage / "site",
            nav,
            settings.language,
            plugins,
            site_name=site_name(settings),
            edit=edit_links(settings),
            offline=offline,
        )
    finally:
        progress.done()
        cache.save()  # what a failed build converted still serves the next one
    for line in messages:  # what was added to the team's mkdocs.yml
        print(line, file=sys.stderr)
    write_state(stage, render.state)  # only once MkDocs accepted the pages
    cache.prune()
    timings.mark("mkdocs", started)
    return {
        "pages": render.pages,
        "rendered": len(render.rendered),
        "scripts": len(scripts),
        "documents": len(site.documents),
    }
