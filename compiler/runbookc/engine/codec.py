"""Plain-data encoding of the model's values, for everything the cache keeps on disk.

A cache restored from elsewhere (CI's shared cache) is untrusted input, so nothing read
back may run code: values are written as JSON and read back strictly against the type
they were written as, driven by the dataclass fields and type hints. Anything of another
shape (a pickle, a torn file, a field of the wrong type) raises CodecError, which the
cache takes for a miss.

A dataclass (or a class whose `__init__` parameters are its attributes, like DocFacts) is
a JSON array of its field values; a tuple or list an array; a dict with str keys an
object, any other dict an array of [key, value] pairs; an Enum its value. `Any` holds
front matter (YAML data: str, int, float, bool, None, lists, mappings with scalar keys);
a mapping whose keys are not all strings is written as {MAP: [[key, value], ...]}.
Decoders are built once per type.

`dumps` writes that JSON with orjson straight from the value (a record's fields reach it
as a tuple through its `default` hook); only what orjson would write otherwise (`Any`,
sets, mappings with other keys) goes through the encoder first.
"""

from __future__ import annotations

import enum
import inspect
import math
import operator
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any

import orjson

# The marker of an `Any` mapping written as [key, value] pairs (a mapping with this one key
# is written that way too, so reading it back is never ambiguous).
MAP = "\0map"

Codec = Callable[[Any], Any]
_SCALARS = (str, int, float, bool, type(None))


class CodecError(ValueError):
    """A value that does not have the shape of the type it is read or written as."""


