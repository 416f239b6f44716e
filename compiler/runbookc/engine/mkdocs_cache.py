"""Reusing MkDocs' per-page work across builds, without changing a byte of the site.

Profiled on 361 generated pages, converting Markdown to HTML is about 60% of `mkdocs
build` and Material's search plugin parsing that HTML again for its index about 18%. Both
are pure functions of inputs that can be named, so a small plugin of ours memoises them:

- `Page.render` (Markdown -> HTML, table of contents, anchors, links to other pages'
  anchors, and the log lines it emits) is keyed by the page's Markdown as the plugins left
  it, the page's own path and URL, every file's path, URL and inclusion, the Markdown
  extensions and their settings, the link validation settings, the log level and the
  versions of the libraries involved;
- the search plugin's entries for a page are keyed by the page's HTML, URL, title, table of
  contents, front matter and the search settings;
- a page's final HTML (mkdocs-material's template: on 1,000 generated pages, most of a
  rebuild once the first two are reused, the navigation alone over half) is keyed by
  everything the template reads (render/mkdocs_keys.py: the page's own content, and a
  site-wide key of the whole nav, every page's title, URL and front matter, the settings,
  theme and plugins). The entry is the size and digest of the bytes; the bytes are the
  previous site's file, so a hit needs that file and reads it back.

Everything else runs as usual: every plugin event for every page, the full search index,
tags and MkDocs' anchor checks (against the restored anchors). A build whose Markdown
extensions include one that reads other files (snippets) or whose settings cannot be
written down stably (a function defined at run time) converts every page; one with a
plugin or hook the HTML key does not know renders every page's template. Entries are kept
in one SQLite file under the cache folder; only the entries the last build used are kept.
They are plain data (engine/mkdocs_store.py; cache.entry_blob: JSON with the format and
their key), read back strictly against their kind's type (a restored cache is untrusted
input: an entry of another shape is a miss). Jinja's compiled templates are not kept on
disk (they would be code loaded from the cache).

The plugin reaches into MkDocs and mkdocs-material: it replaces a page's `render`, reads
and restores `Page._title_from_render`, subclasses the theme environment's Jinja
`Template` class, and wraps Material's search index. PATCHED names the versions it was
written for; pyproject.toml pins the same ranges, a test fails when the installed versions
leave them, and outside them `attach` adds nothing: MkDocs builds as it would alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from runbookc.engine.mkdocs_keys import (
    Unstable,
    digest,
    meta_text,
    page_key,
    site_key,
    stable,
    toc_tokens,
    versions,
)
from runbookc.engine.mkdocs_store import PageCache, Rendered, from_toc, html_entry, to_toc
from runbookc.render import sanitise
from runbookc.reuse import link, reuse, reuse_file

# What the rest of runbookc uses: a store, and attaching it to a loaded MkDocs config.
__all__ = ["PageCache", "attach"]

# The releases whose internals the plugin patches, per distribution: from the first
# (inclusive) to the second (exclusive), as leading version numbers.
PATCHED: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "mkdocs": ((1, 6), (1, 7)),
    "mkdocs-material": ((9, 5), (10,)),
}


def release(version: str) -> tuple[int, ...]:
    """The leading numbers of a version string ("9.8.2rc1" -> (9, 8, 2))."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match[0].split(".")) if match else ()


def patchable() -> bool:
    """Whether the installed MkDocs and mkdocs-material are releases the plugin patches."""
    for name, (first, stop) in PATCHED.items():
        try:
            installed = release(metadata.version(name))
        except metadata.PackageNotFoundError:
            return False
        if not first <= installed < stop:
            return False
    return True


# Extensions whose output is a function of the page's text and their settings only.
PURE_PREFIXES = ("markdown.extensions.", "pymdownx.", "material.extensions.")
BUILTIN = {
    *("abbr", "admonition", "attr_list", "def_list", "extra", "fenced_code", "footnotes"),
    *("legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty"),
    *("tables", "toc", "wikilinks", "codehilite"),
}
READS_FILES = {"pymdownx.snippets", "pymdownx.b64"}


def _pure(extension: Any) -> bool:
    if not isinstance(extension, str) or extension in READS_FILES:
        return False
    return extension in BUILTIN or extension.startswith(PURE_PREFIXES)


