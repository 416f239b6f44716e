"""Paths as the compiler writes them: relative to a folder, with `/` separators."""

from __future__ import annotations

import os


def relative_under(path: str, folder: str) -> str | None:
    """`path` (made absolute) relative to `folder` (absolute), `/`-separated; None when it
    is not inside the folder. String work: it runs once per document, where pathlib's
    Path objects cost about 1% of a document's compile."""
    absolute = os.path.abspath(path)
    root = folder.rstrip(os.sep) + os.sep  # a trailing separator: /srv/ab is not under /srv/a
    if not absolute.startswith(root):
        return None
    return absolute[len(root) :].replace(os.sep, "/")
