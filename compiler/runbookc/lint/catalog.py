"""The rule catalog: every diagnostic code, declared once (as ruff keeps one code table).

A rule is one entry here: code, name, default severity, summary and family, the module of
the package that holds its check. That module imports the rule's constant and emits a
finding by calling it, `BROKEN_LINK(path, line, message)`; no other module imports it
(tests/test_catalog.py checks both). So `runbookc rules`, the SARIF report, the policy and
the site's rule pages read this module alone (and lint/rule.py, the Rule class) and import
no stage. The site shows a rule's summary in its language from
ruledocs/summaries.<language>.toml (every rule has one; lint/rule.py reads it).

The long explanation of a code (problem, example, fix, why) is its docs page,
ruledocs/<CODE>.md in English and ruledocs/<language>/<CODE>.md in each other language the
site speaks (ruledocs/ru/: the same headings and code blocks, the prose translated). To
add a rule: declare it here in its code range, import the constant where the check is,
write the pages and the cases tests/cases/rules/<CODE>/{fail,pass}/ (tests/test_ruledocs.py
and tests/test_rule_cases.py fail until they all exist).
"""

from __future__ import annotations

from collections.abc import Mapping

from runbookc.diagnostics import Severity
from runbookc.lint.rule import Family, Rule

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_DECLARED: dict[str, Rule] = {}


def _rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    family: Family,
    *,
    breaks_build: bool = False,
) -> Rule:
    if code in _DECLARED:
        raise ValueError(f"rule code {code} declared twice")
    _DECLARED[code] = Rule(code, name, severity, summary, family, breaks_build)
    return _DECLARED[code]


# Loading a file: bytes, front matter, YAML, limits, symlinks.
NOT_UTF8 = _rule("RB001", "not-utf8", ERROR, "File is not valid UTF-8", Family.LOAD)
NUL_BYTE = _rule("RB002", "nul-byte", ERROR, "File contains a NUL byte", Family.LOAD)
BOM = _rule("RB003", "bom", WARNING, "File starts with a UTF-8 byte order mark", Family.LOAD)
NO_FRONT_MATTER = _rule("RB004", "no-front-matter", ERROR, "File has no front matter", Family.LOAD)
FOREIGN_FRONT_MATTER = _rule(
    "RB014",
    "foreign-front-matter",
    ERROR,
    "Front matter has neither a doc_id nor a runbookc type: another tool's",
    Family.LOAD,
)
UNTERMINATED = _rule(
    "RB005", "unterminated-front-matter", ERROR, "Front matter is never closed", Family.LOAD
)
NOT_MAPPING = _rule(
    "RB006", "front-matter-not-mapping", ERROR, "Front matter is not a mapping", Family.LOAD
)
YAML_SYNTAX = _rule("RB007", "yaml-syntax", ERROR, "Front matter is not valid YAML", Family.LOAD)
DUPLICATE_KEY = _rule("RB008", "duplicate-key", ERROR, "A key appears twice", Family.LOAD)
ALIAS = _rule("RB009", "yaml-alias", ERROR, "YAML anchors and aliases are not allowed", Family.LOAD)
TAG = _rule("RB010", "yaml-tag", ERROR, "YAML tag is non-standard or does not fit", Family.LOAD)
TOO_LARGE = _rule("RB011", "too-large", ERROR, "File, line or front matter too large", Family.LOAD)
UNREADABLE = _rule("RB012", "unreadable", ERROR, "File cannot be read", Family.LOAD)
SWALLOWED_BODY = _rule(
    "RB015",
    "front-matter-swallows-body",
    WARNING,
    "Front matter probably misses its closing `---`: its comments look like headings",
    Family.LOAD,
)
LINK_OUTSIDE = _rule(
    "RB013", "link-outside", ERROR, "Symlink leads out of the repository", Family.SOURCE_LINKS
)

