"""The sandbox's own HTTP endpoints on the moto launcher, under ``/_sandbox/``.

- ``GET  /_sandbox/health``                 -> {"status": "ok", "extensions": [...]}
- ``GET  /_sandbox/quotas/requests``        -> {"Requests": [... every increase request, with
                                                "AccountId" and "Region" ...]}
- ``GET  /_sandbox/quotas/mode``            -> {"AutoApprove": bool}
- ``POST /_sandbox/quotas/mode``            body {"AutoApprove": bool}
- ``POST /_sandbox/quotas/approve``         body {} (every open request) or {"RequestId": id};
                                             -> {"Approved": [ids]}; the applied quota becomes
                                             the desired value
- ``POST /_sandbox/quotas/status``          body {"RequestId": id, "Status": one of the AWS
                                             statuses} -> {"RequestedQuota": {...}}

``POST /moto-api/reset`` also puts approval mode back to its start-up default.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from moto.core.exceptions import JsonRESTError

from . import service_quotas

PREFIX = "/_sandbox/"
EXTENSIONS = ["service-quotas", "globalaccelerator"]


def _json(start_response: Callable[..., Any], status: str, body: Any) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _read_body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    body = json.loads(raw)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _all_requests() -> list[dict[str, Any]]:
    found = []
    for account_id, region, backend in service_quotas.all_backends():
        with backend.lock:
            for requested in backend.requests.values():
                item = dict(requested)
                item["AccountId"] = account_id
                item["Region"] = region
                found.append(item)
    found.sort(key=lambda r: r["Created"])
    return found


def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    try:
        body = _read_body(environ) if method == "POST" else {}
    except ValueError as err:
        return _json(start_response, "400 Bad Request", {"error": f"invalid JSON body: {err}"})

    try:
        if path == "/_sandbox/health" and method == "GET":
            return _json(start_response, "200 OK", {"status": "ok", "extensions": EXTENSIONS})
        if path == "/_sandbox/quotas/requests" and method == "GET":
            return _json(start_response, "200 OK", {"Requests": _all_requests()})
        if path == "/_sandbox/quotas/mode":
            if method == "POST":
                value = body.get("AutoApprove")
                if not isinstance(value, bool):
                    return _json(
                        start_response, "400 Bad Request", {"error": "AutoApprove must be a boolean"}
                    )
                service_quotas.APPROVAL.set(value)
            return _json(
                start_response, "200 OK", {"AutoApprove": service_quotas.APPROVAL.auto_approve}
            )
        if path == "/_sandbox/quotas/approve" and method == "POST":
            wanted = body.get("RequestId")
            approved = []
            for _, _, backend in service_quotas.all_backends():
                with backend.lock:
                    for request_id, requested in backend.requests.items():
                        if wanted is not None and request_id != wanted:
                            continue
                        if requested["Status"] in service_quotas.OPEN_STATUSES:
                            backend.set_request_status(request_id, "APPROVED")
                            approved.append(request_id)
            if wanted is not None and not approved:
                return _json(
                    start_response,
                    "404 Not Found",
                    {"error": f"no open request with id {wanted}"},
                )
            return _json(start_response, "200 OK", {"Approved": approved})
        if path == "/_sandbox/quotas/status" and method == "POST":
            request_id, status = body.get("RequestId"), body.get("Status")
            if not isinstance(request_id, str) or not isinstance(status, str):
                return _json(
                    start_response, "400 Bad Request", {"error": "RequestId and Status are required"}
                )
            for _, _, backend in service_quotas.all_backends():
                if request_id in backend.requests:
                    requested = backend.set_request_status(request_id, status)
                    return _json(start_response, "200 OK", {"RequestedQuota": requested})
            return _json(start_response, "404 Not Found", {"error": f"no request with id {request_id}"})
    except JsonRESTError as err:
        return _json(start_response, "400 Bad Request", {"error": err.message})
    return _json(start_response, "404 Not Found", {"error": f"no sandbox endpoint {method} {path}"})
