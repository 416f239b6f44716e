"""A quick acceptance check compiled from a JSON Schema, run before jsonschema itself.

jsonschema spends most of a valid document's validation descending into subschemas. Most
documents are valid, so the schema is also compiled into plain predicates that accept only
values the schema accepts: a document they accept has no schema error, and any other
(including valid ones they are unsure of) is validated by jsonschema in full, which words
the diagnostics. Every predicate errs on the side of "unsure": integers must be `int`, an
enum value must have the very type of an option, unique items must be hashable. A schema
with a keyword not handled here gets no precheck at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only describe: they never make a value invalid.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "examples"})
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
    "object": (dict,),
}
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SCALARS = (str, int, float, bool, type(None))
_HASHED = (str, int, type(None))  # no floats: NaN is not equal to itself


class Unsupported(Exception):
    """The schema uses something the precheck does not handle."""


def compile_precheck(schema: Any) -> Check | None:
    """A predicate true only for values `schema` accepts, or None."""
    try:
        return _compile(schema)
    except Unsupported:
        return None


def _compile(schema: Any) -> Check:
    if not isinstance(schema, dict):
        raise Unsupported(schema)
    checks = [_keyword(schema, name, value) for name, value in schema.items()]
    checks = [check for check in checks if check is not None]
    return lambda value: all(check(value) for check in checks)


def _keyword(schema: dict[str, Any], name: str, value: Any) -> Check | None:
    """The check for one keyword of `schema` (None when it cannot fail)."""
    if name in _ANNOTATIONS:
        return None
    if name == "type":
        names = value if isinstance(value, list) else [value]
        if not all(n in _TYPES for n in names):
            raise Unsupported(value)
        exact = tuple(t for n in names for t in _TYPES[n])
        return lambda v: type(v) in exact
    if name in ("enum", "const"):
        options = value if name == "enum" else [value]
        if not isinstance(options, list) or not all(isinstance(o, _SCALARS) for o in options):
            raise Unsupported(value)
        return lambda v: any(type(v) is type(o) and v == o for o in options)
    if name == "pattern":
        pattern = re.compile(value)
        return lambda v: not isinstance(v, str) or pattern.search(v) is not None
    if name == "format":
        if value != "date":
            raise Unsupported(value)
        return lambda v: not isinstance(v, str) or _is_date(v)
    if name in ("minLength", "maxLength", "minItems", "maxItems"):
        kind = str if name.endswith("Length") else list
        least = name.startswith("min")
        return lambda v: not isinstance(v, kind) or (len(v) >= value if least else len(v) <= value)
    if name in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        compare: Callable[[Any], bool] = {
            "minimum": lambda v: v >= value,
            "maximum": lambda v: v <= value,
            "exclusiveMinimum": lambda v: v > value,
            "exclusiveMaximum": lambda v: v < value,
        }[name]
        return lambda v: type(v) not in (int, float) or compare(v)
    if name == "items":
        item = _compile(value)
        return lambda v: not isinstance(v, list) or all(item(i) for i in v)
    if name == "uniqueItems":
        return None if value is False else _unique
    if name == "required":
        return lambda v: not isinstance(v, dict) or all(key in v for key in value)
    if name == "properties":
        properties = {key: _compile(sub) for key, sub in value.items()}
        return lambda v: (
            not isinstance(v, dict)
            or all(properties[key](v[key]) for key in v.keys() & properties.keys())
        )
    if name == "additionalProperties":
        known = schema.get("properties", {}).keys()
        extra = (lambda _: False) if value is False else _compile(value)
        return lambda v: not isinstance(v, dict) or all(extra(v[key]) for key in v.keys() - known)
    raise Unsupported(name)


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _unique(value: Any) -> bool:
    """Certainly unique: strings, integers or nulls, no two equal (1 and True count as equal
    here, not in JSON Schema: that only makes the check unsure)."""
    if not isinstance(value, list):
        return True
    if not all(isinstance(item, _HASHED) for item in value):
        return False
    return len(set(value)) == len(value)
