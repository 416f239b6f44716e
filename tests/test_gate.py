"""The gate on the shipped corpus: exactly the seed's pending approval (and the seed's
own `2>/dev/null ... || true` pipelines, RB404, which the seed cannot change), nothing false."""

from __future__ import annotations

import json


def test_shipped_corpus_lints_to_the_seed_pending_approval_only(cli, in_root) -> None:
    result = cli("lint", "runbooks", "--format", "json")
    assert result.code == 0  # a warning by default: the site and scripts still build
    findings = result.json()["diagnostics"]
    hidden = [(f["path"], f["line"]) for f in findings if f["code"] == "RB404"]
    assert hidden == [("runbooks/ops/ai_slot_build_runbook.md", n) for n in (70, 112)]
    findings = [f for f in findings if f["code"] != "RB404"]
    assert len(findings) == 1
    (finding,) = findings
    assert finding["code"] == "RB301"
    assert finding["severity"] == "warning"
    assert finding["path"] == "runbooks/ops/ai_slot_build_runbook.md"
    assert finding["line"] == 13  # `  status: pending` under approvals
    assert "Owner" in finding["message"] and "issue-205-ai-repair" in finding["message"]


def test_strict_fails_on_it_with_github_annotations(cli, in_root) -> None:
    result = cli("lint", "--strict", "--format", "github")
    assert result.code == 1
    assert result.out.startswith(
        "::error file=runbooks/ops/ai_slot_build_runbook.md,line=13,col=1,title=RB301::"
    )


def test_sarif_names_the_rule(cli, in_root) -> None:
    sarif = json.loads(cli("lint", "--format", "sarif").out)
    (run,) = sarif["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["RB301", "RB404", "RB404"]
    assert run["tool"]["driver"]["rules"][0]["name"] == "approval-pending"


def test_one_file_resolves_against_the_whole_corpus(cli, in_root) -> None:
    """A pre-commit hook passes only the changed files; their references still resolve."""
    for name in ("alerts_ai_slot_build_pipeline.md", "slo_ai_slot_build_pipeline.md"):
        result = cli("lint", f"runbooks/ops/{name}", "--strict", "--format", "json")
        assert result.json()["diagnostics"] == [], name
        assert result.json()["summary"]["documents"] == 1


def test_english_runbook_approval_is_current(cli, in_root) -> None:
    result = cli("lint", "runbooks/ops/registry_mirror_degraded_runbook.md", "--strict")
    assert result.code == 0, result.out


def test_pre_commit_hooks_run_the_lint_command(cli, in_root) -> None:
    import re
    import shlex

    import yaml

    hooks = yaml.safe_load((in_root / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["runbookc-lint", "runbookc-lint-corpus"]
    for hook in hooks:
        assert hook["language"] == "python"
        command, *args = shlex.split(hook["entry"])
        assert command == "runbookc"
        assert re.search(hook["files"], "runbooks/ops/ai_slot_build_runbook.md")
        files = (
            []
            if hook.get("pass_filenames") is False
            else ["runbooks/ops/alerts_registry_mirror.md"]
        )
        result = cli(*args, *files)
        # --strict: the whole corpus fails on the seed's pending approval; the alert doc passes
        assert result.code == (1 if not files else 0), (hook["id"], result.out)
