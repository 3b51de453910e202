"""smuppy_scaling_profile's global_accelerator block through the real Terraform core.

Global Accelerator's API lives in us-west-2 whatever the provider's region (the
sandbox serves it from the moto launcher). The accelerator, its listener and its
endpoint group are read through boto3's globalaccelerator client, never through state.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import accounts, plans
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

ADDRESS = "smuppy_scaling_profile.ga"


@pytest.fixture
def accelerator(sandbox: Any, cleanup: accounts.Cleanup, suffix: str) -> dict[str, str]:
    """A unique accelerator name and an Elastic IP allocation to front; any accelerator
    of that name is removed at teardown (and, on a real account, the address released)."""
    name = accounts.unique_name(suffix, "ga")
    if accounts.is_emulated(sandbox):
        # The sandbox does not emulate EC2; Global Accelerator only checks the id's form.
        endpoint = f"eipalloc-{suffix}"  # suffix: 8 hex digits, as AWS ids have
    else:
        ec2 = sandbox.client("ec2")
        allocation = ec2.allocate_address(
            Domain="vpc",
            TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": [{"Key": "Name", "Value": name}]}],
        )["AllocationId"]
        cleanup.add(f"release {allocation}", lambda: ec2.release_address(AllocationId=allocation))
        endpoint = allocation
    cleanup.add(f"delete accelerator {name}", lambda: delete_accelerator(sandbox, name))
    return {"name": name, "endpoint": endpoint}


def find(sb: Any, name: str) -> dict[str, Any] | None:
    """The accelerator called ``name`` with its listeners and endpoint groups."""
    ga = sb.client("globalaccelerator")
    for acc in ga.list_accelerators(MaxResults=100).get("Accelerators", []):
        if acc["Name"] != name:
            continue
        listeners = ga.list_listeners(AcceleratorArn=acc["AcceleratorArn"]).get("Listeners", [])
        groups = []
        for listener in listeners:
            groups += ga.list_endpoint_groups(ListenerArn=listener["ListenerArn"]).get("EndpointGroups", [])
        return {
            "arn": acc["AcceleratorArn"],
            "enabled": acc["Enabled"],
            "ip_address_type": acc["IpAddressType"],
            "dns_name": acc.get("DnsName"),
            "listeners": sorted(
                (l["Protocol"], tuple(sorted((p["FromPort"], p["ToPort"]) for p in l["PortRanges"]))) for l in listeners
            ),
            "groups": sorted(
                (g["EndpointGroupRegion"], tuple(sorted(d["EndpointId"] for d in g.get("EndpointDescriptions", []))))
                for g in groups
            ),
        }
    return None


def delete_accelerator(sb: Any, name: str) -> None:
    """Disable, wait for DEPLOYED, delete endpoint groups, listeners and the accelerator."""
    found = find(sb, name)
    if not found:
        return
    ga = sb.client("globalaccelerator")
    arn = found["arn"]
    if found["enabled"]:
        ga.update_accelerator(AcceleratorArn=arn, Enabled=False)
    deadline = time.monotonic() + 900
    while ga.describe_accelerator(AcceleratorArn=arn)["Accelerator"]["Status"] != "DEPLOYED":
        if time.monotonic() > deadline:
            break
        time.sleep(5)
    for listener in ga.list_listeners(AcceleratorArn=arn).get("Listeners", []):
        for group in ga.list_endpoint_groups(ListenerArn=listener["ListenerArn"]).get("EndpointGroups", []):
            ga.delete_endpoint_group(EndpointGroupArn=group["EndpointGroupArn"])
        ga.delete_listener(ListenerArn=listener["ListenerArn"])
    try:
        ga.delete_accelerator(AcceleratorArn=arn)
    except ClientError as err:
        if err.response["Error"]["Code"] != "AcceleratorNotFoundException":
            raise


def config(acc: dict[str, str], region: str, *, ports: tuple[int, ...] = (443,), enabled: bool | None = None) -> str:
    port_list = ", ".join(str(p) for p in ports)
    extra = "" if enabled is None else f"\n    enabled               = {str(enabled).lower()}"
    return f"""
