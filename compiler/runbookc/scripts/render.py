"""Script drafts -> the text of each step script (templates/scripts/step.sh.j2) with the
file line of each of its lines, and a runbook's entry script, run.sh."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

from runbookc.approvals.state import ApprovalState, Proof
from runbookc.model import Document
from runbookc.report.escape import printable, printable_lines
from runbookc.scripts.lineindex import LineIndex
from runbookc.scripts.script import Param, Script
from runbookc.scripts.sessions import Remote
from runbookc.scripts.settings import NO_MATCH_TOOLS
from runbookc.scripts.shellparams import set_names
from runbookc.scripts.shellparse import Unit
from runbookc.scripts.shellwords import NAME
from runbookc.scripts.symptoms import scan_patterns
from runbookc.scripts.target import LOOKUP_ARGS, kube_tool, own_targets
from runbookc.templating import package_templates

if TYPE_CHECKING:
    import jinja2


@cache
def script_templates() -> jinja2.Environment:
    env = package_templates("scripts")
    env.filters["sq"] = shell_quote
    env.filters["shown"] = printable_lines
    return env


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


# Variables whose value only exists while the commands run: bash's own changing ones and
# the positional and special parameters (`$1`, `$?`, `$#`).
_RUNTIME = frozenset(
    {"RANDOM", "SRANDOM", "SECONDS", "LINENO", "BASHPID", "EPOCHSECONDS", "EPOCHREALTIME"}
    | {"PIPESTATUS", "BASH_COMMAND", "REPLY", "OPTARG", "OPTIND"}
)


def computed_when_run(script: Script, name: str) -> bool:
    """Whether a variable the block expands has its value only when the commands run: the
    block sets it (`rev=$(...)`), bash does, or it is the script's own (`rb_`)."""
    return (
        not NAME.fullmatch(name)
        or name in _RUNTIME
        or name.lower().startswith("rb_")
        or name in set_names(script.content)
    )


def environment_refs(script: Script) -> list[str]:
    """The variables the block reads from the environment as they are (`$HOME`,
    `$KUBECONFIG`): --dry-run and the prompt show their values (`rb_e_<name>`)."""
    params = {p.name for p in script.params}
    names = {n for u in script.parsed.units for _, _, n in u.refs}
    return sorted(n for n in names - params if not computed_when_run(script, n))


def _display(script: Script, unit: Unit) -> str:
    """A shell expression printing the unit with every variable filled in. A parameter
    shows its value; a quoted word that is just a text parameter (`"$selector"`) shows
    `rb_q_<name>`: its value, quoted when it is not one plain word, so `tier in (db,cache)`
    reads as one argument. A variable from the environment shows its value then
    (`rb_e_<name>`); one known only when the commands run says so; a control character, escaped."""
    names = {p.name for p in script.params}
    texts = {p.name for p in script.params if p.text}
    parts: list[str] = []  # an expansion, or literal text (quoted when joined)
    literal = ""
    cursor = unit.start
    for start, end, name in sorted(unit.refs):
        if start < cursor:
            continue
        literal += script.content[cursor:start]
        cursor = end
        whole = script.content[start] == '"'
        if name not in names and computed_when_run(script, name):
            shown = f"<${name}, computed when it runs>"
            literal += f'"{shown}"' if whole else shown
            continue
        parts += [shell_quote(printable_lines(literal))] if literal else []
        literal = ""
        if name not in names:
            parts.append(f'"$rb_e_{name}"')
        else:
            parts.append(f'"$rb_q_{name}"' if whole and name in texts else f'"${name}"')
    literal += script.content[cursor : unit.shown_end]
    parts += [shell_quote(printable_lines(literal))] if literal else []
    return "".join(parts) or "''"


