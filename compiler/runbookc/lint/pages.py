"""What a document needs to be a page of the site: a URL of its own, and no syntax of
another site generator (Hugo's shortcodes), which MkDocs would show as text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.references import PAGE_CONFLICT, SHORTCODE
from runbookc.model import Document
from runbookc.pipeline.graph import Graph
from runbookc.pipeline.html_safety import mask_code
from runbookc.render.paths import generated_urls, page_conflict, page_url, rename

# `{{< name args >}}` and `{{% name args %}}`, closing ones (`{{< /name >}}`) too.
_SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w.-]*)(.*?)[>%]\}\}")
_REF = re.compile(r"""^\s*["']?([^"'\s]+)""")


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    """The same questions `runbookc build` asks of each page path (render/paths.py), and
    the one MkDocs asks of all of them: two documents served at one URL."""
    by_url: dict[str, list[tuple[str, str]]] = {}  # URL -> (source path, display path)
    generated = generated_urls()
    for doc in graph.documents:
        path = graph.source_path(doc)
        if path.startswith("../"):
            continue  # a file given on the command line from outside the source dir
        reason = page_conflict(path, generated)
        if reason is not None:
            yield PAGE_CONFLICT(doc.path, None, reason, hint=rename())
        else:
            by_url.setdefault(page_url(path), []).append((path, doc.path))
    for url, pages in by_url.items():
        for path, display in pages if len(pages) > 1 else ():
            others = ", ".join(f"`{p}`" for p, _ in pages if p != path)
            yield PAGE_CONFLICT(
                display,
                None,
                f"its page has the site URL `{url}` as {others} does: MkDocs serves "
                "one of them and drops the other (README.md is a folder's index.md)",
                hint="rename one of them, or move it to another folder",
            )


def check_document(document: Document, settings: Settings) -> Iterator[Diagnostic]:
    """Hugo shortcodes outside code: MkDocs runs no Hugo, so the page shows them as
    written, and a link written through `ref` or `relref` goes nowhere."""
    if "{{" not in document.body:  # every shortcode starts so; most bodies have none
        return
    masked = mask_code(document.body, document.parsed.code_lines)
    for index, line in enumerate(masked.split("\n")):
        for match in _SHORTCODE.finditer(line):
            name = match.group(3)
            target = _REF.match(match.group(4)) if name in ("ref", "relref") else None
            hint = (
                f"write a relative Markdown link: `[text]({target.group(1)})`"
                if target
                else "write it as Markdown (a link, an admonition `!!! note`, a fenced block)"
            )
            yield SHORTCODE(
                document.path,
                document.body_line + index,
                f"Hugo shortcode `{match.group(0)}`: the site is not built by Hugo, so the "
                "page would show it as text",
                column=match.start() + 1,
                hint=hint,
            )
