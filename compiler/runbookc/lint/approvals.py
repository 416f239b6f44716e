"""Approvals policy: who must approve a document, who did, and whether it still holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from runbookc.approvals.state import (
    ApprovalPolicy,
    ApprovalState,
    Approver,
    Proof,
    approval_policy,
    approval_state,
)
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog.approvals import (
    BAD_SIGNATURE,
    NO_APPROVER,
    NOT_ALLOWED,
    PENDING,
    ROLE_NOT_REQUIRED,
    STALE,
    UNKNOWN_ROLE,
    UNSIGNED,
)
from runbookc.model import Document

_BLOCK = "approvals"


def check_document(doc: Document, settings: Settings) -> Iterator[Diagnostic]:
    """A document's approvals against the policy: they depend on nothing else, so this runs
    where the document is compiled and its findings are cached with it."""
    block = doc.front.data.get(_BLOCK)
    if isinstance(block, dict):
        yield from _check(doc, block, approval_policy(settings))


def _check(doc: Document, block: dict[str, Any], policy: ApprovalPolicy) -> Iterator[Diagnostic]:
    state = approval_state(doc, policy)
    front = doc.front
    for index, role in enumerate(state.required):
        if not policy.knows(role):
            yield _unknown_role(doc, role, (_BLOCK, "required", index), policy)
    entries = block.get("approved_by")
    indexed = [
        i for i, e in enumerate(entries if isinstance(entries, list) else []) if isinstance(e, dict)
    ]
    for index, approver in zip(indexed, state.approvers, strict=True):
        yield from _entry(doc, index, approver, state, policy)
    status_line = front.line_of((_BLOCK, "status"))
    declared = block.get("status")
    if declared == "approved":
        recorded = {a.role for a in state.approvers}
        for role in state.required:
            if role not in recorded:
                yield NO_APPROVER(
                    doc.path,
                    status_line,
                    f"status is approved, but no {role} approval is recorded",
                    hint=f"an approver runs `runbookc approve {doc.path} --role {role} --by NAME`",
                )
    elif (
        doc.doc_type in policy.gate
        and doc.front.data.get("status") == "active"
        and (state.missing or declared == "rejected")
    ):
        yield _pending(doc, state, status_line, str(declared))


def _entry(
    doc: Document, index: int, approver: Approver, state: ApprovalState, policy: ApprovalPolicy
) -> Iterator[Diagnostic]:
    key = (_BLOCK, "approved_by", index)
    front = doc.front
    if not policy.knows(approver.role):
        yield _unknown_role(doc, approver.role, (*key, "role"), policy)
    elif approver.role not in state.required:
        yield ROLE_NOT_REQUIRED(
            doc.path,
            front.line_of((*key, "role")),
            f"{approver.by} approved as {approver.role}, which this document does not require "
            f"(required: {', '.join(state.required) or 'none'})",
            hint="remove the entry, or add the role to approvals.required",
        )
    if not policy.allows(approver.role, approver.by):
        allowed = ", ".join(policy.approvers.get(approver.role, ()))
        yield NOT_ALLOWED(
            doc.path,
            front.line_of((*key, "by")),
            f"{approver.by} may not approve as {approver.role} (allowed: {allowed or 'nobody'})",
            hint="[tool.runbookc.approvals] approvers says who may approve as which role",
        )
    if not approver.current:
        yield STALE(
            doc.path,
            front.line_of(key),
            f"{approver.role} approval by {approver.by} ({approver.at}) is stale: the document "
            f"changed after it was approved (approved {_short(approver.digest)}, "
            f"now {_short(state.digest)})",
            hint=f"review the change, then `runbookc approve {doc.path} "
            f"--role {approver.role} --by NAME`",
        )
    elif approver.proof is Proof.UNSIGNED:
        yield UNSIGNED(
            doc.path,
            front.line_of(key),
            f"{approver.role} approval by {approver.by} ({approver.at}) has no signature: "
            "it is a claim by name and does not count",
            hint=f"{approver.by} runs `runbookc approve {doc.path} --role {approver.role} "
            f"--by {approver.by} --key ~/.ssh/KEY`",
        )
    elif approver.proof is Proof.FORGED:
        yield BAD_SIGNATURE(
            doc.path,
            front.line_of((*key, "signature")),
            f"{approver.role} approval by {approver.by} ({approver.at}): the signature does not "
            f"verify for {approver.by} against {policy.allowed_signers} (not their key, "
            "not this content, or the key was not valid on that date); it does not count",
            hint="the approval was edited after signing or made with another key: "
            "approve again with a key listed for the name",
        )


def _pending(doc: Document, state: ApprovalState, line: int, declared: str) -> Diagnostic:
    request = f" (request `{state.request_id}`)" if state.request_id else ""
    if declared == "rejected":
        message = f"approval was rejected{request}; the runbook is active"
    else:
        roles = ", ".join(state.missing)
        message = f"{roles} approval pending{request}"
    return PENDING(
        doc.path,
        line,
        message,
        hint=f"an approver runs `runbookc approve {doc.path} "
        f"--role {state.missing[0] if state.missing else 'ROLE'} --by NAME`",
    )


def _unknown_role(doc: Document, role: str, key: tuple, policy: ApprovalPolicy) -> Diagnostic:
    return UNKNOWN_ROLE(
        doc.path,
        doc.front.line_of(key),
        f"role `{role}` is not defined by the approvals policy",
        hint=f"roles: {', '.join(policy.roles)} ([tool.runbookc.approvals] roles)",
    )


def _short(digest: str) -> str:
    return digest[:19] + "…" if len(digest) > 19 else digest or "no digest"
