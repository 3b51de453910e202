#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into fuzz/corpus/<target>/.

    terraform providers schema -json > schema.json     (with the smuppy dev override)
    python3 fuzz/make_seeds.py schema.json

Seeds are well-formed inputs the fuzzer mutates from: resource configurations as
Terraform sends them (msgpack and JSON, every attribute present, nested attributes
as objects and maps of objects, list blocks as lists, some values unknown), the JSON form of the schema types, import IDs, the
malformed and example configurations, and the validator's plan JSON files. Files
already in the corpus directories (regression inputs) are left alone.
"""

from __future__ import annotations

import hashlib
import json
import struct
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


class Unknown:
    """A value Terraform does not know yet (msgpack extension 0)."""


class Refined:
    """An unknown known not to be null, with a string prefix (extension 12)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix


def mp(v: Any) -> bytes:
    """msgpack, as go-cty writes it."""
    if v is None:
        return b"\xc0"
    if isinstance(v, Unknown):
        return b"\xd4\x00\x00"
    if isinstance(v, Refined):
        payload = mp({1: False, 2: v.prefix})
        return b"\xc7" + bytes([len(payload)]) + b"\x0c" + payload
    if v is True:
        return b"\xc3"
    if v is False:
        return b"\xc2"
    if isinstance(v, int):
        if 0 <= v < 128:
            return bytes([v])
        if -32 <= v < 0:
            return struct.pack("b", v)
        return b"\xd3" + struct.pack(">q", v)
    if isinstance(v, float):
        return b"\xcb" + struct.pack(">d", v)
    if isinstance(v, str):
        b = v.encode()
        if len(b) < 32:
            return bytes([0xA0 | len(b)]) + b
        return b"\xd9" + bytes([len(b)]) + b if len(b) < 256 else b"\xda" + struct.pack(">H", len(b)) + b
    if isinstance(v, (list, tuple)):
        head = bytes([0x90 | len(v)]) if len(v) < 16 else b"\xdc" + struct.pack(">H", len(v))
        return head + b"".join(mp(x) for x in v)
    if isinstance(v, dict):
        head = bytes([0x80 | len(v)]) if len(v) < 16 else b"\xde" + struct.pack(">H", len(v))
        return head + b"".join(mp(k) + mp(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0])))
    raise TypeError(type(v))


def to_json(v: Any) -> Any:
    if isinstance(v, (Unknown, Refined)):
        return None
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    return v


def full_object(block: dict[str, Any], given: Any) -> Any:
    """Every attribute of ``block`` (null unless given): a nested attribute an
    object or a map of objects (null unless given), a single block an object
    (null unless given), any other nested block a list."""
    if isinstance(given, (Unknown, Refined)):
        return given
    out: dict[str, Any] = {}
    for name, a in block.get("attributes", {}).items():
        value = given.get(name)
        nested = a.get("nested_type")
        if nested is None or value is None or isinstance(value, (Unknown, Refined)):
            out[name] = value
        elif nested["nesting_mode"] == "map":
            out[name] = {k: full_object(nested, v) for k, v in value.items()}
        else:
            out[name] = full_object(nested, value)
    for name, nb in block.get("block_types", {}).items():
        if nb.get("nesting_mode") == "single":
            item = given.get(name)
            out[name] = None if item is None else full_object(nb["block"], item)
        else:
            out[name] = [full_object(nb["block"], item) for item in given.get(name, [])]
    return out


def type_json(block: dict[str, Any]) -> Any:
    attrs = {}
    for name, a in block.get("attributes", {}).items():
        nested = a.get("nested_type")
        if nested is None:
            attrs[name] = a["type"]
        elif nested["nesting_mode"] == "map":
            attrs[name] = ["map", type_json(nested)]
        else:
            attrs[name] = type_json(nested)
    for name, nb in block.get("block_types", {}).items():
        inner = type_json(nb["block"])
        attrs[name] = inner if nb.get("nesting_mode") == "single" else ["list", inner]
    return ["object", attrs]


