"""MkDocs with runbookc's page cache builds the very site MkDocs builds without it: every
HTML file and the search index byte for byte, and the same link and anchor failures when a
page's link target is edited, renamed or removed while the linking page is unchanged."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.render.mkdocs_build import SiteBuildError, run_mkdocs
from runbookc.render.mkdocs_cache import PageCache

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
    run_mkdocs(ROOT / "mkdocs.yml", docs, site, _nav(docs), "ru", cache)
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in STAMPED
    }


def _saved(cache: PageCache, path: Path) -> PageCache:
    """What the next `runbookc build` gets: the cache written to disk and read back."""
    cache.save(path)
    return PageCache.load(path)


def test_a_rebuild_from_the_cache_equals_a_cold_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache()
    first = _build(docs, tmp_path / "site", cache)
    assert (cache.hits, cache.misses) == (0, len(PAGES))
    cache = _saved(cache, tmp_path / "c.json")
    assert _build(docs, tmp_path / "again", cache) == first
    assert (cache.hits, cache.misses) == (len(PAGES), 0)

    _write(docs, {**PAGES, "faq.md": PAGES["faq.md"].replace("note", "warning")})
    cache = _saved(cache, tmp_path / "c.json")
    rebuilt = _build(docs, tmp_path / "rebuilt", cache)
    assert (cache.hits, cache.misses) == (len(PAGES) - 1, 1)
    cold = _build(docs, tmp_path / "cold", None)
    assert rebuilt == cold
    assert rebuilt["faq/index.html"] != first["faq/index.html"]
    assert "search/search_index.json" in rebuilt and "tags/index.html" in rebuilt


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, PAGES)
    cache = PageCache()
    _build(docs, tmp_path / "site", cache)
    _write(docs, {**PAGES, "faq.md": "# FAQ\n\nShorter.\n"})
    cache = _saved(cache, tmp_path / "c.json")
    _build(docs, tmp_path / "site", cache)
    cache = _saved(cache, tmp_path / "c.json")
    assert len(cache.pages) == len(PAGES)
    assert len(cache.search) == len(PAGES)


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
    cache = PageCache()
    _build(docs, tmp_path / "site", cache)
    pages = {k: v for k, v in {**PAGES, **change}.items() if v is not None}
    _write(docs, pages)
    with pytest.raises(SiteBuildError) as cold:
        _build(docs, tmp_path / "cold", None)
    with pytest.raises(SiteBuildError) as cached:
        _build(docs, tmp_path / "cached", _saved(cache, tmp_path / "c.json"))
    assert "index.md" in str(cold.value)
    assert str(cached.value) == str(cold.value)


def test_an_extension_that_reads_files_turns_the_cache_off(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _write(docs, {**PAGES, "guide.md": PAGES["guide.md"] + '\n--8<-- "part.txt"\n'})
    (tmp_path / "part.txt").write_text("first\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    snippets = f"markdown_extensions:\n  - pymdownx.snippets:\n      base_path: [{tmp_path}]\n"
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("markdown_extensions:\n", snippets), encoding="utf-8")
    cache = PageCache()
    run_mkdocs(config, docs, tmp_path / "site", _nav(docs), "ru", cache)
    (tmp_path / "part.txt").write_text("second\n", encoding="utf-8")
    run_mkdocs(config, docs, tmp_path / "site", _nav(docs), "ru", cache)
    assert cache.hits == 0
    assert "second" in (tmp_path / "site" / "guide" / "index.html").read_text(encoding="utf-8")


def test_a_damaged_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"format": 1, "pages": [', encoding="utf-8")
    assert PageCache.load(path).pages == {}
    path.write_text('{"format": 0, "pages": {}, "search": {}}', encoding="utf-8")
    assert PageCache.load(path).pages == {}
