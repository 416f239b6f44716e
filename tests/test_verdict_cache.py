"""`runbookc test` keeps each check's verdict on a script (bash -n, ShellCheck, the sandbox
runs) in the cache by the digest of the script and the check's inputs: a run after no
change starts none of their processes, an edited script is checked again, and an entry
that is not the verdict stored under its key is a miss."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from scriptcases import front_matter

CLEAN = "kubectl -n web get pods\n"
WARNS = 'pods="$(kubectl -n web get pods -o name)"\nkubectl -n web describe $pods\n'  # SC2086


def _write(root: Path, name: str, number: int, block: str) -> None:
    front = front_matter().replace("RB-TEST-0102", f"RB-TEST-{number:04d}")
    body = "\n## Diagnosis\n1) Look:\n\n```bash\n" + block + "```\n"
    (root / "runbooks" / f"{name}.md").write_text(front + body, "utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.runbookc]\nsource = "runbooks"\noutput = "build"\n', "utf-8"
    )
    _write(tmp_path, "clean", 1, CLEAN)
    _write(tmp_path, "warns", 2, WARNS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The check processes started (bash -n, shellcheck, bwrap runs), counted by kind as
    subprocess.run starts them (a batch of bash -n as its files); tool version queries and
    bwrap's self-test are not checks."""
    counts: Counter[str] = Counter()
    real_run = subprocess.run

    def recording(argv, *args, **kwargs):  # type: ignore[no-untyped-def]
        tool = os.path.basename(argv[0])
        if tool == "bash" and argv[1] == "-c":  # a batch of bash -n: its files after $0
            counts["bash -n"] += len(argv) - 4
        elif "--version" not in argv and argv[-1] != "true":
            counts["bash -n" if tool == "bash" and argv[1] == "-n" else tool] += 1
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", recording)
    return counts


def _findings(cli) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    result = cli("test", "--format", "json")
    return sorted((d["code"], d["path"], d["line"]) for d in result.json()["diagnostics"])


def _rb411(found: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return [f for f in found if f[0] == "RB411"]


def test_a_second_run_starts_no_check_and_finds_the_same(cli, project, launched, sandboxed) -> None:
    first = _findings(cli)
    assert _rb411(first) == [("RB411", "runbooks/warns.md", 22)]
    assert launched["bash -n"] == 2 and launched["shellcheck"] >= 1
    assert launched["bwrap"] == 2  # two scripts, each one isolated run for its three scenarios
    launched.clear()
    assert _findings(cli) == first
    assert launched == Counter()


def test_an_edited_script_is_checked_again_and_only_it(cli, project, launched, sandboxed) -> None:
    _findings(cli)
    _write(project, "warns", 2, WARNS.replace("describe", "get"))
    launched.clear()
    found = _findings(cli)
    assert _rb411(found) == [("RB411", "runbooks/warns.md", 22)]
    assert launched == Counter(
        {"bash -n": 1, "shellcheck": 1, "bwrap": 1}
    )  # its three scenarios in one isolated run


def _entries(root: Path) -> dict[str, bytes]:
    with contextlib.closing(sqlite3.connect(root / "build" / "cache" / "verdicts.sqlite")) as db:
        return dict(db.execute("SELECT key, blob FROM entries"))


def _replace(root: Path, changed: dict[str, bytes]) -> None:
    path = root / "build" / "cache" / "verdicts.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executemany(
            "UPDATE entries SET blob = ? WHERE key = ?", [(b, k) for k, b in changed.items()]
        )


def _tampered(entries: dict[str, bytes], how: str) -> dict[str, bytes]:
    """Every entry changed `how`: another entry's verdict (a clean one where there was a
    finding), bytes that are not JSON, or findings of another shape."""
    keys = sorted(entries)
    if how == "another entry's":
        return {key: entries[keys[(i + 1) % len(keys)]] for i, key in enumerate(keys)}
    if how == "not JSON":
        return {key: b"\x80not json" for key in keys}
    return {
        key: blob.replace(b'"warning"', b'"fatal"').replace(b"[]]", b'[{"code": 1}]]')
        for key, blob in entries.items()
    }


@pytest.mark.parametrize("how", ["another entry's", "not JSON", "another shape"])
def test_a_tampered_entry_is_a_miss(cli, project, launched, sandboxed, how) -> None:
    first = _findings(cli)
    entries = _entries(project)
    assert len(entries) == 6  # bash -n, shellcheck and sandbox of each script
    changed = _tampered(entries, how)
    assert all(changed[key] != entries[key] for key in entries)
    _replace(project, changed)
    launched.clear()
    assert _findings(cli) == first  # the RB411 finding is not hidden
    assert launched["bash -n"] == 2 and launched["bwrap"] == 2
    assert _entries(project) == entries  # and the verdicts are stored again


def test_a_whole_run_drops_the_verdicts_it_no_longer_uses(cli, project, sandboxed) -> None:
    from runbookc.config import load_settings
    from runbookc.engine.verdicts import verdict_store

    _findings(cli)
    live = _entries(project)
    store = verdict_store(load_settings())
    assert store is not None
    store.put_many({f"an older script {i}": [] for i in range(150)})
    cli("test", "runbooks/clean.md")  # some scripts only: nothing is dropped
    assert len(_entries(project)) == len(live) + 150
    _findings(cli)
    assert _entries(project) == live
