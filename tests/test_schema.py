"""The shipped JSON Schemas: valid draft 2020-12, printed by `runbookc schema`, accepting
the shipped corpus and the seed's front matter exactly."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, SEED
from jsonschema import Draft202012Validator, FormatChecker
from runbookc.doctypes import names
from runbookc.pipeline.load import load_file

SCHEMA_DIR = ROOT / "compiler" / "runbookc" / "schema"
SHARED_KEYS = (
    "title",
    "status",
    "owner_role",
    "created_at",
    "updated_at",
    "related_issues",
    "approvals",
    "tags",
    "lint",
)
PREFIXES = {"runbook": "RB", "alert": "ALD", "slo": "SLO", "rollback_plan": "RP"}


def _printed_schema(cli, doc_type: str) -> dict:
    result = cli("schema", doc_type)
    assert result.code == 0
    return json.loads(result.out)


def test_one_schema_file_per_type() -> None:
    assert sorted(p.stem for p in SCHEMA_DIR.glob("*.json")) == sorted(names())


@pytest.mark.parametrize("doc_type", names())
def test_printed_schema_is_valid_draft_2020_12(doc_type: str, cli) -> None:
    schema = _printed_schema(cli, doc_type)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["type"] == {"const": doc_type}
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("doc_type", names())
def test_doc_id_pattern_is_strict(doc_type: str, cli) -> None:
    pattern = _printed_schema(cli, doc_type)["properties"]["doc_id"]["pattern"]
    prefix = PREFIXES[doc_type]
    assert re.search(pattern, f"{prefix}-CK8S-AISLOT-BUILD-0001")
    others = [f"{p}-CK8S-AISLOT-BUILD-0001" for p in PREFIXES.values() if p != prefix]
    bad = [
        *others,
        f"{prefix}-CK8S-0001\n",
        f"{prefix}-../../etc-0001",
        f"{prefix}-ck8s-0001",
        f"{prefix}-CK8S-001",
        f"{prefix}-CK8S/BUILD-0001",
        f" {prefix}-CK8S-0001",
    ]
    assert [value for value in bad if re.search(pattern, value)] == []


def test_common_keys_are_the_same_in_every_schema(cli) -> None:
    schemas = {t: _printed_schema(cli, t) for t in names()}
    reference = schemas["runbook"]["properties"]
    for doc_type, schema in schemas.items():
        for key in SHARED_KEYS:
            assert schema["properties"][key] == reference[key], (doc_type, key)


def _patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return own + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


@pytest.mark.parametrize("doc_type", names())
def test_no_pattern_lets_a_trailing_newline_through(doc_type: str, cli) -> None:
    # Python's `$` also matches before a final newline; each pattern forbids one.
    patterns = _patterns(_printed_schema(cli, doc_type))
    assert patterns
    assert [p for p in patterns if not p.endswith("$(?!\\n)")] == []


def _front(path) -> dict:
    document, diags = load_file(path, path.name)
    assert document is not None, diags
    return document.front.data


@pytest.mark.parametrize("path", sorted((ROOT / "runbooks").rglob("*.md")), ids=lambda p: p.name)
def test_shipped_document_matches_its_printed_schema(path, cli) -> None:
    data = _front(path)
    schema = _printed_schema(cli, data["type"])
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    assert [e.message for e in validator.iter_errors(data)] == []


def test_runbook_schema_accepts_the_seed_front_matter_exactly(cli) -> None:
    data = _front(SEED)
    schema = _printed_schema(cli, "runbook")
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    assert list(validator.iter_errors(data)) == []
    assert data == {
        "doc_id": "RB-CK8S-AISLOT-BUILD-0001",
        "type": "runbook",
        "title": "AI Slot Build Runbook: cache/MANIFEST_UNKNOWN и codegen-check build-ref errors",
        "status": "active",
        "owner_role": "SRE",
        "created_at": "2026-02-26",
        "updated_at": "2026-02-26",
        "related_issues": [205],
        "related_alerts": ["ALT-CK8S-AISLOT-BUILD-0001"],
        "approvals": {
            "required": ["Owner"],
            "status": "pending",
            "request_id": "issue-205-ai-repair",
        },
    }
    # and removing or misspelling any key the seed uses is noticed
    for key in data:
        broken = {("x" + k if k == key else k): v for k, v in data.items()}
        assert not validator.is_valid(broken), key


def test_schema_list_and_missing_type(cli) -> None:
    listed = cli("schema", "--list")
    assert (listed.code, listed.out.split()) == (0, list(names()))
    missing = cli("schema")
    assert missing.code == 2
    assert "give a document type" in missing.err


@pytest.mark.parametrize("doc_type", [*names(), None])
def test_validators_check_ids_without_a_reference_look_up_and_report_the_same(doc_type) -> None:
    """A `$ref` to the schema's own `$defs` is inlined where it stood (jsonschema looked
    each up at every id it checked): the errors are those of the schema as written."""
    from pathlib import Path

    from runbookc import doctypes
    from runbookc.config import Settings
    from runbookc.pipeline import validate

    settings = Settings(Path.cwd())
    validator = validate.validator_for(doc_type, settings)
    if doc_type is None:
        written = validate._shared(tuple(t.schema for t in doctypes.TYPES.values()))
    else:
        written = json.loads(validate.schema_text(doc_type, settings))
    assert "$ref" in json.dumps(written) and "$ref" not in json.dumps(validator.schema)
    as_written = Draft202012Validator(written, format_checker=FormatChecker())
    front = {
        "doc_id": "bad id\n",
        "alerts": [{"id": "", "runbooks": ["x\x01"]}],
        "related_alerts": ["a\x01", 3, "ok"],
        "runbooks": ["", "b"],
    }

    def errors(checker: Draft202012Validator) -> list[tuple]:
        found = checker.iter_errors(front)
        # what validate reads of an error: where, which keyword, and the id mark of its node
        return [
            (tuple(e.absolute_path), e.validator, e.message, e.schema.get("x-runbookc-id"))
            for e in found
        ]

    assert errors(validator) == errors(as_written)
    assert len(errors(validator)) >= 3


@pytest.mark.parametrize("doc_type", names())
def test_an_approval_request_id_is_one_line(doc_type: str, cli) -> None:
    """It is shown in the scripts' banners and prompts: a newline in it has no place there."""
    schema = _printed_schema(cli, doc_type)["properties"]["approvals"]["properties"]
    check = Draft202012Validator(schema["request_id"]).is_valid
    assert check("CHG-1234") and check("issue #12 (платформа)")
    assert not check("CHG-1\necho x") and not check("CHG-1\n") and not check("a\x1b[8m")
