"""Files a corpus rule looks at besides the documents (a linked image, a repository file a
code span names), noted so a memoized result can say what else it depends on.

`looked_at(path)` notes a path while a `recording()` is open; the engine stores each noted
path's `signature` beside the memoized findings and reuses them only while every signature
is the same (engine/corpus.py). A rule that reads the file system without noting it would
make a cached lint disagree with the build.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_noted: ContextVar[set[str] | None] = ContextVar("runbookc_probes", default=None)


def looked_at(path: str | os.PathLike[str]) -> None:
    """Note that a result depends on what is at `path` (nothing when no recording is open)."""
    noted = _noted.get()
    if noted is not None:
        noted.add(os.path.abspath(path))


@contextmanager
def recording() -> Iterator[set[str]]:
    """The paths noted while the block runs (absolute)."""
    noted: set[str] = set()
    token = _noted.set(noted)
    try:
        yield noted
    finally:
        _noted.reset(token)


def signature(path: str) -> str:
    """What a rule can see of `path`: where it really leads, its kind, size and change time
    ("" when there is nothing there)."""
    try:
        real = os.path.realpath(path)
        info = os.stat(real)
    except (OSError, ValueError):
        return ""
    return f"{real}\0{stat.S_IFMT(info.st_mode)}\0{info.st_size}\0{info.st_mtime_ns}"
