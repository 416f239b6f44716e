"""Blocks written as terminal sessions (scripts/sessions.py): prompt lines are the commands,
the rest is output that never runs, and what is typed into a remote shell (`oc debug`,
`ssh`, `chroot`...) is handed to the operator, never run on their machine."""

from __future__ import annotations

import pytest
from runbookc.scripts.sessions import split_session
from test_scripts_environment import Bench, bench  # noqa: F401 (a fixture)


def _split(text: str, console: bool = False):
    return split_session(text.split("\n"), console)


PLAIN = {
    "comment then command": "# Check the pods\nkubectl get pods",
    "commented-out command": "# systemctl restart kubelet\nkubectl get nodes",
    "only comments": "# systemctl status kubelet",
    "promql": "# error\nrate(x[5m]) > 1",
    "dollar inside": "kubectl get pods | awk '$ 1'\n$ not a prompt after a command",
    "heredoc text": "cat <<EOF\n$ literal\nEOF",
}


@pytest.mark.parametrize("text", PLAIN.values(), ids=PLAIN.keys())
def test_a_plain_bash_block_is_not_a_session(text: str) -> None:
    assert _split(text) is None


def test_prompt_lines_are_commands_and_the_rest_is_output() -> None:
    session = _split(
        "# List them\n$ kubectl get pods\nNAME   READY\nweb-0  2/2\n\n"
        "$ kubectl get jobs \\\n    --all-namespaces\nNo resources found"
    )
    assert session is not None and session.remotes == ()
    assert session.commands == (
        ("# List them", 0),
        ("kubectl get pods", 1),
        ("", 4),
        ("kubectl get jobs \\", 5),
        ("    --all-namespaces", 6),
    )
    assert session.output == (("NAME   READY", 2), ("web-0  2/2", 3), ("No resources found", 7))


def test_a_command_continues_through_quotes_and_heredocs() -> None:
    session = _split(
        "$ kubectl patch x -p '{\n  \"a\": 1\n}'\nx patched\n"
        "$ cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF\npod/y created"
    )
    assert session is not None
    assert [i for _, i in session.commands] == [0, 1, 2, 4, 5, 6]
    assert session.output == (("x patched", 3), ("pod/y created", 7))


@pytest.mark.parametrize(
    ("text", "console", "commands"),
    [
        (
            "# systemctl status kubelet.service\n● kubelet.service",
            True,
            ["systemctl status kubelet.service"],
        ),
        ("[root@node-1 /]# cat etc/hosts\n127.0.0.1 localhost", False, ["cat etc/hosts"]),
        ("[core@node-1 ~]$ uptime\n 10:00 up", False, ["uptime"]),
        ("  $ oc get nodes\n\n  NAME  STATUS", False, ["oc get nodes", ""]),
        (
            "\u276f ocm describe cluster abc\n\nID:      abc\nState:   ready",
            False,
            ["ocm describe cluster abc", ""],
        ),
    ],
)
def test_prompts_of_every_shape(text: str, console: bool, commands: list[str]) -> None:
    session = _split(text, console)
    assert session is not None
    assert [t for t, _ in session.commands] == commands
    assert session.output


def test_a_console_block_of_prose_comments_is_not_a_root_session() -> None:
    assert _split("# Get the pods, then look", console=True) is None


OPENERS = [
    "oc debug node/worker-1",
    "oc debug node/<node> -- chroot /host",
    "kubectl debug node/x -it --image=busybox",
    "oc -n openshift-etcd rsh etcd-0",
    "oc rsh -c main pod-1",
    "kubectl exec -it web-0 -n ns -- /bin/bash",
    "kubectl exec -ti web-0 -- sh -l",
    "ssh -i key.pem core@10.0.0.1",
    "chroot /host",
    "sudo chroot /host /bin/bash",
    "toolbox",
]
ONE_SHOT = [
    "oc rsh etcd-0 etcdctl member list",
    "kubectl exec web-0 -- sh",
    "kubectl exec -it web-0 -- sh -c 'ls /'",
    "ssh core@10.0.0.1 uptime",
    "oc debug node/x -- chroot /host systemctl status kubelet",
    "chroot /host journalctl -u kubelet",
    "kubectl debug node/x --image=busybox",
]


@pytest.mark.parametrize("opener", OPENERS)
def test_the_commands_after_a_shell_opener_belong_to_the_remote_shell(opener: str) -> None:
    session = _split(
        f"$ kubectl get nodes\n$ {opener}\n# sysctl -a | grep fs.file\nfs.file-max = 9\n"
        "# Look at the limit, then leave\n# exit\n$ kubectl get events"
    )
    assert session is not None
    assert [t for t, _ in session.commands] == ["kubectl get nodes", "kubectl get events"]
    (remote,) = session.remotes
    assert (remote.opener, remote.line, remote.at) == (opener, 1, 1)
    assert remote.commands == ("sysctl -a | grep fs.file", "exit")
    assert session.output == (("fs.file-max = 9", 3),)


