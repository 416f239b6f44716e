"""Build everything into the output dir: lint, extract scripts, render the site.

Lints the corpus first (errors stop the build), extracts the bash blocks into scripts,
renders the Markdown pages and runs `mkdocs build --strict` on them, all in a new
generation dir; only then is that generation published, in one rename (publish.py): the
output dir's docs/, site/ and scripts/ show all of the old build or all of the new one. A
failed build leaves the previous output as it was. Pages whose inputs did not change since
the previous build are carried over instead of rendered (render/incremental.py), MkDocs
reuses their Markdown conversions, search entries and final HTML (render/mkdocs_cache.py,
kept under the cache dir), and output files whose bytes did not change are the previous
build's files (hard links). Exit
status: 0 built, 1 lint errors or a failed site build.
"""

from __future__ import annotations

import argparse
import sys
import time

# What a build publishes: each is a link in the output dir into the current generation.
OUTPUTS = ("docs", "site", "scripts", ".render-state.json")


def register(parser: argparse.ArgumentParser) -> None:
    from runbookc.commands.options import add_report_options

    add_report_options(parser)
    parser.add_argument(
        "--output", metavar="DIR", help="output dir (default: [tool.runbookc] output)"
    )


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from runbookc.config import load_settings
    from runbookc.engine.publish import UnsafeOutput, check_output_dir, new_generation
    from runbookc.pipeline.corpus import lint
    from runbookc.render.mkdocs_build import SiteBuildError
    from runbookc.render.paths import PageCollision
    from runbookc.render.site_build import Timings, build_into
    from runbookc.scripts.extract import plan_store

    settings = load_settings(args.config)
    if args.output:
        settings = replace(settings, output=args.output)
    try:
        check_output_dir(settings.output_dir, settings.root, settings.source_dir, OUTPUTS)
    except UnsafeOutput as exc:
        print(f"runbookc: error: {exc}", file=sys.stderr)
        return 2
    timings = Timings()
    started = time.perf_counter()
    # Lint plans the scripts of every document it compiles: their analysis is shared.
    plans = plan_store(settings)
    result = lint([], settings, strict=args.strict, plans=plans)
    timings.mark("lint", started)
    if result.diagnostics or args.format != "text":
        sys.stdout.write(result.report(args.format))
        sys.stdout.flush()  # the report before the build's own lines on stderr
    if result.summary.errors:
        print("runbookc: build stopped: lint errors (the previous output is kept)", file=sys.stderr)
        return 1
    out = settings.output_dir
    try:
        with new_generation(out) as generation:
            counts = build_into(
                generation.path,
                settings,
                result.corpus.documents,
                result.diagnostics,
                timings,
                plans,
            )
            started = time.perf_counter()
            generation.publish(OUTPUTS)
        timings.mark("publish", started)  # the switch and removing old generations
    except (SiteBuildError, PageCollision, OSError) as exc:
        print(f"runbookc: build failed (the previous output is kept):\n{exc}", file=sys.stderr)
        return 1
    print(
        f"built {counts['documents']} documents: {counts['pages']} pages "
        f"({counts['rendered']} rendered), "
        f"{counts['scripts']} scripts -> {out / 'site'} in {timings.text()}",
        file=sys.stderr,
    )
    return 0
