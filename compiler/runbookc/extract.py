"""Extract stage: a runbook's shell blocks -> standalone step scripts, the per-runbook entry
script and the manifest.

`plan_scripts` is pure (one document in, Script values and RB4xx diagnostics out);
lint calls `script_findings`, the same analysis without rendering, for every document
(a build's lint calls `plan_scripts` instead and keeps the plans, corpus.compile_and_plan);
`write_scripts` swaps the rendered output in.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

    from runbookc.cache import DocCache

from runbookc.approvals import ApprovalState, approval_state, content_digest
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.model import CodeBlock, Document
from runbookc.naming import script_name, valid_name
from runbookc.publish import reuse, staging, swap, write_new
from runbookc.registry import rule
from runbookc.scriptconfig import (
    MUTATING,
    NO_MATCH_TOOLS,
    UNKNOWN,
    CommandClasses,
    script_settings,
)
from runbookc.shellparse import (
    ParsedBlock,
    Unit,
    classify,
    grep_patterns,
    parse_block,
    required_env,
)

UNCLOSED_FENCE = rule("RB401", "unclosed-fence", Severity.ERROR, "A code fence is never closed")
DUPLICATE_NAME = rule(
    "RB402", "duplicate-script-name", Severity.ERROR, "Two steps of a runbook get the same name"
)
MUTATING_DIAGNOSTIC = rule(
    "RB403",
    "mutating-diagnostic",
    Severity.ERROR,
    "A diagnostics step runs a command that changes the system",
)
HIDDEN_FAILURE = rule(
    "RB404",
    "or-true-hides-failure",
    Severity.WARNING,
    "`2>/dev/null ... || true` hides a failing tool",
)
UNCOVERED_SYMPTOM = rule(
    "RB405",
    "uncovered-symptom",
    Severity.WARNING,
    "A symptom signature is not caught by any diagnostic step's grep",
)
CONSOLE_BLOCK = rule(
    "RB406", "console-block", Severity.INFO, "A console block: only its `$ ` lines are kept"
)
INVALID_NAME = rule(
    "RB407", "invalid-script-name", Severity.ERROR, "A step name is not a usable file name"
)
UNPARSED_BLOCK = rule(
    "RB408", "unparsed-shell", Severity.WARNING, "The shell parser cannot read a block"
)
UNCLASSIFIED = rule(
    "RB409",
    "unclassified-command",
    Severity.WARNING,
    "A command is neither known read-only nor known mutating",
)

SHELL_LANGS = frozenset({"bash", "sh", "shell", "zsh"})
CONSOLE_LANGS = frozenset({"console", "shell-session"})
RESERVED_PARAMS = frozenset({"help", "dry-run", "yes", "h", "y"})
SAFE_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
SAFE_VALUE = re.compile(r"^[A-Za-z0-9._/:@%+,=~-]+$")
_NAME_ATTR = re.compile(r"\{[^}]*\bname\s*=\s*\"?([^\s\"}]*)\"?[^}]*\}")


@dataclass(frozen=True)
class Param:
    name: str  # the shell variable
    default: str

    @property
    def flag(self) -> str:
        return self.name.lower().replace("_", "-")

    @property
    def env(self) -> str:
        return "RUNBOOK_" + self.name.upper()


@dataclass(frozen=True)
class Script:
    """One step: a shell block of a runbook, what the compiler knows about it, and the
    rendered script."""

    doc_id: str
    number: int
    name: str
    path: str  # the runbook as diagnostics name it (Document.path)
    source: str  # the runbook as scripts name it: relative to the project root
    line: int  # file line of the opening fence
    section: str
    subsection: str
    title: str
    intro: str  # the runbook text before the block
    role: str  # diagnostics | mitigation | verification | rollback | symptoms | ""
    mutating: bool
    changes: tuple[str, ...]  # the commands that make it mutating, e.g. "kubectl rollout undo"
    params: tuple[Param, ...]
    content: str  # the block's commands (a console block's `$ ` lines without the prompt)
    lines: tuple[int, ...]  # file line of each line of `content`
    parsed: ParsedBlock
    text: str = ""  # the rendered script
    line_map: tuple[int, ...] = ()  # file line of each script line (0: generated code)

    @property
    def file_name(self) -> str:
        return f"{self.number:02d}-{self.name}.sh"

    @property
    def values(self) -> dict[str, str]:
        return {p.name: p.default for p in self.params}

    def file_line(self, block_line: int) -> int:
        return self.lines[block_line] if 0 <= block_line < len(self.lines) else self.line


# A document's scripts and the static diagnostics about them.
Plan = tuple[list[Script], list[Diagnostic]]


def plan_store(settings: Settings) -> DocCache | None:
    """The cache of plans (None when the cache is off): `build` fills it while linting."""
    from runbookc.cache import DocCache, cache_dir

    folder = cache_dir(settings)
    return DocCache(folder / "scripts", settings) if folder is not None else None


def plan_key(salt: bytes, document: Document) -> str:
    """A document's key in the plan store (the salt covers the compiler and settings)."""
    from runbookc.cache import content_key

    return content_key(salt, document.path, document.text.encode())


