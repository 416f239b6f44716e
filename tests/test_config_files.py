"""Settings files: runbookc.toml, .runbookc.toml or [tool.runbookc] in pyproject.toml, the
nearest at or above the working dir; unknown keys and wrong types are usage errors at
their line; without any file, defaults that work from any folder of a repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.config import ConfigError, load_settings

DOCS = ROOT / "tests" / "cases" / "rules" / "RB201" / "pass" / "ops"  # two clean documents

FORMS = {
    "runbookc.toml": "{body}",
    ".runbookc.toml": "{body}",
    "pyproject.toml": '[project]\nname = "x"\n\n[tool.runbookc]\n{body}',
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with two documents under docs/ops/ and no settings file yet."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(DOCS, tmp_path / "docs" / "ops")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("name", FORMS)
def test_a_settings_file_is_found_from_a_subdirectory(
    repo: Path, name: str, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / name).write_text(FORMS[name].format(body='source = "docs"\n'))
    deeper = repo / "docs" / "ops" / "deeper"
    deeper.mkdir()
    settings = load_settings(cwd=deeper)
    assert (settings.root, settings.source, settings.file) == (repo, "docs", repo / name)
    monkeypatch.chdir(deeper)
    result = cli("lint")
    assert (result.code, result.out.strip()) == (0, "2 documents, 0 errors, 0 warnings")
    assert (repo / "build" / "cache").is_dir() and not (deeper / "build").exists()
    assert cli("lint", "--config", str(repo / name)).code == 0


def test_the_nearest_file_wins_and_a_pyproject_without_the_table_is_skipped(repo: Path) -> None:
    (repo / "runbookc.toml").write_text('source = "docs"\n')
    inner = repo / "docs"
    (inner / "pyproject.toml").write_text('[project]\nname = "docs"\n')  # not a settings file
    assert load_settings(cwd=inner / "ops").file == repo / "runbookc.toml"
    (inner / ".runbookc.toml").write_text('source = "ops"\n')
    settings = load_settings(cwd=inner / "ops")
    assert (settings.file, settings.source_dir) == (inner / ".runbookc.toml", inner / "ops")


def test_two_settings_files_in_one_folder_are_refused(repo: Path, cli) -> None:
    (repo / "runbookc.toml").write_text('source = "docs"\n')
    (repo / "pyproject.toml").write_text('[tool.runbookc]\nsource = "docs"\n')
    result = cli("lint")
    assert result.code == 2
    assert "two settings files" in result.err and "keep one" in result.err


@pytest.mark.parametrize("name", FORMS)
@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ('sorce = "docs"\n', 1, "unknown setting 'sorce' (did you mean 'source'?)"),
        (
            'source = "docs"\n\n[{t}scripts]\nstubs = ["kubectl"]\n',
            4,
            "unknown setting 'scripts.stubs' (did you mean 'scripts.stub'?)",
        ),
        (
            'source = "docs"\nsections = {diagnostic = ["Triage"]}\n',
            2,
            "unknown setting 'sections.diagnostic' (did you mean 'sections.diagnostics'?)",
        ),
        ('source = "docs"\n[{t}frobnicate]\nx = 1\n', 2, "unknown setting 'frobnicate' (see"),
        ('source = "docs"\nlanguage = 3\n', 2, "setting 'language' must be a string, not an"),
        ('exclude = "README.md"\n', 1, "setting 'exclude' must be a list of strings, not a"),
    ],
)
def test_unknown_keys_and_wrong_types_are_usage_errors_at_their_line(
    repo: Path, cli, name: str, body: str, line: int, message: str
) -> None:
    table = "tool.runbookc." if name == "pyproject.toml" else ""  # a table header's prefix
    text = FORMS[name].format(body=body.replace("{t}", table))
    (repo / name).write_text(text)
    offset = FORMS[name].split("{body}")[0].count("\n")  # pyproject's lines before
    result = cli("lint")
    assert result.code == 2
    assert result.err.startswith(f"runbookc: error: {repo / name}:{line + offset}: {message}")
    assert "Traceback" not in result.err and result.out == ""


def test_every_command_checks_the_settings(repo: Path, cli) -> None:
    (repo / "runbookc.toml").write_text('sorce = "docs"\n')
    for argv in (["build"], ["extract"], ["test"], ["serve"], ["approve", "x.md"]):
        extra = ["--role", "Owner", "--by", "x"] if argv[0] == "approve" else []
        result = cli(*argv, *extra)
        assert (argv[0], result.code) == (argv[0], 2)
        assert "unknown setting 'sorce'" in result.err


@pytest.mark.parametrize(
    ("text", "name", "line"),
    [
        ('a = 1\n[tool.runbookc]\nsource = "x"\n', "source", 3),
        ("[tool.runbookc.approvals]\napprovers = { Owner = [] }\n", "approvals.approvers.Owner", 2),
        ('[tool.runbookc]\nscripts.stub = ["x"]\n', "scripts.stub", 2),
        ('[tool.runbookc]\n"scripts" . "stub" = ["x"]\n', "scripts.stub", 2),
        ('[tool.runbookc]\nissue_url = """\nsorce = 1\n"""\nsorce = 2\n', "sorce", 5),
        ("[tool.runbookc]\n\n[[tool.runbookc.x]]\ny = 1\n", "x.y", 4),
        ("[tool.other]\nsource = 1\n", "source", 1),
    ],
)
def test_key_lines(text: str, name: str, line: int) -> None:
    from runbookc.config import key_line

    assert key_line(text, ("tool", "runbookc"), name) == line


def test_language_defaults_to_english_and_this_repository_sets_russian(repo: Path) -> None:
    (repo / "runbookc.toml").write_text('source = "docs"\n')
    assert load_settings().language == "en"
    assert load_settings(str(ROOT / "pyproject.toml")).language == "ru"


def test_without_a_settings_file_a_subdirectory_is_its_own_source(
    repo: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No settings file anywhere: the sources are the working dir's runbooks/, else the
    working dir; the root (so the output and lint's cache) is the top of the repository,
    never the folder the command runs in, and no `runbooks/runbooks` is looked for."""
    (repo / "team" / "runbooks").mkdir(parents=True)
    for cwd, source in ((repo / "docs", "docs"), (repo / "team", "team/runbooks")):
        settings = load_settings(cwd=cwd)
        assert (settings.root, settings.source, settings.file) == (repo, source, None)
    monkeypatch.chdir(repo / "docs")
    result = cli("lint")
    assert (result.code, result.out.strip()) == (0, "2 documents, 0 errors, 0 warnings")
    assert (repo / "build" / "cache").is_dir()
    assert sorted(p.name for p in (repo / "docs").iterdir()) == ["ops"]


