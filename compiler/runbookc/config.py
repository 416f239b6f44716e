"""Settings from `[tool.runbookc]` in pyproject.toml.

Core keys are typed here; each stage reads its own sub-table with `Settings.table(name)`
so that a stage's options live next to the code that uses them.
"""

from __future__ import annotations

import hashlib
import json
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
        """A stable text of every setting and of the files settings name, for cache keys
        (made once: every document's script analysis asks for it)."""
        files = {".".join(key): _file_digest(self.root, self.raw, key) for key in _FILE_SETTINGS}
        return json.dumps([self.raw, files], sort_keys=True, default=str)


# Settings whose value names a repository file that results depend on (the approvals'
# allowed signers): the file's digest joins the fingerprint, so cached results follow it.
_FILE_SETTINGS = (("approvals", "allowed_signers"),)


def _file_digest(root: Path, raw: dict[str, Any], key: tuple[str, str]) -> str:
    table = raw.get(key[0])
    name = table.get(key[1]) if isinstance(table, dict) else None
    if not isinstance(name, str):
        return ""
    path = root / name
    try:  # a regular file only: never wait on a FIFO or read a device
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    except (OSError, ValueError):  # the approvals policy reports it
        return ""


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
