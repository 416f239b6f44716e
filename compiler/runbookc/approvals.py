"""Approvals bound to content: the digest of what was approved, and the state it is in now."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from runbookc.model import Document

# Front matter keys that may change without invalidating an approval: the approval record
# itself, the edit date, and per-file lint settings.
_UNSIGNED_KEYS = frozenset({"approvals", "updated_at", "lint"})


def content_digest(document: Document) -> str:
    """sha256 over the front matter (less _UNSIGNED_KEYS, canonical JSON) and the body."""
    signed = {k: v for k, v in document.front.data.items() if k not in _UNSIGNED_KEYS}
    canonical = json.dumps(signed, sort_keys=True, ensure_ascii=False, default=str)
    payload = canonical + "\n" + document.body
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Approver:
    role: str
    by: str
    at: str
    digest: str
    current: bool  # whether it approved the content as it is now


@dataclass(frozen=True)
class ApprovalState:
    """`status`: approved | pending | stale | rejected | none (no approvals block)."""

    status: str
    request_id: str
    required: tuple[str, ...]
    missing: tuple[str, ...]  # required roles without an approval of the current content
    approvers: tuple[Approver, ...]

    @property
    def ok(self) -> bool:
        return self.status in ("approved", "none")


def approval_state(document: Document) -> ApprovalState:
    block: Any = document.front.data.get("approvals")
    if not isinstance(block, dict):
        return ApprovalState("none", "", (), (), ())
    digest = content_digest(document)
    required = tuple(str(r) for r in block.get("required") or [])
    approvers = tuple(
        Approver(
            role=str(entry.get("role", "")),
            by=str(entry.get("by", "")),
            at=str(entry.get("at", "")),
            digest=str(entry.get("digest", "")),
            current=entry.get("digest") == digest,
        )
        for entry in block.get("approved_by") or []
        if isinstance(entry, dict)
    )
    approved_roles = {a.role for a in approvers if a.current}
    missing = tuple(r for r in required if r not in approved_roles)
    declared = str(block.get("status", "pending"))
    if declared == "rejected":
        status = "rejected"
    elif declared == "approved" and not missing:
        status = "approved"
    elif any(a.role in missing and not a.current for a in approvers):
        status = "stale"
    else:
        status = "pending"
    return ApprovalState(status, str(block.get("request_id", "")), required, missing, approvers)
