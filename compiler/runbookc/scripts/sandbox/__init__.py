"""Run a generated script where it cannot touch anything: inside kernel isolation
(isolation.py: read-only host, no network, the stubs mounted over every host copy of
their tools), in a temp dir, with a PATH of stub commands that record their argv and
links to the few real tools a block may use.

Three scenarios: the stubbed tools print nothing ("empty"), print the runbook's symptom
lines ("symptoms"), or fail with exit 1 and a message on stderr ("fail").
blockers.py says which scripts must not run; expectations.py what each
scenario must give for a script, and compares.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import SANDBOX_RESULT
from runbookc.scripts.isolation import bwrap_binary, host_copies, isolated
from runbookc.scripts.sandbox.blockers import blockers
from runbookc.scripts.sandbox.expectations import RunResult, check, expectations
from runbookc.scripts.script import Script
from runbookc.scripts.settings import DEFAULT_STUBS, ScriptSettings
from runbookc.scripts.shellcommands import PREFIXES
from runbookc.scripts.target import is_lookup
from runbookc.scripts.toolclasses import ToolTraits, value_flags
from runbookc.scripts.verdicts import (
    Verdict,
    Verdicts,
    checked,
    file_signatures,
    tool_versions,
    verdict_key,
)

SCENARIOS = ("empty", "symptoms", "fail")
_WORD = re.compile(r"[A-Za-z0-9_.+-]+")  # a word that may name a tool
TIMEOUT = 120  # seconds: a safety net against a hanging block, not a speed assertion


# What every stub does: records its argv, then acts out the scenario.
_RECORD = """LC_ALL=C
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
_STUB = "#!{bash}\n# A sandbox stub: records its argv, then acts out the scenario.\n" + _RECORD

# A runner's stub (sudo, timeout, nice: words the parser takes as running the command after
# them) runs that command without recording itself, as the real one would, so the command's
# own stub records it; alone (`sudo -i`) it is a plain stub.
_RUNNER_STUB = (
    """#!{bash}
# A sandbox stub for a runner: skips its own flags, then runs the command after them.
rb_args=("$@")
while (($#)); do
  case $1 in
    --) shift; break ;;
    {value_flags}) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
{skip}while [[ $1 == [A-Za-z_]*=* ]]; do export "$1"; shift; done
(($#)) && exec "$@"
set -- "${{rb_args[@]}}"
"""
    + _RECORD
)


# The sandbox's `sleep` (a real tool a block may run) returns at once: a block's
# `sleep 30` (waiting for a rollout between two checks) would cost each scenario its 30
# seconds, and no verdict depends on waiting: the stubs answer at once whenever they are
# called and nothing else runs beside the script. Its status stays sleep's: 1 for what
# GNU sleep refuses (no operand, a word that is no duration).
_SLEEP = r"""#!{bash}
# The sandbox's sleep: checks its operands like sleep, then returns without waiting.
(($#)) || {{ printf 'sleep: missing operand\n' >&2; exit 1; }}
for rb_arg in "$@"; do
  if [[ ! $rb_arg =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)[smhd]?$|^inf(inity)?$ ]]; then
    printf 'sleep: invalid time interval %s\n' "$rb_arg" >&2
    exit 1
  fi
done
"""


class Stubs:
    """The stub commands and the links to the allowed real tools, made once and shared by
    every sandbox of a run (read-only inside each)."""

    def __init__(self, root: Path, config: ScriptSettings) -> None:
        self.stubs = root / "stubs"
        self.real = root / "real"
        for folder in (self.stubs, self.real):
            folder.mkdir(parents=True, exist_ok=True)
        bash = shutil.which("bash")
        if bash is None:
            raise RuntimeError("bash not found")
        self.bash = bash
        for tool in sorted(config.stubs):
            stub = self.stubs / tool
            stub.write_text(_stub_text(tool, bash, config), encoding="utf-8")
            stub.chmod(0o755)
        needed = {os.path.realpath(bash)}  # what the sandbox runs for real, stubs excluded
        for tool in config.real_tools:
            found = shutil.which(tool)
            if tool == "sleep" and tool not in config.stubs:
                (self.real / tool).write_text(_SLEEP.format(bash=bash), encoding="utf-8")
                (self.real / tool).chmod(0o755)
            elif found and tool not in config.stubs:
                target = os.path.realpath(found)  # shown inside even under a hidden folder
                (self.real / tool).symlink_to(target)
                needed.add(target)
        self.path = f"{self.stubs}:{self.real}"
        for tool in config.stubs:  # fail loudly rather than ever reach a real kubectl
            if shutil.which(tool, path=self.path) != str(self.stubs / tool):
                raise RuntimeError(f"sandbox PATH does not resolve {tool} to its stub")
        self.needed = tuple(sorted(needed))
        self.copies = _stub_mounts(self.stubs, config.stubs, self.needed)

    def mounts(self, block: str | None) -> tuple[tuple[str, str], ...]:
        """The stubs to mount over host copies for a run of `block` (None: all of them).
        The network and cluster clients (kubectl, curl, ssh...) are always replaced; any
        other tool only where the block names it, since each mount costs every run. A
        block that reaches a host tool it does not name (a name it builds at run time)
        runs the real one inside the wall: the host read-only, no network, only its own
        temp dir writable."""
        if block is None:
            return tuple(m for copies in self.copies.values() for m in copies)
        named = set(_WORD.findall(block))
        return tuple(
            m
            for tool, copies in self.copies.items()
            if tool in DEFAULT_STUBS or tool in named
            for m in copies
        )


