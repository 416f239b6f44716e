"""Live preview of the site for authors: edit a runbook, the browser reloads.

Renders the pages into a temp dir under the output dir and serves them with MkDocs' dev
server. Editing a source re-renders its page and the pages linked to it, without a restart.
Lint findings are shown on the pages instead of stopping the preview.
"""

from __future__ import annotations

import argparse
from pathlib import Path

# typing costs a tenth of startup (cli.py); type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from runbookc.config import Settings
    from runbookc.render.context import Site


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dev-addr",
        metavar="HOST:PORT",
        help="address to serve on (default: mkdocs.yml's dev_addr, else 127.0.0.1:8000)",
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import sys

    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException
    from mkdocs.livereload import LiveReloadServer

    from runbookc.commands.settings import command_settings
    from runbookc.engine.mkdocs_cache import PageCache, attach
    from runbookc.render.mkdocs_build import load_site_config
    from runbookc.render.nav import build_nav
    from runbookc.render.preview import Preview
    from runbookc.render.site_build import edit_links, site_name, site_settings
    from runbookc.render.site_config import SiteConfigError

    if args.dev_addr is not None and not _address(args.dev_addr):
        print(f"runbookc: error: --dev-addr {args.dev_addr!r} is not HOST:PORT", file=sys.stderr)
        return 2
    logging.basicConfig(format="%(levelname)s - %(message)s", level=logging.INFO)
    log = logging.getLogger("runbookc")
    settings = command_settings(args.config)
    config_file, site_dir = site_settings(settings)
    preview = Preview(settings, lambda scripts: preview_site(settings, scripts))
    cache = PageCache()  # in memory: a rebuild converts only the pages that changed

    def site_config(nav: list[Any]) -> Any:
        config, notes = load_site_config(
            config_file,
            preview.docs_dir,
            preview.site_dir,
            nav,
            settings.language,
            site_name=site_name(settings),
            edit=edit_links(settings),
        )
        for note in notes:
            log.info(note)
        return config

    try:
        # The site config is checked before the corpus is compiled; it may name the address.
        preview.docs_dir.mkdir(parents=True, exist_ok=True)
        address = args.dev_addr or str(site_config([]).dev_addr)
    except SiteConfigError as exc:
        preview.close()
        print(f"runbookc: error: {exc}", file=sys.stderr)
        return 1
    host, port = _address(address) or ("127.0.0.1", 8000)
    url = f"http://{host}:{port}/"

    def rebuild() -> None:
        pages = preview.sync()
        if pages:
            log.info("re-rendered %d page(s)", len(pages))
        assert preview.site is not None
        config = site_config(build_nav(preview.site))
        config.site_url = url
        attach(config, cache)
        build(config, serve_url=url)
        cache.prune()

    def rebuild_live() -> None:
        """A rebuild after an edit: a bad site config is a message, not a traceback (MkDocs'
        server prints a SystemExit's text and keeps watching)."""
        try:
            rebuild()
        except (SiteConfigError, MkDocsException) as exc:
            raise SystemExit(f"runbookc: error: {exc}") from exc

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a `kill` cleans up like Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    server = LiveReloadServer(
        builder=rebuild_live, host=host, port=port, root=str(preview.site_dir)
    )
    try:
        rebuild()
        for path in (settings.source_dir, config_file, site_dir):
            if path is not None and path.exists():
                server.watch(str(path))
        server.serve()
    except (SiteConfigError, MkDocsException) as exc:
        print(f"runbookc: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        preview.close()
    return 0


def _address(text: str) -> tuple[str, int] | None:
    """(host, port) of HOST:PORT, or None."""
    host, _, port = text.rpartition(":")
    return (host, int(port)) if host and port.isdigit() else None


def preview_site(settings: Settings, scripts_dir: Path) -> Site:
    """What `runbookc serve` renders: the whole corpus compiled (unchanged documents come
    from the cache) and linted, its scripts written into `scripts_dir`."""
    from runbookc.commands.wiring import compile_targets
    from runbookc.engine.compiled import bulk_allocation
    from runbookc.engine.tree import write_tree
    from runbookc.pipeline import corpus as stages
    from runbookc.scripts.extract import manifest, render_outputs

    stages.check_settings(settings)
    inputs = compile_targets([], settings)
    with bulk_allocation():
        result = stages.lint(inputs.corpus, settings, refused=inputs.refused)
    scripts, unreadable = stages.runnable(inputs.corpus, settings)
    write_tree(render_outputs(scripts), scripts_dir)
    return stages.site(result, manifest(scripts), unreadable)
