"""Whether a command only reads: read-only when every word of it is understood as reading
(its tool, subcommands, every flag and its value, its redirections, the variables set for
it, the command a wrapper runs), mutating when a word is known to change something, and
unknown otherwise. The patterns are data (tools.toml read by toolclasses.py, and
`[tool.runbookc.scripts]`); how a wrapper finds the command it runs and `sh -c` scripts are
read here; what positional words mean (a tool entry's `check`, and with it the languages
inside some words: awk and sed programs, SQL) in positionals.py."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from runbookc.scripts.classindex import CommandClasses, FlagRule, ToolRules, Verdict
from runbookc.scripts.positionals import POSITIONAL_CHECKS, Scan, literal
from runbookc.scripts.shellcommands import Command
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.shellwords import Word
from runbookc.scripts.toolclasses import MUTATING, READ_ONLY, STREAMS, UNKNOWN

# Variables that change only how a tool prints or which cluster config it reads: any other
# one (PAGER, GIT_SSH_COMMAND, LD_PRELOAD, BASH_ENV...) can make a reading tool run code.
_HARMLESS_ENV = re.compile(r"LANG|LANGUAGE|LC_[A-Z]+|TZ|NO_COLOR|COLUMNS|KUBECONFIG")
_SHELLS = frozenset({"sh", "bash", "dash", "zsh"})
_SHELL_FLAGS = re.compile(r"-[ceux]+")  # -c, -e, -u, -x (bundled or not)
_NUMBER = re.compile(r"-[0-9]+")
_DEPTH = 8  # wrappers inside wrappers (`timeout 5 sudo sh -c '...'`)


def classify(
    command: Command, classes: CommandClasses, params: frozenset[str] = frozenset()
) -> Verdict:
    """(read-only | mutating | unknown, the pattern or word that decided). `params`: the
    block's parameters (their values are checked to be one plain word each)."""
    return _Judge(classes, params).command(command, 0)


