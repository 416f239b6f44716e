"""Shared fixtures: the repository root, a copy of it to run commands in, an in-process
CLI runner, and the sandbox gate; and the check that the tests wrote nothing into the
repository (they write only under temp dirs).

Tests that run blocks need bubblewrap: without a working `bwrap` they skip, unless
RUNBOOKC_REQUIRE_SANDBOX=1 (set by .ci/run), where that is a failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from runbookc.cli import run
from runbookc.commands.serve import preview_site
from runbookc.config import Settings
from runbookc.render.preview import Preview
from runbookc.scripts.isolation import IsolationUnavailable, bwrap_binary, host_copies, isolated

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "runbooks" / "ops" / "ai_slot_build_runbook.md"

# What commands run "in the project" read: the settings, the sources, the site's parts,
# the case files tests name by their repository path.
PROJECT_INPUTS = (
    "pyproject.toml",
    "mkdocs.yml",
    ".pre-commit-hooks.yaml",
    "runbooks",
    "site",
    "tests/cases",
    "tests/golden/report",
)
# Not the tests' doing: the venv, git, and what the interpreter and the tools cache.
_NOT_WRITTEN_BY_TESTS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".hypothesis",
}
# Where the browser test keeps its screenshots when RUNBOOKC_TEST_ARTIFACTS names it (CI
# does; git ignores build/): written on purpose, so not a stray write.
ARTIFACTS = "build/test-artifacts"
_BEFORE = pytest.StashKey[dict[str, int]]()


def _repository_files() -> dict[str, int]:
    """Every file and link in the repository (but the above) with its mtime."""
    found: dict[str, int] = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [
            d
            for d in dirs
            if d not in _NOT_WRITTEN_BY_TESTS
            and os.path.relpath(os.path.join(folder, d), ROOT) != ARTIFACTS
        ]
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, ROOT)] = os.lstat(path).st_mtime_ns
    return found


def copy_shipped_project(tmp_path: Path) -> Path:
    """`tmp_path/project`: a copy of this repository's corpus with its settings, mkdocs.yml
    and hand-written site files, to build without writing into the repository."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, project / name)
    for name in ("runbooks", "site"):
        shutil.copytree(ROOT / name, project / name)
    return project


def pytest_sessionstart(session: pytest.Session) -> None:
    # RUNBOOKC_UPDATE_GOLDEN=1 rewrites tests/golden on purpose.
    if os.environ.get("RUNBOOKC_UPDATE_GOLDEN") != "1":
        session.config.stash[_BEFORE] = _repository_files()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run when a test created, changed or deleted a file in the repository."""
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    after = _repository_files()
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if changed:
        shown = "\n  ".join(changed[:20]) + ("\n  ..." if len(changed) > 20 else "")
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = f"the tests wrote into the repository (use tmp_path):\n  {shown}"
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def subprocess_env() -> dict[str, str]:
    """Environment for running `python -m runbookc` in a child process from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "compiler"), env.get("PYTHONPATH")])
    )
    return env


def require_sandbox() -> None:
    """Skip the calling test where bwrap cannot isolate runs (fail if CI requires it)."""
    try:
        bwrap_binary()
    except IsolationUnavailable as exc:
        if os.environ.get("RUNBOOKC_REQUIRE_SANDBOX") == "1":
            pytest.fail(f"{exc} (RUNBOOKC_REQUIRE_SANDBOX=1)", pytrace=False)
        pytest.skip(str(exc))


@pytest.fixture
def sandboxed() -> None:
    require_sandbox()


def run_isolated(
    argv: list[str],
    *,
    work: Path,
    kubectl_stub: Path,
    env: dict[str, str],
    cwd: Path,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a generated script's command line inside bubblewrap: the host read-only but for
    `work`, no network, and `kubectl_stub` mounted over every host copy of kubectl, so
    no word of a block reaches the real one. `timeout`: a generous bound for a run that
    could hang (bwrap's --die-with-parent ends the sandbox with it)."""
    mounts = [(str(kubectl_stub), c) for c in host_copies("kubectl", os.environ["PATH"])]
    command = isolated(
        bwrap_binary(), argv, writable=[str(work)], read_only=[], mounts=mounts, chdir=str(cwd)
    )
    return subprocess.run(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    def invoke(*argv: str) -> CliResult:
        code = run(list(argv))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


@pytest.fixture(scope="session", autouse=True)
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the project's inputs (PROJECT_INPUTS) in a temp dir, the working dir of
    the whole session: tests run in the project's root, as `make test` does, so its
    settings apply and paths show as in the repository (`runbooks/ops/x.md`), but what a
    command writes by default (its cache under build/) lands in a temp dir."""
    root = tmp_path_factory.mktemp("project")
    for name in PROJECT_INPUTS:
        source, target = ROOT / name, root / name
        if source.is_dir():
            shutil.copytree(source, target, symlinks=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        yield root


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch, project_copy: Path) -> Path:
    """The project's root (its copy) as the working dir, for a test that depends on it."""
    monkeypatch.chdir(project_copy)
    return project_copy


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`runbookc build` of the shipped corpus into a temp output dir, once per session."""
    out = tmp_path_factory.mktemp("build")
    code = run(["build", "--config", str(ROOT / "pyproject.toml"), "--output", str(out)])
    assert code == 0, "runbookc build of the shipped corpus failed"
    return out


def make_preview(settings: Settings) -> Preview:
    """The preview `runbookc serve` makes."""
    return Preview(settings, lambda: preview_site(settings))
