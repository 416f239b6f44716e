"""References written in the body: Markdown links, their anchors, code-span paths."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog import (
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


def check(graph: Graph, settings: Settings) -> Iterator[Diagnostic]:
    near = NearMiss()
    for doc in graph.documents:
        # Absolute hrefs and other files resolve to no document, so they are not among its
        # references.
        for kind, target, line, column, _ in doc.refs:
            if kind == LINK:
                yield from _absolute(graph, doc, target, line, column)
                yield from _local_file(doc, target, line, column)
        for ref in graph.outgoing(doc):
            if ref.kind == LINK:
                yield from _link(graph, doc, ref, settings, near)
            elif ref.kind == PATH:
                yield from _path(graph, doc, ref, settings, near)


def _absolute(
    graph: Graph, doc: DocFacts, target: str, line: int, column: int
) -> Iterator[Diagnostic]:
    """`/ops/x.md`: MkDocs converts relative links to pages only, so on the site this one
    asks for a .md file that is not served (and breaks anyway under a sub-path)."""
    if not target.startswith("/") or target.startswith("//"):
        return
    parts = urlsplit(target)
    path = unquote(parts.path).lstrip("/")
    if not path.endswith(".md"):
        return
    relative = posixpath.relpath(path, posixpath.dirname(graph.source_path(doc)) or ".")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    known = graph.by_path(path) is not None
    yield ABSOLUTE_LINK(
        doc.path,
        line,
        f"link to `{target}` by an absolute path: the site leaves it as written, so it "
        "points at a .md file that is not served",
        column=column,
        hint=f"write it relative to this file: `{relative}{fragment}`"
        + ("" if known else f" (`{path}` is not a document of the corpus either)"),
    )


def _local_file(doc: DocFacts, target: str, line: int, column: int) -> Iterator[Diagnostic]:
    """`diagram.svg`, `../files/`: the site's pages are the corpus's documents only (the
    build copies no other source file), so MkDocs finds no such file and the build fails."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path or target.startswith("/"):
        return
    path = unquote(parts.path)
    if path.endswith(".md"):
        return
    svg = " An SVG can run script, so the site never publishes one as it is." * (
        path.lower().endswith((".svg", ".svgz"))
    )
    yield LOCAL_FILE(
        doc.path,
        line,
        f"link to `{target}`: the site publishes the corpus's documents only, so this "
        f"file would be missing and the build fails.{svg}",
        column=column,
        hint="link to where the file is published (an https:// URL), or describe it in text",
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
    if ref.anchor in anchors:
        return
    where = "this document" if target is doc else f"`{graph.source_path(target)}`"
    close = near.find(ref.anchor, anchors, scope="#" + graph.source_path(target))
    hint = (
        f"did you mean `#{close}`? (anchors are the site's heading slugs)"
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
    try:
        return path.is_file()
    except OSError:
        return False
