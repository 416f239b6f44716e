"""Settings: the nearest settings file at or above the working dir, or the defaults.

A settings file is `runbookc.toml` or `.runbookc.toml` (the keys at its top level), or a
`pyproject.toml` with a `[tool.runbookc]` table (one without it is not a settings file:
the search goes on above). Core keys are typed here; each stage reads its own sub-table
with `Settings.table(name)`, and every module that reads a key declares it
(config_keys.py), so a file's unknown keys and wrong types are refused before any work.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from runbookc.config_keys import Key, Kind, check, declare
from runbookc.errors import ConfigError as ConfigError

declare(
    Key(
        "source",
        Kind.STRING,
        '"runbooks"',
        "the documents' folder, relative to the settings root (with no settings file: the "
        "working dir's runbooks/, else the working dir)",
    ),
    Key("output", Kind.STRING, '"build"', "the output dir (scripts, pages, site, cache)"),
    Key("language", Kind.STRING, '"en"', 'the site\'s language: "en" or "ru"'),
    Key("issue_url", Kind.STRING, '""', "link for an issue id in front matter: a URL with {id}"),
    Key("paths", Kind.MAP, "{}", "repository path prefix = its folder under `source` (code spans)"),
)

# The file names of a settings file, in the order one folder's are tried.
OWN_FILES = ("runbookc.toml", ".runbookc.toml")
PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class Settings:
    root: Path  # the settings file's folder (without one: see `load_settings`)
    source: str = "runbooks"
    output: str = "build"
    language: str = "en"
    issue_url: str = ""
    paths: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)
    file: Path | None = None  # the settings file read, None for the defaults

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


@dataclass(frozen=True)
class _File:
    path: Path
    text: str
    table: dict[str, Any]  # the settings table
    prefix: tuple[str, ...]  # where it sits in the file: () or ("tool", "runbookc")
    configured: bool  # False for a pyproject.toml without [tool.runbookc]


def find_config(start: Path) -> _File | None:
    """The nearest settings file at or above `start`. Two in one folder are refused:
    which one counts must not depend on an order nobody remembers."""
    for folder in (start, *start.parents):
        names = (*OWN_FILES, PYPROJECT)
        found = [f for f in (_read(folder / n) for n in names if (folder / n).is_file())]
        found = [f for f in found if f.configured]
        if len(found) > 1:
            raise ConfigError(f"two settings files: {found[0].path} and {found[1].path}; keep one")
        if found:
            return found[0]
    return None


def _read(path: Path) -> _File:
    """A settings file by its form: pyproject.toml's settings are its [tool.runbookc]
    table (so are those of any file with a [tool] table), other files' their top level."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
    if path.name != PYPROJECT and "tool" not in data:
        return _File(path, text, data, (), True)
    tool = data.get("tool", {})
    table = tool.get("runbookc", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.runbookc] must be a table")
    configured = isinstance(tool, dict) and "runbookc" in tool
    return _File(path, text, table, ("tool", "runbookc"), configured)


def repository_top(start: Path) -> Path | None:
    """The top of the git work tree holding `start` (the folder with `.git`), if any."""
    return next((f for f in (start, *start.parents) if (f / ".git").exists()), None)


def load_settings(
    config: str | None = None, cwd: Path | None = None, keys: dict[str, Key] | None = None
) -> Settings:
    """The settings of `config` (any of the three forms) or of the nearest settings file.
    `keys`: the registry to check the file against (commands/settings.py passes all).

    With no file the defaults apply, rooted so that a run from any folder of a repository
    writes into one output dir: the root is the top of the git work tree (else the working
    dir), and the source is the working dir's `runbooks/` if there is one, else the
    working dir itself."""
    cwd = (cwd or Path.cwd()).resolve()
    found = _read(Path(config).resolve()) if config else find_config(cwd)
    if found is None:
        root = repository_top(cwd) or cwd
        source = cwd / "runbooks" if (cwd / "runbooks").is_dir() else cwd
        return Settings(root=root, source=os.path.relpath(source, root).replace(os.sep, "/"))
    table = found.table
    if keys is not None:
        check(table, keys, lambda name: f"{found.path}:{key_line(found.text, found.prefix, name)}")
    kwargs: dict[str, Any] = {}
    for key in ("source", "output", "language", "issue_url"):
        if key in table:
            if not isinstance(table[key], str):
                raise ConfigError(f"{found.path}: setting {key!r} must be a string")
            kwargs[key] = table[key]
    paths = table.get("paths", {})
    if not isinstance(paths, dict) or not all(isinstance(v, str) for v in paths.values()):
        raise ConfigError(f"{found.path}: setting 'paths' must map strings to strings")
    return Settings(root=found.path.parent, paths=paths, raw=table, file=found.path, **kwargs)


# A TOML key as a line starts it: bare or quoted parts joined by dots, then `=`; a table
# header `[a.b]` or `[[a.b]]`.
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_PART}(?:\s*\.\s*{_PART})*"
_KEY_LINE = re.compile(rf"\s*({_DOTTED})\s*=")
_HEADER_LINE = re.compile(rf"\s*\[\[?\s*({_DOTTED})\s*\]")
_PARTS = re.compile(_PART)


def key_line(text: str, prefix: tuple[str, ...], name: str) -> int:
    """The file line (1-based) that writes the dotted settings key `name`, else the
    nearest table or inline table holding it; 1 when none does. tomllib keeps no
    positions, so the lines are scanned: headers and `key =` starts, skipping the
    insides of multi-line strings."""
    wanted = (*prefix, *name.split("."))
    best, best_length = 1, 0
    table: tuple[str, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not in_string:
            header, key = _HEADER_LINE.match(line), _KEY_LINE.match(line)
            if header:
                table = path = _parts(header.group(1))
            else:
                path = (*table, *_parts(key.group(1))) if key else ()
            if len(path) > best_length and wanted[: len(path)] == path:
                best, best_length = number, len(path)
        if (line.count('"""') + line.count("'''")) % 2:
            in_string = not in_string
    return best


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip("\"'") for p in _PARTS.findall(dotted))
