"""The benchmark's corpus generator and a smoke run of the benchmark (never timed here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, subprocess_env

ROW = re.compile(r"^\| [^|]+ \|( [^|]* \|){5}$")


def _generate(out: Path, docs: int, seed: int = 7, *more: str) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            str(out),
            "--docs",
            str(docs),
            "--seed",
            str(seed),
            *more,
        ],
        check=True,
        capture_output=True,
        env=subprocess_env(),
    )


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.md")}


def test_generated_corpus_is_valid_and_deterministic(cli, tmp_path: Path, monkeypatch) -> None:
    _generate(tmp_path / "a", 42)
    _generate(tmp_path / "b", 42)
    _generate(tmp_path / "small", 21)
    a = _files(tmp_path / "a")
    assert len(a) == 42
    assert a == _files(tmp_path / "b")
    small = _files(tmp_path / "small")
    # group i depends only on (seed, i): a smaller corpus is a prefix of a bigger one,
    # except the last group, which links only to the members it has
    shared = [name for name in small if name in a]
    assert len(shared) == 21
    assert sum(small[name] == a[name] for name in shared) >= 20
    text = "".join(t.decode() for t in a.values())
    assert "## Диагностика (пошагово)" in text and "## Diagnosis (step by step)" in text
    for kind in ("type: runbook", "type: alert", "type: rollback_plan", "type: slo"):
        assert kind in text
    monkeypatch.chdir(tmp_path / "a")
    report = cli("lint", "--format", "json", "--no-cache").json()
    assert report["summary"]["documents"] == 42
    # clean except for approval policy (RB3xx): the generator leaves most runbooks pending
    assert [d for d in report["diagnostics"] if not d["code"].startswith("RB3")] == []


def test_rules_add_a_rule_file_per_alert_whose_runbook_urls_resolve(
    cli, tmp_path: Path, monkeypatch
) -> None:
    _generate(tmp_path / "plain", 42)
    _generate(tmp_path / "rules", 42, 7, "--rules")
    assert _files(tmp_path / "rules") == _files(tmp_path / "plain")  # the same documents
    alerts = {
        line.split("id: ")[1]
        for text in _files(tmp_path / "rules").values()
        for line in text.decode().splitlines()
        if line.startswith("  - id: ")
    }
    rule_files = sorted((tmp_path / "rules" / "monitoring").rglob("*.yaml"))
    assert {p.stem for p in rule_files} == alerts
    monkeypatch.chdir(tmp_path / "rules")
    report = cli("lint", "--format", "json", "--no-cache").json()
    assert [d for d in report["diagnostics"] if not d["code"].startswith("RB3")] == []
    broken = rule_files[0]
    broken.write_text(broken.read_text().replace("runbook.md#", "runbook.md#x"))
    report = cli("lint", "--format", "json", "--no-cache").json()
    assert [
        d["code"]
        for d in report["diagnostics"]
        if d["path"] == broken.relative_to(tmp_path / "rules").as_posix()
    ] == ["RB604"]


def test_quick_benchmark_prints_a_well_formed_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--no-install",
            "--dir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("runbookc benchmark: 300 documents")
    assert lines[2] == "| measure | figure | baseline | ratio | target | met |"
    body = lines[4:]
    assert len(body) >= 10  # the build row adds its rebuild row when the build succeeds
    assert all(ROW.match(line) for line in body), body
    figures = {line.split(" | ")[0][2:]: line.split(" | ")[1] for line in body}
    assert any(name.startswith("`runbookc build`") for name in figures)
    seconds = r"\d+(\.\d+)? (ms|s)"
    assert re.fullmatch(rf"{seconds} \(cpu {seconds}\)", figures["cold `runbookc lint`"])
    cold = next(line.split(" | ") for line in body if line.startswith("| cold "))
    assert re.fullmatch(r"floor .*, run before each cold run \(pair ratios \d+\.\d\dx\)", cold[2])
