"""Verdicts of the per-script checks (bash -n, ShellCheck, the sandbox runs), reused across
runs: a check's findings are a function of the script, the check's other inputs and the
tools that run it, so a run looks each script up by a digest of all of them and runs the
check only on the scripts it does not find.

The stages only compute keys and ask a `Verdicts` store; the engine keeps the entries
(engine/verdicts.py), salted with the compiler and the settings. A key covers every field
of the script (its text, its runbook path and line map: the findings name them), so a
verdict is only ever reused for the very script it came from.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Callable, Sequence
from functools import cache
from typing import Protocol

from runbookc.diagnostics import Diagnostic
from runbookc.scripts.script import Script


class Verdicts(Protocol):
    """A store of verdicts by key (engine/verdicts.VerdictStore)."""

    def get_many(self, keys: list[str]) -> dict[str, list[Diagnostic]]: ...

    def put_many(self, verdicts: dict[str, list[Diagnostic]]) -> None: ...


# A check's findings for one script, and whether they may be kept: not when they tell of
# the run rather than the script (a tool that failed, a run that timed out).
Verdict = tuple[list[Diagnostic], bool]
# A check of many scripts: one verdict per script, in order.
Check = Callable[[list[Script]], list[Verdict]]


def verdict_key(check: str, script: Script, *inputs: str) -> str:
    """The digest of the check's name, every field of `script` (a frozen dataclass of
    strings, numbers and tuples: its repr is its content) and the check's other inputs."""
    digest = hashlib.sha256()
    for part in (check, repr(script), *inputs):
        data = part.encode("utf-8", "surrogateescape")
        digest.update(f"{len(data)}:".encode() + data)
    return digest.hexdigest()


def checked(
    scripts: Sequence[Script], keys: list[str], run: Check, store: Verdicts | None
) -> list[list[Diagnostic]]:
    """Each script's findings: from `store` where it has the script's key, else from `run`
    on the others (once per key), whose verdicts that may be kept are then stored."""
    hits = store.get_many(list(dict.fromkeys(keys))) if store is not None else {}
    todo: dict[str, int] = {}  # key -> the first script with it
    for i, key in enumerate(keys):
        if key not in hits:
            todo.setdefault(key, i)
    verdicts = run([scripts[i] for i in todo.values()]) if todo else []
    fresh = dict(zip(todo, verdicts, strict=True))
    if store is not None:
        kept = {key: found for key, (found, keep) in fresh.items() if keep}
        if kept:
            store.put_many(kept)
    return [hits[key] if key in hits else fresh[key][0] for key in keys]


@cache
def tool_versions(*tools: str) -> str:
    """What identifies the tools a check runs: each one's path, size, modification time
    and `--version` output (a tool that is missing or fails says so)."""
    parts = []
    for tool in tools:
        real = os.path.realpath(tool)
        try:
            info = os.stat(real)
            done = subprocess.run(
                [real, "--version"], capture_output=True, text=True, timeout=30, check=False
            )
            parts.append(f"{real} {info.st_size} {info.st_mtime_ns} {done.stdout.strip()}")
        except (OSError, subprocess.SubprocessError) as exc:
            parts.append(f"{real} unusable: {exc}")
    return "\n".join(parts)


def file_signatures(paths: Sequence[str]) -> str:
    """Path, size and modification time of each file (a tool the sandbox runs for real)."""
    parts = []
    for path in paths:
        try:
            info = os.stat(path)
            parts.append(f"{path} {info.st_size} {info.st_mtime_ns}")
        except OSError:
            parts.append(f"{path} missing")
    return "\n".join(parts)
