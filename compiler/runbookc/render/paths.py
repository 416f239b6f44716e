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
SCRIPTS = "scripts/index.md"  # a static host serves /scripts/ only with an index page
# Folders the compiler fills itself: no document page or copied file may live under them.
GENERATED_DIRS = ("rules/", "scripts/", "stylesheets/")
# MkDocs leaves these out of a site (its default `exclude_docs`: dot names anywhere, the
# top-level templates/ folder), so a page or file there would be missing.
_EXCLUDED_TOP = "templates/"


def indexes() -> list[str]:
    """The document types' index pages (doctypes: `index`), in nav order."""
    return [doc_type.index for doc_type in doctypes.on_site()]


def reserved() -> frozenset[str]:
    """The generated pages outside GENERATED_DIRS."""
    return frozenset({HOME, TAGS, *indexes()})


class PageCollision(Exception):
    """A document's page path is taken by a generated page."""


def page_url(page: str) -> str:
    """The folder-style URL MkDocs serves a docs-dir page at (use_directory_urls):
    `ops/x.md` -> `ops/x/`; `ops/index.md` and `ops/README.md` -> `ops/`. Two pages with one
    URL are one page to MkDocs: it drops one of them."""
    stem = page.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        return f"{folder}/" if folder else ""
    return f"{stem}/"


def file_conflict(relative: str) -> str | None:
    """Why a file at `relative` in the docs dir (a page or a copied file) would not be on
    the site as written; None when it would be."""
    if relative.startswith(GENERATED_DIRS):
        return f"the site's {relative.split('/')[0]}/ folder is generated, and would replace it"
    if relative.startswith(_EXCLUDED_TOP) or any(p.startswith(".") for p in relative.split("/")):
        return "MkDocs leaves hidden names and the top-level templates/ folder out of the site"
    return None


def generated_urls() -> dict[str, str]:
    """The URL of each generated page outside GENERATED_DIRS -> that page."""
    return {page_url(page): page for page in reserved()}


def page_conflict(relative: str, generated_at: dict[str, str] | None = None) -> str | None:
    """Why a document at `relative` (its path under the source dir) cannot have its page
    there: a generated page has that URL, or file_conflict. None when it can.
    `generated_at`: generated_urls(), when the caller asks for many documents."""
    taken = generated_urls() if generated_at is None else generated_at
    generated = taken.get(page_url(relative))
    if generated is not None:
        return f"its page {relative} would replace the generated page {generated}"
    return file_conflict(relative)


def document_page(relative: str, display: str) -> str:
    """The docs-dir page of a document at `relative` (its path under the source dir);
    `display` names the file in the error when a generated page has that path."""
    reason = page_conflict(relative)
    if reason is not None:
        raise PageCollision(f"{display}: {reason}; {rename()}")
    return relative


def rename() -> str:
    """What a document or file that page_conflict or file_conflict refuses should do."""
    return (
        f"rename or move the file (reserved: {', '.join(sorted(reserved()))}, "
        f"{', '.join(GENERATED_DIRS)}, {_EXCLUDED_TOP}, names starting with a dot)"
    )


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
