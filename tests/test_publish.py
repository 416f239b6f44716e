"""Staging dirs: a killed build's leftovers are removed by the next one, a live one's kept;
many new files are written across threads with the exact bytes and permissions asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from runbookc.publish import FILES_PER_THREAD, staging, write_new


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


@pytest.mark.parametrize("count", [3, FILES_PER_THREAD * 3 + 7], ids=["one-thread", "threads"])
def test_write_new_writes_every_file_with_its_bytes_and_mode(tmp_path: Path, count: int) -> None:
    old = os.umask(0o077)  # the modes asked for win over the umask
    try:
        files = [
            (
                tmp_path / f"doc-{i % 13}" / f"{i:04d}.sh",
                f"echo {i}\n".encode(),
                0o755 - i % 2 * 0o111,
            )
            for i in range(count)
        ]
        write_new(files)
    finally:
        os.umask(old)
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(path for path, _, _ in files)
    for path, data, mode in files:
        assert path.read_bytes() == data
        if os.name == "posix":
            assert path.stat().st_mode & 0o777 == mode