CONFIGS: list[dict[str, Any]] = [
    {"name": "staging"},
    {
        "name": "prod",
        "timeouts": {"create": "15m", "update": "1h30m"},
        "traffic": {"peak_rps": 100000, "latency_ms": 55, "cache_hit_ratio": 0.8, "architecture": "arm64"},
        "quota_requests": {
            "stage_rate": {"service_code": "apigateway", "quota_code": "L-8A5B8E43", "desired_value": 100000},
            "lambda/L-B99A9384": {"service_code": "lambda", "quota_code": "L-B99A9384", "desired_value": 2000},
        },
        "api_gateway": {"rest_api_id": "bmkd8zayee", "stage_name": "prod", "rate_limit": 10000, "burst_limit": 5000},
        "lambda_pools": {
            "api": {
                "function_name": "smuppy-api-handler",
                "qualifier": "prod",
                "reserved_concurrency": 1200,
                "provisioned_concurrency": 1100,
                "memory_size": 1024,
                "timeout": 20,
                "publish_on_change": True,
            }
        },
        "dynamodb_tables": {
            "feeds": {
                "table_name": "smuppy-feeds-prod",
                "billing_mode": "PROVISIONED",
                "read_capacity": 1000,
                "write_capacity": 100,
                "autoscaling": {
                    "read": {"min_capacity": 1000, "max_capacity": 40000, "target_utilization": 70},
                    "write": {"min_capacity": 100, "max_capacity": 4000},
                },
            }
        },
        "cache_policy": {
            "name": "SmuppyAPICache",
            "min_ttl": 1,
            "default_ttl": 60,
            "max_ttl": 300,
            "header_behavior": "whitelist",
            "headers": ["Authorization"],
            "query_string_behavior": "all",
        },
        "dashboard": {"name": "SmuppyScaling"},
        "global_accelerator": {"name": "smuppy", "ports": [443], "endpoint_id": "i-0123456789abcdef0", "enabled": True},
        "budget": {"monthly_usd": 2050.0, "enforce": True},
        "acknowledge": {"SEC001": "per-user responses are not cached on purpose"},
    },
    {
        "name": "odd",
        "timeouts": {"create": "soon", "delete": "-1s"},
        "traffic": {"peak_rps": 0, "latency_ms": 0, "cache_hit_ratio": 1.0, "average_to_peak_ratio": 0.0001},
        "lambda_pools": {
            "": {"function_name": "a", "qualifier": "$LATEST", "provisioned_concurrency": 5, "reserved_concurrency": 1},
            "a@b": {"function_name": "a", "memory_size": 64.5},
            "same": {"function_name": "a", "memory_size": 128},
        },
        "dynamodb_tables": {
            "t": {"table_name": "t", "billing_mode": "PAY_PER_REQUEST", "autoscaling": {"read": {"min_capacity": 9, "max_capacity": 1}}}
        },
        "cache_policy": {"name": "c", "min_ttl": 600, "default_ttl": 60, "max_ttl": 1, "cookie_behavior": "allExcept"},
        "global_accelerator": {"name": "x y", "ports": [0, 70000], "endpoint_id": "abcdefghij"},
        "acknowledge": {"NOPE999": "", "LIM009": " "},
    },
    {
        "name": Refined("stag"),
        "api_gateway": {"rest_api_id": Unknown(), "stage_name": "s", "rate_limit": Unknown(), "burst_limit": 10},
        "lambda_pools": {"api": {"function_name": Unknown(), "reserved_concurrency": Unknown(), "provisioned_concurrency": 3, "qualifier": Unknown()}},
        "dynamodb_tables": Unknown(),
        "cache_policy": {"name": "c", "min_ttl": Unknown(), "headers": Unknown(), "header_behavior": "whitelist"},
    },
]

IMPORT_IDS = [
    "name=staging",
    "name=staging;api_gateway=bmkd8zayee/staging;lambda=smuppy-api-handler:prod;dynamodb=smuppy-feeds-staging",
    "name=prod;quota_request=apigateway/L-8A5B8E43;quota_request=lambda/L-B99A9384;cache_policy=658327ea;dashboard=SmuppyScaling",
    "name=x;global_accelerator=arn:aws:globalaccelerator::123456789012:accelerator/1234abcd;lambda=f;lambda=g:3",
    "name=prod;lambda=smuppy-api-handler:prod@api;lambda=smuppy-api-handler:canary@canary;dynamodb=smuppy-feeds-prod@feeds;quota_request=lambda/L-B99A9384@concurrency",
    "name=x;lambda=f@;lambda=f@a@b;dynamodb=@t",
    "api_gateway=nope",
    "name=a;name=b",
    ";;=;",
]


