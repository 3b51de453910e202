"""The account the acceptance tests run against: the sandbox, or a real AWS account.

By default the acceptance suite runs against the sandbox (``harness.sandbox.Sandbox``).
With ``SMUPPY_ACCEPTANCE_AWS=1`` it runs against the real account that the standard AWS
credential chain (environment, shared config/credentials with ``AWS_PROFILE``, SSO, web
identity, instance roles) and ``AWS_REGION`` point at. ``RealAccount`` then stands in
for the sandbox with the same interface, minus the emulators:

- ``endpoints`` and ``provider_endpoints`` are empty, so the provider block gets no
  ``endpoints`` block and the provider talks to AWS itself;
- ``client(service)`` is a boto3 client built from the default credential chain;
- ``subprocess_env()`` passes the caller's environment (and its AWS_* variables) through;
- emulator controls (reset, quota approval mode, the count of filed requests) raise
  ``EmulatorOnly``, which the test fixtures turn into a skip with the reason.

Fixtures created for a test carry unique names (``smuppy-acc-<suffix>-...``), are created
only when nothing of that name exists (the suite never adopts or touches anything it did
not create) and are removed by a ``Cleanup`` registry at teardown, whether the test passed
or not. ``provision_function``, ``provision_table`` and ``provision_rest_api`` do the same
in both modes, so a test written once runs in both.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from botocore.exceptions import ClientError

from . import fixtures as fx
from .sandbox import GLOBAL_ACCELERATOR_REGION, SandboxError

REAL_AWS_ENV = "SMUPPY_ACCEPTANCE_AWS"
ALLOW_QUOTA_REQUESTS_ENV = "SMUPPY_ACCEPTANCE_ALLOW_QUOTA_REQUESTS"
NAME_PREFIX = "smuppy-acc-"
# Endpoint variables that would route the real-account run to an emulator.
_ENDPOINT_VARS = ("AWS_ENDPOINT_URL",)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def real_aws_requested() -> bool:
    """Whether the user opted in to running the acceptance suite against real AWS."""
    return _truthy(os.environ.get(REAL_AWS_ENV))


def quota_requests_allowed() -> bool:
    """Whether tests may file real (irrevocable) Service Quotas increase requests."""
    return _truthy(os.environ.get(ALLOW_QUOTA_REQUESTS_ENV))


class EmulatorOnly(SandboxError):
    """An operation only the sandbox's emulators have (reset, quota approval, counts)."""


def is_emulated(account: Any) -> bool:
    """True for the sandbox, False for a real account."""
    return bool(getattr(account, "is_emulated", True))


def unique_name(suffix: str, kind: str) -> str:
    """``smuppy-acc-<suffix>-<kind>``: the names every acceptance fixture carries."""
    return f"{NAME_PREFIX}{suffix}-{kind}"


def require_emulator(account: Any, what: str) -> None:
    """Skip the calling test in real-AWS mode: ``what`` exists only in the sandbox."""
    if not is_emulated(account):
        import pytest

        pytest.skip(f"emulator only: {what} (not available against a real AWS account)")


def require_quota_requests_allowed(account: Any) -> None:
    """Skip in real-AWS mode unless SMUPPY_ACCEPTANCE_ALLOW_QUOTA_REQUESTS=1."""
    if not is_emulated(account) and not quota_requests_allowed():
        import pytest

        pytest.skip(
            "files a Service Quotas increase request, which cannot be withdrawn on a real account; "
            f"set {ALLOW_QUOTA_REQUESTS_ENV}=1 to allow it"
        )


# -- cleanup ------------------------------------------------------------------------------------------


@dataclass
class Cleanup:
    """Undo actions, run last-in first-out at teardown; every one runs even if others fail."""

    actions: list[tuple[str, Callable[[], Any]]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, description: str, action: Callable[[], Any]) -> None:
        self.actions.append((description, action))

    def run(self) -> list[str]:
        """Run every action (LIFO); returns the descriptions of those that failed."""
        failed: list[str] = []
        while self.actions:
            description, action = self.actions.pop()
            try:
                action()
            except Exception as err:  # noqa: BLE001 - every action must get its chance
                detail = "".join(traceback.format_exception_only(type(err), err)).strip()
                failed.append(f"{description}: {detail}")
        self.failures.extend(failed)
        return failed


# -- the real account -------------------------------------------------------------------------------------


def _region_from_env() -> str | None:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


