"""Writing a folder as one .tar.gz archive, in place of the previous one only once it is
whole: a failed or killed write leaves the previous archive as it was."""

from __future__ import annotations

import gzip
import os
import stat
import tarfile
import tempfile
from pathlib import Path


def write_archive(folder: Path, target: Path, top: str) -> int:
    """Archive the regular files and folders under `folder` as `top/...` into `target`
    (renamed over it when whole); returns the number of files. Every file is a plain
    member (no hard or symbolic links: the staging dir hard-links the scripts), readable
    by all, executable where it was, owned by no one in particular."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    files = 0
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as packed,
            tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            tar.addfile(_member(f"{top}/", folder.stat(), tarfile.DIRTYPE))
            for path in sorted(folder.rglob("*")):
                info = path.lstat()
                name = f"{top}/{path.relative_to(folder).as_posix()}"
                if stat.S_ISDIR(info.st_mode):
                    tar.addfile(_member(f"{name}/", info, tarfile.DIRTYPE))
                elif stat.S_ISREG(info.st_mode):
                    with path.open("rb") as data:
                        tar.addfile(_member(name, info, tarfile.REGTYPE), data)
                    files += 1
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return files


def _member(name: str, info: os.stat_result, kind: bytes) -> tarfile.TarInfo:
    member = tarfile.TarInfo(name)
    member.type = kind
    executable = kind == tarfile.DIRTYPE or info.st_mode & stat.S_IXUSR
    member.mode = 0o755 if executable else 0o644
    member.size = info.st_size if kind == tarfile.REGTYPE else 0
    member.mtime = int(info.st_mtime)
    return member
