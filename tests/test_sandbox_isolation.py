"""The sandbox is a wall, not a PATH: the escapes of issue 15 never reach a host program.

Each escape is probed with a recording trap, never a real tool: a `kubectl` and a `git`
that append to a log on the host, in a folder on the PATH `runbookc test` is given and
named by the block itself. After the run the log must not exist (the sandbox cannot write
there anyway, so each test also sees the stub's call record or a clean report, which only
the stub, not a missing program, gives).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.isolation import host_copies
from runbookc.scripts.sandbox import Sandbox
from runbookc.scripts.sandbox.blockers import blockers
from runbookc.scripts.script import Script
from runbookc.scripts.settings import script_settings
from scriptcases import front_matter

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))
CONFIG = script_settings(SETTINGS)


@dataclass
class Trap:
    folder: Path
    log: Path


@pytest.fixture
def trap(tmp_path, monkeypatch) -> Trap:
    folder = tmp_path / "trap"
    folder.mkdir()
    log = tmp_path / "trap.log"
    for tool in ("kubectl", "git"):
        program = folder / tool
        program.write_text(f'#!/bin/sh\necho "TRAP $0 $*" >>{log}\n', "utf-8")
        program.chmod(0o755)
    (folder / "file").write_text(f"{folder}/kubectl get pods\n", "utf-8")
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return Trap(folder, log)


def _doc(tmp_path: Path, block: str) -> Path:
    path = tmp_path / "rb.md"
    body = "\n## Diagnosis\n1) Look:\n\n```bash\n" + block + "\n```\n"
    path.write_text(front_matter() + body, "utf-8")
    return path


def _script(tmp_path: Path, block: str) -> Script:
    document = compile_document(_doc(tmp_path, block), "rb.md", SETTINGS).document
    assert document is not None
    scripts, _ = plan_scripts(document, SETTINGS)
    return scripts[0]


ESCAPES = {
    "path-assignment": "PATH={trap} kubectl get pods",
    "path-prepended": "PATH={trap}:$PATH kubectl get pods",
    "hash-p": "hash -p {trap}/kubectl kubectl\nkubectl get pods",
    "env-path": "env PATH={trap} kubectl get pods",
}


@pytest.mark.parametrize("block", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_block_that_names_another_kubectl_runs_the_stub(
    cli, sandboxed, trap, tmp_path, block
) -> None:
    path = _doc(tmp_path, block.format(trap=trap.folder))
    result = cli("test", str(path), "--format", "json")
    assert not trap.log.exists(), trap.log.read_text("utf-8")
    # no error: the stub recorded `kubectl get pods` in all three scenarios (a kubectl
    # that is not found exits 127 and records nothing: RB412 and RB413)
    assert _errors(result) == [], result.out
    assert result.code == 0


def _errors(result) -> list[str]:
    return [d["code"] for d in result.json()["diagnostics"] if d["severity"] == "error"]


def test_command_p_reaches_the_stub_and_creates_nothing_outside(cli, sandboxed, tmp_path) -> None:
    outside = tmp_path / "outside"
    path = _doc(tmp_path, f"command -p git init {outside}")
    # `git init` changes the system: under Diagnosis it would be an RB403 error
    path.write_text(path.read_text("utf-8").replace("## Diagnosis", "## Mitigation"), "utf-8")
    result = cli("test", str(path), "--format", "json")
    assert not outside.exists()
    assert _errors(result) == [], result.out  # the stub recorded `git init ...`
    assert result.code == 0


@pytest.mark.parametrize(
    ("block", "why"),
    [
        (". {trap}/file", "`.` runs the commands of a file"),
        ("source {trap}/file", "`source` runs the commands of a file"),
        ("awk 'BEGIN{{system(\"{trap}/kubectl get pods\")}}'", "program runs commands"),
        ('awk \'BEGIN{{print "x" | "{trap}/kubectl"}}\'', "program runs commands"),
        ("awk 'BEGIN{{\"{trap}/kubectl\" | getline x}}'", "program runs commands"),
        ("awk -f {trap}/file", "`awk -f` runs a program from a file"),
    ],
    ids=["dot", "source", "awk-system", "awk-print-pipe", "awk-getline", "awk-f"],
)
def test_hidden_commands_are_a_finding_and_not_run(cli, sandboxed, trap, tmp_path, block, why):
    path = _doc(tmp_path, block.format(trap=trap.folder))
    result = cli("test", str(path), "--format", "json")
    skipped = [d for d in result.json()["diagnostics"] if d["code"] == "RB415"]
    fence = path.read_text("utf-8").split("\n").index("```bash") + 1
    assert [d["line"] for d in skipped] == [fence + 1], result.out
    assert why in skipped[0]["message"]
    assert _errors(result) == []  # the sandbox did not run it, so nothing else failed
    assert not trap.log.exists()


def test_awk_that_runs_no_commands_is_still_run() -> None:
    from runbookc.scripts.sandbox.blockers import _hidden_commands
    from runbookc.scripts.shellparse import parse_block

    block = "kubectl get pods | awk '/a|b/ && $1 != \"x\" || NR == 1 {print $1; n++}'\n"
    commands = [c for u in parse_block(block).units for c in u.commands]
    assert [c.tool for c in commands] == ["kubectl", "awk"]
    assert [_hidden_commands(c) for c in commands] == ["", ""]


def test_awk_system_inside_the_wall_reaches_the_stub(sandboxed, trap, tmp_path) -> None:
    """Even run (blockers bypassed), awk's system() of a trap path gets the stub."""
    script = _script(tmp_path, f"awk 'BEGIN{{system(\"{trap.folder}/kubectl get pods\")}}'")
    assert [d.code for d in blockers(script, CONFIG)] == ["RB415"]
    box = Sandbox(tmp_path / "box", CONFIG, [])
    result = box.run(script, "empty")
    assert not trap.log.exists()
    assert result.calls == (("kubectl", "get", "pods"),)


