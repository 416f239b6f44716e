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
  contents, front matter and the search settings.

Everything else runs as usual: every plugin event for every page, every page's template,
the full search index, tags and MkDocs' anchor checks (against the restored anchors). A
build whose Markdown extensions include one that reads other files (snippets) or whose
settings cannot be written down stably (a function defined at run time) caches nothing.
Entries live in one JSON file the caller loads before and saves after a successful build;
only the entries the build used are saved.
"""

from __future__ import annotations

import hashlib
import json
import logging
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from runbookc.cache import write_atomic
from runbookc.publish import reuse, reuse_file

FORMAT = 1
LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
# Extensions whose output is a function of the page's text and their settings only.
PURE_PREFIXES = ("markdown.extensions.", "pymdownx.", "material.extensions.")
BUILTIN = {
    *("abbr", "admonition", "attr_list", "def_list", "extra", "fenced_code", "footnotes"),
    *("legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty"),
    *("tables", "toc", "wikilinks", "codehilite"),
}
READS_FILES = {"pymdownx.snippets", "pymdownx.b64"}


class Unstable(Exception):
    """A setting whose value has no stable text (so it cannot be part of a key)."""


def _stable(value: Any) -> Any:
    """`value` as JSON-able data that is the same in every process, or Unstable."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return [[str(k), _stable(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, list | tuple | set | frozenset):
        items = [_stable(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if isinstance(value, partial):
        return ["partial", _stable(value.func), _stable(value.args), _stable(value.keywords)]
    if isinstance(value, types.FunctionType):
        cells = [c.cell_contents for c in value.__closure__ or ()]
        name = [value.__module__, value.__qualname__]
        return ["function", name, _stable(value.__defaults__), _stable(cells)]
    if isinstance(value, types.BuiltinFunctionType):
        return ["builtin", value.__module__, value.__qualname__]
    raise Unstable(repr(value))


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


@cache
def _versions() -> list[str]:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return found


def _pure(extension: Any) -> bool:
    if not isinstance(extension, str) or extension in READS_FILES:
        return False
    return extension in BUILTIN or extension.startswith(PURE_PREFIXES)


def _toc_tokens(items: Any) -> list[dict[str, Any]]:
    return [
        {"level": a.level, "id": a.id, "name": a.title, "children": _toc_tokens(a.children)}
        for a in items
    ]


class _Record(logging.Handler):
    """The log lines one page's conversion emits, to be emitted again when it is reused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[list[Any]] = []
        self._seen: set[int] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if id(record) not in self._seen:  # seen once per logger it propagates through
            self._seen.add(id(record))
            self.lines.append([record.name, record.levelno, record.getMessage()])


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


class PageCache:
    """Entries by kind ("pages", "search") and key, kept in memory and, given a `folder`, one
    JSON file per entry there: an unchanged page's entry is never written again."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.memory: dict[tuple[str, str], Any] = {}
        self.used: set[tuple[str, str]] = set()
        self.hits = 0
        self.misses = 0

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        return self.folder / kind / f"{key}.json"

    def get(self, kind: str, key: str) -> Any | None:
        """The entry, or None when there is none (or its file cannot be read back)."""
        self.used.add((kind, key))
        if (kind, key) in self.memory:
            return self.memory[kind, key]
        if self.folder is None:
            return None
        try:
            value = json.loads(self._path(kind, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        self.memory[kind, key] = value
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        self.used.add((kind, key))
        self.memory[kind, key] = value
        if self.folder is not None:
            write_atomic(self._path(kind, key), json.dumps(value, ensure_ascii=False).encode())

    def prune(self) -> None:
        """Forget the entries the last build did not use (its pages changed or went away)."""
        self.memory = {k: v for k, v in self.memory.items() if k in self.used}
        if self.folder is not None:
            for path in self.folder.glob("*/*.json"):
                if (path.parent.name, path.stem) not in self.used:
                    path.unlink(missing_ok=True)
        self.used = set()


class CachePlugin(BasePlugin):  # type: ignore[type-arg]
    """Registered by runbookc for one build (see `attach`); not a user-facing plugin."""

    def __init__(self, store: PageCache, previous_site: Path | None) -> None:
        super().__init__()
        self.store = store
        self.previous_site = previous_site
        self.render_base: str | None = None  # None: this build's renders are not cached

    @event_priority(-100)  # after every other plugin added its files
    def on_files(self, files: Any, *, config: Any) -> Any:
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
            settings = _stable([extensions, config["mdx_configs"], config["validation"]])
        except Unstable:
            return None
        listing = [[f.src_uri, f.url, str(f.inclusion)] for f in files]
        level = logging.getLogger("mkdocs").getEffectiveLevel()
        return _digest(_versions(), settings, config["use_directory_urls"], level, listing)

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        """Templates do not change during a build: skip jinja's check of each template file
        on every include (thousands per page), and keep their compiled code (jinja's own
        cache, keyed by the template's source) for the next build."""
        from jinja2 import FileSystemBytecodeCache

        env.auto_reload = False
        if self.store.folder is not None:
            folder = self.store.folder / "jinja"
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = FileSystemBytecodeCache(str(folder))
        return env

    def on_pre_page(self, page: Page, *, config: Any, files: Any) -> Page:
        if self.render_base is not None:
            page.render = partial(self._render, page)  # type: ignore[method-assign]
        return page

    def _render(self, page: Page, config: Any, files: Any) -> None:
        file = page.file
        key = _digest(self.render_base, file.src_uri, file.url, page.markdown)
        entry = self.store.get("pages", key)
        if entry is None:
            self.store.misses += 1
            with _recording() as recorded:
                Page.render(page, config, files)
            links = page.links_to_anchors or {}
            entry = {
                "content": page.content,
                "toc": _toc_tokens(page.toc),
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": {target.src_uri: anchors for target, anchors in links.items()},
                "log": recorded.lines,
            }
            self.store.put("pages", key, entry)
            return
        self.store.hits += 1
        for name, level, message in entry["log"]:
            logging.getLogger(name).log(level, message)
        page.content = entry["content"]
        page.toc = get_toc(entry["toc"])
        page._title_from_render = entry["title"]
        page.present_anchor_ids = set(entry["anchors"])
        if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = {
                files.get_file_from_path(src): anchors for src, anchors in entry["links"].items()
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
            settings = _stable(index.config)
        except Unstable:
            return
        base = _digest(_versions(), settings, search_module.jieba is not None)
        index.add_entry_from_context = self._memo_search(index, add, base)

    def _memo_search(self, index: Any, add: Callable[[Page], None], base: str) -> Any:
        def add_entry(page: Page) -> None:
            meta = json.dumps(page.meta, sort_keys=True, default=str, ensure_ascii=False)
            toc = _toc_tokens(page.toc)
            key = _digest(base, page.url, page.title, meta, toc, page.content)
            entries = self.store.get("search", key)
            if entries is None:
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
        previous = self.previous_site / file.dest_uri  # type: ignore[operator]
        source, target = Path(file.abs_src_path), Path(file.abs_dest_path)
        if not reuse_file(previous, source, target):
            type(file).copy_file(file, dirty)


def attach(config: Any, store: PageCache, previous_site: Path | None = None) -> None:
    """Register the cache on a loaded MkDocs config, after the plugins it names; with
    `previous_site`, unchanged output files are hard-linked from there."""
    config.plugins["runbookc/page-cache"] = CachePlugin(store, previous_site)
