"""Running the per-document function over many files: in this process for a few, across
worker processes for many.

Each worker compiles chunks of files (compiled.PerDocument: a result and a summary each)
and sends both back pickled (pickles only cross the pipe to the parent, never the disk),
with the cache key of the bytes it read, the result's cache entry and the summary as plain
data (codec: written as JSON in the workers, in parallel) and, for a file whose times have
settled, its stat signature. The parent stores the entries in the cache as each chunk
arrives (one transaction a chunk, while the workers go on). Workers are forked after the
parent has run the per-document function's warm-up (the Markdown parser, the bash parser,
the schema checks), so they start warm (with `spawn` each worker builds its own once).
Results come back in input order, so the output never depends on the number of workers.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

from runbookc.config import Settings
from runbookc.engine.cache import DocCache, content_key
from runbookc.engine.compiled import Compiled, PerDocument, bulk_allocation
from runbookc.engine.sources import StatEntry, read_source_stat, stat_entry

# A worker pays for itself from about this many documents on (bench/run.py --only
# crossover measures it: a fork costs a few ms, a document about 3 ms).
MIN_DOCS_PER_WORKER = 40
MAX_CHUNK = 64
# Results are stored a thousand at a time while the workers go on: a transaction per chunk
# (150 at 10,000 documents) cost the parent 0.8 s of opening and closing the store.
STORE_BATCH = 1000
# A worker's collector runs after this many more container objects made than freed (Python's
# default is 700): a document makes and frees thousands (Markdown tokens, syntax trees) that
# reference counting alone frees, and at 700 the collector scanned them about every other
# document, 0.19 ms of the 2.2 ms a document costs (gc.callbacks, 2,000 generated documents);
# at 10,000 it still ran 21 times in 5,000 documents for 0.06 s, at 100,000 once (1% of a
# worker's time, the same peak memory).
WORKER_GC_THRESHOLD = 100_000

# The worker's per-document function, settings, the salt of the cache (None: uncached) and
# when the run began (time.time_ns(): files changed since then are not settled).
_worker: tuple[PerDocument[Any, Any], Settings, bytes | None, int] | None = None


class Fresh(NamedTuple):
    """A file compiled in this run."""

    compiled: Compiled[Any, Any]
    key: str | None  # the cache key of the very bytes compiled (None: unreadable, uncached)
    stat: StatEntry | None  # what to record of the file (None: its times had not settled)


def cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def worker_count(jobs: int, documents: int) -> int:
    """`jobs` > 0 is taken as given (capped by the work); 0 means one worker per CPU, fewer
    when the corpus is too small to pay for them."""
    if jobs > 0:
        return max(1, min(jobs, documents))
    return max(1, min(cpu_count(), documents // MIN_DOCS_PER_WORKER))


def compile_many(
    files: list[tuple[Path, str]],
    per_document: PerDocument[Any, Any],
    settings: Settings,
    store: DocCache | None,
    jobs: int,
    start: int | None = None,
) -> list[Fresh]:
    """Run `per_document` over `files`; their results go into `store`. `start`: when the
    run began (time.time_ns(), now when not given)."""
    with bulk_allocation():
        return _compile_many(files, per_document, settings, store, jobs, start or time.time_ns())


def _compile_many(
    files: list[tuple[Path, str]],
    per_document: PerDocument[Any, Any],
    settings: Settings,
    store: DocCache | None,
    jobs: int,
    start: int,
) -> list[Fresh]:
    workers = worker_count(jobs, len(files))
    job = (per_document, settings, store.salt if store is not None else None, start)
    if workers <= 1:
        compiled = [_compile(path, display, *job) for path, display in files]
        _store(store, compiled)
        return compiled
    per_document.warm_up()
    size = max(1, min(MAX_CHUNK, len(files) // (workers * 8)))
    chunks = [
        [(str(path), display) for path, display in files[i : i + size]]
        for i in range(0, len(files), size)
    ]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list[Fresh] = []
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=job
    ) as pool:
        stored = 0
        for blobs in pool.map(_compile_chunk, chunks):
            arrived = [
                Fresh(Compiled(result, summary, entry, summary_json, key), key, stat)
                for result, summary, entry, summary_json, key, stat in blobs
            ]
            # Read while the workers go on: once they are done, this process alone works
            # (reading 10,000 summaries back at that point cost a run 0.1 s).
            for fresh in arrived:
                fresh.compiled.summary(per_document.summary)
            results += arrived
            if len(results) - stored >= STORE_BATCH:
                _store(store, results[stored:])
                stored = len(results)
        _store(store, results[stored:])
    return results


def _store(store: DocCache | None, compiled: list[Fresh]) -> None:
    """Cache each compiled file, in one transaction."""
    if store is not None:
        store.put_many(
            [
                (f.key, f.compiled.entry)
                for f in compiled
                if f.key is not None and f.compiled.entry is not None
            ]
        )


def _init_worker(
    per_document: PerDocument[Any, Any], settings: Settings, salt: bytes | None, start: int
) -> None:
    global _worker
    _worker = (per_document, settings, salt, start)
    # What the parent built before the fork (modules, settings, the warmed-up parsers) lives
    # as long as the worker: frozen, the collector's full passes no longer scan it (nor
    # write to its pages, which the fork shares with the parent).
    gc.freeze()
    gc.set_threshold(WORKER_GC_THRESHOLD, *gc.get_threshold()[1:])


# What a worker sends back for one file: the result pickle (None when the cache entry holds
# the result), the summary pickle, the cache entry, the summary's JSON, the cache key and the
# stat entry.
_Sent = tuple[bytes | None, bytes, bytes | None, bytes | None, str | None, StatEntry | None]


def _compile_chunk(chunk: list[tuple[str, str]]) -> list[_Sent]:
    """The chunk's results and summaries, pickled (the parent unpickles only what it uses:
    lint, the summaries), with their cache entries, the summaries' JSON, cache keys and stat
    entries."""
    assert _worker is not None, "worker not initialised"
    blobs: list[_Sent] = []
    for path, display in chunk:
        fresh = _compile(Path(path), display, *_worker)
        compiled = fresh.compiled
        blobs.append(
            (
                compiled.result_blob(),
                compiled.summary_blob(),
                compiled.entry,
                compiled.summary_json,
                fresh.key,
                fresh.stat,
            )
        )
    return blobs


def _compile(
    path: Path,
    display: str,
    per_document: PerDocument[Any, Any],
    settings: Settings,
    salt: bytes | None,
    start: int,
) -> Fresh:
    """Run the per-document function on one file, with the cache key of the very bytes that
    were compiled (None when unreadable or uncached), so a file edited meanwhile can never
    be cached under its old content."""
    data, info = read_source_stat(path)
    result, summary = per_document.run(path, display, settings, data)
    key = content_key(salt, display, data) if salt is not None and data is not None else None
    if key is None:
        compiled: Compiled[Any, Any] = Compiled(result, summary)
    else:
        entry = per_document.result_entry(key, result)
        compiled = Compiled(result, summary, entry, per_document.summary_json(summary), key)
    return Fresh(compiled, key, stat_entry(info, key, start))
