"""Sandbox runs of the generated scripts inside bubblewrap with stub commands first on
PATH (never a real kubectl): the three scenarios on the shipped corpus, and proof the
checks can fail. Every run goes through `Sandbox.command`, the isolated command line."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.sandbox import SCENARIOS, Sandbox, parse_calls
from runbookc.scripts.sandbox.blockers import blockers
from runbookc.scripts.sandbox.expectations import check, expectations
from runbookc.scripts.script import Script
from runbookc.scripts.settings import script_settings
from runbookc.scripts.symptoms import symptom_lines
from runbookc.scripts.target import is_lookup
from scriptcases import SCRIPT_CASES, case, case_id

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))
CONFIG = script_settings(SETTINGS)


def _plan(path: Path) -> tuple[list[Script], list[str]]:
    display = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    document = compile_document(path, display, SETTINGS).document
    assert document is not None
    scripts, _ = plan_scripts(document, SETTINGS)
    return scripts, [text for text, _, _ in symptom_lines(document, CONFIG)]


SEED_SCRIPTS, SEED_SYMPTOMS = _plan(SEED)


@pytest.fixture
def box(tmp_path, sandboxed) -> Sandbox:
    return Sandbox(tmp_path, CONFIG, SEED_SYMPTOMS)


def test_sandbox_path_has_stubs_and_only_allowed_real_tools(box) -> None:
    assert (box.stubs / "kubectl").read_text().startswith("#!")
    assert not (box.real / "kubectl").exists()
    listed = {p.name for p in box.real.iterdir()}
    assert listed <= set(CONFIG.real_tools)
    assert box.path == f"{box.stubs}:{box.real}"


def test_symptoms_of_the_seed_are_its_code_spans_under_symptoms() -> None:
    assert "MANIFEST_UNKNOWN" in SEED_SYMPTOMS
    assert "unknown switch 'b'" in SEED_SYMPTOMS
    assert "fatal: '-b ...' is not a commit" in SEED_SYMPTOMS


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("number", range(1, 7))
def test_seed_scripts_behave_in_every_scenario(box, number, scenario) -> None:
    script = SEED_SCRIPTS[number - 1]
    assert blockers(script, CONFIG) == []
    result = box.run(script, scenario)
    assert check(script, result, expectations(script, CONFIG, SEED_SYMPTOMS)[scenario]) == []
    assert all(call[0] == "kubectl" for call in result.calls)
    assert result.calls  # the stub was reached, so no real kubectl was


def test_empty_output_means_no_matches_and_success(box) -> None:
    result = box.run(SEED_SCRIPTS[1], "empty")  # step 2 ends in `| grep` with no `|| true`
    assert result.code == 0
    assert "no matches (runbooks/ops/ai_slot_build_runbook.md:61)" in result.stderr
    assert result.calls == (
        ("kubectl", "-n", "codex-k8s-prod", "logs", "deploy/codex-k8s-control-plane", "--since=6h"),
    )


def test_symptom_lines_are_printed(box) -> None:
    result = box.run(SEED_SCRIPTS[3], "symptoms")
    assert result.code == 0
    assert "unknown switch 'b'" in result.stdout.splitlines()
    assert "Error while retrieving image from cache ... MANIFEST_UNKNOWN" in result.stdout
    assert "fatal: '-b ...' is not a commit" not in result.stdout  # step 4 does not grep it


def test_failing_kubectl_fails_the_step_with_its_runbook_line(box) -> None:
    result = box.run(SEED_SCRIPTS[0], "fail")
    assert result.code == 1
    assert "step failed: kubectl exited with status 1" in result.stderr
    assert "ai_slot_build_runbook.md:54" in result.stderr


def test_or_true_keeps_its_meaning_but_the_failure_is_reported(box) -> None:
    result = box.run(SEED_SCRIPTS[2], "fail")  # both pipelines end in `|| true`
    assert result.code == 0
    assert result.stderr.count('the runbook ignores this with "|| true"') == 2
    assert len(result.calls) == 2


def test_parameters_reach_the_commands(box) -> None:
    result = box.run(SEED_SCRIPTS[0], "empty", ("--ns", "staging"))
    assert result.calls == (("kubectl", "-n", "staging", "get", "pods,job", "-o", "wide"),)


def test_checks_catch_a_script_that_swallows_failures(box) -> None:
    script = SEED_SCRIPTS[0]
    broken = replace(script, text=script.text.replace('rb_check 0 "${PIPESTATUS[@]}"', ":"))
    result = box.run(broken, "fail")
    found = check(broken, result, expectations(script, CONFIG, SEED_SYMPTOMS)["fail"])
    assert [d.code for d in found] == ["RB412", "RB412"]  # exit 0, and no "step failed"


def test_checks_catch_a_naive_pipefail_wrapper(box) -> None:
    script = SEED_SCRIPTS[1]
    text = script.text.replace("\nrb_at() {", "\nset -euo pipefail\nrb_at() {")
    naive = replace(script, text=text)
    result = box.run(naive, "empty")
    found = check(naive, result, expectations(script, CONFIG, SEED_SYMPTOMS)["empty"])
    assert result.code == 1
    assert any("exited 1, expected 0" in d.message for d in found)


def test_checks_catch_different_commands(box) -> None:
    script = SEED_SCRIPTS[0]
    other = replace(script, text=script.text.replace("get pods,job -o wide\n", "get pods\n"))
    found = check(other, box.run(other, "empty"), expectations(script, CONFIG, [])["empty"])
    assert [d.code for d in found] == ["RB413"]


def test_mutating_step_refuses_without_a_terminal_and_without_yes(sandboxed, tmp_path) -> None:
    scripts, symptoms = _plan(ROOT / "runbooks" / "ops" / "registry_mirror_degraded_runbook.md")
    restart = scripts[3]
    assert restart.mutating and restart.changes == ("kubectl rollout restart",)
    box = Sandbox(tmp_path, CONFIG, symptoms)
    refused = box.run(restart, "empty", ())
    assert refused.code == 3
    assert "no terminal to confirm on: run it with --yes" in refused.stderr
    assert refused.calls == ()
    dry = box.run(restart, "empty", ("--dry-run",))
    assert dry.code == 0 and dry.calls == ()
    assert (
        "kubectl -n codex-k8s-prod rollout restart deploy/codex-k8s-registry-mirror" in dry.stdout
    )
    confirmed = box.run(restart, "empty", ("--yes",))
    assert confirmed.code == 0
    assert confirmed.calls[0][3:5] == ("rollout", "restart")


def test_a_tool_that_is_not_stubbed_blocks_the_run(tmp_path) -> None:
    doc = tmp_path / "rb.md"
    doc.write_text(
        "---\ndoc_id: RB-X\ntype: runbook\n---\n## Diagnosis\n1) Look:\n\n```bash\n"
        "/usr/bin/kubectl get pods\nfrobctl status\n```\n",
        "utf-8",
    )
    scripts, _ = _plan(doc)
    found = blockers(scripts[0], CONFIG)
    assert [d.code for d in found] == ["RB414", "RB414"]
    assert "`/usr/bin/kubectl`" in found[0].message


def test_diagnose_runs_read_only_diagnostic_steps_and_saves_their_output(box, tmp_path) -> None:
    from runbookc.scripts.render import entry_script

    for script in SEED_SCRIPTS:
        (box.work / script.file_name).write_text(script.text, "utf-8")
    (box.work / "run.sh").write_text(entry_script(SEED_SCRIPTS[0].doc_id, SEED_SCRIPTS), "utf-8")
    calls = box.root / "calls.txt"  # the sandbox can write its own folder only
    done = subprocess.run(
        box.command([box.bash, str(box.work / "run.sh"), "--diagnose", "--out", "incident"]),
        env=box.env(SEED_SCRIPTS[0], "symptoms", calls),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 5, done.stderr  # the stubs print the runbook's symptoms
    saved = sorted(p.name for p in (box.work / "incident").iterdir())
    assert saved == [s.file_name[:-3] + ".log" for s in SEED_SCRIPTS[:5]] + [
        "outcomes.txt",
        "summary.json",
        "summary.txt",
    ]
    summary = (box.work / "incident" / "summary.txt").read_text("utf-8")
    assert summary.count("exit 0  symptom found") == 5
    assert "06-operativnaia-proverka.sh  not run: it is not a read-only diagnostics step" in summary
    log = (box.work / "incident" / saved[0]).read_text("utf-8")
    assert re.match(r"20\S+Z == 01-proverit-obshchii-status-runtime.sh \(started 20", log)
    assert "unknown switch 'b'" in (box.work / "incident" / saved[2]).read_text("utf-8")
    block_calls = [c for c in parse_calls(calls.read_bytes()) if not is_lookup(c)]
    assert len(block_calls) == 6  # steps 1-5 call kubectl 1+1+2+1+1 times


def test_call_records_survive_odd_arguments() -> None:
    data = b"2 7:kubectl 3:a b 3:x\ny\n" + "1 3:git 3:ü!\n".encode()
    assert parse_calls(data) == [("kubectl", "a b", "x\ny"), ("git", "ü!")]


@pytest.mark.parametrize("case", SCRIPT_CASES, ids=[case_id(c) for c in SCRIPT_CASES])
def test_case_scripts_behave_in_the_sandbox(case: Path, sandboxed) -> None:
    from runbookc.scripts.sandbox import run_sandbox

    scripts, symptoms = _plan(case)
    found = run_sandbox(scripts, CONFIG, {s.doc_id: symptoms for s in scripts})
    assert [d for d in found if d.code in ("RB412", "RB413")] == []


def _run_on_a_terminal(box: Sandbox, script: Script, answer: bytes) -> tuple[int, str, tuple]:
    """Run with a pseudo-terminal as stdin and type `answer` at the prompt."""
    import os
    import pty

    from runbookc.scripts.sandbox import parse_calls

    target = box.work / script.file_name
    target.write_text(script.text, "utf-8")
    calls = box.root / "tty-calls.txt"
    calls.write_bytes(b"")
    primary, secondary = pty.openpty()
    try:
        os.write(primary, answer)
        done = subprocess.run(
            box.command([box.bash, str(target)]),
            stdin=secondary,
            capture_output=True,
            text=True,
            env=box.env(script, "empty", calls),
            check=False,
            timeout=60,
        )
    finally:
        os.close(primary)
        os.close(secondary)
    block_calls = (c for c in parse_calls(calls.read_bytes()) if not is_lookup(c))
    return done.returncode, done.stderr, tuple(block_calls)


@pytest.mark.parametrize(("answer", "code", "ran"), [(b"yes\n", 0, True), (b"y\n", 3, False)])
def test_mutating_step_asks_on_a_terminal(sandboxed, tmp_path, answer, code, ran) -> None:
    scripts, symptoms = _plan(ROOT / "runbooks" / "ops" / "registry_mirror_degraded_runbook.md")
    box = Sandbox(tmp_path, CONFIG, symptoms)
    status, stderr, calls = _run_on_a_terminal(box, scripts[3], answer)
    assert "this step changes the system: kubectl rollout restart" in stderr
    shown = "kubectl -n codex-k8s-prod rollout restart deploy/codex-k8s-registry-mirror"
    assert f"It will run:\n  {shown}\n" in stderr
    assert 'Type "yes" to run it' in stderr
    assert status == code
    assert bool(calls) is ran


def _corpus_scripts() -> list[tuple[Script, list[str]]]:
    found = []
    for path in sorted((ROOT / "runbooks").rglob("*.md")) + SCRIPT_CASES:
        scripts, symptoms = _plan(path)
        found += [(s, symptoms) for s in scripts if not blockers(s, CONFIG)]
    return found


@pytest.mark.parametrize("scenario", ["empty", "symptoms"])
def test_scripts_run_exactly_what_their_blocks_run(sandboxed, tmp_path, scenario) -> None:
    """The block pasted into bash and its script, side by side with the same stubs."""
    compared = 0
    for index, (script, symptoms) in enumerate(_corpus_scripts()):
        box = Sandbox(tmp_path / str(index), CONFIG, symptoms)
        result = box.run(script, scenario)
        block = box.root / "block.sh"
        block.write_text(script.content, "utf-8")
        calls = box.root / "block-calls.txt"
        calls.write_bytes(b"")
        subprocess.run(
            box.command([box.bash, str(block)]),
            env=box.env(script, scenario, calls),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=60,
        )
        recorded = tuple(c for c in parse_calls(calls.read_bytes()) if not is_lookup(c))
        assert result.calls == recorded, script.file_name
        compared += 1
    assert compared >= 20


def test_programs_that_run_others_must_be_allowed_too(tmp_path) -> None:
    script = _block_script(tmp_path, "kubectl get pods\nnohup kubectl get nodes\n")
    found = blockers(script, CONFIG)
    assert [(d.code, d.message.split("`")[1]) for d in found] == [("RB414", "nohup")]


def test_an_unquoted_unknown_expansion_matches_any_number_of_words() -> None:
    from runbookc.scripts.sandbox.expectations import ANY_REST, _argv_match

    want = ("kubectl", "describe", ANY_REST)
    assert _argv_match(("kubectl", "describe"), want)
    assert _argv_match(("kubectl", "describe", "pod/a", "pod/b"), want)
    assert not _argv_match(("kubectl", "get", "pod/a"), want)
    assert not _argv_match(("kubectl", "describe", "x"), ("kubectl", "describe"))


def _block_script(tmp_path: Path, block: str) -> Script:
    path = tmp_path / "rb.md"
    front = case("RB412", "pass").read_text("utf-8").split("\n# Script case")[0]
    path.write_text(front + "\n# Case\n\n## Diagnosis\n1) Look:\n\n```bash\n" + block + "```\n")
    scripts, _ = _plan(path)
    assert len(scripts) == 1
    return scripts[0]


@pytest.mark.parametrize(
    ("block", "code"),
    [
        ('NS=$(kubectl get ns -o name)\nkubectl get pods -n "$NS"\n', 1),
        ('NS=$(kubectl get ns -o name | tail -n 1)\nkubectl get pods -n "$NS"\n', None),
        ('NS="$(kubectl get ns -o name)-x"\nkubectl get pods\n', 1),
        ("export NS=$(kubectl get ns -o name)\nkubectl get pods\n", None),
        ('kubectl logs "$(kubectl get pod -o name | head -n 1)"\n', 1),
    ],
    ids=["substitution", "ends-in-tail", "in-a-word", "export", "outer-stage"],
)
def test_a_failing_stub_fails_the_step_only_where_bash_passes_its_status_on(
    tmp_path, block, code
) -> None:
    """bash gives `NAME=$(cmd)` (alone) the status of the substitution's last stage; one
    ending in another tool, or an `export` (whose own status counts), drops it."""
    script = _block_script(tmp_path, block)
    assert expectations(script, CONFIG, [])["fail"].code == code


def test_a_run_that_ended_otherwise_is_one_finding(box, tmp_path) -> None:
    """The calls of a run that stopped early differ from the block's: the exit status
    already says the run went another way (RB412), so RB413 does not repeat it."""
    script = _block_script(tmp_path, "kubectl get pods\nkubectl get nodes\n")
    stops = replace(script, text=script.text.replace("rb_at 1\n", "exit 3\nrb_at 1\n"))
    found = check(stops, box.run(stops, "empty"), expectations(script, CONFIG, [])["empty"])
    assert [d.code for d in found] == ["RB412"]


def test_every_tool_the_knowledge_base_knows_has_a_stub_by_default(tmp_path, box) -> None:
    """Host tools, read-only or not, are stubs (never the host's binary); a tool nothing
    knows still blocks the run (RB414)."""
    block = (
        "systemctl status kubelet\njournalctl -u kubelet --no-pager\ndf -h /var\nps aux\n"
        "virtctl guestfs my-vm\nip addr show\npodman images\n"
    )
    script = _block_script(tmp_path, block)
    assert blockers(script, CONFIG) == []
    wanted = expectations(script, CONFIG, [])
    for scenario in SCENARIOS:
        result = box.run(script, scenario)
        assert check(script, result, wanted[scenario]) == [], scenario
    assert [call[0] for call in box.run(script, "empty").calls] == [
        *("systemctl", "journalctl", "df", "ps", "virtctl", "ip", "podman")
    ]
    unknown = _block_script(tmp_path, "frobctl status\n")
    assert [d.code for d in blockers(unknown, CONFIG)] == ["RB414"]


def test_the_stub_setting_replaces_the_default_stubs(tmp_path) -> None:
    (tmp_path / "runbookc.toml").write_text('[scripts]\nstub = ["kubectl"]\n', "utf-8")
    config = script_settings(load_settings(str(tmp_path / "runbookc.toml")))
    assert config.stubs == {"kubectl"}
    assert {"df", "systemctl", "virtctl", "rm"} <= CONFIG.stubs
    assert not CONFIG.stubs & {"grep", "awk", "mawk", "gawk", "cd", "kill", "echo"}


def test_a_runner_runs_the_stub_of_its_command(tmp_path, box) -> None:
    """sudo, timeout, nice are stubs that run the command after their own flags, so the
    command's stub records the call the block shows, and nothing runs with privileges."""
    block = (
        "sudo -u root systemctl restart kubelet\ntimeout -s KILL 5 kubectl get pods\n"
        "nice -n 5 df -h\n"
    )
    script = _block_script(tmp_path, block)
    result = box.run(script, "empty")
    assert result.calls == (
        ("systemctl", "restart", "kubelet"),
        ("kubectl", "get", "pods"),
        ("df", "-h"),
    )
    assert blockers(script, CONFIG) == []  # `root` is sudo's user, not a tool to stub
    alone = _block_script(tmp_path, "sudo -l\n")
    assert box.run(alone, "empty").calls == (("sudo", "-l"),)


@pytest.mark.parametrize("flags", ["-r", "--no-run-if-empty", "-n 1", "-L1", "-I{}"])
def test_xargs_whose_input_decides_how_often_it_runs_is_not_predicted(tmp_path, box, flags) -> None:
    """`... | xargs -r kubectl delete` calls nothing when the stub prints nothing: the
    block does not say how many calls there are, so no scenario expects a number."""
    script = _block_script(tmp_path, f"kubectl get pods -o name | xargs {flags} kubectl delete\n")
    wanted = expectations(script, CONFIG, SEED_SYMPTOMS)
    for scenario in SCENARIOS:
        result = box.run(script, scenario)
        assert check(script, result, wanted[scenario]) == [], scenario
    assert wanted["empty"].calls is None


def test_plain_xargs_runs_its_command_once_and_that_is_checked(tmp_path) -> None:
    script = _block_script(tmp_path, "kubectl get pods -o name | xargs kubectl delete\n")
    assert expectations(script, CONFIG, [])["empty"].calls == (
        ("kubectl", "get", "pods", "-o", "name"),
        ("kubectl", "delete"),
    )


def test_one_isolated_run_gives_each_scenario_its_own_result(box) -> None:
    """The three scenarios run one after the other in one bwrap: each still gets its own
    calls, status and output, the same as a run of that scenario alone."""
    for script in SEED_SCRIPTS:
        together = box.run_scenarios(script, SCENARIOS)
        wanted = expectations(script, CONFIG, SEED_SYMPTOMS)
        for scenario in SCENARIOS:
            alone = box.run(script, scenario)
            assert together[scenario].calls == alone.calls
            assert together[scenario].code == alone.code
            assert check(script, together[scenario], wanted[scenario]) == []


def test_a_function_the_block_defines_is_no_unknown_tool(tmp_path) -> None:
    """Its commands are the block's own (each checked); a program named by an expansion
    cannot be known: the script is skipped for that (RB415), not for an unknown tool."""
    block = 'snap() {\n  kubectl get pods -n "$1"\n}\nsnap prod\n'
    assert blockers(_block_script(tmp_path, block), CONFIG) == []
    runs = 'run() {\n  "$@" >out.txt\n}\nrun kubectl get pods\n'
    found = blockers(_block_script(tmp_path, runs), CONFIG)
    assert [(d.code, d.message.split("`")[1]) for d in found] == [("RB415", "$@")]


def test_sleep_returns_at_once_in_the_sandbox(tmp_path, box) -> None:
    """A block that waits (`sleep 1h` for a rollout) runs its scenarios without waiting:
    no verdict depends on it. Were the real sleep run, the run would not finish within the
    sandbox's TIMEOUT and `box.run` would raise."""
    script = _block_script(tmp_path, "kubectl rollout restart deploy/web\nsleep 1h\n")
    wanted = expectations(script, CONFIG, [])
    for scenario in SCENARIOS:
        result = box.run(script, scenario)
        assert check(script, result, wanted[scenario]) == [], scenario
    assert box.run(script, "empty").calls == (("kubectl", "rollout", "restart", "deploy/web"),)
    refused = box.run(_block_script(tmp_path, "sleep a-while\n"), "empty")
    assert refused.code == 1 and "sleep: invalid time interval a-while" in refused.stderr
