"""Time the loader (and the body parser) on hostile inputs, in process.

Usage: PYTHONPATH=compiler python bench/load_limits.py [--repeat N]

Prints the best of N wall-clock times per input. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from runbookc.pipeline import load
from runbookc.pipeline.load import load_bytes
from runbookc.pipeline.parse import parse_body

HEAD = """---
doc_id: RP-BENCH-LOAD-0001
type: rollback_plan
title: Bench
status: active
owner_role: SRE
created_at: 2026-02-26
updated_at: 2026-02-26
---

"""


def alias_bomb(levels: int, width: int) -> bytes:
    lines = ["---", "l0: &l0 [lol]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels)]
    return ("\n".join([*lines, "---", ""])).encode()


def body(text: str) -> bytes:
    return (HEAD + text).encode()


def inputs() -> dict[str, bytes]:
    limit = load.MAX_FILE_BYTES - len(HEAD) - 1
    return {
        "alias bomb 9x9": alias_bomb(9, 9),
        "alias bomb 30x30": alias_bomb(30, 30),
        "10 MB file": body("x" * 10 * 1024 * 1024),
        "100k-character line": body("y" * 100_000),
        "front matter [[[...]]] x9000": HEAD.replace(
            "status: active", "tags: " + "[" * 9_000 + "]" * 9_000
        ).encode(),
        "body 2 MB of prose": body(("Check the pods, then the logs.\n\n" * 70_000)[:limit]),
        "body 200 KB of [": body("\n".join(["[" * 19_000] * 10)),
    }


def run(data: bytes) -> int:
    document, diags = load_bytes(data, "bench.md")
    if document is not None:
        parse_body(document.body, document.body_line)
    return len(diags)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name, data in inputs().items():
        seconds = best(lambda data=data: run(data), args.repeat)
        size = len(data) / 1e6
        print(f"{name:32} {size:7.2f} MB {seconds * 1000:9.1f} ms  {run(data)} diagnostics")


if __name__ == "__main__":
    main()
