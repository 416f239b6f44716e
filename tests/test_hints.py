"""Messages and hints of the reference rules: they name the fix, with the site's slugs."""

from __future__ import annotations

import pytest
from conftest import ROOT
from runbookc.commands.wiring import lint_targets
from runbookc.config import Settings

CASES = ROOT / "tests" / "cases" / "rules"


def diagnostics(code: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str, str | None]]:
    case = CASES / code / "fail"
    monkeypatch.chdir(case)
    result = lint_targets([], Settings(root=case, source=".", paths={"docs/ops/": "ops/"}))
    return [(d.line, d.message, d.hint) for d in result.diagnostics if d.code == code]


def test_anchor_near_misses_suggest_the_site_slug(monkeypatch) -> None:
    found = diagnostics("RB202", monkeypatch)
    assert found == [
        (
            19,
            "anchor `#диагностика` matches no heading of `ops/b.md`",
            "did you mean `#диагностика-пошагово`? (anchors are the site's heading slugs)",
        ),
        (
            20,
            "anchor `#mitigaton` matches no heading of `ops/b.md`",
            "did you mean `#mitigation`? (anchors are the site's heading slugs)",
        ),
        (
            22,
            "anchor `#step` matches no heading of this document",
            "did you mean `#steps`? (anchors are the site's heading slugs)",
        ),
        (
            24,
            "anchor `#mitigation-1` matches no heading of `ops/b.md`",
            "GitHub numbers a repeated heading `-1`, the site `_1`: write `#mitigation_1`",
        ),
        (
            26,
            "anchor `#"
            + "%D0%B4%D0%B8%D0%B0%D0%B3%D0%BD%D0%BE%D1%81%D1%82%D0%B8%D0%BA%D0%B0-%D0%BF%D0%BE"
            "%D1%88%D0%B0%D0%B3%D0%BE%D0%B2%D0%BE` is percent-encoded: MkDocs compares it "
            "with the page's anchors as written, so the strict build fails",
            "write it as the site spells it: `#диагностика-пошагово`",
        ),
    ]


def test_unknown_alert_suggests_the_defined_id(monkeypatch) -> None:
    ((_, message, hint),) = diagnostics("RB204", monkeypatch)
    assert message == "related alert `ALT-TEST-0002` is defined by no alert document"
    assert hint == "did you mean `ALT-TEST-0001`?"


def test_unresolved_path_names_the_mapped_file(monkeypatch) -> None:
    ((_, message, hint),) = diagnostics("RB203", monkeypatch)
    assert message == (
        "`docs/ops/rollback_plan.md` resolves to `ops/rollback_plan.md`, which is not in the corpus"
    )
    assert hint == "[tool.runbookc.paths] maps `docs/ops/` to `ops/`"


def test_duplicates_name_the_other_file(monkeypatch) -> None:
    found = diagnostics("RB206", monkeypatch)
    assert [m for _, m, _ in found] == [
        "doc_id `RB-TEST-0001` is also used by ops/copy_of_a.md:2",
        "doc_id `RB-TEST-0001` is also used by ops/a.md:2",
    ]
    alerts = diagnostics("RB205", monkeypatch)
    assert [m for _, m, _ in alerts] == [
        "alert `ALT-TEST-0001` is also defined at ops/alerts_two.md:17",
        "alert `ALT-TEST-0001` is also defined at ops/alerts_one.md:10",
    ]


def test_stale_approval_says_who_and_how_to_renew(monkeypatch) -> None:
    ((_, message, hint),) = diagnostics("RB305", monkeypatch)
    assert message.startswith("Owner approval by a.petrov (2026-01-12) is stale")
    assert hint == "review the change, then `runbookc approve ops/a.md --role Owner --by NAME`"


def test_link_to_a_file_that_failed_to_load(tmp_path, monkeypatch) -> None:
    import shutil

    shutil.copytree(CASES / "RB201" / "fail" / "ops", tmp_path / "ops")
    (tmp_path / "ops" / "missing.md").write_text("# no front matter\n")
    monkeypatch.chdir(tmp_path)
    result = lint_targets([], Settings(root=tmp_path, source=".", paths={}))
    found = [(d.path, d.line, d.code, d.message) for d in result.diagnostics]
    assert ("ops/missing.md", 1, "RB004", "file does not start with a `---` line") in found
    assert (
        "ops/a.md",
        20,
        "RB201",
        "link to `missing.md`: `ops/missing.md` exists but could not be loaded as a document "
        "(see its own findings)",
    ) in found