# Files that are not runbookc's (RB004, RB014): when they are most of the corpus, one
# finding (RB016) says so instead of one each.
NOT_OURS = frozenset({NO_FRONT_MATTER.code, FOREIGN_FRONT_MATTER.code})
MOSTLY_NOT_OURS = _rule(
    "RB016",
    "mostly-not-runbookc",
    ERROR,
    "Most files have no runbookc front matter: is `source` the folder of the runbooks?",
    Family.ADOPTION,
)

# The front matter against its document type's schema.
SCHEMA = _rule(
    "RB101", "schema", ERROR, "Front matter value does not match the schema", Family.VALIDATE
)
UNKNOWN_KEY = _rule(
    "RB102", "unknown-key", ERROR, "Front matter key is not allowed", Family.VALIDATE
)
MISSING_KEY = _rule(
    "RB103", "missing-key", ERROR, "Required front matter key is missing", Family.VALIDATE
)
BAD_DATE = _rule(
    "RB104", "invalid-date", ERROR, "Date is not a real YYYY-MM-DD date", Family.VALIDATE
)
DATE_ORDER = _rule("RB105", "date-order", ERROR, "updated_at is before created_at", Family.VALIDATE)
BAD_DOC_ID = _rule("RB106", "invalid-doc-id", ERROR, "doc_id has the wrong shape", Family.VALIDATE)
BAD_TYPE = _rule(
    "RB107", "invalid-type", ERROR, "Document type is missing or unknown", Family.VALIDATE
)

# References across the corpus graph: links, ids, orphans.
BROKEN_LINK = _rule(
    "RB201",
    "broken-link",
    ERROR,
    "Link to a document that is not in the corpus",
    Family.LINKS,
    breaks_build=True,
)
BROKEN_ANCHOR = _rule(
    "RB202",
    "broken-anchor",
    ERROR,
    "Link anchor matches no heading of its document",
    Family.LINKS,
    breaks_build=True,
)
UNRESOLVED_PATH = _rule(
    "RB203",
    "unresolved-path",
    ERROR,
    "Repo path in a code span resolves to no document of the corpus",
    Family.LINKS,
)
UNKNOWN_ALERT = _rule(
    "RB204",
    "unknown-alert",
    ERROR,
    "related_alerts names an alert no alert doc (nor, with `rules` set, rule file) defines",
    Family.IDS,
)
DUPLICATE_ALERT = _rule(
    "RB205", "duplicate-alert-id", ERROR, "An alert id is defined more than once", Family.IDS
)
DUPLICATE_DOC_ID = _rule(
    "RB206", "duplicate-doc-id", ERROR, "Two documents have the same doc_id", Family.IDS
)
UNKNOWN_RUNBOOK = _rule(
    "RB207",
    "unknown-runbook",
    ERROR,
    "A runbook id that names no runbook of the corpus",
    Family.IDS,
)
ORPHAN_ALERT = _rule(
    "RB208", "orphan-alert", WARNING, "No runbook handles this alert", Family.ORPHANS
)
ORPHAN_DOCUMENT = _rule(
    "RB209",
    "orphan-document",
    WARNING,
    "No other document refers to this rollback plan or SLO",
    Family.ORPHANS,
)
ABSOLUTE_LINK = _rule(
    "RB210",
    "absolute-link",
    ERROR,
    "Link by an absolute path, which the site leaves unconverted and the build refuses",
    Family.LINKS,
    breaks_build=True,
)
LOCAL_FILE = _rule(
    "RB211",
    "local-file-link",
    ERROR,
    "Link or image to a local file the site cannot publish (missing, outside, an active SVG)",
    Family.LINKS,
    breaks_build=True,
)
PAGE_CONFLICT = _rule(
    "RB212",
    "page-conflict",
    ERROR,
    "A document's page URL is taken by another document or a generated page",
    Family.PAGES,
    breaks_build=True,
)
SHORTCODE = _rule(
    "RB213",
    "hugo-shortcode",
    ERROR,
    "Hugo shortcode, which the site shows as text",
    Family.PAGES,
    breaks_build=True,
)

