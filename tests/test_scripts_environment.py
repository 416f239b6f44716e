"""Generated scripts against what they cannot trust: parameter names a runbook chooses, the
environment they are started in (exported shell options, BASH_ENV, functions) and the path
they are started by (a symlink to run.sh).

Every run here executes the script directly (its `#!` line) inside bubblewrap, with a
recording stub `kubectl` first on PATH and mounted over every host copy of kubectl, and only
a few real tools after it: never the real kubectl.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require_sandbox, run_isolated
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.script import Script
from scriptcases import front_matter

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))
REAL_TOOLS = ("bash", "grep", "readlink", "date", "tee", "mkdir")
# Records its argv and prints nothing, so a grep after it finds nothing. Started with -p,
# the stub reads no BASH_ENV itself: a trap file that runs can only have run in a script.
STUB = '#!{bash} -p\nprintf "%s\\n" "${{0##*/}} $*" >>"$STUB_CALLS"\n'


TARGET_LOOKUP = "kubectl config view --minify -o jsonpath="


class Bench:
    """A temp dir with stubs and real tools on PATH, and the runbook of each test."""

    def __init__(self, root: Path, kubectl: str = STUB) -> None:
        """`kubectl`: the text of the kubectl stub (see stub_kubectl)."""
        self.root = root
        stubs, real = root / "stubs", root / "real"
        stubs.mkdir()
        real.mkdir()
        for tool in REAL_TOOLS:
            found = shutil.which(tool)
            assert found is not None, tool
            (real / tool).symlink_to(found)
        self.stub_kubectl(kubectl)
        (stubs / "kubectl").chmod(0o755)
        self.path = f"{stubs}:{real}"
        assert shutil.which("kubectl", path=self.path) == str(stubs / "kubectl")
        self.calls = root / "calls.txt"

    def stub_kubectl(self, text: str) -> None:
        """Replace the kubectl stub by `text`, whose `{bash}` names the bash on PATH."""
        bash = (self.root / "real" / "bash").resolve()
        (self.root / "stubs" / "kubectl").write_text(text.format(bash=bash), "utf-8")

    def runbook(self, body: str, front: str | None = None) -> Path:
        """rb.md: `body` under `front` (the draft front matter of scriptcases by default)."""
        path = self.root / "rb.md"
        path.write_text((front or front_matter()) + "\n" + body, "utf-8")
        return path

    def scripts(self, body: str, front: str | None = None) -> list[Script]:
        """The runbook's rendered scripts, whatever their diagnostics say."""
        document = compile_document(self.runbook(body, front), "rb.md", SETTINGS).document
        assert document is not None
        return plan_scripts(document, SETTINGS)[0]

    def write(self, script: Script) -> Path:
        target = self.root / script.file_name
        target.write_text(script.text, "utf-8")
        target.chmod(0o755)
        return target

    def run(
        self,
        *argv: str | Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float | None = None,
    ) -> subprocess.CompletedProcess[str]:
        base = {
            "PATH": self.path,
            "HOME": str(self.root),
            "LC_ALL": "C.UTF-8",
            "STUB_CALLS": str(self.calls),
        }
        return run_isolated(
            [str(a) for a in argv],
            work=self.root,
            kubectl_stub=self.root / "stubs" / "kubectl",
            env={**base, **(env or {})},
            cwd=cwd or self.root,
            timeout=timeout,
        )

    def called(self) -> list[str]:
        """The runbook's calls of the stubs: without the script's own local look-up of the
        kube context (`kubectl config view --minify`, tests/test_scripts_target.py)."""
        lines = self.calls.read_text("utf-8").splitlines() if self.calls.exists() else []
        return [c for c in lines if not c.startswith(TARGET_LOOKUP)]


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    return Bench(tmp_path)


DELETE = '## Mitigation\n1) Delete the pod:\n\n```bash\nrb_yes="1"\nkubectl delete pod x\n```\n'


@pytest.mark.parametrize(
    "env",
    [{}, {"RUNBOOK_RB_YES": "1"}, {"rb_yes": "1"}, {"RB_YES": "1"}, {"rb_dry_run": "1"}],
    ids=["runbook", "RUNBOOK_RB_YES", "rb_yes", "RB_YES", "rb_dry_run"],
)
def test_a_runbook_cannot_switch_off_confirmation(bench, env) -> None:
    (script,) = bench.scripts(DELETE)
    assert script.mutating and script.params == ()
    done = bench.run(bench.write(script), env=env)
    assert done.returncode == 3, done.stderr
    assert "there is no terminal to confirm on: run it with --yes" in done.stderr
    assert bench.called() == []


