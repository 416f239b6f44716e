"""Content-addressed cache of per-document results.

A DocResult is a pure function of the file's bytes, its display path, the compiler's own
code and the settings, so the sha256 of those four is its key. Entries are DocResults as
plain data (codec: JSON, read back strictly against the model's types) in one SQLite
table, `<output>/cache/entries.sqlite` (blobstore.BlobStore), written by the process that
collects them, a chunk per transaction. Every entry holds the cache format and its own
key; an entry that does not parse, has another shape, format or key is a miss and is
rewritten. Deleting the cache only costs time. The cache is
never written inside the source dir: a layout that would put it there gets no cache.

Lint needs only a small summary of each document (corpus.DocSummary): those of the last
runs are kept together in one pack, `<output>/cache/summaries.pack` (JSON: key ->
display path and summary), so a run after an edit opens one file instead of querying
every entry. A summary missing from the pack is made from the document's entry. Entries
the current documents no longer use (their older contents, other settings) are pruned now
and then (`write_pack`).

A cache restored from elsewhere (CI's shared cache) is untrusted input: nothing in it is
ever run (no pickle, no marshal), a file of it that is not a regular file is not opened
(a FIFO would hang the run), and a cache folder that cannot be used (a symlink loop, a
file) means a run without the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from runbookc import __version__
from runbookc.config import Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.engine import codec
from runbookc.engine.blobstore import BlobStore
from runbookc.engine.regular_file import read_regular

# Bumped when the entry layout changes; entries of other formats are misses.
FORMAT = "3"
_ENTRY_TAG = f"runbookc entry {FORMAT}"
_ENTRY_HEAD = json.dumps(_ENTRY_TAG).encode()
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
    package = Path(__file__).resolve().parent.parent  # the runbookc package, not engine/
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".j2", ".md", ".sh") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


declare(
    Key("cache", Kind.TABLE, "", "the cache of per-document results"),
    Key(
        "cache.dir",
        Kind.STRING,
        '"build/cache"',
        "its folder, relative to the root (default: <output>/cache)",
    ),
)


def cache_dir(settings: Settings) -> Path | None:
    """`[tool.runbookc.cache] dir` (relative to the settings root), default <output>/cache;
    None when it would sit inside the source dir."""
    configured = settings.table("cache").get("dir")
    folder = settings.root / configured if isinstance(configured, str) else None
    folder = folder or settings.output_dir / "cache"
    problem = unusable_dir(folder)
    if problem is not None:
        _note_once(f"runbookc: {folder}: {problem}; running without the cache")
        return None
    folder = Path(os.path.realpath(folder))
    source = Path(os.path.realpath(settings.source_dir))
    if folder == source or source in folder.parents:
        return None
    return folder


def unusable_dir(folder: Path) -> str | None:
    """Why `folder` cannot hold a cache (a symlink loop, a file, ...), None when it can
    (a missing folder is made when the first entry is written)."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    return None if stat.S_ISDIR(info.st_mode) else "not a directory"


def settings_salt(settings: Settings) -> bytes:
    """What cache keys are salted with: the compiler, the project root and the settings."""
    return hashlib.sha256(
        f"{compiler_fingerprint()}\0{settings.root}\0{settings.fingerprint}".encode(
            "utf-8", "surrogateescape"
        )
    ).digest()


@cache
def _note_once(message: str) -> None:
    print(message, file=sys.stderr)