def approval_lines(document: Document, state: ApprovalState) -> tuple[str, list[str]]:
    """The header's approval line and banner (none when approved or not required), escaped."""
    request = printable(state.request_id or "none")
    if state.status == "none":
        return "none (the document has no approvals block)", []
    if state.status == "approved":
        by = ", ".join(
            f"{a.role} {a.by} on {a.at}{'' if a.proof is Proof.SIGNED else ', unsigned claim'}"
            for a in state.approvers
            if a.counts
        )
        return f"approved (request {request}; by {printable(by) or 'nobody'})", []
    missing = ", ".join(state.missing) or "none"
    what = (
        "has a STALE approval" if state.status == "stale" else f"is NOT APPROVED ({state.status})"
    )
    return f"{state.status} (request {request}; missing: {missing})", [
        f"!! WARNING: runbook {document.doc_id} {what}.",
        f"!! Approval request: {request}; approval missing from: {missing}.",
        "!! Check with the incident lead before you rely on this script.",
    ]


@dataclass(frozen=True)
class _Emitted:
    """A unit as the script runs it: its comments, its text, and their block lines."""

    unit: Unit
    text: str
    lines: tuple[int, ...]  # 0-based block line of each line of `text`


def _emitted(script: Script) -> list[_Emitted]:
    """The units to run (parameters left out), each with the block's comments before it
    and a comment at the end of its line kept, so the script reads like the runbook."""
    content = script.content
    block_lines = content.split("\n")
    rows = LineIndex(content)
    out: list[_Emitted] = []
    previous_last = -1
    for unit in script.parsed.units:
        first = unit.line
        last = rows.line(unit.shown_end)
        lead = [
            k for k in range(previous_last + 1, first) if block_lines[k].lstrip().startswith("#")
        ]
        previous_last = last
        if unit.kind == "assign" and _is_param(script, unit):
            continue
        body = content[unit.start : unit.end]
        rest = block_lines[last][unit.shown_end - (content.rfind("\n", 0, unit.shown_end) + 1) :]
        if rest.strip().startswith("#"):
            body += "  " + rest.strip()
        text = "\n".join([*(block_lines[k] for k in lead), body])
        lines = (*lead, *range(first, last + 1))
        out.append(_Emitted(unit, text, lines))
    return out


def _handoff(script: Script, remote: Remote) -> str:
    """What the operator reads where the block goes on in a remote shell."""
    typed = "\n".join(f"    {line}" for c in remote.commands for line in c.split("\n"))
    opening = (
        f"Open the shell:\n    {remote.opener}\n"
        if remote.opener
        else "Its prompt is a container's or node's shell: open it as an earlier step says.\n"
    )
    return (
        f"From {script.source}:{remote.line}, the runbook goes on in a remote shell; this "
        f"script does not run that part.\n{opening}"
        + (f"Then type there:\n{typed}" if typed else "Then work in it as the runbook says.")
    )


def _handoffs_before(emitted: list[_Emitted], remotes: tuple[Remote, ...]) -> list[list[int]]:
    """For each unit, then for the end of the script: the remote parts that come before it
    (a remote part sits after the `at` local lines before it)."""
    out: list[list[int]] = [[] for _ in range(len(emitted) + 1)]
    for number, remote in enumerate(remotes):
        index = next((i for i, e in enumerate(emitted) if e.unit.line >= remote.at), len(emitted))
        out[index].append(number)
    return out


# The exit statuses of a step beyond 0-4 (see _help): those of coreutils' `timeout` and of
# a shell whose command got Ctrl-C, so wrappers and run.sh read them the usual way.
TIMED_OUT = 124
INTERRUPTED = 130


