"""Lint documents: front matter, approvals, links, scripts.

Writes nothing but its cache of per-document results (under build/cache; never inside the
source dir); --no-cache writes nothing at all. Exit status: 0 without errors, 1 with
errors, 2 on a usage problem.
"""

from __future__ import annotations

import argparse
import sys

from runbookc.names import FORMATS


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the configured source dir)",
    )
    add_report_options(parser)
    add_compile_options(parser)


def add_compile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: one per CPU when the corpus is big enough)",
    )
    parser.add_argument(
        "--no-cache",
        dest="use_cache",
        action="store_false",
        help="neither read nor write the cache of per-document results",
    )


def add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text", help="report format")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def run(args: argparse.Namespace) -> int:
    from runbookc.config import load_settings
    from runbookc.pipeline import lint

    settings = load_settings(args.config)
    result = lint(
        args.paths, settings, strict=args.strict, jobs=args.jobs, use_cache=args.use_cache
    )
    sys.stdout.write(result.report(args.format))
    return 1 if result.summary.errors else 0
