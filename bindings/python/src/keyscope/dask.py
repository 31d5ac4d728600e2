"""Usage from logs too large for one machine: :func:`keyscope.logs.summarize` on a Dask cluster.

::

    from distributed import Client
    import keyscope.dask

    client = Client("tcp://scheduler:8786")          # the keyscope wheel installed on every worker
    summary = keyscope.dask.summarize("s3://egress-logs/2026-05-*/*.jsonl", client=client,
                                      days=30, blocksize="64MiB")

Each file is split into byte ranges of about ``blocksize`` aligned to line starts: a partition
task opens the file on a worker, seeks to its range, skips to the first full line (unless the
range starts at offset 0), and reads to the end of the last line that *starts* in its range, so
every line is read by exactly one task. The C++ aggregation runs in the task (GIL released); the
task returns the aggregate serialised (counts, exact latency samples up to 10,000 per key, the
DDSketch beyond) and the client merges them in file and range order. The merge is exact, so the
result equals the single-process :func:`keyscope.logs.summarize` -- bad-line numbers included:
each task also counts its lines and the client shifts a partition's bad-line numbers by the
lines before it.

``.gz`` files are not splittable: one task per file. A CSV log's header is read from the start
of the file and given to every range's reader; a CSV whose quoted fields span lines cannot be
split on line starts (pass ``blocksize=None``: one task per file). Paths may be local (visible
to every worker under the same name), globs, or any fsspec URL (``s3://``, ``gs://``,
``abfs://``, ... with ``storage_options``; fsspec and the filesystem's package on every worker).

Needs ``dask`` and ``distributed``: ``pip install 'keyscope[dask]'``.
"""

from __future__ import annotations

import json
import os
from typing import IO, Any, List, Mapping, Optional, Sequence, Tuple, Union

from ._errors import MissingDependencyError

try:
    import dask  # noqa: F401 - the package keyscope.dask is written for
    from dask.base import compute as _dask_compute
    from dask.delayed import delayed as _delayed
    from dask.utils import parse_bytes
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise MissingDependencyError("keyscope.dask needs dask and distributed: pip install "
                                 "'keyscope[dask]' (or pip install 'dask[distributed]')",
                                 code="missing_dependency") from exc
try:
    import distributed  # noqa: F401 - the cluster runtime keyscope.dask is written for
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise MissingDependencyError("keyscope.dask needs distributed (the Dask cluster runtime): "
                                 "pip install 'keyscope[dask]' (or pip install 'dask[distributed]')",
                                 code="missing_dependency") from exc

from . import _core
from . import logs as _logs
from ._api_models import APIKeyInfo, KeyList, LogSummary
from ._errors import ValidationError

__all__ = ["summarize", "summarize_dataframe", "plan_partitions", "Partition"]

_CHUNK = _logs.CHUNK_SIZE

# (path, start, end): bytes [start, end) of path hold the starts of the partition's lines;
# end None = to the end of the file (gzip, or blocksize None).
Partition = Tuple[str, int, Optional[int]]


def _is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _fs_open(path: str, storage_options: Optional[Mapping[str, Any]]) -> IO[bytes]:
    try:
        if _is_url(path):
            import fsspec  # type: ignore[import-untyped]

            return fsspec.open(path, "rb", compression="infer",  # type: ignore[no-any-return]
                               **dict(storage_options or {})).open()
        if path.endswith(".gz"):
            import gzip

            return gzip.open(path, "rb")  # type: ignore[return-value]
        return open(path.replace("file://", "", 1) if path.startswith("file://") else path, "rb")
    except OSError as error:
        raise _logs._unreadable(path, error) from None


def _expand(paths: Any, storage_options: Optional[Mapping[str, Any]]) -> List[str]:
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    out: List[str] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise ValidationError(f"keyscope.dask reads paths, globs or URLs, not {type(item).__name__} "
                                  f"(file objects cannot travel to workers)", code="invalid_argument")
        path = os.fspath(item)
        if _is_url(path):
            import fsspec

            protocol = path.split("://", 1)[0]
            fs = fsspec.filesystem(protocol, **dict(storage_options or {}))
            if any(c in path for c in "*?["):
                matches = sorted(fs.glob(path))
                if not matches:
                    raise ValidationError(f"no log file matches {_core.redact(path)!r}", code="log_not_found")
                out.extend(m if "://" in m else f"{protocol}://{m}" for m in matches)
            else:
                out.append(path)
        else:
            expanded = _logs._expand(path)
            out.extend(os.path.abspath(p) for p in expanded if isinstance(p, str))
    if not out:
        raise ValidationError("no log given: the list of logs is empty", code="no_logs")
    return out


