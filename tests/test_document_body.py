"""Document.body is the text after the closing front matter line, whatever the line endings."""

from __future__ import annotations

import pytest
from runbookc.pipeline.load import load_bytes

FRONT = "---\ndoc_id: X\n"


@pytest.mark.parametrize(
    ("source", "body", "body_line"),
    [
        (FRONT + "---", "", 4),
        (FRONT + "---\n", "", 4),
        (FRONT + "---\n\n# T\n", "\n# T\n", 4),
        (FRONT + "...\ntext", "text", 4),
        ("\ufeff" + FRONT + "---\r\n# T\r\nx\r", "# T\nx\n", 4),
        ("---\r\ndoc_id: X\r\nowner: Y\r---  \r\n\r\nend", "\nend", 5),
    ],
)
def test_body_follows_the_closing_line(source: str, body: str, body_line: int) -> None:
    document, _ = load_bytes(source.encode(), "case.md")
    assert document is not None
    assert (document.body, document.body_line) == (body, body_line)
    assert document.text.split("\n")[body_line - 2].rstrip() in ("---", "...")
