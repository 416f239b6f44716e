"""Shared fixtures: the repository root, an in-process CLI runner, and the sandbox gate.

Tests that run blocks need bubblewrap: without a working `bwrap` they skip, unless
RUNBOOKC_REQUIRE_SANDBOX=1 (set by .ci/run), where that is a failure."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from runbookc.cli import run
from runbookc.commands.serve import preview_site
from runbookc.config import Settings
from runbookc.render.preview import Preview
from runbookc.scripts.isolation import IsolationUnavailable, bwrap_binary

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "runbooks" / "ops" / "ai_slot_build_runbook.md"


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


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`runbookc build` of the shipped corpus into a temp output dir, once per session."""
    out = tmp_path_factory.mktemp("build")
    code = run(["build", "--config", str(ROOT / "pyproject.toml"), "--output", str(out)])
    assert code == 0, "runbookc build of the shipped corpus failed"
    return out


def make_preview(settings: Settings) -> Preview:
    """The preview `runbookc serve` makes."""
    return Preview(settings, lambda scripts: preview_site(settings, scripts))
