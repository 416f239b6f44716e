"""Time `scripts.draft.draft_scripts` alone: the per-document script analysis (tree-sitter-bash
parse, units, commands, classification) that `runbookc lint` runs in its workers.

Usage: PYTHONPATH=compiler python bench/findings.py CORPUS [--repeat N]

CORPUS is a folder made by bench/generate.py (its pyproject.toml gives the settings). The
documents are loaded and parsed once; each run then forks a fresh process, as lint forks
its workers, so every run starts with empty per-process caches (parse_block's among them).
Prints the CPU time (user+sys of the run's process) of each run, their best and median.
Not a test: numbers depend on the machine and its load; compare runs made side by side.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from runbookc.config import Settings, load_settings
from runbookc.model import Document
from runbookc.pipeline.load import load_bytes
from runbookc.pipeline.parse import parse_body
from runbookc.scripts.bashtree import parser
from runbookc.scripts.draft import draft_scripts

# Set before the runs fork; each run reads its copy.
_corpus: tuple[list[Document], Settings] | None = None


def load(folder: Path) -> list[Document]:
    documents = []
    for path in sorted(folder.rglob("*.md")):
        document, _ = load_bytes(path.read_bytes(), str(path.relative_to(folder)))
        if document is not None:
            documents.append(
                replace(document, parsed=parse_body(document.body, document.body_line))
            )
    return documents


def _run() -> tuple[float, int]:
    """CPU seconds of draft_scripts over the corpus, and the diagnostics it gave."""
    assert _corpus is not None
    documents, settings = _corpus
    started = time.process_time()
    found = sum(len(draft_scripts(document, settings)[1]) for document in documents)
    return time.process_time() - started, found


def main() -> None:
    global _corpus
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("corpus", type=Path)
    arguments.add_argument("--repeat", type=int, default=5)
    args = arguments.parse_args()
    folder = args.corpus.resolve()
    os.chdir(folder)  # document paths and settings as `runbookc lint` run there sees them
    _corpus = (load(folder), load_settings())
    parser()  # built before lint forks its workers too
    context = multiprocessing.get_context("fork")
    times = []
    for _ in range(args.repeat):
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            seconds, found = pool.submit(_run).result()
        times.append(seconds)
        print(f"draft_scripts: {seconds:.3f} s CPU ({found} diagnostics)")
    print(
        f"{len(_corpus[0])} documents: best {min(times):.3f} s, "
        f"median {statistics.median(times):.3f} s"
    )


if __name__ == "__main__":
    main()
