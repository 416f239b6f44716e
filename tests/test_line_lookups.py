"""The line of an offset, looked up for every command of a block: once the lookups counted
newlines from the block's start each time, and a 1 MB block took 15 s to lint. These
tests add up how much of the text the lookups read (no timing)."""

from __future__ import annotations

from dataclasses import replace

from conftest import ROOT
from runbookc.approvals.state import approval_policy, approval_state
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts import bashtree
from runbookc.scripts.bashtree import Source
from runbookc.scripts.draft import draft_scripts
from runbookc.scripts.draft.checks import command_findings
from runbookc.scripts.extract import content_digest
from runbookc.scripts.lineindex import LineIndex
from runbookc.scripts.render import render_step
from runbookc.scripts.settings import DEFAULT_TIMEOUT, script_settings
from scriptcases import front_matter

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))
LINES = 3000


class _Read:
    """How many characters or bytes `count` and `find` have read, since `reset`."""

    total = 0

    @classmethod
    def reset(cls) -> None:
        _Read.total = 0

    def count(self, sub, start=0, end=None):  # type: ignore[no-untyped-def]
        end = len(self) if end is None else end
        _Read.total += max(0, end - start)
        return super().count(sub, start, end)  # type: ignore[misc]

    def find(self, sub, start=0, end=None):  # type: ignore[no-untyped-def]
        found = super().find(sub, start, end)  # type: ignore[misc]
        _Read.total += (len(self) if found < 0 else found + len(sub)) - start
        return found


class _ReadBytes(_Read, bytes):
    pass


class _ReadStr(_Read, str):
    def encode(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return _ReadBytes(super().encode(*args, **kwargs))


def test_line_index_of_text_and_bytes() -> None:
    text = "a\nbé\n\ncd"
    assert [LineIndex(text).line(n) for n in range(8)] == [0, 0, 1, 1, 1, 2, 3, 3]
    data = text.encode()  # é is two bytes
    assert [LineIndex(data).line(n) for n in range(9)] == [0, 0, 1, 1, 1, 1, 2, 3, 3]
    assert LineIndex("").line(0) == 0


def test_block_rows_read_the_block_about_once() -> None:
    text = _ReadStr("".join(f"kubectl get pod p{n} | grep -c é\n" for n in range(LINES)))
    source = Source(text)
    starts = [0] + [at + 1 for at, byte in enumerate(source.original) if byte == 0x0A]
    _Read.reset()
    assert [source.row(start) for start in starts] == list(range(LINES + 1))
    assert _Read.total <= 2 * len(source.original)


def _big_script(tmp_path):  # type: ignore[no-untyped-def]
    # Each line is a unit that hides a failure (RB404), so each is looked up.
    block = "".join(f"kubectl get pod p{n} 2>/dev/null || true\n" for n in range(LINES))
    path = tmp_path / "rb.md"
    path.write_text(front_matter() + "\n## Diagnosis\n1) Look:\n\n```bash\n" + block + "```\n")
    document = compile_document(path, "rb.md", SETTINGS).document
    [script], _ = draft_scripts(document, SETTINGS)
    fence = path.read_text("utf-8").split("\n").index("```bash") + 1
    counted = replace(script, content=_ReadStr(script.content))
    assert counted.parsed.units  # parsed (and memoized) here: the tests count the lookups after
    return document, counted, fence


def test_hidden_failure_lines_read_the_block_about_once(tmp_path) -> None:
    document, script, fence = _big_script(tmp_path)
    config = script_settings(SETTINGS)
    block = next(b for b in document.parsed.code_blocks if b.line == script.line)
    _Read.reset()
    found, _ = command_findings(
        block, script.content, script.lines, script.role, script.params, config, "rb.md"
    )
    assert [d.line for d in found if d.code == "RB404"] == [fence + 1 + n for n in range(LINES)]
    assert _Read.total <= 2 * len(script.content)


def test_rendered_step_reads_the_block_about_once(tmp_path) -> None:
    document, script, fence = _big_script(tmp_path)
    policy = approval_policy(SETTINGS)
    state, digest = approval_state(document, policy), content_digest(document)
    _Read.reset()
    rendered = render_step(script, document, state, digest, DEFAULT_TIMEOUT, [])
    assert _Read.total <= 2 * len(script.content)
    assert f"{fence + LINES}" in rendered.text  # the last unit names its runbook line


def test_drafting_a_block_parses_it_once(tmp_path, monkeypatch) -> None:
    """Its placeholders, units, unset and quoted variables are read from one tree-sitter
    parse (each parsed the block anew: four parses a block)."""
    real = bashtree.parser()
    parses: list[bytes] = []

    class Counting:
        def parse(self, data: bytes):  # type: ignore[no-untyped-def]
            parses.append(data)
            return real.parse(data)

    monkeypatch.setattr(bashtree, "parser", Counting)
    block = f'kubectl -n "$NS" get pod {tmp_path.name}-once\necho "$NS"\n'
    path = tmp_path / "rb.md"
    path.write_text(front_matter() + "\n## Diagnosis\n1) Look:\n\n```bash\n" + block + "```\n")
    document = compile_document(path, "rb.md", SETTINGS).document
    [script], _ = draft_scripts(document, SETTINGS)
    assert script.params and [data.decode() for data in parses] == [block]
