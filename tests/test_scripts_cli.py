"""Whole-CLI runs of `runbookc test` and the static checks it maps back to the runbook."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SEED
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.extract import plan_scripts, render_outputs
from runbookc.scripts.shellcheck import check_scripts, check_syntax, shellcheck_binary
from scriptcases import SCRIPT_CASES, case_id, front_matter

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))


def test_runbookc_test_on_the_seed_is_clean_but_warns_about_or_true(
    cli, in_root, sandboxed
) -> None:
    result = cli("test", str(SEED.relative_to(ROOT)), "--format", "json")
    assert result.code == 0, result.out
    report = result.json()
    codes = sorted({d["code"] for d in report["diagnostics"]})
    assert codes == ["RB404"]  # bash -n, shellcheck and all 18 sandbox runs found nothing
    assert report["summary"]["errors"] == 0


def test_strict_turns_the_warnings_into_errors_and_extract_writes_nothing(
    cli, in_root, tmp_path
) -> None:
    result = cli(
        "extract", str(SEED.relative_to(ROOT)), "--strict", "--output", str(tmp_path / "o")
    )
    assert result.code == 1
    assert "RB404 error" in result.out
    assert not (tmp_path / "o").exists()


def test_runbookc_test_on_the_shipped_corpus(cli, in_root, sandboxed) -> None:
    result = cli("test", "runbooks", "--format", "json")
    assert result.code == 0, result.out
    found = {(d["code"], d["path"], d["line"]) for d in result.json()["diagnostics"]}
    assert found == {
        ("RB404", "runbooks/ops/ai_slot_build_runbook.md", 70),
        ("RB404", "runbooks/ops/ai_slot_build_runbook.md", 112),
    }


def test_a_block_that_writes_outside_its_directory_is_not_sandboxed(
    cli, tmp_path, sandboxed
) -> None:
    path = _doc(tmp_path, 'ns="x"\nkubectl -n "$ns" get deploy -o yaml > "/tmp/snap.yaml"\n')
    fence = path.read_text("utf-8").split("\n").index("```bash") + 1
    result = cli("test", str(path), "--format", "json")
    found = [(d["code"], d["line"]) for d in result.json()["diagnostics"]]
    assert ("RB415", fence + 2) in found  # the line of the command that writes


def _doc(tmp_path: Path, block: str) -> Path:
    front = front_matter()
    path = tmp_path / "rb.md"
    path.write_text(front + "\n## Diagnosis\n1) Look:\n\n```bash\n" + block + "```\n", "utf-8")
    return path


def test_shellcheck_findings_point_at_the_runbook_line(tmp_path) -> None:
    assert shellcheck_binary() is not None
    path = _doc(tmp_path, 'pods="$(kubectl get pods -o name)"\nkubectl describe $pods\n')
    document = compile_document(path, "rb.md", SETTINGS).document
    scripts, _ = plan_scripts(document, SETTINGS)
    found = check_scripts(scripts, tmp_path / "out")
    text = path.read_text("utf-8").split("\n")
    assert [(d.code, d.line) for d in found] == [
        ("RB411", text.index("kubectl describe $pods") + 1)
    ]
    assert found[0].message.startswith("SC2086 (info): ")
    assert found[0].column == 18
    assert "(in generated code)" not in found[0].message


@pytest.mark.parametrize(
    ("block", "offset", "message"),
    [
        ("kubectl get pods\nfi fi\n", 2, "syntax error near unexpected token `fi'"),
        ("kubectl get pods\ncase x in\n", 2, "syntax error: unexpected end of file"),
        ('kubectl get pods\necho "open\nkubectl get jobs\n', 2, "looking for matching `\"'"),
        ("if true; then\n  kubectl get pods\n", 2, "syntax error: unexpected end of file"),
        ("kubectl get pods; echo You've\n", 1, "looking for matching `''"),
        ("exit\necho it's\n", 2, "looking for matching `''"),
    ],
    ids=["stray-fi", "open-case", "open-quote", "open-if", "open-after-a-list", "open-after-exit"],
)
def test_one_bash_syntax_error_is_one_diagnostic_at_its_runbook_line(
    tmp_path, block, offset, message
) -> None:
    """bash -n prints two or three lines for one error, and an error the block leaves open
    surfaces in the generated code after it: still one diagnostic, on a line of the block."""
    path = _doc(tmp_path, block)
    fence = path.read_text("utf-8").split("\n").index("```bash") + 1
    document = compile_document(path, "rb.md", SETTINGS).document
    scripts, diagnostics = plan_scripts(document, SETTINGS)
    assert [d.code for d in diagnostics] == ["RB408"]  # the shell parser cannot read it either
    kept, found = check_syntax(scripts)
    assert kept == []  # a script bash cannot read is not written
    assert [(d.code, d.path, d.line) for d in found] == [("RB410", "rb.md", fence + offset)]
    assert message in found[0].message
    assert found[0].message.endswith("; the script is not written")
    assert "(in generated code)" not in found[0].message


def test_bash_n_runs_in_batches_with_the_verdicts_of_one_run_per_script(
    tmp_path, monkeypatch
) -> None:
    """A bash per batch of scripts, not a process per script from Python; a script bash
    rejects still gets its own run for the error's line. The shell driving a batch does
    not source what BASH_ENV names (a `bash -n` never does)."""
    from runbookc.scripts import shellcheck

    good, _ = plan_scripts(compile_document(SEED, "seed.md", SETTINGS).document, SETTINGS)
    bad, _ = plan_scripts(
        compile_document(_doc(tmp_path, "fi fi\n"), "rb.md", SETTINGS).document, SETTINGS
    )
    scripts = [*good[:5], *bad, *good[5:]]
    alone = [check_syntax([script], jobs=1) for script in scripts]
    trap = tmp_path / "startup.sh"
    trap.write_text(f"touch {tmp_path / 'sourced'}\n", "utf-8")
    monkeypatch.setenv("BASH_ENV", str(trap))
    started: list[list[str]] = []
    run = subprocess.run

    def counting(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        started.append(argv)
        return run(argv, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(shellcheck.subprocess, "run", counting)
    kept, found = check_syntax(scripts, jobs=2)
    assert kept == [s for s, (ok, _) in zip(scripts, alone, strict=True) if ok]
    assert found == [d for _, errors in alone for d in errors]
    assert [d.code for d in found] == ["RB410"] and len(kept) == len(good) > 2
    assert len(started) <= 2 + 2  # two batches, then bash -n on the rejected script alone
    assert not (tmp_path / "sourced").exists()


def test_a_batch_names_what_parsed_by_whole_file_names(tmp_path) -> None:
    """A file name (a doc_id from front matter) may hold a newline: the batch's answer must
    not read `ok<newline>x` parsing as `x` parsing."""
    from runbookc.scripts import shellcheck

    (tmp_path / "x").write_text("if true; then\n", "utf-8")  # bash -n rejects it
    (tmp_path / "ok\nx").write_text("true\n", "utf-8")
    bash = shutil.which("bash") or "bash"
    assert shellcheck._parsing(bash, tmp_path, ["x", "ok\nx"]) == {"ok\nx"}


def test_lint_reports_the_static_script_findings_in_every_format(cli, in_root) -> None:
    seed = str(SEED.relative_to(ROOT))
    text = cli("lint", seed)
    assert "ai_slot_build_runbook.md:70:83: RB404 warning" in text.out
    github = cli("lint", seed, "--format", "github")
    assert "::warning file=runbooks/ops/ai_slot_build_runbook.md,line=70" in github.out
    sarif = cli("lint", seed, "--format", "sarif")
    assert '"ruleId": "RB404"' in sarif.out


@pytest.mark.parametrize("case", SCRIPT_CASES, ids=[case_id(c) for c in SCRIPT_CASES])
def test_generated_code_is_clean_for_every_case(case, tmp_path) -> None:
    document = compile_document(case, case.name, SETTINGS).document
    scripts, _ = plan_scripts(document, SETTINGS)
    kept, found = check_syntax(scripts)
    assert found == []
    found = check_scripts(kept, tmp_path)
    assert [d for d in found if "(in generated code)" in d.message] == []


@pytest.mark.parametrize(
    ("command", "value", "floor"),
    [("test", "0", 1), ("test", "-3", 1), ("test", "two", 1), ("lint", "-3", 0)],
)
def test_a_bad_job_count_is_a_usage_error(cli, in_root, command, value, floor) -> None:
    result = cli(command, "--jobs", value)
    assert result.code == 2
    assert f"argument --jobs/-j: expected a whole number >= {floor}, got '{value}'" in result.err
    assert "Traceback" not in result.err and result.out == ""


def test_runbook_text_in_the_generated_code_stays_literal(tmp_path) -> None:
    """Titles, paths and changes go into comments and single-quoted strings: a newline
    must not end the comment (the rest would run), and ShellCheck must not read `$`, a
    backquote or a curly quote there as a mistake. Steps and run.sh are checked whole."""
    folder = tmp_path / "it\u2019s $HOME"
    folder.mkdir()
    path = _doc(
        folder,
        "kubectl get pods; echo\n"
        "\"${TOOLS:-.}/cleanup\" --note 'restarted\nrun-me-if-you-can' --all\n"
        "exit\nkubectl get nodes\n",
    )
    text = path.read_text("utf-8").replace("1) Look:", "1) Look at the app\u2019s `$STATUS`:")
    path.write_text(text, "utf-8")
    document = compile_document(path, f"{folder.name}/rb.md", SETTINGS).document
    scripts, _ = plan_scripts(document, SETTINGS)
    assert scripts and all(s.mutating for s in scripts)
    files = render_outputs(scripts)
    for name, body in files.items():
        if name.endswith(".sh"):
            header = body.split("\n# Plain sh cannot run this;")[0].splitlines()
            assert all(line.startswith("#") or not line for line in header), name
            (tmp_path / "out" / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "out" / name).write_text(body, "utf-8")
    written = sorted(str(p) for p in (tmp_path / "out").rglob("*.sh"))
    assert len(written) == len(scripts) + 1  # the steps and run.sh
    binary = shellcheck_binary()
    assert binary is not None
    done = subprocess.run(
        [binary, "--shell=bash", "--format=gcc", *written], capture_output=True, text=True
    )
    blocks = [f":{n}:" for s in scripts for n, at in enumerate(s.line_map, 1) if at > 0]
    generated = [f for f in done.stdout.splitlines() if not any(b in f for b in blocks)]
    assert generated == []
    for name in written:
        assert subprocess.run(["bash", "-n", name], capture_output=True).returncode == 0
