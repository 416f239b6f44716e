"""Links and images to local files that are not documents. The build copies each file a
page links to from the source dir into the site (issue 17, item 6); one the site cannot
publish (missing, a folder, outside the source dir or reached by a symlink out of it, in a
generated folder, an SVG that is more than drawing) is reported at its line (RB211) and the
build, which would fail on it in MkDocs, stops at lint. Such an SVG never reaches the site;
a drawing-only one (Graphviz's) does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.commands.wiring import lint_targets
from runbookc.config import load_settings
from runbookc.render.docs_dir import linked_files

CASE = ROOT / "tests" / "cases" / "rules" / "RB211" / "fail"
FRONT = (CASE / "ops" / "a.md").read_text(encoding="utf-8").split("# Test runbook")[0]
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d2f1b80000000049454e44ae426082"
)
FOUND = [("runbooks/ops/a.md", line) for line in (19, 21, 21, 23)]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    shutil.copytree(CASE / "ops", tmp_path / "runbooks" / "ops")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)

    def configure(extra: str = "") -> Path:
        (tmp_path / "pyproject.toml").write_text(
            f'[tool.runbookc]\nsource = "runbooks"\noutput = "out"\n{extra}\n', encoding="utf-8"
        )
        return tmp_path

    configure()
    return configure


def test_lint_reports_each_local_file_at_its_line(cli, project) -> None:
    result = cli("lint", "--format", "json")
    found = [(d["path"], d["line"]) for d in result.json()["diagnostics"] if d["code"] == "RB211"]
    assert result.code == 1 and found == FOUND
    svg = [d for d in result.json()["diagnostics"] if "diagram.svg" in d["message"]]
    assert "event handler attribute (`onload`)" in svg[0]["message"]


def test_build_stops_at_lint_and_publishes_no_svg(cli, project) -> None:
    result = cli("build")
    assert result.code == 1
    assert "build stopped: lint errors" in result.err
    assert not list(project().rglob("out/**/*.svg"))


def test_without_the_rule_mkdocs_fails_on_the_same_links(cli, project) -> None:
    """What RB211 predicts: the strict MkDocs build fails on exactly these links."""
    project('ignore = ["RB211"]')
    result = cli("build")
    assert result.code == 1
    failed = [line for line in result.err.splitlines() if line.startswith("mkdocs: warning")]
    assert len(failed) == len(FOUND)
    for target in ("diagram.svg", "../exports/board.json", "../exports/", "img/photo.png"):
        assert any(f"'{target}'" in line for line in failed), target
    assert not list(project().rglob("out/**/*.svg"))


def _corpus(root: Path, body: str) -> Path:
    """runbooks/ops/a.md with `body`, a settings file and the shipped mkdocs.yml."""
    (root / "runbooks" / "ops").mkdir(parents=True)
    (root / "runbooks" / "ops" / "a.md").write_text(
        FRONT + "# Test runbook\n\n## Steps\n\n" + body, encoding="utf-8"
    )
    (root / "pyproject.toml").write_text(
        '[tool.runbookc]\nsource = "runbooks"\noutput = "out"\n', encoding="utf-8"
    )
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root / "runbooks"


def test_images_and_attachments_next_to_runbooks_are_published(cli, tmp_path, monkeypatch):
    source = _corpus(
        tmp_path,
        "![diagram](img/flow.png) and [the export](../files/board%20v2.json).\n\n"
        "Again: ![same](./img/flow.png)\n",
    )
    (source / "ops" / "img").mkdir()
    (source / "ops" / "img" / "flow.png").write_bytes(PNG)
    (source / "files").mkdir()
    (source / "files" / "board v2.json").write_text("{}", encoding="utf-8")
    (source / "files" / "unlinked.txt").write_text("not linked", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli("lint").code == 0
    result = cli("build")
    assert result.code == 0, result.err
    site = tmp_path / "out" / "site"
    assert (site / "ops" / "img" / "flow.png").read_bytes() == PNG
    assert (site / "files" / "board v2.json").read_text(encoding="utf-8") == "{}"
    assert not (site / "files" / "unlinked.txt").exists()  # only what pages link to
    page = (site / "ops" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'src="../img/flow.png"' in page


GRAPHVIZ = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="62pt" height="44pt" viewBox="0 0 62 44" xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph"><title>G</title>
<polygon fill="white" stroke="transparent" points="-4,4 -4,-40 58,-40 58,4 -4,4"/>
<g id="node1" class="node"><title>a</title>
<ellipse fill="none" stroke="black" cx="27" cy="-18" rx="27" ry="18"/>
<text text-anchor="middle" x="27" y="-14.3" font-size="14.00">a</text></g></g>
</svg>
"""


