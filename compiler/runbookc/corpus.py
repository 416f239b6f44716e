"""Finding the documents and running the per-document stages over them."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.load import load_file
from runbookc.model import Document
from runbookc.parse import parse_body


class UsageError(Exception):
    """Bad command-line input: exit code 2."""


@dataclass(frozen=True)
class DocResult:
    """What the per-document stages make of one file: a pure function of its bytes."""

    path: str
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass
class Corpus:
    results: list[DocResult] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        return [r.document for r in self.results if r.document is not None]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]


def display_path(path: Path, cwd: Path) -> str:
    """Paths are shown relative to the working directory when under it. A symlink is shown
    by its own name (not its target's), so a broken link names the file the user has."""
    for file, base in (
        (Path(os.path.abspath(path)), cwd.resolve()),
        (path.resolve(), cwd.resolve()),
    ):
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def discover(targets: list[str], cwd: Path) -> list[tuple[Path, str]]:
    """Every Markdown file under the targets, sorted, as (path, display path)."""
    found: dict[Path, str] = {}
    for target in targets:
        path = Path(target)
        if not path.is_absolute():
            path = cwd / path
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.endswith(".md"):
                        file = Path(folder) / name
                        found.setdefault(file.resolve(), display_path(file, cwd))
        elif path.is_file():
            found.setdefault(path.resolve(), display_path(path, cwd))
        else:
            raise UsageError(f"{target}: no such file or directory")
    return sorted(((p, d) for p, d in found.items()), key=lambda item: item[1])


def compile_document(path: Path, display: str, settings: Settings) -> DocResult:
    """Load, parse and validate one file."""
    from runbookc.html_safety import check as check_html
    from runbookc.validate import validate

    document, diags = load_file(path, display)
    if document is None:
        return DocResult(display, None, tuple(diags))
    document = Document(
        path=document.path,
        text=document.text,
        front=document.front,
        body=document.body,
        body_line=document.body_line,
        parsed=parse_body(document.body, document.body_line),
    )
    diags += validate(document)
    diags += check_html(document)
    return DocResult(display, document, tuple(diags))


def compile_corpus(files: list[tuple[Path, str]], settings: Settings) -> Corpus:
    return Corpus([compile_document(path, display, settings) for path, display in files])
