"""smuppy_scaling_profile's dynamodb_tables through the real Terraform core.

Checks read the table through DynamoDB DescribeTable and its auto scaling through
Application Auto Scaling's DescribeScalableTargets and DescribeScalingPolicies,
never through state.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness import accounts, plans
from harness import fixtures as fx
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

ADDRESS = "smuppy_scaling_profile.tables"
READ = "dynamodb:table:ReadCapacityUnits"
WRITE = "dynamodb:table:WriteCapacityUnits"


@pytest.fixture
def table(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> fx.Table:
    """A PROVISIONED 5/5 table unique to the test."""
    return accounts.provision_table(sandbox, cleanup, accounts.unique_name(suffix, "table"))


@pytest.fixture
def on_demand_table(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> fx.Table:
    return accounts.provision_table(
        sandbox, cleanup, accounts.unique_name(suffix, "ondemand"), billing_mode="PAY_PER_REQUEST"
    )


def settings(sb: Any, name: str) -> dict[str, Any]:
    """Billing mode, throughput, scalable targets and scaling policies as AWS reports them."""
    desc = sb.client("dynamodb").describe_table(TableName=name)["Table"]
    mode = desc.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    tp = desc.get("ProvisionedThroughput", {})
    aas = sb.client("application-autoscaling")
    rid = f"table/{name}"
    targets = {
        t["ScalableDimension"]: (t["MinCapacity"], t["MaxCapacity"])
        for t in aas.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=[rid])["ScalableTargets"]
    }
    policies = {}
    for p in aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=rid)["ScalingPolicies"]:
        conf = p.get("TargetTrackingScalingPolicyConfiguration", {})
        policies[p["ScalableDimension"]] = (
            p["PolicyType"],
            conf.get("TargetValue"),
            conf.get("ScaleInCooldown"),
            conf.get("ScaleOutCooldown"),
            conf.get("PredefinedMetricSpecification", {}).get("PredefinedMetricType"),
        )
    # On-demand tables report 0/0 throughput; only a provisioned table's units matter.
    units = (tp.get("ReadCapacityUnits"), tp.get("WriteCapacityUnits")) if mode == "PROVISIONED" else None
    return {"mode": mode, "units": units, "targets": targets, "policies": policies}


def scaling_block(dim: str, lo: int, hi: int, target: int | None = None, cooldown: int | None = None) -> str:
    lines = [f"        min_capacity = {lo}", f"        max_capacity = {hi}"]
    if target is not None:
        lines.append(f"        target_utilization = {target}")
    if cooldown is not None:
        lines.append(f"        scale_in_cooldown  = {cooldown}")
        lines.append(f"        scale_out_cooldown = {cooldown}")
    body = "\n".join(lines)
    return f"      {dim} = {{\n{body}\n      }}\n"


def config(
    table: str,
    mode: str = "PROVISIONED",
    *,
    read: int | None = None,
    write: int | None = None,
    read_scaling: tuple[int, int, int] | None = (10, 100, 70),
    write_scaling: tuple[int, int, int] | None = (10, 50, 50),
) -> str:
    lines = [f'    table_name   = "{table}"', f'    billing_mode = "{mode}"']
    if mode == "PROVISIONED":
        if read is not None:
            lines.append(f"    read_capacity  = {read}")
        if write is not None:
            lines.append(f"    write_capacity = {write}")
        blocks = ""
        if read_scaling:
            blocks += scaling_block("read", *read_scaling, cooldown=60)
        if write_scaling:
            blocks += scaling_block("write", *write_scaling)
        if blocks:
            lines.append("    autoscaling = {\n" + blocks + "    }")
    body = "\n".join(lines)
    return f"""
