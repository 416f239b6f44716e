"""`runbookc --version` and argument parsing stay cheap: the parser for one command's argv
builds that command only (none for `--version`), and the full parser imports every command
module, so none of them may import a stage or a heavy library at module level.
(Speed itself is measured by bench/run.py; this checks which modules get imported.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, subprocess_env
from runbookc.cli import COMMANDS, build_parser
from runbookc.lint.catalog import SECTIONS

HEAVY = (
    "yaml",
    "markdown_it",
    "jsonschema",
    "jinja2",
    "mkdocs",
    "tree_sitter",
    "tree_sitter_bash",
    "pymdownx",
    "shutil",
    "typing",
    "runbookc.engine.corpus",
    "runbookc.pipeline.load",
    "runbookc.pipeline.parse",
    "runbookc.pipeline.validate",
    "runbookc.pipeline.corpus",
)


def test_building_the_parser_imports_nothing_heavy() -> None:
    loaded = _loaded_after("from runbookc.cli import build_parser", "build_parser()")
    assert sorted(name for name in HEAVY if name in loaded) == []


def _loaded_after(*lines: str) -> set[str]:
    """The modules a fresh interpreter holds after running `lines`."""
    probe = "\n".join([*lines, "import json, sys", "print(json.dumps(sorted(sys.modules)))"])
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=subprocess_env(),
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_version_builds_no_command_and_a_command_only_itself() -> None:
    version = _loaded_after("from runbookc.cli import run", "run(['--version'])")
    assert not {name for name in version if name.startswith("runbookc.commands.")}
    rules = _loaded_after("from runbookc.cli import run", "run(['rules', '--format', 'json'])")
    assert {name for name in rules if name.startswith("runbookc.commands.")} == {
        "runbookc.commands.rules"
    }


@pytest.mark.parametrize("argv", [["rules"], ["rules", "RB305"], ["rules", "--format", "json"]])
def test_rules_reads_the_catalog_alone(argv: list[str]) -> None:
    """`runbookc rules` lists the rules and shows a rule's page from lint/catalog/: it
    imports no stage (no module that holds a check) and no heavy library but the two
    importlib.resources needs to read a rule's page (shutil, typing)."""
    loaded = _loaded_after("from runbookc.cli import run", f"run({argv!r})")
    ours = {name for name in loaded if name.startswith("runbookc.")}
    allowed = {"runbookc.lint", "runbookc.lint.catalog", "runbookc.lint.rule", "runbookc.cli"}
    allowed |= {section.__name__ for section in SECTIONS}  # the catalog's modules
    allowed |= {"runbookc.commands"}
    allowed |= {"runbookc.commands.rules", "runbookc.diagnostics", "runbookc.errors"}
    assert sorted(ours - allowed) == []
    heavy = set(HEAVY) - {"shutil", "typing"}
    assert sorted(heavy & loaded) == []


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_parsed_alone_has_every_option(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The parser built for one command's argv gives that command the help (so the options)
    of the parser built with every command."""
    helps = []
    for parser in (build_parser([name, "--help"]), build_parser()):
        with pytest.raises(SystemExit):
            parser.parse_args([name, "--help"])
        helps.append(capsys.readouterr().out)
    assert "--config" in helps[0]
    assert helps[0] == helps[1]


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    """`runbookc rules | head -1`: the pipe closes while rules still writes."""
    done = subprocess.run(
        f"{sys.executable} -m runbookc rules | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=False,
    )
    assert done.stdout.startswith("RB001")
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
