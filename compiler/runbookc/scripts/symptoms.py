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


def symptom_lines(document: Document, config: ScriptSettings) -> list[tuple[str, int, int]]:
    """The error signatures a runbook lists under its symptoms: (text, line, column)."""
    return [
        (span.text, span.line, span.column)
        for span in document.parsed.code_spans
        if config.role((span.section, span.section_role)) == "symptoms" and span.text.strip()
    ]
