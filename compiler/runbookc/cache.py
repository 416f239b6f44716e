"""Content-addressed cache of per-document results.

A DocResult is a pure function of the file's bytes, its display path, the compiler's own
code and the settings, so the sha256 of those four is its key. Entries are pickled
DocResults in one SQLite table, `<output>/cache/entries.sqlite` (blobstore.BlobStore),
written by the process that collects them, a chunk per transaction; an entry that cannot
be read back is a miss and is rewritten. Deleting the cache only costs time. The cache is
never written inside the source dir: a layout that would put it there gets no cache.

Lint needs only a small summary of each document (corpus.DocSummary): those of the last
runs are kept together in one pack, `<output>/cache/summaries.pack` (key -> pickled
summary), so a run after an edit opens one file instead of querying every entry. A summary
missing from the pack is made from the document's entry. Entries the current documents no
longer use (their older contents, other settings) are pruned now and then (`write_pack`).

Entries are trusted like the checkout they live in (pickle); keep build/ out of untrusted
hands just as you would the sources.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from runbookc import __version__
from runbookc.blobstore import BlobStore
from runbookc.config import Settings

# Bumped when the entry layout changes; entries of other formats are simply never found.
FORMAT = "2"
_PACK_TAG = f"runbookc summaries {FORMAT}"
_STATS_TAG = f"runbookc stats {FORMAT}"
# Pruning waits for at least this many dropped entries (and a tenth of the pack).
PRUNE_AFTER = 100


@cache
def compiler_fingerprint() -> str:
    """The compiler's version and the bytes of every file of the package (code, schemas,
    templates, rule docs): a development checkout changes them without a new version
    number, and nothing cached or rendered by the old files may be taken for current."""
    digest = hashlib.sha256(f"runbookc {__version__} cache {FORMAT}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".j2", ".md", ".sh") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_dir(settings: Settings) -> Path | None:
    """`[tool.runbookc.cache] dir` (relative to the settings root), default <output>/cache;
    None when it would sit inside the source dir."""
    configured = settings.table("cache").get("dir")
    folder = settings.root / configured if isinstance(configured, str) else None
    folder = (folder or settings.output_dir / "cache").resolve()
    source = settings.source_dir.resolve()
    if folder == source or source in folder.parents:
        return None
    return folder


class DocCache:
    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self._entries = BlobStore(folder / "entries.sqlite")
        self._pack = str(folder / "summaries.pack")
        self._stats = str(folder / "stats")
        self._salt = hashlib.sha256(
            f"{compiler_fingerprint()}\0{settings.root}\0{settings.fingerprint}".encode(
                "utf-8", "surrogateescape"
            )
        ).digest()

    @property
    def salt(self) -> bytes:
        """What every key is salted with: the compiler, the project root and the settings."""
        return self._salt

    def key(self, display: str, data: bytes) -> str:
        return content_key(self._salt, display, data)

    def is_empty(self) -> bool:
        """Whether no key can hit: no entry and no summaries pack."""
        return self._entries.is_empty() and not os.path.exists(self._pack)

    def known(self, keys: Iterable[str]) -> set[str]:
        """The keys among `keys` that have an entry."""
        return self._entries.known(keys)

    def get(self, key: str) -> Any | None:
        """The unpickled entry, or None when missing or unreadable."""
        return unpickle(self._entries.get(key))

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        """key -> unpickled entry, for the keys with a readable entry."""
        found = {key: unpickle(blob) for key, blob in self._entries.get_many(keys).items()}
        return {key: value for key, value in found.items() if value is not None}

    def put_many(self, entries: list[tuple[str, bytes]]) -> None:
        """Store pickled entries; a cache that cannot be written is silently skipped."""
        self._entries.put_many(entries)

    def read_pack(self) -> Pack:
        """The summaries pack; empty when missing or unreadable. Each summary stays
        pickled until it is needed."""
        try:
            with open(self._pack, "rb") as stream:
                tag, entries, stale = pickle.loads(stream.read())
        except Exception:  # missing, torn or foreign: start afresh
            return Pack({})
        if tag != _PACK_TAG or not isinstance(entries, dict) or not isinstance(stale, int):
            return Pack({})
        valid = {
            key: entry
            for key, entry in entries.items()
            if isinstance(entry, tuple)
            and len(entry) == 2
            and isinstance(entry[0], str)
            and isinstance(entry[1], bytes)
        }
        return Pack(valid, stale)

    def write_pack(self, pack: Pack, live: Iterable[str]) -> None:
        """Store the pack. When the entries it has dropped since the last pruning (older
        contents of its documents, other settings' or compiler versions') outnumber a tenth
        of it, the document entries that neither it nor this run (`live`) uses are deleted
        first: the cache stays a few times the corpus, at the cost of one delete over the
        entries table every so many edits, never on a run that changed nothing."""
        stale = pack.stale
        if _worth_pruning(stale, len(pack.entries)):
            self.prune(set(pack.entries).union(live))
            stale = 0
        blob = pickle.dumps((_PACK_TAG, pack.entries, stale), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(self._pack, blob)

    def trim(self, live: set[str]) -> None:
        """Prune to the `live` entries once the others outnumber a tenth of them (and at
        least PRUNE_AFTER), for a store whose every run asks for all its live entries."""
        if _worth_pruning(self._entries.count() - len(live), len(live)):
            self.prune(live)

    def read_stats(self) -> dict[str, tuple[tuple[int, ...], str]]:
        """display path -> (stat signature, key) recorded by earlier runs with these
        settings and this compiler; empty when missing, unreadable or recorded by others."""
        try:
            with open(self._stats, "rb") as stream:
                tag, salt, stats = pickle.loads(stream.read())
        except Exception:  # missing, torn or foreign: start afresh
            return {}
        if tag != _STATS_TAG or salt != self._salt or not isinstance(stats, dict):
            return {}
        return stats

    def write_stats(self, stats: dict[str, tuple[tuple[int, ...], str]]) -> None:
        blob = pickle.dumps((_STATS_TAG, self._salt, stats), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(self._stats, blob)

    def prune(self, keep: set[str]) -> None:
        """Delete every entry whose key is not in `keep` (memoized findings included: the
        current ones are written after). A run reading one meanwhile finds it gone: a miss."""
        self._entries.keep_only(keep)


@dataclass
class Pack:
    entries: dict[str, tuple[str, bytes]]  # key -> (display path, pickled DocSummary)
    stale: int = 0  # entries dropped since the cache was last pruned


def _worth_pruning(stale: int, live: int) -> bool:
    """Whether `stale` entries are enough to prune for: a tenth of the `live` ones, and at
    least PRUNE_AFTER (so a small corpus is not pruned on every edit)."""
    return stale > max(PRUNE_AFTER, live // 10)


def content_key(salt: bytes, display: str, data: bytes) -> str:
    """The cache key of a file's bytes (a function, so workers need only the salt)."""
    digest = hashlib.sha256(salt)
    digest.update(display.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def unpickle(blob: bytes | None) -> Any | None:
    """The unpickled value, or None for no blob or one that cannot be read back."""
    if blob is None:
        return None
    try:
        return pickle.loads(blob)
    except Exception:  # a torn or foreign entry is a miss, never a failure
        return None


def write_atomic(target: str | os.PathLike[str], blob: bytes) -> None:
    """Write a cache file atomically (a temp file renamed into place, so a concurrent reader
    sees the old file or the new one); a cache that cannot be written is only slower, so a
    failure is silently skipped."""
    folder = os.path.dirname(target)
    try:
        os.makedirs(folder, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(blob)
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass
