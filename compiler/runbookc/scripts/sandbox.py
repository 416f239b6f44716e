"""Run a generated script where it cannot touch anything: inside kernel isolation
(isolation.py: read-only host, no network, the stubs mounted over every host copy of
their tools), in a temp dir, with a PATH of stub commands that record their argv and
links to the few real tools a block may use.

Three scenarios: the stubbed tools print nothing ("empty"), print the runbook's symptom
lines ("symptoms"), or fail with exit 1 and a message on stderr ("fail"). `expectations`
says what each scenario must give for a script; `check` compares and makes diagnostics.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog import SANDBOX_CALLS, SANDBOX_RESULT, SANDBOX_SKIPPED, SANDBOX_TOOL
from runbookc.scripts.draft import Script, grep_regexes
from runbookc.scripts.isolation import bwrap_binary, host_copies, isolated
from runbookc.scripts.settings import BASH_BUILTINS, NO_MATCH_TOOLS, ScriptSettings
from runbookc.scripts.shellcommands import Command
from runbookc.scripts.shellparams import required_env

SCENARIOS = ("empty", "symptoms", "fail")
ANY_REST = "\0..."  # in an expected argv: any words from here on (argv cannot hold NUL)
TIMEOUT = 120  # seconds: a safety net against a hanging block, not a speed assertion


_SAFE_WRITES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
# Commands that run other commands the block does not show: a sourced file's, or an awk
# program's (`system()`, `print | "cmd"`, `"cmd" | getline`, `|&`).
_SOURCES = frozenset({".", "source"})
_AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
_AWK_RUNS = re.compile(r"\bsystem\s*\(|\|\s*getline|\|&|\bprintf?\b[^;{}|]*\|(?!\|)")

_STUB = """#!{bash}
# A sandbox stub: records its argv, then acts out the scenario.
LC_ALL=C
rb_record="$#"
for rb_arg in "${{0##*/}}" "$@"; do rb_record+=" ${{#rb_arg}}:$rb_arg"; done
printf '%s\\n' "$rb_record" >>"$RB_SANDBOX_CALLS"
case $RB_SANDBOX_SCENARIO in
  symptoms)
    while IFS= read -r rb_line; do printf '%s\\n' "$rb_line"; done <"$RB_SANDBOX_SYMPTOMS"
    ;;
  fail)
    printf '%s: error: the sandbox makes this tool fail\\n' "${{0##*/}}" >&2
    exit 1
    ;;
