"""A cache restored from elsewhere is untrusted input: nothing in it runs, and a cache that
is tampered with, in the way or locked costs time only. Every run here must say what a
run without the cache says."""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_shipped_project, subprocess_env
from runbookc.engine.blobstore import BlobStore
from test_cache import corpus as corpus  # the fixture
from test_incremental_build import _site

# Subprocess runs wait at most this long: a guard against a hang, not a speed assertion.
HANG_GUARD = 300


class _Trap:
    """Pickled, it touches `marker` when loaded: what a planted payload would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return Path.touch, (self.marker,)


def _plant(cache: Path, marker: Path) -> list[Path]:
    """Replace every file and every SQLite entry under `cache` with a trap; the files."""
    trap = pickle.dumps(_Trap(marker))
    planted = []
    for path in sorted(p for p in cache.rglob("*") if p.is_file()):
        if path.name.endswith(("-wal", "-shm")):
            continue
        if path.name == "entries.sqlite":
            with contextlib.closing(sqlite3.connect(path)) as db, db:
                db.execute("UPDATE entries SET blob = ?", (trap,))
        else:
            path.write_bytes(trap)
        planted.append(path)
    return planted


def test_planted_pickles_in_the_lint_cache_never_run(cli, corpus: Path, tmp_path: Path) -> None:
    reference = cli("lint", "--format", "json", "--no-cache")
    marker = tmp_path / "trap-ran"
    cache = corpus / "build" / "cache"
    cli("lint")
    (cache / "stats").touch()  # written once the files' times have settled (seconds)
    planted = {p.name for p in _plant(cache, marker)}
    assert {"entries.sqlite", "summaries.pack", "stats"} <= planted
    # nothing changed: the stats and the memoized findings are read
    assert cli("lint", "--format", "json").out == reference.out
    _plant(cache, marker)
    (cache / "summaries.pack").unlink()  # so every document's entry is read back
    assert cli("lint", "--format", "json").out == reference.out
    assert not marker.exists()


def test_planted_pickles_in_the_build_caches_never_run(
    tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documents' results, their script drafts included (build/cache), and the site
    memo (build/cache/site): a rebuild over a trapped cache makes what a cold build makes."""
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    marker = tmp_path / "trap-ran"
    assert cli("build").code == 0
    planted = _plant(project / "build" / "cache", marker)
    assert {"cache", "site"} <= {p.parent.name for p in planted}
    assert cli("build").code == 0
    assert cli("build", "--output", "cold").code == 0
    assert _site(project / "build") == _site(project / "cold")
    assert not marker.exists()


def test_an_entry_under_another_key_is_a_miss(cli, corpus: Path) -> None:
    """Valid entries moved to other keys (each document's result under another's key)
    are misses, not another document's findings."""
    reference = cli("lint", "--format", "json", "--no-cache")
    cli("lint")
    cache = corpus / "build" / "cache"
    with contextlib.closing(sqlite3.connect(cache / "entries.sqlite")) as db, db:
        rows = db.execute("SELECT key, blob FROM entries ORDER BY key").fetchall()
        blobs = [blob for _, blob in rows[1:] + rows[:1]]
        moved = [(blob, key) for (key, _), blob in zip(rows, blobs, strict=True)]
        db.executemany("UPDATE entries SET blob = ? WHERE key = ?", moved)
    (cache / "summaries.pack").unlink()
    assert cli("lint", "--format", "json").out == reference.out


def _edit(corpus: Path) -> None:
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[3]
    target.write_text(target.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")


def _lint(corpus: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "runbookc", "lint", "--format", "json"],
        cwd=corpus,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.mark.parametrize("kind", ["symlink loop", "file"])
def test_an_unusable_cache_dir_means_a_run_without_it(cli, corpus: Path, kind: str) -> None:
    reference = cli("lint", "--format", "json", "--no-cache")
    cache = corpus / "build" / "cache"
    cache.parent.mkdir()
    if kind == "file":
        cache.write_text("not a folder")
    else:
        os.symlink("cache", cache)  # build/cache -> build/cache
    done = _lint(corpus)
    assert (done.returncode, done.stdout) == (reference.code, reference.out)
    assert "running without the cache" in done.stderr


@pytest.mark.parametrize(
    "name",
    ["stats", "summaries.pack", "entries.sqlite", "entries.sqlite-wal", "entries.sqlite-shm"],
)
def test_a_fifo_in_place_of_a_cache_file_is_not_waited_for(cli, corpus: Path, name: str) -> None:
    cli("lint")
    _edit(corpus)  # so the run reads the summaries and writes entries
    reference = cli("lint", "--format", "json", "--no-cache")
    fifo = corpus / "build" / "cache" / name
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    done = _lint(corpus)
    assert (done.returncode, done.stdout) == (reference.code, reference.out)


HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def _locked(database: Path):
    """Another process holding the write lock of `database` until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(database)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.wait(timeout=HANG_GUARD)
        holder.stdout.close()


def test_a_cache_locked_by_another_run_is_gone_without(cli, corpus: Path) -> None:
    cli("lint")
    _edit(corpus)
    reference = cli("lint", "--format", "json", "--no-cache")
    with _locked(corpus / "build" / "cache" / "entries.sqlite"):
        done = _lint(corpus)  # an edit: the run has entries to write
    assert (done.returncode, done.stdout) == (reference.code, reference.out)


def test_a_locked_store_is_waited_for_once_per_run(tmp_path: Path) -> None:
    """After one write found the file locked, the process stores nothing more (each write
    would wait for the lock again), even once the lock is gone."""
    database = tmp_path / "entries.sqlite"
    BlobStore(database).put_many([("a", b"1")])
    store = BlobStore(database)
    with _locked(database):
        store.put_many([("b", b"2")])
    store.put_many([("c", b"3")])
    assert BlobStore(database).known(["a", "b", "c"]) == {"a"}


def test_a_forged_pack_entry_too_deep_to_write_is_dropped(cli, corpus: Path) -> None:
    """The pack keeps other paths' summaries as they were read: one nested past what the
    pack's JSON writer takes (no summary runbookc writes is) is dropped, not a traceback."""
    cli("lint")
    pack = corpus / "build" / "cache" / "summaries.pack"
    found = json.loads(pack.read_bytes())
    forged = []
    for _ in range(300):
        forged = [forged]
    found["entries"]["forged-key"] = ["elsewhere.md", forged]
    pack.write_text(json.dumps(found), encoding="utf-8")
    _edit(corpus)  # the pack is written again, with the entries kept from the last one
    done = _lint(corpus)
    assert done.stdout == cli("lint", "--format", "json", "--no-cache").out
    assert "forged-key" not in json.loads(pack.read_bytes())["entries"]
    assert _lint(corpus).stdout == done.stdout  # the pack written reads back
