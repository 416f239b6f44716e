"""Time the per-document stages (load, parse, validate, the scripts' static checks) on
hostile inputs, in process, and the peak memory of a forked process doing it once.

Usage: PYTHONPATH=compiler python bench/load_limits.py [--repeat N]

Prints the best of N wall-clock times per input, each in a fresh forked process, with
its peak RSS (the parent's pages it touched included). Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from runbookc import limits
from runbookc.config import Settings
from runbookc.engine.corpus import compile_document

SETTINGS = Settings(root=Path.cwd())

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
    limit = limits.MAX_FILE_BYTES - len(HEAD) - 1
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
        "1 MB bash block": body(bash_block(1024 * 1024)),
        "2 MB table of 1-character cells": body(table(limit)),
        "20,000 identical headings": body("## Same\n\ntext\n\n" * 20_000),
    }


def bash_block(size: int) -> str:
    lines = (f'kubectl -n ns get pods -l app=x{n} | grep -E "a|b"\n' for n in range(size))
    text = "".join(next(lines) for _ in range(size // 50))  # distinct: nothing cached
    return "## Diagnosis\n\n```bash\n" + text + "```\n"


def table(size: int) -> str:
    row = "|" + "x|" * 40 + "\n"
    return ("|" + "-|" * 40 + "\n").join([row, row * (size // len(row) - 3)])


def run(data: bytes) -> int:
    return len(compile_document(Path("bench.md"), "bench.md", SETTINGS, data).diagnostics)


def measure(data: bytes) -> tuple[float, int]:
    """(seconds, peak RSS in KB) of a forked child that runs the stages on `data` once:
    each run starts with the parent's empty caches (the stages memoize parsed blocks)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        start = time.perf_counter()
        run(data)
        os.write(write, repr(time.perf_counter() - start).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        seconds = float(pipe.read())
    return seconds, os.wait4(pid, 0)[2].ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    run(body("# Warm-up\n\n```bash\nls\n```\n"))  # imports, parsers: not in the figures
    for name, data in inputs().items():
        seconds, peak = min(measure(data) for _ in range(args.repeat))
        print(
            f"{name:32} {len(data) / 1e6:7.2f} MB {seconds * 1000:9.1f} ms "
            f"{peak / 1024:7.0f} MB RSS  {run(data)} diagnostics"
        )


if __name__ == "__main__":
    main()
