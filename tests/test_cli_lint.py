"""Whole-CLI runs of `runbookc lint` on the shipped corpus."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, SEED, subprocess_env


def test_seed_is_byte_for_byte_the_shared_seed() -> None:
    shared = ROOT.parent.parent / "shared" / "seed" / "000_5d10831b1750dd77.txt"
    candidates = [shared, ROOT.parent / "shared" / "seed" / "000_5d10831b1750dd77.txt"]
    original = next((p for p in candidates if p.is_file()), None)
    if original is not None:
        assert SEED.read_bytes() == original.read_bytes()
    assert SEED.read_bytes().startswith(b"---\ndoc_id: RB-CK8S-AISLOT-BUILD-0001\n")


def test_shipped_corpus_has_no_schema_errors(cli, in_root) -> None:
    result = cli("lint", "runbooks", "--format", "json")
    report = result.json()
    schema_codes = [d for d in report["diagnostics"] if d["code"].startswith(("RB0", "RB1"))]
    assert schema_codes == []
    assert report["summary"]["documents"] >= 5


def test_missing_path_is_a_usage_error(cli, in_root) -> None:
    result = cli("lint", "no/such/dir")
    assert result.code == 2
    assert "no/such/dir: no such file or directory" in result.err


def test_module_entry_point_prints_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "runbookc", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=subprocess_env(),
    )
    assert done.stdout.startswith("runbookc ")


def test_a_folder_without_documents_is_a_usage_error(cli, in_root, tmp_path) -> None:
    """A CI job pointed at the wrong folder must fail, not pass on zero documents."""
    result = cli("lint", str(tmp_path))
    assert result.code == 2
    assert f"no documents (*.md) found in {tmp_path}" in result.err


def test_module_entry_point_delivers_the_whole_report_and_the_exit_status(
    in_root, tmp_path
) -> None:
    """`python -m runbookc` leaves without the interpreter's teardown (cli.main): the
    buffered report must still arrive whole, and the status must be the command's."""
    broken = tmp_path / "broken.md"
    broken.write_text("---\ndoc_id: [unclosed\n---\n# Title\n", encoding="utf-8")
    env = subprocess_env()
    env.pop("PYTHONUNBUFFERED", None)  # buffered, as in most shells and CI runners
    for target, status in (("runbooks", 0), (str(broken), 1)):
        done = subprocess.run(
            [sys.executable, "-m", "runbookc", "lint", target, "--format", "json"],
            capture_output=True,
            text=True,
            cwd=in_root,
            env=env,
        )
        assert done.returncode == status, done.stderr
        report = json.loads(done.stdout)  # complete JSON: nothing was left in the buffer
        assert report["summary"]["documents"] >= 1
        assert report["summary"]["errors"] == status


def test_a_profiled_run_still_saves_its_profile(tmp_path) -> None:
    """The fast exit is skipped while a profiler (or tracer) watches: it saves at exit."""
    profile = tmp_path / "lint.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "runbookc", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=subprocess_env(),
    )
    assert done.returncode == 0, done.stderr
    assert profile.is_file() and profile.stat().st_size > 0
