"""Command line: `runbookc COMMAND ...`. `run(argv)` is the whole public surface."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from runbookc import __version__
from runbookc.errors import ConfigError, UsageError

# Imports are at module top, except these lazy ones, each keeping `runbookc --version` or
# `runbookc lint FILE` fast (tests/test_startup.py checks the first; bench/run.py's
# `version` row measures it):
# - each command module imports its stages (commands/wiring, pipeline/, render/, ...)
#   inside `run`: building the parser for one command imports no stage;
# - the per-document stages (pipeline/document.py and all it imports: YAML, markdown-it,
#   the schemas, the bash analysis), which engine.compiled.PerDocument names and imports
#   when a document is compiled or read back, and the worker pool (engine/corpus.py:
#   multiprocessing): a lint whose findings are cached needs none of them (no-op lint of
#   1,000 documents: 96 ms with them lazy, 174 ms without);
# - in pipeline/corpus.py, the stages of extract, test and render (script rendering, the
#   sandbox, the page model): lint imports none of them;
# - `typing`, here and in the commands, only for type checkers (TYPE_CHECKING = False):
#   a tenth of `--version`;
# - jinja2 (scripts/render.py: about 100 ms; lint never renders a script);
# - tree_sitter and tree_sitter_bash (scripts/bashtree.py: about 35 ms; a document
#   without shell blocks never parses bash);
# - jsonschema (pipeline/validate.py: about 60 ms; only once a document is compiled,
#   not on a lint whose findings are all cached);
# - mkdocs and material (render/mkdocs_build.py, render/mkdocs_sanitise.py through it,
#   engine/mkdocs_cache.py: about 150 ms; only once a build gets past lint);
# - report.escape here, on the error path only (its package brings dataclasses: 10 ms).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

# Each command is a module runbookc.commands.<name> with `register(parser)` and
# `run(args) -> int`; the modules import their stages inside `run` (above).
COMMANDS = (
    *("init", "new", "lint", "approve", "rules", "schema", "extract", "test", "build"),
    *("bundle", "serve", "config", "alerts"),
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Version(argparse.Action):
    """Print the version without argparse's help formatter (textwrap, shutil, locale)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        sys.stdout.write(f"runbookc {__version__}\n")
        parser.exit()


class _Formatter(argparse.HelpFormatter):
    """argparse builds a formatter for every add_argument, and the default one imports
    shutil (with bz2, lzma, fnmatch) to learn the terminal width: a tenth of startup."""

    def __init__(self, prog: str, **kwargs: object) -> None:
        if kwargs.get("width") is None:
            try:
                columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
            except (ValueError, OSError):
                columns = 80
            kwargs["width"] = columns - 2
        super().__init__(prog, **kwargs)  # type: ignore[arg-type]


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:  # argparse exits 2; keep that, with our prefix
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"runbookc: error: {message}\n")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given the `argv` it is to parse, only with the commands
    that argv needs (see _needed): importing and building all of them is a third of startup."""
    parser = _Parser(
        prog="runbookc",
        description="Compile SRE runbooks: lint, extract scripts, test them, render the site.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in _needed(argv):
        module = importlib.import_module(f"runbookc.commands.{name}")
        doc = module.__doc__
        assert doc, f"{module.__name__} needs a docstring: it is the command's help"
        command = sub.add_parser(name, help=doc.strip().splitlines()[0], description=doc)
        command.add_argument(
            "--config",
            metavar="FILE",
            help="settings file (default: the nearest runbookc.toml, .runbookc.toml or "
            "pyproject.toml with [tool.runbookc] at or above the working dir)",
        )
        module.register(command)
        command.set_defaults(handler=module.run)
    return parser


def _needed(argv: list[str] | None) -> tuple[str, ...]:
    """The commands a parser for `argv` must know: the one named there (the first word not
    an option, as the top level takes no option values), none for a lone `--version`, and
    all of them for help, a missing or unknown command (usage lists them)."""
    if argv is None:
        return COMMANDS
    named = next((word for word in argv if not word.startswith("-")), None)
    if named in COMMANDS:
        return (named,)
    if named is None and "--version" in argv and not {"-h", "--help"} & set(argv):
        return ()
    return COMMANDS


def run(argv: list[str] | None = None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else argv
        args = build_parser(argv).parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.handler(args))
    except (ConfigError, UsageError) as exc:
        from runbookc.report.escape import printable

        # a setting's value may hold a newline: a line of its own in a CI log (`::error::`)
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`runbookc rules | head`): nothing to report to
        return EXIT_FAILED


def main() -> NoReturn:
    code = run(sys.argv[1:])
    if _observed():
        sys.exit(code)  # a profiler or coverage tool saves its data on the way out
    # Leave without the interpreter's teardown: after a big build, freeing the corpus and
    # MkDocs' objects one by one takes about half a second (bench/run.py, 1,000 docs).
    # When `run` returns, every output file is closed and every cache write committed;
    # only the standard streams may still hold bytes, and no atexit hook is ours.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (`runbookc lint | head`): report unread
        code = code or EXIT_FAILED
    os._exit(code)


def _observed() -> bool:
    """Whether a tracer, profiler or (Python 3.12+) monitoring tool watches this process."""
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return True
    monitoring = getattr(sys, "monitoring", None)
    return monitoring is not None and any(monitoring.get_tool(tool) for tool in range(6))
