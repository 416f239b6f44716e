"""MkDocs with runbookc's page cache builds the very site MkDocs builds without it: every
HTML file and the search index byte for byte, and the same link and anchor failures when a
page's link target is edited, renamed or removed while the linking page is unchanged."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tomllib
from contextlib import closing
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from runbookc.engine import mkdocs_cache
from runbookc.engine.blobstore import BlobStore
from runbookc.engine.mkdocs_cache import PATCHED, PageCache, memo, release
from runbookc.render.mkdocs_build import SiteBuildError, run_mkdocs

STAMPED = {"sitemap.xml", "sitemap.xml.gz"}  # MkDocs writes the build date into these

PAGES = {
    "index.md": "# Home\n\nSee [the guide](guide.md#install) and [the faq](faq.md).\n",
    "guide.md": (
        "---\ntags: [setup]\n---\n# Guide\n\n## Install\n\nRun it:\n\n"
        "```bash\nkubectl get pods -n demo\n```\n\n## Настройка сети\n\nText.\n"
    ),
    "faq.md": (
        "# FAQ\n\n!!! note\n    Back to [home](index.md) or [guide](guide.md#настройка-сети).\n"
    ),
    "tags.md": "# Tags\n\n<!-- material/tags -->\n",
}


def _nav(docs: Path) -> list[str]:
    return sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))


def _write(docs: Path, pages: dict[str, str]) -> None:
    shutil.rmtree(docs, ignore_errors=True)
    docs.mkdir(parents=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")


def _build(docs: Path, site: Path, cache: PageCache | None) -> dict[str, str]:
    run_mkdocs(
        ROOT / "mkdocs.yml", docs, site, _nav(docs), "ru", None if cache is None else memo(cache)
    )
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in STAMPED
    }


def _saved(cache: PageCache) -> PageCache:
    """What the next `runbookc build` gets: the cache as a new process reads it from disk."""
    cache.prune()
    return PageCache(cache.folder)


def test_a_rebuild_from_the_cache_equals_a_cold_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache(tmp_path / "cache")
    first = _build(docs, tmp_path / "site", cache)
    assert (cache.hits, cache.misses) == (0, len(PAGES))
    cache = _saved(cache)
    assert _build(docs, tmp_path / "again", cache) == first
    assert (cache.hits, cache.misses) == (len(PAGES), 0)

    _write(docs, {**PAGES, "faq.md": PAGES["faq.md"].replace("note", "warning")})
    cache = _saved(cache)
    rebuilt = _build(docs, tmp_path / "rebuilt", cache)
    assert (cache.hits, cache.misses) == (len(PAGES) - 1, 1)
    cold = _build(docs, tmp_path / "cold", None)
    assert rebuilt == cold
    assert rebuilt["faq/index.html"] != first["faq/index.html"]
    assert "search/search_index.json" in rebuilt and "tags/index.html" in rebuilt


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache(tmp_path / "cache")
    _build(docs, tmp_path / "site", cache)
    _write(docs, {**PAGES, "faq.md": "# FAQ\n\nShorter.\n"})
    cache = _saved(cache)
    _build(docs, tmp_path / "site", cache)
    cache.prune()
    assert sorted(k.split("/")[0] for k in _keys(tmp_path / "cache")) == sorted(
        ["html", "pages", "search"] * len(PAGES)
    )


def _keys(folder: Path) -> list[str]:
    with closing(sqlite3.connect(folder / "entries.sqlite")) as db:
        return [key for (key,) in db.execute("SELECT key FROM entries")]


def test_unchanged_output_files_are_linked_from_the_previous_site(tmp_path: Path) -> None:
    docs, cache = tmp_path / "docs", PageCache(tmp_path / "cache")
    _write(docs, PAGES)
    run_mkdocs(
        ROOT / "mkdocs.yml",
        docs,
        tmp_path / "old",
        _nav(docs),
        "ru",
        None if cache is None else memo(cache),
    )
    _write(docs, {**PAGES, "faq.md": PAGES["faq.md"].replace("note", "warning")})
    new, old = tmp_path / "new", tmp_path / "old"
    run_mkdocs(ROOT / "mkdocs.yml", docs, new, _nav(docs), "ru", memo(_saved(cache), old))

    def same_inode(name: str) -> bool:
        return (new / name).stat().st_ino == (old / name).stat().st_ino

    asset = next((new / "assets" / "javascripts").glob("bundle.*.js")).relative_to(new)
    assert same_inode("guide/index.html") and same_inode(asset.as_posix())
    assert not same_inode("faq/index.html")
    assert not same_inode("search/search_index.json")  # changed with the FAQ's text
    assert _build(docs, tmp_path / "cold", None) == _build(docs, new, None)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"guide.md": None}, id="target-removed"),
        pytest.param({"guide.md": None, "howto.md": PAGES["guide.md"]}, id="target-renamed"),
        pytest.param(
            {"guide.md": PAGES["guide.md"].replace("## Install", "## Setup")}, id="anchor-removed"
        ),
    ],
)
def test_a_broken_link_from_an_unchanged_page_fails_as_in_a_cold_build(
    tmp_path: Path, change: dict[str, str | None]
) -> None:
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache(tmp_path / "cache")
    _build(docs, tmp_path / "site", cache)
    pages = {k: v for k, v in {**PAGES, **change}.items() if v is not None}
    _write(docs, pages)
    with pytest.raises(SiteBuildError) as cold:
        _build(docs, tmp_path / "cold", None)
    with pytest.raises(SiteBuildError) as cached:
        _build(docs, tmp_path / "cached", _saved(cache))
    assert "index.md" in str(cold.value)
    assert str(cached.value) == str(cold.value)


def test_an_extension_that_reads_files_turns_the_cache_off(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, {**PAGES, "guide.md": PAGES["guide.md"] + '\n--8<-- "part.txt"\n'})
    (tmp_path / "part.txt").write_text("first\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    snippets = f"markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [{tmp_path}]\n"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(text + snippets, encoding="utf-8")  # the pages' own are added to it
    cache = PageCache(tmp_path / "cache")
    run_mkdocs(
        config, docs, tmp_path / "site", _nav(docs), "ru", None if cache is None else memo(cache)
    )
    (tmp_path / "part.txt").write_text("second\n", encoding="utf-8")
    run_mkdocs(
        config, docs, tmp_path / "site", _nav(docs), "ru", None if cache is None else memo(cache)
    )
    assert cache.hits == 0
    assert "second" in (tmp_path / "site" / "guide" / "index.html").read_text(encoding="utf-8")


def test_a_damaged_cache_entry_is_a_miss_and_is_rewritten(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache(tmp_path / "cache")
    first = _build(docs, tmp_path / "site", cache)
    cache.prune()
    keys = _keys(tmp_path / "cache")
    BlobStore(tmp_path / "cache" / "entries.sqlite").put_many([(k, b'{"content": ') for k in keys])
    cache = PageCache(tmp_path / "cache")
    assert _build(docs, tmp_path / "again", cache) == first
    assert (cache.hits, cache.misses) == (0, len(PAGES))
    cache = _saved(cache)
    assert _build(docs, tmp_path / "third", cache) == first
    assert cache.hits == len(PAGES)


# -- page HTML: a page's template output is reused from the previous site when nothing its
# template reads changed; every case below must still give the cold build's bytes.

NAV = ["index.md", {"Guide": "guide.md"}, "faq.md", "tags.md"]


def _site(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in STAMPED
    }


def _rebuild(
    tmp_path: Path, pages: dict[str, str], nav: list[Any], config: Path = ROOT / "mkdocs.yml"
) -> tuple[dict[str, str], dict[str, str], PageCache]:
    """Build PAGES with NAV, then `pages` with `nav` from that build's cache and site; returns
    (the cached rebuild, a cold build of the same input, the rebuild's cache)."""
    docs, cache = tmp_path / "docs", PageCache(tmp_path / "cache")
    _write(docs, PAGES)
    run_mkdocs(config, docs, tmp_path / "first", NAV, "ru", memo(cache))
    _write(docs, pages)
    cache = _saved(cache)
    run_mkdocs(config, docs, tmp_path / "cached", nav, "ru", memo(cache, tmp_path / "first"))
    run_mkdocs(config, docs, tmp_path / "cold", nav, "ru", None)
    return _site(tmp_path / "cached"), _site(tmp_path / "cold"), cache


def _edit(page: str, old: str, new: str) -> dict[str, str]:
    assert old in PAGES[page]
    return {**PAGES, page: PAGES[page].replace(old, new)}


@pytest.mark.parametrize(
    ("pages", "nav", "reused"),
    [
        pytest.param(PAGES, NAV, len(PAGES), id="unchanged"),
        pytest.param(_edit("faq.md", "note", "warning"), NAV, len(PAGES) - 1, id="one-body"),
        pytest.param(_edit("faq.md", "# FAQ", "# Вопросы"), NAV, 0, id="title-in-nav"),
        # guide.md's nav entry names its title: its heading shows on its own page only
        pytest.param(_edit("guide.md", "# Guide", "# Руководство"), NAV, 3, id="heading"),
        pytest.param(_edit("guide.md", "[setup]", "[setup, сеть]"), NAV, 0, id="tag-added"),
        pytest.param(_edit("guide.md", "[setup]", "[install]"), NAV, 0, id="tag-renamed"),
        pytest.param(PAGES, [*NAV[:1], {"Руководство": "guide.md"}, *NAV[2:]], 0, id="nav-label"),
        pytest.param(PAGES, [NAV[0], NAV[2], NAV[1], NAV[3]], 0, id="nav-order"),
        pytest.param(PAGES, [NAV[0], {"Docs": NAV[1:3]}, NAV[3]], 0, id="nav-section"),
    ],
)
def test_a_rebuild_reusing_page_html_equals_a_cold_build(
    tmp_path: Path, pages: dict[str, str], nav: list[Any], reused: int
) -> None:
    cached, cold, cache = _rebuild(tmp_path, pages, nav)
    assert cached == cold
    assert {"search/search_index.json", "tags/index.html", "tags.json"} <= cold.keys()
    assert (cache.html_hits, cache.html_misses) == (reused, len(PAGES) - reused)


def test_a_valueless_id_in_a_code_span_is_no_anchor(tmp_path: Path) -> None:
    """MkDocs scans a page's whole Markdown for raw HTML ids, code spans included: it reads
    `<your request's correlation id>` as a tag whose `id` has no value and records None
    among the page's anchors. None names no anchor: the cache keeps the page's anchors that
    are names, and the cached build is the build MkDocs makes alone."""
    placeholder = "\n\nSend `<your request's correlation id>` with it.\n"
    pages = {**PAGES, "faq.md": PAGES["faq.md"] + placeholder}
    cached, cold, cache = _rebuild(tmp_path, pages, NAV)
    assert cached == cold
    (faq,) = [
        entry
        for (kind, _), entry in cache.memory.items()
        if kind == "pages" and "correlation" in entry.content
    ]
    assert faq.anchors == ["faq"]  # its heading; None is left out


def test_a_page_whose_previous_file_changed_is_rendered_again(tmp_path: Path) -> None:
    docs, cache = tmp_path / "docs", PageCache(tmp_path / "cache")
    _write(docs, PAGES)
    first = _build(docs, tmp_path / "first", cache)
    html = tmp_path / "first" / "faq" / "index.html"
    html.write_text(html.read_text(encoding="utf-8").replace("FAQ", "QQQ"), encoding="utf-8")
    cache = _saved(cache)
    run_mkdocs(
        ROOT / "mkdocs.yml",
        docs,
        tmp_path / "again",
        _nav(docs),
        "ru",
        memo(cache, html.parents[1]),
    )
    assert _site(tmp_path / "again") == first
    assert (cache.html_hits, cache.html_misses) == (len(PAGES) - 1, 1)


def test_a_plugin_the_key_does_not_know_turns_the_html_cache_off(tmp_path: Path) -> None:
    """A hook adds a value from a file outside the docs to every page: no page is reused."""
    (tmp_path / "hook.py").write_text(
        "from pathlib import Path\n"
        "def on_page_context(context, page, config, nav):\n"
        f"    page.content += Path({str(tmp_path / 'note.txt')!r}).read_text()\n"
        "    return context\n",
        encoding="utf-8",
    )
    config = tmp_path / "mkdocs.yml"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(f"{text}\nhooks:\n  - {tmp_path / 'hook.py'}\n", encoding="utf-8")
    (tmp_path / "note.txt").write_text("<p>first note</p>", encoding="utf-8")
    docs, cache = tmp_path / "docs", PageCache(tmp_path / "cache")
    _write(docs, PAGES)
    run_mkdocs(config, docs, tmp_path / "first", NAV, "ru", memo(cache))
    (tmp_path / "note.txt").write_text("<p>second note</p>", encoding="utf-8")
    cache = _saved(cache)
    run_mkdocs(config, docs, tmp_path / "again", NAV, "ru", memo(cache, tmp_path / "first"))
    assert cache.html_hits == 0
    assert "second note" in (tmp_path / "again" / "faq" / "index.html").read_text(encoding="utf-8")


def _dotted(release: tuple[int, ...]) -> str:
    return ".".join(map(str, release))


@pytest.mark.parametrize("name", sorted(PATCHED))
def test_the_installed_release_is_one_the_cache_patches(name: str) -> None:
    """The page cache patches MkDocs' and Material's internals: a newer (or older) release
    installed here fails this test, so the patch is reviewed before the range moves."""
    first, stop = PATCHED[name]
    installed = metadata.version(name)
    assert first <= release(installed) < stop, (
        f"{name} {installed} is outside >={_dotted(first)},<{_dotted(stop)}, the range "
        "engine/mkdocs_cache.py patches: check its patches against this release, then move "
        "PATCHED and the pin in pyproject.toml together"
    )


def test_pyproject_pins_the_patched_ranges() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "dependencies"
    ]
    for name, (first, stop) in PATCHED.items():
        assert f"{name}>={_dotted(first)},<{_dotted(stop)}" in dependencies


