"""Answers only the strict sandbox gives (AWS gives them too; the bare emulators do not),
through the real Terraform core, every outcome read back through boto3:

- provisioned concurrency that ends FAILED: the apply fails at the lambda block with AWS's
  StatusReason;
- a table still UPDATING when the apply starts: the provider waits for ACTIVE, no
  ResourceInUseException reaches the user;
- a stage write AWS acknowledges but does not apply: the read-back names the setting.

Skipped against the lenient emulators and a real account (the strict layer's controls
make these answers happen).
"""

from __future__ import annotations

from typing import Any

import pytest

from harness import accounts, plans
from harness import fixtures as fx
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

ADDRESS = "smuppy_scaling_profile.strict"


@pytest.fixture
def strict(sandbox: Any) -> Any:
    accounts.require_emulator(sandbox, "the answers are made by the strict layer's test controls")
    if not sandbox.strict:
        pytest.skip("needs the strict layer (SMUPPY_SANDBOX_LENIENT is set)")
    return sandbox


def profile(body: str) -> str:
    return f'resource "smuppy_scaling_profile" "strict" {{\n  name = "strict-acc"\n{body}}}\n'


def test_failed_provisioned_concurrency_names_the_lambda_block_and_aws_reason(
    strict: Any, scenario: fx.Scenario, tf: Terraform
) -> None:
    fn = scenario.function
    reason = "FUNCTION_ERROR_INIT_FAILURE: the init code raised"
    strict.fail_next_provisioned_concurrency(fn.name, reason)
    tf.write_config(
        profile(
            f"""
  lambda_pools = {{
    "{fn.name}" = {{
      function_name           = "{fn.name}"
      qualifier               = "{fn.alias}"
      reserved_concurrency    = 20
      provisioned_concurrency = 5
    }}
  }}
"""
        )
    )
    result = tf.apply()
    out = plans.flat(result.output)
    assert result.rc == 1, result.output
    assert plans.errors(result.output) == ["provisioned concurrency is not READY"], result.output
    assert reason in out and "FAILED" in out, result.output
    assert "provisioned_concurrency" in out, result.output
    lam = strict.client("lambda")
    got = lam.get_provisioned_concurrency_config(FunctionName=fn.name, Qualifier=fn.alias)
    assert (got["Status"], got["StatusReason"]) == ("FAILED", reason), got
    # The rest of the block is applied and kept.
    assert lam.get_function_concurrency(FunctionName=fn.name).get("ReservedConcurrentExecutions") == 20
    assert tf.state_list() == [ADDRESS]


def test_table_updating_when_apply_starts_is_waited_for(strict: Any, scenario: fx.Scenario, tf: Terraform) -> None:
    table = scenario.table.name
    ddb = strict.client("dynamodb")
    strict.set_strict_profile(table_update=3.0)
    try:
        # Someone else's UpdateTable, through the strict layer: UPDATING for 3 s.
        ddb.update_table(TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 5})
        assert ddb.describe_table(TableName=table)["Table"]["TableStatus"] == "UPDATING"
        since = strict.strict_log_size()
        tf.write_config(
            profile(
                f"""
  dynamodb_tables = {{
    "{table}" = {{
      table_name     = "{table}"
      billing_mode   = "PROVISIONED"
      read_capacity  = 12
      write_capacity = 7
    }}
  }}
"""
            )
        )
        result = tf.apply()
    finally:
        strict.set_strict_profile(table_update=0.3)
    assert result.rc == 0, result.output
    assert "ResourceInUseException" not in result.output
    refused = [e for e in strict.strict_requests(since) if e.get("refused")]
    assert refused == [], refused
    desc = ddb.describe_table(TableName=table)["Table"]
    tp = desc["ProvisionedThroughput"]
    assert (tp["ReadCapacityUnits"], tp["WriteCapacityUnits"]) == (12, 7), desc
    second = tf.plan()
    assert not second.changes, second.result.output


def test_stage_write_acknowledged_but_not_applied_is_an_error_naming_the_setting(
    strict: Any, scenario: fx.Scenario, tf: Terraform
) -> None:
    api = scenario.api
    before = fx.stage_method_settings(strict, api.api_id, api.stage_name)
    strict.acknowledge_next_unapplied("apigateway", "UpdateStage")
    tf.write_config(
        profile(
            f"""
  api_gateway = {{
    rest_api_id = "{api.api_id}"
    stage_name  = "{api.stage_name}"
    rate_limit  = 700
    burst_limit = 350
  }}
"""
        )
    )
    since = strict.strict_log_size()
    result = tf.apply()
    out = plans.flat(result.output)
    assert result.rc == 1, result.output
    assert plans.errors(result.output) == ["the stage throttle was not applied"], result.output
    assert "throttlingRateLimit (rate_limit) reads" in out and "expected 700" in out, result.output
    updates = [e for e in strict.strict_requests(since) if e.get("operation") == "UpdateStage"]
    assert [e.get("unapplied", False) for e in updates] == [True], updates
    # AWS still has what it had: the write never reached it.
    assert fx.stage_method_settings(strict, api.api_id, api.stage_name) == before
    # The next apply writes again and converges.
    tf.apply(check=True)
    throttle = fx.stage_method_settings(strict, api.api_id, api.stage_name)["*/*"]
    assert (throttle["throttlingRateLimit"], throttle["throttlingBurstLimit"]) == (700.0, 350), throttle


def test_the_delete_timeout_bounds_what_destroy_waits_for(strict: Any, scenario: fx.Scenario, tf: Terraform) -> None:
    """timeouts.delete is what destroy waits for a table AWS has UPDATING,
    not the default 900 s (nor until the table is ACTIVE)."""
    import time

    table = scenario.table.name
    ddb = strict.client("dynamodb")
    before = ddb.describe_table(TableName=table)["Table"]["ProvisionedThroughput"]
    tf.write_config(
        profile(
            f"""
  dynamodb_tables = {{
    "{table}" = {{
      table_name     = "{table}"
      billing_mode   = "PROVISIONED"
      read_capacity  = 12
      write_capacity = 7
    }}
  }}
  timeouts {{
    delete = "2s"
  }}
"""
        )
    )
    tf.apply(check=True)
    strict.set_strict_profile(table_update=40.0)
    try:
        # Someone else's UpdateTable: UPDATING for 40 s, longer than the 2 s destroy may wait.
        ddb.update_table(TableName=table, ProvisionedThroughput={"ReadCapacityUnits": 13, "WriteCapacityUnits": 7})
        started = time.monotonic()
        result = tf.destroy()
        took = time.monotonic() - started
    finally:
        strict.set_strict_profile(table_update=0.3)
    assert result.rc == 1, result.output
    assert took < 30, (took, result.output)
    assert "table still updating" in result.output and f"table {table} not ACTIVE within 2 s" in plans.flat(result.output), result.output
    # What could not be restored stays in state; once the table is ACTIVE again
    # a second destroy restores it.
    assert tf.state_list() == [ADDRESS]
    deadline = time.monotonic() + 60
    while ddb.describe_table(TableName=table)["Table"]["TableStatus"] != "ACTIVE" and time.monotonic() < deadline:
        time.sleep(1)
    tf.destroy(check=True)
    after = ddb.describe_table(TableName=table)["Table"]["ProvisionedThroughput"]
    assert (after["ReadCapacityUnits"], after["WriteCapacityUnits"]) == (
        before["ReadCapacityUnits"],
        before["WriteCapacityUnits"],
    ), after
