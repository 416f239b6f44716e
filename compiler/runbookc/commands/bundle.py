"""`runbookc bundle`: one archive for the on-call engineer's laptop, for when the docs site
is down with everything else.

Builds like `runbookc build` (lint errors stop it), but in a staging dir of its own under
the output dir, never touching the published site: the site made to be read from file://
(Material's offline plugin; render/site_config.with_offline), every script with its run.sh,
the manifest and a short README (templates/bundle/). The archive is a .tar.gz (executable
bits kept for run.sh; `tar` reads it on Linux, macOS and Windows 10 and later), written
beside the previous one and renamed over it only once whole: a failed bundle keeps the
previous archive. Exit status: 0 written, 1 lint errors or a failed site build.
"""

from __future__ import annotations

import argparse
import sys
import time

ARCHIVE = "runbooks-bundle.tar.gz"  # in the output dir
TOP = "runbooks-bundle"  # the folder the archive unpacks into


def register(parser: argparse.ArgumentParser) -> None:
    from runbookc.commands import build

    build.register(parser)  # the same options: it builds the site, into the archive


def run(args: argparse.Namespace) -> int:
    import shutil
    from datetime import UTC, datetime

    from runbookc import __version__
    from runbookc.commands.build import build_into, lint_for_site, output_settings
    from runbookc.commands.progress import Progress, progress_wanted
    from runbookc.engine.archive import write_archive
    from runbookc.engine.publish import claim_output_dir, staging
    from runbookc.render.mkdocs_build import SiteBuildError, failure_text
    from runbookc.render.paths import PageCollision
    from runbookc.render.site_build import Timings, site_name
    from runbookc.templating import package_templates

    timings = Timings()
    settings = output_settings(args, (ARCHIVE,))
    if settings is None:
        return 2
    progress = Progress(progress_wanted(args.quiet))
    result = lint_for_site(settings, args, timings, progress)
    if result is None:
        return 1
    out = settings.output_dir
    target = out / ARCHIVE
    try:
        claim_output_dir(out)
        with staging(out) as stage:
            counts = build_into(stage / "build", result, timings, progress, offline=True)
            progress.stage("archive")
            started = time.perf_counter()
            bundle = stage / TOP
            bundle.mkdir()
            (stage / "build" / "site").rename(bundle / "site")
            shutil.copytree(stage / "build" / "scripts", bundle / "scripts")
            readme = package_templates("bundle").get_template("README.txt.j2")
            text = readme.render(
                site_name=site_name(settings),
                built=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
                documents=counts["documents"],
                scripts=counts["scripts"],
                version=__version__,
            )
            (bundle / "README.txt").write_text(text, encoding="utf-8")
            files = write_archive(bundle, target, TOP)
            timings.mark("archive", started)
    except (SiteBuildError, PageCollision, OSError) as exc:
        progress.done()
        failed = failure_text(exc)
        print(f"runbookc: bundle failed (the previous archive is kept):\n{failed}", file=sys.stderr)
        return 1
    progress.done()
    print(
        f"bundled {counts['documents']} documents: {counts['pages']} pages, "
        f"{counts['scripts']} scripts, {files} files -> {target} in {timings.text()}",
        file=sys.stderr,
    )
    return 0
