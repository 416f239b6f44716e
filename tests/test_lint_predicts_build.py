"""Lint clean implies build clean (issue 17, item 6), on every corpus the suite has: the
shipped runbooks and every rule-case folder (tests/cases/rules/<CODE>/{pass,fail}/, with
images, README.md folder indexes, raw HTML anchors, absolute and local-file links, page
conflicts, Hugo shortcodes). A folder added there is covered with no change here.

For each corpus `runbookc lint` runs; when it reports no error, `runbookc build` must
succeed. And the other way round for the rules that predict a failed build: with the
rule ignored, the build of its failing case does fail, so each finding is one the build
would have hit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, CliResult
from runbookc.lint.catalog import RULES

RULE_CASES = sorted(p for p in (ROOT / "tests" / "cases" / "rules").glob("*/*") if p.is_dir())
CORPORA = [ROOT, *RULE_CASES]
# The rules whose findings the strict MkDocs build (or the page paths) would fail on: the
# catalog marks them, and a file cannot silence them (lint/policy.py).
BUILD_FAILS = tuple(r.code for r in RULES if r.breaks_build)
# What rule cases run with when they carry no settings (tests/test_rule_cases.py).
CASE_SETTINGS = '[tool.runbookc]\nsource = "."\n\n[tool.runbookc.paths]\n"docs/ops/" = "ops/"\n'


def _project(corpus: Path, tmp_path: Path, ignore: str = "") -> Path:
    """A copy of `corpus` to build: its settings (or a rule case's defaults), the shipped
    mkdocs.yml, `ignore` added to the ignored rules. Returns its settings file."""
    project = tmp_path / "project"
    if corpus == ROOT:
        for name in ("runbooks", "site", "mkdocs.yml", "pyproject.toml"):
            copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
            copy(ROOT / name, project / name)
    else:
        shutil.copytree(corpus, project, ignore=shutil.ignore_patterns("expected.txt"))
        shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    settings = project / "pyproject.toml"
    text = settings.read_text(encoding="utf-8") if settings.is_file() else CASE_SETTINGS
    if ignore:
        text = text.replace("[tool.runbookc]\n", f'[tool.runbookc]\nignore = ["{ignore}"]\n', 1)
    settings.write_text(text, encoding="utf-8")
    return settings


def _build(cli: Callable[..., CliResult], settings: Path, tmp_path: Path) -> CliResult:
    return cli("build", "--config", str(settings), "--output", str(tmp_path / "out"))


@pytest.mark.parametrize(
    "corpus", CORPORA, ids=lambda p: "shipped" if p == ROOT else f"{p.parent.name}/{p.name}"
)
def test_lint_clean_implies_build_clean(corpus: Path, cli, tmp_path, monkeypatch) -> None:
    settings = _project(corpus, tmp_path)
    monkeypatch.chdir(settings.parent)
    linted = cli("lint", "--config", str(settings))
    assert linted.code in (0, 1), linted.err
    if linted.code == 0:
        built = _build(cli, settings, tmp_path)
        assert built.code == 0, f"lint passed, build failed:\n{built.out}\n{built.err}"
        assert (tmp_path / "out" / "site" / "index.html").is_file()


@pytest.mark.parametrize("code", BUILD_FAILS)
def test_without_the_rule_the_build_fails(code: str, cli, tmp_path, monkeypatch) -> None:
    settings = _project(ROOT / "tests" / "cases" / "rules" / code / "fail", tmp_path, code)
    monkeypatch.chdir(settings.parent)
    assert cli("lint", "--config", str(settings)).code == 0  # its findings were all it had
    built = _build(cli, settings, tmp_path)
    assert built.code == 1
    assert "build failed" in built.err and "build stopped: lint errors" not in built.err
