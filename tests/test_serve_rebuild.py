"""`runbookc serve`'s rebuild after an edit (commands/serve.PreviewBuild, without a server):
MkDocs rebuilds only the pages whose text the edit changed, and the site stays whole
(search index, tags, the other pages)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from runbookc.commands.serve import PreviewBuild
from runbookc.config import load_settings

RUNBOOK = "ops/registry_mirror_degraded_runbook.md"
UNTOUCHED = "ops/ai_slot_build_runbook/index.html"  # neither links to RUNBOOK nor is linked


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PreviewBuild]:
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    preview = PreviewBuild(replace(load_settings(), output=str(tmp_path / "out")))
    try:
        yield preview
    finally:
        preview.close()


def _search(site: PreviewBuild) -> dict[str, str]:
    index = json.loads((site.preview.site_dir / "search/search_index.json").read_text("utf-8"))
    return {entry["location"]: entry["text"] for entry in index["docs"]}


def test_an_edit_rebuilds_only_the_pages_it_changed(site: PreviewBuild) -> None:
    site.rebuild()
    every = set(site.state.built)
    assert RUNBOOK in every and len(every) > 60  # the first build: every page
    search, tags = _search(site), (site.preview.site_dir / "tags/index.html").read_text()
    untouched = site.preview.site_dir / UNTOUCHED
    mtime = untouched.stat().st_mtime_ns

    source = site.settings.source_dir / RUNBOOK
    source.write_text(source.read_text("utf-8") + "\nEdited in the preview.\n", "utf-8")
    site.rebuild()

    rebuilt = set(site.state.built)
    assert rebuilt == site.preview.written | {"tags.md"}  # and the tags page, always
    # The pages whose text the edit changed (the runbook and the two that list it with
    # its state), of the ten the render step re-rendered, of the 80 of the site.
    assert rebuilt == {RUNBOOK, "index.md", "runbooks/index.md", "tags.md"}
    page = site.preview.site_dir / "ops/registry_mirror_degraded_runbook/index.html"
    assert "Edited in the preview." in page.read_text("utf-8")
    assert untouched.stat().st_mtime_ns == mtime
    after = _search(site)
    assert after.keys() == search.keys()  # every page still found, none twice
    assert any("Edited in the preview." in text for text in after.values())
    assert (site.preview.site_dir / "tags/index.html").read_text() == tags


def test_a_new_title_rebuilds_every_page(site: PreviewBuild) -> None:
    """Every page shows the navigation, so a title the nav shows (the page's heading) changes
    them all: a full build, whose page cache keeps the pages whose HTML stays the same."""
    site.rebuild()
    source = site.settings.source_dir / RUNBOOK
    text = source.read_text("utf-8").replace("# Runbook: registry", "# Runbook: EDITED")
    source.write_text(text, "utf-8")
    site.rebuild()
    assert not site.state.partial
    assert "EDITED mirror" in (site.preview.site_dir / UNTOUCHED).read_text("utf-8")


def test_a_front_matter_title_the_nav_does_not_show_rebuilds_only_its_pages(
    site: PreviewBuild,
) -> None:
    """The nav shows a page's heading; the front matter's title is in its metadata only."""
    site.rebuild()
    source = site.settings.source_dir / RUNBOOK
    text = source.read_text("utf-8")
    source.write_text(text.replace('title: "Registry Mirror', 'title: "EDITED Mirror'), "utf-8")
    site.rebuild()
    assert site.state.partial and RUNBOOK in site.state.built
    assert "EDITED Mirror" not in (site.preview.site_dir / UNTOUCHED).read_text("utf-8")


def test_an_edit_compiles_only_its_document_and_reads_none_back(
    site: PreviewBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The compiled corpus stays in memory across rebuilds: an edit compiles the edited
    document and reads no other document's result back from the cache."""
    from runbookc.engine import parallel
    from runbookc.engine.cache import DocCache

    site.rebuild()
    compiled: list[str] = []
    read_back: list[str] = []
    compile_many, get_many = parallel.compile_many, DocCache.get_many

    def counting_compile(files: list[tuple[Path, str]], *args: object) -> object:
        compiled.extend(display for _, display in files)
        return compile_many(files, *args)  # type: ignore[arg-type]

    def counting_get(store: DocCache, keys: list[str], *args: object) -> object:
        read_back.extend(keys)
        return get_many(store, keys, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "compile_many", counting_compile)
    monkeypatch.setattr(DocCache, "get_many", counting_get)
    source = site.settings.source_dir / RUNBOOK
    source.write_text(source.read_text("utf-8") + "\nEdited in the preview.\n", "utf-8")
    site.rebuild()
    assert [Path(p).name for p in compiled] == [Path(RUNBOOK).name]
    assert read_back == []
    page = site.preview.site_dir / "ops/registry_mirror_degraded_runbook/index.html"
    assert "Edited in the preview." in page.read_text("utf-8")


def test_a_dirty_build_renders_no_static_template_and_parses_no_template(
    site: PreviewBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 404 page and the sitemap stay as the full build wrote them (the nav and the
    pages are the same), and the theme's templates are parsed once per preview (the first
    build parses dozens: main.html, base.html and their partials)."""
    import jinja2

    site.rebuild()
    assert {"404.html", "sitemap.xml"} <= set(site.state.rendered)
    kept = {
        name: (site.preview.site_dir / name).read_bytes() for name in ("404.html", "sitemap.xml")
    }
    parsed: list[str | None] = []
    parse = jinja2.Environment._parse

    def counting_parse(
        env: jinja2.Environment, source: str, name: str | None, *args: object
    ) -> object:
        parsed.append(name)
        return parse(env, source, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "_parse", counting_parse)
    source = site.settings.source_dir / RUNBOOK
    source.write_text(source.read_text("utf-8") + "\nEdited in the preview.\n", "utf-8")
    site.rebuild()
    assert site.state.partial and site.state.rendered == []
    # Only the language partials Material's search plugin loads into an environment of its
    # own, before the build's: every template the pages are rendered with comes compiled.
    assert all(name.startswith("partials/language") for name in parsed), parsed
    for name, text in kept.items():
        assert (site.preview.site_dir / name).read_bytes() == text
    page = site.preview.site_dir / "ops/registry_mirror_degraded_runbook/index.html"
    assert "Edited in the preview." in page.read_text("utf-8")


def test_the_server_hears_of_a_save_from_the_system_not_by_polling(tmp_path: Path) -> None:
    """MkDocs' server polls the watched dirs every half second (stat-ing every source);
    the preview's is told of a save by the system and asks for a rebuild then."""
    from runbookc.commands.serve import live_server
    from watchdog.observers.polling import PollingObserver

    server = live_server(lambda: None, "127.0.0.1", 0, str(tmp_path))
    assert not isinstance(server.observer, PollingObserver)
    server.watch(str(tmp_path))
    server.observer.start()
    try:
        (tmp_path / "runbook.md").write_text("saved\n", "utf-8")
        with server._rebuild_cond:  # what MkDocs' build loop waits on
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=30)
    finally:
        server.observer.stop()
        server.observer.join()
        server.server_close()


