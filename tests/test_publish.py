"""Staging dirs: a killed build's leftovers are removed by the next one, a live one's kept;
many new files are written across threads with the exact bytes and permissions asked for;
publishing a build is atomic, wherever the build is killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_shipped_project, subprocess_env
from publish_kill import Killed, stop_at
from runbookc.cli import run
from runbookc.engine.incremental import load_state
from runbookc.engine.publish import (
    FILES_PER_THREAD,
    GENERATIONS,
    MARKER,
    Generation,
    new_generation,
    staging,
    write_new,
)
from test_site_build import _snapshot


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


# Publishing a build is one rename: whatever step a build is killed at, the output is all
# of the old build or all of the new one, and the next build succeeds.

# MkDocs stamps the build date; the state records the docs' mtimes (_state_describes_docs).
STAMPED = ("site/sitemap.xml", "site/sitemap.xml.gz", ".render-state.json")
SEED_PAGE = "ops/ai_slot_build_runbook.md"
KILLER = Path(__file__).parent / "publish_kill.py"


def _published(out: Path) -> dict[str, str]:
    return {k: v for k, v in _snapshot(out).items() if k not in STAMPED}


def _state_describes_docs(out: Path) -> bool:
    """The render state read through the output dir is the one written with its docs:
    every page it records has the size and mtime it recorded (render/incremental.py)."""
    pages = load_state(out)
    for page, recorded in pages.items():
        stat = (out / "docs" / page).stat()
        if (stat.st_size, stat.st_mtime_ns) != (recorded["size"], recorded["mtime_ns"]):
            return False
    return bool(pages)


def _edit_seed(project: Path) -> None:
    """An edit that changes a page, its HTML and a script."""
    path = project / "runbooks" / SEED_PAGE
    text = path.read_text(encoding="utf-8")
    edited = text.replace("get pods,job -o wide", "get pods,job,svc -o wide", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def _build_in_child(project: Path) -> None:
    argv = ["build", "--config", str(project / "pyproject.toml")]
    command = [sys.executable, "-m", "runbookc", *argv]
    done = subprocess.run(command, capture_output=True, env=subprocess_env(), check=False)
    assert done.returncode == 0, done.stderr.decode()


def _build_in_process(project: Path, out: str = "build") -> None:
    code = run(["build", "--config", str(project / "pyproject.toml"), "--output", out])
    assert code == 0


def test_a_build_killed_at_any_publishing_step_leaves_the_old_or_the_new_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    build, saved = project / "build", tmp_path / "saved"
    for _ in range(2):  # two generations (of processes gone): the next build deletes one
        _build_in_child(project)
    old = _published(build)
    shutil.copytree(build, saved, symlinks=True)  # copies keep their mtimes
    _edit_seed(project)
    _build_in_process(project, str(tmp_path / "reference"))
    new = _published(tmp_path / "reference")
    for tree in ("docs/", "site/", "scripts/"):
        changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        assert any(k.startswith(tree) for k in changed), tree

    seen = []
    for step in range(100):
        shutil.rmtree(build)
        shutil.copytree(saved, build, symlinks=True)
        argv = ["build", "--config", str(project / "pyproject.toml")]
        done = subprocess.run(
            [sys.executable, str(KILLER), str(step), *argv],
            capture_output=True,
            env=subprocess_env(),
            check=False,
        )
        if done.returncode == 0:
            break  # publishing took fewer steps than this: it finished
        assert done.returncode == -signal.SIGKILL, done.stderr.decode()
        after_kill = _published(build)
        assert after_kill in (old, new), f"killed before step {step}: a mix of old and new"
        assert _state_describes_docs(build)
        seen.append("new" if after_kill == new else "old")
        _build_in_process(project)  # the next build succeeds and repairs what was left
        assert _published(build) == new
        assert len(list((build / ".gen").iterdir())) <= 2  # current and the one it replaced
    else:
        pytest.fail("publishing never finished")
    assert _published(build) == new
    assert "old" in seen and "new" in seen, seen  # kills before and after the switch


NAMES = ("docs", "site", "scripts", ".render-state.json")


def _write_output(folder: Path, build_id: str) -> None:
    """A small stand-in for a build's output, every file saying which build wrote it."""
    for name in NAMES[:-1]:
        (folder / name / "sub").mkdir(parents=True)
        for file in ("a", "sub/b"):
            (folder / name / file).write_text(build_id, encoding="utf-8")
    (folder / NAMES[-1]).write_text(build_id, encoding="utf-8")


