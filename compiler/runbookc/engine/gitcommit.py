"""The git commit a project's checkout is at, for the incident record of the scripts
(`run.sh --diagnose` names the runbook's commit in summary.json). Read from the files under
`.git` (HEAD, the branch's ref, packed-refs), never by running git: a repository's own
config can make git run programs."""

from __future__ import annotations

import re
from pathlib import Path

from runbookc.config import repository_top
from runbookc.engine.regular_file import read_regular

UNKNOWN = "unknown"
_HASH = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_REF = re.compile(r"refs/[A-Za-z0-9._/-]+")
_SMALL = 4096  # HEAD, a ref, a worktree's `.git` file
_PACKED = 64 << 20


def head_commit(start: Path) -> str:
    """The commit HEAD names in the checkout holding `start`, or "unknown" (no checkout, an
    unborn branch, anything unreadable)."""
    top = repository_top(start)
    if top is None:
        return UNKNOWN
    git = _git_dir(top / ".git")
    if git is None:
        return UNKNOWN
    head = _text(git / "HEAD", _SMALL)
    if head is None:
        return UNKNOWN
    if _HASH.fullmatch(head):
        return head  # a detached HEAD
    ref = head.removeprefix("ref: ").strip()
    if not head.startswith("ref: ") or not _REF.fullmatch(ref) or ".." in ref:
        return UNKNOWN
    common = _common_dir(git)
    for folder in dict.fromkeys((git, common)):
        found = _text(folder / ref, _SMALL)
        if found is not None and _HASH.fullmatch(found):
            return found
    packed = _text(common / "packed-refs", _PACKED)
    for line in (packed or "").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref and _HASH.fullmatch(commit):
            return commit
    return UNKNOWN


def _git_dir(dot_git: Path) -> Path | None:
    """`.git` itself, or the folder a worktree's `.git` file points to."""
    if dot_git.is_dir():
        return dot_git
    text = _text(dot_git, _SMALL)
    if text is None or not text.startswith("gitdir: "):
        return None
    target = Path(text.removeprefix("gitdir: "))
    return target if target.is_absolute() else dot_git.parent / target


def _common_dir(git: Path) -> Path:
    """Where a worktree's shared refs are (its `commondir`), else the git folder itself."""
    text = _text(git / "commondir", _SMALL)
    if not text:
        return git
    target = Path(text)
    return target if target.is_absolute() else git / target


def _text(path: Path, limit: int) -> str | None:
    data, _ = read_regular(path, limit)
    if data is None:
        return None
    try:
        return data.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
