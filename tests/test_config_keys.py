"""The registry of settings keys: every key the code reads is declared (so a settings file
is checked against all of them), and `runbookc config` prints all of them as a settings
file that changes nothing."""

from __future__ import annotations

import ast
import shutil
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_shipped_project
from runbookc.approvals import state
from runbookc.commands import settings as command_settings
from runbookc.config_keys import Kind
from runbookc.scripts import settings as script_settings

PACKAGE = ROOT / "compiler" / "runbookc"


def test_every_module_that_declares_keys_is_imported_before_a_check() -> None:
    declaring = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
        if any(isinstance(c.func, ast.Name) and c.func.id == "declare" for c in calls):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            declaring.add(".".join(parts))
    assert sorted(declaring) == sorted(command_settings.DECLARING)


def test_the_reference_names_every_key_and_is_a_settings_file_that_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    reference = cli("config")
    assert reference.code == 0
    data = tomllib.loads(reference.out)
    for name, key in command_settings.registry().items():
        table, _, short = name.rpartition(".")
        holder = data.get(table, {}) if table else data
        if key.kind is Kind.TABLE:
            assert f"[{name}]" in reference.out.splitlines()
        elif key.default is None:
            assert f"# {short} = (unset)" in reference.out.splitlines(), name
        else:
            assert short in holder, name
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "runbookc.toml").write_text(
        'source = "runbooks"\npaths = {"docs/ops/" = "ops/"}\n', encoding="utf-8"
    )
    plain = cli("lint", "--format", "json", "--no-cache")
    every = reference.out.replace("paths = {}", 'paths = {"docs/ops/" = "ops/"}')
    (tmp_path / "runbookc.toml").write_text(every, encoding="utf-8")
    assert cli("lint", "--format", "json", "--no-cache").out == plain.out
    assert plain.json()["summary"]["documents"] == 6


class _Recording(dict):  # type: ignore[type-arg]
    """A settings table that notes the dotted name of every key the code asks for."""

    def __init__(self, data: dict[str, Any], seen: set[str], prefix: str = "") -> None:
        super().__init__(
            {
                k: _Recording(v, seen, f"{prefix}{k}.") if isinstance(v, dict) else v
                for k, v in data.items()
            }
        )
        self.seen, self.prefix = seen, prefix

    def get(self, key: str, default: Any = None) -> Any:
        self.seen.add(self.prefix + key)
        value = super().get(key, default)
        if isinstance(value, dict) and not isinstance(value, _Recording):  # an absent table
            return _Recording(value, self.seen, f"{self.prefix}{key}.")
        return value

    def __getitem__(self, key: str) -> Any:
        self.seen.add(self.prefix + key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(self.prefix + str(key))
        return super().__contains__(key)


def test_every_key_the_code_reads_is_registered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    """lint, extract and build of the shipped corpus with this repository's settings: the
    name of every key read (set or not) is in the registry, or is data in a free table."""
    project = copy_shipped_project(tmp_path)
    monkeypatch.chdir(project)
    seen: set[str] = set()
    load = command_settings.load_settings

    def recorded(*args: Any, **kwargs: Any) -> Any:
        settings = load(*args, **kwargs)
        return replace(settings, raw=_Recording(settings.raw, seen))

    monkeypatch.setattr(command_settings, "load_settings", recorded)
    monkeypatch.setattr(script_settings, "_CACHE", {})  # parsed afresh: every read happens
    monkeypatch.setattr(state, "_POLICIES", {})
    assert cli("lint", "--no-cache").code == 0
    assert cli("extract", "--output", str(tmp_path / "scripts")).code == 0
    assert cli("build", "--output", str(tmp_path / "out")).code == 0
    registry = command_settings.registry()
    free = {name for name, key in registry.items() if key.kind is Kind.MAP}
    unregistered = {n for n in seen if n not in registry and n.rpartition(".")[0] not in free}
    assert sorted(unregistered) == []
    assert {"exclude", "severity", "cache.dir", "site.mkdocs", "scripts.stub"} <= seen
    assert {"approvals.signing", "sections"} <= seen