class Sandbox:
    """A folder with stubs first on PATH and links to the allowed real tools only, run
    inside kernel isolation with the stubs mounted over every host copy of their tools."""

    def __init__(
        self,
        root: Path,
        config: ScriptSettings,
        symptoms: Iterable[str],
        stubs: Stubs | None = None,
    ) -> None:
        self.bwrap = bwrap_binary()  # raises IsolationUnavailable: never run without it
        self.root = root
        self.work = root / "work"
        for folder in (self.work, root / "home", root / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        self.tools = stubs or Stubs(root, config)
        self.stubs, self.real, self.bash = self.tools.stubs, self.tools.real, self.tools.bash
        self.path = self.tools.path
        self.symptoms = root / "symptoms.txt"
        self.symptoms.write_text("".join(f"{s}\n" for s in symptoms), "utf-8")

    def command(self, argv: Iterable[str], block: str | None = None) -> list[str]:
        """The command line running `argv` isolated in the work dir: only the sandbox
        folder is writable (its stubs, links and symptoms are not). `block`: the shell
        the run may reach (see Stubs.mounts)."""
        return isolated(
            self.bwrap,
            argv,
            writable=[str(self.root)],
            read_only=[str(self.stubs), str(self.real), str(self.symptoms), *self.tools.needed],
            mounts=self.tools.mounts(block),
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
        for param in script.params:
            if param.required:  # a value the block needs and never sets, under both
                # names: the script's, and the block's own (a block run alone reads that)
                env[param.env] = env[param.name] = script.values[param.name]
        return env

    def run(self, script: Script, scenario: str, args: Iterable[str] = ("--yes",)) -> RunResult:
        """One scenario's run; raises subprocess.TimeoutExpired if it did not finish."""
        done = self.run_scenarios(script, (scenario,), args)
        if scenario not in done:
            raise subprocess.TimeoutExpired(scenario, TIMEOUT)
        return done[scenario]

    def run_scenarios(
        self, script: Script, scenarios: Sequence[str], args: Iterable[str] = ("--yes",)
    ) -> dict[str, RunResult]:
        """The runs of `script` in each scenario, one after the other inside one isolated
        process (one bwrap start per script, not per scenario). A scenario missing from the
        result did not finish within TIMEOUT seconds each."""
        target = self.work / script.file_name
        target.write_bytes(script.text.encode("utf-8"))
        runs = self.root / f"runs-{script.number}"
        runs.mkdir(exist_ok=True)
        for scenario in scenarios:
            (runs / f"{scenario}.calls").write_bytes(b"")
        env = self.env(script, "", runs / "unused")  # the driver sets both per scenario
        argv = [self.bash, "-c", _DRIVER, "driver", str(runs), str(target), *scenarios]
        with contextlib.suppress(subprocess.TimeoutExpired):  # what ended has its status
            subprocess.run(
                self.command([*argv, "--", *args], script.content),
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT * len(scenarios),
                check=False,
            )
        results = {}
        for scenario in scenarios:
            code = runs / f"{scenario}.code"
            if code.is_file():
                results[scenario] = RunResult(
                    scenario,
                    int(code.read_text("ascii")),
                    (runs / f"{scenario}.out").read_bytes().decode("utf-8", "replace"),
                    (runs / f"{scenario}.err").read_bytes().decode("utf-8", "replace"),
                    # the block's calls: the script's own look-up of its kube context is not one
                    tuple(
                        c
                        for c in parse_calls((runs / f"{scenario}.calls").read_bytes())
                        if not is_lookup(c)
                    ),
                )
        return results


# Runs the script once per scenario named before `--`, with the arguments after it. Its
# variables are not exported: the script's environment is the sandbox's, but the two
# RB_SANDBOX_ names, which differ per scenario. The status file is written last, so one
# exists only for a run that ended.
_DRIVER = """rb_runs=$1 rb_script=$2
shift 2
rb_scenarios=()
while [[ $1 != -- ]]; do rb_scenarios+=("$1"); shift; done
shift
for rb_scenario in "${rb_scenarios[@]}"; do
  RB_SANDBOX_SCENARIO=$rb_scenario RB_SANDBOX_CALLS=$rb_runs/$rb_scenario.calls \\
    "$BASH" "$rb_script" "$@" </dev/null >"$rb_runs/$rb_scenario.out" \\
    2>"$rb_runs/$rb_scenario.err"
  printf '%s' "$?" >"$rb_runs/$rb_scenario.code"
done
"""


def _stub_text(tool: str, bash: str, config: ScriptSettings) -> str:
    if tool not in PREFIXES:
        return _STUB.format(bash=bash)
    values = sorted(value_flags(tool, (pattern for pattern, _ in config.classes)))
    duration = dict(config.traits).get(tool, ToolTraits()).wrapper == "duration"
    return _RUNNER_STUB.format(
        bash=bash,
        value_flags="|".join(values) or "--",
        skip="(($#)) && shift  # the duration\n" if duration else "",
    )


def _stub_mounts(
    stubs: Path, tools: Iterable[str], needed: tuple[str, ...]
) -> dict[str, tuple[tuple[str, str], ...]]:
    """Per stubbed tool, (stub, host copy) for every host copy of it, found along the PATH
    `runbookc` itself was given (a trap or a tool there is replaced too)."""
    search = os.environ.get("PATH", "")
    mounts: dict[str, tuple[tuple[str, str], ...]] = {}
    for tool in sorted(tools):
        for copy in host_copies(tool, search):
            if copy in needed:  # e.g. a multi-call binary that is also bash or a real tool
                raise RuntimeError(f"stubbing {tool} would replace {copy}, which the sandbox runs")
        mounts[tool] = tuple((str(stubs / tool), copy) for copy in host_copies(tool, search))
    return mounts


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


def run_sandbox(
    scripts: list[Script],
    config: ScriptSettings,
    symptoms: dict[str, list[str]],
    jobs: int | None = None,
    store: Verdicts | None = None,
) -> list[Diagnostic]:
    """Run every script in every scenario, in parallel, each in its own sandbox; the
    verdicts of scripts `store` has are reused. Raises IsolationUnavailable (before
    running anything) where bwrap cannot isolate them."""
    if not scripts:
        return []
    bwrap = bwrap_binary()

    def one(script: Script, tools: Stubs) -> Verdict:
        blocked = blockers(script, config)
        if blocked:
            return blocked, True
        lines = symptoms.get(script.doc_id, [])
        wanted = expectations(script, config, lines)
        found: list[Diagnostic] = []
        keep = True
        with tempfile.TemporaryDirectory(prefix="runbookc-sandbox-") as tmp:
            try:
                box = Sandbox(Path(tmp), config, lines, tools)
            except (RuntimeError, OSError) as exc:
                return [SANDBOX_RESULT(script.path, script.line, f"no sandbox: {exc}")], False
            results = box.run_scenarios(script, SCENARIOS)
            for scenario in SCENARIOS:
                if scenario not in results:
                    keep = False  # says how busy the machine was, not what the script does
                    found.append(
                        SANDBOX_RESULT(
                            script.path,
                            script.line,
                            f"{script.doc_id}/{script.file_name} in the '{scenario}' "
                            f"scenario did not finish within {TIMEOUT} s",
                        )
                    )
                    continue
                found += check(script, results[scenario], wanted[scenario])
        return found, keep

    def run(todo: list[Script]) -> list[Verdict]:
        with tempfile.TemporaryDirectory(prefix="runbookc-stubs-") as tmp:
            try:
                tools = Stubs(Path(tmp), config)
            except (RuntimeError, OSError) as exc:
                return [
                    ([SANDBOX_RESULT(s.path, s.line, f"no sandbox: {exc}")], False) for s in todo
                ]
            with ThreadPoolExecutor(max_workers=jobs or None) as pool:  # 0/None: one per CPU
                return list(pool.map(lambda script: one(script, tools), todo))

    host = host_fingerprint(bwrap, config)
    keys = [
        verdict_key("sandbox", s, host, *SCENARIOS, "\n".join(symptoms.get(s.doc_id, [])))
        for s in scripts
    ]
    return [d for found in checked(scripts, keys, run, store) for d in found]


def host_fingerprint(bwrap: str, config: ScriptSettings) -> str:
    """What a sandbox run depends on outside the script and the settings: the versions of
    bash and bwrap, the real tools it links to and the host copies its stubs replace (the
    PATH `runbookc` was given)."""
    bash = shutil.which("bash") or "bash"
    real = sorted({os.path.realpath(t) for t in map(shutil.which, config.real_tools) if t})
    search = os.environ.get("PATH", "")
    copies = [
        f"{tool}={copy}" for tool in sorted(config.stubs) for copy in host_copies(tool, search)
    ]
    return "\n".join((tool_versions(bash, bwrap), file_signatures(real), *copies))
