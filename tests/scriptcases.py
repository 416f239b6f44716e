"""The runbooks of the RB4xx rule cases (tests/cases/rules/RB4*/{fail,pass}/ops/*.md):
besides their lint findings, the script tests compile, shellcheck and sandbox them all,
except the failing cases of RB408 and RB410-RB416, whose scripts break bash -n, ShellCheck
or the sandbox on purpose (tests/test_rule_cases.py checks those findings): the shell parser
reads all the bash that bash -n accepts, so a block it cannot read is not bash either."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

SCRIPT_CASES = sorted(
    path
    for path in (ROOT / "tests" / "cases" / "rules").glob("RB4*/*/ops/*.md")
    if not (
        path.parents[1].name == "fail"
        and (path.parents[2].name.startswith("RB41") or path.parents[2].name == "RB408")
    )
)


def case_id(path: Path) -> str:
    return f"{path.parents[2].name}/{path.parents[1].name}"


def case(code: str, kind: str) -> Path:
    return ROOT / "tests" / "cases" / "rules" / code / kind / "ops" / "case.md"


def front_matter() -> str:
    """A draft runbook's front matter and title, for tests that write their own body."""
    return case("RB401", "pass").read_text("utf-8").split("\n## ", 1)[0]
