"""Approvals bound to a person: signed mode (`signing = "ssh"`) counts an approval only with
an SSH signature by a key the repository's allowed_signers lists for the name; unsigned
mode keeps names as claims and says so. The digest covers `approvals.required`.

Keys are made per test with `ssh-keygen -t ed25519 -N ''` under tmp_path; HOME points there
too, so nothing reads or writes the user's ~/.ssh.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

DOC = """---
doc_id: RB-TEST-0001
type: runbook
title: "Test runbook"
status: active
owner_role: SRE
created_at: 2026-01-10
updated_at: 2026-01-12
approvals:
  required: REQUIRED
  status: pending
  request_id: "issue-1-test"
---

# Test runbook

## Steps

```bash
kubectl -n test get pods
```
"""
SETTINGS = """[tool.runbookc]
source = "runbooks"
language = "ru"  # the pages' words below

[tool.runbookc.approvals]
roles = ["Owner", "SRE"]
approvers = { Owner = ["a.petrov"] }
"""
SIGNED = 'signing = "ssh"\nallowed_signers = ".approvers/allowed_signers"\n'
PATH = "runbooks/a.md"


def keygen(folder: Path, name: str) -> Path:
    key = folder / "keys" / name
    key.parent.mkdir(exist_ok=True)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


def allow(project: Path, *entries: tuple[str, Path, str]) -> None:
    """Write allowed_signers: (principal, key, options) per line."""
    lines = []
    for name, key, options in entries:
        public = " ".join(key.with_suffix(".pub").read_text().split()[:2])
        lines.append(f"{name} {options} {public}".replace("  ", " "))
    (project / ".approvers" / "allowed_signers").write_text("\n".join(lines) + "\n")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-runbook repository in signed mode where a.petrov's key is allowed."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    (tmp_path / "runbooks").mkdir()
    (tmp_path / ".approvers").mkdir()
    (tmp_path / "pyproject.toml").write_text(SETTINGS + SIGNED)
    (tmp_path / PATH).write_text(DOC.replace("REQUIRED", '["Owner"]'))
    allow(tmp_path, ("a.petrov", keygen(tmp_path, "petrov"), ""))
    keygen(tmp_path, "mallory")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def unsigned(project: Path) -> None:
    (project / "pyproject.toml").write_text(SETTINGS)


def approve(cli, *extra: str, by: str = "a.petrov", role: str = "Owner"):
    return cli("approve", PATH, "--role", role, "--by", by, "--date", "2026-01-12", *extra)


def findings(cli) -> list[tuple[str, int]]:
    report = cli("lint", "--strict", "--format", "json").json()
    return [(d["code"], d["line"]) for d in report["diagnostics"] if d["code"] < "RB400"]


def set_field(project: Path, name: str, value: str) -> None:
    doc = project / PATH
    doc.write_text(re.sub(rf'({name}: )"[^"]*"', rf'\1"{value}"', doc.read_text(), count=1))


def digest_now(project: Path) -> str:
    from runbookc.approvals.state import content_digest
    from runbookc.pipeline.load import load_bytes

    document, _ = load_bytes((project / PATH).read_bytes(), PATH)
    assert document is not None
    return content_digest(document)


def test_a_signed_approval_counts(cli, project: Path) -> None:
    done = approve(cli, "--key", str(project / "keys" / "petrov"))
    assert done.code == 0, done.err
    assert "signed)" in done.out
    text = (project / PATH).read_text()
    assert re.search(r'\n      signature: "U1NIU0lH[A-Za-z0-9+/=]+"\n', text)
    assert "  status: approved\n" in text
    assert findings(cli) == []


def test_a_name_alone_does_not_approve(cli, project: Path) -> None:
    """The issue's `runbookc approve --by a.petrov`, run by anyone."""
    before = (project / PATH).read_bytes()
    refused = approve(cli)
    assert refused.code == 2 and "need --key" in refused.err
    assert (project / PATH).read_bytes() == before
    # the same entry written by hand, with the right digest: reported, and not counted
    approved = before.decode().replace(
        "  status: pending\n",
        '  status: approved\n  approved_by:\n    - role: Owner\n      by: "a.petrov"\n'
        f'      at: 2026-01-12\n      digest: "{digest_now(project)}"\n',
    )
    (project / PATH).write_text(approved)
    assert findings(cli) == [("RB308", 13)]
    pages = cli("lint", "--format", "json").json()["diagnostics"]
    assert "claim by name and does not count" in pages[0]["message"]