def render_step(
    script: Script,
    document: Document,
    state: ApprovalState,
    digest: str,
    timeout: int,
    symptoms: list[str],
) -> Script:
    """The step's script. `symptoms`: the runbook's symptom lines, which a read-only step
    looks for in its commands' output (with its own greps' signatures: symptoms.py)."""
    approval, banner = approval_lines(document, state)
    emitted = _emitted(script)
    handoffs = _handoffs_before(emitted, script.remotes)
    text = (
        script_templates()
        .get_template("step.sh.j2")
        .render(
            s=script,
            digest=digest,
            approval=approval,
            banner=banner,
            kube=kube_tool(script),
            kube_own=[printable(t) for t in own_targets(script)],
            changes=printable(", ".join(script.changes)),
            lookup=" ".join(shell_quote(a) for a in LOOKUP_ARGS),
            units=[
                {
                    "text": e.text,
                    "line": script.file_line(e.unit.line),
                    "display": _display(script, e.unit),
                    "tools": " ".join(t or "-" for t in e.unit.stages) or "-",
                    "mode": {"tolerated": "tolerate", "compound": "status"}.get(
                        e.unit.kind, "check"
                    ),
                    "handoffs": handoffs[index],
                }
                for index, e in enumerate(emitted)
            ],
            handoffs=[printable_lines(_handoff(script, r)) for r in script.remotes],
            final_handoffs=handoffs[-1],
            params_comment=[
                f"{u.assignment[0]}={u.assignment[1]}"
                for u in script.parsed.units
                if u.kind == "assign" and u.assignment and _is_param(script, u)
            ],
            help=printable_lines(_help(script, timeout)),
            timeout=timeout,
            timed_out=TIMED_OUT,
            interrupted=INTERRUPTED,
            required=[p for p in script.params if p.required],
            no_match_tools=" | ".join(sorted(NO_MATCH_TOOLS)),
            # A step that changes the system keeps its output on the terminal (an editor,
            # a prompt): only read-only steps pass theirs through the scan.
            scan=[] if script.mutating else scan_patterns(script, symptoms),
            environment=environment_refs(script),
        )
    )
    lines = _line_map(script, text, emitted)
    return replace(script, text=text, line_map=lines, approval=approval)


def _is_param(script: Script, unit: Unit) -> bool:
    return unit.assignment is not None and any(
        p.name == unit.assignment[0] and p.default == unit.assignment[1] for p in script.params
    )


# How much of a session's output --help repeats: enough to recognise it, not a log dump.
SHOWN_LINES = 12


def _help(script: Script, timeout: int) -> str:
    usage = " ".join(
        [f"Usage: {script.file_name} [--dry-run] [--yes] [--timeout SECONDS]"]
        + [f"--{p.flag} VALUE" if p.required else f"[--{p.flag} VALUE]" for p in script.params]
    )
    out = [usage, "", f"Step {script.number} of {script.doc_id}: {script.title}"]
    out.append(f"From {script.source}:{script.line} ({script.section or 'no section'}).")
    intro = script.intro.strip()
    if intro and re.sub(r"^(\d+[.)]|[-*+])\s+", "", intro) != script.title:
        out += ["", intro]
    if script.shown:
        out += ["", "What the runbook shows these commands printing:"]
        # Pasted output may carry terminal escapes: shown escaped, never sent raw.
        out += [f"  {printable(line.strip())}" for line in script.shown[:SHOWN_LINES]]
        if len(script.shown) > SHOWN_LINES:
            out.append(f"  ... ({len(script.shown) - SHOWN_LINES} more lines in the runbook)")
    if script.params:
        out += ["", "Parameters (option, then environment variable, then default):"]
        for p in script.params:
            out.append(f"  --{p.flag} VALUE  ${p.env}  {_param_help(p)}")
        if any(p.required for p in script.params):
            out.append("A required value not given is asked for on a terminal; else exit 2.")
    out += [
        "",
        "Options:",
        "  --dry-run   print the commands with the parameters filled in; run nothing",
        "  -y, --yes   do not ask before commands that change the system",
        "  --timeout SECONDS",
        "              end a command (its whole process group) that runs longer than this;",
        f"              0: no limit (default: $RUNBOOK_TIMEOUT, else {timeout})",
        "  --no-banner leave out the approval warning (run.sh shows it once per run)",
        "  -h, --help  show this help",
        "",
        "Changes the system: " + (", ".join(script.changes) if script.mutating else "no"),
        "Outcome (the last line): ok, symptom found (the output lines showing the runbook's",
        "symptoms), no matches (a grep found nothing), warning (a failure the runbook",
        "tolerates with || true), failed, timed out, interrupted or skipped.",
        "Exit status: 0 done (ok, symptom found, no matches or warning),",
        "1 a command failed (a runbook line's own `exit N` too), 2 bad arguments, 3 not confirmed,"
        + (
            "\n4 stopped where the runbook goes on in a remote shell (run that part by hand),"
            if script.remotes
            else ""
        ),
        f"{TIMED_OUT} a command timed out, {INTERRUPTED} interrupted (Ctrl-C).",
    ]
    return "\n".join(out)