class DocCache:
    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self._entries = BlobStore(folder / "entries.sqlite")
        self._pack = str(folder / "summaries.pack")
        self._stats = str(folder / "stats")
        self._salt = settings_salt(settings)

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

    def get(self, key: str, kind: Any, names: dict[str, Any] | None = None) -> Any | None:
        """The entry under `key`, read back as a `kind` (codec), or None when it is missing
        or is not a `kind` stored under this key in this format."""
        return read_entry(key, self._entries.get(key), kind, names)

    def get_many(
        self, keys: list[str], kind: Any, names: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """key -> entry (as `get`), for the keys with a valid entry."""
        found = {
            key: read_entry(key, blob, kind, names)
            for key, blob in self._entries.get_many(keys).items()
        }
        return {key: value for key, value in found.items() if value is not None}

    def put_many(self, entries: list[tuple[str, bytes]]) -> None:
        """Store entries made by `entry_blob`; a cache that cannot be written is skipped."""
        self._entries.put_many(entries)

    def read_pack(self) -> Pack:
        """The summaries pack; empty when missing or not a pack of this format. Each
        summary stays plain data until it is needed (corpus reads it back as a
        DocSummary, and takes one that does not fit for a miss)."""
        found = _read_json(self._pack)
        if not isinstance(found, dict) or found.get("format") != _PACK_TAG:
            return Pack({})
        entries, stale = found.get("entries"), found.get("stale")
        if not isinstance(entries, dict) or type(stale) is not int:
            return Pack({})
        valid = {
            key: (entry[0], entry[1])
            for key, entry in entries.items()
            if type(entry) is list and len(entry) == 2 and type(entry[0]) is str
        }
        return Pack(valid, stale)

    def write_pack(self, pack: Pack, live: Iterable[str]) -> None:
        """Store the pack. When the entries it has dropped since the last pruning (older
        contents of its documents, other settings' or compiler versions') outnumber a tenth
        of it, the document entries that neither it nor this run (`live`) uses are deleted
        first: the cache stays a few times the corpus, at the cost of one delete over the
        entries table every so many edits, never on a run that changed nothing."""
        stale = pack.stale
        if worth_pruning(stale, len(pack.entries)):
            self.prune(set(pack.entries).union(live))
            stale = 0
        write_atomic(self._pack, _pack_json(stale, pack.entries))

    def trim(self, live: set[str]) -> None:
        """Prune to the `live` entries once the others outnumber a tenth of them (and at
        least PRUNE_AFTER), for a store whose every run asks for all its live entries."""
        if worth_pruning(self._entries.count() - len(live), len(live)):
            self.prune(live)

    def read_stats(self) -> dict[str, tuple[tuple[int, ...], str]]:
        """display path -> (stat signature, key) recorded by earlier runs with these
        settings and this compiler; empty when missing, unreadable or recorded by others."""
        found = _read_json(self._stats)
        if (
            not isinstance(found, dict)
            or found.get("format") != _STATS_TAG
            or found.get("salt") != self._salt.hex()
        ):
            return {}
        try:
            return codec.decoder(_Stats)(found.get("stats"))
        except codec.CodecError:
            return {}

    def write_stats(self, stats: dict[str, tuple[tuple[int, ...], str]]) -> None:
        found = {"format": _STATS_TAG, "salt": self._salt.hex(), "stats": stats}
        write_atomic(self._stats, orjson.dumps(found))

    def prune(self, keep: set[str]) -> None:
        """Delete every entry whose key is not in `keep` (memoized findings included: the
        current ones are written after). A run reading one meanwhile finds it gone: a miss."""
        self._entries.keep_only(keep)


_Stats = dict[str, tuple[tuple[int, ...], str]]


@dataclass
class Pack:
    # key -> (display path, DocSummary as plain data, or as its JSON for those of this run)
    entries: dict[str, tuple[str, Any]]
    stale: int = 0  # entries dropped since the cache was last pruned


def _pack_json(stale: int, entries: dict[str, tuple[str, Any]]) -> bytes:
    """The pack file: the summaries of this run as the workers wrote their JSON (spliced in,
    not parsed and written again: 0.1 s of the parent's end at 10,000 documents), those
    kept from the last pack as plain data."""
    kept = {key: entry for key, entry in entries.items() if type(entry[1]) is not bytes}
    written = [
        b"%b:[%b,%b]" % (orjson.dumps(key), orjson.dumps(display), summary)
        for key, (display, summary) in entries.items()
        if type(summary) is bytes
    ]
    head = {"format": _PACK_TAG, "stale": stale, "entries": kept}
    try:  # orjson, as the pack is read: json's encoder took 0.07 s a run after an edit
        text = orjson.dumps(head)
    except TypeError:  # an entry nested past orjson's limit: only a forged pack has one
        kept = head["entries"] = {}
        text = orjson.dumps(head)
    if not written:
        return text
    assert text.endswith(b"}}")
    return b"%b%b%b}}" % (text[:-2], b"," if kept else b"", b",".join(written))


def worth_pruning(stale: int, live: int) -> bool:
    """Whether `stale` entries are enough to prune for: a tenth of the `live` ones, and at
    least PRUNE_AFTER (so a small corpus is not pruned on every edit)."""
    return stale > max(PRUNE_AFTER, live // 10)


def content_key(salt: bytes, display: str, data: bytes) -> str:
    """The cache key of a file's bytes (a function, so workers need only the salt)."""
    digest = hashlib.sha256(salt)
    digest.update(display.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def entry_blob(key: str, kind: Any, value: Any, names: dict[str, Any] | None = None) -> bytes:
    """The stored form of `value` (a `kind`) under `key`: JSON of the format, the key and
    the value's plain data. CodecError when `value` is not a `kind`."""
    body = codec.dumps(kind, codec.frozen(names))(value)
    return b"[%b,%b,%b]" % (_ENTRY_HEAD, codec.dumps(str)(key), body)


def read_entry(
    key: str, blob: bytes | None, kind: Any, names: dict[str, Any] | None = None
) -> Any | None:
    """The `kind` that `blob` holds when it is an entry of this format stored under `key`;
    None for anything else (a miss, never a failure)."""
    if blob is None:
        return None
    try:
        found = json.loads(blob)
    except (ValueError, TypeError, RecursionError):
        return None
    if type(found) is not list or len(found) != 3 or found[:2] != [_ENTRY_TAG, key]:
        return None
    return plain_value(found[2], kind, names)


def plain_value(plain: Any, kind: Any, names: dict[str, Any] | None = None) -> Any | None:
    """`plain` read back as a `kind`, or None when it does not fit."""
    try:
        return codec.decoder(kind, codec.frozen(names))(plain)
    except (codec.CodecError, RecursionError):
        return None


def _read_json(path: str) -> Any:
    """The JSON in the regular file `path` (not followed if a symlink); None when it is
    missing, not a regular file or not JSON."""
    data, _ = read_regular(path, follow=False)
    if data is None:
        return None
    try:
        return orjson.loads(data)
    except ValueError:  # orjson.JSONDecodeError, its depth limit's too
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
