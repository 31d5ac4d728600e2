"""Usage from your own traffic logs (an egress proxy's, a gateway's, an nginx's), in the API's shape.

::

    import keyscope.logs
    summary = keyscope.logs.summarize("/var/log/egress/*.jsonl.gz", days=7,
                                      fields={"key": "auth_header"})
    for usage in summary.usages:            # KeyUsage, exactly the API's usage payload
        print(usage.key_id, usage.total_requests, usage.latency_p95_ms)
    frame = summary.to_pandas()              # one row per key (keyscope[pandas])

The C++ core parses and aggregates (the GIL is released while it does); files are read here, in
1 MiB chunks, so memory stays flat however large a file is. ``.gz`` files are decompressed as they
are read; ``"-"`` is standard input; an open file object (binary or text) is read as it is.

A key field holding a full secret key (``sk_live_...``, possibly after ``Bearer ``) is cut to its
prefix (``sk_live_zIc8``) by the core the moment a line is read: no summary, DataFrame, repr or
exception ever holds more than the prefix. Bad lines are counted by kind with the line numbers
of the first few (per file: every file is read by its own reader, numbered from 1).
"""

from __future__ import annotations

import glob as _glob
import gzip
import io
import json
import os
import sys
import time as _time
from datetime import date, datetime, timezone
from typing import IO, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _arguments as arg
from . import _core
from ._api_models import APIKeyInfo, KeyList, KeyUsage, LogSummary, Reconciliation
from ._errors import ValidationError

__all__ = ["summarize", "reconcile", "read_aggregate", "summary_of", "reconcile_aggregate", "ReaderOptions", "Window",
           "LogSummary", "Reconciliation", "CHUNK_SIZE"]

#: Bytes read and fed to the core at a time.
CHUNK_SIZE = 1 << 20

_DAY = 86400
_FIRST_SECOND = -62135596800  # 0001-01-01T00:00:00Z
_LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z
_GLOB_CHARS = ("*", "?", "[")

PathLike = Union[str, "os.PathLike[str]"]
Sources = Union[PathLike, IO[Any], Iterable[Union[PathLike, IO[Any]]]]


class ReaderOptions:
    """The log reader's options, checked by the core when built (a ``ValidationError`` for a bad
    format, nginx ``log_format``, field name or latency unit). Picklable (Dask ships it to workers)."""

    __slots__ = ("format", "nginx_format", "fields", "latency_unit", "prefix_length")

    def __init__(self, format: Optional[str] = None, nginx_format: Optional[str] = None,
                 fields: Optional[Mapping[str, str]] = None, latency_unit: Optional[str] = None,
                 prefix_length: int = 12) -> None:
        if format is None:
            format = "nginx" if nginx_format else "jsonl"
        if not isinstance(format, str):
            raise ValidationError("format must be 'jsonl', 'csv' or 'nginx'", code="invalid_log_format")
        if nginx_format is not None and not isinstance(nginx_format, str):
            raise ValidationError("nginx_format must be a string (your nginx log_format, verbatim)",
                                  code="invalid_nginx_format")
        if fields is not None and not isinstance(fields, Mapping):
            raise ValidationError("fields must be a mapping such as {'time': 'ts', 'key': 'auth'}",
                                  code="invalid_field")
        if latency_unit is not None and not isinstance(latency_unit, str):
            raise ValidationError("latency_unit must be 's', 'ms', 'us' or 'auto'", code="invalid_latency_unit")
        if isinstance(prefix_length, bool) or not isinstance(prefix_length, int) or not 0 < prefix_length < 1024:
            raise ValidationError("prefix_length must be an integer in 8..32", code="invalid_argument")
        self.format = format.lower()
        self.nginx_format = nginx_format or ""
        self.fields = dict(fields) if fields else None
        self.latency_unit = latency_unit
        self.prefix_length = prefix_length
        _core.validate_reader_options(self.format, self.nginx_format, self.fields, self.latency_unit)

    def reader(self, window: Optional[Tuple[int, int]] = None) -> Any:
        """A new ``_core.LogReader`` with these options and the [start, end) window in unix seconds."""
        if window is not None and not (isinstance(window, tuple) and len(window) == 2 and
                                       all(isinstance(v, int) and not isinstance(v, bool) for v in window)):
            raise arg.wrong_type("window", "a (start, end) tuple of unix seconds or None", window)
        start, end = window if window is not None else (None, None)
        return _core.LogReader(self.format, self.nginx_format, self.fields, self.latency_unit, start, end,
                               self.prefix_length)

    def __getstate__(self) -> Dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return (f"ReaderOptions(format={self.format!r}, fields={self.fields!r}, "
                f"latency_unit={self.latency_unit!r})")


