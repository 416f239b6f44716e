"""Pages that try to run script, load from another origin or redirect the reader, and the
check that a built page does none of it. Shared by the sanitiser's tests and the browser
tests; the payloads are those of issue 15 plus the usual suspects."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from conftest import ROOT
from runbookc.engine.mkdocs_cache import PageCache, memo
from runbookc.render.mkdocs_build import run_mkdocs

# One payload a line (or block), each able to run script or reach another origin when the
# HTML Markdown makes of it reaches the page unchanged. The numbers tell which one fired.
PAYLOADS = """\
# Payloads

![a](data:image/png;base64,AAAA){: onerror="alert(1)" }

\\`<img src=x onerror="alert(2)">\\`

<div title="`" onmouseover="alert(3)" data-x="`">hover me</div>

[x](https://example.com){: href="javascript:alert(4)" }

> [r]: javascript:alert(5)

[ref][r]

<base href="http://127.0.0.1:8999/x/y/">
<meta http-equiv="refresh" content="0;url=https://evil.example">

<script>alert(6)</script>

<iframe src="javascript:alert(7)"></iframe>

<svg onload="alert(8)"><script>alert(9)</script></svg>

<a href="data:text/html,<script>alert(10)</script>">d</a>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMTEpPjwvc3ZnPg==">
<span title="<img src=x onerror=alert(12)>">tip</span>
<link rel="stylesheet" href="http://127.0.0.1:8999/x.css">

<details open ontoggle="alert(13)"><summary>s</summary>x</details>

<form action="https://evil.example"><input type="text" name="q"><button>go</button></form>

## Heading with a toc label { data-toc-label="<img src=x onerror=alert(14)>" }

Text [mail](mailto:a@example.com) and [rel](index.md).
"""

PAGES = {
    "index.md": "# Home\n\nSee [the payloads](payloads.md).\n",
    "payloads.md": "---\ntags: [xss]\n---\n" + PAYLOADS,
    "tags.md": "# Tags\n\n<!-- material/tags -->\n",
}

# What the allow-list keeps (render/sanitise.py), and the URL schemes pages may use.
SAFE_SCHEMES = ("http:", "https:", "mailto:", "#", "data:image/png")
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "meta", "link", "form", "svg"}


def build_site(root: Path, cache: PageCache | None = None) -> Path:
    """The payload pages built the way `runbookc build` runs MkDocs; returns the site dir."""
    docs, site = root / "docs", root / "site"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    nav = sorted(PAGES)
    run_mkdocs(ROOT / "mkdocs.yml", docs, site, nav, "en", None if cache is None else memo(cache))
    return site


class _Content(HTMLParser):
    """The tags and attributes inside the page's <article> (its content)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.found: list[tuple[str, dict[str, Any]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif self.depth:
            self.found.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1


def unsafe_markup(html: str) -> list[str]:
    """What in a page's content could run script, load from elsewhere or redirect."""
    parser = _Content()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in ACTIVE_TAGS:
            bad.append(f"<{tag}>")
        for name, value in attrs.items():
            text = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                bad.append(f"<{tag} {name}>")
            elif name in ("href", "src", "action") and ":" in text.split("/")[0]:
                if not text.startswith(SAFE_SCHEMES):
                    bad.append(f"<{tag} {name}={value}>")
            elif name == "title" and "<" in text:
                bad.append(f"<{tag} title={value}>")
    return bad