def test_the_network_is_unreachable(sandboxed, tmp_path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        script = _script(tmp_path, f"exec 3<>/dev/tcp/127.0.0.1/{port}\necho connected")
        result = Sandbox(tmp_path / "box", CONFIG, []).run(script, "empty")
        server.setblocking(False)
        with pytest.raises(BlockingIOError):  # the handshake would have queued a connection
            server.accept()[0].close()
    assert "Connection refused" in result.stderr  # the sandbox's own, empty loopback


def test_the_host_is_read_only_but_the_work_dir_is_writable(sandboxed, tmp_path) -> None:
    outside = tmp_path / "outside"
    script = _script(
        tmp_path,
        f"echo x > {outside}.txt || true\nmkdir {outside} || true\necho ok > here.txt",
    )
    box = Sandbox(tmp_path / "box", CONFIG, [])
    result = box.run(script, "empty")
    assert not outside.exists() and not Path(f"{outside}.txt").exists()
    assert (box.work / "here.txt").read_text("utf-8") == "ok\n", result.stderr


def test_stubs_and_symptoms_are_read_only_inside(sandboxed, tmp_path) -> None:
    script = _script(tmp_path, "echo x > ../stubs/kubectl || true\necho x > ../symptoms.txt")
    box = Sandbox(tmp_path / "box", CONFIG, ["a symptom"])
    result = box.run(script, "empty")
    assert (box.stubs / "kubectl").read_text("utf-8").startswith("#!")
    assert box.symptoms.read_text("utf-8") == "a symptom\n"
    assert "Read-only file system" in result.stderr


def test_host_copies_follow_links_and_find_versioned_siblings(tmp_path) -> None:
    sdk = tmp_path / "sdk" / "bin"
    sdk.mkdir(parents=True)
    for name in ("kubectl", "kubectl.1.33", "kubectl-other"):
        (sdk / name).write_text("#!/bin/sh\n", "utf-8")
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "kubectl").symlink_to(sdk / "kubectl")
    found = host_copies("kubectl", f"relative/dir{os.pathsep}{on_path}")
    mine = [p for p in found if p.startswith(str(tmp_path))]
    assert mine == [str(sdk / "kubectl"), str(sdk / "kubectl.1.33")]


def test_a_stub_over_a_program_the_sandbox_needs_is_refused(sandboxed, tmp_path) -> None:
    from dataclasses import replace

    with pytest.raises(RuntimeError, match="stubbing bash would replace"):
        Sandbox(tmp_path, replace(CONFIG, stubs=CONFIG.stubs | {"bash"}), [])


def _bin_without_bwrap(tmp_path: Path, bwrap: str | None = None) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "bash").symlink_to(os.path.realpath("/bin/bash"))
    if bwrap is not None:
        (folder / "bwrap").write_text(bwrap, "utf-8")
        (folder / "bwrap").chmod(0o755)
    return folder


@pytest.mark.parametrize(
    ("fake", "message"),
    [
        (None, "bubblewrap (bwrap) is not on PATH"),
        ("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n", ""),
    ],
    ids=["missing", "failing"],
)
def test_without_a_working_bwrap_test_refuses_to_run_blocks(
    cli, in_root, tmp_path, monkeypatch, fake, message
) -> None:
    monkeypatch.setenv("PATH", str(_bin_without_bwrap(tmp_path, fake)))
    result = cli("test", "runbooks/ops/ai_slot_build_runbook.md")
    assert result.code == 2
    assert result.out == ""
    assert "refusing to run the blocks without isolation" in result.err
    assert message in result.err
    if fake:
        assert "cannot start a sandbox here: bwrap: No permissions" in result.err
    assert "apt-get install bubblewrap" in result.err
    assert "--no-sandbox" in result.err
    assert "Traceback" not in result.err


def test_no_sandbox_runs_the_static_checks_without_bwrap(
    cli, in_root, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("PATH", str(_bin_without_bwrap(tmp_path)))
    result = cli(
        "test", "runbooks/ops/ai_slot_build_runbook.md", "--no-sandbox", "--format", "json"
    )
    assert result.code == 0, result.err
    assert {d["code"] for d in result.json()["diagnostics"]} == {"RB404"}


def test_run_sandbox_never_falls_back_to_path_alone(tmp_path, monkeypatch) -> None:
    from runbookc.scripts.isolation import IsolationUnavailable
    from runbookc.scripts.sandbox import run_sandbox

    script = _script(tmp_path, "kubectl get pods")
    monkeypatch.setenv("PATH", str(_bin_without_bwrap(tmp_path)))
    with pytest.raises(IsolationUnavailable):
        run_sandbox([script], CONFIG, {})


def test_a_real_tool_under_a_hidden_folder_still_runs(sandboxed, tmp_path, monkeypatch) -> None:
    """/tmp is empty inside, but an allowed real tool found there (through a link) is shown."""
    from dataclasses import replace

    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "greet-1.0").write_text("#!/bin/sh\necho hello from greet\n", "utf-8")
    (tools / "greet-1.0").chmod(0o755)
    on_path = tmp_path / "bin"
    on_path.mkdir()
    (on_path / "greet").symlink_to(tools / "greet-1.0")
    monkeypatch.setenv("PATH", f"{on_path}{os.pathsep}{os.environ['PATH']}")
    config = replace(CONFIG, real_tools=(*CONFIG.real_tools, "greet"))
    script = _script(tmp_path, "greet")
    result = Sandbox(tmp_path / "box", config, []).run(script, "empty")
    assert result.code == 0, result.stderr
    assert "hello from greet" in result.stdout
