"""Discovery with ``terraform query``: the list resource ``smuppy_scaling_profile``
through the real Terraform core, against the sandbox.

What the query lists is compared with what API Gateway reports through boto3
(GetRestApis / GetStages); the configuration ``-generate-config-out`` writes is
applied as an import and every stage's method settings are read back through
GetStage: the import changes nothing in AWS, and the plan after it is empty.

Terraform 1.15 writes the generated ``resource`` block from each listed
resource object itself (the provider does not advertise
GenerateResourceConfig) and the ``import`` block from each listed identity.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

SECOND_STAGE = "canary"


@pytest.fixture
def api(sandbox: Sandbox, suffix: str) -> fx.RestApi:
    """An API with two deployed stages: ``staging`` (logging, metrics and caching set
    stage-wide, throttled at 1234/321 through the API) and ``canary`` (no method settings)."""
    api = fx.ensure_rest_api(
        sandbox,
        fx.pinned_api_id(suffix),
        name=f"smuppy-query-{suffix}",
        method_settings=fx.PRESET_METHOD_SETTINGS,
    )
    apigw = sandbox.client("apigateway")
    apigw.update_stage(
        restApiId=api.api_id,
        stageName=api.stage_name,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "1234"},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "321"},
        ],
    )
    stages = {s["stageName"] for s in apigw.get_stages(restApiId=api.api_id)["item"]}
    if SECOND_STAGE not in stages:
        apigw.create_stage(restApiId=api.api_id, stageName=SECOND_STAGE, deploymentId=api.deployment_id)
    return api


def query_file(rest_api_id: str | None, *, include: bool = True, name_prefix: str | None = None) -> str:
    config = f'    rest_api_id = "{rest_api_id}"\n' if rest_api_id is not None else ""
    if name_prefix is not None:
        config += f'    name_prefix = "{name_prefix}"\n'
    return f"""
list "smuppy_scaling_profile" "stages" {{
  provider         = smuppy
  include_resource = {str(include).lower()}
  config {{
{config}  }}
}}
"""


def write_query(tf: Terraform, rest_api_id: str | None, *, include: bool = True, name_prefix: str | None = None) -> None:
    tf.write_config("# no resources: the query file holds the list block\n")
    (tf.workdir / "main.tfquery.hcl").write_text(query_file(rest_api_id, include=include, name_prefix=name_prefix))


def found(tf: Terraform) -> list[dict[str, Any]]:
    """The ``list_resource_found`` events of ``terraform query -json``."""
    result = tf.run("query", "-no-color", "-json").check()
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    errors = [e for e in events if e.get("@level") == "error"]
    assert not errors, result.output
    return [e["list_resource_found"] for e in events if e.get("type") == "list_resource_found"]


def aws_stages(sandbox: Sandbox, api_ids: list[str] | None = None) -> dict[str, str]:
    """``REST_API_ID/STAGE`` → the API's name, as API Gateway reports them."""
    apigw = sandbox.client("apigateway")
    if api_ids is None:
        apis = apigw.get_rest_apis(limit=500)["items"]
    else:
        apis = [apigw.get_rest_api(restApiId=i) for i in api_ids]
    return {
        f"{a['id']}/{s['stageName']}": a["name"]
        for a in apis
        for s in apigw.get_stages(restApiId=a["id"])["item"]
    }


def name_of(entry: str) -> str:
    """The AWS name in an identity entry ``NAME[:QUALIFIER]@KEY``."""
    return entry.split("@", 1)[0].split(":", 1)[0]


def aws_functions(sandbox: Sandbox) -> list[str]:
    """Every function name ListFunctions reports."""
    pages = sandbox.client("lambda").get_paginator("list_functions").paginate()
    return sorted(f["FunctionName"] for page in pages for f in page["Functions"])


def aws_tables(sandbox: Sandbox) -> list[str]:
    """Every table name ListTables reports."""
    pages = sandbox.client("dynamodb").get_paginator("list_tables").paginate()
    return sorted(t for page in pages for t in page["TableNames"])


def method_settings(sandbox: Sandbox, api_id: str) -> dict[str, Any]:
    apigw = sandbox.client("apigateway")
    return {
        s["stageName"]: fx.stage_method_settings(sandbox, api_id, s["stageName"])
        for s in apigw.get_stages(restApiId=api_id)["item"]
    }


