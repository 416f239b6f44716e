"""Validate stage: front matter -> JSON Schema diagnostics at the file line of each key."""

from __future__ import annotations

import difflib
import json
import os
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from runbookc import doctypes
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic, Severity
from runbookc.lint.catalog.documents import (
    BAD_DATE,
    BAD_DOC_ID,
    BAD_TYPE,
    DATE_ORDER,
    MISSING_KEY,
    SCHEMA,
    UNKNOWN_KEY,
)
from runbookc.model import Document, KeyPath
from runbookc.pipeline.front_settings import FrontSettings, front_settings

_ID_MARK = "x-runbookc-id"  # an id node of a schema: which [tool.runbookc.ids] key it takes
_OWN_ID = "doc_id"  # the mark of a type's own doc_id: the pattern of the type's name


def schema_text(doc_type: str, settings: Settings | None = None) -> str:
    """The schema of the type named `doc_type`: as written, or with the id patterns and
    required keys of `settings` (what `validate` checks against)."""
    if settings is None:
        return _schema_file(doctypes.TYPES[doc_type].schema)
    schema = _effective(doctypes.TYPES[doc_type].schema, _shape(doc_type, settings))
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _schema_file(schema: str) -> str:
    """A relative name is one of the shipped schemas."""
    if os.path.isabs(schema):
        return Path(schema).read_text("utf-8")
    return (resources.files("runbookc") / "schema" / schema).read_text("utf-8")


# What of the settings a type's schema depends on (hashable: schemas are cached by it):
# its id nodes' patterns by mark, and whether `approvals` is required.
_Shape = tuple[tuple[tuple[str, str], ...], bool]


def _shape(doc_type: str, settings: Settings) -> _Shape:
    front = front_settings(settings)
    own = front.ids.get(doc_type, doctypes.TYPES[doc_type].id_pattern)
    ids = {**front.ids, _OWN_ID: own}
    return tuple(sorted(ids.items())), doc_type in front.gated


@cache
def _effective(schema: str, shape: _Shape) -> dict[str, Any]:
    """A type's JSON Schema, read once, with the settings' pattern on each id node and
    `approvals` required when approvals gate the type."""
    loaded: dict[str, Any] = json.loads(_schema_file(schema))
    ids, gated = shape
    _set_patterns(loaded, dict(ids))
    if gated and "approvals" in loaded["properties"]:
        loaded["required"] = [*loaded["required"], "approvals"]
    return loaded


def _set_patterns(node: Any, ids: dict[str, str]) -> None:
    if isinstance(node, dict):
        mark = node.get(_ID_MARK)
        if isinstance(mark, str) and mark in ids:
            node["pattern"] = ids[mark]
        for value in node.values():
            _set_patterns(value, ids)
    elif isinstance(node, list):
        for value in node:
            _set_patterns(value, ids)


@cache
def _shared(schemas: tuple[str, ...]) -> dict[str, Any]:
    """The keys every type defines alike (and requires), for front matter whose type is
    missing or unknown, so its other problems are reported all the same. Other keys are
    allowed: without a type, none is known to be wrong."""
    loaded = [json.loads(_schema_file(schema)) for schema in schemas]
    first = loaded[0]
    shared = {
        key: node
        for key, node in first["properties"].items()
        if all(other["properties"].get(key) == node for other in loaded)
    }
    shared["doc_id"] = {"$ref": "#/$defs/id"}  # its pattern depends on the type
    required = set.intersection(*(set(s["required"]) for s in loaded)) - {"type"}
    return {
        "$schema": first["$schema"],
        "type": "object",
        "required": [key for key in first["required"] if key in required],
        "$defs": first["$defs"],
        "properties": shared,
    }


def validator_for(doc_type: str | None, settings: Settings) -> Any:
    """The validator of a type (None: of the keys all types share), built once per process
    and settings (checking its schema is most of that)."""
    if doc_type is None:
        return _shared_validator(tuple(t.schema for t in doctypes.TYPES.values()))
    return _type_validator(doctypes.TYPES[doc_type].schema, _shape(doc_type, settings))


@cache
def _type_validator(schema: str, shape: _Shape) -> Any:
    return _validator(_effective(schema, shape))


@cache
def _shared_validator(schemas: tuple[str, ...]) -> Any:
    return _validator(_shared(schemas))


