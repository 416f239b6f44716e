"""Test the extracted scripts: bash -n, ShellCheck and sandbox runs with stub commands.

Every script runs inside bubblewrap (read-only host, no network, the stubs mounted over
every host copy of kubectl, git, ...) in a temp dir with the stubs first on PATH, in three
scenarios: the tools print nothing, print the runbook's symptom lines, or fail. Findings
are mapped back to the runbook lines. Each check's verdict on a script is kept in the
cache (<output>/cache/verdicts.sqlite) by the digest of the script, the check's inputs and
its tools: a run after no change or one edit checks only the changed scripts. Writes
nothing outside temp dirs and the cache.
Exit status: 0 without errors, 1 with errors, 2 on a usage problem or without a working
bwrap (the blocks are never run without isolation; --no-sandbox runs the static checks).
"""

from __future__ import annotations

import argparse
import sys

from runbookc.commands.options import add_paths_argument, add_report_options, positive_int


def register(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=None,
        metavar="N",
        help="parallel runs (default: one per CPU)",
    )
    parser.add_argument(
        "--no-sandbox",
        dest="sandbox",
        action="store_false",
        help="run bash -n and ShellCheck only, not the blocks (no bubblewrap needed)",
    )
    add_report_options(parser)


def run(args: argparse.Namespace) -> int:
    from runbookc.commands.settings import command_settings
    from runbookc.commands.wiring import extract_targets
    from runbookc.engine.verdicts import verdict_store
    from runbookc.pipeline.corpus import report, test
    from runbookc.scripts.isolation import IsolationUnavailable, bwrap_binary

    if args.sandbox:
        try:
            bwrap_binary()
        except IsolationUnavailable as exc:
            print(
                f"runbookc: error: refusing to run the blocks without isolation: {exc}\n"
                "runbookc: `runbookc test --no-sandbox` runs bash -n and ShellCheck alone",
                file=sys.stderr,
            )
            return 2
    settings = command_settings(args.config)
    verdicts = verdict_store(settings)
    extracted = extract_targets(args.paths, settings, verdicts)
    found = test(extracted, settings, args.jobs, sandbox=args.sandbox, verdicts=verdicts)
    if verdicts is not None and args.sandbox and not args.paths:
        verdicts.trim()  # every check of every script ran: the others are stale
    return 1 if report(extracted.corpus, found, settings, args.format, args.strict) else 0
