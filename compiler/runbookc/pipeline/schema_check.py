"""A quick test that front matter certainly satisfies its JSON Schema.

jsonschema spends most of its time on bookkeeping (an evolved validator and a resolver for
every subschema it descends into) even when nothing is wrong, as with most documents. The
test here is compiled once from the schema into plain closures. It answers True only when
jsonschema would report no error, and False when it finds a problem or meets a value it
does not model exactly (a float where an integer is expected, a list of mixed items to
check for duplicates): the caller then asks jsonschema, whose errors make the diagnostics.
So the findings are jsonschema's whatever this test answers; only their cost changes.
Nor does it need jsonschema itself: a run whose documents all pass never imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

Check = Callable[[Any], bool]

# Keywords that never make an instance invalid.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "title", "description", "examples", "default"}
)
# Exact types, stricter than jsonschema's: an integer-valued float is an "integer" there,
# and a bool is never a number (here neither is a float subclass, which YAML never makes).
_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda value: type(value) is dict,
    "array": lambda value: type(value) is list,
    "string": lambda value: type(value) is str,
    "integer": lambda value: type(value) is int,
    "number": lambda value: type(value) in (int, float),
    "boolean": lambda value: type(value) is bool,
    "null": lambda value: value is None,
}
_SCALARS = (str, int, float, bool, type(None))


class Unsupported(Exception):
    """The schema uses a keyword or value this module does not model."""


def compile_check(schema: Any) -> Check | None:
    """The quick test for `schema`, or None when it uses anything not modelled here (the
    caller then always runs jsonschema)."""
    try:
        return _compile(schema)
    except Unsupported:
        return None


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda value: True
    if not isinstance(schema, dict):
        raise Unsupported(repr(schema))
    checks: list[Check] = []
    for keyword, argument in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        make = _KEYWORDS.get(keyword)
        if make is None:
            raise Unsupported(keyword)
        checks.append(make(argument, schema))
    return _all(checks)


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return lambda value: all(one(value) for one in checks)


def _type(argument: Any, schema: dict[str, Any]) -> Check:
    names = [argument] if isinstance(argument, str) else argument
    if not isinstance(names, list) or not all(name in _TYPES for name in names):
        raise Unsupported(f"type {argument!r}")
    tests = [_TYPES[name] for name in names]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _properties(argument: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(argument, dict):
        raise Unsupported("properties")
    subchecks = [(key, _compile(sub)) for key, sub in argument.items()]

    return lambda value: (
        type(value) is not dict or all(sub(value[key]) for key, sub in subchecks if key in value)
    )


def _additional_properties(argument: Any, schema: dict[str, Any]) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    known = frozenset(schema.get("properties", ()))
    extra = _compile(argument) if argument is not False else None

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return True
        for key in value:
            if key not in known and (extra is None or not extra(value[key])):
                return False
        return True

    return check


def _required(argument: Any, schema: dict[str, Any]) -> Check:
    keys = list(argument)
    return lambda value: type(value) is not dict or all(key in value for key in keys)


def _items(argument: Any, schema: dict[str, Any]) -> Check:
    if "prefixItems" in schema:
        raise Unsupported("prefixItems")
    sub = _compile(argument)
    return lambda value: type(value) is not list or all(sub(item) for item in value)


def _unique_items(argument: Any, schema: dict[str, Any]) -> Check:
    if not argument:
        return lambda value: True

    def check(value: Any) -> bool:
        if type(value) is not list:
            return True
        # Only where Python's equality is jsonschema's (no 1 == True, no 1 == 1.0).
        kinds = {type(item) for item in value}
        if not kinds <= {str} and kinds != {int}:
            return False
        return len(set(value)) == len(value)

    return check


def _size(kind: type, bound: str) -> Callable[[Any, dict[str, Any]], Check]:
    """minLength/maxLength (kind str) and minItems (kind list): a bound on len()."""

    def make(argument: Any, schema: dict[str, Any]) -> Check:
        if type(argument) is not int:
            raise Unsupported(f"{bound} size of {kind.__name__}")
        if bound == "min":
            return lambda value: type(value) is not kind or len(value) >= argument
        return lambda value: type(value) is not kind or len(value) <= argument

    return make


def _pattern(argument: Any, schema: dict[str, Any]) -> Check:
    pattern = re.compile(argument)  # jsonschema: re.search(pattern, value)
    return lambda value: type(value) is not str or pattern.search(value) is not None


def _format(argument: Any, schema: dict[str, Any]) -> Check:
    known = _FORMATS.get(argument)
    if known is None:
        raise Unsupported(f"format {argument!r}")
    return known


# jsonschema's FormatChecker on "date": a string must be YYYY-MM-DD in ASCII digits and a
# real date (`date.fromisoformat`); any other type conforms.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Check] = {"date": _is_date}


def _enum(argument: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(argument, list) or not all(isinstance(v, _SCALARS) for v in argument):
        raise Unsupported("enum")
    options = [(type(option), option) for option in argument]
    # Same type and equal: equal for jsonschema too.
    return lambda value: any(type(value) is kind and value == v for kind, v in options)


def _const(argument: Any, schema: dict[str, Any]) -> Check:
    return _enum([argument], schema)


def _bound(compare: Callable[[Any, Any], bool]) -> Callable[[Any, dict[str, Any]], Check]:
    def make(argument: Any, schema: dict[str, Any]) -> Check:
        if type(argument) not in (int, float):
            raise Unsupported("numeric bound")
        return lambda value: type(value) not in (int, float) or compare(value, argument)

    return make


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "required": _required,
    "items": _items,
    "uniqueItems": _unique_items,
    "minItems": _size(list, "min"),
    "minLength": _size(str, "min"),
    "maxLength": _size(str, "max"),
    "pattern": _pattern,
    "format": _format,
    "enum": _enum,
    "const": _const,
    "minimum": _bound(lambda value, bound: value >= bound),
    "maximum": _bound(lambda value, bound: value <= bound),
    "exclusiveMinimum": _bound(lambda value, bound: value > bound),
    "exclusiveMaximum": _bound(lambda value, bound: value < bound),
}
