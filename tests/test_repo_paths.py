"""Repository paths in code spans with no [tool.runbookc.paths] setting (issue 17, item 7):
a span naming a `.md` file by a path (`runbooks/ops/b.md`) resolves from the repository
root, like a link; one that names no document and no file is RB203, as with a mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.commands.wiring import lint_targets
from runbookc.config import load_settings

FRONT = (
    (ROOT / "tests" / "cases" / "rules" / "RB211" / "pass" / "ops" / "a.md")
    .read_text(encoding="utf-8")
    .split("# Test runbook")[0]
)
BODY = """# Test runbook

## Steps

Read `runbooks/ops/b.md`, its `./runbooks/ops/b.md#steps` and `runbooks/ops/bb.md`.

The guide `docs/guide.md` is no document; `docs/missing.md` is nothing at all.

Not repository paths: `b.md`, `../up.md`, `runbooks/ops/b.md is here`, `https://x/y.md`.

Wrong anchor: `runbooks/ops/b.md#nope`.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    ops = tmp_path / "runbooks" / "ops"
    ops.mkdir(parents=True)
    (ops / "a.md").write_text(FRONT + BODY, encoding="utf-8")
    other = FRONT.replace("RB-TEST-0001", "RB-TEST-0002")
    (ops / "b.md").write_text(other + "# B\n\n## Steps\n\nRun.\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.runbookc]\nsource = "runbooks"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_spans_resolve_from_the_repository_root(project: Path) -> None:
    settings = load_settings(str(project / "pyproject.toml"))
    assert settings.paths == {}
    result = lint_targets([], settings, use_cache=False)
    found = [(d.line, d.code, d.message, d.hint) for d in result.diagnostics]
    assert found == [
        (
            19,
            "RB203",
            "`runbooks/ops/bb.md` names `runbooks/ops/bb.md` from the repository root, and "
            "there is no such document or file",
            "did you mean `ops/b.md`?",
        ),
        (
            21,
            "RB203",
            "`docs/missing.md` names `docs/missing.md` from the repository root, and there "
            "is no such document or file",
            "a code span naming a .md path resolves from the repository root; "
            "[tool.runbookc.paths] maps path prefixes to the source dir instead",
        ),
        (
            25,
            "RB202",
            "anchor `#nope` matches no heading of `ops/b.md`",
            "headings of `ops/b.md`: #b, #steps",
        ),
    ]
    graph = result.graph
    a = graph.by_path("ops/a.md")
    b = graph.by_path("ops/b.md")
    assert a is not None and b is not None
    assert graph.resolve(a, "runbooks/ops/b.md") == (b, None)
    assert graph.resolve(a, "./runbooks/ops/b.md#steps") == (b, "steps")
    assert b in graph.references(a)


def test_the_source_dir_as_root_resolves_the_same(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.runbookc]\nsource = "."\n', encoding="utf-8")
    settings = load_settings(str(project / "pyproject.toml"))
    graph = lint_targets([], settings, use_cache=False).graph
    a = graph.by_path("runbooks/ops/a.md")
    assert a is not None
    assert graph.resolve(a, "runbooks/ops/b.md") == (graph.by_path("runbooks/ops/b.md"), None)
