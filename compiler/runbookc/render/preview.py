"""Live preview for authors: render into a temp dir, let MkDocs' dev server serve it, and
re-render only the pages an edit affects.

An edit to a document changes its own page, the pages of the documents that link to it
(their link rows show its title; the graph's referrers), the pages it links to (their
"referenced by" rows) and the home and index pages. `affected_pages` computes that set from
the graph before and after the edit, so it is tested without a server.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from runbookc.config import Settings
from runbookc.pipeline.discover import source_files
from runbookc.render.context import Site
from runbookc.render.docs_dir import linked_files, write_docs_dir, write_page
from runbookc.render.pages import page_renderers
from runbookc.render.paths import HOME, RULES, TAGS, indexes
from runbookc.render.site_build import site_settings


def affected_pages(changed: Iterable[str], before: Site | None, after: Site) -> set[str]:
    """Pages of `after` to re-render when the sources at the paths `changed` were edited,
    added or removed (paths as Document.path shows them)."""
    changed = set(changed)
    pages = {HOME, *indexes(), *after.alert_pages}  # an alert's page reads the corpus
    for site in (before, after):
        if site is None:
            continue
        for doc in site.documents:
            if doc.path in changed:
                pages.add(site.page(doc))
                node = site.node(doc)
                neighbours = [*site.graph.referrers(node), *site.graph.references(node)]
                pages.update(site.page(other) for other in site.documents_of(neighbours))
    current = {after.page(doc) for doc in after.documents} | {HOME, TAGS, RULES, *indexes()}
    current |= set(after.alert_pages)
    return pages & current


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Preview:
    """The rendered docs dir of a running preview, kept in step with the sources."""

    def __init__(self, settings: Settings, compile_site: Callable[[Path], Site]) -> None:
        """`compile_site(scripts_dir)`: the corpus compiled anew (unchanged documents come
        from the cache), its scripts written into `scripts_dir`, and its Site."""
        self.settings = settings
        self._compile_site = compile_site
        settings.output_dir.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=".serve-", dir=settings.output_dir))
        self.docs_dir = self.root / "docs"
        self.site_dir = self.root / "site"
        self.site: Site | None = None
        self.sources: dict[str, str] = {}  # source file -> digest of its bytes

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _scan(self) -> dict[str, str]:
        files = source_files(self.settings, Path.cwd()).files
        return {display: _digest(path) for path, display in files if path.is_file()}

    def sync(self) -> set[str]:
        """Bring the docs dir up to date with the sources; returns the pages re-rendered
        (every page on the first call, nothing when no source changed)."""
        sources = self._scan()
        if self.site is not None and sources == self.sources:
            return set()
        changed = {
            p for p in sources.keys() | self.sources.keys() if sources.get(p) != self.sources.get(p)
        }
        shutil.rmtree(self.root / "scripts", ignore_errors=True)
        before, after = self.site, self._compile_site(self.root / "scripts")
        renderers = page_renderers(after)
        if before is None:
            targets = set(renderers)
        else:
            targets = affected_pages(changed, before, after)
            for gone in {before.page(d) for d in before.documents} - set(renderers):
                (self.docs_dir / gone).unlink(missing_ok=True)
        for page in sorted(targets):
            write_page(self.docs_dir, page, renderers[page]())
        # Scripts and the site's stylesheets are copied again: cheap, and always current.
        shutil.rmtree(self.docs_dir / "scripts", ignore_errors=True)
        files = linked_files(after.graph, self.settings.source_dir)
        site_dir = site_settings(self.settings)[1]
        write_docs_dir(self.docs_dir, {}, self.root / "scripts", site_dir, files=files)
        self.site, self.sources = after, sources
        return targets
