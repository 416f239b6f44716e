"""Reading the source files: their bytes, and their cache keys, which come from the bytes,
or, for a file unchanged since an earlier run read it, from its stat signature."""

from __future__ import annotations

import os
import time
from pathlib import Path

from runbookc.engine.cache import DocCache
from runbookc.engine.regular_file import read_regular
from runbookc.limits import MAX_FILE_BYTES

# A file is known by its stat signature only once its times are this far in the past, so
# that a change within one tick of the file system's clock cannot go unseen.
SETTLED_NS = 2_000_000_000


# What a run records of a file it read: its stat signature and the key of its bytes.
StatEntry = tuple[tuple[int, ...], str]


def source_keys(files: list[tuple[Path, str]], store: DocCache) -> list[str | None]:
    """Each file's cache key: the hash of its bytes, or, when its stat signature (device,
    inode, mode, size, mtime, ctime) is the one recorded with its key by an earlier run,
    that key without reading the file. Any write changes the ctime, which no tool can set
    back, and a signature is recorded only for a file whose times had settled before it
    was read (like git's index), so a stale key cannot be taken for a current one."""
    start = time.time_ns()
    known = store.read_stats()
    seen: dict[str, StatEntry] = {}
    keys: list[str | None] = []
    for path, display in files:
        entry = known.get(display)
        if entry is not None:
            try:
                if _signature(os.stat(path)) == entry[0]:
                    keys.append(entry[1])
                    seen[display] = entry
                    continue
            except OSError:
                pass
        data, info = read_source_stat(path)
        key = store.key(display, data) if data is not None else None
        keys.append(key)
        recorded = stat_entry(info, key, start)
        if recorded is not None:
            seen[display] = recorded
    record_stats(store, seen, known)
    return keys


def stat_entry(info: os.stat_result | None, key: str | None, start: int) -> StatEntry | None:
    """What to record of a file read with stat `info` and bytes of `key` by a run that
    began at `start` (time.time_ns()): None unless both are known and its times had
    settled by then."""
    if info is None or key is None or not _settled(info, start):
        return None
    return _signature(info), key


def record_stats(
    store: DocCache, seen: dict[str, StatEntry], known: dict[str, StatEntry] | None = None
) -> None:
    """Record the entries `seen` by this run. Other paths' entries (`known`, as read at the
    start) are kept while their files exist: a run over part of the corpus must not forget
    the rest."""
    known = known or {}
    stats = {d: e for d, e in known.items() if d not in seen and os.path.exists(d)}
    stats.update(seen)
    if stats != known:
        store.write_stats(stats)


def _settled(info: os.stat_result, start: int) -> bool:
    # On Windows st_ctime is the creation time, which a rewrite does not change.
    return os.name != "nt" and max(info.st_mtime_ns, info.st_ctime_ns) < start - SETTLED_NS


def _signature(info: os.stat_result) -> tuple[int, ...]:
    return (
        info.st_dev,
        info.st_ino,
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
    )


def read_source_stat(path: Path) -> tuple[bytes | None, os.stat_result | None]:
    """The file's bytes, or None when it cannot be read, is not a regular file or is over
    the size limit (then compile_document reports it, and nothing is cached), with its stat
    taken before reading it."""
    return read_regular(path, MAX_FILE_BYTES)
