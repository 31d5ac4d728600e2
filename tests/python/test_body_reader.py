"""The one-pass body reader (bindings/python/src/_core/body_reader.cpp) against the core codec.

keyscope.decode_key_list / decode_key_details / decode_key_usage read a body with the fast reader
first (_core.read_*) and fall back to the core codec (_core.decode_*) when it returns None. The
reader must never decide differently from the core: whatever model it returns must be the core's
model field for field (same types, same dict order, same repr), and on a body the core refuses it
must return None so that the user gets the core's DecodeError. Checked here on the sandbox's
bodies, on hand-made edge cases, and on thousands of mutated bodies (seeded, reproducible).
"""

from __future__ import annotations

import json
import random
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import keyscope
from keyscope import _core

KEY = {"id": "00000000-0000-4000-8000-000000000123", "key_prefix": "sk_live_AbCd", "name": "Ingest",
       "tier": "pro", "scopes": ["read:iocs", "read:stix"], "rate_limit_per_minute": 120,
       "rate_limit_per_day": None, "total_requests": 42, "last_used_at": "2026-05-17T09:42:11Z",
       "created_at": "2025-01-02T03:04:05Z", "expires_at": None, "revoked_at": None}
USAGE = {"key_id": KEY["id"], "window_days": 7, "total_requests": 10, "successful": 8, "client_errors": 1,
         "server_errors": 1, "success_rate": 0.8, "avg_response_time_ms": 234.4, "latency_p50_ms": 180,
         "latency_p95_ms": 522.5, "latency_p99_ms": 1200, "rate_limit_peak_per_minute": 12,
         "rate_limit_peak_per_day": None,
         "top_endpoints": [{"path": "/api/v1/iocs", "count": 6}, {"path": "/api/v1/stix", "count": 4}],
         "by_status": {"500": 1, "200": 8, "404": 1},
         "daily": [{"date": "2026-05-16", "requests": 6, "errors": 1}, {"date": "2026-05-17", "requests": 4}],
         "rate_limit_hits_by_hour": [{"hour": "2026-05-17T08:00:00Z", "count": 3}]}
DETAILS = {**KEY, "allowed_ips": ["10.0.0.0/8"], "usage": {"daily": USAGE["daily"]}}

# (fast reader, core decoder) per payload.
KINDS: Dict[str, Tuple[Callable[[Any], Any], Callable[[str], Any]]] = {
    "list": (_core.read_key_list, _core.decode_key_list),
    "details": (_core.read_key_details, _core.decode_key_details),
    "usage": (_core.read_key_usage, _core.decode_key_usage),
}


def dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def fingerprint(model: Any) -> Any:
    """Everything a user can see of a model: type, repr (each field's type and value, -0.0 and
    1.0 vs 1 included), to_dict (ordered) and the order of by_status."""
    return (type(model).__name__, repr(model), json.dumps(model.to_dict()),
            list(getattr(model, "by_status", {}).items()))


