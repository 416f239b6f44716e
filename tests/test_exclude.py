"""Discovery leaves out what is not a document: the default excludes (project docs, Hugo's
section pages and archetypes, vendored packages), the `exclude` setting, the repository's
.gitignore files and the output dir; a file named on the command line that is excluded is
skipped with a note; a link to an excluded file says why it is not on the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

DOCS = ROOT / "tests" / "cases" / "rules" / "RB201" / "pass" / "ops"  # two clean documents
NOT_A_DOCUMENT = "# Notes\n\nNo front matter here.\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository (runbookc.toml: sources in runbooks/) with two documents and,
    around them, Markdown files that are not documents."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "runbookc.toml").write_text('source = "runbooks"\n')
    source = tmp_path / "runbooks"
    shutil.copytree(DOCS, source / "ops")
    for name in (
        "README.md",
        "ops/CONTRIBUTING.md",
        "ops/_index.md",
        "archetypes/default.md",
        "ops/node_modules/pkg/readme.md",
    ):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(NOT_A_DOCUMENT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def linted(cli, *argv: str) -> tuple[int, int, str]:
    """(exit code, documents, stderr) of `runbookc lint`."""
    result = cli("lint", "--format", "json", *argv)
    return result.code, result.json()["summary"]["documents"], result.err


def test_default_excludes_leave_the_documents(repo: Path, cli) -> None:
    assert linted(cli) == (0, 2, "")


def test_the_exclude_setting_adds_patterns_and_takes_defaults_back(repo: Path, cli) -> None:
    (repo / "runbooks" / "ops" / "notes.draft.md").write_text(NOT_A_DOCUMENT)
    assert linted(cli)[:2] == (1, 3)
    (repo / "runbookc.toml").write_text('source = "runbooks"\nexclude = ["*.draft.md"]\n')
    assert linted(cli) == (0, 2, "")
    (repo / "runbookc.toml").write_text(
        'source = "runbooks"\nexclude = ["*.draft.md", "!README.md"]\n'
    )
    assert linted(cli)[:2] == (1, 3)  # README.md is a document again: without front matter


def test_gitignore_files_are_honoured(repo: Path, cli) -> None:
    (repo / "runbooks" / "ops" / "scratch.md").write_text(NOT_A_DOCUMENT)
    (repo / ".gitignore").write_text("build/\nrunbooks/ops/scratch.md\n")
    assert linted(cli) == (0, 2, "")
    (repo / "runbooks" / "ops" / ".gitignore").write_text("!scratch.md\n")  # deeper: overrides
    assert linted(cli)[:2] == (1, 3)
    (repo / "runbooks" / "ops" / ".gitignore").unlink()
    shutil.copytree(DOCS, repo / "runbooks" / "drafts")
    (repo / "runbooks" / ".gitignore").write_text("drafts/\n")
    assert linted(cli) == (0, 2, "")
    (repo / "runbooks" / ".gitignore").unlink()
    assert linted(cli)[:2] == (1, 4)  # the copies' doc_ids are duplicates


def test_a_named_file_that_is_excluded_is_skipped_with_a_note(repo: Path, cli) -> None:
    """A hook that passes every changed *.md must not fail on README.md, and a user who
    names it learns why it is not checked (and how to take it back)."""
    assert linted(cli, "runbooks/README.md") == (
        0,
        0,
        "runbookc: runbooks/README.md: excluded (exclude: README.md), not a document: skipped\n",
    )
    code, count, err = linted(cli, "runbooks/archetypes/default.md", "runbooks/ops/a.md")
    assert (code, count) == (0, 1)
    assert "runbooks/archetypes/default.md: excluded (exclude: archetypes/)" in err
    code, count, err = linted(cli, "runbooks/archetypes")
    assert (code, count) == (0, 0) and "excluded (exclude: archetypes/)" in err
    (repo / ".gitignore").write_text("# drafts\n*.wip.md\n")
    (repo / "runbooks" / "ops" / "c.wip.md").write_text(NOT_A_DOCUMENT)
    assert "excluded (.gitignore: *.wip.md)" in linted(cli, "runbooks/ops/c.wip.md")[2]
    # a hook passes the repository's file names: one cannot print a line of its choosing
    (repo / "runbooks" / "ops" / "d\n::error::x.wip.md").write_text(NOT_A_DOCUMENT)
    err = linted(cli, "runbooks/ops/d\n::error::x.wip.md")[2]
    assert err.count("\n") == 1 and "runbooks/ops/d\\n::error::x.wip.md: excluded" in err


def test_the_output_dir_inside_the_sources_is_not_read(tmp_path: Path, cli, monkeypatch) -> None:
    """No settings file and no runbooks/: the working dir is the source dir, and the pages
    a build left in its build/ are not documents."""
    shutil.copytree(DOCS, tmp_path / "ops")
    (tmp_path / "build" / "docs").mkdir(parents=True)
    (tmp_path / "build" / "docs" / "page.md").write_text(NOT_A_DOCUMENT)
    monkeypatch.chdir(tmp_path)
    assert linted(cli, "--no-cache") == (0, 2, "")


def test_a_link_to_an_excluded_file_says_why(repo: Path, cli) -> None:
    page = repo / "runbooks" / "ops" / "a.md"
    page.write_text(page.read_text() + "\nSee [the readme](../README.md).\n")
    result = cli("lint", "--format", "json")
    assert result.code == 1
    (finding,) = result.json()["diagnostics"]
    assert finding["code"] == "RB201"
    assert "`README.md` is excluded from the documents (exclude: README.md)" in finding["message"]
