"""Recording an approval as a text edit of the front matter.

Only the lines of `approvals.approved_by` (the entry for the role) and `approvals.status`
change; every other byte of the file stays as it was, line endings included. The edit is
checked by loading the result: if it does not parse to exactly the intended front matter
and the same body (an unusual layout, e.g. a flow mapping), nothing is written.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from runbookc.model import Document, FrontMatter
from runbookc.pipeline.load import load_bytes

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_PLAIN_ROLE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_YAML_WORDS = frozenset({"yes", "no", "y", "n", "true", "false", "on", "off", "null"})
_STATUS = re.compile(r"^(\s*status:\s*)([^#\r\n]*?)(\s*(?:#[^\r\n]*)?)(\r\n|\r|\n)?$")
_BOM = b"\xef\xbb\xbf"


class RecordError(Exception):
    """The front matter could not be edited safely."""


@dataclass(frozen=True)
class Approval:
    role: str
    by: str
    at: str  # YYYY-MM-DD
    digest: str
    signature: str = ""  # signed mode: the base64 body of the SSH signature

    def as_dict(self) -> dict[str, str]:
        entry = {"role": self.role, "by": self.by, "at": self.at, "digest": self.digest}
        return entry | ({"signature": self.signature} if self.signature else {})


def record(data: bytes, document: Document, approval: Approval, complete: bool) -> bytes:
    """The file's bytes with `approval` recorded; `complete` sets approvals.status to
    approved. `document` is `data` loaded."""
    bom = _BOM if data.startswith(_BOM) else b""
    lines = _LINE.findall(data[len(bom) :].decode("utf-8"))
    front = document.front
    eol = _ending(lines[front.start_line - 1])
    block = front.data["approvals"]
    if complete and block.get("status") != "approved":
        index = front.line_of(("approvals", "status")) - 1
        match = _STATUS.match(lines[index])
        if not match:
            raise RecordError(f"line {index + 1}: cannot find the `status:` value to set")
        prefix, _, comment, ending = match.groups()
        lines[index] = f"{prefix}approved{comment}{ending or ''}"
    edits: dict[int, list[str]] = {}  # 0-based line index -> replacement lines
    entries = block.get("approved_by")
    if isinstance(entries, list) and entries:
        _replace_or_append(lines, front, entries, approval, eol, edits)
    else:
        _add_list(lines, front, approval, eol, edits)
    result = bom + "".join(_apply(lines, edits)).encode("utf-8")
    _verify(result, document, approval, complete)
    return result


def _replace_or_append(
    lines: list[str],
    front: FrontMatter,
    entries: list[Any],
    approval: Approval,
    eol: str,
    edits: dict[int, list[str]],
) -> None:
    key = ("approvals", "approved_by")
    starts = [front.line_of((*key, i)) - 1 for i in range(len(entries))]
    end = _block_end(lines, front, key)
    first = lines[starts[0]]
    dash = len(first) - len(first.lstrip())
    if first.lstrip()[:1] != "-":
        raise RecordError(f"line {starts[0] + 1}: approved_by is not a block list")
    inner = dash + len(first.lstrip()) - len(first.lstrip()[1:].lstrip())
    new = _entry_lines(approval, " " * dash, " " * inner, eol)
    for i, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("role") == approval.role:
            stop = starts[i + 1] if i + 1 < len(starts) else end
            while stop - 1 > starts[i] and not lines[stop - 1].strip():
                stop -= 1
            edits[starts[i]] = new
            for index in range(starts[i] + 1, stop):
                edits[index] = []
            return
    edits[end - 1] = [lines[end - 1], *new]


def _add_list(
    lines: list[str], front: FrontMatter, approval: Approval, eol: str, edits: dict[int, list[str]]
) -> None:
    child = lines[front.line_of(("approvals", "required")) - 1]
    indent = child[: len(child) - len(child.lstrip())]
    if not indent:
        raise RecordError("approvals is not a block mapping")
    entry = _entry_lines(approval, indent + "  ", indent + "    ", eol)
    existing = front.key_lines.get(("approvals", "approved_by"))
    if existing is not None:  # `approved_by: []`
        edits[existing - 1] = [f"{indent}approved_by:{eol}", *entry]
        return
    end = _block_end(lines, front, ("approvals",))
    edits[end - 1] = [lines[end - 1], f"{indent}approved_by:{eol}", *entry]


def _block_end(lines: list[str], front: FrontMatter, key: tuple[str, ...]) -> int:
    """0-based index one past the last non-blank line of the block at `key`."""
    start = front.key_lines[key]
    # the first key after it at its own depth or shallower ends it
    later = [
        line for path, line in front.key_lines.items() if len(path) <= len(key) and line > start
    ]
    stop = min(later, default=front.end_line) - 1  # 0-based index of the next sibling
    while stop - 1 >= start and not lines[stop - 1].strip():
        stop -= 1
    return stop


def _entry_lines(approval: Approval, dash: str, inner: str, eol: str) -> list[str]:
    role = approval.role
    if not (_PLAIN_ROLE.fullmatch(role) and role.lower() not in _YAML_WORDS):
        role = json.dumps(role, ensure_ascii=False)
    lines = [
        f"{dash}- role: {role}{eol}",
        f"{inner}by: {json.dumps(approval.by, ensure_ascii=False)}{eol}",
        f"{inner}at: {approval.at}{eol}",
        f"{inner}digest: {json.dumps(approval.digest)}{eol}",
    ]
    if approval.signature:
        lines.append(f"{inner}signature: {json.dumps(approval.signature)}{eol}")
    return lines


def _apply(lines: list[str], edits: dict[int, list[str]]) -> list[str]:
    out: list[str] = []
    for index, line in enumerate(lines):
        out += edits.get(index, [line])
    return out


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :] or "\n"


def _verify(result: bytes, document: Document, approval: Approval, complete: bool) -> None:
    loaded, _ = load_bytes(result, document.path)
    expected = copy.deepcopy(document.front.data)
    block = expected["approvals"]
    entries = block.get("approved_by") or []
    same_role = [
        i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("role") == approval.role
    ]
    if same_role:
        entries[same_role[0]] = approval.as_dict()
    else:
        entries.append(approval.as_dict())
    block["approved_by"] = entries
    if complete:
        block["status"] = "approved"
    if loaded is None or loaded.front.data != expected or loaded.body != document.body:
        raise RecordError(
            "the edited front matter would not read back as intended (an unusual layout of "
            "`approvals`?); record the approval by hand"
        )
