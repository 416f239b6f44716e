"""Incremental render: re-render only the pages whose inputs changed since the last build.

Every page gets a digest of what its text is made from (render/inputs.py).

The digests are kept in the output dir next to docs/ (`STATE`, swapped in with it). On the
next build, a page whose digest is unchanged and whose previous file is still the one the
state recorded (size and mtime) is hard-linked into the staging docs dir, mtime kept, so
MkDocs and the reader see the same file; every other page is rendered (and linked too if
its bytes came out the same).

MkDocs still builds every page, reusing the conversions of unchanged pages
(engine/mkdocs_cache.py). Its `build(dirty=True)` skips reading and rendering a page
whose source is not newer than its HTML (`_populate_page`, `_build_page`), and with them the
plugin events that page feeds: Material's search plugin indexes a page in `on_page_context`
(it keeps the previous index only inside one `serve` process), the tags plugin collects tags
in `on_page_markdown`, and MkDocs' anchor check skips links into pages it did not render.
Measured on the shipped corpus after editing one SLO doc, a dirty build seeded from the
previous site wrote a search index of 9 entries from 1 page (cold: 354 from 67), a
tags.json with 1 page (cold: 6), and the edited page's tags as text instead of links.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runbookc.engine.forkmap import fork_map
from runbookc.reuse import reuse

STATE = ".render-state.json"
STATE_FORMAT = 1


@dataclass
class RenderResult:
    pages: int  # pages in the docs dir
    rendered: list[str]  # pages rendered this time (the others were carried over)
    state: dict[str, dict[str, object]]  # page -> {"digest", "size", "mtime_ns"}


def load_state(output_dir: Path) -> dict[str, dict[str, object]]:
    """The previous build's page digests; empty when missing, unreadable or of another
    format (then every page is rendered)."""
    try:
        data = json.loads((output_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        return {}
    pages = data.get("pages")
    return pages if isinstance(pages, dict) else {}


def _carry(previous: Path, target: Path, recorded: object) -> bool:
    """Link the previous build's page into the staging dir if it is still the file the
    state describes; returns whether it did."""
    if not isinstance(recorded, dict):
        return False
    try:
        stat = previous.stat()
    except OSError:
        return False
    if stat.st_size != recorded.get("size") or stat.st_mtime_ns != recorded.get("mtime_ns"):
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(previous, target)
    except OSError:
        shutil.copy2(previous, target)  # no hard links here: a copy with its mtime
    return True


def render_incremental(
    renderers: dict[str, Callable[[], str]],
    digests: dict[str, str],
    docs_dir: Path,
    output_dir: Path,
) -> RenderResult:
    """Fill `docs_dir` (empty, in the staging dir) with every page (`renderers`: page ->
    its text), rendering only the pages whose inputs (`digests`: page -> digest of what it
    is made from, render/inputs.py) differ from the previous build in `output_dir`."""
    previous = load_state(output_dir)
    rendered: list[str] = []
    for page in sorted(renderers):
        old = previous.get(page)
        fresh = not (isinstance(old, dict) and old.get("digest") == digests[page])
        if fresh or not _carry(output_dir / "docs" / page, docs_dir / page, old):
            rendered.append(page)
    _render_pages(rendered, renderers, docs_dir, output_dir / "docs")
    state: dict[str, dict[str, object]] = {}
    for page in sorted(renderers):
        stat = (docs_dir / page).stat()
        state[page] = {"digest": digests[page], "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return RenderResult(len(renderers), rendered, state)


def _render_pages(
    pages: list[str], renderers: dict[str, Callable[[], str]], docs_dir: Path, previous: Path
) -> None:
    """Render `pages` into `docs_dir`, in worker processes when there are enough of them
    (a page costs about what a document's lint does); a page whose bytes are those of its
    file in the `previous` docs dir is linked from there."""

    def write(page: str) -> None:
        target, data = docs_dir / page, renderers[page]().encode("utf-8")
        if not reuse(previous / page, target, data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)

    fork_map(write, pages)


def write_state(stage: Path, state: dict[str, dict[str, object]]) -> None:
    text = json.dumps({"format": STATE_FORMAT, "pages": state}, sort_keys=True)
    (stage / STATE).write_text(text + "\n", encoding="utf-8")
