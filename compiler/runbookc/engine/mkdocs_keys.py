"""Cache keys for MkDocs' per-page work: stable digests of what that work reads.

A key is a digest of JSON data that is the same in every process, so a key computed in one
build finds the entry another build stored. A setting that has no stable text (a function
defined at run time) raises Unstable, and the caller then caches nothing.

The page HTML key names everything a page's template (mkdocs-material's main.html and its
partials) reads, split in two:

- the site key, once per build: every setting of mkdocs.yml except the paths of the docs
  and site dirs (a template that read them would make every build's pages differ), the
  theme's settings and the contents of its custom_dir, the plugins and their settings,
  the whole navigation (every section, link and page with its title, URL, source and front
  matter: the nav, the breadcrumbs and the previous/next links come from it), every
  documentation page's source and URL, and the versions of the libraries that render;
- the page's own part: its URL (which fixes its place in the nav), source, title, HTML
  content, table of contents, front matter, edit and canonical URLs, template, and what
  the plugins added to its template context (the tags plugin's tag links).

Only plugins whose page-context additions are known are allowed (Material's search and
tags, MkDocs' search, runbookc's own cache, sanitiser and edit links); with any other
plugin or hook nothing is cached. Material's templates do not read the build date
(`build_date_utc`); a custom_dir whose templates name it turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Iterable, Mapping
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any

from pathspec import PathSpec

RENDER_LIBRARIES = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
HTML_LIBRARIES = (*RENDER_LIBRARIES, "jinja2", "markupsafe", "babel")
HTML_PLUGINS = {
    "material.plugins.search.plugin.SearchPlugin",
    "material.plugins.tags.plugin.TagsPlugin",
    "mkdocs.contrib.search.SearchPlugin",
    "runbookc.engine.mkdocs_cache.CachePlugin",
    "runbookc.render.mkdocs_sanitise.SanitisePlugin",
    "runbookc.render.mkdocs_edit.EditLinksPlugin",  # adds nothing; edit_url is keyed
}
# Config entries no page template reads: where this build reads and writes, and the two
# entries keyed on their own (below).
UNREAD_SETTINGS = {"config_file_path", "docs_dir", "site_dir", "theme", "plugins"}
# What mkdocs.commands.build.get_context puts in every page's template context; all of it
# is in the key except `build_date_utc` (see above) and `mkdocs_version` (a library version).
CONTEXT = {"nav", "pages", "base_url", "extra_css", "extra_javascript", "config", "page"}
CONTEXT_UNKEYED = {"mkdocs_version", "build_date_utc"}


class Unstable(Exception):
    """A setting whose value has no stable text (so it cannot be part of a key)."""


def stable(value: Any) -> Any:
    """`value` as JSON-able data that is the same in every process, or Unstable."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return [[str(k), stable(v)] for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))]
    if isinstance(value, list | tuple | set | frozenset):
        items = [stable(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if isinstance(value, partial):
        return ["partial", stable(value.func), stable(value.args), stable(value.keywords)]
    if isinstance(value, types.FunctionType):
        cells = [c.cell_contents for c in value.__closure__ or ()]
        name = [value.__module__, value.__qualname__]
        return ["function", name, stable(value.__defaults__), stable(cells)]
    if isinstance(value, types.BuiltinFunctionType):
        return ["builtin", value.__module__, value.__qualname__]
    if isinstance(value, PathSpec):  # not_in_nav, exclude_docs: their patterns' text
        patterns = [[str(p.pattern), p.include] for p in value.patterns]
        return ["pathspec", _class_name(value), patterns]
    raise Unstable(repr(value))


def digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


@cache
def versions(names: tuple[str, ...] = RENDER_LIBRARIES) -> list[str]:
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} -")
    return found


def meta_text(meta: Mapping[str, Any]) -> str:
    """A page's front matter as text (YAML dates and the like by their str)."""
    return json.dumps(meta, sort_keys=True, default=str, ensure_ascii=False)


def toc_tokens(items: Any) -> list[dict[str, Any]]:
    return [
        {"level": a.level, "id": a.id, "name": a.title, "children": toc_tokens(a.children)}
        for a in items
    ]


def _class_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def _nav_item(item: Any) -> list[Any]:
    if item.is_page:
        src = item.file.src_uri
        return ["page", item.title, item.url, src, meta_text(item.meta), item.is_index]
    if item.is_section:
        return ["section", item.title, [_nav_item(child) for child in item.children]]
    return ["link", item.title, item.url]


def _tree(folder: Path) -> list[list[str]]:
    """Every file under `folder` with the digest of its bytes."""
    return [
        [path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()]
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def site_key(config: Any, nav: Any, pages: Iterable[Any]) -> str | None:
    """The part of every page's HTML key that is the same for all pages of this build, or
    None when a plugin, hook or setting cannot be keyed."""
    plugins = []
    for name, plugin in config.plugins.items():
        if _class_name(plugin) not in HTML_PLUGINS:
            return None
        plugins.append([name, _class_name(plugin), stable(dict(plugin.config))])
    theme = config.theme
    custom = []
    if theme.custom_dir:
        custom = _tree(Path(theme.custom_dir))
        for path in Path(theme.custom_dir).rglob("*"):
            if path.is_file() and b"build_date_utc" in path.read_bytes():
                return None
    settings = [[k, stable(v)] for k, v in config.items() if k not in UNREAD_SETTINGS]
    theme_settings = stable({k: str(v) if k == "locale" else v for k, v in theme.items()})
    listing = [[p.src_uri, p.url] for p in pages]
    homepage = nav.homepage.url if nav.homepage is not None else None
    return digest(
        versions(HTML_LIBRARIES),
        settings,
        [theme.name, theme.dirs, theme_settings, sorted(theme.static_templates), custom],
        plugins,
        [_nav_item(item) for item in nav.items],
        homepage,
        listing,
    )


def _tag(tag: Any) -> list[Any]:
    parent = _tag(tag.parent) if getattr(tag, "parent", None) is not None else None
    links = [[link.title, link.url] for link in getattr(tag, "links", [])]
    return [_class_name(tag), tag.name, tag.hidden, parent, links]


def page_key(site: str, context: Mapping[str, Any], page: Any, template: str) -> str | None:
    """The key of `page`'s HTML as its template renders it from `context`, or None when the
    context holds something this key does not name."""
    added = []
    for name in sorted(context.keys() - CONTEXT - CONTEXT_UNKEYED):
        value = context[name]
        if name != "tags" or not isinstance(value, list):  # the tags plugin's tag links
            return None
        added.append([name, [_tag(tag) for tag in value]])
    return digest(
        site,
        page.url,
        page.file.src_uri,
        page.title,
        page.content,
        toc_tokens(page.toc),
        meta_text(page.meta),
        page.edit_url,
        page.canonical_url,
        template,
        added,
    )
