"""SSH signatures of approvals, made and checked by OpenSSH's `ssh-keygen -Y` (as git signs
commits): the approver signs a message that names the document, the role, the approver,
the date and the content digest; lint verifies it against the repository's allowed_signers
file, where the approver's name is the principal.

The signature is stored as the base64 body of the armored `SSH SIGNATURE` block (one YAML
scalar, no line breaks). Results are memoised per process only: a verdict kept in a cache
that CI restores would let whoever writes the cache approve anything.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAMESPACE = "runbookc-approval"
_ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_ARMOR_END = "-----END SSH SIGNATURE-----"
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# ssh-keygen reads no locale or config for -Y verify; a fixed environment keeps its
# messages predictable and keeps the caller's environment out of the check.
_VERIFY_ENV = {"LC_ALL": "C", "PATH": "/usr/bin:/bin"}
_TIMEOUT = 30


class SigningError(Exception):
    """ssh-keygen could not sign (no such key, a wrong passphrase, no ssh-keygen)."""


@dataclass(frozen=True)
class Signer:
    """What verification needs: the ssh-keygen to run and the allowed_signers file (its
    bytes, read once, so a check never sees a file that changed during the run)."""

    ssh_keygen: str
    allowed_signers: bytes


def approval_message(doc_id: str, role: str, by: str, at: str, digest: str) -> bytes:
    """The text an approver signs: every field an approval claims, one per line."""
    return (
        f"runbookc approval\ndoc_id: {doc_id}\nrole: {role}\nby: {by}\nat: {at}\ndigest: {digest}\n"
    ).encode()


def sign(ssh_keygen: str, key: Path, message: bytes) -> str:
    """The base64 body of `ssh-keygen -Y sign` over `message` with `key` (a private key,
    or a public key whose private half an ssh-agent holds)."""
    try:
        done = subprocess.run(
            [ssh_keygen, "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
            input=message,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SigningError(f"cannot run {ssh_keygen}: {exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise SigningError(said[-1] if said else f"ssh-keygen exited with {done.returncode}")
    return _body(done.stdout.decode("ascii", errors="replace"))


def verify(signer: Signer, principal: str, message: bytes, signature: str, at: str) -> bool:
    """Whether `signature` is a good signature of `message` by a key that allowed_signers
    lists for `principal`, valid on the day `at` (YYYY-MM-DD)."""
    if not _BASE64.fullmatch(signature) or not principal or "\n" in principal:
        return False
    return _verify(signer, principal, message, signature, at.replace("-", ""))


@lru_cache(maxsize=65536)
def _verify(signer: Signer, principal: str, message: bytes, signature: str, day: str) -> bool:
    # The signature goes through a pipe (it is small: the schema caps it) and the message
    # through stdin; the allowed_signers copy is written once per process.
    read, write = os.pipe()
    try:
        os.write(write, _armor(signature).encode("ascii"))
        os.close(write)
        write = -1
        command = [signer.ssh_keygen, "-Y", "verify", "-f", _allowed_file(signer)]
        command += ["-I", principal, "-n", NAMESPACE, "-s", f"/dev/fd/{read}"]
        command += [f"-Overify-time={day}"]
        done = subprocess.run(
            command,
            input=message,
            capture_output=True,
            timeout=_TIMEOUT,
            env=_VERIFY_ENV,
            pass_fds=(read,),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)
    return done.returncode == 0


@lru_cache(maxsize=4)
def _allowed_file(signer: Signer) -> str:
    """A private copy of the allowed_signers bytes, removed when the process exits."""
    folder = tempfile.TemporaryDirectory(prefix="runbookc-signers-")
    _FOLDERS.append(folder)  # kept alive (and so not deleted) until exit
    path = Path(folder.name, "allowed_signers")
    path.write_bytes(signer.allowed_signers)
    return str(path)


_FOLDERS: list[tempfile.TemporaryDirectory[str]] = []


def _armor(body: str) -> str:
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "\n".join([_ARMOR_BEGIN, *lines, _ARMOR_END]) + "\n"


def _body(armored: str) -> str:
    lines = [line.strip() for line in armored.strip().splitlines()]
    if len(lines) < 3 or lines[0] != _ARMOR_BEGIN or lines[-1] != _ARMOR_END:
        raise SigningError("ssh-keygen did not print an SSH signature")
    body = "".join(lines[1:-1])
    if not _BASE64.fullmatch(body):
        raise SigningError("ssh-keygen printed a malformed SSH signature")
    return body


def find_ssh_keygen() -> str | None:
    """ssh-keygen from the standard system folders first, then PATH."""
    for folder in ("/usr/bin", "/bin", "/usr/local/bin"):
        candidate = os.path.join(folder, "ssh-keygen")
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("ssh-keygen")
