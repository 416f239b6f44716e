"""Kernel isolation for sandbox runs: every block runs inside bubblewrap (`bwrap`).

A PATH of stubs alone does not stop a block: `PATH=/usr/bin kubectl`, `command -p git`,
`hash -p /path/kubectl kubectl` or awk's `system()` reach the real programs. Inside bwrap
the host filesystem is read-only, the network, processes and IPC are the sandbox's own,
no capability is kept (as root too), and every stubbed tool's stub is mounted over each
host copy of it that `host_copies` finds. Without a working bwrap nothing runs: callers
get `IsolationUnavailable`, never a fallback to PATH alone.

The limit: a tool copied under another name into a folder `host_copies` does not search
is not replaced. There the read-only host and the missing network are the wall.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterable
from functools import lru_cache

INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`)"

# Where tools live besides the folders on PATH.
_SYSTEM_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
# Private copies one level down, e.g. /usr/lib/git-core/git, /opt/<sdk>/bin/<tool>.
_COPY_GLOBS = (
    "/usr/lib/*/",
    "/usr/lib/*/bin/",
    "/usr/libexec/*/",
    "/usr/local/lib/*/",
    "/opt/*/",
    "/opt/*/bin/",
    "/snap/bin/",
)
# Host folders that hold users' files, secrets and sockets: hidden behind empty tmpfs.
_HIDDEN = ("/tmp", "/var/tmp", "/run", "/home", "/root")

_ISOLATE = (
    "--unshare-all",  # user (where possible), ipc, pid, net, uts, cgroup namespaces
    "--die-with-parent",
    "--new-session",  # no ioctl(TIOCSTI) into the caller's terminal
    "--cap-drop",
    "ALL",  # run as root, bwrap would keep every capability (and with it mount/remount)
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
)


class IsolationUnavailable(Exception):
    """bwrap is missing or cannot start a sandbox on this machine (not a RuntimeError, so
    that no caller turns it into one script's finding and goes on)."""


def bwrap_binary() -> str:
    """The path of a bwrap that passed its self-test; raises IsolationUnavailable."""
    found = shutil.which("bwrap")
    if found is None:
        raise IsolationUnavailable(f"bubblewrap (bwrap) is not on PATH: {INSTALL_HINT}")
    problem = _self_test(found)
    if problem:
        raise IsolationUnavailable(
            f"bubblewrap ({found}) cannot start a sandbox here: {problem}. "
            "It needs user namespaces or root; " + INSTALL_HINT
        )
    return found


@lru_cache(maxsize=4)
def _self_test(bwrap: str) -> str:
    """ "" when `bwrap ... true` works, else why not (once per bwrap per process)."""
    try:
        done = subprocess.run(
            [bwrap, *_ISOLATE, *_hide(), "--", "true"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode != 0:
        return done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"
    return ""


def _hide() -> list[str]:
    args: list[str] = []
    for folder in _HIDDEN:
        if os.path.isdir(folder) and not os.path.islink(folder):
            args += ["--tmpfs", folder]
    return args


@lru_cache(maxsize=4096)  # every stub of a run, for each PATH seen
def host_copies(tool: str, search_path: str) -> tuple[str, ...]:
    """Every file on the host that running `tool` may reach: `tool` in each absolute
    folder of `search_path` and the system bin folders, in the private tool folders of
    _COPY_GLOBS, and `tool.*` beside each (gcloud's kubectl.1.33). Symlinks are resolved:
    a mount over the target covers every link to it."""
    folders = [d for d in search_path.split(os.pathsep) if os.path.isabs(d)]
    candidates = [os.path.join(d, tool) for d in (*folders, *_SYSTEM_DIRS)]
    for pattern in _COPY_GLOBS:
        candidates += glob.glob(pattern + glob.escape(tool))
    found = {os.path.realpath(c) for c in candidates if os.path.isfile(c)}
    for path in list(found):
        siblings = glob.glob(os.path.join(glob.escape(os.path.dirname(path)), f"{tool}.*"))
        found |= {os.path.realpath(s) for s in siblings if os.path.isfile(s)}
    return tuple(sorted(found))


def isolated(
    bwrap: str,
    argv: Iterable[str],
    *,
    writable: Iterable[str],
    read_only: Iterable[str],
    mounts: Iterable[tuple[str, str]],
    chdir: str,
) -> list[str]:
    """The bwrap command line that runs `argv` isolated: `writable` folders and
    `read_only` paths are shown as they are on the host (in that order, so a read-only
    path may sit inside a writable folder), each (source, target) of `mounts` is mounted
    read-only over target."""
    args = [bwrap, *_ISOLATE, *_hide()]
    for path in writable:
        args += ["--bind", path, path]
    for path in read_only:
        args += ["--ro-bind", path, path]
    for source, target in mounts:
        args += ["--ro-bind", source, target]
    return [*args, "--chdir", chdir, "--", *argv]
