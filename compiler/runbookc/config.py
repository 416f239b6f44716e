"""Settings from `[tool.runbookc]` in pyproject.toml.

Core keys are typed here; each stage reads its own sub-table with `Settings.table(name)`
so that a stage's options live next to the code that uses them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from runbookc.errors import ConfigError as ConfigError


@dataclass(frozen=True)
class Settings:
    root: Path  # the directory holding pyproject.toml (or the working directory)
    source: str = "runbooks"
    output: str = "build"
    language: str = "ru"
    issue_url: str = ""
    paths: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def source_dir(self) -> Path:
        return self.root / self.source

    @property
    def output_dir(self) -> Path:
        return self.root / self.output

    def table(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(f"[tool.runbookc.{name}] must be a table")
        return value

    @cached_property
    def fingerprint(self) -> str:
        """A stable text of every setting, for cache keys (made once: every document's
        script analysis asks for it)."""
        import json

        return json.dumps(self.raw, sort_keys=True, default=str)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(config: str | None = None, cwd: Path | None = None) -> Settings:
    cwd = (cwd or Path.cwd()).resolve()
    pyproject = Path(config).resolve() if config else find_pyproject(cwd)
    if pyproject is None:
        return Settings(root=cwd)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read settings: {exc}") from exc
    table = data.get("tool", {}).get("runbookc", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.runbookc] must be a table")
    kwargs: dict[str, Any] = {}
    for key in ("source", "output", "language", "issue_url"):
        if key in table:
            if not isinstance(table[key], str):
                raise ConfigError(f"{pyproject}: tool.runbookc.{key} must be a string")
            kwargs[key] = table[key]
    paths = table.get("paths", {})
    if not isinstance(paths, dict) or not all(isinstance(v, str) for v in paths.values()):
        raise ConfigError(f"{pyproject}: [tool.runbookc.paths] must map strings to strings")
    return Settings(root=pyproject.parent, paths=paths, raw=table, **kwargs)