def _validator(schema: dict[str, Any]) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_inlined(schema), format_checker=FormatChecker())


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with each `$ref` to one of its own `$defs` (one that refers to nothing
    itself) replaced, where it stood, by `allOf: [that definition]`: the same checks and
    the same errors, without the look-up jsonschema makes for a reference at every value
    it checks (a third of validating a runbook's front matter)."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        target = _definition(node.get("$ref"), defs)
        if target is None or "allOf" in node:
            return {key: inline(value) for key, value in node.items()}
        return {
            ("allOf" if key == "$ref" else key): [target] if key == "$ref" else inline(value)
            for key, value in node.items()
        }

    return {key: inline(value) for key, value in schema.items()}


def _definition(ref: Any, defs: dict[str, Any]) -> Any:
    """The definition `ref` names (`#/$defs/NAME`), when it has no keyword of its own that
    depends on where it stands (`$ref`, `$id`, `$anchor`, ...); else None."""
    prefix = "#/$defs/"
    if not isinstance(ref, str) or not ref.startswith(prefix):
        return None
    target = defs.get(ref[len(prefix) :])
    return target if isinstance(target, dict) and not _refers(target) else None


def _refers(node: Any) -> bool:
    if isinstance(node, list):
        return any(_refers(item) for item in node)
    if isinstance(node, dict):
        return any(key.startswith("$") or _refers(value) for key, value in node.items())
    return False


def validate(document: Document, settings: Settings) -> list[Diagnostic]:
    """Every finding about the front matter at once: with a missing or unknown type, the
    keys all types share are still checked."""
    front = front_settings(settings)
    data = document.front.data
    doc_type = data.get("type")
    known = isinstance(doc_type, str) and doctypes.get(doc_type) is not None
    refused = ("type",) in document.front.refused  # its tag is reported
    diags = [] if known or refused else [_bad_type(document, doc_type)]
    checked = {k: v for k, v in data.items() if k not in front.ignore_keys}
    validator = validator_for(doc_type if known else None, settings)
    errors = [e for e in validator.iter_errors(checked) if not _refused(document, e)]
    # An id that fails its setting's pattern and the shape both is reported once, as an id.
    bad_ids = {tuple(e.absolute_path) for e in errors if _is_id_error(e)}
    for error in errors:
        shape = error.validator == "pattern" and not _is_id_error(error)
        if shape and tuple(error.absolute_path) in bad_ids:
            continue
        diags += _to_diagnostics(document, error, front)
    diags += _check_date_order(document)
    return sorted(diags, key=Diagnostic.sort_key)


def _refused(document: Document, error: Any) -> bool:
    """Whether the error is about a value the loader refused (and reported)."""
    key_path = tuple(error.absolute_path)
    return any(key_path[: len(r)] == r for r in document.front.refused)


def _is_id_error(error: Any) -> bool:
    return error.validator == "pattern" and isinstance(error.schema.get(_ID_MARK), str)


def _bad_type(document: Document, doc_type: object) -> Diagnostic:
    front = document.front
    path = document.path
    known = doctypes.names()
    line = front.line_of(("type",))
    if doc_type is None:
        return BAD_TYPE(
            path,
            line,
            "front matter has no `type`",
            hint=f"add `type:` with one of: {', '.join(known)}",
        )
    return BAD_TYPE(
        path,
        line,
        f"unknown document type {doc_type!r}",
        column=_value_column(document, line),
        hint=_did_you_mean(str(doc_type), known)
        or f"runbookc's types are {', '.join(known)} (another tool's `type` cannot stay); "
        "`runbookc new TYPE` writes a document with the front matter runbookc reads",
    )


def _to_diagnostics(document: Document, error: Any, front: FrontSettings) -> list[Diagnostic]:
    """One schema error -> diagnostics at the file line of the key (one per unknown key)."""
    key_path: KeyPath = tuple(error.absolute_path)
    path = document.path
    dotted = _dotted(key_path) or "front matter"
    line = document.front.line_of(key_path)
    if error.validator == "additionalProperties":
        return _unknown_keys(document, error, front)
    if error.validator == "required":
        # jsonschema reports one error per missing key, as "'<key>' is a required property"
        missing = next(
            (k for k in error.validator_value if error.message.startswith(f"{k!r} ")), "?"
        )
        where = f" in `{dotted}`" if key_path else ""
        present = [k for k in error.instance if k not in error.schema.get("properties", {})]
        close = difflib.get_close_matches(missing, present, n=1, cutoff=0.6)
        hint = (
            f"`{close[0]}` at line {document.front.line_of((*key_path, close[0]))} looks like a "
            "misspelling"
            if close
            else None
        )
        return [MISSING_KEY(path, line, f"required key `{missing}` is missing{where}", hint=hint)]
    column = _value_column(document, line)
    if error.schema.get("format") == "date":
        return [
            BAD_DATE(
                path,
                line,
                f"`{dotted}`: {error.instance!r} is not a real date",
                column=column,
                hint="write dates as YYYY-MM-DD, e.g. 2026-02-26",
            )
        ]
    if _is_id_error(error):
        return [_bad_id(document, error, error.schema[_ID_MARK], line, column)]
    if error.validator == "enum":
        options = [str(v) for v in error.validator_value]
        hint = _did_you_mean(str(error.instance), options) or f"one of: {', '.join(options)}"
        message = f"`{dotted}`: {error.instance!r} is not allowed"
        return [SCHEMA(path, line, message, column=column, hint=hint)]
    return [SCHEMA(path, line, f"`{dotted}`: {error.message}", column=column)]


def _unknown_keys(document: Document, error: Any, front: FrontSettings) -> list[Diagnostic]:
    """Keys no schema knows: at the top level as `unknown_keys` says (another tool's keys
    may be welcome), inside runbookc's own blocks always an error."""
    key_path: KeyPath = tuple(error.absolute_path)
    if not key_path and front.unknown_keys == "allow":
        return []
    allowed = list(error.schema.get("properties", {}))
    severity = Severity.WARNING if not key_path and front.unknown_keys == "warning" else None
    found = []
    for key in error.instance:
        if key in allowed:
            continue
        line = document.front.line_of((*key_path, key))
        hint = _did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
        if severity:  # where the team keeps other tools' keys, say how to keep this one
            hint += "; another tool's key can stay: list it in [tool.runbookc] ignore_keys"
        diag = UNKNOWN_KEY(
            document.path,
            line,
            f"unknown key `{_dotted((*key_path, key))}`",
            column=_key_column(document, line, key),
            hint=hint,
        )
        found.append(diag.with_severity(severity) if severity else diag)
    return found


def _bad_id(document: Document, error: Any, mark: str, line: int, column: int) -> Diagnostic:
    """An id that does not match its pattern, naming the pattern and its setting."""
    key_path: KeyPath = tuple(error.absolute_path)
    doc_type = document.doc_type
    key = doc_type if mark == _OWN_ID else mark
    setting = f"[tool.runbookc.ids] {key}"
    pattern = error.validator_value
    default = pattern == doctypes.SLUG_ID
    hint = (
        f"by default ({setting} unset) an id is a slug: a letter or digit, then letters, "
        "digits, `.`, `_` or `-` (an alert name such as KubePodCrashLooping is one)"
        if default
        else f"the pattern is {setting} in the settings"
    )
    if key_path == ("doc_id",):
        message = f"doc_id {error.instance!r} does not match the {doc_type} id pattern {pattern!r}"
        return BAD_DOC_ID(document.path, line, message, column=column, hint=hint)
    what = "an alert id" if mark == doctypes.ALERT_ID else f"a {mark} id"
    message = f"`{_dotted(key_path)}`: {error.instance!r} is not {what}: no match for {pattern!r}"
    return SCHEMA(document.path, line, message, column=column, hint=hint)


def _dotted(key_path: KeyPath) -> str:
    return ".".join(str(p) for p in key_path)


def _check_date_order(document: Document) -> list[Diagnostic]:
    data = document.front.data
    try:
        created = date.fromisoformat(str(data["created_at"]))
        updated = date.fromisoformat(str(data["updated_at"]))
    except (KeyError, ValueError):
        return []  # missing or invalid dates are reported by the schema
    if updated >= created:
        return []
    line = document.front.line_of(("updated_at",))
    return [
        DATE_ORDER(
            document.path,
            line,
            f"updated_at {updated} is before created_at {created}",
            column=_value_column(document, line),
        )
    ]


def _key_column(document: Document, line: int, key: str) -> int:
    text = document.text.split("\n", line)[line - 1] if line >= 1 else ""
    return text.find(key) + 1 or 1


def _value_column(document: Document, line: int) -> int:
    """Column of the value on a front matter line: after `key:` or a list item's `- `."""
    text = document.text.split("\n", line)[line - 1] if line >= 1 else ""
    stripped = text.lstrip()
    if stripped.startswith("- "):
        start = len(text) - len(stripped) + 2
    else:
        colon = text.find(":")
        if colon < 0:
            return 1
        start = colon + 1
    rest = text[start:]
    return start + 1 + (len(rest) - len(rest.lstrip()))


def _did_you_mean(word: str, options: Any) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
