"""Service Quotas for the sandbox: moto's backend plus quota increase requests.

moto 5.2.5 serves ListAWSDefaultServiceQuotas and GetServiceQuota for ``vpc`` only.
This module adds, following botocore's service-quotas 2019-06-24 model:

- GetAWSDefaultServiceQuota / GetServiceQuota / ListAWSDefaultServiceQuotas for the
  API Gateway and Lambda quotas the scaling profile touches (and moto's vpc ones);
- RequestServiceQuotaIncrease, GetRequestedServiceQuotaChange,
  ListRequestedServiceQuotaChangeHistory and ListRequestedServiceQuotaChangeHistoryByQuota,
  with AWS's rule of one open (PENDING / CASE_OPENED) request per quota.

Requests stay PENDING unless approval mode is on (``SANDBOX_QUOTA_AUTO_APPROVE=1`` or
``POST /_sandbox/quotas/mode``), in which case they are APPROVED at once and
GetServiceQuota returns the approved value. All state lives in a ``BackendDict`` so
``POST /moto-api/reset`` clears it.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import threading
import time
import uuid
from typing import Any

import moto.servicequotas
import moto.servicequotas.models as sq_models
import moto.servicequotas.urls as sq_urls
from moto.core.base_backend import BackendDict
from moto.core.exceptions import JsonRESTError
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.resources.default_quotas.vpc import VPC_DEFAULT_QUOTAS
from moto.servicequotas.responses import ServiceQuotasResponse

REQUEST_STATUSES = (
    "PENDING",
    "CASE_OPENED",
    "APPROVED",
    "DENIED",
    "CASE_CLOSED",
    "NOT_APPROVED",
    "INVALID_REQUEST",
)
OPEN_STATUSES = ("PENDING", "CASE_OPENED")
APPLIED_LEVELS = ("ACCOUNT", "RESOURCE", "ALL")
MAX_QUOTA_VALUE = 10_000_000_000.0

# Default quotas the sandbox knows besides moto's vpc catalogue. Values are the AWS
# defaults for us-east-1; the burst rate is set by AWS and not adjustable.
_EXTRA_DEFAULT_QUOTAS: dict[str, list[dict[str, Any]]] = {
    "apigateway": [
        {
            "QuotaCode": "L-8A5B8E43",
            "QuotaName": "Throttle rate",
            "Value": 10000.0,
            "Unit": "None",
            "Adjustable": True,
            "Description": (
                "Maximum number of requests per second that your APIs can receive "
                "per account, per Region"
            ),
        },
        {
            "QuotaCode": "L-CDF5615A",
            "QuotaName": "Throttle burst rate",
            "Value": 5000.0,
            "Unit": "None",
            "Adjustable": False,
            "Description": (
                "Maximum number of requests that API Gateway can serve at once "
                "(token bucket size) per account, per Region"
            ),
        },
    ],
    "lambda": [
        {
            "QuotaCode": "L-B99A9384",
            "QuotaName": "Concurrent executions",
            "Value": 1000.0,
            "Unit": "None",
            "Adjustable": True,
            "UsageMetric": {
                "MetricNamespace": "AWS/Lambda",
                "MetricName": "ConcurrentExecutions",
                "MetricDimensions": {},
                "MetricStatisticRecommendation": "Maximum",
            },
            "Description": "Maximum number of concurrent executions per Region",
        },
    ],
}
_SERVICE_NAMES = {
    "apigateway": "Amazon API Gateway",
    "lambda": "AWS Lambda",
}


class ApprovalMode:
    """Process-wide switch: are new increase requests approved at once?"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._auto = self.default()

    @staticmethod
    def default() -> bool:
        return os.environ.get("SANDBOX_QUOTA_AUTO_APPROVE", "").strip().lower() in (
            "1",
            "true",
            "yes",
            "on",
        )

    @property
    def auto_approve(self) -> bool:
        with self._lock:
            return self._auto

    def set(self, value: bool) -> None:
        with self._lock:
            self._auto = value

    def reset(self) -> None:
        self.set(self.default())


APPROVAL = ApprovalMode()


