"""The document types, as data: one descriptor per type, read by validate, facts, the graph,
the linter and the site. A new type is one `DocType` in `TYPES` plus its JSON Schema file
and the template `runbookc new` writes it from (templates/new/<name>.md.j2).

A descriptor holds a type's defaults; what a team varies is a setting read by the stage
that uses it: the id patterns ([tool.runbookc.ids], pipeline/front_settings.py) and which
types approvals gate ([tool.runbookc.approvals] gate).
Imported by the command-line parser (`runbookc schema`'s choices): keep it free of heavy
imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Front matter keys that carry references, as a descriptor's `references` names them.
RELATED_ALERTS = "related_alerts"  # ids of alerts (an alert doc defines them)
RELATED_RUNBOOKS = "related_runbooks"  # doc_ids of runbooks
ALERTS = "alerts"  # the alerts the document defines, each with the runbooks handling it
OBJECTIVES = "objectives"  # a panel: an SLO doc's objectives, as a table on its page
RUNBOOK = "runbook"  # the type of document related_runbooks and an alert's runbooks name


@dataclass(frozen=True)
class Words:
    """How the site names a type in one language."""

    one: str  # a document of the type: its page's metadata panel and type tag ("rollback plan")
    many: str  # a group of them: rows of related documents, home page counts ("Rollback plans")
    section: str = ""  # its nav section and index title, when not `many` (alert docs: "Alerts")

    @property
    def heading(self) -> str:
        return self.section or self.many


@dataclass(frozen=True)
class DocType:
    name: str  # the front matter's `type:` value
    schema: str  # its JSON Schema: a file name in runbookc/schema/, or an absolute path
    id_pattern: str  # what its doc_id must match unless [tool.runbookc.ids] says otherwise
    index: str  # its index page in the docs dir, also the nav section's first entry
    columns: tuple[str, ...]  # the index table's columns (render.index_pages.COLUMNS)
    words: Mapping[str, Words] = field(hash=False)  # by language; "en" is required
    references: tuple[str, ...] = ()  # front matter reference keys it carries (above)
    panels: tuple[str, ...] = ()  # front matter its page shows as a section (render.document_pages)
    first: str = ""  # the first action its page offers (render.first.FIRST_ACTIONS)
    handles_alerts: bool = False  # its related_alerts make it a handler of those alerts
    orphan: str = ""  # RB209 when no document refers to one; the noun the message uses
    nav_order: int = 0  # its nav section's place (and its count's on the home page)
    example_id: str = ""  # an id id_pattern accepts: `runbookc init` writes an example with it


# Columns of a table of documents and of a table of alerts (render.index_pages.COLUMNS).
# Few enough to fit a laptop and a phone: the rest (status, owner, dates) is on each page.
_DOC_COLUMNS = ("document", "approval")
_ALERT_COLUMNS = ("alert", "summary", "handled_by")
# The default pattern of every id (doc_ids, alert ids): a slug of letters, digits, `.`, `_`
# and `-` that starts with a letter or digit, so alert names (`KubePodCrashLooping`,
# `etcd-members-down`) are ids as they are; it also names a folder of scripts (scripts.draft).
SLUG_ID = "^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$(?!\\n)"
ALERT_ID = "alert_id"  # [tool.runbookc.ids] key of the alerts' ids (alerts[].id, related_alerts)

# In this order: `runbookc schema --list`, hints, rows of related documents on a page.
TYPES: dict[str, DocType] = {
    "runbook": DocType(
        name="runbook",
        nav_order=10,
        schema="runbook.json",
        id_pattern=SLUG_ID,
        example_id="RB-EXAMPLE-0001",
        index="runbooks/index.md",
        columns=(*_DOC_COLUMNS, "alerts"),
        words={"en": Words("runbook", "Runbooks"), "ru": Words("ранбук", "Ранбуки")},
        first="diagnose",
        references=(RELATED_ALERTS,),
        handles_alerts=True,
    ),
    "alert": DocType(
        name="alert",
        nav_order=20,
        schema="alert.json",
        id_pattern=SLUG_ID,
        example_id="ALD-EXAMPLE-0001",
        index="alerts/index.md",
        columns=_ALERT_COLUMNS,  # one row per alert it defines
        words={
            "en": Words("alert doc", "Alert docs", "Alerts"),
            "ru": Words("документ алертов", "Документы алертов", "Алерты"),
        },
        references=(ALERTS,),
        panels=(ALERTS,),
        first="handlers",
    ),
    "slo": DocType(
        name="slo",
        nav_order=40,
        schema="slo.json",
        id_pattern=SLUG_ID,
        example_id="SLO-EXAMPLE-0001",
        index="slos/index.md",
        columns=(*_DOC_COLUMNS, "runbooks"),
        words={"en": Words("SLO doc", "SLO docs"), "ru": Words("SLO", "SLO")},
        references=(RELATED_ALERTS, RELATED_RUNBOOKS),
        panels=(OBJECTIVES,),
        orphan="SLO document",
        first="runbooks",
    ),
    "rollback_plan": DocType(
        name="rollback_plan",
        nav_order=30,
        schema="rollback_plan.json",
        id_pattern=SLUG_ID,
        example_id="RP-EXAMPLE-0001",
        index="rollback-plans/index.md",
        columns=(*_DOC_COLUMNS, "runbooks"),
        words={
            "en": Words("rollback plan", "Rollback plans"),
            "ru": Words("план отката", "Планы отката"),
        },
        references=(RELATED_RUNBOOKS,),
        orphan="rollback plan",
        first="rollback",
    ),
}


def names() -> tuple[str, ...]:
    return tuple(TYPES)


def on_site() -> list[DocType]:
    """The types in the order of their nav sections (and the home page's counts)."""
    return sorted(TYPES.values(), key=lambda doc_type: doc_type.nav_order)


def get(name: str) -> DocType | None:
    """The descriptor of the type named `name`, None for an unknown type."""
    return TYPES.get(name)


def words(doc_type: DocType, language: str) -> Words:
    """The type's words in `language` (a key of render.labels: `ru`), English when it has
    none."""
    return doc_type.words.get(language, doc_type.words["en"])
