"""What an engineer reads before typing "yes": every variable of the commands filled in
(a parameter's value, the environment's value, or "computed when it runs" for one an earlier
command sets, as `--to-revision="$rev"`), the parameter values and the approval state, in
`--dry-run` and in the confirmation prompt.

Runs inside bubblewrap with a recording stub `kubectl` (never the real one), as
tests/test_scripts_environment.py does; the prompt needs a terminal, which `script` (util-
linux) gives the step inside the sandbox, with nothing typed.
"""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import require_sandbox
from test_scripts_environment import Bench

BLOCK = (
    "## Mitigation\n1) Roll back:\n\n```bash\n"
    'ns="web"\n'
    'rev=$(kubectl rollout history deploy/web -n "$ns" | tail -1)\n'
    'kubectl rollout undo deploy/web --to-revision="$rev" -n "$ns"\n'
    'ls "$HOME/backups" $rev\n'
    "```\n"
)


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    bench = Bench(tmp_path)
    found = shutil.which("script")
    if found is None:
        pytest.skip("util-linux `script` is not installed")
    (bench.root / "real" / "script").symlink_to(found)
    return bench


def test_dry_run_fills_in_every_variable(bench) -> None:
    (script,) = bench.scripts(BLOCK)
    done = bench.run(bench.write(script), "--dry-run", "--ns", "shop")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "# ns=shop" in lines
    assert any(line.startswith("# approval: ") for line in lines)
    assert (
        'kubectl rollout undo deploy/web --to-revision="<$rev, computed when it runs>" -n shop'
        in lines
    )
    assert f'ls "{bench.root}/backups" <$rev, computed when it runs>' in lines
    rest = "\n".join(line for line in lines if "computed when it runs" not in line)
    assert not re.search(r"\$\{?\w", rest), rest  # `$(...)` is a command, not a variable
    assert bench.called() == []


def test_the_prompt_shows_values_approval_and_what_is_computed_later(bench) -> None:
    (script,) = bench.scripts(BLOCK)
    step = bench.write(script)
    done = bench.run("script", "-qec", f"{step} --ns shop", "/dev/null")
    assert done.returncode == 3, done.stdout  # nothing typed: not confirmed
    shown = done.stdout.replace("\r\n", "\n")
    assert "this step changes the system: kubectl rollout undo" in shown
    assert "With:\n  ns=shop\nApproval: " in shown
    assert '--to-revision="<$rev, computed when it runs>" -n shop\n' in shown
    assert shown.index("Approval: ") < shown.index("It will run:") < shown.index('Type "yes"')
    assert "not confirmed; nothing was run" in shown
    assert bench.called() == []


def test_a_missing_required_value_is_refused_before_the_prompt(bench) -> None:
    body = BLOCK.replace('ns="web"\n', "")
    (script,) = bench.scripts(body)
    step = bench.write(script)
    done = bench.run("script", "-qec", f"{step}", "/dev/null")
    shown = done.stdout.replace("\r\n", "\n")
    assert done.returncode == 2, shown
    assert "--ns VALUE" in shown and 'Type "yes"' not in shown
    assert bench.called() == []
