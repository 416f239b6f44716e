"""Every rule code has a docs page: compiler/runbookc/ruledocs/<CODE>.md, shipped with the
package, with the sections # CODE name, ## Problem, ## Example, ## Fix, ## Why; and one in
each other language the site speaks, ruledocs/<language>/<CODE>.md, with the same first
line, section markers and code blocks around translated prose."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.config import Settings
from runbookc.lint.catalog import BY_CODE, RULES
from runbookc.pipeline.graph import build_graph
from runbookc.pipeline.parse import parse_body
from runbookc.render.context import Site
from runbookc.render.labels import LABELS
from runbookc.render.rule_pages import RULE_SECTIONS, rule_doc_page

SECTIONS = ["Problem", "Example", "Fix", "Why"]
RULEDOCS = ROOT / "compiler" / "runbookc" / "ruledocs"
TRANSLATED = sorted(set(LABELS) - {"en"})
# A language's letters: its translated prose has words of them.
LETTERS = {
    "ru": "[\N{CYRILLIC SMALL LETTER A}-\N{CYRILLIC SMALL LETTER YA}\N{CYRILLIC SMALL LETTER IO}]"
}


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
    assert {page.stem for page in RULEDOCS.glob("*/*.md")} <= codes
    assert {page.parent.name for page in RULEDOCS.glob("*/*.md")} <= set(TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_rule_has_a_docs_page_in_every_site_language(language: str) -> None:
    missing = [r.code for r in RULES if not (RULEDOCS / language / f"{r.code}.md").is_file()]
    assert missing == [], f"no compiler/runbookc/ruledocs/{language}/<CODE>.md for {missing}"


def _sections(text: str) -> list[tuple[str, str]]:
    """(level-2 heading, prose outside code) pairs, as Markdown sees the page."""
    lines = text.splitlines()
    body = parse_body(text, 1)
    for block in body.code_blocks:
        lines[block.line - 1 : block.end_line] = [""] * (block.end_line - block.line + 1)
    headings = [h for h in body.headings if h.level == 2]
    ends = [h.line - 1 for h in headings[1:]] + [len(lines)]
    return [
        (h.text, re.sub(r"`[^`]*`", "", "\n".join(lines[h.line : end])))
        for h, end in zip(headings, ends, strict=True)
    ]


def _blocks(text: str) -> list[tuple[str, str, str]]:
    """Every code block as (section, info string, content)."""
    return [(b.section, b.info, b.content) for b in parse_body(text, 1).code_blocks]


@pytest.mark.parametrize(
    "page",
    sorted(RULEDOCS.glob("*/*.md")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_a_translated_page_keeps_the_english_pages_shape(page: Path) -> None:
    """The first line (the rule's name is an identifier), the section markers (the site
    names them in its language) and every code block as the English page has them, so a
    fix to an example in one is not missed in the other; the prose is translated."""
    english = BY_CODE[page.stem].docs()
    text = page.read_text(encoding="utf-8")
    assert text.splitlines()[0] == english.splitlines()[0]
    assert [h for h, _ in _sections(text)] == SECTIONS
    assert _blocks(text) == _blocks(english)
    letters = LETTERS[page.parent.name]
    for (heading, prose), (_, original) in zip(_sections(text), _sections(english), strict=True):
        if re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", original):  # a section with prose
            words = re.findall(rf"{letters}+", prose, re.IGNORECASE)
            assert len(words) >= 3, f"{page.name}: the {heading} section is not translated"


def test_package_data_ships_ruledocs_and_schemas() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    shipped = pyproject["tool"]["setuptools"]["package-data"]["runbookc"]
    assert {"ruledocs/*.md", "ruledocs/*/*.md", "ruledocs/*.toml", "schema/*.json"} <= set(shipped)


def test_too_large_page_states_the_real_limits() -> None:
    from runbookc import limits
    from runbookc.lint.catalog.documents import TOO_LARGE

    text = TOO_LARGE.docs()
    assert f"{limits.MAX_FILE_BYTES // (1024 * 1024)} MiB" in text
    assert f"{limits.MAX_LINE_CHARS:,} characters" in text
    assert f"{limits.MAX_FRONT_MATTER_LINES:,} lines" in text
    assert f"{limits.MAX_FRONT_MATTER_CHARS // 1024} KiB" in text
    assert f"{limits.MAX_YAML_DEPTH} levels" in text
    assert f"{limits.MAX_INT_DIGITS} digits" in text
    # and the Russian page the same limits (thousands grouped with a space)
    text = " ".join((RULEDOCS / "ru" / f"{TOO_LARGE.code}.md").read_text("utf-8").split())
    assert f"{limits.MAX_FILE_BYTES // (1024 * 1024)} МиБ" in text
    assert f"{limits.MAX_LINE_CHARS:,} символов".replace(",", " ") in text
    assert f"{limits.MAX_FRONT_MATTER_LINES:,} строк".replace(",", " ") in text
    assert f"{limits.MAX_FRONT_MATTER_CHARS // 1024} КиБ" in text
    assert f"{limits.MAX_YAML_DEPTH} уровней" in text
    assert f"{limits.MAX_INT_DIGITS} цифр" in text


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


def _rule_page(language: str, code: str) -> str:
    settings = Settings(root=Path("/"), language=language)
    site = Site(settings, [], build_graph([], settings), rules=RULES)
    return rule_doc_page(site, BY_CODE[code])


def _problem(text: str) -> str:
    """The first paragraph of a docs page's Problem section."""
    return text.split("## Problem\n", 1)[1].strip().split("\n\n", 1)[0]


ENGLISH = _problem(BY_CODE["RB501"].docs())


def test_a_russian_site_shows_the_russian_explanation() -> None:
    page = _rule_page("ru", "RB501")
    assert _problem((RULEDOCS / "ru" / "RB501.md").read_text("utf-8")) in page
    assert "## Проблема" in page and ENGLISH not in page
    assert 'lang="en"' not in page


def test_an_english_site_shows_the_english_explanation() -> None:
    page = _rule_page("en", "RB501")
    assert ENGLISH in page and "## Problem" in page
    assert 'lang="en"' not in page


def test_a_language_without_the_page_shows_the_english_one_marked_as_english() -> None:
    rule = BY_CODE["RB501"]
    assert rule.docs_in("de") == (rule.docs(), "en")
    assert rule.docs_in("../ru") == (rule.docs(), "en")  # a folder name only when letters
    page = _rule_page("de", "RB501")
    assert '<div lang="en" markdown>' in page and ENGLISH in page
