"""Edit links only where there is a source to edit: a document's page (its path under the
source dir is its path in the docs dir). The generated pages (home, indexes, tags, lint
rules, scripts) have no source file, so their edit URL is cleared: MkDocs gives a page no
`edit_url` when its file's `edit_uri` is None, and Material then shows no edit button.

Registered by runbookc when a repository URL is configured (render/site_build.edit_links).
"""

from __future__ import annotations

from typing import Any

from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from runbookc.render.paths import GENERATED_DIRS, reserved


class EditLinksPlugin(BasePlugin):
    """Not a user-facing plugin; runbookc adds it to the config it loads."""

    def on_files(self, files: Files, *, config: Any) -> Files:
        generated = reserved()
        for file in files.documentation_pages():
            if file.src_uri in generated or file.src_uri.startswith(GENERATED_DIRS):
                file.edit_uri = None
        return files


def attach(config: Any) -> None:
    config.plugins["runbookc/edit-links"] = EditLinksPlugin()
