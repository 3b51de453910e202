"""A finding the team accepts, on the record: the resource's ``acknowledge``
attribute turns that rule's error into a warning carrying the reason, in the
plan through the real Terraform core and in ``smuppy-validate`` alike; without
it the same profile fails both. What the apply changed is read back through
the AWS API. An id that names no rule fails the plan on that entry (ACK001).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from harness import fixtures as fx
from harness.sandbox import REPO_ROOT, Sandbox
from harness.terraform import Terraform

from test_validator_live import validate_binary

REASON = "stage quota increase approved, ticket OPS-42"


def profile(api_id: str, stage: str, acknowledge: str | None) -> str:
    # 20,000 rps at the origin against a stage that lets 5,000 through: CAP004
    # is the profile's only error.
    ack = f"\n  acknowledge = {{\n{acknowledge}\n  }}\n" if acknowledge is not None else ""
    return f"""
resource "smuppy_scaling_profile" "api" {{
  name = "acknowledged"
  traffic = {{
    peak_rps        = 20000
    latency_ms      = 20
    cache_hit_ratio = 0
  }}
  api_gateway = {{
    rest_api_id = "{api_id}"
    stage_name  = "{stage}"
    rate_limit  = 5000
    burst_limit = 2500
  }}{ack}
}}
"""


def diagnostics(tf: Terraform) -> tuple[int, list[dict]]:
    rc, out, err = tf.run("plan", "-json", "-input=false", "-detailed-exitcode")
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return rc, [e["diagnostic"] for e in events if e.get("type") == "diagnostic"]


def validate(workdir: Path) -> tuple[int, list[dict]]:
    proc = subprocess.run(
        [str(validate_binary()), "--format", "json", "--no-config", str(workdir)],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
    )
    assert proc.returncode in (0, 1), proc.stderr
    (p,) = json.loads(proc.stdout)["profiles"]
    return proc.returncode, p["findings"]


@pytest.fixture
def stage(sandbox: Sandbox, suffix: str) -> fx.RestApi:
    return fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"smuppy-ack-{suffix}")


def test_an_acknowledged_error_plans_and_applies_with_its_reason(tf: Terraform, sandbox: Sandbox, stage: fx.RestApi) -> None:
    api, name = stage.api_id, stage.stage_name

    # Without the acknowledgement: the plan and the validator both fail on CAP004.
    tf.write_config(profile(api, name, None))
    rc, diags = diagnostics(tf)
    assert rc == 1, diags
    errors = [d for d in diags if d["severity"] == "error"]
    assert [d["summary"].split()[0] for d in errors] == ["CAP004"], errors
    vrc, findings = validate(tf.workdir)
    assert vrc == 1 and [f["rule_id"] for f in findings if f["severity"] == "error"] == ["CAP004"], findings

    # With it: a warning carrying the reason, the plan passes and applies.
    tf.write_config(profile(api, name, f'    CAP004 = "{REASON}"'))
    rc, diags = diagnostics(tf)
    assert rc == 2, diags
    assert not [d for d in diags if d["severity"] == "error"], diags
    cap004 = [d for d in diags if d["summary"].startswith("CAP004 ")]
    assert len(cap004) == 1 and cap004[0]["severity"] == "warning", diags
    assert f"(acknowledged: {REASON})" in cap004[0]["detail"], cap004
    vrc, findings = validate(tf.workdir)
    assert vrc == 0, findings
    (f,) = [f for f in findings if f["rule_id"] == "CAP004"]
    assert f["severity"] == "warning" and f"(acknowledged: {REASON})" in f["message"], f

    tf.apply(check=True)
    settings = fx.stage_method_settings(sandbox, api, name).get("*/*") or {}
    assert settings.get("throttlingRateLimit") == 5000.0, settings
    assert settings.get("throttlingBurstLimit") == 2500, settings
    assert not tf.plan().changes

    # The state records the acknowledgement as configured.
    state = tf.show_json()["values"]["root_module"]["resources"][0]["values"]
    assert state["acknowledge"] == {"CAP004": REASON}, state
    tf.destroy(check=True)


def test_an_unknown_rule_id_fails_the_plan_on_its_entry(tf: Terraform, stage: fx.RestApi) -> None:
    tf.write_config(profile(stage.api_id, stage.stage_name, '    CAP004 = "fine"\n    CAP404 = "typo"'))
    rc, diags = diagnostics(tf)
    assert rc == 1, diags
    (ack,) = [d for d in diags if d["summary"].startswith("ACK001 ")]
    assert ack["severity"] == "error", ack
    assert '"CAP404"' in ack["detail"], ack
    assert ack["address"] == "smuppy_scaling_profile.api", ack
    # It points at the entry itself: Terraform shows that line.
    assert ack["snippet"]["code"].strip() == 'CAP404 = "typo"', json.dumps(ack)
    vrc, findings = validate(tf.workdir)
    assert vrc == 1 and "ACK001" in {f["rule_id"] for f in findings}, findings
