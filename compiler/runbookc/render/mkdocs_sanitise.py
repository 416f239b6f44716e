"""Where MkDocs meets the sanitiser (render/sanitise.py): a plugin runbookc adds to every
build and preview, whatever mkdocs.yml says.

`on_page_content` is the one place every page's HTML passes, whether Python-Markdown made
it just now or the page cache (engine/mkdocs_cache.py, an untrusted folder under build/)
handed it back, and it runs before the theme, the search index and the page HTML cache
read the content. A Python-Markdown postprocessor would run inside the conversion the page
cache replaces, so a tampered cache entry would skip it.
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page

from runbookc.render import sanitise


class SanitisePlugin(BasePlugin):
    """Registered by runbookc on every site config it loads; not a user-facing plugin."""

    @event_priority(-100)  # after every other plugin changed the content
    def on_page_content(self, html: str, *, page: Page, config: Any, files: Any) -> str:
        _clean_toc(page.toc)
        if page._title_from_render:
            page._title_from_render = sanitise.text(page._title_from_render)
        return sanitise.content(html)


def _clean_toc(items: Any) -> None:
    """Toc labels reach the theme's templates unescaped."""
    for item in items:
        item.title = sanitise.text(item.title)
        _clean_toc(item.children)


def attach(config: Any) -> None:
    config.plugins["runbookc/sanitise"] = SanitisePlugin()
