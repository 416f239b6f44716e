"""`runbookc build` on the shipped corpus and on copies of it: outputs, links, goldens, and a
failed build that leaves the previous output as it was."""

from __future__ import annotations

import hashlib
import os
import posixpath
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ROOT, copy_shipped_project, subprocess_env
from markdown_it import MarkdownIt
from runbookc.cli import run
from runbookc.commands.build import OUTPUTS

CACHE = "cache"  # build/cache: lint's per-document results (runbookc.engine.cache)

GOLDEN = Path(__file__).parent / "golden" / "site"
GOLDEN_PAGES = ("ops/ai_slot_build_runbook.md", "ops/alerts_ai_slot_build_pipeline.md")


def test_build_writes_docs_site_and_scripts(built_site: Path) -> None:
    seed_html = (built_site / "site" / "ops" / "ai_slot_build_runbook" / "index.html").read_text()
    assert 'id="диагностика-пошагово"' in seed_html
    assert 'class="admonition warning"' in seed_html
    assert '<html lang="ru"' in seed_html
    manifest = (built_site / "scripts" / "manifest.json").read_text()
    assert '"doc_id": "RB-CK8S-AISLOT-BUILD-0001"' in manifest
    copied = sorted((built_site / "docs" / "scripts").rglob("*.sh"))
    assert copied and all(
        (built_site / "site" / p.relative_to(built_site / "docs")).is_file() for p in copied
    )
    published = sorted(p.name for p in built_site.iterdir() if p.name != CACHE)
    assert published == [
        ".gen",
        ".render-state.json",
        ".runbookc-output",
        "current",
        "docs",
        "scripts",
        "site",
    ]
    (generation,) = (built_site / ".gen").iterdir()
    assert os.readlink(built_site / "current") == f".gen/{generation.name}"
    for name in OUTPUTS:
        assert os.readlink(built_site / name) == f"current/{name}"
        assert (generation / name).exists() and not (generation / name).is_symlink()


def test_the_site_links_the_docs_dirs_files_and_copies_the_themes(built_site: Path) -> None:
    """MkDocs' copy of each script (and stylesheet) the docs dir holds is a hard link to it:
    the build's own files, never written in place. The theme's files are copied."""
    site, docs = built_site / "site", built_site / "docs"
    ours = [p for p in docs.rglob("[!.]*") if p.is_file() and p.suffix != ".md"]
    assert len([p for p in ours if p.suffix == ".sh"]) > 10
    assert any(p.suffix == ".css" for p in ours)
    for path in ours:
        assert (site / path.relative_to(docs)).stat().st_ino == path.stat().st_ino, path
    theme = [p for p in (site / "assets").rglob("*") if p.is_file()]
    assert theme and all(p.stat().st_nlink == 1 for p in theme)


def _links(page: str, text: str) -> set[str]:
    """Pages a Markdown page links to (relative .md targets, anchors dropped)."""
    found = set()
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        for child in token.children or []:
            href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
            path = unquote(href.split("#", 1)[0])
            if path.endswith(".md") and "://" not in path:
                found.add(posixpath.normpath(posixpath.join(posixpath.dirname(page), path)))
    return found


def test_every_page_is_reachable_from_home(built_site: Path) -> None:
    docs = built_site / "docs"
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    seen, todo = {"index.md"}, ["index.md"]
    while todo:
        page = todo.pop()
        for target in _links(page, (docs / page).read_text(encoding="utf-8")) & pages:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert len(pages) > 30
    assert pages - seen == set()


@pytest.mark.parametrize("page", GOLDEN_PAGES)
def test_rendered_page_matches_golden(built_site: Path, page: str) -> None:
    rendered = (built_site / "docs" / page).read_text(encoding="utf-8")
    golden = GOLDEN / page
    if os.environ.get("RUNBOOKC_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden}: run with RUNBOOKC_UPDATE_GOLDEN=1"
    assert rendered == golden.read_text(encoding="utf-8")


def test_docs_dir_builds_with_plain_mkdocs_strict(built_site: Path, tmp_path: Path) -> None:
    """The docs dir stands on its own: `mkdocs build --strict` with MkDocs' own nav and the
    packaged site config, which plain MkDocs reads too."""
    from runbookc.render.site_config import DEFAULT_CONFIG

    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {DEFAULT_CONFIG}\ndocs_dir: {built_site / 'docs'}\n"
        f"site_dir: {tmp_path / 'site'}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "ops" / "ai_slot_build_runbook" / "index.html").is_file()


def _snapshot(out: Path) -> dict[str, str]:
    """The published output as a reader sees it, through the links in `out` (the lint
    cache beside it is not part of it)."""
    files = [out / name for name in OUTPUTS if (out / name).is_file()]
    files += [p for name in OUTPUTS if (out / name).is_dir() for p in (out / name).rglob("*")]
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(files)
        if p.is_file()
    }


