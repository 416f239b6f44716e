"""Reading a file only when it is a regular one: a FIFO, a device or a symlink loop put
where a source or cache file is expected must not hang a run or read forever."""

from __future__ import annotations

import os
import stat

# Non-blocking, so opening a FIFO returns at once and the type check refuses it.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_regular(
    path: str | os.PathLike[str], limit: int | None = None, *, follow: bool = True
) -> tuple[bytes | None, os.stat_result | None]:
    """The bytes of `path` and its stat (taken before reading), or (None, None) when it
    cannot be read, is not a regular file, is over `limit` bytes or, without `follow`, is
    a symlink. Plain os calls on one descriptor: pathlib's stat-then-open costs four times
    as much."""
    flags = _FLAGS if follow else _FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None, None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None, None
        chunks: list[bytes] = []
        total, size = 0, info.st_size + 1
        while chunk := os.read(fd, size):  # to the end: it may have grown since fstat
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:
                return None, None
            size = 1 << 20
    except OSError:
        return None, None
    finally:
        os.close(fd)
    return b"".join(chunks), info
