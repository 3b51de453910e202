"""smuppy_scaling_profile's lambda_pools through the real Terraform core.

Every check of what changed reads the function back through the Lambda API (boto3),
never through state: memory and timeout of ``$LATEST``, reserved concurrency, the
alias ``prod`` (the version it points to and that version's memory) and the
provisioned concurrency on it (requested, status READY). Runs against the sandbox,
or against a real account with SMUPPY_ACCEPTANCE_AWS=1 (see tests/acceptance/README.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import accounts, plans
from harness import fixtures as fx
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

ADDRESS = "smuppy_scaling_profile.fn"
ALIAS = fx.DEFAULT_ALIAS


@pytest.fixture
def function(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> fx.LambdaFunction:
    """A function (memory 256, timeout 30) with alias prod on version 1, unique to the test."""
    return accounts.provision_function(sandbox, cleanup, accounts.unique_name(suffix, "fn"))


def settings(sb: Any, name: str, alias: str = ALIAS) -> dict[str, Any]:
    """What AWS reports for the function, its alias and the alias's provisioned concurrency."""
    lam = sb.client("lambda")
    latest = lam.get_function_configuration(FunctionName=name)
    reserved = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
    version = lam.get_alias(FunctionName=name, Name=alias)["FunctionVersion"]
    published = lam.get_function_configuration(FunctionName=name, Qualifier=version)
    try:
        pc = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=alias)
        provisioned: tuple[int, str] | None = (
            int(pc["RequestedProvisionedConcurrentExecutions"]),
            str(pc["Status"]),
        )
    except ClientError as err:
        if err.response["Error"]["Code"] not in ("ProvisionedConcurrencyConfigNotFoundException", "ResourceNotFoundException"):
            raise
        provisioned = None
    return {
        "memory": latest["MemorySize"],
        "timeout": latest["Timeout"],
        "reserved": reserved,
        "alias_version": version,
        "alias_memory": published["MemorySize"],
        "alias_timeout": published["Timeout"],
        "provisioned": provisioned,
    }


def config(
    fn: str,
    *,
    memory: int | None = 512,
    timeout: int | None = 20,
    reserved: int | None = 50,
    provisioned: int | None = 10,
    publish: bool | None = True,
    qualifier: str = ALIAS,
) -> str:
    lines = [f'    function_name = "{fn}"', f'    qualifier     = "{qualifier}"']
    for key, value in (
        ("reserved_concurrency", reserved),
        ("provisioned_concurrency", provisioned),
        ("memory_size", memory),
        ("timeout", timeout),
    ):
        if value is not None:
            lines.append(f"    {key} = {value}")
    if publish is not None:
        lines.append(f"    publish_on_change = {str(publish).lower()}")
    body = "\n".join(lines)
    return f"""
resource "smuppy_scaling_profile" "fn" {{
  name = "lambda-acc"

  lambda_pools = {{
    main = {{
{body}
    }}
  }}
}}
"""


def assert_restored(sb: Any, fn: fx.LambdaFunction, before: dict[str, Any]) -> None:
    after = settings(sb, fn.name)
    assert after == before, f"destroy did not restore the function: before {before}, after {after}"