def test_a_drawing_only_svg_is_published(cli, tmp_path, monkeypatch) -> None:
    source = _corpus(tmp_path, "See [the hierarchy](img/tree.svg) and ![it](img/tree.svg).\n")
    (source / "ops" / "img").mkdir()
    (source / "ops" / "img" / "tree.svg").write_bytes(GRAPHVIZ)
    monkeypatch.chdir(tmp_path)
    assert cli("lint").code == 0
    assert cli("build").code == 0
    site = tmp_path / "out" / "site"
    assert (site / "ops" / "img" / "tree.svg").read_bytes() == GRAPHVIZ
    page = (site / "ops" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'href="../img/tree.svg"' in page and 'src="../img/tree.svg"' in page


def test_a_missing_or_unpublishable_file_is_an_error_at_its_line(cli, tmp_path, monkeypatch):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    source = _corpus(
        tmp_path,
        "![gone](img/gone.png)\n\n"  # line 19
        "[leak](leak.txt)\n\n"  # line 21: a symlink out of the source dir
        "[ours](../scripts/x.txt)\n\n"  # line 23: the site's generated scripts/ folder
        "[hidden](.notes.txt)\n",  # line 25: MkDocs leaves dot names out
    )
    (source / "ops" / "leak.txt").symlink_to(outside)
    (source / "scripts").mkdir()
    (source / "scripts" / "x.txt").write_text("x", encoding="utf-8")
    (source / "ops" / ".notes.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("lint", "--format", "json")
    found = {d["line"]: d["message"] for d in result.json()["diagnostics"] if d["code"] == "RB211"}
    assert result.code == 1 and sorted(found) == [19, 21, 23, 25]
    assert "no such file" in found[19]
    assert "symlink that leads out of the source dir" in found[21]
    assert "scripts/ folder is generated" in found[23]
    assert "hidden names" in found[25]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.runbookc]\nsource = "runbooks"\noutput = "out"\nignore = ["RB211"]\n',
        encoding="utf-8",
    )
    assert cli("build").code == 1  # MkDocs refuses the links the rule predicted
    # What the build would copy: none of them, the symlink's target least of all.
    settings = load_settings(str(tmp_path / "pyproject.toml"))
    graph = lint_targets([], settings, use_cache=False).graph
    assert linked_files(graph, settings.source_dir) == {}


def test_a_cached_lint_sees_a_linked_file_come_and_go(cli, tmp_path, monkeypatch) -> None:
    """The corpus findings are memoized by the documents' contents; a linked file is not a
    document, so the memo notes it and is not reused once it changes."""
    source = _corpus(tmp_path, "![diagram](img/flow.png)\n")
    monkeypatch.chdir(tmp_path)
    assert cli("lint").code == 1  # missing
    (source / "ops" / "img").mkdir()
    (source / "ops" / "img" / "flow.png").write_bytes(PNG)
    assert cli("lint").code == 0
    assert cli("lint").code == 0  # from the memo
    (source / "ops" / "img" / "flow.png").unlink()
    result = cli("lint", "--format", "json")
    assert [d["code"] for d in result.json()["diagnostics"]] == ["RB211"]
