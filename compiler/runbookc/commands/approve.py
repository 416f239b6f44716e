"""Record an approval: who approved which role, when, and a digest of the approved content.

Edits only the front matter lines of `approvals` (the role's entry in `approved_by`, and
`status` once every required role is approved); every other byte stays as it was. When
the document changes later, `runbookc lint` reports the approval as stale.

Refuses (exit 1, with diagnostics) when the file has errors, the role is not required by
the document, or the person may not approve as that role. Exit 2 on a usage problem.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


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


def run(args: argparse.Namespace) -> int:
    import os
    import tempfile
    from datetime import UTC, datetime
    from pathlib import Path

    from runbookc.approval_record import Approval, RecordError, record
    from runbookc.approvals import approval_policy, approval_state
    from runbookc.config import load_settings
    from runbookc.corpus import UsageError
    from runbookc.diagnostics import Diagnostic, Severity
    from runbookc.lint.approvals import (
        NO_APPROVER,
        NOT_ALLOWED,
        PENDING,
        ROLE_NOT_REQUIRED,
        STALE,
        UNKNOWN_ROLE,
    )
    from runbookc.pipeline import lint
    from runbookc.report import Summary, render

    settings = load_settings(args.config)
    policy = approval_policy(settings)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    result = lint([args.file], settings)
    # the findings an approval resolves do not block it
    resolved = {PENDING.code, NO_APPROVER.code, STALE.code}
    blocking = [
        d for d in result.diagnostics if d.severity is Severity.ERROR and d.code not in resolved
    ]
    documents = result.corpus.documents

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
    state = approval_state(doc)
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
    approval = Approval(args.role, args.by, day, state.digest)
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
    print(f"{doc.path}: recorded {args.role} approval by {args.by} on {day} ({state.digest})")
    print(f"{doc.path}: approvals.status: {status}")
    return 0
