"""Running the per-document stage over many files: in this process for a few, across
worker processes for many.

Each worker compiles chunks of files, summarizes them (corpus.DocSummary), writes their
cache entries itself and sends back the same pickled bytes, so a result is pickled once.
Workers are forked after the parent has built the Markdown parser and the schema
validators, so they start warm (with `spawn` each worker builds its own once). Results
come back in input order, so the output never depends on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from runbookc.cache import DocCache
from runbookc.config import Settings
from runbookc.corpus import Compiled, bulk_allocation, compile_document, summarize
from runbookc.sources import read_source

# A worker pays for itself from about this many documents on (bench/run.py --only
# crossover measures it: a fork costs a few ms, a document about 3 ms).
MIN_DOCS_PER_WORKER = 40
MAX_CHUNK = 64

_worker: tuple[Settings, DocCache | None] | None = None


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
    if workers <= 1:
        return [_compile(path, display, settings, store) for path, display in files]
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
        workers, mp_context=context, initializer=_init_worker, initargs=(settings, store)
    ) as pool:
        for blobs in pool.map(_compile_chunk, chunks):
            results.extend(Compiled(*pair) for pair in blobs)
    return results


def _warm_up() -> None:
    """Build what every document needs once, before the workers fork."""
    from runbookc.bashtree import parser
    from runbookc.model import DOC_TYPES
    from runbookc.parse import markdown, slugify
    from runbookc.validate import validator_for

    markdown()
    slugify()
    parser()
    for doc_type in DOC_TYPES:
        validator_for(doc_type)


def _init_worker(settings: Settings, store: DocCache | None) -> None:
    global _worker
    _worker = (settings, store)


def _compile_chunk(chunk: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """The chunk's results and summaries, pickled: the parent unpickles only what it uses
    (lint, the summaries)."""
    assert _worker is not None, "worker not initialised"
    settings, store = _worker
    blobs = []
    for path, display in chunk:
        compiled = _compile(Path(path), display, settings, store)
        blobs.append((compiled.result_blob(), compiled.summary_blob()))
    return blobs


def _compile(path: Path, display: str, settings: Settings, store: DocCache | None) -> Compiled:
    """Compile one file, summarize it and cache the result; the key is taken from the very
    bytes that were compiled, so a file edited meanwhile can never be cached under its old
    content."""
    data = read_source(path)
    result = compile_document(path, display, settings, data)
    compiled = Compiled(result, summarize(result, settings))
    if store is not None and data is not None:
        store.put(store.key(display, data), compiled.result_blob())
    return compiled
