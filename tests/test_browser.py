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
from conftest import ROOT
from runbookc.render.labels import labels
from xss_payloads import build_site

CHROMIUM = Path("/usr/bin/chromium")
SEED_URL = "ops/ai_slot_build_runbook/"
ALERTS_URL = "ops/alerts_ai_slot_build_pipeline/"
# axe-core from package-lock.json (`npm ci`: make test and .ci/run); nothing downloads here.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAPTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
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
    link = page.locator(
        "a[download][href*='scripts/RB-CK8S-AISLOT-BUILD-0001/']:not([href$='/run.sh'])"
    ).first
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


# --- the incident-first page (issue 21): what shows first, the scripts, accessibility -------


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: RUNBOOKC_TEST_ARTIFACTS (CI: build/test-artifacts), else a
    temp dir. The test prints it."""
    folder = Path(os.environ.get("RUNBOOKC_TEST_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _diagnose_command(page: object) -> object:
    return page.locator(".admonition.tip pre code", has_text="run.sh --diagnose")  # type: ignore[attr-defined]


def _box(page: object, selector: str) -> dict[str, float]:
    return page.evaluate(  # type: ignore[attr-defined]
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom}; }",
        selector,
    )


def test_seed_page_shows_diagnostics_and_tldr_first(
    browser_page, base_url: str, artifacts: Path
) -> None:
    page = browser_page
    try:
        page.set_viewport_size(LAPTOP)
        page.goto(base_url + SEED_URL)
        assert page.evaluate("() => window.scrollY") == 0
        command = _diagnose_command(page)
        assert command.inner_text().strip() == "bash run.sh --diagnose"
        # the copy button (Material's content.code.copy) and the download of run.sh
        box = page.locator(".admonition.tip").first
        box.locator("button[data-clipboard-target]").wait_for(state="attached")
        run = box.locator("a[download][href$='RB-CK8S-AISLOT-BUILD-0001/run.sh']")
        assert page.request.get(page.evaluate("(a) => a.href", run.element_handle())).ok
        # visible without scrolling at 1280x900: the whole command and the TL;DR heading
        assert _box(page, ".admonition.tip pre code")["bottom"] <= LAPTOP["height"]
        assert _box(page, "h2#tldr")["bottom"] <= LAPTOP["height"]
        page.screenshot(path=str(artifacts / "seed-runbook-1280x900.png"))
        # on a phone the command is within the first two screens
        page.set_viewport_size(PHONE)
        page.goto(base_url + SEED_URL)
        assert _box(page, ".admonition.tip pre code")["bottom"] <= 2 * PHONE["height"]
        page.screenshot(path=str(artifacts / "seed-runbook-390x844.png"))
    finally:
        page.set_viewport_size(LAPTOP)
    print(f"screenshots: {artifacts}/seed-runbook-1280x900.png, seed-runbook-390x844.png")


def _article_links(page: object) -> list[str]:
    return page.evaluate(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('article a[href]')]"
        ".filter(a => !a.classList.contains('headerlink')).map(a => a.href)"
    )


def test_scripts_index_links_resolve(browser_page, base_url: str) -> None:
    """Home -> the scripts index (a page: /scripts/ works on a static host) -> every link
    there, and the seed's table of steps, every download of it."""
    page = browser_page
    page.goto(base_url)
    page.locator("article a[href='scripts/']").first.click()
    page.wait_for_url("**/scripts/")
    links = _article_links(page)
    assert sum(h.endswith("/run.sh") for h in links) == 4  # each document with steps
    for target in links:
        assert page.request.get(target).status == 200, target
    page.locator(f"article a[href*='{SEED_URL}#runbookc-scripts']").first.click()
    page.wait_for_url(f"**/{SEED_URL}#runbookc-scripts")
    table = page.locator("#runbookc-scripts ~ .md-typeset__scrollwrap table").first
    downloads = table.evaluate("(t) => [...t.querySelectorAll('a[download]')].map(a => a.href)")
    assert len(downloads) == 6
    for target in downloads:
        assert page.request.get(target).status == 200, target


def test_promql_wraps_instead_of_scrolling(browser_page, base_url: str) -> None:
    page = browser_page
    try:
        page.set_viewport_size(PHONE)
        page.goto(base_url + ALERTS_URL)
        code = page.locator(".runbookc-condition pre > code").first
        sizes = code.evaluate("(c) => [c.scrollWidth, c.clientWidth]")
        assert sizes[0] <= sizes[1], sizes
    finally:
        page.set_viewport_size(LAPTOP)


def test_index_fits_a_laptop(browser_page, base_url: str) -> None:
    page = browser_page
    page.goto(base_url + "runbooks/")
    table = page.locator("article table").first
    right = table.evaluate("(t) => t.getBoundingClientRect().right")
    scroll = page.locator("article .md-typeset__scrollwrap").first
    assert scroll.evaluate("(w) => w.scrollWidth <= w.clientWidth")
    assert right <= LAPTOP["width"]


def test_nav_titles_are_the_page_headings(browser_page, base_url: str) -> None:
    page = browser_page
    page.goto(base_url + SEED_URL)
    active = page.locator(".md-nav__link--active").first.inner_text().strip()
    heading = page.locator("h1").first.evaluate(
        "(h) => [...h.childNodes].filter((n) => !n.classList?.contains('headerlink'))"
        ".map((n) => n.textContent).join('').trim()"
    )
    assert active == heading


# Every page type; axe-core's serious and critical findings on each must all be Material's
# own, listed here with what they are (none is from our templates or stylesheet).
AXE_PAGES = {
    "runbook": SEED_URL,
    "alert": ALERTS_URL,
    "rollback": "ops/rollback_plan_ai_slot_build_pipeline/",
    "slo": "ops/slo_ai_slot_build_pipeline/",
    "home": "",
    "runbooks index": "runbooks/",
    "alerts index": "alerts/",
    "scripts index": "scripts/",
    "rollback plans index": "rollback-plans/",
    "slo index": "slos/",
}
# (axe rule, the element's closest Material container): why it is Material's.
KNOWN_MATERIAL = {
    ("aria-dialog-name", ".md-search"): "the search dialog has no accessible name",
    ("color-contrast", ".md-copyright"): "the footer's 'Made with Material for MkDocs' line",
    ("color-contrast", ".highlight code"): "the syntax-highlighting palette of code blocks",
}
# Rules about our tables that axe rates below serious, checked anyway (issue 21).
ALWAYS = ("empty-table-header", "link-in-text-block", "td-has-header", "th-has-data-cells")


@pytest.mark.parametrize("name", list(AXE_PAGES))
def test_axe_finds_nothing_serious_of_ours(browser_page, base_url: str, name: str) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)", pytrace=False)
    page = browser_page
    page.goto(base_url + AXE_PAGES[name])
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async ([always, known]) => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            const ours = [];
            for (const v of result.violations) {
                if (!['serious', 'critical'].includes(v.impact) && !always.includes(v.id))
                    continue;
                for (const node of v.nodes) {
                    const el = document.querySelector(node.target[0]);
                    const material = known.some(([rule, inside]) =>
                        rule === v.id && el && el.closest(inside));
                    if (!material) ours.push(`${v.id} (${v.impact}): ${node.target}`);
                }
            }
            return ours;
        }""",
        [list(ALWAYS), [list(k) for k in KNOWN_MATERIAL]],
    )
    assert found == []
