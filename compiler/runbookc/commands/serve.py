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
    from runbookc.config import Settings
    from runbookc.render.context import Site


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dev-addr",
        metavar="HOST:PORT",
        default="127.0.0.1:8000",
        help="address to serve on (default: 127.0.0.1:8000)",
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import sys

    from mkdocs.commands.build import build
    from mkdocs.livereload import LiveReloadServer

    from runbookc.commands.settings import command_settings
    from runbookc.engine.mkdocs_cache import PageCache, attach
    from runbookc.render.mkdocs_build import load_site_config
    from runbookc.render.nav import build_nav
    from runbookc.render.preview import Preview
    from runbookc.render.site_build import site_settings

    host, _, port = args.dev_addr.rpartition(":")
    if not host or not port.isdigit():
        print(f"runbookc: error: --dev-addr {args.dev_addr!r} is not HOST:PORT", file=sys.stderr)
        return 2
    logging.basicConfig(format="%(levelname)s - %(message)s", level=logging.INFO)
    settings = command_settings(args.config)
    config_file, site_dir = site_settings(settings)
    preview = Preview(settings, lambda scripts: preview_site(settings, scripts))
    cache = PageCache()  # in memory: a rebuild converts only the pages that changed
    url = f"http://{host}:{port}/"

    def rebuild() -> None:
        pages = preview.sync()
        if pages:
            logging.getLogger("runbookc").info("re-rendered %d page(s)", len(pages))
        assert preview.site is not None
        config = load_site_config(
            config_file,
            preview.docs_dir,
            preview.site_dir,
            build_nav(preview.site),
            settings.language,
        )
        config.site_url = url
        attach(config, cache)
        build(config, serve_url=url)
        cache.prune()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a `kill` cleans up like Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    server = LiveReloadServer(
        builder=rebuild, host=host, port=int(port), root=str(preview.site_dir)
    )
    try:
        rebuild()
        for path in (settings.source_dir, config_file, site_dir):
            if path.exists():
                server.watch(str(path))
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        preview.close()
    return 0


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
    scripts = stages.extract(inputs.corpus, settings)
    write_tree(render_outputs(scripts), scripts_dir)
    return stages.site(result, manifest(scripts))