class _Record(logging.Handler):
    """The log lines one page's conversion emits, to be emitted again when it is reused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[str, int, str]] = []
        self._seen: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) not in self._seen:  # seen once per logger it propagates through
            self._seen.add(id(record))
            self.lines.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def _recording() -> Iterator[_Record]:
    handler = _Record()
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _named(anchors: Iterable[object] | None) -> list[str]:
    """The anchors a link can name. MkDocs scans a page's whole Markdown for raw HTML ids,
    code spans included, so `<your request's id>` in a code span adds the valueless `id`
    as None: no link names it (MkDocs compares strings), so it is no anchor."""
    return sorted(a for a in anchors or () if isinstance(a, str))


class CachePlugin(BasePlugin):
    """Registered by runbookc for one build (see `attach`); not a user-facing plugin."""

    def __init__(self, store: PageCache, previous_site: Path | None) -> None:
        super().__init__()
        self.store = store
        self.previous_site = previous_site
        self.render_base: str | None = None  # None: this build's renders are not cached
        self.html_base: str | None = None  # None: this build's page HTML is not cached
        self.docs_dir = Path()  # the build's own (on_files)
        self.html_base_known = False  # html_base is computed once every page has its title
        # (context, page, key) from on_page_context, for the template render that follows
        self.pending: tuple[Any, Page, str] | None = None

    @event_priority(-100)  # after every other plugin added its files
    def on_files(self, files: Any, *, config: Any) -> Any:
        self.docs_dir = Path(config["docs_dir"])
        if self.previous_site is not None:
            for file in files:
                if not file.is_documentation_page() and file.abs_src_path is not None:
                    file.copy_file = partial(self._copy_file, file)
        return files

    @event_priority(-100)  # after every other plugin changed the files and the config
    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        self.render_base = self._render_base(config, files)
        self._wrap_search(config)
        return nav

    def _render_base(self, config: Any, files: Any) -> str | None:
        extensions = config["markdown_extensions"]
        if not all(_pure(e) for e in extensions):
            return None
        try:
            settings = stable([extensions, config["mdx_configs"], config["validation"]])
        except Unstable:
            return None
        listing = [[f.src_uri, f.url, str(f.inclusion)] for f in files]
        level = logging.getLogger("mkdocs").getEffectiveLevel()
        return digest(versions(), settings, config["use_directory_urls"], level, listing)

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        """Templates do not change during a build: skip jinja's check of each template file
        on every include (thousands per page). Their compiled code is not kept for the next
        build: jinja's bytecode cache loads code from disk."""
        env.auto_reload = False
        env.template_class = self._template_class(env.template_class)
        if env.cache is not None:
            env.cache.clear()  # templates loaded before this event are loaded again
        return env

    def _template_class(self, base: type[Any]) -> type[Any]:
        """A jinja Template class whose rendering of the page context that on_page_context
        keyed goes through the page HTML cache; every other rendering is jinja's own."""
        plugin = self

        class CachedTemplate(base):
            def render(self, *args: Any, **kwargs: Any) -> str:
                pending = plugin.pending
                if pending is None or kwargs or len(args) != 1 or args[0] is not pending[0]:
                    return base.render(self, *args, **kwargs)
                plugin.pending = None
                _, page, key = pending
                return plugin._page_html(page, key, lambda: base.render(self, *args))

        return CachedTemplate

    @event_priority(-100)  # the context as every other plugin left it
    def on_page_context(self, context: Any, *, page: Page, config: Any, nav: Any) -> Any:
        self.pending = None
        if not self.html_base_known:
            self.html_base_known = True
            try:
                self.html_base = site_key(config, nav, context["pages"])
            except Unstable:
                self.html_base = None
        if self.html_base is None or page.file.inclusion.is_excluded():
            return context
        template = page.meta.get("template", "main.html")
        try:
            key = page_key(self.html_base, context, page, template)
        except Unstable:
            key = None
        if key is not None:
            self.pending = (context, page, key)
        return context

    def _page_html(self, page: Page, key: str, render: Callable[[], str]) -> str:
        """The page's HTML: the previous site's file when the entry under `key` describes
        its bytes, else `render()` (and the entry is written for the next build)."""
        entry = self.store.get("html", key)
        if entry is not None and self.previous_site is not None:
            previous = self.previous_site / page.file.dest_uri
            try:
                data = previous.read_bytes()
            except OSError:
                data = None
            if data is not None and entry == html_entry(data):
                self.store.html_hits += 1
                return data.decode("utf-8")
        self.store.html_misses += 1
        output = render()
        self.store.put("html", key, html_entry(output.encode("utf-8", "xmlcharrefreplace")))
        return output

    def on_pre_page(self, page: Page, *, config: Any, files: Any) -> Page:
        if self.render_base is not None:
            page.render = partial(self._render, page)  # type: ignore[method-assign]
        return page

    def _render(self, page: Page, config: Any, files: Any) -> None:
        file = page.file
        key = digest(self.render_base, file.src_uri, file.url, page.markdown)
        entry = self.store.get("pages", key)
        if entry is None:
            self.store.misses += 1
            with _recording() as recorded:
                Page.render(page, config, files)
            links = page.links_to_anchors or {}
            entry = Rendered(
                content=page.content,
                toc=to_toc(toc_tokens(page.toc)),
                title=page._title_from_render,
                anchors=_named(page.present_anchor_ids),
                links={target.src_uri: dict(anchors) for target, anchors in links.items()},
                log=recorded.lines,
            )
            self.store.put("pages", key, entry)
            return
        self.store.hits += 1
        for name, level, message in entry.log:
            logging.getLogger(name).log(level, message)
        page.content = entry.content
        page.toc = get_toc(from_toc(entry.toc))  # type: ignore[arg-type]  # dicts with the keys of mkdocs' private _TocToken
        page._title_from_render = entry.title
        page.present_anchor_ids = set(entry.anchors)
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            targets = {src: files.get_file_from_path(src) for src in entry.links}
            page.links_to_anchors = {
                target: entry.links[src] for src, target in targets.items() if target is not None
            }

    def _wrap_search(self, config: Any) -> None:
        """Memoise Material's search plugin's per-page indexing, if it is the one in use."""
        plugin = config.plugins.get("material/search")
        index = getattr(plugin, "search_index", None)
        add = getattr(index, "add_entry_from_context", None)
        if index is None or add is None or not isinstance(getattr(index, "entries", None), list):
            return
        from material.plugins.search import plugin as search_module

        try:
            settings = stable(index.config)
        except Unstable:
            return
        base = digest(versions(), settings, search_module.jieba is not None)
        index.add_entry_from_context = self._memo_search(index, add, base)

    def _memo_search(self, index: Any, add: Callable[[Page], None], base: str) -> Any:
        def add_entry(page: Page) -> None:
            meta = meta_text(page.meta)
            toc = toc_tokens(page.toc)
            key = digest(base, page.url, page.title, meta, toc, page.content)
            entries = self.store.get("search", key)
            if not _plain_search(entries, page):
                before = len(index.entries)
                add(page)
                self.store.put("search", key, index.entries[before:])
            else:
                index.entries.extend(entries)

        return add_entry

    # -- output: a file the previous build wrote with the same bytes is linked, not written.
    # Retiring the previous site then frees only what changed (on this machine's disks,
    # deleting 100 MB of old pages took longer than building them).

    @event_priority(-100)  # the page as every other plugin left it
    def on_post_page(self, output: str, *, page: Page, config: Any) -> str:
        if self.previous_site is None:
            return output
        data = output.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
        previous = self.previous_site / page.file.dest_uri
        if reuse(previous, Path(page.file.abs_dest_path), data):
            return ""  # MkDocs writes no file for an empty page: the link is the page
        return output

    def _copy_file(self, file: Any, dirty: bool = False) -> None:
        """The previous site's file when the bytes are the same, else a hard link to the
        docs dir's: a build's docs dir is its own generation, whose files are replaced,
        never written through (render/docs_dir), so a link is as good as a copy (on 1,000
        documents, a copy of 52 MB of scripts). Files from elsewhere (the theme's) are
        copied."""
        previous = self.previous_site / file.dest_uri
        source, target = Path(file.abs_src_path), Path(file.abs_dest_path)
        if reuse_file(previous, source, target):
            return
        if not dirty and source.is_relative_to(self.docs_dir) and link(source, target):
            return
        type(file).copy_file(file, dirty)


