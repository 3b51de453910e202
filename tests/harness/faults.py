"""Fault injection in front of the sandbox: one microburst proxy per emulator.

    with Sandbox() as sb, FaultFront(sb) as front:
        front.set_rules(throttling(0.2) + server_errors(0.05))
        tf = Terraform(dir, sb)
        tf.write_config(body, with_provider=False)
        (dir / "provider.tf").write_text(required_providers_block() + provider_block(front.provider_endpoints))
        ...
        front.fired_by_kind()            # {"throttling": 12, "5xx": 3, ...}

microburst (PyPI, ``requirements-faults.txt``) is an HTTP proxy that knows each AWS
service's wire format: it recognises the service and operation of every request
(SigV4 scope, X-Amz-Target, REST routes from the botocore models) and answers a
matching rule with an error in that service's own protocol, adds latency, resets the
connection before forwarding, or forwards and then cuts the response (the change is
made upstream, the client never hears of it). Rules are a JSON/YAML list; what fired
is listed at ``GET /_microburst/fired`` and counted (without eviction) at
``GET /_microburst/metrics``.

Each proxy runs as its own process group on a free loopback port, like the emulators
(see ``harness.sandbox``): stopped with SIGTERM then SIGKILL when the front is stopped,
at interpreter exit, and through PR_SET_PDEATHSIG when the test process dies.
microburst imports every botocore model it needs lazily; the first proxied request of
a process costs seconds, so start one front per test module, not per test.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import tempfile
import time
import weakref
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from .sandbox import (
    MINISTACK,
    MOTO,
    PROVIDER_ENDPOINT_ATTRS,
    REPO_ROOT,
    ROUTES,
    Sandbox,
    _http,
    _Process,
    free_port,
)

# The throttling error each service really answers with (code, HTTP status). Every
# code is in the AWS SDKs' list of throttling errors, so standard retry mode backs off
# and retries it.
THROTTLING: dict[str, tuple[str, int]] = {
    "apigateway": ("TooManyRequestsException", 429),
    "lambda": ("TooManyRequestsException", 429),
    "dynamodb": ("ThrottlingException", 400),
    "application-autoscaling": ("ThrottlingException", 400),
    "cloudfront": ("Throttling", 400),
    "cloudwatch": ("Throttling", 400),
    "service-quotas": ("TooManyRequestsException", 400),
}

# Server-side failures: (code, status) per service; the SDKs retry every 5xx.
SERVER_ERRORS: dict[str, tuple[str, int]] = {
    "apigateway": ("ServiceUnavailableException", 503),
    "lambda": ("ServiceException", 500),
    "dynamodb": ("InternalServerError", 500),
    "application-autoscaling": ("InternalServiceException", 500),
    "cloudfront": ("InternalError", 500),
    "cloudwatch": ("InternalServiceFault", 500),
    "service-quotas": ("ServiceException", 500),
}

# Kinds of fault, as reported by ``FaultFront.fired_by_kind``.
KINDS = ("throttling", "5xx", "latency", "reset", "response_lost")

class FaultError(RuntimeError):
    """The fault proxy could not be started or driven."""


def microburst_binary() -> Path:
    """``$SMUPPY_MICROBURST`` or ``<repo>/.venv/bin/microburst`` (scripts/setup.sh --faults)."""
    override = os.environ.get("SMUPPY_MICROBURST")
    path = Path(override) if override else REPO_ROOT / ".venv" / "bin" / "microburst"
    if not path.is_file() or not os.access(path, os.X_OK):
        raise FaultError(f"microburst not found at {path}; run: bash scripts/setup.sh --faults")
    return path


def available() -> bool:
    try:
        microburst_binary()
        return True
    except FaultError:
        return False


# -- rules ----------------------------------------------------------------------------------------------


def _services(services: Iterable[str] | None) -> list[str]:
    chosen = list(services) if services is not None else sorted(THROTTLING)
    unknown = [s for s in chosen if s not in THROTTLING]
    if unknown:
        raise FaultError(f"no fault table for {unknown}; known: {sorted(THROTTLING)}")
    return chosen


def throttling(probability: float, services: Iterable[str] | None = None, **extra: Any) -> list[dict[str, Any]]:
    """Each request of ``services`` answered with that service's throttling error."""
    out = []
    for s in _services(services):
        code, status = THROTTLING[s]
        rule = {
            "service": s,
            "probability": probability,
            "error": {"code": code, "status": status, "message": "Rate exceeded (injected)"},
        }
        rule.update(extra)
        out.append(rule)
    return out


