"""Command line: `runbookc COMMAND ...`. `run(argv)` is the whole public surface."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from runbookc import __version__

# Each command is a module runbookc.commands.<name> with `register(parser)` and
# `run(args) -> int`; the modules import their heavy dependencies inside `run`.
COMMANDS = ("lint", "approve", "rules", "schema", "extract", "test", "build", "serve")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2; keep that, with our prefix
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"runbookc: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="runbookc",
        description="Compile SRE runbooks: lint, extract scripts, test them, render the site.",
    )
    parser.add_argument("--version", action="version", version=f"runbookc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"runbookc.commands.{name}")
        command = sub.add_parser(
            name, help=module.__doc__.strip().splitlines()[0], description=module.__doc__
        )
        command.add_argument(
            "--config",
            metavar="PYPROJECT",
            help="settings file (default: the nearest pyproject.toml)",
        )
        module.register(command)
        command.set_defaults(handler=module.run)
    return parser


def run(argv: list[str] | None = None) -> int:
    from runbookc.config import ConfigError
    from runbookc.corpus import UsageError

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except (ConfigError, UsageError) as exc:
        print(f"runbookc: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def main() -> NoReturn:
    sys.exit(run(sys.argv[1:]))
