"""What the reliability tests share: the all-blocks profile, reading every managed
setting back through the AWS APIs (boto3 straight to the emulators, never through a
fault proxy), the same settings from Terraform's state, and the convergence loop.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from botocore.exceptions import ClientError

from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform, TfResult, provider_block, required_providers_block

ADDRESS = "smuppy_scaling_profile.api"

# The quota every profile here requests: Lambda concurrent executions, above the
# sandbox's default of 1,000, so a request is really filed (and stays PENDING).
QUOTA_SERVICE = "lambda"
QUOTA_CODE = "L-B99A9384"
QUOTA_DESIRED = 3000

# The lines aws-smithy-runtime's standard retry strategy logs (DEBUG) when it retries.
RETRY_LINE = re.compile(r"attempt #\d+ failed with .*; retrying after")


@dataclass(frozen=True)
class Names:
    """Everything the profile names, unique per test."""

    scenario: fx.Scenario
    cache_policy: str
    dashboard: str

    @property
    def table(self) -> str:
        return self.scenario.table.name

    @property
    def function(self) -> str:
        return self.scenario.function.name

    @property
    def alias(self) -> str:
        return self.scenario.function.alias


def names_for(sc: fx.Scenario) -> Names:
    return Names(scenario=sc, cache_policy=f"SmuppyRel{sc.suffix}", dashboard=f"SmuppyRel-{sc.suffix}")


@dataclass(frozen=True)
class Settings:
    """The values the profile sets (changed between rounds to exercise updates)."""

    rate: int = 5000
    burst: int = 2000
    reserved: int = 200
    provisioned: int = 20
    memory: int = 512
    timeout: int = 20
    # Under auto scaling the table's throughput is left to Application Auto Scaling;
    # set only to exercise the provider's read_capacity/write_capacity there.
    rcu: int | None = None
    wcu: int | None = None
    read_min: int = 50
    read_max: int = 500
    write_min: int = 20
    write_max: int = 200
    target: int = 70
    default_ttl: int = 60


def profile_hcl(n: Names, s: Settings = Settings(), *, quota: bool = True) -> str:
    quota_block = (
        f"""
  quota_requests = {{
    "{QUOTA_SERVICE}/{QUOTA_CODE}" = {{
      service_code  = "{QUOTA_SERVICE}"
      quota_code    = "{QUOTA_CODE}"
      desired_value = {QUOTA_DESIRED}
    }}
  }}
"""
        if quota
        else ""
    )
    capacity = ""
    if s.rcu is not None:
        capacity += f"\n    read_capacity  = {s.rcu}"
    if s.wcu is not None:
        capacity += f"\n    write_capacity = {s.wcu}"
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "rel-{n.scenario.suffix}"
  timeouts {{
    create = "60s"
    update = "60s"
    delete = "60s"
  }}
{quota_block}
  api_gateway = {{
    rest_api_id = "{n.scenario.api.api_id}"
    stage_name  = "{n.scenario.api.stage_name}"
    rate_limit  = {s.rate}
    burst_limit = {s.burst}
  }}

  lambda_pools = {{
    "{n.function}" = {{
      function_name           = "{n.function}"
      qualifier               = "{n.alias}"
      reserved_concurrency    = {s.reserved}
      provisioned_concurrency = {s.provisioned}
      memory_size             = {s.memory}
      timeout                 = {s.timeout}
    }}
  }}

  dynamodb_tables = {{
    "{n.table}" = {{
      table_name     = "{n.table}"
      billing_mode   = "PROVISIONED"{capacity}

      autoscaling = {{
        read = {{
          min_capacity       = {s.read_min}
          max_capacity       = {s.read_max}
          target_utilization = {s.target}
        }}
        write = {{
          min_capacity       = {s.write_min}
          max_capacity       = {s.write_max}
          target_utilization = {s.target}
        }}
      }}
    }}
  }}

  cache_policy = {{
    name                          = "{n.cache_policy}"
    min_ttl                       = 1
    default_ttl                   = {s.default_ttl}
    max_ttl                       = 300
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true
    query_string_behavior         = "all"
  }}

  dashboard = {{
    name = "{n.dashboard}"
  }}
}}
"""


