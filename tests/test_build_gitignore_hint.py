"""`runbookc build` writes nothing into .gitignore (that is `runbookc init`'s job), but says
so in one line when git would track its output dir."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

HINT = "runbookc: hint: git does not ignore build/; add it to .gitignore\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("runbooks", "site"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_output_dir_git_would_track_gets_a_hint(project: Path, cli) -> None:
    outside = cli("build")  # not a git work tree: nothing to say
    assert outside.code == 0 and "hint: git" not in outside.err
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    tracked = cli("build")
    assert tracked.code == 0 and tracked.err.endswith(HINT)
    assert not (project / ".gitignore").exists()
    (project / ".gitignore").write_text("/build/\n")
    ignored = cli("build")
    assert ignored.code == 0 and "hint: git" not in ignored.err


def test_without_settings_a_folder_of_a_repository_builds_into_its_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    """No settings file: run in a folder of a git repository, the folder is the source and
    the repository's build/ the output (the site config is the repository's too)."""
    (tmp_path / ".git").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(
        ROOT / "tests" / "cases" / "rules" / "RB201" / "pass" / "ops", tmp_path / "team"
    )
    monkeypatch.chdir(tmp_path / "team")
    result = cli("build")
    assert result.code == 0, result.err
    assert (tmp_path / "build" / "site" / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "team").iterdir()) == ["a.md", "b.md"]


def test_without_settings_the_working_dir_cannot_hold_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    shutil.copytree(ROOT / "tests" / "cases" / "rules" / "RB201" / "pass" / "ops", tmp_path / "ops")
    monkeypatch.chdir(tmp_path)
    result = cli("build")
    assert result.code == 2
    assert "overlaps the sources" in result.err
    assert 'name the documents\' folder in a runbookc.toml here (source = "DIR")' in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ops"]
