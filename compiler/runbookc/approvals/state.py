"""Approvals bound to content: the digest of what was approved, who vouches for it, and the
state it is in now.

Two modes ([tool.runbookc.approvals] signing): "none" (the default), where an approval is a
name in the file that code review vouches for, and "ssh", where it counts only with an SSH
signature by a key the repository's allowed_signers file lists for that name.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from runbookc import doctypes
from runbookc.approvals.signing import Signer, approval_message, find_ssh_keygen, verify
from runbookc.config import ConfigError, Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.model import Document

# Front matter keys that may change without invalidating an approval: the approval record
# itself, the edit date, and per-file lint settings. Of `approvals`, `required` is covered:
# which roles must approve is part of what is approved.
_UNSIGNED_KEYS = frozenset({"approvals", "updated_at", "lint"})


def content_digest(document: Document) -> str:
    """sha256 over the front matter (less _UNSIGNED_KEYS, plus approvals.required; canonical
    JSON) and the body."""
    data = document.front.data
    signed = {k: v for k, v in data.items() if k not in _UNSIGNED_KEYS}
    block = data.get("approvals")
    if isinstance(block, dict):
        signed["approvals"] = {"required": block.get("required")}
    canonical = json.dumps(signed, sort_keys=True, ensure_ascii=False, default=str)
    payload = canonical + "\n" + document.body
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Proof(StrEnum):
    """What vouches for an approval of the current content."""

    CLAIMED = "claimed"  # unsigned mode: a name in the file, trusted through code review
    SIGNED = "signed"  # signed mode: a good signature by a key listed for the name
    UNSIGNED = "unsigned"  # signed mode, no signature: a claim that does not count
    FORGED = "forged"  # signed mode, the signature does not verify: does not count
    NONE = "none"  # the approval is of other content (stale): nothing to vouch for


@dataclass(frozen=True)
class Approver:
    role: str
    by: str
    at: str
    digest: str
    current: bool  # whether it approved the content as it is now
    proof: Proof = Proof.CLAIMED

    @property
    def counts(self) -> bool:
        """A current approval that its mode accepts."""
        return self.current and self.proof in (Proof.CLAIMED, Proof.SIGNED)


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


def approval_state(document: Document, policy: ApprovalPolicy) -> ApprovalState:
    block: Any = document.front.data.get("approvals")
    if not isinstance(block, dict):
        return ApprovalState("none", "", (), (), ())
    digest = content_digest(document)
    required = tuple(str(r) for r in _list(block.get("required")))
    approvers = tuple(
        _approver(document, entry, entry.get("digest") == digest, policy)
        for entry in _list(block.get("approved_by"))
        if isinstance(entry, dict)
    )
    approved_roles = {a.role for a in approvers if a.counts}
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


def approval_states(documents: Sequence[Document], settings: Settings) -> dict[str, ApprovalState]:
    """Every document's approval state, by path. In signed mode each signature is one
    ssh-keygen run (about 5 ms of CPU): they run side by side in threads."""
    policy = approval_policy(settings)
    if policy.signer is None or len(documents) < 2:
        return {doc.path: approval_state(doc, policy) for doc in documents}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        states = pool.map(lambda doc: approval_state(doc, policy), documents)
        return {doc.path: state for doc, state in zip(documents, states, strict=True)}


def _approver(
    document: Document, entry: dict[str, Any], current: bool, policy: ApprovalPolicy
) -> Approver:
    role, by = str(entry.get("role", "")), str(entry.get("by", ""))
    at, digest = str(entry.get("at", "")), str(entry.get("digest", ""))
    signature = entry.get("signature")
    if not current:
        proof = Proof.NONE
    elif policy.signer is None:
        proof = Proof.CLAIMED
    elif not isinstance(signature, str) or not signature:
        proof = Proof.UNSIGNED
    else:
        message = approval_message(document.doc_id, role, by, at, digest)
        good = verify(policy.signer, by, message, signature, at)
        proof = Proof.SIGNED if good else Proof.FORGED
    return Approver(role, by, at, digest, current, proof)


@dataclass(frozen=True)
class ApprovalPolicy:
    """[tool.runbookc.approvals]: which roles exist, who may approve as which role, and
    which document types a pending approval is reported for."""

    roles: tuple[str, ...] = ()  # empty: any role name is accepted
    approvers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # unlisted: anyone
    gate: tuple[str, ...] = ()
    signer: Signer | None = None  # signed mode: how signatures are checked
    allowed_signers: str = ""  # signed mode: the file as the settings name it

    def knows(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def allows(self, role: str, name: str) -> bool:
        allowed = self.approvers.get(role)
        return allowed is None or name in allowed


declare(
    Key("approvals", Kind.TABLE, "", "who must approve what, and how an approval is verified"),
    Key("approvals.roles", Kind.STRINGS, "[]", "the roles an approval may name (empty: any)"),
    Key("approvals.approvers", Kind.MAP, "{}", "ROLE = [names] who may approve as that role"),
    Key(
        "approvals.gate",
        Kind.STRINGS,
        "[]",
        "document types whose documents must carry approvals (RB301 when pending)",
    ),
    Key("approvals.signing", Kind.STRING, '"none"', '"none" (names in the file) or "ssh" (signed)'),
    Key(
        "approvals.allowed_signers",
        Kind.STRING,
        None,
        'with signing = "ssh": the keys file, in the repository',
    ),
)
_SIGNING = ("none", "ssh")


_POLICIES: dict[tuple[Path, str], ApprovalPolicy] = {}


def approval_policy(settings: Settings) -> ApprovalPolicy:
    """The approvals policy from settings (read once per process: every document asks);
    a malformed table is a ConfigError."""
    key = (settings.root, settings.fingerprint)
    if key not in _POLICIES:
        _POLICIES[key] = _read_policy(settings)
    return _POLICIES[key]


def _read_policy(settings: Settings) -> ApprovalPolicy:
    table = settings.table("approvals")
    where = "[tool.runbookc.approvals]"
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
    # Nothing is gated unless the team says so: its documents then need no `approvals`.
    gate = _names(table.get("gate", []), f"{where} gate")
    for doc_type in gate:
        if doctypes.get(doc_type) is None:
            known = doctypes.names()
            raise ConfigError(f"{where} gate: {doc_type!r} is not a document type {known}")
    signer, allowed = _signing(table, settings.root, where)
    return ApprovalPolicy(roles, approvers, gate, signer, allowed)


def _signing(table: dict[str, Any], root: Path, where: str) -> tuple[Signer | None, str]:
    """Signed mode's checker, or none: the allowed_signers file must lie in the repository
    (that is what puts it under code review) and be readable, and ssh-keygen must exist."""
    mode = table.get("signing", "none")
    if mode not in _SIGNING:
        raise ConfigError(f"{where} signing: {mode!r} is not one of {', '.join(_SIGNING)}")
    name = table.get("allowed_signers")
    if mode == "none":
        if name is not None:
            raise ConfigError(f'{where} allowed_signers is used only with signing = "ssh"')
        return None, ""
    if not isinstance(name, str) or not name:
        raise ConfigError(f'{where}: signing = "ssh" needs allowed_signers = "PATH"')
    path = root / name
    if Path(name).is_absolute() or not path.resolve().is_relative_to(root.resolve()):
        raise ConfigError(f"{where} allowed_signers: {name!r} is not a path in the repository")
    try:
        if not path.is_file():
            raise ConfigError(f"{where} allowed_signers: {name} is not a file")
        allowed = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{where} allowed_signers: cannot read {name}: {exc.strerror}") from None
    ssh_keygen = find_ssh_keygen()
    if ssh_keygen is None:
        raise ConfigError(f'{where}: signing = "ssh" needs ssh-keygen (OpenSSH): not found')
    return Signer(ssh_keygen, allowed), name


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return tuple(value)


def _list(value: Any) -> list[Any]:
    """A list value, or none: a malformed one is the schema's finding, not ours."""
    return value if isinstance(value, list) else []
