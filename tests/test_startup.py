"""`runbookc --version` and argument parsing stay cheap: building the parser imports every
command module, so none of them may import a stage or a heavy library at module level.
(Speed itself is measured by bench/run.py; this checks which modules get imported.)"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, subprocess_env

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
    "runbookc.corpus",
    "runbookc.load",
    "runbookc.parse",
    "runbookc.validate",
    "runbookc.pipeline",
)

PROBE = """
import json, sys
from runbookc.cli import build_parser
build_parser()
print(json.dumps(sorted(sys.modules)))
"""


def test_building_the_parser_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env=subprocess_env(),
    )
    loaded = set(json.loads(done.stdout))
    assert sorted(name for name in HEAVY if name in loaded) == []
