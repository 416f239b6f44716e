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

from runbookc.commands.wiring import extract_targets
from runbookc.config import load_settings
from runbookc.pipeline.corpus import documents as documents_of
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.sandbox import run_sandbox
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellcheck import check_scripts
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.symptoms import symptom_lines


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
    extracted = extract_targets([], settings)
    documents = documents_of(extracted.corpus)
    scripts = extracted.scripts
    blocks = len(scripts)

    def plan() -> None:
        for document in documents:
            plan_scripts(document, settings)

    cold = best(args.repeat, plan, parse_block.cache_clear)
    warm = best(args.repeat, plan)
    print(f"{len(documents)} documents, {blocks} scripts")
    print(f"plan, cold parse cache: {cold:.3f} s ({cold / blocks * 1000:.1f} ms a script)")
    print(f"plan, warm parse cache: {warm:.3f} s ({warm / blocks * 1000:.1f} ms a script)")
    with tempfile.TemporaryDirectory() as tmp:
        static = best(args.repeat, lambda: check_scripts(scripts, Path(tmp)))
    print(f"bash -n + shellcheck:   {static:.3f} s ({static / blocks * 1000:.0f} ms a script)")
    config = script_settings(settings)
    symptoms = {d.doc_id: [t for t, _, _ in symptom_lines(d, config)] for d in documents}
    sandbox = best(args.repeat, lambda: run_sandbox(scripts, config, symptoms))
    print(f"sandbox, 3 scenarios:   {sandbox:.3f} s ({sandbox / blocks * 1000:.0f} ms a script)")


if __name__ == "__main__":
    main()
