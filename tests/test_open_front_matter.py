"""Open front matter: what a new team's runbooks need no setting for, and what the settings
change (ids, approvals, unknown keys, other tools' front matter, derived defaults)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

RUNBOOK = """\
---
doc_id: {doc_id}
type: runbook
title: Pods crash looping
status: active
owner_role: SRE
created_at: 2026-03-01
updated_at: 2026-03-02
{extra}---

# Pods crash looping

Restart counts grow.
"""

ALERT_DOC = """\
---
doc_id: platform-alerts
type: alert
title: Platform alerts
status: active
owner_role: SRE
created_at: 2026-03-01
updated_at: 2026-03-02
alerts:
  - id: {alert}
    severity: critical
    summary: Pods restart
    condition: rate(restarts[5m]) > 0
    threshold: "0"
    runbooks: [{runbook}]
---

# Platform alerts
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty repository with `docs/` and a pyproject whose [tool.runbookc] the test
    writes; returns a function that writes a document."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.runbookc]\nsource = "docs"\n')
    monkeypatch.chdir(tmp_path)

    def write(name: str, text: str) -> Path:
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def configure(extra: str) -> None:
    Path("pyproject.toml").write_text(f'[tool.runbookc]\nsource = "docs"\n{extra}\n')


def findings(cli, *args: str) -> list[tuple[str, int, str, str]]:
    result = cli("lint", "--format", "json", "--no-cache", *args)
    assert result.err == "", result.err
    return [
        (Path(d["path"]).name, d["line"], d["code"], d["message"])
        for d in result.json()["diagnostics"]
    ]


# -- ids ------------------------------------------------------------------------------


def test_alert_names_are_ids_by_default(cli, project) -> None:
    project("crash.md", RUNBOOK.format(doc_id="KubePodCrashLooping", extra=""))
    project("etcd.md", RUNBOOK.format(doc_id="etcd-members-down", extra=""))
    project(
        "pod-alerts.md", ALERT_DOC.format(alert="KubePodCrashLooping", runbook="etcd-members-down")
    )
    assert findings(cli) == []


def test_a_bad_id_names_the_pattern_and_the_setting(cli, project) -> None:
    project("crash.md", RUNBOOK.format(doc_id='"Kube Pod"', extra='related_alerts: ["a b"]\n'))
    found = findings(cli)
    expected = [(2, "RB106"), (9, "RB101"), (9, "RB204")]
    assert [(line, code) for _, line, code, _ in found] == expected
    doc_id, related = found[0][3], found[1][3]
    assert "'Kube Pod'" in doc_id and "[A-Za-z0-9._-]" in doc_id
    assert "`related_alerts.0`: 'a b' is not an alert id" in related
    result = cli("lint", "--format", "json", "--no-cache")
    hints = [d["hint"] for d in result.json()["diagnostics"]]
    assert "[tool.runbookc.ids] runbook unset" in hints[0]
    assert "[tool.runbookc.ids] alert_id unset" in hints[1]


def test_id_patterns_are_settings(cli, project) -> None:
    configure("[tool.runbookc.ids]\nrunbook = '^RB-[0-9]+$'\nalert_id = '^ALT-'")
    project("crash.md", RUNBOOK.format(doc_id="KubePodCrashLooping", extra=""))
    project("pod-alerts.md", ALERT_DOC.format(alert="KubePodCrashLooping", runbook="RB-1"))
    found = findings(cli)
    messages = {(name, line, code): message for name, line, code, message in found}
    assert set(messages) == {
        ("pod-alerts.md", 10, "RB101"),  # the alert id
        ("pod-alerts.md", 10, "RB208"),  # and no runbook handles it:
        ("pod-alerts.md", 15, "RB207"),  # RB-1 names no document
        ("crash.md", 2, "RB106"),
    }
    assert "'^ALT-'" in messages["pod-alerts.md", 10, "RB101"]
    assert "'^RB-[0-9]+$'" in messages["crash.md", 2, "RB106"]
    result = cli("lint", "--format", "json", "--no-cache")
    hint = next(d["hint"] for d in result.json()["diagnostics"] if d["code"] == "RB106")
    assert hint == "the pattern is [tool.runbookc.ids] runbook in the settings"
    # and `runbookc schema` prints the pattern the settings give, for editors
    schema = cli("schema", "runbook").out
    assert '"pattern": "^RB-[0-9]+$"' in schema


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("[tool.runbookc.ids]\nrunbook = '(RB'", "is not a regular expression"),
        ("[tool.runbookc.ids]\nplaybook = 'x'", "playbook: not a document type"),
        ("[tool.runbookc.ids]\nrunbook = 5", "must be a regular expression"),
    ],
)
def test_a_bad_id_setting_is_a_usage_error(cli, project, setting: str, message: str) -> None:
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=""))
    configure(setting)
    result = cli("lint")
    assert result.code == 2
    assert message in result.err and "Traceback" not in result.err