_SEARCH_KEYS = {"location", "title", "text", "tags", "boost"}


def _plain_search(entries: Any, page: Page) -> bool:
    """Whether cached search entries could be what Material's indexer made of `page`: the
    search results show their title, text and tags as HTML, so an entry from the cache
    (an untrusted folder) is used only when each is what the sanitiser would leave of it
    and its location is on the page; any other entry counts as a miss."""
    if not isinstance(entries, list):
        return False
    for entry in entries:
        if not isinstance(entry, dict) or not entry.keys() <= _SEARCH_KEYS:
            return False
        location, title, text = entry.get("location"), entry.get("title"), entry.get("text")
        if not (isinstance(location, str) and isinstance(title, str) and isinstance(text, str)):
            return False
        if location != page.url and not location.startswith(page.url + "#"):
            return False
        if not (_kept(sanitise.search_text, title) and _kept(sanitise.search_text, text)):
            return False
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or any(
            not isinstance(tag, str) or not _kept(sanitise.text, tag) for tag in tags
        ):
            return False
        if not isinstance(entry.get("boost", 0), int | float):
            return False
    return True


def _kept(clean: Callable[[str], str], value: str) -> bool:
    """Whether `clean` leaves `value` as it is (it writes U+00A0 as `&nbsp;`, Material's
    indexer as the character)."""
    return clean(value) == value.replace("\xa0", "&nbsp;")


def attach(config: Any, store: PageCache, previous_site: Path | None = None) -> bool:
    """Register the cache on a loaded MkDocs config, after the plugins it names; with
    `previous_site`, unchanged output files are hard-linked from there. Whether it did:
    with MkDocs or mkdocs-material outside PATCHED it does not (a plain build)."""
    if not patchable():
        return False
    config.plugins["runbookc/page-cache"] = CachePlugin(store, previous_site)
    return True


def memo(store: PageCache, previous_site: Path | None = None) -> Callable[[Any], bool]:
    """`attach` for render.mkdocs_build.run_mkdocs's `plugins`: the memo on a build."""
    return partial(attach, store=store, previous_site=previous_site)