# Approvals and suppressions.
PENDING = _rule(
    "RB301",
    "approval-pending",
    WARNING,
    "An active document's required approvals are not all given",
    Family.APPROVALS,
)
NO_APPROVER = _rule(
    "RB302",
    "approved-without-approver",
    ERROR,
    "Status is approved but a required role has no recorded approval",
    Family.APPROVALS,
)
ROLE_NOT_REQUIRED = _rule(
    "RB303",
    "approver-role-not-required",
    ERROR,
    "An approval is recorded for a role the document does not require",
    Family.APPROVALS,
)
NOT_ALLOWED = _rule(
    "RB304",
    "approver-not-allowed",
    ERROR,
    "The approver is not allowed to approve as that role",
    Family.APPROVALS,
)
STALE = _rule(
    "RB305",
    "stale-approval",
    ERROR,
    "An approval was given for different content than the document has now",
    Family.APPROVALS,
)
UNKNOWN_ROLE = _rule(
    "RB306", "unknown-role", ERROR, "An approval role the policy does not define", Family.APPROVALS
)
BAD_SUPPRESSION = _rule(
    "RB307",
    "bad-suppression",
    WARNING,
    "A suppression names an unknown code or one a file may not silence",
    Family.POLICY,
)
UNSIGNED = _rule(
    "RB308",
    "unsigned-approval",
    ERROR,
    "Signed mode: an approval without a signature is a claim by name and does not count",
    Family.APPROVALS,
)
BAD_SIGNATURE = _rule(
    "RB309",
    "bad-approval-signature",
    ERROR,
    "Signed mode: an approval's signature does not verify against the allowed signers",
    Family.APPROVALS,
)

# Scripts: the blocks, the generated scripts, their runs in the sandbox.
UNCLOSED_FENCE = _rule(
    "RB401", "unclosed-fence", ERROR, "A code fence is never closed", Family.DRAFT
)
DUPLICATE_NAME = _rule(
    "RB402",
    "duplicate-script-name",
    ERROR,
    "Two steps of a runbook get the same name",
    Family.DRAFT,
)
MUTATING_DIAGNOSTIC = _rule(
    "RB403",
    "mutating-diagnostic",
    ERROR,
    "A diagnostics step runs a command that changes the system",
    Family.DRAFT,
)
HIDDEN_FAILURE = _rule(
    "RB404",
    "or-true-hides-failure",
    WARNING,
    "`2>/dev/null ... || true` hides a failing tool",
    Family.DRAFT,
)
UNCOVERED_SYMPTOM = _rule(
    "RB405",
    "uncovered-symptom",
    WARNING,
    "A symptom signature is not caught by any diagnostic step's grep",
    Family.DRAFT,
)
CONSOLE_BLOCK = _rule(
    "RB406", "console-block", INFO, "A console block: only its `$ ` lines are kept", Family.DRAFT
)
INVALID_NAME = _rule(
    "RB407", "invalid-script-name", ERROR, "A step name is not a usable file name", Family.DRAFT
)
UNPARSED_BLOCK = _rule(
    "RB408", "unparsed-shell", WARNING, "The shell parser cannot read a block", Family.DRAFT
)
UNCLASSIFIED = _rule(
    "RB409",
    "unclassified-command",
    WARNING,
    "A command is neither known read-only nor known mutating",
    Family.DRAFT,
)
BASH_SYNTAX = _rule(
    "RB410", "bash-syntax", ERROR, "A generated script fails `bash -n`", Family.SHELLCHECK
)
SHELLCHECK = _rule(
    "RB411", "shellcheck", WARNING, "ShellCheck finds a problem in a step", Family.SHELLCHECK
)
SANDBOX_RESULT = _rule(
    "RB412", "sandbox-result", ERROR, "A script misbehaves in the sandbox", Family.SANDBOX
)
SANDBOX_CALLS = _rule(
    "RB413",
    "sandbox-commands",
    ERROR,
    "The commands a script ran in the sandbox differ from its block",
    Family.SANDBOX,
)
SANDBOX_TOOL = _rule(
    "RB414",
    "sandbox-missing-tool",
    ERROR,
    "A block calls a command the sandbox neither stubs nor allows",
    Family.SANDBOX,
)
SANDBOX_SKIPPED = _rule(
    "RB415",
    "sandbox-skipped",
    WARNING,
    "A block writes outside its working directory or runs commands the compiler cannot see, "
    "so the sandbox does not run it",
    Family.SANDBOX,
)
SHARED_SCRIPT_DIR = _rule(
    "RB416",
    "shared-script-dir",
    ERROR,
    "Two documents with one doc_id would write scripts into one folder",
    Family.EXTRACT,
)
RESERVED_NAME = _rule(
    "RB417",
    "reserved-name",
    ERROR,
    "A block assigns a variable named like the generated script's own (rb_...)",
    Family.DRAFT,
)
NO_DIAGNOSTICS = _rule(
    "RB418",
    "no-diagnostics-section",
    WARNING,
    "A runbook has shell blocks but no diagnostics section: `run.sh --diagnose` runs nothing",
    Family.DRAFT,
)

