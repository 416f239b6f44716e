"""Where each page lives in the docs dir, and relative links between pages.

A document's page mirrors its path under the source dir (runbooks/ops/x.md -> ops/x.md), so
the relative links authors write between documents keep working on the site unchanged.
Generated pages take a few reserved names next to them.
"""

from __future__ import annotations

from urllib.parse import quote

from runbookc import doctypes

HOME = "index.md"
TAGS = "tags.md"
RULES = "rules/index.md"
# Folders the compiler fills itself: no document page may live under them.
GENERATED_DIRS = ("rules/", "scripts/", "stylesheets/")


def indexes() -> list[str]:
    """The document types' index pages (doctypes: `index`), in nav order."""
    return [doc_type.index for doc_type in doctypes.on_site()]


def reserved() -> frozenset[str]:
    """The generated pages outside GENERATED_DIRS."""
    return frozenset({HOME, TAGS, *indexes()})


class PageCollision(Exception):
    """A document's page path is taken by a generated page."""


def document_page(relative: str, display: str) -> str:
    """The docs-dir page of a document at `relative` (its path under the source dir);
    `display` names the file in the error when a generated page has that path."""
    taken = reserved()
    if relative in taken or relative.startswith(GENERATED_DIRS):
        raise PageCollision(
            f"{display}: its page {relative} would replace a generated page; "
            f"rename or move the file (reserved: {', '.join(sorted(taken))}, "
            f"{', '.join(GENERATED_DIRS)})"
        )
    return relative


def rule_page(code: str) -> str:
    return f"rules/{code}.md"


def href(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative Markdown link target from one page (or file) to another."""
    target = "" if to_page == from_page else _relative(to_page, from_page)
    target = quote(target, safe="/._-~")
    return f"{target}#{anchor}" if anchor else target or "#"


def _relative(to_page: str, from_page: str) -> str:
    """posixpath.relpath(to_page, dirname(from_page)) for docs-dir paths, which are relative
    and normalised (no `.`, `..` or doubled slashes): a page links to a dozen others, and
    relpath makes both absolute first (a fifth of rendering a page)."""
    *folder, _ = from_page.split("/")
    parts = to_page.split("/")
    common = 0
    while common < min(len(folder), len(parts) - 1) and folder[common] == parts[common]:
        common += 1
    return "/".join([".."] * (len(folder) - common) + parts[common:])
