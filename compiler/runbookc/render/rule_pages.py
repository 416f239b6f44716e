"""The rules page (every rule, its severity and summary) and each rule's docs page in the
site's language."""

from __future__ import annotations

from runbookc.lint.rule import Rule
from runbookc.pipeline.parse import parse_body
from runbookc.render import markdown as md
from runbookc.render.context import Site
from runbookc.render.labels import language_key
from runbookc.render.paths import RULES, href, rule_page
from runbookc.render.templates import render_template as _render


def rules_page(site: Site) -> str:
    language = language_key(site.settings.language)
    rows = [
        {
            "ref": f"[{r.code}]({href(RULES, rule_page(r.code))})",
            "name": md.code(r.name),
            "severity": site.words["severity_" + r.severity.value],
            "summary": md.with_code(r.summary_in(language)),
        }
        for r in site.rules
    ]
    return _render("rules.md.j2", w=site.words, rows=rows)


# The sections of a rule's docs page (tests/test_ruledocs.py holds every page to them).
RULE_SECTIONS = ("Problem", "Example", "Fix", "Why")


def rule_doc_page(site: Site, rule: Rule) -> str:
    language = language_key(site.settings.language)
    docs, written_in = rule.docs_in(language)
    docs = docs.strip()
    heading, _, rest = docs.partition("\n")
    if not heading.startswith("# "):
        heading, rest = f"# {rule.code} {rule.name}", docs
    return _render(
        "rule.md.j2",
        w=site.words,
        rule=rule,
        heading=heading,
        severity=site.words["severity_" + rule.severity.value],
        sections=_rule_sections(site, rest.strip("\n")),
        english=written_in != language,
        summary=md.with_code(rule.summary_in(language)),
    )


def _rule_sections(site: Site, text: str) -> list[tuple[str, str]]:
    """A rule's docs as (heading in the site's language, text) pairs, split at its
    sections' headings as Markdown sees them (an example inside a fence has its own); text
    before the first comes with the heading ""."""
    lines = text.splitlines()
    starts = [
        (h.line - 1, h.text)
        for h in parse_body(text, 1).headings
        if h.level == 2 and h.text in RULE_SECTIONS
    ]
    sections = [("", "\n".join(lines[: starts[0][0] if starts else len(lines)]))]
    ends = [start for start, _ in starts[1:]] + [len(lines)]
    for (start, name), end in zip(starts, ends, strict=True):
        body = "\n".join(lines[start + 1 : end])
        sections.append((site.words["rule_" + name.lower()], body))
    return [(title, body.strip("\n")) for title, body in sections if title or body.strip()]
