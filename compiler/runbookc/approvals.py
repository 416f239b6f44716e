"""Approvals bound to content: the digest of what was approved, and the state it is in now."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from runbookc.config import ConfigError, Settings
from runbookc.model import DOC_TYPES, Document

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
    digest: str = ""  # the current content digest

    @property
    def ok(self) -> bool:
        return self.status in ("approved", "none")


def approval_state(document: Document) -> ApprovalState:
    block: Any = document.front.data.get("approvals")
    if not isinstance(block, dict):
        return ApprovalState("none", "", (), (), ())
    digest = content_digest(document)
    required = tuple(str(r) for r in _list(block.get("required")))
    approvers = tuple(
        Approver(
            role=str(entry.get("role", "")),
            by=str(entry.get("by", "")),
            at=str(entry.get("at", "")),
            digest=str(entry.get("digest", "")),
            current=entry.get("digest") == digest,
        )
        for entry in _list(block.get("approved_by"))
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
    request_id = str(block.get("request_id", ""))
    return ApprovalState(status, request_id, required, missing, approvers, digest)


@dataclass(frozen=True)
class ApprovalPolicy:
    """[tool.runbookc.approvals]: which roles exist, who may approve as which role, and
    which document types a pending approval is reported for."""

    roles: tuple[str, ...] = ()  # empty: any role name is accepted
    approvers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unlisted: anyone
    gate: tuple[str, ...] = ("runbook",)

    def knows(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def allows(self, role: str, name: str) -> bool:
        allowed = self.approvers.get(role)
        return allowed is None or name in allowed


_POLICY_KEYS = ("roles", "approvers", "gate")


def approval_policy(settings: Settings) -> ApprovalPolicy:
    """The approvals policy from settings; a malformed table is a ConfigError."""
    table = settings.table("approvals")
    where = "[tool.runbookc.approvals]"
    unknown = sorted(set(table) - set(_POLICY_KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_POLICY_KEYS)})")
    roles = _names(table.get("roles", []), f"{where} roles")
    approvers_table = table.get("approvers", {})
    if not isinstance(approvers_table, dict):
        raise ConfigError(f"{where} approvers must be a table of role = [names]")
    approvers = {
        str(role): _names(names, f"{where} approvers.{role}")
        for role, names in approvers_table.items()
    }
    for role in approvers:
        if roles and role not in roles:
            raise ConfigError(f"{where} approvers: role {role!r} is not one of roles {list(roles)}")
    gate = _names(table.get("gate", ["runbook"]), f"{where} gate")
    for doc_type in gate:
        if doc_type not in DOC_TYPES:
            raise ConfigError(f"{where} gate: {doc_type!r} is not a document type {DOC_TYPES}")
    return ApprovalPolicy(roles, approvers, gate)


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def _list(value: Any) -> list[Any]:
    """A list value, or none: a malformed one is the schema's finding, not ours."""
    return value if isinstance(value, list) else []