resource "smuppy_scaling_profile" "tables" {{
  name = "dynamodb-acc"

  dynamodb_tables = {{
    main = {{
{body}
    }}
  }}
}}
"""


def test_dynamodb_basic(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    before = settings(sandbox, table.name)
    assert before == {"mode": "PROVISIONED", "units": (5, 5), "targets": {}, "policies": {}}, before

    tf.write_config(config(table.name))
    tf.apply(check=True)
    now = settings(sandbox, table.name)
    assert now["mode"] == "PROVISIONED", now
    assert now["targets"] == {READ: (10, 100), WRITE: (10, 50)}, now
    assert now["policies"][READ] == ("TargetTrackingScaling", 70.0, 60, 60, "DynamoDBReadCapacityUtilization"), now
    assert now["policies"][WRITE][:2] == ("TargetTrackingScaling", 50.0), now
    assert now["policies"][WRITE][4] == "DynamoDBWriteCapacityUtilization", now

    replan = tf.plan()
    assert not replan.changes, replan.result.output

    tf.destroy(check=True)
    assert settings(sandbox, table.name) == before


def test_dynamodb_update_and_switch_to_on_demand(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    before = settings(sandbox, table.name)
    tf.write_config(config(table.name))
    tf.apply(check=True)

    tf.write_config(config(table.name, read_scaling=(10, 200, 60)))
    plan = tf.plan()
    out = plan.result.output
    assert "update in-place" in out and "must be replaced" not in out, out
    assert plans.managed_changes(out) == {
        "max_capacity": ("100", "200"),
        "target_utilization": ("70", "60"),
    }, out
    tf.apply(check=True)
    now = settings(sandbox, table.name)
    assert now["targets"][READ] == (10, 200), now
    assert now["policies"][READ][1] == 60.0, now
    assert not tf.plan().changes

    # PROVISIONED -> PAY_PER_REQUEST: the scalable targets and policies go.
    tf.write_config(config(table.name, "PAY_PER_REQUEST"))
    plan = tf.plan()
    out = plan.result.output
    assert "update in-place" in out and "must be replaced" not in out, out
    assert plans.managed_changes(out)["billing_mode"] == ('"PROVISIONED"', '"PAY_PER_REQUEST"'), out
    tf.apply(check=True)
    now = settings(sandbox, table.name)
    assert now == {"mode": "PAY_PER_REQUEST", "units": None, "targets": {}, "policies": {}}, now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert settings(sandbox, table.name) == before


def test_dynamodb_on_demand_to_provisioned_and_back(tf: Terraform, sandbox: Any, on_demand_table: fx.Table) -> None:
    name = on_demand_table.name
    before = settings(sandbox, name)
    assert before["mode"] == "PAY_PER_REQUEST", before
    tf.write_config(config(name, write=7, write_scaling=None))
    tf.apply(check=True)
    now = settings(sandbox, name)
    # Read starts at the auto-scaling minimum, write at the profile's units.
    assert now["mode"] == "PROVISIONED" and now["units"] == (10, 7), now
    assert now["targets"] == {READ: (10, 100)} and set(now["policies"]) == {READ}, now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert settings(sandbox, name) == before


def test_dynamodb_drift(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    before = settings(sandbox, table.name)
    tf.write_config(config(table.name))
    tf.apply(check=True)

    aas = sandbox.client("application-autoscaling")
    aas.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId=f"table/{table.name}",
        ScalableDimension=WRITE,
        MinCapacity=10,
        MaxCapacity=75,
    )
    drift = tf.plan()
    assert plans.managed_changes(drift.result.output) == {"max_capacity": ("75", "50")}, drift.result.output
    tf.apply(check=True)
    assert settings(sandbox, table.name)["targets"][WRITE] == (10, 50)
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert settings(sandbox, table.name) == before


def test_dynamodb_billing_mode_drift(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    before = settings(sandbox, table.name)
    tf.write_config(config(table.name, read=10, write=10, read_scaling=None, write_scaling=None))
    tf.apply(check=True)
    assert settings(sandbox, table.name)["units"] == (10, 10)

    sandbox.client("dynamodb").update_table(TableName=table.name, BillingMode="PAY_PER_REQUEST")
    drift = tf.plan()
    changed = plans.managed_changes(drift.result.output)
    assert changed.get("billing_mode") == ('"PAY_PER_REQUEST"', '"PROVISIONED"'), drift.result.output
    tf.apply(check=True)
    now = settings(sandbox, table.name)
    assert now["mode"] == "PROVISIONED" and now["units"] == (10, 10), now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert settings(sandbox, table.name) == before


def test_dynamodb_import(tf: Terraform, sandbox: Any, table: fx.Table, on_demand_table: fx.Table) -> None:
    sandbox.client("dynamodb").update_table(
        TableName=table.name, ProvisionedThroughput={"ReadCapacityUnits": 8, "WriteCapacityUnits": 4}
    )
    expected = (settings(sandbox, table.name), settings(sandbox, on_demand_table.name))
    body = f"""
