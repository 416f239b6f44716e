"""Running MkDocs on the rendered docs dir, through its Python API, in strict mode.

Measured on the shipped corpus, the API and a `python -m mkdocs build` child process cost
the same (about 2.7 s each, imports included); the API is used because it takes the
generated nav and the site language as settings, without writing a second mkdocs.yml, and
hands MkDocs' warnings back to be shown with the failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class SiteBuildError(Exception):
    """MkDocs failed; the message lists its warnings and errors."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"mkdocs: {record.levelname.lower()}: {record.getMessage()}")


@contextmanager
def _quiet_mkdocs() -> Iterator[_Collect]:
    """Collect MkDocs' warnings instead of letting its INFO lines reach the terminal."""
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    saved = (logger.level, logger.propagate)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def load_site_config(
    config_file: Path, docs_dir: Path, site_dir: Path, nav: list[Any], language: str, **extra: Any
) -> Any:
    from mkdocs.config import load_config

    from runbookc.render.mkdocs_sanitise import attach

    config = load_config(
        str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir), nav=nav, **extra
    )
    config.theme["language"] = language
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None:
        # Search in the site's language and in English (commands, ids and logs are English).
        search.config.lang = list(dict.fromkeys([language.split("-")[0], "en"]))
    attach(config)  # every page's content passes the HTML sanitiser
    return config


def run_mkdocs(
    config_file: Path,
    docs_dir: Path,
    site_dir: Path,
    nav: list[Any],
    language: str,
    plugins: Callable[[Any], object] | None = None,
) -> list[str]:
    """Build the HTML site into `site_dir` with --strict; returns MkDocs' messages.
    `plugins` registers more plugins on the loaded config (the engine's MkDocs memo,
    engine/mkdocs_cache.py)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    with _quiet_mkdocs() as collected:
        try:
            config = load_site_config(config_file, docs_dir, site_dir, nav, language, strict=True)
            if plugins is not None:
                plugins(config)
            build(config)
        except MkDocsException as exc:
            raise SiteBuildError("\n".join([*collected.messages, f"mkdocs: {exc}"])) from exc
    return collected.messages
