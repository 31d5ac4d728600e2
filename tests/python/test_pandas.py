"""keyscope.pandas: DataFrames with proper dtypes."""

from __future__ import annotations

import csv
import io
import json
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


# ---- CSV formula injection (OWASP) ---------------------------------------------------------
EVIL = ['=HYPERLINK("http://x","y")', "@SUM(1+1)", "+1+2", "-2+3", "\tcmd", "\rcmd"]


def _evil_fleet():
    keys = [{"id": f"00000000-0000-4000-8000-{i:012d}", "key_prefix": "sk_live_ab12", "name": name,
             "tier": "pro", "scopes": ["read:iocs"], "total_requests": 0, "last_used_at": None,
             "created_at": "2026-01-01T00:00:00Z", "expires_at": None, "revoked_at": None}
            for i, name in enumerate(EVIL, 1)]
    usages = [{"key_id": k["id"], "window_days": 30, "total_requests": 0, "successful": 0,
               "client_errors": 0, "server_errors": 0, "top_endpoints": [], "by_status": {},
               "daily": [], "rate_limit_hits_by_hour": []} for k in keys]
    return keys, usages


def _csv_rows(text: str) -> list:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_to_csv_neutralises_formulas_in_text_cells() -> None:
    keys, usages = _evil_fleet()
    guarded = ["'" + name for name in EVIL]

    rows = _csv_rows(kpd.to_csv(kpd.usage_frame(keyscope.usage_by_key(keys, usages)), index=False))
    assert rows[0][:2] == ["key_id", "name"]
    assert sorted(r[1] for r in rows[1:]) == sorted(guarded)
    assert all(r[5] == "0" for r in rows[1:])  # request_count: still a number

    key_list = keyscope.decode_key_list(json.dumps({"data": keys, "meta": {"total": len(keys)}}).encode())
    rows = _csv_rows(kpd.to_csv(kpd.keys_frame(key_list), index=False))
    assert [r[1] for r in rows[1:]] == guarded

    findings = keyscope.detect_anomalies(keys, usages, now=NOW)
    rows = _csv_rows(kpd.to_csv(kpd.anomalies_frame(findings), index=False))
    assert len(rows) > 1 and {r[2] for r in rows[1:]} <= set(guarded)

    lines = keyscope.chargeback(keyscope.usage_by_key(keys, usages), "10.00",
                                by_key={keys[0]["id"]: "=1+1", keys[1]["id"]: "@team"})
    rows = _csv_rows(kpd.to_csv(kpd.chargeback_frame(lines), index=False))
    assert {"'=1+1", "'@team"} <= {r[0] for r in rows[1:]}

    usage = keyscope.KeyUsage.from_dict(usages[0])
    header = _csv_rows(kpd.to_csv(kpd.daily_frames({EVIL[0]: usage}, end_date="2026-05-17")))[0]
    assert guarded[0] in header and EVIL[0] not in header  # key names as column labels


def test_to_csv_leaves_numbers_numbers() -> None:
    frame = pd.DataFrame({"name": pd.array(["-5", "ok"], dtype="string"), "delta": [-5, 3],
                          "rate": [-0.25, 1.0]})
    rows = _csv_rows(kpd.to_csv(frame, index=False))
    assert rows[1:] == [["'-5", "-5", "-0.25"], ["ok", "3", "1.0"]]
    assert frame["name"].tolist() == ["-5", "ok"]  # the caller's frame is not modified
