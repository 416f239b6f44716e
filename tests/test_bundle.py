"""`runbookc bundle`: the offline archive's contents, the published site left alone, and a
failed bundle that keeps the previous archive."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path

import pytest
from conftest import copy_shipped_project
from runbookc.cli import run
from runbookc.commands.bundle import ARCHIVE, TOP

SEED_SCRIPTS = "scripts/RB-CK8S-AISLOT-BUILD-0001"


def _bundle(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = run(["bundle", "--config", str(project / "pyproject.toml")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bundle_holds_the_offline_site_scripts_manifest_and_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    assert run(["build", "--config", str(project / "pyproject.toml")]) == 0
    out = project / "build"
    published = {p: _digest(p) for p in sorted((out / "site").rglob("*")) if p.is_file()}
    code, output = _bundle(project, capsys)
    assert code == 0, output
    assert f"-> {out / ARCHIVE}" in output
    with tarfile.open(out / ARCHIVE) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert all(m.isfile() or m.isdir() for m in members.values())  # no links to follow
        assert all(m.name == TOP or m.name.startswith(f"{TOP}/") for m in members.values())
        run_sh = members[f"{TOP}/{SEED_SCRIPTS}/run.sh"]
        assert run_sh.mode == 0o755
        readme = tar.extractfile(f"{TOP}/README.txt").read().decode()  # type: ignore[union-attr]
        manifest = json.load(tar.extractfile(f"{TOP}/scripts/manifest.json"))  # type: ignore[arg-type]
        seed = tar.extractfile(f"{TOP}/site/ops/ai_slot_build_runbook.html").read().decode()  # type: ignore[union-attr]
        index = tar.extractfile(f"{TOP}/site/search/search_index.js").read().decode()  # type: ignore[union-attr]
    assert "site/index.html" in readme and "run.sh --diagnose" in readme
    assert {entry["script"] for entry in manifest} == {
        name.removeprefix(f"{TOP}/scripts/")
        for name in members
        if name.startswith(f"{TOP}/scripts/") and name.endswith(".sh") and "/run.sh" not in name
    }
    # file:// pages: links to .html files, the local worker polyfill, nothing from unpkg.
    assert 'href="../runbooks/index.html"' in seed
    assert '<script src="../javascripts/iframe-worker.js">' in seed
    assert "unpkg.com" not in seed
    assert index.startswith("var __index = ")
    assert f"{TOP}/site/{SEED_SCRIPTS}/run.sh" in members  # what the download links give
    # The published site is the directory-URL site of the build, untouched.
    assert {p: _digest(p) for p in published} == published
    assert sorted(p for p in (out / "site").rglob("*") if p.is_file()) == list(published)
    assert not list(out.glob(".staging-*")) and not list(out.glob(f".{ARCHIVE}-*"))


def test_failed_bundle_keeps_the_previous_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    code, output = _bundle(project, capsys)
    assert code == 0, output
    archive = project / "build" / ARCHIVE
    before = _digest(archive)
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("not_a_mkdocs_setting: true\n")
    code, output = _bundle(project, capsys)
    assert code == 1
    assert "not_a_mkdocs_setting" in output and "the previous archive is kept" in output
    assert _digest(archive) == before
    runbook = project / "runbooks" / "ops" / "registry_mirror_degraded_runbook.md"
    runbook.write_text(runbook.read_text(encoding="utf-8") + "\n<script>x</script>\n")
    code, output = _bundle(project, capsys)
    assert code == 1 and "RB501" in output
    assert _digest(archive) == before
    leftovers = [p.name for p in archive.parent.iterdir() if p.name.startswith(".staging-")]
    assert leftovers == [] and not list(archive.parent.glob(f".{ARCHIVE}-*"))


def test_bundle_refuses_an_output_dir_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_shipped_project(tmp_path)
    (project / "build").mkdir()
    (project / "build" / ARCHIVE).write_bytes(b"someone else's")
    code, output = _bundle(project, capsys)
    assert code == 2 and "refusing to build into" in output
    assert (project / "build" / ARCHIVE).read_bytes() == b"someone else's"