class RealAccount:
    """A real AWS account behind the sandbox's interface (no emulators)."""

    is_emulated = False
    quota_auto_approve = False
    started_in: float | None = 0.0

    def __init__(self, region: str | None = None) -> None:
        import boto3

        self._session = boto3.session.Session()
        resolved = region or _region_from_env() or self._session.region_name
        if not resolved:
            raise SandboxError(f"{REAL_AWS_ENV}=1 needs a region: set AWS_REGION")
        self.region = resolved
        self._identity: dict[str, Any] | None = None

    # lifecycle: nothing to start or stop
    def __enter__(self) -> "RealAccount":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self) -> "RealAccount":
        return self

    def stop(self) -> None:
        return None

    def alive(self) -> bool:
        return True

    @property
    def pids(self) -> dict[str, int]:
        return {}

    # identity
    def identity(self) -> dict[str, Any]:
        """sts:GetCallerIdentity; raises SandboxError when no credentials work."""
        if self._identity is None:
            try:
                self._identity = dict(self.client("sts").get_caller_identity())
            except Exception as err:  # botocore raises several unrelated types here
                raise SandboxError(f"no usable AWS credentials for {REAL_AWS_ENV}=1: {err}") from err
        return self._identity

    @property
    def account_id(self) -> str:
        return str(self.identity()["Account"])

    # addresses: none, AWS's own endpoints are used
    def url(self, emulator: str) -> str:
        raise EmulatorOnly(f"no {emulator} emulator against a real AWS account")

    @property
    def endpoints(self) -> dict[str, str]:
        return {}

    @property
    def provider_endpoints(self) -> dict[str, str]:
        return {}

    def invoke_url(self, api_id: str, stage: str) -> str:
        return f"https://{api_id}.execute-api.{self.region}.amazonaws.com/{stage}"

    # credentials and clients
    def env(self, endpoint_urls: bool = False, endpoints: dict[str, str] | None = None) -> dict[str, str]:
        """Nothing to add: the caller's credential chain is used as it is."""
        return {}

    def subprocess_env(self, base: dict[str, str] | None = None, endpoint_urls: bool = False) -> dict[str, str]:
        """The caller's environment with its AWS_* variables, minus endpoint overrides."""
        source = os.environ if base is None else base
        env = dict(source)
        for key in list(env):
            if key in _ENDPOINT_VARS or key.startswith("AWS_ENDPOINT_URL_"):
                env.pop(key)
        env.setdefault("AWS_REGION", self.region)
        return env

    def client(self, service: str, **kwargs: Any) -> Any:
        from botocore.config import Config

        region = GLOBAL_ACCELERATOR_REGION if service == "globalaccelerator" else self.region
        kwargs.setdefault("region_name", region)
        # AWS's own endpoints, as for the provider (subprocess_env drops AWS_ENDPOINT_URL*).
        kwargs.setdefault(
            "config",
            Config(
                retries={"max_attempts": 8, "mode": "standard"},
                connect_timeout=10,
                read_timeout=60,
                ignore_configured_endpoint_urls=True,
            ),
        )
        return self._session.client(service, **kwargs)

    # emulator controls
    def _emulator_only(self, what: str) -> EmulatorOnly:
        return EmulatorOnly(f"{what} is a sandbox control; a real AWS account has no such thing")

    def reset(self) -> None:
        raise self._emulator_only("resetting the account")

    def set_quota_auto_approve(self, value: bool) -> None:
        raise self._emulator_only("the quota approval mode")

    def quota_requests(self) -> list[dict[str, Any]]:
        raise self._emulator_only("the count of filed quota requests")

    def approve_quota_requests(self, request_id: str | None = None) -> list[str]:
        raise self._emulator_only("approving quota requests")

    def set_quota_request_status(self, request_id: str, status: str) -> dict[str, Any]:
        raise self._emulator_only("setting a quota request's status")

    def describe(self) -> dict[str, Any]:
        return {"real_aws": True, "region": self.region, "endpoints": {}, "provider_endpoints": {}}


# -- fixtures that work in both modes -------------------------------------------------------------------


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def _must_not_exist(what: str, probe: Callable[[], Any], missing: tuple[str, ...]) -> None:
    """Raise FixtureError if ``probe`` finds the thing: a real run never adopts anything."""
    try:
        probe()
    except ClientError as err:
        if _code(err) in missing:
            return
        raise
    raise fx.FixtureError(f"{what} already exists; the acceptance suite only uses what it creates")


