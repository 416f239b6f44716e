"""The pages an engineer opens mid-incident (issue 21, items 1, 2 and 4), as rendered
Markdown of the shipped corpus with its real scripts: what comes first on each page type,
the scripts index, the home page, and tables that fit (the browser test looks at them)."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest
from runbookc import doctypes
from runbookc.commands.wiring import compile_targets
from runbookc.config import load_settings
from runbookc.pipeline import corpus as stages
from runbookc.render.labels import labels
from runbookc.render.pages import render_pages
from runbookc.scripts.extract import manifest

W = labels("ru")
SEED = "ops/ai_slot_build_runbook.md"
SEED_ID = "RB-CK8S-AISLOT-BUILD-0001"


@pytest.fixture(scope="module")
def pages(project_copy: Path) -> dict[str, str]:
    settings = load_settings(project_copy / "pyproject.toml")
    corpus = compile_targets([], settings, use_cache=False).corpus
    linted = stages.lint(corpus, settings)
    scripts, unreadable = stages.runnable(corpus, settings)
    return render_pages(stages.site(linted, manifest(scripts), unreadable))


def _before(page: str, *parts: str) -> None:
    """Each of `parts` is on the page, in this order."""
    at = [page.index(part) for part in parts]
    assert at == sorted(at), parts


def test_runbook_page_opens_with_status_then_diagnostics_then_tldr(pages) -> None:
    page = pages[SEED]
    status = (
        f"{W['approval']}: **{W['approval_pending']}** · {W['owner']}: SRE · "
        f"{W['updated']}: 2026-02-26 · "
        f"{W['alerts']}: [`ALT-CK8S-AISLOT-BUILD-0001`]"
    )
    box = f'!!! tip "{W["first_diagnose"]}"'
    run = f"[`run.sh`](../scripts/{SEED_ID}/run.sh){{ download }}"
    command = "    ```bash\n    bash run.sh --diagnose\n    ```"
    details = f'??? info "{W["details"]}"'
    _before(page, "# Runbook: AI slot build", status, box, run, command, "## TL;DR", details)
    # the full metadata is still there, folded at the end
    assert page.index(f"    | doc_id | `{SEED_ID}` |") > page.index(details)


def test_alert_page_leads_to_its_runbook_first(pages) -> None:
    page = pages["ops/alerts_ai_slot_build_pipeline.md"]
    first = (
        f'!!! tip "{W["first_handlers"]}"\n\n'
        "    - [`ALT-CK8S-AISLOT-BUILD-0001`](#alt-ck8s-aislot-build-0001) (critical) → "
        f"[`{SEED_ID}`](ai_slot_build_runbook.md)"
    )
    _before(page, first, "## ")


def test_rollback_plan_page_offers_its_first_rollback_step(pages) -> None:
    page = pages["ops/rollback_plan_ai_slot_build_pipeline.md"]
    box = f'!!! tip "{W["first_rollback"]}"'
    step = re.search(r"    bash run\.sh (\d\d-[a-z0-9-]+)\n", page)
    assert box in page and step, page[:2000]
    assert page.index(box) < page.index(step.group(0)) < page.index("## TL;DR")
    name = step.group(1) + ".sh"
    # the step it names is a rollback step of the plan, and the row says so
    assert re.search(rf"\| \[`{name}`\].*\| {W['role_rollback']} \|", page)


def test_slo_page_names_its_runbooks_first(pages) -> None:
    page = pages["ops/slo_ai_slot_build_pipeline.md"]
    _before(page, f'!!! tip "{W["first_runbooks"]}"', f"[`{SEED_ID}`]", "## TL;DR")


def test_scripts_index_and_each_page_list_the_steps(pages) -> None:
    """The global index: a row a document (its run.sh, its steps by role, linked to its
    page's table); the page's table: each step with role, effect and parameters."""
    index = pages["scripts/index.md"]
    assert index.count("{ download } | [") == 4  # the four documents with bash blocks
    assert (f"| [`{SEED_ID}`](../ops/ai_slot_build_runbook.md) AI Slot Build Runbook: ") in index
    assert (
        f"| [`run.sh`]({SEED_ID}/run.sh){{ download }} | "
        f"[6](../ops/ai_slot_build_runbook.md#runbookc-scripts): "
        f"{W['role_diagnostics']} 5, {W['role_mitigation']} 1 |"
    ) in index
    # a plan whose steps roll back says how many change the system
    assert W["steps_changing"].format(n=6) in index
    header = f"| {W['step']} | {W['role']} | {W['changes']} | {W['params']} |"
    row = (
        f"| [`01-proverit-obshchii-status-runtime.sh`](../scripts/{SEED_ID}/01-proverit-"
        f"obshchii-status-runtime.sh){{ download }}<br>Проверить общий статус runtime: | "
        f"{W['role_diagnostics']} | {W['no']} | `--ns=codex-k8s-prod` |"
    )
    section = pages[SEED].split("## Скрипты { #runbookc-scripts }", 1)[1]
    _before(section, f"[`run.sh`](../scripts/{SEED_ID}/run.sh){{ download }}", header, row)


def test_home_page_starts_with_finding_the_alert(pages) -> None:
    home = pages["index.md"]
    finder = f"## {W['find']}"
    _before(home, finder, W["find_hint"], "[`ALT-CK8S-AISLOT-BUILD-0001`]", f"## {W['corpus']}")
    assert f"| [{W['scripts']}](scripts/index.md) | 18 |" in home


def test_indexes_fit_a_laptop(pages) -> None:
    for doc_type in doctypes.on_site():
        header = next(line for line in pages[doc_type.index].splitlines() if line.startswith("|"))
        assert header.count("|") - 1 <= 3, (doc_type.index, header)


def test_no_table_has_an_empty_header_cell(pages) -> None:
    """Screen readers announce a column by its header: none may be empty (axe: empty-table-
    header). A header row is the line above a `|---|` rule."""
    for name, text in pages.items():
        lines = text.splitlines()
        for above, line in itertools.pairwise(lines):
            if re.fullmatch(r"\s*\|(---\|)+", line):
                cells = above.strip().strip("|").split("|")
                assert all(cell.strip() for cell in cells), (name, above)


def _render_source(tmp_path: Path, project_copy: Path, body: str) -> str:
    source = tmp_path / "runbooks"
    source.mkdir()
    (source / "rb.md").write_text(
        "---\ndoc_id: RB-X-0001\ntype: runbook\ntitle: X\nstatus: draft\nowner_role: SRE\n"
        "created_at: 2026-01-01\nupdated_at: 2026-01-02\n"
        "approvals: {required: [Owner], status: pending}\n---\n# X\n\n" + body,
        encoding="utf-8",
    )
    settings = replace(load_settings(project_copy / "pyproject.toml"), source=str(source))
    corpus = compile_targets([], settings, use_cache=False).corpus
    scripts, unreadable = stages.runnable(corpus, settings)
    linted = stages.lint(corpus, settings)
    return render_pages(stages.site(linted, manifest(scripts), unreadable))["rb.md"]


def test_diagnostics_box_names_the_values_the_steps_need(tmp_path, project_copy) -> None:
    page = _render_source(
        tmp_path,
        project_copy,
        "## Диагностика\n\n```bash\nkubectl -n prod logs <pod-name>\n```\n",
    )
    assert "    bash run.sh --diagnose\n" in page
    assert W["first_params"].format(names="`RUNBOOK_POD_NAME`") in page
    assert "`--pod-name` (" + W["param_required"] + ")" in page


def test_a_runbook_without_diagnostics_offers_the_list_of_steps(tmp_path, project_copy) -> None:
    page = _render_source(
        tmp_path,
        project_copy,
        "## Митигирование\n\n```bash\nkubectl -n prod rollout restart deploy/api\n```\n",
    )
    assert f'!!! tip "{W["first_steps"]}"' in page
    assert "    bash run.sh --list\n" in page
    assert "--diagnose\n" not in page.split("## ")[0]