@pytest.mark.parametrize("command", ONE_SHOT)
def test_a_command_run_in_a_container_or_host_once_is_local(command: str) -> None:
    session = _split(f"$ {command}\n$ kubectl get events")
    assert session is not None and session.remotes == ()
    assert [t for t, _ in session.commands] == [command, "kubectl get events"]


def test_nested_shells_end_with_their_exits_or_the_block() -> None:
    session = _split(
        "$ oc debug node/x\nsh-4.4# chroot /host\nsh-4.4# crictl ps\nsh-4.4# exit\n"
        "sh-4.4# ls /\nsh-4.4# exit\n$ oc get pods\n$ ssh bastion\n$ kubectl get pods"
    )
    assert session is not None
    assert [t for t, _ in session.commands] == ["oc get pods"]
    first, last = session.remotes
    assert first.commands == ("chroot /host", "crictl ps", "exit", "ls /", "exit")
    assert (last.opener, last.commands, last.at) == ("ssh bastion", ("kubectl get pods",), 1)


def _scripts(bench: Bench, lang: str, block: str):  # noqa: F811
    return bench.scripts(f"## Diagnosis\n1) Look:\n\n```{lang}\n{block}\n```\n")


def test_a_delete_after_a_prompt_is_a_change_and_output_never_runs(bench: Bench) -> None:  # noqa: F811
    (script,) = _scripts(
        bench,
        "bash",
        "$ kubectl get pods\nNAME   READY   STATUS\nweb-0  2/2  Running\n"
        '$ kubectl delete pod web-0\npod "web-0" deleted',
    )
    assert script.content == "kubectl get pods\nkubectl delete pod web-0\n"
    assert script.mutating and script.changes == ("kubectl delete",)
    assert "Running" not in script.content  # shown in --help only (its own test)
    assert "# mutating:  yes: kubectl delete\n" in script.text


def test_the_output_a_session_shows_is_in_the_help_escaped(bench: Bench) -> None:  # noqa: F811
    (script,) = _scripts(
        bench, "console", "$ kubectl get pods\nNAME   READY\nweb-0  0/1 \x1b[31mCrashLoopBackOff"
    )
    done = bench.run(bench.write(script), "--help")
    assert done.returncode == 0, done.stderr
    assert "What the runbook shows these commands printing:\n  NAME   READY\n" in done.stdout
    assert "  web-0  0/1 \\x1b[31mCrashLoopBackOff\n" in done.stdout
    assert "\x1b" not in done.stdout
    assert bench.called() == []


def test_a_bash_session_is_reported_with_what_the_script_leaves_out(bench: Bench, cli) -> None:  # noqa: F811
    path = bench.runbook(
        "## Diagnosis\n1) Look:\n\n```bash\n$ kubectl get pods\nNAME   READY\n"
        "$ oc debug node/x\n# sysctl -a\n```\n\n2) Again:\n\n```bash\n$ kubectl get pods\n```\n"
    )
    found = cli("lint", str(path), "--format", "json").json()["diagnostics"]
    assert [(d["code"], d["line"], d["message"]) for d in found] == [
        (
            "RB406",
            20,
            "bash block written as a session: 1 output line(s) shown on the page, not run; "
            "the 1 command(s) typed into `oc debug node/x` (line 23) are for the operator to "
            "run there: the script stops and shows them",
        )
    ]


def test_a_remote_shell_part_is_shown_to_the_operator_and_never_run(bench: Bench) -> None:  # noqa: F811
    (script,) = _scripts(
        bench,
        "console",
        "$ kubectl get pods\n$ ssh bastion\n$ kubectl delete pod web-0\n"
        "$ exit\n$ kubectl get events",
    )
    assert not script.mutating  # the delete is typed on the bastion, by the operator
    done = bench.run(bench.write(script))
    assert done.returncode == 4, done.stderr
    assert bench.called() == ["kubectl get pods"]
    assert (
        "Open the shell:\n    ssh bastion\nThen type there:\n    kubectl delete pod web-0\n"
        in done.stderr
    )
    assert "stopped: run the commands above in that shell by hand" in done.stderr
    dry = bench.run(bench.write(script), "--dry-run")
    assert dry.returncode == 0 and "# by hand, in a remote shell:" in dry.stdout
    assert bench.called() == ["kubectl get pods"]


def test_a_plain_bash_block_that_opens_a_node_shell_hands_the_rest_over(bench: Bench, cli) -> None:  # noqa: F811
    """No prompts: `oc debug node/x` still opens a shell on the node, and what follows is
    typed there. The script runs the lines before it, never the opener or what follows;
    the opener (it starts a debug pod) is the operator's, so it is no write under Diagnosis."""
    block = "kubectl get nodes\noc debug node/worker-1\nchroot /host\nlsblk -d\n# the disks"
    (script,) = _scripts(bench, "bash", block)
    assert script.content == "kubectl get nodes\n" and not script.mutating
    done = bench.run(bench.write(script))
    assert done.returncode == 4, done.stderr
    assert bench.called() == ["kubectl get nodes"]
    assert "Open the shell:\n    oc debug node/worker-1\n" in done.stderr
    path = bench.runbook(f"## Diagnosis\n1) Look:\n\n```bash\n{block}\n```\n")
    found = cli("lint", str(path), "--format", "json").json()["diagnostics"]
    assert [(d["code"], d["message"].split(":")[0]) for d in found] == [
        ("RB406", "bash block opens a remote shell")
    ]
    (plain,) = _scripts(bench, "bash", "kubectl get nodes\noc debug node/worker-1 -- lsblk")
    assert plain.content == "kubectl get nodes\noc debug node/worker-1 -- lsblk\n"


