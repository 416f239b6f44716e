"""Symlinks among the sources that lead out of the repository are not read.

A link in runbooks/ to a file elsewhere (`~/.ssh/notes.md`, `/etc/...`) would otherwise be
compiled and published: its text on a page and in the site's search index. Such a link, to
a file or to a folder, is a finding instead, and what it leads to is never opened, not even
for a cache key. Links that stay inside the repository, or inside the folder being linted,
work as before.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.documents import LINK_OUTSIDE


def outside(real: str, bounds: Sequence[str]) -> bool:
    """Whether the real path `real` lies outside every folder of `bounds` (real paths)."""
    return not any(real == b or real.startswith(b.rstrip(os.sep) + os.sep) for b in bounds)


def link_finding(display: str, real: str) -> Diagnostic:
    return LINK_OUTSIDE(
        display,
        None,
        f"a symlink to {real}, outside the repository: not read",
        hint="copy the document into the repository, or link to one inside it",
    )