@dataclass(frozen=True)
class _Judge:
    classes: CommandClasses
    params: frozenset[str]

    def command(self, command: Command, depth: int) -> Verdict:
        for target in command.writes:
            if target not in STREAMS:
                return MUTATING, f"> {target}"
        if not command.argv:
            return READ_ONLY, "assignment"
        verdict = self.words(command.argv, depth)
        risky = [name for name in command.env if not _HARMLESS_ENV.fullmatch(name)]
        if verdict[0] == READ_ONLY and risky:
            return UNKNOWN, f"{risky[0]}=..."
        return verdict

    def words(self, words: Sequence[Word], depth: int) -> Verdict:
        program = words[0]
        if program.opaque or program.params:
            return UNKNOWN, program.text  # `$KUBECTL get pods`: which program is not known
        tool = program.text.rsplit("/", 1)[-1]
        if depth > _DEPTH:
            return UNKNOWN, tool
        if tool in _SHELLS:
            return self.shell(tool, words[1:], depth)
        if tool == "eval":
            return self.script("eval", words[1:], depth)
        rules = self.classes.tools.get(tool)
        if rules is None:
            return UNKNOWN, tool
        if rules.traits.wrapper:
            return self.wrapper(tool, rules, words[1:], depth)
        scan = _scan(tool, rules, words[1:], stop=False)
        if scan.mutating is not None:
            return scan.mutating
        verdict = rules.verdict(scan.path)
        if verdict is not None and verdict[0] == MUTATING:
            return verdict
        if scan.unknown:
            return UNKNOWN, scan.unknown
        if verdict is None or verdict[0] != READ_ONLY:
            shown = [tool, *scan.path, *(w.text for w in scan.positionals[:1])]
            return UNKNOWN, " ".join(shown)
        if scan.path in rules.runs:
            if scan.rest < 0 or scan.rest >= len(words) - 1:
                return UNKNOWN, " ".join([tool, *scan.path])  # an interactive shell
            return self.words(words[1 + scan.rest :], depth + 1)
        name = rules.checks.get(scan.path)
        found = POSITIONAL_CHECKS[name](tool, scan) if name is not None else None
        return found if found is not None else verdict

    def wrapper(self, tool: str, rules: ToolRules, words: Sequence[Word], depth: int) -> Verdict:
        """sudo, env, timeout, watch, xargs...: the verdict of the command they run, once
        their own words are understood (how they find it: the entry's `wrapper` kind)."""
        kind = rules.traits.wrapper
        own = rules.verdict(())
        if own is not None and own[0] == MUTATING:
            return own
        scan = _scan(tool, rules, words, stop=True)
        if scan.mutating is not None:
            return scan.mutating
        rest = list(words[scan.rest :]) if scan.rest >= 0 else []
        if kind == "duration" and rest:
            rest = rest[1:]  # timeout's duration
        if kind == "env":
            while rest and "=" in rest[0].text:
                name = rest.pop(0).text.split("=", 1)[0]
                if not _HARMLESS_ENV.fullmatch(name):
                    scan.unknown = scan.unknown or f"env {name}=..."
        looked_up = kind == "command" and any(f in ("-v", "-V") for f, _ in scan.flags)
        if scan.unknown:
            return UNKNOWN, scan.unknown
        if looked_up or (kind == "env" and not rest):
            return READ_ONLY, tool  # `command -v x` looks x up; `env` prints
        if not rest:
            return UNKNOWN, tool
        if kind == "watch" and not any(f in ("-x", "--exec") for f, _ in scan.flags):
            return self.script(tool, rest, depth)  # watch runs its words with `sh -c`
        verdict = self.words(rest, depth + 1)
        if kind == "xargs" and verdict[0] != MUTATING:
            return UNKNOWN, "xargs (it adds words read from its input)"
        return verdict

    def shell(self, tool: str, words: Sequence[Word], depth: int) -> Verdict:
        """`sh -c 'SCRIPT' [args]`: the script's commands; a script file or stdin: unknown."""
        flags = [w.text for w in words]
        at = next((i for i, text in enumerate(flags) if not text.startswith("-")), len(flags))
        understood = all(_SHELL_FLAGS.fullmatch(f) for f in flags[:at])
        if at == len(flags) or not understood or not any("c" in f for f in flags[:at]):
            return UNKNOWN, tool
        return self.script(f"{tool} -c", words[at : at + 1], depth)

    def script(self, name: str, words: Sequence[Word], depth: int) -> Verdict:
        """Shell text made of `words` joined by blanks (as eval and watch do): read-only when
        every command in it is."""
        if any(w.opaque or set(w.params) - self.params for w in words) or not words:
            return UNKNOWN, name  # text the compiler cannot see
        parsed = parse_block(" ".join(w.text for w in words) + "\n")
        if parsed.error:
            return UNKNOWN, name
        verdicts = [self.command(c, depth + 1) for u in parsed.units for c in u.commands]
        for wanted in (MUTATING, UNKNOWN):
            found = next((v for v in verdicts if v[0] == wanted), None)
            if found is not None:
                return found
        return READ_ONLY, name


def _scan(tool: str, rules: ToolRules, words: Sequence[Word], stop: bool) -> Scan:
    """Read `words` with the tool's patterns: the subcommand path, flags with their values,
    positional words. `stop`: end at the first positional word (a wrapper's command)."""
    scan = Scan()
    runs, fold = rules.runs, rules.traits.fold
    flags_over = False
    i = 0
    while i < len(words):
        word = words[i]
        text = word.text
        i += 1
        if flags_over or not text.startswith("-") or text == "-":
            if stop or runs.get(scan.path) == len(scan.positionals) > 0:
                scan.rest = i - 1  # a wrapper's command; `oc rsh POD CMD`: CMD
                return scan
            if not scan.positionals and literal(word):  # a subcommand comes before them
                step = (*scan.path, text.casefold() if fold else text)
                if rules.step(step):
                    scan.path = step
                    continue
            scan.positionals.append(word)
            continue
        if text == "--":
            flags_over = True
            if scan.path in runs:
                scan.rest = i  # `kubectl exec POD -- CMD`: CMD is judged on its own
                return scan
            continue
        used, found = _flag(rules, scan.path, text, words[i:])
        i += used
        for flag, rule, values in found:
            if rule is None:
                if not _free(rules, scan.path):
                    scan.unknown = scan.unknown or f"{tool} {flag}"
                continue
            verdict = _flag_verdict(rule, values)
            scan.flags.append((flag, values))
            if verdict is None or verdict[0] == UNKNOWN:
                shown = " ".join([tool, flag, *(v.text for v in values)])
                scan.unknown = scan.unknown or shown
            elif verdict[0] == MUTATING:
                scan.mutating = scan.mutating or verdict
            elif rule.verdict is not None and rule.verdict[0] == MUTATING:
                scan.listed = True
    return scan


