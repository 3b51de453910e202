"""Scenario fixtures in the sandbox account, created through boto3.

The runbook's world: REST API ``bmkd8zayee`` with stage ``staging`` in front of the
Lambda function ``smuppy-api-handler`` (alias ``prod``), and the DynamoDB table
``smuppy-feeds-staging``. Every helper is idempotent (it reuses what exists) and
returns the ids. Pass ``suffix=unique_suffix()`` to ``ensure_scenario`` for names
that do not collide with a parallel test.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import uuid
import zipfile
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .sandbox import SANDBOX_ACCOUNT_ID, SANDBOX_REGION, Sandbox

DEFAULT_API_ID = "bmkd8zayee"
DEFAULT_API_NAME = "smuppy-api"
DEFAULT_STAGE = "staging"
DEFAULT_FUNCTION = "smuppy-api-handler"
DEFAULT_ALIAS = "prod"
DEFAULT_TABLE = "smuppy-feeds-staging"
DEFAULT_RESOURCE_PATH = "feeds"
LAMBDA_RUNTIME = "python3.12"

# Stage-wide method settings some tests put in place before the provider runs, to prove
# that destroy leaves what it did not create. Keys are UpdateStage patch paths.
PRESET_METHOD_SETTINGS: dict[str, str] = {
    "/*/*/logging/loglevel": "INFO",
    "/*/*/metrics/enabled": "true",
    "/*/*/caching/enabled": "true",
    "/*/*/caching/ttlInSeconds": "120",
}

HANDLER_SOURCE = '''\
import json


def handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"ok": True, "path": event.get("path") if isinstance(event, dict) else None}),
    }
'''

LAMBDA_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


class FixtureError(RuntimeError):
    """A fixture could not be created as asked."""


@dataclass(frozen=True)
class RestApi:
    api_id: str
    name: str
    root_resource_id: str
    resource_id: str
    resource_path: str
    stage_name: str
    deployment_id: str
    invoke_url: str


@dataclass(frozen=True)
class LambdaFunction:
    name: str
    arn: str
    role_arn: str
    version: str
    alias: str
    alias_arn: str
    memory_size: int
    timeout: int


@dataclass(frozen=True)
class Table:
    name: str
    arn: str
    billing_mode: str
    read_capacity: int
    write_capacity: int


@dataclass(frozen=True)
class Scenario:
    suffix: str
    api: RestApi
    function: LambdaFunction
    table: Table


def unique_suffix() -> str:
    """A short lowercase suffix for names that must not collide between tests."""
    return uuid.uuid4().hex[:8]


def pinned_api_id(suffix: str | None = None) -> str:
    """``bmkd8zayee`` or, with a suffix, a stable 10-character id derived from it."""
    if not suffix:
        return DEFAULT_API_ID
    digest = hashlib.sha256(suffix.encode()).hexdigest()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 20, 2))


def _named(base: str, suffix: str | None) -> str:
    return f"{base}-{suffix}" if suffix else base


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def lambda_zip(source: str = HANDLER_SOURCE) -> bytes:
    """A deployment package with ``index.py`` built in memory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("index.py", date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        zf.writestr(info, source)
    return buf.getvalue()


# -- IAM ----------------------------------------------------------------------------------------------


def ensure_role(sb: Sandbox, name: str) -> str:
    iam = sb.client("iam")
    try:
        return str(iam.get_role(RoleName=name)["Role"]["Arn"])
    except ClientError as err:
        if _code(err) not in ("NoSuchEntity", "NoSuchEntityException", "ResourceNotFoundException"):
            raise
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_POLICY))
    return str(role["Role"]["Arn"])


# -- Lambda -------------------------------------------------------------------------------------------


def _wait_function_ready(lam: Any, name: str, timeout: float = 30.0) -> dict[str, Any]:
    """Wait until the function is Active and its last update finished (both emulator styles)."""
    deadline = time.monotonic() + timeout
    while True:
        config = lam.get_function_configuration(FunctionName=name)
        state = config.get("State", "Active")
        last = config.get("LastUpdateStatus", "Successful")
        if state == "Active" and last in ("Successful", None):
            return dict(config)
        if state == "Failed" or last == "Failed":
            raise FixtureError(f"function {name} failed: {config.get('StateReason') or config.get('LastUpdateStatusReason')}")
        if time.monotonic() > deadline:
            raise FixtureError(f"function {name} not ready after {timeout}s (State={state}, LastUpdateStatus={last})")
        time.sleep(0.1)


