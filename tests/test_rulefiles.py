"""Rule files (pipeline/rulefiles.py) and their checks (lint/alert_rules.py): what is read,
at which lines, what a malformed file gives, and how lint's memo follows the files."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest
from runbookc.commands.wiring import lint_targets
from runbookc.config import Settings, load_settings
from runbookc.pipeline import corpus as stages
from runbookc.pipeline import rulefiles
from runbookc.pipeline.rulefiles import read_rule_file, read_rules
from runbookc.render.pages import render_pages

MANIFEST = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-rules
data:
  groups: "not read"
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: api
spec:
  groups:
    - name: api.rules
      rules:
        - record: job:errors:rate5m
          expr: sum by (job) (rate(errors_total[5m]))
        - alert: ApiDown
          expr: |
            up{job="api"}
              == 0
          for: 10m
          labels:
            severity: critical
          annotations:
            summary: The API is down
            runbook_url: https://runbooks.example.com/alerts/ApiDown/
"""

PLAIN = """\
groups:
  - name: queue
    rules:
      - alert: QueueBacklog
        expr: queue_depth > 1000
        annotations:
          summary: Backlog
"""

RUNBOOK = """\
---
doc_id: RB-API-0001
type: runbook
title: "API down"
status: draft
owner_role: SRE
created_at: 2026-01-10
updated_at: 2026-01-12
---

# API down

## Steps

Check it.
"""

SETTINGS = """\
[tool.runbookc]
source = "runbooks"
rules = ["monitoring/**/*.yaml"]

[tool.runbookc.alert_rules]
runbook_urls = ["https://git.example.com/runbooks/blob/main/{path}"]
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_manifest_among_other_documents_gives_its_alerting_rules_with_lines(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path / "rules.yaml", MANIFEST)
    rules, problems = read_rule_file(str(path), "rules.yaml")
    assert problems == []
    [rule] = rules  # the recording rule is read and left out; the ConfigMap skipped
    assert (rule.name, rule.group, rule.line, rule.duration) == ("ApiDown", "api.rules", 18, "10m")
    assert rule.expr == 'up{job="api"}\n  == 0\n'
    assert rule.labels == {"severity": "critical"}
    assert rule.annotations["runbook_url"] == "https://runbooks.example.com/alerts/ApiDown/"
    assert rule.line_of("annotations.runbook_url") == 27
    assert rule.line_of("labels.severity") == 24
    assert rule.line_of("annotations.missing") == 18


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("groups: [unclosed\n", 1, "YAML syntax error"),
        ("- just\n- a list\n", 1, "must be a mapping, not a list"),
        ("name: x\n", 1, "neither a rule file"),
        ("groups:\n  - name: g\n    rules: nope\n", 3, "must be a list"),
        ("groups:\n  - rules: []\n", 2, "has no `name`"),
        ("kind: PrometheusRule\nspec: {}\n", 1, "no `spec.groups`"),
        ("groups:\n  - name: g\n    rules:\n      - alert: [x]\n        expr: up\n", 4, "neither"),
        ("a: \x01\n", 1, "U+0001"),
    ],
)
def test_a_malformed_rule_file_is_rb601_at_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = _write(tmp_path / "bad.yaml", text)
    rules, [problem] = read_rule_file(str(path), "bad.yaml")
    assert rules == []
    assert (problem.code, problem.path, problem.line) == ("RB601", "bad.yaml", line)
    assert words in problem.message


def test_non_utf8_and_tags_are_findings_and_no_tag_is_constructed(tmp_path: Path) -> None:
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"groups: [\xe9]\n")
    assert read_rule_file(str(latin), "latin.yaml")[1][0].message.startswith("rule file is not")
    tagged = _write(
        tmp_path / "tagged.yaml",
        "groups:\n  - name: g\n    rules:\n      - alert: !!python/object:os.system x\n"
        "        expr: up == 0\n",
    )
    [rule], problems = read_rule_file(str(tagged), "tagged.yaml")
    assert problems == [] and rule.name == "x"  # the text of the node, never an object


def test_aliases_are_read_within_a_bound_on_the_nodes_visited(tmp_path: Path) -> None:
    labels = "".join(f"    l{i}: v\n" for i in range(400))
    uses = "".join("      - *r\n" for i in range(600))
    text = (
        f"rule: &r\n  alert: Boom\n  expr: up\n  labels:\n{labels}"
        f"groups:\n  - name: g\n    rules:\n{uses}"
    )
    path = _write(tmp_path / "bomb.yaml", text)
    _, problems = read_rule_file(str(path), "bomb.yaml")
    assert [p.code for p in problems] == ["RB601"]
    assert "more than" in problems[0].message


def test_globs_match_under_the_root_skipping_hidden_output_and_symlinks(tmp_path: Path) -> None:
    _write(tmp_path / "monitoring" / "a" / "b" / "deep.yaml", PLAIN)
    _write(tmp_path / "monitoring" / "top.yaml", PLAIN)
    _write(tmp_path / "monitoring" / "notes.txt", "x")
    _write(tmp_path / "monitoring" / ".hidden" / "h.yaml", PLAIN)
    _write(tmp_path / "build" / "monitoring" / "out.yaml", PLAIN)
    os.symlink(tmp_path / "monitoring" / "top.yaml", tmp_path / "monitoring" / "link.yaml")
    settings = Settings(root=tmp_path, raw={"rules": ["monitoring/**/*.yaml", "build/**/*.yaml"]})
    found = read_rules(settings, cwd=tmp_path)
    assert found.files == (
        "monitoring/a/b/deep.yaml",
        "monitoring/link.yaml",
        "monitoring/top.yaml",
    )
    assert [d.path for d in found.diagnostics] == ["monitoring/link.yaml"]  # not followed
    assert [r.name for r in found.rules] == ["QueueBacklog", "QueueBacklog"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write(tmp_path / "pyproject.toml", SETTINGS)
    _write(tmp_path / "runbooks" / "ops" / "api.md", RUNBOOK)
    _write(tmp_path / "monitoring" / "api.yaml", MANIFEST)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rule files read from now on (by display path)."""
    seen: list[str] = []
    original = rulefiles.read_rule_file

    def counting(path: str, display: str):  # type: ignore[no-untyped-def]
        seen.append(display)
        return original(path, display)

    monkeypatch.setattr(rulefiles, "read_rule_file", counting)
    return seen


