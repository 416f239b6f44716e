"""Writing the docs dir MkDocs reads: the rendered pages, the scripts, the site's own files,
and the files pages link to (images, attachments next to the documents)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

from runbookc.pipeline.graph import LINK, Graph
from runbookc.probes import looked_at
from runbookc.render.paths import file_conflict
from runbookc.render.site_config import DEFAULT_DIR, WORKER_POLYFILL
from runbookc.render.svg_check import MAX_BYTES, svg_refusal
from runbookc.reuse import reuse_file

# The hand-written parts of the site that MkDocs serves from its docs dir: runbookc's own
# (render/site_config.DEFAULT_DIR, packaged) and the project's (its `site/` dir).
ASSET_DIRS = ("stylesheets",)
# What the site does not publish of the scripts dir: the manifest is for tools.
SCRIPTS_IGNORED = ("manifest.json",)


class FileRefused(Exception):
    """A file a page links to that the site does not publish; the message says why."""


def linked_file(source_dir: Path, relative: str) -> Path:
    """The source file that a link to `relative` (a path under the source dir, as
    Graph.linked_file gives it) publishes: its real path, a regular file inside the source
    dir. FileRefused otherwise. Lint reports the refusal at the link; the build asks again
    when it copies, so nothing outside the source dir is ever copied."""
    if relative == ".." or relative.startswith(("../", "/")):
        raise FileRefused("it is outside the source dir, and the site publishes only that dir")
    if relative.lower().endswith(".svgz"):
        raise FileRefused("a compressed SVG cannot be checked; link to the .svg")
    conflict = file_conflict(relative)
    if conflict is not None:
        raise FileRefused(conflict)
    root = os.path.realpath(source_dir)
    looked_at(os.path.join(root, relative))
    real = os.path.realpath(os.path.join(root, relative))
    if not real.startswith(root.rstrip(os.sep) + os.sep):
        raise FileRefused("it is a symlink that leads out of the source dir")
    try:
        if os.path.isdir(real):
            raise FileRefused("it is a folder; link to the files in it")
        if not os.path.isfile(real):
            raise FileRefused("no such file")
        svg = relative.lower().endswith(".svg") and _svg_refusal(real)
    except (OSError, ValueError) as exc:  # a name the system refuses: too long, a NUL
        raise FileRefused("no such file") from exc
    if svg:
        raise FileRefused(
            f"{svg}, so the site does not publish it (opened from the site, an SVG runs "
            "with its rights)"
        )
    return Path(real)


def _svg_refusal(real: str) -> str | None:
    with open(real, "rb") as file:
        return svg_refusal(file.read(MAX_BYTES + 1))


def linked_files(graph: Graph, source_dir: Path) -> dict[str, Path]:
    """The files the corpus's pages link to that the site publishes: docs-dir path (the
    same as under the source dir, as pages are) -> source file."""
    found: dict[str, Path] = {}
    for doc in graph.documents:
        for kind, target, *_ in doc.refs:
            relative = graph.linked_file(doc, target) if kind == LINK else None
            if relative is None or relative in found:
                continue
            try:
                found[relative] = linked_file(source_dir, relative)
            except FileRefused:
                continue  # lint reported it (RB211); MkDocs will refuse the link
    return found


def write_page(docs_dir: Path, page: str, text: str) -> bool:
    """Write one page; returns whether its bytes changed (serve rebuilds only then)."""
    target = docs_dir / page
    data = text.encode("utf-8")
    if target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _copier(docs_dir: Path, previous: Path | None, link: bool) -> Callable[[str, str], None]:
    """A copytree copy function: the previous docs dir's file when the bytes are the same,
    else a hard link to the source (`link`: the scripts this build just wrote, never
    written to in place) or a copy (the site's hand-written files, which an editor may
    rewrite in place)."""

    def copy(source: str, target: str) -> None:
        if os.path.lexists(target):
            os.unlink(target)  # replaced, never written through (it may be a link)
        if previous is not None:
            rel = Path(target).relative_to(docs_dir)
            if reuse_file(previous / rel, Path(source), Path(target)):
                return
        if link:
            try:
                os.link(source, target)
                return
            except OSError:
                pass
        shutil.copy2(source, target)

    return copy


def write_docs_dir(
    docs_dir: Path,
    pages: dict[str, str],
    scripts_dir: Path | None,
    site_dir: Path | None,
    previous: Path | None = None,
    files: Mapping[str, Path] | None = None,
) -> None:
    """Write `pages`, the scripts, the site's own files and the linked `files` (linked_files)
    into `docs_dir`; files the same as in the `previous` docs dir are hard-linked from
    there."""
    for page, text in pages.items():
        write_page(docs_dir, page, text)
    if scripts_dir is not None and scripts_dir.is_dir():
        # The download links on the pages point here, so the served site has the scripts.
        shutil.copytree(
            scripts_dir,
            docs_dir / "scripts",
            ignore=shutil.ignore_patterns(*SCRIPTS_IGNORED),
            copy_function=_copier(docs_dir, None, link=True),
            dirs_exist_ok=True,
        )
    # runbookc's own stylesheet first: a team's file of the same name replaces it.
    for folder in (DEFAULT_DIR, site_dir):
        for name in ASSET_DIRS:
            if folder is not None and (folder / name).is_dir():
                copy = _copier(docs_dir, previous, link=False)
                shutil.copytree(
                    folder / name, docs_dir / name, copy_function=copy, dirs_exist_ok=True
                )
    if files:
        copy = _copier(docs_dir, previous, link=False)  # sources may be edited in place
        for relative, source in sorted(files.items()):
            target = docs_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            copy(str(source), str(target))


def write_offline_assets(docs_dir: Path) -> None:
    """What the offline bundle's pages load besides the site's assets: the worker polyfill
    (site_config.with_offline)."""
    target = docs_dir / WORKER_POLYFILL
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DEFAULT_DIR / WORKER_POLYFILL, target)