esac
exit 0
"""


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


def blockers(script: Script, config: ScriptSettings) -> list[Diagnostic]:
    """Why a script must not run in the sandbox (empty: it may)."""
    found: list[Diagnostic] = []
    allowed = config.stubs | set(config.real_tools) | BASH_BUILTINS
    for unit in script.parsed.units:
        for command in unit.commands:
            line = script.file_line(command.line)
            programs = [*command.runners, command.program] if command.tool else []
            for program in programs:
                if "/" in program or program not in allowed:
                    found.append(
                        SANDBOX_TOOL(
                            script.path,
                            line,
                            f"`{program}` is neither a sandbox stub nor an allowed real "
                            "tool; the script was not run",
                            hint="add it to [tool.runbookc.scripts] stub (or real_tools)",
                        )
                    )
            hidden = _hidden_commands(command)
            if hidden:
                found.append(
                    SANDBOX_SKIPPED(
                        script.path,
                        line,
                        f"{hidden}: the compiler cannot see its commands; "
                        "the sandbox does not run this script",
                        hint="write the commands into the block itself",
                    )
                )
            for target in command.writes:
                if target.startswith("/") and target not in _SAFE_WRITES:
                    found.append(
                        SANDBOX_SKIPPED(
                            script.path,
                            line,
                            f"writes to `{target}` outside its working directory; "
                            "the sandbox does not run this script",
                            hint="write under a relative path or $TMPDIR",
                        )
                    )
    if script.parsed.error:
        found.append(
            SANDBOX_SKIPPED(
                script.path,
                script.line,
                "the block cannot be parsed, so its commands are unknown; the sandbox does "
                "not run this script",
            )
        )
    return found


def _hidden_commands(command: Command) -> str:
    """Why `command` runs commands the block does not show ("" when it does not)."""
    if command.tool in _SOURCES:
        return f"`{command.tool}` runs the commands of a file"
    if command.tool in _AWKS:
        if any(w.text == "-f" or w.text.startswith("--file") for w in command.words):
            return f"`{command.tool} -f` runs a program from a file"
        if any(_AWK_RUNS.search(w.text) for w in command.words):
            return f"this `{command.tool}` program runs commands"
    return ""


class Sandbox:
    """A folder with stubs first on PATH and links to the allowed real tools only, run
    inside kernel isolation with the stubs mounted over every host copy of their tools."""

    def __init__(self, root: Path, config: ScriptSettings, symptoms: Iterable[str]) -> None:
        self.bwrap = bwrap_binary()  # raises IsolationUnavailable: never run without it
        self.root = root
        self.stubs = root / "stubs"
        self.real = root / "real"
        self.work = root / "work"
        for folder in (self.stubs, self.real, self.work, root / "home", root / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        bash = shutil.which("bash")
        if bash is None:
            raise RuntimeError("bash not found")
        self.bash = bash
        for tool in sorted(config.stubs):
            stub = self.stubs / tool
            stub.write_text(_STUB.format(bash=bash), encoding="utf-8")
            stub.chmod(0o755)
        needed = {os.path.realpath(bash)}  # what the sandbox runs for real, stubs excluded
        for tool in config.real_tools:
            found = shutil.which(tool)
            if found and tool not in config.stubs:
                target = os.path.realpath(found)  # shown inside even under a hidden folder
                (self.real / tool).symlink_to(target)
                needed.add(target)
        self.symptoms = root / "symptoms.txt"
        self.symptoms.write_text("".join(f"{s}\n" for s in symptoms), "utf-8")
        self.path = f"{self.stubs}:{self.real}"
        for tool in config.stubs:  # fail loudly rather than ever reach a real kubectl
            if shutil.which(tool, path=self.path) != str(self.stubs / tool):
                raise RuntimeError(f"sandbox PATH does not resolve {tool} to its stub")
        self.needed = tuple(sorted(needed))
        self.mounts = _stub_mounts(self.stubs, config.stubs, self.needed)

    def command(self, argv: Iterable[str]) -> list[str]:
        """The command line running `argv` isolated in the work dir: only the sandbox
        folder is writable (its stubs, links and symptoms are not)."""
        return isolated(
            self.bwrap,
            argv,
            writable=[str(self.root)],
            read_only=[str(self.stubs), str(self.real), str(self.symptoms), *self.needed],
            mounts=self.mounts,
            chdir=str(self.work),
        )

    def env(self, script: Script, scenario: str, calls: Path) -> dict[str, str]:
        """The whole environment of a sandboxed run: nothing leaks in from ours."""
        env = {
            "PATH": self.path,
            "HOME": str(self.root / "home"),
            "TMPDIR": str(self.root / "tmp"),
            "LC_ALL": "C.UTF-8",
            "RB_SANDBOX_CALLS": str(calls),
            "RB_SANDBOX_SCENARIO": scenario,
            "RB_SANDBOX_SYMPTOMS": str(self.symptoms),
        }
        for name, _ in required_env(script.content):
            env[name] = "1"  # a value the block demands with ${NAME:?...}
        return env

    def run(self, script: Script, scenario: str, args: Iterable[str] = ("--yes",)) -> RunResult:
        target = self.work / script.file_name
        target.write_bytes(script.text.encode("utf-8"))
        calls = self.root / f"calls-{scenario}-{script.number}.txt"
        calls.write_bytes(b"")
        env = self.env(script, scenario, calls)
        done = subprocess.run(
            self.command([self.bash, str(target), *args]),
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
        return RunResult(
            scenario,
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"),
            tuple(parse_calls(calls.read_bytes())),
        )


def _stub_mounts(
    stubs: Path, tools: Iterable[str], needed: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """(stub, host copy) for every host copy of every stubbed tool, found along the PATH
    `runbookc` itself was given (a trap or a tool there is replaced too)."""
    search = os.environ.get("PATH", "")
    mounts = []
    for tool in sorted(tools):
        for copy in host_copies(tool, search):
            if copy in needed:  # e.g. a multi-call binary that is also bash or a real tool
                raise RuntimeError(f"stubbing {tool} would replace {copy}, which the sandbox runs")
            mounts.append((str(stubs / tool), copy))
    return tuple(mounts)


def parse_calls(data: bytes) -> list[tuple[str, ...]]:
    """Records are `N len:arg len:arg ...` with byte lengths, one per line."""
    calls: list[tuple[str, ...]] = []
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        count = int(data[pos:space]) + 1
        pos = space
        argv: list[str] = []
        for _ in range(count):
            colon = data.index(b":", pos + 1)
            length = int(data[pos + 1 : colon])
            argv.append(data[colon + 1 : colon + 1 + length].decode("utf-8", "replace"))
            pos = colon + 1 + length
        calls.append(tuple(argv))
        pos += 1  # the newline
    return calls


def expectations(
    script: Script, config: ScriptSettings, symptoms: list[str]
) -> dict[str, Expected]:
    """What each scenario must give. A compound command (`if`, `for`, `!`, `a && b`) that
    calls a stub makes the recorded calls unpredictable, and its exit status when a tool
    fails is the block's own business; everything else is checked exactly."""
    values = script.values
    groups: list[tuple[str, list[tuple[str | None, ...]]]] = []
    for unit in script.parsed.units:
        stubbed = [c for c in unit.commands if c.tool in config.stubs]
        if stubbed:
            argvs = [_expected_argv(c, values) for c in stubbed]
            groups.append((unit.kind, argvs))
    predictable = all(kind != "compound" for kind, _ in groups)
    ordered = all(len(argvs) == 1 for _, argvs in groups)
    every = tuple(a for _, argvs in groups for a in argvs) if predictable else None
    no_match = tuple(
        f"no matches ({script.source}:{script.file_line(u.line)})"
        for u in script.parsed.units
        if u.kind != "compound"
        and any(t in NO_MATCH_TOOLS for t in u.stages)
        and any(c.tool in config.stubs for c in u.commands)
    )
    patterns = grep_regexes(script)
    shown = [s for s in symptoms if any(p.search(s) for p in patterns)]
    if any(u.stages and u.stages[-1] in config.stubs for u in script.parsed.units):
        shown = list(symptoms)  # a stub's output goes straight to stdout
    fail_calls: list[tuple[str | None, ...]] = []
    fail: Expected | None = None
    for kind, argvs in groups:
        fail_calls += argvs
        if kind == "compound":
            fail = Expected(None, None, False, (), ())
            break
        if kind != "tolerated":
            fail = Expected(1, tuple(fail_calls), ordered, (), ("step failed",))
            break
    if fail is None:
        tolerated = ("|| true",) if groups else ()
        fail = Expected(0, tuple(fail_calls), ordered, (), tolerated)
    return {
        "empty": Expected(0, every, ordered, (), no_match),
        "symptoms": Expected(0, every, ordered, tuple(dict.fromkeys(shown)), ()),
        "fail": fail,
    }


