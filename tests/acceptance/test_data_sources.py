"""The provider's data sources in the real Terraform core, in a root module with no
``smuppy_scaling_profile``: what they report is compared with what the emulator's APIs
answer through boto3, not with figures the provider computed.

- ``smuppy_account_limits``: the API Gateway account throttle, Lambda's concurrent and
  unreserved executions, DynamoDB's capacity quotas and the Service Quotas values, each
  with the call it came from; a read that fails fails the plan naming the call and the
  IAM action.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.terraform import Terraform, provider_block, required_providers_block

pytestmark = pytest.mark.acceptance

DEAD = "http://127.0.0.1:1"

LIMITS = """
data "smuppy_account_limits" "this" {}

output "limits" {
  value = data.smuppy_account_limits.this
}
"""


def _outputs(tf: Terraform) -> dict[str, Any]:
    result = tf.run("output", "-json").check()
    return {k: v["value"] for k, v in json.loads(result.stdout).items()}


def test_account_limits_are_what_the_apis_report(sandbox: Any, tf: Terraform, suffix: str, cleanup: Any) -> None:
    accounts.require_emulator(sandbox, "setting reserved concurrency on a sandbox function")
    # A function reserves 150: the unreserved figure is the account's answer, not a default.
    function = fx.ensure_function(sandbox, f"smuppy-limits-{suffix}")
    lam = sandbox.client("lambda")
    lam.put_function_concurrency(FunctionName=function.name, ReservedConcurrentExecutions=150)
    cleanup.add(f"reserved concurrency of {function.name}", lambda: lam.delete_function_concurrency(FunctionName=function.name))

    tf.write_config(LIMITS)
    result = tf.apply()
    assert result.rc == 0, result.output
    got = _outputs(tf)["limits"]

    account = sandbox.client("apigateway").get_account()["throttleSettings"]
    settings = lam.get_account_settings()["AccountLimit"]
    ddb = sandbox.client("dynamodb").describe_limits()
    sq = sandbox.client("service-quotas")
    quotas = {
        f"{s}/{c}": sq.get_service_quota(ServiceCode=s, QuotaCode=c)["Quota"]["Value"]
        for s, c in [("apigateway", "L-8A5B8E43"), ("lambda", "L-B99A9384")]
    }

    assert got["region"] == sandbox.region
    assert got["api_gateway_throttle_rate_limit"] == account["rateLimit"]
    assert got["api_gateway_throttle_burst_limit"] == account["burstLimit"]
    assert got["lambda_concurrent_executions"] == settings["ConcurrentExecutions"]
    assert got["lambda_unreserved_concurrent_executions"] == settings["UnreservedConcurrentExecutions"]
    assert settings["UnreservedConcurrentExecutions"] <= settings["ConcurrentExecutions"] - 150
    assert got["dynamodb_account_max_read_capacity_units"] == ddb["AccountMaxReadCapacityUnits"]
    assert got["dynamodb_account_max_write_capacity_units"] == ddb["AccountMaxWriteCapacityUnits"]
    assert got["dynamodb_table_max_read_capacity_units"] == ddb["TableMaxReadCapacityUnits"]
    assert got["dynamodb_table_max_write_capacity_units"] == ddb["TableMaxWriteCapacityUnits"]
    assert got["service_quotas"] == quotas
    assert got["sources"]["api_gateway_throttle_rate_limit"] == "apigateway GetAccount"
    assert got["sources"]["lambda_unreserved_concurrent_executions"] == "lambda GetAccountSettings"
    assert got["sources"]["dynamodb_table_max_read_capacity_units"] == "dynamodb DescribeLimits"
    assert got["sources"]["service_quotas"].startswith("servicequotas GetServiceQuota")

    # Read again at each plan: the function's reservation released, the next plan sees it.
    lam.delete_function_concurrency(FunctionName=function.name)
    result = tf.apply()
    assert result.rc == 0, result.output
    after = lam.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]
    assert _outputs(tf)["limits"]["lambda_unreserved_concurrent_executions"] == after
    assert after == settings["UnreservedConcurrentExecutions"] + 150


def test_a_failed_read_fails_the_plan_naming_the_call_and_the_iam_action(sandbox: Any, tmp_path: Path) -> None:
    accounts.require_emulator(sandbox, "pointing DynamoDB at a dead endpoint")
    endpoints = dict(sandbox.provider_endpoints)
    endpoints["dynamodb"] = DEAD
    with Terraform(tmp_path / "tf", sandbox) as tf:
        tf.write_config(LIMITS, with_provider=False)
        (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + provider_block(endpoints))
        result = tf.plan_raw()
    assert result.rc == 1, result.output
    flat = " ".join(result.output.split())
    assert "Error: Cannot read the account's limits" in flat, result.output
    assert "dynamodb DescribeLimits" in flat, result.output
    assert "Reading it needs the IAM action dynamodb:DescribeLimits." in flat, result.output
    assert "provider internal error" not in flat


EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "examples" / "data-sources"


def test_the_documented_account_limits_example_runs(sandbox: Any, tf: Terraform) -> None:
    """The example embedded in docs/data-sources/account_limits.md, in the real core."""
    tf.write_config((EXAMPLES_DIR / "smuppy_account_limits" / "data-source.tf").read_text())
    result = tf.apply()
    assert result.rc == 0, result.output
    out = _outputs(tf)
    lam = sandbox.client("lambda").get_account_settings()["AccountLimit"]
    assert out["lambda_unreserved"] == lam["UnreservedConcurrentExecutions"]
    quota = sandbox.client("service-quotas").get_service_quota(ServiceCode="lambda", QuotaCode="L-B99A9384")
    assert out["lambda_concurrency_quota"] == quota["Quota"]["Value"]
    # 8,000 rps is under the account throttle: the check passes.
    assert "Check block assertion failed" not in result.output, result.output

    rate = sandbox.client("apigateway").get_account()["throttleSettings"]["rateLimit"]
    warned = tf.apply("-var", f"peak_origin_rps={int(rate) + 1}")
    assert warned.rc == 0, warned.output
    flat = " ".join(warned.output.split())
    assert "Check block assertion failed" in flat, warned.output
    assert f"{int(rate) + 1} rps is above the account throttle of {rate:g} rps (apigateway GetAccount)" in flat, warned.output
