"""RB501-RB504: unsafe raw HTML is reported where it is and escaped on the page.

Each file in cases/html_safety/ is a document body whose first line names the codes it must
produce (`<!-- expect: RB501 RB502 -->`), each optionally with the line of the file it must be
reported at (`RB502:3`); adding a file adds a case.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import markdown
import pytest
from runbookc.lint.catalog import RULES
from runbookc.model import Document
from runbookc.pipeline.html_safety import check, find_unsafe, may_be_unsafe, neutralise
from runbookc.pipeline.load import load_bytes
from runbookc.pipeline.parse import parse_body

CASES = sorted((Path(__file__).parent / "cases" / "html_safety").glob("*.md"))
FRONT = "---\ndoc_id: RB-TEST-0001\ntype: runbook\ntitle: Test\n---\n"
FRONT_LINES = FRONT.count("\n")

# What a browser would run: a script element, an on* attribute, a script URL in an attribute.
TAG = re.compile(r"<([a-zA-Z][\w-]*)([^<>]*)>")
ACTIVE = ("script", "iframe", "object", "embed", "base", "meta", "link")
HANDLER = re.compile(r"\son\w+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"=\s*[\"']?\s*(javascript|vbscript|data:text/html)", re.IGNORECASE)


def runs_script(html: str) -> list[str]:
    return [
        tag.group(0)
        for tag in TAG.finditer(html)
        if tag.group(1).lower() in ACTIVE
        or HANDLER.search(tag.group(2))
        or SCRIPT_URL.search(tag.group(2))
    ]


def to_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["attr_list", "md_in_html", "tables", "fenced_code"])
    return re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)


def document(body: str, front: str = FRONT) -> Document:
    doc, diags = load_bytes((front + body).encode(), "case.md")
    assert doc is not None, diags
    return replace(doc, parsed=parse_body(doc.body, doc.body_line))


def expected(case: Path) -> list[str]:
    """The codes the case must produce, each as `CODE` or `CODE:LINE`."""
    first = case.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"<!-- expect:(.*)-->", first)
    assert match, f"{case.name}: first line must be <!-- expect: CODES -->"
    return match.group(1).split()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case_codes(case: Path) -> None:
    found = check(document(case.read_text(encoding="utf-8")))
    want = expected(case)
    assert sorted(d.code for d in found) == sorted(e.split(":")[0] for e in want)
    if all(":" in e for e in want):  # every finding at its line
        assert sorted(f"{d.code}:{d.line - FRONT_LINES}" for d in found) == sorted(want)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_neutralised_page_runs_no_script(case: Path) -> None:
    body = case.read_text(encoding="utf-8")
    safe = neutralise(body, find_unsafe(body))
    assert runs_script(to_html(safe)) == []
    if expected(case):
        assert runs_script(to_html(body))  # unescaped, the same page would run it
    else:
        assert safe == body


def test_diagnostic_points_at_file_line_and_column() -> None:
    doc = document("# T\n\nok\n  <img src=x onerror=alert(1)>\n")
    (diag,) = check(doc)
    assert (diag.code, diag.line, diag.column) == ("RB502", 9, 3)
    assert "onerror" in diag.message


def test_front_matter_values_are_checked() -> None:
    front = '---\ndoc_id: RB-TEST-0001\ntype: runbook\ntitle: "<script>x()</script>"\n---\n'
    codes = [(d.code, d.line) for d in check(document("# T\n", front))]
    assert codes == [("RB501", 4), ("RB501", 4)]


def test_lint_reports_unsafe_html_as_error(cli, tmp_path: Path, monkeypatch) -> None:
    file = tmp_path / "bad.md"
    file.write_text(FRONT + "# T\n\n<script>alert(1)</script>\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "bad.md", "--format", "json")
    assert result.code == 1
    found = [(d["code"], d["line"]) for d in result.json()["diagnostics"] if d["code"] >= "RB5"]
    assert found == [("RB501", 8), ("RB501", 8)]


# Pieces of bodies near the edge of what find_unsafe reports: script URLs in any case, with
# entities and control characters inside, in links, images and definitions, tags, code.
PIECES = [
    *("[a](", "![i](", "[r]: ", "\n[r]: <", "](<", "](  ", ")", "\n", " ", "`", "``", "\n```\n"),
    *("javascript:", "JaVaScRiPt:", "vbscript:", "VBSCRIPT:", "data:text/html,", "DATA:TEXT/HTML"),
    *("java", "script", "scr", "ipt:", "data", ":", "text/html", "&#106;", "&#x3A;", "&colon;"),
    *("javascript&#x3A;", "JAVAscr&#105;pt:", "data&colon;text/html", "vbscr\x01ipt:", "da\x1bta:"),
    *("&Tab;", "&amp;", "&&", "2>&1", "\x01", "\x0e", "\x1b", "\x7f", "\t", "\u212a", "\u0130"),
    *("<", "</", "<b>", "</b>", "<script>", "<img src=x onerror=f()>", "<a href='", "'>", "< 1"),
    *("https://example.com/", "ops/x.md", "#anchor", "alert(1)", "word", "Текст"),
    *("{: ", "{", "}", " onerror=", "ONLOAD=", "href=", '"', "'", "\\`", "\\", "> ", "- ", "1. "),
    *('<div title="`"', ' data-x="`">', "=x", ".cls", "#id"),
]


def test_prefilter_never_skips_a_finding() -> None:
    rng = random.Random(7)
    flagged = skipped = 0
    for _ in range(5_000):
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        found = find_unsafe(body)
        if not may_be_unsafe(body):
            assert found == [], body
            skipped += 1
        flagged += bool(found)
    assert flagged > 250 and skipped > 250  # both sides of the test were exercised


def test_rules_are_registered_with_docs() -> None:
    rules = {r.code: r for r in RULES}
    for code in ("RB501", "RB502", "RB503", "RB504"):
        assert rules[code].docs().startswith(f"# {code} {rules[code].name}\n")
