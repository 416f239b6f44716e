"""Rules RB4xx: the scripts."""

from __future__ import annotations

from runbookc.lint.rule import ERROR, INFO, WARNING, Family, declare_rule

# Scripts: the blocks, the generated scripts, their runs in the sandbox.
UNCLOSED_FENCE = declare_rule(
    "RB401", "unclosed-fence", ERROR, "A code fence is never closed", Family.DRAFT
)
DUPLICATE_NAME = declare_rule(
    "RB402",
    "duplicate-script-name",
    ERROR,
    "Two steps of a runbook get the same name",
    Family.DRAFT,
)
MUTATING_DIAGNOSTIC = declare_rule(
    "RB403",
    "mutating-diagnostic",
    ERROR,
    "A diagnostics step runs a command that changes the system",
    Family.DRAFT,
)
HIDDEN_FAILURE = declare_rule(
    "RB404",
    "or-true-hides-failure",
    WARNING,
    "`2>/dev/null ... || true` hides a failing tool",
    Family.DRAFT,
)
UNCOVERED_SYMPTOM = declare_rule(
    "RB405",
    "uncovered-symptom",
    WARNING,
    "A symptom signature is not caught by any diagnostic step's grep",
    Family.DRAFT,
)
CONSOLE_BLOCK = declare_rule(
    "RB406", "console-block", INFO, "A console block: only its `$ ` lines are kept", Family.DRAFT
)
INVALID_NAME = declare_rule(
    "RB407", "invalid-script-name", ERROR, "A step name is not a usable file name", Family.DRAFT
)
UNPARSED_BLOCK = declare_rule(
    "RB408", "unparsed-shell", WARNING, "The shell parser cannot read a block", Family.DRAFT
)
UNCLASSIFIED = declare_rule(
    "RB409",
    "unclassified-command",
    WARNING,
    "A command is neither known read-only nor known mutating",
    Family.DRAFT,
)
BASH_SYNTAX = declare_rule(
    "RB410", "bash-syntax", ERROR, "A generated script fails `bash -n`", Family.SHELLCHECK
)
SHELLCHECK = declare_rule(
    "RB411", "shellcheck", WARNING, "ShellCheck finds a problem in a step", Family.SHELLCHECK
)
SANDBOX_RESULT = declare_rule(
    "RB412", "sandbox-result", ERROR, "A script misbehaves in the sandbox", Family.SANDBOX
)
SANDBOX_CALLS = declare_rule(
    "RB413",
    "sandbox-commands",
    ERROR,
    "The commands a script ran in the sandbox differ from its block",
    Family.SANDBOX,
)
SANDBOX_TOOL = declare_rule(
    "RB414",
    "sandbox-missing-tool",
    ERROR,
    "A block calls a command the sandbox neither stubs nor allows",
    Family.SANDBOX,
)
SANDBOX_SKIPPED = declare_rule(
    "RB415",
    "sandbox-skipped",
    WARNING,
    "A block writes outside its working directory or runs commands the compiler cannot see, "
    "so the sandbox does not run it",
    Family.SANDBOX,
)
SHARED_SCRIPT_DIR = declare_rule(
    "RB416",
    "shared-script-dir",
    ERROR,
    "Two documents with one doc_id would write scripts into one folder",
    Family.EXTRACT,
)
RESERVED_NAME = declare_rule(
    "RB417",
    "reserved-name",
    ERROR,
    "A block assigns a variable named like the generated script's own (rb_...)",
    Family.DRAFT,
)
NO_DIAGNOSTICS = declare_rule(
    "RB418",
    "no-diagnostics-section",
    WARNING,
    "A runbook has shell blocks but no diagnostics section: `run.sh --diagnose` runs nothing",
    Family.DRAFT,
)
