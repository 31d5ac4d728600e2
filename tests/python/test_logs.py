"""keyscope.logs: usage from the user's own traffic logs, through the C++ reader (the wheel)."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import threading
from pathlib import Path
from typing import Any, Dict, List

import pytest

import keyscope
import keyscope.logs
from keyscope import _core

NOW = "2026-05-17T12:00:00Z"
SECRET = "sk_live_Ab12" + "Q7xWv9LpTz3RkYm8NcHs5Ue2Gd4Jf6"  # 12-char prefix + 28 secret characters
TAIL = SECRET[12:]


def _line(ts: str, key: str = SECRET, path: str = "/api/v1/iocs?type=ipv4", status: Any = 200,
          ms: float = 12.5) -> str:
    return json.dumps({"timestamp": ts, "path": path, "status": status, "duration_ms": ms,
                       "authorization": f"Bearer {key}"})


def _counts(summary: keyscope.LogSummary) -> Dict[str, Any]:
    """What every format spells the same: per key, totals, statuses and the daily series."""
    return {u.key_id: (u.total_requests, dict(u.by_status), sorted((b.date, b.requests, b.errors) for b in u.daily))
            for u in summary.usages}


def test_summarize_the_sandbox_log(emit_logs: Any, keys: Any) -> None:
    out = emit_logs(7)
    planted = json.loads((out / "planted.json").read_text())
    summary = keyscope.logs.summarize(out / "egress.jsonl", days=7, now=NOW, keys=keys)
    assert isinstance(summary, keyscope.LogSummary)
    assert summary.window_days == 7
    assert summary.lines == summary.records == summary.full_keys_seen > 300_000
    assert summary.bad_lines == ()
    by_id = {u.key_id: u for u in summary.usages}
    # Keys of the list are reported under their id, the unknown prefix under itself.
    assert "sk_live_Zz9q" in by_id
    ids = {k.id for k in keys}
    assert {k for k in by_id if k != "sk_live_Zz9q"} <= ids
    leaked = next(i for i in planted["incidents"] if i["kind"] == "api_exceeds_logs")
    daily = {b.date.isoformat(): b.requests for b in by_id[leaked["key_id"]].daily}
    for day in leaked["per_day"]:
        assert daily[day["date"]] == day["log_requests"]
    assert sum(u.total_requests for u in summary.usages) == summary.records
    for u in summary.usages:
        assert u.successful + u.client_errors + u.server_errors == u.total_requests
        assert sum(u.by_status.values()) == u.total_requests
        if u.total_requests:
            assert u.latency_p50_ms <= u.latency_p95_ms <= u.latency_p99_ms


def test_without_keys_every_key_is_its_prefix(emit_logs: Any) -> None:
    summary = keyscope.logs.summarize(str(emit_logs(2) / "egress.jsonl"), days=2, now=NOW)
    assert all(u.key_id.startswith(("sk_live_", "sk_test_")) and len(u.key_id) == 12 for u in summary.usages)


def test_formats_count_the_same(emit_logs: Any) -> None:
    jsonl = keyscope.logs.summarize(emit_logs(2, "jsonl") / "egress.jsonl", days=2, now=NOW)
    csv = keyscope.logs.summarize(emit_logs(2, "csv") / "egress.csv", format="csv", days=2, now=NOW)
    nginx_dir = emit_logs(2, "nginx")
    nginx_format = (nginx_dir / "nginx_log_format.txt").read_text().strip()
    nginx = keyscope.logs.summarize(nginx_dir / "egress.log", nginx_format=nginx_format, days=2, now=NOW)
    assert _counts(jsonl) == _counts(csv) == _counts(nginx)
    assert jsonl.records == csv.records == nginx.records


def test_sources_gz_glob_file_objects_and_lists(emit_logs: Any, tmp_path: Path) -> None:
    src = emit_logs(2) / "egress.jsonl"
    data = src.read_bytes()
    expected = keyscope.logs.summarize(src, days=2, now=NOW).to_dict()
    gz = tmp_path / "egress.jsonl.gz"
    with gzip.open(gz, "wb", compresslevel=1) as f:
        f.write(data)
    assert keyscope.logs.summarize(gz, days=2, now=NOW).to_dict() == expected
    with open(src, "rb") as f:
        assert keyscope.logs.summarize(f, days=2, now=NOW).to_dict() == expected
    with open(src, "r", encoding="utf-8") as tf:
        assert keyscope.logs.summarize(tf, days=2, now=NOW).to_dict() == expected
    # Split in two files at a line boundary: a list and a glob give the same whole.
    cut = data.index(b"\n", len(data) // 2) + 1
    (tmp_path / "part-1.jsonl").write_bytes(data[:cut])
    (tmp_path / "part-2.jsonl").write_bytes(data[cut:])
    both = [tmp_path / "part-1.jsonl", str(tmp_path / "part-2.jsonl")]
    assert keyscope.logs.summarize(both, days=2, now=NOW).to_dict() == expected
    assert keyscope.logs.summarize(str(tmp_path / "part-*.jsonl"), days=2, now=NOW).to_dict() == expected


def test_chunks_may_end_anywhere() -> None:
    text = "\n".join(_line(f"2026-05-17T0{h}:00:00Z", status=200 + h) for h in range(8)) + "\n"
    window = keyscope.logs.Window(1, keyscope.logs._now_unix(NOW))
    whole = _core.LogReader("jsonl", "", None, None, *window.bounds)
    whole.feed(text.encode())
    bytewise = _core.LogReader("jsonl", "", None, None, *window.bounds)
    for i in range(len(text)):
        bytewise.feed(text[i:i + 1].encode())
    assert whole.aggregate_bytes() == bytewise.aggregate_bytes()
    assert bytewise.lines == 8 and bytewise.records == 8


def test_custom_field_names_and_units() -> None:
    lines = [json.dumps({"ts": "2026-05-17T10:00:00Z", "auth": f"Bearer {SECRET}",
                         "req": {"url": "https://api.example/api/v1/lookup?q=1.2.3.4"},
                         "code": 503, "took_us": 1500}),
             json.dumps({"ts": "2026-05-17T10:00:01Z", "auth": SECRET, "req": {"url": "/api/v1/lookup"},
                         "code": 200, "took_us": 2500})]
    summary = keyscope.logs.summarize(io.BytesIO(("\n".join(lines)).encode()), days=1, now=NOW,
                                      fields={"time": "ts", "key": "auth", "path": "req.url",
                                              "status": "code", "latency": "took_us"})
    (usage,) = summary.usages
    assert usage.key_id == SECRET[:12]
    assert usage.total_requests == 2 and usage.server_errors == 1 and usage.by_status == {"200": 1, "503": 1}
    assert [(e.path, e.count) for e in usage.top_endpoints] == [("/api/v1/lookup", 2)]
    assert usage.latency_p50_ms == pytest.approx(2.0, abs=0.01)  # microseconds read as such
    assert summary.full_keys_seen == 2


def test_bad_lines_are_counted_with_line_numbers() -> None:
    lines = [_line("2026-05-17T01:00:00Z"), "{not json", _line("2026-05-17T02:00:00Z", status="abc"),
             "", _line("2026-04-01T00:00:00Z"), _line("2026-05-17T03:00:00Z"), "garbage " + SECRET]
    summary = keyscope.logs.summarize(io.StringIO("\n".join(lines)), days=1, now=NOW)
    bad = {b.kind: (b.count, b.first_lines) for b in summary.bad_lines}
    assert bad["unparseable"] == (2, (2, 7))
    assert bad["out_of_window"] == (1, (5,))
    assert sum(b.count for b in summary.bad_lines) == 4
    assert summary.records == 2 and summary.lines == 6
    frame = summary.to_pandas("bad_lines")
    assert set(frame["kind"]) == set(bad)
    _assert_no_secret(summary, frame)


def _assert_no_secret(*objects: Any) -> None:
    for obj in objects:
        texts = [repr(obj), str(obj)]
        if hasattr(obj, "to_dict") and not hasattr(obj, "to_csv"):
            texts.append(json.dumps(obj.to_dict(), default=str))
        if hasattr(obj, "to_csv"):
            texts.append(obj.to_csv())
            texts.append(obj.to_string())
        for text in texts:
            assert TAIL not in text and TAIL[:8] not in text


def test_no_secret_in_any_output(emit_logs: Any) -> None:
    pd = pytest.importorskip("pandas")
    lines = [_line(f"2026-05-17T0{h}:00:00Z", status=(200, 404, 500)[h % 3]) for h in range(9)]
    lines.append(json.dumps({"timestamp": "2026-05-17T10:00:00Z", "path": f"/api/v1/x?api_key={SECRET}",
                             "status": 200, "authorization": SECRET}))
    summary = keyscope.logs.summarize(io.StringIO("\n".join(lines)), days=1, now=NOW)
    assert summary.full_keys_seen == 10
    assert [u.key_id for u in summary.usages] == [SECRET[:12]]
    frames = [summary.to_pandas(), summary.to_pandas("daily"), summary.to_pandas("bad_lines")]
    assert all(isinstance(f, pd.DataFrame) for f in frames)
    _assert_no_secret(summary, *summary.usages, *frames)
    # The sandbox's own log: every line carries a full key.
    out = emit_logs(2)
    first = json.loads((out / "egress.jsonl").open().readline())
    tail = first["authorization"].split()[-1][12:]
    big = keyscope.logs.summarize(out / "egress.jsonl", days=2, now=NOW)
    for text in (repr(big), json.dumps(big.to_dict()), big.to_pandas().to_csv(), big.to_pandas("daily").to_csv()):
        assert tail not in text
    # Nor in exceptions made from what the user passed.
    for kwargs in ({"fields": {SECRET: "x"}}, {"fields": {"key": "auth", "time": 5}}, {"format": SECRET},
                   {"latency_unit": SECRET}, {"now": SECRET}, {"nginx_format": f"$remote_addr {SECRET}"}):
        with pytest.raises(keyscope.ValidationError) as info:
            keyscope.logs.summarize(io.StringIO(lines[0]), **kwargs)
        assert TAIL not in str(info.value) and TAIL not in repr(info.value)
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.logs.summarize(f"/nonexistent/{SECRET}.jsonl")
    assert TAIL not in str(info.value)


def test_to_pandas_frames(emit_logs: Any, keys: Any) -> None:
    pd = pytest.importorskip("pandas")
    summary = keyscope.logs.summarize(emit_logs(2) / "egress.jsonl", days=2, now=NOW, keys=keys)
    usages = summary.to_pandas()
    assert list(usages["key_id"]) == [u.key_id for u in summary.usages]
    assert usages["requests"].dtype == "int64" and int(usages["requests"].sum()) == summary.records
    assert str(usages["latency_p95_ms"].dtype) == "Float64"
    daily = summary.to_pandas("daily")
    assert str(daily["date"].dtype) == "datetime64[ns, UTC]"
    assert int(daily["requests"].sum()) == summary.records
    assert daily.groupby("key_id")["requests"].sum().to_dict() == {u.key_id: u.total_requests for u in summary.usages
                                                                   if u.total_requests}
    assert summary.to_pandas("bad_lines").empty
    with pytest.raises(keyscope.ValidationError):
        summary.to_pandas("nope")
    import keyscope.pandas as kp

    pd.testing.assert_frame_equal(kp.log_usages_frame(summary), usages)


def test_error_paths(tmp_path: Path) -> None:
    good = io.StringIO(_line("2026-05-17T01:00:00Z"))
    cases: List[Dict[str, Any]] = [
        {"format": "xml"},
        {"format": "nginx"},  # no log_format
        {"nginx_format": "$remote_addr [$time_local]"},  # no status or request
        {"fields": {"colour": "x"}},
        {"fields": {"time": ""}},
        {"fields": ["time"]},
        {"latency_unit": "minutes"},
        {"days": 0},
        {"days": "7"},
        {"now": "yesterday"},
    ]
    for kwargs in cases:
        with pytest.raises(keyscope.ValidationError) as info:
            keyscope.logs.summarize(good, **kwargs)
        assert isinstance(info.value, keyscope.KeyscopeError) and info.value.code, kwargs
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.logs.summarize(tmp_path / "missing.jsonl")
    assert info.value.code == "log_unreadable"
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.logs.summarize(tmp_path)  # a directory
    assert info.value.code == "log_unreadable"
    not_gzip = tmp_path / "plain.jsonl.gz"
    not_gzip.write_text(_line("2026-05-17T01:00:00Z") + "\n")
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.logs.summarize(not_gzip)
    assert info.value.code == "log_unreadable"
    with pytest.raises(keyscope.ValidationError) as info:
        keyscope.logs.summarize(str(tmp_path / "nothing-*.jsonl"))
    assert info.value.code == "log_not_found"
    for bad in ([], None, 42, [42]):
        with pytest.raises(keyscope.ValidationError):
            keyscope.logs.summarize(bad)  # type: ignore[arg-type]
    with pytest.raises(keyscope.ValidationError):
        keyscope.logs.summarize(good, keys=["sk_live_abcd"])  # type: ignore[list-item]
    with pytest.raises(keyscope.ValidationError):
        _core.LogReader("csv", "", {"key": "a", "bogus": "b"})


def test_aggregate_pickles_and_merges_exactly(emit_logs: Any) -> None:
    src = emit_logs(2) / "egress.jsonl"
    data = src.read_bytes()
    cut = data.index(b"\n", len(data) // 3) + 1
    options = keyscope.logs.ReaderOptions()
    window = keyscope.logs.Window(2, keyscope.logs._now_unix(NOW))
    parts = []
    for piece in (data[:cut], data[cut:]):
        reader = options.reader(window.bounds)
        reader.feed(piece)
        reader.finish()
        parts.append(pickle.loads(pickle.dumps(reader.take_aggregate())))
    merged = _core.merge_aggregates(parts)
    single = keyscope.logs.summarize(src, days=2, now=NOW)
    assert keyscope.logs.summary_of(merged, window).to_dict()["usages"] == single.to_dict()["usages"]
    again = pickle.loads(pickle.dumps(_core.UsageAggregate.deserialize(merged.serialize())))
    assert keyscope.logs.summary_of(again, window) == keyscope.logs.summary_of(merged, window)
    assert (again.lines, again.records) == (merged.lines, merged.records)
    with pytest.raises(keyscope.DecodeError):
        _core.UsageAggregate.deserialize(b"{}")


def test_two_threads_feed_at_once(emit_logs: Any) -> None:
    data = (emit_logs(2) / "egress.jsonl").read_bytes()
    window = keyscope.logs.Window(2, keyscope.logs._now_unix(NOW))
    results: List[bytes] = []

    def work() -> None:
        reader = keyscope.logs.ReaderOptions().reader(window.bounds)
        reader.feed(data)
        reader.finish()
        results.append(reader.aggregate_bytes())

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0] == results[1]
