"""The runbooks' commit that run.sh records (engine/gitcommit.py): read from `.git`'s files
(a branch's ref, packed-refs, a worktree's `.git` file, a detached HEAD), "unknown" outside
a checkout or when HEAD names something odd."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from runbookc.engine.gitcommit import head_commit
from scriptcases import front_matter

ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def _git(cwd: Path, *argv: str) -> str:
    done = subprocess.run(
        ["git", *argv], cwd=cwd, env=ENV, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _repo(tmp_path: Path) -> tuple[Path, str]:
    repo = tmp_path / "repo"
    (repo / "runbooks").mkdir(parents=True)
    (repo / "runbooks" / "rb.md").write_text("# x\n", "utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "one")
    return repo, _git(repo, "rev-parse", "HEAD")


def test_a_branch_a_packed_ref_a_worktree_and_a_detached_head(tmp_path) -> None:
    repo, commit = _repo(tmp_path)
    assert head_commit(repo / "runbooks") == commit
    _git(repo, "pack-refs", "--all")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()
    assert head_commit(repo / "runbooks") == commit
    _git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"))
    assert head_commit(tmp_path / "wt" / "runbooks") == commit
    (repo / "runbooks" / "rb.md").write_text("# y\n", "utf-8")
    _git(repo, "commit", "-q", "-am", "two")
    _git(repo, "checkout", "-q", "--detach", "HEAD")
    assert head_commit(repo) == _git(repo, "rev-parse", "HEAD") != commit


def test_no_checkout_an_unborn_branch_or_an_odd_head_is_unknown(tmp_path) -> None:
    assert head_commit(tmp_path) == "unknown"
    repo, _ = _repo(tmp_path)
    head = repo / ".git" / "HEAD"
    for text in ("ref: refs/heads/none\n", "ref: refs/../../../etc/passwd\n", "garbage\n"):
        head.write_text(text, "ascii")
        assert head_commit(repo) == "unknown", text


def test_extract_records_the_commit_in_run_sh(tmp_path, cli, monkeypatch) -> None:
    repo, commit = _repo(tmp_path)
    (repo / "runbooks" / "rb.md").write_text(
        front_matter() + "\n## Diagnosis\n1) Pods:\n\n```bash\nkubectl get pods\n```\n",
        "utf-8",
    )
    monkeypatch.chdir(repo)  # the project: the checkout, with the default settings
    out = tmp_path / "out"
    result = cli("extract", "runbooks/rb.md", "--output", str(out))
    assert result.code == 0, result.out + result.err
    (entry,) = out.glob("*/run.sh")
    assert f"'{commit}'" in entry.read_text("utf-8")
