"""Running the per-document stage over many files: in this process for a few, across
worker processes for many.

Each worker compiles chunks of files, summarizes them (corpus.DocSummary) and sends both
back pickled; the parent stores the pickled results in the cache as each chunk arrives
(one transaction a chunk, while the workers go on), so a result is pickled once.
Workers are forked after the parent has built the Markdown parser and the schema
validators, so they start warm (with `spawn` each worker builds its own once). Results
come back in input order, so the output never depends on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from runbookc.cache import DocCache, content_key
from runbookc.config import Settings
from runbookc.corpus import Compiled, bulk_allocation, compile_document, summarize
from runbookc.sources import read_source

# A worker pays for itself from about this many documents on (bench/run.py --only
# crossover measures it: a fork costs a few ms, a document about 3 ms).
MIN_DOCS_PER_WORKER = 40
MAX_CHUNK = 64

# The worker's settings and cache-key salt (None without a cache).
_worker: tuple[Settings, bytes | None] | None = None


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
    files: list[tuple[Path, str]], settings: Settings, store: DocCache | None, jobs: int
) -> list[Compiled]:
    with bulk_allocation():
        return _compile_many(files, settings, store, jobs)


def _compile_many(
    files: list[tuple[Path, str]], settings: Settings, store: DocCache | None, jobs: int
) -> list[Compiled]:
    workers = worker_count(jobs, len(files))
    salt = store.salt if store is not None else None
    if workers <= 1:
        compiled = [_compile(path, display, settings, salt) for path, display in files]
        _store(store, compiled)
        return [c for c, _ in compiled]
    _warm_up()
    size = max(1, min(MAX_CHUNK, len(files) // (workers * 8)))
    chunks = [
        [(str(path), display) for path, display in files[i : i + size]]
        for i in range(0, len(files), size)
    ]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list[Compiled] = []
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(settings, salt),
    ) as pool:
        for blobs in pool.map(_compile_chunk, chunks):
            chunk = [(Compiled(result, summary), key) for result, summary, key in blobs]
            _store(store, chunk)
            results.extend(c for c, _ in chunk)
    return results


def _store(store: DocCache | None, compiled: list[tuple[Compiled, str | None]]) -> None:
    if store is not None:
        store.put_many([(key, c.result_blob()) for c, key in compiled if key is not None])


def _warm_up() -> None:
    """Build what every document needs once, before the workers fork."""
    from runbookc.bashtree import parser
    from runbookc.model import DOC_TYPES
    from runbookc.parse import markdown, slugify
    from runbookc.validate import quick_check_for

    markdown()
    slugify()
    parser()
    for doc_type in DOC_TYPES:
        quick_check_for(doc_type)  # and the validator it is compiled from


def _init_worker(settings: Settings, salt: bytes | None) -> None:
    global _worker
    _worker = (settings, salt)


def _compile_chunk(chunk: list[tuple[str, str]]) -> list[tuple[bytes, bytes, str | None]]:
    """The chunk's results and summaries, pickled (the parent unpickles only what it uses:
    lint, the summaries), with their cache keys."""
    assert _worker is not None, "worker not initialised"
    blobs = []
    for path, display in chunk:
        compiled, key = _compile(Path(path), display, *_worker)
        blobs.append((compiled.result_blob(), compiled.summary_blob(), key))
    return blobs


def _compile(
    path: Path, display: str, settings: Settings, salt: bytes | None
) -> tuple[Compiled, str | None]:
    """Compile one file and summarize it, with the cache key of the very bytes that were
    compiled (None when unreadable or uncached), so a file edited meanwhile can never be
    cached under its old content."""
    data = read_source(path)
    result = compile_document(path, display, settings, data)
    key = content_key(salt, display, data) if salt is not None and data is not None else None
    return Compiled(result, summarize(result, settings)), key