def plan_scripts(document: Document, settings: Settings) -> Plan:
    """The scripts of one document, rendered, and the static diagnostics about them. No I/O.

    A document whose doc_id cannot name a folder gets none (the schema reports the id)."""
    drafts, diags = _analyse(document, settings)
    if not drafts:
        return [], diags
    state = approval_state(document)
    digest = content_digest(document)
    return [_render(s, document, state, digest) for s in drafts], diags


def script_findings(document: Document, settings: Settings) -> list[Diagnostic]:
    """The static diagnostics of `plan_scripts` alone: lint needs no rendered script."""
    return _analyse(document, settings)[1]


def _analyse(document: Document, settings: Settings) -> tuple[list[Script], list[Diagnostic]]:
    """The document's scripts before rendering (`text` empty) and their diagnostics."""
    if not SAFE_DOC_ID.match(document.doc_id):
        return [], []
    config = script_settings(settings)
    classes = config.command_classes
    path = document.path
    diags: list[Diagnostic] = []
    drafts: list[Script] = []
    seen: dict[str, int] = {}
    source = ""  # the runbook as scripts name it, found for its first script
    for block in document.parsed.code_blocks:
        if not block.closed:
            diags.append(
                UNCLOSED_FENCE(
                    path,
                    block.line,
                    f"the ``{block.info or 'code'}`` fence opened here is never closed; "
                    "it swallows the rest of the file",
                    hint="close it with a line of the same fence characters",
                )
            )
            continue
        taken = _commands(block, path, diags)
        if taken is None:
            continue
        content, lines = taken
        name = _name(block, path, diags)
        if name is None:
            continue
        if name in seen:
            diags.append(
                DUPLICATE_NAME(
                    path,
                    block.line,
                    f"step name '{name}' is already used by the block at line {seen[name]}",
                    hint="name the block in its info string: ```bash {name=other-name}",
                )
            )
            continue
        seen[name] = block.line
        role = config.role(block.section, block.subsection)
        parsed = parse_block(content)
        source = source or _source(path, settings.root)
        script = _draft(
            document, block, len(drafts) + 1, name, role, content, lines, parsed, source
        )
        found, changes = _command_findings(script, classes, config.stubs, path)
        diags += found
        if changes:  # a draft is read-only until its commands say otherwise
            script = replace(script, mutating=True, changes=changes)
        drafts.append(script)
    diags += _symptom_coverage(document, drafts, config.role)
    return drafts, diags