def _codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{d['path']}:{d['line']} {d['code']}" for d in json.loads(result.out)["diagnostics"]]


def test_lint_reruns_when_a_rule_file_changes_and_is_a_no_op_otherwise(
    cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cli("lint", "--format", "json")
    reads = _reads(monkeypatch)
    assert cli("lint", "--format", "json").out == first.out
    assert reads == []  # memoized: no rule file read again
    rule_file = project / "monitoring" / "api.yaml"
    rule_file.write_text(MANIFEST.replace("      rules:", "      rulez:"), encoding="utf-8")
    assert _codes(cli("lint", "--format", "json")) == ["monitoring/api.yaml:14 RB601"]
    assert reads == ["monitoring/api.yaml"]
    _write(project / "monitoring" / "more" / "bad.yaml", "groups: 3\n")  # in a new folder
    assert "monitoring/more/bad.yaml:1 RB601" in _codes(cli("lint", "--format", "json"))


def test_missing_runbook_url_severity_follows_the_severity_label(cli, project: Path) -> None:
    paging = PLAIN.replace(
        "        annotations:", "        labels: {severity: page}\n        annotations:"
    )
    _write(project / "monitoring" / "queue.yaml", paging)
    _write(
        project / "pyproject.toml",
        SETTINGS + 'missing_runbook_url = {page = "error", "*" = "off"}\n',
    )
    found = json.loads(cli("lint", "--format", "json").out)["diagnostics"]
    missing = [(d["path"], d["severity"]) for d in found if d["code"] == "RB602"]
    assert missing == [("monitoring/queue.yaml", "error")]
    _write(project / "monitoring" / "queue.yaml", PLAIN)  # no severity label: "*" is off
    found = json.loads(cli("lint", "--format", "json").out)["diagnostics"]
    assert [d for d in found if d["code"] == "RB602"] == []


@pytest.mark.parametrize("fmt", ["text", "github", "sarif"])
def test_rule_file_findings_carry_path_and_line_in_every_format(
    cli, project: Path, fmt: str
) -> None:
    out = cli("lint", "--format", fmt).out
    if fmt == "sarif":
        [result] = json.loads(out)["runs"][0]["results"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "monitoring/api.yaml"
        assert location["region"]["startLine"] == 27
    else:
        assert "monitoring/api.yaml" in out and "27" in out and "RB603" in out


def test_a_bad_template_setting_is_a_usage_error(cli, project: Path) -> None:
    _write(project / "pyproject.toml", SETTINGS.replace("{path}", "{page}"))
    result = cli("lint")
    assert result.code == 2
    assert "must hold one of {path}, {alert} or {doc_id}" in result.err


def test_related_alerts_may_name_an_alert_only_a_rule_file_defines(cli, project: Path) -> None:
    runbook = project / "runbooks" / "ops" / "api.md"
    runbook.write_text(
        RUNBOOK.replace("owner_role: SRE", 'owner_role: SRE\nrelated_alerts: ["ApiDown"]'),
        encoding="utf-8",
    )
    assert "RB204" not in cli("lint").out
    runbook.write_text(runbook.read_text(encoding="utf-8").replace("ApiDown", "ApiGone"))
    out = cli("lint").out
    assert "RB204" in out and "no alert document and no rule file" in out


def test_alerts_lists_rule_runbook_and_approval_as_a_table_or_json(cli, project: Path) -> None:
    (project / "monitoring" / "api.yaml").write_text(
        MANIFEST.replace(
            "https://runbooks.example.com/alerts/ApiDown/",
            "https://git.example.com/runbooks/blob/main/ops/api.md",
        ),
        encoding="utf-8",
    )
    _write(project / "monitoring" / "queue.yaml", PLAIN)
    runbook = project / "runbooks" / "ops" / "api.md"
    runbook.write_text(
        RUNBOOK.replace(
            "owner_role: SRE",
            'owner_role: SRE\nrelated_alerts: ["QueueBacklog"]\napprovals:\n'
            '  required: ["Owner"]\n  status: pending\n  request_id: "r-1"',
        ),
        encoding="utf-8",
    )
    result = cli("alerts", "--format", "json")
    assert result.code == 0
    rows = json.loads(result.out)
    assert [(r["alert"], r["rule"], r["runbook"], r["approval"]) for r in rows] == [
        ("ApiDown", "monitoring/api.yaml:18", "ops/api.md", "pending"),
        # no runbook_url: the runbook that names it in related_alerts
        ("QueueBacklog", "monitoring/queue.yaml:4", "ops/api.md", "pending"),
    ]
    table = cli("alerts").out.splitlines()
    assert table[0].split() == ["alert", "rule", "group", "severity", "runbook", "approval"]
    assert table[1].split() == [
        "ApiDown",
        "monitoring/api.yaml:18",
        "api.rules",
        "critical",
        "ops/api.md",
        "pending",
    ]


def test_the_alerts_table_shows_a_rule_files_control_characters_escaped(cli, project: Path) -> None:
    """Alert names are the rule files' (repository content): one cannot add a line to the
    table, or to the CI log it is printed in."""
    name = "QueueBacklog\\n::error::forged\\e[2J"
    _write(project / "monitoring" / "queue.yaml", PLAIN.replace("QueueBacklog", f'"{name}"'))
    result = cli("alerts")
    assert result.code == 0
    lines = result.out.splitlines()
    assert any(line.startswith("QueueBacklog\\n::error::forged\\x1b[2J  ") for line in lines)
    assert not any(line.startswith("::") for line in lines) and "\x1b" not in result.out


ALERT_DOC = """\
---
doc_id: ALD-API-0001
type: alert
title: "API alerts"
status: active
owner_role: SRE
created_at: 2026-01-10
updated_at: 2026-01-12
alerts:
  - id: ApiDown
    severity: critical
    summary: "The API is down"
    condition: 'up{job="api"} == 0'
    threshold: "no target up"
    for: "10m"
    runbooks: ["RB-API-0001"]
---

# API alerts
"""


def _pages(settings_root: Path) -> dict[str, str]:
    settings = load_settings(str(settings_root / "pyproject.toml"))
    return render_pages(stages.site(lint_targets([], settings, use_cache=False), []))


def test_the_alert_doc_page_shows_the_rule_from_the_rule_file(project: Path) -> None:
    _write(project / "runbooks" / "ops" / "alerts.md", ALERT_DOC)
    hostile = MANIFEST.replace("== 0\n", "== 0  # ``` | <b>x</b>\n").replace(
        "summary: The API is down", "summary: The API is down\n            description: A | b"
    )
    _write(project / "monitoring" / "api.yaml", hostile)
    page = _pages(project)["ops/alerts.md"]
    block = page[page.index('<div class="runbookc-rule"') :]
    assert "`monitoring/api.yaml:18` · group `api.rules`" in block
    assert "| for | 10m |" in block and "| Labels | `severity=critical` |" in block
    assert "| Summary | The API is down |" in block and "| Description | A \\| b |" in block
    # the expression as written, in a fence longer than any backtick run in it
    assert (
        '````promql title="Expression (PromQL)"\nup{job="api"}\n  == 0  # ``` | <b>x</b>\n````'
        in block
    )


def test_each_alert_gets_a_page_by_name_and_rule_only_ones_with_the_switch(
    cli, project: Path
) -> None:
    _write(project / "runbooks" / "ops" / "alerts.md", ALERT_DOC)
    queue = PLAIN.replace(
        "summary: Backlog",
        "summary: Backlog\n          runbook_url: https://site.example.com/alerts/QueueBacklog/",
    )
    _write(project / "monitoring" / "queue.yaml", queue)
    settings = SETTINGS.replace('{path}"]', '{path}", "https://site.example.com/alerts/{alert}/"]')
    _write(project / "pyproject.toml", settings)
    pages = _pages(project)
    page = pages["alerts/ApiDown.md"]
    assert "# ApiDown" in page and "`monitoring/api.yaml:18` · group `api.rules`" in page
    assert "[`RB-API-0001`](../ops/api.md)" in page  # handled by
    assert "[`ALD-API-0001`](../ops/alerts.md#apidown)" in page  # defined in
    assert "alerts/QueueBacklog.md" not in pages
    assert "queue.yaml:8:1: RB603" in cli("lint").out  # its {alert} URL leads to no page yet
    _write(project / "pyproject.toml", settings.replace("rules =", 'alert_pages = "all"\nrules ='))
    pages = _pages(project)
    assert "`monitoring/queue.yaml:4` · group `queue`" in pages["alerts/QueueBacklog.md"]
    assert "queue.yaml:8:1: RB603" not in cli("lint").out
    _write(project / "pyproject.toml", settings.replace("rules =", 'alert_pages = "off"\nrules ='))
    assert not [p for p in _pages(project) if p.startswith("alerts/") and p != "alerts/index.md"]


def test_an_edit_to_a_rule_file_changes_the_digest_of_the_pages_showing_it(project: Path) -> None:
    from runbookc.render.inputs import page_digests

    _write(project / "runbooks" / "ops" / "alerts.md", ALERT_DOC)
    settings = load_settings(str(project / "pyproject.toml"))

    def digests() -> dict[str, str]:
        return page_digests(stages.site(lint_targets([], settings, use_cache=False), []), "c")

    before = digests()
    _write(project / "monitoring" / "api.yaml", MANIFEST.replace("for: 10m", "for: 15m"))
    after = digests()
    changed = sorted(page for page in before if before[page] != after[page])
    assert changed == ["alerts/ApiDown.md", "ops/alerts.md"]


def test_the_preview_renders_the_alert_pages_again_after_an_edit(project: Path) -> None:
    from runbookc.render.preview import affected_pages

    _write(project / "runbooks" / "ops" / "alerts.md", ALERT_DOC)
    settings = load_settings(str(project / "pyproject.toml"))
    site = stages.site(lint_targets([], settings, use_cache=False), [])
    assert "alerts/ApiDown.md" in affected_pages({"runbooks/ops/api.md"}, site, site)


def test_new_alert_from_rule_writes_an_alert_doc_that_lints_clean(cli, project: Path) -> None:
    _write(
        project / "monitoring" / "queue.yaml",
        PLAIN.replace("queue_depth > 1000", "'queue_depth{x=\"<b>\"} > 1000'"),
    )
    wrong = cli("new", "alert", "--from-rule", "QueueBaklog")
    assert wrong.code == 2 and "did you mean `QueueBacklog`" in wrong.err
    made = cli(
        "new",
        "alert",
        "--from-rule",
        "ApiDown",
        "--runbook",
        "RB-API-0001",
        "--output",
        "runbooks/ops/api-alerts.md",
    )
    assert made.code == 0, made.err
    text = (project / "runbooks" / "ops" / "api-alerts.md").read_text(encoding="utf-8")
    assert '  - id: "ApiDown"\n    severity: "critical"\n    summary: "The API is down"\n' in text
    assert '    condition: "up{job=\\"api\\"}\\n  == 0"\n' in text and '    for: "10m"\n' in text
    assert "`monitoring/api.yaml:18` (group `api.rules`)" in text
    again = cli("new", "alert", "--from-rule", "ApiDown")
    assert again.code == 2 and "already defines `ApiDown`" in again.err
    made = cli("new", "alert", "--from-rule", "QueueBacklog", "--runbook", "RB-API-0001")
    assert made.code == 0, made.err
    assert (
        'condition: "queue_depth{x=\\"<b>\\"} > 1000"'
        in (project / "runbooks" / "queuebacklog.md").read_text()
    )
    report = json.loads(cli("lint", "--format", "json").out)
    # the rule files' own findings only: the new documents lint clean
    assert [(d["path"], d["code"]) for d in report["diagnostics"]] == [
        ("monitoring/api.yaml", "RB603"),
        ("monitoring/queue.yaml", "RB602"),
    ]


def test_an_alert_page_links_the_runbook_its_runbook_url_leads_to(project: Path) -> None:
    url = "https://git.example.com/runbooks/blob/main/ops/api.md"
    _write(
        project / "monitoring" / "queue.yaml",
        PLAIN.replace("summary: Backlog", f"runbook_url: {url}"),
    )
    _write(project / "pyproject.toml", SETTINGS.replace("rules =", 'alert_pages = "all"\nrules ='))
    page = _pages(project)["alerts/QueueBacklog.md"]
    assert "| Handled by | [`RB-API-0001`](../ops/api.md) API down |" in page


def test_serve_watches_the_rule_files_and_an_edit_shows_on_the_alert_page(project: Path) -> None:
    from runbookc.commands.serve import PreviewBuild, watched

    _write(project / "runbooks" / "ops" / "alerts.md", ALERT_DOC)
    _write(project / "monitoring" / "team" / "more.yaml", PLAIN)
    settings = replace(load_settings(), output=str(project / "out"))
    assert watched(settings) == [
        project / "runbooks",
        project / "monitoring",
        project / "monitoring" / "team",
    ]  # never the settings root, which holds the output
    site = PreviewBuild(settings)
    try:
        site.rebuild()
        page = site.preview.site_dir / "ops" / "alerts" / "index.html"
        assert "Alerting rule" in page.read_text("utf-8") and "edited" not in page.read_text()
        rule_file = project / "monitoring" / "api.yaml"
        rule_file.write_text(MANIFEST.replace('up{job="api"}', 'up{job="edited"}'), "utf-8")
        site.rebuild()
        assert "edited" in page.read_text("utf-8")
    finally:
        site.close()


def test_new_alert_from_rule_without_rule_files_says_what_to_set(cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        SETTINGS.replace('rules = ["monitoring/**/*.yaml"]', 'rules = ["nowhere/*.yaml"]'),
        encoding="utf-8",
    )
    made = cli("new", "alert", "--from-rule", "ApiDown")
    assert made.code == 2 and "Traceback" not in made.err
    assert "no alerting rule to read `ApiDown` from" in made.err
    assert 'rules = ["monitoring/**/*.yaml"]' in made.err  # how to name the rule files
