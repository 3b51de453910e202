"""Requests checked against the official AWS API models (botocore's ``service-2.json``).

``identify()`` finds the service and the operation of a raw HTTP request the way AWS's
front end does (``X-Amz-Target`` for the JSON protocols, ``Action`` for query, the
request URI and method for the REST protocols, the operation path for RPC v2 CBOR);
``parameters()`` turns the request back into the operation's input members;
``validate()`` checks them against the input shape: required members, enums, string
lengths and patterns, numeric ranges and list lengths (botocore's own client-side
validator checks fewer of these, and the emulators hardly any).

A violation answers as AWS does for a constraint failure: "1 validation error
detected: Value 'x' at 'member' failed to satisfy constraint: Member must ...".
"""

from __future__ import annotations

import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import botocore.session
from botocore.model import OperationModel, ServiceModel, Shape

# Signing names (SigV4 credential scope) of the services the sandbox serves -> botocore names.
SIGNING_NAMES: dict[str, str] = {
    "apigateway": "apigateway",
    "lambda": "lambda",
    "dynamodb": "dynamodb",
    "cloudfront": "cloudfront",
    "monitoring": "cloudwatch",
    "iam": "iam",
    "sts": "sts",
    "application-autoscaling": "application-autoscaling",
    "servicequotas": "service-quotas",
    "globalaccelerator": "globalaccelerator",
}

# Operations that change nothing (every other operation counts as a write).
READ_PREFIXES = ("Get", "List", "Describe", "Head", "BatchGet", "Query", "Scan", "Test")

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


@dataclass
class Call:
    service: str
    operation: OperationModel
    labels: dict[str, str]

    @property
    def name(self) -> str:
        return str(self.operation.name)

    @property
    def is_write(self) -> bool:
        return not self.name.startswith(READ_PREFIXES)


@lru_cache(maxsize=None)
def service_model(service: str) -> ServiceModel:
    return botocore.session.get_session().get_service_model(service)


def service_of(headers: dict[str, str]) -> str | None:
    """The service a signed request is for, from its SigV4 credential scope."""
    match = _SCOPE.search(headers.get("authorization", ""))
    if not match:
        return None
    return SIGNING_NAMES.get(match.group(1))


@lru_cache(maxsize=None)
def _rest_routes(service: str) -> list[tuple[str, re.Pattern[str], list[str], str]]:
    """(method, compiled path pattern, label names, operation) for a REST service,
    most specific (longest literal part) first."""
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        uri = http.get("requestUri", "/").split("?")[0]
        labels: list[str] = []
        pattern = ""
        for part in re.split(r"(\{[^}]+\})", uri):
            if part.startswith("{"):
                label = part[1:-1]
                greedy = label.endswith("+")
                labels.append(label.rstrip("+"))
                pattern += "(.+)" if greedy else "([^/]+)"
            else:
                pattern += re.escape(part)
        literal = len(re.sub(r"\{[^}]+\}", "", uri))
        routes.append((literal, http.get("method", "GET"), re.compile(pattern + "/?"), labels, name))
    routes.sort(key=lambda r: -r[0])
    return [(m, p, labels, n) for _lit, m, p, labels, n in routes]


