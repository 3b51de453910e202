"""CAP013 early warning at plan time through the real Terraform core: a need
at 84 % of what API Gateway lets through warns by default (80 %), not with
the provider block's ``early_warning_percent = 90``; a percentage out of range
is an error on that attribute. ``smuppy-validate --early-warning`` agrees."""

from __future__ import annotations

import json
import subprocess

import pytest

from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, Sandbox
from harness.terraform import Terraform, provider_block, required_providers_block

from test_validator_live import validate_binary


def profile(api_id: str, stage: str) -> str:
    # 4,200 rps reach a stage limited to 5,000: 84 %.
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "near"
  traffic = {{
    peak_rps        = 4200
    latency_ms      = 20
    cache_hit_ratio = 0
  }}
  api_gateway = {{
    rest_api_id = "{api_id}"
    stage_name  = "{stage}"
    rate_limit  = 5000
    burst_limit = 2500
  }}
}}
"""


def plan_diags(tf: Terraform, sb: Sandbox, extra: str) -> tuple[int, list[dict]]:
    block = provider_block(sb.provider_endpoints)
    head, rest = block.split("\n", 1)
    (tf.workdir / "provider.tf").write_text(required_providers_block() + "\n" + head + "\n" + extra + "\n" + rest)
    rc, out, _ = tf.run("plan", "-json", "-input=false")
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return rc, [e["diagnostic"] for e in events if e.get("type") == "diagnostic"]


@pytest.fixture
def stage(sandbox: Sandbox, suffix: str) -> fx.RestApi:
    return fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"smuppy-near-{suffix}")


def test_early_warning_threshold_from_the_provider_block(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    tf.write_config(profile(stage.api_id, stage.stage_name), with_provider=False)

    rc, diags = plan_diags(tf, sandbox, "")
    assert rc == 0, diags
    (near,) = [d for d in diags if d["summary"].startswith("CAP013 ")]
    assert near["severity"] == "warning", near
    assert "4,200 is 84% of 5,000 (early warning from 80%); 800 left" in near["detail"], near
    assert near["snippet"]["code"].strip() == "rate_limit  = 5000", near

    rc, diags = plan_diags(tf, sandbox, "  early_warning_percent = 90")
    assert rc == 0, diags
    assert not [d for d in diags if d["summary"].startswith("CAP013 ")], diags

    rc, diags = plan_diags(tf, sandbox, "  early_warning_percent = 0")
    assert rc == 1, diags
    (bad,) = [d for d in diags if d["severity"] == "error"]
    assert bad["summary"] == "Invalid early_warning_percent", bad
    assert "early_warning_percent" in bad["snippet"]["code"], bad

    # The validator, on the same configuration, with the same thresholds.
    for flag, expect in ((None, True), ("90", False)):
        args = [str(validate_binary()), "--format", "json", "--no-config", str(tf.workdir)]
        if flag:
            args += ["--early-warning", flag]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
        assert proc.returncode == 0, proc.stderr
        (p,) = json.loads(proc.stdout)["profiles"]
        assert ("CAP013" in {f["rule_id"] for f in p["findings"]}) is expect, p["findings"]
