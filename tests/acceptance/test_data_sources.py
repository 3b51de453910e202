"""The provider's data sources in the real Terraform core, in a root module with no
``smuppy_scaling_profile``: what they report is compared with what the emulator's APIs
answer through boto3, not with figures the provider computed.

- ``smuppy_account_limits``: the API Gateway account throttle, Lambda's concurrent and
  unreserved executions, DynamoDB's capacity quotas and the Service Quotas values, each
  with the call it came from; a read that fails fails the plan naming the call and the
  IAM action.
- ``smuppy_capacity``: a traffic model and the ids of a stage, a function with its alias
  and a table → their settings as the APIs report them and the resource's analysis; in a
  ``check {}`` block its headroom below 1 warns with the finding (Terraform reports check
  failures as warnings), raised through the API it passes; in a ``postcondition`` it fails
  the plan; a stage, function, alias or table that does not exist is an error on its
  attribute.
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


PEAK_RPS = 2000


def capacity_tf(sc: Any, *, table: str | None = None, function: str | None = None, alias: str | None = None, stage: str | None = None) -> str:
    return f"""
variable "enforce" {{
  type    = bool
  default = false
}}

data "smuppy_capacity" "api" {{
  traffic          = {{ peak_rps = {PEAK_RPS}, latency_ms = 50, cache_hit_ratio = 0 }}
  api_gateway      = {{ rest_api_id = "{sc.api.api_id}", stage_name = "{stage or sc.api.stage_name}" }}
  lambda_functions = {{ api = {{ function_name = "{function or sc.function.name}", qualifier = "{alias or sc.function.alias}" }} }}
  dynamodb_tables  = {{ feeds = {{ table_name = "{table or sc.table.name}" }} }}

  lifecycle {{
    postcondition {{
      condition     = !var.enforce || self.headroom >= 1
      error_message = "headroom ${{self.headroom}} is below 1: ${{self.bottleneck}}"
    }}
  }}
}}

locals {{
  errors = [for f in data.smuppy_capacity.api.findings : "${{f.rule_id}} at ${{f.location}}: ${{f.message}}" if f.severity == "error"]
}}

check "headroom" {{
  assert {{
    condition     = data.smuppy_capacity.api.headroom >= 1
    error_message = "headroom ${{data.smuppy_capacity.api.headroom}} is below 1; ${{join("; ", local.errors)}}"
  }}
}}

