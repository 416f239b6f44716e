"""What a sandboxed run of a script must give in each scenario (`expectations`, read from
the block: the stub calls, exit status, output and notes), and the diagnostics for every way
a run differs from that (`check`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import SANDBOX_CALLS, SANDBOX_RESULT
from runbookc.scripts.sandbox.reach import reaches
from runbookc.scripts.script import Script
from runbookc.scripts.settings import NO_MATCH_TOOLS, ScriptSettings
from runbookc.scripts.shellcommands import Command
from runbookc.scripts.symptoms import grep_regexes

ANY_REST = "\0..."  # in an expected argv: any words from here on (argv cannot hold NUL)


@dataclass(frozen=True)
class RunResult:
    scenario: str
    code: int
    stdout: str
    stderr: str
    calls: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Expected:
    code: int | None  # None: the block decides (a compound command such as `if`/`!` ran)
    calls: tuple[tuple[str | None, ...], ...] | None  # None: unpredictable; a None word:
    # a value the compiler cannot know
    ordered: bool
    stdout_lines: tuple[str, ...]  # lines that must appear on stdout
    stderr_notes: tuple[str, ...]  # texts that must appear on stderr


def expectations(
    script: Script, config: ScriptSettings, symptoms: list[str]
) -> dict[str, Expected]:
    """What each scenario must give. A compound command (`if`, `for`, `!`, `a && b`), a
    stub called in a loop or branch, or a real tool reading a host path (reach.py) makes
    the recorded calls unpredictable, and the exit status then is the block's own business;
    so is that of a unit whose stubs all run inside `$(...)` (bash drops their status, but
    for `NAME=$(... | stub)`). Everything else is checked exactly. A block that goes on in a
    remote shell runs up to there and stops with exit status 4 (no terminal)."""
    values = script.values
    stop = script.remotes[0].at if script.remotes else None
    units = [u for u in script.parsed.units if stop is None or u.line < stop]
    done, notes = (0, ()) if stop is None else (4, ("stopped: run the commands above",))
    stubs = frozenset(config.stubs)
    groups: list[tuple[str, list[tuple[str | None, ...]]]] = []
    reached = reaches(script.content, units, stubs)
    for unit, reach in zip(units, reached, strict=True):
        stubbed = [c for c in unit.commands if c.tool in stubs]
        kind = unit.kind if reach.predictable else "compound"
        if kind in ("run", "tolerated") and stubbed and not reach.direct:
            kind = "run" if reach.propagated and kind == "run" else "hidden"
        if stubbed or not reach.predictable:
            argvs = [_expected_argv(c, values) for c in stubbed]
            groups.append((kind, argvs))
    if any(reach.host for reach in reached):  # the test machine decides every scenario
        unknown = Expected(None, None, False, (), ())
        return {"empty": unknown, "symptoms": unknown, "fail": unknown}
    predictable = all(kind != "compound" for kind, _ in groups)
    ordered = all(len(argvs) == 1 for _, argvs in groups)
    every = tuple(a for _, argvs in groups for a in argvs) if predictable else None
    no_match = tuple(
        f"no matches ({script.source}:{script.file_line(u.line)})"
        for u in units
        if u.kind != "compound"
        and any(t in NO_MATCH_TOOLS for t in u.stages)
        and any(c.tool in config.stubs for c in u.commands)
    )
    patterns = grep_regexes(script)
    shown = [s for s in symptoms if any(p.search(s) for p in patterns)]
    if any(u.stages and u.stages[-1] in config.stubs for u in units):
        shown = list(symptoms)  # a stub's output goes straight to stdout
    fail_calls: list[tuple[str | None, ...]] = []
    fail: Expected | None = None
    for kind, argvs in groups:
        fail_calls += argvs
        if kind == "compound":
            fail = Expected(None, None, False, (), ())
            break
        if kind == "hidden":  # the stubs fail, the step goes on or not: the block decides
            fail = Expected(None, None, False, (), ())
            break
        if kind != "tolerated":
            fail = Expected(1, tuple(fail_calls), ordered, (), ("step failed",))
            break
    if fail is None:
        tolerated = ("|| true",) if groups else ()
        fail = Expected(done, tuple(fail_calls), ordered, (), (*tolerated, *notes))
    return {
        "empty": Expected(done, every, ordered, (), (*no_match, *notes)),
        "symptoms": Expected(done, every, ordered, tuple(dict.fromkeys(shown)), notes),
        "fail": fail,
    }


def check(script: Script, result: RunResult, expected: Expected) -> list[Diagnostic]:
    """Diagnostics for every way `result` differs from `expected`."""
    where = (script.path, script.line)
    name = f"{script.doc_id}/{script.file_name}"
    found: list[Diagnostic] = []
    scenario = result.scenario
    # A run that ended otherwise than expected took another path: its calls differ too,
    # and saying so again adds nothing
    code_differs = expected.code is not None and result.code != expected.code
    if code_differs:
        tail = (result.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        found.append(
            SANDBOX_RESULT(
                *where,
                f"{name} in the '{scenario}' scenario exited {result.code}, "
                f"expected {expected.code}: {tail}",
            )
        )
    for line in expected.stdout_lines:
        if line not in result.stdout.splitlines():
            found.append(
                SANDBOX_RESULT(
                    *where, f"{name} in the '{scenario}' scenario did not print `{line}`"
                )
            )
    for note in expected.stderr_notes:
        if note not in result.stderr:
            found.append(
                SANDBOX_RESULT(
                    *where, f"{name} in the '{scenario}' scenario did not report '{note}'"
                )
            )
    if (
        expected.calls is not None
        and not code_differs
        and not _calls_match(result.calls, expected.calls, expected.ordered)
    ):
        found.append(
            SANDBOX_CALLS(
                *where,
                f"{name} in the '{scenario}' scenario ran {_show(result.calls)}; "
                f"the block says {_show(expected.calls)}",
            )
        )
    return found


def _calls_match(
    got: tuple[tuple[str, ...], ...], want: tuple[tuple[str | None, ...], ...], ordered: bool
) -> bool:
    if len(got) != len(want):
        return False
    if ordered:
        return all(_argv_match(g, w) for g, w in zip(got, want, strict=True))
    left = list(got)
    for w in want:
        match = next((g for g in left if _argv_match(g, w)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def _expected_argv(command: Command, values: dict[str, str]) -> tuple[str | None, ...]:
    """The argv a stub should record. An unquoted expansion other than a known parameter
    (whose values are plain words) may become any number of words: a glob, `~`, `$(...)`
    or an unknown `$var`; everything from it on is ANY_REST."""
    argv: list[str | None] = [command.tool]
    for word in command.words:
        value = word.expand(values)
        if word.unquoted and (value is None or not word.params):
            return (*argv, ANY_REST)
        argv.append(value)
    return tuple(argv)


def _argv_match(got: tuple[str, ...], want: tuple[str | None, ...]) -> bool:
    if want and want[-1] == ANY_REST:
        head = want[:-1]
        return len(got) >= len(head) and _argv_match(got[: len(head)], head)
    return len(got) == len(want) and all(
        w is None or g == w for g, w in zip(got, want, strict=True)
    )


def _show(calls: Iterable[tuple[str | None, ...]]) -> str:
    shown = [
        "`" + " ".join("?" if a is None else "..." if a == ANY_REST else a for a in call) + "`"
        for call in calls
    ]
    return ", ".join(shown) or "nothing"
