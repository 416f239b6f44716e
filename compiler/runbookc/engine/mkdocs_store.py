"""The entries of the MkDocs memo (engine/mkdocs_cache.py): their types, and the store that
keeps them in memory and in one SQLite file."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbookc.engine.blobstore import BlobStore
from runbookc.engine.cache import entry_blob, read_entry
from runbookc.engine.codec import CodecError


@dataclass(frozen=True)
class Toc:
    """A table of contents item, as mkdocs_keys.toc_tokens writes it."""

    level: int
    id: str
    name: str
    children: list[Toc]


@dataclass(frozen=True)
class Rendered:
    """What a page's Markdown conversion leaves on the page, and the log lines it emits."""

    content: str | None
    toc: list[Toc]
    title: str | None
    anchors: list[str]
    links: dict[str, dict[str, str]]  # page path -> its anchors linked to (as MkDocs keeps)
    log: list[tuple[str, int, str]]  # logger, level, message


@dataclass(frozen=True)
class PageHtml:
    """What the page HTML cache keeps of a page: the size and digest of its file's bytes
    (the bytes themselves are the previous site's file)."""

    size: int
    sha256: str


# The type of each kind of entry.
KINDS: dict[str, Any] = {"pages": Rendered, "search": list[dict[str, Any]], "html": PageHtml}


def to_toc(tokens: list[dict[str, Any]]) -> list[Toc]:
    return [Toc(t["level"], t["id"], t["name"], to_toc(t["children"])) for t in tokens]


def from_toc(items: list[Toc]) -> list[dict[str, Any]]:
    return [
        {"level": t.level, "id": t.id, "name": t.name, "children": from_toc(t.children)}
        for t in items
    ]


def html_entry(data: bytes) -> PageHtml:
    """What the page HTML cache keeps of a page: the size and digest of its file's bytes
    (the bytes themselves are the previous site's file)."""
    return PageHtml(len(data), hashlib.sha256(data).hexdigest())


class PageCache:
    """Entries by kind ("pages", "search", "html") and key, kept in memory and, given a
    `folder`, in one SQLite file there (blobstore.BlobStore): a cold build's thousands of
    entries go in one transaction instead of as many new files. `save` writes the entries
    made since (a failed build's too: each is a pure function of its key), `prune` also
    forgets the ones the last build did not use."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.blobs = BlobStore(folder / "entries.sqlite") if folder is not None else None
        self.memory: dict[tuple[str, str], Any] = {}
        self.fresh: dict[tuple[str, str], Any] = {}  # put since the last save
        self.used: set[tuple[str, str]] = set()
        self.hits = 0  # page conversions reused
        self.misses = 0
        self.html_hits = 0  # page HTML reused
        self.html_misses = 0

    def get(self, kind: str, key: str) -> Any | None:
        """The entry, or None when there is none (or it cannot be read back)."""
        self.used.add((kind, key))
        if (kind, key) in self.memory:
            return self.memory[kind, key]
        name = f"{kind}/{key}"
        blob = self.blobs.get(name) if self.blobs is not None else None
        value = read_entry(name, blob, KINDS[kind])
        if value is not None:
            self.memory[kind, key] = value
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        self.used.add((kind, key))
        self.memory[kind, key] = self.fresh[kind, key] = value

    def save(self) -> None:
        if self.blobs is not None and self.fresh:
            entries = []
            for (kind, key), value in self.fresh.items():
                with suppress(CodecError):  # not plain data (another search plugin): not kept
                    entries.append(
                        (f"{kind}/{key}", entry_blob(f"{kind}/{key}", KINDS[kind], value))
                    )
            self.blobs.put_many(entries)
        self.fresh = {}

    def prune(self) -> None:
        """Save, then forget the entries the last build did not use (its pages changed or
        went away)."""
        self.save()
        self.memory = {k: v for k, v in self.memory.items() if k in self.used}
        if self.blobs is not None:
            self.blobs.keep_only({f"{kind}/{key}" for kind, key in self.used})
        self.used = set()
