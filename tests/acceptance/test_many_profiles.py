"""Many profiles in one configuration, and profiles that claim the same AWS
thing. Checked through the API Gateway API, not state."""

from __future__ import annotations

import time

from harness import fixtures as fx
from harness.sandbox import Sandbox
from harness.terraform import Terraform


# Seconds for the sandbox's API Gateway bucket (burst 40 at 10 requests/s) to refill.
API_GATEWAY_REFILL_S = 4.0


def profile(label: str, name: str, api: str, stage: str, rate: int) -> str:
    return f"""
resource "smuppy_scaling_profile" "{label}" {{
  name = "{name}"
  api_gateway = {{
    rest_api_id = "{api}"
    stage_name  = "{stage}"
    rate_limit  = {rate}
    burst_limit = {rate // 2}
  }}
}}
"""


def test_many_profiles_apply_in_parallel_and_converge(tf: Terraform, sandbox: Sandbox) -> None:
    stages = [
        fx.ensure_rest_api(sandbox, fx.pinned_api_id(s), name=f"api-{s}")
        for s in (fx.unique_suffix() for _ in range(6))
    ]
    config = "".join(
        profile(f"p{i}", f"profile-{i}", st.api_id, st.stage_name, 1000 + 100 * i)
        for i, st in enumerate(stages)
    )
    tf.write_config(config)
    # The sandbox enforces API Gateway's control-plane rate for the whole account
    # (10 requests/s, burst 40), and creating the six fixture APIs just drained the
    # burst: let it refill, as it has when a team runs the apply.
    time.sleep(API_GATEWAY_REFILL_S)
    tf.apply("-parallelism=10", check=True)
    for i, st in enumerate(stages):
        ms = fx.stage_method_settings(sandbox, st.api_id, st.stage_name)["*/*"]
        assert ms["throttlingRateLimit"] == 1000 + 100 * i
        assert ms["throttlingBurstLimit"] == (1000 + 100 * i) // 2
    assert not tf.plan().changes
    time.sleep(API_GATEWAY_REFILL_S)
    tf.destroy("-parallelism=10", check=True)


def test_two_profiles_claiming_one_stage_are_refused(tf: Terraform, sandbox: Sandbox, suffix: str) -> None:
    st = fx.ensure_rest_api(sandbox, fx.pinned_api_id(suffix), name=f"api-{suffix}")
    before = fx.stage_method_settings(sandbox, st.api_id, st.stage_name).get("*/*")
    tf.write_config(
        profile("a", "alpha", st.api_id, st.stage_name, 500)
        + profile("b", "beta", st.api_id, st.stage_name, 900)
    )
    result = tf.plan_raw()
    assert result.rc == 1, result.output
    out = " ".join(result.output.split())
    assert "Managed by two profiles" in out, out
    assert '"alpha"' in out and '"beta"' in out, out
    # Nothing was changed.
    assert fx.stage_method_settings(sandbox, st.api_id, st.stage_name).get("*/*") == before
