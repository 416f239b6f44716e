"""The settings a command runs with: the settings file found (config.py), checked against
every key the compiler reads (config_keys.py)."""

from __future__ import annotations

import importlib

from runbookc.config import Settings, load_settings
from runbookc.config_keys import Key, declared

# The modules that declare settings keys, each where it reads them; importing them all
# completes the registry. A module that starts reading a key joins this list
# (tests/test_config_keys.py finds every `declare(` in the package).
DECLARING = (
    "runbookc.config",
    "runbookc.pipeline.exclude",
    "runbookc.pipeline.front_settings",
    "runbookc.lint.policy",
    "runbookc.approvals.state",
    "runbookc.scripts.settings",
    "runbookc.engine.cache",
    "runbookc.render.site_build",
    "runbookc.pipeline.rulefiles",
    "runbookc.lint.alert_rules",
    "runbookc.render.alert_pages",
)


def registry() -> dict[str, Key]:
    """Every settings key the compiler reads."""
    for module in DECLARING:
        importlib.import_module(module)
    return declared()


def command_settings(config: str | None) -> Settings:
    """The settings of `--config FILE` or of the nearest settings file, checked."""
    return load_settings(config, keys=registry())