def core_result(kind: str, body: bytes) -> Tuple[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ("error", "not UTF-8")
    try:
        return ("model", KINDS[kind][1](text))
    except keyscope.DecodeError as error:
        return ("error", str(error))


def check_agrees(kind: str, body: bytes) -> Optional[Any]:
    """The fast reader's answer on `body` agrees with the core's; returns the fast model or None."""
    fast = KINDS[kind][0](body)
    outcome, core = core_result(kind, body)
    if fast is None:
        return None
    assert outcome == "model", f"the reader returned a model where the core says {core!r}: {body[:300]!r}"
    assert fingerprint(fast) == fingerprint(core), body[:300]
    assert fast == core
    return fast


def test_the_sandbox_bodies_take_the_fast_path_and_equal_the_core(sandbox: Any) -> None:
    client = keyscope.Client(base_url=sandbox.base_url, session_token=sandbox.token, max_retries=0)
    try:
        keys = client.list_keys()
        list_body = client.last_response.body.encode()  # type: ignore[union-attr]
        key = next(k for k in keys if not k.revoked)
        client.get_key(key.id)
        details_body = client.last_response.body.encode()  # type: ignore[union-attr]
        client.get_usage(key.id, 90)
        usage_body = client.last_response.body.encode()  # type: ignore[union-attr]
    finally:
        client.close()
    for kind, body in (("list", list_body), ("details", details_body), ("usage", usage_body)):
        assert check_agrees(kind, body) is not None, f"the sandbox's {kind} body was handed over"
    assert keyscope.decode_key_list(list_body) == keys
    # str and bytearray bodies read the same as bytes.
    assert _core.read_key_list(list_body.decode()) == keys
    assert _core.read_key_usage(bytearray(usage_body)) == keyscope.decode_key_usage(usage_body)


FAST_CASES: List[Tuple[str, Any]] = [
    ("list", {"data": [KEY], "meta": {"total": 1}}),
    ("list", {"meta": {"total": 7, "page": 1}, "data": [KEY, {**KEY, "id": "x"}]}),
    ("list", {"data": [], "meta": None}),
    ("list", {"data": [{"id": "a", "key_preview": "sk_live_••••", "name": "n"}]}),
    ("list", {"data": [{"id": "a", "key_prefix": "", "key_preview": "sk_test_p", "name": "n"}]}),
    ("list", {"data": [{"id": "a", "key_prefix": "p", "key_preview": "", "name": "n"}]}),
    ("list", {"data": [{"id": "a", "key_prefix": "", "name": "n", "tier": None, "scopes": None,
                        "total_requests": None}]}),
    ("list", {"data": [{**KEY, "name": "Ünïcødé \"quoted\" \\ tab\t nul\u0000 😀 \u2028",
                        "extra": {"deep": [1, 2.5e-3, -0, True, False, None, {"x": "y"}]}}]}),
    ("list", {"data": [{**KEY, "total_requests": -9223372036854775808, "rate_limit_per_day": 9223372036854775807}]}),
    ("list", {"data": [{**KEY, "created_at": "0000-01-01T00:00:00Z", "last_used_at": "9999-12-31T23:59:60Z",
                        "expires_at": "2026-05-17T11:42:11.123+02:00"}]}),
    ("usage", {"data": USAGE}),
    ("usage", {"other": [1, {"a": []}], "data": {**USAGE, "success_rate": 1, "latency_p50_ms": -0,
                                                  "latency_p95_ms": -0.0, "latency_p99_ms": 1e300,
                                                  "avg_response_time_ms": 18446744073709551616}}),
    ("usage", {"data": {**USAGE, "avg_response_time_ms": 0.1, "latency_p50_ms": 123456789012345678901234567890,
                        "latency_p95_ms": 2.2250738585072014e-308, "latency_p99_ms": 1.7976931348623157e308}}),
    ("usage", {"data": {"key_id": "k", "total_requests": 0}}),
    ("usage", {"data": {**USAGE, "by_status": {"b": 1, "a": 2, "é": 3, "Z": 4, "": 5}}}),
    ("details", {"data": DETAILS}),
    ("details", {"data": {**DETAILS, "usage": None, "allowed_ips": None}}),
    ("details", {"data": {**DETAILS, "usage": {"weekly": [1], "daily": []}}}),
]


@pytest.mark.parametrize("kind,doc", FAST_CASES)
def test_edge_cases_read_fast_and_equal_the_core(kind: str, doc: Any) -> None:
    assert check_agrees(kind, dump(doc)) is not None
    # Whitespace everywhere and a UTF-8 byte order mark change nothing.
    spaced = b"\xef\xbb\xbf \n" + json.dumps(doc, ensure_ascii=False, indent="\t", separators=(" , ", " : ")).encode() + b"\r\n"
    assert check_agrees(kind, spaced) is not None


def test_integers_of_every_length_read_exactly() -> None:
    """The reader takes integers 8 digits at a time where 8 bytes remain: every length from 1
    to 19 digits, as the last bytes of the body and followed by more, reads as Python's int."""
    for digits in range(1, 20):
        for lead in "19":
            n = int(lead + "0" * (digits - 1)) + (digits * 7919) % (10 ** (digits - 1) if digits > 1 else 1)
            for value in (n, -n):
                usage = dump({"data": {**USAGE, "total_requests": value}})
                assert check_agrees("usage", usage).total_requests == value
                # The number is the last thing before the closing braces: fewer than 8 bytes left.
                tail = b'{"data":{"key_id":"k","total_requests":' + str(value).encode() + b"}}"
                assert check_agrees("usage", tail).total_requests == value
    daily = [{"date": "2026-05-17", "requests": r, "errors": r % 97} for r in (0, 7, 12345678, 123456789)]
    assert [d.requests for d in check_agrees("usage", dump({"data": {**USAGE, "daily": daily}})).daily] == \
        [0, 7, 12345678, 123456789]
    # 20 digits overflow 64 bits: the core decides.
    assert _core.read_key_usage(b'{"data":{"key_id":"k","total_requests":12345678901234567890}}') is None


@pytest.mark.parametrize("day,valid", [("2024-02-29", True), ("2026-02-29", False), ("2000-02-29", True),
                                       ("1900-02-29", False), ("2026-04-31", False), ("2026-12-31", True),
                                       ("2026-13-01", False), ("2026-00-10", False), ("0001-01-01", True)])
def test_calendar_dates_are_the_cores(day: str, valid: bool) -> None:
    body = dump({"data": {**USAGE, "daily": [{"date": day, "requests": 1}]}})
    fast = check_agrees("usage", body)
    assert (fast is not None) == valid
    if valid:
        assert fast.daily[0].date.isoformat() == day


def test_escaped_string_values_read_fast_and_equal_the_core() -> None:
    """Every non-ASCII character as a \\u escape (surrogate pairs for 😀), in values."""
    name = "Ünïcødé \"quoted\" \\ / tab\t nul\u0000 😀 \u2028 \b\f\n\r"
    doc = {"data": [{**KEY, "name": name, "key_prefix": "sk_live_é"}]}
    body = json.dumps(doc, ensure_ascii=True).encode().replace(b"/ tab", b"\\/ tab")
    model = check_agrees("list", body)
    assert model is not None and model[0].name == name and model[0].key_prefix == "sk_live_é"


HANDED_OVER: List[Tuple[str, bytes]] = [
    ("list", b'{"data": [], "data": []}'),                          # repeated member: the core takes the last
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "name": "m"}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "n\\u0061me": "n"}]}'),  # escaped member name
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "total_requests": 3.0}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "total_requests": 1e2}]}'),
    ("usage", b'{"data": {"key_id": "k", "total_requests": 1, "by_status": {"2\\u0030\\u0030": 1}}}'),
]
REFUSED: List[Tuple[str, bytes]] = [
    ("list", b'{"data": null}'), ("list", b'{"meta": {}}'), ("list", b'[]'), ("list", b''),
    ("list", b'{"data": [{"id": "a", "name": "n"}]}'),              # no key_prefix nor key_preview
    ("list", b'{"data": [{"id": 1, "key_prefix": "p", "name": "n"}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "scopes": ["a", null]}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "key_preview": 7}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "created_at": "yesterday"}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "total_requests": 9223372036854775808}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n"}], "meta": []}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "n", "x": 1e400}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "\\ud800"}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "\xed\xa0\x80"}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "\xff"}]}'),
    ("list", b'{"data": [{"id": "a", "key_prefix": "p", "name": "tab\there"}]}'),
    ("list", b'{"data": [], }'), ("list", b'{"data": []} x'), ("list", b'{"data": [01]}'),
    ("list", b'{"data": [], "x": ' + b"[" * 70 + b"]" * 70 + b"}"),
    ("usage", b'{"data": {"key_id": "k"}}'), ("usage", b'{"data": []}'), ("usage", b'{"data": null}'),
    ("usage", b'{"data": {"key_id": "k", "total_requests": 1, "success_rate": "1"}}'),
    ("usage", b'{"data": {"key_id": "k", "total_requests": 1, "by_status": {"200": null}}}'),
    ("usage", b'{"data": {"key_id": "k", "total_requests": 1, "daily": [{"date": "2026-02-30", "requests": 1}]}}'),
    ("usage", b'{"data": {"key_id": "k", "total_requests": 1, "daily": [null]}}'),
    ("details", b'{"data": {"id": "a", "key_prefix": "p", "name": "n", "usage": []}}'),
]


