"""A step that calls kubectl says where it acts before it runs anything: the kubeconfig's
current context, cluster and user, read locally by `kubectl config view --minify` (a stub
here, never the real kubectl), in its output and in its confirmation prompt.

Runs inside bubblewrap with a recording stub `kubectl`, as
tests/test_scripts_environment.py does."""

from __future__ import annotations

import pytest
from conftest import require_sandbox
from runbookc.scripts.target import LOOKUP_ARGS
from test_scripts_environment import TARGET_LOOKUP, Bench

# `config view` answers as kubectl does for a kubeconfig with a current context.
STUB = """#!{bash} -p
printf '%s\\n' "${{0##*/}} $*" >>"$STUB_CALLS"
[[ $1 == config ]] && printf 'prod-admin (cluster prod-eu, user admin)'
exit 0
"""

BLOCK = "## Diagnosis\n1) Pods:\n\n```bash\nkubectl get pods\n```\n"


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    bench = Bench(tmp_path, STUB)
    return bench


def test_the_step_names_its_kube_context_cluster_and_user_first(bench) -> None:
    (script,) = bench.scripts(BLOCK)
    done = bench.run(bench.write(script))
    assert done.returncode == 0, done.stderr
    assert "01-pods.sh: kube context prod-admin (cluster prod-eu, user admin)\n" in done.stderr
    assert done.stderr.index("kube context") < done.stderr.index("+ kubectl get pods")
    recorded = bench.calls.read_text("utf-8").splitlines()
    assert recorded == [
        TARGET_LOOKUP + LOOKUP_ARGS[-1].removeprefix("jsonpath="),
        "kubectl get pods",
    ]


def test_dry_run_names_the_target_too_and_calls_nothing_else(bench) -> None:
    (script,) = bench.scripts(BLOCK)
    done = bench.run(bench.write(script), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "kube context prod-admin (cluster prod-eu, user admin)" in done.stderr
    assert bench.called() == []


def test_no_current_context_is_said_so(bench) -> None:
    bench.stub_kubectl(STUB.replace("exit 0", "exit 1"))
    (script,) = bench.scripts(BLOCK)
    done = bench.run(bench.write(script), "--dry-run")
    assert "kube context unknown (the kubeconfig names no current context)" in done.stderr
