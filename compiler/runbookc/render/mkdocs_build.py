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

from runbookc.render.site_config import SiteConfigError
from runbookc.report.escape import printable


class SiteBuildError(Exception):
    """MkDocs failed; the message lists its warnings and errors, a line each, with the
    control characters of what they quote (a page's path, its text) escaped."""


def failure_text(exc: Exception) -> str:
    """A failed build's error as the terminal or a CI log shows it: MkDocs' lines as they
    are (escaped when collected), any other error on one line with its control characters
    escaped (a newline in a hostile file name would start a line of its choosing, such as
    a CI log's `::error::` command)."""
    return str(exc) if isinstance(exc, SiteBuildError) else printable(str(exc))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = printable(record.getMessage())
        self.messages.append(f"mkdocs: {record.levelname.lower()}: {message}")


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
    config_file: Path | None,
    docs_dir: Path,
    site_dir: Path,
    nav: list[Any],
    language: str,
    *,
    site_name: str = "Runbooks",
    strict: bool = False,
    edit: tuple[str, str] | None = None,
    offline: bool = False,
) -> tuple[Any, list[str]]:
    """The validated MkDocs config: the packaged default with the team's `config_file` (None:
    there is none) layered on it (render/site_config.py), and notes on what was added to
    it. `edit`: (repo_url, edit_uri) for the document pages' edit links (site_build.edit_links);
    `offline`: for reading from file:// (site_config.with_offline). Raises SiteConfigError
    naming the file for anything MkDocs or runbookc refuses."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader

    from runbookc.render.mkdocs_edit import attach as attach_edit_links
    from runbookc.render.mkdocs_sanitise import attach
    from runbookc.render.site_config import DEFAULT_CONFIG, layered, with_offline

    where = config_file or DEFAULT_CONFIG
    # As mkdocs.config.load_config does, with the layered settings for the file's contents.
    config = MkDocsConfig(config_file_path=str(where))
    settings, notes = layered(config_file, get_yaml_loader(config=config), language, site_name)
    if edit is not None:
        settings["repo_url"], settings["edit_uri"] = edit
    if offline:
        with_offline(settings)
    config.load_dict(settings)
    config.load_dict(
        {"docs_dir": str(docs_dir), "site_dir": str(site_dir), "nav": nav, "strict": strict}
    )
    errors, warnings = config.validate()
    refused = [f"{where}: config value '{key}': {error}" for key, error in errors]
    if strict:
        refused += [f"{where}: config value '{key}': {warning}" for key, warning in warnings]
    else:
        for key, warning in warnings:
            logging.getLogger("mkdocs").warning("%s: config value '%s': %s", where, key, warning)
    if refused:
        raise SiteConfigError("\n".join(refused))
    attach(config)  # every page's content passes the HTML sanitiser
    if edit is not None:
        attach_edit_links(config)
    return config, notes


def run_mkdocs(
    config_file: Path | None,
    docs_dir: Path,
    site_dir: Path,
    nav: list[Any],
    language: str,
    plugins: Callable[[Any], object] | None = None,
    *,
    site_name: str = "Runbooks",
    edit: tuple[str, str] | None = None,
    offline: bool = False,
) -> list[str]:
    """Build the HTML site into `site_dir` with --strict; returns the notes on what was
    added to the site config (load_site_config) and MkDocs' messages. `plugins` registers
    more plugins on the loaded config (the engine's MkDocs memo, engine/mkdocs_cache.py);
    `offline`: a site to read from file:// (the offline bundle)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    with _quiet_mkdocs() as collected:
        try:
            config, notes = load_site_config(
                config_file,
                docs_dir,
                site_dir,
                nav,
                language,
                site_name=site_name,
                strict=True,
                edit=edit,
                offline=offline,
            )
            if plugins is not None:
                plugins(config)
            build(config)
        except SiteConfigError as exc:
            raise SiteBuildError(printable(str(exc))) from exc
        except MkDocsException as exc:
            failed = f"mkdocs: {printable(str(exc))}"
            raise SiteBuildError("\n".join([*collected.messages, failed])) from exc
    return [f"runbookc: info: {printable(note)}" for note in notes] + collected.messages
