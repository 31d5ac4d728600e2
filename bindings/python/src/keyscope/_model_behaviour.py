"""What the generated models (_api_models.py) add to plain data: a few derived properties, kept
here so that schema/models.json stays data, the value readers their ``from_dict`` uses, and
``slotted``, which gives each model its fields in ``__slots__``."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, Iterator, Optional, Tuple, Type, TypeVar

from ._errors import DecodeError, ValidationError

_UTC = timezone.utc
T = TypeVar("T")
C = TypeVar("C", bound=type)


def slotted(cls: C) -> C:
    """The frozen dataclass `cls` made again with its fields in ``__slots__`` (what
    ``dataclass(slots=True)`` does on Python 3.10+, here on every supported version): no
    per-instance ``__dict__``, and the C++ core fills a model's fields in place
    (bindings/python/src/_core/model_class.hpp). Instances stay weak-referenceable, and pickle
    and copy through ``__getstate__``/``__setstate__``, since a frozen class refuses setattr."""
    inherited = {name for base in cls.__mro__[1:] for name in getattr(base, "__slots__", ())}
    names = tuple(f.name for f in dataclasses.fields(cls) if f.name not in inherited)
    body = {key: value for key, value in cls.__dict__.items()
            if key not in names and key not in ("__dict__", "__weakref__")}
    body["__slots__"] = names + (() if "__weakref__" in inherited else ("__weakref__",))
    body["__getstate__"] = _model_getstate
    body["__setstate__"] = _model_setstate
    made = type(cls)(cls.__name__, cls.__bases__, body)
    made.__qualname__ = cls.__qualname__
    _freeze(made)
    return made  # type: ignore[no-any-return]


def _freeze(cls: type) -> None:
    """The frozen dataclass's __setattr__ and __delattr__ for the class made again (the ones
    dataclass wrote name the class it was given)."""
    fields = frozenset(f.name for f in dataclasses.fields(cls))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in fields:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in fields:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    for method in (__setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)


def _model_getstate(self: Any) -> Tuple[Any, ...]:
    return tuple(getattr(self, f.name) for f in dataclasses.fields(self))


def _model_setstate(self: Any, state: Any) -> None:
    fields = dataclasses.fields(self)
    # A dict: pickled by a keyscope whose models had no __slots__.
    values = [state[f.name] for f in fields] if isinstance(state, dict) else state
    for f, value in zip(fields, values):
        object.__setattr__(self, f.name, value)


class KeyInfoBehaviour:
    """Properties of :class:`APIKeyInfo` (and so of :class:`APIKeyDetails`)."""

    __slots__ = ()

    revoked_at: Optional[datetime]
    key_prefix: str

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def environment(self) -> str:
        """``"live"``, ``"test"`` or ``"unknown"``, from the prefix."""
        if self.key_prefix.startswith("sk_live_"):
            return "live"
        if self.key_prefix.startswith("sk_test_"):
            return "test"
        return "unknown"


class KeyListBehaviour:
    """:class:`KeyList` is iterable, sized and indexable like a tuple of :class:`APIKeyInfo`."""

    __slots__ = ()

    data: tuple

    def __iter__(self) -> Iterator[Any]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int) -> Any:
        return self.data[index]

    def to_pandas(self) -> Any:
        """One row per key, revoked ones included (:func:`keyscope.pandas.keys_frame`)."""
        from ._frames import build

        return build("keys_frame", self)


class KeyUsageBehaviour:
    __slots__ = ()
    client_errors: int
    server_errors: int

    @property
    def error_count(self) -> int:
        return self.client_errors + self.server_errors

    def to_pandas(self, table: str = "daily", *, end_date: Any = None) -> Any:
        """``"daily"`` (default): one row per day of the window, gap-filled, ending at
        ``end_date`` (default: the newest day sent; :func:`keyscope.pandas.daily_frame`);
        ``"status"``: the by-status breakdown (:func:`keyscope.pandas.status_frame`)."""
        from ._frames import build, check_table

        if check_table(table, ("daily", "status")) == "daily":
            return build("daily_frame", self, end_date)
        return build("status_frame", self)


def _ts_text(value: Optional[datetime]) -> Optional[str]:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(_UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_ts(value: Any) -> Optional[datetime]:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=_UTC)
    text = str(value)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_UTC)
    return parsed.astimezone(_UTC)


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def _float(value: Any) -> float:
    return 0.0 if value is None else float(value)


def _opt(value: Any, convert: Callable[[Any], T]) -> Optional[T]:
    return None if value is None else convert(value)


def _first(*values: Any) -> Any:
    """A field and its aliases, as the core reads them: the first value that is neither missing
    nor empty, else the first present one (an empty string), else None."""
    present = [value for value in values if value is not None]
    return next((value for value in present if value != ""), present[0] if present else None)


def _required(value: Any, path: str) -> Any:
    if value is None:
        raise DecodeError(f"missing required field at {path}", code="decode_error", json_path=path)
    return value


class LogSummaryBehaviour:
    """:class:`LogSummary` as DataFrames (``keyscope[pandas]``); the frames are built by
    :mod:`keyscope.pandas`, imported only when asked for."""

    __slots__ = ()

    def to_pandas(self, table: str = "usages") -> Any:
        """``"usages"`` (default): one row per key (:func:`keyscope.pandas.log_usages_frame`);
        ``"daily"``: one row per key and day; ``"bad_lines"``: lines not counted, by kind."""
        from . import pandas as kp

        builders: Dict[str, Callable[[Any], Any]] = {
            "usages": kp.log_usages_frame, "daily": kp.log_daily_frame, "bad_lines": kp.bad_lines_frame}
        if table not in builders:
            raise ValidationError(f"table must be one of {sorted(builders)}, got {table!r}", code="invalid_argument")
        return builders[table](self)


class ReconciliationBehaviour:
    """:class:`Reconciliation` as DataFrames (``keyscope[pandas]``)."""

    __slots__ = ()

    def to_pandas(self, table: str = "findings") -> Any:
        """``"findings"`` (default): one row per finding
        (:func:`keyscope.pandas.reconcile_findings_frame`); ``"keys"``: the per-key summary."""
        from . import pandas as kp

        builders: Dict[str, Callable[[Any], Any]] = {
            "findings": kp.reconcile_findings_frame, "keys": kp.reconcile_keys_frame}
        if table not in builders:
            raise ValidationError(f"table must be one of {sorted(builders)}, got {table!r}", code="invalid_argument")
        return builders[table](self)
