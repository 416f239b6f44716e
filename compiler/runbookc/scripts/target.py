"""Where a step acts: the kube client it calls and the script's own look-up of that
client's current context, cluster and user (`config view --minify`, read from the local
kubeconfig: it calls no cluster). The sandbox knows the look-up as the script's, not the
runbook's."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from runbookc.scripts.script import Script
from runbookc.scripts.shellcommands import Command
from runbookc.scripts.shellparse import Unit

KUBE_CLIENTS = ("kubectl", "oc")
JSONPATH = (
    "jsonpath={.current-context} (cluster {.contexts[0].context.cluster},"
    " user {.contexts[0].context.user})"
)
LOOKUP_ARGS = ("config", "view", "--minify", "-o", JSONPATH)
# The global options with which one kube command picks its own target, whatever the
# kubeconfig's current context is.
TARGET_OPTIONS = ("--context", "--kubeconfig", "--cluster", "--server")
_SET_KUBECONFIG = "KUBECONFIG="
_DECLARATIONS = frozenset({"export", "declare", "local", "readonly"})
_OTHER_USER = frozenset({"sudo", "su", "doas", "runuser", "pkexec"})


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
    for unit in script.parsed.units:
        found.update(dict.fromkeys(_kubeconfig_set(unit, script.content)))
        for command in unit.commands:
            if command.tool in KUBE_CLIENTS:
                found.update(dict.fromkeys(_client_choices(command)))
    return tuple(found)


def _kubeconfig_set(unit: Unit, content: str) -> Iterator[str]:
    """KUBECONFIG set for the commands after it: alone or by `export` and its kin."""
    alone = bool(unit.commands) and unit.commands[0].tool == ""  # assignments only
    if alone and content.startswith(_SET_KUBECONFIG, unit.start):
        yield content[unit.start : unit.end].split("\n", 1)[0]
    for command in unit.commands:
        if command.tool in _DECLARATIONS:
            yield from (w.text for w in command.words if w.text.startswith(_SET_KUBECONFIG))


def _client_choices(command: Command) -> Iterator[str]:
    """How one kubectl or oc command picks its own target."""
    if "KUBECONFIG" in command.env:  # `KUBECONFIG=/x kubectl ...`
        yield f"{_SET_KUBECONFIG}... on a {command.tool} line"
    runners = command.argv[: len(command.argv) - len(command.words) - 1]  # and their words
    yield from (w.text for w in runners if w.text.startswith(_SET_KUBECONFIG))  # `env K=...`
    for runner in command.runners:
        if runner in _OTHER_USER:  # another user's kubeconfig (sudo resets HOME)
            yield f"{runner} on a {command.tool} line (that user's kubeconfig)"
    words = [w.text for w in command.words]
    if words[:2] == ["config", "use-context"]:  # the current context changes
        yield " ".join(words[:3])
    for index, word in enumerate(words):
        option, equals, value = word.partition("=")
        if option in TARGET_OPTIONS:
            yield f"{option} {value if equals else ''.join(words[index + 1 : index + 2])}".strip()
