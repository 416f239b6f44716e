"""MkDocs' pages as they go, for the build's progress display (commands/progress.py): a
plugin runbookc adds to a build shown on a terminal.

MkDocs reads and converts every page (`on_page_content`), then renders each into the
theme's template and writes it (`on_post_page`), then writes the search index and the
other site-wide files (`on_post_build`).
"""

from __future__ import annotations

from typing import Any, Protocol

from mkdocs.plugins import BasePlugin, event_priority


class Stages(Protocol):
    def stage(self, name: str, total: int | None = None, unit: str = "pages") -> None: ...

    def advance(self, count: int = 1) -> None: ...


class ProgressPlugin(BasePlugin):
    """Registered by runbookc when a build shows progress; not a user-facing plugin."""

    def __init__(self, stages: Stages) -> None:
        super().__init__()
        self.stages = stages
        self.pages = 0

    def on_files(self, files: Any, *, config: Any) -> Any:
        self.pages = len(files.documentation_pages())
        self.stages.stage("site: converting", self.pages)
        return files

    def on_page_content(self, html: str, **_: Any) -> str:
        self.stages.advance()
        return html

    def on_env(self, env: Any, **_: Any) -> Any:
        self.stages.stage("site: writing", self.pages)
        return env

    def on_post_page(self, output: str, **_: Any) -> str:
        self.stages.advance()
        return output

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, **_: Any) -> None:
        self.stages.stage("site: search index and sitemap")


def attach(config: Any, stages: Stages) -> None:
    config.plugins["runbookc/progress"] = ProgressPlugin(stages)
