"""Type-invalid variants of a valid body, each with the JSON path it broke.

`sites` walks a body along its schema and lists every member and element the contract declares
(unknown members are not sites: clients ignore them). `mutate` breaks one random site: a value
of the wrong JSON type (a string for a number, an object for a string, ...), an integer beyond
64 bits, a fraction where an integer belongs, an unparseable date, or a required member taken
away; or it truncates the whole text (path "$"). The path is written as the SDK's DecodeError
writes it: "data[3].total_requests", "data.by_status.200".

Not broken here, because the clients accept them on purpose (the tolerant reader,
sdk/src/codec/json_reader.hpp): null for an optional member (read as absent), a tier outside
its enum and an id that is not a UUID (the types are strings), and members the contract does
not list.
"""

from __future__ import annotations

import copy
import json
import random
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from .contract import required_groups

Token = Any  # a member name (str) or an element index (int)


@dataclass
class Site:
    tokens: Tuple[Token, ...]
    schema: Dict[str, Any]
    required: bool


@dataclass
class Invalid:
    text: str
    path: str  # as the SDK's DecodeError names it
    how: str   # for failure messages


def path_text(tokens: Tuple[Token, ...]) -> str:
    out = ""
    for token in tokens:
        if isinstance(token, int):
            out = f"{out or '$'}[{token}]"
        else:
            out = f"{out}.{token}" if out else token
    return out or "$"


def sites(body: Any, schema: Dict[str, Any], tokens: Tuple[Token, ...] = ()) -> List[Site]:
    found: List[Site] = []
    if isinstance(body, dict) and ("properties" in schema or isinstance(schema.get("additionalProperties"), dict)):
        required = set(schema.get("required", []))
        for name, sub in schema.get("properties", {}).items():
            if name in body:
                found.append(Site(tokens + (name,), sub, name in required))
                found += sites(body[name], sub, tokens + (name,))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for name in body:
                if name not in schema.get("properties", {}):
                    found.append(Site(tokens + (name,), extra, False))
                    found += sites(body[name], extra, tokens + (name,))
    elif isinstance(body, list) and "items" in schema:
        for index, item in enumerate(body):
            found.append(Site(tokens + (index,), schema["items"], True))
            found += sites(item, schema["items"], tokens + (index,))
    return found


def _types(schema: Dict[str, Any]) -> List[str]:
    if "enum" in schema:
        return ["string"]
    kind = schema.get("type", "object")
    return [kind] if isinstance(kind, str) else [k for k in kind if k != "null"]


def wrong_values(schema: Dict[str, Any], rng: random.Random) -> List[Tuple[str, Any]]:
    """(what, value) pairs that no type of `schema` allows."""
    kinds = _types(schema)
    out: List[Tuple[str, Any]] = []
    if "string" not in kinds:
        out.append(("a string", rng.choice(["12", "", "null", "true"])))
    if not {"integer", "number"} & set(kinds):
        out.append(("a number", rng.choice([0, 7, -3, 2.5])))
    if "object" not in kinds:
        out.append(("an object", rng.choice([{}, {"value": 1}])))
    if "array" not in kinds:
        out.append(("an array", rng.choice([[], ["x"], [1, 2]])))
    out.append(("a boolean", rng.random() < 0.5))
    if "integer" in kinds and "number" not in kinds:
        out.append(("an integer beyond 64 bits", rng.choice([2**64 + rng.randint(0, 10**6), -(2**63) - 1,
                                                             2**63, 10**25])))
        out.append(("a fraction", rng.choice([0.5, -1.25, 1e-9, 12345.75])))
    if schema.get("format") in ("date", "date-time"):
        out.append(("an unparseable date", rng.choice([
            "2026-02-30", "2026-13-01", "17/05/2026", "yesterday", "2026-05-17T25:00:00Z",
            "2026-05-17T09:42:11", "20260517", "2026-5-17", "2026-05-17T09:42Z"])))
    return out


def _parent(body: Any, tokens: Tuple[Token, ...]) -> Any:
    node = body
    for token in tokens[:-1]:
        node = node[token]
    return node


def mutate(body: Any, text: str, schema: Dict[str, Any], rng: random.Random) -> Invalid:
    """One type-invalid variant of `body` (whose JSON text is `text`)."""
    candidates = sites(body, schema)
    if not candidates or rng.random() < 0.1:
        cut = rng.randint(1, len(text) - 1)
        return Invalid(text[:cut], "$", f"truncated to {cut} of {len(text)} bytes")
    site = rng.choice(candidates)
    broken = copy.deepcopy(body)
    parent = _parent(broken, site.tokens)
    last = site.tokens[-1]
    removable = site.required and isinstance(last, str)
    if removable and rng.random() < 0.25:
        del parent[last]
        return Invalid(json.dumps(broken), path_text(site.tokens), "required member removed")
    group = _group_of(schema, broken, site.tokens)
    if group and rng.random() < 0.25:
        # Take away every member of the anyOf ("key_prefix or key_preview"): the SDK names the
        # group's first member.
        for name in group:
            parent.pop(name, None)
        return Invalid(json.dumps(broken), path_text(site.tokens[:-1] + (group[0],)),
                       f"all of {group} removed")
    what, value = rng.choice(wrong_values(site.schema, rng))
    parent[last] = value
    return Invalid(json.dumps(broken), path_text(site.tokens), f"{what}: {json.dumps(value)}")


def _group_of(schema: Dict[str, Any], body: Any, tokens: Tuple[Token, ...]) -> Optional[List[str]]:
    """The required-member group of the anyOf the member at `tokens` belongs to, if any."""
    node_schema, node = schema, body
    for token in tokens[:-1]:
        node = node[token]
        if isinstance(token, int):
            node_schema = node_schema["items"]
        else:
            props = node_schema.get("properties", {})
            node_schema = props[token] if token in props else node_schema["additionalProperties"]
    for group in required_groups(node_schema):
        if tokens[-1] in group:
            return [name for branch in required_groups(node_schema) for name in branch]
    return None