@pytest.mark.parametrize(
    ("version", "inside"),
    [("1.6.0", True), ("1.6.1", True), ("1.5.3", False), ("1.7.0", False), ("2.0", False)],
)
def test_outside_the_patched_range_the_build_is_mkdocs_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str, inside: bool
) -> None:
    installed = metadata.version

    def version_of(name: str) -> str:
        return version if name == "mkdocs" else installed(name)

    monkeypatch.setattr(mkdocs_cache.metadata, "version", version_of)
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache(tmp_path / "cache")
    assert _build(docs, tmp_path / "site", cache) == _build(docs, tmp_path / "cold", None)
    assert cache.misses == (len(PAGES) if inside else 0)  # the plugin ran, or was never added


def test_path_patterns_are_keyed_by_their_text() -> None:
    """`not_in_nav` (runbookc sets `/rules/`) and `exclude_docs` load as pathspec objects: a
    key names their patterns, so the page HTML cache stays on with them."""
    from pathspec import GitIgnoreSpec
    from runbookc.engine.mkdocs_keys import stable

    rules = stable(GitIgnoreSpec.from_lines(["/rules/"]))
    assert rules == stable(GitIgnoreSpec.from_lines(["/rules/"]))
    assert rules != stable(GitIgnoreSpec.from_lines(["/rules/", "/drafts/"]))
