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
# The global options with which one kube command picks its own target, whatever the
# kubeconfig's current context is.
TARGET_OPTIONS = ("--context", "--kubeconfig", "--cluster", "--server")
_KUBECONFIG = "KUBECONFIG"


def kube_tool(script: Script) -> str:
    """The client the step's commands call that names its target ("" when none does)."""
    tools = {c.tool for u in script.parsed.units for c in u.commands}
    return next((t for t in KUBE_CLIENTS if t in tools), "")


def is_lookup(argv: Sequence[str | None]) -> bool:
    """Whether a recorded call is the script's own look-up of its target."""
    return len(argv) > 0 and argv[0] in KUBE_CLIENTS and tuple(argv[1:]) == LOOKUP_ARGS


def own_targets(script: Script) -> tuple[str, ...]:
    """How the step's commands pick a target other than the kubeconfig's current context,
    as written and each once (`--context prod`, `KUBECONFIG=/etc/k.conf`, `config
    use-context prod`): the context the step shows and asks to confirm on is then not the
    one they act on."""
    found: dict[str, None] = {}
    content = script.content
    for unit in script.parsed.units:
        alone = bool(unit.commands) and unit.commands[0].tool == ""  # assignments only
        if alone and content.startswith(f"{_KUBECONFIG}=", unit.start):
            found[content[unit.start : unit.end].split("\n", 1)[0]] = None
        for command in unit.commands:
            words = [w.text for w in command.words]
            if _KUBECONFIG in command.env:  # `KUBECONFIG=/x kubectl ...`
                found[f"{_KUBECONFIG}=... on a {command.tool} line"] = None
            if command.tool in ("export", "declare", "local", "readonly"):
                found.update((w, None) for w in words if w.startswith(f"{_KUBECONFIG}="))
            if command.tool not in KUBE_CLIENTS:
                continue
            if words[:2] == ["config", "use-context"]:  # the current context changes
                found[" ".join(["config", "use-context", *words[2:3]])] = None
            for index, word in enumerate(words):
                option, equals, value = word.partition("=")
                if option not in TARGET_OPTIONS:
                    continue
                if not equals:
                    value = words[index + 1] if index + 1 < len(words) else ""
                found[f"{option} {value}".strip()] = None
    return tuple(found)
