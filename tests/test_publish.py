"""Staging dirs: a killed build's leftovers are removed by the next one, a live one's kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from runbookc.publish import staging


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.skipif(os.name != "posix", reason="process ids are only checked on POSIX")
def test_staging_removes_dirs_of_dead_builds_and_keeps_live_ones(tmp_path: Path) -> None:
    orphan = tmp_path / f".staging-{_dead_pid()}-abc123"
    (orphan / "site").mkdir(parents=True)
    (orphan / "site" / "index.html").write_text("half a build")
    live = tmp_path / f".staging-{os.getppid()}-def456"  # the test runner's parent: alive
    live.mkdir()
    unrelated = tmp_path / ".staging-notes"
    unrelated.mkdir()

    with staging(tmp_path) as stage:
        assert stage.name.startswith(f".staging-{os.getpid()}-")
        assert not orphan.exists()
        assert live.exists() and unrelated.exists()
    assert not stage.exists()
    assert live.exists() and unrelated.exists()
