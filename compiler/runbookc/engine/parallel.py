"""Running the per-document stage over many files: in this process for a few, across
worker processes for many.

Each worker compiles chunks of files, summarizes them (corpus.DocSummary) and sends both
back pickled (pickles only cross the pipe to the parent, never the disk), with the cache
key of the bytes it read, the result's cache entry and the summary as plain data (codec:
encoded in the workers, in parallel) and, for a file whose times have settled, its stat
signature. The parent stores the entries in the cache as each chunk arrives (one
transaction a chunk, while the workers go on). For a build, the workers also plan each
document's scripts into the plan store the same way. Workers are forked after the parent
has built the Markdown parser, the bash parser and the schema checks, so they start warm
(with `spawn` each worker builds its own once). Results come back in input order, so
the output never depends on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import NamedTuple

from runbookc.config import Settings
from runbookc.engine.cache import DocCache, content_key
from runbookc.engine.corpus import (
    Compiled,
    bulk_allocation,
    compile_and_plan,
    plain_summary,
    result_entry,
    summarize,
)
from runbookc.engine.sources import StatEntry, read_source_stat, stat_entry

# A worker pays for itself from about this many documents on (bench/run.py --only
# crossover measures it: a fork costs a few ms, a document about 3 ms).
MIN_DOCS_PER_WORKER = 40
MAX_CHUNK = 64

# The worker's settings, the salts of the result and plan caches (None: not wanted) and
# when the run began (time.time_ns(): files changed since then are not settled).
_worker: tuple[Settings, bytes | None, bytes | None, int] | None = None

# A cache entry: key and stored form (cache.entry_blob).
Entry = tuple[str, bytes]


class Fresh(NamedTuple):
    """A file compiled in this run."""

    compiled: Compiled
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
    settings: Settings,
    store: DocCache | None,
    jobs: int,
    plans: DocCache | None = None,
    start: int | None = None,
) -> list[Fresh]:
    """Compile `files`; their results go into `store`, their plans into `plans`. `start`:
    when the run began (time.time_ns(), now when not given)."""
    with bulk_allocation():
        return _compile_many(files, settings, store, jobs, plans, start or time.time_ns())


def _compile_many(
    files: list[tuple[Path, str]],
    settings: Settings,
    store: DocCache | None,
    jobs: int,
    plans: DocCache | None,
    start: int,
) -> list[Fresh]:
    workers = worker_count(jobs, len(files))
    salts = (
        store.salt if store is not None else None,
        plans.salt if plans is not None else None,
    )
    if workers <= 1:
        compiled = [_compile(path, display, settings, *salts, start) for path, display in files]
        _store(store, plans, compiled)
        return [fresh for fresh, _ in compiled]
    _warm_up(plans is not None)
    size = max(1, min(MAX_CHUNK, len(files) // (workers * 8)))
    chunks = [
        [(str(path), display) for path, display in files[i : i + size]]
        for i in range(0, len(files), size)
    ]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list[Fresh] = []
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(settings, *salts, start),
    ) as pool:
        for blobs in pool.map(_compile_chunk, chunks):
            chunk = [
                (Fresh(Compiled(result, summary, entry, plain), key, stat), plan)
                for result, summary, entry, plain, key, stat, plan in blobs
            ]
            _store(store, plans, chunk)
            results.extend(fresh for fresh, _ in chunk)
    return results


def _store(
    store: DocCache | None, plans: DocCache | None, compiled: list[tuple[Fresh, Entry | None]]
) -> None:
    """Cache each compiled file and its plan entry, in one transaction a store."""
    if store is not None:
        store.put_many(
            [
                (f.key, f.compiled.entry)
                for f, _ in compiled
                if f.key is not None and f.compiled.entry is not None
            ]
        )
    if plans is not None:
        plans.put_many([plan for _, plan in compiled if plan is not None])


def _warm_up(planning: bool) -> None:
    """Build what every document needs once, before the workers fork."""
    from runbookc import doctypes
    from runbookc.pipeline.parse import markdown, slugify
    from runbookc.pipeline.validate import validator_for
    from runbookc.scripts.bashtree import parser
    from runbookc.scripts.render import script_templates

    markdown()
    slugify()
    parser()
    for doc_type in doctypes.names():
        validator_for(doc_type)
    if planning:
        script_templates()


def _init_worker(
    settings: Settings, salt: bytes | None, plan_salt: bytes | None, start: int
) -> None:
    global _worker
    _worker = (settings, salt, plan_salt, start)


def _compile_chunk(chunk: list[tuple[str, str]]) -> list[tuple[object, ...]]:
    """The chunk's results and summaries, pickled (the parent unpickles only what it uses:
    lint, the summaries), with their cache entries, plain summaries, cache keys, stat
    entries and plan entries."""
    assert _worker is not None, "worker not initialised"
    blobs: list[tuple[object, ...]] = []
    for path, display in chunk:
        fresh, plan = _compile(Path(path), display, *_worker)
        compiled = fresh.compiled
        blobs.append(
            (
                compiled.result_blob(),
                compiled.summary_blob(),
                compiled.entry,
                compiled.plain,
                fresh.key,
                fresh.stat,
                plan,
            )
        )
    return blobs


def _compile(
    path: Path,
    display: str,
    settings: Settings,
    salt: bytes | None,
    plan_salt: bytes | None,
    start: int,
) -> tuple[Fresh, Entry | None]:
    """Compile one file and summarize it, with the cache key of the very bytes that were
    compiled (None when unreadable or uncached), so a file edited meanwhile can never be
    cached under its old content; with `plan_salt`, also its plan's cache entry."""
    from runbookc.scripts.extract import plan_entry

    data, info = read_source_stat(path)
    result, plan = compile_and_plan(path, display, settings, data, plan=plan_salt is not None)
    summary = summarize(result, settings)
    key = content_key(salt, display, data) if salt is not None and data is not None else None
    if key is None:
        compiled = Compiled(result, summary)
    else:
        compiled = Compiled(result, summary, result_entry(key, result), plain_summary(summary))
    planned = None
    if plan is not None and plan_salt is not None and result.document is not None:
        planned = plan_entry(plan_salt, result.document, plan)
    return Fresh(compiled, key, stat_entry(info, key, start)), planned
