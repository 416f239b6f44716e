"""What a site build shares with the preview: its settings and the timing of its steps."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from runbookc.config import Settings
from runbookc.config_keys import Key, Kind, declare


@dataclass
class Timings:
    steps: dict[str, float] = field(default_factory=dict)

    def mark(self, step: str, started: float) -> float:
        now = time.perf_counter()
        self.steps[step] = self.steps.get(step, 0.0) + now - started
        return now

    def text(self) -> str:
        total = sum(self.steps.values())
        parts = ", ".join(f"{k} {v:.2f}s" for k, v in self.steps.items())
        return f"{total:.2f}s ({parts})"


declare(
    Key("site", Kind.TABLE, "", "the MkDocs site"),
    Key(
        "site.mkdocs",
        Kind.STRING,
        '"mkdocs.yml"',
        "the team's MkDocs config, relative to the root, layered on the packaged default "
        "(when the default name is absent, the packaged default alone is used)",
    ),
    Key("site.dir", Kind.STRING, '"site"', "the site's hand-written parts (home.md, stylesheets/)"),
    Key(
        "site.site_name",
        Kind.STRING,
        None,
        "the site's title when the team's mkdocs.yml names none (default: the repository "
        "folder's name)",
    ),
    Key(
        "site.repo_url",
        Kind.STRING,
        None,
        "the repository's web URL: the site links it and each document page gets an "
        "edit link (none when unset)",
    ),
    Key(
        "site.edit_uri",
        Kind.STRING,
        None,
        "the path from repo_url to the source dir's files in the host's editor (default: "
        '"edit/main/<source>/", as GitHub and Gitea spell it)',
    ),
)


def site_settings(settings: Settings) -> tuple[Path | None, Path]:
    """(the team's mkdocs.yml or None, the site's hand-written dir). A config named in the
    settings is returned even when missing, so that the build says it is missing."""
    table = settings.table("site")
    config = settings.root / str(table.get("mkdocs", "mkdocs.yml"))
    hand_written = settings.root / str(table.get("dir", "site"))
    return (config if "mkdocs" in table or config.exists() else None), hand_written


def site_name(settings: Settings) -> str:
    """The site's title when the team's mkdocs.yml names none."""
    from runbookc.render.labels import labels

    fallback = labels(settings.language)["runbooks"]
    return str(settings.table("site").get("site_name") or settings.root.name or fallback)


def edit_links(settings: Settings) -> tuple[str, str] | None:
    """(repo_url, edit_uri) for the pages' edit links, or None when no repository is set.
    A document's page has its path under the source dir, so edit_uri points at that dir."""
    table = settings.table("site")
    repo_url = str(table.get("repo_url") or "")
    if not repo_url:
        return None
    edit_uri = str(table.get("edit_uri") or f"edit/main/{settings.source.strip('/')}/")
    return repo_url, edit_uri.rstrip("/") + "/"
