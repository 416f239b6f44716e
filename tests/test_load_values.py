"""The front matter value the loader builds from the YAML events is the value PyYAML itself
composes and constructs with the same loader: every shipped and positive case document, and
fragments with every scalar type, tag, style and nesting front matter may use."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT
from runbookc.pipeline.load import load_bytes, yaml_values

SOURCES = [
    *sorted((ROOT / "runbooks").rglob("*.md")),
    *sorted((ROOT / "tests" / "cases" / "positive").glob("*.md")),
]

FRAGMENTS = [
    "a: 1\nb: -2\nc: 0x1F\nd: 0o17\ne: 1_000\nf: +12",
    "a: 1.5\nb: .inf\nc: -.Inf\nd: 1e3\ne: .nan",
    "a: yes\nb: No\nc: true\nd: off\ne: ~\nf: null\ng:",
    "a: 2026-02-26\nb: 2026-02-30 10:00:00\nc: =\nd: <<",
    "a: '1'\nb: \"2\"\nc: !!str 3\nd: ! 4\ne: !!int '5'\nf: !!float 6\ng: !!bool true",
    'a: |\n  line\n  next\nb: >\n  folded\n  text\nc: "esc\\x3c\\n"',
    "a: [1, two, {c: d}]\nb: {x: [y, z], w: {}}\nc: []",
    "a:\n  - b\n  - c: d\n    e:\n      - 1\n      - [2, 3]\n  -\n  - - nested",
    "\"Quoted Key\": 1\n'Single': 2\n? Explicit\n: 3",
    'é: ü\nключ: значение\nemoji: "\\U0001F600"',
    "%YAML 1.1\n--- {a: 1, b: [2]}",
    # one text plain and quoted: tags are resolved once per (text, implicit) and reused
    "a: 1\nb: '1'\nc: \"1\"\nd: 1\ne: true\nf: 'true'\ng: [1, '1', true]",
]


def _expected(source: str) -> object:
    return yaml.load(source, Loader=yaml_values.Loader)  # the loader the builder resolves with


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_documents_value_is_pyyaml_value(path) -> None:
    document, _ = load_bytes(path.read_bytes(), path.name)
    assert document is not None
    text = document.text.split("\n")
    source = "\n".join(text[1 : document.front.end_line - 1])
    assert document.front.data == _expected(source)


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_fragment_value_is_pyyaml_value(fragment: str) -> None:
    document, diags = load_bytes(f"---\n{fragment}\n---\nbody\n".encode(), "x.md")
    assert document is not None, diags
    expected = _expected(fragment)
    assert repr(document.front.data) == repr(expected)  # repr: nan != nan, 1 == 1.0 == True
