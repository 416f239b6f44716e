"""Live preview for authors: render into a temp dir, let MkDocs' dev server serve it, and
re-render only the pages an edit affects.

An edit to a document changes its own page, the pages of the documents that link to it
(their link rows show its title; the graph's referrers), the pages it links to (their
"referenced by" rows) and the home and index pages. `affected_pages` computes that set from
the graph before and after the edit, so it is tested without a server. Of those, only the
pages whose text changed are written, and only the scripts whose text changed: MkDocs'
dirty build (render/preview_build.py) then rebuilds just the files newer than their HTML.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from runbookc.config import Settings
from runbookc.pipeline.discover import source_files
from runbookc.pipeline.rulefiles import rule_files, rule_globs
from runbookc.render.context import Site
from runbookc.render.docs_dir import SCRIPTS_IGNORED, linked_files, write_docs_dir, write_page
from runbookc.render.pages import page_renderers
from runbookc.render.paths import HOME, RULES, SCRIPTS, TAGS, indexes
from runbookc.render.site_build import site_settings


def affected_pages(changed: Iterable[str], before: Site | None, after: Site) -> set[str]:
    """Pages of `after` to re-render when the sources at the paths `changed` were edited,
    added or removed (paths as Document.path shows them)."""
    changed = set(changed)
    pages = {HOME, SCRIPTS, *indexes(), *after.alert_pages}  # an alert's page reads the corpus
    for site in (before, after):
        if site is None:
            continue
        for doc in site.documents:
            if doc.path in changed:
                pages.add(site.page(doc))
                node = site.node(doc)
                neighbours = [*site.graph.referrers(node), *site.graph.references(node)]
                pages.update(site.page(other) for other in site.documents_of(neighbours))
    generated = {HOME, TAGS, RULES, SCRIPTS, *indexes(), *after.alert_pages}
    current = {after.page(doc) for doc in after.documents} | generated
    return pages & current


# Marks a rule file among the scanned paths (no source's display path starts with it).
RULE_FILE = "\0rules:"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Preview:
    """The rendered docs dir of a running preview, kept in step with the sources."""

    def __init__(
        self, settings: Settings, compile_site: Callable[[], tuple[Site, dict[str, str]]]
    ) -> None:
        """`compile_site()`: the corpus compiled anew (unchanged documents come from the
        cache): its Site and its script files (path under scripts/ -> text)."""
        self.settings = settings
        self._compile_site = compile_site
        settings.output_dir.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=".serve-", dir=settings.output_dir))
        self.docs_dir = self.root / "docs"
        self.site_dir = self.root / "site"
        self.site: Site | None = None
        self.sources: dict[str, str] = {}  # source file -> digest of its bytes
        self.scripts: dict[str, str] = {}  # the scripts in docs/scripts, as last written
        self.files: set[str] = set()  # the linked files (images, attachments) last copied
        self.written: set[str] = set()  # pages whose text the last sync changed

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _scan(self) -> dict[str, str]:
        """Digests of the sources and of the alerting rule files (an alert's page shows its
        rules), by path."""
        files = source_files(self.settings, Path.cwd()).files
        found = {display: _digest(path) for path, display in files if path.is_file()}
        rule_paths = rule_files(self.settings, rule_globs(self.settings))
        return found | {RULE_FILE + path: _digest(Path(path)) for path in rule_paths}

    def sync(self) -> set[str]:
        """Bring the docs dir up to date with the sources; returns the pages re-rendered
        (every page on the first call, nothing when no source changed)."""
        sources = self._scan()
        if self.site is not None and sources == self.sources:
            self.written = set()
            return set()
        changed = {
            p for p in sources.keys() | self.sources.keys() if sources.get(p) != self.sources.get(p)
        }
        before, (after, scripts) = self.site, self._compile_site()
        renderers = page_renderers(after)
        if before is None:
            targets = set(renderers)
        else:
            targets = affected_pages(changed, before, after)
            if any(path.startswith(RULE_FILE) for path in changed):
                targets |= {after.page(d) for d in after.documents if after.node(d).alerts}
            for gone in {before.page(d) for d in before.documents} - set(renderers):
                (self.docs_dir / gone).unlink(missing_ok=True)
        self.written = {p for p in sorted(targets) if write_page(self.docs_dir, p, renderers[p]())}
        self._write_scripts(scripts)
        # The site's stylesheets and linked files are copied again: few, and always current.
        files = linked_files(after.graph, self.settings.source_dir)
        for gone in self.files - files.keys():
            self._remove(gone)
        site_dir = site_settings(self.settings)[1]
        write_docs_dir(self.docs_dir, {}, None, site_dir, files=files)
        self.site, self.sources, self.files = after, sources, set(files)
        return targets

    def _remove(self, relative: str) -> None:
        """Delete a file no page names any more from the docs dir and from the served site:
        MkDocs' dirty build copies new files but deletes none, so it would stay there,
        downloadable, until the next full build."""
        (self.docs_dir / relative).unlink(missing_ok=True)
        (self.site_dir / relative).unlink(missing_ok=True)

    def _write_scripts(self, scripts: dict[str, str]) -> None:
        """Bring docs/scripts (what the pages' download links name) in step with `scripts`,
        writing only the files whose text changed: an edit changes one runbook's."""
        folder = self.docs_dir / "scripts"
        wanted = {rel: text for rel, text in scripts.items() if rel not in SCRIPTS_IGNORED}
        for rel in self.scripts.keys() - wanted.keys():
            self._remove(f"scripts/{rel}")
        for rel, text in wanted.items():
            if self.scripts.get(rel) != text:
                target = folder / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                os.chmod(target, 0o755 if rel.endswith(".sh") else 0o644)
        self.scripts = wanted
