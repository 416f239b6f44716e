"""Reporters: golden output of every format on one shared input, and the CLI's contract
(json shape, --strict, exit codes 0/1/2).

The shared input is the fixture corpus tests/golden/report/: an error with and without a
hint, a warning (a BOM), a file-level diagnostic with no line (the broken symlink gone.md),
a path that needs escaping ("odd, name.md") and a clean file. Its diagnostics come from the
load and validate stages only, so rules added later do not change the golden files.
Regenerate with RUNBOOKC_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.commands.wiring import PER_DOCUMENT
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.engine.corpus import compile_corpus
from runbookc.lint.catalog import BY_CODE
from runbookc.pipeline.discover import discover
from runbookc.report import FORMATS, Summary, render

GOLDEN = ROOT / "tests" / "golden"
EXTENSIONS = {"text": "txt", "json": "json", "github": "github", "sarif": "sarif"}
UPDATE = os.environ.get("RUNBOOKC_UPDATE_GOLDEN") == "1"


def _shared_report(fmt: str, root: Path) -> str:
    """The report on tests/golden/report, linted in `root` (the project's copy)."""
    files = discover(["tests/golden/report"], root).files
    # unknown keys as errors, as the golden files were made (the default is a warning)
    settings = Settings(root=root, raw={"unknown_keys": "error"})
    corpus = compile_corpus(files, PER_DOCUMENT, settings, use_cache=False)
    found = [d for s in corpus.summaries for d in s.diagnostics]
    return render(fmt, found, Summary.of(len(corpus.results), found))


def test_every_format_has_a_golden_file() -> None:
    assert set(EXTENSIONS) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_matches_golden(fmt: str, in_root: Path) -> None:
    golden = GOLDEN / f"report.{EXTENSIONS[fmt]}"
    actual = _shared_report(fmt, in_root)
    if UPDATE:
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_shared_input_covers_error_warning_and_lineless() -> None:
    report = json.loads((GOLDEN / "report.json").read_text("utf-8"))
    severities = {d["severity"] for d in report["diagnostics"]}
    assert {"error", "warning"} <= severities
    assert any(d["line"] is None for d in report["diagnostics"])
    assert any(d["hint"] is None for d in report["diagnostics"])
    assert any(d["hint"] for d in report["diagnostics"])


def test_json_shape_is_the_contract(in_root: Path) -> None:
    report = json.loads(_shared_report("json", in_root))
    assert set(report) == {"diagnostics", "summary"}
    keys = {"code", "severity", "path", "line", "column", "message", "hint"}
    assert all(set(d) == keys for d in report["diagnostics"])
    assert set(report["summary"]) == {"documents", "errors", "warnings"}
    assert report["summary"]["documents"] == 6
    assert all(
        isinstance(d["line"], int) and d["line"] >= 1
        for d in report["diagnostics"]
        if d["line"] is not None
    )


def test_sarif_has_the_required_structure(in_root: Path) -> None:
    # No SARIF 2.1.0 schema file ships in an installed package here, so the properties
    # that the schema requires and code scanning reads are checked one by one.
    log = json.loads(_shared_report("sarif", in_root))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "runbookc"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] == BY_CODE[rule["id"]].summary
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    assert run["results"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note", "none"}
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"].startswith("tests/golden/report/")
        assert " " not in physical["artifactLocation"]["uri"]
        region = physical.get("region")
        if region is not None:
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert any("region" not in r["locations"][0]["physicalLocation"] for r in run["results"])


def test_github_annotations_escape_properties(in_root: Path) -> None:
    lines = _shared_report("github", in_root).splitlines()
    odd = [line for line in lines if "odd" in line]
    assert odd == [
        "::error file=tests/golden/report/odd%2C name.md,line=5,col=9,title=RB101::"
        "`status`: 'actve' is not allowed%0Adid you mean `active`?"
    ]
    assert "::error file=tests/golden/report/gone.md,title=RB012::" in "\n".join(lines)


def _bom_plan(tmp_path: Path) -> Path:
    plan = (ROOT / "tests" / "golden" / "report" / "bom.md").read_bytes()
    target = tmp_path / "bom.md"
    target.write_bytes(plan)
    return target


def test_strict_turns_warnings_into_errors(tmp_path, cli) -> None:
    target = str(_bom_plan(tmp_path))
    plain = cli("lint", target, "--format", "json")
    strict = cli("lint", target, "--format", "json", "--strict")
    plain_diags = plain.json()["diagnostics"]
    strict_diags = strict.json()["diagnostics"]
    assert plain.code == 0
    assert ("RB003", "warning") in [(d["code"], d["severity"]) for d in plain_diags]
    assert {d["severity"] for d in plain_diags} == {"warning"}
    assert strict.code == 1
    # The same findings, every warning now an error.
    assert [(d["code"], "error") for d in plain_diags] == [
        (d["code"], d["severity"]) for d in strict_diags
    ]
    assert strict.json()["summary"]["errors"] == len(plain_diags)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_prints_each_format(fmt: str, cli, in_root) -> None:
    result = cli("lint", "tests/golden/report", "--format", fmt)
    assert result.code == 1
    assert result.err == ""
    golden_lines = (GOLDEN / f"report.{EXTENSIONS[fmt]}").read_text("utf-8")
    if fmt in ("text", "github"):
        # later rules may add lines; every golden finding must still be there
        assert set(golden_lines.splitlines()[:-1]) <= set(result.out.splitlines())
    else:
        assert json.loads(result.out)  # a single, valid JSON document


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["lint", "--format", "xml"], "invalid choice: 'xml'"),
        (["lint", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["schema", "policy"], "invalid choice: 'policy'"),
        (["no-such-command"], "invalid choice: 'no-such-command'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, cli, in_root) -> None:
    result = cli(*argv)
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def test_clean_input_exits_0(cli, in_root) -> None:
    result = cli("lint", "tests/golden/report/valid.md", "--format", "json")
    assert [d for d in result.json()["diagnostics"] if d["severity"] == "error"] == []
    assert result.code == 0


# Text from the input cannot forge report lines: a newline, a carriage return, an ANSI
# sequence or a Unicode line separator in a path, message or hint is printed escaped.
FORGED = "\n0 documents, 0 errors, 0 warnings\r\x1b[2K\u2028\u202e"
SUMMARY = re.compile(r"\d+ documents?, \d+ errors?, \d+ warnings?")


def _forged_diagnostics() -> list[Diagnostic]:
    rule = BY_CODE["RB004"]
    return [
        rule(f"runbooks/x{FORGED}.md", 3, f"broken link `docs/{FORGED}`", hint=f"fix{FORGED}"),
        rule(f"runbooks/y{FORGED}.md", None, "no line\x00\x7f\x9b\u2066"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_from_the_input_cannot_forge_report_lines(fmt: str) -> None:
    diagnostics = _forged_diagnostics()
    text = render(fmt, diagnostics, Summary.of(2, diagnostics))
    lines = text.split("\n")
    assert lines[-1] == ""  # ends with one newline
    if fmt in ("json", "sarif"):
        parsed = json.loads(text)
        found = parsed["diagnostics"] if fmt == "json" else parsed["runs"][0]["results"]
        assert len(found) == 2
        return
    assert lines[-2] == "2 documents, 2 errors, 0 warnings"
    # Only real line breaks split the report, and no other line looks like a summary.
    assert text.splitlines() == lines[:-1]
    assert [line for line in lines if SUMMARY.fullmatch(line)] == [lines[-2]]
    assert not re.search(
        "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]", text[:-1].replace("\n", "")
    )
    if fmt == "text":
        assert len(lines) == 2 + 1 + 1 + 1  # two findings, one hint, the summary, ""
        assert "\\n0 documents, 0 errors, 0 warnings\\r\\x1b[2K\\u2028\\u202e" in lines[0]


def test_a_file_name_cannot_forge_the_summary(tmp_path: Path, cli) -> None:
    (tmp_path / f"x{FORGED}.md").write_text("no front matter\n", encoding="utf-8")
    result = cli("lint", str(tmp_path))
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[-1] == "1 document, 1 error, 0 warnings"
    assert len(lines) == 3 and "RB004" in lines[0] and lines[1].startswith("    hint: ")
    assert [line for line in lines if SUMMARY.fullmatch(line)] == [lines[-1]]
