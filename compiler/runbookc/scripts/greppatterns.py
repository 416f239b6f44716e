"""The patterns a grep command matches lines against, and their Python approximation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from runbookc.scripts.shellcommands import Command


@dataclass(frozen=True)
class GrepPattern:
    text: str
    mode: str  # "ERE" | "BRE" | "fixed"
    ignore_case: bool

    def compile(self) -> re.Pattern[str] | None:
        """A Python approximation of the grep pattern (None when it has no equivalent)."""
        return _compile_grep(self.text, self.mode, self.ignore_case)

    def ere(self) -> str | None:
        """The pattern as a POSIX extended regex (bash's `=~`); None when it is fixed text."""
        if self.mode == "fixed":
            return None
        return self.text if self.mode == "ERE" else _bre_to_ere(self.text)


@lru_cache(maxsize=4096)
def _compile_grep(pattern: str, mode: str, ignore_case: bool) -> re.Pattern[str] | None:
    """Cached: runbooks repeat their patterns, and re's own cache is small (512)."""
    flags = re.IGNORECASE if ignore_case else 0
    if mode == "fixed":
        return re.compile(re.escape(pattern), flags)
    text = pattern if mode == "ERE" else _bre_to_ere(pattern)
    if "[[:" in text:
        return None
    try:
        return re.compile(text, flags)
    except re.error:
        return None


def grep_patterns(command: Command, values: dict[str, str]) -> list[GrepPattern]:
    """The patterns a grep command matches lines against (none for `grep -v`)."""
    if command.tool not in ("grep", "egrep", "fgrep"):
        return []
    mode = {"egrep": "ERE", "fgrep": "fixed"}.get(command.tool, "BRE")
    ignore_case = False
    explicit: list[str] = []
    positional: list[str] = []
    words = [w.expand(values) for w in command.words]
    i = 0
    while i < len(words):
        text = words[i]
        if text is None:
            return []
        if text in ("-e", "--regexp") and i + 1 < len(words):
            explicit.append(words[i + 1] or "")
            i += 2
            continue
        if text.startswith("--regexp="):
            explicit.append(text.split("=", 1)[1])
        elif text.startswith("--"):
            if text in ("--invert-match", "--file"):
                return []
            mode = {"--extended-regexp": "ERE", "--fixed-strings": "fixed"}.get(text, mode)
            ignore_case = ignore_case or text == "--ignore-case"
        elif text.startswith("-") and len(text) > 1:
            letters = text[1:]
            if "v" in letters or "f" in letters:
                return []
            mode = "ERE" if "E" in letters else "fixed" if "F" in letters else mode
            ignore_case = ignore_case or "i" in letters
        else:
            positional.append(text)
        i += 1
    patterns = explicit or positional[:1]
    return [GrepPattern(p, mode, ignore_case) for p in patterns]


def _bre_to_ere(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in "|+?(){}":
            out.append(text[i + 1])
            i += 2
            continue
        out.append("\\" + ch if ch in "|+?(){}" else ch)
        i += 1
    return "".join(out)
