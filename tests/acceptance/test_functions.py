"""The provider's functions in the real Terraform core (provider-defined functions need
Terraform >= 1.8; the core here is 1.15).

The root module has no ``smuppy_scaling_profile`` and no provider block: Terraform calls
functions on an unconfigured provider, so no sandbox is needed. Every function is called
in ``output``s, a ``check {}`` block and an output ``precondition``; the values Terraform
reports are compared with figures computed here from the formulas and AWS's published
defaults and prices, not with what the provider computed. A bad argument fails the plan
with the parameter named.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from harness.terraform import Terraform, required_providers_block

pytestmark = pytest.mark.acceptance

# AWS defaults the functions check against (no AWS call): the account's API Gateway
# throttle and Lambda concurrent executions.
ACCOUNT_THROTTLE_RPS = 10_000
# API Gateway REST requests, first tier (up to 333M a month), USD per million.
APIGW_USD_PER_MILLION = 3.50
SECONDS_PER_MONTH = 30 * 86_400

STACK = """
variable "hit" {
  type    = number
  default = 0.8
}

variable "enforce" {
  type    = bool
  default = false
}

locals {
  stack = {
    traffic      = { peak_rps = 100000, latency_ms = 55, cache_hit_ratio = var.hit }
    api_gateway  = { rest_api_id = "bmkd8zayee", stage_name = "staging", rate_limit = 10000, burst_limit = 5000 }
    lambda_pools = { api = { function_name = "smuppy-api-handler", reserved_concurrency = 800 } }
  }
  capacity = provider::smuppy::max_sustainable_rps(local.stack)
  findings = provider::smuppy::check(local.stack)
  errors   = [for f in local.findings : f if f.severity == "error"]
}

output "required_concurrency" {
  value = provider::smuppy::required_concurrency(16000, 50, 0.5)
}

output "origin_rps" {
  value = provider::smuppy::origin_rps(100000, 0.8)
}

output "cost" {
  value = provider::smuppy::monthly_cost({
    traffic     = { peak_rps = 100, cache_hit_ratio = 0.5 }
    api_gateway = { rest_api_id = "bmkd8zayee", stage_name = "staging" }
  })
}

output "capacity" {
  value = local.capacity
}

output "findings" {
  value = local.findings
}

check "headroom" {
  assert {
    condition     = local.capacity.headroom >= 1
    error_message = "headroom ${local.capacity.headroom} is below 1 (${local.capacity.bottleneck})"
  }
}

