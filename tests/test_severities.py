"""Every finding carries its rule's severity from the catalog (what `runbookc rules` and
the rule pages say); only the team's settings change it (`severity`, and `unknown_keys`
for RB102). Checked over every corpus of the suite: the rule cases and the shipped
runbooks, with lint's findings and the static checks of `runbookc test`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.commands.wiring import compile_targets, lint_targets
from runbookc.config import Settings, load_settings
from runbookc.lint.catalog import BY_CODE
from runbookc.pipeline import corpus as stages
from test_rule_cases import FOLDERS, settings_for

CORPORA = [*FOLDERS, ROOT]


def _settings(corpus: Path) -> Settings:
    return load_settings(str(ROOT / "pyproject.toml")) if corpus == ROOT else settings_for(corpus)


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: str(p.relative_to(ROOT)) or "root")
def test_findings_have_their_catalog_severity(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)
    settings = _settings(corpus)
    assert "severity" not in settings.raw  # else the policy may change what is checked here
    found = lint_targets([], settings, use_cache=False).diagnostics
    inputs = compile_targets([], settings, use_cache=False)
    extracted = stages.extract_checked(inputs.corpus, settings, inputs.refused)
    found += stages.test(extracted, settings, sandbox=False)
    wrong = [
        f"{d.path}:{d.line} {d.code} {d.severity} (catalog: {BY_CODE[d.code].severity})"
        for d in found
        if d.severity is not BY_CODE[d.code].severity
        and not (d.code == "RB102" and settings.raw.get("unknown_keys") == "warning")
    ]
    assert wrong == []
