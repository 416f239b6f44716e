"""`runbookc build` shows its stages and page counts on a terminal, and only its summary in
a pipe, in CI or with --quiet: the build run in a child process with its stderr on a
pseudo-terminal, then on a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env

STAGES = ("lint", "scripts", "render", "site: converting", "site: writing", "publish")
SUMMARY = "built 6 documents: "


def _build(out: Path, *options: str, terminal: bool, ci: bool = False) -> str:
    """stderr of `runbookc build` of the shipped corpus into `out`."""
    env = {k: v for k, v in subprocess_env().items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    argv = [sys.executable, "-m", "runbookc", "build", "--config", str(ROOT / "pyproject.toml")]
    argv += ["--output", str(out), *options]
    if not terminal:
        done = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert child.wait() == 0
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_terminal_shows_stages_and_page_counts(tmp_path: Path) -> None:
    shown = _build(tmp_path / "out", terminal=True)
    positions = [shown.find(f"runbookc: {name}") for name in STAGES]
    assert -1 not in positions, shown
    assert positions == sorted(positions)  # in the order they ran
    pages = shown.split(SUMMARY, 1)[1].split(" pages", 1)[0]  # "80"
    assert f"site: converting: {pages}/{pages} pages" in shown
    assert f"site: writing: {pages}/{pages} pages" in shown
    assert SUMMARY in shown


@pytest.mark.parametrize(
    ("options", "terminal", "ci"),
    [((), False, False), (("--quiet",), True, False), ((), True, True)],
    ids=["pipe", "quiet", "ci"],
)
def test_summary_only_in_a_pipe_in_ci_and_quiet(
    tmp_path: Path, options: tuple[str, ...], terminal: bool, ci: bool
) -> None:
    shown = _build(tmp_path / "out", *options, terminal=terminal, ci=ci)
    assert SUMMARY in shown
    assert "\r" not in shown.replace("\r\n", "\n")  # no line redrawn in place
    assert not any(f"runbookc: {name}" in shown for name in STAGES), shown
