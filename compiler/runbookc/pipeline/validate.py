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
from runbookc.diagnostics import Diagnostic
from runbookc.lint.catalog import (
    BAD_DATE,
    BAD_DOC_ID,
    BAD_TYPE,
    DATE_ORDER,
    MISSING_KEY,
    SCHEMA,
    UNKNOWN_KEY,
)
from runbookc.model import Document, KeyPath


def schema_text(doc_type: str) -> str:
    """The schema file of the type named `doc_type`, as written."""
    return _schema_file(doctypes.TYPES[doc_type].schema)


def _schema_file(schema: str) -> str:
    """A relative name is one of the shipped schemas."""
    if os.path.isabs(schema):
        return Path(schema).read_text("utf-8")
    return (resources.files("runbookc") / "schema" / schema).read_text("utf-8")


@cache
def _schema(schema: str, id_pattern: str) -> dict[str, Any]:
    """A type's JSON Schema, read once, with its descriptor's doc_id pattern."""
    loaded: dict[str, Any] = json.loads(_schema_file(schema))
    loaded["properties"]["doc_id"]["pattern"] = id_pattern
    return loaded


def validator_for(doc_type: str) -> Any:
    """The type's validator, built once per process (checking its schema is most of that)."""
    descriptor = doctypes.TYPES[doc_type]
    return _validator(descriptor.schema, descriptor.id_pattern)


@cache
def _validator(schema: str, id_pattern: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_schema(schema, id_pattern), format_checker=FormatChecker())


def validate(document: Document) -> list[Diagnostic]:
    front = document.front
    data = front.data
    path = document.path
    doc_type = data.get("type")
    if not isinstance(doc_type, str) or doctypes.get(doc_type) is None:
        known = doctypes.names()
        line = front.line_of(("type",))
        if doc_type is None:
            return [
                BAD_TYPE(
                    path,
                    line,
                    "front matter has no `type`",
                    hint=f"add `type:` with one of: {', '.join(known)}",
                )
            ]
        return [
            BAD_TYPE(
                path,
                line,
                f"unknown document type {doc_type!r}",
                column=_value_column(document, line),
                hint=_did_you_mean(str(doc_type), known) or f"one of: {', '.join(known)}",
            )
        ]
    errors = validator_for(doc_type).iter_errors(data)
    diags = [diag for error in errors for diag in _to_diagnostics(document, error)]
    diags += _check_date_order(document)
    return sorted(diags, key=Diagnostic.sort_key)


def _to_diagnostics(document: Document, error: Any) -> list[Diagnostic]:
    """One schema error -> diagnostics at the file line of the key (one per unknown key)."""
    key_path: KeyPath = tuple(error.absolute_path)
    front = document.front
    path = document.path
    dotted = _dotted(key_path) or "front matter"
    line = front.line_of(key_path)
    if error.validator == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        return [
            UNKNOWN_KEY(
                path,
                front.line_of((*key_path, key)),
                f"unknown key `{_dotted((*key_path, key))}`",
                column=_key_column(document, front.line_of((*key_path, key)), key),
                hint=_did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}",
            )
            for key in error.instance
            if key not in allowed
        ]
    if error.validator == "required":
        # jsonschema reports one error per missing key, as "'<key>' is a required property"
        missing = next(
            (k for k in error.validator_value if error.message.startswith(f"{k!r} ")), "?"
        )
        where = f" in `{dotted}`" if key_path else ""
        present = [k for k in error.instance if k not in error.schema.get("properties", {})]
        close = difflib.get_close_matches(missing, present, n=1, cutoff=0.6)
        hint = (
            f"`{close[0]}` at line {front.line_of((*key_path, close[0]))} looks like a misspelling"
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
    if key_path == ("doc_id",) and error.validator == "pattern":
        prefix = str(error.validator_value).removeprefix("^").split("-", 1)[0]
        return [
            BAD_DOC_ID(
                path,
                line,
                f"doc_id {error.instance!r} is not of the form {prefix}-<WORDS>-NNNN",
                column=column,
                hint=f"e.g. {prefix}-CK8S-AISLOT-BUILD-0001: the `{prefix}` prefix, upper-case "
                "words and digits joined by dashes, a 4-digit number; one line, no slashes",
            )
        ]
    if error.validator == "enum":
        options = [str(v) for v in error.validator_value]
        hint = _did_you_mean(str(error.instance), options) or f"one of: {', '.join(options)}"
        message = f"`{dotted}`: {error.instance!r} is not allowed"
        return [SCHEMA(path, line, message, column=column, hint=hint)]
    return [SCHEMA(path, line, f"`{dotted}`: {error.message}", column=column)]


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
