"""A corpus that is mostly not runbookc's: one finding instead of one per file.

Pointed at a folder of other documents (a Hugo site, a vendored tree) or at existing
runbooks before any setup, lint would list every file as RB004 or RB014. When more than
half of the files (and at least MIN_FILES) are such, those findings become one, which asks
whether `source` is right and names what adopts such files."""

from __future__ import annotations

from collections.abc import Sequence

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.documents import MOSTLY_NOT_OURS, NOT_OURS

MIN_FILES = 3
_EXAMPLES = 3


def summarise(found: Sequence[Diagnostic], files: int, settings: Settings) -> list[Diagnostic]:
    """`found` with the files that are not runbookc's folded into one finding when they
    are most of the `files` linted."""
    foreign = sorted({d.path for d in found if d.code in NOT_OURS})
    if len(foreign) < MIN_FILES or 2 * len(foreign) <= files:
        return list(found)
    examples = ", ".join(foreign[:_EXAMPLES]) + (", ..." if len(foreign) > _EXAMPLES else "")
    summary = MOSTLY_NOT_OURS(
        settings.source,
        None,
        f"{len(foreign)} of {files} files have no runbookc front matter ({examples}): "
        f'is `source = "{settings.source}"` the folder of your runbooks?',
        hint="point `source` in [tool.runbookc] at the runbooks; to keep these files, derive "
        "their front matter with [tool.runbookc.defaults] (README: Adopting existing "
        "runbooks), or write it: `runbookc new runbook` shows how (`runbookc init` sets up)",
    )
    return [d for d in found if d.code not in NOT_OURS] + [summary]