class SqError(JsonRESTError):
    """A Service Quotas error in the JSON 1.1 wire format."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def _no_such_resource(message: str | None = None) -> SqError:
    return SqError(
        "NoSuchResourceException",
        message
        or "This service is not available in the current Region. Choose a different Region or a different service.",
    )


def _illegal(message: str) -> SqError:
    return SqError("IllegalArgumentException", message)


def _default_catalogue(region: str) -> dict[str, dict[str, dict[str, Any]]]:
    """service code -> quota code -> ServiceQuota (AWS default values)."""
    catalogue: dict[str, dict[str, dict[str, Any]]] = {}
    for quota in VPC_DEFAULT_QUOTAS:
        q = copy.deepcopy(quota)
        q["QuotaArn"] = f"arn:aws:servicequotas:{region}::vpc/{q['QuotaCode']}"
        catalogue.setdefault("vpc", {})[q["QuotaCode"]] = q
    for service, quotas in _EXTRA_DEFAULT_QUOTAS.items():
        for quota in quotas:
            q = copy.deepcopy(quota)
            q.update(
                {
                    "ServiceCode": service,
                    "ServiceName": _SERVICE_NAMES[service],
                    "QuotaArn": f"arn:aws:servicequotas:{region}::{service}/{q['QuotaCode']}",
                    "GlobalQuota": False,
                    "QuotaAppliedAtLevel": "ACCOUNT",
                }
            )
            catalogue.setdefault(service, {})[q["QuotaCode"]] = q
    return catalogue


class SandboxServiceQuotasBackend(ServiceQuotasBackend):
    """moto's Service Quotas backend with a quota catalogue and increase requests."""

    def __init__(self, region_name: str, account_id: str):
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
        self.catalogue = _default_catalogue(region_name)
        # request id -> RequestedServiceQuotaChange (wire shape)
        self.requests: dict[str, dict[str, Any]] = {}
        # (service, quota) -> applied value, once an increase was approved
        self.applied: dict[tuple[str, str], float] = {}

    @property
    def _url_module(self) -> Any:  # type: ignore[override]
        # Routes stay those of moto's own module (where the launcher put our responses class).
        return sq_urls

    # -- catalogue ---------------------------------------------------------------------------

    def _service(self, service_code: str) -> dict[str, dict[str, Any]]:
        service = self.catalogue.get(service_code)
        if service is None:
            raise _no_such_resource()
        return service

    def _default(self, service_code: str, quota_code: str) -> dict[str, Any]:
        quota = self._service(service_code).get(quota_code)
        if quota is None:
            raise _no_such_resource(
                f"The request failed because the specified quota {quota_code} for "
                f"service {service_code} does not exist."
            )
        return quota

    def list_aws_default_service_quotas(self, service_code: str) -> list[dict[str, Any]]:
        return [copy.deepcopy(q) for q in self._service(service_code).values()]

    def get_aws_default_service_quota(self, service_code: str, quota_code: str) -> dict[str, Any]:
        return copy.deepcopy(self._default(service_code, quota_code))

    def get_service_quota(self, service_code: str, quota_code: str) -> dict[str, Any]:
        quota = copy.deepcopy(self._default(service_code, quota_code))
        quota["QuotaArn"] = (
            f"arn:aws:servicequotas:{self.region_name}:{self.account_id}:"
            f"{service_code}/{quota_code}"
        )
        with self.lock:
            applied = self.applied.get((service_code, quota_code))
        if applied is not None:
            quota["Value"] = applied
        return quota

    # -- increase requests ---------------------------------------------------------------

    def request_service_quota_increase(
        self,
        service_code: str,
        quota_code: str,
        desired_value: float,
        context_id: str | None,
        support_case_allowed: bool,
    ) -> dict[str, Any]:
        default = self._default(service_code, quota_code)
        if context_id is not None:
            raise _illegal(
                f"The quota {quota_code} for service {service_code} is applied at the "
                "account level and does not accept a ContextId."
            )
        if not default.get("Adjustable", False):
            raise _illegal(
                f"The quota {quota_code} ({default['QuotaName']}) for service "
                f"{service_code} is not adjustable."
            )
        with self.lock:
            for existing in self.requests.values():
                if (
                    existing["ServiceCode"] == service_code
                    and existing["QuotaCode"] == quota_code
                    and existing["Status"] in OPEN_STATUSES
                ):
                    raise SqError(
                        "ResourceAlreadyExistsException",
                        "Only one open service quota increase request is allowed per quota",
                    )
            now = time.time()
            request_id = uuid.uuid4().hex
            requested: dict[str, Any] = {
                "Id": request_id,
                "ServiceCode": service_code,
                "ServiceName": default["ServiceName"],
                "QuotaCode": quota_code,
                "QuotaName": default["QuotaName"],
                "DesiredValue": float(desired_value),
                "Status": "PENDING",
                "Created": now,
                "LastUpdated": now,
                "Requester": json.dumps(
                    {
                        "accountId": self.account_id,
                        "callerArn": f"arn:aws:iam::{self.account_id}:root",
                    },
                    separators=(",", ":"),
                ),
                "QuotaArn": (
                    f"arn:aws:servicequotas:{self.region_name}:{self.account_id}:"
                    f"{service_code}/{quota_code}"
                ),
                "GlobalQuota": bool(default.get("GlobalQuota", False)),
                "Unit": default.get("Unit", "None"),
                "QuotaRequestedAtLevel": "ACCOUNT",
            }
            self.requests[request_id] = requested
            if APPROVAL.auto_approve:
                self._set_status(requested, "APPROVED")
            elif not support_case_allowed:
                # Without a support case AWS cannot grant a manual review.
                self._set_status(requested, "NOT_APPROVED")
            return copy.deepcopy(requested)

    def _set_status(self, requested: dict[str, Any], status: str) -> None:
        requested["Status"] = status
        requested["LastUpdated"] = time.time()
        if status in ("CASE_OPENED", "CASE_CLOSED", "DENIED") and "CaseId" not in requested:
            requested["CaseId"] = str(uuid.uuid4().int)[:11]
        if status == "APPROVED":
            key = (requested["ServiceCode"], requested["QuotaCode"])
            self.applied[key] = float(requested["DesiredValue"])

    def set_request_status(self, request_id: str, status: str) -> dict[str, Any]:
        if status not in REQUEST_STATUSES:
            raise _illegal(f"Unknown status {status!r}; expected one of {REQUEST_STATUSES}")
        with self.lock:
            requested = self.requests.get(request_id)
            if requested is None:
                raise _no_such_resource(f"The request {request_id} does not exist.")
            self._set_status(requested, status)
            return copy.deepcopy(requested)

    def get_requested_service_quota_change(self, request_id: str) -> dict[str, Any]:
        with self.lock:
            requested = self.requests.get(request_id)
            if requested is None:
                raise _no_such_resource(
                    f"The request failed because the specified request {request_id} does not exist."
                )
            return copy.deepcopy(requested)

    def list_requested_changes(
        self,
        service_code: str | None,
        quota_code: str | None,
        status: str | None,
        level: str | None,
    ) -> list[dict[str, Any]]:
        if service_code is not None:
            self._service(service_code)
        if status is not None and status not in REQUEST_STATUSES:
            raise _illegal(f"Invalid value for Status: {status}")
        if level is not None and level not in APPLIED_LEVELS:
            raise _illegal(f"Invalid value for QuotaRequestedAtLevel: {level}")
        with self.lock:
            found = [
                copy.deepcopy(r)
                for r in self.requests.values()
                if (service_code is None or r["ServiceCode"] == service_code)
                and (quota_code is None or r["QuotaCode"] == quota_code)
                and (status is None or r["Status"] == status)
                and (level is None or level == "ALL" or r["QuotaRequestedAtLevel"] == level)
            ]
        found.sort(key=lambda r: r["Created"])
        return found