def _free(rules: ToolRules, path: tuple[str, ...]) -> bool:
    """Whether any word after `path` is understood: after it or a subcommand path it
    extends. Asked at an unknown flag only, not for every word (the glob patterns make it
    cost: valgrind, the drafts of 1,000 generated documents, 4,380M -> 4,298M instructions)."""
    return any(rules.is_free(path[:depth]) for depth in range(len(path) + 1))


def _flag(
    rules: ToolRules, path: tuple[str, ...], text: str, following: Sequence[Word]
) -> tuple[int, list[tuple[str, FlagRule | None, tuple[Word, ...]]]]:
    """(how many following words it takes, [(flag, its rule, its values)]) for one word
    that starts with `-`: `--flag=value`, `--flag value`, `-n5`, `-sXPOST` (bundled),
    `-out=plan` (terraform's single-dash long flags)..."""
    if text.startswith("--"):
        return _long(rules, path, text, following)
    if _NUMBER.fullmatch(text):
        return 0, [(text, _lookup(rules, path, "-#"), ())]
    whole = _lookup(rules, path, text)  # `-name` of find, `-nv` of wget
    if whole is not None:
        return _values(text, whole, [], following)
    if "=" in text and _lookup(rules, path, text.partition("=")[0]) is not None:
        return _long(rules, path, text, following)
    found: list[tuple[str, FlagRule | None, tuple[Word, ...]]] = []
    for at in range(1, len(text)):
        if text[at].isdigit():  # `grep -c5`: a number among bundled flags
            if not text[at - 1].isdigit():
                found.append(("-#", _lookup(rules, path, "-#"), ()))
            continue
        flag = "-" + text[at]
        rule = _lookup(rules, path, flag)
        rest = text[at + 1 :]
        if rule is None:
            # The letters after an unknown flag may be its value; a changing flag among
            # them still counts (`perl -pi.bak`): calling more a change is safe.
            changing = [("-" + c, _lookup(rules, path, "-" + c), ()) for c in rest]
            changing = [f for f in changing if f[1] is not None and _changes(f[1])]
            return 0, [*found, (flag, None, ()), *changing]
        if rule.arity or (rule.attached is not None and rest):
            used, more = _values(flag, rule, [_text(rest)] if rest else [], following)
            return used, [*found, *more]
        found.append((flag, rule, ()))
    return 0, found


def _long(
    rules: ToolRules, path: tuple[str, ...], text: str, following: Sequence[Word]
) -> tuple[int, list[tuple[str, FlagRule | None, tuple[Word, ...]]]]:
    """`--flag`, `--flag value`, `--flag=value` (and `-flag=value`)."""
    name, eq, attached = text.partition("=")
    rule = _lookup(rules, path, name)
    if rule is None:
        return 0, [(name, None, ())]
    if rule.arity == 0 and _changes(rule):
        return 0, [(name, rule, ())]  # `--in-place=.bak`, `--output=FILE`: its value aside
    if eq:
        if rule.arity == 0 and rule.attached is None:
            if attached in ("true", "false"):  # Go flags: --watch=true
                return 0, [(name, rule, ())]
            return 0, [(text, None, ())]
        return _values(name, rule, [_text(attached)], following)
    return _values(name, rule, [], following)


def _changes(rule: FlagRule) -> bool:
    return rule.verdict is not None and rule.verdict[0] == MUTATING


def _values(
    flag: str, rule: FlagRule, given: list[Word], following: Sequence[Word]
) -> tuple[int, list[tuple[str, FlagRule | None, tuple[Word, ...]]]]:
    need = rule.arity - len(given) if rule.arity else 0
    if need > len(following):
        return len(following), [(flag, None, ())]
    return need, [(flag, rule, (*given, *following[:need]))]


def _lookup(rules: ToolRules, path: tuple[str, ...], flag: str) -> FlagRule | None:
    """The flag's rule in the subcommand, else in the ones above it, else tool-wide."""
    for depth in range(len(path), -1, -1):
        rule = rules.flags.get((path[:depth], flag))
        if rule is not None:
            return rule
    return None


def _flag_verdict(rule: FlagRule, values: tuple[Word, ...]) -> Verdict | None:
    if values and rule.values and all(literal(v) for v in values):
        listed = rule.values.get(" ".join(v.text for v in values))
        if listed is not None:
            return listed
    if values and rule.arity == 0:
        return rule.attached
    return rule.verdict


def _text(text: str) -> Word:
    return Word(text, (), False)
