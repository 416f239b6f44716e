"""Command-line options that several commands share."""

from __future__ import annotations

import argparse

from runbookc.names import FORMATS


def _whole_number(text: str, minimum: int) -> int:
    """An argparse type: a refusal here is a usage error (exit 2) naming the option."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def non_negative_int(text: str) -> int:
    return _whole_number(text, 0)


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the configured source dir)",
    )


def add_compile_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=non_negative_int,
        default=0,
        metavar="N",
        help="worker processes (default, or 0: one per CPU when the corpus is big enough)",
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
