"""Build into a staging dir, then swap the results into place: a failed build leaves the
previous output as it was (MkDocs' own rule: gather everything before writing anything)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class UnsafeOutput(Exception):
    """The output dir would replace or mix with files runbookc did not write."""


def check_output_dir(output_dir: Path, root: Path, source_dir: Path, names: Sequence[str]) -> None:
    """Refuse an output dir that is or holds the project root, that overlaps the sources,
    or whose `names` exist without `names[-1]`, the marker every successful build leaves:
    `--output .` must never replace the project's own site/ or write pages among sources."""
    out, root, source = output_dir.resolve(), root.resolve(), source_dir.resolve()
    if out == root or out in root.parents:
        raise UnsafeOutput(f"refusing to build into {output_dir}: it holds the project {root}")
    if out == source or out in source.parents or source in out.parents:
        raise UnsafeOutput(f"refusing to build into {output_dir}: it overlaps the sources {source}")
    *replaced, marker = names
    existing = [name for name in replaced if (out / name).exists()]
    if existing and not (out / marker).exists():
        raise UnsafeOutput(
            f"refusing to build into {output_dir}: {', '.join(existing)} there is not the "
            f"output of a previous `runbookc build` (no {marker})"
        )


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


# Reusing the previous output's files. A build writes every output file into the staging
# dir, and the swap retires the previous ones; hard-linking a file whose bytes did not
# change means neither writing it again nor freeing its blocks when the old tree goes. Nothing
# ever writes into an output file in place, so a link is as good as a copy.


def reuse(previous: Path, target: Path, data: bytes, mode: int | None = None) -> bool:
    """Hard-link `previous` as `target` (a new name) if it holds exactly `data` (and has
    permissions `mode`); returns whether it did."""
    try:
        stat = previous.stat()
        if stat.st_size != len(data) or (mode is not None and stat.st_mode & 0o7777 != mode):
            return False
        if previous.read_bytes() != data:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(previous, target)
    except OSError:
        return False
    return True


def reuse_file(previous: Path, source: Path, target: Path) -> bool:
    """`reuse` for a copy of the file `source`."""
    try:
        if previous.stat().st_size != source.stat().st_size:
            return False
        return reuse(previous, target, source.read_bytes())
    except OSError:
        return False


# Creating a file costs about 0.8 ms of kernel time on the machines this was measured on
# (a new inode; its bytes and a hard link cost next to nothing), so thousands of new files
# are spread over threads: the system calls release the GIL.
FILES_PER_THREAD = 200


def write_new(files: Sequence[tuple[Path, bytes, int]]) -> None:
    """Write each (path, bytes, permissions) as a new file, creating its dir as needed."""
    from concurrent.futures import ThreadPoolExecutor

    from runbookc.parallel import cpu_count

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