def _build(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(["build", "--config", str(project / "pyproject.toml")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_failed_site_build_keeps_the_previous_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    code, _ = _build(project, capsys)
    assert code == 0
    before = _snapshot(project / "build")
    assert "site/ops/ai_slot_build_runbook/index.html" in before
    # An edit the next build would publish, and an MkDocs setting that makes it fail.
    seed = project / "runbooks" / "ops" / "slo_ai_slot_build_pipeline.md"
    seed.write_text(seed.read_text(encoding="utf-8") + "\nNew line.\n", encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("not_a_mkdocs_setting: true\n")
    code, output = _build(project, capsys)
    assert code == 1
    assert "not_a_mkdocs_setting" in output
    assert "the previous output is kept" in output
    assert _snapshot(project / "build") == before


def test_lint_errors_stop_the_build_before_any_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    runbook = project / "runbooks" / "ops" / "registry_mirror_degraded_runbook.md"
    runbook.write_text(
        runbook.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8"
    )
    code, output = _build(project, capsys)
    assert code == 1
    assert "registry_mirror_degraded_runbook.md" in output and "RB501" in output
    assert not (project / "build" / "site").exists()


def test_strict_build_fails_on_the_pending_approval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    code = run(["build", "--strict", "--config", str(project / "pyproject.toml")])
    output = capsys.readouterr()
    assert code == 1
    assert "RB301 error: Owner approval pending" in output.out
    assert not (project / "build" / "site").exists()


def test_site_language_comes_from_settings(tmp_path: Path) -> None:
    from runbookc.render.mkdocs_build import load_site_config

    (tmp_path / "docs").mkdir()
    config, _ = load_site_config(
        ROOT / "mkdocs.yml", tmp_path / "docs", tmp_path / "site", ["index.md"], "en"
    )
    assert config.theme["language"] == "en"
    assert config.plugins["material/search"].config.lang == ["en"]
    config, _ = load_site_config(
        ROOT / "mkdocs.yml", tmp_path / "docs", tmp_path / "site", ["index.md"], "ru"
    )
    assert config.plugins["material/search"].config.lang == ["ru", "en"]


def test_a_document_on_a_generated_page_path_stops_the_build_at_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    (project / "runbooks" / "index.md").write_text(
        "---\ndoc_id: RP-INDEX-0001\ntype: rollback_plan\ntitle: Index\nstatus: draft\n"
        "owner_role: SRE\ncreated_at: 2026-01-01\nupdated_at: 2026-01-01\n"
        'related_runbooks: ["RB-CK8S-AISLOT-BUILD-0001"]\n---\n# Index\n',
        encoding="utf-8",
    )
    code, output = _build(project, capsys)
    assert code == 1
    # The message render/paths.py gives the build (PageCollision), as a lint finding.
    assert "runbooks/index.md: RB212 error: its page index.md would replace the generated" in output
    assert "build stopped: lint errors" in output
    assert not (project / "build" / "site").exists()


def test_serve_refuses_a_bad_address(cli) -> None:
    result = cli("serve", "--dev-addr", "localhost")
    assert result.code == 2
    assert "is not HOST:PORT" in result.err


@pytest.mark.parametrize("output", [".", "runbooks", "runbooks/ops/out"])
def test_build_refuses_an_output_dir_over_the_project_or_its_sources(cli, in_root, output) -> None:
    before = {p: p.stat().st_mtime_ns for p in (in_root / "site").rglob("*")}
    result = cli("build", "--output", output)
    assert result.code == 2
    assert "refusing to build into" in result.err
    assert {p: p.stat().st_mtime_ns for p in (in_root / "site").rglob("*")} == before
    assert not (in_root / "runbooks" / "ops" / "out").exists()


def test_build_refuses_to_replace_a_site_it_did_not_build(cli, in_root, tmp_path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("not ours", encoding="utf-8")
    result = cli("build", "--output", str(tmp_path))
    assert result.code == 2
    assert "not the output of a previous `runbookc build`" in result.err
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "not ours"


def test_one_build_builds_the_corpus_graph_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lint's rules and the pages read one graph: built by lint on a cold build, by render
    when lint's findings come from the cache."""
    from runbookc.pipeline import graph

    built: list[object] = []
    original = graph.Graph.__init__

    def counting(self: graph.Graph, *args: object, **kwargs: object) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(graph.Graph, "__init__", counting)
    project = copy_shipped_project(tmp_path)
    assert _build(project, capsys)[0] == 0
    assert len(built) == 1
    assert _build(project, capsys)[0] == 0
    assert len(built) == 2


def test_rule_pages_are_out_of_the_nav_and_the_search(built_site: Path) -> None:
    """The lint-rule pages are built and linked from the findings, but a search for a
    runbook's words finds the runbook, not the rule pages that quote such words in their
    examples, and the nav lists no rule."""
    import json

    site = built_site / "site"
    assert (site / "rules" / "RB202" / "index.html").is_file()
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = {d["location"].split("#")[0] for d in index["docs"] if "диагностика" in d["text"]}
    assert "ops/ai_slot_build_runbook/" in found
    assert not [location for location in found if location.startswith("rules/")]
    assert not [d for d in index["docs"] if d["location"].startswith("rules/")]
    seed = (site / "ops" / "ai_slot_build_runbook" / "index.html").read_text(encoding="utf-8")
    nav = seed.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert "rules/" not in nav
    assert 'href="../../rules/RB' in seed  # its findings link their rules


def test_a_failed_builds_message_cannot_print_a_line_of_its_choosing() -> None:
    """What MkDocs says quotes pages and paths (repository content): each of its lines is
    escaped as collected; any other error is shown on one line."""
    import logging

    from runbookc.render.mkdocs_build import SiteBuildError, _quiet_mkdocs, failure_text

    with _quiet_mkdocs() as collected:
        logging.getLogger("mkdocs.structure").warning("a link to 'x\n::error::y\x1b[2J'")
    assert collected.messages == ["mkdocs: warning: a link to 'x\\n::error::y\\x1b[2J'"]
    lines = SiteBuildError("\n".join([*collected.messages, "mkdocs: Aborted"]))
    assert failure_text(lines) == str(lines)  # MkDocs' own lines, as collected
    assert failure_text(OSError("cannot write 'a\n::error::b'")) == (
        "cannot write 'a\\n::error::b'"
    )