def test_lambda_basic(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    before = settings(sandbox, function.name)
    assert before["provisioned"] is None and before["reserved"] is None, before

    tf.write_config(config(function.name))
    assert tf.plan().changes
    tf.apply(check=True)

    now = settings(sandbox, function.name)
    assert (now["memory"], now["timeout"], now["reserved"]) == (512, 20, 50), now
    assert now["provisioned"] == (10, "READY"), now
    # publish_on_change: the alias moved to a version carrying the new settings.
    assert now["alias_version"] != before["alias_version"], now
    assert (now["alias_memory"], now["alias_timeout"]) == (512, 20), now
    state = tf.resource(ADDRESS)["values"]["lambda_pools"]["main"]
    assert state["provisioned_status"] == "READY"
    assert state["qualifier_version"] == now["alias_version"]

    replan = tf.plan()
    assert not replan.changes, replan.result.output

    tf.destroy(check=True)
    assert_restored(sandbox, function, before)


def test_lambda_update(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    before = settings(sandbox, function.name)
    tf.write_config(config(function.name))
    tf.apply(check=True)
    first = settings(sandbox, function.name)

    tf.write_config(config(function.name, memory=1024, reserved=60, provisioned=20))
    plan = tf.plan()
    out = plan.result.output
    assert plan.changes
    assert "update in-place" in out and "must be replaced" not in out, out
    assert plans.summary(out) == (0, 1, 0), out
    changed = plans.managed_changes(out)
    assert changed == {
        "memory_size": ("512", "1024"),
        "reserved_concurrency": ("50", "60"),
        "provisioned_concurrency": ("10", "20"),
    }, changed

    tf.apply(check=True)
    now = settings(sandbox, function.name)
    assert (now["memory"], now["timeout"], now["reserved"]) == (1024, 20, 60), now
    # A new version with the new memory, and the alias on it, with PC READY there.
    assert int(now["alias_version"]) > int(first["alias_version"]), (first, now)
    assert now["alias_memory"] == 1024, now
    assert now["provisioned"] == (20, "READY"), now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert_restored(sandbox, function, before)


def test_lambda_without_publish_warns_that_the_alias_keeps_old_settings(
    tf: Terraform, sandbox: Any, function: fx.LambdaFunction
) -> None:
    before = settings(sandbox, function.name)
    tf.write_config(config(function.name, memory=640, timeout=None, publish=False))
    plan = tf.plan()
    out = plans.flat(plan.result.output)
    assert f'memory_size will not reach alias "{ALIAS}"' in out, plan.result.output
    assert "keeps serving its published version with the old setting" in out, plan.result.output

    tf.apply(check=True)
    now = settings(sandbox, function.name)
    assert now["memory"] == 640, now
    # The alias still serves the old version, with the old memory.
    assert now["alias_version"] == before["alias_version"], now
    assert now["alias_memory"] == before["memory"], now
    assert now["provisioned"] == (10, "READY"), now

    tf.destroy(check=True)
    assert_restored(sandbox, function, before)


def test_lambda_drift(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    before = settings(sandbox, function.name)
    tf.write_config(config(function.name))
    tf.apply(check=True)

    lam = sandbox.client("lambda")
    lam.put_function_concurrency(FunctionName=function.name, ReservedConcurrentExecutions=77)
    drift = tf.plan()
    assert drift.changes
    assert plans.managed_changes(drift.result.output) == {"reserved_concurrency": ("77", "50")}, drift.result.output
    tf.apply(check=True)
    assert settings(sandbox, function.name)["reserved"] == 50

    # Memory changed out of band on $LATEST.
    lam.update_function_configuration(FunctionName=function.name, MemorySize=896)
    fx._wait_function_ready(lam, function.name)
    drift = tf.plan()
    assert plans.managed_changes(drift.result.output) == {"memory_size": ("896", "512")}, drift.result.output
    tf.apply(check=True)
    now = settings(sandbox, function.name)
    assert now["memory"] == 512 and now["alias_memory"] == 512 and now["provisioned"] == (10, "READY"), now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert_restored(sandbox, function, before)


def test_lambda_import(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    lam = sandbox.client("lambda")
    lam.update_function_configuration(FunctionName=function.name, MemorySize=384, Timeout=25)
    fx._wait_function_ready(lam, function.name)
    version = lam.publish_version(FunctionName=function.name)["Version"]
    lam.update_alias(FunctionName=function.name, Name=ALIAS, FunctionVersion=version)
    lam.put_function_concurrency(FunctionName=function.name, ReservedConcurrentExecutions=40)
    lam.put_provisioned_concurrency_config(
        FunctionName=function.name, Qualifier=ALIAS, ProvisionedConcurrentExecutions=5
    )
    assert fx.wait_provisioned_concurrency(sandbox, function.name, ALIAS) == "READY"
    expected = settings(sandbox, function.name)

    tf.write_config(config(function.name, memory=384, timeout=25, reserved=40, provisioned=5, publish=None))
    # The configuration keys the pool "main": the ID says so with @main.
    tf.import_(ADDRESS, f"name=lambda-acc;lambda={function.name}:{ALIAS}@main", check=True)
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    state = tf.resource(ADDRESS)["values"]["lambda_pools"]["main"]
    assert (state["memory_size"], state["timeout"], state["reserved_concurrency"]) == (384, 25, 40), state
    assert state["provisioned_concurrency"] == 5 and state["qualifier_version"] == version, state
    # Import changed nothing in AWS.
    assert settings(sandbox, function.name) == expected


def test_lambda_settings_disappear(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    """Reserved and provisioned concurrency removed out of band come back on apply."""
    before = settings(sandbox, function.name)
    tf.write_config(config(function.name))
    tf.apply(check=True)

    lam = sandbox.client("lambda")
    lam.delete_provisioned_concurrency_config(FunctionName=function.name, Qualifier=ALIAS)
    lam.delete_function_concurrency(FunctionName=function.name)
    plan = tf.plan()
    changed = plans.managed_changes(plan.result.output)
    assert set(changed) == {"reserved_concurrency", "provisioned_concurrency"}, plan.result.output
    assert changed["reserved_concurrency"][1] == "50" and changed["provisioned_concurrency"][1] == "10", changed

    tf.apply(check=True)
    now = settings(sandbox, function.name)
    assert now["reserved"] == 50 and now["provisioned"] == (10, "READY"), now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert_restored(sandbox, function, before)


def test_lambda_function_disappears(tf: Terraform, sandbox: Any, function: fx.LambdaFunction) -> None:
    """The function deleted out of band: the plan says the block's function is gone,
    apply fails naming it, and destroy still completes."""
    tf.write_config(config(function.name))
    tf.apply(check=True)

    sandbox.client("lambda").delete_function(FunctionName=function.name)
    result = tf.apply()
    out = plans.flat(result.output)
    assert result.rc != 0, result.output
    assert function.name in out and "does not exist" in out, result.output
    tf.destroy(check=True)
    assert tf.state_list() == []


def test_lambda_latest_rejected_at_validate(tf: Terraform) -> None:
    tf.write_config(config("any-function", qualifier="$LATEST"))
    result = tf.run("validate", "-no-color")
    assert result.rc == 1, result.output
    out = plans.flat(result.output)
    assert "$LATEST" in out and "qualifier" in out, result.output
