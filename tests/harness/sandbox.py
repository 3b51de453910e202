"""The sandbox AWS account: ministack and the extended moto server on loopback.

    with Sandbox() as sb:
        sb.endpoints["apigateway"]          # http://127.0.0.1:PORT (ministack)
        sb.client("service-quotas")         # boto3 client bound to the right emulator
        subprocess.run(cmd, env=sb.subprocess_env())

This module holds the project's one routing table (``ROUTES``): which emulator serves
which AWS service. Both emulators run as their own process groups on free 127.0.0.1
ports and are stopped (SIGTERM, then SIGKILL) when the context exits, at interpreter
exit, on SIGTERM/SIGINT, and - through PR_SET_PDEATHSIG on Linux - when the process
that started them dies.

Command line (for the demo and for integration tests written in other languages):

    python -m harness.sandbox serve --ready-file F [--auto-approve] [--log-dir D] [--lenient] [--realistic]

starts the sandbox (strict unless ``--lenient``: see ``harness.strict``), writes a flat JSON object {service: url} to F (see
``Sandbox.ready_document``) once both emulators answer, and runs until SIGTERM or SIGINT. Run it with the project's venv
python and ``tests`` on PYTHONPATH (or give the file path: ``python tests/harness/sandbox.py``).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make ``harness`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.processes import _Process
from harness.strict import REALISTIC_PROFILE, Profile, StrictControls, StrictProxy, StrictState, strict_by_default

TESTS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = TESTS_DIR.parent

SANDBOX_ACCOUNT_ID = "123456789012"
# The sandbox's secret key. Distinctive on purpose: tests grep logs, state files and
# diagnostics for it to prove the provider never leaks credentials.
SANDBOX_SECRET_ACCESS_KEY = "smuppy-sandbox-secret-4c7e1f0b9a2d"
SANDBOX_REGION = "us-east-1"
# Global Accelerator's control plane exists only in us-west-2.
GLOBAL_ACCELERATOR_REGION = "us-west-2"

MINISTACK = "ministack"
MOTO = "moto"

# THE routing table: AWS service (botocore name) -> emulator serving it.
ROUTES: dict[str, str] = {
    "apigateway": MINISTACK,
    "lambda": MINISTACK,
    "dynamodb": MINISTACK,
    "cloudfront": MINISTACK,
    "cloudwatch": MINISTACK,
    "iam": MINISTACK,
    "sts": MINISTACK,
    "application-autoscaling": MOTO,
    "service-quotas": MOTO,
    "globalaccelerator": MOTO,
}

# Attribute names of the provider's ``endpoints`` block, per service.
PROVIDER_ENDPOINT_ATTRS: dict[str, str] = {
    "apigateway": "apigateway",
    "lambda": "lambda",
    "dynamodb": "dynamodb",
    "application-autoscaling": "applicationautoscaling",
    "cloudfront": "cloudfront",
    "cloudwatch": "cloudwatch",
    "service-quotas": "servicequotas",
    "globalaccelerator": "globalaccelerator",
    "sts": "sts",
}

# Service-specific endpoint variables understood by the AWS SDKs and CLI.
SDK_ENDPOINT_ENV: dict[str, str] = {
    "apigateway": "AWS_ENDPOINT_URL_API_GATEWAY",
    "lambda": "AWS_ENDPOINT_URL_LAMBDA",
    "dynamodb": "AWS_ENDPOINT_URL_DYNAMODB",
    "cloudfront": "AWS_ENDPOINT_URL_CLOUDFRONT",
    "cloudwatch": "AWS_ENDPOINT_URL_CLOUDWATCH",
    "iam": "AWS_ENDPOINT_URL_IAM",
    "sts": "AWS_ENDPOINT_URL_STS",
    "application-autoscaling": "AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING",
    "service-quotas": "AWS_ENDPOINT_URL_SERVICE_QUOTAS",
    "globalaccelerator": "AWS_ENDPOINT_URL_GLOBAL_ACCELERATOR",
}

MINISTACK_ENV = {
    "BIND_HOST": "127.0.0.1",
    "IOT_MTLS_ENABLED": "0",
    "SFTP_ENABLED": "0",
    "LAMBDA_EXECUTOR": "local",
    "PERSIST_STATE": "0",
    "LAMBDA_ACCOUNT_CONCURRENCY": "1000",
    # Unsigned requests (the execute-api data plane) belong to the sandbox account too.
    "MINISTACK_ACCOUNT_ID": SANDBOX_ACCOUNT_ID,
    "MINISTACK_REGION": SANDBOX_REGION,
}


class SandboxError(RuntimeError):
    """The sandbox could not be started or used."""


def venv_python() -> str:
    """The project's venv interpreter if present, else the running one."""
    candidate = REPO_ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def region_for(service: str) -> str:
    return GLOBAL_ACCELERATOR_REGION if service == "globalaccelerator" else SANDBOX_REGION


