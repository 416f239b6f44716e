"""A shell block written as a pasted terminal session: which lines are commands (after a
prompt such as `$ `, `# `, `[user@host dir]$ `, `sh-4.4# `, with their `\\` continuations),
which are output (shown on the page, never run), and which commands belong to a remote
shell that an earlier command opened (`oc debug node/x`, `oc rsh`, `kubectl exec -it ... --
sh`, `ssh host`, `chroot /host`, `toolbox`) up to its `exit`: those run on the other side,
never on the operator's machine.

A block is a session when its first line that is not blank or a `# ` comment starts with an
unambiguous prompt (`$ `, or a decorated `...# ` / `...$ `). A bare `# ` line is a root
prompt only where a reader would take it as one: in a console fence, or inside a remote
shell, and then only when it reads as a command (not prose); anywhere else it is a comment.

A prompt that names a shell and its version (`sh-4.4# `, `bash-5.1$ `) is one: bash shows it
only when it starts without the login profile that sets a prompt, in a container or debug
pod (`oc debug node/x`, `oc rsh`), never in the operator's own terminal. When no opener in
the block comes before it, the runbook opened that shell in an earlier block (or another
page): its commands are handed to the operator like any remote shell's, never run here.
A decorated prompt such as `[root@node /]# ` is not taken so: it is also what a bastion or
the operator's own root shell shows.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

# `$ `, `# ` or U+276F (the prompt sign of starship and pure) alone, or decorated:
# `[user@host dir]$ `, `user@host:~# `, `sh-4.4# `, `bash-5.1$ `.
_PROMPT = re.compile(
    r"(?P<decor>\[[^\]\n]*\]|[\w.-]+@[\w.-]+(?::\S*)?|(?:ba|z)?sh-\d+(?:\.\d+)*)?"
    r"(?P<sign>[$#\u276f]) (?P<command>.*)"
)
# A `# ` line reads as a command when it starts with a lower-case program name or a path,
# has no sentence punctuation, and has shell syntax (a flag, a path, an operator, an
# assignment, a file name) or at most three words ("rpm-ostree status"; "Check the pods" is prose).
_PROGRAM = re.compile(r"[a-z][a-z0-9._+-]*|\.{0,2}/\S+")
_SYNTAX = re.compile(r"^-|^/|[|&;<>=]|\w\.\w")
_PROSE_PUNCTUATION = re.compile(r"[,:?!]\s|[.:]$|\(")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")
_EXITS = frozenset({"exit", "logout"})
_REMOTE_PROMPT = re.compile(r"\s*(?:ba|z)?sh-\d+(?:\.\d+)*[$#] .*")
# A word every shell opener has (`oc debug`, `oc rsh`, `kubectl exec`, `ssh`, `chroot`,
# `toolbox`): a plain block without one opens no shell, and reading it line by line (shlex
# on every line) is what makes this module cost.
_OPENER_WORD = re.compile(r"\b(?:debug|rsh|exec|ssh|chroot|toolbox)\b")
# The header of a table a command printed (`NAME   READY   STATUS`): capitalised column
# names two or more blanks apart, which no command line is.
_TABLE_HEADER = re.compile(
    r"\s*[A-Z][A-Z0-9_()%/.-]*(?: [A-Z0-9_()%/.-]+)*(?:\s{2,}[A-Z][A-Z0-9_()%/. -]*)+\s*"
)
# A `key=value` line a command printed (`notAfter=Aug  6 13:11:20 2025 GMT` from `openssl
# x509 -enddate`): as shell an assignment before a command named by the next word, but that
# word is a number or a time, which no program is named.
PRINTED_SETTING = re.compile(r"[A-Za-z_][\w.-]*=[^\s'\"`$\\;|&<>()]+\s+\d+(?:[.:]\d+)*(?:\s.*)?")
_SHELLS = frozenset({"sh", "bash", "zsh", "ash", "dash", "/bin/sh", "/bin/bash", "/bin/zsh"})
_SHELLS |= {f"/usr{s}" for s in _SHELLS if s.startswith("/")}
# Flags that take a value, per opener (the value is not the pod / host / command).
_VALUE_FLAGS = {
    "rsh": "-n --namespace -c --container --shell --context --kubeconfig --as --timeout -f",
    "exec": "-n --namespace -c --container --context --kubeconfig --as -f --filename "
    "--pod-running-timeout",
    "debug": "-n --namespace -c --container --context --kubeconfig --image --as "
    "--profile --to-namespace --target --copy-to -f --filename",
    "global": "-n --namespace --context --kubeconfig --cluster --user -s --server --as --token",
    "ssh": "-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B",
}


@dataclass(frozen=True)
class Remote:
    """Commands that run in a shell another command opened: the operator runs them there."""

    opener: str  # the command that opens the shell, as written (without its prompt);
    # "" when an earlier block opened it (the block starts at a `sh-4.4# ` prompt)
    line: int  # 0-based block line of the opener
    commands: tuple[str, ...]  # what is typed in that shell, in order (its `exit` too)
    at: int  # how many local command lines come before it (where the script hands over)


@dataclass(frozen=True)
class Session:
    commands: tuple[tuple[str, int], ...]  # local lines without prompts: (text, block line)
    output: tuple[tuple[str, int], ...]  # output lines: (text, block line)
    remotes: tuple[Remote, ...]


def split_session(lines: list[str], console: bool, plain: bool = False) -> Session | None:
    """The block's lines read as a session, or None when it is plain shell. `plain`: read a
    plain shell block the same way, every line that is not blank or a comment a command
    (to find the shells it opens: `oc debug node/x` then what to type there); None when it
    names no opener."""
    text = "\n".join(lines) if plain else ""
    table = _printed(lines, text) if plain else set()
    if plain and not table and not _OPENER_WORD.search(text):
        return None
    first = next((t for t in lines if t.strip() and not _comment(t.strip(), console)), None)
    if first is None or (not plain and _PROMPT.fullmatch(first.strip()) is None):
        return None
    indent = len(first) - len(first.lstrip())
    commands: list[tuple[str, int]] = []
    output: list[tuple[str, int]] = []
    remotes: list[Remote] = []
    open_shells: list[tuple[str, int, list[str], int]] = []  # opener, line, commands, at
    pending = ""  # the command so far while it continues on the next line
    started = 0  # where the local lines of the command being read begin
    for index, raw in enumerate(lines):
        text = raw[indent:] if not raw[:indent].strip() else raw.lstrip()
        if index in table:
            prompted: str | None = None
        elif pending or (plain and text.strip() and not text.lstrip().startswith("#")):
            prompted = text
        else:
            prompted = None if plain else _prompted(text, console or bool(open_shells))
        if prompted is None:
            if not text.strip() or text.startswith("#"):
                if not open_shells:  # blank lines and comments keep their place
                    commands.append((text, index))
            elif text.strip():
                output.append((raw, index))
            continue
        command = prompted
        if not pending and not open_shells and not plain and _REMOTE_PROMPT.fullmatch(text):
            open_shells.append(("", index, [], len(commands)))  # opened before this block
        if not pending:
            started = len(commands)
        pending = f"{pending}\n{command}" if pending else command
        if open_shells:
            open_shells[-1][2].append(command)
        else:
            commands.append((command, index))
        if _continues(pending):
            continue
        whole, pending = pending, ""
        words = _words(whole)
        if open_shells and words[:1] and words[0] in _EXITS:
            _close(open_shells, remotes)
        elif _opens_shell(words):
            if not open_shells:
                del commands[started:]
            open_shells.append((whole, index - whole.count("\n"), [], len(commands)))
    while open_shells:  # the block ends inside the remote shell
        _close(open_shells, remotes)
    return Session(tuple(commands), tuple(output), tuple(remotes))


def _printed(lines: list[str], text: str) -> set[int]:
    """The lines of a plain block that a command printed: a table, from a header line after
    a blank line (or at the top) to the next blank line, and `key=value` lines after a command
    (a block of nothing else is notshell.py's). None in a block with a here-document, whose
    lines are text. `text`: the lines joined."""
    found: set[int] = set()
    if "<<" in text:
        return found
    inside = commanded = False
    for index, line in enumerate(lines):
        if not line.strip():
            inside = False
        elif inside or (
            (index == 0 or not lines[index - 1].strip()) and _TABLE_HEADER.fullmatch(line)
        ):
            inside = True
            found.add(index)
        elif commanded and PRINTED_SETTING.fullmatch(line.strip()):
            if not lines[index - 1].rstrip().endswith("\\"):
                found.add(index)
        elif not line.lstrip().startswith("#"):
            commanded = True
    return found


def _close(open_shells: list[tuple[str, int, list[str], int]], remotes: list[Remote]) -> None:
    """Leave the innermost open shell: what was typed in it was typed in the one around it."""
    opener, line, inner, at = open_shells.pop()
    if open_shells:
        open_shells[-1][2].extend(inner)
    else:
        remotes.append(Remote(opener, line, tuple(inner), at))


def _comment(text: str, console: bool) -> bool:
    """Whether a stripped line is a comment: `#` then prose, or in a plain shell fence any
    bare `# ` (a console fence's `# systemctl status x` is a root prompt)."""
    if text != "#" and not text.startswith("# "):
        return text.startswith("#")
    return not (console and _commandish(text[2:]))


def _prompted(text: str, bare_root: bool) -> str | None:
    """The command after the line's prompt; None when the line has none (a bare `# ` is a
    prompt only when `bare_root` and it reads as a command)."""
    match = _PROMPT.fullmatch(text.strip())
    if match is None:
        return None
    bare = match["sign"] == "#" and not match["decor"]
    return None if bare and not (bare_root and _commandish(match["command"])) else match["command"]


def _commandish(text: str) -> bool:
    """Whether the text after a bare `# ` is a command rather than a sentence."""
    words = text.split()
    while words[:1] == ["sudo"]:
        words = words[1:]
    if not words or not _PROGRAM.fullmatch(words[0]) or _PROSE_PUNCTUATION.search(text.strip()):
        return False
    return len(words) <= 3 or any(_SYNTAX.search(w) for w in words[1:])


def _continues(command: str) -> bool:
    """Whether the command goes on on the next line: a `\\` at the end, an open quote, or a
    here-document whose terminator has not come yet."""
    if command.endswith("\\"):
        return True
    first, *rest = command.split("\n")
    heredoc = _HEREDOC.search(first)
    if heredoc and heredoc[2] not in (line.strip() for line in rest):
        return True
    if heredoc:
        return False
    try:
        shlex.split(command, comments=True)
    except ValueError:  # no closing quotation
        return True
    return False


def _words(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=True)
    except ValueError:
        return command.split()


def _positional(words: list[str], flags: str) -> list[str]:
    """The words that are not flags or a flag's value, up to `--`."""
    takes = set(flags.split())
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--":
            break
        elif word.startswith("-"):
            skip = word in takes
        else:
            out.append(word)
    return out


def _after_dashes(words: list[str]) -> list[str]:
    return words[words.index("--") + 1 :] if "--" in words else []


def _interactive(command: list[str]) -> bool:
    """Whether `command` (run in a container or a chroot) is an interactive shell."""
    if not command:
        return True
    if command[0] == "chroot":
        return len(command) == 2 or (len(command) >= 3 and _interactive(command[2:]))
    return command[0] in _SHELLS and all(w.startswith("-") and w != "-c" for w in command[1:])


def _verb(words: list[str]) -> tuple[str, list[str]]:
    """kubectl's or oc's subcommand and the words after it, past the global flags before
    it (`oc -n ns rsh pod`)."""
    takes = set(_VALUE_FLAGS["global"].split())
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in takes else 1
    return (words[index], words[index + 1 :]) if index < len(words) else ("", [])


def _opens_shell(words: list[str]) -> bool:
    """Whether the command starts an interactive shell the next lines are typed into."""
    while words[:1] == ["sudo"]:
        words = words[1:]
    if not words:
        return False
    tool, rest = words[0], words[1:]
    if tool in ("oc", "kubectl") and rest:
        verb, args = _verb(rest)
        if verb == "rsh":
            return len(_positional(args, _VALUE_FLAGS["rsh"])) <= 1
        if verb == "debug":
            tty = tool == "oc" or any(w in ("-it", "-ti", "-i", "--stdin") for w in args)
            return tty and _interactive(_after_dashes(args))
        if verb == "exec":
            tty = any(w in ("-it", "-ti", "-i", "--stdin") for w in args)
            return tty and "--" in args and _interactive(_after_dashes(args))
        return False
    if tool == "ssh":
        return len(_positional(rest, _VALUE_FLAGS["ssh"])) == 1
    if tool == "chroot":
        return _interactive(words)
    return tool == "toolbox" and rest in ([], ["enter"])
