"""Writing the docs dir MkDocs reads: the rendered pages, the scripts, the site's own files."""

from __future__ import annotations

import shutil
from pathlib import Path

# The hand-written parts of the site (under the project's `site/` dir) that MkDocs serves
# from its docs dir; theme overrides are read from `site/` itself.
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


def write_docs_dir(
    docs_dir: Path, pages: dict[str, str], scripts_dir: Path | None, site_dir: Path | None
) -> None:
    for page, text in pages.items():
        write_page(docs_dir, page, text)
    if scripts_dir is not None and scripts_dir.is_dir():
        # The download links on the pages point here, so the served site has the scripts.
        shutil.copytree(
            scripts_dir,
            docs_dir / "scripts",
            ignore=shutil.ignore_patterns("manifest.json"),
            dirs_exist_ok=True,
        )
    for name in ASSET_DIRS:
        if site_dir is not None and (site_dir / name).is_dir():
            shutil.copytree(site_dir / name, docs_dir / name, dirs_exist_ok=True)
