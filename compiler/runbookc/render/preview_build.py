"""The preview's MkDocs builds after an edit: only the pages the edit changed.

A full MkDocs build renders every page's template (each one the whole navigation) and first
empties the site dir: about 6 s on 1,000 documents, for one saved runbook. After an edit
the preview (render/preview.py) has rewritten only the pages whose text changed, so MkDocs'
dirty build reads, converts and writes just those (the files newer than their HTML), and
the static files likewise. What a dirty build gets wrong on its own, this plugin keeps
right from the build before:

- the search index: Material's plugin indexes only the pages it rendered (and its own
  merge assumes one page); the entries of every other page are carried over;
- the tags: the tags plugin learns a page's tags when it reads it; every page not read is
  handed to it with its front matter from before, and the tags page is always rebuilt;
- the titles of pages not read (the nav, breadcrumbs and footer links of the rebuilt
  pages show them): restored from before.

A change to the navigation (a title, a page added or removed), to the site's own files or
config, is a full build (`PreviewState.needs_full`). So a dirty build renders none of the
theme's static templates (the 404 page shows the nav, the sitemap lists the pages: both as
the build before wrote them), and the theme's templates are compiled once per preview,
not once per build (Jinja's bytecode cache, in `PreviewState.templates`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority

from runbookc.render.paths import TAGS


@dataclass
class Read:
    """What a build learnt of a page by reading it."""

    markdown: str
    meta: dict[str, Any]
    title: str | None


@dataclass
class PreviewState:
    """Kept from one preview build to the next."""

    nav: list[Any] | None = None  # the navigation of the last build
    pages: dict[str, Read] = field(default_factory=dict)  # page URL -> what was read
    search: list[dict[str, Any]] = field(default_factory=list)  # the last search index
    built: list[str] = field(default_factory=list)  # pages (src paths) the last build wrote
    partial: bool = False  # whether the last build was a dirty one
    rendered: list[str] = field(default_factory=list)  # static templates the last build wrote
    templates: str | None = None  # a dir for the compiled templates, kept across builds

    def needs_full(self, nav: list[Any], affected: set[str]) -> bool:
        """Whether a build must render every page: the first, one after a change of the
        navigation, and one where no source changed (`affected` is empty: the site's own
        files or its config did)."""
        return self.nav is None or nav != self.nav or not affected


def _search_plugin(config: Any) -> Any:
    from material.plugins.search.plugin import SearchPlugin

    found = [p for p in config.plugins.values() if isinstance(p, SearchPlugin)]
    return found[0] if found and found[0].config.enabled else None


def _tags_plugin(config: Any) -> Any:
    from material.plugins.tags.plugin import TagsPlugin

    found = [p for p in config.plugins.values() if isinstance(p, TagsPlugin)]
    return found[0] if found and found[0].config.enabled else None


class PreviewPlugin(BasePlugin):
    """Registered by `runbookc serve` on each build; not a user-facing plugin."""

    def __init__(self, state: PreviewState, partial: bool) -> None:
        super().__init__()
        self.state = state
        self.partial = partial
        self.pages: list[Any] = []
        self.read: set[str] = set()
        self.built: list[str] = []
        self.rendered: list[str] = []

    def on_config(self, config: Any) -> Any:
        if self.partial:  # their output is the build before's: the nav and pages are the same
            config.theme.static_templates.clear()
        return config

    def on_pre_template(self, template: Any, *, template_name: str, **_: Any) -> Any:
        self.rendered.append(template_name)
        return template

    def on_page_content(self, html: str, *, page: Any, **_: Any) -> str:
        self.read.add(page.url)
        return html

    @event_priority(110)  # before the tags plugin fills its listings (100)
    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        if self.state.templates is not None:
            from jinja2 import FileSystemBytecodeCache

            env.bytecode_cache = FileSystemBytecodeCache(self.state.templates)
        self.pages = [file.page for file in files.documentation_pages() if file.page]
        tags = _tags_plugin(config)
        for page in self.pages:
            if page.url in self.read:
                self.state.pages[page.url] = Read(
                    page.markdown or "", dict(page.meta), page._title_from_render
                )
                continue
            before = self.state.pages.get(page.url)
            if not self.partial or before is None:
                continue
            page.markdown, page.meta = before.markdown, dict(before.meta)
            page._title_from_render = before.title
            if tags is not None and tags.filter(page.file):
                tags.mappings.add(page, before.markdown)
        return env

    def on_page_context(self, context: Any, *, page: Any, **_: Any) -> Any:
        self.built.append(page.file.src_uri)
        return context

    @event_priority(100)  # before the search plugin writes its index (0)
    def on_post_build(self, *, config: Any) -> None:
        search = _search_plugin(config)
        if search is not None:
            index = search.search_index
            if self.partial:
                rebuilt = {self._page_of(e) for e in index.entries}
                rebuilt |= {p.url for p in self.pages if p.url in self.read}
                current = {p.url for p in self.pages}
                kept = [
                    entry
                    for entry in self.state.search
                    if self._page_of(entry) in current and self._page_of(entry) not in rebuilt
                ]
                index.entries = kept + index.entries
            search.search_index_prev = None  # Material's own merge assumes one page
            self.state.search = list(index.entries)
        self.state.built, self.state.rendered = self.built, self.rendered

    @staticmethod
    def _page_of(entry: dict[str, Any]) -> str:
        return str(entry.get("location", "")).split("#", 1)[0]


def mark_for_rebuild(docs_dir: os.PathLike[str] | str, pages: set[str]) -> None:
    """Make `pages` (and the tags page, whose listings name every page's tags) newer than
    their HTML, so that a dirty build rebuilds them whatever the clock's granularity."""
    for page in {*pages, TAGS}:
        path = os.path.join(docs_dir, page)
        if os.path.isfile(path):
            os.utime(path)


def attach(config: Any, state: PreviewState, partial: bool) -> None:
    config.plugins["runbookc/preview"] = PreviewPlugin(state, partial)