def _commands(
    block: CodeBlock, path: str, diags: list[Diagnostic]
) -> tuple[str, tuple[int, ...]] | None:
    """The block's shell text and the file line of each of its lines (None: not a script)."""
    raw = block.content.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    first = block.line + 1
    if block.lang in SHELL_LANGS:
        return "\n".join(raw) + "\n", tuple(range(first, first + len(raw)))
    if block.lang not in CONSOLE_LANGS:
        return None
    kept: list[str] = []
    lines: list[int] = []
    continued = False
    for index, text in enumerate(raw):
        if continued or text.startswith("$ "):
            kept.append(text if continued else text[2:])
            lines.append(first + index)
            continued = text.endswith("\\")
    if not kept:
        diags.append(
            CONSOLE_BLOCK(path, block.line, "console block without `$ ` prompts: no script made")
        )
        return None
    diags.append(
        CONSOLE_BLOCK(
            path,
            block.line,
            f"console block: {len(kept)} command line(s) taken from its `$ ` prompts, "
            "output lines dropped",
            hint="write the commands as a ```bash block to make this explicit",
        )
    )
    return "\n".join(kept) + "\n", tuple(lines)


def _name(block: CodeBlock, path: str, diags: list[Diagnostic]) -> str | None:
    match = _NAME_ATTR.search(block.info)
    if match:
        name = match.group(1)
        if not valid_name(name):
            diags.append(
                INVALID_NAME(
                    path,
                    block.line,
                    f"step name '{name}' must be lower-case ASCII letters, digits and hyphens",
                )
            )
            return None
        return name
    for text in (_title(block), block.section):
        name = script_name(text)
        if name:
            return name
    return "step"


def _title(block: CodeBlock) -> str:
    """The paragraph that introduces the block ("...:"), else its step heading."""
    if block.title.endswith(":") or not block.subsection:
        return block.title or block.subsection or block.section
    return block.subsection


def _draft(
    document: Document,
    block: CodeBlock,
    number: int,
    name: str,
    role: str,
    content: str,
    lines: tuple[int, ...],
    parsed: ParsedBlock,
    source: str,
) -> Script:
    params: list[Param] = []
    for unit in parsed.units:
        if unit.kind != "assign" or unit.assignment is None:
            break
        var, value = unit.assignment
        param = Param(var, value)
        if (
            SAFE_VALUE.match(value)
            and not value.startswith("-")
            and param.flag not in (RESERVED_PARAMS | {p.flag for p in params})
        ):
            params.append(param)
    return Script(
        doc_id=document.doc_id,
        number=number,
        name=name,
        path=document.path,
        source=source,
        line=block.line,
        section=block.section,
        subsection=block.subsection,
        title=_title(block),
        intro=block.intro,
        role=role,
        mutating=False,
        changes=(),
        params=tuple(params),
        content=content,
        lines=lines,
        parsed=parsed,
    )


def _source(path: str, root: Path) -> str:
    """The runbook path as written in scripts: relative to the project root when it is
    under it, so the bytes do not depend on the working directory."""
    absolute = os.path.abspath(path)
    base = os.path.join(root, "")  # a trailing separator: /srv/ab is not under /srv/a
    if absolute.startswith(base):  # strings: three pathlib Paths were 1% of a compile
        return absolute[len(base) :].replace(os.sep, "/")
    return Path(path).as_posix()


def _command_findings(
    script: Script, classes: CommandClasses, stubs: frozenset[str], path: str
) -> tuple[list[Diagnostic], tuple[str, ...]]:
    """Diagnostics about the block's commands, and the commands that change the system."""
    diags: list[Diagnostic] = []
    parsed = script.parsed
    changes: list[str] = []
    if parsed.error:
        changes.append("a block the parser cannot read")
        diags.append(
            UNPARSED_BLOCK(
                path,
                script.file_line(parsed.error_line),
                f"bash parser: {parsed.error}; the script runs the block as one unit and "
                "asks for confirmation",
            )
        )
    for unit in parsed.units:
        for command in unit.commands:
            verdict, key = classify(command, classes)
            line = script.file_line(command.line)
            if verdict == MUTATING:
                changes.append(key)
                if script.role == "diagnostics":
                    diags.append(
                        MUTATING_DIAGNOSTIC(
                            path,
                            line,
                            f"`{key}` changes the system, but this block is under the "
                            f"diagnostics section '{script.section}'",
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
                        f"cannot tell whether `{command.label}` changes the system; the step "
                        "asks for confirmation and `run.sh --diagnose` skips it",
                        hint="list it in [tool.runbookc.scripts] read_only or mutating",
                    )
                )
        if unit.kind == "tolerated":
            hidden = sorted({c.tool for c in unit.commands if c.tool in stubs and c.silent})
            if hidden:
                content = script.content
                operator = content.find("||", unit.end)
                diags.append(
                    HIDDEN_FAILURE(
                        path,
                        script.file_line(_line_at(content, operator)),
                        f"`|| true` hides a failing {', '.join(hidden)}: with its stderr sent "
                        "to /dev/null the step prints nothing and succeeds even when it "
                        "cannot reach the system",
                        column=operator - content.rfind("\n", 0, operator),
                        hint="drop `|| true` and `2>/dev/null`: the generated script treats "
                        "grep's 'no matches' as success and reports real failures",
                    )
                )
    return diags, tuple(dict.fromkeys(changes))


