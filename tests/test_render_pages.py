"""Rendering the pages of the shipped corpus: page details, escaping, determinism, and the
set of pages an edit re-renders (the whole build with MkDocs is in test_site_build)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.commands.wiring import lint_targets
from runbookc.config import load_settings
from runbookc.lint.catalog import RULES
from runbookc.pipeline.graph import build_graph
from runbookc.render.context import Site
from runbookc.render.labels import labels
from runbookc.render.pages import render_pages
from runbookc.render.paths import PageCollision, document_page
from runbookc.render.preview import affected_pages

SEED_PAGE = "ops/ai_slot_build_runbook.md"
ALERTS_PAGE = "ops/alerts_ai_slot_build_pipeline.md"


def make_site(monkeypatch: pytest.MonkeyPatch, source: Path | None = None) -> Site:
    settings = load_settings()  # the project's (tests run in its copy: conftest.in_root)
    if source is not None:
        settings = replace(settings, source=str(source))
    result = lint_targets([], settings)
    docs = result.documents
    manifest = [
        {
            "doc_id": doc.doc_id,
            "script": f"build/scripts/{doc.doc_id}/{n:02d}-step.sh",
            "source": doc.path,
            "line": block.line,
            "section": block.section,
            "title": block.title,
            "mutating": "rollout" in block.content,
        }
        for doc in docs
        for n, block in enumerate((b for b in doc.parsed.code_blocks if b.lang == "bash"), 1)
    ]
    return Site(settings, docs, build_graph(docs, settings), manifest, result.diagnostics, RULES)


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    return render_pages(make_site(monkeypatch))


def test_seed_page_metadata_banner_and_links(pages: dict[str, str]) -> None:
    page = pages[SEED_PAGE]
    # the page's title is the heading it shows (the nav and the browser tab use it)
    assert page.startswith('---\ntitle: "Runbook: AI slot build failures (cache + build-ref)"')
    assert '!!! warning "Ожидает согласования"' in page
    assert "| doc_id | `RB-CK8S-AISLOT-BUILD-0001` |" in page
    # the request names issue 205: linked through the project's `issue_url`
    request = "[`issue-205-ai-repair`](https://github.com/codex-k8s/codex-k8s/issues/205)"
    assert f"Запрос: {request}" in page
    banner = "Не согласован: попросите **Owner** согласовать его"  # noqa: RUF001
    assert f"{banner}, см. запрос {request}." in page
    assert (
        "[`ALT-CK8S-AISLOT-BUILD-0001`](alerts_ai_slot_build_pipeline.md"
        "#alt-ck8s-aislot-build-0001) (critical)" in page
    )
    # code-span doc paths become links and keep their code formatting
    assert (
        "[`docs/ops/rollback_plan_ai_slot_build_pipeline.md`]"
        "(rollback_plan_ai_slot_build_pipeline.md)" in page
    )
    assert "[Issue #205](https://github.com/codex-k8s/codex-k8s/issues/205)" in page
    assert "[#205](https://github.com/codex-k8s/codex-k8s/issues/205)" in page


def test_seed_headings_are_kept_as_written(pages: dict[str, str], monkeypatch) -> None:
    source = (ROOT / "runbooks" / SEED_PAGE).read_text(encoding="utf-8")
    headings = [line for line in source.splitlines() if re.match(r"#{1,6} ", line)]
    rendered = pages[SEED_PAGE].splitlines()
    assert "## Диагностика (пошагово)" in headings
    assert [line for line in rendered if line in headings] == headings


def test_script_link_under_each_bash_block(pages: dict[str, str]) -> None:
    page = pages[SEED_PAGE]
    fences = page.count("\n```bash")  # the author's (the "do this first" box's is indented)
    notes = re.findall(
        "```\n\n" + labels("ru")["script"] + r": \[`(\d\d-step\.sh)`\]"
        r"\(\.\./scripts/RB-CK8S-AISLOT-BUILD-0001/\1\)\{ download \}",
        page,
    )
    assert fences == 6
    assert notes == [f"{n:02d}-step.sh" for n in range(1, 7)]
    row = "| [`01-step.sh`](../scripts/RB-CK8S-AISLOT-BUILD-0001/01-step.sh){ download }<br>"
    assert row in page


def test_nested_lists_are_indented_for_python_markdown(pages: dict[str, str]) -> None:
    page = pages[SEED_PAGE]
    assert "- Быстрое восстановление:\n    - для cache-сигнатуры:" in page
    assert "2. Нормализовать значение до валидного git ref:\n    - допустимо:" in page


def test_alert_doc_lists_alerts_with_handlers(pages: dict[str, str]) -> None:
    page = pages[ALERTS_PAGE]
    # the body has a heading for the alert, so the panel must not take its anchor
    assert "**ALT-CK8S-AISLOT-BUILD-0001** · critical" in page
    assert "{ #alt-ck8s-aislot-build-0001 }" not in page
    assert "## ALT-CK8S-AISLOT-BUILD-0001\n" in page
    assert re.search(
        r"\| Обрабатывает \| \[`RB-CK8S-AISLOT-BUILD-0001`\]\(ai_slot_build_runbook\.md\)", page
    )
    assert "| Длительность | 10m |" in page and "| Важность | critical |" in page
    assert '```promql title="Условие"\ncount((kube_job_failed' in page


def test_indexes_home_and_rules(pages: dict[str, str]) -> None:
    runbooks = pages["runbooks/index.md"]
    assert (
        "| [`RB-CK8S-AISLOT-BUILD-0001`](../ops/ai_slot_build_runbook.md) AI Slot Build Runbook"
        in runbooks
    )
    alerts = pages["alerts/index.md"]
    assert "[`ALT-CK8S-REGISTRY-MIRROR-0001`](../ops/alerts_registry_mirror.md#alt-ck8s-" in alerts
    home = pages["index.md"]
    assert "| [`RB-CK8S-AISLOT-BUILD-0001`](ops/ai_slot_build_runbook.md)" in home
    assert "ожидает согласования" in home
    assert pages["rules/RB501.md"].split("---\n", 2)[2].lstrip().startswith("# RB501 ")
    assert "[RB501](RB501.md)" in pages["rules/index.md"]


def test_rendering_twice_gives_identical_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    first = render_pages(make_site(monkeypatch))
    second = render_pages(make_site(monkeypatch))
    assert first == second


def test_front_matter_text_is_escaped(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "runbooks"
    source.mkdir()
    (source / "x.md").write_text(
        "---\ndoc_id: RB-X-0001\ntype: runbook\ntitle: 'A <b>|</b> *b*'\nstatus: draft\n"
        "owner_role: SRE\ncreated_at: 2026-01-01\nupdated_at: 2026-01-01\n"
        "approvals: {required: [Owner], status: pending}\n---\nText.\n",
        encoding="utf-8",
    )
    page = render_pages(make_site(monkeypatch, source))["x.md"]
    assert 'title: "A &lt;b&gt;|&lt;/b&gt; *b*"' in page
    assert "# A &lt;b&gt;\\|&lt;/b&gt; \\*b\\* { #runbookc-title }" in page
    assert "<b>" not in page


def test_page_paths_mirror_sources_and_reserve_generated_names() -> None:
    assert document_page("ops/x.md", "runbooks/ops/x.md") == "ops/x.md"
    with pytest.raises(PageCollision, match=r"runbooks/index\.md: its page index\.md"):
        document_page("index.md", "runbooks/index.md")
    with pytest.raises(PageCollision, match="rules/"):
        document_page("rules/a.md", "runbooks/rules/a.md")


def test_editing_a_runbook_rerenders_it_and_its_neighbours(monkeypatch) -> None:
    site = make_site(monkeypatch)
    changed = "runbooks/" + SEED_PAGE
    pages = affected_pages({changed}, site, site)
    neighbours = {
        site.page(d)
        for d in site.documents_of(
            site.graph.referrers(site.graph.document("RB-CK8S-AISLOT-BUILD-0001"))
        )
    }
    assert neighbours  # the alert doc, rollback plan and SLO doc link to the seed
    assert {SEED_PAGE, ALERTS_PAGE, "index.md", "runbooks/index.md"} | neighbours <= pages
    assert "ops/alerts_registry_mirror.md" not in pages
    assert not any(p.startswith("rules/") for p in pages)


def test_a_new_document_is_rendered_and_a_removed_one_dropped(monkeypatch) -> None:
    site = make_site(monkeypatch)
    seed = site.document_of(site.graph.document("RB-CK8S-AISLOT-BUILD-0001"))
    assert seed is not None
    without = Site(
        site.settings,
        [d for d in site.documents if d is not seed],
        build_graph([d for d in site.documents if d is not seed], site.settings),
    )
    added = affected_pages({seed.path}, without, site)
    assert SEED_PAGE in added and ALERTS_PAGE in added
    removed = affected_pages({seed.path}, site, without)
    assert SEED_PAGE not in removed and ALERTS_PAGE in removed


def test_unsafe_html_is_escaped_and_other_edits_still_land(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "runbooks"
    (source / "ops").mkdir(parents=True)
    for name in ("x.md", "y.md"):
        (source / "ops" / name).write_text(
            f"---\ndoc_id: RB-{name[0].upper()}-0001\ntype: runbook\ntitle: T\nstatus: draft\n"
            "owner_role: SRE\ncreated_at: 2026-01-01\nupdated_at: 2026-01-01\n"
            "approvals: {required: [Owner], status: pending}\n---\n# T\n\n"
            "Run <script>alert(1)</script> see `docs/ops/y.md` and Issue #7 "
            '<img src=x onerror="go()"> [a](javascript:go()) `docs/ops/x.md`\n',
            encoding="utf-8",
        )
    page = render_pages(make_site(monkeypatch, source))["ops/x.md"]
    (line,) = [line for line in page.splitlines() if line.startswith("Run ")]
    assert line + "\n" == (
        "Run &lt;script>alert(1)&lt;/script> see [`docs/ops/y.md`](y.md) and "
        "[Issue #7](https://github.com/codex-k8s/codex-k8s/issues/7) "
        '&lt;img src=x onerror="go()"> [a]\\(javascript:go()) `docs/ops/x.md`\n'
    )


def test_nav_lists_every_page_and_groups_folders(tmp_path: Path, monkeypatch) -> None:
    from runbookc.render.nav import build_nav

    source = tmp_path / "runbooks"
    for folder in ("a", "b"):
        (source / folder).mkdir(parents=True)
        (source / folder / "x.md").write_text(
            f"---\ndoc_id: RB-{folder.upper()}-0001\ntype: runbook\ntitle: R {folder}\n"
            "status: draft\nowner_role: SRE\ncreated_at: 2026-01-01\nupdated_at: 2026-01-01\n"
            "approvals: {required: [Owner], status: pending}\n---\n# T\n",
            encoding="utf-8",
        )
    site = make_site(monkeypatch, source)
    nav = build_nav(site)
    assert nav[1] == {
        "Ранбуки": ["runbooks/index.md", {"a": [{"T": "a/x.md"}]}, {"b": [{"T": "b/x.md"}]}]
    }

    def pages(item) -> list[str]:
        if isinstance(item, str):
            return [item]
        if isinstance(item, dict):
            return [p for value in item.values() for p in pages(value)]
        return [p for value in item for p in pages(value)]

    # every page but the lint rules' (render/site_config.py lists them in `not_in_nav`)
    rendered = [p for p in render_pages(site) if not p.startswith("rules/")]
    assert sorted(pages(nav)) == sorted(rendered)


def test_shipped_nav_is_flat_per_type(monkeypatch) -> None:
    from runbookc.render.nav import build_nav

    nav = build_nav(make_site(monkeypatch))
    runbooks = nav[1]["Ранбуки"]
    # the title the page shows (its heading), not the front matter's
    assert runbooks[1] == {"Runbook: AI slot build failures (cache + build-ref)": SEED_PAGE}


def test_lists_are_rewritten_the_way_python_markdown_reads_them() -> None:
    from runbookc.pipeline.parse import parse_body
    from runbookc.render.body import list_fixes

    body = (
        "Steps:\n"  # 0
        "1) one\n"  # 1: interrupts the paragraph, `)` marker
        "   - nested\n"  # 2: CommonMark nesting at 3 spaces
        "2) two\n"  # 3
        "   ```bash\n"  # 4: a fence in the item moves as a whole
        "   if x; then\n"  # 5
        "     y\n"  # 6
        "   fi\n"  # 7
        "   ```\n"  # 8
        "\n"
        "> - quoted\n"  # 10: left alone
    )
    assert list_fixes(body, parse_body(body, 1).list_shape) == {
        1: (2, "\n1."),
        2: (3, "    "),
        3: (2, "2."),
        4: (3, "    "),
        5: (3, "    "),
        6: (5, "      "),
        7: (3, "    "),
        8: (3, "    "),
    }


@pytest.mark.parametrize(
    ("request_id", "shown"),
    [
        ("205", "[`205`](https://issues.example/205)"),
        ("#7", "[`#7`](https://issues.example/7)"),
        ("ISSUE-12-db", "[`ISSUE-12-db`](https://issues.example/12)"),
        ("issue-12x", "`issue-12x`"),  # not an issue number
        ("CHG-0042", "`CHG-0042`"),
        ("9" * 5000, "`" + "9" * 5000 + "`"),  # too long for a number: shown, not parsed
    ],
)
def test_a_request_id_naming_an_issue_links_through_issue_url(
    monkeypatch: pytest.MonkeyPatch, request_id: str, shown: str
) -> None:
    from runbookc.render.document_pages import request_ref

    site = make_site(monkeypatch)
    site.settings = replace(site.settings, issue_url="https://issues.example/{id}")
    site.graph.settings = site.settings
    assert request_ref(site, request_id) == shown
    site.graph.settings = replace(site.settings, issue_url="")
    assert request_ref(site, request_id) == shown.split("](")[0].lstrip("[")
