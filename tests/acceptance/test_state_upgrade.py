"""A 0.x state of every block, upgraded by the 1.0 provider through the real Terraform core.

The fixtures (tests/fixtures/state-0.x, written by the 0.x provider with make.py there)
describe objects of a world whose names end in ``5eed0001``. Each test builds that world
with its own suffix (make.py's ``world``), applies the equivalent 1.0 configuration (map
keys are the default keys the upgrade gives), and then puts the 0.x fixture in place of
the state: names substituted, and every id the sandbox generated (cache policy id and
ETag, accelerator ARN, DNS name and addresses, quota request ids, the alias's version)
taken from the objects AWS now holds, read through boto3. The state is then a genuine
0.x state, private state or crash journal included, of objects AWS holds.

With the 1.0 configuration ``terraform plan -detailed-exitcode`` must find nothing to do
(the provider upgraded the state, Terraform refreshed it against AWS), ``apply`` must
change nothing, and ``destroy`` must put back what was there before the 0.x profile took
over: the "before" values come from the 0.x private state (or the crash journal), so a
restore read back through boto3 shows they survived the upgrade.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from harness import plans
from harness.sandbox import REPO_ROOT
from harness.terraform import Terraform

pytestmark = pytest.mark.acceptance

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "state-0.x"


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


make = _load("state_0x_make", FIXTURES / "make.py")
OLD = json.loads((FIXTURES / "world.json").read_text())


def full_config(w: Any) -> str:
    """make.py's ``full_profile`` in the 1.0 surface, keyed with the default keys."""
    return f"""resource "smuppy_scaling_profile" "full" {{
  name = "fixture-full-{w.suffix}"

  traffic = {{
    peak_rps                  = 1000
    latency_ms                = 55
    cache_hit_ratio           = 0.8
    reads_per_request         = 1
    writes_per_request        = 0.1
    average_to_peak_ratio     = 0.3
    response_bytes            = 2048
    item_size_kb              = 1
    strongly_consistent_reads = false
    architecture              = "arm64"
  }}

  quota_requests = {{
    "apigateway/L-8A5B8E43" = {{ service_code = "apigateway", quota_code = "L-8A5B8E43", desired_value = 20000 }}
    "lambda/L-B99A9384"     = {{ service_code = "lambda", quota_code = "L-B99A9384", desired_value = 2000 }}
  }}

  api_gateway = {{
    rest_api_id            = "{w.api_id}"
    stage_name             = "{w.stage}"
    rate_limit             = 5000
    burst_limit            = 2000
    integration_timeout_ms = 29000
  }}

  lambda_pools = {{
    "{w.fn_a}" = {{
      function_name           = "{w.fn_a}"
      qualifier               = "prod"
      reserved_concurrency    = 200
      provisioned_concurrency = 10
      memory_size             = 1024
      timeout                 = 20
      publish_on_change       = true
    }}
    "{w.fn_b}" = {{
      function_name = "{w.fn_b}"
      memory_size   = 512
    }}
  }}

  dynamodb_tables = {{
    "{w.table_a}" = {{
      table_name   = "{w.table_a}"
      billing_mode = "PROVISIONED"
      autoscaling = {{
        read  = {{ min_capacity = 5, max_capacity = 400, target_utilization = 70, scale_in_cooldown = 120, scale_out_cooldown = 30 }}
        write = {{ min_capacity = 5, max_capacity = 200 }}
      }}
    }}
    "{w.table_b}" = {{
      table_name     = "{w.table_b}"
      billing_mode   = "PROVISIONED"
      read_capacity  = 100
      write_capacity = 40
    }}
  }}

  cache_policy = {{
    name                          = "{w.cache_policy}"
    comment                       = "0.x fixture"
    min_ttl                       = 1
    default_ttl                   = 60
    max_ttl                       = 300
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true
    header_behavior               = "none"
    cookie_behavior               = "none"
    query_string_behavior         = "whitelist"
    query_strings                 = ["page"]
  }}

  dashboard          = {{ name = "{w.dashboard}" }}
  global_accelerator = {{ name = "{w.accelerator}", endpoint_id = "{w.endpoint}" }}
  budget             = {{ monthly_usd = 100000, enforce = false }}

  timeouts {{
    create = "600s"
    update = "600s"
    delete = "600s"
  }}
}}
"""


def minimal_config(w: Any) -> str:
    return f"""resource "smuppy_scaling_profile" "minimal" {{
  name = "fixture-minimal-{w.suffix}"
}}
"""


def journal_config(w: Any) -> str:
    """make.py's ``journal_profile`` as the state Terraform kept holds it (memory 640)."""
    return f"""resource "smuppy_scaling_profile" "journal" {{
  name = "fixture-journal-{w.suffix}"

  lambda_pools = {{
    "{w.fn_a}" = {{ function_name = "{w.fn_a}", memory_size = 640, reserved_concurrency = 40 }}
  }}

  dynamodb_tables = {{
    "{w.table_b}" = {{ table_name = "{w.table_b}", billing_mode = "PROVISIONED", read_capacity = 30, write_capacity = 15 }}
  }}
}}
"""


