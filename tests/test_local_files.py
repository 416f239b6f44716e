"""Links and images to local files that are not documents (issue 15, item 18): the site
publishes none of them, so lint reports each at its line (RB211) and the build, which
would fail on them in MkDocs, stops at lint. A local SVG never reaches the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

CASE = ROOT / "tests" / "cases" / "rules" / "RB211" / "fail"
FOUND = [("runbooks/ops/a.md", line) for line in (19, 21, 21, 23)]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(CASE / "ops", tmp_path / "runbooks" / "ops")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)

    def configure(extra: str = "") -> Path:
        (tmp_path / "pyproject.toml").write_text(
            f'[tool.runbookc]\nsource = "runbooks"\noutput = "out"\n{extra}\n', encoding="utf-8"
        )
        return tmp_path

    configure()
    return configure


def test_lint_reports_each_local_file_at_its_line(cli, project) -> None:
    result = cli("lint", "--format", "json")
    found = [(d["path"], d["line"]) for d in result.json()["diagnostics"] if d["code"] == "RB211"]
    assert result.code == 1 and found == FOUND
    svg = [d for d in result.json()["diagnostics"] if "diagram.svg" in d["message"]]
    assert "SVG can run script" in svg[0]["message"]


def test_build_stops_at_lint_and_publishes_no_svg(cli, project) -> None:
    result = cli("build")
    assert result.code == 1
    assert "build stopped: lint errors" in result.err
    assert not list(project().rglob("out/**/*.svg"))


def test_without_the_rule_mkdocs_fails_on_the_same_links(cli, project) -> None:
    """What RB211 predicts: the strict MkDocs build fails on exactly these links."""
    project('ignore = ["RB211"]')
    result = cli("build")
    assert result.code == 1
    failed = [line for line in result.err.splitlines() if line.startswith("mkdocs: warning")]
    assert len(failed) == len(FOUND)
    for target in ("diagram.svg", "../exports/board.json", "../exports/", "img/photo.png"):
        assert any(f"'{target}'" in line for line in failed), target
    assert not list(project().rglob("out/**/*.svg"))