def test_a_key_not_listed_for_the_name_is_refused(cli, project: Path) -> None:
    before = (project / PATH).read_bytes()
    refused = approve(cli, "--key", str(project / "keys" / "mallory"))
    assert refused.code == 1
    assert "RB309" in refused.out and "is not listed for a.petrov" in refused.out
    assert "nothing was changed" in refused.err
    assert (project / PATH).read_bytes() == before


def test_forgeries_are_reported_and_do_not_count(cli, project: Path) -> None:
    from runbookc.approvals.signing import approval_message, sign

    assert approve(cli, "--key", str(project / "keys" / "petrov")).code == 0
    good = (project / PATH).read_text()
    signature_line = 18

    # another key's signature over the very same message
    digest = re.search(r'digest: "([^"]+)"', good).group(1)
    message = approval_message("RB-TEST-0001", "Owner", "a.petrov", "2026-01-12", digest)
    set_field(project, "signature", sign("ssh-keygen", project / "keys" / "mallory", message))
    assert findings(cli) == [("RB309", signature_line)]

    # edited after signing: stale, as in unsigned mode
    (project / PATH).write_text(good.replace("get pods", "delete pods"))
    assert findings(cli) == [("RB305", 14)]
    # ... and the digest recomputed without a new signature
    set_field(project, "digest", digest_now(project))
    assert findings(cli) == [("RB309", signature_line)]

    # the date or the role changed after signing
    (project / PATH).write_text(good.replace("at: 2026-01-12", "at: 2026-01-13"))
    assert findings(cli) == [("RB309", signature_line)]

    # `required` changed, digest recomputed: another role may not stand in for the signer
    (project / PATH).write_text(good.replace('["Owner"]', '["Owner", "SRE"]'))
    assert ("RB305", 14) in findings(cli)
    set_field(project, "digest", digest_now(project))
    assert ("RB309", signature_line) in findings(cli)

    (project / PATH).write_text(good)
    assert findings(cli) == []


def test_required_roles_are_part_of_the_digest(cli, project: Path) -> None:
    """Dropping a required role used to leave the remaining approvals current."""
    unsigned(project)
    (project / PATH).write_text(DOC.replace("REQUIRED", '["Owner", "SRE"]'))
    assert approve(cli, role="SRE", by="s.ivanova").code == 0
    assert approve(cli).code == 0
    assert findings(cli) == []
    text = (project / PATH).read_text()
    owner = text.index("    - role: Owner")
    dropped = text[:owner] + text[text.index("---", owner) :]
    (project / PATH).write_text(dropped.replace('["Owner", "SRE"]', '["SRE"]'))
    assert findings(cli) == [("RB305", 14)]


def test_unsigned_mode_labels_approvals_as_claims(cli, project: Path) -> None:
    from runbookc.commands.wiring import lint_targets
    from runbookc.config import load_settings
    from runbookc.pipeline.graph import build_graph
    from runbookc.render.context import Site
    from runbookc.render.document_pages import approval_text
    from runbookc.scripts.extract import plan_scripts

    unsigned(project)
    assert approve(cli).code == 0
    assert findings(cli) == []
    settings = load_settings()
    docs = lint_targets([], settings).documents
    site = Site(settings, docs, build_graph(docs, settings))
    text = approval_text(site, site.approval(docs[0]))
    assert "заявлено: a.petrov (без подписи), Owner, 2026-01-12" in text
    scripts, _ = plan_scripts(docs[0], settings)
    assert "by Owner a.petrov on 2026-01-12, unsigned claim)" in scripts[0].text


def test_signed_mode_pages_and_scripts_follow_the_signature(cli, project: Path) -> None:
    from runbookc.commands.wiring import lint_targets
    from runbookc.config import load_settings
    from runbookc.pipeline.graph import build_graph
    from runbookc.render.context import Site
    from runbookc.render.document_pages import approval_text
    from runbookc.scripts.extract import plan_scripts

    assert approve(cli, "--key", str(project / "keys" / "petrov")).code == 0
    settings = load_settings()

    def views() -> tuple[str, str]:
        docs = lint_targets([], settings, use_cache=False).documents
        site = Site(settings, docs, build_graph(docs, settings))
        scripts, _ = plan_scripts(docs[0], settings)
        return approval_text(site, site.approval(docs[0])), scripts[0].text

    page, script = views()
    assert page.startswith("**согласован**") and "a.petrov (подписано), Owner" in page
    assert "by Owner a.petrov on 2026-01-12)" in script
    set_field(project, "signature", "U1NIU0lH" + "A" * 40)
    page, script = views()
    assert page.startswith("**ожидает согласования**")
    assert "a.petrov (подпись не сходится: не засчитано)" in page
    assert "!! WARNING: runbook RB-TEST-0001 is NOT APPROVED (pending)." in script


