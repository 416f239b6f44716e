"""`runbookc serve`'s docs dir kept in step with the sources, without starting a server."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, make_preview
from runbookc.config import load_settings
from runbookc.render.preview import Preview

RUNBOOK = "ops/registry_mirror_degraded_runbook.md"


@pytest.fixture
def preview(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    monkeypatch.chdir(tmp_path)
    settings = replace(load_settings(), output=str(tmp_path / "out"))
    preview = make_preview(settings)
    yield preview
    preview.close()
    assert not preview.root.exists()


def test_an_edit_rerenders_the_page_and_its_neighbours_only(preview: Preview) -> None:
    first = preview.sync()
    assert RUNBOOK in first and "index.md" in first and "rules/RB501.md" in first
    assert preview.sync() == set()  # nothing changed, nothing rendered

    source = preview.settings.source_dir / RUNBOOK
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('title: "Registry Mirror', 'title: "EDITED Mirror'), "utf-8")
    again = preview.sync()
    assert again == {
        RUNBOOK,
        "ops/alerts_registry_mirror.md",  # its alert doc names it as the handler
        "ops/alerts_ai_slot_build_pipeline.md",  # links to it
        "ops/rollback_plan_ai_slot_build_pipeline.md",  # related_runbooks
        "ops/slo_ai_slot_build_pipeline.md",  # related_runbooks
        "index.md",
        "scripts/index.md",  # the runbook's title heads its steps there
        "runbooks/index.md",
        "alerts/index.md",
        "rollback-plans/index.md",
        "slos/index.md",
    }
    for page in again - {"index.md", "slos/index.md", "rollback-plans/index.md"}:
        assert "EDITED Mirror" in (preview.docs_dir / page).read_text(encoding="utf-8"), page
    assert "EDITED" not in (preview.docs_dir / "ops/ai_slot_build_runbook.md").read_text("utf-8")


def test_a_removed_source_removes_its_page(preview: Preview) -> None:
    preview.sync()
    (preview.settings.source_dir / RUNBOOK).unlink()
    preview.sync()
    assert not (preview.docs_dir / RUNBOOK).exists()
    assert "registry_mirror_degraded_runbook" not in (
        preview.docs_dir / "runbooks/index.md"
    ).read_text(encoding="utf-8")


def test_an_edit_drafts_the_scripts_of_that_document_only(
    preview: Preview, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runbookc.pipeline import document

    preview.sync()
    planned: list[str] = []
    draft = document.draft_scripts

    def counted(doc, settings):
        planned.append(doc.path)
        return draft(doc, settings)

    monkeypatch.setattr(document, "draft_scripts", counted)
    source = preview.settings.source_dir / RUNBOOK
    source.write_text(source.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    preview.sync()
    assert planned == [f"runbooks/{RUNBOOK}"]
    assert list((preview.docs_dir / "scripts").glob("*/run.sh"))
