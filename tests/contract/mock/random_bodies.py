"""Random response bodies that are valid by the contract's types (a schema from contract.resolve).

Everything the types allow, with the edges weighted up: integers anywhere in int64 (negative,
0, 2^53 +- 1, the int64 limits, an integral float such as 42.0, which JSON Schema counts as an
integer), numbers from 5e-324 to 1.8e308 and integers longer than 64 bits where a number is
allowed, strings with escapes, control characters, non-BMP characters or nothing, UUIDs in
either case, dates from 0000-01-01 to 9999-12-31, RFC 3339 timestamps with fractions, offsets,
lower-case 't'/'z' and leap seconds, optional members left out or null where nullable, unknown
members (with any JSON value) wherever additionalProperties is not false, and arrays from empty to
a few dozen items. One random.Random drives it all: the same seed, the same bodies.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any, Dict, List

from .contract import required_groups

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT_EDGES = [0, 1, -1, 2**31 - 1, -(2**31), 2**32, 2**53 - 1, 2**53, 2**53 + 1, -(2**53) - 1,
             INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 10**18]
FLOAT_EDGES = [0.0, -0.0, 1.0, 0.5, 1e-7, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
               -1.7976931348623157e308, 9007199254740993.0, 1e22, 1e23, 0.1 + 0.2]
# Characters that stress a JSON reader: escapes, controls, multi-byte UTF-8, surrogate pairs.
SPECIAL_CHARS = ['"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "é", "ß",
                 "€", "\u2028", "\u2029", "\ufeff", "\uffff", "中", "😀", "\U0010ffff", "•"]

MAP_KEY_EDGES = ["", "2\x00", "a\x00b", "__proto__", "constructor", "toString", "hasOwnProperty",
                 "200.0", " 200", "data[0]", "a.b", "\u0662\u0660\u0660", "😀"]


class RandomBodies:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # ------------------------------------------------------------------ bodies and text
    def body(self, schema: Dict[str, Any]) -> Any:
        return self.value(schema, depth=0)

    def text(self, body: Any) -> str:
        """The body as JSON text, in one of the spellings a server may use."""
        r = self.rng
        indent = r.choice([None, None, None, 0, 2, "\t"])
        separators = r.choice([(",", ":"), (", ", ": ")]) if indent is None else (",", ": ")
        return json.dumps(body, ensure_ascii=r.random() < 0.5, indent=indent, separators=separators,
                          allow_nan=False)

    # ------------------------------------------------------------------ by schema
    def value(self, schema: Dict[str, Any], depth: int) -> Any:
        if "enum" in schema:
            return self.rng.choice(schema["enum"])
        types = schema.get("type", ["object"])
        types = [types] if isinstance(types, str) else list(types)
        if "null" in types and (len(types) == 1 or self.rng.random() < 0.25):
            return None
        kind = self.rng.choice([t for t in types if t != "null"])
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return [self.value(schema.get("items", {}), depth + 1) for _ in range(self.length())]
        if kind == "integer":
            return self.integer()
        if kind == "number":
            return self.number()
        if kind == "string":
            return self.string_of_format(schema.get("format"))
        if kind == "boolean":
            return self.rng.random() < 0.5
        raise NotImplementedError(f"type {kind!r}")

    def object(self, schema: Dict[str, Any], depth: int) -> Dict[str, Any]:
        r = self.rng
        properties = schema.get("properties", {})
        wanted = set(schema.get("required", []))
        groups = required_groups(schema)
        if groups:  # one branch of the anyOf, or several
            for group in r.sample(groups, r.randint(1, len(groups))):
                wanted.update(group)
        members: Dict[str, Any] = {}
        for name, sub in properties.items():
            if name in wanted or r.random() < 0.7:
                members[name] = self.value(sub, depth + 1)
        extra = schema.get("additionalProperties", True)
        if isinstance(extra, dict):  # a map such as by_status: its own members
            for _ in range(self.length()):
                members[self.map_key()] = self.value(extra, depth + 1)
        elif extra is not False and r.random() < 0.3:  # members the contract does not list
            for _ in range(r.randint(1, 3)):
                name = self.string()
                if name not in properties:
                    members[name] = self.any_json(depth + 1)
        items = list(members.items())
        r.shuffle(items)
        return dict(items)

    # ------------------------------------------------------------------ scalars
    def length(self) -> int:
        r = self.rng.random()
        if r < 0.2:
            return 0
        if r < 0.85:
            return self.rng.randint(1, 5)
        return self.rng.randint(6, 40)

    def integer(self) -> Any:
        r, pick = self.rng, self.rng.random()
        if pick < 0.3:
            return r.randint(0, 10**6)
        if pick < 0.45:
            return r.randint(-(10**6), -1)
        if pick < 0.7:
            return r.choice(INT_EDGES)
        if pick < 0.95:
            return r.randint(INT64_MIN, INT64_MAX)
        return float(r.randint(-(2**53), 2**53))  # 42.0: an integer in JSON Schema's terms

    def number(self) -> Any:
        r, pick = self.rng, self.rng.random()
        if pick < 0.3:
            return round(r.random(), 4)
        if pick < 0.5:
            return r.choice(FLOAT_EDGES) * r.choice([1, -1])
        if pick < 0.7:
            return r.uniform(-1e6, 1e6)
        if pick < 0.8:
            return r.randint(INT64_MIN, INT64_MAX)
        if pick < 0.9:
            return r.choice([-1, 1]) * r.randint(2**64, 10**30)  # a number, not a 64-bit integer
        return r.choice([-1, 1]) * 10 ** r.uniform(-300, 300)

    def string_of_format(self, fmt: Any) -> str:
        if fmt == "uuid":
            return self.uuid()
        if fmt == "date":
            return self.date()
        if fmt == "date-time":
            return self.date_time()
        return self.string()

    def string(self) -> str:
        r, pick = self.rng, self.rng.random()
        if pick < 0.1:
            return ""
        if pick < 0.5:
            return "".join(r.choice(string.ascii_letters + string.digits + " _-:[]")
                           for _ in range(r.randint(1, 24)))
        if pick < 0.85:
            return "".join(r.choice(SPECIAL_CHARS + list(string.printable)) for _ in range(r.randint(1, 16)))
        if pick < 0.95:
            return "".join(chr(r.choice([r.randint(0x20, 0xD7FF), r.randint(0xE000, 0x10FFFF)]))
                           for _ in range(r.randint(1, 12)))
        return r.choice(string.ascii_letters) * r.randint(200, 5000)

    def map_key(self) -> str:
        """A key of a map such as by_status: mostly a status code, as the API sends, sometimes
        a name that trips a reader (a NUL, JavaScript's own property names, a dot)."""
        pick = self.rng.random()
        if pick < 0.6:
            return str(self.rng.choice([200, 201, 204, 400, 401, 403, 404, 429, 500, 503]))
        if pick < 0.75:
            return self.rng.choice(MAP_KEY_EDGES)
        return self.string()

    def uuid(self) -> str:
        text = "%08x-%04x-%04x-%04x-%012x" % (self.rng.getrandbits(32), self.rng.getrandbits(16),
                                              self.rng.getrandbits(16), self.rng.getrandbits(16),
                                              self.rng.getrandbits(48))
        return text.upper() if self.rng.random() < 0.2 else text

    def year(self) -> int:
        pick = self.rng.random()
        if pick < 0.7:
            return self.rng.randint(1970, 2100)
        if pick < 0.8:
            return self.rng.choice([0, 1, 1969, 9999])
        return self.rng.randint(0, 9999)

    def date_parts(self) -> tuple:
        year, month = self.year(), self.rng.randint(1, 12)
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        day = days if self.rng.random() < 0.1 else self.rng.randint(1, days)
        return year, month, day

    def date(self) -> str:
        return "%04d-%02d-%02d" % self.date_parts()

    def date_time(self) -> str:
        r = self.rng
        year, month, day = self.date_parts()
        hour, minute, second = r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)
        leap_second = r.random() < 0.05
        if leap_second:  # RFC 3339: 23:59:60 in UTC
            hour, minute, second = 23, 59, 60
        fraction = ""
        if r.random() < 0.3:
            fraction = "." + "".join(r.choice(string.digits) for _ in range(r.randint(1, 9)))
        if leap_second or r.random() < 0.6:
            offset = r.choice(["Z", "Z", "z", "+00:00", "-00:00"])
        else:
            offset = "%s%02d:%02d" % (r.choice("+-"), r.randint(0, 23), r.randint(0, 59))
        separator = "t" if r.random() < 0.1 else "T"
        return "%04d-%02d-%02d%s%02d:%02d:%02d%s%s" % (year, month, day, separator, hour, minute,
                                                       second, fraction, offset)

    def any_json(self, depth: int) -> Any:
        """Any JSON value: what an unknown member may hold."""
        r = self.rng
        kinds = ["null", "boolean", "integer", "number", "string"] + (["array", "object"] if depth < 6 else [])
        kind = r.choice(kinds)
        if kind == "array":
            return [self.any_json(depth + 1) for _ in range(r.randint(0, 4))]
        if kind == "object":
            return {self.string(): self.any_json(depth + 1) for _ in range(r.randint(0, 4))}
        return self.value({"type": kind}, depth)


def bodies(schema: Dict[str, Any], rng: random.Random, count: int) -> List[Any]:
    generator = RandomBodies(rng)
    return [generator.body(schema) for _ in range(count)]