def write(target: str, name: str, data: bytes) -> None:
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    (d / f"seed-{name}-{digest}").write_bytes(data)


def main(schema_path: str) -> int:
    doc = json.loads(Path(schema_path).read_text())
    schemas = next(iter(doc["provider_schemas"].values()))
    resource = schemas["resource_schemas"]["smuppy_scaling_profile"]["block"]
    provider = schemas["provider"]["block"]

    for i, given in enumerate(CONFIGS):
        obj = full_object(resource, given)
        packed, js = mp(obj), json.dumps(to_json(obj)).encode()
        write("msgpack_decode", f"resource{i}", b"\x00" + packed)
        write("json_decode", f"resource{i}", b"\x00" + js)
        write("provider_config", f"json{i}", b"\x00" + js)
        write("provider_config", f"msgpack{i}", b"\x01" + packed)
        write("provider_config", f"json-unknowns{i}", b"\x0e" + js)
    pobj = full_object(provider, {"region": "us-east-1", "max_retries": 3, "endpoints": [{"lambda": "http://127.0.0.1:4566"}]})
    write("msgpack_decode", "provider", b"\x01" + mp(pobj))
    write("json_decode", "provider", b"\x01" + json.dumps(to_json(pobj)).encode())
    # Dynamic values: [type JSON, value] in msgpack, {"type","value"} in JSON.
    write("msgpack_decode", "dynamic", b"\x02" + mp([json.dumps(["list", "number"]).encode().decode(), [1, 2.5, 3]]))
    write("json_decode", "dynamic", b"\x02" + json.dumps({"type": ["map", "string"], "value": {"a": "b"}}).encode())
    nested = {
        "flag": True,
        "items": [{"n": 12345678901234567890, "s": "x", "tags": ["a", "b"]}],
        "weights": {"a": 0.5, "b": -3},
        "any": None,
        "pair": ["p", [True, False]],
    }
    write("json_decode", "nested", b"\x03" + json.dumps(nested).encode())
    nested_mp = dict(nested, items=[{"n": 1234567890123, "s": "x", "tags": ["a", "b"]}])
    write("msgpack_decode", "nested", b"\x03" + mp(nested_mp))
    write("msgpack_decode", "numbers", b"\x04" + mp([0, -1, 1.5, 2**62, "1e400", Unknown()]))
    write("json_decode", "numbers", b"\x04" + b"[0, -1, 1.5e300, 123456789012345678901234567890, -0.0]")
    write("msgpack_decode", "set", b"\x05" + mp(["a", "b", Refined("p")]))
    write("json_decode", "tuple", b"\x07" + json.dumps(["s", 1, {"type": "bool", "value": True}]).encode())

    write("type_json", "resource", json.dumps(type_json(resource)).encode())
    write("type_json", "provider", json.dumps(type_json(provider)).encode())
    for t in ['"dynamic"', '["tuple",["string","number"]]', '["object",{"a":"bool","b":["set","string"]},["b"]]', '["map",["list","number"]]']:
        write("type_json", "small", t.encode())

    for i, ident in enumerate(IMPORT_IDS):
        write("import_id", f"id{i}", ident.encode())

    tf_files = sorted((ROOT / "tests" / "malformed").glob("*/main.tf"))
    tf_files += sorted((ROOT / "tests" / "validator" / "corpus").glob("*/*.tf"))
    tf_files += sorted((ROOT / "examples").glob("*/*.tf"))
    for i, path in enumerate(tf_files):
        write("validate_hcl", f"{path.parent.name}-{path.stem}", bytes([i % 5]) + path.read_bytes())
    for i, path in enumerate(sorted((ROOT / "tests" / "validator" / "corpus").glob("*/*.json"))):
        if path.name == "expect.json":
            continue
        write("validate_plan", path.parent.name, bytes([i % 5]) + path.read_bytes())
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
