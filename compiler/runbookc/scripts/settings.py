"""Settings of the script stages: section roles, command classes, sandbox tools.

`[tool.runbookc.sections]` maps a role to heading names (a heading whose text starts with
one of them, ignoring case, numbering, emoji and punctuation, has that role); a role given
there replaces its defaults. A heading's attribute list names its role outright:
`## Checks {role=diagnostics}`.
`[tool.runbookc.scripts]` adds `read_only` / `mutating` command patterns (the syntax of
toolclasses.py: "tool", "tool verb", "tool -flag", "tool -flag *", "tool verb ..."), tool
entries in `[tool.runbookc.scripts.tools.NAME]` (the schema of the packaged tools.toml: they
extend or override its entries), the tools the sandbox `stub`s, and the `real_tools` a
sandboxed script may run for real.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property

from runbookc.config import ConfigError, Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.scripts.classindex import CommandClasses, index_classes
from runbookc.scripts.toolclasses import (
    MUTATING,
    READ_ONLY,
    Knowledge,
    KnowledgeError,
    ToolTraits,
    knowledge,
)


def _words(text: str) -> list[str]:
    return text.split()


# A heading has a role when its name starts with one of these (see _name below). The
# English names are those of common runbook collections; the Russian ones, their usual
# translations. Prefixes: "Rollback" also names "Rollback steps".
DEFAULT_SECTIONS: dict[str, tuple[str, ...]] = {
    "symptoms": ("Симптомы", "Признаки", "Проявления", "Symptoms", "Signs"),
    "diagnostics": (
        *("Диагностика", "Диагноз", "Расследование", "Разбор", "Анализ причин", "Триаж"),
        *("Возможные проверки", "Проверки", "Поиск причины", "Устранение неполадок"),
        *("Diagnosis", "Diagnostics", "Diagnose", "Triage", "Troubleshooting"),
        *("Troubleshoot", "Possible checks", "Investigation", "Investigate", "Debugging"),
    ),
    "mitigation": (
        *("Митигирование", "Митигация", "Смягчение", "Восстановление", "Устранение"),
        *("Исправление", "Решение", "Процедура", "Порядок действий"),
        *("Mitigation", "Mitigate", "Recovery", "Remediation", "Remediate", "Resolution"),
        *("Resolve", "Procedure", "Workaround"),
    ),
    "verification": (
        *("Проверка результата", "Проверка исправления", "Контроль результата"),
        *("Verification", "Verify", "Validation"),
    ),
    "rollback": ("План отката", "Шаги отката", "Откат", "Rollback", "Roll back"),
}

# What a heading's name is under its decoration: "3. Diagnosis", "Step 2: Mitigation",
# "🔍 Troubleshooting:", "**Verify**" all name their section by the word that matters.
_NUMBERING = re.compile(r"^(?:(?:step|шаг)\s*)?\d[\d.)]*(?=[\W_]|$)")
_DECORATION = re.compile(r"^[\W_]+")


def _name(heading: str) -> str:
    """The words a heading's role is read from: case-folded, without leading numbering,
    emoji or punctuation, spaces collapsed."""
    name = " ".join(heading.casefold().split())
    name = _DECORATION.sub("", name)
    name = _NUMBERING.sub("", name)
    return _DECORATION.sub("", name)


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

# A hanging `kubectl logs -f` or an API server that never answers must not hold a step
# (and `run.sh --diagnose`) forever; a command that needs longer gets `--timeout`.
DEFAULT_TIMEOUT = 300

# Tools whose exit status 1 means "nothing matched", not a failure.
NO_MATCH_TOOLS = frozenset({"grep", "egrep", "fgrep", "rg"})


@dataclass(frozen=True)
class ScriptSettings:
    sections: tuple[tuple[str, tuple[str, ...]], ...]
    classes: tuple[tuple[str, str], ...]
    stubs: frozenset[str]
    real_tools: tuple[str, ...]
    traits: tuple[tuple[str, ToolTraits], ...] = ()  # per tool: what its patterns cannot say
    timeout: int = 0  # the scripts' default time limit per command, in seconds (0: none)

    def role(self, *headings: tuple[str, str]) -> str:
        """The role of the first heading that has one ("" when none does). A heading is
        (its text, the role its attribute list gives it): `{role=...}` wins over the name."""
        for text, explicit in headings:
            if explicit:
                return explicit
            role = self._roles.get(text)
            if role is None:
                role = self._roles[text] = self._heading_role(text)
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
        return tuple((role, tuple(_name(n) for n in names)) for role, names in self.sections)

    def _heading_role(self, heading: str) -> str:
        name = _name(heading)
        for role, names in self._folded_sections:
            if name.startswith(names):
                return role
        return ""

    @cached_property
    def command_classes(self) -> CommandClasses:
        return index_classes(self.classes, dict(self.traits))


declare(
    Key("sections", Kind.TABLE, "", "heading names (prefixes) of each section role"),
    *(
        Key(
            f"sections.{role}",
            Kind.STRINGS,
            json.dumps(names, ensure_ascii=False),
            "replaces the defaults",
        )
        for role, names in DEFAULT_SECTIONS.items()
    ),
    Key("scripts", Kind.TABLE, "", "the scripts' command classes and the sandbox's tools"),
    Key("scripts.read_only", Kind.STRINGS, "[]", "command patterns that only read"),
    Key("scripts.mutating", Kind.STRINGS, "[]", "command patterns that change something"),
    Key(
        "scripts.tools",
        Kind.MAP,
        None,
        "tool entries in the schema of the packaged tools.toml (extend or override them)",
    ),
    Key(
        "scripts.stub",
        Kind.STRINGS,
        json.dumps(DEFAULT_STUBS),
        "tools the sandbox stubs (replaces the defaults: these and every tool the knowledge "
        "base names, but real_tools and bash's builtins)",
    ),
    Key(
        "scripts.real_tools",
        Kind.STRINGS,
        json.dumps(DEFAULT_REAL_TOOLS),
        "the only real programs a sandboxed script may run (replaces the defaults)",
    ),
    Key(
        "scripts.timeout",
        Kind.STRING,
        f'"{DEFAULT_TIMEOUT}"',
        "the generated scripts' default time limit per command, in whole seconds (0: none)",
    ),
)

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
    tools = table.get("tools", {})
    if not isinstance(tools, dict):
        raise ConfigError("[tool.runbookc.scripts] tools must be a table of tool entries")
    try:
        known = knowledge(tools)
    except KnowledgeError as error:
        raise ConfigError(f"[tool.runbookc.scripts] {error}") from None
    classes = dict(known.patterns)
    for key, verdict in (("read_only", READ_ONLY), ("mutating", MUTATING)):
        for pattern in _strings(table, key):
            words = pattern.split()
            if not words or words[0].startswith("-") or "..." in words[:-1]:
                raise ConfigError(
                    f"[tool.runbookc.scripts] {key}: {pattern!r} is not a command pattern "
                    '("tool", "tool verb", "tool -flag", "tool -flag *", "tool verb ...")'
                )
            classes[" ".join(words)] = verdict
    real = tuple(_tools(table, "real_tools")) or tuple(DEFAULT_REAL_TOOLS)
    stubs = frozenset(_tools(table, "stub")) or _default_stubs(known, real)
    traits = tuple(sorted(known.traits.items()))
    return ScriptSettings(
        tuple(sections.items()),
        tuple(sorted(classes.items())),
        stubs,
        real,
        traits,
        _seconds(table.get("timeout", str(DEFAULT_TIMEOUT))),
    )


def _seconds(value: object) -> int:
    """The time limit setting: whole seconds, as the scripts' `--timeout` takes them."""
    if not (isinstance(value, str) and re.fullmatch(r"[0-9]{1,7}", value)):
        raise ConfigError(
            f"[tool.runbookc.scripts] timeout: {value!r} is not a number of seconds "
            '(a string of up to 7 digits, "0" for no limit)'
        )
    return int(value)


def _default_stubs(known: Knowledge, real: tuple[str, ...]) -> frozenset[str]:
    """Every tool the knowledge base names gets a stub, but the real tools, their variants
    (gawk is like awk: often the very binary awk runs) and what bash runs itself (a stub
    there would record calls bash never makes). The stub, never the
    host's binary: a tool that changes the system must not run, and a read-only host tool
    (`df`, `ps`, `ip addr`, `journalctl`) would read the test machine, so the verdict would
    depend on where the test ran and what it found there; a stub acts out the scenario like
    kubectl's. A tool nothing names stays unknown to the sandbox (RB414)."""
    variants = {tool for tool, traits in known.traits.items() if traits.like in real}
    return frozenset(DEFAULT_STUBS).union(known.tools).difference(real, variants, BASH_BUILTINS)


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