def frozen(names: dict[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """`names` as the hashable argument `encoder` and `decoder` take."""
    return tuple(sorted(names.items())) if names else ()


@cache
def encoder(tp: Any, names: tuple[tuple[str, Any], ...] = ()) -> Codec:
    """value of type `tp` -> plain data (what json.dumps takes). `names`: extra names the
    type hints refer to (those a module imports only for type checking)."""
    return _recursive(tp, names, encode=True)


@cache
def decoder(tp: Any, names: tuple[tuple[str, Any], ...] = ()) -> Codec:
    """plain data (what json.loads gives) -> value of type `tp`, or CodecError."""
    return _recursive(tp, names, encode=False)


# The codecs being built, so a type that contains itself (a tree) refers to its own codec.
_building: dict[tuple[Any, tuple[tuple[str, Any], ...], bool], list[Codec]] = {}


def _recursive(tp: Any, names: tuple[tuple[str, Any], ...], *, encode: bool) -> Codec:
    key = (tp, names, encode)
    if key in _building:
        cell = _building[key]
        return lambda value: cell[0](value)
    cell = _building[key] = []
    try:
        cell.append(_build(tp, dict(names), encode=encode))
    finally:
        del _building[key]
    return cell[0]


def _build(tp: Any, names: dict[str, Any], *, encode: bool) -> Codec:
    def sub(inner: Any) -> Codec:
        return (encoder if encode else decoder)(inner, tuple(sorted(names.items())))

    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return _encode_any if encode else _decode_any
    if tp in _SCALARS:
        return _scalar(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum(tp, encode=encode)
    if origin in (typing.Union, types.UnionType):
        return _union(args, [sub(a) for a in args], encode=encode)
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return _fixed(tuple, [sub(a) for a in args], encode=encode)
    if origin in (tuple, list, set, frozenset):
        return _sequence(origin, sub(args[0]), encode=encode)
    if origin is dict:
        return _mapping(args[0] is str, sub(args[0]), sub(args[1]), encode=encode)
    if isinstance(tp, type):
        field_types = _field_types(tp, names)
        if encode:
            return _record_encoder(tp, list(field_types), [sub(t) for t in field_types.values()])
        return _record_decoder(tp, [sub(t) for t in field_types.values()])
    raise TypeError(f"no plain-data codec for {tp!r}")


def _scalar(tp: type) -> Codec:
    def check(value: Any) -> Any:
        if type(value) is not tp:
            raise CodecError(f"expected {tp.__name__}, got {type(value).__name__}")
        return value

    return check


def _enum(tp: type[enum.Enum], *, encode: bool) -> Codec:
    if encode:
        return lambda value: _check(value, tp).value

    def decode(value: Any) -> enum.Enum:
        try:
            return tp(value)
        except (ValueError, TypeError):
            raise CodecError(f"not a {tp.__name__}: {value!r}") from None

    return decode


def _union(members: tuple[Any, ...], codecs: list[Codec], *, encode: bool) -> Codec:
    """X | None, or a union of scalars (str | int): the value's own type picks the member."""
    scalars = {m: c for m, c in zip(members, codecs, strict=True) if m in _SCALARS}
    others = [c for m, c in zip(members, codecs, strict=True) if m not in _SCALARS]
    if len(others) > 1:
        raise TypeError(f"no plain-data codec for a union of {members!r}")
    other = others[0] if others else None

    def pick(value: Any) -> Any:
        codec = scalars.get(type(value), other)
        if codec is None:
            raise CodecError(f"{type(value).__name__} is none of {members!r}")
        return codec(value)

    return pick


def _fixed(kind: type, codecs: list[Codec], *, encode: bool) -> Codec:
    def convert(value: Any) -> Any:
        _check(value, tuple if encode else list)
        if len(value) != len(codecs):
            raise CodecError(f"expected {len(codecs)} items, got {len(value)}")
        items = [codec(item) for codec, item in zip(codecs, value, strict=True)]
        return items if encode else kind(items)

    return convert


def _sequence(kind: type, item: Codec, *, encode: bool) -> Codec:
    def convert(value: Any) -> Any:
        _check(value, kind if encode else list)
        items = [item(x) for x in value]
        return items if encode else kind(items)

    return convert


def _mapping(str_keys: bool, key: Codec, value: Codec, *, encode: bool) -> Codec:
    if str_keys:

        def as_object(data: Any) -> dict[str, Any]:
            _check(data, dict)
            return {key(k): value(v) for k, v in data.items()}

        return as_object

    def as_pairs(data: Any) -> Any:
        if encode:
            return [[key(k), value(v)] for k, v in _check(data, dict).items()]
        pairs = [_check(pair, list) for pair in _check(data, list)]
        if any(len(pair) != 2 for pair in pairs):
            raise CodecError("expected [key, value] pairs")
        return {key(k): value(v) for k, v in pairs}

    return as_pairs


def _field_types(tp: type[object], names: dict[str, Any]) -> dict[str, Any]:
    """The fields a value of `tp` is made from, with their types: a dataclass's init
    fields, or else the parameters of its `__init__` (each one an attribute)."""
    module = vars(sys.modules[tp.__module__])
    if is_dataclass(tp):
        hints = typing.get_type_hints(tp, module, names)
        return {f.name: hints[f.name] for f in fields(tp) if f.init}
    hints = typing.get_type_hints(tp.__init__, module, names)
    parameters = list(inspect.signature(tp.__init__).parameters)[1:]
    if not parameters or any(p not in hints for p in parameters):
        raise TypeError(f"no plain-data codec for {tp!r}: not a dataclass")
    return {p: hints[p] for p in parameters}


def _record_encoder(tp: type, attributes: list[str], codecs: list[Codec]) -> Codec:
    pairs = list(zip(attributes, codecs, strict=True))

    def encode(value: Any) -> list[Any]:
        _check(value, tp)
        return [codec(getattr(value, name)) for name, codec in pairs]

    return encode


def _record_decoder(tp: type, codecs: list[Codec]) -> Codec:
    def decode(value: Any) -> Any:
        if type(value) is not list or len(value) != len(codecs):
            raise CodecError(f"expected {len(codecs)} fields of {tp.__name__}")
        items = [codec(item) for codec, item in zip(codecs, value, strict=True)]
        try:
            return tp(*items)
        except (TypeError, ValueError) as exc:
            raise CodecError(f"not a {tp.__name__}: {exc}") from None

    return decode


def _check(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise CodecError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _encode_any(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [_encode_any(item) for item in value]
    if kind is dict:
        if all(type(k) is str for k in value) and MAP not in value:
            return {k: _encode_any(v) for k, v in value.items()}
        if not all(type(k) in _SCALARS for k in value):
            raise CodecError("a mapping key that is not a scalar")
        return {MAP: [[k, _encode_any(v)] for k, v in value.items()]}
    raise CodecError(f"{kind.__name__} is not plain data")


def _decode_any(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [_decode_any(item) for item in value]
    if kind is dict:
        if len(value) == 1 and MAP in value:
            pairs = _check(value[MAP], list)
            if not all(type(p) is list and len(p) == 2 and type(p[0]) in _SCALARS for p in pairs):
                raise CodecError("expected [key, value] pairs")
            return {k: _decode_any(v) for k, v in pairs}
        return {k: _decode_any(v) for k, v in value.items()}
    raise CodecError(f"{kind.__name__} is not plain data")


# ---- JSON bytes, written by orjson ----

# A record (dataclass or not) reaches `_record_fields` rather than orjson's own dataclass
# serialisation (an object by field name): an array, as the encoder writes it.
_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS
# record type -> its field values as orjson writes them
_fields_of: dict[type, Callable[[Any], Any]] = {}


@cache
def dumps(tp: Any, names: tuple[tuple[str, Any], ...] = ()) -> Callable[[Any], bytes]:
    """value of type `tp` -> the JSON of its plain data (what `encoder` gives), as bytes.
    CodecError when it has none, or one JSON cannot hold exactly (NaN, a 65-bit int)."""
    prepare = _prepared(tp, dict(names))

    def write(value: Any) -> bytes:
        try:
            return orjson.dumps(prepare(value), default=_record_fields, option=_OPTIONS)
        except TypeError as exc:  # orjson.JSONEncodeError among them
            raise CodecError(str(exc)) from None

    return write


def _record_fields(value: Any) -> Any:
    fields_of = _fields_of.get(type(value))
    if fields_of is None:
        raise TypeError(f"{type(value).__name__} is not plain data")
    return fields_of(value)


def _prepared(tp: Any, names: dict[str, Any]) -> Codec:
    """value of type `tp` -> what orjson writes as its plain data: the value itself, when
    orjson writes it as the encoder would (a record through `_record_fields`)."""
    if _native(tp, names):
        return (lambda value: _check(value, tp)) if _is_record(tp) else (lambda value: value)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is dict and _native(args[0], names) and _native(args[1], names):
        # Keys JSON objects cannot have (a front matter's key paths): the encoder's [key,
        # value] pairs are the dict's items as orjson writes them, and 15 of 16 us a document
        # went to building them in Python.
        return lambda value: list(_check(value, dict).items())
    encode = encoder(tp, frozen(names))

    def plain(value: Any) -> Any:
        return _finite(encode(value))

    return plain


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and typing.get_origin(tp) is None and tp not in _SCALARS


def _native(tp: Any, names: dict[str, Any]) -> bool:
    """Whether orjson writes a value of `tp` as the encoder would; registers each record
    type it meets in `_fields_of`. `Any` is not: its floats may be NaN (orjson writes null)
    and its mappings may need the MAP form."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any or origin in (set, frozenset):
        return False
    if tp in _SCALARS or (isinstance(tp, type) and issubclass(tp, enum.Enum)):
        return True
    if origin in (typing.Union, types.UnionType, tuple, list):
        return all(a is Ellipsis or _native(a, names) for a in args)
    if origin is dict:
        return args[0] is str and _native(args[1], names)
    if _is_record(tp):
        if tp not in _fields_of:
            _fields_of[tp] = _pending  # a tree's own type, met while its fields are looked at
            try:
                _fields_of[tp] = _record(tp, names)
            except BaseException:
                del _fields_of[tp]
                raise
        return True
    raise TypeError(f"no plain-data codec for {tp!r}")


def _pending(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__}'s fields are still being looked at")


def _record(tp: type, names: dict[str, Any]) -> Callable[[Any], Any]:
    """A record -> its field values, each as orjson writes it."""
    field_types = _field_types(tp, names)
    attributes = list(field_types)
    prepared = {name: _prepared(t, names) for name, t in field_types.items()}
    if all(_native(t, names) for t in field_types.values()):  # a tuple of its attributes
        if len(attributes) == 1:
            (only,) = attributes
            return lambda value: (getattr(value, only),)
        return operator.attrgetter(*attributes) if attributes else lambda value: ()
    return lambda value: [prepared[name](getattr(value, name)) for name in attributes]


def _finite(plain: Any) -> Any:
    """Plain data with no NaN or infinity in it (JSON has none: orjson writes them as null,
    which would read back as None)."""
    kind = type(plain)
    if kind is float and not math.isfinite(plain):
        raise CodecError("a number JSON cannot hold (NaN or infinite)")
    if kind is list:
        for item in plain:
            _finite(item)
    elif kind is dict:
        for item in plain.values():
            _finite(item)
    return plain
