"""Lint policy: severity overrides and ignores from settings, inline suppressions, and a
front matter opt-out, applied to the diagnostics of every stage.

    [tool.runbookc]
    severity = {RB209 = "error"}     # change a rule's severity
    ignore = ["RB208"]               # drop a rule everywhere

    <!-- runbookc: disable=RB203 -->       the same line and the next one
    <!-- runbookc: disable-file=RB208 -->  the whole file
    # runbookc: disable=RB204              the same in front matter (a YAML comment)
    lint: {ignore: [RB209]}                front matter: the whole file

A file cannot silence the findings that guard against it (only the reviewed settings can;
an attempt is itself reported): approvals (RB301-RB306) gate the very file they are written
in, the schema findings (RB1xx) keep what the renderer reads well-typed, the HTML safety
findings (RB5xx) protect the site's readers, and what the site build fails on (the rules
the catalog marks `breaks_build`) would make a clean lint a lie.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from runbookc.config import ConfigError, Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.lint.catalog import BY_CODE, RULES
from runbookc.lint.catalog.approvals import BAD_SUPPRESSION
from runbookc.lint.rule import Family
from runbookc.model import Document

declare(
    Key("severity", Kind.MAP, "{}", 'a rule\'s severity: CODE = "error", "warning" or "info"'),
    Key("ignore", Kind.STRINGS, "[]", "rule codes dropped everywhere"),
)

# The approval findings (lint/approvals.py): RB301-RB306, RB308, RB309.
APPROVAL_CODES = frozenset(r.code for r in RULES if r.family is Family.APPROVALS)
GUARD_PREFIXES = ("RB1", "RB5")  # schema, HTML safety
BUILD_CODES = frozenset(r.code for r in RULES if r.breaks_build)


def unsuppressible(code: str) -> bool:
    """Whether a document may not silence `code` about itself."""
    return code in APPROVAL_CODES or code in BUILD_CODES or code.startswith(GUARD_PREFIXES)


_DIRECTIVE = re.compile(r"runbookc:\s*(disable-file|disable)\s*=\s*([A-Za-z0-9_,\s]+?)\s*(?:-->|$)")
_CODE = re.compile(r"^RB\d{3}$")


@dataclass(frozen=True)
class Policy:
    severity: Mapping[str, Severity] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        """Read and check `severity` and `ignore`; an unknown code is a ConfigError."""
        raw_severity = settings.raw.get("severity", {})
        if not isinstance(raw_severity, dict):
            raise ConfigError("tool.runbookc.severity must be a table of CODE = severity")
        severity: dict[str, Severity] = {}
        for code, value in raw_severity.items():
            _known(code, "severity")
            try:
                severity[code] = Severity(value)
            except ValueError:
                choices = ", ".join(s.value for s in Severity)
                raise ConfigError(
                    f"tool.runbookc.severity.{code}: {value!r} is not one of {choices}"
                ) from None
        ignore = settings.raw.get("ignore", [])
        if not isinstance(ignore, list):
            raise ConfigError("tool.runbookc.ignore must be a list of rule codes")
        for code in ignore:
            _known(code, "ignore")
        return cls(severity, frozenset(ignore))

    def apply(
        self, diagnostics: Iterable[Diagnostic], suppressions: Mapping[str, Suppressions]
    ) -> list[Diagnostic]:
        """Drop ignored and suppressed diagnostics (`suppressions`: each document's, by its
        path), set overridden severities, and add a finding for every suppression that
        names an unknown or unsilenceable code."""
        kept: list[Diagnostic] = []
        for d in diagnostics:
            if d.code in self.ignore:
                continue
            found = suppressions.get(d.path)
            if found is not None and not unsuppressible(d.code) and found.silences(d):
                continue
            kept.append(d.with_severity(self.severity[d.code]) if d.code in self.severity else d)
        for path, found in suppressions.items():
            kept += (d for d in found.problems(path) if d.code not in self.ignore)
        return kept


def _known(code: object, key: str) -> None:
    if not isinstance(code, str) or code not in BY_CODE:
        raise ConfigError(f"tool.runbookc.{key}: unknown rule code {code!r} (see `runbookc rules`)")


@dataclass
class Suppressions:
    """What one document's comments and front matter silence."""

    file_codes: dict[str, int] = field(default_factory=dict)  # code -> line written
    line_codes: dict[int, set[str]] = field(default_factory=dict)  # file line -> codes
    written: list[tuple[str, int]] = field(default_factory=list)  # (code, line) as written

    @classmethod
    def of(cls, doc: Document) -> Suppressions:
        found = cls()
        front = doc.front
        for index, code in enumerate(_list(front.data.get("lint", {}), "ignore")):
            found._file(str(code), front.line_of(("lint", "ignore", index)))
        lines = doc.text.split("\n", front.end_line)[: front.end_line]
        for number in range(front.start_line, front.end_line + 1):
            text = lines[number - 1] if number - 1 < len(lines) else ""
            if "#" in text and "runbookc:" in text:
                found._directives(text[text.index("#") :], number, number)
        for html in doc.parsed.html:
            if "runbookc:" in html.content:
                last = html.line + html.content.rstrip("\n").count("\n")
                found._directives(html.content, html.line, last)
        return found

    def _directives(self, text: str, first: int, last: int) -> None:
        for match in _DIRECTIVE.finditer(text):
            codes = [c for c in re.split(r"[\s,]+", match.group(2)) if c]
            for code in codes:
                if match.group(1) == "disable-file":
                    self._file(code, first)
                else:
                    self.written.append((code, first))
                    for line in range(first, last + 2):  # the comment's lines and the next
                        self.line_codes.setdefault(line, set()).add(code)

    def _file(self, code: str, line: int) -> None:
        self.file_codes.setdefault(code, line)
        self.written.append((code, line))

    def silences(self, d: Diagnostic) -> bool:
        return d.code in self.file_codes or (
            d.line is not None and d.code in self.line_codes.get(d.line, ())
        )

    def problems(self, path: str) -> Iterable[Diagnostic]:
        for code, line in self.written:
            if not _CODE.match(code) or code not in BY_CODE:
                yield BAD_SUPPRESSION(
                    path,
                    line,
                    f"suppression names unknown rule code `{code}`",
                    hint="see `runbookc rules` for the codes",
                )
            elif unsuppressible(code):
                fix = "approve the document" if code in APPROVAL_CODES else "fix what it reports"
                yield BAD_SUPPRESSION(
                    path,
                    line,
                    f"{code} cannot be silenced in the file it is about",
                    hint=f"{fix}, or change the rule in [tool.runbookc]",
                )


def _list(table: object, key: str) -> list[object]:
    value = table.get(key) if isinstance(table, dict) else None
    return value if isinstance(value, list) else []