def _size(path: str, storage_options: Optional[Mapping[str, Any]]) -> int:
    try:
        if _is_url(path):
            import fsspec

            protocol = path.split("://", 1)[0]
            return int(fsspec.filesystem(protocol, **dict(storage_options or {})).size(path))
        return os.path.getsize(path)
    except OSError as error:
        raise _logs._unreadable(path, error) from None


def plan_partitions(paths: Any, blocksize: Union[None, int, str] = "64MiB",
                    storage_options: Optional[Mapping[str, Any]] = None) -> List[Partition]:
    """The byte ranges ``summarize`` gives to its tasks, in file and offset order."""
    size_limit = None if blocksize is None else (parse_bytes(blocksize) if isinstance(blocksize, str)
                                                 else int(blocksize))
    if size_limit is not None and size_limit < 1:
        raise ValidationError("blocksize must be positive (or None: one partition per file)",
                              code="invalid_argument")
    out: List[Partition] = []
    for path in _expand(paths, storage_options):
        if size_limit is None or path.endswith(".gz"):
            out.append((path, 0, None))
            continue
        size = _size(path, storage_options)
        if size == 0:
            out.append((path, 0, None))
            continue
        for start in range(0, size, size_limit):
            out.append((path, start, min(start + size_limit, size)))
    return out


def _read_header(stream: IO[bytes]) -> bytes:
    header = stream.readline()
    return header if header.endswith(b"\n") else header + b"\n"


