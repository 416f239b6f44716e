"""Record an approval: who approved which role, when, and a digest of the approved content.

Edits only the front matter lines of `approvals` (the role's entry in `approved_by`, and
`status` once every required role is approved); every other byte stays as it was. When
the document changes later, `runbookc lint` reports the approval as stale. In signed mode
(`[tool.runbookc.approvals] signing = "ssh"`) the entry also holds the approver's SSH
signature, made with `--key` and checked against allowed_signers before anything is written.

Refuses (exit 1, with diagnostics) when the file has errors, the role is not required by
the document, the person may not approve as that role, or the key cannot sign as them.
Exit 2 on a usage problem (a name, role or date the schema would reject, a missing key),
checked before anything is read or written.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from runbookc.report.escape import printable


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the document to approve")
    parser.add_argument("--role", required=True, help="the required role approved, e.g. Owner")
    parser.add_argument("--by", required=True, metavar="NAME", help="who approves")
    parser.add_argument(
        "--date", type=_day, metavar="YYYY-MM-DD", help="approval date (default: today, UTC)"
    )
    parser.add_argument(
        "-k",
        "--key",
        type=Path,
        metavar="PATH",
        help="signed mode: the SSH key to sign with (a private key, or a public key whose "
        "private half an ssh-agent holds)",
    )


def _check_arguments(args: argparse.Namespace, signed: bool) -> None:
    """The role and name as the schema would judge the entry, and the key the mode needs:
    a usage error before anything is read or written."""
    from runbookc.errors import UsageError
    from runbookc.pipeline.validate import schema_text

    approvals = json.loads(schema_text("runbook"))["properties"]["approvals"]
    fields = approvals["properties"]["approved_by"]["items"]["properties"]
    for option, name in (("--role", "role"), ("--by", "by")):
        problem = _schema_problem(fields[name], getattr(args, name))
        if problem:
            raise UsageError(f"{option} {getattr(args, name)!r}: {problem}")
    if signed and args.key is None:
        raise UsageError("signed approvals ([tool.runbookc.approvals] signing) need --key PATH")
    if not signed and args.key is not None:
        raise UsageError("--key: approvals are not signed here ([tool.runbookc.approvals] signing)")
    if signed and not args.key.is_file():
        raise UsageError(f"--key {str(args.key)!r}: no such file")


def _schema_problem(schema: dict[str, object], value: str) -> str:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema).iter_errors(value), key=lambda e: e.validator)
    if not errors:
        return ""
    error = errors[0]
    if error.validator == "minLength":
        return "must not be empty"
    if error.validator == "maxLength":
        return f"is longer than {error.validator_value} characters"
    return str(schema.get("description") or error.message)


def run(args: argparse.Namespace) -> int:
    import os
    import tempfile
    from datetime import UTC, datetime

    from runbookc.approvals.record import Approval, RecordError, record
    from runbookc.approvals.signing import SigningError, approval_message, sign, verify
    from runbookc.approvals.state import approval_policy, approval_state
    from runbookc.commands.settings import command_settings
    from runbookc.commands.wiring import lint_targets
    from runbookc.diagnostics import Diagnostic, Severity
    from runbookc.errors import UsageError
    from runbookc.lint.approvals import (
        BAD_SIGNATURE,
        NO_APPROVER,
        NOT_ALLOWED,
        PENDING,
        ROLE_NOT_REQUIRED,
        STALE,
        UNKNOWN_ROLE,
        UNSIGNED,
    )
    from runbookc.report import Summary, render

    settings = command_settings(args.config)
    policy = approval_policy(settings)
    _check_arguments(args, policy.signer is not None)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    result = lint_targets([args.file], settings)
    # the findings an approval resolves do not block it
    resolved = {PENDING.code, NO_APPROVER.code, STALE.code, UNSIGNED.code, BAD_SIGNATURE.code}
    blocking = [
        d for d in result.diagnostics if d.severity is Severity.ERROR and d.code not in resolved
    ]
    documents = result.documents

    def refuse(diagnostics: list[Diagnostic], why: str) -> int:
        sys.stdout.write(render("text", diagnostics, Summary.of(1, diagnostics)))
        print(f"runbookc: approve: {args.file}: {why}; nothing was changed", file=sys.stderr)
        return 1

    if blocking or not documents:
        return refuse(blocking, "the file has errors, fix them first")
    doc = documents[0]
    block = doc.front.data.get("approvals")
    if not isinstance(block, dict):
        raise UsageError(f"{args.file}: no `approvals` block; add approvals.required first")
    state = approval_state(doc, policy)
    where = doc.front.line_of(("approvals", "required"))
    if not policy.knows(args.role):
        return refuse(
            [UNKNOWN_ROLE(doc.path, where, f"role `{args.role}` is not defined by the policy")],
            "unknown role",
        )
    if args.role not in state.required:
        message = f"`{args.role}` is not a required role (required: {', '.join(state.required)})"
        return refuse([ROLE_NOT_REQUIRED(doc.path, where, message)], "role not required")
    if not policy.allows(args.role, args.by):
        allowed = ", ".join(policy.approvers.get(args.role, ()))
        message = f"{args.by} may not approve as {args.role} (allowed: {allowed})"
        return refuse([NOT_ALLOWED(doc.path, where, message)], "approver not allowed")
    day = args.date or datetime.now(UTC).date().isoformat()
    signature = ""
    if policy.signer is not None:
        payload = approval_message(doc.doc_id, args.role, args.by, day, state.digest)
        try:
            signature = sign(policy.signer.ssh_keygen, args.key, payload)
        except SigningError as exc:
            failed = printable(str(exc))  # ssh-keygen's words
            print(f"runbookc: approve: cannot sign with {args.key}: {failed}", file=sys.stderr)
            return 1
        if not verify(policy.signer, args.by, payload, signature, day):
            message = (
                f"the key {args.key} is not listed for {args.by} in {policy.allowed_signers} "
                f"(or not valid on {day}), so lint would not accept this approval"
            )
            return refuse([BAD_SIGNATURE(doc.path, where, message)], "signature not accepted")
    approval = Approval(args.role, args.by, day, state.digest, signature)
    complete = not (set(state.missing) - {args.role})
    data = path.read_bytes()
    try:
        updated = record(data, doc, approval, complete)
    except RecordError as exc:
        print(
            f"runbookc: approve: {args.file}: cannot edit the front matter safely ({exc}); "
            "record the approval by hand; nothing was changed",
            file=sys.stderr,
        )
        return 1
    # write beside the file (the link's target, for a symlink), then rename: a failed
    # write leaves the source as it was
    target = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(updated)
        os.chmod(tmp, target.stat().st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    still = ", ".join(sorted(set(state.missing) - {args.role}))
    status = "approved" if complete else f"pending ({still})"
    signed = "signed" if signature else "unsigned"
    print(
        f"{doc.path}: recorded {args.role} approval by {args.by} on {day} "
        f"({state.digest}, {signed})"
    )
    print(f"{doc.path}: approvals.status: {status}")
    return 0
