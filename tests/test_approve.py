"""`runbookc approve`: a text edit of the approvals lines only, and what lint says after it.

Every test works on a copy of the corpus in a temp dir, never on runbooks/.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

SEED_NAME = "ops/ai_slot_build_runbook.md"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repo's settings and corpus; the working directory is its root."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "runbooks", tmp_path / "runbooks")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def changed_lines(before: bytes, after: bytes) -> list[str]:
    """The diff as `-line` / `+line` entries (line endings kept)."""
    old = before.decode().splitlines(keepends=True)
    new = after.decode().splitlines(keepends=True)
    return [
        line
        for line in difflib.unified_diff(old, new, n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def seed_findings(cli, path: str) -> list[tuple[str, int, str]]:
    """The approval findings (the seed's script findings, RB4xx, are not about approval)."""
    report = cli("lint", path, "--format", "json").json()
    return [
        (d["code"], d["line"], d["message"])
        for d in report["diagnostics"]
        if not d["code"].startswith("RB4")
    ]


def test_approving_a_copy_of_the_seed_clears_the_pending_finding(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    before = seed.read_bytes()
    path = f"runbooks/{SEED_NAME}"
    pending = seed_findings(cli, path)
    assert [(c, line) for c, line, _ in pending] == [("RB301", 13)]
    assert "issue-205-ai-repair" in pending[0][2]

    done = cli("approve", path, "--role", "Owner", "--by", "a.petrov", "--date", "2026-03-03")
    assert done.code == 0, done.err
    after = seed.read_bytes()
    digest = after.decode().split('digest: "')[1].split('"')[0]
    assert changed_lines(before, after) == [
        "-  status: pending\n",
        "+  status: approved\n",
        "+  approved_by:\n",
        "+    - role: Owner\n",
        '+      by: "a.petrov"\n',
        "+      at: 2026-03-03\n",
        f'+      digest: "{digest}"\n',
    ]
    assert seed_findings(cli, path) == []
    strict = cli("lint", "--strict", "--format", "json").json()["diagnostics"]
    assert {d["code"] for d in strict} == {"RB404"}  # only the seed's own `|| true` lines

    # editing one command brings back a stale approval, at the approved_by entry
    edited = after.replace(
        b'--since=6h \\\n  | grep -E "MANIFEST', b'--since=12h \\\n  | grep -E "MANIFEST', 1
    )
    assert edited != after
    seed.write_bytes(edited)
    stale = seed_findings(cli, path)
    assert [(c, line) for c, line, _ in stale] == [("RB305", 16)]
    assert "a.petrov" in stale[0][2] and "stale" in stale[0][2]

    # approving again replaces the stale entry: only its date and digest lines change
    assert (
        cli("approve", path, "--role", "Owner", "--by", "a.petrov", "--date", "2026-03-04").code
        == 0
    )
    again = seed.read_bytes()
    diff = changed_lines(edited, again)
    assert [line[:9] for line in diff] == ["-      at", "-      di", "+      at", "+      di"]
    assert seed_findings(cli, path) == []


def test_crlf_file_keeps_crlf_and_changes_only_the_approval_lines(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    crlf = seed.read_bytes().replace(b"\n", b"\r\n")
    seed.write_bytes(crlf)
    path = f"runbooks/{SEED_NAME}"
    assert cli("approve", path, "--role", "Owner", "--by", "a.petrov").code == 0
    after = seed.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")
    diff = changed_lines(crlf, after)
    assert all(line.endswith("\r\n") for line in diff)
    assert [line.split(":")[0] for line in diff] == [
        "-  status",
        "+  status",
        "+  approved_by",
        "+    - role",
        "+      by",
        "+      at",
        "+      digest",
    ]
    assert seed_findings(cli, path) == []


def test_approve_refuses_role_not_required_or_person_not_allowed(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    before = seed.read_bytes()
    path = f"runbooks/{SEED_NAME}"
    not_allowed = cli("approve", path, "--role", "Owner", "--by", "mallory")
    assert not_allowed.code == 1
    assert "RB304" in not_allowed.out and "mallory may not approve as Owner" in not_allowed.out
    not_required = cli("approve", path, "--role", "SRE", "--by", "a.petrov")
    assert not_required.code == 1
    assert "RB303" in not_required.out and "`SRE` is not a required role" in not_required.out
    unknown = cli("approve", path, "--role", "Boss", "--by", "a.petrov")
    assert unknown.code == 1 and "RB306" in unknown.out
    assert "nothing was changed" in unknown.err
    assert seed.read_bytes() == before


def test_approve_refuses_a_file_with_errors(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    broken = seed.read_bytes().replace(
        b"`docs/ops/slo_ai_slot_build_pipeline.md`", b"`docs/ops/slo.md`"
    )
    seed.write_bytes(broken)
    result = cli("approve", f"runbooks/{SEED_NAME}", "--role", "Owner", "--by", "a.petrov")
    assert result.code == 1
    assert "RB203" in result.out and "the file has errors" in result.err
    assert seed.read_bytes() == broken


def test_approve_usage_errors(cli, corpus: Path) -> None:
    missing = cli("approve", "runbooks/ops/nope.md", "--role", "Owner", "--by", "a.petrov")
    assert missing.code == 2 and "no such file" in missing.err
    bad_date = cli(
        "approve", f"runbooks/{SEED_NAME}", "--role", "Owner", "--by", "x", "--date", "2026-02-30"
    )
    assert bad_date.code == 2 and "not a YYYY-MM-DD date" in bad_date.err


def test_approve_keeps_other_roles_pending(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    two_roles = seed.read_bytes().replace(b'required: ["Owner"]', b'required: ["Owner", "SRE"]')
    seed.write_bytes(two_roles)
    path = f"runbooks/{SEED_NAME}"
    done = cli("approve", path, "--role", "SRE", "--by", "s.ivanova")
    assert done.code == 0 and "pending (Owner)" in done.out
    findings = seed_findings(cli, path)
    assert [(c, line) for c, line, _ in findings] == [("RB301", 13)]
    assert findings[0][2].startswith("Owner approval pending")
    assert b"  status: pending\n" in seed.read_bytes()
    assert cli("approve", path, "--role", "Owner", "--by", "a.petrov").code == 0
    assert seed_findings(cli, path) == []
    text = seed.read_text()
    assert text.count("    - role: ") == 2 and "  status: approved\n" in text


def test_flow_style_approvals_are_refused_not_mangled(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    text = seed.read_text()
    block = text[text.index("approvals:\n") : text.index("---", 10)]
    flow = text.replace(
        block,
        'approvals: {required: ["Owner"], status: pending, request_id: "issue-205-ai-repair"}\n',
    )
    seed.write_text(flow)
    result = cli("approve", f"runbooks/{SEED_NAME}", "--role", "Owner", "--by", "a.petrov")
    assert result.code == 1
    assert "cannot edit the front matter safely" in result.err
    assert "nothing was changed" in result.err
    assert seed.read_text() == flow


LAYOUTS = {
    # approvals in the middle, followed by another key
    "middle": (
        "---\ndoc_id: RB-T-0001\napprovals:\n  required: [Owner]\n  status: pending  # ask\n"
        "tags: [x]\n---\nbody\n",
        "---\ndoc_id: RB-T-0001\napprovals:\n  required: [Owner]\n  status: approved  # ask\n"
        '  approved_by:\n    - role: Owner\n      by: "a"\n      at: 2026-01-01\n'
        '      digest: "D"\ntags: [x]\n---\nbody\n',
    ),
    # an empty flow list is rewritten as a block list
    "empty list": (
        "---\napprovals:\n    required: [Owner]\n    approved_by: []\n    status: pending\n---\n",
        "---\napprovals:\n    required: [Owner]\n    approved_by:\n      - role: Owner\n"
        '        by: "a"\n        at: 2026-01-01\n        digest: "D"\n    status: approved\n---\n',
    ),
    # another role's entry stays; the new one is appended after it, before the blank line
    "append": (
        "---\napprovals:\n  required: [SRE, Owner]\n  status: pending\n  approved_by:\n"
        "  - role: SRE\n    by: s\n    at: 2026-01-01\n    digest: X\n\nother: 1\n---\n",
        "---\napprovals:\n  required: [SRE, Owner]\n  status: approved\n  approved_by:\n"
        "  - role: SRE\n    by: s\n    at: 2026-01-01\n    digest: X\n  - role: Owner\n"
        '    by: "a"\n    at: 2026-01-01\n    digest: "D"\n\nother: 1\n---\n',
    ),
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_record_edits_only_the_approval_lines(name: str) -> None:
    from runbookc.approvals.record import Approval, record
    from runbookc.pipeline.load import load_bytes

    before, expected = LAYOUTS[name]
    document, diags = load_bytes(before.encode(), "x.md")
    assert document is not None and diags == []
    result = record(before.encode(), document, Approval("Owner", "a", "2026-01-01", "D"), True)
    assert result.decode() == expected


def test_approving_through_a_symlink_keeps_the_link(cli, corpus: Path) -> None:
    seed = corpus / "runbooks" / SEED_NAME
    real = corpus / "real.md"
    seed.rename(real)
    seed.symlink_to(real)
    assert cli("approve", f"runbooks/{SEED_NAME}", "--role", "Owner", "--by", "a.petrov").code == 0
    assert seed.is_symlink()
    assert "  status: approved\n" in real.read_text()
