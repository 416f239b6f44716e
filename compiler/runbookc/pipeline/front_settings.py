"""What a team chooses about its front matter: the settings validate and the load stage's
adoption step read, checked once per process (a bad one is a ConfigError: exit 2).

The keys it reads are declared below (`runbookc config` prints them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbookc import doctypes
from runbookc.approvals.state import approval_policy
from runbookc.config import ConfigError, Settings
from runbookc.config_keys import Key, Kind, declare

UNKNOWN_KEYS = ("error", "warning", "allow")
# Keys that Hugo, Jekyll (and its just-the-docs theme), MkDocs Material and Docusaurus put
# in front matter, none of which runbookc reads.
IGNORE_KEYS = (
    # Hugo
    "aliases", "weight", "draft", "date", "lastmod", "publishDate", "expiryDate", "slug",
    "url", "linkTitle", "description", "keywords", "categories", "series", "menu",
    "layout", "summary", "toc", "outputs", "params", "headless", "cascade",
    # Jekyll
    "permalink", "published", "excerpt", "nav_order", "parent", "has_children",
    "nav_exclude", "redirect_from",
    # MkDocs (Material)
    "hide", "template", "icon", "search", "subtitle", "authors", "comments",
    # Docusaurus
    "sidebar_position", "sidebar_label", "hide_title",
)  # fmt: skip
PLACEHOLDERS = ("stem", "folder", "heading")

declare(
    Key(
        "ids",
        Kind.MAP,
        "{}",
        "TYPE = regex its doc_id must match, alert_id = regex for alert ids; default: a slug "
        f"{doctypes.SLUG_ID!r}",
    ),
    Key(
        "unknown_keys",
        Kind.STRING,
        '"warning"',
        'a front matter key no schema knows: "error", "warning" or "allow"',
    ),
    Key(
        "ignore_keys",
        Kind.STRINGS,
        json.dumps(list(IGNORE_KEYS)),
        "front matter keys never reported (other tools'); a list here replaces the default",
    ),
    Key(
        "defaults",
        Kind.MAP,
        "{}",
        "KEY = value for files without runbookc front matter; {stem}: the file name, "
        "{folder}: its folder's name, {heading}: its first # heading",
    ),
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

Default = str | tuple[str, ...]


@dataclass(frozen=True)
class FrontSettings:
    ids: Mapping[str, str]  # [tool.runbookc.ids] key -> pattern, every key filled
    unknown_keys: str  # one of UNKNOWN_KEYS
    ignore_keys: frozenset[str]
    defaults: Mapping[str, Default]  # key -> value with placeholders
    gated: frozenset[str]  # the types whose documents must carry `approvals`

    def id_setting(self, key: str) -> str:
        """How a diagnostic names the setting of an id pattern."""
        return f"[tool.runbookc.ids] {key}"


_CACHE: dict[tuple[Path, str], FrontSettings] = {}


def front_settings(settings: Settings) -> FrontSettings:
    """The front matter settings (read once per process: every document asks)."""
    key = (settings.root, settings.fingerprint)
    if key not in _CACHE:
        _CACHE[key] = _read(settings)
    return _CACHE[key]


def _read(settings: Settings) -> FrontSettings:
    mode = settings.raw.get("unknown_keys", "warning")
    if mode not in UNKNOWN_KEYS:
        raise ConfigError(
            f"tool.runbookc.unknown_keys: {mode!r} is not one of {', '.join(UNKNOWN_KEYS)}"
        )
    ignore = settings.raw.get("ignore_keys", list(IGNORE_KEYS))
    if not isinstance(ignore, list) or not all(isinstance(k, str) for k in ignore):
        raise ConfigError("tool.runbookc.ignore_keys must be a list of key names")
    gate = frozenset(approval_policy(settings).gate)
    return FrontSettings(_ids(settings), mode, frozenset(ignore), _defaults(settings), gate)


def _ids(settings: Settings) -> dict[str, str]:
    table = settings.table("ids")
    ids = {name: doc_type.id_pattern for name, doc_type in doctypes.TYPES.items()}
    ids[doctypes.ALERT_ID] = doctypes.SLUG_ID
    for key, pattern in table.items():
        where = f"[tool.runbookc.ids] {key}"
        if key not in ids:
            known = ", ".join(ids)
            raise ConfigError(f"{where}: not a document type or {doctypes.ALERT_ID} ({known})")
        if not isinstance(pattern, str):
            raise ConfigError(f"{where} must be a regular expression in a string")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{where}: {pattern!r} is not a regular expression: {exc}") from None
        ids[key] = pattern
    return ids


def _defaults(settings: Settings) -> dict[str, Default]:
    table = settings.table("defaults")
    defaults: dict[str, Default] = {}
    for key, value in table.items():
        where = f"[tool.runbookc.defaults] {key}"
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            raise ConfigError(f"{where} must be a string or a list of strings")
        for text in values:
            for name in _PLACEHOLDER.findall(text):
                if name not in PLACEHOLDERS:
                    known = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
                    raise ConfigError(f"{where}: unknown placeholder {{{name}}} (known: {known})")
        defaults[key] = tuple(values) if isinstance(value, list) else value
    doc_type = defaults.get("type")
    if doc_type is not None and doctypes.get(str(doc_type)) is None:
        known = ", ".join(doctypes.names())
        raise ConfigError(f"[tool.runbookc.defaults] type: {doc_type!r} is not one of {known}")
    return defaults


def fill(value: Default, fields: Mapping[str, str]) -> Any:
    """A default with its placeholders filled from the file (`fields`: PLACEHOLDERS)."""
    if isinstance(value, tuple):
        return [fill(v, fields) for v in value]
    return _PLACEHOLDER.sub(lambda match: fields[match.group(1)], value)
