"""Print the JSON Schema of a document type (for editors: yaml-language-server).

Usage: runbookc schema runbook > runbook.schema.json
"""

from __future__ import annotations

import argparse
import sys

from runbookc.names import DOC_TYPES


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("type", choices=DOC_TYPES, help="document type")


def run(args: argparse.Namespace) -> int:
    from runbookc.validate import schema_text

    sys.stdout.write(schema_text(args.type))
    return 0
