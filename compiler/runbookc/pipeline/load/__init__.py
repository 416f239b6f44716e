"""Load stage: file bytes -> front matter with a line for every key, body and its offset.

python-frontmatter and a plain `yaml.safe_load` hide the problems authors most need to see
(an unterminated block becomes `{}`, duplicate keys silently keep the last, aliases expand
without bound, `2026-02-30` is a bare ValueError). So the front matter is split here, its
YAML is parsed once into events that are screened before any value is built, the value is
built from those events node by node, and every problem is a diagnostic at its file line:
frontmatter.py splits it off, yaml_events.py parses and screens it, yaml_values.py builds it.
"""

from __future__ import annotations

import stat
from pathlib import Path

from runbookc.diagnostics import Diagnostic
from runbookc.limits import MAX_FILE_BYTES, MAX_LINE_CHARS
from runbookc.lint.catalog.documents import BOM, NOT_UTF8, NUL_BYTE, TOO_LARGE, UNREADABLE
from runbookc.model import Document, FrontMatter
from runbookc.pipeline.load.frontmatter import no_front_matter, split_front_matter, swallowed_body
from runbookc.pipeline.load.yaml_events import parse_front_matter

_BOM = b"\xef\xbb\xbf"


def load_file(
    path: Path, display: str, *, bare: bool = False
) -> tuple[Document | None, list[Diagnostic]]:
    """Read and load one file; never raises for bad input. `bare`: as load_bytes."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a special file"
            return None, [UNREADABLE(display, None, f"cannot read: {kind}, not a regular file")]
        if info.st_size > MAX_FILE_BYTES:
            return None, [_file_too_large(display, info.st_size)]
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        return None, [UNREADABLE(display, None, f"cannot read: {exc.strerror or exc}")]
    return load_bytes(data, display, bare=bare)


def load_bytes(
    data: bytes, display: str, *, bare: bool = False
) -> tuple[Document | None, list[Diagnostic]]:
    """Decode, split and parse one file's bytes; every problem is a diagnostic. A file
    without front matter is RB004, or with `bare` a document whose front matter is empty
    (for `adopt.adopt` to judge)."""
    if len(data) > MAX_FILE_BYTES:
        return None, [_file_too_large(display, len(data))]
    diags: list[Diagnostic] = []
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
        diags.append(
            BOM(
                display,
                1,
                "file starts with a UTF-8 byte order mark",
                hint="save the file as UTF-8 without BOM",
            )
        )
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode("utf-8")  # valid: the error is the first one
        line, column = _position(before, len(before))
        utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
        return None, [
            *diags,
            NOT_UTF8(
                display,
                line,
                f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
                column=column,
                hint="the file looks like UTF-16; save it as UTF-8"
                if utf16
                else "re-encode the file as UTF-8",
            ),
        ]
    if "\x00" in raw:
        line, column = _position(raw, raw.index("\x00"))
        return None, [
            *diags,
            NUL_BYTE(display, line, "file contains a NUL byte (binary file?)", column=column),
        ]
    text = _normalise(raw)
    lines = text.split("\n")
    if max(map(len, lines)) > MAX_LINE_CHARS:  # the loop only when some line is too long
        number, content = next((n, c) for n, c in enumerate(lines, 1) if len(c) > MAX_LINE_CHARS)
        message = f"line is {len(content)} characters, the limit is {MAX_LINE_CHARS}"
        return None, [*diags, TOO_LARGE(display, number, message)]
    split = split_front_matter(lines, display)
    if split is None:
        if not bare:
            return None, [*diags, no_front_matter(display)]
        empty = FrontMatter({}, {}, start_line=1, end_line=0)
        return Document(path=display, text=text, front=empty, body_line=1), diags
    if isinstance(split, Diagnostic):
        return None, [*diags, split]
    swallowed = swallowed_body(lines, split, display)
    if swallowed is not None:
        diags.append(swallowed)
    front, yaml_diags = parse_front_matter(split, display)
    if front is None:
        return None, [*diags, *yaml_diags]
    document = Document(path=display, text=text, front=front, body_line=split.close_line + 1)
    return document, [*diags, *yaml_diags]


def _normalise(text: str) -> str:
    """LF line endings: CRLF and lone CR count as one line break, as in editors."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of character `index` in `text` (any line endings)."""
    before = _normalise(text[:index])
    start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - start + 1


def _file_too_large(display: str, size: int) -> Diagnostic:
    return TOO_LARGE(display, None, f"file is {size} bytes, the limit is {MAX_FILE_BYTES}")


def body_too_large(display: str, line: int, message: str) -> Diagnostic:
    """RB011 for a body past parse's limits (parse.BodyTooLarge): the load stage owns the
    size limits of what a document may be."""
    return TOO_LARGE(display, line, message)
