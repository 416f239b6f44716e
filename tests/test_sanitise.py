"""The HTML sanitiser between Markdown and the page (render/sanitise.py): whatever the
linter missed and whatever the page cache hands back, a page's content, toc labels and
search entries hold only allow-listed markup."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import markdown
from conftest import ROOT, make_preview
from mkdocs.commands.build import build
from runbookc.config import load_settings
from runbookc.engine.mkdocs_cache import PageCache
from runbookc.render import sanitise
from runbookc.render.mkdocs_build import load_site_config
from runbookc.render.nav import build_nav
from xss_payloads import PAGES, PAYLOADS, build_site, unsafe_markup

SCRIPTED = '<img src=x onerror="alert(99)"><script>alert(98)</script>'


def _markdown(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "md_in_html", "toc", "tables"])


def test_every_payload_is_active_without_the_sanitiser_and_inert_with_it() -> None:
    html = _markdown(PAYLOADS)
    assert len(unsafe_markup(f"<article>{html}</article>")) >= 12
    assert unsafe_markup(f"<article>{sanitise.content(html)}</article>") == []


def test_what_pages_need_is_kept() -> None:
    html = (
        '<h2 id="x">T<a class="headerlink" href="#x" title="Permanent link">¶</a></h2>'
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input checked="checked"'
        ' id="__tabbed_1_1" name="__tabbed_1" type="radio"><div class="tabbed-labels">'
        '<label for="__tabbed_1_1">A</label></div></div>'
        '<details class="note" open><summary>S</summary><p>x</p></details>'
        '<p><img alt="a" src="data:image/png;base64,AAAA"> <a download href="../s.sh">s</a>'
        ' <a href="mailto:a@example.com">m</a> <abbr title="Hyper Text">HT</abbr></p>'
        '<span id="__span-0-1"><a id="__codelineno-0-1" name="__codelineno-0-1"'
        ' href="#__codelineno-0-1"></a><span class="nv">ns</span></span>'
    )
    cleaned = sanitise.content(html)
    for kept in (
        'id="x"',
        'class="headerlink" href="#x" title="Permanent link"',
        'data-tabs="1:2"',
        'type="radio"',
        'for="__tabbed_1_1"',
        "<details",
        'src="data:image/png;base64,AAAA"',
        'href="../s.sh"',
        'href="mailto:a@example.com"',
        'title="Hyper Text"',
        'id="__codelineno-0-1"',
        'class="nv"',
    ):
        assert kept in cleaned, kept


def test_ids_of_the_themes_own_elements_are_dropped() -> None:
    assert sanitise.content('<a id="__search">x</a>') == "<a>x</a>"


def test_built_payload_page_runs_nothing(tmp_path: Path) -> None:
    site = build_site(tmp_path)
    page = (site / "payloads" / "index.html").read_text(encoding="utf-8")
    assert unsafe_markup(page) == []
    assert "alert(14)" not in page  # the toc label
    assert "127.0.0.1:8999" not in page and "evil.example" not in page
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for entry in index["docs"]:
        assert "onerror" not in entry["title"] + entry["text"], entry


def _tamper(folder: Path, kind: str) -> int:
    """Put script into every cached entry of `kind` ("pages": a conversion's content, toc
    labels and title; "search": a page's search entries), as someone who can write
    build/cache/ could; returns how many entries were changed."""
    changed = 0
    with closing(sqlite3.connect(folder / "entries.sqlite")) as db:
        rows = db.execute("SELECT key, blob FROM entries WHERE key LIKE ?", (f"{kind}/%",))
        for key, blob in rows.fetchall():
            stored = json.loads(blob)  # [format, key, value] (cache.entry_blob)
            entry = stored[2]
            if kind == "pages":  # _Rendered as an array: content, toc, title, ...
                entry[0] += SCRIPTED
                entry[2] = SCRIPTED
                for token in entry[1]:  # _Toc: level, id, name, children
                    token[2] = SCRIPTED
            else:
                for item in entry:
                    item["title"] += SCRIPTED
                    item["text"] += SCRIPTED
                    item["location"] = "javascript:alert(97)"
            db.execute(
                "UPDATE entries SET blob = ? WHERE key = ?", (json.dumps(stored).encode(), key)
            )
            changed += 1
        db.commit()
    return changed


def _rebuild_from_tampered(tmp_path: Path, kind: str) -> tuple[Path, Path, PageCache]:
    cache = PageCache(tmp_path / "cache")
    cold = build_site(tmp_path / "cold", cache)
    cache.prune()
    assert _tamper(tmp_path / "cache", kind) == len(PAGES)
    cache = PageCache(tmp_path / "cache")
    return cold, build_site(tmp_path / "warm", cache), cache


def test_a_tampered_page_conversion_does_not_pass_the_sanitiser(tmp_path: Path) -> None:
    _, warm, cache = _rebuild_from_tampered(tmp_path, "pages")
    assert cache.hits == len(PAGES)  # the tampered conversions were used, and cleaned
    for name in ("index.html", "payloads/index.html", "tags/index.html"):
        page = (warm / name).read_text(encoding="utf-8")
        assert unsafe_markup(page) == [], name
        assert "alert(9" not in page, name


def test_a_tampered_search_entry_is_not_used(tmp_path: Path) -> None:
    cold, warm, cache = _rebuild_from_tampered(tmp_path, "search")
    assert cache.hits == len(PAGES)
    index = (warm / "search" / "search_index.json").read_text(encoding="utf-8")
    assert index == (cold / "search" / "search_index.json").read_text(encoding="utf-8")


def test_front_matter_payloads_stay_text_on_a_served_page(tmp_path: Path, monkeypatch) -> None:
    """Title (nav, <title>, header, h1), tags and metadata cells of a document with lint
    errors, rendered by `serve`'s Preview and built with the config `serve` loads."""
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "runbooks" / "ops" / "ai_slot_build_runbook.md"
    payload = '"<img src=x onerror=alert(1)>"'
    text = source.read_text(encoding="utf-8").replace("owner_role: SRE", f"owner_role: {payload}")
    text = text.replace(
        'title: "AI Slot', f'tags: [{payload}]\ntitle: "<script>alert(2)</script>AI'
    )
    source.write_text(text, encoding="utf-8")
    preview = make_preview(replace(load_settings(), output=str(tmp_path / "out")))
    try:
        preview.sync()
        assert preview.site is not None
        config, _ = load_site_config(
            ROOT / "mkdocs.yml", preview.docs_dir, preview.site_dir, build_nav(preview.site), "ru"
        )
        build(config)
        page = (preview.site_dir / "ops" / "ai_slot_build_runbook" / "index.html").read_text()
    finally:
        preview.close()
    assert "&lt;script&gt;alert(2)" in page  # shown as text
    assert "<script>alert(2)" not in page
    assert "<img src=x onerror" not in page and '<img src="x"' not in page
    assert unsafe_markup(page) == []
