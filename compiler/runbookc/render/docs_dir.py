"""Writing the docs dir MkDocs reads: the rendered pages, the scripts, the site's own files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from runbookc.render.site_config import DEFAULT_DIR
from runbookc.reuse import reuse_file

# The hand-written parts of the site that MkDocs serves from its docs dir: runbookc's own
# (render/site_config.DEFAULT_DIR, packaged) and the project's (its `site/` dir).
ASSET_DIRS = ("stylesheets",)


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
) -> None:
    """Write `pages`, the scripts and the site's own files into `docs_dir`; files the same
    as in the `previous` docs dir are hard-linked from there."""
    for page, text in pages.items():
        write_page(docs_dir, page, text)
    if scripts_dir is not None and scripts_dir.is_dir():
        # The download links on the pages point here, so the served site has the scripts.
        shutil.copytree(
            scripts_dir,
            docs_dir / "scripts",
            ignore=shutil.ignore_patterns("manifest.json"),
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
