"""Shared fixtures: the repository root and an in-process CLI runner."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from runbookc.cli import run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "runbooks" / "ops" / "ai_slot_build_runbook.md"


def subprocess_env() -> dict[str, str]:
    """Environment for running `python -m runbookc` in a child process from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "compiler"), env.get("PYTHONPATH")])
    )
    return env


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