def ensure_function(
    sb: Sandbox,
    name: str = DEFAULT_FUNCTION,
    *,
    alias: str = DEFAULT_ALIAS,
    memory_size: int = 256,
    timeout: int = 30,
    role_name: str | None = None,
) -> LambdaFunction:
    """A Python function with one published version and an alias pointing at it."""
    lam = sb.client("lambda")
    role_arn = ensure_role(sb, role_name or f"{name}-role")
    try:
        config = lam.get_function_configuration(FunctionName=name)
    except ClientError as err:
        if _code(err) != "ResourceNotFoundException":
            raise
        config = lam.create_function(
            FunctionName=name,
            Runtime=LAMBDA_RUNTIME,
            Role=role_arn,
            Handler="index.handler",
            Code={"ZipFile": lambda_zip()},
            MemorySize=memory_size,
            Timeout=timeout,
            Publish=False,
            Tags={"project": "smuppy"},
        )
    config = _wait_function_ready(lam, name)

    try:
        alias_doc = lam.get_alias(FunctionName=name, Name=alias)
    except ClientError as err:
        if _code(err) != "ResourceNotFoundException":
            raise
        version = lam.publish_version(FunctionName=name, Description="fixture")["Version"]
        alias_doc = lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)
    return LambdaFunction(
        name=name,
        arn=str(config["FunctionArn"]).split(":$LATEST")[0],
        role_arn=role_arn,
        version=str(alias_doc["FunctionVersion"]),
        alias=alias,
        alias_arn=str(alias_doc["AliasArn"]),
        memory_size=int(config["MemorySize"]),
        timeout=int(config["Timeout"]),
    )


def wait_provisioned_concurrency(sb: Sandbox, name: str, qualifier: str, timeout: float = 60.0) -> str:
    """Wait until the provisioned concurrency config leaves IN_PROGRESS (AWS allocates it over
    time; so does the strict sandbox); returns READY or FAILED."""
    lam = sb.client("lambda")
    deadline = time.monotonic() + timeout
    while True:
        status = str(lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)["Status"])
        if status != "IN_PROGRESS":
            return status
        if time.monotonic() > deadline:
            raise FixtureError(f"provisioned concurrency of {name}:{qualifier} still IN_PROGRESS after {timeout}s")
        time.sleep(0.1)


# -- API Gateway --------------------------------------------------------------------------------------


def _lambda_integration_uri(function_arn: str) -> str:
    return (
        f"arn:aws:apigateway:{SANDBOX_REGION}:lambda:path/2015-03-31/functions/"
        f"{function_arn}/invocations"
    )


def ensure_rest_api(
    sb: Sandbox,
    api_id: str = DEFAULT_API_ID,
    *,
    name: str = DEFAULT_API_NAME,
    stage: str = DEFAULT_STAGE,
    function: LambdaFunction | None = None,
    resource_path: str = DEFAULT_RESOURCE_PATH,
    method_settings: dict[str, str] | None = None,
) -> RestApi:
    """A REST API with a pinned id, ``GET /<resource_path>`` and a deployed stage.

    With ``function`` the method is a Lambda proxy integration on the function's alias;
    without it a MOCK integration answering 200. ``method_settings`` (patch path ->
    value, e.g. ``PRESET_METHOD_SETTINGS``) are applied to the stage.
    """
    apigw = sb.client("apigateway")
    try:
        api = apigw.get_rest_api(restApiId=api_id)
    except ClientError as err:
        if _code(err) != "NotFoundException":
            raise
        api = apigw.create_rest_api(
            name=name,
            description="smuppy API (sandbox fixture)",
            endpointConfiguration={"types": ["REGIONAL"]},
            tags={"ms-custom-id": api_id, "project": "smuppy"},
        )
    if api["id"] != api_id:
        raise FixtureError(f"asked for REST API id {api_id}, the emulator created {api['id']}")

    resources = apigw.get_resources(restApiId=api_id, limit=500)["items"]
    root = next((r for r in resources if r.get("path") == "/"), None)
    if root is None:
        raise FixtureError(f"REST API {api_id} has no root resource")
    resource = next((r for r in resources if r.get("path") == f"/{resource_path}"), None)
    if resource is None:
        resource = apigw.create_resource(restApiId=api_id, parentId=root["id"], pathPart=resource_path)
    rid = resource["id"]

    if "GET" not in (resource.get("resourceMethods") or {}):
        apigw.put_method(restApiId=api_id, resourceId=rid, httpMethod="GET", authorizationType="NONE")
        if function is not None:
            apigw.put_integration(
                restApiId=api_id,
                resourceId=rid,
                httpMethod="GET",
                type="AWS_PROXY",
                integrationHttpMethod="POST",
                uri=_lambda_integration_uri(function.alias_arn),
            )
        else:
            apigw.put_integration(
                restApiId=api_id,
                resourceId=rid,
                httpMethod="GET",
                type="MOCK",
                requestTemplates={"application/json": '{"statusCode": 200}'},
            )
            apigw.put_method_response(
                restApiId=api_id, resourceId=rid, httpMethod="GET", statusCode="200"
            )
            apigw.put_integration_response(
                restApiId=api_id,
                resourceId=rid,
                httpMethod="GET",
                statusCode="200",
                responseTemplates={"application/json": '{"ok": true}'},
            )

    try:
        stage_doc = apigw.get_stage(restApiId=api_id, stageName=stage)
        deployment_id = str(stage_doc["deploymentId"])
    except ClientError as err:
        if _code(err) != "NotFoundException":
            raise
        deployment_id = str(
            apigw.create_deployment(restApiId=api_id, stageName=stage, description="fixture")["id"]
        )

    if method_settings:
        apigw.update_stage(
            restApiId=api_id,
            stageName=stage,
            patchOperations=[
                {"op": "replace", "path": path, "value": value}
                for path, value in method_settings.items()
            ],
        )

    return RestApi(
        api_id=api_id,
        name=str(api["name"]),
        root_resource_id=str(root["id"]),
        resource_id=str(rid),
        resource_path=f"/{resource_path}",
        stage_name=stage,
        deployment_id=deployment_id,
        invoke_url=sb.invoke_url(api_id, stage),
    )