def _builds_seen(out: Path) -> set[str | None]:
    """Which build each published name shows (None: the name shows nothing)."""
    seen: set[str | None] = set()
    for name in NAMES:
        path = out / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        seen |= {p.read_text(encoding="utf-8") for p in files} if path.exists() else {None}
    return seen


def _publish(out: Path, build_id: str) -> None:
    with new_generation(out) as generation:
        _write_output(generation.path, build_id)
        generation.publish(NAMES)


@pytest.mark.parametrize("layout", ["generations", "before-generations"])
def test_publishing_stopped_at_any_step_never_mixes_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """Every step, those inside deleting an old generation too. From the layout before
    generations (real dirs) the first publish moves them away one by one: a name may show
    nothing for a while, but never the new build beside the old one."""
    saved = tmp_path / "saved"
    if layout == "generations":
        for build_id in ("older", "old"):
            _publish(saved, build_id)
    else:
        _write_output(saved, "old")
        (saved / MARKER).write_text("", encoding="utf-8")
    seen = set()
    for step in range(1000):
        out = tmp_path / f"out-{step}"
        shutil.copytree(saved, out, symlinks=True)
        generation = Generation(out, out / GENERATIONS / f"{os.getpid()}-new")
        generation.path.mkdir(parents=True)
        _write_output(generation.path, "new")
        with monkeypatch.context() as patch:
            stop_at(step, _raise_killed, patch.setattr, whole_rmtree=False)
            try:
                generation.publish(NAMES)
                break
            except Killed:
                pass
        shown = _builds_seen(out)
        assert shown in ({"old"}, {"new"}, {"old", None}, {None}), (step, shown)
        seen.add(frozenset(shown))
        _publish(out, "next")  # the next build succeeds and repairs what was left
        assert _builds_seen(out) == {"next"}
        assert all(os.readlink(out / name) == f"current/{name}" for name in NAMES)
        assert len(list((out / GENERATIONS).iterdir())) <= 2  # current and the one replaced
    else:
        pytest.fail("publishing never finished")
    assert _builds_seen(out) == {"new"}
    assert {"old"} in seen and {"new"} in seen, seen
    assert step > 10  # the steps inside deleting an old generation were counted too


def _raise_killed() -> None:
    raise Killed


def test_publishing_keeps_the_replaced_generation_and_deletes_older_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    names = []
    for build_id in ("first", "second", "third"):
        _publish(out, build_id)
        names.append(os.readlink(out / "current"))
    assert _builds_seen(out) == {"third"}
    assert sorted(f"{GENERATIONS}/{p.name}" for p in (out / GENERATIONS).iterdir()) == sorted(
        names[1:]
    )


def test_links_in_the_output_dir_are_replaced_never_followed(tmp_path: Path) -> None:
    """A `current` or `site` link leading out of the output dir (a restored CI cache, say)
    is replaced by publishing; what it led to is neither read nor deleted."""
    victim = tmp_path / "victim"
    _write_output(victim, "victim")
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    (out / "current").symlink_to(victim)
    (out / "site").symlink_to(victim / "site")
    for _ in range(3):
        _publish(out, "new")
    assert _builds_seen(out) == {"new"}
    assert _builds_seen(victim) == {"victim"}


def test_build_refuses_a_generations_dir_it_did_not_make(cli, in_root, tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "123-keep").write_text("not runbookc's", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("", encoding="utf-8")
    (out / GENERATIONS).symlink_to(elsewhere)
    result = cli("build", "--output", str(out))
    assert result.code == 2
    assert f"{GENERATIONS} there is not a directory runbookc made" in result.err
    assert [p.name for p in elsewhere.iterdir()] == ["123-keep"]
