"""The wall between what a document says and what a reader's browser runs.

Every page's content HTML (what Python-Markdown made of the page, or what a cache says it
made) passes through an allow-list sanitiser (nh3, the Ammonia bindings) before the theme
wraps it: whatever the linter concluded, only the tags and attributes below reach the page,
links keep safe schemes, and images load from http(s), relative paths or raster data: URLs.
The lists are what Material's pages and our templates produce (headings with ids, tables,
admonitions and details, content tabs, highlighted code with line anchors, abbreviations,
definition lists); nothing here runs script, loads a frame, rebases the page's URLs (base)
or redirects it (meta).

Text that the theme inserts as HTML outside the content (table of contents labels, the title
a render found, the search index) is cleaned by `text` and `search_text`.
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    *("a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup"),
    *("dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label"),
    *("li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub"),
    *("summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"),
    "var",
}
_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name", "download"},
    "abbr": set(),
    "details": {"open"},
    "div": {"data-tabs"},  # pymdownx.tabbed: Material's JS reads the tab count
    "img": {"src", "alt", "width", "height", "loading"},
    "input": {"checked", "name"},  # content tabs: radio buttons (`type` is set below)
    "label": {"for"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "col": {"span"},
}
_SCHEMES = {"http", "https", "mailto", "data"}  # data: only for raster images (_url)
_RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp|avif);", re.IGNORECASE)
# Ids of Material's own elements start with "__" (__search, __drawer, __toc, ...): a page
# element with such an id would stand in for them. Code line anchors and tabs are its own.
_OWN_IDS = ("__codelineno-", "__tabbed_", "__span-")
# Search results show the index's title and text as HTML: the tags Material's indexer keeps.
_SEARCH_TAGS = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}


def _attribute(tag: str, name: str, value: str) -> str | None:
    """Per-attribute policy beyond the lists: which URLs, ids and titles pass."""
    if name == "src" and value.lower().startswith("data:"):
        return value if _RASTER_DATA.match(value) else None
    if name == "href" and value.lower().startswith("data:"):
        return None
    if name == "id" and value.startswith("__") and not value.startswith(_OWN_IDS):
        return None
    if name == "title" and "<" in value:
        return None  # Material's tooltips (content.tooltips) insert a title as HTML
    return value


def content(html: str) -> str:
    """A page's content HTML with everything outside the allow-list removed."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes=_SCHEMES,
        link_rel=None,
        set_tag_attribute_values={"input": {"type": "radio"}},
        filter_style_properties={"text-align"},
    )


def text(html: str) -> str:
    """Inline text that the theme inserts as HTML (a toc label, a title): no tags at all."""
    return nh3.clean(html, tags=set(), clean_content_tags={"script", "style"}, attributes={})


def search_text(html: str) -> str:
    """A search entry's title or text: the tags Material's indexer keeps, no attributes."""
    return nh3.clean(html, tags=_SEARCH_TAGS, clean_content_tags={"script", "style"}, attributes={})