def _encode_token(index: int) -> str:
    return base64.b64encode(f"offset:{index}".encode()).decode()


def _decode_token(token: str) -> int:
    try:
        text = base64.b64decode(token.encode(), validate=True).decode()
        prefix, _, number = text.partition(":")
        if prefix != "offset":
            raise ValueError(text)
        return int(number)
    except (ValueError, UnicodeDecodeError) as err:
        raise SqError("InvalidPaginationTokenException", "Invalid pagination token.") from err


class SandboxServiceQuotasResponse(ServiceQuotasResponse):
    """moto's responses class with the operations the sandbox adds."""

    def call_action(self) -> Any:
        # JSON 1.1 protocol: answers carry the AWS JSON content type.
        self.response_headers["Content-Type"] = "application/x-amz-json-1.1"
        return super().call_action()

    @property
    def backend(self) -> SandboxServiceQuotasBackend:  # type: ignore[override]
        return servicequotas_backends[self.current_account][self.region]

    def _params(self) -> dict[str, Any]:
        if not self.body:
            return {}
        try:
            params = json.loads(self.body)
        except json.JSONDecodeError as err:
            raise SqError("SerializationException", f"Malformed JSON body: {err}") from err
        if not isinstance(params, dict):
            raise SqError("SerializationException", "The request body must be a JSON object.")
        return params

    @staticmethod
    def _required_str(params: dict[str, Any], name: str) -> str:
        value = params.get(name)
        if not isinstance(value, str) or not value:
            raise _illegal(f"{name} is required and must be a non-empty string.")
        return value

    @staticmethod
    def _page(items: list[dict[str, Any]], params: dict[str, Any], key: str) -> str:
        max_results = params.get("MaxResults")
        if max_results is not None and (
            not isinstance(max_results, int) or not 1 <= max_results <= 100
        ):
            raise _illegal("MaxResults must be an integer between 1 and 100.")
        token = params.get("NextToken")
        start = _decode_token(token) if token else 0
        if start < 0 or start > len(items):
            raise SqError("InvalidPaginationTokenException", "Invalid pagination token.")
        size = max_results or 100
        page = items[start : start + size]
        body: dict[str, Any] = {key: page}
        if start + size < len(items):
            body["NextToken"] = _encode_token(start + size)
        return json.dumps(body)

    # moto's own two operations, now backed by the larger catalogue.
    def list_aws_default_service_quotas(self) -> str:
        params = self._params()
        service_code = self._required_str(params, "ServiceCode")
        quotas = self.backend.list_aws_default_service_quotas(service_code)
        return self._page(quotas, params, "Quotas")

    def get_service_quota(self) -> str:
        params = self._params()
        quota = self.backend.get_service_quota(
            self._required_str(params, "ServiceCode"), self._required_str(params, "QuotaCode")
        )
        return json.dumps({"Quota": quota})

    def get_aws_default_service_quota(self) -> str:
        params = self._params()
        quota = self.backend.get_aws_default_service_quota(
            self._required_str(params, "ServiceCode"), self._required_str(params, "QuotaCode")
        )
        return json.dumps({"Quota": quota})

    def request_service_quota_increase(self) -> str:
        params = self._params()
        desired = params.get("DesiredValue")
        if isinstance(desired, bool) or not isinstance(desired, (int, float)):
            raise _illegal("DesiredValue is required and must be a number.")
        if not 0 <= float(desired) <= MAX_QUOTA_VALUE:
            raise _illegal(f"DesiredValue must be between 0 and {MAX_QUOTA_VALUE:.0f}.")
        allowed = params.get("SupportCaseAllowed", True)
        if not isinstance(allowed, bool):
            raise _illegal("SupportCaseAllowed must be a boolean.")
        context_id = params.get("ContextId")
        if context_id is not None and not isinstance(context_id, str):
            raise _illegal("ContextId must be a string.")
        requested = self.backend.request_service_quota_increase(
            service_code=self._required_str(params, "ServiceCode"),
            quota_code=self._required_str(params, "QuotaCode"),
            desired_value=float(desired),
            context_id=context_id,
            support_case_allowed=allowed,
        )
        return json.dumps({"RequestedQuota": requested})

    def get_requested_service_quota_change(self) -> str:
        params = self._params()
        requested = self.backend.get_requested_service_quota_change(
            self._required_str(params, "RequestId")
        )
        return json.dumps({"RequestedQuota": requested})

    def list_requested_service_quota_change_history(self) -> str:
        params = self._params()
        service_code = params.get("ServiceCode")
        if service_code is not None and not isinstance(service_code, str):
            raise _illegal("ServiceCode must be a string.")
        found = self.backend.list_requested_changes(
            service_code, None, params.get("Status"), params.get("QuotaRequestedAtLevel")
        )
        return self._page(found, params, "RequestedQuotas")

    def list_requested_service_quota_change_history_by_quota(self) -> str:
        params = self._params()
        found = self.backend.list_requested_changes(
            self._required_str(params, "ServiceCode"),
            self._required_str(params, "QuotaCode"),
            params.get("Status"),
            params.get("QuotaRequestedAtLevel"),
        )
        return self._page(found, params, "RequestedQuotas")


servicequotas_backends: BackendDict[SandboxServiceQuotasBackend] = BackendDict(
    SandboxServiceQuotasBackend, "service-quotas"
)


def all_backends() -> list[tuple[str, str, SandboxServiceQuotasBackend]]:
    """(account, region, backend) for every backend created since the last reset."""
    found = []
    for account_id, region, backend in servicequotas_backends.iter_backends():
        if isinstance(backend, SandboxServiceQuotasBackend):
            found.append((account_id, region, backend))
    return found


def install() -> None:
    """Put the extended backend and responses class in place of moto's."""
    sq_urls.url_paths = {"{0}/$": SandboxServiceQuotasResponse.dispatch}
    moto.servicequotas.servicequotas_backends = servicequotas_backends  # type: ignore[attr-defined]
    sq_models.servicequotas_backends = servicequotas_backends  # type: ignore[assignment]
