"""One site build: graph, scripts, pages, MkDocs, each timed, into a new generation dir."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.engine.cache import DocCache
from runbookc.model import Document
from runbookc.render.context import Site


@dataclass
class Timings:
    steps: dict[str, float] = field(default_factory=dict)

    def mark(self, step: str, started: float) -> float:
        now = time.perf_counter()
        self.steps[step] = self.steps.get(step, 0.0) + now - started
        return now

    def text(self) -> str:
        total = sum(self.steps.values())
        parts = ", ".join(f"{k} {v:.2f}s" for k, v in self.steps.items())
        return f"{total:.2f}s ({parts})"


def site_settings(settings: Settings) -> tuple[Path, Path]:
    """(mkdocs.yml, the site's hand-written dir) from [tool.runbookc.site]."""
    table = settings.table("site")
    config = settings.root / str(table.get("mkdocs", "mkdocs.yml"))
    return config, settings.root / str(table.get("dir", "site"))


def make_site(
    settings: Settings,
    documents: Sequence[Document],
    diagnostics: Sequence[Diagnostic],
    manifest: Sequence[dict[str, Any]],
) -> Site:
    from runbookc.lint.catalog import RULES
    from runbookc.pipeline.graph import build_graph

    _, site_dir = site_settings(settings)
    home = site_dir / "home.md"
    return Site(
        settings=settings,
        documents=list(documents),
        graph=build_graph(list(documents), settings),
        manifest=list(manifest),
        diagnostics=list(diagnostics),
        rules=RULES,
        home_text=home.read_text(encoding="utf-8") if home.is_file() else "",
    )


def build_into(
    stage: Path,
    settings: Settings,
    documents: Sequence[Document],
    diagnostics: Sequence[Diagnostic],
    timings: Timings,
    plans: DocCache | None,
) -> dict[str, int]:
    """Write stage/scripts, stage/docs, stage/site and the render state; returns counts for
    the summary (`rendered`: pages rendered anew, the others were carried over). `plans`:
    the store of script plans (extract.plan_store)."""
    from runbookc.engine.cache import cache_dir
    from runbookc.engine.incremental import render_incremental, write_state
    from runbookc.engine.mkdocs_cache import PageCache
    from runbookc.render.docs_dir import write_docs_dir
    from runbookc.render.mkdocs_build import run_mkdocs
    from runbookc.render.nav import build_nav
    from runbookc.scripts.extract import write_scripts

    started = time.perf_counter()
    out = settings.output_dir
    folder = cache_dir(settings)
    manifest = write_scripts(list(documents), settings, stage / "scripts", out / "scripts", plans)
    started = timings.mark("scripts", started)
    site = make_site(settings, documents, diagnostics, manifest)
    render = render_incremental(site, stage / "docs", settings.output_dir)
    config, site_dir = site_settings(settings)
    write_docs_dir(stage / "docs", {}, stage / "scripts", site_dir, out / "docs")
    nav = build_nav(site)
    started = timings.mark("render", started)
    cache = PageCache(folder / "site" if folder else None)
    try:
        run_mkdocs(
            config, stage / "docs", stage / "site", nav, settings.language, cache, out / "site"
        )
    finally:
        cache.save()  # what a failed build converted still serves the next one
    write_state(stage, render.state)  # only once MkDocs accepted the pages
    cache.prune()
    timings.mark("mkdocs", started)
    return {
        "pages": render.pages,
        "rendered": len(render.rendered),
        "scripts": len(manifest),
        "documents": len(documents),
    }
