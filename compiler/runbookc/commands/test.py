"""Test the extracted scripts: bash -n, ShellCheck and sandbox runs with stub commands.

Every script runs in a temp dir with stubs (kubectl, git, ...) first on PATH in three
scenarios: the tools print nothing, print the runbook's symptom lines, or fail. Findings
are mapped back to the runbook lines. Writes nothing outside temp dirs.
Exit status: 0 without errors, 1 with errors, 2 on a usage problem.
"""

from __future__ import annotations

import argparse

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
    add_report_options(parser)


def run(args: argparse.Namespace) -> int:
    from runbookc.config import load_settings
    from runbookc.scriptrun import findings, gather, report

    settings = load_settings(args.config)
    gathered = gather(args.paths, settings)
    found = findings(gathered, settings, args.jobs)
    return 1 if report(gathered, found, settings, args.format, args.strict) else 0
