"""The command-class patterns (`[tool.runbookc.scripts]` read_only / mutating, tools.toml),
indexed by tool the way `commandclass.classify` looks them up for every command of every
block; ScriptSettings.command_classes builds the index once per settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from runbookc.scripts.toolclasses import MUTATING, READ_ONLY, ToolTraits

Verdict = tuple[str, str]  # (read-only | mutating | unknown, the pattern or word that decided)


@dataclass(frozen=True)
class FlagRule:
    """What the patterns say about one flag of a tool (in one subcommand or tool-wide)."""

    arity: int  # value words it takes (0: none)
    attached: Verdict | None  # of a value given only as `--flag=VALUE` / `-fVALUE` ("=*")
    verdict: Verdict | None  # whatever its value (None: only the `values` listed)
    values: dict[str, Verdict]  # a value -> its verdict ("curl -X GET")


@dataclass(frozen=True)
class ToolRules:
    paths: dict[tuple[str, ...], Verdict]  # subcommand path (() the tool alone) -> verdict
    steps: frozenset[tuple[str, ...]]  # every path and every prefix of one
    free: frozenset[tuple[str, ...]]  # paths after which any word is understood ("...")
    flags: dict[tuple[tuple[str, ...], str], FlagRule]  # (path, flag) -> rule
    globs: tuple[tuple[tuple[str, ...], Verdict, bool], ...] = ()  # ("*", "list-*"), free
    traits: ToolTraits = field(default_factory=ToolTraits)
    # traits.runs and traits.checks as dicts, made once here rather than for every command
    runs: dict[tuple[str, ...], int] = field(default_factory=dict)
    checks: dict[tuple[str, ...], str] = field(default_factory=dict)

    def step(self, path: tuple[str, ...]) -> bool:
        """Whether `path` is a subcommand path or the start of one."""
        return path in self.steps or any(
            _matches(path, glob[: len(path)]) for glob, _, _ in self.globs
        )

    def verdict(self, path: tuple[str, ...]) -> Verdict | None:
        """The verdict of a subcommand path: its own pattern, else the glob patterns that
        match it (a changing one first), else a changing path it is under (`oc adm policy
        add-role-to-user` is under `oc adm`)."""
        found = self.paths.get(path)
        if found is not None:
            return found
        matched = [(v, free) for glob, v, free in self.globs if _matches(path, glob)]
        for wanted in (MUTATING, READ_ONLY):
            found = next((v for v, _ in matched if v[0] == wanted), None)
            if found is not None:
                return found
        for depth in range(len(path) - 1, -1, -1):
            found = self.paths.get(path[:depth])
            if found is not None and found[0] == MUTATING:
                return found
        return None

    def is_free(self, path: tuple[str, ...]) -> bool:
        """Whether any word after `path` is understood (a "..." pattern)."""
        if path in self.free:
            return True
        return any(free and _matches(path, glob) for glob, _, free in self.globs)


def _matches(path: tuple[str, ...], glob: tuple[str, ...]) -> bool:
    return len(path) == len(glob) and all(map(fnmatchcase, path, glob))


@dataclass(frozen=True, eq=False)  # one per settings, compared and hashed as itself
class CommandClasses:
    """The command-class patterns, indexed by tool the way `commandclass.classify` reads
    them (it runs for every command of every block)."""

    tools: dict[str, ToolRules]


def index_classes(
    classes: tuple[tuple[str, str], ...], traits: dict[str, ToolTraits] | None = None
) -> CommandClasses:
    paths: dict[str, dict[tuple[str, ...], Verdict]] = {}
    free: dict[str, set[tuple[str, ...]]] = {}
    flags: dict[str, dict[tuple[tuple[str, ...], str], list[tuple[list[str], Verdict]]]] = {}
    for key, verdict in classes:
        tool, *words = key.split()
        at = next((i for i, w in enumerate(words) if w.startswith("-")), len(words))
        path = tuple(words[:at])
        if path[-1:] == ("...",):
            path = path[:-1]
            free.setdefault(tool, set()).add(path)
        if at == len(words):
            paths.setdefault(tool, {})[path] = (verdict, key)
        else:
            found = flags.setdefault(tool, {}).setdefault((path, words[at]), [])
            found.append((words[at + 1 :], (verdict, key)))
            paths.setdefault(tool, {})
    traits = traits or {}
    return CommandClasses(
        {
            tool: _tool_rules(
                known, free.get(tool, set()), flags.get(tool, {}), traits.get(tool, ToolTraits())
            )
            for tool, known in paths.items()
        }
    )


def _tool_rules(
    paths: dict[tuple[str, ...], Verdict],
    free: set[tuple[str, ...]],
    flags: dict[tuple[tuple[str, ...], str], list[tuple[list[str], Verdict]]],
    traits: ToolTraits,
) -> ToolRules:
    if traits.fold:
        paths = {tuple(w.casefold() for w in p): v for p, v in paths.items()}
        free = {tuple(w.casefold() for w in p) for p in free}
        flags = {(tuple(w.casefold() for w in p), f): v for (p, f), v in flags.items()}
    # a glob path has a verdict and maybe "...", never flags of its own (tools.toml says so)
    globbed = {p for p in paths if any(_GLOB.search(w) for w in p)}
    globs = tuple((path, paths[path], path in free) for path in sorted(globbed))
    paths = {p: v for p, v in paths.items() if p not in globbed}
    free = free - globbed
    steps = {path[:i] for path in [*paths, *free] for i in range(len(path) + 1)}
    rules: dict[tuple[tuple[str, ...], str], FlagRule] = {}
    for (path, flag), patterns in flags.items():
        name, eq, _ = flag.partition("=")
        rule = rules.get((path, name), FlagRule(0, None, None, {}))
        for values, verdict in patterns:
            if eq:  # "--color=*"
                rule = FlagRule(rule.arity, verdict, rule.verdict, rule.values)
            elif not values or all(v == "*" for v in values):
                arity = max(rule.arity, len(values))
                rule = FlagRule(arity, rule.attached, verdict, rule.values)
            else:
                arity = max(rule.arity, len(values))
                rule = FlagRule(arity, rule.attached, rule.verdict, rule.values)
                rule.values[" ".join(values)] = verdict
        rules[(path, name)] = rule
    return ToolRules(
        paths,
        frozenset(steps),
        frozenset(free),
        rules,
        globs,
        traits,
        dict(traits.runs),
        dict(traits.checks),
    )


_GLOB = re.compile(r"[*?\[]")
