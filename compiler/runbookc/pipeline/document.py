"""The per-document stages: one file's bytes -> everything about it that needs no other
document, in order: load, parse, adopt (runbookc's front matter, or defaults derived from
the file), validate, HTML check, script drafts, document rules, facts.

`compile_document` is a pure function of the bytes, the display path and the settings
(the engine caches it by those and runs it in worker processes). Its result comes in two
parts because the corpus needs them at different times: the `DocResult` (the document, the
stages' findings and its script drafts: what extract and render need) and the
`DocSummary` (its facts and the document rules' findings: all that lint reads back).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from runbookc import doctypes
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.checks import run_document_checks
from runbookc.model import Document
from runbookc.pipeline.facts import DocFacts, doc_facts
from runbookc.pipeline.front_settings import front_settings
from runbookc.pipeline.html_safety import check as check_html
from runbookc.pipeline.load import body_too_large, load_bytes, load_file
from runbookc.pipeline.load.adopt import adopt
from runbookc.pipeline.parse import BodyTooLarge, markdown, parse_body, slugify
from runbookc.pipeline.validate import validate, validator_for
from runbookc.scripts.bashtree import parser
from runbookc.scripts.draft import draft_scripts
from runbookc.scripts.script import Script


@dataclass(frozen=True)
class DocResult:
    """The document (None when it did not load), the findings of load, parse, validate,
    the HTML check and the script drafts, and the drafts themselves (scripts before
    rendering: extract renders them with the approvals of the corpus' run)."""

    path: str
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]
    drafts: tuple[Script, ...] = ()


@dataclass(frozen=True)
class DocSummary:
    """What lint needs of one file: the facts of its document (None when it did not load),
    the per-document stages' findings and those of the lint rules that look at one document
    only."""

    path: str
    facts: DocFacts | None
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Diagnostic, ...]


def compile_document(
    path: Path, display: str, settings: Settings, data: bytes | None = None
) -> DocResult:
    """The stages up to the script drafts for one file shown as `display`: `data` is its
    bytes (None: read `path`, and report it when it cannot be read)."""
    if data is None:
        document, diags = load_file(path, display, bare=True)
    else:
        document, diags = load_bytes(data, display, bare=True)
    if document is None:
        return DocResult(display, None, tuple(diags))
    try:
        document = replace(document, parsed=parse_body(document.body, document.body_line))
    except BodyTooLarge as exc:
        return DocResult(display, None, (*diags, body_too_large(display, exc.line, exc.message)))
    document, not_ours = adopt(document, front_settings(settings).defaults)
    if document is None:
        return DocResult(display, None, (*diags, *not_ours))
    diags += validate(document, settings)
    diags += check_html(document)
    drafts, found = draft_scripts(document, settings)
    return DocResult(display, document, tuple(diags + found), tuple(drafts))


def summarize(result: DocResult, settings: Settings) -> DocSummary:
    """The document rules and facts of a compiled file."""
    document = result.document
    if document is None:
        return DocSummary(result.path, None, result.diagnostics, ())
    findings = tuple(run_document_checks(document, settings))
    return DocSummary(result.path, doc_facts(document, settings), result.diagnostics, findings)


def run(
    path: Path, display: str, settings: Settings, data: bytes | None
) -> tuple[DocResult, DocSummary]:
    """Every per-document stage for one file."""
    result = compile_document(path, display, settings, data)
    return result, summarize(result, settings)


def warm_up() -> None:
    """Build what every document needs once (the Markdown and bash parsers, the schema
    validators): worker processes forked afterwards start with them."""
    markdown()
    slugify()
    parser()
    for doc_type in (*doctypes.names(), None):
        validator_for(doc_type, Settings(Path.cwd()))  # the default settings' validators


# What the engine reads of this module besides the functions (engine.compiled.PerDocument).
RESULT = DocResult
SUMMARY = DocSummary
