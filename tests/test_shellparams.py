"""Placeholders and variables a block needs: how `<placeholder>` is rewritten into a
parameter reference, what the parameter is named, and which `$VAR` the block never sets."""

from __future__ import annotations

import pytest
from conftest import ROOT
from runbookc.config import load_settings
from runbookc.scripts.commandclass import classify
from runbookc.scripts.draft import usable_param
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellparams import fill_placeholders, placeholder_name, unset_params
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.toolclasses import READ_ONLY


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("<namespace>", "NAMESPACE"),
        ("<NAMESPACE>", "NAMESPACE"),
        ("<pod-name>", "POD_NAME"),
        ("<pod_name>", "POD_NAME"),
        ("<Pod Name>", "POD_NAME"),
        ("<your correlation id>", "YOUR_CORRELATION_ID"),
        ("<your request's correlation id>", "YOUR_REQUESTS_CORRELATION_ID"),
        ("<osd.id>", "OSD_ID"),
    ],
)
def test_a_placeholder_is_named_by_its_words(text: str, name: str) -> None:
    assert placeholder_name(text) == name


@pytest.mark.parametrize(
    ("block", "rewritten", "holes"),
    [
        (
            "kubectl -n <namespace> get pods\n",
            'kubectl -n "$NAMESPACE" get pods\n',
            [("NAMESPACE", "<namespace>")],
        ),
        (  # glued to a word; two spellings of one name are one variable
            "oc describe pod/<pod-name> -n <NAMESPACE>\noc logs <pod_name> -n <namespace>\n",
            'oc describe pod/"$POD_NAME" -n "$NAMESPACE"\noc logs "$POD_NAME" -n "$NAMESPACE"\n',
            [("POD_NAME", "<pod-name>"), ("NAMESPACE", "<NAMESPACE>")],
        ),
        (  # optional-argument brackets and label lists end a placeholder too
            "rbd ls [--namespace <namespace>] -l app=<app>,tier=<tier>\n",
            'rbd ls [--namespace "$NAMESPACE"] -l app="$APP",tier="$TIER"\n',
            [("NAMESPACE", "<namespace>"), ("APP", "<app>"), ("TIER", "<tier>")],
        ),
        (  # glued to a one-letter flag or after `=`: the same parameter as `-n <ns>`
            "oc rsh -n<CLIENT_NAMESPACE> deploy/x ls\noc get po --namespace=<client-namespace>\n",
            'oc rsh -n"$CLIENT_NAMESPACE" deploy/x ls\noc get po --namespace="$CLIENT_NAMESPACE"\n',
            [("CLIENT_NAMESPACE", "<CLIENT_NAMESPACE>")],
        ),
        ("ceph daemon osd.<id> ops\n", 'ceph daemon osd."$ID" ops\n', [("ID", "<id>")]),
        (
            "curl -H x-id:<your correlation id> http://x\n",
            'curl -H x-id:"$YOUR_CORRELATION_ID" http://x\n',
            [("YOUR_CORRELATION_ID", "<your correlation id>")],
        ),
        (  # the block's own spelling of the same option wins
            "echo $namespace; kubectl get pods -n <namespace>\n",
            'echo $namespace; kubectl get pods -n "$namespace"\n',
            [("namespace", "<namespace>")],
        ),
        ("ls <path>\n", 'ls "$PATH_VALUE"\n', [("PATH_VALUE", "<path>")]),  # never PATH
        (  # quotes, comments and here-documents are text
            "echo '<x>' \"<y>\" # <z>\ncat <<EOF\n<w>\nEOF\n",
            "echo '<x>' \"<y>\" # <z>\ncat <<EOF\n<w>\nEOF\n",
            [],
        ),
        ("sort <in.txt >out.txt\n", "sort <in.txt >out.txt\n", []),  # real redirections
        (  # offsets past a character of several bytes
            "echo héllo; kubectl get pod <pod> -o yaml\n",
            'echo héllo; kubectl get pod "$POD" -o yaml\n',
            [("POD", "<pod>")],
        ),
    ],
)
def test_placeholders_become_quoted_references(block, rewritten, holes) -> None:
    assert fill_placeholders(block, usable_param) == (rewritten, tuple(holes))
    assert parse_block(rewritten).error == ""


def test_a_rewritten_block_is_classified_as_any_other() -> None:
    content, _ = fill_placeholders("kubectl -n <ns> logs <pod> | grep -c Error\n", usable_param)
    (unit,) = parse_block(content).units
    assert unit.kind == "run"
    classes = script_settings(load_settings(str(ROOT / "pyproject.toml"))).command_classes
    verdicts = [classify(c, classes, frozenset({"NS", "POD"}))[0] for c in unit.commands]
    assert verdicts == [READ_ONLY, READ_ONLY]


@pytest.mark.parametrize(
    ("block", "needed"),
    [
        ("kubectl logs $POD -n ${NS}\n", [("POD", ""), ("NS", "")]),
        ('echo "${REV:?set REV from the history}"\n', [("REV", "set REV from the history")]),
        ("echo ${X:-d} ${Y:=d} ${Z+set} $1 $@ $? $HOME $KUBECONFIG $rb_x\n", []),
        ("read -r Q; echo $Q\nfor P in a b; do echo $P; done\nexport E; echo $E\n", []),
        ("A=1\necho $A\nB=$(date)\necho $B\n", []),
        ("echo '$NOT' \"$YES\"\ncat <<'EOF'\n$NOT\nEOF\n", [("YES", "")]),
    ],
)
def test_variables_used_and_never_set_are_needed(block, needed) -> None:
    assert unset_params(block, usable_param) == tuple(needed)
