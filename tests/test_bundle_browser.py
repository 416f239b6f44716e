"""The offline bundle in a real browser (Debian's chromium via playwright, as
test_browser.py): unpacked into a temp dir and opened from file://, with every request that
is not a file of the bundle refused and recorded."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.cli import run
from runbookc.commands.bundle import ARCHIVE, TOP
from test_browser import WORDS, browser_page  # noqa: F401 (the fixture, asked for below)

SEED_PAGE = "ops/ai_slot_build_runbook.html"
ALERTS_PAGE = "ops/alerts_ai_slot_build_pipeline.html"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus's bundle, unpacked; returns the folder it unpacks into."""
    out = tmp_path_factory.mktemp("bundle-out")
    code = run(["bundle", "--config", str(ROOT / "pyproject.toml"), "--output", str(out)])
    assert code == 0, "runbookc bundle of the shipped corpus failed"
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(out / ARCHIVE) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / TOP


@pytest.fixture
def offline_page(
    request: pytest.FixtureRequest, bundle: Path
) -> Iterator[tuple[object, list[str]]]:
    """test_browser's page, with requests outside the bundle refused (and listed), and the
    page's script errors listed too."""
    page = request.getfixturevalue("browser_page")
    problems: list[str] = []
    inside = (bundle / "site").as_uri() + "/"

    def route(request: object) -> None:
        target = request.request.url  # type: ignore[attr-defined]
        if target.startswith((inside, "data:", "about:", "blob:")):
            request.continue_()  # type: ignore[attr-defined]
        else:
            problems.append(f"request: {target}")
            request.abort()  # type: ignore[attr-defined]

    def error(exc: object) -> None:
        problems.append(f"error: {exc}")

    page.route("**/*", route)  # type: ignore[attr-defined]
    page.on("pageerror", error)  # type: ignore[attr-defined]
    try:
        yield page, problems
    finally:
        page.unroute("**/*")  # type: ignore[attr-defined]
        page.remove_listener("pageerror", error)  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", ["MANIFEST_UNKNOWN", "диагностика"])
def test_search_works_from_file_urls(
    offline_page: tuple[object, list[str]], bundle: Path, query: str
) -> None:
    """Material searches on key events; the Cyrillic query needs the Russian stemmer, which
    the search worker loads as it starts (through the polyfill's importScripts)."""
    page, problems = offline_page
    page.goto((bundle / "site" / "index.html").as_uri())  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]  # the search index
    search = page.locator("input.md-search__input")  # type: ignore[attr-defined]
    search.click()
    search.press_sequentially(query)
    result = page.locator(f".md-search-result__item > a[href*='{SEED_PAGE}']").first  # type: ignore[attr-defined]
    result.wait_for(state="visible", timeout=15_000)
    result.click()
    page.wait_for_url(f"**/{SEED_PAGE}*")  # type: ignore[attr-defined]
    assert problems == []


def test_alert_leads_to_its_runbook_and_a_script_downloads(
    offline_page: tuple[object, list[str]], bundle: Path
) -> None:
    page, problems = offline_page
    page.goto((bundle / "site" / ALERTS_PAGE).as_uri())  # type: ignore[attr-defined]
    handled_by = page.locator("tr", has_text=WORDS["handled_by"]).first  # type: ignore[attr-defined]
    handled_by.locator("a[href*='ai_slot_build_runbook']").first.click()
    page.wait_for_url(f"**/{SEED_PAGE}")  # type: ignore[attr-defined]
    assert page.locator("h1").first.inner_text().startswith("Runbook: AI slot build failures")  # type: ignore[attr-defined]
    link = page.locator("a[download][href*='scripts/RB-CK8S-AISLOT-BUILD-0001/01-']").first  # type: ignore[attr-defined]
    name = (link.get_attribute("href") or "").rsplit("/", 1)[1]
    with page.expect_download() as started:  # type: ignore[attr-defined]
        link.click()
    download = started.value
    data = Path(download.path()).read_bytes()
    assert data == (bundle / "scripts" / "RB-CK8S-AISLOT-BUILD-0001" / name).read_bytes()
    assert b"kubectl" in data
    assert problems == []
