"""Symlinks among the sources that lead out of the repository are refused (RB013) and what
they lead to is never opened: none of its text reaches the report, the pages, the search
index or the cache. Links that stay inside the repository keep working."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import copy_shipped_project
from runbookc.cli import run

MARKER = "SECRET-MARKER-7f3a9c"
EXTRA = """---
doc_id: RP-EXTRA-0001
type: rollback_plan
title: Extra plan
status: draft
owner_role: SRE
created_at: 2026-01-01
updated_at: 2026-01-01
related_runbooks: ["RB-CK8S-AISLOT-BUILD-0001"]
---
# Extra plan

Kept inside the repository, linked into the sources.
"""

_opened: list[str] = []
_watching = False


def _audit(event: str, args: tuple) -> None:
    if _watching and event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.path.realpath(os.fsdecode(args[0])))


sys.addaudithook(_audit)  # open(), os.open(), io.open() in this process


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped corpus with a link to a secret outside it, a link to a folder outside it,
    and a link to a document elsewhere in the repository."""
    project = copy_shipped_project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.md"
    secret.write_text(EXTRA.replace("RP-EXTRA-0001", "RP-SECRET-0001") + MARKER, "utf-8")
    (outside / "more.md").write_text(MARKER, encoding="utf-8")
    (project / "runbooks" / "ops" / "leak.md").symlink_to(secret)
    (project / "runbooks" / "shared").symlink_to(outside)
    (project / "kept").mkdir()
    (project / "kept" / "extra.md").write_text(EXTRA, encoding="utf-8")
    (project / "runbooks" / "ops" / "extra.md").symlink_to(Path("../../kept/extra.md"))
    monkeypatch.chdir(project)
    return project


def _run(*argv: str) -> int:
    """`runbookc ARGV`, in this process, recording every file it opens."""
    global _watching
    _opened.clear()
    _watching = True
    try:
        return run(list(argv))
    finally:
        _watching = False


def _never_opened(project: Path) -> None:
    outside = os.path.realpath(project.parent / "outside")
    assert [p for p in _opened if p.startswith(outside)] == []


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_lint_refuses_links_out_of_the_repository_unread(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    code = _run("lint", "--format", fmt)
    out = capsys.readouterr().out
    assert code == 1
    _never_opened(project)
    assert MARKER not in out
    outside = os.path.realpath(project.parent / "outside")
    for link, target in (("runbooks/ops/leak.md", "secret.md"), ("runbooks/shared", "")):
        assert link in out and "RB013" in out
        assert f"{outside}/{target}".rstrip("/") in out
    assert "runbooks/ops/extra.md" not in out  # the link inside the repository is fine


def test_text_report_names_each_link_once(project: Path, capsys) -> None:
    code = _run("lint")
    out = capsys.readouterr().out
    assert code == 1
    refused = [line for line in out.splitlines() if " RB013 " in line]
    outside = os.path.realpath(project.parent / "outside")
    assert refused == [
        f"runbooks/ops/leak.md: RB013 error: a symlink to {outside}/secret.md, outside the "
        "repository: not read",
        f"runbooks/shared: RB013 error: a symlink to {outside}, outside the repository: not read",
    ]
    assert "7 documents" in out  # the six shipped ones and the one linked from inside


def test_a_link_named_as_a_target_is_refused_too(project: Path, capsys) -> None:
    code = _run("lint", "runbooks/ops/leak.md")
    out = capsys.readouterr().out
    assert code == 1
    assert "runbooks/ops/leak.md: RB013 error" in out
    _never_opened(project)


def test_build_publishes_nothing_from_outside_and_the_inside_link(project: Path, capsys) -> None:
    """With RB013 lowered to a warning the build goes on: the inside link is a page, and
    nothing of the outside files is anywhere under build/ (pages, search index, cache)."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace('output = "build"\n', 'output = "build"\nseverity = { RB013 = "warning" }\n'),
        encoding="utf-8",
    )
    code = _run("build")
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert MARKER not in captured.out + captured.err
    _never_opened(project)
    build = project / "build"
    assert (build / "site" / "ops" / "extra" / "index.html").is_file()
    assert "Extra plan" in (build / "site" / "search" / "search_index.json").read_text("utf-8")
    files = [Path(d) / f for d, _, names in os.walk(build) for f in names]
    assert len(files) > 100
    assert [f for f in files if MARKER.encode() in f.read_bytes()] == []


def test_runbookc_test_refuses_the_link_too(project: Path, capsys) -> None:
    from runbookc.commands.wiring import extract_targets
    from runbookc.config import load_settings

    gathered = extract_targets([], load_settings(str(project / "pyproject.toml")))
    assert [(d.code, d.path) for d in gathered.diagnostics if d.code == "RB013"] == [
        ("RB013", "runbooks/ops/leak.md"),
        ("RB013", "runbooks/shared"),
    ]
    assert all(MARKER not in d.message for d in gathered.diagnostics)