def server_errors(probability: float, services: Iterable[str] | None = None, **extra: Any) -> list[dict[str, Any]]:
    """Each request answered with a 5xx in the service's own error format."""
    out = []
    for s in _services(services):
        code, status = SERVER_ERRORS[s]
        rule = {
            "service": s,
            "probability": probability,
            "error": {"code": code, "status": status, "message": "Internal failure (injected)"},
        }
        rule.update(extra)
        out.append(rule)
    return out


def latency(probability: float, min_ms: float, max_ms: float, **extra: Any) -> list[dict[str, Any]]:
    """Added latency (uniform in [min_ms, max_ms]), then the request goes through."""
    rule = {"service": "*", "probability": probability, "latency": {"min": min_ms, "max": max_ms}}
    rule.update(extra)
    return [rule]


def resets(probability: float, **extra: Any) -> list[dict[str, Any]]:
    """The connection is reset before the request reaches the emulator."""
    rule = {"service": "*", "probability": probability, "reset": True}
    rule.update(extra)
    return [rule]


def responses_lost(probability: float, operation: str | None = None, **extra: Any) -> list[dict[str, Any]]:
    """The request reaches the emulator (the change is made), then the connection is
    cut before the client has read the response: the caller cannot know it succeeded."""
    rule: dict[str, Any] = {"service": "*", "probability": probability, "response": {"abort_bytes": 0}}
    if operation:
        rule["operation"] = operation
    rule.update(extra)
    return [rule]


def kind_of(action: str) -> str:
    """Classify a fired event by microburst's own description of it (a fallback for
    rules added without going through ``FaultFront``)."""
    text = action.lower()
    if "abort" in text or "cut" in text:
        return "response_lost"
    if "reset" in text:
        return "reset"
    if any(code.lower() in text for code, _ in THROTTLING.values()):
        return "throttling"
    if re.search(r"\b5\d\d\b", text):
        return "5xx"
    if "latency" in text or "delay" in text:
        return "latency"
    return "other"


# -- the proxies ----------------------------------------------------------------------------------------


