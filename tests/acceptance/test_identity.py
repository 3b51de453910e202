"""Import by resource identity (``import { identity = { … } }``, Terraform ≥ 1.12)
through the real Terraform core.

What the import found is checked against what AWS reports through the Lambda API
(boto3): the import changes nothing in AWS, the plan after it has nothing to do,
and an update after it keeps working (the identity never changes, or Terraform
would fail the read with "Unexpected Identity Change").
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness import accounts
from harness import fixtures as fx
from harness.terraform import Terraform

from test_lambda import ADDRESS, ALIAS, config, settings

pytestmark = pytest.mark.acceptance


@pytest.fixture
def function(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> fx.LambdaFunction:
    """A function (memory 256, timeout 30) with alias prod on version 1, unique to the test."""
    return accounts.provision_function(sandbox, cleanup, accounts.unique_name(suffix, "fn"))


def import_block(fn: str, key: str = "main") -> str:
    return f"""
import {{
  to = {ADDRESS}
  identity = {{
    name         = "lambda-acc"
    lambda_pools = ["{fn}:{ALIAS}@{key}"]
  }}
}}
"""


def test_import_by_identity_plans_no_change(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    lam = sandbox.client("lambda")
    lam.update_function_configuration(FunctionName=function.name, MemorySize=384, Timeout=25)
    fx._wait_function_ready(lam, function.name)
    lam.put_function_concurrency(FunctionName=function.name, ReservedConcurrentExecutions=40)
    expected = settings(sandbox, function.name)

    tf.write_config(
        config(function.name, memory=384, timeout=25, reserved=40, provisioned=None, publish=None)
        + import_block(function.name)
    )
    imported = tf.apply(check=True)
    assert "1 imported, 0 added, 0 changed, 0 destroyed" in imported.output, imported.output
    # The import changed nothing in AWS, and nothing is left to do.
    assert settings(sandbox, function.name) == expected
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    pool = tf.resource(ADDRESS)["values"]["lambda_pools"]["main"]
    assert (pool["memory_size"], pool["timeout"], pool["reserved_concurrency"]) == (384, 25, 40), pool

    # The identity stays as it was through an update and the reads after it.
    tf.write_config(config(function.name, memory=384, timeout=25, reserved=60, provisioned=None, publish=None))
    tf.apply(check=True)
    assert settings(sandbox, function.name)["reserved"] == 60
    plan = tf.plan()
    assert not plan.changes, plan.result.output

    tf.destroy(check=True)
    assert settings(sandbox, function.name)["reserved"] == 40


def test_import_by_identity_refuses_a_missing_name(tf: Terraform, function: fx.LambdaFunction) -> None:
    tf.write_config(
        config(function.name, provisioned=None, publish=None)
        + f"""
import {{
  to = {ADDRESS}
  identity = {{
    lambda_pools = ["{function.name}@main"]
  }}
}}
"""
    )
    result = tf.plan_raw()
    assert result.rc != 0
    assert "name" in result.output, result.output


def test_a_created_profile_records_its_account_and_region(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    """The identity of a created profile names the account STS reports for the
    credentials and the provider's region, and keeps them through a later plan."""
    account = sandbox.client("sts").get_caller_identity()["Account"]
    tf.write_config(config(function.name, provisioned=None, publish=None))
    tf.apply(check=True)
    state = json.loads((tf.workdir / "terraform.tfstate").read_text())
    [instance] = [i for r in state["resources"] if r["type"] == "smuppy_scaling_profile" for i in r["instances"]]
    identity = instance.get("identity") or {}
    assert identity.get("account_id") == account, instance
    assert identity.get("region") == sandbox.region, instance
    assert identity.get("lambda_pools") == [f"{function.name}:{ALIAS}@main"], instance
    plan = tf.plan()
    assert not plan.changes, plan.result.output