# -- DynamoDB --------------------------------------------------------------------------------------------


def ensure_table(
    sb: Sandbox,
    name: str = DEFAULT_TABLE,
    *,
    billing_mode: str = "PROVISIONED",
    read_capacity: int = 5,
    write_capacity: int = 5,
) -> Table:
    """A table keyed on ``pk``/``sk``; PROVISIONED (rcu/wcu) or PAY_PER_REQUEST."""
    if billing_mode not in ("PROVISIONED", "PAY_PER_REQUEST"):
        raise FixtureError(f"billing_mode must be PROVISIONED or PAY_PER_REQUEST, not {billing_mode!r}")
    ddb = sb.client("dynamodb")
    try:
        desc = ddb.describe_table(TableName=name)["Table"]
    except ClientError as err:
        if _code(err) != "ResourceNotFoundException":
            raise
        kwargs: dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            "BillingMode": billing_mode,
            "Tags": [{"Key": "project", "Value": "smuppy"}],
        }
        if billing_mode == "PROVISIONED":
            kwargs["ProvisionedThroughput"] = {
                "ReadCapacityUnits": read_capacity,
                "WriteCapacityUnits": write_capacity,
            }
        desc = ddb.create_table(**kwargs)["TableDescription"]
        deadline = time.monotonic() + 30
        while desc.get("TableStatus") != "ACTIVE":
            if time.monotonic() > deadline:
                raise FixtureError(f"table {name} not ACTIVE after 30s")
            time.sleep(0.1)
            desc = ddb.describe_table(TableName=name)["Table"]
    mode = desc.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    throughput = desc.get("ProvisionedThroughput", {})
    return Table(
        name=name,
        arn=str(desc["TableArn"]),
        billing_mode=str(mode),
        read_capacity=int(throughput.get("ReadCapacityUnits", 0)),
        write_capacity=int(throughput.get("WriteCapacityUnits", 0)),
    )


# -- the whole scenario --------------------------------------------------------------------------------------


def ensure_scenario(
    sb: Sandbox,
    suffix: str | None = None,
    *,
    billing_mode: str = "PROVISIONED",
    preset_method_settings: bool = False,
    lambda_integration: bool = True,
) -> Scenario:
    """API + function + table of the runbook, optionally with unique names."""
    function = ensure_function(sb, _named(DEFAULT_FUNCTION, suffix))
    api = ensure_rest_api(
        sb,
        pinned_api_id(suffix),
        name=_named(DEFAULT_API_NAME, suffix),
        function=function if lambda_integration else None,
        method_settings=PRESET_METHOD_SETTINGS if preset_method_settings else None,
    )
    table = ensure_table(sb, _named(DEFAULT_TABLE, suffix), billing_mode=billing_mode)
    return Scenario(suffix=suffix or "", api=api, function=function, table=table)


def stage_method_settings(sb: Sandbox, api_id: str, stage: str) -> dict[str, Any]:
    """The stage's ``methodSettings`` as read back through GetStage."""
    doc = sb.client("apigateway").get_stage(restApiId=api_id, stageName=stage)
    return dict(doc.get("methodSettings") or {})


__all__ = [
    "DEFAULT_ALIAS",
    "DEFAULT_API_ID",
    "DEFAULT_FUNCTION",
    "DEFAULT_STAGE",
    "DEFAULT_TABLE",
    "PRESET_METHOD_SETTINGS",
    "SANDBOX_ACCOUNT_ID",
    "FixtureError",
    "LambdaFunction",
    "RestApi",
    "Scenario",
    "Table",
    "ensure_function",
    "ensure_rest_api",
    "ensure_role",
    "ensure_scenario",
    "ensure_table",
    "lambda_zip",
    "pinned_api_id",
    "stage_method_settings",
    "unique_suffix",
    "wait_provisioned_concurrency",
]