# -- what AWS holds --------------------------------------------------------------------------------------


def function_settings(sb: Any, name: str) -> dict[str, Any]:
    lam = sb.client("lambda")
    config = lam.get_function_configuration(FunctionName=name)
    reserved = lam.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
    return {"memory": config["MemorySize"], "timeout": config["Timeout"], "reserved": reserved}


def table_settings(sb: Any, name: str) -> dict[str, Any]:
    desc = sb.client("dynamodb").describe_table(TableName=name)["Table"]
    throughput = desc.get("ProvisionedThroughput", {})
    targets = sb.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="dynamodb", ResourceIds=[f"table/{name}"]
    )["ScalableTargets"]
    return {
        "mode": desc.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"),
        "read": throughput.get("ReadCapacityUnits"),
        "write": throughput.get("WriteCapacityUnits"),
        "scalable_targets": len(targets),
    }


def cache_policy(sb: Any, name: str) -> tuple[str, str] | None:
    cf = sb.client("cloudfront")
    items = cf.list_cache_policies(Type="custom").get("CachePolicyList", {}).get("Items", [])
    for item in items:
        policy = item["CachePolicy"]
        if policy["CachePolicyConfig"]["Name"] == name:
            etag = cf.get_cache_policy(Id=policy["Id"])["ETag"]
            return policy["Id"], etag
    return None


def accelerator(sb: Any, name: str) -> dict[str, Any] | None:
    for acc in sb.client("globalaccelerator").list_accelerators(MaxResults=100).get("Accelerators", []):
        if acc["Name"] == name:
            return acc
    return None


def open_request(sb: Any, service: str, quota: str) -> str:
    history = sb.client("service-quotas").list_requested_service_quota_change_history_by_quota(
        ServiceCode=service, QuotaCode=quota
    )["RequestedQuotas"]
    open_ = [r["Id"] for r in history if r["Status"] in ("PENDING", "CASE_OPENED")]
    assert len(open_) == 1, f"expected one open request for {service}/{quota}: {history}"
    return open_[0]


def dashboards(sb: Any, name: str) -> list[str]:
    entries = sb.client("cloudwatch").list_dashboards(DashboardNamePrefix=name).get("DashboardEntries", [])
    return [e["DashboardName"] for e in entries]


# -- the 0.x state put in place --------------------------------------------------------------------------


def renamed(text: str, w: Any) -> str:
    """Fixture text with the fixture world's names replaced by this test's."""
    return text.replace(OLD["api_id"], w.api_id).replace(OLD["suffix"], w.suffix)


def place_state(tf: Terraform, fixture: str, w: Any, ids: dict[str, str], attrs: dict[str, Any]) -> dict[str, Any]:
    """Writes the fixture's 0.x state into the working directory: names renamed, the
    generated ids in ``ids`` (old -> new, in attributes and private state alike) and the
    attribute values in ``attrs`` (block -> {attribute: value}, first item) replaced."""
    text = renamed((FIXTURES / fixture / "terraform.tfstate").read_text(), w)
    for old, new in ids.items():
        text = text.replace(old, new)
    state = json.loads(text)
    current = json.loads(tf.state_file_text())
    state["serial"] = current["serial"] + 1
    state["lineage"] = current["lineage"]
    instance = state["resources"][0]["instances"][0]
    assert instance["schema_version"] == 0
    for block, values in attrs.items():
        instance["attributes"][block][0].update(values)
    if instance.get("private"):
        private = renamed(base64.b64decode(instance["private"]).decode(), w)
        for old, new in ids.items():
            private = private.replace(old, new)
        instance["private"] = base64.b64encode(private.encode()).decode()
    (tf.workdir / "terraform.tfstate").write_text(json.dumps(state, indent=2))
    backup = tf.workdir / "terraform.tfstate.backup"
    if backup.exists():
        backup.unlink()
    return state


def fixture_value(fixture: str, *path: Any) -> Any:
    v = json.loads((FIXTURES / fixture / "terraform.tfstate").read_text())["resources"][0]["instances"][0]["attributes"]
    for p in path:
        v = v[p]
    return v


def assert_upgraded_and_quiet(tf: Terraform, address: str) -> dict[str, Any]:
    """plan finds nothing to do, apply changes nothing; returns the upgraded resource."""
    plan = tf.plan()
    assert not plan.changes, f"the upgraded 0.x state plans changes:\n{plans.actions(plan.result.output)}"
    out = tf.apply(check=True).output
    assert plans.summary(out) == (0, 0, 0), out
    raw = json.loads(tf.state_file_text())["resources"][0]["instances"][0]
    assert raw["schema_version"] == 1, raw["schema_version"]
    return tf.resource(address)["values"]


