"""A shell block's commands: the text its script runs, the file line of each of its lines,
the parts typed into a remote shell and the output it shows. A block written as a session
(`$ ` prompts and output) keeps its prompt lines only (scripts/sessions.py finds them);
what the script leaves out is reported (RB406)."""

from __future__ import annotations

from dataclasses import replace

from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.scripts import CONSOLE_BLOCK
from runbookc.model import CodeBlock
from runbookc.scripts.sessions import Remote, split_session

SHELL_LANGS = frozenset({"bash", "sh", "shell", "zsh"})
CONSOLE_LANGS = frozenset({"console", "shell-session"})


def block_commands(
    block: CodeBlock, path: str, diags: list[Diagnostic]
) -> tuple[str, tuple[int, ...], tuple[Remote, ...], tuple[str, ...]] | None:
    """The block's shell text, the file line of each of its lines, the parts typed into a
    remote shell and the output it shows (None: not a script). A block written as a session
    (`$ ` prompts and output) keeps its prompt lines only (scripts/sessions.py)."""
    raw = block.content.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    first = block.line + 1
    console = block.lang in CONSOLE_LANGS
    if not console and block.lang not in SHELL_LANGS:
        return None
    session = split_session(raw, console)
    written = "written as a session"
    hint = "the prompt lines are the commands; to run more, write them with a prompt"
    if session is None and not console:
        # Plain shell; but a shell it opens (`oc debug node/x`, then what to type there)
        # takes the lines after it, as in a session.
        session = split_session(raw, console, plain=True)
        if session is None or not (session.remotes or session.output):
            return "\n".join(raw) + "\n", tuple(range(first, first + len(raw))), (), ()
        written = "opens a remote shell" if session.remotes else "holds printed output"
        hint = (
            "to run a command there from the script, give it to the opener (`... -- CMD`)"
            if session.remotes
            else "show output in a ```text block of its own"
        )
    if session is None or not (session.remotes or any(t.strip() for t, _ in session.commands)):
        diags.append(
            CONSOLE_BLOCK(path, block.line, "console block without `$ ` prompts: no script made")
        )
        return None
    remotes = tuple(replace(r, line=first + r.line) for r in session.remotes)
    dropped = _dropped(session.output, remotes)
    if dropped:
        diags.append(
            CONSOLE_BLOCK(
                path,
                block.line,
                f"{block.lang} block {written}: {dropped}",
                hint=hint,
            )
        )
    content = "".join(f"{text}\n" for text, _ in session.commands)
    shown = tuple(text for text, _ in session.output)
    return content, tuple(first + index for _, index in session.commands), remotes, shown


def _dropped(output: tuple[tuple[str, int], ...], remotes: tuple[Remote, ...]) -> str:
    """What of a session block the script does not run, in words ("" when nothing)."""
    parts = []
    if output:
        parts.append(f"{len(output)} output line(s) shown on the page, not run")
    for remote in remotes:
        shell = f"`{remote.opener}`" if remote.opener else "a shell an earlier block opened"
        parts.append(
            f"the {len(remote.commands)} command(s) typed into {shell} "
            f"(line {remote.line}) are for the operator to run there: the script stops and "
            "shows them"
        )
    return "; ".join(parts)
