"""What a runbook's symptoms are (the code spans under its Symptoms section) and what its
greps look for: the symptom rule (RB405) and the sandbox's symptom scenario compare them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from runbookc.model import Document
from runbookc.scripts.greppatterns import grep_patterns
from runbookc.scripts.script import Script
from runbookc.scripts.settings import ScriptSettings


@dataclass(frozen=True)
class ScanPattern:
    """A line of output a step's script reports as a symptom found: it holds `text`
    (fixed) or matches it (`ere`, bash's `=~`)."""

    kind: str  # "fixed" | "ere"
    text: str
    ignore_case: bool = False


def scan_patterns(script: Script, symptoms: list[str]) -> list[ScanPattern]:
    """What the step's script looks for in its output: the runbook's symptoms, then the
    step's own grep patterns that are signatures rather than names (a grep for `web`
    filters; a grep for `connection refused` looks for a symptom)."""
    found = [ScanPattern("fixed", text) for text in symptoms]
    for unit in script.parsed.units:
        for command in unit.commands:
            for pattern in grep_patterns(command, script.values):
                if not pattern.text.strip() or _NAME.fullmatch(pattern.text.strip()):
                    continue
                ere = pattern.ere()
                kind, text = ("fixed", pattern.text) if ere is None else ("ere", ere)
                found.append(ScanPattern(kind, text, pattern.ignore_case))
    return list(dict.fromkeys(found))


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


# A code span that names something rather than quoting what a program prints: one word of
# lowercase letters, digits and `.-_/=` (`web`, `kube-system`, `deploy/web`, `app=web`,
# `app.kubernetes.io/name`), maybe a flag or a path (`--since`, `/var/log`), or a variable
# (`$NAMESPACE`). A reader does not expect a grep for those; everything else (`connection
# refused`, `x509: ...`, `CrashLoopBackOff`, `MANIFEST_UNKNOWN`, `503`) is a signature.
_NAME = re.compile(r"(?:--?|/)?[a-z0-9][a-z0-9._/=-]*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?")


def symptom_lines(document: Document, config: ScriptSettings) -> list[tuple[str, int, int]]:
    """The error signatures a runbook lists under its symptoms, (text, line, column): its
    code spans there that are not names (_NAME)."""
    return [
        (span.text, span.line, span.column)
        for span in document.parsed.code_spans
        if config.role((span.section, span.section_role)) == "symptoms"
        and span.text.strip()
        and not _NAME.fullmatch(span.text.strip())
    ]
