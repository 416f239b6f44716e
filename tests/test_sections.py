"""Sections: a heading's attribute list (its anchor and an explicit role, as the site's
attr_list reads it) and the names that give a section its role."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from pymdownx.slugs import slugify
from runbookc.config import Settings
from runbookc.pipeline.document import compile_document
from runbookc.pipeline.parse import parse_body
from runbookc.render.sanitise import content
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.settings import DEFAULT_SECTIONS, ScriptSettings

HEADINGS = [
    "## Checks {#custom-id}",
    "## Checks",
    "## Checks {: role=diagnostics .wide }",
    "## Run `x` {#run}",
    "## `code` then text {#code-first} ##",
    "## Stray brace {#a}}",
    "## custom-id",
    "## Checks {role=mitigation}",
    "## *Emphasis* {#emph}",
    "## No space{#glued}",
    "## Braces in `{#code}`",
]


def _site_headings(source: str) -> list[tuple[str, str]]:
    """(id, text) of every heading as the site's Markdown makes it."""
    html = markdown.markdown(
        source,
        extensions=["attr_list", "toc"],
        extension_configs={"toc": {"slugify": slugify(case="lower")}},
    )
    found = re.findall(r'<h2[^>]* id="([^"]*)"[^>]*>(.*?)</h2>', html)
    return [(anchor, re.sub(r"<[^>]+>", "", text)) for anchor, text in found]


def test_heading_anchors_and_text_are_the_sites() -> None:
    source = "\n\n".join(HEADINGS) + "\n"
    body = parse_body(source, 1)
    assert [(h.slug, h.text) for h in body.headings] == _site_headings(source)
    assert body.headings[0].slug == "custom-id"
    assert body.headings[0].text == "Checks"
    assert body.headings[6].slug == "custom-id_1"  # the explicit id was taken first


def test_heading_roles_from_attribute_lists() -> None:
    source = "\n\n".join(HEADINGS[:3]) + "\n\n### Sub {role=verification}\n\n```bash\nls\n```\n"
    body = parse_body(source, 1)
    assert [h.role for h in body.headings] == ["", "", "diagnostics", "verification"]
    block = body.code_blocks[0]
    assert (block.section, block.section_role) == ("Checks", "diagnostics")
    assert (block.subsection, block.subsection_role) == ("Sub", "verification")


def test_role_attribute_never_reaches_the_page() -> None:
    """attr_list makes `role=diagnostics` an HTML attribute (an invalid ARIA role); the
    sanitiser's allow-list drops it, and the braces never show."""
    html = markdown.markdown("## Checks {role=diagnostics #checks .x}\n", extensions=["attr_list"])
    assert 'role="diagnostics"' in html  # what Markdown makes of it
    page = content(html)
    assert "role" not in page
    assert "{" not in page
    assert page == '<h2 class="x" id="checks">Checks</h2>'


def _config(**sections: tuple[str, ...]) -> ScriptSettings:
    return ScriptSettings(tuple({**DEFAULT_SECTIONS, **sections}.items()), (), frozenset(), ())


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("Triage", "diagnostics"),
        ("Troubleshooting", "diagnostics"),
        ("Possible checks", "diagnostics"),
        ("Investigation", "diagnostics"),
        ("3. Diagnosis", "diagnostics"),
        ("🔍 Troubleshooting:", "diagnostics"),
        ("1.2) possible CHECKS", "diagnostics"),
        ("Диагностика (пошагово)", "diagnostics"),
        ("Возможные проверки", "diagnostics"),
        ("Procedure", "mitigation"),
        ("Remediation 🛠", "mitigation"),
        ("Resolution", "mitigation"),
        ("Step 2: Mitigation", "mitigation"),
        ("Митигирование (восстановление)", "mitigation"),
        ("Устранение", "mitigation"),
        ("⚠️ Verify!", "verification"),
        ("Verification", "verification"),
        ("Проверка результата", "verification"),
        ("Шаг 4. Откат", "rollback"),
        ("Rollback steps", "rollback"),
        ("Symptoms", "symptoms"),
        ("Overview", ""),
        ("2FA recovery", ""),
        ("Checks", ""),
    ],
)
def test_default_section_names(heading: str, role: str) -> None:
    assert _config().role((heading, "")) == role


def test_explicit_role_and_settings_win() -> None:
    config = _config(diagnostics=("Checks",))
    assert config.role(("Checks", "")) == "diagnostics"
    assert config.role(("Diagnosis", "")) == ""  # a role given in settings replaces its names
    assert config.role(("Overview", "mitigation")) == "mitigation"
    assert config.role(("Remediation", ""), ("Anything", "diagnostics")) == "mitigation"
    assert config.role(("Notes", ""), ("Anything", "diagnostics")) == "diagnostics"


def test_step_role_from_a_marked_heading(tmp_path: Path) -> None:
    page = tmp_path / "checks.md"
    page.write_text(
        "---\ndoc_id: RB-TEST-0001\ntype: runbook\ntitle: T\nstatus: draft\nowner_role: SRE\n"
        "created_at: 2026-01-10\nupdated_at: 2026-01-12\n"
        "approvals: {required: [Owner], status: pending}\n---\n\n"
        "## Checks {role=diagnostics}\n\n```bash\nkubectl get pods\n```\n\n"
        "## 2. Remediation\n\n```bash\nkubectl get nodes\n```\n",
        encoding="utf-8",
    )
    settings = Settings(root=tmp_path, source=".")
    document = compile_document(page, "checks.md", settings).document
    assert document is not None
    scripts, found = plan_scripts(document, settings)
    assert [(s.section, s.role) for s in scripts] == [
        ("Checks", "diagnostics"),
        ("2. Remediation", "mitigation"),
    ]
    assert found == []


def test_links_are_checked_against_attribute_list_ids(cli, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.runbookc]\nsource = "."\n', encoding="utf-8")
    (tmp_path / "a.md").write_text(
        "---\ndoc_id: RB-TEST-0001\ntype: runbook\ntitle: T\nstatus: draft\nowner_role: SRE\n"
        "created_at: 2026-01-10\nupdated_at: 2026-01-12\n"
        "approvals: {required: [Owner], status: pending}\n---\n\n"
        "## Checks {#custom-id role=diagnostics}\n\n"
        "[site's anchor](#custom-id), [no such anchor](#checks)\n\n"
        "```bash\nkubectl get pods\n```\n",
        encoding="utf-8",
    )
    result = cli(
        "lint", "--no-cache", "--format", "json", "--config", str(tmp_path / "pyproject.toml")
    )
    found = [(d["code"], d["line"], d["message"]) for d in result.json()["diagnostics"]]
    assert found == [("RB202", 14, "anchor `#checks` matches no heading of this document")]