def provision_function(
    account: Any,
    cleanup: Cleanup,
    name: str,
    *,
    alias: str = fx.DEFAULT_ALIAS,
    memory_size: int = 256,
    timeout: int = 30,
) -> fx.LambdaFunction:
    """A function with one published version and an alias on it (removed at teardown)."""
    if is_emulated(account):
        fn = fx.ensure_function(account, name, alias=alias, memory_size=memory_size, timeout=timeout)
        cleanup.add(f"delete function {name}", lambda: _delete_function(account, name))
        return fn
    lam, iam = account.client("lambda"), account.client("iam")
    role_name = f"{name}-role"
    _must_not_exist(f"Lambda function {name}", lambda: lam.get_function(FunctionName=name), ("ResourceNotFoundException",))
    _must_not_exist(f"IAM role {role_name}", lambda: iam.get_role(RoleName=role_name), ("NoSuchEntity",))
    role_arn = iam.create_role(
        RoleName=role_name,
        AssumeRolePolicyDocument=json.dumps(fx.LAMBDA_TRUST_POLICY),
        Tags=[{"Key": "smuppy-acceptance", "Value": "true"}],
    )["Role"]["Arn"]
    cleanup.add(f"delete IAM role {role_name}", lambda: iam.delete_role(RoleName=role_name))
    # A new role takes a few seconds before Lambda may assume it.
    deadline = time.monotonic() + 90
    while True:
        try:
            lam.create_function(
                FunctionName=name,
                Runtime=fx.LAMBDA_RUNTIME,
                Role=role_arn,
                Handler="index.handler",
                Code={"ZipFile": fx.lambda_zip()},
                MemorySize=memory_size,
                Timeout=timeout,
                Publish=False,
                Tags={"smuppy-acceptance": "true"},
            )
            break
        except ClientError as err:
            if _code(err) != "InvalidParameterValueException" or time.monotonic() > deadline:
                raise
            time.sleep(3)
    cleanup.add(f"delete function {name}", lambda: _delete_function(account, name))
    fx._wait_function_ready(lam, name, timeout=120)
    return fx.ensure_function(account, name, alias=alias, memory_size=memory_size, timeout=timeout, role_name=role_name)


def _delete_function(account: Any, name: str) -> None:
    lam = account.client("lambda")
    try:
        lam.delete_function(FunctionName=name)
    except ClientError as err:
        if _code(err) != "ResourceNotFoundException":
            raise


def provision_table(
    account: Any,
    cleanup: Cleanup,
    name: str,
    *,
    billing_mode: str = "PROVISIONED",
    read_capacity: int = 5,
    write_capacity: int = 5,
) -> fx.Table:
    """A table (and, at teardown, its auto scaling and itself removed)."""
    ddb = account.client("dynamodb")
    if not is_emulated(account):
        _must_not_exist(f"DynamoDB table {name}", lambda: ddb.describe_table(TableName=name), ("ResourceNotFoundException",))
    table = fx.ensure_table(account, name, billing_mode=billing_mode, read_capacity=read_capacity, write_capacity=write_capacity)
    cleanup.add(f"delete table {name}", lambda: _delete_table(account, name))
    return table


def _delete_table(account: Any, name: str) -> None:
    aas = account.client("application-autoscaling")
    resource_id = f"table/{name}"
    targets = aas.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=[resource_id])
    for target in targets.get("ScalableTargets", []):
        aas.deregister_scalable_target(
            ServiceNamespace="dynamodb", ResourceId=resource_id, ScalableDimension=target["ScalableDimension"]
        )
    try:
        account.client("dynamodb").delete_table(TableName=name)
    except ClientError as err:
        if _code(err) != "ResourceNotFoundException":
            raise


def provision_rest_api(account: Any, cleanup: Cleanup, suffix: str, *, stage: str = fx.DEFAULT_STAGE) -> fx.RestApi:
    """A REST API with a MOCK ``GET /feeds`` and a deployed stage (deleted at teardown)."""
    name = unique_name(suffix, "api")
    apigw = account.client("apigateway")
    if is_emulated(account):
        api = fx.ensure_rest_api(account, fx.pinned_api_id(suffix), name=name, stage=stage)
    else:
        existing = apigw.get_rest_apis(limit=500).get("items", [])
        if any(item.get("name") == name for item in existing):
            raise fx.FixtureError(f"a REST API named {name} already exists")
        created = apigw.create_rest_api(
            name=name, endpointConfiguration={"types": ["REGIONAL"]}, tags={"smuppy-acceptance": "true"}
        )
        cleanup.add(f"delete REST API {created['id']}", lambda: _delete_rest_api(account, created["id"]))
        # ensure_rest_api reuses the API just created (by its id) and adds method and stage.
        return fx.ensure_rest_api(account, created["id"], name=name, stage=stage)
    cleanup.add(f"delete REST API {api.api_id}", lambda: _delete_rest_api(account, api.api_id))
    return api


def _delete_rest_api(account: Any, api_id: str) -> None:
    try:
        account.client("apigateway").delete_rest_api(restApiId=api_id)
    except ClientError as err:
        if _code(err) != "NotFoundException":
            raise


__all__ = [
    "ALLOW_QUOTA_REQUESTS_ENV",
    "NAME_PREFIX",
    "REAL_AWS_ENV",
    "Cleanup",
    "EmulatorOnly",
    "RealAccount",
    "is_emulated",
    "provision_function",
    "provision_rest_api",
    "provision_table",
    "quota_requests_allowed",
    "real_aws_requested",
    "require_emulator",
    "require_quota_requests_allowed",
    "unique_name",
]