# HTML safety of the body and the front matter strings.
SCRIPT_TAG = _rule(
    "RB501",
    "html-script-tag",
    ERROR,
    "Raw HTML <script>, <iframe>, <object> or <embed> tag",
    Family.HTML_SAFETY,
)
EVENT_HANDLER = _rule(
    "RB502",
    "html-event-handler",
    ERROR,
    "Raw HTML tag with an event-handler attribute (on...=)",
    Family.HTML_SAFETY,
)
SCRIPT_URL = _rule(
    "RB503",
    "script-url",
    ERROR,
    "Link or HTML attribute with a javascript:, vbscript: or data:text/html URL",
    Family.HTML_SAFETY,
)
PAGE_TAG = _rule(
    "RB504",
    "html-page-tag",
    ERROR,
    "Raw HTML <base>, <meta> or <link> tag, which reroutes the page's URLs or the reader",
    Family.HTML_SAFETY,
)


# Alerting rules (the `rules` setting) against the documents: runbook_url both ways.
RULE_FILE = _rule(
    "RB601",
    "invalid-rule-file",
    ERROR,
    "A rule file is not valid YAML or not shaped as Prometheus rule groups",
    Family.RULE_FILES,
)
NO_RUNBOOK_URL = _rule(
    "RB602",
    "missing-runbook-url",
    WARNING,
    "An alerting rule has no runbook_url annotation",
    Family.ALERT_RULES,
)
UNRESOLVED_RUNBOOK_URL = _rule(
    "RB603",
    "unresolved-runbook-url",
    ERROR,
    "A runbook_url leads to no document of the corpus",
    Family.ALERT_RULES,
)
RUNBOOK_URL_ANCHOR = _rule(
    "RB604",
    "runbook-url-anchor",
    ERROR,
    "A runbook_url's #fragment matches no heading of its document",
    Family.ALERT_RULES,
)
TEMPLATED_RUNBOOK_URL = _rule(
    "RB605",
    "templated-runbook-url",
    WARNING,
    "A runbook_url is a template ({{ $labels.x }}): no check can tell where it leads",
    Family.ALERT_RULES,
)
CONFLICTING_RUNBOOK_URLS = _rule(
    "RB606",
    "conflicting-runbook-urls",
    ERROR,
    "One alert name is defined with different runbook_urls",
    Family.ALERT_RULES,
)
UNDEFINED_ALERT = _rule(
    "RB607",
    "undefined-alert",
    WARNING,
    "A document names an alert that no rule file defines",
    Family.ALERT_RULES,
)
RUNBOOK_URL_TYPE = _rule(
    "RB608",
    "runbook-url-wrong-type",
    ERROR,
    "A runbook_url leads to a document that is neither a runbook nor an alert doc",
    Family.ALERT_RULES,
)


BY_CODE: Mapping[str, Rule] = _DECLARED
RULES: tuple[Rule, ...] = tuple(sorted(_DECLARED.values(), key=lambda r: r.code))
