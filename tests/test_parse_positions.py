"""File positions of inline elements: a code span or HTML that spans lines must not shift
the links and spans after it (markdown-it leaves no softbreak inside them)."""

from __future__ import annotations

from runbookc.pipeline.parse import parse_body

BODY_LINE = 10  # the body's first line is file line 10

BODY = """intro `code
span` then [link](a.md)
and `x` here

- item `y`
  more [l2](b.md)

<span
class="x">t</span> [l3](c.md)

| a | b |
|---|---|
| `t1` | [l4](d.md) |

See [doc](../ops/алерты.md#раздел) and ![img](<a b.png>), ref [r][1], <https://x.y/z>.
Escaped \\` tick then `real` and [r2].

[1]: ref.md
[r2]: r2.md
"""


def _expected(needle: str, occurrence: int = 0) -> tuple[int, int]:
    """File (line, column) of `needle`, found in the source text by the test itself."""
    hits = [
        (number, line.index(needle) + 1)
        for number, line in enumerate(BODY.split("\n"), start=BODY_LINE)
        if needle in line
    ]
    return hits[occurrence]


def test_links_keep_their_line_and_target_column() -> None:
    body = parse_body(BODY, BODY_LINE)
    found = {link.target: (link.line, link.column) for link in body.links}
    assert found == {
        "a.md": _expected("a.md"),
        "b.md": _expected("b.md"),
        "c.md": _expected("c.md"),
        "d.md": _expected("d.md"),
        "../ops/%D0%B0%D0%BB%D0%B5%D1%80%D1%82%D1%8B.md#%D1%80%D0%B0%D0%B7%D0%B4%D0%B5%D0%BB": (
            _expected("../ops/")
        ),
        "a%20b.png": _expected("a b.png"),
        "ref.md": _expected("r][1]"),
        "https://x.y/z": _expected("https://"),
        "r2.md": _expected("r2]."),
    }


def test_code_spans_keep_their_line_and_column() -> None:
    body = parse_body(BODY, BODY_LINE)
    found = [(span.text, span.line, span.column) for span in body.code_spans]
    assert found == [
        ("code span", *_expected("`code")),
        ("x", *_expected("`x`")),
        ("y", *_expected("`y`")),
        ("t1", *_expected("`t1`")),
        ("real", *_expected("`real`")),
    ]


def test_inline_html_line() -> None:
    body = parse_body(BODY, BODY_LINE)
    assert [(h.content, h.line) for h in body.html if h.inline][:1] == [
        ('<span\nclass="x">', _expected("<span")[0])
    ]
