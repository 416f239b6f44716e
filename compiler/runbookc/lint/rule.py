"""A lint rule: its code, name, severity, summary and family, the finding it makes when
called, and its docs: the summary and page in each language the site speaks, read from
ruledocs/ (the package data). The rules themselves are declared in lint/catalog/."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from runbookc.diagnostics import Diagnostic, Severity


class Family(StrEnum):
    """Where a rule's check is: a module of the package, or a package whose modules check it
    (the only ones that import the rule)."""

    LOAD = "pipeline.load"
    SOURCE_LINKS = "pipeline.source_links"
    VALIDATE = "pipeline.validate"
    HTML_SAFETY = "pipeline.html_safety"
    LINKS = "lint.links"
    PAGES = "lint.pages"
    IDS = "lint.ids"
    ORPHANS = "lint.orphans"
    APPROVALS = "lint.approvals"
    POLICY = "lint.policy"
    ADOPTION = "lint.adoption"
    DRAFT = "scripts.draft"
    SHELLCHECK = "scripts.shellcheck"
    SANDBOX = "scripts.sandbox"
    EXTRACT = "scripts.extract"
    RULE_FILES = "pipeline.rulefiles"
    ALERT_RULES = "lint.alert_rules"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    family: Family
    # The site build fails on what it finds (a file may not silence it: lint clean must
    # mean the build succeeds; tests/test_lint_predicts_build.py holds each to that).
    breaks_build: bool = False

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

    def summary_in(self, language: str) -> str:
        """The summary as the site shows it in `language` (a render.labels key: `ru`):
        ruledocs/summaries.<language>.toml, the English one for a language without it."""
        return _summaries(language).get(self.code, self.summary)

    def docs(self) -> str:
        """The rule's docs page text in English (problem, example, fix, why)."""
        return _page(self.code, "en")

    def docs_in(self, language: str) -> tuple[str, str]:
        """The docs page as the site shows it in `language` (a render.labels key: `ru`) and
        the language it is written in: ruledocs/<language>/<CODE>.md, the English page for
        a language without one."""
        translated = _page(self.code, language)
        return (translated, language) if translated else (self.docs(), "en")


def _page(code: str, language: str) -> str:
    """The text of the page, "" when there is none (a language is a folder name only when
    it is letters: it comes from the settings)."""
    folder = resources.files("runbookc") / "ruledocs"
    if language != "en":
        if not (language.isascii() and language.isalpha()):
            return ""
        folder = folder / language
    page = folder / f"{code}.md"
    return page.read_text(encoding="utf-8") if page.is_file() else ""


@cache
def _summaries(language: str) -> dict[str, str]:
    import tomllib

    table = resources.files("runbookc") / "ruledocs" / f"summaries.{language}.toml"
    return tomllib.loads(table.read_text(encoding="utf-8")) if table.is_file() else {}


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
# code -> rule, filled as the modules of lint/catalog/ declare them (BY_CODE there).
DECLARED: dict[str, Rule] = {}


def declare_rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    family: Family,
    *,
    breaks_build: bool = False,
) -> Rule:
    if code in DECLARED:
        raise ValueError(f"rule code {code} declared twice")
    DECLARED[code] = Rule(code, name, severity, summary, family, breaks_build)
    return DECLARED[code]
