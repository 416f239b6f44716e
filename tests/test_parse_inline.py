"""The parse stage parses inline content only where it can hold what the Body keeps (a
link, image, autolink, inline HTML or code span): that gives the very Body that parsing
every inline token gives. And it leaves markdown-it as it is (its loggers, its options)."""

from __future__ import annotations

import logging
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, subprocess_env
from markdown_it import MarkdownIt
from markdown_it.token import Token
from runbookc.pipeline import parse
from runbookc.pipeline.load import load_bytes
from runbookc.pipeline.parse import parse_body


def _bodies(root: Path) -> list[tuple[str, str, int]]:
    """(name, body, body line) of every loadable Markdown file under `root`."""
    found = []
    for path in sorted(root.rglob("*.md")):
        if path.is_file():
            document, _ = load_bytes(path.read_bytes(), path.as_posix())
            if document is not None:
                found.append((path.as_posix(), document.body, document.body_line))
    return found


def _assert_same(bodies: list[tuple[str, str, int]]) -> None:
    assert bodies
    lazy = [parse_body(body, line) for _, body, line in bodies]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_ELEMENT_START", re.compile(""))  # every inline token parsed
        patch.setattr(parse, "_INLINE_START", re.compile(""))  # by markdown-it's parser
        for (name, body, line), found in zip(bodies, lazy, strict=True):
            assert found == parse_body(body, line), name


@pytest.mark.parametrize("folder", ["runbooks", "tests/cases", "tests/golden"])
def test_shipped_and_case_documents(folder: str) -> None:
    _assert_same(_bodies(ROOT / folder))


def test_generated_corpus(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(tmp_path), "--docs", "300"],
        check=True,
        capture_output=True,
        env=subprocess_env(),
    )
    bodies = _bodies(tmp_path)
    assert len(bodies) == 300
    _assert_same(bodies)


# Pieces of Markdown that exercise every inline rule (code spans
# of several widths, escapes, entities, emphasis, links, images, autolinks, inline HTML)
# and the block structures they sit in (headings, setext headings, lists, quotes, fences,
# tables, reference definitions).
_PIECES = [
    "a", "word ", " ", "  ", "\n", "\n\n", "`", "``", "```", "` x `", "``a`b``", "\\`", "\\",
    "*", "**", "_", "_x_", "*x*", "&amp;", "&#96;", "&", "[", "]", "(", ")", "[t](u.md)",
    "![i](p.png)", "[r][1]", "\n[1]: ref.md\n", "<", ">", "<b>", "</b>", "<https://x.y/z>",
    "!", "|", "\t", " \n", "  \n ", "\t\n\t", "` `", "`\n`", "``\n x ``",
    "[a_b](c_d.md)", "[](x.md)", "[t](u.md#a-b)", "[Д](д.md)", "[t](u%20v.md)", "[x](javascript:y)",
    "[x](a(b).md)", "[*e*](f.md)", "[a](<b.md>)", "[a](b.md \"t\")", "[a]( b.md )", "[ a ](b.md)",
    "](", "[",
    "\n# ", "\n## H `c`\n", "\n---\n", "\n===\n", "\n- ", "\n  - ", "\n1) ", "\n> ", "    ",
    "\n```bash\n", "\n~~~\n", "\n| a | b |\n|---|---|\n| `c` | d |\n", "Д", "é",
]  # fmt: skip


def test_random_documents() -> None:
    rng = random.Random(6)
    bodies = [
        (f"random #{n}", "".join(rng.choices(_PIECES, k=rng.randint(1, 60))), 1 + n % 7)
        for n in range(3000)
    ]
    _assert_same(bodies)


def test_text_normalize_would_change_is_normalised() -> None:
    """markdown() leaves its `normalize` rule off; parse_body runs it where it changes the
    text (CR line endings, NUL), so the Body is the one the rule switched on gives."""
    rng = random.Random(8)
    pieces = [*_PIECES, "\r\n", "\r", "\0", "a\rb", "`\0`", "[\0](x.md)"]
    bodies = [
        (f"random #{n}", "".join(rng.choices(pieces, k=rng.randint(1, 40))), 1) for n in range(2000)
    ]
    assert sum("\r" in body or "\0" in body for _, body, _ in bodies) > 500
    found = [parse_body(body, line) for _, body, line in bodies]
    full = MarkdownIt("commonmark", parse._ABSENT_OPTIONS).enable("table")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "markdown", lambda: full.disable(["inline", "text_join"]))
        for (name, body, line), lazy in zip(bodies, found, strict=True):
            assert lazy == parse_body(body, line), name


