"""The corpus engine: runs the pipeline's per-document function (compiled.PerDocument)
over the files, across processes (parallel), and caches its results and summaries by the
files' bytes; memoizes what is computed over the whole corpus."""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

from runbookc import probes
from runbookc.config import Settings
from runbookc.engine import codec
from runbookc.engine.cache import DocCache, Pack, cache_dir, entry_blob, plain_value
from runbookc.engine.compiled import Compiled, PerDocument, R, S, bulk_allocation
from runbookc.engine.sources import StatEntry, record_stats, source_keys

T = TypeVar("T")


def _own(hit: R | None, display: str) -> R | None:
    """A cache entry read back, if it is about the file shown as `display`."""
    return hit if hit is not None and hit.path == display else None


class _Files(Generic[R, S]):
    """The files of a corpus (and of its parts) with their cache keys. Nothing is compiled
    or read back from the cache before it is asked for: a run whose findings are memoized
    needs neither, and lint needs only the summaries, not the documents.

    `keys` None: the cache is empty, so no key can hit and reading every file for its key
    first would only delay the workers; the keys (and stat signatures) then come from
    the compile, which reads every file anyway, the first time they are asked for."""

    def __init__(
        self,
        files: list[tuple[Path, str]],
        keys: list[str | None] | None,
        per_document: PerDocument[R, S],
        settings: Settings,
        store: DocCache | None,
        jobs: int,
        start: int,
        memory: dict[str, R] | None = None,
    ) -> None:
        self.files = files
        self.memory = memory  # key -> result, kept by the caller across runs (the preview)
        self._keys = keys
        self.start = start  # when the run began (time.time_ns())
        self.settings = settings
        self.store = store
        self.jobs = jobs
        self.per_document = per_document
        self._fresh: dict[int, Compiled[R, S]] = {}
        self._pack: Pack | None = None
        self._results: list[R] | None = None
        self._summaries: list[S] | None = None

    @property
    def keys(self) -> list[str | None]:
        if self._keys is None:
            self._compile(range(len(self.files)))
        assert self._keys is not None
        return self._keys

    @property
    def pack(self) -> Pack:
        if self._pack is None:
            self._pack = self.store.read_pack() if self.store is not None else Pack({})
        return self._pack

    def results(self) -> list[R]:
        if self._results is None:
            stored = self._stored_results()
            self._compile(i for i in range(len(self.files)) if i not in stored)
            with bulk_allocation():
                self._results = [
                    stored[i] if i in stored else self._fresh[i].result(self.per_document.result)
                    for i in range(len(self.files))
                ]
            if self.memory is not None:  # only this run's entries: an edit leaves no stale one
                self.memory.clear()
                self.memory.update(
                    (key, result)
                    for key, result in zip(self.keys, self._results, strict=True)
                    if key is not None
                )
        return self._results

    def _stored_results(self) -> dict[int, R]:
        """index -> the cached result of each file not compiled in this run that has one:
        from `memory` first, else read back from the store."""
        if self.store is None:
            return {}
        wanted = {
            key: index
            for index, key in enumerate(self.keys)
            if key is not None and index not in self._fresh
        }
        found: dict[int, R] = {}
        memory = self.memory or {}
        for key in list(wanted) if memory else ():
            result = _own(memory.get(key), self.files[wanted[key]][1])
            if result is not None:
                found[wanted.pop(key)] = result
        for key, hit in self.store.get_many(list(wanted), self.per_document.result).items():
            result = _own(hit, self.files[wanted[key]][1])
            if result is not None:
                found[wanted[key]] = result
        return found

    def summaries(self) -> list[S]:
        if self._summaries is None:
            pack, store = self.pack.entries, self.store
            unpacked = [
                key
                for index, key in enumerate(self.keys)
                if key is not None and key not in pack and index not in self._fresh
            ]
            stored = store.known(unpacked) if store is not None and unpacked else set()
            self._compile(
                i
                for i, key in enumerate(self.keys)
                if key is None or (key not in pack and key not in stored)
            )
            with bulk_allocation():
                self._summaries = [self._summary(i) for i in range(len(self.files))]
            self._save_pack()
        return self._summaries

    def _compile(self, indices: Iterable[int]) -> None:
        # Lazy (cli.py's list): multiprocessing and the pool only when there is work.
        from runbookc.engine.parallel import compile_many

        wanted = [i for i in indices if i not in self._fresh]
        files = [self.files[i] for i in wanted]
        fresh = compile_many(
            files, self.per_document, self.settings, self.store, self.jobs, self.start
        )
        self._fresh.update((i, f.compiled) for i, f in zip(wanted, fresh, strict=True))
        if self._keys is None:  # every file was compiled: their keys are known now
            self._keys = [f.key for f in fresh]
            assert self.store is not None and len(fresh) == len(self.files)
            seen: dict[str, StatEntry] = {
                display: f.stat
                for (_, display), f in zip(files, fresh, strict=True)
                if f.stat is not None
            }
            record_stats(self.store, seen)

    def _result(self, index: int) -> R:
        kind = self.per_document.result
        if index in self._fresh:
            return self._fresh[index].result(kind)
        key, display = self.keys[index], self.files[index][1]
        store = self.store
        hit = store.get(key, kind) if store is not None and key is not None else None
        result = _own(hit, display)
        if result is not None:
            return result
        self._compile([index])  # the entry is gone or torn since it was found
        return self._fresh[index].result(kind)

    def _summary(self, index: int) -> S:
        kind = self.per_document.summary
        if index in self._fresh:
            return self._fresh[index].summary(kind)
        key, display = self.keys[index], self.files[index][1]
        packed = self.pack.entries.get(key) if key is not None else None
        if packed is not None and packed[0] == display:
            found = plain_value(packed[1], kind)  # a foreign entry: a miss
            if found is not None and found.path == display:
                return found
        result = self._result(index)
        if index not in self._fresh:
            summary = self.per_document.summarize(result, self.settings)
            self._fresh[index] = Compiled(result, summary)
        return self._fresh[index].summary(kind)

    def _save_pack(self) -> None:
        """Write the summaries of this run into the pack when some were not read from it.
        Other paths' entries are kept, so linting a part of the corpus does not evict the
        rest; entries of this run's paths with other content (older edits) are dropped."""
        fresh = [i for i, key in enumerate(self.keys) if key is not None and i in self._fresh]
        if self.store is None or not fresh:
            return
        pack = self.pack.entries
        shown = {display for key, (_, display) in zip(self.keys, self.files, strict=True) if key}
        merged = {key: entry for key, entry in pack.items() if entry[0] not in shown}
        for index, key in enumerate(self.keys):
            if key is not None:
                compiled = self._fresh.get(index)
                display = self.files[index][1]
                if compiled is None:
                    merged[key] = pack[key]
                    continue
                written = compiled.summary_json
                if written is None:
                    summary = compiled.summary(self.per_document.summary)
                    written = compiled.summary_json = self.per_document.summary_json(summary)
                if written is not None:
                    merged[key] = (display, written)
        dropped = sum(1 for key in pack if key not in merged)
        live = (key for key in self.keys if key is not None)
        self.store.write_pack(Pack(merged, self.pack.stale + dropped), live)


