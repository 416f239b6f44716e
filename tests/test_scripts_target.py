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


MITIGATION = "## Mitigation\n1) Restart:\n\n```bash\n{}\n```\n"


def test_a_step_whose_commands_pick_their_own_target_says_so(bench) -> None:
    """The current context is not where `--context` sends a command: shown alone, it
    would be confirmed by an engineer who believes it."""
    block = MITIGATION.format("kubectl --context prod-us -n web rollout restart deploy/web")
    (script,) = bench.scripts(block)
    done = bench.run(bench.write(script), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert (
        "kube context prod-admin (cluster prod-eu, user admin) (the kubeconfig's current one;"
        " these commands pick their own: --context prod-us)\n"
    ) in done.stderr
    assert bench.called() == []


@pytest.mark.parametrize(
    ("commands", "own"),
    [
        ("kubectl get pods", ()),
        ("kubectl get pods | grep --context=3 OOMKilled", ()),  # grep's option, not kubectl's
        (
            'kubectl --context "$ctx" get pods\nkubectl --context "$ctx" get nodes',
            ("--context $ctx",),
        ),
        ("oc --server=https://api.x:6443 get nodes", ("--server https://api.x:6443",)),
        ("kubectl get pods --kubeconfig /etc/k.conf", ("--kubeconfig /etc/k.conf",)),
        ("export KUBECONFIG=/etc/k.conf\nkubectl get pods", ("KUBECONFIG=/etc/k.conf",)),
        ("KUBECONFIG=/etc/k.conf\nkubectl get pods", ("KUBECONFIG=/etc/k.conf",)),
        ("KUBECONFIG=/etc/k.conf kubectl get pods", ("KUBECONFIG=... on a kubectl line",)),
        ("kubectl config use-context prod\nkubectl get pods", ("config use-context prod",)),
        ("sudo kubectl get pods", ("sudo on a kubectl line (that user's kubeconfig)",)),
        ("env KUBECONFIG=/etc/k.conf kubectl get pods", ("KUBECONFIG=/etc/k.conf",)),
    ],
)
def test_the_options_that_pick_a_target_are_found(bench, commands: str, own: tuple) -> None:
    from runbookc.scripts.target import own_targets

    (script,) = bench.scripts(MITIGATION.format(commands))
    assert own_targets(script) == own
    assert ("these commands pick their own" in script.text) is bool(own)
