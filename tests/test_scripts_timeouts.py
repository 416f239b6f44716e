"""Generated scripts against a tool that hangs and an operator who presses Ctrl-C: the
time limit ends the command's whole process group, `run.sh --diagnose` records the step
as timed out or interrupted and goes on, and its summary always ends with `finished`.

Every run executes the scripts inside bubblewrap with a stub `kubectl` (never the real
one), as tests/test_scripts_environment.py does. A stub that "hangs" waits on a pipe no one
writes; a stub that "is interrupted" sends SIGINT to its own process group, which is what
the terminal does on Ctrl-C. Nothing here asserts a duration: the harness only waits.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import require_sandbox
from runbookc.config import ConfigError
from runbookc.pipeline.document import compile_document
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.settings import DEFAULT_TIMEOUT, script_settings
from scriptcases import front_matter
from test_scripts_environment import SETTINGS, Bench, _extract

# `kubectl logs` hangs (and ignores nothing: the time limit's SIGALRM ends it); `kubectl
# top` is Ctrl-C; every call is recorded first.
STUB = """#!{bash} -p
printf '%s\\n' "${{0##*/}} $*" >>"$STUB_CALLS"
case $1 in
  logs) while :; do read -r -t 1000 <> <(:); done ;;
  top) kill -INT 0; while :; do read -r -t 1000 <> <(:); done ;;
