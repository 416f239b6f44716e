"""What a long build shows as it goes: on a terminal, each stage and its page count (tqdm);
in CI, in a pipe or a file, or with `--quiet`, nothing (the summary line is the build's own).

A 4,000-document build runs for over a minute, most of it in MkDocs; the site stages
report their pages through render/mkdocs_progress.py.
"""

from __future__ import annotations

import argparse
import os
import sys

# typing costs a tenth of startup (cli.py); type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Never

    from tqdm import tqdm


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress lines (they show only on a terminal, and never when CI is set)",
    )


def progress_wanted(quiet: bool) -> bool:
    """Whether to show progress: stderr is a terminal, not in CI (the CI variable most CI
    systems set), and not `--quiet`."""
    return not quiet and not os.environ.get("CI") and sys.stderr.isatty()


class Progress:
    """The current stage of a build and its count on stderr; silent when not `enabled`."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: tqdm[Never] | None = None

    def stage(self, name: str, total: int | None = None, unit: str = "pages") -> None:
        """Start stage `name` (ending the one before): a count of `unit` towards `total`,
        or, without a total, its name and time only."""
        self.done()
        if not self.enabled:
            return
        import shutil

        from tqdm import tqdm  # on a terminal only: pipes and CI never import it

        counted = "{desc}: {n_fmt}/{total_fmt} " + unit + " [{elapsed}<{remaining}]"
        # tqdm's own size probe gives 0 on a terminal that reports none, and at 0 rows it
        # shows nothing; shutil falls back to $COLUMNS/$LINES, then 80x24.
        size = shutil.get_terminal_size()
        self._bar = tqdm(
            desc=f"runbookc: {name}",
            total=total,
            file=sys.stderr,
            leave=True,
            ncols=size.columns,
            nrows=size.lines,
            bar_format=counted if total is not None else "{desc} [{elapsed}]",
        )

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(count)

    def done(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
