"""smuppy_scaling_profile's dashboard block through the real Terraform core.

The dashboard is read through CloudWatch GetDashboard (its body parsed as JSON),
never through state.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import accounts, plans
from harness import fixtures as fx
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

ADDRESS = "smuppy_scaling_profile.dash"


@pytest.fixture
def world(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> dict[str, Any]:
    """A stage, a function and two tables unique to the test, and a dashboard name
    whose dashboard is deleted at teardown."""
    dashboard = accounts.unique_name(suffix, "dash")
    cleanup.add(f"delete dashboard {dashboard}", lambda: delete_dashboard(sandbox, dashboard))
    return {
        "api": accounts.provision_rest_api(sandbox, cleanup, suffix),
        "function": accounts.provision_function(sandbox, cleanup, accounts.unique_name(suffix, "fn")),
        "table": accounts.provision_table(sandbox, cleanup, accounts.unique_name(suffix, "table")),
        "table2": accounts.provision_table(sandbox, cleanup, accounts.unique_name(suffix, "table2")),
        "dashboard": dashboard,
    }


def body(sb: Any, name: str) -> dict[str, Any] | None:
    try:
        got = sb.client("cloudwatch").get_dashboard(DashboardName=name)
    except ClientError as err:
        if err.response["Error"]["Code"] in ("ResourceNotFound", "ResourceNotFoundException"):
            return None
        raise
    return dict(json.loads(got["DashboardBody"]))


def delete_dashboard(sb: Any, name: str) -> None:
    if body(sb, name) is not None:
        sb.client("cloudwatch").delete_dashboards(DashboardNames=[name])


def metrics(doc: dict[str, Any]) -> set[tuple[str, ...]]:
    """Every metric of every widget as (namespace, metric, dimension name, value, ...)."""
    out: set[tuple[str, ...]] = set()
    for widget in doc.get("widgets", []):
        for metric in widget.get("properties", {}).get("metrics", []):
            out.add(tuple(str(x) for x in metric if not isinstance(x, dict)))
    return out


def expected_metrics(world: dict[str, Any], tables: tuple[str, ...] = ("table",)) -> set[tuple[str, ...]]:
    api: fx.RestApi = world["api"]
    fn: fx.LambdaFunction = world["function"]
    out = {("AWS/ApiGateway", m, "ApiName", api.name, "Stage", api.stage_name) for m in ("5XXError", "Latency", "Count")}
    out |= {("AWS/Lambda", m, "FunctionName", fn.name) for m in ("ConcurrentExecutions", "Duration", "Errors", "Throttles")}
    for key in tables:
        name = world[key].name
        out |= {("AWS/DynamoDB", m, "TableName", name) for m in ("ConsumedReadCapacityUnits", "ThrottledRequests")}
    return out


def config(world: dict[str, Any], tables: tuple[str, ...] = ("table",)) -> str:
    api: fx.RestApi = world["api"]
    entries = "".join(
        f"""
    "{world[key].name}" = {{
      table_name     = "{world[key].name}"
      billing_mode   = "PROVISIONED"
      read_capacity  = 5
      write_capacity = 5
    }}"""
        for key in tables
    )
    blocks = f"\n  dynamodb_tables = {{{entries}\n  }}\n"
    return f"""
resource "smuppy_scaling_profile" "dash" {{
  name = "dashboard-acc"

  api_gateway = {{
    rest_api_id = "{api.api_id}"
    stage_name  = "{api.stage_name}"
  }}

  lambda_pools = {{
    "{world["function"].name}" = {{
      function_name = "{world["function"].name}"
    }}
  }}
{blocks}
  dashboard = {{
    name = "{world["dashboard"]}"
  }}
}}
"""


def test_dashboard_basic(tf: Terraform, sandbox: Any, world: dict[str, Any]) -> None:
    name = world["dashboard"]
    assert body(sandbox, name) is None
    tf.write_config(config(world))
    tf.apply(check=True)

    doc = body(sandbox, name)
    assert doc is not None
    assert metrics(doc) == expected_metrics(world), doc
    arn = tf.resource(ADDRESS)["values"]["dashboard"]["arn"]
    assert arn and arn.endswith(f"dashboard/{name}"), arn

    # The body is deterministic: re-plans show nothing, a re-apply writes the same body.
    for _ in range(2):
        replan = tf.plan()
        assert not replan.changes, replan.result.output
    tf.apply(check=True)
    assert body(sandbox, name) == doc

    tf.destroy(check=True)
    assert body(sandbox, name) is None


def test_dashboard_update(tf: Terraform, sandbox: Any, world: dict[str, Any]) -> None:
    name = world["dashboard"]
    tf.write_config(config(world))
    tf.apply(check=True)

    tf.write_config(config(world, tables=("table", "table2")))
    plan = tf.plan()
    out = plan.result.output
    assert "update in-place" in out and "must be replaced" not in out, out
    tf.apply(check=True)
    doc = body(sandbox, name)
    assert doc is not None and metrics(doc) == expected_metrics(world, ("table", "table2")), doc
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert body(sandbox, name) is None


def test_dashboard_destroy_restores_a_prior_body(tf: Terraform, sandbox: Any, world: dict[str, Any]) -> None:
    name = world["dashboard"]
    prior = {
        "widgets": [
            {
                "type": "text",
                "x": 0,
                "y": 0,
                "width": 6,
                "height": 3,
                "properties": {"markdown": "kept by the team"},
            }
        ]
    }
    sandbox.client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=json.dumps(prior))
    tf.write_config(config(world))
    tf.apply(check=True)
    doc = body(sandbox, name)
    assert doc is not None and metrics(doc) == expected_metrics(world), doc

    tf.destroy(check=True)
    assert body(sandbox, name) == prior


def test_dashboard_drift(tf: Terraform, sandbox: Any, world: dict[str, Any]) -> None:
    name = world["dashboard"]
    tf.write_config(config(world))
    tf.apply(check=True)
    wanted = body(sandbox, name)

    tampered = {"widgets": [{"type": "text", "x": 0, "y": 0, "width": 3, "height": 3, "properties": {"markdown": "x"}}]}
    sandbox.client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=json.dumps(tampered))
    drift = tf.plan()
    assert drift.changes, drift.result.output
    tf.apply(check=True)
    assert body(sandbox, name) == wanted
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert body(sandbox, name) is None


def test_dashboard_import(tf: Terraform, sandbox: Any, world: dict[str, Any]) -> None:
    """A dashboard the profile generated, forgotten by state, imported back: no changes."""
    name = world["dashboard"]
    tf.write_config(config(world))
    tf.apply(check=True)
    doc = body(sandbox, name)
    tf.state("rm", ADDRESS).check()

    api: fx.RestApi = world["api"]
    import_id = (
        f"name=dashboard-acc;api_gateway={api.api_id}/{api.stage_name};"
        f"lambda={world['function'].name};dynamodb={world['table'].name};dashboard={name}"
    )
    tf.import_(ADDRESS, import_id, check=True)
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    assert body(sandbox, name) == doc


def test_dashboard_disappears(tf: Terraform, sandbox: Any, world: dict[str, Any]) -> None:
    name = world["dashboard"]
    tf.write_config(config(world))
    tf.apply(check=True)
    wanted = body(sandbox, name)
    delete_dashboard(sandbox, name)

    plan = tf.plan()
    assert plan.changes, plan.result.output
    tf.apply(check=True)
    assert body(sandbox, name) == wanted
    tf.destroy(check=True)
    assert body(sandbox, name) is None
