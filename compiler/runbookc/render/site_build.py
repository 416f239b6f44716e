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
    Key("site.mkdocs", Kind.STRING, '"mkdocs.yml"', "the MkDocs config, relative to the root"),
    Key("site.dir", Kind.STRING, '"site"', "the site's hand-written parts (home page, CSS)"),
)


def site_settings(settings: Settings) -> tuple[Path, Path]:
    """(mkdocs.yml, the site's hand-written dir) from [tool.runbookc.site]."""
    table = settings.table("site")
    config = settings.root / str(table.get("mkdocs", "mkdocs.yml"))
    return config, settings.root / str(table.get("dir", "site"))
