"""Rules RB2xx: references across the corpus graph."""

from __future__ import annotations

from runbookc.lint.rule import ERROR, WARNING, Family, declare_rule

# References across the corpus graph: links, ids, orphans.
BROKEN_LINK = declare_rule(
    "RB201",
    "broken-link",
    ERROR,
    "Link to a document that is not in the corpus",
    Family.LINKS,
    breaks_build=True,
)
BROKEN_ANCHOR = declare_rule(
    "RB202",
    "broken-anchor",
    ERROR,
    "Link anchor matches no heading of its document",
    Family.LINKS,
    breaks_build=True,
)
UNRESOLVED_PATH = declare_rule(
    "RB203",
    "unresolved-path",
    ERROR,
    "Repo path in a code span resolves to no document of the corpus",
    Family.LINKS,
)
UNKNOWN_ALERT = declare_rule(
    "RB204",
    "unknown-alert",
    ERROR,
    "related_alerts names an alert no alert doc (nor, with `rules` set, rule file) defines",
    Family.IDS,
)
DUPLICATE_ALERT = declare_rule(
    "RB205", "duplicate-alert-id", ERROR, "An alert id is defined more than once", Family.IDS
)
DUPLICATE_DOC_ID = declare_rule(
    "RB206", "duplicate-doc-id", ERROR, "Two documents have the same doc_id", Family.IDS
)
UNKNOWN_RUNBOOK = declare_rule(
    "RB207",
    "unknown-runbook",
    ERROR,
    "A runbook id that names no runbook of the corpus",
    Family.IDS,
)
ORPHAN_ALERT = declare_rule(
    "RB208", "orphan-alert", WARNING, "No runbook handles this alert", Family.ORPHANS
)
ORPHAN_DOCUMENT = declare_rule(
    "RB209",
    "orphan-document",
    WARNING,
    "No other document refers to this rollback plan or SLO",
    Family.ORPHANS,
)
ABSOLUTE_LINK = declare_rule(
    "RB210",
    "absolute-link",
    ERROR,
    "Link by an absolute path, which the site leaves unconverted and the build refuses",
    Family.LINKS,
    breaks_build=True,
)
LOCAL_FILE = declare_rule(
    "RB211",
    "local-file-link",
    ERROR,
    "Link or image to a local file the site cannot publish (missing, outside, an active SVG)",
    Family.LINKS,
    breaks_build=True,
)
PAGE_CONFLICT = declare_rule(
    "RB212",
    "page-conflict",
    ERROR,
    "A document's page URL is taken by another document or a generated page",
    Family.PAGES,
    breaks_build=True,
)
SHORTCODE = declare_rule(
    "RB213",
    "hugo-shortcode",
    ERROR,
    "Hugo shortcode, which the site shows as text",
    Family.PAGES,
    breaks_build=True,
)
