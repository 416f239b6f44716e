"""A page per alert at a stable URL by its name, `alerts/<AlertName>/`, that a runbook_url
template (`https://site.example.com/alerts/{alert}/`) can point at: the alert's rules from
the rule files (render/alert_rule.py), the alert doc that defines it and the runbooks that
handle it.

Which alerts get one is the `alert_pages` setting: "documented" (those an alert doc
defines), "all" (also those only a rule file defines) or "off"; by default "documented"
when `rules` is set and "off" without (a corpus without rule files keeps its site). A name
that is not a plain slug, or whose page a document or a generated page already has, gets
none.
"""

from __future__ import annotations

import re

from runbookc.config import ConfigError, Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.pipeline.graph import Graph
from runbookc.pipeline.rulefiles import rule_globs
from runbookc.render.paths import page_url, reserved

declare(
    Key(
        "alert_pages",
        Kind.STRING,
        None,
        "a page per alert at alerts/<AlertName>/: for the alerts an alert doc defines "
        '("documented", the default when `rules` is set), also for those only a rule file '
        'defines ("all"), or none ("off", the default without `rules`)',
    ),
)

MODES = ("documented", "all", "off")
FOLDER = "alerts/"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


def alert_pages_mode(settings: Settings) -> str:
    mode = settings.raw.get("alert_pages", "documented" if rule_globs(settings) else "off")
    if mode not in MODES:
        raise ConfigError(f"alert_pages: {mode!r} is not one of {', '.join(MODES)}")
    return str(mode)


def alert_page(name: str) -> str:
    return f"{FOLDER}{name}.md"


def alert_page_names(graph: Graph, settings: Settings, taken: set[str]) -> dict[str, str]:
    """docs-dir page -> alert name, for each alert that gets a page; `taken`: the pages of
    the documents."""
    mode = alert_pages_mode(settings)
    if mode == "off":
        return {}
    names = set(graph.alert_ids())
    if mode == "all":
        names |= set(graph.rules.by_name)
    urls = {page_url(page) for page in {*reserved(), *taken}}
    pages = {}
    for name in sorted(names):
        page = alert_page(name)
        if _NAME.fullmatch(name) and page not in taken and page_url(page) not in urls:
            pages[page] = name
    return pages
