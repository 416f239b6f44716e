"""List every alert: alert -> rule file:line -> runbook -> approval state.

`runbookc alerts` prints a table, `--format json` the rows as JSON (with the group,
severity label and runbook_url), for an on-call handbook or an audit. Rules come from the
`rules` setting; alerts only an alert doc defines are listed after them. Exit status 0, or
2 on a usage problem; lint's findings are `runbookc lint`'s to report.
"""

from __future__ import annotations

import argparse
import sys

from runbookc.commands.options import add_compile_options


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_compile_options(parser)


def run(args: argparse.Namespace) -> int:
    from runbookc.commands.settings import command_settings
    from runbookc.commands.wiring import lint_targets
    from runbookc.report.alert_list import alert_rows, as_json, as_table

    settings = command_settings(args.config)
    linted = lint_targets([], settings, jobs=args.jobs, use_cache=args.use_cache)
    rows = alert_rows(linted.graph, linted.documents, settings)
    sys.stdout.write(as_json(rows) if args.format == "json" else as_table(rows))
    return 0
