"""The strict layer's HTTP side: one reverse proxy per emulator, sharing one ``StrictState``.

Every signed request is identified (service from the SigV4 scope, operation from the
botocore model), checked against the model (``harness.strict.model``), then against the
behaviour rules (``harness.strict.rules``); a refused request gets AWS's error shape for
its protocol and never reaches the emulator. Unsigned requests (the execute-api data
plane) pass through unchecked.

Control endpoints (on every proxy, same state):

    GET  /_strict/stats                  counts: checked, rejected_by_model, refused_by_rule, ...
    GET  /_strict/requests[?since=N]     the request log: service, operation, method, write, status
    POST /_strict/profile                {"pc_ready": 0.2, ...} change transition times / limits
    POST /_strict/cloudfront/distributions   {"DistributionId", "CachePolicyId"} (DELETE to detach)
    POST /_strict/lambda/pc-failure      {"FunctionName", "Reason"}: its next provisioned
                                         concurrency config ends FAILED with that reason
    POST /_strict/quotas/timeline        {"Steps": [{"Status": "CASE_OPENED", "After": 0.2}, ...]}
    POST /_strict/unapplied              {"Service": "apigateway", "Operation": "UpdateStage"}: the
                                         next such request is acknowledged (200 with what a GET of
                                         its path returns) but never reaches the emulator
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from harness.strict import model

PREFIX = "/_strict/"


@dataclass
class Profile:
    """Transition times (seconds) and account limits the layer applies."""

    pc_ready: float = 0.3  # provisioned concurrency IN_PROGRESS -> READY
    function_update: float = 0.3  # LastUpdateStatus InProgress -> Successful
    table_update: float = 0.3  # TableStatus UPDATING -> ACTIVE
    # API Gateway "Total operations" control-plane quota: 10 rps, burst 40 (limits.html).
    apigw_control_rate: float = 10.0
    apigw_control_burst: float = 40.0
    # API Gateway account throttle (default Regions): 10,000 rps, burst 5,000 (limits.html).
    apigw_account_rate: float = 10000.0
    apigw_account_burst: int = 5000
    # Lambda concurrent executions per Region (the sandbox's ministack runs with 1,000). These
    # account values apply when Service Quotas does not answer; it normally does (quota values).
    lambda_account_concurrency: int = 1000
    lambda_min_unreserved: int = 100
    # DynamoDB per-table provisioned throughput quota (ServiceQuotas.html): 40,000 RCU / WCU.
    ddb_table_max_rcu: int = 40000
    ddb_table_max_wcu: int = 40000
    ddb_on_demand_switches_per_day: int = 4


TEST_PROFILE = Profile()
# Proportions of a real account, for the benchmark (issue 11): PC READY 20 s, function update 3 s,
# table update 10 s.
REALISTIC_PROFILE = Profile(pc_ready=20.0, function_update=3.0, table_update=10.0)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Exchange:
    """One request as the rules see it."""

    call: model.Call
    params: dict[str, Any]
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    state: "StrictState"
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def protocol(self) -> str:
        return str(model.service_model(self.call.service).metadata.get("protocol"))

    def error(self, status: int, code: str, message: str) -> Answer:
        self.notes["message"] = message
        return error_answer(self.call.service, self.headers, status, code, message)


def error_answer(service: str, headers: dict[str, str], status: int, code: str, message: str) -> Answer:
    """AWS's error shape for the service's protocol."""
    protocol = model.service_model(service).metadata.get("protocol")
    if headers.get("smithy-protocol") == "rpc-v2-cbor":
        import cbor2

        body = cbor2.dumps({"__type": code, "message": message})
        return Answer(status, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, body)
    if protocol == "json":
        prefix = model.service_model(service).metadata.get("targetPrefix", service)
        body = json.dumps({"__type": f"{prefix}#{code}", "message": message}).encode()
        return Answer(status, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}, body)
    if protocol == "rest-json":
        body = json.dumps({"Type": "User", "message": message}).encode()
        return Answer(status, {"Content-Type": "application/json", "x-amzn-ErrorType": code}, body)
    from xml.sax.saxutils import escape

    root = "ErrorResponse"
    body = (
        f'<?xml version="1.0"?><{root}><Error><Type>Sender</Type><Code>{escape(code)}</Code>'
        f"<Message>{escape(message)}</Message></Error><RequestId>strict-sandbox</RequestId></{root}>"
    ).encode()
    return Answer(status, {"Content-Type": "text/xml"}, body)


# Model-validation error per service (what AWS answers for a constraint violation).
VALIDATION_ERROR: dict[str, tuple[int, str]] = {
    "apigateway": (400, "BadRequestException"),
    "cloudfront": (400, "InvalidArgument"),
}


class StrictState:
    """What the proxies of one sandbox share: counters, log, rule state, profile."""

    def __init__(self, upstreams: dict[str, str], profile: Profile | None = None) -> None:
        from harness.strict import rules

        self.lock = threading.RLock()
        self.upstreams = upstreams  # botocore service -> emulator URL (direct)
        self.profile = Profile(**asdict(profile or TEST_PROFILE))
        self.stats: dict[str, Any] = {}
        self.log: list[dict[str, Any]] = []
        self._clients: dict[str, Any] = {}
        self.rules = rules.Rules(self)
        # (service, operation) -> how many of the next such requests to acknowledge unapplied.
        self.unapplied: dict[tuple[str, str], int] = {}
        self.reset_stats()

    def reset_stats(self) -> None:
        with self.lock:
            self.stats = {
                "checked": 0,
                "rejected_by_model": 0,
                "refused_by_rule": 0,
                "forwarded": 0,
                "unsigned": 0,
                "unidentified": 0,
                "by_operation": {},
                "refused_by_error": {},
            }
            self.log.clear()

    def reset(self) -> None:
        """Forget rule state (the emulators were emptied); counters keep running."""
        self.rules.reset()
        with self.lock:
            self.unapplied.clear()

    def acknowledge_unapplied(self, data: dict[str, Any]) -> dict[str, Any]:
        """A test control, not an AWS rule: the next ``Operation`` of ``Service`` is answered
        200 with the resource as a GET of the same path shows it, and not forwarded - the
        "write acknowledged but not applied" case a read-back check must catch."""
        key = (str(data["Service"]), str(data["Operation"]))
        with self.lock:
            self.unapplied[key] = self.unapplied.get(key, 0) + 1
            return {"Service": key[0], "Operation": key[1], "Pending": self.unapplied[key]}

    def take_unapplied(self, service: str, operation: str) -> bool:
        with self.lock:
            left = self.unapplied.get((service, operation), 0)
            if left <= 0:
                return False
            self.unapplied[(service, operation)] = left - 1
            return True

    def set_profile(self, values: dict[str, Any]) -> Profile:
        names = {f.name for f in fields(Profile)}
        unknown = set(values) - names
        if unknown:
            raise ValueError(f"unknown profile fields {sorted(unknown)}; known: {sorted(names)}")
        with self.lock:
            for k, v in values.items():
                setattr(self.profile, k, type(getattr(self.profile, k))(v))
            self.rules.profile_changed()
            return self.profile

    def direct(self, service: str) -> Any:
        """A boto3 client that talks to the emulator itself (the rules' reads)."""
        with self.lock:
            client = self._clients.get(service)
            if client is None:
                import boto3
                from botocore.config import Config

                from harness.sandbox import SANDBOX_ACCOUNT_ID, SANDBOX_SECRET_ACCESS_KEY, region_for

                client = boto3.session.Session().client(
                    service,
                    endpoint_url=self.upstreams[service],
                    region_name=region_for(service),
                    aws_access_key_id=SANDBOX_ACCOUNT_ID,
                    aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
                    config=Config(retries={"max_attempts": 1}),
                )
                self._clients[service] = client
            return client

    def record(self, entry: dict[str, Any], outcome: str) -> None:
        with self.lock:
            self.log.append(entry)
            if outcome == "unsigned":
                self.stats["unsigned"] += 1
                return
            if outcome == "unidentified":
                self.stats["unidentified"] += 1
                return
            self.stats["checked"] += 1
            key = f"{entry['service']}:{entry['operation']}"
            self.stats["by_operation"][key] = self.stats["by_operation"].get(key, 0) + 1
            if outcome == "model":
                self.stats["rejected_by_model"] += 1
            elif outcome == "rule":
                self.stats["refused_by_rule"] += 1
                key = f"{entry['operation']}:{entry.get('error')}"
                self.stats["refused_by_error"][key] = self.stats["refused_by_error"].get(key, 0) + 1
            else:
                self.stats["forwarded"] += 1


def _forward(upstream: str, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
    parsed = urllib.parse.urlsplit(upstream)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    try:
        out = {k: v for k, v in headers.items() if k not in ("connection", "content-length", "transfer-encoding")}
        out["content-length"] = str(len(body))
        conn.request(method, target, body=body, headers=out)
        resp = conn.getresponse()
        data = resp.read()
        hdrs = {
            k: v
            for k, v in resp.getheaders()
            if k.lower() not in ("transfer-encoding", "connection", "content-length", "keep-alive")
        }
        return Answer(resp.status, hdrs, data)
    finally:
        conn.close()


class StrictProxy:
    """A reverse proxy on a free 127.0.0.1 port in front of one emulator."""

    def __init__(self, name: str, upstream: str, state: StrictState) -> None:
        self.name = name
        self.upstream = upstream
        self.state = state
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    answer = proxy.handle(self.command, self.path, headers, body)
                except Exception as err:  # the layer's own failure: say so, never hang the client
                    msg = f"strict sandbox layer failed: {type(err).__name__}: {err}".encode()
                    answer = Answer(500, {"Content-Type": "text/plain"}, msg)
                self.send_response(answer.status)
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, name=f"strict-{name}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "StrictProxy":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- one request ----------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        path, _, query = target.partition("?")
        if path.startswith(PREFIX):
            return control(self.state, method, path[len(PREFIX):], query, body)
        state = self.state
        entry: dict[str, Any] = {"time": time.time(), "method": method, "path": path, "emulator": self.name}
        service = model.service_of(headers)
        if service is None:
            answer = _forward(self.upstream, method, target, headers, body)
            entry.update(service=None, operation=None, write=False, status=answer.status, refused=None)
            state.record(entry, "unsigned")
            return answer
        call = model.identify(service, method, path, query, headers, body)
        if call is None:
            answer = _forward(self.upstream, method, target, headers, body)
            entry.update(service=service, operation=None, write=method not in ("GET", "HEAD"), status=answer.status)
            entry["refused"] = None
            state.record(entry, "unidentified")
            return answer
        entry.update(service=service, operation=call.name, write=call.is_write)
        try:
            params = model.parameters(call, query, headers, body)
        except ValueError as err:
            params = None
            problems = [f"the request body is not valid for its protocol: {err}"]
        else:
            problems = [] if params is None else model.validate(call.operation.input_shape, params)
        if problems:
            status, code = VALIDATION_ERROR.get(service, (400, "ValidationException"))
            answer = error_answer(service, headers, status, code, model.validation_message(problems))
            entry.update(status=status, refused="model", error=code, message=model.validation_message(problems))
            state.record(entry, "model")
            return answer
        ex = Exchange(call, params or {}, method, path, query, headers, body, state)
        refusal = state.rules.before(ex)
        if refusal is not None:
            entry.update(status=refusal.status, refused="rule", error=_code_of(refusal), message=ex.notes.get("message"))
            state.record(entry, "rule")
            return refusal
        if state.take_unapplied(service, call.name):
            quiet = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "content-type")}
            answer = _forward(self.upstream, "GET", path, quiet, b"")
            entry.update(status=answer.status, refused=None, unapplied=True)
            state.record(entry, "forwarded")
            return answer
        answer = _forward(self.upstream, method, target, headers, body)
        answer = state.rules.after(ex, answer)
        entry.update(status=answer.status, refused=None)
        if ex.notes.get("clamped") and answer.status < 300:
            entry["clamped"] = ex.notes["clamped"]
        state.record(entry, "forwarded")
        return answer


