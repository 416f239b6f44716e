"""Reusing the previous output's files.

A build writes every output file into a new dir, and the swap retires the previous ones;
hard-linking a file whose bytes did not change means neither writing it again nor freeing
its blocks when the old tree goes. Nothing ever writes into an output file in place, so a
link is as good as a copy. Shared by the stages that write outputs (render/docs_dir) and
the engine's publishing.
"""

from __future__ import annotations

import os
from pathlib import Path


def reuse(previous: Path, target: Path, data: bytes, mode: int | None = None) -> bool:
    """Hard-link `previous` as `target` (a new name) if it holds exactly `data` (and has
    permissions `mode`); returns whether it did."""
    try:
        stat = previous.stat()
        if stat.st_size != len(data) or (mode is not None and stat.st_mode & 0o7777 != mode):
            return False
        if previous.read_bytes() != data:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(previous, target)
    except OSError:
        return False
    return True


def link(source: Path, target: Path) -> bool:
    """Hard-link `source` as `target`, a new name; whether it could (not across file
    systems, nor over a file already there)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(source, target)
    except OSError:
        return False
    return True


def reuse_file(previous: Path, source: Path, target: Path) -> bool:
    """`reuse` for a copy of the file `source`."""
    try:
        if previous.stat().st_size != source.stat().st_size:
            return False
        return reuse(previous, target, source.read_bytes())
    except OSError:
        return False
