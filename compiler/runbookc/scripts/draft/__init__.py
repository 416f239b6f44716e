"""A runbook's shell blocks -> Script drafts (what each step runs, its parameters, whether
it changes the system; not yet rendered) and the RB4xx diagnostics about them. Pure: one
document in, values out. The per-document stage keeps both (pipeline/document.py); extract
renders the drafts (scripts/render.py). What a block's script runs is taken in blocks.py,
the findings about each draft's commands in checks.py."""

from __future__ import annotations

import re
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.doctypes import RUNBOOK
from runbookc.lint.catalog.scripts import (
    DUPLICATE_NAME,
    INVALID_NAME,
    UNCLOSED_FENCE,
    UNPARSED_BLOCK,
)
from runbookc.model import CodeBlock, Document
from runbookc.relpaths import relative_under
from runbookc.scripts.draft.blocks import SHELL_LANGS, block_commands
from runbookc.scripts.draft.checks import (
    command_findings,
    diagnostics_section,
    script_owned,
    symptom_coverage,
)
from runbookc.scripts.naming import script_name, valid_name
from runbookc.scripts.notshell import looks_like
from runbookc.scripts.script import Param, Script
from runbookc.scripts.sessions import Remote
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellparams import fill_placeholders, quoted_names, unset_params
from runbookc.scripts.shellparse import ParsedBlock, parse_block

RESERVED_PARAMS = frozenset({"help", "dry-run", "yes", "h", "y", "timeout"})
# Names bash gives a meaning to: a parameter set at the top of the script (and from
# --option or RUNBOOK_<NAME>) must not change how the shell itself runs. A block that
# assigns one keeps the assignment where it wrote it; it just is not a parameter.
_SHELL_WORDS = (
    "_ CDPATH COLUMNS DIRSTACK EMACS ENV EPOCHREALTIME EPOCHSECONDS EUID EXECIGNORE "
    "FCEDIT FIGNORE FUNCNAME FUNCNEST GLOBIGNORE GLOBSORT GROUPS HISTCMD HISTCONTROL "
    "HISTFILE HISTFILESIZE HISTIGNORE HISTSIZE HISTTIMEFORMAT HOME HOSTFILE HOSTNAME "
    "HOSTTYPE IFS IGNOREEOF INPUTRC INSIDE_EMACS LANG LINENO LINES MACHTYPE MAIL "
    "MAILCHECK MAILPATH MAPFILE OLDPWD OPTARG OPTERR OPTIND OSTYPE PATH PIPESTATUS "
    "POSIXLY_CORRECT PPID PROMPT_COMMAND PROMPT_DIRTRIM PS0 PS1 PS2 PS3 PS4 PWD RANDOM "
    "REPLY SECONDS SHELL SHELLOPTS SHLVL SRANDOM TIMEFORMAT TMOUT TMPDIR UID"
)
SHELL_NAMES = frozenset(_SHELL_WORDS.split())
SAFE_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
SAFE_VALUE = re.compile(r"^[A-Za-z0-9._/:@%+,=~-]+$")
# The value of a parameter whose every use is quoted (`"$selector"`): one line of text.
TEXT_VALUE = re.compile(r"^[^\x00-\x1f\x7f]+$")
_NAME_ATTR = re.compile(r"\{[^}]*\bname\s*=\s*\"?([^\s\"}]*)\"?[^}]*\}")


def draft_scripts(document: Document, settings: Settings) -> tuple[list[Script], list[Diagnostic]]:
    """The document's scripts before rendering (`text` empty) and their diagnostics. A
    document whose doc_id cannot name a folder gets none (the schema reports the id)."""
    if not SAFE_DOC_ID.match(document.doc_id):
        return [], []
    config = script_settings(settings)
    path = document.path
    diags: list[Diagnostic] = []
    drafts: list[Script] = []
    seen: dict[str, int] = {}  # step name -> the line of the block that has it
    chosen = _chosen_names(document)
    source = ""  # the runbook as scripts name it, found for its first script
    for block in document.parsed.code_blocks:
        if not block.closed and _swallows_rest(block, document.text):
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
        taken = block_commands(block, path, diags)
        if taken is None:
            continue
        content, lines, remotes, shown = taken
        kind = looks_like(content) if block.lang in SHELL_LANGS else None
        if kind is not None:
            diags.append(
                UNPARSED_BLOCK(
                    path,
                    block.line,
                    f"this block looks like {kind}, not shell: it is shown on the page and "
                    "no script is made",
                    hint="fence it with its own language (```promql, ```yaml, ```json, "
                    "```text) to say so",
                )
            )
            continue
        named = _name(block, path, diags)
        if named is None:
            continue
        name, explicit = named
        if explicit and name in seen:
            diags.append(
                DUPLICATE_NAME(
                    path,
                    block.line,
                    f"step name '{name}' is already used by the block at line {seen[name]}",
                    hint="name the block in its info string: ```bash {name=other-name}",
                )
            )
            continue
        if not explicit:
            name = _free(name, seen, chosen)
        seen[name] = block.line
        role = config.role(
            (block.section, block.section_role), (block.subsection, block.subsection_role)
        )
        content, holes = fill_placeholders(content, usable_param)
        params = _params(content, parse_block(content), dict(holes))
        source = source or _source(path, settings.root)
        found, changes = command_findings(block, content, lines, role, params, config, path)
        diags += found
        drafts.append(
            _draft(
                document,
                block,
                len(drafts) + 1,
                name,
                role,
                source,
                content=content,
                lines=lines,
                params=params,
                remotes=remotes,
                shown=shown,
                changes=changes,
            )
        )
    diags += symptom_coverage(document, drafts, config)
    if drafts and document.doc_type == RUNBOOK:
        diags += diagnostics_section(document, drafts[0].line, config)
    return drafts, diags


