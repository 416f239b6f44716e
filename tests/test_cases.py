"""The case folders: every file under tests/cases/{load,schema,positive} is one test.

See tests/cases/README.md for the naming rule that carries each case's expectation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.lint.catalog import RULES

CASES = ROOT / "tests" / "cases"
NAME = re.compile(r"^(?P<code>RB\d{3})-[a-z0-9-]+\.L(?P<lines>[\d+-]+)\.md$")
CORE_PREFIXES = ("RB0", "RB1")


def _expected_lines(spec: str) -> list[int]:
    lines: list[int] = []
    for part in spec.split("+"):
        first, _, last = part.partition("-")
        lines += range(int(first), int(last or first) + 1)
    return lines


def _negative_cases() -> list[Path]:
    return sorted(p for folder in ("load", "schema") for p in (CASES / folder).iterdir())


@pytest.mark.parametrize("case", _negative_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bad_input_gets_its_code_at_its_lines(case: Path, cli, in_root) -> None:
    match = NAME.match(case.name)
    assert match, f"{case.name}: name must be CODE-slug.Llines.md (see tests/cases/README.md)"
    code, lines = match["code"], _expected_lines(match["lines"])
    rule = next(r for r in RULES if r.code == code)
    relative = case.relative_to(ROOT).as_posix()
    strict = ("--strict",) if rule.severity != "error" else ()

    result = cli("lint", relative, "--format", "json", *strict)

    assert result.err == ""
    assert result.code == 1
    report = result.json()
    found = [d for d in report["diagnostics"] if d["code"] == code]
    assert sorted({d["line"] for d in found}) == lines
    assert all(d["path"] == relative for d in report["diagnostics"])
    others = [
        d
        for d in report["diagnostics"]
        if d["code"] != code and d["code"].startswith(CORE_PREFIXES) and d["severity"] == "error"
    ]
    assert others == []


@pytest.mark.parametrize(
    "case", sorted((CASES / "positive").iterdir()), ids=lambda p: f"positive/{p.name}"
)
def test_valid_document_has_no_load_or_schema_diagnostic(case: Path, cli, in_root) -> None:
    result = cli("lint", case.relative_to(ROOT).as_posix(), "--format", "json")
    assert result.err == ""
    report = result.json()
    assert report["summary"]["documents"] == 1
    assert [d for d in report["diagnostics"] if d["code"].startswith(CORE_PREFIXES)] == []


def test_every_load_and_schema_code_has_a_case() -> None:
    covered = {NAME.match(p.name)["code"] for p in _negative_cases() if NAME.match(p.name)}
    # Made at test time: unreadable files (tests/test_load_limits.py), links out of the
    # repository (tests/test_source_links.py).
    generated = {"RB012", "RB013"}
    # About a whole corpus, not one file: a mini corpus in tests/cases/rules/<CODE>/.
    corpora = {p.name for p in (CASES / "rules").iterdir()}
    codes = {r.code for r in RULES if r.code.startswith(CORE_PREFIXES)}
    assert codes - covered - generated - corpora == set()


def test_crlf_positive_case_really_has_crlf_line_endings() -> None:
    data = (CASES / "positive" / "runbook-crlf.md").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 10
