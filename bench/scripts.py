"""Time the script stages on the shipped corpus, in process.

Usage: PYTHONPATH=compiler python bench/scripts.py [--repeat N]

Prints the best of N wall-clock times: planning (tree-sitter-bash parse, classification, render)
with a cold and a warm parse cache, bash -n + shellcheck, and the sandbox runs.
Not a test: numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from runbookc.config import load_settings
from runbookc.scripts.extract import plan_corpus
from runbookc.scripts.run import gather
from runbookc.scripts.sandbox import run_sandbox
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellcheck import check_scripts
from runbookc.scripts.shellparse import parse_block


def best(
    repeat: int, work: Callable[[], object], before: Callable[[], object] = lambda: None
) -> float:
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings()
    gathered = gather([], settings)
    documents = gathered.corpus.documents
    scripts = gathered.scripts
    blocks = len(scripts)
    cold = best(args.repeat, lambda: plan_corpus(documents, settings), parse_block.cache_clear)
    warm = best(args.repeat, lambda: plan_corpus(documents, settings))
    print(f"{len(documents)} documents, {blocks} scripts")
    print(f"plan, cold parse cache: {cold:.3f} s ({cold / blocks * 1000:.1f} ms a script)")
    print(f"plan, warm parse cache: {warm:.3f} s ({warm / blocks * 1000:.1f} ms a script)")
    with tempfile.TemporaryDirectory() as tmp:
        static = best(args.repeat, lambda: check_scripts(scripts, Path(tmp)))
    print(f"bash -n + shellcheck:   {static:.3f} s ({static / blocks * 1000:.0f} ms a script)")
    config = script_settings(settings)
    sandbox = best(args.repeat, lambda: run_sandbox(scripts, config, gathered.symptoms))
    print(f"sandbox, 3 scenarios:   {sandbox:.3f} s ({sandbox / blocks * 1000:.0f} ms a script)")


if __name__ == "__main__":
    main()
