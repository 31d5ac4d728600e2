"""The 2xx response schemas of api/openapi.yaml, resolved for generating and mutating bodies.

`resolve` inlines every $ref and merges allOf into one object schema. It knows only the JSON
Schema keywords the contract uses and refuses any other, so a contract that grows a keyword
(a pattern, a minimum, oneOf, ...) fails here loudly instead of being generated wrongly.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import jsonschema_rs
import yaml

REPO = Path(__file__).resolve().parents[3]
CONTRACT = REPO / "api" / "openapi.yaml"

# Keywords that only document.
_ANNOTATIONS = {"description", "examples", "example", "title", "default"}
# Keywords the generator honours.
_UNDERSTOOD = {"type", "format", "enum", "properties", "required", "additionalProperties",
               "items", "anyOf", "allOf", "$ref"}


@dataclass
class Operation:
    operation_id: str
    path: str             # the path template, "/api/v1/keys/{keyId}"
    schema: Dict[str, Any]  # the 200 body's schema, resolved
    validator: Any        # jsonschema_rs validator of the 200 body (formats checked)


def load() -> Dict[str, Any]:
    return yaml.safe_load(CONTRACT.read_text())


def _target(raw: Dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"only local $refs are supported: {ref}"
    node: Any = raw
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def resolve(raw: Dict[str, Any], node: Any) -> Any:
    """`node` with its $refs inlined, allOf merged and annotations dropped."""
    if isinstance(node, list):
        return [resolve(raw, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return resolve(raw, _target(raw, node["$ref"]))
    unknown = set(node) - _UNDERSTOOD - _ANNOTATIONS
    if unknown:
        raise NotImplementedError(f"the mock does not generate JSON Schema keywords {sorted(unknown)}")
    out: Dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS:
            continue
        if key == "properties":  # member names, each with a schema
            out[key] = {name: resolve(raw, sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "anyOf", "allOf"):
            out[key] = resolve(raw, value)
        else:
            out[key] = value
    if "allOf" in out:
        out = _merge_all_of(out)
    return out


def _merge_all_of(node: Dict[str, Any]) -> Dict[str, Any]:
    merged: Dict[str, Any] = {key: value for key, value in node.items() if key != "allOf"}
    for part in node["allOf"]:
        for key, value in part.items():
            if key == "properties":
                props = merged.setdefault("properties", {})
                overlap = set(props) & set(value)
                if overlap:
                    raise NotImplementedError(f"allOf parts that both define {sorted(overlap)}")
                props.update(value)
            elif key == "required":
                merged["required"] = sorted(set(merged.get("required", [])) | set(value))
            elif key == "anyOf":
                if "anyOf" in merged:
                    raise NotImplementedError("allOf parts with more than one anyOf")
                merged["anyOf"] = value
            elif key == "type":
                if merged.setdefault("type", value) != value:
                    raise NotImplementedError("allOf parts of different types")
            else:
                raise NotImplementedError(f"allOf part with {key!r}")
    return merged


def required_groups(schema: Dict[str, Any]) -> List[List[str]]:
    """The anyOf branches of an object schema, when each branch only requires members (the
    contract's "key_prefix or key_preview"); [] without anyOf."""
    groups = []
    for branch in schema.get("anyOf", []):
        if set(branch) != {"required"}:
            raise NotImplementedError(f"anyOf branch {branch!r}: only required-member branches are generated")
        groups.append(list(branch["required"]))
    return groups


def _int64_bounded(node: Any) -> Any:
    """`format: int64` as bounds: JSON Schema validators ignore OpenAPI's int64 format."""
    if isinstance(node, list):
        return [_int64_bounded(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _int64_bounded(value) for key, value in node.items()}
    if out.get("format") == "int64":
        out.setdefault("minimum", -(2**63))
        out.setdefault("maximum", 2**63 - 1)
    return out


def operations(raw: Dict[str, Any]) -> Dict[str, Operation]:
    """Every operation of the contract with a 200 JSON body, by operationId."""
    found: Dict[str, Operation] = {}
    for path, item in raw["paths"].items():
        for method, op in item.items():
            if method.startswith("x-") or method == "parameters":
                continue
            for status, response in op["responses"].items():
                if not str(status).startswith("2"):
                    continue
                assert str(status) == "200", f"{op['operationId']}: only 200 bodies are mocked, not {status}"
                body_schema = response["content"]["application/json"]["schema"]
                document = _int64_bounded({**copy.deepcopy(body_schema), "components": raw["components"]})
                found[op["operationId"]] = Operation(
                    op["operationId"], path, resolve(raw, body_schema),
                    jsonschema_rs.Draft202012Validator(document, validate_formats=True))
    return found