def test_from_a_subdirectory_of_a_configured_repository(repo: Path, cli, monkeypatch) -> None:
    (repo / "runbookc.toml").write_text('source = "docs"\n')
    monkeypatch.chdir(repo / "docs" / "ops")
    result = cli("lint")
    assert (result.code, result.out.strip()) == (0, "2 documents, 0 errors, 0 warnings")
    assert (repo / "build" / "cache").is_dir()
    assert sorted(p.name for p in (repo / "docs" / "ops").iterdir()) == ["a.md", "b.md"]


def test_a_settings_file_that_is_not_toml_is_a_usage_error(repo: Path, cli) -> None:
    (repo / ".runbookc.toml").write_text("source = \n")
    result = cli("lint")
    assert result.code == 2 and "cannot read settings" in result.err
    with pytest.raises(ConfigError):
        load_settings()


@pytest.mark.parametrize(
    "body",
    [
        'source = "docs\\n::error::forged"\n',  # quoted in the message as written
        'issue_url = "x\\n::error::forged \\u001b[2J"\n',  # quoted by repr
    ],
)
def test_a_setting_cannot_print_a_line_of_its_choosing(repo: Path, cli, body: str) -> None:
    """A settings value is repository content: a newline in it must not start a line of the
    error message (a CI log runs `::error::` lines as commands), nor reach it raw."""
    (repo / "runbookc.toml").write_text(body, encoding="utf-8")
    result = cli("lint")
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("runbookc: error: ")
    assert "\x1b" not in result.err
