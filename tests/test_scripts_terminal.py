"""A runbook's control characters never reach the terminal raw from a generated script: its
help, its --dry-run listing, its confirmation prompt, its remote-shell hand-offs and run.sh's
step list show them escaped (`\\x1b`), as the linter's report does. What the script runs
keeps the bytes the runbook wrote.

Runs inside bubblewrap with a recording stub `kubectl`, as
tests/test_scripts_environment.py does."""

from __future__ import annotations

import pytest
from conftest import require_sandbox
from scriptcases import front_matter
from test_scripts_environment import Bench, _extract

STUB = """#!{bash} -p
printf '%s\\n' "${{0##*/}} $*" >>"$STUB_CALLS"
[[ $1 == config ]] && printf 'prod-admin (cluster prod-eu, user admin)'
exit 0
"""

ESC, BEL, RLO = "\x1b", "\x07", "\u202e"
RUNBOOK = (
    f"## Mitigation\n1) Restart the web tier {ESC}[8mquietly:\n\n"
    "```bash\n"
    f'ns="web{ESC}[8m"\n'
    f'frobnicate "a{ESC}[31mb" -n "$ns"\n'
    f'kubectl --context "p{BEL}q" -n web rollout restart deploy/web{RLO}\n'
    "oc debug node/n1\n"
    f"chroot /host systemctl restart kubelet{ESC}[2J\n"
    "```\n"
)


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    return Bench(tmp_path, STUB)


# Its approval request id holds an escape sequence too (the approval line and banner show it).
FRONT = front_matter().replace('"issue-1-test"', '"issue-1\\e[8m"')


def test_what_a_script_prints_shows_the_runbooks_control_characters_escaped(bench) -> None:
    (script,) = bench.scripts(RUNBOOK, FRONT)
    assert f'frobnicate "a{ESC}[31mb" -n "$ns"' in script.text  # runs as written
    step = bench.write(script)
    printed = ""
    for argv in (["--help"], ["--dry-run"], ["--yes", "--dry-run"]):
        done = bench.run(step, *argv)
        assert done.returncode == 0, done.stderr
        printed += done.stdout + done.stderr
    assert "\\x1b[31mb" in printed and "p\\x07q" in printed and "\\x1b[2J" in printed
    assert "\\u202e" in printed and "\\x1b[8mquietly" in printed
    assert "issue-1\\x1b[8m" in printed  # the approval banner
    assert not {ESC, BEL, RLO} & set(printed), printed
    # all but the runbook's commands themselves: comments, help, prompts, listings
    framework, commands = script.text.split("\n# ---- the runbook's commands (", 1)
    assert not {ESC, BEL, RLO} & set(framework)
    assert ESC in commands


def test_run_sh_shows_the_steps_with_the_runbooks_control_characters_escaped(bench) -> None:
    out = bench.root / "out"
    assert _extract(bench.runbook(RUNBOOK), out) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    printed = ""
    for argv in (["--help"], ["--list"]):
        done = bench.run(folder / "run.sh", *argv)
        assert done.returncode == 0, done.stderr
        printed += done.stdout + done.stderr
    assert "\\x1b[8mquietly" in printed
    assert not {ESC, BEL, RLO} & set(printed), printed
