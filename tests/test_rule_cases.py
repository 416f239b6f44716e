"""Rule cases as data: tests/cases/rules/<CODE>/{fail,pass}/ are mini corpora.

A `fail` folder lists the findings it must produce, exactly, in `expected.txt`
(`path:line CODE`, one a line); a `pass` folder must lint clean. A folder may carry a
`pyproject.toml` with its own [tool.runbookc] (source = "."); without one the case runs
with the shipped path mapping. Adding a folder adds a test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.config import Settings, load_settings
from runbookc.pipeline import lint
from runbookc.registry import all_rules

CASES = ROOT / "tests" / "cases" / "rules"
FOLDERS = sorted(p for p in CASES.glob("*/*") if p.is_dir())


def settings_for(case: Path) -> Settings:
    pyproject = case / "pyproject.toml"
    if pyproject.is_file():
        return load_settings(str(pyproject))
    return Settings(root=case, source=".", paths={"docs/ops/": "ops/"})


def findings(case: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(case)
    result = lint([], settings_for(case))
    return [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]


@pytest.mark.parametrize("case", FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = case.parent.name
    got = findings(case, monkeypatch)
    if case.name == "fail":
        expected = (case / "expected.txt").read_text(encoding="utf-8").split()
        expected = [f"{a} {b}" for a, b in zip(expected[::2], expected[1::2], strict=True)]
        assert any(e.endswith(f" {code}") for e in expected), f"{case} expects no {code}"
        assert got == expected
    else:
        assert case.name == "pass", f"case folders are fail/ or pass/, not {case.name}/"
        assert got == []


def test_every_graph_and_policy_rule_has_cases_and_a_docs_page() -> None:
    for rule in all_rules():
        if not rule.code.startswith(("RB2", "RB3")):
            continue
        assert (CASES / rule.code / "fail" / "expected.txt").is_file(), rule.code
        assert (CASES / rule.code / "pass").is_dir(), rule.code
        page = rule.docs()
        assert page.startswith(f"# {rule.code} {rule.name}\n"), rule.code
        for section in ("## Problem", "## Example", "## Fix", "## Why"):
            assert f"\n{section}\n" in page, (rule.code, section)