def test_full_0x_state_upgrades_and_plans_no_change(tf: Terraform, fresh_sandbox: Any, suffix: str) -> None:
    sb = fresh_sandbox
    w = make.world(sb, suffix)
    before = {
        "fn_a": function_settings(sb, w.fn_a),
        "fn_b": function_settings(sb, w.fn_b),
        "table_a": table_settings(sb, w.table_a),
        "table_b": table_settings(sb, w.table_b),
    }
    tf.write_config(full_config(w))
    tf.apply(check=True)

    policy = cache_policy(sb, w.cache_policy)
    acc = accelerator(sb, w.accelerator)
    assert policy and acc, (policy, acc)
    old_acc = fixture_value("full", "global_accelerator", 0)
    ids = {
        fixture_value("full", "cache_policy", 0, "id"): policy[0],
        fixture_value("full", "cache_policy", 0, "etag"): policy[1],
        old_acc["arn"]: acc["AcceleratorArn"],
        old_acc["dns_name"]: acc["DnsName"],
    }
    for q in fixture_value("full", "quota_request"):
        ids[q["request_id"]] = open_request(sb, q["service_code"], q["quota_code"])
    alias = sb.client("lambda").get_alias(FunctionName=w.fn_a, Name="prod")["FunctionVersion"]
    addresses = [ip for s in acc.get("IpSets", []) for ip in s.get("IpAddresses", [])]
    assert fixture_value("full", "lambda", 0, "qualifier") == "prod"
    attrs = {"global_accelerator": {"ip_addresses": addresses}, "lambda": {"qualifier_version": alias}}
    place_state(tf, "full", w, ids, attrs)

    values = assert_upgraded_and_quiet(tf, "smuppy_scaling_profile.full")
    assert sorted(values["lambda_pools"]) == sorted([w.fn_a, w.fn_b])
    assert sorted(values["dynamodb_tables"]) == sorted([w.table_a, w.table_b])
    assert sorted(values["quota_requests"]) == ["apigateway/L-8A5B8E43", "lambda/L-B99A9384"]
    assert values["cache_policy"]["id"] == policy[0]
    assert values["timeouts"] == {"create": "600s", "update": "600s", "delete": "600s"}

    tf.destroy(check=True)
    assert function_settings(sb, w.fn_a) == before["fn_a"]
    assert function_settings(sb, w.fn_b) == before["fn_b"]
    assert table_settings(sb, w.table_a) == before["table_a"]
    assert table_settings(sb, w.table_b) == before["table_b"]
    assert cache_policy(sb, w.cache_policy) is None, "the 0.x profile's cache policy outlived destroy"
    assert accelerator(sb, w.accelerator) is None, "the 0.x profile's accelerator outlived destroy"
    assert dashboards(sb, w.dashboard) == []


def test_empty_0x_state_upgrades_and_plans_no_change(tf: Terraform, sandbox: Any, suffix: str) -> None:
    w = make.world(sandbox, suffix)
    tf.write_config(minimal_config(w))
    tf.apply(check=True)
    place_state(tf, "minimal", w, {}, {})
    values = assert_upgraded_and_quiet(tf, "smuppy_scaling_profile.minimal")
    for name in ("traffic", "lambda_pools", "dynamodb_tables", "quota_requests", "cache_policy", "timeouts"):
        assert values[name] in (None, {}, []), (name, values[name])
    tf.destroy(check=True)


def test_0x_state_left_by_a_killed_apply_upgrades_and_its_journal_restores(
    tf: Terraform, sandbox: Any, suffix: str
) -> None:
    sb = sandbox
    w = make.world(sb, suffix)
    before = {"fn": function_settings(sb, w.fn_a), "table": table_settings(sb, w.table_b)}
    tf.write_config(journal_config(w))
    tf.apply(check=True)
    state = place_state(tf, "journal", w, {}, {})
    assert state["resources"][0]["instances"][0].get("private") is None, "the killed apply left no private state"

    # The entry the killed 0.x run left, under this world's names and slot.
    journal = _load("reliability_test_journal", REPO_ROOT / "tests" / "reliability" / "test_journal.py")
    (entry_file,) = sorted((FIXTURES / "journal" / "journal").glob("*.json"))
    entry = json.loads(renamed(entry_file.read_text(), w))
    instance_hash = entry_file.stem.split("-", 1)[1]
    d = tf.workdir / ".terraform" / "smuppy"
    d.mkdir(parents=True, mode=0o700, exist_ok=True)
    slot = journal.slot_hash("default", journal.region_of(sb), entry["profile"])
    target = d / f"{slot}-{instance_hash}.json"
    target.write_text(json.dumps(entry))
    target.chmod(0o600)

    assert_upgraded_and_quiet(tf, "smuppy_scaling_profile.journal")
    assert function_settings(sb, w.fn_a)["memory"] == 640

    tf.destroy(check=True)
    assert function_settings(sb, w.fn_a) == before["fn"], "the journal's before values were not restored"
    assert table_settings(sb, w.table_b) == before["table"]
    shutil.rmtree(d, ignore_errors=True)