def _http(method: str, url: str, body: Any = None, timeout: float = 5.0) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


_LIVE: "weakref.WeakSet[Sandbox]" = weakref.WeakSet()
_HANDLERS_LOCK = threading.Lock()
_HANDLERS_INSTALLED = False


def _stop_all() -> None:
    for sb in list(_LIVE):
        sb.stop()


def _install_handlers() -> None:
    """Stop every sandbox at exit and on SIGTERM/SIGINT, then behave as before."""
    global _HANDLERS_INSTALLED
    with _HANDLERS_LOCK:
        if _HANDLERS_INSTALLED:
            return
        _HANDLERS_INSTALLED = True
    atexit.register(_stop_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            _stop_all()
            if callable(previous):
                previous(signum, frame)
            elif previous == signal.SIG_IGN:
                return
            else:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

        signal.signal(sig, handler)


class Sandbox(StrictControls):
    """ministack + extended moto, each on a free loopback port, behind the strict layer
    (``harness.strict``) unless ``strict=False`` or ``SMUPPY_SANDBOX_LENIENT=1``."""

    # What tests ask of the account they run against (see harness.accounts.RealAccount).
    is_emulated = True
    region = SANDBOX_REGION

    def __init__(
        self,
        *,
        quota_auto_approve: bool = False,
        log_dir: str | os.PathLike[str] | None = None,
        startup_timeout: float = 30.0,
        python: str | None = None,
        strict: bool | None = None,
        profile: Profile | None = None,
    ) -> None:
        self.quota_auto_approve = quota_auto_approve
        self.strict_requested = strict_by_default() if strict is None else strict
        self.profile = profile
        self.strict_state: StrictState | None = None
        self._proxies: dict[str, StrictProxy] = {}
        self.startup_timeout = startup_timeout
        self.python = python or venv_python()
        # One private directory: emulator temp files, and the logs unless kept elsewhere.
        self._root = Path(tempfile.mkdtemp(prefix="smuppy-sandbox-"))
        self._tmp = self._root / "tmp"
        self._tmp.mkdir()
        kept = log_dir or os.environ.get("SMUPPY_SANDBOX_LOG_DIR")
        self.log_dir = Path(kept) if kept else self._root / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._session: Any = None
        self._procs: dict[str, _Process] = {}
        self.ports: dict[str, int] = {}
        self.started_in: float | None = None
        self._stopped = False
        self._keep_files = False

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> "Sandbox":
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> "Sandbox":
        if self._procs:
            raise SandboxError("sandbox already started")
        _install_handlers()
        _LIVE.add(self)
        begin = time.monotonic()
        last_error: Exception | None = None
        for _attempt in range(3):
            try:
                try:
                    self._spawn_both()
                except OSError as err:
                    raise SandboxError(f"cannot start the emulators with {self.python}: {err}") from err
                self._wait_ready()
                self._start_strict()
                self.started_in = time.monotonic() - begin
                return self
            except SandboxError as err:
                last_error = err
                for proc in self._procs.values():
                    proc.stop()
                self._procs.clear()
        self._keep_files = True  # the logs explain the failure
        self.stop()
        raise SandboxError(f"sandbox failed to start (logs in {self.log_dir}): {last_error}")

    def _spawn_both(self) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        base.update(self.env())
        base["PYTHONUNBUFFERED"] = "1"

        moto_port = free_port()
        moto_env = dict(base)
        moto_env["PYTHONPATH"] = os.pathsep.join(
            [str(TESTS_DIR)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])
        )
        moto_env["SANDBOX_QUOTA_AUTO_APPROVE"] = "1" if self.quota_auto_approve else "0"
        moto_env.pop("MOTO_PORT", None)
        self.ports[MOTO] = moto_port
        self._procs[MOTO] = _Process(
            MOTO,
            [self.python, "-m", "harness.moto_launcher", "-H", "127.0.0.1", "-p", str(moto_port)],
            moto_env,
            self.log_dir / "moto.log",
        )

        ms_port = free_port()
        ms_env = dict(base)
        ms_env.update(MINISTACK_ENV)
        ms_env["GATEWAY_PORT"] = str(ms_port)
        ms_tmp = self._tmp / "ministack"
        ms_tmp.mkdir(exist_ok=True)
        ms_env["TMPDIR"] = str(ms_tmp)
        self.ports[MINISTACK] = ms_port
        self._procs[MINISTACK] = _Process(
            MINISTACK,
            [self.python, "-m", "ministack"],
            ms_env,
            self.log_dir / "ministack.log",
        )

    def _start_strict(self) -> None:
        if not self.strict_requested:
            return
        direct = {service: self.url(emulator) for service, emulator in ROUTES.items()}
        self.strict_state = StrictState(direct, self.profile)
        for name in (MINISTACK, MOTO):
            self._proxies[name] = StrictProxy(name, self.url(name), self.strict_state).start()

    def _health_url(self, name: str) -> str:
        if name == MOTO:
            return f"{self.url(MOTO)}/_sandbox/health"
        return f"{self.url(MINISTACK)}/_ministack/health"

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        pending = set(self._procs)
        while pending:
            for name in list(pending):
                proc = self._procs[name]
                if not proc.alive():
                    raise SandboxError(
                        f"{name} exited with code {proc.popen.returncode} during start-up; "
                        f"log {proc.log_path}:\n{proc.log_tail()}"
                    )
                try:
                    status, _ = _http("GET", self._health_url(name), timeout=1.0)
                except OSError:
                    continue
                if status == 200:
                    pending.discard(name)
            if not pending:
                return
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {n}:\n{self._procs[n].log_tail()}" for n in pending)
                raise SandboxError(f"timed out waiting for {sorted(pending)}\n{tails}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for proxy in self._proxies.values():
            proxy.stop()
        for proc in self._procs.values():
            proc.stop()
        _LIVE.discard(self)
        if self._keep_files and self._root in self.log_dir.parents:
            shutil.rmtree(self._tmp, ignore_errors=True)
        else:
            shutil.rmtree(self._root, ignore_errors=True)

    @property
    def pids(self) -> dict[str, int]:
        return {name: proc.popen.pid for name, proc in self._procs.items()}

    def alive(self) -> bool:
        return bool(self._procs) and all(p.alive() for p in self._procs.values())

    # -- addresses --------------------------------------------------------------------------------

    def url(self, emulator: str) -> str:
        port = self.ports.get(emulator)
        if port is None:
            raise SandboxError(f"{emulator} is not running")
        return f"http://127.0.0.1:{port}"

    def front(self, emulator: str) -> str:
        """Where the services of ``emulator`` are reached: its strict layer when on, else itself."""
        proxy = self._proxies.get(emulator)
        return proxy.url if proxy is not None else self.url(emulator)

    @property
    def endpoints(self) -> dict[str, str]:
        """AWS service (botocore name) -> endpoint URL (the strict layer's, when on)."""
        return {service: self.front(emulator) for service, emulator in ROUTES.items()}

    @property
    def direct_endpoints(self) -> dict[str, str]:
        """AWS service -> the emulator itself, bypassing the strict layer."""
        return {service: self.url(emulator) for service, emulator in ROUTES.items()}

    @property
    def provider_endpoints(self) -> dict[str, str]:
        """The provider's ``endpoints`` block: attribute name -> URL."""
        eps = self.endpoints
        return {attr: eps[service] for service, attr in PROVIDER_ENDPOINT_ATTRS.items()}

    def invoke_url(self, api_id: str, stage: str) -> str:
        """ministack's path-form invoke URL of a REST API stage."""
        return f"{self.url(MINISTACK)}/_aws/execute-api/{api_id}/{stage}"

    # -- credentials and clients ----------------------------------------------------------------------

    @staticmethod
    def env(endpoint_urls: bool = False, endpoints: dict[str, str] | None = None) -> dict[str, str]:
        """Environment variables of the sandbox account.

        With ``endpoint_urls`` it also sets the SDKs' per-service ``AWS_ENDPOINT_URL_*``
        variables (for the AWS CLI; the provider gets its endpoints from its config).
        """
        env = {
            "AWS_ACCESS_KEY_ID": SANDBOX_ACCOUNT_ID,
            "AWS_SECRET_ACCESS_KEY": SANDBOX_SECRET_ACCESS_KEY,
            "AWS_REGION": SANDBOX_REGION,
            "AWS_DEFAULT_REGION": SANDBOX_REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
        if endpoint_urls:
            if endpoints is None:
                raise SandboxError("endpoint_urls needs the endpoints of a started sandbox")
            for service, var in SDK_ENDPOINT_ENV.items():
                env[var] = endpoints[service]
        return env

    def subprocess_env(
        self, base: dict[str, str] | None = None, endpoint_urls: bool = False
    ) -> dict[str, str]:
        """``base`` (default os.environ) without any AWS_* variable, plus the sandbox's."""
        source = os.environ if base is None else base
        env = {k: v for k, v in source.items() if not k.startswith("AWS_")}
        env.update(self.env(endpoint_urls, self.endpoints if endpoint_urls else None))
        return env

    def client(self, service: str, *, direct: bool = False, **kwargs: Any) -> Any:
        """A boto3 client for ``service``, pointed at the sandbox's endpoint for it (the strict
        layer when on); ``direct=True`` talks to the emulator itself."""
        import boto3
        from botocore.config import Config

        if service not in ROUTES:
            raise SandboxError(
                f"the sandbox does not serve {service!r}; served: {', '.join(sorted(ROUTES))}"
            )
        kwargs.setdefault("region_name", region_for(service))
        kwargs.setdefault(
            "config", Config(retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=60)
        )
        if self._session is None:
            self._session = boto3.session.Session()
        return self._session.client(
            service,
            endpoint_url=(self.direct_endpoints if direct else self.endpoints)[service],
            aws_access_key_id=SANDBOX_ACCOUNT_ID,
            aws_secret_access_key=SANDBOX_SECRET_ACCESS_KEY,
            **kwargs,
        )

    # -- state ---------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every resource in both emulators (and the quota approval mode)."""
        for url in (f"{self.url(MOTO)}/moto-api/reset", f"{self.url(MINISTACK)}/_ministack/reset"):
            status, body = _http("POST", url, timeout=30.0)
            if status != 200:
                raise SandboxError(f"reset failed: POST {url} -> {status} {body[:200]!r}")
        if self.strict_state is not None:
            self.strict_state.reset()
        self.set_quota_auto_approve(self.quota_auto_approve)

    def _moto_control(self, method: str, path: str, body: Any = None) -> Any:
        status, data = _http(method, f"{self.url(MOTO)}/_sandbox/{path}", body)
        if status != 200:
            raise SandboxError(f"{method} /_sandbox/{path} -> {status} {data[:300]!r}")
        return json.loads(data)

    def set_quota_auto_approve(self, value: bool) -> None:
        self._moto_control("POST", "quotas/mode", {"AutoApprove": value})

    def quota_requests(self) -> list[dict[str, Any]]:
        """Every Service Quotas increase request filed since the last reset."""
        return list(self._moto_control("GET", "quotas/requests")["Requests"])

    def approve_quota_requests(self, request_id: str | None = None) -> list[str]:
        body = {} if request_id is None else {"RequestId": request_id}
        return list(self._moto_control("POST", "quotas/approve", body)["Approved"])

    def set_quota_request_status(self, request_id: str, status: str) -> dict[str, Any]:
        body = {"RequestId": request_id, "Status": status}
        return dict(self._moto_control("POST", "quotas/status", body)["RequestedQuota"])

    def ready_document(self) -> dict[str, Any]:
        """What ``serve --ready-file`` writes.

        A flat JSON object of service -> endpoint URL, under both the botocore names
        (``service-quotas``, ``application-autoscaling``) and the provider's endpoint
        attribute names (``servicequotas``, ``applicationautoscaling``); every string
        value is a URL. Details live in the one non-string entry, ``_sandbox``:
        ``{"endpoints", "provider_endpoints", "env", "region", "account_id",
        "ministack", "moto", "pids", "log_dir"}``.
        """
        doc: dict[str, Any] = dict(self.endpoints)
        doc.update(self.provider_endpoints)
        doc["_sandbox"] = self.describe()
        return doc

    def describe(self) -> dict[str, Any]:
        return {
            "endpoints": self.endpoints,
            "provider_endpoints": self.provider_endpoints,
            "env": self.env(),
            "region": SANDBOX_REGION,
            "account_id": SANDBOX_ACCOUNT_ID,
            "ministack": self.url(MINISTACK),
            "moto": self.url(MOTO),
            "pids": self.pids,
            "log_dir": str(self.log_dir),
            "strict": self.strict,
            "strict_control": f"{self._proxies[MINISTACK].url}/_strict/" if self._proxies else None,
        }


# -- command line --------------------------------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    stop = threading.Event()
    parent = os.getppid()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ready = Path(args.ready_file) if args.ready_file else None
    sandbox = Sandbox(
        quota_auto_approve=args.auto_approve,
        log_dir=args.log_dir,
        strict=False if args.lenient else None,
        profile=REALISTIC_PROFILE if args.realistic else None,
    )
    try:
        sandbox.start()
        doc = json.dumps(sandbox.ready_document(), indent=2, sort_keys=True)
        if ready is not None:
            tmp = ready.with_name(ready.name + ".tmp")
            tmp.write_text(doc + "\n")
            os.replace(tmp, ready)
        else:
            print(doc, flush=True)
        print(
            f"sandbox ready in {sandbox.started_in:.2f}s: ministack {sandbox.url(MINISTACK)}, "
            f"moto {sandbox.url(MOTO)}",
            file=sys.stderr,
            flush=True,
        )
        while not stop.is_set():
            if not sandbox.alive():
                print("sandbox: an emulator exited unexpectedly", file=sys.stderr)
                return 1
            if os.getppid() != parent:
                print("sandbox: the process that started it is gone; stopping", file=sys.stderr)
                return 0
            stop.wait(0.5)
        return 0
    except SandboxError as err:
        print(f"sandbox: {err}", file=sys.stderr)
        return 1
    finally:
        sandbox.stop()
        if ready is not None:
            ready.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.sandbox", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="start the sandbox and keep it running until SIGTERM/SIGINT")
    serve.add_argument("--ready-file", help="write the sandbox description (JSON) here once ready")
    serve.add_argument("--auto-approve", action="store_true", help="approve quota increase requests at once")
    serve.add_argument("--log-dir", help="keep the emulators' logs in this directory")
    serve.add_argument("--lenient", action="store_true", help="no strict layer: the emulators as they are")
    serve.add_argument(
        "--realistic", action="store_true", help="strict layer with realistic transition times (benchmarks)"
    )
    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
