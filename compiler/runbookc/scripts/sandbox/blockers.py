"""Why a script must not run in the sandbox: a program that is neither a stub, an allowed
real tool nor a function the block defines, commands the block does not show (a program
named by an expansion, a sourced file, an awk program that runs commands), a write outside
the work dir, a block the parser cannot read."""

from __future__ import annotations

import re

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import SANDBOX_SKIPPED, SANDBOX_TOOL
from runbookc.scripts.bashtree import Source, node_text, parse, walk
from runbookc.scripts.script import Script
from runbookc.scripts.settings import BASH_BUILTINS, ScriptSettings
from runbookc.scripts.shellcommands import Command

_SAFE_WRITES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
# Commands that run other commands the block does not show: a sourced file's, or an awk
# program's (`system()`, `print | "cmd"`, `"cmd" | getline`, `|&`).
_SOURCES = frozenset({".", "source"})
_AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
_AWK_RUNS = re.compile(r"\bsystem\s*\(|\|\s*getline|\|&|\bprintf?\b[^;{}|]*\|(?!\|)")


def blockers(script: Script, config: ScriptSettings) -> list[Diagnostic]:
    """Why a script must not run in the sandbox (empty: it may)."""
    found: list[Diagnostic] = []
    # a function the block defines: its commands are among the block's, checked themselves
    allowed = config.stubs | set(config.real_tools) | BASH_BUILTINS | _functions(script.content)
    for unit in script.parsed.units:
        for command in unit.commands:
            line = script.file_line(command.line)
            programs = [*command.runners, command.program] if command.tool else []
            for program in programs:
                if "$" in program or "`" in program:
                    found.append(
                        SANDBOX_SKIPPED(
                            script.path,
                            line,
                            f"`{program}` names the program only when the block runs; the "
                            "compiler cannot see its commands, so the sandbox does not run "
                            "this script",
                            hint="write the command into the block itself",
                        )
                    )
                elif "/" in program or program not in allowed:
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


def _functions(content: str) -> frozenset[str]:
    """The names of the functions the block defines."""
    root = parse(Source(content)).nodes[0]
    return frozenset(
        node_text(name)
        for node in walk(root)
        if node.type == "function_definition"
        and (name := node.child_by_field_name("name")) is not None
    )


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