def identify(service: str, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Call | None:
    model = service_model(service)
    protocol = model.metadata.get("protocol")
    target = headers.get("x-amz-target")
    rpc = re.fullmatch(r"/service/[^/]+/operation/([A-Za-z0-9]+)", path)
    if rpc:
        name = rpc.group(1)
    elif target:
        name = target.rsplit(".", 1)[-1]
    elif protocol == "query" or (protocol not in ("rest-json", "rest-xml") and method == "POST"):
        form = urllib.parse.parse_qs(body.decode(errors="replace")) if body else {}
        form.update(urllib.parse.parse_qs(query))
        name = (form.get("Action") or [""])[0]
    else:
        raw = path
        for route_method, pattern, labels, op in _rest_routes(service):
            if route_method != method:
                continue
            match = pattern.fullmatch(raw)
            if match:
                values = {k: urllib.parse.unquote(v) for k, v in zip(labels, match.groups())}
                return Call(service, model.operation_model(op), values)
        return None
    if name not in model.operation_names:
        return None
    return Call(service, model.operation_model(name), {})


# -- request -> input members ----------------------------------------------------------------------------


def _xml_to_value(el: ET.Element, shape: Shape) -> Any:
    local = lambda tag: tag.rsplit("}", 1)[-1]  # noqa: E731
    if shape.type_name == "structure":
        out: dict[str, Any] = {}
        children = list(el)
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            for child in children:
                if local(child.tag) == wire:
                    out[name] = _xml_to_value(child, member)
                    break
        return out
    if shape.type_name == "list":
        return [_xml_to_value(child, shape.member) for child in el]
    text = el.text or ""
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            return text
    if shape.type_name in ("double", "float"):
        try:
            return float(text)
        except ValueError:
            return text
    if shape.type_name == "boolean":
        return text == "true"
    return text


def parameters(call: Call, query: str, headers: dict[str, str], body: bytes) -> dict[str, Any] | None:
    """The operation's input as named members; None for the query protocol (IAM, STS), whose
    flattened form members are not mapped back (the operation itself is identified)."""
    shape = call.operation.input_shape
    if shape is None:
        return {}
    protocol = service_model(call.service).metadata.get("protocol")
    params: dict[str, Any] = {}
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        import cbor2

        return dict(cbor2.loads(body)) if body else {}
    if protocol == "json" or headers.get("x-amz-target"):
        return dict(json.loads(body or b"{}"))
    if protocol == "query":
        return None
    qs = urllib.parse.parse_qs(query, keep_blank_values=True)
    payload_name = shape.serialization.get("payload")
    body_members: dict[str, Any] = {}
    if body and protocol == "rest-json" and not payload_name:
        try:
            body_members = json.loads(body)
        except ValueError:
            body_members = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if wire in call.labels:
                params[name] = call.labels[wire]
        elif location == "querystring":
            if wire in qs:
                params[name] = qs[wire] if member.type_name == "list" else qs[wire][0]
        elif location == "header":
            if wire.lower() in headers:
                params[name] = headers[wire.lower()]
        elif name == payload_name:
            if not body:
                continue
            if protocol == "rest-xml" and member.type_name == "structure":
                try:
                    params[name] = _xml_to_value(ET.fromstring(body), member)
                except ET.ParseError:
                    params[name] = {}
            elif member.type_name == "structure":
                params[name] = json.loads(body)
        elif wire in body_members:
            params[name] = body_members[wire]
    return params


# -- validation ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _pattern(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        return None  # a Java-only construct (\p{...}): left to the service


def _fmt(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def validate(shape: Shape | None, value: Any, path: str = "") -> list[str]:
    """Every constraint of ``shape`` that ``value`` breaks, in AWS's wording."""
    if shape is None:
        return []
    errors: list[str] = []
    where = path or shape.name

    def fail(what: str) -> None:
        errors.append(f"Value '{_fmt(value)}' at '{where}' failed to satisfy constraint: Member must {what}")

    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        if not isinstance(value, dict):
            return errors
        for req in shape.required_members:
            if value.get(req) is None:
                errors.append(f"Value null at '{_join(path, req)}' failed to satisfy constraint: Member must not be null")
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                errors.extend(validate(member, value[name], _join(path, name)))
        return errors
    if kind == "list":
        if not isinstance(value, list):
            return errors
        if "min" in meta and len(value) < meta["min"]:
            fail(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            fail(f"have length less than or equal to {meta['max']}")
        for i, item in enumerate(value):
            errors.extend(validate(shape.member, item, f"{where}.{i + 1}.member"))
        return errors
    if kind == "map":
        if isinstance(value, dict):
            for k, v in value.items():
                errors.extend(validate(shape.value, v, f"{where}.{k}"))
        return errors
    if kind == "string":
        if not isinstance(value, str):
            return errors
        if shape.enum and value not in shape.enum:
            fail(f"satisfy enum value set: [{', '.join(shape.enum)}]")
        if "min" in meta and len(value) < meta["min"]:
            fail(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            fail(f"have length less than or equal to {meta['max']}")
        pattern = meta.get("pattern")
        if pattern and _pattern(pattern) is not None and not _pattern(pattern).fullmatch(value):
            fail(f"satisfy regular expression pattern: {pattern}")
        return errors
    if kind in ("integer", "long", "double", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, str):
                try:
                    value = float(value) if "." in value else int(value)
                except ValueError:
                    fail("be a number")
                    return errors
            else:
                return errors
        if "min" in meta and value < meta["min"]:
            fail(f"have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            fail(f"have value less than or equal to {meta['max']}")
    return errors


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name[:1].lower() + name[1:]


def validation_message(errors: list[str]) -> str:
    n = len(errors)
    return f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(errors)
