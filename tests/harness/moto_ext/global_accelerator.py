"""AWS Global Accelerator as a new moto service (JSON 1.1, target GlobalAccelerator_V20180706).

Shapes follow botocore's globalaccelerator 2018-08-08 model. Rules enforced as AWS does:

- the control-plane API is served from us-west-2 only;
- endpoints can only be Application/Network Load Balancer ARNs, EC2 instance ids
  (``i-...``) or Elastic IP allocation ids (``eipalloc-...``): anything else, such as an
  API Gateway URL or ARN, is refused with InvalidArgumentException;
- an enabled accelerator cannot be deleted (AcceleratorNotDisabledException), nor one
  that still has listeners (AssociatedListenerFoundException); a listener that still has
  endpoint groups cannot be deleted (AssociatedEndpointGroupFoundException);
- one endpoint group per Region per listener; listener port ranges may not overlap;
- ``IdempotencyToken`` returns the resource created earlier with the same token.

Changes put the accelerator IN_PROGRESS; the next DescribeAccelerator reports DEPLOYED,
so clients exercise their wait loop.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import sys
import threading
import time
import types
import uuid
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.exceptions import JsonRESTError
from moto.core.responses import BaseResponse

SERVICE = "globalaccelerator"
CONTROL_PLANE_REGION = "us-west-2"
TARGET_PREFIX = "GlobalAccelerator_V20180706"

_ALB_NLB_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:(?P<region>[a-z0-9-]+):\d{12}:"
    r"loadbalancer/(?P<kind>app|net)/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$"
)
_EC2_INSTANCE = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_EIP_ALLOCATION = re.compile(r"^eipalloc-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")
_HEALTH_CHECK_PATH = re.compile(r"^/[-a-zA-Z0-9@:%_\\+.~#?&/=]*$")


class GaError(JsonRESTError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def _invalid(message: str) -> GaError:
    return GaError("InvalidArgumentException", message)


def endpoint_kind(endpoint_id: str, group_region: str) -> str:
    """Classify an endpoint id, or raise InvalidArgumentException as AWS does."""
    match = _ALB_NLB_ARN.match(endpoint_id)
    if match:
        if match.group("region") != group_region:
            raise _invalid(
                f"Endpoint {endpoint_id} is in Region {match.group('region')}, but the "
                f"endpoint group is in Region {group_region}."
            )
        return "alb" if match.group("kind") == "app" else "nlb"
    if _EC2_INSTANCE.match(endpoint_id):
        return "ec2"
    if _EIP_ALLOCATION.match(endpoint_id):
        return "eip"
    raise _invalid(
        f"The endpoint ID {endpoint_id!r} is not valid. An endpoint must be an Application "
        "Load Balancer or Network Load Balancer ARN, an EC2 instance ID or an Elastic IP "
        "address allocation ID."
    )


def _hex(n: int) -> str:
    return uuid.uuid4().hex[:n]


def _static_ips(seed: str) -> list[str]:
    digest = hashlib.sha256(seed.encode()).digest()
    return [f"75.2.{digest[0]}.{digest[1]}", f"99.83.{digest[2]}.{digest[3]}"]


class Accelerator:
    def __init__(self, account_id: str, name: str, enabled: bool, ip_type: str, tags: list) -> None:
        self.id = str(uuid.uuid4())
        self.arn = f"arn:aws:globalaccelerator::{account_id}:accelerator/{self.id}"
        self.name = name
        self.enabled = enabled
        self.ip_type = ip_type
        self.ips = _static_ips(self.id)
        self.dns_name = f"a{_hex(16)}.awsglobalaccelerator.com"
        self.dual_stack_dns = f"a{_hex(16)}.dualstack.awsglobalaccelerator.com"
        self.created = time.time()
        self.modified = self.created
        self.status = "IN_PROGRESS"
        self.tags: dict[str, str] = {t["Key"]: t["Value"] for t in tags}
        self.flow_logs = {"FlowLogsEnabled": False}

    def touch(self) -> None:
        self.modified = time.time()
        self.status = "IN_PROGRESS"

    def to_wire(self) -> dict[str, Any]:
        ip_sets = [
            {
                "IpFamily": "IPv4",
                "IpAddresses": list(self.ips),
                "IpAddressFamily": "IPv4",
            }
        ]
        body: dict[str, Any] = {
            "AcceleratorArn": self.arn,
            "Name": self.name,
            "IpAddressType": self.ip_type,
            "Enabled": self.enabled,
            "IpSets": ip_sets,
            "DnsName": self.dns_name,
            "Status": self.status,
            "CreatedTime": self.created,
            "LastModifiedTime": self.modified,
        }
        if self.ip_type == "DUAL_STACK":
            body["DualStackDnsName"] = self.dual_stack_dns
        return body


class Listener:
    def __init__(self, accelerator: Accelerator, port_ranges: list, protocol: str, affinity: str) -> None:
        self.accelerator_arn = accelerator.arn
        self.arn = f"{accelerator.arn}/listener/{_hex(8)}"
        self.port_ranges = port_ranges
        self.protocol = protocol
        self.affinity = affinity

    def to_wire(self) -> dict[str, Any]:
        return {
            "ListenerArn": self.arn,
            "PortRanges": copy.deepcopy(self.port_ranges),
            "Protocol": self.protocol,
            "ClientAffinity": self.affinity,
        }


class EndpointGroup:
    def __init__(self, listener: Listener, region: str) -> None:
        self.listener_arn = listener.arn
        self.arn = f"{listener.arn}/endpoint-group/{_hex(12)}"
        self.region = region
        self.endpoints: list[dict[str, Any]] = []
        self.traffic_dial = 100.0
        self.hc_port: int | None = None
        self.hc_protocol = "TCP"
        self.hc_path: str | None = None
        self.hc_interval = 30
        self.threshold = 3
        self.port_overrides: list[dict[str, int]] = []

    def to_wire(self, listener: Listener) -> dict[str, Any]:
        body: dict[str, Any] = {
            "EndpointGroupArn": self.arn,
            "EndpointGroupRegion": self.region,
            "EndpointDescriptions": copy.deepcopy(self.endpoints),
            "TrafficDialPercentage": self.traffic_dial,
            "HealthCheckPort": self.hc_port
            if self.hc_port is not None
            else listener.port_ranges[0]["FromPort"],
            "HealthCheckProtocol": self.hc_protocol,
            "HealthCheckIntervalSeconds": self.hc_interval,
            "ThresholdCount": self.threshold,
            "PortOverrides": copy.deepcopy(self.port_overrides),
        }
        if self.hc_protocol in ("HTTP", "HTTPS"):
            body["HealthCheckPath"] = self.hc_path or "/"
        return body


class GlobalAcceleratorBackend(BaseBackend):
    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.accelerators: dict[str, Accelerator] = {}
        self.listeners: dict[str, Listener] = {}
        self.groups: dict[str, EndpointGroup] = {}
        # (kind, scope, token) -> arn
        self.tokens: dict[tuple[str, str, str], str] = {}

    @property
    def _url_module(self) -> Any:  # type: ignore[override]
        return URLS_MODULE

    # -- lookups ---------------------------------------------------------------------------

    def _accelerator(self, arn: str) -> Accelerator:
        acc = self.accelerators.get(arn)
        if acc is None:
            raise GaError("AcceleratorNotFoundException", f"Accelerator {arn} not found.")
        return acc

    def _listener(self, arn: str) -> Listener:
        listener = self.listeners.get(arn)
        if listener is None:
            raise GaError("ListenerNotFoundException", f"Listener {arn} not found.")
        return listener

    def _group(self, arn: str) -> EndpointGroup:
        group = self.groups.get(arn)
        if group is None:
            raise GaError("EndpointGroupNotFoundException", f"Endpoint group {arn} not found.")
        return group

    def _touch_for_listener(self, listener: Listener) -> None:
        acc = self.accelerators.get(listener.accelerator_arn)
        if acc is not None:
            acc.touch()

    # -- accelerators --------------------------------------------------------------------------

    def create_accelerator(self, params: dict[str, Any]) -> dict[str, Any]:
        token = _req_str(params, "IdempotencyToken")
        name = _name(params)
        with self.lock:
            existing = self.tokens.get(("accelerator", "", token))
            if existing in self.accelerators:
                return self.accelerators[existing].to_wire()
            if params.get("IpAddresses"):
                raise _invalid("Bring your own IP addresses (IpAddresses) is not supported here.")
            acc = Accelerator(
                self.account_id,
                name,
                _opt_bool(params, "Enabled", True),
                _enum(params, "IpAddressType", ("IPV4", "DUAL_STACK"), "IPV4"),
                _tags(params),
            )
            self.accelerators[acc.arn] = acc
            self.tokens[("accelerator", "", token)] = acc.arn
            return acc.to_wire()

    def describe_accelerator(self, arn: str) -> dict[str, Any]:
        with self.lock:
            acc = self._accelerator(arn)
            # A change answers IN_PROGRESS; by the next look it has propagated.
            acc.status = "DEPLOYED"
            return acc.to_wire()

    def update_accelerator(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            acc = self._accelerator(_req_str(params, "AcceleratorArn"))
            if "Name" in params:
                acc.name = _name(params)
            if "Enabled" in params:
                acc.enabled = _opt_bool(params, "Enabled", acc.enabled)
            if "IpAddressType" in params:
                acc.ip_type = _enum(params, "IpAddressType", ("IPV4", "DUAL_STACK"), acc.ip_type)
            acc.touch()
            return acc.to_wire()

    def delete_accelerator(self, arn: str) -> None:
        with self.lock:
            acc = self._accelerator(arn)
            if acc.enabled:
                raise GaError(
                    "AcceleratorNotDisabledException",
                    "The accelerator that you specified could not be disabled.",
                )
            if any(li.accelerator_arn == arn for li in self.listeners.values()):
                raise GaError(
                    "AssociatedListenerFoundException",
                    "The accelerator that you specified has a listener associated with it. "
                    "You must remove all dependent resources from an accelerator before you can delete it.",
                )
            del self.accelerators[arn]
            self.tokens = {k: v for k, v in self.tokens.items() if v != arn}

    def list_accelerators(self) -> list[dict[str, Any]]:
        with self.lock:
            return [a.to_wire() for a in sorted(self.accelerators.values(), key=lambda a: a.created)]

    def describe_accelerator_attributes(self, arn: str) -> dict[str, Any]:
        with self.lock:
            return dict(self._accelerator(arn).flow_logs)

    def update_accelerator_attributes(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            acc = self._accelerator(_req_str(params, "AcceleratorArn"))
            enabled = _opt_bool(params, "FlowLogsEnabled", acc.flow_logs["FlowLogsEnabled"])
            attrs: dict[str, Any] = {"FlowLogsEnabled": enabled}
            if enabled:
                bucket = params.get("FlowLogsS3Bucket")
                if not isinstance(bucket, str) or not bucket:
                    raise _invalid("FlowLogsS3Bucket is required when FlowLogsEnabled is true.")
                attrs["FlowLogsS3Bucket"] = bucket
                prefix = params.get("FlowLogsS3Prefix")
                if isinstance(prefix, str):
                    attrs["FlowLogsS3Prefix"] = prefix
            acc.flow_logs = attrs
            return dict(attrs)

    # -- tags ------------------------------------------------------------------------------------

    def tag_resource(self, arn: str, tags: list[dict[str, str]]) -> None:
        with self.lock:
            acc = self._accelerator(arn)
            acc.tags.update({t["Key"]: t["Value"] for t in tags})

    def untag_resource(self, arn: str, keys: list[str]) -> None:
        with self.lock:
            acc = self._accelerator(arn)
            for key in keys:
                acc.tags.pop(key, None)

    def list_tags(self, arn: str) -> list[dict[str, str]]:
        with self.lock:
            acc = self._accelerator(arn)
            return [{"Key": k, "Value": v} for k, v in acc.tags.items()]

    # -- listeners -------------------------------------------------------------------------------

    def _check_ports(self, acc_arn: str, ranges: list[dict[str, int]], skip: str | None) -> None:
        for other in self.listeners.values():
            if other.accelerator_arn != acc_arn or other.arn == skip:
                continue
            for a in ranges:
                for b in other.port_ranges:
                    if a["FromPort"] <= b["ToPort"] and b["FromPort"] <= a["ToPort"]:
                        raise GaError(
                            "InvalidPortRangeException",
                            f"The port range {a['FromPort']}-{a['ToPort']} overlaps a port "
                            f"range of listener {other.arn}.",
                        )

    def create_listener(self, params: dict[str, Any]) -> dict[str, Any]:
        token = _req_str(params, "IdempotencyToken")
        acc_arn = _req_str(params, "AcceleratorArn")
        with self.lock:
            acc = self._accelerator(acc_arn)
            existing = self.tokens.get(("listener", acc_arn, token))
            if existing in self.listeners:
                return self.listeners[existing].to_wire()
            ranges = _port_ranges(params.get("PortRanges"))
            protocol = _enum(params, "Protocol", ("TCP", "UDP"), None)
            affinity = _enum(params, "ClientAffinity", ("NONE", "SOURCE_IP"), "NONE")
            self._check_ports(acc_arn, ranges, None)
            listener = Listener(acc, ranges, protocol, affinity)
            self.listeners[listener.arn] = listener
            self.tokens[("listener", acc_arn, token)] = listener.arn
            acc.touch()
            return listener.to_wire()

    def describe_listener(self, arn: str) -> dict[str, Any]:
        with self.lock:
            return self._listener(arn).to_wire()

    def update_listener(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            listener = self._listener(_req_str(params, "ListenerArn"))
            if params.get("PortRanges") is not None:
                ranges = _port_ranges(params.get("PortRanges"))
                self._check_ports(listener.accelerator_arn, ranges, listener.arn)
                listener.port_ranges = ranges
            if "Protocol" in params:
                listener.protocol = _enum(params, "Protocol", ("TCP", "UDP"), listener.protocol)
            if "ClientAffinity" in params:
                listener.affinity = _enum(
                    params, "ClientAffinity", ("NONE", "SOURCE_IP"), listener.affinity
                )
            self._touch_for_listener(listener)
            return listener.to_wire()

    def delete_listener(self, arn: str) -> None:
        with self.lock:
            listener = self._listener(arn)
            if any(g.listener_arn == arn for g in self.groups.values()):
                raise GaError(
                    "AssociatedEndpointGroupFoundException",
                    "The listener that you specified has an endpoint group associated with it. "
                    "You must remove all dependent resources from a listener before you can delete it.",
                )
            del self.listeners[arn]
            self.tokens = {k: v for k, v in self.tokens.items() if v != arn}
            self._touch_for_listener(listener)

    def list_listeners(self, acc_arn: str) -> list[dict[str, Any]]:
        with self.lock:
            self._accelerator(acc_arn)
            return [li.to_wire() for li in self.listeners.values() if li.accelerator_arn == acc_arn]

    # -- endpoint groups ----------------------------------------------------------------------------

    def _apply_group_settings(self, group: EndpointGroup, params: dict[str, Any]) -> None:
        if params.get("EndpointConfigurations") is not None:
            group.endpoints = _endpoints(params["EndpointConfigurations"], group.region)
        if params.get("TrafficDialPercentage") is not None:
            dial = params["TrafficDialPercentage"]
            if isinstance(dial, bool) or not isinstance(dial, (int, float)) or not 0 <= dial <= 100:
                raise _invalid("TrafficDialPercentage must be a number from 0 to 100.")
            group.traffic_dial = float(dial)
        if params.get("HealthCheckPort") is not None:
            group.hc_port = _int_in(params, "HealthCheckPort", 1, 65535)
        if params.get("HealthCheckProtocol") is not None:
            group.hc_protocol = _enum(params, "HealthCheckProtocol", ("TCP", "HTTP", "HTTPS"), "TCP")
        if params.get("HealthCheckPath") is not None:
            path = params["HealthCheckPath"]
            if not isinstance(path, str) or len(path) > 255 or not _HEALTH_CHECK_PATH.match(path):
                raise _invalid(f"HealthCheckPath {path!r} is not valid.")
            group.hc_path = path
        if params.get("HealthCheckIntervalSeconds") is not None:
            group.hc_interval = _int_in(params, "HealthCheckIntervalSeconds", 10, 30)
        if params.get("ThresholdCount") is not None:
            group.threshold = _int_in(params, "ThresholdCount", 1, 10)
        if params.get("PortOverrides") is not None:
            overrides = params["PortOverrides"]
            if not isinstance(overrides, list) or len(overrides) > 10:
                raise _invalid("PortOverrides must be a list of at most 10 items.")
            checked = []
            for item in overrides:
                if not isinstance(item, dict):
                    raise _invalid("Each PortOverride must be an object.")
                checked.append(
                    {
                        "ListenerPort": _int_in(item, "ListenerPort", 1, 65535),
                        "EndpointPort": _int_in(item, "EndpointPort", 1, 65535),
                    }
                )
            group.port_overrides = checked

    def create_endpoint_group(self, params: dict[str, Any]) -> dict[str, Any]:
        token = _req_str(params, "IdempotencyToken")
        listener_arn = _req_str(params, "ListenerArn")
        region = _req_str(params, "EndpointGroupRegion")
        with self.lock:
            listener = self._listener(listener_arn)
            existing = self.tokens.get(("group", listener_arn, token))
            if existing in self.groups:
                return self.groups[existing].to_wire(listener)
            if not _REGION.match(region):
                raise _invalid(f"EndpointGroupRegion {region!r} is not a valid AWS Region.")
            if any(g.listener_arn == listener_arn and g.region == region for g in self.groups.values()):
                raise GaError(
                    "EndpointGroupAlreadyExistsException",
                    f"An endpoint group for Region {region} already exists for this listener.",
                )
            group = EndpointGroup(listener, region)
            self._apply_group_settings(group, params)
            self.groups[group.arn] = group
            self.tokens[("group", listener_arn, token)] = group.arn
            self._touch_for_listener(listener)
            return group.to_wire(listener)

    def describe_endpoint_group(self, arn: str) -> dict[str, Any]:
        with self.lock:
            group = self._group(arn)
            return group.to_wire(self._listener(group.listener_arn))

    def update_endpoint_group(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            group = self._group(_req_str(params, "EndpointGroupArn"))
            listener = self._listener(group.listener_arn)
            self._apply_group_settings(group, params)
            self._touch_for_listener(listener)
            return group.to_wire(listener)

    def delete_endpoint_group(self, arn: str) -> None:
        with self.lock:
            group = self._group(arn)
            del self.groups[arn]
            self.tokens = {k: v for k, v in self.tokens.items() if v != arn}
            listener = self.listeners.get(group.listener_arn)
            if listener is not None:
                self._touch_for_listener(listener)

    def list_endpoint_groups(self, listener_arn: str) -> list[dict[str, Any]]:
        with self.lock:
            listener = self._listener(listener_arn)
            return [g.to_wire(listener) for g in self.groups.values() if g.listener_arn == listener_arn]

    def add_endpoints(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            group = self._group(_req_str(params, "EndpointGroupArn"))
            added = _endpoints(params.get("EndpointConfigurations"), group.region, minimum=1)
            by_id = {e["EndpointId"]: e for e in group.endpoints}
            for e in added:
                by_id[e["EndpointId"]] = e
            if len(by_id) > 10:
                raise GaError("LimitExceededException", "An endpoint group can have at most 10 endpoints.")
            group.endpoints = list(by_id.values())
            self._touch_for_listener(self._listener(group.listener_arn))
            return {"EndpointDescriptions": copy.deepcopy(added), "EndpointGroupArn": group.arn}

    def remove_endpoints(self, params: dict[str, Any]) -> None:
        with self.lock:
            group = self._group(_req_str(params, "EndpointGroupArn"))
            ids = params.get("EndpointIdentifiers")
            if not isinstance(ids, list) or not ids:
                raise _invalid("EndpointIdentifiers must be a non-empty list.")
            remove = set()
            for item in ids:
                if not isinstance(item, dict) or not isinstance(item.get("EndpointId"), str):
                    raise _invalid("Each EndpointIdentifier needs an EndpointId.")
                remove.add(item["EndpointId"])
            group.endpoints = [e for e in group.endpoints if e["EndpointId"] not in remove]
            self._touch_for_listener(self._listener(group.listener_arn))


# -- parameter helpers ------------------------------------------------------------------------------


def _req_str(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise _invalid(f"{name} is required and must be a non-empty string.")
    if len(value) > 255:
        raise _invalid(f"{name} must be at most 255 characters.")
    return value


def _name(params: dict[str, Any]) -> str:
    name = _req_str(params, "Name")
    if len(name) > 64 or not re.match(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$", name):
        raise _invalid(
            "Name must be 1-64 characters of letters, digits, periods and hyphens, and cannot "
            "start or end with a hyphen or period."
        )
    return name


def _opt_bool(params: dict[str, Any], name: str, default: bool) -> bool:
    value = params.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _invalid(f"{name} must be a boolean.")
    return value


def _enum(params: dict[str, Any], name: str, allowed: tuple[str, ...], default: str | None) -> str:
    value = params.get(name, default)
    if value is None:
        raise _invalid(f"{name} is required; one of {', '.join(allowed)}.")
    if value not in allowed:
        raise _invalid(f"{name} {value!r} is not valid; one of {', '.join(allowed)}.")
    return value


def _int_in(params: dict[str, Any], name: str, low: int, high: int) -> int:
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _invalid(f"{name} must be an integer from {low} to {high}.")
    return value


def _tags(params: dict[str, Any]) -> list[dict[str, str]]:
    tags = params.get("Tags") or []
    if not isinstance(tags, list):
        raise _invalid("Tags must be a list.")
    for tag in tags:
        if (
            not isinstance(tag, dict)
            or not isinstance(tag.get("Key"), str)
            or not 1 <= len(tag["Key"]) <= 128
            or not isinstance(tag.get("Value"), str)
            or len(tag["Value"]) > 256
        ):
            raise _invalid("Each tag needs a Key (1-128 characters) and a Value (0-256 characters).")
    return tags


def _port_ranges(value: Any) -> list[dict[str, int]]:
    if not isinstance(value, list) or not 1 <= len(value) <= 10:
        raise _invalid("PortRanges must be a list of 1 to 10 port ranges.")
    ranges = []
    for item in value:
        if not isinstance(item, dict):
            raise _invalid("Each PortRange must be an object.")
        start, end = item.get("FromPort"), item.get("ToPort")
        if (
            isinstance(start, bool)
            or isinstance(end, bool)
            or not isinstance(start, int)
            or not isinstance(end, int)
            or not 1 <= start <= end <= 65535
        ):
            raise GaError(
                "InvalidPortRangeException",
                f"The port range {start}-{end} is not valid: ports are 1-65535 and FromPort <= ToPort.",
            )
        ranges.append({"FromPort": start, "ToPort": end})
    for i, a in enumerate(ranges):
        for b in ranges[i + 1 :]:
            if a["FromPort"] <= b["ToPort"] and b["FromPort"] <= a["ToPort"]:
                raise GaError("InvalidPortRangeException", "Port ranges of a listener cannot overlap.")
    return ranges


def _endpoints(value: Any, region: str, minimum: int = 0) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not minimum <= len(value) <= 10:
        raise _invalid(f"EndpointConfigurations must be a list of {minimum} to 10 endpoints.")
    result = []
    seen = set()
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("EndpointId"), str):
            raise _invalid("Each EndpointConfiguration needs an EndpointId.")
        endpoint_id = item["EndpointId"]
        kind = endpoint_kind(endpoint_id, region)
        if endpoint_id in seen:
            raise _invalid(f"Endpoint {endpoint_id} is listed twice.")
        seen.add(endpoint_id)
        weight = item.get("Weight", 128)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 255:
            raise _invalid("Weight must be an integer from 0 to 255.")
        preserve_default = kind in ("alb", "ec2")
        preserve = item.get("ClientIPPreservationEnabled", preserve_default)
        if not isinstance(preserve, bool):
            raise _invalid("ClientIPPreservationEnabled must be a boolean.")
        if kind == "ec2" and not preserve:
            raise _invalid("Client IP address preservation cannot be disabled for EC2 instance endpoints.")
        result.append(
            {
                "EndpointId": endpoint_id,
                "Weight": weight,
                "HealthState": "INITIAL",
                "ClientIPPreservationEnabled": preserve,
            }
        )
    return result


def _encode_token(index: int) -> str:
    return base64.b64encode(f"offset:{index}".encode()).decode()


def _page(items: list[dict[str, Any]], params: dict[str, Any], key: str) -> dict[str, Any]:
    max_results = params.get("MaxResults")
    if max_results is not None and (
        isinstance(max_results, bool) or not isinstance(max_results, int) or not 1 <= max_results <= 100
    ):
        raise _invalid("MaxResults must be an integer from 1 to 100.")
    start = 0
    token = params.get("NextToken")
    if token:
        try:
            prefix, _, number = base64.b64decode(str(token), validate=True).decode().partition(":")
            if prefix != "offset":
                raise ValueError(prefix)
            start = int(number)
        except (ValueError, UnicodeDecodeError) as err:
            raise GaError("InvalidNextTokenException", "There isn't another item to return.") from err
    size = max_results or 10
    body: dict[str, Any] = {key: items[start : start + size]}
    if start + size < len(items):
        body["NextToken"] = _encode_token(start + size)
    return body


# -- responses -------------------------------------------------------------------------------------


class GlobalAcceleratorResponse(BaseResponse):

    def call_action(self) -> Any:
        # JSON 1.1 protocol: answers carry the AWS JSON content type.
        self.response_headers["Content-Type"] = "application/x-amz-json-1.1"
        return super().call_action()
    def __init__(self) -> None:
        super().__init__(service_name=SERVICE)

    @property
    def backend(self) -> GlobalAcceleratorBackend:
        if self.region != CONTROL_PLANE_REGION:
            raise GaError(
                "UnrecognizedClientException",
                f"Global Accelerator's API is served only from {CONTROL_PLANE_REGION}; "
                f"this request was signed for {self.region}.",
            )
        return globalaccelerator_backends[self.current_account][self.region]

    def _params(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            params = json.loads(self.body)
        except json.JSONDecodeError as err:
            raise GaError("SerializationException", f"Malformed JSON body: {err}") from err
        if not isinstance(params, dict):
            raise GaError("SerializationException", "The request body must be a JSON object.")
        return params

    def create_accelerator(self) -> str:
        return json.dumps({"Accelerator": self.backend.create_accelerator(self._params())})

    def describe_accelerator(self) -> str:
        arn = _req_str(self._params(), "AcceleratorArn")
        return json.dumps({"Accelerator": self.backend.describe_accelerator(arn)})

    def update_accelerator(self) -> str:
        return json.dumps({"Accelerator": self.backend.update_accelerator(self._params())})

    def delete_accelerator(self) -> str:
        self.backend.delete_accelerator(_req_str(self._params(), "AcceleratorArn"))
        return "{}"

    def list_accelerators(self) -> str:
        params = self._params()
        return json.dumps(_page(self.backend.list_accelerators(), params, "Accelerators"))

    def describe_accelerator_attributes(self) -> str:
        arn = _req_str(self._params(), "AcceleratorArn")
        return json.dumps({"AcceleratorAttributes": self.backend.describe_accelerator_attributes(arn)})

    def update_accelerator_attributes(self) -> str:
        attrs = self.backend.update_accelerator_attributes(self._params())
        return json.dumps({"AcceleratorAttributes": attrs})

    def tag_resource(self) -> str:
        params = self._params()
        self.backend.tag_resource(_req_str(params, "ResourceArn"), _tags(params))
        return "{}"

    def untag_resource(self) -> str:
        params = self._params()
        keys = params.get("TagKeys")
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise _invalid("TagKeys must be a list of strings.")
        self.backend.untag_resource(_req_str(params, "ResourceArn"), keys)
        return "{}"

    def list_tags_for_resource(self) -> str:
        arn = _req_str(self._params(), "ResourceArn")
        return json.dumps({"Tags": self.backend.list_tags(arn)})

    def create_listener(self) -> str:
        return json.dumps({"Listener": self.backend.create_listener(self._params())})

    def describe_listener(self) -> str:
        arn = _req_str(self._params(), "ListenerArn")
        return json.dumps({"Listener": self.backend.describe_listener(arn)})

    def update_listener(self) -> str:
        return json.dumps({"Listener": self.backend.update_listener(self._params())})

    def delete_listener(self) -> str:
        self.backend.delete_listener(_req_str(self._params(), "ListenerArn"))
        return "{}"

    def list_listeners(self) -> str:
        params = self._params()
        items = self.backend.list_listeners(_req_str(params, "AcceleratorArn"))
        return json.dumps(_page(items, params, "Listeners"))

    def create_endpoint_group(self) -> str:
        return json.dumps({"EndpointGroup": self.backend.create_endpoint_group(self._params())})

    def describe_endpoint_group(self) -> str:
        arn = _req_str(self._params(), "EndpointGroupArn")
        return json.dumps({"EndpointGroup": self.backend.describe_endpoint_group(arn)})

    def update_endpoint_group(self) -> str:
        return json.dumps({"EndpointGroup": self.backend.update_endpoint_group(self._params())})

    def delete_endpoint_group(self) -> str:
        self.backend.delete_endpoint_group(_req_str(self._params(), "EndpointGroupArn"))
        return "{}"

    def list_endpoint_groups(self) -> str:
        params = self._params()
        items = self.backend.list_endpoint_groups(_req_str(params, "ListenerArn"))
        return json.dumps(_page(items, params, "EndpointGroups"))

    def add_endpoints(self) -> str:
        return json.dumps(self.backend.add_endpoints(self._params()))

    def remove_endpoints(self) -> str:
        self.backend.remove_endpoints(self._params())
        return "{}"


# A urls module, as moto expects one per service.
URLS_MODULE = types.ModuleType("moto.globalaccelerator.urls")
URLS_MODULE.url_bases = [r"https?://globalaccelerator\.(.+)\.amazonaws\.com"]  # type: ignore[attr-defined]
URLS_MODULE.url_paths = {"{0}/$": GlobalAcceleratorResponse.dispatch}  # type: ignore[attr-defined]

# "aws" is only used by moto to resolve the service's routes when its app is built.
globalaccelerator_backends: BackendDict[GlobalAcceleratorBackend] = BackendDict(
    GlobalAcceleratorBackend,
    SERVICE,
    use_boto3_regions=False,
    additional_regions=[CONTROL_PLANE_REGION, "aws"],
)


def install() -> None:
    """Register Global Accelerator as a moto service (module, backends, URL pattern)."""
    import moto
    import moto.backend_index as backend_index

    package = types.ModuleType("moto.globalaccelerator")
    package.__path__ = []  # type: ignore[attr-defined]
    package.globalaccelerator_backends = globalaccelerator_backends  # type: ignore[attr-defined]
    package.urls = URLS_MODULE  # type: ignore[attr-defined]
    sys.modules["moto.globalaccelerator"] = package
    sys.modules["moto.globalaccelerator.urls"] = URLS_MODULE
    moto.globalaccelerator = package  # type: ignore[attr-defined]
    pattern = re.compile(URLS_MODULE.url_bases[0])  # type: ignore[attr-defined]
    if not any(name == SERVICE for name, _ in backend_index.backend_url_patterns):
        backend_index.backend_url_patterns.append((SERVICE, pattern))
