"""Build into a fresh dir, then put the results in place: a failed build leaves the
previous output as it was (MkDocs' own rule: gather everything before writing anything).

`runbookc build` publishes generations. Each build writes docs, site, scripts and its state
into a new dir `<output>/.gen/<pid>-<random>/`; publishing it is one rename(2): a new
symlink `current -> .gen/<that dir>` replaces the old one. The names readers use
(`<output>/site`, `<output>/docs`, ...) are symlinks into `current` that stay put, so a
reader (a web server serving `build/site`, the next build reading `build/docs`) resolves
every one of them in the same generation: all of the old build or all of the new one,
wherever a build is killed. The generation replaced is kept until the next build publishes
(a page being served as the link turns still finishes); older ones are removed then.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from runbookc.engine.parallel import cpu_count

GENERATIONS = ".gen"
CURRENT = "current"
MARKER = ".runbookc-output"  # every build leaves it: the dir is runbookc's to replace


class UnsafeOutput(Exception):
    """The output dir would replace or mix with files runbookc did not write."""


def check_output_dir(output_dir: Path, root: Path, source_dir: Path, names: Sequence[str]) -> None:
    """Refuse an output dir that is or holds the project root, that overlaps the sources,
    or where `names` (or the generations and their link) exist without the `MARKER`:
    `--output .` must never replace the project's own site/ or write pages among sources."""
    out, root, source = output_dir.resolve(), root.resolve(), source_dir.resolve()
    if out == root or out in root.parents:
        raise UnsafeOutput(f"refusing to build into {output_dir}: it holds the project {root}")
    if out == source or out in source.parents or source in out.parents:
        raise UnsafeOutput(f"refusing to build into {output_dir}: it overlaps the sources {source}")
    replaced = [*names, CURRENT, GENERATIONS]
    existing = [name for name in replaced if os.path.lexists(out / name)]
    if existing and not (out / MARKER).exists():
        raise UnsafeOutput(
            f"refusing to build into {output_dir}: {', '.join(existing)} there is not the "
            f"output of a previous `runbookc build` (no {MARKER})"
        )
    generations = out / GENERATIONS
    if generations.is_symlink() or (generations.exists() and not generations.is_dir()):
        raise UnsafeOutput(
            f"refusing to build into {output_dir}: {GENERATIONS} there is not a directory "
            "runbookc made (builds are written into it and old ones deleted from it)"
        )


class Generation:
    """One build's output dir under `<output>/.gen/`, published by `publish`."""

    def __init__(self, output_dir: Path, path: Path) -> None:
        self.output_dir = output_dir
        self.path = path
        self.published = False

    def publish(self, names: Sequence[str]) -> None:
        """Make this generation the output: `<output>/<name>` for each of `names` becomes
        a link to `current/<name>` (already so after the first build), then `current`
        is switched to this generation in one rename. Generations neither current, nor
        the one just replaced, nor still being built, are deleted. A real dir in the way
        of a link (the layout before generations, or `runbookc extract` into build/scripts)
        is moved into `.gen` first: that one-time change is not atomic, a kill during it
        is repaired by the next build."""
        out, generations = self.output_dir, self.path.parent
        with _locked(generations):
            replaced = current_generation(out)
            for name in names:
                _place_link(out / name, f"{CURRENT}/{name}", generations)
            _place_link(out / CURRENT, f"{GENERATIONS}/{self.path.name}", generations)
            self.published = True
            _collect(generations, keep={self.path.name, replaced})


def claim_output_dir(output_dir: Path) -> None:
    """Create `output_dir` if needed and leave the marker: from now on it is runbookc's."""
    output_dir.mkdir(parents=True, exist_ok=True)
    if not (output_dir / MARKER).exists():
        (output_dir / MARKER).write_text("written by runbookc build\n", encoding="utf-8")


@contextmanager
def new_generation(output_dir: Path) -> Iterator[Generation]:
    """A fresh, empty generation under `output_dir`, removed on the way out unless it was
    published. The output dir gets its marker first: from now on it is runbookc's."""
    claim_output_dir(output_dir)
    _remove_orphans(output_dir)  # staging dirs of killed builds from before generations
    generations = output_dir / GENERATIONS
    generations.mkdir(exist_ok=True)
    generation = Generation(
        output_dir, Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=generations))
    )
    generation.path.chmod(0o755)
    try:
        yield generation
    finally:
        if not generation.published:
            shutil.rmtree(generation.path, ignore_errors=True)


