"""The behaviour rules of the strict layer: where the emulators accept what AWS refuses.

Each rule cites the AWS page it is written from. ``Rules.before`` may refuse a request
(it then never reaches the emulator); ``Rules.after`` may rewrite the emulator's answer
(transition states: provisioned concurrency, function updates, table updates) or act on
it (quota request timelines). API Gateway, CloudFront and Service Quotas rules live here;
Lambda and DynamoDB in ``harness.strict.rules_compute``.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from harness.strict import rules_compute
from harness.strict.rules_compute import applied_quota

if TYPE_CHECKING:
    from harness.strict.proxy import Answer, Exchange, StrictState

# -- API Gateway ------------------------------------------------------------------------------------------
#
# UpdateStage patch paths. Source: API Gateway REST API reference, "Patch operations"
# (https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html) and the
# PatchOperation shape ("Not all valid operations are supported for a given resource ...
# Attempts to apply an unsupported operation on a resource will return an error message").
# A Stage has no top-level throttling member (botocore apigateway/2015-07-09 Stage shape):
# throttling is a method setting, addressed as /{resourcePath}/{httpMethod}/throttling/...,
# set with op=replace and removed as a whole with op=remove,path=/{resourcePath}/{httpMethod}.
STAGE_PATHS = (
    "/deploymentId",
    "/description",
    "/cacheClusterEnabled",
    "/cacheClusterSize",
    "/clientCertificateId",
    "/documentationVersion",
    "/tracingEnabled",
    "/accessLogSettings",
    "/accessLogSettings/destinationArn",
    "/accessLogSettings/format",
)
STAGE_PREFIXES = ("/variables/", "/canarySettings/")
METHOD_SETTINGS = (
    "metrics/enabled",
    "logging/dataTrace",
    "logging/loglevel",
    "throttling/burstLimit",
    "throttling/rateLimit",
    "caching/enabled",
    "caching/ttlInSeconds",
    "caching/dataEncrypted",
    "caching/requireAuthorizationForCacheControl",
    "caching/unauthorizedCacheControlHeaderStrategy",
)
_SEGMENT = r"(\*|~1[^/]*)"  # "*" or an escaped resource path ("~1pets~1{id}")
_HTTP = r"(\*|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)"
_METHOD_SETTING_PATH = re.compile(rf"/{_SEGMENT}/{_HTTP}/(?P<setting>.+)")
_METHOD_PATH = re.compile(rf"/{_SEGMENT}/{_HTTP}")
_VALID_LIST = ", ".join(
    list(STAGE_PATHS) + [f"/{{resourcePath}}/{{httpMethod}}/{s}" for s in METHOD_SETTINGS]
)


def _invalid_path(path: str) -> str:
    return f"Invalid method setting path: {path}. Must be one of: [{_VALID_LIST}]"


class TokenBucket:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class Rules:
    def __init__(self, state: "StrictState") -> None:
        self.state = state
        self.compute = rules_compute.ComputeRules(state)
        # CloudFront: cache policy id -> distribution ids registered by tests.
        self.policy_users: dict[str, set[str]] = {}
        # Service Quotas: status steps applied to every request filed afterwards.
        self.quota_timeline: list[tuple[str, float]] = []
        self.profile_changed()

    def profile_changed(self) -> None:
        p = self.state.profile
        self.apigw_bucket = TokenBucket(p.apigw_control_rate, p.apigw_control_burst)

    def reset(self) -> None:
        with self.state.lock:
            self.policy_users.clear()
            self.quota_timeline = []
            self.compute.reset()
            self.profile_changed()

    # -- dispatch ------------------------------------------------------------------------------------------

    def before(self, ex: "Exchange") -> "Answer | None":
        service = ex.call.service
        if service == "apigateway":
            return self._apigateway(ex)
        if service == "cloudfront":
            return self._cloudfront(ex)
        if service in ("lambda", "dynamodb"):
            return self.compute.before(ex)
        return None

    def after(self, ex: "Exchange", answer: "Answer") -> "Answer":
        service = ex.call.service
        if service in ("lambda", "dynamodb"):
            return self.compute.after(ex, answer)
        if service == "cloudfront" and ex.call.name == "ListDistributionsByCachePolicyId" and answer.status == 200:
            return self._add_registered_distributions(ex, answer)
        if service == "service-quotas" and ex.call.name == "RequestServiceQuotaIncrease" and answer.status == 200:
            self._start_quota_timeline(answer)
        return answer

    def control(self, method: str, path: str, data: dict[str, Any]) -> Any:
        if path == "cloudfront/distributions" and method in ("POST", "DELETE"):
            policy, dist = str(data["CachePolicyId"]), str(data["DistributionId"])
            with self.state.lock:
                users = self.policy_users.setdefault(policy, set())
                (users.add if method == "POST" else users.discard)(dist)
                return {"CachePolicyId": policy, "DistributionIds": sorted(users)}
        if path == "quotas/timeline" and method == "POST":
            steps = [(str(s["Status"]), float(s["After"])) for s in data.get("Steps", [])]
            allowed = {"CASE_OPENED", "APPROVED", "DENIED", "CASE_CLOSED", "NOT_APPROVED", "INVALID_REQUEST"}
            bad = [s for s, _ in steps if s not in allowed]
            if bad:
                raise ValueError(f"unknown quota request statuses {bad}")
            with self.state.lock:
                self.quota_timeline = steps
            return {"Steps": [{"Status": s, "After": a} for s, a in steps]}
        return self.compute.control(method, path, data)

    # -- API Gateway ----------------------------------------------------------------------------------------

    def _apigateway(self, ex: "Exchange") -> "Answer | None":
        # Control-plane rate. Source: API Gateway quotas, "API Gateway quotas for creating,
        # deploying and managing an API" (https://docs.aws.amazon.com/apigateway/latest/
        # developerguide/limits.html): UpdateStage is among "Other operations" ("No quota up to
        # the total account quota"); "Total operations": 10 requests per second with a burst of 40.
        # Exceeding it answers 429 TooManyRequestsException.
        if not self.apigw_bucket.take():
            return ex.error(429, "TooManyRequestsException", "Too Many Requests")
        if ex.call.name == "UpdateStage":
            return self._update_stage(ex)
        return None

    def _update_stage(self, ex: "Exchange") -> "Answer | None":
        existing: set[str] | None = None
        for op in ex.params.get("patchOperations") or []:
            kind, path, value = op.get("op"), op.get("path", ""), op.get("value")
            if path in STAGE_PATHS or path.startswith(STAGE_PREFIXES):
                continue
            whole = _METHOD_PATH.fullmatch(path)
            if kind == "remove" and whole:
                # Removing a method setting that is not there. Source: the API's own answer, as
                # the AWS provider relies on it (terraform-provider-aws aws_api_gateway_method_settings
                # delete treats "Cannot remove method setting */* because there is no method
                # setting for this method" as already gone).
                if existing is None:
                    existing = self._method_setting_keys(ex)
                key = f"{whole.group(1).replace('~1', '/')}/{whole.group(2)}"
                if existing is not None and key not in existing:
                    return ex.error(
                        400,
                        "BadRequestException",
                        f"Cannot remove method setting {key} because there is no method setting for this method",
                    )
                continue
            field = _METHOD_SETTING_PATH.fullmatch(path)
            if not field or field.group("setting") not in METHOD_SETTINGS:
                return ex.error(400, "BadRequestException", _invalid_path(path))
            if kind == "remove":
                # A field inside a method setting cannot be removed on its own (patch-operations.html:
                # the method-setting fields support replace; the method setting is removed as a whole).
                return ex.error(
                    400,
                    "BadRequestException",
                    f"Invalid patch operation: remove is not supported on {path}; remove the method "
                    f"setting as a whole with op=remove,path=/{field.group(1)}/{field.group(2)}",
                )
            if kind != "replace":
                return ex.error(400, "BadRequestException", f"Invalid patch operation: {kind} is not supported on {path}")
            setting = field.group("setting")
            # Account throttle cap. Source: "Throttle requests to your REST APIs" (https://docs.aws.
            # amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html): per-API,
            # per-stage throttling limits "can't be higher than" the account-level limits; limits.html:
            # 10,000 rps with a 5,000 burst, the burst "not a quota that a customer can control". The
            # API documents no error for a higher value: AWS stores it and the account limit is what
            # applies. The sandbox does the same (clamps), and notes each clamped value in the request
            # log ("clamped") so a test can see a setting that cannot take effect.
            if setting in ("throttling/burstLimit", "throttling/rateLimit") and value is not None:
                try:
                    number = float(value)
                except ValueError:
                    return ex.error(400, "BadRequestException", f"Invalid value for {path}: {value}")
                rate, burst = self._account_throttle()
                cap = burst if setting.endswith("burstLimit") else rate
                if number > cap:
                    ex.notes.setdefault("clamped", []).append({"path": path, "value": number, "effective": cap})
        return None

    def _account_throttle(self) -> tuple[float, float]:
        """The account's API Gateway (rate, burst): the applied Service Quotas values.

        limits.html: the rate is quota L-8A5B8E43 (adjustable); the burst "is determined by the
        API Gateway service team based on the overall RPS quota" - half of it in the documented
        defaults (10,000/5,000 and 2,500/1,250), which the sandbox keeps when the rate is raised.
        """
        p = self.state.profile
        rate = applied_quota(self.state, "apigateway", "L-8A5B8E43") or p.apigw_account_rate
        burst = applied_quota(self.state, "apigateway", "L-CDF5615A") or float(p.apigw_account_burst)
        return rate, max(burst, rate / 2)

    def _method_setting_keys(self, ex: "Exchange") -> set[str] | None:
        try:
            stage = self.state.direct("apigateway").get_stage(
                restApiId=ex.params["restApiId"], stageName=ex.params["stageName"]
            )
        except Exception:
            return None  # the emulator answers for a missing stage itself
        return set((stage.get("methodSettings") or {}).keys())

    # -- CloudFront -----------------------------------------------------------------------------------------

    def _cloudfront(self, ex: "Exchange") -> "Answer | None":
        name = ex.call.name
        if name not in ("UpdateCachePolicy", "DeleteCachePolicy"):
            return None
        policy_id = ex.params.get("Id", "")
        # Optimistic concurrency. Source: CloudFront API reference, UpdateCachePolicy / DeleteCachePolicy
        # (IfMatch: "The version of the cache policy ... the ETag value returned ..."; errors
        # InvalidIfMatchVersion 400, PreconditionFailed 412).
        try:
            current = self.state.direct("cloudfront").get_cache_policy(Id=policy_id)["ETag"]
        except Exception:
            return None  # NoSuchCachePolicy etc.: the emulator's answer
        if_match = ex.params.get("IfMatch")
        if not if_match:
            return ex.error(400, "InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.")
        if if_match != current:
            return ex.error(
                412,
                "PreconditionFailed",
                "The precondition given in one or more of the request-header fields evaluated to false.",
            )
        # Source: DeleteCachePolicy ("You cannot delete a cache policy if it's attached to a cache
        # behavior"; error CachePolicyInUse, 409).
        users = sorted(self.policy_users.get(policy_id, ()))
        if name == "DeleteCachePolicy" and users:
            return ex.error(
                409,
                "CachePolicyInUse",
                f"Cannot delete the cache policy because it is attached to one or more cache behaviors "
                f"of distributions: {', '.join(users)}",
            )
        return None

    def _add_registered_distributions(self, ex: "Exchange", answer: "Answer") -> "Answer":
        users = sorted(self.policy_users.get(ex.params.get("CachePolicyId", ""), ()))
        if not users:
            return answer
        try:
            root = ET.fromstring(answer.body)
        except ET.ParseError:
            return answer
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        items = root.find(f"{ns}Items")
        if items is None:
            items = ET.SubElement(root, f"{ns}Items")
        have = {e.text for e in items}
        for dist in users:
            if dist not in have:
                ET.SubElement(items, f"{ns}DistributionId").text = dist
        quantity = root.find(f"{ns}Quantity")
        if quantity is not None:
            quantity.text = str(len(list(items)))
        if ns:
            ET.register_namespace("", ns[1:-1])
        answer.body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return answer

    # -- Service Quotas -------------------------------------------------------------------------------------

    def _start_quota_timeline(self, answer: "Answer") -> None:
        # Source: Service Quotas API reference, RequestedServiceQuotaChange.Status
        # (PENDING | CASE_OPENED | APPROVED | DENIED | CASE_CLOSED | NOT_APPROVED | INVALID_REQUEST):
        # a request moves from PENDING through CASE_OPENED to a final status over time.
        steps = list(self.quota_timeline)
        if not steps:
            return
        try:
            request_id = json.loads(answer.body)["RequestedQuota"]["Id"]
        except (ValueError, KeyError):
            return
        moto = self.state.upstreams["service-quotas"]

        def run() -> None:
            start = time.monotonic()
            for status, after in steps:
                time.sleep(max(0.0, start + after - time.monotonic()))
                body = json.dumps({"RequestId": request_id, "Status": status}).encode()
                req = urllib.request.Request(
                    f"{moto}/_sandbox/quotas/status", data=body, method="POST",
                    headers={"Content-Type": "application/json"},
                )
                try:
                    urllib.request.urlopen(req, timeout=5).read()
                except OSError:
                    return

        threading.Thread(target=run, name="strict-quota-timeline", daemon=True).start()
