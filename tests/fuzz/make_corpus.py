#!/usr/bin/env python3
"""Writes the committed seed corpora tests/fuzz/corpus/<target>/ from the contract's examples
(tests/fixtures), the shared vectors (tests/vectors), a few hand-made log lines in the
sandbox's three formats and DDSketch protobuf messages (the ddsketch package's bytes of
tests/fixtures/ddsketch_proto, hand-encoded dense, sparse and unknown-field ones).
Deterministic; re-run after changing the vectors:
    python3 tests/fuzz/make_corpus.py
The codec's regression seed tests/fuzz/corpus/error_code_object.json stays where it is (tests
read it); it is copied into corpus/codec/ as well."""
import hashlib
import json
import pathlib
import shutil
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"

# The order of analytics_json_fuzzer.cpp's kHelpers: the first byte picks the helper.
HELPERS = ["usage_by_key", "detect_anomalies", "chargeback", "check_usage", "gap_fill", "percentiles",
           "ddsketch", "environment_of", "summarize_logs", "reconcile_logs", "no_such_helper"]

NGINX_FORMAT = ('$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                '"$http_referer" "$http_user_agent" $request_time "$http_authorization"')
SECRET = "Bearer sk_live_zIc8" + "Q7xk2PzLm9TbVw4RyHn3JcUa8Fe"
TEST_SECRET = "Bearer sk_test_aB3x" + "Zz81kLmNoPqRsTuVwXyZ0123456"

JSONL = "\n".join([
    json.dumps({"timestamp": "2026-05-17T09:42:11.123Z", "method": "GET", "path": "/api/v1/iocs?type=ipv4&limit=500",
                "status": 200, "duration_ms": 212.4, "authorization": SECRET, "upstream_host": "api.socdefenders.ai"}),
    json.dumps({"timestamp": "2026-05-16T23:59:59.999Z", "method": "GET", "path": "/api/v1/articles",
                "status": 429, "duration_ms": 3.0, "authorization": TEST_SECRET}),
    json.dumps({"timestamp": "2026-05-15T00:00:00Z", "path": "/api/v1/iocs", "status": 503,
                "duration_ms": 1500, "authorization": "00000000-0000-4000-8000-000000000123"}),
    '{"timestamp": "not a time", "status": "200"}',
    "",
]) + "\n"
NESTED = "\n".join([
    json.dumps({"at": "2026-05-15T08:00:00Z", "credentials": {"api_key": SECRET},
                "req": {"method": "GET", "url": "https://api.socdefenders.ai/api/v1/iocs?q=evil.com"},
                "resp": {"code": 200}, "took_s": 0.04}),
    json.dumps({"at": "2026-05-16T09:01:00Z", "credentials": {"api_key": TEST_SECRET},
                "req": {"url": "/api/v1/iocs"}, "resp": {"code": 500}, "took_s": 0.5}),
]) + "\n"
CSV = ("ts,api_key,endpoint,status_code,latency_ms\r\n"
       f"2026-05-17T09:42:11.123Z,{SECRET},\"/api/v1/iocs?type=ipv4,ipv6\",200,212.4\r\n"
       f"2026-05-16T10:00:00Z,{TEST_SECRET},/api/v1/articles,404,8.0\r\n"
       "2026-05-16T10:00:01Z,\"Bearer sk_live_zIc8\"\"x\",\"/multi\nline\",500,\r\n")
NGINX = (f'10.0.0.7 - - [17/May/2026:09:42:11 +0000] "GET /api/v1/iocs?type=ipv4 HTTP/1.1" 200 5123 "-" '
         f'"python-requests/2.31" 0.212 "{SECRET}"\n'
         f'10.0.0.8 - bob [16/May/2026:23:59:59 +0000] "GET /api/v1/articles HTTP/2.0" 429 0 "-" "curl/8" '
         f'0.003 "{TEST_SECRET}"\n'
         '10.0.0.9 - - [16/May/2026:00:00:00 +0000] "-" 400 0 "-" "-" - "-"\n')


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def capped(case_input):
    """log_lines counts capped at 3: seeds should run in microseconds."""
    case_input = dict(case_input)
    if "log_lines" in case_input:
        case_input["log_lines"] = [[min(count, 3), line] for count, line in case_input["log_lines"]]
    return case_input


def pb_varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    return bytes(out + bytes([n]))


def pb_double(field, value):
    return pb_varint(field << 3 | 1) + struct.pack("<d", value)


def pb_len(field, data):
    return pb_varint(field << 3 | 2) + pb_varint(len(data)) + data


def pb_sint32(field, value):
    return pb_varint(field << 3) + pb_varint(((value << 1) ^ (value >> 31)) & 0xFFFFFFFF)


def ddsketch_proto_seeds():
    """ddsketch_proto: byte 0 = max_buckets (0 = 2048), then a DDSketch protobuf message."""
    shutil.rmtree(CORPUS / "ddsketch_proto", ignore_errors=True)
    fixture = json.loads((ROOT / "tests" / "fixtures" / "ddsketch_proto" / "python_ddsketch.json").read_text())
    python_bytes = bytes.fromhex(fixture["proto_hex"])
    gamma = 1 + 2 * 0.01 / (1 - 0.01)
    mapping = pb_len(1, pb_double(1, gamma))
    packed = b"".join(struct.pack("<d", c) for c in (1.0, 0.0, 2.0))
    dense = (mapping + pb_len(2, pb_len(2, packed) + pb_sint32(3, 35))
             + pb_len(3, pb_len(2, struct.pack("<d", 3.0))) + pb_double(4, 4.0))
    entry = lambda key, count: pb_len(1, pb_sint32(1, key) + pb_double(2, count))  # noqa: E731
    sparse = (pb_len(1, pb_double(1, gamma) + pb_double(2, 2.0))
              + pb_len(2, entry(37, 9.0) + entry(40, 5.0) + entry(37, 2.0) + pb_double(2, 1.0)
                       + pb_double(2, 3.0) + pb_sint32(3, -40) + pb_varint(99 << 3) + b"\x05")
              + bytes.fromhex("2d01020304" "430801" "4b0802" "4c44"))
    linear = pb_len(1, pb_double(1, gamma) + pb_varint(3 << 3) + b"\x01")
    # The fuzzer's first finding: a gamma no relative accuracy gives exactly (~7.0001) did not
    # re-encode to itself.
    unreachable_gamma = bytes.fromhex("0a09090300" "12e818001c40" "18181818")
    for selector, message in ((0, python_bytes), (16, python_bytes), (0, mapping), (0, dense), (3, dense),
                              (3, sparse), (0, linear), (3, unreachable_gamma)):
        write("ddsketch_proto", bytes([selector]) + message)


def main():
    for target in ("codec", "analytics_json", "log_reader"):
        shutil.rmtree(CORPUS / target, ignore_errors=True)
    ddsketch_proto_seeds()

    # codec: the contract's examples, the regression seed, two numbers.
    for path in sorted((ROOT / "tests" / "fixtures").glob("*.json")):
        write("codec", path.read_bytes())
    write("codec", (CORPUS / "error_code_object.json").read_bytes())
    write("codec", "0.1")
    write("codec", "-12.5e-3")

    # analytics_json: every vector case, the helper's byte first.
    for path in sorted((ROOT / "tests" / "vectors").glob("*.json")):
        vectors = json.loads(path.read_text())
        helper = vectors.get("helper")
        if helper not in HELPERS:
            continue
        for case in vectors["cases"]:
            text = compact(capped(case["input"]))
            write("analytics_json", bytes([HELPERS.index(helper)]) + text.encode())
            if helper == "reconcile_logs":  # the same input summarised
                write("analytics_json", bytes([HELPERS.index("summarize_logs")]) + text.encode())
    write("analytics_json", bytes([HELPERS.index("no_such_helper")]) + b"{}")

    # log_reader: byte 0 = format (0 jsonl, 1 csv, 2 nginx, 3 jsonl with the nested field names,
    # +4 with a window), byte 1 = chunk cut; then the log.
    for selector, log in ((0, JSONL), (1, CSV), (2, NGINX), (3, NESTED), (4, JSONL), (5, CSV), (6, NGINX)):
        for cut in (0, 97, 255):
            write("log_reader", bytes([selector, cut]) + log.encode())
    # Byte 1 = '{': the bytes from 1 on are also a summarize/reconcile input.
    for log, reader in ((JSONL, {"format": "jsonl"}), (CSV, {"format": "csv"}),
                        (NGINX, {"format": "nginx", "nginx_format": NGINX_FORMAT})):
        body = {"log": log, "reader": reader, "window_days": 3, "end_date": "2026-05-17"}
        write("log_reader", b"\x00" + compact(body).encode())
    reconcile = json.loads((ROOT / "tests" / "vectors" / "reconcile_logs.json").read_text())
    for case in reconcile["cases"][:1]:
        write("log_reader", b"\x03" + compact(capped(case["input"])).encode())


if __name__ == "__main__":
    main()
