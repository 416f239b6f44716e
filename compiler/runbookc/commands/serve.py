"""Live preview of the site for authors: edit a runbook, the browser reloads.

Renders the pages into a temp dir under the output dir and serves them with MkDocs' dev
server. Editing a source re-renders its page and the pages linked to it, without a restart,
and MkDocs rebuilds only the pages whose text changed (render/preview_build.py).
Lint findings are shown on the pages instead of stopping the preview.
"""

from __future__ import annotations

import argparse

from runbookc.report.escape import printable

# typing costs a tenth of startup (cli.py); type checkers still see the imports.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from runbookc.config import Settings
    from runbookc.pipeline.corpus import RenderedScripts
    from runbookc.pipeline.document import DocResult
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

    from mkdocs.exceptions import MkDocsException

    from runbookc.commands.settings import command_settings
    from runbookc.render.site_config import SiteConfigError

    if args.dev_addr is not None and not _address(args.dev_addr):
        print(f"runbookc: error: --dev-addr {args.dev_addr!r} is not HOST:PORT", file=sys.stderr)
        return 2
    logging.basicConfig(format="%(levelname)s - %(message)s", level=logging.INFO)
    settings = command_settings(args.config)
    site = PreviewBuild(settings)
    try:
        # The site config is checked before the corpus is compiled; it may name the address.
        address = args.dev_addr or str(site.site_config([]).dev_addr)
    except SiteConfigError as exc:
        site.close()
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    host, port = _address(address) or ("127.0.0.1", 8000)
    site.url = f"http://{host}:{port}/"

    def rebuild_live() -> None:
        """A rebuild after an edit: a bad site config is a message, not a traceback (MkDocs'
        server prints a SystemExit's text and keeps watching)."""
        try:
            site.rebuild()
        except (SiteConfigError, MkDocsException) as exc:
            raise SystemExit(f"runbookc: error: {printable(str(exc))}") from exc

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a `kill` cleans up like Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    server = live_server(rebuild_live, host, port, str(site.preview.site_dir))
    try:
        site.rebuild()
        for path in watched(settings, site.config_file, site.site_dir):
            server.watch(str(path))
        server.serve()
    except OSError as exc:  # the system's limit of watched files (inotify) is reached
        print(f"runbookc: error: cannot watch the sources: {printable(str(exc))}", file=sys.stderr)
        return 1
    except (SiteConfigError, MkDocsException) as exc:
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        site.close()
    return 0


def watched(settings: Settings, *also: Path | None) -> list[Path]:
    """Where a save must rebuild the preview: the sources, the site's own config and files
    (`also`), and the folders of the alerting rule files (an alert's page shows its rule).
    Not the settings root itself: the preview's output may be under it."""
    from pathlib import Path

    from runbookc.pipeline.rulefiles import rule_files, rule_globs

    folders = {Path(p).parent for p in rule_files(settings, rule_globs(settings))}
    paths = [settings.source_dir, *also, *sorted(folders)]
    return [p for p in dict.fromkeys(paths) if p is not None and p.exists()]


def live_server(builder: Callable[[], None], host: str, port: int, root: str) -> Any:
    """MkDocs' dev server, told of a save by the system (inotify on Linux) rather than by
    its polling every half second: the rebuild starts as the author saves."""
    from mkdocs.livereload import LiveReloadServer
    from watchdog.observers import Observer

    server = LiveReloadServer(builder=builder, host=host, port=port, root=root)
    # Nothing is watched yet: `watch` schedules on this one. (MkDocs annotates the
    # attribute with its polling observer's class; both are watchdog observers.)
    server.observer = Observer()  # type: ignore[assignment]
    return server


