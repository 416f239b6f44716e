"""`runbookc init` and `runbookc new`: what they write, that it lints clean, the next free
id, and that they never replace a file nor write outside the repository."""

from __future__ import annotations

import datetime
import re
import tomllib
from pathlib import Path

import pytest
from runbookc import doctypes, scaffold
from runbookc.config import Settings

EXAMPLES = Path("runbooks/examples")
FILES = {
    "runbook": "example-runbook.md",
    "alert": "example-alert.md",
    "slo": "example-slo.md",
    "rollback_plan": "example-rollback-plan.md",
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def _lint(cli, root: Path):
    """`runbookc lint` in the repository, with the runbookc.toml `init` wrote (found, not
    named)."""
    assert Path.cwd() == root
    return cli("lint", "--no-cache")


def _front(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n")[1]


def test_init_writes_a_clean_linked_repository(cli, repo: Path) -> None:
    result = cli("init")
    assert result.code == 0, result.err
    config = tomllib.loads((repo / "runbookc.toml").read_text(encoding="utf-8"))
    assert config == {"source": "runbooks", "language": "en"}
    assert (repo / ".gitignore").read_text(encoding="utf-8").splitlines().count("/build/") == 1
    assert sorted(p.name for p in (repo / EXAMPLES).iterdir()) == sorted(FILES.values())
    linted = _lint(cli, repo)
    assert linted.code == 0, linted.out
    assert "4 documents, 0 errors, 0 warnings" in linted.out  # no orphan: every one is cited
    runbook = (repo / EXAMPLES / FILES["runbook"]).read_text(encoding="utf-8")
    for name in ("alert", "slo", "rollback_plan"):  # the runbook links to each, each back
        assert f"]({FILES[name]})" in runbook
        assert f"]({FILES['runbook']})" in (repo / EXAMPLES / FILES[name]).read_text("utf-8")
    assert 'related_alerts: ["ALT-EXAMPLE-0001"]' in _front(repo / EXAMPLES / FILES["runbook"])
    assert 'runbooks: ["RB-EXAMPLE-0001"]' in _front(repo / EXAMPLES / FILES["alert"])
    for name in ("slo", "rollback_plan"):
        assert 'related_runbooks: ["RB-EXAMPLE-0001"]' in _front(repo / EXAMPLES / FILES[name])


def test_init_appends_to_gitignore_once(cli, repo: Path) -> None:
    (repo / ".gitignore").write_text("node_modules", encoding="utf-8")
    assert cli("init").code == 0
    assert (repo / ".gitignore").read_text(encoding="utf-8") == (
        "node_modules\n# runbookc's output\n/build/\n"
    )
    assert cli("init").code == 2  # the first init's files are there: nothing written
    assert (repo / ".gitignore").read_text(encoding="utf-8").count("/build/") == 1


def test_init_keeps_a_gitignore_that_lists_the_output(cli, repo: Path) -> None:
    (repo / ".gitignore").write_text("*.pyc\nbuild/\n", encoding="utf-8")
    assert cli("init").code == 0
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "*.pyc\nbuild/\n"


def test_init_refuses_to_overwrite_and_writes_nothing(cli, repo: Path) -> None:
    mine = repo / EXAMPLES / FILES["slo"]
    mine.parent.mkdir(parents=True)
    mine.write_text("my own notes\n", encoding="utf-8")
    result = cli("init")
    assert result.code == 2
    assert "example-slo.md: already exists" in result.err
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    assert sorted(p.name for p in repo.rglob("*") if p.is_file()) == ["example-slo.md"]


def test_init_refuses_existing_settings(cli, repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.runbookc]\nsource = "docs"\n', encoding="utf-8")
    result = cli("init")
    assert result.code == 2
    assert "already holds [tool.runbookc]" in result.err
    assert not (repo / "runbookc.toml").exists()


def test_init_never_writes_outside_the_repository(cli, repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "ignore").write_text("x\n", encoding="utf-8")
    (repo / ".gitignore").symlink_to(outside / "ignore")
    result = cli("init")
    assert result.code == 2
    assert "leads out of the repository" in result.err
    assert (outside / "ignore").read_text(encoding="utf-8") == "x\n"
    (repo / ".gitignore").unlink()
    (repo / "runbooks").symlink_to(outside, target_is_directory=True)
    result = cli("init")
    assert result.code == 2
    assert "outside the repository" in result.err
    assert sorted(p.name for p in outside.rglob("*")) == ["ignore"]
    assert not (repo / "runbookc.toml").exists()


@pytest.mark.parametrize(
    ("ids", "title", "taken", "expected"),
    [
        (["RB-PAY-0007", "RB-PAY-0003"], "Disk full", [], "RB-PAY-0008"),
        (["ALERT-09"], "", [], "ALERT-10"),
        (["X-99"], "", [], "X-100"),
        (["RB-A-0001", "RB-B-0001", "RB-B-0004"], "", [], "RB-B-0005"),  # the common form
        (["RB-PAY-0001"], "", ["RB-PAY-0002"], "RB-PAY-0003"),  # taken by another type
        ([], "Disk full!", [], "disk-full"),
        (["disk-full"], "Disk full", [], "disk-full-2"),
        ([], "Диск", [], "document"),
    ],
)
def test_next_id(ids: list[str], title: str, taken: list[str], expected: str) -> None:
    assert scaffold.next_id(ids, title, taken) == expected


def test_new_writes_each_type_lint_clean(cli, repo: Path) -> None:
    assert cli("init").code == 0
    result = cli("new", "runbook", "Disk full")
    assert result.code == 0, result.err
    written = repo / "runbooks" / "disk-full.md"
    front = _front(written)
    assert 'doc_id: "RB-EXAMPLE-0002"' in front
    today = datetime.date.today().isoformat()
    assert f"created_at: {today}\nupdated_at: {today}" in front
    for name in ("alert", "slo", "rollback_plan"):
        assert cli("new", name, "--runbook", "RB-EXAMPLE-0002").code == 0
    assert 'id: "ALT-EXAMPLE-0002"' in _front(repo / "runbooks" / "new-alert-doc.md")
    linted = _lint(cli, repo)
    assert "8 documents, 0 errors, 0 warnings" in linted.out, linted.out
    # and the site: no mkdocs.yml, no other setting than what init wrote
    built = cli("build")
    assert built.code == 0, built.err
    home = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in home
    assert (repo / "build" / "site" / "disk-full" / "index.html").is_file()


def test_new_refuses_to_overwrite_or_leave_the_repository(cli, repo: Path) -> None:
    assert cli("init").code == 0
    target = repo / "runbooks" / "disk-full.md"
    target.write_text("mine\n", encoding="utf-8")
    result = cli("new", "runbook", "Disk full")
    assert result.code == 2
    assert "disk-full.md: already exists" in result.err
    assert target.read_text(encoding="utf-8") == "mine\n"
    result = cli("new", "runbook", "Elsewhere", "--output", "../elsewhere.md")
    assert result.code == 2
    assert "outside the repository" in result.err
    assert not (repo.parent / "elsewhere.md").exists()
    dangling = repo / "runbooks" / "dangling.md"
    dangling.symlink_to(repo.parent / "made-by-new.md")
    assert cli("new", "runbook", "Dangling").code == 2
    assert not (repo.parent / "made-by-new.md").exists()


def test_new_in_an_empty_repository_checks_the_id_pattern(cli, repo: Path) -> None:
    # The default id pattern is a slug: the title's slug is the id. With no settings file,
    # the sources are the working dir's runbooks/ when there is one.
    (repo / "runbooks").mkdir()
    assert cli("new", "runbook", "Disk full").code == 0
    assert 'doc_id: "disk-full"' in _front(repo / "runbooks" / "disk-full.md")
    # A team's pattern refuses it and asks for --id.
    (repo / "runbookc.toml").write_text(
        "[ids]\nrunbook = '^RB-[A-Z]+-[0-9]{4}$'\n", encoding="utf-8"
    )
    result = cli("new", "runbook", "Disk again")
    assert result.code == 2
    assert "`disk-again` does not match the runbook id pattern" in result.err
    assert "--id" in result.err and "ids] runbook" in result.err
    assert not (repo / "runbooks" / "disk-again.md").exists()
    assert cli("new", "runbook", "Disk again", "--id", "RB-DISK-0001").code == 0
    assert 'doc_id: "RB-DISK-0001"' in _front(repo / "runbooks" / "disk-again.md")
    assert cli("new", "runbook", "Other", "--id", "RB-DISK-0001").code == 2  # taken


@pytest.mark.parametrize("name", doctypes.names())
def test_every_type_has_a_template_and_an_example_id(name: str) -> None:
    doc_type = doctypes.TYPES[name]
    assert re.match(doc_type.id_pattern, doc_type.example_id)
    text = scaffold.render(name, doc_type.example_id, "T", "2026-01-01", "ALT-EXAMPLE-0001")
    assert f"type: {name}\n" in text


def test_a_type_without_a_template_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from runbookc.errors import UsageError

    extra = replace(doctypes.TYPES["slo"], name="postmortem", example_id="")
    monkeypatch.setitem(doctypes.TYPES, "postmortem", extra)
    with pytest.raises(UsageError, match="postmortem has no template"):
        scaffold.render("postmortem", "PM-X-0001", "T", "2026-01-01")
    settings = Settings(root=Path("/nonexistent"))
    assert [f.path.name for f in scaffold.examples(settings)] == list(FILES.values())
