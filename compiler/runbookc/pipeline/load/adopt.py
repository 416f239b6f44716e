"""Whose front matter a file has: runbookc's (a `doc_id`, or a `type` naming one of its
document types), another tool's (Hugo's `title`, `weight`, `type: docs`) or none. A file
without runbookc's gets the values [tool.runbookc.defaults] derives from it, under its own
keys, and is then validated as any document; without defaults it is a finding (RB004,
RB014) and not a document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from runbookc import doctypes
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.documents import FOREIGN_FRONT_MATTER
from runbookc.model import Document
from runbookc.pipeline.front_settings import Default, fill
from runbookc.pipeline.load.frontmatter import ADOPT_HINT, no_front_matter


def is_ours(data: Mapping[str, Any]) -> bool:
    doc_type = data.get("type")
    return "doc_id" in data or (isinstance(doc_type, str) and doctypes.get(doc_type) is not None)


def adopt(
    document: Document, defaults: Mapping[str, Default]
) -> tuple[Document | None, list[Diagnostic]]:
    """The document with runbookc's front matter (its own, or derived), or None and why.
    Needs the parsed body (`{heading}`)."""
    data = document.front.data
    if is_ours(data):
        return document, []
    has_front = document.front.end_line > 0
    if not defaults:
        return None, [_foreign(document) if has_front else no_front_matter(document.path)]
    path = PurePosixPath(document.path)
    heading = next((h.text for h in document.parsed.headings if h.level == 1), path.stem)
    fields = {"stem": path.stem, "folder": path.parent.name, "heading": heading}
    derived = {key: fill(value, fields) for key, value in defaults.items()}
    # Its own keys win, but for another tool's `type` (Hugo's `docs`): that names no type.
    own = {key: value for key, value in data.items() if key != "type"}
    front = replace(document.front, data={**derived, **own})
    return replace(document, front=front), []


def _foreign(document: Document) -> Diagnostic:
    doc_type = document.front.data.get("type")
    whose = f" (`type: {doc_type}` is another tool's)" if doc_type is not None else ""
    return FOREIGN_FRONT_MATTER(
        document.path,
        document.front.start_line,
        f"front matter has no `doc_id` and no runbookc `type`{whose}: it is not runbookc's",
        hint=f"{ADOPT_HINT}; types: {', '.join(doctypes.names())}",
    )
