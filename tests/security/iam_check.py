"""Checking AWS operations against an IAM policy document.

Operations are named as the AWS SDK for Rust names them in its ``invoke`` span
(``rpc.service="Lambda" rpc.method=PutFunctionConcurrency``), which the provider's
TRACE log carries. Each maps to the IAM action it needs and a representative resource
ARN of the sandbox account; API Gateway's management API is authorised per HTTP verb
on a resource path (``apigateway:PATCH`` on ``arn:aws:apigateway:REGION::/restapis/ID/stages/NAME``).

The evaluator covers what docs/iam-policy.json uses: Allow statements, ``Action`` and
``Resource`` as strings or lists, ``*`` and ``?`` wildcards (actions case-insensitive,
resources case-sensitive). A Deny, a NotAction or a NotResource makes it refuse the
policy rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

ACCOUNT = "123456789012"
REGION = "us-east-1"

# SDK service name (rpc.service) -> IAM service prefix.
SERVICE_PREFIX: dict[str, str] = {
    "API Gateway": "apigateway",
    "Lambda": "lambda",
    "DynamoDB": "dynamodb",
    "Application Auto Scaling": "application-autoscaling",
    "CloudFront": "cloudfront",
    "CloudWatch": "cloudwatch",
    "Service Quotas": "servicequotas",
    "Global Accelerator": "globalaccelerator",
    "STS": "sts",
}

# The scaling-aws client accessor (Aws::lambda() …) -> SDK service name.
CLIENT_ACCESSOR: dict[str, str] = {
    "apigateway": "API Gateway",
    "lambda": "Lambda",
    "dynamodb": "DynamoDB",
    "autoscaling": "Application Auto Scaling",
    "cloudfront": "CloudFront",
    "cloudwatch": "CloudWatch",
    "servicequotas": "Service Quotas",
    "globalaccelerator": "Global Accelerator",
}

# API Gateway operation -> (HTTP verb, resource path).
APIGATEWAY: dict[str, tuple[str, str]] = {
    "GetAccount": ("GET", "/account"),
    "UpdateAccount": ("PATCH", "/account"),
    "GetRestApi": ("GET", "/restapis/bmkd8zayee"),
    "GetRestApis": ("GET", "/restapis"),
    "GetStage": ("GET", "/restapis/bmkd8zayee/stages/staging"),
    "GetStages": ("GET", "/restapis/bmkd8zayee/stages"),
    "UpdateStage": ("PATCH", "/restapis/bmkd8zayee/stages/staging"),
    "GetDeployment": ("GET", "/restapis/bmkd8zayee/deployments/abc123"),
    "GetDeployments": ("GET", "/restapis/bmkd8zayee/deployments"),
    "GetResources": ("GET", "/restapis/bmkd8zayee/resources"),
    "GetMethod": ("GET", "/restapis/bmkd8zayee/resources/abc123/methods/GET"),
    "GetIntegration": ("GET", "/restapis/bmkd8zayee/resources/abc123/methods/GET/integration"),
}

FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:smuppy-api-handler"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/smuppy-feeds-staging"
CACHE_POLICY_ARN = f"arn:aws:cloudfront::{ACCOUNT}:cache-policy/4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
DASHBOARD_ARN = f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/SmuppyScaling"
QUOTA_ARN = f"arn:aws:servicequotas:{REGION}:{ACCOUNT}:lambda/L-B99A9384"

# Operations that accept no resource-level permission: the policy must grant them on "*".
STAR_ONLY: set[str] = {
    "lambda:GetAccountSettings",
    "lambda:ListFunctions",
    "dynamodb:DescribeLimits",
    "cloudfront:ListCachePolicies",
    "cloudfront:ListDistributionsByCachePolicyId",
    "cloudwatch:ListDashboards",
    "servicequotas:ListServiceQuotas",
    "servicequotas:ListAWSDefaultServiceQuotas",
    "servicequotas:ListRequestedServiceQuotaChangeHistory",
    "servicequotas:GetRequestedServiceQuotaChange",
    "globalaccelerator:ListAccelerators",
    "globalaccelerator:CreateAccelerator",
}

# Operations any signed caller may make, whatever its policy.
ALWAYS_ALLOWED: set[str] = {"sts:GetCallerIdentity"}


@dataclass(frozen=True)
class Request:
    """One IAM authorisation: an action on a resource."""

    action: str
    resource: str


def request_for(service: str, operation: str) -> Request:
    """The authorisation an SDK operation needs. Raises KeyError for an operation
    this module does not know how to map (add it, with its IAM action)."""
    prefix = SERVICE_PREFIX[service]
    if prefix == "apigateway":
        verb, path = APIGATEWAY[operation]
        return Request(f"apigateway:{verb}", f"arn:aws:apigateway:{REGION}::{path}")
    action = f"{prefix}:{operation}"
    if action.lower() in {a.lower() for a in STAR_ONLY | ALWAYS_ALLOWED}:
        return Request(action, "*")
    if prefix == "lambda":
        return Request(action, FUNCTION_ARN)
    if prefix == "dynamodb":
        return Request(action, TABLE_ARN)
    if prefix == "cloudfront":
        return Request(action, CACHE_POLICY_ARN)
    if prefix == "cloudwatch" and "Dashboard" in operation:
        return Request(action, DASHBOARD_ARN)
    if prefix == "servicequotas":
        return Request(action, QUOTA_ARN)
    if prefix in ("application-autoscaling", "globalaccelerator"):
        return Request(action, "*")
    raise KeyError(f"{service} {operation}")


def _wildcard(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(f"^{regex}$", re.IGNORECASE if ignore_case else 0)


def _as_list(v: Any) -> list[str]:
    return [v] if isinstance(v, str) else list(v)


class Policy:
    def __init__(self, doc: dict[str, Any]) -> None:
        if doc.get("Version") != "2012-10-17":
            raise ValueError("policy Version must be 2012-10-17")
        self.statements = doc["Statement"]
        for st in self.statements:
            if st.get("Effect") != "Allow":
                raise ValueError(f"statement {st.get('Sid')}: only Allow statements are evaluated")
            for key in ("NotAction", "NotResource", "NotPrincipal"):
                if key in st:
                    raise ValueError(f"statement {st.get('Sid')}: {key} is not evaluated")

    def actions(self) -> list[str]:
        return [a for st in self.statements for a in _as_list(st["Action"])]

    def allows(self, req: Request) -> bool:
        if req.action.lower() in {a.lower() for a in ALWAYS_ALLOWED}:
            return True
        for st in self.statements:
            if not any(_wildcard(a, ignore_case=True).match(req.action) for a in _as_list(st["Action"])):
                continue
            resources = _as_list(st["Resource"])
            if req.resource == "*":
                # Only a statement granting every resource covers a "*"-only action.
                if "*" in resources:
                    return True
                continue
            if any(_wildcard(r, ignore_case=False).match(req.resource) for r in resources):
                return True
        return False


SPAN_SERVICE = re.compile(r'rpc\.service=(?:"([^"]+)"|(\S+))')
SPAN_METHOD = re.compile(r"rpc\.method=([A-Za-z0-9]+)")


def operations_in_log(text: str) -> set[tuple[str, str]]:
    """(service, operation) pairs from the SDK's invoke spans in a TF_LOG file."""
    ops = set()
    for line in text.splitlines():
        s = SPAN_SERVICE.search(line)
        m = SPAN_METHOD.search(line)
        if s and m:
            ops.add((s.group(1) or s.group(2), m.group(1)))
    return ops


