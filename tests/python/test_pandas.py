"""keyscope.pandas: DataFrames with proper dtypes."""

from __future__ import annotations

from datetime import date

import pytest

pd = pytest.importorskip("pandas")

import keyscope  # noqa: E402
import keyscope.pandas as kpd  # noqa: E402

NOW = "2026-05-17T12:00:00Z"


def test_daily_frame(client, keys) -> None:
    k = max((k for k in keys if not k.revoked), key=lambda k: k.total_requests)
    usage = client.get_usage(k.id, 30)
    df = kpd.daily_frame(usage, end_date=date(2026, 5, 17))
    assert str(df.index.dtype) == "datetime64[ns, UTC]" and df.index.name == "date"
    assert len(df) == 30 and df.index.is_monotonic_increasing
    assert df.index[-1] == pd.Timestamp("2026-05-17", tz="UTC")
    assert (df.index[1:] - df.index[:-1]).unique().tolist() == [pd.Timedelta(days=1)]
    assert str(df["requests"].dtype) == "int64" and str(df["errors"].dtype) == "int64"
    assert str(df["error_rate"].dtype) == "float64"
    assert df["requests"].sum() == sum(b.requests for b in usage.daily)


def test_daily_frame_gap_filled() -> None:
    u = keyscope.KeyUsage.from_dict({"key_id": "k", "window_days": 5, "total_requests": 3,
                                     "successful": 3, "client_errors": 0, "server_errors": 0,
                                     "daily": [{"date": "2026-05-17", "requests": 2, "errors": 0},
                                               {"date": "2026-05-14", "requests": 1, "errors": 1}]})
    df = kpd.daily_frame(u)
    assert df["requests"].tolist() == [0, 1, 0, 0, 2]
    assert df["error_rate"].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]


def test_daily_frames(client, keys) -> None:
    live = [k for k in keys if not k.revoked][:3]
    usages = {k.name: client.get_usage(k.id, 14) for k in live}
    wide = kpd.daily_frames(usages, end_date="2026-05-17", column="requests")
    assert list(wide.columns) == list(usages) and len(wide) == 14
    assert all(str(t) == "int64" for t in wide.dtypes)
    assert str(wide.index.dtype) == "datetime64[ns, UTC]"


def test_status_frame(client, keys) -> None:
    usage = client.get_usage(keys[0].id, 30)
    df = kpd.status_frame(usage)
    assert str(df["status"].dtype) == "int64" and str(df["count"].dtype) == "int64"
    assert df["count"].sum() == usage.total_requests
    assert df["share"].sum() == pytest.approx(1.0)
    assert set(df["class"]) <= {"2xx", "3xx", "4xx", "5xx"}


def test_usage_frame(client) -> None:
    rows = client.usage_by_key(days=30)
    df = kpd.usage_frame(rows)
    assert len(df) == len(rows)
    assert str(df["request_count"].dtype) == "int64"
    assert str(df["error_rate"].dtype) == "float64"
    assert str(df["last_activity"].dtype) == "datetime64[ns, UTC]"
    assert str(df["environment"].dtype) == "category"
    assert df["request_count"].is_monotonic_decreasing


def test_anomalies_and_chargeback_frames(client) -> None:
    fleet = client.fetch_fleet(days=90)
    findings = keyscope.detect_anomalies(fleet, now=NOW)
    df = kpd.anomalies_frame(findings)
    assert len(df) == len(findings) and df["severity"].cat.ordered
    assert list(df["severity"].cat.categories) == ["info", "warning", "critical"]
    assert df["severity"].max() == "critical"
    lines = keyscope.chargeback(keyscope.usage_by_key(fleet), "999.99", name_pattern=r"\[(\w+)\]")
    cb = kpd.chargeback_frame(lines)
    assert cb["cost_cents"].sum() == 99999 and str(cb["cost_cents"].dtype) == "int64"


def test_keys_frame(keys) -> None:
    df = kpd.keys_frame(keys)
    assert len(df) == 13 and str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    assert df["last_used_at"].isna().sum() >= 1  # the never-used key
    assert df["revoked"].sum() == 1 and str(df["revoked"].dtype) == "bool"
