"""What a block in a bash fence is when it is not shell: a PromQL query, YAML, JSON, log
lines or a Go template pasted under ```bash. Such a block is shown on the page and gets no
script. Conservative: only a block whose every line has the other language's shape (and,
where shell could read it too, that bash cannot parse) is named; anything else stays shell."""

from __future__ import annotations

import json
import re

from runbookc.scripts.sessions import PRINTED_SETTING
from runbookc.scripts.shellparse import parse_block

# PromQL: a function applied to an expression, an aggregation with by/without, a label
# selector with a quoted value, a range, or vector matching.
_PROMQL = re.compile(
    r"\b(?:sum|avg|min|max|count|topk|bottomk|rate|irate|increase|delta|deriv|absent|"
    r"histogram_quantile|label_replace|scalar|vector|predict_linear)\s*"
    r"(?:(?:by|without)\s*\([^)]*\)\s*)?\("
    r"|[A-Za-z_:][\w:]*\{[^{}]*[=~!]\s*\"[^\"]*\"[^{}]*\}"
    r"|\[\d+[smhdwy]\]"
    r"|\b(?:on|ignoring|group_left|group_right)\s*\("
)
# YAML: `key:` or `key: value`, `- item`; the lines of a `key: |` block scalar follow.
_YAML_KEY = re.compile(r"\s*(?:-\s+)?[\w\"'./-]+:(?:\s.*)?")
_YAML_ITEM = re.compile(r"\s*-(?:\s.*)?")
_BLOCK_SCALAR = re.compile(r".*:\s*[|>][+-]?\s*")
# `key = value` or `[section]` (TOML, INI, crio.conf): bash would run a command named `key`.
_SETTING = re.compile(r"[A-Za-z_][\w.-]*\s+=\s+\S.*|\[[A-Za-z][\w.\"-]*\]")
# A sentence in double quotes on a line of its own.
_MESSAGE = re.compile(r'"[^"$`\\]*\s[^"$`\\]*"')
# Log lines: klog (`I0611 11:13:35.048771`), ISO and syslog timestamps, event listings.
_LOG = re.compile(
    r"\s*(?:[IWEF]\d{4} \d\d:\d\d:\d\d"
    r"|\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d"
    r"|(?:Normal|Warning)\s{2,}\S"
    r"|\"\w+\"=)"  # logfmt with quoted keys: `"msg"="..." "database"=...`
)


def looks_like(content: str) -> str | None:
    """What the block is when it is not shell ("PromQL", "YAML", ...); None when it may be
    shell."""
    stripped = content.strip()
    if stripped[:1] in ("{", "[") and _json(stripped):
        return "JSON"
    if stripped.startswith("{{"):  # the first line that is not blank starts so
        return "a Go template"
    meaningful = [
        line
        for line in content.split("\n")
        if line.strip() and not line.lstrip().startswith(("#", "//"))
    ]
    if not meaningful:
        return None
    # Every line a log line, or one quoted sentence (an error message quoted as it appears):
    # as shell each would run a command named by its first word, which no runbook means.
    if all(_LOG.match(line) for line in meaningful):
        return "log output"
    if all(_MESSAGE.fullmatch(line.strip()) for line in meaningful):
        return "a quoted message"
    if all(_SETTING.fullmatch(line.strip()) for line in meaningful):
        return "configuration (`key = value`)"
    if all(PRINTED_SETTING.fullmatch(line.strip()) for line in meaningful):
        return "command output (`key=value` lines)"
    unreadable = bool(parse_block(content).error)
    if _yaml(meaningful) and (unreadable or len(meaningful) > 1):
        return "YAML"
    if not unreadable:
        return None
    if any(_PROMQL.search(line) for line in meaningful):
        return "a PromQL query"
    return None


def _json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _yaml(lines: list[str]) -> bool:
    """Every line a YAML key, list item or line of a block scalar; one key at least."""
    keys = 0
    scalar_indent: int | None = None  # inside a `key: |` block: its key's indentation
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if scalar_indent is not None and indent > scalar_indent:
            continue
        scalar_indent = None
        if _YAML_KEY.fullmatch(line):
            keys += 1
            if _BLOCK_SCALAR.fullmatch(line):
                scalar_indent = indent
        elif not _YAML_ITEM.fullmatch(line):
            return False
    return keys > 0
