"""Print the JSON Schema of a document type (for editors: yaml-language-server), with the
id patterns and required keys of the settings.

Usage: runbookc schema runbook > runbook.schema.json; runbookc schema --list
"""

from __future__ import annotations

import argparse
import sys

from runbookc import doctypes


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("type", nargs="?", choices=doctypes.names(), help="document type")
    parser.add_argument("--list", action="store_true", help="print the document types")


def run(args: argparse.Namespace) -> int:
    from runbookc.config import load_settings
    from runbookc.errors import UsageError
    from runbookc.pipeline.validate import schema_text

    if args.list:
        sys.stdout.write("".join(f"{name}\n" for name in doctypes.names()))
        return 0
    if args.type is None:
        raise UsageError(f"schema: give a document type ({', '.join(doctypes.names())}) or --list")
    sys.stdout.write(schema_text(args.type, load_settings(args.config)))
    return 0
