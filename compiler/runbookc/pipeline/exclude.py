"""Which Markdown files under the source dir are not documents.

Three sources, all with git's ignore semantics (pathspec): the repository's `.gitignore`
files (from the top of the git work tree, else the settings root, down to the file's
folder; a deeper one overrides), then DEFAULT_EXCLUDE and the `exclude` setting, relative
to the source dir (last word: `!README.md` takes a default back). The output dir never
holds documents either, when it lies inside the source dir. An excluded folder is not
entered, as git does not (a file inside it cannot be taken back).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pathspec

from runbookc.config import Settings, repository_top
from runbookc.config_keys import Key, Kind, declare

# A repository's own pages and other tools' files, never runbooks: project docs at any
# depth, Hugo's section pages and content templates, vendored packages.
DEFAULT_EXCLUDE = (
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "CODE_OF_CONDUCT.md",
    "SECURITY.md",
    "LICENSE.md",
    "_index.md",
    "archetypes/",
    "node_modules/",
)

declare(
    Key(
        "exclude",
        Kind.STRINGS,
        "[]",
        "gitignore-style globs, relative to `source`, of files that are not documents, "
        f"added to {json.dumps(DEFAULT_EXCLUDE)} and the .gitignore files "
        '("!README.md" takes one back)',
    ),
)

_Layers = tuple[tuple[str, pathspec.GitIgnoreSpec], ...]  # (folder, its .gitignore)


class Exclusion:
    """Answers whether a path under the source dir is excluded, and by what."""

    def __init__(self, settings: Settings) -> None:
        self.source = os.path.realpath(settings.source_dir)
        top = repository_top(settings.source_dir.resolve()) or settings.root
        self.top = os.path.realpath(top)
        patterns = [*DEFAULT_EXCLUDE, *_strings(settings.raw.get("exclude", []))]
        self.spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        self.output = os.path.realpath(settings.output_dir)
        self._layers: dict[str, _Layers] = {}

    def reason(self, path: str, is_dir: bool) -> str | None:
        """Why `path` (absolute, its folders real) is not a document, or None. Checks the
        path alone: the walk does not enter an excluded folder."""
        if not path.startswith(self.source + os.sep):
            return None
        if is_dir and path == self.output:
            return "the output dir"
        verdict: tuple[bool, str] | None = None
        suffix = "/" if is_dir else ""
        for base, spec in self._layers_of(os.path.dirname(path)):
            found = _check(spec, path[len(base) + 1 :] + suffix)
            if found is not None:
                where = os.path.relpath(os.path.join(base, ".gitignore"), self.top)
                verdict = (found[0], f"{where}: {found[1]}")
        found = _check(self.spec, path[len(self.source) + 1 :] + suffix)
        if found is not None:
            verdict = (found[0], f"exclude: {found[1]}")
        return verdict[1] if verdict and verdict[0] else None

    def named(self, path: Path) -> str | None:
        """`reason` for a path named on the command line or by a link: its folders under
        the source dir are checked too. Folders are resolved, the name itself is not (a
        symlink is excluded by its own name)."""
        full = os.path.join(os.path.realpath(path.parent), path.name)
        if not full.startswith(self.source + os.sep):
            return None
        parts = full[len(self.source) + 1 :].split(os.sep)
        for depth in range(1, len(parts)):
            why = self.reason(os.path.join(self.source, *parts[:depth]), True)
            if why:
                return why
        return self.reason(full, path.is_dir())

    def _layers_of(self, folder: str) -> _Layers:
        """The .gitignore files that apply in `folder`, outermost first."""
        if folder not in self._layers:
            in_top = folder == self.top or folder.startswith(self.top + os.sep)
            start = self.top if in_top else self.source
            parent = os.path.dirname(folder)
            above = self._layers_of(parent) if folder != start and parent != folder else ()
            own = _gitignore(folder)
            self._layers[folder] = (*above, (folder, own)) if own else above
        return self._layers[folder]


def _check(spec: pathspec.GitIgnoreSpec, relative: str) -> tuple[bool, str] | None:
    """(excluded, the deciding pattern) when a pattern of `spec` matches, else None."""
    result = spec.check_file(relative.replace(os.sep, "/"))
    if result.include is None or result.index is None:
        return None
    return result.include, str(spec.patterns[result.index].pattern)


def _gitignore(folder: str) -> pathspec.GitIgnoreSpec | None:
    """The folder's .gitignore, if it is a readable regular file (never wait on a FIFO)."""
    try:
        fd = os.open(os.path.join(folder, ".gitignore"), os.O_RDONLY | os.O_NONBLOCK)
    except OSError:  # none, or unreadable: nothing ignored by it
        return None
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            text = file.read().decode("utf-8", errors="replace")
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(text.splitlines())


def _strings(value: object) -> list[str]:
    """The setting's patterns (config_keys has checked its type for the commands)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
