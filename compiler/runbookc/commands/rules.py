"""List every lint rule: code, default severity, name and summary; or show one rule's page.

`runbookc rules` prints the table, `runbookc rules RB201` the rule's docs page (problem,
example, fix, why), `--format json` the table as JSON.
"""

from __future__ import annotations

import argparse
import sys


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", nargs="?", metavar="CODE", help="show this rule's docs page")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    import json

    from runbookc.errors import UsageError
    from runbookc.lint.registry import REGISTRY, all_rules

    rules = all_rules()
    if args.code:
        rule = REGISTRY.get(args.code.upper())
        if rule is None:
            raise UsageError(f"unknown rule code {args.code!r}")
        sys.stdout.write(rule.docs() or f"# {rule.code} {rule.name}\n\n{rule.summary}\n")
        return 0
    if args.format == "json":
        rows = [
            {"code": r.code, "name": r.name, "severity": r.severity.value, "summary": r.summary}
            for r in rules
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    name_width = max(len(r.name) for r in rules)
    for r in rules:
        sys.stdout.write(f"{r.code}  {r.severity.value:<7}  {r.name:<{name_width}}  {r.summary}\n")
    return 0
