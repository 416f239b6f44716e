"""Link targets and code-span paths the system would refuse as file names: each is a
finding at its line (the target resolves to no document), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

HEAD = """---
doc_id: RP-TEST-HOSTILE-0001
type: rollback_plan
title: Hostile paths
status: deprecated
owner_role: SRE
created_at: 2026-02-20
updated_at: 2026-02-20
---

# Hostile paths

"""
BODY_LINE = HEAD.count("\n") + 1  # the file line of the text after HEAD


def _project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.runbookc]\nsource = "runbooks"\noutput = "build"\n'
        '[tool.runbookc.paths]\n"docs/ops/" = "ops/"\n',
        encoding="utf-8",
    )
    (tmp_path / "runbooks" / "ops").mkdir(parents=True)
    (tmp_path / "runbooks" / "ops" / "plan.md").write_text(HEAD + body, encoding="utf-8")
    return tmp_path / "pyproject.toml"


def _findings(cli, config: Path) -> list[tuple[str, int, str]]:
    result = cli("lint", "--config", str(config), "--no-cache", "--format", "json")
    assert result.err == ""
    assert result.code == 1
    found = result.json()["diagnostics"]
    # RB209: nothing links to this lone rollback plan, which is beside the point here.
    return [(d["code"], d["line"], d["message"]) for d in found if d["code"] != "RB209"]


@pytest.mark.parametrize(
    "target",
    [
        "x" * 300 + ".md",  # a file name longer than NAME_MAX (255)
        "y" * 300 + "/plan.md",  # a folder name longer than NAME_MAX
        "d/" * 3000 + "plan.md",  # a path longer than PATH_MAX (4096)
        "a%00b.md",  # a NUL byte once percent-decoded
    ],
)
def test_link_the_system_refuses_is_a_broken_link(tmp_path, cli, target) -> None:
    config = _project(tmp_path, f"See [it]({target}).\n")
    [(code, line, message)] = _findings(cli, config)
    assert (code, line) == ("RB201", BODY_LINE)
    assert message.endswith("is not in the corpus")


def test_code_span_path_the_system_refuses_is_unresolved(tmp_path, cli) -> None:
    config = _project(tmp_path, "Open `docs/ops/" + "z" * 300 + ".md`.\n")
    [(code, line, message)] = _findings(cli, config)
    assert (code, line) == ("RB203", BODY_LINE)
    assert message.endswith("is not in the corpus")


def test_link_out_of_the_source_dir_is_not_looked_up(tmp_path, cli) -> None:
    config = _project(tmp_path, "See [it](../../outside.md).\n")
    (tmp_path / "outside.md").write_text("not a document\n", encoding="utf-8")
    [(code, line, message)] = _findings(cli, config)
    assert (code, line) == ("RB201", BODY_LINE)
    assert message == "link to `../../outside.md`: `../outside.md` is outside the source dir"
