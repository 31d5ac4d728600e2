"""Argument checks of the public functions: a wrong type is a :class:`ValidationError` naming
the argument, never a TypeError, AttributeError or KeyError from deeper down."""

from __future__ import annotations

import json
import numbers
import os
from datetime import date, datetime
from typing import Any, Mapping, Tuple, Type, Union

from ._errors import ValidationError

Types = Union[Type[Any], Tuple[Type[Any], ...]]


def wrong_type(name: str, expected: str, value: Any) -> ValidationError:
    return ValidationError(f"{name} must be {expected}, not {type(value).__name__}",
                           code="invalid_argument")


def require(value: Any, types: Types, name: str, expected: str) -> Any:
    """``value`` when it is an instance of ``types`` (a bool is never an int here)."""
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise wrong_type(name, expected, value)
    if not isinstance(value, types):
        raise wrong_type(name, expected, value)
    return value


def text(value: Any, name: str) -> str:
    result: str = require(value, str, name, "a string")
    return result


def number(value: Any, name: str) -> float:
    """An int or float (numpy scalars included), as a float; not a bool, not a string."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise wrong_type(name, "a number", value)
    return float(value)


def integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise wrong_type(name, "an integer", value)
    return int(value)


def numbers_list(values: Any, name: str) -> list:
    """An iterable of numbers as a list of floats (``qs`` of the percentile functions)."""
    if isinstance(values, (str, bytes)) or not _iterable(values):
        raise wrong_type(name, "a list of numbers", values)
    out = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ValidationError(f"{name}[{i}] must be a number, not {type(v).__name__}",
                                  code="invalid_argument")
        out.append(float(v))
    return out


def sequence(value: Any, name: str, expected: str) -> Any:
    """A list or tuple (what the API's JSON arrays become), checked without consuming it."""
    return require(value, (list, tuple), name, expected)


def items(value: Any, name: str, expected: str) -> list:
    """Any iterable except a string, bytes or mapping, as a list."""
    if isinstance(value, (str, bytes, Mapping)) or not _iterable(value):
        raise wrong_type(name, expected, value)
    return list(value)


def instances(values: Any, cls: Types, name: str, expected: str) -> list:
    """An iterable of ``cls`` instances, as a list; names the first element that is not one."""
    out = items(values, name, expected)
    for i, v in enumerate(out):
        if not isinstance(v, cls):
            raise ValidationError(f"{name}[{i}] must be {_class_names(cls)}, not {type(v).__name__}",
                                  code="invalid_argument")
    return out


def date_text(value: Any, name: str) -> str:
    """A date as ``YYYY-MM-DD``: a string (checked by the core), a date or a datetime."""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise wrong_type(name, "a date or an ISO-8601 date string", value)


def path_or_buffer(value: Any, name: str) -> Any:
    if value is None or isinstance(value, (str, os.PathLike)) or callable(getattr(value, "write", None)):
        return value
    raise wrong_type(name, "a path, a file object or None", value)


def json_text(payload: Any, name: str) -> str:
    """``json.dumps(payload)``; a value JSON cannot hold is a ValidationError naming ``name``."""
    try:
        return json.dumps(payload)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"{name} holds a value that is not JSON data: {error}",
                              code="invalid_argument") from None


def _iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def _class_names(cls: Types) -> str:
    classes = cls if isinstance(cls, tuple) else (cls,)
    return " or ".join(f"a {c.__name__}" for c in classes)
