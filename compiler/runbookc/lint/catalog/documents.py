"""Rules RB0xx and RB1xx: a file and its front matter."""

from __future__ import annotations

from runbookc.lint.rule import ERROR, WARNING, Family, declare_rule

# Loading a file: bytes, front matter, YAML, limits, symlinks.
NOT_UTF8 = declare_rule("RB001", "not-utf8", ERROR, "File is not valid UTF-8", Family.LOAD)
NUL_BYTE = declare_rule("RB002", "nul-byte", ERROR, "File contains a NUL byte", Family.LOAD)
BOM = declare_rule("RB003", "bom", WARNING, "File starts with a UTF-8 byte order mark", Family.LOAD)
NO_FRONT_MATTER = declare_rule(
    "RB004", "no-front-matter", ERROR, "File has no front matter", Family.LOAD
)
FOREIGN_FRONT_MATTER = declare_rule(
    "RB014",
    "foreign-front-matter",
    ERROR,
    "Front matter has neither a doc_id nor a runbookc type: another tool's",
    Family.LOAD,
)
UNTERMINATED = declare_rule(
    "RB005", "unterminated-front-matter", ERROR, "Front matter is never closed", Family.LOAD
)
NOT_MAPPING = declare_rule(
    "RB006", "front-matter-not-mapping", ERROR, "Front matter is not a mapping", Family.LOAD
)
YAML_SYNTAX = declare_rule(
    "RB007", "yaml-syntax", ERROR, "Front matter is not valid YAML", Family.LOAD
)
DUPLICATE_KEY = declare_rule("RB008", "duplicate-key", ERROR, "A key appears twice", Family.LOAD)
ALIAS = declare_rule(
    "RB009", "yaml-alias", ERROR, "YAML anchors and aliases are not allowed", Family.LOAD
)
TAG = declare_rule(
    "RB010", "yaml-tag", ERROR, "YAML tag is non-standard or does not fit", Family.LOAD
)
TOO_LARGE = declare_rule(
    "RB011", "too-large", ERROR, "File, line or front matter too large", Family.LOAD
)
UNREADABLE = declare_rule("RB012", "unreadable", ERROR, "File cannot be read", Family.LOAD)
SWALLOWED_BODY = declare_rule(
    "RB015",
    "front-matter-swallows-body",
    WARNING,
    "Front matter probably misses its closing `---`: its comments look like headings",
    Family.LOAD,
)
LINK_OUTSIDE = declare_rule(
    "RB013", "link-outside", ERROR, "Symlink leads out of the repository", Family.SOURCE_LINKS
)

# Files that are not runbookc's (RB004, RB014): when they are most of the corpus, one
# finding (RB016) says so instead of one each.
NOT_OURS = frozenset({NO_FRONT_MATTER.code, FOREIGN_FRONT_MATTER.code})
MOSTLY_NOT_OURS = declare_rule(
    "RB016",
    "mostly-not-runbookc",
    ERROR,
    "Most files have no runbookc front matter: is `source` the folder of the runbooks?",
    Family.ADOPTION,
)

# The front matter against its document type's schema.
SCHEMA = declare_rule(
    "RB101", "schema", ERROR, "Front matter value does not match the schema", Family.VALIDATE
)
UNKNOWN_KEY = declare_rule(
    "RB102", "unknown-key", ERROR, "Front matter key is not allowed", Family.VALIDATE
)
MISSING_KEY = declare_rule(
    "RB103", "missing-key", ERROR, "Required front matter key is missing", Family.VALIDATE
)
BAD_DATE = declare_rule(
    "RB104", "invalid-date", ERROR, "Date is not a real YYYY-MM-DD date", Family.VALIDATE
)
DATE_ORDER = declare_rule(
    "RB105", "date-order", ERROR, "updated_at is before created_at", Family.VALIDATE
)
BAD_DOC_ID = declare_rule(
    "RB106", "invalid-doc-id", ERROR, "doc_id has the wrong shape", Family.VALIDATE
)
BAD_TYPE = declare_rule(
    "RB107", "invalid-type", ERROR, "Document type is missing or unknown", Family.VALIDATE
)