def check(script: Script, result: RunResult, expected: Expected) -> list[Diagnostic]:
    """Diagnostics for every way `result` differs from `expected`."""
    where = (script.path, script.line)
    name = f"{script.doc_id}/{script.file_name}"
    found: list[Diagnostic] = []
    scenario = result.scenario
    if expected.code is not None and result.code != expected.code:
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
    if expected.calls is not None and not _calls_match(
        result.calls, expected.calls, expected.ordered
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


def run_sandbox(
    scripts: list[Script],
    config: ScriptSettings,
    symptoms: dict[str, list[str]],
    jobs: int | None = None,
) -> list[Diagnostic]:
    """Run every script in every scenario, in parallel, each in its own sandbox. Raises
    IsolationUnavailable (before running anything) where bwrap cannot isolate them."""
    from concurrent.futures import ThreadPoolExecutor

    if scripts:
        bwrap_binary()

    def one(script: Script) -> list[Diagnostic]:
        blocked = blockers(script, config)
        if blocked:
            return blocked
        lines = symptoms.get(script.doc_id, [])
        wanted = expectations(script, config, lines)
        found: list[Diagnostic] = []
        with tempfile.TemporaryDirectory(prefix="runbookc-sandbox-") as tmp:
            try:
                box = Sandbox(Path(tmp), config, lines)
            except (RuntimeError, OSError) as exc:
                return [SANDBOX_RESULT(script.path, script.line, f"no sandbox: {exc}")]
            for scenario in SCENARIOS:
                try:
                    result = box.run(script, scenario)
                except subprocess.TimeoutExpired:
                    found.append(
                        SANDBOX_RESULT(
                            script.path,
                            script.line,
                            f"{script.doc_id}/{script.file_name} in the '{scenario}' "
                            f"scenario did not finish within {TIMEOUT} s",
                        )
                    )
                    continue
                found += check(script, result, wanted[scenario])
        return found

    with ThreadPoolExecutor(max_workers=jobs or None) as pool:  # 0 or None: one per CPU
        return [d for found in pool.map(one, scripts) for d in found]