def test_query_lists_the_stages_aws_reports(tf: Terraform, sandbox: Sandbox, api: fx.RestApi) -> None:
    write_query(tf, api.api_id)
    tf.run("init", "-input=false", "-no-color").check()
    listed = found(tf)
    expected = aws_stages(sandbox, [api.api_id])
    assert sorted(r["identity"]["api_gateway"] for r in listed) == sorted(expected)
    assert len(expected) == 2, expected
    account = sandbox.client("sts").get_caller_identity()["Account"]
    for r in listed:
        identity = r["identity"]
        stage = identity["api_gateway"].split("/")[1]
        assert identity["name"] == f"{expected[identity['api_gateway']]}-{stage}", identity
        assert (identity["account_id"], identity["region"]) == (account, sandbox.region), identity
        assert identity["lambda_pools"] == [] and identity["dynamodb_tables"] == [], identity
        # The resource object holds the stage's settings as GetStage reports them.
        obj = r["resource_object"]["api_gateway"]
        wide = fx.stage_method_settings(sandbox, api.api_id, stage).get("*/*") or {}
        if stage == api.stage_name:
            assert (wide.get("throttlingRateLimit"), wide.get("throttlingBurstLimit")) == (1234.0, 321)
            assert (obj["rate_limit"], obj["burst_limit"]) == (1234, 321), obj

    # Without a filter: every stage of every REST API, every function and every
    # table of the account, one profile each.
    write_query(tf, None, include=False)
    listed = found(tf)
    stages = [r["identity"]["api_gateway"] for r in listed if r["identity"].get("api_gateway")]
    assert sorted(stages) == sorted(aws_stages(sandbox))
    assert sorted(name_of(p) for r in listed for p in r["identity"]["lambda_pools"]) == aws_functions(sandbox)
    assert sorted(name_of(t) for r in listed for t in r["identity"]["dynamodb_tables"]) == aws_tables(sandbox)
    assert all(r.get("resource_object") is None for r in listed), listed


def test_generated_config_imports_with_no_change(tf: Terraform, sandbox: Sandbox, api: fx.RestApi) -> None:
    before = method_settings(sandbox, api.api_id)
    write_query(tf, api.api_id)
    tf.run("init", "-input=false", "-no-color").check()
    tf.run("query", "-no-color", "-generate-config-out=generated.tf").check()
    generated = (tf.workdir / "generated.tf").read_text()
    assert generated.count('resource "smuppy_scaling_profile"') == 2, generated
    assert generated.count("import {") == 2, generated
    assert f'"{api.api_id}/{api.stage_name}"' in generated, generated

    applied = tf.apply(check=True)
    assert "2 imported, 0 added, 0 changed, 0 destroyed" in applied.output, applied.output
    # Nothing changed in AWS, and nothing is left to do.
    assert method_settings(sandbox, api.api_id) == before
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    stages = {
        r["values"]["api_gateway"]["stage_name"]: r["values"]["api_gateway"] for r in tf.resources()
    }
    assert (stages[api.stage_name]["rate_limit"], stages[api.stage_name]["burst_limit"]) == (1234, 321)

    # Forgotten rather than destroyed: destroy would put back the pre-import
    # settings, which are today's; the stage must keep them either way.
    tf.destroy(check=True)
    assert method_settings(sandbox, api.api_id) == before


def test_a_bad_filter_is_an_error_on_the_attribute(tf: Terraform) -> None:
    write_query(tf, "not/an-id")
    tf.run("init", "-input=false", "-no-color").check()
    result = tf.run("query", "-no-color")
    assert result.rc != 0
    assert "Invalid rest_api_id" in result.output, result.output
    assert "rest_api_id" in result.output and "not/an-id" in result.output, result.output


def test_a_missing_api_lists_nothing(tf: Terraform) -> None:
    write_query(tf, "nosuchapi0")
    tf.run("init", "-input=false", "-no-color").check()
    assert found(tf) == []


def test_functions_and_tables_are_found_and_import_with_no_change(
    tf: Terraform, sandbox: Sandbox, suffix: str, cleanup: Any
) -> None:
    """A function and a table named with a prefix: the query proposes a profile for
    each, the generated configuration imports them, AWS is unchanged (read back
    through GetFunctionConfiguration, GetFunctionConcurrency and DescribeTable) and
    the plan after it is empty."""
    prefix = accounts.unique_name(suffix, "disc")
    function = accounts.provision_function(sandbox, cleanup, f"{prefix}-fn")
    lam = sandbox.client("lambda")
    lam.put_function_concurrency(FunctionName=function.name, ReservedConcurrentExecutions=7)
    table = accounts.provision_table(sandbox, cleanup, f"{prefix}-table")

    def aws_now() -> dict[str, Any]:
        conf = lam.get_function_configuration(FunctionName=function.name)
        desc = sandbox.client("dynamodb").describe_table(TableName=table.name)["Table"]
        return {
            "memory": conf["MemorySize"],
            "timeout": conf["Timeout"],
            "reserved": lam.get_function_concurrency(FunctionName=function.name).get("ReservedConcurrentExecutions"),
            "table": (
                (desc.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
                desc["ProvisionedThroughput"]["ReadCapacityUnits"],
                desc["ProvisionedThroughput"]["WriteCapacityUnits"],
            ),
        }

    before = aws_now()
    write_query(tf, None, name_prefix=prefix)
    tf.run("init", "-input=false", "-no-color").check()
    listed = found(tf)
    assert sorted(r["identity"]["name"] for r in listed) == sorted(
        [f"function-{function.name}", f"table-{table.name}"]
    ), listed
    fn_obj = next(r["resource_object"] for r in listed if r["identity"]["lambda_pools"])
    (pool,) = fn_obj["lambda_pools"].values()
    assert (pool["memory_size"], pool["timeout"], pool["reserved_concurrency"]) == (
        before["memory"],
        before["timeout"],
        before["reserved"],
    ), pool

    tf.run("query", "-no-color", f"-generate-config-out=generated.tf").check()
    applied = tf.apply(check=True)
    assert "2 imported, 0 added, 0 changed, 0 destroyed" in applied.output, applied.output
    assert aws_now() == before
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    tf.destroy(check=True)
    assert aws_now() == before