def test_an_edit_checks_only_its_documents_scripts(
    site: PreviewBuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other documents' scripts keep their `bash -n` verdicts from the build before:
    only the edited runbook's are checked, and every script is still published."""
    from runbookc.scripts import shellcheck

    site.rebuild()
    published = dict(site.preview.scripts)
    checked: list[str] = []
    check_syntax = shellcheck.check_syntax

    def counting_check(scripts: list[Any], *args: Any, **kwargs: Any) -> Any:
        checked.extend(script.path for script in scripts)
        return check_syntax(scripts, *args, **kwargs)

    monkeypatch.setattr(shellcheck, "check_syntax", counting_check)
    source = site.settings.source_dir / RUNBOOK
    source.write_text(source.read_text("utf-8") + "\nEdited in the preview.\n", "utf-8")
    site.rebuild()
    assert checked and {Path(path).name for path in checked} == {Path(RUNBOOK).name}
    assert site.preview.scripts.keys() == published.keys()
    changed = {rel for rel, text in site.preview.scripts.items() if published[rel] != text}
    # The edited runbook's scripts name its content digest; no other document's changed.
    assert changed and {rel.split("/")[0] for rel in changed} == {"RB-CK8S-REGISTRY-MIRROR-0001"}


def test_a_removed_bash_block_takes_its_script_off_the_served_site(site: PreviewBuild) -> None:
    """A dirty build copies the docs dir's new files but deletes none: the step script of a
    block the author removed must not stay downloadable from the preview."""
    site.rebuild()
    scripts = site.preview.site_dir / "scripts" / "RB-CK8S-REGISTRY-MIRROR-0001"
    before = {p.name for p in scripts.iterdir()}
    source = site.settings.source_dir / RUNBOOK
    text = source.read_text("utf-8")
    start = text.index('```bash\nns="codex-k8s-prod"\nkubectl -n "$ns" rollout restart')
    end = text.index("```\n", start + 3) + 4
    source.write_text(text[:start] + text[end:], "utf-8")
    site.rebuild()
    assert site.state.partial  # a dirty build: the first one emptied the site dir
    after = {p.name for p in scripts.iterdir()}
    docs = {p.name for p in (site.preview.docs_dir / "scripts" / scripts.name).iterdir()}
    assert after == docs  # the site serves what the docs dir holds, no more
    assert len(after) == len(before) - 1


def test_a_file_no_page_links_any_more_leaves_the_served_site(site: PreviewBuild) -> None:
    attachment = site.settings.source_dir / "ops" / "mirror-notes.txt"
    attachment.write_text("notes\n", "utf-8")
    source = site.settings.source_dir / RUNBOOK
    text = source.read_text("utf-8")
    source.write_text(text + "\nSee [the notes](mirror-notes.txt).\n", "utf-8")
    site.rebuild()
    served = site.preview.site_dir / "ops" / "mirror-notes.txt"
    assert served.read_text("utf-8") == "notes\n"
    source.write_text(text, "utf-8")
    site.rebuild()
    assert site.state.partial
    assert not served.exists()
    assert not (site.preview.docs_dir / "ops" / "mirror-notes.txt").exists()
