"""Inputs too big, hostile or unreadable to commit as case files: made here at test time.

No timed assertions: each test shows the input completes and is reported.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc import limits
from runbookc.pipeline import parse
from runbookc.pipeline.load import load_bytes, load_file

VALID = (ROOT / "tests" / "cases" / "positive" / "rollback_plan.md").read_text("utf-8")


def _lint(cli, *paths: Path) -> tuple[int, dict]:
    result = cli("lint", *map(str, paths), "--format", "json")
    assert result.err == ""
    return result.code, result.json()


def _load_and_schema(report: dict) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"].startswith(("RB0", "RB1"))]


def _codes(report: dict) -> list[tuple[str, int | None]]:
    return [(d["code"], d["line"]) for d in report["diagnostics"]]


def test_ten_megabyte_file_is_reported_without_reading_it_whole(tmp_path, cli) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(VALID.encode() + b"x" * (10 * 1024 * 1024))
    code, report = _lint(cli, big)
    assert code == 1
    assert _codes(report) == [("RB011", None)]
    assert "limit is" in report["diagnostics"][0]["message"]


def test_hundred_thousand_character_line_is_reported_at_its_line(tmp_path, cli) -> None:
    long_line = tmp_path / "long.md"
    long_line.write_text(VALID + "\n" + "y" * 100_000 + "\n", encoding="utf-8")
    expected_line = VALID.count("\n") + 2
    code, report = _lint(cli, long_line)
    assert code == 1
    assert _codes(report) == [("RB011", expected_line)]


def test_alias_bomb_is_rejected_without_expanding(tmp_path, cli) -> None:
    # 30 levels of 30 aliases: 30**30 strings if anything ever expanded it.
    lines = ["---", "l0: &l0 [lol]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 30)}]" for n in range(1, 30)]
    bomb = tmp_path / "bomb.md"
    bomb.write_text("\n".join([*lines, "---", "", "# Bomb", ""]), encoding="utf-8")
    code, report = _lint(cli, bomb)
    assert code == 1
    assert {c for c, _ in _codes(report)} == {"RB009"}
    assert sorted({line for _, line in _codes(report)}) == list(range(2, 32))


def test_deep_flow_nesting_in_front_matter_is_too_large(tmp_path, cli) -> None:
    deep = tmp_path / "deep.md"
    nested = "[" * 9_000 + "]" * 9_000
    deep.write_text(VALID.replace("status: deprecated", f"tags: {nested}"), encoding="utf-8")
    code, report = _lint(cli, deep)
    assert code == 1
    assert _codes(report) == [("RB011", 5)]


def test_deep_nesting_in_body_completes(tmp_path, cli) -> None:
    deep = tmp_path / "deep-body.md"
    deep.write_text(VALID + "\n" + "[" * 9_000 + "x" + "]" * 9_000 + "\n", encoding="utf-8")
    _, report = _lint(cli, deep)
    assert [c for c, _ in _codes(report) if c.startswith(("RB0", "RB1"))] == []
    assert report["summary"]["documents"] == 1


def test_front_matter_over_its_size_limit(tmp_path, cli) -> None:
    lines = [f"k{n}: {'v' * 100}" for n in range(limits.MAX_FRONT_MATTER_CHARS // 100)]
    big = tmp_path / "big-front.md"
    big.write_text("---\n" + "\n".join(lines) + "\n---\n", encoding="utf-8")
    code, report = _lint(cli, big)
    assert code == 1
    assert _codes(report) == [("RB011", 1)]


def test_table_of_too_many_cells_stops_the_parser_at_its_limit(tmp_path, cli) -> None:
    # Each row makes 2 + 3 * 4 tokens: past MAX_BLOCK_TOKENS the parser stops, where a
    # 2 MB table of one-character cells used to take 1 GB of memory.
    rows = parse.MAX_BLOCK_TOKENS // 14 + 10
    table = "|a|b|c|d|\n|-|-|-|-|\n" + "|x|x|x|x|\n" * rows
    big = tmp_path / "table.md"
    big.write_text(VALID + "\n" + table, encoding="utf-8")
    code, report = _lint(cli, big)
    assert code == 1
    [(found, line)] = [(c, n) for c, n in _codes(report) if c.startswith("RB0")]
    table_line = VALID.count("\n") + 2
    assert found == "RB011"
    assert table_line + rows - 10 < line < table_line + rows  # the row the limit falls in
    assert "block tokens" in report["diagnostics"][0]["message"]


@pytest.mark.parametrize("extra", [parse.MAX_HEADINGS - 1, parse.MAX_HEADINGS])
def test_headings_over_their_limit(tmp_path, cli, extra) -> None:
    # The site's search indexes a page's headings in time growing with their square.
    many = tmp_path / "headings.md"  # VALID has one heading, its title
    many.write_text(VALID + "".join("\n## Same\n" for _ in range(extra)), encoding="utf-8")
    _, report = _lint(cli, many)
    found = [(c, n) for c, n in _codes(report) if c.startswith("RB0")]
    last = VALID.count("\n") + 2 * extra  # the line of the last heading
    assert found == ([] if extra < parse.MAX_HEADINGS else [("RB011", last)])


def test_broken_symlink_is_unreadable_not_a_traceback(tmp_path, cli) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    code, report = _lint(cli, tmp_path)
    assert code == 1
    assert _codes(report) == [("RB012", None)]
    assert "No such file" in report["diagnostics"][0]["message"]
    assert report["diagnostics"][0]["path"].endswith("/gone.md")  # the link, not its target


def test_fifo_named_md_is_not_read(tmp_path, cli) -> None:
    os.mkfifo(tmp_path / "pipe.md")  # reading it would block forever
    code, report = _lint(cli, tmp_path)
    assert code == 1
    assert _codes(report) == [("RB012", None)]
    assert "special file" in report["diagnostics"][0]["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_file_without_read_permission(tmp_path, cli) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text(VALID, encoding="utf-8")
    locked.chmod(0)
    code, report = _lint(cli, locked)
    assert code == 1
    assert _codes(report) == [("RB012", None)]


def test_permission_error_on_open_is_a_diagnostic(tmp_path, monkeypatch) -> None:
    # Runs as root too: the OSError that a mode-000 file gives a normal user.
    locked = tmp_path / "locked.md"
    locked.write_text(VALID, encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    document, diags = load_file(locked, "locked.md")
    assert document is None
    assert [(d.code, d.line, d.message) for d in diags] == [
        ("RB012", None, "cannot read: Permission denied")
    ]


def test_directory_named_md_is_walked_not_read(tmp_path, cli) -> None:
    folder = tmp_path / "notes.md"
    folder.mkdir()
    (folder / "plan.md").write_text(VALID, encoding="utf-8")
    _, report = _lint(cli, tmp_path)
    assert report["summary"]["documents"] == 1
    assert [d for d in _load_and_schema(report) if d["code"] == "RB012"] == []
    document, diags = load_file(folder, "notes.md")
    assert document is None
    assert [(d.code, d.message) for d in diags] == [
        ("RB012", "cannot read: a directory, not a regular file")
    ]


def test_one_broken_file_still_reports_every_other_file(tmp_path, cli) -> None:
    for name in ("a.md", "c.md"):
        (tmp_path / name).write_text(VALID.replace("RP-TEST-POSITIVE-0001", "bad id"), "utf-8")
    (tmp_path / "b.md").write_bytes(b"---\ntitle: \xff\n---\n")
    (tmp_path / "d.md").write_text(VALID, encoding="utf-8")
    code, report = _lint(cli, tmp_path)
    assert code == 1
    assert report["summary"]["documents"] == 4
    # Corpus rules (orphans, dangling ids) also run; this test is about the load stage.
    by_file = {(Path(d["path"]).name, d["code"], d["line"]) for d in _load_and_schema(report)}
    assert by_file == {("a.md", "RB106", 2), ("b.md", "RB001", 2), ("c.md", "RB106", 2)}


def test_bom_crlf_and_comments_keep_file_lines() -> None:
    source = (
        "\ufeff---\r\n"  # line 1
        "# identity\r\n"
        "doc_id: RB-TEST-LINES-0001\r\n"  # line 3
        "\r\n"
        "type: runbook\r\n"  # line 5
        "approvals:\r\n"
        "  # who\r\n"
        "  required:\r\n"  # line 8
        "    - Owner\r\n"  # line 9
        "---\r\n"  # line 10
        "\r\n"
        "# Title\r\n"  # line 12
        "\r\n"
        "```bash\r\n"  # line 14
        "echo ok\r\n"
        "```\r\n"
    )
    document, diags = load_bytes(source.encode("utf-8"), "x.md")
    assert [(d.code, d.line) for d in diags] == [("RB003", 1)]
    assert document is not None
    lines = document.front.key_lines
    assert lines[("doc_id",)] == 3
    assert lines[("type",)] == 5
    assert lines[("approvals", "required")] == 8
    assert lines[("approvals", "required", 0)] == 9
    assert (document.front.start_line, document.front.end_line, document.body_line) == (1, 10, 11)
    assert "\r" not in document.text and not document.text.startswith("\ufeff")

    from runbookc.pipeline.parse import parse_body

    body = parse_body(document.body, document.body_line)
    assert [h.line for h in body.headings] == [12]
    assert [(b.line, b.end_line) for b in body.code_blocks] == [(14, 16)]


def test_lone_cr_and_unicode_line_separators_do_not_shift_lines() -> None:
    # PyYAML counts U+2028 and NEL as line breaks; the file's lines do not.
    source = "---\rdoc_id: RB-TEST-LINES-0001\ntitle: 'a\u2028b'\ntitle: again\n---\n"
    document, diags = load_bytes(source.encode("utf-8"), "x.md")
    assert [(d.code, d.line) for d in diags] == [("RB008", 4)]
    # The duplicate keeps its first value, so the document is still validated.
    assert document is not None and document.front.data["title"] == "a\u2028b"
    assert document.front.key_lines[("title",)] == 3


def test_unterminated_front_matter_in_a_long_file_is_still_unterminated() -> None:
    source = "---\ntitle: x\n" + "text line\n" * 5_000
    _, diags = load_bytes(source.encode(), "x.md")
    assert [(d.code, d.line) for d in diags] == [("RB005", 1)]


def test_front_matter_over_its_line_limit() -> None:
    keys = "".join(f"k{n}: v\n" for n in range(limits.MAX_FRONT_MATTER_LINES + 1))
    _, diags = load_bytes(f"---\n{keys}---\n".encode(), "x.md")
    assert [(d.code, d.line) for d in diags] == [("RB011", 1)]
    _, diags = load_bytes(f"---\n{keys.split(chr(10), 1)[1]}---\n".encode(), "x.md")
    assert [d.code for d in diags] == []


def test_duplicate_key_does_not_hide_the_schema_findings(tmp_path, cli) -> None:
    doc = tmp_path / "dup.md"
    doc.write_text(
        "---\ndoc_id: RB-TEST-DUP-0001\ntype: runbook\ntitle: a\ntitle: b\nstatus: active\n"
        "owner_role: SRE\ncreated_at: 2026-02-20\nupdated_at: 2026-01-01\n---\n# T\n",
        encoding="utf-8",
    )
    code, report = _lint(cli, doc)
    assert code == 1
    assert _codes(report) == [("RB103", 1), ("RB008", 5), ("RB105", 9)]


def test_symlink_loop_is_a_diagnostic(tmp_path, cli) -> None:
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "plan.md").write_text(VALID, encoding="utf-8")
    code, report = _lint(cli, tmp_path)
    assert code == 1
    assert report["summary"]["documents"] == 2
    loop = [d for d in report["diagnostics"] if d["path"].endswith("loop.md")]
    assert [(d["code"], d["line"]) for d in loop] == [("RB012", None)]
    assert "symbolic links" in loop[0]["message"]