def test_a_variable_named_like_the_scripts_own_is_an_error_at_its_line(bench, cli) -> None:
    path = bench.runbook(DELETE)
    line = path.read_text("utf-8").split("\n").index('rb_yes="1"') + 1
    result = cli("lint", str(path), "--format", "json")
    assert result.code == 1
    found = [(d["code"], d["line"]) for d in result.json()["diagnostics"]]
    assert ("RB417", line) in found


@pytest.mark.parametrize(
    ("assignment", "name"),
    [("rb_show=()", "rb_show"), ("rb_timeout=0", "rb_timeout"), ("rb_events=1", "rb_events")],
)
def test_the_runbooks_commands_cannot_change_the_scripts_own_state(bench, assignment, name) -> None:
    """What the script shows, its time limit and the pipe to its watcher are readonly: the
    assignment fails, which ends the commands' shell (bash ends a subshell on an
    assignment error), and the script, a process the commands cannot change, names the
    runbook line; nothing after it runs."""
    (script,) = bench.scripts(
        "## Diagnosis\n1) Look:\n\n```bash\n"
        f"kubectl get pods\n{assignment}\nkubectl get jobs\n```\n"
    )
    done = bench.run(bench.write(script))
    assert done.returncode == 1
    assert f"{name}: readonly variable" in done.stderr
    line = (bench.root / "rb.md").read_text("utf-8").split("\n").index(assignment) + 1
    assert f"step failed: the runbook's commands ended with status 1 at rb.md:{line}" in done.stderr
    assert bench.called() == ["kubectl get pods"]


def test_a_background_command_of_the_runbook_keeps_its_pid_in_bang(bench) -> None:
    """The time limit starts no process in the commands' shell, so `$!` is the runbook's
    own last background command and `wait "$!"` waits for it."""
    (script,) = bench.scripts(
        '## Diagnosis\n1) Look:\n\n```bash\nkubectl get pods &\nwait "$!"\n```\n'
    )
    done = bench.run(bench.write(script))
    assert done.returncode == 0, done.stderr
    assert bench.called() == ["kubectl get pods"]


@pytest.mark.parametrize("name", ["shown"])  # rb_param's own local was once `shown`
def test_a_parameter_named_like_a_local_of_the_script_is_set(bench, name) -> None:
    (script,) = bench.scripts(
        f'## Diagnosis\n1) Look:\n\n```bash\n{name}="a"\nkubectl get pod "${name}"\n```\n'
    )
    assert [p.name for p in script.params] == [name]
    done = bench.run(bench.write(script), f"--{name}", "b")
    assert done.returncode == 0, done.stderr
    assert bench.called() == ["kubectl get pod b"]


def test_names_of_the_script_and_of_bash_are_never_parameters(bench) -> None:
    names = ["rb_x", "RB_X", "Rb_x", "IFS", "PATH", "BASH_ENV", "LC_ALL", "SHELLOPTS", "ns"]
    block = "".join(f'{name}="v"\n' for name in names) + 'kubectl get pod -n "$ns"\n'
    (script,) = bench.scripts(f"## Diagnosis\n1) Look:\n\n```bash\n{block}```\n")
    assert [p.name for p in script.params] == ["ns"]


NO_MATCH = (
    "## Diagnosis\n1) Look for crashes:\n\n```bash\n"
    'kubectl get pods -A | grep -E "CrashLoopBackOff"\n```\n'
)


def _no_match_step(bench: Bench) -> tuple[Path, Path]:
    """The no-matches runbook extracted with the CLI: (its step script, its run.sh)."""
    out = bench.root / "out"
    assert _extract(bench.runbook(NO_MATCH), out) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    (step,) = folder.glob("01-*.sh")
    return step, folder / "run.sh"


def _extract(runbook: Path, out: Path) -> int:
    from runbookc.cli import run

    return run(["extract", str(runbook), "--output", str(out)])


@pytest.mark.parametrize(
    "how", ["direct", "bash-script", "run.sh-step", "run.sh-diagnose"], ids=str
)
def test_exported_shell_options_do_not_reach_the_script(bench, how) -> None:
    step, entry = _no_match_step(bench)
    argv: list[str | Path] = {
        "direct": [step],
        "bash-script": [shutil.which("bash") or "bash", step],
        "run.sh-step": [entry, "1"],
        "run.sh-diagnose": [entry, "--diagnose", "--out", bench.root / "incident"],
    }[how]
    env = {"SHELLOPTS": "errexit:nounset:pipefail", "BASHOPTS": "failglob:nullglob"}
    done = bench.run(*argv, env=env)
    assert done.returncode == 0, done.stderr
    assert "rb.md:" in done.stdout + done.stderr and "no matches (" in done.stdout + done.stderr
    assert bench.called() == ["kubectl get pods -A"]


