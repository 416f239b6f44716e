"""`runbookc build` renders only the pages whose inputs changed, and the result is the same
site a cold build of the same sources makes."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_shipped_project
from runbookc.cli import run
from runbookc.commands.wiring import lint_targets
from runbookc.config import load_settings
from runbookc.pipeline.graph import build_graph
from runbookc.render.paths import HOME, SCRIPTS, indexes
from test_site_build import _snapshot

# MkDocs stamps the build date into the sitemap; nothing else in the output carries a time.
STAMPED = ("site/sitemap.xml", "site/sitemap.xml.gz")
EDITED = "ops/slo_ai_slot_build_pipeline.md"


def _build(project: Path, out: str, capsys: pytest.CaptureFixture[str]) -> int:
    """Build into project/<out>; returns how many pages the build says it rendered."""
    code = run(["build", "--config", str(project / "pyproject.toml"), "--output", out])
    err = capsys.readouterr().err
    assert code == 0, err
    found = re.search(r"(\d+) pages \((\d+) rendered\)", err)
    assert found, err
    return int(found.group(2))


def _site(out: Path) -> dict[str, str]:
    snapshot = _snapshot(out)
    return {
        k: v
        for k, v in snapshot.items()
        if k.startswith(("docs/", "site/", "scripts/")) and k not in STAMPED
    }


def _edit(project: Path) -> None:
    path = project / "runbooks" / EDITED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n## ", "\nAn edited paragraph.\n\n## ", 1), encoding="utf-8")


def _affected(project: Path) -> set[str]:
    """The edited document's page, its neighbours' pages, home and the indexes."""
    settings = load_settings(str(project / "pyproject.toml"))
    graph = build_graph(lint_targets([], settings).documents, settings)
    doc = graph.by_path(EDITED)
    assert doc is not None
    others = {graph.source_path(d) for d in [*graph.references(doc), *graph.referrers(doc)]}
    return {EDITED, *others, HOME, SCRIPTS, *indexes()}


def test_rebuild_after_an_edit_equals_a_cold_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    pages = len(list((project / "runbooks").rglob("*.md")))
    cold = _build(project, "build", capsys)
    assert cold > pages
    assert _build(project, "build", capsys) == 0  # nothing changed: nothing rendered
    _edit(project)
    affected = _affected(project)
    assert len(affected) < cold
    assert _build(project, "build", capsys) == len(affected)
    assert _build(project, "cold", capsys) == cold
    incremental, fresh = _site(project / "build"), _site(project / "cold")
    assert incremental.keys() == fresh.keys()
    assert [k for k in incremental if incremental[k] != fresh[k]] == []


def test_deleting_the_state_renders_everything_to_the_same_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    cold = _build(project, "build", capsys)
    before = _site(project / "build")
    (project / "build" / ".render-state.json").unlink()
    assert _build(project, "build", capsys) == cold
    assert _site(project / "build") == before


def test_a_page_changed_in_the_output_is_rendered_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    _build(project, "build", capsys)
    before = _site(project / "build")
    page = project / "build" / "docs" / EDITED
    page.write_text("tampered\n", encoding="utf-8")
    assert _build(project, "build", capsys) == 1
    assert _site(project / "build") == before


def _files(out: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.read_bytes())
        for tree in ("docs", "site", "scripts")
        for p in (out / tree).rglob("*")
        if p.is_file()
    }


def test_a_rebuild_keeps_the_unchanged_files_instead_of_writing_them_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unchanged pages, HTML files, assets and scripts are the previous build's files
    (hard links), so swapping the new output in frees and writes only what changed."""
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    _build(project, "build", capsys)
    before = _files(project / "build")
    _edit(project)
    _build(project, "build", capsys)
    after = _files(project / "build")
    kept = {name for name, (inode, _) in after.items() if before.get(name, (0,))[0] == inode}
    unchanged = {name for name, (_, data) in after.items() if before.get(name, (0, b""))[1] == data}
    assert kept <= unchanged
    edited = "site/" + EDITED.removesuffix(".md") + "/index.html"
    assert edited in after and edited not in unchanged
    # MkDocs writes these itself (not through a page or a copy): they are new files.
    written = {"site/404.html", "site/search/search_index.json", "site/tags.json", *STAMPED}
    pages = {n for n in unchanged - written if n.startswith("site/") and n.endswith(".html")}
    assert len(pages) > 40
    assert pages <= kept
    assert {n for n in unchanged if n.startswith(("scripts/", "site/scripts/", "docs/"))} <= kept
    assert {n for n in unchanged if n.startswith("site/assets/")} <= kept


def test_many_pages_are_rendered_by_worker_processes(tmp_path: Path) -> None:
    """Enough pages go to forked workers; each page is written once, whoever renders it."""
    from runbookc.engine.incremental import _render_pages
    from runbookc.engine.parallel import cpu_count

    def renderer(index: int) -> Callable[[], str]:
        return lambda: f"# Page {index}\n\nrendered by {os.getpid()}\n"

    renderers = {f"ops/p{i:03}.md": renderer(i) for i in range(300)}
    _render_pages(sorted(renderers), renderers, tmp_path / "docs", tmp_path / "previous")
    texts = {p.name: p.read_text() for p in (tmp_path / "docs" / "ops").iterdir()}
    assert len(texts) == 300
    assert all(texts[f"p{i:03}.md"].startswith(f"# Page {i}\n") for i in range(300))
    writers = {text.rsplit(" ", 1)[1] for text in texts.values()}
    if cpu_count() > 1:
        assert str(os.getpid()) not in writers  # the parent only waited
