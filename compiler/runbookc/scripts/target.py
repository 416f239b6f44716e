"""Where a step acts: the kube client it calls and the script's own look-up of that
client's current context, cluster and user (`config view --minify`, read from the local
kubeconfig: it calls no cluster). The sandbox knows the look-up as the script's, not the
runbook's."""

from __future__ import annotations

from collections.abc import Sequence

from runbookc.scripts.script import Script

KUBE_CLIENTS = ("kubectl", "oc")
JSONPATH = (
    "jsonpath={.current-context} (cluster {.contexts[0].context.cluster},"
    " user {.contexts[0].context.user})"
)
LOOKUP_ARGS = ("config", "view", "--minify", "-o", JSONPATH)


def kube_tool(script: Script) -> str:
    """The client the step's commands call that names its target ("" when none does)."""
    tools = {c.tool for u in script.parsed.units for c in u.commands}
    return next((t for t in KUBE_CLIENTS if t in tools), "")


def is_lookup(argv: Sequence[str | None]) -> bool:
    """Whether a recorded call is the script's own look-up of its target."""
    return len(argv) > 0 and argv[0] in KUBE_CLIENTS and tuple(argv[1:]) == LOOKUP_ARGS