def current_generation(output_dir: Path) -> str | None:
    """The name of the generation `current` links to, or None (no link, or a link that
    leads anywhere but straight into `.gen`: it is replaced, never followed)."""
    try:
        target = os.readlink(output_dir / CURRENT)
    except OSError:
        return None
    folder, _, name = target.partition("/")
    if folder != GENERATIONS or name in ("", ".", "..") or "/" in name:
        return None
    return name


def _place_link(path: Path, target: str, generations: Path) -> None:
    """Make `path` a symlink to `target` by renaming a new link over it (a reader sees the
    old entry or the new link, never nothing); a real dir there is moved into a fresh
    dir under `generations` first (collected later)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    if path.is_dir() and not path.is_symlink():
        retired = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-retired-", dir=generations))
        os.rename(path, retired / path.name)
    temporary = generations / f"{os.getpid()}-link"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)  # left by a killed process that had this pid
    os.symlink(target, temporary)  # relative: resolved where it is renamed to
    os.replace(temporary, path)


def _collect(generations: Path, keep: set[str | None]) -> None:
    """Delete the entries of `generations` not in `keep` whose process is gone or is this
    one (a build in another live process is left alone)."""
    with os.scandir(generations) as entries:
        gone = [
            entry
            for entry in entries
            if entry.name not in keep and _dead_or_mine(entry.name.split("-", 1)[0])
        ]
    for entry in gone:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _dead_or_mine(pid: str) -> bool:
    return pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid)))


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Publishing and collecting one at a time: a build never deletes the generation
    another one has just made current."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def staging(output_dir: Path) -> Iterator[Path]:
    """A fresh dir inside `output_dir` (same file system, so the swap is renames); removed
    on the way out, whether the build succeeded or not. Its name carries the building
    process's id, so the next build removes what a killed one left behind."""
    output_dir.mkdir(parents=True, exist_ok=True)
    _remove_orphans(output_dir)
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=output_dir))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


STAGING = ".staging-"


def _remove_orphans(output_dir: Path) -> None:
    """Remove the staging dirs of builds whose process is gone (killed before its cleanup
    ran). A live process's dir is left alone, so concurrent builds do not collide."""
    for entry in output_dir.glob(f"{STAGING}*-*"):
        pid = entry.name[len(STAGING) :].split("-", 1)[0]
        if pid.isdigit() and entry.is_dir() and not entry.is_symlink() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # Windows' os.kill would terminate the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process: it exists
        return True
    return True


def swap(stage: Path, output_dir: Path, names: Sequence[str]) -> None:
    """Move `stage/<name>` to `output_dir/<name>` for every name, replacing what was there.

    Each replacement is two renames; if one fails, the ones done are rolled back.
    """
    retired = stage / ".previous"
    retired.mkdir()
    done: list[str] = []
    try:
        for name in names:
            current, fresh = output_dir / name, stage / name
            if current.exists():
                current.rename(retired / name)
            done.append(name)
            if fresh.exists():
                fresh.rename(current)
    except OSError:
        for name in reversed(done):
            if (output_dir / name).exists() and not (stage / name).exists():
                (output_dir / name).rename(stage / name)
            if (retired / name).exists():
                (retired / name).rename(output_dir / name)
        raise


# Creating a file costs about 0.8 ms of kernel time on the machines this was measured on
# (a new inode; its bytes and a hard link cost next to nothing), so thousands of new files
# are spread over threads: the system calls release the GIL.
FILES_PER_THREAD = 200


def write_new(files: Sequence[tuple[Path, bytes, int]]) -> None:
    """Write each (path, bytes, permissions) as a new file, creating its dir as needed."""
    for folder in sorted({path.parent for path, _, _ in files}):
        folder.mkdir(parents=True, exist_ok=True)
    threads = max(1, min(cpu_count(), len(files) // FILES_PER_THREAD))
    if threads == 1:
        _write_all(files)
        return
    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(_write_all, [files[i::threads] for i in range(threads)]):
            pass  # re-raises a thread's error here


def _write_all(files: Sequence[tuple[Path, bytes, int]]) -> None:
    for path, data, mode in files:
        with open(path, "wb") as out:
            out.write(data)
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), mode)
        if not hasattr(os, "fchmod"):
            os.chmod(path, mode)