class FaultProxy:
    """One microburst process in front of one upstream URL."""

    def __init__(self, name: str, upstream: str, workdir: Path, startup_timeout: float = 60.0) -> None:
        self.name = name
        self.upstream = upstream
        self.workdir = workdir
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self._proc: _Process | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise FaultError(f"fault proxy {self.name} is not running")
        return f"http://127.0.0.1:{self.port}"

    def _control(self, method: str, path: str, body: Any = None) -> Any:
        status, data = _http(method, f"{self.url}/_microburst/{path}", body, timeout=10.0)
        if status != 200:
            raise FaultError(f"{method} /_microburst/{path} on {self.name} -> {status} {data[:300]!r}")
        return json.loads(data) if data[:1] in (b"[", b"{") else data.decode()

    def start(self, rules: list[dict[str, Any]] | None = None) -> "FaultProxy":
        binary = microburst_binary()
        last = ""
        for _attempt in range(3):
            self.port = free_port()
            config = self.workdir / f"{self.name}.yml"
            # JSON is YAML: the config file holds the upstream, the port and the rules.
            config.write_text(
                json.dumps({"upstream": self.upstream, "port": self.port, "rules": rules or []}, indent=2)
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env["PYTHONUNBUFFERED"] = "1"
            self._proc = _Process(
                f"microburst-{self.name}",
                [
                    str(binary),
                    "--upstream", self.upstream,
                    "--host", "127.0.0.1",
                    "--port", str(self.port),
                    "--config", str(config),
                    "--no-resign",
                ],
                env,
                self.workdir / f"{self.name}.log",
            )
            deadline = time.monotonic() + self.startup_timeout
            while time.monotonic() < deadline:
                if not self._proc.alive():
                    last = f"exited with {self._proc.popen.returncode}:\n{self._proc.log_tail()}"
                    break
                try:
                    status, _ = _http("GET", f"{self.url}/_microburst/health", timeout=1.0)
                except OSError:
                    status = 0
                if status == 200:
                    return self
                time.sleep(0.1)
            else:
                last = f"no health answer after {self.startup_timeout}s:\n{self._proc.log_tail()}"
            self._proc.stop()
            self._proc = None
        raise FaultError(f"microburst in front of {self.upstream} failed to start: {last}")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.stop()
            self._proc = None

    def alive(self) -> bool:
        return self._proc is not None and self._proc.alive()

    @property
    def pid(self) -> int | None:
        return self._proc.popen.pid if self._proc is not None else None

    def warm_up(self) -> None:
        """Pay the first-request cost (botocore model loading) outside the measurements."""
        try:
            _http("GET", f"{self.url}/", timeout=30.0)
        except OSError:
            pass

    def set_rules(self, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(self._control("POST", "rules", rules))

    def add_rules(self, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return list(self._control("PATCH", "rules", rules))

    def rules(self) -> list[dict[str, Any]]:
        return list(self._control("GET", "rules"))

    def fired(self, limit: int = 100000) -> list[dict[str, Any]]:
        return list(self._control("GET", f"fired?limit={limit}"))

    def clear_fired(self) -> None:
        self._control("DELETE", "fired")

    def stats(self) -> dict[str, Any]:
        return dict(self._control("GET", "stats"))

    def requests_seen(self) -> int:
        return int(self._control("GET", "health")["requests_seen"])


_LIVE: "weakref.WeakSet[FaultFront]" = weakref.WeakSet()
_ATEXIT = False


def _stop_all() -> None:
    for front in list(_LIVE):
        front.stop()


class FaultFront:
    """A microburst proxy in front of each emulator of a started sandbox.

    ``provider_endpoints`` / ``endpoints`` route every service through the proxy of
    the emulator that serves it; boto3 clients from the sandbox itself still go
    straight to the emulators, so checks never meet a fault.
    """

    def __init__(self, sandbox: Sandbox, emulators: Iterable[str] = (MINISTACK, MOTO)) -> None:
        self.sandbox = sandbox
        self._root = Path(tempfile.mkdtemp(prefix="smuppy-faults-"))
        self.proxies: dict[str, FaultProxy] = {
            name: FaultProxy(name, sandbox.url(name), self._root) for name in emulators
        }
        self._stopped = False
        self._rule_kinds: dict[tuple[str, int], str] = {}
        # Fired events seen so far, kept across clear_fired() so totals survive.
        self.history: list[dict[str, Any]] = []

    def __enter__(self) -> "FaultFront":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> "FaultFront":
        global _ATEXIT
        if not _ATEXIT:
            atexit.register(_stop_all)
            _ATEXIT = True
        _LIVE.add(self)
        try:
            for proxy in self.proxies.values():
                proxy.start()
            for proxy in self.proxies.values():
                proxy.warm_up()
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for proxy in self.proxies.values():
            proxy.stop()
        _LIVE.discard(self)
        shutil.rmtree(self._root, ignore_errors=True)

    @property
    def log_dir(self) -> Path:
        return self._root

    @property
    def pids(self) -> dict[str, int | None]:
        return {name: p.pid for name, p in self.proxies.items()}

    # -- addresses ------------------------------------------------------------------------------------

    @property
    def endpoints(self) -> dict[str, str]:
        """AWS service (botocore name) -> URL of the proxy in front of its emulator."""
        out = {}
        for service, emulator in ROUTES.items():
            proxy = self.proxies.get(emulator)
            out[service] = proxy.url if proxy is not None else self.sandbox.url(emulator)
        return out

    @property
    def provider_endpoints(self) -> dict[str, str]:
        eps = self.endpoints
        return {attr: eps[service] for service, attr in PROVIDER_ENDPOINT_ATTRS.items()}

    # -- rules ----------------------------------------------------------------------------------------

    def set_rules(self, rules: list[dict[str, Any]], kind: str | None = None) -> None:
        """Replace the rules of every proxy. Each rule may carry ``kind`` (one of
        ``KINDS``); otherwise it is inferred from its effect."""
        self.clear_rules()
        self.add_rules(rules, kind)

    def add_rules(self, rules: list[dict[str, Any]], kind: str | None = None) -> None:
        for proxy_name, proxy in self.proxies.items():
            mine = []
            for rule in rules:
                service = rule.get("service")
                if service not in (None, "*") and ROUTES.get(service) != proxy_name:
                    continue
                clean = {k: v for k, v in rule.items() if k != "kind"}
                mine.append((clean, rule.get("kind") or kind or _infer_kind(rule)))
            if not mine:
                continue
            created = proxy.add_rules([r for r, _ in mine])
            for doc, (_, k) in zip(created, mine):
                self._rule_kinds[(proxy_name, int(doc["id"]))] = k

    def clear_rules(self) -> None:
        for proxy in self.proxies.values():
            proxy.set_rules([])

    # -- what fired -----------------------------------------------------------------------------------

    def fired(self) -> list[dict[str, Any]]:
        """Every fault fired since the last ``collect`` (each event gains ``proxy`` and ``kind``)."""
        out = []
        for name, proxy in self.proxies.items():
            for event in proxy.fired():
                event = dict(event)
                event["proxy"] = name
                event["kind"] = self._rule_kinds.get((name, int(event["rule_id"]))) or kind_of(
                    str(event.get("action", ""))
                )
                out.append(event)
        out.sort(key=lambda e: e["ts"])
        return out

    def collect(self) -> list[dict[str, Any]]:
        """Move what fired into ``history`` and clear the proxies' logs; returns the new events."""
        events = self.fired()
        for proxy in self.proxies.values():
            proxy.clear_fired()
        self.history.extend(events)
        return events

    def fired_by_kind(self, events: list[dict[str, Any]] | None = None) -> dict[str, int]:
        counts = Counter(e["kind"] for e in (self.history if events is None else events))
        return {k: counts.get(k, 0) for k in (*KINDS, *sorted(set(counts) - set(KINDS)))}

    def requests_seen(self) -> int:
        return sum(p.requests_seen() for p in self.proxies.values())


def _infer_kind(rule: dict[str, Any]) -> str:
    if rule.get("reset"):
        return "reset"
    if isinstance(rule.get("response"), dict) and "abort_bytes" in rule["response"]:
        return "response_lost"
    err = rule.get("error")
    if isinstance(err, dict):
        if any(err.get("code") == code for code, _ in THROTTLING.values()):
            return "throttling"
        if int(err.get("status") or 0) >= 500:
            return "5xx"
        return "error"
    if rule.get("latency") is not None:
        return "latency"
    return "other"


__all__ = [
    "KINDS",
    "SERVER_ERRORS",
    "THROTTLING",
    "FaultError",
    "FaultFront",
    "FaultProxy",
    "available",
    "kind_of",
    "latency",
    "microburst_binary",
    "resets",
    "responses_lost",
    "server_errors",
    "throttling",
]

