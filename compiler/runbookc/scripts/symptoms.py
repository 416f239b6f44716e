"""What a runbook's symptoms are (the code spans under its Symptoms section) and what its
greps look for: the symptom rule (RB405) and the sandbox's symptom scenario compare them."""

from __future__ import annotations

import re

from runbookc.model import Document
from runbookc.scripts.greppatterns import grep_patterns
from runbookc.scripts.script import Script
from runbookc.scripts.settings import ScriptSettings


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