def test_a_table_printed_in_a_plain_block_is_output(bench: Bench, cli) -> None:  # noqa: F811
    """A command, a blank line and the table it prints, without prompts: the table is shown,
    never run (its rows would be commands named `NAME` and `web-0`)."""
    block = "kubectl get pods\n\nNAME    READY   STATUS\nweb-0   2/2     Running"
    (script,) = _scripts(bench, "bash", block)
    assert script.content == "kubectl get pods\n\n" and not script.mutating
    path = bench.runbook(f"## Diagnosis\n1) Look:\n\n```bash\n{block}\n```\n")
    found = cli("lint", str(path), "--format", "json").json()["diagnostics"]
    assert [(d["code"], d["message"]) for d in found] == [
        ("RB406", "bash block holds printed output: 2 output line(s) shown on the page, not run")
    ]
    (kept,) = _scripts(bench, "bash", "FOO=1\nkubectl get pods -l app=$FOO")
    assert kept.content == "FOO=1\nkubectl get pods -l app=$FOO\n"


def test_a_fence_its_list_item_closes_is_a_step_not_an_error(bench: Bench, cli) -> None:  # noqa: F811
    path = bench.runbook(
        "## Diagnosis\n\n1. Look:\n\n   ```bash\n   kubectl get pods\n\n2. Then\n\nMore text.\n"
    )
    found = cli("lint", str(path), "--format", "json").json()["diagnostics"]
    assert [d["code"] for d in found] == []
    (script,) = bench.scripts(path.read_text("utf-8").split("\n", 1)[1])
    assert script.content == "kubectl get pods\n\n"


@pytest.mark.parametrize("prompt", ["sh-5.1# ", "sh-4.4$ ", "bash-5.1$ ", "  sh-5.1$ "])
def test_a_block_at_a_container_shell_prompt_goes_on_in_a_shell_opened_before(prompt) -> None:
    """`oc debug node/x` in one block, `sh-5.1# cat /etc/hosts` in the next: the second
    block's commands are typed on the node, not run on the operator's machine."""
    session = _split(f"{prompt}cat /etc/hosts\n127.0.0.1   localhost\n{prompt}exit\n$ oc get pods")
    assert session is not None
    assert [t for t, _ in session.commands] == ["oc get pods"]
    (remote,) = session.remotes
    assert (remote.opener, remote.line, remote.at) == ("", 0, 0)
    assert remote.commands == ("cat /etc/hosts", "exit")
    decorated = _split("[root@bastion ~]# oc get nodes")  # also the operator's own prompt
    assert decorated is not None and decorated.remotes == ()


def test_a_container_shell_block_is_handed_over_and_never_run(bench: Bench, cli) -> None:  # noqa: F811
    (script,) = _scripts(bench, "bash", "sh-5.1# chroot /host\nsh-5.1# rm -rf /var/tmp/x")
    assert script.content == "" and not script.mutating
    done = bench.run(bench.write(script))
    assert done.returncode == 4, done.stderr
    assert bench.called() == []
    assert (
        "Its prompt is a container's or node's shell: open it as an earlier step says.\n"
        "Then type there:\n    chroot /host\n    rm -rf /var/tmp/x\n" in done.stderr
    )
    path = bench.runbook("## Diagnosis\n1) Look:\n\n```console\nsh-5.1# cat etc/hosts\n```\n")
    found = cli("lint", str(path), "--format", "json").json()["diagnostics"]
    assert [(d["code"], d["message"]) for d in found] == [
        (
            "RB406",
            "console block written as a session: the 1 command(s) typed into a shell an earlier "
            "block opened (line 21) are for the operator to run there: the script stops and "
            "shows them",
        )
    ]


def test_a_key_value_line_printed_after_a_command_is_output(bench: Bench) -> None:  # noqa: F811
    """`notAfter=Aug  6 13:11:20 2025 GMT` after `openssl x509 -enddate`: bash would run a
    command named `6`; the line is what openssl prints, shown on the page, never run."""
    block = "openssl x509 -noout -enddate -in tls.crt\nnotAfter=Aug  6 13:11:20 2025 GMT"
    (script,) = _scripts(bench, "bash", block)
    assert script.content == "openssl x509 -noout -enddate -in tls.crt\n"
    assert script.shown == ("notAfter=Aug  6 13:11:20 2025 GMT",)
    (kept,) = _scripts(bench, "bash", "openssl version\nLANG=C sort -k 2 -n out.txt")
    assert kept.content == "openssl version\nLANG=C sort -k 2 -n out.txt\n"
