"""Policy: severity overrides, ignores, inline and front matter suppressions, bad settings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

CASE = ROOT / "tests" / "cases" / "rules" / "RB201" / "fail"  # two broken links, lines 20, 22
# The policy tests silence unresolved code-span paths (RB203) at those lines: a broken link
# (RB201) fails the site build, so no file may silence it (the last tests).
MISSING = "`docs/ops/missing.md`"
TYPO = "`docs/ops/other/b.md`"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of a mini corpus with a pyproject whose [tool.runbookc] the test writes."""
    shutil.copytree(CASE / "ops", tmp_path / "ops")
    monkeypatch.chdir(tmp_path)
    _as_paths()

    def configure(extra: str = "") -> Path:
        (tmp_path / "pyproject.toml").write_text(
            f'[tool.runbookc]\nsource = "."\n{extra}\n[tool.runbookc.paths]\n"docs/ops/" = "ops/"\n'
            + ("" if "approvals]" in extra else '[tool.runbookc.approvals]\ngate = ["runbook"]\n')
        )  # pending approvals are reported for the types a policy gates
        return tmp_path

    configure()
    return configure


def _as_paths() -> None:
    edit("ops/a.md", "[a missing one](missing.md)", MISSING)
    edit("ops/a.md", "[a typo](other/b.md)", TYPO)


def findings(cli) -> list[tuple[str, int, str, str]]:
    report = cli("lint", "--format", "json").json()
    return [(d["path"], d["line"], d["code"], d["severity"]) for d in report["diagnostics"]]


def edit(path: str, old: str, new: str) -> None:
    file = Path(path)
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new, 1))


def test_baseline(cli, project) -> None:
    assert findings(cli) == [
        ("ops/a.md", 20, "RB203", "error"),
        ("ops/a.md", 22, "RB203", "error"),
    ]


def test_severity_override_and_ignore(cli, project) -> None:
    project('severity = {RB203 = "warning"}')
    assert {f[3] for f in findings(cli)} == {"warning"}
    assert cli("lint").code == 0
    assert cli("lint", "--strict").code == 1
    project('ignore = ["RB203"]')
    assert findings(cli) == []


def test_inline_comment_silences_its_line_and_the_next(cli, project) -> None:
    edit(
        "ops/a.md",
        f"{MISSING}.",
        f"{MISSING}. <!-- runbookc: disable=RB203 -->",
    )
    edit("ops/a.md", "\nAlso ", "\n<!-- runbookc: disable=RB209, RB203 -->\nAlso ")
    assert findings(cli) == []


def test_inline_comment_for_another_code_silences_nothing(cli, project) -> None:
    edit("ops/a.md", "\nAlso ", "\n<!-- runbookc: disable=RB209 -->\nAlso ")
    assert [f[1:3] for f in findings(cli)] == [(20, "RB203"), (23, "RB203")]


def test_disable_file_and_front_matter_opt_out(cli, project) -> None:
    edit("ops/a.md", "## Steps\n", "## Steps\n\n<!-- runbookc: disable-file=RB203 -->\n")
    assert findings(cli) == []
    shutil.copy(CASE / "ops" / "a.md", "ops/a.md")
    _as_paths()
    edit("ops/a.md", "approvals:\n", "lint:\n  ignore: [RB203]\napprovals:\n")
    assert findings(cli) == []


def test_yaml_comment_silences_a_front_matter_line(cli, project) -> None:
    edit(
        "ops/a.md",
        "status: draft\n",
        'status: draft\nrelated_alerts: ["ALT-TEST-0001"]  # runbookc: disable=RB204\n',
    )
    assert [f[2] for f in findings(cli)] == ["RB203", "RB203"]


def test_approval_findings_cannot_be_silenced_by_the_file(cli, project) -> None:
    edit("ops/a.md", "status: draft", "status: active")
    edit("ops/a.md", "approvals:\n", "lint:\n  ignore: [RB301]\napprovals:\n")
    got = {(line, code) for _, line, code, _ in findings(cli)}
    assert (13, "RB301") in got  # the status line, after the two lint lines
    assert (10, "RB307") in got