CALL = re.compile(r"\.(" + "|".join(CLIENT_ACCESSOR) + r")\(\)\s*\.([a-z0-9_]+)\(\)")
# `let ga = ctx.aws.globalaccelerator();` … `ga.update_listener()`
BINDING = re.compile(r"let\s+(\w+)\s*=\s*[\w.]*\.(" + "|".join(CLIENT_ACCESSOR) + r")\(\)\s*;")


def pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def operations_in_source(texts: Iterable[str]) -> set[tuple[str, str]]:
    """(service, operation) pairs of SDK calls written ``aws.lambda().put_function_concurrency()``,
    or made on a client bound first (``let ga = ctx.aws.globalaccelerator();`` then
    ``ga.update_listener()``).
    Operation names come out in PascalCase from snake_case (``GetAwsDefaultServiceQuota``);
    IAM compares actions without regard to case."""
    ops = set()
    for text in texts:
        for accessor, method in CALL.findall(text):
            ops.add((CLIENT_ACCESSOR[accessor], pascal(method)))
        for var, accessor in set(BINDING.findall(text)):
            for method in re.findall(r"\b" + re.escape(var) + r"\s*\.([a-z0-9_]+)\(\)", text):
                ops.add((CLIENT_ACCESSOR[accessor], pascal(method)))
    return ops