resource "smuppy_scaling_profile" "ga" {{
  name = "accelerator-acc"

  global_accelerator = {{
    name                  = "{acc['name']}"
    ip_address_type       = "IPV4"
    ports                 = [{port_list}]
    protocol              = "TCP"
    endpoint_group_region = "{region}"
    endpoint_id           = "{acc['endpoint']}"{extra}
  }}
}}
"""


def test_global_accelerator_basic(tf: Terraform, sandbox: Any, accelerator: dict[str, str]) -> None:
    region = sandbox.region
    assert find(sandbox, accelerator["name"]) is None
    tf.write_config(config(accelerator, region))
    tf.apply(check=True)

    found = find(sandbox, accelerator["name"])
    assert found is not None
    assert found["enabled"] is True and found["ip_address_type"] == "IPV4", found
    assert found["listeners"] == [("TCP", ((443, 443),))], found
    assert found["groups"] == [(region, (accelerator["endpoint"],))], found
    assert ":globalaccelerator::" in found["arn"] or "globalaccelerator" in found["arn"], found
    state = tf.resource(ADDRESS)["values"]["global_accelerator"]
    assert (state["arn"], state["dns_name"]) == (found["arn"], found["dns_name"]), state
    assert state["ip_addresses"], state

    replan = tf.plan()
    assert not replan.changes, replan.result.output

    tf.destroy(check=True)
    assert find(sandbox, accelerator["name"]) is None


def test_global_accelerator_update(tf: Terraform, sandbox: Any, accelerator: dict[str, str]) -> None:
    region = sandbox.region
    tf.write_config(config(accelerator, region))
    tf.apply(check=True)
    arn = find(sandbox, accelerator["name"])["arn"]  # type: ignore[index]

    tf.write_config(config(accelerator, region, ports=(443, 8443)))
    plan = tf.plan()
    out = plan.result.output
    assert "update in-place" in out and "must be replaced" not in out, out
    tf.apply(check=True)
    found = find(sandbox, accelerator["name"])
    assert found is not None and found["arn"] == arn, found
    assert found["listeners"] == [("TCP", ((443, 443), (8443, 8443)))], found
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert find(sandbox, accelerator["name"]) is None


def test_global_accelerator_drift(tf: Terraform, sandbox: Any, accelerator: dict[str, str]) -> None:
    region = sandbox.region
    tf.write_config(config(accelerator, region, enabled=True))
    tf.apply(check=True)
    found = find(sandbox, accelerator["name"])
    assert found is not None
    sandbox.client("globalaccelerator").update_accelerator(AcceleratorArn=found["arn"], Enabled=False)

    drift = tf.plan()
    assert plans.managed_changes(drift.result.output) == {"enabled": ("false", "true")}, drift.result.output
    tf.apply(check=True)
    assert find(sandbox, accelerator["name"])["enabled"] is True  # type: ignore[index]
    assert not tf.plan().changes

    tf.destroy(check=True)
    assert find(sandbox, accelerator["name"]) is None


def test_global_accelerator_import(tf: Terraform, sandbox: Any, accelerator: dict[str, str]) -> None:
    region = sandbox.region
    tf.write_config(config(accelerator, region))
    tf.apply(check=True)
    found = find(sandbox, accelerator["name"])
    assert found is not None
    tf.state("rm", ADDRESS).check()

    tf.import_(ADDRESS, f"name=accelerator-acc;global_accelerator={found['arn']}", check=True)
    plan = tf.plan()
    assert not plan.changes, plan.result.output
    assert find(sandbox, accelerator["name"]) == found
    tf.destroy(check=True)
    assert find(sandbox, accelerator["name"]) is None


def test_global_accelerator_disappears(tf: Terraform, sandbox: Any, accelerator: dict[str, str]) -> None:
    region = sandbox.region
    tf.write_config(config(accelerator, region))
    tf.apply(check=True)
    delete_accelerator(sandbox, accelerator["name"])
    assert find(sandbox, accelerator["name"]) is None

    plan = tf.plan()
    assert plan.changes, plan.result.output
    tf.apply(check=True)
    found = find(sandbox, accelerator["name"])
    assert found is not None and found["groups"] == [(region, (accelerator["endpoint"],))], found
    assert not tf.plan().changes
    tf.destroy(check=True)
    assert find(sandbox, accelerator["name"]) is None


@pytest.mark.parametrize(
    "endpoint",
    [
        "arn:aws:apigateway:us-east-1::/restapis/bmkd8zayee",
        "bmkd8zayee.execute-api.us-east-1.amazonaws.com",
    ],
)
def test_global_accelerator_rejects_api_gateway_at_validate(tf: Terraform, endpoint: str) -> None:
    tf.write_config(config({"name": "smuppy-api", "endpoint": endpoint}, "us-east-1"))
    result = tf.run("validate", "-no-color")
    assert result.rc == 1, result.output
    out = plans.flat(result.output)
    assert "API Gateway" in out and "endpoint_id" in out, result.output
    assert any(word in out for word in ("load balancer", "Load Balancer", "ALB")), result.output
