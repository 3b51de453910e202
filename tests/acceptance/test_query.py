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


def query_file(rest_api_id: str | None, *, include: bool = True) -> str:
    config = f'    rest_api_id = "{rest_api_id}"\n' if rest_api_id is not None else ""
    return f"""
list "smuppy_scaling_profile" "stages" {{
  provider         = smuppy
  include_resource = {str(include).lower()}
  config {{
{config}  }}
}}
"""


def write_query(tf: Terraform, rest_api_id: str | None, *, include: bool = True) -> None:
    tf.write_config("# no resources: the query file holds the list block\n")
    (tf.workdir / "main.tfquery.hcl").write_text(query_file(rest_api_id, include=include))


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

    # Without a filter: every stage of every REST API of the account.
    write_query(tf, None, include=False)
    listed = found(tf)
    assert sorted(r["identity"]["api_gateway"] for r in listed) == sorted(aws_stages(sandbox))
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