def write_provider(tf: Terraform, endpoints: dict[str, str], max_retries: int | None = None) -> None:
    """provider.tf pointing the provider at ``endpoints`` (a fault proxy or the emulators)."""
    block = provider_block(endpoints)
    if max_retries is not None:
        block = block.replace("\n  region", f"\n  max_retries = {max_retries}\n  region", 1)
    (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + block)


# -- AWS, read straight from the emulators ------------------------------------------------------------------


def _code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def read_aws(sb: Sandbox, n: Names) -> dict[str, Any]:
    """Every setting the profile manages, as the AWS APIs report it."""
    sc = n.scenario
    out: dict[str, Any] = {}

    ms = fx.stage_method_settings(sb, sc.api.api_id, sc.api.stage_name).get("*/*") or {}
    rate = ms.get("throttlingRateLimit")
    out["stage"] = {
        "rate": None if rate is None else float(rate),
        "burst": ms.get("throttlingBurstLimit"),
    }

    lam = sb.client("lambda")
    conf = lam.get_function_configuration(FunctionName=n.function)
    reserved = lam.get_function_concurrency(FunctionName=n.function).get("ReservedConcurrentExecutions")
    try:
        pc = lam.get_provisioned_concurrency_config(FunctionName=n.function, Qualifier=n.alias)
        provisioned = pc.get("RequestedProvisionedConcurrentExecutions")
    except ClientError as err:
        if _code(err) != "ProvisionedConcurrencyConfigNotFoundException":
            raise
        provisioned = None
    alias = lam.get_alias(FunctionName=n.function, Name=n.alias)
    out["lambda"] = {
        "memory": conf["MemorySize"],
        "timeout": conf["Timeout"],
        "reserved": reserved,
        "provisioned": provisioned,
        "alias_version": alias["FunctionVersion"],
    }

    table = sb.client("dynamodb").describe_table(TableName=n.table)["Table"]
    tp = table.get("ProvisionedThroughput") or {}
    out["table"] = {
        "billing_mode": (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
        "rcu": tp.get("ReadCapacityUnits"),
        "wcu": tp.get("WriteCapacityUnits"),
    }

    aas = sb.client("application-autoscaling")
    rid = f"table/{n.table}"
    targets = aas.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=[rid])["ScalableTargets"]
    policies = aas.describe_scaling_policies(ServiceNamespace="dynamodb", ResourceId=rid)["ScalingPolicies"]
    scaling: dict[str, Any] = {}
    for t in targets:
        dim = "read" if t["ScalableDimension"].endswith("ReadCapacityUnits") else "write"
        scaling.setdefault(dim, {"targets": 0, "policies": 0})
        scaling[dim]["targets"] += 1
        scaling[dim]["min"] = t["MinCapacity"]
        scaling[dim]["max"] = t["MaxCapacity"]
    for p in policies:
        dim = "read" if p["ScalableDimension"].endswith("ReadCapacityUnits") else "write"
        scaling.setdefault(dim, {"targets": 0, "policies": 0})
        scaling[dim]["policies"] += 1
        conf_tt = p.get("TargetTrackingScalingPolicyConfiguration") or {}
        scaling[dim]["target"] = conf_tt.get("TargetValue")
    out["scaling"] = scaling

    cf = sb.client("cloudfront")
    items = (cf.list_cache_policies(Type="custom").get("CachePolicyList") or {}).get("Items") or []
    mine = [i["CachePolicy"] for i in items if i["CachePolicy"]["CachePolicyConfig"]["Name"] == n.cache_policy]
    out["cache_policies"] = [
        {
            "id": p["Id"],
            "default_ttl": p["CachePolicyConfig"].get("DefaultTTL"),
            "min_ttl": p["CachePolicyConfig"].get("MinTTL"),
            "max_ttl": p["CachePolicyConfig"].get("MaxTTL"),
        }
        for p in mine
    ]

    cw = sb.client("cloudwatch")
    dashes = cw.list_dashboards(DashboardNamePrefix=n.dashboard).get("DashboardEntries") or []
    out["dashboards"] = sorted(d["DashboardName"] for d in dashes if d["DashboardName"] == n.dashboard)

    out["quota_requests"] = [
        {"id": r.get("Id"), "status": r.get("Status"), "desired": r.get("DesiredValue")}
        for r in sb.quota_requests()
        if r.get("QuotaCode") == QUOTA_CODE and r.get("ServiceCode") == QUOTA_SERVICE
    ]
    return out