def _param_help(param: Param) -> str:
    if not param.required:
        return f"default: {param.default}"
    also = f" (${param.name} also counts)" if param.inherited else ""
    return f"required{also}: {param.about}"


def _line_map(script: Script, text: str, emitted: list[_Emitted]) -> tuple[int, ...]:
    """File line of each script line: the block's own lines map to the runbook, the
    generated ones to 0. The lines of unit i follow the template's `rb_at i` line."""
    lines = text.split("\n")
    result = [0] * len(lines)
    at = 0  # where the next marker is looked for: past the previous unit's lines
    for index, unit in enumerate(emitted):
        try:
            at = lines.index(f"rb_at {index}", at) + 1  # a C-speed scan, not a loop
        except ValueError:
            break
        mapped = [script.file_line(k) for k in unit.lines][: len(lines) - at]
        result[at : at + len(mapped)] = mapped
        at += len(mapped)
    return tuple(result)


def entry_script(doc_id: str, scripts: list[Script], commit: str = "unknown") -> str:
    """run.sh. `commit`: the git commit of the runbook's source at build time, for the
    incident record."""
    first = scripts[0]
    usage, listing = map(printable_lines, _entry_help(doc_id, scripts))
    diagnose = [s for s in scripts if s.role == "diagnostics" and not s.mutating]
    return (
        script_templates()
        .get_template("run.sh.j2")
        .render(
            doc_id=doc_id,
            source=first.source,
            scripts=scripts,
            diagnose=diagnose,
            commit=commit,
            approval=first.approval,
            kube=next((k for k in map(kube_tool, diagnose) if k), ""),
            lookup=" ".join(shell_quote(a) for a in LOOKUP_ARGS),
            usage=usage,
            listing=listing,
            params=_entry_params(scripts),
            timed_out=TIMED_OUT,
            interrupted=INTERRUPTED,
        )
    )


def _entry_params(scripts: list[Script]) -> list[tuple[str, str]]:
    """(option, environment variable) of every step's parameters: run.sh --diagnose takes
    the options and hands each value to the steps through its variable, which they check."""
    return sorted({(p.flag, p.env) for s in scripts for p in s.params})


def _entry_help(doc_id: str, scripts: list[Script]) -> tuple[str, str]:
    """run.sh's usage text and its list of steps."""
    width = max(len(s.file_name) for s in scripts)
    steps = [
        f"  {s.file_name:<{width}}  {s.role or '-':<12} "
        f"{'mutating' if s.mutating else 'read-only':<9}  {s.title}"
        for s in scripts
    ]
    out = [
        "Usage: run.sh [--list]                list the steps",
        "       run.sh --diagnose [--out DIR] [--timeout SECONDS] [--dry-run] [--archive]",
        "                     [PARAMETERS]     run every read-only diagnostics step in order",
        "                                      and save each one's output, each line with its",
        "                                      UTC time, under DIR",
        f"                                      (default: ./incident-{doc_id}-<UTC time>),",
        "                                      with summary.txt and summary.json (target,",
        "                                      user, host, commit, parameters, approval, each",
        "                                      step's outcome); --archive: also DIR.tar.gz;",
        "                                      a step timed out (--timeout: each command's",
        "                                      limit) or interrupted (Ctrl-C) is recorded",
        "                                      and the run goes on; a second Ctrl-C stops it;",
        "                                      --dry-run: print each step's commands, run",
        "                                      nothing, save nothing",
        "       run.sh STEP [OPTIONS]          run one step (number or name) with its options",
        "Exit status of --diagnose: 0 every step ran and none found a symptom, 1 a step",
        "failed, timed out or was interrupted, 2 bad arguments, 5 a symptom found (and no",
        "step failed), 6 the archive could not be written.",
    ]
    params = _entry_params(scripts)
    if params:
        out += ["", "Parameters of the steps (--diagnose hands them to every step that has it):"]
        out += [f"  --{flag} VALUE  (or ${env})" for flag, env in params]
    listing = [f"Steps of {doc_id} ({scripts[0].source}):", *steps]
    return "\n".join(out), "\n".join(listing)