output "capacity" {{
  value = data.smuppy_capacity.api
}}
"""


def set_stage_throttle(sandbox: Any, api: Any, rate: int, burst: int) -> None:
    sandbox.client("apigateway").update_stage(
        restApiId=api.api_id,
        stageName=api.stage_name,
        patchOperations=[
            {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": str(rate)},
            {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": str(burst)},
        ],
    )


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


def test_capacity_check_warns_below_headroom_1_and_passes_when_raised(sandbox: Any, tf: Terraform, suffix: str) -> None:
    accounts.require_emulator(sandbox, "throttling a sandbox stage through the API")
    sc = fx.ensure_scenario(sandbox, suffix, billing_mode="PAY_PER_REQUEST")
    tf.write_config(capacity_tf(sc))

    # Throttled low through the API: the stage lets 100 rps through, against 2,000.
    set_stage_throttle(sandbox, sc.api, 100, 50)
    warned = tf.apply()
    assert warned.rc == 0, warned.output
    flat = " ".join(warned.output.split())
    assert "Check block assertion failed" in flat, warned.output
    got = _outputs(tf)["capacity"]

    stage = fx.stage_method_settings(sandbox, sc.api.api_id, sc.api.stage_name)["*/*"]
    assert got["api_gateway"]["rate_limit"] == stage["throttlingRateLimit"] == 100
    assert got["api_gateway"]["burst_limit"] == stage["throttlingBurstLimit"] == 50
    conf = sandbox.client("lambda").get_function_configuration(FunctionName=sc.function.name)
    pool = got["lambda_functions"]["api"]
    assert pool["memory_size"] == conf["MemorySize"] and pool["timeout"] == conf["Timeout"]
    alias = sandbox.client("lambda").get_alias(FunctionName=sc.function.name, Name=sc.function.alias)
    assert pool["qualifier_version"] == alias["FunctionVersion"]
    table = sandbox.client("dynamodb").describe_table(TableName=sc.table.name)["Table"]
    assert got["dynamodb_tables"]["feeds"]["billing_mode"] == table["BillingModeSummary"]["BillingMode"]

    # The stage is the narrowest link: its rate over the target.
    assert got["max_sustainable_rps"] == 100
    assert got["headroom"] == pytest.approx(100 / PEAK_RPS)
    assert got["bottleneck"].startswith("API Gateway"), got["bottleneck"]
    cap004 = [f for f in got["findings"] if f["rule_id"] == "CAP004"]
    assert cap004 and cap004[0]["severity"] == "error" and cap004[0]["location"] == "api_gateway.rate_limit", got["findings"]
    # The check's warning carries the finding's text, as the core prints it.
    assert f"headroom {100 / PEAK_RPS:g} is below 1" in flat, warned.output
    assert "CAP004 at api_gateway.rate_limit: " + " ".join(cap004[0]["message"].split()) in flat, warned.output

    # Raised through the API: the next plan reads it and the check passes.
    set_stage_throttle(sandbox, sc.api, 5000, 2500)
    passed = tf.apply()
    assert passed.rc == 0, passed.output
    assert "Check block assertion failed" not in passed.output, passed.output
    got = _outputs(tf)["capacity"]
    assert got["api_gateway"]["rate_limit"] == 5000
    assert got["headroom"] >= 1
    assert not [f for f in got["findings"] if f["rule_id"] == "CAP004"], got["findings"]


def test_capacity_postcondition_fails_the_plan(sandbox: Any, tf: Terraform, suffix: str) -> None:
    accounts.require_emulator(sandbox, "throttling a sandbox stage through the API")
    sc = fx.ensure_scenario(sandbox, suffix, billing_mode="PAY_PER_REQUEST")
    tf.write_config(capacity_tf(sc))
    set_stage_throttle(sandbox, sc.api, 100, 50)
    failed = tf.plan_raw("-var", "enforce=true")
    assert failed.rc == 1, failed.output
    flat = " ".join(failed.output.split())
    assert "Error: Resource postcondition failed" in flat, failed.output
    assert f"headroom {100 / PEAK_RPS:g} is below 1: API Gateway" in flat, failed.output


@pytest.mark.parametrize(
    ("part", "summary", "attribute"),
    [
        ("stage", "Stage not found", "stage_name"),
        ("function", "Function not found", "function_name"),
        ("alias", "Alias not found", "qualifier"),
        ("table", "Table not found", "table_name"),
    ],
)
def test_capacity_of_something_missing_is_an_error_on_its_attribute(
    sandbox: Any, tf: Terraform, suffix: str, part: str, summary: str, attribute: str
) -> None:
    accounts.require_emulator(sandbox, "the sandbox's scenario fixtures")
    sc = fx.ensure_scenario(sandbox, suffix, billing_mode="PAY_PER_REQUEST")
    missing = f"smuppy-missing-{suffix}"
    tf.write_config(capacity_tf(sc, **{part: missing}))
    # -json: each diagnostic with the source range Terraform resolved its attribute path to.
    rc, out, err = tf.run("plan", "-json", "-input=false")
    assert rc == 1, out + err
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    errors = [e["diagnostic"] for e in events if e.get("type") == "diagnostic" and e["diagnostic"]["severity"] == "error"]
    assert [d["summary"] for d in errors] == [summary], errors
    (d,) = errors
    assert f'"{missing}"' in d["detail"], d
    # The range is the attribute at fault: its value, inside the object that holds it.
    snippet = d["snippet"]
    highlighted = snippet["code"][snippet["highlight_start_offset"] : snippet["highlight_end_offset"]]
    assert highlighted == f'"{missing}"', (attribute, snippet)
    assert f'{attribute} = "{missing}"' in snippet["code"], snippet


def test_the_documented_capacity_example_runs(sandbox: Any, tf: Terraform) -> None:
    """The example embedded in docs/data-sources/capacity.md, against the runbook's own
    stage, function and table (the sandbox's default scenario)."""
    accounts.require_emulator(sandbox, "the runbook's pinned API id")
    sc = fx.ensure_scenario(sandbox)
    tf.write_config((EXAMPLES_DIR / "smuppy_capacity" / "data-source.tf").read_text())
    result = tf.apply("-var", f"rest_api_id={sc.api.api_id}")
    assert result.rc == 0, result.output
    out = _outputs(tf)
    stage = fx.stage_method_settings(sandbox, sc.api.api_id, sc.api.stage_name).get("*/*", {})
    # A null output (a stage without a stage-wide throttle) is left out of `output -json`.
    assert out.get("stage_rate_limit") == stage.get("throttlingRateLimit"), (out, stage)
    assert out["monthly_cost"] > 0


@pytest.mark.parametrize(
    ("traffic", "lambda_functions", "summary", "highlighted"),
    [
        ("{ peak_rps = 1000, cache_hit_ratio = 1.5 }", '{ api = { function_name = "smuppy-api-handler" } }', "cache_hit_ratio", "1.5"),
        ("{ peak_rps = 1000 }", '{ api = { function_name = "has spaces" } }', "function_name", '"has spaces"'),
    ],
)
def test_capacity_bad_input_fails_validate_on_the_attribute(
    sandbox: Any, tf: Terraform, traffic: str, lambda_functions: str, summary: str, highlighted: str
) -> None:
    tf.write_config(
        f'data "smuppy_capacity" "x" {{\n  traffic = {traffic}\n  lambda_functions = {lambda_functions}\n}}\n'
    )
    tf.run("init", "-input=false").check()
    rc, out, err = tf.run("validate", "-json")
    assert rc == 1, out + err
    doc = json.loads(out)
    errors = [d for d in doc["diagnostics"] if d["severity"] == "error"]
    assert len(errors) == 1, errors
    (d,) = errors
    assert summary in d["summary"] + d["detail"], d
    snippet = d["snippet"]
    assert snippet["code"][snippet["highlight_start_offset"] : snippet["highlight_end_offset"]] == highlighted, d
    assert "provider internal error" not in json.dumps(doc)


def test_capacity_with_ids_known_only_at_apply_is_read_at_apply(sandbox: Any, tf: Terraform, suffix: str) -> None:
    """Validate gets the unknown stage name; Terraform reads the data source once it is
    known, during apply."""
    accounts.require_emulator(sandbox, "the sandbox's scenario fixtures")
    sc = fx.ensure_scenario(sandbox, suffix, billing_mode="PAY_PER_REQUEST")
    tf.write_config(
        f"""
resource "terraform_data" "stage" {{
  input = "{sc.api.stage_name}"
}}

data "smuppy_capacity" "api" {{
  traffic     = {{ peak_rps = 100, latency_ms = 50 }}
  api_gateway = {{ rest_api_id = "{sc.api.api_id}", stage_name = terraform_data.stage.output }}
}}

output "bottleneck" {{
  value = data.smuppy_capacity.api.bottleneck
}}
"""
    )
    plan = tf.plan_raw()
    assert plan.rc == 0, plan.output
    assert "(known after apply)" in plan.output, plan.output
    applied = tf.apply()
    assert applied.rc == 0, applied.output
    assert _outputs(tf)["bottleneck"].startswith("API Gateway"), applied.output


def test_functions_and_both_data_sources_in_one_root_without_a_profile(sandbox: Any, tf: Terraform, suffix: str) -> None:
    """The engine inside a configuration that manages nothing with this provider: the
    functions' arithmetic checked against the account's limits and the stack's capacity,
    each compared with what the APIs report (boto3) and with the arithmetic done here."""
    accounts.require_emulator(sandbox, "throttling a sandbox stage through the API")
    sc = fx.ensure_scenario(sandbox, suffix, billing_mode="PAY_PER_REQUEST")
    set_stage_throttle(sandbox, sc.api, 5000, 2500)
    tf.write_config(
        capacity_tf(sc)
        + LIMITS
        + f"""
locals {{
  origin = provider::smuppy::origin_rps({PEAK_RPS}, 0.25)
  needed = provider::smuppy::required_concurrency({PEAK_RPS}, 50, 0.25)
}}

check "concurrency" {{
  assert {{
    condition     = local.needed <= data.smuppy_account_limits.this.lambda_unreserved_concurrent_executions
    error_message = "${{local.needed}} concurrent executions needed, the account leaves ${{data.smuppy_account_limits.this.lambda_unreserved_concurrent_executions}}"
  }}
}}

output "origin" {{
  value = local.origin
}}

output "needed" {{
  value = local.needed
}}

output "stage_share" {{
  value = local.origin / data.smuppy_capacity.api.api_gateway.rate_limit
}}
"""
    )
    result = tf.apply()
    assert result.rc == 0, result.output
    assert "Check block assertion failed" not in result.output, result.output
    out = _outputs(tf)
    # 2,000 rps with a quarter served by the cache: 1,500 reach the origin, and at
    # 50 ms each 1,500 × 0.05 = 75 run at once.
    assert out["origin"] == 1500
    assert out["needed"] == 75
    account = sandbox.client("lambda").get_account_settings()["AccountLimit"]
    assert out["limits"]["lambda_unreserved_concurrent_executions"] == account["UnreservedConcurrentExecutions"]
    stage = fx.stage_method_settings(sandbox, sc.api.api_id, sc.api.stage_name)["*/*"]
    assert out["stage_share"] == pytest.approx(1500 / stage["throttlingRateLimit"])
    assert out["capacity"]["headroom"] >= 1, out["capacity"]