def read_state(tf: Terraform) -> dict[str, Any] | None:
    """The same settings from ``terraform show -json`` (None when the profile is not in state).

    A ``terraform show`` that fails raises (TerraformError): an unreadable state is not
    an empty one."""
    res = next((r for r in tf.resources() if r.get("address") == ADDRESS), None)
    if res is None:
        return None
    v = res["values"]
    ag = v.get("api_gateway") or {}
    la = next(iter((v.get("lambda_pools") or {}).values()), {})
    dd = next(iter((v.get("dynamodb_tables") or {}).values()), {})
    cp = v.get("cache_policy")
    da = v.get("dashboard")
    qr = list((v.get("quota_requests") or {}).values())
    auto = dd.get("autoscaling") or {}
    scaling = {}
    for dim in ("read", "write"):
        blk = auto.get(dim)
        if blk:
            scaling[dim] = {
                "min": blk.get("min_capacity"),
                "max": blk.get("max_capacity"),
                "target": blk.get("target_utilization"),
            }
    return {
        "stage": {"rate": ag.get("rate_limit"), "burst": ag.get("burst_limit")},
        "lambda": {
            "memory": la.get("memory_size"),
            "timeout": la.get("timeout"),
            "reserved": la.get("reserved_concurrency"),
            "provisioned": la.get("provisioned_concurrency"),
            "alias_version": la.get("qualifier_version"),
        },
        "table": {"billing_mode": dd.get("billing_mode"), "rcu": dd.get("read_capacity"), "wcu": dd.get("write_capacity")},
        "scaling": scaling,
        "cache_policy": None if cp is None else {"id": cp.get("id"), "default_ttl": cp.get("default_ttl")},
        "dashboard": None if da is None else da.get("name"),
        "quota_requests": [{"id": q.get("request_id"), "status": q.get("status")} for q in qr],
    }


