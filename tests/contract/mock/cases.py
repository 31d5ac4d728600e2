"""The mock's cases: for every operation, type-valid bodies, type-invalid variants of them, and
strict-mode pairs; each with what a front door must make of it.

- valid: a random type-valid body (random_bodies). Must decode, tolerant mode; `expected()` is
  what must come out.
- invalid: a valid body with one declared field broken or the text truncated (invalid_bodies).
  Must be a DecodeError naming `path`.
- strict: a valid body made plausible (counts non-negative and below 2^53, errors <= requests)
  with one count set negative. With strict on: a DecodeError naming that count; the same body
  with strict off ("lenient") must decode.
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

from . import invalid_bodies
from .contract import Operation
from .random_bodies import INT64_MAX, INT64_MIN, RandomBodies

MAX_SAFE = 2**53 - 1


@dataclass
class Case:
    id: int
    operation: str
    kind: str            # valid, invalid, strict, lenient
    text: str            # the body as served
    body: Any            # the body parsed (None when the text is not JSON)
    path: Optional[str]  # the DecodeError's expected JSON path (invalid, strict)
    how: str             # what was broken, for failure messages
    strict: bool
    key_id: str          # the id the front door asks for (getKey, getKeyUsage)
    headers: Dict[str, str]

    @property
    def decodes(self) -> bool:
        return self.kind in ("valid", "lenient")


def build(operations: Dict[str, Operation], seed: int, per_operation: int, strict_per_operation: int) -> List[Case]:
    rng = random.Random(seed)
    generator = RandomBodies(rng)
    out: List[Case] = []

    def add(op: Operation, kind: str, text: str, body: Any, path: Optional[str], how: str, strict: bool) -> None:
        out.append(Case(len(out), op.operation_id, kind, text, body, path, how, strict,
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)), headers(rng)))

    for op in operations.values():
        for _ in range(per_operation):
            body = generator.body(op.schema)
            text = generator.text(body)
            add(op, "valid", text, body, None, "type-valid", False)
            broken = invalid_bodies.mutate(body, text, op.schema, rng)
            add(op, "invalid", broken.text, _parsed(broken.text), broken.path, broken.how, False)
        made = 0
        while made < strict_per_operation:
            body = plausible(generator.body(op.schema), op.schema)
            counts = [s for s in invalid_bodies.sites(body, op.schema) if s.schema.get("type") == "integer"]
            if not counts:
                continue
            site = rng.choice(counts)
            parent = body
            for token in site.tokens[:-1]:
                parent = parent[token]
            parent[site.tokens[-1]] = -rng.randint(1, 10**6)
            text = generator.text(body)
            path = invalid_bodies.path_text(site.tokens)
            add(op, "strict", text, body, path, f"negative count at {path}", True)
            add(op, "lenient", text, body, None, f"negative count at {path}, strict off", False)
            made += 1
    return out


def headers(rng: random.Random) -> Dict[str, str]:
    """The contract's response headers with random values of their types (int64, string)."""
    def count() -> str:
        return str(rng.choice([rng.randint(0, 10**6), rng.randint(INT64_MIN, INT64_MAX), 0, -1]))
    return {"X-Request-Id": "req_%016x" % rng.getrandbits(64), "X-RateLimit-Limit": count(),
            "X-RateLimit-Remaining": count(), "X-RateLimit-Reset": count()}


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def plausible(body: Any, schema: Dict[str, Any]) -> Any:
    """`body` with every declared count in 0..2^53-1 and no day with more errors than requests."""
    body = copy.deepcopy(body)
    for site in invalid_bodies.sites(body, schema):
        if site.schema.get("type") != "integer":
            continue
        parent = body
        for token in site.tokens[:-1]:
            parent = parent[token]
        parent[site.tokens[-1]] = int(abs(parent[site.tokens[-1]])) % MAX_SAFE
    for site in invalid_bodies.sites(body, schema):
        value = _at(body, site.tokens)
        if isinstance(value, dict) and "requests" in value and isinstance(value.get("errors"), int):
            value["errors"] = min(value["errors"], value["requests"])
    return body


def _at(body: Any, tokens: tuple) -> Any:
    for token in tokens:
        body = body[token]
    return body


# ------------------------------------------------------------------ what must come out
def key_prefix(key: Dict[str, Any]) -> str:
    """The contract's "key_prefix or key_preview", as schema/README.md reads aliases: the first
    non-empty one, else the first present."""
    present = [key[name] for name in ("key_prefix", "key_preview") if key.get(name) is not None]
    return next((value for value in present if value), present[0])


def _count(value: Any) -> int:
    return int(value) if value is not None else 0


def _key(key: Dict[str, Any]) -> Dict[str, Any]:
    return {"id": key["id"], "key_prefix": key_prefix(key), "name": key["name"],
            "total_requests": _count(key.get("total_requests"))}


def expected(case: Case) -> Dict[str, Any]:
    """What every front door's driver reports for a body that decodes (drive_wheel.observe)."""
    data = case.body["data"]
    if case.operation == "listKeys":
        return {"count": len(data), "keys": [_key(k) for k in data]}
    if case.operation == "getKey":
        usage = data.get("usage") or {}
        return {**_key(data), "daily": len(usage.get("daily") or [])}
    return {"key_id": data["key_id"], "total_requests": _count(data["total_requests"]),
            "daily": len(data.get("daily") or []), "top_endpoints": len(data.get("top_endpoints") or []),
            "by_status": sorted(data.get("by_status") or {})}
