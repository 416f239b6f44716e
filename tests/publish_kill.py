"""Stop publishing just before its K-th file system step, as a kill would.

    python publish_kill.py K ARGS...

runs `runbookc ARGS...` and SIGKILLs it there; when publishing takes K steps or fewer,
runbookc finishes and this exits with its status (a kill shows as -SIGKILL to the parent).
Tests that publish in-process call `stop_at` with a `stop` that raises `Killed`.

The steps counted are the calls that change the output dir (`STEPS`, and `shutil.rmtree`
as one step or as the steps it makes) while `Generation.publish` runs.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable
from typing import Any

from runbookc.engine.publish import Generation

STEPS = ("mkdir", "rename", "replace", "rmdir", "symlink", "unlink")

Patch = Callable[[Any, str, Any], None]  # setattr, or pytest's monkeypatch.setattr


class Killed(BaseException):
    """A kill, in-process: no `except Exception` or `except OSError` stops it."""


def stop_at(limit: int, stop: Callable[[], None], patch: Patch, whole_rmtree: bool) -> None:
    count = 0
    counting = False

    def step(real: Callable[..., Any], inner_steps: bool) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            nonlocal count, counting
            if not counting:
                return real(*args, **kwargs)
            if count == limit:
                stop()
            count += 1
            counting = inner_steps
            try:
                return real(*args, **kwargs)
            finally:
                counting = True

        return counted

    for name in STEPS:
        patch(os, name, step(getattr(os, name), inner_steps=False))
    patch(shutil, "rmtree", step(shutil.rmtree, inner_steps=not whole_rmtree))
    publish = Generation.publish

    def publish_counted(self: Generation, names: Any) -> None:
        nonlocal counting
        counting = True
        try:
            publish(self, names)
        finally:
            counting = False

    patch(Generation, "publish", publish_counted)


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    from runbookc.cli import run

    stop_at(int(sys.argv[1]), _kill, setattr, whole_rmtree=True)
    sys.exit(run(sys.argv[2:]))