@pytest.mark.parametrize("kind,body", HANDED_OVER + REFUSED)
def test_what_the_reader_does_not_read_goes_to_the_core(kind: str, body: bytes) -> None:
    assert KINDS[kind][0](body) is None
    outcome, _ = core_result(kind, body)
    public = {"list": keyscope.decode_key_list, "details": keyscope.decode_key_details,
              "usage": keyscope.decode_key_usage}[kind]
    if (kind, body) in REFUSED:
        assert outcome == "error"
        with pytest.raises(keyscope.DecodeError):
            public(body)
    else:
        assert outcome == "model"
        assert fingerprint(public(body)) == fingerprint(core_result(kind, body)[1])


def test_wrong_body_types_are_left_to_the_public_checks() -> None:
    for body in (None, 7, ["{}"], memoryview(b"{}")):
        assert _core.read_key_list(body) is None
    with pytest.raises(keyscope.ValidationError):
        keyscope.decode_key_list(7)  # type: ignore[arg-type]
    with pytest.raises(keyscope.DecodeError, match="not valid UTF-8"):
        keyscope.decode_key_list(b'{"data": [{"id": "\xff"}]}')


def mutations(body: bytes, rng: random.Random) -> bytes:
    """One random edit of the kind that breaks or bends JSON: a byte replaced, dropped, doubled,
    or a token spliced in."""
    tokens = [b'"', b"\\", b"\\u00e9", b"\\ud83d\\ude00", b",", b":", b"{", b"}", b"[", b"]", b"null", b"-",
              b"0", b"1e5", b".5", b"\xc3\xa9", b"\xff", b" ", b'"x"', b"9223372036854775808", b"2026-13-01"]
    at = rng.randrange(len(body) + 1)
    choice = rng.randrange(4)
    if choice == 0 and at < len(body):
        return body[:at] + bytes([rng.randrange(256)]) + body[at + 1:]
    if choice == 1 and at < len(body):
        return body[:at] + body[at + 1:]
    if choice == 2 and at < len(body):
        return body[:at] + body[at:at + 1] * 2 + body[at + 1:]
    return body[:at] + rng.choice(tokens) + body[at:]


@pytest.mark.parametrize("kind,doc", [("list", {"data": [KEY, {**KEY, "key_prefix": "", "key_preview": "x"}],
                                                "meta": {"total": 2}}),
                                      ("usage", {"data": USAGE}), ("details", {"data": DETAILS})])
def test_mutated_bodies_never_read_differently_from_the_core(kind: str, doc: Any) -> None:
    seed = 1313
    rng = random.Random(seed)
    base = dump(doc)
    fast = 0
    for _ in range(3000):
        body = base
        for _ in range(rng.randrange(1, 4)):
            body = mutations(body, rng)
        if check_agrees(kind, body) is not None:
            fast += 1
    assert fast > 100, f"seed {seed}: too few mutated bodies were still read ({fast})"
