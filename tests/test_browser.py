"""The built site in a real browser: Debian's chromium driven by playwright.

Serves build/site (built from the shipped corpus into a temp dir) on 127.0.0.1 and checks
what a reader needs during an incident. Skips without /usr/bin/chromium unless
RUNBOOKC_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from runbookc.render.labels import labels
from xss_payloads import build_site

CHROMIUM = Path("/usr/bin/chromium")
SEED_URL = "ops/ai_slot_build_runbook/"
ALERTS_URL = "ops/alerts_ai_slot_build_pipeline/"
WORDS = labels("ru")

if not CHROMIUM.exists():
    if os.environ.get("RUNBOOKC_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing and RUNBOOKC_REQUIRE_BROWSER=1", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    with _serve(built_site / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with playwright_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-dev-shm-usage",
                "--no-first-run",
            ],
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def test_search_finds_the_seed(browser_page, base_url: str) -> None:
    page = browser_page
    page.goto(base_url)
    page.wait_for_load_state("networkidle")  # the search worker has its index
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("MANIFEST_UNKNOWN")
    result = page.locator(f".md-search-result__item a[href*='{SEED_URL}']").first
    result.wait_for(state="visible", timeout=15_000)
    assert SEED_URL in (result.get_attribute("href") or "")


def test_cyrillic_search_finds_the_seed_and_no_rule_page(browser_page, base_url: str) -> None:
    """Material searches on key events (keyup), so the test types and presses a key."""
    page = browser_page
    page.goto(base_url)
    page.wait_for_load_state("networkidle")  # the search worker has its index
    search = page.locator("input.md-search__input")
    search.click()
    # Typed Cyrillic reaches the field as text input without key events; the key pressed
    # after it is what makes Material run the query.
    search.press_sequentially("диагностика")
    search.press("End")
    results = page.locator(".md-search-result__item a")
    page.locator(f".md-search-result__item a[href*='{SEED_URL}']").first.wait_for(
        state="visible", timeout=15_000
    )
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any(SEED_URL in href for href in hrefs)
    assert not [href for href in hrefs if "/rules/" in href]


def test_alert_page_reaches_the_seed_in_one_click(browser_page, base_url: str) -> None:
    page = browser_page
    page.goto(base_url + ALERTS_URL)
    handled_by = page.locator("tr", has_text=WORDS["handled_by"]).first
    handled_by.locator("a[href*='ai_slot_build_runbook']").first.click()
    page.wait_for_url(f"**/{SEED_URL}")
    assert page.locator("h1").first.inner_text().startswith("Runbook: AI slot build failures")


def test_anchor_scrolls_its_heading_into_view(browser_page, base_url: str) -> None:
    page = browser_page
    page.goto(base_url + SEED_URL + "#" + quote("диагностика-пошагово"))
    heading = page.locator("h2#диагностика-пошагово")
    heading.wait_for(state="visible")
    page.wait_for_function("() => window.scrollY > 0")
    top, height = page.evaluate(
        "() => [document.getElementById('диагностика-пошагово').getBoundingClientRect().top,"
        " window.innerHeight]"
    )
    assert 0 <= top < height / 2
    assert heading.inner_text().startswith("Диагностика (пошагово)")


def test_approval_banner_is_visible(browser_page, base_url: str, tmp_path: Path) -> None:
    page = browser_page
    page.goto(base_url + SEED_URL)
    banner = page.locator(".admonition.warning", has_text=WORDS["banner_pending"]).first
    assert banner.is_visible()
    assert "issue-205-ai-repair" in banner.inner_text()
    # To look at: pytest keeps the last runs' temp dirs (pytest-of-$USER/pytest-current/).
    page.screenshot(path=str(tmp_path / "seed-page.png"), full_page=True)


def test_script_download_link_returns_the_script(
    browser_page, base_url: str, built_site: Path
) -> None:
    page = browser_page
    page.goto(base_url + SEED_URL)
    link = page.locator("a[download][href*='scripts/RB-CK8S-AISLOT-BUILD-0001/']").first
    target = page.evaluate("(a) => a.href", link.element_handle())
    response = page.request.get(target)
    assert response.status == 200
    name = target.rsplit("/", 1)[1]
    on_disk = built_site / "scripts" / "RB-CK8S-AISLOT-BUILD-0001" / name
    assert response.text() == on_disk.read_text(encoding="utf-8")
    assert "kubectl" in response.text()


def test_payload_page_runs_no_script_and_loads_nothing_from_elsewhere(
    browser_page, tmp_path: Path
) -> None:
    """Issue 15's payloads, built the way `runbookc build` runs MkDocs: loading the page,
    hovering and clicking everything in it and searching for it fire no dialog, and no
    request leaves the site's origin (a <base> or <meta refresh> would send some)."""
    page = browser_page
    dialogs: list[str] = []
    foreign: list[str] = []
    with _serve(build_site(tmp_path)) as url:

        def route(request: object) -> None:
            target = request.request.url  # type: ignore[attr-defined]
            if target.startswith((url, "data:")):
                request.continue_()  # type: ignore[attr-defined]
            else:
                foreign.append(target)
                request.abort()  # type: ignore[attr-defined]

        def dialog(prompt: object) -> None:
            dialogs.append(prompt.message)  # type: ignore[attr-defined]
            prompt.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", dialog)
        page.route("**/*", route)
        try:
            page.goto(url + "payloads/")
            page.wait_for_load_state("networkidle")
            page.evaluate(
                """() => { for (const el of document.querySelectorAll('article *')) {
                    for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle'])
                        el.dispatchEvent(new Event(type));
                } }"""
            )
            links = page.locator("article a")
            for index in range(links.count()):
                href = links.nth(index).get_attribute("href") or ""
                if not href.startswith(("http", "mailto:")):  # off-site links only leave
                    links.nth(index).click(no_wait_after=True)
            assert (dialogs, foreign) == ([], [])
            assert page.url.startswith(url)  # no redirect
            page.goto(url + "payloads/")
            search = page.locator("input.md-search__input")
            search.click()
            search.press_sequentially("payloads")
            page.locator(".md-search-result__item").first.wait_for(state="visible")
            page.wait_for_load_state("networkidle")
        finally:
            page.unroute("**/*")
            page.remove_listener("dialog", dialog)
    assert (dialogs, foreign) == ([], [])