esac
"""

# Bounds the harness's wait for a run that could hang (old scripts had no limit); the
# scripts' own limits here are 1 s.
HANG = 300

RUNBOOK = (
    "## Diagnosis\n1) Logs:\n\n```bash\nkubectl logs deploy/web\nkubectl get pods\n```\n\n"
    "2) Usage:\n\n```bash\nkubectl top pods\nkubectl get nodes\n```\n\n"
    "3) Events:\n\n```bash\nkubectl get events\n```\n"
)


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    bench = Bench(tmp_path, STUB)
    return bench


def _folder(bench: Bench, body: str = RUNBOOK) -> Path:
    out = bench.root / "out"
    assert _extract(bench.runbook(body), out) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def test_a_hanging_command_ends_at_the_limit_with_its_own_exit_status(bench) -> None:
    step = _folder(bench) / "01-logs.sh"
    done = bench.run(step, "--timeout", "1", timeout=HANG)
    assert done.returncode == 124, done.stderr
    line = (bench.root / "rb.md").read_text("utf-8").split("\n").index("kubectl logs deploy/web")
    assert "01-logs.sh: timed out after 1 s (" in done.stderr
    assert f"/rb.md:{line + 1}); ending the command" in done.stderr
    assert "step timed out" in done.stderr
    assert bench.called() == ["kubectl logs deploy/web"]  # the step stopped there


def test_the_limit_comes_from_the_environment_and_a_bad_one_is_refused(bench) -> None:
    step = _folder(bench) / "01-logs.sh"
    done = bench.run(step, env={"RUNBOOK_TIMEOUT": "1"}, timeout=HANG)
    assert done.returncode == 124, done.stderr
    refused = bench.run(step, "--timeout", "1s", timeout=HANG)
    assert refused.returncode == 2
    assert "refusing --timeout=1s: the time limit is whole seconds" in refused.stderr
    assert bench.called() == ["kubectl logs deploy/web"]


def test_ctrl_c_ends_the_command_and_the_step_says_so(bench) -> None:
    step = _folder(bench) / "02-usage.sh"
    done = bench.run(step, timeout=HANG)
    assert done.returncode == 130, done.stderr
    assert "step interrupted" in done.stderr
    assert bench.called() == ["kubectl top pods"]


def test_a_command_within_the_limit_runs_as_before(bench) -> None:
    step = _folder(bench) / "03-events.sh"
    done = bench.run(step, "--timeout", "1000", timeout=HANG)
    assert done.returncode == 0, done.stderr
    assert "timed out" not in done.stderr
    assert bench.called() == ["kubectl get events"]


def test_diagnose_records_a_timeout_and_an_interrupt_and_goes_on(bench) -> None:
    entry = _folder(bench) / "run.sh"
    incident = bench.root / "incident"
    done = bench.run(entry, "--diagnose", "--timeout", "1", "--out", incident, timeout=HANG)
    assert done.returncode == 1, done.stderr
    assert bench.called() == ["kubectl logs deploy/web", "kubectl top pods", "kubectl get events"]
    summary = _steps(incident)
    assert [line.split("  ")[0] for line in summary[:3]] == [
        "01-logs.sh",
        "02-usage.sh",
        "03-events.sh",
    ]
    assert summary[0].endswith("exit 124  timed out")
    assert summary[1].endswith("exit 130  interrupted")
    assert summary[2].endswith("exit 0  ok")
    assert summary[-1].startswith("finished ")
    assert "timed out after 1 s" in (incident / "01-logs.log").read_text("utf-8")
    record = json.loads((incident / "summary.json").read_text("utf-8"))
    assert [(s["step"], s["exit"], s["outcome"]) for s in record["steps"]] == [
        ("01-logs.sh", 124, "timed out"),
        ("02-usage.sh", 130, "interrupted"),
        ("03-events.sh", 0, "ok"),
    ]
    assert record["timeout"] == "1"
    assert record["started"] <= record["finished"]
    assert all(s["started"] <= s["finished"] for s in record["steps"])


def test_a_second_interrupt_stops_the_run_and_the_record_still_ends(bench) -> None:
    body = RUNBOOK.replace("kubectl logs deploy/web", "kubectl top nodes")
    entry = _folder(bench, body) / "run.sh"
    incident = bench.root / "incident"
    done = bench.run(entry, "--diagnose", "--out", incident, timeout=HANG)
    assert done.returncode == 1, done.stderr
    assert bench.called() == ["kubectl top nodes", "kubectl top pods"]
    summary = _steps(incident)
    assert summary[0].endswith("exit 130  interrupted")
    assert summary[1].endswith("exit 130  interrupted")
    assert summary[2] == "03-events.sh  not run: the run was stopped by a second interrupt"
    assert summary[-1].startswith("finished ")
    record = json.loads((incident / "summary.json").read_text("utf-8"))
    assert [(s["step"], s["outcome"]) for s in record["steps"]] == [
        ("01-logs.sh", "interrupted"),
        ("02-usage.sh", "interrupted"),
        ("03-events.sh", "skipped"),
    ]
    assert record["steps"][2]["why"] == "the run was stopped by a second interrupt"


def _steps(incident: Path) -> list[str]:
    """summary.txt from its first step's line (after the runbook, target, user, parameters
    and start time)."""
    lines = (incident / "summary.txt").read_text("utf-8").splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("01-")) :]


def test_the_default_limit_is_a_setting(tmp_path) -> None:
    path = tmp_path / "rb.md"
    path.write_text(front_matter() + "\n" + RUNBOOK, "utf-8")
    raw = {**SETTINGS.raw, "scripts": {**SETTINGS.table("scripts"), "timeout": "7"}}
    settings = replace(SETTINGS, raw=raw)
    document = compile_document(path, "rb.md", settings).document
    assert document is not None
    step = plan_scripts(document, settings)[0][0]
    assert "\nrb_timeout=7\n" in step.text
    assert "(default: $RUNBOOK_TIMEOUT, else 7)" in step.text
    shipped = plan_scripts(document, SETTINGS)[0][0]
    assert f"\nrb_timeout={DEFAULT_TIMEOUT}\n" in shipped.text


@pytest.mark.parametrize("value", ["5m", "-1", "", "12345678", 5])
def test_a_limit_setting_that_is_not_seconds_is_a_settings_error(value) -> None:
    raw = {**SETTINGS.raw, "scripts": {"timeout": value}}
    with pytest.raises(ConfigError, match=r"timeout: .* is not a number of seconds"):
        script_settings(replace(SETTINGS, raw=raw))
