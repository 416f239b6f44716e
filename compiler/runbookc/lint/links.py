"""References written in the body: Markdown links, their anchors, code-span paths."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.references import (
    ABSOLUTE_LINK,
    BROKEN_ANCHOR,
    BROKEN_LINK,
    LOCAL_FILE,
    UNRESOLVED_PATH,
)
from runbookc.lint.nearmiss import NearMiss
from runbookc.pipeline.exclude import Exclusion
from runbookc.pipeline.facts import DocFacts
from runbookc.pipeline.graph import LINK, PATH, Graph, Reference
from runbookc.probes import looked_at
from runbookc.render.docs_dir import FileRefused, linked_file


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    near = NearMiss()
    for doc in graph.documents:
        # Absolute hrefs and other files resolve to no document, so they are not among its
        # references.
        for kind, target, line, column, _ in doc.refs:
            if kind == LINK:
                yield from _absolute(graph, doc, target, line, column)
                yield from _local_file(graph, doc, target, line, column)
        for ref in graph.outgoing(doc):
            if ref.kind == LINK:
                yield from _link(graph, doc, ref, settings, near)
            elif ref.kind == PATH:
                yield from _path(graph, doc, ref, settings, near)


def _absolute(
    graph: Graph, doc: DocFacts, target: str, line: int, column: int
) -> Iterator[Diagnostic]:
    """`/ops/x.md`, `/img/a.png`, `/ops/x`: MkDocs converts relative links only; it leaves an
    absolute one as written and warns, which fails the strict build (`validation:
    absolute_links: warn`). On a site under a sub-path it would point outside the site."""
    if not target.startswith(("/", "\\")):
        return
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return  # `//host/x` is an external link, to MkDocs as to a browser
    path = unquote(parts.path).lstrip("/")
    relative = posixpath.relpath(path or ".", posixpath.dirname(graph.source_path(doc)) or ".")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if path.endswith(".md"):
        what = "a .md file that is not served"
        known = "" if graph.by_path(path) else f" (`{path}` is not a document of the corpus either)"
    else:
        what = "a path MkDocs does not check or convert"
        known = ""
    yield ABSOLUTE_LINK(
        doc.path,
        line,
        f"link to `{target}` by an absolute path: the site leaves it as written, so it "
        f"points at {what}, and the strict build fails on it",
        column=column,
        hint=f"write it relative to this file: `{relative}{fragment}`{known}",
    )


def _local_file(
    graph: Graph, doc: DocFacts, target: str, line: int, column: int
) -> Iterator[Diagnostic]:
    """`img/diagram.png`, `../files/`: the build copies every file pages link to from the
    source dir into the site (render/docs_dir.py), and asks the same question first."""
    relative = graph.linked_file(doc, target)
    if relative is None:
        return
    try:
        linked_file(graph.settings.source_dir, relative)
    except FileRefused as exc:
        yield LOCAL_FILE(
            doc.path,
            line,
            f"link to `{target}`: the site cannot publish this file ({exc}), so the link "
            "would be broken and the build fails",
            column=column,
            hint="put the file in the source dir next to the document, or link to where it "
            "is published (an https:// URL)",
        )


def _link(
    graph: Graph, doc: DocFacts, ref: Reference, settings: Settings, near: NearMiss
) -> Iterator[Diagnostic]:
    if ref.document is None:
        path, _ = graph.link_path(doc, ref.target) or ("", None)
        yield BROKEN_LINK(
            doc.path,
            ref.line,
            f"link to `{ref.target}`: `{path}` {_missing(settings, path)}",
            column=ref.column,
            hint=_close_path(graph, path, near),
        )
    elif ref.anchor is not None:
        yield from _anchor(graph, doc, ref, near)


def _anchor(graph: Graph, doc: DocFacts, ref: Reference, near: NearMiss) -> Iterator[Diagnostic]:
    target = ref.document
    assert target is not None and ref.anchor is not None
    anchors = target.anchors
    written = urlsplit(ref.target).fragment
    if ref.anchor in anchors and written != ref.anchor:
        yield BROKEN_ANCHOR(
            doc.path,
            ref.line,
            f"anchor `#{written}` is percent-encoded: MkDocs compares it with the page's "
            "anchors as written, so the strict build fails",
            column=ref.column,
            hint=f"write it as the site spells it: `#{ref.anchor}`",
        )
        return
    if ref.anchor in anchors:
        return
    where = "this document" if target is doc else f"`{graph.source_path(target)}`"
    numbered = _site_numbered(ref.anchor)
    close = near.find(ref.anchor, anchors, scope="#" + graph.source_path(target))
    hint = (
        f"GitHub numbers a repeated heading `-1`, the site `_1`: write `#{numbered}`"
        if numbered in anchors
        else f"did you mean `#{close}`? (anchors are the site's heading slugs)"
        if close
        else f"headings of {where}: " + ", ".join(f"#{a}" for a in sorted(anchors)[:8])
        if anchors
        else None
    )
    yield BROKEN_ANCHOR(
        doc.path,
        ref.line,
        f"anchor `#{ref.anchor}` matches no heading of {where}",
        column=ref.column,
        hint=hint,
    )


def _site_numbered(anchor: str) -> str:
    """GitHub's anchor of a repeated heading (`symptoms-1`) in the site's form (`symptoms_1`:
    MkDocs' toc numbers repeats with `_`); the anchor itself when it is not numbered."""
    stem, dash, number = anchor.rpartition("-")
    return f"{stem}_{number}" if dash and stem and number.isdigit() else anchor


def _path(
    graph: Graph, doc: DocFacts, ref: Reference, settings: Settings, near: NearMiss
) -> Iterator[Diagnostic]:
    if ref.document is not None:
        if ref.anchor is not None:
            yield from _anchor(graph, doc, ref, near)
        return
    mapped = graph.map_path(ref.target)
    if mapped is None or not mapped[0].endswith(".md"):
        return  # a mapped folder or a non-Markdown file: not a document reference
    path = mapped[0]
    prefix = graph.path_prefix(ref.target) or ""
    shown = posixpath.normpath(posixpath.join(settings.source, path))
    if not settings.paths:
        # From the repository root: a file that is there but is no document (a README
        # outside the source dir, an excluded file) is what the span names; not a finding.
        if _is_file(settings.root / shown):
            return
        yield UNRESOLVED_PATH(
            doc.path,
            ref.line,
            f"`{ref.target}` names `{shown}` from the repository root, and there is no "
            "such document or file",
            column=ref.column,
            hint=_close_path(graph, path, near)
            or "a code span naming a .md path resolves from the repository root; "
            "[tool.runbookc.paths] maps path prefixes to the source dir instead",
        )
        return
    yield UNRESOLVED_PATH(
        doc.path,
        ref.line,
        f"`{ref.target}` resolves to `{shown}`, which {_missing(settings, path)}",
        column=ref.column,
        hint=_close_path(graph, path, near)
        or f"[tool.runbookc.paths] maps `{prefix}` to `{settings.paths[prefix]}`",
    )


def _close_path(graph: Graph, path: str, near: NearMiss) -> str | None:
    """A near-miss file name in the same folder, for the hint."""
    folder, _, name = path.rpartition("/")
    names = [p.rpartition("/")[2] for p in graph.paths_in(folder)]
    close = near.find(name, names, scope=folder + "/")
    return f"did you mean `{posixpath.join(folder, close)}`?" if close else None


def _missing(settings: Settings, path: str) -> str:
    """Why a path is not a document: a file that failed to load has its own findings."""
    if path == ".." or path.startswith(("../", "/")):
        return "is outside the source dir"
    if _is_file(settings.source_dir / path):
        why = Exclusion(settings).named(settings.source_dir / path)
        if why:
            return f"is excluded from the documents ({why}), so it is not on the site"
        return "exists but could not be loaded as a document (see its own findings)"
    return "is not in the corpus"


def _is_file(path: Path) -> bool:
    """Whether the file exists; a name the system refuses (too long, too deep) is none."""
    looked_at(path)
    try:
        return path.is_file()
    except OSError:
        return False