# -- approvals ------------------------------------------------------------------------


def test_no_approvals_policy_needs_no_approvals(cli, project) -> None:
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=""))
    assert findings(cli) == []
    configure("[tool.runbookc.approvals]\ngate = ['runbook']")  # a policy gates runbooks
    assert [(line, code) for _, line, code, _ in findings(cli)] == [(1, "RB103")]
    configure("[tool.runbookc.approvals]\ngate = []")
    assert findings(cli) == []


# -- unknown keys ---------------------------------------------------------------------


def test_unknown_keys_are_warnings_and_other_tools_keys_are_ignored(cli, project) -> None:
    extra = "weight: 3\naliases: [/old]\nreviewer: ann\n"
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=extra))
    result = cli("lint", "--format", "json", "--no-cache")
    found = [(d["line"], d["code"], d["severity"]) for d in result.json()["diagnostics"]]
    assert (result.code, found) == (0, [(11, "RB102", "warning")])  # weight, aliases: Hugo's
    assert "ignore_keys" in result.json()["diagnostics"][0]["hint"]
    configure('unknown_keys = "error"')
    assert [(line, code) for _, line, code, _ in findings(cli)] == [(11, "RB102")]
    assert cli("lint", "--no-cache").code == 1
    configure('unknown_keys = "allow"')
    assert findings(cli) == []
    configure('unknown_keys = "error"\nignore_keys = ["reviewer"]')  # replaces the defaults
    assert [(line, code) for _, line, code, _ in findings(cli)] == [(9, "RB102"), (10, "RB102")]


def test_unknown_keys_inside_runbookc_blocks_stay_errors(cli, project) -> None:
    extra = "approvals:\n  required: [Owner]\n  status: pending\n  reviewer: ann\n"
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=extra))
    result = cli("lint", "--format", "json", "--no-cache")
    found = [(d["line"], d["code"], d["severity"]) for d in result.json()["diagnostics"]]
    assert found == [(12, "RB102", "error")]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('unknown_keys = "ignore"', "unknown_keys: 'ignore' is not one of error, warning, allow"),
        ('ignore_keys = "weight"', "'ignore_keys' must be a list of strings"),
    ],
)
def test_bad_unknown_key_settings_are_usage_errors(cli, project, setting, message) -> None:
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=""))
    configure(setting)
    result = cli("lint")
    assert (result.code, "Traceback" in result.err) == (2, False)
    assert message in result.err


# -- every error at once --------------------------------------------------------------

TYPO = """\
---
doc_id: 12345
type: {type}
title: [a, list]
status: maybe
created_at: 2026-02-30
---

# Typo in the type
"""


@pytest.mark.parametrize("doc_type", ["runbok", "docs", "[runbook]"])
def test_an_unknown_type_still_validates_the_shared_keys(cli, project, doc_type) -> None:
    project("typo.md", TYPO.format(type=doc_type))
    found = findings(cli)
    assert [(line, code) for _, line, code, _ in found] == [
        (1, "RB103"),  # owner_role: every type requires it
        (2, "RB101"),  # doc_id is a number
        (3, "RB107"),
        (4, "RB101"),
        (5, "RB101"),
        (6, "RB104"),
    ]


def test_a_missing_type_still_validates_the_shared_keys(cli, project) -> None:
    project("typo.md", TYPO.replace("type: {type}\n", ""))
    codes = [(line, code) for _, line, code, _ in findings(cli)]
    assert codes == [
        (1, "RB103"),
        (1, "RB107"),
        (2, "RB101"),
        (3, "RB101"),
        (4, "RB101"),
        (5, "RB104"),
    ]


def test_a_foreign_type_names_the_types_and_runbookc_new(cli, project) -> None:
    project("typo.md", TYPO.format(type="docs"))
    result = cli("lint", "--format", "json", "--no-cache")
    bad_type = next(d for d in result.json()["diagnostics"] if d["code"] == "RB107")
    assert "runbook, alert, slo, rollback_plan" in bad_type["hint"]
    assert "`runbookc new TYPE`" in bad_type["hint"]


def test_a_refused_tag_is_reported_at_its_key_and_the_rest_is_validated(cli, project) -> None:
    extra = "tags: !!binary aGVsbG8=\nrelated_issues: [0]\n"
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=extra).replace("active", "maybe"))
    assert [(line, code) for _, line, code, _ in findings(cli)] == [
        (5, "RB101"),  # status: maybe
        (9, "RB010"),
        (10, "RB101"),  # issue numbers start at 1
    ]