def _num(v: Any) -> Any:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def mismatches(aws: dict[str, Any], state: dict[str, Any] | None, s: Settings) -> list[str]:
    """Every difference between AWS, Terraform's state and the configured settings.

    Empty means: state says exactly what AWS has, AWS has exactly what the
    configuration asks for, and nothing is duplicated (one cache policy with the
    name, one scalable target and policy per dimension, one quota request)."""
    bad: list[str] = []
    if state is None:
        return ["the profile is not in Terraform's state"]

    def same(what: str, a: Any, b: Any) -> None:
        if _num(a) != _num(b):
            bad.append(f"{what}: AWS {a!r} vs {b!r}")

    want = {
        "stage": {"rate": s.rate, "burst": s.burst},
        "lambda": {"memory": s.memory, "timeout": s.timeout, "reserved": s.reserved, "provisioned": s.provisioned},
        "table": {"billing_mode": "PROVISIONED", "rcu": s.rcu, "wcu": s.wcu},
    }
    for group, fields in want.items():
        for key, value in fields.items():
            if value is not None:
                same(f"{group}.{key} (config)", aws[group][key], value)
            same(f"{group}.{key} (state)", aws[group][key], state[group][key])
    same("lambda.alias_version (state)", aws["lambda"]["alias_version"], state["lambda"]["alias_version"])

    cfg_scaling = {
        "read": {"min": s.read_min, "max": s.read_max, "target": s.target},
        "write": {"min": s.write_min, "max": s.write_max, "target": s.target},
    }
    for dim, cfg in cfg_scaling.items():
        got = aws["scaling"].get(dim)
        if got is None:
            bad.append(f"scaling.{dim}: no scalable target in AWS")
            continue
        if got["targets"] != 1 or got["policies"] != 1:
            bad.append(f"scaling.{dim}: {got['targets']} scalable targets and {got['policies']} policies (want 1 and 1)")
        st = state["scaling"].get(dim) or {}
        for key in ("min", "max", "target"):
            same(f"scaling.{dim}.{key} (config)", got.get(key), cfg[key])
            same(f"scaling.{dim}.{key} (state)", got.get(key), st.get(key))

    pols = aws["cache_policies"]
    if len(pols) != 1:
        bad.append(f"cache policies named as the profile's: {len(pols)} ({[p['id'] for p in pols]}), want 1")
    elif state["cache_policy"] is None or state["cache_policy"]["id"] != pols[0]["id"]:
        bad.append(f"cache policy in AWS {pols[0]['id']} is not the one in state {state['cache_policy']}")
    else:
        same("cache_policy.default_ttl (config)", pols[0]["default_ttl"], s.default_ttl)
        same("cache_policy.default_ttl (state)", pols[0]["default_ttl"], state["cache_policy"]["default_ttl"])

    if aws["dashboards"] != [state["dashboard"]]:
        bad.append(f"dashboards {aws['dashboards']} vs state {state['dashboard']!r}")

    reqs = aws["quota_requests"]
    if len(reqs) != 1:
        bad.append(f"quota increase requests filed: {len(reqs)} ({reqs}), want exactly 1")
    elif [q["id"] for q in state["quota_requests"]] != [reqs[0]["id"]]:
        bad.append(f"quota request in AWS {reqs[0]['id']} is not the one in state {state['quota_requests']}")
    return bad


def baseline(sb: Sandbox, n: Names) -> dict[str, Any]:
    """What destroy must restore (quota requests cannot be withdrawn: left out)."""
    snap = read_aws(sb, n)
    snap.pop("quota_requests")
    return snap


# -- converging through faults -----------------------------------------------------------------------------


@dataclass
class Attempts:
    """What it took to get one verb through."""

    verb: str
    results: list[TfResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        return sum(1 for r in self.results if r.rc not in (0, 2))

    @property
    def ok(self) -> bool:
        return bool(self.results) and self.results[-1].rc in (0, 2)

    def errors(self) -> list[str]:
        out = []
        for r in self.results:
            if r.rc not in (0, 2):
                out.extend(line.strip() for line in r.output.splitlines() if line.strip().startswith("Error:"))
        return out


def until_ok(verb: str, run: Callable[[], TfResult], max_attempts: int) -> Attempts:
    """Run ``run`` until it succeeds, at most ``max_attempts`` times."""
    att = Attempts(verb)
    t0 = time.monotonic()
    for _ in range(max_attempts):
        result = run()
        att.results.append(result)
        if result.rc in (0, 2):
            break
    att.seconds = time.monotonic() - t0
    return att


def retry_lines(log_path: Path) -> list[str]:
    if not log_path.exists():
        return []
    return [line for line in log_path.read_text(errors="replace").splitlines() if RETRY_LINE.search(line)]


def figures_path() -> Path:
    """Where a run leaves its figures (JSON) for docs/reliability.md."""
    from harness.sandbox import REPO_ROOT

    out = REPO_ROOT / "target" / "reliability"
    out.mkdir(parents=True, exist_ok=True)
    return out


def save_figures(name: str, doc: dict[str, Any]) -> Path:
    path = figures_path() / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, default=str) + "\n")
    return path
