"""The rule catalog (lint/catalog/, a module per code range; the Rule class: lint/rule.py) is
the one place a rule is declared.

Every finding is made by calling a catalog rule (no module builds a Diagnostic or a Rule of
its own), so every code the compiler emits is in the catalog; each rule is imported by the
module its family names (or the modules of the package it names), and by no other. That
every rule has a docs page and cases is checked by tests/test_ruledocs.py and
tests/test_rule_cases.py, which run over the catalog.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.lint.catalog import BY_CODE, RULES, SECTIONS
from runbookc.lint.catalog.documents import NOT_UTF8
from runbookc.lint.policy import APPROVAL_CODES
from runbookc.lint.rule import ERROR, Family, Rule, declare_rule

PACKAGE = ROOT / "compiler" / "runbookc"
CATALOG_MODULE = "runbookc.lint.catalog"
# The table of rules and the Rule class whose call makes a finding.
CATALOG = {*(PACKAGE / "lint" / "catalog").glob("*.py"), PACKAGE / "lint" / "rule.py"}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p not in CATALOG)
RULE_NAMES = {
    name: value
    for section in SECTIONS
    for name, value in vars(section).items()
    if isinstance(value, Rule)
}


def _module(path: Path) -> str:
    """`lint/links.py` -> "lint.links", `pipeline/load/__init__.py` -> "pipeline.load", as a
    Family names it."""
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")


def _in_family(module: str, family: Family) -> bool:
    """Whether `module` is the family's module, or one inside the family's package."""
    return module == family.value or module.startswith(family.value + ".")


def _rules_used(tree: ast.Module) -> set[str]:
    """The catalog rules a module refers to: imported by name, or as `catalog.NAME`."""
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(CATALOG_MODULE):
            used |= {alias.name for alias in node.names if alias.name in RULE_NAMES}
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "catalog"
            and node.attr in RULE_NAMES
        ):
            used.add(node.attr)
    return used


def _made_here(tree: ast.Module) -> list[str]:
    """The calls in a module that build a Diagnostic or a Rule."""
    made = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in {"Diagnostic", "Rule", "declare_rule"}:
                made.append(f"{node.lineno} {name}(...)")
    return made


def _trees() -> dict[str, ast.Module]:
    return {_module(p): ast.parse(p.read_text("utf-8"), str(p)) for p in MODULES}


def test_every_rule_is_used_by_its_family_module_alone() -> None:
    users: dict[str, set[str]] = defaultdict(set)
    for module, tree in _trees().items():
        for name in _rules_used(tree):
            users[name].add(module)
    wrong = {
        f"{name} ({rule.code})": sorted(users[name])
        for name, rule in RULE_NAMES.items()
        if not users[name] or not all(_in_family(module, rule.family) for module in users[name])
    }
    assert wrong == {}, (
        "each rule must be imported by the module (or package) its family names, only"
    )


def test_only_the_catalog_makes_rules_and_findings() -> None:
    """Diagnostic and Rule are built in the catalog alone (the Rule class in lint/rule.py):
    a finding is a rule's call."""
    made = [f"{module}:{call}" for module, tree in _trees().items() for call in _made_here(tree)]
    assert made == []


def test_the_scans_see_a_stray_finding() -> None:
    """The scans above catch a module that builds its own finding or uses the rules of
    another family, written either way."""
    stray = ast.parse(
        "from runbookc.lint.catalog.references import BROKEN_LINK\n"
        "from runbookc.lint import catalog\n"
        "x = catalog.STALE\n"
        "d = Diagnostic('RB999', 'error', 'a.md', 1, 1, 'm')\n"
    )
    assert _rules_used(stray) == {"BROKEN_LINK", "STALE"}
    assert _made_here(stray) == ["4 Diagnostic(...)"]


def test_every_family_names_a_module_of_the_package() -> None:
    modules = {_module(p) for p in MODULES}
    assert {family.value for family in Family} <= modules
    assert {rule.family for rule in RULES} == set(Family)


def test_codes_and_names_are_unique_and_well_formed() -> None:
    assert [r.code for r in RULES] == sorted(BY_CODE)
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert re.fullmatch(r"RB\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.summary and rule.summary == rule.summary.strip(), rule.code


def test_a_code_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="RB001 declared twice"):
        declare_rule("RB001", "again", ERROR, "x", Family.LOAD)
    assert BY_CODE["RB001"] is NOT_UTF8


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _module(p))
def test_every_code_the_package_names_is_in_the_catalog(path: Path) -> None:
    """A code written in the package's source (a policy set, a docstring, a message)."""
    named = set(re.findall(r"\bRB\d{3}\b", path.read_text("utf-8")))
    assert named - set(BY_CODE) == set()


def test_approval_codes_are_the_approvals_family() -> None:
    expected = {"RB301", "RB302", "RB303", "RB304", "RB305", "RB306", "RB308", "RB309"}
    assert expected == APPROVAL_CODES
