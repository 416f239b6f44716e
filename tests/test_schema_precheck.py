"""The schema precheck accepts only front matter that jsonschema accepts, and accepts the
valid documents we have (else it would only cost time)."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from conftest import ROOT
from runbookc.load import load_bytes
from runbookc.model import DOC_TYPES
from runbookc.schema_precheck import compile_precheck
from runbookc.validate import precheck_for, validator_for


def _fronts(*folders: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.md")):
            document, _ = (
                load_bytes(path.read_bytes(), path.as_posix()) if path.is_file() else (None, [])
            )
            if document is not None and document.doc_type in DOC_TYPES:
                found.append((path.as_posix(), document.front.data))
    return found


def _valid(doc_type: str, data: Any) -> bool:
    return validator_for(doc_type).is_valid(data)


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_shipped_schema_has_a_precheck(doc_type: str) -> None:
    assert precheck_for(doc_type) is not None


def test_precheck_agrees_on_shipped_and_case_documents() -> None:
    fronts = _fronts("runbooks", "tests/cases")
    outcomes = set()
    for name, data in fronts:
        doc_type = data["type"]
        accepted = precheck_for(doc_type)(data)
        valid = _valid(doc_type, data)
        assert accepted == valid, name  # on these it is never unsure
        outcomes.add(valid)
    assert outcomes == {True, False}


# Ways to break (or not) one value: other types, near-miss strings and dates, duplicates.
_REPLACEMENTS: list[Any] = [
    None, True, False, 0, 1, -1, 1.0, 1.5, float("nan"), "", " ", "x", "X-1", "2026-02-30",
    "2026-2-3", "2026-02-03", "2026-02-03\n", "\u0661\u0662\u0663\u0664-01-01", "a" * 400,
    [], [1], [1, 1], [1, True], ["a", "a"], ["a"], [""], {}, {"x": 1}, "RB-A-0001",
    "RB-A-0001\n", "SRE", "draft", "active",
]  # fmt: skip


def _mutate(rng: random.Random, data: Any) -> Any:
    """`data` with one value somewhere replaced, removed or added."""
    if isinstance(data, dict) and data and rng.random() < 0.7:
        key = rng.choice(sorted(data))
        roll = rng.random()
        if roll < 0.15:
            return {k: v for k, v in data.items() if k != key}
        if roll < 0.25:
            return {**data, rng.choice(["extra", "tittle", key + "_x"]): rng.choice(_REPLACEMENTS)}
        return {**data, key: _mutate(rng, data[key])}
    if isinstance(data, list) and data and rng.random() < 0.6:
        index = rng.randrange(len(data))
        items = list(data)
        if rng.random() < 0.3:
            items.append(copy.deepcopy(items[index]))
        else:
            items[index] = _mutate(rng, items[index])
        return items
    return copy.deepcopy(rng.choice(_REPLACEMENTS))


def test_precheck_never_accepts_what_jsonschema_rejects() -> None:
    rng = random.Random(11)
    fronts = [data for _, data in _fronts("runbooks") if _valid(data["type"], data)]
    rejected = accepted = 0
    for _ in range(4000):
        base = rng.choice(fronts)
        data = base
        for _ in range(rng.randint(1, 3)):
            data = _mutate(rng, data)
        doc_type = base["type"]
        if precheck_for(doc_type)(data):
            assert _valid(doc_type, data), data
            accepted += 1
        else:
            rejected += not _valid(doc_type, data)
    assert accepted > 50 and rejected > 1000, (accepted, rejected)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "patternProperties": {"^x": {}}},
        {"anyOf": [{"type": "string"}]},
        {"format": "email"},
        {"items": [{"type": "string"}]},
        {"enum": [[1, 2]]},
    ],
)
def test_unhandled_keywords_get_no_precheck(schema: dict[str, Any]) -> None:
    assert compile_precheck(schema) is None
