"""Document types are data (runbookc.doctypes): a fifth type, declared here in the test
alone as one descriptor plus one schema file, gets its pages, nav section, index, links
both ways and lint, with no change to the compiler."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc import doctypes
from runbookc.doctypes import RELATED_ALERTS, RELATED_RUNBOOKS, DocType, Words

RUNBOOK_ID = "RB-CK8S-AISLOT-BUILD-0001"
POSTMORTEM = """\
---
doc_id: PM-CK8S-AISLOT-BUILD-0001
type: postmortem
title: Build pipeline outage of March
status: active
owner_role: SRE
created_at: 2026-03-03
updated_at: 2026-03-04
related_runbooks: ["RB-CK8S-AISLOT-BUILD-0001"]
---

# Build pipeline outage of March

The [runbook](ai_slot_build_runbook.md) was followed.
"""


def postmortem_type(schema: Path) -> DocType:
    return DocType(
        name="postmortem",
        schema=str(schema),
        id_pattern="^PM-[A-Z0-9]+(-[A-Z0-9]+)*-[0-9]{4}$(?!\\n)",
        index="postmortems/index.md",
        columns=("doc_id", "title", "status", "owner", "approval", "runbooks", "updated"),
        words={"en": Words("postmortem", "Postmortems")},  # the Russian site falls back
        references=(RELATED_ALERTS, RELATED_RUNBOOKS),
        orphan="postmortem",
        nav_order=35,
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped corpus plus one postmortem, with the postmortem type declared:
    its schema is the rollback plan's with `type: postmortem`, a `PM-` doc_id and
    related_alerts allowed."""
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    shutil.copytree(ROOT / "site", tmp_path / "site")
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    schema = json.loads((ROOT / "compiler/runbookc/schema/rollback_plan.json").read_text())
    schema["$id"] = "urn:runbookc:schema:postmortem"
    schema["properties"]["type"] = {"const": "postmortem"}
    schema["properties"]["doc_id"]["pattern"] = "^PM-[A-Z0-9]+(-[A-Z0-9]+)*-[0-9]{4}$(?!\\n)"
    schema["properties"]["related_alerts"] = {"type": "array", "items": {"type": "string"}}
    (tmp_path / "postmortem.json").write_text(json.dumps(schema), encoding="utf-8")
    monkeypatch.setitem(doctypes.TYPES, "postmortem", postmortem_type(tmp_path / "postmortem.json"))
    (tmp_path / "runbooks/ops/postmortem_march.md").write_text(POSTMORTEM, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_declared_type_gets_pages_nav_and_links(cli, project: Path) -> None:
    built = cli("build", "--output", str(project / "out"))
    assert built.code == 0, built.err
    docs = project / "out" / "docs"
    page = (docs / "ops/postmortem_march.md").read_text(encoding="utf-8")
    assert "| Тип | postmortem |" in page  # its words: English, the only ones it has
    assert f"| Ранбуки | [`{RUNBOOK_ID}`](ai_slot_build_runbook.md)" in page
    # the link back: the runbook's page lists it in a row of its own type
    runbook = (docs / "ops/ai_slot_build_runbook.md").read_text(encoding="utf-8")
    assert "| Postmortems | [`PM-CK8S-AISLOT-BUILD-0001`](postmortem_march.md)" in runbook
    index = (docs / "postmortems/index.md").read_text(encoding="utf-8")
    assert "# Postmortems" in index
    assert (
        "| [`PM-CK8S-AISLOT-BUILD-0001`](../ops/postmortem_march.md) | "
        "Build pipeline outage of March | действует | SRE | не требуется | "
        f"[`{RUNBOOK_ID}`](../ops/ai_slot_build_runbook.md) | 2026-03-04 |"
    ) in index
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "| [Postmortems](postmortems/index.md) | 1 |" in home
    # the nav section, between rollback plans (30) and SLO docs (40); mkdocs --strict
    # passed, so every page is in the nav
    html = (project / "out/site/postmortems/index.html").read_text(encoding="utf-8")
    primary = html[html.index("md-nav--primary") :]
    labels = [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r'class="md-ellipsis">(.*?)</span>', primary, re.S)
    ]
    assert labels == [
        "Главная",
        "Ранбуки",
        "Алерты",
        "Планы отката",
        "Postmortems",
        "Build pipeline outage of March",  # its section is open on its index page
        "SLO",
        "Скрипты",
        "Теги",
    ]


def test_a_declared_type_is_linted(cli, project: Path) -> None:
    ops = project / "runbooks/ops"
    (ops / "postmortem_bad_id.md").write_text(
        POSTMORTEM.replace("PM-CK8S-AISLOT-BUILD-0001", "PM-cks-1").replace(
            RUNBOOK_ID, "RB-CK8S-AISLOT-BUILD-0009"
        ),
        encoding="utf-8",
    )
    (ops / "postmortem_alone.md").write_text(
        POSTMORTEM.replace(f'related_runbooks: ["{RUNBOOK_ID}"]\n', "").replace(
            "PM-CK8S-AISLOT-BUILD-0001", "PM-CK8S-AISLOT-BUILD-0002"
        ),
        encoding="utf-8",
    )
    found = cli("lint", "--format", "json").json()
    by_file = {
        (Path(d["path"]).name, d["code"], d["message"])
        for d in found["diagnostics"]
        if Path(d["path"]).name.startswith("postmortem")
    }
    assert by_file == {
        (
            "postmortem_bad_id.md",
            "RB106",
            "doc_id 'PM-cks-1' does not match the postmortem id pattern "
            "'^PM-[A-Z0-9]+(-[A-Z0-9]+)*-[0-9]{4}$(?!\\\\n)'",
        ),
        (
            "postmortem_bad_id.md",
            "RB207",
            "related_runbooks: no document has doc_id `RB-CK8S-AISLOT-BUILD-0009`",
        ),
        # its one reference resolves to nothing, so nothing connects it either
        ("postmortem_bad_id.md", "RB209", "no document refers to this postmortem"),
        ("postmortem_alone.md", "RB209", "no document refers to this postmortem"),
    }


def test_a_type_not_declared_is_an_error(cli, project: Path, monkeypatch) -> None:
    monkeypatch.delitem(doctypes.TYPES, "postmortem")
    found = cli("lint", "--format", "json").json()
    codes = {
        (d["code"], d["message"])
        for d in found["diagnostics"]
        if d["path"].endswith("postmortem_march.md")
    }
    assert codes == {("RB107", "unknown document type 'postmortem'")}


def test_the_shipped_schemas_leave_id_patterns_to_the_settings() -> None:
    """The schema files give an id's shape; its pattern is [tool.runbookc.ids] (the
    descriptor's by default), put on every node marked as an id when validating."""
    for doc_type in doctypes.TYPES.values():
        text = (ROOT / "compiler/runbookc/schema" / doc_type.schema).read_text()
        assert not re.search(r"\^(RB|ALT|ALD|SLO|RP)-", text), doc_type.name
        schema = json.loads(text)
        assert schema["properties"]["doc_id"]["x-runbookc-id"] == "doc_id"
        assert "pattern" not in schema["properties"]["doc_id"]
        assert schema["properties"]["type"] == {"const": doc_type.name}
        assert doc_type.id_pattern == doctypes.SLUG_ID