# -- files that are not runbookc's ----------------------------------------------------

HUGO = """\
---
title: Pods crash looping
weight: 10
type: docs
---

# Pods crash looping
"""


def test_files_without_our_front_matter_get_a_hint_naming_init_and_new(cli, project) -> None:
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=""))
    project("plain.md", "# Pods crash looping\n")
    project("hugo.md", HUGO)
    result = cli("lint", "--format", "json", "--no-cache")
    found = {Path(d["path"]).name: d for d in result.json()["diagnostics"]}
    assert {name: d["code"] for name, d in found.items()} == {
        "plain.md": "RB004",
        "hugo.md": "RB014",
    }
    assert "`type: docs` is another tool's" in found["hugo.md"]["message"]
    for finding in found.values():
        assert "`runbookc new runbook`" in finding["hint"]
        assert "`runbookc init`" in finding["hint"]
    assert "runbook, alert, slo, rollback_plan" in found["hugo.md"]["hint"]


def test_most_files_without_our_front_matter_make_one_finding(cli, project) -> None:
    project("crash.md", RUNBOOK.format(doc_id="crash", extra=""))
    for name in ("a", "b", "c"):
        project(f"{name}.md", f"# {name}\n")
    result = cli("lint", "--format", "json", "--no-cache")
    found = result.json()["diagnostics"]
    assert [(d["path"], d["line"], d["code"]) for d in found] == [("docs", None, "RB016")]
    assert found[0]["message"] == (
        "3 of 4 files have no runbookc front matter (docs/a.md, docs/b.md, docs/c.md): "
        'is `source = "docs"` the folder of your runbooks?'
    )
    assert result.code == 1


# -- derived defaults -----------------------------------------------------------------

DEFAULTS = """\
[tool.runbookc.defaults]
type = "runbook"
doc_id = "{stem}"
title = "{heading}"
status = "active"
owner_role = "SRE"
tags = ["alert", "{stem}"]
"""


def test_defaults_derive_front_matter_from_the_file(cli, project) -> None:
    configure(DEFAULTS)
    project("KubePodCrashLooping.md", "<!-- from upstream -->\n# Pods crash looping\n\nText.\n")
    project("etcd-members-down.md", "No heading here.\n")
    project("hugo.md", HUGO.replace("weight: 10\n", "weight: 10\nstatus: draft\n"))
    assert findings(cli) == []
    shutil.copytree(ROOT / "site", "site")  # the site's settings and hand-written parts
    shutil.copy(ROOT / "mkdocs.yml", "mkdocs.yml")
    built = cli("build", "--output", "out")
    assert built.code == 0, built.err
    page = Path("out/docs/KubePodCrashLooping.md").read_text(encoding="utf-8")
    assert "KubePodCrashLooping" in page and "Pods crash looping" in page
    hugo = Path("out/docs/hugo.md").read_text(encoding="utf-8")
    assert "| draft |" in hugo.replace("`", "")  # its own status won over the default


def test_a_folder_keeps_derived_ids_of_one_alert_name_apart(cli, project) -> None:
    """One alert name with a runbook in two folders: `{stem}` ids collide, `{folder}.{stem}`
    ones do not."""
    configure(DEFAULTS)
    project("apiserver/KubeAPIDown.md", "# API down\n")
    project("monitoring/KubeAPIDown.md", "# API down\n")
    assert {code for _, _, code, _ in findings(cli)} == {"RB206"}
    configure(DEFAULTS.replace('doc_id = "{stem}"', 'doc_id = "{folder}.{stem}"'))
    assert findings(cli) == []


def test_derived_front_matter_is_validated(cli, project) -> None:
    configure(DEFAULTS.replace('"{stem}"', '"RB {stem}"', 1))
    project("crash.md", "# Crash\n")
    assert [(line, code) for _, line, code, _ in findings(cli)] == [(1, "RB106")]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('[tool.runbookc.defaults]\ndoc_id = "{name}"', "unknown placeholder {name}"),
        ('[tool.runbookc.defaults]\ntype = "docs"', "type: 'docs' is not one of"),
        ("[tool.runbookc.defaults]\nstatus = 1", "must be a string or a list of strings"),
    ],
)
def test_bad_defaults_are_usage_errors(cli, project, setting: str, message: str) -> None:
    project("crash.md", "# Crash\n")
    configure(setting)
    result = cli("lint")
    assert (result.code, "Traceback" in result.err) == (2, False)
    assert message in result.err