def _line_at(content: str, offset: int) -> int:
    return content.count("\n", 0, offset)


def grep_regexes(script: Script) -> list[re.Pattern[str]]:
    """The script's grep patterns, compiled as Python approximations (ERE, BRE, fixed)."""
    values = script.values
    found: list[re.Pattern[str]] = []
    for unit in script.parsed.units:
        for command in unit.commands:
            for pattern in grep_patterns(command, values):
                compiled = pattern.compile()
                if compiled is not None:
                    found.append(compiled)
    return found


def symptom_lines(document: Document, role_of: Callable[[str], str]) -> list[tuple[str, int, int]]:
    """The error signatures a runbook lists under its symptoms: (text, line, column)."""
    return [
        (span.text, span.line, span.column)
        for span in document.parsed.code_spans
        if role_of(span.section) == "symptoms" and span.text.strip()
    ]


def _symptom_coverage(
    document: Document, scripts: list[Script], role_of: Callable[[str], str]
) -> list[Diagnostic]:
    """Every symptom must be caught by the grep of some diagnostics step."""
    symptoms = symptom_lines(document, role_of)
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


# ---- rendering ----


@cache
def script_templates() -> jinja2.Environment:
    import jinja2  # on first use: commands that never render skip the import

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("runbookc", "templates/scripts"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,  # package files: no stat of the template for every script
    )
    env.filters["sq"] = shell_quote
    return env


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _display(script: Script, unit: Unit) -> str:
    """A shell expression printing the unit with its parameters filled in."""
    names = {p.name for p in script.params}
    parts: list[str] = []
    cursor = unit.start
    for start, end, name in sorted(unit.refs):
        if name not in names or start < cursor:
            continue
        parts.append(shell_quote(script.content[cursor:start]))
        parts.append(f'"${name}"')
        cursor = end
    parts.append(shell_quote(script.content[cursor : unit.shown_end]))
    return "".join(p for p in parts if p != "''") or "''"


def approval_lines(document: Document, state: ApprovalState) -> tuple[str, list[str]]:
    """The header's approval line and the banner (empty when approved or not required)."""
    request = state.request_id or "none"
    if state.status == "none":
        return "none (the document has no approvals block)", []
    if state.status == "approved":
        by = ", ".join(f"{a.role} {a.by} on {a.at}" for a in state.approvers if a.current)
        return f"approved (request {request}; by {by or 'nobody'})", []
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
    out: list[_Emitted] = []
    previous_last = -1
    for unit in script.parsed.units:
        first = unit.line
        last = _line_at(content, unit.shown_end)
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