def _swallows_rest(block: CodeBlock, text: str) -> bool:
    """Whether an unclosed fence runs to the end of the file. CommonMark also ends a fence
    where its list item or block quote ends: then the page (any CommonMark parser: cmark
    agrees) and the script both take the lines up to there, which is what an author who
    left the closing fence out of a list item means, so that is not reported."""
    after = text.split("\n")[block.end_line :]  # split here: most documents close every fence
    return not any(line.strip() for line in after)


def _name(block: CodeBlock, path: str, diags: list[Diagnostic]) -> tuple[str, bool] | None:
    """The block's step name and whether its info string names it; None when that name is
    not usable (reported)."""
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
        return name, True
    for text in (_title(block), block.section):
        name = script_name(text)
        if name:
            return name, False
    return "step", False


def _chosen_names(document: Document) -> set[str]:
    """The names the document's info strings give (an automatic name never takes one)."""
    return {
        match.group(1)
        for block in document.parsed.code_blocks
        if (match := _NAME_ATTR.search(block.info))
    }


def _free(name: str, seen: dict[str, int], chosen: set[str]) -> str:
    """`name`, or the first of name-2, name-3, ... no other step has or is given: two
    blocks under one heading ("Check:") are two steps, not a mistake."""
    candidate, number = name, 1
    while candidate in seen or candidate in chosen:
        number += 1
        candidate = f"{name}-{number}"
    return candidate


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
    source: str,
    *,
    content: str,
    lines: tuple[int, ...],
    params: tuple[Param, ...],
    remotes: tuple[Remote, ...],
    shown: tuple[str, ...],
    changes: tuple[str, ...],
) -> Script:
    """The block's step, built in one go: a dataclass `replace` costs as much as building
    it (valgrind, the drafts of 1,000 generated documents: 4,278M -> 4,096M instructions
    without the one per block). A step is read-only unless its commands change the system
    (`changes`)."""
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
        mutating=bool(changes),
        changes=changes,
        params=params,
        content=content,
        lines=lines,
        remotes=remotes,
        shown=shown,
    )


def _params(content: str, parsed: ParsedBlock, holes: dict[str, str]) -> tuple[Param, ...]:
    """The block's leading literal assignments (each value a default), then what it needs
    and never sets: its placeholders (`holes`: variable -> `<placeholder>`, as
    fill_placeholders rewrote them) and the variables it only expands."""
    params: list[Param] = []
    quoted = quoted_names(content) if not parsed.error else frozenset()
    for unit in parsed.units:
        if unit.kind != "assign" or unit.assignment is None:
            break
        var, value = unit.assignment
        pattern = TEXT_VALUE if var in quoted else SAFE_VALUE
        if usable_param(var) and pattern.match(value) and not value.startswith("-"):
            params.append(Param(var, value, text=var in quoted))
    if not parsed.error:
        for var, message in unset_params(content, usable_param):
            hole = holes.get(var)
            about = (
                f"{hole} in the runbook"
                if hole
                else message or f"the block uses ${var} and never sets it"
            )
            params.append(
                Param(
                    var,
                    "",
                    required=True,
                    about=about,
                    inherited=hole is None,
                    text=var in quoted,
                )
            )
    kept: dict[str, Param] = {}  # by option: the first of two with one option wins
    for param in params:
        if param.flag not in RESERVED_PARAMS:
            kept.setdefault(param.flag, param)
    return tuple(kept.values())


def usable_param(name: str) -> bool:
    """Whether a variable may be a parameter of the script."""
    return not (
        script_owned(name)
        or name in SHELL_NAMES
        or name.startswith(("BASH", "COMP_", "LC_", "READLINE_"))
    )


def _source(path: str, root: Path) -> str:
    """The runbook path as written in scripts: relative to the project root when it is
    under it, so the bytes do not depend on the working directory."""
    relative = relative_under(path, str(root))
    return relative if relative is not None else Path(path).as_posix()