def test_plain_text_is_one_text_token() -> None:
    """Inline content without any character an inline rule starts at is what markdown-it's
    inline parser makes of it: one text token (none when empty)."""
    md = parse.markdown()
    rng = random.Random(7)
    pieces = [p for p in _PIECES if "\n" not in p] + ["{#id .c role=x}", "#", "~~s~~", ":", "-"]
    plain = 0
    for _ in range(5000):
        content = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        if parse._INLINE_START.search(content) is None:
            plain += 1
            expected = [t.as_dict() for t in md.inline.parse(content, md, {}, [])]
            token = Token("inline", "", 0, content=content)
            found = parse._Inline(md, {}).children(token)
            assert [t.as_dict() for t in found] == expected, repr(content)
    assert plain > 100  # the check ran on plain content, not only on syntax


def test_plain_headings_and_titles_run_no_inline_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only inline content with syntax in it goes through markdown-it's inline parser."""
    md = parse.markdown()
    parsed: list[str] = []
    real = md.inline.parse

    def recording(src: str, *args: Any) -> list[Token]:
        parsed.append(src)
        return real(src, *args)

    monkeypatch.setattr(md.inline, "parse", recording)
    body = parse_body("# Plain {#p}\n\n## With `code`\n\nRun it:\n\n```bash\nls\n```\n", 1)
    assert parsed == ["With `code`"]
    assert [(h.text, h.slug) for h in body.headings] == [("Plain", "p"), ("With code", "with-code")]
    assert body.code_blocks[0].title == "Run it:"


@pytest.mark.parametrize(
    ("paragraph", "title"),
    [
        ("run `a`  \nthen \n  `b` \t\nlast:", "run a then b \t last:"),
        ("a `b`\nmiddle   \n\t last `c`:", "a b middle last c:"),
        ("`` x ` y ``\n   `  `  \n` z`", "x ` y     z"),
        ("unpaired ``` run `\n  end `a`", "unpaired ``` run   enda`"),
        ("`multi\nline  span` and `\nx\n`", "multi line  span and x"),
    ],
)
def test_step_titles_with_code_spans_and_line_breaks(paragraph: str, title: str) -> None:
    """A step's title (the paragraph before its block) is its text as markdown-it reads it:
    code spans' content, each line break's spaces dropped (a tab kept), an unpaired
    backtick run left as text."""
    body = f"{paragraph}\n\n```bash\necho\n```\n"
    assert parse_body(body, 1).code_blocks[0].title == title


def test_markdown_it_logging_is_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    """markdown-it's block rules log a debug message per rule tried: the parse does not
    mute them (they cost it a few percent, but muting them changed every process)."""
    with caplog.at_level(logging.DEBUG, logger="markdown_it"):
        parse_body("# T\n\n- item\n\n```bash\nls\n```\n\n> quote\n", 1)
    assert any(r.name.startswith("markdown_it.rules_block.") for r in caplog.records)


_EVERY_BLOCK = (
    "# T\n\n- [ ] item [link][ref]\n- [x] done ![img](a.png)\n\n1. one\n2. two\n\n"
    "> [!NOTE]\n> quote\n\n[ref]: https://example.com\n\n```bash\nls\n```\n\n| a | b |\n|---|---|\n"
)


def test_option_lookups_find_their_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each option markdown-it-py's rules look up is given (a missing one costs a KeyError
    per list item), and given its default: the tokens are those of the plain preset with
    the same rules switched off."""
    from markdown_it.utils import OptionsDict
    from runbookc.pipeline.parse import markdown

    missed: list[str] = []
    lookup = OptionsDict.__getitem__

    def recording(self: OptionsDict, key: str) -> object:
        try:
            return lookup(self, key)
        except KeyError:
            missed.append(key)
            raise

    monkeypatch.setattr(OptionsDict, "__getitem__", recording)
    tokens = _tokens(markdown())
    assert missed == []
    plain = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
    assert tokens == _tokens(plain)
    assert missed  # the plain preset does miss: the check above can fail


def _tokens(md: MarkdownIt) -> list[dict[str, object]]:
    """The block tokens of _EVERY_BLOCK and its inline children, as the parse stage gets
    them (markdown-it's inline parser on each inline token)."""
    found = []
    for token in md.parse(_EVERY_BLOCK):
        if token.type == "inline":
            token.children = md.inline.parse(token.content, md, {}, [])
        found.append(token.as_dict())
    return found
