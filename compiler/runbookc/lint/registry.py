"""The rule registry: every diagnostic code, its default severity and summary.

Each module that emits diagnostics declares its rules with `rule(...)` at import time;
`all_rules()` imports every such module so the CLI and the docs see the whole set. The long
explanation of each code (problem, example, fix) lives in `ruledocs/<CODE>.md`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib import resources

from runbookc.diagnostics import Diagnostic, Severity

# Modules that declare rules; importing them fills REGISTRY.
RULE_MODULES = (
    "runbookc.pipeline.load",
    "runbookc.pipeline.source_links",
    "runbookc.pipeline.validate",
    "runbookc.lint.links",
    "runbookc.lint.ids",
    "runbookc.lint.orphans",
    "runbookc.lint.approvals",
    "runbookc.lint.policy",
    "runbookc.scripts.draft",
    "runbookc.scripts.shellcheck",
    "runbookc.scripts.sandbox",
    "runbookc.scripts.extract",
    "runbookc.pipeline.html_safety",
)

REGISTRY: dict[str, Rule] = {}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str

    def __call__(
        self,
        path: str,
        line: int | None,
        message: str,
        *,
        column: int | None = 1,
        hint: str | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            self.code, self.severity, path, line, column if line else None, message, hint
        )

    def docs(self) -> str:
        """The rule's docs page text (problem, example, fix)."""
        page = resources.files("runbookc") / "ruledocs" / f"{self.code}.md"
        return page.read_text(encoding="utf-8") if page.is_file() else ""


def rule(code: str, name: str, severity: Severity, summary: str) -> Rule:
    if code in REGISTRY:
        raise ValueError(f"rule code {code} declared twice")
    REGISTRY[code] = Rule(code, name, severity, summary)
    return REGISTRY[code]


def all_rules() -> list[Rule]:
    for module in RULE_MODULES:
        importlib.import_module(module)
    return sorted(REGISTRY.values(), key=lambda r: r.code)