def _render(script: Script, document: Document, state: ApprovalState, digest: str) -> Script:
    approval, banner = approval_lines(document, state)
    emitted = _emitted(script)
    text = (
        script_templates()
        .get_template("step.sh.j2")
        .render(
            s=script,
            digest=digest,
            approval=approval,
            banner=banner,
            units=[
                {
                    "text": e.text,
                    "line": script.file_line(e.unit.line),
                    "display": _display(script, e.unit),
                    "tools": " ".join(t or "-" for t in e.unit.stages) or "-",
                    "mode": {"tolerated": "tolerate", "compound": "status"}.get(
                        e.unit.kind, "check"
                    ),
                }
                for e in emitted
            ],
            params_comment=[
                f"{u.assignment[0]}={u.assignment[1]}"
                for u in script.parsed.units
                if u.kind == "assign" and u.assignment and _is_param(script, u)
            ],
            help=_help(script),
            no_match_tools=" | ".join(sorted(NO_MATCH_TOOLS)),
        )
    )
    return replace(script, text=text, line_map=_line_map(script, text, emitted))


def _is_param(script: Script, unit: Unit) -> bool:
    return unit.assignment is not None and any(
        p.name == unit.assignment[0] and p.default == unit.assignment[1] for p in script.params
    )


def _help(script: Script) -> str:
    usage = " ".join(
        [f"Usage: {script.file_name} [--dry-run] [--yes]"]
        + [f"[--{p.flag} VALUE]" for p in script.params]
    )
    out = [usage, "", f"Step {script.number} of {script.doc_id}: {script.title}"]
    out.append(f"From {script.source}:{script.line} ({script.section or 'no section'}).")
    intro = script.intro.strip()
    if intro and re.sub(r"^(\d+[.)]|[-*+])\s+", "", intro) != script.title:
        out += ["", intro]
    if script.params:
        out += ["", "Parameters (option, then environment variable, then default):"]
        for p in script.params:
            out.append(f"  --{p.flag} VALUE  ${p.env}  default: {p.default}")
    required = required_env(script.content)
    if required:
        out += ["", "Required in the environment (the step stops without it):"]
        out += [f"  {name}  {message}".rstrip() for name, message in required]
    out += [
        "",
        "Options:",
        "  --dry-run   print the commands with the parameters filled in; run nothing",
        "  -y, --yes   do not ask before commands that change the system",
        "  -h, --help  show this help",
        "",
        "Changes the system: " + (", ".join(script.changes) if script.mutating else "no"),
        "Exit status: 0 done (a grep that finds nothing is done: 'no matches'),",
        "1 a command failed, 2 bad arguments, 3 not confirmed.",
    ]
    return "\n".join(out)


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


# ---- writing ----


def plan_corpus(
    documents: list[Document], settings: Settings, plans: DocCache | None = None
) -> tuple[list[Script], list[Diagnostic]]:
    """Every document's scripts; with `plans`, a document's plan is looked up by its text
    and the compiler's files (templates included) before it is computed. The plans not
    found are computed in worker processes when there are enough of them. `documents` is
    the whole corpus: the plans of other documents are pruned in time."""
    from runbookc.forkmap import fork_map

    found: list[Plan | None] = [None] * len(documents)
    keys: list[str] = []
    if plans is not None:
        # The cache's key covers the compiler's files (templates included) and the settings.
        keys = [plan_key(plans.salt, document) for document in documents]
        stored = plans.get_many(keys)
        found = [stored.get(key) for key in keys]
    missing = [index for index, plan in enumerate(found) if plan is None]

    def plan(index: int) -> bytes:
        # Pickled once, by the worker: the parent stores these very bytes in the cache.
        result = plan_scripts(documents[index], settings)
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)

    blobs = fork_map(plan, missing)
    for index, blob in zip(missing, blobs, strict=True):
        found[index] = pickle.loads(blob)
    if plans is not None:
        plans.put_many([(keys[index], blob) for index, blob in zip(missing, blobs, strict=True)])
        plans.trim(set(keys))
    scripts: list[Script] = []
    diags: list[Diagnostic] = []
    for result in found:
        assert result is not None
        scripts += result[0]
        diags += result[1]
    return scripts, diags


def entry_script(doc_id: str, scripts: list[Script]) -> str:
    first = scripts[0]
    usage, listing = _entry_help(doc_id, scripts)
    return (
        script_templates()
        .get_template("run.sh.j2")
        .render(
            doc_id=doc_id,
            source=first.source,
            scripts=scripts,
            diagnose=[s for s in scripts if s.role == "diagnostics" and not s.mutating],
            usage=usage,
            listing=listing,
        )
    )