def test_keys_are_checked_at_the_approval_date(cli, project: Path) -> None:
    petrov = project / "keys" / "petrov"
    allow(project, ("a.petrov", petrov, 'valid-after="20260101",valid-before="20260201"'))
    late = cli("approve", PATH, "--role", "Owner", "--by", "a.petrov", "--key", str(petrov))
    late_dated = cli(
        "approve", PATH, "--role", "Owner", "--by", "a.petrov", "--key", str(petrov),
        "--date", "2026-03-01",
    )  # fmt: skip
    assert late.code == 1 and late_dated.code == 1 and "not valid on 2026-03-01" in late_dated.out
    assert approve(cli, "--key", str(petrov)).code == 0  # 2026-01-12
    assert findings(cli) == []


def test_changing_allowed_signers_reaches_cached_results(cli, project: Path) -> None:
    assert approve(cli, "--key", str(project / "keys" / "petrov")).code == 0
    assert findings(cli) == []
    assert (project / "build" / "cache").is_dir()
    allow(project, ("a.petrov", project / "keys" / "mallory", ""))  # the key was replaced
    assert findings(cli) == [("RB309", 18)]


def test_the_signer_must_be_allowed_for_the_role(cli, project: Path) -> None:
    mallory = project / "keys" / "mallory"
    allow(project, ("a.petrov", project / "keys" / "petrov", ""), ("mallory", mallory, ""))
    refused = approve(cli, "--key", str(mallory), by="mallory")
    assert refused.code == 1 and "RB304" in refused.out


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('signing = "gpg"', "'gpg' is not one of none, ssh"),
        ('signing = "ssh"', 'needs allowed_signers = "PATH"'),
        ('signing = "ssh"\nallowed_signers = "nope"', "nope is not a file"),
        ('signing = "ssh"\nallowed_signers = "/etc/passwd"', "not a path in the repository"),
        ('signing = "ssh"\nallowed_signers = "../x"', "not a path in the repository"),
        ('allowed_signers = ".approvers/allowed_signers"', 'only with signing = "ssh"'),
    ],
)
def test_bad_signing_settings_are_usage_errors(cli, project: Path, table: str, said: str) -> None:
    (project / "pyproject.toml").write_text(SETTINGS + table + "\n")
    result = cli("lint")
    assert result.code == 2 and said in result.err


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--by", "", "--by '': must not be empty"),
        ("--by", "   ", "no surrounding spaces"),
        ("--by", " a.petrov", "no surrounding spaces"),
        ("--by", "a.petrov\n", "no control or invisible characters"),
        ("--by", "a.pe\x1b[2Jtrov", "no control or invisible characters"),
        ("--by", "a.\u202epetrov", "no control or invisible characters"),
        ("--by", "x" * 101, "longer than 100 characters"),
        ("--role", "", "--role '': must not be empty"),
        ("--role", "1st", "a letter, then letters"),
        ("--role", "Owner\n", "a letter, then letters"),
        ("--date", "2026-13-01", "not a YYYY-MM-DD date"),
        ("--date", "", "not a YYYY-MM-DD date"),
    ],
)
def test_approve_checks_its_arguments_before_writing(
    cli, project: Path, option: str, value: str, said: str
) -> None:
    # anyone may approve as Owner here: the policy does not stand in for the checks
    (project / "pyproject.toml").write_text(
        SETTINGS.replace('approvers = { Owner = ["a.petrov"] }\n', "")
    )
    before = (project / PATH).read_bytes()
    args = {"--role": "Owner", "--by": "a.petrov", "--date": "2026-01-12", option: value}
    result = cli("approve", PATH, *(x for pair in args.items() for x in pair))
    assert result.code == 2, result.out
    assert said in result.err
    assert (project / PATH).read_bytes() == before


def test_key_option_must_fit_the_mode(cli, project: Path) -> None:
    missing = approve(cli, "--key", str(project / "keys" / "nobody"))
    assert missing.code == 2 and "no such file" in missing.err
    unsigned(project)
    stray = approve(cli, "-k", str(project / "keys" / "petrov"))
    assert stray.code == 2 and "approvals are not signed here" in stray.err
