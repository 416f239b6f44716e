"""The findings about a document's drafts: each command's class (a changing command under
diagnostics, one not known to only read, a block the parser cannot read), names that belong
to the generated script, failures `|| true` hides, symptoms no diagnostics step greps for,
and a runbook with steps but no diagnostics section."""

from __future__ import annotations

import re
from functools import lru_cache

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import (
    HIDDEN_FAILURE,
    MUTATING_DIAGNOSTIC,
    NO_DIAGNOSTICS,
    RESERVED_NAME,
    UNCLASSIFIED,
    UNCOVERED_SYMPTOM,
    UNPARSED_BLOCK,
)
from runbookc.model import CodeBlock, Document
from runbookc.scripts.classindex import CommandClasses, Verdict
from runbookc.scripts.commandclass import classify
from runbookc.scripts.lineindex import LineIndex
from runbookc.scripts.script import Param, Script, file_line
from runbookc.scripts.settings import ScriptSettings
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.symptoms import grep_regexes, symptom_lines
from runbookc.scripts.toolclasses import MUTATING, UNKNOWN

# Every name the generated script defines starts with this (any case: a parameter's option
# and environment names fold case, so `RB_YES` would be read from RUNBOOK_RB_YES too).
SCRIPT_PREFIX = "rb_"
_ASSIGNED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=")


def script_owned(name: str) -> bool:
    return name.lower().startswith(SCRIPT_PREFIX)


def command_findings(
    block: CodeBlock,
    content: str,
    lines: tuple[int, ...],
    role: str,
    params: tuple[Param, ...],
    config: ScriptSettings,
    path: str,
) -> tuple[list[Diagnostic], tuple[str, ...]]:
    """Diagnostics about the commands of a block's step (`content`, `lines`, `role` and
    `params` as its Script will have them), and the commands that change the system. Asked
    before the Script is built, which then is built once (a dataclass `replace` for each
    changing step: valgrind, the drafts of 1,000 generated documents, 3,645M -> 3,574M
    instructions without it)."""
    diags: list[Diagnostic] = []
    parsed = parse_block(content)
    changes: list[str] = []
    rows = LineIndex(content)
    fence = block.line
    classes, stubs = config.command_classes, config.stubs
    if parsed.error:
        changes.append("a block the parser cannot read")
        diags.append(
            UNPARSED_BLOCK(
                path,
                file_line(lines, fence, parsed.error_line),
                f"bash parser: {parsed.error}; if `bash -n` reads the block, its script runs "
                "it as one unit and asks for confirmation, else no script is written (RB410)",
            )
        )
    verdicts = _verdicts(content, classes, frozenset(p.name for p in params))
    for unit, unit_verdicts in zip(parsed.units, verdicts, strict=True):
        assigned = _ASSIGNED.match(content, unit.start)
        if assigned and script_owned(assigned.group(1)):
            diags.append(
                RESERVED_NAME(
                    path,
                    file_line(lines, fence, unit.line),
                    f"`{assigned.group(1)}`: names starting with `{SCRIPT_PREFIX}` (in any case) "
                    "belong to the generated script (its options, confirmation and checks)",
                    hint="rename the variable",
                )
            )
        for command, (verdict, key) in zip(unit.commands, unit_verdicts, strict=True):
            line = file_line(lines, fence, command.line)
            if verdict == MUTATING:
                changes.append(key)
                if role == "diagnostics":
                    diags.append(
                        MUTATING_DIAGNOSTIC(
                            path,
                            line,
                            f"`{key}` changes the system, but this block is under the "
                            f"diagnostics section '{block.section}'",
                            hint="move it to the mitigation section, or declare it read-only "
                            "in [tool.runbookc.scripts] read_only",
                        )
                    )
            elif verdict == UNKNOWN:
                changes.append(command.label)
                diags.append(
                    UNCLASSIFIED(
                        path,
                        line,
                        f"cannot tell whether `{command.label}` changes the system (`{key}` is "
                        "not known to only read); the step asks for confirmation and "
                        "`run.sh --diagnose` skips it",
                        hint="list it in [tool.runbookc.scripts] read_only or mutating",
                    )
                )
        if unit.kind == "tolerated":
            hidden = sorted({c.tool for c in unit.commands if c.tool in stubs and c.silent})
            if hidden:
                operator = content.find("||", unit.end)
                diags.append(
                    HIDDEN_FAILURE(
                        path,
                        file_line(lines, fence, rows.line(operator)),
                        f"`|| true` hides a failing {', '.join(hidden)}: with its stderr sent "
                        "to /dev/null the step prints nothing and succeeds even when it "
                        "cannot reach the system",
                        column=operator - content.rfind("\n", 0, operator),
                        hint="drop `|| true` and `2>/dev/null`: the generated script treats "
                        "grep's 'no matches' as success and reports real failures",
                    )
                )
    return diags, tuple(dict.fromkeys(changes))


# Pure, and runbooks repeat their blocks as parse_block caches them: one in six to one in four of
# the blocks of two public runbook collections repeat one before them, three in four of the
# generated corpus (where this saved 3% of a document's time).
@lru_cache(maxsize=8192)
def _verdicts(
    content: str, classes: CommandClasses, names: frozenset[str]
) -> tuple[tuple[Verdict, ...], ...]:
    """The class of each command of each unit of a block, with `names` its parameters."""
    return tuple(
        tuple(classify(command, classes, names) for command in unit.commands)
        for unit in parse_block(content).units
    )


def symptom_coverage(
    document: Document, scripts: list[Script], config: ScriptSettings
) -> list[Diagnostic]:
    """Every symptom must be caught by the grep of some diagnostics step."""
    symptoms = symptom_lines(document, config)
    if not symptoms:
        return []
    patterns = [p for s in scripts if s.role == "diagnostics" for p in grep_regexes(s)]
    return [
        UNCOVERED_SYMPTOM(
            document.path,
            line,
            f"symptom `{text}` is not matched by the grep of any diagnostics step",
            column=column,
            hint="add it to a diagnostics step's grep -E pattern",
        )
        for text, line, column in symptoms
        if not any(p.search(text) for p in patterns)
    ]


def diagnostics_section(document: Document, line: int, config: ScriptSettings) -> list[Diagnostic]:
    """A runbook with steps needs a section whose role is diagnostics: its read-only steps
    are what `run.sh --diagnose` runs, and the only ones held to being read-only."""
    headings = document.parsed.headings
    if any(config.role((h.text, h.role)) == "diagnostics" for h in headings):
        return []
    names = [f"{h.text} {{role={h.role}}}" if h.role else h.text for h in headings if h.level <= 3]
    shown = ", ".join(f"'{n}'" for n in names[:_HEADINGS_SHOWN])
    more = f" and {len(names) - _HEADINGS_SHOWN} more" if len(names) > _HEADINGS_SHOWN else ""
    return [
        NO_DIAGNOSTICS(
            document.path,
            line,
            "the runbook has shell blocks but no diagnostics section, so `run.sh --diagnose` "
            f"runs nothing (its headings: {shown or 'none'}{more})",
            hint="mark the section that checks the system: `## Checks {role=diagnostics}`, "
            "or add its heading to `diagnostics` in [tool.runbookc.sections]",
        )
    ]


_HEADINGS_SHOWN = 12