class Corpus(Generic[R, S]):
    """Every document's result and summary, in path order, computed or read back from the
    cache when first asked for (so a run whose findings are `memoized` does neither)."""

    def __init__(self, files: _Files[R, S], start: int = 0, stop: int | None = None) -> None:
        self._files = files
        self._start = start
        self._stop = len(files.files) if stop is None else stop
        self.size = self._stop - self._start
        self._shown = [display for _, display in files.files[self._start : self._stop]]
        self.scope = _digest(self._shown)  # which documents (by path)

    @cached_property
    def key(self) -> str | None:
        """The documents' contents: a digest of every cache key, when all have one."""
        keys = self._files.keys[self._start : self._stop]
        return None if None in keys else _digest(map(str, keys), self._shown)

    def split(self, count: int) -> tuple[Corpus[R, S], Corpus[R, S]]:
        """The first `count` documents and the rest, sharing what either has compiled or
        read back."""
        middle = self._start + count
        return Corpus(self._files, self._start, middle), Corpus(self._files, middle, self._stop)

    @property
    def results(self) -> list[R]:
        return self._files.results()[self._start : self._stop]

    @property
    def summaries(self) -> list[S]:
        return self._files.summaries()[self._start : self._stop]

    def memoized(self, name: str, kind: Any, compute: Callable[[], T], *others: Corpus[R, S]) -> T:
        """`compute()`, a `kind` (codec: stored as plain data), cached under the keys of
        this corpus and `others`: it must be a pure function of their documents, the
        settings (all in the keys) and the other files it notes with probes.looked_at (each
        one's signature is stored with it, and a change to any is a miss). Without a cache
        it is simply computed. The value is stored in one slot per name and set of paths,
        overwritten when their contents change: an edit leaves no stale copy of the
        corpus findings behind."""
        corpora = [self, *others]
        store = self._files.store
        if store is None or any(c.key is None for c in corpora):
            return compute()
        # Rules resolve display paths against the working directory: it is part of the key.
        head = [name, os.getcwd()]
        slot = _digest(head, [c.scope for c in corpora])
        key = _digest(head, [str(c.key) for c in corpora])
        memo = tuple[str, str, kind, list[tuple[str, str]]]
        hit = store.get(slot, memo)
        if hit is not None and hit[:2] == (name, key) and _unchanged(hit[3]):
            return hit[2]
        with probes.recording() as looked:
            value = compute()
        files = [(path, probes.signature(path)) for path in sorted(looked)]
        with contextlib.suppress(codec.CodecError):  # not plain data: computed every time
            store.put_many([(slot, entry_blob(slot, memo, (name, key, value, files)))])
        return value


def _unchanged(files: list[tuple[str, str]]) -> bool:
    """Whether every file a memoized value noted still looks as it did."""
    return all(probes.signature(path) == seen for path, seen in files)


def _digest(*parts: Iterable[str]) -> str:
    text = "\n".join("\0".join(strings) for strings in parts)  # paths hold neither
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def compile_corpus(
    files: list[tuple[Path, str]],
    per_document: PerDocument[R, S],
    settings: Settings,
    *,
    jobs: int = 0,
    use_cache: bool = True,
    memory: dict[str, R] | None = None,
) -> Corpus[R, S]:
    """The corpus of the files, in the order given: `per_document` run over each. Every
    file's cache key is found now; results are compiled (across `jobs` processes; 0 = one
    per CPU when the corpus is big enough to pay for them) or read back from the cache when
    first needed. `memory` (cache key -> result, with the cache only) keeps the results in
    the process from one call to the next: a long-running command (the preview) then reads
    back none of the unchanged documents."""
    start = time.time_ns()
    folder = cache_dir(settings) if use_cache else None
    store = DocCache(folder, settings) if folder is not None else None
    keys: list[str | None] | None = [None] * len(files)
    if store is not None:
        keys = None if store.is_empty() else source_keys(files, store)
    return Corpus(_Files(files, keys, per_document, settings, store, jobs, start, memory))
