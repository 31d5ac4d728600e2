"""keyscope.dask on a real distributed.LocalCluster (worker processes): the same summary as the
single-process keyscope.logs.summarize, exactly (to_dict equality, bad-line numbers included)."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import keyscope
import keyscope.logs

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
import keyscope.dask  # noqa: E402 - after the importorskip

NOW = "2026-05-17T12:00:00Z"


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       dashboard_address=None, host="127.0.0.1")
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_partitioned_summary_equals_the_single_process_one(dask_client: Any, emit_logs: Any, keys: Any) -> None:
    log = emit_logs(2) / "egress.jsonl"
    size = log.stat().st_size
    blocksize = size // 9 + 1
    partitions = keyscope.dask.plan_partitions(str(log), blocksize)
    assert len(partitions) >= 8
    single = keyscope.logs.summarize(log, days=2, now=NOW, keys=keys)
    started = time.monotonic()
    spread = keyscope.dask.summarize(str(log), client=dask_client, blocksize=blocksize, days=2, now=NOW, keys=keys)
    elapsed = time.monotonic() - started
    assert spread.to_dict() == single.to_dict()
    assert spread == single
    print(f"\nkeyscope.dask: {len(partitions)} partitions of {blocksize} bytes ({size} bytes, "
          f"{single.lines} lines) on 2 worker processes in {elapsed:.2f} s")


def test_line_alignment_and_bad_line_numbers(dask_client: Any, tmp_path: Path) -> None:
    """Tiny ranges cut lines anywhere; every line is read once and bad lines keep file-wide numbers."""
    lines = []
    for i in range(400):
        if i % 37 == 5:
            lines.append("{broken json " + "x" * (i % 13))
        elif i % 53 == 7:
            lines.append(json.dumps({"timestamp": "2026-03-01T00:00:00Z", "path": "/a", "status": 200,
                                     "authorization": "Bearer sk_live_Old1" + "z" * 28}))
        else:
            lines.append(json.dumps({"timestamp": f"2026-05-17T{i % 12:02d}:{i % 60:02d}:00Z",
                                     "path": f"/api/v1/p{i % 4}?q={i}", "status": (200, 200, 404, 500)[i % 4],
                                     "duration_ms": 10 + i % 90,
                                     "authorization": f"Bearer sk_live_K{i % 3}ab" + "y" * 28}))
    log = tmp_path / "mixed.jsonl"
    log.write_text("\n".join(lines))  # no newline at the end
    single = keyscope.logs.summarize(log, days=1, now=NOW)
    assert {b.kind for b in single.bad_lines} == {"unparseable", "out_of_window"}
    for blocksize in (97, 1000, 4096):
        spread = keyscope.dask.summarize(str(log), client=dask_client, blocksize=blocksize, days=1, now=NOW)
        assert spread.to_dict() == single.to_dict(), blocksize


def test_csv_gzip_and_several_files(dask_client: Any, emit_logs: Any, tmp_path: Path) -> None:
    csv = emit_logs(2, "csv") / "egress.csv"
    single = keyscope.logs.summarize(csv, format="csv", days=2, now=NOW)
    spread = keyscope.dask.summarize(str(csv), format="csv", client=dask_client,
                                     blocksize=csv.stat().st_size // 8 + 1, days=2, now=NOW)
    assert spread.to_dict() == single.to_dict()
    data = (emit_logs(2) / "egress.jsonl").read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 1
    with gzip.open(tmp_path / "a.jsonl.gz", "wb", compresslevel=1) as f:
        f.write(data[:cut])
    (tmp_path / "b.jsonl").write_bytes(data[cut:])
    assert len(keyscope.dask.plan_partitions(str(tmp_path / "*.jsonl*"), 1 << 20)) > 2
    spread = keyscope.dask.summarize(str(tmp_path / "*.jsonl*"), client=dask_client, blocksize="1MiB", days=2, now=NOW)
    assert spread.to_dict()["usages"] == keyscope.logs.summarize(emit_logs(2) / "egress.jsonl", days=2,
                                                                 now=NOW).to_dict()["usages"]


def test_a_bag_of_lines(dask_client: Any, emit_logs: Any) -> None:
    import dask.bag as db

    log = emit_logs(2) / "egress.jsonl"
    bag = db.read_text(str(log), blocksize=log.stat().st_size // 4 + 1)
    spread = keyscope.dask.summarize_dataframe(bag, client=dask_client, days=2, now=NOW)
    assert spread.to_dict() == keyscope.logs.summarize(log, days=2, now=NOW).to_dict()


def test_errors_before_any_task(dask_client: Any, tmp_path: Path) -> None:
    for kwargs in ({"fields": {"colour": "x"}}, {"format": "nginx"}, {"days": 0}, {"blocksize": 0}):
        with pytest.raises(keyscope.ValidationError):
            keyscope.dask.summarize(str(tmp_path / "x.jsonl"), client=dask_client, **kwargs)
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.dask.summarize(str(tmp_path / "none-*.jsonl"), client=dask_client)
    assert info.value.code == "log_not_found"
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.dask.summarize(str(tmp_path / "missing.jsonl"), client=dask_client)
    assert info.value.code == "log_unreadable"