def test_findings_the_site_build_fails_on_cannot_be_silenced_by_the_file(cli, project) -> None:
    """Lint clean must mean the build succeeds: a file cannot hide its own broken link."""
    shutil.copy(CASE / "ops" / "a.md", "ops/a.md")
    edit(
        "ops/a.md",
        "[a missing one](missing.md).",
        "[a missing one](missing.md). <!-- runbookc: disable=RB201 -->",
    )
    got = {(line, code) for _, line, code, _ in findings(cli)}
    assert {(20, "RB201"), (22, "RB201"), (20, "RB307")} <= got


def test_settings_can_change_approval_findings(cli, project) -> None:
    edit("ops/a.md", "status: draft", "status: active")
    project('severity = {RB301 = "error"}\nignore = ["RB203"]')
    assert findings(cli) == [("ops/a.md", 11, "RB301", "error")]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('ignore = ["RB999"]', "unknown rule code 'RB999'"),
        ('severity = {RB000 = "error"}', "unknown rule code 'RB000'"),
        ('severity = {RB203 = "fatal"}', "'fatal' is not one of error, warning, info"),
        ('issue_url = "https://example.com/issues"', "must contain {id}"),
        (
            "[tool.runbookc.approvals]\nroles = [1]",
            "setting 'approvals.roles' must be a list of strings, not an array holding an integer",
        ),
        (
            "[tool.runbookc.approvals]\napprover = {}",
            "unknown setting 'approvals.approver' (did you mean 'approvals.approvers'?)",
        ),
        ('[tool.runbookc.approvals]\nroles = ["Owner"]\napprovers = {SRE = ["x"]}', "'SRE'"),
        (
            '[tool.runbookc.approvals]\ngate = ["playbook"]',
            "'playbook' is not a document type",
        ),
    ],
)
def test_bad_settings_are_usage_errors(cli, project, setting: str, message: str) -> None:
    project(setting)
    result = cli("lint")
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def test_rules_command_lists_every_rule(cli) -> None:
    table = cli("rules")
    assert table.code == 0
    lines = table.out.splitlines()
    assert any(line.startswith("RB301  warning  approval-pending ") for line in lines)
    assert any(line.startswith("RB201  error    broken-link ") for line in lines)
    rows = cli("rules", "--format", "json").json()
    codes = [r["code"] for r in rows]
    assert codes == sorted(codes) and len(codes) == len(lines)
    page = cli("rules", "rb305")
    assert page.out.startswith("# RB305 stale-approval\n") and "## Fix" in page.out
    assert cli("rules", "RB999").code == 2


# A schema (RB1xx) and an HTML safety (RB5xx) finding, each with every way a file could
# try to silence it.
IGNORE = ("approvals:\n", "lint:\n  ignore: [{code}]\napprovals:\n")
DISABLE_FILE = ("## Steps\n", "## Steps\n<!-- runbookc: disable-file={code} -->\n")
SILENCING = [
    ("RB101", "related_issues: 1.5", IGNORE),
    ("RB101", "related_issues: 1.5  # runbookc: disable={code}", None),
    ("RB101", "related_issues: 1.5", DISABLE_FILE),
    ("RB502", "<b onclick=x()>b</b>", IGNORE),
    ("RB502", "<!-- runbookc: disable={code} -->\n<b onclick=x()>b</b>", None),
    ("RB502", "<b onclick=x()>b</b>", DISABLE_FILE),
]


@pytest.mark.parametrize(("code", "bad", "silencer"), SILENCING)
def test_schema_and_html_findings_cannot_be_silenced_by_the_file(
    cli, project, code: str, bad: str, silencer: tuple[str, str] | None
) -> None:
    bad = bad.format(code=code)
    if code == "RB101":
        edit("ops/a.md", "owner_role: SRE\n", f"owner_role: SRE\n{bad}\n")
    else:
        edit("ops/a.md", "See [the other", f"{bad}\n\nSee [the other")
    if silencer is not None:
        edit("ops/a.md", silencer[0], silencer[1].format(code=code))
    codes = [found for _, _, found, _ in findings(cli)]
    assert code in codes
    assert "RB307" in codes