def _code_of(answer: Answer) -> str:
    return answer.headers.get("x-amzn-ErrorType") or answer.body[:120].decode(errors="replace")


def _json(status: int, value: Any) -> Answer:
    return Answer(status, {"Content-Type": "application/json"}, json.dumps(value, default=str).encode())


def control(state: StrictState, method: str, path: str, query: str, body: bytes) -> Answer:
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return _json(400, {"error": "body must be JSON"})
    qs = urllib.parse.parse_qs(query)
    handlers: dict[tuple[str, str], Callable[[], Any]] = {
        ("GET", "stats"): lambda: _stats(state),
        ("GET", "requests"): lambda: {"Requests": state.log[int((qs.get("since") or ["0"])[0]):]},
        ("POST", "stats/reset"): lambda: (state.reset_stats(), {"ok": True})[1],
        ("GET", "profile"): lambda: asdict(state.profile),
        ("POST", "profile"): lambda: asdict(state.set_profile(data)),
        ("POST", "reset"): lambda: (state.reset(), {"ok": True})[1],
        ("POST", "unapplied"): lambda: state.acknowledge_unapplied(data),
    }
    handler = handlers.get((method, path.rstrip("/")))
    if handler is None:
        result = state.rules.control(method, path.rstrip("/"), data)
        if result is None:
            return _json(404, {"error": f"no strict control endpoint {method} /_strict/{path}"})
        return _json(200, result)
    try:
        return _json(200, handler())
    except ValueError as err:
        return _json(400, {"error": str(err)})


def _stats(state: StrictState) -> dict[str, Any]:
    with state.lock:
        out = dict(state.stats)
        out["by_operation"] = dict(state.stats["by_operation"])
        out["refused_by_error"] = dict(state.stats["refused_by_error"])
        out["writes"] = sum(1 for e in state.log if e.get("write") and e.get("service"))
        return out
