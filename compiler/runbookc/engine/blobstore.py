"""Many small cached blobs in one SQLite file (key -> bytes).

One file per entry cost more than the parse itself at 10,000 documents: creating and
renaming a file is about 0.8 ms of system time, the whole per-document stage about 6 ms.
A SQLite table takes a chunk of entries in one transaction instead.

It is a cache: any error is a miss or a skipped write, never a failure. A file SQLite
finds malformed is deleted and started afresh. The file and its companions (-journal, -wal)
are only opened when each is a regular file or absent (a FIFO would hang the run), and
the schema SQLite reads is not trusted to run functions. A file another run is writing
is waited for briefly, once: after that this process goes on without storing. Each
query or write opens its own connection and closes it: none crosses a fork, and a process
that compiles many times (`serve`, tests) keeps no file open between runs. Writes use
SQLite's rollback journal, not write-ahead logging: a cold run appends its entries (13 KB
each, 130 MB at 10,000 documents), which a rollback journal writes once while the log
writes them twice (the log, then its checkpoint): the parent's store went from 0.47 s to
0.20 s of CPU there, time it took from the saturated workers. A run that reads while
another commits waits briefly, then goes without the cache (as for a lock). A file left in
write-ahead mode by an older version is switched back on its first write. `synchronous=OFF`
skips fsync, so an OS crash may tear the file, which the next run then finds malformed and
replaces.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

_SCHEMA = "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, blob BLOB NOT NULL)"
# SQLite binds at most this many parameters per statement in old builds.
_BATCH = 500
# How long a statement waits for another run's lock before the store is given up on.
_BUSY_SECONDS = 0.1
_COMPANIONS = ("", "-wal", "-shm", "-journal")
# SQLite's largest page: an entry (13 KB on average) fits in one page rather than a chain of
# four 4 KB overflow pages: storing 10,000 entries went from 0.20 s to 0.08 s of the parent's
# CPU (the file is 8% larger), and reading them back is no slower.
_PAGE_SIZE = 65536


class BlobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._off = False  # locked by another run or unusable: this process goes without

    def known(self, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` that have an entry."""
        return {key for (key,) in self._select("SELECT key", list(keys))}

    def is_empty(self) -> bool:
        """Whether there is no entry (no file, or an empty or unreadable one)."""
        return not self._query([("SELECT 1 FROM entries LIMIT 1", ())])

    def count(self) -> int:
        rows = self._query([("SELECT count(*) FROM entries", ())])
        return rows[0][0] if rows else 0

    def get(self, key: str) -> bytes | None:
        rows = self._query([("SELECT blob FROM entries WHERE key = ?", (key,))])
        return rows[0][0] if rows else None

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        return dict(self._select("SELECT key, blob", keys))

    def _select(self, columns: str, keys: list[str]) -> list[tuple]:
        """`columns` of the rows whose key is among `keys`, a batch of keys per query (all
        on one connection)."""
        batches = [keys[start : start + _BATCH] for start in range(0, len(keys), _BATCH)]
        return self._query(
            [
                (f"{columns} FROM entries WHERE key IN ({','.join('?' * len(b))})", b)
                for b in batches
            ]
        )

    def put_many(self, entries: list[tuple[str, bytes]]) -> None:
        """Store the entries in one transaction (all or none)."""
        if entries:
            self._write(
                lambda db: db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", entries)
            )

    def keep_only(self, keep: set[str]) -> None:
        """Delete every entry whose key is not in `keep`; the file gives the space back once
        more than half of it is free."""

        def prune(db: sqlite3.Connection) -> None:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM keep")
            db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keep))
            db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM keep)")
            db.execute("DELETE FROM keep")

        if self._write(prune):
            with contextlib.suppress(sqlite3.Error), self._connected(create=False) as db:
                if db is not None:
                    free = db.execute("PRAGMA freelist_count").fetchone()[0]
                    if free * 2 > db.execute("PRAGMA page_count").fetchone()[0]:
                        db.execute("VACUUM")

    def _query(self, statements: list[tuple[str, Iterable[object]]]) -> list[tuple]:
        """The rows of every statement, run on one connection; [] on any error (a miss)."""
        if self._off:
            return []
        try:
            with self._connected(create=False) as db:
                if db is None:
                    return []
                return [row for sql, ps in statements for row in db.execute(sql, tuple(ps))]
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return []

    def _write(self, change: Callable[[sqlite3.Connection], object]) -> bool:
        if self._off:
            return False
        try:
            with self._connected(create=True) as db:
                if db is None:
                    return False
                with db:  # one transaction, rolled back on error
                    change(db)
                return True
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return False

    @contextmanager
    def _connected(self, *, create: bool) -> Iterator[sqlite3.Connection | None]:
        """A connection for one query or write (None: no usable file), closed after it."""
        db = self._open(create=create)
        try:
            yield db
        finally:
            if db is not None:
                db.close()

    def _open(self, *, create: bool) -> sqlite3.Connection | None:
        if not _regular_or_absent(self.path) or (not create and not self.path.is_file()):
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        db = sqlite3.connect(self.path, timeout=_BUSY_SECONDS)
        try:
            db.execute("PRAGMA trusted_schema=OFF")
            db.execute(f"PRAGMA page_size={_PAGE_SIZE}")  # a new file's only; kept after
            db.execute("PRAGMA journal_mode=DELETE")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(_SCHEMA)
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """A locked or unwritable file is left alone (this process goes on without it); a
        malformed one is deleted, so the next write starts a fresh one."""
        if isinstance(exc, sqlite3.OperationalError):
            self._off = True
            return
        for suffix in _COMPANIONS:
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")


def _regular_or_absent(path: Path) -> bool:
    """Whether the SQLite file and each companion file is a regular file or absent (not a
    FIFO, device, folder or symlink, whatever a restored cache put there)."""
    for suffix in _COMPANIONS:
        try:
            info = os.lstat(f"{path}{suffix}")
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode):
            return False
    return True