class PreviewBuild:
    """The preview's docs dir and site: `rebuild` brings both up to date with the sources,
    rendering only what an edit touched (render/preview.py, render/preview_build.py)."""

    def __init__(self, settings: Settings, url: str = "http://127.0.0.1:8000/") -> None:
        import logging

        from runbookc.engine.mkdocs_cache import PageCache
        from runbookc.render.preview import Preview
        from runbookc.render.preview_build import PreviewState
        from runbookc.render.site_build import site_settings

        self.settings = settings
        self.url = url
        self.config_file, self.site_dir = site_settings(settings)
        rendered: RenderedScripts = {}  # each document's scripts, kept across rebuilds
        compiled: dict[str, DocResult] = {}  # each document compiled, kept across rebuilds
        self.preview = Preview(settings, lambda: preview_site(settings, rendered, compiled))
        self.preview.docs_dir.mkdir(parents=True, exist_ok=True)
        self.cache = PageCache()  # in memory: a full rebuild converts only changed pages
        templates = self.preview.root / "templates"
        templates.mkdir()
        self.state = PreviewState(templates=str(templates))
        self.log = logging.getLogger("runbookc")

    def close(self) -> None:
        self.preview.close()

    def site_config(self, nav: list[Any]) -> Any:
        from runbookc.render.mkdocs_build import load_site_config
        from runbookc.render.site_build import edit_links, site_name

        config, notes = load_site_config(
            self.config_file,
            self.preview.docs_dir,
            self.preview.site_dir,
            nav,
            self.settings.language,
            site_name=site_name(self.settings),
            edit=edit_links(self.settings),
        )
        for note in notes:
            self.log.info(note)
        return config

    def rebuild(self) -> None:
        """Sync the docs dir, then build the site: only the pages whose text changed when
        the navigation did not (a dirty MkDocs build), else every page."""
        from mkdocs.commands.build import build

        from runbookc.engine.mkdocs_cache import attach
        from runbookc.render.nav import build_nav
        from runbookc.render.preview_build import attach as attach_preview
        from runbookc.render.preview_build import mark_for_rebuild

        affected = self.preview.sync()
        if affected:
            self.log.info("re-rendered %d page(s)", len(self.preview.written))
        assert self.preview.site is not None
        nav = build_nav(self.preview.site)
        partial = not self.state.needs_full(nav, affected)
        config = self.site_config(nav)
        config.site_url = self.url
        attach(config, self.cache)
        attach_preview(config, self.state, partial)
        if partial:
            mark_for_rebuild(self.preview.docs_dir, self.preview.written)
        build(config, serve_url=self.url, dirty=partial)
        self.state.nav, self.state.partial = nav, partial
        if not partial:  # a partial build uses the entries of its few pages only
            self.cache.prune()


def _address(text: str) -> tuple[str, int] | None:
    """(host, port) of HOST:PORT, or None."""
    host, _, port = text.rpartition(":")
    return (host, int(port)) if host and port.isdigit() else None


def preview_site(
    settings: Settings,
    rendered: RenderedScripts | None = None,
    compiled: dict[str, DocResult] | None = None,
) -> tuple[Site, dict[str, str]]:
    """What `runbookc serve` renders: the whole corpus compiled and linted, and its script
    files (path under scripts/ -> text). Unchanged documents come from `compiled` (kept
    in memory across rebuilds), else from the cache; the scripts' `bash -n` verdicts from
    the verdict store when there is one, and the scripts of documents that did not change
    from `rendered` (pipeline/corpus.runnable)."""
    from runbookc.commands.wiring import compile_targets
    from runbookc.engine.compiled import bulk_allocation
    from runbookc.engine.gitcommit import head_commit
    from runbookc.engine.verdicts import verdict_store
    from runbookc.pipeline import corpus as stages
    from runbookc.scripts.extract import manifest, render_outputs

    stages.check_settings(settings)
    inputs = compile_targets([], settings, memory=compiled)
    with bulk_allocation():
        result = stages.lint(inputs.corpus, settings, refused=inputs.refused)
    scripts, unreadable = stages.runnable(
        inputs.corpus, settings, verdict_store(settings), rendered
    )
    files = render_outputs(scripts, head_commit(settings.source_dir))
    return stages.site(result, manifest(scripts), unreadable), files
