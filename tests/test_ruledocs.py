"""Every rule code has a docs page: compiler/runbookc/ruledocs/<CODE>.md, shipped with the
package, with the sections # CODE name, ## Problem, ## Example, ## Fix, ## Why."""

from __future__ import annotations

import tomllib

import pytest
from conftest import ROOT
from runbookc.lint.catalog import RULES
from runbookc.pipeline.parse import parse_body
from runbookc.render.labels import LABELS
from runbookc.render.pages import RULE_SECTIONS

SECTIONS = ["Problem", "Example", "Fix", "Why"]
RULEDOCS = ROOT / "compiler" / "runbookc" / "ruledocs"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_has_a_docs_page_with_every_section(rule) -> None:
    text = rule.docs()
    assert text, f"missing compiler/runbookc/ruledocs/{rule.code}.md"
    lines = text.splitlines()
    assert lines[0] == f"# {rule.code} {rule.name}"
    # Headings as Markdown sees them: an example runbook inside a fence has its own.
    headings = [h for h in parse_body(text, 1).headings if h.level == 2]
    assert [h.text for h in headings] == SECTIONS
    ends = [h.line - 1 for h in headings[1:]] + [len(lines)]
    for heading, end in zip(headings, ends, strict=True):
        assert len("\n".join(lines[heading.line : end]).strip()) > 20, heading.text


def test_no_docs_page_without_a_rule() -> None:
    codes = {rule.code for rule in RULES}
    assert {page.stem for page in RULEDOCS.glob("*.md")} <= codes


def test_package_data_ships_ruledocs_and_schemas() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["runbookc"]
    assert {"ruledocs/*.md", "ruledocs/*.toml", "schema/*.json"} <= set(shipped)


def test_too_large_page_states_the_real_limits() -> None:
    from runbookc import limits
    from runbookc.lint.catalog import TOO_LARGE

    text = TOO_LARGE.docs()
    assert f"{limits.MAX_FILE_BYTES // (1024 * 1024)} MiB" in text
    assert f"{limits.MAX_LINE_CHARS:,} characters" in text
    assert f"{limits.MAX_FRONT_MATTER_LINES:,} lines" in text
    assert f"{limits.MAX_FRONT_MATTER_CHARS // 1024} KiB" in text
    assert f"{limits.MAX_YAML_DEPTH} levels" in text
    assert f"{limits.MAX_INT_DIGITS} digits" in text


def test_the_site_names_every_section_in_every_language() -> None:
    assert list(RULE_SECTIONS) == SECTIONS
    for words in LABELS.values():
        assert all(words[f"rule_{name.lower()}"] for name in SECTIONS)


@pytest.mark.parametrize("language", sorted(set(LABELS) - {"en"}))
def test_every_rule_has_a_summary_in_every_site_language(language: str) -> None:
    """ruledocs/summaries.<language>.toml: one summary per rule code, none for a code that
    is not a rule (the site shows them on rule pages and with each finding)."""
    table = tomllib.loads((RULEDOCS / f"summaries.{language}.toml").read_text("utf-8"))
    assert sorted(table) == sorted(rule.code for rule in RULES)
    for rule in RULES:
        assert rule.summary_in(language) == table[rule.code] != rule.summary
