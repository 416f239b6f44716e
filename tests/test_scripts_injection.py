"""Nothing the front matter says runs: its strings reach a generated script only as quoted
data or inside comments, whatever newlines they hold. A line such as
`echo x >"$HOME/pwned"` in an approval request id or a title must stay text. (Lint refuses
a request id of more than one line, and extract holds such a document's scripts back; the
scripts are rendered here all the same, as a second line of defence.)

Runs inside bubblewrap with a recording stub `kubectl`, as
tests/test_scripts_environment.py does."""

from __future__ import annotations

import pytest
from conftest import require_sandbox
from scriptcases import front_matter
from test_scripts_environment import Bench

STUB = """#!{bash} -p
printf '%s\\n' "${{0##*/}} $*" >>"$STUB_CALLS"
exit 0
"""
BODY = "## Diagnosis\n1) Pods:\n\n```bash\nkubectl get pods\n```\n"
PAYLOAD = '\\necho x >\\"$HOME/pwned\\" #'  # YAML: a newline, then a command (a builtin)


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    return Bench(tmp_path, STUB)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"issue-1-test"', f'"issue-1{PAYLOAD}"'),  # the approval line
        ('title: "Script case"', f'title: "Script case{PAYLOAD}"'),
    ],
    ids=["request_id", "title"],
)
def test_a_front_matter_string_never_runs(bench, old: str, new: str) -> None:
    front = front_matter()
    assert old in front
    (script,) = bench.scripts(BODY, front.replace(old, new))
    step = bench.write(script)
    for argv in (["--help"], ["--dry-run"], []):
        bench.run(step, *argv)
    assert not (bench.root / "pwned").exists()
