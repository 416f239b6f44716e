"""Finding the sources: every Markdown file under the targets a command names, with the
path it is shown by, and the rest of the source dir a partial run resolves references in.
Files the settings exclude (pipeline/exclude.py) are not documents: a folder's are
skipped, a named one is listed as excluded, with the pattern that excludes it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.errors import UsageError
from runbookc.pipeline.exclude import Exclusion
from runbookc.pipeline.source_links import link_finding, outside


@dataclass(frozen=True)
class Sources:
    files: list[tuple[Path, str]]  # (path, display path), sorted by display path
    refused: list[Diagnostic]  # symlinks leading out of the repository (source_links)
    excluded: list[tuple[str, str]]  # named targets the settings exclude: (display, why)


def discover(
    targets: list[str], cwd: Path, root: Path | None = None, skip: Exclusion | None = None
) -> Sources:
    """Every Markdown file under the targets, sorted, as (path, display path). A file
    reached twice (a symlink to another one) is listed once. A symlink found under a folder
    target (or named as a target) that leads out of both `root` (the repository; default:
    `cwd`) and that folder is refused, unread. What `skip` excludes is left out."""
    base = cwd.resolve()
    prefix = str(base).rstrip(os.sep) + os.sep
    home = str((root or cwd).resolve())
    found: dict[str, tuple[str, str]] = {}  # real path -> (path, display)
    refused: list[Diagnostic] = []
    excluded: list[tuple[str, str]] = []
    for target in targets:
        path = Path(target)
        if not path.is_absolute():
            path = cwd / path
        why = skip.named(path) if skip and path.exists() else None
        if why:
            excluded.append((display_path(path, cwd), why))
        elif path.is_dir():
            # The folder is resolved once: resolving each of 10,000 files costs more than
            # parsing a hundred documents. Only symlinks need their own real path.
            folder = str(path.resolve())
            for file, is_link in _markdown_files(folder, skip):
                real = os.path.realpath(file) if is_link else file
                shown = file[len(prefix) :] if file.startswith(prefix) else None
                display = shown.replace(os.sep, "/") if shown else display_path(Path(file), base)
                if is_link and outside(real, (home, folder)):
                    refused.append(link_finding(display, real))
                elif file.endswith(".md"):  # a link to a folder inside is not followed
                    found.setdefault(real, (file, display))
        elif path.is_file():
            real = os.path.realpath(path)
            if outside(real, (home, os.path.realpath(path.parent))):
                refused.append(link_finding(display_path(path, cwd), real))
            else:
                found.setdefault(real, (str(path), display_path(path, cwd)))
        else:
            raise UsageError(f"{target}: no such file or directory")
    files = sorted(((Path(p), d) for p, d in found.values()), key=lambda item: item[1])
    return Sources(files, refused, excluded)


def discover_targets(targets: list[str], settings: Settings, cwd: Path) -> Sources:
    """`discover` for a command's PATH arguments (default: the source dir). Finding no
    document at all is a usage error: a CI job pointed at the wrong folder must not pass
    (but one whose named files are all excluded finds what it was asked to)."""
    sources = source_files(settings, cwd, targets)
    if not sources.files and not sources.refused and not sources.excluded:
        where = ", ".join(targets) if targets else str(settings.source_dir)
        raise UsageError(f"no documents (*.md) found in {where}")
    return sources


def source_files(settings: Settings, cwd: Path, targets: list[str] | None = None) -> Sources:
    """The documents under `targets` (default: the source dir), without what the
    settings exclude."""
    named = targets or [str(settings.source_dir)]
    return discover(named, cwd, settings.root, Exclusion(settings))


def _markdown_files(folder: str, skip: Exclusion | None) -> Iterator[tuple[str, bool]]:
    """(path, is a symlink) of every *.md and every symlink to a folder under `folder`,
    skipping hidden folders and what `skip` excludes."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list folder: {exc.strerror or exc}") from exc
    for entry in listed:
        # Like os.walk, symlinked folders are not followed; a symlink loop is not a folder
        # either, and loading it reports that it cannot be read.
        if entry.name.startswith(".") and entry.is_dir():
            continue
        real_dir = entry.is_dir(follow_symlinks=False)
        if not (real_dir or entry.name.endswith(".md") or entry.is_dir()):
            continue
        if skip and skip.reason(entry.path, real_dir):
            continue
        if real_dir:
            yield from _markdown_files(entry.path, skip)
        else:  # a Markdown file, or a link to a folder
            yield entry.path, entry.is_symlink()


def display_path(path: Path, cwd: Path) -> str:
    """Paths are shown relative to the working directory when under it. A symlink is shown
    by its own name (not its target's), so a broken link names the file the user has."""
    for file, base in (
        (Path(os.path.abspath(path)), cwd.resolve()),
        (Path(os.path.realpath(path)), cwd.resolve()),
    ):
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def context_files(
    files: list[tuple[Path, str]], settings: Settings, cwd: Path
) -> list[tuple[Path, str]]:
    """The source dir's files not among `files`, when any of `files` lies in it (by its
    real path, or by the path it was named by: a symlink in the source dir counts)."""
    source = settings.source_dir.resolve()
    named = Path(os.path.abspath(settings.source_dir))
    inside = any(
        path.is_relative_to(source) or Path(os.path.abspath(cwd / shown)).is_relative_to(named)
        for path, shown in files
    )
    if not source.is_dir() or not inside:
        return []
    chosen = {path for path, _ in files}
    found = source_files(settings, cwd).files
    return [item for item in found if item[0] not in chosen]
