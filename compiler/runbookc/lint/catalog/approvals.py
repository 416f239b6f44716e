"""Rules RB3xx: approvals and suppressions."""

from __future__ import annotations

from runbookc.lint.rule import ERROR, WARNING, Family, declare_rule

# Approvals and suppressions.
PENDING = declare_rule(
    "RB301",
    "approval-pending",
    WARNING,
    "An active document's required approvals are not all given",
    Family.APPROVALS,
)
NO_APPROVER = declare_rule(
    "RB302",
    "approved-without-approver",
    ERROR,
    "Status is approved but a required role has no recorded approval",
    Family.APPROVALS,
)
ROLE_NOT_REQUIRED = declare_rule(
    "RB303",
    "approver-role-not-required",
    ERROR,
    "An approval is recorded for a role the document does not require",
    Family.APPROVALS,
)
NOT_ALLOWED = declare_rule(
    "RB304",
    "approver-not-allowed",
    ERROR,
    "The approver is not allowed to approve as that role",
    Family.APPROVALS,
)
STALE = declare_rule(
    "RB305",
    "stale-approval",
    ERROR,
    "An approval was given for different content than the document has now",
    Family.APPROVALS,
)
UNKNOWN_ROLE = declare_rule(
    "RB306", "unknown-role", ERROR, "An approval role the policy does not define", Family.APPROVALS
)
BAD_SUPPRESSION = declare_rule(
    "RB307",
    "bad-suppression",
    WARNING,
    "A suppression names an unknown code or one a file may not silence",
    Family.POLICY,
)
UNSIGNED = declare_rule(
    "RB308",
    "unsigned-approval",
    ERROR,
    "Signed mode: an approval without a signature is a claim by name and does not count",
    Family.APPROVALS,
)
BAD_SIGNATURE = declare_rule(
    "RB309",
    "bad-approval-signature",
    ERROR,
    "Signed mode: an approval's signature does not verify against the allowed signers",
    Family.APPROVALS,
)