def _entry_help(doc_id: str, scripts: list[Script]) -> tuple[str, str]:
    """run.sh's usage text and its list of steps."""
    width = max(len(s.file_name) for s in scripts)
    steps = [
        f"  {s.file_name:<{width}}  {s.role or '-':<12} "
        f"{'mutating' if s.mutating else 'read-only':<9}  {s.title}"
        for s in scripts
    ]
    envs = sorted({p.env for s in scripts for p in s.params})
    out = [
        "Usage: run.sh [--list]                list the steps",
        "       run.sh --diagnose [--out DIR]  run every read-only diagnostics step in order",
        "                                      and save each one's output under DIR",
        f"                                      (default: ./incident-{doc_id}-<UTC time>)",
        "       run.sh STEP [OPTIONS]          run one step (number or name) with its options",
    ]
    if envs:
        out += ["", "Parameters for --diagnose come from the environment: " + ", ".join(envs)]
    listing = [f"Steps of {doc_id} ({scripts[0].source}):", *steps]
    return "\n".join(out), "\n".join(listing)


def render_outputs(scripts: list[Script]) -> dict[str, str]:
    """Relative path -> text of every output file, manifest included."""
    files: dict[str, str] = {}
    by_doc: dict[str, list[Script]] = {}
    for script in scripts:
        by_doc.setdefault(script.doc_id, []).append(script)
    manifest = []
    for doc_id in sorted(by_doc):
        for script in by_doc[doc_id]:
            rel = f"{doc_id}/{script.file_name}"
            files[rel] = script.text
            manifest.append(manifest_entry(script, rel))
        files[f"{doc_id}/run.sh"] = entry_script(doc_id, by_doc[doc_id])
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    return files


def manifest_entry(script: Script, rel: str) -> dict:
    return {
        "doc_id": script.doc_id,
        "script": rel,
        "source": script.source,
        "line": script.line,
        "section": script.section,
        "title": script.title,
        "mutating": script.mutating,
    }


def write_scripts(
    documents: list[Document],
    settings: Settings,
    out_dir: Path,
    previous: Path | None = None,
    plans: DocCache | None = None,
) -> list[dict]:
    """Write every document's scripts under `out_dir` (swapped in whole); the manifest."""
    scripts, _ = plan_corpus(documents, settings, plans)
    files = render_outputs(scripts)
    write_tree(files, out_dir, previous)
    return json.loads(files["manifest.json"])


class OutputError(Exception):
    """The output dir cannot be (re)placed."""


def write_tree(files: dict[str, str], out_dir: Path, previous: Path | None = None) -> None:
    """Write into a staging dir beside `out_dir`, then swap it in (publish.swap rolls back
    a half-done swap): a failure keeps the old one. A file whose bytes are those of its
    namesake under `previous` (default: `out_dir` itself) is hard-linked from there.

    The whole dir is replaced, so it must be empty or a previous output (a manifest.json
    in it): `--output .` must never delete a project."""
    if out_dir.exists() and (
        not out_dir.is_dir()
        or (any(out_dir.iterdir()) and not (out_dir / "manifest.json").is_file())
    ):
        raise OutputError(
            f"refusing to replace {out_dir}: it is not empty and holds no manifest.json "
            "from a previous `runbookc extract`"
        )
    with staging(out_dir.parent) as stage:
        fresh = stage / out_dir.name
        new: list[tuple[Path, bytes, int]] = []
        for rel, text in sorted(files.items()):
            target, data = fresh / rel, text.encode("utf-8")
            mode = 0o755 if rel.endswith(".sh") else 0o644
            if not reuse((previous or out_dir) / rel, target, data, mode):
                new.append((target, data, mode))
        write_new(new)
        fresh.mkdir(exist_ok=True)  # an empty corpus still gets its (empty) dir
        fresh.chmod(0o755)
        swap(stage, out_dir.parent, [out_dir.name])