# -- the window -------------------------------------------------------------------------------

def _now_unix(now: Any) -> int:
    """``now`` as unix seconds: None (the current time), a datetime (naive = UTC), a date (its
    midnight UTC), an ISO-8601 string, or a number of seconds."""
    if now is None:
        return int(_time.time())
    if isinstance(now, bool):
        raise ValidationError("now must be a datetime, a date, an ISO-8601 string or unix seconds",
                              code="invalid_now")
    if isinstance(now, (int, float)):
        if not _FIRST_SECOND <= now <= _LAST_SECOND:  # also NaN
            raise ValidationError("now in unix seconds must be a finite number within years 1..9999",
                                  code="invalid_now")
        return int(now // 1)
    if isinstance(now, datetime):
        moment = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() // 1)
    if isinstance(now, date):
        return (now - date(1970, 1, 1)).days * _DAY
    if isinstance(now, str):
        text = now.strip()
        try:
            if len(text) == 10:
                return _now_unix(date.fromisoformat(text))
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            return _now_unix(datetime.fromisoformat(text))
        except ValueError:
            pass
        raise ValidationError(f"now needs an ISO-8601 instant such as 2026-05-17T12:00:00Z, got "
                              f"{_core.redact(now)!r}", code="invalid_now")
    raise ValidationError("now must be a datetime, a date, an ISO-8601 string or unix seconds",
                          code="invalid_now")


def _check_days(days: Any, upper: int = 36500) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= upper:
        raise ValidationError(f"days must be an integer in 1..{upper}", code="invalid_days")
    return days


class Window:
    """``days`` UTC days ending on the day of ``now_unix``: the reader's [start, end) in seconds."""

    __slots__ = ("days", "now_unix", "end_day")

    def __init__(self, days: int, now_unix: int) -> None:
        self.days = arg.integer(days, "days")
        self.now_unix = arg.integer(now_unix, "now_unix")
        if not 1 <= self.days <= 36500 or not _FIRST_SECOND <= self.now_unix <= _LAST_SECOND:
            raise ValidationError("days must be in 1..36500 and now_unix within years 1..9999",
                                  code="invalid_window")
        self.end_day = now_unix // _DAY  # floor division: right for times before 1970 too

    @property
    def bounds(self) -> Tuple[int, int]:
        return ((self.end_day - self.days + 1) * _DAY, (self.end_day + 1) * _DAY)

    def __getstate__(self) -> Tuple[int, int, int]:
        return (self.days, self.now_unix, self.end_day)

    def __setstate__(self, state: Tuple[int, int, int]) -> None:
        self.days, self.now_unix, self.end_day = state


# -- sources -----------------------------------------------------------------------------------

def _is_file_object(obj: Any) -> bool:
    return hasattr(obj, "read") and not isinstance(obj, (str, bytes, os.PathLike))


def _expand(paths: Sources) -> List[Union[str, IO[Any]]]:
    """Paths, globs and file objects, in order; a glob expands to its sorted matches."""
    if paths is None:
        raise ValidationError("no log given: a path, a glob, a list of them or a file object",
                              code="no_logs")
    if isinstance(paths, (str, bytes, os.PathLike)) or _is_file_object(paths):
        items: List[Any] = [paths]
    else:
        try:
            items = list(paths)
        except TypeError:
            raise ValidationError(f"logs must be a path, a glob, a list of them or a file object, not "
                                  f"{type(paths).__name__}", code="invalid_argument") from None
    out: List[Union[str, IO[Any]]] = []
    for item in items:
        if _is_file_object(item):
            out.append(item)
            continue
        if isinstance(item, bytes):
            item = os.fsdecode(item)
        if not isinstance(item, (str, os.PathLike)):
            raise ValidationError(f"a log must be a path or a file object, not {type(item).__name__}",
                                  code="invalid_argument")
        path = os.fspath(item)
        if path != "-" and any(c in path for c in _GLOB_CHARS) and not os.path.exists(path):
            matches = sorted(_glob.glob(path, recursive=True))
            if not matches:
                raise ValidationError(f"no log file matches {_core.redact(path)!r}", code="log_not_found")
            out.extend(matches)
        else:
            out.append(path)
    if not out:
        raise ValidationError("no log given: the list of logs is empty", code="no_logs")
    return out


def _unreadable(path: str, error: BaseException) -> ValidationError:
    reason = getattr(error, "strerror", None) or type(error).__name__
    return ValidationError(f"cannot read log file {_core.redact(path)!r}: {_core.redact(str(reason))}",
                           code="log_unreadable")


def _open(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        if path.endswith(".gz"):
            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path, "rb")
    except OSError as error:
        raise _unreadable(path, error) from None


def _chunks(stream: IO[Any], name: str, chunk_size: int = CHUNK_SIZE) -> Iterator[Any]:
    """The stream's bytes in chunks of at most ``chunk_size`` (text streams encoded as UTF-8)."""
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    readinto = getattr(stream, "readinto", None)
    try:
        if callable(readinto) and not isinstance(stream, io.TextIOBase):
            while True:
                n = readinto(buffer)
                if not n:
                    return
                yield view[:n]
        else:
            while True:
                data = stream.read(chunk_size)
                if not data:
                    return
                yield data.encode("utf-8") if isinstance(data, str) else data
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise _unreadable(name, error) from None


def _read_one(source: Union[str, IO[Any]], options: ReaderOptions, window: Optional[Window]) -> Any:
    reader = options.reader(window.bounds if window is not None else None)
    if isinstance(source, str):
        stream = _open(source)
        try:
            for chunk in _chunks(stream, source):
                reader.feed(chunk)
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
    else:
        name = str(getattr(source, "name", "<file object>"))
        for chunk in _chunks(source, name):
            reader.feed(chunk)
    reader.finish()
    return reader.take_aggregate()


def read_aggregate(paths: Sources, options: ReaderOptions, window: Optional[Window] = None) -> Any:
    """Every source read by its own reader, merged: a ``_core.UsageAggregate`` (mergeable,
    picklable, ``serialize()`` to bytes)."""
    arg.require(options, ReaderOptions, "options", "a ReaderOptions")
    if window is not None:
        arg.require(window, Window, "window", "a Window or None")
    total = _core.UsageAggregate()
    for source in _expand(paths):
        total.merge(_read_one(source, options, window))
    return total


# -- keys --------------------------------------------------------------------------------------

def _keys_body(keys: Optional[Union[KeyList, Sequence[Any]]]) -> Optional[str]:
    """The key list as the body of GET /api/v1/keys, which the core's strict codec reads
    (APIKeyInfo objects or their ``to_dict()`` shape)."""
    if keys is None:
        return None
    items = [k.to_dict() if isinstance(k, APIKeyInfo) else k
             for k in arg.items(keys, "keys", "a KeyList or a list of APIKeyInfo")]
    for k in items:
        if not isinstance(k, Mapping):
            raise ValidationError(f"keys must be APIKeyInfo objects (client.list_keys()), not "
                                  f"{type(k).__name__}", code="invalid_argument")
    return json.dumps({"data": [dict(k) for k in items], "meta": {"total": len(items)}}, default=str)


def _usage_bodies(usages: Iterable[Any]) -> List[str]:
    bodies = []
    for u in arg.items(usages, "api_usages", "a list of KeyUsage"):
        if isinstance(u, KeyUsage):
            u = u.to_dict()
        if not isinstance(u, Mapping):
            raise ValidationError(f"api_usages must be KeyUsage objects, not {type(u).__name__}",
                                  code="invalid_argument")
        bodies.append(json.dumps({"data": dict(u)}, default=str))
    return bodies


def summary_of(aggregate: Any, window: Window,
               keys: Optional[Union[KeyList, Sequence[APIKeyInfo]]] = None) -> LogSummary:
    """The aggregate in the API's shape over ``window`` (prefixes mapped to ids through ``keys``)."""
    arg.require(aggregate, _core.UsageAggregate, "aggregate", "a UsageAggregate (read_aggregate())")
    arg.require(window, Window, "window", "a Window")
    result: LogSummary = aggregate.summary(_keys_body(keys), window.days, window.end_day)
    return result


# -- the public entry point --------------------------------------------------------------------

def summarize(paths: Sources, *, format: Optional[str] = None, nginx_format: Optional[str] = None,
              fields: Optional[Mapping[str, str]] = None, latency_unit: Optional[str] = None,
              days: int = 30, now: Any = None,
              keys: Optional[Union[KeyList, Sequence[APIKeyInfo]]] = None) -> LogSummary:
    """Per key usage from your logs, in the API's ``KeyUsage`` shape, over ``days`` UTC days
    ending on the day of ``now`` (default: the current time; a datetime, date, ISO-8601 string or
    unix seconds). Lines outside the window are counted as ``out_of_window`` bad lines.

    * ``paths``: a path, a glob (``"logs/*.jsonl.gz"``), a list of them, ``"-"`` (stdin) or an
      open file object.
    * ``format``: ``"jsonl"`` (default), ``"csv"`` (with a header) or ``"nginx"`` (default when
      ``nginx_format``, your nginx ``log_format`` string verbatim, is given).
    * ``fields``: where time, key, path, status and latency sit (``{"key": "auth", "time": "ts"}``;
      JSON members may be dotted paths, nginx ones variables such as ``$http_authorization``);
      anything not given is detected from common names.
    * ``latency_unit``: ``"s"``, ``"ms"``, ``"us"`` or ``"auto"`` (default; see the README).
    * ``keys``: your key list (``client.list_keys()``): a prefix it lists is reported under the
      key's id, others under the prefix.

    Raises ``ValidationError`` for bad options and unreadable files (``code="log_unreadable"``).
    """
    options = ReaderOptions(format, nginx_format, fields, latency_unit)
    window = Window(_check_days(days), _now_unix(now))
    aggregate = read_aggregate(paths, options, window)
    return summary_of(aggregate, window, keys)


def reconcile(paths: Sources, keys: Union[KeyList, Sequence[APIKeyInfo]], api_usages: Sequence[KeyUsage], *,
              days: int = 30, now: Any = None, tolerance: float = 0.02, min_diff: int = 5,
              format: Optional[str] = None, nginx_format: Optional[str] = None,
              fields: Optional[Mapping[str, str]] = None,
              latency_unit: Optional[str] = None) -> Reconciliation:
    """:meth:`keyscope.Client.reconcile` without a client: your logs against usages you already
    have (``keys`` and ``api_usages`` of the same ``days`` window ending on the day of ``now``,
    e.g. a :class:`~keyscope.Fleet` saved earlier; models or their ``to_dict()`` shape). ``now``
    also decides which keys had expired. The log options are those of :func:`summarize`."""
    options = ReaderOptions(format, nginx_format, fields, latency_unit)
    window = Window(_check_days(days), _now_unix(now))
    if keys is None:
        raise arg.wrong_type("keys", "a KeyList or a list of APIKeyInfo", keys)
    _keys_body(keys)
    _usage_bodies(api_usages)
    aggregate = read_aggregate(paths, options, window)
    return reconcile_aggregate(aggregate, keys, api_usages, window, tolerance=tolerance,
                               min_diff=min_diff)[1]


def reconcile_aggregate(aggregate: Any, keys: Union[KeyList, Sequence[APIKeyInfo]], api_usages: Sequence[KeyUsage],
                        window: Window, *, tolerance: float = 0.02,
                        min_diff: int = 5) -> Tuple[LogSummary, Reconciliation, bool]:
    """The logs' aggregate held against the API's usages over ``window``: (the logs' summary, the
    reconciliation, whether any finding is beyond tolerance)."""
    arg.require(aggregate, _core.UsageAggregate, "aggregate", "a UsageAggregate (read_aggregate())")
    arg.require(window, Window, "window", "a Window")
    if keys is None:
        raise arg.wrong_type("keys", "a KeyList or a list of APIKeyInfo", keys)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise ValidationError("tolerance must be a fraction such as 0.02", code="invalid_tolerance")
    if isinstance(min_diff, bool) or not isinstance(min_diff, int) or not -(2**63) <= min_diff < 2**63:
        raise ValidationError("min_diff must be an integer number of requests", code="invalid_min_diff")
    body = _keys_body(keys)
    assert body is not None
    summary, reconciliation, discrepancy = _core.reconcile(
        aggregate, body, _usage_bodies(api_usages), window.days, window.end_day, window.now_unix,
        float(tolerance), int(min_diff))
    return summary, reconciliation, bool(discrepancy)

