"""Parameters as an engineer gives them: a value the block only uses quoted may be any one
line of text (label selectors, grep alternations, paths with spaces) but a leading `-`;
a bad value in the environment does not hide --help; run.sh --diagnose hands options to
its steps, checks --out, has --dry-run and shows the approval warning once.

Every run executes the scripts inside bubblewrap with a recording stub `kubectl` (never
the real one), as tests/test_scripts_environment.py does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import require_sandbox
from test_scripts_environment import Bench, _extract

QUOTED = (
    "## Diagnosis\n1) Look:\n\n```bash\n"
    "selector='app=web,tier!=db'\n"
    'pattern="MANIFEST_UNKNOWN|unknown switch"\n'
    'dir="/var/log/my app"\n'
    'kubectl get pods -l "$selector"\n'
    'kubectl logs deploy/web | grep -E "$pattern"\n'
    'kubectl get -f "$dir"\n'
    "```\n"
)


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    return Bench(tmp_path)


def test_unusual_defaults_of_quoted_uses_stay_parameters(bench) -> None:
    (script,) = bench.scripts(QUOTED)
    assert [(p.flag, p.default) for p in script.params] == [
        ("selector", "app=web,tier!=db"),
        ("pattern", "MANIFEST_UNKNOWN|unknown switch"),
        ("dir", "/var/log/my app"),
    ]
    path = bench.write(script)
    shown = bench.run(path, "--help")
    assert "[--selector VALUE] [--pattern VALUE] [--dir VALUE]" in shown.stdout
    dry = bench.run(path, "--dry-run", "--selector", "tier in (db,cache)")
    assert dry.returncode == 0, dry.stderr
    assert "kubectl get pods -l 'tier in (db,cache)'\n" in dry.stdout
    done = bench.run(path, "--selector", "tier in (db,cache)")
    assert done.returncode == 0, done.stderr
    assert "grep -E 'MANIFEST_UNKNOWN|unknown switch'\n" in dry.stdout
    assert "kubectl get -f '/var/log/my app'\n" in dry.stdout
    assert bench.called() == [
        "kubectl get pods -l tier in (db,cache)",
        "kubectl logs deploy/web",
        "kubectl get -f /var/log/my app",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--selector", "-A"), "refusing --selector=-A: the value starts with '-'"),
        (("--dir", "a\nb"), "refusing --dir=$'a\\nb': the value holds a control character"),
        (("--pattern=a\tb",), "the value holds a control character"),
    ],
)
def test_a_quoted_parameter_still_refuses_options_and_control_characters(
    bench, args, message
) -> None:
    (script,) = bench.scripts(QUOTED)
    done = bench.run(bench.write(script), *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert bench.called() == []


def test_a_parameter_used_unquoted_stays_one_plain_word(bench) -> None:
    (script,) = bench.scripts(
        '## Diagnosis\n1) Look:\n\n```bash\nsel="app"\nkubectl get pods -l "$sel" $sel\n```\n'
    )
    assert [p.flag for p in script.params] == ["sel"]
    done = bench.run(bench.write(script), "--sel", "a b")
    assert done.returncode == 2
    assert "whitespace or shell metacharacters (the block uses it unquoted)" in done.stderr
    assert bench.called() == []


def test_a_bad_value_in_the_environment_does_not_hide_help(bench) -> None:
    (script,) = bench.scripts(QUOTED)
    path = bench.write(script)
    shown = bench.run(path, "--help", env={"RUNBOOK_SELECTOR": "-A"})
    assert shown.returncode == 0, shown.stderr
    assert "Usage: " in shown.stdout
    done = bench.run(path, env={"RUNBOOK_SELECTOR": "-A"})
    assert done.returncode == 2
    assert "refusing RUNBOOK_SELECTOR=-A" in done.stderr


TWO_STEPS = (
    '## Diagnosis\n1) Pods:\n\n```bash\nns="prod"\nkubectl get pods -n "$ns"\n```\n\n'
    '2) Events:\n\n```bash\nns="prod"\nkubectl get events -n "$ns"\n```\n'
)


def _entry(bench: Bench) -> Path:
    out = bench.root / "out"
    assert _extract(bench.runbook(TWO_STEPS), out) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder / "run.sh"


def test_diagnose_hands_options_to_its_steps_and_honours_all_its_arguments(bench) -> None:
    entry = _entry(bench)
    incident = bench.root / "incident"
    done = bench.run(entry, "--diagnose", "--out", incident, "--ns", "x")
    assert done.returncode == 0, done.stderr
    assert bench.called() == ["kubectl get pods -n x", "kubectl get events -n x"]
    assert (incident / "summary.txt").read_text("utf-8").splitlines()[-1].startswith("finished")
    assert done.stdout.count("NOT APPROVED") == 1  # once per run, not once per step
    assert "NOT APPROVED" in (incident / "01-pods.log").read_text("utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--out",), "--out needs a folder"),
        (("--out=",), "--out needs a folder"),
        (("--ns",), "--ns needs a value"),
        (("--out", "d", "--bogus"), "unknown argument: --bogus"),
    ],
)
def test_diagnose_refuses_bad_arguments_with_a_message(bench, args, message) -> None:
    done = bench.run(_entry(bench), "--diagnose", *args)
    assert done.returncode == 2
    assert f"run.sh: {message}" in done.stderr
    assert bench.called() == []
    assert not (bench.root / "d").exists()


def test_diagnose_dry_run_prints_every_step_and_runs_nothing(bench) -> None:
    entry = _entry(bench)
    done = bench.run(entry, "--diagnose", "--dry-run", "--ns", "x", cwd=bench.root)
    assert done.returncode == 0, done.stderr
    assert "== 01-pods.sh\n" in done.stdout and "kubectl get pods -n x" in done.stdout
    assert "== 02-events.sh\n" in done.stdout and "kubectl get events -n x" in done.stdout
    assert done.stderr.count("NOT APPROVED") == 1
    assert bench.called() == []
    assert not [p for p in bench.root.iterdir() if p.name.startswith("incident")]