resource "smuppy_scaling_profile" "tables" {{
  name = "dynamodb-acc"

  dynamodb_tables = {{
    "{table.name}" = {{
      table_name     = "{table.name}"
      billing_mode   = "PROVISIONED"
      read_capacity  = 8
      write_capacity = 4
    }}
    "{on_demand_table.name}" = {{
      table_name   = "{on_demand_table.name}"
      billing_mode = "PAY_PER_REQUEST"
    }}
  }}
}}
"""
    tf.write_config(body)
    tf.import_(
        ADDRESS, f"name=dynamodb-acc;dynamodb={table.name};dynamodb={on_demand_table.name}", check=True
    )
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    state = tf.resource(ADDRESS)["values"]["dynamodb_tables"]
    assert {k: (t["table_name"], t["billing_mode"]) for k, t in state.items()} == {
        table.name: (table.name, "PROVISIONED"),
        on_demand_table.name: (on_demand_table.name, "PAY_PER_REQUEST"),
    }, state
    assert (state[table.name]["read_capacity"], state[table.name]["write_capacity"]) == (8, 4), state
    assert (settings(sandbox, table.name), settings(sandbox, on_demand_table.name)) == expected


def test_dynamodb_autoscaling_disappears(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    before = settings(sandbox, table.name)
    tf.write_config(config(table.name))
    tf.apply(check=True)

    sandbox.client("application-autoscaling").deregister_scalable_target(
        ServiceNamespace="dynamodb", ResourceId=f"table/{table.name}", ScalableDimension=READ
    )
    assert READ not in settings(sandbox, table.name)["targets"]
    plan = tf.plan()
    assert plan.changes, plan.result.output
    assert "read" in plans.actions(plan.result.output), plan.result.output
    tf.apply(check=True)
    now = settings(sandbox, table.name)
    assert now["targets"][READ] == (10, 100) and now["policies"][READ][1] == 70.0, now
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert settings(sandbox, table.name) == before


def test_dynamodb_table_disappears(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    tf.write_config(config(table.name, read=6, write=6, read_scaling=None, write_scaling=None))
    tf.apply(check=True)
    sandbox.client("dynamodb").delete_table(TableName=table.name)
    result = tf.apply()
    assert result.rc != 0, result.output
    assert table.name in plans.flat(result.output), result.output
    tf.destroy(check=True)
    assert tf.state_list() == []


def test_dynamodb_capacity_alongside_autoscaling_is_refused(tf: Terraform, sandbox: Any, table: fx.Table) -> None:
    """A fixed read/write capacity beside auto scaling of the same dimension could
    never hold (auto scaling moves it): `terraform validate` refuses it on the
    attribute (LIM021), and nothing reaches AWS."""
    before = settings(sandbox, table.name)
    tf.write_config(config(table.name, read=10, write=10))
    result = tf.run("validate", "-no-color")
    assert result.rc == 1, result.output
    out = " ".join(result.output.split())
    assert "LIM021" in out and "read_capacity 10 beside read auto scaling" in out, out
    assert "write_capacity 10 beside write auto scaling" in out, out
    assert settings(sandbox, table.name) == before


def state_scaling(tf: Terraform, dim: str) -> dict[str, Any]:
    """The ``read`` or ``write`` auto scaling object as ``terraform show -json`` records it."""
    table = tf.resource(ADDRESS)["values"]["dynamodb_tables"]["main"]
    return dict(table["autoscaling"][dim])


def test_dynamodb_left_out_cooldowns_are_the_documented_default_and_drift_shows(
    tf: Terraform, sandbox: Any, table: fx.Table
) -> None:
    """The write block leaves its cooldowns out: the plan shows the documented 60 s,
    AWS gets it, state records it, and a cooldown changed outside Terraform shows in
    the plan as drift from 60 and is put back."""
    before = settings(sandbox, table.name)
    tf.write_config(config(table.name))
    planned = tf.plan_json()["resource_changes"][0]["change"]["after"]
    write = planned["dynamodb_tables"]["main"]["autoscaling"]["write"]
    assert (write["scale_in_cooldown"], write["scale_out_cooldown"]) == (60, 60), write
    tf.apply(check=True)
    assert settings(sandbox, table.name)["policies"][WRITE][2:4] == (60, 60)
    recorded = state_scaling(tf, "write")
    assert (recorded["scale_in_cooldown"], recorded["scale_out_cooldown"]) == (60, 60), recorded
    again = tf.plan()
    assert not again.changes, again.result.output

    sandbox.client("application-autoscaling").put_scaling_policy(
        PolicyName=f"smuppy-{table.name}-write",
        ServiceNamespace="dynamodb",
        ResourceId=f"table/{table.name}",
        ScalableDimension=WRITE,
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 50.0,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBWriteCapacityUtilization"},
            "ScaleInCooldown": 0,
            "ScaleOutCooldown": 60,
        },
    )
    assert settings(sandbox, table.name)["policies"][WRITE][2:4] == (0, 60)
    drift = tf.plan()
    assert drift.changes, drift.result.output
    assert plans.managed_changes(drift.result.output) == {"scale_in_cooldown": ("0", "60")}, drift.result.output
    tf.apply(check=True)
    assert settings(sandbox, table.name)["policies"][WRITE][2:4] == (60, 60)
    assert state_scaling(tf, "write")["scale_in_cooldown"] == 60
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert settings(sandbox, table.name) == before
