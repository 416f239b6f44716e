"""The quick schema check (runbookc.pipeline.schema_check) never passes what jsonschema rejects.

Valid front matter of every type (the positive cases and the shipped runbooks) is mutated at
random paths, with values near each keyword's edge; whenever the quick check passes one,
jsonschema must find no error in it. Both outcomes must occur, and valid documents must pass
the quick check (or it would spare nothing).
"""

from __future__ import annotations

import copy
import random
import subprocess
import sys
from typing import Any

import pytest
from conftest import ROOT, subprocess_env
from runbookc.doctypes import names
from runbookc.pipeline.load import load_file
from runbookc.pipeline.schema_check import compile_check
from runbookc.pipeline.validate import quick_check_for, validator_for

SOURCES = sorted((ROOT / "tests" / "cases" / "positive").glob("*.md"))
SOURCES += sorted((ROOT / "runbooks").rglob("*.md"))

# Values near the edges: types jsonschema reads differently from Python (bool/int, 1.0),
# bad and good dates, empty, long and multi-line strings, lists with duplicates.
EDGE_VALUES: list[Any] = [
    *("", "x", "a" * 65, "a" * 301, "Owner", "SRE", "SRE\n", "2026-02-26", "2026-02-30"),
    *("2026-02-26\n", "0000-01-01", "2026-13-01", "\u0662\u0660\u0662\u0666-02-26", " 2026-02-26"),
    *("20260226", "2026-2-26", "RB-CK8S-TEST-0001", "RB-CK8S-TEST-0001\n", "active", "Active"),
    *(0, 1, -1, 100, 101, 99.9, 1.0, 0.5, float("nan"), True, False, None),
    *([], [1, 1], [1, True], [1, 1.0], ["a", "a"], ["a", "b"], [1, 2], [{}], [{"role": "x"}]),
    *({}, {"role": "x"}, {"role": 1}, {"required": ["Owner"], "status": "pending"}),
]


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _mutate(data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_paths(data)[1:])
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        choice = rng.random()
        if choice < 0.15 and isinstance(parent, dict):
            del parent[last]
        elif choice < 0.3 and isinstance(parent, dict):
            parent[rng.choice(["extra", "Title", f"{last}s"])] = rng.choice(EDGE_VALUES)
        elif choice < 0.4 and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
        else:
            parent[last] = copy.deepcopy(rng.choice(EDGE_VALUES))
        if not _paths(data)[1:]:
            break
    return data


def _valid_front_matters() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for source in SOURCES:
        document, _ = load_file(source, source.name)
        assert document is not None, source
        found.append((document.front.data["type"], document.front.data))
    return found


@pytest.mark.parametrize("doc_type", names())
def test_every_shipped_schema_has_a_quick_check(doc_type: str) -> None:
    assert quick_check_for(doc_type) is not None


def test_valid_documents_pass_the_quick_check() -> None:
    valid = _valid_front_matters()
    assert {doc_type for doc_type, _ in valid} == set(names())
    for doc_type, data in valid:
        assert list(validator_for(doc_type).iter_errors(data)) == []
        assert quick_check_for(doc_type)(data)


def test_quick_check_passes_nothing_jsonschema_rejects() -> None:
    rng = random.Random(11)
    valid = _valid_front_matters()
    passed = rejected = 0
    for _ in range(3_000):
        doc_type, data = rng.choice(valid)
        mutated = _mutate(data, rng)
        if quick_check_for(doc_type)(mutated):
            assert list(validator_for(doc_type).iter_errors(mutated)) == [], mutated
            passed += 1
        else:
            rejected += 1
    assert passed > 100 and rejected > 1_000  # both sides of the test were exercised


# One schema per keyword (and the combinations the shipped schemas use), each tried on every
# edge value: the quick check must agree with jsonschema wherever it passes a value.
KEYWORD_SCHEMAS: list[dict[str, Any]] = [
    *({"type": name} for name in ("object", "array", "string", "integer", "number", "boolean")),
    {"type": "null"},
    {"type": ["string", "integer"]},
    {"enum": ["a", "x", 1, True, None, 1.5]},
    {"const": 1},
    {"const": True},
    {"uniqueItems": True},
    {"minimum": 1},
    {"exclusiveMinimum": 0, "maximum": 100},
    {"exclusiveMaximum": 1},
    {"minLength": 1, "maxLength": 3},
    {"pattern": "^[A-Za-z]+$(?!\\n)"},
    {"format": "date"},
    {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
    {"type": "object", "required": ["role"], "properties": {"role": {"type": "string"}}},
    {"properties": {"role": {"const": "x"}}, "additionalProperties": False},
    {"properties": {"a": {}}, "additionalProperties": {"type": "string"}},
]


@pytest.mark.parametrize("schema", KEYWORD_SCHEMAS, ids=repr)
def test_each_keyword_passes_only_what_jsonschema_accepts(schema: dict[str, Any]) -> None:
    validator = validator_for("runbook").evolve(schema=schema)
    quick = compile_check(schema)
    assert quick is not None
    outcomes = set()
    for value in EDGE_VALUES:
        if quick(value):
            assert validator.is_valid(value), value
        outcomes.add(quick(value))
    assert outcomes == {True, False}


def test_a_keyword_it_does_not_model_leaves_the_schema_to_jsonschema() -> None:
    assert compile_check({"type": "object", "properties": {"a": {"$ref": "#/x"}}}) is None
    assert compile_check({"type": "object", "patternProperties": {}}) is None
    assert compile_check({"type": "string", "format": "email"}) is None
    assert compile_check({"type": "object", "description": "x"}) is not None


def test_the_date_format_agrees_with_jsonschema_on_every_edge_value() -> None:
    from jsonschema import FormatChecker

    conforms = FormatChecker().conforms
    quick = compile_check({"format": "date"})
    assert quick is not None
    assert [quick(v) for v in EDGE_VALUES] == [conforms(v, "date") for v in EDGE_VALUES]


def test_a_valid_runbook_is_validated_without_importing_jsonschema() -> None:
    """The quick check exists to spare valid documents jsonschema; importing it alone costs
    more than validating a thousand of them."""
    script = (
        "import sys\n"
        "from runbookc.pipeline.load import load_file\n"
        "from runbookc.pipeline.validate import validate\n"
        "from pathlib import Path\n"
        "document, _ = load_file(Path(sys.argv[1]), 'seed.md')\n"
        "assert validate(document) == [], validate(document)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'jsonschema'))\n"
    )
    seed = ROOT / "runbooks" / "ops" / "ai_slot_build_runbook.md"
    done = subprocess.run(
        [sys.executable, "-c", script, str(seed)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        check=True,
    )
    assert done.stdout.strip() == "[]"