@pytest.mark.parametrize("how", ["direct", "run.sh-step", "run.sh-diagnose"], ids=str)
def test_bash_env_and_exported_functions_do_not_reach_the_script(bench, how) -> None:
    step, entry = _no_match_step(bench)
    marker = bench.root / "trap-ran"
    trap = bench.root / "trap.sh"
    trap.write_text(f"echo sourced >>'{marker}'\n", "utf-8")
    argv: list[str | Path] = {
        "direct": [step],
        "run.sh-step": [entry, "1"],
        "run.sh-diagnose": [entry, "--diagnose", "--out", bench.root / "incident"],
    }[how]
    env = {
        "BASH_ENV": str(trap),
        "ENV": str(trap),
        "BASH_FUNC_kubectl%%": f"() {{ echo function >>'{marker}'; }}",
    }
    done = bench.run(*argv, env=env)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert bench.called() == ["kubectl get pods -A"]  # the stub, not the exported function


TWO_STEPS = (
    "## Diagnosis\n1) Pods:\n\n```bash\nkubectl get pods\n```\n\n"
    "2) Jobs:\n\n```bash\nkubectl get jobs\n```\n"
)


@pytest.mark.parametrize("link", ["absolute", "relative", "chain"])
def test_run_sh_through_a_symlink_runs_its_own_steps(bench, link) -> None:
    out = bench.root / "out"
    assert _extract(bench.runbook(TWO_STEPS), out) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    steps = sorted(p.name for p in folder.glob("0*.sh"))
    elsewhere = bench.root / "bin"
    elsewhere.mkdir()
    decoy_ran = bench.root / "decoy-ran"
    for name in steps:  # decoys next to the link, named like the real steps
        (elsewhere / name).write_text(f"echo decoy >>'{decoy_ran}'\n", "utf-8")
    entry = elsewhere / "run.sh"
    if link == "absolute":
        entry.symlink_to(folder / "run.sh")
    elif link == "relative":
        entry.symlink_to(os.path.relpath(folder / "run.sh", elsewhere))
    else:  # bin/run.sh -> bin/hop -> ../out/<doc>/run.sh
        (elsewhere / "hop").symlink_to(os.path.relpath(folder / "run.sh", elsewhere))
        entry.symlink_to("hop")
    assert bench.run(entry, "2").returncode == 0
    done = bench.run("bin/run.sh", "--diagnose", "--out", "incident")  # a relative path
    assert done.returncode == 0, done.stderr
    assert not decoy_ran.exists()
    assert bench.called() == ["kubectl get jobs", "kubectl get pods", "kubectl get jobs"]


PLACEHOLDERS = (
    "## Diagnosis\n\n```bash\nkubectl -n <namespace> logs pod/<pod-name> --tail=5\n"
    'kubectl get events -n <NAMESPACE> --field-selector "involvedObject.name=$POD"\n```\n'
)


def test_placeholders_are_required_parameters_of_the_script(bench) -> None:
    """`<namespace>`, `pod/<pod-name>` and a `$POD` the block never sets: options in
    --help, values in --dry-run, exit 2 when one is missing, and the stub gets them."""
    (script,) = bench.scripts(PLACEHOLDERS)
    assert not script.mutating  # read with its parameters, the block only reads
    assert [(p.flag, p.inherited) for p in script.params] == [
        ("namespace", False),
        ("pod-name", False),
        ("pod", True),
    ]
    path = bench.write(script)
    shown = bench.run(path, "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--namespace VALUE --pod-name VALUE --pod VALUE" in shown.stdout
    assert "--pod-name VALUE  $RUNBOOK_POD_NAME  required: <pod-name> in the runbook" in (
        shown.stdout
    )
    assert "--pod VALUE  $RUNBOOK_POD  required ($POD also counts)" in shown.stdout

    missing = bench.run(path, "--namespace", "web", "--pod", "web-1")
    assert missing.returncode == 2
    assert (
        "missing --pod-name VALUE (or RUNBOOK_POD_NAME in the environment): "
        "<pod-name> in the runbook" in missing.stderr
    )
    refused = bench.run(path, "--namespace", "-A", "--pod-name", "x", "--pod", "x")
    assert refused.returncode == 2 and "starts with '-'" in refused.stderr
    dry = bench.run(path, "--dry-run", "--namespace=web", "--pod-name", "web-1", "--pod", "p")
    assert dry.returncode == 0, dry.stderr
    assert "# NAMESPACE=web\n# POD_NAME=web-1\n# POD=p\n" in dry.stdout
    assert 'kubectl -n web logs pod/"web-1" --tail=5' in dry.stdout
    assert bench.called() == []

    done = bench.run(path, "--pod-name=web-1", env={"RUNBOOK_NAMESPACE": "web", "POD": "web-1-abc"})
    assert done.returncode == 0, done.stderr
    assert bench.called() == [
        "kubectl -n web logs pod/web-1 --tail=5",
        "kubectl get events -n web --field-selector involvedObject.name=web-1-abc",
    ]