output "error_rules" {
  value = [for f in local.errors : f.rule_id]
  precondition {
    condition     = !var.enforce || length(local.errors) == 0
    error_message = join("; ", [for f in local.errors : "${f.rule_id} at ${f.location}: ${f.message}"])
  }
}
"""


def _tf(tmp_path: Path, body: str) -> Terraform:
    tf = Terraform(tmp_path / "tf")
    tf.require_provider()
    (tf.workdir / "versions.tf").write_text(required_providers_block())
    tf.write_config(body, with_provider=False)
    return tf


def _outputs(tf: Terraform) -> dict[str, Any]:
    result = tf.run("output", "-json").check()
    return {k: v["value"] for k, v in json.loads(result.stdout).items()}


def _lambda_max_origin_rps(reserved: int, latency_ms: float) -> float:
    return reserved / (latency_ms / 1000)


def test_functions_compute_in_outputs_and_the_check_passes(tmp_path: Path) -> None:
    hit = 0.95
    with _tf(tmp_path, STACK) as tf:
        result = tf.apply("-var", f"hit={hit}", "-var", "enforce=true")
        assert result.rc == 0, result.output
        assert "Check block assertion failed" not in result.output, result.output
        out = _outputs(tf)

    # Little's law after the cache: 16,000 rps x 0.5 miss x 0.050 s.
    assert out["required_concurrency"] == 16_000 * (1 - 0.5) * 50 / 1000 == 400
    assert out["origin_rps"] == pytest.approx(100_000 * (1 - 0.8))

    # 100 rps, half past the cache, all month: 129.6M REST requests in the first tier.
    requests = 100 * 0.5 * SECONDS_PER_MONTH
    apigw = round(requests / 1e6 * APIGW_USD_PER_MILLION, 2)
    assert out["cost"] == {"total_usd": apigw, "per_service": {"API Gateway": apigw}}

    # The stage carries the account throttle (10,000) at the origin; Lambda carries
    # 800 / 0.055 s. The narrower one, divided by the miss ratio, is the edge ceiling.
    origin_ceiling = min(ACCOUNT_THROTTLE_RPS, _lambda_max_origin_rps(800, 55))
    rps = origin_ceiling / (1 - hit)
    assert out["capacity"]["rps"] == pytest.approx(rps, abs=0.01)
    assert out["capacity"]["headroom"] == pytest.approx(rps / 100_000, abs=0.01)
    assert out["capacity"]["bottleneck"].startswith("API Gateway"), out["capacity"]
    assert out["error_rules"] == []
    assert all(f["severity"] != "error" for f in out["findings"]), out["findings"]


def test_check_block_warns_and_precondition_fails_with_the_finding(tmp_path: Path) -> None:
    with _tf(tmp_path, STACK) as tf:
        # At an 80% hit ratio 20,000 rps reach the origin: the stage lets 10,000 through.
        warned = tf.apply("-var", "hit=0.8")
        assert warned.rc == 0, warned.output
        headroom = ACCOUNT_THROTTLE_RPS / (1 - 0.8) / 100_000
        assert "Check block assertion failed" in warned.output, warned.output
        assert f"headroom {headroom:g} is below 1 (API Gateway" in warned.output, warned.output
        out = _outputs(tf)
        errors = {f["rule_id"]: f for f in out["findings"] if f["severity"] == "error"}
        # 20,000 origin rps x 0.055 s = 1,100 executions against 800 reserved.
        required = round(100_000 * (1 - 0.8) * 0.055)
        lambda_errors = [
            f for f in errors.values() if f["location"] == 'lambda_pools["api"].reserved_concurrency'
        ]
        assert any(f"{required:,}" in f["message"] for f in lambda_errors), errors
        assert any(f["location"] == "api_gateway.rate_limit" for f in errors.values()), errors
        assert sorted(out["error_rules"]) == sorted(errors)

        failed = tf.plan_raw("-var", "hit=0.8", "-var", "enforce=true")
        assert failed.rc == 1, failed.output
        assert "Module output value precondition failed" in failed.output, failed.output
        text = " ".join(failed.output.split())
        for rule_id in errors:
            assert rule_id in text, (rule_id, failed.output)
        assert 'lambda_pools["api"].reserved_concurrency' in text, failed.output


@pytest.mark.parametrize(
    ("call", "parameter", "text"),
    [
        ("origin_rps(-5, 0.5)", "peak_rps", "peak_rps is too small: it must be at least 0, got -5"),
        ("origin_rps(1000, 1.5)", "cache_hit_ratio", "cache_hit_ratio is too large: it must be between 0 and 1, got 1.5"),
        ("required_concurrency(1000, -1, 0.5)", "latency_ms", "latency_ms is too small"),
        ("check({ trafic = { peak_rps = 1 } })", "profile", "profile.trafic: smuppy_scaling_profile has no such attribute"),
        (
            'max_sustainable_rps({ lambda_pools = { api = { function_name = "has spaces" } } })',
            "settings",
            'settings.lambda_pools["api"].function_name',
        ),
        ('monthly_cost("staging")', "profile", "profile must be an object"),
    ],
)
def test_a_bad_argument_fails_the_plan_naming_it(tmp_path: Path, call: str, parameter: str, text: str) -> None:
    body = f'output "x" {{\n  value = provider::smuppy::{call}\n}}\n'
    with _tf(tmp_path, body) as tf:
        result = tf.plan_raw()
    assert result.rc == 1, result.output
    flat = " ".join(result.output.split())
    assert "Error: Invalid function argument" in flat, result.output
    assert f'Invalid value for "{parameter}" parameter: {text}' in flat, result.output
    # Terraform ends the message with its own period.
    assert ".." not in flat, result.output
    assert "provider internal error" not in flat


EXAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "examples" / "functions"


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES_DIR.iterdir() if p.is_dir()))
def test_each_documented_example_plans_as_it_says(tmp_path: Path, name: str) -> None:
    """The examples embedded in docs/functions/ run in the real core; the check example's
    precondition fails the plan with the findings it describes."""
    with _tf(tmp_path, (EXAMPLES_DIR / name / "function.tf").read_text()) as tf:
        result = tf.apply()
        flat = " ".join(result.output.split())
        if name == "check":
            assert result.rc == 1, result.output
            assert 'CAP002 at lambda_pools["api"].reserved_concurrency: 20,000 rps × 0.055 s needs 1,100' in flat, result.output
            return
        assert result.rc == 0, result.output
        assert "Check block assertion failed" not in flat, result.output
        out = _outputs(tf)
    expected = {
        "required_concurrency": {
            "concurrency_needed": 16_000 * 0.5 * 0.050,
            "reserved_concurrency": -(-round(100_000 * (1 - 0.8) * 0.055) * 12 // 10),
        },
        "origin_rps": {"origin_rps": 100_000 * (1 - 0.8)},
        "monthly_cost": {
            "monthly_cost": {
                "total_usd": round(100 * 0.5 * SECONDS_PER_MONTH / 1e6 * APIGW_USD_PER_MILLION, 2),
                "per_service": {"API Gateway": round(100 * 0.5 * SECONDS_PER_MONTH / 1e6 * APIGW_USD_PER_MILLION, 2)},
            }
        },
    }
    if name == "max_sustainable_rps":
        cap = out["capacity"]
        assert cap["rps"] == pytest.approx(ACCOUNT_THROTTLE_RPS / (1 - 0.95))
        assert cap["headroom"] == pytest.approx(ACCOUNT_THROTTLE_RPS / (1 - 0.95) / 100_000)
        assert cap["bottleneck"].startswith("API Gateway"), cap
        return
    for key, value in expected[name].items():
        assert out[key] == pytest.approx(value) if isinstance(value, float) else out[key] == value, (key, out)
