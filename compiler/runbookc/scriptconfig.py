"""Settings of the script stages: section roles, command classes, sandbox tools.

`[tool.runbookc.sections]` maps a role to heading names (a heading whose text starts with
one of them, case-insensitively, has that role); a role given there replaces its defaults.
`[tool.runbookc.scripts]` adds `read_only` / `mutating` command patterns ("tool",
"tool verb", "tool verb sub" or "tool -flag"), the tools the sandbox `stub`s, and the
`real_tools` a sandboxed script may run for real.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from runbookc.config import ConfigError, Settings

READ_ONLY, MUTATING, UNKNOWN = "read-only", "mutating", "unknown"


def _words(text: str) -> list[str]:
    return text.split()


DEFAULT_SECTIONS: dict[str, tuple[str, ...]] = {
    "symptoms": ("Симптомы", "Symptoms"),
    "diagnostics": ("Диагностика", "Diagnosis", "Diagnostics"),
    "mitigation": ("Митигирование", "Mitigation", "Восстановление", "Recovery"),
    "verification": ("Проверка результата", "Verification"),
    "rollback": ("План отката", "Шаги отката", "Rollback"),
}

_KUBECTL_READ = _words(
    "get describe logs top explain api-resources api-versions version cluster-info events diff wait"
)
_KUBECTL_WRITE = _words(
    "apply create delete replace patch edit scale autoscale set annotate label taint "
    "drain cordon uncordon expose run exec cp debug attach port-forward proxy"
)
_UTILITIES = _words(
    "grep egrep fgrep sed awk cat head tail sort uniq wc cut tr jq yq date echo printf "
    "true false test [ sleep column tee ls basename dirname printenv whoami hostname id "
    "uname mkdir mktemp dig nslookup ping base64 sha256sum xargs find : cd pwd export [[ (("
)

DEFAULT_CLASSES: dict[str, str] = {
    **dict.fromkeys(_UTILITIES, READ_ONLY),
    "sed -i": MUTATING,
    "find -delete": MUTATING,
    "find -exec": MUTATING,
    **{f"kubectl {verb}": READ_ONLY for verb in _KUBECTL_READ},
    **{f"kubectl {verb}": MUTATING for verb in _KUBECTL_WRITE},
    **{f"kubectl rollout {sub}": READ_ONLY for sub in ("status", "history")},
    **{f"kubectl rollout {sub}": MUTATING for sub in ("undo", "restart", "pause", "resume")},
    **{f"kubectl auth {sub}": READ_ONLY for sub in ("can-i", "whoami")},
    **{
        f"kubectl config {sub}": READ_ONLY
        for sub in ("view", "get-contexts", "current-context", "get-clusters")
    },
    **{
        f"git {verb}": READ_ONLY
        for verb in _words("status log show diff rev-parse ls-remote fetch describe blame")
    },
    **{
        f"git {verb}": MUTATING
        for verb in _words(
            "push commit checkout switch reset merge rebase tag cherry-pick revert clean stash "
            "pull branch"
        )
    },
    **{
        f"helm {verb}": READ_ONLY
        for verb in _words("list ls status get history show template lint search version env")
    },
    **{
        f"helm {verb}": MUTATING
        for verb in _words("install upgrade uninstall delete rollback repo plugin")
    },
    **{
        f"docker {verb}": READ_ONLY
        for verb in _words("ps images logs inspect version info stats top")
    },
    "curl": READ_ONLY,
    "wget": READ_ONLY,
    **{
        f"curl {flag}": MUTATING
        for flag in _words(
            "-X --request -d --data --data-raw --data-binary --data-urlencode -F --form -T "
            "--upload-file"
        )
    },
}

# Global flags that take the next word as their value, so it is not the verb.
VALUE_FLAGS: dict[str, frozenset[str]] = {
    "kubectl": frozenset(
        _words(
            "-n --namespace --context --cluster --user --kubeconfig -s --server --token --as "
            "--as-group --request-timeout -l --selector -o --output -c --container"
        )
    ),
    "git": frozenset(["-C", "-c", "--git-dir", "--work-tree"]),
    "helm": frozenset(["-n", "--namespace", "--kube-context", "--kubeconfig"]),
    "docker": frozenset(["-H", "--host", "--context", "--config"]),
}

DEFAULT_STUBS = _words(
    "kubectl git helm curl wget docker psql mysql redis-cli aws gcloud az ssh scp oc "
    "argocd vault nc"
)

DEFAULT_REAL_TOOLS = _words(
    "env grep egrep fgrep sed awk cat head tail sort uniq wc cut tr date mkdir "
    "mktemp tee ls basename dirname sleep true false test printf echo xargs column jq "
    "base64 sha256sum"
)

# What bash runs itself: always there, in the sandbox too.
BASH_BUILTINS = frozenset(
    _words(
        ": . [ alias bg bind break builtin caller cd command compgen complete continue "
        "declare dirs disown echo enable eval exec exit export false fc fg getopts hash help "
        "history jobs kill let local logout mapfile popd printf pushd pwd read readarray "
        "readonly return set shift shopt source suspend test times trap true type typeset "
        "ulimit umask unalias unset wait"
        # keywords the parser reports as commands: `[[ ]]`, `(( ))`, `time cmd`
        " [[ (( time"
    )
)

# Tools whose exit status 1 means "nothing matched", not a failure.
NO_MATCH_TOOLS = frozenset({"grep", "egrep", "fgrep", "rg"})


@dataclass(frozen=True)
class ScriptSettings:
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    classes: tuple[tuple[str, str], ...]
    stubs: frozenset[str]
    real_tools: tuple[str, ...]

    def role(self, *headings: str) -> str:
        """The role of the first heading that has one ("" when none does)."""
        for heading in headings:
            role = self._roles.get(heading)
            if role is None:
                role = self._roles[heading] = self._heading_role(heading)
            if role:
                return role
        return ""

    @cached_property
    def _roles(self) -> dict[str, str]:
        """heading -> role, filled as they are asked for: every block and every code span
        of every document asks, and headings repeat across documents."""
        return {}

    @cached_property
    def _folded_sections(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((role, tuple(n.casefold() for n in names)) for role, names in self.sections)

    def _heading_role(self, heading: str) -> str:
        folded = heading.strip().casefold()
        for role, names in self._folded_sections:
            if folded.startswith(names):
                return role
        return ""

    @cached_property
    def command_classes(self) -> CommandClasses:
        verdicts = dict(self.classes)
        flags: dict[str, list[tuple[str, str]]] = {}
        for key, verdict in self.classes:  # sorted: the first matching flag rule decides
            tool, _, rest = key.partition(" ")
            if verdict == MUTATING and rest.startswith("-"):
                flags.setdefault(tool, []).append((rest, key))
        return CommandClasses(verdicts, {tool: tuple(rules) for tool, rules in flags.items()})


@dataclass(frozen=True)
class CommandClasses:
    """The command-class rules, indexed the way `shellparse.classify` looks them up (it
    runs for every command of every block)."""

    verdicts: dict[str, str]  # "tool", "tool sub [sub]" or "tool -flag" -> verdict
    mutating_flags: dict[str, tuple[tuple[str, str], ...]]  # tool -> ((flag, rule key), ...)


_CACHE: dict[str, ScriptSettings] = {}


def script_settings(settings: Settings) -> ScriptSettings:
    """Parsed once per distinct settings: plan_scripts runs for every document."""
    key = settings.fingerprint
    if key not in _CACHE:
        _CACHE[key] = _parse(settings)
    return _CACHE[key]


def _parse(settings: Settings) -> ScriptSettings:
    sections = dict(DEFAULT_SECTIONS)
    for role, names in settings.table("sections").items():
        if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            raise ConfigError(f"[tool.runbookc.sections] {role} must be a list of headings")
        sections[role] = tuple(names)
    table = settings.table("scripts")
    classes = dict(DEFAULT_CLASSES)
    for key, verdict in (("read_only", READ_ONLY), ("mutating", MUTATING)):
        for pattern in _strings(table, key):
            classes[" ".join(pattern.split())] = verdict
    stubs = frozenset(_tools(table, "stub")) or frozenset(DEFAULT_STUBS)
    real = tuple(_tools(table, "real_tools")) or tuple(DEFAULT_REAL_TOOLS)
    return ScriptSettings(tuple(sections.items()), tuple(sorted(classes.items())), stubs, real)


def _tools(table: dict, key: str) -> list[str]:
    """Program names: they become file names in the sandbox's PATH dirs."""
    names = _strings(table, key)
    for name in names:
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._+-]*", name):
            raise ConfigError(f"[tool.runbookc.scripts] {key}: {name!r} is not a program name")
    return names


def _strings(table: dict, key: str) -> list[str]:
    value = table.get(key, [])
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ConfigError(f"[tool.runbookc.scripts] {key} must be a list of strings")
    return value
