"""Rule cases as data: tests/cases/rules/<CODE>/{fail,pass}/ are mini corpora.

A `fail` folder lists the findings it must produce, exactly, in `expected.txt`
(`path:line CODE`, one a line); a `pass` folder must come out clean. A folder may carry a
`pyproject.toml` with its own [tool.runbookc] (source = "."); without one the case runs
with the shipped path mapping. Adding a folder adds a test.

Most folders run `runbookc lint`. The codes only `runbookc test` reports (TEST_CODES:
bash -n, ShellCheck, the sandbox with stub commands) run the pipeline of `runbookc test`
instead: `expected.txt` lists what it reports, and a `pass` folder must be clean under
both commands.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, require_sandbox
from runbookc.commands.wiring import extract_targets, lint_targets
from runbookc.config import Settings, load_settings
from runbookc.lint.catalog import RULES
from runbookc.pipeline import corpus as stages

ALL_CASES = ROOT / "tests" / "cases"
CASES = ALL_CASES / "rules"
FOLDERS = sorted(p for p in CASES.glob("*/*") if p.is_dir())

# Reported by `runbookc test` only: lint neither runs the scripts nor checks their folders.
TEST_CODES = frozenset(f"RB41{n}" for n in range(7))

# Codes that cannot have a committed failing example, and where they are tested instead.
NO_CASE_FILE = {
    # An unreadable file (no permission, a FIFO, a folder named x.md) cannot be committed.
    "RB012": "made at test time in tests/test_load_limits.py",
    # A committed link out of the repository would point at a different place on every
    # machine.
    "RB013": "made at test time in tests/test_source_links.py",
}


def settings_for(case: Path) -> Settings:
    pyproject = case / "pyproject.toml"
    if pyproject.is_file():
        return load_settings(str(pyproject))
    return Settings(root=case, source=".", paths={"docs/ops/": "ops/"})


def lint_findings(case: Path) -> list[str]:
    result = lint_targets([], settings_for(case), use_cache=False)
    return [f"{d.path}:{d.line} {d.code}" for d in result.diagnostics]


def script_test_findings(case: Path) -> list[str]:
    """What `runbookc test` reports for the case (its scripts run among stub commands)."""
    settings = settings_for(case)
    extracted = extract_targets([], settings)
    found = stages.test(extracted, settings)
    kept = stages.kept(extracted.corpus, found, settings, False)
    return [f"{d.path}:{d.line} {d.code}" for d in kept]


@pytest.mark.parametrize("case", FOLDERS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_rule_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = case.parent.name
    monkeypatch.chdir(case)
    tested = code in TEST_CODES
    if tested:
        require_sandbox()
    got = script_test_findings(case) if tested else lint_findings(case)
    if case.name == "fail":
        expected = (case / "expected.txt").read_text(encoding="utf-8").split()
        expected = [f"{a} {b}" for a, b in zip(expected[::2], expected[1::2], strict=True)]
        assert any(e.endswith(f" {code}") for e in expected), f"{case} expects no {code}"
        assert got == expected
    else:
        assert case.name == "pass", f"case folders are fail/ or pass/, not {case.name}/"
        assert got == []
        if tested:
            assert lint_findings(case) == []


def _examples(code: str) -> tuple[list[Path], list[Path]]:
    """The failing and the passing examples of `code`, where its range keeps them: load and
    schema codes as named files (tests/cases/README.md) with the valid documents of
    positive/ (a code about a whole corpus, RB016, as a folder of rules/); HTML safety
    codes as files whose first line lists the codes they expect."""
    if code.startswith(("RB0", "RB1")) and not (CASES / code).is_dir():
        failing = [p for d in ("load", "schema") for p in (ALL_CASES / d).glob(f"{code}-*.md")]
        return failing, sorted((ALL_CASES / "positive").glob("*.md"))
    if code.startswith("RB5"):
        pages = sorted((ALL_CASES / "html_safety").glob("*.md"))
        expects = {p: p.read_text("utf-8").splitlines()[0] for p in pages}
        failing = [p for p in pages if code in re.findall(r"RB\d{3}", expects[p])]
        return failing, [p for p in pages if expects[p] == "<!-- expect: -->"]
    fail, passing = CASES / code / "fail", CASES / code / "pass"
    return [fail] if (fail / "expected.txt").is_file() else [], [
        passing
    ] if passing.is_dir() else []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_a_failing_and_a_passing_case_and_a_docs_page(rule) -> None:
    failing, passing = _examples(rule.code)
    if rule.code in NO_CASE_FILE:
        assert failing == [], f"{rule.code} has a case now: drop it from NO_CASE_FILE"
    else:
        assert failing, f"{rule.code}: no failing case"
    assert passing, f"{rule.code}: no passing case"
    page = rule.docs()
    assert page.startswith(f"# {rule.code} {rule.name}\n"), rule.code
    for section in ("## Problem", "## Example", "## Fix", "## Why"):
        assert f"\n{section}\n" in page, (rule.code, section)