def _summarize_partition(partition: Partition, options: _logs.ReaderOptions, bounds: Tuple[int, int],
                         storage_options: Optional[Mapping[str, Any]]) -> Tuple[bytes, int, int]:
    """Runs on a worker: the partition's serialised aggregate, its number of lines ('\\n') and
    how many lines its reader saw before the partition's own (a CSV header fed again: 1)."""
    path, start, end = partition
    reader = options.reader(bounds)
    lines = 0
    before = 0
    stream = _fs_open(path, storage_options)
    try:
        if start > 0 and options.format == "csv":
            reader.feed(_read_header(stream))
            before = 1
        if start > 0:
            # The first line starting at or after `start`: after the first newline at or after start - 1.
            stream.seek(start - 1)
            skipped = stream.readline()
            position = start - 1 + len(skipped)
        else:
            position = 0
        if end is None:
            while True:
                data = stream.read(_CHUNK)
                if not data:
                    break
                lines += data.count(b"\n")
                reader.feed(data)
        elif position < end:
            remaining = end - position
            last = b""
            while remaining > 0:
                data = stream.read(min(_CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                lines += data.count(b"\n")
                reader.feed(data)
                last = data[-1:]
            if last and last != b"\n":
                # The last line starts in the range: read it to its end.
                tail = stream.readline()
                lines += tail.count(b"\n")
                reader.feed(tail)
    except (OSError, EOFError) as error:
        raise _logs._unreadable(path, error) from None
    finally:
        stream.close()
    reader.finish()
    return bytes(reader.aggregate_bytes()), lines, before


def _shift_bad_lines(serialized: bytes, offset: int) -> bytes:
    """Bad-line numbers of a partition made file-wide (the aggregate's JSON keeps them under
    ``bad_lines``; anything else is left as it is)."""
    if offset == 0 or b'"bad_lines"' not in serialized:
        return serialized
    doc = json.loads(serialized)
    bad = doc.get("bad_lines") if isinstance(doc, dict) else None
    if not bad:
        return serialized
    for entry in bad:
        entry["first_lines"] = [n + offset for n in entry.get("first_lines", [])]
    return json.dumps(doc, separators=(",", ":")).encode()


def _merge(partitions: Sequence[Partition], results: Sequence[Tuple[bytes, int, int]]) -> Any:
    parts: List[bytes] = []
    offset = 0
    previous_path = None
    for (path, _start, _end), (serialized, lines, before) in zip(partitions, results):
        if path != previous_path:
            offset, previous_path = 0, path
        parts.append(_shift_bad_lines(serialized, offset - before))
        offset += lines
    return _core.merge_aggregates(parts)


def _run(tasks: List[Any], client: Any) -> List[Any]:
    if client is not None:
        return list(client.gather(client.compute(tasks)))
    return list(_dask_compute(*tasks))  # type: ignore[no-untyped-call]


def summarize(paths: Any, *, client: Any = None, blocksize: Union[None, int, str] = "64MiB",
              format: Optional[str] = None, nginx_format: Optional[str] = None,
              fields: Optional[Mapping[str, str]] = None, latency_unit: Optional[str] = None,
              days: int = 30, now: Any = None,
              keys: Optional[Union[KeyList, Sequence[APIKeyInfo]]] = None,
              storage_options: Optional[Mapping[str, Any]] = None) -> LogSummary:
    """:func:`keyscope.logs.summarize` over Dask: one task per ``blocksize`` bytes of each file
    (``None``: one per file), on ``client`` (a ``distributed.Client``; default: Dask's current
    scheduler, the default client if one exists). The same options and result as the
    single-process function; options and the window are checked before any task is sent."""
    options = _logs.ReaderOptions(format, nginx_format, fields, latency_unit)
    window = _logs.Window(_logs._check_days(days), _logs._now_unix(now))
    _logs._keys_body(keys)  # checked before any task is sent
    partitions = plan_partitions(paths, blocksize, storage_options)
    task = _delayed(_summarize_partition, pure=True)
    tasks = [task(p, options, window.bounds, storage_options) for p in partitions]
    results = _run(tasks, client)
    aggregate = _merge(partitions, results)
    return _logs.summary_of(aggregate, window, keys)


def _summarize_lines(lines: Any, options: _logs.ReaderOptions, bounds: Tuple[int, int]) -> bytes:
    reader = options.reader(bounds)
    batch: List[str] = []
    size = 0
    for line in lines:
        if line is None:
            continue
        text = line if isinstance(line, str) else str(line)
        if text.endswith("\n"):  # dask.bag.read_text keeps each line's newline
            text = text[:-1]
        batch.append(text)
        size += len(text)
        if size >= _CHUNK:
            reader.feed(("\n".join(batch) + "\n").encode("utf-8"))
            batch, size = [], 0
    if batch:
        reader.feed(("\n".join(batch) + "\n").encode("utf-8"))
    reader.finish()
    return bytes(reader.aggregate_bytes())


def summarize_dataframe(frame: Any, column: Optional[str] = None, *, client: Any = None,
                        format: Optional[str] = None, nginx_format: Optional[str] = None,
                        fields: Optional[Mapping[str, str]] = None,
                        latency_unit: Optional[str] = None, days: int = 30, now: Any = None,
                        keys: Optional[Union[KeyList, Sequence[APIKeyInfo]]] = None) -> LogSummary:
    """The summary of a ``dask.dataframe`` (or ``dask.bag``) of raw log lines, one line a row
    (``column``: which column; default: the only one). Each partition is aggregated on a worker.
    Bad-line numbers are partition-local here (line 1 = the partition's first row). A CSV log
    needs its header as every partition's first row, so use :func:`summarize` on the files."""
    options = _logs.ReaderOptions(format, nginx_format, fields, latency_unit)
    if options.format == "csv":
        raise ValidationError("a CSV log needs its header: summarize the files with "
                              "keyscope.dask.summarize instead", code="invalid_log_format")
    window = _logs.Window(_logs._check_days(days), _logs._now_unix(now))
    _logs._keys_body(keys)
    if hasattr(frame, "columns"):
        columns = list(frame.columns)
        if column is None:
            if len(columns) != 1:
                raise ValidationError("the frame has several columns: say which holds the lines (column=)",
                                      code="invalid_argument")
            column = columns[0]
        series = frame[column]
    else:
        series = frame
    task = _delayed(_summarize_lines, pure=True)
    tasks = [task(part, options, window.bounds) for part in series.to_delayed()]
    results = _run(tasks, client)
    aggregate = _core.merge_aggregates(results)
    return _logs.summary_of(aggregate, window, keys)
