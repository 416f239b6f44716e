"""Print the reference of every settings key: its default, type and meaning.

The keys go at the top level of `runbookc.toml` or `.runbookc.toml`, or in the
`[tool.runbookc]` table of `pyproject.toml`; `runbookc` uses the nearest such file at or
above the working dir (or --config FILE). The reference comes from the registry the
settings are checked against, so an unknown key or a wrong type is refused (exit 2).
"""

from __future__ import annotations

import argparse
import sys


def register(parser: argparse.ArgumentParser) -> None:
    """No options: the reference is the same wherever it is printed."""


def run(args: argparse.Namespace) -> int:
    from runbookc.commands.settings import registry
    from runbookc.config_keys import reference

    sys.stdout.write(reference(registry()))
    return 0
