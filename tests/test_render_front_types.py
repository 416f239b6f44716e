"""Front matter values of the wrong type (issue 15, item 9): a file that declares
`related_issues: 1.5` and tries to silence its own schema error gets lint errors from
`runbookc build`, never a traceback, and `runbookc serve`, which renders documents with
lint errors, renders its page and shows the error there."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, make_preview
from runbookc.config import load_settings

RUNBOOK = "ops/ai_slot_build_runbook.md"
ALERT_DOC = "ops/alerts_ai_slot_build_pipeline.md"
SLO_DOC = "ops/slo_ai_slot_build_pipeline.md"
VALUES = {"bool": "true", "int": "7", "float": "1.5", "dicts": "[{a: 1}, [2]]", "map": "{a: 1}"}
KEYS = [
    (RUNBOOK, "related_issues"),
    (RUNBOOK, "tags"),
    (RUNBOOK, "related_alerts"),
    (ALERT_DOC, "alerts"),
    (SLO_DOC, "objectives"),
]
CASES = [
    pytest.param(doc, key, value, id=f"{key}-{name}")
    for doc, key in KEYS
    for name, value in VALUES.items()
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def set_key(path: Path, key: str, value: str) -> None:
    """Give the top-level `key` this YAML value (replacing its block if it has one), and
    have the file try to silence its schema findings."""
    lines = path.read_text(encoding="utf-8").split("\n")
    kept: list[str] = []
    inside = False
    for number, line in enumerate(lines):
        if number > 0 and line.startswith(f"{key}:"):
            inside = True
            continue
        if inside and line.startswith((" ", "- ")):
            continue
        inside = False
        kept.append(line)
    kept[1:1] = [f"{key}: {value}", "lint: {ignore: [RB101]}"]
    path.write_text("\n".join(kept), encoding="utf-8")


@pytest.mark.parametrize(("doc", "key", "value"), CASES)
def test_serve_renders_the_page_with_its_error(project: Path, doc: str, key: str, value: str):
    set_key(project / "runbooks" / doc, key, value)
    preview = make_preview(replace(load_settings(), output=str(project / "out")))
    try:
        assert doc in preview.sync()
        page = (preview.docs_dir / doc).read_text(encoding="utf-8")
    finally:
        preview.close()
    assert "RB101" in page


@pytest.mark.parametrize(("doc", "key", "value"), CASES)
def test_build_stops_at_the_schema_error(cli, project: Path, doc: str, key: str, value: str):
    set_key(project / "runbooks" / doc, key, value)
    result = cli("build", "--output", str(project / "out"))
    assert result.code == 1
    assert "Traceback" not in result.out + result.err
    assert f"runbooks/{doc}:2:" in result.out + result.err
    assert "RB101" in result.out + result.err and "RB307" in result.out + result.err
    assert not (project / "out" / "site").exists()


def test_an_issue_that_is_not_a_number_is_shown_as_text(project: Path) -> None:
    set_key(project / "runbooks" / RUNBOOK, "related_issues", '["1) [x](javascript:alert(1)"]')
    preview = make_preview(replace(load_settings(), output=str(project / "out")))
    try:
        preview.sync()
        page = (preview.docs_dir / RUNBOOK).read_text(encoding="utf-8")
    finally:
        preview.close()
    assert "| #1) \\[x\\](javascript:alert(1) |" in page  # the brackets escaped: text
