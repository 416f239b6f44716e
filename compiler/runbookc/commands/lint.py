"""Lint documents: front matter, approvals, links, scripts.

Writes nothing but its cache of per-document results (under build/cache; never inside the
source dir); --no-cache writes nothing at all. Exit status: 0 without errors, 1 with
errors, 2 on a usage problem.
"""

from __future__ import annotations

import argparse
import sys

from runbookc.commands.options import (
    add_compile_options,
    add_paths_argument,
    add_report_options,
)


def register(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    add_report_options(parser)
    add_compile_options(parser)


def run(args: argparse.Namespace) -> int:
    from runbookc.commands.settings import command_settings
    from runbookc.commands.wiring import lint_targets

    settings = command_settings(args.config)
    result = lint_targets(
        args.paths, settings, strict=args.strict, jobs=args.jobs, use_cache=args.use_cache
    )
    sys.stdout.write(result.report(args.format))
    return 1 if result.summary.errors else 0
